//! Dataset → split → (imputer → one-hot encoder, fit on the training rows)
//! → scaler → f32 samples: everything between a CSV and the engine, in one
//! call with explicit options.

use super::samples::TargetValues;
use super::{
    Dataset, Note, Numbers, Preprocessing, Samples, Split, StandardScaler, TargetScale, Task,
};
use crate::error::{Error, Result};
use serde::Serialize;

/// Where the scaler's statistics come from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ScalingMode {
    /// Fit on the training rows only: no test statistics leak into training.
    TrainOnly,
    /// Fit on all rows before splitting, as the tutorial does (leaks the
    /// test set's mean and spread into the features).
    BeforeSplit,
    /// No scaling: the inputs are used as given (a scaler of mean 0 and
    /// scale 1, so every value is its f32 cast), as scikit-learn's
    /// `MLPClassifier` takes them.
    None,
}

impl ScalingMode {
    pub fn describe(self) -> &'static str {
        match self {
            ScalingMode::TrainOnly => "scaler fit on the training rows only",
            ScalingMode::BeforeSplit => {
                "scaler fit on all rows before the split (tutorial mode, --scale-before-split)"
            }
            ScalingMode::None => "inputs used as given (no scaling)",
        }
    }
}

/// How to split and scale.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PrepareOptions {
    /// Share of the rows held out as the test set (unless `test_set` is
    /// false).
    pub test_size: f64,
    pub split_seed: u32,
    pub stratify: bool,
    pub scaling: ScalingMode,
    /// `false`: no test set; every row trains, in order ([`Split::test`]
    /// empty; `test_size`, `split_seed` and `stratify` unused), as an
    /// estimator's `fit` does.
    #[serde(skip_serializing_if = "is_true")]
    pub test_set: bool,
}

fn is_true(b: &bool) -> bool {
    *b
}

impl PrepareOptions {
    /// Checks the settings; the error names the field.
    pub fn validate(&self) -> Result<()> {
        if !self.test_set {
            return Ok(());
        }
        super::split::test_count(1, self.test_size).map(|_| ())
    }
}

impl Default for PrepareOptions {
    /// The tutorial's split (`test_size=0.2, random_state=10`), leakage-free scaling.
    fn default() -> Self {
        PrepareOptions {
            test_size: 0.2,
            split_seed: 10,
            stratify: false,
            scaling: ScalingMode::TrainOnly,
            test_set: true,
        }
    }
}

/// Train and test samples with the scaler that produced them.
#[derive(Debug, Clone)]
pub struct Prepared {
    pub train: Samples,
    pub test: Samples,
    pub scaler: StandardScaler,
    pub split: Split,
    pub options: PrepareOptions,
    /// The model inputs: the feature columns, or, when some are one-hot
    /// encoded, `column=category` names ([`Preprocessing::input_names`]).
    pub features: Vec<String>,
    pub target: String,
    /// A regression target's standardization (fit on the training rows);
    /// `None` for classes.
    pub target_scale: Option<TargetScale>,
}

/// [`Prepared`] with the fitted preprocessing (what `predict` must apply
/// before the scaler) and what was noticed on the way.
#[derive(Debug, Clone)]
pub struct PreparedSplit {
    pub prepared: Prepared,
    pub preprocessing: Preprocessing,
    /// Constant inputs, categories of test rows unseen in training.
    pub notes: Vec<Note>,
}

/// Standardizes `rows` of the data set with `scaler`, cast to f32 (round to
/// nearest even, as `torch.from_numpy(x).float()`). For a plain data set
/// ([`Dataset::is_plain`]); [`prepare_split`] handles every kind.
pub fn scale_rows(data: &Dataset, scaler: &StandardScaler, rows: &[usize]) -> Samples {
    let (n, d) = (rows.len(), data.n_features());
    let mut xt = vec![0.0f32; n * d];
    for (j, col) in data.x.iter().enumerate() {
        scale_column(col, scaler, j, rows, &mut xt[j * n..(j + 1) * n]);
    }
    samples(xt, d, &data.y, rows)
}

/// Feature `j` of `rows`, standardized and cast to f32, into `out`: the
/// same arithmetic as [`super::transform::scaler::standardize_row`].
fn scale_column(col: &Numbers, scaler: &StandardScaler, j: usize, rows: &[usize], out: &mut [f32]) {
    let (m, s) = (scaler.mean[j], scaler.scale[j]);
    for (o, &r) in out.iter_mut().zip(rows) {
        *o = ((col.get(r) - m) / s) as f32;
    }
}

