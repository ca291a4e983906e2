//! Sign-in sessions: the cookie holds a random token, the table only its SHA-256.

use crate::db::{Db, to_micros};

pub async fn create(
    db: &Db,
    token_hash: &str,
    person_id: i64,
    now: jiff::Timestamp,
    expires: jiff::Timestamp,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO sessions (token_hash, person_id, created_at, expires_at) \
         VALUES ($1, $2, $3, $4)",
    )
    .bind(token_hash)
    .bind(person_id)
    .bind(to_micros(now))
    .bind(to_micros(expires))
    .execute(db.writer())
    .await?;
    Ok(())
}

/// Forgets the sessions that have expired.
pub async fn delete_expired(db: &Db, now: jiff::Timestamp) -> Result<u64, sqlx::Error> {
    let result = sqlx::query("DELETE FROM sessions WHERE expires_at <= $1")
        .bind(to_micros(now))
        .execute(db.writer())
        .await?;
    Ok(result.rows_affected())
}

pub async fn delete(db: &Db, token_hash: &str) -> Result<(), sqlx::Error> {
    sqlx::query("DELETE FROM sessions WHERE token_hash = $1")
        .bind(token_hash)
        .execute(db.writer())
        .await?;
    Ok(())
}

/// Ends every session of a person (after a password reset).
pub async fn delete_for_person(db: &Db, person_id: i64) -> Result<(), sqlx::Error> {
    sqlx::query("DELETE FROM sessions WHERE person_id = $1")
        .bind(person_id)
        .execute(db.writer())
        .await?;
    Ok(())
}
