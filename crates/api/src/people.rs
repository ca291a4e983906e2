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