/// Samples of feature-major `xt` for `rows`, with their targets from `y`.
fn samples(xt: Vec<f32>, d: usize, y: &[f32], rows: &[usize]) -> Samples {
    Samples {
        n: rows.len(),
        d,
        xt,
        y: rows.iter().map(|&r| y[r]).collect(),
        rows: rows.to_vec(),
        target: None,
        weight: None,
    }
}

/// [`scale_rows`] on any row-major `x` of width `d` with targets `y`.
pub fn scale_matrix_rows(
    x: &[f64],
    d: usize,
    y: &[f32],
    scaler: &StandardScaler,
    rows: &[usize],
) -> Samples {
    // Written feature-major straight away (no row-major f32 copy).
    let n = rows.len();
    let mut xt = vec![0.0f32; n * d];
    let mut buf = vec![0.0f64; d];
    for (k, &r) in rows.iter().enumerate() {
        scaler.transform_row(&x[r * d..(r + 1) * d], &mut buf);
        for (j, &v) in buf.iter().enumerate() {
            xt[j * n + k] = v as f32;
        }
    }
    samples(xt, d, y, rows)
}

/// Splits, fits the scaler as `options.scaling` says, and scales both parts.
pub fn prepare(data: &Dataset, options: &PrepareOptions) -> Result<Prepared> {
    Ok(prepare_fitted(data, options)?.prepared)
}

/// [`prepare`], also returning the fitted preprocessing and notes.
pub fn prepare_fitted(data: &Dataset, options: &PrepareOptions) -> Result<PreparedSplit> {
    prepare_split(data, split_of(data, options)?, options)
}

/// [`prepare_fitted`] for a data set whose raw features are no longer
/// needed afterwards (a CLI run): on the numeric path each feature column
/// is freed as soon as it is scaled, so the raw values and the f32 samples
/// are never both whole in memory. `data.x` is then empty. Same results.
pub fn prepare_fitted_releasing(
    data: &mut Dataset,
    options: &PrepareOptions,
) -> Result<PreparedSplit> {
    let split = split_of(data, options)?;
    if !data.is_plain() {
        return prepare_split(data, split, options);
    }
    check_classes(data, &split)?;
    let x = std::mem::take(&mut data.x);
    fit_and_scale(data, Some(x), split, options)
}

/// The train/test split `options` ask for.
fn split_of(data: &Dataset, options: &PrepareOptions) -> Result<Split> {
    if !options.test_set {
        return Split::all(data.n_rows());
    }
    if options.stratify {
        if data.task == Task::Regression {
            return Err(Error::not_applicable(
                "stratify",
                format!(
                    "applies to a class target; the target '{}' is a number (regression), \
                     split at random",
                    data.target
                ),
            ));
        }
        Split::stratified(&data.y, options.test_size, options.split_seed)
    } else {
        Split::sklearn(data.n_rows(), options.test_size, options.split_seed)
    }
}

/// The numeric path: the scaler fit feature by feature on `fit_rows` and
/// both parts of `split` scaled, column by column. With `owned` (the data
/// set's columns, taken out of it) each column is freed once scaled.
fn scale_columns(
    data: &Dataset,
    mut owned: Option<Vec<Numbers>>,
    fit_rows: &[usize],
    split: &Split,
    scaling: ScalingMode,
) -> (StandardScaler, Samples, Samples) {
    // Fit on the training rows: their deviations from the fit are reused.
    let fit_on_train = fit_rows == split.train.as_slice();
    let d = data.n_features();
    let (ntr, nte) = (split.train.len(), split.test.len());
    // Zeroed pages are mapped as they are written: column by column.
    let (mut train_xt, mut test_xt) = (vec![0.0f32; ntr * d], vec![0.0f32; nte * d]);
    let mut scaler = StandardScaler::with_capacity(d, fit_rows.len());
    let fit_n = if scaling == ScalingMode::None {
        0
    } else {
        fit_rows.len()
    };
    let mut buf = vec![0.0f64; fit_n];
    for j in 0..d {
        let col = match &owned {
            Some(cols) => &cols[j],
            None => &data.x[j],
        };
        if scaling == ScalingMode::None {
            scaler.push_identity();
        } else {
            for (b, &r) in buf.iter_mut().zip(fit_rows) {
                *b = col.get(r);
            }
            scaler.push_column(&mut buf);
        }
        let train_j = &mut train_xt[j * ntr..(j + 1) * ntr];
        if fit_on_train && scaling != ScalingMode::None {
            // `buf` holds x − mean: the same f64s `scale_column` divides.
            let s = scaler.scale[j];
            for (o, &dev) in train_j.iter_mut().zip(&buf) {
                *o = (dev / s) as f32;
            }
        } else {
            scale_column(col, &scaler, j, &split.train, train_j);
        }
        scale_column(
            col,
            &scaler,
            j,
            &split.test,
            &mut test_xt[j * nte..(j + 1) * nte],
        );
        if let Some(cols) = &mut owned {
            cols[j] = Numbers::new();
        }
    }
    let train = samples(train_xt, d, &data.y, &split.train);
    let test = samples(test_xt, d, &data.y, &split.test);
    (scaler, train, test)
}

