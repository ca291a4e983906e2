//! Files on a ticket: the upload (`multipart/form-data`, one `file` part, read as a stream
//! and counted) and the download (always as a download, never rendered in our origin).

use axum::extract::multipart::{Field, MultipartError, MultipartRejection};
use axum::extract::{Multipart, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use support_api::{FieldCode, FieldError};
use support_rules::ByteSize;

use crate::auth::Viewer;
use crate::domain::Invalid;
use crate::domain::attachment::{FileContent, FileName, MediaType, NewFile};
use crate::error::ApiError;
use crate::routes::extract::{ApiPath, Idempotency};
use crate::routes::tickets::stored_answer;
use crate::service::attachments::{self, Download};
use crate::state::AppState;

/// `POST /api/tickets/{id}/attachments`: `201` with the stored file, unsent until a message
/// lists it (the first answer again for a retry with the same `Idempotency-Key`).
pub async fn upload(
    State(state): State<AppState>,
    viewer: Viewer,
    ApiPath(id): ApiPath<i64>,
    Idempotency(key): Idempotency,
    multipart: Result<Multipart, MultipartRejection>,
) -> Result<Response, ApiError> {
    let ticket = attachments::ticket_to_attach_to(&state, &viewer, id).await?;
    let mut multipart = multipart.map_err(|_| {
        ApiError::UnsupportedMediaType(
            "The body must be `multipart/form-data` (with its boundary) holding one `file` part."
                .into(),
        )
    })?;
    let largest = state.policy.policy.document().attachments.max_file_size;
    let file = one_file(&mut multipart, largest).await?;
    let uploaded = attachments::upload(&state, &viewer, &ticket, &file, key.as_ref()).await?;
    Ok(stored_answer(uploaded))
}

fn only_one_file(part: Option<&str>) -> ApiError {
    let part = part.unwrap_or_default();
    ApiError::Invalid(vec![FieldError::new(
        FieldCode::NotAllowed,
        if part.is_empty() { "file" } else { part },
        "the body takes exactly one part, named `file`, and nothing else",
    )])
}

fn broken_multipart(largest: ByteSize) -> impl Fn(MultipartError) -> ApiError {
    move |error| {
        if error.status() == StatusCode::PAYLOAD_TOO_LARGE {
            ApiError::FileTooLarge { limit: largest }
        } else {
            ApiError::Malformed(format!(
                "The multipart body cannot be read: {}.",
                error.body_text()
            ))
        }
    }
}

/// Reads the body's one `file` part, counting its bytes as they come and stopping past
/// `largest`; any other part, a second file or none is a 422.
async fn one_file(multipart: &mut Multipart, largest: ByteSize) -> Result<NewFile, ApiError> {
    let broken = broken_multipart(largest);
    let mut found = None;
    while let Some(field) = multipart.next_field().await.map_err(&broken)? {
        if field.name() != Some("file") || found.is_some() {
            return Err(only_one_file(field.name()));
        }
        found = Some(read_file(field, largest, &broken).await?);
    }
    found.ok_or_else(|| {
        ApiError::Invalid(vec![FieldError::new(
            FieldCode::Required,
            "file",
            "the body has no `file` part",
        )])
    })
}

async fn read_file(
    mut field: Field<'_>,
    largest: ByteSize,
    broken: &impl Fn(MultipartError) -> ApiError,
) -> Result<NewFile, ApiError> {
    let name = FileName::sanitise(field.file_name());
    let content_type = MediaType::parse(
        field
            .headers()
            .get(header::CONTENT_TYPE)
            .map(HeaderValue::as_bytes),
    )
    .map_err(|problem| Invalid::named("file", problem))?;
    let mut bytes = Vec::new();
    while let Some(chunk) = field.chunk().await.map_err(broken)? {
        if (bytes.len() + chunk.len()) as u64 > largest.bytes() {
            return Err(ApiError::FileTooLarge { limit: largest });
        }
        bytes.extend_from_slice(&chunk);
    }
    let content = FileContent::parse(bytes).map_err(|problem| Invalid::named("file", problem))?;
    Ok(NewFile {
        name,
        content_type,
        content,
    })
}

/// `GET /api/attachments/{id}`: the bytes, as a download with the stored name and type, in
/// a sandbox and never sniffed, so that an uploaded page or image never runs as ours.
pub async fn download(
    State(state): State<AppState>,
    viewer: Viewer,
    ApiPath(id): ApiPath<i64>,
) -> Result<Response, ApiError> {
    let Download {
        attachment,
        content,
    } = attachments::download(&state, &viewer, id).await?;
    let content_type = HeaderValue::from_str(&attachment.content_type)
        .unwrap_or(HeaderValue::from_static(MediaType::DEFAULT));
    let disposition = HeaderValue::from_str(&content_disposition(&attachment.name))
        .unwrap_or(HeaderValue::from_static("attachment"));
    Ok((
        [
            (header::CONTENT_TYPE, content_type),
            (header::CONTENT_DISPOSITION, disposition),
            (
                header::X_CONTENT_TYPE_OPTIONS,
                HeaderValue::from_static("nosniff"),
            ),
            (
                header::CONTENT_SECURITY_POLICY,
                HeaderValue::from_static("sandbox"),
            ),
            (
                header::CACHE_CONTROL,
                HeaderValue::from_static("private, no-cache"),
            ),
        ],
        content,
    )
        .into_response())
}

/// `attachment; filename="…"; filename*=UTF-8''…` (RFC 6266): an ASCII stand-in for old
/// clients (`_` for what is not plain ASCII, or a quote or backslash), and the exact name
/// percent-encoded (RFC 8187).
fn content_disposition(name: &str) -> String {
    let plain: String = name
        .chars()
        .map(|c| {
            if c.is_ascii_graphic() && c != '"' && c != '\\' || c == ' ' {
                c
            } else {
                '_'
            }
        })
        .collect();
    let mut encoded = String::with_capacity(name.len() * 3);
    for byte in name.bytes() {
        if byte.is_ascii_alphanumeric() || b"!#$&+-.^_`|~".contains(&byte) {
            encoded.push(char::from(byte));
        } else {
            encoded.push_str(&format!("%{byte:02X}"));
        }
    }
    format!("attachment; filename=\"{plain}\"; filename*=UTF-8''{encoded}")
}

#[cfg(test)]
mod tests {
    use super::content_disposition;

    #[test]
    fn the_disposition_names_the_file_in_ascii_and_exactly_in_utf8() {
        assert_eq!(
            content_disposition("server log.txt"),
            "attachment; filename=\"server log.txt\"; filename*=UTF-8''server%20log.txt"
        );
        assert_eq!(
            content_disposition("ログ\"1\".txt"),
            "attachment; filename=\"___1_.txt\"; \
             filename*=UTF-8''%E3%83%AD%E3%82%B0%221%22.txt"
        );
        assert_eq!(
            content_disposition("a\\b;c=%.txt"),
            "attachment; filename=\"a_b;c=%.txt\"; filename*=UTF-8''a%5Cb%3Bc%3D%25.txt"
        );
    }
}
