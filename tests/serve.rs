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
        ("/regression.js", "javascript"),
        ("/task.js", "javascript"),
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

/// The repository's data file `name`.
fn data_file(name: &str) -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("data")
        .join(name)
}

/// Uploads `data/NAME` (its target guessed: the last column).
fn upload(server: &Server, name: &str) -> serde_json::Value {
    let bytes = std::fs::read(data_file(name)).unwrap();
    let r = request(
        server.addr,
        "POST",
        &format!("/api/data?name={name}"),
        &bytes,
    );
    assert_eq!(r.status, 200, "{}", r.text());
    r.json()
}

/// The numbers of column `col` of `data/NAME` (a plain CSV, no quotes).
fn column(name: &str, col: &str) -> Vec<f64> {
    let text = std::fs::read_to_string(data_file(name)).unwrap();
    let mut lines = text.lines();
    let j = lines
        .next()
        .unwrap()
        .split(',')
        .position(|c| c == col)
        .unwrap();
    lines
        .map(|l| l.split(',').nth(j).unwrap().parse().unwrap())
        .collect()
}

fn rows_of(v: &serde_json::Value) -> Vec<serde_json::Value> {
    v["rows"].as_array().unwrap().clone()
}

/// Wine (target `cultivar`, three text classes): the upload's check says
/// auto chose multiclass and lists the classes; a run with the multiclass
/// loss settings streams live results with a 3×3 confusion matrix over the
/// test rows whose diagonal is the epoch's correct count; the decision view
/// gives each cell a class and its probability; the curve view, a
/// regression's, is refused naming the task.
#[test]
fn wine_trains_multiclass() {
    let server = Server::start(&[]);
    let up = upload(&server, "wine.csv");
    assert_eq!(up["target"], "cultivar");
    assert_eq!(up["task"], "multiclass");
    assert_eq!(up["classes"], json!(["class_0", "class_1", "class_2"]));
    assert!(up["error"].is_null(), "{up}");
    let note = up["notes"].to_string();
    assert!(
        note.contains("multiclass") && note.contains("\\\"Task\\\""),
        "{note}"
    );
    let req = json!({
        "data": up["id"], "target": "cultivar", "layers": [{"width": 8, "activation": "tanh"}],
        "epochs": 300, "optimizer": "adam", "lr": 0.01, "seed": 4,
        "class_weight": "balanced", "label_smoothing": 0.05, "paused": true,
    });
    let mut s = stream::Stream::open(server.addr, &req);
    let id = s.next()["id"].as_u64().unwrap();
    let mut seen = s.until("paused");
    let data = seen.iter().find(|m| m["type"] == "data").unwrap();
    assert_eq!(
        (&data["task"], &data["classes"]),
        (&up["task"], &up["classes"])
    );
    let (_, n_test) = stream::split_sizes(&seen);
    let batch = seen.iter().rev().find(|m| m["type"] == "epochs").unwrap();
    let live = &batch["live"];
    let last = rows_of(batch).last().unwrap().clone();
    assert_eq!(live["epoch"], last[0]);
    let m: Vec<Vec<u64>> = serde_json::from_value(live["confusion"].clone()).unwrap();
    assert_eq!(
        (m.len(), m.iter().all(|r| r.len() == 3)),
        (3, true),
        "{m:?}"
    );
    let total: u64 = m.iter().flatten().sum();
    assert_eq!(total as usize, n_test, "every test row, once");
    let diagonal: u64 = (0..3).map(|c| m[c][c]).sum();
    assert_eq!(diagonal, last[6].as_u64().unwrap(), "{live} vs {last}");
    let acc = live["test_accuracy"].as_f64().unwrap() * 100.0;
    assert!((acc - last[4].as_f64().unwrap()).abs() < 1e-9);
    assert!(live["macro_f1"].as_f64().is_some() && live["log_loss"].as_f64().unwrap() > 0.0);

    // The decision view of the snapshot: a class per cell, coloured by it.
    let d = get(
        server.addr,
        &format!("/api/runs/{id}/decision?x=alcohol&y=proline"),
    );
    assert_eq!(d.status, 200, "{}", d.text());
    let d = d.json();
    assert_eq!(
        (d["epoch"].clone(), d["final"].clone()),
        (json!(0), json!(false))
    );
    assert_eq!(d["classes"], up["classes"]);
    let cells = 48 * 48;
    let class: Vec<usize> = serde_json::from_value(d["class"].clone()).unwrap();
    let probs: Vec<f64> = serde_json::from_value(d["probs"].clone()).unwrap();
    assert_eq!((class.len(), probs.len()), (cells, cells));
    assert!(class.iter().all(|&c| c < 3));
    // The predicted class is the most probable: at least 1/K.
    assert!(probs.iter().all(|&p| (1.0 / 3.0 - 1e-6..=1.0).contains(&p)));
    assert_eq!(d["points"].as_array().unwrap().len(), 178);
    let curve = get(
        server.addr,
        &format!("/api/runs/{id}/curve?feature=alcohol"),
    );
    assert_eq!(
        (curve.status, curve.json()["field"].clone()),
        (400, json!("task"))
    );

    post(
        server.addr,
        &format!("/api/runs/{id}/control"),
        &json!({"action": "resume"}),
    );
    seen.extend(s.until("done"));
    let rows = epoch_rows(&seen);
    assert_eq!(rows.len(), 300);
    let done = seen.last().unwrap();
    let model = &done["models"][0];
    assert_eq!(model["arch"], "13-8-tanh-3");
    let m: Vec<Vec<u64>> = serde_json::from_value(model["confusion"].clone()).unwrap();
    assert_eq!(m.iter().flatten().sum::<u64>() as usize, n_test);
    let diagonal: u64 = (0..3).map(|c| m[c][c]).sum();
    assert_eq!(diagonal as f64, rows[299][6]);
    let end = get(
        server.addr,
        &format!("/api/runs/{id}/decision?x=alcohol&y=proline"),
    )
    .json();
    assert_eq!(
        (end["epoch"].clone(), end["final"].clone()),
        (json!(299), json!(true))
    );
}

