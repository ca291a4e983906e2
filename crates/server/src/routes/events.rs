//! Live updates: `GET /api/events`, Server-Sent Events.

use std::convert::Infallible;

use axum::extract::State;
use axum::response::sse::{Event, KeepAlive, Sse};
use futures_util::{Stream, StreamExt};
use serde::Deserialize;
use support_api::EntryEvent;

use crate::auth::Viewer;
use crate::error::ApiError;
use crate::routes::extract::{ApiQuery, LastEventId};
use crate::service::events;
use crate::state::AppState;

#[derive(Debug, Deserialize)]
pub struct EventsQuery {
    /// Only this ticket's entries.
    ticket: Option<i64>,
}

/// `GET /api/events[?ticket=ID]`: an event for each new timeline entry the caller may see,
/// its `id` the entry's position (`Last-Event-ID` resumes after it); a heartbeat comment when
/// the stream is idle.
pub async fn events(
    State(state): State<AppState>,
    viewer: Viewer,
    ApiQuery(query): ApiQuery<EventsQuery>,
    LastEventId(last): LastEventId,
) -> Result<Sse<impl Stream<Item = Result<Event, Infallible>>>, ApiError> {
    let entries = events::open(&state, &viewer, query.ticket, last).await?;
    let stream = entries.map(|entry| {
        let data = EntryEvent {
            entry: entry.position.entry,
            ticket: entry.ticket_id,
            kind: entry.kind,
        };
        let event = Event::default().id(entry.position.to_string());
        // Three numbers and an enum always make JSON; an empty event would be ignored.
        Ok(event
            .json_data(data)
            .unwrap_or_else(|_| Event::default().comment("unwritable entry")))
    });
    Ok(Sse::new(stream).keep_alive(
        KeepAlive::new()
            .interval(state.settings.events.heartbeat)
            .text("heartbeat"),
    ))
}
