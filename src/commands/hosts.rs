//! `imgsift hosts`: registry-mirror configuration for the nodes' container runtime.

use std::io;

use super::{Io, Outcome};
use crate::config::HostsConfig;
use crate::emit::files::Emitted;
use crate::emit::hosts::{self, Format};
use crate::inventory::Finished;
use crate::registry::mapping;

pub(super) fn run(
    config: &HostsConfig,
    finished: &Finished,
    io: &mut Io<'_>,
) -> io::Result<Outcome> {
    let mirror = config.hosts.mirror.registry();
    let registries = mapping::source_registries(&finished.images, mirror);
    let problems = mapping::nesting_problems(&registries, mirror, config.hosts.keep_registry_path);
    if !problems.is_empty() {
        return io.refuse(&problems, &finished.diagnostics);
    }
    let files = match config.format {
        Format::Containerd => hosts::containerd(&registries, &config.hosts),
        Format::K3s => vec![hosts::k3s(&registries, &config.hosts)],
    };
    if registries.is_empty() {
        io.note("no image from a registry other than the mirror was found")?;
    }
    let emitted = Emitted::with_headers(files);
    io.deliver(
        config.out_dir.as_deref(),
        &finished.files,
        &emitted,
        &finished.diagnostics,
    )
}
