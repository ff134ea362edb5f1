//! Cutting a byte stream into YAML documents, without parsing it, in bounded memory.
//!
//! YAML forbids a line that starts with `---` or `...` (followed by a blank or the end of the
//! line) anywhere inside a document's content, block and quoted scalars included: such a line
//! always starts or ends a document. So a stream can be cut into documents line by line, and
//! each document parsed on its own, in parallel, with one bad document never stopping the next.
//!
//! The splitter reads in blocks and hands out [`Batch`]es: one buffer holding several complete
//! documents and their ranges. Only the incomplete tail of a block is copied forward; memory
//! holds a batch plus the largest document, never the whole stream. A document larger than
//! [`Limits::max_document_bytes`](super::Limits) is skipped as it streams past and
//! reported, so a 100 MB line costs no more than a block of memory.
//!
//! [`Splitter`] reads on one thread; it cuts documents already in memory and is the reference
//! that [`ParSplitter`] (streams, scanned on the pool's threads) is checked against.

use std::io::{self, Read};

mod par;

pub use par::ParSplitter;

/// Bytes read from the input at a time.
const BLOCK: usize = 1 << 20;

/// The UTF-8 byte order mark.
pub const BOM: &[u8] = b"\xEF\xBB\xBF";

/// A document whose bytes are `buf[start..end]` of its batch.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DocPiece {
    /// Offset of the document's first byte in the batch buffer.
    pub start: usize,
    /// Offset one past its last byte.
    pub end: usize,
    /// Absolute 1-based line of its first byte.
    pub first_line: u64,
    /// 1-based position among the stream's documents that have content.
    pub index: u32,
    /// Some line of the document starts with a UTF-8 byte order mark (files joined
    /// with `cat` keep theirs); the parser refuses one inside a document.
    pub bom: bool,
}

/// One document found in a stream.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Piece {
    /// A document to read.
    Doc(DocPiece),
    /// A document that was larger than the limit and was skipped.
    TooLarge {
        /// Absolute 1-based line where it starts.
        first_line: u64,
        /// 1-based position among the stream's documents.
        index: u32,
    },
}

/// Several documents and the buffer that holds them.
#[derive(Debug, Default)]
pub struct Batch {
    /// The bytes the [`Piece::Doc`] ranges point into.
    pub buf: Vec<u8>,
    /// Documents in stream order.
    pub pieces: Vec<Piece>,
}

impl Batch {
    /// The bytes of a document piece.
    pub fn bytes(&self, piece: &DocPiece) -> &[u8] {
        self.buf.get(piece.start..piece.end).unwrap_or(&[])
    }
}

/// What kind of line starts at a given offset.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum LineKind {
    /// `---` alone (or with a comment): starts a document.
    Start,
    /// `--- content`: starts a document whose first node is on this line.
    StartWithContent,
    /// `...`: ends a document.
    End,
    /// Blank, a comment, or a `%` directive: not content.
    Nothing,
    /// Anything else.
    Content,
}

fn classify(line: &[u8]) -> LineKind {
    let line = line.strip_suffix(b"\r").unwrap_or(line);
    let marker_rest = |rest: &[u8]| -> Option<bool> {
        // A marker must be followed by a blank or the end of the line; `---x` is content.
        match rest.first() {
            None => Some(false),
            Some(b' ' | b'\t') => {
                let trimmed = rest.trim_ascii_start();
                Some(!(trimmed.is_empty() || trimmed.starts_with(b"#")))
            }
            Some(_) => None,
        }
    };
    if let Some(rest) = line.strip_prefix(b"---") {
        match marker_rest(rest) {
            Some(false) => return LineKind::Start,
            Some(true) => return LineKind::StartWithContent,
            None => {}
        }
    }
    if let Some(rest) = line.strip_prefix(b"...") {
        if marker_rest(rest).is_some() {
            // Content after `...` is invalid YAML; the parser reports it if it is kept, so the
            // whole line is treated as the end marker here and the rest left to the parser.
            return LineKind::End;
        }
    }
    let trimmed = line.trim_ascii_start();
    if trimmed.is_empty() || trimmed.starts_with(b"#") || line.starts_with(b"%") {
        LineKind::Nothing
    } else {
        LineKind::Content
    }
}

