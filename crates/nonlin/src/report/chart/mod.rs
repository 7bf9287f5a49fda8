//! SVG charts written by hand: line charts, small multiples, ROC curves,
//! strip-plus-box plots, confusion-matrix heatmaps and scatter plots.
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
//!   individual value one `<circle class="point">`;
//! * each cell of a heatmap is one `<rect class="cell">` with its
//!   `data-true`/`data-predicted` indices and `data-count`;
//! * each point of a scatter plot is one `<circle class="point">`, each
//!   reference line one `<path class="reference" data-name="…">`.
//!
//! One concept a file: `svg` writing primitives, `text` font metrics,
//! `frame` figure sizes and title, `style` palette and dashes, `axis` tick
//! math and axis drawing, `legend`, `line` line charts (and ROC), `panels`
//! small multiples, `box_stats` quartiles and whiskers, `box_strip`
//! strip-plus-box plots, `heatmap` confusion matrices and `scatter`
//! scatter plots.

mod axis;
mod box_stats;
mod box_strip;
mod frame;
mod heatmap;
mod legend;
mod line;
mod panels;
mod scatter;
mod style;
mod svg;
mod text;

pub use box_stats::{box_stats, BoxStats};
pub use box_strip::{strip_box_svg, StripGroup};
pub use heatmap::{confusion_heatmap_svg, row_share, ConfusionHeatmap, PREDICTED_AXIS, TRUE_AXIS};
pub use line::{line_chart_svg, roc_chart, LineChart, Series};
pub use panels::small_multiples_svg;
pub use scatter::{scatter_svg, Reference, ScatterChart};
pub use style::CHANCE_SERIES_NAME;
pub use svg::{esc, FONT_FAMILY};

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

    pub(crate) fn parse(svg: &str) -> roxmltree::Document<'_> {
        roxmltree::Document::parse(svg).expect("chart SVG must be well-formed XML")
    }

    pub(crate) fn count_class<'a>(
        doc: &'a roxmltree::Document,
        class: &str,
    ) -> Vec<roxmltree::Node<'a, 'a>> {
        doc.descendants()
            .filter(|n| n.attribute("class") == Some(class))
            .collect()
    }
}
