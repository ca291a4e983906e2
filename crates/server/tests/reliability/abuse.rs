//! Abuse limits of the real binary with its default settings: sign-in attempts per email
//! (5 a minute) and per client address (20 a minute), new tickets per person (10 a minute).
//! Past a limit the answer is a 429 problem with `Retry-After`. The budgets are kept in
//! memory on SQLite (one process) and in PostgreSQL (shared by every process) for the
//! sign-in budgets; the last test runs two processes on one PostgreSQL.

use std::net::{IpAddr, Ipv4Addr};

use reqwest::{Client, Response};
use serde_json::{Value, json};

use crate::real_server::{
    Backend, Database, PASSWORD, RealServer, add_person, client, count, create_account, incident,
    sign_in,
};

/// Checks a 429: problem+json of type too-many-requests with a `Retry-After` of 1 to 60 s.
async fn assert_limited(response: Response, what: &str) {
    assert_eq!(response.status(), 429, "{what}");
    let retry_after: u64 = response
        .headers()
        .get("retry-after")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse().ok())
        .unwrap_or_else(|| panic!("{what}: no Retry-After in seconds"));
    assert!((1..=60).contains(&retry_after), "{what}: {retry_after}");
    assert_eq!(
        response.headers()["content-type"],
        "application/problem+json"
    );
    let body: Value = response.json().await.expect("a problem");
    assert_eq!(body["type"], "/problems/too-many-requests", "{what}");
}

