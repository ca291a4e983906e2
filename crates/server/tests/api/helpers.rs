//! Starts the real app on 127.0.0.1 (a free port) with a fresh database per test, on SQLite
//! or PostgreSQL, and speaks HTTP to it like a client.
//! PostgreSQL databases are made and dropped as `tests/common` says (`test_<random>`).

use std::net::SocketAddr;
use std::path::PathBuf;

use reqwest::{Client, Response, StatusCode};
use serde_json::{Value, json};
use support_server::admin::{self, NewAccountArgs};
use support_server::config::{Limits, Settings};
use support_server::db::Db;
use support_server::domain::Password;
use support_server::startup::Application;

pub use crate::common::{Backend, PASSWORD};
use crate::common::{PgDatabase, random_hex};

pub struct TestApp {
    pub address: SocketAddr,
    /// The settings it was started with (a second server on the same database uses them).
    pub settings: Settings,
    /// A client with its own cookie jar (no one signed in yet).
    pub client: Client,
    pub db: Db,
    _dist: tempfile::TempDir,
    _data: tempfile::TempDir,
    _pg: Option<PgDatabase>,
}

pub fn client() -> Client {
    Client::builder()
        .cookie_store(true)
        .build()
        .expect("an HTTP client")
}

pub async fn spawn_app(backend: Backend) -> TestApp {
    spawn_app_with(backend, |_| {}).await
}

/// Starts the app after `adjust` had its say on the settings (limits, policy, ...).
pub async fn spawn_app_with(backend: Backend, adjust: impl FnOnce(&mut Settings)) -> TestApp {
    let dist = tempfile::tempdir().expect("a temporary folder");
    std::fs::write(
        dist.path().join("index.html"),
        "<!DOCTYPE html><title>test spa</title>\
         <script type=\"module\">import init from '/app-0123456789abcdef.js'; await init();</script>",
    )
    .expect("write index.html");
    std::fs::write(
        dist.path().join("ticket.html"),
        "<!DOCTYPE html><title>test ticket app</title>\
         <script type=\"module\">import init from '/ticket-0123456789abcdef.js'; await init();</script>",
    )
    .expect("write ticket.html");
    std::fs::create_dir(dist.path().join("console")).expect("create console/");
    std::fs::write(
        dist.path().join("console/index.html"),
        "<!DOCTYPE html><title>test console</title>\
         <script type=\"module\">import init from '/console/console-0123456789abcdef.js'; await init();</script>",
    )
    .expect("write console/index.html");
    std::fs::write(
        dist.path().join("console/console-0123456789abcdef.js"),
        "export default async function init() {}\n",
    )
    .expect("write the console's js");
    std::fs::write(dist.path().join("app-0123abcd.js"), "console.log('hi')").expect("write js");
    std::fs::write(
        dist.path().join("app-0123456789abcdef.js"),
        "export default async function init() {}\n".repeat(40),
    )
    .expect("write hashed js");
    let data = tempfile::tempdir().expect("a temporary folder");
    let (database_url, pg) = match backend {
        Backend::Sqlite => (
            format!("sqlite://{}/nested/support.db", data.path().display()),
            None,
        ),
        Backend::Postgres => {
            let database = PgDatabase::create("test").await;
            (database.url.clone(), Some(database))
        }
    };
    let mut settings = Settings {
        port: 0,
        dist: PathBuf::from(dist.path()),
        database_url: database_url.clone(),
        limits: Limits {
            sign_in_per_email: 1000,
            sign_in_per_ip: 1000,
            tickets_per_person: 1000,
            ..Limits::default()
        },
        ..Settings::default()
    };
    adjust(&mut settings);
    let address = start(&settings).await;
    let db = Db::connect(&database_url).await.expect("open the database");
    TestApp {
        address,
        settings,
        client: client(),
        db,
        _dist: dist,
        _data: data,
        _pg: pg,
    }
}

/// Starts a server of the app with `settings`; its address.
async fn start(settings: &Settings) -> SocketAddr {
    let app = Application::build(settings).await.expect("start the app");
    let address = app.local_addr().expect("local address");
    tokio::spawn(app.run_until(std::future::pending()));
    address
}

