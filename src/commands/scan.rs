//! `imgsift scan`: list the images found, in one of the scan formats.

use std::io;

use super::{Io, Outcome, scan_inputs};
use crate::config::{ScanConfig, ScanOutput};
use crate::emit;
use crate::pipeline::Progress;

pub(super) fn run(
    config: &ScanConfig,
    io: &mut Io<'_>,
    progress: &dyn Progress,
) -> io::Result<Outcome> {
    let finished = scan_inputs(&config.inputs, &config.options, progress);
    let mut outcome = Outcome::Success;
    match &config.output {
        ScanOutput::Text => emit::write_text(io.out, &finished)?,
        ScanOutput::Json => emit::write_json(io.out, &finished)?,
        ScanOutput::Table => emit::write_table(io.out, &finished)?,
        ScanOutput::Why(query) => {
            if emit::write_why(io.out, &finished, query)? == 0 {
                io.note("no image found matches the --why reference")?;
                outcome = Outcome::NotSatisfied;
            }
        }
    }
    io.out.flush()?;
    io.report(&finished.diagnostics, outcome)
}
