//! The whole pipeline on arbitrary bytes: splitting, decoding, parsing with limits, extraction
//! of every class, values resolution. It never panics and never hangs; problems are
//! diagnostics. Small limits make the bounds reachable by the fuzzer.
#![no_main]

use std::sync::Arc;

use imgsift::documents::Limits;
use imgsift::extract::ExtractOptions;
use imgsift::inputs::Role;
use imgsift::inventory::Inventory;
use imgsift::pipeline::scan_stream;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let limits = Limits {
        max_document_bytes: 1 << 16,
        max_nodes: 10_000,
        max_expanded_nodes: 50_000,
        max_depth: 64,
    };
    let options = ExtractOptions {
        strict: false,
        skip_test_hooks: false,
        keep_sources: true,
        keep_shapes: true,
        limits,
        load_restrictor: Default::default(),
        rules: None,
    };
    let file: Arc<str> = Arc::from("fuzz.yaml");
    for role in [Role::Auto, Role::Values] {
        let mut inventory = Inventory::new(true);
        scan_stream(data, &file, role, &options, &mut inventory);
        let finished = inventory.finish();
        for image in &finished.images {
            assert!(!image.reference.to_string().is_empty());
        }
    }
});
