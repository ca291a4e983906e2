use std::net::IpAddr;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, Parser, Subcommand};
use support_server::config::Settings;
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
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match cli.command {
        Command::Serve(args) => serve(args),
    }
}

fn serve(args: ServeArgs) -> ExitCode {
    telemetry::init();
    let settings = Settings {
        bind: args.bind,
        port: args.port,
        dist: args.dist,
    };
    let runtime = match tokio::runtime::Runtime::new() {
        Ok(runtime) => runtime,
        Err(error) => {
            eprintln!("error: cannot start the async runtime: {error}");
            return ExitCode::FAILURE;
        }
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
                eprintln!(
                    "error: cannot listen on {}:{}: {error}",
                    settings.bind, settings.port
                );
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
