//! Precompressed copies of the built SPA, made once at build time instead of on every request.
//!
//! Next to each compressible file of `dist/` this writes `FILE.br` (brotli, quality 11) and
//! `FILE.gz` (gzip, level 9), each only when it is smaller than the file. The server serves
//! them to browsers that accept the encoding (`ServeDir::precompressed_br/gzip`) and falls back
//! to compressing on the fly when a copy is missing. Trunk empties `dist/` on every build, so
//! no stale copy outlives its file (the names of the big files carry a content hash anyway).
//!
//! Prints one line per file with its raw, gzip and brotli bytes and a total line: the sizes a
//! browser downloads (bodies only, without HTTP headers).

use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::thread;

use crate::{Failure, Result};

/// Files smaller than this are left alone: the few bytes saved are not worth a file.
const MIN_SIZE: u64 = 256;

/// Extensions of formats that compress (text, wasm, uncompressed fonts and icons). Images and
/// fonts that are compressed already (png, jpg, webp, woff2, ...) are not listed, nor `.br`/`.gz`.
const COMPRESSIBLE: &[&str] = &[
    "wasm",
    "js",
    "mjs",
    "css",
    "html",
    "htm",
    "svg",
    "json",
    "webmanifest",
    "map",
    "txt",
    "xml",
    "csv",
    "md",
    "ico",
    "ttf",
    "otf",
    "eot",
];

/// Brotli's largest window that browsers decode (24 bits, 16 MiB); above needs the
/// "large window" extension, which no browser speaks.
const MAX_BROTLI_WINDOW: u32 = 24;
const BROTLI_QUALITY: i32 = 11;
const GZIP_LEVEL: u32 = 9;

/// The sizes of one file: its own and those of its compressed copies (`None`: not smaller).
#[derive(Debug)]
pub struct Sizes {
    path: PathBuf,
    raw: u64,
    gzip: Option<u64>,
    brotli: Option<u64>,
}

impl Sizes {
    /// What a browser downloads with gzip: the copy, or the file itself when no copy helped.
    fn served_gzip(&self) -> u64 {
        self.gzip.unwrap_or(self.raw)
    }

    fn served_brotli(&self) -> u64 {
        self.brotli.unwrap_or(self.raw)
    }
}

/// Writes the compressed copies for every compressible file under `dist` and prints the sizes.
pub fn dist(dist: &Path) -> Result<Vec<Sizes>> {
    println!(
        "\n==> precompress {} (brotli quality {BROTLI_QUALITY}, gzip level {GZIP_LEVEL})",
        dist.display()
    );
    let mut files = Vec::new();
    collect(dist, &mut files)?;
    files.sort();
    let mut all = Vec::new();
    for path in files {
        all.push(file(&path)?);
    }
    print_table(dist, &all);
    Ok(all)
}

/// Every compressible file of at least [`MIN_SIZE`] bytes under `dir`.
fn collect(dir: &Path, files: &mut Vec<PathBuf>) -> Result {
    let entries =
        fs::read_dir(dir).map_err(|e| step(format!("cannot list {}: {e}", dir.display())))?;
    for entry in entries {
        let entry = entry.map_err(|e| step(format!("cannot list {}: {e}", dir.display())))?;
        let path = entry.path();
        let kind = entry
            .file_type()
            .map_err(|e| step(format!("cannot read {}: {e}", path.display())))?;
        if kind.is_dir() {
            collect(&path, files)?;
        } else if kind.is_file() && is_compressible(&path) {
            let len = entry
                .metadata()
                .map_err(|e| step(format!("cannot read {}: {e}", path.display())))?
                .len();
            if len >= MIN_SIZE {
                files.push(path);
            }
        }
    }
    Ok(())
}

fn is_compressible(path: &Path) -> bool {
    path.extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| COMPRESSIBLE.contains(&e.to_ascii_lowercase().as_str()))
}

/// Compresses one file both ways (gzip on a second thread while brotli runs) and writes the
/// copies that are smaller than the file; a copy that does not help is removed if present.
fn file(path: &Path) -> Result<Sizes> {
    let data = fs::read(path).map_err(|e| step(format!("cannot read {}: {e}", path.display())))?;
    let (gzip, brotli) = thread::scope(|scope| {
        let gzip = scope.spawn(|| gzip(&data));
        let brotli = brotli(&data);
        let gzip = gzip
            .join()
            .unwrap_or_else(|_| Err(std::io::Error::other("the gzip thread panicked")));
        (gzip, brotli)
    });
    let gzip = gzip.map_err(|e| step(format!("gzip of {}: {e}", path.display())))?;
    let brotli = brotli.map_err(|e| step(format!("brotli of {}: {e}", path.display())))?;
    let raw = data.len() as u64;
    Ok(Sizes {
        path: path.to_path_buf(),
        raw,
        gzip: keep_if_smaller(path, "gz", &gzip, raw)?,
        brotli: keep_if_smaller(path, "br", &brotli, raw)?,
    })
}

/// The smallest window (in bits) that still reaches back over the whole of `len` bytes:
/// a bigger one cannot find a match farther away, it only costs the decoder memory.
fn brotli_window(len: usize) -> u32 {
    // Brotli's window is 2^bits - 16 bytes.
    (10..MAX_BROTLI_WINDOW)
        .find(|bits| (1usize << bits) - 16 >= len)
        .unwrap_or(MAX_BROTLI_WINDOW)
}

fn brotli(data: &[u8]) -> std::io::Result<Vec<u8>> {
    let params = brotli::enc::BrotliEncoderParams {
        quality: BROTLI_QUALITY,
        lgwin: brotli_window(data.len()) as i32,
        size_hint: data.len(),
        ..Default::default()
    };
    let mut out = Vec::with_capacity(data.len() / 3);
    brotli::BrotliCompress(&mut &data[..], &mut out, &params)?;
    Ok(out)
}

