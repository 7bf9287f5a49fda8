//! The regression figures: RMSE per epoch (one model, and every model of
//! a `compare`), predicted against actual on the test split with the
//! identity line, and residuals against predicted; in the target's units.

use super::chart::{self, LineChart, Reference, ScatterChart, Series};
use super::figures::{title, Figure, HEIGHT, WIDTH};
use crate::train::{History, TrainedModel};

/// At most this many test rows are drawn in a scatter plot; a larger
/// split shows every `⌈n / MAX_POINTS⌉`-th row.
pub const MAX_POINTS: usize = 5000;

/// "RMSE (target)", or "RMSE" for an unnamed target.
fn rmse_label(target: &str) -> String {
    if target.is_empty() {
        "RMSE".into()
    } else {
        format!("RMSE ({target})")
    }
}

/// The epochs with test metrics of a regression run.
fn test_fit_epochs(h: &History) -> Vec<f64> {
    h.records
        .iter()
        .filter(|r| r.test_fit.is_some())
        .map(|r| r.epoch as f64)
        .collect()
}

/// The test RMSE of each epoch that has one (as [`test_fit_epochs`]).
fn test_rmse(h: &History) -> Vec<f64> {
    h.records
        .iter()
        .filter_map(|r| r.test_fit.map(|f| f.rmse))
        .collect()
}

/// Train and test RMSE per epoch in the target's units (the history's
/// `train_fit` and `test_fit`).
pub fn rmse_chart(m: &TrainedModel, target: &str) -> LineChart {
    let h = &m.history;
    LineChart {
        title: title(m, "RMSE"),
        x_label: "Epoch".into(),
        y_label: rmse_label(target),
        x_range: None,
        y_range: None,
        series: vec![
            Series {
                name: "train".into(),
                xs: h
                    .records
                    .iter()
                    .filter(|r| r.train_fit.is_some())
                    .map(|r| r.epoch as f64)
                    .collect(),
                ys: h
                    .records
                    .iter()
                    .filter_map(|r| r.train_fit.map(|f| f.rmse))
                    .collect(),
            },
            Series {
                name: "test".into(),
                xs: test_fit_epochs(h),
                ys: test_rmse(h),
            },
        ],
    }
}

/// The stride of the rows a scatter plot of `n` rows shows.
fn point_stride(n: usize) -> usize {
    n.div_ceil(MAX_POINTS).max(1)
}

/// `(lo, hi)` of every finite value, padded by 5 % (1 each side when all
/// are equal); `None` without a finite value.
fn padded_range(values: impl Iterator<Item = f64>) -> Option<(f64, f64)> {
    let (lo, hi) = values
        .filter(|v| v.is_finite())
        .fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), v| {
            (lo.min(v), hi.max(v))
        });
    if lo > hi {
        return None;
    }
    let pad = if hi > lo { (hi - lo) * 0.05 } else { 1.0 };
    Some((lo - pad, hi + pad))
}

/// The name of the points of a scatter plot of `n` rows (thinned by
/// [`point_stride`]).
fn points_name(n: usize) -> String {
    match point_stride(n) {
        1 => format!("test rows (n = {n})"),
        s => format!("every {s}th of {n} test rows"),
    }
}

/// Predicted against actual values of the test split, in the target's
/// units, on equal axes with the identity line.
pub fn predicted_chart(
    m: &TrainedModel,
    actual: &[f64],
    predicted: &[f64],
    target: &str,
) -> ScatterChart {
    let stride = point_stride(actual.len());
    let range = padded_range(actual.iter().chain(predicted).copied());
    let of = |what: &str| {
        if target.is_empty() {
            what.to_string()
        } else {
            format!("{what} {target}")
        }
    };
    ScatterChart {
        title: title(m, "predicted against actual on the test split"),
        x_label: of("Actual"),
        y_label: of("Predicted"),
        x_range: range,
        y_range: range,
        name: points_name(actual.len()),
        xs: actual.iter().step_by(stride).copied().collect(),
        ys: predicted.iter().step_by(stride).copied().collect(),
        references: vec![("y = x (perfect prediction)".into(), Reference::Identity)],
    }
}

/// Residuals (actual − predicted) against predicted values of the test
/// split, with the zero line.
pub fn residuals_chart(
    m: &TrainedModel,
    actual: &[f64],
    predicted: &[f64],
    target: &str,
) -> ScatterChart {
    let stride = point_stride(actual.len());
    ScatterChart {
        title: title(m, "residuals on the test split"),
        x_label: if target.is_empty() {
            "Predicted".into()
        } else {
            format!("Predicted {target}")
        },
        y_label: "Residual (actual − predicted)".into(),
        x_range: None,
        y_range: None,
        name: points_name(actual.len()),
        xs: predicted.iter().step_by(stride).copied().collect(),
        ys: actual
            .iter()
            .zip(predicted)
            .step_by(stride)
            .map(|(a, p)| a - p)
            .collect(),
        references: vec![("zero residual".into(), Reference::Horizontal(0.0))],
    }
}

/// Predicted against actual, and residuals against predicted, of the
/// final model on the test split.
pub(super) fn regression_test_figures(
    m: &TrainedModel,
    actual: &[f64],
    predicted: &[f64],
    target: &str,
) -> [Figure; 2] {
    [
        Figure {
            stem: "predicted".into(),
            caption: format!(
                "{}: predicted against actual values of the final model on the test split",
                m.name
            ),
            svg: chart::scatter_svg(
                &predicted_chart(m, actual, predicted, target),
                WIDTH,
                HEIGHT,
            ),
        },
        Figure {
            stem: "residuals".into(),
            caption: format!(
                "{}: residuals (actual − predicted) against predicted values on the test split",
                m.name
            ),
            svg: chart::scatter_svg(
                &residuals_chart(m, actual, predicted, target),
                WIDTH,
                HEIGHT,
            ),
        },
    ]
}

/// [`comparison_figures`] of regression models: test RMSE.
pub(super) fn rmse_comparison(models: &[TrainedModel], target: &str) -> Vec<Figure> {
    let cmp = LineChart {
        title: "Test RMSE per epoch".into(),
        x_label: "Epoch".into(),
        y_label: rmse_label(target),
        x_range: None,
        y_range: None,
        series: models
            .iter()
            .map(|m| Series {
                name: format!("{} ({})", m.name, m.net.arch),
                xs: test_fit_epochs(&m.history),
                ys: test_rmse(&m.history),
            })
            .collect(),
    };
    let panels: Vec<LineChart> = models
        .iter()
        .map(|m| LineChart {
            title: m.name.clone(),
            ..rmse_chart(m, target)
        })
        .collect();
    let columns = panels.len().clamp(1, 3);
    vec![
        Figure {
            stem: "comparison".into(),
            caption: "Test RMSE of every model per epoch".into(),
            svg: chart::line_chart_svg(&cmp, WIDTH, HEIGHT),
        },
        Figure {
            stem: "rmse_panels".into(),
            caption: "Train and test RMSE, one panel per model".into(),
            svg: chart::small_multiples_svg(&panels, columns, WIDTH, HEIGHT),
        },
    ]
}
