//! Small multiples: several line charts in a grid sharing one legend and
//! one style per series name.

use super::frame::{Fonts, Frame};
use super::legend::flow_legend;
use super::line::{line_panel, LineChart};
use super::style::{series_styles, Style};
use super::svg::document;
use std::fmt::Write as _;

/// Several line charts in a grid of `columns` columns (rows as needed), all
/// in one SVG document. Series with the same name get the same color and
/// dash pattern in every panel, and one shared legend sits in a band at the
/// top of the figure.
pub fn small_multiples_svg(
    panels: &[LineChart],
    columns: usize,
    width: u32,
    height: u32,
) -> String {
    let (w, h) = (width.max(1) as f64, height.max(1) as f64);
    let columns = columns.clamp(1, panels.len().max(1));
    let rows = panels.len().div_ceil(columns).max(1);
    let f = Fonts::new((w / 1200.0).min(h / 800.0) * 0.85);

    // Shared legend: every distinct series name, in order of appearance.
    let mut names: Vec<&str> = Vec::new();
    for s in panels.iter().flat_map(|p| &p.series) {
        if !names.contains(&s.name.as_str()) {
            names.push(&s.name);
        }
    }
    let key_styles = series_styles(names.iter().copied(), None);
    let mut body = String::new();
    let legend_h = if names.is_empty() {
        0.0
    } else {
        let items: Vec<(&str, Style)> = names
            .iter()
            .copied()
            .zip(key_styles.iter().copied())
            .collect();
        flow_legend(&mut body, &items, f.pad, f.pad, w - 2.0 * f.pad, &f) + f.pad
    };

    let grid_y = legend_h;
    let cell_w = w / columns as f64;
    let cell_h = (h - grid_y) / rows as f64;
    for (i, panel) in panels.iter().enumerate() {
        let (r, c) = (i / columns, i % columns);
        let styles = series_styles(
            panel.series.iter().map(|s| s.name.as_str()),
            Some((&names, &key_styles)),
        );
        let _ = write!(body, r#"<g class="panel">"#);
        line_panel(
            &mut body,
            panel,
            Frame {
                x: c as f64 * cell_w,
                y: grid_y + r as f64 * cell_h,
                w: cell_w,
                h: cell_h,
            },
            &f,
            false,
            &styles,
            &format!("p{i}"),
        );
        body.push_str("</g>");
    }
    let title = panels
        .iter()
        .map(|p| p.title.as_str())
        .collect::<Vec<_>>()
        .join("; ");
    document(width, height, &title, &body)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::chart::tests::{accuracy_chart, count_class, parse};

    #[test]
    fn small_multiples_share_styles_by_name() {
        let a = accuracy_chart(20);
        let mut b = accuracy_chart(20);
        b.series.reverse();
        b.title = "second".into();
        let c = accuracy_chart(5);
        let svg = small_multiples_svg(&[a, b, c], 2, 1200, 800);
        let doc = parse(&svg);
        assert_eq!(count_class(&doc, "panel").len(), 3);
        let s = count_class(&doc, "series");
        assert_eq!(s.len(), 9);
        let stroke_of = |name: &str| {
            s.iter()
                .filter(|n| n.attribute("data-name") == Some(name))
                .map(|n| n.attribute("stroke").unwrap())
                .collect::<Vec<_>>()
        };
        for name in ["ReLU train", "ReLU test", "Sigmoid train"] {
            let st = stroke_of(name);
            assert_eq!(st.len(), 3);
            assert!(st.iter().all(|c| *c == st[0]), "{name}: {st:?}");
        }
        // One shared legend with one entry per distinct name.
        let legends = count_class(&doc, "legend");
        assert_eq!(legends.len(), 1);
        assert_eq!(
            legends[0]
                .descendants()
                .filter(|n| n.has_tag_name("line"))
                .count(),
            3
        );
        // Clip ids are unique.
        let ids: Vec<_> = doc
            .descendants()
            .filter_map(|n| n.attribute("id"))
            .collect();
        let mut dedup = ids.clone();
        dedup.sort();
        dedup.dedup();
        assert_eq!(ids.len(), dedup.len());
    }
}
