//! `/tickets/new`: the ticket form. It checks every field as the server does, keeps a draft
//! (and the idempotency key of the submission under way) in local storage so that nothing is
//! lost on a reload or a failed submit, and ends on a confirmation.

use std::collections::BTreeMap;
use std::fmt;

use leptos::prelude::*;
use serde::de::{MapAccess, Visitor};
use serde::{Deserialize, Deserializer, Serialize};

use support_api::{CreatedTicket, NewTicket, Severity, TicketStatus, TicketType};
use support_rules::TicketField;

use crate::api::{self, ApiError, FieldErrorText};
use crate::clock::use_clock;
use crate::components::expected_response::{ExpectedResponse, Quoted, ticket_kind};
use crate::components::field::{Field, Kind, focus};
use crate::components::kind_choice::KindChoice;
use crate::i18n::{I18n, Lang, t, use_i18n};
use crate::policy::{ms, tel_href, use_policy, with_policy};
use crate::prefs::use_prefs;
use crate::router::Route;
use crate::session::use_session;
use crate::task::Call;
use crate::{storage, time};

const DRAFT_KEY: &str = "support.ticket-draft";

/// What survives a reload: what the ticket is, the value of each field by its id in the
/// policy, and the idempotency key once a submission started. A value of a field the policy
/// no longer has stays here (nothing typed is lost when the policy changes) but is neither
/// shown nor sent.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
struct Draft {
    kind: String,
    severity: String,
    service: String,
    language: String,
    fields: BTreeMap<String, String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    idempotency_key: Option<String>,
}

// Read member by member: a draft saved by an earlier version held each field as a member of
// its own (`"subject": "…"`), and those members become fields.
impl<'de> Deserialize<'de> for Draft {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_map(DraftVisitor)
    }
}

struct DraftVisitor;

impl<'de> Visitor<'de> for DraftVisitor {
    type Value = Draft;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a ticket draft")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Draft, A::Error> {
        let mut draft = Draft::default();
        let mut earlier = BTreeMap::new();
        while let Some(key) = map.next_key::<String>()? {
            match key.as_str() {
                "kind" => draft.kind = map.next_value()?,
                "severity" => draft.severity = map.next_value()?,
                "service" => draft.service = map.next_value()?,
                "language" => draft.language = map.next_value()?,
                "fields" => draft.fields = map.next_value()?,
                "idempotency_key" => draft.idempotency_key = map.next_value()?,
                _ => {
                    if let Some(value) = map.next_value::<Option<String>>()? {
                        earlier.insert(key, value);
                    }
                }
            }
        }
        for (id, value) in earlier {
            draft.fields.entry(id).or_insert(value);
        }
        Ok(draft)
    }
}

impl Draft {
    /// The saved draft; an empty one when there is none or it cannot be read.
    fn parse(text: &str) -> Draft {
        serde_json::from_str(text).unwrap_or_default()
    }

    /// The ticket this draft files under a policy with these fields: each of the policy's
    /// fields (empty when the draft has no value for it), and none other.
    fn ticket(&self, fields: &[TicketField]) -> NewTicket {
        // The form holds only valid keys (see `Form::load`); the fallbacks are its defaults.
        let kind = self.kind.parse().unwrap_or(TicketType::Incident);
        // Maps are filled by `insert` throughout this page: `collect` into a `BTreeMap` sorts
        // first, and the sort would cost the wasm more than this whole form's logic.
        let mut values = BTreeMap::new();
        for field in fields {
            let value = self.fields.get(&field.id).map_or("", |value| value.trim());
            values.insert(field.id.clone(), value.to_owned());
        }
        NewTicket {
            kind,
            severity: (kind == TicketType::Incident)
                .then(|| self.severity.parse().unwrap_or(Severity::Normal)),
            service: (kind == TicketType::Request).then(|| self.service.trim().to_owned()),
            language: Some(self.language.clone()),
            follows: None,
            fields: values,
        }
    }
}

