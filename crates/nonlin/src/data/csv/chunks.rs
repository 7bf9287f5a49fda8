//! A CSV source read in fixed-size pieces that end at a line break, so the
//! text of a large file is never in memory all at once.

use std::io::{self, Read};

/// Bytes read per piece (the last line is carried over to the next piece).
pub const CHUNK_BYTES: usize = 8 << 20;

/// Pieces of a reader, each ending with `\n` (but the last).
pub struct Chunks<R> {
    reader: R,
    size: usize,
    carry: Vec<u8>,
    /// A buffer handed back, reused for the next piece.
    spare: Vec<u8>,
    eof: bool,
}

impl<R: Read> Chunks<R> {
    /// Pieces of about `size` bytes.
    pub fn new(reader: R, size: usize) -> Chunks<R> {
        Chunks {
            reader,
            size: size.max(1),
            carry: Vec::new(),
            spare: Vec::new(),
            eof: false,
        }
    }

    /// Whether everything has been handed out.
    pub fn is_done(&self) -> bool {
        self.eof && self.carry.is_empty()
    }

    /// The next piece: `size` more bytes (more if no line break came),
    /// cut after its last `\n`; `None` at the end.
    pub fn next_chunk(&mut self) -> io::Result<Option<Vec<u8>>> {
        if self.is_done() {
            return Ok(None);
        }
        let mut buf = std::mem::take(&mut self.spare);
        buf.clear();
        buf.append(&mut self.carry);
        loop {
            if !self.eof {
                let want = self.size as u64;
                let got = (&mut self.reader).take(want).read_to_end(&mut buf)?;
                self.eof = (got as u64) < want;
            }
            if self.eof {
                return Ok((!buf.is_empty()).then_some(buf));
            }
            if let Some(nl) = buf.iter().rposition(|&c| c == b'\n') {
                self.carry.extend_from_slice(&buf[nl + 1..]);
                buf.truncate(nl + 1);
                return Ok(Some(buf));
            }
        }
    }

    /// Puts `tail` (the end of the last piece) back: the next piece starts with it.
    pub fn unread(&mut self, tail: &[u8]) {
        let mut carry = tail.to_vec();
        carry.append(&mut self.carry);
        self.carry = carry;
    }

    /// Gives a piece's buffer back for reuse (its pages stay mapped).
    pub fn recycle(&mut self, buf: Vec<u8>) {
        self.spare = buf;
    }

    /// Appends everything not yet handed out to `out`.
    pub fn read_rest(&mut self, out: &mut Vec<u8>) -> io::Result<()> {
        out.append(&mut self.carry);
        if !self.eof {
            self.reader.read_to_end(out)?;
            self.eof = true;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pieces_end_at_line_breaks_and_cover_everything() {
        let text = b"a,b\n1,2\n33,44\n5,6";
        let mut c = Chunks::new(&text[..], 5);
        let mut all = Vec::new();
        while let Some(p) = c.next_chunk().unwrap() {
            if !c.is_done() {
                assert_eq!(p.last(), Some(&b'\n'));
            }
            all.extend(p);
        }
        assert_eq!(all, text);
        let mut c = Chunks::new(&text[..], 6);
        let first = c.next_chunk().unwrap().unwrap();
        assert_eq!(first, b"a,b\n");
        let mut rest = first;
        c.read_rest(&mut rest).unwrap();
        assert_eq!(rest, text);
        assert!(c.next_chunk().unwrap().is_none());
        let mut c = Chunks::new(&text[..], 6);
        let first = c.next_chunk().unwrap().unwrap();
        c.unread(&first[2..]);
        let mut rest = first[..2].to_vec();
        c.read_rest(&mut rest).unwrap();
        assert_eq!(rest, text);
    }
}
