//! Files on a ticket: uploads (multipart, one `file` part, the policy's limits), messages
//! that send them, downloads that are always downloads, and who may read which file.

use std::time::Duration;

use reqwest::{Client, StatusCode};
use serde_json::{Value, json};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

use crate::helpers::{Backend, TestApp, ok_json, problem, spawn_app, spawn_app_with};

const BOUNDARY: &str = "----attachment-test-boundary";

/// One part of a multipart body: its field name, file name, content type and bytes.
struct Part<'a> {
    field: &'a str,
    file_name: Option<&'a str>,
    content_type: Option<&'a str>,
    bytes: &'a [u8],
}

fn file_part<'a>(name: &'a str, bytes: &'a [u8]) -> Part<'a> {
    Part {
        field: "file",
        file_name: Some(name),
        content_type: Some("text/plain"),
        bytes,
    }
}

fn multipart(parts: &[Part<'_>]) -> Vec<u8> {
    let mut body = Vec::new();
    for part in parts {
        body.extend_from_slice(format!("--{BOUNDARY}\r\n").as_bytes());
        let mut disposition = format!("Content-Disposition: form-data; name=\"{}\"", part.field);
        if let Some(name) = part.file_name {
            disposition.push_str(&format!("; filename=\"{name}\""));
        }
        body.extend_from_slice(disposition.as_bytes());
        body.extend_from_slice(b"\r\n");
        if let Some(content_type) = part.content_type {
            body.extend_from_slice(format!("Content-Type: {content_type}\r\n").as_bytes());
        }
        body.extend_from_slice(b"\r\n");
        body.extend_from_slice(part.bytes);
        body.extend_from_slice(b"\r\n");
    }
    body.extend_from_slice(format!("--{BOUNDARY}--\r\n").as_bytes());
    body
}

fn multipart_type() -> String {
    format!("multipart/form-data; boundary={BOUNDARY}")
}

async fn send_parts(
    app: &TestApp,
    client: &Client,
    ticket: i64,
    parts: &[Part<'_>],
) -> reqwest::Response {
    client
        .post(app.url(&format!("/api/tickets/{ticket}/attachments")))
        .header("content-type", multipart_type())
        .body(multipart(parts))
        .send()
        .await
        .expect("an answer")
}

/// Uploads one file and returns the stored attachment.
async fn upload(app: &TestApp, client: &Client, ticket: i64, name: &str, bytes: &[u8]) -> Value {
    ok_json(
        send_parts(app, client, ticket, &[file_part(name, bytes)]).await,
        201,
    )
    .await
}

fn id_of(value: &Value) -> i64 {
    value["id"]
        .as_i64()
        .unwrap_or_else(|| panic!("an id in {value}"))
}

async fn file_ticket(app: &TestApp, client: &Client) -> i64 {
    let created = ok_json(
        client
            .post(app.url("/api/tickets"))
            .json(&json!({
                "type": "incident", "severity": "high", "subject": "Checkout fails",
                "description": "Every payment answers 502.", "language": "en"
            }))
            .send()
            .await
            .expect("file a ticket"),
        201,
    )
    .await;
    id_of(&created)
}

async fn post_message(
    app: &TestApp,
    client: &Client,
    ticket: i64,
    body: Value,
) -> reqwest::Response {
    client
        .post(app.url(&format!("/api/tickets/{ticket}/messages")))
        .json(&body)
        .send()
        .await
        .expect("an answer")
}

async fn download(app: &TestApp, client: &Client, id: i64) -> reqwest::Response {
    client
        .get(app.url(&format!("/api/attachments/{id}")))
        .send()
        .await
        .expect("an answer")
}

async fn timeline(app: &TestApp, client: &Client, ticket: i64) -> Vec<Value> {
    let body = ok_json(
        client
            .get(app.url(&format!("/api/tickets/{ticket}/timeline")))
            .send()
            .await
            .expect("the timeline"),
        200,
    )
    .await;
    body["entries"].as_array().expect("entries").clone()
}

async fn stored_files(app: &TestApp) -> i64 {
    sqlx::query_scalar("SELECT COUNT(*) FROM attachments")
        .fetch_one(app.db.reader())
        .await
        .expect("a count")
}

/// A server whose policy takes files of at most 1 KiB and 3 a message (the folder holds the
/// policy file while the server may start again).
async fn small_limits(backend: Backend) -> (TestApp, tempfile::TempDir) {
    let folder = tempfile::tempdir().expect("a folder");
    let path = folder.path().join("policy.toml");
    let policy = support_rules::DEFAULT_POLICY_TOML
        .replacen("max_file_size = \"20MiB\"", "max_file_size = \"1KiB\"", 1)
        .replacen("max_files_per_message = 10", "max_files_per_message = 3", 1);
    std::fs::write(&path, policy).expect("write the policy");
    let app = spawn_app_with(backend, |settings| settings.policy_file = Some(path)).await;
    (app, folder)
}

async fn an_uploaded_file_comes_back_byte_for_byte_as_a_sandboxed_download(backend: Backend) {
    let app = spawn_app(backend).await;
    let customer = app.manager().await;
    let ticket = file_ticket(&app, &customer).await;
    let page = b"<html><script>alert(document.cookie)</script></html>\x00\xff binary tail";
    let response = send_parts(
        &app,
        &customer,
        ticket,
        &[Part {
            content_type: Some("Text/HTML; charset=utf-8"),
            ..file_part("page.html", page)
        }],
    )
    .await;
    let location = response.headers()["location"]
        .to_str()
        .expect("a location")
        .to_owned();
    let stored = ok_json(response, 201).await;
    let id = id_of(&stored);
    assert_eq!(location, format!("/api/attachments/{id}"));
    assert_eq!(
        stored,
        json!({"id": id, "name": "page.html", "size": page.len(), "content_type": "text/html; charset=utf-8"})
    );
    // Sent with a message: one attachment_added entry after it, naming the message.
    let sent = ok_json(
        post_message(
            &app,
            &customer,
            ticket,
            json!({"body": "the page", "attachments": [id]}),
        )
        .await,
        201,
    )
    .await;
    let entries = timeline(&app, &customer, ticket).await;
    let added = entries.last().expect("entries");
    assert_eq!(added["type"], "attachment_added");
    assert_eq!(added["message"], sent["id"]);
    assert_eq!(added["attachment"], stored);
    assert_eq!(added["author"], sent["author"]);

    let engineer = app.engineer().await;
    let other_server = app.another_server().await;
    let others_view = Client::new();
    let cookie_client = customer.clone();
    for (who, client, base) in [
        ("the uploader", &cookie_client, app.address),
        ("an engineer", &engineer, app.address),
        (
            "the uploader, at another server",
            &cookie_client,
            other_server,
        ),
    ] {
        let response = client
            .get(format!("http://{base}/api/attachments/{id}"))
            .header("accept-encoding", "gzip, br")
            .send()
            .await
            .expect("a download");
        assert_eq!(response.status(), 200, "{who}");
        let headers = response.headers().clone();
        let header = |name: &str| {
            headers
                .get(name)
                .and_then(|v| v.to_str().ok())
                .unwrap_or_default()
                .to_owned()
        };
        assert_eq!(header("content-type"), "text/html; charset=utf-8", "{who}");
        assert_eq!(
            header("content-disposition"),
            "attachment; filename=\"page.html\"; filename*=UTF-8''page.html"
        );
        assert_eq!(header("x-content-type-options"), "nosniff");
        assert_eq!(header("content-security-policy"), "sandbox");
        assert_eq!(header("content-length"), page.len().to_string());
        assert_eq!(header("content-encoding"), "", "{who}: sent as stored");
        let bytes = response.bytes().await.expect("the bytes");
        assert_eq!(&bytes[..], &page[..], "{who}");
    }
    problem(download(&app, &others_view, id).await, 401).await;
    problem(download(&app, &customer, id + 1000).await, 404).await;
}

async fn a_file_over_the_policys_limit_is_413_naming_the_limit(backend: Backend) {
    let (app, _policy) = small_limits(backend).await;
    let customer = app.manager().await;
    let ticket = file_ticket(&app, &customer).await;
    let exactly = vec![b'a'; 1024];
    assert_eq!(
        upload(&app, &customer, ticket, "exactly.bin", &exactly).await["size"],
        1024
    );
    // One byte over, in a body well within the framing: counted while read.
    let over = vec![b'a'; 1025];
    let refused = problem(
        send_parts(&app, &customer, ticket, &[file_part("over.bin", &over)]).await,
        413,
    )
    .await;
    assert_eq!(refused["type"], "/problems/file-too-large");
    let detail = refused["detail"].as_str().expect("a detail");
    assert!(
        detail.contains("1KiB") && detail.contains("1024 bytes"),
        "{detail}"
    );
    // A Content-Length far over the limit is answered before the body is read.
    let huge = vec![b'a'; 200 * 1024];
    let early = problem(
        send_parts(&app, &customer, ticket, &[file_part("huge.bin", &huge)]).await,
        413,
    )
    .await;
    assert_eq!(early["type"], "/problems/file-too-large");
    assert_eq!(early["detail"], refused["detail"]);
    assert_eq!(stored_files(&app).await, 1);
    // The JSON endpoints keep their 64 KiB.
    let long = json!({"body": "x".repeat(70 * 1024)});
    let json_refused = problem(post_message(&app, &customer, ticket, long).await, 413).await;
    assert_eq!(json_refused["type"], "/problems/body-too-large");
}

async fn the_shipped_policy_takes_20_mib_and_not_a_byte_more(backend: Backend) {
    let app = spawn_app(backend).await;
    let customer = app.manager().await;
    let ticket = file_ticket(&app, &customer).await;
    let mut bytes = vec![7u8; 20 * 1024 * 1024];
    assert_eq!(
        upload(&app, &customer, ticket, "dump.bin", &bytes).await["size"],
        20_971_520
    );
    bytes.push(7);
    let refused = problem(
        send_parts(&app, &customer, ticket, &[file_part("dump.bin", &bytes)]).await,
        413,
    )
    .await;
    assert!(
        refused["detail"]
            .as_str()
            .is_some_and(|d| d.contains("20MiB (20971520 bytes)")),
        "{refused}"
    );
    assert_eq!(stored_files(&app).await, 1);
}

async fn more_files_than_the_policy_allows_on_one_message_are_422(backend: Backend) {
    let app = spawn_app(backend).await;
    let customer = app.manager().await;
    let ticket = file_ticket(&app, &customer).await;
    let mut ids = Vec::new();
    for n in 0..11 {
        let name = format!("log-{n}.txt");
        ids.push(id_of(
            &upload(&app, &customer, ticket, &name, b"a log line").await,
        ));
    }
    let refused = problem(
        post_message(
            &app,
            &customer,
            ticket,
            json!({"body": "logs", "attachments": ids}),
        )
        .await,
        422,
    )
    .await;
    assert_eq!(refused["errors"][0]["field"], "attachments");
    assert_eq!(refused["errors"][0]["code"], "too_long");
    assert!(
        refused["errors"][0]["problem"]
            .as_str()
            .is_some_and(|p| p.contains("at most 10 files")),
        "{refused}"
    );
    assert_eq!(
        timeline(&app, &customer, ticket).await.len(),
        1,
        "nothing sent"
    );
    let sent = ok_json(
        post_message(
            &app,
            &customer,
            ticket,
            json!({"body": "logs", "attachments": ids[..10]}),
        )
        .await,
        201,
    )
    .await;
    let entries = timeline(&app, &customer, ticket).await;
    let added: Vec<&Value> = entries
        .iter()
        .filter(|e| e["type"] == "attachment_added")
        .collect();
    assert_eq!(added.len(), 10);
    for (entry, id) in added.iter().zip(&ids) {
        assert_eq!(entry["message"], sent["id"]);
        assert_eq!(entry["attachment"]["id"], *id);
    }
    // A file is sent once; a file listed twice is refused.
    let again = problem(
        post_message(
            &app,
            &customer,
            ticket,
            json!({"body": "again", "attachments": [ids[0]]}),
        )
        .await,
        422,
    )
    .await;
    assert_eq!(again["errors"][0]["field"], "attachments");
    let twice = problem(
        post_message(
            &app,
            &customer,
            ticket,
            json!({"body": "twice", "attachments": [ids[10], ids[10]]}),
        )
        .await,
        422,
    )
    .await;
    assert_eq!(twice["errors"][0]["field"], "attachments");
    // The eleventh goes with the next message.
    ok_json(
        post_message(
            &app,
            &customer,
            ticket,
            json!({"body": "the last", "attachments": [ids[10]]}),
        )
        .await,
        201,
    )
    .await;
}

async fn an_empty_file_and_missing_or_extra_parts_are_422(backend: Backend) {
    let app = spawn_app(backend).await;
    let customer = app.manager().await;
    let ticket = file_ticket(&app, &customer).await;
    let empty = problem(
        send_parts(&app, &customer, ticket, &[file_part("empty.txt", b"")]).await,
        422,
    )
    .await;
    assert_eq!(empty["errors"][0]["field"], "file");
    assert_eq!(empty["errors"][0]["code"], "required");
    let none = problem(send_parts(&app, &customer, ticket, &[]).await, 422).await;
    assert_eq!(none["errors"][0]["code"], "required");
    let two = problem(
        send_parts(
            &app,
            &customer,
            ticket,
            &[file_part("a.txt", b"a"), file_part("b.txt", b"b")],
        )
        .await,
        422,
    )
    .await;
    assert_eq!(two["errors"][0]["code"], "not_allowed");
    let other_field = Part {
        field: "comment",
        file_name: None,
        content_type: None,
        bytes: b"hello",
    };
    let extra = problem(
        send_parts(
            &app,
            &customer,
            ticket,
            &[file_part("a.txt", b"a"), other_field],
        )
        .await,
        422,
    )
    .await;
    assert_eq!(extra["errors"][0]["field"], "comment");
    let wrong_name = problem(
        send_parts(
            &app,
            &customer,
            ticket,
            &[Part {
                field: "upload",
                ..file_part("a.txt", b"a")
            }],
        )
        .await,
        422,
    )
    .await;
    assert_eq!(wrong_name["errors"][0]["code"], "not_allowed");
    let bad_type = problem(
        send_parts(
            &app,
            &customer,
            ticket,
            &[Part {
                content_type: Some("text"),
                ..file_part("a.txt", b"a")
            }],
        )
        .await,
        422,
    )
    .await;
    assert_eq!(bad_type["errors"][0]["field"], "file");
    assert_eq!(bad_type["errors"][0]["code"], "invalid");
    let as_json = problem(
        customer
            .post(app.url(&format!("/api/tickets/{ticket}/attachments")))
            .json(&json!({"file": "a"}))
            .send()
            .await
            .expect("an answer"),
        415,
    )
    .await;
    assert_eq!(as_json["type"], "/problems/unsupported-media-type");
    // No type declared: application/octet-stream.
    let untyped = upload_untyped(&app, &customer, ticket).await;
    assert_eq!(untyped["content_type"], "application/octet-stream");
    assert_eq!(stored_files(&app).await, 1);
}

async fn upload_untyped(app: &TestApp, client: &Client, ticket: i64) -> Value {
    ok_json(
        send_parts(
            app,
            client,
            ticket,
            &[Part {
                content_type: None,
                ..file_part("raw", b"\x01\x02")
            }],
        )
        .await,
        201,
    )
    .await
}

async fn a_files_name_loses_its_folders_and_control_characters(backend: Backend) {
    let app = spawn_app(backend).await;
    let customer = app.manager().await;
    let ticket = file_ticket(&app, &customer).await;
    for (sent, kept) in [
        ("../../etc/passwd", "passwd"),
        ("..\\..\\boot.ini", "boot.ini"),
        // Tabs and C1 controls get through HTTP's header rules, and so do the characters
        // that reorder the display (`\u{202E}` would show `exe.txt` as `txt.exe`).
        ("tab\there\u{85}next\u{9b}.log", "tabherenext.log"),
        ("invoice\u{202E}txt.exe", "invoicetxt.exe"),
        ("..", "attachment"),
        ("résumé 日本.pdf", "résumé 日本.pdf"),
    ] {
        let stored = upload(&app, &customer, ticket, sent, b"content").await;
        assert_eq!(stored["name"], kept, "{sent:?}");
        let id = id_of(&stored);
        let response = download(&app, &customer, id).await;
        assert_eq!(response.status(), 200);
        let disposition = response.headers()["content-disposition"]
            .to_str()
            .expect("ASCII")
            .to_owned();
        assert!(
            disposition.starts_with("attachment; filename=\"") && !disposition.contains(".."),
            "{disposition}"
        );
        if kept.is_ascii() {
            assert!(
                disposition.contains(&format!("filename=\"{kept}\"")),
                "{disposition}"
            );
        }
    }
    // Other control characters break the part's headers: the body is malformed.
    let bell = problem(
        send_parts(&app, &customer, ticket, &[file_part("bell\u{7}.log", b"x")]).await,
        400,
    )
    .await;
    assert_eq!(bell["type"], "/problems/malformed-request");
    let long = format!("{}.txt", "n".repeat(400));
    let stored = upload(&app, &customer, ticket, &long, b"content").await;
    let name = stored["name"].as_str().expect("a name");
    assert_eq!(name.chars().count(), 200);
    assert!(name.ends_with(".txt"));
}

/// Sends `head` and `body` on a connection of its own, stops writing, and reads what comes
/// back within 10 s (the status line, or nothing).
async fn raw_exchange(app: &TestApp, head: String, body: &[u8]) -> String {
    let mut connection = TcpStream::connect(app.address).await.expect("connect");
    connection
        .write_all(head.as_bytes())
        .await
        .expect("the head");
    connection.write_all(body).await.expect("the body");
    let _ = connection.shutdown().await;
    let mut answer = Vec::new();
    let _ =
        tokio::time::timeout(Duration::from_secs(10), connection.read_to_end(&mut answer)).await;
    String::from_utf8_lossy(&answer)
        .lines()
        .next()
        .unwrap_or_default()
        .to_owned()
}

async fn session_cookie(app: &TestApp) -> (Client, String) {
    let email = format!("raw{}@example.com", crate::common::random_hex());
    app.create_account(&email, 3, false, "PT").await;
    let response = app
        .client
        .post(app.url("/api/session"))
        .json(&json!({"email": email, "password": crate::helpers::PASSWORD}))
        .send()
        .await
        .expect("sign in");
    let cookie = response
        .headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|value| value.to_str().ok())
        .filter_map(|value| value.split(';').next())
        .collect::<Vec<_>>()
        .join("; ");
    (app.sign_in(&email).await, cookie)
}

async fn a_multipart_body_that_lies_about_its_size_never_stores_a_torn_or_oversized_file(
    backend: Backend,
) {
    let (app, _policy) = small_limits(backend).await;
    let (customer, cookie) = session_cookie(&app).await;
    let ticket = file_ticket(&app, &customer).await;
    let head = |framing: &str| {
        format!(
            "POST /api/tickets/{ticket}/attachments HTTP/1.1\r\nHost: test\r\nCookie: {cookie}\r\n\
             Content-Type: {}\r\n{framing}\r\n",
            multipart_type()
        )
    };
    let body = multipart(&[file_part("log.txt", &[b'x'; 600])]);
    // A Content-Length shorter than the body: the multipart ends before its closing boundary.
    let short = raw_exchange(
        &app,
        head(&format!("Content-Length: {}\r\n", body.len() - 100)),
        &body,
    )
    .await;
    assert!(short.starts_with("HTTP/1.1 400"), "{short}");
    assert_eq!(stored_files(&app).await, 0, "no torn file");
    // A Content-Length longer than what comes: the multipart's closing boundary ends the
    // file, which is stored whole, byte for byte, and nothing more.
    let long = raw_exchange(
        &app,
        head(&format!("Content-Length: {}\r\n", body.len() + 100)),
        &body,
    )
    .await;
    assert!(long.starts_with("HTTP/1.1 201"), "{long}");
    let stored: Vec<Vec<u8>> = sqlx::query_scalar("SELECT content FROM attachments")
        .fetch_all(app.db.reader())
        .await
        .expect("the files");
    assert_eq!(stored, [vec![b'x'; 600]]);
    // A part that declares 3 bytes and holds 2 KiB, chunked so that no request length warns:
    // its bytes are counted.
    let mut lying = format!(
        "--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"small.txt\"\r\n\
         Content-Length: 3\r\nContent-Type: text/plain\r\n\r\n"
    )
    .into_bytes();
    lying.extend_from_slice(&[b'y'; 2048]);
    lying.extend_from_slice(format!("\r\n--{BOUNDARY}--\r\n").as_bytes());
    let mut chunked = format!("{:x}\r\n", lying.len()).into_bytes();
    chunked.extend_from_slice(&lying);
    chunked.extend_from_slice(b"\r\n0\r\n\r\n");
    let counted = raw_exchange(&app, head("Transfer-Encoding: chunked\r\n"), &chunked).await;
    assert!(counted.starts_with("HTTP/1.1 413"), "{counted}");
    // A declared length over the cap is answered at once, whatever follows.
    let declared = raw_exchange(&app, head("Content-Length: 1000000000\r\n"), &body).await;
    assert!(declared.starts_with("HTTP/1.1 413"), "{declared}");
    assert_eq!(stored_files(&app).await, 1);
    // The server goes on.
    assert_eq!(
        upload(&app, &customer, ticket, "log.txt", b"fine").await["size"],
        4
    );
}

async fn another_accounts_ticket_and_files_are_404(backend: Backend) {
    let app = spawn_app(backend).await;
    let a = app.manager().await;
    let b = app.manager().await;
    let a_ticket = file_ticket(&app, &a).await;
    let b_ticket = file_ticket(&app, &b).await;
    let a_file = id_of(&upload(&app, &a, a_ticket, "a.txt", b"of a").await);
    ok_json(
        post_message(
            &app,
            &a,
            a_ticket,
            json!({"body": "a's", "attachments": [a_file]}),
        )
        .await,
        201,
    )
    .await;
    let b_file = id_of(&upload(&app, &b, b_ticket, "b.txt", b"of b").await);
    problem(
        send_parts(&app, &b, a_ticket, &[file_part("x.txt", b"x")]).await,
        404,
    )
    .await;
    problem(download(&app, &b, a_file).await, 404).await;
    let refused = problem(
        post_message(
            &app,
            &a,
            a_ticket,
            json!({"body": "b's file", "attachments": [b_file]}),
        )
        .await,
        422,
    )
    .await;
    assert_eq!(refused["errors"][0]["field"], "attachments");
    // Nor does an upload to one ticket go with a message on another of the account.
    let a_other = file_ticket(&app, &a).await;
    let elsewhere = id_of(&upload(&app, &a, a_other, "c.txt", b"c").await);
    problem(
        post_message(
            &app,
            &a,
            a_ticket,
            json!({"body": "c", "attachments": [elsewhere]}),
        )
        .await,
        422,
    )
    .await;
    assert_eq!(stored_files(&app).await, 3);
}

async fn a_customer_never_gets_the_file_of_an_internal_note(backend: Backend) {
    let app = spawn_app(backend).await;
    let customer = app.manager().await;
    let colleague = app
        .add_person(
            &customer,
            &format!("colleague{}@example.com", crate::common::random_hex()),
            true,
        )
        .await;
    let ticket = file_ticket(&app, &customer).await;
    let engineer = app.engineer().await;
    let secret = id_of(
        &upload(
            &app,
            &engineer,
            ticket,
            "NOTEFILE-secret.txt",
            b"the diagnosis",
        )
        .await,
    );
    // Not sent yet: its uploader's alone.
    problem(download(&app, &customer, secret).await, 404).await;
    ok_json(
        post_message(
            &app,
            &engineer,
            ticket,
            json!({"body": "see file", "internal": true, "attachments": [secret]}),
        )
        .await,
        201,
    )
    .await;
    assert_eq!(download(&app, &engineer, secret).await.status(), 200);
    let another_engineer = app.engineer().await;
    assert_eq!(
        download(&app, &another_engineer, secret).await.status(),
        200
    );
    for client in [&customer, &colleague] {
        problem(download(&app, client, secret).await, 404).await;
        for path in [
            format!("/api/tickets/{ticket}/timeline"),
            format!("/api/tickets/{ticket}"),
            "/api/tickets".to_owned(),
        ] {
            let text = client
                .get(app.url(&path))
                .send()
                .await
                .expect("an answer")
                .text()
                .await
                .expect("a body");
            assert!(!text.contains("NOTEFILE"), "{path}: {text}");
            assert!(!text.contains("attachment_added"), "{path}: {text}");
        }
    }
    let seen = timeline(&app, &engineer, ticket).await;
    assert_eq!(seen.last().expect("entries")["type"], "attachment_added");
    // A customer's upload is theirs until sent, then everyone's of the ticket.
    let log = id_of(&upload(&app, &customer, ticket, "app.log", b"ERROR 502").await);
    problem(download(&app, &colleague, log).await, 404).await;
    problem(download(&app, &engineer, log).await, 404).await;
    ok_json(
        post_message(
            &app,
            &customer,
            ticket,
            json!({"body": "our log", "attachments": [log]}),
        )
        .await,
        201,
    )
    .await;
    for client in [&customer, &colleague, &engineer] {
        assert_eq!(download(&app, client, log).await.status(), 200);
    }
    // An engineer cannot send a customer's upload, nor the other way round.
    let mine = id_of(&upload(&app, &customer, ticket, "mine.txt", b"m").await);
    problem(
        post_message(
            &app,
            &engineer,
            ticket,
            json!({"body": "x", "attachments": [mine]}),
        )
        .await,
        422,
    )
    .await;
}

async fn uploads_follow_the_rules_of_messages(backend: Backend) {
    let app = spawn_app(backend).await;
    let manager = app.manager().await;
    let person = app
        .add_person(
            &manager,
            &format!("person{}@example.com", crate::common::random_hex()),
            false,
        )
        .await;
    let ticket = file_ticket(&app, &manager).await;
    problem(
        send_parts(&app, &person, ticket, &[file_part("x.txt", b"x")]).await,
        403,
    )
    .await;
    problem(
        send_parts(&app, &Client::new(), ticket, &[file_part("x.txt", b"x")]).await,
        401,
    )
    .await;
    let solved = ok_json(
        manager
            .post(app.url(&format!("/api/tickets/{ticket}/solve")))
            .send()
            .await
            .expect("solve"),
        201,
    )
    .await;
    assert_eq!(solved["type"], "solved");
    let refused = problem(
        send_parts(&app, &manager, ticket, &[file_part("x.txt", b"x")]).await,
        409,
    )
    .await;
    assert_eq!(refused["type"], "/problems/ticket-takes-no-messages");
    // An engineer's file may still go with an internal note on a solved ticket.
    let engineer = app.engineer().await;
    let note_file = id_of(&upload(&app, &engineer, ticket, "note.txt", b"n").await);
    ok_json(
        post_message(
            &app,
            &engineer,
            ticket,
            json!({"body": "n", "internal": true, "attachments": [note_file]}),
        )
        .await,
        201,
    )
    .await;
    sqlx::query("UPDATE tickets SET status = 'closed' WHERE id = $1")
        .bind(ticket)
        .execute(app.db.writer())
        .await
        .expect("close the ticket");
    for client in [&manager, &engineer] {
        let closed = problem(
            send_parts(&app, client, ticket, &[file_part("x.txt", b"x")]).await,
            409,
        )
        .await;
        assert_eq!(closed["type"], "/problems/ticket-takes-no-messages");
    }
    assert_eq!(stored_files(&app).await, 1);
}

async fn a_retried_message_sends_its_files_once(backend: Backend) {
    let app = spawn_app(backend).await;
    let customer = app.manager().await;
    let ticket = file_ticket(&app, &customer).await;
    let id = id_of(&upload(&app, &customer, ticket, "a.txt", b"a").await);
    let send = || async {
        customer
            .post(app.url(&format!("/api/tickets/{ticket}/messages")))
            .header("Idempotency-Key", "with-a-file")
            .json(&json!({"body": "with a file", "attachments": [id]}))
            .send()
            .await
            .expect("an answer")
    };
    let first = send().await.text().await.expect("a body");
    let second = send().await;
    assert_eq!(second.status(), StatusCode::CREATED);
    assert_eq!(second.text().await.expect("a body"), first);
    let added = timeline(&app, &customer, ticket)
        .await
        .iter()
        .filter(|e| e["type"] == "attachment_added")
        .count();
    assert_eq!(added, 1);
    // The same key with other files is another request.
    let other = id_of(&upload(&app, &customer, ticket, "b.txt", b"b").await);
    let reused = problem(
        customer
            .post(app.url(&format!("/api/tickets/{ticket}/messages")))
            .header("Idempotency-Key", "with-a-file")
            .json(&json!({"body": "with a file", "attachments": [other]}))
            .send()
            .await
            .expect("an answer"),
        409,
    )
    .await;
    assert_eq!(reused["type"], "/problems/idempotency-key-reused");
}

/// An upload retried with its `Idempotency-Key` (the answer was lost, say) stores one file and
/// gets the first answer again; even concurrent twins make one file. The key with another
/// file is refused.
async fn a_retried_upload_with_its_key_stores_one_file(backend: Backend) {
    let app = spawn_app(backend).await;
    let customer = app.manager().await;
    let ticket = file_ticket(&app, &customer).await;
    let before = stored_files(&app).await;
    let send = |key: &'static str, bytes: &'static [u8]| {
        let request = customer
            .post(app.url(&format!("/api/tickets/{ticket}/attachments")))
            .header("Idempotency-Key", key)
            .header("content-type", multipart_type())
            .body(multipart(&[file_part("log.txt", bytes)]));
        async move { request.send().await.expect("an answer") }
    };
    let first = send("the-log", b"one log line").await;
    assert_eq!(first.status(), StatusCode::CREATED);
    let location = first.headers().get("location").cloned();
    let first = first.text().await.expect("a body");
    let answers = futures::future::join_all((0..5).map(|_| send("the-log", b"one log line"))).await;
    for answer in answers {
        assert_eq!(answer.status(), StatusCode::CREATED);
        assert_eq!(answer.headers().get("location").cloned(), location);
        assert_eq!(answer.text().await.expect("a body"), first);
    }
    assert_eq!(
        stored_files(&app).await,
        before + 1,
        "one file for six posts"
    );
    let twins = futures::future::join_all((0..5).map(|_| send("twins", b"at once"))).await;
    let mut ids = std::collections::BTreeSet::new();
    for answer in twins {
        assert_eq!(answer.status(), StatusCode::CREATED);
        ids.insert(id_of(&answer.json::<Value>().await.expect("a file")));
    }
    assert_eq!(ids.len(), 1, "concurrent twins answer one file");
    assert_eq!(stored_files(&app).await, before + 2);
    let reused = problem(send("the-log", b"another log").await, 409).await;
    assert_eq!(reused["type"], "/problems/idempotency-key-reused");
    assert_eq!(stored_files(&app).await, before + 2);
}

on_both!(
    a_retried_upload_with_its_key_stores_one_file,
    an_uploaded_file_comes_back_byte_for_byte_as_a_sandboxed_download,
    a_file_over_the_policys_limit_is_413_naming_the_limit,
    the_shipped_policy_takes_20_mib_and_not_a_byte_more,
    more_files_than_the_policy_allows_on_one_message_are_422,
    an_empty_file_and_missing_or_extra_parts_are_422,
    a_files_name_loses_its_folders_and_control_characters,
    a_multipart_body_that_lies_about_its_size_never_stores_a_torn_or_oversized_file,
    another_accounts_ticket_and_files_are_404,
    a_customer_never_gets_the_file_of_an_internal_note,
    uploads_follow_the_rules_of_messages,
    a_retried_message_sends_its_files_once,
);
