//! The support console's API: the queue (order, filters, keyset paging while tickets change,
//! the warning and breach marks at an injected instant), assignment and the report, engineers
//! only.

use std::collections::HashSet;

use reqwest::Client;
use serde_json::{Value, json};

use crate::common::random_hex;
use crate::helpers::{Backend, TestApp, file_ticket, incident, ok_json, problem, spawn_app};

async fn file(app: &TestApp, client: &Client, body: &Value) -> i64 {
    file_ticket(app, client, body).await["id"]
        .as_i64()
        .expect("an id")
}

async fn get(client: &Client, app: &TestApp, path: &str) -> reqwest::Response {
    client.get(app.url(path)).send().await.expect("an answer")
}

async fn post(client: &Client, app: &TestApp, path: &str, body: Value) -> Value {
    ok_json(
        client
            .post(app.url(path))
            .json(&body)
            .send()
            .await
            .expect("an answer"),
        201,
    )
    .await
}

async fn queue(app: &TestApp, engineer: &Client, query: &str) -> Value {
    ok_json(
        get(engineer, app, &format!("/api/console/queue{query}")).await,
        200,
    )
    .await
}

fn ids(page: &Value) -> Vec<i64> {
    page["tickets"]
        .as_array()
        .expect("tickets")
        .iter()
        .map(|t| t["id"].as_i64().expect("an id"))
        .collect()
}

/// A signed-in contact of a new account of `level`.
async fn customer(app: &TestApp, level: u8) -> Client {
    let email = format!("c{}@example.com", random_hex());
    app.create_account(&email, level, false, "PT").await;
    app.sign_in(&email).await
}

/// The engineer's own id, from `GET /api/me`.
async fn my_id(app: &TestApp, client: &Client) -> i64 {
    let me = ok_json(get(client, app, "/api/me").await, 200).await;
    me["person"]["id"].as_i64().expect("an id")
}

