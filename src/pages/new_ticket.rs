//! `/tickets/new`: the ticket form. It checks every field as the server does, keeps a draft
//! (and the idempotency key of the submission under way) in local storage so that nothing is
//! lost on a reload or a failed submit, and ends on a confirmation.

use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use support_api::{CreatedTicket, NewTicket, TicketStatus};
use support_rules::{Severity, TicketField, TicketType};

use crate::api::{self, ApiError, FieldErrorText};
use crate::clock::use_clock;
use crate::components::expected_response::{ExpectedResponse, Quoted, ticket_kind};
use crate::components::field::{Field, Kind, focus};
use crate::components::kind_choice::KindChoice;
use crate::i18n::{I18n, t, use_i18n};
use crate::policy::{tel_href, use_policy, with_policy};
use crate::prefs::use_prefs;
use crate::session::use_session;
use crate::task::Call;
use crate::{storage, time};

const DRAFT_KEY: &str = "support.ticket-draft";

/// What survives a reload: the fields, and the idempotency key once a submission started.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(default)]
struct Draft {
    kind: String,
    severity: String,
    service: String,
    subject: String,
    description: String,
    environment: String,
    platform_version: String,
    impact: String,
    steps_to_reproduce: String,
    started_at: String,
    availability: String,
    language: String,
    idempotency_key: Option<String>,
}

#[derive(Clone, Copy)]
struct Form {
    kind: RwSignal<String>,
    severity: RwSignal<String>,
    service: RwSignal<String>,
    subject: RwSignal<String>,
    description: RwSignal<String>,
    environment: RwSignal<String>,
    platform_version: RwSignal<String>,
    impact: RwSignal<String>,
    steps_to_reproduce: RwSignal<String>,
    started_at: RwSignal<String>,
    availability: RwSignal<String>,
    language: RwSignal<String>,
    idempotency_key: RwSignal<Option<String>>,
}

impl Form {
    fn load(i: I18n) -> Self {
        let draft: Draft = storage::get(DRAFT_KEY)
            .and_then(|text| serde_json::from_str(&text).ok())
            .unwrap_or_default();
        let or = |value: String, default: &str| {
            if value.is_empty() {
                default.to_owned()
            } else {
                value
            }
        };
        Form {
            kind: RwSignal::new(or(draft.kind, "incident")),
            severity: RwSignal::new(or(draft.severity, "normal")),
            service: RwSignal::new(draft.service),
            subject: RwSignal::new(draft.subject),
            description: RwSignal::new(draft.description),
            environment: RwSignal::new(draft.environment),
            platform_version: RwSignal::new(draft.platform_version),
            impact: RwSignal::new(draft.impact),
            steps_to_reproduce: RwSignal::new(draft.steps_to_reproduce),
            started_at: RwSignal::new(draft.started_at),
            availability: RwSignal::new(draft.availability),
            language: RwSignal::new(or(draft.language, i.lang().code())),
            idempotency_key: RwSignal::new(draft.idempotency_key),
        }
    }

    fn draft(self) -> Draft {
        Draft {
            kind: self.kind.get(),
            severity: self.severity.get(),
            service: self.service.get(),
            subject: self.subject.get(),
            description: self.description.get(),
            environment: self.environment.get(),
            platform_version: self.platform_version.get(),
            impact: self.impact.get(),
            steps_to_reproduce: self.steps_to_reproduce.get(),
            started_at: self.started_at.get(),
            availability: self.availability.get(),
            language: self.language.get(),
            idempotency_key: self.idempotency_key.get(),
        }
    }

    fn clear(self) {
        for field in [
            self.subject,
            self.description,
            self.environment,
            self.platform_version,
            self.impact,
            self.steps_to_reproduce,
            self.started_at,
            self.availability,
        ] {
            field.set(String::new());
        }
        self.idempotency_key.set(None);
        storage::remove(DRAFT_KEY);
    }
}

impl Draft {
    fn ticket(&self) -> NewTicket {
        let trimmed = |text: &str| text.trim().to_owned();
        let kind = self.kind.parse().unwrap_or(TicketType::Incident);
        let values = [
            &self.subject,
            &self.description,
            &self.environment,
            &self.platform_version,
            &self.impact,
            &self.steps_to_reproduce,
            &self.started_at,
            &self.availability,
        ];
        NewTicket {
            kind,
            severity: (kind == TicketType::Incident)
                .then(|| self.severity.parse().unwrap_or(Severity::Normal)),
            service: (kind == TicketType::Request).then(|| trimmed(&self.service)),
            language: Some(self.language.clone()),
            fields: TEXT_FIELDS
                .into_iter()
                .zip(values)
                .map(|(name, value)| (name.to_owned(), trimmed(value)))
                .collect(),
        }
    }
}

