//! A ticket's life: engineers, the timeline, messages and their status changes, internal
//! notes kept from customers, the SLA on the ticket, solve, reopen, rating, severity changes,
//! escalations, and the server's own tasks (closing solved tickets, recording deadlines).

use std::time::Duration;

use reqwest::Client;
use serde_json::{Value, json};

use crate::helpers::{
    Backend, TestApp, file_ticket, incident, ok_json, problem, spawn_app, spawn_app_with,
};

async fn get(app: &TestApp, client: &Client, path: &str) -> reqwest::Response {
    client.get(app.url(path)).send().await.expect("an answer")
}

async fn post(app: &TestApp, client: &Client, path: &str, body: Value) -> reqwest::Response {
    client
        .post(app.url(path))
        .json(&body)
        .send()
        .await
        .expect("an answer")
}

async fn message(app: &TestApp, client: &Client, id: i64, body: Value) -> Value {
    ok_json(
        post(app, client, &format!("/api/tickets/{id}/messages"), body).await,
        201,
    )
    .await
}

async fn ticket(app: &TestApp, client: &Client, id: i64) -> Value {
    ok_json(get(app, client, &format!("/api/tickets/{id}")).await, 200).await
}

async fn timeline(app: &TestApp, client: &Client, id: i64) -> Vec<Value> {
    let body = ok_json(
        get(app, client, &format!("/api/tickets/{id}/timeline")).await,
        200,
    )
    .await;
    body["entries"].as_array().expect("entries").clone()
}

fn types(entries: &[Value]) -> Vec<&str> {
    entries
        .iter()
        .map(|e| e["type"].as_str().unwrap_or_default())
        .collect()
}

/// A contact of a new account (who manages contacts) and one open high incident of theirs.
async fn open_ticket(app: &TestApp) -> (Client, i64) {
    let manager = app.manager().await;
    let created = file_ticket(app, &manager, &incident("high", "Checkout fails")).await;
    assert_eq!(created["status"], "open");
    (manager, created["id"].as_i64().expect("an id"))
}

async fn an_engineer_has_no_account_and_sees_every_accounts_tickets(backend: Backend) {
    let app = spawn_app(backend).await;
    let (a, a_ticket) = open_ticket(&app).await;
    let (_, b_ticket) = open_ticket(&app).await;
    let engineer = app.engineer().await;
    let me = ok_json(get(&app, &engineer, "/api/me").await, 200).await;
    assert_eq!(me["role"], "engineer");
    assert!(me["account"].is_null(), "{me}");
    assert_eq!(me["is_contact"], false);
    let customer = ok_json(get(&app, &a, "/api/me").await, 200).await;
    assert_eq!(customer["role"], "customer");
    assert!(customer["account"]["id"].is_i64());

    let list = ok_json(get(&app, &engineer, "/api/tickets").await, 200).await;
    assert_eq!(list["total"], 2);
    let open = ok_json(get(&app, &engineer, "/api/tickets?status=open").await, 200).await;
    assert_eq!(open["total"], 2);
    for id in [a_ticket, b_ticket] {
        assert_eq!(ticket(&app, &engineer, id).await["id"], id);
        assert_eq!(timeline(&app, &engineer, id).await.len(), 1);
    }
    // The customer of A still sees only A's.
    problem(
        get(&app, &a, &format!("/api/tickets/{b_ticket}")).await,
        404,
    )
    .await;
    problem(
        get(&app, &a, &format!("/api/tickets/{b_ticket}/timeline")).await,
        404,
    )
    .await;
    let list = ok_json(get(&app, &a, "/api/tickets").await, 200).await;
    assert_eq!(list["total"], 1);

    // Filing, deciding and the contacts are the customer's business.
    let refused = problem(
        post(&app, &engineer, "/api/tickets", incident("low", "x")).await,
        403,
    )
    .await;
    assert_eq!(refused["type"], "/problems/forbidden");
    problem(
        post(
            &app,
            &engineer,
            &format!("/api/tickets/{a_ticket}/approve"),
            json!({}),
        )
        .await,
        403,
    )
    .await;
    problem(get(&app, &engineer, "/api/contacts").await, 403).await;
}

