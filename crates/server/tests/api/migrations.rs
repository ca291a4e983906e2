//! The two databases' schemas: the SQLite and PostgreSQL migrations declare the same tables
//! and columns, and the database itself refuses a ticket status that does not exist.

use std::collections::BTreeSet;

use sqlx::Row;
use support_api::TicketStatus;
use support_server::db::Db;

use crate::common::{PgDatabase, postgres_ready};
use crate::helpers::{Backend, spawn_app};

/// A column as both databases can describe it: table, column, a type family and whether it
/// may hold NULL.
type Column = (String, String, &'static str, bool);

/// `INTEGER` (SQLite) and `BIGINT` (PostgreSQL) are one family, and so are the texts and
/// the bytes (`BLOB`, `BYTEA`).
fn family(declared: &str) -> &'static str {
    match declared.to_ascii_lowercase().as_str() {
        "integer" | "bigint" => "integer",
        "text" => "text",
        "blob" | "bytea" => "bytes",
        _ => "other",
    }
}

async fn sqlite_columns(db: &Db) -> BTreeSet<Column> {
    sqlx::query(
        "SELECT m.name AS table_name, c.name AS column_name, c.type AS declared, \
         c.\"notnull\" AS not_null, c.pk AS pk \
         FROM sqlite_master m JOIN pragma_table_info(m.name) c \
         WHERE m.type = 'table' AND m.name NOT LIKE 'sqlite_%' AND m.name <> '_sqlx_migrations'",
    )
    .fetch_all(db.reader())
    .await
    .expect("the SQLite columns")
    .iter()
    .map(|row| {
        let declared: String = row.get("declared");
        // SQLite lets a primary key column hold NULL unless it says NOT NULL; this schema
        // never writes one, and PostgreSQL's primary keys are NOT NULL.
        let nullable = row.get::<i64, _>("not_null") == 0 && row.get::<i64, _>("pk") == 0;
        (
            row.get("table_name"),
            row.get("column_name"),
            family(&declared),
            nullable,
        )
    })
    .collect()
}