/// Diabetes (target `progression`, 214 distinct numbers): auto chose
/// regression; the epoch rows are the regression history's columns; the
/// live results carry RMSE, MAE and R² (the epoch's, in the target's units)
/// and the test split's predictions against its actual values; the
/// prediction curve runs over the chosen feature's observed range, the
/// others held, the test rows beneath, and moves as the run trains; a bad
/// feature, or the decision view (a classifier's), is refused naming the
/// field.
#[test]
fn diabetes_trains_regression() {
    let server = Server::start(&[]);
    let up = upload(&server, "diabetes.csv");
    assert_eq!(
        (up["target"].clone(), up["task"].clone()),
        (json!("progression"), json!("regression"))
    );
    assert_eq!(up["classes"], json!([]));
    let req = json!({
        "data": up["id"], "target": "progression", "layers": [{"width": 8, "activation": "tanh"}],
        "epochs": 200, "optimizer": "adam", "lr": 0.01, "loss": "huber:2", "paused": true,
    });
    let mut s = stream::Stream::open(server.addr, &req);
    let id = s.next()["id"].as_u64().unwrap();
    let mut seen = s.until("paused");
    assert_eq!(
        seen.iter().find(|m| m["type"] == "data").unwrap()["task"],
        "regression"
    );
    let (_, n_test) = stream::split_sizes(&seen);
    let batch = seen.iter().rev().find(|m| m["type"] == "epochs").unwrap();
    let live = &batch["live"];
    let last = rows_of(batch).last().unwrap().clone();
    assert_eq!(live["epoch"], last[0]);
    let rmse = live["rmse"].as_f64().expect("a live RMSE");
    assert!(rmse.is_finite() && rmse > 0.0, "{live}");
    let r2 = live["r2"].as_f64().expect("a live R²");
    let close = |a: f64, b: &serde_json::Value| (a - b.as_f64().unwrap()).abs() <= 1e-9 * a.abs();
    assert!(
        close(rmse, &last[4]) && close(r2, &last[6]),
        "{live} vs {last}"
    );
    assert!(close(live["mae"].as_f64().unwrap(), &last[5]));
    let predicted: Vec<f64> = serde_json::from_value(live["predicted"].clone()).unwrap();
    let actual: Vec<f64> = serde_json::from_value(live["actual"].clone()).unwrap();
    assert_eq!((predicted.len(), actual.len()), (n_test, n_test));
    let targets = column("diabetes.csv", "progression");
    assert!(
        actual.iter().all(|a| targets.contains(a)),
        "actual values are the data's"
    );
    let sse: f64 = predicted
        .iter()
        .zip(&actual)
        .map(|(p, a)| (p - a).powi(2))
        .sum();
    assert!(((sse / n_test as f64).sqrt() - rmse).abs() <= 1e-9 * rmse);

    // The prediction along bmi, the other nine held.
    let curve = |q: &str| get(server.addr, &format!("/api/runs/{id}/curve?{q}"));
    let c = curve("feature=bmi");
    assert_eq!(c.status, 200, "{}", c.text());
    let c = c.json();
    assert_eq!(
        (c["epoch"].clone(), c["final"].clone()),
        (json!(0), json!(false))
    );
    assert_eq!(
        (c["feature"].clone(), c["index"].clone()),
        (json!("bmi"), json!(2))
    );
    let x: Vec<f64> = serde_json::from_value(c["x"].clone()).unwrap();
    let y: Vec<f64> = serde_json::from_value(c["y"].clone()).unwrap();
    assert_eq!(x.len(), y.len());
    assert!(
        x.len() >= 2 && x.windows(2).all(|w| w[0] < w[1]),
        "increasing"
    );
    let bmi = column("diabetes.csv", "bmi");
    let (lo, hi) = bmi
        .iter()
        .fold((f64::INFINITY, f64::NEG_INFINITY), |(l, h), &v| {
            (l.min(v), h.max(v))
        });
    assert!(
        (x[0] - lo).abs() < 1e-5 * lo && (x[x.len() - 1] - hi).abs() < 1e-5 * hi,
        "{x:?}"
    );
    assert!(y.iter().all(|v| v.is_finite()));
    let held: Vec<String> = c["held"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| h[0].as_str().unwrap().to_string())
        .collect();
    assert_eq!(
        held,
        ["age", "sex", "bp", "s1", "s2", "s3", "s4", "s5", "s6"]
    );
    let points = c["points"].as_array().unwrap();
    assert_eq!(points.len(), n_test);
    for p in points {
        let (px, py) = (p[0].as_f64().unwrap(), p[1].as_f64().unwrap());
        assert!(px >= x[0] - 1e-6 && px <= x[x.len() - 1] + 1e-6 && targets.contains(&py));
    }
    assert_eq!(curve("feature=2").json()["y"], c["y"], "by position too");
    for (q, field, says) in [
        ("feature=99", "feature", "out of range"),
        ("feature=weight", "feature", "not a feature"),
        ("", "feature", "required"),
        ("feature=bmi&colour=red", "colour", "not a setting"),
    ] {
        let r = curve(q);
        assert_eq!(r.status, 400, "{q}: {}", r.text());
        let j = r.json();
        assert_eq!(j["field"], field, "{q}: {j}");
        assert!(j["error"].as_str().unwrap().contains(says), "{q}: {j}");
    }
    let d = get(server.addr, &format!("/api/runs/{id}/decision?x=bmi&y=bp"));
    assert_eq!((d.status, d.json()["field"].clone()), (400, json!("task")));

    // One more epoch: the curve moves with the network.
    let control = format!("/api/runs/{id}/control");
    post(server.addr, &control, &json!({"action": "step"}));
    seen.extend(s.until("paused"));
    let moved = curve("feature=bmi").json();
    assert_eq!(moved["epoch"], 1);
    assert_ne!(moved["y"], c["y"]);
    post(server.addr, &control, &json!({"action": "resume"}));
    seen.extend(s.until("done"));
    let rows = epoch_rows(&seen);
    assert_eq!(rows.len(), 200);
    let model = &seen.last().unwrap()["models"][0];
    assert!(model["rmse"].as_f64().unwrap().is_finite() && model["r2"].is_number());
    let csv = get(server.addr, &format!("/api/runs/{id}/files/history.csv")).text();
    assert!(csv.starts_with("epoch,train_loss,test_loss,train_rmse,test_rmse,test_mae,test_r2\n"));
    assert_eq!(history_rows(&csv), rows, "the stream is the history");
    let last = model["final"].as_array().unwrap();
    assert_eq!(last[4].as_f64().unwrap(), rows[199][4]);
    assert_eq!(model["rmse"].as_f64().unwrap(), rows[199][4]);
}

