//! Live updates against the real binary: two server processes on one PostgreSQL (an entry
//! written through one reaches a stream held by the other; idempotent retries to both make
//! one ticket), and a reader that does not read (the server closes its stream instead of
//! buffering, stays healthy, and a resumed stream gets the rest).

use std::time::Duration;

use futures::future::join_all;
use reqwest::Client;
use serde_json::{Value, json};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

use crate::common::sse::{EventStream, entries};
use crate::real_server::{
    Backend, Database, PASSWORD, RealServer, admin, client, create_account, incident, sign_in,
};

async fn create_engineer(database: &Database, email: &str) {
    let staff = admin(
        database,
        &["create-staff", "--email", email, "--name", "Eve Engineer"],
        &format!("{PASSWORD}\n"),
    )
    .await;
    assert!(staff.status.success(), "create-staff");
}

async fn post(client: &Client, url: String, body: &Value) -> Value {
    let response = client.post(url).json(body).send().await.expect("an answer");
    let status = response.status();
    let text = response.text().await.expect("a body");
    assert_eq!(status, 201, "{text}");
    serde_json::from_str(&text).expect("JSON")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_server_processes_on_one_postgresql_share_live_updates_and_idempotent_retries() {
    if !crate::common::postgres_ready().await {
        return;
    }
    let database = Database::fresh(Backend::Postgres).await;
    create_account(&database, "boss-a@example.com").await;
    create_engineer(&database, "eng@vendor.example").await;
    let one = RealServer::start(&database, 0).await;
    let two = RealServer::start(&database, 1).await;
    // Cookies are kept per host, so one session serves both processes.
    let customer = sign_in(&two, "boss-a@example.com").await;
    let engineer = sign_in(&one, "eng@vendor.example").await;
    let mut on_two = EventStream::new(
        customer
            .get(two.url("/api/events"))
            .send()
            .await
            .expect("a stream"),
    );

    let ticket = post(&customer, one.url("/api/tickets"), &incident("one")).await;
    let id = ticket["id"].as_i64().expect("a ticket id");
    let messages = one.url(&format!("/api/tickets/{id}/messages"));
    post(
        &engineer,
        messages.clone(),
        &json!({"body": "note", "internal": true}),
    )
    .await;
    let answer = post(&engineer, messages, &json!({"body": "We are on it"})).await;
    let answer = answer["id"].as_i64().expect("an entry id");
    let seen = on_two.events_through(answer).await;
    let kinds: Vec<&str> = seen.iter().map(|e| e.kind()).collect();
    assert_eq!(kinds, ["submitted", "public_message"], "{seen:?}");
    assert!(seen.iter().all(|e| e.ticket() == id));
    assert_eq!(entries(&seen).last(), Some(&answer));

    // The same key, sent to both processes at once, ten times each: one ticket, one answer.
    let retries = (0..20).map(|n| {
        let customer = customer.clone();
        let url = if n % 2 == 0 {
            one.url("/api/tickets")
        } else {
            two.url("/api/tickets")
        };
        async move {
            let response = customer
                .post(url)
                .header("idempotency-key", "retried-across-processes")
                .json(&incident("retried"))
                .send()
                .await
                .expect("an answer");
            (
                response.status().as_u16(),
                response.text().await.expect("a body"),
            )
        }
    });
    let answers = join_all(retries).await;
    assert!(
        answers.iter().all(|(status, _)| *status == 201),
        "{answers:?}"
    );
    assert!(answers.iter().all(|(_, body)| *body == answers[0].1));
    let pool = database.pool().await;
    let made: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM tickets WHERE subject = $1")
        .bind("Checkout fails (retried)")
        .fetch_one(&pool)
        .await
        .expect("a count");
    assert_eq!(made, 1);
    let retried: Value = serde_json::from_str(&answers[0].1).expect("JSON");
    let submitted = on_two
        .next_event()
        .await
        .expect("the retried ticket's entry");
    assert_eq!(submitted.ticket(), retried["id"].as_i64().expect("an id"));
    assert_eq!(submitted.kind(), "submitted");
}

/// The `support_session=…` pair the server sets on signing in.
async fn session_cookie(server: &RealServer, email: &str) -> String {
    let response = Client::new()
        .post(server.url("/api/session"))
        .json(&json!({"email": email, "password": PASSWORD}))
        .send()
        .await
        .expect("sign in");
    assert_eq!(response.status(), 204);
    let cookie = response.headers()["set-cookie"]
        .to_str()
        .expect("a cookie")
        .to_owned();
    cookie.split(';').next().expect("the pair").to_owned()
}

/// How many entries the slow reader lets pass: far more than the stream's channel and the
/// socket buffers (at most 4 MiB here, about 55,000 events) hold.
const ENTRIES: i64 = 100_000;
/// Entries a transaction, so that the stream's channel would hold one commit's.
const PER_COMMIT: i64 = 100;

async fn a_reader_that_does_not_read_has_its_stream_closed_and_the_server_stays_healthy(
    backend: Backend,
) {
    let database = Database::fresh(backend).await;
    create_account(&database, "boss-a@example.com").await;
    create_engineer(&database, "eng@vendor.example").await;
    let server = RealServer::start_with(&database, 0, &[("SSE_BUFFER", "200")]).await;
    let manager = sign_in(&server, "boss-a@example.com").await;
    let engineer = sign_in(&server, "eng@vendor.example").await;
    let ticket = post(&manager, server.url("/api/tickets"), &incident("slow")).await;
    let id = ticket["id"].as_i64().expect("a ticket id");

    // A raw connection with a small receive buffer reads the answer's head, then nothing.
    let socket = tokio::net::TcpSocket::new_v4().expect("a socket");
    socket.set_recv_buffer_size(4096).expect("a small buffer");
    let mut slow = socket.connect(server.address).await.expect("connect");
    let cookie = session_cookie(&server, "eng@vendor.example").await;
    slow.write_all(
        format!(
            "GET /api/events HTTP/1.1\r\nHost: {}\r\nCookie: {cookie}\r\nAccept: text/event-stream\r\n\r\n",
            server.address
        )
        .as_bytes(),
    )
    .await
    .expect("send the request");
    let mut head = vec![0u8; 256];
    let read = slow.read(&mut head).await.expect("the answer's head");
    assert!(
        head[..read].starts_with(b"HTTP/1.1 200"),
        "{:?}",
        String::from_utf8_lossy(&head[..read])
    );

    // Internal notes, written straight into the database (the API would take minutes).
    let pool = database.pool().await;
    for _ in 0..ENTRIES / PER_COMMIT {
        sqlx::query(
            "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < $2) \
             INSERT INTO ticket_entries (ticket_id, at, author_id, kind, internal, body, data) \
             SELECT $1, 0, NULL, 'internal_note', 1, 'a note', '{}' FROM n",
        )
        .bind(id)
        .bind(PER_COMMIT)
        .execute(&pool)
        .await
        .expect("notes");
    }
    let last: i64 = sqlx::query_scalar("SELECT MAX(id) FROM ticket_entries")
        .fetch_one(&pool)
        .await
        .expect("the last entry");
    // The server closes the stream once it is full (the pump reads within 2 s of a commit).
    let mut attempts = 0;
    while !server.log().contains("fell behind") {
        attempts += 1;
        assert!(
            attempts < 300,
            "the stream was never closed:\n{}",
            server.log()
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let health = client()
        .get(server.url("/api/health"))
        .send()
        .await
        .expect("health");
    assert_eq!(health.status(), 200);

    // Now it reads: what the server had sent, then the end of the stream, not every entry.
    let mut received = Vec::new();
    let mut buffer = vec![0u8; 65536];
    let reading = async {
        loop {
            let read = slow.read(&mut buffer).await.expect("read");
            received.extend_from_slice(&buffer[..read]);
            if read == 0 || received.ends_with(b"\r\n0\r\n\r\n") {
                break;
            }
        }
    };
    tokio::time::timeout(Duration::from_secs(60), reading)
        .await
        .expect("the stream ends within the test's patience");
    let text = String::from_utf8_lossy(&received);
    let ids: Vec<&str> = text
        .split("id: ")
        .skip(1)
        .filter_map(|rest| rest.split('\n').next())
        .collect();
    let got = i64::try_from(ids.len()).expect("a count");
    assert!(got < ENTRIES, "every event was buffered: {got}");

    // Resuming after the last event it got, as often as its stream is closed again (while the
    // pump still publishes, a catch-up can fall behind too), the reader gets every other entry
    // once.
    let mut from = (*ids.last().expect("some events")).to_owned();
    let mut rest = Vec::new();
    for _ in 0..100 {
        let resumed = engineer
            .get(server.url("/api/events"))
            .header("last-event-id", &from)
            .send()
            .await
            .expect("a stream");
        let mut resumed = EventStream::new(resumed);
        while let Some(event) = resumed.next_event().await {
            rest.push(event.entry());
            from = event.id;
            if rest.last() == Some(&last) {
                break;
            }
        }
        if rest.last() == Some(&last) {
            break;
        }
    }
    assert_eq!(got + i64::try_from(rest.len()).expect("a count"), ENTRIES);
    assert!(
        rest.windows(2).all(|pair| pair[0] < pair[1]),
        "in order, once each"
    );
    let health = client()
        .get(server.url("/api/health"))
        .send()
        .await
        .expect("health");
    assert_eq!(health.status(), 200);
}

on_both!(a_reader_that_does_not_read_has_its_stream_closed_and_the_server_stays_healthy);
