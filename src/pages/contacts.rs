//! `/contacts`: the account's technical contacts; those allowed add and remove them.

use leptos::prelude::*;
use support_api::{Contact, ContactChange, ContactList, NewContact};

use crate::api::{self, ApiError, FieldErrorText};
use crate::components::field::{Field, Kind, focus};
use crate::components::loaded::loaded;
use crate::i18n::{t, use_i18n};
use crate::session::use_session;
use crate::task::{Call, Fetched, live_row};

#[component]
pub fn Contacts() -> impl IntoView {
    let session = use_session();
    view! {
        <h1>{t("Technical contacts", "テクニカルコンタクト")}</h1>
        <p>{t(
            "Technical contacts open tickets for the account. The person registers in the community first; then a contact who may manage contacts adds their email here.",
            "テクニカルコンタクトはアカウントのチケットを作成します。まずご本人がコミュニティに登録し、その後、管理権限を持つコンタクトがここでメールアドレスを追加します。",
        )}</p>
        {loaded(
            session.fetched(),
            (" to see your account's contacts.", "するとアカウントのコンタクトを表示できます。"),
            move || {
                let can_manage = Memo::new(move |_| session.signed_in().is_some_and(|me| me.can_manage_contacts));
                view! { <AccountContacts can_manage=can_manage/> }.into_any()
            },
        )}
    }
}

type People = Fetched<Result<ContactList, ApiError>>;

/// The contacts, and for a contact who may manage them, the form that adds one.
#[component]
fn AccountContacts(can_manage: Memo<bool>) -> impl IntoView {
    let people: People = Fetched::new(api::contacts);
    let remove = Call::new(|id: &i64| api::remove_contact(*id));
    let toggle = Call::new(|(id, value): &(i64, bool)| {
        api::change_contact(
            *id,
            ContactChange {
                is_contact: None,
                can_manage_contacts: Some(*value),
            },
        )
    });
    remove.refetches(people);
    toggle.refetches(people);
    let rows = move || {
        people
            .with_ok(|list| {
                list.contacts
                    .iter()
                    .filter(|person| person.is_contact)
                    .cloned()
                    .collect::<Vec<_>>()
            })
            .unwrap_or_default()
    };
    // The form first: the list below it grows when it arrives, and moves nothing.
    view! {
        {move || can_manage.get().then(|| view! { <AddContact on_added=move || people.refetch()/> })}
        {loaded(people, (" again.", "し直してください。"), move || view! {
            <ul class="contact-list">
                <For each=rows key=|contact| contact.id let:contact>
                    <ContactRow contact=contact people=people can_manage=can_manage remove=remove toggle=toggle/>
                </For>
            </ul>
        }.into_any())}
        {move || remove.value().get().and_then(Result::err).or_else(|| toggle.value().get().and_then(Result::err))
            .map(|e| view! { <p class="status-error" role="alert">{e.to_string()}</p> })}
    }
}

#[component]
fn ContactRow(
    contact: Contact,
    people: People,
    can_manage: Memo<bool>,
    remove: Call<i64, Result<(), ApiError>>,
    toggle: Call<(i64, bool), Result<Contact, ApiError>>,
) -> impl IntoView {
    let i = use_i18n();
    let id = contact.id;
    let find = move || {
        people
            .with_ok(|list| list.contacts.iter().find(|c| c.id == id).cloned())
            .flatten()
    };
    let contact = live_row(contact, find);
    // Read from each answer itself, not from the row: a change the server refused leaves
    // the row as it was, and the box the visitor clicked must show that again.
    let manages = move || {
        people
            .with_ok(|list| {
                list.contacts
                    .iter()
                    .find(|c| c.id == id)
                    .map(|c| c.can_manage_contacts)
            })
            .flatten()
            .unwrap_or_else(|| contact.with_untracked(|c| c.can_manage_contacts))
    };
    let email = move || contact.with(|c| c.email.clone());
    view! {
        <li class="contact">
            <span>
                {email}
                {move || contact.with(|c| (!c.name.is_empty()).then(|| format!(" ({})", c.name)))}
                {move || contact.with(|c| !c.can_sign_in).then(|| view! { <span class="muted">{t(" · cannot sign in yet", " · まだサインインできません")}</span> })}
            </span>
            {move || if can_manage.get() {
                view! {
                    <label>
                        <input type="checkbox" prop:checked=manages on:change=move |event| {
                            toggle.dispatch((id, event_target_checked(&event)));
                        }/>
                        {t(" may manage contacts", " コンタクトを管理できる")}
                        <span class="visually-hidden">" " {email}</span>
                    </label>
                    <button type="button" on:click=move |_| { remove.dispatch(id); }>
                        {t("Remove", "削除")}
                        <span class="visually-hidden">" " {email}</span>
                    </button>
                }
                .into_any()
            } else {
                (move || manages().then(|| i.t(" · manages contacts", " · 管理権限あり"))).into_any()
            }}
        </li>
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
            add.dispatch(NewContact { email: value, name: None, is_contact: true, can_manage_contacts: manages.get(), language: None });
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