/// The offset of the first newline followed by `-`, `.` or the first byte of a byte order mark:
/// the only lines that may be markers. Blocks of 64 bytes are tested whole, with a comparison
/// the compiler vectorizes; only a block that has a candidate is searched byte by byte.
fn next_possible_marker(bytes: &[u8]) -> Option<usize> {
    const BLOCK: usize = 64;
    let may_start = |b: u8| u8::from(b == b'-') | u8::from(b == b'.') | u8::from(b == 0xEF);
    let mut start = 0;
    while start + 1 < bytes.len() {
        let end = (start + BLOCK).min(bytes.len() - 1);
        let lines = &bytes[start..end];
        let firsts = &bytes[start + 1..end + 1];
        let hit = lines.iter().zip(firsts).fold(0u8, |acc, (&nl, &first)| {
            acc | (u8::from(nl == b'\n') & may_start(first))
        });
        if hit != 0 {
            if let Some(i) = lines
                .iter()
                .zip(firsts)
                .position(|(&nl, &first)| nl == b'\n' && may_start(first) != 0)
            {
                return Some(start + i);
            }
        }
        start = end;
    }
    None
}

/// Counts newlines at memory speed, without a call per line. In chunks of 255 bytes the count
/// fits in a byte, so the compiler sums comparison results in byte-wide vector lanes.
fn count_newlines(bytes: &[u8]) -> u64 {
    bytes
        .chunks(255)
        .map(|chunk| {
            u64::from(
                chunk
                    .iter()
                    .fold(0u8, |count, &b| count.wrapping_add(u8::from(b == b'\n'))),
            )
        })
        .sum()
}

/// Splits a reader into batches of documents.
pub struct Splitter<R> {
    reader: R,
    max_document_bytes: usize,
    /// Bytes from the start of the current document on.
    buf: Vec<u8>,
    /// Where scanning resumes in `buf` (always a line start).
    scan: usize,
    /// Pieces completed in `buf`, ranges relative to `buf`.
    pieces: Vec<Piece>,
    /// Start of the current document in `buf`.
    doc_start: usize,
    /// Absolute line of `doc_start`.
    doc_line: u64,
    /// Absolute line of `scan`.
    line: u64,
    /// Whether the current document has content so far.
    has_content: bool,
    /// Whether a line of the current document starts with a byte order mark.
    has_bom: bool,
    /// The current document went over the limit and is being skipped.
    skipping: bool,
    /// The line being scanned was too long to keep and its start was dropped.
    in_long_line: bool,
    /// Documents with content seen so far.
    count: u32,
    eof: bool,
    started: bool,
}

impl<R: Read> Splitter<R> {
    /// A splitter over `reader` that skips documents larger than `max_document_bytes`.
    pub fn new(reader: R, max_document_bytes: usize) -> Self {
        Splitter {
            reader,
            max_document_bytes,
            buf: Vec::new(),
            scan: 0,
            pieces: Vec::new(),
            doc_start: 0,
            doc_line: 1,
            line: 1,
            has_content: false,
            has_bom: false,
            skipping: false,
            in_long_line: false,
            count: 0,
            eof: false,
            started: false,
        }
    }

    /// The next batch of at least `target_bytes` of documents (fewer at the end of the
    /// stream), or `None` when the stream is exhausted.
    pub fn next_batch(&mut self, target_bytes: usize) -> io::Result<Option<Batch>> {
        loop {
            self.scan_lines();
            // Bytes before the current document belong to complete pieces.
            if (self.doc_start >= target_bytes && !self.pieces.is_empty()) || self.eof {
                break;
            }
            if !self.skipping && self.buf.len() - self.doc_start > self.max_document_bytes {
                self.start_skipping();
            }
            self.fill()?;
        }
        if self.eof {
            self.finish_document(self.buf.len());
            self.doc_start = self.buf.len();
        }
        if self.pieces.is_empty() && self.eof {
            return Ok(None);
        }
        // Hand out everything before the current document; keep its bytes for the next batch.
        let tail = self.buf.split_off(self.doc_start);
        let head = std::mem::replace(&mut self.buf, tail);
        self.scan -= self.doc_start;
        self.doc_start = 0;
        Ok(Some(Batch {
            buf: head,
            pieces: std::mem::take(&mut self.pieces),
        }))
    }

