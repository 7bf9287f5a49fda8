//! A fast decimal parser for the common cell (`-1.5355413`, `42`,
//! `2.5e-3`): the digits are read into an integer and, when that integer and
//! the power of ten are both exact in f64 (Clinger's fast path: at most 2^53
//! and 10^±22), one IEEE multiplication or division gives the correctly
//! rounded value — the same bits as `str::parse::<f64>`. Anything else
//! (more digits, a larger exponent, `inf`) returns `None` and is left to
//! `str::parse`.

/// Powers of ten exact in f64: 10^0 … 10^22.
pub(crate) const POW10: [f64; 23] = [
    1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16,
    1e17, 1e18, 1e19, 1e20, 1e21, 1e22,
];

/// The largest integer below which every integer is exact in f64.
const MAX_EXACT: u64 = 1 << 53;

/// A decimal inside Clinger's fast path: `±mantissa · 10^exponent` with
/// `mantissa ≤ 2^53` and `|exponent| ≤ 22`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Decimal {
    pub negative: bool,
    pub mantissa: u64,
    pub exponent: i32,
}

impl Decimal {
    /// The correctly rounded f64: one IEEE multiplication or division.
    #[inline]
    pub fn value(self) -> f64 {
        let v = self.mantissa as f64;
        let e = self.exponent;
        let v = if self.mantissa == 0 {
            0.0
        } else if e >= 0 {
            v * POW10[e as usize]
        } else {
            v / POW10[(-e) as usize]
        };
        if self.negative {
            -v
        } else {
            v
        }
    }
}

/// `[+-]digits[.digits][(e|E)[+-]digits]` (at least one digit before the
/// exponent) parsed exactly as `str::parse::<f64>` would, or `None` when the
/// text has another shape or is outside the fast path.
pub fn parse_decimal(b: &[u8]) -> Option<f64> {
    parse_decimal_parts(b).map(Decimal::value)
}

/// [`parse_decimal`]'s digits and power of ten, before rounding.
#[inline]
pub fn parse_decimal_parts(b: &[u8]) -> Option<Decimal> {
    let (negative, b) = match b.first()? {
        b'-' => (true, &b[1..]),
        b'+' => (false, &b[1..]),
        _ => (false, b),
    };
    // Up to 19 digits fit in u64; longer numbers are left to `str::parse`,
    // so the wrapping arithmetic below never wraps when it matters.
    let mut mantissa: u64 = 0;
    let mut i = 0;
    while i < b.len() && b[i].is_ascii_digit() {
        mantissa = mantissa
            .wrapping_mul(10)
            .wrapping_add(u64::from(b[i] - b'0'));
        i += 1;
    }
    let int_digits = i;
    let mut fraction = 0usize;
    if i < b.len() && b[i] == b'.' {
        i += 1;
        let start = i;
        while i + 8 <= b.len() {
            match eight_digits(&b[i..i + 8]) {
                Some(d) => {
                    mantissa = mantissa.wrapping_mul(100_000_000).wrapping_add(d);
                    i += 8;
                }
                None => break,
            }
        }
        while i < b.len() && b[i].is_ascii_digit() {
            mantissa = mantissa
                .wrapping_mul(10)
                .wrapping_add(u64::from(b[i] - b'0'));
            i += 1;
        }
        fraction = i - start;
    }
    let digits = int_digits + fraction;
    if digits == 0 || digits > 19 {
        return None;
    }
    let mut exponent = 0i32;
    if i < b.len() {
        if !matches!(b[i], b'e' | b'E') {
            return None;
        }
        i += 1;
        let exp_negative = match b.get(i)? {
            b'-' => {
                i += 1;
                true
            }
            b'+' => {
                i += 1;
                false
            }
            _ => false,
        };
        let start = i;
        while i < b.len() && b[i].is_ascii_digit() {
            if i - start >= 4 {
                return None;
            }
            exponent = exponent * 10 + i32::from(b[i] - b'0');
            i += 1;
        }
        if i == start || i != b.len() {
            return None;
        }
        if exp_negative {
            exponent = -exponent;
        }
    }
    if mantissa > MAX_EXACT {
        return None;
    }
    let e = exponent - fraction as i32;
    if mantissa != 0 && !(-22..=22).contains(&e) {
        return None;
    }
    Some(Decimal {
        negative,
        mantissa,
        exponent: if mantissa == 0 { 0 } else { e },
    })
}

/// Eight ASCII digits as their value, or `None` if one is not a digit
/// (the SWAR conversion of Lemire's fast_float).
fn eight_digits(b: &[u8]) -> Option<u64> {
    let v = u64::from_le_bytes(b.try_into().ok()?);
    let all_digits = ((v & 0xF0F0_F0F0_F0F0_F0F0)
        | ((v.wrapping_add(0x0606_0606_0606_0606) & 0xF0F0_F0F0_F0F0_F0F0) >> 4))
        == 0x3333_3333_3333_3333;
    if !all_digits {
        return None;
    }
    let v = v - 0x3030_3030_3030_3030;
    let v = v.wrapping_mul(10).wrapping_add(v >> 8);
    let v = ((v & 0x0000_00FF_0000_00FF)
        .wrapping_mul(100 + (1_000_000 << 32))
        .wrapping_add(((v >> 16) & 0x0000_00FF_0000_00FF).wrapping_mul(1 + (10_000 << 32))))
        >> 32;
    Some(v)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// The fast path agrees with `str::parse` bit for bit, or steps aside.
    fn check(s: &str) {
        let std = s.parse::<f64>().ok();
        if let Some(v) = parse_decimal(s.as_bytes()) {
            assert_eq!(
                Some(v.to_bits()),
                std.map(f64::to_bits),
                "{s}: {v} vs {std:?}"
            );
        }
    }

    #[test]
    fn common_cells() {
        for s in [
            "-1.5355413",
            "0.010097339",
            "263358.03",
            "42",
            "-0",
            "-0.0",
            "+5",
            ".5",
            "5.",
            "1e-3",
            "2.5E+10",
            "0.1",
            "0.30000000000000004",
            "9007199254740993",
            "123456789012345678901",
            "1e22",
            "1e23",
            "1e-22",
            "4.9e-324",
            "00000000000000000000001.5",
        ] {
            check(s);
        }
        assert_eq!(parse_decimal(b"-1.5355413"), Some(-1.5355413));
        assert_eq!(
            parse_decimal(b"-0").map(f64::to_bits),
            Some((-0.0f64).to_bits())
        );
        assert_eq!(eight_digits(b"12345678"), Some(12_345_678));
        assert_eq!(eight_digits(b"1234567a"), None);
        assert_eq!(parse_decimal(b"0.123456789"), Some(0.123456789));
        for bad in [
            "", "-", ".", "+.", "1e", "1e+", "1.2.3", "1-2", "e5", "1,5", "inf", "NaN", "1 ",
        ] {
            assert_eq!(parse_decimal(bad.as_bytes()), None, "{bad}");
        }
    }

    proptest! {
        #[test]
        fn agrees_with_std_on_f32_and_f64_text(x in any::<f32>(), y in any::<f64>()) {
            check(&format!("{x}"));
            check(&format!("{y}"));
            check(&format!("{x:e}"));
            check(&format!("{y:e}"));
            check(&format!("{:.3}", x));
        }

        #[test]
        fn agrees_with_std_on_decimal_shapes(
            sign in "[-+]?", int in "[0-9]{0,12}", frac in "(\\.[0-9]{0,12})?",
            exp in "([eE][-+]?[0-9]{1,3})?",
        ) {
            check(&format!("{sign}{int}{frac}{exp}"));
        }
    }
}
