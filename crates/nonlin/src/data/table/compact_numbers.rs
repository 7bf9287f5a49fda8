//! A numeric column stored exactly in five bytes a cell where it can be.
//!
//! A CSV number with at most nine or ten significant digits (`-1.2345678`,
//! `0.010097339`, `263358.03`, `42`) is the f64 nearest to `m · 10^−k` for
//! an integer `m < 2^32` and `|k| ≤ 22`. Clinger's fast path (the cell
//! parser's, [`crate::data::csv::parse_number`]) computes that f64 with one
//! IEEE division or multiplication of two exact f64s, correctly rounded, so
//! any `(m, k)` of
//! the same value gives back the same bits. [`Numbers`] keeps `m` (4 bytes)
//! and `k` with the sign (1 byte) instead of the f64 (8 bytes); every value
//! is checked when stored (decoding must give its exact bits), and a column
//! with one value that does not fit is kept as plain f64. So scaling,
//! statistics and every PyTorch-parity result see exactly the values
//! `str::parse::<f64>` gives, in 5/8 of the memory.

use crate::data::csv::parse_number::{Decimal, POW10};

/// Offset of `k` in the scale byte (`k + BIAS` in the low seven bits).
const BIAS: i32 = 22;
/// The sign bit of the scale byte.
const NEGATIVE: u8 = 0x80;
/// The scale byte of a missing cell (NaN).
const MISSING: u8 = 0xFF;

/// The cells of a numeric column: NaN marks a missing cell.
#[derive(Clone)]
pub enum Numbers {
    /// Every value as `(m, sign and k)`: see the module documentation.
    Decimal { digits: Vec<u32>, scales: Vec<u8> },
    /// Plain f64 (some value has too many digits or is not finite).
    Float(Vec<f64>),
}

impl Default for Numbers {
    fn default() -> Numbers {
        Numbers::new()
    }
}

impl std::fmt::Debug for Numbers {
    /// The values, whatever the storage (two reads of the same text print
    /// the same, even where one stored a cell's digits differently).
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_list().entries(self.iter()).finish()
    }
}

impl PartialEq for Numbers {
    /// Same length and the same bits in every cell.
    fn eq(&self, other: &Numbers) -> bool {
        self.len() == other.len()
            && self
                .iter()
                .zip(other.iter())
                .all(|(a, b)| a.to_bits() == b.to_bits())
    }
}

impl From<Vec<f64>> for Numbers {
    fn from(values: Vec<f64>) -> Numbers {
        let mut n = Numbers::with_capacity(values.len());
        n.extend_from_slice(&values);
        n
    }
}

impl FromIterator<f64> for Numbers {
    fn from_iter<I: IntoIterator<Item = f64>>(iter: I) -> Numbers {
        let mut n = Numbers::new();
        for v in iter {
            n.push(v);
        }
        n
    }
}

/// The `(m, scale byte)` whose decoding gives exactly `v`, if there is one.
#[inline]
fn encode(v: f64) -> Option<(u32, u8)> {
    if v.is_nan() {
        return Some((0, MISSING));
    }
    let sign = if v.is_sign_negative() { NEGATIVE } else { 0 };
    let a = v.abs();
    if a == 0.0 {
        return Some((0, sign | BIAS as u8));
    }
    if !a.is_finite() {
        return None;
    }
    // floor(log10 a), or one less: floor(e2 · log10 2) from the binary
    // exponent (78913 / 2^18 ≈ log10 2; exact floor for |e2| < 1650).
    let e2 = ((a.to_bits() >> 52) & 0x7FF) as i32 - 1023;
    let p = (e2 * 78913) >> 18;
    // Ten significant digits where they fit in u32, else nine (three
    // candidates, as `p` may be one short).
    for k in [9 - p, 8 - p, 7 - p] {
        if !(-BIAS..=BIAS).contains(&k) {
            continue;
        }
        let t = if k >= 0 {
            a * POW10[k as usize]
        } else {
            a / POW10[(-k) as usize]
        };
        // Round half up without a libm call (`t` ≥ 0; a wrong guess only
        // fails the check below).
        let m = t + 0.5;
        if m >= 4_294_967_296.0 {
            continue;
        }
        let m = m as u32;
        let scale = sign | (k + BIAS) as u8;
        if decode(m, scale).to_bits() == v.to_bits() {
            return Some((m, scale));
        }
    }
    None
}

