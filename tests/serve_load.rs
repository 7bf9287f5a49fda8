//! Load on `nonlin serve` (loopback only, bounded in count and time): 50
//! concurrent event streams, 100 more run requests and 200 malformed ones
//! at the same time. Every request is answered (a run, 429, 400 or 413),
//! `/health` answers in < 100 ms throughout, and the server's memory
//! returns near its baseline afterwards.

mod serve_util;

use serde_json::json;
use serve_util::*;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::thread;
use std::time::{Duration, Instant};

/// The i-th malformed request: (path, body).
fn malformed(i: usize) -> (&'static str, Vec<u8>) {
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
/// the server, so the probe measures the server, not the test's own threads.
fn background() {
    // SAFETY: setpriority has no memory effects.
    unsafe {
        libc::setpriority(libc::PRIO_PROCESS, 0, 19);
    }
}

#[test]
fn load_every_request_answered_health_fast_memory_back() {
    let server = Arc::new(Server::start(&["--max-runs", "55"]));
    let addr = server.addr;
    let warm = post(
        addr,
        "/api/runs",
        &json!({"layers": [{"width": 5, "activation": "relu"}], "epochs": 50}),
    );
    assert_eq!(warm.status, 200);
    thread::sleep(Duration::from_millis(200));
    let baseline = server.rss_kib();

    let stop = Arc::new(AtomicBool::new(false));
    let latencies = Arc::new(Mutex::new(Vec::new()));
    let monitor = {
        let (stop, latencies) = (stop.clone(), latencies.clone());
        thread::spawn(move || {
            while !stop.load(Ordering::Relaxed) {
                let t = Instant::now();
                let r = get(addr, "/health");
                let ms = t.elapsed().as_secs_f64() * 1e3;
                assert_eq!(r.status, 200);
                latencies.lock().unwrap().push(ms);
                thread::sleep(Duration::from_millis(10));
            }
        })
    };

    let statuses = Arc::new(Mutex::new(Vec::new()));
    let mut workers = Vec::new();
    let t0 = Instant::now();
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
    let elapsed = t0.elapsed();
    // Every run finishes and frees its slot.
    let deadline = Instant::now() + Duration::from_secs(20);
    while get(addr, "/health").json()["active_runs"] != 0 {
        assert!(Instant::now() < deadline, "runs still active");
        thread::sleep(Duration::from_millis(50));
    }
    stop.store(true, Ordering::Relaxed);
    monitor.join().unwrap();

    let statuses = statuses.lock().unwrap();
    assert_eq!(statuses.len(), 350, "every request answered");
    let count = |kind: &str, s: u16| {
        statuses
            .iter()
            .filter(|(k, st)| *k == kind && *st == s)
            .count()
    };
    let lat = latencies.lock().unwrap();
    let max = lat.iter().cloned().fold(0.0, f64::max);
    let mut sorted = lat.clone();
    sorted.sort_by(f64::total_cmp);
    eprintln!(
        "health ms: p50 {:.1}, p99 {:.1}, over 100: {}",
        sorted[sorted.len() / 2],
        sorted[sorted.len() * 99 / 100],
        sorted.iter().filter(|&&x| x >= 100.0).count()
    );
    thread::sleep(Duration::from_millis(300));
    let after = server.rss_kib();
    eprintln!(
        "load: {:.1} s; streams 200/429: {}/{}; runs 200/429: {}/{}; malformed 400/413: {}/{}; \
         health: {} probes, max {max:.1} ms; RSS baseline {baseline} KiB, after {after} KiB",
        elapsed.as_secs_f64(),
        count("stream", 200),
        count("stream", 429),
        count("run", 200),
        count("run", 429),
        count("malformed", 400),
        count("malformed", 413),
        lat.len(),
    );
    assert!(count("stream", 200) >= 40, "most streams ran");
    assert!(lat.len() >= 10);
    assert!(max < 100.0, "/health took {max:.1} ms");
    assert!(
        after < baseline + 32 * 1024,
        "memory grew from {baseline} KiB to {after} KiB"
    );
}
