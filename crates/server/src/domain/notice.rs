//! The e-mails the server sends: which entry of a ticket's timeline tells whom, and the letter
//! each recipient reads, in their language, with the link to the ticket's page.
//!
//! Who is told:
//! - the customer side (the ticket's submitter, and the account's technical contacts who
//!   asked for the account's ticket mail: `PUT /api/me/notifications`, off by default) of an
//!   engineer's public message, a request for information, and the ticket being solved;
//! - the account's technical contacts of a ticket that waits for their approval;
//! - every support engineer of a new urgent or high incident (when it opens: at once for a
//!   contact's ticket, at its approval otherwise);
//! - every support engineer of a running deadline (first response or next update) that
//!   entered the policy's warning window (`lifecycle.warning_window`), once a deadline, with
//!   the link to the ticket in the support console.
//!
//! No one is told of an internal note, and no one is told of what they did themselves.

use support_api::{Deadline, Entry, Language, TicketStatus};
use support_rules::{Severity, TicketKind};

/// Whom an entry is told to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Audience {
    /// The ticket's submitter and the account's technical contacts who asked for the
    /// account's ticket mail.
    Customer,
    /// The account's technical contacts.
    Contacts,
    /// Every support engineer.
    Engineers,
}

/// What happened, as an e-mail says it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Notice {
    /// An engineer answered; the message's text.
    Replied(String),
    /// An engineer needs information from the customer; what they ask.
    InformationRequested(String),
    Solved,
    /// A ticket filed by someone who is not a contact waits for a contact's decision.
    AwaitsApproval,
    /// An urgent or high incident opened.
    Opened(Severity),
    /// A running deadline entered the warning window: it is due at this instant, counted on
    /// a calendar with this time zone (none: a round-the-clock calendar).
    DeadlineNear(Deadline, jiff::Timestamp, Option<jiff::tz::TimeZone>),
}

/// What an entry tells and to whom, for a ticket of `kind` that is `status` once the entry
/// is written; `None` when it is told to no one (an internal note among them).
///
/// ```
/// use support_api::{Entry, TicketStatus};
/// use support_rules::{Severity, TicketKind};
/// use support_server::domain::notice::{Audience, Notice, notice_of};
///
/// let urgent = TicketKind::Incident { severity: Severity::Urgent };
/// let note = Entry::InternalNote { body: "between us".into() };
/// assert_eq!(notice_of(&note, &urgent, TicketStatus::InProgress), None);
/// assert_eq!(
///     notice_of(&Entry::Submitted, &urgent, TicketStatus::Open),
///     Some((Notice::Opened(Severity::Urgent), Audience::Engineers))
/// );
/// ```
pub fn notice_of(
    entry: &Entry,
    kind: &TicketKind,
    status: TicketStatus,
) -> Option<(Notice, Audience)> {
    let urgent = match kind {
        TicketKind::Incident {
            severity: severity @ (Severity::Urgent | Severity::High),
        } => Some(*severity),
        _ => None,
    };
    match entry {
        Entry::PublicMessage { body } => Some((Notice::Replied(body.clone()), Audience::Customer)),
        Entry::RequestForInformation { body } => Some((
            Notice::InformationRequested(body.clone()),
            Audience::Customer,
        )),
        Entry::Solved => Some((Notice::Solved, Audience::Customer)),
        Entry::Submitted if status == TicketStatus::PendingApproval => {
            Some((Notice::AwaitsApproval, Audience::Contacts))
        }
        Entry::Submitted | Entry::Approved if status == TicketStatus::Open => {
            urgent.map(|severity| (Notice::Opened(severity), Audience::Engineers))
        }
        _ => None,
    }
}

/// Where the ticket pages are: the public address of the SPA (`PUBLIC_URL`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Links {
    base: String,
}

impl Links {
    pub fn new(public_url: &str) -> Self {
        Self {
            base: public_url.trim_end_matches('/').to_owned(),
        }
    }

    /// The page of ticket `id`.
    pub fn ticket(&self, id: i64) -> String {
        format!("{}/tickets/{id}", self.base)
    }

    /// The support console's page of ticket `id`.
    pub fn console_ticket(&self, id: i64) -> String {
        format!("{}/console/tickets/{id}", self.base)
    }
}

/// An e-mail's subject and plain-text body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Letter {
    pub subject: String,
    pub text: String,
}

/// The ticket an e-mail is about.
#[derive(Debug, Clone, Copy)]
pub struct About<'a> {
    pub ticket_id: i64,
    pub subject: &'a str,
}

