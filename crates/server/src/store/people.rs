//! Accounts and the people in them.

use sqlx::Row;
use sqlx::any::AnyRow;
use support_api::{Language, Role};
use support_rules::SupportLevel;

use crate::db::{Db, flag, to_micros};
use crate::domain::{
    Account, AccountName, ContactFlags, Country, Email, Level, Person, PersonName,
};

/// The columns [`person_from_row`] reads, of `people p`.
macro_rules! person_columns {
    () => {
        "p.id, p.account_id, p.role, p.email, p.name, p.is_contact, p.can_manage_contacts, \
         p.password_hash IS NOT NULL AS has_password, p.language, p.account_ticket_mail"
    };
}

fn person_from_row(row: &AnyRow) -> Result<Person, sqlx::Error> {
    let role: String = row.try_get("role")?;
    Ok(Person {
        id: row.try_get("id")?,
        account_id: row.try_get("account_id")?,
        role: Role::from_key(&role)
            .ok_or_else(|| sqlx::Error::Decode(format!("people.role holds `{role}`").into()))?,
        email: row.try_get("email")?,
        name: row.try_get("name")?,
        is_contact: row.try_get::<i64, _>("is_contact")? != 0,
        can_manage_contacts: row.try_get::<i64, _>("can_manage_contacts")? != 0,
        has_password: bool_column(row, "has_password")?,
        language: language_column(row)?,
        account_ticket_mail: row.try_get::<i64, _>("account_ticket_mail")? != 0,
    })
}

/// `people.language`: the CHECK constraint keeps it to the keys of [`Language`].
pub(crate) fn language_column(row: &AnyRow) -> Result<Language, sqlx::Error> {
    let language: String = row.try_get("language")?;
    Language::from_key(&language)
        .ok_or_else(|| sqlx::Error::Decode(format!("people.language holds `{language}`").into()))
}

/// A computed boolean: SQLite gives an integer, PostgreSQL a boolean.
fn bool_column(row: &AnyRow, column: &str) -> Result<bool, sqlx::Error> {
    match row.try_get::<bool, _>(column) {
        Ok(value) => Ok(value),
        Err(_) => Ok(row.try_get::<i64, _>(column)? != 0),
    }
}

/// The CHECK constraint keeps levels to 1-3; anything else is a broken row, not a level 1.
fn level_column(level: i64) -> Result<SupportLevel, sqlx::Error> {
    u8::try_from(level)
        .ok()
        .and_then(|level| SupportLevel::try_from(level).ok())
        .ok_or_else(|| sqlx::Error::Decode(format!("no support level {level}").into()))
}

fn account_from_row(row: &AnyRow, prefix: &str) -> Result<Account, sqlx::Error> {
    let column = |name: &str| format!("{prefix}{name}");
    Ok(Account {
        id: row.try_get(column("id").as_str())?,
        name: row.try_get(column("name").as_str())?,
        level: level_column(row.try_get(column("level").as_str())?)?,
        tsm: row.try_get::<i64, _>(column("tsm").as_str())? != 0,
        country: row.try_get(column("country").as_str())?,
    })
}

/// The person and account (none for an engineer) of a live session, in one query (every
/// signed-in request runs it).
pub async fn by_session(
    db: &Db,
    token_hash: &str,
    now: jiff::Timestamp,
) -> Result<Option<(Person, Option<Account>)>, sqlx::Error> {
    let sql = concat!(
        "SELECT ",
        person_columns!(),
        ", a.name AS account_name, a.level AS account_level, \
         a.tsm AS account_tsm, a.country AS account_country \
         FROM sessions s JOIN people p ON p.id = s.person_id \
         LEFT JOIN accounts a ON a.id = p.account_id \
         WHERE s.token_hash = $1 AND s.expires_at > $2"
    );
    let row = sqlx::query(sql)
        .bind(token_hash)
        .bind(to_micros(now))
        .fetch_optional(db.reader())
        .await?;
    row.map(|row| {
        // `account_id` is the person's column, the account's own id.
        let person = person_from_row(&row)?;
        let account = match person.role {
            Role::Customer => Some(account_from_row(&row, "account_")?),
            Role::Engineer => None,
        };
        Ok((person, account))
    })
    .transpose()
}