async fn running_tickets_come_by_deadline_then_paused_ones_and_the_rest_stay_out(backend: Backend) {
    let app = spawn_app(backend).await;
    let contact = app.manager().await;
    let engineer = app.engineer().await;
    // Level 3 without a TSM: urgent 2h, high 4h (round the clock), low 5d of business days.
    let low = file(&app, &contact, &incident("low", "Typo in the console")).await;
    let high = file(&app, &contact, &incident("high", "Deploys fail")).await;
    let urgent = file(&app, &contact, &incident("urgent", "Everything is down")).await;
    let waiting = file(&app, &contact, &incident("urgent", "Flaky checkout")).await;
    let solved = file(&app, &contact, &incident("urgent", "Fixed itself")).await;
    let pending_person = app
        .add_person(&contact, &format!("p{}@example.com", random_hex()), false)
        .await;
    let pending = file(&app, &pending_person, &incident("urgent", "Needs approval")).await;
    post(
        &engineer,
        &app,
        &format!("/api/tickets/{waiting}/messages"),
        json!({"body": "Which region?", "request_information": true}),
    )
    .await;
    post(
        &engineer,
        &app,
        &format!("/api/tickets/{solved}/solve"),
        json!({}),
    )
    .await;

    let page = queue(&app, &engineer, "").await;
    assert_eq!(ids(&page), [urgent, high, low, waiting]);
    assert!(page["next"].is_null());
    let rows = page["tickets"].as_array().expect("tickets");
    let shown = ok_json(
        get(&contact, &app, &format!("/api/tickets/{urgent}")).await,
        200,
    )
    .await;
    assert_eq!(rows[0]["due"], shown["sla"]["first_response"]["due"]);
    assert_eq!(rows[0]["deadline"], "first_response");
    assert_eq!(rows[0]["status"], "open");
    assert_eq!(rows[0]["account"]["level"], 3);
    assert_eq!(rows[0]["account"]["tsm"], false);
    assert_eq!(rows[0]["type"], "incident");
    assert_eq!(rows[0]["severity"], "urgent");
    assert_eq!(rows[0]["subject"], "Everything is down");
    assert!(rows[0]["assignee"].is_null());
    assert_eq!(rows[0]["paused"], false);
    assert_eq!(rows[3]["paused"], true);
    assert!(rows[3]["due"].is_null() && rows[3]["deadline"].is_null());
    assert_eq!(rows[3]["status"], "waiting_for_customer");
    assert!(!ids(&page).contains(&pending) && !ids(&page).contains(&solved));

    // The customer answers: the clock runs again, the next update due in 4 hours (urgent),
    // after the high ticket's first response.
    post(
        &contact,
        &app,
        &format!("/api/tickets/{waiting}/messages"),
        json!({"body": "eu-west"}),
    )
    .await;
    let page = queue(&app, &engineer, "").await;
    assert_eq!(ids(&page), [urgent, high, waiting, low]);
    let rows = page["tickets"].as_array().expect("tickets");
    assert_eq!(rows[2]["deadline"], "next_update");
    assert_eq!(rows[2]["status"], "in_progress");
    let shown = ok_json(
        get(&contact, &app, &format!("/api/tickets/{waiting}")).await,
        200,
    )
    .await;
    assert_eq!(rows[2]["due"], shown["sla"]["update"]["due"]);

    // Lowering the urgent ticket to low moves it behind the others; solving takes it out,
    // reopening brings it back with its next update.
    post(
        &engineer,
        &app,
        &format!("/api/tickets/{urgent}/severity"),
        json!({"severity": "low", "reason": "a workaround exists"}),
    )
    .await;
    assert_eq!(
        ids(&queue(&app, &engineer, "").await),
        [high, waiting, low, urgent]
    );
    post(
        &engineer,
        &app,
        &format!("/api/tickets/{high}/solve"),
        json!({}),
    )
    .await;
    assert_eq!(
        ids(&queue(&app, &engineer, "").await),
        [waiting, low, urgent]
    );
    post(
        &contact,
        &app,
        &format!("/api/tickets/{high}/reopen"),
        json!({"reason": "It fails again"}),
    )
    .await;
    let page = queue(&app, &engineer, "").await;
    assert_eq!(ids(&page)[0], waiting);
    let reopened = page["tickets"]
        .as_array()
        .expect("tickets")
        .iter()
        .find(|t| t["id"] == high)
        .expect("back in the queue")
        .clone();
    assert_eq!(reopened["deadline"], "next_update");
    // Approving the pending ticket puts it in the queue at its first response.
    let approved = contact
        .post(app.url(&format!("/api/tickets/{pending}/approve")))
        .send()
        .await
        .expect("an answer");
    assert_eq!(ok_json(approved, 200).await["status"], "open");
    assert!(ids(&queue(&app, &engineer, "").await).contains(&pending));
}

async fn filters_narrow_the_queue_to_a_level_severity_type_status_account_or_assignee(
    backend: Backend,
) {
    let app = spawn_app(backend).await;
    let three = customer(&app, 3).await;
    let one = customer(&app, 1).await;
    let engineer = app.engineer().await;
    let me = my_id(&app, &engineer).await;
    let a = file(&app, &three, &incident("high", "A")).await;
    let b = file(&app, &one, &incident("high", "B")).await;
    let c = file(
        &app,
        &one,
        &json!({"type": "question", "subject": "C", "description": "How?", "language": "en"}),
    )
    .await;
    let d = file(&app, &three, &incident("normal", "D")).await;
    post(
        &engineer,
        &app,
        &format!("/api/tickets/{d}/messages"),
        json!({"body": "On it"}),
    )
    .await;
    post(
        &engineer,
        &app,
        &format!("/api/console/tickets/{a}/assignee"),
        json!({"engineer_id": me}),
    )
    .await;
    let set = |page: &Value| ids(page).into_iter().collect::<HashSet<_>>();
    let all = set(&queue(&app, &engineer, "").await);
    assert_eq!(all, HashSet::from([a, b, c, d]));
    assert_eq!(
        set(&queue(&app, &engineer, "?level=1").await),
        HashSet::from([b, c])
    );
    assert_eq!(
        set(&queue(&app, &engineer, "?severity=high").await),
        HashSet::from([a, b])
    );
    assert_eq!(
        set(&queue(&app, &engineer, "?type=question").await),
        HashSet::from([c])
    );
    assert_eq!(
        set(&queue(&app, &engineer, "?status=in_progress").await),
        HashSet::from([d])
    );
    assert_eq!(
        set(&queue(&app, &engineer, "?assigned=me").await),
        HashSet::from([a])
    );
    assert_eq!(
        set(&queue(&app, &engineer, "?assigned=unassigned").await),
        HashSet::from([b, c, d])
    );
    let account = ok_json(get(&three, &app, "/api/me").await, 200).await["account"]["id"]
        .as_i64()
        .expect("an account");
    assert_eq!(
        set(&queue(&app, &engineer, &format!("?account={account}")).await),
        HashSet::from([a, d])
    );
    assert_eq!(
        set(&queue(&app, &engineer, "?level=3&severity=high&assigned=me").await),
        HashSet::from([a])
    );
    // Another engineer's "me" is not this one's.
    let other = app.engineer().await;
    assert!(ids(&queue(&app, &other, "?assigned=me").await).is_empty());
}

