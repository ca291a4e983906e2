//! Hostile and malformed requests, table-driven: each gets its documented 4xx as
//! `application/problem+json` (never a 5xx), and the database is left as it was.

use reqwest::header::{HeaderName, HeaderValue};
use reqwest::{Client, Method};
use serde_json::{Value, json};
use sqlx::{AnyPool, Row};

use crate::real_server::{Backend, Database, RealServer, create_account, incident, sign_in};

/// Who sends a request.
#[derive(Clone)]
enum Who {
    Anonymous,
    /// The manager of account A, signed in.
    Manager,
    /// A support engineer, signed in.
    Engineer,
    /// No session, but this `Cookie` header.
    Cookie(String),
}

struct Case {
    name: String,
    method: Method,
    path: String,
    who: Who,
    content_type: Option<Vec<u8>>,
    headers: Vec<(&'static str, Vec<u8>)>,
    body: Option<Vec<u8>>,
    status: u16,
    problem: &'static str,
    /// A `(field, code)` the validation problem's `errors` must hold.
    field_code: Option<(&'static str, &'static str)>,
}

impl Case {
    fn new(name: impl Into<String>, method: Method, path: impl Into<String>, who: Who) -> Case {
        Case {
            name: name.into(),
            method,
            path: path.into(),
            who,
            content_type: None,
            headers: Vec::new(),
            body: None,
            status: 0,
            problem: "",
            field_code: None,
        }
    }

    /// A body sent as `application/json`, whatever it holds.
    fn json(mut self, body: impl Into<Vec<u8>>) -> Case {
        self.content_type = Some(b"application/json".to_vec());
        self.body = Some(body.into());
        self
    }

    /// A body sent as it is, with the content type set apart.
    fn json_free(mut self, body: Vec<u8>) -> Case {
        self.body = Some(body);
        self
    }

    fn content_type(mut self, value: &[u8]) -> Case {
        self.content_type = (!value.is_empty()).then(|| value.to_vec());
        self
    }

    fn header(mut self, name: &'static str, value: impl Into<Vec<u8>>) -> Case {
        self.headers.push((name, value.into()));
        self
    }

    fn expect(mut self, status: u16, problem: &'static str) -> Case {
        self.status = status;
        self.problem = problem;
        self
    }

