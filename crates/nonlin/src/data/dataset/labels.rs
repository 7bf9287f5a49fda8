//! The target column → what the engine trains on, by task ([`Task`]):
//! - binary: 0/1 from any two distinct values, the positive class the
//!   greater of the two as scikit-learn's `LabelEncoder` sorts them
//!   (numbers by value, text by code point) unless named;
//! - multiclass: the class index, classes being the sorted labels (as
//!   `LabelEncoder` orders them);
//! - regression: the number itself.
//!
//! Without a task given, [`Task::auto`] chooses from the values.

use crate::data::notes::excerpt;
use crate::data::table::column::{Column, ColumnData, TextColumn, MISSING_CODE};
use crate::data::table::nonfinite_message;
use crate::data::{Note, Numbers, Table, Task};
use crate::error::{setting, setting_value, Error, Result};
use serde::{Deserialize, Serialize};
use std::cmp::Ordering;
use std::collections::HashMap;

/// One target value: a number (numeric column) or text.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum Label {
    Number(f64),
    Text(String),
}

impl std::fmt::Display for Label {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Label::Number(v) => write!(f, "{v}"),
            Label::Text(s) => f.write_str(s),
        }
    }
}

impl Label {
    fn cmp_sklearn(&self, other: &Label) -> Ordering {
        match (self, other) {
            (Label::Number(a), Label::Number(b)) => a.total_cmp(b),
            _ => self.to_string().cmp(&other.to_string()),
        }
    }
}

/// The two classes: `negative` is 0, `positive` is 1.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BinaryLabels {
    pub negative: Label,
    pub positive: Label,
}

impl Default for BinaryLabels {
    /// 0 and 1.
    fn default() -> Self {
        BinaryLabels {
            negative: Label::Number(0.0),
            positive: Label::Number(1.0),
        }
    }
}

impl BinaryLabels {
    /// The value of a predicted class: `positive` if true, else `negative`.
    pub fn of(&self, positive: bool) -> &Label {
        if positive {
            &self.positive
        } else {
            &self.negative
        }
    }
}

/// The target as the engine reads it, for the rows where it is present.
#[derive(Debug, Clone)]
pub struct EncodedTarget {
    pub task: Task,
    /// Per row: 0.0/1.0 (binary), the class index (multiclass) or the
    /// value as f32 (regression); NaN where the target is missing.
    pub y: Vec<f32>,
    /// Binary: which value is 0 and which is 1 (0 and 1 otherwise).
    pub labels: BinaryLabels,
    /// The class labels in index order (binary: negative, positive;
    /// regression: none).
    pub classes: Vec<Label>,
    /// Regression: the values in their units (NaN where missing); empty
    /// for classes.
    pub values: Vec<f64>,
    /// Rows whose target is missing.
    pub n_missing: usize,
    /// What `task = auto` chose, when it chose more than yes/no.
    pub note: Option<Note>,
}

/// How to read the target: the task (`None`: auto), the positive class of
/// a binary one, the most classes of a multiclass one.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct TargetOptions<'a> {
    pub task: Option<Task>,
    pub positive: Option<&'a str>,
    pub max_classes: usize,
}

impl Default for TargetOptions<'_> {
    fn default() -> Self {
        TargetOptions {
            task: None,
            positive: None,
            max_classes: Task::DEFAULT_MAX_CLASSES,
        }
    }
}

/// A distinct value with its count and first row.
struct Seen {
    label: Label,
    count: usize,
    first_row: usize,
}

/// Encodes column `col` of `table` as a binary target (the task given, so
/// any other number of classes is an error). `positive` names the positive
/// class (as written in the file); by default the greater value.
pub fn encode_target(table: &Table, col: usize, positive: Option<&str>) -> Result<EncodedTarget> {
    let options = TargetOptions {
        task: Some(Task::Binary),
        positive,
        ..TargetOptions::default()
    };
    encode_target_with(table, col, &options)
}