/// A person, read through the writer so that a change about to be made sees the latest flags.
pub async fn person(db: &Db, id: i64) -> Result<Option<Person>, sqlx::Error> {
    let sql = concat!(
        "SELECT ",
        person_columns!(),
        " FROM people p WHERE p.id = $1"
    );
    sqlx::query(sql)
        .bind(id)
        .fetch_optional(db.writer())
        .await?
        .as_ref()
        .map(person_from_row)
        .transpose()
}

/// Turns the e-mails of the account's tickets that others filed on or off for a person of
/// the account; `false` when there is no such person.
pub async fn set_account_ticket_mail(
    db: &Db,
    account_id: i64,
    person_id: i64,
    on: bool,
) -> Result<bool, sqlx::Error> {
    let updated =
        sqlx::query("UPDATE people SET account_ticket_mail = $1 WHERE id = $2 AND account_id = $3")
            .bind(flag(on))
            .bind(person_id)
            .bind(account_id)
            .execute(db.writer())
            .await?;
    Ok(updated.rows_affected() == 1)
}

/// The person with this address and their password hash (`None` until one is set).
pub async fn by_email(
    db: &Db,
    email: &Email,
) -> Result<Option<(Person, Option<String>)>, sqlx::Error> {
    let sql = concat!(
        "SELECT ",
        person_columns!(),
        ", p.password_hash FROM people p WHERE p.email_key = $1"
    );
    let row = sqlx::query(sql)
        .bind(email.key())
        .fetch_optional(db.reader())
        .await?;
    row.map(|row| Ok((person_from_row(&row)?, row.try_get("password_hash")?)))
        .transpose()
}

pub struct NewAccount<'a> {
    pub name: &'a AccountName,
    pub level: Level,
    pub tsm: bool,
    pub country: Country,
    pub email: &'a Email,
    pub person_name: &'a PersonName,
    pub password_hash: &'a str,
    pub language: Language,
}

#[derive(Debug, thiserror::Error)]
pub enum AddError {
    #[error("{0} is already in use")]
    EmailTaken(String),
    #[error(transparent)]
    Database(#[from] sqlx::Error),
}

fn map_unique(email: &Email) -> impl FnOnce(sqlx::Error) -> AddError + '_ {
    move |error| {
        if crate::db::is_unique_violation(&error) {
            AddError::EmailTaken(email.to_string())
        } else {
            AddError::Database(error)
        }
    }
}

/// Creates an account with its first person, a contact who may manage contacts.
pub async fn create_account(
    db: &Db,
    new: NewAccount<'_>,
    now: jiff::Timestamp,
) -> Result<(i64, i64), AddError> {
    let mut tx = db.writer().begin().await?;
    let account_id: i64 = sqlx::query_scalar(
        "INSERT INTO accounts (name, level, tsm, country, created_at) \
         VALUES ($1, $2, $3, $4, $5) RETURNING id",
    )
    .bind(new.name.as_str())
    .bind(i64::from(new.level.get()))
    .bind(flag(new.tsm))
    .bind(new.country.code())
    .bind(to_micros(now))
    .fetch_one(&mut *tx)
    .await?;
    let person_id: i64 = sqlx::query_scalar(
        "INSERT INTO people (account_id, email, email_key, name, password_hash, is_contact, \
         can_manage_contacts, created_at, language) \
         VALUES ($1, $2, $3, $4, $5, 1, 1, $6, $7) RETURNING id",
    )
    .bind(account_id)
    .bind(new.email.as_str())
    .bind(new.email.key())
    .bind(new.person_name.as_str())
    .bind(new.password_hash)
    .bind(to_micros(now))
    .bind(new.language.key())
    .fetch_one(&mut *tx)
    .await
    .map_err(map_unique(new.email))?;
    tx.commit().await?;
    Ok((account_id, person_id))
}

