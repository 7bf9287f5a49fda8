//! Confusion-matrix heatmaps: one square cell per (true class, predicted
//! class) pair holding its count and its share of the true class's row,
//! shaded by that share, the class labels on both axes.

use super::axis::tick_label;
use super::frame::{draw_title, no_data, Fonts, Frame};
use super::svg::{document, esc, n};
use super::text::{fit_text, text_w};
use std::fmt::Write as _;

/// The title of the x axis (columns).
pub const PREDICTED_AXIS: &str = "Predicted class";
/// The title of the y axis (rows).
pub const TRUE_AXIS: &str = "True class";

/// A `K × K` confusion matrix to draw: `counts[t][p]` rows of true class
/// `t` predicted as `p`; `classes` names the `K` classes in index order
/// (rows top to bottom, columns left to right).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct ConfusionHeatmap {
    pub title: String,
    pub classes: Vec<String>,
    pub counts: Vec<Vec<usize>>,
}

/// The share of `count` in a row of `total` rows; `None` for an empty row.
pub fn row_share(count: usize, total: usize) -> Option<f64> {
    (total > 0).then(|| count as f64 / total as f64)
}

/// The fill of a cell: white (share 0) to the palette's blue `#0072B2`
/// (share 1), linear in each sRGB channel; light grey for an empty row.
fn shade(share: Option<f64>) -> String {
    let Some(s) = share else {
        return "#f2f2f2".to_string();
    };
    let s = s.clamp(0.0, 1.0);
    let mix = |to: u8| (255.0 + (to as f64 - 255.0) * s).round() as u8;
    format!("#{:02x}{:02x}{:02x}", mix(0x00), mix(0x72), mix(0xB2))
}

