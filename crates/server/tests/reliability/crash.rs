//! Crash durability: the real server is killed with SIGKILL at random moments while contacts
//! submit tickets concurrently, and started again on the same database each time. No ticket
//! that was acknowledged (201) is lost or torn, and retrying every request that got no answer
//! with its `Idempotency-Key` leaves exactly one ticket per key and no other ticket.

use std::collections::{BTreeMap, HashMap};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use reqwest::Client;
use serde_json::Value;
use sqlx::{AnyPool, Row};

use crate::real_server::{
    Backend, Database, RealServer, add_person, count, create_account, incident, random_below,
    sign_in,
};

/// Contacts submitting at once, each from two workers.
const PEOPLE: usize = 8;
const WORKERS_PER_PERSON: usize = 2;
/// New tickets per worker per run of the server: with one retry each, ten requests per person
/// per run, the server's default budget of new tickets per person (kept in memory, so a
/// restart renews it).
const NEW_PER_WORKER: usize = 4;
const KILLS: usize = 12;

#[derive(Default)]
struct Ledger {
    /// Every key sent, and the index of the person who sent it.
    sent: BTreeMap<String, usize>,
    /// The ticket id of every 201 received, per key.
    answers: HashMap<String, Vec<i64>>,
    /// The body of each key's first 201.
    bodies: HashMap<String, Value>,
    /// Keys whose last request got no (complete) answer, and the worker that owns each.
    unanswered: BTreeMap<String, usize>,
    /// Keys found committed after a kill although their request got no answer: the ticket a
    /// retry must get.
    committed_unanswered: HashMap<String, i64>,
    /// Retries that got the ticket committed before the crash.
    replayed_after_crash: usize,
    /// Answers that were neither a 201 nor a lost connection.
    unexpected: Vec<String>,
}

impl Ledger {
    fn record_created(&mut self, key: &str, body: Value) {
        let Some(id) = body["id"].as_i64() else {
            self.unexpected
                .push(format!("{key}: a 201 without an id: {body}"));
            return;
        };
        self.unanswered.remove(key);
        if let Some(first) = self.committed_unanswered.remove(key) {
            if first == id {
                self.replayed_after_crash += 1;
            } else {
                self.unexpected.push(format!(
                    "{key}: ticket {first} was committed before the crash, the retry got {id}"
                ));
            }
        }
        self.answers.entry(key.to_owned()).or_default().push(id);
        self.bodies.entry(key.to_owned()).or_insert(body);
    }
}

struct Worker {
    base: String,
    client: Client,
    person: usize,
    index: usize,
    run: usize,
    ledger: Arc<Mutex<Ledger>>,
    answered: Arc<AtomicUsize>,
}

impl Worker {
    /// Sends its unanswered key from the last run (if any), then new ones, one at a time; stops
    /// at the first request that gets no answer (the server is gone).
    async fn submit(self) {
        let retry = {
            let ledger = self.ledger.lock().expect("ledger");
            ledger
                .unanswered
                .iter()
                .find(|(_, worker)| **worker == self.index)
                .map(|(key, _)| key.clone())
        };
        let fresh = (0..NEW_PER_WORKER).map(|i| format!("run{}-w{}-{i}", self.run, self.index));
        for key in retry.into_iter().chain(fresh) {
            {
                let mut ledger = self.ledger.lock().expect("ledger");
                ledger.sent.insert(key.clone(), self.person);
                ledger.unanswered.insert(key.clone(), self.index);
            }
            let sent = self
                .client
                .post(format!("{}/api/tickets", self.base))
                .header("Idempotency-Key", &key)
                .json(&incident(&key))
                .send()
                .await;
            let Ok(response) = sent else { return };
            let status = response.status();
            let Ok(text) = response.text().await else {
                return;
            };
            let mut ledger = self.ledger.lock().expect("ledger");
            if status == 201 {
                match serde_json::from_str::<Value>(&text) {
                    Ok(body) => ledger.record_created(&key, body),
                    Err(error) => ledger
                        .unexpected
                        .push(format!("{key}: a 201 that is not JSON ({error}): {text}")),
                }
                self.answered.fetch_add(1, Ordering::SeqCst);
            } else {
                ledger.unexpected.push(format!("{key}: {status} {text}"));
                return;
            }
        }
    }
}

