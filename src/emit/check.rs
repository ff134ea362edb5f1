//! `imgsift check` output: one line per violation, `file:line: ref: reason`, in file and line
//! order, the shape compilers use so that editors and CI annotators can jump to the place.

use std::io::{self, Write};

use crate::registry::readiness::Violation;

/// Writes every violation, one per line.
pub fn write_violations(out: &mut dyn Write, violations: &[Violation]) -> io::Result<()> {
    for violation in violations {
        writeln!(out, "{violation}")?;
    }
    out.flush()
}
