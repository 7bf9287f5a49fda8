//! Any text as an architecture spec, full (`12-5-relu-1`) or hidden part
//! (`16-relu-8`): errors are fine, panics are not.
#![no_main]

use libfuzzer_sys::fuzz_target;
use nonlin::model::Architecture;

fuzz_target!(|data: &[u8]| {
    if let Ok(spec) = std::str::from_utf8(data) {
        if let Ok(a) = Architecture::parse(spec) {
            let _ = a.to_string();
        }
        let _ = Architecture::parse_hidden(spec, 12);
    }
});
