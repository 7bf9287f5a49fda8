//! `nonlin.study`: a cross-validation study of rows in memory, through the
//! library's study settings and run, its tables as text.

use super::{init_rng, Error, FitTarget, PosWeight, Solver};
use nonlin::data::{Dataset, Label};
use nonlin::run::{Cancel, ModelDef, Silent, StudySettings, TrainSettings};

/// A cross-validation study (`nonlin study`): models by name, the design,
/// and the training settings shared by every run, as given.
#[derive(Debug, Clone)]
pub struct StudySpec {
    /// `(name, hidden spec)`; an empty spec is a network without hidden layers.
    pub models: Option<Vec<(String, String)>>,
    pub repeats: usize,
    pub folds: usize,
    pub seed: u64,
    pub solver: Solver,
    /// PyTorch's weight decay, as `nonlin study --weight-decay`.
    pub weight_decay: f32,
    pub epochs: usize,
    pub batch_size: Option<usize>,
    pub torch_init: bool,
    pub pos_weight: Option<PosWeight>,
    pub baselines: bool,
}

/// A study's tables as CSV text (`study.csv`, `folds.csv`,
/// `comparisons.csv`), its Markdown report and the accuracy/MCC strip plot.
#[derive(Debug, Clone)]
pub struct StudyTables {
    /// `importance.csv`: pooled permutation importance per model and feature.
    pub importance_csv: String,
    pub summary_csv: String,
    pub folds_csv: String,
    pub comparisons_csv: String,
    pub markdown: String,
    pub plot_svg: String,
}

/// Runs `nonlin study` on raw row-major rows `x` (`n × d`, f64; the scaler
/// is fit on each training fold) with targets `y` of any task (binary 0/1,
/// class indices, or values).
pub fn study(
    x: Vec<f64>,
    y: FitTarget,
    features: Vec<String>,
    target: String,
    s: &StudySpec,
) -> Result<StudyTables, Error> {
    use nonlin::report::study as tables;
    let d = features.len();
    let settings = StudySettings {
        models: s
            .models
            .iter()
            .flatten()
            .map(|(name, spec)| ModelDef::spec(spec).named(name))
            .collect(),
        repeats: Some(s.repeats),
        folds: Some(s.folds),
        seed: Some(s.seed),
        init_rng: Some(init_rng(s.torch_init)),
        train: TrainSettings {
            epochs: Some(s.epochs),
            optimizer: s.solver.settings(s.weight_decay)?,
            batch_size: s.batch_size,
            pos_weight: s.pos_weight,
            ..TrainSettings::default()
        },
        baselines: Some(s.baselines),
        ..StudySettings::default()
    };
    let source = "Python arrays";
    let data = match y {
        FitTarget::Binary { y, .. } => Dataset::from_rows(source, features, &target, &x, y),
        FitTarget::Multiclass { y, k } => {
            let classes = (0..k).map(|c| Label::Number(c as f64)).collect();
            Dataset::from_rows_classes(source, features, &target, &x, y, classes)
        }
        FitTarget::Regression(values) => {
            Dataset::from_rows_values(source, features, &target, &x, values)
        }
    };
    let config = settings.config_for(d, data.outputs())?;
    let r = nonlin::run::study::run(&data, &config, &mut Silent, &Cancel::new())?;
    Ok(StudyTables {
        importance_csv: tables::importance_csv(&r),
        summary_csv: tables::summary_csv(&r),
        folds_csv: tables::folds_csv(&r),
        comparisons_csv: tables::comparisons_csv(&r),
        markdown: tables::to_markdown(&r),
        plot_svg: tables::accuracy_mcc_svg(&r, 900, 420),
    })
}
