//! Legends: one item (a line sample and its name), and items flowed left to
//! right in wrapping, centered rows.

use super::frame::Fonts;
use super::style::{stroke_attrs, Style};
use super::svg::{esc, n};
use super::text::{fit_text, text_w};
use std::fmt::Write as _;

/// One legend item at (`x`, `y`): a line sample in `style`, then `name`.
pub(super) fn legend_item(out: &mut String, name: &str, style: &Style, x: f64, y: f64, f: &Fonts) {
    let sw = 36.0 * f.k;
    let _ = write!(
        out,
        r##"<line x1="{}" y1="{y}" x2="{}" y2="{y}" {}/><text x="{}" y="{}" font-size="{}" fill="#222">{}</text>"##,
        n(x),
        n(x + sw),
        stroke_attrs(style, f),
        n(x + sw + f.gap),
        n(y + f.legend * 0.36),
        n(f.legend),
        esc(name),
        y = n(y),
    );
}

/// The width [`legend_item`] takes for `name`.
pub(super) fn legend_item_w(name: &str, f: &Fonts) -> f64 {
    36.0 * f.k + f.gap + text_w(name, f.legend)
}

/// Legend items laid out left to right, wrapping, centered in `max_w`.
/// Returns the height used.
pub(super) fn flow_legend(
    out: &mut String,
    items: &[(&str, Style)],
    x: f64,
    y: f64,
    max_w: f64,
    f: &Fonts,
) -> f64 {
    let line_h = f.legend * 1.6;
    let spacing = f.pad * 1.5;
    // Split into rows.
    let mut rows: Vec<Vec<(String, Style, f64)>> = vec![Vec::new()];
    let mut row_w = 0.0;
    for (name, style) in items {
        let name = fit_text(name, max_w - 36.0 * f.k - f.gap, f.legend);
        let iw = legend_item_w(&name, f);
        let row = rows.last_mut().expect("rows is never empty");
        if !row.is_empty() && row_w + spacing + iw > max_w {
            rows.push(Vec::new());
            row_w = 0.0;
        }
        let row = rows.last_mut().expect("rows is never empty");
        if !row.is_empty() {
            row_w += spacing;
        }
        row.push((name, *style, iw));
        row_w += iw;
    }
    out.push_str(r#"<g class="legend">"#);
    for (ri, row) in rows.iter().enumerate() {
        let total: f64 =
            row.iter().map(|r| r.2).sum::<f64>() + spacing * row.len().saturating_sub(1) as f64;
        let mut cx = x + ((max_w - total) / 2.0).max(0.0);
        let cy = y + line_h * (ri as f64 + 0.5);
        for (name, style, iw) in row {
            legend_item(out, name, style, cx, cy, f);
            cx += iw + spacing;
        }
    }
    out.push_str("</g>");
    line_h * rows.len() as f64
}
