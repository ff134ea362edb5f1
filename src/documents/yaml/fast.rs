//! The fast path: the block YAML that helm, kustomize and kubectl print, read line by line.
//!
//! Nearly every document imgsift parses was printed by a tool: block mappings and sequences,
//! plain and quoted scalars on one line, literal block scalars, comments, `[]` and `{}`. This
//! reader takes exactly that subset, byte by byte, with no token queue: plain scalars and
//! quoted scalars without escapes are borrowed slices of the input (no allocation per scalar),
//! a literal block is copied line by line. It feeds the same [`Builder`] as the full parser,
//! with the positions the full parser reports, so the tree, its bounds and its duplicate-key
//! notes are the same.
//!
//! Anything outside the subset — flow collections that hold something, anchors, aliases, tags,
//! complex keys, tabs, carriage returns, scalars over several lines, folded blocks, block
//! indentation indicators, a syntax error — makes [`parse`] return `None` at once, and the
//! caller reads the document again with the full parser. Leaving is always safe; taking a
//! document is right only when both readers agree, which `tests/yaml_fast_path.rs` checks on
//! every corpus document, on the parser-compatibility cases and on generated documents.

use std::borrow::Cow;
use std::cell::Cell;
use std::sync::OnceLock;

use super::{Builder, Pos, ScalarKind, Value, resolve_plain};

/// Deepest nesting the fast path follows. Real manifests nest a few dozen levels; deeper
/// documents go to the full parser, which bounds them with a diagnostic.
const MAX_DEPTH: usize = 128;

/// Longest implicit key YAML allows, in characters (bytes here: longer keys are left).
const MAX_KEY: usize = 1024;

/// Whether the fast path is used: `IMGSIFT_NO_FAST_PATH` set to anything turns it off, so
/// that a user who doubts a result, and the tests, can compare with the full parser alone.
pub(super) fn enabled() -> bool {
    static ENABLED: OnceLock<bool> = OnceLock::new();
    *ENABLED.get_or_init(|| std::env::var_os("IMGSIFT_NO_FAST_PATH").is_none())
}

/// Reads `text` as one document into `out`; `Err` leaves it to the full parser (and `out` is
/// then to be dropped), with the 1-based line of `text` where the fast path stopped.
pub(super) fn parse<'a>(text: &'a str, out: &mut Builder<'a, '_>) -> Result<(), usize> {
    let bytes = text.as_bytes();
    // Carriage returns (line breaks the fast path does not count), NUL (where the full parser
    // sees the end of the input) and byte order marks (refused inside a document) are left.
    let bom = crate::documents::split::BOM;
    for at in memchr::memchr3_iter(b'\r', 0, bom[0], bytes) {
        if bytes[at] != bom[0] || bytes[at..].starts_with(bom) {
            return Err(1 + memchr::memchr_iter(b'\n', &bytes[..at]).count());
        }
    }
    let mut reader = Reader {
        text,
        bytes,
        start: 0,
        end: 0,
        line: 1,
        depth: 0,
        columns: Cell::new(Columns::default()),
        out,
    };
    reader.set_line(0);
    reader.document().ok_or(reader.line)
}

/// How an inline item begins.
enum Head<'a> {
    /// A mapping key: its text, whether plain, and where its `:` is.
    Key(Key<'a>),
    /// Anything else: a scalar or a collection written inline.
    Value,
}

struct Key<'a> {
    text: Cow<'a, str>,
    plain: bool,
    /// Byte offset of the key's first byte in its line.
    at: usize,
    /// Byte offset of the `:` in its line.
    colon: usize,
}

struct Reader<'a, 'b, 'l> {
    text: &'a str,
    bytes: &'a [u8],
    /// Offset of the current line's first byte (`bytes.len()` at the end).
    start: usize,
    /// Offset of the current line's newline, or of the end of the text.
    end: usize,
    /// 1-based number of the current line.
    line: usize,
    depth: usize,
    /// Where the last column was counted, so that the columns of a long line (a flow
    /// collection of a million items) are counted once, not once per node.
    columns: Cell<Columns>,
    out: &'b mut Builder<'a, 'l>,
}

