//! `nonlin serve` over HTTP on an ephemeral loopback port: a run's event
//! stream equals the history `nonlin train` writes with the same settings,
//! its downloads equal `train`'s files, bad input gets HTTP 400 naming the
//! field, and a run over the cap gets HTTP 429.

mod serve_util;

use serde_json::json;
use serve_util::*;
use std::time::{Duration, Instant};

#[test]
fn run_stream_equals_train_history() {
    let server = Server::start(&[]);
    let health = get(server.addr, "/health");
    assert_eq!(health.status, 200);
    assert_eq!(health.json()["status"], "ok");

    let req = json!({
        "layers": [{"width": 6, "activation": "tanh"}, {"width": 4, "activation": "leaky_relu"}],
        "epochs": 150, "seed": 3, "optimizer": "adam", "lr": 0.005, "batch_size": 64,
        "features": ["age", "ejection_fraction", "serum_creatinine", "time"],
    });
    let r = post(server.addr, "/api/runs", &req);
    assert_eq!(r.status, 200, "{}", r.text());
    assert!(r.headers.contains("text/event-stream"));
    let events = r.events();
    let rows = epoch_rows(&events);
    let done = events
        .iter()
        .find(|e| e["type"] == "done")
        .expect("a done event");
    let id = done["id"].as_u64().unwrap();

    let dir = temp_dir("serve-history");
    let out = dir.join("run");
    nonlin(&[
        "train",
        "--preset",
        "tutorial",
        "--arch",
        "6-tanh-4-leaky_relu",
        "--epochs",
        "150",
        "--seed",
        "3",
        "--optimizer",
        "adam",
        "--lr",
        "0.005",
        "--batch-size",
        "64",
        "--features",
        "age,ejection_fraction,serum_creatinine,time",
        "--quiet",
        "--no-plots",
        "--out",
        out.to_str().unwrap(),
    ]);
    let csv = std::fs::read_to_string(out.join("history.csv")).unwrap();
    let expected = history_rows(&csv);
    assert_eq!(rows.len(), 150);
    assert_eq!(
        rows, expected,
        "the streamed epochs are train's history, exactly"
    );

    // The final numbers shown equal train's last row.
    let m = &done["models"][0];
    assert_eq!(m["final"].as_array().unwrap().len(), 7);
    assert_eq!(m["final"][4].as_f64().unwrap(), expected[149][4]);
    assert!(m["roc_auc"].as_f64().unwrap() > 0.5);
    let c = &m["confusion"];
    let n_test: u64 = ["tp", "fp", "tn", "fn"]
        .iter()
        .map(|k| c[k].as_u64().unwrap())
        .sum();
    assert_eq!(n_test, 60);

    // The downloads are train's files.
    let files = get(server.addr, &format!("/api/runs/{id}/files"));
    assert_eq!(files.status, 200, "{}", files.text());
    let names: Vec<String> = files.json()["files"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["name"].as_str().unwrap().to_string())
        .collect();
    for f in [
        "history.csv",
        "history.json",
        "model.safetensors",
        "report.html",
        "summary.csv",
    ] {
        assert!(names.iter().any(|n| n == f), "{f} not in {names:?}");
    }
    let h = get(server.addr, &format!("/api/runs/{id}/files/history.csv"));
    assert_eq!(h.status, 200);
    assert_eq!(h.text(), csv, "the downloaded history.csv is train's");

    // The decision view: a grid of probabilities and every row as a point.
    let d = get(
        server.addr,
        &format!("/api/runs/{id}/decision?x=age&y=time"),
    );
    assert_eq!(d.status, 200, "{}", d.text());
    let d = d.json();
    let n = d["n"].as_u64().unwrap() as usize;
    assert_eq!(d["probs"].as_array().unwrap().len(), n * n);
    assert_eq!(d["points"].as_array().unwrap().len(), 299);
    let bad = get(server.addr, &format!("/api/runs/{id}/decision?x=age&y=sex"));
    assert_eq!(bad.status, 400);
    assert_eq!(bad.json()["field"], "y");
    std::fs::remove_dir_all(&dir).ok();
}

