//! The frame of every page: header with navigation and language switch, and the router.

use leptos::prelude::*;

use crate::components::field::focus;
use crate::i18n::{Lang, provide_i18n, t, use_i18n};
use crate::router::{self, Bundle, NavLink, Route, use_location};
use crate::session::use_session;
use crate::{clock, policy, prefs, session};

/// The frame of an app's pages: the header, and the page `page` gives for the address.
/// `bundle` is the app: a link to a page of the other app loads that app.
#[component]
pub fn Frame(bundle: Bundle, page: fn(Option<Route>) -> AnyView) -> impl IntoView {
    provide_i18n();
    clock::provide_clock();
    prefs::provide_prefs();
    session::provide_session();
    policy::provide_policy();
    let location = router::provide_location(bundle);
    // A new page only when the address names another page: a page follows its own query.
    let page_route = Memo::new(move |_| location.route().map(|route| route.page()));
    view! {
        <a class="skip-link" href="#main">{t("Skip to content", "本文へ移動")}</a>
        <Header/>
        <AnnounceNavigation/>
        <main id="main" class="page" tabindex="-1">
            {move || page(page_route.get())}
        </main>
    }
}

#[component]
fn Header() -> impl IntoView {
    let i = use_i18n();
    let session = use_session();
    view! {
        <header class="site-header">
            <NavLink to=Route::Overview class="brand">
                {t("Support", "サポート")}
            </NavLink>
            <nav aria-label=t("Main", "メイン")>
                <ul>
                    <li><NavLink to=Route::Options>{t("Options", "サポート窓口")}</NavLink></li>
                    <li><NavLink to=Route::Availability>{t("Availability", "対応状況")}</NavLink></li>
                    <li><NavLink to=Route::Response>{t("Response time", "回答期限")}</NavLink></li>
                    <li><NavLink to=Route::NEW_TICKET>{t("New ticket", "チケット作成")}</NavLink></li>
                    <li><NavLink to=Route::TICKETS>{t("My tickets", "マイチケット")}</NavLink></li>
                    <li><NavLink to=Route::Contacts>{t("Contacts", "技術担当者")}</NavLink></li>
                    <li>
                        <NavLink to=Route::SignIn>
                            {move || match session.signed_in() {
                                Some(me) => me.person.name,
                                None => i.t("Sign in", "サインイン").to_owned(),
                            }}
                        </NavLink>
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
    let location = use_location();
    let i = use_i18n();
    Effect::new(move |previous: Option<String>| {
        let path = location.path();
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
