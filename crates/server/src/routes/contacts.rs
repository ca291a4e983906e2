//! The account's technical contacts. Anyone of the account may see who they are (a person who
//! is not a contact needs one to approve their tickets); only a contact who may manage
//! contacts changes them.

use axum::Json;
use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use support_api::{Contact, ContactChange, ContactList, NewContact};

use crate::auth::{ContactManager, SignedIn};
use crate::domain::rules::check_delegation;
use crate::domain::{ContactFlags, Email, Invalid, Person, PersonName};
use crate::error::{ApiError, Conflict};
use crate::routes::extract::{ApiJson, ApiPath};
use crate::state::AppState;
use crate::store::people::{self, ChangeError, ContactRules, NewPerson};

fn contact(person: Person) -> Contact {
    Contact {
        id: person.id,
        email: person.email,
        name: person.name,
        is_contact: person.is_contact,
        can_manage_contacts: person.can_manage_contacts,
        // `false` until the person has a password (set with `support-server admin
        // reset-password`), so they cannot sign in yet.
        can_sign_in: person.has_password,
        language: person.language,
    }
}

/// `GET /api/contacts`.
pub async fn list(
    State(state): State<AppState>,
    signed_in: SignedIn,
) -> Result<Json<ContactList>, ApiError> {
    let contacts = people::contacts(&state.db, signed_in.account.id).await?;
    Ok(Json(ContactList {
        contacts: contacts.into_iter().map(contact).collect(),
    }))
}

/// The address and optional name of a new contact, each checked; every wrong one is named.
fn parse_new(new: &NewContact) -> Result<(Email, Option<PersonName>), ApiError> {
    let email = Email::parse(&new.email);
    let name = new.name.as_deref().map(PersonName::parse).transpose();
    match (email, name) {
        (Ok(email), Ok(name)) => Ok((email, name)),
        (email, name) => {
            let errors = [("email", email.err()), ("name", name.err())]
                .into_iter()
                .filter_map(|(field, problem)| problem.map(|p| p.named(field)))
                .collect();
            Err(Invalid(errors).into())
        }
    }
}

/// `POST /api/contacts`: adds a person by email (201), or sets the flags of a person of the
/// account who has that address already (200).
pub async fn add(
    State(state): State<AppState>,
    ContactManager(manager): ContactManager,
    ApiJson(new): ApiJson<NewContact>,
) -> Result<Response, ApiError> {
    let (email, name) = parse_new(&new)?;
    let flags = ContactFlags {
        is_contact: new.is_contact,
        can_manage_contacts: new.can_manage_contacts,
    };
    let policy = &state.policy.policy.document().contacts;
    let rules = contact_rules(&state);
    match people::by_email(&state.db, &email).await? {
        Some((person, _)) if person.account_id == Some(manager.account.id) => {
            check_delegation(policy, Some(person.flags()), flags)?;
            let person = people::change_flags(
                &state.db,
                manager.account.id,
                manager.person.id,
                person.id,
                &flags,
                new.language,
                rules,
            )
            .await?;
            Ok(Json(contact(person)).into_response())
        }
        Some(_) => Err(email_taken(&email)),
        None => {
            check_delegation(policy, None, flags)?;
            let person = people::add_person(
                &state.db,
                manager.account.id,
                manager.person.id,
                &NewPerson {
                    email: &email,
                    name: name.as_ref(),
                    flags: &flags,
                    language: new.language.unwrap_or_default(),
                },
                rules,
                crate::db::now(),
            )
            .await
            .map_err(|error| match error {
                ChangeError::EmailTaken => email_taken(&email),
                other => other.into(),
            })?;
            tracing::info!(person = person.id, by = manager.person.id, "person added");
            let mut headers = HeaderMap::new();
            if let Ok(location) = HeaderValue::from_str(&format!("/api/contacts/{}", person.id)) {
                headers.insert(header::LOCATION, location);
            }
            Ok((StatusCode::CREATED, headers, Json(contact(person))).into_response())
        }
    }
}

fn contact_rules(state: &AppState) -> ContactRules {
    ContactRules {
        max_contacts: state.policy.policy.document().contacts.max_contacts,
    }
}

fn email_taken(email: &Email) -> ApiError {
    ApiError::conflict(
        Conflict::EmailTaken,
        format!("{email} belongs to a person of another account."),
    )
}

/// `PATCH /api/contacts/{id}`: changes the given flags; granting the manage right makes the
/// person a contact too.
pub async fn change(
    State(state): State<AppState>,
    ContactManager(manager): ContactManager,
    ApiPath(id): ApiPath<i64>,
    ApiJson(change): ApiJson<ContactChange>,
) -> Result<Json<Contact>, ApiError> {
    let person = people::person(&state.db, id)
        .await?
        .filter(|p| p.account_id == Some(manager.account.id))
        .ok_or(ChangeError::NotFound)?;
    let can_manage_contacts = change
        .can_manage_contacts
        .unwrap_or(person.can_manage_contacts);
    let is_contact = change
        .is_contact
        .unwrap_or(person.is_contact || can_manage_contacts);
    let flags = ContactFlags {
        is_contact,
        can_manage_contacts,
    };
    check_delegation(
        &state.policy.policy.document().contacts,
        Some(person.flags()),
        flags,
    )?;
    let person = people::change_flags(
        &state.db,
        manager.account.id,
        manager.person.id,
        id,
        &flags,
        None,
        contact_rules(&state),
    )
    .await?;
    Ok(Json(contact(person)))
}

/// `DELETE /api/contacts/{id}`: the person stays in the account but is no longer a contact.
pub async fn remove(
    State(state): State<AppState>,
    ContactManager(manager): ContactManager,
    ApiPath(id): ApiPath<i64>,
) -> Result<StatusCode, ApiError> {
    people::change_flags(
        &state.db,
        manager.account.id,
        manager.person.id,
        id,
        &ContactFlags::NONE,
        None,
        contact_rules(&state),
    )
    .await?;
    Ok(StatusCode::NO_CONTENT)
}
