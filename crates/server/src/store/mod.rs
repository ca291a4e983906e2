//! Every query the server runs, one module per table group. Portable SQL only (see `db`).

pub mod people;
pub mod sessions;
pub mod tickets;
pub mod timeline;
