//! What a run leaves to look at: every figure (SVG parses with the expected
//! series; PNG decodes at 1200×800) and a self-contained report.html.

use std::path::{Path, PathBuf};
use std::process::Command;

fn run(args: &[&str]) -> String {
    let o = Command::new(env!("CARGO_BIN_EXE_nonlin"))
        .args(args)
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn tmp(name: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("nonlin-report-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    d
}

/// Number of data series in an SVG chart (each is one `class="series"` path).
fn series_in(svg_path: &Path) -> usize {
    let text = std::fs::read_to_string(svg_path).unwrap();
    let doc =
        roxmltree::Document::parse(&text).unwrap_or_else(|e| panic!("{}: {e}", svg_path.display()));
    doc.descendants()
        .filter(|n| n.attribute("class") == Some("series"))
        .count()
}

fn assert_png(path: &Path) {
    let bytes = std::fs::read(path).unwrap();
    let p = resvg::tiny_skia::Pixmap::decode_png(&bytes)
        .unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    assert_eq!((p.width(), p.height()), (1200, 800), "{}", path.display());
    // Not blank: a good share of pixels are not white.
    let inked = p.pixels().iter().filter(|px| px.red() < 200).count();
    assert!(
        inked > 5_000,
        "{} looks blank ({inked} dark pixels)",
        path.display()
    );
}

#[test]
fn compare_leaves_figures_and_a_self_contained_report() {
    let out = tmp("compare");
    let stdout = run(&[
        "compare",
        "--epochs",
        "60",
        "--log-every",
        "20",
        "--out",
        out.to_str().unwrap(),
    ]);
    assert!(
        stdout
            .trim_end()
            .ends_with(&format!("Report: {}", out.join("report.html").display())),
        "{stdout}"
    );
    let models = ["model_0", "deeper_model", "model_non_linear"];
    for m in models {
        let dir = out.join(m);
        assert_eq!(
            series_in(&dir.join("accuracy.svg")),
            2,
            "{m}: train and test"
        );
        assert_eq!(series_in(&dir.join("loss.svg")), 2);
        assert_eq!(
            series_in(&dir.join("roc.svg")),
            2,
            "{m}: curve and chance diagonal"
        );
        for f in ["accuracy", "loss", "roc"] {
            assert_png(&dir.join(format!("{f}.png")));
        }
        let acc = std::fs::read_to_string(dir.join("accuracy.svg")).unwrap();
        assert!(acc.contains("Epoch") && acc.contains("Accuracy (%)") && acc.contains(m));
        let roc = std::fs::read_to_string(dir.join("roc.svg")).unwrap();
        assert!(roc.contains("AUC 0."), "the legend carries the AUC");
    }
    assert_eq!(series_in(&out.join("comparison.svg")), 3);
    assert_eq!(series_in(&out.join("accuracy_panels.svg")), 6);
    assert_png(&out.join("comparison.png"));
    assert_png(&out.join("accuracy_panels.png"));

    let html = std::fs::read_to_string(out.join("report.html")).unwrap();
    let doc = roxmltree::Document::parse_with_options(
        &html,
        roxmltree::ParsingOptions {
            allow_dtd: true,
            ..Default::default()
        },
    )
    .expect("report.html is well-formed");
    // Every figure inline: 2 comparison figures + 3 per model.
    let svgs = doc
        .descendants()
        .filter(|n| n.tag_name().name() == "svg")
        .count();
    assert_eq!(svgs, 2 + 3 * models.len());
    // The summary table with a row per model, and the log lines.
    for m in models {
        assert!(
            doc.descendants()
                .any(|n| n.tag_name().name() == "td" && n.text() == Some(m)),
            "summary row for {m}"
        );
    }
    assert!(html.contains("Epoch: 40, Loss: "));
    // Nothing outside itself: no scripts, no external links or sources.
    for n in doc.descendants().filter(|n| n.is_element()) {
        assert_ne!(n.tag_name().name(), "script");
        for a in n.attributes() {
            if matches!(a.name(), "href" | "src") {
                assert!(
                    a.value().starts_with('#') || a.value().starts_with("data:"),
                    "external reference {}={}",
                    a.name(),
                    a.value()
                );
            }
        }
    }
    for bad in ["https://", "file:", "@import", "<link", "<img"] {
        assert!(!html.contains(bad), "report.html must not contain {bad}");
    }
    // http:// appears only in XML namespace declarations; url() only points inside.
    assert!(
        html.match_indices("http://")
            .all(|(i, _)| html[..i].ends_with("xmlns=\"")),
        "external http reference"
    );
    assert!(
        html.match_indices("url(")
            .all(|(i, _)| html[i + 4..].starts_with('#')),
        "url() outside the document"
    );
    std::fs::remove_dir_all(&out).unwrap();
}

#[test]
fn no_plots_skips_every_figure() {
    let out = tmp("noplots");
    run(&[
        "train",
        "--epochs",
        "10",
        "--no-plots",
        "--quiet",
        "--out",
        out.to_str().unwrap(),
    ]);
    let names: Vec<String> = std::fs::read_dir(&out)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert!(
        names
            .iter()
            .all(|n| !n.ends_with(".png") && !n.ends_with(".svg")),
        "{names:?}"
    );
    assert!(
        names.contains(&"report.html".to_string()) && names.contains(&"history.csv".to_string())
    );
    std::fs::remove_dir_all(&out).unwrap();
}

#[test]
fn zoom_lets_the_accuracy_axis_follow_the_data() {
    let (a, b) = (tmp("nozoom"), tmp("zoom"));
    run(&[
        "train",
        "--epochs",
        "30",
        "--quiet",
        "--out",
        a.to_str().unwrap(),
    ]);
    run(&[
        "train",
        "--epochs",
        "30",
        "--quiet",
        "--zoom",
        "--out",
        b.to_str().unwrap(),
    ]);
    let full = std::fs::read_to_string(a.join("accuracy.svg")).unwrap();
    let zoomed = std::fs::read_to_string(b.join("accuracy.svg")).unwrap();
    assert!(
        full.contains(">100<") && full.contains(">0<"),
        "0–100 axis by default"
    );
    assert_ne!(full, zoomed);
    std::fs::remove_dir_all(&a).unwrap();
    std::fs::remove_dir_all(&b).unwrap();
}

#[test]
fn multiclass_and_regression_runs_render_their_own_figures() {
    let data = |f: &str| {
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("data")
            .join(f)
            .to_string_lossy()
            .into_owned()
    };
    let cases = [
        (
            "wine.csv",
            "cultivar",
            &["accuracy", "loss", "confusion", "roc"][..],
        ),
        (
            "diabetes.csv",
            "progression",
            &["loss", "rmse", "predicted", "residuals"][..],
        ),
    ];
    for (file, target, figures) in cases {
        let out = tmp(target);
        run(&[
            "train",
            "--data",
            &data(file),
            "--target",
            target,
            "--epochs",
            "20",
            "--quiet",
            "--out",
            out.to_str().unwrap(),
        ]);
        for f in figures {
            assert_png(&out.join(format!("{f}.png")));
        }
        let html = std::fs::read_to_string(out.join("report.html")).unwrap();
        let doc = roxmltree::Document::parse_with_options(
            &html,
            roxmltree::ParsingOptions {
                allow_dtd: true,
                ..Default::default()
            },
        )
        .expect("report.html is well-formed");
        let svgs = doc.descendants().filter(|n| n.has_tag_name("svg")).count();
        assert_eq!(svgs, figures.len(), "{file}: every figure inline");
        std::fs::remove_dir_all(&out).unwrap();
    }
}
