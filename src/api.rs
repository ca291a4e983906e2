//! Every call the SPA makes to the server, typed with the server's JSON shapes.

use std::future::Future;
use std::pin::Pin;

use gloo_net::http::{Method, RequestBuilder};
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use support_rules::Policy;

use crate::i18n::Lang;

/// Why a call to the server did not give an answer the SPA can use.
#[derive(Debug, Clone, thiserror::Error)]
pub enum ApiError {
    #[error("the network request failed ({0})")]
    Network(String),
    /// 401: the visitor must sign in (again).
    #[error("you are not signed in")]
    SignedOut,
    /// An `application/problem+json` answer: what went wrong, and for a validation error,
    /// which field.
    #[error("{title}{}", detail.as_deref().map(|d| format!(": {d}")).unwrap_or_default())]
    Problem {
        status: u16,
        title: String,
        detail: Option<String>,
        errors: Vec<FieldError>,
    },
    #[error("the server answered with HTTP status {0}")]
    Status(u16),
    #[error("the server's answer could not be read ({0})")]
    Decode(String),
}

/// One wrong field of a `validation` problem: its kind (`required`, `too_long`, ...) and the
/// server's English words for it ("is required").
#[derive(Debug, Clone, Deserialize)]
pub struct FieldError {
    pub field: String,
    #[serde(default)]
    pub code: String,
    pub problem: String,
}

impl FieldError {
    /// What is wrong, in the visitor's language: the server's own words in English, and in
    /// Japanese the words for its code (the server's words when the code is one without
    /// Japanese words here, such as `invalid`).
    pub fn text(&self, lang: Lang) -> String {
        let ja = match self.code.as_str() {
            "required" => "入力してください。",
            "too_long" => "長すぎます。",
            "control_characters" => "制御文字は使えません。",
            "wrong_type" => "値の形式が正しくありません。",
            "not_allowed" => "この項目はここでは指定できません。",
            "unknown_value" => "選択できる値ではありません。",
            _ => return self.problem.clone(),
        };
        match lang {
            Lang::En => self.problem.clone(),
            Lang::Ja => ja.to_owned(),
        }
    }
}

#[derive(Deserialize)]
struct Problem {
    #[serde(default)]
    title: String,
    #[serde(default)]
    detail: Option<String>,
    #[serde(default)]
    errors: Vec<FieldError>,
}

/// A call's method, path, JSON body and idempotency key.
struct ApiCall<'a> {
    method: Method,
    url: &'a str,
    body: Option<String>,
    idempotency_key: Option<&'a str>,
}

impl<'a> ApiCall<'a> {
    fn new(method: Method, url: &'a str) -> Self {
        ApiCall {
            method,
            url,
            body: None,
            idempotency_key: None,
        }
    }

    fn json(mut self, body: &impl Serialize) -> Result<Self, ApiError> {
        let text = serde_json::to_string(body).map_err(|e| ApiError::Network(e.to_string()))?;
        self.body = Some(text);
        Ok(self)
    }

    /// Sends the call with gloo-net (same origin, so the session cookie goes along); a
    /// success's body as text, anything else as an [`ApiError`]. One function, not generic,
    /// for every call: the wasm holds its code once.
    fn send(self) -> Pin<Box<dyn Future<Output = Result<String, ApiError>> + 'a>> {
        Box::pin(async move {
            let network = |error: gloo_net::Error| ApiError::Network(error.to_string());
            let mut request = RequestBuilder::new(self.url).method(self.method);
            if let Some(key) = self.idempotency_key {
                request = request.header("Idempotency-Key", key);
            }
            let request = match self.body {
                Some(body) => request
                    .header("Content-Type", "application/json")
                    .body(body),
                None => request.build(),
            }
            .map_err(network)?;
            let response = request.send().await.map_err(network)?;
            let status = response.status();
            let text = response
                .text()
                .await
                .map_err(|e| ApiError::Decode(e.to_string()))?;
            if response.ok() {
                return Ok(text);
            }
            if status == 401 {
                return Err(ApiError::SignedOut);
            }
            match serde_json::from_str::<Problem>(&text) {
                Ok(problem) => Err(ApiError::Problem {
                    status,
                    title: problem.title,
                    detail: problem.detail,
                    errors: problem.errors,
                }),
                Err(_) => Err(ApiError::Status(status)),
            }
        })
    }

    /// Sends the call and reads its answer as a `T`.
    async fn answer<T: DeserializeOwned>(self) -> Result<T, ApiError> {
        decode(&self.send().await?)
    }
}

fn decode<T: DeserializeOwned>(text: &str) -> Result<T, ApiError> {
    serde_json::from_str(text).map_err(|e| ApiError::Decode(e.to_string()))
}

async fn get<T: DeserializeOwned>(url: &str) -> Result<T, ApiError> {
    ApiCall::new(Method::GET, url).answer().await
}

#[derive(Debug, Clone, Deserialize)]
pub struct Health {
    pub status: String,
}

pub async fn health() -> Result<Health, ApiError> {
    get("/api/health").await
}

/// The support policy in force, with the data of the time zones its calendars use, so that
/// every figure the SPA shows is computed by the same rules as the server's.
pub async fn policy() -> Result<Policy, ApiError> {
    let text = ApiCall::new(Method::GET, "/api/policy").send().await?;
    Policy::from_json(&text).map_err(|e| ApiError::Decode(e.to_string()))
}

#[derive(Debug, Clone, Serialize)]
pub struct Credentials {
    pub email: String,
    pub password: String,
}

/// Signs in; the server answers with an HttpOnly session cookie the browser keeps.
pub async fn sign_in(credentials: Credentials) -> Result<(), ApiError> {
    ApiCall::new(Method::POST, "/api/session")
        .json(&credentials)?
        .send()
        .await?;
    Ok(())
}

