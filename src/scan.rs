//! The scan pipeline: inputs -> documents -> extractors -> inventory.
//!
//! Each stream is cut into documents by `split.rs` in batches; the documents of a batch are
//! parsed and extracted in parallel (rayon keeps their results in order), so one large stream
//! uses every core. A directory's files are scanned in parallel too, each into an inventory of
//! its own, merged afterwards. Memory is a batch plus the largest document, plus what the
//! inventory keeps. Every problem is a diagnostic tied to a file and position; nothing stops
//! the scan of the other documents and files.

use std::io::Read;
use std::sync::Arc;

use rayon::prelude::*;

use crate::archive;
use crate::diag::Diagnostic;
use crate::document::{self, Limits};
use crate::extract::{self, ChartInfo, DocKind, ExtractOptions, Output, Role};
use crate::input::{self, Input, Resolved, SourceFile};
use crate::inventory::{Finished, Inventory};
use crate::split::{Batch, Piece, Splitter};

/// Bytes of documents handed to the thread pool at a time.
const BATCH_BYTES: usize = 4 << 20;

/// Reports progress of long walks; the binary draws it, the library only counts.
pub trait Progress: Sync {
    /// `total` files are about to be scanned.
    fn start(&self, total: u64);
    /// One more file is done.
    fn advance(&self);
    /// The walk is over.
    fn finish(&self);
}

/// A [`Progress`] that shows nothing.
pub struct NoProgress;

impl Progress for NoProgress {
    fn start(&self, _total: u64) {}
    fn advance(&self) {}
    fn finish(&self) {}
}

/// What a scan is asked to do.
#[derive(Debug, Clone, Default)]
pub struct ScanOptions {
    /// What extraction keeps.
    pub extract: ExtractOptions,
    /// Whether sources are recorded (needed by every output but the plain list).
    pub keep_sources: bool,
    /// Bounds on each document.
    pub limits: Limits,
    /// Whether the text of values documents is kept (the overlay rewrites them).
    pub keep_values_text: bool,
}

/// Scans every input and returns the finished inventory.
pub fn scan(inputs: &[Input], options: &ScanOptions, progress: &dyn Progress) -> Finished {
    scan_inventory(inputs, options, progress).finish()
}

/// Scans every input into an inventory that is not finished yet (values entries unresolved).
pub fn scan_inventory(
    inputs: &[Input],
    options: &ScanOptions,
    progress: &dyn Progress,
) -> Inventory {
    let mut inventory = Inventory::new(options.keep_sources);
    for input in inputs {
        let mut diagnostics = Vec::new();
        let resolved = input::resolve(input, &mut diagnostics);
        for diagnostic in diagnostics {
            inventory.diagnose(diagnostic);
        }
        match resolved {
            None => {}
            Some(Resolved::Single(file)) => scan_file(&file, options, &mut inventory),
            Some(Resolved::Directory(files)) => {
                progress.start(files.len() as u64);
                let parts: Vec<Inventory> = files
                    .par_iter()
                    .map(|file| {
                        let mut part = Inventory::new(options.keep_sources);
                        scan_file(file, options, &mut part);
                        progress.advance();
                        part
                    })
                    .collect();
                progress.finish();
                for part in parts {
                    inventory.merge(part);
                }
            }
        }
    }
    for dir in inventory.values_dirs_without_chart() {
        if let Some(chart) = chart_beside(&dir, options) {
            inventory.add_chart(chart);
        }
    }
    inventory
}

/// The Chart.yaml in folder `dir` on disk, when a values file was scanned without it: its
/// `appVersion` gives the values their default tags.
fn chart_beside(dir: &str, options: &ScanOptions) -> Option<ChartInfo> {
    if dir.contains("!/") || dir == "-" {
        return None;
    }
    let path = std::path::Path::new(if dir.is_empty() { "." } else { dir }).join("Chart.yaml");
    let meta = std::fs::metadata(&path).ok()?;
    if !meta.is_file() || meta.len() > options.limits.max_document_bytes as u64 {
        return None;
    }
    let text = std::fs::read_to_string(&path).ok()?;
    let docs = document::load(&text, 1, &options.limits).ok()?;
    let doc = docs.first()?;
    let root = doc.root()?;
    let app_version = doc
        .get(root, "appVersion")
        .and_then(|v| doc.text(v))
        .map(|v| v.trim().to_owned())
        .filter(|v| !v.is_empty());
    Some(ChartInfo {
        dir: dir.to_owned(),
        app_version,
    })
}