#[derive(Clone, Copy)]
struct Form {
    kind: RwSignal<String>,
    severity: RwSignal<String>,
    service: RwSignal<String>,
    language: RwSignal<String>,
    /// Each field's value by its id. The value signals are shared (`Arc`), not owned by the
    /// view of their field: that view is drawn again when the policy is, and the value lives
    /// on with the form.
    values: RwSignal<BTreeMap<String, ArcRwSignal<String>>>,
    idempotency_key: RwSignal<Option<String>>,
}

impl Form {
    fn load(i: I18n) -> Self {
        let draft = storage::get(DRAFT_KEY)
            .map(|text| Draft::parse(&text))
            .unwrap_or_default();
        let valid_or = |value: String, valid: bool, default: &str| {
            if valid { value } else { default.to_owned() }
        };
        let kind_ok = draft.kind.parse::<TicketType>().is_ok();
        let severity_ok = draft.severity.parse::<Severity>().is_ok();
        let language_ok = !draft.language.is_empty();
        let mut values = BTreeMap::new();
        for (id, value) in draft.fields {
            values.insert(id, ArcRwSignal::new(value));
        }
        Form {
            kind: RwSignal::new(valid_or(draft.kind, kind_ok, TicketType::Incident.key())),
            severity: RwSignal::new(valid_or(
                draft.severity,
                severity_ok,
                Severity::Normal.key(),
            )),
            service: RwSignal::new(draft.service),
            language: RwSignal::new(valid_or(draft.language, language_ok, i.lang().code())),
            values: RwSignal::new(values),
            idempotency_key: RwSignal::new(draft.idempotency_key),
        }
    }

    /// The value of the field `id` (empty until something is typed).
    fn value(self, id: &str) -> ArcRwSignal<String> {
        if let Some(value) = self.values.with_untracked(|values| values.get(id).cloned()) {
            return value;
        }
        let value = ArcRwSignal::new(String::new());
        self.values.update(|values| {
            values.insert(id.to_owned(), value.clone());
        });
        value
    }

    fn draft(self) -> Draft {
        let mut fields = BTreeMap::new();
        self.values.with(|values| {
            for (id, value) in values {
                let value = value.get();
                if !value.is_empty() {
                    fields.insert(id.clone(), value);
                }
            }
        });
        Draft {
            kind: self.kind.get(),
            severity: self.severity.get(),
            service: self.service.get(),
            language: self.language.get(),
            fields,
            idempotency_key: self.idempotency_key.get(),
        }
    }

    fn clear(self) {
        let values: Vec<_> = self
            .values
            .with_untracked(|values| values.values().cloned().collect());
        for value in values {
            value.set(String::new());
        }
        self.idempotency_key.set(None);
        storage::remove(DRAFT_KEY);
    }
}

/// A problem with one field: its id, and what is wrong in the visitor's language.
type FieldProblem = (String, String);

/// The same checks the server makes with the policy's ticket fields, so the visitor learns
/// of a problem before sending.
fn validate(ticket: &NewTicket, fields: &[TicketField], lang: Lang) -> Vec<FieldProblem> {
    let mut errors = Vec::new();
    if ticket.kind == TicketType::Request && ticket.service.as_deref().unwrap_or("").is_empty() {
        let text = match lang {
            Lang::En => "Choose the catalog service.",
            Lang::Ja => "サービスを選択してください。",
        };
        errors.push(("service".to_owned(), text.to_owned()));
    }
    for field in fields {
        let value = ticket.fields.get(&field.id).map_or("", String::as_str);
        let (max, length) = (field.max_chars as usize, value.chars().count());
        let problem = if field.required && length == 0 {
            match lang {
                Lang::En => "Required.".to_owned(),
                Lang::Ja => "入力してください。".to_owned(),
            }
        } else if length > max {
            match lang {
                Lang::En => format!("At most {max} characters ({length} now)."),
                Lang::Ja => format!("{max}文字以内で入力してください(現在{length}文字)。"),
            }
        } else {
            continue;
        };
        errors.push((field.id.clone(), problem));
    }
    errors
}

