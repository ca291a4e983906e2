use serde_json::{Value, json};

use crate::helpers::{Backend, PASSWORD, client, ok_json, problem, spawn_app, spawn_app_with};

async fn signing_in_sets_a_strict_http_only_cookie_and_me_describes_the_person(backend: Backend) {
    let app = spawn_app(backend).await;
    app.create_account("Ana.Lima@Example.com", 3, true, "PT")
        .await;
    let client = client();
    // Any letter case signs in: the address is unique without regard to case.
    let response = client
        .post(app.url("/api/session"))
        .json(&json!({"email": "ana.lima@example.COM", "password": PASSWORD}))
        .send()
        .await
        .expect("sign in");
    assert_eq!(response.status(), 204);
    let cookie = response.headers()["set-cookie"]
        .to_str()
        .expect("ascii")
        .to_owned();
    assert!(cookie.starts_with("support_session="), "{cookie}");
    for attribute in ["HttpOnly", "SameSite=Strict", "Path=/"] {
        assert!(cookie.contains(attribute), "{cookie} lacks {attribute}");
    }
    let token = cookie["support_session=".len()..]
        .split(';')
        .next()
        .expect("a value");
    assert_eq!(token.len(), 64, "256 random bits in hex");
    // Only the token's hash is stored.
    let stored: Vec<String> = sqlx::query_scalar("SELECT token_hash FROM sessions")
        .fetch_all(app.db.reader())
        .await
        .expect("sessions");
    assert_eq!(stored.len(), 1);
    assert_ne!(stored[0], token);

    let me = ok_json(get(&client, app.url("/api/me")).await, 200).await;
    assert_eq!(me["person"]["email"], "Ana.Lima@Example.com");
    assert_eq!(me["person"]["name"], "Ana.Lima");
    assert_eq!(me["account"]["level"], 3);
    assert_eq!(me["account"]["tsm"], true);
    assert_eq!(me["account"]["country"], "PT");
    assert_eq!(me["is_contact"], true);
    assert_eq!(me["can_manage_contacts"], true);
    assert_eq!(me["phone"]["number"], "+351 800 780 555");
}

async fn a_wrong_password_or_unknown_email_is_401_and_sets_no_cookie(backend: Backend) {
    let app = spawn_app(backend).await;
    app.create_account("ana@example.com", 2, false, "PT").await;
    for (email, password) in [
        ("ana@example.com", "wrong password!"),
        ("nobody@example.com", PASSWORD),
        ("ana@example.com", ""),
    ] {
        let response = app
            .client
            .post(app.url("/api/session"))
            .json(&json!({"email": email, "password": password}))
            .send()
            .await
            .expect("sign in");
        assert!(response.headers().get("set-cookie").is_none());
        let body = problem(response, 401).await;
        assert_eq!(body["type"], "/problems/wrong-credentials");
    }
}

async fn signing_out_ends_the_session_in_the_database(backend: Backend) {
    let app = spawn_app(backend).await;
    let seeded = app.create_account("ana@example.com", 1, false, "DE").await;
    let client = app.sign_in(&seeded.email).await;
    let me = client.get(app.url("/api/me")).send().await.expect("me");
    assert_eq!(me.status(), 200);
    let body: Value = me.json().await.expect("json");
    assert!(body["phone"].is_null() || body["phone"]["number"].is_string());
    let response = client
        .delete(app.url("/api/session"))
        .send()
        .await
        .expect("sign out");
    assert_eq!(response.status(), 204);
    let cookie = response.headers()["set-cookie"].to_str().expect("ascii");
    assert!(cookie.contains("Max-Age=0"), "{cookie}");
    let count: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM sessions")
        .fetch_one(app.db.reader())
        .await
        .expect("count");
    assert_eq!(count, 0);
    problem(
        client.get(app.url("/api/me")).send().await.expect("me"),
        401,
    )
    .await;
}

async fn me_without_a_session_or_with_a_forged_one_is_401(backend: Backend) {
    let app = spawn_app(backend).await;
    let body = problem(
        app.client.get(app.url("/api/me")).send().await.expect("me"),
        401,
    )
    .await;
    assert_eq!(body["type"], "/problems/not-signed-in");
    let forged = app
        .client
        .get(app.url("/api/me"))
        .header("cookie", format!("support_session={}", "a".repeat(64)))
        .send()
        .await
        .expect("me");
    problem(forged, 401).await;
}

