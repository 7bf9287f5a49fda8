//! A fast decimal parser for the common cell (`-1.5355413`, `42`,
//! `2.5e-3`): the digits are read into an integer and, when that integer and
//! the power of ten are both exact in f64 (Clinger's fast path: at most 2^53
//! and 10^±22), one IEEE multiplication or division gives the correctly
//! rounded value — the same bits as `str::parse::<f64>`. Anything else
//! (more digits, a larger exponent, `inf`) returns `None` and is left to
//! `str::parse`.

/// Powers of ten exact in f64: 10^0 … 10^22.
const POW10: [f64; 23] = [
    1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16,
    1e17, 1e18, 1e19, 1e20, 1e21, 1e22,
];

/// The largest integer below which every integer is exact in f64.
const MAX_EXACT: u64 = 1 << 53;

/// `[+-]digits[.digits][(e|E)[+-]digits]` (at least one digit before the
/// exponent) parsed exactly as `str::parse::<f64>` would, or `None` when the
/// text has another shape or is outside the fast path.
pub fn parse_decimal(b: &[u8]) -> Option<f64> {
    let (negative, mut i) = match b.first()? {
        b'-' => (true, 1),
        b'+' => (false, 1),
        _ => (false, 0),
    };
    let mut mantissa: u64 = 0;
    let mut digits = 0usize;
    let mut fraction = 0i32;
    let mut seen_point = false;
    while i < b.len() {
        let c = b[i];
        if c.is_ascii_digit() {
            // Leading zeros cost nothing; past 19 significant digits u64 overflows.
            if mantissa != 0 || c != b'0' {
                digits += 1;
                if digits > 19 {
                    return None;
                }
            }
            mantissa = mantissa * 10 + u64::from(c - b'0');
            fraction += i32::from(seen_point);
        } else if c == b'.' && !seen_point {
            seen_point = true;
        } else {
            break;
        }
        i += 1;
    }
    let mantissa_len = i - usize::from(negative || b[0] == b'+') - usize::from(seen_point);
    if mantissa_len == 0 {
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
    let e = exponent - fraction;
    let v = mantissa as f64;
    let v = if mantissa == 0 {
        0.0
    } else if (0..=22).contains(&e) {
        v * POW10[e as usize]
    } else if (-22..0).contains(&e) {
        v / POW10[(-e) as usize]
    } else {
        return None;
    };
    Some(if negative { -v } else { v })
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// The fast path agrees with `str::parse` bit for bit, or steps aside.
    fn check(s: &str) {
        let std = s.parse::<f64>().ok();
        match parse_decimal(s.as_bytes()) {
            Some(v) => assert_eq!(
                Some(v.to_bits()),
                std.map(f64::to_bits),
                "{s}: {v} vs {std:?}"
            ),
            None => {}
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
        assert_eq!(parse_decimal(b"-0").map(f64::to_bits), Some((-0.0f64).to_bits()));
        for bad in ["", "-", ".", "+.", "1e", "1e+", "1.2.3", "1-2", "e5", "1,5", "inf", "NaN", "1 "] {
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
