//! The authorization matrix: every endpoint × (anonymous, a person of the account who is not a
//! contact, a contact, a contact who manages contacts, the manager of another account, a
//! support engineer), one table, one test, and afterwards the refused requests are seen to
//! have changed nothing.

use reqwest::{Client, Method};
use serde_json::{Value, json};
use sqlx::AnyPool;

use crate::real_server::{
    Backend, Database, PASSWORD, RealServer, admin, client, create_account, incident, set_password,
    sign_in,
};

const ANONYMOUS: usize = 0;
const PERSON: usize = 1;
const CONTACT: usize = 2;
const MANAGER: usize = 3;
const OTHER: usize = 4;
const ENGINEER: usize = 5;
const ACTORS: [&str; 6] = [
    "anonymous",
    "person (not a contact)",
    "contact",
    "contact who manages contacts",
    "manager of another account",
    "support engineer",
];

/// Ids the table's paths name.
struct Ids {
    /// An open ticket of account A.
    ticket: i64,
    /// Pending tickets of account A, one per actor, to approve and to reject.
    to_approve: [i64; 6],
    to_reject: [i64; 6],
    /// Open high incidents of account A filed by the contact, one per actor, to solve and to
    /// lower; solved ones to reopen and to rate.
    to_solve: [i64; 6],
    to_lower: [i64; 6],
    to_reopen: [i64; 6],
    to_rate: [i64; 6],
    /// A file the contact sent with a message on another open ticket of account A.
    file: i64,
    /// A contact of A whose flags the actors try to change.
    patch_target: i64,
    /// A contact of A the manager removes, and one the others try to remove.
    removed_by_manager: i64,
    kept: i64,
}

/// The path an actor (by index) asks for.
type PathOf = Box<dyn Fn(&Ids, usize) -> String>;
/// The body an actor (by index) sends.
type BodyOf = Box<dyn Fn(usize) -> Value>;

struct Row {
    method: Method,
    path: PathOf,
    body: Option<BodyOf>,
    /// Sends a `multipart/form-data` body with one small file instead of JSON.
    upload: bool,
    expected: [u16; 6],
}

fn row(method: Method, path: &'static str, expected: [u16; 6]) -> Row {
    Row {
        method,
        path: Box::new(move |_, _| path.to_owned()),
        body: None,
        upload: false,
        expected,
    }
}

const BOUNDARY: &str = "matrix-boundary";

/// A multipart body with one `file` part named after the actor.
fn file_body(actor: usize) -> Vec<u8> {
    format!(
        "--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"log-{actor}.txt\"\r\n\
         Content-Type: text/plain\r\n\r\nlog of {actor}\r\n--{BOUNDARY}--\r\n"
    )
    .into_bytes()
}