async fn a_conversation_moves_the_status_and_the_sla_clock(backend: Backend) {
    let app = spawn_app(backend).await;
    let (customer, id) = open_ticket(&app).await;
    let engineer = app.engineer().await;
    let filed = ticket(&app, &customer, id).await;
    assert_eq!(
        filed["sla"]["first_response"]["due"],
        filed["first_response_due"]
    );
    assert!(filed["sla"]["first_response"]["met_at"].is_null());
    assert!(filed["sla"]["update"]["due"].is_null());

    let first = message(
        &app,
        &customer,
        id,
        json!({"body": "More: it started at 9."}),
    )
    .await;
    assert_eq!(first["type"], "customer_message");
    assert_eq!(first["author"]["role"], "customer");
    assert_eq!(ticket(&app, &customer, id).await["status"], "open");

    let answer = message(&app, &engineer, id, json!({"body": "We are on it."})).await;
    assert_eq!(answer["type"], "public_message");
    assert_eq!(
        answer["author"],
        json!({"name": "Eve Engineer", "role": "engineer"})
    );
    let worked = ticket(&app, &customer, id).await;
    assert_eq!(worked["status"], "in_progress");
    let answered_at: jiff::Timestamp = answer["at"]
        .as_str()
        .expect("at")
        .parse()
        .expect("an instant");
    let met_at: jiff::Timestamp = worked["sla"]["first_response"]["met_at"]
        .as_str()
        .expect("met")
        .parse()
        .expect("an instant");
    // The clock counts whole seconds.
    assert!(
        met_at <= answered_at && answered_at - met_at < jiff::SignedDuration::from_secs(1),
        "met at {met_at}, answered at {answered_at}"
    );
    assert_eq!(worked["sla"]["first_response"]["breached"], false);
    assert!(worked["sla"]["update"]["due"].is_string(), "{worked}");
    assert_eq!(worked["sla"]["update"]["paused"], false);

    let asked = message(
        &app,
        &engineer,
        id,
        json!({"body": "Which version?", "request_information": true}),
    )
    .await;
    assert_eq!(asked["type"], "request_for_information");
    let waiting = ticket(&app, &customer, id).await;
    assert_eq!(waiting["status"], "waiting_for_customer");
    assert_eq!(waiting["sla"]["update"]["paused"], true);
    assert!(waiting["sla"]["update"]["due"].is_null());

    message(&app, &customer, id, json!({"body": "11.31.0"})).await;
    let again = ticket(&app, &customer, id).await;
    assert_eq!(again["status"], "in_progress");
    assert_eq!(again["sla"]["update"]["paused"], false);
    assert!(again["sla"]["update"]["due"].is_string());

    let entries = timeline(&app, &customer, id).await;
    assert_eq!(
        types(&entries),
        [
            "submitted",
            "customer_message",
            "public_message",
            "request_for_information",
            "customer_message"
        ]
    );
    let ids: Vec<i64> = entries.iter().filter_map(|e| e["id"].as_i64()).collect();
    assert!(ids.windows(2).all(|w| w[0] < w[1]), "oldest first: {ids:?}");
    assert_eq!(entries[4]["body"], "11.31.0");
}

