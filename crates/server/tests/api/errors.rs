//! Whatever a client sends, the answer is a problem+json with the right status, never a 500.

use serde_json::json;

use crate::helpers::{Backend, problem, spawn_app};

async fn malformed_json_is_400(backend: Backend) {
    let app = spawn_app(backend).await;
    let response = app
        .client
        .post(app.url("/api/session"))
        .header("content-type", "application/json")
        .body("{\"email\": ")
        .send()
        .await
        .expect("request");
    let body = problem(response, 400).await;
    assert_eq!(body["type"], "/problems/malformed-request");
}

async fn a_body_that_is_not_json_is_415(backend: Backend) {
    let app = spawn_app(backend).await;
    let response = app
        .client
        .post(app.url("/api/session"))
        .header("content-type", "text/plain")
        .body("email=a")
        .send()
        .await
        .expect("request");
    let body = problem(response, 415).await;
    assert_eq!(body["type"], "/problems/unsupported-media-type");
}

async fn a_body_over_64_kib_is_413(backend: Backend) {
    let app = spawn_app(backend).await;
    let big = "x".repeat(65 * 1024);
    let response = app
        .client
        .post(app.url("/api/session"))
        .json(&json!({"email": "a@example.com", "password": big}))
        .send()
        .await
        .expect("request");
    let body = problem(response, 413).await;
    assert_eq!(body["type"], "/problems/body-too-large");
}

async fn unknown_and_missing_fields_are_422(backend: Backend) {
    let app = spawn_app(backend).await;
    for body in [
        json!({"email": "a@example.com", "password": "x", "remember": true}),
        json!({"email": "a@example.com"}),
        json!({"email": 5, "password": "x"}),
        json!([1, 2]),
        json!(["a@example.com", "a password in an array"]),
    ] {
        let response = app
            .client
            .post(app.url("/api/session"))
            .json(&body)
            .send()
            .await
            .expect("request");
        let problem = problem(response, 422).await;
        assert_eq!(problem["type"], "/problems/validation");
        assert!(problem["detail"].is_string());
    }
}

async fn an_unknown_api_path_is_a_problem_404_not_the_spa(backend: Backend) {
    let app = spawn_app(backend).await;
    for path in ["/api/nope", "/api/tickets/1/nope", "/api/", "/api"] {
        let response = app.client.get(app.url(path)).send().await.expect("request");
        let body = problem(response, 404).await;
        assert_eq!(body["type"], "/problems/not-found", "{path}");
    }
}

async fn a_wrong_method_is_a_problem_405(backend: Backend) {
    let app = spawn_app(backend).await;
    let response = app
        .client
        .put(app.url("/api/health"))
        .send()
        .await
        .expect("request");
    problem(response, 405).await;
}

on_both!(
    malformed_json_is_400,
    a_body_that_is_not_json_is_415,
    a_body_over_64_kib_is_413,
    unknown_and_missing_fields_are_422,
    an_unknown_api_path_is_a_problem_404_not_the_spa,
    a_wrong_method_is_a_problem_405,
);
