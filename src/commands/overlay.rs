//! `imgsift overlay`: values overrides (or a kustomization) that point every image at the
//! private registry.

use std::io;

use super::{Io, Outcome, scan_inputs};
use crate::config::OverlayConfig;
use crate::emit::overlay;
use crate::pipeline::Progress;

pub(super) fn run(
    config: &OverlayConfig,
    io: &mut Io<'_>,
    progress: &dyn Progress,
) -> io::Result<Outcome> {
    let finished = scan_inputs(&config.inputs, &config.options, progress);
    let overlay = overlay::overlay(&finished, &config.mapping, config.format);
    if overlay.nothing {
        io.note(
            "no Helm values file among the inputs (name one with --values, or a chart folder); nothing to overlay",
        )?;
    }
    io.deliver(
        config.out_dir.as_deref(),
        &finished.files,
        &overlay.emitted,
        &overlay.diagnostics,
    )
}
