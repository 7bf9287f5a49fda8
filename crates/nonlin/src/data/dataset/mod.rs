//! Features and a 0/1 target picked out of a [`Table`]: the feature columns
//! chosen ([`feature_selection`]), the target encoded ([`labels`]), each
//! feature's kind decided ([`feature_kind`]), rows with a missing target
//! dropped, missing features refused, dropped or left for the imputer, as
//! asked (the `pick` steps).

pub mod feature_kind;
pub mod feature_selection;
pub mod labels;
mod pick;

pub use feature_kind::{FeatureKind, MAX_CATEGORIES};
pub use feature_selection::FeatureSelection;
pub use labels::{BinaryLabels, Label, TargetOptions};

use crate::data::table::column::ColumnData;
use crate::data::{ImputeStrategy, MissingPolicy, Note, Numbers, Table, Task};
use crate::error::Result;
use pick::{table_numbers, Source};

/// How to turn a table into a data set. [`DatasetOptions::new`] gives the
/// defaults: every other column a feature, text columns categorical, missing
/// features an error, the greater target value positive.
#[derive(Debug, Clone, PartialEq)]
pub struct DatasetOptions {
    /// `--target`.
    pub target: String,
    /// `--features` / `--drop`.
    pub selection: FeatureSelection,
    /// `--categorical`: numeric columns to one-hot encode too.
    pub categorical: Vec<String>,
    /// `--missing`.
    pub missing: MissingPolicy,
    /// `--positive`: the target value that is class 1, as written in the file.
    pub positive: Option<String>,
    /// A categorical column with more distinct values is refused.
    pub max_categories: usize,
    /// `--task`: `None` picks it from the target's values ([`Task::auto`]).
    pub task: Option<Task>,
    /// A multiclass target with more classes is refused.
    pub max_classes: usize,
}

impl DatasetOptions {
    /// The defaults for this target.
    pub fn new(target: &str) -> DatasetOptions {
        DatasetOptions {
            target: target.to_string(),
            selection: FeatureSelection::All,
            categorical: Vec::new(),
            missing: MissingPolicy::Error,
            positive: None,
            max_categories: MAX_CATEGORIES,
            task: None,
            max_classes: Task::DEFAULT_MAX_CLASSES,
        }
    }
}

/// Raw (unscaled) features, one [`Numbers`] column per feature (exact, and
/// compact where that is exact), and the target as the task reads it
/// (0.0/1.0, a class index, or a number in `values`).
///
/// A numeric feature holds its numbers; a categorical one the index of the
/// row's category in its [`FeatureKind::Categorical`] levels. NaN marks a
/// missing cell (only with [`MissingPolicy::Impute`]). When every feature is
/// numeric and nothing is missing ([`Dataset::is_plain`]), `x` is what the
/// scaler sees; otherwise [`super::prepare()`] first imputes and one-hot
/// encodes it, fit on the training rows.
#[derive(Debug, Clone)]
pub struct Dataset {
    pub source: String,
    /// The feature columns, as named in the file.
    pub features: Vec<String>,
    pub target: String,
    /// The feature columns: `x[j].get(r)` is feature `j` of row `r`.
    pub x: Vec<Numbers>,
    /// 0.0/1.0 (binary), the class index (multiclass), the value as f32
    /// (regression: the engine trains on `values` standardized).
    pub y: Vec<f32>,
    pub task: Task,
    /// The class labels in index order (binary: negative, positive; none
    /// for regression).
    pub classes: Vec<Label>,
    /// Regression: the target's values in their units; empty for classes.
    pub values: Vec<f64>,
    /// Per feature: numeric or categorical (with its levels).
    pub kinds: Vec<FeatureKind>,
    /// The file line of each row.
    pub lines: Vec<u64>,
    /// A binary target's two values: which is 0 and which is 1.
    pub labels: BinaryLabels,
    /// How missing cells left in `x` are filled in, if any are.
    pub impute: Option<ImputeStrategy>,
    /// What was detected, dropped or looks wrong, in order.
    pub notes: Vec<Note>,
}

impl Dataset {
    pub fn n_rows(&self) -> usize {
        self.y.len()
    }

    pub fn n_features(&self) -> usize {
        self.features.len()
    }

    /// Feature `j` of row `r`.
    #[inline]
    pub fn value(&self, r: usize, j: usize) -> f64 {
        self.x[j].get(r)
    }

    /// The features of row `r`.
    pub fn row(&self, r: usize) -> Vec<f64> {
        self.x.iter().map(|c| c.get(r)).collect()
    }

