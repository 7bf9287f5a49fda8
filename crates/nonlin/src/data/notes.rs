//! Notes: what the data layer noticed or decided (a detected delimiter, rows
//! dropped, a column that looks like an identifier), returned as data so a
//! front end can show them its own way. The library never prints.

use serde::Serialize;

/// How much a note matters to the person running nonlin.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum NoteKind {
    /// Something detected or done as asked (the delimiter, rows dropped).
    Info,
    /// Something that is probably not what the user wants (an id column,
    /// a constant column, categories unseen in training).
    Warning,
}

/// One sentence about the data, optionally about one column.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Note {
    pub kind: NoteKind,
    /// The column the note is about, if any.
    pub column: Option<String>,
    pub text: String,
}

impl Note {
    /// An informational note.
    pub fn info(column: Option<&str>, text: impl Into<String>) -> Note {
        Note {
            kind: NoteKind::Info,
            column: column.map(str::to_string),
            text: text.into(),
        }
    }

    /// A warning.
    pub fn warning(column: Option<&str>, text: impl Into<String>) -> Note {
        Note {
            kind: NoteKind::Warning,
            column: column.map(str::to_string),
            text: text.into(),
        }
    }
}

impl Note {
    /// The note as a line, `note: …` or `warning: …`, in a front end's
    /// words (the settings it names, see [`crate::error::Wording`]).
    pub fn worded(&self, words: &dyn crate::error::Wording) -> String {
        let text = crate::error::word_references(&self.text, words);
        match self.kind {
            NoteKind::Info => format!("note: {text}"),
            NoteKind::Warning => format!("warning: {text}"),
        }
    }

    /// The text alone in a front end's words.
    pub fn text_worded(&self, words: &dyn crate::error::Wording) -> String {
        crate::error::word_references(&self.text, words)
    }
}

/// In the library's words (settings by their field names).
impl std::fmt::Display for Note {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.worded(&crate::error::FieldNames))
    }
}

/// `text` cut to at most `max` characters (with the full length said), for
/// messages that quote a cell or a header that may be megabytes long.
pub fn excerpt(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        return text.to_string();
    }
    let cut: String = text.chars().take(max).collect();
    format!("{cut}… ({} bytes)", text.len())
}

/// A list of names for a message: all of them up to `max`, then "and N more".
pub fn name_list(names: &[String], max: usize) -> String {
    let shown: Vec<String> = names.iter().take(max).map(|n| excerpt(n, 60)).collect();
    let mut s = shown.join(", ");
    if names.len() > max {
        s.push_str(&format!(", … and {} more", names.len() - max));
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_text_is_cut_with_its_length() {
        assert_eq!(excerpt("abc", 5), "abc");
        let long = "x".repeat(100);
        assert_eq!(excerpt(&long, 3), "xxx… (100 bytes)");
        let names: Vec<String> = (0..5).map(|i| format!("c{i}")).collect();
        assert_eq!(name_list(&names, 3), "c0, c1, c2, … and 2 more");
        assert_eq!(name_list(&names[..2], 3), "c0, c1");
    }

    #[test]
    fn notes_display_with_their_kind() {
        assert_eq!(Note::info(None, "x").to_string(), "note: x");
        assert_eq!(Note::warning(Some("a"), "y").to_string(), "warning: y");
    }
}
