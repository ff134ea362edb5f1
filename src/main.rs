//! The imgsift binary: parse flags, call the library, turn the result into an exit code.

mod progress;

use std::io::{self, BufWriter, IsTerminal, Write};
use std::process::ExitCode;

use clap::Parser;

use imgsift::cli::Cli;
use imgsift::config::Config;

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
        // The main thread is one of the pool's threads, so `-j N` runs N threads, and
        // `-j 1` runs everything on the main thread alone.
        if let Err(err) = rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .use_current_thread()
            .build_global()
        {
            let _ = writeln!(stderr, "imgsift: cannot start {threads} threads: {err}");
            return ExitCode::from(2);
        }
    }
    let progress = progress::TerminalProgress::new(io::stderr().is_terminal());
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