/// The letter telling `notice` about a ticket, in `language`, with the link to its page.
///
/// ```
/// use support_api::Language;
/// use support_server::domain::notice::{About, Links, Notice, letter};
///
/// let links = Links::new("https://support.example.com/");
/// let about = About { ticket_id: 7, subject: "Backups fail" };
/// let english = letter(&Notice::Solved, Language::En, about, &links);
/// assert_eq!(english.subject, "[#7] Solved: Backups fail");
/// assert!(english.text.contains("https://support.example.com/tickets/7"));
/// let japanese = letter(&Notice::Solved, Language::Ja, about, &links);
/// assert_eq!(japanese.subject, "[#7] 解決しました: Backups fail");
/// ```
pub fn letter(notice: &Notice, language: Language, about: About<'_>, links: &Links) -> Letter {
    let About { ticket_id, subject } = about;
    let link = match notice {
        Notice::DeadlineNear(..) => links.console_ticket(ticket_id),
        _ => links.ticket(ticket_id),
    };
    let (headline, lead, quoted) = match (language, notice) {
        (Language::En, Notice::Replied(body)) => (
            "New answer",
            "A support engineer answered your ticket:".to_owned(),
            Some(body),
        ),
        (Language::Ja, Notice::Replied(body)) => (
            "新しい回答",
            "サポートエンジニアがチケットに回答しました:".to_owned(),
            Some(body),
        ),
        (Language::En, Notice::InformationRequested(body)) => (
            "Information needed",
            "A support engineer needs information from you to go on:".to_owned(),
            Some(body),
        ),
        (Language::Ja, Notice::InformationRequested(body)) => (
            "情報のお願い",
            "対応を続けるため、サポートエンジニアが情報を求めています:".to_owned(),
            Some(body),
        ),
        (Language::En, Notice::Solved) => (
            "Solved",
            "Your ticket is solved. If the problem is back, reopen it from its page.".to_owned(),
            None,
        ),
        (Language::Ja, Notice::Solved) => (
            "解決しました",
            "チケットは解決済みになりました。問題が再発した場合は、チケットのページから再開できます。"
                .to_owned(),
            None,
        ),
        (Language::En, Notice::AwaitsApproval) => (
            "Waiting for your approval",
            "A ticket of your account waits for a technical contact to approve or reject it."
                .to_owned(),
            None,
        ),
        (Language::Ja, Notice::AwaitsApproval) => (
            "承認待ち",
            "アカウントのチケットが、テクニカルコンタクトによる承認または却下を待っています。"
                .to_owned(),
            None,
        ),
        (Language::En, Notice::Opened(severity)) => (
            "New ticket",
            format!("A new {} incident is open.", severity.key()),
            None,
        ),
        (Language::Ja, Notice::Opened(severity)) => (
            "新しいチケット",
            format!(
                "重要度「{}」の新しいインシデントがオープンしました。",
                match severity {
                    Severity::Urgent => "緊急",
                    Severity::High => "高",
                    Severity::Normal => "中",
                    Severity::Low => "低",
                }
            ),
            None,
        ),
        (Language::En, Notice::DeadlineNear(deadline, due, zone)) => (
            "Deadline near",
            format!(
                "The {} of this ticket is due at {} UTC{}.",
                match deadline {
                    Deadline::FirstResponse => "first response",
                    Deadline::NextUpdate => "next update",
                },
                due.strftime("%Y-%m-%d %H:%M"),
                local_time(*due, zone.as_ref())
                    .map(|(time, zone)| format!(
                        " ({time} in {zone}, where its business hours count)"
                    ))
                    .unwrap_or_default()
            ),
            None,
        ),
        (Language::Ja, Notice::DeadlineNear(deadline, due, zone)) => (
            "期限間近",
            format!(
                "このチケットの{}の期限は {} (UTC){} です。",
                match deadline {
                    Deadline::FirstResponse => "初回回答",
                    Deadline::NextUpdate => "次回更新",
                },
                due.strftime("%Y-%m-%d %H:%M"),
                local_time(*due, zone.as_ref())
                    .map(|(time, zone)| format!("、営業時間の基準 {zone} では {time}"))
                    .unwrap_or_default()
            ),
            None,
        ),
    };
    let mut text = format!("{lead}\n\n");
    if let Some(body) = quoted {
        for line in body.lines() {
            text.push_str("> ");
            text.push_str(line);
            text.push('\n');
        }
        text.push('\n');
    }
    let (ticket_word, open_word) = match language {
        Language::En => ("Ticket", "Open it"),
        Language::Ja => ("チケット", "チケットを開く"),
    };
    text.push_str(&format!(
        "{ticket_word} #{ticket_id}: {subject}\n{open_word}: {link}\n"
    ));
    Letter {
        subject: format!("[#{ticket_id}] {headline}: {subject}"),
        text,
    }
}

/// `at` in `zone` as a wall clock reads it, and the zone's name; none without a named zone.
fn local_time(at: jiff::Timestamp, zone: Option<&jiff::tz::TimeZone>) -> Option<(String, String)> {
    let zone = zone?;
    let name = zone.iana_name()?.to_owned();
    Some((
        zone.to_datetime(at).strftime("%Y-%m-%d %H:%M").to_string(),
        name,
    ))
}

#[cfg(test)]
mod tests {
    use support_api::{Entry, Language, TicketStatus};
    use support_rules::{Severity, TicketKind};

