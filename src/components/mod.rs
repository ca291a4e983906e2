//! Widgets shared by several pages.

pub mod server_status;
pub mod zone_picker;
