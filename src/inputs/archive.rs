//! Packaged Helm charts (`.tgz`): the files imgsift reads from them, in bounded memory.
//!
//! A chart's dependencies are often vendored as archives under `charts/`. imgsift reads from an
//! archive what it reads from a chart folder: `Chart.yaml` (image annotations) and
//! `values.yaml`, at any depth, and archives nested under a `charts/` folder inside it. Nothing
//! under `templates/` is read. Each file is bounded like a document; the whole archive is
//! bounded in bytes and entries, so a compression bomb costs time, never memory.

use std::io::Read;

use flate2::read::GzDecoder;

use super::chart;

/// Bounds on one archive.
const MAX_ARCHIVE_BYTES: u64 = 1 << 30;
const MAX_ENTRIES: usize = 100_000;
/// Archives inside archives inside archives...: real charts nest two or three levels.
const MAX_NESTING: usize = 4;

/// A file read out of an archive.
pub struct Member {
    /// `path/to/chart.tgz!/chart/Chart.yaml` (nested archives add further `!/` parts).
    pub display: String,
    /// Its bytes.
    pub bytes: Vec<u8>,
}

/// What went wrong with an archive, as a sentence.
pub type Problem = String;

/// Reads the members imgsift cares about from the gzip-compressed tar `reader`, calling
/// `visit` for each, in archive order. Problems are returned as sentences with the name of the
/// archive they concern; members read before a problem are still visited.
pub fn members(
    reader: impl Read,
    display: &str,
    max_file_bytes: usize,
    visit: &mut dyn FnMut(Member),
) -> Vec<(String, Problem)> {
    let mut problems = Vec::new();
    read_archive(reader, display, max_file_bytes, 0, visit, &mut problems);
    problems
}

fn read_archive(
    reader: impl Read,
    display: &str,
    max_file_bytes: usize,
    depth: usize,
    visit: &mut dyn FnMut(Member),
    problems: &mut Vec<(String, Problem)>,
) {
    let limited = GzDecoder::new(reader).take(MAX_ARCHIVE_BYTES);
    let mut archive = tar::Archive::new(limited);
    let entries = match archive.entries() {
        Ok(entries) => entries,
        Err(err) => {
            problems.push((
                display.to_owned(),
                format!("not a readable chart archive: {err}"),
            ));
            return;
        }
    };
    for (count, entry) in entries.enumerate() {
        if count >= MAX_ENTRIES {
            problems.push((
                display.to_owned(),
                format!("more than {MAX_ENTRIES} entries; the rest were not read"),
            ));
            return;
        }
        let mut entry = match entry {
            Ok(entry) => entry,
            Err(err) => {
                problems.push((
                    display.to_owned(),
                    format!("not a readable chart archive (gzip-compressed tar): {err}"),
                ));
                return;
            }
        };
        if !entry.header().entry_type().is_file() {
            continue;
        }
        let path = match entry.path() {
            Ok(path) => path.to_string_lossy().trim_start_matches("./").to_owned(),
            Err(_) => continue,
        };
        let is_member = chart::is_document_member(&path);
        let is_nested = chart::is_subchart_member(&path);
        if !is_member && !is_nested {
            continue;
        }
        let inner = format!("{display}!/{path}");
        let mut bytes = Vec::new();
        let limit = if is_nested {
            MAX_ARCHIVE_BYTES
        } else {
            max_file_bytes as u64
        };
        if let Err(err) = (&mut entry).take(limit + 1).read_to_end(&mut bytes) {
            problems.push((inner, format!("cannot be read from the archive: {err}")));
            continue;
        }
        if bytes.len() as u64 > limit {
            problems.push((
                inner,
                format!("larger than {} MiB; it was not scanned", limit >> 20),
            ));
            continue;
        }
        if is_nested {
            if depth + 1 >= MAX_NESTING {
                problems.push((
                    inner,
                    format!("chart archives nested more than {MAX_NESTING} deep; not read"),
                ));
                continue;
            }
            read_archive(
                bytes.as_slice(),
                &inner,
                max_file_bytes,
                depth + 1,
                visit,
                problems,
            );
        } else {
            visit(Member {
                display: inner,
                bytes,
            });
        }
    }
}
