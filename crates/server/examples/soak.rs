//! Soak: mixed traffic against the real `support-server` binary for N minutes, on SQLite or
//! PostgreSQL, reporting throughput, p50/p99 latency per kind of request, errors (which must
//! be zero) and the server's memory (RSS from /proc) at the start and the end.
//!
//! ```sh
//! cargo build --release -p support-server
//! cargo run --release -p support-server --example soak -- --minutes 1 --database sqlite
//! cargo run --release -p support-server --example soak -- --minutes 1 --database postgres
//! ```
//!
//! Options: `--minutes N` (decimals allowed, default 1), `--database sqlite|postgres|both`
//! (default both), `--concurrency N` clients (default 8), `--server PATH` (default the
//! `support-server` next to this example's folder, i.e. `target/release/support-server`),
//! `--pg URL` (default `postgres://postgres@127.0.0.1:5432`; a `soak_<random>` database is
//! created there and dropped afterwards).
//!
//! The traffic is what the SPA does: browse the policy (half of those revalidate with
//! `If-None-Match` and get 304), ask for quotes at random instants, submit tickets (each with
//! its own `Idempotency-Key`), and list the account's tickets. Each client is a contact of the
//! account. The server runs with its defaults, except budgets of new tickets per person and of
//! sign-ins per address large enough for a soak (`SUPPORT_TICKETS_PER_PERSON`,
//! `SUPPORT_SIGN_IN_PER_IP`). The process exits non-zero if any request
//! failed or if the tickets in the database are not exactly the ones acknowledged.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitCode, Stdio};
use std::time::{Duration, Instant};

use reqwest::Client;
use serde_json::json;
use sqlx::Connection;

const PASSWORD: &str = "soak password, long enough";
const OPERATIONS: [&str; 4] = ["policy", "quote", "submit", "list"];

struct Options {
    minutes: f64,
    databases: Vec<&'static str>,
    concurrency: usize,
    server: PathBuf,
    pg: String,
}

fn default_server() -> PathBuf {
    // target/<profile>/examples/soak -> target/<profile>/support-server
    std::env::current_exe()
        .ok()
        .and_then(|exe| Some(exe.parent()?.parent()?.join("support-server")))
        .unwrap_or_else(|| PathBuf::from("target/release/support-server"))
}

fn options() -> Result<Options, String> {
    let mut options = Options {
        minutes: 1.0,
        databases: vec!["sqlite", "postgres"],
        concurrency: 8,
        server: default_server(),
        pg: "postgres://postgres@127.0.0.1:5432".to_owned(),
    };
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        let mut value = || args.next().ok_or(format!("{arg} needs a value"));
        match arg.as_str() {
            "--minutes" => {
                options.minutes = value()?.parse().map_err(|e| format!("--minutes: {e}"))?;
            }
            "--database" => {
                options.databases = match value()?.as_str() {
                    "sqlite" => vec!["sqlite"],
                    "postgres" => vec!["postgres"],
                    "both" => vec!["sqlite", "postgres"],
                    other => return Err(format!("--database {other}: sqlite, postgres or both")),
                };
            }
            "--concurrency" => {
                options.concurrency = value()?
                    .parse()
                    .map_err(|e| format!("--concurrency: {e}"))?;
            }
            "--server" => options.server = PathBuf::from(value()?),
            "--pg" => options.pg = value()?.trim_end_matches('/').to_owned(),
            other => return Err(format!("unknown argument {other}")),
        }
    }
    if !(options.minutes > 0.0 && options.minutes <= 24.0 * 60.0) {
        return Err("--minutes must be above 0 and at most a day".into());
    }
    if !(1..=512).contains(&options.concurrency) {
        return Err("--concurrency must be 1 to 512".into());
    }
    if !options.server.is_file() {
        return Err(format!(
            "no server binary at {}: run `cargo build --release -p support-server` first, or pass --server",
            options.server.display()
        ));
    }
    Ok(options)
}

/// A small, fast random source for the traffic mix (xorshift64*).
struct Random(u64);

impl Random {
    fn new() -> Random {
        let mut bytes = [0u8; 8];
        let _ = getrandom::fill(&mut bytes);
        Random(u64::from_le_bytes(bytes) | 1)
    }

    fn below(&mut self, n: u64) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d) % n.max(1)
    }
}