/// Encodes column `col` of `table` for the task `options` give, or the one
/// [`Task::auto`] picks from its values.
pub fn encode_target_with(
    table: &Table,
    col: usize,
    options: &TargetOptions,
) -> Result<EncodedTarget> {
    let column = &table.columns[col];
    if options.task == Some(Task::Regression) {
        return encode_numbers(table, column, None);
    }
    let (seen, code) = distinct_values(table, column)?;
    let text = matches!(column.data, ColumnData::Text(_));
    let task = match options.task {
        Some(task) => task,
        None if seen.len() < 2 => Task::Binary, // the error below names it
        None => {
            let integers = seen
                .iter()
                .all(|s| matches!(s.label, Label::Number(v) if v.fract() == 0.0));
            Task::auto(seen.len(), text, integers)
        }
    };
    if task != Task::Binary {
        if let Some(p) = options.positive {
            return Err(Error::not_applicable(
                "positive",
                format!(
                    "('{p}') applies to a binary target; the target '{}' is read as {task} ({} distinct values)",
                    column.name,
                    seen.len()
                ),
            ));
        }
    }
    match task {
        Task::Binary => encode_binary(table, column, seen, &code, options.positive),
        Task::Multiclass => {
            encode_classes(table, column, seen, &code, options, options.task.is_none())
        }
        Task::Regression => {
            let note = auto_note(&column.name, seen.len(), "numbers", "regression");
            encode_numbers(table, column, Some(note))
        }
    }
}

/// The note saying what `task = auto` chose and how to change it.
fn auto_note(name: &str, distinct: usize, what: &str, chosen: &str) -> Note {
    Note::info(
        None,
        format!(
            "the target '{name}' holds {distinct} distinct {what}: {chosen}; {} changes it",
            setting("task")
        ),
    )
}

fn encode_binary(
    table: &Table,
    column: &Column,
    seen: Vec<Seen>,
    code: &[u32],
    positive: Option<&str>,
) -> Result<EncodedTarget> {
    check_two_classes(table, &column.name, &seen)?;
    let pos = positive_index(table, &column.name, &seen, positive)?;
    let y = code
        .iter()
        .map(|&c| match c {
            MISSING_CODE => f32::NAN,
            c if c as usize == pos => 1.0,
            _ => 0.0,
        })
        .collect();
    let labels = BinaryLabels {
        negative: seen[1 - pos].label.clone(),
        positive: seen[pos].label.clone(),
    };
    Ok(EncodedTarget {
        task: Task::Binary,
        y,
        classes: vec![labels.negative.clone(), labels.positive.clone()],
        labels,
        values: Vec::new(),
        n_missing: column.n_missing,
        note: None,
    })
}

/// Class indices: the labels sorted as `LabelEncoder` sorts them.
fn encode_classes(
    table: &Table,
    column: &Column,
    mut seen: Vec<Seen>,
    code: &[u32],
    options: &TargetOptions,
    auto: bool,
) -> Result<EncodedTarget> {
    let (source, name, k) = (&table.source, &column.name, seen.len());
    if k < 3 {
        return Err(match k {
            2 => Error::not_applicable(
                "task",
                format!(
                    "multiclass needs three classes or more; the target '{name}' holds two ({}): use {} or {}",
                    listing(&seen),
                    setting_value("task", "binary"),
                    setting_value("task", "auto")
                ),
            ),
            _ => no_two_values(source, name, &seen),
        });
    }
    if k > options.max_classes {
        return Err(Error::Data(format!(
            "{source}: the target column '{name}' holds {k} classes, more than the {} a classifier takes by default ({}). Raise the limit with {}, or use {} if the target is a number",
            options.max_classes,
            listing(&seen),
            setting("max_classes"),
            setting_value("task", "regression")
        )));
    }
    // Index in first-appearance (or level) order → sorted index.
    let mut order: Vec<usize> = (0..k).collect();
    order.sort_by(|&a, &b| seen[a].label.cmp_sklearn(&seen[b].label));
    let mut rank = vec![0u32; k];
    for (sorted, &i) in order.iter().enumerate() {
        rank[i] = sorted as u32;
    }
    let y = code
        .iter()
        .map(|&c| match c {
            MISSING_CODE => f32::NAN,
            c => rank[c as usize] as f32,
        })
        .collect();
    let note = auto.then(|| {
        let what = if matches!(column.data, ColumnData::Text(_)) {
            "text values"
        } else {
            "integers"
        };
        auto_note(name, k, what, "multiclass classification")
    });
    let classes = order
        .iter()
        .map(|&i| std::mem::replace(&mut seen[i].label, Label::Number(0.0)))
        .collect();
    Ok(EncodedTarget {
        task: Task::Multiclass,
        y,
        labels: BinaryLabels::default(),
        classes,
        values: Vec::new(),
        n_missing: column.n_missing,
        note,
    })
}

