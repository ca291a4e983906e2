//! Refuses request bodies over the limit so that the client can read the 413.
//!
//! A server that answers early and then stops reading makes the client's kernel see a closed
//! socket while it is still sending: the client gets EPIPE or a reset instead of the answer
//! (Node's fetch did, 2 times in 3, on a 5 MB ticket). So the answer goes out as soon as the
//! body is known to be too large, and the server keeps reading and discarding what the client
//! still sends, up to [`Limits::drain_bytes`] or [`Limits::drain_time`], before closing the
//! connection (`Connection: close`).
//!
//! - A `Content-Length` over the routes' [`BodyCap`] is answered at once, before any
//!   handler: the JSON endpoints take [`Limits::body_bytes`], the file upload the policy's
//!   largest file and its multipart framing.
//! - A body without a length (chunked) is read by the handler's extractor, which answers 413
//!   past the limit (axum's `DefaultBodyLimit`, or the upload's own count of the file's
//!   bytes); what it left unread is drained the same way. So is the rest of any body a
//!   handler did not read to its end (that answer keeps its connection unless it is a 413).

use std::pin::Pin;
use std::sync::{Arc, Mutex, PoisonError};
use std::task::{Context, Poll, ready};
use std::time::Duration;

use axum::body::{Body, Bytes};
use axum::extract::{Request, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use http_body::{Body as _, Frame, SizeHint};
use http_body_util::BodyExt;

use support_rules::ByteSize;

use crate::config::Limits;
use crate::error::ApiError;

/// The room a multipart body takes around its one file: boundaries and part headers (a
/// browser's are a few hundred bytes; a long file name adds to them).
pub const MULTIPART_FRAMING: u64 = 64 * 1024;

/// What a group of routes reads at most, how it refuses more, and how long it goes on
/// reading a refused body.
#[derive(Debug, Clone, Copy)]
pub struct BodyCap {
    /// The largest body, in bytes.
    pub bytes: u64,
    pub refusal: Refusal,
    pub drain_bytes: u64,
    pub drain_time: Duration,
}

/// What a body over its cap is told.
#[derive(Debug, Clone, Copy)]
pub enum Refusal {
    /// The JSON endpoints' limit.
    Body { limit: usize },
    /// The policy's largest file.
    File { limit: ByteSize },
}

impl BodyCap {
    /// The JSON endpoints: [`Limits::body_bytes`].
    pub fn json(limits: &Limits) -> Self {
        Self {
            bytes: limits.body_bytes as u64,
            refusal: Refusal::Body {
                limit: limits.body_bytes,
            },
            drain_bytes: limits.drain_bytes,
            drain_time: limits.drain_time,
        }
    }

    /// A file upload: one file of at most `largest` in its multipart framing.
    pub fn upload(limits: &Limits, largest: ByteSize) -> Self {
        Self {
            bytes: largest.bytes().saturating_add(MULTIPART_FRAMING),
            refusal: Refusal::File { limit: largest },
            drain_bytes: limits.drain_bytes,
            drain_time: limits.drain_time,
        }
    }

    /// The cap as axum's `DefaultBodyLimit` takes it.
    pub fn as_usize(&self) -> usize {
        usize::try_from(self.bytes).unwrap_or(usize::MAX)
    }

    fn refuse(&self) -> ApiError {
        match self.refusal {
            Refusal::Body { limit } => ApiError::TooLarge { limit },
            Refusal::File { limit } => ApiError::FileTooLarge { limit },
        }
    }
}

/// The middleware (`axum::middleware::from_fn_with_state` with the routes' [`BodyCap`]).
pub async fn enforce(State(cap): State<BodyCap>, request: Request, next: Next) -> Response {
    let declared = request
        .headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|value| value.to_str().ok())
        .and_then(|value| value.parse::<u64>().ok());
    if declared.is_some_and(|length| length > cap.bytes) {
        tokio::spawn(drain(request.into_body(), cap));
        return closing(cap.refuse().into_response());
    }
    let unread = Unread::default();
    let request = request.map(|body| {
        Body::new(Tracked {
            inner: Some(body),
            unread: unread.clone(),
        })
    });
    let response = next.run(request).await;
    let Some(rest) = unread.take() else {
        return response;
    };
    tokio::spawn(drain(rest, cap));
    // Any other answer (a 401 before the body was read, say) may keep its connection: the
    // drain reads the body to its end, and hyper closes the connection itself if it cannot.
    if response.status() == StatusCode::PAYLOAD_TOO_LARGE {
        closing(response)
    } else {
        response
    }
}

