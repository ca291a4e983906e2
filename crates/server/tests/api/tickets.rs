use reqwest::Client;
use serde_json::{Value, json};
use support_rules::{Policy, QuoteRequest, Severity, SupportLevel, TicketKind};

use crate::helpers::{Backend, TestApp, problem, spawn_app, spawn_app_with};

fn incident(severity: &str) -> Value {
    json!({
        "type": "incident", "severity": severity, "subject": "Checkout fails",
        "description": "Every payment answers 502.", "environment": "production",
        "platform_version": "11.31.0", "impact": "No sales", "steps_to_reproduce": "Pay",
        "language": "en"
    })
}

async fn post(
    app: &TestApp,
    client: &Client,
    key: Option<&str>,
    body: &Value,
) -> reqwest::Response {
    let mut request = client.post(app.url("/api/tickets")).json(body);
    if let Some(key) = key {
        request = request.header("Idempotency-Key", key);
    }
    request.send().await.expect("post a ticket")
}

async fn ticket_count(app: &TestApp) -> i64 {
    sqlx::query_scalar("SELECT COUNT(*) FROM tickets")
        .fetch_one(app.db.reader())
        .await
        .expect("count")
}

fn due_of(
    level: SupportLevel,
    tsm: bool,
    kind: TicketKind,
    at: jiff::Timestamp,
) -> jiff::Timestamp {
    Policy::embedded_default()
        .quote(&QuoteRequest {
            level,
            tsm,
            kind,
            at,
        })
        .expect("a quote")
        .first_response_due
}

async fn a_contacts_ticket_opens_with_the_rules_deadline_at_the_instant_received(backend: Backend) {
    let app = spawn_app(backend).await;
    let manager = app.manager().await;
    let before = jiff::Timestamp::now();
    let response = post(&app, &manager, None, &incident("high")).await;
    let after = jiff::Timestamp::now();
    assert_eq!(response.status(), 201);
    let location = response.headers()["location"]
        .to_str()
        .expect("ascii")
        .to_owned();
    let body: Value = response.json().await.expect("json");
    assert_eq!(location, format!("/api/tickets/{}", body["id"]));
    assert_eq!(body["status"], "open");
    assert_eq!(body["type"], "incident");
    assert_eq!(body["severity"], "high");
    assert_eq!(body["environment"], "production");
    assert!(
        body.get("call_now").is_none(),
        "only urgent incidents say to call"
    );
    let due: jiff::Timestamp = body["first_response_due"]
        .as_str()
        .expect("a deadline")
        .parse()
        .expect("an instant");
    let kind = TicketKind::Incident {
        severity: Severity::High,
    };
    assert!(due >= due_of(SupportLevel::Three, false, kind.clone(), before));
    assert!(due <= due_of(SupportLevel::Three, false, kind, after));
    // The stored ticket reads back the same.
    let shown: Value = manager
        .get(app.url(&location))
        .send()
        .await
        .expect("show")
        .json()
        .await
        .expect("json");
    assert_eq!(shown, body);
}

async fn an_urgent_incident_says_to_call_the_accounts_country_number(backend: Backend) {
    let app = spawn_app(backend).await;
    let manager = app.manager().await;
    let response = post(&app, &manager, None, &incident("urgent")).await;
    assert_eq!(response.status(), 201);
    let body: Value = response.json().await.expect("json");
    assert_eq!(body["call_now"]["number"], "+351 800 780 555");
    assert!(
        body["call_now"]["instruction"]
            .as_str()
            .expect("text")
            .contains("call")
    );
}

async fn requests_need_a_catalog_service_and_questions_neither(backend: Backend) {
    let app = spawn_app(backend).await;
    let manager = app.manager().await;
    let request = json!({"type": "request", "service": "vpn-setup", "subject": "VPN", "description": "Please"});
    let response = post(&app, &manager, None, &request).await;
    assert_eq!(response.status(), 201);
    let body: Value = response.json().await.expect("json");
    assert_eq!(body["service"], "vpn-setup");
    assert!(body["severity"].is_null());
    let question = json!({"type": "question", "subject": "How?", "description": "How do I?", "language": "ja"});
    assert_eq!(post(&app, &manager, None, &question).await.status(), 201);
}

