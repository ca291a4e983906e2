//! The `calendar` and `quote` commands, run as other tools run them.

use std::process::{Command, Output};

fn run(args: &[&str]) -> Output {
    match Command::new(env!("CARGO_BIN_EXE_support-server"))
        .args(args)
        .output()
    {
        Ok(output) => output,
        Err(error) => panic!("cannot run support-server: {error}"),
    }
}

fn stdout_json(output: &Output) -> serde_json::Value {
    assert!(
        output.status.success(),
        "stderr: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    match serde_json::from_slice(&output.stdout) {
        Ok(value) => value,
        Err(error) => panic!(
            "not JSON ({error}): {}",
            String::from_utf8_lossy(&output.stdout)
        ),
    }
}

fn calendar_file(text: &str) -> tempfile::NamedTempFile {
    let file = match tempfile::NamedTempFile::new() {
        Ok(file) => file,
        Err(error) => panic!("{error}"),
    };
    if let Err(error) = std::fs::write(file.path(), text) {
        panic!("{error}");
    }
    file
}

const OFFICE: &str = r#"
[calendars.office]
time_zone = "Europe/Lisbon"
hours = { mon = ["09:00-18:00"], tue = ["09:00-18:00"], wed = ["09:00-18:00"], thu = ["09:00-18:00"], fri = ["09:00-18:00"] }
holidays = ["01-01", "12-25"]
"#;

#[test]
fn calendar_prints_status_and_deadline_as_one_json_object() {
    let file = calendar_file(OFFICE);
    let path = file.path().to_string_lossy().into_owned();
    let output = run(&[
        "calendar",
        "--policy",
        &path,
        "--calendar",
        "office",
        "--at",
        "2026-12-24T17:30:00Z",
        "--add",
        "8h",
    ]);
    let expected = serde_json::json!({
        "open": true,
        "next_open": "2026-12-28T09:00:00Z",
        "next_close": "2026-12-24T18:00:00Z",
        "due": "2026-12-28T16:30:00Z",
    });
    assert_eq!(stdout_json(&output), expected);
    let without_add = stdout_json(&run(&[
        "calendar",
        "--policy",
        &path,
        "--calendar",
        "office",
        "--at",
        "2026-12-26T10:00:00Z",
    ]));
    assert_eq!(
        without_add,
        serde_json::json!({"open": false, "next_open": "2026-12-28T09:00:00Z", "next_close": "2026-12-28T18:00:00Z"})
    );
}

#[test]
fn calendar_of_an_always_open_calendar_has_nulls() {
    let file = calendar_file("[calendars.always]\nalways_open = true\n");
    let path = file.path().to_string_lossy().into_owned();
    let output = run(&[
        "calendar",
        "--policy",
        &path,
        "--calendar",
        "always",
        "--at",
        "2026-01-01T00:00:00Z",
        "--add",
        "3d",
    ]);
    assert_eq!(
        stdout_json(&output),
        serde_json::json!({"open": true, "next_open": null, "next_close": null, "due": "2026-01-04T00:00:00Z"})
    );
}

#[test]
fn quote_prints_the_deadline_and_each_channel() {
    let output = run(&[
        "quote",
        "--level",
        "3",
        "--tsm",
        "--type",
        "incident",
        "--severity",
        "high",
        "--at",
        "2026-12-25T03:00:00Z",
    ]);
    let quote = stdout_json(&output);
    assert_eq!(quote["first_response_due"], "2026-12-25T05:00:00Z");
    assert_eq!(quote["channels"][0]["channel"], "web");
    assert_eq!(quote["channels"][0]["open"], true);
    let request = stdout_json(&run(&[
        "quote",
        "--level",
        "1",
        "--type",
        "request",
        "--service",
        "database-restore",
        "--at",
        "2026-11-27T15:00:00Z",
    ]));
    assert_eq!(request["first_response_due"], "2026-11-30T15:00:00Z");
    let question = stdout_json(&run(&[
        "quote",
        "--level",
        "2",
        "--type",
        "question",
        "--at",
        "2026-11-28T10:00:00Z",
    ]));
    assert_eq!(question["channels"][1]["next_open"], "2026-11-30T00:00:00Z");
}

#[test]
fn bad_arguments_exit_with_2_and_say_what_is_wrong() {
    let file = calendar_file(OFFICE);
    let path = file.path().to_string_lossy().into_owned();
    let broken = calendar_file(
        "[calendars.office]\ntime_zone = \"Europe/Lisboa\"\nhours = { mon = [\"09:00-18:00\"] }\n",
    );
    let broken_path = broken.path().to_string_lossy().into_owned();
    let cases: Vec<(Vec<&str>, &str)> = vec![
        (
            vec![
                "calendar",
                "--policy",
                &path,
                "--calendar",
                "nope",
                "--at",
                "2026-12-24T17:30:00Z",
            ],
            "has no calendar `nope`",
        ),
        (
            vec![
                "calendar",
                "--policy",
                &path,
                "--calendar",
                "office",
                "--at",
                "tomorrow",
            ],
            "--at",
        ),
        (
            vec![
                "calendar",
                "--policy",
                &path,
                "--calendar",
                "office",
                "--at",
                "2026-12-24T17:30:00Z",
                "--add",
                "8 hours",
            ],
            "a duration is a number and a unit",
        ),
        (
            vec![
                "calendar",
                "--policy",
                "/no/such/file.toml",
                "--calendar",
                "office",
                "--at",
                "2026-12-24T17:30:00Z",
            ],
            "cannot read /no/such/file.toml",
        ),
        (
            vec![
                "calendar",
                "--policy",
                &broken_path,
                "--calendar",
                "office",
                "--at",
                "2026-12-24T17:30:00Z",
            ],
            "`calendars.office.time_zone`: `Europe/Lisboa` is not a known IANA time zone",
        ),
        (
            vec![
                "quote",
                "--level",
                "4",
                "--type",
                "incident",
                "--severity",
                "high",
                "--at",
                "2026-12-24T17:30:00Z",
            ],
            "there is no support level 4",
        ),
        (
            vec![
                "quote",
                "--level",
                "1",
                "--type",
                "incident",
                "--at",
                "2026-12-24T17:30:00Z",
            ],
            "an incident needs --severity",
        ),
        (
            vec![
                "quote",
                "--level",
                "1",
                "--type",
                "request",
                "--service",
                "teleport",
                "--at",
                "2026-12-24T17:30:00Z",
            ],
            "no service `teleport`",
        ),
        (
            vec![
                "quote",
                "--level",
                "1",
                "--type",
                "incident",
                "--severity",
                "critical",
                "--at",
                "2026-12-24T17:30:00Z",
            ],
            "`critical` is not a severity",
        ),
    ];
    for (args, message) in cases {
        let output = run(&args);
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert_eq!(output.status.code(), Some(2), "{args:?}: {stderr}");
        assert!(
            stderr.contains(message),
            "{args:?}: expected {message:?} in {stderr}"
        );
        assert!(output.stdout.is_empty(), "{args:?} printed an answer");
    }
}