/// `(paused, due, id)` of a queue row, the order the queue promises.
fn key(row: &Value) -> (bool, String, i64) {
    (
        row["paused"].as_bool().expect("paused"),
        row["due"].as_str().unwrap_or_default().to_owned(),
        row["id"].as_i64().expect("an id"),
    )
}

async fn keyset_pages_walk_the_queue_without_repeats_or_gaps_while_tickets_change(
    backend: Backend,
) {
    let app = spawn_app(backend).await;
    let contact = app.manager().await;
    let engineer = app.engineer().await;
    let mut filed = Vec::new();
    for n in 0..23 {
        let severity = ["urgent", "high", "normal"][n % 3];
        filed.push(file(&app, &contact, &incident(severity, &format!("T{n}"))).await);
    }
    let mut seen: Vec<Value> = Vec::new();
    let mut cursor: Option<String> = None;
    let mut solved_behind = None;
    let mut solved_ahead = None;
    let mut added = Vec::new();
    let mut pages = 0;
    loop {
        let query = match &cursor {
            None => "?limit=4".to_owned(),
            Some(cursor) => format!("?limit=4&cursor={cursor}"),
        };
        let page = queue(&app, &engineer, &query).await;
        let rows = page["tickets"].as_array().expect("tickets").clone();
        assert!(rows.len() <= 4);
        seen.extend(rows);
        pages += 1;
        if pages == 2 {
            // Between pages: a ticket already seen is solved (with OFFSET, the next page
            // would skip one), one not seen yet is solved, a note is added to a seen one
            // (it does not move), and new tickets arrive (their deadlines come later).
            let behind = seen[0]["id"].as_i64().expect("an id");
            let seen_ids: HashSet<i64> = seen.iter().filter_map(|r| r["id"].as_i64()).collect();
            let ahead = *filed
                .iter()
                .rev()
                .find(|id| !seen_ids.contains(id))
                .expect("an unseen ticket");
            for id in [behind, ahead] {
                post(
                    &engineer,
                    &app,
                    &format!("/api/tickets/{id}/solve"),
                    json!({}),
                )
                .await;
            }
            post(
                &engineer,
                &app,
                &format!("/api/tickets/{}/messages", seen[1]["id"]),
                json!({"body": "looking", "internal": true}),
            )
            .await;
            for n in 0..3 {
                added.push(file(&app, &contact, &incident("normal", &format!("N{n}"))).await);
            }
            solved_behind = Some(behind);
            solved_ahead = Some(ahead);
        }
        match page["next"].as_str() {
            Some(next) => cursor = Some(next.to_owned()),
            None => break,
        }
        assert!(pages < 20, "the walk ends");
    }
    let walked: Vec<i64> = seen.iter().filter_map(|r| r["id"].as_i64()).collect();
    let unique: HashSet<i64> = walked.iter().copied().collect();
    assert_eq!(unique.len(), walked.len(), "no ticket twice: {walked:?}");
    let solved_ahead = solved_ahead.expect("solved");
    for id in filed.iter().chain(&added) {
        if *id != solved_ahead {
            assert!(unique.contains(id), "ticket {id} was skipped: {walked:?}");
        }
    }
    assert!(!unique.contains(&solved_ahead));
    assert!(unique.contains(&solved_behind.expect("solved")));
    let keys: Vec<_> = seen.iter().map(key).collect();
    assert!(
        keys.windows(2).all(|pair| pair[0] < pair[1]),
        "in order: {keys:?}"
    );
    for (bad, field) in [
        ("?limit=0", "limit"),
        ("?limit=101", "limit"),
        ("?cursor=abc", "cursor"),
    ] {
        let body = problem(
            get(&engineer, &app, &format!("/api/console/queue{bad}")).await,
            422,
        )
        .await;
        assert_eq!(body["errors"][0]["field"], field, "{bad}");
    }
}

