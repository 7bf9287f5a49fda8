//! SVG writing primitives shared by every chart: the document wrapper,
//! coordinate formatting, XML escaping and clip-path ids.

use std::fmt::Write as _;

/// The font family written into every chart.
pub const FONT_FAMILY: &str = "DejaVu Sans";

/// A standalone SVG document of `width`×`height` user units around `body`,
/// with `title` as its accessible name and a white background.
pub(super) fn document(width: u32, height: u32, title: &str, body: &str) -> String {
    let mut s = String::with_capacity(body.len() + 512);
    let _ = write!(
        s,
        r##"<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" viewBox="0 0 {width} {height}" font-family="{FONT_FAMILY}, sans-serif" role="img" aria-label="{t}"><title>{t}</title><rect width="{width}" height="{height}" fill="#ffffff"/>{body}</svg>"##,
        t = esc(title),
    );
    s
}

/// Number formatting for coordinates: two decimals, trailing zeros trimmed.
pub(super) fn n(v: f64) -> String {
    if !v.is_finite() {
        return "0".to_string();
    }
    let s = format!("{v:.2}");
    let s = s.trim_end_matches('0').trim_end_matches('.');
    if s == "-0" || s.is_empty() {
        "0".to_string()
    } else {
        s.to_string()
    }
}

/// Escape text for XML content and attribute values. Characters that XML
/// 1.0 forbids (most C0 controls) become U+FFFD.
pub fn esc(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            '\t' | '\n' | '\r' => out.push(c),
            c if (c as u32) < 0x20 || c == '\u{FFFE}' || c == '\u{FFFF}' => out.push('\u{FFFD}'),
            c => out.push(c),
        }
    }
    out
}

/// A clip-path id unique to the drawn content: `clip-<hash>-<suffix>`, where
/// the hash is 64-bit FNV-1a over `content`, a 0xFF byte, `title` and a
/// 0xFF byte. Ids derived from content keep several charts inlined in one
/// HTML page apart, and being a fixed, written-out hash they are the same on
/// every platform and Rust release.
pub(super) fn clip_id(content: &str, title: &str, suffix: &str) -> String {
    format!("clip-{:016x}-{suffix}", fnv1a64(&[content, title]))
}

/// 64-bit FNV-1a over the bytes of every part, each followed by 0xFF.
fn fnv1a64(parts: &[&str]) -> u64 {
    const OFFSET: u64 = 0xcbf2_9ce4_8422_2325;
    const PRIME: u64 = 0x0000_0100_0000_01b3;
    let mut h = OFFSET;
    for part in parts {
        for &b in part.as_bytes().iter().chain(&[0xFF]) {
            h ^= b as u64;
            h = h.wrapping_mul(PRIME);
        }
    }
    h
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn esc_replaces_markup_and_control_characters() {
        assert_eq!(esc("a<b>&\"'\u{1}"), "a&lt;b&gt;&amp;&quot;&#39;\u{FFFD}");
    }

    #[test]
    fn fnv1a_matches_published_vectors() {
        // FNV-1a 64 of "" and "a" (no terminator), from the reference tables.
        let raw = |bytes: &[u8]| {
            bytes.iter().fold(0xcbf2_9ce4_8422_2325u64, |h, &b| {
                (h ^ b as u64).wrapping_mul(0x0000_0100_0000_01b3)
            })
        };
        assert_eq!(raw(b""), 0xcbf2_9ce4_8422_2325);
        assert_eq!(raw(b"a"), 0xaf63_dc4c_8601_ec8c);
        assert_eq!(fnv1a64(&["a"]), raw(b"a\xFF"));
        assert_eq!(clip_id("x", "t", "p0"), clip_id("x", "t", "p0"));
        assert_ne!(clip_id("x", "t", "p0"), clip_id("x", "u", "p0"));
        assert_ne!(clip_id("xt", "", "p0"), clip_id("x", "t", "p0"));
    }
}
