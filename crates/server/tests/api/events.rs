//! Live updates, `GET /api/events`: who sees which entries, resuming with `Last-Event-ID`
//! (also after commits out of the order of the entries' ids), the five streams a person may
//! hold, the heartbeat, and the refusals.

use std::time::Duration;

use reqwest::{Client, StatusCode};
use serde_json::{Value, json};

use crate::common::sse::{EventStream, Frame, entries};
use crate::helpers::{Backend, TestApp, ok_json, problem, spawn_app, spawn_app_with};

fn incident(subject: &str) -> Value {
    json!({
        "type": "incident", "severity": "high", "subject": subject,
        "description": "Every payment answers 502.", "language": "en"
    })
}

async fn file(app: &TestApp, client: &Client, subject: &str) -> i64 {
    let response = client
        .post(app.url("/api/tickets"))
        .json(&incident(subject))
        .send()
        .await
        .expect("file a ticket");
    ok_json(response, 201).await["id"]
        .as_i64()
        .expect("a ticket id")
}

/// Posts a message; the new entry's id.
async fn message(app: &TestApp, client: &Client, ticket: i64, body: Value) -> i64 {
    let response = client
        .post(app.url(&format!("/api/tickets/{ticket}/messages")))
        .json(&body)
        .send()
        .await
        .expect("post a message");
    ok_json(response, 201).await["id"]
        .as_i64()
        .expect("an entry id")
}

/// The id of the ticket's first entry (`submitted`).
async fn submitted(app: &TestApp, engineer: &Client, ticket: i64) -> i64 {
    let response = engineer
        .get(app.url(&format!("/api/tickets/{ticket}/timeline")))
        .send()
        .await
        .expect("a timeline");
    let timeline = ok_json(response, 200).await;
    assert_eq!(timeline["entries"][0]["type"], "submitted");
    timeline["entries"][0]["id"].as_i64().expect("an entry id")
}

async fn request(
    app: &TestApp,
    client: &Client,
    query: &str,
    last: Option<&str>,
) -> reqwest::Response {
    let mut request = client.get(app.url(&format!("/api/events{query}")));
    if let Some(last) = last {
        request = request.header("last-event-id", last);
    }
    request.send().await.expect("an answer")
}

async fn stream(app: &TestApp, client: &Client, query: &str, last: Option<&str>) -> EventStream {
    EventStream::new(request(app, client, query, last).await)
}

async fn a_customer_sees_their_accounts_entries_without_internal_notes_and_an_engineer_sees_all(
    backend: Backend,
) {
    let app = spawn_app(backend).await;
    let (manager_a, manager_b, engineer) = (
        app.manager().await,
        app.manager().await,
        app.engineer().await,
    );
    let mut of_a = stream(&app, &manager_a, "", None).await;
    let mut of_b = stream(&app, &manager_b, "", None).await;
    let mut of_engineer = stream(&app, &engineer, "", None).await;

    let ticket_a = file(&app, &manager_a, "A's checkout fails").await;
    let note = message(
        &app,
        &engineer,
        ticket_a,
        json!({"body": "Looks like the proxy", "internal": true}),
    )
    .await;
    let answer = message(&app, &engineer, ticket_a, json!({"body": "We are on it"})).await;
    let ticket_b = file(&app, &manager_b, "B's checkout fails").await;
    let (submitted_a, submitted_b) = (
        submitted(&app, &engineer, ticket_a).await,
        submitted(&app, &engineer, ticket_b).await,
    );

    let seen_by_a = of_a.events_through(answer).await;
    assert_eq!(entries(&seen_by_a), [submitted_a, answer]);
    let kinds: Vec<&str> = seen_by_a.iter().map(|e| e.kind()).collect();
    assert_eq!(kinds, ["submitted", "public_message"]);
    assert!(seen_by_a.iter().all(|e| e.ticket() == ticket_a));
    // B's own entry comes after A's in the stream's order: had A's leaked, they came first.
    assert_eq!(
        entries(&of_b.events_through(submitted_b).await),
        [submitted_b]
    );
    let seen_by_engineer = of_engineer.events_through(submitted_b).await;
    assert_eq!(
        entries(&seen_by_engineer),
        [submitted_a, note, answer, submitted_b]
    );
    assert_eq!(seen_by_engineer[1].kind(), "internal_note");
    // After B's entry, A's stream gets its next one: the note never came in between.
    let next = message(&app, &manager_a, ticket_a, json!({"body": "Thanks"})).await;
    assert_eq!(entries(&of_a.events_through(next).await), [next]);
}

