//! Values that can only hold what is valid, each built by a `parse` that says what is wrong,
//! and the support rules the server applies to them. Handlers turn raw input into these and
//! never pass raw strings on. Nothing here knows HTTP: the HTTP layer maps these errors.

mod account;
pub mod attachment;
mod email;
mod error;
mod idempotency;
pub mod life;
pub mod notice;
mod password;
mod person;
mod position;
pub mod queue;
mod rejection;
pub mod report;
pub mod rules;
mod ticket;

pub use account::{Account, AccountName, Country, Level};
pub use email::Email;
pub use error::{FieldProblem, Invalid};
pub use idempotency::IdempotencyKey;
pub use password::Password;
pub use person::{ContactFlags, Person, PersonName};
pub use position::{NotAPosition, Position};
pub use rejection::RejectionReason;
pub use ticket::{NewTicket, Ticket, parse_kind};

use support_api::FieldCode;

/// Trims a text field and checks that it holds 1 to `max` characters (counted as characters,
/// not bytes) and no control character other than line breaks and tabs.
pub fn bounded_text(value: &str, what: &str, max: usize) -> Result<String, FieldProblem> {
    let value = value.trim();
    if value.is_empty() {
        return Err(FieldProblem::new(
            FieldCode::Required,
            format!("{what} is required"),
        ));
    }
    if value.chars().count() > max {
        return Err(FieldProblem::new(
            FieldCode::TooLong,
            format!("{what} is longer than {max} characters"),
        ));
    }
    if value
        .chars()
        .any(|c| c.is_control() && c != '\n' && c != '\r' && c != '\t')
    {
        return Err(FieldProblem::new(
            FieldCode::ControlCharacters,
            format!("{what} contains control characters"),
        ));
    }
    Ok(value.to_owned())
}

#[cfg(test)]
mod tests {
    use support_api::FieldCode;

    use super::bounded_text;

    fn code(value: &str) -> Option<FieldCode> {
        bounded_text(value, "a text", 5).err().map(|e| e.code)
    }

    #[test]
    fn bounded_text_says_which_kind_of_problem_it_found() {
        assert_eq!(
            bounded_text("  ééé\té ", "a text", 5).as_deref(),
            Ok("ééé\té")
        );
        assert_eq!(code(" \n "), Some(FieldCode::Required));
        assert_eq!(code("éééééé"), Some(FieldCode::TooLong));
        assert_eq!(code("a\u{1b}b"), Some(FieldCode::ControlCharacters));
    }
}
