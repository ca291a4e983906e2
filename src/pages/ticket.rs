//! `/tickets/{id}`: one ticket, its live SLA clock, its conversation and what the customer
//! can do with it (reply with files, escalate, change the severity, solve, reopen, rate).
//! This page is the ticket app's (`src/bin/support-ticket.rs`): none of its code weighs on
//! the front app's first load.

use std::sync::Arc;

use leptos::prelude::*;
use support_api::{
    Attachment, Deadline, Entry, EscalationReason, Me, NewEscalation, NewMessage, NewRating,
    Reopening, Role, Severity, SeverityChange, Ticket, TicketStatus, TicketType, TimelineEntry,
};
use support_rules::{
    FirstResponse, NextUpdate, Policy, SlaClock, SlaStatus, SlaTicket, TicketKind, Timestamp,
};
use wasm_bindgen::JsCast;

use crate::api::{self, Action, ApiError, FieldErrorText};
use crate::clock::use_clock;
use crate::components::due::{Due, DueOrPending};
use crate::components::loaded::loaded;
use crate::i18n::{I18n, Lang, policy_text, t, use_i18n};
use crate::live::{self, LiveState};
use crate::pages::tickets::status_text;
use crate::policy::{ms, now, tel_href, use_policy};
use crate::prefs::use_prefs;
use crate::router::Route;
use crate::session::use_session;
use crate::task::{Call, Fetched};
use crate::{storage, time, upload};

type Fetch<T> = Fetched<Result<T, ApiError>>;

#[component]
pub fn Ticket(id: i64) -> impl IntoView {
    let session = use_session();
    view! {
        <h1>{t("Ticket", "チケット")} " #" {id}</h1>
        <p><a href=Route::TICKETS.href()>{t("All my tickets", "マイチケット一覧")}</a></p>
        // Nothing is asked for before the session is known: a signed-out visitor gets the
        // notice, not three refused requests.
        {loaded(session.fetched(), (" to see this ticket.", "するとこのチケットを表示できます。"), move || {
            view! { <Followed id=id/> }.into_any()
        })}
    }
}

/// The ticket, read again whenever the server says it changed.
#[component]
fn Followed(id: i64) -> impl IntoView {
    let ticket: Fetch<Ticket> = Fetched::new(move |abort| api::ticket(id, abort));
    let timeline: Fetch<Vec<TimelineEntry>> =
        Fetched::new(move |abort| async move { api::timeline(id, abort).await.map(|t| t.entries) });
    let live = live::follow(
        move |event| event.ticket == id,
        move || {
            ticket.refetch();
            timeline.refetch();
        },
    );
    view! {
        <p><LiveState live=live/></p>
        {loaded(ticket, (" to see this ticket.", "するとこのチケットを表示できます。"), move || {
            view! { <TicketView id=id ticket=ticket timeline=timeline/> }.into_any()
        })}
    }
}

