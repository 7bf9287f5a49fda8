//! SVG charts written by hand: line charts, small multiples, ROC curves and
//! strip-plus-box plots.
//!
//! Every function takes plain data and returns a complete, standalone SVG
//! document as a `String`. All text is XML-escaped. Text uses the font family
//! [`FONT_FAMILY`], which [`super::png`] resolves to the embedded DejaVu Sans
//! so that rasterized charts need no system fonts.
//!
//! Conventions that tests and callers can rely on:
//! * each data series of a line chart is exactly one `<path>` element with
//!   `class="series"` and `data-name="<series name>"`;
//! * each box of a strip/box plot is one element with `class="box"`, each
//!   individual value one `<circle class="point">`.

use std::collections::hash_map::DefaultHasher;
use std::fmt::Write as _;
use std::hash::{Hash, Hasher};

/// The font family written into every chart.
pub const FONT_FAMILY: &str = "DejaVu Sans";

/// Name of the chance diagonal that [`roc_chart`] adds. A series with exactly
/// this name is drawn as a thin grey dashed reference line and is not given
/// one of the palette styles.
pub const CHANCE_SERIES_NAME: &str = "chance (random guess)";

/// One line of a [`LineChart`]. `xs` and `ys` pair up by index; extra values
/// in the longer vector are ignored. Non-finite values break the line.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Series {
    pub name: String,
    pub xs: Vec<f64>,
    pub ys: Vec<f64>,
}

/// A line chart. `x_range`/`y_range` fix an axis to `(min, max)`; `None`
/// picks the range from the data (the y axis gets some padding and is
/// widened to round tick values). Data outside a fixed range is clipped.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct LineChart {
    pub title: String,
    pub x_label: String,
    pub y_label: String,
    pub x_range: Option<(f64, f64)>,
    pub y_range: Option<(f64, f64)>,
    pub series: Vec<Series>,
}

/// One group (model) of a strip/box plot: its per-fold values.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct StripGroup {
    pub name: String,
    pub values: Vec<f64>,
}

/// Five-number summary as drawn by [`strip_box_svg`]. Quartiles use linear
/// interpolation (the "type 7" definition of R and NumPy); whiskers reach the
/// most extreme values within 1.5 IQR of the box.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct BoxStats {
    pub q1: f64,
    pub median: f64,
    pub q3: f64,
    pub whisker_lo: f64,
    pub whisker_hi: f64,
}

/// Box statistics of the finite values, or `None` if there are none.
pub fn box_stats(values: &[f64]) -> Option<BoxStats> {
    let mut v: Vec<f64> = values.iter().copied().filter(|x| x.is_finite()).collect();
    if v.is_empty() {
        return None;
    }
    v.sort_by(|a, b| a.total_cmp(b));
    let q = |p: f64| {
        let h = (v.len() - 1) as f64 * p;
        let (lo, hi) = (h.floor() as usize, h.ceil() as usize);
        v[lo] + (h - lo as f64) * (v[hi] - v[lo])
    };
    let (q1, median, q3) = (q(0.25), q(0.5), q(0.75));
    let iqr = q3 - q1;
    let (fence_lo, fence_hi) = (q1 - 1.5 * iqr, q3 + 1.5 * iqr);
    let whisker_lo = v.iter().copied().find(|&x| x >= fence_lo).unwrap_or(q1);
    let whisker_hi = v
        .iter()
        .rev()
        .copied()
        .find(|&x| x <= fence_hi)
        .unwrap_or(q3);
    Some(BoxStats {
        q1,
        median,
        q3,
        whisker_lo: whisker_lo.min(q1),
        whisker_hi: whisker_hi.max(q3),
    })
}

/// A ROC chart: one series per `(name, fpr, tpr)` curve plus the chance
/// diagonal (named [`CHANCE_SERIES_NAME`]), both axes fixed to `[0, 1]`.
pub fn roc_chart(title: &str, curves: &[(String, Vec<f64>, Vec<f64>)]) -> LineChart {
    let mut series: Vec<Series> = curves
        .iter()
        .map(|(name, fpr, tpr)| Series {
            name: name.clone(),
            xs: fpr.clone(),
            ys: tpr.clone(),
        })
        .collect();
    series.push(Series {
        name: CHANCE_SERIES_NAME.to_string(),
        xs: vec![0.0, 1.0],
        ys: vec![0.0, 1.0],
    });
    LineChart {
        title: title.to_string(),
        x_label: "False positive rate".to_string(),
        y_label: "True positive rate".to_string(),
        x_range: Some((0.0, 1.0)),
        y_range: Some((0.0, 1.0)),
        series,
    }
}

/// A complete SVG document of one line chart, `width`×`height` user units,
/// with the legend in a band right of (or, if names are long, below) the
/// plot area.
pub fn line_chart_svg(chart: &LineChart, width: u32, height: u32) -> String {
    let (w, h) = (width.max(1) as f64, height.max(1) as f64);
    let f = Fonts::new((w / 1200.0).min(h / 800.0));
    let styles = series_styles(chart.series.iter().map(|s| s.name.as_str()), None);
    let mut body = String::new();
    line_panel(
        &mut body,
        chart,
        Frame {
            x: 0.0,
            y: 0.0,
            w,
            h,
        },
        &f,
        true,
        &styles,
        "p0",
    );
    document(width, height, &chart.title, &body)
}

