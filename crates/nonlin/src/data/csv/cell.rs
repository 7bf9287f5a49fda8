//! One CSV cell: trimmed, recognised as missing, a number (with a decimal
//! point or, when asked, a decimal comma) or text — without allocating for
//! numbers.

use super::parse_number::parse_decimal;

/// The cell texts (after trimming) that mean "no value", as pandas reads them.
pub const MISSING_TOKENS: [&str; 10] = [
    "", "NA", "N/A", "NaN", "nan", "?", "null", "NULL", "None", "-",
];

/// Whether a trimmed cell is a missing-value marker.
pub fn is_missing_token(b: &[u8]) -> bool {
    b.len() <= 4 && MISSING_TOKENS.iter().any(|t| t.as_bytes() == b)
}

/// What a cell holds.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Cell<'a> {
    /// Empty or a missing-value marker (`NA`, `?`, ...).
    Missing,
    /// A finite number.
    Number(f64),
    /// Something that reads as a number but is not finite (`inf`, `1e999`).
    NonFinite(f64),
    /// Anything else, valid UTF-8.
    Text(&'a str),
    /// Bytes that are not UTF-8.
    NotUtf8,
}

/// Strips ASCII spaces, tabs and line ends around a cell.
pub fn trim(b: &[u8]) -> &[u8] {
    let start = b
        .iter()
        .position(|c| !c.is_ascii_whitespace())
        .unwrap_or(b.len());
    let end = b
        .iter()
        .rposition(|c| !c.is_ascii_whitespace())
        .map_or(start, |e| e + 1);
    &b[start..end]
}

/// Whether the bytes may be a number at all (ASCII digits, sign, point,
/// exponent, and the letters of `inf`/`infinity`/`nan`).
fn number_like(b: &[u8]) -> bool {
    !b.is_empty()
        && b.len() <= 4096
        && b.iter()
            .any(|c| c.is_ascii_digit() || c.is_ascii_alphabetic())
        && b.iter().all(|c| {
            c.is_ascii_digit()
                || matches!(
                    c,
                    b'+' | b'-'
                        | b'.'
                        | b','
                        | b'e'
                        | b'E'
                        | b'i'
                        | b'I'
                        | b'n'
                        | b'N'
                        | b'f'
                        | b'F'
                        | b't'
                        | b'T'
                        | b'y'
                        | b'Y'
                        | b'a'
                        | b'A'
                )
        })
}

/// Parses a trimmed cell as f64 the way Rust's `str::parse` does (correctly
/// rounded); with `decimal_comma`, one `,` is read as the decimal point.
/// Returns `None` for anything that is not a number (NaN included).
pub fn parse_number(b: &[u8], decimal_comma: bool) -> Option<f64> {
    if !number_like(b) {
        return None;
    }
    let v = if b.contains(&b',') {
        if !decimal_comma || b.iter().filter(|&&c| c == b',').count() > 1 || b.contains(&b'.') {
            return None;
        }
        let swap = |c: &u8| if *c == b',' { b'.' } else { *c };
        if b.len() <= 64 {
            let mut buf = [0u8; 64];
            for (o, c) in buf.iter_mut().zip(b) {
                *o = swap(c);
            }
            std::str::from_utf8(&buf[..b.len()])
                .ok()?
                .parse::<f64>()
                .ok()?
        } else {
            let buf: Vec<u8> = b.iter().map(swap).collect();
            std::str::from_utf8(&buf).ok()?.parse::<f64>().ok()?
        }
    } else {
        std::str::from_utf8(b).ok()?.parse::<f64>().ok()?
    };
    (!v.is_nan()).then_some(v)
}

