//! A file uploaded to a ticket: its name as a download will carry it, its media type, and
//! who may read it.

use support_api::FieldCode;

use super::FieldProblem;

/// A file's name, safe to offer as a download: the last component of what the client sent
/// (so no `../` and no folders), without control or bidirectional-override characters,
/// trimmed, and at most [`FileName::MAX_CHARS`] characters with its extension kept.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileName(String);

impl FileName {
    pub const MAX_CHARS: usize = 200;
    /// The name of a file that came without a usable one.
    pub const FALLBACK: &'static str = "attachment";
    /// An extension longer than this is part of the name, cut like the rest.
    const MAX_EXTENSION_CHARS: usize = 16;

    /// Never fails: whatever the client sent becomes a readable name.
    pub fn sanitise(raw: Option<&str>) -> Self {
        let raw = raw.unwrap_or_default();
        // Both separators: a name from Windows arrives as `C:\Users\me\log.txt`.
        let last = raw.rsplit(['/', '\\']).next().unwrap_or_default();
        let kept: String = last.chars().filter(|c| !is_hidden_control(*c)).collect();
        let trimmed = kept.trim();
        if trimmed.chars().all(|c| c == '.') {
            return Self(Self::FALLBACK.to_owned());
        }
        Self(shorten(trimmed, Self::MAX_CHARS, Self::MAX_EXTENSION_CHARS))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// Characters a name must not carry: control characters, and the ones that reorder how the
/// rest is displayed (`report\u{202E}fdp.exe` would show as `reportexe.pdf`).
fn is_hidden_control(c: char) -> bool {
    c.is_control()
        || matches!(c, '\u{200E}' | '\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
}

/// `name` cut to `max` characters, keeping an extension of at most `max_extension`.
fn shorten(name: &str, max: usize, max_extension: usize) -> String {
    if name.chars().count() <= max {
        return name.to_owned();
    }
    let extension = name
        .rfind('.')
        .filter(|&dot| dot > 0)
        .map(|dot| &name[dot..])
        .filter(|extension| extension.chars().count() <= max_extension)
        .unwrap_or_default();
    let stem_chars = max - extension.chars().count();
    let stem: String = name.chars().take(stem_chars).collect();
    format!("{}{extension}", stem.trim_end())
}

/// A media type as RFC 6838 writes it (`type/subtype`, optionally `; name=value`
/// parameters), its type and subtype in lowercase.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MediaType(String);

impl MediaType {
    pub const DEFAULT: &'static str = "application/octet-stream";
    pub const MAX_LENGTH: usize = 255;

    /// The declared `Content-Type` of a part; none is [`MediaType::DEFAULT`].
    pub fn parse(raw: Option<&[u8]>) -> Result<Self, FieldProblem> {
        let Some(raw) = raw else {
            return Ok(Self(Self::DEFAULT.to_owned()));
        };
        let invalid = || {
            FieldProblem::new(
                FieldCode::Invalid,
                format!(
                    "the file's Content-Type is not a media type like `text/plain` (at most {} characters)",
                    Self::MAX_LENGTH
                ),
            )
        };
        let text = std::str::from_utf8(raw).map_err(|_| invalid())?.trim();
        if text.len() > Self::MAX_LENGTH {
            return Err(invalid());
        }
        let mut pieces = text.split(';');
        let essence = pieces.next().unwrap_or_default().trim();
        let (kind, subtype) = essence.split_once('/').ok_or_else(invalid)?;
        if !is_restricted_name(kind) || !is_restricted_name(subtype) {
            return Err(invalid());
        }
        let mut written = essence.to_ascii_lowercase();
        for parameter in pieces {
            let (name, value) = parameter.trim().split_once('=').ok_or_else(invalid)?;
            if !is_token(name) || !(is_token(value) || is_quoted(value)) {
                return Err(invalid());
            }
            written.push_str("; ");
            written.push_str(&name.to_ascii_lowercase());
            written.push('=');
            written.push_str(value);
        }
        Ok(Self(written))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// RFC 6838's `restricted-name`: 1 to 127 letters, digits and `!#$&-^_.+`, starting with a
/// letter or digit.
fn is_restricted_name(text: &str) -> bool {
    let mut bytes = text.bytes();
    bytes.next().is_some_and(|b| b.is_ascii_alphanumeric())
        && text.len() <= 127
        && bytes.all(|b| b.is_ascii_alphanumeric() || b"!#$&-^_.+".contains(&b))
}

/// RFC 9110's `token`.
fn is_token(text: &str) -> bool {
    !text.is_empty()
        && text
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b))
}

/// RFC 9110's `quoted-string`, of visible ASCII and spaces.
fn is_quoted(text: &str) -> bool {
    let Some(inner) = text
        .strip_prefix('"')
        .and_then(|rest| rest.strip_suffix('"'))
    else {
        return false;
    };
    let mut escaped = false;
    for b in inner.bytes() {
        if !(b == b' ' || b == b'\t' || b.is_ascii_graphic()) {
            return false;
        }
        match (escaped, b) {
            (false, b'\\') => escaped = true,
            (false, b'"') => return false,
            _ => escaped = false,
        }
    }
    !escaped
}

/// The bytes of an upload: at least one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileContent(Vec<u8>);

impl FileContent {
    pub fn parse(bytes: Vec<u8>) -> Result<Self, FieldProblem> {
        if bytes.is_empty() {
            return Err(FieldProblem::new(
                FieldCode::Required,
                "the file is empty: there is nothing to attach",
            ));
        }
        Ok(Self(bytes))
    }

    pub fn as_bytes(&self) -> &[u8] {
        &self.0
    }
}

/// A file about to be stored.
#[derive(Debug, Clone)]
pub struct NewFile {
    pub name: FileName,
    pub content_type: MediaType,
    pub content: FileContent,
}

/// Which message, if any, a stored file was sent with.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Link {
    /// Uploaded, not sent yet.
    Unsent,
    /// Sent with a message the customer reads.
    Public,
    /// Sent with an engineers' internal note.
    Internal,
}

/// Who may read a stored file, once the ticket itself is known to be visible to them: a file
/// not sent yet is its uploader's alone, a file of an internal note the engineers' alone.
pub fn may_read(link: Link, uploader: i64, reader: i64, reader_is_engineer: bool) -> bool {
    match link {
        Link::Unsent => uploader == reader,
        Link::Internal => reader_is_engineer,
        Link::Public => true,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn name(raw: &str) -> String {
        FileName::sanitise(Some(raw)).as_str().to_owned()
    }

    #[test]
    fn a_name_keeps_only_its_last_component_and_no_control_characters() {
        assert_eq!(name("../../etc/passwd"), "passwd");
        assert_eq!(name("..\\..\\windows\\win.ini"), "win.ini");
        assert_eq!(name("C:\\Users\\me\\server log.txt"), "server log.txt");
        assert_eq!(name("line\nbreak\u{0}.log"), "linebreak.log");
        assert_eq!(name("report\u{202E}fdp.exe"), "reportfdp.exe");
        assert_eq!(name("  spaced.txt  "), "spaced.txt");
        assert_eq!(name("ログ ファイル.txt"), "ログ ファイル.txt");
        assert_eq!(name(".env"), ".env");
        for nothing in ["", "..", ".", "../", "dir/", " ", "\u{7}"] {
            assert_eq!(name(nothing), FileName::FALLBACK, "{nothing:?}");
        }
        assert_eq!(FileName::sanitise(None).as_str(), FileName::FALLBACK);
    }

    #[test]
    fn a_long_name_is_cut_with_its_extension_kept() {
        let long = format!("{}.tar.gz", "é".repeat(300));
        let cut = name(&long);
        assert_eq!(cut.chars().count(), FileName::MAX_CHARS);
        assert!(cut.ends_with("é.gz"), "{cut}");
        let no_extension = "x".repeat(500);
        assert_eq!(name(&no_extension).chars().count(), FileName::MAX_CHARS);
        let long_extension = format!("a.{}", "b".repeat(300));
        assert_eq!(name(&long_extension).chars().count(), FileName::MAX_CHARS);
    }

    #[test]
    fn a_media_type_is_checked_and_its_names_lowercased() {
        let parse = |raw: &str| MediaType::parse(Some(raw.as_bytes())).map(|m| m.0);
        assert_eq!(
            MediaType::parse(None).map(|m| m.0).as_deref(),
            Ok(MediaType::DEFAULT)
        );
        assert_eq!(parse("Text/Plain").as_deref(), Ok("text/plain"));
        assert_eq!(
            parse("text/plain;Charset=UTF-8").as_deref(),
            Ok("text/plain; charset=UTF-8")
        );
        assert_eq!(parse("image/svg+xml").as_deref(), Ok("image/svg+xml"));
        assert_eq!(
            parse(r#"multipart/mixed; boundary="a b""#).as_deref(),
            Ok(r#"multipart/mixed; boundary="a b""#)
        );
        for bad in [
            "",
            "text",
            "text/",
            "/plain",
            "text/plain/x",
            "text plain",
            "text/plain; charset",
            "text/pl\u{0}ain",
            "text/plain; a=\"unclosed",
            "t\u{e9}xt/plain",
        ] {
            assert!(parse(bad).is_err(), "{bad:?}");
        }
        assert!(parse(&format!("text/{}", "x".repeat(300))).is_err());
        assert!(MediaType::parse(Some(b"text/\xff")).is_err());
    }

    #[test]
    fn an_empty_file_is_refused() {
        assert_eq!(
            FileContent::parse(Vec::new()).map_err(|e| e.code),
            Err(FieldCode::Required)
        );
        assert_eq!(
            FileContent::parse(vec![0]).map(|c| c.as_bytes().len()),
            Ok(1)
        );
    }

    #[test]
    fn an_unsent_file_is_its_uploaders_and_a_notes_file_the_engineers() {
        assert!(may_read(Link::Unsent, 1, 1, false));
        assert!(!may_read(Link::Unsent, 1, 2, true));
        assert!(!may_read(Link::Internal, 1, 1, false));
        assert!(may_read(Link::Internal, 1, 2, true));
        assert!(may_read(Link::Public, 1, 2, false));
    }
}
