//! A self-contained HTML report: one file with inline CSS and inline SVG
//! figures, no scripts, and no reference to anything outside the file.
//!
//! The markup is XHTML-compatible (every element closed, attributes quoted),
//! so an XML parser accepts it as well as a browser. All text is escaped.
//!
//! ```
//! use nonlin::report::html::Report;
//! let mut r = Report::new("Heart failure: activations compared");
//! r.add_heading("Setup");
//! r.add_key_values(&[("epochs".into(), "100".into())]);
//! let html = r.to_html();
//! assert!(html.contains("<h1>Heart failure: activations compared</h1>"));
//! ```

use std::fmt::Write as _;

use super::chart::esc;
use inline_svg::clean_svg;

mod inline_svg;

/// One block of the report body, in order of addition.
#[derive(Debug, Clone, PartialEq)]
enum Block {
    Heading {
        level: u8,
        text: String,
    },
    Paragraph(String),
    KeyValues(Vec<(String, String)>),
    Table {
        headers: Vec<String>,
        rows: Vec<Vec<String>>,
    },
    Figure {
        caption: String,
        svg: String,
    },
    Preformatted(String),
}

/// A report under construction. Add blocks in reading order, then call
/// [`Report::to_html`].
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Report {
    pub title: String,
    blocks: Vec<Block>,
}

impl Report {
    /// An empty report; `title` becomes the page title and the `<h1>`.
    pub fn new(title: &str) -> Report {
        Report {
            title: title.to_string(),
            blocks: Vec::new(),
        }
    }

    /// A section heading (`<h2>`), listed in the table of contents.
    pub fn add_heading(&mut self, text: &str) -> &mut Self {
        self.blocks.push(Block::Heading {
            level: 2,
            text: text.to_string(),
        });
        self
    }

    /// A subsection heading (`<h3>`).
    pub fn add_subheading(&mut self, text: &str) -> &mut Self {
        self.blocks.push(Block::Heading {
            level: 3,
            text: text.to_string(),
        });
        self
    }

    /// A paragraph of plain text. Blank lines split it into paragraphs.
    pub fn add_paragraph(&mut self, text: &str) -> &mut Self {
        self.blocks.push(Block::Paragraph(text.to_string()));
        self
    }

    /// A two-column table of names and values (settings, summary numbers).
    pub fn add_key_values(&mut self, pairs: &[(String, String)]) -> &mut Self {
        self.blocks.push(Block::KeyValues(pairs.to_vec()));
        self
    }

    /// A table. Rows shorter than `headers` are padded with empty cells;
    /// cells that look numeric are right-aligned.
    pub fn add_table(&mut self, headers: &[String], rows: &[Vec<String>]) -> &mut Self {
        self.blocks.push(Block::Table {
            headers: headers.to_vec(),
            rows: rows.to_vec(),
        });
        self
    }

    /// A numbered figure showing `svg` inline (e.g. from [`super::chart`]).
    /// The SVG must be well-formed markup; an XML declaration or doctype in
    /// front of it is dropped, and any `href`/`src` attribute that does not
    /// point inside the document (`#…`) or to a `data:` URI is neutralized.
    pub fn add_figure(&mut self, caption: &str, svg: &str) -> &mut Self {
        self.blocks.push(Block::Figure {
            caption: caption.to_string(),
            svg: clean_svg(svg),
        });
        self
    }

    /// Preformatted text, such as log lines, in a scrollable box.
    pub fn add_preformatted(&mut self, text: &str) -> &mut Self {
        self.blocks.push(Block::Preformatted(text.to_string()));
        self
    }

