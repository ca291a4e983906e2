//! The built SPA: the ticket app's `ticket.html` for My tickets and a ticket's page
//! (`/tickets`, `/tickets/{id}`), the support console's `console/index.html` for every path
//! under `/console/` (its assets in `dist/console/`), the front app's `index.html` for every
//! other page path, hashed assets cached for a year.
//! (The two apps share one library; each wasm holds only its own pages' code. The SPA's
//! `router::Bundle` knows the same split.)
//!
//! Files are sent precompressed when the build left a `FILE.br` or `FILE.gz` next to them.
//!
//! Trunk writes an inline `<script type="module">` into each page that starts its wasm.
//! It stays inline (a file of its own would cost the first load a request, about 540 bytes
//! over the wire): at startup the server hashes each inline script and the page's
//! Content-Security-Policy allows exactly those (`'sha256-…'` in `script-src`), no other
//! inline script. The page is served from memory.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{HeaderValue, Method, StatusCode, header};
use axum::response::{IntoResponse, Response};
use base64::Engine;
use sha2::{Digest, Sha256};
use tower::ServiceExt;
use tower_http::services::ServeDir;

use crate::error::ApiError;
use crate::state::AppState;

/// What every page may load. The SPA's own page adds the hashes of its inline scripts.
pub const CONTENT_SECURITY_POLICY: &str = "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; \
     style-src 'self'; img-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; \
     base-uri 'none'; form-action 'self'";

const IMMUTABLE: &str = "public, max-age=31536000, immutable";
const NO_CACHE: &str = "no-cache";

#[derive(Debug)]
pub struct Spa {
    dist: PathBuf,
    /// The front app's `index.html`; `None` when the SPA is not built.
    front: Option<Page>,
    /// The ticket app's `ticket.html`; `None` when the SPA is not built.
    ticket: Option<Page>,
    /// The support console's `console/index.html`; `None` when it is not built.
    console: Option<Page>,
}

/// An app's HTML page, with the Content-Security-Policy that allows its inline scripts.
#[derive(Debug)]
struct Page {
    html: Arc<str>,
    policy: HeaderValue,
}

impl Page {
    /// Reads `path` (if there) and allows its inline scripts by their hashes.
    fn load(path: &Path) -> Option<Page> {
        let html = std::fs::read_to_string(path).ok()?;
        let policy = page_policy(&inline_script_hashes(&html));
        Some(Page {
            html: Arc::from(html),
            // Hashes are base64 and the rest is ASCII: always a valid header value.
            policy: HeaderValue::from_str(&policy)
                .unwrap_or(HeaderValue::from_static(CONTENT_SECURITY_POLICY)),
        })
    }

    fn response(&self) -> Response {
        (
            [
                (
                    header::CONTENT_TYPE,
                    HeaderValue::from_static("text/html; charset=utf-8"),
                ),
                (header::CACHE_CONTROL, HeaderValue::from_static(NO_CACHE)),
                (header::CONTENT_SECURITY_POLICY, self.policy.clone()),
            ],
            self.html.to_string(),
        )
            .into_response()
    }
}

impl Spa {
    /// Reads `dist/index.html`, `dist/ticket.html` and `dist/console/index.html` (those that
    /// are there).
    pub fn load(dist: &Path) -> Self {
        Self {
            dist: dist.to_path_buf(),
            front: Page::load(&dist.join("index.html")),
            ticket: Page::load(&dist.join("ticket.html")),
            console: Page::load(&dist.join("console").join("index.html")),
        }
    }

    /// The page of the app that shows `path`.
    fn page_response(&self, path: &str) -> Response {
        let page = if is_console_path(path) {
            self.console.as_ref()
        } else if is_ticket_page(path) {
            self.ticket.as_ref()
        } else {
            self.front.as_ref()
        };
        match page {
            Some(page) => page.response(),
            None => (
                StatusCode::NOT_FOUND,
                [(header::CACHE_CONTROL, NO_CACHE)],
                "The SPA is not built: run `cargo xtask run`.",
            )
                .into_response(),
        }
    }
}

/// A page of the ticket app: `/tickets` and `/tickets/{id}` (either with a `/` after it),
/// the id written as the SPA writes it: digits without a leading zero.
fn is_ticket_page(path: &str) -> bool {
    let path = path.strip_suffix('/').unwrap_or(path);
    path == "/tickets"
        || path.strip_prefix("/tickets/").is_some_and(|id| {
            !id.is_empty() && !id.starts_with('0') && id.bytes().all(|b| b.is_ascii_digit())
        })
}

/// A path of the support console: `/console` and everything under `/console/`.
fn is_console_path(path: &str) -> bool {
    path == "/console" || path.starts_with("/console/")
}

/// The CSP source of each inline `<script>` of `html` (`'sha256-<base64>'` of its body).
pub fn inline_script_hashes(html: &str) -> Vec<String> {
    let mut hashes = Vec::new();
    let mut rest = html;
    while let Some(start) = rest.find("<script") {
        let Some(open_end) = rest[start..].find('>').map(|i| start + i) else {
            break;
        };
        let attributes = &rest[start + "<script".len()..open_end];
        let Some(close) = rest[open_end..].find("</script>").map(|i| open_end + i) else {
            break;
        };
        let body = &rest[open_end + 1..close];
        if !attributes.contains("src=") && !body.trim().is_empty() {
            let digest = Sha256::digest(body.as_bytes());
            let encoded = base64::engine::general_purpose::STANDARD.encode(digest);
            hashes.push(format!("'sha256-{encoded}'"));
        }
        rest = &rest[close + "</script>".len()..];
    }
    hashes
}

