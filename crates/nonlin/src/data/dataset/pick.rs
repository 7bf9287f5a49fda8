//! The steps of picking a data set out of a table, in order: the feature
//! columns and which are categorical, the target and the rows that have it,
//! each feature's values, the missing feature cells (refused, dropped or
//! left for the imputer), and a warning for identifier-like columns.

use super::feature_kind::{feature_values, looks_like_identifier, FeatureKind};
use super::feature_selection::select_features;
use super::labels::{encode_target_with, EncodedTarget, TargetOptions};
use super::{Dataset, DatasetOptions};
use crate::data::csv::cell::MISSING_TOKENS;
use crate::data::{ImputeStrategy, MissingPolicy, Note, Numbers, Table};
use crate::error::{Error, Result};

/// Everything but `x` and `lines`, where each feature column's values
/// are, and the table rows kept.
pub(super) fn pick(
    table: &Table,
    options: &DatasetOptions,
) -> Result<(Dataset, Vec<Source>, Vec<usize>)> {
    let target = options.target.as_str();
    let t = table.column_index(target)?;
    let feature_cols = select_features(table, t, &options.selection)?;
    let categorical = categorical_columns(table, t, &feature_cols, &options.categorical)?;
    let mut notes = table.notes();

    let target_options = TargetOptions {
        task: options.task,
        positive: options.positive.as_deref(),
        max_classes: options.max_classes,
    };
    let mut target_enc = encode_target_with(table, t, &target_options)?;
    notes.extend(target_enc.note.take());
    let mut rows = rows_with_target(table, target, &target_enc, &mut notes);

    let (kinds, mut columns) = feature_columns(
        table,
        &feature_cols,
        &rows,
        &categorical,
        options.max_categories,
    )?;
    let names: Vec<String> = feature_cols
        .iter()
        .map(|&c| table.columns[c].name.clone())
        .collect();

    let impute = missing_features(
        table,
        &names,
        options.missing,
        &mut columns,
        &mut rows,
        &mut notes,
    )?;
    if feature_cols.is_empty() {
        return Err(Error::Data(format!(
            "{}: no feature columns are left besides the target '{target}'",
            table.source
        )));
    }
    warn_identifiers(table, &names, &kinds, &columns, &mut notes);

    let data = Dataset {
        source: table.source.clone(),
        features: names,
        target: target.to_string(),
        x: Vec::new(),
        y: if rows.len() == target_enc.y.len() {
            std::mem::take(&mut target_enc.y)
        } else {
            rows.iter().map(|&r| target_enc.y[r]).collect()
        },
        task: target_enc.task,
        classes: target_enc.classes,
        values: if target_enc.values.is_empty() || rows.len() == target_enc.values.len() {
            target_enc.values
        } else {
            rows.iter().map(|&r| target_enc.values[r]).collect()
        },
        kinds,
        lines: Vec::new(),
        labels: target_enc.labels,
        impute,
        notes,
    };
    Ok((data, columns, rows))
}

/// The `--categorical` columns (file indexes), each checked to be one of
/// the features.
fn categorical_columns(
    table: &Table,
    t: usize,
    feature_cols: &[usize],
    names: &[String],
) -> Result<Vec<usize>> {
    names
        .iter()
        .map(|n| {
            let c = table.column_index(n)?;
            if c == t {
                return Err(Error::Config(format!(
                    "{}: '{n}' is the target; only features can be categorical",
                    crate::error::setting("categorical")
                )));
            }
            if !feature_cols.contains(&c) {
                return Err(Error::Config(format!(
                    "{}: '{n}' is not one of the features (it was left out)",
                    crate::error::setting("categorical")
                )));
            }
            Ok(c)
        })
        .collect()
}

/// The table rows whose target is present; the dropped ones are noted.
fn rows_with_target(
    table: &Table,
    target: &str,
    target_enc: &EncodedTarget,
    notes: &mut Vec<Note>,
) -> Vec<usize> {
    let rows: Vec<usize> = (0..table.n_rows())
        .filter(|&r| !target_enc.y[r].is_nan())
        .collect();
    if target_enc.n_missing > 0 {
        notes.push(Note::info(
            Some(target),
            format!(
                "dropped {} row(s) whose target '{target}' is missing ({})",
                target_enc.n_missing,
                lines_of(
                    table,
                    (0..table.n_rows()).filter(|&r| target_enc.y[r].is_nan())
                )
            ),
        ));
    }
    rows
}

/// Each feature's kind and where its values on `rows` are: a numeric
/// column of the table read in place when every row is kept, else computed.
fn feature_columns(
    table: &Table,
    feature_cols: &[usize],
    rows: &[usize],
    categorical: &[usize],
    max_categories: usize,
) -> Result<(Vec<FeatureKind>, Vec<Source>)> {
    let mut kinds = Vec::with_capacity(feature_cols.len());
    let mut columns = Vec::with_capacity(feature_cols.len());
    let all_rows = rows.len() == table.n_rows();
    for &c in feature_cols {
        let column = &table.columns[c];
        let categorical = categorical.contains(&c);
        if all_rows && column.is_numeric() && !categorical && column.first_nonfinite.is_none() {
            // Every row, as it is: read in place, not copied.
            kinds.push(FeatureKind::Numeric);
            columns.push(Source::Table(c));
            continue;
        }
        let (kind, values) = feature_values(table, c, rows, categorical, max_categories)?;
        kinds.push(kind);
        columns.push(Source::Owned(values));
    }
    Ok((kinds, columns))
}

