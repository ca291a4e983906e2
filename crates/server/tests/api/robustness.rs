//! No input gives a 500: odd bodies, types, characters and paths on every endpoint, signed in
//! and not, always get a 4xx problem+json (or a success).

use reqwest::Method;
use serde_json::{Value, json};

use crate::helpers::{Backend, spawn_app};

const ROUTES: &[(&str, &str)] = &[
    ("POST", "/api/session"),
    ("DELETE", "/api/session"),
    ("GET", "/api/me"),
    ("GET", "/api/policy"),
    ("GET", "/api/quote"),
    ("GET", "/api/tickets"),
    ("POST", "/api/tickets"),
    ("GET", "/api/tickets/1"),
    ("POST", "/api/tickets/1/approve"),
    ("POST", "/api/tickets/1/reject"),
    ("GET", "/api/contacts"),
    ("POST", "/api/contacts"),
    ("PATCH", "/api/contacts/1"),
    ("DELETE", "/api/contacts/1"),
];

fn bodies() -> Vec<Vec<u8>> {
    let nul = "a\u{0}b";
    let mut bodies: Vec<Vec<u8>> = [
        Value::Null,
        json!([]),
        json!({}),
        json!(12),
        json!({"email": nul, "password": nul, "name": nul, "reason": nul}),
        json!({"type": "incident", "severity": "urgent", "subject": nul, "description": nul}),
        json!({"type": "question", "subject": "ok", "description": "ok", "environment": nul, "language": nul}),
        json!({"type": "request", "service": "../../etc", "subject": "ok", "description": "ok"}),
        json!({"type": ["incident"], "severity": {"a": 1}, "subject": 1e308, "description": true}),
        json!({"email": "a@example.com", "is_contact": "yes", "can_manage_contacts": 2}),
        json!({"is_contact": null, "can_manage_contacts": null}),
        json!({"subject": "😀".repeat(300), "description": "\u{202e}", "type": "question"}),
    ]
    .iter()
    .map(|v| serde_json::to_vec(v).expect("json"))
    .collect();
    bodies.push(b"\xff\xfe not utf-8".to_vec());
    bodies.push(b"{\"a\":".to_vec());
    bodies.push("[".repeat(10_000).into_bytes());
    bodies.push(Vec::new());
    bodies
}

async fn no_input_makes_a_500(backend: Backend) {
    let app = spawn_app(backend).await;
    let manager = app.manager().await;
    let mut n = 0;
    for client in [&app.client, &manager] {
        for (method, path) in ROUTES {
            let method = Method::from_bytes(method.as_bytes()).expect("method");
            for body in bodies() {
                for content_type in ["application/json", "text/plain"] {
                    n += 1;
                    // Every third request has a key we refuse; the others a fresh valid one.
                    let key = if n % 3 == 0 {
                        "a key with spaces".to_owned()
                    } else {
                        format!("key-{n}")
                    };
                    let response = client
                        .request(method.clone(), app.url(path))
                        .header("content-type", content_type)
                        .header("idempotency-key", key)
                        .body(body.clone())
                        .send()
                        .await
                        .expect("request");
                    let status = response.status();
                    assert!(
                        status.as_u16() < 500,
                        "{method} {path} {:?} answered {status}",
                        String::from_utf8_lossy(&body)
                    );
                    if status.is_client_error() {
                        assert_eq!(
                            response.headers()["content-type"],
                            "application/problem+json",
                            "{method} {path}"
                        );
                    }
                }
            }
        }
        for path in [
            "/api/tickets/99999999999999999999",
            "/api/tickets/-1",
            "/api/tickets/%00",
            "/api/contacts/1.5",
            "/api/quote?level=%00&type=%ff",
            "/api/quote?level=1&type=incident&severity=urgent&at=9999-12-31T23:59:59Z",
            "/api/quote?level=1&type=incident&severity=urgent&at=-009999-01-01T00:00:00Z",
            "/api/tickets?page=99999999999999999999999",
            "/api/tickets?page=1000000&per_page=100",
        ] {
            let response = client.get(app.url(path)).send().await.expect("request");
            assert!(
                response.status().as_u16() < 500,
                "{path}: {}",
                response.status()
            );
        }
    }
}

on_both!(no_input_makes_a_500);