#[component]
fn TicketView(
    id: i64,
    ticket: Fetch<Ticket>,
    timeline: Fetch<Vec<TimelineEntry>>,
) -> impl IntoView {
    let i = use_i18n();
    let prefs = use_prefs();
    let session = use_session();
    // The ticket as last read (the view is built once; its parts follow the re-reads).
    let current = Memo::new(move |previous: Option<&Option<Ticket>>| {
        ticket
            .with_ok(Clone::clone)
            .or_else(|| previous.cloned().flatten())
    });
    let status = Memo::new(move |_| current.with(|t| t.as_ref().map(|t| t.status)));
    let severity = Memo::new(move |_| current.with(|t| t.as_ref().and_then(|t| t.severity)));
    let entries = Memo::new(move |previous: Option<&Vec<TimelineEntry>>| {
        timeline
            .with_ok(Clone::clone)
            .or_else(|| previous.cloned())
            .unwrap_or_default()
    });
    // Whoever filed the ticket and the account's technical contacts act on it.
    let may_act = Memo::new(move |_| {
        let me = session.signed_in();
        current.with(|t| match (me, t) {
            (Some(me), Some(t)) => me.is_contact || me.person.id == t.submitter.id,
            _ => false,
        })
    });
    let action: Call<Action, Result<TimelineEntry, ApiError>> =
        Call::new(move |action: &Action| api::act(id, action.clone()));
    action.refetches(ticket);
    action.refetches(timeline);
    let field =
        |f: fn(&Ticket) -> String| move || current.with(|t| t.as_ref().map(f).unwrap_or_default());
    view! {
        <dl class="ticket-detail">
            <dt>{t("Subject", "件名")}</dt>
            <dd id="ticket-subject">{field(|t| t.subject.clone())}</dd>
            <dt>{t("Status", "状態")}</dt>
            <dd id="ticket-status">{move || status.get().map(|s| status_text(s, i))}</dd>
            <dt>{t("Type", "種類")}</dt>
            <dd id="ticket-type">
                {field(|t| t.kind.key().to_owned())}
                {move || severity.get().map(|s| view! { " · " <SeverityName severity=s/> })}
                {field(|t| t.service.clone().map(|s| format!(" · {s}")).unwrap_or_default())}
            </dd>
            <dt>{t("Submitted", "送信日時")}</dt>
            <dd>
                {move || current.with(|t| t.as_ref().map(|t| time::date_time(ms(t.created_at), &prefs.zone.get(), i.lang())))}
                {t(" by ", " · ")}{field(|t| format!("{} <{}>", t.submitter.name, t.submitter.email))}
            </dd>
            {move || current.with(|t| t.as_ref().and_then(|t| t.rejection_reason.clone())).map(|reason| view! {
                <dt>{t("Reason for rejection", "却下の理由")}</dt>
                <dd class="prewrap">{reason}</dd>
            })}
            {move || current.with(|t| t.as_ref().and_then(|t| t.follows)).map(|closed| view! {
                <dt>{t("Follows up", "元のチケット")}</dt>
                <dd id="ticket-follows"><a href=Route::Ticket { id: closed }.href()>"#" {closed}</a></dd>
            })}
            <dt>{t("Description", "説明")}</dt>
            <dd class="prewrap">{field(|t| t.description.clone())}</dd>
        </dl>
        <SlaSection current=current entries=entries/>
        <section aria-labelledby="conversation">
            <h2 id="conversation">{t("Conversation", "やり取り")}</h2>
            <Conversation entries=entries/>
        </section>
        {move || (may_act.get() && status.get().is_some_and(takes_messages)).then(|| view! {
            <Reply id=id refresh=move || { ticket.refetch(); timeline.refetch(); }/>
        })}
        {move || (session.signed_in().is_some_and(|me| me.account.is_some()) && status.get() == Some(TicketStatus::Closed)).then(|| view! {
            <p id="follow-up">
                {t("This ticket is closed. If its matter is back, ", "このチケットは終了しています。同じ問題が再発した場合は、")}
                <a href=Route::NewTicket { follows: Some(id) }.href()>{t("open a follow-up ticket", "続きのチケットを作成")}</a>
                {t(": it links to this one.", "してください。このチケットにリンクされます。")}
            </p>
        })}
        {move || may_act.get().then(|| view! { <Actions current=current entries=entries action=action/> })}
        {move || (!may_act.get() && session.signed_in().is_some()).then(|| view! {
            <p class="muted">{t(
                "Only the person who filed this ticket and the account's technical contacts can answer it or act on it.",
                "このチケットに返信・操作できるのは、起票者とアカウントのテクニカルコンタクトだけです。",
            )}</p>
        })}
    }
}

/// The customer may write while the ticket is worked on.
fn takes_messages(status: TicketStatus) -> bool {
    matches!(
        status,
        TicketStatus::Open | TicketStatus::InProgress | TicketStatus::WaitingForCustomer
    )
}

/// A severity's name in the policy's words.
#[component]
fn SeverityName(severity: Severity) -> impl IntoView {
    let policy = use_policy();
    move || match policy.get() {
        Some(Ok(policy)) => policy_text(policy.document().severities.get(severity).name.clone())(),
        _ => severity.key().to_owned(),
    }
}

/// The ticket's kind as the rules count it.
pub fn ticket_kind(ticket: &Ticket) -> Option<TicketKind> {
    Some(match ticket.kind {
        TicketType::Incident => TicketKind::Incident {
            severity: ticket.severity?,
        },
        TicketType::Question => TicketKind::Question,
        TicketType::Request => TicketKind::Request {
            service: ticket.service.as_deref()?.parse().ok()?,
        },
    })
}

/// The ticket's SLA clock, built in the browser by the rules crate from the same timeline
/// the server counts on; `None` when something it needs is missing.
fn sla_clock(
    policy: &Policy,
    me: &Me,
    ticket: &Ticket,
    entries: &[TimelineEntry],
) -> Option<SlaClock> {
    let account = me.account.as_ref()?;
    let (kind, events) = support_api::sla_history(&ticket_kind(ticket)?, ticket.opened_at, entries);
    let sla_ticket = SlaTicket {
        level: account.level,
        tsm: account.tsm,
        kind,
    };
    policy.sla_clock(&sla_ticket, &events).ok()
}

