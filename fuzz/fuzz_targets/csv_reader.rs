//! Any bytes through the CSV reader and the rest of the data layer, under
//! every reading option: errors are fine, panics are not.
#![no_main]

use libfuzzer_sys::fuzz_target;
use nonlin::data::{
    prepare, Dataset, DatasetOptions, Delimiter, MissingPolicy, PrepareOptions, ReadOptions,
    Table,
};

fuzz_target!(|data: &[u8]| {
    let Some((&flags, bytes)) = data.split_first() else {
        return;
    };
    let read = ReadOptions {
        delimiter: match flags & 3 {
            0 => None,
            1 => Some(Delimiter::Byte(b',')),
            2 => Some(Delimiter::Byte(b';')),
            _ => Some(Delimiter::Whitespace),
        },
        decimal: match (flags >> 2) & 3 {
            0 | 3 => None,
            1 => Some(b'.'),
            _ => Some(b','),
        },
        header: match (flags >> 4) & 3 {
            0 | 3 => None,
            1 => Some(true),
            _ => Some(false),
        },
    };
    let Ok(table) = Table::from_csv_bytes_with(bytes, "fuzz.csv", &read) else {
        return;
    };
    let _ = table.notes();
    let Some(target) = table.columns.last().map(|c| c.name.clone()) else {
        return;
    };
    let missing = match flags >> 6 {
        0 => MissingPolicy::Error,
        1 => MissingPolicy::Drop,
        _ => MissingPolicy::parse("median").unwrap(),
    };
    let options = DatasetOptions {
        missing,
        ..DatasetOptions::new(&target)
    };
    if let Ok(d) = Dataset::from_table_with(&table, &options) {
        if let Ok(fitted) = nonlin::data::prepare_fitted(&d, &PrepareOptions::default()) {
            let _ = fitted.preprocessing.apply(&table);
        }
        let _ = prepare(&d, &PrepareOptions::default());
    }
});
