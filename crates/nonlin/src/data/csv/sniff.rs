//! Detection of the delimiter and the decimal separator from the first lines
//! of a file (the header row is detected by the reader, from the first
//! record). Everything here is linear in the bytes it looks at.

use super::cell::looks_decimal_comma;
use super::options::{Delimiter, ReadOptions};

/// Lines looked at: at most this many...
const SAMPLE_LINES: usize = 30;
/// ...and no more lines once this many bytes were taken.
const SAMPLE_BYTES: usize = 1 << 20;

/// Single-byte delimiters tried, in order of preference when several fit.
const CANDIDATES: [u8; 4] = [b';', b'\t', b'|', b','];

/// The delimiter and decimal separator to read a file with.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Sniffed {
    pub delimiter: Delimiter,
    pub delimiter_detected: bool,
    pub decimal_comma: bool,
    pub decimal_detected: bool,
}

/// Detects what `options` leaves open, from the first lines of `bytes`
/// (BOM already removed).
pub fn sniff(bytes: &[u8], options: &ReadOptions) -> Sniffed {
    let lines = sample_lines(bytes);
    let (delimiter, delimiter_detected) = match options.delimiter {
        Some(d) => (d, false),
        None => (detect_delimiter(&lines), true),
    };
    let (decimal_comma, decimal_detected) = match options.decimal {
        Some(d) => (d == b',', false),
        None => (
            delimiter != Delimiter::Byte(b',') && has_decimal_commas(&lines, delimiter),
            true,
        ),
    };
    Sniffed {
        delimiter,
        delimiter_detected,
        decimal_comma,
        decimal_detected,
    }
}

/// The first non-blank lines (without line ends).
fn sample_lines(bytes: &[u8]) -> Vec<&[u8]> {
    let mut lines = Vec::new();
    let mut taken = 0;
    for line in bytes.split(|&b| b == b'\n') {
        let line = line.strip_suffix(b"\r").unwrap_or(line);
        if line.iter().all(u8::is_ascii_whitespace) {
            continue;
        }
        lines.push(line);
        taken += line.len();
        if lines.len() >= SAMPLE_LINES || taken >= SAMPLE_BYTES {
            break;
        }
    }
    lines
}

/// Whether `bytes`, the start of a longer text cut after a line break,
/// already holds everything [`sniff`] looks at (so it decides the same as
/// on the whole text).
pub fn holds_sample(bytes: &[u8]) -> bool {
    let complete = match bytes.iter().rposition(|&b| b == b'\n') {
        Some(end) => &bytes[..end],
        None => return false,
    };
    let lines = sample_lines(complete);
    lines.len() >= SAMPLE_LINES || lines.iter().map(|l| l.len()).sum::<usize>() >= SAMPLE_BYTES
}

/// Occurrences of `d` outside double quotes.
fn count_outside_quotes(line: &[u8], d: u8) -> usize {
    let mut quoted = false;
    let mut n = 0;
    for &b in line {
        if b == b'"' {
            quoted = !quoted;
        } else if b == d && !quoted {
            n += 1;
        }
    }
    n
}

/// Fields when split on runs of spaces and tabs, outside quotes.
fn whitespace_fields(line: &[u8]) -> usize {
    let mut quoted = false;
    let mut fields = 0;
    let mut in_field = false;
    for &b in line {
        if b == b'"' {
            quoted = !quoted;
        }
        let sep = !quoted && (b == b' ' || b == b'\t');
        if !sep && !in_field {
            fields += 1;
        }
        in_field = !sep;
    }
    fields
}

fn consistent(counts: &[usize]) -> bool {
    counts
        .first()
        .is_some_and(|&c| c > 0 && counts.iter().all(|&x| x == c))
}

fn detect_delimiter(lines: &[&[u8]]) -> Delimiter {
    let counts: Vec<Vec<usize>> = CANDIDATES
        .iter()
        .map(|&d| lines.iter().map(|l| count_outside_quotes(l, d)).collect())
        .collect();
    let ws: Vec<usize> = lines.iter().map(|l| whitespace_fields(l)).collect();
    // The same number of delimiters on every line...
    if let Some(k) = (0..CANDIDATES.len()).find(|&k| consistent(&counts[k])) {
        // ...unless those are decimal commas between numbers set apart by spaces.
        if CANDIDATES[k] == b',' && spaced_numbers(lines, &ws) {
            return Delimiter::Whitespace;
        }
        return Delimiter::Byte(CANDIDATES[k]);
    }
    // ...or on every line after the header (which the reader then reports)...
    if lines.len() > 2 {
        if let Some(k) = (0..CANDIDATES.len()).find(|&k| consistent(&counts[k][1..])) {
            if CANDIDATES[k] == b',' && spaced_numbers(lines, &ws) {
                return Delimiter::Whitespace;
            }
            return Delimiter::Byte(CANDIDATES[k]);
        }
    }
    // ...or runs of spaces, the same number of fields on every line...
    if ws.first().is_some_and(|&f| f > 1) && ws.iter().all(|&f| f == ws[0]) {
        return Delimiter::Whitespace;
    }
    // ...else the candidate seen most on the first line (ragged rows are
    // reported by the reader), runs of spaces, or a one-column comma file.
    let first = |k: usize| counts[k].first().copied().unwrap_or(0);
    match (0..CANDIDATES.len()).max_by_key(|&k| (first(k), usize::MAX - k)) {
        Some(k) if first(k) > 0 => Delimiter::Byte(CANDIDATES[k]),
        _ if ws.first().is_some_and(|&f| f > 1) => Delimiter::Whitespace,
        _ => Delimiter::Byte(b','),
    }
}