async fn attempt(server: &RealServer, client: &Client, email: &str, password: &str) -> Response {
    client
        .post(server.url("/api/session"))
        .json(&json!({"email": email, "password": password}))
        .send()
        .await
        .expect("an answer")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sign_in_attempts_are_limited_per_email_whatever_the_letter_case() {
    let database = Database::fresh(Backend::Sqlite).await;
    create_account(&database, "boss@example.com").await;
    let server = RealServer::start(&database, 0).await;
    let client = client();
    for n in 1..=5 {
        let response = attempt(&server, &client, "boss@example.com", "wrong password").await;
        assert_eq!(response.status(), 401, "attempt {n}");
    }
    for email in ["boss@example.com", "BOSS@Example.com"] {
        let response = attempt(&server, &client, email, PASSWORD).await;
        assert_limited(response, &format!("the right password for {email}")).await;
    }
    // Another address from the same client is not limited by this one's attempts.
    let response = attempt(&server, &client, "someone@example.com", "wrong password").await;
    assert_eq!(response.status(), 401);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sign_in_attempts_are_limited_per_client_address_and_a_forwarded_header_does_not_escape() {
    let database = Database::fresh(Backend::Sqlite).await;
    create_account(&database, "boss@example.com").await;
    let server = RealServer::start(&database, 0).await;
    let client = client();
    for n in 0..20 {
        let email = format!("guess{n}@example.com");
        let response = attempt(&server, &client, &email, "wrong password").await;
        assert_eq!(response.status(), 401, "attempt {n}");
    }
    let response = attempt(&server, &client, "boss@example.com", PASSWORD).await;
    assert_limited(response, "the 21st attempt from 127.0.0.1").await;
    let response = client
        .post(server.url("/api/session"))
        .header("x-forwarded-for", "203.0.113.7")
        .header("forwarded", "for=203.0.113.7")
        .json(&json!({"email": "boss@example.com", "password": PASSWORD}))
        .send()
        .await
        .expect("an answer");
    assert_limited(response, "a forged X-Forwarded-For").await;
    // Another client address (127.0.0.2 is loopback too) has its own budget.
    let elsewhere = Client::builder()
        .local_address(IpAddr::V4(Ipv4Addr::new(127, 0, 0, 2)))
        .build()
        .expect("a client on 127.0.0.2");
    let response = attempt(&server, &elsewhere, "boss@example.com", PASSWORD).await;
    assert_eq!(response.status(), 204, "from 127.0.0.2");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn new_tickets_are_limited_per_person_and_replays_do_not_count() {
    let database = Database::fresh(Backend::Sqlite).await;
    create_account(&database, "boss@example.com").await;
    let server = RealServer::start(&database, 0).await;
    let manager = sign_in(&server, "boss@example.com").await;
    let colleague = add_person(
        &server,
        &database,
        &manager,
        "colleague@example.com",
        true,
        false,
    )
    .await;
    let post = |client: &Client, key: String| {
        client
            .post(server.url("/api/tickets"))
            .header("Idempotency-Key", &key)
            .json(&incident(&key))
            .send()
    };
    let mut first = String::new();
    for n in 0..10 {
        let response = post(&manager, format!("budget-{n}")).await.expect("answer");
        assert_eq!(response.status(), 201, "ticket {n}");
        if n == 0 {
            first = response.text().await.expect("a body");
        }
    }
    let response = post(&manager, "budget-10".into()).await.expect("answer");
    assert_limited(response, "the 11th ticket").await;
    // A replay is the first answer, not a new ticket, so it is not refused.
    let replay = post(&manager, "budget-0".into()).await.expect("answer");
    assert_eq!(replay.status(), 201);
    assert_eq!(replay.text().await.expect("a body"), first);
    // The budget is the person's: a colleague of the same account still submits.
    let response = post(&colleague, "colleague-0".into())
        .await
        .expect("answer");
    assert_eq!(response.status(), 201);
    let pool = database.pool().await;
    assert_eq!(count(&pool, "tickets").await, 11);
}

/// Two server processes on one fresh PostgreSQL database share the sign-in budgets: attempts
/// made to either count against the one limit.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_sign_in_limit_counts_attempts_made_to_two_server_processes_on_one_postgresql() {
    if !crate::common::postgres_ready().await {
        return;
    }
    let database = Database::fresh(Backend::Postgres).await;
    create_account(&database, "boss@example.com").await;
    let first = RealServer::start(&database, 0).await;
    let second = RealServer::start(&database, 1).await;
    let client = client();
    for n in 1..=5 {
        let server = if n % 2 == 0 { &second } else { &first };
        let response = attempt(server, &client, "boss@example.com", "wrong password").await;
        assert_eq!(response.status(), 401, "attempt {n}");
    }
    for (name, server) in [("first", &first), ("second", &second)] {
        let response = attempt(server, &client, "boss@example.com", PASSWORD).await;
        assert_limited(
            response,
            &format!("the right password, to the {name} server"),
        )
        .await;
    }
    // The per-address budget is shared too: 20 attempts in all, whichever server took them
    // (the 5 above and 2 refused ones count).
    for n in 0..13 {
        let server = if n % 2 == 0 { &first } else { &second };
        let email = format!("guess{n}@example.com");
        let response = attempt(server, &client, &email, "wrong password").await;
        assert_eq!(response.status(), 401, "guess {n}");
    }
    let response = attempt(&second, &client, "other@example.com", "wrong password").await;
    assert_limited(response, "the 21st attempt from 127.0.0.1, to two servers").await;
}

/// Two server processes on one PostgreSQL share a person's ticket budget: tickets filed on
/// either count, a refused request's retry is refused again on the other process, and a replay
/// of a filed ticket is its first answer.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_ticket_limit_counts_tickets_filed_on_two_server_processes_on_one_postgresql() {
    if !crate::common::postgres_ready().await {
        return;
    }
    let database = Database::fresh(Backend::Postgres).await;
    create_account(&database, "boss@example.com").await;
    let first = RealServer::start(&database, 0).await;
    let second = RealServer::start(&database, 1).await;
    let manager = sign_in(&first, "boss@example.com").await;
    let post = |server: &RealServer, key: &str| {
        manager
            .post(server.url("/api/tickets"))
            .header("Idempotency-Key", key)
            .json(&incident(key))
            .send()
    };
    let mut replies = Vec::new();
    for n in 0..10 {
        let server = if n % 2 == 0 { &first } else { &second };
        let response = post(server, &format!("shared-{n}")).await.expect("answer");
        assert_eq!(response.status(), 201, "ticket {n}");
        replies.push(response.text().await.expect("a body"));
    }
    for (name, server) in [("first", &first), ("second", &second)] {
        let response = post(server, "shared-10").await.expect("answer");
        assert_limited(response, &format!("the 11th ticket, on the {name} server")).await;
    }
    let replay = post(&second, "shared-0").await.expect("answer");
    assert_eq!(replay.status(), 201);
    assert_eq!(replay.text().await.expect("a body"), replies[0]);
    let pool = database.pool().await;
    assert_eq!(count(&pool, "tickets").await, 10);
}