async fn postgres_columns(db: &Db) -> BTreeSet<Column> {
    sqlx::query(
        "SELECT table_name::text AS table_name, column_name::text AS column_name, \
         data_type::text AS declared, is_nullable::text AS nullable \
         FROM information_schema.columns \
         WHERE table_schema = 'public' AND table_name <> '_sqlx_migrations'",
    )
    .fetch_all(db.reader())
    .await
    .expect("the PostgreSQL columns")
    .iter()
    .map(|row| {
        let declared: String = row.get("declared");
        (
            row.get("table_name"),
            row.get("column_name"),
            family(&declared),
            row.get::<String, _>("nullable") == "YES",
        )
    })
    .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_sqlite_and_postgres_migrations_declare_the_same_tables_and_columns() {
    if !postgres_ready().await {
        return;
    }
    let folder = tempfile::tempdir().expect("a temporary folder");
    let sqlite = Db::connect(&format!("sqlite://{}/schema.db", folder.path().display()))
        .await
        .expect("SQLite with its migrations");
    let database = PgDatabase::create("test").await;
    let postgres = Db::connect(&database.url)
        .await
        .expect("PostgreSQL with its migrations");
    let sqlite = sqlite_columns(&sqlite).await;
    let postgres = postgres_columns(&postgres).await;
    assert!(
        sqlite
            .iter()
            .any(|(table, column, ..)| table == "tickets" && column == "status"),
        "the query reads the schema: {sqlite:?}"
    );
    assert!(
        !sqlite.iter().any(|(.., family, _)| *family == "other"),
        "{sqlite:?}"
    );
    let only_sqlite: Vec<_> = sqlite.difference(&postgres).collect();
    let only_postgres: Vec<_> = postgres.difference(&sqlite).collect();
    assert!(
        only_sqlite.is_empty() && only_postgres.is_empty(),
        "only on SQLite: {only_sqlite:?}\nonly on PostgreSQL: {only_postgres:?}"
    );
}

/// A ticket row of the account's first person, with `status`.
async fn insert_ticket(db: &Db, status: &str) -> Result<i64, sqlx::Error> {
    let (account, person): (i64, i64) =
        sqlx::query_as("SELECT account_id, id FROM people ORDER BY id LIMIT 1")
            .fetch_one(db.reader())
            .await
            .expect("a person");
    sqlx::query_scalar(
        "INSERT INTO tickets (account_id, submitter_id, kind, severity, service, subject, \
         description, details, language, status, created_at) \
         VALUES ($1, $2, 'question', NULL, NULL, 's', 'd', '{}', 'en', $3, 0) RETURNING id",
    )
    .bind(account)
    .bind(person)
    .bind(status)
    .fetch_one(db.writer())
    .await
}

async fn the_database_refuses_a_ticket_status_that_does_not_exist(backend: Backend) {
    let app = spawn_app(backend).await;
    app.create_account("boss@example.com", 3, false, "PT").await;
    for &status in TicketStatus::ALL {
        insert_ticket(&app.db, status.key())
            .await
            .unwrap_or_else(|error| panic!("{status} is a status: {error}"));
    }
    for unknown in ["archived", "OPEN", "", "open "] {
        let refused = insert_ticket(&app.db, unknown).await;
        assert!(refused.is_err(), "{unknown:?} was stored");
    }
    let id = insert_ticket(&app.db, "open")
        .await
        .expect("an open ticket");
    let changed = sqlx::query("UPDATE tickets SET status = 'archived' WHERE id = $1")
        .bind(id)
        .execute(app.db.writer())
        .await;
    assert!(changed.is_err(), "a ticket was moved to an unknown status");
    let statuses: Vec<String> = sqlx::query_scalar("SELECT key FROM ticket_statuses ORDER BY key")
        .fetch_all(app.db.reader())
        .await
        .expect("the statuses");
    let mut expected: Vec<String> = TicketStatus::ALL
        .iter()
        .map(|s| s.key().to_owned())
        .collect();
    expected.sort();
    assert_eq!(statuses, expected, "the database's statuses are the API's");
}

on_both!(the_database_refuses_a_ticket_status_that_does_not_exist);

/// The SQLite migration rebuilds `tickets`: a database that already holds tickets, and an
/// idempotency key that refers to one, keeps them all.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_sqlite_status_migration_keeps_existing_tickets_and_their_idempotency_keys() {
    let folder = tempfile::tempdir().expect("a temporary folder");
    let url = format!("sqlite://{}/old.db?mode=rwc", folder.path().display());
    sqlx::any::install_default_drivers();
    let old = sqlx::AnyPool::connect(&url).await.expect("an SQLite file");
    sqlx::raw_sql("PRAGMA foreign_keys = ON")
        .execute(&old)
        .await
        .expect("foreign keys on");
    let migrator = sqlx::migrate::Migrator::new(std::path::Path::new(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/migrations/sqlite"
    )))
    .await
    .expect("the SQLite migrations");
    migrator
        .run_to(2, &old)
        .await
        .expect("the schema before statuses");
    sqlx::raw_sql(
        "INSERT INTO accounts (id, name, level, tsm, country, created_at) VALUES (1, 'A', 3, 0, 'PT', 0); \
         INSERT INTO people (id, account_id, email, email_key, name, is_contact, can_manage_contacts, created_at) \
             VALUES (1, 1, 'a@example.com', 'a@example.com', 'A', 1, 1, 0); \
         INSERT INTO tickets (id, account_id, submitter_id, kind, severity, service, subject, description, details, language, status, created_at) \
             VALUES (7, 1, 1, 'question', NULL, NULL, 'old', 'd', '{}', 'en', 'pending_approval', 5), \
                    (9, 1, 1, 'incident', 'high', NULL, 'older', 'd', '{\"impact\":\"x\"}', 'en', 'open', 6); \
         INSERT INTO idempotency_keys (person_id, idempotency_key, request_hash, ticket_id, response_status, response_body, response_location, created_at) \
             VALUES (1, 'k', 'h', 9, 201, '{}', '/api/tickets/9', 6);",
    )
    .execute(&old)
    .await
    .expect("rows of the old schema");
    old.close().await;

    let db = Db::connect(&url).await.expect("the migrations applied");
    let kept: Vec<(i64, String, String)> =
        sqlx::query_as("SELECT id, subject, status FROM tickets ORDER BY id")
            .fetch_all(db.reader())
            .await
            .expect("the tickets");
    assert_eq!(
        kept,
        vec![
            (7, "old".to_owned(), "pending_approval".to_owned()),
            (9, "older".to_owned(), "open".to_owned()),
        ]
    );
    let key: i64 = sqlx::query_scalar("SELECT ticket_id FROM idempotency_keys")
        .fetch_one(db.reader())
        .await
        .expect("the idempotency key");
    assert_eq!(key, 9);
    let problems: Vec<sqlx::any::AnyRow> = sqlx::query("PRAGMA foreign_key_check")
        .fetch_all(db.reader())
        .await
        .expect("a foreign key check");
    assert!(problems.is_empty(), "rows refer to nothing");
    let next = insert_ticket(&db, "open").await.expect("a new ticket");
    assert_eq!(next, 10, "ids go on after the old ones");
    assert!(insert_ticket(&db, "archived").await.is_err());
}

/// A timeline entry as stored: ticket, instant, author, type and text.
type EntryRow = (i64, i64, Option<i64>, String, Option<String>);

