//! Widgets shared by several pages.

pub mod due;
pub mod field;
pub mod server_status;
pub mod signed_out;
pub mod unfinished;
pub mod zone_picker;