/// The page's Task control and each task's loss settings: a setting of
/// another task than the target's is refused with 400 naming the page's
/// control; so is a task the target cannot be, and a bad value.
#[test]
fn a_setting_of_another_task_is_refused_naming_its_control() {
    let server = Server::start(&[]);
    let wine = upload(&server, "wine.csv")["id"].clone();
    let diabetes = upload(&server, "diabetes.csv")["id"].clone();
    let heart = json!({});
    let on = |data: &serde_json::Value, target: &str, extra: serde_json::Value| {
        let mut body = json!({"layers": [], "epochs": 2});
        if !data.is_object() {
            body["data"] = data.clone();
            body["target"] = json!(target);
        }
        for (k, v) in extra.as_object().unwrap() {
            body[k] = v.clone();
        }
        body
    };
    for (body, field, label) in [
        (
            on(&heart, "", json!({"label_smoothing": 0.1})),
            "label_smoothing",
            "\"Label smoothing\"",
        ),
        (
            on(&heart, "", json!({"class_weight": "balanced"})),
            "class_weight",
            "\"Class weight\"",
        ),
        (on(&heart, "", json!({"loss": "l1"})), "loss", "\"Loss\""),
        (
            on(&heart, "", json!({"task": "multiclass"})),
            "task",
            "\"Task: binary\"",
        ),
        (
            on(&diabetes, "progression", json!({"pos_weight": 2})),
            "pos_weight",
            "\"Positive weight\"",
        ),
        (
            on(&diabetes, "progression", json!({"label_smoothing": 0.1})),
            "label_smoothing",
            "\"Label smoothing\"",
        ),
        (
            on(&diabetes, "progression", json!({"positive": "151"})),
            "positive",
            "\"Positive label\"",
        ),
        (
            on(&wine, "cultivar", json!({"loss": "mse"})),
            "loss",
            "\"Loss\"",
        ),
        (
            on(&wine, "cultivar", json!({"pos_weight": "auto"})),
            "pos_weight",
            "\"Positive weight\"",
        ),
        (
            on(&wine, "cultivar", json!({"task": "regression"})),
            "data",
            "\"Task: multiclass\"",
        ),
        (
            on(&heart, "", json!({"task": "ranking"})),
            "task",
            "auto, binary",
        ),
        (
            on(&wine, "cultivar", json!({"class_weight": "heavy"})),
            "class_weight",
            "balanced",
        ),
        (
            on(&diabetes, "progression", json!({"loss": "huber:-1"})),
            "loss",
            "huber:DELTA",
        ),
        (
            on(&wine, "cultivar", json!({"label_smoothing": 2})),
            "label_smoothing",
            "\"Label smoothing\"",
        ),
        (
            on(&heart, "", json!({"pos_weight": "heavy"})),
            "pos_weight",
            "auto",
        ),
        (
            on(&heart, "", json!({"max_classes": 2})),
            "max_classes",
            "between 3 and 1000",
        ),
    ] {
        let r = post(server.addr, "/api/runs", &body);
        assert_eq!(r.status, 400, "{body}: {}", r.text());
        let j = r.json();
        let error = j["error"].as_str().unwrap();
        assert_eq!(j["field"], field, "{body}: {j}");
        assert!(error.contains(label), "{body}: {error}");
        assert!(!error.contains("--"), "{body}: a flag in {error}");
    }
    // Each task's own settings apply.
    for body in [
        on(&heart, "", json!({"pos_weight": "auto"})),
        on(
            &wine,
            "cultivar",
            json!({"class_weight": "balanced", "label_smoothing": 0.1}),
        ),
        on(&diabetes, "progression", json!({"loss": "l1"})),
        on(&heart, "", json!({"task": "regression"})),
    ] {
        let r = post(server.addr, "/api/runs", &body);
        assert_eq!(r.status, 200, "{body}: {}", r.text());
        assert_eq!(epoch_rows(&r.events()).len(), 2, "{body}");
    }
    // The upload's check answers for the task given.
    let r = get(
        server.addr,
        &format!(
            "/api/data/{}/check?target=cultivar&task=binary",
            wine.as_str().unwrap()
        ),
    );
    assert_eq!(r.status, 200, "{}", r.text());
    let j = r.json();
    assert_eq!(
        (j["task"].clone(), j["error"]["field"].clone()),
        (json!(null), json!("data"))
    );
    let error = j["error"]["error"].as_str().unwrap();
    assert!(error.contains("\"Task: multiclass\""), "{error}");
    let r = get(
        server.addr,
        "/api/data/heart/check?target=DEATH_EVENT&task=regression",
    );
    assert_eq!(r.json()["task"], "regression");
    let r = get(
        server.addr,
        "/api/data/heart/check?target=DEATH_EVENT&task=x",
    );
    assert_eq!((r.status, r.json()["field"].clone()), (400, json!("task")));
    let r = get(
        server.addr,
        "/api/data/heart/check?target=DEATH_EVENT&max_classes=5000",
    );
    assert_eq!(
        (r.status, r.json()["field"].clone()),
        (400, json!("max_classes"))
    );
}

