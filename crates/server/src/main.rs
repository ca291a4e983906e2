use std::net::IpAddr;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, Parser, Subcommand};

mod cli;
use support_api::Language;
use support_server::admin::{self, NewAccountArgs};
use support_server::config::{
    DEFAULT_DATABASE_URL, DEFAULT_MAIL_FROM, DEFAULT_PUBLIC_URL, DEFAULT_SMTP_TIMEOUT_SECONDS,
    DEFAULT_SSE_BUFFER, DEFAULT_SSE_HEARTBEAT_SECONDS, EventSettings, Limits, MailSettings,
    Settings,
};
use support_server::db::Db;
use support_server::startup::{Application, shutdown_signal};
use support_server::telemetry;

/// The support front door's server.
#[derive(Debug, Parser)]
#[command(name = "support-server", version, about)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Serve the SPA and the JSON API.
    Serve(ServeArgs),
    /// Operator commands on the database.
    #[command(subcommand)]
    Admin(AdminCommand),
    /// Whether a calendar of a file is open at an instant, its next changes, and a deadline.
    Calendar(cli::CalendarArgs),
    /// The first-response deadline and staffing of a ticket, as the server would record it.
    Quote(cli::QuoteArgs),
    /// A ticket's SLA clock (first response, next update) at an instant, from its history.
    Sla(cli::SlaArgs),
}

#[derive(Debug, Args)]
struct DatabaseArgs {
    /// `sqlite://PATH` (created with its folder when missing) or `postgres://...`.
    #[arg(long, env = "DATABASE_URL", default_value = DEFAULT_DATABASE_URL)]
    database_url: String,
}

#[derive(Debug, Args)]
struct ServeArgs {
    /// Port to listen on (0 picks a free one).
    #[arg(long, env = "PORT", default_value_t = 8080)]
    port: u16,
    /// Address to listen on.
    #[arg(long, env = "SUPPORT_BIND", default_value = "127.0.0.1")]
    bind: IpAddr,
    /// Folder of the SPA built by Trunk.
    #[arg(long, env = "SUPPORT_DIST", default_value = "dist")]
    dist: PathBuf,
    /// A support policy (TOML) to use instead of the embedded default.
    #[arg(long, env = "SUPPORT_POLICY")]
    policy: Option<PathBuf>,
    /// Mark the session cookie `Secure` (set it when the server is reached over HTTPS).
    #[arg(long, env = "SUPPORT_SECURE_COOKIES")]
    secure_cookies: bool,
    /// Sign-in attempts per email address per minute.
    #[arg(long, env = "SUPPORT_SIGN_IN_PER_EMAIL", default_value_t = Limits::default().sign_in_per_email)]
    sign_in_per_email: u32,
    /// Sign-in attempts per client IP address per minute.
    #[arg(long, env = "SUPPORT_SIGN_IN_PER_IP", default_value_t = Limits::default().sign_in_per_ip)]
    sign_in_per_ip: u32,
    /// New tickets per person per minute.
    #[arg(long, env = "SUPPORT_TICKETS_PER_PERSON", default_value_t = Limits::default().tickets_per_person)]
    tickets_per_person: u32,
    /// The mail server: smtp://HOST:PORT (no authentication), smtps://USER:PASSWORD@HOST:PORT
    /// (TLS) or smtp+starttls://USER:PASSWORD@HOST:PORT; none: no e-mail is sent.
    #[arg(long, env = "SMTP_URL")]
    smtp_url: Option<String>,
    /// The sender of the e-mails, `Name <address>`.
    #[arg(long, env = "MAIL_FROM", default_value = DEFAULT_MAIL_FROM)]
    mail_from: String,
    /// Seconds the mail server may take to answer one command.
    #[arg(long, env = "SMTP_TIMEOUT", default_value_t = DEFAULT_SMTP_TIMEOUT_SECONDS)]
    smtp_timeout: u64,
    /// The address recipients reach the SPA at, for the links in e-mails.
    #[arg(long, env = "PUBLIC_URL", default_value = DEFAULT_PUBLIC_URL)]
    public_url: String,
    /// Seconds a live-update stream may stay silent before a heartbeat comment is sent.
    #[arg(long, env = "SSE_HEARTBEAT", default_value_t = DEFAULT_SSE_HEARTBEAT_SECONDS)]
    sse_heartbeat: u64,
    /// Events that may wait for one live-update stream; a stream further behind is closed.
    #[arg(long, env = "SSE_BUFFER", default_value_t = DEFAULT_SSE_BUFFER)]
    sse_buffer: usize,
    #[command(flatten)]
    database: DatabaseArgs,
}

