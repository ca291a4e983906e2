//! Who is signed in.

use axum::Json;
use axum::extract::State;
use support_api::{AccountSummary, Me, Notifications, PersonSummary, Role};
use support_rules::Policy;

use crate::auth::{Contact, SignedIn, Viewer};
use crate::domain::rules;
use crate::error::ApiError;
use crate::routes::extract::ApiJson;
use crate::state::AppState;
use crate::store::people;

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
    let notifications = Notifications {
        account_tickets: person.gets_account_ticket_mail(),
    };
    Me {
        notifications,
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

/// `PUT /api/me/notifications`: a technical contact asks for (or stops) the e-mails of the
/// account's tickets that others filed; 403 for anyone else (they get their own tickets'
/// e-mails, and an engineer's e-mails are not a customer's choice).
pub async fn set_notifications(
    State(state): State<AppState>,
    Contact(SignedIn { person, account }): Contact,
    ApiJson(wanted): ApiJson<Notifications>,
) -> Result<Json<Notifications>, ApiError> {
    if !people::set_account_ticket_mail(&state.db, account.id, person.id, wanted.account_tickets)
        .await?
    {
        return Err(ApiError::NotSignedIn);
    }
    tracing::info!(
        person = person.id,
        account_tickets = wanted.account_tickets,
        "notifications set"
    );
    Ok(Json(wanted))
}
