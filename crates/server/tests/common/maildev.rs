//! A real mail server for the tests: MailDev (npm `maildev`, pinned in package.json; `npm ci`
//! installs it), started on free ports of 127.0.0.1 and read through its REST API
//! (`GET /email`). Killed when dropped.

use std::net::TcpListener;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::Value;

/// How long a test waits for an e-mail the server owes before it fails (backoff included).
pub const MAIL_PATIENCE: Duration = Duration::from_secs(120);

pub struct MailDev {
    child: Child,
    smtp_port: u16,
    web_port: u16,
    http: reqwest::Client,
}

/// A port that was free a moment ago.
pub fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|listener| listener.local_addr())
        .map(|address| address.port())
        .expect("a free port")
}

fn maildev_script() -> PathBuf {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..");
    let script = root.join("node_modules/maildev/bin/maildev");
    assert!(
        script.is_file(),
        "MailDev is not installed at {}: run `npm ci` in the workspace root",
        script.display()
    );
    script
}

impl MailDev {
    /// MailDev on free ports.
    pub async fn start() -> MailDev {
        MailDev::start_on(free_port()).await
    }

    /// MailDev taking SMTP on `smtp_port` (a port a server is already told to use).
    pub async fn start_on(smtp_port: u16) -> MailDev {
        let web_port = free_port();
        let child = Command::new("node")
            .arg(maildev_script())
            .args([
                "--smtp",
                &smtp_port.to_string(),
                "--web",
                &web_port.to_string(),
            ])
            .args(["--ip", "127.0.0.1", "--silent"])
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("start MailDev (node)");
        let maildev = MailDev {
            child,
            smtp_port,
            web_port,
            http: reqwest::Client::new(),
        };
        let started = Instant::now();
        while maildev.try_emails().await.is_none() {
            assert!(
                started.elapsed() < Duration::from_secs(60),
                "MailDev did not answer on port {web_port} within 60 s"
            );
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        maildev
    }

    /// `SMTP_URL` for the server.
    pub fn smtp_url(&self) -> String {
        format!("smtp://127.0.0.1:{}", self.smtp_port)
    }

    async fn try_emails(&self) -> Option<Vec<Value>> {
        let response = self
            .http
            .get(format!("http://127.0.0.1:{}/email", self.web_port))
            .send()
            .await
            .ok()?;
        response.json().await.ok()
    }

    /// Every e-mail that arrived so far (`messageId`, `subject`, `text`, `to`, `headers`, …).
    pub async fn emails(&self) -> Vec<Value> {
        self.try_emails().await.expect("MailDev's list of e-mails")
    }

    /// The e-mails once `enough` says they are enough (polls; fails after [`MAIL_PATIENCE`]).
    pub async fn wait_for(&self, what: &str, enough: impl Fn(&[Value]) -> bool) -> Vec<Value> {
        let started = Instant::now();
        loop {
            let emails = self.emails().await;
            if enough(&emails) {
                return emails;
            }
            assert!(
                started.elapsed() < MAIL_PATIENCE,
                "{what}: not there after {MAIL_PATIENCE:?}; MailDev has {emails:#?}"
            );
            tokio::time::sleep(Duration::from_millis(200)).await;
        }
    }

    fn kill_now(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Drop for MailDev {
    fn drop(&mut self) {
        self.kill_now();
    }
}

/// The e-mails sent to `address`.
pub fn to<'a>(emails: &'a [Value], address: &str) -> Vec<&'a Value> {
    emails
        .iter()
        .filter(|email| {
            email["to"]
                .as_array()
                .is_some_and(|to| to.iter().any(|to| to["address"] == address))
        })
        .collect()
}