    /// Whether the stream is exhausted and every document was handed out.
    pub fn finished(&self) -> bool {
        self.eof && self.buf.is_empty() && self.pieces.is_empty()
    }

    fn fill(&mut self) -> io::Result<()> {
        // `read_to_end` appends into the vector's spare capacity without zeroing it first.
        let read = (&mut self.reader)
            .take(BLOCK as u64)
            .read_to_end(&mut self.buf)?;
        if !self.started && self.buf.len() >= 3 {
            self.started = true;
            // A UTF-8 byte order mark is not content; dropping it keeps columns right.
            if self.buf.starts_with(BOM) {
                self.buf.drain(..3);
            }
        }
        if read == 0 {
            self.eof = true;
            self.started = true;
        }
        Ok(())
    }

    /// Skips, in one stride, the complete lines from `scan` that cannot be markers, when the
    /// current document already has content: only a line starting `---`, `...` or with a byte
    /// order mark needs a look. Returns whether it moved.
    fn skip_content(&mut self) -> bool {
        if !self.has_content || self.in_long_line {
            return false;
        }
        let rest = &self.buf[self.scan..];
        // The line at `scan` may itself be a marker: then it is the caller's to read. The
        // stride covers it only when its first byte shows it cannot be one.
        if matches!(rest.first(), None | Some(b'-' | b'.' | 0xEF)) {
            return false;
        }
        let candidate = next_possible_marker(rest).unwrap_or(rest.len());
        // Everything up to the newline before the candidate is plain content; without a
        // candidate, everything up to the last complete line.
        let end = if candidate < rest.len() {
            candidate + 1
        } else {
            match memchr::memrchr(b'\n', rest) {
                Some(last) => last + 1,
                None => return false,
            }
        };
        if end == 0 {
            return false;
        }
        let lines = count_newlines(&rest[..end]);
        if lines == 0 {
            return false;
        }
        self.line += lines;
        self.scan += end;
        true
    }

    /// Scans complete lines from `scan`, cutting documents at markers. What a skipped
    /// document's lines held is dropped once per call, not once per line: dropping moves the
    /// rest of the buffer, and a document of short lines would cost a move per line.
    fn scan_lines(&mut self) {
        self.scan_complete_lines();
        if self.skipping {
            self.drop_skipped();
        }
    }

    /// Drops the scanned bytes of the document being skipped.
    fn drop_skipped(&mut self) -> usize {
        let dropped = self.scan - self.doc_start;
        self.buf.drain(self.doc_start..self.scan);
        self.scan = self.doc_start;
        dropped
    }

