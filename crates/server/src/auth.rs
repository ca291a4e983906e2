//! Passwords (argon2id), session tokens and cookies, and the extractors that give a handler
//! the signed-in person: [`Viewer`] (anyone with a live session, engineers included),
//! [`SignedIn`] (a person of a customer account), [`Contact`] (a technical
//! contact) and [`ContactManager`] (a contact who may manage contacts), so that a handler's
//! signature says whom it serves.

use std::sync::OnceLock;

use argon2::Argon2;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use axum::extract::{FromRequestParts, OptionalFromRequestParts};
use axum::http::header::{COOKIE, SET_COOKIE};
use axum::http::request::Parts;
use axum::http::{HeaderMap, HeaderValue};
use sha2::{Digest, Sha256};

use crate::domain::{Account, Person};
use crate::error::ApiError;
use crate::state::AppState;
use crate::store::people;

pub const SESSION_COOKIE: &str = "support_session";

#[derive(Debug, thiserror::Error)]
pub enum CryptoError {
    #[error("the system's random source failed: {0}")]
    Random(String),
    #[error("cannot hash the password: {0}")]
    Hash(String),
}

fn random_bytes<const N: usize>() -> Result<[u8; N], CryptoError> {
    let mut bytes = [0u8; N];
    getrandom::fill(&mut bytes).map_err(|e| CryptoError::Random(e.to_string()))?;
    Ok(bytes)
}

/// An argon2id hash (PHC string) of a password, with a fresh salt.
pub fn hash_password(password: &str) -> Result<String, CryptoError> {
    let salt = SaltString::encode_b64(&random_bytes::<16>()?)
        .map_err(|e| CryptoError::Hash(e.to_string()))?;
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|hash| hash.to_string())
        .map_err(|e| CryptoError::Hash(e.to_string()))
}

/// Checks a password against a stored hash. Without a hash (unknown address, or no password
/// set yet) it checks against a throw-away hash, so the answer takes as long either way.
pub fn verify_password(password: &str, stored: Option<&str>) -> bool {
    static DECOY: OnceLock<Option<String>> = OnceLock::new();
    let decoy = DECOY.get_or_init(|| hash_password("decoy password, never matches").ok());
    let (hash, real) = match (stored, decoy.as_deref()) {
        (Some(hash), _) => (hash, true),
        (None, Some(decoy)) => (decoy, false),
        (None, None) => return false,
    };
    let Ok(parsed) = PasswordHash::new(hash) else {
        return false;
    };
    Argon2::default()
        .verify_password(password.as_bytes(), &parsed)
        .is_ok()
        && real
}

/// A new session token (256 random bits, hex) and the hash that is stored.
pub fn new_session_token() -> Result<(String, String), CryptoError> {
    let token = hex::encode(random_bytes::<32>()?);
    let hash = token_hash(&token);
    Ok((token, hash))
}

pub fn token_hash(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

/// The `Set-Cookie` value that holds a session: unreadable by scripts, never sent by other
/// sites, for the whole origin.
pub fn session_cookie(token: &str, max_age_secs: u64, secure: bool) -> HeaderValue {
    let secure = if secure { "; Secure" } else { "" };
    let value = format!(
        "{SESSION_COOKIE}={token}; HttpOnly; SameSite=Strict; Path=/; Max-Age={max_age_secs}{secure}"
    );
    HeaderValue::from_str(&value).unwrap_or_else(|_| HeaderValue::from_static(""))
}

/// The `Set-Cookie` value that makes the browser forget the session.
pub fn expired_cookie(secure: bool) -> HeaderValue {
    if secure {
        HeaderValue::from_static(
            "support_session=; HttpOnly; SameSite=Strict; Path=/; Max-Age=0; Secure",
        )
    } else {
        HeaderValue::from_static("support_session=; HttpOnly; SameSite=Strict; Path=/; Max-Age=0")
    }
}

pub fn set_cookie(headers: &mut HeaderMap, value: HeaderValue) {
    headers.append(SET_COOKIE, value);
}

/// The session token the request carries, if any.
pub fn session_token(headers: &HeaderMap) -> Option<&str> {
    headers
        .get_all(COOKIE)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .flat_map(|value| value.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(name, _)| *name == SESSION_COOKIE)
        .map(|(_, token)| token)
        .filter(|token| token.len() == 64 && token.bytes().all(|b| b.is_ascii_hexdigit()))
}

/// Anyone signed in: a person of a customer account, or a support engineer (who has no
/// account). A handler that takes it answers 401 to anyone without a live session.
#[derive(Debug, Clone)]
pub enum Viewer {
    Customer(SignedIn),
    Engineer(Person),
}

impl Viewer {
    pub fn person(&self) -> &Person {
        match self {
            Viewer::Customer(signed_in) => &signed_in.person,
            Viewer::Engineer(person) => person,
        }
    }

    /// The one account whose tickets the viewer sees; `None` for an engineer, who sees all.
    pub fn account_id(&self) -> Option<i64> {
        match self {
            Viewer::Customer(signed_in) => Some(signed_in.account.id),
            Viewer::Engineer(_) => None,
        }
    }

    pub fn is_engineer(&self) -> bool {
        matches!(self, Viewer::Engineer(_))
    }
}

impl FromRequestParts<AppState> for Viewer {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        <Self as OptionalFromRequestParts<AppState>>::from_request_parts(parts, state)
            .await?
            .ok_or(ApiError::NotSignedIn)
    }
}

