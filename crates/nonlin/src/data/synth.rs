//! A deterministic synthetic table for scale tests: 12 standard-normal
//! features and a 0/1 label from a noisy non-linear rule, so that non-linear
//! networks beat linear ones.
//!
//! `s = 1.2·x0 − 0.8·x1·x2 + sin(2·x3) + 0.5·(x4² − 1) + 0.8·tanh(x5 + x6)
//!      − 0.6·|x7| + 0.4·x8·x9 + 0.3·x10 − 0.2·x11 + 0.45 + ε`,
//! `ε ~ N(0, 0.5²)`, label `s + ε > 0`.
//!
//! The same rows answer the other two tasks ([`Task`]): multiclass, the
//! decile of `s + ε` (classes 0–9, [`CLASS_EDGES`]); regression, `s + ε`
//! itself.
//!
//! Rows come from one ChaCha8 stream seeded with the seed; normals by the
//! Box–Muller transform in f64 with `libm`'s functions, so the same seed gives
//! the same bytes on every platform. Rows are generated one at a time:
//! writing 10M rows needs the memory of one row.

use super::samples::TargetValues;
use super::{Samples, TargetScale, Task};
use crate::error::{Error, Result};
use crate::rng::unit_f64;
use rand_chacha::ChaCha8Rng;
use rand_core::SeedableRng;
use std::io::Write;
use std::path::Path;

/// Features per row.
pub const FEATURES: usize = 12;

/// The label column's name in the CSV.
pub const TARGET: &str = "label";

/// The classes of a multiclass table: class `c` holds the rows whose
/// `s + ε` has `c` of these edges at or below it — the deciles of `s + ε`
/// (measured on 2M rows, rounded to 0.01), so the ten classes are about
/// equally frequent.
pub const CLASS_EDGES: [f64; 9] = [-2.57, -1.71, -1.09, -0.56, -0.06, 0.45, 0.99, 1.63, 2.54];

/// An endless stream of synthetic rows: `(features, label)`.
pub struct SynthRows {
    rng: ChaCha8Rng,
    /// The second normal of the last Box–Muller pair, not yet used.
    spare: Option<f64>,
}

impl SynthRows {
    /// The stream for `seed`.
    pub fn new(seed: u64) -> SynthRows {
        SynthRows {
            rng: ChaCha8Rng::seed_from_u64(seed),
            spare: None,
        }
    }

    fn normal(&mut self) -> f64 {
        if let Some(z) = self.spare.take() {
            return z;
        }
        // 1 − u lies in (0, 1]: the logarithm is finite.
        let u1 = 1.0 - unit_f64(&mut self.rng);
        let u2 = unit_f64(&mut self.rng);
        let r = libm::sqrt(-2.0 * libm::log(u1));
        let t = 2.0 * std::f64::consts::PI * u2;
        self.spare = Some(r * libm::sin(t));
        r * libm::cos(t)
    }

    /// The next row: features rounded to f32, label 0 or 1.
    pub fn next_row(&mut self) -> ([f32; FEATURES], u8) {
        let (x, v) = self.next_value();
        (x, u8::from(v > 0.0))
    }

    /// The next row: features rounded to f32 and the noisy score `s + ε`.
    pub fn next_value(&mut self) -> ([f32; FEATURES], f64) {
        let mut x = [0f32; FEATURES];
        for v in &mut x {
            *v = self.normal() as f32;
        }
        let eps = 0.5 * self.normal();
        (x, score(&x) + eps)
    }

    /// The next row with its target for `task`: 0/1, the class 0–9 or the
    /// value.
    pub fn next_for(&mut self, task: Task) -> ([f32; FEATURES], f64) {
        let (x, v) = self.next_value();
        (x, target(v, task))
    }
}

/// The target of a row of noisy score `v` for `task`.
pub fn target(v: f64, task: Task) -> f64 {
    match task {
        Task::Binary => f64::from(u8::from(v > 0.0)),
        Task::Multiclass => CLASS_EDGES.iter().filter(|&&e| e <= v).count() as f64,
        Task::Regression => v,
    }
}

/// The noiseless score of a row (computed in f64 from the f32 features, so
/// the label follows the values written to the file).
pub fn score(x: &[f32; FEATURES]) -> f64 {
    let v = x.map(f64::from);
    1.2 * v[0] - 0.8 * v[1] * v[2]
        + libm::sin(2.0 * v[3])
        + 0.5 * (v[4] * v[4] - 1.0)
        + 0.8 * libm::tanh(v[5] + v[6])
        - 0.6 * v[7].abs()
        + 0.4 * v[8] * v[9]
        + 0.3 * v[10]
        - 0.2 * v[11]
        + 0.45
}

/// Writes `rows` rows as CSV (`x0,…,x11,label`, floats in shortest
/// round-trip form) to `out`, one row at a time.
pub fn write_csv<W: Write>(out: W, rows: usize, seed: u64) -> std::io::Result<()> {
    write_task_csv(out, rows, seed, Task::Binary)
}

/// [`write_csv`] with the target of `task` in `label`: 0/1 (the same bytes
/// as [`write_csv`]), the class 0–9, or the value in shortest round-trip
/// form.
pub fn write_task_csv<W: Write>(out: W, rows: usize, seed: u64, task: Task) -> std::io::Result<()> {
    let mut out = std::io::BufWriter::with_capacity(1 << 16, out);
    for j in 0..FEATURES {
        write!(out, "x{j},")?;
    }
    writeln!(out, "{TARGET}")?;
    let mut gen = SynthRows::new(seed);
    for _ in 0..rows {
        let (x, t) = gen.next_for(task);
        for v in x {
            write!(out, "{v},")?;
        }
        match task {
            Task::Regression => writeln!(out, "{t:?}")?,
            _ => writeln!(out, "{}", t as u8)?,
        }
    }
    out.flush()
}

