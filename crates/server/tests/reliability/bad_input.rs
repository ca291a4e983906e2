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

/// What must not change: every row of every table, as text.
async fn snapshot(pool: &AnyPool) -> Vec<String> {
    let mut rows = Vec::new();
    for sql in [
        "SELECT id, name, level, tsm, country FROM accounts ORDER BY id",
        "SELECT id, account_id, email, name, is_contact, can_manage_contacts, password_hash FROM people ORDER BY id",
        "SELECT token_hash, person_id, expires_at FROM sessions ORDER BY token_hash",
        "SELECT id, status, severity, subject, description, details, first_response_due, decided_at, rejection_reason, solved_at FROM tickets ORDER BY id",
        "SELECT person_id, idempotency_key, ticket_id FROM idempotency_keys ORDER BY person_id, idempotency_key",
        "SELECT id, ticket_id, at, author_id, kind, body, data FROM ticket_entries ORDER BY id",
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

async fn send(server: &RealServer, manager: &Client, case: &Case) -> Result<(), String> {
    let plain = Client::new();
    let client = match case.who {
        Who::Manager => manager,
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
        .collect();
    assert!(cases.len() >= 200, "{} cases", cases.len());

    let before = snapshot(&pool).await;
    let mut failures = Vec::new();
    for case in &cases {
        if let Err(failure) = send(&server, &manager, case).await {
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
