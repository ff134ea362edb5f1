//! The image-reference grammar on arbitrary strings: it never panics, and printing a
//! normalized reference then normalizing it again gives the same reference.
#![no_main]

use imgsift::reference::Reference;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let _ = Reference::parse(text);
    if let Ok(reference) = Reference::parse_normalized(text) {
        let printed = reference.to_string();
        match Reference::parse_normalized(&printed) {
            Ok(again) => assert_eq!(again, reference, "{text:?} printed as {printed:?}"),
            Err(err) => panic!("{text:?} normalized to {printed:?}, which does not parse: {err}"),
        }
    }
});
