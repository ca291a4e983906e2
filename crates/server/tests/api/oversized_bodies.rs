//! A client that sends a body over the limit reads its 413, however large the body, because
//! the server reads (and discards) what is still coming before it closes. The client here is a
//! raw TCP one that writes its whole body, in pieces, and only then reads, as many real
//! clients do; so a server that closed early would show up as a broken pipe or a reset.

use std::net::SocketAddr;
use std::time::{Duration, Instant};

use serde_json::Value;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

use crate::helpers::{Backend, PASSWORD, TestApp, spawn_app, spawn_app_with};

const FIVE_MB: usize = 5 * 1000 * 1000;
const PIECE: usize = 64 * 1024;
const ROUNDS: usize = 20;

#[derive(Debug, Clone, Copy)]
enum Framing {
    ContentLength,
    Chunked,
}

/// Where an oversized body goes, as what, and the problem it must read.
struct Target {
    path: String,
    content_type: String,
    problem: &'static str,
}

impl Target {
    fn tickets() -> Target {
        Target {
            path: "/api/tickets".to_owned(),
            content_type: "application/json".to_owned(),
            problem: "/problems/body-too-large",
        }
    }

    /// The upload of a file to ticket `id`.
    fn attachments(id: i64) -> Target {
        Target {
            path: format!("/api/tickets/{id}/attachments"),
            content_type: format!("multipart/form-data; boundary={BOUNDARY}"),
            problem: "/problems/file-too-large",
        }
    }
}

const BOUNDARY: &str = "oversized-boundary";
const MIB: usize = 1024 * 1024;

/// A multipart body with one `file` part of `size` bytes.
fn upload_of(size: usize) -> Vec<u8> {
    let mut body = format!(
        "--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"big.log\"\r\n\
         Content-Type: application/octet-stream\r\n\r\n"
    )
    .into_bytes();
    body.resize(body.len() + size, b'x');
    body.extend_from_slice(format!("\r\n--{BOUNDARY}--\r\n").as_bytes());
    body
}

/// A ticket of the cookie's person, to upload to.
async fn own_ticket(app: &TestApp, cookie: &str) -> i64 {
    let response = reqwest::Client::new()
        .post(app.url("/api/tickets"))
        .header("Cookie", cookie)
        .json(&crate::helpers::incident("normal", "Logs attached"))
        .send()
        .await
        .expect("file a ticket");
    assert_eq!(response.status().as_u16(), 201);
    let ticket: Value = response.json().await.expect("a ticket");
    ticket["id"].as_i64().expect("an id")
}

/// The `Cookie` header of a new session for a new account's manager.
async fn session_cookie(app: &TestApp) -> String {
    let email = format!("big{}@example.com", crate::common::random_hex());
    app.create_account(&email, 3, false, "PT").await;
    let response = app
        .client
        .post(app.url("/api/session"))
        .json(&serde_json::json!({"email": email, "password": PASSWORD}))
        .send()
        .await
        .expect("sign in");
    assert_eq!(response.status().as_u16(), 204, "sign in");
    response
        .headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|value| value.to_str().ok())
        .filter_map(|value| value.split(';').next())
        .collect::<Vec<_>>()
        .join("; ")
}

/// A ticket whose description makes the body `size` bytes long.
fn ticket_of(size: usize) -> Vec<u8> {
    let head = br#"{"subject":"a big one","severity":3,"description":""#;
    let tail = br#""}"#;
    let mut body = Vec::with_capacity(size);
    body.extend_from_slice(head);
    body.resize(size - tail.len(), b'x');
    body.extend_from_slice(tail);
    body
}

/// Writes the request head and then the body in pieces, pausing now and then like a client
/// on a real network.
async fn send(
    connection: &mut TcpStream,
    cookie: &str,
    target: &Target,
    body: &[u8],
    framing: Framing,
) -> std::io::Result<()> {
    let length = match framing {
        Framing::ContentLength => format!("Content-Length: {}\r\n", body.len()),
        Framing::Chunked => "Transfer-Encoding: chunked\r\n".to_owned(),
    };
    let Target {
        path, content_type, ..
    } = target;
    let head = format!(
        "POST {path} HTTP/1.1\r\nHost: test\r\nCookie: {cookie}\r\n\
         Content-Type: {content_type}\r\n{length}\r\n"
    );
    connection.write_all(head.as_bytes()).await?;
    for (n, piece) in body.chunks(PIECE).enumerate() {
        match framing {
            Framing::ContentLength => connection.write_all(piece).await?,
            Framing::Chunked => {
                connection
                    .write_all(format!("{:x}\r\n", piece.len()).as_bytes())
                    .await?;
                connection.write_all(piece).await?;
                connection.write_all(b"\r\n").await?;
            }
        }
        if n % 8 == 0 {
            tokio::time::sleep(Duration::from_millis(1)).await;
        }
    }
    if let Framing::Chunked = framing {
        connection.write_all(b"0\r\n\r\n").await?;
    }
    connection.flush().await
}

