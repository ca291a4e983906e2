//! Files attached to a ticket's messages.

use serde::{Deserialize, Serialize};

/// A stored file: the answer to `POST /api/tickets/{id}/attachments`, and what an
/// `attachment_added` entry of the timeline carries. `GET /api/attachments/{id}` sends its
/// bytes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Attachment {
    pub id: i64,
    /// The file's name as uploaded, sanitised: no folders, no control characters.
    pub name: String,
    /// In bytes.
    pub size: u64,
    /// The media type the upload declared (`application/octet-stream` when it declared none).
    pub content_type: String,
}