async fn invalid_tickets_are_422_naming_each_field(backend: Backend) {
    let app = spawn_app(backend).await;
    let manager = app.manager().await;
    let cases = [
        (
            json!({"type": "incident", "severity": "high", "description": "x"}),
            vec![("subject", "required")],
        ),
        (
            json!({"type": "incident", "subject": "x", "description": "y"}),
            vec![("severity", "required")],
        ),
        (
            json!({"type": "request", "subject": "x", "description": "y"}),
            vec![("service", "required")],
        ),
        (
            json!({"type": "request", "service": "pizza", "subject": "x", "description": "y"}),
            vec![("service", "unknown_value")],
        ),
        (
            json!({"type": "question", "severity": "low", "subject": "x", "description": "y"}),
            vec![("severity", "not_allowed")],
        ),
        (
            json!({"type": "incident", "severity": "high", "subject": "x", "description": "y", "priority": 1}),
            vec![("priority", "not_allowed")],
        ),
        (
            json!({"type": "incident", "severity": "high", "subject": "x".repeat(201), "description": "y"}),
            vec![("subject", "too_long")],
        ),
        (
            json!({"type": "bug", "subject": "x", "description": "y", "language": "xx"}),
            vec![("type", "unknown_value"), ("language", "unknown_value")],
        ),
        (
            json!({"type": "incident", "severity": "high", "subject": "x\u{7}", "description": "y"}),
            vec![("subject", "control_characters")],
        ),
    ];
    for (body, fields) in cases {
        let problem = problem(post(&app, &manager, None, &body).await, 422).await;
        assert_eq!(problem["type"], "/problems/validation");
        let named: Vec<(&str, &str)> = problem["errors"]
            .as_array()
            .expect("errors")
            .iter()
            .filter_map(|e| Some((e["field"].as_str()?, e["code"].as_str()?)))
            .collect();
        assert_eq!(named, fields, "{body}");
        assert!(problem["errors"][0]["problem"].is_string());
    }
    problem(
        manager
            .post(app.url("/api/tickets"))
            .header("content-type", "application/json")
            .body("[1]")
            .send()
            .await
            .expect("post"),
        422,
    )
    .await;
    assert_eq!(ticket_count(&app).await, 0);
    problem(post(&app, &app.client, None, &incident("low")).await, 401).await;
}

async fn a_non_contacts_ticket_waits_for_a_contacts_approval_and_then_starts_its_clock(
    backend: Backend,
) {
    let app = spawn_app(backend).await;
    let manager = app.manager().await;
    let member = app.add_person(&manager, "member@example.com", false).await;
    let response = post(&app, &member, None, &incident("normal")).await;
    assert_eq!(response.status(), 201);
    let pending: Value = response.json().await.expect("json");
    assert_eq!(pending["status"], "pending_approval");
    assert!(pending["first_response_due"].is_null());
    let id = pending["id"].as_i64().expect("id");

    let body = problem(
        member
            .post(app.url(&format!("/api/tickets/{id}/approve")))
            .send()
            .await
            .expect("approve"),
        403,
    )
    .await;
    assert_eq!(body["type"], "/problems/forbidden");

    let before = jiff::Timestamp::now();
    let response = manager
        .post(app.url(&format!("/api/tickets/{id}/approve")))
        .send()
        .await
        .expect("approve");
    let after = jiff::Timestamp::now();
    assert_eq!(response.status(), 200);
    let approved: Value = response.json().await.expect("json");
    assert_eq!(approved["status"], "open");
    let due: jiff::Timestamp = approved["first_response_due"]
        .as_str()
        .expect("a deadline")
        .parse()
        .expect("instant");
    let kind = TicketKind::Incident {
        severity: Severity::Normal,
    };
    assert!(due >= due_of(SupportLevel::Three, false, kind.clone(), before));
    assert!(due <= due_of(SupportLevel::Three, false, kind, after));

    for verb in ["approve", "reject"] {
        let body = problem(
            manager
                .post(app.url(&format!("/api/tickets/{id}/{verb}")))
                .json(&json!({"reason": "too late"}))
                .send()
                .await
                .expect("decide"),
            409,
        )
        .await;
        assert_eq!(body["type"], "/problems/ticket-not-pending");
    }
}

