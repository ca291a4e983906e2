use crate::helpers::spawn_app;

#[tokio::test]
async fn a_page_path_serves_the_spa_index_so_urls_are_shareable() {
    let app = spawn_app().await;
    for path in ["/", "/tickets/42", "/availability"] {
        let response = app.client.get(app.url(path)).send().await.expect("request");
        assert_eq!(response.status(), 200, "{path}");
        let body = response.text().await.expect("body");
        assert!(body.contains("test spa"), "{path} served {body}");
    }
}

#[tokio::test]
async fn an_asset_is_served_as_itself() {
    let app = spawn_app().await;
    let response = app
        .client
        .get(app.url("/app-0123abcd.js"))
        .send()
        .await
        .expect("request");
    assert_eq!(response.status(), 200);
    assert_eq!(response.text().await.expect("body"), "console.log('hi')");
}
