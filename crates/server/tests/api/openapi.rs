use serde_json::Value;

use crate::helpers::{Backend, spawn_app};

/// Every route the router has; a new route must be added here and to `api/openapi.json`.
const ROUTES: &[(&str, &str)] = &[
    ("get", "/api/health"),
    ("get", "/api/policy"),
    ("get", "/api/quote"),
    ("get", "/api/session"),
    ("post", "/api/session"),
    ("delete", "/api/session"),
    ("get", "/api/me"),
    ("put", "/api/me/notifications"),
    ("get", "/api/events"),
    ("get", "/api/tickets"),
    ("post", "/api/tickets"),
    ("get", "/api/tickets/{id}"),
    ("post", "/api/tickets/{id}/approve"),
    ("post", "/api/tickets/{id}/reject"),
    ("get", "/api/tickets/{id}/timeline"),
    ("post", "/api/tickets/{id}/messages"),
    ("post", "/api/tickets/{id}/solve"),
    ("post", "/api/tickets/{id}/reopen"),
    ("post", "/api/tickets/{id}/rating"),
    ("post", "/api/tickets/{id}/severity"),
    ("post", "/api/tickets/{id}/escalations"),
    ("post", "/api/tickets/{id}/attachments"),
    ("get", "/api/attachments/{id}"),
    ("get", "/api/console/queue"),
    ("post", "/api/console/tickets/{id}/assignee"),
    ("get", "/api/console/report"),
    ("get", "/api/console/engineers"),
    ("get", "/api/contacts"),
    ("post", "/api/contacts"),
    ("patch", "/api/contacts/{id}"),
    ("delete", "/api/contacts/{id}"),
    ("get", "/api/openapi.json"),
];

async fn the_openapi_document_describes_every_endpoint_and_problem_type(backend: Backend) {
    let app = spawn_app(backend).await;
    let response = app
        .client
        .get(app.url("/api/openapi.json"))
        .send()
        .await
        .expect("openapi");
    assert_eq!(response.status(), 200);
    let document: Value = response.json().await.expect("json");
    assert_eq!(document["openapi"], "3.1.0");
    for (method, path) in ROUTES {
        let operation = &document["paths"][path][method];
        assert!(operation.is_object(), "{method} {path} is not documented");
        assert!(operation["responses"].is_object(), "{method} {path}");
    }
    let documented: usize = document["paths"]
        .as_object()
        .expect("paths")
        .values()
        .map(|item| item.as_object().map_or(0, |o| o.len()))
        .sum();
    assert_eq!(
        documented,
        ROUTES.len(),
        "a documented route the test does not know"
    );
    let problem = &document["components"]["schemas"]["Problem"]["properties"];
    for member in ["type", "title", "status", "detail", "errors"] {
        assert!(problem[member].is_object(), "Problem.{member}");
    }
    let types = document["x-problem-types"]
        .as_array()
        .expect("problem types");
    assert!(
        types
            .iter()
            .any(|t| t["type"] == "/problems/validation" && t["status"] == 422)
    );
}

on_both!(the_openapi_document_describes_every_endpoint_and_problem_type);
