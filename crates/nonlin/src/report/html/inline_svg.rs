//! Inlining an SVG figure into the report: the markup from its `<svg` tag
//! on, with every reference that would leave the file neutralized (the
//! report must not load anything).

/// Drop anything before the `<svg` tag (XML declaration, doctype, comments)
/// and neutralize references that leave the document.
pub(super) fn clean_svg(svg: &str) -> String {
    let start = svg.find("<svg").unwrap_or(0);
    neutralize_refs(svg[start..].trim_end())
}

/// Replace the value of every `href`/`src` attribute (including
/// `xlink:href`) that is neither a fragment (`#id`) nor a `data:` URI.
fn neutralize_refs(s: &str) -> String {
    let lower = s.to_ascii_lowercase();
    let mut out = String::with_capacity(s.len());
    let mut i = 0;
    while i < s.len() {
        let next = ["href", "src"]
            .iter()
            .filter_map(|a| lower[i..].find(a).map(|p| (i + p, a.len())))
            .min();
        let Some((pos, len)) = next else {
            out.push_str(&s[i..]);
            break;
        };
        // Attribute name must be preceded by whitespace or ':' (xlink:href).
        let before_ok =
            pos > 0 && matches!(s.as_bytes()[pos - 1], b' ' | b'\t' | b'\n' | b'\r' | b':');
        let mut j = pos + len;
        while j < s.len() && s.as_bytes()[j].is_ascii_whitespace() {
            j += 1;
        }
        if !before_ok || j >= s.len() || s.as_bytes()[j] != b'=' {
            out.push_str(&s[i..pos + len]);
            i = pos + len;
            continue;
        }
        j += 1;
        while j < s.len() && s.as_bytes()[j].is_ascii_whitespace() {
            j += 1;
        }
        let quote = s.as_bytes().get(j).copied();
        if !matches!(quote, Some(b'"') | Some(b'\'')) {
            out.push_str(&s[i..j]);
            i = j;
            continue;
        }
        let q = quote.unwrap_or(b'"') as char;
        let vstart = j + 1;
        let vend = s[vstart..].find(q).map(|e| vstart + e).unwrap_or(s.len());
        let value = s[vstart..vend].trim().to_ascii_lowercase();
        out.push_str(&s[i..vstart]);
        if value.starts_with('#') || value.starts_with("data:") {
            out.push_str(&s[vstart..vend]);
        } else {
            out.push_str("#blocked");
        }
        i = vend;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn neutralize_refs_keeps_other_text() {
        let s = r#"<g data-hrefx="1" class="src"><a href="https://x">source=1</a></g>"#;
        assert_eq!(
            neutralize_refs(s),
            r##"<g data-hrefx="1" class="src"><a href="#blocked">source=1</a></g>"##
        );
    }
}
