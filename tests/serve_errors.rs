//! The playground's errors are in the page's words: many bad requests (a
//! bad value of each field, settings that do not apply together, uploads
//! the data layer refuses), and no message the page receives names a
//! command-line flag (`--missing`, `--categorical`, ...). A setting that
//! does not apply (momentum with Adam) is refused, naming it.

mod serve_util;

use serde_json::{json, Value};
use serve_util::*;

/// Every string under an `error` key, however deep.
fn errors(v: &Value, out: &mut Vec<String>) {
    match v {
        Value::Object(map) => {
            for (k, x) in map {
                match (k.as_str(), x) {
                    ("error", Value::String(s)) => out.push(s.clone()),
                    _ => errors(x, out),
                }
            }
        }
        Value::Array(items) => items.iter().for_each(|x| errors(x, out)),
        _ => {}
    }
}

/// The error strings of an answer: its JSON body, or its stream's messages.
fn answer_errors(r: &Response) -> Vec<String> {
    let mut out = Vec::new();
    if r.headers.contains("text/event-stream") {
        for e in r.events() {
            errors(&e, &mut out);
        }
    } else if let Ok(v) = serde_json::from_slice::<Value>(&r.body) {
        errors(&v, &mut out);
    }
    out
}

/// Checks that the answer holds at least one error, and none names a flag.
fn no_flags(what: &str, r: &Response) -> Vec<String> {
    let errs = answer_errors(r);
    assert!(!errs.is_empty(), "{what}: no error in {}", r.text());
    for e in &errs {
        assert!(!e.is_empty(), "{what}: an empty error");
        assert!(
            !e.contains("--"),
            "{what}: a flag in the page's message: {e}"
        );
    }
    errs
}

fn layer() -> Value {
    json!([{"width": 5, "activation": "relu"}])
}

/// `{"layers": [5 relu], "epochs": 3}` with `extra` over it.
fn run_with(extra: Value) -> Value {
    let mut body = json!({"layers": layer(), "epochs": 3});
    for (k, v) in extra.as_object().unwrap() {
        body[k] = v.clone();
    }
    body
}

#[test]
fn a_value_of_another_optimizer_is_refused_by_name() {
    let server = Server::start(&[]);
    for (extra, field) in [
        (json!({"optimizer": "adam", "momentum": 0.5}), "momentum"),
        (json!({"optimizer": "adamw", "nesterov": true}), "nesterov"),
        (json!({"optimizer": "adam", "dampening": 0.1}), "dampening"),
        (json!({"optimizer": "sgd", "beta1": 0.9}), "beta1"),
        (json!({"beta2": 0.99}), "beta2"),
        (json!({"optimizer": "sgd", "eps": 1e-6}), "eps"),
    ] {
        let body = run_with(extra.clone());
        let r = post(server.addr, "/api/runs", &body);
        assert_eq!(r.status, 400, "{extra}: {}", r.text());
        let j = r.json();
        assert_eq!(j["field"], field, "{extra}: {j}");
        let e = j["error"].as_str().unwrap();
        assert!(
            e.contains("only") && e.contains("\"Optimizer\""),
            "{extra}: {e}"
        );
        assert!(!e.contains("--"), "{extra}: {e}");
    }
    // The same in a study.
    let r = post(
        server.addr,
        "/api/study",
        &json!({"models": [{"name": "a", "layers": layer()}], "optimizer": "adam",
                "momentum": 0.5, "epochs": 2, "repeats": 1, "folds": 2}),
    );
    assert_eq!(
        (r.status, r.json()["field"].clone()),
        (400, json!("momentum")),
        "{}",
        r.text()
    );
    // What applies is taken.
    let r = post(
        server.addr,
        "/api/runs",
        &run_with(json!({"optimizer": "sgd", "momentum": 0.5})),
    );
    assert_eq!(r.status, 200, "{}", r.text());
    let r = post(
        server.addr,
        "/api/runs",
        &run_with(json!({"optimizer": "adam", "beta1": 0.8, "weight_decay": 0.01})),
    );
    assert_eq!(r.status, 200, "{}", r.text());
}