/// After a kill: which unanswered keys were committed anyway (their retry must replay them).
async fn note_committed(pool: &AnyPool, ledger: &Mutex<Ledger>) {
    let keys: Vec<String> = ledger
        .lock()
        .expect("ledger")
        .unanswered
        .keys()
        .cloned()
        .collect();
    for key in keys {
        let committed: Option<i64> =
            sqlx::query_scalar("SELECT ticket_id FROM idempotency_keys WHERE idempotency_key = $1")
                .bind(&key)
                .fetch_optional(pool)
                .await
                .expect("look the key up");
        if let Some(id) = committed {
            ledger
                .lock()
                .expect("ledger")
                .committed_unanswered
                .insert(key, id);
        }
    }
}

async fn killed_servers_lose_no_acknowledged_ticket_and_retries_make_exactly_one(backend: Backend) {
    let started = Instant::now();
    let database = Database::fresh(backend).await;
    create_account(&database, "boss@example.com").await;
    let server = RealServer::start(&database, 0).await;
    let manager = sign_in(&server, "boss@example.com").await;
    let mut clients = Vec::new();
    for person in 0..PEOPLE {
        let email = format!("contact{person}@example.com");
        clients.push(add_person(&server, &database, &manager, &email, true, false).await);
    }
    let pool = database.pool().await;
    let ledger = Arc::new(Mutex::new(Ledger::default()));
    let mut kills_mid_traffic = 0;

    let mut first = Some(server);
    for run in 0..KILLS {
        let server = match first.take() {
            Some(server) => server,
            None => RealServer::start(&database, run).await,
        };
        let answered = Arc::new(AtomicUsize::new(0));
        let mut workers = Vec::new();
        for (person, client) in clients.iter().enumerate() {
            for w in 0..WORKERS_PER_PERSON {
                let worker = Worker {
                    base: server.url(""),
                    client: client.clone(),
                    person,
                    index: person * WORKERS_PER_PERSON + w,
                    run,
                    ledger: ledger.clone(),
                    answered: answered.clone(),
                };
                workers.push(tokio::spawn(worker.submit()));
            }
        }
        // Kill after a random number of answers (1 to 40 of up to 80), a few ms later.
        let kill_after = 1 + random_below(40) as usize;
        let deadline = Instant::now() + Duration::from_secs(60);
        while answered.load(Ordering::SeqCst) < kill_after
            && !workers.iter().all(|w| w.is_finished())
            && Instant::now() < deadline
        {
            tokio::time::sleep(Duration::from_millis(1)).await;
        }
        tokio::time::sleep(Duration::from_micros(random_below(4000))).await;
        let log = server.log();
        server.kill();
        for worker in workers {
            worker.await.expect("a worker");
        }
        let cut = !ledger.lock().expect("ledger").unanswered.is_empty();
        kills_mid_traffic += usize::from(cut);
        {
            let ledger = ledger.lock().expect("ledger");
            assert!(
                ledger.unexpected.is_empty(),
                "unexpected answers in run {run}: {:#?}\nserver log:\n{log}",
                ledger.unexpected
            );
        }
        note_committed(&pool, &ledger).await;
    }

    // The last start: every request that got no answer is sent again with its key.
    let server = RealServer::start(&database, KILLS).await;
    let pending: Vec<(String, usize)> = {
        let ledger = ledger.lock().expect("ledger");
        ledger
            .unanswered
            .keys()
            .map(|key| (key.clone(), ledger.sent[key]))
            .collect()
    };
    for (key, person) in &pending {
        let response = clients[*person]
            .post(server.url("/api/tickets"))
            .header("Idempotency-Key", key)
            .json(&incident(key))
            .send()
            .await
            .expect("the retry reaches the server");
        let status = response.status();
        let text = response.text().await.expect("the retry's answer");
        assert_eq!(status, 201, "retry of {key}: {text}\n{}", server.log());
        let body = serde_json::from_str(&text).expect("a JSON ticket");
        ledger.lock().expect("ledger").record_created(key, body);
    }

    let ledger = std::mem::take(&mut *ledger.lock().expect("ledger"));
    assert!(ledger.unexpected.is_empty(), "{:#?}", ledger.unexpected);
    assert!(ledger.unanswered.is_empty());
    assert!(
        kills_mid_traffic >= KILLS / 2,
        "only {kills_mid_traffic} of {KILLS} kills cut a request: the test did not test crashes"
    );

    // Every key maps to exactly one ticket, and there is no other ticket.
    let rows = sqlx::query("SELECT idempotency_key, ticket_id FROM idempotency_keys")
        .fetch_all(&pool)
        .await
        .expect("the keys");
    let stored: BTreeMap<String, i64> = rows
        .iter()
        .map(|row| (row.get("idempotency_key"), row.get("ticket_id")))
        .collect();
    let sent: Vec<&String> = ledger.sent.keys().collect();
    assert_eq!(
        stored.keys().collect::<Vec<_>>(),
        sent,
        "keys stored = sent"
    );
    let mut ids: Vec<i64> = stored.values().copied().collect();
    ids.sort_unstable();
    ids.dedup();
    assert_eq!(ids.len(), sent.len(), "one ticket per key");
    assert_eq!(
        count(&pool, "tickets").await,
        sent.len() as i64,
        "no other ticket"
    );
    for (key, answers) in &ledger.answers {
        assert!(
            answers.iter().all(|id| *id == stored[key]),
            "{key}: answered {answers:?}, stored {}",
            stored[key]
        );
    }

    // Every acknowledged ticket is there, complete, as it was answered.
    let tickets = sqlx::query(
        "SELECT t.id, t.kind, t.severity, t.subject, t.description, t.details, t.status, \
         t.first_response_due, p.email FROM tickets t JOIN people p ON p.id = t.submitter_id",
    )
    .fetch_all(&pool)
    .await
    .expect("the tickets");
    let by_id: HashMap<i64, &String> = stored.iter().map(|(key, id)| (*id, key)).collect();
    for row in &tickets {
        let id: i64 = row.get("id");
        let key = by_id[&id];
        let sent = incident(key);
        let person = ledger.sent[key];
        let details: Value =
            serde_json::from_str(&row.get::<String, _>("details")).expect("details are JSON");
        assert_eq!(row.get::<String, _>("kind"), "incident", "{key}");
        assert_eq!(row.get::<String, _>("severity"), "high", "{key}");
        assert_eq!(row.get::<String, _>("subject"), sent["subject"], "{key}");
        assert_eq!(
            row.get::<String, _>("description"),
            sent["description"],
            "{key}"
        );
        for field in [
            "environment",
            "platform_version",
            "impact",
            "steps_to_reproduce",
        ] {
            assert_eq!(details[field], sent[field], "{key} {field}");
        }
        assert_eq!(row.get::<String, _>("status"), "open", "{key}");
        assert!(
            row.get::<Option<i64>, _>("first_response_due").is_some(),
            "{key}"
        );
        assert_eq!(
            row.get::<String, _>("email"),
            format!("contact{person}@example.com")
        );
        let body = &ledger.bodies[key];
        assert_eq!(body["id"], id);
        assert_eq!(body["subject"], sent["subject"]);
        assert_eq!(body["description"], sent["description"]);
        assert_eq!(body["impact"], sent["impact"]);
        assert!(body["first_response_due"].is_string());
    }
    eprintln!(
        "{backend:?}: {KILLS} kills ({kills_mid_traffic} cut requests in flight), {} tickets, \
         {} keys retried at the last start, {} retries found their ticket committed before the \
         crash; {:.1} s",
        sent.len(),
        pending.len(),
        ledger.replayed_after_crash,
        started.elapsed().as_secs_f64()
    );
}

