//! File uploads with a progress bar. `fetch` cannot report how much of a request body has
//! gone out, so this is the one call the SPA makes with `XMLHttpRequest` instead of
//! gloo-net; its answer is read like every other ([`ApiError::of_answer`]).

use std::cell::RefCell;
use std::rc::Rc;

use support_api::Attachment;
use wasm_bindgen::JsCast;
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;
use web_sys::{File, FormData, ProgressEvent, XmlHttpRequest};

use crate::api::{ApiError, new_idempotency_key};

/// Uploads `file` to ticket `ticket` as its next message's attachment; `progress` hears the
/// share sent so far (0 to 1) as the upload goes.
pub async fn upload(
    ticket: i64,
    file: &File,
    progress: impl Fn(f64) + 'static,
) -> Result<Attachment, ApiError> {
    let failed = |what: &str| ApiError::Network(format!("the upload could not {what}"));
    let xhr = XmlHttpRequest::new().map_err(|_| failed("start"))?;
    xhr.open("POST", &format!("/api/tickets/{ticket}/attachments"))
        .map_err(|_| failed("start"))?;
    // A retry of the same request is answered once (the server keeps the key).
    let _ = xhr.set_request_header("Idempotency-Key", &new_idempotency_key());
    let form = FormData::new().map_err(|_| failed("start"))?;
    form.append_with_blob_and_filename("file", file, &file.name())
        .map_err(|_| failed("read the file"))?;
    let on_progress = Closure::<dyn FnMut(ProgressEvent)>::new(move |event: ProgressEvent| {
        if event.length_computable() && event.total() > 0.0 {
            progress(event.loaded() / event.total());
        }
    });
    if let Ok(upload) = xhr.upload() {
        upload.set_onprogress(Some(on_progress.as_ref().unchecked_ref()));
    }
    // The request's end (an answer, or a network failure) settles this promise.
    let outcome: Rc<RefCell<Option<bool>>> = Rc::default();
    let done = js_sys::Promise::new(&mut |resolve, _| {
        for (event, answered) in [("load", true), ("error", false), ("abort", false)] {
            let (resolve, outcome) = (resolve.clone(), Rc::clone(&outcome));
            let listener = Closure::once_into_js(move || {
                outcome.replace(Some(answered));
                let _ = resolve.call0(&JsValue::NULL);
            });
            let _ = xhr.add_event_listener_with_callback(event, listener.unchecked_ref());
        }
    });
    xhr.send_with_opt_form_data(Some(&form))
        .map_err(|_| failed("be sent"))?;
    let _ = JsFuture::from(done).await;
    drop(on_progress);
    if *outcome.borrow() != Some(true) {
        return Err(failed("reach the server (the connection failed)"));
    }
    let status = xhr.status().unwrap_or(0);
    let body = xhr.response_text().ok().flatten().unwrap_or_default();
    if (200..300).contains(&status) {
        serde_json::from_str(&body).map_err(|e| ApiError::Decode(e.to_string()))
    } else {
        Err(ApiError::of_answer(status, &body))
    }
}