/// Every bad request gets 400 with the form's field name.
#[test]
fn bad_input_gets_400_with_the_field() {
    let server = Server::start(&[]);
    let layer = json!([{"width": 5, "activation": "relu"}]);
    let cases: Vec<(Vec<u8>, &str)> = vec![
        (b"{not json".to_vec(), "body"),
        (b"[1, 2]".to_vec(), "body"),
        (b"{\"layers\": [], \"lr\": 1e999}".to_vec(), "body"),
        (json!({"epochs": 10}).to_string().into_bytes(), "layers"),
        (
            json!({"layers": layer, "lr": -1}).to_string().into_bytes(),
            "lr",
        ),
        (
            json!({"layers": layer, "lr": "fast"})
                .to_string()
                .into_bytes(),
            "lr",
        ),
        (
            json!({"layers": layer, "epochs": 1e30})
                .to_string()
                .into_bytes(),
            "epochs",
        ),
        (
            json!({"layers": layer, "epochs": 0})
                .to_string()
                .into_bytes(),
            "epochs",
        ),
        (
            json!({"layers": layer, "epochs": 2.5})
                .to_string()
                .into_bytes(),
            "epochs",
        ),
        (
            json!({"layers": layer, "batch_size": 0})
                .to_string()
                .into_bytes(),
            "batch_size",
        ),
        (
            json!({"layers": layer, "seed": -4})
                .to_string()
                .into_bytes(),
            "seed",
        ),
        (
            json!({"layers": [{"width": 0}]}).to_string().into_bytes(),
            "layers[0].width",
        ),
        (
            json!({"layers": [{"width": 5, "activation": "nope"}]})
                .to_string()
                .into_bytes(),
            "layers[0].activation",
        ),
        (
            json!({"layers": [{"width": 5, "colour": "red"}]})
                .to_string()
                .into_bytes(),
            "layers[0].colour",
        ),
        (
            json!({"layers": layer, "learning_rate": 0.1})
                .to_string()
                .into_bytes(),
            "learning_rate",
        ),
        (
            json!({"layers": layer, "optimizer": "lbfgs"})
                .to_string()
                .into_bytes(),
            "optimizer",
        ),
        (
            json!({"layers": layer, "scaling": "none"})
                .to_string()
                .into_bytes(),
            "scaling",
        ),
        (
            json!({"layers": layer, "target": "nope"})
                .to_string()
                .into_bytes(),
            "target",
        ),
        (
            json!({"layers": layer, "features": []})
                .to_string()
                .into_bytes(),
            "features",
        ),
        (
            json!({"layers": layer, "features": ["nope"]})
                .to_string()
                .into_bytes(),
            "features",
        ),
        (
            json!({"layers": layer, "data": "u999"})
                .to_string()
                .into_bytes(),
            "data",
        ),
        (
            json!({"layers": layer, "test_size": 1.5})
                .to_string()
                .into_bytes(),
            "test_size",
        ),
        (
            json!({"layers": layer, "optimizer": "adam", "beta1": 1})
                .to_string()
                .into_bytes(),
            "beta1",
        ),
        (
            json!({"layers": layer, "nesterov": true})
                .to_string()
                .into_bytes(),
            "nesterov",
        ),
    ];
    for (body, field) in cases {
        let r = request(server.addr, "POST", "/api/runs", &body);
        let text = String::from_utf8_lossy(&body).into_owned();
        assert_eq!(r.status, 400, "{text}: {}", r.text());
        let j = r.json();
        assert_eq!(j["field"], field, "{text}: {j}");
        assert!(!j["error"].as_str().unwrap().is_empty());
    }
    // The study: no models; a baseline's name.
    let r = post(server.addr, "/api/study", &json!({"models": []}));
    assert_eq!(
        (r.status, r.json()["field"].clone()),
        (400, json!("models"))
    );
    let r = post(
        server.addr,
        "/api/study",
        &json!({"models": [{"name": "majority", "layers": []}]}),
    );
    assert_eq!(
        (r.status, r.json()["field"].clone()),
        (400, json!("models[0].name"))
    );
    // Controls of a run that does not exist; an unknown action.
    let r = post(
        server.addr,
        "/api/runs/12345/control",
        &json!({"action": "pause"}),
    );
    assert_eq!(r.status, 404);
    let r = post(
        server.addr,
        "/api/runs/1/control",
        &json!({"action": "explode"}),
    );
    assert_eq!(
        (r.status, r.json()["field"].clone()),
        (400, json!("action"))
    );
    // An upload with a text cell in a numeric column: the table is kept,
    // and the answer holds train's message for it.
    let r = request(
        server.addr,
        "POST",
        "/api/data?name=bad.csv",
        b"a,b,DEATH_EVENT\n1,x,0\n2,3,1\n",
    );
    assert_eq!(r.status, 200, "{}", r.text());
    let j = r.json();
    assert_eq!(j["error"]["field"], "data");
    assert!(
        j["error"]["error"]
            .as_str()
            .unwrap()
            .starts_with("bad.csv, line 2, column 2 ('b'): expected a number, found 'x'"),
        "{j}"
    );
    // A file the reader refuses: 400 with train's message.
    let r = request(
        server.addr,
        "POST",
        "/api/data?name=rag.csv",
        b"a,b,y\n1,2,0\n2,3\n",
    );
    assert_eq!(r.status, 400, "{}", r.text());
    let j = r.json();
    assert_eq!(j["field"], "data");
    assert_eq!(
        j["error"],
        "rag.csv, line 3: expected 3 fields (as in the header), found 2; every row needs one \
         value per column"
    );
    // Reader options and the missing-value policy are checked by name.
    for (query, field) in [
        ("delimiter=ab", "delimiter"),
        ("decimal=x", "decimal"),
        ("header=maybe", "header"),
        ("missing=zero", "missing"),
        ("colour=red", "colour"),
    ] {
        let r = request(
            server.addr,
            "POST",
            &format!("/api/data?{query}"),
            b"a,y\n1,0\n",
        );
        assert_eq!(
            (r.status, r.json()["field"].clone()),
            (400, json!(field)),
            "{query}"
        );
    }
    // Settings over their size cap.
    let r = request(server.addr, "POST", "/api/runs", &vec![b' '; 300 << 10]);
    assert_eq!((r.status, r.json()["field"].clone()), (413, json!("body")));
    // An upload over the size cap.
    let big = vec![b'1'; 9 << 20];
    let r = request(server.addr, "POST", "/api/data", &big);
    assert_eq!(r.status, 413, "{}", r.text());
    assert_eq!(r.json()["field"], "data");
    // A good upload, then a run on it.
    let r = request(
        server.addr,
        "POST",
        "/api/data?name=tiny.csv",
        tiny_csv().as_bytes(),
    );
    assert_eq!(r.status, 200, "{}", r.text());
    let up = r.json();
    assert_eq!(up["target"], "y");
    let r = post(
        server.addr,
        "/api/runs",
        &json!({"data": up["id"], "target": "y", "layers": [], "epochs": 5}),
    );
    assert_eq!(r.status, 200, "{}", r.text());
    assert_eq!(epoch_rows(&r.events()).len(), 5);
    // The page and its parts.
    for (path, kind) in [
        ("/", "text/html"),
        ("/app.js", "javascript"),
        ("/results.js", "javascript"),
        ("/style.css", "text/css"),
    ] {
        let r = get(server.addr, path);
        assert_eq!(r.status, 200);
        assert!(r.headers.contains(kind), "{path}: {}", r.headers);
    }
    let meta = get(server.addr, "/api/meta").json();
    let acts: Vec<&str> = meta["activations"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["name"].as_str().unwrap())
        .collect();
    assert_eq!(acts, nonlin::model::activation::ACTIVATION_NAMES);
    assert_eq!(meta["presets"].as_array().unwrap().len(), 3);
}

