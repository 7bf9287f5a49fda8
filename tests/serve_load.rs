//! Load on `nonlin serve` (loopback only, bounded in count): 50 concurrent
//! event streams, 100 more run requests and 200 malformed ones at the same
//! time (`serve_util/load.rs`). Every request is answered (a run, 429, 400
//! or 413; never 5xx), `/health` keeps answering throughout, and every run
//! finishes and frees its slot.
//!
//! No figure is asserted: the deadlines below are hang guards (60 s), so a
//! busy machine cannot fail the test. How fast `/health` answers under this
//! load and the server's memory before and after are measured by
//! `cargo bench --bench serve_health` (figures in BENCHMARKS.md).

mod serve_util;

use serde_json::json;
use serve_util::load::{count, generate, summary};
use serve_util::*;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::thread;
use std::time::{Duration, Instant};

/// A hang guard: a probe or a wait that takes longer is stuck.
const HANG: Duration = Duration::from_secs(60);

#[test]
fn load_every_request_answered_health_answers_runs_finish() {
    let server = Server::start(&["--max-runs", "55"]);
    let addr = server.addr;
    let warm = post(
        addr,
        "/api/runs",
        &json!({"layers": [{"width": 5, "activation": "relu"}], "epochs": 50}),
    );
    assert_eq!(warm.status, 200);

    // `/health` probed all along: each probe answered 200 (within the hang
    // guard); (probes, the most active runs a probe saw).
    let stop = Arc::new(AtomicBool::new(false));
    let monitor = {
        let stop = stop.clone();
        thread::spawn(move || {
            let (mut probes, mut most_active) = (0usize, 0u64);
            loop {
                let t = Instant::now();
                let r = get(addr, "/health");
                assert!(t.elapsed() < HANG, "/health not answered within {HANG:?}");
                assert_eq!(r.status, 200, "{}", r.text());
                let active = r.json()["active_runs"].as_u64().expect("active_runs");
                most_active = most_active.max(active);
                probes += 1;
                if stop.load(Ordering::Relaxed) {
                    return (probes, most_active);
                }
                thread::sleep(Duration::from_millis(10));
            }
        })
    };

    let statuses = generate(addr);
    // Every run finishes and frees its slot.
    let deadline = Instant::now() + HANG;
    while get(addr, "/health").json()["active_runs"] != 0 {
        assert!(
            Instant::now() < deadline,
            "runs still active after {HANG:?}"
        );
        thread::sleep(Duration::from_millis(50));
    }
    stop.store(true, Ordering::Relaxed);
    let (probes, most_active) = monitor.join().expect("a /health probe failed");

    eprintln!(
        "load: {}; /health: {probes} probes, up to {most_active} active runs seen",
        summary(&statuses)
    );
    assert_eq!(statuses.len(), 350, "every request answered");
    assert!(count(&statuses, "stream", 200) >= 40, "most streams ran");
    assert!(
        most_active >= 1,
        "no /health probe answered during the load"
    );
}
