//! Who is signed in, fetched once from `GET /api/session` and fetched again after signing in or
//! out, shared by every page through context.

use leptos::prelude::*;
use support_api::Me;

use crate::api::{self, ApiError};
use crate::task::Fetched;

#[derive(Clone, Copy)]
pub struct Session {
    me: Fetched<Result<Me, ApiError>>,
}

impl Session {
    /// `None` while loading; then the person, or why there is none. A failure being read
    /// again (just after signing in) counts as loading, so that no page flashes "you are not
    /// signed in" while the answer that says otherwise is on its way.
    pub fn me(self) -> Option<Result<Me, ApiError>> {
        let reloading = self.me.loading();
        self.me.get().filter(|me| me.is_ok() || !reloading)
    }

    /// The signed-in person, if any (`None` while loading or when signed out).
    pub fn signed_in(self) -> Option<Me> {
        self.me.get().and_then(Result::ok)
    }

    /// The fetched person, for [`crate::components::loaded::Loaded`].
    pub fn fetched(self) -> Fetched<Result<Me, ApiError>> {
        self.me
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
