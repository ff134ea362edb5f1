//! `imgsift render`: what `helm template` prints for a local chart, natively.

use std::io;

use super::{Io, Outcome};
use crate::config::RenderConfig;
use crate::render::helm;

pub(super) fn run(config: &RenderConfig, io: &mut Io<'_>) -> io::Result<Outcome> {
    match helm::template(&config.chart, &config.options) {
        Ok((text, _)) => {
            io.out.write_all(text.as_bytes())?;
            io.out.flush()?;
            Ok(Outcome::Success)
        }
        Err(failure) => {
            io.note(&format!("{}: {failure}", config.chart.display()))?;
            Ok(Outcome::InputErrors)
        }
    }
}
