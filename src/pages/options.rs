//! `/options`: the ways to get support and what to bring.

use leptos::prelude::*;

use std::sync::Arc;

use support_rules::{PhoneKind, Policy, Severity, TicketType};

use crate::i18n::{policy_text, t, use_i18n};
use crate::policy::{tel_href, with_policy};
use crate::router::Route;
use crate::session::use_session;
use crate::{storage, time};

const COUNTRY_KEY: &str = "support.country";

/// Where a time zone is, for the countries with a support number (the zone says more about
/// where a visitor is than the language: en-US is spoken everywhere).
const ZONE_COUNTRIES: [(&str, &str); 24] = [
    ("Europe/Lisbon", "PT"),
    ("Atlantic/Madeira", "PT"),
    ("Atlantic/Azores", "PT"),
    ("Europe/Amsterdam", "NL"),
    ("Europe/London", "GB"),
    ("Europe/Berlin", "DE"),
    ("Europe/Helsinki", "FI"),
    ("Asia/Dubai", "AE"),
    ("Asia/Tokyo", "JP"),
    ("Asia/Singapore", "SG"),
    ("Asia/Kuala_Lumpur", "MY"),
    ("Africa/Johannesburg", "ZA"),
    ("America/Sao_Paulo", "BR"),
    ("America/New_York", "US"),
    ("America/Chicago", "US"),
    ("America/Denver", "US"),
    ("America/Phoenix", "US"),
    ("America/Los_Angeles", "US"),
    ("America/Anchorage", "US"),
    ("Pacific/Honolulu", "US"),
    ("Australia/Sydney", "AU"),
    ("Australia/Melbourne", "AU"),
    ("Australia/Brisbane", "AU"),
    ("Australia/Perth", "AU"),
];

/// The visitor's country: the one they chose, else the one of their time zone, else the
/// region of their browser's language.
fn initial_country() -> String {
    storage::get(COUNTRY_KEY)
        .or_else(|| {
            let zone = time::browser_zone();
            ZONE_COUNTRIES
                .iter()
                .find(|(known, _)| *known == zone)
                .map(|(_, country)| (*country).to_owned())
        })
        .or_else(time::browser_region)
        .unwrap_or_default()
}

#[component]
pub fn Options() -> impl IntoView {
    // The sections come together once the policy is there: each waiting on its own, the
    // first to grow would push down the ones below it (a layout shift of half the screen).
    view! {
        <h1>{t("Support options", "サポート窓口")}</h1>
        {with_policy(|_| view! {
        <TicketTypes/>
        <Severities/>
        <section aria-labelledby="channels">
            <h2 id="channels">{t("How to reach us", "お問い合わせ方法")}</h2>
            <h3>{t("Web", "Web")}</h3>
            <p>
                {t("Open a ticket on the ", "")}
                <a href=Route::NEW_TICKET.href()>{t("new ticket page", "チケット作成ページ")}</a>
                {t(
                    ". Every ticket starts here, even an urgent one.",
                    "からチケットを作成してください。緊急の場合も、まずチケットを作成します。",
                )}
            </p>
            <h3>{t("Phone", "電話")}</h3>
            <p>
                {t(
                    "For an urgent incident, open the ticket first, then call. Every number reaches the same support team.",
                    "緊急のインシデントは、チケットを作成してからお電話ください。どの番号も同じサポートチームにつながります。",
                )}
            </p>
            {with_policy(|policy| view! { <PhoneNumbers policy=policy/> })}
        </section>
        <WhoMaySubmit/>
        <section aria-labelledby="languages">
            <h2 id="languages">{t("Languages", "対応言語")}</h2>
            {with_policy(|policy| {
                let name = |language: &support_rules::Language| language.name.clone();
                let guaranteed: Vec<String> = policy.languages().iter().filter(|l| l.guaranteed).map(name).collect();
                let others: Vec<String> = policy.languages().iter().filter(|l| !l.guaranteed).map(name).collect();
                view! {
                    <p id="languages-offered">
                        {t("Always answered in: ", "常に対応: ")}{guaranteed.join(", ")}". "
                        {(!others.is_empty()).then(|| view! {
                            {t("As staff on shift allow: ", "担当者の状況に応じて対応: ")}{others.join(", ")}"."
                        })}
                    </p>
                }
            })}
        </section>
        <TicketContent/>
        })}
    }
}

