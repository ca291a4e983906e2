//! E-mail through the outbox, delivered to a real mail server (MailDev, read through its REST
//! API): who gets what, in which language, with which link; an internal note e-mails no one;
//! a mail server that is down, refuses or says nothing delays e-mail but loses none, and the
//! server keeps answering meanwhile; a line break in a name adds no header.

use std::net::SocketAddr;
use std::time::{Duration, Instant};

use reqwest::{Client, StatusCode};
use serde_json::{Value, json};
use sqlx::Row;
use support_api::Language;
use support_server::admin;
use support_server::domain::Password;

use crate::common::maildev::{MAIL_PATIENCE, MailDev, free_port, to};
use crate::common::random_hex;
use crate::helpers::{Backend, PASSWORD, TestApp, file_ticket, incident, ok_json, spawn_app_with};

const PUBLIC_URL: &str = "https://support.example.test";

async fn app_sending_to(backend: Backend, smtp_url: String, timeout: Duration) -> TestApp {
    spawn_app_with(backend, |settings| {
        settings.mail.smtp_url = Some(smtp_url);
        settings.mail.public_url = PUBLIC_URL.to_owned();
        settings.mail.timeout = timeout;
        settings.mail.poll = Duration::from_millis(100);
    })
    .await
}

async fn file(app: &TestApp, client: &Client, body: &Value) -> i64 {
    file_ticket(app, client, body).await["id"]
        .as_i64()
        .expect("an id")
}

async fn message(app: &TestApp, client: &Client, id: i64, body: Value) {
    let response = client
        .post(app.url(&format!("/api/tickets/{id}/messages")))
        .json(&body)
        .send()
        .await
        .expect("post a message");
    ok_json(response, 201).await;
}

/// A signed-in manager whose address is known.
async fn manager(app: &TestApp) -> (String, Client) {
    let email = format!("boss{}@example.com", random_hex());
    app.create_account(&email, 3, false, "PT").await;
    let client = app.sign_in(&email).await;
    (email, client)
}

/// A signed-in engineer whose address is known.
async fn engineer(app: &TestApp) -> (String, Client) {
    let email = format!("eng{}@vendor.example", random_hex());
    let password = Password::parse(PASSWORD).expect("a valid password");
    admin::create_staff(&app.db, &email, "Eve Engineer", Language::En, &password)
        .await
        .expect("create an engineer");
    let client = app.sign_in(&email).await;
    (email, client)
}

/// The outbox's rows: (id, recipient, attempts, last_error, sent).
async fn outbox(app: &TestApp) -> Vec<(i64, String, i64, Option<String>, bool)> {
    sqlx::query(
        "SELECT id, recipient_address, attempts, last_error, sent_at IS NOT NULL AS sent \
         FROM outbox ORDER BY id",
    )
    .fetch_all(app.db.reader())
    .await
    .expect("the outbox")
    .iter()
    .map(|row| {
        let sent = row
            .try_get::<bool, _>("sent")
            .unwrap_or_else(|_| row.get::<i64, _>("sent") != 0);
        (
            row.get("id"),
            row.get("recipient_address"),
            row.get("attempts"),
            row.get("last_error"),
            sent,
        )
    })
    .collect()
}

