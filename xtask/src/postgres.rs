//! The PostgreSQL server the API tests also run against (`SUPPORT_TEST_PG`, default
//! 127.0.0.1:5432). The tests create and drop a database each; here we only make sure the
//! server is up, starting the machine's cluster when it is installed but stopped.

use std::net::{SocketAddr, TcpStream};
use std::path::Path;
use std::process::Command;
use std::time::Duration;

use crate::{Failure, Result};

const ADDRESS: ([u8; 4], u16) = ([127, 0, 0, 1], 5432);

fn reachable() -> bool {
    TcpStream::connect_timeout(&SocketAddr::from(ADDRESS), Duration::from_secs(2)).is_ok()
}

pub fn ensure() -> Result {
    if std::env::var_os("SUPPORT_TEST_PG").is_some() || reachable() {
        return Ok(());
    }
    println!("\n==> PostgreSQL is not answering on 127.0.0.1:5432: starting the local cluster");
    let versions = std::fs::read_dir("/etc/postgresql")
        .map(|entries| {
            entries
                .filter_map(|e| e.ok().map(|e| e.file_name().to_string_lossy().into_owned()))
                .collect::<Vec<_>>()
        })
        .unwrap_or_default();
    for version in &versions {
        if Path::new("/usr/bin/pg_ctlcluster").exists() {
            let _ = Command::new("pg_ctlcluster")
                .args(["--skip-systemctl-redirect", version, "main", "start"])
                .status();
        }
    }
    for _ in 0..20 {
        if reachable() {
            return Ok(());
        }
        std::thread::sleep(Duration::from_millis(500));
    }
    Err(Failure::Step(
        "the API tests also run on PostgreSQL, and none answers on 127.0.0.1:5432: start one \
         (trust auth for user postgres) or point SUPPORT_TEST_PG at one, e.g. \
         postgres://postgres@127.0.0.1:5432"
            .into(),
    ))
}