/// The number to call from the visitor's country (changeable), then every number.
#[component]
fn PhoneNumbers(policy: Arc<Policy>) -> impl IntoView {
    let i = use_i18n();
    let session = use_session();
    let country = RwSignal::new(initial_country());
    // A signed-in visitor who never chose gets the account's country.
    Effect::new(move |_| {
        if storage::get(COUNTRY_KEY).is_none()
            && let Some(account) = session.signed_in().and_then(|me| me.account)
        {
            country.set(account.country);
        }
    });
    let phones = policy.phone_numbers().to_vec();
    let mut countries: Vec<String> = phones
        .iter()
        .filter_map(|phone| phone.country.clone())
        .collect();
    countries.sort_unstable();
    countries.dedup();
    let current = country.get_untracked();
    if !current.is_empty() && !countries.contains(&current) {
        countries.push(current);
    }
    let yours = {
        let policy = policy.clone();
        move || {
            let code = country.get();
            match policy.phone_for_country(&code) {
                Some(phone) => view! {
                    <p id="your-phone" class="your-phone">
                        {i.t("From ", "")}{time::country_name(&code, i.lang())}{i.t(", call toll-free ", "からはフリーダイヤル ")}
                        <a href=tel_href(&phone.number)>{phone.number.clone()}</a>
                        {i.t("", "におかけください")}
                    </p>
                }
                .into_any(),
                None => view! {
                    <p id="your-phone" class="your-phone">{i.t(
                        "There is no toll-free number for your country: call one of the international numbers below, or use the free-call app.",
                        "お住まいの国にはフリーダイヤルがありません。下記の国際番号か無料通話アプリをご利用ください。",
                    )}</p>
                }
                .into_any(),
            }
        }
    };
    let kind_text = move |kind: PhoneKind| match kind {
        PhoneKind::TollFree => i.t("toll-free", "フリーダイヤル"),
        PhoneKind::International => i.t("international", "国際"),
        PhoneKind::App => i.t("free-call app", "無料通話アプリ"),
    };
    view! {
        <p class="picker">
            <label for="country">{t("Your country", "国")}</label>
            <select
                id="country"
                prop:value=move || country.get()
                on:change=move |event| {
                    let chosen = event_target_value(&event);
                    storage::set(COUNTRY_KEY, &chosen);
                    country.set(chosen);
                }
            >
                <option value="">{t("Other", "その他")}</option>
                {countries.into_iter().map(|code| {
                    let value = code.clone();
                    view! { <option value=value>{move || time::country_name(&code, i.lang())}</option> }
                }).collect_view()}
            </select>
        </p>
        {yours}
        <div class="table-scroll">
            <table class="phone-table">
                <caption>{t("Every number reaches the same team", "どの番号も同じチームにつながります")}</caption>
                <thead>
                    <tr>
                        <th scope="col">{t("Country", "国")}</th>
                        <th scope="col">{t("Number", "番号")}</th>
                        <th scope="col">{t("Kind", "種類")}</th>
                    </tr>
                </thead>
                <tbody>
                    {phones.into_iter().map(|phone| {
                        let kind = phone.kind;
                        view! {
                            <tr>
                                <td>{move || phone.country.as_deref().map(|code| time::country_name(code, i.lang())).unwrap_or_else(|| i.t("anywhere", "全世界").to_owned())}</td>
                                <td><a href=tel_href(&phone.number)>{phone.number.clone()}</a></td>
                                <td>{move || kind_text(kind)}</td>
                            </tr>
                        }
                    }).collect_view()}
                </tbody>
            </table>
        </div>
    }
}

