//! Crash durability: the real server is killed with SIGKILL at random moments while contacts
//! submit tickets concurrently, and started again on the same database each time. No ticket
//! that was acknowledged (201) is lost or torn, and retrying every request that got no answer
//! with its `Idempotency-Key` leaves exactly one ticket per key and no other ticket. The same
//! holds for messages and the files uploaded and sent with them.

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
/// New tickets per worker per run of the server.
const NEW_PER_WORKER: usize = 4;
const KILLS: usize = 12;
/// The budget of new tickets per person the servers of the ticket test run with. On PostgreSQL
/// the budget is shared by every process and outlives a restart, so the default (ten a minute)
/// would answer 429 from the second run on; this test is about crashes, the abuse tests hold the
/// limit itself.
const ROOMY_TICKET_BUDGET: &str = "10000";

/// Starts a server for the ticket test, with a budget that the test's traffic never exhausts.
async fn start_roomy(database: &Database, run: usize) -> RealServer {
    RealServer::start_with(
        database,
        run,
        &[("SUPPORT_TICKETS_PER_PERSON", ROOMY_TICKET_BUDGET)],
    )
    .await
}

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
    let server = start_roomy(&database, 0).await;
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
            None => start_roomy(&database, run).await,
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
    let server = start_roomy(&database, KILLS).await;
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
const BOUNDARY: &str = "crash-boundary";

/// The file sent with the message of `key`: some 30 KB, its own for each key.
fn file_of(key: &str) -> Vec<u8> {
    format!("log line of {key}\n").repeat(1500).into_bytes()
}

fn multipart_of(key: &str) -> Vec<u8> {
    let mut body = format!(
        "--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{key}.log\"\r\n\
         Content-Type: text/plain\r\n\r\n"
    )
    .into_bytes();
    body.extend_from_slice(&file_of(key));
    body.extend_from_slice(format!("\r\n--{BOUNDARY}--\r\n").as_bytes());
    body
}

/// What a worker got in one run.
#[derive(Default)]
struct Posted {
    /// Keys whose message was acknowledged, with the entry.
    done: Vec<(String, Value)>,
    /// Keys whose file upload was acknowledged, with the file's id.
    uploads: Vec<(String, i64)>,
    /// The key left without an answer (upload or message), if any.
    left: Option<String>,
    unexpected: Vec<String>,
}

/// Uploads the file of `key` unless one was acknowledged already, then posts the message of
/// `key` with that file and its key. `None` when either request got no answer.
async fn post_message_with_file(
    base: &str,
    client: &Client,
    ticket: i64,
    key: &str,
    known: Option<i64>,
    posted: &mut Posted,
) -> Option<()> {
    let file = match known {
        Some(file) => file,
        None => {
            let response = client
                .post(format!("{base}/api/tickets/{ticket}/attachments"))
                .header(
                    "content-type",
                    format!("multipart/form-data; boundary={BOUNDARY}"),
                )
                .body(multipart_of(key))
                .send()
                .await
                .ok()?;
            let status = response.status();
            let text = response.text().await.ok()?;
            let id = serde_json::from_str::<Value>(&text)
                .ok()
                .filter(|_| status == 201)
                .and_then(|body| body["id"].as_i64());
            let Some(id) = id else {
                posted
                    .unexpected
                    .push(format!("{key}: upload {status} {text}"));
                return Some(());
            };
            posted.uploads.push((key.to_owned(), id));
            id
        }
    };
    let response = client
        .post(format!("{base}/api/tickets/{ticket}/messages"))
        .header("Idempotency-Key", key)
        .json(&serde_json::json!({"body": format!("message {key}"), "attachments": [file]}))
        .send()
        .await
        .ok()?;
    let status = response.status();
    let text = response.text().await.ok()?;
    match serde_json::from_str::<Value>(&text) {
        Ok(body) if status == 201 => posted.done.push((key.to_owned(), body)),
        _ => posted
            .unexpected
            .push(format!("{key}: message {status} {text}")),
    }
    Some(())
}

/// One worker's messages of a run, one at a time, each with its file and its key; stops at
/// the first request that gets no answer (or an unexpected one).
async fn post_messages(
    base: String,
    client: Client,
    ticket: i64,
    keys: Vec<(String, Option<i64>)>,
    answered: Arc<AtomicUsize>,
) -> Posted {
    let mut posted = Posted::default();
    for (key, known) in keys {
        let answers = posted.done.len();
        if post_message_with_file(&base, &client, ticket, &key, known, &mut posted)
            .await
            .is_none()
        {
            posted.left = Some(key);
            return posted;
        }
        if !posted.unexpected.is_empty() {
            return posted;
        }
        if posted.done.len() > answers {
            answered.fetch_add(1, Ordering::SeqCst);
        }
    }
    posted
}