/// Whether the lines split on runs of spaces into the same number (> 1) of
/// fields that are all numbers, some with a decimal comma (the first line
/// may be a header).
fn spaced_numbers(lines: &[&[u8]], ws: &[usize]) -> bool {
    let tokens = |l: &[u8]| -> Vec<Vec<u8>> {
        l.split(|&b| b == b' ' || b == b'\t')
            .filter(|t| !t.is_empty())
            .map(|t| strip_quotes(t).to_vec())
            .collect()
    };
    let numeric =
        |t: &[u8]| looks_decimal_comma(t) || super::cell::parse_number(t, false).is_some();
    let data = if lines
        .first()
        .is_some_and(|l| !tokens(l).iter().all(|t| numeric(t)))
    {
        &lines[1..]
    } else {
        lines
    };
    !data.is_empty()
        && ws.first().is_some_and(|&f| f > 1)
        && ws.iter().all(|&f| f == ws[0])
        && data.iter().all(|l| tokens(l).iter().all(|t| numeric(t)))
        && data
            .iter()
            .any(|l| tokens(l).iter().any(|t| looks_decimal_comma(t)))
}

/// Whether some cell of the sample looks like `1,83`.
fn has_decimal_commas(lines: &[&[u8]], delimiter: Delimiter) -> bool {
    lines.iter().any(|line| match delimiter {
        Delimiter::Byte(d) => line
            .split(|&b| b == d)
            .any(|c| looks_decimal_comma(strip_quotes(c))),
        Delimiter::Whitespace => line
            .split(|&b| b == b' ' || b == b'\t')
            .any(|c| looks_decimal_comma(strip_quotes(c))),
    })
}

fn strip_quotes(c: &[u8]) -> &[u8] {
    let c = super::cell::trim(c);
    c.strip_prefix(b"\"")
        .and_then(|c| c.strip_suffix(b"\""))
        .unwrap_or(c)
}

/// The bytes of a whitespace-delimited file with every run of spaces and
/// tabs outside quotes made one space, and none at the start or end of a
/// line, so the `csv` crate can read it with the delimiter `b' '`.
pub fn collapse_whitespace(bytes: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(bytes.len());
    let mut quoted = false;
    let mut pending_space = false;
    let mut line_start = true;
    for &b in bytes {
        if quoted {
            out.push(b);
            if b == b'"' {
                quoted = false;
            }
            continue;
        }
        match b {
            b' ' | b'\t' => pending_space = !line_start,
            b'\n' | b'\r' => {
                pending_space = false;
                line_start = true;
                out.push(b);
            }
            _ => {
                if pending_space {
                    out.push(b' ');
                    pending_space = false;
                }
                line_start = false;
                quoted = b == b'"';
                out.push(b);
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn detect(text: &str) -> Sniffed {
        sniff(text.as_bytes(), &ReadOptions::default())
    }

    #[test]
    fn detects_the_common_delimiters() {
        assert_eq!(detect("a,b\n1,2\n").delimiter, Delimiter::Byte(b','));
        assert_eq!(detect("a\tb\n1\t2\n").delimiter, Delimiter::Byte(b'\t'));
        assert_eq!(detect("a|b\n1|2\n").delimiter, Delimiter::Byte(b'|'));
        let s = detect("age;bmi\n75;1,83\n60;2,5\n");
        assert_eq!(s.delimiter, Delimiter::Byte(b';'));
        assert!(s.decimal_comma && s.decimal_detected);
        assert_eq!(
            detect("1  2 3\n 4 5   6\n").delimiter,
            Delimiter::Whitespace
        );
        assert_eq!(detect("x\n1\n").delimiter, Delimiter::Byte(b','));
        let s = detect("a b\n1,5 2,5\n-3,5 4\n");
        assert_eq!(s.delimiter, Delimiter::Whitespace);
        assert!(s.decimal_comma);
        assert_eq!(detect("a, b\n1, 2\n").delimiter, Delimiter::Byte(b','));
    }

    #[test]
    fn quoted_delimiters_do_not_count() {
        let s = detect("name,n\n\"a;b\",1\n\"c;d\",2\n");
        assert_eq!(s.delimiter, Delimiter::Byte(b','));
        assert!(!s.decimal_comma);
    }

    #[test]
    fn a_header_that_disagrees_still_finds_the_rows_delimiter() {
        let s = detect("a;b;c\n1;2\n3;4\n5;6\n");
        assert_eq!(s.delimiter, Delimiter::Byte(b';'));
    }

    #[test]
    fn options_override_detection() {
        let o = ReadOptions {
            delimiter: Some(Delimiter::Byte(b';')),
            decimal: Some(b'.'),
            header: None,
        };
        let s = sniff(b"a,b\n1,5;2\n", &o);
        assert_eq!(s.delimiter, Delimiter::Byte(b';'));
        assert!(!s.delimiter_detected && !s.decimal_comma && !s.decimal_detected);
    }

    #[test]
    fn whitespace_runs_collapse_outside_quotes() {
        let out = collapse_whitespace(b"  a   b\t\"x  y\" \r\n1 2  3  \n");
        assert_eq!(out, b"a b \"x  y\"\r\n1 2 3\n");
    }
}