/// Engineers (0004) rebuild `people` on SQLite and the timeline (0005) starts with what
/// happened to the tickets already filed: a database of the schema before keeps its people,
/// their sessions and idempotency keys, and each ticket gets its submitted, approved or
/// rejected entry.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_sqlite_engineer_and_timeline_migrations_keep_people_sessions_and_tickets() {
    let folder = tempfile::tempdir().expect("a temporary folder");
    let url = format!("sqlite://{}/old.db?mode=rwc", folder.path().display());
    sqlx::any::install_default_drivers();
    let old = sqlx::AnyPool::connect(&url).await.expect("an SQLite file");
    sqlx::raw_sql("PRAGMA foreign_keys = ON")
        .execute(&old)
        .await
        .expect("foreign keys on");
    let migrator = sqlx::migrate::Migrator::new(std::path::Path::new(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/migrations/sqlite"
    )))
    .await
    .expect("the SQLite migrations");
    migrator
        .run_to(3, &old)
        .await
        .expect("the schema before engineers");
    sqlx::raw_sql(
        "INSERT INTO accounts (id, name, level, tsm, country, created_at) VALUES (1, 'A', 3, 0, 'PT', 0); \
         INSERT INTO people (id, account_id, email, email_key, name, is_contact, can_manage_contacts, created_at) \
             VALUES (1, 1, 'a@example.com', 'a@example.com', 'A', 1, 1, 0), \
                    (2, 1, 'b@example.com', 'b@example.com', 'B', 0, 0, 0); \
         INSERT INTO sessions (token_hash, person_id, created_at, expires_at) VALUES ('t', 2, 0, 99); \
         INSERT INTO tickets (id, account_id, submitter_id, kind, severity, service, subject, description, details, language, status, created_at, opened_at, first_response_due, decided_by, decided_at, rejection_reason) \
             VALUES (7, 1, 1, 'question', NULL, NULL, 'open', 'd', '{}', 'en', 'open', 5, 5, 50, NULL, NULL, NULL), \
                    (8, 1, 2, 'question', NULL, NULL, 'approved', 'd', '{}', 'en', 'open', 6, 9, 90, 1, 9, NULL), \
                    (9, 1, 2, 'question', NULL, NULL, 'rejected', 'd', '{}', 'en', 'rejected', 7, NULL, NULL, 1, 10, 'a duplicate'); \
         INSERT INTO idempotency_keys (person_id, idempotency_key, request_hash, ticket_id, response_status, response_body, response_location, created_at) \
             VALUES (2, 'k', 'h', 8, 201, '{}', '/api/tickets/8', 6);",
    )
    .execute(&old)
    .await
    .expect("rows of the old schema");
    old.close().await;

    let db = Db::connect(&url).await.expect("the migrations applied");
    let people: Vec<(i64, Option<i64>, String)> =
        sqlx::query_as("SELECT id, account_id, role FROM people ORDER BY id")
            .fetch_all(db.reader())
            .await
            .expect("the people");
    assert_eq!(
        people,
        vec![
            (1, Some(1), "customer".to_owned()),
            (2, Some(1), "customer".to_owned())
        ]
    );
    let sessions: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM sessions")
        .fetch_one(db.reader())
        .await
        .expect("the sessions");
    assert_eq!(sessions, 1, "rebuilding people deleted no session");
    let keys: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM idempotency_keys")
        .fetch_one(db.reader())
        .await
        .expect("the keys");
    assert_eq!(keys, 1);
    let entries: Vec<EntryRow> = sqlx::query_as(
        "SELECT ticket_id, at, author_id, kind, body FROM ticket_entries ORDER BY ticket_id, id",
    )
    .fetch_all(db.reader())
    .await
    .expect("the entries");
    assert_eq!(
        entries,
        vec![
            (7, 5, Some(1), "submitted".to_owned(), None),
            (8, 6, Some(2), "submitted".to_owned(), None),
            (8, 9, Some(1), "approved".to_owned(), None),
            (9, 7, Some(2), "submitted".to_owned(), None),
            (
                9,
                10,
                Some(1),
                "rejected".to_owned(),
                Some("a duplicate".to_owned())
            ),
        ]
    );
    let problems: Vec<sqlx::any::AnyRow> = sqlx::query("PRAGMA foreign_key_check")
        .fetch_all(db.reader())
        .await
        .expect("a foreign key check");
    assert!(problems.is_empty(), "rows refer to nothing");
    let on: i64 = sqlx::query_scalar("PRAGMA foreign_keys")
        .fetch_one(db.writer())
        .await
        .expect("the pragma");
    assert_eq!(on, 1, "foreign keys are on again on the writer");
    let engineer_with_account = sqlx::query(
        "INSERT INTO people (account_id, role, email, email_key, name, is_contact, \
         can_manage_contacts, created_at) VALUES (1, 'engineer', 'e@x', 'e@x', 'E', 0, 0, 0)",
    )
    .execute(db.writer())
    .await;
    assert!(engineer_with_account.is_err(), "an engineer has no account");
    let customer_without = sqlx::query(
        "INSERT INTO people (account_id, role, email, email_key, name, is_contact, \
         can_manage_contacts, created_at) VALUES (NULL, 'customer', 'c@x', 'c@x', 'C', 0, 0, 0)",
    )
    .execute(db.writer())
    .await;
    assert!(customer_without.is_err(), "a customer has an account");
}
