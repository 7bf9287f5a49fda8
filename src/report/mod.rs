//! Outputs a person looks at: charts (SVG/PNG) and the HTML report.