/// Sets a ticket's clock as if it had opened at `opened` with its first response due at
/// `due` (the deadline the rules give for it).
async fn age(app: &TestApp, id: i64, opened: &str, due: &str) {
    let micros = |text: &str| {
        text.parse::<jiff::Timestamp>()
            .expect("an instant")
            .as_microsecond()
    };
    sqlx::query(
        "UPDATE tickets SET created_at = $1, opened_at = $1, first_response_due = $2, \
         queue_due = $2 WHERE id = $3",
    )
    .bind(micros(opened))
    .bind(micros(due))
    .bind(id)
    .execute(app.db.writer())
    .await
    .expect("age the ticket");
}

fn row(page: &Value, id: i64) -> Value {
    page["tickets"]
        .as_array()
        .expect("tickets")
        .iter()
        .find(|t| t["id"] == id)
        .cloned()
        .unwrap_or_else(|| panic!("ticket {id} in {page}"))
}

async fn warning_and_breach_marks_count_in_the_deadlines_own_calendar_at_an_injected_instant(
    backend: Backend,
) {
    let app = spawn_app(backend).await;
    let business = customer(&app, 1).await;
    let always = customer(&app, 3).await;
    let engineer = app.engineer().await;
    // Level 1 high: 8 hours on the business calendar (Lisbon, open around the clock Monday
    // to Friday). Opened Friday 2026-12-04 16:30 UTC: 7h30m on Friday, 30 min on Monday.
    let weekday = file(&app, &business, &incident("high", "Reports time out")).await;
    age(
        &app,
        weekday,
        "2026-12-04T16:30:00Z",
        "2026-12-07T00:30:00Z",
    )
    .await;
    // Level 3 high: 4 hours round the clock. Opened Friday 23:00 UTC: due Saturday 03:00.
    let weekend = file(&app, &always, &incident("high", "Checkout fails")).await;
    age(
        &app,
        weekend,
        "2026-12-04T23:00:00Z",
        "2026-12-05T03:00:00Z",
    )
    .await;
    let marks = |page: &Value, id: i64| {
        let row = row(page, id);
        (row["in_warning"].as_bool(), row["breached"].as_bool())
    };
    let at = |instant: &str| format!("?at={instant}");
    let friday = queue(&app, &engineer, &at("2026-12-04T23:20:00Z")).await;
    assert_eq!(friday["at"], "2026-12-04T23:20:00Z");
    // Friday 23:20: the weekday ticket has 40 minutes of Friday and 30 of Monday left, within
    // the shipped 1h15m: in warning; the round-the-clock one has 3h40m left.
    assert_eq!(marks(&friday, weekday), (Some(true), Some(false)));
    assert_eq!(marks(&friday, weekend), (Some(false), Some(false)));
    // Saturday 02:00: the business calendar is closed, so no warning, although only 30
    // business minutes are left; the round-the-clock ticket is an hour from its deadline.
    let saturday = queue(&app, &engineer, &at("2026-12-05T02:00:00Z")).await;
    assert_eq!(marks(&saturday, weekday), (Some(false), Some(false)));
    assert_eq!(marks(&saturday, weekend), (Some(true), Some(false)));
    // Sunday 23:45: 45 wall-clock minutes before the weekday deadline, still closed.
    let sunday = queue(&app, &engineer, &at("2026-12-06T23:45:00Z")).await;
    assert_eq!(marks(&sunday, weekday), (Some(false), Some(false)));
    assert_eq!(marks(&sunday, weekend), (Some(false), Some(true)));
    // Monday 00:10: open again, 20 minutes left.
    let monday = queue(&app, &engineer, &at("2026-12-07T00:10:00Z")).await;
    assert_eq!(marks(&monday, weekday), (Some(true), Some(false)));
    let late = queue(&app, &engineer, &at("2026-12-07T00:30:01Z")).await;
    assert_eq!(marks(&late, weekday), (Some(false), Some(true)));
    // The earlier deadline comes first whatever the instant.
    assert_eq!(ids(&late), [weekend, weekday]);
    let bad = problem(
        get(&engineer, &app, "/api/console/queue?at=tomorrow").await,
        422,
    )
    .await;
    assert_eq!(bad["errors"][0]["field"], "at");
}

