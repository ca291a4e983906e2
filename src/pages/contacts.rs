//! `/contacts`: the account's technical contacts; those allowed add and remove them.

use leptos::prelude::*;

use crate::api::{self, ApiError, Contact, NewContact};
use crate::components::field::{Field, Kind, focus};
use crate::components::signed_out::{ApiProblem, SignedOut};
use crate::i18n::{t, use_i18n};
use crate::session::use_session;
use crate::task::{Call, Fetched};

#[component]
pub fn Contacts() -> impl IntoView {
    let session = use_session();
    view! {
        <h1>{t("Technical contacts", "テクニカルコンタクト")}</h1>
        <p>{t(
            "Technical contacts open tickets for the account. The person registers in the community first; then a contact who may manage contacts adds their email here.",
            "テクニカルコンタクトはアカウントのチケットを作成します。まずご本人がコミュニティに登録し、その後、管理権限を持つコンタクトがここでメールアドレスを追加します。",
        )}</p>
        {move || match session.me() {
            None => view! { <p class="muted">{t("Loading…", "読み込み中…")}</p> }.into_any(),
            Some(Err(ApiError::SignedOut)) => view! { <SignedOut/> }.into_any(),
            Some(Err(error)) => view! { <p class="status-error" role="alert">{error.to_string()}</p> }.into_any(),
            Some(Ok(me)) => view! { <ContactList can_manage=me.can_manage_contacts/> }.into_any(),
        }}
    }
}

#[component]
fn ContactList(can_manage: bool) -> impl IntoView {
    let i = use_i18n();
    let contacts = Fetched::new(api::contacts);
    let remove = Call::new(|id: &i64| api::remove_contact(*id));
    let toggle = Call::new(|(id, value): &(i64, bool)| api::set_can_manage(*id, *value));
    Effect::new(move |_| {
        if remove.value().get().is_some() || toggle.value().get().is_some() {
            contacts.refetch();
        }
    });
    let row = move |contact: Contact| {
        let id = contact.id;
        let manages = contact.can_manage_contacts;
        view! {
            <li class="contact">
                <span>{contact.email.clone()} {(!contact.name.is_empty()).then(|| format!(" ({})", contact.name))}
                    {(!contact.can_sign_in).then(|| view! { <span class="muted">{t(" · cannot sign in yet", " · まだサインインできません")}</span> })}</span>
                {if can_manage {
                    view! {
                        <label>
                            <input type="checkbox" prop:checked=manages on:change=move |_| { toggle.dispatch((id, !manages)); }/>
                            {t(" may manage contacts", " コンタクトを管理できる")}
                        </label>
                        <button type="button" on:click=move |_| { remove.dispatch(id); }>
                            {t("Remove", "削除")}
                            <span class="visually-hidden">" " {contact.email.clone()}</span>
                        </button>
                    }
                    .into_any()
                } else {
                    manages.then(|| i.t(" · manages contacts", " · 管理権限あり")).into_any()
                }}
            </li>
        }
    };
    view! {
        {move || match contacts.get() {
            None => view! { <p class="muted">{t("Loading contacts…", "読み込み中…")}</p> }.into_any(),
            Some(Err(error)) => view! { <ApiProblem error=error/> }.into_any(),
            Some(Ok(list)) => view! {
                <ul class="contact-list">
                    {list.into_iter().map(row).collect_view()}
                </ul>
            }
            .into_any(),
        }}
        {move || remove.value().get().and_then(Result::err).or_else(|| toggle.value().get().and_then(Result::err))
            .map(|e| view! { <p class="status-error" role="alert">{e.to_string()}</p> })}
        {can_manage.then(|| view! { <AddContact on_added=move || contacts.refetch()/> })}
    }
}

#[component]
fn AddContact(on_added: impl Fn() + Copy + 'static) -> impl IntoView {
    let i = use_i18n();
    let email = RwSignal::new(String::new());
    let manages = RwSignal::new(false);
    let error = RwSignal::new(None::<String>);
    let add = Call::new(|contact: &NewContact| api::add_contact(contact.clone()));
    Effect::new(move |_| match add.value().get() {
        Some(Ok(_)) => {
            email.set(String::new());
            error.set(None);
            on_added();
        }
        Some(Err(problem)) => {
            let message = match &problem {
                ApiError::Problem { errors, .. } => errors
                    .iter()
                    .find(|e| e.field == "email")
                    .map(|e| e.text(i.lang()))
                    .unwrap_or_else(|| problem.to_string()),
                other => other.to_string(),
            };
            error.set(Some(message));
            focus("email");
        }
        None => {}
    });
    view! {
        <form class="form" on:submit=move |event| {
            event.prevent_default();
            let value = email.get().trim().to_owned();
            if !value.contains('@') {
                error.set(Some(i.t("Enter the person's email address.", "メールアドレスを入力してください。").to_owned()));
                focus("email");
                return;
            }
            add.dispatch(NewContact { email: value, can_manage_contacts: manages.get() });
        }>
            <h2>{t("Add a contact", "コンタクトを追加")}</h2>
            <Field id="email" en="Email" ja="メールアドレス" kind=Kind::Line value=email error=error required=true/>
            <label class="checkbox">
                <input type="checkbox" bind:checked=manages/>
                {t(" May manage contacts", " コンタクトを管理できる")}
            </label>
            <button type="submit" class="primary" disabled=move || add.pending().get()>{t("Add", "追加")}</button>
        </form>
    }
}
