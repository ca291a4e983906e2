//! The built SPA: `index.html` for every page path, hashed assets cached for a year.
//!
//! Files are sent precompressed when the build left a `FILE.br` or `FILE.gz` next to them.
//!
//! Trunk writes an inline `<script type="module">` into `index.html` that starts the wasm;
//! the Content-Security-Policy forbids inline scripts, so at startup each inline script moves
//! into a file of its own (`/boot-<hash>.js`) and the rewritten `index.html` is served from
//! memory.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{HeaderValue, Method, StatusCode, header};
use axum::response::{IntoResponse, Response};
use sha2::{Digest, Sha256};
use tower::ServiceExt;
use tower_http::services::ServeDir;

use crate::error::ApiError;
use crate::state::AppState;

const IMMUTABLE: &str = "public, max-age=31536000, immutable";
const NO_CACHE: &str = "no-cache";

#[derive(Debug)]
pub struct Spa {
    dist: PathBuf,
    /// The rewritten `index.html`; `None` when the SPA is not built.
    index: Option<Arc<str>>,
    /// The moved inline scripts by path (`/boot-<hash>.js`).
    scripts: HashMap<String, Arc<str>>,
}

impl Spa {
    /// Reads `dist/index.html` (if there) and moves its inline scripts out.
    pub fn load(dist: &Path) -> Self {
        let (index, scripts) = match std::fs::read_to_string(dist.join("index.html")) {
            Ok(html) => {
                let (index, scripts) = move_inline_scripts(&html);
                (Some(Arc::from(index)), scripts)
            }
            Err(_) => (None, HashMap::new()),
        };
        Self {
            dist: dist.to_path_buf(),
            index,
            scripts,
        }
    }

    fn index_response(&self) -> Response {
        match &self.index {
            Some(index) => (
                [
                    (header::CONTENT_TYPE, "text/html; charset=utf-8"),
                    (header::CACHE_CONTROL, NO_CACHE),
                ],
                index.to_string(),
            )
                .into_response(),
            None => (
                StatusCode::NOT_FOUND,
                [(header::CACHE_CONTROL, NO_CACHE)],
                "The SPA is not built: run `cargo xtask run`.",
            )
                .into_response(),
        }
    }
}

/// Splits the inline `<script>`s out of `html`: the new page and each script by its path.
pub fn move_inline_scripts(html: &str) -> (String, HashMap<String, Arc<str>>) {
    let mut page = String::with_capacity(html.len());
    let mut scripts = HashMap::new();
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
        page.push_str(&rest[..start]);
        if attributes.contains("src=") || body.trim().is_empty() {
            page.push_str(&rest[start..close + "</script>".len()]);
        } else {
            let digest = hex::encode(Sha256::digest(body.as_bytes()));
            let path = format!("/boot-{}.js", &digest[..16]);
            page.push_str(&format!(
                "<script{} src=\"{path}\"></script>",
                attributes.trim_end()
            ));
            scripts.insert(path, Arc::from(body));
        }
        rest = &rest[close + "</script>".len()..];
    }
    page.push_str(rest);
    (page, scripts)
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
    if let Some(script) = spa.scripts.get(&path) {
        return (
            [
                (header::CONTENT_TYPE, "text/javascript; charset=utf-8"),
                (header::CACHE_CONTROL, IMMUTABLE),
            ],
            script.to_string(),
        )
            .into_response();
    }
    let is_read = matches!(*request.method(), Method::GET | Method::HEAD);
    if path == "/" || path == "/index.html" {
        return spa.index_response();
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
        return spa.index_response();
    }
    let mut response = response;
    if response.status().is_success() {
        let cache = if is_hashed(&path) {
            IMMUTABLE
        } else {
            NO_CACHE
        };
        response
            .headers_mut()
            .insert(header::CACHE_CONTROL, HeaderValue::from_static(cache));
    }
    response
}

#[cfg(test)]
mod tests {
    use super::{is_hashed, move_inline_scripts};

    #[test]
    fn trunks_inline_module_moves_into_a_file_of_its_own() {
        let html = r#"<head><link rel="modulepreload" href="/app-0123456789abcdef.js"><script type="module">
import init from '/app-0123456789abcdef.js';
await init();
</script></head><body><script src="/x.js"></script></body>"#;
        let (page, scripts) = move_inline_scripts(html);
        assert_eq!(scripts.len(), 1);
        let (path, body) = scripts.iter().next().expect("one script");
        assert!(path.starts_with("/boot-") && path.ends_with(".js"));
        assert!(body.contains("await init();"));
        assert!(page.contains(&format!(r#"<script type="module" src="{path}"></script>"#)));
        assert!(page.contains(r#"<script src="/x.js"></script>"#));
        assert!(!page.contains("await init"));
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
