//! `-o table`: for people. One row per image: its classes, how many sources, the first one.

use std::io::{self, Write};

use crate::escape::Printable;
use crate::inventory::{Finished, Image};

fn classes(image: &Image) -> String {
    let mut classes: Vec<&str> = image.sources.iter().map(|s| s.class.as_str()).collect();
    classes.sort_unstable();
    classes.dedup();
    classes.join(",")
}

fn first_source(image: &Image) -> String {
    let Some(source) = image.sources.first() else {
        return String::new();
    };
    let mut text = format!("{}:{}", Printable(&source.file), source.line);
    if let Some(object) = source.object.as_deref() {
        text.push_str(&format!(
            " {}/{}",
            Printable(&object.kind),
            Printable(object.name.as_deref().unwrap_or("-"))
        ));
    }
    let more = image.sources.len() - 1;
    if more > 0 {
        text.push_str(&format!(" (+{more} more)"));
    }
    if image.sources.iter().any(|s| s.is_test_hook()) {
        text.push_str(" [helm test hook]");
    }
    text
}

/// Writes an aligned table with a header row.
pub fn write_table(out: &mut dyn Write, inventory: &Finished) -> io::Result<()> {
    let rows: Vec<Vec<String>> = inventory
        .images
        .iter()
        .map(|image| {
            vec![
                image.reference.to_string(),
                classes(image),
                first_source(image),
            ]
        })
        .collect();
    write_aligned(out, &["IMAGE", "CLASS", "SOURCE"], &rows)?;
    writeln!(
        out,
        "{} image{}",
        rows.len(),
        if rows.len() == 1 { "" } else { "s" }
    )
}

/// Writes `header` and `rows`, every column but the last padded to its widest cell (in
/// characters), two spaces apart.
pub(crate) fn write_aligned(
    out: &mut dyn Write,
    header: &[&str],
    rows: &[Vec<String>],
) -> io::Result<()> {
    let widths: Vec<usize> = (0..header.len())
        .map(|column| {
            rows.iter()
                .filter_map(|row| row.get(column))
                .map(|cell| cell.chars().count())
                .chain(header.get(column).map(|h| h.chars().count()))
                .max()
                .unwrap_or(0)
        })
        .collect();
    let line = |cells: &mut dyn Iterator<Item = &str>| {
        let cells: Vec<&str> = cells.collect();
        let mut text = String::new();
        for (i, cell) in cells.iter().enumerate() {
            if i + 1 == cells.len() {
                text.push_str(cell);
            } else {
                let pad = widths.get(i).copied().unwrap_or(0);
                text.push_str(&format!("{cell:pad$}  "));
            }
        }
        text
    };
    writeln!(out, "{}", line(&mut header.iter().copied()))?;
    for row in rows {
        writeln!(out, "{}", line(&mut row.iter().map(String::as_str)))?;
    }
    Ok(())
}