fn gzip(data: &[u8]) -> std::io::Result<Vec<u8>> {
    // flate2 writes mtime 0 and no file name into the header: the output is reproducible.
    let mut encoder = flate2::write::GzEncoder::new(
        Vec::with_capacity(data.len() / 3),
        flate2::Compression::new(GZIP_LEVEL),
    );
    encoder.write_all(data)?;
    encoder.finish()
}

/// Writes `PATH.EXT` when `compressed` is smaller than the file (through a temporary file and a
/// rename, so a half-written copy is never served); otherwise removes a `PATH.EXT` left there.
fn keep_if_smaller(path: &Path, ext: &str, compressed: &[u8], raw: u64) -> Result<Option<u64>> {
    let target = with_suffix(path, &format!(".{ext}"));
    if (compressed.len() as u64) < raw {
        let temporary = with_suffix(path, &format!(".{ext}.tmp"));
        fs::write(&temporary, compressed)
            .and_then(|()| fs::rename(&temporary, &target))
            .map_err(|e| step(format!("cannot write {}: {e}", target.display())))?;
        Ok(Some(compressed.len() as u64))
    } else {
        match fs::remove_file(&target) {
            Ok(()) => {}
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(e) => return Err(step(format!("cannot remove {}: {e}", target.display()))),
        }
        Ok(None)
    }
}

fn with_suffix(path: &Path, suffix: &str) -> PathBuf {
    let mut name = path.as_os_str().to_owned();
    name.push(suffix);
    PathBuf::from(name)
}

fn print_table(dist: &Path, all: &[Sizes]) {
    let name = |sizes: &Sizes| {
        sizes
            .path
            .strip_prefix(dist)
            .unwrap_or(&sizes.path)
            .display()
            .to_string()
    };
    let width = all.iter().map(|s| name(s).len()).max().unwrap_or(0).max(5);
    println!(
        "    {:<width$}  {:>11}  {:>11}  {:>11}",
        "file", "raw", "gzip", "brotli"
    );
    let copy = |size: Option<u64>| size.map_or_else(|| "(not smaller)".to_owned(), thousands);
    for sizes in all {
        println!(
            "    {:<width$}  {:>11}  {:>11}  {:>11}",
            name(sizes),
            thousands(sizes.raw),
            copy(sizes.gzip),
            copy(sizes.brotli)
        );
    }
    println!(
        "    {:<width$}  {:>11}  {:>11}  {:>11}",
        "total",
        thousands(all.iter().map(|s| s.raw).sum()),
        thousands(all.iter().map(Sizes::served_gzip).sum()),
        thousands(all.iter().map(Sizes::served_brotli).sum())
    );
}

/// `1234567` as `1,234,567`.
fn thousands(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, digit) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(digit);
    }
    out
}

fn step(message: String) -> Failure {
    Failure::Step(message)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_window_just_covers_the_file() {
        assert_eq!(brotli_window(0), 10);
        assert_eq!(brotli_window(1008), 10);
        assert_eq!(brotli_window(1009), 11);
        assert_eq!(brotli_window(1_011_838), 20);
        assert_eq!(brotli_window(100_000_000), 24);
    }

    #[test]
    fn thousands_are_separated_by_commas() {
        assert_eq!(thousands(0), "0");
        assert_eq!(thousands(999), "999");
        assert_eq!(thousands(1000), "1,000");
        assert_eq!(thousands(1_011_838), "1,011,838");
    }

    #[test]
    fn copies_are_written_only_for_compressible_files_and_only_when_smaller() {
        let dir = std::env::temp_dir().join(format!("xtask-precompress-{}", std::process::id()));
        let _ = fs::remove_dir_all(&dir);
        fs::create_dir_all(dir.join("assets")).expect("temp dir");
        let text = "export function hello() { return 'hello, world'; }\n".repeat(200);
        fs::write(dir.join("app.js"), &text).expect("write");
        fs::write(dir.join("assets/tiny.css"), "a{}").expect("write");
        fs::write(dir.join("photo.png"), &text).expect("write");
        // Random bytes do not compress: no copy, and a stale one goes away.
        let mut noise = Vec::new();
        let mut x: u32 = 0x1234_5678;
        for _ in 0..4096 {
            x ^= x << 13;
            x ^= x >> 17;
            x ^= x << 5;
            noise.push(x as u8);
        }
        fs::write(dir.join("noise.json"), &noise).expect("write");
        fs::write(dir.join("noise.json.br"), "stale").expect("write");

        let all = super::dist(&dir).expect("precompress");
        let names: Vec<_> = all
            .iter()
            .map(|s| s.path.file_name().unwrap().to_string_lossy().into_owned())
            .collect();
        assert_eq!(names, ["app.js", "noise.json"]);

        let br = fs::read(dir.join("app.js.br")).expect("app.js.br");
        let mut decoded = Vec::new();
        brotli::BrotliDecompress(&mut &br[..], &mut decoded).expect("valid brotli");
        assert_eq!(decoded, text.as_bytes());
        let gz = fs::read(dir.join("app.js.gz")).expect("app.js.gz");
        let mut decoded = String::new();
        std::io::Read::read_to_string(&mut flate2::read::GzDecoder::new(&gz[..]), &mut decoded)
            .expect("valid gzip");
        assert_eq!(decoded, text);
        assert!(br.len() < gz.len() && gz.len() < text.len());

        assert!(!dir.join("noise.json.br").exists());
        assert!(!dir.join("noise.json.gz").exists());
        assert!(!dir.join("assets/tiny.css.br").exists());
        assert!(!dir.join("photo.png.br").exists());
        let _ = fs::remove_dir_all(&dir);
    }
}
