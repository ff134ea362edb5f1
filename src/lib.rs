//! imgsift: find every container image a Kubernetes deployment will pull, offline.
//!
//! The flow goes one way: inputs (`input.rs`) -> documents (`split.rs`, `document.rs`) ->
//! extractors (`extract/`, with `kube.rs` and `reference.rs`) -> inventory (`inventory.rs`) ->
//! emitters (`emit/`). `scan.rs` drives it; [`run`] is the one entry point the binary calls.

pub mod archive;
pub mod cli;
pub mod config;
pub mod diag;
pub mod document;
pub mod emit;
pub mod extract;
pub mod input;
pub mod inventory;
pub mod kube;
pub mod overlay;
pub mod reference;
pub mod registry;
pub mod render;
pub mod resolve;
pub mod scan;
pub mod split;
pub mod tree;
pub mod write;

use std::io::{self, Write};

use config::{CommandConfig, Config, ScanOutput};
use scan::Progress;

/// How a run ended, as the contract's exit codes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// 0: every input read.
    Success,
    /// 1: `check` found violations, or `--why` matched no image.
    NotSatisfied,
    /// 2: an input could not be read or parsed (what could be read was still reported).
    InputErrors,
}

impl Outcome {
    /// The process exit code.
    pub fn code(self) -> u8 {
        match self {
            Outcome::Success => 0,
            Outcome::NotSatisfied => 1,
            Outcome::InputErrors => 2,
        }
    }
}

/// Runs a command, writing results to `out` and diagnostics to `err`.
pub fn run(
    config: &Config,
    out: &mut dyn Write,
    err: &mut dyn Write,
    progress: &dyn Progress,
) -> io::Result<Outcome> {
    match &config.command {
        CommandConfig::Scan(scan_config) => run_scan(scan_config, out, err, progress),
        CommandConfig::Overlay(overlay_config) => run_overlay(overlay_config, out, err, progress),
    }
}

fn report(
    err: &mut dyn Write,
    diagnostics: &[diag::Diagnostic],
    mut outcome: Outcome,
) -> io::Result<Outcome> {
    for diagnostic in diagnostics {
        writeln!(err, "{diagnostic}")?;
    }
    if diagnostics
        .iter()
        .any(|d| d.severity == diag::Severity::Error)
    {
        outcome = Outcome::InputErrors;
    }
    Ok(outcome)
}

fn run_scan(
    config: &config::ScanConfig,
    out: &mut dyn Write,
    err: &mut dyn Write,
    progress: &dyn Progress,
) -> io::Result<Outcome> {
    let finished = scan::scan(&config.inputs, &config.options, progress);
    let mut outcome = Outcome::Success;
    match &config.output {
        ScanOutput::Text => emit::write_text(out, &finished)?,
        ScanOutput::Json => emit::write_json(out, &finished)?,
        ScanOutput::Table => emit::write_table(out, &finished)?,
        ScanOutput::Why(query) => {
            if emit::write_why(out, &finished, query)? == 0 {
                writeln!(err, "imgsift: no image found matches the --why reference")?;
                outcome = Outcome::NotSatisfied;
            }
        }
    }
    out.flush()?;
    report(err, &finished.diagnostics, outcome)
}

fn run_overlay(
    config: &config::OverlayConfig,
    out: &mut dyn Write,
    err: &mut dyn Write,
    progress: &dyn Progress,
) -> io::Result<Outcome> {
    let mut inventory = scan::scan_inventory(&config.inputs, &config.options, progress);
    let values_docs = inventory.take_values_docs();
    let files = inventory.files().to_vec();
    let resolver = inventory.resolver();
    let finished = inventory.finish();
    let mut diagnostics = finished.diagnostics;
    let overlays: Vec<overlay::DocOverlay> = values_docs
        .iter()
        .map(|doc| overlay::overlay_doc(doc, &resolver, &config.mapping, &config.options.limits))
        .collect();
    for doc in &overlays {
        diagnostics.extend(doc.diagnostics.iter().cloned());
    }
    diagnostics.sort();
    diagnostics.dedup();
    if values_docs.is_empty() {
        writeln!(
            err,
            "imgsift: no Helm values file among the inputs (name one with --values, or a chart folder); nothing to overlay"
        )?;
    }
    let documents = overlay_documents(config, &overlays);
    match &config.out_dir {
        None => {
            let mut first = true;
            for (_, text) in &documents {
                if !first {
                    out.write_all(b"---\n")?;
                }
                first = false;
                out.write_all(text.as_bytes())?;
            }
            out.flush()?;
        }
        Some(dir) => {
            let targets: Vec<(std::path::PathBuf, &String)> = documents
                .iter()
                .map(|(name, text)| (write::under(dir, name), text))
                .collect();
            let paths: Vec<std::path::PathBuf> = targets.iter().map(|(p, _)| p.clone()).collect();
            if let Err(error) = write::refuse_inputs(&paths, &files) {
                writeln!(err, "imgsift: {error:#}")?;
                return Ok(Outcome::InputErrors);
            }
            for (path, text) in targets {
                if let Err(error) = write::atomically(&path, text.as_bytes()) {
                    writeln!(err, "imgsift: {error:#}")?;
                    return Ok(Outcome::InputErrors);
                }
                writeln!(err, "imgsift: wrote {}", path.display())?;
            }
        }
    }
    report(err, &diagnostics, Outcome::Success)
}

/// The overlay documents to print or write: (file name under --out-dir, text).
fn overlay_documents(
    config: &config::OverlayConfig,
    overlays: &[overlay::DocOverlay],
) -> Vec<(String, String)> {
    let registry = config.mapping.registry.base();
    match config.format {
        cli::OverlayFormat::Kustomize => {
            let files: Vec<&str> = overlays.iter().map(|o| &*o.file).collect();
            let mut text = format!(
                "# imgsift overlay: the images of {} pointed at {registry}\n",
                if files.is_empty() {
                    "no values file".to_owned()
                } else {
                    files.join(", ")
                }
            );
            text.push_str(&overlay::kustomize_images(overlays));
            vec![("kustomization.yaml".to_owned(), text)]
        }
        cli::OverlayFormat::Values => {
            // One output per values file; a file with several documents keeps them together.
            let mut by_file: Vec<(String, String)> = Vec::new();
            for doc in overlays.iter().filter(|o| !o.tree.is_empty()) {
                let text = format!(
                    "# imgsift overlay for {} (document {}): every image pointed at {registry}\n# helm ... -f {} -f <this file>\n{}",
                    doc.file,
                    doc.document,
                    doc.file,
                    overlay::render_document(&doc.tree)
                );
                match by_file.last_mut() {
                    Some((file, existing)) if *file == *doc.file => {
                        existing.push_str("---\n");
                        existing.push_str(&text);
                    }
                    _ => by_file.push((doc.file.to_string(), text)),
                }
            }
            by_file
        }
    }
}
