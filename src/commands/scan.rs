//! `imgsift scan`: list the images found, in one of the scan formats.

use std::io;

use super::{Io, Outcome};
use crate::config::{ScanConfig, ScanOutput};
use crate::emit;
use crate::inventory::Finished;

pub(super) fn run(
    config: &ScanConfig,
    finished: &Finished,
    io: &mut Io<'_>,
) -> io::Result<Outcome> {
    let mut outcome = Outcome::Success;
    match &config.output {
        ScanOutput::Text => emit::write_text(io.out, finished)?,
        ScanOutput::Json => emit::write_json(io.out, finished)?,
        ScanOutput::Table => emit::write_table(io.out, finished)?,
        ScanOutput::Why(query) => {
            if emit::write_why(io.out, finished, query)? == 0 {
                io.note("no image found matches the --why reference")?;
                outcome = Outcome::NotSatisfied;
            }
        }
    }
    io.out.flush()?;
    io.report(&finished.diagnostics, outcome)
}