/// Applies the missing-value policy to the feature cells: refuses, drops
/// the rows (from `columns` and `rows`), or returns the strategy that will
/// fill them in; noted either way.
fn missing_features(
    table: &Table,
    names: &[String],
    policy: MissingPolicy,
    columns: &mut [Source],
    rows: &mut Vec<usize>,
    notes: &mut Vec<Note>,
) -> Result<Option<ImputeStrategy>> {
    // Missing feature cells, per column (their indexes into `rows`).
    let missing: Vec<Vec<usize>> = columns.iter().map(|s| s.values(table).missing()).collect();
    let n_missing: usize = missing.iter().map(Vec::len).sum();
    if n_missing == 0 {
        return Ok(None);
    }
    let per_column = missing_per_column(table, names, &missing, rows);
    match policy {
        MissingPolicy::Error => Err(Error::Data(format!(
            "{}: {n_missing} missing value(s) in the features: {per_column}. Missing means an \
             empty cell or one of {}. Pass {} to drop those rows, or {} to fill them in \
             from the training rows.",
            table.source,
            MISSING_TOKENS[1..].join(", "),
            crate::error::setting_value("missing", "drop"),
            crate::error::setting_value("missing", "mean|median|most-frequent")
        ))),
        MissingPolicy::Drop => {
            let mut bad = vec![false; rows.len()];
            missing.iter().flatten().for_each(|&k| bad[k] = true);
            let n_bad = bad.iter().filter(|&&b| b).count();
            notes.push(Note::info(
                None,
                format!(
                    "dropped {n_bad} row(s) with missing features ({}): {per_column}",
                    crate::error::setting_value("missing", "drop")
                ),
            ));
            let keep: Vec<usize> = (0..rows.len()).filter(|&k| !bad[k]).collect();
            for s in columns.iter_mut() {
                let v = s.values(table);
                *s = Source::Owned(v.select(&keep));
            }
            *rows = keep.iter().map(|&k| rows[k]).collect();
            if rows.is_empty() {
                return Err(Error::Data(format!(
                    "{}: every row has a missing feature; {} leaves nothing",
                    table.source,
                    crate::error::setting_value("missing", "drop")
                )));
            }
            Ok(None)
        }
        MissingPolicy::Impute(s) => {
            notes.push(Note::info(
                None,
                format!(
                    "{n_missing} missing value(s) will be filled in with the training rows' {} \
                     (categorical columns: most frequent): {per_column}",
                    s.name()
                ),
            ));
            Ok(Some(s))
        }
    }
}

/// "'a' 2 (line 4, line 9), 'b' 1 (line 3)": the columns with missing
/// cells, each with its count and first lines.
fn missing_per_column(
    table: &Table,
    names: &[String],
    missing: &[Vec<usize>],
    rows: &[usize],
) -> String {
    names
        .iter()
        .zip(missing)
        .filter(|(_, m)| !m.is_empty())
        .map(|(n, m)| {
            format!(
                "'{n}' {} ({})",
                m.len(),
                lines_of(table, m.iter().map(|&k| rows[k]))
            )
        })
        .collect::<Vec<_>>()
        .join(", ")
}

/// Warns about numeric features that look like row identifiers.
fn warn_identifiers(
    table: &Table,
    names: &[String],
    kinds: &[FeatureKind],
    columns: &[Source],
    notes: &mut Vec<Note>,
) {
    for ((name, kind), s) in names.iter().zip(kinds).zip(columns) {
        if *kind == FeatureKind::Numeric && looks_like_identifier(s.values(table).iter()) {
            notes.push(Note::warning(
                Some(name),
                format!(
                    "column '{name}' looks like a row identifier (distinct integers in \
                     increasing order); it is used as a feature, which rarely helps: leave \
                     it out with {}",
                    crate::error::setting_value("drop", name)
                ),
            ));
        }
    }
}

/// Where a feature column's values (one per kept row) are.
pub(super) enum Source {
    /// A numeric column of the table, every row kept.
    Table(usize),
    /// Computed (categories' indexes, a subset of the rows).
    Owned(Numbers),
}

impl Source {
    fn values<'a>(&'a self, table: &'a Table) -> &'a Numbers {
        match self {
            Source::Owned(v) => v,
            Source::Table(c) => table_numbers(table, *c),
        }
    }
}

/// The numbers of column `c`, which [`pick`] found numeric.
pub(super) fn table_numbers(table: &Table, c: usize) -> &Numbers {
    table.columns[c]
        .numbers()
        .expect("only numeric columns are borrowed")
}

/// "line 4, line 9, line 12" for the first three rows, "… (7 in all)" after.
fn lines_of(table: &Table, rows: impl Iterator<Item = usize>) -> String {
    let rows: Vec<usize> = rows.collect();
    let shown: Vec<String> = rows
        .iter()
        .take(3)
        .map(|&r| format!("line {}", table.lines[r]))
        .collect();
    if rows.len() > 3 {
        format!("{}, …", shown.join(", "))
    } else {
        shown.join(", ")
    }
}
