//! `nonlin serve` while a run trains, and uploads read as `train` reads
//! them: the live test-split results agree with the history epoch for epoch,
//! the decision view follows the run from its first epoch, and an upload
//! with a text target and a missing value gets the data layer's notes and
//! error, then, with `missing = median`, trains exactly as the library does
//! with the same options.

mod serve_util;

use nonlin::train::history::percent;
use serde_json::{json, Value};
use serve_util::upload_case::{default_error, library_rows, page_words, text_csv};
use serve_util::*;
use std::io::{BufRead, BufReader};
use std::net::TcpStream;

/// Reads a stream's messages one by one.
struct Stream(BufReader<TcpStream>);

impl Stream {
    fn open(addr: std::net::SocketAddr, req: &Value) -> Stream {
        Stream(BufReader::new(send(
            addr,
            "POST",
            "/api/runs",
            req.to_string().as_bytes(),
        )))
    }

    fn next(&mut self) -> Value {
        loop {
            let mut line = String::new();
            assert!(self.0.read_line(&mut line).unwrap() > 0, "the stream ended");
            if let Some(d) = line.trim_end().strip_prefix("data: ") {
                return serde_json::from_str(d).unwrap();
            }
        }
    }

    /// Messages up to and including the first of type `kind`.
    fn until(&mut self, kind: &str) -> Vec<Value> {
        let mut seen = Vec::new();
        loop {
            let m = self.next();
            let stop = m["type"] == kind;
            seen.push(m);
            if stop {
                return seen;
            }
        }
    }
}

fn confusion_total(live: &Value) -> u64 {
    ["tp", "fp", "tn", "fn"]
        .iter()
        .map(|k| live["confusion"][k].as_u64().unwrap())
        .sum()
}

/// Every batch that carries live results scores the network of its last
/// epoch: the confusion matrix's correct count is that epoch's
/// `test_correct`, its accuracy that epoch's test accuracy. (A long run,
/// stopped after its fourth live batch: bounded in time however fast the
/// machine is.)
#[test]
fn live_results_follow_the_history() {
    let server = Server::start(&[]);
    let req = json!({
        "layers": [{"width": 8, "activation": "tanh"}], "epochs": 100000, "batch_size": 8,
        "optimizer": "adam", "lr": 0.002, "seed": 5,
    });
    let mut s = Stream::open(server.addr, &req);
    let id = s.next()["id"].as_u64().unwrap();
    let data = s.next();
    assert_eq!(data["type"], "data");
    assert_eq!(data["features"].as_array().unwrap().len(), 12);
    let (mut lives, mut epochs) = (0, 0);
    while lives < 4 {
        let e = s.next();
        assert_ne!(e["type"], "done");
        if e["type"] != "epochs" {
            continue;
        }
        let rows = e["rows"].as_array().unwrap();
        assert_eq!(rows[0][0], epochs, "every epoch, in order");
        epochs += rows.len();
        let Some(live) = e.get("live") else { continue };
        let last = rows.last().unwrap();
        assert_eq!(
            live["epoch"], last[0],
            "a snapshot of the batch's last epoch"
        );
        assert_eq!(confusion_total(live), 60);
        let c = &live["confusion"];
        let correct = c["tp"].as_u64().unwrap() + c["tn"].as_u64().unwrap();
        assert_eq!(correct, last[6].as_u64().unwrap(), "{live} vs {last}");
        let acc = live["test_accuracy"].as_f64().unwrap() * 100.0;
        assert!((acc - last[4].as_f64().unwrap()).abs() < 1e-9);
        let auc = live["roc_auc"].as_f64().unwrap();
        assert!((0.0..=1.0).contains(&auc));
        lives += 1;
    }
    post(
        server.addr,
        &format!("/api/runs/{id}/control"),
        &json!({"action": "stop"}),
    );
    assert_eq!(s.until("done").last().unwrap()["cancelled"], true);
}

