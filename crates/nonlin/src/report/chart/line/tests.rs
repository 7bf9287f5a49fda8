//! Tests of the line charts.

use super::*;
use crate::report::chart::style::CHANCE_STYLE;
use crate::report::chart::tests::{accuracy_chart, count_class, parse};

#[test]
fn line_chart_is_xml_with_one_element_per_series() {
    let chart = accuracy_chart(50);
    let svg = line_chart_svg(&chart, 1200, 800);
    let doc = parse(&svg);
    let series = count_class(&doc, "series");
    assert_eq!(series.len(), 3);
    let names: Vec<_> = series
        .iter()
        .map(|n| n.attribute("data-name").unwrap())
        .collect();
    assert_eq!(names, ["ReLU train", "ReLU test", "Sigmoid train"]);
    for s in &series {
        assert!(matches!(s.tag_name().name(), "path" | "polyline"));
    }
    // Every series differs from the others in color and dash pattern.
    let styles: Vec<_> = series
        .iter()
        .map(|n| (n.attribute("stroke"), n.attribute("stroke-dasharray")))
        .collect();
    for i in 0..styles.len() {
        for j in 0..i {
            assert_ne!(styles[i].0, styles[j].0);
            assert_ne!(styles[i].1, styles[j].1);
        }
    }
}

#[test]
fn text_is_escaped_and_present() {
    let mut chart = accuracy_chart(10);
    chart.x_label = "x <&> \"q\"".to_string();
    chart.series[0].name = "a<b & c".to_string();
    let svg = line_chart_svg(&chart, 1200, 800);
    assert!(svg.contains("Accuracy &lt;train&gt; &amp; test"));
    assert!(!svg.contains("<train>"));
    let doc = parse(&svg);
    let texts: Vec<String> = doc
        .descendants()
        .filter(|n| n.has_tag_name("text"))
        .filter_map(|n| n.text().map(str::to_string))
        .collect();
    assert!(
        texts.iter().any(|t| t == "Accuracy <train> & test"),
        "{texts:?}"
    );
    assert!(texts.iter().any(|t| t == "Epoch" || t == "x <&> \"q\""));
    assert!(texts.iter().any(|t| t == "x <&> \"q\""));
    assert!(texts.iter().any(|t| t == "Accuracy (%)"));
    assert!(
        texts.iter().any(|t| t == "a<b & c"),
        "legend shows the name"
    );
    assert!(count_class(&doc, "series")
        .iter()
        .any(|n| n.attribute("data-name") == Some("a<b & c")));
}

#[test]
fn accuracy_axis_has_round_ticks_from_0_to_100() {
    let svg = line_chart_svg(&accuracy_chart(30), 1200, 800);
    let doc = parse(&svg);
    let labels: Vec<&str> = doc
        .descendants()
        .filter(|n| n.has_tag_name("g") && n.attribute("class") == Some("y-axis"))
        .flat_map(|g| g.descendants().filter(|n| n.has_tag_name("text")))
        .filter(|n| n.attribute("class") != Some("axis-label"))
        .filter_map(|n| n.text())
        .collect();
    assert_eq!(labels.first(), Some(&"0"));
    assert_eq!(labels.last(), Some(&"100"));
    assert!(labels.len() >= 5 && labels.len() <= 11, "{labels:?}");
}

#[test]
fn degenerate_data_still_renders() {
    let chart = LineChart {
        title: String::new(),
        series: vec![
            Series {
                name: "empty".into(),
                xs: vec![],
                ys: vec![],
            },
            Series {
                name: "nan".into(),
                xs: vec![1.0, 2.0, 3.0],
                ys: vec![f64::NAN, 5.0, f64::INFINITY],
            },
        ],
        ..Default::default()
    };
    let svg = line_chart_svg(&chart, 600, 400);
    let doc = parse(&svg);
    assert_eq!(count_class(&doc, "series").len(), 2);
    assert!(!svg.contains("NaN") && !svg.contains("inf"));
}

#[test]
fn long_series_is_one_path_and_long_names_move_legend_below() {
    let mut chart = accuracy_chart(1000);
    chart.series.truncate(2);
    let svg = line_chart_svg(&chart, 1200, 800);
    let doc = parse(&svg);
    let s = count_class(&doc, "series");
    assert_eq!(s.len(), 2);
    assert_eq!(s[0].attribute("d").unwrap().matches('L').count(), 999);

    chart.series[0].name = "a very long series name that does not fit on the right side".into();
    let svg = line_chart_svg(&chart, 1200, 800);
    let doc = parse(&svg);
    let legend_y: f64 = count_class(&doc, "legend")[0]
        .descendants()
        .find(|n| n.has_tag_name("line"))
        .and_then(|n| n.attribute("y1"))
        .unwrap()
        .parse()
        .unwrap();
    assert!(
        legend_y > 700.0,
        "legend band at the bottom, got y={legend_y}"
    );
}

#[test]
fn clips_only_data_outside_a_fixed_range() {
    let clip_paths = |chart: &LineChart| {
        let svg = line_chart_svg(chart, 1200, 800);
        let doc = parse(&svg);
        let groups = count_class(&doc, "data");
        assert_eq!(groups.len(), 1);
        assert_eq!(
            groups[0]
                .descendants()
                .filter(|n| n.has_tag_name("path"))
                .count(),
            3
        );
        let clipped = groups[0].attribute("clip-path").is_some();
        assert_eq!(clipped, svg.contains("<clipPath"));
        clipped
    };
    let mut chart = accuracy_chart(100);
    assert!(!clip_paths(&chart), "every point inside 0–100");
    chart.series[1].ys[7] = 100.0;
    assert!(!clip_paths(&chart), "a point on the edge");
    chart.series[1].ys[7] = 100.5;
    assert!(clip_paths(&chart), "a point above the range");
    chart.series[1].ys[7] = 50.0;
    chart.x_range = Some((10.0, 50.0));
    assert!(clip_paths(&chart), "points left and right of the range");
}

#[test]
fn roc_chart_has_diagonal_and_unit_axes() {
    let chart = roc_chart(
        "ROC",
        &[(
            "MLP".into(),
            vec![0.0, 0.1, 0.4, 1.0],
            vec![0.0, 0.6, 0.9, 1.0],
        )],
    );
    assert_eq!(chart.x_range, Some((0.0, 1.0)));
    assert_eq!(chart.y_range, Some((0.0, 1.0)));
    assert_eq!(chart.series.len(), 2);
    assert_eq!(chart.series[1].name, CHANCE_SERIES_NAME);
    assert_eq!(chart.series[1].xs, chart.series[1].ys);
    let svg = line_chart_svg(&chart, 800, 800);
    let doc = parse(&svg);
    let s = count_class(&doc, "series");
    assert_eq!(s.len(), 2);
    assert_eq!(s[1].attribute("stroke"), Some(CHANCE_STYLE.color));
}
