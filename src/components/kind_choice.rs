//! The choice of what a ticket is: its type, and the severity of an incident or the catalog
//! service of a request, named and explained as the policy does.

use leptos::prelude::*;
use support_rules::{Severity, TicketType};

use crate::i18n::{policy_text, t, use_i18n};
use crate::policy::with_policy;

/// The ticket type, and the severity of an incident or the catalog service of a request, with
/// the names and meanings the policy gives them. `ids` names the type's radio group and the two
/// selects.
#[component]
pub fn KindChoice(
    kind: RwSignal<String>,
    severity: RwSignal<String>,
    service: RwSignal<String>,
    ids: (&'static str, &'static str, &'static str),
    /// A problem with the service, shown beside it.
    #[prop(optional, into)]
    service_error: Option<Signal<Option<String>>>,
) -> impl IntoView {
    let i = use_i18n();
    let (type_name, severity_id, service_id) = ids;
    with_policy(move |policy| {
        let error = move || service_error.and_then(|error| error.get());
        let document = policy.document();
        // The order a visitor reads them in: what is wrong, what to ask, what to change.
        let types = [
            TicketType::Incident,
            TicketType::Question,
            TicketType::Request,
        ];
        let when = {
            let policy = policy.clone();
            move || {
                let chosen = kind.get().parse().ok()?;
                let when = &policy.document().ticket_types.get(chosen).when;
                Some(when.get(i.lang().code()).to_owned())
            }
        };
        let meaning = {
            let policy = policy.clone();
            move || {
                let chosen = severity.get().parse().ok()?;
                let meaning = &policy.document().severities.get(chosen).meaning;
                Some(meaning.get(i.lang().code()).to_owned())
            }
        };
        let type_hint_id = format!("{type_name}-hint");
        let type_described_by = type_hint_id.clone();
        let severity_hint_id = format!("{severity_id}-hint");
        let severities: Vec<_> = Severity::ALL
            .iter()
            .map(|&s| (s, document.severities.get(s).name.clone()))
            .collect();
        let services: Vec<_> = document
            .services
            .iter()
            .map(|(id, service)| (id.clone(), service.name.clone()))
            .collect();
        view! {
            <fieldset aria-describedby=type_described_by>
                <legend>{t("Ticket type", "チケットの種類")}</legend>
                <div class="choices">
                    {types.into_iter().map(|ticket_type| {
                        let value = ticket_type.key();
                        view! {
                            <label>
                                <input
                                    type="radio"
                                    name=type_name
                                    value=value
                                    prop:checked=move || kind.get() == value
                                    on:change=move |_| kind.set(value.to_owned())
                                />
                                {policy_text(document.ticket_types.get(ticket_type).name.clone())}
                            </label>
                        }
                    }).collect_view()}
                </div>
                <p id=type_hint_id class="hint">{when}</p>
            </fieldset>
            <Show when=move || kind.get() == "incident">
                <div class="field">
                    <label for=severity_id>{t("Severity", "重要度")}</label>
                    <select
                        id=severity_id
                        aria-describedby=severity_hint_id.clone()
                        prop:value=move || severity.get()
                        on:change=move |event| severity.set(event_target_value(&event))
                    >
                        {severities.clone().into_iter().map(|(s, name)| view! {
                            <option value=s.key()>{policy_text(name)}</option>
                        }).collect_view()}
                    </select>
                    <p id=severity_hint_id.clone() class="hint">{meaning.clone()}</p>
                </div>
            </Show>
            <Show when=move || kind.get() == "request">
                <div class="field" class:invalid=move || error().is_some()>
                    <label for=service_id>{t("Catalog service", "サービス")}<span class="required">" *"</span></label>
                    <select
                        id=service_id
                        aria-invalid=move || error().is_some().then_some("true")
                        aria-describedby=move || error().is_some().then(|| format!("{service_id}-error"))
                        prop:value=move || service.get()
                        on:change=move |event| service.set(event_target_value(&event))
                    >
                        <option value="">{t("Choose a service", "サービスを選択")}</option>
                        {services.clone().into_iter().map(|(id, name)| view! {
                            <option value=id>{policy_text(name)}</option>
                        }).collect_view()}
                    </select>
                    {move || error().map(|message| view! { <p id=format!("{service_id}-error") class="field-error">{message}</p> })}
                </div>
            </Show>
        }
    })
}
