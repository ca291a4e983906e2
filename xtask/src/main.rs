//! Project automation, so that a fresh machine needs two commands:
//!
//! - `cargo xtask run [--port N]`: installs missing tools, builds the SPA and the server, and
//!   serves both on http://127.0.0.1:8080.
//! - `cargo xtask test`: installs missing tools, then runs every check and test and ends with
//!   one summary line.
//!
//! Written with the standard library and two compressors that the server already pulls in
//! (`brotli`, `flate2`, pinned to the locked versions), so it compiles in seconds on a fresh
//! machine and downloads nothing more.

mod demo;
mod maildev;
mod minify;
mod postgres;
mod precompress;
mod summary;
mod tools;

use std::env;
use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode};

use summary::Summary;

const USAGE: &str = "\
usage: cargo xtask <command>

commands:
  run [--port N]   build the SPA and the server, seed the demo account, start MailDev
                   (SMTP 127.0.0.1:1025, its page http://127.0.0.1:1080/) unless SMTP_URL is
                   set, then serve them (default port 8080, or PORT; database DATABASE_URL,
                   default ./data/support.db)
  test             install what is missing, then run every check and test
  perf             build the SPA and the server (release), then run Lighthouse (mobile) on
                   every customer page signed out and in, and measure the main-thread cost
                   of the live pages (figures depend on the machine: not part of `test`)
  build-spa        build the SPA as `run` and `test` do (trunk release, JS minified,
                   precompressed) into dist/, the support console into dist/console/
  precompress [DIR]
                   write FILE.br and FILE.gz next to each compressible file of DIR (default
                   dist; `run` and `test` do it after building the SPA) and print the sizes
";

fn main() -> ExitCode {
    let args: Vec<String> = env::args().skip(1).collect();
    let result = match args.first().map(String::as_str) {
        Some("run") => run(&args[1..]),
        Some("test") => test(&args[1..]),
        Some("precompress") => precompress_command(&args[1..]),
        Some("build-spa") => tools::ensure_for_build().and_then(|()| build_spa()),
        Some("perf") => perf(&args[1..]),
        Some("-h" | "--help" | "help") => {
            print!("{USAGE}");
            return ExitCode::SUCCESS;
        }
        Some(other) => Err(Failure::Usage(format!("unknown command `{other}`"))),
        None => Err(Failure::Usage("a command is needed".into())),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(Failure::Usage(message)) => {
            eprintln!("error: {message}\n\n{USAGE}");
            ExitCode::from(2)
        }
        Err(Failure::Step(message)) => {
            eprintln!("\nerror: {message}");
            ExitCode::FAILURE
        }
    }
}

#[derive(Debug)]
pub enum Failure {
    Usage(String),
    Step(String),
}

pub type Result<T = ()> = std::result::Result<T, Failure>;

/// The workspace root (the parent of this crate's folder).
pub fn root() -> PathBuf {
    let manifest = Path::new(env!("CARGO_MANIFEST_DIR"));
    manifest.parent().unwrap_or(manifest).to_path_buf()
}

/// Runs a command in the workspace root, streaming its output.
pub fn run_step(what: &str, command: &mut Command) -> Result {
    println!("\n==> {what}");
    let status = command.current_dir(root()).status().map_err(|e| {
        Failure::Step(format!(
            "{what}: cannot start {:?}: {e}",
            command.get_program()
        ))
    })?;
    if status.success() {
        Ok(())
    } else {
        Err(Failure::Step(format!("{what} failed ({status})")))
    }
}

/// Where cargo puts what it builds: `CARGO_TARGET_DIR` when set, else `target/`.
pub fn target_dir() -> PathBuf {
    match env::var_os("CARGO_TARGET_DIR") {
        Some(dir) if !dir.is_empty() => {
            let dir = PathBuf::from(dir);
            if dir.is_absolute() {
                dir
            } else {
                root().join(dir)
            }
        }
        _ => root().join("target"),
    }
}

pub fn cargo() -> Command {
    Command::new(env::var_os("CARGO").unwrap_or_else(|| "cargo".into()))
}

/// The PATH with the npm-installed tools (wasm-opt) first.
fn path_with_node_tools() -> std::ffi::OsString {
    let mut paths = vec![root().join("node_modules").join(".bin")];
    if let Some(path) = env::var_os("PATH") {
        paths.extend(env::split_paths(&path));
    }
    env::join_paths(paths).unwrap_or_default()
}

fn build_spa() -> Result {
    // Trunk builds offline (it must never download anything), so fetch the crates first.
    run_step("fetch crates", cargo().args(["fetch", "--locked"]))?;
    run_step(
        "build the front app (trunk, release)",
        Command::new("trunk")
            .args(["build", "--release"])
            .env("PATH", path_with_node_tools()),
    )?;
    // The ticket app (`ticket.html`, the bin `support-ticket`) is built on its own and its
    // files join the front app's in `dist/`, its page as `dist/ticket.html`: both share the
    // stylesheet and the public files (the same content, so the same names).
    // `ticket.html` is `index.html` with the ticket app's bin: written here, never by hand,
    // so the two pages cannot drift apart (it sits beside `index.html`, whose paths it uses).
    write_ticket_page()?;
    let ticket_dist = target_dir().join("trunk-ticket");
    run_step(
        "build the ticket app (trunk, release)",
        Command::new("trunk")
            .args(["build", "ticket.html", "--release", "--dist"])
            .arg(&ticket_dist)
            .env("PATH", path_with_node_tools()),
    )?;
    merge_ticket_app(&ticket_dist, &root().join("dist"))?;
    // The support console (crates/console) is an app of its own under /console/: its page and
    // assets go to dist/console/, where the server looks for them.
    let console_dist = target_dir().join("trunk-console");
    run_step(
        "build the support console (trunk, release)",
        Command::new("trunk")
            .args([
                "build",
                "crates/console/index.html",
                "--release",
                "--public-url",
                "/console/",
                "--dist",
            ])
            .arg(&console_dist)
            .env("PATH", path_with_node_tools()),
    )?;
    let console = root().join("dist").join("console");
    std::fs::create_dir_all(&console)
        .map_err(|e| Failure::Step(format!("cannot create {}: {e}", console.display())))?;
    copy_tree(&console_dist, &console, |relative| relative.to_path_buf())?;
    minify::dist(&root().join("dist"))?;
    minify::dist(&console)?;
    // The server sends these copies to browsers that accept brotli or gzip.
    precompress::dist(&root().join("dist")).map(drop)
}

/// Writes `ticket.html` from `index.html`, the Trunk link naming the bin `support-ticket`.
fn write_ticket_page() -> Result {
    let index = root().join("index.html");
    let html = std::fs::read_to_string(&index)
        .map_err(|e| Failure::Step(format!("cannot read {}: {e}", index.display())))?;
    let front = r#"data-bin="support-spa""#;
    if html.matches(front).count() != 1 {
        return Err(Failure::Step(format!(
            "{} must name the front app's bin once ({front})",
            index.display()
        )));
    }
    let page = root().join("ticket.html");
    std::fs::write(&page, html.replace(front, r#"data-bin="support-ticket""#))
        .map_err(|e| Failure::Step(format!("cannot write {}: {e}", page.display())))
}

/// Copies the ticket app's build into `dist`, its `index.html` as `ticket.html`.
fn merge_ticket_app(from: &Path, dist: &Path) -> Result {
    copy_tree(from, dist, |relative| {
        if relative == Path::new("index.html") {
            PathBuf::from("ticket.html")
        } else {
            relative.to_path_buf()
        }
    })
}

/// Copies every file under `from` into `to`, each at the path `rename` gives its relative one.
fn copy_tree(from: &Path, to: &Path, rename: impl Fn(&Path) -> PathBuf) -> Result {
    let dist = to;
    let failed = |what: &str, path: &Path, e: std::io::Error| {
        Failure::Step(format!("cannot {what} {}: {e}", path.display()))
    };
    let mut pending = vec![from.to_path_buf()];
    while let Some(dir) = pending.pop() {
        for entry in std::fs::read_dir(&dir).map_err(|e| failed("list", &dir, e))? {
            let path = entry.map_err(|e| failed("list", &dir, e))?.path();
            let relative = path.strip_prefix(from).unwrap_or(&path);
            if path.is_dir() {
                std::fs::create_dir_all(dist.join(relative))
                    .map_err(|e| failed("create", &dist.join(relative), e))?;
                pending.push(path);
                continue;
            }
            let to = dist.join(rename(relative));
            std::fs::copy(&path, &to).map_err(|e| failed("copy", &path, e))?;
        }
    }
    Ok(())
}

fn precompress_command(args: &[String]) -> Result {
    let dist = match args {
        [] => root().join("dist"),
        [dir] if !dir.starts_with('-') => PathBuf::from(dir),
        _ => {
            return Err(Failure::Usage(
                "precompress takes one folder (default dist)".into(),
            ));
        }
    };
    precompress::dist(&dist).map(drop)
}

fn perf(args: &[String]) -> Result {
    if let Some(other) = args.first() {
        return Err(Failure::Usage(format!(
            "unknown argument `{other}` for perf"
        )));
    }
    tools::ensure_for_build()?;
    tools::ensure_browser()?;
    build_spa()?;
    run_step(
        "build the server (release)",
        cargo().args(["build", "--locked", "--release", "-p", "support-server"]),
    )?;
    run_step(
        "Lighthouse and main-thread cost (tests/perf/lighthouse.mjs)",
        Command::new("node")
            .arg("tests/perf/lighthouse.mjs")
            .env(
                "SUPPORT_SERVER_BIN",
                target_dir().join("release/support-server"),
            )
            .env("SUPPORT_DIST", root().join("dist")),
    )
}

fn run(args: &[String]) -> Result {
    let mut port = env::var("PORT").unwrap_or_else(|_| "8080".into());
    let mut rest = args.iter();
    while let Some(arg) = rest.next() {
        match arg.as_str() {
            "--port" => {
                port = rest
                    .next()
                    .ok_or_else(|| Failure::Usage("--port needs a number".into()))?
                    .clone();
            }
            other => {
                return Err(Failure::Usage(format!(
                    "unknown argument `{other}` for run"
                )));
            }
        }
    }
    if port.parse::<u16>().is_err() {
        return Err(Failure::Usage(format!(
            "--port `{port}` is not a port number (0-65535)"
        )));
    }
    tools::ensure_for_build()?;
    build_spa()?;
    run_step(
        "build the server (release)",
        cargo().args(["build", "--locked", "--release", "-p", "support-server"]),
    )?;
    let server = target_dir().join("release/support-server");
    std::fs::create_dir_all(root().join("data"))
        .map_err(|e| Failure::Step(format!("cannot create ./data: {e}")))?;
    demo::ensure(&server)?;
    let smtp_url = match env::var("SMTP_URL") {
        Ok(url) if !url.is_empty() => {
            println!("==> e-mail goes to SMTP_URL");
            url
        }
        _ => maildev::ensure()?,
    };
    println!("\n==> serving http://127.0.0.1:{port}/  (Ctrl-C stops it)");
    println!(
        "    sign in as {} with the password {}",
        demo::EMAIL,
        demo::PASSWORD
    );
    let mut command = Command::new(&server);
    command
        .current_dir(root())
        .args(["serve", "--port", &port, "--dist", "dist"])
        .env("SMTP_URL", smtp_url);
    if env::var_os("PUBLIC_URL").is_none() {
        command.env("PUBLIC_URL", format!("http://127.0.0.1:{port}"));
    }
    exec(command)
}

/// Becomes the server process, so Ctrl-C reaches it directly and it shuts down cleanly.
#[cfg(unix)]
fn exec(mut command: Command) -> Result {
    use std::os::unix::process::CommandExt;
    let error = command.exec();
    Err(Failure::Step(format!("cannot start the server: {error}")))
}

#[cfg(not(unix))]
fn exec(mut command: Command) -> Result {
    let status = command
        .status()
        .map_err(|e| Failure::Step(format!("cannot start the server: {e}")))?;
    if status.success() {
        Ok(())
    } else {
        Err(Failure::Step(format!("the server stopped ({status})")))
    }
}

fn test(args: &[String]) -> Result {
    if let Some(other) = args.first() {
        return Err(Failure::Usage(format!(
            "unknown argument `{other}` for test"
        )));
    }
    tools::ensure_for_build()?;
    tools::ensure_browser()?;
    postgres::ensure()?;
    let mut summary = Summary::default();

    run_step(
        "format check",
        cargo().args(["fmt", "--all", "--", "--check"]),
    )?;
    run_step(
        "clippy (native)",
        cargo().args([
            "clippy",
            "--locked",
            "--workspace",
            "--all-targets",
            "--",
            "-D",
            "warnings",
        ]),
    )?;
    run_step(
        "clippy (wasm32)",
        cargo().args([
            "clippy",
            "--locked",
            "--target",
            "wasm32-unknown-unknown",
            "-p",
            "support-spa",
            "-p",
            "support-console",
            "-p",
            "support-api",
            "-p",
            "support-rules",
            "--all-targets",
            "--",
            "-D",
            "warnings",
        ]),
    )?;
    // The server's API tests run on SQLite and on PostgreSQL; here PostgreSQL is required, so
    // a missing server fails the run instead of skipping those tests.
    summary.run_counted(
        "Rust tests (native; the API on SQLite and PostgreSQL)",
        cargo()
            .args(["test", "--locked", "--workspace"])
            .env("SUPPORT_TEST_REQUIRE_PG", "1"),
    )?;
    summary.run_counted(
        "Rust tests (wasm32, in Node)",
        cargo().args([
            "test",
            "--locked",
            "--target",
            "wasm32-unknown-unknown",
            "-p",
            "support-rules",
            "-p",
            "support-api",
        ]),
    )?;
    build_spa()?;
    run_step(
        "build the server for the browser tests",
        cargo().args(["build", "--locked", "-p", "support-server"]),
    )?;
    let artifacts = root().join("test-artifacts");
    // Chromium leaves profile folders in TMPDIR: keep them inside the job's own folder.
    let scratch = artifacts.join("tmp");
    std::fs::create_dir_all(&scratch)
        .map_err(|e| Failure::Step(format!("cannot create {}: {e}", scratch.display())))?;
    summary.run_counted(
        "browser tests (Chromium)",
        Command::new("node")
            .args(["--test", "--test-reporter=spec", "tests/browser/"])
            .env(
                "SUPPORT_SERVER_BIN",
                target_dir().join("debug/support-server"),
            )
            .env("SUPPORT_DIST", root().join("dist"))
            .env("TEST_ARTIFACTS", &artifacts)
            .env("TMPDIR", &scratch),
    )?;
    summary.finish()
}
