//! Load benchmark: durable ticket creations per second, with p50/p99 latency, on SQLite and
//! PostgreSQL, next to the raw insert rate of the same database in the same run.
//!
//! ```sh
//! cargo run --release -p support-server --example load -- [--requests 2000] [--concurrency 16] [--pg postgres://postgres@127.0.0.1:5432]
//! ```
//!
//! For each database it starts the real app on 127.0.0.1 (a free port) with a fresh database
//! (a temporary SQLite file; a `bench_<random>` PostgreSQL database, dropped afterwards),
//! signs one contact in and sends `--requests` `POST /api/tickets` from `--concurrency`
//! workers, each with its own Idempotency-Key. Then it inserts as many rows, one transaction
//! each, into a table of the same database, from as many workers and from one: the rate of
//! durable commits the database allows (the physical limit). Traffic stays on loopback and
//! every loop is bounded.

use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use serde_json::json;
use sqlx::Connection;
use support_server::admin::{self, NewAccountArgs};
use support_server::config::{Limits, Settings};
use support_server::db::Db;
use support_server::domain::Password;
use support_server::startup::Application;

const PASSWORD: &str = "benchmark password";

struct Options {
    requests: usize,
    concurrency: usize,
    pg: Option<String>,
}

fn options() -> Result<Options, String> {
    let mut options = Options {
        requests: 2000,
        concurrency: 16,
        pg: Some("postgres://postgres@127.0.0.1:5432".to_owned()),
    };
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        let mut value = || args.next().ok_or(format!("{arg} needs a value"));
        match arg.as_str() {
            "--requests" => {
                options.requests = value()?.parse().map_err(|e| format!("--requests: {e}"))?;
            }
            "--concurrency" => {
                options.concurrency = value()?
                    .parse()
                    .map_err(|e| format!("--concurrency: {e}"))?;
            }
            "--pg" => options.pg = Some(value()?),
            "--no-pg" => options.pg = None,
            other => return Err(format!("unknown argument {other}")),
        }
    }
    if options.requests == 0 || options.concurrency == 0 || options.requests > 1_000_000 {
        return Err("--requests (1..=1000000) and --concurrency must be positive".into());
    }
    Ok(options)
}

struct Measured {
    per_second: f64,
    p50: Duration,
    p99: Duration,
}

fn summarise(mut latencies: Vec<Duration>, elapsed: Duration) -> Measured {
    latencies.sort();
    let at = |q: f64| {
        let index = ((latencies.len() as f64 - 1.0) * q).round() as usize;
        latencies.get(index).copied().unwrap_or_default()
    };
    Measured {
        per_second: latencies.len() as f64 / elapsed.as_secs_f64(),
        p50: at(0.50),
        p99: at(0.99),
    }
}

/// Runs `count` jobs on `concurrency` workers; each job's latency.
async fn run<F, Fut>(count: usize, concurrency: usize, job: F) -> Result<Measured, String>
where
    F: Fn(usize) -> Fut + Send + Sync + 'static,
    Fut: std::future::Future<Output = Result<(), String>> + Send,
{
    let job = Arc::new(job);
    let next = Arc::new(AtomicUsize::new(0));
    let started = Instant::now();
    let workers: Vec<_> = (0..concurrency)
        .map(|_| {
            let job = Arc::clone(&job);
            let next = Arc::clone(&next);
            tokio::spawn(async move {
                let mut latencies = Vec::new();
                loop {
                    let n = next.fetch_add(1, Ordering::Relaxed);
                    if n >= count {
                        break;
                    }
                    let start = Instant::now();
                    job(n).await?;
                    latencies.push(start.elapsed());
                }
                Ok::<_, String>(latencies)
            })
        })
        .collect();
    let mut latencies = Vec::with_capacity(count);
    for worker in workers {
        latencies.extend(worker.await.map_err(|e| e.to_string())??);
    }
    Ok(summarise(latencies, started.elapsed()))
}

