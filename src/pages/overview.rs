//! `/`: where to go for what.

use leptos::prelude::*;

use crate::components::server_status::ServerStatus;
use crate::i18n::t;
use crate::router::Route;

#[component]
pub fn Overview() -> impl IntoView {
    view! {
        <h1>{t("Technical support", "テクニカルサポート")}</h1>
        <p class="lead">
            {t(
                "When the documentation does not solve your problem, our support team will. See when we are staffed, by when we answer, and open a ticket.",
                "ドキュメントで問題が解決しないときは、サポートチームがお手伝いします。対応時間と回答期限を確認して、チケットを作成してください。",
            )}
        </p>
        <ServerStatus/>
        <ul class="cards">
            <li>
                <h2><a href=Route::Options.href()>{t("Support options", "サポート窓口")}</a></h2>
                <p>{t("Ticket types, severities, phone numbers and who may submit.", "チケットの種類、重要度、電話番号、チケットを送信できる人。")}</p>
            </li>
            <li>
                <h2><a href=Route::Availability.href()>{t("Availability now", "現在の対応状況")}</a></h2>
                <p>{t("Whether support is staffed right now, and the next 7 days.", "現在サポートが対応中かどうかと、今後7日間の予定。")}</p>
            </li>
            <li>
                <h2><a href=Route::Response.href()>{t("Expected response", "回答期限の目安")}</a></h2>
                <p>{t("By when you can expect a first response.", "最初の回答が届く期限。")}</p>
            </li>
            <li>
                <h2><a href=Route::NEW_TICKET.href()>{t("Open a ticket", "チケットを作成")}</a></h2>
                <p>{t("For technical contacts of a subscribed account.", "サブスクリプションのテクニカルコンタクト向け。")}</p>
            </li>
        </ul>
    }
}
