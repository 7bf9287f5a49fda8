//! Every JSON body and stream message the server sends, as typed structs:
//! the page reads these, and nothing else is written by hand. Stream
//! messages ([`Msg`]) carry their kind in `type`.

use super::limits::Limits;
use nonlin::data::{Note, Table, Task};
use nonlin::eval::metrics::Confusion;
use nonlin::eval::multiclass::MulticlassMetrics;
use nonlin::train::history::percent;
use nonlin::train::{EpochRecord, History};
use serde::Serialize;

/// A refused request, or a failed run: the form field at fault (the page
/// finds the control by it) and the message in the page's words.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ErrorBody {
    pub field: Option<String>,
    pub error: String,
}

/// One epoch as the row the page plots, the columns of `history.csv`
/// (losses as f32 widened to f64, as `history.csv` prints them):
/// classes `[epoch, train_loss, train_acc, test_loss, test_acc,
/// train_correct, test_correct]`; a regression target `[epoch, train_loss,
/// test_loss, train_rmse, test_rmse, test_mae, test_r2]` (the metrics in
/// the target's units).
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
#[serde(untagged)]
pub enum EpochRow {
    Classes(ClassRow),
    Regression(RegressionRow),
}

/// An epoch of a binary or multiclass run.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct ClassRow(
    usize,
    f64,
    f64,
    Option<f64>,
    Option<f64>,
    usize,
    Option<usize>,
);

/// An epoch of a regression run.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct RegressionRow(
    usize,
    f64,
    Option<f64>,
    Option<f64>,
    Option<f64>,
    Option<f64>,
    Option<f64>,
);

impl EpochRow {
    /// The row of `r`: a regression row when the record has the
    /// regression metrics.
    pub fn new(h: &History, r: &EpochRecord) -> EpochRow {
        if let Some(train) = r.train_fit {
            let test = r.test_fit;
            return EpochRow::Regression(RegressionRow(
                r.epoch,
                r.train_loss as f64,
                r.test_loss.map(f64::from),
                Some(train.rmse),
                test.map(|t| t.rmse),
                test.map(|t| t.mae),
                test.map(|t| t.r2),
            ));
        }
        EpochRow::Classes(ClassRow(
            r.epoch,
            r.train_loss as f64,
            percent(h.train_accuracy(r)),
            r.test_loss.map(f64::from),
            h.test_accuracy(r).map(percent),
            r.train_correct,
            r.test_correct,
        ))
    }
}

/// The confusion matrix's counts.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Counts {
    pub tp: usize,
    pub fp: usize,
    pub tn: usize,
    #[serde(rename = "fn")]
    pub fn_: usize,
}

/// A network's results on the test split, as its task measures them.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(untagged)]
pub enum Scores {
    Binary(BinaryScores),
    Multiclass(MulticlassScores),
    Regression(RegressionScores),
}

/// A binary classifier's results on the test split, at nonlin's threshold.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct BinaryScores {
    pub confusion: Counts,
    pub test_accuracy: f64,
    pub mcc: f64,
    pub roc_auc: f64,
}

impl BinaryScores {
    pub fn new(c: &Confusion, roc_auc: f64) -> BinaryScores {
        BinaryScores {
            confusion: Counts {
                tp: c.tp,
                fp: c.fp,
                tn: c.tn,
                fn_: c.fn_,
            },
            test_accuracy: c.accuracy(),
            mcc: c.mcc(),
            roc_auc,
        }
    }
}

/// A K-class classifier's results on the test split (the library's
/// [`MulticlassMetrics`]; a row's prediction is its most probable class).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct MulticlassScores {
    /// `K × K` counts: `confusion[t][p]` test rows of class `t` predicted
    /// as `p`, classes in index order.
    pub confusion: Vec<Vec<usize>>,
    pub test_accuracy: f64,
    pub balanced_accuracy: f64,
    pub macro_f1: f64,
    pub log_loss: f64,
}

impl MulticlassScores {
    pub fn new(m: MulticlassMetrics) -> MulticlassScores {
        MulticlassScores {
            test_accuracy: m.accuracy,
            balanced_accuracy: m.balanced_accuracy,
            macro_f1: m.macro_f1,
            log_loss: m.log_loss,
            confusion: m.confusion,
        }
    }
}

/// A regression's results on the test split, in the target's units.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RegressionScores {
    pub rmse: f64,
    pub mae: f64,
    /// scikit-learn's `r2_score` on the test rows (null when their target
    /// is constant).
    pub r2: f64,
    /// Predicted against actual, for at most [`FIT_POINTS`] test rows
    /// (every row, or every `⌈n / FIT_POINTS⌉`-th in split order).
    pub predicted: Vec<f64>,
    pub actual: Vec<f64>,
}