/// "Is it chance?" for a multiclass and a regression target: the
/// comparisons of the task's metrics (accuracy and macro-F1; RMSE and
/// MAE), with its baselines.
#[test]
fn study_of_a_multiclass_and_a_regression_target() {
    let server = Server::start(&[]);
    for (file, target, task, main, baseline) in [
        ("wine.csv", "cultivar", "multiclass", "accuracy", "logistic"),
        (
            "diabetes.csv",
            "progression",
            "regression",
            "RMSE",
            "linear",
        ),
    ] {
        let id = upload(&server, file)["id"].clone();
        let req = json!({
            "data": id, "target": target, "epochs": 20, "repeats": 1, "folds": 2,
            "models": [{"name": "small", "layers": [{"width": 4, "activation": "relu"}]}],
        });
        let r = post(server.addr, "/api/study", &req);
        assert_eq!(r.status, 200, "{}", r.text());
        let last = r.events().last().unwrap().clone();
        assert_eq!(
            (last["type"].clone(), last["task"].clone()),
            (json!("study"), json!(task)),
            "{last}"
        );
        let comparisons = last["comparisons"].as_array().unwrap();
        assert_eq!(comparisons.len(), 2);
        let first = comparisons[0][0].as_str().unwrap();
        assert!(first.contains(main), "{first}");
        let text = comparisons[0][1].as_str().unwrap();
        assert!(text.contains("small") && text.contains(baseline), "{text}");
        assert!(last["svg"].as_str().unwrap().starts_with("<svg"));
        // A baseline's name is the task's.
        let mut clash = req.clone();
        clash["models"] = json!([{"name": baseline, "layers": []}]);
        let r = post(server.addr, "/api/study", &clash);
        assert_eq!(
            (r.status, r.json()["field"].clone()),
            (400, json!("models[0].name"))
        );
    }
}

/// A multiclass run's downloads are `train`'s files: its `history.csv` is
/// the streamed epochs.
#[test]
fn a_multiclass_run_downloads_trains_files() {
    let server = Server::start(&[]);
    let up = upload(&server, "wine.csv");
    let req = json!({"data": up["id"], "target": "cultivar", "layers": [], "epochs": 20});
    let r = post(server.addr, "/api/runs", &req);
    assert_eq!(r.status, 200, "{}", r.text());
    let events = r.events();
    let rows = epoch_rows(&events);
    let id = events.last().unwrap()["id"].as_u64().unwrap();
    let files = get(server.addr, &format!("/api/runs/{id}/files"));
    assert_eq!(files.status, 200, "{}", files.text());
    let csv = get(server.addr, &format!("/api/runs/{id}/files/history.csv"));
    assert_eq!(csv.status, 200, "{}", csv.text());
    assert!(csv.text().starts_with("epoch,train_loss,train_acc,"));
    assert_eq!(history_rows(&csv.text()), rows, "the stream is the history");
}