/// "First response by …", "answered at …, within target", "next update by …", "paused".
#[component]
fn SlaSection(current: Memo<Option<Ticket>>, entries: Memo<Vec<TimelineEntry>>) -> impl IntoView {
    let policy = use_policy();
    let session = use_session();
    let clock = use_clock();
    // Built again only when the ticket or its timeline changes; each second only compares
    // instants.
    let built: RwSignal<Option<Arc<SlaClock>>> = RwSignal::new(None);
    Effect::new(move |_| {
        let made = (|| {
            let policy = policy.get()?.ok()?;
            let me = session.signed_in()?;
            current.with(|t| {
                let t = t.as_ref()?;
                entries.with(|entries| sla_clock(&policy, &me, t, entries))
            })
        })();
        built.set(made.map(Arc::new));
    });
    let status = Memo::new(move |_| {
        let at = now(clock);
        built
            .with(|c| c.as_ref().map(|c| c.status(at)))
            .or_else(|| current.with(|t| t.as_ref().map(|t| SlaStatus::from(t.sla))))
    });
    let opened =
        Memo::new(move |_| current.with(|t| t.as_ref().and_then(|t| t.opened_at).is_some()));
    let solved = Memo::new(move |_| {
        current.with(|t| {
            t.as_ref().is_some_and(|t| {
                matches!(
                    t.status,
                    TicketStatus::Solved | TicketStatus::Closed | TicketStatus::Rejected
                )
            })
        })
    });
    let first = Memo::new(move |_| status.get().map(|s| s.first_response));
    let update = Memo::new(move |_| status.get().map(|s| s.update));
    view! {
        <section aria-labelledby="sla">
            <h2 id="sla">{t("Response times", "回答期限")}</h2>
            <dl class="ticket-detail sla">
                <dt>{t("First response", "初回回答")}</dt>
                <dd id="sla-first">{move || first_response(first.get(), opened.get())}</dd>
                <dt>{t("Next update", "次回の更新")}</dt>
                <dd id="sla-update">{move || next_update(update.get(), opened.get(), solved.get())}</dd>
            </dl>
        </section>
    }
}

fn first_response(first: Option<FirstResponse>, opened: bool) -> AnyView {
    let Some(first) = first.filter(|_| opened) else {
        return view! { <DueOrPending at=None/> }.into_any();
    };
    match (first.met_at, first.due) {
        (Some(met), due) => {
            let late = first.breached;
            view! {
                <span class="met" class:overdue=late>
                    {t("Answered at ", "回答日時: ")}<When at=met/>
                    {if late { t(", after the target ", "(期限超過、期限 ") } else { t(", within target", "(期限内)") }}
                    {due.filter(|_| late).map(|due| view! { <When at=due/>{t("", ")")} })}
                </span>
            }
            .into_any()
        }
        (None, Some(due)) => view! {
            <span>{t("by ", "期限: ")}<Due at=ms(due)/>{t(" your time", "(表示中のタイムゾーン)")}</span>
        }
        .into_any(),
        (None, None) => view! { <DueOrPending at=None/> }.into_any(),
    }
}

fn next_update(update: Option<NextUpdate>, opened: bool, solved: bool) -> AnyView {
    match update {
        Some(NextUpdate { paused: true, .. }) => view! {
            <span class="paused">{t("Paused: waiting for your reply", "一時停止中: お客様の返信待ち")}</span>
        }
        .into_any(),
        Some(NextUpdate { due: Some(due), .. }) => view! {
            <span>{t("by ", "期限: ")}<Due at=ms(due)/>{t(" your time", "(表示中のタイムゾーン)")}</span>
        }
        .into_any(),
        _ if solved => view! { <span class="muted">{t("None: the ticket is solved.", "なし: 解決済みです。")}</span> }.into_any(),
        _ if !opened => view! { <DueOrPending at=None/> }.into_any(),
        _ => view! {
            <span class="muted">{t("Counts from the engineer's first answer.", "エンジニアの初回回答から計算されます。")}</span>
        }
        .into_any(),
    }
}

/// An instant in the viewer's zone.
#[component]
fn When(at: Timestamp) -> impl IntoView {
    let i = use_i18n();
    let prefs = use_prefs();
    let at = ms(at);
    view! { <time>{move || time::date_time(at, &prefs.zone.get(), i.lang())}</time> }
}

/// The timeline, oldest first, each message with its files.
#[component]
fn Conversation(entries: Memo<Vec<TimelineEntry>>) -> impl IntoView {
    // Files listed under the message they came with.
    let files = Memo::new(move |_| entries.with(|entries| support_api::files_by_message(entries)));
    let shown = move || {
        entries.with(|entries| {
            entries
                .iter()
                .filter(|e| {
                    !matches!(
                        e.entry,
                        Entry::AttachmentAdded { .. } | Entry::InternalNote { .. }
                    )
                })
                .cloned()
                .collect::<Vec<_>>()
        })
    };
    view! {
        <ol class="timeline" aria-live="polite">
            <For each=shown key=|entry| entry.id let:entry>
                <EntryView files=files.with_untracked(|f| f.get(&entry.id).cloned().unwrap_or_default()) entry=entry/>
            </For>
        </ol>
    }
}

