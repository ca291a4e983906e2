//! A Server-Sent Events reader for the tests: reads `GET /api/events` as a browser's
//! `EventSource` would, frame by frame.

use std::time::Duration;

use serde_json::Value;

/// How long a test waits for the next frame before it fails (a safety net against a hang,
/// not a measured deadline: the server sends within 2 s and a heartbeat when idle).
const PATIENCE: Duration = Duration::from_secs(30);

/// One frame of the stream.
#[derive(Debug, Clone, PartialEq)]
pub enum Frame {
    Event(Event),
    /// A comment line (`: text`), such as the heartbeat.
    Comment(String),
}

/// An event: its `id` (the position to resume after) and its JSON data.
#[derive(Debug, Clone, PartialEq)]
pub struct Event {
    pub id: String,
    pub data: Value,
}

impl Event {
    pub fn entry(&self) -> i64 {
        self.data["entry"].as_i64().expect("an entry id")
    }

    pub fn ticket(&self) -> i64 {
        self.data["ticket"].as_i64().expect("a ticket id")
    }

    pub fn kind(&self) -> &str {
        self.data["type"].as_str().expect("an entry type")
    }
}

pub struct EventStream {
    response: reqwest::Response,
    buffer: Vec<u8>,
}

impl EventStream {
    /// Reads an answer that must be a `200` event stream.
    pub fn new(response: reqwest::Response) -> EventStream {
        assert_eq!(response.status(), 200, "an event stream");
        let media = response
            .headers()
            .get("content-type")
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_owned();
        assert_eq!(media, "text/event-stream");
        EventStream {
            response,
            buffer: Vec::new(),
        }
    }

    /// The next frame; `None` once the server ended the stream.
    pub async fn next_frame(&mut self) -> Option<Frame> {
        loop {
            if let Some(end) = self.buffer.windows(2).position(|w| w == b"\n\n") {
                let block: Vec<u8> = self.buffer.drain(..end + 2).collect();
                let text = String::from_utf8(block).expect("UTF-8 frames");
                if let Some(frame) = parse(&text) {
                    return Some(frame);
                }
                continue;
            }
            let chunk = tokio::time::timeout(PATIENCE, self.response.chunk())
                .await
                .expect("a frame within the test's patience")
                .ok()
                .flatten()?;
            self.buffer.extend_from_slice(&chunk);
        }
    }

    /// The next event, past comments; `None` once the server ended the stream.
    pub async fn next_event(&mut self) -> Option<Event> {
        loop {
            match self.next_frame().await? {
                Frame::Event(event) => return Some(event),
                Frame::Comment(_) => {}
            }
        }
    }

    /// Every event up to and including the first of entry `last`.
    pub async fn events_through(&mut self, last: i64) -> Vec<Event> {
        let mut events = Vec::new();
        loop {
            let event = self.next_event().await.unwrap_or_else(|| {
                let shown: Vec<&Event> = events.iter().rev().take(5).collect();
                panic!(
                    "the stream ended before entry {last} after {} events, the last: {shown:?}",
                    events.len()
                )
            });
            let done = event.entry() == last;
            events.push(event);
            if done {
                return events;
            }
        }
    }
}

fn parse(block: &str) -> Option<Frame> {
    let mut id = None;
    let mut data = String::new();
    let mut comment = None;
    for line in block.lines() {
        if let Some(text) = line.strip_prefix(':') {
            comment = Some(text.trim().to_owned());
        } else if let Some(value) = line.strip_prefix("id:") {
            id = Some(value.trim().to_owned());
        } else if let Some(value) = line.strip_prefix("data:") {
            data.push_str(value.trim());
        }
    }
    match (id, comment) {
        (Some(id), _) => Some(Frame::Event(Event {
            id,
            data: serde_json::from_str(&data).expect("JSON data"),
        })),
        (None, Some(comment)) => Some(Frame::Comment(comment)),
        (None, None) => None,
    }
}

/// The entry ids of `events`, in order.
pub fn entries(events: &[Event]) -> Vec<i64> {
    events.iter().map(Event::entry).collect()
}