/// A column counted in the current line: its line's start, whether the line is ASCII (then a
/// column is its byte offset), and the last offset counted with its column.
#[derive(Debug, Clone, Copy, Default)]
struct Columns {
    line_start: Option<usize>,
    ascii: bool,
    offset: usize,
    column: usize,
}

/// Whether `line` is the document marker `marker` (followed by a blank or the end).
fn is_marker(line: &[u8], marker: &[u8; 3]) -> bool {
    line.starts_with(marker) && matches!(line.get(3), None | Some(b' ' | b'\t'))
}

/// Characters in `bytes` (UTF-8): the bytes that do not continue a character.
fn chars(bytes: &[u8]) -> usize {
    bytes.iter().filter(|&&b| b & 0xC0 != 0x80).count()
}

/// Offset of the first byte at or after `at` that is not a space.
fn skip_spaces(line: &[u8], mut at: usize) -> usize {
    while line.get(at) == Some(&b' ') {
        at += 1;
    }
    at
}

/// Whether only spaces and then a comment or nothing follow offset `at` (a comment needs a
/// space before its `#`, unless it starts the rest).
fn rest_is_void(line: &[u8], at: usize) -> bool {
    let next = skip_spaces(line, at);
    match line.get(next) {
        None => true,
        Some(b'#') => next > at,
        Some(_) => false,
    }
}

/// Whether a `-` at offset `at` is a sequence entry indicator.
fn is_dash(line: &[u8], at: usize) -> bool {
    line.get(at) == Some(&b'-') && matches!(line.get(at + 1), None | Some(b' '))
}

impl<'a> Reader<'a, '_, '_> {
    fn set_line(&mut self, start: usize) {
        self.start = start;
        self.end =
            memchr::memchr(b'\n', &self.bytes[start..]).map_or(self.bytes.len(), |i| start + i);
    }

    fn eof(&self) -> bool {
        self.start >= self.bytes.len()
    }

    fn advance(&mut self) {
        if self.end >= self.bytes.len() {
            self.start = self.bytes.len();
            self.end = self.bytes.len();
        } else {
            self.line += 1;
            self.set_line(self.end + 1);
        }
    }

