//! Scatter plots: one dot per point, with straight reference lines (the
//! identity, a horizontal level) drawn across the plot area, and a legend
//! under the x axis.

use super::axis::{auto_axis, draw_x_axis, draw_y_axis, left_margin, Axis};
use super::frame::{draw_title, no_data, Fonts, Frame};
use super::legend::{legend_item, legend_item_w};
use super::style::{palette, stroke_attrs, CHANCE_STYLE};
use super::svg::{document, esc, n};
use std::fmt::Write as _;

/// A straight line for reading the points against, drawn across the
/// whole plot area.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Reference {
    /// `y = x`, over the part of the plot where both axes overlap.
    Identity,
    /// `y = level`, from the left edge to the right (when in range).
    Horizontal(f64),
}

/// A scatter plot. `xs` and `ys` pair up by index (extra values in the
/// longer vector are ignored); non-finite points are not drawn.
/// `x_range`/`y_range` fix an axis to `(min, max)`; `None` fits it to the
/// data with 5 % padding, widened to round ticks. Points outside a fixed
/// range are not drawn.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct ScatterChart {
    pub title: String,
    pub x_label: String,
    pub y_label: String,
    pub x_range: Option<(f64, f64)>,
    pub y_range: Option<(f64, f64)>,
    /// The legend's name for the points.
    pub name: String,
    pub xs: Vec<f64>,
    pub ys: Vec<f64>,
    /// Named reference lines, in legend order.
    pub references: Vec<(String, Reference)>,
}

impl ScatterChart {
    fn points(&self) -> impl Iterator<Item = (f64, f64)> + '_ {
        self.xs
            .iter()
            .copied()
            .zip(self.ys.iter().copied())
            .filter(|(x, y)| x.is_finite() && y.is_finite())
    }
}

/// The radius of a dot at scale 1.
const DOT_R: f64 = 4.5;

/// A complete SVG document of the scatter plot, `width`×`height` user
/// units: the title, the axes, one `<circle class="point">` per drawn
/// point, one `<path class="reference" data-name="…">` per reference line
/// inside the plot, and the legend (the points' dot, then each line).
pub fn scatter_svg(chart: &ScatterChart, width: u32, height: u32) -> String {
    let (w, h) = (width.max(1) as f64, height.max(1) as f64);
    let f = Fonts::new((w / 1200.0).min(h / 800.0));
    let mut out = String::new();
    let top = f.pad + draw_title(&mut out, &chart.title, w / 2.0, f.pad, w - 2.0 * f.pad, &f);
    let legend_h = f.legend * 1.6 + f.gap;
    let mut bottom = f.pad + f.tick_len + f.gap * 0.5 + f.tick * 1.25 + legend_h;
    if !chart.x_label.is_empty() {
        bottom += f.label * 1.3;
    }
    let plot_y = top + f.gap;
    let plot_h = (h - bottom - plot_y).max(10.0);
    let y_axis = auto_axis(
        chart.points().map(|p| p.1),
        chart.y_range,
        plot_h,
        60.0 * f.k,
        true,
        false,
    );
    let left = left_margin(&y_axis, &chart.y_label, &f);
    let plot = Frame {
        x: left,
        y: plot_y,
        w: (w - left - f.pad * 2.0 - f.tick * 0.6).max(10.0),
        h: plot_h,
    };
    let x_axis = auto_axis(
        chart.points().map(|p| p.0),
        chart.x_range,
        plot.w,
        110.0 * f.k,
        true,
        false,
    );
    draw_y_axis(&mut out, &plot, &y_axis, &chart.y_label, &f, left);
    draw_x_axis(&mut out, &plot, &x_axis, &chart.x_label, &f);
    draw_references(&mut out, chart, &plot, (&x_axis, &y_axis), &f);
    let drawn = draw_points(&mut out, chart, &plot, (&x_axis, &y_axis), &f);
    if drawn == 0 {
        no_data(&mut out, &plot, &f);
    }
    draw_legend(&mut out, chart, h - f.pad - legend_h * 0.5, w, &f);
    document(width, height, &chart.title, &out)
}

/// The reference lines, each clipped by hand to the plot's ranges.
fn draw_references(
    out: &mut String,
    chart: &ScatterChart,
    plot: &Frame,
    (x, y): (&Axis, &Axis),
    f: &Fonts,
) {
    for (name, r) in &chart.references {
        let ends = match *r {
            Reference::Identity => {
                let (lo, hi) = (x.lo.max(y.lo), x.hi.min(y.hi));
                (lo < hi).then_some(((lo, lo), (hi, hi)))
            }
            Reference::Horizontal(v) => {
                (v >= y.lo && v <= y.hi && v.is_finite()).then_some(((x.lo, v), (x.hi, v)))
            }
        };
        let Some(((x0, y0), (x1, y1))) = ends else {
            continue;
        };
        let px = |v: f64| x.map(v, plot.x, plot.x + plot.w);
        let py = |v: f64| y.map(v, plot.y + plot.h, plot.y);
        let _ = write!(
            out,
            r#"<path class="reference" data-name="{}" d="M{} {}L{} {}" {}/>"#,
            esc(name),
            n(px(x0)),
            n(py(y0)),
            n(px(x1)),
            n(py(y1)),
            stroke_attrs(&CHANCE_STYLE, f),
        );
    }
}

