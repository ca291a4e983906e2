//! One module per page; the router in `app.rs` maps the fixed paths to them.

pub mod availability;
pub mod contacts;
pub mod new_ticket;
pub mod not_found;
pub mod options;
pub mod overview;
pub mod response;
pub mod signin;
pub mod ticket;
pub mod tickets;