async fn internal_notes_never_reach_a_customer(backend: Backend) {
    let app = spawn_app(backend).await;
    let (customer, id) = open_ticket(&app).await;
    let engineer = app.engineer().await;
    let secret = "NOTE-7f3a: the customer's config is wrong, do not say so yet";
    let note = message(
        &app,
        &engineer,
        id,
        json!({"body": secret, "internal": true}),
    )
    .await;
    assert_eq!(note["type"], "internal_note");
    assert_eq!(
        ticket(&app, &engineer, id).await["status"],
        "open",
        "a note is no answer"
    );
    assert!(
        ticket(&app, &engineer, id).await["sla"]["first_response"]["met_at"].is_null(),
        "a note does not meet the first response"
    );
    let seen = timeline(&app, &engineer, id).await;
    assert_eq!(types(&seen), ["submitted", "internal_note"]);
    for path in [
        format!("/api/tickets/{id}"),
        format!("/api/tickets/{id}/timeline"),
        "/api/tickets".to_owned(),
        "/api/tickets?status=open".to_owned(),
        "/api/me".to_owned(),
    ] {
        let text = get(&app, &customer, &path)
            .await
            .text()
            .await
            .expect("a body");
        assert!(!text.contains("NOTE-7f3a"), "{path} shows the note: {text}");
        assert!(!text.contains("internal_note"), "{path}: {text}");
    }
    // A customer's own answers after the note do not carry it either.
    let answer = post(
        &app,
        &customer,
        &format!("/api/tickets/{id}/messages"),
        json!({"body": "hello"}),
    )
    .await
    .text()
    .await
    .expect("a body");
    assert!(!answer.contains("NOTE-7f3a"));
    for flags in [
        json!({"internal": true}),
        json!({"request_information": true}),
    ] {
        let mut body = json!({"body": "let me in"});
        body.as_object_mut()
            .expect("an object")
            .extend(flags.as_object().expect("flags").clone());
        let refused = problem(
            post(
                &app,
                &customer,
                &format!("/api/tickets/{id}/messages"),
                body,
            )
            .await,
            403,
        )
        .await;
        assert!(
            refused["detail"]
                .as_str()
                .is_some_and(|d| d.contains("Only support engineers")),
            "{refused}"
        );
    }
    let both = problem(
        post(
            &app,
            &engineer,
            &format!("/api/tickets/{id}/messages"),
            json!({"body": "x", "internal": true, "request_information": true}),
        )
        .await,
        422,
    )
    .await;
    assert_eq!(both["errors"][0]["field"], "request_information");
    assert_eq!(timeline(&app, &engineer, id).await.len(), 3);
}

async fn a_message_holds_1_to_20000_characters(backend: Backend) {
    let app = spawn_app(backend).await;
    let (customer, id) = open_ticket(&app).await;
    let path = format!("/api/tickets/{id}/messages");
    for (body, field_code) in [
        (json!({"body": "  \n "}), "required"),
        (json!({"body": "é".repeat(20_001)}), "too_long"),
        (json!({"body": "bell\u{7}"}), "control_characters"),
    ] {
        let refused = problem(post(&app, &customer, &path, body).await, 422).await;
        assert_eq!(refused["errors"][0]["field"], "body");
        assert_eq!(refused["errors"][0]["code"], field_code);
    }
    problem(
        post(&app, &customer, &path, json!({"text": "x"})).await,
        422,
    )
    .await;
    let longest = message(&app, &customer, id, json!({"body": "é".repeat(20_000)})).await;
    assert_eq!(
        longest["body"].as_str().map(|b| b.chars().count()),
        Some(20_000)
    );
    assert_eq!(timeline(&app, &customer, id).await.len(), 2);
}

async fn the_same_idempotency_key_gives_the_same_message_once(backend: Backend) {
    let app = spawn_app(backend).await;
    let (customer, id) = open_ticket(&app).await;
    let path = format!("/api/tickets/{id}/messages");
    let send = |body: Value| {
        customer
            .post(app.url(&path))
            .header("Idempotency-Key", "reply-1")
            .json(&body)
            .send()
    };
    let first = ok_json(send(json!({"body": "once"})).await.expect("sent"), 201).await;
    let again = ok_json(send(json!({"body": "once"})).await.expect("sent"), 201).await;
    assert_eq!(first, again);
    let other = problem(send(json!({"body": "twice"})).await.expect("sent"), 409).await;
    assert_eq!(other["type"], "/problems/idempotency-key-reused");
    assert_eq!(
        types(&timeline(&app, &customer, id).await),
        ["submitted", "customer_message"]
    );
}

