//! The load of `tests/serve_load.rs` and `benches/serve_health.rs`: 50
//! concurrent event streams, 100 more run requests (10 clients) and 200
//! malformed ones (4 clients), all at once, on a server started with
//! `--max-runs 55`. Every client checks its answers (a whole stream or 429;
//! a run or 429; 400 or 413 with an error message, never 5xx); the load
//! threads run at the lowest priority, so a `/health` probe of the caller's
//! sees the server, not the clients.

use super::*;
use serde_json::json;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::thread;

/// What the clients were answered: (kind, status), one per request.
pub type Statuses = Vec<(&'static str, u16)>;

/// The i-th malformed request: (path, body).
pub fn malformed(i: usize) -> (&'static str, Vec<u8>) {
    let layer = json!([{"width": 5, "activation": "relu"}]);
    match i % 10 {
        0 => ("/api/runs", b"{\"layers\": [".to_vec()),
        1 => (
            "/api/runs",
            b"{\"layers\": [], \"epochs\": 18446744073709551616}".to_vec(),
        ),
        2 => (
            "/api/runs",
            json!({"layers": [{"width": 1e308}]})
                .to_string()
                .into_bytes(),
        ),
        3 => ("/api/runs", b"{}".to_vec()),
        4 => (
            "/api/runs",
            json!({"layers": "5-relu"}).to_string().into_bytes(),
        ),
        5 => ("/api/runs", "[".repeat(10_000).into_bytes()),
        6 => (
            "/api/runs",
            json!({"layers": layer, "lr": 1e300})
                .to_string()
                .into_bytes(),
        ),
        7 => (
            "/api/study",
            json!({"models": [{"layers": layer}], "repeats": 1e9})
                .to_string()
                .into_bytes(),
        ),
        8 if i % 40 == 8 => ("/api/data", vec![b'7'; 9 << 20]),
        // A row longer than the header: the reader refuses it. (A readable
        // table is kept, with train's error for it in the answer.)
        8 => ("/api/data?name=x.csv", b"a,b\n1,2,3\n".to_vec()),
        _ => ("/api/runs/1/control", b"{\"action\": 7}".to_vec()),
    }
}

/// The load generators run at a lower priority than the health probe and
/// the server, so the probe measures the server, not the clients' threads.
fn background() {
    // SAFETY: setpriority has no memory effects.
    unsafe {
        libc::setpriority(libc::PRIO_PROCESS, 0, 19);
    }
}

/// Sends the whole load and waits for every client; panics (with the
/// client's message) if an answer is wrong.
pub fn generate(addr: SocketAddr) -> Statuses {
    let statuses = Arc::new(Mutex::new(Vec::new()));
    let mut workers = Vec::new();
    // 50 concurrent event streams.
    for i in 0..50 {
        let statuses = statuses.clone();
        workers.push(thread::spawn(move || {
            background();
            let req =
                json!({"layers": [{"width": 8, "activation": "tanh"}], "epochs": 400, "seed": i});
            let r = post(addr, "/api/runs", &req);
            if r.status == 200 {
                let events = r.events();
                assert_eq!(
                    events.last().unwrap()["type"],
                    "done",
                    "stream {i} ended early"
                );
                assert_eq!(epoch_rows(&events).len(), 400);
            } else {
                assert_eq!(r.status, 429, "{}", r.text());
            }
            statuses.lock().unwrap().push(("stream", r.status));
        }));
    }
    // 100 more run requests, from 10 clients.
    for c in 0..10 {
        let statuses = statuses.clone();
        workers.push(thread::spawn(move || {
            background();
            for k in 0..10 {
                let req = json!({"layers": [], "epochs": 20, "seed": c * 10 + k});
                let r = post(addr, "/api/runs", &req);
                match r.status {
                    200 => assert_eq!(r.events().last().unwrap()["type"], "done"),
                    429 => assert!(r.json()["error"].is_string()),
                    s => panic!("run request answered {s}: {}", r.text()),
                }
                statuses.lock().unwrap().push(("run", r.status));
            }
        }));
    }
    // 200 malformed requests, from 4 clients.
    for c in 0..4 {
        let statuses = statuses.clone();
        workers.push(thread::spawn(move || {
            background();
            for k in 0..50 {
                let (path, body) = malformed(c * 50 + k);
                let r = request(addr, "POST", path, &body);
                assert!(
                    [400, 413].contains(&r.status),
                    "{path} answered {}: {}",
                    r.status,
                    r.text()
                );
                assert!(r.json()["error"].is_string(), "{}", r.text());
                statuses.lock().unwrap().push(("malformed", r.status));
            }
        }));
    }
    for w in workers {
        w.join().expect("a client failed");
    }
    let statuses = statuses.lock().unwrap().clone();
    statuses
}

/// How many answers of `kind` had status `s`.
pub fn count(statuses: &Statuses, kind: &str, s: u16) -> usize {
    statuses
        .iter()
        .filter(|(k, st)| *k == kind && *st == s)
        .count()
}

/// One line: the answers by kind and status.
pub fn summary(statuses: &Statuses) -> String {
    format!(
        "streams 200/429: {}/{}; runs 200/429: {}/{}; malformed 400/413: {}/{}",
        count(statuses, "stream", 200),
        count(statuses, "stream", 429),
        count(statuses, "run", 200),
        count(statuses, "run", 429),
        count(statuses, "malformed", 400),
        count(statuses, "malformed", 413),
    )
}