#[component]
fn EntryView(entry: TimelineEntry, files: Vec<Attachment>) -> impl IntoView {
    let i = use_i18n();
    let author = entry.author.clone();
    let engineer = author.as_ref().is_some_and(|a| a.role == Role::Engineer);
    let who = author.map(|a| a.name).unwrap_or_default();
    let follow_up = match entry.entry {
        Entry::FollowedUp { follow_up } => Some(follow_up),
        _ => None,
    };
    let (what, body): (Box<dyn Fn() -> String + Send + Sync>, Option<String>) = match entry.entry {
        Entry::Submitted => (
            text(i, "submitted the ticket", "がチケットを送信しました"),
            None,
        ),
        Entry::Approved => (
            text(i, "approved the ticket", "がチケットを承認しました"),
            None,
        ),
        Entry::Rejected { reason } => (
            text(i, "rejected the ticket", "がチケットを却下しました"),
            Some(reason),
        ),
        Entry::PublicMessage { body } => (text(i, "wrote", "のメッセージ"), Some(body)),
        Entry::RequestForInformation { body } => (
            text(i, "asks for information", "が情報を求めています"),
            Some(body),
        ),
        Entry::CustomerMessage { body } => (text(i, "wrote", "のメッセージ"), Some(body)),
        Entry::SeverityChanged {
            from, to, reason, ..
        } => (
            Box::new(move || match i.lang() {
                Lang::En => format!("changed the severity from {from} to {to}"),
                Lang::Ja => format!("が重要度を {from} から {to} に変更しました"),
            }),
            Some(reason),
        ),
        Entry::Escalated { reason, detail } => (
            match reason {
                EscalationReason::SeverityIncreased => text(
                    i,
                    "escalated the ticket: the severity has increased",
                    "がエスカレーションしました: 重要度が上がりました",
                ),
                EscalationReason::NotHandled => text(
                    i,
                    "escalated the ticket: not handled appropriately",
                    "がエスカレーションしました: 対応が適切ではありません",
                ),
            },
            detail,
        ),
        Entry::Assigned { assignee } => (
            match assignee {
                Some(name) => Box::new(move || match i.lang() {
                    Lang::En => format!("An engineer took the ticket: {name}"),
                    Lang::Ja => format!("担当エンジニア: {name}"),
                }),
                None => text(
                    i,
                    "The ticket has no engineer assigned for now.",
                    "担当エンジニアは未定です。",
                ),
            },
            None,
        ),
        Entry::Solved => (
            text(
                i,
                "marked the ticket as solved",
                "がチケットを解決済みにしました",
            ),
            None,
        ),
        Entry::Reopened { reason } => (
            text(i, "reopened the ticket", "がチケットを再オープンしました"),
            Some(reason),
        ),
        Entry::Closed => (
            text(i, "The ticket is closed.", "チケットは終了しました。"),
            None,
        ),
        Entry::FollowedUp { .. } => (
            text(
                i,
                "opened a follow-up ticket:",
                "が続きのチケットを作成しました:",
            ),
            None,
        ),
        Entry::Rated { score, comment } => (
            Box::new(move || match i.lang() {
                Lang::En => format!("rated the support {score} of 5"),
                Lang::Ja => format!("がサポートを5段階中{score}と評価しました"),
            }),
            comment,
        ),
        Entry::DeadlineMet { deadline, .. } => (deadline_text(i, deadline, true), None),
        Entry::DeadlineBreached { deadline, .. } => (deadline_text(i, deadline, false), None),
        // Never sent to a customer; not shown in any case.
        Entry::InternalNote { .. } | Entry::AttachmentAdded { .. } => (text(i, "", ""), None),
    };
    let class = if engineer { "entry engineer" } else { "entry" };
    view! {
        <li class=class data-entry-id=entry.id>
            <p class="entry-head">
                <strong>{who}</strong>
                {engineer.then(|| view! { " " <span class="role">{t("(support engineer)", "(サポートエンジニア)")}</span> })}
                " " {what}
                {follow_up.map(|id| view! { " " <a href=Route::Ticket { id }.href()>"#" {id}</a> })}
                " · " <When at=entry.at/>
            </p>
            {body.map(|body| view! { <p class="prewrap entry-body">{body}</p> })}
            {(!files.is_empty()).then(|| view! {
                <ul class="files">
                    {files.into_iter().map(|file| view! {
                        <li>
                            <a href=format!("/api/attachments/{}", file.id) download=file.name.clone()>{file.name.clone()}</a>
                            " (" {size_text(file.size)} ")"
                        </li>
                    }).collect_view()}
                </ul>
            })}
        </li>
    }
}

fn text(i: I18n, en: &'static str, ja: &'static str) -> Box<dyn Fn() -> String + Send + Sync> {
    Box::new(move || i.t(en, ja).to_owned())
}

