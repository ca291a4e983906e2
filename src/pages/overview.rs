//! `/`: where to go for what.

use leptos::prelude::*;
use leptos_router::components::A;

use crate::components::server_status::ServerStatus;
use crate::i18n::use_i18n;

#[component]
pub fn Overview() -> impl IntoView {
    let i = use_i18n();
    view! {
        <h1>{move || i.t("Technical support", "テクニカルサポート")}</h1>
        <p class="lead">
            {move || i.t(
                "When the documentation does not solve your problem, our support team will. See when we are staffed, by when we answer, and open a ticket.",
                "ドキュメントで問題が解決しないときは、サポートチームがお手伝いします。対応時間と回答期限を確認して、チケットを作成してください。",
            )}
        </p>
        <ServerStatus/>
        <ul class="cards">
            <li>
                <h2><A href="/options">{move || i.t("Support options", "サポート窓口")}</A></h2>
                <p>{move || i.t("Ticket types, severities, phone numbers and who may submit.", "チケットの種類、重要度、電話番号、チケットを送信できる人。")}</p>
            </li>
            <li>
                <h2><A href="/availability">{move || i.t("Availability now", "現在の対応状況")}</A></h2>
                <p>{move || i.t("Whether support is staffed right now, and the next 7 days.", "現在サポートが対応中かどうかと、今後7日間の予定。")}</p>
            </li>
            <li>
                <h2><A href="/response">{move || i.t("Expected response", "回答期限の目安")}</A></h2>
                <p>{move || i.t("By when you can expect a first response.", "最初の回答が届く期限。")}</p>
            </li>
            <li>
                <h2><A href="/tickets/new">{move || i.t("Open a ticket", "チケットを作成")}</A></h2>
                <p>{move || i.t("For technical contacts of a subscribed account.", "サブスクリプションのテクニカルコンタクト向け。")}</p>
            </li>
        </ul>
    }
}
