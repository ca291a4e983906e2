//! API tests: each starts the real app on 127.0.0.1 and talks HTTP to it. Every test runs
//! twice, on SQLite and on PostgreSQL (`on_both!`).

#[macro_use]
#[path = "../common/mod.rs"]
mod common;

mod attachments;
mod console;
mod contacts;
mod errors;
mod events;
mod health;
mod helpers;
mod life;
mod mail;
mod migrations;
mod openapi;
mod openapi_agreement;
mod oversized_bodies;
mod policy;
mod precompressed;
mod robustness;
mod session;
mod shutdown;
mod spa;
mod tickets;