/// An account made with `admin create-account`: its first contact may manage contacts.
pub struct Seeded {
    pub email: String,
}

impl TestApp {
    pub fn url(&self, path: &str) -> String {
        format!("http://{}{}", self.address, path)
    }

    /// Another server process of the same app on the same database (like a second instance
    /// behind a load balancer); its address.
    pub async fn another_server(&self) -> SocketAddr {
        start(&self.settings).await
    }

    /// Creates an account whose first contact has `email` and [`PASSWORD`].
    pub async fn create_account(&self, email: &str, level: u8, tsm: bool, country: &str) -> Seeded {
        let args = NewAccountArgs {
            name: format!("Account of {email}"),
            level,
            tsm,
            country: country.to_owned(),
            email: email.to_owned(),
            contact_name: None,
            language: support_api::Language::En,
        };
        let password = Password::parse(PASSWORD).expect("a valid password");
        admin::create_account(&self.db, &args, &password)
            .await
            .expect("create an account");
        Seeded {
            email: email.to_owned(),
        }
    }

    pub async fn set_password(&self, email: &str) {
        let password = Password::parse(PASSWORD).expect("a valid password");
        admin::reset_password(&self.db, email, &password)
            .await
            .expect("set a password");
    }

    /// A fresh client signed in as `email`.
    pub async fn sign_in(&self, email: &str) -> Client {
        let client = client();
        let response = client
            .post(self.url("/api/session"))
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

    /// A signed-in support engineer (`admin create-staff`).
    pub async fn engineer(&self) -> Client {
        let email = format!("eng{}@vendor.example", random_hex());
        let password = Password::parse(PASSWORD).expect("a valid password");
        admin::create_staff(
            &self.db,
            &email,
            "Eve Engineer",
            support_api::Language::En,
            &password,
        )
        .await
        .expect("create an engineer");
        self.sign_in(&email).await
    }

    /// A signed-in manager of a new level-3 PT account.
    pub async fn manager(&self) -> Client {
        let email = format!("boss{}@example.com", random_hex());
        self.create_account(&email, 3, false, "PT").await;
        self.sign_in(&email).await
    }

    /// Adds a person to the signed-in manager's account, with a password, and signs them in.
    pub async fn add_person(&self, manager: &Client, email: &str, is_contact: bool) -> Client {
        let response = manager
            .post(self.url("/api/contacts"))
            .json(&json!({"email": email, "is_contact": is_contact}))
            .send()
            .await
            .expect("add a person");
        assert_eq!(response.status(), StatusCode::CREATED, "add {email}");
        self.set_password(email).await;
        self.sign_in(email).await
    }
}

/// The JSON body of an answer, after checking its status (the body is shown if it differs).
pub async fn ok_json(response: Response, status: u16) -> Value {
    let got = response.status().as_u16();
    let text = response.text().await.expect("a body");
    assert_eq!(got, status, "{text}");
    serde_json::from_str(&text).expect("JSON")
}

/// The body of a problem+json answer, after checking its status and media type.
pub async fn problem(response: Response, status: u16) -> Value {
    assert_eq!(response.status().as_u16(), status, "status");
    let content_type = response
        .headers()
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned();
    assert_eq!(content_type, "application/problem+json");
    let body: Value = response.json().await.expect("a JSON problem");
    assert_eq!(body["status"], status);
    assert!(
        body["type"]
            .as_str()
            .is_some_and(|t| t.starts_with("/problems/"))
    );
    assert!(body["title"].is_string());
    body
}

/// The body of an incident with `severity` and `subject`, as a customer files it.
pub fn incident(severity: &str, subject: &str) -> Value {
    json!({
        "type": "incident", "severity": severity, "subject": subject,
        "description": "Every payment answers 502.", "language": "en"
    })
}

/// Files `body` as `client`'s person and gives the created ticket (`201` checked).
pub async fn file_ticket(app: &TestApp, client: &Client, body: &Value) -> Value {
    let response = client
        .post(app.url("/api/tickets"))
        .json(body)
        .send()
        .await
        .expect("file a ticket");
    assert_eq!(response.status(), StatusCode::CREATED);
    response.json().await.expect("a ticket")
}
