//! A deterministic synthetic table for scale tests: 12 standard-normal
//! features and a 0/1 label from a noisy non-linear rule, so that non-linear
//! networks beat linear ones.
//!
//! `s = 1.2·x0 − 0.8·x1·x2 + sin(2·x3) + 0.5·(x4² − 1) + 0.8·tanh(x5 + x6)
//!      − 0.6·|x7| + 0.4·x8·x9 + 0.3·x10 − 0.2·x11 + 0.45 + ε`,
//! `ε ~ N(0, 0.5²)`, label `s > 0`.
//!
//! Rows come from one ChaCha8 stream seeded with the seed; normals by the
//! Box–Muller transform in f64 with `libm`'s functions, so the same seed gives
//! the same bytes on every platform. Rows are generated one at a time:
//! writing 10M rows needs the memory of one row.

use super::Samples;
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
        let mut x = [0f32; FEATURES];
        for v in &mut x {
            *v = self.normal() as f32;
        }
        let eps = 0.5 * self.normal();
        (x, u8::from(score(&x) + eps > 0.0))
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
    let mut out = std::io::BufWriter::with_capacity(1 << 16, out);
    for j in 0..FEATURES {
        write!(out, "x{j},")?;
    }
    writeln!(out, "{TARGET}")?;
    let mut gen = SynthRows::new(seed);
    for _ in 0..rows {
        let (x, label) = gen.next_row();
        for v in x {
            write!(out, "{v},")?;
        }
        writeln!(out, "{label}")?;
    }
    out.flush()
}

/// Writes the table to `path` (created or replaced).
pub fn write_file(path: &Path, rows: usize, seed: u64) -> Result<()> {
    let file = std::fs::File::create(path).map_err(|e| Error::io(path, "create", e))?;
    write_csv(file, rows, seed).map_err(|e| Error::io(path, "write", e))
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

#[cfg(test)]
mod tests {
    use super::*;

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
