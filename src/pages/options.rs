//! `/options`: the ways to get support and what to bring.

use leptos::prelude::*;
use leptos_router::components::A;

use crate::i18n::use_i18n;

#[component]
pub fn Options() -> impl IntoView {
    let i = use_i18n();
    view! {
        <h1>{move || i.t("Support options", "サポート窓口")}</h1>
        <TicketTypes/>
        <Severities/>
        <section aria-labelledby="channels">
            <h2 id="channels">{move || i.t("How to reach us", "お問い合わせ方法")}</h2>
            <h3>{move || i.t("Web", "Web")}</h3>
            <p>
                {move || i.t("Open a ticket on the ", "")}
                <A href="/tickets/new">{move || i.t("new ticket page", "チケット作成ページ")}</A>
                {move || i.t(
                    ". Every ticket starts here, even an urgent one.",
                    "からチケットを作成してください。緊急の場合も、まずチケットを作成します。",
                )}
            </p>
            <h3>{move || i.t("Phone", "電話")}</h3>
            <p>
                {move || i.t(
                    "For an urgent incident, open the ticket first, then call. Every number reaches the same support team.",
                    "緊急のインシデントは、チケットを作成してからお電話ください。どの番号も同じサポートチームにつながります。",
                )}
            </p>
        </section>
        <WhoMaySubmit/>
        <section aria-labelledby="languages">
            <h2 id="languages">{move || i.t("Languages", "対応言語")}</h2>
            <p>
                {move || i.t(
                    "We always answer in English. Other languages, Japanese among them, on a best-effort basis depending on who is on shift.",
                    "英語では常に対応します。日本語などその他の言語は、担当者の状況に応じて可能な範囲で対応します。",
                )}
            </p>
        </section>
        <TicketContent/>
    }
}

#[component]
fn TicketTypes() -> impl IntoView {
    let i = use_i18n();
    view! {
        <section aria-labelledby="types">
            <h2 id="types">{move || i.t("Ticket types", "チケットの種類")}</h2>
            <dl class="definitions">
                <dt>{move || i.t("Incident", "インシデント")}</dt>
                <dd>{move || i.t(
                    "The platform delivers less than it should: unexpected behaviour, an interruption of service. Answered by severity and support level.",
                    "プラットフォームが期待どおりに動かないとき(予期しない動作、サービスの中断など)。重要度とサポートレベルに応じて対応します。",
                )}</dd>
                <dt>{move || i.t("Question", "質問")}</dt>
                <dd>{move || i.t(
                    "How the platform, or a service you activated, is meant to behave. Answered within the time of a Low incident.",
                    "プラットフォームや有効化したサービスの想定される動作について。重要度「低」のインシデントと同じ期限で回答します。",
                )}</dd>
                <dt>{move || i.t("Request", "リクエスト")}</dt>
                <dd>{move || i.t(
                    "Activate or reconfigure a service from the catalog. Most you can do yourself; some need us, usually together with your team. Each has an indicative delivery time.",
                    "サービスカタログのサービスを有効化または再構成するとき。多くはご自身で操作できますが、一部はサポートが(通常はお客様のチームと一緒に)対応します。サービスごとに提供期間の目安があります。",
                )}</dd>
            </dl>
        </section>
    }
}

