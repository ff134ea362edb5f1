//! The rule file's reader on arbitrary text: every problem is a diagnostic with a position,
//! never a panic.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let rules = imgsift::rules::parse(text, ".imgsift.yaml");
    for diagnostic in &rules.diagnostics {
        assert!(diagnostic.line >= 1 && diagnostic.column >= 1);
    }
});