/// The server process, killed when dropped.
struct Server {
    child: Child,
    base: String,
}

impl Server {
    fn start(binary: &Path, url: &str, folder: &Path) -> Result<Server, String> {
        let log = folder.join("server.log");
        let out = std::fs::File::create(&log).map_err(|e| e.to_string())?;
        let err = out.try_clone().map_err(|e| e.to_string())?;
        let mut child = Command::new(binary)
            .args(["serve", "--port", "0", "--dist"])
            .arg(folder.join("no-dist"))
            .env("DATABASE_URL", url)
            .env("SUPPORT_TICKETS_PER_PERSON", "100000000")
            .env("SUPPORT_SIGN_IN_PER_IP", "100000")
            .env("RUST_LOG", "warn,support_server=info")
            .stdin(Stdio::null())
            .stdout(out)
            .stderr(err)
            .spawn()
            .map_err(|e| format!("cannot start {}: {e}", binary.display()))?;
        let started = Instant::now();
        loop {
            let text = std::fs::read_to_string(&log).unwrap_or_default();
            if let Some(address) = text
                .split("listening on http://")
                .nth(1)
                .and_then(|rest| rest.split_whitespace().next())
            {
                return Ok(Server {
                    base: format!("http://{address}"),
                    child,
                });
            }
            if let Ok(Some(status)) = child.try_wait() {
                return Err(format!("the server stopped ({status}):\n{text}"));
            }
            if started.elapsed() > Duration::from_secs(60) {
                let _ = child.kill();
                return Err(format!("the server did not listen within 60 s:\n{text}"));
            }
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    /// `(VmRSS, VmHWM)` in KiB: resident memory now, and its peak.
    fn memory(&self) -> (u64, u64) {
        let status = std::fs::read_to_string(format!("/proc/{}/status", self.child.id()))
            .unwrap_or_default();
        let field = |name: &str| {
            status
                .lines()
                .find_map(|line| line.strip_prefix(name))
                .and_then(|rest| rest.split_whitespace().next())
                .and_then(|kib| kib.parse().ok())
                .unwrap_or(0)
        };
        (field("VmRSS:"), field("VmHWM:"))
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn admin(binary: &Path, url: &str, args: &[&str]) -> Result<(), String> {
    let mut child = Command::new(binary)
        .arg("admin")
        .args(args)
        .env("DATABASE_URL", url)
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| e.to_string())?;
    if let Some(mut stdin) = child.stdin.take() {
        stdin
            .write_all(format!("{PASSWORD}\n").as_bytes())
            .map_err(|e| e.to_string())?;
    }
    let output = child.wait_with_output().map_err(|e| e.to_string())?;
    if output.status.success() {
        Ok(())
    } else {
        Err(format!(
            "admin {args:?}: {}",
            String::from_utf8_lossy(&output.stderr)
        ))
    }
}

#[derive(Default)]
struct Tally {
    latencies: [Vec<Duration>; 4],
    errors: [usize; 4],
    first_errors: Vec<String>,
    created: usize,
}

async fn one_request(
    client: &Client,
    base: &str,
    operation: usize,
    random: &mut Random,
    etag: &mut Option<String>,
    key: &mut u64,
    worker: usize,
) -> Result<bool, String> {
    let response = match OPERATIONS[operation] {
        "policy" => {
            let mut request = client.get(format!("{base}/api/policy"));
            if let Some(etag) = etag.as_ref().filter(|_| random.below(2) == 0) {
                request = request.header("if-none-match", etag.as_str());
            }
            request.send().await
        }
        "quote" => {
            let at = jiff::Timestamp::from_second(
                1_767_225_600 + i64::try_from(random.below(63_072_000)).unwrap_or(0),
            )
            .unwrap_or(jiff::Timestamp::UNIX_EPOCH);
            let kind = match random.below(3) {
                0 => "type=incident&severity=urgent",
                1 => "type=request&service=custom-domain",
                _ => "type=question",
            };
            let level = 1 + random.below(3);
            client
                .get(format!("{base}/api/quote?level={level}&{kind}&at={at}"))
                .send()
                .await
        }
        "submit" => {
            *key += 1;
            let key = format!("soak-{worker}-{key}");
            client
                .post(format!("{base}/api/tickets"))
                .header("Idempotency-Key", &key)
                .json(&json!({
                    "type": "incident", "severity": "high", "subject": format!("Soak {key}"),
                    "description": "Generated by the soak test.", "environment": "production",
                    "language": "en",
                }))
                .send()
                .await
        }
        _ => {
            let page = 1 + random.below(3);
            client
                .get(format!("{base}/api/tickets?page={page}&per_page=20"))
                .send()
                .await
        }
    }
    .map_err(|e| format!("{}: {e}", OPERATIONS[operation]))?;
    let status = response.status().as_u16();
    if operation == 0
        && let Some(value) = response.headers().get("etag")
    {
        *etag = value.to_str().ok().map(str::to_owned);
    }
    let body = response.bytes().await.map_err(|e| e.to_string())?;
    match status {
        200 | 304 => Ok(false),
        201 => Ok(true),
        _ => Err(format!(
            "{} answered {status}: {}",
            OPERATIONS[operation],
            String::from_utf8_lossy(&body)
        )),
    }
}

async fn worker(base: String, client: Client, worker: usize, until: Instant) -> Tally {
    let mut tally = Tally::default();
    let mut random = Random::new();
    let mut etag = None;
    let mut key = 0;
    while Instant::now() < until {
        // 30 % policy, 30 % quote, 15 % submit, 25 % list.
        let roll = random.below(100);
        let operation = match roll {
            0..30 => 0,
            30..60 => 1,
            60..75 => 2,
            _ => 3,
        };
        let started = Instant::now();
        let result = one_request(
            &client,
            &base,
            operation,
            &mut random,
            &mut etag,
            &mut key,
            worker,
        )
        .await;
        tally.latencies[operation].push(started.elapsed());
        match result {
            Ok(created) => tally.created += usize::from(created),
            Err(error) => {
                tally.errors[operation] += 1;
                if tally.first_errors.len() < 5 {
                    tally.first_errors.push(error);
                }
            }
        }
    }
    tally
}

fn percentile(sorted: &[Duration], q: f64) -> f64 {
    if sorted.is_empty() {
        return 0.0;
    }
    let index = ((sorted.len() as f64 - 1.0) * q).round() as usize;
    sorted[index.min(sorted.len() - 1)].as_secs_f64() * 1000.0
}

async fn soak(options: &Options, database: &str) -> Result<bool, String> {
    let folder = tempfile::tempdir().map_err(|e| e.to_string())?;
    let mut pg_name = None;
    let url = if database == "sqlite" {
        format!("sqlite://{}/support.db", folder.path().display())
    } else {
        let mut random = Random::new();
        let name = format!("soak_{:016x}", random.below(u64::MAX));
        let mut connection = sqlx::PgConnection::connect(&format!("{}/postgres", options.pg))
            .await
            .map_err(|e| format!("PostgreSQL at {}: {e}", options.pg))?;
        sqlx::raw_sql(sqlx::AssertSqlSafe(format!("CREATE DATABASE \"{name}\"")))
            .execute(&mut connection)
            .await
            .map_err(|e| e.to_string())?;
        let _ = connection.close().await;
        pg_name = Some(name.clone());
        format!("{}/{name}", options.pg)
    };
    let result = soak_on(options, database, &url, folder.path()).await;
    if let Some(name) = pg_name
        && let Ok(mut connection) =
            sqlx::PgConnection::connect(&format!("{}/postgres", options.pg)).await
    {
        let _ = sqlx::raw_sql(sqlx::AssertSqlSafe(format!(
            "DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)"
        )))
        .execute(&mut connection)
        .await;
    }
    result
}

async fn soak_on(
    options: &Options,
    database: &str,
    url: &str,
    folder: &Path,
) -> Result<bool, String> {
    let binary = options.server.as_path();
    admin(
        binary,
        url,
        &[
            "create-account",
            "--name",
            "Soak Lda",
            "--level",
            "3",
            "--country",
            "PT",
            "--email",
            "soak-0@example.com",
        ],
    )?;
    let server = Server::start(binary, url, folder)?;
    let base = server.base.clone();
    let sign_in = |email: String| {
        let base = base.clone();
        async move {
            let client = Client::builder()
                .cookie_store(true)
                .timeout(Duration::from_secs(30))
                .build()
                .map_err(|e| e.to_string())?;
            let response = client
                .post(format!("{base}/api/session"))
                .json(&json!({"email": email, "password": PASSWORD}))
                .send()
                .await
                .map_err(|e| e.to_string())?;
            if response.status() != 204 {
                return Err(format!("sign in as {email}: {}", response.status()));
            }
            Ok::<Client, String>(client)
        }
    };
    let manager = sign_in("soak-0@example.com".into()).await?;
    let mut clients = vec![manager.clone()];
    for n in 1..options.concurrency {
        let email = format!("soak-{n}@example.com");
        let added = manager
            .post(format!("{base}/api/contacts"))
            .json(&json!({"email": email, "is_contact": true}))
            .send()
            .await
            .map_err(|e| e.to_string())?;
        if added.status() != 201 {
            return Err(format!("add {email}: {}", added.status()));
        }
        admin(binary, url, &["reset-password", "--email", &email])?;
        clients.push(sign_in(email).await?);
    }

    let (rss_start, _) = server.memory();
    let length = Duration::from_secs_f64(options.minutes * 60.0);
    let started = Instant::now();
    let until = started + length;
    let workers: Vec<_> = clients
        .into_iter()
        .enumerate()
        .map(|(n, client)| tokio::spawn(worker(base.clone(), client, n, until)))
        .collect();
    let mut tally = Tally::default();
    for handle in workers {
        let part = handle.await.map_err(|e| e.to_string())?;
        for op in 0..OPERATIONS.len() {
            tally.latencies[op].extend(part.latencies[op].iter().copied());
            tally.errors[op] += part.errors[op];
        }
        tally.created += part.created;
        tally
            .first_errors
            .extend(part.first_errors.into_iter().take(5));
    }
    let elapsed = started.elapsed();
    let (rss_end, rss_peak) = server.memory();

    let pool = support_server::db::Db::connect(url)
        .await
        .map_err(|e| e.to_string())?
        .reader()
        .clone();
    let stored: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM tickets")
        .fetch_one(&pool)
        .await
        .map_err(|e| e.to_string())?;
    pool.close().await;
    drop(server);

    println!(
        "\nsoak on {database}: {:.0} s, {} clients, {}",
        elapsed.as_secs_f64(),
        options.concurrency,
        options.server.display()
    );
    println!(
        "{:<8} {:>10} {:>9} {:>9} {:>9} {:>7}",
        "request", "count", "per s", "p50 ms", "p99 ms", "errors"
    );
    let mut all = Vec::new();
    let mut errors = 0;
    for (op, name) in OPERATIONS.iter().enumerate() {
        let mut sorted = tally.latencies[op].clone();
        sorted.sort_unstable();
        println!(
            "{:<8} {:>10} {:>9.1} {:>9.2} {:>9.2} {:>7}",
            name,
            sorted.len(),
            sorted.len() as f64 / elapsed.as_secs_f64(),
            percentile(&sorted, 0.50),
            percentile(&sorted, 0.99),
            tally.errors[op]
        );
        errors += tally.errors[op];
        all.extend(sorted);
    }
    all.sort_unstable();
    println!(
        "{:<8} {:>10} {:>9.1} {:>9.2} {:>9.2} {:>7}",
        "all",
        all.len(),
        all.len() as f64 / elapsed.as_secs_f64(),
        percentile(&all, 0.50),
        percentile(&all, 0.99),
        errors
    );
    println!(
        "server memory (RSS): {:.1} MiB at the start, {:.1} MiB at the end, peak {:.1} MiB",
        rss_start as f64 / 1024.0,
        rss_end as f64 / 1024.0,
        rss_peak as f64 / 1024.0
    );
    println!(
        "tickets acknowledged (201): {}, in the database: {stored}",
        tally.created
    );
    for error in &tally.first_errors {
        println!("error: {error}");
    }
    Ok(errors == 0 && i64::try_from(tally.created).ok() == Some(stored))
}

#[tokio::main]
async fn main() -> ExitCode {
    let options = match options() {
        Ok(options) => options,
        Err(error) => {
            eprintln!("error: {error}");
            return ExitCode::from(2);
        }
    };
    let mut healthy = true;
    for database in options.databases.clone() {
        match soak(&options, database).await {
            Ok(clean) => healthy &= clean,
            Err(error) => {
                eprintln!("error: soak on {database}: {error}");
                healthy = false;
            }
        }
    }
    if healthy {
        ExitCode::SUCCESS
    } else {
        eprintln!("the soak had errors");
        ExitCode::FAILURE
    }
}