async fn pending_rejected_and_solved_tickets_take_no_messages(backend: Backend) {
    let app = spawn_app(backend).await;
    let manager = app.manager().await;
    let person = app.add_person(&manager, "someone@example.com", false).await;
    let engineer = app.engineer().await;
    let pending = file_ticket(&app, &person, &incident("low", "Pending")).await["id"]
        .as_i64()
        .expect("an id");
    let rejected = file_ticket(&app, &person, &incident("low", "Rejected")).await["id"]
        .as_i64()
        .expect("an id");
    ok_json(
        post(
            &app,
            &manager,
            &format!("/api/tickets/{rejected}/reject"),
            json!({"reason": "dup"}),
        )
        .await,
        200,
    )
    .await;
    for (id, words) in [(pending, "approval"), (rejected, "rejected")] {
        for client in [&manager, &engineer] {
            let refused = problem(
                post(
                    &app,
                    client,
                    &format!("/api/tickets/{id}/messages"),
                    json!({"body": "hi"}),
                )
                .await,
                409,
            )
            .await;
            assert_eq!(refused["type"], "/problems/ticket-takes-no-messages");
            assert!(
                refused["detail"]
                    .as_str()
                    .is_some_and(|d| d.contains(words)),
                "{refused}"
            );
        }
    }
    let solved = file_ticket(&app, &manager, &incident("low", "Solved")).await["id"]
        .as_i64()
        .expect("an id");
    ok_json(
        post(
            &app,
            &manager,
            &format!("/api/tickets/{solved}/solve"),
            json!({}),
        )
        .await,
        201,
    )
    .await;
    let refused = problem(
        post(
            &app,
            &manager,
            &format!("/api/tickets/{solved}/messages"),
            json!({"body": "hi"}),
        )
        .await,
        409,
    )
    .await;
    assert!(
        refused["detail"]
            .as_str()
            .is_some_and(|d| d.contains("reopen"))
    );
    message(
        &app,
        &engineer,
        solved,
        json!({"body": "for us", "internal": true}),
    )
    .await;
    let entries: i64 =
        sqlx::query_scalar("SELECT COUNT(*) FROM ticket_entries WHERE ticket_id IN ($1, $2)")
            .bind(pending)
            .bind(rejected)
            .fetch_one(app.db.reader())
            .await
            .expect("a count");
    assert_eq!(entries, 3, "submitted, submitted, rejected");
}

async fn only_contacts_and_the_submitter_act_on_a_ticket(backend: Backend) {
    let app = spawn_app(backend).await;
    let manager = app.manager().await;
    let filer = app.add_person(&manager, "filer@example.com", false).await;
    let bystander = app
        .add_person(&manager, "bystander@example.com", false)
        .await;
    let id = file_ticket(&app, &filer, &incident("normal", "Mine")).await["id"]
        .as_i64()
        .expect("an id");
    ok_json(
        post(
            &app,
            &manager,
            &format!("/api/tickets/{id}/approve"),
            json!({}),
        )
        .await,
        200,
    )
    .await;
    message(&app, &filer, id, json!({"body": "from the filer"})).await;
    message(&app, &manager, id, json!({"body": "from a contact"})).await;
    assert_eq!(
        timeline(&app, &bystander, id).await.len(),
        4,
        "anyone of the account reads it"
    );
    let refused = problem(
        post(
            &app,
            &bystander,
            &format!("/api/tickets/{id}/messages"),
            json!({"body": "me too"}),
        )
        .await,
        403,
    )
    .await;
    assert!(
        refused["detail"]
            .as_str()
            .is_some_and(|d| d.contains("technical contacts"))
    );
    problem(
        post(
            &app,
            &bystander,
            &format!("/api/tickets/{id}/solve"),
            json!({}),
        )
        .await,
        403,
    )
    .await;
    assert_eq!(
        types(&timeline(&app, &manager, id).await),
        [
            "submitted",
            "approved",
            "customer_message",
            "customer_message"
        ]
    );
}

