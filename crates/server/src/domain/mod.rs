//! Values that can only hold what is valid, each built by a `parse` that says what is wrong.
//! Handlers turn raw input into these and never pass raw strings on.

mod account;
mod email;
mod password;
mod person;
mod ticket;

pub use account::{AccountName, Country, Level};
pub use email::Email;
pub use password::Password;
pub use person::PersonName;
pub use ticket::{NewTicket, parse_kind};

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
