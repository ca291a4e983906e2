//! `/response`: by when the first response is due for a ticket one is about to open.

use leptos::prelude::*;

use crate::components::unfinished::Unfinished;
use crate::i18n::t;

#[component]
pub fn Response() -> impl IntoView {
    view! {
        <h1>{t("Expected response", "回答期限の目安")}</h1>
        <Unfinished
            en="The calculator of the first-response deadline needs the shared support rules, which this version does not include yet."
            ja="最初の回答期限の計算には共通のサポートルールが必要ですが、このバージョンにはまだ含まれていません。"
        />
    }
}
