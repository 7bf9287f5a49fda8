//! `report.html` of a `compare` or `train` run: configuration, data summary,
//! summary table, every figure and the log lines, in one self-contained file.

use super::figures::Figure;
use super::html::Report;

/// Everything a run report shows.
pub struct RunReport<'a> {
    pub title: &'a str,
    pub config: Vec<(String, String)>,
    pub data: Vec<(String, String)>,
    pub summary_headers: Vec<String>,
    pub summary_rows: Vec<Vec<String>>,
    /// (section title, figures) in order: the comparison first, then each model.
    pub figures: Vec<(String, Vec<Figure>)>,
    /// (model, log lines)
    pub logs: Vec<(String, Vec<String>)>,
}

impl RunReport<'_> {
    pub fn to_html(&self) -> String {
        let mut r = Report::new(self.title);
        r.add_heading("Summary");
        r.add_table(&self.summary_headers, &self.summary_rows);
        r.add_heading("Configuration");
        r.add_key_values(&self.config);
        r.add_heading("Data");
        r.add_key_values(&self.data);
        for (section, figs) in &self.figures {
            r.add_heading(section);
            for f in figs {
                r.add_figure(&f.caption, &f.svg);
            }
        }
        r.add_heading("Log");
        for (model, lines) in &self.logs {
            r.add_subheading(model);
            r.add_preformatted(&lines.join("\n"));
        }
        r.to_html()
    }
}
