//! Every call the SPA makes to the server, through gloo-net, typed with the wire crate
//! (`support-api`): the same bodies the server answers with.

use std::future::Future;
use std::pin::Pin;

use gloo_net::http::{Method, RequestBuilder};
use serde::Serialize;
use serde::de::DeserializeOwned;
use support_api::{
    Contact, ContactChange, ContactList, CreatedTicket, Credentials, FieldCode, FieldError, Health,
    Me, NewContact, NewEscalation, NewMessage, NewRating, NewTicket, Problem, ProblemType,
    Rejection, Reopening, SessionState, SeverityChange, Ticket, TicketPage, TicketStatus, Timeline,
    TimelineEntry,
};
use support_rules::Policy;
use web_sys::AbortSignal;

use crate::i18n::Lang;

/// Why a call to the server did not give an answer the SPA can use.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum ApiError {
    #[error("the network request failed ({0})")]
    Network(String),
    /// The problem `/problems/not-signed-in`: the visitor must sign in (again).
    #[error("you are not signed in")]
    SignedOut,
    /// Any other `application/problem+json` answer: its kind, what went wrong, and for a
    /// validation problem each wrong field.
    #[error("{title}{}", detail.as_deref().map(|d| format!(": {d}")).unwrap_or_default())]
    Problem {
        kind: ProblemType,
        title: String,
        detail: Option<String>,
        errors: Vec<FieldError>,
    },
    /// A failure without a problem document (a proxy's error page, say).
    #[error("the server answered with HTTP status {0}")]
    Status(u16),
    #[error("the server's answer could not be read ({0})")]
    Decode(String),
}

impl ApiError {
    /// The problem's kind, when the server sent a problem document.
    pub fn kind(&self) -> Option<ProblemType> {
        match self {
            ApiError::SignedOut => Some(ProblemType::NotSignedIn),
            ApiError::Problem { kind, .. } => Some(*kind),
            _ => None,
        }
    }

    /// A failed answer: the problem document it carries, else its status. The SPA branches
    /// on the problem's `type`, never on the status, which several problems share.
    pub(crate) fn of_answer(status: u16, body: &str) -> ApiError {
        match serde_json::from_str::<Problem>(body) {
            Ok(problem) if problem.kind == ProblemType::NotSignedIn => ApiError::SignedOut,
            Ok(problem) => ApiError::Problem {
                kind: problem.kind,
                title: problem.title,
                detail: problem.detail,
                errors: problem.errors,
            },
            Err(_) => ApiError::Status(status),
        }
    }
}

/// A field error in the visitor's language. (A trait because [`FieldError`] is the wire
/// crate's type.)
pub trait FieldErrorText {
    /// The server's own words in English; in Japanese the words for its code (the server's
    /// words for `invalid`, whose meaning only the server's words carry).
    fn text(&self, lang: Lang) -> String;
}

impl FieldErrorText for FieldError {
    fn text(&self, lang: Lang) -> String {
        let ja = match self.code {
            FieldCode::Required => "入力してください。",
            FieldCode::TooLong => "長すぎます。",
            FieldCode::ControlCharacters => "制御文字は使えません。",
            FieldCode::WrongType => "値の形式が正しくありません。",
            FieldCode::NotAllowed => "この項目はここでは指定できません。",
            FieldCode::UnknownValue => "選択できる値ではありません。",
            FieldCode::Invalid => return self.problem.clone(),
        };
        match lang {
            Lang::En => self.problem.clone(),
            Lang::Ja => ja.to_owned(),
        }
    }
}

/// A call's method, path, JSON body, idempotency key and abort signal.
struct ApiCall<'a> {
    method: Method,
    url: &'a str,
    body: Option<String>,
    idempotency_key: Option<&'a str>,
    abort: Option<&'a AbortSignal>,
}

impl<'a> ApiCall<'a> {
    fn new(method: Method, url: &'a str) -> Self {
        ApiCall {
            method,
            url,
            body: None,
            idempotency_key: None,
            abort: None,
        }
    }

    fn json(mut self, body: &impl Serialize) -> Result<Self, ApiError> {
        let text = serde_json::to_string(body).map_err(|e| ApiError::Network(e.to_string()))?;
        self.body = Some(text);
        Ok(self)
    }

    /// Aborting `signal` cancels the request (its page went away, or a newer one replaced it).
    fn abort(mut self, signal: Option<&'a AbortSignal>) -> Self {
        self.abort = signal;
        self
    }

