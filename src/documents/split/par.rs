//! Cutting a stream into documents with the byte scanning spread over rayon's threads.
//!
//! A line starting `---` or `...` (followed by a blank or the end of the line) cuts a
//! document whatever state the reader is in, so each line can be classified without knowing
//! what came before it. A block is cut into ranges at newlines, each range is scanned by a
//! worker for its marker lines, content and byte order marks, and one pass over the markers
//! found (work proportional to the number of documents, not to bytes) runs the same state
//! machine as [`Splitter`](super::Splitter), with line numbers from prefix sums of the
//! ranges' newline counts.
//!
//! The pieces are exactly those [`Splitter`](super::Splitter) hands out, for every input:
//! that splitter decides that a document is too large at the points where it refills its
//! buffer (every [`SERIAL_BLOCK`] bytes of input and at the end), and while it skips a
//! document it cannot see a marker on a line that crosses such a point. Those points are
//! simulated here, whatever this splitter's own block size, so that `imgsift` reports the
//! same documents whichever splitter read them.

use std::io::{self, Read};

use rayon::prelude::*;

use super::{
    BLOCK as SERIAL_BLOCK, BOM, Batch, DocPiece, LineKind, Piece, classify, count_newlines,
    next_possible_marker,
};

/// Bytes read from the input per batch: enough for every worker to get a long range.
const BLOCK: usize = 4 << 20;

/// The smallest range given to one worker: below it, spreading costs more than it saves.
const MIN_CHUNK: usize = 256 << 10;

