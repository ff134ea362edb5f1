//! kustomize's transforms on arbitrary trees: the input's first document is a resource, the
//! second a strategic-merge patch, the third a JSON 6902 operation list, the fourth an
//! `images:` list. Merging, patching and rewriting never panic or hang, and the result reads
//! back as a document the extractors accept.
#![no_main]

use std::sync::Arc;

use imgsift::documents::Tree;
use imgsift::documents::yaml::{Limits, load};
use imgsift::extract::{ExtractOptions, Output, extract_document};
use imgsift::inputs::Role;
use imgsift::render::kustomize::{images, patch};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let limits = Limits {
        max_document_bytes: 1 << 16,
        max_nodes: 10_000,
        max_expanded_nodes: 50_000,
        max_depth: 64,
    };
    let Ok(docs) = load(text, 1, &limits) else {
        return;
    };
    let file: Arc<str> = Arc::from("fuzz.yaml");
    let trees: Vec<Tree> = docs
        .iter()
        .filter_map(|doc| doc.root().map(|root| Tree::from_doc(doc, root, &file)))
        .collect();
    let Some(mut resource) = trees.first().cloned() else {
        return;
    };
    if let Some(smp) = trees.get(1) {
        patch::merge(&mut resource, smp, true);
    }
    if let Some(ops) = trees.get(2) {
        let mut allowance = patch::Allowance {
            nodes: 100_000,
            depth: 64,
        };
        let _ = patch::json6902(&mut resource, ops, "fuzz patch", &mut allowance);
    }
    if let Some(list) = trees.get(3) {
        let entries: Vec<images::ImageEntry> = list
            .items()
            .iter()
            .map(|item| {
                let field = |key: &str| item.get(key).and_then(Tree::text).unwrap_or("").to_owned();
                images::ImageEntry::new(
                    &field("name"),
                    &field("newName"),
                    &field("newTag"),
                    &field("digest"),
                    "fuzz images".to_owned(),
                )
            })
            .collect();
        images::transform(&mut resource, &entries);
    }
    let doc = resource.into_doc();
    let mut out = Output::default();
    let options = ExtractOptions {
        strict: false,
        skip_test_hooks: false,
        keep_sources: true,
        keep_shapes: false,
        limits,
        load_restrictor: Default::default(),
        rules: None,
    };
    extract_document(&doc, &file, 1, options, Role::Manifest, &mut out);
});