/// Workers posting messages to one ticket at once, and how many each sends per run.
const MESSAGE_WORKERS: usize = 4;
const MESSAGES_PER_WORKER: usize = 6;
const MESSAGE_KILLS: usize = 6;

/// One worker's messages of a run, one at a time with its key; stops at the first request
/// that gets no answer. Returns the keys answered (with the entry id and body) and the one
/// left unanswered, if any.
async fn post_messages(
    base: String,
    client: Client,
    ticket: i64,
    keys: Vec<String>,
    answered: Arc<AtomicUsize>,
) -> (Vec<(String, Value)>, Option<String>, Vec<String>) {
    let mut done = Vec::new();
    let mut unexpected = Vec::new();
    for key in keys {
        let sent = client
            .post(format!("{base}/api/tickets/{ticket}/messages"))
            .header("Idempotency-Key", &key)
            .json(&serde_json::json!({"body": format!("message {key}")}))
            .send()
            .await;
        let Ok(response) = sent else {
            return (done, Some(key), unexpected);
        };
        let status = response.status();
        let Ok(text) = response.text().await else {
            return (done, Some(key), unexpected);
        };
        match serde_json::from_str::<Value>(&text) {
            Ok(body) if status == 201 => {
                done.push((key, body));
                answered.fetch_add(1, Ordering::SeqCst);
            }
            _ => {
                unexpected.push(format!("{key}: {status} {text}"));
                return (done, None, unexpected);
            }
        }
    }
    (done, None, unexpected)
}