#[test]
fn no_message_the_page_receives_names_a_flag() {
    let server = Server::start(&[]);
    let runs: Vec<(Value, &str)> = vec![
        (json!({"lr": -1}), "lr"),
        (json!({"lr": 0}), "lr"),
        (json!({"lr": "fast"}), "lr"),
        (json!({"momentum": -0.5}), "momentum"),
        (json!({"dampening": 2}), "dampening"),
        (json!({"nesterov": "yes"}), "nesterov"),
        (json!({"nesterov": true}), "nesterov"),
        (json!({"weight_decay": -1}), "weight_decay"),
        (json!({"optimizer": "adam", "beta1": 1}), "beta1"),
        (json!({"optimizer": "adam", "beta2": 2}), "beta2"),
        (json!({"optimizer": "adamw", "eps": 0}), "eps"),
        (json!({"optimizer": "lbfgs"}), "optimizer"),
        (json!({"epochs": 0}), "epochs"),
        (json!({"epochs": 2.5}), "epochs"),
        (json!({"epochs": 1e30}), "epochs"),
        (json!({"batch_size": 0}), "batch_size"),
        (json!({"batch_size": "big"}), "batch_size"),
        (json!({"scaling": "none"}), "scaling"),
        (json!({"seed": -4}), "seed"),
        (json!({"init_rng": "dice"}), "init_rng"),
        (json!({"test_size": 1.5}), "test_size"),
        (json!({"test_size": 0}), "test_size"),
        (json!({"split_seed": -1}), "split_seed"),
        (json!({"stratify": "no"}), "stratify"),
        (json!({"missing": "zero"}), "missing"),
        (json!({"positive": "maybe"}), "data"),
        (json!({"categorical": ["nope"]}), "features"),
        (json!({"categorical": ["DEATH_EVENT"]}), "settings"),
        (json!({"features": []}), "features"),
        (json!({"features": ["nope"]}), "features"),
        (json!({"features": ["DEATH_EVENT"]}), "settings"),
        (json!({"target": "nope"}), "target"),
        (json!({"data": "u999"}), "data"),
        (json!({"name": ""}), "name"),
        (json!({"layers": [{"width": 0}]}), "layers[0].width"),
        (
            json!({"layers": [{"width": 4}, {"width": 5, "activation": "nope"}]}),
            "layers[1].activation",
        ),
        (
            json!({"layers": [{"width": 5, "activation": "elu:x"}]}),
            "layers[0].activation",
        ),
        (
            json!({"layers": [{"width": 5, "colour": "red"}]}),
            "layers[0].colour",
        ),
        (json!({"layers": "5-relu"}), "layers"),
        (json!({"learning_rate": 0.1}), "learning_rate"),
        (json!({"optimizer": "adam", "momentum": 0.5}), "momentum"),
    ];
    for (extra, field) in runs {
        let body = run_with(extra.clone());
        let r = post(server.addr, "/api/runs", &body);
        assert_eq!(r.status, 400, "{extra}: {}", r.text());
        assert_eq!(r.json()["field"], field, "{extra}: {}", r.text());
        no_flags(&extra.to_string(), &r);
    }
    // A run that diverges: the stream says so in the page's words.
    let r = post(
        server.addr,
        "/api/runs",
        &json!({"layers": layer(), "epochs": 2000, "lr": 100}),
    );
    assert_eq!(r.status, 200);
    no_flags("diverged", &r);

    // Studies.
    let one = json!([{"name": "a", "layers": layer()}]);
    let studies: Vec<(Value, &str)> = vec![
        (json!({"models": []}), "models"),
        (json!({}), "models"),
        (
            json!({"models": [{"name": "majority", "layers": []}]}),
            "models[0].name",
        ),
        (
            json!({"models": [{"name": "a", "layers": []}, {"name": "a", "layers": []}]}),
            "models[1].name",
        ),
        (
            json!({"models": [{"name": "a", "layers": [{"width": 0}]}]}),
            "models[0].layers[0].width",
        ),
        (
            json!({"models": [{"name": "a", "layers": [{"width": 3, "activation": "nope"}]}]}),
            "models[0].layers[0].activation",
        ),
        (json!({"models": one, "repeats": 0}), "repeats"),
        (json!({"models": one, "folds": 1}), "folds"),
        (json!({"models": one, "scaling": "before_split"}), "scaling"),
        (json!({"models": one, "lr": -1}), "lr"),
        (json!({"models": one, "missing": "zero"}), "missing"),
    ];
    for (body, field) in studies {
        let r = post(server.addr, "/api/study", &body);
        assert_eq!(r.status, 400, "{body}: {}", r.text());
        assert_eq!(r.json()["field"], field, "{body}: {}", r.text());
        no_flags(&body.to_string(), &r);
    }

    // Uploads: missing cells with `missing: error`, a text cell in a
    // numeric column, the target a categorical column, a positive label
    // that is not there, a ragged file, bad reader options.
    let missing = b"a,b,DEATH_EVENT\n1,,0\n2,3,1\n4,5,0\n6,7,1\n".as_slice();
    let text_cell = b"a,b,DEATH_EVENT\n1,x,0\n2,3,1\n".as_slice();
    let ragged = b"a,b,y\n1,2,0\n2,3\n".as_slice();
    let header_numbers = b"1,2,3\n4,5\n".as_slice();
    let uploads: Vec<(&str, &[u8], u16)> = vec![
        ("name=m.csv&missing=error", missing, 200),
        ("name=t.csv", text_cell, 200),
        ("name=t.csv&categorical=DEATH_EVENT", missing, 200),
        ("name=t.csv&categorical=nope", missing, 200),
        ("name=t.csv&missing=drop&positive=7", missing, 200),
        ("name=r.csv", ragged, 400),
        ("name=h.csv", header_numbers, 400),
        ("delimiter=ab", missing, 400),
        ("decimal=x", missing, 400),
        ("header=maybe", missing, 400),
        ("missing=zero", missing, 400),
    ];
    let mut kept = Vec::new();
    for (query, body, status) in uploads {
        let r = request(server.addr, "POST", &format!("/api/data?{query}"), body);
        assert_eq!(r.status, status, "{query}: {}", r.text());
        let errs = no_flags(query, &r);
        if status == 200 {
            kept.push(r.json()["id"].as_str().unwrap().to_string());
        }
        if query.ends_with("missing=error") {
            assert!(errs[0].contains("\"Missing values: drop\""), "{errs:?}");
        }
        if query == "name=t.csv" {
            assert!(errs[0].contains("\"Categorical: b\""), "{errs:?}");
        }
    }
    // A run on the upload with missing cells, `missing: error`; a check.
    let r = post(
        server.addr,
        "/api/runs",
        &run_with(json!({"data": kept[0], "missing": "error"})),
    );
    assert_eq!(r.status, 400, "{}", r.text());
    assert_eq!(r.json()["field"], "data");
    no_flags("a run on missing cells", &r);
    let r = get(
        server.addr,
        &format!(
            "/api/data/{}/check?target=DEATH_EVENT&missing=mean&categorical=DEATH_EVENT",
            kept[0]
        ),
    );
    assert_eq!(r.status, 200, "{}", r.text());
    no_flags("check", &r);
    let r = get(
        server.addr,
        &format!("/api/data/{}/check?missing=zero", kept[0]),
    );
    assert_eq!(r.status, 400, "{}", r.text());
    no_flags("check", &r);

    // Controls and the decision view.
    let r = post(
        server.addr,
        "/api/runs/1/control",
        &json!({"action": "explode"}),
    );
    assert_eq!(r.status, 400);
    no_flags("control", &r);
    let r = get(server.addr, "/api/runs/1/decision?x=age&y=nope");
    no_flags("decision", &r);
}