fn tiny_csv() -> String {
    let mut s = String::from("a,b,y\n");
    for i in 0..40 {
        s.push_str(&format!("{},{},{}\n", i, (i * 7) % 11, i % 2));
    }
    s
}

/// Over the cap of concurrent runs: 429 at once; a client that goes away
/// cancels its run and frees the slot.
#[test]
fn over_the_cap_gets_429_and_a_closed_stream_cancels() {
    let server = Server::start(&["--max-runs", "1"]);
    let long = json!({"layers": [{"width": 5, "activation": "relu"}], "epochs": 100000});
    let mut first = send(
        server.addr,
        "POST",
        "/api/runs",
        long.to_string().as_bytes(),
    );
    let mut head = [0u8; 12];
    std::io::Read::read_exact(&mut first, &mut head).unwrap();
    assert_eq!(&head, b"HTTP/1.1 200");
    // 429 at once, not queued: a queued request would wait for the first
    // run (100000 epochs) and then be answered 200. (A hang guard, not a
    // figure: a busy machine may take its time.)
    let t = Instant::now();
    let r = post(server.addr, "/api/runs", &long);
    assert_eq!(r.status, 429, "{}", r.text());
    assert!(r.json()["error"].as_str().unwrap().contains("limit"));
    assert!(
        t.elapsed() < Duration::from_secs(60),
        "no answer within 60 s: queued?"
    );
    let r = post(
        server.addr,
        "/api/study",
        &json!({"models": [{"layers": []}]}),
    );
    assert_eq!(r.status, 429);
    assert_eq!(get(server.addr, "/health").json()["active_runs"], 1);
    drop(first);
    let deadline = Instant::now() + Duration::from_secs(60);
    while get(server.addr, "/health").json()["active_runs"] != 0 {
        assert!(Instant::now() < deadline, "the run was not cancelled");
        std::thread::sleep(Duration::from_millis(20));
    }
    let r = post(
        server.addr,
        "/api/runs",
        &json!({"layers": [], "epochs": 3}),
    );
    assert_eq!(r.status, 200);
    assert_eq!(epoch_rows(&r.events()).len(), 3);
}