async fn a_rejection_needs_a_reason(backend: Backend) {
    let app = spawn_app(backend).await;
    let manager = app.manager().await;
    let member = app.add_person(&manager, "member@example.com", false).await;
    let pending: Value = post(&app, &member, None, &incident("low"))
        .await
        .json()
        .await
        .expect("json");
    let id = pending["id"].as_i64().expect("id");
    let url = app.url(&format!("/api/tickets/{id}/reject"));
    let body = problem(
        manager
            .post(&url)
            .json(&json!({"reason": "  "}))
            .send()
            .await
            .expect("reject"),
        422,
    )
    .await;
    assert_eq!(body["errors"][0]["field"], "reason");
    assert_eq!(body["errors"][0]["code"], "required");
    let body = problem(
        manager
            .post(&url)
            .json(&json!({"reason": "r".repeat(2001)}))
            .send()
            .await
            .expect("reject"),
        422,
    )
    .await;
    assert_eq!(body["errors"][0]["field"], "reason");
    assert_eq!(body["errors"][0]["code"], "too_long");
    problem(manager.post(&url).send().await.expect("reject"), 415).await;
    let response = manager
        .post(&url)
        .json(&json!({"reason": "Duplicate of #1"}))
        .send()
        .await
        .expect("reject");
    assert_eq!(response.status(), 200);
    let rejected: Value = response.json().await.expect("json");
    assert_eq!(rejected["status"], "rejected");
    assert_eq!(rejected["rejection_reason"], "Duplicate of #1");
    assert!(rejected["first_response_due"].is_null());
}

async fn another_accounts_tickets_are_404(backend: Backend) {
    let app = spawn_app(backend).await;
    let ours = app.manager().await;
    let theirs = app.manager().await;
    let their: Value = post(&app, &theirs, None, &incident("low"))
        .await
        .json()
        .await
        .expect("json");
    let id = their["id"].as_i64().expect("id");
    for response in [
        ours.get(app.url(&format!("/api/tickets/{id}")))
            .send()
            .await
            .expect("show"),
        ours.post(app.url(&format!("/api/tickets/{id}/approve")))
            .send()
            .await
            .expect("approve"),
        ours.get(app.url("/api/tickets/999999"))
            .send()
            .await
            .expect("show"),
        ours.get(app.url("/api/tickets/abc"))
            .send()
            .await
            .expect("show"),
    ] {
        problem(response, 404).await;
    }
    let page: Value = ours
        .get(app.url("/api/tickets"))
        .send()
        .await
        .expect("list")
        .json()
        .await
        .expect("json");
    assert_eq!(page["total"], 0);
}

async fn the_list_is_newest_first_and_paginated(backend: Backend) {
    let app = spawn_app(backend).await;
    let manager = app.manager().await;
    for n in 0..5 {
        let mut body = incident("low");
        body["subject"] = json!(format!("ticket {n}"));
        assert_eq!(post(&app, &manager, None, &body).await.status(), 201);
    }
    let page: Value = manager
        .get(app.url("/api/tickets?page=1&per_page=2"))
        .send()
        .await
        .expect("list")
        .json()
        .await
        .expect("json");
    assert_eq!(page["total"], 5);
    assert_eq!(page["next_page"], 2);
    let subjects: Vec<&str> = page["tickets"]
        .as_array()
        .expect("tickets")
        .iter()
        .filter_map(|t| t["subject"].as_str())
        .collect();
    assert_eq!(subjects, ["ticket 4", "ticket 3"]);
    let last: Value = manager
        .get(app.url("/api/tickets?page=3&per_page=2"))
        .send()
        .await
        .expect("list")
        .json()
        .await
        .expect("json");
    assert_eq!(last["tickets"][0]["subject"], "ticket 0");
    assert!(last["next_page"].is_null());
    for query in ["page=0", "per_page=1000", "page=x", "sort=asc"] {
        problem(
            manager
                .get(app.url(&format!("/api/tickets?{query}")))
                .send()
                .await
                .expect("list"),
            422,
        )
        .await;
    }
}

async fn the_same_idempotency_key_returns_the_first_answer_and_never_a_second_ticket(
    backend: Backend,
) {
    let app = spawn_app(backend).await;
    let manager = app.manager().await;
    let first = post(&app, &manager, Some("key-1"), &incident("urgent")).await;
    assert_eq!(first.status(), 201);
    let location = first.headers()["location"].clone();
    let first_body = first.text().await.expect("body");
    let again = post(&app, &manager, Some("key-1"), &incident("urgent")).await;
    assert_eq!(again.status(), 201);
    assert_eq!(again.headers()["location"], location);
    assert_eq!(again.text().await.expect("body"), first_body);
    assert_eq!(ticket_count(&app).await, 1);

    let body = problem(
        post(&app, &manager, Some("key-1"), &incident("low")).await,
        409,
    )
    .await;
    assert_eq!(body["type"], "/problems/idempotency-key-reused");
    assert_eq!(ticket_count(&app).await, 1);

    // Keys are per person: another person's same key is another ticket.
    let other = app.add_person(&manager, "other@example.com", true).await;
    assert_eq!(
        post(&app, &other, Some("key-1"), &incident("urgent"))
            .await
            .status(),
        201
    );
    assert_eq!(ticket_count(&app).await, 2);
    let body = problem(
        post(
            &app,
            &manager,
            Some("bad key with spaces"),
            &incident("low"),
        )
        .await,
        422,
    )
    .await;
    assert_eq!(body["errors"][0]["field"], "Idempotency-Key");
    assert_eq!(body["errors"][0]["code"], "invalid");
    assert_eq!(ticket_count(&app).await, 2);
}

