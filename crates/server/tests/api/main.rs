//! API tests: each starts the real app on 127.0.0.1 and talks HTTP to it. Every test runs
//! twice, on SQLite and on PostgreSQL (`on_both!`).

/// Makes `sqlite::NAME` and `postgres::NAME` tests of each `async fn NAME(Backend)`.
macro_rules! on_both {
    ($($name:ident),+ $(,)?) => {
        mod sqlite {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $name() {
                    super::$name(crate::helpers::Backend::Sqlite).await;
                }
            )+
        }
        mod postgres {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $name() {
                    if crate::helpers::postgres_ready().await {
                        super::$name(crate::helpers::Backend::Postgres).await;
                    }
                }
            )+
        }
    };
}

mod contacts;
mod errors;
mod health;
mod helpers;
mod openapi;
mod policy;
mod robustness;
mod session;
mod shutdown;
mod spa;
mod tickets;