/// The decision view answers from the first epoch on, from the latest
/// snapshot, and says which epoch it shows; a paused run's last batch
/// carries the live results of the epoch it paused after.
#[test]
fn decision_view_follows_the_run() {
    let server = Server::start(&[]);
    let req = json!({"layers": [{"width": 5, "activation": "relu"}], "epochs": 1000,
                     "lr": 0.5, "paused": true});
    let mut s = Stream::open(server.addr, &req);
    let id = s.next()["id"].as_u64().unwrap();
    let seen = s.until("paused");
    let last_batch = seen.iter().rev().find(|e| e["type"] == "epochs").unwrap();
    assert_eq!(last_batch["live"]["epoch"], 0);
    let path = format!("/api/runs/{id}/decision?x=ejection_fraction&y=serum_creatinine");
    let first = get(server.addr, &path);
    assert_eq!(first.status, 200, "{}", first.text());
    let first = first.json();
    assert_eq!(
        (first["epoch"].clone(), first["final"].clone()),
        (json!(0), json!(false))
    );
    assert_eq!(first["probs"].as_array().unwrap().len(), 48 * 48);
    let control = format!("/api/runs/{id}/control");
    for _ in 0..3 {
        post(server.addr, &control, &json!({"action": "step"}));
        let seen = s.until("paused");
        assert_eq!(seen.last().unwrap()["epoch"], seen[0]["rows"][0][0]);
    }
    let later = get(server.addr, &path).json();
    assert_eq!(later["epoch"], 3);
    assert_ne!(
        later["probs"], first["probs"],
        "the view moves with training"
    );
    post(server.addr, &control, &json!({"action": "stop"}));
    let done = s.until("done");
    assert_eq!(done.last().unwrap()["cancelled"], true);
    let end = get(server.addr, &path).json();
    assert_eq!(
        (end["epoch"].clone(), end["final"].clone()),
        (json!(3), json!(true))
    );
    assert_eq!(end["probs"], later["probs"]);
}

/// An upload with train's options: the reader's notes and the data layer's
/// error (default `missing = error`), then with `missing = median` and
/// `positive = died` its notes and a run equal, epoch for epoch, to the
/// library's run with the same options.
#[test]
fn uploads_read_and_train_as_train_does() {
    let server = Server::start(&[]);
    let csv = text_csv();
    let r = request(
        server.addr,
        "POST",
        "/api/data?name=text.csv&target=outcome",
        csv.as_bytes(),
    );
    assert_eq!(r.status, 200, "{}", r.text());
    let up = r.json();
    let expected = default_error("text.csv");
    assert_eq!(up["error"]["field"], "data");
    assert_eq!(
        up["error"]["error"],
        page_words(&expected, "").as_str(),
        "the library's message in the page's words"
    );
    assert!(expected.contains("1 missing value(s)"), "{expected}");
    let notes = up["notes"].to_string();
    assert!(
        notes.contains("';'") && notes.contains("decimal comma"),
        "{notes}"
    );
    let id = up["id"].as_str().unwrap();

    let check = get(
        server.addr,
        &format!("/api/data/{id}/check?target=outcome&missing=median&positive=died"),
    );
    assert_eq!(check.status, 200, "{}", check.text());
    let check = check.json();
    assert_eq!(check["error"], Value::Null);
    assert!(check["notes"].to_string().contains("median"), "{check}");

    let req = json!({
        "data": id, "target": "outcome", "missing": "median", "positive": "died",
        "layers": [{"width": 5, "activation": "relu"}], "epochs": 200, "lr": 0.05, "seed": 2,
    });
    let r = post(server.addr, "/api/runs", &req);
    assert_eq!(r.status, 200, "{}", r.text());
    let events = r.events();
    let rows = epoch_rows(&events);
    let data = events.iter().find(|e| e["type"] == "data").unwrap();
    assert_eq!(data["positive"], "died");

    let lib = library_rows(200, 0.05, 2);
    assert_eq!(
        rows, lib,
        "the page's run is the library's, epoch for epoch"
    );
    let done = events.iter().find(|e| e["type"] == "done").unwrap();
    assert_eq!(done["models"][0]["final"][4].as_f64(), Some(lib[199][4]));
}

/// `--data` with a missing value: the server starts, the page learns
/// train's error from the check, and a run with `missing = drop` trains.
#[test]
fn data_flag_with_missing_values_starts() {
    let dir = temp_dir("serve-data-missing");
    let csv = dir.join("gaps.csv");
    let mut text = String::from("a,b,y\n");
    for i in 0..40 {
        let b = if i == 3 {
            String::new()
        } else {
            ((i * 7) % 11).to_string()
        };
        text.push_str(&format!("{i},{b},{}\n", i % 2));
    }
    std::fs::write(&csv, text).unwrap();
    let server = Server::start(&[
        "--data",
        csv.to_str().unwrap(),
        "--target",
        "y",
        "--missing",
        "most_frequent",
        "--categorical",
        "a",
    ]);
    // train's table flags are the page's first choices.
    let meta = get(server.addr, "/api/meta").json();
    assert_eq!(
        meta["options"],
        json!({"missing": "most-frequent", "positive": null, "categorical": ["a"]})
    );
    let check = get(server.addr, "/api/data/start/check?target=y").json();
    let error = check["error"]["error"].as_str().unwrap();
    assert!(
        error.contains("1 missing value(s)") && error.contains("'b' 1 (line 5)"),
        "{error}"
    );
    let r = post(
        server.addr,
        "/api/runs",
        &json!({"layers": [], "epochs": 3, "missing": "drop"}),
    );
    assert_eq!(r.status, 200, "{}", r.text());
    let events = r.events();
    let data = events.iter().find(|e| e["type"] == "data").unwrap();
    assert_eq!(data["rows"], 39);
    // The note names the policy in the page's words, never a flag.
    let notes = data["notes"].to_string();
    assert!(
        notes.contains("Missing values: drop") && !notes.contains("--"),
        "{data}"
    );
    assert_eq!(epoch_rows(&events).len(), 3);
    let r = post(
        server.addr,
        "/api/runs",
        &json!({"layers": [], "epochs": 3}),
    );
    assert_eq!(r.status, 400);
    assert_eq!(r.json()["error"], error);
    drop(server);
    let o = std::process::Command::new(env!("CARGO_BIN_EXE_nonlin"))
        .args(["serve", "--port", "0", "--missing", "zero"])
        .output()
        .unwrap();
    assert!(!o.status.success());
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains("missing") && err.contains("zero"), "{err}");
    std::fs::remove_dir_all(&dir).ok();
}

