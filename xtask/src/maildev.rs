//! The demo's mail server: MailDev (npm `maildev`, pinned in package.json) on 127.0.0.1, SMTP
//! on 1025 and its web page on 1080, where every e-mail the server sends can be read.

use std::net::{Ipv4Addr, SocketAddr, TcpStream};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use crate::{Failure, Result, root};

pub const SMTP_PORT: u16 = 1025;
pub const WEB_PORT: u16 = 1080;

fn listening(port: u16) -> bool {
    let address = SocketAddr::from((Ipv4Addr::LOCALHOST, port));
    TcpStream::connect_timeout(&address, Duration::from_millis(300)).is_ok()
}

/// Starts MailDev unless one already listens; returns the server's `SMTP_URL`. MailDev stays
/// in the terminal's process group, so the Ctrl-C that stops the server stops it too.
pub fn ensure() -> Result<String> {
    let smtp_url = format!("smtp://127.0.0.1:{SMTP_PORT}");
    if listening(SMTP_PORT) {
        println!(
            "==> e-mail: something listens on 127.0.0.1:{SMTP_PORT} already (a MailDev of an earlier run?): using it"
        );
        return Ok(smtp_url);
    }
    let script = root().join("node_modules/maildev/bin/maildev");
    Command::new("node")
        .arg(&script)
        .args([
            "--smtp",
            &SMTP_PORT.to_string(),
            "--web",
            &WEB_PORT.to_string(),
        ])
        .args(["--ip", "127.0.0.1", "--silent"])
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .spawn()
        .map_err(|e| Failure::Step(format!("cannot start MailDev ({}): {e}", script.display())))?;
    let started = Instant::now();
    while !(listening(SMTP_PORT) && listening(WEB_PORT)) {
        if started.elapsed() > Duration::from_secs(30) {
            return Err(Failure::Step(format!(
                "MailDev did not listen on 127.0.0.1:{SMTP_PORT} and :{WEB_PORT} within 30 s"
            )));
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    println!(
        "==> e-mail: MailDev takes SMTP on 127.0.0.1:{SMTP_PORT}; read the demo's e-mails at http://127.0.0.1:{WEB_PORT}/"
    );
    Ok(smtp_url)
}