/// `--data PATH --target COL`: the page starts with that table; a bad file
/// stops the server before it listens, with train's message.
#[test]
fn data_flag_sets_the_default_table() {
    let dir = temp_dir("serve-data-flag");
    let csv = dir.join("tiny.csv");
    std::fs::write(&csv, tiny_csv()).unwrap();
    let server = Server::start(&["--data", csv.to_str().unwrap(), "--target", "y"]);
    let meta = get(server.addr, "/api/meta").json();
    assert_eq!(meta["data"]["id"], "start");
    assert_eq!(meta["data"]["target"], "y");
    assert_eq!(meta["data"]["rows"], 40);
    let r = post(
        server.addr,
        "/api/runs",
        &json!({"layers": [{"width": 3, "activation": "elu:0.5"}], "epochs": 4}),
    );
    assert_eq!(r.status, 200, "{}", r.text());
    let events = r.events();
    assert_eq!(
        events.iter().find(|e| e["type"] == "model").unwrap()["arch"],
        "2-3-elu:0.5-1"
    );
    assert_eq!(epoch_rows(&events).len(), 4);
    drop(server);
    let o = std::process::Command::new(env!("CARGO_BIN_EXE_nonlin"))
        .args([
            "serve",
            "--port",
            "0",
            "--data",
            csv.to_str().unwrap(),
            "--target",
            "nope",
        ])
        .output()
        .unwrap();
    assert!(!o.status.success());
    assert!(String::from_utf8_lossy(&o.stderr).contains("no column named 'nope'"));
    std::fs::remove_dir_all(&dir).ok();
}

/// A run whose loss overflows says so, once, and ends.
#[test]
fn a_diverged_run_is_reported() {
    let server = Server::start(&[]);
    let req = json!({"layers": [{"width": 5, "activation": "relu"}], "epochs": 2000, "lr": 100});
    let r = post(server.addr, "/api/runs", &req);
    assert_eq!(r.status, 200);
    let events = r.events();
    let last = events.last().unwrap();
    assert_eq!(last["type"], "diverged", "{last}");
    assert!(last["error"]
        .as_str()
        .unwrap()
        .contains("smaller learning rate"));
    assert_eq!(
        epoch_rows(&events).len(),
        last["epoch"].as_u64().unwrap() as usize
    );
}

