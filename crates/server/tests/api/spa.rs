use crate::helpers::{Backend, spawn_app};

async fn a_page_path_serves_the_spa_index_so_urls_are_shareable(backend: Backend) {
    let app = spawn_app(backend).await;
    for (path, page) in [
        ("/", "test spa"),
        ("/availability", "test spa"),
        ("/index.html", "test spa"),
        ("/tickets/new", "test spa"),
        ("/tickets", "test ticket app"),
        // Not how the SPA writes a ticket's address: the front app's "not found".
        ("/tickets/042", "test spa"),
        ("/tickets/42", "test ticket app"),
        ("/tickets/42/", "test ticket app"),
    ] {
        let response = app.client.get(app.url(path)).send().await.expect("request");
        assert_eq!(response.status(), 200, "{path}");
        assert_eq!(response.headers()["cache-control"], "no-cache", "{path}");
        let body = response.text().await.expect("body");
        assert!(body.contains(page), "{path} served {body}");
    }
}

async fn the_inline_boot_script_stays_inline_and_the_csp_allows_it_by_its_hash_alone(
    backend: Backend,
) {
    let app = spawn_app(backend).await;
    let response = app.client.get(app.url("/")).send().await.expect("request");
    let csp = response.headers()["content-security-policy"]
        .to_str()
        .expect("ascii")
        .to_owned();
    // The test page's one inline script, hashed as a browser hashes it.
    let body = "import init from '/app-0123456789abcdef.js'; await init();";
    let digest = <sha2::Sha256 as sha2::Digest>::digest(body.as_bytes());
    let hash = base64::Engine::encode(&base64::engine::general_purpose::STANDARD, digest);
    assert!(
        csp.contains(&format!(
            "script-src 'self' 'wasm-unsafe-eval' 'sha256-{hash}';"
        )),
        "{csp}"
    );
    assert!(csp.contains("frame-ancestors 'none'"), "{csp}");
    assert!(!csp.contains("unsafe-inline"), "{csp}");
    assert_eq!(response.headers()["x-content-type-options"], "nosniff");
    assert_eq!(response.headers()["referrer-policy"], "no-referrer");
    let page = response.text().await.expect("body");
    assert!(page.contains(&format!(">{body}</script>")), "{page}");
    // A page path that is not `/` is the same page with the same policy.
    let deep = app
        .client
        .get(app.url("/availability"))
        .send()
        .await
        .expect("request");
    assert_eq!(
        deep.headers()["content-security-policy"]
            .to_str()
            .expect("ascii"),
        csp
    );
    // The ticket app's page allows its own boot script, not the front app's.
    let ticket = app
        .client
        .get(app.url("/tickets/42"))
        .send()
        .await
        .expect("request");
    let ticket_csp = ticket.headers()["content-security-policy"]
        .to_str()
        .expect("ascii")
        .to_owned();
    let ticket_body = "import init from '/ticket-0123456789abcdef.js'; await init();";
    let digest = <sha2::Sha256 as sha2::Digest>::digest(ticket_body.as_bytes());
    let ticket_hash = base64::Engine::encode(&base64::engine::general_purpose::STANDARD, digest);
    assert!(
        ticket_csp.contains(&format!(
            "script-src 'self' 'wasm-unsafe-eval' 'sha256-{ticket_hash}';"
        )),
        "{ticket_csp}"
    );
    assert!(!ticket_csp.contains(&hash), "{ticket_csp}");
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

async fn every_page_under_console_gets_the_console_page_and_its_assets_come_from_dist_console(
    backend: Backend,
) {
    let app = spawn_app(backend).await;
    for path in [
        "/console",
        "/console/",
        "/console/index.html",
        "/console/tickets/42",
        "/console/tickets/42/",
        "/console/report",
        "/console/report?from=2026-12-01&to=2026-12-31",
        "/console/anything/at/all",
    ] {
        let response = app.client.get(app.url(path)).send().await.expect("request");
        assert_eq!(response.status(), 200, "{path}");
        assert_eq!(response.headers()["cache-control"], "no-cache", "{path}");
        let csp = response.headers()["content-security-policy"]
            .to_str()
            .expect("ascii")
            .to_owned();
        let body = response.text().await.expect("body");
        assert!(body.contains("test console"), "{path} served {body}");
        // The console's page allows its own boot script.
        let boot = "import init from '/console/console-0123456789abcdef.js'; await init();";
        let digest = <sha2::Sha256 as sha2::Digest>::digest(boot.as_bytes());
        let hash = base64::Engine::encode(&base64::engine::general_purpose::STANDARD, digest);
        assert!(csp.contains(&format!("'sha256-{hash}'")), "{path}: {csp}");
    }
    // The customer's pages stay the customer's.
    for (path, page) in [
        ("/", "test spa"),
        ("/consoles", "test spa"),
        ("/tickets/42", "test ticket app"),
    ] {
        let body = app
            .client
            .get(app.url(path))
            .send()
            .await
            .expect("request")
            .text()
            .await
            .expect("body");
        assert!(body.contains(page), "{path} served {body}");
    }
    let asset = app
        .client
        .get(app.url("/console/console-0123456789abcdef.js"))
        .send()
        .await
        .expect("request");
    assert_eq!(asset.status(), 200);
    assert_eq!(
        asset.headers()["cache-control"],
        "public, max-age=31536000, immutable"
    );
    assert!(asset.text().await.expect("body").contains("export default"));
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
    the_inline_boot_script_stays_inline_and_the_csp_allows_it_by_its_hash_alone,
    hashed_assets_are_immutable_and_others_revalidate,
    every_page_under_console_gets_the_console_page_and_its_assets_come_from_dist_console,
    assets_are_compressed_with_brotli_or_gzip,
);
