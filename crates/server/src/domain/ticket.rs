use std::collections::BTreeMap;
use std::str::FromStr;

use jiff::Timestamp;
use serde_json::{Map, Value};
use support_api::{FieldCode, FieldError, Submitter, TicketStatus};
use support_rules::{Policy, ServiceId, Severity, SlaStatus, SupportLevel, TicketKind, TicketType};

use super::Invalid;

/// A ticket as stored: its kind, its texts, where it is in its life and who filed it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Ticket {
    pub id: i64,
    pub kind: TicketKind,
    pub subject: String,
    pub description: String,
    /// The policy's other fields that were given (environment, impact, ...).
    pub details: BTreeMap<String, String>,
    pub language: String,
    pub status: TicketStatus,
    pub created_at: Timestamp,
    /// When the response clock started: at submission, or at approval.
    pub opened_at: Option<Timestamp>,
    pub first_response_due: Option<Timestamp>,
    pub submitter: Submitter,
    pub decided_at: Option<Timestamp>,
    pub rejection_reason: Option<String>,
    /// When it was last solved (the reopening window counts from it); `None` unless solved
    /// or closed.
    pub solved_at: Option<Timestamp>,
    pub account_id: i64,
    /// The account's support level and Technical Success Manager: its deadlines depend on them.
    pub level: SupportLevel,
    pub tsm: bool,
    /// The closed ticket this one follows up.
    pub follows: Option<i64>,
}

/// A ticket with its deadlines as of the answer; `first_response_due` is the current
/// first-response deadline (a severity change moves it).
impl Ticket {
    pub fn answer(self, sla: SlaStatus) -> support_api::Ticket {
        let t = self;
        let (severity, service) = match t.kind {
            support_rules::TicketKind::Incident { severity } => (Some(severity), None),
            support_rules::TicketKind::Request { ref service } => {
                (None, Some(service.as_str().to_owned()))
            }
            support_rules::TicketKind::Question => (None, None),
        };
        support_api::Ticket {
            id: t.id,
            kind: t.kind.ticket_type(),
            severity,
            service,
            subject: t.subject,
            description: t.description,
            fields: t.details,
            language: t.language,
            status: t.status,
            created_at: t.created_at,
            opened_at: t.opened_at,
            first_response_due: sla.first_response.due.or(t.first_response_due),
            submitter: t.submitter,
            decided_at: t.decided_at,
            rejection_reason: t.rejection_reason,
            level: t.level,
            tsm: t.tsm,
            follows: t.follows,
            sla: sla.into(),
        }
    }
}

/// A ticket as a person submits it, checked against the policy: the type with its severity
/// or catalog service, every field the policy's `ticket_fields` name within its length, and a
/// language the policy offers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewTicket {
    pub kind: TicketKind,
    pub subject: String,
    pub description: String,
    /// The policy's other fields that were given (environment, impact, ...), trimmed.
    pub details: BTreeMap<String, String>,
    pub language: String,
    /// The id of the closed ticket this one follows up, as given (the service checks that it
    /// is a closed ticket of the account).
    pub follows: Option<i64>,
}

/// The body's members that are not ticket fields.
const CONTROL_FIELDS: [&str; 5] = ["type", "severity", "service", "language", "follows"];

