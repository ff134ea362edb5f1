//! `imgsift check`: fail when any image would be pulled from anywhere but the private
//! registry (the rules are in `registry/readiness.rs`).

use std::collections::BTreeSet;
use std::io;

use super::{Io, Outcome, plural};
use crate::config::CheckConfig;
use crate::emit::check::write_violations;
use crate::inventory::Finished;
use crate::registry::readiness::check;

pub(super) fn run(
    config: &CheckConfig,
    finished: &Finished,
    io: &mut Io<'_>,
) -> io::Result<Outcome> {
    let violations = check(finished, &config.check);
    write_violations(io.out, &violations)?;
    // Values entries without a tag are images too, just not nameable ones.
    let images = finished.images.len() + finished.unresolved.len();
    let outcome = if violations.is_empty() {
        io.note(&format!(
            "{} checked, every one pulled from {}",
            plural(images, "image", "images"),
            config.check.registry.base()
        ))?;
        Outcome::Success
    } else {
        let failing: BTreeSet<&str> = violations.iter().map(|v| v.reference.as_str()).collect();
        io.note(&format!(
            "{} in {} of {}",
            plural(violations.len(), "violation", "violations"),
            failing.len(),
            plural(images, "image", "images"),
        ))?;
        Outcome::NotSatisfied
    };
    io.report(&finished.diagnostics, outcome)
}
