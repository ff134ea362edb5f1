//! `imgsift mirror`: what a mirroring tool needs to copy every image into the private
//! registry.

use std::io;

use super::{Io, Outcome, plural};
use crate::config::{MirrorConfig, MirrorOutput};
use crate::emit::mirror;
use crate::inventory::Finished;
use crate::registry::mapping;

pub(super) fn run(
    config: &MirrorConfig,
    finished: &Finished,
    io: &mut Io<'_>,
) -> io::Result<Outcome> {
    if let Some(charts) = &config.charts {
        return run_charts(config, charts, finished, io);
    }
    let pairs = match mapping::plan(&finished.images, &config.mapping) {
        Ok(pairs) => pairs,
        Err(problems) => return io.refuse(&problems, &finished.diagnostics),
    };
    // A values entry without a tag has no reference to copy; each has its own warning, and
    // this line says that the output is short of them.
    let unresolved = finished.unresolved.len();
    if unresolved > 0 {
        io.note(&format!(
            "{} without a tag left out; scan them with the render that gives their tags",
            plural(unresolved, "values entry", "values entries")
        ))?;
    }
    let emitted = match &config.output {
        MirrorOutput::Format(format) => mirror::write(*format, &pairs, &config.mapping),
        MirrorOutput::Template(name, text) => {
            mirror::write_template(name, text, &pairs, &config.mapping)
        }
    };
    let emitted = match emitted {
        Ok(emitted) => emitted,
        Err(problem) => return io.refuse(&[problem], &finished.diagnostics),
    };
    io.deliver(
        config.out_dir.as_deref(),
        &finished.files,
        &emitted,
        &finished.diagnostics,
    )
}

/// `mirror --charts`: every chart the inputs pull, copied into the OCI registry.
fn run_charts(
    config: &MirrorConfig,
    charts: &crate::config::ChartMirror,
    finished: &Finished,
    io: &mut Io<'_>,
) -> io::Result<Outcome> {
    let (copies, left) = mirror::charts::plan(&finished.charts, &charts.registry);
    for note in &left {
        io.note(note)?;
    }
    if copies.is_empty() {
        io.note("no chart to copy was found")?;
    }
    let emitted = match mirror::charts::write(charts.format, &copies, &charts.registry) {
        Ok(emitted) => emitted,
        Err(problem) => return io.refuse(&[problem], &finished.diagnostics),
    };
    // Which charts to copy does not depend on whether they are at hand: a chart missing from
    // --charts-dir is one this run fetches, not an error of it.
    let diagnostics: Vec<_> = finished
        .diagnostics
        .iter()
        .filter(|d| !crate::diag::Code::CHART_NOT_AT_HAND.contains(&d.code))
        .cloned()
        .collect();
    io.deliver(
        config.out_dir.as_deref(),
        &finished.files,
        &emitted,
        &diagnostics,
    )
}