#[component]
fn Severities() -> impl IntoView {
    let i = use_i18n();
    view! {
        <section aria-labelledby="severities">
            <h2 id="severities">{move || i.t("Incident severities", "インシデントの重要度")}</h2>
            <p>
                {move || i.t(
                    "You choose the severity when you open the ticket; support may question it and lower it later.",
                    "重要度はチケット作成時にお客様が選択します。サポートが確認のうえ、後で引き下げることがあります。",
                )}
            </p>
            <table class="severity-table">
                <thead>
                    <tr>
                        <th scope="col">{move || i.t("Severity", "重要度")}</th>
                        <th scope="col">{move || i.t("Meaning", "意味")}</th>
                        <th scope="col">{move || i.t("For example", "例")}</th>
                    </tr>
                </thead>
                <tbody>
                    <tr>
                        <th scope="row">{move || i.t("Urgent", "緊急")}</th>
                        <td>{move || i.t(
                            "Complete loss of service, or a major feature wholly unavailable, with no workaround. Production only; not for development or staging.",
                            "サービスが完全に停止している、または主要機能がまったく使えず回避策がない。本番環境のみ(開発・ステージング環境は対象外)。",
                        )}</td>
                        <td>{move || i.t("Your production app returns errors to every user.", "本番アプリがすべてのユーザーにエラーを返す。")}</td>
                    </tr>
                    <tr>
                        <th scope="row">{move || i.t("High", "高")}</th>
                        <td>{move || i.t(
                            "Partial loss of service with a severe business impact and no workaround.",
                            "サービスの一部が停止し、業務への影響が大きく、回避策がない。",
                        )}</td>
                        <td>{move || i.t("Deployments to production fail.", "本番環境へのデプロイが失敗する。")}</td>
                    </tr>
                    <tr>
                        <th scope="row">{move || i.t("Normal", "中")}</th>
                        <td>{move || i.t(
                            "Minor loss of service: an inconvenience that may need a temporary workaround.",
                            "軽微なサービス低下。一時的な回避策が必要になる程度の不便。",
                        )}</td>
                        <td>{move || i.t("A report times out unless you narrow its dates.", "期間を絞らないとレポートがタイムアウトする。")}</td>
                    </tr>
                    <tr>
                        <th scope="row">{move || i.t("Low", "低")}</th>
                        <td>{move || i.t(
                            "No loss of service; the software keeps working.",
                            "サービスの低下はなく、ソフトウェアは通常どおり動作する。",
                        )}</td>
                        <td>{move || i.t("A misleading message in the console.", "コンソールの表示が分かりにくい。")}</td>
                    </tr>
                </tbody>
            </table>
        </section>
    }
}

#[component]
fn WhoMaySubmit() -> impl IntoView {
    let i = use_i18n();
    view! {
        <section aria-labelledby="who">
            <h2 id="who">{move || i.t("Who may submit", "チケットを送信できる人")}</h2>
            <p>{move || i.t(
                "Anyone with an active subscription can ask about the account's tickets. Tickets are opened by the account's technical contacts: people who know your environment and installation.",
                "有効なサブスクリプションをお持ちの方は、アカウントのチケットについて問い合わせできます。チケットを作成するのは、環境やインストールを把握しているアカウントのテクニカルコンタクトです。",
            )}</p>
            <p>{move || i.t(
                "Someone who is not a technical contact may still submit on the account's behalf: the ticket then waits until a technical contact approves it.",
                "テクニカルコンタクト以外の方もアカウントの代理でチケットを送信できます。その場合、テクニカルコンタクトが承認するまでチケットは保留されます。",
            )}</p>
            <p>{move || i.t(
                "An account may have any number of technical contacts. A contact with the right to manage contacts adds a person by their email address (company, personal or a contractor's) on the ",
                "テクニカルコンタクトの人数に制限はありません。管理権限を持つコンタクトが、",
            )}
            <A href="/contacts">{move || i.t("contacts page", "技術担当者ページ")}</A>
            {move || i.t(
                ". Set them up right after subscribing.",
                "でメールアドレス(会社・個人・委託先のいずれも可)を登録して追加します。サブスクリプション開始後すぐの設定をおすすめします。",
            )}</p>
        </section>
    }
}

#[component]
fn TicketContent() -> impl IntoView {
    let i = use_i18n();
    view! {
        <section aria-labelledby="content">
            <h2 id="content">{move || i.t("What a ticket carries", "チケットに記載する内容")}</h2>
            <p>{move || i.t(
                "A precise description lets us start at once. The form asks for:",
                "問題を正確に記載いただくと、すぐに調査を始められます。フォームでは次の項目を入力します。",
            )}</p>
            <ul>
                <li>{move || i.t("a subject and a description of the problem", "件名と問題の説明")}</li>
                <li>{move || i.t("the environment (name or URL) and the platform version", "環境(名前またはURL)とプラットフォームのバージョン")}</li>
                <li>{move || i.t("the impact: who and what is affected", "影響: 誰が、何が影響を受けているか")}</li>
                <li>{move || i.t("the steps to reproduce it", "再現手順")}</li>
                <li>{move || i.t("your preferred language", "希望する言語")}</li>
            </ul>
        </section>
    }
}
