//! The support rules the server applies to people and tickets, read from the policy: when a
//! ticket opens, who decides it, who may grant the right to manage contacts, and whom an
//! urgent incident calls.

use jiff::Timestamp;
use support_api::{CallNow, Phone, TicketStatus};
use support_rules::{
    ContactRules, PhoneKind, Policy, QuoteError, QuoteRequest, Severity, TicketKind,
};

use super::{Account, ContactFlags, Person};

/// Any person of the account may submit a ticket; a technical contact's opens at once, and so
/// does anyone's when the policy asks no approval. The others wait for a contact.
pub fn opens_now(submitter: &Person, rules: &ContactRules) -> bool {
    submitter.is_technical_contact() || !rules.others_need_approval
}

/// Where a new ticket starts and, when its response clock runs, its deadline.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Opening {
    pub status: TicketStatus,
    pub opened_at: Option<Timestamp>,
    pub first_response_due: Option<Timestamp>,
}

impl Opening {
    /// A ticket of `kind` that `submitter` files at `at`.
    pub fn of_new_ticket(
        policy: &Policy,
        submitter: &Person,
        account: &Account,
        kind: &TicketKind,
        at: Timestamp,
    ) -> Result<Self, QuoteError> {
        if opens_now(submitter, &policy.document().contacts) {
            Self::open(policy, account, kind, at)
        } else {
            Ok(Self {
                status: TicketStatus::PendingApproval,
                opened_at: None,
                first_response_due: None,
            })
        }
    }

    /// A ticket whose response clock starts at `at` (at submission, or at approval).
    pub fn open(
        policy: &Policy,
        account: &Account,
        kind: &TicketKind,
        at: Timestamp,
    ) -> Result<Self, QuoteError> {
        Ok(Self {
            status: TicketStatus::Open,
            opened_at: Some(at),
            first_response_due: Some(first_response_due(policy, account, kind, at)?),
        })
    }
}

/// By when support first responds to the account's ticket of `kind` whose clock starts at
/// `at`.
pub fn first_response_due(
    policy: &Policy,
    account: &Account,
    kind: &TicketKind,
    at: Timestamp,
) -> Result<Timestamp, QuoteError> {
    policy
        .quote(&QuoteRequest {
            level: account.level,
            tsm: account.tsm,
            kind: kind.clone(),
            at,
        })
        .map(|quote| quote.first_response_due)
}

/// A change of flags would give someone the right to manage contacts that the policy keeps
/// from being handed on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("the support policy does not let contacts grant the right to manage contacts")]
pub struct NotDelegable;

/// Under a policy whose manage right is not delegable, no one gains it: `before` is the
/// person's flags before the change (`None` for a new person).
pub fn check_delegation(
    rules: &ContactRules,
    before: Option<ContactFlags>,
    after: ContactFlags,
) -> Result<(), NotDelegable> {
    // A new person asked for with the right is refused even when not made a contact: the
    // request asks for what the policy forbids.
    let grants = match before {
        None => after.can_manage_contacts,
        Some(before) => after.normalized().can_manage_contacts && !before.can_manage_contacts,
    };
    if grants && !rules.delegable {
        return Err(NotDelegable);
    }
    Ok(())
}

/// Whom an urgent incident calls: the country's toll-free number, else the policy's first
/// international one. Other tickets call no one.
pub fn call_now(policy: &Policy, kind: &TicketKind, country: &str) -> Option<CallNow> {
    if *kind
        != (TicketKind::Incident {
            severity: Severity::Urgent,
        })
    {
        return None;
    }
    policy
        .phone_for_country(country)
        .or_else(|| {
            policy
                .phone_numbers()
                .iter()
                .find(|phone| phone.kind == PhoneKind::International)
        })
        .map(|phone| CallNow {
            number: phone.number.clone(),
            instruction: "Urgent incidents are worked by phone: call this number now and \
                          give your ticket number."
                .to_owned(),
        })
}

/// The support phone number for a country, from the policy.
pub fn phone_for(policy: &Policy, country: &str) -> Option<Phone> {
    policy.phone_for_country(country).map(|phone| Phone {
        number: phone.number.clone(),
        toll_free: phone.kind == PhoneKind::TollFree,
    })
}

#[cfg(test)]
mod tests {
    use support_rules::Policy;

    use super::{ContactFlags, NotDelegable, check_delegation, opens_now};
    use crate::domain::Person;

    fn person(is_contact: bool) -> Person {
        Person {
            id: 1,
            account_id: Some(1),
            role: support_api::Role::Customer,
            email: "a@example.com".into(),
            name: "A".into(),
            is_contact,
            can_manage_contacts: false,
            has_password: true,
            language: support_api::Language::En,
            account_ticket_mail: false,
        }
    }

    const MANAGER: ContactFlags = ContactFlags {
        is_contact: true,
        can_manage_contacts: true,
    };

    #[test]
    fn a_contacts_ticket_opens_now_and_anyone_elses_waits_when_the_policy_asks_approval() {
        let mut rules = Policy::embedded_default().document().contacts.clone();
        assert!(rules.others_need_approval);
        assert!(opens_now(&person(true), &rules));
        assert!(!opens_now(&person(false), &rules));
        rules.others_need_approval = false;
        assert!(opens_now(&person(false), &rules));
    }

    #[test]
    fn an_undelegable_manage_right_is_granted_to_no_one_but_kept_by_who_has_it() {
        let mut rules = Policy::embedded_default().document().contacts.clone();
        rules.delegable = false;
        assert_eq!(check_delegation(&rules, None, MANAGER), Err(NotDelegable));
        assert_eq!(
            check_delegation(&rules, Some(ContactFlags::NONE), MANAGER),
            Err(NotDelegable)
        );
        assert_eq!(check_delegation(&rules, Some(MANAGER), MANAGER), Ok(()));
        assert_eq!(check_delegation(&rules, None, ContactFlags::NONE), Ok(()));
        rules.delegable = true;
        assert_eq!(check_delegation(&rules, None, MANAGER), Ok(()));
    }
}