    fn scan_complete_lines(&mut self) {
        while self.scan < self.buf.len() {
            if self.skip_content() {
                continue;
            }
            let rest = &self.buf[self.scan..];
            let (line_end, next) = match memchr::memchr(b'\n', rest) {
                Some(i) => (self.scan + i, self.scan + i + 1),
                // An unterminated last line is only complete at the end of the stream.
                None if self.eof => (self.buf.len(), self.buf.len()),
                None => {
                    if self.skipping {
                        // A line too long to keep: drop what has arrived of it and remember
                        // that the next newline ends it.
                        self.buf.truncate(self.scan);
                        self.in_long_line = true;
                    }
                    return;
                }
            };

            let first = self.buf.get(self.scan).copied();
            let kind = if self.in_long_line {
                // The tail of a line whose start was dropped: it cannot be a marker.
                self.in_long_line = false;
                LineKind::Content
            } else if self.has_content && !matches!(first, Some(b'-' | b'.' | 0xEF)) {
                // Once a document has content, only a marker line matters, and a marker starts
                // with `-`, `.` or a byte order mark: the rest of the line need not be read.
                LineKind::Content
            } else {
                let line = &self.buf[self.scan..line_end];
                match line.strip_prefix(BOM) {
                    Some(rest) => {
                        self.has_bom = true;
                        classify(rest)
                    }
                    None => classify(line),
                }
            };
            let next = if self.skipping
                && matches!(
                    kind,
                    LineKind::Start | LineKind::StartWithContent | LineKind::End
                ) {
                // A marker ends the skipped document: its bytes go first, so that the next
                // document starts where the buffer's kept bytes do.
                next - self.drop_skipped()
            } else {
                next
            };
            match kind {
                LineKind::Start | LineKind::StartWithContent => {
                    let bom = self.has_bom;
                    self.finish_document(self.scan);
                    self.doc_start = self.scan;
                    self.doc_line = self.line;
                    self.has_content = kind == LineKind::StartWithContent;
                    // The marker line itself may have carried the mark.
                    self.has_bom = bom && self.buf[self.scan..].starts_with(BOM);
                }
                LineKind::End => {
                    self.finish_document(next);
                    self.doc_start = next;
                    self.doc_line = self.line + 1;
                }
                LineKind::Content => self.has_content = true,
                LineKind::Nothing => {}
            }
            self.scan = next;
            self.line += 1;
        }
    }

    fn start_skipping(&mut self) {
        self.skipping = true;
        self.has_content = true;
        // Drop the document's complete lines; an unfinished line is dropped by `scan_lines`.
        self.buf.drain(self.doc_start..self.scan);
        self.scan = self.doc_start;
    }

