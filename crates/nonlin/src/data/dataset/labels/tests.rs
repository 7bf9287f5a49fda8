use super::*;

fn encode(csv: &str, positive: Option<&str>) -> Result<EncodedTarget> {
    let t = Table::from_csv_bytes(csv.as_bytes(), "t.csv").unwrap();
    encode_target(&t, t.n_cols() - 1, positive)
}

fn pair(csv: &str) -> (String, String, Vec<f32>) {
    let e = encode(csv, None).unwrap();
    (
        e.labels.negative.to_string(),
        e.labels.positive.to_string(),
        e.y,
    )
}

#[test]
fn the_greater_value_is_positive() {
    assert_eq!(
        pair("y\n1\n0\n1\n"),
        ("0".into(), "1".into(), vec![1.0, 0.0, 1.0])
    );
    assert_eq!(pair("y\n1\n2\n").1, "2");
    assert_eq!(pair("y\n-1\n1\n").1, "1");
    assert_eq!(pair("y\n1.0\n0.0\n").1, "1");
    assert_eq!(pair("y\n2\n4\n").1, "4");
    assert_eq!(pair("y\n10\n9\n").1, "10"); // numerically, not as text
    assert_eq!(pair("y\nyes\nno\n").1, "yes");
    assert_eq!(pair("y\ntrue\nfalse\n").1, "true");
    assert_eq!(pair("y\nSI\nNO\n").1, "SI");
    assert_eq!(pair("y\nM\nB\n").1, "M");
}

#[test]
fn positive_can_be_named() {
    let e = encode("y\nM\nB\nM\n", Some("B")).unwrap();
    assert_eq!(e.y, [0.0, 1.0, 0.0]);
    assert_eq!(e.labels.positive, Label::Text("B".into()));
    let e = encode("y\n0\n1\n", Some("0.0")).unwrap();
    assert_eq!(e.y, [1.0, 0.0]);
    let err = encode("y\n0\n1\n1\n", Some("yes")).unwrap_err().to_string();
    assert!(
        err.contains("'yes'") && err.contains("'1' (2 rows), '0' (1 row)"),
        "{err}"
    );
}

#[test]
fn missing_targets_are_nan_and_counted() {
    let e = encode("y\n0\nNA\n1\n", None).unwrap();
    assert!(e.y[1].is_nan());
    assert_eq!(e.n_missing, 1);
}

#[test]
fn wrong_number_of_classes_lists_the_values() {
    let err = encode("y\n0\n1\n1\n2\n", None).unwrap_err().to_string();
    assert!(
        err.contains("line 5") && err.contains("binary target must hold 0 or 1"),
        "{err}"
    );
    assert!(
        err.contains("'1' (2 rows), '0' (1 row), '2' (1 row)"),
        "{err}"
    );
    let err = encode("y\nyes\nyes\n", None).unwrap_err().to_string();
    assert!(err.contains("single value: 'yes' (2 rows)"), "{err}");
}

#[test]
fn labels_serialize_as_numbers_or_text() {
    let l = BinaryLabels {
        negative: Label::Text("NO".into()),
        positive: Label::Text("SI".into()),
    };
    let j = serde_json::to_string(&l).unwrap();
    assert_eq!(j, r#"{"negative":"NO","positive":"SI"}"#);
    let back: BinaryLabels = serde_json::from_str(&j).unwrap();
    assert_eq!(back, l);
    let j = serde_json::to_string(&BinaryLabels::default()).unwrap();
    assert_eq!(j, r#"{"negative":0.0,"positive":1.0}"#);
}

fn auto(csv: &str) -> Result<EncodedTarget> {
    let t = Table::from_csv_bytes(csv.as_bytes(), "t.csv").unwrap();
    encode_target_with(&t, t.n_cols() - 1, &TargetOptions::default())
}

#[test]
fn auto_picks_the_task_from_the_values() {
    let e = auto("y\n1\n0\n1\n").unwrap();
    assert_eq!((e.task, e.note.is_none()), (Task::Binary, true));
    // Text: classes sorted as LabelEncoder sorts them.
    let e = auto("y\nb\nc\na\nb\n").unwrap();
    assert_eq!(e.task, Task::Multiclass);
    assert_eq!(e.y, [1.0, 2.0, 0.0, 1.0]);
    let names: Vec<String> = e.classes.iter().map(|l| l.to_string()).collect();
    assert_eq!(names, ["a", "b", "c"]);
    let note = e.note.unwrap().text_worded(&crate::error::TestFlags);
    assert!(
        note.contains("3 distinct text values") && note.contains("--task"),
        "{note}"
    );
    // Integers, numerically sorted (10 after 9).
    let e = auto("y\n10\n9\n1\n9\n").unwrap();
    assert_eq!(
        (e.task, e.y.clone()),
        (Task::Multiclass, vec![2.0, 1.0, 0.0, 1.0])
    );
    // Eleven integers, or fractions: a number.
    let many: String = (0..11).map(|i| format!("{i}\n")).collect();
    assert_eq!(auto(&format!("y\n{many}")).unwrap().task, Task::Regression);
    let e = auto("y\n1.5\n2\n3\nNA\n").unwrap();
    assert_eq!(e.task, Task::Regression);
    assert_eq!(&e.values[..3], [1.5, 2.0, 3.0]);
    assert!(e.values[3].is_nan() && e.y[3].is_nan());
}

#[test]
fn a_task_that_does_not_fit_the_target_is_refused() {
    let t = Table::from_csv_bytes(b"y\nb\nc\na\n", "t.csv").unwrap();
    let with = |task, positive| TargetOptions {
        task: Some(task),
        positive,
        ..TargetOptions::default()
    };
    let e = encode_target_with(&t, 0, &with(Task::Regression, None)).unwrap_err();
    let msg = e.worded(&crate::error::TestFlags);
    assert!(
        msg.contains("holds text") && msg.contains("--task multiclass"),
        "{msg}"
    );
    let e = encode_target_with(&t, 0, &with(Task::Multiclass, Some("a"))).unwrap_err();
    assert_eq!(e.field(), Some("positive"));
    let two = Table::from_csv_bytes(b"y\nb\na\n", "t.csv").unwrap();
    let e = encode_target_with(&two, 0, &with(Task::Multiclass, None)).unwrap_err();
    assert_eq!(e.field(), Some("task"));
    let e = encode_target_with(
        &t,
        0,
        &TargetOptions {
            max_classes: 2,
            ..with(Task::Multiclass, None)
        },
    )
    .unwrap_err();
    let msg = e.worded(&crate::error::TestFlags);
    assert!(
        msg.contains("holds 3 classes") && msg.contains("--max-classes"),
        "{msg}"
    );
}
