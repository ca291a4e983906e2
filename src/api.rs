//! Every call the SPA makes to the server, typed with the server's JSON shapes.

use gloo_net::http::{Request, RequestBuilder, Response};
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use support_rules::Policy;

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

/// One wrong field of a `validation` problem, as the server words it ("is required").
#[derive(Debug, Clone, Deserialize)]
pub struct FieldError {
    pub field: String,
    pub problem: String,
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

async fn send(request: Result<Request, gloo_net::Error>) -> Result<Response, ApiError> {
    let response = request
        .map_err(|e| ApiError::Network(e.to_string()))?
        .send()
        .await
        .map_err(|e| ApiError::Network(e.to_string()))?;
    if response.ok() {
        return Ok(response);
    }
    let status = response.status();
    if status == 401 {
        return Err(ApiError::SignedOut);
    }
    match response.json::<Problem>().await {
        Ok(problem) => Err(ApiError::Problem {
            status,
            title: problem.title,
            detail: problem.detail,
            errors: problem.errors,
        }),
        Err(_) => Err(ApiError::Status(status)),
    }
}

async fn json<T: DeserializeOwned>(response: Response) -> Result<T, ApiError> {
    response
        .json()
        .await
        .map_err(|e| ApiError::Decode(e.to_string()))
}

async fn get<T: DeserializeOwned>(url: &str) -> Result<T, ApiError> {
    json(send(Request::get(url).build()).await?).await
}

fn with_body(builder: RequestBuilder, body: &impl Serialize) -> Result<Request, gloo_net::Error> {
    builder.json(body)
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
    let text = send(Request::get("/api/policy").build())
        .await?
        .text()
        .await
        .map_err(|e| ApiError::Decode(e.to_string()))?;
    Policy::from_json(&text).map_err(|e| ApiError::Decode(e.to_string()))
}

#[derive(Debug, Clone, Serialize)]
pub struct Credentials {
    pub email: String,
    pub password: String,
}

/// Signs in; the server answers with an HttpOnly session cookie the browser keeps.
pub async fn sign_in(credentials: Credentials) -> Result<(), ApiError> {
    send(with_body(Request::post("/api/session"), &credentials)).await?;
    Ok(())
}

pub async fn sign_out() -> Result<(), ApiError> {
    send(Request::delete("/api/session").build()).await?;
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

/// The body of `POST /api/tickets`: exactly the fields the server accepts.
#[derive(Debug, Clone, Serialize)]
pub struct NewTicket {
    #[serde(rename = "type")]
    pub kind: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub severity: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub service: Option<String>,
    pub subject: String,
    pub description: String,
    pub environment: String,
    pub platform_version: String,
    pub impact: String,
    pub steps_to_reproduce: String,
    pub started_at: String,
    pub availability: String,
    pub language: String,
}

/// The answer to a new ticket: the ticket, and for an urgent incident the number to call.
#[derive(Debug, Clone)]
pub struct CreatedTicket {
    pub ticket: Ticket,
    pub call_now: Option<CallNow>,
}

/// The one field a created ticket has beyond a [`Ticket`]'s. (Read apart from the ticket:
/// `#[serde(flatten)]` would do it in one pass, with much more code in the wasm.)
#[derive(Deserialize)]
struct CallNowField {
    #[serde(default)]
    call_now: Option<CallNow>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct CallNow {
    pub number: String,
    pub instruction: String,
}

/// Files a ticket. The same `idempotency_key` on a retry returns the first answer instead
/// of filing twice.
pub async fn create_ticket(
    ticket: NewTicket,
    idempotency_key: String,
) -> Result<CreatedTicket, ApiError> {
    let request = with_body(
        Request::post("/api/tickets").header("Idempotency-Key", &idempotency_key),
        &ticket,
    );
    let text = send(request)
        .await?
        .text()
        .await
        .map_err(|e| ApiError::Decode(e.to_string()))?;
    let decode = |e: serde_json::Error| ApiError::Decode(e.to_string());
    Ok(CreatedTicket {
        ticket: serde_json::from_str(&text).map_err(decode)?,
        call_now: serde_json::from_str::<CallNowField>(&text)
            .map_err(decode)?
            .call_now,
    })
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
    let request = match decision {
        Decision::Approve => Request::post(&format!("/api/tickets/{id}/approve")).build(),
        Decision::Reject => with_body(
            Request::post(&format!("/api/tickets/{id}/reject")),
            &Rejection { reason: &reason },
        ),
    };
    json(send(request).await?).await
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
    json(send(with_body(Request::post("/api/contacts"), &contact)).await?).await
}

#[derive(Serialize)]
struct ContactChange {
    can_manage_contacts: bool,
}

pub async fn set_can_manage(id: i64, can_manage_contacts: bool) -> Result<Contact, ApiError> {
    let request = with_body(
        Request::patch(&format!("/api/contacts/{id}")),
        &ContactChange {
            can_manage_contacts,
        },
    );
    json(send(request).await?).await
}

pub async fn remove_contact(id: i64) -> Result<(), ApiError> {
    send(Request::delete(&format!("/api/contacts/{id}")).build()).await?;
    Ok(())
}
