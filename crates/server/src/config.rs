//! What the server needs to start, with defaults that run out of the box.

use std::net::{IpAddr, Ipv4Addr};
use std::path::PathBuf;
use std::time::Duration;

/// The database used when `DATABASE_URL` is not set: an embedded SQLite file, created with its
/// folder when missing.
pub const DEFAULT_DATABASE_URL: &str = "sqlite://data/support.db";

#[derive(Debug, Clone)]
pub struct Settings {
    /// Address to listen on; loopback by default so nothing is exposed by accident.
    pub bind: IpAddr,
    /// Port to listen on; 0 asks the system for a free one (tests do that).
    pub port: u16,
    /// Folder holding the SPA built by Trunk (`index.html` and hashed assets).
    pub dist: PathBuf,
    /// `sqlite://PATH` or `postgres://...`.
    pub database_url: String,
    /// A policy TOML file replacing the embedded default (`--policy` / `SUPPORT_POLICY`).
    pub policy_file: Option<PathBuf>,
    /// Marks the session cookie `Secure`; set it whenever the server is reached over HTTPS.
    pub secure_cookies: bool,
    /// How long a session lasts after signing in.
    pub session_lifetime: Duration,
    pub limits: Limits,
    /// How often the server records deadline outcomes and closes solved tickets past their
    /// reopening window.
    pub task_interval: Duration,
    pub mail: MailSettings,
    pub events: EventSettings,
}

/// Live updates (`GET /api/events`).
#[derive(Debug, Clone, Copy)]
pub struct EventSettings {
    /// `SSE_HEARTBEAT`: a comment is sent on a stream idle this long, so that proxies and
    /// clients see it alive.
    pub heartbeat: Duration,
    /// `SSE_BUFFER`: how many events wait for one stream at most; a stream that falls further
    /// behind (its reader does not read) is closed, and its client resumes with Last-Event-ID.
    pub buffer: usize,
    /// Open streams per person in one server process; past it, 429.
    pub max_streams_per_person: usize,
    /// How often a process looks for new entries when it heard of none (a missed
    /// notification is caught up then).
    pub poll: Duration,
}

/// `SSE_HEARTBEAT`'s default, in seconds.
pub const DEFAULT_SSE_HEARTBEAT_SECONDS: u64 = 15;
/// `SSE_BUFFER`'s default.
pub const DEFAULT_SSE_BUFFER: usize = 1024;

impl Default for EventSettings {
    fn default() -> Self {
        Self {
            heartbeat: Duration::from_secs(DEFAULT_SSE_HEARTBEAT_SECONDS),
            buffer: DEFAULT_SSE_BUFFER,
            max_streams_per_person: 5,
            poll: Duration::from_secs(2),
        }
    }
}

/// E-mail: where it goes, from whom, and where its links point.
#[derive(Debug, Clone)]
pub struct MailSettings {
    /// `SMTP_URL` (see `mail`); `None`: no e-mail is sent, the outbox still fills.
    pub smtp_url: Option<String>,
    /// `MAIL_FROM`: the sender, `Name <address>`; its domain ends every Message-ID.
    pub from: String,
    /// `SMTP_TIMEOUT`: the longest the mail server may take to answer one command.
    pub timeout: Duration,
    /// `PUBLIC_URL`: the address of the SPA as recipients reach it, for the ticket links.
    pub public_url: String,
    /// How often a delivery worker looks for due e-mails when it found none.
    pub poll: Duration,
}

/// The sender when `MAIL_FROM` is not set.
pub const DEFAULT_MAIL_FROM: &str = "Support <support@localhost>";
/// The ticket links' base when `PUBLIC_URL` is not set: the server's default address.
pub const DEFAULT_PUBLIC_URL: &str = "http://127.0.0.1:8080";
/// `SMTP_TIMEOUT`'s default, in seconds.
pub const DEFAULT_SMTP_TIMEOUT_SECONDS: u64 = 10;

impl Default for MailSettings {
    fn default() -> Self {
        Self {
            smtp_url: None,
            from: DEFAULT_MAIL_FROM.to_owned(),
            timeout: Duration::from_secs(DEFAULT_SMTP_TIMEOUT_SECONDS),
            public_url: DEFAULT_PUBLIC_URL.to_owned(),
            poll: Duration::from_secs(1),
        }
    }
}

/// The largest request body the API reads by default (64 KiB); larger ones are answered with
/// 413.
pub const DEFAULT_BODY_BYTES: usize = 64 * 1024;

/// How much of a refused body the server reads before closing the connection (64 MiB)...
pub const DEFAULT_DRAIN_BYTES: u64 = 64 * 1024 * 1024;
/// ... and how long it keeps reading at most (30 s).
pub const DEFAULT_DRAIN_TIME: Duration = Duration::from_secs(30);

/// What the server accepts: the largest request body, and request budgets per rolling window
/// (past them the answer is 429 with `Retry-After`).
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    /// The largest request body, in bytes.
    pub body_bytes: usize,
    /// After refusing a body as too large, how much more of it the server reads and discards
    /// so that the client, still sending, can read the 413 (see `body_limit`).
    pub drain_bytes: u64,
    /// ... and for how long at most, so a slow sender cannot hold the connection open.
    pub drain_time: Duration,
    pub window: Duration,
    /// Sign-in attempts per email address.
    pub sign_in_per_email: u32,
    /// Sign-in attempts per client IP address.
    pub sign_in_per_ip: u32,
    /// New tickets per person (replays of an idempotent request do not count).
    pub tickets_per_person: u32,
}

impl Default for Limits {
    fn default() -> Self {
        Self {
            body_bytes: DEFAULT_BODY_BYTES,
            drain_bytes: DEFAULT_DRAIN_BYTES,
            drain_time: DEFAULT_DRAIN_TIME,
            window: Duration::from_secs(60),
            sign_in_per_email: 5,
            sign_in_per_ip: 20,
            tickets_per_person: 10,
        }
    }
}

impl Default for Settings {
    fn default() -> Self {
        Self {
            bind: IpAddr::V4(Ipv4Addr::LOCALHOST),
            port: 8080,
            dist: PathBuf::from("dist"),
            database_url: DEFAULT_DATABASE_URL.to_owned(),
            policy_file: None,
            secure_cookies: false,
            session_lifetime: Duration::from_secs(60 * 60 * 24 * 14),
            limits: Limits::default(),
            task_interval: crate::service::tasks::INTERVAL,
            mail: MailSettings::default(),
            events: EventSettings::default(),
        }
    }
}