/// Writes the table to `path` (created or replaced).
pub fn write_file(path: &Path, rows: usize, seed: u64) -> Result<()> {
    write_task_file(path, rows, seed, Task::Binary)
}

/// [`write_task_csv`] to `path` (created or replaced).
pub fn write_task_file(path: &Path, rows: usize, seed: u64, task: Task) -> Result<()> {
    let file = std::fs::File::create(path).map_err(|e| Error::io(path, "create", e))?;
    write_task_csv(file, rows, seed, task).map_err(|e| Error::io(path, "write", e))
}

/// The same rows as [`write_csv`], straight into training samples
/// (feature-major, no CSV round trip): for benchmarks and tests.
pub fn samples(rows: usize, seed: u64) -> Samples {
    let mut xt = vec![0f32; FEATURES * rows];
    let mut y = Vec::with_capacity(rows);
    let mut gen = SynthRows::new(seed);
    for i in 0..rows {
        let (x, label) = gen.next_row();
        for (j, v) in x.into_iter().enumerate() {
            xt[j * rows + i] = v;
        }
        y.push(f32::from(label));
    }
    Samples {
        n: rows,
        d: FEATURES,
        xt,
        y,
        rows: (0..rows).collect(),
        target: None,
        weight: None,
    }
}

/// [`samples`] for `task`: class indices 0–9 (multiclass), or the value
/// standardized on all the rows with the values kept (regression).
pub fn task_samples(rows: usize, seed: u64, task: Task) -> Samples {
    let mut xt = vec![0f32; FEATURES * rows];
    let mut t = Vec::with_capacity(rows);
    let mut gen = SynthRows::new(seed);
    for i in 0..rows {
        let (x, v) = gen.next_for(task);
        for (j, v) in x.into_iter().enumerate() {
            xt[j * rows + i] = v;
        }
        t.push(v);
    }
    let all: Vec<usize> = (0..rows).collect();
    let (y, target) = match task {
        Task::Regression => {
            let (values, y) = TargetValues::of_rows(&t, &all, TargetScale::fit(&t, &all));
            (y, Some(values))
        }
        _ => (t.iter().map(|&v| v as f32).collect(), None),
    };
    Samples {
        n: rows,
        d: FEATURES,
        xt,
        y,
        rows: all,
        target,
        weight: None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_tasks_share_the_rows() {
        let b = samples(3000, 9);
        let m = task_samples(3000, 9, Task::Multiclass);
        let r = task_samples(3000, 9, Task::Regression);
        assert_eq!(b, task_samples(3000, 9, Task::Binary));
        assert!(b.xt == m.xt && m.xt == r.xt);
        let values = &r.target.as_ref().unwrap().values;
        for ((&v, &yb), &ym) in values.iter().zip(&b.y).zip(&m.y) {
            assert_eq!(yb, f32::from(u8::from(v > 0.0)));
            assert_eq!(ym as f64, target(v, Task::Multiclass));
        }
        // Ten classes of about a tenth each.
        for c in 0..10 {
            let share = m.y.iter().filter(|&&y| y == c as f32).count() as f64 / 3000.0;
            assert!((share - 0.1).abs() < 0.03, "class {c}: {share}");
        }
        let mut csv = Vec::new();
        write_task_csv(&mut csv, 3, 9, Task::Regression).unwrap();
        let text = String::from_utf8(csv).unwrap();
        let last: f64 = text
            .lines()
            .nth(1)
            .unwrap()
            .rsplit(',')
            .next()
            .unwrap()
            .parse()
            .unwrap();
        assert_eq!(last, values[0]);
    }

    fn csv(rows: usize, seed: u64) -> Vec<u8> {
        let mut v = Vec::new();
        write_csv(&mut v, rows, seed).unwrap();
        v
    }

    #[test]
    fn same_seed_same_bytes_other_seed_other_bytes() {
        assert_eq!(csv(500, 7), csv(500, 7));
        assert_ne!(csv(500, 7), csv(500, 8));
        // A prefix of a longer table is the shorter table.
        let (a, b) = (csv(100, 3), csv(200, 3));
        assert_eq!(&b[..a.len()], &a[..]);
    }

    #[test]
    fn the_csv_holds_the_samples_values() {
        let text = String::from_utf8(csv(50, 1)).unwrap();
        let s = samples(50, 1);
        let mut lines = text.lines();
        assert_eq!(
            lines.next().unwrap(),
            "x0,x1,x2,x3,x4,x5,x6,x7,x8,x9,x10,x11,label"
        );
        for (i, line) in lines.enumerate() {
            let cells: Vec<f32> = line.split(',').map(|c| c.parse().unwrap()).collect();
            for (j, &cell) in cells[..FEATURES].iter().enumerate() {
                assert_eq!(cell, s.xt[j * 50 + i]);
            }
            assert_eq!(cells[FEATURES], s.y[i]);
        }
    }

    #[test]
    fn features_are_standard_normal_and_labels_balanced() {
        let s = samples(20_000, 0);
        let pos = s.n_positive() as f64 / s.n as f64;
        assert!((0.4..0.6).contains(&pos), "positive share {pos}");
        for j in 0..FEATURES {
            let col = &s.xt[j * s.n..(j + 1) * s.n];
            let mean = col.iter().map(|&v| v as f64).sum::<f64>() / s.n as f64;
            let var = col.iter().map(|&v| (v as f64 - mean).powi(2)).sum::<f64>() / s.n as f64;
            assert!(
                mean.abs() < 0.05 && (var - 1.0).abs() < 0.05,
                "x{j}: {mean} {var}"
            );
        }
    }
}
