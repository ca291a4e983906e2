//! The real `support-server` binary on a fresh database: started with `serve --port 0`,
//! accounts made with `admin create-account` (password on stdin), killed with SIGKILL and
//! started again on the same database.

use std::fs::File;
use std::io::Write;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};

use reqwest::{Client, StatusCode};
use serde_json::{Value, json};
use sqlx::AnyPool;
use support_server::db::Db;

use crate::common::PgDatabase;
pub use crate::common::{Backend, PASSWORD};

/// A random number below `n` (the moments of the kills).
pub fn random_below(n: u64) -> u64 {
    let mut bytes = [0u8; 8];
    getrandom::fill(&mut bytes).expect("random bytes");
    u64::from_le_bytes(bytes) % n.max(1)
}

/// A fresh database for one test: an SQLite file in a temporary folder, or a new PostgreSQL
/// database (dropped with this value). The folder also holds the server's logs.
pub struct Database {
    pub url: String,
    pub folder: tempfile::TempDir,
    _pg: Option<PgDatabase>,
}

impl Database {
    pub async fn fresh(backend: Backend) -> Database {
        let folder = tempfile::tempdir().expect("a temporary folder");
        match backend {
            Backend::Sqlite => Database {
                url: format!("sqlite://{}/data/support.db", folder.path().display()),
                folder,
                _pg: None,
            },
            Backend::Postgres => {
                let database = PgDatabase::create("reliability").await;
                Database {
                    url: database.url.clone(),
                    folder,
                    _pg: Some(database),
                }
            }
        }
    }

    /// A pool of the test's own on the database (the schema is the server's).
    pub async fn pool(&self) -> AnyPool {
        Db::connect(&self.url)
            .await
            .expect("open the database")
            .reader()
            .clone()
    }
}

fn binary() -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_support-server"));
    for variable in [
        "PORT",
        "SUPPORT_BIND",
        "SUPPORT_DIST",
        "SUPPORT_POLICY",
        "SUPPORT_SECURE_COOKIES",
        "SUPPORT_SIGN_IN_PER_EMAIL",
        "SUPPORT_SIGN_IN_PER_IP",
        "SUPPORT_TICKETS_PER_PERSON",
        "SMTP_URL",
        "MAIL_FROM",
        "SMTP_TIMEOUT",
        "PUBLIC_URL",
    ] {
        command.env_remove(variable);
    }
    command
}

/// Runs `support-server admin ARGS` on the database with `stdin` as its input.
pub async fn admin(database: &Database, args: &[&str], stdin: &str) -> Output {
    let url = database.url.clone();
    let args: Vec<String> = args.iter().map(|a| (*a).to_owned()).collect();
    let stdin = stdin.to_owned();
    tokio::task::spawn_blocking(move || {
        let mut child = binary()
            .arg("admin")
            .args(&args)
            .env("DATABASE_URL", &url)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("run support-server admin");
        child
            .stdin
            .take()
            .expect("stdin")
            .write_all(stdin.as_bytes())
            .expect("write the password");
        child.wait_with_output().expect("wait for support-server")
    })
    .await
    .expect("the admin command's thread")
}

/// `admin create-account` of a level-3 PT account whose first contact (a manager) is `email`
/// with [`PASSWORD`].
pub async fn create_account(database: &Database, email: &str) {
    let output = admin(
        database,
        &[
            "create-account",
            "--name",
            &format!("Account of {email}"),
            "--level",
            "3",
            "--country",
            "PT",
            "--email",
            email,
        ],
        &format!("{PASSWORD}\n"),
    )
    .await;
    assert!(
        output.status.success(),
        "create-account {email}: {}",
        String::from_utf8_lossy(&output.stderr)
    );
}

/// `admin reset-password` to [`PASSWORD`].
pub async fn set_password(database: &Database, email: &str) {
    let output = admin(
        database,
        &["reset-password", "--email", email],
        &format!("{PASSWORD}\n"),
    )
    .await;
    assert!(
        output.status.success(),
        "reset-password {email}: {}",
        String::from_utf8_lossy(&output.stderr)
    );
}

/// A running `support-server serve`; killed (SIGKILL) when dropped.
pub struct RealServer {
    child: Child,
    pub address: SocketAddr,
    log: PathBuf,
}

impl RealServer {
    /// Starts the server with its default settings on the database on a free port and waits
    /// until it listens. `run` numbers the logs of successive runs.
    pub async fn start(database: &Database, run: usize) -> RealServer {
        RealServer::start_with(database, run, &[]).await
    }

    /// Starts the server with environment variables set (`SUPPORT_TICKETS_PER_PERSON`, ...).
    pub async fn start_with(
        database: &Database,
        run: usize,
        environment: &[(&str, &str)],
    ) -> RealServer {
        let folder = database.folder.path().to_path_buf();
        let url = database.url.clone();
        let environment: Vec<(String, String)> = environment
            .iter()
            .map(|(name, value)| ((*name).to_owned(), (*value).to_owned()))
            .collect();
        tokio::task::spawn_blocking(move || {
            RealServer::start_blocking(&folder, &url, run, &environment)
        })
        .await
        .expect("the server's start thread")
    }

