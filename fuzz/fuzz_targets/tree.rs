//! Renders from files on disk: the input is a small tree of files (`=== path` lines start
//! each file), written to a fresh folder and scanned as a user's folder would be, so that
//! kustomize builds (resources, patches, generators, components, `../` paths) and Helm charts
//! (templates, values, `charts/` subfolders) run on it. The same files are also packaged as a
//! chart archive whose entry names are written as given (`../`, `/` and all) and scanned as a
//! named `.tgz`. Nothing panics or hangs, and nothing is read or written outside the folder.
#![no_main]

use std::io::Write;
use std::path::{Component, Path, PathBuf};

use imgsift::documents::Limits;
use imgsift::extract::ExtractOptions;
use imgsift::inputs::Input;
use imgsift::pipeline::{NoProgress, scan};
use libfuzzer_sys::fuzz_target;

/// At most this many files: a tree is small, its shape is what matters.
const MAX_FILES: usize = 24;

/// A relative path inside the tree, or nothing: only normal parts are kept, so a file is
/// always written inside the folder (the kustomization itself may still name `../x`).
fn inside(name: &str) -> Option<PathBuf> {
    let mut path = PathBuf::new();
    for part in Path::new(name.trim()).components() {
        if let Component::Normal(part) = part {
            path.push(part);
        }
    }
    (!path.as_os_str().is_empty() && path.components().count() <= 8).then_some(path)
}

/// A gzip-compressed tar of `files` under `chart/`, entry names as given.
fn archive(files: &[(&str, &str)]) -> Option<Vec<u8>> {
    let mut builder = tar::Builder::new(flate2::write::GzEncoder::new(
        Vec::new(),
        flate2::Compression::fast(),
    ));
    for (name, body) in files {
        let entry = format!("chart/{}", name.trim());
        let mut header = tar::Header::new_gnu();
        let field = &mut header.as_old_mut().name;
        let bytes = entry.as_bytes();
        let n = bytes.len().min(field.len());
        field[..n].copy_from_slice(&bytes[..n]);
        header.set_size(body.len() as u64);
        header.set_mode(0o644);
        header.set_entry_type(tar::EntryType::Regular);
        header.set_cksum();
        builder.append(&header, body.as_bytes()).ok()?;
    }
    builder.into_inner().ok()?.finish().ok()
}

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let Ok(dir) = tempfile::tempdir() else {
        return;
    };
    let root = dir.path().join("root");
    let mut files: Vec<(&str, &str)> = Vec::new();
    for section in text.split("=== ").filter(|s| !s.is_empty()).take(MAX_FILES) {
        let (name, body) = section.split_once('\n').unwrap_or((section, ""));
        let Some(path) = inside(name) else {
            continue;
        };
        let path = root.join(path);
        let written = path
            .parent()
            .map_or(Ok(()), std::fs::create_dir_all)
            .and_then(|()| std::fs::File::create(&path))
            .and_then(|mut file| file.write_all(body.as_bytes()));
        if written.is_ok() {
            files.push((name, body));
        }
    }
    let mut inputs = vec![Input::Path(root)];
    if let Some(bytes) = archive(&files) {
        let packaged = dir.path().join("chart.tgz");
        if std::fs::write(&packaged, bytes).is_ok() {
            inputs.push(Input::Path(packaged));
        }
    }
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
    let inventory = scan(&inputs, &options, None, &NoProgress);
    let finished = inventory.finish();
    for image in &finished.images {
        assert!(!image.reference.to_string().is_empty());
    }
});