    /// Sends the call with gloo-net; a success's body as text, anything else as an
    /// [`ApiError`]. One function, not generic, for every call: the wasm holds its code once.
    fn send(self) -> Pin<Box<dyn Future<Output = Result<String, ApiError>> + 'a>> {
        Box::pin(async move {
            let network = |error: gloo_net::Error| ApiError::Network(error.to_string());
            let mut request = RequestBuilder::new(self.url)
                .method(self.method)
                .abort_signal(self.abort);
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
            let text = response
                .text()
                .await
                .map_err(|e| ApiError::Decode(e.to_string()))?;
            if response.ok() {
                Ok(text)
            } else {
                Err(ApiError::of_answer(response.status(), &text))
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

/// A GET answered with JSON, for endpoints the wire crate types but no function here calls
/// (the support console's `/api/console/…`). Generic: only an app that calls it holds it.
pub async fn get_json<T: DeserializeOwned>(
    url: &str,
    abort: Option<AbortSignal>,
) -> Result<T, ApiError> {
    ApiCall::new(Method::GET, url)
        .abort(abort.as_ref())
        .answer()
        .await
}

/// A POST of `body` as JSON, answered with JSON (see [`get_json`]).
pub async fn post_json<T: DeserializeOwned>(
    url: &str,
    body: &impl Serialize,
) -> Result<T, ApiError> {
    ApiCall::new(Method::POST, url).json(body)?.answer().await
}

pub async fn health(abort: Option<AbortSignal>) -> Result<Health, ApiError> {
    ApiCall::new(Method::GET, "/api/health")
        .abort(abort.as_ref())
        .answer()
        .await
}

/// The support policy in force, with the data of the time zones its calendars use, so that
/// every figure the SPA shows is computed by the same rules as the server's.
pub async fn policy(abort: Option<AbortSignal>) -> Result<Policy, ApiError> {
    let text = ApiCall::new(Method::GET, "/api/policy")
        .abort(abort.as_ref())
        .send()
        .await?;
    Policy::from_json(&text).map_err(|e| ApiError::Decode(e.to_string()))
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
/// Who is signed in, from `GET /api/session`, which answers 200 to a visitor too (so the
/// browser logs no failed request): a visitor is [`ApiError::SignedOut`], as `GET /api/me`'s
/// 401 would say.
pub async fn me(abort: Option<AbortSignal>) -> Result<Me, ApiError> {
    let state: SessionState = ApiCall::new(Method::GET, "/api/session")
        .abort(abort.as_ref())
        .answer()
        .await?;
    state.into_me().ok_or(ApiError::SignedOut)
}

/// Files a ticket. The same `idempotency_key` on a retry returns the first answer instead
/// of filing twice.
pub async fn create_ticket(
    ticket: NewTicket,
    idempotency_key: String,
) -> Result<CreatedTicket, ApiError> {
    let mut call = ApiCall::new(Method::POST, "/api/tickets").json(&ticket)?;
    call.idempotency_key = Some(&idempotency_key);
    call.answer().await
}

/// A fresh random key. Whole numbers only in the fallback: formatting an `f64` would pull
/// Rust's float printing (about 6 KB gzip) into the wasm for this one line.
pub fn new_idempotency_key() -> String {
    web_sys::window()
        .and_then(|window| window.crypto().ok())
        .map(|crypto| crypto.random_uuid())
        .unwrap_or_else(|| {
            let now = js_sys::Date::now() as u64;
            let random = (js_sys::Math::random() * 1e15) as u64;
            format!("{now:x}-{random:x}")
        })
}

/// The path of one page of the account's tickets, newest first, all of them or those with
/// `status`. Page 1 and the server's default page size are left out of it.
fn tickets_path(page: u32, status: Option<TicketStatus>) -> String {
    let mut path = String::from("/api/tickets");
    let mut separator = '?';
    if page > 1 {
        path.push_str(&format!("{separator}page={page}"));
        separator = '&';
    }
    if let Some(status) = status {
        path.push_str(&format!("{separator}status={}", status.key()));
    }
    path
}

/// One page of the account's tickets (`status`: only those with it), newest first.
pub async fn tickets(
    page: u32,
    status: Option<TicketStatus>,
    abort: Option<AbortSignal>,
) -> Result<TicketPage, ApiError> {
    ApiCall::new(Method::GET, &tickets_path(page, status))
        .abort(abort.as_ref())
        .answer()
        .await
}

pub async fn ticket(id: i64, abort: Option<AbortSignal>) -> Result<Ticket, ApiError> {
    ApiCall::new(Method::GET, &format!("/api/tickets/{id}"))
        .abort(abort.as_ref())
        .answer()
        .await
}

/// The ticket's history, oldest first (without the engineers' internal notes: the server
/// never sends those to a customer).
pub async fn timeline(id: i64, abort: Option<AbortSignal>) -> Result<Timeline, ApiError> {
    ApiCall::new(Method::GET, &format!("/api/tickets/{id}/timeline"))
        .abort(abort.as_ref())
        .answer()
        .await
}

/// Something a customer does to a ticket, each answered with the timeline entry it adds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Action {
    /// A message, with the files uploaded for it; the key makes a retry post it once.
    Message {
        message: NewMessage,
        idempotency_key: String,
    },
    Solve,
    Reopen(Reopening),
    Rate(NewRating),
    ChangeSeverity(SeverityChange),
    Escalate(NewEscalation),
}

/// Sends `action` on ticket `id`.
pub async fn act(id: i64, action: Action) -> Result<TimelineEntry, ApiError> {
    use serde_json::to_string as json;
    let (what, body, key) = match &action {
        Action::Message {
            message,
            idempotency_key,
        } => (
            "messages",
            Some(json(message)),
            Some(idempotency_key.as_str()),
        ),
        Action::Solve => ("solve", None, None),
        Action::Reopen(body) => ("reopen", Some(json(body)), None),
        Action::Rate(body) => ("rating", Some(json(body)), None),
        Action::ChangeSeverity(body) => ("severity", Some(json(body)), None),
        Action::Escalate(body) => ("escalations", Some(json(body)), None),
    };
    let url = format!("/api/tickets/{id}/{what}");
    let mut call = ApiCall::new(Method::POST, &url);
    call.body = body
        .transpose()
        .map_err(|e| ApiError::Network(e.to_string()))?;
    call.idempotency_key = key;
    call.answer().await
}

/// What a technical contact decides about a ticket that waits for approval.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Decision {
    Approve,
    /// With the reason, which the submitter reads.
    Reject(String),
}

/// Approves or rejects a ticket that waits for approval.
pub async fn decide(id: i64, decision: Decision) -> Result<Ticket, ApiError> {
    match decision {
        Decision::Approve => {
            ApiCall::new(Method::POST, &format!("/api/tickets/{id}/approve"))
                .answer()
                .await
        }
        Decision::Reject(reason) => {
            ApiCall::new(Method::POST, &format!("/api/tickets/{id}/reject"))
                .json(&Rejection { reason })?
                .answer()
                .await
        }
    }
}

/// The people of the account, contacts or not.
pub async fn contacts(abort: Option<AbortSignal>) -> Result<ContactList, ApiError> {
    ApiCall::new(Method::GET, "/api/contacts")
        .abort(abort.as_ref())
        .answer()
        .await
}

pub async fn add_contact(contact: NewContact) -> Result<Contact, ApiError> {
    ApiCall::new(Method::POST, "/api/contacts")
        .json(&contact)?
        .answer()
        .await
}

pub async fn change_contact(id: i64, change: ContactChange) -> Result<Contact, ApiError> {
    ApiCall::new(Method::PATCH, &format!("/api/contacts/{id}"))
        .json(&change)?
        .answer()
        .await
}

/// The person stays in the account but is no longer a technical contact.
pub async fn remove_contact(id: i64) -> Result<(), ApiError> {
    ApiCall::new(Method::DELETE, &format!("/api/contacts/{id}"))
        .send()
        .await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use support_api::{FieldCode, FieldError, ProblemType, TicketStatus};

    use super::{ApiError, FieldErrorText, tickets_path};
    use crate::i18n::Lang;

    fn error(code: FieldCode) -> FieldError {
        FieldError::new(code, "subject", "contains control characters")
    }

    #[test]
    fn a_field_error_is_worded_by_its_code_in_japanese_and_by_the_server_in_english() {
        assert_eq!(
            error(FieldCode::ControlCharacters).text(Lang::En),
            "contains control characters"
        );
        assert_eq!(
            error(FieldCode::ControlCharacters).text(Lang::Ja),
            "制御文字は使えません。"
        );
        assert_eq!(
            error(FieldCode::Required).text(Lang::Ja),
            "入力してください。"
        );
        // `invalid` has no words of its own here: the server's words say what was wrong.
        assert_eq!(
            error(FieldCode::Invalid).text(Lang::Ja),
            "contains control characters"
        );
    }

    #[test]
    fn a_failure_is_told_apart_by_its_problem_type_not_by_its_status() {
        let not_signed_in =
            r#"{"type":"/problems/not-signed-in","title":"Not signed in","status":401}"#;
        assert_eq!(ApiError::of_answer(401, not_signed_in), ApiError::SignedOut);
        let wrong = r#"{"type":"/problems/wrong-credentials","title":"Wrong email or password","status":401}"#;
        assert_eq!(
            ApiError::of_answer(401, wrong).kind(),
            Some(ProblemType::WrongCredentials)
        );
        let invalid = r#"{"type":"/problems/validation","title":"Invalid values","status":422,
            "errors":[{"field":"subject","code":"required","problem":"is required"}]}"#;
        match ApiError::of_answer(422, invalid) {
            ApiError::Problem { kind, errors, .. } => {
                assert_eq!(kind, ProblemType::Validation);
                assert_eq!(errors[0].code, FieldCode::Required);
            }
            other => panic!("not a problem: {other:?}"),
        }
        assert_eq!(
            ApiError::of_answer(502, "<html>Bad gateway</html>"),
            ApiError::Status(502)
        );
    }

    #[test]
    fn a_page_of_tickets_names_only_what_differs_from_the_defaults() {
        assert_eq!(tickets_path(1, None), "/api/tickets");
        assert_eq!(tickets_path(3, None), "/api/tickets?page=3");
        assert_eq!(
            tickets_path(1, Some(TicketStatus::PendingApproval)),
            "/api/tickets?status=pending_approval"
        );
        assert_eq!(
            tickets_path(2, Some(TicketStatus::PendingApproval)),
            "/api/tickets?page=2&status=pending_approval"
        );
    }
}