async fn only_engineers_use_the_console(backend: Backend) {
    let app = spawn_app(backend).await;
    let contact = app.manager().await;
    let id = file(&app, &contact, &incident("high", "x")).await;
    for path in [
        "/api/console/queue",
        "/api/console/report?from=2026-12-01&to=2026-12-01",
    ] {
        let refused = problem(get(&contact, &app, path).await, 403).await;
        assert_eq!(refused["type"], "/problems/forbidden");
        problem(get(&app.client, &app, path).await, 401).await;
    }
    let response = contact
        .post(app.url(&format!("/api/console/tickets/{id}/assignee")))
        .json(&json!({"engineer_id": null}))
        .send()
        .await
        .expect("an answer");
    problem(response, 403).await;
}

async fn an_engineer_takes_a_ticket_assigns_it_and_customers_see_who(backend: Backend) {
    let app = spawn_app(backend).await;
    let contact = app.manager().await;
    let engineer = app.engineer().await;
    let colleague = app.engineer().await;
    let me = my_id(&app, &engineer).await;
    let them = my_id(&app, &colleague).await;
    let id = file(&app, &contact, &incident("high", "Deploys fail")).await;
    let path = format!("/api/console/tickets/{id}/assignee");
    let taken = post(&engineer, &app, &path, json!({"engineer_id": me})).await;
    assert_eq!(taken["type"], "assigned");
    assert_eq!(taken["assignee"], "Eve Engineer");
    assert_eq!(taken["author"]["role"], "engineer");
    let page = queue(&app, &engineer, "").await;
    assert_eq!(
        row(&page, id)["assignee"],
        json!({"id": me, "name": "Eve Engineer"})
    );
    post(&engineer, &app, &path, json!({"engineer_id": them})).await;
    assert!(ids(&queue(&app, &engineer, "?assigned=me").await).is_empty());
    assert_eq!(ids(&queue(&app, &colleague, "?assigned=me").await), [id]);
    let nobody = post(&colleague, &app, &path, json!({"engineer_id": null})).await;
    assert!(nobody["assignee"].is_null());
    assert_eq!(
        ids(&queue(&app, &engineer, "?assigned=unassigned").await),
        [id]
    );
    let timeline = ok_json(
        get(&contact, &app, &format!("/api/tickets/{id}/timeline")).await,
        200,
    )
    .await;
    let assigned = timeline["entries"]
        .as_array()
        .expect("entries")
        .iter()
        .filter(|e| e["type"] == "assigned")
        .count();
    assert_eq!(assigned, 3, "customers see each assignment");

    // A customer's id is no engineer's; a solved ticket is not assigned; nor a missing one.
    let customer_id = my_id(&app, &contact).await;
    let send = |path: String, body: Value| {
        let engineer = engineer.clone();
        let url = app.url(&path);
        async move {
            engineer
                .post(url)
                .json(&body)
                .send()
                .await
                .expect("an answer")
        }
    };
    let wrong = problem(
        send(path.clone(), json!({"engineer_id": customer_id})).await,
        422,
    )
    .await;
    assert_eq!(wrong["errors"][0]["field"], "engineer_id");
    post(
        &engineer,
        &app,
        &format!("/api/tickets/{id}/solve"),
        json!({}),
    )
    .await;
    let solved = problem(send(path.clone(), json!({"engineer_id": me})).await, 409).await;
    assert_eq!(solved["type"], "/problems/ticket-status-conflict");
    problem(
        send(
            "/api/console/tickets/999999/assignee".into(),
            json!({"engineer_id": me}),
        )
        .await,
        404,
    )
    .await;
}

