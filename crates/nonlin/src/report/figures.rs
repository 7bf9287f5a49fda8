//! The figures of a training run, built from its history after the loop
//! (plotting never slows training): accuracy and loss per epoch, ROC on the
//! test split, and the comparison across models.

use super::chart::{self, LineChart, Series};
use super::png::svg_to_png;
use crate::data::Samples;
use crate::error::{Error, Result};
use crate::eval::metrics::{roc_auc, roc_curve};
use crate::eval::predict::probabilities;
use crate::io::Staged;
use crate::train::history::percent;
use crate::train::History;
use crate::train::TrainedModel;

/// Pixel size of every PNG (and the SVG's user units).
pub const WIDTH: u32 = 1200;
pub const HEIGHT: u32 = 800;

/// One figure: file stem, caption and SVG text.
#[derive(Debug, Clone, PartialEq)]
pub struct Figure {
    pub stem: String,
    pub caption: String,
    pub svg: String,
}

fn epochs(h: &History) -> Vec<f64> {
    h.records.iter().map(|r| r.epoch as f64).collect()
}

/// The epochs with test figures (all of them, or none without a test set).
fn test_epochs(h: &History) -> Vec<f64> {
    h.records
        .iter()
        .filter(|r| r.test_correct.is_some())
        .map(|r| r.epoch as f64)
        .collect()
}

fn title(m: &TrainedModel, what: &str) -> String {
    format!("{} ({}): {what}", m.name, m.net.arch)
}

/// Train and test accuracy per epoch. The y axis runs 0–100 unless `zoom`.
pub fn accuracy_chart(m: &TrainedModel, zoom: bool) -> LineChart {
    let h = &m.history;
    LineChart {
        title: title(m, "accuracy"),
        x_label: "Epoch".into(),
        y_label: "Accuracy (%)".into(),
        x_range: None,
        y_range: if zoom { None } else { Some((0.0, 100.0)) },
        series: vec![
            Series {
                name: "train".into(),
                xs: epochs(h),
                ys: h
                    .records
                    .iter()
                    .map(|r| percent(h.train_accuracy(r)))
                    .collect(),
            },
            Series {
                name: "test".into(),
                xs: test_epochs(h),
                ys: h
                    .records
                    .iter()
                    .filter_map(|r| h.test_accuracy(r).map(percent))
                    .collect(),
            },
        ],
    }
}

/// Train and test loss per epoch (and validation loss when early stopping ran).
pub fn loss_chart(m: &TrainedModel) -> LineChart {
    let h = &m.history;
    let mut series = vec![
        Series {
            name: "train".into(),
            xs: epochs(h),
            ys: h.records.iter().map(|r| r.train_loss as f64).collect(),
        },
        Series {
            name: "test".into(),
            xs: test_epochs(h),
            ys: h
                .records
                .iter()
                .filter_map(|r| r.test_loss.map(f64::from))
                .collect(),
        },
    ];
    if h.records.iter().any(|r| r.val_loss.is_some()) {
        let ys = h
            .records
            .iter()
            .map(|r| r.val_loss.map_or(f64::NAN, |v| v as f64))
            .collect();
        series.push(Series {
            name: "validation".into(),
            xs: epochs(h),
            ys,
        });
    }
    LineChart {
        title: title(m, "BCE-with-logits loss"),
        x_label: "Epoch".into(),
        y_label: "Loss".into(),
        x_range: None,
        y_range: None,
        series,
    }
}

/// ROC curve of the final model on the test split, its AUC in the legend.
pub fn roc_figure(m: &TrainedModel, test: &Samples) -> (LineChart, f64) {
    let probs = probabilities(&m.net, &test.xt, test.n);
    let roc = roc_curve(&test.y, &probs);
    let auc = roc_auc(&test.y, &probs);
    let name = format!("{} (AUC {auc:.3})", m.name);
    (
        chart::roc_chart(
            &title(m, "ROC on the test split"),
            &[(name, roc.fpr, roc.tpr)],
        ),
        auc,
    )
}

