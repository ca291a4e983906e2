//! The SPA's files go out precompressed: the real app on 127.0.0.1 serves `FILE.br` /
//! `FILE.gz` from its dist folder as they are, to clients that accept the encoding, and falls
//! back to the plain file (compressed on the fly) when there is no copy.
//!
//! The copies are real brotli and gzip encodings of the file (made here with tower-http's own
//! encoders at their best level), so a body equal to the copy decodes to the file. A body equal
//! to the copy with the copy's `Content-Length` also proves the copy was sent as it is, not
//! compressed again on the fly (that would stream without a length).

use std::convert::Infallible;
use std::path::{Path, PathBuf};

use axum::body::Body;
use axum::http::{Request, Response, header};
use reqwest::StatusCode;
use tower::{ServiceBuilder, ServiceExt};
use tower_http::compression::{CompressionLayer, CompressionLevel};

use crate::helpers::{Backend, TestApp, spawn_app_with};

const JS: &str = "app-0123456789abcdef.js";
const WASM: &str = "app-0123456789abcdef_bg.wasm";
/// A file with a gzip copy only.
const GZIP_ONLY: &str = "gzip-only-0123456789abcdef.css";
/// A file without copies.
const PLAIN: &str = "plain-0123456789abcdef.js";
/// A file whose name carries no content hash (as `public/`'s), with both copies.
const UNHASHED: &str = "unhashed.js";

/// The app on SQLite (what is tested here does not touch the database), serving `dist`.
struct Server {
    app: TestApp,
    dist: tempfile::TempDir,
}

impl Server {
    fn url(&self, path: &str) -> String {
        self.app.url(&format!("/{}", path.trim_start_matches('/')))
    }

    fn read(&self, name: &str) -> Vec<u8> {
        std::fs::read(self.dist.path().join(name)).expect("read a dist file")
    }

    /// GETs `name` with this Accept-Encoding (none when `None`).
    async fn get(&self, name: &str, accept_encoding: Option<&str>) -> reqwest::Response {
        let mut request = self.app.client.get(self.url(name));
        if let Some(accept) = accept_encoding {
            request = request.header("accept-encoding", accept);
        }
        request.send().await.expect("request")
    }
}

/// Some JavaScript-like text that compresses well, as the SPA's files do.
fn original(seed: &str) -> Vec<u8> {
    (0..400)
        .map(|i| format!("export function {seed}{i}(x) {{ return x * {i} + '{seed}'; }}\n"))
        .collect::<String>()
        .into_bytes()
}

/// Encodes `data` with tower-http's encoder for `encoding` ("br" or "gzip") at its best level.
async fn encode(data: &[u8], encoding: &str) -> Vec<u8> {
    let data = data.to_vec();
    let service = ServiceBuilder::new()
        .layer(CompressionLayer::new().quality(CompressionLevel::Best))
        .service_fn(move |_request: Request<Body>| {
            let data = data.clone();
            async move {
                let mut response = Response::new(Body::from(data));
                response.headers_mut().insert(
                    header::CONTENT_TYPE,
                    header::HeaderValue::from_static("text/javascript"),
                );
                Ok::<_, Infallible>(response)
            }
        });
    let request = Request::builder()
        .header(header::ACCEPT_ENCODING, encoding)
        .body(Body::empty())
        .expect("a request");
    let response = service.oneshot(request).await.expect("infallible");
    assert_eq!(response.headers()[header::CONTENT_ENCODING], encoding);
    axum::body::to_bytes(Body::new(response.into_body()), usize::MAX)
        .await
        .expect("the encoded body")
        .to_vec()
}

fn write(dir: &Path, name: &str, bytes: &[u8]) {
    std::fs::write(dir.join(name), bytes).expect("write a dist file");
}

async fn start() -> Server {
    let dist = tempfile::tempdir().expect("a temporary folder");
    write(
        dist.path(),
        "index.html",
        b"<!DOCTYPE html><title>test spa</title>",
    );
    for (name, both) in [
        (JS, true),
        (WASM, true),
        (GZIP_ONLY, false),
        (UNHASHED, true),
    ] {
        let data = original(name.split('-').next().unwrap_or("f"));
        write(dist.path(), name, &data);
        write(
            dist.path(),
            &format!("{name}.gz"),
            &encode(&data, "gzip").await,
        );
        if both {
            write(
                dist.path(),
                &format!("{name}.br"),
                &encode(&data, "br").await,
            );
        }
    }
    write(dist.path(), PLAIN, &original("plain"));
    let path = PathBuf::from(dist.path());
    let app = spawn_app_with(Backend::Sqlite, |settings| settings.dist = path).await;
    Server { app, dist }
}

fn header<'a>(response: &'a reqwest::Response, name: &str) -> Option<&'a str> {
    response
        .headers()
        .get(name)
        .map(|value| value.to_str().expect("an ASCII header"))
}

