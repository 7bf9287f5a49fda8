//! Shared helpers for the tests that run the real `nonlin` binary: running
//! it, temporary folders, and the corpus files too big to keep in the
//! repository.
#![allow(dead_code)]

use std::ffi::OsStr;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// Runs the binary built for the tests (colours off).
pub fn nonlin<S: AsRef<OsStr>>(args: &[S]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_nonlin"))
        .args(args)
        .env("NO_COLOR", "1")
        .output()
        .expect("the binary runs")
}

/// Output bytes as text.
pub fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

/// A fresh, empty folder `nonlin-<tag>-<pid>` in the system's temp folder.
pub fn temp_dir(tag: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("nonlin-{tag}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).unwrap();
    d
}

/// A path as a command-line argument.
pub fn s(p: &Path) -> &str {
    p.to_str().unwrap()
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