    /// The current line, without its newline.
    fn current(&self) -> &'a [u8] {
        &self.bytes[self.start..self.end]
    }

    /// The text of `from..to` of the current line.
    fn slice(&self, from: usize, to: usize) -> &'a str {
        &self.text[self.start + from..self.start + to]
    }

    fn indent(&self) -> usize {
        skip_spaces(self.current(), 0)
    }

    fn pos(&self, at: usize) -> Pos {
        let line = self.current();
        let at = at.min(line.len());
        let mut columns = self.columns.get();
        if columns.line_start != Some(self.start) {
            columns = Columns {
                line_start: Some(self.start),
                ascii: line.is_ascii(),
                offset: 0,
                column: 0,
            };
        }
        let col = if columns.ascii {
            at
        } else {
            if at < columns.offset {
                columns.offset = 0;
                columns.column = 0;
            }
            columns.column += chars(&line[columns.offset..at]);
            columns.offset = at;
            columns.column
        };
        self.columns.set(columns);
        Pos {
            line: self.line,
            col,
        }
    }

    /// Moves past blank and comment lines. A `...` marker ends the document (only void may
    /// follow); a `---` marker, a tab in indentation, or content after `...` leave.
    fn skip_void(&mut self) -> Option<()> {
        while !self.eof() {
            let line = self.current();
            let indent = skip_spaces(line, 0);
            match line.get(indent) {
                None | Some(b'#') => self.advance(),
                Some(b'\t') => return None,
                Some(_) if indent == 0 && is_marker(line, b"---") => return None,
                Some(_) if indent == 0 && is_marker(line, b"...") => {
                    if !rest_is_void(line, 3) {
                        return None;
                    }
                    self.advance();
                    while !self.eof() {
                        let line = self.current();
                        if !rest_is_void(line, 0) && !line.starts_with(b"#") {
                            return None;
                        }
                        self.advance();
                    }
                }
                Some(_) => break,
            }
        }
        Some(())
    }

    fn document(&mut self) -> Option<()> {
        // Void, a directive (left to the full parser), an optional `---`, void.
        while !self.eof() {
            let line = self.current();
            let indent = skip_spaces(line, 0);
            match line.get(indent) {
                None | Some(b'#') => self.advance(),
                Some(b'%' | b'\t') => return None,
                Some(_) => break,
            }
        }
        if !self.eof() && is_marker(self.current(), b"---") {
            if !rest_is_void(self.current(), 3) {
                return None;
            }
            self.advance();
        }
        self.skip_void()?;
        if self.eof() {
            return None;
        }
        self.out.document_start();
        self.node(None)?;
        if !self.eof() {
            return None;
        }
        self.out.document_end();
        Some(())
    }

    fn enter(&mut self) -> Option<()> {
        self.depth += 1;
        (self.depth <= MAX_DEPTH).then_some(())
    }

    /// A block node starting at the first content of the current line, which is indented
    /// more than `parent`.
    fn node(&mut self, parent: Option<usize>) -> Option<()> {
        let indent = self.indent();
        if parent.is_some_and(|p| indent <= p) {
            return None;
        }
        let line = self.current();
        if is_dash(line, indent) {
            let at = self.pos(indent);
            return self.sequence(indent, at);
        }
        match (self.head(indent)?, parent) {
            (Head::Key(key), _) => self.mapping(indent, key),
            // A value on the line below its key (`resources:` then `{}`).
            (Head::Value, Some(parent)) => self.inline(indent, parent),
            (Head::Value, None) => None,
        }
    }

    /// What starts at offset `at` of the current line: a key, or a value.
    fn head(&self, at: usize) -> Option<Head<'a>> {
        let line = self.current();
        let first = *line.get(at)?;
        match first {
            b'"' | b'\'' => {
                // A quoted scalar over several lines is a value: keys fit on one line.
                let Some((text, after)) = self.quoted(at) else {
                    return Some(Head::Value);
                };
                let colon = skip_spaces(line, after);
                if line.get(colon) == Some(&b':')
                    && matches!(line.get(colon + 1), None | Some(b' '))
                {
                    // `"a" : b` is rare enough to leave to the full parser.
                    if colon != after {
                        return None;
                    }
                    return Some(Head::Key(Key {
                        text,
                        plain: false,
                        at,
                        colon,
                    }));
                }
                Some(Head::Value)
            }
            b'[' | b'{' | b'|' | b'>' => Some(Head::Value),
            b'&' | b'*' | b'!' | b'%' | b'@' | b'`' | b',' | b']' | b'}' | b'#' | b'\t' => None,
            b'-' | b'?' | b':' if matches!(line.get(at + 1), None | Some(b' ' | b'\t')) => None,
            _ => {
                let mut flow = false;
                let mut i = at;
                while i < line.len() {
                    match line[i] {
                        b':' => match line.get(i + 1) {
                            None | Some(b' ') => break,
                            Some(b'\t') => return None,
                            Some(_) => {}
                        },
                        b'\t' => return None,
                        b' ' if line.get(i + 1) == Some(&b'#') => return Some(Head::Value),
                        b'[' | b']' | b'{' | b'}' | b',' => flow = true,
                        _ => {}
                    }
                    i += 1;
                }
                if i == line.len() {
                    return Some(Head::Value);
                }
                if flow || line[i - 1] == b' ' || i - at > MAX_KEY {
                    return None;
                }
                Some(Head::Key(Key {
                    text: Cow::Borrowed(self.slice(at, i)),
                    plain: true,
                    at,
                    colon: i,
                }))
            }
        }
    }

    /// A quoted scalar that opens at offset `at` and closes on the same line: its text and the
    /// offset after the closing quote.
    fn quoted(&self, at: usize) -> Option<(Cow<'a, str>, usize)> {
        let line = self.current();
        let body = at + 1;
        if line.get(at) == Some(&b'\'') {
            let mut owned: Option<String> = None;
            let mut from = body;
            loop {
                let close = from + memchr::memchr(b'\'', line.get(from..)?)?;
                if line.get(close + 1) == Some(&b'\'') {
                    let text = owned.get_or_insert_with(String::new);
                    text.push_str(self.slice(from, close + 1));
                    from = close + 2;
                    continue;
                }
                return Some(match owned {
                    None => (Cow::Borrowed(self.slice(body, close)), close + 1),
                    Some(mut text) => {
                        text.push_str(self.slice(from, close));
                        (Cow::Owned(text), close + 1)
                    }
                });
            }
        }
        let first = body + memchr::memchr2(b'"', b'\\', line.get(body..)?)?;
        if line[first] == b'"' {
            return Some((Cow::Borrowed(self.slice(body, first)), first + 1));
        }
        let mut text = String::from(self.slice(body, first));
        let mut i = first;
        loop {
            match *line.get(i)? {
                b'"' => return Some((Cow::Owned(text), i + 1)),
                b'\\' => {
                    let (c, len) = unescape(line.get(i + 1..)?)?;
                    text.push(c);
                    i += 1 + len;
                }
                _ => {
                    let next = i + memchr::memchr2(b'"', b'\\', line.get(i..)?)?;
                    text.push_str(self.slice(i, next));
                    i = next;
                }
            }
        }
    }

    fn key(&mut self, key: &Key<'a>) -> Option<()> {
        let at = self.pos(key.at);
        self.text_scalar(key.text.clone(), key.plain, at)
    }

    /// A scalar other than a block: a plain one resolves by its text, a quoted one is a string.
    fn text_scalar(&mut self, text: Cow<'a, str>, plain: bool, at: Pos) -> Option<()> {
        let kind = if plain {
            resolve_plain(&text)
        } else {
            ScalarKind::Str
        };
        self.out.scalar(text, kind, plain, false, 0, at).ok()
    }

    /// Closes the collection opened after [`Reader::enter`].
    fn leave(&mut self, at: Pos) -> Option<()> {
        self.out.end(at).ok()?;
        self.depth -= 1;
        Some(())
    }

    fn empty(&mut self, at: Pos) -> Option<()> {
        self.out
            .scalar(Cow::Borrowed(""), ScalarKind::Null, true, false, 0, at)
            .ok()
    }

    /// A block mapping whose keys sit at column `indent`, the first of them `first` on the
    /// current line.
    fn mapping(&mut self, indent: usize, first: Key<'a>) -> Option<()> {
        self.enter()?;
        let at = self.pos(first.at);
        self.out.start(Value::Map(Vec::new()), 0, at).ok()?;
        let mut key = first;
        loop {
            self.key(&key)?;
            let line = self.current();
            let value = skip_spaces(line, key.colon + 1);
            if matches!(line.get(value), None | Some(b'#')) {
                let colon = self.pos(key.colon);
                self.advance();
                self.skip_void()?;
                if self.eof() || self.indent() < indent {
                    self.empty(colon)?;
                } else if self.indent() > indent {
                    self.node(Some(indent))?;
                } else if is_dash(self.current(), indent) {
                    self.indentless(indent)?;
                } else {
                    self.empty(colon)?;
                }
            } else {
                self.inline(value, indent)?;
            }
            if self.eof() || self.indent() < indent {
                break;
            }
            if self.indent() > indent {
                return None;
            }
            match self.head(indent)? {
                Head::Key(next) => key = next,
                Head::Value => return None,
            }
        }
        self.leave(self.pos(0))
    }

    /// A sequence whose `-` sit at the column of its mapping's keys: the full parser places it
    /// at its first item's content.
    fn indentless(&mut self, indent: usize) -> Option<()> {
        let line = self.current();
        let content = skip_spaces(line, indent + 1);
        match line.get(content) {
            None | Some(b'#' | b'|' | b'>') => None,
            Some(_) => {
                let at = self.pos(content);
                self.sequence(indent, at)
            }
        }
    }

    /// A block sequence whose `-` sit at column `indent`, the first on the current line.
    fn sequence(&mut self, indent: usize, at: Pos) -> Option<()> {
        self.enter()?;
        self.out.start(Value::Seq(Vec::new()), 0, at).ok()?;
        loop {
            let line = self.current();
            let content = skip_spaces(line, indent + 1);
            if matches!(line.get(content), None | Some(b'#')) {
                // The full parser places an empty item where the scanner stopped: the end of
                // the line, past spaces and a comment.
                let empty = self.pos(line.len());
                self.advance();
                self.skip_void()?;
                if self.eof() || self.indent() <= indent {
                    self.empty(empty)?;
                } else {
                    self.node(Some(indent))?;
                }
            } else if is_dash(line, content) {
                let at = self.pos(content);
                self.sequence(content, at)?;
            } else {
                match self.head(content)? {
                    Head::Key(key) => self.mapping(content, key)?,
                    Head::Value => self.inline(content, indent)?,
                }
            }
            if self.eof() || self.indent() < indent {
                break;
            }
            if self.indent() > indent {
                return None;
            }
            if !is_dash(self.current(), indent) {
                break;
            }
        }
        self.leave(self.pos(0))
    }

    /// A value written inline at offset `at` of the current line, in a collection whose
    /// entries sit at column `parent`; on return the reader is at the next content line.
    fn inline(&mut self, at: usize, parent: usize) -> Option<()> {
        let line = self.current();
        let pos = self.pos(at);
        match line[at] {
            b'|' | b'>' => return self.block_scalar(at, parent),
            b'"' | b'\'' => {
                let (text, after) = self.quoted_lines(at)?;
                if !rest_is_void(self.current(), after) {
                    return None;
                }
                self.text_scalar(text, false, pos)?;
                self.advance();
            }
            b'[' | b'{' => {
                let after = self.flow(at)?;
                if !rest_is_void(line, after) {
                    return None;
                }
                self.advance();
            }
            b'&' | b'*' | b'!' | b'%' | b'@' | b'`' | b',' | b']' | b'}' | b'#' | b'\t' => {
                return None;
            }
            b'-' | b'?' | b':' if matches!(line.get(at + 1), None | Some(b' ' | b'\t')) => {
                return None;
            }
            _ => {
                let text = self.plain_lines(at, parent)?;
                self.text_scalar(text, true, pos)?;
            }
        }
        self.skip_void()?;
        // A more indented line would continue the value: an error, or a shape left to the
        // full parser.
        if !self.eof() && self.indent() > parent {
            return None;
        }
        Some(())
    }

    /// A plain scalar from offset `at` of the current line, with the lines that continue it
    /// (more indented than `parent`), folded as YAML folds them: one line break is a space,
    /// each blank line a newline. The reader ends after its last line.
    fn plain_lines(&mut self, at: usize, parent: usize) -> Option<Cow<'a, str>> {
        let line = self.current();
        let end = plain_end(line, at)?;
        let mut text = Cow::Borrowed(self.slice(at, end));
        // A comment ends a plain scalar: nothing continues it.
        let mut ended = skip_spaces(line, end) < line.len();
        self.advance();
        while !ended {
            let mut blanks = 0;
            while !self.eof() && self.indent() == self.current().len() {
                blanks += 1;
                self.advance();
            }
            if self.eof() || self.indent() <= parent {
                break;
            }
            let line = self.current();
            let indent = self.indent();
            match line[indent] {
                b'#' => break,
                b'-' | b'?' | b':' if matches!(line.get(indent + 1), None | Some(b' ')) => {
                    return None;
                }
                b'"' | b'\'' | b'[' | b']' | b'{' | b'}' | b',' | b'&' | b'*' | b'!' | b'|'
                | b'>' | b'%' | b'@' | b'`' | b'\t' => return None,
                _ => {}
            }
            let end = plain_end(line, indent)?;
            let owned = text.to_mut();
            if blanks == 0 {
                owned.push(' ');
            }
            for _ in 0..blanks {
                owned.push('\n');
            }
            owned.push_str(self.slice(indent, end));
            ended = skip_spaces(line, end) < line.len();
            self.advance();
        }
        Some(text)
    }

    /// A quoted scalar opening at offset `at` of the current line, closing on it or on a later
    /// line; the reader ends at the line of the closing quote, the offset after it returned.
    /// Over several lines (kubectl prints long strings so), YAML folds each line break as in
    /// plain scalars and drops the white space written around it, but not white space an
    /// escape makes (`\ `); a `\` at the end of a line joins the lines. Tabs, and blank lines
    /// after a joining `\`, are left to the full parser.
    fn quoted_lines(&mut self, at: usize) -> Option<(Cow<'a, str>, usize)> {
        if let Some(done) = self.quoted(at) {
            return Some(done);
        }
        let quote = self.current()[at];
        let double = quote == b'"';
        let mut text = String::new();
        let mut from = at + 1;
        let mut blanks = 0;
        let mut first = true;
        let mut joined = false;
        loop {
            let line = self.current();
            if !first {
                from = skip_spaces(line, 0);
                if from == line.len() {
                    if joined {
                        return None;
                    }
                    blanks += 1;
                    self.advance();
                    if self.eof() {
                        return None;
                    }
                    continue;
                }
                if !joined {
                    if blanks == 0 {
                        text.push(' ');
                    }
                    for _ in 0..blanks {
                        text.push('\n');
                    }
                }
                blanks = 0;
                joined = false;
            }
            // Text up to `keep` stays; literal spaces after it are dropped at a line break.
            let mut keep = text.len();
            let mut i = from;
            while i < line.len() {
                match line[i] {
                    b'\t' => return None,
                    b'\\' if double => {
                        if i + 1 == line.len() {
                            joined = true;
                            break;
                        }
                        let (c, len) = unescape(&line[i + 1..])?;
                        text.push(c);
                        keep = text.len();
                        i += 1 + len;
                    }
                    b'\'' if !double && line.get(i + 1) == Some(&b'\'') => {
                        text.push('\'');
                        keep = text.len();
                        i += 2;
                    }
                    b if b == quote => return Some((Cow::Owned(text), i + 1)),
                    b' ' => {
                        text.push(' ');
                        i += 1;
                    }
                    _ => {
                        // From the next byte: the one at `i` is not a stop (a `\` in single
                        // quotes is text).
                        let run = line[i + 1..]
                            .iter()
                            .position(|&b| matches!(b, b' ' | b'\t' | b'\\' | b'"' | b'\''))
                            .map_or(line.len(), |n| i + 1 + n);
                        text.push_str(self.slice(i, run));
                        keep = text.len();
                        i = run;
                    }
                }
            }
            if !joined {
                text.truncate(keep);
            }
            self.advance();
            if self.eof() {
                return None;
            }
            first = false;
        }
    }

    /// A flow collection opening at offset `at` of the current line and closing on it, with
    /// scalars (plain or quoted) and collections inside; the offset after it returned.
    /// Entries without a value, single-pair mappings in sequences and anything over several
    /// lines are left to the full parser.
    fn flow(&mut self, at: usize) -> Option<usize> {
        self.enter()?;
        let line = self.current();
        let map = line[at] == b'{';
        let close = if map { b'}' } else { b']' };
        let empty = if map {
            Value::Map(Vec::new())
        } else {
            Value::Seq(Vec::new())
        };
        self.out.start(empty, 0, self.pos(at)).ok()?;
        let mut i = skip_spaces(line, at + 1);
        loop {
            if line.get(i) == Some(&close) {
                break;
            }
            if map {
                let (text, plain, after) = self.flow_scalar(i)?;
                if line.get(after) != Some(&b':')
                    || !matches!(line.get(after + 1), Some(b' ')) && plain
                {
                    return None;
                }
                let pos = self.pos(i);
                self.text_scalar(text, plain, pos)?;
                i = skip_spaces(line, after + 1);
                if matches!(line.get(i), None | Some(b',' | b'}')) {
                    return None;
                }
            }
            i = self.flow_node(i)?;
            i = skip_spaces(line, i);
            match line.get(i) {
                Some(b',') => i = skip_spaces(line, i + 1),
                Some(&b) if b == close => {}
                _ => return None,
            }
        }
        self.leave(self.pos(i))?;
        Some(i + 1)
    }

    /// A node inside a flow collection, at offset `at`: the offset after it.
    fn flow_node(&mut self, at: usize) -> Option<usize> {
        let line = self.current();
        match line.get(at)? {
            b'[' | b'{' => self.flow(at),
            _ => {
                let (text, plain, after) = self.flow_scalar(at)?;
                // `[a: b]` is a mapping of one pair inside the sequence; left.
                if line.get(skip_spaces(line, after)) == Some(&b':') {
                    return None;
                }
                let pos = self.pos(at);
                self.text_scalar(text, plain, pos)?;
                Some(after)
            }
        }
    }

    /// A scalar inside a flow collection at offset `at`: its text, whether plain, and the
    /// offset after it (a plain scalar's trailing spaces excluded).
    fn flow_scalar(&self, at: usize) -> Option<(Cow<'a, str>, bool, usize)> {
        let line = self.current();
        match *line.get(at)? {
            b'"' | b'\'' => {
                let (text, after) = self.quoted(at)?;
                Some((text, false, after))
            }
            b'[' | b']' | b'{' | b'}' | b',' | b'#' | b'&' | b'*' | b'!' | b'|' | b'>' | b'%'
            | b'@' | b'`' | b'\t' => None,
            b'-' | b'?' | b':'
                if matches!(
                    line.get(at + 1),
                    None | Some(b' ' | b'\t' | b',' | b'[' | b']' | b'{' | b'}')
                ) =>
            {
                None
            }
            _ => {
                let mut end = at;
                let mut i = at;
                while i < line.len() {
                    match line[i] {
                        b',' | b'[' | b']' | b'{' | b'}' => break,
                        b':' if matches!(
                            line.get(i + 1),
                            None | Some(b' ' | b',' | b'[' | b']' | b'{' | b'}')
                        ) =>
                        {
                            break;
                        }
                        b'\t' => return None,
                        b' ' if line.get(i + 1) == Some(&b'#') => return None,
                        b' ' => {}
                        _ => end = i + 1,
                    }
                    i += 1;
                }
                if i == line.len() {
                    return None;
                }
                Some((Cow::Borrowed(self.slice(at, end)), true, end))
            }
        }
    }

    /// A block scalar (`|` or `>`, with `-` or `+`) whose header is at offset `at`, in a
    /// collection whose entries sit at column `parent`. Its lines are those indented as its
    /// first content line; a folded (`>`) block joins two lines of text with a space, or with
    /// one newline per blank line between them, and keeps the line breaks around lines that
    /// are more indented.
    fn block_scalar(&mut self, at: usize, parent: usize) -> Option<()> {
        let line = self.current();
        let folded = line[at] == b'>';
        let mut next = at + 1;
        let chomp = match line.get(next) {
            Some(&c @ (b'-' | b'+')) => {
                next += 1;
                c
            }
            _ => b' ',
        };
        if !rest_is_void(line, next) || line.get(next).is_some_and(u8::is_ascii_digit) {
            return None;
        }
        self.advance();
        // Leading blank lines, then the first content line sets the indentation.
        let mut blanks = 0usize;
        let mut widest_blank = 0;
        loop {
            if self.eof() || self.end >= self.bytes.len() {
                return None;
            }
            let line = self.current();
            let indent = skip_spaces(line, 0);
            if indent < line.len() {
                break;
            }
            widest_blank = widest_blank.max(indent);
            blanks += 1;
            self.advance();
        }
        let indent = self.indent();
        if indent <= parent {
            // No content: the full parser places the empty scalar at the line that ends it.
            if widest_blank > 0 {
                return None;
            }
            let text = if chomp == b'+' {
                "\n".repeat(blanks)
            } else {
                String::new()
            };
            let pos = self.pos(indent);
            self.out
                .scalar(Cow::Owned(text), ScalarKind::Str, false, !folded, 0, pos)
                .ok()?;
            return self.skip_void();
        }
        if widest_blank > indent || self.current()[indent] == b'\t' {
            return None;
        }
        let pos = self.pos(indent);
        let mut text = String::new();
        // Whether the previous content line was more indented than the block; `None` before
        // the first.
        let mut previous: Option<bool> = None;
        while !self.eof() {
            let line = self.current();
            let spaces = skip_spaces(line, 0);
            if self.end >= self.bytes.len() {
                return None;
            }
            if spaces == line.len() {
                if spaces > indent {
                    return None;
                }
                blanks += 1;
            } else if spaces < indent {
                break;
            } else {
                let content = &line[indent..];
                let spaced = content[0] == b' ';
                if folded && content[0] == b'\t' {
                    return None;
                }
                let breaks = match previous {
                    None => blanks,
                    Some(false) if folded && !spaced && blanks == 0 => {
                        text.push(' ');
                        0
                    }
                    Some(false) if folded && !spaced => blanks,
                    Some(_) => blanks + 1,
                };
                for _ in 0..breaks {
                    text.push('\n');
                }
                blanks = 0;
                text.push_str(self.slice(indent, line.len()));
                previous = Some(spaced);
            }
            self.advance();
        }
        match chomp {
            b'-' => {}
            b'+' => {
                for _ in 0..=blanks {
                    text.push('\n');
                }
            }
            _ => text.push('\n'),
        }
        self.out
            .scalar(Cow::Owned(text), ScalarKind::Str, false, !folded, 0, pos)
            .ok()?;
        self.skip_void()
    }
}