async fn a_stream_of_one_ticket_gets_only_that_tickets_entries(backend: Backend) {
    let app = spawn_app(backend).await;
    let manager = app.manager().await;
    let first = file(&app, &manager, "First").await;
    let second = file(&app, &manager, "Second").await;
    let mut of_second = stream(&app, &manager, &format!("?ticket={second}"), None).await;
    let about_first = message(&app, &manager, first, json!({"body": "about the first"})).await;
    let about_second = message(&app, &manager, second, json!({"body": "about the second"})).await;
    // (A stream without Last-Event-ID may also get entries committed just before it opened:
    // here the second ticket's `submitted`.)
    let seen = of_second.events_through(about_second).await;
    assert!(seen.iter().all(|e| e.ticket() == second), "{seen:?}");
    assert!(!entries(&seen).contains(&about_first));
}

async fn a_stream_resumed_with_last_event_id_gets_what_it_missed_once(backend: Backend) {
    let app = spawn_app(backend).await;
    let manager = app.manager().await;
    let ticket = file(&app, &manager, "Checkout fails").await;
    let mut first = stream(&app, &manager, "", None).await;
    let m1 = message(&app, &manager, ticket, json!({"body": "one"})).await;
    let seen = first.events_through(m1).await;
    let last = seen.last().expect("an event").id.clone();
    drop(first);

    let m2 = message(&app, &manager, ticket, json!({"body": "two"})).await;
    let m3 = message(&app, &manager, ticket, json!({"body": "three"})).await;
    let mut resumed = stream(&app, &manager, "", Some(&last)).await;
    let missed = resumed.events_through(m3).await;
    assert_eq!(entries(&missed), [m2, m3]);
    // ... and then goes on live, without repeating anything.
    let m4 = message(&app, &manager, ticket, json!({"body": "four"})).await;
    assert_eq!(entries(&resumed.events_through(m4).await), [m4]);

    // Resuming after the newest event starts with the next entry.
    let newest = missed.last().expect("an event").id.clone();
    let mut again = stream(&app, &manager, "", Some(&newest)).await;
    assert_eq!(entries(&again.events_through(m4).await), [m4]);
}