/// What a run of lines between markers holds.
#[derive(Debug, Clone, Copy, Default)]
struct Flags {
    content: bool,
    bom: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Cut {
    Start,
    StartWithContent,
    End,
}

/// A marker line, in stream offsets.
#[derive(Debug, Clone, Copy)]
struct Marker {
    pos: usize,
    /// Offset of the newline that ends the line, or of the stream's end.
    line_end: usize,
    /// Offset of the next line.
    next: usize,
    kind: Cut,
    /// Newlines between the start of the scanned range and the marker.
    line_rel: u64,
    /// The line starts with a byte order mark.
    bom: bool,
    /// What the lines after the marker hold, up to the next marker or the range's end.
    after: Flags,
}

/// What one worker found in its range of complete lines.
#[derive(Debug, Default)]
struct ChunkScan {
    /// What the lines before the first marker hold.
    head: Flags,
    markers: Vec<Marker>,
    newlines: u64,
}

/// Scans complete lines (the last one may be the stream's unterminated last line) starting at
/// stream offset `base`.
fn scan_chunk(bytes: &[u8], base: usize) -> ChunkScan {
    let mut out = ChunkScan::default();
    let mut current = Flags::default();
    let mut lines = 0u64;
    let mut at = 0;
    while let Some(&first) = bytes.get(at) {
        let rest = &bytes[at..];
        if current.content && !matches!(first, b'-' | b'.' | 0xEF) {
            // Once a run has content only markers and marks matter, and they start with
            // `-`, `.` or a byte order mark: the lines between are skipped in one stride.
            match next_possible_marker(rest) {
                Some(i) => {
                    lines += count_newlines(&rest[..=i]);
                    at += i + 1;
                    continue;
                }
                None => {
                    lines += count_newlines(rest);
                    break;
                }
            }
        }
        let (line_end, next) = match memchr::memchr(b'\n', rest) {
            Some(i) => (at + i, at + i + 1),
            None => (bytes.len(), bytes.len()),
        };
        let line = &bytes[at..line_end];
        let (line, bom) = match line.strip_prefix(BOM) {
            Some(rest) => (rest, true),
            None => (line, false),
        };
        let cut = match classify(line) {
            LineKind::Start => Some(Cut::Start),
            LineKind::StartWithContent => Some(Cut::StartWithContent),
            LineKind::End => Some(Cut::End),
            LineKind::Content => {
                current.content = true;
                current.bom |= bom;
                None
            }
            LineKind::Nothing => {
                current.bom |= bom;
                None
            }
        };
        if let Some(kind) = cut {
            match out.markers.last_mut() {
                Some(last) => last.after = current,
                None => out.head = current,
            }
            out.markers.push(Marker {
                pos: base + at,
                line_end: base + line_end,
                next: base + next,
                kind,
                line_rel: lines,
                bom,
                after: Flags::default(),
            });
            current = Flags {
                content: kind == Cut::StartWithContent,
                bom: false,
            };
        }
        lines += u64::from(next > line_end);
        at = next;
    }
    match out.markers.last_mut() {
        Some(last) => last.after = current,
        None => out.head = current,
    }
    out.newlines = lines;
    out
}

/// What the first bytes of a line too long to keep make of it. A line that long makes the
/// document holding it too large, so whether a start marker has content after it does not
/// matter: only whether it is a start marker, an end marker or neither.
fn long_line_cut(prefix: &[u8]) -> (Option<Cut>, bool) {
    let (rest, bom) = match prefix.strip_prefix(BOM) {
        Some(rest) => (rest, true),
        None => (prefix, false),
    };
    let blank_after = matches!(rest.get(3), Some(b' ' | b'\t'));
    let cut = if rest.starts_with(b"---") && blank_after {
        Some(Cut::Start)
    } else if rest.starts_with(b"...") && blank_after {
        Some(Cut::End)
    } else {
        None
    };
    (cut, bom)
}

/// A line longer than any document may be, whose bytes were dropped as they arrived.
#[derive(Debug, Clone, Copy)]
struct LongLine {
    pos: usize,
    line: u64,
    prefix: [u8; 8],
}

/// A piece whose range is in stream offsets.
#[derive(Debug, Clone, Copy)]
enum Found {
    Doc(DocPiece),
    TooLarge { first_line: u64, index: u32 },
}

/// Splits a reader into batches of documents, scanning each block on rayon's threads.
pub struct ParSplitter<R> {
    reader: R,
    max_document_bytes: usize,
    block: usize,
    min_chunk: usize,
    /// Stream bytes from offset `base` on (offsets count from after a leading mark).
    buf: Vec<u8>,
    base: usize,
    /// A buffer handed back by the reader of a batch, reused for the next one.
    spare: Vec<u8>,
    /// Raw bytes read, a leading byte order mark included.
    raw: usize,
    /// Length of the dropped leading byte order mark (0 or 3).
    shift: usize,
    started: bool,
    eof: bool,
    done: bool,
    /// Offset and line where scanning resumes (always a line start).
    scan: usize,
    line: u64,
    long: Option<LongLine>,
    found: Vec<Found>,
    // The state machine of the serial splitter, in stream offsets.
    doc_start: usize,
    doc_line: u64,
    has_content: bool,
    has_bom: bool,
    skipping: bool,
    /// Where the serial splitter started skipping the current document.
    skip_at: usize,
    /// The serial splitter's refill points checked so far: the next one's index.
    next_boundary: usize,
    last_check: Option<usize>,
    count: u32,
}

impl<R: Read> ParSplitter<R> {
    /// A splitter over `reader` that skips documents larger than `max_document_bytes`.
    pub fn new(reader: R, max_document_bytes: usize) -> Self {
        Self::with_sizes(reader, max_document_bytes, BLOCK, MIN_CHUNK)
    }

    /// A splitter reading `block` bytes at a time and giving each worker at least
    /// `min_chunk` bytes: small sizes exercise every boundary in tests.
    pub fn with_sizes(
        reader: R,
        max_document_bytes: usize,
        block: usize,
        min_chunk: usize,
    ) -> Self {
        ParSplitter {
            reader,
            max_document_bytes,
            block: block.max(1),
            min_chunk: min_chunk.max(1),
            buf: Vec::new(),
            base: 0,
            spare: Vec::new(),
            raw: 0,
            shift: 0,
            started: false,
            eof: false,
            done: false,
            scan: 0,
            line: 1,
            long: None,
            found: Vec::new(),
            doc_start: 0,
            doc_line: 1,
            has_content: false,
            has_bom: false,
            skipping: false,
            skip_at: 0,
            next_boundary: 1,
            last_check: None,
            count: 0,
        }
    }

    /// The splitter of a text that starts at line `line` of its file (a block taken out of
    /// a larger one), so that positions are the file's.
    pub fn starting_at_line(mut self, line: u64) -> Self {
        self.line = line.max(1);
        self.doc_line = self.line;
        self
    }

    /// Whether the stream is exhausted and every document was handed out.
    pub fn finished(&self) -> bool {
        self.done && self.found.is_empty()
    }