pub async fn sign_out() -> Result<(), ApiError> {
    ApiCall::new(Method::DELETE, "/api/session").send().await?;
    Ok(())
}

/// Who is signed in, and what the account lets them do.
#[derive(Debug, Clone, Deserialize)]
pub struct Me {
    pub person: Person,
    pub account: Account,
    pub is_contact: bool,
    pub can_manage_contacts: bool,
    /// The support number for the account's country, when the policy has one.
    pub phone: Option<AccountPhone>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct Person {
    pub name: String,
    pub email: String,
}

#[derive(Debug, Clone, Deserialize)]
pub struct Account {
    pub name: String,
    pub level: u8,
    pub tsm: bool,
    pub country: String,
}

#[derive(Debug, Clone, Deserialize)]
pub struct AccountPhone {
    pub number: String,
    pub toll_free: bool,
}

pub async fn me() -> Result<Me, ApiError> {
    get("/api/me").await
}

/// Files a ticket. The same `idempotency_key` on a retry returns the first answer instead
/// of filing twice.
pub async fn create_ticket(
    ticket: support_api::NewTicket,
    idempotency_key: String,
) -> Result<support_api::CreatedTicket, ApiError> {
    let mut call = ApiCall::new(Method::POST, "/api/tickets").json(&ticket)?;
    call.idempotency_key = Some(&idempotency_key);
    decode(&call.send().await?)
}

/// A ticket as the lists and the detail page show it.
#[derive(Debug, Clone, Deserialize)]
pub struct Ticket {
    pub id: i64,
    #[serde(rename = "type")]
    pub kind: String,
    #[serde(default)]
    pub severity: Option<String>,
    #[serde(default)]
    pub service: Option<String>,
    pub subject: String,
    pub description: String,
    pub language: String,
    pub status: String,
    pub created_at: String,
    /// `None` while the ticket waits for a contact's approval: its clock has not started.
    pub first_response_due: Option<String>,
    pub submitter: Submitter,
    #[serde(default)]
    pub rejection_reason: Option<String>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct Submitter {
    pub name: String,
    pub email: String,
}

#[derive(Debug, Clone, Deserialize)]
pub struct TicketPage {
    pub tickets: Vec<Ticket>,
}

pub async fn tickets() -> Result<Vec<Ticket>, ApiError> {
    Ok(get::<TicketPage>("/api/tickets").await?.tickets)
}

pub async fn ticket(id: String) -> Result<Ticket, ApiError> {
    get(&format!("/api/tickets/{id}")).await
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Decision {
    Approve,
    Reject,
}

#[derive(Serialize)]
struct Rejection<'a> {
    reason: &'a str,
}

/// Approves or rejects a ticket that waits for approval; a rejection carries its reason.
pub async fn decide(id: i64, decision: Decision, reason: String) -> Result<Ticket, ApiError> {
    match decision {
        Decision::Approve => {
            ApiCall::new(Method::POST, &format!("/api/tickets/{id}/approve"))
                .answer()
                .await
        }
        Decision::Reject => {
            ApiCall::new(Method::POST, &format!("/api/tickets/{id}/reject"))
                .json(&Rejection { reason: &reason })?
                .answer()
                .await
        }
    }
}

/// A technical contact of the account.
#[derive(Debug, Clone, Deserialize)]
pub struct Contact {
    pub id: i64,
    pub email: String,
    pub name: String,
    pub can_manage_contacts: bool,
    /// `false` until the person has a password, so they cannot sign in yet.
    pub can_sign_in: bool,
}

#[derive(Debug, Clone, Serialize)]
pub struct NewContact {
    pub email: String,
    pub can_manage_contacts: bool,
}

#[derive(Deserialize)]
struct ContactList {
    contacts: Vec<Contact>,
}

pub async fn contacts() -> Result<Vec<Contact>, ApiError> {
    Ok(get::<ContactList>("/api/contacts").await?.contacts)
}

pub async fn add_contact(contact: NewContact) -> Result<Contact, ApiError> {
    ApiCall::new(Method::POST, "/api/contacts")
        .json(&contact)?
        .answer()
        .await
}

#[derive(Serialize)]
struct ContactChange {
    can_manage_contacts: bool,
}

pub async fn set_can_manage(id: i64, can_manage_contacts: bool) -> Result<Contact, ApiError> {
    ApiCall::new(Method::PATCH, &format!("/api/contacts/{id}"))
        .json(&ContactChange {
            can_manage_contacts,
        })?
        .answer()
        .await
}

pub async fn remove_contact(id: i64) -> Result<(), ApiError> {
    ApiCall::new(Method::DELETE, &format!("/api/contacts/{id}"))
        .send()
        .await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::FieldError;
    use crate::i18n::Lang;

    fn error(code: &str) -> FieldError {
        FieldError {
            field: "subject".into(),
            code: code.into(),
            problem: "contains control characters".into(),
        }
    }

    #[test]
    fn a_field_error_is_worded_by_its_code_in_japanese_and_by_the_server_in_english() {
        assert_eq!(
            error("control_characters").text(Lang::En),
            "contains control characters"
        );
        assert_eq!(
            error("control_characters").text(Lang::Ja),
            "制御文字は使えません。"
        );
        assert_eq!(error("required").text(Lang::Ja), "入力してください。");
        // A code without Japanese words here (or none, from an older server): the server's words.
        assert_eq!(
            error("invalid").text(Lang::Ja),
            "contains control characters"
        );
        assert_eq!(error("").text(Lang::Ja), "contains control characters");
    }
}
