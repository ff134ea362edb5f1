//! The scan pipeline: inputs -> documents -> extractors -> inventory.
//!
//! Each stream is cut into documents by `split.rs` in batches; the documents of a batch are
//! parsed and extracted in parallel (rayon keeps their results in order), so one large stream
//! uses every core. A directory's files are scanned in parallel too, each into an inventory of
//! its own, merged afterwards. Memory is a batch plus the largest document, plus what the
//! inventory keeps. Every problem is a diagnostic tied to a file and position; nothing stops
//! the scan of the other documents and files.

use std::collections::BTreeSet;
use std::io::Read;
use std::path::PathBuf;
use std::sync::Arc;

use rayon::prelude::*;

use crate::archive;
use crate::diag::Diagnostic;
use crate::document::{self, Limits};
use crate::extract::{self, ChartInfo, DocKind, ExtractOptions, Output, Role};
use crate::input::{self, Input, Resolved, SourceFile};
use crate::inventory::{Finished, Inventory};
use crate::render::kustomize;
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
            Some(Resolved::Single(file)) => match kustomize_root_of(&file) {
                Some(root) => {
                    let built = kustomize::build(&root, &options.limits);
                    scan_build(built, options, &mut inventory);
                }
                None => scan_file(&file, options, &mut inventory),
            },
            Some(Resolved::Directory(files)) => {
                scan_directory(files, options, progress, &mut inventory);
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

/// The folder to build when a file named on its own is a kustomization file.
fn kustomize_root_of(file: &SourceFile) -> Option<PathBuf> {
    let path = file.path.as_ref()?;
    if !kustomize::is_kustomization_name(path) {
        return None;
    }
    Some(match path.parent() {
        Some(dir) if !dir.as_os_str().is_empty() => dir.to_path_buf(),
        _ => PathBuf::from("."),
    })
}

/// Scans the files of a walked directory. Its kustomize roots are built first; a root that
/// another root pulls in is not reported on its own (its resources are in the includer's
/// output, transformed), and no file a build read is scanned again alone.
fn scan_directory(
    files: Vec<SourceFile>,
    options: &ScanOptions,
    progress: &dyn Progress,
    inventory: &mut Inventory,
) {
    // A folder with two kustomization files is one root (kustomize refuses it; the first name
    // in kustomize's order is built).
    let roots: Vec<PathBuf> = files
        .iter()
        .filter_map(kustomize_root_of)
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect();
    progress.start((files.len() + roots.len()) as u64);
    let builds: Vec<(PathBuf, kustomize::Built)> = roots
        .par_iter()
        .map(|root| {
            let built = kustomize::build(root, &options.limits);
            progress.advance();
            let canonical = kustomize::kustomization_file(root)
                .and_then(|f| std::fs::canonicalize(f).ok())
                .unwrap_or_default();
            (canonical, built)
        })
        .collect();
    // Root A is left out when another root B read A's kustomization file and A did not read
    // B's (two roots that include each other are a cycle, reported by both builds).
    let consumed_by = |file: &PathBuf, other: &kustomize::Built| other.consumed.contains(file);
    let kept: Vec<bool> = builds
        .iter()
        .enumerate()
        .map(|(i, (file, built))| {
            !builds.iter().enumerate().any(|(j, (other_file, other))| {
                i != j && consumed_by(file, other) && !consumed_by(other_file, built)
            })
        })
        .collect();
    let consumed: BTreeSet<&PathBuf> = builds.iter().flat_map(|(_, b)| &b.consumed).collect();
    let remaining: Vec<SourceFile> = if consumed.is_empty() {
        files
    } else {
        files
            .into_iter()
            .filter(|file| {
                let read = file
                    .path
                    .as_ref()
                    .and_then(|p| std::fs::canonicalize(p).ok())
                    .is_some_and(|p| consumed.contains(&p));
                if read {
                    progress.advance();
                }
                !read
            })
            .collect()
    };
    let parts: Vec<Inventory> = remaining
        .par_iter()
        .map(|file| {
            let mut part = Inventory::new(options.keep_sources);
            scan_file(file, options, &mut part);
            progress.advance();
            part
        })
        .collect();
    progress.finish();
    for ((_, built), keep) in builds.into_iter().zip(kept) {
        if keep {
            scan_build(built, options, inventory);
        }
    }
    for part in parts {
        inventory.merge(part);
    }
}

/// Extracts the images of a kustomize build's resources.
fn scan_build(built: kustomize::Built, options: &ScanOptions, inventory: &mut Inventory) {
    for path in &built.consumed {
        inventory.read_file(path);
    }
    for diagnostic in built.diagnostics {
        inventory.diagnose(diagnostic);
    }
    let results: Vec<Output> = built
        .resources
        .par_iter()
        .map(|resource| {
            let doc = resource.tree.into_doc();
            let mut out = Output::default();
            extract::extract_document(
                &doc,
                &resource.file,
                resource.document,
                options.extract,
                Role::Manifest,
                &mut out,
            );
            out
        })
        .collect();
    absorb(results, inventory);
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
            errors.push(read_stopped(file, &err));
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
    let text = match piece_text(bytes, bom, first_line, index, file) {
        Ok(text) => text,
        Err(diagnostic) => {
            result.diagnostics.push(diagnostic);
            return result;
        }
    };
    let text = text.as_ref();
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

fn read_stopped(file: &str, err: &std::io::Error) -> Diagnostic {
    Diagnostic::error(
        file,
        1,
        1,
        format!(
            "reading stopped part way: {}",
            input::describe_io_error(err)
        ),
    )
}

/// The text of a document piece: checked to be UTF-8 without NUL bytes, byte order marks at
/// line starts dropped.
fn piece_text<'b>(
    bytes: &'b [u8],
    bom: bool,
    first_line: u64,
    index: u32,
    file: &str,
) -> Result<std::borrow::Cow<'b, str>, Diagnostic> {
    match decode(bytes, first_line) {
        Ok(text) if bom => Ok(std::borrow::Cow::Owned(strip_line_start_boms(text))),
        Ok(text) => Ok(std::borrow::Cow::Borrowed(text)),
        Err((line, column, message)) => Err(Diagnostic::error(
            file,
            line,
            column,
            format!("{message}; document {index} was not scanned"),
        )),
    }
}