/// Classifies one raw cell.
pub fn classify(raw: &[u8], decimal_comma: bool) -> Cell<'_> {
    let b = trim(raw);
    // Fastest path: a plain decimal that Clinger's fast path rounds exactly.
    if let Some(v) = parse_decimal(b) {
        return Cell::Number(v);
    }
    // Fast path: digits, point, sign and exponent only.
    if !b.is_empty()
        && b.len() <= 64
        && b.iter()
            .all(|&c| c.is_ascii_digit() || matches!(c, b'.' | b'-' | b'+' | b'e' | b'E'))
    {
        // ASCII, so valid UTF-8.
        if let Ok(v) = std::str::from_utf8(b).unwrap_or_default().parse::<f64>() {
            return if v.is_finite() {
                Cell::Number(v)
            } else {
                Cell::NonFinite(v)
            };
        }
    }
    if is_missing_token(b) {
        return Cell::Missing;
    }
    if let Some(v) = parse_number(b, decimal_comma) {
        return if v.is_finite() {
            Cell::Number(v)
        } else {
            Cell::NonFinite(v)
        };
    }
    match std::str::from_utf8(b) {
        // "NAN", "-nan": NaN spelled otherwise is missing too.
        Ok(s) if s.eq_ignore_ascii_case("nan") || s.eq_ignore_ascii_case("-nan") => Cell::Missing,
        Ok(s) => Cell::Text(s),
        Err(_) => Cell::NotUtf8,
    }
}

/// Whether a cell has the shape of a decimal-comma number (`1,83`, `-0,5`,
/// `2,5e3`): digits, one comma, digits.
pub fn looks_decimal_comma(raw: &[u8]) -> bool {
    let b = trim(raw);
    let b = b
        .strip_prefix(b"-")
        .or_else(|| b.strip_prefix(b"+"))
        .unwrap_or(b);
    let Some(comma) = b.iter().position(|&c| c == b',') else {
        return false;
    };
    let (int, frac) = (&b[..comma], &b[comma + 1..]);
    let frac = match frac.iter().position(|&c| c == b'e' || c == b'E') {
        Some(e) => &frac[..e],
        None => frac,
    };
    !int.is_empty()
        && !frac.is_empty()
        && int.iter().all(u8::is_ascii_digit)
        && frac.iter().all(u8::is_ascii_digit)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn missing_tokens() {
        assert!(is_missing_token(b"N/A") && is_missing_token(b""));
        assert!(!is_missing_token(b"n/a") && !is_missing_token(b"0"));
    }

    #[test]
    fn numbers_parse_like_rust() {
        assert_eq!(classify(b" 263358.03 ", false), Cell::Number(263358.03));
        assert_eq!(classify(b"-1e-3", false), Cell::Number(-1e-3));
        assert_eq!(classify(b"+5", false), Cell::Number(5.0));
        assert_eq!(classify(b".5", false), Cell::Number(0.5));
        assert_eq!(classify(b"1e-400", false), Cell::Number(0.0));
        assert_eq!(classify(b"1e999", false), Cell::NonFinite(f64::INFINITY));
        assert_eq!(classify(b"-inf", false), Cell::NonFinite(f64::NEG_INFINITY));
        assert_eq!(classify(b"Infinity", false), Cell::NonFinite(f64::INFINITY));
    }

    #[test]
    fn decimal_comma_only_when_asked() {
        assert_eq!(classify(b"1,83", true), Cell::Number(1.83));
        assert_eq!(classify(b"1,83", false), Cell::Text("1,83"));
        assert_eq!(classify(b"1,2,3", true), Cell::Text("1,2,3"));
        assert_eq!(classify(b"1.5", true), Cell::Number(1.5));
        assert!(looks_decimal_comma(b"-0,5"));
        assert!(looks_decimal_comma(b"2,5e3"));
        assert!(!looks_decimal_comma(b"a,b"));
        assert!(!looks_decimal_comma(b",5"));
    }

    #[test]
    fn missing_markers_and_text() {
        for m in [
            "", " ", "NA", "N/A", "NaN", "nan", "?", "null", "NULL", "None", "-", "NAN",
        ] {
            assert_eq!(classify(m.as_bytes(), false), Cell::Missing, "{m}");
        }
        assert_eq!(classify(b"yes", false), Cell::Text("yes"));
        assert_eq!(classify(b"nano", false), Cell::Text("nano"));
        assert_eq!(classify(b"caf\xe9", false), Cell::NotUtf8);
    }
}
