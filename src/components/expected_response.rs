//! "First response by <time in your zone> (in 3 h 20 min)" and the one-line reason, computed
//! in the browser by the rules crate: the same quote the server records when the ticket is
//! submitted at this instant.

use leptos::prelude::*;
use support_rules::{Channel, Policy, Quote, QuoteRequest, QuoteRule, SupportLevel, TicketKind};

use crate::clock::use_clock;
use crate::i18n::{I18n, Lang, t, use_i18n};
use crate::policy::{ms, now, target_text, with_policy};
use crate::prefs::use_prefs;
use crate::time;

/// What is quoted; `None` while the form does not say enough (a request without a service).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Quoted {
    pub level: SupportLevel,
    pub tsm: bool,
    pub kind: TicketKind,
}

/// What a form's type, severity and service fields say the ticket is; `None` while they do
/// not say enough (a request without a service).
pub fn ticket_kind(kind: &str, severity: &str, service: &str) -> Option<TicketKind> {
    Some(match kind {
        "incident" => TicketKind::Incident {
            severity: severity.parse().ok()?,
        },
        "question" => TicketKind::Question,
        _ => TicketKind::Request {
            service: service.trim().parse().ok()?,
        },
    })
}

#[component]
pub fn ExpectedResponse(#[prop(into)] quoted: Signal<Option<Quoted>>) -> impl IntoView {
    with_policy(move |policy| {
        let i = use_i18n();
        let clock = use_clock();
        let prefs = use_prefs();
        let quote = Memo::new({
            let policy = policy.clone();
            move |_| {
                let quoted = quoted.get()?;
                policy
                    .quote(&QuoteRequest {
                        level: quoted.level,
                        tsm: quoted.tsm,
                        kind: quoted.kind,
                        at: now(clock),
                    })
                    .ok()
            }
        });
        // The box is built once per quote-or-none; each second only its figures change, in
        // place (a screen reader in it, or a selection, is not disturbed).
        let quoted_now = Memo::new(move |_| quote.with(Option::is_some));
        let text = move |write: fn(&Policy, &Quote, I18n, &str) -> String| {
            let policy = policy.clone();
            move || {
                let zone = prefs.zone.get();
                quote.with(|quote| {
                    quote
                        .as_ref()
                        .map(|quote| write(&policy, quote, i, &zone))
                        .unwrap_or_default()
                })
            }
        };
        let (due_at, due_in, reason_text, channels_text) = (
            text(|_, quote, i, zone| time::date_time(ms(quote.first_response_due), zone, i.lang())),
            text(|_, quote, i, _| {
                let left = ms(quote.first_response_due) - ms(quote.submitted_at);
                time::duration(left, i.lang())
            }),
            text(reason),
            text(|_, quote, i, zone| channels(quote, i, zone)),
        );
        move || {
            if !quoted_now.get() {
                return view! {
                    <p id="expected-response" class="expected muted">
                        {t("Choose what the ticket is about to see by when support responds.", "チケットの内容を選ぶと、回答期限が表示されます。")}
                    </p>
                }
                .into_any();
            }
            let data_due = move || {
                quote.with(|quote| quote.as_ref().map(|q| q.first_response_due.to_string()))
            };
            view! {
                <div id="expected-response" class="expected" data-due=data_due>
                    <p class="expected-due">
                        <strong>
                            {t("First response by ", "最初の回答期限: ")}
                            <time>{due_at.clone()}</time>
                        </strong>
                        " ("{t("in ", "あと")}{due_in.clone()}")"
                    </p>
                    <p class="expected-reason">{reason_text.clone()}</p>
                    <p class="expected-channels">{channels_text.clone()}</p>
                </div>
            }
            .into_any()
        }
    })
}

/// The rule behind the deadline, in one sentence.
fn reason(policy: &Policy, quote: &Quote, i: I18n, zone: &str) -> String {
    let explanation = &quote.explanation;
    let lang = i.lang();
    let code = lang.code();
    let level = explanation.level.number();
    let target = target_text(explanation.target, explanation.round_the_clock, lang);
    let severity = explanation
        .severity
        .map(|severity| {
            policy
                .document()
                .severities
                .get(severity)
                .name
                .get(code)
                .to_owned()
        })
        .unwrap_or_default();
    let when = match (explanation.round_the_clock, lang) {
        (true, Lang::En) => "24x7",
        (false, Lang::En) => "on business days",
        (true, Lang::Ja) => "24時間365日",
        (false, Lang::Ja) => "営業日に",
    };
    let mut text = match (explanation.rule, lang) {
        (QuoteRule::IncidentTarget, Lang::En) => format!(
            "Level {level} {} incidents are handled {when} within {target}",
            severity.to_ascii_lowercase()
        ),
        (QuoteRule::IncidentTarget, Lang::Ja) => format!(
            "レベル{level}の重要度「{severity}」のインシデントは{when}{target}以内に対応します"
        ),
        (QuoteRule::QuestionAsIncident, Lang::En) => format!(
            "Level {level} questions are answered like {} incidents: {when} within {target}",
            severity.to_ascii_lowercase()
        ),
        (QuoteRule::QuestionAsIncident, Lang::Ja) => format!(
            "レベル{level}の質問は重要度「{severity}」のインシデントと同じく{when}{target}以内に回答します"
        ),
        (QuoteRule::ServiceDelivery, _) => {
            let service = explanation
                .service
                .as_ref()
                .and_then(|id| policy.service(id.as_str()))
                .map(|service| service.name.get(code).to_owned())
                .unwrap_or_default();
            match lang {
                Lang::En => format!(
                    "{service} is delivered within about {target} (the catalog's indicative time)"
                ),
                Lang::Ja => format!("{service}の提供期間の目安は{target}です"),
            }
        }
    };
    if explanation.tsm_applied {
        text.push_str(i.t(
            ", the faster target of an account with a Technical Success Manager",
            "(テクニカルサクセスマネージャー付きアカウントの短縮目標)",
        ));
    }
    text.push_str(i.t(".", "。"));
    // The clock waits for the calendar to open when the ticket arrives while it is closed.
    if explanation.counting_from.as_second() > quote.submitted_at.as_second() {
        text.push_str(i.t(
            " The clock starts when support opens: ",
            "対応時間の開始後に計測が始まります: ",
        ));
        text.push_str(&time::date_time(ms(explanation.counting_from), zone, lang));
        text.push_str(i.t(".", "。"));
    }
    text
}

/// Whether each channel is staffed at this instant.
fn channels(quote: &Quote, i: I18n, zone: &str) -> String {
    let lang = i.lang();
    quote
        .channels
        .iter()
        .map(|channel| {
            let name = match channel.channel {
                Channel::Web => i.t("Web", "Web"),
                Channel::Phone => i.t("Phone", "電話"),
            };
            let state = if channel.open {
                i.t("staffed now", "対応中").to_owned()
            } else {
                match channel.next_open {
                    Some(at) => format!(
                        "{}{}",
                        i.t("closed, opens ", "時間外、開始: "),
                        time::date_time(ms(at), zone, lang)
                    ),
                    None => i.t("closed", "時間外").to_owned(),
                }
            };
            format!("{name}: {state}")
        })
        .collect::<Vec<_>>()
        .join(" · ")
}