/// Pause holds the run between epochs; step lets exactly one more through.
#[test]
fn pause_and_step() {
    let server = Server::start(&[]);
    let req = json!({"layers": [{"width": 5, "activation": "relu"}], "epochs": 100000});
    let s = send(server.addr, "POST", "/api/runs", req.to_string().as_bytes());
    let mut reader = std::io::BufReader::new(s);
    let mut next_event = || -> serde_json::Value {
        loop {
            let mut line = String::new();
            assert!(std::io::BufRead::read_line(&mut reader, &mut line).unwrap() > 0);
            if let Some(d) = line.trim_end().strip_prefix("data: ") {
                return serde_json::from_str(d).unwrap();
            }
        }
    };
    let id = next_event()["id"].as_u64().unwrap();
    let r = post(
        server.addr,
        &format!("/api/runs/{id}/control"),
        &json!({"action": "pause"}),
    );
    assert_eq!(r.status, 200);
    let paused_at = loop {
        let e = next_event();
        if e["type"] == "paused" {
            break e["epoch"].as_u64().unwrap();
        }
    };
    post(
        server.addr,
        &format!("/api/runs/{id}/control"),
        &json!({"action": "step"}),
    );
    let e = next_event();
    assert_eq!(e["type"], "epochs");
    assert_eq!(e["rows"][0][0].as_u64().unwrap(), paused_at + 1);
    assert_eq!(e["rows"].as_array().unwrap().len(), 1);
    assert_eq!(next_event()["epoch"].as_u64().unwrap(), paused_at + 1);
    post(
        server.addr,
        &format!("/api/runs/{id}/control"),
        &json!({"action": "stop"}),
    );
    loop {
        let e = next_event();
        if e["type"] == "done" {
            assert_eq!(e["cancelled"], true);
            break;
        }
    }
}

/// `"paused": true` (the Step button before a run): the run stops after its
/// first epoch and waits.
#[test]
fn a_run_can_start_paused() {
    let server = Server::start(&[]);
    let req = json!({"layers": [], "epochs": 1000, "paused": true});
    let s = send(server.addr, "POST", "/api/runs", req.to_string().as_bytes());
    let mut reader = std::io::BufReader::new(s);
    let mut events = Vec::new();
    while events
        .last()
        .is_none_or(|e: &serde_json::Value| e["type"] != "paused")
    {
        let mut line = String::new();
        assert!(std::io::BufRead::read_line(&mut reader, &mut line).unwrap() > 0);
        if let Some(d) = line.trim_end().strip_prefix("data: ") {
            events.push(serde_json::from_str(d).unwrap());
        }
    }
    assert_eq!(events.last().unwrap()["epoch"], 0);
    assert_eq!(epoch_rows(&events).len(), 1);
    let id = events[0]["id"].as_u64().unwrap();
    post(
        server.addr,
        &format!("/api/runs/{id}/control"),
        &json!({"action": "resume"}),
    );
    let rest = read_response_body(reader);
    assert_eq!(epoch_rows(&rest).len(), 999);
}

/// The rest of an event stream, parsed.
fn read_response_body(
    mut reader: std::io::BufReader<std::net::TcpStream>,
) -> Vec<serde_json::Value> {
    let mut text = String::new();
    let _ = std::io::Read::read_to_string(&mut reader, &mut text);
    text.lines()
        .filter_map(|l| l.strip_prefix("data: "))
        .map(|d| serde_json::from_str(d).unwrap())
        .collect()
}

/// "Is it chance?": a small study streams progress, then the sentences and
/// the strip plot.
#[test]
fn study_streams_sentences_and_svg() {
    let server = Server::start(&[]);
    let req = json!({
        "models": [{"name": "lin", "layers": []}, {"name": "relu", "layers": [{"width": 5, "activation": "relu"}]}],
        "epochs": 40, "repeats": 1, "folds": 3,
    });
    let r = post(server.addr, "/api/study", &req);
    assert_eq!(r.status, 200, "{}", r.text());
    let events = r.events();
    let last = events.last().unwrap();
    assert_eq!(last["type"], "study", "{last}");
    assert!(last["svg"].as_str().unwrap().starts_with("<svg"));
    assert!(last["accuracy"].as_str().unwrap().contains("relu"));
    let progress = events.iter().rfind(|e| e["type"] == "progress").unwrap();
    assert_eq!(progress["done"], progress["total"]);
    assert_eq!(progress["total"], 3 * 4);
}
