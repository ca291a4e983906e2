use std::net::SocketAddr;
use std::path::PathBuf;

use support_server::config::Settings;
use support_server::startup::Application;

pub struct TestApp {
    pub address: SocketAddr,
    pub client: reqwest::Client,
    _dist: tempfile::TempDir,
}

impl TestApp {
    pub fn url(&self, path: &str) -> String {
        format!("http://{}{}", self.address, path)
    }
}

/// Starts the app on a free port with a small stand-in SPA in a fresh folder.
pub async fn spawn_app() -> TestApp {
    let dist = tempfile::tempdir().expect("a temporary folder");
    std::fs::write(
        dist.path().join("index.html"),
        "<!DOCTYPE html><title>test spa</title>",
    )
    .expect("write index.html");
    std::fs::write(dist.path().join("app-0123abcd.js"), "console.log('hi')").expect("write js");
    let settings = Settings {
        port: 0,
        dist: PathBuf::from(dist.path()),
        ..Settings::default()
    };
    let app = Application::build(&settings).await.expect("bind a port");
    let address = app.local_addr().expect("local address");
    tokio::spawn(app.run_until(std::future::pending()));
    TestApp {
        address,
        client: reqwest::Client::new(),
        _dist: dist,
    }
}