/// Creates a support engineer, a person of no account. Returns their id.
pub async fn create_engineer(
    db: &Db,
    email: &Email,
    name: &PersonName,
    password_hash: &str,
    language: Language,
    now: jiff::Timestamp,
) -> Result<i64, AddError> {
    sqlx::query_scalar(
        "INSERT INTO people (account_id, role, email, email_key, name, password_hash, \
         is_contact, can_manage_contacts, created_at, language) \
         VALUES (NULL, 'engineer', $1, $2, $3, $4, 0, 0, $5, $6) RETURNING id",
    )
    .bind(email.as_str())
    .bind(email.key())
    .bind(name.as_str())
    .bind(password_hash)
    .bind(to_micros(now))
    .bind(language.key())
    .fetch_one(db.writer())
    .await
    .map_err(map_unique(email))
}

/// Sets a person's password; `false` when no one has this address.
pub async fn set_password(
    db: &Db,
    email: &Email,
    password_hash: &str,
) -> Result<bool, sqlx::Error> {
    let result = sqlx::query("UPDATE people SET password_hash = $1 WHERE email_key = $2")
        .bind(password_hash)
        .bind(email.key())
        .execute(db.writer())
        .await?;
    Ok(result.rows_affected() == 1)
}

/// The account's technical contacts, in the order they were added.
pub async fn contacts(db: &Db, account_id: i64) -> Result<Vec<Person>, sqlx::Error> {
    let sql = concat!(
        "SELECT ",
        person_columns!(),
        " FROM people p WHERE p.account_id = $1 AND p.is_contact = 1 \
         ORDER BY p.id"
    );
    sqlx::query(sql)
        .bind(account_id)
        .fetch_all(db.reader())
        .await?
        .iter()
        .map(person_from_row)
        .collect()
}

/// Adds a new person to the account, without a password until one is set
/// (`support-server admin reset-password`). Serialised with the account's other contact
/// changes, like [`change_flags`].
pub async fn add_person(
    db: &Db,
    account_id: i64,
    actor_id: i64,
    new: &NewPerson<'_>,
    rules: ContactRules,
    now: jiff::Timestamp,
) -> Result<Person, ChangeError> {
    let NewPerson {
        email,
        name,
        flags,
        language,
    } = new;
    let name = name.map_or_else(|| email.local_part().to_owned(), |n| n.as_str().to_owned());
    let mut tx = db.writer().begin().await?;
    lock_for_change(&mut tx, account_id, actor_id).await?;
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO people (account_id, email, email_key, name, password_hash, is_contact, \
         can_manage_contacts, created_at, language) \
         VALUES ($1, $2, $3, $4, NULL, $5, $6, $7, $8) RETURNING id",
    )
    .bind(account_id)
    .bind(email.as_str())
    .bind(email.key())
    .bind(&name)
    .bind(flag(flags.is_contact))
    .bind(flag(flags.can_manage_contacts && flags.is_contact))
    .bind(to_micros(now))
    .bind(language.key())
    .fetch_one(&mut *tx)
    .await
    .map_err(|error| {
        if crate::db::is_unique_violation(&error) {
            ChangeError::EmailTaken
        } else {
            ChangeError::Database(error)
        }
    })?;
    if flags.is_contact {
        check_contact_limit(&mut tx, account_id, rules).await?;
    }
    tx.commit().await?;
    Ok(Person {
        id,
        account_id: Some(account_id),
        role: Role::Customer,
        email: email.as_str().to_owned(),
        name,
        is_contact: flags.is_contact,
        can_manage_contacts: flags.can_manage_contacts && flags.is_contact,
        has_password: false,
        language: *language,
        account_ticket_mail: false,
    })
}

/// A person to add: the address, a name (default: the address's local part) and the flags.
pub struct NewPerson<'a> {
    pub email: &'a Email,
    pub name: Option<&'a PersonName>,
    pub flags: &'a ContactFlags,
    pub language: Language,
}

/// What the policy says about an account's contacts.
#[derive(Debug, Clone, Copy)]
pub struct ContactRules {
    /// The most contacts an account may have; `None`: no limit.
    pub max_contacts: Option<u32>,
}

type Tx = sqlx::Transaction<'static, sqlx::Any>;

