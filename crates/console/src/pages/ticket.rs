//! `/console/tickets/{id}`: the whole timeline (internal notes and files included), the SLA
//! clock with its history, computed here by the rules crate from the same timeline as the
//! server and the customer's page, and the engineer's actions: take or assign, reply, request
//! information, internal note, lower the severity, solve. r focuses the reply, n the note.

use std::sync::Arc;

use leptos::prelude::*;
use support_api::{
    Attachment, Deadline, Engineers, Entry, Me, NewMessage, Role, Severity, SeverityChange, Ticket,
    TicketStatus, TicketType, TimelineEntry,
};
use support_rules::{FirstResponse, NextUpdate, Policy, SlaClock, SlaStatus, SlaTicket, Timestamp};
use support_spa::api::{self, Action, ApiError, FieldErrorText};
use support_spa::i18n::{I18n, Lang, t, use_i18n};
use support_spa::live::{self, LiveState};
use support_spa::pages::ticket::ticket_kind;
use support_spa::policy::use_policy;
use support_spa::prefs::use_prefs;
use support_spa::task::{Call, Fetched};
use support_spa::{storage, time};

use crate::api as console_api;
use crate::clock::use_clock;
use crate::keys::{focus, shortcuts};
use crate::pages::queue::Countdown;
use crate::words::{severity_name, status_text, type_name};

type Fetch<T> = Fetched<Result<T, ApiError>>;
type Sent = Result<TimelineEntry, ApiError>;

fn active(status: TicketStatus) -> bool {
    matches!(
        status,
        TicketStatus::Open | TicketStatus::InProgress | TicketStatus::WaitingForCustomer
    )
}

fn failure_text(error: &ApiError, lang: Lang) -> String {
    match error {
        ApiError::Problem { errors, title, .. } if !errors.is_empty() => {
            let fields: Vec<String> = errors
                .iter()
                .map(|e| format!("{}: {}", e.field, e.text(lang)))
                .collect();
            format!("{title}: {}", fields.join("; "))
        }
        other => other.to_string(),
    }
}

#[component]
pub fn TicketPage(id: i64) -> impl IntoView {
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
    let current = Memo::new(move |previous: Option<&Option<Ticket>>| {
        ticket
            .with_ok(Clone::clone)
            .or_else(|| previous.cloned().flatten())
    });
    let entries = Memo::new(move |previous: Option<&Vec<TimelineEntry>>| {
        timeline
            .with_ok(Clone::clone)
            .or_else(|| previous.cloned())
            .unwrap_or_default()
    });
    shortcuts(|key| match key {
        "r" => {
            focus("reply-body");
            true
        }
        "n" => {
            focus("note-body");
            true
        }
        _ => false,
    });
    // Opened with `#reply` or `#note` (r or n in the queue): that box has the focus.
    Effect::new(move |done: Option<bool>| {
        if done == Some(true) || current.with(Option::is_none) {
            return done.unwrap_or(false);
        }
        let hash = window().location().hash().unwrap_or_default();
        request_animation_frame(move || match hash.as_str() {
            "#reply" => focus("reply-body"),
            "#note" => focus("note-body"),
            _ => {}
        });
        true
    });
    view! {
        <h1>{t("Ticket", "チケット")} " #" {id}</h1>
        <p><a href="/console/">{t("Back to the queue", "キューに戻る")}</a> " " <LiveState live=live/></p>
        {move || match ticket.get() {
            None => Some(view! { <p class="muted" role="status">{t("Loading…", "読み込み中…")}</p> }.into_any()),
            Some(Err(error)) if current.with(Option::is_none) => Some(view! { <p class="status-error" role="alert">{error.to_string()}</p> }.into_any()),
            _ => None,
        }}
        {move || current.with(Option::is_some).then(|| view! {
            <TicketView id=id current=current entries=entries refresh=move || { ticket.refetch(); timeline.refetch(); }/>
        })}
    }
}

