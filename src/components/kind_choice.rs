//! The choice of what a ticket is: its type, and the severity of an incident or the catalog
//! service of a request, named as the policy names them.

use leptos::prelude::*;
use support_rules::Severity;

use crate::i18n::{t, use_i18n};
use crate::policy::with_policy;

/// The ticket type, and the severity of an incident or the catalog service of a request, with
/// the names the policy gives them. `ids` names the type's radio group and the two selects.
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
        let code = move || i.lang().code();
        let error = move || service_error.and_then(|error| error.get());
        let document = policy.document();
        let types = [
            ("incident", document.ticket_types.incident.name.clone()),
            ("question", document.ticket_types.question.name.clone()),
            ("request", document.ticket_types.request.name.clone()),
        ];
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
            <fieldset>
                <legend>{t("Ticket type", "チケットの種類")}</legend>
                <div class="choices">
                    {types.into_iter().map(|(value, name)| view! {
                        <label>
                            <input
                                type="radio"
                                name=type_name
                                value=value
                                prop:checked=move || kind.get() == value
                                on:change=move |_| kind.set(value.to_owned())
                            />
                            {move || name.get(code()).to_owned()}
                        </label>
                    }).collect_view()}
                </div>
            </fieldset>
            <Show when=move || kind.get() == "incident">
                <div class="field">
                    <label for=severity_id>{t("Severity", "重要度")}</label>
                    <select
                        id=severity_id
                        prop:value=move || severity.get()
                        on:change=move |event| severity.set(event_target_value(&event))
                    >
                        {severities.clone().into_iter().map(|(s, name)| view! {
                            <option value=s.key()>{move || name.get(code()).to_owned()}</option>
                        }).collect_view()}
                    </select>
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
                            <option value=id.clone()>{move || name.get(code()).to_owned()}</option>
                        }).collect_view()}
                    </select>
                    {move || error().map(|message| view! { <p id=format!("{service_id}-error") class="field-error">{message}</p> })}
                </div>
            </Show>
        }
    })
}