/// Starts a contact change: a write first, which locks the account's row (PostgreSQL) or the
/// database (SQLite) until the end of the transaction, so SQLite never upgrades a read
/// snapshot; then checks, under that lock, that the actor may still manage contacts.
async fn lock_for_change(tx: &mut Tx, account_id: i64, actor_id: i64) -> Result<(), ChangeError> {
    sqlx::query("UPDATE accounts SET name = name WHERE id = $1")
        .bind(account_id)
        .execute(&mut **tx)
        .await?;
    let may_manage: Option<i64> = sqlx::query_scalar(
        "SELECT id FROM people WHERE id = $1 AND account_id = $2 AND is_contact = 1 \
         AND can_manage_contacts = 1",
    )
    .bind(actor_id)
    .bind(account_id)
    .fetch_optional(&mut **tx)
    .await?;
    if may_manage.is_none() {
        return Err(ChangeError::NotAllowed);
    }
    Ok(())
}

async fn check_contact_limit(
    tx: &mut Tx,
    account_id: i64,
    rules: ContactRules,
) -> Result<(), ChangeError> {
    let Some(max) = rules.max_contacts else {
        return Ok(());
    };
    let contacts: i64 =
        sqlx::query_scalar("SELECT COUNT(*) FROM people WHERE account_id = $1 AND is_contact = 1")
            .bind(account_id)
            .fetch_one(&mut **tx)
            .await?;
    if contacts > i64::from(max) {
        return Err(ChangeError::TooManyContacts(max));
    }
    Ok(())
}

#[derive(Debug, thiserror::Error)]
pub enum ChangeError {
    #[error("no such contact")]
    NotFound,
    #[error("the person making the change may no longer manage contacts")]
    NotAllowed,
    #[error("the email address belongs to another person")]
    EmailTaken,
    #[error("the account may have at most {0} contacts")]
    TooManyContacts(u32),
    #[error("the account would have no contact who can manage contacts")]
    LastManager,
    #[error(transparent)]
    Database(#[from] sqlx::Error),
}

/// Changes a person's flags, refusing any change that leaves the account without a contact
/// who can manage contacts. Changes on one account are serialised, and the right of `actor_id`
/// is checked again inside, so two managers removing each other at once cannot both succeed.
pub async fn change_flags(
    db: &Db,
    account_id: i64,
    actor_id: i64,
    person_id: i64,
    flags: &ContactFlags,
    language: Option<Language>,
    rules: ContactRules,
) -> Result<Person, ChangeError> {
    let mut tx = db.writer().begin().await?;
    lock_for_change(&mut tx, account_id, actor_id).await?;
    let was_contact: Option<i64> =
        sqlx::query_scalar("SELECT is_contact FROM people WHERE id = $1 AND account_id = $2")
            .bind(person_id)
            .bind(account_id)
            .fetch_optional(&mut *tx)
            .await?;
    let Some(was_contact) = was_contact else {
        return Err(ChangeError::NotFound);
    };
    let updated = sqlx::query(
        "UPDATE people SET is_contact = $1, can_manage_contacts = $2 \
         WHERE id = $3 AND account_id = $4",
    )
    .bind(flag(flags.is_contact))
    .bind(flag(flags.can_manage_contacts && flags.is_contact))
    .bind(person_id)
    .bind(account_id)
    .execute(&mut *tx)
    .await?;
    if updated.rows_affected() != 1 {
        return Err(ChangeError::NotFound);
    }
    if let Some(language) = language {
        sqlx::query("UPDATE people SET language = $1 WHERE id = $2 AND account_id = $3")
            .bind(language.key())
            .bind(person_id)
            .bind(account_id)
            .execute(&mut *tx)
            .await?;
    }
    let managers: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM people WHERE account_id = $1 AND is_contact = 1 \
         AND can_manage_contacts = 1",
    )
    .bind(account_id)
    .fetch_one(&mut *tx)
    .await?;
    if managers == 0 {
        return Err(ChangeError::LastManager);
    }
    if flags.is_contact && was_contact == 0 {
        check_contact_limit(&mut tx, account_id, rules).await?;
    }
    let sql = concat!(
        "SELECT ",
        person_columns!(),
        " FROM people p WHERE p.id = $1"
    );
    let person = person_from_row(&sqlx::query(sql).bind(person_id).fetch_one(&mut *tx).await?)?;
    tx.commit().await?;
    Ok(person)
}
