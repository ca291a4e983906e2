//! The console's words for the wire crate's values: statuses as engineers read them, and the
//! policy's own names of severities and ticket types.

use support_api::{Severity, TicketStatus, TicketType};
use support_spa::i18n::{I18n, use_i18n};
use support_spa::policy::use_policy;

pub fn status_text(status: TicketStatus, i: I18n) -> &'static str {
    match status {
        TicketStatus::PendingApproval => i.t("awaiting approval", "承認待ち"),
        TicketStatus::Open => i.t("open", "未回答"),
        TicketStatus::Rejected => i.t("rejected", "却下"),
        TicketStatus::InProgress => i.t("in progress", "対応中"),
        TicketStatus::WaitingForCustomer => i.t("waiting for the customer", "お客様の返信待ち"),
        TicketStatus::Solved => i.t("solved", "解決済み"),
        TicketStatus::Closed => i.t("closed", "終了"),
    }
}

/// A severity's name in the policy's words (its key until the policy is there).
pub fn severity_name(severity: Severity) -> impl Fn() -> String + Send + Sync + Copy + 'static {
    let policy = use_policy();
    let i = use_i18n();
    move || match policy.get() {
        Some(Ok(policy)) => policy
            .document()
            .severities
            .get(severity)
            .name
            .get(i.lang().code())
            .to_owned(),
        _ => severity.key().to_owned(),
    }
}

/// A ticket type's name in the policy's words.
pub fn type_name(kind: TicketType) -> impl Fn() -> String + Send + Sync + Copy + 'static {
    let policy = use_policy();
    let i = use_i18n();
    move || match policy.get() {
        Some(Ok(policy)) => policy
            .document()
            .ticket_types
            .get(kind)
            .name
            .get(i.lang().code())
            .to_owned(),
        _ => kind.key().to_owned(),
    }
}
