//! Sending e-mail over SMTP with lettre: the forms of `SMTP_URL`, the message made of an
//! outbox row (every header through lettre's typed headers, which encode what they carry, so a
//! name or subject with a line break cannot add a header), and the transport.
//!
//! `SMTP_URL`:
//! - `smtp://HOST:PORT`: plain SMTP without authentication (MailDev, a local relay);
//! - `smtps://USER:PASSWORD@HOST:PORT`: implicit TLS (port 465 by default);
//! - `smtp+starttls://USER:PASSWORD@HOST:PORT`: plain, then STARTTLS before anything is sent
//!   (port 587 by default; a server that cannot upgrade gets nothing).
//!
//! User and password are percent-decoded; TLS checks the server's certificate against the
//! webpki roots.

use std::str::FromStr;
use std::time::Duration;

use lettre::message::header::ContentType;
use lettre::message::{Mailbox, Message};
use lettre::transport::smtp::authentication::Credentials;
use lettre::{Address, AsyncSmtpTransport, AsyncTransport, Tokio1Executor};

use crate::store::outbox::Outgoing;

/// How the connection to the mail server is secured.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Security {
    Plain,
    /// TLS from the first byte (`smtps://`).
    Tls,
    /// Plain, upgraded with STARTTLS before anything is sent (`smtp+starttls://`).
    StartTls,
}

/// A mail server, as `SMTP_URL` names it.
#[derive(Clone, PartialEq, Eq)]
pub struct SmtpServer {
    pub host: String,
    pub port: u16,
    pub security: Security,
    /// User and password, when the server asks for them.
    pub credentials: Option<(String, String)>,
}

/// The password stays out of logs.
impl std::fmt::Debug for SmtpServer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SmtpServer")
            .field("host", &self.host)
            .field("port", &self.port)
            .field("security", &self.security)
            .field("user", &self.credentials.as_ref().map(|(user, _)| user))
            .finish()
    }
}

#[derive(Debug, thiserror::Error)]
pub enum MailConfigError {
    #[error(
        "SMTP_URL is not smtp://HOST:PORT, smtps://USER:PASSWORD@HOST:PORT or smtp+starttls://USER:PASSWORD@HOST:PORT: {0}"
    )]
    Url(String),
    #[error("MAIL_FROM `{0}` is not an address like `Support <support@example.com>`")]
    From(String),
    #[error("TLS for the mail server: {0}")]
    Tls(#[source] lettre::transport::smtp::Error),
}

impl SmtpServer {
    /// Reads `SMTP_URL`.
    ///
    /// ```
    /// use support_server::mail::{Security, SmtpServer};
    /// let server = SmtpServer::parse("smtps://me%40corp:p%3Ass@mail.example.com").unwrap();
    /// assert_eq!((server.host.as_str(), server.port, server.security), ("mail.example.com", 465, Security::Tls));
    /// assert_eq!(server.credentials, Some(("me@corp".into(), "p:ss".into())));
    /// assert!(SmtpServer::parse("http://mail.example.com").is_err());
    /// ```
    pub fn parse(text: &str) -> Result<Self, MailConfigError> {
        let bad = |why: &str| MailConfigError::Url(why.to_owned());
        let url = url::Url::parse(text).map_err(|error| bad(&error.to_string()))?;
        let (security, default_port) = match url.scheme() {
            "smtp" => (Security::Plain, 25),
            "smtps" => (Security::Tls, 465),
            "smtp+starttls" => (Security::StartTls, 587),
            other => return Err(bad(&format!("unknown scheme `{other}`"))),
        };
        let host = url
            .host_str()
            .filter(|host| !host.is_empty())
            .ok_or_else(|| bad("no host"))?
            .trim_start_matches('[')
            .trim_end_matches(']')
            .to_owned();
        let decode = |part: &str| {
            percent_encoding::percent_decode_str(part)
                .decode_utf8()
                .map(|text| text.into_owned())
                .map_err(|_| bad("the user or password is not UTF-8 once percent-decoded"))
        };
        let credentials = match (url.username(), url.password()) {
            ("", None) => None,
            (user, password) => Some((decode(user)?, decode(password.unwrap_or_default())?)),
        };
        if credentials.is_some() && security == Security::Plain {
            return Err(bad(
                "a password is sent only over TLS: use smtps:// or smtp+starttls://",
            ));
        }
        Ok(Self {
            host,
            port: url.port().unwrap_or(default_port),
            security,
            credentials,
        })
    }
}

