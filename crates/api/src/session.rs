use serde::{Deserialize, Serialize};

use crate::Me;

/// `POST /api/session`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct Credentials {
    pub email: String,
    pub password: String,
}

/// `GET /api/session`: whether the caller is signed in and, if so, who they are. It answers
/// 200 to everyone, so a signed-out visitor's browser logs no failed request.
///
/// Built with [`SessionState::signed_out`] or [`SessionState::signed_in`], so `signed_in` and
/// `me` always agree in what the server sends.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct SessionState {
    signed_in: bool,
    /// Present exactly when `signed_in` is true.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    me: Option<Me>,
}

impl SessionState {
    pub fn signed_out() -> Self {
        Self {
            signed_in: false,
            me: None,
        }
    }

    pub fn signed_in(me: Me) -> Self {
        Self {
            signed_in: true,
            me: Some(me),
        }
    }

    /// Who is signed in; `None` for a visitor (or an answer that says signed in without `me`).
    pub fn into_me(self) -> Option<Me> {
        self.me.filter(|_| self.signed_in)
    }
}