fn scan_file(file: &SourceFile, options: &ScanOptions, inventory: &mut Inventory) {
    if let Some(path) = &file.path {
        inventory.read_file(path);
    }
    match file.open() {
        Ok(reader) if file.archive => scan_archive(reader, &file.display, options, inventory),
        Ok(reader) => scan_stream(reader, &file.display, file.role, options, inventory),
        Err(err) => inventory.diagnose(Diagnostic::error(
            &file.display,
            1,
            1,
            format!("cannot read this file: {}", input::describe_io_error(&err)),
        )),
    }
}

/// Scans the chart files inside a packaged chart.
fn scan_archive(
    reader: impl Read,
    file: &Arc<str>,
    options: &ScanOptions,
    inventory: &mut Inventory,
) {
    let problems = archive::members(
        reader,
        file,
        options.limits.max_document_bytes,
        &mut |member| {
            let display: Arc<str> = Arc::from(member.display.as_str());
            // Chart.yaml is recognised by content; values.yaml is values whatever it holds.
            let role = if member.display.ends_with("/values.yaml") {
                Role::Values
            } else {
                Role::Auto
            };
            scan_stream(member.bytes.as_slice(), &display, role, options, inventory);
        },
    );
    for (at, problem) in problems {
        inventory.diagnose(Diagnostic::error(&at, 1, 1, problem));
    }
}

/// Scans one stream of YAML documents.
pub fn scan_stream(
    reader: impl Read + Send,
    file: &Arc<str>,
    role: Role,
    options: &ScanOptions,
    inventory: &mut Inventory,
) {
    let mut splitter = Splitter::new(reader, options.limits.max_document_bytes);
    let first = splitter.next_batch(BATCH_BYTES);
    let Some(results) = parse_batch(first, file, role, options, inventory) else {
        return;
    };
    if splitter.finished() {
        absorb(results, inventory);
        return;
    }
    // A long stream: cutting the next batch overlaps with parsing this one, on a thread of its
    // own, and the results of one batch are merged while the next is parsed. Two batches in
    // flight bound the memory.
    std::thread::scope(|scope| {
        let (sender, receiver) = std::sync::mpsc::sync_channel(1);
        scope.spawn(move || {
            loop {
                let batch = splitter.next_batch(BATCH_BYTES);
                let last = !matches!(batch, Ok(Some(_)));
                if sender.send(batch).is_err() || last {
                    break;
                }
            }
        });
        let mut pending = results;
        for batch in receiver {
            let mut errors = Vec::new();
            let (_, next) = rayon::join(
                || absorb(std::mem::take(&mut pending), inventory),
                || parse_batch_into(batch, file, role, options, &mut errors),
            );
            for error in errors {
                inventory.diagnose(error);
            }
            match next {
                Some(results) => pending = results,
                None => break,
            }
        }
        absorb(pending, inventory);
    });
}

fn absorb(results: Vec<Output>, inventory: &mut Inventory) {
    for result in results {
        inventory.absorb(result);
    }
}

/// Parses and extracts one batch in parallel; `None` when the stream is over.
fn parse_batch(
    batch: std::io::Result<Option<Batch>>,
    file: &Arc<str>,
    role: Role,
    options: &ScanOptions,
    inventory: &mut Inventory,
) -> Option<Vec<Output>> {
    let mut errors = Vec::new();
    let results = parse_batch_into(batch, file, role, options, &mut errors);
    for error in errors {
        inventory.diagnose(error);
    }
    results
}

