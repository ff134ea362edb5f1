//! The outputs of `imgsift charts`: every chart the inputs pull, once.

use std::io::{self, Write};

use serde_json::json;

use crate::escape::Printable;
use crate::render::uses::ChartEntry;

/// What `charts` prints.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// `name<TAB>version<TAB>repository`, one chart per line (`-` for a field not given).
    Text,
    /// One object, every use and where the chart was found.
    Json,
    /// An aligned table for people.
    Table,
}

fn or_dash(text: &str) -> String {
    if text.is_empty() {
        "-".to_owned()
    } else {
        Printable(text).to_string()
    }
}

/// Writes the charts in `format`.
pub fn write(out: &mut dyn Write, charts: &[ChartEntry], format: Format) -> io::Result<()> {
    match format {
        Format::Text => {
            for entry in charts {
                writeln!(
                    out,
                    "{}\t{}\t{}",
                    or_dash(&entry.chart.name),
                    or_dash(&entry.chart.version),
                    or_dash(&entry.chart.repository)
                )?;
            }
            Ok(())
        }
        Format::Json => {
            let list: Vec<serde_json::Value> = charts
                .iter()
                .map(|entry| {
                    json!({
                        "name": entry.chart.name,
                        "version": entry.chart.version,
                        "repository": entry.chart.repository,
                        "local": entry.local,
                        "references": entry.uses.iter().map(|(by, at)| json!({
                            "by": by,
                            "file": at.file.as_ref(),
                            "line": at.line,
                            "column": at.column,
                        })).collect::<Vec<_>>(),
                    })
                })
                .collect();
            let text = serde_json::to_string_pretty(&json!({"version": 1, "charts": list}))
                .map_err(io::Error::other)?;
            writeln!(out, "{text}")
        }
        Format::Table => {
            let rows: Vec<Vec<String>> = charts
                .iter()
                .map(|entry| {
                    let first = entry.uses.first().map_or_else(String::new, |(by, at)| {
                        let more = entry.uses.len() - 1;
                        let mut text =
                            format!("{}:{} {}", Printable(&at.file), at.line, Printable(by));
                        if more > 0 {
                            text.push_str(&format!(" (+{more} more)"));
                        }
                        text
                    });
                    vec![
                        or_dash(&entry.chart.name),
                        or_dash(&entry.chart.version),
                        or_dash(&entry.chart.repository),
                        entry
                            .local
                            .as_deref()
                            .map_or_else(|| "missing".to_owned(), |l| Printable(l).to_string()),
                        first,
                    ]
                })
                .collect();
            super::table::write_aligned(
                out,
                &["CHART", "VERSION", "REPOSITORY", "LOCAL", "REFERENCED BY"],
                &rows,
            )?;
            writeln!(
                out,
                "{} chart{}",
                rows.len(),
                if rows.len() == 1 { "" } else { "s" }
            )
        }
    }
}
