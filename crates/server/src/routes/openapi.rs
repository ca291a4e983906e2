//! `GET /api/openapi.json`: the API's description, hand-written in `api/openapi.json`, with the
//! problem types added from the one list the error type answers with, so they cannot drift.

use std::sync::OnceLock;

use axum::http::header;
use axum::response::{IntoResponse, Response};
use serde_json::{Value, json};

use support_api::ProblemType;

const DOCUMENT: &str = include_str!("../../api/openapi.json");

fn document() -> &'static str {
    static SERVED: OnceLock<String> = OnceLock::new();
    SERVED.get_or_init(|| {
        // The file is part of the crate and a test parses it; should it ever not parse, the
        // text is served as it is rather than failing the request.
        let Ok(mut document) = serde_json::from_str::<Value>(DOCUMENT) else {
            return DOCUMENT.to_owned();
        };
        document["x-problem-types"] = ProblemType::ALL
            .iter()
            .map(|kind| json!({"type": kind.uri(), "status": kind.status(), "title": kind.title()}))
            .collect();
        document.to_string()
    })
}

pub async fn openapi() -> Response {
    ([(header::CONTENT_TYPE, "application/json")], document()).into_response()
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_hand_written_document_is_json() {
        let document: serde_json::Value =
            serde_json::from_str(super::DOCUMENT).expect("api/openapi.json parses");
        assert_eq!(document["openapi"], "3.1.0");
    }
}