async fn tickets(url: &str, options: &Options) -> Result<Measured, String> {
    let data = tempfile::tempdir().map_err(|e| e.to_string())?;
    let settings = Settings {
        port: 0,
        dist: PathBuf::from(data.path()),
        database_url: url.to_owned(),
        limits: Limits {
            tickets_per_person: u32::MAX,
            ..Limits::default()
        },
        ..Settings::default()
    };
    let app = Application::build(&settings)
        .await
        .map_err(|e| e.to_string())?;
    let address = app.local_addr().map_err(|e| e.to_string())?;
    tokio::spawn(app.run_until(std::future::pending()));
    let db = Db::connect(url).await.map_err(|e| e.to_string())?;
    let args = NewAccountArgs {
        name: "Benchmark".into(),
        level: 3,
        tsm: false,
        country: "PT".into(),
        email: "bench@example.com".into(),
        contact_name: None,
    };
    let password = Password::parse(PASSWORD)?;
    admin::create_account(&db, &args, &password)
        .await
        .map_err(|e| e.to_string())?;
    let client = reqwest::Client::builder()
        .cookie_store(true)
        .build()
        .map_err(|e| e.to_string())?;
    let signed_in = client
        .post(format!("http://{address}/api/session"))
        .json(&json!({"email": "bench@example.com", "password": PASSWORD}))
        .send()
        .await
        .map_err(|e| e.to_string())?;
    if signed_in.status() != 204 {
        return Err(format!("sign-in answered {}", signed_in.status()));
    }
    let url = format!("http://{address}/api/tickets");
    run(options.requests, options.concurrency, move |n| {
        let client = client.clone();
        let url = url.clone();
        async move {
            let response = client
                .post(&url)
                .header("Idempotency-Key", format!("bench-{n}"))
                .json(&json!({
                    "type": "incident", "severity": "high", "subject": format!("Load {n}"),
                    "description": "Generated by the load benchmark.", "environment": "bench"
                }))
                .send()
                .await
                .map_err(|e| e.to_string())?;
            if response.status() == 201 {
                Ok(())
            } else {
                Err(format!("ticket {n}: {}", response.status()))
            }
        }
    })
    .await
}

/// One-row inserts, one durable commit each, from `concurrency` workers.
async fn raw_inserts(url: &str, options: &Options, concurrency: usize) -> Result<Measured, String> {
    let db = Db::connect(url).await.map_err(|e| e.to_string())?;
    sqlx::query("CREATE TABLE IF NOT EXISTS bench_raw (n BIGINT NOT NULL, payload TEXT NOT NULL)")
        .execute(db.writer())
        .await
        .map_err(|e| e.to_string())?;
    // Through the pool the app writes with (on SQLite a single connection).
    let pool = db.writer().clone();
    run(options.requests, concurrency, move |n| {
        let pool = pool.clone();
        async move {
            sqlx::query("INSERT INTO bench_raw (n, payload) VALUES ($1, $2)")
                .bind(i64::try_from(n).unwrap_or_default())
                .bind("Generated by the load benchmark.")
                .execute(&pool)
                .await
                .map(|_| ())
                .map_err(|e| e.to_string())
        }
    })
    .await
}

fn line(what: &str, m: &Measured) {
    println!(
        "  {what:<34} {:>8.0}/s   p50 {:>7.2} ms   p99 {:>7.2} ms",
        m.per_second,
        m.p50.as_secs_f64() * 1e3,
        m.p99.as_secs_f64() * 1e3,
    );
}

fn report(name: &str, tickets: &Measured, raw: &Measured, single: &Measured) {
    println!("{name}");
    line("tickets (POST /api/tickets, 201)", tickets);
    line("raw inserts, same concurrency", raw);
    line("raw inserts, one writer", single);
    println!(
        "  tickets / raw inserts: {:.2} (same concurrency), {:.2} (one writer)",
        tickets.per_second / raw.per_second,
        tickets.per_second / single.per_second
    );
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

async fn main_async() -> Result<(), String> {
    let options = options()?;
    println!(
        "{} requests, {} concurrent, per database (release build recommended)",
        options.requests, options.concurrency
    );
    let folder = tempfile::tempdir().map_err(|e| e.to_string())?;
    let app_url = format!("sqlite://{}/tickets.db", folder.path().display());
    let raw_url = format!("sqlite://{}/raw.db", folder.path().display());
    let t = tickets(&app_url, &options).await?;
    let r = raw_inserts(&raw_url, &options, options.concurrency).await?;
    let one = raw_inserts(&raw_url, &options, 1).await?;
    report("SQLite", &t, &r, &one);
    if let Some(base) = options.pg.as_deref().map(|b| b.trim_end_matches('/')) {
        let suffix = std::process::id();
        let (app_db, raw_db) = (format!("bench_{suffix}_t"), format!("bench_{suffix}_r"));
        pg_database(base, &app_db, true).await?;
        pg_database(base, &raw_db, true).await?;
        let measured = async {
            let t = tickets(&format!("{base}/{app_db}"), &options).await?;
            let raw_url = format!("{base}/{raw_db}");
            let r = raw_inserts(&raw_url, &options, options.concurrency).await?;
            let one = raw_inserts(&raw_url, &options, 1).await?;
            Ok::<_, String>((t, r, one))
        }
        .await;
        pg_database(base, &app_db, false).await?;
        pg_database(base, &raw_db, false).await?;
        let (t, r, one) = measured?;
        report("PostgreSQL", &t, &r, &one);
    }
    Ok(())
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