#[component]
fn TicketView(
    id: i64,
    current: Memo<Option<Ticket>>,
    entries: Memo<Vec<TimelineEntry>>,
    refresh: impl Fn() + Copy + Send + Sync + 'static,
) -> impl IntoView {
    let i = use_i18n();
    let prefs = use_prefs();
    let field = move |f: fn(&Ticket) -> String| {
        move || current.with(|t| t.as_ref().map(f).unwrap_or_default())
    };
    let status = Memo::new(move |_| current.with(|t| t.as_ref().map(|t| t.status)));
    let kind = Memo::new(move |_| current.with(|t| t.as_ref().map(|t| (t.kind, t.severity))));
    let assignee = Memo::new(move |_| {
        entries
            .with(|entries| {
                entries.iter().rev().find_map(|e| match &e.entry {
                    Entry::Assigned { assignee } => Some(assignee.clone()),
                    _ => None,
                })
            })
            .flatten()
    });
    let action: Call<Action, Sent> = Call::new(move |action: &Action| api::act(id, action.clone()));
    let done = move || refresh();
    Effect::new(move |_| {
        if action.value().with(Option::is_some) {
            done();
        }
    });
    view! {
        <dl class="ticket-detail">
            <dt>{t("Subject", "件名")}</dt>
            <dd id="ticket-subject">{field(|t| t.subject.clone())}</dd>
            <dt>{t("Account", "アカウント")}</dt>
            <dd id="ticket-account">
                {move || current.with(|t| t.as_ref().map(|t| match i.lang() {
                    Lang::En => format!("level {}, {}", t.level.number(), if t.tsm { "with a Technical Success Manager" } else { "no Technical Success Manager" }),
                    Lang::Ja => format!("レベル {}、{}", t.level.number(), if t.tsm { "TSM あり" } else { "TSM なし" }),
                }))}
            </dd>
            <dt>{t("Status", "状態")}</dt>
            <dd id="ticket-status">{move || status.get().map(|s| status_text(s, i))}</dd>
            <dt>{t("Type", "種類")}</dt>
            <dd id="ticket-type">
                {move || kind.get().map(|(kind, severity)| view! {
                    {type_name(kind)}
                    {severity.map(|s| view! { " · " {severity_name(s)} })}
                })}
                {field(|t| t.service.clone().map(|s| format!(" · {s}")).unwrap_or_default())}
            </dd>
            <dt>{t("Submitted", "送信日時")}</dt>
            <dd>
                {move || current.with(|t| t.as_ref().map(|t| time::date_time(t.created_at.as_millisecond() as f64, &prefs.zone.get(), i.lang())))}
                {t(" by ", " · ")}{field(|t| format!("{} <{}>", t.submitter.name, t.submitter.email))}
            </dd>
            <dt>{t("Assignee", "担当")}</dt>
            <dd id="ticket-assignee">{move || assignee.get().unwrap_or_else(|| i.t("nobody", "未割り当て").to_owned())}</dd>
            <dt>{t("Description", "説明")}</dt>
            <dd class="prewrap">{field(|t| t.description.clone())}</dd>
        </dl>
        <SlaSection current=current entries=entries/>
        <section aria-labelledby="timeline-heading">
            <h2 id="timeline-heading">{t("Timeline", "タイムライン")}</h2>
            <TimelineView entries=entries/>
        </section>
        <section aria-labelledby="work">
            <h2 id="work">{t("Work on the ticket", "対応")}</h2>
            {move || status.get().is_some_and(active).then(|| view! { <AssignBox id=id assignee=assignee refresh=refresh/> })}
            {move || status.get().is_some_and(active).then(|| view! { <ReplyBox id=id refresh=refresh/> })}
            {move || status.get().is_some_and(|s| active(s) || s == TicketStatus::Solved).then(|| view! { <NoteBox id=id refresh=refresh/> })}
            {move || (status.get().is_some_and(active) && kind.get().is_some_and(|(k, s)| k == TicketType::Incident && s.is_some_and(|s| s != Severity::Low))).then(|| view! {
                <SeverityBox current=current action=action/>
            })}
            {move || status.get().is_some_and(active).then(|| view! { <SolveBox action=action/> })}
        </section>
    }
}