/// Fits the imputer, encoders and scaler on `split.train` (on all rows with
/// [`ScalingMode::BeforeSplit`]) and scales both parts: what `prepare` does
/// after splitting, and what a cross-validation fold needs (`options`'
/// split fields are only recorded).
pub fn prepare_split(
    data: &Dataset,
    split: Split,
    options: &PrepareOptions,
) -> Result<PreparedSplit> {
    check_classes(data, &split)?;
    fit_and_scale(data, None, split, options)
}

/// [`prepare_split`] after the class check; `owned` as in [`scale_columns`]
/// (only for a plain data set).
fn fit_and_scale(
    data: &Dataset,
    owned: Option<Vec<Numbers>>,
    split: Split,
    options: &PrepareOptions,
) -> Result<PreparedSplit> {
    let all: Vec<usize>;
    let fit_rows: &[usize] = match options.scaling {
        ScalingMode::TrainOnly | ScalingMode::None => &split.train,
        ScalingMode::BeforeSplit => {
            all = (0..data.n_rows()).collect();
            &all
        }
    };
    let mut notes = Vec::new();
    let (preprocessing, scaler, train, test) = if owned.is_some() || data.is_plain() {
        // The numeric path: the columns as they are, bit for bit as before.
        let (scaler, train, test) = scale_columns(data, owned, fit_rows, &split, options.scaling);
        (Preprocessing::identity(&data.features), scaler, train, test)
    } else {
        let pre = Preprocessing::fit(data, fit_rows)?;
        let (x, unseen) = pre.encode_dataset(data);
        let w = pre.width();
        for (c, rows) in pre.columns.iter().zip(&unseen) {
            if !rows.is_empty() {
                notes.push(Note::warning(
                    Some(&c.name),
                    format!(
                        "column '{}': {} test row(s) hold categories not seen in the training \
                         rows; they are encoded as all zeros",
                        c.name,
                        rows.len()
                    ),
                ));
            }
        }
        let scaler = match options.scaling {
            ScalingMode::None => StandardScaler::identity(w, fit_rows.len()),
            _ => StandardScaler::fit(&x, w, fit_rows),
        };
        let train = scale_matrix_rows(&x, w, &data.y, &scaler, &split.train);
        let test = scale_matrix_rows(&x, w, &data.y, &scaler, &split.test);
        (pre, scaler, train, test)
    };
    let features = preprocessing.input_names();
    check_scaler(data, &scaler, &features, &mut notes)?;
    let (mut train, mut test) = (train, test);
    let target_scale = (data.task == Task::Regression).then(|| {
        let scale = TargetScale::fit(&data.values, &split.train);
        for s in [&mut train, &mut test] {
            let (values, y) = TargetValues::of_rows(&data.values, &s.rows, scale);
            s.y = y;
            s.target = Some(values);
        }
        scale
    });
    Ok(PreparedSplit {
        prepared: Prepared {
            train,
            test,
            scaler,
            split,
            options: options.clone(),
            features,
            target: data.target.clone(),
            target_scale,
        },
        preprocessing,
        notes,
    })
}