/// Reads the answer's head and its `Content-Length` bytes of body.
async fn read_answer(connection: &mut TcpStream) -> Result<(String, Vec<u8>), String> {
    let read = async {
        let mut answer = Vec::new();
        let mut buffer = [0u8; 8192];
        loop {
            if let Some(split) = answer.windows(4).position(|window| window == b"\r\n\r\n") {
                let head = String::from_utf8_lossy(&answer[..split]).to_ascii_lowercase();
                let length: usize = head
                    .lines()
                    .find_map(|line| line.strip_prefix("content-length:"))
                    .and_then(|value| value.trim().parse().ok())
                    .ok_or_else(|| format!("no content-length in {head}"))?;
                if answer.len() >= split + 4 + length {
                    return Ok((head, answer[split + 4..split + 4 + length].to_vec()));
                }
            }
            let n = connection
                .read(&mut buffer)
                .await
                .map_err(|error| format!("reading the answer: {error}"))?;
            if n == 0 {
                return Err(format!("the answer ended after {} bytes", answer.len()));
            }
            answer.extend_from_slice(&buffer[..n]);
        }
    };
    tokio::time::timeout(Duration::from_secs(30), read)
        .await
        .map_err(|_| "no whole answer in 30 s".to_owned())?
}

/// One oversized post; `Err` says how it went wrong.
async fn post_oversized(
    address: SocketAddr,
    cookie: &str,
    target: &Target,
    body: &[u8],
    framing: Framing,
    must_close: bool,
) -> Result<(), String> {
    let mut connection = TcpStream::connect(address)
        .await
        .map_err(|error| format!("connect: {error}"))?;
    send(&mut connection, cookie, target, body, framing)
        .await
        .map_err(|error| format!("sending the body: {error}"))?;
    let (head, body) = read_answer(&mut connection).await?;
    if !head.starts_with("http/1.1 413") {
        return Err(format!("not a 413: {head}"));
    }
    // A body refused before its end closes the connection; one the handler read to its end
    // (a file one byte over, in a body of a fine length) leaves it clean for the next request.
    if !head.contains("content-type: application/problem+json")
        || (must_close && !head.contains("connection: close"))
    {
        return Err(format!("not a closing problem answer: {head}"));
    }
    let problem: Value =
        serde_json::from_slice(&body).map_err(|error| format!("problem body: {error}"))?;
    if problem["type"] != target.problem || problem["status"] != 413 {
        return Err(format!("not the {} problem: {problem}", target.problem));
    }
    Ok(())
}

/// What is posted: a 5 MB ticket, or an upload whose file is `size` bytes.
#[derive(Debug, Clone, Copy)]
enum Oversized {
    Ticket,
    Upload { size: usize },
}