    fn start_blocking(
        folder: &Path,
        url: &str,
        run: usize,
        environment: &[(String, String)],
    ) -> RealServer {
        let log = folder.join(format!("server-{run}.log"));
        let out = File::create(&log).expect("a log file");
        let err = out.try_clone().expect("a log file");
        let dist = folder.join("no-dist");
        let mut child = binary()
            .args(["serve", "--port", "0", "--dist"])
            .arg(&dist)
            .env("DATABASE_URL", url)
            .env("RUST_LOG", "info")
            .envs(environment.iter().map(|(name, value)| (name, value)))
            .stdin(Stdio::null())
            .stdout(out)
            .stderr(err)
            .spawn()
            .expect("start support-server serve");
        let started = Instant::now();
        loop {
            let text = std::fs::read_to_string(&log).unwrap_or_default();
            if let Some(address) = text
                .split("listening on http://")
                .nth(1)
                .and_then(|rest| rest.split_whitespace().next())
                .and_then(|address| address.parse().ok())
            {
                return RealServer {
                    child,
                    address,
                    log,
                };
            }
            if let Ok(Some(status)) = child.try_wait() {
                panic!("the server stopped ({status}) before listening:\n{text}");
            }
            if started.elapsed() > Duration::from_secs(60) {
                let _ = child.kill();
                panic!("the server did not listen within 60 s:\n{text}");
            }
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    pub fn url(&self, path: &str) -> String {
        format!("http://{}{}", self.address, path)
    }

    /// SIGKILL: no shutdown, no flush, nothing in flight finishes.
    pub fn kill(mut self) {
        self.kill_now();
    }

    fn kill_now(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }

    /// The server's log so far (for failure messages).
    pub fn log(&self) -> String {
        std::fs::read_to_string(&self.log).unwrap_or_default()
    }
}

impl Drop for RealServer {
    fn drop(&mut self) {
        self.kill_now();
    }
}

/// A client with its own cookie jar. Cookies are kept per host, not per port, so a session
/// survives the server's restart on another port. Each request has a connection of its own:
/// after a refused body (413) or a kill, the server has closed the connection a pool would
/// offer next.
pub fn client() -> Client {
    Client::builder()
        .cookie_store(true)
        .pool_max_idle_per_host(0)
        .timeout(Duration::from_secs(30))
        .build()
        .expect("an HTTP client")
}

/// A fresh client signed in as `email`.
pub async fn sign_in(server: &RealServer, email: &str) -> Client {
    let client = client();
    let response = client
        .post(server.url("/api/session"))
        .json(&json!({"email": email, "password": PASSWORD}))
        .send()
        .await
        .expect("sign in");
    assert_eq!(
        response.status(),
        StatusCode::NO_CONTENT,
        "sign in as {email}"
    );
    client
}

/// Adds a person to the manager's account (a contact or not), gives them [`PASSWORD`] with
/// `admin reset-password`, and signs them in.
pub async fn add_person(
    server: &RealServer,
    database: &Database,
    manager: &Client,
    email: &str,
    is_contact: bool,
    can_manage_contacts: bool,
) -> Client {
    let response = manager
        .post(server.url("/api/contacts"))
        .json(&json!({
            "email": email,
            "is_contact": is_contact,
            "can_manage_contacts": can_manage_contacts,
        }))
        .send()
        .await
        .expect("add a person");
    assert_eq!(response.status(), StatusCode::CREATED, "add {email}");
    set_password(database, email).await;
    sign_in(server, email).await
}

/// A complete incident, unique by `key`, with a long description so a torn write shows.
pub fn incident(key: &str) -> Value {
    json!({
        "type": "incident",
        "severity": "high",
        "subject": format!("Checkout fails ({key})"),
        "description": format!("Every payment answers 502.{}", " Details follow.".repeat(120)),
        "environment": "production",
        "platform_version": "11.31.0",
        "impact": format!("No sales for request {key}"),
        "steps_to_reproduce": "Pay with any card",
        "language": "en",
    })
}

pub async fn count(pool: &AnyPool, table: &str) -> i64 {
    let sql = match table {
        "tickets" => "SELECT COUNT(*) FROM tickets",
        "people" => "SELECT COUNT(*) FROM people",
        "sessions" => "SELECT COUNT(*) FROM sessions",
        "idempotency_keys" => "SELECT COUNT(*) FROM idempotency_keys",
        "accounts" => "SELECT COUNT(*) FROM accounts",
        other => panic!("no count of {other}"),
    };
    sqlx::query_scalar(sql)
        .fetch_one(pool)
        .await
        .expect("count rows")
}
