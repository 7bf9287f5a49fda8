//! The data corpus through the REAL binary: every case of
//! tests/data_corpus/cases.toml as `nonlin train --data FILE ARGS` (a couple
//! of epochs, no figures), checking the exit code and the words of the
//! message on stderr; then the command-line cases of cli_cases.toml (study,
//! compare, settings that must be refused) with their own command lines.

mod cli_util;
use cli_util::{nonlin, nonlin_within};
mod corpus_cases;
use corpus_cases::{cases, corpus, Case};
use serde::Deserialize;
use std::path::{Path, PathBuf};
use std::time::Duration;

/// A hang guard for one run of the binary (a couple of epochs on a small
/// file): a run still going after it is stuck. Not a measure of speed.
const HANG: Duration = Duration::from_secs(120);

/// A case of cli_cases.toml: a whole command line (`{corpus}` is the corpus
/// folder, `{out}` a fresh output folder), its exit code, and words its
/// stdout and stderr must contain.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct CliCase {
    name: String,
    args: Vec<String>,
    exit: i32,
    #[serde(default)]
    stderr: Vec<String>,
    #[serde(default)]
    stdout: Vec<String>,
}

#[derive(Debug, Deserialize)]
struct CliCases {
    case: Vec<CliCase>,
}

struct Tmp(PathBuf);

impl Tmp {
    fn new(tag: &str) -> Tmp {
        let dir = std::env::temp_dir().join(format!("nonlin-{tag}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        Tmp(dir)
    }
}

impl Drop for Tmp {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// What is wrong with one run, if anything.
fn check_corpus_case(case: &Case, path: &Path, out: &Path) -> Vec<String> {
    let mut args: Vec<String> = vec!["train".into(), "--data".into()];
    args.push(path.display().to_string());
    args.extend(case.args.iter().cloned());
    for a in ["--epochs", "2", "--log-every", "0", "--no-plots", "--out"] {
        args.push(a.into());
    }
    args.push(out.display().to_string());
    let Some(o) = nonlin_within(&args, HANG) else {
        return vec![format!("still running after {HANG:?} (killed)")];
    };
    let stdout = String::from_utf8_lossy(&o.stdout);
    let stderr = String::from_utf8_lossy(&o.stderr);
    let mut problems = Vec::new();
    if stderr.contains("panicked") {
        problems.push(format!("panicked: {stderr}"));
    }
    let code = o.status.code();
    match case.expect.as_str() {
        "ok" => {
            if code != Some(0) {
                problems.push(format!("exit {code:?}, expected 0: {stderr}"));
                return problems;
            }
            for w in &case.notes {
                if !stderr.contains(w.as_str()) {
                    problems.push(format!("stderr lacks {w:?}:\n{stderr}"));
                }
            }
            if let Some(p) = &case.positive {
                let line = format!("positive class: '{p}'");
                if !stderr.contains(&line) {
                    problems.push(format!("stderr lacks {line:?}:\n{stderr}"));
                }
            }
            if let Some(r) = case.rows {
                let words = format!("rows: {r} (");
                if !stdout.contains(&words) {
                    problems.push(format!("stdout lacks {words:?}:\n{stdout}"));
                }
            }
            if let Some(i) = case.inputs {
                let words = format!("== model — {i}-");
                if !stdout.contains(&words) {
                    problems.push(format!("stdout lacks {words:?}:\n{stdout}"));
                }
            }
            if !out.join("model.safetensors").is_file() {
                problems.push("no model.safetensors written".into());
            }
        }
        "error" => {
            if code != Some(1) {
                problems.push(format!("exit {code:?}, expected 1: {stderr}"));
            }
            if !stderr.starts_with("error: ") {
                problems.push(format!("stderr does not start with 'error: ': {stderr}"));
            }
            for w in &case.contains {
                if !stderr.contains(w.as_str()) {
                    problems.push(format!("stderr lacks {w:?}: {stderr}"));
                }
            }
            if out.exists() {
                problems.push("an output folder was written".into());
            }
        }
        other => problems.push(format!("unknown expectation {other}")),
    }
    problems
}

#[test]
fn every_corpus_case_through_the_binary() {
    let cases = cases();
    let tmp = Tmp::new("cli-corpus");
    let mut failures = Vec::new();
    for (k, case) in cases.iter().enumerate() {
        let path = case.path(&tmp.0);
        let out = tmp.0.join(format!("run-{k}"));
        let problems = check_corpus_case(case, &path, &out);
        if !problems.is_empty() {
            failures.push(format!("{}:\n  {}", case.name, problems.join("\n  ")));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

#[test]
fn every_command_line_case() {
    let text = std::fs::read_to_string(corpus().join("cli_cases.toml")).unwrap();
    let cases: CliCases = toml::from_str(&text).unwrap();
    let tmp = Tmp::new("cli-cases");
    let corpus = corpus().display().to_string();
    let mut failures = Vec::new();
    for (k, case) in cases.case.iter().enumerate() {
        let out = tmp.0.join(format!("run-{k}")).display().to_string();
        let args: Vec<String> = case
            .args
            .iter()
            .map(|a| a.replace("{corpus}", &corpus).replace("{out}", &out))
            .collect();
        let o = nonlin(&args);
        let stdout = String::from_utf8_lossy(&o.stdout);
        let stderr = String::from_utf8_lossy(&o.stderr);
        let mut problems = Vec::new();
        if o.status.code() != Some(case.exit) {
            problems.push(format!(
                "exit {:?}, expected {}:\n{stderr}",
                o.status.code(),
                case.exit
            ));
        }
        for (stream, text, words) in [
            ("stderr", &stderr, &case.stderr),
            ("stdout", &stdout, &case.stdout),
        ] {
            for w in words {
                if !text.contains(w.as_str()) {
                    problems.push(format!("{stream} lacks {w:?}:\n{text}"));
                }
            }
        }
        if case.exit != 0 && Path::new(&out).exists() {
            problems.push("an output folder was written".into());
        }
        if !problems.is_empty() {
            failures.push(format!(
                "{} ({args:?}):\n  {}",
                case.name,
                problems.join("\n  ")
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}
