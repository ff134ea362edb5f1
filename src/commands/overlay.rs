//! `imgsift overlay`: values overrides (or a kustomization) that point every image at the
//! private registry.

use std::io;

use super::{Io, Outcome};
use crate::config::OverlayConfig;
use crate::emit::overlay;
use crate::inventory::Finished;

pub(super) fn run(
    config: &OverlayConfig,
    finished: &Finished,
    io: &mut Io<'_>,
) -> io::Result<Outcome> {
    let overlay = overlay::overlay(finished, &config.mapping, config.format);
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
