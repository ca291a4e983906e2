//! Every query the server runs, one module per table group. Portable SQL only (see `db`).

pub mod attachments;
pub mod console;
pub mod events;
pub mod outbox;
pub mod people;
pub mod rate_limits;
pub mod sessions;
pub mod tickets;
pub mod timeline;