/// A numeric target as it is (regression).
fn encode_numbers(table: &Table, column: &Column, note: Option<Note>) -> Result<EncodedTarget> {
    let v = match &column.data {
        ColumnData::Numeric(v) => v,
        ColumnData::Text(t) => {
            let (seen, _) = distinct_texts(t);
            let first = t.codes.iter().position(|&c| c != MISSING_CODE);
            let line = first.map_or(String::new(), |r| format!(", line {}", table.lines[r]));
            return Err(Error::Data(format!(
                "{}{line}: the target column '{}' holds text ({}); regression needs numbers. Use {} for a class label",
                table.source,
                column.name,
                listing(&seen),
                setting_value("task", "multiclass")
            )));
        }
    };
    if let Some((row, text)) = &column.first_nonfinite {
        return Err(Error::Cell {
            source_name: table.source.clone(),
            line: table.lines[*row],
            column: column.position + 1,
            column_name: column.name.clone(),
            message: nonfinite_message(text),
        });
    }
    let values: Vec<f64> = v.iter().collect();
    if values.iter().all(|x| x.is_nan()) {
        return Err(Error::Data(format!(
            "{}: the target column '{}' has no values (every cell is missing)",
            table.source, column.name
        )));
    }
    Ok(EncodedTarget {
        task: Task::Regression,
        y: values.iter().map(|&x| x as f32).collect(),
        labels: BinaryLabels::default(),
        classes: Vec::new(),
        values,
        n_missing: column.n_missing,
        note,
    })
}

/// The column's distinct values (in order of first appearance for numbers,
/// the interned levels for text) and each row's index into them
/// ([`MISSING_CODE`] for a missing cell).
fn distinct_values(table: &Table, column: &Column) -> Result<(Vec<Seen>, Vec<u32>)> {
    match &column.data {
        ColumnData::Numeric(v) => {
            if let Some((row, text)) = &column.first_nonfinite {
                return Err(Error::Cell {
                    source_name: table.source.clone(),
                    line: table.lines[*row],
                    column: column.position + 1,
                    column_name: column.name.clone(),
                    message: nonfinite_message(text),
                });
            }
            Ok(distinct_numbers(v))
        }
        ColumnData::Text(t) => Ok(distinct_texts(t)),
    }
}

/// [`distinct_values`] of a numeric column (-0 counted as 0).
fn distinct_numbers(v: &Numbers) -> (Vec<Seen>, Vec<u32>) {
    let mut seen: Vec<Seen> = Vec::new();
    let mut index: HashMap<u64, u32> = HashMap::new();
    let code = v
        .iter()
        .enumerate()
        .map(|(r, x)| {
            if x.is_nan() {
                return MISSING_CODE;
            }
            let x = x + 0.0; // -0 is 0
            let k = *index.entry(x.to_bits()).or_insert_with(|| {
                seen.push(Seen {
                    label: Label::Number(x),
                    count: 0,
                    first_row: r,
                });
                (seen.len() - 1) as u32
            });
            seen[k as usize].count += 1;
            k
        })
        .collect();
    (seen, code)
}

