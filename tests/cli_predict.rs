//! End to end: `nonlin train` writes model.safetensors, `nonlin predict`
//! reads it and new rows.

mod cli_util;
use cli_util::{nonlin, s, temp_dir, text};
use nonlin::data::{Table, HEART_FAILURE_CSV};
use nonlin::eval::predict::Predict;
use nonlin::io::Checkpoint;

/// The first `n` rows of the embedded data with the columns in reverse
/// order and an extra `hospital_id` column holding text.
fn shuffled_csv(n: usize) -> String {
    let lines: Vec<Vec<&str>> = HEART_FAILURE_CSV
        .lines()
        .take(n + 1)
        .map(|l| l.split(',').rev().collect())
        .collect();
    let mut out = String::new();
    for (i, cells) in lines.iter().enumerate() {
        let extra = if i == 0 {
            "hospital_id".to_string()
        } else {
            format!("H-{i}")
        };
        out += &format!("{},{extra}\n", cells.join(","));
    }
    out
}

#[test]
fn train_writes_a_model_and_predict_uses_it() {
    let dir = temp_dir("train");
    let run = dir.join("run");
    let out = nonlin(&[
        "train",
        "--preset",
        "tutorial",
        "--epochs",
        "20",
        "-q",
        "--out",
        s(&run),
    ]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let model = run.join("model.safetensors");
    let before = std::fs::read(&model).expect("model.safetensors written");
    let ckpt = Checkpoint::from_bytes(&before, "model").unwrap();
    assert_eq!(ckpt.net.arch.to_string(), "12-5-relu-1");

    // A second run to the same folder needs --force and leaves the file alone.
    let again = nonlin(&["train", "--epochs", "3", "-q", "--out", s(&run)]);
    assert!(!again.status.success());
    let err = text(&again.stderr);
    assert!(
        err.contains("already exists") && err.contains("--force"),
        "{err}"
    );
    assert_eq!(std::fs::read(&model).unwrap(), before);

    // Columns shuffled, the target and an extra text column present.
    let n = 25;
    let data = dir.join("new.csv");
    std::fs::write(&data, shuffled_csv(n)).unwrap();
    let pred = nonlin(&["predict", "--model", s(&model), "--data", s(&data)]);
    assert!(pred.status.success(), "{}", text(&pred.stderr));
    let stdout = text(&pred.stdout);
    let lines: Vec<&str> = stdout.lines().collect();
    assert_eq!(lines[0], "row,probability,label");
    assert_eq!(lines.len(), n + 1);
    let stderr = text(&pred.stderr);
    assert_eq!(stderr.matches("hospital_id").count(), 1, "{stderr}");
    assert!(stderr.contains("DEATH_EVENT"), "{stderr}");

    // Same numbers as the library on the rows in the model's feature order.
    let (table, _) = Table::read_columns(&data, &ckpt.features).unwrap();
    let probs = ckpt.predict_proba(&table.values).unwrap();
    for (i, line) in lines[1..].iter().enumerate() {
        let f: Vec<&str> = line.split(',').collect();
        assert_eq!(f[0], (i + 1).to_string());
        let p: f32 = f[1].parse().unwrap();
        assert_eq!(p.to_bits(), probs[i].to_bits(), "row {}", i + 1);
        assert_eq!(f[2], if p > 0.5 { "1" } else { "0" });
    }

    // --out: written once, replaced only with --force.
    let csv = dir.join("pred.csv");
    let args = [
        "predict",
        "--model",
        s(&model),
        "--data",
        s(&data),
        "--out",
        s(&csv),
    ];
    assert!(nonlin(&args).status.success());
    assert_eq!(std::fs::read_to_string(&csv).unwrap(), stdout);
    let refused = nonlin(&args);
    assert!(!refused.status.success());
    assert!(text(&refused.stderr).contains("already exists"));
    let mut forced = args.to_vec();
    forced.push("--force");
    assert!(nonlin(&forced).status.success());
    // Never over an input, even with --force.
    let over = nonlin(&[
        "predict",
        "--model",
        s(&model),
        "--data",
        s(&data),
        "--out",
        s(&data),
        "--force",
    ]);
    assert!(!over.status.success());
    assert!(text(&over.stderr).contains("is the input file"));

    // A missing feature column is named.
    let missing: String = shuffled_csv(3)
        .lines()
        .map(|l| {
            let mut c: Vec<&str> = l.split(',').collect();
            c.remove(4); // "serum_sodium" in the reversed order
            c.join(",") + "\n"
        })
        .collect();
    let bad = dir.join("missing.csv");
    std::fs::write(&bad, missing).unwrap();
    let out = nonlin(&["predict", "--model", s(&model), "--data", s(&bad)]);
    assert!(!out.status.success());
    let err = text(&out.stderr);
    assert!(
        err.contains("missing.csv") && err.contains("'serum_sodium'"),
        "{err}"
    );

    // A non-numeric feature cell: file, line and column.
    let mut rows: Vec<String> = shuffled_csv(3).lines().map(String::from).collect();
    let mut c: Vec<String> = rows[2].split(',').map(String::from).collect();
    c[1] = "soon".into(); // `time`, column 2
    rows[2] = c.join(",");
    let nan = dir.join("text.csv");
    std::fs::write(&nan, rows.join("\n") + "\n").unwrap();
    let out = nonlin(&["predict", "--model", s(&model), "--data", s(&nan)]);
    assert!(!out.status.success());
    let err = text(&out.stderr);
    assert!(
        err.contains("text.csv, line 3, column 2 ('time')") && err.contains("'soon'"),
        "{err}"
    );

    // No data rows.
    let empty = dir.join("empty.csv");
    std::fs::write(&empty, shuffled_csv(0)).unwrap();
    let out = nonlin(&["predict", "--model", s(&model), "--data", s(&empty)]);
    assert!(!out.status.success());
    let err = text(&out.stderr);
    assert!(
        err.contains("empty.csv") && err.contains("no data rows"),
        "{err}"
    );

    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn compare_writes_one_model_per_network() {
    let dir = temp_dir("compare");
    let out = nonlin(&["compare", "--epochs", "5", "-q", "--out", s(&dir)]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    for (name, spec) in [
        ("model_0", "12-5-1"),
        ("deeper_model", "12-20-20-1"),
        ("model_non_linear", "12-5-relu-1"),
    ] {
        let c = Checkpoint::read(&dir.join(name).join("model.safetensors")).unwrap();
        assert_eq!(c.net.arch.to_string(), spec);
    }
    let again = nonlin(&["compare", "--epochs", "5", "-q", "--out", s(&dir)]);
    assert!(!again.status.success());
    let forced = nonlin(&[
        "compare",
        "--epochs",
        "5",
        "-q",
        "--force",
        "--out",
        s(&dir),
    ]);
    assert!(forced.status.success(), "{}", text(&forced.stderr));
    std::fs::remove_dir_all(&dir).unwrap();
}