    use super::{About, Audience, Links, Notice, letter, notice_of};

    const NORMAL: TicketKind = TicketKind::Incident {
        severity: Severity::Normal,
    };

    #[test]
    fn only_an_engineers_public_message_request_and_solving_reach_the_customer() {
        let body = || "text".to_owned();
        let told = |entry: Entry| notice_of(&entry, &NORMAL, TicketStatus::InProgress);
        assert_eq!(
            told(Entry::PublicMessage { body: body() }),
            Some((Notice::Replied(body()), Audience::Customer))
        );
        assert_eq!(
            told(Entry::RequestForInformation { body: body() }).map(|(_, a)| a),
            Some(Audience::Customer)
        );
        assert_eq!(
            told(Entry::Solved).map(|(_, a)| a),
            Some(Audience::Customer)
        );
        assert_eq!(told(Entry::InternalNote { body: body() }), None);
        assert_eq!(told(Entry::CustomerMessage { body: body() }), None);
    }

    #[test]
    fn engineers_hear_of_urgent_and_high_incidents_when_they_open_and_contacts_of_pending_ones() {
        let high = TicketKind::Incident {
            severity: Severity::High,
        };
        assert_eq!(
            notice_of(&Entry::Submitted, &high, TicketStatus::Open),
            Some((Notice::Opened(Severity::High), Audience::Engineers))
        );
        assert_eq!(
            notice_of(&Entry::Approved, &high, TicketStatus::Open),
            Some((Notice::Opened(Severity::High), Audience::Engineers))
        );
        assert_eq!(
            notice_of(&Entry::Submitted, &high, TicketStatus::PendingApproval),
            Some((Notice::AwaitsApproval, Audience::Contacts))
        );
        assert_eq!(
            notice_of(&Entry::Submitted, &NORMAL, TicketStatus::Open),
            None
        );
        assert_eq!(
            notice_of(&Entry::Submitted, &TicketKind::Question, TicketStatus::Open),
            None
        );
    }

    #[test]
    fn a_deadline_warning_also_says_the_instant_in_the_zone_of_its_business_hours() {
        let links = Links::new("https://support.example.com/");
        let about = About {
            ticket_id: 9,
            subject: "Disk full",
        };
        let due: jiff::Timestamp = "2026-12-02T14:20:00Z".parse().expect("an instant");
        let tokyo = jiff::tz::TimeZone::get("Asia/Tokyo").expect("a zone");
        let near = Notice::DeadlineNear(support_api::Deadline::FirstResponse, due, Some(tokyo));
        let english = letter(&near, Language::En, about, &links);
        assert!(english.text.starts_with(
            "The first response of this ticket is due at 2026-12-02 14:20 UTC \
             (2026-12-02 23:20 in Asia/Tokyo, where its business hours count)."
        ));
        let japanese = letter(&near, Language::Ja, about, &links);
        assert!(
            japanese.text.contains(
                "2026-12-02 14:20 (UTC)、営業時間の基準 Asia/Tokyo では 2026-12-02 23:20 です。"
            ),
            "{}",
            japanese.text
        );
    }

    #[test]
    fn a_deadline_warning_names_the_deadline_and_its_instant_and_links_the_console() {
        let links = Links::new("https://support.example.com/");
        let about = About {
            ticket_id: 9,
            subject: "Disk full",
        };
        let due: jiff::Timestamp = "2026-12-02T14:20:00Z".parse().expect("an instant");
        let near = Notice::DeadlineNear(support_api::Deadline::NextUpdate, due, None);
        let english = letter(&near, Language::En, about, &links);
        assert_eq!(english.subject, "[#9] Deadline near: Disk full");
        assert!(
            english
                .text
                .starts_with("The next update of this ticket is due at 2026-12-02 14:20 UTC.")
        );
        assert!(
            english
                .text
                .ends_with("Open it: https://support.example.com/console/tickets/9\n")
        );
        let japanese = letter(&near, Language::Ja, about, &links);
        assert_eq!(japanese.subject, "[#9] 期限間近: Disk full");
        assert!(
            japanese
                .text
                .contains("次回更新の期限は 2026-12-02 14:20 (UTC)")
        );
        assert!(
            japanese
                .text
                .contains("https://support.example.com/console/tickets/9")
        );
    }

    #[test]
    fn a_letter_quotes_the_engineers_message_and_links_the_ticket_page() {
        let links = Links::new("http://127.0.0.1:8080");
        let about = About {
            ticket_id: 12,
            subject: "VPN down",
        };
        let sent = letter(
            &Notice::InformationRequested("Which version?\nAnd the log?".into()),
            Language::Ja,
            about,
            &links,
        );
        assert_eq!(sent.subject, "[#12] 情報のお願い: VPN down");
        assert!(sent.text.contains("> Which version?\n> And the log?\n"));
        assert!(
            sent.text
                .ends_with("チケットを開く: http://127.0.0.1:8080/tickets/12\n")
        );
    }
}
