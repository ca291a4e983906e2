//! Installs the tools the build and the tests need, pinned to exact versions, and only when
//! they are missing or of another version: a second run spends no time here.

use std::fs;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::Instant;

use crate::{Failure, Result, cargo, root, run_step};

const TRUNK_VERSION: &str = "0.21.14";
const WASM_OPT_VERSION: &str = "132";
const WASM_TARGET: &str = "wasm32-unknown-unknown";

/// Everything `trunk build` and the wasm32 checks need.
pub fn ensure_for_build() -> Result {
    let started = Instant::now();
    ensure_wasm_target()?;
    ensure_trunk()?;
    ensure_wasm_bindgen()?;
    ensure_node_packages()?;
    println!("==> tools ready ({:.1} s)", started.elapsed().as_secs_f64());
    Ok(())
}

/// Output of `program args…` when it runs and succeeds.
fn output_of(program: &str, args: &[&str]) -> Option<String> {
    let output = Command::new(program)
        .args(args)
        .stderr(Stdio::null())
        .output()
        .ok()?;
    output
        .status
        .success()
        .then(|| String::from_utf8_lossy(&output.stdout).into_owned())
}

fn ensure_wasm_target() -> Result {
    let installed = output_of("rustup", &["target", "list", "--installed"]).unwrap_or_default();
    if installed.lines().any(|line| line.trim() == WASM_TARGET) {
        return Ok(());
    }
    run_step(
        "install the wasm32 target",
        Command::new("rustup").args(["target", "add", WASM_TARGET]),
    )
}

fn ensure_trunk() -> Result {
    let found = output_of("trunk", &["--version"]).unwrap_or_default();
    if found.split_whitespace().nth(1) == Some(TRUNK_VERSION) {
        return Ok(());
    }
    run_step(
        &format!("install trunk {TRUNK_VERSION} (a few minutes, once)"),
        cargo().args([
            "install",
            "trunk",
            "--version",
            TRUNK_VERSION,
            "--locked",
            "--force",
        ]),
    )
}

/// The wasm-bindgen CLI must be the very version of the crate in Cargo.lock.
fn ensure_wasm_bindgen() -> Result {
    let wanted = locked_version("wasm-bindgen")?;
    let found = output_of("wasm-bindgen", &["--version"]).unwrap_or_default();
    if found.split_whitespace().nth(1) == Some(wanted.as_str()) {
        return Ok(());
    }
    let what = format!("install wasm-bindgen-cli {wanted} (a few minutes, once)");
    let args = [
        "install",
        "wasm-bindgen-cli",
        "--version",
        &wanted,
        "--force",
    ];
    // Its own lockfile wants crates that a registry mirror may lack: fall back to resolving.
    run_step(&what, cargo().args(args).arg("--locked"))
        .or_else(|_| run_step(&format!("{what}, without --locked"), cargo().args(args)))
}

/// The version of `name` recorded in Cargo.lock.
fn locked_version(name: &str) -> Result<String> {
    let path = root().join("Cargo.lock");
    let lock = fs::read_to_string(&path)
        .map_err(|e| Failure::Step(format!("cannot read {}: {e}", path.display())))?;
    let header = format!("name = \"{name}\"");
    let mut lines = lock.lines();
    while let Some(line) = lines.next() {
        if line.trim() == header
            && let Some(version) = lines
                .next()
                .and_then(|l| l.trim().strip_prefix("version = \""))
                .and_then(|v| v.strip_suffix('"'))
        {
            return Ok(version.to_string());
        }
    }
    Err(Failure::Step(format!(
        "{name} is not in {}",
        path.display()
    )))
}

/// wasm-opt (binaryen) and the browser-test packages, from package-lock.json.
fn ensure_node_packages() -> Result {
    let root = root();
    let wasm_opt = root.join("node_modules/.bin/wasm-opt");
    let version = output_of(&wasm_opt.to_string_lossy(), &["--version"]).unwrap_or_default();
    let fresh = version.split_whitespace().nth(2) == Some(WASM_OPT_VERSION)
        && newer_or_same(
            &root.join("node_modules/.package-lock.json"),
            &root.join("package-lock.json"),
        );
    if fresh {
        return Ok(());
    }
    run_step(
        "install node packages (npm ci)",
        Command::new("npm").args(["ci", "--no-audit", "--no-fund"]),
    )
}

fn newer_or_same(a: &Path, b: &Path) -> bool {
    let modified = |p: &Path| fs::metadata(p).and_then(|m| m.modified()).ok();
    match (modified(a), modified(b)) {
        (Some(a), Some(b)) => a >= b,
        _ => false,
    }
}

/// Debian's Chromium and ChromeDriver; no test tool may download a browser.
pub fn ensure_browser() -> Result {
    let present = |p: &str| Path::new(p).is_file();
    if present("/usr/bin/chromium") && present("/usr/bin/chromedriver") {
        return Ok(());
    }
    let is_root = output_of("id", &["-u"]).is_some_and(|uid| uid.trim() == "0");
    if !is_root {
        return Err(Failure::Step(
            "the browser tests need Debian's Chromium and ChromeDriver; install them with\n  \
             sudo apt-get install -y chromium chromium-driver\nthen run `cargo xtask test` again"
                .into(),
        ));
    }
    run_step(
        "update the package lists (apt-get update)",
        Command::new("apt-get").args(["update", "-q"]),
    )?;
    run_step(
        "install chromium and chromium-driver (apt-get)",
        Command::new("apt-get")
            .args(["install", "-y", "-q", "chromium", "chromium-driver"])
            .env("DEBIAN_FRONTEND", "noninteractive"),
    )
}
