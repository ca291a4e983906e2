//! The support console's queue at scale: 1,000,000 tickets (200,000 of them in the queue) in
//! PostgreSQL, 8 engineers asking for the queue's first page and for a page deep in it, with
//! p50/p99 of the HTTP answers beside the query's plan and time from `EXPLAIN ANALYZE`.
//!
//! ```sh
//! cargo run --release -p support-server --example queue_bench -- [--pg postgres://postgres@127.0.0.1:5432] [--requests 2000] [--depth 1000]
//! ```
//!
//! It makes a `bench_queue_<pid>` database (dropped afterwards), seeds it with one
//! `INSERT … SELECT FROM generate_series` (100 accounts; every fifth ticket open, in progress
//! or waiting for the customer, the others closed), refuses to report with fewer than
//! 1,000,000 tickets, starts the real app on 127.0.0.1, signs 8 engineers in, follows
//! `--depth` pages of 100 tickets to a deep cursor, then times `--requests` GETs of the first
//! page and as many of the deep page (50 tickets each, the default), 8 at a time.

use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use serde_json::{Value, json};
use sqlx::{Connection, Row};
use support_server::config::Settings;
use support_server::db::Db;
use support_server::domain::Password;
use support_server::startup::Application;
use support_server::store::console::QUEUE_PAGE;

const PASSWORD: &str = "benchmark password";
const TICKETS: i64 = 1_000_000;
const ENGINEERS: usize = 8;

struct Options {
    pg: String,
    requests: usize,
    depth: usize,
}

fn options() -> Result<Options, String> {
    let mut options = Options {
        pg: "postgres://postgres@127.0.0.1:5432".to_owned(),
        requests: 2000,
        depth: 1000,
    };
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        let mut value = || args.next().ok_or(format!("{arg} needs a value"));
        match arg.as_str() {
            "--pg" => options.pg = value()?,
            "--requests" => {
                options.requests = value()?.parse().map_err(|e| format!("--requests: {e}"))?;
            }
            "--depth" => options.depth = value()?.parse().map_err(|e| format!("--depth: {e}"))?,
            other => return Err(format!("unknown argument {other}")),
        }
    }
    if options.requests == 0 || options.depth == 0 || options.depth > 1_999 {
        return Err("--requests must be positive and --depth from 1 to 1999 pages".into());
    }
    Ok(options)
}

async fn pg_database(base: &str, name: &str, create: bool) -> Result<(), String> {
    let mut connection = sqlx::PgConnection::connect(&format!("{base}/postgres"))
        .await
        .map_err(|e| format!("PostgreSQL at {base}: {e}"))?;
    let sql = if create {
        format!("CREATE DATABASE \"{name}\"")
    } else {
        format!("DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)")
    };
    sqlx::raw_sql(sqlx::AssertSqlSafe(sql))
        .execute(&mut connection)
        .await
        .map_err(|e| e.to_string())?;
    Ok(())
}

/// 100 accounts with a contact each, then the tickets in one statement: every fifth one in
/// the queue (open, in progress or waiting, in turn), the others closed; one opened a minute,
/// each due four hours after it opened.
const SEED: [&str; 3] = [
    "INSERT INTO accounts (name, level, tsm, country, created_at) \
     SELECT 'Account ' || g, 1 + g % 3, g % 2, 'PT', 0 FROM generate_series(1, 100) g",
    "INSERT INTO people (account_id, email, email_key, name, is_contact, can_manage_contacts, \
     created_at) SELECT g, 'c' || g || '@example.com', 'c' || g || '@example.com', \
     'Contact ' || g, 1, 1, 0 FROM generate_series(1, 100) g",
    "INSERT INTO tickets (account_id, submitter_id, kind, severity, subject, description, \
     details, language, status, created_at, opened_at, first_response_due, solved_at, \
     queue_paused, queue_due) \
     SELECT 1 + g % 100, 1 + g % 100, 'incident', \
       (ARRAY['urgent', 'high', 'normal', 'low'])[1 + g % 4], 'Ticket ' || g, 'Seeded.', '{}', \
       'en', s.status, o.at, o.at, o.at + 14400000000, \
       CASE WHEN s.status = 'closed' THEN o.at + 3600000000 END, \
       CASE s.status WHEN 'closed' THEN NULL WHEN 'waiting_for_customer' THEN 1 ELSE 0 END, \
       CASE s.status WHEN 'closed' THEN NULL WHEN 'waiting_for_customer' THEN 0 \
         ELSE o.at + 14400000000 END \
     FROM generate_series(1, 1000000) g \
     CROSS JOIN LATERAL (SELECT 1764547200000000 + g::BIGINT * 60000000 AS at) o \
     CROSS JOIN LATERAL (SELECT CASE WHEN g % 5 <> 0 THEN 'closed' \
       ELSE (ARRAY['open', 'in_progress', 'waiting_for_customer'])[1 + (g / 5) % 3] END \
       AS status) s",
];

