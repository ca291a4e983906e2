//! Who is signed in, fetched once from `GET /api/me` and fetched again after signing in or
//! out, shared by every page through context.

use leptos::prelude::*;

use crate::api::{self, ApiError, Me};
use crate::task::Fetched;

#[derive(Clone, Copy)]
pub struct Session {
    me: Fetched<Result<Me, ApiError>>,
}

impl Session {
    /// `None` while loading; then the person, or why there is none.
    pub fn me(self) -> Option<Result<Me, ApiError>> {
        self.me.get()
    }

    /// The signed-in person, if any (`None` while loading or when signed out).
    pub fn signed_in(self) -> Option<Me> {
        self.me.get().and_then(Result::ok)
    }

    pub fn refresh(self) {
        self.me.refetch();
    }
}

pub fn provide_session() {
    provide_context(Session {
        me: Fetched::new(api::me),
    });
}

pub fn use_session() -> Session {
    expect_context()
}
