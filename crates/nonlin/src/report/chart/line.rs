//! Line charts: the chart and series types, ROC charts, and drawing one line
//! chart (axes, clipped series, legend) into a frame.

use super::axis::{auto_axis, draw_x_axis, draw_y_axis, left_margin, Axis};
use super::frame::{draw_title, no_data, Fonts, Frame};
use super::legend::{flow_legend, legend_item, legend_item_w};
use super::style::{series_styles, stroke_attrs, Style, CHANCE_SERIES_NAME};
use super::svg::{clip_id, document, esc, n};
use std::fmt::Write as _;

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

/// One line chart drawn inside `fr`: the title, the layout (legend band,
/// axes, plot area), the axes, the series and the legend.
pub(super) fn line_panel(
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
    let all = finite_points(chart);
    let items: Vec<(&str, Style)> = chart
        .series
        .iter()
        .map(|s| s.name.as_str())
        .zip(styles.iter().copied())
        .collect();
    let legend = legend_band(&items, legend, fr, f);
    let layout = plot_layout(chart, &all, &legend, fr, top, f);
    let plot = layout.plot;

    draw_y_axis(out, &plot, &layout.y_axis, &chart.y_label, f, layout.left);
    draw_x_axis(out, &plot, &layout.x_axis, &chart.x_label, f);
    draw_series(out, chart, styles, &layout, f, clip_suffix);
    if all.is_empty() {
        no_data(out, &plot, f);
    }
    draw_legend(out, &items, &legend, &plot, fr, f);
}

/// A series' points, paired by index.
fn points(s: &Series) -> Vec<(f64, f64)> {
    s.xs.iter().copied().zip(s.ys.iter().copied()).collect()
}

/// Every finite point of every series (what the axes are fitted to).
fn finite_points(chart: &LineChart) -> Vec<(f64, f64)> {
    chart
        .series
        .iter()
        .flat_map(points)
        .filter(|(x, y)| x.is_finite() && y.is_finite())
        .collect()
}

/// Where the legend goes: a band on the right if the names are short
/// enough, otherwise a band under the x axis.
struct LegendBand {
    show: bool,
    right: bool,
    /// The right band's width.
    right_w: f64,
    /// The bottom band's height (0 when the legend is on the right).
    bottom_h: f64,
}

fn legend_band(items: &[(&str, Style)], legend: bool, fr: Frame, f: &Fonts) -> LegendBand {
    let show = legend && !items.is_empty();
    let right_w = items
        .iter()
        .map(|(name, _)| legend_item_w(name, f))
        .fold(0.0, f64::max)
        + 3.0 * f.pad;
    let right = show && right_w <= fr.w * 0.3;
    let mut bottom_h = 0.0;
    if show && !right {
        // Measure by laying out into a scratch buffer.
        let mut scratch = String::new();
        bottom_h = flow_legend(&mut scratch, items, 0.0, 0.0, fr.w - 2.0 * f.pad, f) + f.gap;
    }
    LegendBand {
        show,
        right,
        right_w,
        bottom_h,
    }
}

/// The plot area and its axes.
struct PlotLayout {
    plot: Frame,
    x_axis: Axis,
    y_axis: Axis,
    /// The left margin (y tick labels and label).
    left: f64,
}

fn plot_layout(
    chart: &LineChart,
    all: &[(f64, f64)],
    legend: &LegendBand,
    fr: Frame,
    top: f64,
    f: &Fonts,
) -> PlotLayout {
    let integer_x = !all.is_empty() && all.iter().all(|(x, _)| x.fract() == 0.0);
    let mut bottom = f.pad + f.tick_len + f.gap * 0.5 + f.tick * 1.25;
    if !chart.x_label.is_empty() {
        bottom += f.label * 1.3;
    }
    if legend.show && !legend.right {
        bottom += legend.bottom_h;
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
    let right = if legend.right {
        legend.right_w
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
    PlotLayout {
        plot,
        x_axis,
        y_axis,
        left,
    }
}

/// The series, clipped to the plot area when a point lies outside it. The
/// clip id is made unique per document content so that several charts can
/// be inlined in one page.
fn draw_series(
    out: &mut String,
    chart: &LineChart,
    styles: &[Style],
    layout: &PlotLayout,
    f: &Fonts,
    clip_suffix: &str,
) {
    let plot = layout.plot;
    let mut series_svg = String::new();
    let mut outside = false;
    for (s, style) in chart.series.iter().zip(styles) {
        let d = series_path(s, layout, &mut outside);
        let _ = write!(
            series_svg,
            r#"<path class="series" data-name="{}" d="{}" {}/>"#,
            esc(&s.name),
            d,
            stroke_attrs(style, f)
        );
    }
    if outside {
        let clip_id = clip_id(&series_svg, &chart.title, clip_suffix);
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
    } else {
        // Every point is inside and strokes are at most `f.stroke` wide
        // (round joins and caps): a clip would cut nothing, and costs the
        // rasterizer an offscreen layer (three quarters of a figure's time).
        let _ = write!(out, r#"<g class="data">{series_svg}</g>"#);
    }
}

/// One series' path data; non-finite points break the line, and a lone
/// point gets a tiny stroke so that it shows. Sets `outside` when a point
/// lies outside the plot area.
fn series_path(s: &Series, layout: &PlotLayout, outside: &mut bool) -> String {
    let plot = layout.plot;
    let mut d = String::new();
    let mut pen_down = false;
    let mut run = 0usize;
    for (x, y) in points(s) {
        if !(x.is_finite() && y.is_finite()) {
            if run == 1 {
                d.push_str("h0.01");
            }
            pen_down = false;
            run = 0;
            continue;
        }
        let px = layout.x_axis.map(x, plot.x, plot.x + plot.w);
        let py = layout.y_axis.map(y, plot.y + plot.h, plot.y);
        *outside |= !plot.contains(px, py);
        let _ = write!(d, "{}{} {}", if pen_down { 'L' } else { 'M' }, n(px), n(py));
        pen_down = true;
        run += 1;
    }
    if run == 1 {
        d.push_str("h0.01");
    }
    d
}

/// The legend in its band.
fn draw_legend(
    out: &mut String,
    items: &[(&str, Style)],
    legend: &LegendBand,
    plot: &Frame,
    fr: Frame,
    f: &Fonts,
) {
    if !legend.show {
        return;
    }
    if legend.right {
        let lx = plot.x + plot.w + f.pad * 1.5;
        out.push_str(r#"<g class="legend">"#);
        for (i, (name, style)) in items.iter().enumerate() {
            let ly = plot.y + f.legend * 0.6 + i as f64 * f.legend * 1.7;
            legend_item(out, name, style, lx, ly, f);
        }
        out.push_str("</g>");
    } else {
        let ly = fr.y + fr.h - f.pad - legend.bottom_h + f.gap;
        flow_legend(out, items, fr.x + f.pad, ly, fr.w - 2.0 * f.pad, f);
    }
}

#[cfg(test)]
mod tests;