/// Both parts of a split need both classes (binary); every class needs
/// two rows and a place in the training part (multiclass).
fn check_classes(data: &Dataset, split: &Split) -> Result<()> {
    match data.task {
        Task::Binary => check_two_classes(data, split),
        Task::Multiclass => check_many_classes(data, split),
        Task::Regression => Ok(()),
    }
}

fn check_two_classes(data: &Dataset, split: &Split) -> Result<()> {
    for (part, rows) in [("training", &split.train), ("test", &split.test)] {
        if rows.is_empty() && part == "test" {
            // No test set (`test_set = false`).
            continue;
        }
        let positives = rows.iter().filter(|&&r| data.y[r] == 1.0).count();
        if positives == 0 || positives == rows.len() {
            let label = if positives == 0 {
                &data.labels.negative
            } else {
                &data.labels.positive
            };
            return Err(Error::Data(format!(
                "{}: the split leaves only one class in the {part} part ({} rows, all '{label}' \
                 of target '{}'); both parts need both classes. Use {}, another {}, a larger \
                 {}, or more rows of the rarer class",
                data.source,
                rows.len(),
                data.target,
                crate::error::setting("stratify"),
                crate::error::setting("split_seed"),
                crate::error::setting("test_size")
            )));
        }
    }
    Ok(())
}

fn check_many_classes(data: &Dataset, split: &Split) -> Result<()> {
    let k = data.n_classes();
    let count = |rows: &[usize]| {
        let mut c = vec![0usize; k];
        for &r in rows {
            c[data.y[r] as usize] += 1;
        }
        c
    };
    let all = count(&(0..data.n_rows()).collect::<Vec<_>>());
    let train = count(&split.train);
    let with_test = !split.test.is_empty();
    for (c, (&n_all, &n_train)) in all.iter().zip(&train).enumerate() {
        let label = &data.classes[c];
        let rows = if n_all == 1 { "row" } else { "rows" };
        if with_test && n_all < 2 {
            return Err(Error::Data(format!(
                "{}: class '{label}' of target '{}' has {n_all} {rows}; a train/test split needs \
                 at least 2 rows of each class. Add rows of that class or leave them out",
                data.source, data.target
            )));
        }
        if n_train == 0 {
            return Err(Error::Data(format!(
                "{}: the split leaves no row of class '{label}' ({n_all} {rows} in all) of target \
                 '{}' in the training part; every class needs training rows. Use {}, another \
                 {}, or a smaller {}",
                data.source,
                data.target,
                crate::error::setting("stratify"),
                crate::error::setting("split_seed"),
                crate::error::setting("test_size")
            )));
        }
    }
    Ok(())
}