fn table() -> Vec<Row> {
    vec![
        row(Method::GET, "/api/health", [200, 200, 200, 200, 200, 200]),
        row(Method::GET, "/api/policy", [200, 200, 200, 200, 200, 200]),
        row(
            Method::GET,
            "/api/quote?level=1&type=question",
            [200, 200, 200, 200, 200, 200],
        ),
        row(
            Method::GET,
            "/api/openapi.json",
            [200, 200, 200, 200, 200, 200],
        ),
        row(Method::GET, "/api/me", [401, 200, 200, 200, 200, 200]),
        // A technical contact's own choice; another account's manager sets their own.
        Row {
            body: Some(Box::new(|_| json!({"account_tickets": true}))),
            ..row(
                Method::PUT,
                "/api/me/notifications",
                [401, 403, 200, 200, 200, 403],
            )
        },
        // A stream: its status is checked and it is closed. Everyone signed in gets their own
        // (another account's manager gets their account's entries); one ticket's stream
        // follows the ticket's visibility.
        row(Method::GET, "/api/events", [401, 200, 200, 200, 200, 200]),
        Row {
            path: Box::new(|ids, _| format!("/api/events?ticket={}", ids.ticket)),
            ..row(Method::GET, "", [401, 200, 200, 200, 404, 200])
        },
        // 200 for everyone: a visitor learns only that they are signed out.
        row(Method::GET, "/api/session", [200, 200, 200, 200, 200, 200]),
        row(Method::GET, "/api/tickets", [401, 200, 200, 200, 200, 200]),
        row(
            Method::GET,
            "/api/tickets?status=pending_approval",
            [401, 200, 200, 200, 200, 200],
        ),
        Row {
            body: Some(Box::new(|actor| incident(&format!("matrix-{actor}")))),
            ..row(Method::POST, "/api/tickets", [401, 201, 201, 201, 201, 403])
        },
        Row {
            path: Box::new(|ids, _| format!("/api/tickets/{}", ids.ticket)),
            ..row(Method::GET, "", [401, 200, 200, 200, 404, 200])
        },
        Row {
            path: Box::new(|ids, actor| format!("/api/tickets/{}/approve", ids.to_approve[actor])),
            ..row(Method::POST, "", [401, 403, 200, 200, 404, 403])
        },
        Row {
            path: Box::new(|ids, actor| format!("/api/tickets/{}/reject", ids.to_reject[actor])),
            body: Some(Box::new(|_| json!({"reason": "Not needed"}))),
            ..row(Method::POST, "", [401, 403, 200, 200, 404, 403])
        },
        // The ticket's life. On the customer side the account's contacts and the ticket's
        // submitter act on it (the person here filed none of these); engineers act on every
        // ticket, but rate and escalate none: those are the customer's.
        Row {
            path: Box::new(|ids, _| format!("/api/tickets/{}/timeline", ids.ticket)),
            ..row(Method::GET, "", [401, 200, 200, 200, 404, 200])
        },
        Row {
            path: Box::new(|ids, _| format!("/api/tickets/{}/messages", ids.ticket)),
            body: Some(Box::new(
                |actor| json!({"body": format!("message of {actor}")}),
            )),
            ..row(Method::POST, "", [401, 403, 201, 201, 404, 201])
        },
        // Files: whoever may post a message may upload one; whoever may see the ticket may
        // download a file sent with a customer's message.
        Row {
            path: Box::new(|ids, _| format!("/api/tickets/{}/attachments", ids.ticket)),
            upload: true,
            ..row(Method::POST, "", [401, 403, 201, 201, 404, 201])
        },
        Row {
            path: Box::new(|ids, _| format!("/api/attachments/{}", ids.file)),
            ..row(Method::GET, "", [401, 200, 200, 200, 404, 200])
        },
        Row {
            path: Box::new(|ids, _| format!("/api/tickets/{}/escalations", ids.ticket)),
            body: Some(Box::new(|_| json!({"reason": "severity_increased"}))),
            ..row(Method::POST, "", [401, 403, 201, 201, 404, 403])
        },
        Row {
            path: Box::new(|ids, actor| format!("/api/tickets/{}/solve", ids.to_solve[actor])),
            ..row(Method::POST, "", [401, 403, 201, 201, 404, 201])
        },
        Row {
            path: Box::new(|ids, actor| format!("/api/tickets/{}/severity", ids.to_lower[actor])),
            body: Some(Box::new(
                |_| json!({"severity": "low", "reason": "A workaround exists"}),
            )),
            ..row(Method::POST, "", [401, 403, 201, 201, 404, 201])
        },
        Row {
            path: Box::new(|ids, actor| format!("/api/tickets/{}/reopen", ids.to_reopen[actor])),
            body: Some(Box::new(|_| json!({"reason": "It fails again"}))),
            ..row(Method::POST, "", [401, 403, 201, 201, 404, 201])
        },
        Row {
            path: Box::new(|ids, actor| format!("/api/tickets/{}/rating", ids.to_rate[actor])),
            body: Some(Box::new(|_| json!({"score": 5}))),
            ..row(Method::POST, "", [401, 403, 201, 201, 404, 403])
        },
        // The support console is the engineers' own.
        row(
            Method::GET,
            "/api/console/queue",
            [401, 403, 403, 403, 403, 200],
        ),
        row(
            Method::GET,
            "/api/console/report?from=2026-12-01&to=2026-12-31&format=csv",
            [401, 403, 403, 403, 403, 200],
        ),
        row(
            Method::GET,
            "/api/console/engineers",
            [401, 403, 403, 403, 403, 200],
        ),
        Row {
            path: Box::new(|ids, _| format!("/api/console/tickets/{}/assignee", ids.ticket)),
            body: Some(Box::new(|_| json!({"engineer_id": null}))),
            ..row(Method::POST, "", [401, 403, 403, 403, 403, 201])
        },
        row(Method::GET, "/api/contacts", [401, 200, 200, 200, 200, 403]),
        Row {
            body: Some(Box::new(
                |actor| json!({"email": format!("new-{actor}@example.com")}),
            )),
            // The other account's manager adds the person to their own account.
            ..row(
                Method::POST,
                "/api/contacts",
                [401, 403, 403, 201, 201, 403],
            )
        },
        Row {
            path: Box::new(|ids, _| format!("/api/contacts/{}", ids.patch_target)),
            body: Some(Box::new(|_| json!({"can_manage_contacts": true}))),
            ..row(Method::PATCH, "", [401, 403, 403, 200, 404, 403])
        },
        Row {
            path: Box::new(|ids, actor| {
                let id = if actor == MANAGER {
                    ids.removed_by_manager
                } else {
                    ids.kept
                };
                format!("/api/contacts/{id}")
            }),
            ..row(Method::DELETE, "", [401, 403, 403, 204, 404, 403])
        },
        // Anyone may sign in (here as a person no one else signs in as, within the budget of
        // attempts per email this server is started with).
        Row {
            body: Some(Box::new(
                |_| json!({"email": "signer@example.com", "password": PASSWORD}),
            )),
            ..row(Method::POST, "/api/session", [204, 204, 204, 204, 204, 204])
        },
        // Last: it ends the actor's session.
        row(
            Method::DELETE,
            "/api/session",
            [204, 204, 204, 204, 204, 204],
        ),
    ]
}

