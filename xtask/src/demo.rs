//! The demo account `cargo xtask run` signs in with: created when missing, its password set
//! to the printed one when present, through the server's own `admin` commands.

use std::io::Write;
use std::path::Path;
use std::process::{Command, Stdio};

use crate::{Failure, Result, root};

pub const EMAIL: &str = "demo@example.com";
pub const PASSWORD: &str = "demo-password-2026";

/// Runs `support-server admin ARGS` with the password on stdin; whether it succeeded.
fn admin(server: &Path, args: &[&str]) -> Result<bool> {
    let mut child = Command::new(server)
        .current_dir(root())
        .arg("admin")
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| Failure::Step(format!("cannot start {}: {e}", server.display())))?;
    if let Some(mut stdin) = child.stdin.take() {
        writeln!(stdin, "{PASSWORD}")
            .map_err(|e| Failure::Step(format!("cannot pass the demo password: {e}")))?;
    }
    let output = child
        .wait_with_output()
        .map_err(|e| Failure::Step(format!("support-server admin: {e}")))?;
    if !output.status.success() && args.first() == Some(&"create-account") {
        eprint!("{}", String::from_utf8_lossy(&output.stderr));
    }
    Ok(output.status.success())
}

/// Makes sure the demo account exists with the printed password.
pub fn ensure(server: &Path) -> Result {
    println!("\n==> demo account {EMAIL}");
    if admin(server, &["reset-password", "--email", EMAIL])? {
        return Ok(());
    }
    let created = admin(
        server,
        &[
            "create-account",
            "--name",
            "Demo Customer",
            "--level",
            "3",
            "--tsm",
            "--country",
            "PT",
            "--email",
            EMAIL,
            "--contact-name",
            "Demo Contact",
        ],
    )?;
    if created {
        Ok(())
    } else {
        Err(Failure::Step("cannot create the demo account".into()))
    }
}
