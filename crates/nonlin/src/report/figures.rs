//! The figures of a training run, built from its history after the loop
//! (plotting never slows training), in the task's metrics:
//!
//! | task | per model | comparison (`compare`) |
//! |---|---|---|
//! | binary | accuracy, loss, ROC | test accuracy, accuracy panels |
//! | multiclass | accuracy, loss, confusion matrix, one-vs-rest ROC | test accuracy, accuracy panels |
//! | regression | loss, RMSE, predicted against actual, residuals | test RMSE, RMSE panels |
//!
//! Figures of the test split show the final model (with early stopping,
//! the restored weights) on [`FigureInputs::test`].

use super::chart::{self, ConfusionHeatmap, LineChart, Series};
use super::png::svg_to_png;
pub use super::regression_figures::{predicted_chart, residuals_chart, rmse_chart, MAX_POINTS};
use super::regression_figures::{regression_test_figures, rmse_comparison};
use crate::data::{Label, Samples, Task};
use crate::error::{Error, Result};
use crate::eval::metrics::{roc_auc, roc_curve};
use crate::eval::multiclass::{macro_ovr_auc, multiclass_metrics, ovr_roc_auc};
use crate::eval::predict::probabilities;
use crate::eval::summary::{class_probabilities, predicted_values};
use crate::io::Staged;
use crate::train::history::percent;
use crate::train::TrainedModel;
use crate::train::{ClassWeight, History, LossConfig, RegressionLoss};

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

pub(super) fn title(m: &TrainedModel, what: &str) -> String {
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

/// What a model's figures are drawn from besides the model itself.
#[derive(Debug, Clone, Copy)]
pub struct FigureInputs<'a> {
    /// Which figures: see the module's table.
    pub task: Task,
    /// The test split the final model is shown on.
    pub test: &'a Samples,
    /// Multiclass: the class labels in index order (the heatmap's and the
    /// ROC legend's names; class indices when there are none).
    pub classes: &'a [Label],
    /// The loss as trained (the loss chart's title).
    pub loss: &'a LossConfig,
    /// The target column's name (regression axis titles).
    pub target: &'a str,
    /// Accuracy axes follow the data instead of spanning 0–100%.
    pub zoom: bool,
}

/// The loss the history's losses are values of, as titles name it:
/// `BCE-with-logits loss` (binary); `cross-entropy loss` with its class
/// weights and label smoothing when set (multiclass); `MSE loss`,
/// `L1 loss` or `Huber loss (δ = …)` on the standardized target
/// (regression).
pub fn loss_title(task: Task, loss: &LossConfig) -> String {
    match task {
        Task::Binary => "BCE-with-logits loss".into(),
        Task::Multiclass => {
            let mut options = Vec::new();
            if loss.class_weight == ClassWeight::Balanced {
                options.push("balanced class weights".to_string());
            }
            if loss.label_smoothing != 0.0 {
                options.push(format!("label smoothing {}", loss.label_smoothing));
            }
            if options.is_empty() {
                "cross-entropy loss".into()
            } else {
                format!("cross-entropy loss ({})", options.join(", "))
            }
        }
        Task::Regression => {
            let name = match loss.regression.unwrap_or_default() {
                RegressionLoss::Mse => "MSE loss".to_string(),
                RegressionLoss::L1 => "L1 loss".to_string(),
                RegressionLoss::Huber { delta } => format!("Huber loss (δ = {delta})"),
            };
            format!("{name} on the standardized target")
        }
    }
}

