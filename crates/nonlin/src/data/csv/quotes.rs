//! Where a CSV text holding quotes may be cut into independent pieces: after
//! a `\n` that is not inside a quoted field. The quote rules are the `csv`
//! crate's (a `"` opens a quoted field only at the start of a field, `""`
//! inside one is a quote, a quote elsewhere is a plain character); a test
//! checks that parsing the two sides of every cut gives the whole text's
//! records.

/// Where the scan is within a record.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum State {
    FieldStart,
    InField,
    InQuoted,
    /// A `"` inside a quoted field: its end, or the first of `""`.
    QuoteInQuoted,
}

/// Cuts of `bytes` (which starts at a record boundary): the first one at or
/// after `near`, and the last one. A cut is the offset just after a line
/// break outside quoted fields, where a new record starts.
pub fn record_cuts(bytes: &[u8], delimiter: u8, near: usize) -> (Option<usize>, Option<usize>) {
    let mut state = State::FieldStart;
    let (mut first, mut last) = (None, None);
    for (i, &b) in bytes.iter().enumerate() {
        let line_end = b == b'\n' || b == b'\r';
        state = match state {
            State::InQuoted if b == b'"' => State::QuoteInQuoted,
            State::InQuoted => State::InQuoted,
            State::QuoteInQuoted if b == b'"' => State::InQuoted,
            State::FieldStart if b == b'"' => State::InQuoted,
            _ if b == delimiter || line_end => State::FieldStart,
            _ => State::InField,
        };
        if b == b'\n' && state == State::FieldStart {
            last = Some(i + 1);
            if first.is_none() && i + 1 >= near {
                first = last;
            }
        }
    }
    (first, last)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn records(text: &[u8]) -> Vec<Vec<Vec<u8>>> {
        let mut r = csv::ReaderBuilder::new()
            .has_headers(false)
            .flexible(true)
            .from_reader(text);
        r.byte_records()
            .map(|rec| rec.unwrap().iter().map(<[u8]>::to_vec).collect())
            .collect()
    }

    #[test]
    fn cuts_skip_line_breaks_in_quotes() {
        let text = b"a,\"x\ny\"\n\"q\"\"\n\",2\nb\"c,3\n";
        let (first, last) = record_cuts(text, b',', 0);
        assert_eq!(first, Some(8));
        assert_eq!(last, Some(text.len()));
        assert_eq!(record_cuts(b"\"open\n", b',', 0), (None, None));
    }

    proptest::proptest! {
        /// Parsing both sides of any cut gives the records of the whole.
        #[test]
        fn both_sides_of_a_cut_parse_as_the_whole(
            text in proptest::collection::vec(
                proptest::sample::select(vec![
                    "1", "x", "\"", "\"\"", ",", ",", "\n", "\n", "\r", "\r\n", " ",
                ]),
                0..40,
            ),
        ) {
            let text = text.concat().into_bytes();
            // Only texts the csv crate reads without error.
            let mut r = csv::ReaderBuilder::new().has_headers(false).flexible(true).from_reader(&text[..]);
            proptest::prop_assume!(r.byte_records().all(|x| x.is_ok()));
            let whole = records(&text);
            let mut at = 0;
            while let (Some(cut), _) = record_cuts(&text, b',', at) {
                let mut parts = records(&text[..cut]);
                parts.extend(records(&text[cut..]));
                proptest::prop_assert_eq!(&parts, &whole, "cut at {} of {:?}", cut, String::from_utf8_lossy(&text));
                at = cut + 1;
            }
        }
    }
}
