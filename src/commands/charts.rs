//! `imgsift charts`: every Helm chart the inputs pull, once, sorted.

use std::io;

use super::{Io, Outcome};
use crate::config::ChartsConfig;
use crate::diag::Code;
use crate::emit::charts;
use crate::inventory::Finished;

pub(super) fn run(
    config: &ChartsConfig,
    finished: &Finished,
    io: &mut Io<'_>,
) -> io::Result<Outcome> {
    charts::write(io.out, &finished.charts, config.format)?;
    io.out.flush()?;
    if finished.charts.is_empty() {
        io.note("the inputs name no Helm chart")?;
    }
    // Whether an image is resolved or used is not this command's concern: those warnings are
    // left to `scan`. A chart not at hand is what this command lists (LOCAL says so), not an
    // error of its run. Other errors, and warnings about charts and their sources, stay.
    let diagnostics: Vec<_> = finished
        .diagnostics
        .iter()
        .filter(|d| !Code::CHART_NOT_AT_HAND.contains(&d.code))
        .filter(|d| d.is_error() || !d.code.as_str().starts_with(['R', 'V']))
        .cloned()
        .collect();
    io.report(&diagnostics, Outcome::Success)
}