    /// The current document ends at `end` (exclusive).
    fn finish_document(&mut self, end: usize) {
        let end = end.max(self.doc_start);
        if self.skipping || end - self.doc_start > self.max_document_bytes {
            self.count += 1;
            self.pieces.push(Piece::TooLarge {
                first_line: self.doc_line,
                index: self.count,
            });
            self.skipping = false;
        } else if self.has_content {
            self.count += 1;
            self.pieces.push(Piece::Doc(DocPiece {
                start: self.doc_start,
                end,
                first_line: self.doc_line,
                index: self.count,
                bom: self.has_bom,
            }));
        }
        self.has_content = false;
        self.has_bom = false;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Splits `text` into (first_line, index, text) triples, with a small block-independent
    /// batch target so that batch boundaries are exercised too.
    fn split(text: &str, limit: usize) -> Vec<(u64, u32, String)> {
        let mut splitter = Splitter::new(text.as_bytes(), limit);
        let mut out = Vec::new();
        loop {
            let batch = match splitter.next_batch(1) {
                Ok(Some(batch)) => batch,
                Ok(None) => break,
                Err(err) => panic!("{err}"),
            };
            for piece in &batch.pieces {
                match piece {
                    Piece::Doc(doc) => out.push((
                        doc.first_line,
                        doc.index,
                        String::from_utf8_lossy(batch.bytes(doc)).into_owned(),
                    )),
                    Piece::TooLarge { first_line, index } => {
                        out.push((*first_line, *index, "<too large>".to_owned()))
                    }
                }
            }
        }
        out
    }

    #[test]
    fn possible_markers_are_found_across_blocks() {
        let mut text = "k: v\n".repeat(40);
        assert_eq!(next_possible_marker(text.as_bytes()), None);
        text.push_str("- item\n");
        assert_eq!(next_possible_marker(text.as_bytes()), Some(199));
        assert_eq!(next_possible_marker(b"a\n...\n"), Some(1));
        assert_eq!(next_possible_marker(b"a\n\xEF\xBB\xBFb"), Some(1));
        assert_eq!(next_possible_marker(b"a\n"), None);
    }

    #[test]
    fn newlines_are_counted_across_chunks() {
        let text = "a\n".repeat(1000) + "tail";
        assert_eq!(count_newlines(text.as_bytes()), 1000);
        assert_eq!(count_newlines(&[b'\n'; 255]), 255);
        assert_eq!(count_newlines(b""), 0);
    }

    #[test]
    fn cuts_at_start_markers_and_skips_empty_documents() {
        let docs = split("---\n# Source: a\na: 1\n---\n---\nb: 2\n", 1 << 20);
        assert_eq!(
            docs,
            vec![
                (1, 1, "---\n# Source: a\na: 1\n".to_owned()),
                (5, 2, "---\nb: 2\n".to_owned()),
            ]
        );
    }

    #[test]
    fn end_marker_ends_a_document_and_a_bare_one_may_follow() {
        let docs = split("a: 1\n...\nb: 2\n", 1 << 20);
        assert_eq!(
            docs,
            vec![
                (1, 1, "a: 1\n...\n".to_owned()),
                (3, 2, "b: 2\n".to_owned())
            ]
        );
    }

    #[test]
    fn marker_with_content_starts_a_document_with_content() {
        let docs = split("--- |\n  text\n--- {a: 1}\n", 1 << 20);
        assert_eq!(docs.len(), 2);
        assert_eq!(docs[1], (3, 2, "--- {a: 1}\n".to_owned()));
    }

    #[test]
    fn dashes_inside_content_are_not_markers() {
        let docs = split("a: |\n  ---\n  b\nc: ---x\n----\n", 1 << 20);
        assert_eq!(docs.len(), 1, "{docs:?}");
    }

    #[test]
    fn crlf_markers_are_recognised_and_bom_dropped() {
        let docs = split("\u{feff}a: 1\r\n---\r\nb: 2\r\n", 1 << 20);
        assert_eq!(docs.len(), 2);
        assert_eq!(docs[0].2, "a: 1\r\n");
        assert_eq!(docs[1].0, 2);
    }

    #[test]
    fn byte_order_marks_inside_a_stream_are_flagged() {
        let mut splitter = Splitter::new(
            "a: 1\n---\n\u{feff}b: 2\n\u{feff}---\nc: 3\n".as_bytes(),
            1 << 20,
        );
        let batch = match splitter.next_batch(1 << 20) {
            Ok(Some(batch)) => batch,
            other => panic!("{other:?}"),
        };
        let flags: Vec<bool> = batch
            .pieces
            .iter()
            .map(|p| matches!(p, Piece::Doc(DocPiece { bom: true, .. })))
            .collect();
        assert_eq!(flags, [false, true, true]);
    }

    #[test]
    fn comment_only_and_empty_streams_have_no_documents() {
        assert!(split("", 1 << 20).is_empty());
        assert!(split("# only a comment\n\n", 1 << 20).is_empty());
        assert!(split("---\n---\n...\n", 1 << 20).is_empty());
    }

    #[test]
    fn oversized_document_is_skipped_and_the_next_one_kept() {
        let big = format!("a: {}\n", "x".repeat(5000));
        let text = format!("{big}---\nb: 2\n");
        let docs = split(&text, 1000);
        assert_eq!(
            docs,
            vec![
                (1, 1, "<too large>".to_owned()),
                (2, 2, "---\nb: 2\n".to_owned())
            ]
        );
    }

    #[test]
    fn unterminated_last_line_is_kept() {
        let docs = split("a: 1\n---\nb: 2", 1 << 20);
        assert_eq!(docs[1].2, "---\nb: 2");
    }

    #[test]
    fn documents_spanning_many_blocks_are_whole() {
        // Larger than one read block, so the document crosses block and batch boundaries.
        let line = "k: vvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvv\n";
        let first = line.repeat(40_000);
        let text = format!("{first}---\n{first}");
        let docs = split(&text, 64 << 20);
        assert_eq!(docs.len(), 2);
        assert_eq!(docs[0].2.len(), first.len());
        assert_eq!(
            docs[1].0, 40_001,
            "the second document starts at its marker line"
        );
    }
}