/// A statistic that overflowed (values near 1e200 square to infinity) is
/// an error naming the column; a constant input gets a warning.
fn check_scaler(
    data: &Dataset,
    scaler: &StandardScaler,
    inputs: &[String],
    notes: &mut Vec<Note>,
) -> Result<()> {
    for (j, name) in inputs.iter().enumerate() {
        let (m, s) = (scaler.mean[j], scaler.scale[j]);
        if !m.is_finite() || !s.is_finite() || !scaler.var[j].is_finite() {
            return Err(Error::Data(format!(
                "{}: column '{name}' cannot be standardized: its values are so large that \
                 their {} overflows to infinity (mean {m:e}, variance {:e}); rescale the \
                 column (e.g. divide it by a power of ten) or leave it out with {}",
                data.source,
                if m.is_finite() { "variance" } else { "sum" },
                scaler.var[j],
                crate::error::setting_value("drop", name)
            )));
        }
        if scaler.is_constant(j) {
            notes.push(Note::warning(
                Some(name),
                format!(
                    "'{name}' is constant on the rows the scaler was fit on (value {m}); it is \
                     kept with scale 1, as scikit-learn's StandardScaler does, but carries no \
                     information"
                ),
            ));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::data::dataset::DatasetOptions;
    use crate::data::Table;

    #[test]
    fn the_numeric_path_is_the_plain_scaler() {
        let data = Dataset::heart_failure();
        let f = prepare_fitted(&data, &PrepareOptions::default()).unwrap();
        let p = &f.prepared;
        let scaler = StandardScaler::fit_columns(&data.x, &p.split.train);
        assert_eq!(p.scaler, scaler);
        let again = scale_rows(&data, &scaler, &p.split.train);
        assert_eq!(p.train.xt, again.xt);
        assert!(f.preprocessing.is_identity());
        assert!(f.notes.is_empty());
        assert_eq!(p.features, data.features);
    }

    #[test]
    fn no_test_set_and_inputs_as_given() {
        let data = Dataset::heart_failure();
        let options = PrepareOptions {
            test_set: false,
            scaling: ScalingMode::None,
            ..PrepareOptions::default()
        };
        let f = prepare_fitted(&data, &options).unwrap();
        let p = &f.prepared;
        let n = data.n_rows();
        assert!(p.split.test.is_empty() && p.test.n == 0);
        assert_eq!(p.split.train, (0..n).collect::<Vec<_>>());
        assert_eq!(p.scaler.scale, vec![1.0; data.n_features()]);
        assert_eq!(p.scaler.mean, vec![0.0; data.n_features()]);
        for (j, col) in data.x.iter().enumerate() {
            for r in 0..n {
                assert_eq!(p.train.xt[j * n + r], col.get(r) as f32);
            }
        }
        assert!(f.notes.is_empty());
    }

    #[test]
    fn categorical_data_is_encoded_then_scaled() {
        let mut csv = String::from("sex,age,y\n");
        for i in 0..20 {
            let sex = ["M", "F", "X"][i % 3];
            csv.push_str(&format!("{sex},{},{}\n", 40 + i, i % 2));
        }
        let t = Table::from_csv_bytes(csv.as_bytes(), "t.csv").unwrap();
        let d = Dataset::from_table_with(&t, &DatasetOptions::new("y")).unwrap();
        let f = prepare_fitted(&d, &PrepareOptions::default()).unwrap();
        assert_eq!(f.prepared.features, ["sex=F", "sex=M", "sex=X", "age"]);
        assert_eq!(f.prepared.train.d, 4);
        assert_eq!(f.prepared.scaler.mean.len(), 4);
    }

    #[test]
    fn a_fold_fits_encoder_and_imputer_on_its_training_rows_only() {
        let mut csv = String::from("region,bmi,y\n");
        for i in 0..12 {
            let region = if i == 11 { "Island" } else { ["N", "S"][i % 2] };
            let bmi = if i == 10 {
                "NA".to_string()
            } else {
                (20 + i).to_string()
            };
            csv.push_str(&format!("{region},{bmi},{}\n", (i / 2) % 2));
        }
        let t = Table::from_csv_bytes(csv.as_bytes(), "t.csv").unwrap();
        let o = DatasetOptions {
            missing: crate::data::MissingPolicy::parse("mean").unwrap(),
            ..DatasetOptions::new("y")
        };
        let d = Dataset::from_table_with(&t, &o).unwrap();
        let split = Split {
            train: (0..9).collect(),
            test: vec![9, 10, 11],
        };
        let f = prepare_split(&d, split, &PrepareOptions::default()).unwrap();
        // 'Island' is only in the test fold: not a category, and counted.
        assert_eq!(f.prepared.features, ["region=N", "region=S", "bmi"]);
        assert!(f
            .notes
            .iter()
            .any(|n| n.text.contains("1 test row(s) hold categories")));
        // bmi's fill is the mean of the training rows 20..=28.
        let fill = &f.preprocessing.columns[1].fill;
        assert_eq!(
            *fill,
            Some(crate::data::transform::preprocessing::Fill::Number(24.0))
        );
    }

    #[test]
    fn overflowing_and_constant_columns() {
        let t = Table::from_csv_bytes(
            b"big,k,y\n1e200,1,0\n-1e200,1,1\n3e200,1,0\n-2e200,1,1\n5e200,1,0\n4e200,1,1\n",
            "t.csv",
        )
        .unwrap();
        let d = Dataset::from_table(&t, "y", &Default::default()).unwrap();
        let e = prepare(&d, &PrepareOptions::default())
            .unwrap_err()
            .to_string();
        assert!(e.contains("column 'big'") && e.contains("overflows"), "{e}");
        let d = Dataset::from_table(
            &t,
            "y",
            &crate::data::FeatureSelection::Only(vec!["k".into()]),
        )
        .unwrap();
        let f = prepare_fitted(&d, &PrepareOptions::default()).unwrap();
        assert_eq!(f.prepared.scaler.scale, [1.0]);
        assert!(f.notes[0].text.contains("'k' is constant"));
    }
}
