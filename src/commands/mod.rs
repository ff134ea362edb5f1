//! Commands: one module per subcommand, each turning its configuration into output.
//!
//! Every command runs the same flow — the pipeline scans the inputs into a finished inventory,
//! an emitter turns it into text, the text is printed or written — and ends the same way: the
//! run's diagnostics are printed and decide the exit code. That shared frame is here (the scan
//! is run once, before the command sees the inventory); what differs is in each command's file. A new command is a file here, a variant of
//! [`CommandConfig`], and its flags in `cli.rs` / `config.rs`.

mod charts;
mod check;
mod hosts;
mod mirror;
mod overlay;
mod render;
mod scan;

use std::io::{self, Write};
use std::path::{Path, PathBuf};

use crate::config::{CommandConfig, Config};
use crate::diag::Diagnostic;
use crate::emit::files::{self, Emitted};
use crate::pipeline::{self, Progress};

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
    let mut io = Io { out, err };
    if let CommandConfig::Render(config) = &config.command {
        return render::run(config, &mut io);
    }
    let mut store_diagnostics = Vec::new();
    let charts = pipeline::ChartOptions {
        store: crate::render::release::Store::open(&config.charts.dirs, &mut store_diagnostics),
        allow_missing: config.charts.allow_missing,
    };
    let mut inventory = pipeline::scan(
        &config.inputs,
        &config.options,
        config.helm.as_ref(),
        &charts,
        progress,
    );
    for diagnostic in store_diagnostics {
        inventory.diagnose(diagnostic);
    }
    let mut finished = inventory.finish();
    if let Some(rules) = config.options.rules {
        crate::inventory::rules::apply(&mut finished, rules, config.options.keep_sources);
    }
    match &config.command {
        CommandConfig::Scan(config) => scan::run(config, &finished, &mut io),
        CommandConfig::Overlay(overlay_config) => {
            overlay::run(overlay_config, config, &finished, &mut io)
        }
        CommandConfig::Mirror(config) => mirror::run(config, &finished, &mut io),
        CommandConfig::Hosts(config) => hosts::run(config, &finished, &mut io),
        CommandConfig::Check(config) => check::run(config, &finished, &mut io),
        CommandConfig::Charts(config) => charts::run(config, &finished, &mut io),
        CommandConfig::Render(_) => Ok(Outcome::Success),
    }
}

/// Where a command writes: results to `out`, diagnostics and notes to `err`.
struct Io<'a> {
    out: &'a mut dyn Write,
    err: &'a mut dyn Write,
}

impl Io<'_> {
    /// A note for people on standard error (`imgsift: ...`).
    fn note(&mut self, text: &str) -> io::Result<()> {
        writeln!(self.err, "imgsift: {text}")
    }

    /// Prints the run's diagnostics; any error among them makes the outcome an input error.
    fn report(&mut self, diagnostics: &[Diagnostic], outcome: Outcome) -> io::Result<Outcome> {
        for diagnostic in diagnostics {
            writeln!(self.err, "{diagnostic}")?;
        }
        if diagnostics.iter().any(Diagnostic::is_error) {
            return Ok(Outcome::InputErrors);
        }
        Ok(outcome)
    }

    /// Says why a plan was refused, then the run's diagnostics; the outcome is an input
    /// error.
    fn refuse(&mut self, problems: &[String], diagnostics: &[Diagnostic]) -> io::Result<Outcome> {
        for problem in problems {
            self.note(problem)?;
        }
        self.note("nothing was written")?;
        self.report(diagnostics, Outcome::InputErrors)
    }

    /// Prints `emitted`, or writes its files under `out_dir`, then reports the run's
    /// diagnostics.
    fn deliver(
        &mut self,
        out_dir: Option<&Path>,
        inputs: &[PathBuf],
        emitted: &Emitted,
        diagnostics: &[Diagnostic],
    ) -> io::Result<Outcome> {
        let delivered = files::deliver(self.out, self.err, out_dir, inputs, emitted)?;
        let outcome = if delivered {
            Outcome::Success
        } else {
            Outcome::InputErrors
        };
        self.report(diagnostics, outcome)
    }
}

/// `n` and the noun, plural when `n` is not 1 (`1 image`, `2 images`).
fn plural(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}