impl NewTicket {
    /// Parses a `POST /api/tickets` body, reporting every field that is wrong at once.
    pub fn parse(body: &Map<String, Value>, policy: &Policy) -> Result<Self, Invalid> {
        let mut errors = Vec::new();
        let fields = policy.ticket_fields();
        for key in body.keys() {
            if !CONTROL_FIELDS.contains(&key.as_str()) && !fields.iter().any(|f| &f.id == key) {
                errors.push(FieldError::new(
                    FieldCode::NotAllowed,
                    key,
                    "is not a field of a ticket",
                ));
            }
        }
        let follows = match body.get("follows") {
            None | Some(Value::Null) => None,
            Some(value) => match value.as_i64() {
                Some(id) if id > 0 => Some(id),
                Some(_) => {
                    errors.push(FieldError::new(
                        FieldCode::Invalid,
                        "follows",
                        "must be the id of a ticket (1 or more)",
                    ));
                    None
                }
                None => {
                    errors.push(FieldError::new(
                        FieldCode::WrongType,
                        "follows",
                        "must be a ticket's id, a whole number",
                    ));
                    None
                }
            },
        };
        let mut text = |name: &str| -> Option<String> {
            match body.get(name) {
                None | Some(Value::Null) => None,
                Some(Value::String(value)) => Some(value.trim().to_owned()),
                Some(_) => {
                    errors.push(FieldError::new(
                        FieldCode::WrongType,
                        name,
                        "must be a string",
                    ));
                    None
                }
            }
        };
        let ticket_type = text("type");
        let severity = text("severity");
        let service = text("service");
        let language = text("language");
        let mut values = BTreeMap::new();
        for field in fields {
            if let Some(value) = text(&field.id).filter(|v| !v.is_empty()) {
                values.insert(field.id.clone(), value);
            }
        }

        for field in fields {
            match values.get(&field.id) {
                None if field.required => {
                    errors.push(FieldError::new(
                        FieldCode::Required,
                        &field.id,
                        "is required",
                    ));
                }
                Some(value) if value.chars().count() > field.max_chars as usize => {
                    errors.push(FieldError::new(
                        FieldCode::TooLong,
                        &field.id,
                        format!("is longer than {} characters", field.max_chars),
                    ));
                }
                Some(value)
                    if value
                        .chars()
                        .any(|c| c.is_control() && !matches!(c, '\n' | '\r' | '\t')) =>
                {
                    errors.push(FieldError::new(
                        FieldCode::ControlCharacters,
                        &field.id,
                        "contains control characters",
                    ));
                }
                _ => {}
            }
        }

        let kind = parse_kind(ticket_type.as_deref(), severity, service, policy)
            .map_err(|kind_errors| errors.extend(kind_errors))
            .ok();

        let language = language.unwrap_or_else(|| "en".to_owned());
        if !policy.languages().iter().any(|l| l.code == language) {
            let offered: Vec<&str> = policy.languages().iter().map(|l| l.code.as_str()).collect();
            errors.push(FieldError::new(
                FieldCode::UnknownValue,
                "language",
                format!("must be one of {}", offered.join(", ")),
            ));
        }

        let subject = values.remove("subject");
        let description = values.remove("description");
        match (kind, subject, description) {
            (Some(kind), Some(subject), Some(description)) if errors.is_empty() => Ok(Self {
                kind,
                subject,
                description,
                details: values,
                language,
                follows,
            }),
            _ => {
                if errors.is_empty() {
                    // The policy made subject or description optional: the API still needs them.
                    errors.push(FieldError::new(
                        FieldCode::Required,
                        "subject",
                        "is required",
                    ));
                }
                Err(Invalid(errors))
            }
        }
    }
}

/// A ticket's kind from its `type`, `severity` and `service` (as in the ticket body and the
/// quote query).
pub fn parse_kind(
    ticket_type: Option<&str>,
    severity: Option<String>,
    service: Option<String>,
    policy: &Policy,
) -> Result<TicketKind, Vec<FieldError>> {
    let mut errors = Vec::new();
    let kind = match ticket_type.map(TicketType::from_str) {
        None => {
            errors.push(FieldError::new(
                FieldCode::Required,
                "type",
                "is required: request, incident or question",
            ));
            None
        }
        Some(Err(_)) => {
            errors.push(FieldError::new(
                FieldCode::UnknownValue,
                "type",
                "must be request, incident or question",
            ));
            None
        }
        Some(Ok(ticket_type)) => kind(ticket_type, severity, service, policy, &mut errors),
    };
    match kind {
        Some(kind) if errors.is_empty() => Ok(kind),
        _ => Err(errors),
    }
}

