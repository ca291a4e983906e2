//! Load benchmark: durable ticket creations per second, with p50/p99 latency, on SQLite and
//! PostgreSQL, next to the raw insert rate of the same database in the same run, and the
//! delivery latency of live updates.
//!
//! ```sh
//! cargo run --release -p support-server --example load -- [--requests 2000] [--concurrency 16] [--pg postgres://postgres@127.0.0.1:5432] [--servers 2]
//! ```
//!
//! With `--servers 2` the PostgreSQL run goes through two `support-server serve` processes
//! (the release binary beside this example: `cargo build --release -p support-server`), the
//! requests alternating between them. In every run one event stream per server process
//! (`GET /api/events`, the benchmark contact's) receives each new ticket's `submitted` entry:
//! the SSE latency is from the ticket's `created_at` (taken in its transaction, just before
//! the commit) to the event's arrival, so it includes the commit itself.
//!
//! For each database it starts the real app on 127.0.0.1 (a free port) with a fresh database
//! (a temporary SQLite file; a `bench_<random>` PostgreSQL database, dropped afterwards),
//! signs one contact in and sends `--requests` `POST /api/tickets` from `--concurrency`
//! workers, each with its own Idempotency-Key. Then it inserts as many rows, one transaction
//! each, into a table of the same database, from as many workers and from one: the rate of
//! durable commits the database allows (the physical limit). Traffic stays on loopback and
//! every loop is bounded.

use std::collections::HashMap;
use std::io::{BufRead, BufReader};
use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
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
    /// Server processes for the PostgreSQL run (SQLite is one process).
    servers: usize,
}