    /// The complete HTML document.
    pub fn to_html(&self) -> String {
        let mut body = String::new();
        let mut toc = String::new();
        let (mut section, mut figure, mut table) = (0usize, 0usize, 0usize);
        for block in &self.blocks {
            match block {
                Block::Heading { level, text } => {
                    if *level == 2 {
                        section += 1;
                        let _ =
                            write!(toc, "<li><a href=\"#sec-{section}\">{}</a></li>", esc(text));
                        let _ = writeln!(body, "<h2 id=\"sec-{section}\">{}</h2>", esc(text));
                    } else {
                        let _ = writeln!(body, "<h{level}>{}</h{level}>", esc(text));
                    }
                }
                Block::Paragraph(text) => {
                    for para in text.split("\n\n").filter(|p| !p.trim().is_empty()) {
                        let _ = writeln!(body, "<p>{}</p>", esc(para.trim()));
                    }
                }
                Block::KeyValues(pairs) => {
                    body.push_str("<table class=\"kv\"><tbody>\n");
                    for (k, v) in pairs {
                        let _ = writeln!(
                            body,
                            "<tr><th scope=\"row\">{}</th><td{}>{}</td></tr>",
                            esc(k),
                            num_class(v),
                            esc(v)
                        );
                    }
                    body.push_str("</tbody></table>\n");
                }
                Block::Table { headers, rows } => {
                    table += 1;
                    let cols = headers
                        .len()
                        .max(rows.iter().map(Vec::len).max().unwrap_or(0));
                    let _ = write!(
                        body,
                        "<div class=\"table-wrap\"><table class=\"data\" id=\"table-{table}\"><thead><tr>"
                    );
                    for i in 0..cols {
                        let h = headers.get(i).map(String::as_str).unwrap_or("");
                        let _ = write!(body, "<th scope=\"col\">{}</th>", esc(h));
                    }
                    body.push_str("</tr></thead><tbody>\n");
                    for row in rows {
                        body.push_str("<tr>");
                        for i in 0..cols {
                            let c = row.get(i).map(String::as_str).unwrap_or("");
                            let _ = write!(body, "<td{}>{}</td>", num_class(c), esc(c));
                        }
                        body.push_str("</tr>\n");
                    }
                    body.push_str("</tbody></table></div>\n");
                }
                Block::Figure { caption, svg } => {
                    figure += 1;
                    let _ = writeln!(
                        body,
                        "<figure id=\"fig-{figure}\">{svg}<figcaption><b>Figure {figure}.</b> {}</figcaption></figure>",
                        esc(caption)
                    );
                }
                Block::Preformatted(text) => {
                    let _ = writeln!(body, "<pre>{}</pre>", esc(text));
                }
            }
        }
        let mut out = String::with_capacity(body.len() + CSS.len() + 1024);
        out.push_str("<!DOCTYPE html>\n<html xmlns=\"http://www.w3.org/1999/xhtml\" lang=\"en\">\n<head>\n<meta charset=\"utf-8\"/>\n<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"/>\n");
        let _ = writeln!(out, "<title>{}</title>", esc(&self.title));
        let _ = writeln!(out, "<style>{CSS}</style>\n</head>\n<body>\n<main>");
        let _ = writeln!(out, "<h1>{}</h1>", esc(&self.title));
        if section >= 2 {
            let _ = writeln!(
                out,
                "<nav><h2 class=\"toc\">Contents</h2><ol>{toc}</ol></nav>"
            );
        }
        out.push_str(&body);
        out.push_str("<footer>Generated by nonlin. This file is self-contained.</footer>\n</main>\n</body>\n</html>\n");
        out
    }
}

const CSS: &str = r#"
:root { color-scheme: light; }
body { margin: 0; background: #f4f5f7; color: #1d1f23;
  font: 16px/1.5 system-ui, -apple-system, "Segoe UI", "DejaVu Sans", Roboto, sans-serif; }
main { max-width: 1140px; margin: 0 auto; padding: 24px 32px 48px; background: #fff;
  min-height: 100vh; box-sizing: border-box; }
h1 { font-size: 1.9em; margin: 0.2em 0 0.6em; border-bottom: 3px solid #0072B2; padding-bottom: 0.2em; }
h2 { font-size: 1.4em; margin: 1.6em 0 0.5em; border-bottom: 1px solid #ddd; }
h3 { font-size: 1.15em; margin: 1.2em 0 0.4em; }
nav h2.toc { font-size: 1.1em; border: 0; margin: 0; }
nav ol { margin: 0.3em 0 1em; }
a { color: #0062a0; }
table { border-collapse: collapse; margin: 0.6em 0 1.2em; font-variant-numeric: tabular-nums; }
th, td { padding: 0.3em 0.8em; border-bottom: 1px solid #e2e4e8; text-align: left; vertical-align: top; }
thead th { background: #eef1f5; border-bottom: 2px solid #c9ced6; }
table.data tbody tr:nth-child(even) { background: #f8f9fb; }
table.kv th { font-weight: 600; color: #444; }
td.num { text-align: right; }
.table-wrap { overflow-x: auto; }
figure { margin: 1.2em 0; }
figure svg { display: block; max-width: 100%; height: auto; border: 1px solid #e6e6e6; }
figcaption { font-size: 0.95em; color: #444; margin-top: 0.4em; }
pre { background: #f6f8fa; border: 1px solid #e1e4e8; padding: 0.8em 1em; overflow: auto;
  max-height: 32em; font: 13px/1.4 ui-monospace, "DejaVu Sans Mono", Menlo, Consolas, monospace; }
footer { margin-top: 3em; color: #777; font-size: 0.85em; }
"#;

/// ` class="num"` for cells that read as a number (allowing `%`, `±`, signs).
fn num_class(cell: &str) -> &'static str {
    let t = cell.trim().trim_end_matches('%').trim();
    let first = t.split(['±', ' ']).next().unwrap_or("");
    if !first.is_empty() && first.replace('\u{2212}', "-").parse::<f64>().is_ok() {
        " class=\"num\""
    } else {
        ""
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::chart;

    fn sample() -> Report {
        let mut r = Report::new("Heart failure <study> & friends");
        r.add_heading("Setup")
            .add_paragraph("First <b>para</b>.\n\nSecond & last.")
            .add_key_values(&[
                ("epochs".into(), "100".into()),
                ("lr".into(), "<0.01>".into()),
            ]);
        r.add_heading("Results");
        let acc = chart::LineChart {
            title: "Accuracy".into(),
            x_label: "Epoch".into(),
            y_label: "Accuracy (%)".into(),
            y_range: Some((0.0, 100.0)),
            series: vec![
                chart::Series {
                    name: "train".into(),
                    xs: vec![1.0, 2.0, 3.0],
                    // 105 lies outside the fixed range: the chart clips (a
                    // clip path is an internal `url(#…)` reference).
                    ys: vec![70.0, 80.0, 105.0],
                },
                chart::Series {
                    name: "test".into(),
                    xs: vec![1.0, 2.0, 3.0],
                    ys: vec![68.0, 75.0, 77.0],
                },
            ],
            ..Default::default()
        };
        r.add_figure(
            "Accuracy per epoch",
            &chart::line_chart_svg(&acc, 1200, 800),
        );
        r.add_figure(
            "ROC",
            &format!(
                "<?xml version=\"1.0\"?>\n{}",
                chart::line_chart_svg(&chart::roc_chart("ROC", &[]), 600, 600)
            ),
        );
        r.add_subheading("Table");
        r.add_table(
            &["model".into(), "accuracy".into(), "note".into()],
            &[
                vec!["ReLU".into(), "83.3 %".into(), "a<b".into()],
                vec!["Sigmoid".into(), "80.0".into()],
            ],
        );
        r.add_preformatted("epoch 1 loss=0.69 <ok>\nepoch 2 loss=0.50 & falling");
        r
    }

    fn parse(html: &str) -> roxmltree::Document<'_> {
        let opt = roxmltree::ParsingOptions {
            allow_dtd: true,
            ..Default::default()
        };
        roxmltree::Document::parse_with_options(html, opt)
            .expect("report must be well-formed XHTML")
    }

    fn by_tag<'a>(doc: &'a roxmltree::Document, tag: &str) -> Vec<roxmltree::Node<'a, 'a>> {
        doc.descendants()
            .filter(|n| n.tag_name().name() == tag)
            .collect()
    }

    #[test]
    fn report_is_well_formed_and_has_all_blocks() {
        let html = sample().to_html();
        let doc = parse(&html);
        let h1 = by_tag(&doc, "h1");
        assert_eq!(h1.len(), 1);
        assert_eq!(h1[0].text(), Some("Heart failure <study> & friends"));
        assert_eq!(
            by_tag(&doc, "title")[0].text(),
            Some("Heart failure <study> & friends")
        );
        // Two figures, each with its inline SVG and all its series.
        let figures = by_tag(&doc, "figure");
        assert_eq!(figures.len(), 2);
        for f in &figures {
            assert_eq!(f.descendants().filter(|n| n.has_tag_name("svg")).count(), 1);
        }
        let series = doc
            .descendants()
            .filter(|n| n.attribute("class") == Some("series"))
            .count();
        assert_eq!(series, 3, "two accuracy series and the chance line");
        assert!(!html.contains("<?xml"));
        // The data table: header plus two rows, short row padded.
        let table = doc
            .descendants()
            .find(|n| n.tag_name().name() == "table" && n.attribute("class") == Some("data"))
            .unwrap();
        let rows: Vec<_> = table
            .descendants()
            .filter(|n| n.has_tag_name("tr"))
            .collect();
        assert_eq!(rows.len(), 3);
        assert!(rows
            .iter()
            .all(|r| r.children().filter(|c| c.is_element()).count() == 3));
        let cells: Vec<_> = table
            .descendants()
            .filter(|n| n.has_tag_name("td"))
            .map(|n| (n.text().unwrap_or(""), n.attribute("class")))
            .collect();
        assert!(cells.contains(&("a<b", None)));
        assert!(cells.contains(&("83.3 %", Some("num"))));
        // Key-values, paragraphs, preformatted text and the contents list.
        assert_eq!(by_tag(&doc, "p").len(), 2);
        assert_eq!(
            by_tag(&doc, "p")[0].text(),
            Some("First <b>para</b>."),
            "markup in text is not markup"
        );
        assert_eq!(
            by_tag(&doc, "p")[0].children().count(),
            1,
            "a single text node"
        );
        assert!(html.contains("First &lt;b&gt;para&lt;/b&gt;."));
        assert!(html.contains("<td>&lt;0.01&gt;</td>"));
        let pre = by_tag(&doc, "pre");
        assert_eq!(
            pre[0].text(),
            Some("epoch 1 loss=0.69 <ok>\nepoch 2 loss=0.50 & falling")
        );
        let toc: Vec<_> = by_tag(&doc, "nav")[0]
            .descendants()
            .filter(|n| n.has_tag_name("a"))
            .map(|n| n.attribute("href").unwrap())
            .collect();
        assert_eq!(toc, ["#sec-1", "#sec-2"]);
    }

    #[test]
    fn nothing_points_outside_the_file() {
        let mut r = sample();
        r.add_paragraph("<a href=\"http://example.com\">x</a> <img src='//cdn/x.png'/>");
        r.add_figure(
            "external",
            r##"<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink"><image href="http://evil.example/x.png"/><use xlink:href = 'file:///etc/passwd'/><use href="#ok"/><image href="data:image/png;base64,AAAA"/></svg>"##,
        );
        let html = r.to_html();
        let doc = parse(&html);
        let mut refs = Vec::new();
        for n in doc.descendants() {
            for a in n.attributes() {
                if matches!(a.name(), "href" | "src") {
                    refs.push(a.value().to_string());
                }
            }
        }
        assert!(refs.contains(&"#ok".to_string()), "{refs:?}");
        assert!(refs.contains(&"#blocked".to_string()), "{refs:?}");
        for r in &refs {
            assert!(
                r.starts_with('#') || r.starts_with("data:"),
                "external reference {r:?}"
            );
        }
        let lower = html.to_ascii_lowercase();
        for bad in [
            "http://evil",
            "file:",
            "<script",
            "<link",
            "<iframe",
            "@import",
            "<a href=\"http",
        ] {
            assert!(!lower.contains(bad), "found {bad}");
        }
        // CSS/SVG url(...) references are all fragment references.
        assert!(lower
            .split("url(")
            .skip(1)
            .all(|rest| rest.starts_with('#')));
        assert!(
            lower.contains("clip-path=\"url(#"),
            "charts use internal clip paths"
        );
    }

    #[test]
    fn numeric_cells_are_detected() {
        for yes in [
            "1",
            " -2.5 ",
            "83.3 %",
            "0.81 ± 0.02",
            "\u{2212}0.1",
            "1e-3",
        ] {
            assert_eq!(num_class(yes), " class=\"num\"", "{yes}");
        }
        for no in ["", "ReLU", "%", "n/a"] {
            assert_eq!(num_class(no), "", "{no}");
        }
    }
}
