//! `-o text`: one normalized reference per line, sorted by byte order, unique.

use std::io::{self, Write};

use crate::inventory::Finished;

/// Writes one reference per line.
pub fn write_text(out: &mut dyn Write, inventory: &Finished) -> io::Result<()> {
    for image in &inventory.images {
        writeln!(out, "{}", image.reference)?;
    }
    Ok(())
}
