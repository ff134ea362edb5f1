//! The imgsift binary: parse flags, call the library, turn the result into an exit code.

use std::io::{self, BufWriter, IsTerminal, Write};
use std::process::ExitCode;
use std::time::Duration;

use clap::Parser;
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

use imgsift::cli::Cli;
use imgsift::config::Config;
use imgsift::scan::Progress;

/// Walks shorter than this finish before a bar would be worth reading.
const PROGRESS_MIN_FILES: u64 = 200;

/// Progress on standard error, drawn only when it is a terminal.
struct TerminalProgress {
    bar: Option<ProgressBar>,
}

impl TerminalProgress {
    fn new(enabled: bool) -> Self {
        let bar = enabled.then(|| {
            let bar = ProgressBar::with_draw_target(None, ProgressDrawTarget::hidden());
            if let Ok(style) = ProgressStyle::with_template("{spinner} scanning {pos}/{len} files")
            {
                bar.set_style(style);
            }
            bar
        });
        TerminalProgress { bar }
    }
}

impl Progress for TerminalProgress {
    fn start(&self, total: u64) {
        if let Some(bar) = &self.bar {
            bar.set_length(total);
            bar.set_position(0);
            if total >= PROGRESS_MIN_FILES {
                bar.set_draw_target(ProgressDrawTarget::stderr());
                bar.enable_steady_tick(Duration::from_millis(120));
            }
        }
    }

    fn advance(&self) {
        if let Some(bar) = &self.bar {
            bar.inc(1);
        }
    }

    fn finish(&self) {
        if let Some(bar) = &self.bar {
            bar.finish_and_clear();
            bar.set_draw_target(ProgressDrawTarget::hidden());
        }
    }
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    // Not locked for the whole run: the progress bar's thread writes to stderr too.
    let mut stderr = io::stderr();
    let config = match Config::from_cli(cli, io::stdin().is_terminal()) {
        Ok(config) => config,
        Err(err) => {
            let _ = writeln!(stderr, "imgsift: {err:#}");
            return ExitCode::from(2);
        }
    };
    if let Some(threads) = config.threads {
        if let Err(err) = rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build_global()
        {
            let _ = writeln!(stderr, "imgsift: cannot start {threads} threads: {err}");
            return ExitCode::from(2);
        }
    }
    let progress = TerminalProgress::new(io::stderr().is_terminal());
    let mut stdout = BufWriter::with_capacity(64 << 10, io::stdout().lock());
    match imgsift::run(&config, &mut stdout, &mut stderr, &progress) {
        Ok(outcome) => ExitCode::from(outcome.code()),
        // A closed pipe (`imgsift scan | head`) is the reader's choice, not a failure.
        Err(err) if err.kind() == io::ErrorKind::BrokenPipe => ExitCode::SUCCESS,
        Err(err) => {
            let _ = writeln!(stderr, "imgsift: {err}");
            ExitCode::from(2)
        }
    }
}