struct Measured {
    p50: Duration,
    p99: Duration,
    per_second: f64,
}

async fn timed(
    clients: &[reqwest::Client],
    url: String,
    requests: usize,
) -> Result<Measured, String> {
    let next = Arc::new(AtomicUsize::new(0));
    let started = Instant::now();
    let workers: Vec<_> = clients
        .iter()
        .cloned()
        .map(|client| {
            let next = Arc::clone(&next);
            let url = url.clone();
            tokio::spawn(async move {
                let mut latencies = Vec::new();
                while next.fetch_add(1, Ordering::Relaxed) < requests {
                    let start = Instant::now();
                    let response = client.get(&url).send().await.map_err(|e| e.to_string())?;
                    let status = response.status();
                    let body = response.bytes().await.map_err(|e| e.to_string())?;
                    if status != 200 {
                        return Err(format!("{url}: {status}"));
                    }
                    latencies.push((start.elapsed(), body.len()));
                }
                Ok::<_, String>(latencies)
            })
        })
        .collect();
    let mut latencies = Vec::with_capacity(requests);
    for worker in workers {
        latencies.extend(
            worker
                .await
                .map_err(|e| e.to_string())??
                .into_iter()
                .map(|(d, _)| d),
        );
    }
    let elapsed = started.elapsed();
    latencies.sort();
    let at = |q: f64| {
        let index = ((latencies.len() as f64 - 1.0) * q).round() as usize;
        latencies.get(index).copied().unwrap_or_default()
    };
    Ok(Measured {
        p50: at(0.50),
        p99: at(0.99),
        per_second: latencies.len() as f64 / elapsed.as_secs_f64(),
    })
}

/// `EXPLAIN ANALYZE` of the queue's query after `cursor` (a first page: before everything).
async fn explain(db: &Db, cursor: (i64, i64, i64)) -> Result<Vec<String>, String> {
    let sql = format!("EXPLAIN (ANALYZE, BUFFERS) {QUEUE_PAGE}");
    let rows = sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(cursor.0)
        .bind(cursor.1)
        .bind(cursor.2)
        .bind(None::<i64>)
        .bind(None::<String>)
        .bind(None::<String>)
        .bind(None::<String>)
        .bind(None::<i64>)
        .bind(None::<i64>)
        .bind(0_i64)
        .bind(51_i64)
        .fetch_all(db.reader())
        .await
        .map_err(|e| e.to_string())?;
    rows.iter()
        .map(|row| row.try_get::<String, _>(0).map_err(|e| e.to_string()))
        .collect()
}

/// The sort key the cursor of `page`'s last ticket holds, read back from the database.
async fn key_of(db: &Db, id: i64) -> Result<(i64, i64, i64), String> {
    let row = sqlx::query("SELECT queue_paused, queue_due FROM tickets WHERE id = $1")
        .bind(id)
        .fetch_one(db.reader())
        .await
        .map_err(|e| e.to_string())?;
    Ok((
        row.try_get(0).map_err(|e| e.to_string())?,
        row.try_get(1).map_err(|e| e.to_string())?,
        id,
    ))
}

fn print_plan(title: &str, plan: &[String]) {
    println!("  EXPLAIN ANALYZE, {title}:");
    for line in plan {
        println!("    {line}");
    }
    let scans_index = plan
        .iter()
        .any(|l| l.contains("Index Scan using tickets_queue"));
    let sorts = plan
        .iter()
        .any(|l| l.trim_start().starts_with("Sort") || l.contains("-> Sort"));
    println!(
        "  => {} the queue index, {}",
        if scans_index {
            "scans"
        } else {
            "DOES NOT scan"
        },
        if sorts { "SORTS" } else { "no sort" }
    );
}

