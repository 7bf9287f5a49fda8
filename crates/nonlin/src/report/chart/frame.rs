//! The frame of a figure: plot rectangles, sizes scaled to the figure, the
//! title, and the "no data" mark.

use super::svg::{esc, n};
use super::text::{fit_text, text_w_bold};
use std::fmt::Write as _;

/// A rectangle in user units: origin `x`, `y` (top left), width and height.
#[derive(Debug, Clone, Copy)]
pub(super) struct Frame {
    pub(super) x: f64,
    pub(super) y: f64,
    pub(super) w: f64,
    pub(super) h: f64,
}

impl Frame {
    /// Whether the point lies inside the rectangle or on its edge (within a
    /// rounding error).
    pub(super) fn contains(&self, x: f64, y: f64) -> bool {
        const EPS: f64 = 1e-6;
        x >= self.x - EPS
            && x <= self.x + self.w + EPS
            && y >= self.y - EPS
            && y <= self.y + self.h + EPS
    }
}

/// Sizes in user units, scaled by `k` (1.0 for a 1200×800 figure).
pub(super) struct Fonts {
    pub(super) k: f64,
    pub(super) title: f64,
    pub(super) label: f64,
    pub(super) tick: f64,
    pub(super) legend: f64,
    pub(super) pad: f64,
    pub(super) gap: f64,
    pub(super) tick_len: f64,
    pub(super) stroke: f64,
}

impl Fonts {
    pub(super) fn new(k: f64) -> Fonts {
        let k = if k.is_finite() {
            k.clamp(0.4, 4.0)
        } else {
            1.0
        };
        Fonts {
            k,
            title: 26.0 * k,
            label: 19.0 * k,
            tick: 16.0 * k,
            legend: 17.0 * k,
            pad: 16.0 * k,
            gap: 8.0 * k,
            tick_len: 6.0 * k,
            stroke: 2.6 * k,
        }
    }
}

/// Draws the title centered at `cx` below `top`; returns the height used.
pub(super) fn draw_title(
    out: &mut String,
    title: &str,
    cx: f64,
    top: f64,
    max_w: f64,
    f: &Fonts,
) -> f64 {
    if title.is_empty() {
        return 0.0;
    }
    let bold_w = text_w_bold(title, f.title);
    let fs = if bold_w > max_w {
        (f.title * max_w / bold_w).max(f.tick * 0.8)
    } else {
        f.title
    };
    // Bold glyphs are at most ~15 % wider than regular ones.
    let shown = fit_text(title, max_w / 1.15, fs);
    let _ = write!(
        out,
        r##"<text class="title" x="{}" y="{}" font-size="{}" font-weight="bold" text-anchor="middle" fill="#111">{}</text>"##,
        n(cx),
        n(top + fs * 0.95),
        n(fs),
        esc(&shown)
    );
    fs * 1.35
}

/// Writes "no data" in the middle of `plot`.
pub(super) fn no_data(out: &mut String, plot: &Frame, f: &Fonts) {
    let _ = write!(
        out,
        r##"<text x="{}" y="{}" font-size="{}" text-anchor="middle" fill="#888">no data</text>"##,
        n(plot.x + plot.w / 2.0),
        n(plot.y + plot.h / 2.0),
        n(f.label)
    );
}
