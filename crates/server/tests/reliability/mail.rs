//! E-mail survives a crash: the real binary, SIGKILLed while its e-mails are pending (the
//! mail server was unreachable), started again on the same database with MailDev: every
//! outbox row's `Message-ID` then reaches the mail server at least once.

use std::collections::BTreeSet;
use std::time::Duration;

use serde_json::json;

use crate::common::maildev::{MailDev, free_port, to};
use crate::real_server::{Backend, Database, PASSWORD, RealServer, admin, create_account, sign_in};

async fn killed_with_pending_emails_each_message_id_arrives_after_the_restart(backend: Backend) {
    let database = Database::fresh(backend).await;
    create_account(&database, "boss@example.com").await;
    let staff = admin(
        &database,
        &[
            "create-staff",
            "--email",
            "eve@vendor.example",
            "--name",
            "Eve",
        ],
        &format!("{PASSWORD}\n"),
    )
    .await;
    assert!(
        staff.status.success(),
        "{}",
        String::from_utf8_lossy(&staff.stderr)
    );
    // No mail server answers the first run, so every e-mail is pending (tried, put off) when
    // it is killed; the restarted server has MailDev.
    let nowhere = format!("smtp://127.0.0.1:{}", free_port());
    let server = RealServer::start_with(
        &database,
        0,
        &[("SMTP_URL", nowhere.as_str()), ("SMTP_TIMEOUT", "1")],
    )
    .await;
    let boss = sign_in(&server, "boss@example.com").await;
    let eve = sign_in(&server, "eve@vendor.example").await;
    for n in 0..6 {
        let created = boss
            .post(server.url("/api/tickets"))
            .json(&json!({
                "type": "incident", "severity": "normal", "subject": format!("Crash {n}"),
                "description": "Pending e-mail.", "language": "en"
            }))
            .send()
            .await
            .expect("file a ticket");
        assert_eq!(created.status(), 201);
        let id = created.json::<serde_json::Value>().await.expect("a ticket")["id"]
            .as_i64()
            .expect("an id");
        for reply in ["First answer", "Second answer"] {
            let answered = eve
                .post(server.url(&format!("/api/tickets/{id}/messages")))
                .json(&json!({"body": reply}))
                .send()
                .await
                .expect("answer");
            assert_eq!(answered.status(), 201);
        }
    }
    server.kill();

    let pool = database.pool().await;
    let installation: String = sqlx::query_scalar("SELECT id FROM installation")
        .fetch_one(&pool)
        .await
        .expect("the installation");
    let ids: Vec<i64> = sqlx::query_scalar("SELECT id FROM outbox ORDER BY id")
        .fetch_all(&pool)
        .await
        .expect("the outbox");
    assert_eq!(ids.len(), 12, "two answers to each of six tickets");
    let sent: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM outbox WHERE sent_at IS NOT NULL")
        .fetch_one(&pool)
        .await
        .expect("count sent");
    assert_eq!(sent, 0, "every e-mail is pending at the kill");
    let expected: BTreeSet<String> = ids
        .iter()
        .map(|id| format!("outbox-{id}.{installation}@localhost"))
        .collect();

    let maildev = MailDev::start().await;
    let smtp_url = maildev.smtp_url();
    let restarted = RealServer::start_with(&database, 1, &[("SMTP_URL", smtp_url.as_str())]).await;
    let arrived = |emails: &[serde_json::Value]| -> BTreeSet<String> {
        emails
            .iter()
            .filter_map(|email| email["messageId"].as_str())
            .map(|id| id.trim_matches(['<', '>']).to_owned())
            .collect()
    };
    let emails = maildev
        .wait_for("every Message-ID of the outbox", |emails| {
            arrived(emails).is_superset(&expected)
        })
        .await;
    assert_eq!(
        arrived(&emails),
        expected,
        "no e-mail the outbox does not hold"
    );
    assert_eq!(to(&emails, "boss@example.com").len(), emails.len());
    let unsent: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM outbox WHERE sent_at IS NULL")
        .fetch_one(&pool)
        .await
        .expect("count unsent");
    // MailDev has them all; marking follows within the restarted server's next moments.
    let mut unsent = unsent;
    let started = std::time::Instant::now();
    while unsent > 0 && started.elapsed() < Duration::from_secs(60) {
        tokio::time::sleep(Duration::from_millis(200)).await;
        unsent = sqlx::query_scalar("SELECT COUNT(*) FROM outbox WHERE sent_at IS NULL")
            .fetch_one(&pool)
            .await
            .expect("count unsent");
    }
    assert_eq!(unsent, 0, "{}", restarted.log());
}

