//! The database: SQLite (the embedded default) or PostgreSQL, chosen by the URL's scheme, used
//! through `sqlx::Any` so that every query is written once and behaves alike on both.
//!
//! Portable SQL only: `$N` parameters (SQLite reads them too), integers for instants
//! (microseconds since the epoch) and for booleans (0/1), `RETURNING` for new ids.

use std::path::PathBuf;
use std::str::FromStr;
use std::sync::Arc;
use std::time::Duration;

use sqlx::any::{AnyConnectOptions, AnyPoolOptions};
use sqlx::migrate::Migrator;
use sqlx::{AnyPool, Executor};

static SQLITE_MIGRATIONS: Migrator = sqlx::migrate!("./migrations/sqlite");
static POSTGRES_MIGRATIONS: Migrator = sqlx::migrate!("./migrations/postgres");

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

#[derive(Debug, thiserror::Error)]
pub enum DbError {
    #[error(
        "DATABASE_URL `{0}` is neither sqlite://PATH nor postgres://...; the default is sqlite://data/support.db"
    )]
    UnknownScheme(String),
    #[error("cannot create the database folder {}: {source}", path.display())]
    Folder {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("cannot open the database: {0}")]
    Connect(#[source] sqlx::Error),
    #[error("cannot apply the database migrations: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
}

/// The database: its connection pools and which database is behind them. The store picks the
/// pool of each query; nothing else needs to know that SQLite has a single writer.
#[derive(Debug, Clone)]
pub struct Db {
    /// For reads.
    pool: AnyPool,
    /// For writes. On SQLite one connection, so writers queue in the pool instead of
    /// sleeping in SQLite's busy handler (which makes latency spike under load); on PostgreSQL
    /// the same pool as `pool`.
    writer: AnyPool,
    backend: Backend,
    /// PostgreSQL's URL, for the connection that listens for new timeline entries.
    url: Arc<str>,
    /// Raised after a commit that appended timeline entries, for this process's live updates
    /// (other processes hear of it through PostgreSQL's NOTIFY).
    appended: Arc<tokio::sync::Notify>,
}

impl Db {
    /// Opens the database (creating an SQLite file and its folder when missing) and brings
    /// its schema up to date.
    pub async fn connect(url: &str) -> Result<Self, DbError> {
        sqlx::any::install_default_drivers();
        let (backend, url) = if let Some(path) = url
            .strip_prefix("sqlite://")
            .or_else(|| url.strip_prefix("sqlite:"))
        {
            let file = path.split('?').next().unwrap_or(path);
            if let Some(folder) = PathBuf::from(file).parent()
                && !folder.as_os_str().is_empty()
            {
                std::fs::create_dir_all(folder).map_err(|source| DbError::Folder {
                    path: folder.to_path_buf(),
                    source,
                })?;
            }
            let url = if path.contains("mode=") {
                url.to_owned()
            } else if path.contains('?') {
                format!("{url}&mode=rwc")
            } else {
                format!("{url}?mode=rwc")
            };
            (Backend::Sqlite, url)
        } else if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            (Backend::Postgres, url.to_owned())
        } else {
            return Err(DbError::UnknownScheme(url.to_owned()));
        };
        let options = AnyConnectOptions::from_str(&url).map_err(DbError::Connect)?;
        let listen_url: Arc<str> = match backend {
            Backend::Postgres => Arc::from(url.as_str()),
            Backend::Sqlite => Arc::from(""),
        };
        let (pool, writer) = match backend {
            Backend::Sqlite => {
                let writer = sqlite_pool(1)
                    .connect_with(options.clone())
                    .await
                    .map_err(DbError::Connect)?;
                let pool = sqlite_pool(8)
                    .connect_with(options)
                    .await
                    .map_err(DbError::Connect)?;
                (pool, writer)
            }
            Backend::Postgres => {
                let pool = AnyPoolOptions::new()
                    .max_connections(16)
                    .acquire_timeout(Duration::from_secs(10))
                    .connect_with(options)
                    .await
                    .map_err(DbError::Connect)?;
                (pool.clone(), pool)
            }
        };
        match backend {
            Backend::Sqlite => SQLITE_MIGRATIONS.run(&writer).await?,
            Backend::Postgres => POSTGRES_MIGRATIONS.run(&writer).await?,
        }
        Ok(Self {
            pool,
            writer,
            backend,
            url: listen_url,
            appended: Arc::new(tokio::sync::Notify::new()),
        })
    }
}

impl Db {
    /// The pool for reads (the store's, and the tests' and operator checks' own SQL).
    pub fn reader(&self) -> &AnyPool {
        &self.pool
    }

    /// The pool every write goes through (on SQLite its single connection).
    pub fn writer(&self) -> &AnyPool {
        &self.writer
    }

    pub fn backend(&self) -> Backend {
        self.backend
    }

    /// The PostgreSQL URL this handle connected to (empty for SQLite).
    pub fn postgres_url(&self) -> &str {
        &self.url
    }

    /// The store calls this after committing timeline entries.
    pub fn entries_committed(&self) {
        self.appended.notify_one();
    }

    /// Completes after the next [`Db::entries_committed`] (or at once if one came since the
    /// last wait): the live updates' pump waits on it.
    pub async fn entries_committed_signal(&self) {
        self.appended.notified().await;
    }
}

fn sqlite_pool(size: u32) -> AnyPoolOptions {
    AnyPoolOptions::new()
        .max_connections(size)
        .acquire_timeout(Duration::from_secs(30))
        .after_connect(|connection, _| {
            Box::pin(async move {
                // WAL lets readers go on while one writer commits; synchronous=FULL makes each
                // commit durable before the answer leaves.
                connection
                    .execute(sqlx::raw_sql(
                        "PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL; \
                         PRAGMA foreign_keys = ON; PRAGMA busy_timeout = 10000;",
                    ))
                    .await?;
                Ok(())
            })
        })
}

/// An instant as stored: microseconds since the Unix epoch.
pub fn to_micros(at: jiff::Timestamp) -> i64 {
    at.as_microsecond()
}

/// The instant of a stored value; out-of-range values (never written by this server) clamp.
pub fn from_micros(micros: i64) -> jiff::Timestamp {
    jiff::Timestamp::from_microsecond(micros).unwrap_or(if micros < 0 {
        jiff::Timestamp::MIN
    } else {
        jiff::Timestamp::MAX
    })
}

pub fn flag(value: bool) -> i64 {
    i64::from(value)
}

/// Is this error the violation of a unique constraint (a concurrent twin got there first)?
pub fn is_unique_violation(error: &sqlx::Error) -> bool {
    matches!(error, sqlx::Error::Database(e) if e.is_unique_violation())
}

/// Now, to the microsecond that the database keeps, so a stored instant reads back unchanged.
pub fn now() -> jiff::Timestamp {
    from_micros(jiff::Timestamp::now().as_microsecond())
}