fn deadline_text(i: I18n, deadline: Deadline, met: bool) -> Box<dyn Fn() -> String + Send + Sync> {
    match (deadline, met) {
        (Deadline::FirstResponse, true) => text(
            i,
            "First response given within target.",
            "初回回答は期限内でした。",
        ),
        (Deadline::FirstResponse, false) => text(
            i,
            "The first response target passed.",
            "初回回答の期限を過ぎました。",
        ),
        (Deadline::NextUpdate, true) => {
            text(i, "Update given within target.", "更新は期限内でした。")
        }
        (Deadline::NextUpdate, false) => {
            text(i, "The update target passed.", "更新の期限を過ぎました。")
        }
    }
}

/// A file size in the largest unit that keeps it at or above 1 (KiB, MiB).
fn size_text(bytes: u64) -> String {
    const KIB: u64 = 1024;
    match bytes {
        b if b >= KIB * KIB => format!(
            "{}.{} MiB",
            b / (KIB * KIB),
            (b % (KIB * KIB)) * 10 / (KIB * KIB)
        ),
        b if b >= KIB => format!("{} KiB", b.div_ceil(KIB)),
        b => format!("{b} B"),
    }
}

/// What the last action's failure says, for the form that sent it.
fn failure_text(error: &ApiError, lang: Lang) -> String {
    match error {
        ApiError::Problem { errors, .. } if !errors.is_empty() => errors
            .iter()
            .map(|e| format!("{}: {}", e.field, e.text(lang)))
            .collect::<Vec<_>>()
            .join("; "),
        other => other.to_string(),
    }
}

/// A file chosen for the next message, and how far its upload went.
#[derive(Clone)]
struct Chosen {
    name: String,
    size: u64,
    progress: RwSignal<f64>,
}

