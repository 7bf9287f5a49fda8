//! The palette of line styles: colors paired with dash patterns, the chance
//! line's style, and how series names are given styles.

use super::frame::Fonts;
use super::svg::n;
use std::fmt::Write as _;

/// Name of the chance diagonal that [`super::roc_chart`] adds. A series with
/// exactly this name is drawn as a thin grey dashed reference line and is not
/// given one of the palette styles.
pub const CHANCE_SERIES_NAME: &str = "chance (random guess)";

/// How one series is stroked.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(super) struct Style {
    pub(super) color: &'static str,
    /// Dash pattern in multiples of the stroke width; empty is solid.
    pub(super) dash: &'static [f64],
    pub(super) width: f64,
}

/// Okabe–Ito colors (safe for color vision deficiency), each paired with
/// its own dash pattern so lines stay apart in grayscale too.
const PALETTE: [(&str, &[f64]); 8] = [
    ("#0072B2", &[]),
    ("#D55E00", &[4.0, 2.0]),
    ("#009E73", &[0.1, 2.2]),
    ("#CC79A7", &[5.0, 1.8, 0.1, 1.8]),
    ("#E69F00", &[1.8, 1.4]),
    ("#56B4E9", &[6.0, 1.6, 0.1, 1.6, 0.1, 1.6]),
    ("#000000", &[8.0, 2.5]),
    ("#999933", &[2.5, 1.2, 2.5, 3.5]),
];

/// The `i`-th palette style (wrapping around).
pub(super) fn palette(i: usize) -> Style {
    let (color, dash) = PALETTE[i % PALETTE.len()];
    Style {
        color,
        dash,
        width: 1.0,
    }
}

/// The chance line: thin, grey, dashed.
pub(super) const CHANCE_STYLE: Style = Style {
    color: "#888888",
    dash: &[3.0, 3.0],
    width: 0.6,
};

/// Styles for a list of series names: palette by position among the
/// non-reference series, or looked up by name in a shared key.
pub(super) fn series_styles<'a>(
    names: impl Iterator<Item = &'a str>,
    key: Option<(&[&str], &[Style])>,
) -> Vec<Style> {
    let mut next = 0;
    names
        .map(|name| {
            if name == CHANCE_SERIES_NAME {
                return CHANCE_STYLE;
            }
            if let Some((names, styles)) = key {
                if let Some(i) = names.iter().position(|n| *n == name) {
                    return styles[i];
                }
            }
            next += 1;
            palette(next - 1)
        })
        .collect()
}

/// The stroke attributes of `style` at the figure's scale.
pub(super) fn stroke_attrs(style: &Style, f: &Fonts) -> String {
    let sw = f.stroke * style.width;
    let mut s = format!(
        r#"fill="none" stroke="{}" stroke-width="{}" stroke-linejoin="round" stroke-linecap="round""#,
        style.color,
        n(sw)
    );
    if !style.dash.is_empty() {
        let d: Vec<String> = style
            .dash
            .iter()
            .map(|d| n(d * f.stroke.max(1.0)))
            .collect();
        let _ = write!(s, r#" stroke-dasharray="{}""#, d.join(" "));
    }
    s
}