/// The points inside the plot's ranges as dots; returns how many.
fn draw_points(
    out: &mut String,
    chart: &ScatterChart,
    plot: &Frame,
    (x, y): (&Axis, &Axis),
    f: &Fonts,
) -> usize {
    let color = palette(0).color;
    let mut drawn = 0;
    out.push_str(r#"<g class="data">"#);
    for (vx, vy) in chart.points() {
        if vx < x.lo || vx > x.hi || vy < y.lo || vy > y.hi {
            continue;
        }
        let _ = write!(
            out,
            r##"<circle class="point" cx="{}" cy="{}" r="{}" fill="{color}" fill-opacity="0.6" stroke="#ffffff" stroke-width="{}"/>"##,
            n(x.map(vx, plot.x, plot.x + plot.w)),
            n(y.map(vy, plot.y + plot.h, plot.y)),
            n(DOT_R * f.k),
            n(f.k * 0.8),
        );
        drawn += 1;
    }
    out.push_str("</g>");
    drawn
}

/// One centered legend row at height `cy`: the points' dot and name, then
/// each reference line's sample and name.
fn draw_legend(out: &mut String, chart: &ScatterChart, cy: f64, w: f64, f: &Fonts) {
    let spacing = f.pad * 1.5;
    let dot_w = DOT_R * 2.0 * f.k + f.gap + super::text::text_w(&chart.name, f.legend);
    let lines_w: f64 = chart
        .references
        .iter()
        .map(|(name, _)| spacing + legend_item_w(name, f))
        .sum();
    let mut x = ((w - dot_w - lines_w) / 2.0).max(f.pad);
    out.push_str(r#"<g class="legend">"#);
    let _ = write!(
        out,
        r##"<circle cx="{}" cy="{}" r="{}" fill="{}" fill-opacity="0.6"/><text x="{}" y="{}" font-size="{}" fill="#222">{}</text>"##,
        n(x + DOT_R * f.k),
        n(cy),
        n(DOT_R * f.k),
        palette(0).color,
        n(x + DOT_R * 2.0 * f.k + f.gap),
        n(cy + f.legend * 0.36),
        n(f.legend),
        esc(&chart.name),
    );
    x += dot_w;
    for (name, _) in &chart.references {
        x += spacing;
        legend_item(out, name, &CHANCE_STYLE, x, cy, f);
        x += legend_item_w(name, f);
    }
    out.push_str("</g>");
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::chart::tests::{count_class, parse};

    fn chart() -> ScatterChart {
        ScatterChart {
            title: "Predicted & actual".into(),
            x_label: "Actual".into(),
            y_label: "Predicted".into(),
            name: "test rows".into(),
            xs: vec![10.0, 20.0, 30.0, f64::NAN, 45.0],
            ys: vec![12.0, 18.0, 33.0, 5.0, 40.0],
            references: vec![("y = x".into(), Reference::Identity)],
            ..ScatterChart::default()
        }
    }

    #[test]
    fn one_dot_per_finite_point_and_the_reference_line() {
        let svg = scatter_svg(&chart(), 1200, 800);
        let doc = parse(&svg);
        assert_eq!(count_class(&doc, "point").len(), 4);
        let refs = count_class(&doc, "reference");
        assert_eq!(refs.len(), 1);
        assert_eq!(refs[0].attribute("data-name"), Some("y = x"));
        assert!(svg.contains("Predicted &amp; actual"));
        let texts: Vec<&str> = doc
            .descendants()
            .filter(|n| n.has_tag_name("text"))
            .filter_map(|n| n.text())
            .collect();
        for t in ["Actual", "Predicted", "test rows", "y = x"] {
            assert!(texts.contains(&t), "{t} in {texts:?}");
        }
    }

    #[test]
    fn identity_runs_corner_to_corner_on_equal_ranges() {
        let mut c = chart();
        c.x_range = Some((0.0, 50.0));
        c.y_range = Some((0.0, 50.0));
        let svg = scatter_svg(&c, 1200, 800);
        let doc = parse(&svg);
        let d = count_class(&doc, "reference")[0]
            .attribute("d")
            .unwrap()
            .to_string();
        // From the bottom left corner of the plot to its top right.
        let nums: Vec<f64> = d
            .split(['M', 'L', ' '])
            .filter(|s| !s.is_empty())
            .map(|s| s.parse().unwrap())
            .collect();
        assert!(nums[0] < nums[2] && nums[1] > nums[3], "{d}");
    }

    #[test]
    fn a_level_out_of_range_and_no_points_draw_nothing() {
        let c = ScatterChart {
            references: vec![("zero".into(), Reference::Horizontal(-1e9))],
            ..ScatterChart::default()
        };
        let svg = scatter_svg(&c, 600, 400);
        let doc = parse(&svg);
        assert!(count_class(&doc, "reference").is_empty());
        assert!(count_class(&doc, "point").is_empty());
        assert!(svg.contains(">no data<"));
    }
}
