//! `predict`: a saved model on new rows.

use crate::data::notes::name_list;
use crate::data::{Label, Note, ReadOptions, Table};
use crate::error::{Error, Result};
use crate::eval::predict::{Head, Predict, Predicted};
use crate::io::checkpoint::already_exists;
use crate::io::{write_atomic, Checkpoint};
use std::path::{Path, PathBuf};

/// Which model on which rows, and where the predictions go.
#[derive(Debug, Clone, PartialEq)]
pub struct PredictConfig {
    /// A `model.safetensors` written by nonlin.
    pub model: PathBuf,
    /// A CSV holding every raw feature column of the model (found by name;
    /// without a header row the columns are named `c0`, `c1`, …).
    pub data: PathBuf,
    /// How to read `data` (detected where left open, as for training).
    pub read: ReadOptions,
    /// Write the predictions here; `None`: the caller takes them.
    pub out: Option<PathBuf>,
    /// Replace an existing `out` (never an input file).
    pub force: bool,
    /// A binary model's decision threshold instead of the stored one:
    /// positive iff probability > threshold, in [0, 1).
    pub threshold: Option<f32>,
}

/// The predictions for every data row, in file order.
#[derive(Debug, Clone)]
pub struct Predictions {
    pub checkpoint: Checkpoint,
    /// What the model predicts for each row, per task: binary, P(target =
    /// positive label); multiclass, the class probabilities and the
    /// predicted class; regression, the value in the target's units.
    pub predicted: Predicted,
    /// Columns of the file the model does not use.
    pub ignored_columns: Vec<String>,
    /// How the file was read (when not a plain CSV), categories unseen in
    /// training and filled-in cells: each once, counted per column.
    pub notes: Vec<Note>,
}

impl Predictions {
    /// The number of rows predicted.
    pub fn len(&self) -> usize {
        self.predicted.len()
    }

    pub fn is_empty(&self) -> bool {
        self.predicted.is_empty()
    }

    /// The CSV of the predictions, `row` (the 1-based data row) first, then
    /// per task:
    ///
    /// * binary, `row,probability,label`: `probability` the float32
    ///   printed exactly (the probability of the positive label), `label`
    ///   the predicted target value;
    /// * multiclass, `row,p_<class>…,label`: one column per class in index
    ///   order, its float32 probability printed exactly, then the predicted
    ///   class (the largest logit's, the first on a tie: the prediction
    ///   training's accuracy counts);
    /// * regression, `row,prediction`: the value in the target's units, the
    ///   f64 printed exactly (shortest round trip).
    ///
    /// Labels are as the training data wrote them (`1`, `SI`, `class_0`,
    /// ...); a label or a `p_<class>` name is quoted when it holds a comma,
    /// a quote, a line break or surrounding spaces.
    pub fn to_csv(&self) -> String {
        let n = self.predicted.len();
        match &self.predicted {
            Predicted::Binary { probabilities } => {
                let labels = &self.checkpoint.labels;
                let [negative, positive] =
                    [&labels.negative, &labels.positive].map(|l| csv_field(&l.to_string()));
                let mut s = String::with_capacity(16 + n * 16);
                s.push_str("row,probability,label\n");
                for (i, &p) in probabilities.iter().enumerate() {
                    let label = if self.checkpoint.is_positive(p) {
                        &positive
                    } else {
                        &negative
                    };
                    s.push_str(&format!("{},{p},{label}\n", i + 1));
                }
                s
            }
            Predicted::Multiclass {
                k,
                probabilities,
                class_index,
            } => {
                let classes = self.checkpoint.head.classes();
                let labels: Vec<String> =
                    classes.iter().map(|c| csv_field(&c.to_string())).collect();
                let mut s = String::with_capacity(16 + n * (8 + 12 * k));
                s.push_str("row");
                for c in classes {
                    s.push(',');
                    s.push_str(&csv_field(&format!("p_{c}")));
                }
                s.push_str(",label\n");
                for (i, (row, &c)) in probabilities.chunks_exact(*k).zip(class_index).enumerate() {
                    s.push_str(&(i + 1).to_string());
                    for p in row {
                        s.push_str(&format!(",{p}"));
                    }
                    s.push_str(&format!(",{}\n", labels[c]));
                }
                s
            }
            Predicted::Regression { values } => {
                let mut s = String::with_capacity(16 + n * 24);
                s.push_str("row,prediction\n");
                for (i, v) in values.iter().enumerate() {
                    s.push_str(&format!("{},{v}\n", i + 1));
                }
                s
            }
        }
    }