/// The most test rows a predicted-against-actual view carries.
pub const FIT_POINTS: usize = 1000;

/// Scores of a snapshot taken after `epoch`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct LiveScores {
    pub epoch: usize,
    #[serde(flatten)]
    pub scores: Scores,
}

/// A trained model at the end of a run.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ModelOutcome {
    pub model: String,
    pub arch: String,
    pub epochs: usize,
    #[serde(rename = "final")]
    pub last: Option<EpochRow>,
    #[serde(flatten)]
    pub scores: Scores,
}

/// A message of a run's or a study's event stream.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Msg {
    /// The run's id (for its controls, files and decision view).
    Run {
        id: u64,
    },
    /// The data set the run trains on: its task (as given or as `auto`
    /// chose it) and class labels in index order (none for regression).
    Data {
        source: String,
        rows: usize,
        features: Vec<String>,
        positive: String,
        notes: Vec<Note>,
        task: Task,
        classes: Vec<String>,
    },
    Started {
        kind: String,
        data: Vec<(String, String)>,
        settings: Vec<(String, String)>,
        training: String,
    },
    Model {
        model: String,
        arch: String,
        torch: String,
        epochs: usize,
    },
    /// A batch of epochs, with the live test-split results when taken.
    Epochs {
        model: String,
        rows: Vec<EpochRow>,
        #[serde(skip_serializing_if = "Option::is_none")]
        live: Option<LiveScores>,
    },
    Paused {
        epoch: usize,
    },
    ModelFinished {
        model: String,
        cancelled: bool,
    },
    Diverged {
        model: String,
        epoch: usize,
        error: String,
    },
    Progress {
        done: usize,
        total: usize,
    },
    Error {
        field: Option<String>,
        error: String,
    },
    Done {
        id: u64,
        cancelled: bool,
        features: Vec<String>,
        scaling: String,
        models: Vec<ModelOutcome>,
    },
    StudyStarted {
        runs: usize,
    },
    Study {
        #[serde(flatten)]
        sentences: StudySentences,
        table: String,
        svg: String,
    },
}

/// The sentences of a study's paired comparisons.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(untagged)]
pub enum StudySentences {
    /// A binary target: accuracy's and MCC's.
    Binary { accuracy: String, mcc: String },
    /// Another task: each compared metric (the main one first: accuracy,
    /// RMSE) as `[label, sentences]`.
    Task {
        task: Task,
        comparisons: Vec<(String, String)>,
    },
}