async fn fifty_concurrent_retries_with_one_key_make_exactly_one_ticket(backend: Backend) {
    let app = spawn_app(backend).await;
    let manager = app.manager().await;
    let body = incident("high");
    let answers = futures::future::join_all((0..50).map(|_| async {
        let response = post(&app, &manager, Some("concurrent-key"), &body).await;
        let status = response.status().as_u16();
        let location = response
            .headers()
            .get("location")
            .map(|l| l.to_str().expect("ascii").to_owned());
        (status, location, response.text().await.expect("body"))
    }))
    .await;
    assert_eq!(ticket_count(&app).await, 1);
    let first = &answers[0];
    assert_eq!(first.0, 201, "{}", first.2);
    for answer in &answers {
        assert_eq!(answer, first);
    }
}

async fn ticket_creation_is_rate_limited_per_person(backend: Backend) {
    let app = spawn_app_with(backend, |settings| settings.limits.tickets_per_person = 2).await;
    let manager = app.manager().await;
    // Concurrent twins of one request count once: they are one ticket.
    let body = incident("low");
    let twins =
        futures::future::join_all((0..10).map(|_| post(&app, &manager, Some("a"), &body))).await;
    assert!(twins.iter().all(|r| r.status() == 201));
    assert_eq!(
        post(&app, &manager, Some("b"), &incident("low"))
            .await
            .status(),
        201
    );
    // A later replay is not a new ticket and is not counted either.
    assert_eq!(
        post(&app, &manager, Some("a"), &incident("low"))
            .await
            .status(),
        201
    );
    let response = post(&app, &manager, Some("c"), &incident("low")).await;
    assert!(response.headers().contains_key("retry-after"));
    problem(response, 429).await;
    assert_eq!(ticket_count(&app).await, 2);
}

async fn a_pending_ticket_is_listed_by_status_behind_150_newer_open_ones(backend: Backend) {
    let app = spawn_app(backend).await;
    let manager = app.manager().await;
    let member = app.add_person(&manager, "member@example.com", false).await;
    let pending: Value = post(&app, &member, None, &incident("low"))
        .await
        .json()
        .await
        .expect("json");
    assert_eq!(pending["status"], "pending_approval");
    // Another account's pending ticket is not the first account's match.
    let other = app.manager().await;
    let stranger = app.add_person(&other, "stranger@example.com", false).await;
    assert_eq!(
        post(&app, &stranger, None, &incident("low")).await.status(),
        201
    );
    for _ in 0..150 {
        assert_eq!(
            post(&app, &manager, None, &incident("normal"))
                .await
                .status(),
            201
        );
    }
    let list = |query: &'static str| {
        let request = manager.get(app.url(&format!("/api/tickets?{query}")));
        async move {
            let response = request.send().await.expect("list");
            assert_eq!(response.status(), 200, "{query}");
            response.json::<Value>().await.expect("json")
        }
    };
    let page = list("status=pending_approval").await;
    assert_eq!(page["total"], 1);
    assert_eq!(page["tickets"].as_array().map(Vec::len), Some(1));
    assert_eq!(page["tickets"][0]["id"], pending["id"]);
    assert_eq!(page["tickets"][0]["status"], "pending_approval");
    assert!(page["next_page"].is_null());
    let newest = list("per_page=100").await;
    assert_eq!(newest["total"], 151, "without a status every ticket counts");
    assert!(
        newest["tickets"]
            .as_array()
            .expect("tickets")
            .iter()
            .all(|t| t["id"] != pending["id"]),
        "the newest 100 hide the pending ticket"
    );
    let open = list("status=open&per_page=100&page=2").await;
    assert_eq!(open["total"], 150);
    assert_eq!(open["tickets"].as_array().map(Vec::len), Some(50));
    assert!(
        open["tickets"]
            .as_array()
            .expect("tickets")
            .iter()
            .all(|t| t["status"] == "open")
    );
    assert!(open["next_page"].is_null());
    let rejected = list("status=rejected").await;
    assert_eq!(rejected["total"], 0);
    assert_eq!(rejected["tickets"], json!([]));
}