    /// Takes back the buffer of a batch that was read, to fill it again.
    pub fn recycle(&mut self, mut buf: Vec<u8>) {
        buf.clear();
        if buf.capacity() > self.spare.capacity() {
            self.spare = buf;
        }
    }

    /// The next batch of documents, or `None` when the stream is exhausted.
    pub fn next_batch(&mut self) -> io::Result<Option<Batch>> {
        loop {
            if self.done {
                return Ok(None);
            }
            self.fill()?;
            if !self.started {
                continue;
            }
            self.scan_buffer();
            if self.eof {
                let len = self.end();
                self.boundaries_through(len);
                self.finish(len);
                self.done = true;
                if self.found.is_empty() {
                    return Ok(None);
                }
                let buf = std::mem::take(&mut self.buf);
                return Ok(Some(self.batch(buf)));
            }
            let keep = self.keep_from();
            let cut = keep.saturating_sub(self.base).min(self.buf.len());
            if self.found.is_empty() {
                // Nothing complete yet: keep the current document and read on.
                self.buf.drain(..cut);
                self.base += cut;
                continue;
            }
            // The batch keeps the whole buffer; the current document's bytes go on into the
            // spare one, so only they are copied.
            let mut next = std::mem::take(&mut self.spare);
            next.clear();
            next.extend_from_slice(&self.buf[cut..]);
            let buf = std::mem::replace(&mut self.buf, next);
            let batch = self.batch(buf);
            self.base += cut;
            return Ok(Some(batch));
        }
    }

    fn end(&self) -> usize {
        self.base + self.buf.len()
    }

    /// The pieces found so far, with ranges made relative to `buf`, which starts at `base`.
    fn batch(&mut self, buf: Vec<u8>) -> Batch {
        let base = self.base;
        let pieces = self
            .found
            .drain(..)
            .map(|found| match found {
                Found::Doc(doc) => Piece::Doc(DocPiece {
                    start: doc.start.saturating_sub(base),
                    end: doc.end.saturating_sub(base),
                    ..doc
                }),
                Found::TooLarge { first_line, index } => Piece::TooLarge { first_line, index },
            })
            .collect();
        Batch { buf, pieces }
    }

    fn fill(&mut self) -> io::Result<()> {
        let read = (&mut self.reader)
            .take(self.block as u64)
            .read_to_end(&mut self.buf)?;
        self.raw += read;
        // `read_to_end` on `take` stops short only at the end of the input.
        self.eof = read < self.block;
        if !self.started && (self.raw >= 3 || self.eof) {
            self.started = true;
            // A UTF-8 byte order mark is not content; dropping it keeps columns right.
            if self.buf.starts_with(BOM) {
                self.buf.drain(..3);
                self.shift = 3;
            }
        }
        Ok(())
    }

    /// Scans the complete lines that arrived, and at the end of the stream the last one.
    fn scan_buffer(&mut self) {
        let end = self.end();
        if let Some(long) = self.long {
            let from = self.scan.saturating_sub(self.base).min(self.buf.len());
            match memchr::memchr(b'\n', &self.buf[from..]) {
                Some(i) => {
                    let line_end = self.base + from + i;
                    self.long_line(long, line_end, line_end + 1);
                    self.scan = line_end + 1;
                }
                None if self.eof => {
                    self.long_line(long, end, end);
                    self.scan = end;
                }
                None => {
                    // Still inside the line: its bytes are not kept.
                    self.buf.clear();
                    self.base = end;
                    self.scan = end;
                    self.boundaries_through(end);
                    return;
                }
            }
        }
        let from = self.scan.saturating_sub(self.base).min(self.buf.len());
        let to = if self.eof {
            self.buf.len()
        } else {
            match memchr::memrchr(b'\n', &self.buf[from..]) {
                Some(i) => from + i + 1,
                None => from,
            }
        };
        if to > from {
            let chunks = self.scan_range(from, to);
            for chunk in &chunks {
                self.apply(chunk);
            }
            self.scan = self.base + to;
        }
        self.boundaries_through(end);
    }