async fn bench(url: &str, options: &Options) -> Result<(), String> {
    let db = Db::connect(url).await.map_err(|e| e.to_string())?;
    let started = Instant::now();
    for sql in SEED {
        sqlx::query(sql)
            .execute(db.writer())
            .await
            .map_err(|e| e.to_string())?;
    }
    sqlx::query("ANALYZE")
        .execute(db.writer())
        .await
        .map_err(|e| e.to_string())?;
    let (total, queued): (i64, i64) =
        sqlx::query_as("SELECT COUNT(*), COUNT(queue_paused) FROM tickets")
            .fetch_one(db.reader())
            .await
            .map_err(|e| e.to_string())?;
    println!(
        "seeded {total} tickets ({queued} in the queue) in {:.1} s",
        started.elapsed().as_secs_f64()
    );
    if total < TICKETS {
        return Err(format!(
            "only {total} tickets: the benchmark reports on {TICKETS} or more"
        ));
    }
    let password = Password::parse(PASSWORD)?;
    for n in 0..ENGINEERS {
        support_server::admin::create_staff(
            &db,
            &format!("eng{n}@vendor.example"),
            &format!("Engineer {n}"),
            support_api::Language::En,
            &password,
        )
        .await
        .map_err(|e| e.to_string())?;
    }
    let data = tempfile::tempdir().map_err(|e| e.to_string())?;
    let settings = Settings {
        port: 0,
        dist: PathBuf::from(data.path()),
        database_url: url.to_owned(),
        ..Settings::default()
    };
    let app = Application::build(&settings)
        .await
        .map_err(|e| e.to_string())?;
    let address = app.local_addr().map_err(|e| e.to_string())?;
    tokio::spawn(app.run_until(std::future::pending()));
    let mut clients = Vec::new();
    for n in 0..ENGINEERS {
        let client = reqwest::Client::builder()
            .cookie_store(true)
            .build()
            .map_err(|e| e.to_string())?;
        let signed_in = client
            .post(format!("http://{address}/api/session"))
            .json(&json!({"email": format!("eng{n}@vendor.example"), "password": PASSWORD}))
            .send()
            .await
            .map_err(|e| e.to_string())?;
        if signed_in.status() != 204 {
            return Err(format!("sign-in answered {}", signed_in.status()));
        }
        clients.push(client);
    }
    // Follow the cursors to a deep page.
    let base = format!("http://{address}/api/console/queue");
    let mut cursor = String::new();
    let mut last_id = 0;
    for _ in 0..options.depth {
        let url = if cursor.is_empty() {
            format!("{base}?limit=100")
        } else {
            format!("{base}?limit=100&cursor={cursor}")
        };
        let page: Value = clients[0]
            .get(&url)
            .send()
            .await
            .map_err(|e| e.to_string())?
            .json()
            .await
            .map_err(|e| e.to_string())?;
        last_id = page["tickets"][99]["id"].as_i64().unwrap_or(last_id);
        cursor = page["next"]
            .as_str()
            .ok_or("the queue ended early")?
            .to_owned();
    }
    println!(
        "deep cursor: after {} tickets ({} pages of 100), ticket {last_id}",
        options.depth * 100,
        options.depth
    );
    let first = timed(&clients, base.clone(), options.requests).await?;
    let deep = timed(
        &clients,
        format!("{base}?cursor={cursor}"),
        options.requests,
    )
    .await?;
    println!(
        "GET /api/console/queue, 50 tickets a page, {ENGINEERS} engineers at once, {} requests each:",
        options.requests
    );
    for (what, m) in [("first page", &first), ("deep page", &deep)] {
        println!(
            "  {what:<11} p50 {:>6.2} ms   p99 {:>6.2} ms   {:>6.0}/s",
            m.p50.as_secs_f64() * 1e3,
            m.p99.as_secs_f64() * 1e3,
            m.per_second
        );
    }
    print_plan("first page", &explain(&db, (-1, i64::MIN, 0)).await?);
    print_plan(
        "deep page",
        &explain(&db, key_of(&db, last_id).await?).await?,
    );
    Ok(())
}

async fn main_async() -> Result<(), String> {
    let options = options()?;
    let base = options.pg.trim_end_matches('/').to_owned();
    let name = format!("bench_queue_{}", std::process::id());
    pg_database(&base, &name, true).await?;
    let result = bench(&format!("{base}/{name}"), &options).await;
    pg_database(&base, &name, false).await?;
    result
}

fn main() -> std::process::ExitCode {
    let runtime = match tokio::runtime::Runtime::new() {
        Ok(runtime) => runtime,
        Err(error) => {
            eprintln!("error: {error}");
            return std::process::ExitCode::FAILURE;
        }
    };
    match runtime.block_on(main_async()) {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("error: {error}");
            std::process::ExitCode::FAILURE
        }
    }
}