async fn every_round_reads_the_413(backend: Backend, framing: Framing, what: Oversized) {
    let app = spawn_app(backend).await;
    let cookie = session_cookie(&app).await;
    let (target, body, rounds) = match what {
        Oversized::Ticket => (Target::tickets(), ticket_of(FIVE_MB), ROUNDS),
        // Each upload sends tens of MiB: fewer rounds, still enough to see an early close.
        Oversized::Upload { size } => (
            Target::attachments(own_ticket(&app, &cookie).await),
            upload_of(size),
            ROUNDS / 2,
        ),
    };
    // Only a body whose declared length is within the upload's cap reaches the handler,
    // which reads the whole of it here.
    let upload_cap = 20 * MIB as u64 + support_server::body_limit::MULTIPART_FRAMING;
    let must_close = match (what, framing) {
        (Oversized::Upload { .. }, Framing::ContentLength) => body.len() as u64 > upload_cap,
        _ => true,
    };
    let mut failures = Vec::new();
    for round in 0..rounds {
        if let Err(failure) =
            post_oversized(app.address, &cookie, &target, &body, framing, must_close).await
        {
            failures.push(format!("round {round}: {failure}"));
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {rounds} {framing:?} posts of {what:?} did not read the 413:\n{}",
        failures.len(),
        failures.join("\n")
    );
    // The refusals left the server as it was: an ordinary request is still answered.
    let health = app
        .client
        .get(app.url("/api/health"))
        .send()
        .await
        .expect("health");
    assert_eq!(health.status().as_u16(), 200);
}

async fn a_5_mb_body_with_content_length_reads_the_413_every_time(backend: Backend) {
    every_round_reads_the_413(backend, Framing::ContentLength, Oversized::Ticket).await;
}

async fn a_5_mb_chunked_body_reads_the_413_every_time(backend: Backend) {
    every_round_reads_the_413(backend, Framing::Chunked, Oversized::Ticket).await;
}

/// 25 MiB: its `Content-Length` alone is over the upload's cap, so the answer goes out
/// before any handler runs while the client is still sending.
async fn an_upload_of_25_mib_reads_the_413_every_time(backend: Backend) {
    let upload = Oversized::Upload { size: 25 * MIB };
    every_round_reads_the_413(backend, Framing::ContentLength, upload).await;
}

/// One byte over 20 MiB: the `Content-Length` is within the cap (the file's limit and its
/// multipart framing), so the size the request declares says nothing wrong and the handler's
/// own count of the file's bytes refuses it, mid-body.
async fn an_upload_one_byte_over_20_mib_whose_length_looks_fine_reads_the_413_every_time(
    backend: Backend,
) {
    let upload = Oversized::Upload { size: 20 * MIB + 1 };
    every_round_reads_the_413(backend, Framing::ContentLength, upload).await;
}

/// Chunked: no length at all; the file's count refuses it.
async fn a_chunked_upload_over_20_mib_reads_the_413_every_time(backend: Backend) {
    let upload = Oversized::Upload { size: 21 * MIB };
    every_round_reads_the_413(backend, Framing::Chunked, upload).await;
}

/// Writes until the server stops reading; returns how much it wrote, or `None` if the
/// connection was still open after `patience`.
async fn write_until_cut_off(
    connection: &mut TcpStream,
    piece: &[u8],
    pause: Duration,
    patience: Duration,
) -> Option<usize> {
    let started = Instant::now();
    let mut written = 0;
    while started.elapsed() < patience {
        match tokio::time::timeout(Duration::from_secs(1), connection.write_all(piece)).await {
            Ok(Ok(())) => written += piece.len(),
            // A full window for a whole second: the server no longer reads.
            Ok(Err(_)) | Err(_) => return Some(written),
        }
        tokio::time::sleep(pause).await;
    }
    None
}

async fn a_sender_past_the_drain_caps_is_cut_off_and_the_server_goes_on(backend: Backend) {
    let app = spawn_app_with(backend, |settings| {
        settings.limits.drain_bytes = 1024 * 1024;
        settings.limits.drain_time = Duration::from_secs(2);
    })
    .await;
    let cookie = session_cookie(&app).await;
    let head = format!(
        "POST /api/tickets HTTP/1.1\r\nHost: test\r\nCookie: {cookie}\r\n\
         Content-Type: application/json\r\nContent-Length: 1000000000\r\n\r\n"
    );

    // Past the byte cap: a fast sender of a gigabyte.
    let mut fast = TcpStream::connect(app.address).await.expect("connect");
    fast.write_all(head.as_bytes())
        .await
        .expect("send the head");
    let written = write_until_cut_off(
        &mut fast,
        &[b'x'; PIECE],
        Duration::ZERO,
        Duration::from_secs(20),
    )
    .await
    .expect("the server stopped reading within 20 s");
    // The 1 MiB cap, plus what the kernels' buffers on both sides held.
    assert!(
        written < 64 * 1024 * 1024,
        "the server read {written} bytes"
    );

    // Past the time cap: a slow sender that stays under the byte cap.
    let mut slow = TcpStream::connect(app.address).await.expect("connect");
    slow.write_all(head.as_bytes())
        .await
        .expect("send the head");
    let started = Instant::now();
    write_until_cut_off(
        &mut slow,
        &[b'x'; 1024],
        Duration::from_millis(50),
        Duration::from_secs(20),
    )
    .await
    .expect("the server stopped reading within 20 s");
    assert!(
        started.elapsed() >= Duration::from_secs(2),
        "cut off before the drain time"
    );

    let health = app
        .client
        .get(app.url("/api/health"))
        .send()
        .await
        .expect("health");
    assert_eq!(health.status().as_u16(), 200, "the server still answers");
}

on_both!(
    a_5_mb_body_with_content_length_reads_the_413_every_time,
    a_5_mb_chunked_body_reads_the_413_every_time,
    an_upload_of_25_mib_reads_the_413_every_time,
    an_upload_one_byte_over_20_mib_whose_length_looks_fine_reads_the_413_every_time,
    a_chunked_upload_over_20_mib_reads_the_413_every_time,
    a_sender_past_the_drain_caps_is_cut_off_and_the_server_goes_on,
);
