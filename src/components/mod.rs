//! Widgets shared by several pages.

pub mod due;
pub mod expected_response;
pub mod field;
pub mod kind_choice;
pub mod loaded;
pub mod server_status;
pub mod signed_out;
pub mod zone_picker;
