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
pub mod reference;
pub mod registry;
pub mod resolve;
pub mod scan;
pub mod split;

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
        CommandConfig::Scan(scan_config) => {
            let finished = scan::scan(&scan_config.inputs, &scan_config.options, progress);
            let mut outcome = Outcome::Success;
            match &scan_config.output {
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
            for diagnostic in &finished.diagnostics {
                writeln!(err, "{diagnostic}")?;
            }
            if finished.has_errors() {
                outcome = Outcome::InputErrors;
            }
            Ok(outcome)
        }
    }
}