/// The reply box: a draft kept in the browser until it is sent, files with a progress bar
/// each.
#[component]
fn Reply(id: i64, refresh: impl Fn() + Copy + 'static) -> impl IntoView {
    let i = use_i18n();
    let policy = use_policy();
    let draft_key = format!("reply-draft-{id}");
    let body = RwSignal::new(storage::get(&draft_key).unwrap_or_default());
    {
        let draft_key = draft_key.clone();
        Effect::new(move |first: Option<()>| {
            let text = body.get();
            if first.is_some() {
                if text.is_empty() {
                    storage::remove(&draft_key);
                } else {
                    storage::set(&draft_key, &text);
                }
            }
        });
    }
    let chosen: RwSignal<Vec<Chosen>> = RwSignal::new(Vec::new());
    let files: StoredValue<Vec<web_sys::File>, LocalStorage> = StoredValue::new_local(Vec::new());
    let error: RwSignal<Option<String>> = RwSignal::new(None);
    let sending = RwSignal::new(false);
    // The key of the message being sent: the same on a retry after a failure.
    let key: RwSignal<Option<String>> = RwSignal::new(None);
    let limits = move || {
        policy.get().and_then(Result::ok).map(|p| {
            let a = &p.document().attachments;
            (a.max_file_size.bytes(), a.max_files_per_message)
        })
    };
    let on_files = move |event: leptos::ev::Event| {
        let Some(input) = event
            .target()
            .and_then(|t| t.dyn_into::<web_sys::HtmlInputElement>().ok())
        else {
            return;
        };
        let mut picked = Vec::new();
        if let Some(list) = input.files() {
            for index in 0..list.length() {
                if let Some(file) = list.item(index) {
                    picked.push(file);
                }
            }
        }
        error.set(None);
        if let Some((largest, most)) = limits() {
            if let Some(big) = picked.iter().find(|f| f.size() > largest as f64) {
                error.set(Some(match i.lang() {
                    Lang::En => format!(
                        "{} is over the limit of {} a file.",
                        big.name(),
                        size_text(largest)
                    ),
                    Lang::Ja => format!(
                        "{} は1ファイルの上限 {} を超えています。",
                        big.name(),
                        size_text(largest)
                    ),
                }));
            } else if picked.len() > most as usize {
                error.set(Some(match i.lang() {
                    Lang::En => format!("A message carries at most {most} files."),
                    Lang::Ja => format!("1件のメッセージに添付できるのは{most}ファイルまでです。"),
                }));
            }
        }
        chosen.set(
            picked
                .iter()
                .map(|f| Chosen {
                    name: f.name(),
                    size: f.size() as u64,
                    progress: RwSignal::new(0.0),
                })
                .collect(),
        );
        files.set_value(picked);
    };
    // The message is sent once its files are up; each file shows how far it got.
    let send = move |event: leptos::ev::SubmitEvent| {
        event.prevent_default();
        let text = body.get_untracked().trim().to_owned();
        if text.is_empty() {
            error.set(Some(
                i.t("Write a message first.", "メッセージを入力してください。")
                    .to_owned(),
            ));
            crate::components::field::focus("reply-body");
            return;
        }
        if error.get_untracked().is_some() && !chosen.with_untracked(Vec::is_empty) {
            return;
        }
        error.set(None);
        sending.set(true);
        let idempotency_key = key.get_untracked().unwrap_or_else(api::new_idempotency_key);
        key.set(Some(idempotency_key.clone()));
        let picked = files.get_value();
        let shown = chosen.get_untracked();
        leptos::task::spawn_local(async move {
            let mut attachments = Vec::new();
            for (file, shown) in picked.iter().zip(&shown) {
                let progress = shown.progress;
                match upload::upload(id, file, move |share| {
                    let _ = progress.try_set(share);
                })
                .await
                {
                    Ok(attachment) => {
                        let _ = progress.try_set(1.0);
                        attachments.push(attachment.id);
                    }
                    Err(failure) => {
                        let _ = error.try_set(Some(format!(
                            "{}: {}",
                            shown.name,
                            failure_text(&failure, i.lang())
                        )));
                        let _ = sending.try_set(false);
                        return;
                    }
                }
            }
            let message = NewMessage {
                body: text,
                internal: false,
                request_information: false,
                attachments,
            };
            match api::act(
                id,
                Action::Message {
                    message,
                    idempotency_key,
                },
            )
            .await
            {
                Ok(_) => {
                    let _ = body.try_set(String::new());
                    let _ = chosen.try_set(Vec::new());
                    files.set_value(Vec::new());
                    let _ = key.try_set(None);
                    if let Some(input) = document()
                        .get_element_by_id("reply-files")
                        .and_then(|e| e.dyn_into::<web_sys::HtmlInputElement>().ok())
                    {
                        input.set_value("");
                    }
                    // The conversation shows the message once it is read again.
                    refresh();
                }
                Err(failure) => {
                    let _ = error.try_set(Some(failure_text(&failure, i.lang())));
                }
            }
            let _ = sending.try_set(false);
        });
    };
    view! {
        <section aria-labelledby="reply">
            <h2 id="reply">{t("Reply", "返信")}</h2>
            <form class="reply" on:submit=send novalidate>
                <div class="field">
                    <label for="reply-body">{t("Your message", "メッセージ")}</label>
                    <p class="hint" id="reply-hint">{t("Kept in this browser until you send it.", "送信するまでこのブラウザーに保存されます。")}</p>
                    <textarea
                        id="reply-body"
                        rows="5"
                        maxlength="20000"
                        aria-describedby="reply-hint"
                        prop:value=move || body.get()
                        on:input=move |event| body.set(event_target_value(&event))
                    ></textarea>
                </div>
                <div class="field">
                    <label for="reply-files">{t("Files", "添付ファイル")}</label>
                    <input id="reply-files" type="file" multiple on:change=on_files/>
                    <ul class="files">
                        {move || chosen.get().into_iter().map(|file| view! {
                            <li>
                                {file.name.clone()} " (" {size_text(file.size)} ") "
                                <progress max="1" value=move || file.progress.get() aria-label=file.name.clone()></progress>
                            </li>
                        }).collect_view()}
                    </ul>
                </div>
                {move || error.get().map(|message| view! { <p class="status-error" role="alert">{message}</p> })}
                <button type="submit" disabled=move || sending.get()>
                    {move || if sending.get() { i.t("Sending…", "送信中…") } else { i.t("Send", "送信") }}
                </button>
            </form>
        </section>
    }
}

/// What is open in the actions section.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Open {
    None,
    Solve,
    Reopen,
    Rate,
    Escalate,
    Severity,
}