/// Reads every document of a whole file held in memory, in order: `each` gets the document's
/// 1-based index and the parsed document. Documents that cannot be read are diagnostics and
/// the others are still read. Builds (kustomize) read their inputs this way.
pub fn each_document(
    bytes: &[u8],
    file: &Arc<str>,
    limits: &Limits,
    each: &mut dyn FnMut(u32, &document::Doc<'_>),
) -> Vec<Diagnostic> {
    let mut diagnostics = Vec::new();
    let mut splitter = Splitter::new(bytes, limits.max_document_bytes);
    loop {
        let batch = match splitter.next_batch(usize::MAX) {
            Ok(Some(batch)) => batch,
            Ok(None) => break,
            Err(err) => {
                diagnostics.push(read_stopped(file, &err));
                break;
            }
        };
        for piece in &batch.pieces {
            match *piece {
                Piece::TooLarge { first_line, index } => diagnostics.push(Diagnostic::error(
                    file,
                    first_line,
                    1,
                    format!(
                        "document {index} is larger than {} MiB; it was not read",
                        limits.max_document_bytes >> 20
                    ),
                )),
                Piece::Doc {
                    start,
                    end,
                    first_line,
                    index,
                    bom,
                } => {
                    let text =
                        match piece_text(batch.bytes(start, end), bom, first_line, index, file) {
                            Ok(text) => text,
                            Err(diagnostic) => {
                                diagnostics.push(diagnostic);
                                continue;
                            }
                        };
                    match document::load(&text, first_line, limits) {
                        Ok(docs) => docs.iter().for_each(|doc| each(index, doc)),
                        Err(err) => diagnostics.push(Diagnostic::error(
                            file,
                            err.line,
                            err.column,
                            format!("{}; document {index} was not read", err.message),
                        )),
                    }
                }
            }
        }
        if splitter.finished() {
            break;
        }
    }
    diagnostics
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
