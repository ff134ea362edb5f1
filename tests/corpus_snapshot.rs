//! Every image of every file of ../shared/corpus, against a reviewed snapshot.
//!
//! A change to a guessing class (env vars, flags, ConfigMaps, values shapes) can find an image
//! in one file and invent one in another. This test scans each corpus input the way a user
//! would (a manifest file, a values file with `--values`, a chart folder rendered, a kustomize
//! root built) and lists, per input, every image with the classes that found it, every
//! unresolved values entry, and the diagnostic codes. The snapshot
//! (`tests/snapshots/corpus_snapshot__corpus_images.snap`) was reviewed image by image: a line
//! that appears or disappears is a finding to review, never to accept blindly.

mod common;

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;
use std::path::Path;

use common::imgsift;
use serde_json::Value;

const CORPUS: &str = "../shared/corpus";

/// The inputs: (arguments, label). Folders of single files are listed file by file so that
/// each line says which file an image is from.
fn inputs() -> Vec<(Vec<String>, String)> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join(CORPUS);
    let mut inputs = Vec::new();
    let files = |dir: &str| -> Vec<String> {
        let mut names: Vec<String> = std::fs::read_dir(root.join(dir))
            .unwrap_or_else(|e| panic!("{dir}: {e}"))
            .filter_map(|entry| entry.ok())
            .map(|entry| entry.file_name().to_string_lossy().into_owned())
            .filter(|name| name.ends_with(".yaml"))
            .collect();
        names.sort();
        names
    };
    for dir in ["rendered", "charts-rendered", "realworld"] {
        for name in files(dir) {
            let path = format!("{CORPUS}/{dir}/{name}");
            let mut args = vec!["scan".to_owned(), "-o".to_owned(), "json".to_owned()];
            if name.ends_with(".values.yaml") {
                args.push("--values".to_owned());
            }
            args.push(path.clone());
            inputs.push((args, path));
        }
    }
    // Values files beside the Chart.yaml files they take their appVersion from: one folder.
    for path in [
        format!("{CORPUS}/charts-values"),
        format!("{CORPUS}/kubeflow/rendered.yaml"),
        format!("{CORPUS}/kubeflow/kustomize-src"),
    ] {
        inputs.push((
            vec!["scan".into(), "-o".into(), "json".into(), path.clone()],
            path,
        ));
    }
    let deploykf = format!("{CORPUS}/deploykf/default_values.yaml");
    inputs.push((
        vec![
            "scan".into(),
            "-o".into(),
            "json".into(),
            "--values".into(),
            deploykf.clone(),
        ],
        deploykf,
    ));
    let mut charts: Vec<String> = std::fs::read_dir(root.join("charts"))
        .unwrap_or_else(|e| panic!("charts: {e}"))
        .filter_map(|entry| entry.ok())
        .filter(|entry| entry.path().is_dir())
        .map(|entry| entry.file_name().to_string_lossy().into_owned())
        .collect();
    charts.sort();
    for chart in charts {
        let path = format!("{CORPUS}/charts/{chart}");
        inputs.push((
            vec!["scan".into(), "-o".into(), "json".into(), path.clone()],
            path,
        ));
    }
    inputs
}

fn describe(label: &str, json: &Value, out: &mut String) {
    let label = label.trim_start_matches(CORPUS).trim_start_matches('/');
    for image in json["images"].as_array().into_iter().flatten() {
        let classes: BTreeSet<&str> = image["sources"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|s| s["class"].as_str())
            .collect();
        let classes: Vec<&str> = classes.into_iter().collect();
        let reference = image["ref"].as_str().unwrap_or_default();
        let _ = writeln!(out, "{label}  {reference}  {}", classes.join(","));
    }
    for entry in json["unresolved"].as_array().into_iter().flatten() {
        let _ = writeln!(
            out,
            "{label}  unresolved {} at {}",
            entry["repository"].as_str().unwrap_or_default(),
            entry["path"].as_str().unwrap_or_default()
        );
    }
    let mut codes: BTreeMap<&str, usize> = BTreeMap::new();
    for diagnostic in json["diagnostics"].as_array().into_iter().flatten() {
        *codes
            .entry(diagnostic["code"].as_str().unwrap_or("?"))
            .or_default() += 1;
    }
    for (code, count) in codes {
        let _ = writeln!(out, "{label}  diagnostics {code} × {count}");
    }
}

#[test]
fn corpus_images() {
    let mut out = String::new();
    let mut scanned = 0;
    for (args, label) in inputs() {
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let run = imgsift(&args);
        assert!(
            run.code == 0 || run.code == 2,
            "{label}: exit {}: {}",
            run.code,
            run.stderr
        );
        describe(&label, &run.json(), &mut out);
        scanned += 1;
    }
    assert!(scanned > 40, "only {scanned} corpus inputs were found");
    insta::assert_snapshot!("corpus_images", out);
}
