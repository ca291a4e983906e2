//! Request budgets kept in the database, so that every server process on one PostgreSQL
//! counts the same attempts: one row a limiter and key, its fixed window and its count.

use sqlx::Row;

use crate::db::{Db, to_micros};

/// The window a key's count is in, and the count with this request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Counted {
    pub window_start: jiff::Timestamp,
    pub count: i64,
}

/// Counts one request for `key` of `limiter` at `now`, in one atomic statement: a window
/// that started at or before `expired` starts again at `now` with this request.
pub async fn count(
    db: &Db,
    limiter: &str,
    key: &str,
    now: jiff::Timestamp,
    expired: jiff::Timestamp,
) -> Result<Counted, sqlx::Error> {
    let row = sqlx::query(
        "INSERT INTO rate_limit_windows (limiter, key, window_start, count) \
         VALUES ($1, $2, $3, 1) \
         ON CONFLICT (limiter, key) DO UPDATE SET \
         window_start = CASE WHEN rate_limit_windows.window_start <= $4 THEN $3 \
             ELSE rate_limit_windows.window_start END, \
         count = CASE WHEN rate_limit_windows.window_start <= $4 THEN 1 \
             ELSE rate_limit_windows.count + 1 END \
         RETURNING window_start, count",
    )
    .bind(limiter)
    .bind(key)
    .bind(to_micros(now))
    .bind(to_micros(expired))
    .fetch_one(db.writer())
    .await?;
    Ok(Counted {
        window_start: crate::db::from_micros(row.try_get("window_start")?),
        count: row.try_get("count")?,
    })
}

/// Notes that `token` (an idempotency key) is counted for `key` of `limiter`; `false` when it
/// already was: the request is a retry, on this process or another.
pub async fn first_use(
    db: &Db,
    limiter: &str,
    key: &str,
    token: &str,
    now: jiff::Timestamp,
) -> Result<bool, sqlx::Error> {
    let inserted = sqlx::query(
        "INSERT INTO rate_limit_tokens (limiter, key, token, counted_at) VALUES ($1, $2, $3, $4) \
         ON CONFLICT (limiter, key, token) DO NOTHING",
    )
    .bind(limiter)
    .bind(key)
    .bind(token)
    .bind(to_micros(now))
    .execute(db.writer())
    .await?
    .rows_affected();
    Ok(inserted == 1)
}

/// Takes back [`first_use`]: the request was refused, so its retry must be counted.
pub async fn forget_token(
    db: &Db,
    limiter: &str,
    key: &str,
    token: &str,
) -> Result<(), sqlx::Error> {
    sqlx::query("DELETE FROM rate_limit_tokens WHERE limiter = $1 AND key = $2 AND token = $3")
        .bind(limiter)
        .bind(key)
        .bind(token)
        .execute(db.writer())
        .await?;
    Ok(())
}

/// Forgets the windows that started at or before `expired`, and the tokens counted then:
/// they count nothing any more.
pub async fn forget_expired(db: &Db, expired: jiff::Timestamp) -> Result<u64, sqlx::Error> {
    let windows = sqlx::query("DELETE FROM rate_limit_windows WHERE window_start <= $1")
        .bind(to_micros(expired))
        .execute(db.writer())
        .await?
        .rows_affected();
    let tokens = sqlx::query("DELETE FROM rate_limit_tokens WHERE counted_at <= $1")
        .bind(to_micros(expired))
        .execute(db.writer())
        .await?
        .rows_affected();
    Ok(windows + tokens)
}
