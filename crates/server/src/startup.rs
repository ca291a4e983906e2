//! Builds the app from the settings and runs it until a shutdown signal.

use std::future::Future;
use std::io;
use std::net::SocketAddr;

use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::http::{
    Extensions, HeaderMap, HeaderName, HeaderValue, Request, StatusCode, Version, header,
};
use axum::response::Response;
use tokio::net::TcpListener;
use tower::ServiceBuilder;
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::compression::CompressionLayer;
use tower_http::compression::predicate::{DefaultPredicate, Predicate};
use tower_http::request_id::{MakeRequestUuid, PropagateRequestIdLayer, SetRequestIdLayer};
use tower_http::set_header::SetResponseHeaderLayer;
use tower_http::trace::{DefaultOnResponse, TraceLayer};

use crate::body_limit::{self, BodyCap};
use crate::config::Settings;
use crate::db::{Db, DbError};
use crate::error::ApiError;
use crate::mail::{MailConfigError, Mailer, Sender, SmtpServer};
use crate::routes;
use crate::service::{events, outbox, tasks};
use crate::spa;
use crate::state::{AppState, LoadedPolicy, PolicyLoadError};
use crate::store;

#[derive(Debug, thiserror::Error)]
pub enum StartupError {
    #[error(transparent)]
    Database(#[from] DbError),
    #[error(transparent)]
    Policy(#[from] PolicyLoadError),
    #[error(transparent)]
    Mail(#[from] MailConfigError),
    #[error("cannot read where live updates start: {0}")]
    Events(#[source] sqlx::Error),
    #[error("cannot read the installation's id: {0}")]
    Installation(#[source] sqlx::Error),
    #[error("cannot listen on {address}: {source}")]
    Listen {
        address: SocketAddr,
        source: io::Error,
    },
}

/// A bound, not yet running server: the port is known before the first request.
pub struct Application {
    listener: TcpListener,
    router: Router,
    state: AppState,
    /// `None` without `SMTP_URL`.
    mailer: Option<Mailer>,
}

impl Application {
    /// Loads the policy, reads the mail settings, opens the database (applying migrations),
    /// then binds the port.
    pub async fn build(settings: &Settings) -> Result<Self, StartupError> {
        let policy = LoadedPolicy::load(settings.policy_file.as_deref())?;
        let mail = &settings.mail;
        let server = mail
            .smtp_url
            .as_deref()
            .map(SmtpServer::parse)
            .transpose()?;
        let from = Sender::parse(&mail.from)?;
        let db = Db::connect(&settings.database_url).await?;
        let mailer = match server {
            Some(server) => {
                let installation = store::outbox::installation_id(&db)
                    .await
                    .map_err(StartupError::Installation)?;
                tracing::info!(server = ?server, from = %mail.from, "e-mail goes to the SMTP server of SMTP_URL");
                Some(Mailer::new(&server, from, installation, mail.timeout)?)
            }
            None => {
                tracing::warn!("SMTP_URL is not set: no e-mail is sent (the outbox keeps them)");
                None
            }
        };
        let address = SocketAddr::new(settings.bind, settings.port);
        let listener = TcpListener::bind(address)
            .await
            .map_err(|source| StartupError::Listen { address, source })?;
        let events_from = store::events::start(&db)
            .await
            .map_err(StartupError::Events)?;
        let state = AppState::new(db, settings, policy, events_from);
        Ok(Self {
            listener,
            router: router(state.clone()),
            state,
            mailer,
        })
    }

    pub fn local_addr(&self) -> io::Result<SocketAddr> {
        self.listener.local_addr()
    }

    /// Serves until `shutdown` completes, then lets requests in flight finish. Meanwhile the
    /// server's own tasks run (deadlines, closing solved tickets, delivering the outbox).
    pub async fn run_until(
        self,
        shutdown: impl Future<Output = ()> + Send + 'static,
    ) -> io::Result<()> {
        let interval = self.state.settings.task_interval;
        let delivery = self
            .mailer
            .map(|mailer| tokio::spawn(outbox::run(self.state.clone(), mailer)));
        let pump = tokio::spawn(events::run(
            self.state.db.clone(),
            self.state.events.clone(),
            self.state.settings.events,
        ));
        let hub = self.state.events.clone();
        let tasks = tokio::spawn(tasks::run(self.state, interval));
        // Live-update streams never end by themselves: ending them lets the requests in
        // flight finish.
        let shutdown = async move {
            shutdown.await;
            hub.close();
        };
        let served = axum::serve(
            self.listener,
            self.router
                .into_make_service_with_connect_info::<SocketAddr>(),
        )
        .with_graceful_shutdown(shutdown)
        .await;
        pump.abort();
        tasks.abort();
        if let Some(delivery) = delivery {
            delivery.abort();
        }
        served
    }
}

/// The API under `/api/` (an unknown API path is a problem+json 404); any other path is a
/// file of the SPA, or `index.html` so that the SPA's router can show the page of a shared URL.
pub fn router(state: AppState) -> Router {
    // Each group of routes has its own body cap: the file upload's is the policy's largest
    // file, every other endpoint keeps the JSON limit.
    let limits = state.settings.limits;
    let json = BodyCap::json(&limits);
    let upload = BodyCap::upload(
        &limits,
        state.policy.policy.document().attachments.max_file_size,
    );
    let uploads = routes::uploads()
        .method_not_allowed_fallback(|| async { ApiError::MethodNotAllowed })
        .layer(DefaultBodyLimit::max(upload.as_usize()))
        .layer(axum::middleware::from_fn_with_state(
            upload,
            body_limit::enforce,
        ));
    let api = routes::api()
        .fallback(|| async { ApiError::not_found("There is no API endpoint at this path.") })
        .method_not_allowed_fallback(|| async { ApiError::MethodNotAllowed })
        .layer(DefaultBodyLimit::max(json.as_usize()))
        .layer(axum::middleware::from_fn_with_state(
            json,
            body_limit::enforce,
        ))
        .merge(uploads);
    let request_id = HeaderName::from_static("x-request-id");
    let middleware = ServiceBuilder::new()
        .layer(SetRequestIdLayer::new(request_id.clone(), MakeRequestUuid))
        .layer(
            TraceLayer::new_for_http()
                .make_span_with(|request: &Request<_>| {
                    let id = request
                        .headers()
                        .get("x-request-id")
                        .and_then(|v| v.to_str().ok())
                        .unwrap_or("-");
                    tracing::info_span!("request", id, method = %request.method(), uri = %request.uri())
                })
                .on_response(DefaultOnResponse::new().level(tracing::Level::INFO)),
        )
        .layer(PropagateRequestIdLayer::new(request_id))
        .layer(CatchPanicLayer::custom(|_| {
            axum::response::IntoResponse::into_response(ApiError::Internal(
                "a handler panicked".into(),
            ))
        }))
        .layer(CompressionLayer::new().compress_when(DefaultPredicate::new().and(not_a_download)))
        .layer(axum::middleware::map_response(policy_for_pages))
        .layer(SetResponseHeaderLayer::if_not_present(
            header::X_CONTENT_TYPE_OPTIONS,
            HeaderValue::from_static("nosniff"),
        ))
        .layer(SetResponseHeaderLayer::if_not_present(
            header::REFERRER_POLICY,
            HeaderValue::from_static("no-referrer"),
        ));
    Router::new()
        .nest("/api", api)
        .fallback(spa::serve)
        .with_state(state)
        .layer(middleware)
}

/// Downloads go as stored, with their exact `Content-Length`: most files people attach (logs
/// in archives, screenshots) are compressed already.
fn not_a_download(_: StatusCode, _: Version, headers: &HeaderMap, _: &Extensions) -> bool {
    !headers.contains_key(header::CONTENT_DISPOSITION)
}

/// The Content-Security-Policy governs documents, so only HTML answers carry it: on the
/// wasm, scripts, styles and JSON it would be about 250 bytes of headers each, for nothing.
async fn policy_for_pages(mut response: Response) -> Response {
    let is_page = response
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|value| value.to_str().ok())
        .is_some_and(|value| value.starts_with("text/html"));
    if is_page {
        response
            .headers_mut()
            .entry(header::CONTENT_SECURITY_POLICY)
            .or_insert(HeaderValue::from_static(spa::CONTENT_SECURITY_POLICY));
    }
    response
}

/// Completes on Ctrl-C or SIGTERM.
pub async fn shutdown_signal() {
    let ctrl_c = async {
        if let Err(error) = tokio::signal::ctrl_c().await {
            tracing::error!(%error, "cannot listen for Ctrl-C");
            std::future::pending::<()>().await;
        }
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(error) => {
                tracing::error!(%error, "cannot listen for SIGTERM");
                std::future::pending::<()>().await;
            }
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = terminate => {},
    }
    tracing::info!("shutting down: finishing the requests in flight");
}