on_both!(killed_with_pending_emails_each_message_id_arrives_after_the_restart);

/// Two server processes on one PostgreSQL database start together while 60 e-mails wait in the
/// outbox: their workers claim at once (`FOR UPDATE SKIP LOCKED`), and each `Message-ID`
/// reaches MailDev exactly once. Every row was claimed once (`attempts` is 1), so no second
/// delivery of any of them can still be on its way when the test looks.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_server_processes_deliver_each_pending_email_exactly_once() {
    if !crate::common::postgres_ready().await {
        return;
    }
    let database = Database::fresh(Backend::Postgres).await;
    create_account(&database, "boss@example.com").await;
    let staff = admin(
        &database,
        &[
            "create-staff",
            "--email",
            "eve@vendor.example",
            "--name",
            "Eve",
        ],
        &format!("{PASSWORD}\n"),
    )
    .await;
    assert!(
        staff.status.success(),
        "{}",
        String::from_utf8_lossy(&staff.stderr)
    );
    // Without SMTP_URL the server sends nothing and the outbox fills.
    let filling = RealServer::start(&database, 0).await;
    let boss = sign_in(&filling, "boss@example.com").await;
    let eve = sign_in(&filling, "eve@vendor.example").await;
    for n in 0..5 {
        let created = boss
            .post(filling.url("/api/tickets"))
            .json(&json!({
                "type": "incident", "severity": "normal", "subject": format!("Pending {n}"),
                "description": "Many e-mails at once.", "language": "en"
            }))
            .send()
            .await
            .expect("file a ticket");
        assert_eq!(created.status(), 201);
        let id = created.json::<serde_json::Value>().await.expect("a ticket")["id"]
            .as_i64()
            .expect("an id");
        for answer in 0..12 {
            let answered = eve
                .post(filling.url(&format!("/api/tickets/{id}/messages")))
                .json(&json!({"body": format!("Answer {answer}")}))
                .send()
                .await
                .expect("answer");
            assert_eq!(answered.status(), 201);
        }
    }
    filling.kill();

    let pool = database.pool().await;
    let installation: String = sqlx::query_scalar("SELECT id FROM installation")
        .fetch_one(&pool)
        .await
        .expect("the installation");
    let ids: Vec<i64> =
        sqlx::query_scalar("SELECT id FROM outbox WHERE sent_at IS NULL AND attempts = 0")
            .fetch_all(&pool)
            .await
            .expect("the outbox");
    assert_eq!(
        ids.len(),
        60,
        "twelve answers to each of five tickets, none tried"
    );
    let expected: BTreeSet<String> = ids
        .iter()
        .map(|id| format!("outbox-{id}.{installation}@localhost"))
        .collect();

    let maildev = MailDev::start().await;
    let smtp_url = maildev.smtp_url();
    let mail = [("SMTP_URL", smtp_url.as_str())];
    let (one, two) = tokio::join!(
        RealServer::start_with(&database, 1, &mail),
        RealServer::start_with(&database, 2, &mail)
    );
    let mut unsent: i64 = i64::MAX;
    let started = std::time::Instant::now();
    while unsent > 0 && started.elapsed() < crate::common::maildev::MAIL_PATIENCE {
        tokio::time::sleep(Duration::from_millis(200)).await;
        unsent = sqlx::query_scalar("SELECT COUNT(*) FROM outbox WHERE sent_at IS NULL")
            .fetch_one(&pool)
            .await
            .expect("count unsent");
    }
    assert_eq!(unsent, 0, "{}\n{}", one.log(), two.log());
    let claimed_again: Vec<(i64, i64)> =
        sqlx::query_as("SELECT id, attempts FROM outbox WHERE attempts <> 1 ORDER BY id")
            .fetch_all(&pool)
            .await
            .expect("the attempts");
    assert_eq!(claimed_again, [], "each row claimed by one worker, once");

    let emails = maildev
        .wait_for("every Message-ID of the outbox", |emails| {
            emails.len() >= expected.len()
        })
        .await;
    let mut arrived: Vec<String> = emails
        .iter()
        .filter_map(|email| email["messageId"].as_str())
        .map(|id| id.trim_matches(['<', '>']).to_owned())
        .collect();
    arrived.sort();
    let once: Vec<String> = expected.iter().cloned().collect();
    assert_eq!(arrived, once, "each Message-ID exactly once");
    let sent_by = |server: &RealServer| server.log().matches("e-mail sent").count();
    let (by_one, by_two) = (sent_by(&one), sent_by(&two));
    eprintln!("process one sent {by_one} e-mails, process two {by_two}");
    assert_eq!(by_one + by_two, 60, "each e-mail marked sent once");
}