async fn add(server: &RealServer, manager: &Client, email: &str, is_contact: bool) -> i64 {
    let response = manager
        .post(server.url("/api/contacts"))
        .json(&json!({"email": email, "is_contact": is_contact}))
        .send()
        .await
        .expect("add a person");
    assert_eq!(response.status(), 201, "add {email}");
    let body: Value = response.json().await.expect("JSON");
    body["id"].as_i64().expect("an id")
}

async fn ticket(server: &RealServer, client: &Client, key: &str) -> i64 {
    let response = client
        .post(server.url("/api/tickets"))
        .json(&incident(key))
        .send()
        .await
        .expect("a ticket");
    assert_eq!(response.status(), 201);
    let body: Value = response.json().await.expect("JSON");
    body["id"].as_i64().expect("an id")
}

async fn status_of(pool: &AnyPool, id: i64) -> String {
    sqlx::query_scalar("SELECT status FROM tickets WHERE id = $1")
        .bind(id)
        .fetch_one(pool)
        .await
        .expect("a ticket")
}

async fn severity_of(pool: &AnyPool, id: i64) -> String {
    sqlx::query_scalar("SELECT severity FROM tickets WHERE id = $1")
        .bind(id)
        .fetch_one(pool)
        .await
        .expect("a ticket")
}

async fn entries_of(pool: &AnyPool, id: i64, kind: &str) -> i64 {
    sqlx::query_scalar("SELECT COUNT(*) FROM ticket_entries WHERE ticket_id = $1 AND kind = $2")
        .bind(id)
        .bind(kind)
        .fetch_one(pool)
        .await
        .expect("a count")
}

async fn flags_of(pool: &AnyPool, id: i64) -> (i64, i64) {
    let row: (i64, i64) =
        sqlx::query_as("SELECT is_contact, can_manage_contacts FROM people WHERE id = $1")
            .bind(id)
            .fetch_one(pool)
            .await
            .expect("a person");
    row
}

