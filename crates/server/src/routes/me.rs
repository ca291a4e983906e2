//! Who is signed in.

use axum::Json;
use axum::extract::State;
use support_api::{AccountSummary, Me, PersonSummary};
use support_rules::Policy;

use crate::auth::SignedIn;
use crate::domain::rules;
use crate::state::AppState;

/// `GET /api/me`: the person, their account and what they may do.
pub async fn me(State(state): State<AppState>, signed_in: SignedIn) -> Json<Me> {
    Json(view(&state.policy.policy, signed_in))
}

/// What `GET /api/me` (and `GET /api/session` when signed in) says about the person.
pub fn view(policy: &Policy, signed_in: SignedIn) -> Me {
    let SignedIn { person, account } = signed_in;
    let phone = rules::phone_for(policy, &account.country);
    Me {
        is_contact: person.is_technical_contact(),
        can_manage_contacts: person.can_manage_contacts,
        person: PersonSummary {
            id: person.id,
            name: person.name,
            email: person.email,
        },
        account: AccountSummary {
            id: account.id,
            name: account.name,
            level: account.level,
            tsm: account.tsm,
            country: account.country,
        },
        phone,
    }
}