/// The ticket form; `follows`: the closed ticket the new one follows up (`?follows=ID`).
#[component]
pub fn NewTicket(follows: Option<i64>) -> impl IntoView {
    let created = RwSignal::new(None::<CreatedTicket>);
    let session = use_session();
    view! {
        <h1>{t("New ticket", "チケット作成")}</h1>
        {follows.map(|id| view! {
            <p class="notice" data-follows=id>
                {t("This ticket follows up the closed ticket ", "このチケットは終了したチケット ")}
                <a href=Route::Ticket { id }.href()>"#" {id}</a>
                {t(": it will link to it, and the closed ticket to this one.", " の続きです。両方のチケットが互いにリンクされます。")}
            </p>
        })}
        {move || match created.get() {
            Some(ticket) => view! { <Confirmation ticket=ticket/> }.into_any(),
            // The form comes whole once the policy (its fields, languages, severities) and the
            // session (whether to say "sign in" or "waits for approval" above it) are there:
            // nothing of it waits below a loading line that then grows, and no notice pushes
            // it down once it is drawn.
            None => (move || match session.me() {
                None => view! {
                    <p class="muted">{t("Loading the support policy…", "サポートポリシーを読み込んでいます…")}</p>
                }
                .into_any(),
                Some(_) => with_policy(move |_| view! { <TicketForm created=created follows=follows/> })
                    .into_any(),
            })
            .into_any(),
        }}
    }
}

