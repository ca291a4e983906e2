use std::path::PathBuf;
use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

use support_server::config::Settings;
use support_server::startup::Application;

/// A request whose body is still arriving when the shutdown starts gets its whole answer;
/// after that the server takes no new connection and `run_until` returns.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn shutting_down_finishes_the_request_in_flight() {
    let folder = tempfile::tempdir().expect("a temporary folder");
    let settings = Settings {
        port: 0,
        dist: PathBuf::from(folder.path()),
        database_url: format!("sqlite://{}/s.db", folder.path().display()),
        ..Settings::default()
    };
    let app = Application::build(&settings).await.expect("start");
    let address = app.local_addr().expect("address");
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let server = tokio::spawn(app.run_until(async {
        let _ = stopped.await;
    }));

    let body = r#"{"email":"nobody@example.com","password":"not this one"}"#;
    let mut connection = TcpStream::connect(address).await.expect("connect");
    let head = format!(
        "POST /api/session HTTP/1.1\r\nhost: test\r\ncontent-type: application/json\r\n\
         content-length: {}\r\nconnection: close\r\n\r\n",
        body.len()
    );
    connection
        .write_all(head.as_bytes())
        .await
        .expect("send the head");
    connection
        .write_all(&body.as_bytes()[..10])
        .await
        .expect("send a part");
    tokio::time::sleep(Duration::from_millis(200)).await;

    stop.send(()).expect("stop");
    tokio::time::sleep(Duration::from_millis(200)).await;
    connection
        .write_all(&body.as_bytes()[10..])
        .await
        .expect("send the rest");
    let mut answer = String::new();
    connection
        .read_to_string(&mut answer)
        .await
        .expect("read the answer");
    assert!(answer.starts_with("HTTP/1.1 401"), "{answer}");
    assert!(answer.contains("/problems/wrong-credentials"), "{answer}");

    tokio::time::timeout(Duration::from_secs(10), server)
        .await
        .expect("the server stops")
        .expect("join")
        .expect("served");
    assert!(TcpStream::connect(address).await.is_err());
}