/// [`distinct_values`] of a text column: its levels, counted.
fn distinct_texts(t: &TextColumn) -> (Vec<Seen>, Vec<u32>) {
    let mut seen: Vec<Seen> = t
        .levels
        .iter()
        .map(|l| Seen {
            label: Label::Text(l.clone()),
            count: 0,
            first_row: usize::MAX,
        })
        .collect();
    for (r, &c) in t.codes.iter().enumerate() {
        if c != MISSING_CODE {
            let s = &mut seen[c as usize];
            s.count += 1;
            s.first_row = s.first_row.min(r);
        }
    }
    (seen, t.codes.clone())
}

/// The values, most frequent first, at most twelve: "'1' (203 rows), '0' (96 rows)".
fn listing(seen: &[Seen]) -> String {
    let mut by_count: Vec<&Seen> = seen.iter().collect();
    by_count.sort_by(|a, b| b.count.cmp(&a.count).then(a.label.cmp_sklearn(&b.label)));
    let shown: Vec<String> = by_count
        .iter()
        .take(12)
        .map(|s| {
            let rows = if s.count == 1 { "row" } else { "rows" };
            format!(
                "'{}' ({} {rows})",
                excerpt(&s.label.to_string(), 40),
                s.count
            )
        })
        .collect();
    let more = if seen.len() > 12 {
        format!(", … and {} more", seen.len() - 12)
    } else {
        String::new()
    };
    format!("{}{more}", shown.join(", "))
}

/// A binary target holds exactly two distinct values; else the error says
/// what it holds (and, for more than two, the line of the third).
fn check_two_classes(table: &Table, name: &str, seen: &[Seen]) -> Result<()> {
    let source = &table.source;
    match seen.len() {
        0 | 1 => Err(no_two_values(source, name, seen)),
        2 => Ok(()),
        n => {
            let mut firsts: Vec<usize> = seen.iter().map(|s| s.first_row).collect();
            firsts.sort_unstable();
            let line = table.lines[firsts[2]];
            Err(Error::Data(format!(
                "{source}, line {line}: a binary target must hold 0 or 1, or any two distinct \
                 values; the target column '{name}' holds {n}: {}. Use {} (or {}), or keep \
                 only the rows of two classes.",
                listing(seen),
                setting_value("task", "multiclass"),
                setting_value("task", "auto")
            )))
        }
    }
}

/// A target with no value, or a single one.
fn no_two_values(source: &str, name: &str, seen: &[Seen]) -> Error {
    Error::Data(match seen.len() {
        0 => format!("{source}: the target column '{name}' has no values (every cell is missing)"),
        _ => format!(
            "{source}: the target column '{name}' holds a single value: {}; a classifier needs \
             two classes",
            listing(seen)
        ),
    })
}

/// Which of the two values is class 1: the one named by `--positive`, or
/// the greater.
fn positive_index(
    table: &Table,
    name: &str,
    seen: &[Seen],
    positive: Option<&str>,
) -> Result<usize> {
    let greater = usize::from(seen[0].label.cmp_sklearn(&seen[1].label) == Ordering::Less);
    let Some(p) = positive else {
        return Ok(greater);
    };
    let p = p.trim();
    let matches = |l: &Label| match l {
        Label::Number(v) => p.parse::<f64>().is_ok_and(|q| q == *v),
        Label::Text(s) => s == p,
    };
    seen.iter().position(|s| matches(&s.label)).ok_or_else(|| {
        Error::Data(format!(
            "{}: {} '{p}' is not a value of the target column '{name}', which holds {}",
            table.source,
            crate::error::setting("positive"),
            listing(seen)
        ))
    })
}

#[cfg(test)]
mod tests;