impl Msg {
    /// The message as the text of one stream event.
    pub fn text(&self) -> String {
        serde_json::to_string(self).unwrap_or_else(|e| {
            format!(r#"{{"type":"error","field":null,"error":"cannot encode a message: {e}"}}"#)
        })
    }
}

impl From<ErrorBody> for Msg {
    fn from(e: ErrorBody) -> Msg {
        Msg::Error {
            field: e.field,
            error: e.error,
        }
    }
}

/// `POST /api/runs/{id}/control`.
#[derive(Debug, Clone, Serialize)]
pub struct ControlAnswer {
    pub id: u64,
    pub action: String,
}

/// One staged file of a finished run.
#[derive(Debug, Clone, Serialize)]
pub struct FileEntry {
    pub name: String,
    pub bytes: usize,
}

/// `GET /api/runs/{id}/files`.
#[derive(Debug, Clone, Serialize)]
pub struct FileList {
    pub id: u64,
    pub files: Vec<FileEntry>,
}

/// `GET /api/runs/{id}/decision`: the classifier over a grid of two
/// features, and every row as a point `[x, y, class, is_test]` (binary:
/// the 0/1 target; multiclass: the class index).
#[derive(Debug, Clone, Serialize)]
pub struct Decision {
    pub x: String,
    pub y: String,
    pub n: usize,
    pub x_range: [f64; 2],
    pub y_range: [f64; 2],
    /// Per cell, row by row from the top: binary, P(positive); multiclass,
    /// the probability of the cell's predicted class (`class`).
    pub probs: Vec<f64>,
    /// Multiclass: per cell, the predicted class (the most probable; a tie
    /// goes to the lower index).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub class: Option<Vec<usize>>,
    /// Multiclass: the class labels in index order.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub classes: Option<Vec<String>>,
    pub points: Vec<(f64, f64, f32, bool)>,
    /// The epoch of the network shown.
    pub epoch: usize,
    /// Whether it is the finished run's model.
    #[serde(rename = "final")]
    pub finished: bool,
}

/// `GET /api/runs/{id}/curve`: a regression's prediction along one input,
/// the others held at their training medians.
#[derive(Debug, Clone, Serialize)]
pub struct Curve {
    /// The input, and its position among the run's inputs.
    pub feature: String,
    pub index: usize,
    pub target: String,
    /// The input's values, evenly spaced from its least to its greatest
    /// value over every row (train and test), in its units.
    pub x: Vec<f64>,
    /// The prediction at each, in the target's units.
    pub y: Vec<f64>,
    /// Every other input and the value it is held at: the median of the
    /// training rows (the mean of the middle two for an even count), in
    /// its units.
    pub held: Vec<(String, f64)>,
    /// The test rows as `[input value, actual target]`.
    pub points: Vec<(f64, f64)>,
    /// The epoch of the network shown.
    pub epoch: usize,
    /// Whether it is the finished run's model.
    #[serde(rename = "final")]
    pub finished: bool,
}

/// `GET /health`.
#[derive(Debug, Clone, Serialize)]
pub struct Health {
    pub status: &'static str,
    pub active_runs: usize,
}

/// An activation's parameter for the layer form.
#[derive(Debug, Clone, Serialize)]
pub struct ParamInfo {
    pub name: &'static str,
    pub default: f64,
}

/// An activation for the layer form.
#[derive(Debug, Clone, Serialize)]
pub struct ActivationEntry {
    pub name: &'static str,
    pub usage: String,
    pub help: &'static str,
    pub params: Vec<ParamInfo>,
}

/// One hidden layer as the form holds it.
#[derive(Debug, Clone, Serialize)]
pub struct LayerEntry {
    pub width: usize,
    pub activation: String,
}

/// A preset button: a model and its training, as form values.
#[derive(Debug, Clone, Serialize)]
pub struct PresetEntry {
    pub name: Option<String>,
    pub layers: Vec<LayerEntry>,
    pub optimizer: &'static str,
    pub lr: f64,
    pub epochs: usize,
    pub scaling: &'static str,
    pub seed: u64,
    pub init_rng: &'static str,
    pub batch_size: Option<usize>,
}

/// The form's first values: a run of the page's preset, each
/// optimizer's PyTorch defaults, and the study's repeats and folds.
#[derive(Debug, Clone, Serialize)]
pub struct FormDefaults {
    #[serde(flatten)]
    pub run: PresetEntry,
    pub momentum: f64,
    pub beta1: f64,
    pub beta2: f64,
    pub repeats: usize,
    pub folds: usize,
}

/// A table the page can train on.
#[derive(Debug, Clone, Serialize)]
pub struct TableInfo {
    pub id: String,
    pub source: String,
    pub columns: Vec<String>,
    pub rows: usize,
    pub target: String,
}

impl TableInfo {
    pub fn new(id: &str, t: &Table, target: &str) -> TableInfo {
        TableInfo {
            id: id.to_string(),
            source: t.source.clone(),
            columns: t.names(),
            rows: t.n_rows(),
            target: target.to_string(),
        }
    }
}

/// The page's first data choices (`nonlin serve --missing ...`).
#[derive(Debug, Clone, Serialize)]
pub struct PageOptions {
    pub missing: &'static str,
    pub positive: Option<String>,
    pub categorical: Vec<String>,
}

/// `GET /api/meta`: what the form needs.
#[derive(Debug, Clone, Serialize)]
pub struct Meta {
    pub version: &'static str,
    pub activations: Vec<ActivationEntry>,
    pub optimizers: &'static [&'static str],
    pub presets: Vec<PresetEntry>,
    pub defaults: FormDefaults,
    pub limits: Limits,
    pub data: TableInfo,
    pub heart: TableInfo,
    pub options: PageOptions,
}

/// What `train` would make of a table with the page's choices: the task
/// (as given or as `auto` chose it) and class labels in index order, when
/// the data set is made.
#[derive(Debug, Clone, Serialize)]
pub struct Check {
    pub target: String,
    pub task: Option<Task>,
    pub classes: Vec<String>,
    pub notes: Vec<Note>,
    /// The error `train` would stop with, if any.
    pub error: Option<ErrorBody>,
}

/// `POST /api/data`: the kept table and its check.
#[derive(Debug, Clone, Serialize)]
pub struct Upload {
    #[serde(flatten)]
    pub check: Check,
    pub columns: Vec<String>,
    pub rows: usize,
    pub source: String,
    pub id: String,
}
