//! `support-server admin ...`, run as an operator (or `cargo xtask run`) runs it.

use std::io::Write;
use std::process::{Command, Output, Stdio};

fn admin(database_url: &str, args: &[&str], stdin: &str) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_support-server"))
        .arg("admin")
        .args(args)
        .env("DATABASE_URL", database_url)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run support-server");
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(stdin.as_bytes())
        .expect("write the password");
    child.wait_with_output().expect("wait for support-server")
}

const CREATE: &[&str] = &[
    "create-account",
    "--name",
    "Example Lda",
    "--level",
    "3",
    "--tsm",
    "--country",
    "PT",
    "--email",
    "ana@example.com",
];

#[test]
fn create_account_makes_the_database_and_refuses_an_email_twice() {
    let folder = tempfile::tempdir().expect("a temporary folder");
    let url = format!("sqlite://{}/data/support.db", folder.path().display());
    let created = admin(
        &url,
        CREATE,
        "a long enough password\nignored second line\n",
    );
    assert!(
        created.status.success(),
        "{}",
        String::from_utf8_lossy(&created.stderr)
    );
    assert!(folder.path().join("data/support.db").is_file());

    let again = admin(&url, CREATE, "a long enough password\n");
    assert_eq!(again.status.code(), Some(1));
    let message = String::from_utf8_lossy(&again.stderr);
    assert!(
        message.contains("ana@example.com already belongs to a person"),
        "{message}"
    );
}

#[test]
fn reset_password_needs_a_known_email_and_a_password_on_stdin() {
    let folder = tempfile::tempdir().expect("a temporary folder");
    let url = format!("sqlite://{}/support.db", folder.path().display());
    let unknown = admin(
        &url,
        &["reset-password", "--email", "nobody@example.com"],
        "a long enough password\n",
    );
    assert_eq!(unknown.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&unknown.stderr).contains("no person has the email"));

    assert!(
        admin(&url, CREATE, "a long enough password\n")
            .status
            .success()
    );
    let empty = admin(&url, &["reset-password", "--email", "ANA@example.com"], "");
    assert_eq!(empty.status.code(), Some(1));
    let short = admin(
        &url,
        &["reset-password", "--email", "ana@example.com"],
        "short\n",
    );
    assert_eq!(short.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&short.stderr).contains("at least"));
    let reset = admin(
        &url,
        &["reset-password", "--email", "ANA@example.com"],
        "another long password\r\n",
    );
    assert!(
        reset.status.success(),
        "{}",
        String::from_utf8_lossy(&reset.stderr)
    );
}

#[test]
fn bad_account_values_are_refused_with_the_flag_named() {
    let folder = tempfile::tempdir().expect("a temporary folder");
    let url = format!("sqlite://{}/support.db", folder.path().display());
    let mut args = CREATE.to_vec();
    args[7] = "XX";
    let output = admin(&url, &args, "a long enough password\n");
    assert_eq!(output.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&output.stderr).contains("--country"));
}

#[test]
fn create_staff_makes_an_engineer_of_no_account_and_refuses_a_customers_email() {
    let folder = tempfile::tempdir().expect("a temporary folder");
    let url = format!("sqlite://{}/support.db", folder.path().display());
    let staff = [
        "create-staff",
        "--email",
        "eng@vendor.example",
        "--name",
        "Eve Engineer",
    ];
    let created = admin(&url, &staff, "a long enough password\n");
    assert!(
        created.status.success(),
        "{}",
        String::from_utf8_lossy(&created.stderr)
    );
    assert!(String::from_utf8_lossy(&created.stdout).contains("created engineer"));
    let again = admin(&url, &staff, "a long enough password\n");
    assert_eq!(again.status.code(), Some(1));
    assert!(
        String::from_utf8_lossy(&again.stderr).contains("already belongs to a person"),
        "{}",
        String::from_utf8_lossy(&again.stderr)
    );
    assert!(
        admin(&url, CREATE, "a long enough password\n")
            .status
            .success()
    );
    let customer = admin(
        &url,
        &[
            "create-staff",
            "--email",
            "ana@example.com",
            "--name",
            "Ana",
        ],
        "a long enough password\n",
    );
    assert_eq!(customer.status.code(), Some(1), "a customer's email");
    let short = admin(
        &url,
        &["create-staff", "--email", "x@vendor.example", "--name", "X"],
        "short\n",
    );
    assert_eq!(short.status.code(), Some(1), "a short password");
}
