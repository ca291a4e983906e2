//! `/signin`: sign in with email and password, or sign out.

use leptos::prelude::*;

use support_api::{Credentials, Me, ProblemType};

use crate::api;
use crate::i18n::{t, use_i18n};
use crate::policy::tel_href;
use crate::router::Route;
use crate::session::use_session;
use crate::task::Call;

#[component]
pub fn SignIn() -> impl IntoView {
    let session = use_session();
    view! {
        <h1>{t("Sign in", "サインイン")}</h1>
        {move || match session.signed_in() {
            Some(me) => view! { <SignedIn me=me/> }.into_any(),
            None => view! { <SignInForm/> }.into_any(),
        }}
    }
}

#[component]
fn SignedIn(me: Me) -> impl IntoView {
    let i = use_i18n();
    let session = use_session();
    let sign_out = Call::new(|_: &()| api::sign_out());
    Effect::new(move |_| {
        if let Some(Ok(())) = sign_out.value().get() {
            session.refresh();
        }
    });
    view! {
        <p id="signed-in-as">{t("Signed in as ", "サインイン中: ")} {me.person.name} " (" {me.person.email} ")"</p>
        <dl class="account">
            {me.account.map(|account| view! {
                <dt>{t("Account", "アカウント")}</dt><dd>{account.name}</dd>
                <dt>{t("Support level", "サポートレベル")}</dt>
                <dd>{account.level.number()} {account.tsm.then(|| i.t(" with a Technical Success Manager", "(テクニカルサクセスマネージャー付き)"))}</dd>
                <dt>{t("Country", "国")}</dt>
                <dd>{account.country}</dd>
            })}
            {me.phone.map(|phone| view! {
                <dt>{t("Support phone", "サポート電話番号")}</dt>
                <dd>
                    <a href=tel_href(&phone.number)>{phone.number.clone()}</a>
                    {phone.toll_free.then(|| i.t(" (toll-free)", "(フリーダイヤル)"))}
                </dd>
            })}
            <dt>{t("Role", "役割")}</dt>
            <dd>{move || if me.is_contact { i.t("technical contact", "テクニカルコンタクト") } else { i.t("not a technical contact: your tickets need approval", "テクニカルコンタクトではありません(チケットには承認が必要です)") }}</dd>
        </dl>
        <button type="button" on:click=move |_| { sign_out.dispatch(()); } disabled=move || sign_out.pending().get()>
            {t("Sign out", "サインアウト")}
        </button>
        {move || {
            sign_out
                .value()
                .get()
                .and_then(Result::err)
                .map(|error| view! { <p class="status-error" role="alert">{error.to_string()}</p> })
        }}
    }
}

#[component]
fn SignInForm() -> impl IntoView {
    let i = use_i18n();
    let session = use_session();
    let email = RwSignal::new(String::new());
    let password = RwSignal::new(String::new());
    let sign_in = Call::new(|credentials: &Credentials| api::sign_in(credentials.clone()));
    Effect::new(move |_| {
        if let Some(Ok(())) = sign_in.value().get() {
            session.refresh();
            crate::router::navigate(&Route::TICKETS);
        }
    });
    let error = move || sign_in.value().get().and_then(Result::err);
    view! {
        <form
            class="form"
            on:submit=move |event| {
                event.prevent_default();
                sign_in.dispatch(Credentials { email: email.get(), password: password.get() });
            }
        >
            <div class="field">
                <label for="email">{t("Email", "メールアドレス")}</label>
                <input id="email" type="email" autocomplete="username" required bind:value=email/>
            </div>
            <div class="field">
                <label for="password">{t("Password", "パスワード")}</label>
                <input id="password" type="password" autocomplete="current-password" required bind:value=password/>
            </div>
            {move || {
                error()
                    .map(|error| {
                        let text = match error.kind() {
                            Some(ProblemType::WrongCredentials) => {
                                i.t("Wrong email or password.", "メールアドレスまたはパスワードが正しくありません。").to_owned()
                            }
                            _ => error.to_string(),
                        };
                        view! { <p id="signin-error" class="status-error" role="alert">{text}</p> }
                    })
            }}
            <button type="submit" class="primary" disabled=move || sign_in.pending().get()>
                {move || if sign_in.pending().get() { i.t("Signing in…", "サインインしています…") } else { i.t("Sign in", "サインイン") }}
            </button>
        </form>
    }
}
