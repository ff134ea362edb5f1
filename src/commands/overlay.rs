//! `imgsift overlay`: values overrides (or a kustomization) that point every image at the
//! private registry.

use std::io;

use super::{Io, Outcome};
use crate::config::OverlayConfig;
use crate::diag::Code;
use crate::emit::files::Emitted;
use crate::emit::overlay;
use crate::inventory::Finished;

pub(super) fn run(
    config: &OverlayConfig,
    finished: &Finished,
    io: &mut Io<'_>,
) -> io::Result<Outcome> {
    let mut emitted = Emitted::concatenated(Vec::new());
    let mut diagnostics = finished.diagnostics.clone();
    if let Some(mapping) = &config.mapping {
        let overlay = overlay::overlay(finished, mapping, config.format);
        if overlay.nothing {
            io.note(
                "no Helm values file among the inputs (name one with --values, or a chart folder); nothing to overlay",
            )?;
        }
        emitted = overlay.emitted;
        diagnostics = overlay.diagnostics;
    }
    if let Some(registry) = &config.charts_registry {
        let charts = overlay::charts::overlay(finished, registry);
        for note in &charts.notes {
            io.note(note)?;
        }
        if charts.files.is_empty() {
            io.note("no chart source to point at the charts registry was found")?;
        }
        let mut files = emitted.files;
        files.extend(charts.files.iter().cloned());
        let printed = if emitted.printed.is_empty() {
            charts.emitted().printed
        } else if charts.files.is_empty() {
            emitted.printed
        } else {
            format!("{}---\n{}", emitted.printed, charts.emitted().printed)
        };
        emitted = Emitted { files, printed };
        // Where a chart is has no bearing on pointing its source at the mirror.
        let missing = [
            Code::ChartMissing,
            Code::ChartNotEmbedded,
            Code::ChartNotFound,
        ];
        diagnostics.retain(|d| !missing.contains(&d.code));
    }
    io.deliver(
        config.out_dir.as_deref(),
        &finished.files,
        &emitted,
        &diagnostics,
    )
}
