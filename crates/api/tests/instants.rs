//! A ticket's instants read the same natively (jiff) and in the browser (`Date.parse`), to the
//! millisecond: `cargo test --target wasm32-unknown-unknown -p support-api` runs this in Node.

use support_api::Ticket;

#[cfg(target_arch = "wasm32")]
use wasm_bindgen_test::wasm_bindgen_test as test;

fn ticket(created_at: &str) -> String {
    format!(
        r#"{{"id":1,"type":"question","severity":null,"service":null,"subject":"s",
        "description":"d","language":"en","status":"open","created_at":"{created_at}",
        "opened_at":null,"first_response_due":"2026-03-29T01:30:00Z",
        "submitter":{{"id":1,"name":"A","email":"a@example.com"}},"decided_at":null,
        "rejection_reason":null,"level":2,"tsm":false,
        "sla":{{"first_response":{{"due":"2026-03-29T01:30:00Z","met_at":null,"breached":false}},
        "update":{{"due":null,"paused":false}}}}}}"#
    )
}

#[test]
fn a_ticket_reads_its_utc_instants_to_the_millisecond_on_every_target() {
    let read: Ticket = serde_json::from_str(&ticket("2026-12-01T10:00:00.123456Z")).unwrap();
    // `date -u -d @1796119200`: Tue Dec  1 10:00:00 UTC 2026.
    assert_eq!(read.created_at.as_millisecond(), 1_796_119_200_123);
    // Lisbon's clocks went forward 30 minutes earlier: the UTC instant is what counts.
    assert_eq!(read.first_response_due.unwrap().as_second(), 1_774_747_800);
}

#[test]
fn a_ticket_whose_instant_has_an_offset_or_is_not_a_date_does_not_read() {
    for text in ["2026-12-01T11:00:00+01:00", "2026-12-01T10:00:00", "soon"] {
        assert!(
            serde_json::from_str::<Ticket>(&ticket(text)).is_err(),
            "{text}"
        );
    }
}