async fn solve_rate_reopen_and_the_reopening_window(backend: Backend) {
    let app = spawn_app(backend).await;
    let (customer, id) = open_ticket(&app).await;
    let engineer = app.engineer().await;
    let at = |path: &str| format!("/api/tickets/{id}/{path}");
    problem(
        post(&app, &customer, &at("reopen"), json!({"reason": "x"})).await,
        409,
    )
    .await;
    let early = problem(
        post(&app, &customer, &at("rating"), json!({"score": 5})).await,
        409,
    )
    .await;
    assert_eq!(early["type"], "/problems/ticket-status-conflict");
    let solved = ok_json(post(&app, &engineer, &at("solve"), json!({})).await, 201).await;
    assert_eq!(solved["type"], "solved");
    let shown = ticket(&app, &customer, id).await;
    assert_eq!(shown["status"], "solved");
    assert!(shown["sla"]["update"]["due"].is_null());
    let again = problem(post(&app, &customer, &at("solve"), json!({})).await, 409).await;
    assert_eq!(again["type"], "/problems/ticket-status-conflict");

    for bad in [
        json!({"score": 0}),
        json!({"score": 6}),
        json!({"score": 3, "comment": ""}),
    ] {
        problem(post(&app, &customer, &at("rating"), bad).await, 422).await;
    }
    problem(
        post(&app, &engineer, &at("rating"), json!({"score": 5})).await,
        403,
    )
    .await;
    let rated = ok_json(
        post(
            &app,
            &customer,
            &at("rating"),
            json!({"score": 4, "comment": "Quick"}),
        )
        .await,
        201,
    )
    .await;
    assert_eq!(
        (rated["score"].clone(), rated["comment"].clone()),
        (json!(4), json!("Quick"))
    );
    let twice = problem(
        post(&app, &customer, &at("rating"), json!({"score": 1})).await,
        409,
    )
    .await;
    assert_eq!(twice["type"], "/problems/already-rated");

    problem(
        post(&app, &customer, &at("reopen"), json!({"reason": " "})).await,
        422,
    )
    .await;
    let reopened = ok_json(
        post(
            &app,
            &customer,
            &at("reopen"),
            json!({"reason": "It fails again"}),
        )
        .await,
        201,
    )
    .await;
    assert_eq!(reopened["reason"], "It fails again");
    let shown = ticket(&app, &customer, id).await;
    assert_eq!(shown["status"], "in_progress");
    assert!(
        shown["sla"]["update"]["due"].is_string(),
        "a reopen restarts the update clock"
    );
    // The rating stays, and still counts once.
    problem(
        post(&app, &customer, &at("rating"), json!({"score": 2})).await,
        409,
    )
    .await;

    ok_json(post(&app, &customer, &at("solve"), json!({})).await, 201).await;
    // Fifteen days ago: past the shipped 14-day window.
    let long_ago =
        (jiff::Timestamp::now() - jiff::SignedDuration::from_hours(15 * 24)).as_microsecond();
    sqlx::query("UPDATE tickets SET solved_at = $1 WHERE id = $2")
        .bind(long_ago)
        .bind(id)
        .execute(app.db.writer())
        .await
        .expect("age the solution");
    let late = problem(
        post(&app, &customer, &at("reopen"), json!({"reason": "again"})).await,
        409,
    )
    .await;
    assert_eq!(late["type"], "/problems/reopen-window-passed");
    assert_eq!(
        types(&timeline(&app, &customer, id).await),
        ["submitted", "solved", "rated", "reopened", "solved"]
    );
}

async fn the_server_closes_a_solved_ticket_once_its_window_has_passed(backend: Backend) {
    let app = spawn_app_with(backend, |settings| {
        settings.task_interval = Duration::from_millis(100);
    })
    .await;
    let (customer, id) = open_ticket(&app).await;
    let (_, recent) = open_ticket(&app).await;
    let engineer = app.engineer().await;
    for ticket in [id, recent] {
        ok_json(
            post(
                &app,
                &engineer,
                &format!("/api/tickets/{ticket}/solve"),
                json!({}),
            )
            .await,
            201,
        )
        .await;
    }
    age_solution(&app, id).await;
    wait_until_closed(&app, &customer, id).await;
    tokio::time::sleep(Duration::from_millis(400)).await;
    let entries = timeline(&app, &customer, id).await;
    assert_eq!(
        types(&entries).iter().filter(|t| **t == "closed").count(),
        1
    );
    assert!(entries.last().is_some_and(|e| e["author"].is_null()));
    assert_eq!(ticket(&app, &engineer, recent).await["status"], "solved");
    let closed = problem(
        post(
            &app,
            &customer,
            &format!("/api/tickets/{id}/messages"),
            json!({"body": "hi"}),
        )
        .await,
        409,
    )
    .await;
    assert!(
        closed["detail"]
            .as_str()
            .is_some_and(|d| d.contains("new ticket"))
    );
    let reopen = problem(
        post(
            &app,
            &customer,
            &format!("/api/tickets/{id}/reopen"),
            json!({"reason": "x"}),
        )
        .await,
        409,
    )
    .await;
    assert_eq!(reopen["type"], "/problems/reopen-window-passed");
    // A closed ticket may still be rated.
    ok_json(
        post(
            &app,
            &customer,
            &format!("/api/tickets/{id}/rating"),
            json!({"score": 3}),
        )
        .await,
        201,
    )
    .await;
}

