//! The account's technical contacts. Anyone of the account may see who they are (a person who
//! is not a contact needs one to approve their tickets); only a contact who may manage
//! contacts changes them.

use axum::Json;
use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::{Deserialize, Serialize};

use crate::auth::SignedIn;
use crate::domain::{Email, PersonName};
use crate::error::{ApiError, Conflict, FieldError};
use crate::routes::extract::{ApiJson, ApiPath};
use crate::startup::AppState;
use crate::store::people::{self, ChangeError, ContactRules, Flags, NewPerson, Person};

#[derive(Debug, Serialize)]
pub struct ContactView {
    id: i64,
    email: String,
    name: String,
    is_contact: bool,
    can_manage_contacts: bool,
    /// `false` until the person has a password (set with `support-server admin
    /// reset-password`), so they cannot sign in yet.
    can_sign_in: bool,
}

impl From<Person> for ContactView {
    fn from(person: Person) -> Self {
        Self {
            id: person.id,
            email: person.email,
            name: person.name,
            is_contact: person.is_contact,
            can_manage_contacts: person.can_manage_contacts,
            can_sign_in: person.has_password,
        }
    }
}

#[derive(Debug, Serialize)]
pub struct ContactList {
    contacts: Vec<ContactView>,
}

/// `GET /api/contacts`.
pub async fn list(
    State(state): State<AppState>,
    signed_in: SignedIn,
) -> Result<Json<ContactList>, ApiError> {
    let contacts = people::contacts(&state.db.pool, signed_in.account.id).await?;
    Ok(Json(ContactList {
        contacts: contacts.into_iter().map(ContactView::from).collect(),
    }))
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NewContact {
    email: String,
    #[serde(default)]
    name: Option<String>,
    #[serde(default = "yes")]
    is_contact: bool,
    #[serde(default)]
    can_manage_contacts: bool,
}

fn yes() -> bool {
    true
}

/// `POST /api/contacts`: adds a person by email (201), or sets the flags of a person of the
/// account who has that address already (200).
pub async fn add(
    State(state): State<AppState>,
    signed_in: SignedIn,
    ApiJson(new): ApiJson<NewContact>,
) -> Result<Response, ApiError> {
    signed_in.require_manager()?;
    let mut errors = Vec::new();
    let email = Email::parse(&new.email)
        .map_err(|p| errors.push(FieldError::new("email", p)))
        .ok();
    let name = match new.name.as_deref() {
        Some(name) => PersonName::parse(name)
            .map(Some)
            .map_err(|p| errors.push(FieldError::new("name", p)))
            .unwrap_or(None),
        None => None,
    };
    let Some(email) = email.filter(|_| errors.is_empty()) else {
        return Err(ApiError::Invalid(errors));
    };
    let flags = Flags {
        is_contact: new.is_contact,
        can_manage_contacts: new.can_manage_contacts,
    };
    let pool = &state.db.writer;
    let rules = contact_rules(&state);
    match people::by_email(pool, &email).await? {
        Some((person, _)) if person.account_id == signed_in.account.id => {
            check_delegation(&state, &person, &flags)?;
            let person = people::change_flags(
                pool,
                signed_in.account.id,
                signed_in.person.id,
                person.id,
                &flags,
                rules,
            )
            .await
            .map_err(change_error)?;
            Ok(Json(ContactView::from(person)).into_response())
        }
        Some(_) => Err(email_taken(&email)),
        None => {
            if flags.can_manage_contacts && !state.policy.policy.document().contacts.delegable {
                return Err(not_delegable());
            }
            let person = people::add_person(
                pool,
                signed_in.account.id,
                signed_in.person.id,
                &NewPerson {
                    email: &email,
                    name: name.as_ref(),
                    flags: &flags,
                },
                rules,
                crate::db::now(),
            )
            .await
            .map_err(|error| match error {
                ChangeError::EmailTaken => email_taken(&email),
                other => change_error(other),
            })?;
            tracing::info!(person = person.id, by = signed_in.person.id, "person added");
            let mut headers = HeaderMap::new();
            if let Ok(location) = HeaderValue::from_str(&format!("/api/contacts/{}", person.id)) {
                headers.insert(header::LOCATION, location);
            }
            Ok((
                StatusCode::CREATED,
                headers,
                Json(ContactView::from(person)),
            )
                .into_response())
        }
    }
}

fn contact_rules(state: &AppState) -> ContactRules {
    ContactRules {
        max_contacts: state.policy.policy.document().contacts.max_contacts,
    }
}

fn not_delegable() -> ApiError {
    ApiError::Forbidden(
        "The support policy does not let contacts grant the right to manage contacts.".into(),
    )
}

/// Under a policy whose right to manage contacts is not delegable, no one gains it.
fn check_delegation(state: &AppState, person: &Person, flags: &Flags) -> Result<(), ApiError> {
    let grants = flags.can_manage_contacts && flags.is_contact && !person.can_manage_contacts;
    if grants && !state.policy.policy.document().contacts.delegable {
        return Err(not_delegable());
    }
    Ok(())
}

fn email_taken(email: &Email) -> ApiError {
    ApiError::conflict(
        Conflict::EmailTaken,
        format!("{email} belongs to a person of another account."),
    )
}

fn change_error(error: ChangeError) -> ApiError {
    match error {
        ChangeError::NotFound => ApiError::not_found("There is no such person in your account."),
        ChangeError::NotAllowed => ApiError::Forbidden("You may no longer manage contacts.".into()),
        ChangeError::EmailTaken => ApiError::conflict(
            Conflict::EmailTaken,
            "The email address belongs to another person.",
        ),
        ChangeError::TooManyContacts(max) => ApiError::conflict(
            Conflict::ContactLimit,
            format!("The support policy allows at most {max} technical contacts per account."),
        ),
        ChangeError::LastManager => ApiError::conflict(
            Conflict::LastContactManager,
            "The account must keep at least one contact who can manage contacts.",
        ),
        ChangeError::Database(error) => ApiError::Database(error),
    }
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ContactChange {
    #[serde(default)]
    is_contact: Option<bool>,
    #[serde(default)]
    can_manage_contacts: Option<bool>,
}

/// `PATCH /api/contacts/{id}`: changes the given flags; granting the manage right makes the
/// person a contact too.
pub async fn change(
    State(state): State<AppState>,
    signed_in: SignedIn,
    ApiPath(id): ApiPath<i64>,
    ApiJson(change): ApiJson<ContactChange>,
) -> Result<Json<ContactView>, ApiError> {
    signed_in.require_manager()?;
    let pool = &state.db.writer;
    let person = people::person(pool, id)
        .await?
        .filter(|p| p.account_id == signed_in.account.id)
        .ok_or_else(|| change_error(ChangeError::NotFound))?;
    let can_manage_contacts = change
        .can_manage_contacts
        .unwrap_or(person.can_manage_contacts);
    let is_contact = change
        .is_contact
        .unwrap_or(person.is_contact || can_manage_contacts);
    let flags = Flags {
        is_contact,
        can_manage_contacts,
    };
    check_delegation(&state, &person, &flags)?;
    let person = people::change_flags(
        pool,
        signed_in.account.id,
        signed_in.person.id,
        id,
        &flags,
        contact_rules(&state),
    )
    .await
    .map_err(change_error)?;
    Ok(Json(ContactView::from(person)))
}

/// `DELETE /api/contacts/{id}`: the person stays in the account but is no longer a contact.
pub async fn remove(
    State(state): State<AppState>,
    signed_in: SignedIn,
    ApiPath(id): ApiPath<i64>,
) -> Result<StatusCode, ApiError> {
    signed_in.require_manager()?;
    let flags = Flags {
        is_contact: false,
        can_manage_contacts: false,
    };
    people::change_flags(
        &state.db.writer,
        signed_in.account.id,
        signed_in.person.id,
        id,
        &flags,
        contact_rules(&state),
    )
    .await
    .map_err(change_error)?;
    Ok(StatusCode::NO_CONTENT)
}
