//! English and Japanese. Each text of the app sits next to where it is shown, as a pair, so
//! that a reader of a component sees both wordings at once; the texts of the policy (ticket
//! types, severities, ticket fields, services) come from the server in both languages.

use leptos::prelude::*;
use support_rules::LocalText;

use crate::storage;

const KEY: &str = "support.lang";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lang {
    En,
    Ja,
}

impl Lang {
    pub fn code(self) -> &'static str {
        match self {
            Lang::En => "en",
            Lang::Ja => "ja",
        }
    }

    fn from_code(code: &str) -> Option<Self> {
        match code.get(..2)? {
            "en" => Some(Lang::En),
            "ja" => Some(Lang::Ja),
            _ => None,
        }
    }

    /// The saved choice, else the browser's language when we speak it, else English.
    fn initial() -> Self {
        storage::get(KEY)
            .and_then(|code| Lang::from_code(&code))
            .or_else(|| {
                let language = web_sys::window()?.navigator().language()?;
                Lang::from_code(&language)
            })
            .unwrap_or(Lang::En)
    }
}

/// The current language, shared through context.
#[derive(Debug, Clone, Copy)]
pub struct I18n {
    lang: RwSignal<Lang>,
}

impl I18n {
    pub fn lang(self) -> Lang {
        self.lang.get()
    }

    /// Picks the wording for the current language (and tracks it, inside a reactive closure).
    pub fn t(self, en: &'static str, ja: &'static str) -> &'static str {
        match self.lang.get() {
            Lang::En => en,
            Lang::Ja => ja,
        }
    }

    pub fn set(self, lang: Lang) {
        storage::set(KEY, lang.code());
        set_document_lang(lang);
        self.lang.set(lang);
    }
}

fn set_document_lang(lang: Lang) {
    if let Some(root) = document().document_element() {
        let _ = root.set_attribute("lang", lang.code());
    }
}

pub fn provide_i18n() -> I18n {
    let lang = Lang::initial();
    set_document_lang(lang);
    let i18n = I18n {
        lang: RwSignal::new(lang),
    };
    provide_context(i18n);
    i18n
}

pub fn use_i18n() -> I18n {
    expect_context()
}

/// A text that follows the language switch, for a view or an attribute.
///
/// Every call returns the same closure type, so the thousand texts of the app share one
/// instance of Leptos' rendering code instead of one per text (a closure written at each
/// call site would be a type of its own, and the wasm grows with each).
pub fn t(
    en: &'static str,
    ja: &'static str,
) -> impl Fn() -> &'static str + Copy + Send + Sync + 'static {
    let i = use_i18n();
    move || i.t(en, ja)
}

/// A text of the policy (each language's wording comes from the server) that follows the
/// language switch, for a view or an attribute.
pub fn policy_text(text: LocalText) -> impl Fn() -> String + Clone + Send + Sync + 'static {
    let i = use_i18n();
    move || text.get(i.lang().code()).to_owned()
}