async fn every_endpoint_answers_each_kind_of_caller_as_the_matrix_says(backend: Backend) {
    let database = Database::fresh(backend).await;
    create_account(&database, "boss-a@example.com").await;
    create_account(&database, "boss-b@example.com").await;
    let server = RealServer::start_with(
        &database,
        0,
        &[
            ("SUPPORT_TICKETS_PER_PERSON", "100"),
            // Every actor signs in as `signer`: more than the default five a minute.
            ("SUPPORT_SIGN_IN_PER_EMAIL", "10"),
        ],
    )
    .await;
    let manager = sign_in(&server, "boss-a@example.com").await;
    add(&server, &manager, "contact-a@example.com", true).await;
    add(&server, &manager, "person-a@example.com", false).await;
    add(&server, &manager, "signer@example.com", false).await;
    for email in [
        "contact-a@example.com",
        "person-a@example.com",
        "signer@example.com",
    ] {
        set_password(&database, email).await;
    }
    let staff = admin(
        &database,
        &[
            "create-staff",
            "--email",
            "eng@vendor.example",
            "--name",
            "Eve Engineer",
        ],
        &format!("{PASSWORD}\n"),
    )
    .await;
    assert!(staff.status.success(), "create-staff");
    let actors = [
        client(),
        sign_in(&server, "person-a@example.com").await,
        sign_in(&server, "contact-a@example.com").await,
        manager.clone(),
        sign_in(&server, "boss-b@example.com").await,
        sign_in(&server, "eng@vendor.example").await,
    ];
    let mut to_approve = [0; 6];
    let mut to_reject = [0; 6];
    let (mut to_solve, mut to_lower, mut to_reopen, mut to_rate) = ([0; 6], [0; 6], [0; 6], [0; 6]);
    for actor in 0..ACTORS.len() {
        to_approve[actor] = ticket(&server, &actors[PERSON], &format!("approve-{actor}")).await;
        to_reject[actor] = ticket(&server, &actors[PERSON], &format!("reject-{actor}")).await;
        to_solve[actor] = ticket(&server, &actors[CONTACT], &format!("solve-{actor}")).await;
        to_lower[actor] = ticket(&server, &actors[CONTACT], &format!("lower-{actor}")).await;
        to_reopen[actor] = ticket(&server, &actors[CONTACT], &format!("reopen-{actor}")).await;
        to_rate[actor] = ticket(&server, &actors[CONTACT], &format!("rate-{actor}")).await;
        for id in [to_reopen[actor], to_rate[actor]] {
            let solved = actors[CONTACT]
                .post(server.url(&format!("/api/tickets/{id}/solve")))
                .send()
                .await
                .expect("solve");
            assert_eq!(solved.status(), 201, "solve {id}");
        }
    }
    let file_ticket = ticket(&server, &actors[CONTACT], "with a file").await;
    let uploaded = actors[CONTACT]
        .post(server.url(&format!("/api/tickets/{file_ticket}/attachments")))
        .header(
            "content-type",
            format!("multipart/form-data; boundary={BOUNDARY}"),
        )
        .body(file_body(CONTACT))
        .send()
        .await
        .expect("an upload");
    assert_eq!(uploaded.status(), 201, "upload");
    let file = uploaded.json::<Value>().await.expect("JSON")["id"]
        .as_i64()
        .expect("an id");
    let sent = actors[CONTACT]
        .post(server.url(&format!("/api/tickets/{file_ticket}/messages")))
        .json(&json!({"body": "the log", "attachments": [file]}))
        .send()
        .await
        .expect("a message");
    assert_eq!(sent.status(), 201, "send the file");
    let ids = Ids {
        file,
        ticket: ticket(&server, &actors[CONTACT], "open").await,
        to_approve,
        to_reject,
        to_solve,
        to_lower,
        to_reopen,
        to_rate,
        patch_target: add(&server, &manager, "patch-me@example.com", true).await,
        removed_by_manager: add(&server, &manager, "remove-me@example.com", true).await,
        kept: add(&server, &manager, "keep-me@example.com", true).await,
    };
    let pool = database.pool().await;
    assert_eq!(
        status_of(&pool, ids.to_approve[0]).await,
        "pending_approval"
    );

    let mut wrong = Vec::new();
    let table = table();
    for actor in 0..ACTORS.len() {
        for row in &table {
            let path = (row.path)(&ids, actor);
            let mut request = actors[actor].request(row.method.clone(), server.url(&path));
            if let Some(body) = &row.body {
                request = request.json(&body(actor));
            }
            if row.upload {
                request = request
                    .header(
                        "content-type",
                        format!("multipart/form-data; boundary={BOUNDARY}"),
                    )
                    .body(file_body(actor));
            }
            let response = request.send().await.expect("an answer");
            let status = response.status().as_u16();
            let expected = row.expected[actor];
            if status != expected {
                let text = response.text().await.unwrap_or_default();
                wrong.push(format!(
                    "{} {path} as {}: expected {expected}, got {status}: {text}",
                    row.method, ACTORS[actor]
                ));
            } else if status >= 400 {
                let media = response.headers()["content-type"].clone();
                if media != "application/problem+json" {
                    wrong.push(format!("{} {path}: a {status} as {media:?}", row.method));
                }
            }
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));

    // The refusals changed nothing; the permitted changes happened.
    for actor in [ANONYMOUS, PERSON, OTHER, ENGINEER] {
        assert_eq!(
            status_of(&pool, ids.to_approve[actor]).await,
            "pending_approval"
        );
        assert_eq!(
            status_of(&pool, ids.to_reject[actor]).await,
            "pending_approval"
        );
    }
    for actor in [ANONYMOUS, PERSON, OTHER] {
        assert_eq!(status_of(&pool, ids.to_solve[actor]).await, "open");
        assert_eq!(status_of(&pool, ids.to_reopen[actor]).await, "solved");
        assert_eq!(severity_of(&pool, ids.to_lower[actor]).await, "high");
    }
    for actor in [CONTACT, MANAGER, ENGINEER] {
        assert_eq!(status_of(&pool, ids.to_solve[actor]).await, "solved");
        assert_eq!(status_of(&pool, ids.to_reopen[actor]).await, "in_progress");
        assert_eq!(severity_of(&pool, ids.to_lower[actor]).await, "low");
    }
    for (actor, name) in ACTORS.iter().enumerate() {
        let rated = entries_of(&pool, ids.to_rate[actor], "rated").await;
        assert_eq!(
            rated,
            i64::from(actor == CONTACT || actor == MANAGER),
            "{name}"
        );
    }
    assert_eq!(entries_of(&pool, ids.ticket, "customer_message").await, 2);
    assert_eq!(entries_of(&pool, ids.ticket, "public_message").await, 1);
    assert_eq!(entries_of(&pool, ids.ticket, "escalated").await, 2);
    assert_eq!(
        entries_of(&pool, ids.ticket, "assigned").await,
        1,
        "the engineer's only"
    );
    let uploaders: Vec<String> =
        sqlx::query_scalar("SELECT name FROM attachments WHERE ticket_id = $1 ORDER BY name")
            .bind(ids.ticket)
            .fetch_all(&pool)
            .await
            .expect("the uploads");
    assert_eq!(uploaders, ["log-2.txt", "log-3.txt", "log-5.txt"]);
    for actor in [CONTACT, MANAGER] {
        assert_eq!(status_of(&pool, ids.to_approve[actor]).await, "open");
        assert_eq!(status_of(&pool, ids.to_reject[actor]).await, "rejected");
    }
    assert_eq!(flags_of(&pool, ids.kept).await, (1, 0));
    assert_eq!(flags_of(&pool, ids.removed_by_manager).await, (0, 0));
    assert_eq!(flags_of(&pool, ids.patch_target).await, (1, 1));
    let added: Vec<String> =
        sqlx::query_scalar("SELECT email FROM people WHERE email LIKE 'new-%' ORDER BY email")
            .fetch_all(&pool)
            .await
            .expect("the people added");
    assert_eq!(added, ["new-3@example.com", "new-4@example.com"]);
    // The other account's manager sees only their own ticket in their list.
    let other = sign_in(&server, "boss-b@example.com").await;
    let list: Value = other
        .get(server.url("/api/tickets"))
        .send()
        .await
        .expect("a list")
        .json()
        .await
        .expect("JSON");
    let subjects: Vec<&str> = list["tickets"]
        .as_array()
        .expect("tickets")
        .iter()
        .filter_map(|t| t["subject"].as_str())
        .collect();
    assert_eq!(subjects, ["Checkout fails (matrix-4)"]);
}

on_both!(every_endpoint_answers_each_kind_of_caller_as_the_matrix_says);