/// Asserts that `response` is the file `sent` as it is (status 200, its length, its bytes),
/// with `encoding` (None: identity), the file's own type, `Vary` and the cache header.
async fn assert_sent(
    response: reqwest::Response,
    sent: &[u8],
    encoding: Option<&str>,
    content_type: &str,
) {
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(header(&response, "content-encoding"), encoding);
    assert_eq!(header(&response, "content-type"), Some(content_type));
    let length = sent.len().to_string();
    assert_eq!(header(&response, "content-length"), Some(length.as_str()));
    let vary = header(&response, "vary").unwrap_or_default();
    assert!(
        vary.to_ascii_lowercase().contains("accept-encoding"),
        "{vary:?}"
    );
    assert_eq!(
        header(&response, "cache-control"),
        Some("public, max-age=31536000, immutable")
    );
    assert_eq!(response.bytes().await.expect("body"), sent);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_client_that_accepts_brotli_gets_the_brotli_copy() {
    let server = start().await;
    for accept in ["br", "gzip, deflate, br, zstd", "br;q=1.0, gzip;q=0.8"] {
        let response = server.get(JS, Some(accept)).await;
        let copy = server.read(&format!("{JS}.br"));
        assert_sent(response, &copy, Some("br"), "text/javascript").await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_wasm_keeps_its_type_so_browsers_can_compile_it_while_it_streams() {
    let server = start().await;
    let response = server.get(WASM, Some("gzip, deflate, br, zstd")).await;
    let copy = server.read(&format!("{WASM}.br"));
    assert_sent(response, &copy, Some("br"), "application/wasm").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_client_that_refuses_brotli_gets_the_gzip_copy() {
    let server = start().await;
    let copy = server.read(&format!("{JS}.gz"));
    for accept in ["gzip", "br;q=0, gzip", "gzip;q=0.5, br;q=0"] {
        let response = server.get(JS, Some(accept)).await;
        assert_sent(response, &copy, Some("gzip"), "text/javascript").await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_client_that_accepts_no_encoding_gets_the_file_itself() {
    let server = start().await;
    let file = server.read(JS);
    for accept in [None, Some("identity")] {
        let response = server.get(JS, accept).await;
        assert_sent(response, &file, None, "text/javascript").await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn each_encoding_of_a_file_without_a_hash_has_its_own_etag() {
    let server = start().await;
    let mut etags = Vec::new();
    for accept in [None, Some("gzip"), Some("br")] {
        let response = server.get(UNHASHED, accept).await;
        etags.push(header(&response, "etag").expect("an ETag").to_owned());
    }
    assert_ne!(etags[0], etags[1]);
    assert_ne!(etags[0], etags[2]);
    assert_ne!(etags[1], etags[2]);
}

/// An immutable file is never revalidated: its validators would only be bytes on the first
/// load (which has a budget).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_hashed_file_goes_out_immutable_without_validators() {
    let server = start().await;
    for name in [JS, WASM] {
        for accept in [None, Some("gzip"), Some("br")] {
            let response = server.get(name, accept).await;
            assert_eq!(response.status(), StatusCode::OK);
            assert_eq!(header(&response, "etag"), None, "{name} {accept:?}");
            assert_eq!(
                header(&response, "last-modified"),
                None,
                "{name} {accept:?}"
            );
            assert_eq!(
                header(&response, "cache-control"),
                Some("public, max-age=31536000, immutable")
            );
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_missing_copy_falls_back_to_the_next_encoding_or_to_compression_on_the_fly() {
    let server = start().await;
    // Only a gzip copy: a client preferring brotli gets that copy.
    let response = server.get(GZIP_ONLY, Some("br, gzip")).await;
    let copy = server.read(&format!("{GZIP_ONLY}.gz"));
    assert_sent(response, &copy, Some("gzip"), "text/css").await;
    // No copy at all: the file, compressed on the fly (streamed, so without a length).
    for encoding in ["br", "gzip"] {
        let response = server.get(PLAIN, Some(encoding)).await;
        assert_eq!(response.status(), StatusCode::OK);
        assert_eq!(header(&response, "content-encoding"), Some(encoding));
        assert_eq!(header(&response, "content-type"), Some("text/javascript"));
        assert_eq!(header(&response, "content-length"), None);
        let body = response.bytes().await.expect("body");
        assert!(body.len() < original("plain").len() / 2);
    }
    let response = server.get(PLAIN, None).await;
    assert_eq!(header(&response, "content-encoding"), None);
    assert_eq!(response.bytes().await.expect("body"), original("plain"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn head_describes_the_copy_that_get_would_send() {
    let server = start().await;
    let response = server
        .app
        .client
        .head(server.url(JS))
        .header("accept-encoding", "br")
        .send()
        .await
        .expect("request");
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(header(&response, "content-encoding"), Some("br"));
    assert_eq!(header(&response, "content-type"), Some("text/javascript"));
    let length = server.read(&format!("{JS}.br")).len().to_string();
    assert_eq!(header(&response, "content-length"), Some(length.as_str()));
    assert!(response.bytes().await.expect("body").is_empty());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_range_is_a_range_of_the_bytes_sent_and_never_compressed_again() {
    let server = start().await;
    let file = server.read(JS);
    let copy = server.read(&format!("{JS}.br"));
    for (accept, sent, encoding) in [(None, &file, None), (Some("br"), &copy, Some("br"))] {
        let mut request = server
            .app
            .client
            .get(server.url(JS))
            .header("range", "bytes=10-19");
        if let Some(accept) = accept {
            request = request.header("accept-encoding", accept);
        }
        let response = request.send().await.expect("request");
        assert_eq!(response.status(), StatusCode::PARTIAL_CONTENT, "{accept:?}");
        assert_eq!(header(&response, "content-encoding"), encoding);
        let range = format!("bytes 10-19/{}", sent.len());
        assert_eq!(header(&response, "content-range"), Some(range.as_str()));
        assert_eq!(response.bytes().await.expect("body"), sent[10..20]);
    }
}
