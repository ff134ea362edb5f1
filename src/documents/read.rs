//! From document pieces to parsed documents, with one set of diagnostics.
//!
//! The scan of a stream and every renderer that reads files (kustomize's resources, patches)
//! meet the same problems: a document over the size bound, bytes that are not UTF-8 text, a
//! NUL byte, YAML that does not parse. They are said here once, in the same words, naming the
//! document ("document 3 was not scanned" for a scan, "... was not read" for a build's input).

use std::borrow::Cow;
use std::sync::Arc;

use crate::diag::{Code, Diagnostic, describe_io_error};

use super::split::{DocPiece, Piece, Splitter};
use super::yaml::{self, Doc, Limits};

/// What a reader says it did not do with a document it had to skip: "scanned" or "read".
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verb {
    /// The scan of an input.
    Scanned,
    /// A build reading one of its inputs.
    Read,
}

impl Verb {
    fn as_str(self) -> &'static str {
        match self {
            Verb::Scanned => "scanned",
            Verb::Read => "read",
        }
    }
}

/// The diagnostic for a document skipped because it is over the size bound.
pub fn too_large(
    file: &str,
    first_line: u64,
    index: u32,
    limits: &Limits,
    verb: Verb,
) -> Diagnostic {
    Diagnostic::error(
        Code::DocumentTooLarge,
        file,
        first_line,
        1,
        format!(
            "document {index} is larger than {} MiB; it was not {}",
            limits.max_document_bytes >> 20,
            verb.as_str()
        ),
    )
}

/// The diagnostic for a stream whose reading failed part way.
pub fn read_stopped(file: &str, err: &std::io::Error) -> Diagnostic {
    Diagnostic::error(
        Code::ReadStopped,
        file,
        1,
        1,
        format!("reading stopped part way: {}", describe_io_error(err)),
    )
}

/// The text of a document piece: checked to be UTF-8 without NUL bytes, byte order marks at
/// line starts dropped.
pub fn text<'b>(
    bytes: &'b [u8],
    piece: &DocPiece,
    file: &str,
    verb: Verb,
) -> Result<Cow<'b, str>, Diagnostic> {
    match decode(bytes, piece.first_line) {
        Ok(text) if piece.bom => Ok(Cow::Owned(strip_line_start_boms(text))),
        Ok(text) => Ok(Cow::Borrowed(text)),
        Err((code, line, column, message)) => Err(Diagnostic::error(
            code,
            file,
            line,
            column,
            format!(
                "{message}; document {} was not {}",
                piece.index,
                verb.as_str()
            ),
        )),
    }
}

/// Parses the text of a document piece.
pub fn parse<'t>(
    text: &'t str,
    piece: &DocPiece,
    file: &str,
    limits: &Limits,
    verb: Verb,
) -> Result<Vec<Doc<'t>>, Diagnostic> {
    yaml::load(text, piece.first_line, limits).map_err(|err| {
        Diagnostic::error(
            err.code,
            file,
            err.line,
            err.column,
            format!(
                "{}; document {} was not {}",
                err.message,
                piece.index,
                verb.as_str()
            ),
        )
    })
}

/// The diagnostics of the keys a loaded document gives twice in one mapping: an error at the
/// later key (the one kept), naming the earlier one's line.
pub fn duplicate_keys(doc: &Doc<'_>, file: &str) -> Vec<Diagnostic> {
    doc.duplicates()
        .iter()
        .map(|dup| {
            Diagnostic::error(
                Code::DuplicateKey,
                file,
                dup.kept.0,
                dup.kept.1,
                format!(
                    "mapping key {:?} is given twice (first at line {}); Kubernetes and kustomize \
                     refuse such a document, Helm keeps the last value, and so does imgsift",
                    dup.key, dup.first.0
                ),
            )
        })
        .collect()
}

/// Reads every document of a whole file held in memory, in order: `each` gets the document's
/// 1-based index and the parsed document. Documents that cannot be read are diagnostics and
/// the others are still read. Builds read their inputs this way.
pub fn each_document(
    bytes: &[u8],
    file: &Arc<str>,
    limits: &Limits,
    each: &mut dyn FnMut(u32, &Doc<'_>),
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
            let piece = match piece {
                Piece::TooLarge { first_line, index } => {
                    diagnostics.push(too_large(file, *first_line, *index, limits, Verb::Read));
                    continue;
                }
                Piece::Doc(piece) => piece,
            };
            let parsed = text(batch.bytes(piece), piece, file, Verb::Read).and_then(|text| {
                parse(&text, piece, file, limits, Verb::Read).map(|docs| {
                    for doc in &docs {
                        diagnostics.extend(duplicate_keys(doc, file));
                        each(piece.index, doc);
                    }
                })
            });
            if let Err(diagnostic) = parsed {
                diagnostics.push(diagnostic);
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
fn decode(bytes: &[u8], first_line: u64) -> Result<&str, (Code, u64, u64, String)> {
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
            Code::NotUtf8,
            first_line,
            1,
            "the file is UTF-16; imgsift reads UTF-8 (convert it with iconv)".to_owned(),
        ));
    }
    if let Some(offset) = memchr::memchr(0, bytes) {
        let (line, column) = position(offset);
        return Err((
            Code::Binary,
            line,
            column,
            "NUL byte: this is binary data, not YAML".to_owned(),
        ));
    }
    std::str::from_utf8(bytes).map_err(|err| {
        let (line, column) = position(err.valid_up_to());
        (
            Code::NotUtf8,
            line,
            column,
            "invalid UTF-8: YAML must be UTF-8 text".to_owned(),
        )
    })
}