async fn a_sixth_stream_of_one_person_is_429_and_a_closed_stream_frees_its_place(backend: Backend) {
    // A heartbeat each second lets the server notice a stream whose client went away.
    let app = spawn_app_with(backend, |settings| {
        settings.events.heartbeat = Duration::from_secs(1);
    })
    .await;
    let manager = app.manager().await;
    let mut open = Vec::new();
    for _ in 0..5 {
        open.push(stream(&app, &manager, "", None).await);
    }
    let sixth = problem(request(&app, &manager, "", None).await, 429).await;
    assert_eq!(sixth["type"], "/problems/too-many-requests");
    assert!(
        sixth["detail"].as_str().is_some_and(|d| d.contains('5')),
        "{sixth}"
    );
    // Another person's streams are their own.
    let other = app.manager().await;
    let _others = stream(&app, &other, "", None).await;

    drop(open.pop());
    let mut attempts = 0;
    loop {
        let response = request(&app, &manager, "", None).await;
        if response.status() == StatusCode::OK {
            break;
        }
        assert_eq!(response.status(), 429);
        attempts += 1;
        assert!(attempts < 100, "the closed stream's place was never freed");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

async fn an_idle_stream_gets_a_heartbeat_comment(backend: Backend) {
    let app = spawn_app_with(backend, |settings| {
        settings.events.heartbeat = Duration::from_secs(1);
    })
    .await;
    let engineer = app.engineer().await;
    let mut idle = stream(&app, &engineer, "", None).await;
    assert_eq!(
        idle.next_frame().await,
        Some(Frame::Comment("heartbeat".to_owned()))
    );
}

async fn streams_are_refused_to_anonymous_callers_and_for_another_accounts_ticket(
    backend: Backend,
) {
    let app = spawn_app(backend).await;
    let anonymous = problem(request(&app, &app.client, "", None).await, 401).await;
    assert_eq!(anonymous["type"], "/problems/not-signed-in");
    let forged = app
        .client
        .get(app.url("/api/events"))
        .header("cookie", format!("support_session={}", "ab".repeat(32)))
        .send()
        .await
        .expect("an answer");
    problem(forged, 401).await;

    let (manager_a, manager_b) = (app.manager().await, app.manager().await);
    let ticket_b = file(&app, &manager_b, "B's").await;
    let other = problem(
        request(&app, &manager_a, &format!("?ticket={ticket_b}"), None).await,
        404,
    )
    .await;
    assert_eq!(other["type"], "/problems/not-found");
    problem(request(&app, &manager_a, "?ticket=999999", None).await, 404).await;
    problem(request(&app, &manager_a, "?ticket=abc", None).await, 422).await;
    for last in ["42", "a-b", "-1-2", "1-2-3", "99999999999999999999-1"] {
        let malformed = problem(request(&app, &manager_a, "", Some(last)).await, 400).await;
        assert_eq!(malformed["type"], "/problems/malformed-request", "{last}");
    }
    let posted = manager_a
        .post(app.url("/api/events"))
        .send()
        .await
        .expect("an answer");
    problem(posted, 405).await;
}

on_both!(
    a_customer_sees_their_accounts_entries_without_internal_notes_and_an_engineer_sees_all,
    a_stream_of_one_ticket_gets_only_that_tickets_entries,
    a_stream_resumed_with_last_event_id_gets_what_it_missed_once,
    a_sixth_stream_of_one_person_is_429_and_a_closed_stream_frees_its_place,
    an_idle_stream_gets_a_heartbeat_comment,
    streams_are_refused_to_anonymous_callers_and_for_another_accounts_ticket,
);

/// Appends a customer message to `ticket` inside `tx`; its id.
async fn insert_entry(
    tx: &mut sqlx::Transaction<'static, sqlx::Any>,
    ticket: i64,
    body: &str,
) -> i64 {
    sqlx::query_scalar(
        "INSERT INTO ticket_entries (ticket_id, at, author_id, kind, internal, body, data) \
         VALUES ($1, 0, NULL, 'customer_message', 0, $2, '{}') RETURNING id",
    )
    .bind(ticket)
    .bind(body)
    .fetch_one(&mut **tx)
    .await
    .expect("an entry")
}

/// Ids are handed out at insert, so two transactions can commit their entries out of the
/// order of their ids. A stream and a resumed stream still get each entry once: entries go
/// out in the order of their transactions, each once no older transaction is running.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn entries_committed_out_of_the_order_of_their_ids_reach_a_stream_and_a_resumed_one_once() {
    if !crate::common::postgres_ready().await {
        return;
    }
    let app = spawn_app(Backend::Postgres).await;
    let engineer = app.engineer().await;
    let manager = app.manager().await;
    let ticket = file(&app, &manager, "Checkout fails").await;
    let mut live = stream(&app, &engineer, "", None).await;
    let before = message(&app, &manager, ticket, json!({"body": "before"})).await;
    let resume_from = live
        .events_through(before)
        .await
        .pop()
        .expect("an event")
        .id;

    // Begin A, begin B (ids a < b), commit B, commit A.
    let mut tx_a = app.db.writer().begin().await.expect("transaction A");
    let mut tx_b = app.db.writer().begin().await.expect("transaction B");
    let a = insert_entry(&mut tx_a, ticket, "A").await;
    let b = insert_entry(&mut tx_b, ticket, "B").await;
    assert!(a < b);
    tx_b.commit().await.expect("commit B");
    tx_a.commit().await.expect("commit A");
    // C takes its transaction id first and D inserts first (ids d < c), C commits first.
    let mut tx_c = app.db.writer().begin().await.expect("transaction C");
    sqlx::query("SELECT pg_current_xact_id()::text")
        .execute(&mut *tx_c)
        .await
        .expect("C's transaction id");
    let mut tx_d = app.db.writer().begin().await.expect("transaction D");
    let d = insert_entry(&mut tx_d, ticket, "D").await;
    let c = insert_entry(&mut tx_c, ticket, "C").await;
    assert!(d < c);
    tx_c.commit().await.expect("commit C");
    tx_d.commit().await.expect("commit D");
    let after = message(&app, &manager, ticket, json!({"body": "after"})).await;

    let delivered = live.events_through(after).await;
    assert_eq!(entries(&delivered), [a, b, c, d, after]);
    let mut resumed = stream(&app, &engineer, "", Some(&resume_from)).await;
    assert_eq!(
        entries(&resumed.events_through(after).await),
        [a, b, c, d, after]
    );
    // Resuming after C (whose id is above D's) still gets D.
    let mut after_c = stream(&app, &engineer, "", Some(&delivered[2].id)).await;
    assert_eq!(entries(&after_c.events_through(after).await), [d, after]);
}
