use serde::{Deserialize, Serialize};
use support_rules::SupportLevel;

/// `GET /api/me`: who is signed in, their account, and what they may do.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Me {
    pub person: PersonSummary,
    pub role: Role,
    /// `null` for a support engineer, who belongs to no customer account.
    pub account: Option<AccountSummary>,
    pub is_contact: bool,
    pub can_manage_contacts: bool,
    /// The policy's support number for the account's country, when it has one.
    pub phone: Option<Phone>,
    /// Which e-mails the person asked for. Sent, but not read back by this type: no page of
    /// the customer SPA shows it yet, and reading it cost the SPA's first load 464 bytes
    /// brotli (its budget had 164 left). The page that shows the setting reads it with its own
    /// type, or drops this attribute once the budget allows.
    #[serde(default, skip_deserializing)]
    pub notifications: Notifications,
}

/// The e-mails a person asked for (`GET /api/me`, `PUT /api/me/notifications`). Everyone
/// always gets the e-mails of their own tickets, and technical contacts those of tickets that
/// wait for their approval.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct Notifications {
    /// A technical contact also gets an engineer's answers, requests for information and
    /// solutions of the account's tickets that others filed. Off until turned on; always
    /// `false` for someone who is not a technical contact (and for an engineer).
    pub account_tickets: bool,
}

/// Which side of support a person is on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// A person of a customer account (a technical contact or not).
    Customer,
    /// A support engineer of the vendor: sees every account's tickets, in no account.
    Engineer,
}

impl Role {
    /// The role as in the API and the database.
    pub fn key(self) -> &'static str {
        match self {
            Role::Customer => "customer",
            Role::Engineer => "engineer",
        }
    }

    /// The role of `key`, as [`Role::key`] writes it.
    pub fn from_key(key: &str) -> Option<Role> {
        [Role::Customer, Role::Engineer]
            .into_iter()
            .find(|r| r.key() == key)
    }
}

/// The language a person gets their e-mails in.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum Language {
    /// English, the default.
    #[default]
    En,
    /// Japanese.
    Ja,
}

impl Language {
    /// The language as in the API and the database (`en`, `ja`).
    pub fn key(self) -> &'static str {
        match self {
            Language::En => "en",
            Language::Ja => "ja",
        }
    }

    /// The language of `key`, as [`Language::key`] writes it.
    ///
    /// ```
    /// use support_api::Language;
    /// assert_eq!(Language::from_key("ja"), Some(Language::Ja));
    /// assert_eq!(Language::from_key("fr"), None);
    /// ```
    pub fn from_key(key: &str) -> Option<Language> {
        [Language::En, Language::Ja]
            .into_iter()
            .find(|l| l.key() == key)
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct PersonSummary {
    pub id: i64,
    pub name: String,
    pub email: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct AccountSummary {
    pub id: i64,
    pub name: String,
    pub level: SupportLevel,
    /// The account has a Technical Success Manager.
    pub tsm: bool,
    /// ISO 3166-1 alpha-2.
    pub country: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Phone {
    pub number: String,
    pub toll_free: bool,
}

/// A person of the account, as the contacts page lists them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Contact {
    pub id: i64,
    pub email: String,
    pub name: String,
    pub is_contact: bool,
    pub can_manage_contacts: bool,
    /// `false` until an operator sets a password for the person.
    pub can_sign_in: bool,
    /// The language of the person's e-mails.
    pub language: Language,
}

/// `GET /api/contacts`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct ContactList {
    pub contacts: Vec<Contact>,
}

/// `POST /api/contacts`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct NewContact {
    pub email: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    #[serde(default = "yes")]
    pub is_contact: bool,
    #[serde(default)]
    pub can_manage_contacts: bool,
    /// The language of the person's e-mails; a new person's default is `en`, a person of the
    /// account keeps theirs.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub language: Option<Language>,
}

fn yes() -> bool {
    true
}

/// `PATCH /api/contacts/{id}`: the flags to change.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct ContactChange {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub is_contact: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub can_manage_contacts: Option<bool>,
}