/// A connection that refused a body is not reused: the client may be sending for a while
/// yet, and past the caps the server stops reading in the middle of the body.
fn closing(mut response: Response) -> Response {
    response
        .headers_mut()
        .insert(header::CONNECTION, HeaderValue::from_static("close"));
    response
}

/// Reads and discards `body` until it ends, [`BodyCap::drain_bytes`] are read or
/// [`BodyCap::drain_time`] has passed. Dropping the body then makes hyper close the connection
/// once the answer is written.
async fn drain(mut body: Body, limits: BodyCap) {
    let mut read: u64 = 0;
    let discard = async {
        while let Some(frame) = body.frame().await {
            let Ok(frame) = frame else {
                // The client went away or broke the framing: nothing left to read.
                return;
            };
            if let Some(data) = frame.data_ref() {
                read = read.saturating_add(data.len() as u64);
                if read > limits.drain_bytes {
                    tracing::info!(read, "request body cut off at the drain cap");
                    return;
                }
            }
        }
    };
    if tokio::time::timeout(limits.drain_time, discard)
        .await
        .is_err()
    {
        tracing::info!("request body cut off at the drain time");
    }
}

/// Where a body dropped before its end leaves the rest for [`enforce`] to drain.
#[derive(Clone, Default)]
struct Unread(Arc<Mutex<Option<Body>>>);

impl Unread {
    fn put(&self, body: Body) {
        *self.0.lock().unwrap_or_else(PoisonError::into_inner) = Some(body);
    }

    fn take(&self) -> Option<Body> {
        self.0.lock().unwrap_or_else(PoisonError::into_inner).take()
    }
}

/// The request body as the handlers see it; on drop, what is left goes to [`Unread`].
struct Tracked {
    inner: Option<Body>,
    unread: Unread,
}

impl http_body::Body for Tracked {
    type Data = Bytes;
    type Error = axum::Error;

    fn poll_frame(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, axum::Error>>> {
        let Some(body) = self.inner.as_mut() else {
            return Poll::Ready(None);
        };
        let frame = ready!(Pin::new(body).poll_frame(cx));
        // Read to its end (hyper's chunked bodies never say so in `is_end_stream`), or broken:
        // either way nothing is left to drain.
        if !matches!(frame, Some(Ok(_))) {
            self.inner = None;
        }
        Poll::Ready(frame)
    }

    fn is_end_stream(&self) -> bool {
        self.inner.as_ref().is_none_or(Body::is_end_stream)
    }

    fn size_hint(&self) -> SizeHint {
        self.inner
            .as_ref()
            .map_or_else(|| SizeHint::with_exact(0), Body::size_hint)
    }
}

impl Drop for Tracked {
    fn drop(&mut self) {
        if let Some(body) = self.inner.take()
            && !body.is_end_stream()
        {
            self.unread.put(body);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tracked(text: &'static str) -> (Body, Unread) {
        let unread = Unread::default();
        let body = Body::new(Tracked {
            inner: Some(Body::from(text)),
            unread: unread.clone(),
        });
        (body, unread)
    }

    #[tokio::test]
    async fn a_body_dropped_before_its_end_leaves_the_rest_to_drain() {
        let (body, unread) = tracked("the whole ticket");
        drop(body);
        let rest = unread.take().expect("the unread body");
        let bytes = rest.collect().await.expect("the rest").to_bytes();
        assert_eq!(bytes, "the whole ticket");
    }

    #[tokio::test]
    async fn a_body_read_to_its_end_leaves_nothing_to_drain() {
        let (body, unread) = tracked("the whole ticket");
        let bytes = body.collect().await.expect("the body").to_bytes();
        assert_eq!(bytes, "the whole ticket");
        assert!(unread.take().is_none());
    }
}
