//! What the API tests (`tests/api`) and the reliability tests (`tests/reliability`) share: the
//! two databases, a fresh PostgreSQL database per test, and the `on_both!` macro.
//!
//! PostgreSQL: `SUPPORT_TEST_PG` is the server's base URL (default
//! `postgres://postgres@127.0.0.1:5432`); each test creates a database of its own there and
//! drops it afterwards. When the server is unreachable the PostgreSQL tests fail if `CI` or
//! `SUPPORT_TEST_REQUIRE_PG` is set (as `cargo xtask test` sets it), and otherwise say loudly
//! that they were skipped.

use sqlx::Connection;

pub mod maildev;
pub mod sse;

/// Makes `sqlite::NAME` and `postgres::NAME` tests of each `async fn NAME(Backend)` in scope.
macro_rules! on_both {
    ($($name:ident),+ $(,)?) => {
        mod sqlite {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $name() {
                    super::$name(crate::common::Backend::Sqlite).await;
                }
            )+
        }
        mod postgres {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $name() {
                    if crate::common::postgres_ready().await {
                        super::$name(crate::common::Backend::Postgres).await;
                    }
                }
            )+
        }
    };
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// The password of every person the tests make.
pub const PASSWORD: &str = "correct horse battery staple";

pub fn pg_base() -> String {
    std::env::var("SUPPORT_TEST_PG")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432".to_owned())
        .trim_end_matches('/')
        .to_owned()
}

/// Is PostgreSQL there? When it is not and it is required, this fails the test.
pub async fn postgres_ready() -> bool {
    match sqlx::PgConnection::connect(&format!("{}/postgres", pg_base())).await {
        Ok(connection) => {
            let _ = connection.close().await;
            true
        }
        Err(error) => {
            let required = std::env::var_os("CI").is_some()
                || std::env::var_os("SUPPORT_TEST_REQUIRE_PG").is_some();
            assert!(
                !required,
                "PostgreSQL at {} is required (CI / SUPPORT_TEST_REQUIRE_PG) but unreachable: {error}",
                pg_base()
            );
            eprintln!(
                "SKIPPED: PostgreSQL at {} is unreachable ({error}); set SUPPORT_TEST_PG",
                pg_base()
            );
            false
        }
    }
}

/// Sixteen random hex digits, for names that must not collide between tests.
pub fn random_hex() -> String {
    let mut bytes = [0u8; 8];
    getrandom::fill(&mut bytes).expect("random bytes");
    hex::encode(bytes)
}

/// A PostgreSQL database of one test's own, dropped (with its connections) with this value.
pub struct PgDatabase {
    pub url: String,
    name: String,
}

impl PgDatabase {
    /// Creates `PREFIX_<random>`.
    pub async fn create(prefix: &str) -> PgDatabase {
        let name = format!("{prefix}_{}", random_hex());
        let mut connection = sqlx::PgConnection::connect(&format!("{}/postgres", pg_base()))
            .await
            .expect("connect to PostgreSQL");
        sqlx::raw_sql(sqlx::AssertSqlSafe(format!("CREATE DATABASE \"{name}\"")))
            .execute(&mut connection)
            .await
            .expect("create a test database");
        let _ = connection.close().await;
        PgDatabase {
            url: format!("{}/{name}", pg_base()),
            name,
        }
    }
}

impl Drop for PgDatabase {
    fn drop(&mut self) {
        let name = self.name.clone();
        // The test's runtime is shutting down or busy: drop on a runtime of our own.
        let _ = std::thread::spawn(move || {
            let Ok(runtime) = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
            else {
                return;
            };
            runtime.block_on(async {
                if let Ok(mut connection) =
                    sqlx::PgConnection::connect(&format!("{}/postgres", pg_base())).await
                {
                    let _ = sqlx::raw_sql(sqlx::AssertSqlSafe(format!(
                        "DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)"
                    )))
                    .execute(&mut connection)
                    .await;
                }
            });
        })
        .join();
    }
}