async fn a_severity_change_moves_the_first_response_deadline(backend: Backend) {
    let app = spawn_app(backend).await;
    let (customer, id) = open_ticket(&app).await;
    let engineer = app.engineer().await;
    let path = format!("/api/tickets/{id}/severity");
    let due = |ticket: &Value| -> jiff::Timestamp {
        ticket["first_response_due"]
            .as_str()
            .expect("due")
            .parse()
            .expect("an instant")
    };
    let high = due(&ticket(&app, &customer, id).await);
    let refused = problem(
        post(
            &app,
            &engineer,
            &path,
            json!({"severity": "urgent", "reason": "x"}),
        )
        .await,
        403,
    )
    .await;
    assert!(
        refused["detail"]
            .as_str()
            .is_some_and(|d| d.contains("lower"))
    );
    let raised = ok_json(
        post(
            &app,
            &customer,
            &path,
            json!({"severity": "urgent", "reason": "All shops down"}),
        )
        .await,
        201,
    )
    .await;
    assert_eq!(raised["from"], "high");
    assert_eq!(raised["to"], "urgent");
    assert_eq!(raised["by"], "customer");
    let shown = ticket(&app, &customer, id).await;
    assert_eq!(shown["severity"], "urgent");
    let urgent = due(&shown);
    assert!(urgent < high, "{urgent} before {high}");
    assert_eq!(
        shown["sla"]["first_response"]["due"],
        shown["first_response_due"]
    );

    let same = problem(
        post(
            &app,
            &customer,
            &path,
            json!({"severity": "urgent", "reason": "x"}),
        )
        .await,
        422,
    )
    .await;
    assert_eq!(same["errors"][0]["field"], "severity");
    problem(
        post(
            &app,
            &customer,
            &path,
            json!({"severity": "mild", "reason": "x"}),
        )
        .await,
        422,
    )
    .await;
    problem(
        post(&app, &customer, &path, json!({"severity": "low"})).await,
        422,
    )
    .await;

    let lowered = ok_json(
        post(
            &app,
            &engineer,
            &path,
            json!({"severity": "low", "reason": "A workaround exists"}),
        )
        .await,
        201,
    )
    .await;
    assert_eq!(lowered["by"], "engineer");
    let low = due(&ticket(&app, &customer, id).await);
    assert!(low > high, "{low} after {high}");
    let stored: Option<i64> =
        sqlx::query_scalar("SELECT first_response_due FROM tickets WHERE id = $1")
            .bind(id)
            .fetch_one(app.db.reader())
            .await
            .expect("the column");
    assert_eq!(
        stored,
        Some(low.as_microsecond()),
        "the stored deadline follows"
    );

    let question = file_ticket(
        &app,
        &customer,
        &json!({"type": "question", "subject": "How?", "description": "How does it work?"}),
    )
    .await["id"]
        .as_i64()
        .expect("an id");
    let none = problem(
        post(
            &app,
            &customer,
            &format!("/api/tickets/{question}/severity"),
            json!({"severity": "high", "reason": "x"}),
        )
        .await,
        422,
    )
    .await;
    assert_eq!(none["errors"][0]["code"], "not_allowed");
    assert_eq!(
        types(&timeline(&app, &customer, id).await),
        ["submitted", "severity_changed", "severity_changed"]
    );
}