/// `Option<Viewer>`: `None` for a visitor without a live session (a missing, malformed,
/// unknown or expired cookie); only a failing database is an error.
impl OptionalFromRequestParts<AppState> for Viewer {
    type Rejection = ApiError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Option<Self>, ApiError> {
        let Some(token) = session_token(&parts.headers) else {
            return Ok(None);
        };
        let found =
            people::by_session(&state.db, &token_hash(token), jiff::Timestamp::now()).await?;
        Ok(found.map(|(person, account)| match account {
            Some(account) => Viewer::Customer(SignedIn { person, account }),
            None => Viewer::Engineer(person),
        }))
    }
}

/// A signed-in person of a customer account, and the account; a handler that takes it
/// answers 401 to anyone without a live session and 403 to a support engineer (filing,
/// approving and the account's contacts are the customer's own business).
#[derive(Debug, Clone)]
pub struct SignedIn {
    pub person: Person,
    pub account: Account,
}

impl FromRequestParts<AppState> for SignedIn {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        match <Viewer as FromRequestParts<AppState>>::from_request_parts(parts, state).await? {
            Viewer::Customer(signed_in) => Ok(signed_in),
            Viewer::Engineer(_) => Err(ApiError::Forbidden(
                "Support engineers act on the customers' tickets, not for a customer account: \
                 only the account's people can do this."
                    .into(),
            )),
        }
    }
}

/// A signed-in support engineer: 401 without a session, 403 for a person of a customer
/// account (the support console is the vendor's own).
#[derive(Debug, Clone)]
pub struct Engineer(pub Person);

impl FromRequestParts<AppState> for Engineer {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        match <Viewer as FromRequestParts<AppState>>::from_request_parts(parts, state).await? {
            Viewer::Engineer(person) => Ok(Self(person)),
            Viewer::Customer(_) => Err(ApiError::Forbidden(
                "The support console is for support engineers only.".into(),
            )),
        }
    }
}

/// A signed-in technical contact of the account (they decide the others' tickets): 401
/// without a session, 403 for anyone else.
#[derive(Debug, Clone)]
pub struct Contact(pub SignedIn);

impl FromRequestParts<AppState> for Contact {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        let signed_in = SignedIn::from_request_parts(parts, state).await?;
        if signed_in.person.is_technical_contact() {
            Ok(Self(signed_in))
        } else {
            Err(ApiError::Forbidden(
                "Only a technical contact of the account can do this.".into(),
            ))
        }
    }
}

/// A signed-in technical contact who may manage the account's contacts: 401 without a
/// session, 403 for anyone else. The store checks the right again inside each change.
#[derive(Debug, Clone)]
pub struct ContactManager(pub SignedIn);

impl FromRequestParts<AppState> for ContactManager {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        let signed_in = SignedIn::from_request_parts(parts, state).await?;
        if signed_in.person.may_manage_contacts() {
            Ok(Self(signed_in))
        } else {
            Err(ApiError::Forbidden(
                "Only a technical contact who may manage contacts can do this.".into(),
            ))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_password_verifies_against_its_own_hash_only() {
        let hash = hash_password("correct horse battery").expect("hash");
        assert!(hash.starts_with("$argon2id$"));
        assert!(verify_password("correct horse battery", Some(&hash)));
        assert!(!verify_password("wrong horse battery", Some(&hash)));
        assert!(!verify_password("correct horse battery", None));
    }

    #[test]
    fn the_session_cookie_is_found_among_others_and_must_look_like_a_token() {
        let token = "ab".repeat(32);
        let mut headers = HeaderMap::new();
        headers.insert(
            COOKIE,
            HeaderValue::from_str(&format!("theme=dark; support_session={token}")).expect("ascii"),
        );
        assert_eq!(session_token(&headers), Some(token.as_str()));
        headers.insert(COOKIE, HeaderValue::from_static("support_session=nope"));
        assert_eq!(session_token(&headers), None);
    }
}