/// The ticket's SLA clock, built by the rules crate from the same timeline the server counts
/// on, with the account's level and TSM from the ticket's answer.
fn sla_clock(policy: &Policy, ticket: &Ticket, entries: &[TimelineEntry]) -> Option<SlaClock> {
    let (kind, events) = support_api::sla_history(&ticket_kind(ticket)?, ticket.opened_at, entries);
    let sla_ticket = SlaTicket {
        level: ticket.level,
        tsm: ticket.tsm,
        kind,
    };
    policy.sla_clock(&sla_ticket, &events).ok()
}

#[component]
fn SlaSection(current: Memo<Option<Ticket>>, entries: Memo<Vec<TimelineEntry>>) -> impl IntoView {
    let policy = use_policy();
    let clock = use_clock();
    let built: RwSignal<Option<Arc<SlaClock>>> = RwSignal::new(None);
    Effect::new(move |_| {
        let made = (|| {
            let policy = policy.get()?.ok()?;
            current.with(|t| {
                let t = t.as_ref()?;
                entries.with(|entries| sla_clock(&policy, t, entries))
            })
        })();
        built.set(made.map(Arc::new));
    });
    let status = Memo::new(move |_| {
        let at = clock.now();
        built
            .with(|c| c.as_ref().map(|c| c.status(at)))
            .or_else(|| current.with(|t| t.as_ref().map(|t| SlaStatus::from(t.sla))))
    });
    let ended = Memo::new(move |_| {
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
            <h2 id="sla">{t("SLA clock", "SLA クロック")}</h2>
            <dl class="ticket-detail sla">
                <dt>{t("First response", "初回回答")}</dt>
                <dd id="sla-first">{move || first_response(first.get())}</dd>
                <dt>{t("Next update", "次回の更新")}</dt>
                <dd id="sla-update">{move || next_update(update.get(), ended.get())}</dd>
            </dl>
            <h3>{t("History", "履歴")}</h3>
            <SlaHistory current=current entries=entries/>
        </section>
    }
}

fn first_response(first: Option<FirstResponse>) -> AnyView {
    match first {
        Some(FirstResponse { met_at: Some(met), due, breached }) => view! {
            <span class="met" class:overdue=breached>
                {t("Answered at ", "回答日時: ")}<When at=met/>
                {if breached { t(", after the target ", "(期限超過、期限 ") } else { t(", within target", "(期限内)") }}
                {due.filter(|_| breached).map(|due| view! { <When at=due/>{t("", ")")} })}
            </span>
        }
        .into_any(),
        Some(FirstResponse { due: Some(due), .. }) => view! {
            <span>{t("due ", "期限: ")}<Countdown due=Some(due) paused=false/></span>
        }
        .into_any(),
        _ => view! { <span class="muted">{t("not started", "未開始")}</span> }.into_any(),
    }
}

fn next_update(update: Option<NextUpdate>, ended: bool) -> AnyView {
    match update {
        Some(NextUpdate { paused: true, .. }) => view! {
            <span class="paused">{t("Paused: waiting for the customer's reply", "一時停止中: お客様の返信待ち")}</span>
        }
        .into_any(),
        Some(NextUpdate { due: Some(due), .. }) => view! {
            <span>{t("due ", "期限: ")}<Countdown due=Some(due) paused=false/></span>
        }
        .into_any(),
        _ if ended => view! { <span class="muted">{t("None: the ticket is solved.", "なし: 解決済みです。")}</span> }.into_any(),
        _ => view! { <span class="muted">{t("Counts from the first public answer.", "初回の公開回答から計算されます。")}</span> }.into_any(),
    }
}

/// When the clock started, paused, ran again, met or missed a deadline, and stopped.
#[component]
fn SlaHistory(current: Memo<Option<Ticket>>, entries: Memo<Vec<TimelineEntry>>) -> impl IntoView {
    let i = use_i18n();
    let lines = move || {
        let mut lines: Vec<(Timestamp, String, &'static str)> = Vec::new();
        if let Some(opened) = current.with(|t| t.as_ref().and_then(|t| t.opened_at)) {
            lines.push((opened, i.t("Started", "開始").to_owned(), "started"));
        }
        let mut paused = false;
        let deadline = |d: Deadline, number: u32| match (d, i.lang()) {
            (Deadline::FirstResponse, Lang::En) => "First response".to_owned(),
            (Deadline::FirstResponse, Lang::Ja) => "初回回答".to_owned(),
            (Deadline::NextUpdate, Lang::En) => format!("Update {number}"),
            (Deadline::NextUpdate, Lang::Ja) => format!("更新 {number}"),
        };
        entries.with(|entries| {
            for e in entries {
                let line = match &e.entry {
                    Entry::RequestForInformation { .. } => {
                        paused = true;
                        Some((
                            i.t("Paused: information requested", "一時停止: 情報を依頼")
                                .to_owned(),
                            "paused",
                        ))
                    }
                    Entry::CustomerMessage { .. } if paused => {
                        paused = false;
                        Some((
                            i.t("Running again: the customer replied", "再開: お客様が返信")
                                .to_owned(),
                            "resumed",
                        ))
                    }
                    Entry::SeverityChanged { from, to, .. } => Some((
                        match i.lang() {
                            Lang::En => format!("Severity {from} → {to}: deadlines recounted"),
                            Lang::Ja => format!("重要度 {from} → {to}: 期限を再計算"),
                        },
                        "severity",
                    )),
                    Entry::DeadlineMet {
                        deadline: d,
                        number,
                        ..
                    } => Some((
                        format!("{}{}", deadline(*d, *number), i.t(": met", ": 期限内")),
                        "met",
                    )),
                    Entry::DeadlineBreached {
                        deadline: d,
                        number,
                        ..
                    } => Some((
                        format!(
                            "{}{}",
                            deadline(*d, *number),
                            i.t(": breached", ": 期限超過")
                        ),
                        "breached",
                    )),
                    Entry::Solved => {
                        paused = false;
                        Some((i.t("Stopped: solved", "停止: 解決").to_owned(), "stopped"))
                    }
                    Entry::Reopened { .. } => Some((
                        i.t("Running again: reopened", "再開: 再オープン")
                            .to_owned(),
                        "resumed",
                    )),
                    _ => None,
                };
                if let Some((text, kind)) = line {
                    lines.push((e.at, text, kind));
                }
            }
        });
        lines
    };
    view! {
        <ol class="sla-history" id="sla-history">
            {move || lines().into_iter().map(|(at, text, kind)| view! {
                <li data-sla=kind><When at=at/> " " {text}</li>
            }).collect_view()}
        </ol>
    }
}

#[component]
fn When(at: Timestamp) -> impl IntoView {
    let i = use_i18n();
    let prefs = use_prefs();
    let at = at.as_millisecond() as f64;
    view! { <time datetime=crate::clock::iso(at)>{move || time::date_time(at, &prefs.zone.get(), i.lang())}</time> }
}

#[component]
fn TimelineView(entries: Memo<Vec<TimelineEntry>>) -> impl IntoView {
    let files = Memo::new(move |_| entries.with(|entries| support_api::files_by_message(entries)));
    let shown = move || {
        entries.with(|entries| {
            entries
                .iter()
                .filter(|e| !matches!(e.entry, Entry::AttachmentAdded { .. }))
                .cloned()
                .collect::<Vec<_>>()
        })
    };
    view! {
        <ol class="timeline" id="timeline">
            <For each=shown key=|entry| entry.id let:entry>
                <EntryView files=files.with_untracked(|f| f.get(&entry.id).cloned().unwrap_or_default()) entry=entry/>
            </For>
        </ol>
    }
}

fn text(i: I18n, en: &'static str, ja: &'static str) -> Box<dyn Fn() -> String + Send + Sync> {
    Box::new(move || i.t(en, ja).to_owned())
}

#[component]
fn EntryView(entry: TimelineEntry, files: Vec<Attachment>) -> impl IntoView {
    let i = use_i18n();
    let engineer = entry
        .author
        .as_ref()
        .is_some_and(|a| a.role == Role::Engineer);
    let who = entry
        .author
        .clone()
        .map(|a| a.name)
        .unwrap_or_else(|| i.t("The system", "システム").to_owned());
    let internal = matches!(entry.entry, Entry::InternalNote { .. });
    let kind = entry.entry.entry_type().key();
    let (what, body): (Box<dyn Fn() -> String + Send + Sync>, Option<String>) = match entry.entry {
        Entry::Submitted => (text(i, "submitted the ticket", "がチケットを送信"), None),
        Entry::Approved => (text(i, "approved the ticket", "がチケットを承認"), None),
        Entry::Rejected { reason } => (
            text(i, "rejected the ticket", "がチケットを却下"),
            Some(reason),
        ),
        Entry::PublicMessage { body } => (text(i, "answered", "が回答"), Some(body)),
        Entry::InternalNote { body } => (
            text(
                i,
                "wrote an internal note (engineers only)",
                "が社内メモを追加(エンジニアのみ)",
            ),
            Some(body),
        ),
        Entry::RequestForInformation { body } => {
            (text(i, "asked for information", "が情報を依頼"), Some(body))
        }
        Entry::CustomerMessage { body } => (text(i, "wrote", "のメッセージ"), Some(body)),
        Entry::SeverityChanged {
            from, to, reason, ..
        } => (
            Box::new(move || match i.lang() {
                Lang::En => format!("changed the severity from {from} to {to}"),
                Lang::Ja => format!("が重要度を {from} から {to} に変更"),
            }),
            Some(reason),
        ),
        Entry::Escalated { reason, detail } => (
            Box::new(move || match (i.lang(), reason) {
                (Lang::En, support_api::EscalationReason::SeverityIncreased) => {
                    "escalated: the severity has increased".to_owned()
                }
                (Lang::En, _) => "escalated: not handled appropriately".to_owned(),
                (Lang::Ja, support_api::EscalationReason::SeverityIncreased) => {
                    "がエスカレーション: 重要度の上昇".to_owned()
                }
                (Lang::Ja, _) => "がエスカレーション: 対応が不適切".to_owned(),
            }),
            detail,
        ),
        Entry::Assigned { assignee } => (
            Box::new(move || match (&assignee, i.lang()) {
                (Some(name), Lang::En) => format!("assigned the ticket to {name}"),
                (Some(name), Lang::Ja) => format!("が担当を {name} に設定"),
                (None, Lang::En) => "unassigned the ticket".to_owned(),
                (None, Lang::Ja) => "が担当を解除".to_owned(),
            }),
            None,
        ),
        Entry::Solved => (text(i, "solved the ticket", "がチケットを解決"), None),
        Entry::Reopened { reason } => (
            text(i, "reopened the ticket", "がチケットを再オープン"),
            Some(reason),
        ),
        Entry::Closed => (text(i, "closed the ticket", "がチケットを終了"), None),
        Entry::FollowedUp { follow_up } => (
            Box::new(move || match i.lang() {
                Lang::En => format!("opened a follow-up ticket: #{follow_up}"),
                Lang::Ja => format!("が続きのチケット #{follow_up} を作成"),
            }),
            None,
        ),
        Entry::Rated { score, comment } => (
            Box::new(move || match i.lang() {
                Lang::En => format!("rated the support {score} of 5"),
                Lang::Ja => format!("がサポートを 5 段階中 {score} と評価"),
            }),
            comment,
        ),
        Entry::DeadlineMet { deadline, .. } => (
            Box::new(move || match (deadline, i.lang()) {
                (Deadline::FirstResponse, Lang::En) => {
                    "recorded the first response as met".to_owned()
                }
                (Deadline::NextUpdate, Lang::En) => "recorded the update as met".to_owned(),
                (Deadline::FirstResponse, Lang::Ja) => "が初回回答を期限内と記録".to_owned(),
                (Deadline::NextUpdate, Lang::Ja) => "が更新を期限内と記録".to_owned(),
            }),
            None,
        ),
        Entry::DeadlineBreached { deadline, .. } => (
            Box::new(move || match (deadline, i.lang()) {
                (Deadline::FirstResponse, Lang::En) => {
                    "recorded the first response as breached".to_owned()
                }
                (Deadline::NextUpdate, Lang::En) => "recorded the update as breached".to_owned(),
                (Deadline::FirstResponse, Lang::Ja) => "が初回回答を期限超過と記録".to_owned(),
                (Deadline::NextUpdate, Lang::Ja) => "が更新を期限超過と記録".to_owned(),
            }),
            None,
        ),
        Entry::AttachmentAdded { .. } => (Box::new(String::new), None),
    };
    view! {
        <li class="entry" class:engineer=engineer class:internal=internal data-entry-type=kind>
            <p class="entry-head">
                <strong>{who}</strong> " " {what} " · " <When at=entry.at/>
                {internal.then(|| view! { " " <span class="internal-label">{t("Internal", "社内")}</span> })}
            </p>
            {body.map(|body| view! { <p class="prewrap">{body}</p> })}
            {(!files.is_empty()).then(|| view! {
                <ul class="files">
                    {files.into_iter().map(|file| view! {
                        <li><a href=format!("/api/attachments/{}", file.id) download=file.name.clone()>{file.name.clone()}</a> " (" {file.size.to_string()} " B)"</li>
                    }).collect_view()}
                </ul>
            })}
        </li>
    }
}

/// Take the ticket, or give it to another engineer (or to nobody).
#[component]
fn AssignBox(
    id: i64,
    assignee: Memo<Option<String>>,
    refresh: impl Fn() + Copy + Send + Sync + 'static,
) -> impl IntoView {
    let i = use_i18n();
    let me = expect_context::<Me>();
    let my_id = me.person.id;
    let my_name = me.person.name.clone();
    let engineers: Fetch<Engineers> = Fetched::new(console_api::engineers);
    let chosen = RwSignal::new(String::new());
    let assign: Call<Option<i64>, Sent> =
        Call::new(move |to: &Option<i64>| console_api::assign(id, *to));
    Effect::new(move |_| {
        if assign.value().with(Option::is_some) {
            refresh();
        }
    });
    let mine = move || assignee.get().as_deref() == Some(my_name.as_str());
    view! {
        <div class="work-box" role="group" aria-labelledby="assign-heading">
            <h3 id="assign-heading">{t("Assignee", "担当")}</h3>
            <div class="actions">
                {move || (!mine()).then(|| view! {
                    <button type="button" id="take" disabled=move || assign.pending().get() on:click=move |_| assign.dispatch(Some(my_id))>
                        {t("Take it", "自分が担当する")}
                    </button>
                })}
                <label for="assign-to">{t("Assign to", "担当者")}</label>
                <select id="assign-to" on:change=move |e| chosen.set(event_target_value(&e))>
                    <option value="">{t("Choose…", "選択…")}</option>
                    <option value="nobody">{t("nobody", "未割り当て")}</option>
                    {move || engineers.with_ok(|list| list.engineers.clone()).unwrap_or_default().into_iter().map(|e| view! {
                        <option value=e.id.to_string()>{e.name}</option>
                    }).collect_view()}
                </select>
                <button type="button" class="secondary" id="assign" disabled=move || assign.pending().get() on:click=move |_| {
                    match chosen.get_untracked().as_str() {
                        "" => {}
                        "nobody" => assign.dispatch(None),
                        other => if let Ok(to) = other.parse() { assign.dispatch(Some(to)) },
                    }
                }>{t("Assign", "割り当て")}</button>
            </div>
            {move || match assign.value().get() {
                Some(Err(error)) => Some(view! { <p class="status-error" role="alert">{failure_text(&error, i.lang())}</p> }),
                _ => None,
            }}
        </div>
    }
}

fn message_call(id: i64) -> Call<NewMessage, Sent> {
    Call::new(move |message: &NewMessage| {
        api::act(
            id,
            Action::Message {
                message: message.clone(),
                idempotency_key: api::new_idempotency_key(),
            },
        )
    })
}

/// The public reply, or a request for information; its draft stays in this browser until sent.
#[component]
fn ReplyBox(id: i64, refresh: impl Fn() + Copy + Send + Sync + 'static) -> impl IntoView {
    let i = use_i18n();
    let key = format!("support.console.draft.{id}");
    let body = RwSignal::new(storage::get(&key).unwrap_or_default());
    {
        let key = key.clone();
        Effect::new(move |_| {
            let text = body.get();
            if text.is_empty() {
                storage::remove(&key);
            } else {
                storage::set(&key, &text);
            }
        });
    }
    let send = message_call(id);
    let error: RwSignal<Option<String>> = RwSignal::new(None);
    Effect::new(move |_| match send.value().get() {
        Some(Ok(_)) => {
            body.set(String::new());
            error.set(None);
            refresh();
        }
        Some(Err(failure)) => error.set(Some(failure_text(&failure, i.lang()))),
        None => {}
    });
    let post = move |request_information: bool| {
        let text = body.get_untracked().trim().to_owned();
        if text.is_empty() {
            error.set(Some(
                i.t("Write the message first.", "メッセージを入力してください。")
                    .to_owned(),
            ));
            return;
        }
        send.dispatch(NewMessage {
            body: text,
            internal: false,
            request_information,
            attachments: Vec::new(),
        });
    };
    view! {
        <form class="work-box reply" on:submit=move |e| { e.prevent_default(); post(false); } novalidate>
            <h3 id="reply">{t("Reply to the customer", "お客様への返信")}</h3>
            <div class="field">
                <label for="reply-body">{t("Message (the customer reads it)", "メッセージ(お客様に表示されます)")}</label>
                <p class="hint" id="reply-hint">{t("Kept in this browser until you send it. Key: r.", "送信するまでこのブラウザーに保存されます。キー: r")}</p>
                <textarea id="reply-body" rows="5" maxlength="20000" aria-describedby="reply-hint"
                    prop:value=move || body.get() on:input=move |e| body.set(event_target_value(&e))></textarea>
            </div>
            {move || error.get().map(|m| view! { <p class="status-error" role="alert">{m}</p> })}
            <div class="actions">
                <button type="submit" class="primary" id="send-reply" disabled=move || send.pending().get()>{t("Send the reply", "返信を送信")}</button>
                <button type="button" class="secondary" id="request-information" disabled=move || send.pending().get() on:click=move |_| post(true)>
                    {t("Request information (pauses the clock)", "情報を依頼(クロックを一時停止)")}
                </button>
            </div>
        </form>
    }
}

/// An internal note: engineers only, never shown to the customer.
#[component]
fn NoteBox(id: i64, refresh: impl Fn() + Copy + Send + Sync + 'static) -> impl IntoView {
    let i = use_i18n();
    let body = RwSignal::new(String::new());
    let send = message_call(id);
    let error: RwSignal<Option<String>> = RwSignal::new(None);
    Effect::new(move |_| match send.value().get() {
        Some(Ok(_)) => {
            body.set(String::new());
            error.set(None);
            refresh();
        }
        Some(Err(failure)) => error.set(Some(failure_text(&failure, i.lang()))),
        None => {}
    });
    let post = move |e: leptos::ev::SubmitEvent| {
        e.prevent_default();
        let text = body.get_untracked().trim().to_owned();
        if text.is_empty() {
            error.set(Some(
                i.t("Write the note first.", "メモを入力してください。")
                    .to_owned(),
            ));
            return;
        }
        send.dispatch(NewMessage {
            body: text,
            internal: true,
            request_information: false,
            attachments: Vec::new(),
        });
    };
    view! {
        <form class="work-box note" on:submit=post novalidate>
            <h3>{t("Internal note", "社内メモ")}</h3>
            <div class="field">
                <label for="note-body">{t("Note (engineers only; key: n)", "メモ(エンジニアのみ。キー: n)")}</label>
                <textarea id="note-body" rows="3" maxlength="20000"
                    prop:value=move || body.get() on:input=move |e| body.set(event_target_value(&e))></textarea>
            </div>
            {move || error.get().map(|m| view! { <p class="status-error" role="alert">{m}</p> })}
            <button type="submit" class="secondary" id="add-note" disabled=move || send.pending().get()>{t("Add the note", "メモを追加")}</button>
        </form>
    }
}

/// An engineer lowers an incident's severity, with the reason the customer reads.
#[component]
fn SeverityBox(current: Memo<Option<Ticket>>, action: Call<Action, Sent>) -> impl IntoView {
    let i = use_i18n();
    let now = Memo::new(move |_| current.with(|t| t.as_ref().and_then(|t| t.severity)));
    let lower = move || {
        let now = now.get();
        Severity::ALL
            .iter()
            .copied()
            .skip_while(move |s| Some(*s) != now)
            .skip(1)
            .collect::<Vec<_>>()
    };
    let chosen: RwSignal<Option<Severity>> = RwSignal::new(None);
    let reason = RwSignal::new(String::new());
    let error: RwSignal<Option<String>> = RwSignal::new(None);
    Effect::new(move |_| match action.value().get() {
        Some(Ok(entry)) if matches!(entry.entry, Entry::SeverityChanged { .. }) => {
            reason.set(String::new());
            chosen.set(None);
            error.set(None);
        }
        Some(Err(failure)) => error.set(Some(failure_text(&failure, i.lang()))),
        _ => {}
    });
    let submit = move |e: leptos::ev::SubmitEvent| {
        e.prevent_default();
        let text = reason.get_untracked().trim().to_owned();
        match chosen.get_untracked() {
            None => error.set(Some(
                i.t(
                    "Choose the lower severity.",
                    "下げる重要度を選んでください。",
                )
                .to_owned(),
            )),
            Some(_) if text.is_empty() => {
                error.set(Some(i.t("Say why.", "理由を入力してください。").to_owned()))
            }
            Some(severity) => action.dispatch(Action::ChangeSeverity(SeverityChange {
                severity,
                reason: text,
            })),
        }
    };
    view! {
        <form class="work-box" on:submit=submit novalidate>
            <h3>{t("Lower the severity", "重要度を下げる")}</h3>
            <div class="field">
                <label for="lower-severity">{t("New severity", "新しい重要度")}</label>
                <select id="lower-severity" on:change=move |e| chosen.set(event_target_value(&e).parse().ok())>
                    <option value="">{t("Choose…", "選択…")}</option>
                    {move || lower().into_iter().map(|s| view! { <option value=s.key()>{severity_name(s)}</option> }).collect_view()}
                </select>
            </div>
            <div class="field">
                <label for="severity-reason">{t("Reason (the customer reads it)", "理由(お客様に表示されます)")}</label>
                <textarea id="severity-reason" rows="2" maxlength="2000"
                    prop:value=move || reason.get() on:input=move |e| reason.set(event_target_value(&e))></textarea>
            </div>
            {move || error.get().map(|m| view! { <p class="status-error" role="alert">{m}</p> })}
            <button type="submit" class="secondary" id="lower" disabled=move || action.pending().get()>{t("Lower the severity", "重要度を下げる")}</button>
        </form>
    }
}

#[component]
fn SolveBox(action: Call<Action, Sent>) -> impl IntoView {
    let i = use_i18n();
    let asking = RwSignal::new(false);
    view! {
        <div class="work-box" role="group" aria-labelledby="solve-heading">
            <h3 id="solve-heading">{t("Solve", "解決")}</h3>
            {move || if asking.get() {
                view! {
                    <p>{t("Mark the ticket as solved? The customer can reopen it for a while.", "チケットを解決済みにしますか?お客様は一定期間再オープンできます。")}</p>
                    <div class="actions">
                        <button type="button" class="primary" id="confirm-solve" disabled=move || action.pending().get()
                            on:click=move |_| { asking.set(false); action.dispatch(Action::Solve); }>{t("Yes, solve it", "解決済みにする")}</button>
                        <button type="button" class="secondary" on:click=move |_| asking.set(false)>{t("Cancel", "キャンセル")}</button>
                    </div>
                }.into_any()
            } else {
                view! { <button type="button" class="secondary" id="solve" on:click=move |_| asking.set(true)>{move || i.t("Solve…", "解決…")}</button> }.into_any()
            }}
        </div>
    }
}
