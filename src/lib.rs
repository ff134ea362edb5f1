//! imgsift: find every container image a Kubernetes deployment will pull, offline.
//!
//! The flow goes one way: inputs (`input.rs`) -> documents (`split.rs`, `document.rs`) ->
//! extractors (`extract/`, with `kube.rs` and `reference.rs`) -> inventory (`inventory.rs`) ->
//! emitters (`emit/`). `scan.rs` drives it; [`run`] is the one entry point the binary calls.

pub mod archive;
pub mod check;
pub mod cli;
pub mod config;
pub mod diag;
pub mod document;
pub mod emit;
pub mod extract;
pub mod hosts;
pub mod input;
pub mod inventory;
pub mod kube;
pub mod mirror;
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
        CommandConfig::Mirror(mirror_config) => run_mirror(mirror_config, out, err, progress),
        CommandConfig::Hosts(hosts_config) => run_hosts(hosts_config, out, err, progress),
        CommandConfig::Check(check_config) => run_check(check_config, out, err, progress),
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
    let manifest_renames = match config.format {
        cli::OverlayFormat::Kustomize => {
            overlay::manifest_renames(&finished.images, &config.mapping)
        }
        cli::OverlayFormat::Values => Vec::new(),
    };
    let mut diagnostics = finished.diagnostics;
    if config.format == cli::OverlayFormat::Kustomize {
        diagnostics.extend(overlay::kustomize_unreachable(
            &finished.images,
            &config.mapping,
        ));
    }
    let overlays: Vec<overlay::DocOverlay> = values_docs
        .iter()
        .map(|doc| overlay::overlay_doc(doc, &resolver, &config.mapping, &config.options.limits))
        .collect();
    for doc in &overlays {
        diagnostics.extend(doc.diagnostics.iter().cloned());
    }
    diagnostics.sort();
    diagnostics.dedup();
    if values_docs.is_empty() && manifest_renames.is_empty() {
        writeln!(
            err,
            "imgsift: no Helm values file among the inputs (name one with --values, or a chart folder); nothing to overlay"
        )?;
    }
    let rendered = overlay_documents(config, &overlays, &manifest_renames);
    let target = (config.out_dir.as_deref(), files.as_slice());
    deliver(out, err, target, &rendered, &diagnostics)
}

/// Writes output files under `dir` (each at [`write::under`] its name), refusing the whole
/// set when one would replace an input. `Ok(false)` when something was refused or failed
/// (said on `err`).
fn write_files(
    dir: &std::path::Path,
    files: &[write::OutputFile],
    inputs: &[std::path::PathBuf],
    err: &mut dyn Write,
) -> io::Result<bool> {
    let paths: Vec<std::path::PathBuf> = files.iter().map(|f| write::under(dir, &f.name)).collect();
    if let Err(error) = write::refuse_inputs(&paths, inputs) {
        writeln!(err, "imgsift: {error:#}")?;
        return Ok(false);
    }
    for (path, file) in paths.iter().zip(files) {
        let written = if file.executable {
            write::atomically_executable(path, file.text.as_bytes())
        } else {
            write::atomically(path, file.text.as_bytes())
        };
        if let Err(error) = written {
            writeln!(err, "imgsift: {error:#}")?;
            return Ok(false);
        }
        writeln!(err, "imgsift: wrote {}", path.display())?;
    }
    Ok(true)
}

/// Says why a plan was refused, then the run's diagnostics; the outcome is an input error.
fn refuse(
    err: &mut dyn Write,
    problems: &[String],
    diagnostics: &[diag::Diagnostic],
) -> io::Result<Outcome> {
    for problem in problems {
        writeln!(err, "imgsift: {problem}")?;
    }
    writeln!(err, "imgsift: nothing was written")?;
    report(err, diagnostics, Outcome::InputErrors)
}

/// Writes the files under `out_dir`, or prints the printed text when there is no
/// `out_dir`, then reports the run's diagnostics.
fn deliver(
    out: &mut dyn Write,
    err: &mut dyn Write,
    (out_dir, inputs): (Option<&std::path::Path>, &[std::path::PathBuf]),
    rendered: &write::Rendered,
    diagnostics: &[diag::Diagnostic],
) -> io::Result<Outcome> {
    let delivered = match out_dir {
        Some(dir) => write_files(dir, &rendered.files, inputs, err)?,
        None => {
            out.write_all(rendered.printed.as_bytes())?;
            out.flush()?;
            true
        }
    };
    let outcome = if delivered {
        Outcome::Success
    } else {
        Outcome::InputErrors
    };
    report(err, diagnostics, outcome)
}