/// Accuracy, loss and ROC figures of one model.
pub fn model_figures(m: &TrainedModel, test: &Samples, zoom: bool) -> Vec<Figure> {
    let (roc, auc) = roc_figure(m, test);
    vec![
        Figure {
            stem: "accuracy".into(),
            caption: format!("{}: train and test accuracy per epoch", m.name),
            svg: chart::line_chart_svg(&accuracy_chart(m, zoom), WIDTH, HEIGHT),
        },
        Figure {
            stem: "loss".into(),
            caption: format!("{}: train and test loss per epoch", m.name),
            svg: chart::line_chart_svg(&loss_chart(m), WIDTH, HEIGHT),
        },
        Figure {
            stem: "roc".into(),
            caption: format!(
                "{}: ROC curve of the final model on the test split (AUC {auc:.3})",
                m.name
            ),
            svg: chart::line_chart_svg(&roc, WIDTH, HEIGHT),
        },
    ]
}

/// Test accuracy of every model on one set of axes, and one panel per model
/// (train and test) like the tutorial's sequence of figures.
pub fn comparison_figures(models: &[TrainedModel], zoom: bool) -> Vec<Figure> {
    let series = models
        .iter()
        .map(|m| Series {
            name: format!("{} ({})", m.name, m.net.arch),
            xs: test_epochs(&m.history),
            ys: m
                .history
                .records
                .iter()
                .filter_map(|r| m.history.test_accuracy(r).map(percent))
                .collect(),
        })
        .collect();
    let cmp = LineChart {
        title: "Test accuracy per epoch".into(),
        x_label: "Epoch".into(),
        y_label: "Accuracy (%)".into(),
        x_range: None,
        y_range: if zoom { None } else { Some((0.0, 100.0)) },
        series,
    };
    let panels: Vec<LineChart> = models
        .iter()
        .map(|m| LineChart {
            title: m.name.clone(),
            ..accuracy_chart(m, zoom)
        })
        .collect();
    let columns = panels.len().clamp(1, 3);
    vec![
        Figure {
            stem: "comparison".into(),
            caption: "Test accuracy of every model per epoch".into(),
            svg: chart::line_chart_svg(&cmp, WIDTH, HEIGHT),
        },
        Figure {
            stem: "accuracy_panels".into(),
            caption: "Train and test accuracy, one panel per model".into(),
            svg: chart::small_multiples_svg(&panels, columns, WIDTH, HEIGHT),
        },
    ]
}

/// Stages `prefix + stem` `.svg` and `.png` for each `(prefix, figure)`.
/// PNGs are rendered in parallel; the staged order is the given order.
pub fn stage_figures(staged: &mut Staged, figures: &[(String, Figure)]) -> Result<()> {
    let pngs = render_pngs(figures);
    add_figures(staged, figures, pngs)
}

/// The PNG of each `(prefix, figure)`, rendered in parallel (each PNG's
/// bytes depend only on its figure).
pub fn render_pngs(figures: &[(String, Figure)]) -> Vec<Result<Vec<u8>>> {
    use rayon::prelude::*;
    figures
        .par_iter()
        .map(|(prefix, f)| {
            svg_to_png(&f.svg, WIDTH, HEIGHT)
                .map_err(|e| Error::Config(format!("could not render {prefix}{}.png: {e}", f.stem)))
        })
        .collect()
}

/// Stages `prefix + stem` `.svg` and the rendered `.png` (from
/// [`render_pngs`]) of each figure, in the given order.
pub fn add_figures(
    staged: &mut Staged,
    figures: &[(String, Figure)],
    pngs: Vec<Result<Vec<u8>>>,
) -> Result<()> {
    for ((prefix, f), png) in figures.iter().zip(pngs) {
        staged.add(format!("{prefix}{}.svg", f.stem), f.svg.clone());
        staged.add(format!("{prefix}{}.png", f.stem), png?);
    }
    Ok(())
}