    /// The number of classes (binary: 2; regression: 0).
    pub fn n_classes(&self) -> usize {
        self.classes.len()
    }

    /// The network's outputs for this target: K logits for K ≥ 3 classes,
    /// else one.
    pub fn outputs(&self) -> usize {
        match self.task {
            Task::Multiclass => self.classes.len(),
            Task::Binary | Task::Regression => 1,
        }
    }

    /// Number of rows with target 1.
    pub fn n_positive(&self) -> usize {
        self.y.iter().filter(|&&v| v == 1.0).count()
    }

    /// Whether every feature is numeric and no cell is missing: `x` then
    /// goes to the scaler as it is.
    pub fn is_plain(&self) -> bool {
        !self.kinds.iter().any(FeatureKind::is_categorical)
            && !self.x.iter().any(Numbers::has_missing)
    }

    /// A data set of numeric features already in memory: row-major `x`
    /// (`n × d`, `d = features.len()`) and 0/1 targets `y`; rows are
    /// numbered as lines 2, 3, … (as under a header) in messages.
    pub fn from_rows(
        source: &str,
        features: Vec<String>,
        target: &str,
        x: &[f64],
        y: Vec<f32>,
    ) -> Dataset {
        let d = features.len();
        let n = y.len();
        Dataset {
            source: source.to_string(),
            kinds: vec![FeatureKind::Numeric; d],
            x: (0..d)
                .map(|j| (0..n).map(|r| x[r * d + j]).collect())
                .collect(),
            features,
            target: target.to_string(),
            lines: (2..n as u64 + 2).collect(),
            y,
            task: Task::Binary,
            classes: vec![Label::Number(0.0), Label::Number(1.0)],
            values: Vec::new(),
            labels: BinaryLabels::default(),
            impute: None,
            notes: Vec::new(),
        }
    }

    /// [`Dataset::from_rows`] with a class target already encoded: `y`
    /// holds class indices `0..K` and `classes` the labels in index order
    /// (as scikit-learn's `LabelEncoder` sorts them). Two classes make a
    /// binary target (`classes` = negative, positive), more a multiclass one.
    pub fn from_rows_classes(
        source: &str,
        features: Vec<String>,
        target: &str,
        x: &[f64],
        y: Vec<f32>,
        classes: Vec<Label>,
    ) -> Dataset {
        let mut data = Dataset::from_rows(source, features, target, x, y);
        if let [negative, positive] = classes.as_slice() {
            data.labels = BinaryLabels {
                negative: negative.clone(),
                positive: positive.clone(),
            };
        } else {
            data.task = Task::Multiclass;
        }
        data.classes = classes;
        data
    }

    /// [`Dataset::from_rows`] with a regression target: the values in
    /// their units (the run standardizes them on its training rows).
    pub fn from_rows_values(
        source: &str,
        features: Vec<String>,
        target: &str,
        x: &[f64],
        values: Vec<f64>,
    ) -> Dataset {
        let y = values.iter().map(|&v| v as f32).collect();
        let mut data = Dataset::from_rows(source, features, target, x, y);
        data.task = Task::Regression;
        data.classes = Vec::new();
        data.values = values;
        data
    }

    /// The embedded Heart Failure data set: all 12 features, target `DEATH_EVENT`.
    pub fn heart_failure() -> Dataset {
        Dataset::from_table(
            &Table::heart_failure(),
            super::HEART_FAILURE_TARGET,
            &FeatureSelection::All,
        )
        .expect("the embedded data set has its target")
    }

    /// Picks the target and feature columns with the default options.
    pub fn from_table(
        table: &Table,
        target: &str,
        selection: &FeatureSelection,
    ) -> Result<Dataset> {
        let options = DatasetOptions {
            selection: selection.clone(),
            ..DatasetOptions::new(target)
        };
        Dataset::from_table_with(table, &options)
    }

    /// Picks the target and feature columns as `options` say.
    pub fn from_table_with(table: &Table, options: &DatasetOptions) -> Result<Dataset> {
        let (mut data, sources, rows) = pick::pick(table, options)?;
        data.lines = rows.iter().map(|&r| table.lines[r]).collect();
        data.x = sources
            .into_iter()
            .map(|s| match s {
                Source::Owned(v) => v,
                Source::Table(c) => table_numbers(table, c).clone(),
            })
            .collect();
        Ok(data)
    }