/// The text fields of this form, by the ids the policy and the server give them.
const TEXT_FIELDS: [&str; 8] = [
    "subject",
    "description",
    "environment",
    "platform_version",
    "impact",
    "steps_to_reproduce",
    "started_at",
    "availability",
];

/// The same checks the server makes with the policy's ticket fields, so the visitor learns
/// of a problem before sending.
fn validate(ticket: &NewTicket, fields: &[TicketField], i: I18n) -> Vec<(&'static str, String)> {
    let mut errors = Vec::new();
    if ticket.kind == TicketType::Request && ticket.service.as_deref().unwrap_or("").is_empty() {
        errors.push((
            "service",
            i.t(
                "Choose the catalog service.",
                "サービスを選択してください。",
            )
            .to_owned(),
        ));
    }
    for name in TEXT_FIELDS {
        let value = ticket.fields.get(name).map_or("", String::as_str);
        let Some(field) = fields.iter().find(|field| field.id == name) else {
            continue;
        };
        let (required, max) = (field.required, field.max_chars as usize);
        let length = value.chars().count();
        if required && length == 0 {
            errors.push((name, i.t("Required.", "入力してください。").to_owned()));
        } else if length > max {
            errors.push((
                name,
                match i.lang() {
                    crate::i18n::Lang::En => format!("At most {max} characters ({length} now)."),
                    crate::i18n::Lang::Ja => {
                        format!("{max}文字以内で入力してください(現在{length}文字)。")
                    }
                },
            ));
        }
    }
    errors
}

/// A fresh random key. Whole numbers only in the fallback: formatting an `f64` would pull
/// Rust's float printing (about 6 KB gzip) into the wasm for this one line.
fn new_idempotency_key() -> String {
    web_sys::window()
        .and_then(|window| window.crypto().ok())
        .map(|crypto| crypto.random_uuid())
        .unwrap_or_else(|| {
            let now = js_sys::Date::now() as u64;
            let random = (js_sys::Math::random() * 1e15) as u64;
            format!("{now:x}-{random:x}")
        })
}

#[component]
pub fn NewTicket() -> impl IntoView {
    let created = RwSignal::new(None::<CreatedTicket>);
    view! {
        <h1>{t("New ticket", "チケット作成")}</h1>
        {move || match created.get() {
            Some(ticket) => view! { <Confirmation ticket=ticket/> }.into_any(),
            None => view! { <TicketForm created=created/> }.into_any(),
        }}
    }
}