async fn escalations_are_recorded_and_not_handled_needs_its_detail(backend: Backend) {
    let app = spawn_app(backend).await;
    let (customer, id) = open_ticket(&app).await;
    let engineer = app.engineer().await;
    let path = format!("/api/tickets/{id}/escalations");
    let missing = problem(
        post(&app, &customer, &path, json!({"reason": "not_handled"})).await,
        422,
    )
    .await;
    assert_eq!(missing["errors"][0]["field"], "detail");
    problem(
        post(&app, &customer, &path, json!({"reason": "angry"})).await,
        422,
    )
    .await;
    problem(
        post(
            &app,
            &engineer,
            &path,
            json!({"reason": "severity_increased"}),
        )
        .await,
        403,
    )
    .await;
    let escalated = ok_json(
        post(
            &app,
            &customer,
            &path,
            json!({"reason": "severity_increased"}),
        )
        .await,
        201,
    )
    .await;
    assert_eq!(escalated["reason"], "severity_increased");
    assert!(escalated["detail"].is_null());
    let detailed = ok_json(
        post(
            &app,
            &customer,
            &path,
            json!({"reason": "not_handled", "detail": "No answer in 3 days"}),
        )
        .await,
        201,
    )
    .await;
    assert_eq!(detailed["detail"], "No answer in 3 days");
    let seen = timeline(&app, &engineer, id).await;
    assert_eq!(types(&seen), ["submitted", "escalated", "escalated"]);
    ok_json(
        post(
            &app,
            &customer,
            &format!("/api/tickets/{id}/solve"),
            json!({}),
        )
        .await,
        201,
    )
    .await;
    let late = problem(
        post(
            &app,
            &customer,
            &path,
            json!({"reason": "severity_increased"}),
        )
        .await,
        409,
    )
    .await;
    assert_eq!(late["type"], "/problems/ticket-status-conflict");
}