    /// [`Dataset::from_table_with`], taking the table: its numeric columns
    /// become the feature columns without a copy, so the peak memory is the
    /// table's.
    pub fn from_table_owned(mut table: Table, options: &DatasetOptions) -> Result<Dataset> {
        let (mut data, sources, rows) = pick::pick(&table, options)?;
        data.lines = if rows.len() == table.lines.len() {
            std::mem::take(&mut table.lines)
        } else {
            rows.iter().map(|&r| table.lines[r]).collect()
        };
        drop(rows);
        data.x = sources
            .into_iter()
            .map(|s| match s {
                Source::Owned(v) => v,
                Source::Table(c) => match &mut table.columns[c].data {
                    ColumnData::Numeric(v) => std::mem::take(v),
                    ColumnData::Text(_) => unreachable!("only numeric columns are borrowed"),
                },
            })
            .collect();
        Ok(data)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn table() -> Table {
        Table::from_csv_bytes(b"a,b,y,c\n1,2,0,3\n4,5,1,6\n", "t.csv").unwrap()
    }

    fn build(csv: &str, options: &DatasetOptions) -> Result<Dataset> {
        Dataset::from_table_with(&Table::from_csv_bytes(csv.as_bytes(), "t.csv")?, options)
    }

    #[test]
    fn selects_features_in_order() {
        let t = table();
        let all = Dataset::from_table(&t, "y", &FeatureSelection::All).unwrap();
        assert_eq!(all.features, ["a", "b", "c"]);
        assert_eq!(all.row(1), [4.0, 5.0, 6.0]);
        assert_eq!(all.y, [0.0, 1.0]);
        assert!(all.is_plain());
        let only = Dataset::from_table(
            &t,
            "y",
            &FeatureSelection::Only(vec!["c".into(), "a".into()]),
        )
        .unwrap();
        assert_eq!(only.row(0), [3.0, 1.0]);
        let drop = Dataset::from_table(&t, "y", &FeatureSelection::Drop(vec!["b".into()])).unwrap();
        assert_eq!(drop.features, ["a", "c"]);
        let e = Dataset::from_table(&t, "y", &FeatureSelection::Drop(vec!["y".into()]))
            .unwrap_err()
            .to_string();
        assert!(e.contains("is the target"), "{e}");
        let e = Dataset::from_table(&t, "y", &FeatureSelection::Drop(vec!["q".into()]))
            .unwrap_err()
            .to_string();
        assert!(e.contains("no column named 'q'"), "{e}");
    }

    #[test]
    fn rows_in_memory_with_classes_or_values() {
        let x = [1.0, 2.0, 3.0, 4.0, 5.0, 6.0];
        let f = || vec!["a".to_string(), "b".to_string()];
        let labels = |v: &[&str]| v.iter().map(|s| Label::Text(s.to_string())).collect();
        let three = Dataset::from_rows_classes(
            "m",
            f(),
            "y",
            &x,
            vec![2.0, 0.0, 1.0],
            labels(&["p", "q", "r"]),
        );
        assert_eq!(
            (three.task, three.outputs(), three.n_classes()),
            (Task::Multiclass, 3, 3)
        );
        assert_eq!(three.row(2), [5.0, 6.0]);
        let two = Dataset::from_rows_classes(
            "m",
            f(),
            "y",
            &x,
            vec![1.0, 0.0, 1.0],
            labels(&["no", "yes"]),
        );
        assert_eq!((two.task, two.outputs()), (Task::Binary, 1));
        assert_eq!(two.labels.positive, Label::Text("yes".into()));
        let values = Dataset::from_rows_values("m", f(), "y", &x, vec![0.5, -1.0, 1e10]);
        assert_eq!(
            (values.task, values.outputs(), values.n_classes()),
            (Task::Regression, 1, 0)
        );
        assert_eq!(values.values, [0.5, -1.0, 1e10]);
        assert_eq!(values.y, [0.5, -1.0, 1e10f32]);
    }

    #[test]
    fn missing_target_lists_columns() {
        let err = Dataset::from_table(&table(), "z", &FeatureSelection::All)
            .unwrap_err()
            .to_string();
        assert!(
            err.contains("no column named 'z'") && err.contains("a, b, y, c"),
            "{err}"
        );
    }

    #[test]
    fn non_binary_target_is_rejected_with_its_line_when_binary_is_asked() {
        let t = Table::from_csv_bytes(b"a,y\n1,0\n2,2\n3,4\n", "t.csv").unwrap();
        let auto = Dataset::from_table(&t, "y", &FeatureSelection::All).unwrap();
        assert_eq!(
            (auto.task, auto.n_classes(), auto.outputs()),
            (Task::Multiclass, 3, 3)
        );
        let binary = DatasetOptions {
            task: Some(Task::Binary),
            ..DatasetOptions::new("y")
        };
        let err = Dataset::from_table_with(&t, &binary)
            .unwrap_err()
            .to_string();
        assert!(
            err.contains("line 4") && err.contains("'2' (1 row)"),
            "{err}"
        );
    }

    #[test]
    fn text_features_and_labels() {
        let csv = "sex,age,y\nM,50,yes\nF,60,no\nM,70,no\nF,80,yes\n";
        let d = build(csv, &DatasetOptions::new("y")).unwrap();
        assert_eq!(
            d.kinds[0],
            FeatureKind::Categorical {
                levels: vec!["F".into(), "M".into()]
            }
        );
        assert_eq!(d.row(0), [1.0, 50.0]);
        assert_eq!(d.y, [1.0, 0.0, 0.0, 1.0]);
        assert!(!d.is_plain());
    }

    #[test]
    fn missing_values_error_drop_or_impute() {
        let csv = "a,b,y\n1,,0\n2,3,1\nNA,4,NA\n5,6,1\n?,7,0\n";
        let e = build(csv, &DatasetOptions::new("y"))
            .unwrap_err()
            .worded(&crate::error::TestFlags);
        assert!(e.contains("2 missing value(s)"), "{e}");
        assert!(
            e.contains("'a' 1 (line 6)") && e.contains("'b' 1 (line 2)"),
            "{e}"
        );
        assert!(e.contains("--missing drop"), "{e}");
        let o = DatasetOptions {
            missing: MissingPolicy::Drop,
            ..DatasetOptions::new("y")
        };
        let d = build(csv, &o).unwrap();
        assert_eq!(d.lines, [3, 5]);
        assert!(d
            .notes
            .iter()
            .any(|n| n.text.contains("target 'y' is missing (line 4)")));
        let o = DatasetOptions {
            missing: MissingPolicy::Impute(ImputeStrategy::Mean),
            ..DatasetOptions::new("y")
        };
        let d = build(csv, &o).unwrap();
        assert_eq!(d.n_rows(), 4);
        assert!(d.row(0)[1].is_nan());
        assert_eq!(d.impute, Some(ImputeStrategy::Mean));
    }

    #[test]
    fn owning_the_table_gives_the_same_data_set() {
        let drop = DatasetOptions {
            missing: MissingPolicy::Drop,
            ..DatasetOptions::new("y")
        };
        let cases = [
            ("a,b,y\n1,2,0\n3,4,1\n5,6,0\n", DatasetOptions::new("y")),
            ("a,b,y\n1,,0\n2,3,1\nNA,4,NA\n5,6,1\n?,7,0\n", drop),
            (
                "sex,age,y\nM,50,yes\nF,60,no\nM,70,no\nF,80,yes\n",
                DatasetOptions::new("y"),
            ),
        ];
        for (csv, o) in cases {
            let t = Table::from_csv_bytes(csv.as_bytes(), "t.csv").unwrap();
            let borrowed = Dataset::from_table_with(&t, &o).unwrap();
            let owned = Dataset::from_table_owned(t, &o).unwrap();
            assert_eq!(format!("{borrowed:?}"), format!("{owned:?}"), "{csv}");
        }
    }

    #[test]
    fn identifier_columns_are_warned_about() {
        let csv = "id,a,y\n1,5,0\n2,3,1\n3,4,0\n7,1,1\n";
        let d = build(csv, &DatasetOptions::new("y")).unwrap();
        assert!(d.notes.iter().any(|n| n
            .text_worded(&crate::error::TestFlags)
            .contains("--drop id")));
        assert!(!d.notes.iter().any(|n| n.column.as_deref() == Some("a")));
    }

    #[test]
    fn categorical_option_is_checked() {
        let csv = "g,a,y\n1,5,0\n2,3,1\n1,4,0\n2,1,1\n";
        let o = DatasetOptions {
            categorical: vec!["g".into()],
            ..DatasetOptions::new("y")
        };
        let d = build(csv, &o).unwrap();
        assert!(d.kinds[0].is_categorical());
        let o = DatasetOptions {
            categorical: vec!["y".into()],
            ..DatasetOptions::new("y")
        };
        assert!(build(csv, &o)
            .unwrap_err()
            .to_string()
            .contains("is the target"));
    }
}