fn run_mirror(
    config: &config::MirrorConfig,
    out: &mut dyn Write,
    err: &mut dyn Write,
    progress: &dyn Progress,
) -> io::Result<Outcome> {
    let inventory = scan::scan_inventory(&config.inputs, &config.options, progress);
    let files_read = inventory.files().to_vec();
    let finished = inventory.finish();
    let pairs = match mirror::plan(&finished.images, &config.mapping) {
        Ok(pairs) => pairs,
        Err(problems) => return refuse(err, &problems, &finished.diagnostics),
    };
    // A values entry without a tag has no reference to copy; each has its own warning, and
    // this line says that the output is short of them.
    let unresolved = finished.unresolved.len();
    if unresolved > 0 {
        writeln!(
            err,
            "imgsift: {unresolved} values entr{} without a tag left out; scan them with the render that gives their tags",
            if unresolved == 1 { "y" } else { "ies" }
        )?;
    }
    let rendered = match &config.output {
        config::MirrorOutput::Format(format) => mirror::write(*format, &pairs, &config.mapping),
        config::MirrorOutput::Template(name, text) => {
            mirror::write_template(name, text, &pairs, &config.mapping)
        }
    };
    let rendered = match rendered {
        Ok(rendered) => rendered,
        Err(problem) => return refuse(err, &[problem], &finished.diagnostics),
    };
    let target = (config.out_dir.as_deref(), files_read.as_slice());
    deliver(out, err, target, &rendered, &finished.diagnostics)
}

fn run_hosts(
    config: &config::HostsConfig,
    out: &mut dyn Write,
    err: &mut dyn Write,
    progress: &dyn Progress,
) -> io::Result<Outcome> {
    let inventory = scan::scan_inventory(&config.inputs, &config.options, progress);
    let files_read = inventory.files().to_vec();
    let finished = inventory.finish();
    let registries = hosts::registries(&finished.images, &config.hosts);
    let problems = hosts::nesting_problems(&registries, &config.hosts);
    if !problems.is_empty() {
        return refuse(err, &problems, &finished.diagnostics);
    }
    let files = match config.format {
        cli::HostsFormat::Containerd => hosts::containerd(&registries, &config.hosts),
        cli::HostsFormat::K3s => vec![hosts::k3s(&registries, &config.hosts)],
    };
    if registries.is_empty() {
        writeln!(
            err,
            "imgsift: no image from a registry other than the mirror was found"
        )?;
    }
    let rendered = write::Rendered::with_headers(files);
    let target = (config.out_dir.as_deref(), files_read.as_slice());
    deliver(out, err, target, &rendered, &finished.diagnostics)
}

fn run_check(
    config: &config::CheckConfig,
    out: &mut dyn Write,
    err: &mut dyn Write,
    progress: &dyn Progress,
) -> io::Result<Outcome> {
    let finished = scan::scan(&config.inputs, &config.options, progress);
    let violations = check::check(&finished, &config.check);
    for violation in &violations {
        writeln!(out, "{violation}")?;
    }
    out.flush()?;
    // Values entries without a tag are images too, just not nameable ones.
    let images = finished.images.len() + finished.unresolved.len();
    let outcome = if violations.is_empty() {
        writeln!(
            err,
            "imgsift: {images} image{} checked, every one pulled from {}",
            if images == 1 { "" } else { "s" },
            config.check.registry.base()
        )?;
        Outcome::Success
    } else {
        let failing: std::collections::BTreeSet<&str> =
            violations.iter().map(|v| v.reference.as_str()).collect();
        writeln!(
            err,
            "imgsift: {} violation{} in {} of {images} image{}",
            violations.len(),
            if violations.len() == 1 { "" } else { "s" },
            failing.len(),
            if images == 1 { "" } else { "s" },
        )?;
        Outcome::NotSatisfied
    };
    report(err, &finished.diagnostics, outcome)
}

/// The overlay documents: one file per values file (the path as given, under --out-dir),
/// printed as YAML documents one after the other.
fn overlay_documents(
    config: &config::OverlayConfig,
    overlays: &[overlay::DocOverlay],
    manifest_renames: &[overlay::Renamed],
) -> write::Rendered {
    let registry = config.mapping.registry.base();
    match config.format {
        cli::OverlayFormat::Kustomize => {
            let mut files: Vec<&str> = overlays.iter().map(|o| &*o.file).collect();
            if !manifest_renames.is_empty() {
                files.push("the manifests' containers");
            }
            let mut text = format!(
                "# imgsift overlay: the images of {} pointed at {registry}\n",
                if files.is_empty() {
                    "no values file".to_owned()
                } else {
                    files.join(", ")
                }
            );
            text.push_str(&overlay::kustomize_images(overlays, manifest_renames));
            write::Rendered::as_documents(vec![write::OutputFile::new("kustomization.yaml", text)])
        }
        cli::OverlayFormat::Values => {
            // One output per values file; a file with several documents keeps them together.
            let mut by_file: Vec<write::OutputFile> = Vec::new();
            for doc in overlays.iter().filter(|o| !o.tree.is_empty()) {
                let text = format!(
                    "# imgsift overlay for {} (document {}): every image pointed at {registry}\n# helm ... -f {} -f <this file>\n{}",
                    doc.file,
                    doc.document,
                    doc.file,
                    overlay::render_document(&doc.tree)
                );
                match by_file.last_mut() {
                    Some(file) if file.name == *doc.file => {
                        file.text.push_str("---\n");
                        file.text.push_str(&text);
                    }
                    _ => by_file.push(write::OutputFile::new(doc.file.to_string(), text)),
                }
            }
            write::Rendered::as_documents(by_file)
        }
    }
}
