//! What every handler shares: the database, the settings, the rate limiters, the built SPA and
//! the policy in force.

use std::io;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use sha2::{Digest, Sha256};
use support_rules::{Policy, PolicyError};

use crate::config::Settings;
use crate::db::Db;
use crate::rate_limit::RateLimiter;
use crate::spa::Spa;

/// What every handler may use.
#[derive(Debug, Clone)]
pub struct AppState {
    pub db: Db,
    pub settings: Arc<Settings>,
    pub limits: Arc<Limiters>,
    pub spa: Arc<Spa>,
    pub policy: Arc<LoadedPolicy>,
}

impl AppState {
    pub fn new(db: Db, settings: &Settings, policy: LoadedPolicy) -> Self {
        let limits = settings.limits;
        Self {
            db,
            settings: Arc::new(settings.clone()),
            limits: Arc::new(Limiters {
                sign_in_per_email: RateLimiter::new(limits.window, limits.sign_in_per_email),
                sign_in_per_ip: RateLimiter::new(limits.window, limits.sign_in_per_ip),
                tickets_per_person: RateLimiter::new(limits.window, limits.tickets_per_person),
            }),
            spa: Arc::new(Spa::load(&settings.dist)),
            policy: Arc::new(policy),
        }
    }
}

/// The request budgets, each with its own counts.
#[derive(Debug)]
pub struct Limiters {
    pub sign_in_per_email: RateLimiter,
    pub sign_in_per_ip: RateLimiter,
    pub tickets_per_person: RateLimiter,
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
