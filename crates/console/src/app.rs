//! The frame: header, sign-in, and the gate that lets only engineers in. Nothing but the
//! session is asked for until the person is known to be an engineer.

use leptos::prelude::*;
use support_api::{Credentials, Me, Role};
use support_spa::api::{self, ApiError};
use support_spa::i18n::{Lang, provide_i18n, t, use_i18n};
use support_spa::session::{provide_session, use_session};
use support_spa::task::Call;
use support_spa::{policy, prefs};

use crate::clock;
use crate::keys::focus;
use crate::pages;
use crate::route::{self, Page, use_location};

/// Who is at the console.
#[derive(Debug, Clone, PartialEq)]
enum Gate {
    Loading,
    SignedOut,
    Customer,
    Engineer(Me),
    Failed(String),
}

#[component]
pub fn Console() -> impl IntoView {
    provide_i18n();
    clock::provide_clock();
    prefs::provide_prefs();
    provide_session();
    route::provide_location();
    let session = use_session();
    let gate = Memo::new(move |_| match session.me() {
        None => Gate::Loading,
        Some(Ok(me)) if me.role == Role::Engineer => Gate::Engineer(me),
        Some(Ok(_)) => Gate::Customer,
        Some(Err(ApiError::SignedOut)) => Gate::SignedOut,
        Some(Err(error)) => Gate::Failed(error.to_string()),
    });
    view! {
        <a class="skip-link" href="#main">{t("Skip to content", "本文へ移動")}</a>
        <Header gate=gate/>
        <main id="main" class="page console" tabindex="-1">
            {move || match gate.get() {
                Gate::Loading => view! { <p class="muted" role="status">{t("Loading…", "読み込み中…")}</p> }.into_any(),
                Gate::SignedOut => view! { <SignIn/> }.into_any(),
                Gate::Customer => view! { <ForEngineers/> }.into_any(),
                Gate::Engineer(me) => view! { <Engineer me=me/> }.into_any(),
                Gate::Failed(error) => view! { <p class="status-error" role="alert">{error}</p> }.into_any(),
            }}
        </main>
    }
}

#[component]
fn Header(gate: Memo<Gate>) -> impl IntoView {
    let i = use_i18n();
    let session = use_session();
    let location = use_location();
    let sign_out = Call::new(|_: &()| api::sign_out());
    Effect::new(move |_| {
        if sign_out.value().get().is_some() {
            session.refresh();
        }
    });
    let current = move |page: Page| {
        move || {
            let shown = location.page();
            (shown == page || matches!((shown, page), (Page::Ticket(_), Page::Queue)))
                .then_some("page")
        }
    };
    view! {
        <header class="site-header">
            <a href="/console/" class="brand">{t("Support console", "サポートコンソール")}</a>
            {move || matches!(gate.get(), Gate::Engineer(_)).then(|| view! {
                <nav aria-label=t("Console", "コンソール")>
                    <ul>
                        <li><a href="/console/" aria-current=current(Page::Queue)>{t("Queue", "キュー")}</a></li>
                        <li><a href="/console/report" aria-current=current(Page::Report)>{t("Report", "レポート")}</a></li>
                    </ul>
                </nav>
            })}
            {move || session.signed_in().map(|me| view! {
                <span class="who">{me.person.name}</span>
                <button type="button" class="secondary" on:click=move |_| sign_out.dispatch(())>
                    {move || i.t("Sign out", "サインアウト")}
                </button>
            })}
            <LanguageSwitch/>
        </header>
    }
}

#[component]
fn LanguageSwitch() -> impl IntoView {
    let i = use_i18n();
    let button = move |lang: Lang, label: &'static str| {
        view! {
            <button
                type="button"
                lang=lang.code()
                aria-pressed=move || (i.lang() == lang).to_string()
                on:click=move |_| i.set(lang)
            >
                {label}
            </button>
        }
    };
    view! {
        <div class="lang-switch" role="group" aria-label=t("Language", "言語")>
            {button(Lang::En, "English")}
            {button(Lang::Ja, "日本語")}
        </div>
    }
}