/// Polls the outbox until `enough` (fails after [`MAIL_PATIENCE`]).
async fn wait_for_outbox(
    app: &TestApp,
    what: &str,
    enough: impl Fn(&[(i64, String, i64, Option<String>, bool)]) -> bool,
) -> Vec<(i64, String, i64, Option<String>, bool)> {
    let started = Instant::now();
    loop {
        let rows = outbox(app).await;
        if enough(&rows) {
            return rows;
        }
        assert!(started.elapsed() < MAIL_PATIENCE, "{what}: {rows:?}");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

async fn installation(app: &TestApp) -> String {
    sqlx::query_scalar("SELECT id FROM installation")
        .fetch_one(app.db.reader())
        .await
        .expect("the installation's id")
}

async fn approval_emails_reach_the_contacts_with_the_link_in_their_language(backend: Backend) {
    let maildev = MailDev::start().await;
    let app = app_sending_to(backend, maildev.smtp_url(), Duration::from_secs(10)).await;
    let (boss, boss_client) = manager(&app).await;
    let kenji = format!("kenji{}@example.com", random_hex());
    let added = boss_client
        .post(app.url("/api/contacts"))
        .json(&json!({"email": kenji, "name": "Kenji", "language": "ja"}))
        .send()
        .await
        .expect("add a Japanese contact");
    assert_eq!(ok_json(added, 201).await["language"], "ja");
    let filer = format!("filer{}@example.com", random_hex());
    let filer_client = app.add_person(&boss_client, &filer, false).await;
    let id = file(
        &app,
        &filer_client,
        &incident("normal", "Reports are empty"),
    )
    .await;

    let emails = maildev
        .wait_for("the two contacts' approval requests", |emails| {
            !to(emails, &boss).is_empty() && !to(emails, &kenji).is_empty()
        })
        .await;
    let link = format!("{PUBLIC_URL}/tickets/{id}");
    let english = to(&emails, &boss)[0];
    assert_eq!(
        english["subject"],
        format!("[#{id}] Waiting for your approval: Reports are empty")
    );
    assert!(english["text"].as_str().expect("a text").contains(&link));
    let japanese = to(&emails, &kenji)[0];
    assert_eq!(
        japanese["subject"],
        format!("[#{id}] 承認待ち: Reports are empty")
    );
    let text = japanese["text"].as_str().expect("a text");
    assert!(text.contains("承認または却下"), "{text}");
    assert!(text.contains(&link), "{text}");
    // The person who filed it is no contact: nothing for them.
    assert!(to(&emails, &filer).is_empty());
    let installation = installation(&app).await;
    let rows = outbox(&app).await;
    for email in [english, japanese] {
        let address = email["to"][0]["address"].as_str().expect("an address");
        let row = rows.iter().find(|row| row.1 == address).expect("its row");
        let message_id = email["messageId"].as_str().expect("a Message-ID");
        assert_eq!(
            message_id.trim_matches(['<', '>']),
            format!("outbox-{}.{installation}@localhost", row.0)
        );
    }
}

async fn an_engineers_public_message_emails_the_customer_and_an_internal_note_nobody(
    backend: Backend,
) {
    let maildev = MailDev::start().await;
    let app = app_sending_to(backend, maildev.smtp_url(), Duration::from_secs(10)).await;
    let (eve, eve_client) = engineer(&app).await;
    let (boss, boss_client) = manager(&app).await;
    let id = file(&app, &boss_client, &incident("high", "Checkout fails")).await;
    // A new high incident: the engineers hear of it.
    let emails = maildev
        .wait_for("the engineer's new-ticket e-mail", |emails| {
            !to(emails, &eve).is_empty()
        })
        .await;
    assert_eq!(
        to(&emails, &eve)[0]["subject"],
        format!("[#{id}] New ticket: Checkout fails")
    );
    message(
        &app,
        &eve_client,
        id,
        json!({"body": "Secret: the customer's config is odd", "internal": true}),
    )
    .await;
    message(&app, &eve_client, id, json!({"body": "We are on it."})).await;
    let emails = maildev
        .wait_for("the customer's e-mail of the answer", |emails| {
            !to(emails, &boss).is_empty()
        })
        .await;
    let answer = to(&emails, &boss);
    assert_eq!(answer.len(), 1, "{answer:#?}");
    assert_eq!(
        answer[0]["subject"],
        format!("[#{id}] New answer: Checkout fails")
    );
    assert!(
        answer[0]["text"]
            .as_str()
            .expect("a text")
            .contains("> We are on it.")
    );
    // Every e-mail the outbox holds has arrived: none is about the note.
    let rows = wait_for_outbox(&app, "every e-mail sent", |rows| {
        rows.iter().all(|row| row.4)
    })
    .await;
    let emails = maildev.emails().await;
    assert_eq!(
        rows.len(),
        2,
        "the new ticket to Eve, the answer to the boss: {rows:?}"
    );
    assert_eq!(emails.len(), 2, "{emails:#?}");
    assert!(
        !emails.iter().any(|email| email["text"]
            .as_str()
            .unwrap_or_default()
            .contains("Secret")),
        "an internal note was e-mailed: {emails:#?}"
    );
}

async fn health(app: &TestApp) -> StatusCode {
    app.client
        .get(app.url("/api/health"))
        .send()
        .await
        .expect("an answer")
        .status()
}

/// Files a ticket as a contact and answers it as an engineer: the contact is owed one
/// e-mail. Returns the contact's address and the ticket's id.
async fn owe_one_email(app: &TestApp) -> (String, i64) {
    let (_, eve_client) = engineer(app).await;
    let (boss, boss_client) = manager(app).await;
    let id = file(app, &boss_client, &incident("normal", "Exports time out")).await;
    message(
        app,
        &eve_client,
        id,
        json!({"body": "Try again now, please."}),
    )
    .await;
    (boss, id)
}

/// The e-mail waits for the failing mail server: once at least one attempt failed with
/// `error_contains`, the server still answers; then MailDev takes the port over and the
/// e-mail arrives.
async fn delayed_not_lost(
    app: &TestApp,
    port: u16,
    error_contains: &str,
    replace: impl AsyncFnOnce(),
) {
    let (boss, id) = owe_one_email(app).await;
    let rows = wait_for_outbox(app, "a failed attempt", |rows| {
        rows.iter()
            .any(|row| row.3.as_deref().is_some_and(|e| e.contains(error_contains)))
    })
    .await;
    assert!(rows.iter().all(|row| !row.4), "nothing sent yet: {rows:?}");
    assert_eq!(health(app).await, StatusCode::OK);
    let ticket = app
        .sign_in(&boss)
        .await
        .get(app.url(&format!("/api/tickets/{id}")))
        .send()
        .await
        .expect("the ticket");
    assert_eq!(ticket.status(), StatusCode::OK);
    replace().await;
    let maildev = MailDev::start_on(port).await;
    let emails = maildev
        .wait_for("the delayed e-mail", |emails| !to(emails, &boss).is_empty())
        .await;
    assert_eq!(
        to(&emails, &boss)[0]["subject"],
        format!("[#{id}] New answer: Exports time out")
    );
    let rows = wait_for_outbox(app, "marked sent", |rows| rows.iter().all(|row| row.4)).await;
    assert!(rows.iter().all(|row| row.2 >= 2), "retried: {rows:?}");
}

async fn a_mail_server_that_is_down_delays_email_but_loses_none(backend: Backend) {
    let port = free_port();
    let app = app_sending_to(
        backend,
        format!("smtp://127.0.0.1:{port}"),
        Duration::from_secs(10),
    )
    .await;
    delayed_not_lost(&app, port, "", async || {}).await;
}

async fn a_mail_server_that_refuses_delays_email_but_loses_none(backend: Backend) {
    let broken = BrokenSmtp::start(Broken::Refuse).await;
    let port = broken.address.port();
    let app = app_sending_to(
        backend,
        format!("smtp://127.0.0.1:{port}"),
        Duration::from_secs(10),
    )
    .await;
    delayed_not_lost(&app, port, "554", async || broken.stop().await).await;
}

async fn a_mail_server_that_says_nothing_delays_email_but_loses_none(backend: Backend) {
    let broken = BrokenSmtp::start(Broken::Silent).await;
    let port = broken.address.port();
    let app = app_sending_to(
        backend,
        format!("smtp://127.0.0.1:{port}"),
        Duration::from_secs(1),
    )
    .await;
    delayed_not_lost(&app, port, "", async || broken.stop().await).await;
}

async fn a_line_break_in_a_recipients_name_adds_no_header(backend: Backend) {
    let maildev = MailDev::start().await;
    let app = app_sending_to(backend, maildev.smtp_url(), Duration::from_secs(10)).await;
    let (_, boss_client) = manager(&app).await;
    let victim = format!("victim{}@example.org", random_hex());
    let ana = format!("ana{}@example.com", random_hex());
    let added = boss_client
        .post(app.url("/api/contacts"))
        .json(&json!({"email": ana, "name": format!("Ana\r\nBcc: {victim}\r\nX-Evil: 1")}))
        .send()
        .await
        .expect("add a contact");
    assert_eq!(added.status(), StatusCode::CREATED);
    let filer = format!("filer{}@example.com", random_hex());
    let filer_client = app.add_person(&boss_client, &filer, false).await;
    file(
        &app,
        &filer_client,
        &incident("low", "Hello\r\nBcc: victim@example.org"),
    )
    .await;
    let emails = maildev
        .wait_for("Ana's approval request", |emails| {
            !to(emails, &ana).is_empty()
        })
        .await;
    let email = to(&emails, &ana)[0];
    assert!(to(&emails, &victim).is_empty(), "{emails:#?}");
    let recipients = email["envelope"]["to"].as_array().expect("the envelope");
    assert_eq!(recipients.len(), 1, "{email:#?}");
    assert_eq!(recipients[0]["address"], ana.as_str());
    let headers = email["headers"].as_object().expect("headers");
    assert!(
        !headers.contains_key("bcc") && !headers.contains_key("x-evil"),
        "{headers:#?}"
    );
    assert!(
        email["to"][0]["name"]
            .as_str()
            .expect("a name")
            .starts_with("Ana")
    );
}

async fn a_contact_gets_the_accounts_other_tickets_email_only_after_asking_for_it(
    backend: Backend,
) {
    let maildev = MailDev::start().await;
    let app = app_sending_to(backend, maildev.smtp_url(), Duration::from_secs(10)).await;
    let (_, eve_client) = engineer(&app).await;
    let (boss, boss_client) = manager(&app).await;
    let carla = format!("carla{}@example.com", random_hex());
    let carla_client = app.add_person(&boss_client, &carla, true).await;
    let filer = format!("filer{}@example.com", random_hex());
    let filer_client = app.add_person(&boss_client, &filer, false).await;
    let me = |client: Client| {
        let url = app.url("/api/me");
        async move { ok_json(client.get(url).send().await.expect("me"), 200).await }
    };
    assert_eq!(
        me(carla_client.clone()).await["notifications"],
        json!({"account_tickets": false}),
        "off until asked for"
    );
    let id = file(&app, &boss_client, &incident("normal", "Backups fail")).await;
    let answer = |text: &str| json!({"body": text});
    message(&app, &eve_client, id, answer("First answer")).await;
    let set = |client: &Client, on: bool| {
        client
            .put(app.url("/api/me/notifications"))
            .json(&json!({"account_tickets": on}))
            .send()
    };
    assert_eq!(
        ok_json(set(&carla_client, true).await.expect("ask"), 200).await,
        json!({"account_tickets": true})
    );
    assert_eq!(
        me(carla_client.clone()).await["notifications"]["account_tickets"],
        true
    );
    message(&app, &eve_client, id, answer("Second answer")).await;
    ok_json(set(&carla_client, false).await.expect("stop"), 200).await;
    message(&app, &eve_client, id, answer("Third answer")).await;
    // Someone who is not a contact has no such choice: their own tickets' e-mails come anyway.
    let refused = set(&filer_client, true).await.expect("a refusal");
    assert_eq!(refused.status(), StatusCode::FORBIDDEN);
    assert_eq!(
        me(filer_client.clone()).await["notifications"]["account_tickets"],
        false
    );

    wait_for_outbox(&app, "every e-mail sent", |rows| {
        rows.len() == 4 && rows.iter().all(|row| row.4)
    })
    .await;
    let emails = maildev
        .wait_for("the four e-mails", |emails| emails.len() >= 4)
        .await;
    let texts = |address: &str| -> Vec<String> {
        to(&emails, address)
            .iter()
            .map(|email| email["text"].as_str().unwrap_or_default().to_owned())
            .collect()
    };
    assert_eq!(texts(&boss).len(), 3, "the submitter gets every answer");
    let carlas = texts(&carla);
    assert_eq!(carlas.len(), 1, "{carlas:#?}");
    assert!(carlas[0].contains("> Second answer"), "{carlas:#?}");
    assert!(texts(&filer).is_empty());
}

async fn engineers_are_emailed_once_a_deadline_when_it_enters_the_warning_window(backend: Backend) {
    let maildev = MailDev::start().await;
    // A warning window as long as the policy allows: a high incident's deadlines (on the
    // always-open calendar) are in it from their start.
    let folder = tempfile::tempdir().expect("a temporary folder");
    let policy = folder.path().join("policy.toml");
    let shipped = include_str!("../../../rules/policy/default.toml");
    assert!(shipped.contains("warning_window = \"1h15m\""));
    std::fs::write(
        &policy,
        shipped.replace("warning_window = \"1h15m\"", "warning_window = \"30d\""),
    )
    .expect("write the policy");
    let app = spawn_app_with(backend, |settings| {
        settings.mail.smtp_url = Some(maildev.smtp_url());
        settings.mail.public_url = PUBLIC_URL.to_owned();
        settings.mail.poll = Duration::from_millis(100);
        settings.policy_file = Some(policy.clone());
        settings.task_interval = Duration::from_millis(100);
    })
    .await;
    // A second server process on the same database runs the same task.
    app.another_server().await;
    let (eve, eve_client) = engineer(&app).await;
    let kenji = format!("kenji{}@vendor.example", random_hex());
    let password = Password::parse(PASSWORD).expect("a valid password");
    admin::create_staff(&app.db, &kenji, "Kenji", Language::Ja, &password)
        .await
        .expect("a Japanese engineer");
    let (_, boss_client) = manager(&app).await;
    let id = file(&app, &boss_client, &incident("high", "Checkout fails")).await;
    let warnings = |emails: &[Value], address: &str| -> Vec<Value> {
        to(emails, address)
            .into_iter()
            .filter(|email| {
                let subject = email["subject"].as_str().unwrap_or_default();
                subject.contains("Deadline near") || subject.contains("期限間近")
            })
            .cloned()
            .collect()
    };
    let emails = maildev
        .wait_for("both engineers' first-response warnings", |emails| {
            !warnings(emails, &eve).is_empty() && !warnings(emails, &kenji).is_empty()
        })
        .await;
    let english = &warnings(&emails, &eve)[0];
    assert_eq!(
        english["subject"],
        format!("[#{id}] Deadline near: Checkout fails")
    );
    let text = english["text"].as_str().expect("a text");
    assert!(
        text.contains("The first response of this ticket is due at"),
        "{text}"
    );
    assert!(
        text.contains(&format!("{PUBLIC_URL}/console/tickets/{id}")),
        "{text}"
    );
    let japanese = &warnings(&emails, &kenji)[0];
    assert_eq!(
        japanese["subject"],
        format!("[#{id}] 期限間近: Checkout fails")
    );
    assert!(
        japanese["text"]
            .as_str()
            .expect("a text")
            .contains("初回回答の期限"),
        "{japanese:#?}"
    );

    // The answer meets the first response and starts the next update: one more warning each.
    message(&app, &eve_client, id, json!({"body": "On it."})).await;
    let emails = maildev
        .wait_for("both engineers' next-update warnings", |emails| {
            warnings(emails, &eve).len() >= 2 && warnings(emails, &kenji).len() >= 2
        })
        .await;
    assert!(
        warnings(&emails, &eve).iter().any(|email| email["text"]
            .as_str()
            .is_some_and(|text| text.contains("The next update of this ticket is due at"))),
        "{emails:#?}"
    );
    // Many more ticks of both processes' tasks tell no deadline twice.
    let warned = |db: &support_server::db::Db| {
        let db = db.clone();
        async move {
            sqlx::query_scalar::<_, i64>("SELECT COUNT(*) FROM deadline_warnings")
                .fetch_one(db.reader())
                .await
                .expect("count the warnings")
        }
    };
    assert_eq!(warned(&app.db).await, 2);
    tokio::time::sleep(Duration::from_millis(1500)).await;
    assert_eq!(warned(&app.db).await, 2);
    let rows = wait_for_outbox(&app, "every e-mail sent", |rows| {
        rows.iter().all(|row| row.4)
    })
    .await;
    let emails = maildev.emails().await;
    for engineer in [&eve, &kenji] {
        assert_eq!(warnings(&emails, engineer).len(), 2, "{emails:#?}");
    }
    // Two new-ticket e-mails, four warnings, the answer to the customer.
    assert_eq!(rows.len(), 7, "{rows:?}");
}

on_both!(
    approval_emails_reach_the_contacts_with_the_link_in_their_language,
    a_contact_gets_the_accounts_other_tickets_email_only_after_asking_for_it,
    engineers_are_emailed_once_a_deadline_when_it_enters_the_warning_window,
    an_engineers_public_message_emails_the_customer_and_an_internal_note_nobody,
    a_mail_server_that_is_down_delays_email_but_loses_none,
    a_mail_server_that_refuses_delays_email_but_loses_none,
    a_mail_server_that_says_nothing_delays_email_but_loses_none,
    a_line_break_in_a_recipients_name_adds_no_header,
);

/// A mail server that fails: it answers every connection with `554` and closes it
/// (`Refuse`), or accepts connections and says nothing (`Silent`). Stops when dropped.
struct BrokenSmtp {
    address: SocketAddr,
    task: tokio::task::JoinHandle<()>,
}

#[derive(Debug, Clone, Copy)]
enum Broken {
    Refuse,
    Silent,
}

impl BrokenSmtp {
    async fn start(how: Broken) -> BrokenSmtp {
        use tokio::io::AsyncWriteExt;
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("a port for the broken mail server");
        let address = listener.local_addr().expect("its address");
        let task = tokio::spawn(async move {
            let mut held = Vec::new();
            while let Ok((mut stream, _)) = listener.accept().await {
                match how {
                    Broken::Refuse => {
                        let _ = stream
                            .write_all(b"554 5.3.2 not accepting mail now\r\n")
                            .await;
                        let _ = stream.shutdown().await;
                    }
                    Broken::Silent => held.push(stream),
                }
            }
        });
        BrokenSmtp { address, task }
    }

    /// Stops listening (and drops every connection it held), freeing its port.
    async fn stop(self) {
        self.task.abort();
        let _ = self.task.await;
    }
}
