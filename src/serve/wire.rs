//! Every JSON body and stream message the server sends, as typed structs:
//! the page reads these, and nothing else is written by hand. Stream
//! messages ([`Msg`]) carry their kind in `type`.

use super::limits::Limits;
use nonlin::data::{Note, Table};
use nonlin::eval::metrics::Confusion;
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

/// One epoch as the row the page plots: `[epoch, train_loss, train_acc,
/// test_loss, test_acc, train_correct, test_correct]` (losses as f32 widened
/// to f64, as `history.csv` prints them).
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct EpochRow(
    usize,
    f64,
    f64,
    Option<f64>,
    Option<f64>,
    usize,
    Option<usize>,
);

impl EpochRow {
    pub fn new(h: &History, r: &EpochRecord) -> EpochRow {
        EpochRow(
            r.epoch,
            r.train_loss as f64,
            percent(h.train_accuracy(r)),
            r.test_loss.map(f64::from),
            h.test_accuracy(r).map(percent),
            r.train_correct,
            r.test_correct,
        )
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

/// A network's results on the test split.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Scores {
    pub confusion: Counts,
    pub test_accuracy: f64,
    pub mcc: f64,
    pub roc_auc: f64,
}

impl Scores {
    pub fn new(c: &Confusion, roc_auc: f64) -> Scores {
        Scores {
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
    /// The data set the run trains on.
    Data {
        source: String,
        rows: usize,
        features: Vec<String>,
        positive: String,
        notes: Vec<Note>,
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
        accuracy: String,
        mcc: String,
        table: String,
        svg: String,
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

/// `GET /api/runs/{id}/decision`: the probability over a grid of two
/// features, and every row as a point `[x, y, label, is_test]`.
#[derive(Debug, Clone, Serialize)]
pub struct Decision {
    pub x: String,
    pub y: String,
    pub n: usize,
    pub x_range: [f64; 2],
    pub y_range: [f64; 2],
    pub probs: Vec<f64>,
    pub points: Vec<(f64, f64, f32, bool)>,
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

/// What `train` would make of a table with the page's choices.
#[derive(Debug, Clone, Serialize)]
pub struct Check {
    pub target: String,
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
