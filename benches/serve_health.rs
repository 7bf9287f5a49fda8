//! `/health` latency and the server's memory under the load of
//! `tests/serve_load.rs` (`tests/serve_util/load.rs`: 50 concurrent event
//! streams, 100 more run requests and 200 malformed ones at once, on
//! `nonlin serve --max-runs 55`, loopback only). The test only checks that
//! everything is answered; the figures are here.
//!
//! Run: `cargo bench --bench serve_health` (the bench profile's `nonlin`
//! binary; `NONLIN_BENCH_ROUNDS=N` for N rounds of the load on one server,
//! default 10). Prints, per round: the load's wall time, the answers, the
//! `/health` probes' latency (p50, p90, p99, max, how many took ≥ 100 ms;
//! a probe every 10 ms from a thread at normal priority, the clients at
//! nice 19), and the server's RSS before, at its highest during, and 300 ms
//! after the round; then the same latency figures over every round's probes
//! and the RSS after the first and the last round.

#[path = "../tests/serve_util/mod.rs"]
mod serve_util;

use serde_json::json;
use serve_util::load::{generate, summary};
use serve_util::*;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::thread;
use std::time::{Duration, Instant};

fn main() {
    // `cargo bench -- FILTER` passes arguments (e.g. `--bench`); none apply.
    let rounds: usize = std::env::var("NONLIN_BENCH_ROUNDS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(10);
    let server = Arc::new(Server::start(&["--max-runs", "55"]));
    let addr = server.addr;
    let warm = post(
        addr,
        "/api/runs",
        &json!({"layers": [{"width": 5, "activation": "relu"}], "epochs": 50}),
    );
    assert_eq!(warm.status, 200);
    thread::sleep(Duration::from_millis(200));
    let first_baseline = server.rss_kib();
    println!("serve_health: {rounds} rounds; RSS after one warm run {first_baseline} KiB");
    let (mut all, mut afters) = (Vec::new(), Vec::new());
    for round in 1..=rounds {
        let baseline = server.rss_kib();
        let stop = Arc::new(AtomicBool::new(false));
        let samples = Arc::new(Mutex::new((Vec::new(), 0u64)));
        let monitor = {
            let (stop, samples, server) = (stop.clone(), samples.clone(), server.clone());
            thread::spawn(move || {
                while !stop.load(Ordering::Relaxed) {
                    let t = Instant::now();
                    let r = get(addr, "/health");
                    let ms = t.elapsed().as_secs_f64() * 1e3;
                    assert_eq!(r.status, 200);
                    let rss = server.rss_kib();
                    let mut s = samples.lock().unwrap();
                    s.0.push(ms);
                    s.1 = s.1.max(rss);
                    drop(s);
                    thread::sleep(Duration::from_millis(10));
                }
            })
        };
        let t0 = Instant::now();
        let statuses = generate(addr);
        let elapsed = t0.elapsed();
        while get(addr, "/health").json()["active_runs"] != 0 {
            thread::sleep(Duration::from_millis(50));
        }
        stop.store(true, Ordering::Relaxed);
        monitor.join().unwrap();
        thread::sleep(Duration::from_millis(300));
        let after = server.rss_kib();
        let (mut lat, peak) = samples.lock().unwrap().clone();
        lat.sort_by(f64::total_cmp);
        println!(
            "round {round}: load {:.2} s; {}\n  /health: {}\n  RSS: before {baseline} KiB, \
             peak {peak} KiB, after {after} KiB ({:+} KiB)",
            elapsed.as_secs_f64(),
            summary(&statuses),
            latency(&lat),
            after as i64 - baseline as i64,
        );
        all.extend(lat);
        afters.push(after);
    }
    all.sort_by(f64::total_cmp);
    println!(
        "all rounds: /health: {}\n  RSS after round 1 {} KiB, after round {rounds} {} KiB",
        latency(&all),
        afters[0],
        afters[afters.len() - 1]
    );
}

/// Probes, p50, p90, p99, max and how many took ≥ 100 ms, of sorted
/// latencies in ms.
fn latency(sorted: &[f64]) -> String {
    let q = |p: f64| sorted[((sorted.len() - 1) as f64 * p).round() as usize];
    format!(
        "{} probes, p50 {:.1} ms, p90 {:.1} ms, p99 {:.1} ms, max {:.1} ms, {} ≥ 100 ms",
        sorted.len(),
        q(0.5),
        q(0.9),
        q(0.99),
        sorted[sorted.len() - 1],
        sorted.iter().filter(|&&x| x >= 100.0).count(),
    )
}