    /// A 422 validation problem that names `field` with `code`.
    fn invalid(self, field: &'static str, code: &'static str) -> Case {
        let mut case = self.expect(422, "validation");
        case.field_code = Some((field, code));
        case
    }
}

/// What the tables refer to: the other account's ticket and person, account A's own.
struct Fixture {
    own_ticket: i64,
    /// Account A's tickets in each status that refuses something, and a question.
    pending: i64,
    rejected: i64,
    /// Solved and rated.
    solved: i64,
    /// Closed, its reopening window long past.
    closed: i64,
    question: i64,
    own_person: i64,
    other_ticket: i64,
    other_person: i64,
    other_email: String,
    /// A file account A sent with a message on its own ticket, and one of the other account.
    own_file: i64,
    other_file: i64,
}

const TICKET_FIELDS: [&str; 9] = [
    "type",
    "severity",
    "subject",
    "description",
    "environment",
    "platform_version",
    "impact",
    "steps_to_reproduce",
    "language",
];

const CREDENTIALS: &str =
    r#"{"email":"boss-a@example.com","password":"correct horse battery staple"}"#;

fn valid_ticket() -> Value {
    json!({
        "type": "incident", "severity": "high", "subject": "Checkout fails",
        "description": "Every payment answers 502.", "environment": "production",
        "language": "en"
    })
}

fn with(mut body: Value, field: &str, value: Value) -> Vec<u8> {
    body[field] = value;
    body.to_string().into_bytes()
}

fn post_ticket(name: String, body: impl Into<Vec<u8>>) -> Case {
    Case::new(name, Method::POST, "/api/tickets", Who::Manager).json(body)
}

fn ticket_cases() -> Vec<Case> {
    let mut cases = Vec::new();
    let valid = valid_ticket().to_string();
    // Truncated JSON.
    for cut in (0..valid.len()).step_by(valid.len() / 25) {
        cases.push(
            post_ticket(format!("ticket cut at {cut}"), &valid.as_bytes()[..cut])
                .expect(400, "malformed-request"),
        );
    }
    // Deep nesting: within serde_json's depth limit it is a wrong type (422), past it malformed
    // (400), and past 64 KiB too large (413).
    for depth in [2usize, 16, 64, 100] {
        let nested = format!("{}1{}", "[".repeat(depth), "]".repeat(depth));
        cases.push(
            post_ticket(
                format!("subject nested {depth} deep"),
                format!(r#"{{"type":"question","subject":{nested},"description":"d"}}"#),
            )
            .expect(422, "validation"),
        );
        cases.push(
            post_ticket(format!("a top-level array {depth} deep"), nested)
                .expect(422, "validation"),
        );
    }
    for depth in [200usize, 1000, 10_000] {
        let nested = format!("{}{}", "[".repeat(depth), "]".repeat(depth));
        cases.push(
            post_ticket(
                format!("subject nested {depth} deep"),
                format!(r#"{{"type":"question","subject":{nested},"description":"d"}}"#),
            )
            .expect(400, "malformed-request"),
        );
        let objects = format!("{}1{}", r#"{"a":"#.repeat(depth), "}".repeat(depth));
        cases.push(
            post_ticket(format!("objects nested {depth} deep"), objects)
                .expect(400, "malformed-request"),
        );
    }
    cases.push(
        post_ticket(
            "arrays nested 70000 deep (70 KB)".into(),
            "[".repeat(70_000),
        )
        .expect(413, "body-too-large"),
    );
    // Wrong types.
    for field in TICKET_FIELDS {
        for (label, value) in [
            ("a number", json!(5)),
            ("a float", json!(1.5)),
            ("a boolean", json!(true)),
            ("an array", json!(["high"])),
            ("an object", json!({"value": "x"})),
            ("a negative number", json!(-1)),
        ] {
            cases.push(
                post_ticket(
                    format!("{field} as {label}"),
                    with(valid_ticket(), field, value),
                )
                .expect(422, "validation"),
            );
        }
    }
    for field in ["type", "subject", "description"] {
        cases.push(
            post_ticket(
                format!("{field} null"),
                with(valid_ticket(), field, Value::Null),
            )
            .expect(422, "validation"),
        );
    }
    // Unknown enum values.
    let hostile = [
        "' OR 1=1 --",
        "<script>alert(1)</script>",
        "\u{0}",
        "",
        "x".repeat(10_000).leak(),
    ];
    for value in ["bug", "INCIDENT", "Incident", "incidents"]
        .into_iter()
        .chain(hostile)
    {
        cases.push(
            post_ticket(
                format!("type {:.20?}", value),
                with(valid_ticket(), "type", json!(value)),
            )
            .expect(422, "validation"),
        );
    }
    for value in ["critical", "URGENT", "p1", "0"].into_iter().chain(hostile) {
        cases.push(
            post_ticket(
                format!("severity {:.20?}", value),
                with(valid_ticket(), "severity", json!(value)),
            )
            .expect(422, "validation"),
        );
    }
    for value in ["pizza", "../../etc/passwd", "VPN-SETUP"]
        .into_iter()
        .chain(hostile)
    {
        let body = json!({"type": "request", "service": value, "subject": "s", "description": "d"});
        cases.push(
            post_ticket(format!("service {:.20?}", value), body.to_string())
                .expect(422, "validation"),
        );
    }
    for value in ["xx", "EN", "english", "en-GB"].into_iter().chain(hostile) {
        cases.push(
            post_ticket(
                format!("language {:.20?}", value),
                with(valid_ticket(), "language", json!(value)),
            )
            .expect(422, "validation"),
        );
    }
    for (label, body) in [
        (
            "a severity on a question",
            json!({"type": "question", "severity": "low", "subject": "s", "description": "d"}),
        ),
        (
            "a service on an incident",
            json!({"type": "incident", "severity": "low", "service": "vpn-setup", "subject": "s", "description": "d"}),
        ),
        (
            "an incident without severity",
            json!({"type": "incident", "subject": "s", "description": "d"}),
        ),
        (
            "a request without service",
            json!({"type": "request", "subject": "s", "description": "d"}),
        ),
        (
            "blank subject",
            json!({"type": "question", "subject": "   ", "description": "d"}),
        ),
        (
            "no subject",
            json!({"type": "question", "description": "d"}),
        ),
        ("an empty object", json!({})),
    ] {
        cases.push(post_ticket(label.into(), body.to_string()).expect(422, "validation"));
    }
    // Strings longer than the policy allows (counted in characters, not bytes).
    for (field, length) in [
        ("subject", 201),
        ("subject", 10_000),
        ("description", 20_001),
        ("environment", 501),
        ("platform_version", 101),
        ("impact", 2001),
        ("steps_to_reproduce", 10_001),
    ] {
        cases.push(
            post_ticket(
                format!("{field} of {length} characters"),
                with(valid_ticket(), field, json!("x".repeat(length))),
            )
            .expect(422, "validation"),
        );
    }
    cases.push(
        post_ticket(
            "subject of 201 two-byte characters".into(),
            with(valid_ticket(), "subject", json!("é".repeat(201))),
        )
        .expect(422, "validation"),
    );
    // Bodies over the 64 KiB limit.
    // (Far larger ones, whose refusal comes before the client has sent them, are in
    // `tests/api/oversized_bodies.rs` and `tests/browser/oversized-body.test.mjs`.)
    for size in [65 * 1024, 256 * 1024, 1024 * 1024] {
        cases.push(
            post_ticket(
                format!("a body of {size} bytes"),
                with(valid_ticket(), "description", json!("x".repeat(size))),
            )
            .expect(413, "body-too-large"),
        );
    }
    // Control characters.
    for c in [
        '\u{0}', '\u{1}', '\u{7}', '\u{8}', '\u{b}', '\u{c}', '\u{1b}', '\u{7f}', '\u{85}',
        '\u{9b}',
    ] {
        cases.push(
            post_ticket(
                format!("subject with U+{:04X}", c as u32),
                with(
                    valid_ticket(),
                    "subject",
                    json!(format!("Checkout{c}fails")),
                ),
            )
            .expect(422, "validation"),
        );
    }
    for c in ['\u{0}', '\u{1b}'] {
        cases.push(
            post_ticket(
                format!("description with U+{:04X}", c as u32),
                with(valid_ticket(), "description", json!(format!("a{c}b"))),
            )
            .expect(422, "validation"),
        );
    }
    // Invalid UTF-8 inside a string, and escapes of lone surrogates.
    for bytes in [
        &b"\xff"[..],
        b"\xc3\x28",
        b"\xed\xa0\x80",
        b"\xf8\x88\x80\x80\x80",
        b"\xc0\xaf",
        b"\xe2\x82",
    ] {
        let mut body = br#"{"type":"question","subject":"a"#.to_vec();
        body.extend_from_slice(bytes);
        body.extend_from_slice(br#"b","description":"d"}"#);
        cases.push(
            post_ticket(format!("subject with bytes {bytes:x?}"), body)
                .expect(400, "malformed-request"),
        );
    }
    for escape in [r"\ud800", r"\udfff x"] {
        cases.push(
            post_ticket(
                format!("subject with the escape {escape}"),
                format!(r#"{{"type":"question","subject":"a{escape}","description":"d"}}"#),
            )
            .expect(400, "malformed-request"),
        );
    }
    // Wrong content types.
    for content_type in [
        &b""[..],
        b"text/plain",
        b"text/html",
        b"application/x-www-form-urlencoded",
        b"multipart/form-data; boundary=x",
        b"application/xml",
        b"application/octet-stream",
        b"application/jsonp",
        b"json",
    ] {
        cases.push(
            post_ticket(
                format!("content type {:?}", String::from_utf8_lossy(content_type)),
                valid.clone(),
            )
            .content_type(content_type)
            .expect(415, "unsupported-media-type"),
        );
    }
    // Members that are not the client's to set, and unknown ones.
    for field in [
        "id",
        "status",
        "account_id",
        "submitter_id",
        "first_response_due",
        "created_at",
        "opened_at",
        "colour",
        "__proto__",
        "subject ",
    ] {
        cases.push(
            post_ticket(
                format!("the member {field:?}"),
                with(valid_ticket(), field, json!("1")),
            )
            .expect(422, "validation"),
        );
    }
    // Bodies that are JSON but not an object.
    for body in ["[]", "[{}]", "\"ticket\"", "5", "null", "true"] {
        cases.push(post_ticket(format!("the body {body}"), body).expect(422, "validation"));
    }
    // Idempotency keys that are not 1 to 255 visible ASCII characters.
    for (key, code) in [
        (&b""[..], "required"),
        (b" ", "required"),
        (b"a b", "invalid"),
        (b"ke\ty", "control_characters"),
        (b"\xc3\xa9", "invalid"),
        (b"'; DROP TABLE tickets; --", "invalid"),
        ("k".repeat(256).leak().as_bytes(), "too_long"),
    ] {
        cases.push(
            post_ticket(
                format!("Idempotency-Key {:.30?}", String::from_utf8_lossy(key)),
                valid.clone(),
            )
            .header("idempotency-key", key)
            .invalid("Idempotency-Key", code),
        );
    }
    cases
}

fn sign_in_case(name: String, body: impl Into<Vec<u8>>) -> Case {
    Case::new(name, Method::POST, "/api/session", Who::Anonymous).json(body)
}

fn sign_in_cases() -> Vec<Case> {
    let mut cases = Vec::new();
    for cut in (0..CREDENTIALS.len()).step_by(CREDENTIALS.len() / 10) {
        cases.push(
            sign_in_case(
                format!("sign-in cut at {cut}"),
                &CREDENTIALS.as_bytes()[..cut],
            )
            .expect(400, "malformed-request"),
        );
    }
    let credentials: Value = serde_json::from_str(CREDENTIALS).expect("JSON");
    for field in ["email", "password"] {
        for value in [json!(5), json!(true), json!([]), json!({}), Value::Null] {
            cases.push(
                sign_in_case(
                    format!("sign-in {field} as {value}"),
                    with(credentials.clone(), field, value),
                )
                .expect(422, "validation"),
            );
        }
    }
    for body in [
        json!({}),
        json!({"email": "boss-a@example.com"}),
        json!({"password": "correct horse battery staple"}),
        json!({"email": "boss-a@example.com", "password": "correct horse battery staple", "remember": true}),
        json!({"email": "boss-a@example.com", "password": "correct horse battery staple", "account_id": 1}),
        json!([{"email": "boss-a@example.com", "password": "correct horse battery staple"}]),
    ] {
        cases.push(
            sign_in_case(format!("sign-in {body}"), body.to_string()).expect(422, "validation"),
        );
    }
    for (email, code) in [
        ("", "required"),
        ("ana", "invalid"),
        ("' OR '1'='1", "invalid"),
        ("<script>@x", "invalid"),
        ("a@b", "invalid"),
        ("a b@example.com", "invalid"),
        ("boss-a@example.com' OR '1'='1", "invalid"),
        ("ana@exa\u{0}mple.com", "control_characters"),
        (
            format!("{}@example.com", "x".repeat(300)).leak(),
            "too_long",
        ),
    ] {
        cases.push(
            sign_in_case(
                format!("sign-in email {email:.30?}"),
                with(credentials.clone(), "email", json!(email)),
            )
            .invalid("email", code),
        );
    }
    for (label, email, password) in [
        (
            "an injection that looks like an email",
            "admin'--@example.com",
            "x",
        ),
        (
            "markup that looks like an email",
            "\"><img/src=x>@example.com",
            "x",
        ),
        ("a wrong password", "boss-a@example.com", "wrong password"),
        ("an empty password", "boss-a@example.com", ""),
        (
            "a password of 2000 characters",
            "boss-a@example.com",
            "p".repeat(2000).leak(),
        ),
        (
            "an injection as password",
            "boss-a@example.com",
            "' OR '1'='1' --",
        ),
    ] {
        cases.push(
            sign_in_case(
                format!("sign-in with {label}"),
                json!({"email": email, "password": password}).to_string(),
            )
            .expect(401, "wrong-credentials"),
        );
    }
    for content_type in [
        &b""[..],
        b"text/plain",
        b"application/x-www-form-urlencoded",
    ] {
        cases.push(
            sign_in_case(
                format!("sign-in as {:?}", String::from_utf8_lossy(content_type)),
                CREDENTIALS,
            )
            .content_type(content_type)
            .expect(415, "unsupported-media-type"),
        );
    }
    cases.push(
        sign_in_case(
            "sign-in of 1 MiB".into(),
            with(credentials, "password", json!("p".repeat(1024 * 1024))),
        )
        .expect(413, "body-too-large"),
    );
    cases
}

/// `GET /api/tickets?status=`: anything but one known status is a 422 naming `status`,
/// never a 500 and never a query of its own; without a session the answer is 401 first.
fn status_cases() -> Vec<Case> {
    let mut cases = Vec::new();
    for (label, query) in [
        ("an unknown status", "status=archived"),
        ("an empty status", "status="),
        ("a status in capitals", "status=OPEN"),
        ("a status with a space", "status=open%20"),
        ("a number", "status=1"),
        ("a repeated status", "status=open&status=rejected"),
        ("a repeated equal status", "status=open&status=open"),
        ("a bracketed name", "status[]=open"),
        ("SQL", "status=open%27%20OR%20%271%27=%271"),
        (
            "SQL that drops",
            "status=open%27;%20DROP%20TABLE%20tickets;%20--",
        ),
        ("a NUL", "status=open%00"),
        ("bytes that are not UTF-8", "status=%ff%fe"),
        ("markup", "status=%3Cscript%3Ealert(1)%3C/script%3E"),
        ("a long status", &*format!("status={}", "o".repeat(10_000))),
    ] {
        cases.push(
            Case::new(
                format!("list tickets with {label}"),
                Method::GET,
                format!("/api/tickets?{query}"),
                Who::Manager,
            )
            .expect(422, "validation"),
        );
    }
    cases.push(
        Case::new(
            "list tickets of an unknown status without a session",
            Method::GET,
            "/api/tickets?status=archived",
            Who::Anonymous,
        )
        .expect(401, "not-signed-in"),
    );
    cases
}

fn quote_cases() -> Vec<Case> {
    let mut cases = Vec::new();
    let quote = |name: String, query: &str| {
        Case::new(
            name,
            Method::GET,
            format!("/api/quote?{query}"),
            Who::Anonymous,
        )
        .expect(422, "validation")
    };
    for at in [
        "yesterday",
        "2026-13-01T00:00:00Z",
        "2026-02-30T00:00:00Z",
        "2026-01-01T25:00:00Z",
        "2026-01-01T00:60:00Z",
        "2026-01-01T00:00:00",
        "2026-01-01",
        "10000-01-01T00:00:00Z",
        "%2B010000-01-01T00:00:00Z",
        "-010000-01-01T00:00:00Z",
        "2026-01-01T00:00:00%2B99:00",
        "1e309",
        "%27%20OR%201=1%20--",
        "%3Cscript%3E",
        "%00",
        "%ff%fe",
        "",
    ] {
        cases.push(quote(
            format!("quote at {at:?}"),
            &format!("level=1&type=question&at={at}"),
        ));
    }
    // Instants jiff reads but whose deadline lies past the year 9999.
    for (query, label) in [
        (
            "level=1&type=incident&severity=low&at=9999-12-31T00:00:00Z",
            "a deadline past 9999",
        ),
        (
            "level=1&type=request&service=custom-domain&at=9999-12-30T00:00:00Z",
            "a delivery past 9999",
        ),
    ] {
        cases.push(quote(format!("quote of {label}"), query));
    }
    for level in [
        "",
        "0",
        "4",
        "-1",
        "99999999999999999999",
        "three",
        "1.0",
        "%27%20OR%201=1",
    ] {
        cases.push(quote(
            format!("quote level {level:?}"),
            &format!("level={level}&type=question"),
        ));
    }
    for query in [
        "type=question",
        "level=1",
        "level=1&type=question&tsm=yes",
        "level=1&type=question&tsm=2",
        "level=1&type=bug",
        "level=1&type=question&severity=low",
        "level=1&type=incident",
        "level=1&type=incident&severity=critical",
        "level=1&type=request",
        "level=1&type=request&service=pizza",
        "level=1&type=request&service=%3Cimg%20src=x%3E",
        "level=1&type=question&account=1",
        "level[]=1&type=question",
        "level=1&type=question&zone=Mars/Olympus",
        "level=1&type=question&time_zone=Europe/Lisbon",
    ] {
        cases.push(quote(format!("quote {query}"), query));
    }
    cases
}

/// `GET /api/events`: a refusal answers at once as a problem, never as a stream.
fn event_cases(fixture: &Fixture) -> Vec<Case> {
    let get = |name: String, path: String, who: Who| Case::new(name, Method::GET, path, who);
    let mut cases = vec![
        get(
            "events, anonymous".into(),
            "/api/events".into(),
            Who::Anonymous,
        )
        .expect(401, "not-signed-in"),
        get(
            "events, a forged session".into(),
            "/api/events".into(),
            Who::Cookie(format!("support_session={}", "0".repeat(64))),
        )
        .expect(401, "not-signed-in"),
        get(
            "events of another account's ticket".into(),
            format!("/api/events?ticket={}", fixture.other_ticket),
            Who::Manager,
        )
        .expect(404, "not-found"),
        Case::new("POST events", Method::POST, "/api/events", Who::Manager)
            .json("{}")
            .expect(405, "method-not-allowed"),
        Case::new("DELETE events", Method::DELETE, "/api/events", Who::Manager)
            .expect(405, "method-not-allowed"),
    ];
    for ticket in ["abc", "1.5", "99999999999999999999", "1%20OR%201=1"] {
        cases.push(
            get(
                format!("events of ticket {ticket:?}"),
                format!("/api/events?ticket={ticket}"),
                Who::Manager,
            )
            .expect(422, "validation"),
        );
    }
    for last in [
        &b"42"[..],
        b"",
        b"a-b",
        b"-1-2",
        b"1-2-3",
        b"1 - 2",
        b"99999999999999999999-1",
        b"1-9223372036854775808",
        b"1-2' OR '1'='1",
        b"\xff\xfe-1",
    ] {
        cases.push(
            get(
                format!(
                    "events after Last-Event-ID {:?}",
                    String::from_utf8_lossy(last)
                ),
                "/api/events".into(),
                Who::Manager,
            )
            .header("last-event-id", last)
            .expect(400, "malformed-request"),
        );
    }
    cases
}

fn path_cases(fixture: &Fixture) -> Vec<Case> {
    let mut cases = Vec::new();
    let other = fixture.other_ticket;
    for id in [
        "abc",
        "-1",
        "0",
        "99999999999999999999",
        "1.5",
        "1%20OR%201=1",
        "%27%3B%20DROP%20TABLE%20tickets%3B--",
        "..%2F..%2Fetc%2Fpasswd",
        &other.to_string(),
    ] {
        cases.push(
            Case::new(
                format!("GET ticket {id:?}"),
                Method::GET,
                format!("/api/tickets/{id}"),
                Who::Manager,
            )
            .expect(404, "not-found"),
        );
    }
    cases.push(
        Case::new(
            "approve another account's ticket",
            Method::POST,
            format!("/api/tickets/{other}/approve"),
            Who::Manager,
        )
        .expect(404, "not-found"),
    );
    cases.push(
        Case::new(
            "reject another account's ticket",
            Method::POST,
            format!("/api/tickets/{other}/reject"),
            Who::Manager,
        )
        .json(r#"{"reason":"not ours"}"#)
        .expect(404, "not-found"),
    );
    cases.push(
        Case::new(
            "approve ticket abc",
            Method::POST,
            "/api/tickets/abc/approve",
            Who::Manager,
        )
        .expect(404, "not-found"),
    );
    for query in [
        "page=0",
        "page=-1",
        "page=abc",
        "per_page=0",
        "per_page=101",
        "per_page=1e3",
        "page=99999999999999999999",
        "unknown=1",
        "page=1%27%20OR%201=1",
    ] {
        cases.push(
            Case::new(
                format!("list {query}"),
                Method::GET,
                format!("/api/tickets?{query}"),
                Who::Manager,
            )
            .expect(422, "validation"),
        );
    }
    let own = fixture.own_ticket;
    let reject = format!("/api/tickets/{own}/reject");
    let reject_with = |label: &str, body: String| {
        Case::new(
            format!("reject with {label}"),
            Method::POST,
            reject.clone(),
            Who::Manager,
        )
        .json(body)
    };
    for (label, body) in [
        ("no reason", "{}".to_owned()),
        ("a reason that is a number", r#"{"reason":5}"#.to_owned()),
        (
            "an unknown member",
            r#"{"reason":"ok","status":"open"}"#.to_owned(),
        ),
    ] {
        cases.push(reject_with(label, body).expect(422, "validation"));
    }
    for (label, body, code) in [
        ("an empty reason", r#"{"reason":""}"#.to_owned(), "required"),
        (
            "a reason of 2001 characters",
            json!({"reason": "r".repeat(2001)}).to_string(),
            "too_long",
        ),
        (
            "a reason with NUL",
            r#"{"reason":"a\u0000b"}"#.to_owned(),
            "control_characters",
        ),
    ] {
        cases.push(reject_with(label, body).invalid("reason", code));
    }
    cases.push(
        Case::new("reject an open ticket", Method::POST, reject, Who::Manager)
            .json(r#"{"reason":"fine"}"#)
            .expect(409, "ticket-not-pending"),
    );
    cases.push(
        Case::new(
            "approve an open ticket",
            Method::POST,
            format!("/api/tickets/{own}/approve"),
            Who::Manager,
        )
        .expect(409, "ticket-not-pending"),
    );
    // Contacts.
    let add = |label: &str, body: String| {
        Case::new(
            format!("add a contact with {label}"),
            Method::POST,
            "/api/contacts",
            Who::Manager,
        )
        .json(body)
    };
    for (label, body, field, code) in [
        ("an empty email", json!({"email": ""}), "email", "required"),
        ("no @", json!({"email": "nope"}), "email", "invalid"),
        (
            "an injection",
            json!({"email": "' OR 1=1 --"}),
            "email",
            "invalid",
        ),
        (
            "an empty name",
            json!({"email": "x@example.com", "name": ""}),
            "name",
            "required",
        ),
        (
            "a name of 121 characters",
            json!({"email": "x@example.com", "name": "n".repeat(121)}),
            "name",
            "too_long",
        ),
        (
            "a name with ESC",
            json!({"email": "x@example.com", "name": "a\u{1b}[31mb"}),
            "name",
            "control_characters",
        ),
    ] {
        cases.push(add(label, body.to_string()).invalid(field, code));
    }
    for (label, body) in [
        ("a number", json!({"email": 5})),
        ("a role", json!({"email": "x@example.com", "role": "admin"})),
        (
            "is_contact as text",
            json!({"email": "x@example.com", "is_contact": "yes"}),
        ),
        (
            "an account id",
            json!({"email": "x@example.com", "account_id": 2}),
        ),
        (
            "an unknown language",
            json!({"email": "x@example.com", "language": "fr"}),
        ),
        (
            "a language in capitals",
            json!({"email": "x@example.com", "language": "JA"}),
        ),
        (
            "a language as a number",
            json!({"email": "x@example.com", "language": 1}),
        ),
        (
            "a language with a line break",
            json!({"email": "x@example.com", "language": "ja\r\nBcc: x@example.org"}),
        ),
    ] {
        cases.push(add(label, body.to_string()).expect(422, "validation"));
    }
    cases.push(
        add(
            "another account's email",
            json!({"email": fixture.other_email}).to_string(),
        )
        .expect(409, "email-taken"),
    );
    let other_person = fixture.other_person;
    for method in [Method::PATCH, Method::DELETE] {
        let mut case = Case::new(
            format!("{method} another account's person"),
            method.clone(),
            format!("/api/contacts/{other_person}"),
            Who::Manager,
        );
        if method == Method::PATCH {
            case = case.json(r#"{"is_contact":false}"#);
        }
        cases.push(case.expect(404, "not-found"));
    }
    cases.push(
        Case::new(
            "PATCH contact abc",
            Method::PATCH,
            "/api/contacts/abc",
            Who::Manager,
        )
        .json(r#"{"is_contact":false}"#)
        .expect(404, "not-found"),
    );
    let own_person = format!("/api/contacts/{}", fixture.own_person);
    cases.push(
        Case::new(
            "the last manager gives up the right",
            Method::PATCH,
            own_person.clone(),
            Who::Manager,
        )
        .json(r#"{"can_manage_contacts":false}"#)
        .expect(409, "last-contact-manager"),
    );
    cases.push(
        Case::new(
            "the last manager removes themself",
            Method::DELETE,
            own_person.clone(),
            Who::Manager,
        )
        .expect(409, "last-contact-manager"),
    );
    for body in [r#"{"is_contact":"no"}"#, r#"{"unknown":1}"#, "[]"] {
        cases.push(
            Case::new(
                format!("PATCH self with {body}"),
                Method::PATCH,
                own_person.clone(),
                Who::Manager,
            )
            .json(body)
            .expect(422, "validation"),
        );
    }
    cases
}

fn session_cases() -> Vec<Case> {
    let mut cases = Vec::new();
    let cookies = [
        None,
        Some("support_session=".to_owned()),
        Some("support_session=abc".to_owned()),
        Some(format!("support_session={}", "0".repeat(64))),
        Some(format!("support_session={}", "g".repeat(64))),
        Some(format!("support_session={}", "ab".repeat(32))),
        Some("support_session=' OR '1'='1".to_owned()),
        Some(format!("support_session={}", "a".repeat(8000))),
        Some("other=1; support_session=<script>".to_owned()),
    ];
    for cookie in cookies {
        let who = cookie.clone().map_or(Who::Anonymous, Who::Cookie);
        let label = cookie.as_deref().unwrap_or("no cookie");
        let label: String = label.chars().take(40).collect();
        for (method, path) in [
            (Method::GET, "/api/me"),
            (Method::GET, "/api/tickets"),
            (Method::GET, "/api/contacts"),
            (Method::POST, "/api/tickets"),
        ] {
            let mut case = Case::new(
                format!("{method} {path} with {label}"),
                method.clone(),
                path,
                who.clone(),
            );
            if method == Method::POST {
                case = case.json(valid_ticket().to_string());
            }
            cases.push(case.expect(401, "not-signed-in"));
        }
    }
    for (method, path) in [
        (Method::PUT, "/api/tickets"),
        (Method::DELETE, "/api/tickets/1"),
        (Method::PATCH, "/api/me"),
        (Method::POST, "/api/health"),
        (Method::PUT, "/api/session"),
        (Method::PATCH, "/api/session"),
        (Method::GET, "/api/tickets/1/approve"),
    ] {
        cases.push(
            Case::new(format!("{method} {path}"), method, path, Who::Anonymous)
                .expect(405, "method-not-allowed"),
        );
    }
    cases
}

fn life_cases(fixture: &Fixture) -> Vec<Case> {
    let mut cases = Vec::new();
    let own = fixture.own_ticket;
    let other = fixture.other_ticket;
    let at = |id: i64, action: &str| format!("/api/tickets/{id}/{action}");
    let long = |n: usize| "é".repeat(n);
    let post = |name: &str, path: String, body: String| {
        Case::new(name.to_owned(), Method::POST, path, Who::Manager).json(body)
    };
    let message = |name: &str, body: String| post(name, at(own, "messages"), body);
    // A follow-up names a closed ticket of the account, by its id.
    let follow_up = |name: String, follows: Value| {
        post(
            &name,
            "/api/tickets".into(),
            String::from_utf8(with(valid_ticket(), "follows", follows)).expect("JSON is UTF-8"),
        )
    };
    for (label, value) in [
        ("a string", json!(fixture.closed.to_string())),
        ("a float", json!(1.5)),
        ("a boolean", json!(true)),
        ("an array", json!([fixture.closed])),
        ("an object", json!({"id": fixture.closed})),
        ("past i64", json!(9_223_372_036_854_775_808_u64)),
        ("1e30", json!(1e30)),
    ] {
        cases.push(
            follow_up(format!("follow-up named by {label}"), value)
                .invalid("follows", "wrong_type"),
        );
    }
    for value in [0, -5] {
        cases.push(
            follow_up(format!("follow-up of ticket {value}"), json!(value))
                .invalid("follows", "invalid"),
        );
    }
    for (what, id) in [
        ("an open", own),
        ("a pending", fixture.pending),
        ("a rejected", fixture.rejected),
        ("a solved", fixture.solved),
    ] {
        cases.push(
            follow_up(format!("follow-up of {what} ticket"), json!(id))
                .invalid("follows", "invalid"),
        );
    }
    for (what, id) in [("another account's", other), ("a missing", 999_999_999)] {
        cases.push(
            follow_up(format!("follow-up of {what} ticket"), json!(id))
                .invalid("follows", "unknown_value"),
        );
    }
    cases.extend([
        message("message without a body", "{}".into()).expect(422, "validation"),
        message("empty message", r#"{"body":"  "}"#.into()).invalid("body", "required"),
        message(
            "message too long",
            json!({"body": long(20_001)}).to_string(),
        )
        .invalid("body", "too_long"),
        message("message with NUL", r#"{"body":"a\u0000b"}"#.into())
            .invalid("body", "control_characters"),
        message("message body a number", r#"{"body":5}"#.into()).expect(422, "validation"),
        message(
            "message with an unknown member",
            r#"{"body":"x","colour":1}"#.into(),
        )
        .expect(422, "validation"),
        message("message as an array", "[]".into()).expect(422, "validation"),
        message("message cut short", r#"{"body":"#.into()).expect(400, "malformed-request"),
        message(
            "message flag a string",
            r#"{"body":"x","internal":"yes"}"#.into(),
        )
        .expect(422, "validation"),
        message(
            "customer writes an internal note",
            r#"{"body":"x","internal":true}"#.into(),
        )
        .expect(403, "forbidden"),
        message(
            "customer requests information",
            r#"{"body":"x","request_information":true}"#.into(),
        )
        .expect(403, "forbidden"),
        message(
            "message with a bad idempotency key",
            r#"{"body":"x"}"#.into(),
        )
        .header("idempotency-key", "two words")
        .invalid("Idempotency-Key", "invalid"),
        Case::new(
            "message as text",
            Method::POST,
            at(own, "messages"),
            Who::Manager,
        )
        .content_type(b"text/plain")
        .expect(415, "unsupported-media-type"),
        Case::new(
            "anonymous message",
            Method::POST,
            at(own, "messages"),
            Who::Anonymous,
        )
        .json(r#"{"body":"x"}"#)
        .expect(401, "not-signed-in"),
        post(
            "message on another account's ticket",
            at(other, "messages"),
            r#"{"body":"x"}"#.into(),
        )
        .expect(404, "not-found"),
        Case::new(
            "another account's timeline",
            Method::GET,
            at(other, "timeline"),
            Who::Manager,
        )
        .expect(404, "not-found"),
        Case::new(
            "timeline of no ticket",
            Method::GET,
            "/api/tickets/abc/timeline",
            Who::Manager,
        )
        .expect(404, "not-found"),
    ]);
    for (what, id) in [
        ("pending", fixture.pending),
        ("rejected", fixture.rejected),
        ("solved", fixture.solved),
        ("closed", fixture.closed),
    ] {
        cases.push(
            post(
                &format!("message on a {what} ticket"),
                at(id, "messages"),
                r#"{"body":"x"}"#.into(),
            )
            .expect(409, "ticket-takes-no-messages"),
        );
        cases.push(
            post(
                &format!("solve a {what} ticket"),
                at(id, "solve"),
                "{}".into(),
            )
            .expect(409, "ticket-status-conflict"),
        );
        cases.push(
            post(
                &format!("lower a {what} ticket"),
                at(id, "severity"),
                r#"{"severity":"low","reason":"x"}"#.into(),
            )
            .expect(409, "ticket-status-conflict"),
        );
    }
    for (what, id) in [
        ("rejected", fixture.rejected),
        ("solved", fixture.solved),
        ("closed", fixture.closed),
    ] {
        cases.push(
            post(
                &format!("escalate a {what} ticket"),
                at(id, "escalations"),
                r#"{"reason":"severity_increased"}"#.into(),
            )
            .expect(409, "ticket-status-conflict"),
        );
    }
    cases.extend([
        post(
            "solve another account's ticket",
            at(other, "solve"),
            "{}".into(),
        )
        .expect(404, "not-found"),
        post(
            "reopen without a reason",
            at(fixture.solved, "reopen"),
            "{}".into(),
        )
        .expect(422, "validation"),
        post(
            "reopen with an empty reason",
            at(fixture.solved, "reopen"),
            r#"{"reason":""}"#.into(),
        )
        .invalid("reason", "required"),
        post(
            "reopen with a long reason",
            at(fixture.solved, "reopen"),
            json!({"reason": long(2001)}).to_string(),
        )
        .invalid("reason", "too_long"),
        post(
            "reopen an open ticket",
            at(own, "reopen"),
            r#"{"reason":"x"}"#.into(),
        )
        .expect(409, "ticket-status-conflict"),
        post(
            "reopen a closed ticket",
            at(fixture.closed, "reopen"),
            r#"{"reason":"x"}"#.into(),
        )
        .expect(409, "reopen-window-passed"),
        post(
            "reopen another account's ticket",
            at(other, "reopen"),
            r#"{"reason":"x"}"#.into(),
        )
        .expect(404, "not-found"),
        post(
            "rating 0",
            at(fixture.closed, "rating"),
            r#"{"score":0}"#.into(),
        )
        .invalid("score", "invalid"),
        post(
            "rating 6",
            at(fixture.closed, "rating"),
            r#"{"score":6}"#.into(),
        )
        .invalid("score", "invalid"),
        post(
            "rating as text",
            at(fixture.closed, "rating"),
            r#"{"score":"5"}"#.into(),
        )
        .expect(422, "validation"),
        post(
            "rating 1.5",
            at(fixture.closed, "rating"),
            r#"{"score":1.5}"#.into(),
        )
        .expect(422, "validation"),
        post(
            "rating with an empty comment",
            at(fixture.closed, "rating"),
            r#"{"score":3,"comment":" "}"#.into(),
        )
        .invalid("comment", "required"),
        post(
            "rating with a long comment",
            at(fixture.closed, "rating"),
            json!({"score": 3, "comment": long(2001)}).to_string(),
        )
        .invalid("comment", "too_long"),
        post(
            "rating an open ticket",
            at(own, "rating"),
            r#"{"score":5}"#.into(),
        )
        .expect(409, "ticket-status-conflict"),
        post(
            "rating twice",
            at(fixture.solved, "rating"),
            r#"{"score":5}"#.into(),
        )
        .expect(409, "already-rated"),
        post(
            "rating another account's ticket",
            at(other, "rating"),
            r#"{"score":5}"#.into(),
        )
        .expect(404, "not-found"),
        post(
            "an unknown severity",
            at(own, "severity"),
            r#"{"severity":"mild","reason":"x"}"#.into(),
        )
        .expect(422, "validation"),
        post(
            "a severity without a reason",
            at(own, "severity"),
            r#"{"severity":"low"}"#.into(),
        )
        .expect(422, "validation"),
        post(
            "a severity with an empty reason",
            at(own, "severity"),
            r#"{"severity":"low","reason":""}"#.into(),
        )
        .invalid("reason", "required"),
        post(
            "the same severity",
            at(own, "severity"),
            r#"{"severity":"high","reason":"x"}"#.into(),
        )
        .invalid("severity", "invalid"),
        post(
            "a question's severity",
            at(fixture.question, "severity"),
            r#"{"severity":"high","reason":"x"}"#.into(),
        )
        .invalid("severity", "not_allowed"),
        post(
            "another account's severity",
            at(other, "severity"),
            r#"{"severity":"low","reason":"x"}"#.into(),
        )
        .expect(404, "not-found"),
        post(
            "an unknown escalation",
            at(own, "escalations"),
            r#"{"reason":"angry"}"#.into(),
        )
        .expect(422, "validation"),
        post(
            "not handled without detail",
            at(own, "escalations"),
            r#"{"reason":"not_handled"}"#.into(),
        )
        .invalid("detail", "required"),
        post(
            "not handled with an empty detail",
            at(own, "escalations"),
            r#"{"reason":"not_handled","detail":""}"#.into(),
        )
        .invalid("detail", "required"),
        post(
            "not handled with a long detail",
            at(own, "escalations"),
            json!({"reason": "not_handled", "detail": long(2001)}).to_string(),
        )
        .invalid("detail", "too_long"),
        post(
            "escalate another account's ticket",
            at(other, "escalations"),
            r#"{"reason":"severity_increased"}"#.into(),
        )
        .expect(404, "not-found"),
    ]);
    cases
}

const BOUNDARY: &str = "hostile-boundary";
const MULTIPART: &[u8] = b"multipart/form-data; boundary=hostile-boundary";

/// A multipart body of `parts`: each a `Content-Disposition`'s parameters, its other header
/// lines and its bytes.
fn parts(parts: &[(&str, &str, &[u8])]) -> Vec<u8> {
    let mut body = Vec::new();
    for (disposition, headers, bytes) in parts {
        body.extend_from_slice(
            format!(
                "--{BOUNDARY}\r\nContent-Disposition: form-data; {disposition}\r\n{headers}\r\n"
            )
            .as_bytes(),
        );
        body.extend_from_slice(bytes);
        body.extend_from_slice(b"\r\n");
    }
    body.extend_from_slice(format!("--{BOUNDARY}--\r\n").as_bytes());
    body
}

fn one_file(name: &str, bytes: &[u8]) -> Vec<u8> {
    parts(&[(
        &format!("name=\"file\"; filename=\"{name}\""),
        "Content-Type: text/plain\r\n",
        bytes,
    )])
}

/// The shipped policy's largest file.
const LARGEST: usize = 20 * 1024 * 1024;

fn attachment_cases(fixture: &Fixture) -> Vec<Case> {
    let at = |id: i64| format!("/api/tickets/{id}/attachments");
    let upload = |name: &str, id: i64, body: Vec<u8>| {
        Case::new(name.to_owned(), Method::POST, at(id), Who::Manager)
            .content_type(MULTIPART)
            .json_free(body)
    };
    let own = fixture.own_ticket;
    let file = |name: &str| one_file(name, b"a log line");
    let traversal = "../../etc/passwd";
    let lying = parts(&[(
        "name=\"file\"; filename=\"small.txt\"",
        "Content-Length: 3\r\nContent-Type: text/plain\r\n",
        &vec![b'y'; LARGEST + 1],
    )]);
    let mut cases = vec![
        upload("an empty file", own, one_file("empty.txt", b"")).invalid("file", "required"),
        upload("a body with no part", own, parts(&[])).invalid("file", "required"),
        upload(
            "two files",
            own,
            parts(&[
                ("name=\"file\"; filename=\"a.txt\"", "", b"a"),
                ("name=\"file\"; filename=\"b.txt\"", "", b"b"),
            ]),
        )
        .invalid("file", "not_allowed"),
        upload(
            "a file and another part",
            own,
            parts(&[
                ("name=\"file\"; filename=\"a.txt\"", "", b"a"),
                ("name=\"note\"", "", b"hello"),
            ]),
        )
        .invalid("note", "not_allowed"),
        upload(
            "a part that is not `file`",
            own,
            parts(&[("name=\"upload\"; filename=\"a.txt\"", "", b"a")]),
        )
        .invalid("upload", "not_allowed"),
        upload(
            "a part whose type is no media type",
            own,
            parts(&[(
                "name=\"file\"; filename=\"a.txt\"",
                "Content-Type: text\r\n",
                b"a",
            )]),
        )
        .invalid("file", "invalid"),
        upload(
            "a name with a control character",
            own,
            file("bell\u{7}.txt"),
        )
        .expect(400, "malformed-request"),
        upload("a multipart body cut short", own, {
            let mut body = file("cut.txt");
            body.truncate(body.len() - 10);
            body
        })
        .expect(400, "malformed-request"),
        upload(
            "a body of only a boundary line",
            own,
            b"--hostile-boundary\r\n".to_vec(),
        )
        .expect(400, "malformed-request"),
        upload(
            "a file of the limit and one byte",
            own,
            one_file("big.bin", &vec![b'x'; LARGEST + 1]),
        )
        .expect(413, "file-too-large"),
        upload(
            "a part that says 3 bytes and holds more than the limit",
            own,
            lying,
        )
        .expect(413, "file-too-large"),
        upload(
            "a body far over the limit",
            own,
            one_file("huge.bin", &vec![b'x'; LARGEST + 100 * 1024]),
        )
        .expect(413, "file-too-large"),
        upload(
            "a ../ name to another account's ticket",
            fixture.other_ticket,
            file(traversal),
        )
        .expect(404, "not-found"),
        upload(
            "a ../ name to a closed ticket",
            fixture.closed,
            file(traversal),
        )
        .expect(409, "ticket-takes-no-messages"),
        upload("a file to a pending ticket", fixture.pending, file("a.txt"))
            .expect(409, "ticket-takes-no-messages"),
        upload(
            "a file to a rejected ticket",
            fixture.rejected,
            file("a.txt"),
        )
        .expect(409, "ticket-takes-no-messages"),
        upload("a file to a solved ticket", fixture.solved, file("a.txt"))
            .expect(409, "ticket-takes-no-messages"),
        upload("a file to no ticket", 999_999, file("a.txt")).expect(404, "not-found"),
        upload("a file with a bad idempotency key", own, file("a.txt"))
            .header("idempotency-key", "two words")
            .invalid("Idempotency-Key", "invalid"),
        upload(
            "a file with an idempotency key too long",
            own,
            file("a.txt"),
        )
        .header("idempotency-key", "k".repeat(256))
        .invalid("Idempotency-Key", "too_long"),
        Case::new("a file as JSON", Method::POST, at(own), Who::Manager)
            .json(r#"{"file":"a"}"#)
            .expect(415, "unsupported-media-type"),
        Case::new(
            "multipart without a boundary",
            Method::POST,
            at(own),
            Who::Manager,
        )
        .content_type(b"multipart/form-data")
        .json_free(file("a.txt"))
        .expect(415, "unsupported-media-type"),
        Case::new(
            "a file without a session",
            Method::POST,
            at(own),
            Who::Anonymous,
        )
        .content_type(MULTIPART)
        .json_free(file("a.txt"))
        .expect(401, "not-signed-in"),
        Case::new(
            "another account's file",
            Method::GET,
            format!("/api/attachments/{}", fixture.other_file),
            Who::Manager,
        )
        .expect(404, "not-found"),
        Case::new(
            "no such file",
            Method::GET,
            "/api/attachments/999999",
            Who::Manager,
        )
        .expect(404, "not-found"),
        Case::new(
            "a file id that is no number",
            Method::GET,
            "/api/attachments/x",
            Who::Manager,
        )
        .expect(404, "not-found"),
        Case::new(
            "a file without a session",
            Method::GET,
            format!("/api/attachments/{}", fixture.own_file),
            Who::Anonymous,
        )
        .expect(401, "not-signed-in"),
    ];
    let message = |name: &str, id: i64, body: Value| {
        Case::new(
            name.to_owned(),
            Method::POST,
            format!("/api/tickets/{id}/messages"),
            Who::Manager,
        )
        .json(body.to_string())
    };
    let eleven: Vec<i64> = (1..=11).collect();
    cases.extend([
        message(
            "a message with 11 files",
            own,
            json!({"body": "x", "attachments": eleven}),
        )
        .invalid("attachments", "too_long"),
        message(
            "a message with another account's file",
            own,
            json!({"body": "x", "attachments": [fixture.other_file]}),
        )
        .invalid("attachments", "invalid"),
        message(
            "a message with a file sent already",
            own,
            json!({"body": "x", "attachments": [fixture.own_file]}),
        )
        .invalid("attachments", "invalid"),
        message(
            "a message with one file twice",
            own,
            json!({"body": "x", "attachments": [fixture.own_file, fixture.own_file]}),
        )
        .invalid("attachments", "invalid"),
        message(
            "a message with no such file",
            own,
            json!({"body": "x", "attachments": [999_999]}),
        )
        .invalid("attachments", "invalid"),
        message(
            "attachments as a string",
            own,
            json!({"body": "x", "attachments": "1"}),
        )
        .expect(422, "validation"),
        message(
            "attachments of strings",
            own,
            json!({"body": "x", "attachments": ["1"]}),
        )
        .expect(422, "validation"),
        message(
            "a message with a file on a closed ticket",
            fixture.closed,
            json!({"body": "x", "attachments": [fixture.own_file]}),
        )
        .expect(409, "ticket-takes-no-messages"),
    ]);
    cases
}

/// `PUT /api/me/notifications`: bodies that are not the one boolean, and the callers who have
/// no such choice.
fn notification_cases() -> Vec<Case> {
    let put = |name: &str, body: &str| {
        Case::new(
            name.to_owned(),
            Method::PUT,
            "/api/me/notifications",
            Who::Manager,
        )
        .json(body.to_owned())
    };
    vec![
        put("notifications: not JSON", "{").expect(400, "malformed-request"),
        put("notifications: no member", "{}").expect(422, "validation"),
        put("notifications: null", r#"{"account_tickets":null}"#).expect(422, "validation"),
        put("notifications: a string", r#"{"account_tickets":"true"}"#).expect(422, "validation"),
        put("notifications: a number", r#"{"account_tickets":1}"#).expect(422, "validation"),
        put(
            "notifications: an unknown member",
            r#"{"account_tickets":true,"engineers":true}"#,
        )
        .expect(422, "validation"),
        put("notifications: an array", "[true]").expect(422, "validation"),
        put(
            "notifications: over 64 KiB",
            &format!(r#"{{"account_tickets":true,"x":"{}"}}"#, "a".repeat(70_000)),
        )
        .expect(413, "body-too-large"),
        Case::new(
            "notifications as a form",
            Method::PUT,
            "/api/me/notifications",
            Who::Manager,
        )
        .content_type(b"application/x-www-form-urlencoded")
        .json_free(b"account_tickets=true".to_vec())
        .expect(415, "unsupported-media-type"),
        Case::new(
            "notifications without a session",
            Method::PUT,
            "/api/me/notifications",
            Who::Anonymous,
        )
        .json(r#"{"account_tickets":true}"#)
        .expect(401, "not-signed-in"),
        Case::new(
            "notifications of an engineer",
            Method::PUT,
            "/api/me/notifications",
            Who::Engineer,
        )
        .json(r#"{"account_tickets":true}"#)
        .expect(403, "forbidden"),
        Case::new(
            "notifications read with POST",
            Method::POST,
            "/api/me/notifications",
            Who::Manager,
        )
        .json(r#"{"account_tickets":true}"#)
        .expect(405, "method-not-allowed"),
    ]
}

/// The support console: bad filters, cursors, limits, instants and days (from an engineer),
/// bad assignments, and customers and visitors, who may not use it at all.
fn console_cases(fixture: &Fixture) -> Vec<Case> {
    let queue = |name: &str, query: &str| {
        Case::new(
            format!("queue {name}"),
            Method::GET,
            format!("/api/console/queue?{query}"),
            Who::Engineer,
        )
    };
    let long_cursor = "ab".repeat(100);
    let sql_cursor = hex_of("q1.0.0.1 OR 1=1");
    let wrong_flag = hex_of("q1.2.0.1");
    let no_id = hex_of("q1.0.5.0");
    let extra_part = hex_of("q1.0.5.1.2");
    let mut cases = vec![
        queue("limit 0", "limit=0").invalid("limit", "invalid"),
        queue("limit 101", "limit=101").invalid("limit", "invalid"),
        queue("limit -1", "limit=-1").invalid("limit", "invalid"),
        queue("limit as a word", "limit=ten").invalid("limit", "invalid"),
        queue("limit huge", "limit=99999999999999999999").invalid("limit", "invalid"),
        queue("empty cursor", "cursor=").invalid("cursor", "invalid"),
        queue("cursor not hex", "cursor=zz").invalid("cursor", "invalid"),
        queue("cursor of plain text", "cursor=q1.0.0.1").invalid("cursor", "invalid"),
        queue("cursor too long", &format!("cursor={long_cursor}")).invalid("cursor", "invalid"),
        queue("cursor with SQL", &format!("cursor={sql_cursor}")).invalid("cursor", "invalid"),
        queue("cursor of flag 2", &format!("cursor={wrong_flag}")).invalid("cursor", "invalid"),
        queue("cursor of id 0", &format!("cursor={no_id}")).invalid("cursor", "invalid"),
        queue("cursor of four parts", &format!("cursor={extra_part}")).invalid("cursor", "invalid"),
        queue("cursor injection", "cursor=%27%20OR%201=1%20--").invalid("cursor", "invalid"),
        queue("level 4", "level=4").invalid("level", "unknown_value"),
        queue("level 0", "level=0").invalid("level", "unknown_value"),
        queue("level as a word", "level=gold").invalid("level", "unknown_value"),
        queue("severity in capitals", "severity=URGENT").invalid("severity", "unknown_value"),
        queue("severity unknown", "severity=critical").invalid("severity", "unknown_value"),
        queue("type unknown", "type=bug").invalid("type", "unknown_value"),
        queue("status solved", "status=solved").invalid("status", "unknown_value"),
        queue("status pending", "status=pending_approval").invalid("status", "unknown_value"),
        queue("status empty", "status=").invalid("status", "unknown_value"),
        queue("account 0", "account=0").invalid("account", "invalid"),
        queue("account negative", "account=-3").invalid("account", "invalid"),
        queue("account as a word", "account=acme").invalid("account", "invalid"),
        queue("assigned to someone", "assigned=bob").invalid("assigned", "unknown_value"),
        queue("at as a word", "at=yesterday").invalid("at", "invalid"),
        queue("at month 13", "at=2026-13-01T00:00:00Z").invalid("at", "invalid"),
        queue("at without zone", "at=2026-01-01T00:00:00").invalid("at", "invalid"),
        queue("at in year 10000", "at=10000-01-01T00:00:00Z").invalid("at", "invalid"),
        queue("an unknown parameter", "sort=id").invalid("sort", "invalid"),
        queue(
            "an unknown parameter with SQL",
            "order=id%3B%20DROP%20TABLE%20tickets",
        )
        .invalid("order", "invalid"),
        Case::new(
            "queue by a customer",
            Method::GET,
            "/api/console/queue",
            Who::Manager,
        )
        .expect(403, "forbidden"),
        Case::new(
            "queue by a visitor",
            Method::GET,
            "/api/console/queue",
            Who::Anonymous,
        )
        .expect(401, "not-signed-in"),
        Case::new(
            "engineers with a parameter",
            Method::GET,
            "/api/console/engineers?role=customer",
            Who::Engineer,
        )
        .invalid("role", "invalid"),
        Case::new(
            "engineers with SQL in a parameter",
            Method::GET,
            "/api/console/engineers?name=%27%20OR%201=1%20--",
            Who::Engineer,
        )
        .invalid("name", "invalid"),
        Case::new(
            "engineers by a customer",
            Method::GET,
            "/api/console/engineers",
            Who::Manager,
        )
        .expect(403, "forbidden"),
        Case::new(
            "engineers by a visitor",
            Method::GET,
            "/api/console/engineers",
            Who::Anonymous,
        )
        .expect(401, "not-signed-in"),
    ];
    let report = |name: &str, query: &str| {
        Case::new(
            format!("report {name}"),
            Method::GET,
            format!("/api/console/report?{query}"),
            Who::Engineer,
        )
    };
    cases.extend([
        report("without days", "").invalid("from", "required"),
        report("without to", "from=2026-12-01").invalid("to", "required"),
        report("without from", "to=2026-12-01").invalid("from", "required"),
        report("from after to", "from=2026-12-31&to=2026-12-01").invalid("to", "invalid"),
        report("over a year", "from=2025-01-01&to=2026-12-31").invalid("to", "too_long"),
        report("a huge range", "from=0001-01-01&to=9999-12-31").invalid("to", "too_long"),
        report("February 30", "from=2026-02-30&to=2026-03-01").invalid("from", "invalid"),
        report("a short year", "from=26-12-01&to=2026-12-01").invalid("from", "invalid"),
        report("an instant", "from=2026-12-01T00:00:00Z&to=2026-12-02").invalid("from", "invalid"),
        report("day without zero", "from=2026-12-1&to=2026-12-02").invalid("from", "invalid"),
        report("injection", "from=%27%20OR%201=1%20--&to=2026-12-02").invalid("from", "invalid"),
        report(
            "a format of pdf",
            "from=2026-12-01&to=2026-12-02&format=pdf",
        )
        .invalid("format", "unknown_value"),
        report(
            "an unknown parameter",
            "from=2026-12-01&to=2026-12-02&level=1",
        )
        .invalid("level", "invalid"),
        Case::new(
            "report by a customer",
            Method::GET,
            "/api/console/report?from=2026-12-01&to=2026-12-02",
            Who::Manager,
        )
        .expect(403, "forbidden"),
    ]);
    let assign = |name: &str, id: i64, body: &str| {
        Case::new(
            format!("assignment {name}"),
            Method::POST,
            format!("/api/console/tickets/{id}/assignee"),
            Who::Engineer,
        )
        .json(body.to_owned())
    };
    let own = fixture.own_ticket;
    cases.extend([
        assign("to no engineer", own, r#"{"engineer_id":999999}"#)
            .invalid("engineer_id", "invalid"),
        assign(
            "to a customer",
            own,
            &format!(r#"{{"engineer_id":{}}}"#, fixture.own_person),
        )
        .invalid("engineer_id", "invalid"),
        assign("to a string", own, r#"{"engineer_id":"1"}"#).expect(422, "validation"),
        assign("with another member", own, r#"{"engineer_id":null,"by":1}"#)
            .expect(422, "validation"),
        assign("as an array", own, "[1]").expect(422, "validation"),
        assign("truncated", own, r#"{"engineer_id":"#).expect(400, "malformed-request"),
        assign(
            "of a solved ticket",
            fixture.solved,
            r#"{"engineer_id":null}"#,
        )
        .expect(409, "ticket-status-conflict"),
        assign(
            "of a pending ticket",
            fixture.pending,
            r#"{"engineer_id":null}"#,
        )
        .expect(409, "ticket-status-conflict"),
        assign("of no ticket", 999_999, r#"{"engineer_id":null}"#).expect(404, "not-found"),
        Case::new(
            "assignment as a form",
            Method::POST,
            format!("/api/console/tickets/{own}/assignee"),
            Who::Engineer,
        )
        .content_type(b"application/x-www-form-urlencoded")
        .json_free(b"engineer_id=1".to_vec())
        .expect(415, "unsupported-media-type"),
        Case::new(
            "assignment by a customer",
            Method::POST,
            format!("/api/console/tickets/{own}/assignee"),
            Who::Manager,
        )
        .json(r#"{"engineer_id":null}"#)
        .expect(403, "forbidden"),
    ]);
    cases
}

fn hex_of(text: &str) -> String {
    text.bytes().map(|b| format!("{b:02x}")).collect()
}

/// What must not change: every row of every table, as text.
async fn snapshot(pool: &AnyPool) -> Vec<String> {
    let mut rows = Vec::new();
    for sql in [
        "SELECT id, name, level, tsm, country FROM accounts ORDER BY id",
        "SELECT id, account_id, email, name, is_contact, can_manage_contacts, password_hash, language, account_ticket_mail FROM people ORDER BY id",
        "SELECT ticket_id, deadline, due, warned_at FROM deadline_warnings ORDER BY ticket_id, deadline, due",
        "SELECT token_hash, person_id, expires_at FROM sessions ORDER BY token_hash",
        "SELECT id, status, severity, subject, description, details, first_response_due, decided_at, rejection_reason, solved_at, assignee_id, queue_paused, queue_due FROM tickets ORDER BY id",
        "SELECT person_id, idempotency_key, ticket_id FROM idempotency_keys ORDER BY person_id, idempotency_key",
        "SELECT id, ticket_id, at, author_id, kind, body, data FROM ticket_entries ORDER BY id",
        "SELECT id, recipient_address, recipient_name, language, subject, body_text FROM outbox ORDER BY id",
        "SELECT id, ticket_id, uploader_id, name, size, content_type, created_at, entry_id FROM attachments ORDER BY id",
    ] {
        for row in sqlx::query(sql).fetch_all(pool).await.expect("a snapshot") {
            let columns: Vec<String> = (0..row.len())
                .map(|i| {
                    row.try_get::<Option<String>, _>(i)
                        .map(|v| format!("{v:?}"))
                        .or_else(|_| row.try_get::<Option<i64>, _>(i).map(|v| format!("{v:?}")))
                        .unwrap_or_else(|e| format!("<{e}>"))
                })
                .collect();
            rows.push(format!("{sql}: {}", columns.join(" | ")));
        }
    }
    rows
}

async fn send(
    server: &RealServer,
    manager: &Client,
    engineer: &Client,
    case: &Case,
) -> Result<(), String> {
    let plain = Client::new();
    let client = match case.who {
        Who::Manager => manager,
        Who::Engineer => engineer,
        Who::Anonymous | Who::Cookie(_) => &plain,
    };
    let mut request = client.request(case.method.clone(), server.url(&case.path));
    if let Who::Cookie(cookie) = &case.who {
        request = request.header("cookie", cookie);
    }
    if let Some(content_type) = &case.content_type {
        let value = HeaderValue::from_bytes(content_type).map_err(|e| e.to_string())?;
        request = request.header("content-type", value);
    }
    for (name, value) in &case.headers {
        let value = HeaderValue::from_bytes(value).map_err(|e| e.to_string())?;
        request = request.header(HeaderName::from_static(name), value);
    }
    if let Some(body) = &case.body {
        request = request.body(body.clone());
    }
    let response = request
        .send()
        .await
        .map_err(|e| format!("no answer: {e}"))?;
    let status = response.status().as_u16();
    let content_type = response
        .headers()
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned();
    let text = response.text().await.unwrap_or_default();
    let problem: Value = serde_json::from_str(&text).unwrap_or(Value::Null);
    let wanted = format!("/problems/{}", case.problem);
    if status != case.status
        || content_type != "application/problem+json"
        || problem["type"] != wanted.as_str()
        || problem["status"] != status
        || !problem["title"].is_string()
        || case.field_code.is_some_and(|(field, code)| {
            !problem["errors"].as_array().is_some_and(|errors| {
                errors
                    .iter()
                    .any(|e| e["field"] == field && e["code"] == code)
            })
        })
    {
        let shown: String = text.chars().take(300).collect();
        return Err(format!(
            "expected {} {wanted} {:?}, got {status} ({content_type}): {shown}",
            case.status, case.field_code
        ));
    }
    Ok(())
}

async fn fixture(server: &RealServer, manager: &Client, other: &Client) -> Fixture {
    let id_of = |body: &Value, pointer: &str| {
        body.pointer(pointer)
            .and_then(Value::as_i64)
            .unwrap_or_else(|| panic!("{pointer} in {body}"))
    };
    let mut ids = Vec::new();
    for client in [manager, other] {
        let ticket: Value = client
            .post(server.url("/api/tickets"))
            .json(&incident("fixture"))
            .send()
            .await
            .expect("a ticket")
            .json()
            .await
            .expect("its JSON");
        let me: Value = client
            .get(server.url("/api/me"))
            .send()
            .await
            .expect("me")
            .json()
            .await
            .expect("its JSON");
        ids.push((id_of(&ticket, "/id"), id_of(&me, "/person/id")));
    }
    let file = |body: Value| async move {
        let ticket: Value = manager
            .post(server.url("/api/tickets"))
            .json(&body)
            .send()
            .await
            .expect("a ticket")
            .json()
            .await
            .expect("its JSON");
        id_of(&ticket, "/id")
    };
    let act = |path: String, body: Value| async move {
        let response = manager
            .post(server.url(&path))
            .json(&body)
            .send()
            .await
            .expect("an answer");
        assert_eq!(response.status(), 201, "{path}");
    };
    let pending = file(incident("pending")).await;
    let rejected = file(incident("rejected")).await;
    let solved = file(incident("solved")).await;
    act(format!("/api/tickets/{solved}/solve"), json!({})).await;
    act(format!("/api/tickets/{solved}/rating"), json!({"score": 4})).await;
    let closed = file(incident("closed")).await;
    act(format!("/api/tickets/{closed}/solve"), json!({})).await;
    let question = file(json!({
        "type": "question", "subject": "How?", "description": "How does it work?"
    }))
    .await;
    let mut files = Vec::new();
    for (client, ticket) in [(manager, ids[0].0), (other, ids[1].0)] {
        let stored: Value = client
            .post(server.url(&format!("/api/tickets/{ticket}/attachments")))
            .header(
                "content-type",
                std::str::from_utf8(MULTIPART).expect("ASCII"),
            )
            .body(one_file("fixture.log", b"the fixture's log"))
            .send()
            .await
            .expect("an upload")
            .json()
            .await
            .expect("its JSON");
        let file = id_of(&stored, "/id");
        let sent = client
            .post(server.url(&format!("/api/tickets/{ticket}/messages")))
            .json(&json!({"body": "the log", "attachments": [file]}))
            .send()
            .await
            .expect("a message");
        assert_eq!(sent.status(), 201, "send the fixture's file");
        files.push(file);
    }
    Fixture {
        pending,
        rejected,
        solved,
        closed,
        question,
        own_ticket: ids[0].0,
        own_person: ids[0].1,
        other_ticket: ids[1].0,
        other_person: ids[1].1,
        other_email: "boss-b@example.com".to_owned(),
        own_file: files[0],
        other_file: files[1],
    }
}

async fn hostile_requests_get_their_documented_problem_and_change_nothing(backend: Backend) {
    let database = Database::fresh(backend).await;
    create_account(&database, "boss-a@example.com").await;
    create_account(&database, "boss-b@example.com").await;
    // Budgets raised so that the table's sign-ins are judged on their content alone (the
    // limits have their own tests).
    let server = RealServer::start_with(
        &database,
        0,
        &[
            ("SUPPORT_SIGN_IN_PER_EMAIL", "100000"),
            ("SUPPORT_SIGN_IN_PER_IP", "100000"),
        ],
    )
    .await;
    let manager = sign_in(&server, "boss-a@example.com").await;
    let other = sign_in(&server, "boss-b@example.com").await;
    let fixture = fixture(&server, &manager, &other).await;
    let staff = crate::real_server::admin(
        &database,
        &[
            "create-staff",
            "--email",
            "eng@vendor.example",
            "--name",
            "Eve Engineer",
        ],
        &format!("{}\n", crate::real_server::PASSWORD),
    )
    .await;
    assert!(staff.status.success(), "create-staff");
    let engineer = sign_in(&server, "eng@vendor.example").await;
    let pool = database.pool().await;
    // Statuses a contact's own tickets cannot reach through the API at once.
    for (sql, id) in [
        (
            "UPDATE tickets SET status = 'pending_approval', opened_at = NULL, \
             first_response_due = NULL WHERE id = $1",
            fixture.pending,
        ),
        (
            "UPDATE tickets SET status = 'rejected', opened_at = NULL, first_response_due = NULL, \
             rejection_reason = 'a duplicate', decided_at = created_at WHERE id = $1",
            fixture.rejected,
        ),
        (
            "UPDATE tickets SET status = 'closed', solved_at = 0 WHERE id = $1",
            fixture.closed,
        ),
    ] {
        sqlx::query(sql)
            .bind(id)
            .execute(&pool)
            .await
            .expect("a fixture's status");
    }

    let cases: Vec<Case> = ticket_cases()
        .into_iter()
        .chain(sign_in_cases())
        .chain(quote_cases())
        .chain(status_cases())
        .chain(path_cases(&fixture))
        .chain(session_cases())
        .chain(life_cases(&fixture))
        .chain(attachment_cases(&fixture))
        .chain(event_cases(&fixture))
        .chain(console_cases(&fixture))
        .chain(notification_cases())
        .collect();
    assert!(cases.len() >= 200, "{} cases", cases.len());

    let before = snapshot(&pool).await;
    let mut failures = Vec::new();
    for case in &cases {
        if let Err(failure) = send(&server, &manager, &engineer, case).await {
            failures.push(format!("{}: {failure}", case.name));
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} cases failed:\n{}",
        failures.len(),
        cases.len(),
        failures.join("\n")
    );
    let after = snapshot(&pool).await;
    assert_eq!(before, after, "the database changed");
    assert!(
        !server.log().contains("ERROR"),
        "the server logged errors:\n{}",
        server.log()
    );
    eprintln!("{backend:?}: {} hostile requests", cases.len());
}

/// Injections and markup are valid text in a ticket: stored and answered verbatim, as JSON
/// (never as HTML), and no statement in them runs.
async fn text_that_looks_like_sql_or_html_is_kept_as_plain_text(backend: Backend) {
    let database = Database::fresh(backend).await;
    create_account(&database, "boss-a@example.com").await;
    let server = RealServer::start(&database, 0).await;
    let manager = sign_in(&server, "boss-a@example.com").await;
    let body = json!({
        "type": "question",
        "subject": "<script>alert(document.cookie)</script>",
        "description": "'; DROP TABLE tickets; --\n\" OR \"1\"=\"1",
        "environment": "<img src=x onerror=alert(1)>",
        "impact": "{{7*7}} ${7*7} <%= 7*7 %>",
        "steps_to_reproduce": "Robert'); DELETE FROM people; --",
        "language": "en",
    });
    let created = manager
        .post(server.url("/api/tickets"))
        .json(&body)
        .send()
        .await
        .expect("a ticket");
    assert_eq!(created.status(), 201);
    let location = created.headers()["location"]
        .to_str()
        .expect("a location")
        .to_owned();
    let shown = manager
        .get(server.url(&location))
        .send()
        .await
        .expect("the ticket");
    assert_eq!(shown.headers()["content-type"], "application/json");
    assert_eq!(shown.headers()["x-content-type-options"], "nosniff");
    let shown: Value = shown.json().await.expect("JSON");
    for field in [
        "subject",
        "description",
        "environment",
        "impact",
        "steps_to_reproduce",
    ] {
        assert_eq!(shown[field], body[field], "{field}");
    }
    let pool = database.pool().await;
    let tickets: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM tickets")
        .fetch_one(&pool)
        .await
        .expect("the tickets table is still there");
    let people: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM people")
        .fetch_one(&pool)
        .await
        .expect("the people table is still there");
    assert_eq!((tickets, people), (1, 1));
}

on_both!(
    hostile_requests_get_their_documented_problem_and_change_nothing,
    text_that_looks_like_sql_or_html_is_kept_as_plain_text,
);
