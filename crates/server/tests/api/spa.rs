use crate::helpers::{Backend, spawn_app};

async fn a_page_path_serves_the_spa_index_so_urls_are_shareable(backend: Backend) {
    let app = spawn_app(backend).await;
    for path in ["/", "/tickets/42", "/availability", "/index.html"] {
        let response = app.client.get(app.url(path)).send().await.expect("request");
        assert_eq!(response.status(), 200, "{path}");
        assert_eq!(response.headers()["cache-control"], "no-cache", "{path}");
        let body = response.text().await.expect("body");
        assert!(body.contains("test spa"), "{path} served {body}");
    }
}

async fn the_inline_boot_script_is_moved_to_a_file_so_the_csp_needs_no_inline_script(
    backend: Backend,
) {
    let app = spawn_app(backend).await;
    let response = app.client.get(app.url("/")).send().await.expect("request");
    let csp = response.headers()["content-security-policy"]
        .to_str()
        .expect("ascii")
        .to_owned();
    assert!(
        csp.contains("script-src 'self' 'wasm-unsafe-eval'"),
        "{csp}"
    );
    assert!(csp.contains("frame-ancestors 'none'"), "{csp}");
    assert!(!csp.contains("unsafe-inline"), "{csp}");
    assert_eq!(response.headers()["x-content-type-options"], "nosniff");
    assert_eq!(response.headers()["referrer-policy"], "no-referrer");
    let page = response.text().await.expect("body");
    assert!(!page.contains("await init()"), "{page}");
    let start = page.find("src=\"/boot-").expect("a boot script") + "src=\"".len();
    let path = &page[start..start + page[start..].find('"').expect("closing quote")];
    let script = app
        .client
        .get(app.url(path))
        .send()
        .await
        .expect("boot script");
    assert_eq!(script.status(), 200);
    assert_eq!(
        script.headers()["cache-control"],
        "public, max-age=31536000, immutable"
    );
    assert!(script.text().await.expect("body").contains("await init()"));
}

async fn hashed_assets_are_immutable_and_others_revalidate(backend: Backend) {
    let app = spawn_app(backend).await;
    let hashed = app
        .client
        .get(app.url("/app-0123456789abcdef.js"))
        .send()
        .await
        .expect("request");
    assert_eq!(hashed.status(), 200);
    assert!(
        hashed.headers().get("content-security-policy").is_none(),
        "the policy governs pages; an asset does not carry it"
    );
    assert_eq!(hashed.headers()["x-content-type-options"], "nosniff");
    assert_eq!(
        hashed.headers()["cache-control"],
        "public, max-age=31536000, immutable"
    );
    let plain = app
        .client
        .get(app.url("/app-0123abcd.js"))
        .send()
        .await
        .expect("request");
    assert_eq!(plain.headers()["cache-control"], "no-cache");
    assert_eq!(plain.text().await.expect("body"), "console.log('hi')");
}

async fn assets_are_compressed_with_brotli_or_gzip(backend: Backend) {
    let app = spawn_app(backend).await;
    for encoding in ["br", "gzip"] {
        let response = app
            .client
            .get(app.url("/app-0123456789abcdef.js"))
            .header("accept-encoding", encoding)
            .send()
            .await
            .expect("request");
        assert_eq!(response.status(), 200);
        assert_eq!(response.headers()["content-encoding"], encoding);
    }
}

on_both!(
    a_page_path_serves_the_spa_index_so_urls_are_shareable,
    the_inline_boot_script_is_moved_to_a_file_so_the_csp_needs_no_inline_script,
    hashed_assets_are_immutable_and_others_revalidate,
    assets_are_compressed_with_brotli_or_gzip,
);
