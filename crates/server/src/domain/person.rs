use support_api::{Language, Role};

use super::{FieldProblem, bounded_text};

/// How a person is shown to the others of the account.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PersonName(String);

impl PersonName {
    pub const MAX_LENGTH: usize = 120;

    pub fn parse(value: &str) -> Result<Self, FieldProblem> {
        bounded_text(value, "a name", Self::MAX_LENGTH).map(Self)
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A person of an account, as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Person {
    pub id: i64,
    /// `None` for a support engineer, who belongs to no customer account.
    pub account_id: Option<i64>,
    pub role: Role,
    pub email: String,
    pub name: String,
    pub is_contact: bool,
    pub can_manage_contacts: bool,
    pub has_password: bool,
    /// The language of their e-mails.
    pub language: Language,
    /// They asked for the e-mails of the account's tickets that others filed (effective only
    /// while they are a technical contact).
    pub account_ticket_mail: bool,
}

/// What a person may do in their account.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ContactFlags {
    /// A technical contact: their tickets open at once, and they decide the others'.
    pub is_contact: bool,
    /// May add, change and remove the account's contacts (only a contact holds it).
    pub can_manage_contacts: bool,
}

impl ContactFlags {
    /// Neither a contact nor a manager: what a removed contact becomes.
    pub const NONE: ContactFlags = ContactFlags {
        is_contact: false,
        can_manage_contacts: false,
    };

    /// The manage right without being a contact means nothing: it is dropped.
    pub fn normalized(self) -> Self {
        Self {
            is_contact: self.is_contact,
            can_manage_contacts: self.can_manage_contacts && self.is_contact,
        }
    }
}

impl Person {
    pub fn flags(&self) -> ContactFlags {
        ContactFlags {
            is_contact: self.is_contact,
            can_manage_contacts: self.can_manage_contacts,
        }
    }

    /// A support engineer of the vendor.
    pub fn is_engineer(&self) -> bool {
        self.role == Role::Engineer
    }

    /// Technical contacts approve and reject the tickets of the others.
    pub fn is_technical_contact(&self) -> bool {
        self.is_contact
    }

    /// They get the e-mails of the account's tickets that others filed: a technical contact
    /// who asked for them.
    pub fn gets_account_ticket_mail(&self) -> bool {
        self.is_contact && self.account_ticket_mail
    }

    /// Only a technical contact who holds the manage right changes the account's contacts.
    pub fn may_manage_contacts(&self) -> bool {
        self.is_contact && self.can_manage_contacts
    }
}
