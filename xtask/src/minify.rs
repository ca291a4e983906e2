//! Minifies the JavaScript glue of the built SPA with esbuild (npm, pinned in package.json).
//!
//! Trunk's own minifier fails on wasm-bindgen's output and leaves the glue as it is. esbuild
//! rewrites each `.js` file of `dist/` in place; the file keeps its name (its hash names the
//! build it comes from, which is still true) and `index.html`'s subresource-integrity hash of
//! it is replaced by the new content's, so the browser accepts the smaller file.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

use base64::Engine;
use sha2::{Digest, Sha384};

use crate::{Failure, Result, root, run_step};

/// `sha384-…` as `integrity` attributes write it.
fn integrity(bytes: &[u8]) -> String {
    let digest = Sha384::digest(bytes);
    format!(
        "sha384-{}",
        base64::engine::general_purpose::STANDARD.encode(digest)
    )
}

fn read(path: &Path) -> Result<Vec<u8>> {
    fs::read(path).map_err(|e| Failure::Step(format!("cannot read {}: {e}", path.display())))
}

fn scripts(dist: &Path) -> Result<Vec<PathBuf>> {
    let entries = fs::read_dir(dist)
        .map_err(|e| Failure::Step(format!("cannot list {}: {e}", dist.display())))?;
    let mut found: Vec<PathBuf> = entries
        .filter_map(|entry| entry.ok().map(|e| e.path()))
        .filter(|path| path.extension().is_some_and(|ext| ext == "js"))
        .collect();
    found.sort();
    Ok(found)
}

/// Minifies every `.js` of `dist` (not of its folders) and updates the integrity hashes of its
/// pages (`index.html`, `ticket.html`); `dist/console/` is the console's, minified on its own.
pub fn dist(dist: &Path) -> Result {
    let mut pages = Vec::new();
    for name in ["index.html", "ticket.html"] {
        let path = dist.join(name);
        if name == "ticket.html" && !path.exists() {
            continue;
        }
        let html = String::from_utf8(read(&path)?)
            .map_err(|_| Failure::Step(format!("{} is not UTF-8", path.display())))?;
        pages.push((path, html));
    }
    let esbuild = root().join("node_modules/.bin/esbuild");
    for script in scripts(dist)? {
        let before = read(&script)?;
        run_step(
            &format!("minify {} (esbuild)", script.display()),
            Command::new(&esbuild)
                .arg(&script)
                .args([
                    "--minify",
                    "--format=esm",
                    "--allow-overwrite",
                    "--log-level=warning",
                ])
                .arg(format!("--outfile={}", script.display())),
        )?;
        let after = read(&script)?;
        println!("    {} -> {} bytes", before.len(), after.len());
        for (_, html) in &mut pages {
            *html = html.replace(&integrity(&before), &integrity(&after));
        }
    }
    for (path, html) in pages {
        fs::write(&path, html)
            .map_err(|e| Failure::Step(format!("cannot write {}: {e}", path.display())))?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::integrity;

    #[test]
    fn integrity_is_the_base64_sha384_that_browsers_check() {
        // `printf abc | openssl dgst -sha384 -binary | base64`
        assert_eq!(
            integrity(b"abc"),
            "sha384-ywB1P0WjXou1oD1pmsZQBycsMqsO3tFjGotgWkP/W+2AhgcroefMI1i67KE0yCWn"
        );
    }
}