    /// What the columns mean, e.g. `probability = P(outcome = 'SI'); label
    /// 'SI' when it is > 0.5, else 'NO'` (binary), `p_<class> = P(cultivar
    /// = <class>) for its 3 classes (class_0, class_1, class_2); label =
    /// the most probable class` (multiclass) or `prediction = the predicted
    /// progression, in its units: output · 77.1 + 152.1 (the training
    /// rows' scale and mean)` (regression).
    pub fn meaning(&self) -> String {
        let c = &self.checkpoint;
        match &c.head {
            Head::Binary => format!(
                "probability = P({} = '{}'); label '{}' when it is > {}, else '{}'",
                c.target, c.labels.positive, c.labels.positive, c.threshold, c.labels.negative
            ),
            Head::Multiclass { classes } => {
                let names: Vec<String> = classes.iter().map(Label::to_string).collect();
                format!(
                    "p_<class> = P({} = <class>) for its {} classes ({}); label = the most \
                     probable class (the first on a tie)",
                    c.target,
                    classes.len(),
                    name_list(&names, 10)
                )
            }
            Head::Regression { scale } => format!(
                "prediction = the predicted {}, in its units: output · {} + {} (the training \
                 rows' scale and mean)",
                c.target, scale.scale, scale.mean
            ),
        }
    }
}

/// Reads the model and the rows and predicts; with `out`, writes the CSV
/// there (atomically) too.
pub fn run(config: &PredictConfig) -> Result<Predictions> {
    if let Some(out) = &config.out {
        check_out(out, &[&config.model, &config.data], config.force)?;
    }
    let mut checkpoint = Checkpoint::read(&config.model)?;
    if let Some(t) = config.threshold {
        if checkpoint.head != Head::Binary {
            return Err(Error::not_applicable(
                "threshold",
                format!(
                    "applies to a binary model; '{}' is a {} model",
                    config.model.display(),
                    checkpoint.head.task()
                ),
            ));
        }
        if !(0.0..1.0).contains(&t) {
            return Err(Error::invalid(
                "threshold",
                format!("must be at least 0 and less than 1, got {t}"),
            ));
        }
        checkpoint.threshold = t;
    }
    let table = Table::from_path_with(&config.data, &config.read)?;
    if table.n_rows() == 0 {
        return Err(Error::Data(format!(
            "{}: there are no data rows after the header; nothing to predict",
            table.source
        )));
    }
    let used = checkpoint.preprocessing.column_names();
    let ignored_columns = table
        .names()
        .into_iter()
        .filter(|n| !used.contains(n))
        .collect();
    let mut notes = table.notes();
    let (predicted, applied) = checkpoint.predict_table(&table)?;
    notes.extend(applied);
    let p = Predictions {
        checkpoint,
        predicted,
        ignored_columns,
        notes,
    };
    if let Some(out) = &config.out {
        write_atomic(out, p.to_csv().as_bytes())?;
    }
    Ok(p)
}

/// A CSV field: as it is, or quoted (quotes doubled) when it holds a
/// delimiter, a quote, a line break or surrounding spaces.
fn csv_field(text: &str) -> String {
    let plain = !text.contains([',', '"', '\n', '\r']) && text.trim() == text;
    if plain {
        text.to_string()
    } else {
        format!("\"{}\"", text.replace('"', "\"\""))
    }
}

