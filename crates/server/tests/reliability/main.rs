//! Reliability and security evidence: the real `support-server` binary killed mid-traffic,
//! concurrent retries, hostile input, the authorization matrix and the abuse limits. Tests
//! that the issue asks for on both databases run twice (`on_both!`), on SQLite and PostgreSQL.
//!
//! PostgreSQL: `SUPPORT_TEST_PG` (default `postgres://postgres@127.0.0.1:5432`); each test
//! makes its own database and drops it. Unreachable PostgreSQL fails the tests under `CI` or
//! `SUPPORT_TEST_REQUIRE_PG` (as `cargo xtask test` sets) and is skipped loudly otherwise.

#[macro_use]
#[path = "../common/mod.rs"]
mod common;

mod abuse;
mod authorization;
mod bad_input;
mod crash;
mod events;
mod mail;
mod real_server;
mod retries;
