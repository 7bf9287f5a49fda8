//! Reading CSV files as people have them: the delimiter, decimal comma and
//! header detected ([`sniff`]), BOM, CRLF, quotes, blank and trailing
//! delimiters handled ([`reader`]), cells classified ([`cell`]).

pub mod cell;
pub mod chunks;
pub mod header;
pub mod number;
pub mod options;
pub mod reader;
pub mod records;
pub mod sniff;

pub use options::{Delimiter, Detected, ReadOptions};
pub use reader::{read_table, read_table_from};