#[component]
fn TicketForm(created: RwSignal<Option<CreatedTicket>>, follows: Option<i64>) -> impl IntoView {
    let i = use_i18n();
    let session = use_session();
    let policy = use_policy();
    let form = Form::load(i);
    Effect::new(move |_| {
        if let Ok(text) = serde_json::to_string(&form.draft()) {
            storage::set(DRAFT_KEY, &text);
        }
    });
    let errors = RwSignal::new(Vec::<FieldProblem>::new());
    // The server's problems with fields this form does not show (a policy changed since the
    // page loaded): said in the submit error instead of beside a field.
    let stray = RwSignal::new(Vec::<String>::new());
    let error_of = move |id: String| {
        Signal::derive(move || {
            errors.with(|errors| {
                errors
                    .iter()
                    .find(|(field, _)| *field == id)
                    .map(|(_, message)| message.clone())
            })
        })
    };
    let policy_fields = move || {
        untrack(|| policy.get())
            .and_then(Result::ok)
            .map(|policy| policy.ticket_fields().to_vec())
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
                let shown = policy_fields().unwrap_or_default();
                let lang = untrack(|| i.lang());
                let (placed, others): (Vec<_>, Vec<_>) = fields.iter().partition(|e| {
                    e.field == "service" || shown.iter().any(|field| field.id == e.field)
                });
                let placed: Vec<FieldProblem> = placed
                    .into_iter()
                    .map(|e| (e.field.clone(), e.text(lang)))
                    .collect();
                if let Some((first, _)) = placed.first() {
                    focus(first);
                }
                errors.set(placed);
                stray.set(
                    others
                        .into_iter()
                        .map(|e| format!("{}: {}", e.field, e.text(lang)))
                        .collect(),
                );
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
        // Which fields to send is the policy's to say: until it is loaded (its loading line or
        // error is on the form) there is nothing to send.
        let Some(fields) = policy_fields() else {
            return;
        };
        failure.set(None);
        stray.set(Vec::new());
        let mut ticket = form.draft().ticket(&fields);
        ticket.follows = follows;
        let found = validate(&ticket, &fields, i.lang());
        if let Some((first, _)) = found.first() {
            focus(first);
            errors.set(found);
            return;
        }
        errors.set(Vec::new());
        let key = form.idempotency_key.get_untracked().unwrap_or_else(|| {
            let key = api::new_idempotency_key();
            form.idempotency_key.set(Some(key.clone()));
            key
        });
        submit.dispatch((ticket, key));
    };
    let signed_out = move || matches!(session.me(), Some(Err(ApiError::SignedOut)));
    // The live quote for the signed-in account and what the form says now.
    let quoted = Signal::derive(move || {
        let account = session.signed_in()?.account?;
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
                <a href=Route::SignIn.href()>{t("Sign in", "サインイン")}</a>
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
            <KindChoice kind=form.kind severity=form.severity service=form.service ids=("type", "severity", "service") service_error=error_of("service".to_owned())/>
            // The policy's fields, in its order, once it is loaded (the choice of type above
            // says meanwhile that it is loading, or why it could not be).
            {move || policy.get().and_then(Result::ok).map(|policy| {
                policy.ticket_fields().iter().map(|field| view! {
                    <Field
                        id=field.id.clone()
                        en=field.label.en.clone()
                        ja=field.label.ja.clone()
                        kind=Kind::for_length(field.max_chars)
                        value=RwSignal::from(form.value(&field.id))
                        error=error_of(field.id.clone())
                        required=field.required
                        hint=Some(field.hint.clone())
                        max_chars=Some(field.max_chars)
                    />
                }).collect_view()
            })}
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
                    ApiError::Problem { errors, .. } if !errors.is_empty() => {
                        let mut text = i.t("Please correct the marked fields.", "エラーのある項目を修正してください。").to_owned();
                        for problem in stray.get() {
                            text.push(' ');
                            text.push_str(&problem);
                        }
                        text
                    }
                    other => other.to_string(),
                };
                view! { <p id="submit-error" class="status-error" role="alert">{text}</p> }
            })}
            <section class="expected-box" aria-labelledby="expected-heading">
                <h2 id="expected-heading">{t("Expected response", "回答期限の目安")}</h2>
                // Nothing while the session is asked for (the box keeps its height, see the
                // style): a signed-in visitor never reads "sign in" on the way to the deadline.
                {move || match session.me() {
                    None => ().into_any(),
                    Some(Ok(_)) => view! { <ExpectedResponse quoted=quoted/> }.into_any(),
                    Some(Err(_)) => view! {
                        <p class="muted">
                            {t("Sign in to see by when support responds to your account, or see the ", "サインインすると、アカウントの回答期限が表示されます。")}
                            <a href=Route::Response.href()>{t("response time of each support level", "サポートレベルごとの回答期限")}</a>
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

#[component]
fn Confirmation(ticket: CreatedTicket) -> impl IntoView {
    let i = use_i18n();
    let clock = use_clock();
    let prefs = use_prefs();
    let CreatedTicket { ticket, call_now } = ticket;
    let due = ticket.first_response_due.map(ms);
    let pending = ticket.status == TicketStatus::PendingApproval;
    let href = Route::Ticket { id: ticket.id }.href();
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
            <p><a href=href>{t("See the ticket", "チケットを見る")}</a>" · "<a href=Route::TICKETS.href()>{t("My tickets", "マイチケット")}</a></p>
        </section>
    }
}

#[cfg(test)]
mod tests {
    use support_rules::Policy;

    use super::*;

    fn draft(kind: &str) -> Draft {
        Draft {
            kind: kind.to_owned(),
            severity: "high".to_owned(),
            service: " sso ".to_owned(),
            language: "ja".to_owned(),
            fields: [("subject".to_owned(), "  Login fails  ".to_owned())].into(),
            ..Draft::default()
        }
    }

    fn shipped_fields() -> Vec<TicketField> {
        Policy::embedded_default().ticket_fields().to_vec()
    }

    /// The custom-policy browser test's policy: no `availability`, a required `purchase_order`.
    fn custom_fields() -> Vec<TicketField> {
        let text = include_str!("../../tests/browser/fixtures/custom-policy.toml");
        Policy::from_toml("custom-policy.toml", text)
            .unwrap()
            .ticket_fields()
            .to_vec()
    }

    fn body_keys(ticket: &NewTicket) -> Vec<String> {
        let body = serde_json::to_value(ticket).unwrap();
        let mut keys: Vec<String> = body.as_object().unwrap().keys().cloned().collect();
        keys.sort_unstable();
        keys
    }

    #[test]
    fn an_incident_carries_its_severity_and_no_service() {
        let ticket = draft("incident").ticket(&shipped_fields());
        assert_eq!(ticket.severity, Some(Severity::High));
        assert_eq!(ticket.service, None);
        assert_eq!(ticket.fields["subject"], "Login fails");
    }

    #[test]
    fn a_request_carries_its_service_and_no_severity() {
        let ticket = draft("request").ticket(&shipped_fields());
        assert_eq!(ticket.severity, None);
        assert_eq!(ticket.service.as_deref(), Some("sso"));
    }

    #[test]
    fn the_body_has_exactly_the_fields_the_server_accepts() {
        assert_eq!(
            body_keys(&draft("question").ticket(&shipped_fields())),
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
    fn under_another_policy_the_body_has_its_fields_and_not_a_dropped_one_the_draft_holds() {
        let mut draft = draft("question");
        draft
            .fields
            .insert("availability".into(), "Mornings".into());
        draft
            .fields
            .insert("purchase_order".into(), " PO-7 ".into());
        let ticket = draft.ticket(&custom_fields());
        let keys = body_keys(&ticket);
        assert!(!keys.iter().any(|key| key == "availability"), "{keys:?}");
        assert!(keys.iter().any(|key| key == "purchase_order"), "{keys:?}");
        assert_eq!(ticket.fields["purchase_order"], "PO-7");
    }

    #[test]
    fn a_required_field_of_the_policy_is_checked_before_sending() {
        let ticket = draft("question").ticket(&custom_fields());
        let errors = validate(&ticket, &custom_fields(), Lang::En);
        let ids: Vec<&str> = errors.iter().map(|(id, _)| id.as_str()).collect();
        assert_eq!(ids, ["description", "purchase_order"]);
        assert_eq!(errors[1].1, "Required.");
    }

    #[test]
    fn a_field_longer_than_the_policy_allows_is_reported_with_its_limit() {
        let mut draft = draft("question");
        draft
            .fields
            .insert("description".into(), "It fails.".into());
        draft.fields.insert("purchase_order".into(), "7".repeat(31));
        let errors = validate(&draft.ticket(&custom_fields()), &custom_fields(), Lang::Ja);
        assert_eq!(
            errors,
            [(
                "purchase_order".to_owned(),
                "30文字以内で入力してください(現在31文字)。".to_owned()
            )]
        );
    }

    #[test]
    fn a_request_without_a_service_is_reported_beside_the_service() {
        let mut draft = draft("request");
        draft.service = "  ".into();
        draft.fields.insert("description".into(), "Please.".into());
        let errors = validate(
            &draft.ticket(&shipped_fields()),
            &shipped_fields(),
            Lang::En,
        );
        assert_eq!(
            errors,
            [(
                "service".to_owned(),
                "Choose the catalog service.".to_owned()
            )]
        );
    }

    #[test]
    fn a_draft_saved_by_an_older_version_still_loads() {
        let draft = Draft::parse(r#"{"subject":"Kept"}"#);
        assert_eq!(draft.fields["subject"], "Kept");
        assert_eq!(draft.idempotency_key, None);
    }

    #[test]
    fn a_draft_reads_back_what_it_wrote_and_keeps_values_of_fields_a_policy_dropped() {
        let mut saved = draft("incident");
        saved
            .fields
            .insert("availability".into(), "Mornings".into());
        saved.idempotency_key = Some("k-1".into());
        let text = serde_json::to_string(&saved).unwrap();
        assert_eq!(Draft::parse(&text), saved);
    }

    #[test]
    fn a_draft_that_cannot_be_read_gives_an_empty_form_instead_of_an_error() {
        assert_eq!(Draft::parse("not json"), Draft::default());
        assert_eq!(Draft::parse(r#"{"subject":7}"#), Draft::default());
    }
}