async fn killed_servers_lose_no_acknowledged_message_and_retries_post_each_once(backend: Backend) {
    let database = Database::fresh(backend).await;
    create_account(&database, "boss@example.com").await;
    let server = RealServer::start(&database, 0).await;
    let client = sign_in(&server, "boss@example.com").await;
    let filed: Value = client
        .post(server.url("/api/tickets"))
        .json(&incident("conversation"))
        .send()
        .await
        .expect("a ticket")
        .json()
        .await
        .expect("its JSON");
    let ticket = filed["id"].as_i64().expect("an id");
    let pool = database.pool().await;
    let mut acknowledged: BTreeMap<String, Value> = BTreeMap::new();
    let mut unanswered: Vec<String> = Vec::new();
    let mut cut = 0;
    let mut first = Some(server);
    for run in 0..MESSAGE_KILLS {
        let server = match first.take() {
            Some(server) => server,
            None => RealServer::start(&database, run).await,
        };
        let answered = Arc::new(AtomicUsize::new(0));
        let mut workers = Vec::new();
        let retries = std::mem::take(&mut unanswered);
        for w in 0..MESSAGE_WORKERS {
            // Each worker first retries a key left unanswered by the last kill.
            let mut keys: Vec<String> = retries
                .iter()
                .skip(w)
                .step_by(MESSAGE_WORKERS)
                .cloned()
                .collect();
            keys.extend((0..MESSAGES_PER_WORKER).map(|i| format!("m{run}-w{w}-{i}")));
            workers.push(tokio::spawn(post_messages(
                server.url(""),
                client.clone(),
                ticket,
                keys,
                answered.clone(),
            )));
        }
        let kill_after = 1 + random_below(12) as usize;
        let deadline = Instant::now() + Duration::from_secs(60);
        while answered.load(Ordering::SeqCst) < kill_after
            && !workers.iter().all(|w| w.is_finished())
            && Instant::now() < deadline
        {
            tokio::time::sleep(Duration::from_millis(1)).await;
        }
        tokio::time::sleep(Duration::from_micros(random_below(4000))).await;
        let log = server.log();
        server.kill();
        for worker in workers {
            let (done, left, unexpected) = worker.await.expect("a worker");
            assert!(unexpected.is_empty(), "run {run}: {unexpected:#?}\n{log}");
            for (key, body) in done {
                if let Some(first) = acknowledged.get(&key) {
                    assert_eq!(first, &body, "{key}: a retry got another entry");
                }
                acknowledged.insert(key, body);
            }
            unanswered.extend(left);
        }
        cut += usize::from(!unanswered.is_empty());
    }
    let server = RealServer::start(&database, MESSAGE_KILLS).await;
    for key in std::mem::take(&mut unanswered) {
        let response = client
            .post(server.url(&format!("/api/tickets/{ticket}/messages")))
            .header("Idempotency-Key", &key)
            .json(&serde_json::json!({"body": format!("message {key}")}))
            .send()
            .await
            .expect("the retry reaches the server");
        assert_eq!(response.status(), 201, "retry of {key}");
        let body: Value = response.json().await.expect("an entry");
        if let Some(first) = acknowledged.get(&key) {
            assert_eq!(first, &body, "{key}: a retry got another entry");
        }
        acknowledged.insert(key, body);
    }
    assert!(
        cut >= 1,
        "no kill cut a message in flight: the test did not test crashes"
    );

    // Every key was answered at last (a worker stops at its first unanswered request; the
    // keys it did not reach were never sent).
    let sent: Vec<&String> = acknowledged.keys().collect();
    // Every message sent is in the timeline once, as it was acknowledged, and nothing else is.
    let rows = sqlx::query(
        "SELECT id, body FROM ticket_entries WHERE ticket_id = $1 AND kind = 'customer_message' \
         ORDER BY id",
    )
    .bind(ticket)
    .fetch_all(&pool)
    .await
    .expect("the messages");
    let stored: BTreeMap<String, i64> = rows
        .iter()
        .map(|row| (row.get::<String, _>("body"), row.get::<i64, _>("id")))
        .collect();
    assert_eq!(stored.len(), rows.len(), "no message stored twice");
    assert_eq!(rows.len(), sent.len(), "one entry per key sent");
    for key in &sent {
        let body = &acknowledged[*key];
        let text = format!("message {key}");
        assert_eq!(body["body"], text.as_str());
        assert_eq!(
            Some(&body["id"].as_i64().unwrap_or_default()),
            stored.get(&text),
            "{key}"
        );
    }
    eprintln!(
        "{backend:?}: {MESSAGE_KILLS} kills ({cut} cut messages in flight), {} messages",
        sent.len()
    );
}

on_both!(
    killed_servers_lose_no_acknowledged_ticket_and_retries_make_exactly_one,
    killed_servers_lose_no_acknowledged_message_and_retries_post_each_once,
);
