//! The frame of every page: header with navigation and language switch, and the router.

use leptos::prelude::*;
use leptos_router::components::{A, Route, Router, Routes};
use leptos_router::hooks::use_location;
use leptos_router::path;

use crate::components::field::focus;
use crate::i18n::{Lang, provide_i18n, t, use_i18n};
use crate::pages;
use crate::session::use_session;
use crate::{clock, policy, prefs, session};

#[component]
pub fn App() -> impl IntoView {
    provide_i18n();
    clock::provide_clock();
    prefs::provide_prefs();
    session::provide_session();
    policy::provide_policy();
    view! {
        <Router>
            <a class="skip-link" href="#main">{t("Skip to content", "本文へ移動")}</a>
            <Header/>
            <AnnounceNavigation/>
            <main id="main" class="page" tabindex="-1">
                <Routes fallback=|| view! { <pages::not_found::NotFound/> }>
                    <Route path=path!("/") view=pages::overview::Overview/>
                    <Route path=path!("/options") view=pages::options::Options/>
                    <Route path=path!("/availability") view=pages::availability::Availability/>
                    <Route path=path!("/response") view=pages::response::Response/>
                    <Route path=path!("/signin") view=pages::signin::SignIn/>
                    <Route path=path!("/tickets/new") view=pages::new_ticket::NewTicket/>
                    <Route path=path!("/tickets") view=pages::tickets::Tickets/>
                    <Route path=path!("/tickets/:id") view=pages::ticket::Ticket/>
                    <Route path=path!("/contacts") view=pages::contacts::Contacts/>
                </Routes>
            </main>
        </Router>
    }
}

#[component]
fn Header() -> impl IntoView {
    let i = use_i18n();
    let session = use_session();
    view! {
        <header class="site-header">
            <A href="/" exact=true attr:class="brand">
                {t("Support", "サポート")}
            </A>
            <nav aria-label=t("Main", "メイン")>
                <ul>
                    <li><A href="/options">{t("Options", "サポート窓口")}</A></li>
                    <li><A href="/availability">{t("Availability", "対応状況")}</A></li>
                    <li><A href="/response">{t("Response time", "回答期限")}</A></li>
                    <li><A href="/tickets/new">{t("New ticket", "チケット作成")}</A></li>
                    <li><A href="/tickets" exact=true>{t("My tickets", "マイチケット")}</A></li>
                    <li><A href="/contacts">{t("Contacts", "技術担当者")}</A></li>
                    <li>
                        <A href="/signin">
                            {move || match session.signed_in() {
                                Some(me) => me.person.name,
                                None => i.t("Sign in", "サインイン").to_owned(),
                            }}
                        </A>
                    </li>
                </ul>
            </nav>
            <LanguageSwitch/>
        </header>
    }
}

/// After a navigation inside the app, moves the keyboard focus to the new page and names
/// the tab after its heading, as a full page load would.
#[component]
fn AnnounceNavigation() -> impl IntoView {
    let pathname = use_location().pathname;
    let i = use_i18n();
    Effect::new(move |previous: Option<String>| {
        let path = pathname.get();
        i.lang();
        let moved = previous.as_ref().is_some_and(|previous| *previous != path);
        request_animation_frame(move || {
            let heading = document()
                .query_selector("main h1")
                .ok()
                .flatten()
                .and_then(|h1| h1.text_content());
            if let Some(heading) = heading {
                document().set_title(&format!("{heading} · {}", i.t("Support", "サポート")));
            }
            if moved {
                focus("main");
            }
        });
        path
    });
}

/// Two buttons, each labelled in its own language, so a visitor who reads neither the
/// current language nor the other one still finds theirs.
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