async fn killed_servers_lose_no_acknowledged_message_or_file_and_retries_post_each_once(
    backend: Backend,
) {
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
    // The acknowledged upload of each key: its message sends that file, retries included.
    let mut files: BTreeMap<String, i64> = BTreeMap::new();
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
            let keys = keys
                .into_iter()
                .map(|key| {
                    let known = files_known(&files, &key);
                    (key, known)
                })
                .collect();
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
            let posted = worker.await.expect("a worker");
            absorb(posted, &mut acknowledged, &mut files, &mut unanswered, &log);
        }
        cut += usize::from(!unanswered.is_empty());
    }
    let server = RealServer::start(&database, MESSAGE_KILLS).await;
    for key in std::mem::take(&mut unanswered) {
        let known = files_known(&files, &key);
        let mut posted = Posted::default();
        let reached =
            post_message_with_file(&server.url(""), &client, ticket, &key, known, &mut posted)
                .await;
        assert!(reached.is_some(), "the retry of {key} reaches the server");
        assert_eq!(
            posted.done.len(),
            1,
            "retry of {key}: {:?}",
            posted.unexpected
        );
        absorb(
            posted,
            &mut acknowledged,
            &mut files,
            &mut unanswered,
            &server.log(),
        );
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
    // Every acknowledged file is there byte for byte; each message's file is linked to its
    // entry, with one attachment_added entry.
    for (key, file) in &files {
        let row = sqlx::query("SELECT size, content, entry_id FROM attachments WHERE id = $1")
            .bind(file)
            .fetch_optional(&pool)
            .await
            .expect("a file")
            .unwrap_or_else(|| panic!("the acknowledged file of {key} is lost"));
        let content: Vec<u8> = row.get("content");
        assert_eq!(content, file_of(key), "{key}: the file's bytes");
        assert_eq!(row.get::<i64, _>("size"), content.len() as i64);
        let entry = acknowledged[key]["id"].as_i64().expect("an entry id");
        assert_eq!(row.get::<Option<i64>, _>("entry_id"), Some(entry), "{key}");
    }
    assert_eq!(files.len(), sent.len(), "one acknowledged file per message");
    let added = sqlx::query(
        "SELECT data FROM ticket_entries WHERE ticket_id = $1 AND kind = 'attachment_added'",
    )
    .bind(ticket)
    .fetch_all(&pool)
    .await
    .expect("the attachment entries");
    let mut linked: Vec<i64> = added
        .iter()
        .map(|row| {
            let data: Value =
                serde_json::from_str(&row.get::<String, _>("data")).expect("JSON data");
            data["attachment"]["id"].as_i64().expect("a file id")
        })
        .collect();
    linked.sort_unstable();
    let mut expected: Vec<i64> = files.values().copied().collect();
    expected.sort_unstable();
    assert_eq!(linked, expected, "one attachment_added entry per file sent");
    let unsent: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM attachments WHERE ticket_id = $1 AND entry_id IS NULL",
    )
    .bind(ticket)
    .fetch_one(&pool)
    .await
    .expect("a count");
    eprintln!(
        "{backend:?}: {MESSAGE_KILLS} kills ({cut} cut requests in flight), {} messages with \
         their files, {unsent} uploads cut before their answer left unsent",
        sent.len()
    );
}

/// Takes what a worker got into the run's books.
fn absorb(
    posted: Posted,
    acknowledged: &mut BTreeMap<String, Value>,
    files: &mut BTreeMap<String, i64>,
    unanswered: &mut Vec<String>,
    log: &str,
) {
    assert!(
        posted.unexpected.is_empty(),
        "{:#?}\n{log}",
        posted.unexpected
    );
    for (key, file) in posted.uploads {
        assert!(
            files.insert(key.clone(), file).is_none(),
            "{key} uploaded twice"
        );
    }
    for (key, body) in posted.done {
        if let Some(first) = acknowledged.get(&key) {
            assert_eq!(first, &body, "{key}: a retry got another entry");
        }
        acknowledged.insert(key, body);
    }
    unanswered.extend(posted.left);
}

fn files_known(files: &BTreeMap<String, i64>, key: &str) -> Option<i64> {
    files.get(key).copied()
}

on_both!(
    killed_servers_lose_no_acknowledged_ticket_and_retries_make_exactly_one,
    killed_servers_lose_no_acknowledged_message_or_file_and_retries_post_each_once,
);