/// The sender of every e-mail (`MAIL_FROM`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Sender(Mailbox);

impl Sender {
    /// `Name <address>` or a bare address.
    pub fn parse(text: &str) -> Result<Self, MailConfigError> {
        Mailbox::from_str(text)
            .map(Self)
            .map_err(|_| MailConfigError::From(text.to_owned()))
    }

    /// The domain of the address, the right side of every Message-ID.
    pub fn domain(&self) -> &str {
        self.0.email.domain()
    }
}

/// The `Message-ID` of outbox row `id`: the same for every attempt, so a repeated delivery is
/// recognisably the same e-mail, and unique across installations.
///
/// ```
/// assert_eq!(
///     support_server::mail::message_id(42, "9f0c", "example.com"),
///     "<outbox-42.9f0c@example.com>"
/// );
/// ```
pub fn message_id(id: i64, installation: &str, domain: &str) -> String {
    format!("<outbox-{id}.{installation}@{domain}>")
}

#[derive(Debug, thiserror::Error)]
pub enum SendError {
    #[error("the recipient `{0}` is not an address the mail server takes")]
    Recipient(String),
    #[error("the message cannot be built: {0}")]
    Message(#[from] lettre::error::Error),
    #[error("the mail server: {0}")]
    Smtp(#[from] lettre::transport::smtp::Error),
    #[error("the mail server did not finish within {0:?}")]
    TimedOut(Duration),
}

/// A header's text on one line: each run of control characters (line breaks, tabs) becomes
/// one space. lettre encodes what a typed header carries, but it panics on a display name
/// with a line break, and a subject is one line anyway.
fn one_line(text: &str) -> String {
    text.split(char::is_control)
        .filter(|part| !part.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
}

/// The e-mail of an outbox row: plain UTF-8 text, its headers typed.
pub fn message(
    from: &Sender,
    outgoing: &Outgoing,
    message_id: String,
) -> Result<Message, SendError> {
    let address = Address::from_str(&outgoing.address)
        .map_err(|_| SendError::Recipient(outgoing.address.clone()))?;
    Ok(Message::builder()
        .from(from.0.clone())
        .to(Mailbox::new(Some(one_line(&outgoing.name)), address))
        .subject(one_line(&outgoing.subject))
        .message_id(Some(message_id))
        .header(ContentType::TEXT_PLAIN)
        .body(outgoing.text.clone())?)
}

/// Sends the outbox's e-mails to one mail server.
#[derive(Clone)]
pub struct Mailer {
    transport: AsyncSmtpTransport<Tokio1Executor>,
    from: Sender,
    installation: String,
    /// The longest one delivery may take, connection included.
    deadline: Duration,
}

impl Mailer {
    /// `timeout` bounds each SMTP command; a whole delivery gets four of them.
    pub fn new(
        server: &SmtpServer,
        from: Sender,
        installation: String,
        timeout: Duration,
    ) -> Result<Self, MailConfigError> {
        let builder = match server.security {
            Security::Plain => {
                AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous(&server.host)
            }
            Security::Tls => AsyncSmtpTransport::<Tokio1Executor>::relay(&server.host)
                .map_err(MailConfigError::Tls)?,
            Security::StartTls => {
                AsyncSmtpTransport::<Tokio1Executor>::starttls_relay(&server.host)
                    .map_err(MailConfigError::Tls)?
            }
        };
        let builder = builder.port(server.port).timeout(Some(timeout));
        let builder = match &server.credentials {
            Some((user, password)) => {
                builder.credentials(Credentials::new(user.clone(), password.clone()))
            }
            None => builder,
        };
        Ok(Self {
            transport: builder.build(),
            from,
            installation,
            deadline: timeout * 4,
        })
    }

    /// The longest one delivery may take.
    pub fn deadline(&self) -> Duration {
        self.deadline
    }

    /// Delivers one e-mail; `Ok` once the mail server accepted it.
    pub async fn send(&self, outgoing: &Outgoing) -> Result<(), SendError> {
        let id = message_id(outgoing.id, &self.installation, self.from.domain());
        let message = message(&self.from, outgoing, id)?;
        match tokio::time::timeout(self.deadline, self.transport.send(message)).await {
            Ok(sent) => sent.map(|_| ()).map_err(SendError::from),
            Err(_) => Err(SendError::TimedOut(self.deadline)),
        }
    }
}

#[cfg(test)]
mod tests {
    use support_api::Language;

    use super::{Security, Sender, SmtpServer, message, message_id};
    use crate::store::outbox::Outgoing;

    fn outgoing(name: &str, subject: &str) -> Outgoing {
        Outgoing {
            id: 7,
            address: "ana@example.com".into(),
            name: name.into(),
            language: Language::En,
            subject: subject.into(),
            text: "Body\n".into(),
            attempts: 1,
        }
    }

    /// The header lines of a formatted message, before the blank line.
    fn headers(formatted: &[u8]) -> Vec<String> {
        let text = String::from_utf8_lossy(formatted);
        let head = text.split("\r\n\r\n").next().unwrap_or_default().to_owned();
        head.split("\r\n").map(str::to_owned).collect()
    }

    #[test]
    fn a_line_break_in_a_name_or_subject_adds_no_header() {
        let from = Sender::parse("Support <support@example.com>").expect("a sender");
        let hostile = outgoing(
            "Ana\r\nBcc: victim@example.org",
            "Hello\r\nBcc: victim@example.org\nX-Evil: 1",
        );
        let id = message_id(7, "abc", from.domain());
        let formatted = message(&from, &hostile, id).expect("a message").formatted();
        let headers = headers(&formatted);
        // Folded continuation lines start with white space; no line starts a new header.
        for line in &headers {
            let name = line.split(':').next().unwrap_or_default();
            assert!(
                line.starts_with([' ', '\t'])
                    || [
                        "From",
                        "To",
                        "Subject",
                        "Message-ID",
                        "Content-Type",
                        "Content-Transfer-Encoding",
                        "MIME-Version",
                        "Date"
                    ]
                    .contains(&name),
                "an injected header line: {line:?} in {headers:?}"
            );
        }
        assert!(
            !headers
                .iter()
                .any(|line| line.starts_with("Bcc") || line.starts_with("X-Evil"))
        );
        assert!(headers.contains(&"Message-ID: <outbox-7.abc@example.com>".to_owned()));
        assert!(
            headers.contains(&"Subject: Hello Bcc: victim@example.org X-Evil: 1".to_owned()),
            "{headers:?}"
        );
    }

    #[test]
    fn smtp_urls_name_their_security_and_default_port() {
        let plain = SmtpServer::parse("smtp://127.0.0.1:1025").expect("plain");
        assert_eq!(
            (plain.port, plain.security, plain.credentials),
            (1025, Security::Plain, None)
        );
        let starttls = SmtpServer::parse("smtp+starttls://u:p@mail.example.com").expect("starttls");
        assert_eq!(
            (starttls.port, starttls.security),
            (587, Security::StartTls)
        );
        assert!(
            SmtpServer::parse("smtp://u:p@mail.example.com").is_err(),
            "a password in clear"
        );
        assert!(SmtpServer::parse("smtp://").is_err());
        assert!(
            !format!("{starttls:?}").contains("\"p\""),
            "the password is not in Debug"
        );
    }
}