/// [`CONTENT_SECURITY_POLICY`] with `hashes` added to its `script-src`.
fn page_policy(hashes: &[String]) -> String {
    let mut sources = String::from("script-src 'self' 'wasm-unsafe-eval'");
    for hash in hashes {
        sources.push(' ');
        sources.push_str(hash);
    }
    CONTENT_SECURITY_POLICY.replacen("script-src 'self' 'wasm-unsafe-eval'", &sources, 1)
}

/// Does the file name carry a content hash (Trunk's `name-<hex>.ext`, `name-<hex>_bg.wasm`)?
/// Trunk writes a 64-bit hash in hex without leading zeros, so usually 15 or 16 digits.
fn is_hashed(path: &str) -> bool {
    let name = path.rsplit('/').next().unwrap_or(path);
    let stem = name.split('.').next().unwrap_or(name);
    stem.split(['-', '_']).any(|part| {
        (12..=64).contains(&part.len())
            && part.bytes().all(|b| b.is_ascii_hexdigit())
            && part.bytes().any(|b| b.is_ascii_digit())
    })
}

/// Every path outside `/api/`.
pub async fn serve(State(state): State<AppState>, request: Request) -> Response {
    let spa = &state.spa;
    let path = request.uri().path().to_owned();
    if path == "/api" || path.starts_with("/api/") {
        return ApiError::not_found("There is no API endpoint at this path.").into_response();
    }
    let is_read = matches!(*request.method(), Method::GET | Method::HEAD);
    if path == "/"
        || path == "/index.html"
        || is_ticket_page(&path)
        || path == "/console"
        || path == "/console/"
        || path == "/console/index.html"
    {
        return spa.page_response(&path);
    }
    // `FILE.br` / `FILE.gz` written at build time (`cargo xtask`, brotli quality 11) are sent
    // as they are, with the file's own Content-Type, `Content-Encoding` and
    // `Vary: Accept-Encoding`; the CompressionLayer leaves a response that has a
    // Content-Encoding alone. Without a copy the plain file goes out and is compressed on the fly.
    let response = match ServeDir::new(&spa.dist)
        .append_index_html_on_directories(false)
        .precompressed_br()
        .precompressed_gzip()
        .oneshot(request)
        .await
    {
        Ok(response) => response.map(Body::new),
        Err(never) => match never {},
    };
    if response.status() == StatusCode::NOT_FOUND && is_read {
        return spa.page_response(&path);
    }
    let mut response = response;
    if response.status().is_success() {
        let headers = response.headers_mut();
        if is_hashed(&path) {
            // Never revalidated, so its validators would only cost bytes on the first load.
            headers.remove(header::ETAG);
            headers.remove(header::LAST_MODIFIED);
            headers.insert(header::CACHE_CONTROL, HeaderValue::from_static(IMMUTABLE));
        } else {
            headers.insert(header::CACHE_CONTROL, HeaderValue::from_static(NO_CACHE));
        }
    }
    response
}

#[cfg(test)]
mod tests {
    use super::{
        CONTENT_SECURITY_POLICY, inline_script_hashes, is_console_path, is_hashed, is_ticket_page,
        page_policy,
    };

    #[test]
    fn every_path_under_console_is_the_consoles_and_no_other() {
        for path in [
            "/console",
            "/console/",
            "/console/tickets/7",
            "/console/report",
        ] {
            assert!(is_console_path(path), "{path}");
        }
        for path in ["/consoles", "/", "/tickets/console", "/console.html"] {
            assert!(!is_console_path(path), "{path}");
        }
    }

    #[test]
    fn only_my_tickets_and_a_tickets_own_address_are_the_ticket_apps() {
        for path in [
            "/tickets",
            "/tickets/",
            "/tickets/1",
            "/tickets/42",
            "/tickets/42/",
        ] {
            assert!(is_ticket_page(path), "{path}");
        }
        for path in [
            "/tickets/new",
            "/tickets/007",
            "/tickets/+7",
            "/tickets/4/x",
            "/",
            "/ticket.html",
        ] {
            assert!(!is_ticket_page(path), "{path}");
        }
    }

    #[test]
    fn each_inline_script_is_allowed_by_the_hash_of_its_body_and_no_other() {
        let html = r#"<head><script type="module">
import init from '/app-0123456789abcdef.js';
await init();
</script></head><body><script src="/x.js"></script><script></script></body>"#;
        let hashes = inline_script_hashes(html);
        // sha256 of the body between the tags, as browsers hash it.
        let body = "\nimport init from '/app-0123456789abcdef.js';\nawait init();\n";
        let digest = <sha2::Sha256 as sha2::Digest>::digest(body.as_bytes());
        let expected = base64::Engine::encode(&base64::engine::general_purpose::STANDARD, digest);
        assert_eq!(hashes, vec![format!("'sha256-{expected}'")]);
        let policy = page_policy(&hashes);
        assert!(policy.contains(&format!(
            "script-src 'self' 'wasm-unsafe-eval' 'sha256-{expected}';"
        )));
        assert!(!policy.contains("unsafe-inline"));
        assert_eq!(page_policy(&[]), CONTENT_SECURITY_POLICY);
    }

    #[test]
    fn only_names_with_a_content_hash_count_as_hashed() {
        assert!(is_hashed("/support-spa-3f2c9a1b0d4e5f67_bg.wasm"));
        assert!(is_hashed("/style-0123456789abcdef.css"));
        assert!(is_hashed("/support-spa-b6f97119fc99bbe.js"), "15 digits");
        assert!(!is_hashed("/favicon.ico"));
        assert!(!is_hashed("/app-0123abcd.js"));
    }
}
