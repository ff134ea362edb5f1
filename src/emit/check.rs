//! `imgsift check` output: one line per violation, `file:line: ref: reason`, in file and line
//! order, the shape compilers use so that editors and CI annotators can jump to the place.

use std::io::{self, Write};

/// One violation.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Violation {
    /// Where the image is written.
    pub file: String,
    /// 1-based line.
    pub line: u64,
    /// The normalized reference (the repository for an unresolved values entry).
    pub reference: String,
    /// Why it fails.
    pub reason: String,
}

impl std::fmt::Display for Violation {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{}:{}: {}: {}",
            self.file, self.line, self.reference, self.reason
        )
    }
}

/// Writes every violation, one per line.
pub fn write_violations(out: &mut dyn Write, violations: &[Violation]) -> io::Result<()> {
    for violation in violations {
        writeln!(out, "{violation}")?;
    }
    out.flush()
}
