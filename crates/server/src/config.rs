//! What the server needs to start, with defaults that run out of the box.

use std::net::{IpAddr, Ipv4Addr};
use std::path::PathBuf;

#[derive(Debug, Clone)]
pub struct Settings {
    /// Address to listen on; loopback by default so nothing is exposed by accident.
    pub bind: IpAddr,
    /// Port to listen on; 0 asks the system for a free one (tests do that).
    pub port: u16,
    /// Folder holding the SPA built by Trunk (`index.html` and hashed assets).
    pub dist: PathBuf,
}

impl Default for Settings {
    fn default() -> Self {
        Self {
            bind: IpAddr::V4(Ipv4Addr::LOCALHOST),
            port: 8080,
            dist: PathBuf::from("dist"),
        }
    }
}