#[component]
fn TicketForm(created: RwSignal<Option<CreatedTicket>>) -> impl IntoView {
    let i = use_i18n();
    let session = use_session();
    let policy = use_policy();
    let form = Form::load(i);
    Effect::new(move |_| {
        if let Ok(text) = serde_json::to_string(&form.draft()) {
            storage::set(DRAFT_KEY, &text);
        }
    });
    let errors = RwSignal::new(Vec::<(&'static str, String)>::new());
    let error_of = move |name: &'static str| {
        Signal::derive(move || {
            errors.with(|errors| {
                errors
                    .iter()
                    .find(|(field, _)| *field == name)
                    .map(|(_, message)| message.clone())
            })
        })
    };
    let submit = Call::new(|(ticket, key): &(NewTicket, String)| {
        api::create_ticket(ticket.clone(), key.clone())
    });
    let failure = RwSignal::new(None::<ApiError>);
    Effect::new(move |_| match submit.value().get() {
        Some(Ok(ticket)) => {
            form.clear();
            created.set(Some(ticket));
        }
        Some(Err(error)) => {
            if let ApiError::Problem { errors: fields, .. } = &error
                && !fields.is_empty()
            {
                let known: Vec<(&'static str, String)> = fields
                    .iter()
                    .filter_map(|e| field_name(&e.field).map(|name| (name, e.text(i.lang()))))
                    .collect();
                if let Some((first, _)) = known.first() {
                    focus(first);
                }
                errors.set(known);
                // A rejected ticket was not filed: the corrected one is a new submission.
                form.idempotency_key.set(None);
            }
            failure.set(Some(error));
        }
        None => {}
    });
    let on_submit = move |event: leptos::ev::SubmitEvent| {
        event.prevent_default();
        if submit.pending().get_untracked() {
            return;
        }
        failure.set(None);
        let ticket = form.draft().ticket();
        // Without the policy the server alone checks the ticket.
        let fields = policy.get().and_then(Result::ok);
        let fields = fields
            .as_ref()
            .map_or(&[][..], |policy| policy.ticket_fields());
        let found = validate(&ticket, fields, i);
        if let Some((first, _)) = found.first() {
            focus(first);
            errors.set(found);
            return;
        }
        errors.set(Vec::new());
        let key = form.idempotency_key.get_untracked().unwrap_or_else(|| {
            let key = new_idempotency_key();
            form.idempotency_key.set(Some(key.clone()));
            key
        });
        submit.dispatch((ticket, key));
    };
    let signed_out = move || matches!(session.me(), Some(Err(ApiError::SignedOut)));
    // The live quote for the signed-in account and what the form says now.
    let quoted = Signal::derive(move || {
        let account = session.signed_in()?.account;
        let kind = ticket_kind(&form.kind.get(), &form.severity.get(), &form.service.get())?;
        Some(Quoted {
            level: account.level,
            tsm: account.tsm,
            kind,
        })
    });
    view! {
        {move || signed_out().then(|| view! {
            <p class="notice" role="status">
                {t("You are not signed in. ", "サインインしていません。")}
                <a href="/signin">{t("Sign in", "サインイン")}</a>
                {t(" to submit; your draft is kept on this device.", "すると送信できます。下書きはこの端末に保存されます。")}
            </p>
        })}
        {move || session.signed_in().filter(|me| !me.is_contact).map(|_| view! {
            <p class="notice" role="status">{t(
                "You are not a technical contact of this account: your ticket will wait for a contact's approval.",
                "このアカウントのテクニカルコンタクトではないため、チケットはコンタクトの承認待ちになります。",
            )}</p>
        })}
        <form class="form" on:submit=on_submit novalidate>
            <KindChoice kind=form.kind severity=form.severity service=form.service ids=("type", "severity", "service") service_error=error_of("service")/>
            <Field id="subject" en="Subject" ja="件名" kind=Kind::Line value=form.subject error=error_of("subject") required=true/>
            <Field id="description" en="Description" ja="説明" kind=Kind::Text value=form.description error=error_of("description") required=true
                hint=("What happens, and what did you expect?", "何が起きていて、本来はどうなるはずですか。")/>
            <Field id="environment" en="Environment (name or URL)" ja="環境(名前またはURL)" kind=Kind::Line value=form.environment error=error_of("environment")/>
            <Field id="platform_version" en="Platform version" ja="プラットフォームのバージョン" kind=Kind::Line value=form.platform_version error=error_of("platform_version")/>
            <Field id="impact" en="Impact: who and what is affected" ja="影響: 誰が、何が影響を受けているか" kind=Kind::Text value=form.impact error=error_of("impact")/>
            <Field id="steps_to_reproduce" en="Steps to reproduce" ja="再現手順" kind=Kind::Text value=form.steps_to_reproduce error=error_of("steps_to_reproduce")/>
            <Field id="started_at" en="When it started" ja="発生日時" kind=Kind::Line value=form.started_at error=error_of("started_at")
                hint=("Date and time, with your time zone.", "日時(タイムゾーンを含めて)。")/>
            <Field id="availability" en="Your availability" ja="対応可能な時間帯" kind=Kind::Line value=form.availability error=error_of("availability")
                hint=("When support can reach you to troubleshoot together.", "サポートと一緒に調査できる時間帯。")/>
            <div class="field">
                <label for="language">{t("Preferred language", "希望する言語")}</label>
                {with_policy(move |policy| {
                    let languages = policy.languages().to_vec();
                    view! {
                        <select id="language" aria-describedby="language-hint" prop:value=move || form.language.get() on:change=move |event| form.language.set(event_target_value(&event))>
                            {languages.into_iter().map(|language| view! {
                                <option value=language.code.clone()>
                                    {language.name.clone()}
                                    {(!language.guaranteed).then(|| t(" (best effort)", "(可能な範囲で)"))}
                                </option>
                            }).collect_view()}
                        </select>
                    }
                })}
                <p id="language-hint" class="hint">{t("Some languages are answered as staff allow.", "一部の言語は担当者の状況に応じて対応します。")}</p>
            </div>
            {move || failure.get().map(|error| {
                let text = match &error {
                    ApiError::SignedOut => i.t("You are signed out: sign in again, your draft is kept.", "サインアウトしています。再度サインインしてください。下書きは保存されています。").to_owned(),
                    ApiError::Network(_) => i.t("The server cannot be reached. Your draft is kept: try again, it will not be filed twice.", "サーバーに接続できません。下書きは保存されています。再送信しても二重に登録されることはありません。").to_owned(),
                    ApiError::Problem { errors, .. } if !errors.is_empty() => i.t("Please correct the marked fields.", "エラーのある項目を修正してください。").to_owned(),
                    other => other.to_string(),
                };
                view! { <p id="submit-error" class="status-error" role="alert">{text}</p> }
            })}
            <section class="expected-box" aria-labelledby="expected-heading">
                <h2 id="expected-heading">{t("Expected response", "回答期限の目安")}</h2>
                {move || match session.signed_in() {
                    Some(_) => view! { <ExpectedResponse quoted=quoted/> }.into_any(),
                    None => view! {
                        <p class="muted">
                            {t("Sign in to see by when support responds to your account, or see the ", "サインインすると、アカウントの回答期限が表示されます。")}
                            <a href="/response">{t("response time of each support level", "サポートレベルごとの回答期限")}</a>
                            {t(".", "も確認できます。")}
                        </p>
                    }
                    .into_any(),
                }}
            </section>
            <button type="submit" class="primary" disabled=move || submit.pending().get()>
                {move || if submit.pending().get() { i.t("Sending…", "送信しています…") } else { i.t("Submit ticket", "チケットを送信") }}
            </button>
        </form>
    }
}

/// The server's field names, mapped to the ids of this form's fields.
fn field_name(field: &str) -> Option<&'static str> {
    [
        "type",
        "severity",
        "service",
        "subject",
        "description",
        "environment",
        "platform_version",
        "impact",
        "steps_to_reproduce",
        "started_at",
        "availability",
        "language",
    ]
    .into_iter()
    .find(|name| *name == field)
}

#[component]
fn Confirmation(ticket: CreatedTicket) -> impl IntoView {
    let i = use_i18n();
    let clock = use_clock();
    let prefs = use_prefs();
    let CreatedTicket { ticket, call_now } = ticket;
    let due = ticket.first_response_due.map(crate::policy::ms);
    let pending = ticket.status == TicketStatus::PendingApproval;
    let href = crate::router::Route::Ticket { id: ticket.id }.href();
    // The form the keyboard was in is gone: continue from the answer.
    request_animation_frame(|| focus("confirmation"));
    view! {
        <section id="confirmation" class="confirmation" aria-live="polite" tabindex="-1">
            <h2>{t("Ticket filed", "チケットを受け付けました")}" #" {ticket.id}</h2>
            {due.map(|due| view! {
                <p>
                    {t("First response by ", "最初の回答期限: ")}
                    <time>{move || time::date_time(due, &prefs.zone.get(), i.lang())}</time>
                    " ("{t("in ", "あと")}{move || time::duration(due - clock.now_ms(), i.lang())}")"
                </p>
            })}
            {pending.then(|| view! {
                <p class="notice">{t(
                    "This ticket awaits the approval of one of the account's technical contacts.",
                    "このチケットはアカウントのテクニカルコンタクトの承認待ちです。",
                )}</p>
            })}
            {call_now.map(|call| view! {
                <p class="call-now" role="alert">
                    {t("Urgent: call support now at ", "緊急: 今すぐサポートにお電話ください ")}
                    <a href=tel_href(&call.number)>{call.number.clone()}</a>
                    " "{call.instruction.clone()}
                </p>
            })}
            <p><a href=href>{t("See the ticket", "チケットを見る")}</a>" · "<a href=crate::router::Route::TICKETS.href()>{t("My tickets", "マイチケット")}</a></p>
        </section>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn draft(kind: &str) -> Draft {
        Draft {
            kind: kind.to_owned(),
            severity: "high".to_owned(),
            service: " sso ".to_owned(),
            subject: "  Login fails  ".to_owned(),
            language: "ja".to_owned(),
            ..Draft::default()
        }
    }

    #[test]
    fn an_incident_carries_its_severity_and_no_service() {
        let ticket = draft("incident").ticket();
        assert_eq!(ticket.severity, Some(Severity::High));
        assert_eq!(ticket.service, None);
        assert_eq!(ticket.fields["subject"], "Login fails");
    }

    #[test]
    fn a_request_carries_its_service_and_no_severity() {
        let ticket = draft("request").ticket();
        assert_eq!(ticket.severity, None);
        assert_eq!(ticket.service.as_deref(), Some("sso"));
    }

    #[test]
    fn the_body_has_exactly_the_fields_the_server_accepts() {
        let body = serde_json::to_value(draft("question").ticket()).unwrap();
        let mut keys: Vec<&str> = body
            .as_object()
            .unwrap()
            .keys()
            .map(String::as_str)
            .collect();
        keys.sort_unstable();
        assert_eq!(
            keys,
            [
                "availability",
                "description",
                "environment",
                "impact",
                "language",
                "platform_version",
                "started_at",
                "steps_to_reproduce",
                "subject",
                "type"
            ]
        );
    }

    #[test]
    fn a_draft_saved_by_an_older_version_still_loads() {
        let draft: Draft = serde_json::from_str(r#"{"subject":"Kept"}"#).unwrap();
        assert_eq!(draft.subject, "Kept");
        assert_eq!(draft.idempotency_key, None);
    }
}