/// The value of `(m, scale byte)`: the parser's own rounding
/// ([`Decimal::value`]).
#[inline(always)]
fn decode(m: u32, scale: u8) -> f64 {
    if scale == MISSING {
        return f64::NAN;
    }
    Decimal {
        negative: scale & NEGATIVE != 0,
        mantissa: u64::from(m),
        exponent: BIAS - (scale & !NEGATIVE) as i32,
    }
    .value()
}

impl Numbers {
    /// An empty column.
    pub fn new() -> Numbers {
        Numbers::with_capacity(0)
    }

    /// An empty column with room for `n` cells.
    pub fn with_capacity(n: usize) -> Numbers {
        Numbers::Decimal {
            digits: Vec::with_capacity(n),
            scales: Vec::with_capacity(n),
        }
    }

    /// Number of cells.
    pub fn len(&self) -> usize {
        match self {
            Numbers::Decimal { scales, .. } => scales.len(),
            Numbers::Float(v) => v.len(),
        }
    }

    /// Whether there are no cells.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Whether the cells are stored in five bytes each.
    pub fn is_compact(&self) -> bool {
        matches!(self, Numbers::Decimal { .. })
    }

    /// Bytes held by the cells.
    pub fn bytes(&self) -> usize {
        match self {
            Numbers::Decimal { digits, scales } => digits.capacity() * 4 + scales.capacity(),
            Numbers::Float(v) => v.capacity() * 8,
        }
    }

    /// The value of cell `i` (NaN if missing), exactly as parsed.
    #[inline]
    pub fn get(&self, i: usize) -> f64 {
        match self {
            Numbers::Decimal { digits, scales } => decode(digits[i], scales[i]),
            Numbers::Float(v) => v[i],
        }
    }

