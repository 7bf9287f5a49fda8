//! The cases of tests/data_corpus/cases.toml, shared by the test that runs
//! them through the library (data_corpus.rs) and the one that runs them
//! through the binary (cli_corpus.rs).
#![allow(dead_code)]

use serde::Deserialize;
use std::path::{Path, PathBuf};

/// One file and what reading it must give.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Case {
    pub name: String,
    pub file: Option<String>,
    pub generate: Option<String>,
    pub args: Vec<String>,
    pub expect: String,
    #[serde(default)]
    pub contains: Vec<String>,
    #[serde(default)]
    pub notes: Vec<String>,
    pub rows: Option<usize>,
    pub inputs: Option<usize>,
    pub positive: Option<String>,
}

impl Case {
    /// The case's file: in the corpus, or generated into `dir`.
    pub fn path(&self, dir: &Path) -> PathBuf {
        match (&self.file, &self.generate) {
            (Some(f), None) => corpus().join(f),
            (None, Some(g)) => generate(g, dir),
            _ => panic!("{}: needs `file` or `generate`", self.name),
        }
    }
}

#[derive(Debug, Deserialize)]
struct Cases {
    case: Vec<Case>,
}

/// The corpus folder.
/// The command line's words for settings (`--missing drop`), so that the
/// cases' expected messages read the same through the library as through
/// the binary.
#[allow(dead_code)]
pub struct Flags;

impl nonlin::Wording for Flags {
    fn setting(&self, field: &str) -> String {
        format!("--{}", field.replace('_', "-"))
    }
    fn setting_value(&self, field: &str, value: &str) -> String {
        format!("{} {value}", self.setting(field))
    }
}

pub fn corpus() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data_corpus")
}

/// Every case of cases.toml (at least 40).
pub fn cases() -> Vec<Case> {
    let text = std::fs::read_to_string(corpus().join("cases.toml")).unwrap();
    let cases: Cases = toml::from_str(&text).unwrap();
    assert!(cases.case.len() >= 40, "{} cases", cases.case.len());
    cases.case
}

/// Writes one of the corpus files too big to keep in the repository into
/// `dir`: `huge_header` (a 5 MB header line) or `huge_cell` (a 5 MB cell).
pub fn generate(kind: &str, dir: &Path) -> PathBuf {
    let five_mb = 5 << 20;
    let text = match kind {
        "huge_header" => {
            let mut s = "h".repeat(five_mb);
            s.push_str(",y\n");
            for i in 0..20 {
                s.push_str(&format!("{},{}\n", (i * 7) % 13, i % 2));
            }
            s
        }
        "huge_cell" => {
            let mut s = String::from("a,y\n1,0\n");
            s.push_str(&"x".repeat(five_mb));
            s.push_str(",1\n");
            for i in 0..20 {
                s.push_str(&format!("{i},{}\n", i % 2));
            }
            s
        }
        other => panic!("no generator {other}"),
    };
    let path = dir.join(format!("{kind}.csv"));
    std::fs::write(&path, text).unwrap();
    path
}
