use crate::helpers::spawn_app;

#[tokio::test]
async fn health_answers_ok_as_json() {
    let app = spawn_app().await;
    let response = app
        .client
        .get(app.url("/api/health"))
        .send()
        .await
        .expect("request");
    assert_eq!(response.status(), 200);
    assert_eq!(
        response.headers()["content-type"].to_str().unwrap(),
        "application/json"
    );
    let body: serde_json::Value = response.json().await.expect("json");
    assert_eq!(body, serde_json::json!({"status": "ok"}));
}