    /// Scans `buf[from..to]`, in ranges cut at newlines, one per worker.
    fn scan_range(&self, from: usize, to: usize) -> Vec<ChunkScan> {
        let bytes = &self.buf[from..to];
        let workers = rayon::current_num_threads();
        let parts = (bytes.len() / self.min_chunk).clamp(1, workers.max(1) * 4);
        if parts == 1 || workers == 1 {
            return vec![scan_chunk(bytes, self.base + from)];
        }
        let size = bytes.len() / parts;
        let mut cuts = vec![0];
        for part in 1..parts {
            let at = (part * size).max(cuts.last().copied().unwrap_or(0));
            let cut = match memchr::memchr(b'\n', bytes.get(at..).unwrap_or(&[])) {
                Some(i) => at + i + 1,
                None => bytes.len(),
            };
            if cut < bytes.len() && cut > cuts.last().copied().unwrap_or(0) {
                cuts.push(cut);
            }
        }
        cuts.push(bytes.len());
        let base = self.base + from;
        cuts.par_windows(2)
            .map(|w| scan_chunk(&bytes[w[0]..w[1]], base + w[0]))
            .collect()
    }

    fn apply(&mut self, chunk: &ChunkScan) {
        let line = self.line;
        self.absorb(chunk.head);
        for marker in &chunk.markers {
            self.marker(marker, line + marker.line_rel);
            self.absorb(marker.after);
        }
        self.line += chunk.newlines;
    }

    fn absorb(&mut self, flags: Flags) {
        self.has_content |= flags.content;
        self.has_bom |= flags.bom;
    }

    /// A line whose bytes were dropped ends at `line_end`.
    fn long_line(&mut self, long: LongLine, line_end: usize, next: usize) {
        self.long = None;
        match long_line_cut(&long.prefix) {
            (Some(kind), bom) => {
                let marker = Marker {
                    pos: long.pos,
                    line_end,
                    next,
                    kind,
                    line_rel: 0,
                    bom,
                    after: Flags::default(),
                };
                self.marker(&marker, long.line);
            }
            (None, bom) => self.absorb(Flags { content: true, bom }),
        }
        self.line = long.line + u64::from(next > line_end);
    }

    /// Where the bytes worth keeping start: the current document, unless it is sure to be
    /// too large, and then only the unfinished line (which may start the next document).
    /// A line that is itself longer than a document may be is dropped as it arrives.
    fn keep_from(&mut self) -> usize {
        let end = self.end();
        let doomed =
            self.skipping || self.scan - self.doc_start.min(self.scan) > self.max_document_bytes;
        if !doomed {
            return self.doc_start;
        }
        let limit = self.max_document_bytes.saturating_add(8);
        if end - self.scan > limit {
            let from = self.scan - self.base;
            let mut prefix = [0u8; 8];
            for (slot, byte) in prefix.iter_mut().zip(&self.buf[from..]) {
                *slot = *byte;
            }
            self.long = Some(LongLine {
                pos: self.scan,
                line: self.line,
                prefix,
            });
            self.scan = end;
            return end;
        }
        self.scan
    }

    /// The serial splitter's refill points up to `limit`: where it may start skipping.
    fn boundaries_through(&mut self, limit: usize) {
        loop {
            let at = (self.next_boundary * SERIAL_BLOCK).saturating_sub(self.shift);
            if at > limit {
                break;
            }
            self.next_boundary += 1;
            self.check(at);
        }
        // The last refill point is the end of the stream, wherever it falls.
        let end = self.end();
        if self.eof && limit >= end && self.last_check != Some(end) {
            self.check(end);
        }
    }

    /// The serial splitter, its buffer filled to `at`, skips a document grown too large.
    fn check(&mut self, at: usize) {
        self.last_check = Some(at);
        if !self.skipping && at.saturating_sub(self.doc_start) > self.max_document_bytes {
            self.skipping = true;
            self.skip_at = at;
            self.has_content = true;
        }
    }

    /// Whether the serial splitter, skipping, dropped the start of the line at `pos`: it
    /// does when the line crosses a refill point after skipping started.
    fn blinded(&self, pos: usize, line_end: usize) -> bool {
        let after = pos.max(self.skip_at);
        let next = ((after + self.shift) / SERIAL_BLOCK + 1) * SERIAL_BLOCK - self.shift;
        next <= line_end || (self.eof && line_end == self.end() && self.end() > after)
    }

