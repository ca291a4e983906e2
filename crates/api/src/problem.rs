//! RFC 9457 problem documents, the answer to every request that fails.

use serde::{Deserialize, Serialize};

macro_rules! problem_types {
    ($($variant:ident = $slug:literal, $status:literal, $title:literal;)+) => {
        /// The kind of a problem: its `type` URI is `/problems/{slug}`. A client branches on
        /// this, not on the HTTP status (several problems share one status).
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
        #[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
        pub enum ProblemType {
            $(#[serde(rename = $slug)] $variant,)+
        }

        impl ProblemType {
            /// Every problem type the API answers with.
            pub const ALL: &'static [ProblemType] = &[$(ProblemType::$variant),+];

            /// The `type` member: `/problems/{slug}`.
            pub fn uri(self) -> &'static str {
                match self { $(ProblemType::$variant => $slug),+ }
            }

            /// The slug, the last segment of [`ProblemType::uri`].
            pub fn slug(self) -> &'static str {
                let uri = self.uri();
                uri.rsplit('/').next().unwrap_or(uri)
            }

            /// The HTTP status the problem is answered with.
            pub fn status(self) -> u16 {
                match self { $(ProblemType::$variant => $status),+ }
            }

            /// The problem's fixed title.
            pub fn title(self) -> &'static str {
                match self { $(ProblemType::$variant => $title),+ }
            }
        }
    };
}

problem_types! {
    MalformedRequest = "/problems/malformed-request", 400, "The request is malformed";
    NotSignedIn = "/problems/not-signed-in", 401, "Not signed in";
    WrongCredentials = "/problems/wrong-credentials", 401, "Wrong email or password";
    Forbidden = "/problems/forbidden", 403, "Not allowed";
    NotFound = "/problems/not-found", 404, "Not found";
    MethodNotAllowed = "/problems/method-not-allowed", 405, "Method not allowed";
    IdempotencyKeyReused = "/problems/idempotency-key-reused", 409, "Idempotency key reused with another request";
    TicketNotPending = "/problems/ticket-not-pending", 409, "The ticket is not pending approval";
    LastContactManager = "/problems/last-contact-manager", 409, "The account's last contact manager";
    EmailTaken = "/problems/email-taken", 409, "The email address is already in use";
    ContactLimit = "/problems/contact-limit", 409, "The account has as many contacts as the policy allows";
    TicketTakesNoMessages = "/problems/ticket-takes-no-messages", 409, "The ticket takes no messages now";
    TicketStatusConflict = "/problems/ticket-status-conflict", 409, "The ticket's status does not allow this";
    ReopenWindowPassed = "/problems/reopen-window-passed", 409, "The ticket can no longer be reopened";
    AlreadyRated = "/problems/already-rated", 409, "The ticket is already rated";
    BodyTooLarge = "/problems/body-too-large", 413, "The request body is too large";
    FileTooLarge = "/problems/file-too-large", 413, "The file is too large";
    UnsupportedMediaType = "/problems/unsupported-media-type", 415, "Unsupported content type";
    Validation = "/problems/validation", 422, "Invalid values";
    TooManyRequests = "/problems/too-many-requests", 429, "Too many requests";
    Internal = "/problems/internal", 500, "Internal error";
    Unavailable = "/problems/unavailable", 503, "The server is overloaded";
}

/// An `application/problem+json` answer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Problem {
    #[serde(rename = "type")]
    pub kind: ProblemType,
    pub title: String,
    pub status: u16,
    /// What was wrong with this request; absent, never `null`, when there is nothing to say.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "schema", schemars(with = "String"))]
    pub detail: Option<String>,
    /// Validation problems only: each wrong field.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub errors: Vec<FieldError>,
}

impl Problem {
    /// A problem of `kind` with its own title and status.
    pub fn new(kind: ProblemType, detail: Option<String>, errors: Vec<FieldError>) -> Self {
        Self {
            kind,
            title: kind.title().to_owned(),
            status: kind.status(),
            detail,
            errors,
        }
    }
}

/// The kind of a field's problem, for a client that words it in its own language.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum FieldCode {
    /// Missing or empty.
    Required,
    /// Longer than the policy allows.
    TooLong,
    /// Holds control characters (other than line breaks and tabs in long text).
    ControlCharacters,
    /// Not a string, number or boolean where one is expected.
    WrongType,
    /// A member the request does not take, or one that does not apply here.
    NotAllowed,
    /// Not one of the values the policy offers (a type, severity, service, language).
    UnknownValue,
    /// Anything else; `problem` says what.
    Invalid,
}

/// One wrong field of a validation problem: the body member, query parameter or header, the
/// kind of problem, and the server's English words for it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct FieldError {
    pub field: String,
    pub code: FieldCode,
    pub problem: String,
}

impl FieldError {
    pub fn new(code: FieldCode, field: impl Into<String>, problem: impl Into<String>) -> Self {
        Self {
            field: field.into(),
            code,
            problem: problem.into(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::{Problem, ProblemType};

    #[test]
    fn every_problem_type_has_its_own_slug_and_reads_back_from_its_uri() {
        let mut slugs: Vec<&str> = ProblemType::ALL.iter().map(|t| t.slug()).collect();
        slugs.sort_unstable();
        slugs.dedup();
        assert_eq!(slugs.len(), ProblemType::ALL.len());
        for &kind in ProblemType::ALL {
            let json = serde_json::to_string(&Problem::new(kind, None, Vec::new())).unwrap();
            assert!(json.contains(&format!("\"type\":\"/problems/{}\"", kind.slug())));
            assert_eq!(serde_json::from_str::<Problem>(&json).unwrap().kind, kind);
        }
    }
}
