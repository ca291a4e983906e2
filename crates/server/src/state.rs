//! What every handler shares: the database, the settings, the rate limiters, the built SPA and
//! the policy in force.

use std::io;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use sha2::{Digest, Sha256};
use support_rules::{Policy, PolicyError};

use crate::config::Settings;
use crate::db::Db;
use crate::domain::Position;
use crate::domain::notice::Links;
use crate::rate_limit::SharedLimiter;
use crate::service::events::Hub;
use crate::spa::Spa;

/// What every handler may use.
#[derive(Debug, Clone)]
pub struct AppState {
    pub db: Db,
    pub settings: Arc<Settings>,
    pub limits: Arc<Limiters>,
    pub spa: Arc<Spa>,
    pub policy: Arc<LoadedPolicy>,
    /// Where the e-mails' links point (`PUBLIC_URL`).
    pub links: Arc<Links>,
    /// This process's live updates (`GET /api/events`).
    pub events: Arc<Hub>,
}

impl AppState {
    /// `events_from`: where live updates start (see `store::events::start`).
    pub fn new(db: Db, settings: &Settings, policy: LoadedPolicy, events_from: Position) -> Self {
        let limits = settings.limits;
        let limiters = Limiters {
            sign_in_per_email: SharedLimiter::new(
                &db,
                "sign_in_per_email",
                limits.window,
                limits.sign_in_per_email,
            ),
            sign_in_per_ip: SharedLimiter::new(
                &db,
                "sign_in_per_ip",
                limits.window,
                limits.sign_in_per_ip,
            ),
            tickets_per_person: SharedLimiter::new(
                &db,
                "tickets_per_person",
                limits.window,
                limits.tickets_per_person,
            ),
        };
        Self {
            db,
            settings: Arc::new(settings.clone()),
            limits: Arc::new(limiters),
            spa: Arc::new(Spa::load(&settings.dist)),
            policy: Arc::new(policy),
            links: Arc::new(Links::new(&settings.mail.public_url)),
            events: Arc::new(Hub::new(settings.events, events_from)),
        }
    }
}

/// The request budgets, each with its own counts, held across server processes. A person's
/// ticket budget recognises retries by their idempotency keys, whichever process they reach.
#[derive(Debug)]
pub struct Limiters {
    pub sign_in_per_email: SharedLimiter,
    pub sign_in_per_ip: SharedLimiter,
    pub tickets_per_person: SharedLimiter,
}

#[derive(Debug, thiserror::Error)]
pub enum PolicyLoadError {
    #[error("cannot read the policy file {}: {source}", path.display())]
    File { path: PathBuf, source: io::Error },
    #[error("the policy file is not usable: {0}")]
    Policy(#[from] PolicyError),
}

/// The policy in force, with its JSON form and that form's ETag computed once.
#[derive(Debug)]
pub struct LoadedPolicy {
    pub policy: Policy,
    pub json: String,
    pub etag: String,
}

impl LoadedPolicy {
    pub fn new(policy: Policy) -> Self {
        let json = policy.to_json();
        let digest = hex::encode(Sha256::digest(json.as_bytes()));
        Self {
            etag: format!("\"{}\"", &digest[..32]),
            policy,
            json,
        }
    }

    /// The embedded default, or `file` (`--policy` / `SUPPORT_POLICY`).
    pub fn load(file: Option<&Path>) -> Result<Self, PolicyLoadError> {
        let policy = match file {
            None => Policy::embedded_default(),
            Some(path) => {
                let text =
                    std::fs::read_to_string(path).map_err(|source| PolicyLoadError::File {
                        path: path.to_path_buf(),
                        source,
                    })?;
                Policy::from_toml(&path.display().to_string(), &text)?
            }
        };
        Ok(Self::new(policy))
    }
}