/// Text features and `categorical`: the page's run sees the one-hot
/// inputs `train` makes, and trains as the library does with the same
/// options.
#[test]
fn text_and_categorical_features() {
    use nonlin::data::{Dataset, DatasetOptions, MissingPolicy, Table};
    use nonlin::run::{split_run, Cancel, Hidden, ModelDef, RunConfig, Silent};
    let server = Server::start(&[]);
    let mut csv = String::from("age,smoker,g,y\n");
    for i in 0..50 {
        let smoker = if i == 4 {
            ""
        } else if i % 3 == 0 {
            "yes"
        } else {
            "no"
        };
        csv.push_str(&format!(
            "{},{smoker},{},{}\n",
            30 + (i * 17) % 40,
            i % 3,
            (i * 7) % 4 / 2
        ));
    }
    let up = request(
        server.addr,
        "POST",
        "/api/data?name=cat.csv&target=y",
        csv.as_bytes(),
    )
    .json();
    let req = json!({
        "data": up["id"], "target": "y", "missing": "drop", "categorical": ["g"],
        "layers": [{"width": 3, "activation": "tanh"}], "epochs": 30, "lr": 0.1,
    });
    let r = post(server.addr, "/api/runs", &req);
    assert_eq!(r.status, 200, "{}", r.text());
    let events = r.events();
    let data = events.iter().find(|e| e["type"] == "data").unwrap();
    assert_eq!(
        data["features"],
        json!(["age", "smoker=no", "smoker=yes", "g=0", "g=1", "g=2"])
    );
    let model = events.iter().find(|e| e["type"] == "model").unwrap();
    assert_eq!(model["arch"], "6-3-tanh-1");

    let table = Table::from_csv_bytes(csv.as_bytes(), "cat.csv").unwrap();
    let options = DatasetOptions {
        missing: MissingPolicy::Drop,
        categorical: vec!["g".into()],
        ..DatasetOptions::new("y")
    };
    let ds = Dataset::from_table_with(&table, &options).unwrap();
    let mut config = RunConfig::train_tutorial();
    config.models = vec![ModelDef {
        name: Some("model".into()),
        hidden: Hidden::Spec("3-tanh".into()),
    }];
    config.train.epochs = 30;
    config.train.optimizer = nonlin::train::OptimizerConfig::sgd(0.1);
    let result = split_run::run(&ds, &config, &mut Silent, &Cancel::new()).unwrap();
    let test_acc: Vec<f64> = result.models[0]
        .history
        .records
        .iter()
        .map(|r| percent(result.models[0].history.test_accuracy(r).unwrap()))
        .collect();
    let page: Vec<f64> = epoch_rows(&events).iter().map(|r| r[4]).collect();
    assert_eq!(page, test_acc);
    // "Is it chance?" on the same table and options.
    let study = post(
        server.addr,
        "/api/study",
        &json!({
            "data": up["id"], "target": "y", "missing": "drop", "categorical": "g",
            "models": [{"name": "small", "layers": [{"width": 3, "activation": "tanh"}]}],
            "epochs": 20, "repeats": 1, "folds": 2,
        }),
    );
    assert_eq!(study.status, 200, "{}", study.text());
    let last = study.events().pop().unwrap();
    assert_eq!(last["type"], "study", "{last}");
    // Bad categorical names are the data layer's errors, named by field.
    let check = get(
        server.addr,
        &format!(
            "/api/data/{}/check?target=y&categorical=y",
            up["id"].as_str().unwrap()
        ),
    )
    .json();
    assert!(
        check["error"]["error"]
            .as_str()
            .unwrap()
            .contains("is the target"),
        "{check}"
    );
}