/// Escalate, change the severity, solve, reopen and rate, each confirmed before it is sent.
#[component]
fn Actions(
    current: Memo<Option<Ticket>>,
    entries: Memo<Vec<TimelineEntry>>,
    action: Call<Action, Result<TimelineEntry, ApiError>>,
) -> impl IntoView {
    let i = use_i18n();
    let policy = use_policy();
    let session = use_session();
    let clock = use_clock();
    let open = RwSignal::new(Open::None);
    let reason = RwSignal::new(String::new());
    let score = RwSignal::new(0u8);
    let escalation = RwSignal::new(EscalationReason::SeverityIncreased);
    let new_severity = RwSignal::new(None::<Severity>);
    let local_error: RwSignal<Option<String>> = RwSignal::new(None);
    // The escalation "the severity has increased" was just sent: call now.
    let call_now = RwSignal::new(false);
    let status = Memo::new(move |_| current.with(|t| t.as_ref().map(|t| t.status)));
    let is_incident = Memo::new(move |_| {
        current.with(|t| t.as_ref().is_some_and(|t| t.kind == TicketType::Incident))
    });
    let rated = Memo::new(move |_| {
        entries.with(|e| e.iter().any(|e| matches!(e.entry, Entry::Rated { .. })))
    });
    // Solved, and still within the policy's days to reopen.
    let may_reopen = Memo::new(move |_| {
        let solved_at = entries.with(|e| {
            e.iter()
                .rev()
                .find(|e| matches!(e.entry, Entry::Solved))
                .map(|e| e.at)
        });
        let days = policy
            .get()
            .and_then(Result::ok)
            .map(|p| p.document().lifecycle.reopen_within_days)
            .unwrap_or(14);
        status.get() == Some(TicketStatus::Solved)
            && solved_at.is_some_and(|at| {
                at.as_millisecond() + i64::from(days) * 86_400_000 > now(clock).as_millisecond()
            })
    });
    let active = move || status.get().is_some_and(takes_messages);
    let may_escalate = move || active() || status.get() == Some(TicketStatus::PendingApproval);
    // The answer to the last action closes its form, or says why it was refused.
    Effect::new(move |_| {
        if let Some(answer) = action.value().get() {
            match answer {
                Ok(_) => {
                    open.set(Open::None);
                    reason.set(String::new());
                    score.set(0);
                    local_error.set(None);
                }
                Err(failure) => local_error.set(Some(failure_text(&failure, i.lang()))),
            }
        }
    });
    let start = move |what: Open| {
        open.set(what);
        reason.set(String::new());
        local_error.set(None);
        call_now.set(false);
    };
    let confirm = move |_| {
        let text = reason.get_untracked().trim().to_owned();
        let needs_text = |ok: bool, en: &'static str, ja: &'static str| {
            if !ok {
                local_error.set(Some(i.t(en, ja).to_owned()));
            }
            ok
        };
        let sent = match open.get_untracked() {
            Open::None => None,
            Open::Solve => Some(Action::Solve),
            Open::Reopen => needs_text(
                !text.is_empty(),
                "Say why the ticket is not solved.",
                "再オープンの理由を入力してください。",
            )
            .then_some(Action::Reopen(Reopening { reason: text })),
            Open::Rate => needs_text(
                score.get_untracked() > 0,
                "Choose a score from 1 to 5.",
                "1から5の評価を選んでください。",
            )
            .then(|| {
                Action::Rate(NewRating {
                    score: i64::from(score.get_untracked()),
                    comment: (!text.is_empty()).then_some(text),
                })
            }),
            Open::Escalate => {
                let why = escalation.get_untracked();
                needs_text(
                    why == EscalationReason::SeverityIncreased || !text.is_empty(),
                    "Say what was not handled appropriately.",
                    "適切でなかった点を入力してください。",
                )
                .then(|| {
                    call_now.set(why == EscalationReason::SeverityIncreased);
                    Action::Escalate(NewEscalation {
                        reason: why,
                        detail: (!text.is_empty()).then_some(text),
                    })
                })
            }
            Open::Severity => match new_severity.get_untracked() {
                None => {
                    needs_text(
                        false,
                        "Choose the new severity.",
                        "新しい重要度を選んでください。",
                    );
                    None
                }
                Some(severity) => needs_text(
                    !text.is_empty(),
                    "Say why the severity changes.",
                    "重要度を変更する理由を入力してください。",
                )
                .then_some(Action::ChangeSeverity(SeverityChange {
                    severity,
                    reason: text,
                })),
            },
        };
        if let Some(sent) = sent {
            local_error.set(None);
            action.dispatch(sent);
        }
    };
    let button = move |what: Open, label: (&'static str, &'static str), shown: bool| {
        shown.then(|| view! {
            <button type="button" class="secondary" aria-expanded=move || (open.get() == what).to_string() on:click=move |_| start(what)>
                {t(label.0, label.1)}
            </button>
        })
    };
    let reason_field = move |en: &'static str, ja: &'static str, required: bool| {
        view! {
            <div class="field">
                <label for="action-text">{t(en, ja)}{required.then(|| view! { <span class="required">" *"</span> })}</label>
                <textarea id="action-text" rows="3" maxlength="2000"
                    prop:value=move || reason.get()
                    on:input=move |event| reason.set(event_target_value(&event))></textarea>
            </div>
        }
    };
    let form = move || {
        let what = open.get();
        let body = match what {
            Open::None => return None,
            Open::Solve => view! { <p>{t("Mark this ticket as solved? You can reopen it within the policy's days if the problem comes back.", "このチケットを解決済みにしますか?問題が再発した場合は、規定の日数内であれば再オープンできます。")}</p> }.into_any(),
            Open::Reopen => reason_field("Why is it not solved?", "解決していない理由", true).into_any(),
            Open::Rate => view! {
                <fieldset>
                    <legend>{t("How was the support? (1: poor, 5: excellent)", "サポートはいかがでしたか?(1: 不満 〜 5: 大変満足)")}</legend>
                    {(1..=5u8).map(|n| view! {
                        <label class="choice">
                            <input type="radio" name="score" value=n.to_string() prop:checked=move || score.get() == n on:change=move |_| score.set(n)/>
                            {n.to_string()}
                        </label>
                    }).collect_view()}
                </fieldset>
                {reason_field("Comment (optional)", "コメント(任意)", false)}
            }.into_any(),
            Open::Escalate => view! {
                <fieldset>
                    <legend>{t("Why escalate?", "エスカレーションの理由")}</legend>
                    <label class="choice">
                        <input type="radio" name="escalation" prop:checked=move || escalation.get() == EscalationReason::SeverityIncreased on:change=move |_| escalation.set(EscalationReason::SeverityIncreased)/>
                        {t("The severity has increased", "重要度が上がった")}
                    </label>
                    <label class="choice">
                        <input type="radio" name="escalation" prop:checked=move || escalation.get() == EscalationReason::NotHandled on:change=move |_| escalation.set(EscalationReason::NotHandled)/>
                        {t("The ticket is not handled appropriately", "対応が適切ではない")}
                    </label>
                </fieldset>
                {move || {
                    let required = escalation.get() == EscalationReason::NotHandled;
                    reason_field("What happened?", "状況の説明", required)
                }}
            }.into_any(),
            Open::Severity => view! {
                <div class="field">
                    <label for="new-severity">{t("New severity", "新しい重要度")}</label>
                    <select id="new-severity" on:change=move |event| new_severity.set(event_target_value(&event).parse().ok())>
                        <option value="">{t("Choose…", "選択…")}</option>
                        {Severity::ALL.iter().copied().map(|s| view! {
                            <option value=s.key() selected=move || new_severity.get() == Some(s) disabled=move || current.with(|t| t.as_ref().and_then(|t| t.severity)) == Some(s)>
                                <SeverityName severity=s/>
                            </option>
                        }).collect_view()}
                    </select>
                </div>
                {reason_field("Why?", "理由", true)}
            }.into_any(),
        };
        Some(view! {
            <div class="confirm" role="group" aria-label=t("Confirm", "確認")>
                {body}
                {move || local_error.get().map(|message| view! { <p class="status-error" role="alert">{message}</p> })}
                <button type="button" disabled=move || action.pending().get() on:click=confirm>
                    {move || match open.get() {
                        Open::Solve => i.t("Yes, mark as solved", "解決済みにする"),
                        Open::Reopen => i.t("Reopen the ticket", "再オープンする"),
                        Open::Rate => i.t("Send the rating", "評価を送信"),
                        Open::Escalate => i.t("Escalate", "エスカレーションする"),
                        _ => i.t("Change the severity", "重要度を変更"),
                    }}
                </button>
                " "
                <button type="button" class="secondary" on:click=move |_| start(Open::None)>{t("Cancel", "キャンセル")}</button>
            </div>
        })
    };
    view! {
        <section aria-labelledby="ticket-actions">
            <h2 id="ticket-actions">{t("Actions", "操作")}</h2>
            <div class="actions">
                {move || button(Open::Escalate, ("Escalate", "エスカレーション"), may_escalate())}
                {move || button(Open::Severity, ("Change the severity", "重要度を変更"), is_incident.get() && active())}
                {move || button(Open::Solve, ("Mark as solved", "解決済みにする"), active())}
                {move || button(Open::Reopen, ("Reopen", "再オープン"), may_reopen.get())}
                {move || button(Open::Rate, ("Rate the support", "サポートを評価"), matches!(status.get(), Some(TicketStatus::Solved | TicketStatus::Closed)) && !rated.get())}
            </div>
            {form}
            {move || (call_now.get() && action.value().get().is_some_and(|a| a.is_ok())).then(|| {
                let id = current.with(|t| t.as_ref().map(|t| t.id).unwrap_or_default());
                match session.signed_in().and_then(|me| me.phone) {
                    Some(phone) => view! {
                        <p class="notice call-now" role="alert">
                            {t("The severity has increased: call support now on ", "重要度が上がりました。今すぐサポートに電話してください: ")}
                            <a href=tel_href(&phone.number)>{phone.number.clone()}</a>
                            {move || match i.lang() {
                                Lang::En => format!(" and give the ticket number #{id}."),
                                Lang::Ja => format!("(チケット番号 #{id} をお伝えください)"),
                            }}
                        </p>
                    }.into_any(),
                    None => view! {
                        <p class="notice call-now" role="alert">
                            {move || match i.lang() {
                                Lang::En => format!("The severity has increased: call support now and give the ticket number #{id}."),
                                Lang::Ja => format!("重要度が上がりました。今すぐサポートに電話し、チケット番号 #{id} をお伝えください。"),
                            }}
                        </p>
                    }.into_any(),
                }
            })}
        </section>
    }
}
