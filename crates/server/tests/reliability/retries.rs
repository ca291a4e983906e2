//! Retries with one `Idempotency-Key` against the real binary: a hundred at once make one
//! ticket and one answer; a retry after the server crashed gets the ticket committed before.

use reqwest::Client;

use crate::real_server::{Backend, Database, RealServer, count, create_account, incident, sign_in};

async fn post(server: &RealServer, client: &Client, key: &str) -> (u16, String) {
    let response = client
        .post(server.url("/api/tickets"))
        .header("Idempotency-Key", key)
        .json(&incident(key))
        .send()
        .await
        .expect("post a ticket");
    let status = response.status().as_u16();
    (status, response.text().await.expect("an answer"))
}

async fn a_hundred_concurrent_retries_with_one_key_make_one_ticket_and_one_answer(
    backend: Backend,
) {
    let database = Database::fresh(backend).await;
    create_account(&database, "boss@example.com").await;
    // The server's default settings: the twins count once against the budget of new tickets.
    let server = RealServer::start(&database, 0).await;
    let client = sign_in(&server, "boss@example.com").await;
    let attempts = (0..100).map(|_| post(&server, &client, "one-key-for-a-hundred"));
    let answers = futures::future::join_all(attempts).await;
    let (status, first) = &answers[0];
    assert_eq!(*status, 201, "{first}\n{}", server.log());
    for (status, body) in &answers {
        assert_eq!(
            (*status, body),
            (201, first),
            "every retry gets the first answer"
        );
    }
    let pool = database.pool().await;
    assert_eq!(count(&pool, "tickets").await, 1);
    assert_eq!(count(&pool, "idempotency_keys").await, 1);
}

async fn a_retry_after_a_crash_between_commit_and_answer_gets_the_first_ticket(backend: Backend) {
    let database = Database::fresh(backend).await;
    create_account(&database, "boss@example.com").await;
    let server = RealServer::start(&database, 0).await;
    let client = sign_in(&server, "boss@example.com").await;
    // The ticket is committed; the client never sees the answer (as when the process dies
    // right after its commit), and the process dies.
    let (status, first) = post(&server, &client, "lost-answer").await;
    assert_eq!(status, 201, "{first}");
    server.kill();
    let server = RealServer::start(&database, 1).await;
    let (status, again) = post(&server, &client, "lost-answer").await;
    assert_eq!(status, 201, "{again}\n{}", server.log());
    assert_eq!(again, first, "the stored answer, byte for byte");
    let pool = database.pool().await;
    assert_eq!(count(&pool, "tickets").await, 1);
}

on_both!(
    a_hundred_concurrent_retries_with_one_key_make_one_ticket_and_one_answer,
    a_retry_after_a_crash_between_commit_and_answer_gets_the_first_ticket,
);