    fn marker(&mut self, marker: &Marker, line: u64) {
        // The serial splitter refills before it sees the line's newline.
        self.boundaries_through(marker.line_end);
        if self.skipping && self.blinded(marker.pos, marker.line_end) {
            return;
        }
        self.has_bom |= marker.bom;
        match marker.kind {
            Cut::Start | Cut::StartWithContent => {
                self.finish(marker.pos);
                self.doc_start = marker.pos;
                self.doc_line = line;
                self.has_content = marker.kind == Cut::StartWithContent;
                self.has_bom = marker.bom;
            }
            Cut::End => {
                self.finish(marker.next);
                self.doc_start = marker.next;
                self.doc_line = line + 1;
            }
        }
    }

    /// The current document ends at `end` (exclusive).
    fn finish(&mut self, end: usize) {
        let end = end.max(self.doc_start);
        if self.skipping || end - self.doc_start > self.max_document_bytes {
            self.count += 1;
            self.found.push(Found::TooLarge {
                first_line: self.doc_line,
                index: self.count,
            });
            self.skipping = false;
        } else if self.has_content {
            self.count += 1;
            self.found.push(Found::Doc(DocPiece {
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
    use super::super::Splitter;
    use super::*;

    /// A piece as the pipeline sees it: bytes (none when too large), first line, index, mark.
    type Seen = (Option<Vec<u8>>, u64, u32, bool);

    fn seen(batch: &Batch, out: &mut Vec<Seen>) {
        for piece in &batch.pieces {
            out.push(match piece {
                Piece::Doc(doc) => (
                    Some(batch.bytes(doc).to_vec()),
                    doc.first_line,
                    doc.index,
                    doc.bom,
                ),
                Piece::TooLarge { first_line, index } => (None, *first_line, *index, false),
            });
        }
    }

    fn serial(bytes: &[u8], max: usize) -> Vec<Seen> {
        let mut splitter = Splitter::new(bytes, max);
        let mut out = Vec::new();
        loop {
            match splitter.next_batch(1 << 16) {
                Ok(Some(batch)) => seen(&batch, &mut out),
                Ok(None) => break,
                Err(err) => panic!("{err}"),
            }
        }
        out
    }

    fn parallel(bytes: &[u8], max: usize, block: usize, min_chunk: usize) -> Vec<Seen> {
        let mut splitter = ParSplitter::with_sizes(bytes, max, block, min_chunk);
        let mut out = Vec::new();
        loop {
            match splitter.next_batch() {
                Ok(Some(batch)) => {
                    seen(&batch, &mut out);
                    splitter.recycle(batch.buf);
                }
                Ok(None) => break,
                Err(err) => panic!("{err}"),
            }
        }
        assert!(splitter.finished());
        out
    }

    fn same(bytes: &[u8], max: usize, block: usize, min_chunk: usize, what: &str) {
        let want = serial(bytes, max);
        let got = parallel(bytes, max, block, min_chunk);
        if want != got {
            let first = want
                .iter()
                .zip(&got)
                .position(|(a, b)| a != b)
                .unwrap_or(want.len().min(got.len()));
            panic!(
                "{what}: max {max} block {block} chunk {min_chunk}: {} pieces, want {}; first \
                 difference at {first}: {:?} / {:?}",
                got.len(),
                want.len(),
                got.get(first)
                    .map(|p| (p.1, p.2, p.3, p.0.as_ref().map(Vec::len))),
                want.get(first)
                    .map(|p| (p.1, p.2, p.3, p.0.as_ref().map(Vec::len))),
            );
        }
    }

    /// A small deterministic generator, so that a failure can be replayed.
    struct Rng(u64);

    impl Rng {
        fn next(&mut self) -> u64 {
            self.0 ^= self.0 << 13;
            self.0 ^= self.0 >> 7;
            self.0 ^= self.0 << 17;
            self.0
        }

        fn below(&mut self, n: usize) -> usize {
            (self.next() % n.max(1) as u64) as usize
        }
    }

    /// A random stream of marker lines, decoys, comments, marks, long lines, CRLF endings.
    fn stream(rng: &mut Rng, lines: usize, long: usize) -> Vec<u8> {
        const LINES: &[&str] = &[
            "---",
            "--- # comment",
            "---x",
            "--- {a: 1}",
            "--- |",
            "---\t",
            "...",
            "... # end",
            "...x",
            "....",
            "a: 1",
            "  - b",
            "- c",
            "-",
            ".",
            "# comment",
            "",
            "   ",
            "%YAML 1.2",
            "\u{feff}a: 2",
            "\u{feff}---",
            "\u{feff}...",
            "\u{feff}",
            "\u{feff}# c",
            "  ---",
            "---  ",
            "kind: CustomResourceDefinition",
        ];
        let mut out = Vec::new();
        if rng.below(8) == 0 {
            out.extend_from_slice(BOM);
        }
        let crlf = rng.below(4) == 0;
        for _ in 0..lines {
            match rng.below(20) {
                0 => {
                    let prefix = LINES[rng.below(LINES.len())];
                    out.extend_from_slice(prefix.as_bytes());
                    let n = rng.below(long.max(1));
                    out.extend(std::iter::repeat_n(b"xy "[rng.below(3)], n));
                }
                _ => out.extend_from_slice(LINES[rng.below(LINES.len())].as_bytes()),
            }
            if crlf || rng.below(30) == 0 {
                out.push(b'\r');
            }
            out.push(b'\n');
        }
        if rng.below(3) == 0 {
            // An unterminated last line, sometimes a marker.
            out.pop();
            if rng.below(2) == 0 {
                out.extend_from_slice(LINES[rng.below(7)].as_bytes());
            }
        }
        out
    }

    #[test]
    fn generated_streams_are_cut_as_the_serial_splitter_cuts_them() {
        let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
        for case in 0..400 {
            let lines = 1 + rng.below(60);
            let text = stream(&mut rng, lines, 300);
            for max in [0, 5, 8, 40, 200, 1 << 20] {
                for (block, chunk) in [(1, 1), (2, 3), (3, 1), (5, 7), (16, 4), (64, 64), (4096, 8)]
                {
                    same(&text, max, block, chunk, &format!("case {case}"));
                }
            }
        }
    }

    #[test]
    fn large_streams_with_long_lines_are_cut_as_the_serial_splitter_cuts_them() {
        // Over several of the serial splitter's refill points, with lines and documents
        // larger than the limit crossing them.
        let mut rng = Rng(0x2545_F491_4F6C_DD1D);
        for case in 0..6 {
            let lines = 600 + rng.below(200);
            let text = stream(&mut rng, lines, 40_000);
            for max in [1000, 30_000, 100_000, 2 << 20] {
                for (block, chunk) in [(1 << 12, 1 << 10), (77_777, 5000), (4 << 20, 1 << 16)] {
                    same(&text, max, block, chunk, &format!("large case {case}"));
                }
            }
        }
        let line = format!("--- {}\n", "x".repeat(3 << 20));
        let text = format!("a: 1\n{line}b: 2\n---\nc: 3\n{line}");
        for max in [10, 4 << 20, 64 << 20] {
            for (block, chunk) in [(1 << 12, 1 << 10), (4 << 20, 1 << 16)] {
                same(text.as_bytes(), max, block, chunk, "lines over a block");
            }
        }
    }

    #[test]
    fn corpus_streams_are_cut_as_the_serial_splitter_cuts_them() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/corpus");
        let mut stack = vec![root];
        let mut files = Vec::new();
        while let Some(dir) = stack.pop() {
            let Ok(entries) = std::fs::read_dir(&dir) else {
                continue;
            };
            for entry in entries.flatten() {
                let path = entry.path();
                if path.is_dir() {
                    stack.push(path);
                } else if path.extension().is_some_and(|e| e == "yaml") {
                    files.push(path);
                }
            }
        }
        files.sort();
        assert!(!files.is_empty(), "no corpus in ../shared/corpus");
        let mut all = Vec::new();
        for path in &files {
            let bytes = std::fs::read(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
            let what = path.display().to_string();
            same(&bytes, 64 << 20, BLOCK, MIN_CHUNK, &what);
            same(&bytes, 2000, 4096, 512, &what);
            all.extend_from_slice(&bytes);
        }
        // The whole corpus as one stream, as `cat` makes it.
        same(&all, 64 << 20, BLOCK, 1 << 16, "the corpus");
        same(&all, 5000, 1 << 20, 1 << 15, "the corpus");
        same(&all, 64 << 20, 100_003, 10_007, "the corpus");
    }
}
