//! The support front door's server: it serves the built SPA and the JSON API under `/api/`.
//!
//! [`startup::Application`] builds the whole app from a [`config::Settings`]; `main` and every
//! test start it the same way.

pub mod config;
pub mod routes;
pub mod startup;
pub mod telemetry;