async fn the_report_counts_first_responses_met_and_breached_in_business_time(backend: Backend) {
    let app = spawn_app(backend).await;
    let contact = app.manager().await;
    let engineer = app.engineer().await;
    let now = jiff::Timestamp::now();
    let on_time = file(&app, &contact, &incident("high", "On time")).await;
    let late = file(&app, &contact, &incident("high", "Late")).await;
    let _running = file(&app, &contact, &incident("high", "Still running")).await;
    let _low = file(&app, &contact, &incident("low", "Low")).await;
    // Level 3 high counts 4 hours round the clock: opened 5 hours ago, answered now is late.
    let five_hours_ago = now - jiff::SignedDuration::from_hours(5);
    let one_hour_ago = now - jiff::SignedDuration::from_hours(1);
    age(
        &app,
        late,
        &five_hours_ago.to_string(),
        &one_hour_ago.to_string(),
    )
    .await;
    for id in [on_time, late] {
        post(
            &engineer,
            &app,
            &format!("/api/tickets/{id}/messages"),
            json!({"body": "Looking into it"}),
        )
        .await;
    }
    let today = now.to_zoned_datetime(jiff::tz::TimeZone::UTC).date();
    let yesterday = today.yesterday().expect("a day");
    let path = format!("/api/console/report?from={yesterday}&to={today}");
    let report = ok_json(get(&engineer, &app, &path).await, 200).await;
    assert_eq!(report["from"], yesterday.to_string());
    let rows = report["rows"].as_array().expect("rows");
    assert_eq!(rows.len(), 15);
    let find = |level: i64, severity: Value| {
        rows.iter()
            .find(|r| r["level"] == level && r["severity"] == severity)
            .cloned()
            .expect("a row")
    };
    let high = find(3, json!("high"));
    assert_eq!(high["tickets"], 3);
    assert_eq!(high["first_responses_met"], 1);
    assert_eq!(high["first_responses_breached"], 1);
    let median = high["median_first_response_seconds"]
        .as_i64()
        .expect("a median");
    let p90 = high["p90_first_response_seconds"].as_i64().expect("a p90");
    assert!((0..60).contains(&median), "{median}");
    assert!((18_000..18_060).contains(&p90), "{p90}");
    let low = find(3, json!("low"));
    assert_eq!(low["tickets"], 1);
    assert!(low["median_first_response_seconds"].is_null());
    assert_eq!(find(1, json!("high"))["tickets"], 0);
    assert_eq!(find(3, Value::Null)["tickets"], 0);

    let csv = get(&engineer, &app, &format!("{path}&format=csv")).await;
    assert_eq!(csv.status(), 200);
    assert_eq!(
        csv.headers()["content-type"].to_str().expect("ascii"),
        "text/csv; charset=utf-8"
    );
    assert!(
        csv.headers()["content-disposition"]
            .to_str()
            .expect("ascii")
            .starts_with("attachment; filename=\"report-")
    );
    let text = csv.text().await.expect("a body");
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(
        lines[0],
        "level,severity,tickets,first_responses_met,first_responses_breached,median_first_response_seconds,p90_first_response_seconds"
    );
    assert_eq!(lines.len(), 16);
    assert!(
        lines.contains(&format!("3,high,3,1,1,{median},{p90}").as_str()),
        "{text}"
    );
    assert!(lines.contains(&"3,low,1,0,0,,"), "{text}");
    assert!(lines.contains(&"1,request,0,0,0,,"), "{text}");
    // Tomorrow holds none of them.
    let tomorrow = today.tomorrow().expect("a day");
    let empty = ok_json(
        get(
            &engineer,
            &app,
            &format!("/api/console/report?from={tomorrow}&to={tomorrow}"),
        )
        .await,
        200,
    )
    .await;
    assert!(
        empty["rows"]
            .as_array()
            .expect("rows")
            .iter()
            .all(|r| r["tickets"] == 0)
    );
}

on_both!(
    running_tickets_come_by_deadline_then_paused_ones_and_the_rest_stay_out,
    filters_narrow_the_queue_to_a_level_severity_type_status_account_or_assignee,
    keyset_pages_walk_the_queue_without_repeats_or_gaps_while_tickets_change,
    warning_and_breach_marks_count_in_the_deadlines_own_calendar_at_an_injected_instant,
    only_engineers_use_the_console,
    an_engineer_takes_a_ticket_assigns_it_and_customers_see_who,
    the_report_counts_first_responses_met_and_breached_in_business_time,
);