/// Train and test loss per epoch (and validation loss when early stopping
/// ran), titled with `loss` ([`loss_title`]).
pub fn loss_chart(m: &TrainedModel, loss: &str) -> LineChart {
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
        title: title(m, loss),
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

/// The names of `k` classes: the labels, or the indices when the labels
/// do not name `k` classes.
fn class_names(classes: &[Label], k: usize) -> Vec<String> {
    if classes.len() == k {
        classes.iter().map(Label::to_string).collect()
    } else {
        (0..k).map(|c| c.to_string()).collect()
    }
}

/// An AUC for a legend or caption: three decimals, or "undefined" (a
/// class absent from the split, or the only one in it).
fn auc_text(auc: f64) -> String {
    if auc.is_nan() {
        "undefined".into()
    } else {
        format!("{auc:.3}")
    }
}

/// One-vs-rest ROC curves of the final model on the test split, one per
/// class (class `c` against the rest, scored by its softmax probability),
/// each class's AUC in the legend; with the macro AUC
/// ([`macro_ovr_auc`]).
pub fn ovr_roc_figure(
    m: &TrainedModel,
    test: &Samples,
    probs: &[f32],
    names: &[String],
) -> (LineChart, f64) {
    let k = names.len();
    let aucs = ovr_roc_auc(&test.y, probs, k);
    let curves: Vec<(String, Vec<f64>, Vec<f64>)> = names
        .iter()
        .zip(&aucs)
        .enumerate()
        .map(|(c, (name, &auc))| {
            let labels: Vec<f32> = test.y.iter().map(|&t| f32::from(t as usize == c)).collect();
            let scores: Vec<f32> = probs.chunks_exact(k).map(|row| row[c]).collect();
            let roc = roc_curve(&labels, &scores);
            (format!("{name} (AUC {})", auc_text(auc)), roc.fpr, roc.tpr)
        })
        .collect();
    (
        chart::roc_chart(&title(m, "one-vs-rest ROC on the test split"), &curves),
        macro_ovr_auc(&test.y, probs, k),
    )
}

fn line_figure(stem: &str, caption: String, chart: &LineChart) -> Figure {
    Figure {
        stem: stem.into(),
        caption,
        svg: chart::line_chart_svg(chart, WIDTH, HEIGHT),
    }
}

/// Every figure of one model, in the task's metrics (the module's table):
/// stems `accuracy`, `loss`, `roc` (binary); `accuracy`, `loss`,
/// `confusion`, `roc` (multiclass); `loss`, `rmse`, `predicted`,
/// `residuals` (regression). A multiclass or regression run without test
/// rows has no figures of the test split.
pub fn model_figures(m: &TrainedModel, inputs: &FigureInputs) -> Vec<Figure> {
    let loss = line_figure(
        "loss",
        format!("{}: train and test loss per epoch", m.name),
        &loss_chart(m, &loss_title(inputs.task, inputs.loss)),
    );
    let accuracy = || {
        line_figure(
            "accuracy",
            format!("{}: train and test accuracy per epoch", m.name),
            &accuracy_chart(m, inputs.zoom),
        )
    };
    let test = inputs.test;
    match inputs.task {
        Task::Binary => {
            let (roc, auc) = roc_figure(m, test);
            vec![
                accuracy(),
                loss,
                line_figure(
                    "roc",
                    format!(
                        "{}: ROC curve of the final model on the test split (AUC {auc:.3})",
                        m.name
                    ),
                    &roc,
                ),
            ]
        }
        Task::Multiclass => {
            let mut figs = vec![accuracy(), loss];
            if test.n > 0 {
                figs.extend(multiclass_test_figures(m, inputs));
            }
            figs
        }
        Task::Regression => {
            let mut figs = vec![
                loss,
                line_figure(
                    "rmse",
                    format!("{}: train and test RMSE per epoch", m.name),
                    &rmse_chart(m, inputs.target),
                ),
            ];
            if let Some(predicted) = predicted_values(&m.net, test).filter(|_| test.n > 0) {
                let actual = &test
                    .target
                    .as_ref()
                    .expect("predicted_values had a target")
                    .values;
                figs.extend(regression_test_figures(
                    m,
                    actual,
                    &predicted,
                    inputs.target,
                ));
            }
            figs
        }
    }
}

/// The confusion matrix and the one-vs-rest ROC curves of the final
/// model on the test split.
fn multiclass_test_figures(m: &TrainedModel, inputs: &FigureInputs) -> [Figure; 2] {
    let test = inputs.test;
    let k = m.net.arch.outputs();
    let names = class_names(inputs.classes, k);
    let probs = class_probabilities(&m.net, test);
    let metrics = multiclass_metrics(&test.y, &probs, k);
    let heatmap = ConfusionHeatmap {
        title: title(m, "confusion matrix on the test split"),
        classes: names.clone(),
        counts: metrics.confusion,
    };
    let (roc, macro_auc) = ovr_roc_figure(m, test, &probs, &names);
    [
        Figure {
            stem: "confusion".into(),
            caption: format!(
                "{}: confusion matrix of the final model on the test split (counts and shares of each true class; accuracy {:.2}%)",
                m.name,
                percent(metrics.accuracy)
            ),
            svg: chart::confusion_heatmap_svg(&heatmap, WIDTH, HEIGHT),
        },
        line_figure(
            "roc",
            format!(
                "{}: one-vs-rest ROC curves of the final model on the test split (macro AUC {})",
                m.name,
                auc_text(macro_auc)
            ),
            &roc,
        ),
    ]
}

/// The comparison of `compare`: the test metric of every model on one set
/// of axes, and one panel per model (train and test) like the tutorial's
/// sequence of figures — accuracy (stems `comparison`, `accuracy_panels`)
/// for a classifier, RMSE (`comparison`, `rmse_panels`) for regression.
pub fn comparison_figures(models: &[TrainedModel], inputs: &FigureInputs) -> Vec<Figure> {
    if inputs.task == Task::Regression {
        return rmse_comparison(models, inputs.target);
    }
    let zoom = inputs.zoom;
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