async fn a_missed_first_response_is_recorded_as_breached_once_by_three_servers(backend: Backend) {
    let app = spawn_app_with(backend, |settings| {
        settings.task_interval = Duration::from_millis(100);
    })
    .await;
    let (customer, id) = open_ticket(&app).await;
    // Three servers record deadlines on the same database.
    app.another_server().await;
    app.another_server().await;
    // Opened five hours ago: the level-3 high target of four hours has passed.
    let opened = jiff::Timestamp::now() - jiff::SignedDuration::from_hours(5);
    sqlx::query("UPDATE tickets SET opened_at = $1, created_at = $1 WHERE id = $2")
        .bind(opened.as_microsecond())
        .bind(id)
        .execute(app.db.writer())
        .await
        .expect("age the ticket");
    let mut breached = Vec::new();
    for _ in 0..100 {
        breached = timeline(&app, &customer, id)
            .await
            .into_iter()
            .filter(|e| e["type"] == "deadline_breached")
            .collect();
        if !breached.is_empty() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert_eq!(breached.len(), 1, "recorded");
    assert_eq!(breached[0]["deadline"], "first_response");
    assert_eq!(breached[0]["number"], 1);
    assert!(breached[0]["author"].is_null());
    let shown = ticket(&app, &customer, id).await;
    assert_eq!(shown["sla"]["first_response"]["breached"], true);
    assert_eq!(breached[0]["due"], shown["sla"]["first_response"]["due"]);
    tokio::time::sleep(Duration::from_millis(500)).await;
    let count = timeline(&app, &customer, id)
        .await
        .iter()
        .filter(|e| e["type"] == "deadline_breached")
        .count();
    assert_eq!(count, 1, "recorded once, however many ticks and servers");
}

/// Solves `id` as `engineer`, ages the solution past the reopening window and waits until the
/// server's task has closed it.
async fn close(app: &TestApp, engineer: &Client, customer: &Client, id: i64) {
    ok_json(
        post(
            app,
            engineer,
            &format!("/api/tickets/{id}/solve"),
            json!({}),
        )
        .await,
        201,
    )
    .await;
    age_solution(app, id).await;
    wait_until_closed(app, customer, id).await;
}

/// Moves the ticket's solution 15 days back, past the reopening window.
async fn age_solution(app: &TestApp, id: i64) {
    let long_ago =
        (jiff::Timestamp::now() - jiff::SignedDuration::from_hours(15 * 24)).as_microsecond();
    sqlx::query("UPDATE tickets SET solved_at = $1 WHERE id = $2")
        .bind(long_ago)
        .bind(id)
        .execute(app.db.writer())
        .await
        .expect("age the solution");
}

/// Waits (up to 10 s) until the server's task has closed the ticket.
async fn wait_until_closed(app: &TestApp, reader: &Client, id: i64) {
    let mut status = Value::Null;
    for _ in 0..100 {
        status = ticket(app, reader, id).await["status"].clone();
        if status == "closed" {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert_eq!(status, "closed", "ticket {id}");
}

async fn a_follow_up_links_to_a_closed_ticket_of_the_account_and_its_timeline_says_so(
    backend: Backend,
) {
    let app = spawn_app_with(backend, |settings| {
        settings.task_interval = Duration::from_millis(100);
    })
    .await;
    let (customer, id) = open_ticket(&app).await;
    let (other, foreign) = open_ticket(&app).await;
    let engineer = app.engineer().await;
    let follow_up = |follows: Value| {
        let mut body = incident("high", "Checkout fails again");
        body["follows"] = follows;
        body
    };
    let refused = |problem: &Value, code: &str, says: &str| {
        assert_eq!(problem["errors"][0]["field"], "follows", "{problem}");
        assert_eq!(problem["errors"][0]["code"], code, "{problem}");
        let text = problem["errors"][0]["problem"].as_str().unwrap_or_default();
        assert!(text.contains(says), "{problem}");
    };
    let tickets_before = count_tickets(&app).await;

    // An open ticket is answered on itself.
    let open = problem(
        post(&app, &customer, "/api/tickets", follow_up(json!(id))).await,
        422,
    )
    .await;
    refused(&open, "invalid", "which is open");
    // Another account's ticket, closed or not, is as unknown as one that does not exist.
    close(&app, &engineer, &other, foreign).await;
    for unknown in [foreign, 999_999] {
        let answer = problem(
            post(&app, &customer, "/api/tickets", follow_up(json!(unknown))).await,
            422,
        )
        .await;
        refused(&answer, "unknown_value", "no ticket of your account");
    }
    for (bad, code) in [(json!("7"), "wrong_type"), (json!(0), "invalid")] {
        let answer = problem(
            post(&app, &customer, "/api/tickets", follow_up(bad)).await,
            422,
        )
        .await;
        refused(&answer, code, "");
    }
    assert_eq!(count_tickets(&app).await, tickets_before, "nothing filed");

    close(&app, &engineer, &customer, id).await;
    let created = file_ticket(&app, &customer, &follow_up(json!(id))).await;
    let new = created["id"].as_i64().expect("an id");
    assert_eq!(created["follows"], id);
    assert_eq!(created["status"], "open");
    assert_eq!(ticket(&app, &customer, new).await["follows"], id);
    assert!(ticket(&app, &customer, id).await["follows"].is_null());
    let list = ok_json(get(&app, &customer, "/api/tickets").await, 200).await;
    let listed = list["tickets"]
        .as_array()
        .and_then(|tickets| tickets.iter().find(|t| t["id"] == new))
        .expect("the follow-up is listed");
    assert_eq!(listed["follows"], id);
    // The closed ticket's history says where its matter went on, for customers and engineers.
    for reader in [&customer, &engineer] {
        let entries = timeline(&app, reader, id).await;
        let last = entries.last().expect("entries");
        assert_eq!(last["type"], "followed_up", "{last}");
        assert_eq!(last["follow_up"], new);
        assert_eq!(last["author"]["role"], "customer");
    }
    assert_eq!(ticket(&app, &customer, id).await["status"], "closed");
}

async fn count_tickets(app: &TestApp) -> i64 {
    sqlx::query_scalar("SELECT COUNT(*) FROM tickets")
        .fetch_one(app.db.writer())
        .await
        .expect("count tickets")
}

on_both!(
    an_engineer_has_no_account_and_sees_every_accounts_tickets,
    a_conversation_moves_the_status_and_the_sla_clock,
    internal_notes_never_reach_a_customer,
    a_message_holds_1_to_20000_characters,
    the_same_idempotency_key_gives_the_same_message_once,
    pending_rejected_and_solved_tickets_take_no_messages,
    only_contacts_and_the_submitter_act_on_a_ticket,
    solve_rate_reopen_and_the_reopening_window,
    the_server_closes_a_solved_ticket_once_its_window_has_passed,
    a_follow_up_links_to_a_closed_ticket_of_the_account_and_its_timeline_says_so,
    a_severity_change_moves_the_first_response_deadline,
    escalations_are_recorded_and_not_handled_needs_its_detail,
    a_missed_first_response_is_recorded_as_breached_once_by_three_servers,
);
