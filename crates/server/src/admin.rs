//! The operator's commands: `admin create-account`, `admin create-staff` and
//! `admin reset-password`.

use std::io::BufRead;

use crate::auth;
use crate::db::Db;
use crate::domain::{AccountName, Country, Email, Level, Password, PersonName};
use crate::store::people::{self, AddError, NewAccount};
use crate::store::sessions;
use support_api::Language;

#[derive(Debug, thiserror::Error)]
pub enum AdminError {
    #[error("{field}: {problem}")]
    Invalid {
        field: &'static str,
        problem: String,
    },
    #[error("{0} already belongs to a person; nothing was created")]
    EmailExists(String),
    #[error("no person has the email address {0}")]
    NoSuchPerson(String),
    #[error("cannot read the password from standard input: {0}")]
    Stdin(#[source] std::io::Error),
    #[error("the password (first line of standard input) is missing")]
    NoPassword,
    #[error(transparent)]
    Crypto(#[from] auth::CryptoError),
    #[error("database: {0}")]
    Database(#[from] sqlx::Error),
}

fn invalid<P: std::fmt::Display>(field: &'static str) -> impl FnOnce(P) -> AdminError {
    move |problem| AdminError::Invalid {
        field,
        problem: problem.to_string(),
    }
}

/// The first line of `input`, without its line ending.
pub fn read_password(input: impl BufRead) -> Result<Password, AdminError> {
    let line = input
        .lines()
        .next()
        .ok_or(AdminError::NoPassword)?
        .map_err(AdminError::Stdin)?;
    Password::parse(line.trim_end_matches('\r')).map_err(invalid("password"))
}

pub struct NewAccountArgs {
    pub name: String,
    pub level: u8,
    pub tsm: bool,
    pub country: String,
    pub email: String,
    pub contact_name: Option<String>,
    /// The language of the contact's e-mails.
    pub language: Language,
}

/// Creates an account and its first contact, who may manage contacts. Returns the account's id.
pub async fn create_account(
    db: &Db,
    args: &NewAccountArgs,
    password: &Password,
) -> Result<i64, AdminError> {
    let name = AccountName::parse(&args.name).map_err(invalid("--name"))?;
    let level = Level::parse(i64::from(args.level)).map_err(invalid("--level"))?;
    let country = Country::parse(&args.country).map_err(invalid("--country"))?;
    let email = Email::parse(&args.email).map_err(invalid("--email"))?;
    let person_name = PersonName::parse(args.contact_name.as_deref().unwrap_or(email.local_part()))
        .map_err(invalid("--contact-name"))?;
    let hash = hash(password).await?;
    let new = NewAccount {
        name: &name,
        level,
        tsm: args.tsm,
        country,
        email: &email,
        person_name: &person_name,
        password_hash: &hash,
        language: args.language,
    };
    match people::create_account(db, new, jiff::Timestamp::now()).await {
        Ok((account, _)) => Ok(account),
        Err(AddError::EmailTaken(email)) => Err(AdminError::EmailExists(email)),
        Err(AddError::Database(error)) => Err(error.into()),
    }
}

/// Creates a support engineer (no account; sees every account's tickets). Returns their id.
pub async fn create_staff(
    db: &Db,
    email: &str,
    name: &str,
    language: Language,
    password: &Password,
) -> Result<i64, AdminError> {
    let email = Email::parse(email).map_err(invalid("--email"))?;
    let name = PersonName::parse(name).map_err(invalid("--name"))?;
    let hash = hash(password).await?;
    match people::create_engineer(db, &email, &name, &hash, language, jiff::Timestamp::now()).await
    {
        Ok(id) => Ok(id),
        Err(AddError::EmailTaken(email)) => Err(AdminError::EmailExists(email)),
        Err(AddError::Database(error)) => Err(error.into()),
    }
}

/// Sets a person's password and ends their sessions.
pub async fn reset_password(db: &Db, email: &str, password: &Password) -> Result<(), AdminError> {
    let email = Email::parse(email).map_err(invalid("--email"))?;
    let Some((person, _)) = people::by_email(db, &email).await? else {
        return Err(AdminError::NoSuchPerson(email.to_string()));
    };
    let hash = hash(password).await?;
    people::set_password(db, &email, &hash).await?;
    sessions::delete_for_person(db, person.id).await?;
    Ok(())
}

async fn hash(password: &Password) -> Result<String, AdminError> {
    let password = password.clone();
    tokio::task::spawn_blocking(move || auth::hash_password(password.expose()))
        .await
        .map_err(|e| auth::CryptoError::Hash(e.to_string()))?
        .map_err(AdminError::from)
}
