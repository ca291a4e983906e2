//! Values that can only hold what is valid, each built by a `parse` that says what is wrong,
//! and the support rules the server applies to them. Handlers turn raw input into these and
//! never pass raw strings on. Nothing here knows HTTP: the HTTP layer maps these errors.

mod account;
mod email;
mod error;
mod idempotency;
mod password;
mod person;
mod rejection;
pub mod rules;
mod ticket;

pub use account::{Account, AccountName, Country, Level};
pub use email::Email;
pub use error::Invalid;
pub use idempotency::IdempotencyKey;
pub use password::Password;
pub use person::{ContactFlags, Person, PersonName};
pub use rejection::RejectionReason;
pub use ticket::{NewTicket, Ticket, parse_kind};

/// Trims a text field and checks its length in characters.
pub fn bounded_text(value: &str, what: &str, min: usize, max: usize) -> Result<String, String> {
    let value = value.trim();
    let length = value.chars().count();
    if length < min {
        return Err(if min == 1 {
            format!("{what} is required")
        } else {
            format!("{what} needs at least {min} characters")
        });
    }
    if length > max {
        return Err(format!("{what} is longer than {max} characters"));
    }
    if value
        .chars()
        .any(|c| c.is_control() && c != '\n' && c != '\r' && c != '\t')
    {
        return Err(format!("{what} contains control characters"));
    }
    Ok(value.to_owned())
}