/// The console's pages, for an engineer. The policy (for the SLA clock and the names of
/// severities and types) is fetched from here on.
#[component]
fn Engineer(me: Me) -> impl IntoView {
    policy::provide_policy();
    provide_context(me);
    let location = use_location();
    let i = use_i18n();
    let page = Memo::new(move |_| location.page());
    // The tab is named after the page, and the focus moves to it after a navigation.
    Effect::new(move |previous: Option<Page>| {
        let shown = page.get();
        let title = match shown {
            Page::Queue => i.t("Queue", "キュー").to_owned(),
            Page::Report => i.t("Report", "レポート").to_owned(),
            Page::Ticket(id) => format!("{} #{id}", i.t("Ticket", "チケット")),
            Page::NotFound => i.t("Not found", "見つかりません").to_owned(),
        };
        document().set_title(&format!(
            "{title} · {}",
            i.t("Support console", "サポートコンソール")
        ));
        if previous.is_some_and(|previous| previous != shown) {
            request_animation_frame(|| focus("main"));
        }
        shown
    });
    move || match page.get() {
        Page::Queue => view! { <pages::queue::QueuePage/> }.into_any(),
        Page::Ticket(id) => view! { <pages::ticket::TicketPage id=id/> }.into_any(),
        Page::Report => view! { <pages::report::ReportPage/> }.into_any(),
        Page::NotFound => view! {
            <h1>{t("Not found", "見つかりません")}</h1>
            <p><a href="/console/">{t("To the queue", "キューへ")}</a></p>
        }
        .into_any(),
    }
}

/// A customer (signed in) is told whose console this is; nothing else is fetched.
#[component]
fn ForEngineers() -> impl IntoView {
    view! {
        <h1>{t("Support console", "サポートコンソール")}</h1>
        <p class="notice" id="for-engineers">
            {t(
                "This console is for support engineers. Your tickets and their answers are on your support pages: ",
                "このコンソールはサポートエンジニア専用です。お客様のチケットと回答はサポートページでご覧いただけます: ",
            )}
            <a href="/tickets">{t("My tickets", "マイチケット")}</a>
        </p>
    }
}

#[component]
fn SignIn() -> impl IntoView {
    let i = use_i18n();
    let session = use_session();
    let email = RwSignal::new(String::new());
    let password = RwSignal::new(String::new());
    let call = Call::new(|credentials: &Credentials| api::sign_in(credentials.clone()));
    Effect::new(move |_| {
        if matches!(call.value().get(), Some(Ok(()))) {
            session.refresh();
        }
    });
    let submit = move |event: leptos::ev::SubmitEvent| {
        event.prevent_default();
        call.dispatch(Credentials {
            email: email.get_untracked(),
            password: password.get_untracked(),
        });
    };
    view! {
        <h1>{t("Sign in to the support console", "サポートコンソールにサインイン")}</h1>
        <p>{t("For support engineers.", "サポートエンジニア専用です。")}</p>
        <form class="form" on:submit=submit>
            <div class="field">
                <label for="signin-email">{t("Email", "メールアドレス")}</label>
                <input id="signin-email" type="email" autocomplete="username" required
                    prop:value=move || email.get() on:input=move |e| email.set(event_target_value(&e))/>
            </div>
            <div class="field">
                <label for="signin-password">{t("Password", "パスワード")}</label>
                <input id="signin-password" type="password" autocomplete="current-password" required
                    prop:value=move || password.get() on:input=move |e| password.set(event_target_value(&e))/>
            </div>
            {move || match call.value().get() {
                Some(Err(error)) => Some(view! {
                    <p class="status-error" role="alert">
                        {if matches!(error, ApiError::Problem { kind: support_api::ProblemType::WrongCredentials, .. }) {
                            i.t("Wrong email or password.", "メールアドレスまたはパスワードが違います。").to_owned()
                        } else {
                            error.to_string()
                        }}
                    </p>
                }),
                _ => None,
            }}
            <button type="submit" class="primary" disabled=move || call.pending().get()>{t("Sign in", "サインイン")}</button>
        </form>
    }
}