fn kind(
    ticket_type: TicketType,
    severity: Option<String>,
    service: Option<String>,
    policy: &Policy,
    errors: &mut Vec<FieldError>,
) -> Option<TicketKind> {
    let unexpected = |errors: &mut Vec<FieldError>, field: &str, value: &Option<String>| {
        if value.is_some() {
            errors.push(FieldError::new(
                FieldCode::NotAllowed,
                field,
                format!("does not apply to a {}", ticket_type.key()),
            ));
        }
    };
    match ticket_type {
        TicketType::Incident => {
            unexpected(errors, "service", &service);
            match severity.as_deref().map(Severity::from_str) {
                Some(Ok(severity)) => Some(TicketKind::Incident { severity }),
                Some(Err(_)) => {
                    errors.push(FieldError::new(
                        FieldCode::UnknownValue,
                        "severity",
                        "must be urgent, high, normal or low",
                    ));
                    None
                }
                None => {
                    errors.push(FieldError::new(
                        FieldCode::Required,
                        "severity",
                        "is required for an incident: urgent, high, normal or low",
                    ));
                    None
                }
            }
        }
        TicketType::Request => {
            unexpected(errors, "severity", &severity);
            let Some(service) = service else {
                errors.push(FieldError::new(
                    FieldCode::Required,
                    "service",
                    "is required for a request: a service of the catalog",
                ));
                return None;
            };
            match ServiceId::from_str(&service) {
                Ok(id) if policy.service(id.as_str()).is_some() => {
                    Some(TicketKind::Request { service: id })
                }
                _ => {
                    errors.push(FieldError::new(
                        FieldCode::UnknownValue,
                        "service",
                        format!("`{service}` is not a service of the catalog"),
                    ));
                    None
                }
            }
        }
        TicketType::Question => {
            unexpected(errors, "severity", &severity);
            unexpected(errors, "service", &service);
            Some(TicketKind::Question)
        }
    }
}

#[cfg(test)]
mod tests {
    use serde_json::{Value, json};
    use support_rules::{Policy, Severity, TicketKind};

    use super::NewTicket;

    fn parse(body: Value) -> Result<NewTicket, Vec<(String, String)>> {
        let Value::Object(map) = body else {
            panic!("an object")
        };
        NewTicket::parse(&map, &Policy::embedded_default())
            .map_err(|errors| errors.0.into_iter().map(|e| (e.field, e.problem)).collect())
    }

    #[test]
    fn an_incident_needs_a_severity_and_keeps_the_policys_fields() {
        let ticket = parse(json!({
            "type": "incident", "severity": "urgent", "subject": " Down ",
            "description": "All requests fail", "environment": "prod", "impact": ""
        }))
        .expect("valid");
        assert_eq!(
            ticket.kind,
            TicketKind::Incident {
                severity: Severity::Urgent
            }
        );
        assert_eq!(ticket.subject, "Down");
        assert_eq!(ticket.language, "en");
        assert_eq!(ticket.details.len(), 1, "empty fields are dropped");
        let errors = parse(json!({"type": "incident", "subject": "a", "description": "b"}))
            .expect_err("no severity");
        assert_eq!(errors[0].0, "severity");
    }

    #[test]
    fn a_request_needs_a_catalog_service_and_a_question_neither() {
        assert!(
            parse(json!({"type": "request", "service": "vpn-setup", "subject": "a", "description": "b"}))
                .is_ok()
        );
        let errors = parse(
            json!({"type": "request", "service": "pizza", "subject": "a", "description": "b"}),
        )
        .expect_err("unknown service");
        assert_eq!(errors[0].0, "service");
        let errors = parse(
            json!({"type": "question", "severity": "low", "subject": "a", "description": "b"}),
        )
        .expect_err("severity on a question");
        assert_eq!(errors[0].0, "severity");
    }

    #[test]
    fn every_wrong_field_is_reported_at_once() {
        let errors = parse(json!({
            "type": "nope", "subject": "", "description": 5, "colour": "red",
            "language": "xx", "environment": "e".repeat(501)
        }))
        .expect_err("invalid");
        let fields: Vec<&str> = errors.iter().map(|(f, _)| f.as_str()).collect();
        for field in [
            "colour",
            "description",
            "subject",
            "environment",
            "type",
            "language",
        ] {
            assert!(fields.contains(&field), "{field} in {fields:?}");
        }
    }

    #[test]
    fn a_follow_up_names_its_ticket_by_a_positive_whole_number() {
        let base = json!({"type": "question", "subject": "a", "description": "b"});
        let with = |follows: Value| {
            let mut body = base.clone();
            body["follows"] = follows;
            parse(body)
        };
        assert_eq!(with(json!(7)).expect("valid").follows, Some(7));
        assert_eq!(with(Value::Null).expect("valid").follows, None);
        assert_eq!(parse(base.clone()).expect("valid").follows, None);
        for bad in [json!(0), json!(-3), json!("7"), json!(1.5), json!([7])] {
            let errors = with(bad.clone()).expect_err("invalid");
            assert_eq!(errors[0].0, "follows", "{bad}");
        }
    }
}
