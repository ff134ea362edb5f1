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
    let rows: Vec<[String; 3]> = inventory
        .images
        .iter()
        .map(|image| {
            [
                image.reference.to_string(),
                classes(image),
                first_source(image),
            ]
        })
        .collect();
    let header = ["IMAGE", "CLASS", "SOURCE"];
    let width = |column: usize| {
        rows.iter()
            .map(|row| row[column].chars().count())
            .chain([header[column].len()])
            .max()
            .unwrap_or(0)
    };
    let (w0, w1) = (width(0), width(1));
    writeln!(out, "{:w0$}  {:w1$}  {}", header[0], header[1], header[2])?;
    for [image, class, source] in &rows {
        writeln!(out, "{image:w0$}  {class:w1$}  {source}")?;
    }
    writeln!(
        out,
        "{} image{}",
        rows.len(),
        if rows.len() == 1 { "" } else { "s" }
    )
}
