//! The `nonlin` binary end to end: the seed experiment, `train`, and the
//! errors bad input gets (clear message, non-zero exit, no output written).

mod common;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn nonlin(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_nonlin"))
        .args(args)
        .output()
        .expect("the binary runs")
}

fn tmp(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("nonlin-cli-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    dir
}

/// A data set of the repository's `data/`.
fn data_file(name: &str) -> String {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("data")
        .join(name)
        .display()
        .to_string()
}

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

fn write(dir: &Path, name: &str, content: &str) -> String {
    std::fs::create_dir_all(dir).unwrap();
    let p = dir.join(name);
    std::fs::write(&p, content).unwrap();
    p.display().to_string()
}

#[test]
fn bare_command_runs_the_seed_experiment() {
    let out = tmp("bare");
    let o = nonlin(&["--out", out.to_str().unwrap(), "--no-plots"]);
    assert!(o.status.success(), "{}", text(&o.stderr));
    let stdout = text(&o.stdout);
    for m in ["model_0", "deeper_model", "model_non_linear"] {
        assert!(stdout.contains(&format!("== {m} ")), "{stdout}");
        let csv = std::fs::read_to_string(out.join(m).join("history.csv")).unwrap();
        assert_eq!(csv.lines().count(), 1001);
        assert!(csv.starts_with(
            "epoch,train_loss,train_acc,test_loss,test_acc,train_correct,test_correct\n"
        ));
        let json: serde_json::Value = serde_json::from_str(
            &std::fs::read_to_string(out.join(m).join("history.json")).unwrap(),
        )
        .unwrap();
        assert_eq!(json["epochs"].as_array().unwrap().len(), 1000);
    }
    // Ten log lines per model, in the tutorial's format.
    let logs: Vec<&str> = stdout
        .lines()
        .filter(|l| l.starts_with("Epoch: "))
        .collect();
    assert_eq!(logs.len(), 30);
    assert!(
        logs[1].starts_with("Epoch: 100, Loss: 0.") && logs[1].contains("% | Test loss: 0."),
        "{}",
        logs[1]
    );
    assert!(
        stdout.contains("tutorial mode"),
        "the summary says which scaling ran"
    );
    assert!(stdout.contains("best test acc"));
    std::fs::remove_dir_all(&out).unwrap();
}

#[test]
fn same_seed_same_history_bit_for_bit() {
    let (a, b) = (tmp("rep-a"), tmp("rep-b"));
    for d in [&a, &b] {
        let o = nonlin(&[
            "train",
            "--epochs",
            "50",
            "--hidden",
            "8,4",
            "--activation",
            "tanh",
            "--no-plots",
            "--out",
            d.to_str().unwrap(),
        ]);
        assert!(o.status.success(), "{}", text(&o.stderr));
    }
    let ha = std::fs::read(a.join("history.csv")).unwrap();
    assert_eq!(ha, std::fs::read(b.join("history.csv")).unwrap());
    let c = tmp("rep-c");
    let o = nonlin(&[
        "train",
        "--epochs",
        "50",
        "--hidden",
        "8,4",
        "--activation",
        "tanh",
        "--seed",
        "1",
        "--no-plots",
        "--out",
        c.to_str().unwrap(),
    ]);
    assert!(o.status.success());
    assert_ne!(
        ha,
        std::fs::read(c.join("history.csv")).unwrap(),
        "another seed, another run"
    );
    for d in [a, b, c] {
        std::fs::remove_dir_all(d).unwrap();
    }
}

/// `train --init-weights` from PyTorch's initial weights reproduces the
/// PyTorch history (the fixture's model_non_linear, lr 0.1, tutorial scaling).
#[test]
fn train_from_pytorch_init_weights_matches_the_fixture() {
    let out = tmp("init");
    let init = common::fixture_dir().join("model_non_linear/init.safetensors");
    let o = nonlin(&[
        "train",
        "--preset",
        "tutorial",
        "--scale-before-split",
        "--lr",
        "0.1",
        "--hidden",
        "5",
        "--activation",
        "relu",
        "--init-weights",
        init.to_str().unwrap(),
        "--no-plots",
        "--out",
        out.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", text(&o.stderr));
    let got = std::fs::read_to_string(out.join("history.csv")).unwrap();
    let want = common::history("model_non_linear");
    for (line, w) in got.lines().skip(1).zip(&want) {
        let f: Vec<&str> = line.split(',').collect();
        assert_eq!(
            f[5].parse::<usize>().unwrap(),
            w.train_correct,
            "epoch {}",
            w.epoch
        );
        assert_eq!(
            f[6].parse::<usize>().unwrap(),
            w.test_correct,
            "epoch {}",
            w.epoch
        );
        let loss: f64 = f[1].parse().unwrap();
        assert!(
            (loss - w.train_loss as f64).abs() <= 1e-5,
            "epoch {}",
            w.epoch
        );
    }
    std::fs::remove_dir_all(&out).unwrap();
}

/// Runs `nonlin train` expecting failure; returns stderr and checks that no
/// output folder appeared.
fn fails(args: &[&str], name: &str) -> String {
    let out = tmp(name);
    let mut all: Vec<&str> = vec![
        "train",
        "--preset",
        "tutorial",
        "--epochs",
        "5",
        "--out",
        out.to_str().unwrap(),
    ];
    all.extend_from_slice(args);
    let o = nonlin(&all);
    assert!(!o.status.success(), "expected failure for {args:?}");
    assert_eq!(o.status.code(), Some(1));
    assert!(!out.exists(), "a failed run must write nothing ({args:?})");
    let err = text(&o.stderr);
    assert!(err.starts_with("error: "), "{err}");
    assert!(!err.contains("panicked"), "{err}");
    err
}

#[test]
fn bad_input_gets_a_clear_error() {
    let dir = tmp("bad-inputs");
    let err = fails(&["--data", "/no/such/file.csv"], "missing");
    assert!(
        err.contains("/no/such/file.csv") && err.contains("No such file"),
        "{err}"
    );

    let p = write(&dir, "nan.csv", "a,b,y\n1,2,0\n3,abc,1\n");
    let err = fails(&["--data", &p, "--target", "y"], "nan");
    assert!(
        err.contains("line 3, column 2 ('b')") && err.contains("found 'abc'"),
        "{err}"
    );

    let p = write(&dir, "fields.csv", "a,b,y\n1,2,0\n3,1\n");
    let err = fails(&["--data", &p, "--target", "y"], "fields");
    assert!(
        err.contains("line 3") && err.contains("expected 3 fields"),
        "{err}"
    );

    let p = write(&dir, "quote.csv", "a,b,y\n1,\"2,0\n");
    let err = fails(&["--data", &p, "--target", "y"], "quote");
    assert!(err.contains("quote.csv"), "{err}");

    let err = fails(&["--target", "DEATH"], "target");
    assert!(
        err.contains("no column named 'DEATH'") && err.contains("DEATH_EVENT"),
        "{err}"
    );

    let p = write(
        &dir,
        "target.csv",
        "a,y\n1,0\n2,1\n3,2\n4,0\n5,1\n6,0\n7,1\n8,0\n9,1\n10,0\n",
    );
    let err = fails(
        &["--data", &p, "--target", "y", "--task", "binary"],
        "nonbinary",
    );
    assert!(
        err.contains("line 4")
            && err.contains("binary target must hold 0 or 1")
            && err.contains("--task multiclass"),
        "{err}"
    );
    // Read as three classes, of which one has a single row.
    let err = fails(&["--data", &p, "--target", "y"], "one-row class");
    assert!(
        err.contains("class '2' of target 'y' has 1 row") && err.contains("at least 2 rows"),
        "{err}"
    );

    let p = write(&dir, "tiny.csv", "a,y\n1,0\n2,1\n3,0\n");
    let err = fails(&["--data", &p, "--target", "y"], "tiny");
    assert!(err.contains("at least 2"), "{err}");

    let p = write(&dir, "empty.csv", "");
    let err = fails(&["--data", &p], "empty");
    assert!(err.contains("empty"), "{err}");

    let err = fails(&["--arch", "16-rleu-8"], "arch");
    assert!(err.contains("token 2") && err.contains("rleu"), "{err}");

    let err = fails(&["--lr", "1e30"], "diverge");
    assert!(
        err.contains("diverged") && err.contains("smaller learning rate"),
        "{err}"
    );

    let err = fails(
        &[
            "--init-weights",
            common::fixture_dir()
                .join("deeper_model/init.safetensors")
                .to_str()
                .unwrap(),
        ],
        "initshape",
    );
    assert!(err.contains("0.weight") && err.contains("shape"), "{err}");
    std::fs::remove_dir_all(&dir).unwrap();
}

/// The bare experiment with `--seed 0` starts from `torch.manual_seed(0)`
/// weights, so it reproduces the PyTorch runs `*_lr0.01` end to end: split,
/// scaling, initialisation and 1000 epochs.
#[test]
fn compare_with_seed_0_reproduces_the_pytorch_runs() {
    let out = tmp("seed0");
    let o = nonlin(&[
        "--seed",
        "0",
        "--no-plots",
        "--quiet",
        "--out",
        out.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", text(&o.stderr));
    for m in ["model_0", "deeper_model", "model_non_linear"] {
        let want = common::history(&format!("{m}_lr0.01"));
        let got = std::fs::read_to_string(out.join(m).join("history.csv")).unwrap();
        for (line, w) in got.lines().skip(1).zip(&want) {
            let f: Vec<&str> = line.split(',').collect();
            let tie = m == "model_non_linear" && w.epoch == 725; // LR001.md: a float tie
            let train_correct: usize = f[5].parse().unwrap();
            assert!(
                train_correct.abs_diff(w.train_correct) <= tie as usize,
                "{m} epoch {}",
                w.epoch
            );
            assert_eq!(
                f[6].parse::<usize>().unwrap(),
                w.test_correct,
                "{m} epoch {}",
                w.epoch
            );
            for (k, x) in [(1, w.train_loss), (3, w.test_loss)] {
                let v: f64 = f[k].parse().unwrap();
                assert!(
                    (v - x as f64).abs() <= 1e-5 * (x.abs() as f64).max(1.0),
                    "{m} epoch {}: {v} vs {x}",
                    w.epoch
                );
            }
        }
    }
    std::fs::remove_dir_all(&out).unwrap();
}

/// A setting that does not apply to the rest is a usage error (exit 2),
/// named by its flag, and nothing is written.
#[test]
fn settings_that_do_not_apply_are_refused_by_flag() {
    let diabetes = data_file("diabetes.csv");
    let wine = data_file("wine.csv");
    let cases: [(&[&str], &[&str]); 8] = [
        // A setting of another task.
        (
            &[
                "train",
                "--data",
                &diabetes,
                "--target",
                "progression",
                "--label-smoothing",
                "0.1",
            ],
            &["--label-smoothing", "multiclass", "regression"],
        ),
        (
            &[
                "train",
                "--data",
                &wine,
                "--target",
                "cultivar",
                "--pos-weight",
                "2",
            ],
            &["--pos-weight", "binary", "multiclass"],
        ),
        (
            &["train", "--loss", "huber"],
            &["--loss", "regression", "binary"],
        ),
        (
            &[
                "train",
                "--data",
                &diabetes,
                "--target",
                "progression",
                "--stratify",
            ],
            &["--stratify", "regression"],
        ),
        // `train`'s default optimizer is Adam.
        (
            &["train", "--momentum", "0.5"],
            &["--momentum", "Adam", "--optimizer"],
        ),
        (
            &["train", "--optimizer", "adamw", "--nesterov"],
            &["--nesterov", "SGD only", "AdamW"],
        ),
        (
            &["train", "--optimizer", "sgd", "--beta1", "0.8"],
            &["--beta1", "Adam and AdamW only", "SGD"],
        ),
        (
            &[
                "train",
                "--preset",
                "tutorial",
                "--validation-fraction",
                "0.1",
            ],
            &["--validation-fraction", "--patience"],
        ),
    ];
    for (args, words) in cases {
        let out = tmp("not-applicable");
        let mut all = args.to_vec();
        all.extend(["--out", out.to_str().unwrap()]);
        let o = nonlin(&all);
        assert_eq!(o.status.code(), Some(2), "{args:?}");
        let err = text(&o.stderr);
        assert!(err.starts_with("error: "), "{err}");
        for w in words {
            assert!(err.contains(w), "{args:?}: {w} not in {err}");
        }
        assert!(!out.exists(), "a refused run must write nothing ({args:?})");
    }
}