#[component]
fn TicketTypes() -> impl IntoView {
    view! {
        <section aria-labelledby="types">
            <h2 id="types">{t("Ticket types", "チケットの種類")}</h2>
            {with_policy(|policy| {
                let types = &policy.document().ticket_types;
                view! {
                    <dl class="definitions">
                        {[TicketType::Incident, TicketType::Question, TicketType::Request]
                            .into_iter()
                            .map(|ticket_type| {
                                let spec = types.get(ticket_type);
                                view! {
                                    <dt>{policy_text(spec.name.clone())}</dt>
                                    <dd>{policy_text(spec.when.clone())}</dd>
                                }
                            })
                            .collect_view()}
                    </dl>
                }
            })}
        </section>
    }
}

#[component]
fn Severities() -> impl IntoView {
    view! {
        <section aria-labelledby="severities">
            <h2 id="severities">{t("Incident severities", "インシデントの重要度")}</h2>
            <p>
                {t(
                    "You choose the severity when you open the ticket; support may question it and lower it later.",
                    "重要度はチケット作成時にお客様が選択します。サポートが確認のうえ、後で引き下げることがあります。",
                )}
            </p>
            {with_policy(|policy| {
                let severities = &policy.document().severities;
                let specs: Vec<_> = Severity::ALL.iter().map(|&s| severities.get(s).clone()).collect();
                // The column of examples only when the policy gives any.
                let examples = specs.iter().any(|spec| spec.example.is_some());
                view! {
                    <div class="table-scroll">
                        <table class="severity-table">
                            <thead>
                                <tr>
                                    <th scope="col">{t("Severity", "重要度")}</th>
                                    <th scope="col">{t("Meaning", "意味")}</th>
                                    {examples.then(|| view! { <th scope="col">{t("For example", "例")}</th> })}
                                </tr>
                            </thead>
                            <tbody>
                                {specs
                                    .into_iter()
                                    .map(|spec| view! {
                                        <tr>
                                            <th scope="row">{policy_text(spec.name)}</th>
                                            <td>{policy_text(spec.meaning)}</td>
                                            {examples.then(|| view! { <td>{spec.example.map(policy_text)}</td> })}
                                        </tr>
                                    })
                                    .collect_view()}
                            </tbody>
                        </table>
                    </div>
                }
            })}
        </section>
    }
}

#[component]
fn WhoMaySubmit() -> impl IntoView {
    view! {
        <section aria-labelledby="who">
            <h2 id="who">{t("Who may submit", "チケットを送信できる人")}</h2>
            {with_policy(|policy| view! {
                <p id="who-may-submit">{policy_text(policy.document().contacts.summary.clone())}</p>
            })}
            <p>
                {t("A contact with the right to manage contacts adds a person by their email address on the ", "管理権限を持つコンタクトは、")}
                <a href=Route::Contacts.href()>{t("contacts page", "技術担当者ページ")}</a>
                {t(". Set them up right after subscribing.", "でメールアドレスを登録して担当者を追加できます。サブスクリプション開始後すぐの設定をおすすめします。")}
            </p>
        </section>
    }
}

#[component]
fn TicketContent() -> impl IntoView {
    view! {
        <section aria-labelledby="content">
            <h2 id="content">{t("What a ticket carries", "チケットに記載する内容")}</h2>
            <p>{t(
                "A precise description lets us start at once. The form asks for the type, the severity of an incident or the service of a request, your preferred language, and:",
                "問題を正確に記載いただくと、すぐに調査を始められます。フォームでは種類、インシデントの重要度またはリクエストのサービス、希望する言語と、次の項目を入力します。",
            )}</p>
            {with_policy(|policy| {
                let fields = policy.ticket_fields().to_vec();
                view! {
                    <dl class="definitions ticket-fields">
                        {fields.into_iter().map(|field| view! {
                            <dt>
                                {policy_text(field.label)}
                                {field.required.then(|| t(" (required)", "(必須)"))}
                            </dt>
                            <dd>{policy_text(field.hint)}</dd>
                        }).collect_view()}
                    </dl>
                }
            })}
        </section>
    }
}