/// End offset of a plain scalar that starts at `at` and ends on its line (trailing spaces and
/// a comment excluded); `None` for what the fast path leaves: a `: ` (a mapping where a value
/// is) or a tab.
fn plain_end(line: &[u8], at: usize) -> Option<usize> {
    let mut end = at;
    let mut i = at;
    while i < line.len() {
        match line[i] {
            b':' if matches!(line.get(i + 1), None | Some(b' ' | b'\t')) => return None,
            b'\t' => return None,
            b' ' => {
                if line.get(i + 1) == Some(&b'#') {
                    break;
                }
            }
            _ => end = i + 1,
        }
        i += 1;
    }
    Some(end)
}

/// The character of a double-quoted escape (`bytes` follow the backslash) and the bytes it
/// takes; `None` for an escape at the end of the line (a continued scalar) or an invalid one.
fn unescape(bytes: &[u8]) -> Option<(char, usize)> {
    let simple = match *bytes.first()? {
        b'0' => '\0',
        b'a' => '\x07',
        b'b' => '\x08',
        b't' | b'\t' => '\t',
        b'n' => '\n',
        b'v' => '\x0b',
        b'f' => '\x0c',
        b'r' => '\r',
        b'e' => '\x1b',
        b' ' => ' ',
        b'"' => '"',
        b'/' => '/',
        b'\\' => '\\',
        b'N' => '\u{85}',
        b'_' => '\u{a0}',
        b'L' => '\u{2028}',
        b'P' => '\u{2029}',
        b'x' => return hex(bytes, 2),
        b'u' => return hex(bytes, 4),
        b'U' => return hex(bytes, 8),
        _ => return None,
    };
    Some((simple, 1))
}

fn hex(bytes: &[u8], digits: usize) -> Option<(char, usize)> {
    let text = std::str::from_utf8(bytes.get(1..=digits)?).ok()?;
    if !text.bytes().all(|b| b.is_ascii_hexdigit()) {
        return None;
    }
    let code = u32::from_str_radix(text, 16).ok()?;
    Some((char::from_u32(code)?, 1 + digits))
}