/// Several line charts in a grid of `columns` columns (rows as needed), all
/// in one SVG document. Series with the same name get the same color and
/// dash pattern in every panel, and one shared legend sits in a band at the
/// top of the figure.
pub fn small_multiples_svg(
    panels: &[LineChart],
    columns: usize,
    width: u32,
    height: u32,
) -> String {
    let (w, h) = (width.max(1) as f64, height.max(1) as f64);
    let columns = columns.clamp(1, panels.len().max(1));
    let rows = panels.len().div_ceil(columns).max(1);
    let f = Fonts::new((w / 1200.0).min(h / 800.0) * 0.85);

    // Shared legend: every distinct series name, in order of appearance.
    let mut names: Vec<&str> = Vec::new();
    for s in panels.iter().flat_map(|p| &p.series) {
        if !names.contains(&s.name.as_str()) {
            names.push(&s.name);
        }
    }
    let key_styles = series_styles(names.iter().copied(), None);
    let mut body = String::new();
    let legend_h = if names.is_empty() {
        0.0
    } else {
        let items: Vec<(&str, Style)> = names
            .iter()
            .copied()
            .zip(key_styles.iter().copied())
            .collect();
        flow_legend(&mut body, &items, f.pad, f.pad, w - 2.0 * f.pad, &f) + f.pad
    };

    let grid_y = legend_h;
    let cell_w = w / columns as f64;
    let cell_h = (h - grid_y) / rows as f64;
    for (i, panel) in panels.iter().enumerate() {
        let (r, c) = (i / columns, i % columns);
        let styles = series_styles(
            panel.series.iter().map(|s| s.name.as_str()),
            Some((&names, &key_styles)),
        );
        let _ = write!(body, r#"<g class="panel">"#);
        line_panel(
            &mut body,
            panel,
            Frame {
                x: c as f64 * cell_w,
                y: grid_y + r as f64 * cell_h,
                w: cell_w,
                h: cell_h,
            },
            &f,
            false,
            &styles,
            &format!("p{i}"),
        );
        body.push_str("</g>");
    }
    let title = panels
        .iter()
        .map(|p| p.title.as_str())
        .collect::<Vec<_>>()
        .join("; ");
    document(width, height, &title, &body)
}

/// A box plot per group (median, quartiles, whiskers at 1.5 IQR) with every
/// value overlaid as a dot, spread sideways by a deterministic jitter.
pub fn strip_box_svg(
    title: &str,
    y_label: &str,
    groups: &[StripGroup],
    width: u32,
    height: u32,
) -> String {
    let (w, h) = (width.max(1) as f64, height.max(1) as f64);
    let f = Fonts::new((w / 1200.0).min(h / 800.0));
    let mut out = String::new();

    let mut top = f.pad;
    top += draw_title(&mut out, title, w / 2.0, top, w - 2.0 * f.pad, &f);

    let values = groups.iter().flat_map(|g| g.values.iter().copied());
    let bottom = f.pad + f.tick * 1.3 + f.tick * 0.9 * 1.3 + f.tick_len + f.gap;
    let plot_h_guess = h - top - bottom - f.gap;
    let y_axis = auto_axis(values, None, plot_h_guess, 55.0 * f.k, true, false);
    let left = left_margin(&y_axis, y_label, &f);
    let plot = Frame {
        x: left,
        y: top + f.gap,
        w: (w - left - f.pad * 2.0).max(10.0),
        h: (h - top - f.gap - bottom).max(10.0),
    };
    draw_y_axis(&mut out, &plot, &y_axis, y_label, &f, left);

    let band = plot.w / groups.len().max(1) as f64;
    let box_w = (band * 0.45).min(140.0 * f.k);
    let ymap = |v: f64| y_axis.map(v, plot.y + plot.h, plot.y);
    for (gi, g) in groups.iter().enumerate() {
        let style = palette(gi);
        let cx = plot.x + (gi as f64 + 0.5) * band;
        // Category label and count under the axis.
        let ly = plot.y + plot.h + f.tick_len + f.gap + f.tick;
        let _ = write!(
            out,
            r##"<text x="{}" y="{}" font-size="{}" text-anchor="middle" fill="#222">{}</text>"##,
            n(cx),
            n(ly),
            n(f.tick),
            esc(&fit_text(&g.name, band * 0.95, f.tick))
        );
        let finite = g.values.iter().filter(|v| v.is_finite()).count();
        let _ = write!(
            out,
            r##"<text x="{}" y="{}" font-size="{}" text-anchor="middle" fill="#666">n = {}</text>"##,
            n(cx),
            n(ly + f.tick * 1.25),
            n(f.tick * 0.85),
            finite
        );
        let Some(st) = box_stats(&g.values) else {
            continue;
        };
        let (y_q1, y_q3, y_med) = (ymap(st.q1), ymap(st.q3), ymap(st.median));
        let (y_lo, y_hi) = (ymap(st.whisker_lo), ymap(st.whisker_hi));
        let cap = box_w * 0.4;
        let sw = f.stroke * 0.75;
        let _ = write!(
            out,
            r##"<g class="whiskers" stroke="#444" stroke-width="{sw}" fill="none"><path d="M{cx} {y_q1}V{y_lo}M{c0} {y_lo}H{c1}M{cx} {y_q3}V{y_hi}M{c0} {y_hi}H{c1}"/></g>"##,
            sw = n(sw),
            cx = n(cx),
            y_q1 = n(y_q1),
            y_q3 = n(y_q3),
            y_lo = n(y_lo),
            y_hi = n(y_hi),
            c0 = n(cx - cap / 2.0),
            c1 = n(cx + cap / 2.0),
        );
        let _ = write!(
            out,
            r##"<rect class="box" data-name="{name}" x="{x}" y="{y}" width="{bw}" height="{bh}" fill="{c}" fill-opacity="0.18" stroke="{c}" stroke-width="{sw}"/>"##,
            name = esc(&g.name),
            x = n(cx - box_w / 2.0),
            y = n(y_q3),
            bw = n(box_w),
            bh = n((y_q1 - y_q3).max(0.0)),
            c = style.color,
            sw = n(sw * 1.3),
        );
        let _ = write!(
            out,
            r##"<line class="median" x1="{}" y1="{y}" x2="{}" y2="{y}" stroke="#111" stroke-width="{}"/>"##,
            n(cx - box_w / 2.0),
            n(cx + box_w / 2.0),
            n(f.stroke * 1.4),
            y = n(y_med),
        );
        // Points: deterministic jitter from the golden-ratio sequence.
        let r = 4.5 * f.k;
        let spread = (box_w * 0.8).min(band * 0.4);
        for (i, v) in g
            .values
            .iter()
            .copied()
            .filter(|v| v.is_finite())
            .enumerate()
        {
            let u = ((i as f64 + 1.0) * 0.618_033_988_75).fract() - 0.5;
            let _ = write!(
                out,
                r##"<circle class="point" cx="{}" cy="{}" r="{}" fill="{}" fill-opacity="0.8" stroke="#fff" stroke-width="{}"/>"##,
                n(cx + u * spread),
                n(ymap(v)),
                n(r),
                style.color,
                n(f.k)
            );
        }
    }
    if groups.iter().all(|g| box_stats(&g.values).is_none()) {
        no_data(&mut out, &plot, &f);
    }
    document(width, height, title, &out)
}

// ---------------------------------------------------------------------------
// Layout and styling internals.

#[derive(Debug, Clone, Copy)]
struct Frame {
    x: f64,
    y: f64,
    w: f64,
    h: f64,
}

/// Sizes in user units, scaled by `k` (1.0 for a 1200×800 figure).
struct Fonts {
    k: f64,
    title: f64,
    label: f64,
    tick: f64,
    legend: f64,
    pad: f64,
    gap: f64,
    tick_len: f64,
    stroke: f64,
}

impl Fonts {
    fn new(k: f64) -> Fonts {
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

#[derive(Debug, Clone, Copy, PartialEq)]
struct Style {
    color: &'static str,
    /// Dash pattern in multiples of the stroke width; empty is solid.
    dash: &'static [f64],
    width: f64,
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

fn palette(i: usize) -> Style {
    let (color, dash) = PALETTE[i % PALETTE.len()];
    Style {
        color,
        dash,
        width: 1.0,
    }
}

const CHANCE_STYLE: Style = Style {
    color: "#888888",
    dash: &[3.0, 3.0],
    width: 0.6,
};

/// Styles for a list of series names: palette by position among the
/// non-reference series, or looked up by name in a shared key.
fn series_styles<'a>(
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

fn stroke_attrs(style: &Style, f: &Fonts) -> String {
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

/// An axis: data range, tick positions and tick label format.
#[derive(Debug, Clone)]
struct Axis {
    lo: f64,
    hi: f64,
    ticks: Vec<f64>,
    step: f64,
}

impl Axis {
    fn map(&self, v: f64, p0: f64, p1: f64) -> f64 {
        p0 + (v - self.lo) / (self.hi - self.lo) * (p1 - p0)
    }
    fn label(&self, v: f64) -> String {
        tick_label(v, self.step)
    }
}

fn nice_step(span: f64, target: f64) -> f64 {
    let raw = span / target.max(1.0);
    let mag = 10f64.powf(raw.log10().floor());
    let norm = raw / mag;
    let nice = if norm <= 1.0 {
        1.0
    } else if norm <= 2.0 {
        2.0
    } else if norm <= 2.5 {
        2.5
    } else if norm <= 5.0 {
        5.0
    } else {
        10.0
    };
    nice * mag
}

fn ticks_in(lo: f64, hi: f64, step: f64) -> Vec<f64> {
    let first = (lo / step - 1e-9).ceil();
    let mut out = Vec::new();
    for i in 0..=200 {
        let t = (first + i as f64) * step;
        if t > hi + step * 1e-9 {
            break;
        }
        out.push(if t.abs() < step * 1e-9 { 0.0 } else { t });
    }
    out
}

/// Build an axis. `fixed` wins if valid; otherwise the range comes from the
/// finite data (`pad`: add 5 % padding and widen to whole ticks; else tight).
fn auto_axis(
    data: impl Iterator<Item = f64>,
    fixed: Option<(f64, f64)>,
    pixels: f64,
    px_per_tick: f64,
    pad: bool,
    integer: bool,
) -> Axis {
    let target = (pixels / px_per_tick).clamp(2.0, 10.0);
    let step_for = |span: f64| {
        let s = nice_step(span, target);
        if integer {
            s.max(1.0)
        } else {
            s
        }
    };
    if let Some((a, b)) = fixed {
        if a.is_finite() && b.is_finite() && a < b {
            let step = step_for(b - a);
            return Axis {
                lo: a,
                hi: b,
                ticks: ticks_in(a, b, step),
                step,
            };
        }
    }
    let (mut lo, mut hi) = (f64::INFINITY, f64::NEG_INFINITY);
    for v in data.filter(|v| v.is_finite()) {
        lo = lo.min(v);
        hi = hi.max(v);
    }
    if lo > hi {
        (lo, hi) = (0.0, 1.0);
    }
    if hi - lo <= f64::EPSILON * hi.abs().max(1.0) {
        let d = if integer {
            1.0
        } else {
            (hi.abs() * 0.1).max(1e-3)
        };
        let (l, h) = (lo - d, hi + d);
        (lo, hi) = (l, h);
    }
    if pad {
        let nonneg = lo >= 0.0;
        let m = (hi - lo) * 0.05;
        let (mut l, h) = (lo - m, hi + m);
        if nonneg && l < 0.0 {
            l = 0.0;
        }
        let step = step_for(h - l);
        let (l, h) = ((l / step).floor() * step, (h / step).ceil() * step);
        Axis {
            lo: l,
            hi: h,
            ticks: ticks_in(l, h, step),
            step,
        }
    } else {
        let step = step_for(hi - lo);
        Axis {
            lo,
            hi,
            ticks: ticks_in(lo, hi, step),
            step,
        }
    }
}

/// Tick label with just enough decimals for the step; a true minus sign.
fn tick_label(v: f64, step: f64) -> String {
    let s = if v == 0.0 {
        "0".to_string()
    } else if step.abs() >= 1e6 || step.abs() < 1e-4 {
        let s = format!("{v:.2e}");
        // 1.50e6 -> 1.5e6
        match s.split_once('e') {
            Some((m, e)) => {
                let m = m.trim_end_matches('0').trim_end_matches('.');
                format!("{m}e{e}")
            }
            None => s,
        }
    } else {
        let mut d = 0usize;
        while d < 8 {
            let scaled = step * 10f64.powi(d as i32);
            if (scaled - scaled.round()).abs() < 1e-6 * scaled.abs().max(1.0) {
                break;
            }
            d += 1;
        }
        format!("{v:.d$}")
    };
    s.replace('-', "\u{2212}")
}

/// Advance widths of DejaVu Sans for ASCII 32..=126, in 1/1000 em (read
/// from the embedded font's `hmtx` table), used to lay out text without a
/// font engine. Non-ASCII characters count as 0.75 em.
const ADVANCE: [u16; 95] = [
    318, 401, 460, 838, 636, 950, 780, 275, 390, 390, 500, 838, 318, 361, 318, 337, 636, 636, 636,
    636, 636, 636, 636, 636, 636, 636, 337, 337, 838, 838, 838, 531, 1000, 684, 686, 698, 770, 632,
    575, 775, 752, 295, 295, 656, 557, 863, 748, 787, 603, 787, 695, 635, 611, 732, 684, 989, 685,
    611, 685, 390, 337, 390, 838, 500, 500, 613, 635, 550, 635, 615, 352, 635, 634, 278, 278, 579,
    278, 974, 634, 612, 635, 635, 411, 521, 392, 634, 592, 818, 592, 592, 525, 636, 337, 636, 838,
];
/// The same for DejaVu Sans Bold.
const ADVANCE_BOLD: [u16; 95] = [
    348, 456, 521, 838, 696, 1002, 872, 306, 457, 457, 523, 838, 380, 415, 380, 365, 696, 696, 696,
    696, 696, 696, 696, 696, 696, 696, 400, 400, 838, 838, 838, 580, 1000, 774, 762, 734, 830, 683,
    683, 821, 837, 372, 372, 775, 637, 995, 837, 850, 733, 850, 770, 720, 682, 812, 774, 1103, 771,
    724, 725, 457, 365, 457, 838, 500, 500, 675, 716, 593, 716, 678, 435, 716, 712, 343, 343, 665,
    343, 1042, 712, 687, 716, 716, 493, 595, 478, 712, 652, 924, 645, 652, 582, 712, 365, 712, 838,
];

fn advance(table: &[u16; 95], s: &str, fs: f64) -> f64 {
    let em: u32 = s
        .chars()
        .map(|c| match c as u32 {
            32..=126 => table[c as usize - 32] as u32,
            _ => 750,
        })
        .sum();
    em as f64 / 1000.0 * fs * 1.02
}

/// Estimated rendered width of `s` at font size `fs` (regular weight).
fn text_w(s: &str, fs: f64) -> f64 {
    advance(&ADVANCE, s, fs)
}

/// Estimated rendered width of `s` at font size `fs` in bold.
fn text_w_bold(s: &str, fs: f64) -> f64 {
    advance(&ADVANCE_BOLD, s, fs)
}

/// Shorten `s` with an ellipsis so that it fits in `max_w`.
fn fit_text(s: &str, max_w: f64, fs: f64) -> String {
    if text_w(s, fs) <= max_w {
        return s.to_string();
    }
    let mut t = String::new();
    for c in s.chars() {
        t.push(c);
        if text_w(&t, fs) + fs > max_w {
            t.pop();
            break;
        }
    }
    t.push('…');
    t
}

fn left_margin(y_axis: &Axis, y_label: &str, f: &Fonts) -> f64 {
    let widest = y_axis
        .ticks
        .iter()
        .map(|&t| text_w(&y_axis.label(t), f.tick))
        .fold(0.0, f64::max);
    let label = if y_label.is_empty() {
        0.0
    } else {
        f.label * 1.25 + f.gap
    };
    f.pad + label + widest + f.gap + f.tick_len
}

/// Draws the title centered at `cx` below `top`; returns the height used.
fn draw_title(out: &mut String, title: &str, cx: f64, top: f64, max_w: f64, f: &Fonts) -> f64 {
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

fn draw_y_axis(out: &mut String, plot: &Frame, y: &Axis, y_label: &str, f: &Fonts, left: f64) {
    let _ = write!(
        out,
        r##"<rect x="{}" y="{}" width="{}" height="{}" fill="#fcfcfc" stroke="none"/>"##,
        n(plot.x),
        n(plot.y),
        n(plot.w),
        n(plot.h)
    );
    out.push_str(r##"<g class="y-axis">"##);
    for &t in &y.ticks {
        let py = y.map(t, plot.y + plot.h, plot.y);
        let _ = write!(
            out,
            r##"<line x1="{x0}" y1="{py}" x2="{x1}" y2="{py}" stroke="#e3e3e3" stroke-width="{sw}"/><line x1="{xt}" y1="{py}" x2="{x0}" y2="{py}" stroke="#333" stroke-width="{sw}"/><text x="{xl}" y="{ty}" font-size="{fs}" text-anchor="end" fill="#333">{label}</text>"##,
            x0 = n(plot.x),
            x1 = n(plot.x + plot.w),
            xt = n(plot.x - f.tick_len),
            xl = n(plot.x - f.tick_len - f.gap * 0.6),
            py = n(py),
            ty = n(py + f.tick * 0.36),
            fs = n(f.tick),
            sw = n(f.k.max(0.5)),
            label = esc(&y.label(t)),
        );
    }
    if !y_label.is_empty() {
        let x = plot.x - left + f.pad + f.label * 0.8;
        let cy = plot.y + plot.h / 2.0;
        let _ = write!(
            out,
            r##"<text class="axis-label" x="{x}" y="{cy}" font-size="{fs}" text-anchor="middle" fill="#111" transform="rotate(-90 {x} {cy})">{label}</text>"##,
            x = n(x),
            cy = n(cy),
            fs = n(f.label),
            label = esc(&fit_text(y_label, plot.h, f.label)),
        );
    }
    let _ = write!(
        out,
        r##"<path d="M{} {}V{}H{}" fill="none" stroke="#333" stroke-width="{}"/>"##,
        n(plot.x),
        n(plot.y),
        n(plot.y + plot.h),
        n(plot.x + plot.w),
        n(f.k * 1.3)
    );
    out.push_str("</g>");
}

fn draw_x_axis(out: &mut String, plot: &Frame, x: &Axis, x_label: &str, f: &Fonts) {
    out.push_str(r##"<g class="x-axis">"##);
    for &t in &x.ticks {
        let px = x.map(t, plot.x, plot.x + plot.w);
        let _ = write!(
            out,
            r##"<line x1="{px}" y1="{y0}" x2="{px}" y2="{y1}" stroke="#e3e3e3" stroke-width="{sw}"/><line x1="{px}" y1="{y1}" x2="{px}" y2="{yt}" stroke="#333" stroke-width="{sw}"/><text x="{px}" y="{ty}" font-size="{fs}" text-anchor="middle" fill="#333">{label}</text>"##,
            px = n(px),
            y0 = n(plot.y),
            y1 = n(plot.y + plot.h),
            yt = n(plot.y + plot.h + f.tick_len),
            ty = n(plot.y + plot.h + f.tick_len + f.gap * 0.5 + f.tick),
            fs = n(f.tick),
            sw = n(f.k.max(0.5)),
            label = esc(&x.label(t)),
        );
    }
    if !x_label.is_empty() {
        let _ = write!(
            out,
            r##"<text class="axis-label" x="{}" y="{}" font-size="{}" text-anchor="middle" fill="#111">{}</text>"##,
            n(plot.x + plot.w / 2.0),
            n(plot.y + plot.h + f.tick_len + f.gap + f.tick * 1.2 + f.label),
            n(f.label),
            esc(&fit_text(x_label, plot.w, f.label)),
        );
    }
    out.push_str("</g>");
}

fn no_data(out: &mut String, plot: &Frame, f: &Fonts) {
    let _ = write!(
        out,
        r##"<text x="{}" y="{}" font-size="{}" text-anchor="middle" fill="#888">no data</text>"##,
        n(plot.x + plot.w / 2.0),
        n(plot.y + plot.h / 2.0),
        n(f.label)
    );
}

fn legend_item(out: &mut String, name: &str, style: &Style, x: f64, y: f64, f: &Fonts) {
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

fn legend_item_w(name: &str, f: &Fonts) -> f64 {
    36.0 * f.k + f.gap + text_w(name, f.legend)
}

/// Legend items laid out left to right, wrapping, centered in `max_w`.
/// Returns the height used.
fn flow_legend(
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

/// One line chart drawn inside `fr`.
fn line_panel(
    out: &mut String,
    chart: &LineChart,
    fr: Frame,
    f: &Fonts,
    legend: bool,
    styles: &[Style],
    clip_suffix: &str,
) {
    let mut top = fr.y + f.pad;
    top += draw_title(
        out,
        &chart.title,
        fr.x + fr.w / 2.0,
        top,
        fr.w - 2.0 * f.pad,
        f,
    );

    let pts = |s: &Series| {
        s.xs.iter()
            .copied()
            .zip(s.ys.iter().copied())
            .collect::<Vec<_>>()
    };
    let all: Vec<(f64, f64)> = chart
        .series
        .iter()
        .flat_map(pts)
        .filter(|(x, y)| x.is_finite() && y.is_finite())
        .collect();
    let integer_x = !all.is_empty() && all.iter().all(|(x, _)| x.fract() == 0.0);

    // Legend placement: a band on the right if the names are short enough,
    // otherwise a band under the x axis.
    let items: Vec<(&str, Style)> = chart
        .series
        .iter()
        .map(|s| s.name.as_str())
        .zip(styles.iter().copied())
        .collect();
    let show_legend = legend && !items.is_empty();
    let right_legend_w = items
        .iter()
        .map(|(name, _)| legend_item_w(name, f))
        .fold(0.0, f64::max)
        + 3.0 * f.pad;
    let legend_right = show_legend && right_legend_w <= fr.w * 0.3;

    let mut bottom = f.pad + f.tick_len + f.gap * 0.5 + f.tick * 1.25;
    if !chart.x_label.is_empty() {
        bottom += f.label * 1.3;
    }
    let mut bottom_legend_h = 0.0;
    if show_legend && !legend_right {
        // Measure by laying out into a scratch buffer.
        let mut scratch = String::new();
        bottom_legend_h =
            flow_legend(&mut scratch, &items, 0.0, 0.0, fr.w - 2.0 * f.pad, f) + f.gap;
        bottom += bottom_legend_h;
    }
    let plot_y = top + f.gap;
    let plot_h = (fr.y + fr.h - bottom - plot_y).max(10.0);
    let y_axis = auto_axis(
        all.iter().map(|p| p.1),
        chart.y_range,
        plot_h,
        60.0 * f.k,
        true,
        false,
    );
    let left = left_margin(&y_axis, &chart.y_label, f);
    let right = if legend_right {
        right_legend_w
    } else {
        f.pad * 2.0 + f.tick * 0.6
    };
    let plot = Frame {
        x: fr.x + left,
        y: plot_y,
        w: (fr.w - left - right).max(10.0),
        h: plot_h,
    };
    let x_axis = auto_axis(
        all.iter().map(|p| p.0),
        chart.x_range,
        plot.w,
        110.0 * f.k,
        false,
        integer_x,
    );

    draw_y_axis(out, &plot, &y_axis, &chart.y_label, f, left);
    draw_x_axis(out, &plot, &x_axis, &chart.x_label, f);

    // Series, clipped to the plot area. The clip id is made unique per
    // document content so that several charts can be inlined in one page.
    let mut series_svg = String::new();
    for (s, style) in chart.series.iter().zip(styles) {
        let mut d = String::new();
        let mut pen_down = false;
        let mut run = 0usize;
        for (x, y) in pts(s) {
            if !(x.is_finite() && y.is_finite()) {
                if run == 1 {
                    d.push_str("h0.01");
                }
                pen_down = false;
                run = 0;
                continue;
            }
            let px = x_axis.map(x, plot.x, plot.x + plot.w);
            let py = y_axis.map(y, plot.y + plot.h, plot.y);
            let _ = write!(d, "{}{} {}", if pen_down { 'L' } else { 'M' }, n(px), n(py));
            pen_down = true;
            run += 1;
        }
        if run == 1 {
            d.push_str("h0.01");
        }
        let _ = write!(
            series_svg,
            r#"<path class="series" data-name="{}" d="{}" {}/>"#,
            esc(&s.name),
            d,
            stroke_attrs(style, f)
        );
    }
    let mut hasher = DefaultHasher::new();
    series_svg.hash(&mut hasher);
    chart.title.hash(&mut hasher);
    let clip_id = format!("clip-{:016x}-{clip_suffix}", hasher.finish());
    // Allow strokes to spill slightly over the frame so lines on the edge
    // (e.g. 100 % accuracy) are not cut in half.
    let m = f.stroke;
    let _ = write!(
        out,
        r#"<clipPath id="{clip_id}"><rect x="{}" y="{}" width="{}" height="{}"/></clipPath><g class="data" clip-path="url(#{clip_id})">{series_svg}</g>"#,
        n(plot.x - m),
        n(plot.y - m),
        n(plot.w + 2.0 * m),
        n(plot.h + 2.0 * m),
    );
    if all.is_empty() {
        no_data(out, &plot, f);
    }

    if show_legend {
        if legend_right {
            let lx = plot.x + plot.w + f.pad * 1.5;
            out.push_str(r#"<g class="legend">"#);
            for (i, (name, style)) in items.iter().enumerate() {
                let ly = plot.y + f.legend * 0.6 + i as f64 * f.legend * 1.7;
                legend_item(out, name, style, lx, ly, f);
            }
            out.push_str("</g>");
        } else {
            let ly = fr.y + fr.h - f.pad - bottom_legend_h + f.gap;
            flow_legend(out, &items, fr.x + f.pad, ly, fr.w - 2.0 * f.pad, f);
        }
    }
}

fn document(width: u32, height: u32, title: &str, body: &str) -> String {
    let mut s = String::with_capacity(body.len() + 512);
    let _ = write!(
        s,
        r##"<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" viewBox="0 0 {width} {height}" font-family="{FONT_FAMILY}, sans-serif" role="img" aria-label="{t}"><title>{t}</title><rect width="{width}" height="{height}" fill="#ffffff"/>{body}</svg>"##,
        t = esc(title),
    );
    s
}

/// Number formatting for coordinates: two decimals, trailing zeros trimmed.
fn n(v: f64) -> String {
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

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    fn series(name: &str, n: usize, f: impl Fn(f64) -> f64) -> Series {
        let xs: Vec<f64> = (1..=n).map(|i| i as f64).collect();
        let ys = xs.iter().map(|&x| f(x)).collect();
        Series {
            name: name.to_string(),
            xs,
            ys,
        }
    }

    pub(crate) fn accuracy_chart(points: usize) -> LineChart {
        LineChart {
            title: "Accuracy <train> & test".to_string(),
            x_label: "Epoch".to_string(),
            y_label: "Accuracy (%)".to_string(),
            x_range: None,
            y_range: Some((0.0, 100.0)),
            series: vec![
                series("ReLU train", points, |x| 100.0 - 40.0 / (1.0 + x / 10.0)),
                series("ReLU test", points, |x| {
                    90.0 - 40.0 / (1.0 + x / 10.0) + (x * 0.7).sin() * 2.0
                }),
                series("Sigmoid train", points, |x| {
                    60.0 + 30.0 * (1.0 - (-x / 50.0).exp())
                }),
            ],
        }
    }

    fn parse(svg: &str) -> roxmltree::Document<'_> {
        roxmltree::Document::parse(svg).expect("chart SVG must be well-formed XML")
    }

    fn count_class<'a>(doc: &'a roxmltree::Document, class: &str) -> Vec<roxmltree::Node<'a, 'a>> {
        doc.descendants()
            .filter(|n| n.attribute("class") == Some(class))
            .collect()
    }

    #[test]
    fn line_chart_is_xml_with_one_element_per_series() {
        let chart = accuracy_chart(50);
        let svg = line_chart_svg(&chart, 1200, 800);
        let doc = parse(&svg);
        let series = count_class(&doc, "series");
        assert_eq!(series.len(), 3);
        let names: Vec<_> = series
            .iter()
            .map(|n| n.attribute("data-name").unwrap())
            .collect();
        assert_eq!(names, ["ReLU train", "ReLU test", "Sigmoid train"]);
        for s in &series {
            assert!(matches!(s.tag_name().name(), "path" | "polyline"));
        }
        // Every series differs from the others in color and dash pattern.
        let styles: Vec<_> = series
            .iter()
            .map(|n| (n.attribute("stroke"), n.attribute("stroke-dasharray")))
            .collect();
        for i in 0..styles.len() {
            for j in 0..i {
                assert_ne!(styles[i].0, styles[j].0);
                assert_ne!(styles[i].1, styles[j].1);
            }
        }
    }

    #[test]
    fn text_is_escaped_and_present() {
        let mut chart = accuracy_chart(10);
        chart.x_label = "x <&> \"q\"".to_string();
        chart.series[0].name = "a<b & c".to_string();
        let svg = line_chart_svg(&chart, 1200, 800);
        assert!(svg.contains("Accuracy &lt;train&gt; &amp; test"));
        assert!(!svg.contains("<train>"));
        let doc = parse(&svg);
        let texts: Vec<String> = doc
            .descendants()
            .filter(|n| n.has_tag_name("text"))
            .filter_map(|n| n.text().map(str::to_string))
            .collect();
        assert!(
            texts.iter().any(|t| t == "Accuracy <train> & test"),
            "{texts:?}"
        );
        assert!(texts.iter().any(|t| t == "Epoch" || t == "x <&> \"q\""));
        assert!(texts.iter().any(|t| t == "x <&> \"q\""));
        assert!(texts.iter().any(|t| t == "Accuracy (%)"));
        assert!(
            texts.iter().any(|t| t == "a<b & c"),
            "legend shows the name"
        );
        assert!(count_class(&doc, "series")
            .iter()
            .any(|n| n.attribute("data-name") == Some("a<b & c")));
    }

    #[test]
    fn esc_replaces_markup_and_control_characters() {
        assert_eq!(esc("a<b>&\"'\u{1}"), "a&lt;b&gt;&amp;&quot;&#39;\u{FFFD}");
    }

    #[test]
    fn accuracy_axis_has_round_ticks_from_0_to_100() {
        let svg = line_chart_svg(&accuracy_chart(30), 1200, 800);
        let doc = parse(&svg);
        let labels: Vec<&str> = doc
            .descendants()
            .filter(|n| n.has_tag_name("g") && n.attribute("class") == Some("y-axis"))
            .flat_map(|g| g.descendants().filter(|n| n.has_tag_name("text")))
            .filter(|n| n.attribute("class") != Some("axis-label"))
            .filter_map(|n| n.text())
            .collect();
        assert_eq!(labels.first(), Some(&"0"));
        assert_eq!(labels.last(), Some(&"100"));
        assert!(labels.len() >= 5 && labels.len() <= 11, "{labels:?}");
    }

    #[test]
    fn nice_ticks() {
        let a = auto_axis([0.12, 0.93].into_iter(), None, 600.0, 60.0, true, false);
        assert_eq!(a.lo, 0.0);
        assert_eq!(a.hi, 1.0);
        assert_eq!(
            a.ticks.iter().map(|&t| a.label(t)).collect::<Vec<_>>()[..3],
            ["0", "0.1", "0.2"]
        );
        let x = auto_axis([1.0, 1000.0].into_iter(), None, 1000.0, 110.0, false, true);
        assert_eq!((x.lo, x.hi), (1.0, 1000.0));
        assert!(
            x.ticks
                .iter()
                .all(|t| t.fract() == 0.0 && (t % 100.0) == 0.0),
            "{:?}",
            x.ticks
        );
        let e = auto_axis([1.0, 3.0].into_iter(), None, 1000.0, 110.0, false, true);
        assert!(e.ticks.iter().all(|t| t.fract() == 0.0), "{:?}", e.ticks);
        assert_eq!(tick_label(-0.5, 0.25), "\u{2212}0.50");
        assert_eq!(tick_label(2_000_000.0, 1_000_000.0), "2e6");
    }

    #[test]
    fn degenerate_data_still_renders() {
        let chart = LineChart {
            title: String::new(),
            series: vec![
                Series {
                    name: "empty".into(),
                    xs: vec![],
                    ys: vec![],
                },
                Series {
                    name: "nan".into(),
                    xs: vec![1.0, 2.0, 3.0],
                    ys: vec![f64::NAN, 5.0, f64::INFINITY],
                },
            ],
            ..Default::default()
        };
        let svg = line_chart_svg(&chart, 600, 400);
        let doc = parse(&svg);
        assert_eq!(count_class(&doc, "series").len(), 2);
        assert!(!svg.contains("NaN") && !svg.contains("inf"));
    }

    #[test]
    fn long_series_is_one_path_and_long_names_move_legend_below() {
        let mut chart = accuracy_chart(1000);
        chart.series.truncate(2);
        let svg = line_chart_svg(&chart, 1200, 800);
        let doc = parse(&svg);
        let s = count_class(&doc, "series");
        assert_eq!(s.len(), 2);
        assert_eq!(s[0].attribute("d").unwrap().matches('L').count(), 999);

        chart.series[0].name = "a very long series name that does not fit on the right side".into();
        let svg = line_chart_svg(&chart, 1200, 800);
        let doc = parse(&svg);
        let legend_y: f64 = count_class(&doc, "legend")[0]
            .descendants()
            .find(|n| n.has_tag_name("line"))
            .and_then(|n| n.attribute("y1"))
            .unwrap()
            .parse()
            .unwrap();
        assert!(
            legend_y > 700.0,
            "legend band at the bottom, got y={legend_y}"
        );
    }

    #[test]
    fn roc_chart_has_diagonal_and_unit_axes() {
        let chart = roc_chart(
            "ROC",
            &[(
                "MLP".into(),
                vec![0.0, 0.1, 0.4, 1.0],
                vec![0.0, 0.6, 0.9, 1.0],
            )],
        );
        assert_eq!(chart.x_range, Some((0.0, 1.0)));
        assert_eq!(chart.y_range, Some((0.0, 1.0)));
        assert_eq!(chart.series.len(), 2);
        assert_eq!(chart.series[1].name, CHANCE_SERIES_NAME);
        assert_eq!(chart.series[1].xs, chart.series[1].ys);
        let svg = line_chart_svg(&chart, 800, 800);
        let doc = parse(&svg);
        let s = count_class(&doc, "series");
        assert_eq!(s.len(), 2);
        assert_eq!(s[1].attribute("stroke"), Some(CHANCE_STYLE.color));
    }

    #[test]
    fn small_multiples_share_styles_by_name() {
        let a = accuracy_chart(20);
        let mut b = accuracy_chart(20);
        b.series.reverse();
        b.title = "second".into();
        let c = accuracy_chart(5);
        let svg = small_multiples_svg(&[a, b, c], 2, 1200, 800);
        let doc = parse(&svg);
        assert_eq!(count_class(&doc, "panel").len(), 3);
        let s = count_class(&doc, "series");
        assert_eq!(s.len(), 9);
        let stroke_of = |name: &str| {
            s.iter()
                .filter(|n| n.attribute("data-name") == Some(name))
                .map(|n| n.attribute("stroke").unwrap())
                .collect::<Vec<_>>()
        };
        for name in ["ReLU train", "ReLU test", "Sigmoid train"] {
            let st = stroke_of(name);
            assert_eq!(st.len(), 3);
            assert!(st.iter().all(|c| *c == st[0]), "{name}: {st:?}");
        }
        // One shared legend with one entry per distinct name.
        let legends = count_class(&doc, "legend");
        assert_eq!(legends.len(), 1);
        assert_eq!(
            legends[0]
                .descendants()
                .filter(|n| n.has_tag_name("line"))
                .count(),
            3
        );
        // Clip ids are unique.
        let ids: Vec<_> = doc
            .descendants()
            .filter_map(|n| n.attribute("id"))
            .collect();
        let mut dedup = ids.clone();
        dedup.sort();
        dedup.dedup();
        assert_eq!(ids.len(), dedup.len());
    }

    #[test]
    fn box_stats_match_hand_computation() {
        let st = box_stats(&[1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0, 9.0, 100.0]).unwrap();
        assert!((st.median - 5.5).abs() < 1e-12);
        assert!((st.q1 - 3.25).abs() < 1e-12);
        assert!((st.q3 - 7.75).abs() < 1e-12);
        assert_eq!(st.whisker_lo, 1.0);
        assert_eq!(st.whisker_hi, 9.0, "100 lies beyond 1.5 IQR");
        assert!(box_stats(&[f64::NAN]).is_none());
        let one = box_stats(&[0.7]).unwrap();
        assert_eq!((one.q1, one.median, one.q3), (0.7, 0.7, 0.7));
    }

    #[test]
    fn strip_box_has_box_per_group_and_all_points() {
        let groups = vec![
            StripGroup {
                name: "ReLU".into(),
                values: vec![0.81, 0.84, 0.79, 0.88, 0.83],
            },
            StripGroup {
                name: "Tanh & <sigmoid>".into(),
                values: vec![0.71, 0.75, 0.73, 0.69, 0.70],
            },
            StripGroup {
                name: "empty".into(),
                values: vec![],
            },
        ];
        let svg = strip_box_svg("Per-fold accuracy", "Accuracy", &groups, 1200, 800);
        let doc = parse(&svg);
        assert_eq!(count_class(&doc, "box").len(), 2);
        let pts = count_class(&doc, "point");
        assert_eq!(pts.len(), 10);
        // Jitter is deterministic but actually spreads the points.
        let xs: Vec<&str> = pts
            .iter()
            .take(5)
            .map(|p| p.attribute("cx").unwrap())
            .collect();
        let mut d = xs.clone();
        d.dedup();
        assert_eq!(d.len(), 5);
        assert_eq!(
            svg,
            strip_box_svg("Per-fold accuracy", "Accuracy", &groups, 1200, 800)
        );
        assert!(svg.contains("Tanh &amp; &lt;sigmoid&gt;"));
    }
}
