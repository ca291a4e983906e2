//! The support front door's server: it serves the built SPA and the JSON API under `/api/`.
//!
//! [`startup::Application`] builds the whole app from a [`config::Settings`]; `main` and every
//! test start it the same way, and nothing else imports `startup`: the handlers share
//! [`state::AppState`].

pub mod admin;
pub mod auth;
pub mod body_limit;
pub mod config;
pub mod db;
pub mod domain;
pub mod error;
pub mod mail;
pub mod rate_limit;
pub mod routes;
pub mod service;
pub mod spa;
pub mod startup;
pub mod state;
pub mod store;
pub mod telemetry;
