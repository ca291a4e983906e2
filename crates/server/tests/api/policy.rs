use serde_json::Value;

use crate::helpers::{Backend, problem, spawn_app};

async fn the_policy_has_a_strong_etag_and_304_when_unchanged(backend: Backend) {
    let app = spawn_app(backend).await;
    let response = app
        .client
        .get(app.url("/api/policy"))
        .send()
        .await
        .expect("policy");
    assert_eq!(response.status(), 200);
    let etag = response.headers()["etag"]
        .to_str()
        .expect("ascii")
        .to_owned();
    assert!(etag.starts_with('"') && !etag.starts_with("W/"), "{etag}");
    let text = response.text().await.expect("body");
    support_rules::Policy::from_json(&text).expect("the SPA can read it");
    let cached = app
        .client
        .get(app.url("/api/policy"))
        .header("if-none-match", &etag)
        .send()
        .await
        .expect("policy");
    assert_eq!(cached.status(), 304);
    assert_eq!(cached.headers()["etag"], etag.as_str());
    let stale = app
        .client
        .get(app.url("/api/policy"))
        .header("if-none-match", "\"other\"")
        .send()
        .await
        .expect("policy");
    assert_eq!(stale.status(), 200);
}

async fn a_quote_is_the_rules_answer(backend: Backend) {
    let app = spawn_app(backend).await;
    let quote: Value = app
        .client
        .get(app.url("/api/quote?level=1&type=incident&severity=high&at=2026-12-24T20:00:00Z"))
        .send()
        .await
        .expect("quote")
        .json()
        .await
        .expect("json");
    assert_eq!(quote["first_response_due"], "2026-12-28T04:00:00Z");
    let tsm: Value = app
        .client
        .get(app.url(
            "/api/quote?level=3&tsm=true&type=incident&severity=urgent&at=2026-12-25T03:00:00Z",
        ))
        .send()
        .await
        .expect("quote")
        .json()
        .await
        .expect("json");
    assert_eq!(tsm["first_response_due"], "2026-12-25T04:00:00Z");
    let request = app
        .client
        .get(app.url("/api/quote?level=2&type=request&service=vpn-setup"))
        .send()
        .await
        .expect("quote");
    assert_eq!(request.status(), 200);
}

async fn bad_quote_parameters_are_422_naming_each(backend: Backend) {
    let app = spawn_app(backend).await;
    for (query, fields) in [
        ("level=4&type=question", vec!["level"]),
        ("level=1&type=incident", vec!["severity"]),
        (
            "level=1&type=incident&severity=bad&tsm=maybe",
            vec!["tsm", "severity"],
        ),
        ("level=1&type=question&at=yesterday", vec!["at"]),
        ("level=1&type=request&service=pizza", vec!["service"]),
        ("type=question&colour=red", vec!["colour", "level"]),
    ] {
        let body = problem(
            app.client
                .get(app.url(&format!("/api/quote?{query}")))
                .send()
                .await
                .expect("quote"),
            422,
        )
        .await;
        let named: Vec<&str> = body["errors"]
            .as_array()
            .expect("errors")
            .iter()
            .filter_map(|e| e["field"].as_str())
            .collect();
        assert_eq!(named, fields, "{query}");
    }
}

async fn a_policy_file_replaces_the_embedded_one_and_a_broken_one_stops_startup(backend: Backend) {
    let folder = tempfile::tempdir().expect("a temporary folder");
    let file = folder.path().join("policy.toml");
    let text = support_rules::DEFAULT_POLICY_TOML.replace("+351 800 780 555", "+351 800 000 000");
    std::fs::write(&file, text).expect("write the policy");
    let path = file.clone();
    let app = crate::helpers::spawn_app_with(backend, move |settings| {
        settings.policy_file = Some(path);
    })
    .await;
    let manager = app.manager().await;
    let me: Value = manager
        .get(app.url("/api/me"))
        .send()
        .await
        .expect("me")
        .json()
        .await
        .expect("json");
    assert_eq!(me["phone"]["number"], "+351 800 000 000");

    std::fs::write(&file, "[calendars]\nnonsense = 1\n").expect("write a broken policy");
    let settings = support_server::config::Settings {
        port: 0,
        database_url: format!("sqlite://{}/x.db", folder.path().display()),
        policy_file: Some(file),
        ..support_server::config::Settings::default()
    };
    let error = support_server::startup::Application::build(&settings)
        .await
        .err()
        .expect("a broken policy stops startup");
    assert!(error.to_string().contains("policy.toml"), "{error}");
}

on_both!(
    a_policy_file_replaces_the_embedded_one_and_a_broken_one_stops_startup,
    the_policy_has_a_strong_etag_and_304_when_unchanged,
    a_quote_is_the_rules_answer,
    bad_quote_parameters_are_422_naming_each,
);