/// A complete SVG document of the heatmap, `width`×`height` user units:
/// the title, the grid of cells (each `<rect class="cell">` with
/// `data-true`, `data-predicted`, `data-count` and, for a non-empty row,
/// `data-share`), each cell's count and row share (`"12"` over `"(80.0%)"`)
/// as text when the cell is large enough, the class labels along both
/// axes (`class="class-label"`, thinned when too dense to read), the axis
/// titles [`TRUE_AXIS`] and [`PREDICTED_AXIS`], and a scale of the shades
/// on the right. Counts beyond `classes.len()` rows or columns are ignored;
/// missing ones count 0.
pub fn confusion_heatmap_svg(h: &ConfusionHeatmap, width: u32, height: u32) -> String {
    let (w, h_px) = (width.max(1) as f64, height.max(1) as f64);
    let f = Fonts::new((w / 1200.0).min(h_px / 800.0));
    let k = h.classes.len();
    let mut out = String::new();
    let top = f.pad + draw_title(&mut out, &h.title, w / 2.0, f.pad, w - 2.0 * f.pad, &f);
    let count = |t: usize, p: usize| {
        h.counts
            .get(t)
            .and_then(|row| row.get(p))
            .copied()
            .unwrap_or(0)
    };
    let totals: Vec<usize> = (0..k).map(|t| (0..k).map(|p| count(t, p)).sum()).collect();

    let label_fs = f.tick;
    let widest = h
        .classes
        .iter()
        .map(|c| text_w(c, label_fs))
        .fold(0.0, f64::max)
        .min(w * 0.22);
    let scale_w = f.pad * 2.5
        + (18.0 * f.k + f.gap + text_w("100%", f.tick)).max(text_w("row share", f.tick * 0.9));
    let left = f.pad + f.label * 1.25 + f.gap + widest + f.gap;
    let bottom = f.pad + f.gap + label_fs * 1.3 + f.label * 1.3;
    let avail_w = (w - left - scale_w).max(10.0);
    let avail_h = (h_px - top - f.gap - bottom).max(10.0);
    let side = avail_w.min(avail_h) / k.max(1) as f64;
    let grid = Frame {
        x: left + (avail_w - side * k as f64) / 2.0,
        y: top + f.gap,
        w: side * k as f64,
        h: side * k as f64,
    };
    if k == 0 {
        let plot = Frame {
            x: left,
            y: top + f.gap,
            w: avail_w,
            h: avail_h,
        };
        no_data(&mut out, &plot, &f);
        return document(width, height, &h.title, &out);
    }

    out.push_str(r#"<g class="cells">"#);
    for (t, &total) in totals.iter().enumerate() {
        for p in 0..k {
            draw_cell(&mut out, &grid, side, (t, p), count(t, p), total, &f);
        }
    }
    let _ = write!(
        out,
        r##"<rect x="{}" y="{}" width="{}" height="{}" fill="none" stroke="#888888" stroke-width="{}"/>"##,
        n(grid.x),
        n(grid.y),
        n(grid.w),
        n(grid.h),
        n(f.k.max(0.5)),
    );
    out.push_str("</g>");
    draw_class_labels(&mut out, &h.classes, &grid, side, widest, &f);
    draw_axis_titles(&mut out, &grid, widest, &f);
    draw_scale(&mut out, &grid, &f);
    document(width, height, &h.title, &out)
}

/// One cell: the shaded square and, if it is large enough, its count and
/// row share.
fn draw_cell(
    out: &mut String,
    grid: &Frame,
    side: f64,
    (t, p): (usize, usize),
    count: usize,
    total: usize,
    f: &Fonts,
) {
    let share = row_share(count, total);
    let (x, y) = (grid.x + p as f64 * side, grid.y + t as f64 * side);
    let _ = write!(
        out,
        r##"<rect class="cell" data-true="{t}" data-predicted="{p}" data-count="{count}"{share_attr} x="{}" y="{}" width="{}" height="{}" fill="{}" stroke="#d9d9d9" stroke-width="{}"/>"##,
        n(x),
        n(y),
        n(side),
        n(side),
        shade(share),
        n(f.k.max(0.5)),
        share_attr = share.map_or(String::new(), |s| format!(r#" data-share="{s}""#)),
    );
    let fs = f.label.min(side * 0.26);
    if fs < 7.0 * f.k {
        return;
    }
    let ink = if share.is_some_and(|s| s > 0.55) {
        "#ffffff"
    } else {
        "#111111"
    };
    let cx = x + side / 2.0;
    let share_text = share.map_or("–".to_string(), |s| format!("({:.1}%)", s * 100.0));
    let _ = write!(
        out,
        r##"<text class="cell-count" x="{cx}" y="{}" font-size="{}" font-weight="bold" text-anchor="middle" fill="{ink}">{count}</text><text class="cell-share" x="{cx}" y="{}" font-size="{}" text-anchor="middle" fill="{ink}">{}</text>"##,
        n(y + side / 2.0 - fs * 0.15),
        n(fs),
        n(y + side / 2.0 + fs * 0.95),
        n(fs * 0.8),
        esc(&share_text),
        cx = n(cx),
    );
}

/// Every `step`-th class label, so that labels are at least ~1.1 font
/// sizes apart: 1 when all fit.
fn label_step(side: f64, fs: f64) -> usize {
    ((fs * 1.1) / side.max(1e-9)).ceil().max(1.0) as usize
}

/// The class labels: left of each row (right-aligned) and under each
/// column (centered, shortened to the column's width); row labels are
/// shortened to `widest`.
fn draw_class_labels(
    out: &mut String,
    classes: &[String],
    grid: &Frame,
    side: f64,
    widest: f64,
    f: &Fonts,
) {
    let fs = f.tick;
    let step = label_step(side, fs);
    let widest = widest.max(fs);
    for (i, name) in classes.iter().enumerate().step_by(step) {
        let mid = i as f64 * side + side / 2.0;
        let _ = write!(
            out,
            r##"<text class="class-label" data-axis="true" x="{}" y="{}" font-size="{}" text-anchor="end" fill="#333">{}</text>"##,
            n(grid.x - f.gap),
            n(grid.y + mid + fs * 0.36),
            n(fs),
            esc(&fit_text(name, widest, fs)),
        );
        let room = side * step as f64 * 0.95;
        let _ = write!(
            out,
            r##"<text class="class-label" data-axis="predicted" x="{}" y="{}" font-size="{}" text-anchor="middle" fill="#333">{}</text>"##,
            n(grid.x + mid),
            n(grid.y + grid.h + f.gap + fs),
            n(fs),
            esc(&fit_text(name, room.max(fs), fs)),
        );
    }
}

/// [`TRUE_AXIS`] rotated left of the row labels, [`PREDICTED_AXIS`]
/// under the column labels; `widest` is the row labels' width.
fn draw_axis_titles(out: &mut String, grid: &Frame, widest: f64, f: &Fonts) {
    let x = (grid.x - 2.0 * f.gap - widest - f.label * 0.45).max(f.pad + f.label * 0.8);
    let cy = grid.y + grid.h / 2.0;
    let _ = write!(
        out,
        r##"<text class="axis-label" x="{x}" y="{cy}" font-size="{fs}" text-anchor="middle" fill="#111" transform="rotate(-90 {x} {cy})">{TRUE_AXIS}</text>"##,
        x = n(x),
        cy = n(cy),
        fs = n(f.label),
    );
    let _ = write!(
        out,
        r##"<text class="axis-label" x="{}" y="{}" font-size="{}" text-anchor="middle" fill="#111">{PREDICTED_AXIS}</text>"##,
        n(grid.x + grid.w / 2.0),
        n(grid.y + grid.h + f.gap + f.tick * 1.3 + f.label),
        n(f.label),
    );
}

/// The shade scale right of the grid: 20 steps from 100% (top) to 0%
/// (bottom), labelled at both ends and the middle, titled "row share".
fn draw_scale(out: &mut String, grid: &Frame, f: &Fonts) {
    const STEPS: usize = 20;
    let bar_w = 18.0 * f.k;
    let x = grid.x + grid.w + f.pad * 1.5;
    let h = grid.h.min(320.0 * f.k);
    let y0 = grid.y + (grid.h - h) / 2.0;
    let step_h = h / STEPS as f64;
    out.push_str(r#"<g class="scale">"#);
    for i in 0..STEPS {
        let share = 1.0 - (i as f64 + 0.5) / STEPS as f64;
        let _ = write!(
            out,
            r#"<rect x="{}" y="{}" width="{}" height="{}" fill="{}"/>"#,
            n(x),
            n(y0 + i as f64 * step_h),
            n(bar_w),
            n(step_h + 0.5),
            shade(Some(share)),
        );
    }
    let _ = write!(
        out,
        r##"<rect x="{}" y="{}" width="{}" height="{}" fill="none" stroke="#333" stroke-width="{}"/>"##,
        n(x),
        n(y0),
        n(bar_w),
        n(h),
        n(f.k.max(0.5)),
    );
    for v in [0.0, 0.5, 1.0] {
        let _ = write!(
            out,
            r##"<text x="{}" y="{}" font-size="{}" fill="#333">{}%</text>"##,
            n(x + bar_w + f.gap * 0.6),
            n(y0 + (1.0 - v) * h + f.tick * 0.36),
            n(f.tick),
            tick_label(v * 100.0, 50.0),
        );
    }
    let _ = write!(
        out,
        r##"<text x="{}" y="{}" font-size="{}" fill="#333">row share</text>"##,
        n(x),
        n(y0 - f.gap),
        n(f.tick * 0.9),
    );
    out.push_str("</g>");
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::chart::tests::{count_class, parse};

    fn matrix() -> ConfusionHeatmap {
        ConfusionHeatmap {
            title: "wine <cultivars>".into(),
            classes: vec!["class_0".into(), "class_1".into(), "class_2".into()],
            counts: vec![vec![12, 0, 0], vec![1, 13, 1], vec![0, 0, 0]],
        }
    }

    #[test]
    fn one_cell_per_pair_with_counts_and_row_shares() {
        let svg = confusion_heatmap_svg(&matrix(), 1200, 800);
        let doc = parse(&svg);
        let cells = count_class(&doc, "cell");
        assert_eq!(cells.len(), 9);
        let cell = |t: &str, p: &str| {
            cells
                .iter()
                .find(|c| {
                    c.attribute("data-true") == Some(t) && c.attribute("data-predicted") == Some(p)
                })
                .unwrap()
        };
        assert_eq!(cell("1", "1").attribute("data-count"), Some("13"));
        let share: f64 = cell("1", "1")
            .attribute("data-share")
            .unwrap()
            .parse()
            .unwrap();
        assert_eq!(share, 13.0 / 15.0);
        // The empty row has no share, and its cells are grey.
        assert_eq!(cell("2", "0").attribute("data-share"), None);
        assert_eq!(cell("2", "0").attribute("fill"), Some("#f2f2f2"));
        // A full row is the darkest shade, an empty cell white.
        assert_eq!(cell("0", "0").attribute("fill"), Some("#0072b2"));
        assert_eq!(cell("0", "1").attribute("fill"), Some("#ffffff"));
        let texts: Vec<&str> = doc
            .descendants()
            .filter(|n| n.has_tag_name("text"))
            .filter_map(|n| n.text())
            .collect();
        assert!(
            texts.contains(&"13") && texts.contains(&"(86.7%)"),
            "{texts:?}"
        );
        for t in [TRUE_AXIS, PREDICTED_AXIS, "wine <cultivars>"] {
            assert!(texts.contains(&t), "{t} in {texts:?}");
        }
        // Each class labels a row and a column.
        let labels = count_class(&doc, "class-label");
        for c in ["class_0", "class_1", "class_2"] {
            assert_eq!(labels.iter().filter(|l| l.text() == Some(c)).count(), 2);
        }
    }

    #[test]
    fn many_classes_thin_the_labels_and_drop_cell_text() {
        let k = 60;
        let h = ConfusionHeatmap {
            title: "many".into(),
            classes: (0..k).map(|c| format!("c{c}")).collect(),
            counts: (0..k)
                .map(|t| (0..k).map(|p| usize::from(t == p) * 3).collect())
                .collect(),
        };
        let svg = confusion_heatmap_svg(&h, 1200, 800);
        let doc = parse(&svg);
        assert_eq!(count_class(&doc, "cell").len(), k * k);
        assert!(count_class(&doc, "cell-count").is_empty());
        let labels = count_class(&doc, "class-label").len();
        assert!(labels < 2 * k && labels >= 2 * k / 4, "{labels} labels");
    }

    #[test]
    fn no_classes_says_no_data() {
        let svg = confusion_heatmap_svg(&ConfusionHeatmap::default(), 600, 400);
        assert!(svg.contains(">no data<"));
        parse(&svg);
    }
}
