//! Atomic file writes: write a temporary file beside the target, then rename,
//! so a reader never sees a half-written file and a failed run leaves none.
//! (No fsync: the rename is what makes a file appear whole; durability
//! against power loss is not worth ~10 ms per file for a run's outputs.)

use crate::error::{Error, Result};
use std::io::Write;
use std::path::{Path, PathBuf};

/// Writes `bytes` to `path` through a temporary file and a rename.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> Result<()> {
    let dir = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let tmp = dir.join(format!(".{name}.tmp-{}", std::process::id()));
    let result = (|| {
        let mut f = std::fs::File::create(&tmp)?;
        f.write_all(bytes)?;
        std::fs::rename(&tmp, path)
    })();
    result.map_err(|e| {
        let _ = std::fs::remove_file(&tmp);
        Error::io(path, "write", e)
    })
}

/// A run's output folder: created on first write, files written atomically.
#[derive(Debug, Clone)]
pub struct OutputDir {
    pub path: PathBuf,
}

impl OutputDir {
    pub fn new(path: impl Into<PathBuf>) -> OutputDir {
        OutputDir { path: path.into() }
    }

    /// A fresh folder under `runs/` named for the command and the time.
    pub fn timestamped(command: &str) -> OutputDir {
        let secs = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_secs());
        let base = format!("runs/{command}-{}", utc_stamp(secs));
        let mut path = PathBuf::from(&base);
        let mut k = 2;
        while path.exists() {
            path = PathBuf::from(format!("{base}-{k}"));
            k += 1;
        }
        OutputDir { path }
    }

    /// Writes `rel` (which may contain sub-folders) atomically.
    pub fn write(&self, rel: &str, bytes: &[u8]) -> Result<PathBuf> {
        let path = self.path.join(rel);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent)
                .map_err(|e| Error::io(parent, "create the folder", e))?;
        }
        write_atomic(&path, bytes)?;
        Ok(path)
    }
}

/// Files of a run collected in memory and written only once everything
/// succeeded, so a failed run leaves no partial output.
#[derive(Debug, Clone, Default)]
pub struct Staged {
    pub files: Vec<(String, Vec<u8>)>,
    /// Files that may only be created, not replaced (model files without
    /// `--force`); checked before anything is written.
    pub no_replace: Vec<String>,
}

impl Staged {
    pub fn add(&mut self, rel: impl Into<String>, bytes: impl Into<Vec<u8>>) {
        self.files.push((rel.into(), bytes.into()));
    }

    /// Stages a file that an existing file of the same name may replace only
    /// when `replace` is true (`--force`).
    pub fn add_guarded(
        &mut self,
        rel: impl Into<String>,
        bytes: impl Into<Vec<u8>>,
        replace: bool,
    ) {
        let rel = rel.into();
        if !replace {
            self.no_replace.push(rel.clone());
        }
        self.add(rel, bytes);
    }

    /// Writes every file (each atomically) into `dir`. If a guarded file
    /// already exists there, nothing at all is written.
    pub fn write_all(&self, dir: &OutputDir) -> Result<()> {
        if let Some(path) = self
            .no_replace
            .iter()
            .map(|rel| dir.path.join(rel))
            .find(|p| p.exists())
        {
            return Err(super::checkpoint::already_exists(&path));
        }
        for (rel, bytes) in &self.files {
            dir.write(rel, bytes)?;
        }
        Ok(())
    }
}

/// `YYYYMMDD-HHMMSS` in UTC from Unix seconds (civil-from-days, no time crate).
pub fn utc_stamp(secs: u64) -> String {
    let days = (secs / 86_400) as i64;
    let rem = secs % 86_400;
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + (m <= 2) as i64;
    format!(
        "{y:04}{m:02}{d:02}-{:02}{:02}{:02}",
        rem / 3600,
        rem % 3600 / 60,
        rem % 60
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stamps_are_calendar_dates() {
        assert_eq!(utc_stamp(0), "19700101-000000");
        assert_eq!(utc_stamp(1_795_879_245), "20261128-152045");
    }

    #[test]
    fn atomic_write_leaves_no_temp_file() {
        let dir = std::env::temp_dir().join(format!("nonlin-atomic-{}", std::process::id()));
        let out = OutputDir::new(&dir);
        let p = out.write("a/b.txt", b"hello").unwrap();
        assert_eq!(std::fs::read(&p).unwrap(), b"hello");
        let names: Vec<_> = std::fs::read_dir(dir.join("a"))
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(names.len(), 1);
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn guarded_files_are_not_replaced_and_nothing_is_written() {
        let dir = std::env::temp_dir().join(format!("nonlin-guard-{}", std::process::id()));
        let out = OutputDir::new(&dir);
        let mut first = Staged::default();
        first.add_guarded("m.bin", b"one".to_vec(), false);
        first.write_all(&out).unwrap();
        let mut second = Staged::default();
        second.add("log.txt", "log");
        second.add_guarded("m.bin", b"two".to_vec(), false);
        let e = second
            .write_all(&out)
            .unwrap_err()
            .worded(&crate::error::TestFlags);
        assert!(e.contains("already exists") && e.contains("--force"), "{e}");
        assert_eq!(std::fs::read(dir.join("m.bin")).unwrap(), b"one");
        assert!(!dir.join("log.txt").exists());
        let mut forced = Staged::default();
        forced.add_guarded("m.bin", b"two".to_vec(), true);
        forced.write_all(&out).unwrap();
        assert_eq!(std::fs::read(dir.join("m.bin")).unwrap(), b"two");
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