async fn an_unknown_status_is_422_naming_the_status_parameter(backend: Backend) {
    let app = spawn_app(backend).await;
    let manager = app.manager().await;
    for query in [
        "status=archived",
        "status=",
        "status=OPEN",
        "status=open&status=rejected",
    ] {
        let response = manager
            .get(app.url(&format!("/api/tickets?{query}")))
            .send()
            .await
            .expect("list");
        let body = problem(response, 422).await;
        assert_eq!(body["type"], "/problems/validation", "{query}");
        if query != "status=open&status=rejected" {
            assert_eq!(body["errors"][0]["field"], "status", "{query}");
            assert_eq!(body["errors"][0]["code"], "unknown_value", "{query}");
        }
    }
}

/// The list reads every ticket's history in one query: each listed ticket's deadlines are the
/// ones its own page shows, whatever the others' histories (answers, a request for
/// information, a solution, an internal note) hold.
async fn the_list_shows_each_tickets_own_deadlines(backend: Backend) {
    let app = spawn_app(backend).await;
    let manager = app.manager().await;
    let engineer = app.engineer().await;
    let mut ids = Vec::new();
    for n in 0..6 {
        let response = post(&app, &manager, None, &incident(["high", "normal"][n % 2])).await;
        assert_eq!(response.status(), 201);
        let created: Value = response.json().await.expect("a ticket");
        ids.push(created["id"].as_i64().expect("an id"));
    }
    let act = |path: String, body: Value| {
        let request = engineer.post(app.url(&path)).json(&body);
        async move {
            let response = request.send().await.expect("an action");
            assert_eq!(
                response.status(),
                201,
                "{}",
                response.text().await.unwrap_or_default()
            );
        }
    };
    let messages = |id: i64| format!("/api/tickets/{id}/messages");
    act(messages(ids[1]), json!({"body": "Answered"})).await;
    act(
        messages(ids[2]),
        json!({"body": "Which version?", "request_information": true}),
    )
    .await;
    act(
        messages(ids[3]),
        json!({"body": "between us", "internal": true}),
    )
    .await;
    act(messages(ids[4]), json!({"body": "Answered"})).await;
    act(format!("/api/tickets/{}/solve", ids[4]), json!({})).await;
    for (reader, name) in [(&manager, "the customer"), (&engineer, "the engineer")] {
        let page: Value = reader
            .get(app.url("/api/tickets?per_page=100"))
            .send()
            .await
            .expect("list")
            .json()
            .await
            .expect("json");
        let listed = page["tickets"].as_array().expect("tickets");
        assert_eq!(listed.len(), ids.len());
        for ticket in listed {
            let id = ticket["id"].as_i64().expect("an id");
            let own: Value = reader
                .get(app.url(&format!("/api/tickets/{id}")))
                .send()
                .await
                .expect("a ticket")
                .json()
                .await
                .expect("json");
            assert_eq!(ticket["sla"], own["sla"], "ticket {id} as {name} sees it");
            assert_eq!(ticket["status"], own["status"]);
        }
        let sla_of = |id: i64| {
            listed
                .iter()
                .find(|ticket| ticket["id"] == id)
                .map(|ticket| ticket["sla"].clone())
                .expect("listed")
        };
        assert!(sla_of(ids[0])["first_response"]["met_at"].is_null());
        assert!(sla_of(ids[1])["first_response"]["met_at"].is_string());
        assert_eq!(sla_of(ids[2])["update"]["paused"], true);
        assert!(
            sla_of(ids[3])["first_response"]["met_at"].is_null(),
            "an internal note answers nothing"
        );
        assert!(
            sla_of(ids[4])["update"]["due"].is_null(),
            "solved: no clock"
        );
    }
}

on_both!(
    the_list_shows_each_tickets_own_deadlines,
    a_pending_ticket_is_listed_by_status_behind_150_newer_open_ones,
    an_unknown_status_is_422_naming_the_status_parameter,
    a_contacts_ticket_opens_with_the_rules_deadline_at_the_instant_received,
    an_urgent_incident_says_to_call_the_accounts_country_number,
    requests_need_a_catalog_service_and_questions_neither,
    invalid_tickets_are_422_naming_each_field,
    a_non_contacts_ticket_waits_for_a_contacts_approval_and_then_starts_its_clock,
    a_rejection_needs_a_reason,
    another_accounts_tickets_are_404,
    the_list_is_newest_first_and_paginated,
    the_same_idempotency_key_returns_the_first_answer_and_never_a_second_ticket,
    fifty_concurrent_retries_with_one_key_make_exactly_one_ticket,
    ticket_creation_is_rate_limited_per_person,
);
