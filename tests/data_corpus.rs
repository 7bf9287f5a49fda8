//! Every file of tests/data_corpus/ (cases.toml) through the library's data
//! layer: read → data set → split, encode, scale. Each case says whether it
//! must succeed (rows, inputs, notes, positive label) or fail (words of the
//! message). The flags of a case are the command line's; `library_options`
//! maps them to the library's options the way the CLI should.

mod corpus_cases;
use corpus_cases::cases;
use nonlin::data::{
    prepare_fitted, Dataset, DatasetOptions, Delimiter, FeatureSelection, MissingPolicy,
    PrepareOptions, ReadOptions, Table, Task,
};
use std::path::{Path, PathBuf};
use std::sync::mpsc;
use std::time::{Duration, Instant};

/// A hang guard for one case (read, data set, split; files of a few MB at
/// most): a case still going after it is stuck. Not a measure of speed.
const HANG: Duration = Duration::from_secs(120);

/// The CLI flags of a case as the library's options.
fn library_options(args: &[String]) -> (ReadOptions, DatasetOptions) {
    let mut read = ReadOptions::default();
    let mut data = DatasetOptions::new("DEATH_EVENT");
    let list = |v: &str| v.split(',').map(str::to_string).collect::<Vec<_>>();
    let mut it = args.iter();
    while let Some(flag) = it.next() {
        let mut value = || it.next().expect("flag value").clone();
        match flag.as_str() {
            "--target" => data.target = value(),
            "--features" => data.selection = FeatureSelection::Only(list(&value())),
            "--drop" => data.selection = FeatureSelection::Drop(list(&value())),
            "--categorical" => data.categorical = list(&value()),
            "--missing" => data.missing = MissingPolicy::parse(&value()).expect("--missing"),
            "--positive" => data.positive = Some(value()),
            "--task" => data.task = Task::parse(&value()).expect("--task"),
            "--delimiter" => read.delimiter = Some(Delimiter::parse(&value()).expect("delim")),
            "--decimal" => read.decimal = Some(value().as_bytes()[0]),
            "--header" => read.header = Some(true),
            "--no-header" => read.header = Some(false),
            other => panic!("flag {other} is not mapped"),
        }
    }
    (read, data)
}

struct Outcome {
    rows: usize,
    inputs: usize,
    notes: String,
    positive: String,
}

fn run(path: &Path, args: &[String]) -> nonlin::error::Result<Outcome> {
    let (read, options) = library_options(args);
    let table = Table::from_path_with(path, &read)?;
    let data = Dataset::from_table_with(&table, &options)?;
    let fitted = prepare_fitted(&data, &PrepareOptions::default())?;
    let notes: Vec<String> = data
        .notes
        .iter()
        .chain(&fitted.notes)
        .map(|n| n.worded(&corpus_cases::Flags))
        .collect();
    Ok(Outcome {
        rows: data.n_rows(),
        inputs: fitted.prepared.train.d,
        notes: notes.join("\n"),
        positive: data.labels.positive.to_string(),
    })
}

#[test]
fn every_corpus_case_reads_or_fails_as_expected() {
    let cases = cases();
    let tmp = std::env::temp_dir().join(format!("nonlin-corpus-{}", std::process::id()));
    std::fs::create_dir_all(&tmp).unwrap();
    let mut failures = Vec::new();
    for case in &cases {
        let path = case.path(&tmp);
        let start = Instant::now();
        // On its own thread, so a case that never returns fails the test
        // (the thread is left behind) instead of hanging it.
        let (tx, rx) = mpsc::channel();
        let (owned_path, args): (PathBuf, Vec<String>) = (path.clone(), case.args.clone());
        std::thread::spawn(move || {
            let _ = tx.send(run(&owned_path, &args));
        });
        let result = match rx.recv_timeout(HANG) {
            Ok(result) => result,
            Err(e) => {
                let what = match e {
                    mpsc::RecvTimeoutError::Timeout => format!("still running after {HANG:?}"),
                    mpsc::RecvTimeoutError::Disconnected => "panicked (see above)".into(),
                };
                failures.push(format!("{} ({:?}):\n  {what}", case.name, path));
                continue;
            }
        };
        let took = start.elapsed();
        if std::env::var_os("NONLIN_CORPUS_VERBOSE").is_some() {
            match &result {
                Ok(o) => eprintln!(
                    "== {} [{took:?}]: ok, {} rows, {} inputs, positive '{}'\n{}",
                    case.name, o.rows, o.inputs, o.positive, o.notes
                ),
                Err(e) => eprintln!("== {} [{took:?}]: error: {e}", case.name),
            }
        }
        let mut problems = Vec::new();
        match (case.expect.as_str(), &result) {
            ("ok", Ok(o)) => {
                if let Some(r) = case.rows {
                    if o.rows != r {
                        problems.push(format!("{} rows, expected {r}", o.rows));
                    }
                }
                if let Some(i) = case.inputs {
                    if o.inputs != i {
                        problems.push(format!("{} inputs, expected {i}", o.inputs));
                    }
                }
                if let Some(p) = &case.positive {
                    if &o.positive != p {
                        problems.push(format!("positive '{}', expected '{p}'", o.positive));
                    }
                }
                for w in &case.notes {
                    if !o.notes.contains(w.as_str()) {
                        problems.push(format!("notes lack {w:?}:\n{}", o.notes));
                    }
                }
            }
            ("error", Err(e)) => {
                let msg = e.worded(&corpus_cases::Flags);
                for w in &case.contains {
                    if !msg.contains(w.as_str()) {
                        problems.push(format!("message lacks {w:?}: {msg}"));
                    }
                }
            }
            ("ok", Err(e)) => problems.push(format!("failed: {e}")),
            ("error", Ok(_)) => problems.push("succeeded; expected an error".into()),
            (other, _) => problems.push(format!("unknown expectation {other}")),
        }
        if !problems.is_empty() {
            failures.push(format!(
                "{} ({:?}):\n  {}",
                case.name,
                path,
                problems.join("\n  ")
            ));
        }
    }
    let _ = std::fs::remove_dir_all(&tmp);
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}