async fn sign_in_attempts_are_limited_per_email_with_retry_after(backend: Backend) {
    let app = spawn_app_with(backend, |settings| {
        settings.limits.sign_in_per_email = 3;
    })
    .await;
    app.create_account("ana@example.com", 3, false, "PT").await;
    for _ in 0..3 {
        let response = app
            .client
            .post(app.url("/api/session"))
            .json(&json!({"email": "ana@example.com", "password": "wrong password!"}))
            .send()
            .await
            .expect("sign in");
        assert_eq!(response.status(), 401);
    }
    // Even the right password waits now.
    let response = app
        .client
        .post(app.url("/api/session"))
        .json(&json!({"email": "ANA@example.com", "password": PASSWORD}))
        .send()
        .await
        .expect("sign in");
    let retry_after: u64 = response.headers()["retry-after"]
        .to_str()
        .expect("ascii")
        .parse()
        .expect("seconds");
    assert!((1..=60).contains(&retry_after));
    let body = problem(response, 429).await;
    assert_eq!(body["type"], "/problems/too-many-requests");
}

async fn sign_in_attempts_are_limited_per_client_ip(backend: Backend) {
    let app = spawn_app_with(backend, |settings| {
        settings.limits.sign_in_per_ip = 2;
    })
    .await;
    for n in 0..2 {
        let response = app
            .client
            .post(app.url("/api/session"))
            .json(&json!({"email": format!("p{n}@example.com"), "password": "whatever it is"}))
            .send()
            .await
            .expect("sign in");
        assert_eq!(response.status(), 401);
    }
    let response = app
        .client
        .post(app.url("/api/session"))
        .json(&json!({"email": "p9@example.com", "password": "whatever it is"}))
        .send()
        .await
        .expect("sign in");
    assert!(response.headers().contains_key("retry-after"));
    problem(response, 429).await;
}

async fn an_expired_session_is_401_and_is_forgotten_at_the_next_sign_in(backend: Backend) {
    let app = spawn_app(backend).await;
    let seeded = app.create_account("ana@example.com", 3, false, "PT").await;
    let client = app.sign_in(&seeded.email).await;
    sqlx::query("UPDATE sessions SET expires_at = 0")
        .execute(app.db.writer())
        .await
        .expect("expire");
    problem(
        client.get(app.url("/api/me")).send().await.expect("me"),
        401,
    )
    .await;
    app.sign_in(&seeded.email).await;
    let count: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM sessions")
        .fetch_one(app.db.reader())
        .await
        .expect("count");
    assert_eq!(count, 1, "only the new session is left");
}

async fn the_session_state_is_200_for_everyone_and_says_who_is_signed_in(backend: Backend) {
    let app = spawn_app(backend).await;
    let seeded = app.create_account("ana@example.com", 2, false, "PT").await;
    // A visitor and every kind of forged or hostile cookie: signed out, and no failed request
    // (the hostile-input table's cookies, which the other endpoints answer with 401).
    for cookie in [
        None,
        Some("support_session=".to_owned()),
        Some("support_session=not-hex".to_owned()),
        Some(format!("support_session={}", "a".repeat(64))),
        Some(format!("support_session={}", "g".repeat(64))),
        Some("support_session=' OR '1'='1".to_owned()),
        Some(format!("support_session={}", "a".repeat(8000))),
        Some("other=1; support_session=<script>".to_owned()),
    ] {
        let mut request = app.client.get(app.url("/api/session"));
        if let Some(cookie) = &cookie {
            request = request.header("cookie", cookie);
        }
        let response = request.send().await.expect("session state");
        assert_eq!(response.status(), 200, "{cookie:?}");
        let body: Value = response.json().await.expect("json");
        assert_eq!(body, json!({"signed_in": false}), "{cookie:?}");
    }
    let client = app.sign_in(&seeded.email).await;
    let state = ok_json(get(&client, app.url("/api/session")).await, 200).await;
    let me = ok_json(get(&client, app.url("/api/me")).await, 200).await;
    assert_eq!(state["signed_in"], true);
    assert_eq!(state["me"], me, "the same description as GET /api/me");
    assert_eq!(state["me"]["person"]["email"], "ana@example.com");
    // Signed out again: the same cookie no longer counts.
    client
        .delete(app.url("/api/session"))
        .send()
        .await
        .expect("sign out");
    let after = ok_json(get(&client, app.url("/api/session")).await, 200).await;
    assert_eq!(after, json!({"signed_in": false}));
}

async fn get(client: &reqwest::Client, url: String) -> reqwest::Response {
    client.get(url).send().await.expect("an answer")
}

on_both!(
    an_expired_session_is_401_and_is_forgotten_at_the_next_sign_in,
    signing_in_sets_a_strict_http_only_cookie_and_me_describes_the_person,
    a_wrong_password_or_unknown_email_is_401_and_sets_no_cookie,
    signing_out_ends_the_session_in_the_database,
    me_without_a_session_or_with_a_forged_one_is_401,
    sign_in_attempts_are_limited_per_email_with_retry_after,
    sign_in_attempts_are_limited_per_client_ip,
    the_session_state_is_200_for_everyone_and_says_who_is_signed_in,
);