    /// Every value in order.
    pub fn iter(&self) -> impl ExactSizeIterator<Item = f64> + '_ {
        (0..self.len()).map(move |i| self.get(i))
    }

    /// The values as f64.
    pub fn to_vec(&self) -> Vec<f64> {
        match self {
            Numbers::Decimal { .. } => self.iter().collect(),
            Numbers::Float(v) => v.clone(),
        }
    }

    /// Whether some cell is missing (NaN), without decoding.
    pub fn has_missing(&self) -> bool {
        match self {
            Numbers::Decimal { scales, .. } => scales.contains(&MISSING),
            Numbers::Float(v) => v.iter().any(|x| x.is_nan()),
        }
    }

    /// The indexes of the missing (NaN) cells, without decoding.
    pub fn missing(&self) -> Vec<usize> {
        match self {
            Numbers::Decimal { scales, .. } => (0..scales.len())
                .filter(|&i| scales[i] == MISSING)
                .collect(),
            Numbers::Float(v) => (0..v.len()).filter(|&i| v[i].is_nan()).collect(),
        }
    }

    /// Appends `v`, exactly.
    #[inline]
    pub fn push(&mut self, v: f64) {
        if let Numbers::Decimal { digits, scales } = self {
            match encode(v) {
                Some((m, s)) => {
                    digits.push(m);
                    scales.push(s);
                    return;
                }
                None => self.widen(),
            }
        }
        if let Numbers::Float(f) = self {
            f.push(v);
        }
    }

    /// Appends a parsed decimal: its own digits where they fit (no
    /// arithmetic), else its value.
    #[inline]
    pub fn push_decimal(&mut self, d: Decimal) {
        if let Numbers::Decimal { digits, scales } = self {
            if let Ok(m) = u32::try_from(d.mantissa) {
                let sign = if d.negative { NEGATIVE } else { 0 };
                digits.push(m);
                scales.push(sign | (BIAS - d.exponent) as u8);
                return;
            }
        }
        self.push(d.value());
    }

    /// Appends every value of `values`, exactly.
    pub fn extend_from_slice(&mut self, values: &[f64]) {
        if let Numbers::Decimal { digits, scales } = self {
            digits.reserve(values.len());
            scales.reserve(values.len());
            for (i, &v) in values.iter().enumerate() {
                match encode(v) {
                    Some((m, s)) => {
                        digits.push(m);
                        scales.push(s);
                    }
                    None => {
                        self.widen();
                        self.extend_from_slice(&values[i..]);
                        return;
                    }
                }
            }
            return;
        }
        if let Numbers::Float(f) = self {
            f.extend_from_slice(values);
        }
    }

    /// Appends every value of `other`, exactly.
    pub fn extend(&mut self, other: &Numbers) {
        match (&mut *self, other) {
            (
                Numbers::Decimal { digits, scales },
                Numbers::Decimal {
                    digits: d,
                    scales: s,
                },
            ) => {
                digits.extend_from_slice(d);
                scales.extend_from_slice(s);
            }
            (_, Numbers::Float(v)) => self.extend_from_slice(v),
            (Numbers::Float(v), Numbers::Decimal { .. }) => v.extend(other.iter()),
        }
    }

    /// Removes every cell (compact storage again).
    pub fn clear(&mut self) {
        match self {
            Numbers::Decimal { digits, scales } => {
                digits.clear();
                scales.clear();
            }
            Numbers::Float(_) => *self = Numbers::new(),
        }
    }

    /// Keeps the first `n` cells.
    pub fn truncate(&mut self, n: usize) {
        match self {
            Numbers::Decimal { digits, scales } => {
                digits.truncate(n);
                scales.truncate(n);
            }
            Numbers::Float(v) => v.truncate(n),
        }
    }

    /// The values of `rows`, in that order.
    pub fn select(&self, rows: &[usize]) -> Numbers {
        match self {
            Numbers::Decimal { digits, scales } => Numbers::Decimal {
                digits: rows.iter().map(|&r| digits[r]).collect(),
                scales: rows.iter().map(|&r| scales[r]).collect(),
            },
            Numbers::Float(v) => Numbers::Float(rows.iter().map(|&r| v[r]).collect()),
        }
    }

    /// Switches to plain f64 storage (same values).
    fn widen(&mut self) {
        let v = self.to_vec();
        *self = Numbers::Float(v);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn round_trip(v: f64) -> bool {
        let mut n = Numbers::new();
        n.push(v);
        n.get(0).to_bits() == v.to_bits() || (v.is_nan() && n.get(0).is_nan())
    }

    #[test]
    fn csv_like_values_stay_compact_and_exact() {
        let values = [
            -1.5355413,
            0.010097339,
            263358.03,
            42.0,
            0.0,
            -0.0,
            1e-14,
            9.99999999e21,
            0.1,
            4294967295.0,
            f64::NAN,
        ];
        let n = Numbers::from(values.to_vec());
        assert!(n.is_compact());
        for (i, &v) in values.iter().enumerate() {
            assert!(
                n.get(i).to_bits() == v.to_bits() || v.is_nan() && n.get(i).is_nan(),
                "{v}"
            );
        }
        assert_eq!(n.bytes(), values.len() * 5);
    }

    #[test]
    fn a_value_with_too_many_digits_widens_the_column_exactly() {
        let mut n = Numbers::from(vec![1.5, 2.25]);
        n.push(0.30000000000000004);
        n.push(f64::INFINITY);
        assert!(!n.is_compact());
        assert_eq!(n.to_vec(), [1.5, 2.25, 0.30000000000000004, f64::INFINITY]);
        let mut m = Numbers::new();
        m.extend_from_slice(&[1.0, 1e300, 2.0]);
        assert!(!m.is_compact());
        assert_eq!(m.to_vec(), [1.0, 1e300, 2.0]);
        assert_eq!(m.select(&[2, 0]).to_vec(), [2.0, 1.0]);
    }

    proptest! {
        /// Every f32 printed shortest (what `nonlin synth` writes) and every
        /// short decimal stays compact, and every f64 whatsoever keeps its bits.
        #[test]
        fn values_keep_their_bits(x in any::<f32>(), y in any::<f64>(), m in 0u32..1_000_000_000, k in 0usize..12) {
            prop_assert!(round_trip(y));
            if x.is_finite() {
                let v: f64 = format!("{x}").parse().unwrap();
                prop_assert!(round_trip(v));
                if v == 0.0 || (1e-13..1e22).contains(&v.abs()) {
                    prop_assert!(encode(v).is_some(), "{x} → {v}");
                }
            }
            let text = format!("{m}e-{k}");
            let v: f64 = text.parse().unwrap();
            prop_assert!(encode(v).is_some(), "{text}");
            prop_assert!(round_trip(v));
        }
    }
}
