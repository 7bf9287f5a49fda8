//! Strip-plus-box plots: a box per group with every value overlaid as a dot.

use super::axis::{auto_axis, draw_y_axis, left_margin, Axis};
use super::box_stats::{box_stats, BoxStats};
use super::frame::{draw_title, no_data, Fonts, Frame};
use super::style::palette;
use super::svg::{document, esc, n};
use super::text::fit_text;
use std::fmt::Write as _;

/// One group (model) of a strip/box plot: its per-fold values.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct StripGroup {
    pub name: String,
    pub values: Vec<f64>,
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
    let (plot, y_axis) = draw_frame(&mut out, title, y_label, groups, (w, h), &f);
    let band = plot.w / groups.len().max(1) as f64;
    let box_w = (band * 0.45).min(140.0 * f.k);
    for (gi, g) in groups.iter().enumerate() {
        let lane = Lane {
            cx: plot.x + (gi as f64 + 0.5) * band,
            band,
            box_w,
            color: palette(gi).color,
        };
        draw_group_label(&mut out, g, &lane, &plot, &f);
        let Some(st) = box_stats(&g.values) else {
            continue;
        };
        let ymap = |v: f64| y_axis.map(v, plot.y + plot.h, plot.y);
        draw_box(&mut out, &g.name, &st, &lane, ymap, &f);
        draw_points(&mut out, &g.values, &lane, ymap, &f);
    }
    if groups.iter().all(|g| box_stats(&g.values).is_none()) {
        no_data(&mut out, &plot, &f);
    }
    document(width, height, title, &out)
}

/// Where one group is drawn: the centre of its band, the band's and the
/// box's widths, and its palette color.
struct Lane {
    cx: f64,
    band: f64,
    box_w: f64,
    color: &'static str,
}

/// Draws the title and the y axis (over all values); returns the plot area
/// and the y axis.
fn draw_frame(
    out: &mut String,
    title: &str,
    y_label: &str,
    groups: &[StripGroup],
    (w, h): (f64, f64),
    f: &Fonts,
) -> (Frame, Axis) {
    let mut top = f.pad;
    top += draw_title(out, title, w / 2.0, top, w - 2.0 * f.pad, f);

    let values = groups.iter().flat_map(|g| g.values.iter().copied());
    let bottom = f.pad + f.tick * 1.3 + f.tick * 0.9 * 1.3 + f.tick_len + f.gap;
    let plot_h_guess = h - top - bottom - f.gap;
    let y_axis = auto_axis(values, None, plot_h_guess, 55.0 * f.k, true, false);
    let left = left_margin(&y_axis, y_label, f);
    let plot = Frame {
        x: left,
        y: top + f.gap,
        w: (w - left - f.pad * 2.0).max(10.0),
        h: (h - top - f.gap - bottom).max(10.0),
    };
    draw_y_axis(out, &plot, &y_axis, y_label, f, left);
    (plot, y_axis)
}

/// The group's name and its count of finite values, under the axis.
fn draw_group_label(out: &mut String, g: &StripGroup, lane: &Lane, plot: &Frame, f: &Fonts) {
    let cx = lane.cx;
    let ly = plot.y + plot.h + f.tick_len + f.gap + f.tick;
    let _ = write!(
        out,
        r##"<text x="{}" y="{}" font-size="{}" text-anchor="middle" fill="#222">{}</text>"##,
        n(cx),
        n(ly),
        n(f.tick),
        esc(&fit_text(&g.name, lane.band * 0.95, f.tick))
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
}

/// The whiskers, the box (quartiles) and the median line.
fn draw_box(
    out: &mut String,
    name: &str,
    st: &BoxStats,
    lane: &Lane,
    ymap: impl Fn(f64) -> f64,
    f: &Fonts,
) {
    let (cx, box_w) = (lane.cx, lane.box_w);
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
        name = esc(name),
        x = n(cx - box_w / 2.0),
        y = n(y_q3),
        bw = n(box_w),
        bh = n((y_q1 - y_q3).max(0.0)),
        c = lane.color,
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
}

/// Every finite value as a dot, spread sideways by a deterministic jitter
/// (the golden-ratio sequence).
fn draw_points(
    out: &mut String,
    values: &[f64],
    lane: &Lane,
    ymap: impl Fn(f64) -> f64,
    f: &Fonts,
) {
    let r = 4.5 * f.k;
    let spread = (lane.box_w * 0.8).min(lane.band * 0.4);
    for (i, v) in values.iter().copied().filter(|v| v.is_finite()).enumerate() {
        let u = ((i as f64 + 1.0) * 0.618_033_988_75).fract() - 0.5;
        let _ = write!(
            out,
            r##"<circle class="point" cx="{}" cy="{}" r="{}" fill="{}" fill-opacity="0.8" stroke="#fff" stroke-width="{}"/>"##,
            n(lane.cx + u * spread),
            n(ymap(v)),
            n(r),
            lane.color,
            n(f.k)
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::chart::tests::{count_class, parse};

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
