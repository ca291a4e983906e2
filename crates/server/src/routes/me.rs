//! Who is signed in.

use axum::Json;
use axum::extract::State;
use support_api::{AccountSummary, Me, PersonSummary, Role};
use support_rules::Policy;

use crate::auth::{SignedIn, Viewer};
use crate::domain::rules;
use crate::state::AppState;

/// `GET /api/me`: the person, their role, their account (none for an engineer) and what they
/// may do.
pub async fn me(State(state): State<AppState>, viewer: Viewer) -> Json<Me> {
    Json(view(&state.policy.policy, viewer))
}

/// What `GET /api/me` (and `GET /api/session` when signed in) says about the person.
pub fn view(policy: &Policy, viewer: Viewer) -> Me {
    let (person, account) = match viewer {
        Viewer::Customer(SignedIn { person, account }) => (person, Some(account)),
        Viewer::Engineer(person) => (person, None),
    };
    let phone = account
        .as_ref()
        .and_then(|account| rules::phone_for(policy, &account.country));
    Me {
        is_contact: person.is_technical_contact(),
        can_manage_contacts: person.can_manage_contacts,
        role: if person.is_engineer() {
            Role::Engineer
        } else {
            Role::Customer
        },
        person: PersonSummary {
            id: person.id,
            name: person.name,
            email: person.email,
        },
        account: account.map(|account| AccountSummary {
            id: account.id,
            name: account.name,
            level: account.level,
            tsm: account.tsm,
            country: account.country,
        }),
        phone,
    }
}