fn parse_batch_into(
    batch: std::io::Result<Option<Batch>>,
    file: &Arc<str>,
    role: Role,
    options: &ScanOptions,
    errors: &mut Vec<Diagnostic>,
) -> Option<Vec<Output>> {
    let batch = match batch {
        Ok(Some(batch)) => batch,
        Ok(None) => return None,
        Err(err) => {
            errors.push(Diagnostic::error(
                file,
                1,
                1,
                format!(
                    "reading stopped part way: {}",
                    input::describe_io_error(&err)
                ),
            ));
            return None;
        }
    };
    Some(
        batch
            .pieces
            .par_iter()
            .map(|piece| scan_piece(&batch, piece, file, role, options))
            .collect(),
    )
}

fn scan_piece(
    batch: &Batch,
    piece: &Piece,
    file: &Arc<str>,
    role: Role,
    options: &ScanOptions,
) -> Output {
    let mut result = Output::default();
    let (start, end, first_line, index, bom) = match *piece {
        Piece::Doc {
            start,
            end,
            first_line,
            index,
            bom,
        } => (start, end, first_line, index, bom),
        Piece::TooLarge { first_line, index } => {
            result.diagnostics.push(Diagnostic::error(
                file,
                first_line,
                1,
                format!(
                    "document {index} is larger than {} MiB; it was not scanned",
                    options.limits.max_document_bytes >> 20
                ),
            ));
            return result;
        }
    };
    let bytes = batch.bytes(start, end);
    if role == Role::Auto && crate::kube::sniff_never_holds_images(bytes) {
        return result;
    }
    let text = match decode(bytes, first_line) {
        Ok(text) => text,
        Err((line, column, message)) => {
            result.diagnostics.push(Diagnostic::error(
                file,
                line,
                column,
                format!("{message}; document {index} was not scanned"),
            ));
            return result;
        }
    };
    let cleaned;
    let text = if bom {
        cleaned = strip_line_start_boms(text);
        cleaned.as_str()
    } else {
        text
    };
    match document::load(text, first_line, &options.limits) {
        Ok(docs) => {
            for doc in &docs {
                let kind =
                    extract::extract_document(doc, file, index, options.extract, role, &mut result);
                if kind == DocKind::Values && options.keep_values_text {
                    result.values_docs.push(extract::ValuesDoc {
                        file: Arc::clone(file),
                        document: index,
                        first_line,
                        text: text.to_owned(),
                    });
                }
            }
        }
        Err(err) => result.diagnostics.push(Diagnostic::error(
            file,
            err.line,
            err.column,
            format!("{}; document {index} was not scanned", err.message),
        )),
    }
    result
}

/// Drops byte order marks at line starts. A mark is invisible and has no width, so columns
/// computed without it are the ones an editor shows.
fn strip_line_start_boms(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for line in text.split_inclusive('\n') {
        out.push_str(line.strip_prefix('\u{feff}').unwrap_or(line));
    }
    out
}

/// Checks that a document is text: UTF-8 without NUL bytes. On failure, the position of the
/// first bad byte and a sentence.
fn decode(bytes: &[u8], first_line: u64) -> Result<&str, (u64, u64, String)> {
    let position = |offset: usize| {
        let before = bytes.get(..offset).unwrap_or(bytes);
        let line = first_line + memchr::memchr_iter(b'\n', before).count() as u64;
        let line_start = memchr::memrchr(b'\n', before).map_or(0, |i| i + 1);
        let column = String::from_utf8_lossy(before.get(line_start..).unwrap_or(&[]))
            .chars()
            .count() as u64
            + 1;
        (line, column)
    };
    if bytes.starts_with(b"\xFF\xFE") || bytes.starts_with(b"\xFE\xFF") {
        return Err((
            first_line,
            1,
            "the file is UTF-16; imgsift reads UTF-8 (convert it with iconv)".to_owned(),
        ));
    }
    if let Some(offset) = memchr::memchr(0, bytes) {
        let (line, column) = position(offset);
        return Err((
            line,
            column,
            "NUL byte: this is binary data, not YAML".to_owned(),
        ));
    }
    std::str::from_utf8(bytes).map_err(|err| {
        let (line, column) = position(err.valid_up_to());
        (
            line,
            column,
            "invalid UTF-8: YAML must be UTF-8 text".to_owned(),
        )
    })
}
