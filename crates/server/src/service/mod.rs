//! What the API does, step by step, between the HTTP layer (which parses a request and answers
//! it) and the store (which keeps the rows): each use case is one function over domain values
//! that returns its own typed error. Nothing here knows HTTP: `error.rs` maps these errors.

pub mod attachments;
pub mod console;
pub mod events;
pub mod life;
pub mod outbox;
pub mod tasks;
pub mod tickets;
