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

fn sla(args: &[&str], events: &str) -> Output {
    let file = calendar_file(events);
    let path = file.path().to_string_lossy().into_owned();
    let mut all = vec!["sla", "--events", &path];
    all.extend_from_slice(args);
    run(&all)
}

#[test]
fn sla_prints_both_deadlines_as_one_json_object_with_nulls_where_there_is_none() {
    // Level 3 high: 4 h to the first response and 8 h per update, round the clock. Instants
    // in the file may carry an offset or a fraction; the answer is UTC, whole seconds.
    let events = r#"[
        {"at": "2026-12-24T22:00:00.750Z", "kind": "opened"},
        {"at": "2026-12-25T02:30:00+01:00", "kind": "engineer_request_information"},
        {"at": "2026-12-25T09:00:00Z", "kind": "customer_message"},
        {"at": "2026-12-25T10:00:00Z", "kind": "severity_changed", "severity": "urgent"}
    ]"#;
    let at = |instant: &str| {
        stdout_json(&sla(
            &[
                "--level",
                "3",
                "--type",
                "incident",
                "--severity",
                "high",
                "--at",
                instant,
            ],
            events,
        ))
    };
    assert_eq!(
        at("2026-12-24T21:00:00Z"),
        serde_json::json!({
            "first_response": {"due": null, "met_at": null, "breached": false},
            "update": {"due": null, "paused": false},
        })
    );
    assert_eq!(
        at("2026-12-25T03:00:00Z"),
        serde_json::json!({
            "first_response": {"due": "2026-12-25T02:00:00Z", "met_at": "2026-12-25T01:30:00Z", "breached": false},
            "update": {"due": null, "paused": true},
        })
    );
    assert_eq!(
        at("2026-12-25T09:30:00Z")["update"],
        serde_json::json!({"due": "2026-12-25T17:00:00Z", "paused": false})
    );
    // Urgent (4 h): max(due(09:00, 4h), min(17:00, due(10:00, 4h))) = 14:00.
    let output = sla(
        &[
            "--level",
            "3",
            "--type",
            "incident",
            "--severity",
            "high",
            "--at",
            "2026-12-25T10:00:00Z",
        ],
        events,
    );
    assert_eq!(
        String::from_utf8_lossy(&output.stdout),
        "{\"first_response\":{\"due\":\"2026-12-25T02:00:00Z\",\"met_at\":\"2026-12-25T01:30:00Z\",\"breached\":false},\"update\":{\"due\":\"2026-12-25T14:00:00Z\",\"paused\":false}}\n"
    );
}

#[test]
fn sla_of_a_request_counts_on_the_given_policy() {
    let policy =
        support_rules::DEFAULT_POLICY_TOML.replacen("delivery = \"1d\"", "delivery = \"3h\"", 1);
    let file = calendar_file(&policy);
    let path = file.path().to_string_lossy().into_owned();
    let events = r#"[{"at": "2026-12-04T22:00:00Z", "kind": "opened"}]"#;
    let args = [
        "--level",
        "1",
        "--type",
        "request",
        "--service",
        "database-restore",
        "--at",
        "2026-12-07T02:00:01Z",
    ];
    let mut with_policy = args.to_vec();
    with_policy.extend(["--policy", &path]);
    // 2 h on Friday, then 1 h from Monday 00:00: breached one second after 01:00.
    assert_eq!(
        stdout_json(&sla(&with_policy, events))["first_response"],
        serde_json::json!({"due": "2026-12-07T01:00:00Z", "met_at": null, "breached": true})
    );
    // The shipped catalog's day of business time.
    assert_eq!(
        stdout_json(&sla(&args, events))["first_response"]["due"],
        "2026-12-07T22:00:00Z"
    );
}

#[test]
fn sla_bad_input_exits_with_2_and_says_what_is_wrong() {
    let incident = [
        "--level",
        "2",
        "--type",
        "incident",
        "--severity",
        "normal",
        "--at",
        "2026-12-24T17:30:00Z",
    ];
    let question = [
        "--level",
        "2",
        "--type",
        "question",
        "--at",
        "2026-12-24T17:30:00Z",
    ];
    let opened = r#"{"at": "2026-12-01T10:00:00Z", "kind": "opened"}"#;
    let cases: Vec<(&[&str], String, &str)> = vec![
        (
            &incident,
            format!(r#"[{opened}, {{"at": "2026-12-01T11:00:00Z", "kind": "phone_call"}}]"#),
            "event 1: `phone_call` is not an event kind: one of opened, engineer_message, engineer_request_information, customer_message, severity_changed, solved, reopened",
        ),
        (
            &incident,
            format!(r#"[{opened}, {{"at": "2026-12-01T09:00:00Z", "kind": "customer_message"}}]"#),
            "event 1 (2026-12-01T09:00:00Z) comes before event 0 (2026-12-01T10:00:00Z): events are in time order",
        ),
        (
            &incident,
            r#"[{"at": "2026-12-01T10:00:00Z", "kind": "engineer_message"}]"#.to_owned(),
            "event 0 is `engineer_message` before the ticket opened",
        ),
        (
            &incident,
            "[]".to_owned(),
            "no events: the first one is `opened`",
        ),
        (
            &incident,
            "[{\"at\": ".to_owned(),
            "not a JSON array of events",
        ),
        (
            &incident,
            format!("{{\"events\": [{opened}]}}"),
            "not a JSON array of events",
        ),
        (
            &incident,
            format!(
                r#"[{opened}, {{"at": "2026-12-01T11:00:00Z", "kind": "solved", "by": "me"}}]"#
            ),
            "unknown field `by`",
        ),
        (
            &incident,
            r#"[{"at": "yesterday", "kind": "opened"}]"#.to_owned(),
            "event 0: `yesterday` is not an RFC 3339 instant",
        ),
        (
            &incident,
            format!(r#"[{opened}, {{"at": "2026-12-01T11:00:00Z", "kind": "severity_changed"}}]"#),
            "event 1: `severity_changed` needs the new `severity`",
        ),
        (
            &incident,
            format!(
                r#"[{opened}, {{"at": "2026-12-01T11:00:00Z", "kind": "severity_changed", "severity": "critical"}}]"#
            ),
            "event 1: `critical` is not a severity",
        ),
        (
            &incident,
            format!(
                r#"[{opened}, {{"at": "2026-12-01T11:00:00Z", "kind": "solved", "severity": "low"}}]"#
            ),
            "event 1: only `severity_changed` takes a `severity`",
        ),
        (
            &question,
            format!(
                r#"[{opened}, {{"at": "2026-12-01T11:00:00Z", "kind": "severity_changed", "severity": "low"}}]"#
            ),
            "event 1 changes the severity of a question: only incidents have one",
        ),
        (
            &[
                "--level",
                "2",
                "--type",
                "incident",
                "--at",
                "2026-12-24T17:30:00Z",
            ],
            format!("[{opened}]"),
            "an incident needs --severity",
        ),
    ];
    for (args, events, message) in cases {
        let output = sla(args, &events);
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert_eq!(output.status.code(), Some(2), "{events}: {stderr}");
        assert!(
            stderr.contains(message),
            "{events}: expected {message:?} in {stderr}"
        );
        assert!(output.stdout.is_empty(), "{events} printed an answer");
    }
    let missing = run(&[
        "sla",
        "--level",
        "1",
        "--type",
        "question",
        "--events",
        "/no/such/events.json",
        "--at",
        "2026-12-24T17:30:00Z",
    ]);
    assert_eq!(missing.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&missing.stderr).contains("cannot read /no/such/events.json"));
    assert!(missing.stdout.is_empty());
}