/// `out` may replace an existing file only with `force`, and never an input.
fn check_out(out: &Path, inputs: &[&Path], force: bool) -> Result<()> {
    if !out.exists() {
        return Ok(());
    }
    let same = |a: &Path, b: &Path| match (a.canonicalize(), b.canonicalize()) {
        (Ok(a), Ok(b)) => a == b,
        _ => false,
    };
    if let Some(input) = inputs.iter().find(|i| same(out, i)) {
        return Err(Error::invalid(
            "out",
            format!(
                "'{}' is the input file '{}'; choose another output",
                out.display(),
                input.display()
            ),
        ));
    }
    if !force {
        return Err(already_exists(out));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::data::{BinaryLabels, Preprocessing, TargetScale};
    use crate::eval::predict::DEFAULT_THRESHOLD;
    use crate::model::{Architecture, Network};

    fn predictions(spec: &str, head: Head, rows: &[f64]) -> Predictions {
        let net = Network::new(Architecture::parse_outputs(spec).unwrap(), 5);
        let features = vec!["x".to_string(), "z".to_string()];
        let checkpoint = Checkpoint {
            net,
            scaler_mean: vec![0.5, -1.0],
            scaler_scale: vec![2.0, 0.5],
            target: "y".into(),
            preprocessing: Preprocessing::identity(&features),
            features,
            head,
            labels: BinaryLabels::default(),
            threshold: DEFAULT_THRESHOLD,
            version: "0.1.0".into(),
        };
        let predicted = checkpoint.predict(rows).unwrap();
        Predictions {
            checkpoint,
            predicted,
            ignored_columns: Vec::new(),
            notes: Vec::new(),
        }
    }

    #[test]
    fn multiclass_columns_are_csv_safe_and_the_label_is_the_predicted_class() {
        let classes: Vec<Label> = ["a", "b, c", "say \"d\""]
            .map(|c| Label::Text(c.into()))
            .to_vec();
        let p = predictions(
            "2-4-tanh-3",
            Head::Multiclass {
                classes: classes.clone(),
            },
            &[1.0, 2.0, -3.0, 0.5, 0.0, 0.0],
        );
        let csv = p.to_csv();
        let mut lines = csv.lines();
        assert_eq!(
            lines.next().unwrap(),
            r#"row,p_a,"p_b, c","p_say ""d""",label"#
        );
        let Predicted::Multiclass {
            probabilities,
            class_index,
            ..
        } = &p.predicted
        else {
            panic!("{:?}", p.predicted);
        };
        let quoted = ["a", "\"b, c\"", "\"say \"\"d\"\"\""];
        for (i, line) in lines.enumerate() {
            let row = &probabilities[i * 3..i * 3 + 3];
            let want = format!(
                "{},{},{},{},{}",
                i + 1,
                row[0],
                row[1],
                row[2],
                quoted[class_index[i]]
            );
            assert_eq!(line, want);
        }
        assert_eq!(csv.lines().count(), 4);
        assert!(p
            .meaning()
            .contains("for its 3 classes (a, b, c, say \"d\")"));
    }

    #[test]
    fn regression_writes_the_prediction_in_units() {
        let scale = TargetScale {
            mean: 100.0,
            scale: 10.0,
        };
        let p = predictions(
            "2-4-tanh-1",
            Head::Regression { scale },
            &[1.0, 2.0, -3.0, 0.5],
        );
        let out = p.checkpoint.predict_logits(&[1.0, 2.0, -3.0, 0.5]).unwrap();
        let want = format!(
            "row,prediction\n1,{}\n2,{}\n",
            out[0] as f64 * 10.0 + 100.0,
            out[1] as f64 * 10.0 + 100.0
        );
        assert_eq!(p.to_csv(), want);
        assert_eq!(p.len(), 2);
        assert!(p.meaning().starts_with("prediction = the predicted y"));
    }
}
