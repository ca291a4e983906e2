//! Who is signed in.

use axum::Json;
use axum::extract::State;
use serde::Serialize;

use crate::auth::SignedIn;
use crate::startup::AppState;

#[derive(Debug, Serialize)]
pub struct Me {
    person: PersonView,
    account: AccountView,
    is_contact: bool,
    can_manage_contacts: bool,
    /// The support phone number for the account's country, when the policy has one.
    phone: Option<PhoneView>,
}

#[derive(Debug, Serialize)]
pub struct PersonView {
    pub id: i64,
    pub name: String,
    pub email: String,
}

#[derive(Debug, Serialize)]
pub struct AccountView {
    id: i64,
    name: String,
    level: u8,
    tsm: bool,
    country: String,
}

#[derive(Debug, Serialize)]
pub struct PhoneView {
    pub number: String,
    pub toll_free: bool,
}

/// `GET /api/me`: the person, their account and what they may do.
pub async fn me(State(state): State<AppState>, signed_in: SignedIn) -> Json<Me> {
    let SignedIn { person, account } = signed_in;
    let phone = state.phone_for(&account.country);
    Json(Me {
        person: PersonView {
            id: person.id,
            name: person.name,
            email: person.email,
        },
        account: AccountView {
            id: account.id,
            name: account.name,
            level: account.level,
            tsm: account.tsm,
            country: account.country,
        },
        is_contact: person.is_contact,
        can_manage_contacts: person.can_manage_contacts,
        phone,
    })
}