fn options() -> Result<Options, String> {
    let mut options = Options {
        requests: 2000,
        concurrency: 16,
        pg: Some("postgres://postgres@127.0.0.1:5432".to_owned()),
        servers: 1,
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
            "--servers" => {
                options.servers = value()?.parse().map_err(|e| format!("--servers: {e}"))?;
            }
            other => return Err(format!("unknown argument {other}")),
        }
    }
    if options.requests == 0 || options.concurrency == 0 || options.requests > 1_000_000 {
        return Err("--requests (1..=1000000) and --concurrency must be positive".into());
    }
    if !(1..=8).contains(&options.servers) {
        return Err("--servers must be 1 to 8".into());
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

/// A `support-server serve` process of the release build; killed when dropped.
struct ServerProcess {
    child: Child,
    address: SocketAddr,
}

impl ServerProcess {
    fn start(url: &str, dist: &std::path::Path) -> Result<Self, String> {
        let binary = std::env::current_exe()
            .map_err(|e| e.to_string())?
            .parent()
            .and_then(|examples| examples.parent())
            .map(|folder| folder.join("support-server"))
            .ok_or("no folder for the server binary")?;
        let mut child = Command::new(&binary)
            .args(["serve", "--port", "0", "--dist"])
            .arg(dist)
            .env("DATABASE_URL", url)
            .env("SUPPORT_TICKETS_PER_PERSON", u32::MAX.to_string())
            .env("RUST_LOG", "warn,support_server=info")
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .map_err(|e| {
                format!(
                    "{}: {e} (build it: cargo build --release -p support-server)",
                    binary.display()
                )
            })?;
        let stdout = child.stdout.take().ok_or("no stdout")?;
        let mut lines = BufReader::new(stdout).lines();
        let address = loop {
            let line = lines
                .next()
                .ok_or("the server stopped before listening")?
                .map_err(|e| e.to_string())?;
            if let Some(address) = line
                .split("listening on http://")
                .nth(1)
                .and_then(|rest| rest.split_whitespace().next())
                .and_then(|address| address.parse().ok())
            {
                break address;
            }
        };
        // Keep reading its log so that it never blocks on a full pipe.
        std::thread::spawn(move || for _ in lines {});
        Ok(Self { child, address })
    }
}

impl Drop for ServerProcess {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// What a ticket run measured: the answers, and each stream's delivery latencies.
struct TicketRun {
    answers: Measured,
    /// Per server process: p50 and p99 from commit to event, and events missing.
    streams: Vec<(Duration, Duration, usize)>,
}

/// Reads one event stream, noting when each ticket's `submitted` entry arrived.
async fn listen(
    client: reqwest::Client,
    url: String,
    arrivals: Arc<Mutex<HashMap<i64, jiff::Timestamp>>>,
) -> Result<(), String> {
    let mut response = client.get(&url).send().await.map_err(|e| e.to_string())?;
    if response.status() != 200 {
        return Err(format!("{url} answered {}", response.status()));
    }
    let mut buffer = Vec::new();
    while let Some(chunk) = response.chunk().await.map_err(|e| e.to_string())? {
        let now = jiff::Timestamp::now();
        buffer.extend_from_slice(&chunk);
        while let Some(end) = buffer.windows(2).position(|w| w == b"\n\n") {
            let frame: Vec<u8> = buffer.drain(..end + 2).collect();
            let text = String::from_utf8_lossy(&frame);
            let Some(data) = text.lines().find_map(|line| line.strip_prefix("data:")) else {
                continue;
            };
            let event: serde_json::Value =
                serde_json::from_str(data.trim()).map_err(|e| e.to_string())?;
            if event["type"] == "submitted"
                && let Some(ticket) = event["ticket"].as_i64()
            {
                arrivals
                    .lock()
                    .map_err(|e| e.to_string())?
                    .insert(ticket, now);
            }
        }
    }
    Ok(())
}

async fn tickets(url: &str, options: &Options, servers: usize) -> Result<TicketRun, String> {
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
    let mut processes = Vec::new();
    let addresses: Vec<SocketAddr> = if servers == 1 {
        let app = Application::build(&settings)
            .await
            .map_err(|e| e.to_string())?;
        let address = app.local_addr().map_err(|e| e.to_string())?;
        tokio::spawn(app.run_until(std::future::pending()));
        vec![address]
    } else {
        // The first one applies the migrations before the others start.
        for _ in 0..servers {
            processes.push(ServerProcess::start(url, data.path())?);
        }
        processes.iter().map(|p| p.address).collect()
    };
    let db = Db::connect(url).await.map_err(|e| e.to_string())?;
    let args = NewAccountArgs {
        name: "Benchmark".into(),
        level: 3,
        tsm: false,
        country: "PT".into(),
        email: "bench@example.com".into(),
        contact_name: None,
        language: support_api::Language::En,
    };
    let password = Password::parse(PASSWORD)?;
    admin::create_account(&db, &args, &password)
        .await
        .map_err(|e| e.to_string())?;
    // Cookies are kept per host: one session serves every process.
    let client = reqwest::Client::builder()
        .cookie_store(true)
        .build()
        .map_err(|e| e.to_string())?;
    let signed_in = client
        .post(format!("http://{}/api/session", addresses[0]))
        .json(&json!({"email": "bench@example.com", "password": PASSWORD}))
        .send()
        .await
        .map_err(|e| e.to_string())?;
    if signed_in.status() != 204 {
        return Err(format!("sign-in answered {}", signed_in.status()));
    }
    let arrivals: Vec<_> = addresses
        .iter()
        .map(|_| Arc::new(Mutex::new(HashMap::new())))
        .collect();
    for (address, arrivals) in addresses.iter().zip(&arrivals) {
        tokio::spawn(listen(
            client.clone(),
            format!("http://{address}/api/events"),
            Arc::clone(arrivals),
        ));
    }
    // The streams are open once their answers' heads came; give them a moment to be read.
    tokio::time::sleep(Duration::from_millis(200)).await;
    let created: Arc<Mutex<HashMap<i64, jiff::Timestamp>>> = Arc::default();
    let urls: Vec<String> = addresses
        .iter()
        .map(|address| format!("http://{address}/api/tickets"))
        .collect();
    let recorded = Arc::clone(&created);
    let answers = run(options.requests, options.concurrency, move |n| {
        let client = client.clone();
        let url = urls[n % urls.len()].clone();
        let created = Arc::clone(&recorded);
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
            if response.status() != 201 {
                return Err(format!("ticket {n}: {}", response.status()));
            }
            let ticket: serde_json::Value = response.json().await.map_err(|e| e.to_string())?;
            let id = ticket["id"].as_i64().ok_or("a ticket without id")?;
            let at: jiff::Timestamp = ticket["created_at"]
                .as_str()
                .ok_or("a ticket without created_at")?
                .parse()
                .map_err(|e: jiff::Error| e.to_string())?;
            created.lock().map_err(|e| e.to_string())?.insert(id, at);
            Ok(())
        }
    })
    .await?;
    // Every event is due within a moment of its commit; wait a bounded while for the last.
    let created = created.lock().map_err(|e| e.to_string())?.clone();
    for _ in 0..100 {
        let all_in = arrivals.iter().all(|arrivals| {
            arrivals
                .lock()
                .map(|a| created.keys().all(|id| a.contains_key(id)))
                .unwrap_or(false)
        });
        if all_in {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let mut streams = Vec::new();
    for arrivals in &arrivals {
        let arrivals = arrivals.lock().map_err(|e| e.to_string())?;
        let mut latencies: Vec<Duration> = created
            .iter()
            .filter_map(|(id, at)| {
                let arrived = arrivals.get(id)?;
                let micros = arrived.as_microsecond() - at.as_microsecond();
                Some(Duration::from_micros(u64::try_from(micros).unwrap_or(0)))
            })
            .collect();
        let missing = created.len() - latencies.len();
        latencies.sort();
        let at = |q: f64| {
            let index = ((latencies.len() as f64 - 1.0) * q).round() as usize;
            latencies.get(index).copied().unwrap_or_default()
        };
        streams.push((at(0.50), at(0.99), missing));
    }
    drop(processes);
    Ok(TicketRun { answers, streams })
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

fn report(name: &str, run: &TicketRun, raw: &Measured, single: &Measured) {
    let tickets = &run.answers;
    println!("{name}");
    line("tickets (POST /api/tickets, 201)", tickets);
    for (n, (p50, p99, missing)) in run.streams.iter().enumerate() {
        println!(
            "  SSE on server {}: commit -> event      p50 {:>7.2} ms   p99 {:>7.2} ms   ({missing} missing)",
            n + 1,
            p50.as_secs_f64() * 1e3,
            p99.as_secs_f64() * 1e3,
        );
    }
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
    let t = tickets(&app_url, &options, 1).await?;
    let r = raw_inserts(&raw_url, &options, options.concurrency).await?;
    let one = raw_inserts(&raw_url, &options, 1).await?;
    report("SQLite", &t, &r, &one);
    if let Some(base) = options.pg.as_deref().map(|b| b.trim_end_matches('/')) {
        let suffix = std::process::id();
        let (app_db, raw_db) = (format!("bench_{suffix}_t"), format!("bench_{suffix}_r"));
        pg_database(base, &app_db, true).await?;
        pg_database(base, &raw_db, true).await?;
        let measured = async {
            let t = tickets(&format!("{base}/{app_db}"), &options, options.servers).await?;
            let raw_url = format!("{base}/{raw_db}");
            let r = raw_inserts(&raw_url, &options, options.concurrency).await?;
            let one = raw_inserts(&raw_url, &options, 1).await?;
            Ok::<_, String>((t, r, one))
        }
        .await;
        pg_database(base, &app_db, false).await?;
        pg_database(base, &raw_db, false).await?;
        let (t, r, one) = measured?;
        let name = format!("PostgreSQL, {} server process(es)", options.servers);
        report(&name, &t, &r, &one);
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
