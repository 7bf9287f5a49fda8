//! Reading CSV files as people have them: the delimiter, decimal comma and
//! header detected ([`sniff`], [`header`]), BOM, CRLF, quotes, blank and
//! trailing delimiters handled ([`reader`]), cells classified ([`cell`],
//! numbers by [`parse_number`]'s fast path). Large files stream in pieces
//! ([`chunks`]) parsed two at a time ([`records`]) and merged in file order
//! ([`merge`]).

pub mod cell;
pub mod chunks;
pub mod header;
pub mod merge;
pub mod options;
pub mod parse_number;
pub mod quotes;
pub mod reader;
pub mod records;
pub mod sniff;

pub use options::{Delimiter, Detected, ReadOptions};
pub use reader::{read_table, read_table_from};