#[derive(Debug, Subcommand)]
enum AdminCommand {
    /// Create an account and its first technical contact, who may manage contacts. The
    /// contact's password is the first line of standard input.
    CreateAccount {
        /// The account's (organisation's) name.
        #[arg(long)]
        name: String,
        /// Support level: 1, 2 or 3.
        #[arg(long, value_parser = clap::value_parser!(u8).range(1..=3))]
        level: u8,
        /// The account has a Technical Success Manager.
        #[arg(long)]
        tsm: bool,
        /// ISO 3166-1 alpha-2 country code, such as PT.
        #[arg(long)]
        country: String,
        /// The first contact's email address.
        #[arg(long)]
        email: String,
        /// The first contact's name (default: the part of the email before the @).
        #[arg(long)]
        contact_name: Option<String>,
        /// The language of the contact's e-mails: en or ja.
        #[arg(long, default_value = "en", value_parser = language)]
        language: Language,
        #[command(flatten)]
        database: DatabaseArgs,
    },
    /// Create a support engineer: no account, sees every account's tickets, answers them.
    /// The password is the first line of standard input.
    CreateStaff {
        /// The engineer's email address (they sign in with it).
        #[arg(long)]
        email: String,
        /// The engineer's name, as customers see it on the timeline.
        #[arg(long)]
        name: String,
        /// The language of the engineer's e-mails: en or ja.
        #[arg(long, default_value = "en", value_parser = language)]
        language: Language,
        #[command(flatten)]
        database: DatabaseArgs,
    },
    /// Set a person's password (first line of standard input) and end their sessions.
    ResetPassword {
        #[arg(long)]
        email: String,
        #[command(flatten)]
        database: DatabaseArgs,
    },
}

fn language(key: &str) -> Result<Language, String> {
    Language::from_key(key).ok_or_else(|| format!("`{key}` is not a language: en or ja"))
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match cli.command {
        Command::Serve(args) => serve(args),
        Command::Admin(command) => run_admin(command),
        Command::Calendar(args) => cli::calendar(args),
        Command::Quote(args) => cli::quote(args),
        Command::Sla(args) => cli::sla(args),
    }
}

fn runtime() -> Option<tokio::runtime::Runtime> {
    match tokio::runtime::Runtime::new() {
        Ok(runtime) => Some(runtime),
        Err(error) => {
            eprintln!("error: cannot start the async runtime: {error}");
            None
        }
    }
}

fn serve(args: ServeArgs) -> ExitCode {
    telemetry::init();
    let settings = Settings {
        bind: args.bind,
        port: args.port,
        dist: args.dist,
        database_url: args.database.database_url,
        policy_file: args.policy,
        secure_cookies: args.secure_cookies,
        limits: Limits {
            sign_in_per_email: args.sign_in_per_email,
            sign_in_per_ip: args.sign_in_per_ip,
            tickets_per_person: args.tickets_per_person,
            ..Limits::default()
        },
        mail: MailSettings {
            smtp_url: args.smtp_url.filter(|url| !url.is_empty()),
            from: args.mail_from,
            timeout: std::time::Duration::from_secs(args.smtp_timeout.max(1)),
            public_url: args.public_url,
            ..MailSettings::default()
        },
        events: EventSettings {
            heartbeat: std::time::Duration::from_secs(args.sse_heartbeat.max(1)),
            buffer: args.sse_buffer.max(1),
            ..EventSettings::default()
        },
        ..Settings::default()
    };
    let Some(runtime) = runtime() else {
        return ExitCode::FAILURE;
    };
    runtime.block_on(async {
        if !settings.dist.join("index.html").is_file() {
            tracing::warn!(
                dist = %settings.dist.display(),
                "no built SPA here (index.html is missing): only the API is served; run `cargo xtask run` to build it"
            );
        }
        let app = match Application::build(&settings).await {
            Ok(app) => app,
            Err(error) => {
                eprintln!("error: {error}");
                return ExitCode::FAILURE;
            }
        };
        match app.local_addr() {
            Ok(addr) => tracing::info!("listening on http://{addr}"),
            Err(error) => tracing::warn!(%error, "listening, address unknown"),
        }
        match app.run_until(shutdown_signal()).await {
            Ok(()) => ExitCode::SUCCESS,
            Err(error) => {
                eprintln!("error: the server stopped: {error}");
                ExitCode::FAILURE
            }
        }
    })
}

fn run_admin(command: AdminCommand) -> ExitCode {
    let Some(runtime) = runtime() else {
        return ExitCode::FAILURE;
    };
    let result = runtime.block_on(async {
        let password = admin::read_password(std::io::stdin().lock())?;
        match command {
            AdminCommand::CreateAccount {
                name,
                level,
                tsm,
                country,
                email,
                contact_name,
                language,
                database,
            } => {
                let db = open(&database.database_url).await?;
                let args = NewAccountArgs {
                    name,
                    level,
                    tsm,
                    country,
                    email,
                    contact_name,
                    language,
                };
                let account = admin::create_account(&db, &args, &password).await?;
                println!(
                    "created account {account} ({}) with contact {}",
                    args.name, args.email
                );
            }
            AdminCommand::CreateStaff {
                email,
                name,
                language,
                database,
            } => {
                let db = open(&database.database_url).await?;
                let id = admin::create_staff(&db, &email, &name, language, &password).await?;
                println!("created engineer {id} ({name}) with email {email}");
            }
            AdminCommand::ResetPassword { email, database } => {
                let db = open(&database.database_url).await?;
                admin::reset_password(&db, &email, &password).await?;
                println!("password set for {email}");
            }
        }
        Ok::<(), Box<dyn std::error::Error>>(())
    });
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("error: {error}");
            ExitCode::FAILURE
        }
    }
}

async fn open(url: &str) -> Result<Db, Box<dyn std::error::Error>> {
    Ok(Db::connect(url).await?)
}
