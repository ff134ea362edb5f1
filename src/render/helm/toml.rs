//! TOML for Helm's `toToml` and `fromToml`, as BurntSushi/toml v1.6 (Helm 4's) writes and
//! reads it.
//!
//! [`encode`] lays a value out exactly as BurntSushi's `Encoder` does: in each table the keys
//! whose values are not tables come first, each group sorted by byte order; sub-tables follow
//! as `[a.b]` headers indented two spaces a level, arrays of tables as `[[a]]`; other arrays
//! and tables inside arrays inline; floats always with a decimal point or an exponent
//! (`1.0`, `1e+06`, Go's shortest `%g`), strings double-quoted with Go's escapes. Its errors
//! are Go's: `toml: cannot encode array with nil element` and the like (which `toToml`
//! prints), and the Go panic `toToml nil` ends in ([`EncodeError::is_panic`]), which fails
//! the template.
//!
//! [`decode`] reads TOML 1.0 (plus the TOML 1.1 bits BurntSushi accepts: `\e` and `\x`
//! escapes, times without seconds) into the values `toml.Unmarshal` gives an
//! `map[string]interface{}`: int64, float64, strings, bools, `time.Time` ([`Time`]), arrays
//! and tables. Errors are worded as BurntSushi's `ParseError`, `toml: line N (last key
//! "k"): ...`, for the problems charts meet; rarer ones keep the wording but may differ in
//! detail. Local dates and times are read in UTC (BurntSushi uses the machine's zone).
//!
//! Nesting is bounded by [`MAX_DEPTH`]: both walks recurse, and no real document comes near.

use std::any::Any;
use std::rc::Rc;

use gotemplate::{List, Map, Object, Value};

use super::yaml::{EncodeError, format_float};

/// How deep tables and arrays may nest, in either direction.
pub const MAX_DEPTH: usize = 256;

// ---------------------------------------------------------------------------------------------
// Encoding

/// Go's `dblQuotedReplacer`: quotes, backslashes and control characters escaped.
fn quote(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\u{8}' => out.push_str("\\b"),
            '\t' => out.push_str("\\t"),
            '\n' => out.push_str("\\n"),
            '\u{c}' => out.push_str("\\f"),
            '\r' => out.push_str("\\r"),
            '\u{0}'..='\u{1f}' | '\u{7f}' => out.push_str(&format!("\\u{:04x}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

fn is_bare(s: &str) -> bool {
    !s.is_empty()
        && s.chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
}

/// One key piece as BurntSushi writes it: bare when it can be, quoted otherwise.
fn key_piece(s: &str) -> String {
    if is_bare(s) { s.to_owned() } else { quote(s) }
}

fn key_string(key: &[String]) -> String {
    key.iter()
        .map(|k| key_piece(k))
        .collect::<Vec<_>>()
        .join(".")
}

/// The TOML type BurntSushi gives a Go value (`tomlTypeOfGo`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum TType {
    Scalar,
    Array,
    ArrayHash,
    Hash,
}

/// What the encoder sees of a value: named types through the value they wrap, durations
/// as their text (a [`Time`] wraps its RFC 3339 text: a scalar).
fn resolved(v: &Value) -> Value {
    if let Value::Object(o) = v {
        if o.type_name() == "time.Duration" {
            return Value::from(o.string().unwrap_or_default());
        }
        if let Some(u) = o.underlying() {
            return u;
        }
        return Value::Map(Map::from_entries(o.fields()));
    }
    v.clone()
}

fn nil_element() -> EncodeError {
    EncodeError::new("toml: cannot encode array with nil element")
}

fn too_deep() -> EncodeError {
    EncodeError::new(format!("toml: value nesting exceeds {MAX_DEPTH} levels"))
}

/// `tomlTypeOfGo`: `None` for nil. Typing an array looks at every element, so a nil one
/// anywhere inside fails here, as in Go.
fn toml_type(v: &Value, depth: usize) -> Result<Option<TType>, EncodeError> {
    if depth > MAX_DEPTH {
        return Err(too_deep());
    }
    Ok(match resolved(v) {
        Value::Nil => None,
        Value::Map(_) => Some(TType::Hash),
        Value::List(l) => {
            if l.is_empty() {
                return Ok(Some(TType::Array));
            }
            let mut all_tables = true;
            for item in l.iter() {
                match toml_type(item, depth + 1)? {
                    None => return Err(nil_element()),
                    Some(TType::Hash) => {}
                    Some(_) => all_tables = false,
                }
            }
            Some(if all_tables {
                TType::ArrayHash
            } else {
                TType::Array
            })
        }
        Value::Func(_) => return Err(EncodeError::new("unsupported type: func")),
        _ => Some(TType::Scalar),
    })
}

struct Encoder {
    out: String,
}

impl Encoder {
    fn write(&mut self, s: &str) {
        self.out.push_str(s);
    }

    fn newline(&mut self) {
        if !self.out.is_empty() {
            self.out.push('\n');
        }
    }

    fn indent(key: &[String]) -> String {
        "  ".repeat(key.len().saturating_sub(1))
    }

    fn encode(&mut self, key: &[String], v: &Value, depth: usize) -> Result<(), EncodeError> {
        if depth > MAX_DEPTH {
            return Err(too_deep());
        }
        if matches!(v, Value::Object(o) if o.as_any().is::<Time>()) {
            return self.key_value(key, v, false, depth);
        }
        let v = resolved(v);
        match &v {
            Value::Nil => Ok(()),
            Value::Map(m) => self.table(key, m, depth),
            Value::List(l) => {
                if toml_type(&v, depth)? == Some(TType::ArrayHash) {
                    self.array_of_tables(key, l, depth)
                } else {
                    self.key_value(key, &v, false, depth)
                }
            }
            Value::Func(_) => Err(EncodeError::new(format!(
                "unsupported type for key '{}': func",
                key_string(key)
            ))),
            _ => self.key_value(key, &v, false, depth),
        }
    }

    fn key_value(
        &mut self,
        key: &[String],
        v: &Value,
        inline: bool,
        depth: usize,
    ) -> Result<(), EncodeError> {
        let Some(last) = key.last() else {
            return self.element(v, depth);
        };
        self.write(&Self::indent(key));
        self.write(&key_piece(last));
        self.write(" = ");
        self.element(v, depth)?;
        if !inline {
            self.newline();
        }
        Ok(())
    }

    fn element(&mut self, v: &Value, depth: usize) -> Result<(), EncodeError> {
        if depth > MAX_DEPTH {
            return Err(too_deep());
        }
        if let Value::Object(o) = v {
            if let Some(t) = o.as_any().downcast_ref::<Time>() {
                // Times are written bare, in the form they were read in.
                self.write(&t.toml_text());
                return Ok(());
            }
        }
        match resolved(v) {
            Value::String(s) => self.write(&quote(&s)),
            Value::Bool(b) => self.write(if b { "true" } else { "false" }),
            Value::Int(i) | Value::Int64(i) => self.write(&i.to_string()),
            Value::Uint8(u) => self.write(&u.to_string()),
            Value::Float(f) => {
                if f.is_nan() {
                    self.write(if f.is_sign_negative() { "-nan" } else { "nan" });
                } else if f.is_infinite() {
                    self.write(if f < 0.0 { "-inf" } else { "inf" });
                } else {
                    let s = format_float(f, b'g', false);
                    self.write(&s);
                    if !s.contains(['.', 'e']) {
                        self.write(".0");
                    }
                }
            }
            Value::List(l) => {
                self.write("[");
                let n = l.len();
                for (i, item) in l.iter().enumerate() {
                    if item.is_nil() {
                        // Go dereferences the nil interface and panics.
                        return Err(EncodeError::panic(
                            "reflect: call of reflect.Value.Interface on zero Value",
                        ));
                    }
                    self.element(item, depth + 1)?;
                    if i + 1 != n {
                        self.write(", ");
                    }
                }
                self.write("]");
            }
            Value::Map(m) => self.map(&[], &m, true, depth + 1)?,
            Value::Nil => {
                return Err(EncodeError::panic(
                    "reflect: call of reflect.Value.Type on zero Value",
                ));
            }
            Value::Func(f) => {
                return Err(EncodeError::new(format!(
                    "toml: unexpected type: {}",
                    f.go_type_name()
                )));
            }
            Value::Object(_) => self.write("{}"),
        }
        Ok(())
    }

    fn array_of_tables(
        &mut self,
        key: &[String],
        items: &List,
        depth: usize,
    ) -> Result<(), EncodeError> {
        if key.is_empty() {
            return Err(EncodeError::new(
                "toml: top-level values must be Go maps or structs",
            ));
        }
        for item in items.iter() {
            let Value::Map(m) = resolved(item) else {
                continue;
            };
            self.newline();
            self.write(&format!("{}[[{}]]", Self::indent(key), key_string(key)));
            self.newline();
            self.map(key, &m, false, depth + 1)?;
        }
        Ok(())
    }

    fn table(&mut self, key: &[String], m: &Map, depth: usize) -> Result<(), EncodeError> {
        if key.len() == 1 {
            // An empty line between top-level tables (none before the first output).
            self.newline();
        }
        if !key.is_empty() {
            self.write(&format!("{}[{}]", Self::indent(key), key_string(key)));
            self.newline();
        }
        self.map(key, m, false, depth + 1)
    }

    fn map(
        &mut self,
        key: &[String],
        m: &Map,
        inline: bool,
        depth: usize,
    ) -> Result<(), EncodeError> {
        if depth > MAX_DEPTH {
            return Err(too_deep());
        }
        let mut direct = Vec::new();
        let mut sub = Vec::new();
        for (k, v) in m.entries() {
            match toml_type(&v, depth)? {
                Some(TType::Hash | TType::ArrayHash) => sub.push((k, v)),
                _ => direct.push((k, v)),
            }
        }
        if inline {
            self.write("{");
        }
        let trailing_comma = !sub.is_empty();
        for (group, trail) in [(direct, trailing_comma), (sub, false)] {
            let n = group.len();
            for (i, (k, v)) in group.into_iter().enumerate() {
                if v.is_nil() {
                    continue;
                }
                if inline {
                    self.key_value(std::slice::from_ref(&k), &v, true, depth)?;
                    // Go's index counts the nil entries it skipped.
                    if trail || i + 1 != n {
                        self.write(", ");
                    }
                } else {
                    let mut child = key.to_vec();
                    child.push(k);
                    self.encode(&child, &v, depth + 1)?;
                }
            }
        }
        if inline {
            self.write("}");
        }
        Ok(())
    }
}

/// BurntSushi's `Encoder.Encode` of `v`, as `toToml` prints it.
pub fn encode(v: &Value) -> Result<String, EncodeError> {
    if v.is_nil() {
        // `reflect.ValueOf(nil)` is the zero Value; the encoder's first look at it panics.
        return Err(EncodeError::panic(
            "reflect: call of reflect.Value.Type on zero Value",
        ));
    }
    v.check_expanded()
        .map_err(|e| EncodeError::new(e.0.clone()))?;
    let mut enc = Encoder { out: String::new() };
    enc.encode(&[], v, 0)?;
    Ok(enc.out)
}

// ---------------------------------------------------------------------------------------------
// time.Time, as BurntSushi decodes TOML dates and times

/// Which TOML date-time form a [`Time`] was written in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TimeKind {
    /// With an offset (`1979-05-27T07:32:00Z`).
    Offset,
    /// `1979-05-27T07:32:00`
    LocalDatetime,
    /// `1979-05-27`
    LocalDate,
    /// `07:32:00`
    LocalTime,
}

/// A Go `time.Time` decoded from TOML. Local forms are in UTC (offset 0), named as
/// BurntSushi names their zones.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Time {
    /// The form it was written in.
    pub kind: TimeKind,
    /// Year, month (1-12), day, hour, minute, second.
    pub date: (i32, u32, u32, u32, u32, u32),
    /// Nanoseconds.
    pub nanos: u32,
    /// Offset from UTC in seconds.
    pub offset: i32,
}

impl Time {
    fn fraction(&self) -> String {
        if self.nanos == 0 {
            return String::new();
        }
        let digits = format!("{:09}", self.nanos);
        format!(".{}", digits.trim_end_matches('0'))
    }

    fn zone(&self, colon: bool) -> String {
        let sign = if self.offset < 0 { '-' } else { '+' };
        let abs = self.offset.unsigned_abs();
        if colon {
            format!("{sign}{:02}:{:02}", abs / 3600, abs / 60 % 60)
        } else {
            format!("{sign}{:02}{:02}", abs / 3600, abs / 60 % 60)
        }
    }

    fn date_text(&self) -> String {
        let (y, mo, d, _, _, _) = self.date;
        format!("{y:04}-{mo:02}-{d:02}")
    }

    fn clock_text(&self) -> String {
        let (_, _, _, h, mi, s) = self.date;
        format!("{h:02}:{mi:02}:{s:02}{}", self.fraction())
    }

    /// `time.RFC3339Nano`, as `encoding/json` writes a time.
    pub fn rfc3339(&self) -> String {
        let zone = if self.offset == 0 {
            "Z".to_owned()
        } else {
            self.zone(true)
        };
        format!("{}T{}{zone}", self.date_text(), self.clock_text())
    }

    /// The text BurntSushi's encoder writes back for it.
    fn toml_text(&self) -> String {
        match self.kind {
            TimeKind::Offset => self.rfc3339(),
            TimeKind::LocalDatetime => format!("{}T{}", self.date_text(), self.clock_text()),
            TimeKind::LocalDate => self.date_text(),
            TimeKind::LocalTime => self.clock_text(),
        }
    }
}

impl Object for Time {
    fn type_name(&self) -> String {
        "time.Time".to_owned()
    }

    /// Go's `Time.String`.
    fn string(&self) -> Option<String> {
        let name = match self.kind {
            TimeKind::Offset if self.offset == 0 => "UTC".to_owned(),
            TimeKind::Offset => self.zone(false),
            TimeKind::LocalDatetime => "datetime-local".to_owned(),
            TimeKind::LocalDate => "date-local".to_owned(),
            TimeKind::LocalTime => "time-local".to_owned(),
        };
        Some(format!(
            "{} {} {} {name}",
            self.date_text(),
            self.clock_text(),
            self.zone(false)
        ))
    }

    fn underlying(&self) -> Option<Value> {
        // What `encoding/json` (and so `toJson` and `toYaml`) makes of it.
        Some(Value::from(self.rfc3339()))
    }

    fn as_any(&self) -> &dyn Any {
        self
    }
}

// ---------------------------------------------------------------------------------------------
// Decoding

/// A TOML syntax or semantic error, as BurntSushi's `ParseError` prints.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DecodeError(String);

impl DecodeError {
    /// The message.
    pub fn message(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Display for DecodeError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for DecodeError {}

fn quote_rune(c: char) -> String {
    gotemplate::strconv::quote_rune(c as u32, false)
}

fn quote_str(s: &str) -> String {
    gotemplate::strconv::quote(s, false)
}

/// Go's `%s` of an optional rune in the lexer's messages: the quoted rune, or `EOF`.
fn rune_or_eof(c: Option<char>) -> String {
    c.map_or_else(|| "EOF".to_owned(), quote_rune)
}

struct Parser<'a> {
    src: &'a str,
    pos: usize,
    line: usize,
    root: Map,
    /// The table `[a.b]` lines (and dotted keys) put later keys in.
    context: Vec<String>,
    current_key: String,
    /// Tables only implied so far (by `[a.b]` or `a.b = 1`), which may still be defined.
    implicit: std::collections::HashSet<String>,
    /// Keys holding arrays of tables (`[[a]]`), as opposed to inline arrays.
    table_arrays: std::collections::HashSet<String>,
    /// Keys holding inline arrays.
    arrays: std::collections::HashSet<String>,
}

type Res<T> = Result<T, DecodeError>;

impl<'a> Parser<'a> {
    fn peek(&self) -> Option<char> {
        self.src.get(self.pos..).and_then(|s| s.chars().next())
    }

    fn peek_at(&self, n: usize) -> Option<char> {
        self.src.get(self.pos..).and_then(|s| s.chars().nth(n))
    }

    fn bump(&mut self) -> Option<char> {
        let c = self.peek()?;
        self.pos += c.len_utf8();
        if c == '\n' {
            self.line += 1;
        }
        Some(c)
    }

    fn rest(&self) -> &'a str {
        self.src.get(self.pos..).unwrap_or("")
    }

    /// `p.current()`: the full name of the key being read, for `(last key "...")`.
    fn last_key(&self) -> String {
        let context = key_string(&self.context);
        if self.current_key.is_empty() {
            context
        } else if self.context.is_empty() {
            self.current_key.clone()
        } else {
            format!("{context}.{}", self.current_key)
        }
    }

    fn error_at(&self, line: usize, message: impl Into<String>) -> DecodeError {
        let message = message.into();
        let last = self.last_key();
        DecodeError(if last.is_empty() {
            format!("toml: line {line}: {message}")
        } else {
            format!(
                "toml: line {line} (last key {}): {message}",
                quote_str(&last)
            )
        })
    }

    fn error(&self, message: impl Into<String>) -> DecodeError {
        self.error_at(self.line, message)
    }

    /// An error about the character just consumed: a newline is reported on its own line,
    /// as BurntSushi's `errorPrevLine` does.
    fn error_after(&self, c: Option<char>, message: impl Into<String>) -> DecodeError {
        let line = if c == Some('\n') {
            self.line.saturating_sub(1).max(1)
        } else {
            self.line
        };
        self.error_at(line, message)
    }

    fn skip_blanks(&mut self) {
        while matches!(self.peek(), Some(' ' | '\t')) {
            self.bump();
        }
    }

    fn skip_comment(&mut self) {
        if self.peek() == Some('#') {
            while let Some(c) = self.peek() {
                if c == '\n' {
                    break;
                }
                self.bump();
            }
        }
    }

    /// Blanks, comments and newlines (inside arrays).
    fn skip_all(&mut self) {
        loop {
            self.skip_blanks();
            self.skip_comment();
            match self.peek() {
                Some('\n') => {
                    self.bump();
                }
                Some('\r') if self.peek_at(1) == Some('\n') => {
                    self.bump();
                }
                _ => break,
            }
        }
    }

    fn parse(&mut self) -> Res<()> {
        loop {
            self.skip_all();
            let Some(c) = self.peek() else {
                return Ok(());
            };
            match c {
                '[' => self.table_header()?,
                _ => self.key_value_line()?,
            }
            // What may follow an item on its line.
            self.skip_blanks();
            self.skip_comment();
            match self.peek() {
                None | Some('\n') => {}
                Some('\r') if self.peek_at(1) == Some('\n') => {}
                Some(c) => {
                    self.bump();
                    return Err(self.error(format!(
                        "expected a top-level item to end with a newline, comment, or EOF, but got {} instead",
                        quote_rune(c)
                    )));
                }
            }
        }
    }

    fn key_part(&mut self) -> Res<String> {
        match self.peek() {
            Some('"') => {
                self.bump();
                self.basic_string()
            }
            Some('\'') => {
                self.bump();
                self.literal_string()
            }
            _ => {
                let start = self.pos;
                while self
                    .peek()
                    .is_some_and(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
                {
                    self.bump();
                }
                Ok(self.src[start..self.pos].to_owned())
            }
        }
    }

    /// A dotted key up to `end` (`=` for a key/value, `]` for a table name).
    fn key(&mut self, table: bool) -> Res<Vec<String>> {
        let mut parts = Vec::new();
        loop {
            self.skip_blanks();
            if !table {
                match self.peek() {
                    Some('=') => {
                        self.bump();
                        return Err(self.error("unexpected '=': key name appears blank"));
                    }
                    Some('.') if parts.is_empty() => {
                        self.bump();
                        return Err(self.error("unexpected '.': keys cannot start with a '.'"));
                    }
                    _ => {}
                }
            } else if matches!(self.peek(), Some(']')) && parts.is_empty() {
                self.bump();
                return Err(
                    self.error("unexpected end of table name (table names cannot be empty)")
                );
            } else if matches!(self.peek(), Some('.')) && parts.is_empty() {
                self.bump();
                return Err(self.error("unexpected table separator (table names cannot be empty)"));
            }
            let start = self.pos;
            let part = self.key_part()?;
            if self.pos == start {
                let c = self.bump();
                return Err(match (table, c) {
                    (_, None) if !table => self.error("unexpected EOF; expected key separator '='"),
                    (true, _) => self.error_after(
                        None,
                        format!(
                            "expected '.' or ']' to end table name, but got {} instead",
                            rune_or_eof(c)
                        ),
                    ),
                    (false, c) => self.error_after(
                        c,
                        format!("expected '.' or '=', but got {} instead", rune_or_eof(c)),
                    ),
                });
            }
            parts.push(part);
            self.skip_blanks();
            match self.peek() {
                Some('.') => {
                    self.bump();
                }
                Some('=') if !table => {
                    self.bump();
                    return Ok(parts);
                }
                Some(']') if table => return Ok(parts),
                c => {
                    self.bump();
                    return Err(if table {
                        self.error(format!(
                            "expected '.' or ']' to end table name, but got {} instead",
                            rune_or_eof(c)
                        ))
                    } else if c.is_none() {
                        self.error("unexpected EOF; expected key separator '='")
                    } else {
                        self.error_after(
                            c,
                            format!("expected '.' or '=', but got {} instead", rune_or_eof(c)),
                        )
                    });
                }
            }
        }
    }

    fn path_key(path: &[String]) -> String {
        key_string(path)
    }

    /// The table at `path` below the root, creating implied tables; arrays of tables lead to
    /// their last table.
    fn walk(&mut self, path: &[String]) -> Res<Map> {
        let mut here = self.root.clone();
        for i in 0..path.len() {
            let name = &path[i];
            let sub = &path[..=i];
            let next = match here.get(name) {
                None => {
                    let m = Map::new();
                    here.insert(name.clone(), Value::Map(m.clone()));
                    self.implicit.insert(Self::path_key(sub));
                    m
                }
                Some(Value::Map(m)) => m,
                Some(Value::List(l)) if self.table_arrays.contains(&Self::path_key(sub)) => {
                    match l.as_slice().last() {
                        Some(Value::Map(m)) => m.clone(),
                        _ => {
                            return Err(self.error(format!(
                                "Key '{}' was already created as a hash.",
                                Self::path_key(sub)
                            )));
                        }
                    }
                }
                Some(_) => {
                    return Err(self.error(format!(
                        "Key '{}' was already created as a hash.",
                        Self::path_key(sub)
                    )));
                }
            };
            here = next;
        }
        Ok(here)
    }

    fn table_header(&mut self) -> Res<()> {
        let header_line = self.line;
        self.bump();
        let array = self.peek() == Some('[');
        if array {
            self.bump();
        }
        self.current_key.clear();
        let key = self.key(true)?;
        self.bump();
        if array {
            if self.peek() != Some(']') {
                let c = self.bump();
                return Err(self.error(format!(
                    "expected end of table array name delimiter ']', but got {} instead",
                    rune_or_eof(c)
                )));
            }
            self.bump();
        }
        let (last, parents) = match key.split_last() {
            Some(split) => split,
            None => return Ok(()),
        };
        let parent = self.walk(parents)?;
        let full = Self::path_key(&key);
        if array {
            match parent.get(last) {
                None => {
                    parent.insert(
                        last.clone(),
                        Value::List(List::new(vec![Value::Map(Map::new())])),
                    );
                    self.table_arrays.insert(full.clone());
                }
                Some(Value::List(mut l)) if self.table_arrays.contains(&full) => {
                    l.push(Value::Map(Map::new()));
                    parent.insert(last.clone(), Value::List(l));
                }
                Some(_) => {
                    return Err(self.error_at(
                        header_line,
                        format!("Key '{full}' was already created and cannot be used as an array."),
                    ));
                }
            }
        } else {
            match parent.get(last) {
                None => {
                    parent.insert(last.clone(), Value::Map(Map::new()));
                }
                Some(Value::Map(_)) if self.implicit.remove(&full) => {}
                Some(_) => {
                    self.context = key.clone();
                    return Err(self.error_at(
                        header_line,
                        format!("Key '{full}' has already been defined."),
                    ));
                }
            }
        }
        self.context = key;
        Ok(())
    }

    fn key_value_line(&mut self) -> Res<()> {
        let line = self.line;
        let key = self.key(false)?;
        let outer = self.context.clone();
        let Some((last, dotted)) = key.split_last() else {
            return Ok(());
        };
        self.current_key = last.clone();
        // Dotted keys define (implicit) tables below the current one.
        let mut path = self.context.clone();
        for part in dotted {
            path.push(part.clone());
            let full = Self::path_key(&path);
            let parent = self.walk(&path[..path.len() - 1])?;
            match parent.get(part) {
                None => {
                    parent.insert(part.clone(), Value::Map(Map::new()));
                    self.implicit.insert(full);
                }
                Some(Value::Map(_)) => {}
                Some(_) => {
                    return Err(
                        self.error_at(line, format!("Key '{full}' has already been defined."))
                    );
                }
            }
        }
        self.context = path;
        let value = self.value(0)?;
        let table = self.walk(&self.context.clone())?;
        let mut full_path = self.context.clone();
        full_path.push(last.clone());
        let full = Self::path_key(&full_path);
        if table.contains_key(last) {
            return Err(self.error_at(line, format!("Key '{full}' has already been defined.")));
        }
        if matches!(value, Value::List(_)) {
            self.arrays.insert(full);
        }
        table.insert(last.clone(), value);
        self.context = outer;
        self.current_key.clear();
        Ok(())
    }

    fn value(&mut self, depth: usize) -> Res<Value> {
        if depth > MAX_DEPTH {
            return Err(self.error(format!("nesting exceeds {MAX_DEPTH} levels")));
        }
        self.skip_blanks();
        let Some(c) = self.peek() else {
            return Err(self.error("unexpected EOF; expected value"));
        };
        match c {
            '"' => {
                self.bump();
                if self.rest().starts_with("\"\"") {
                    self.bump();
                    self.bump();
                    return self.multiline_basic().map(Value::from);
                }
                self.basic_string().map(Value::from)
            }
            '\'' => {
                self.bump();
                if self.rest().starts_with("''") {
                    self.bump();
                    self.bump();
                    return self.multiline_literal().map(Value::from);
                }
                self.literal_string().map(Value::from)
            }
            '[' => {
                self.bump();
                self.array(depth)
            }
            '{' => {
                self.bump();
                self.inline_table(depth)
            }
            't' if self.rest().starts_with("true") && !self.word_continues(4) => {
                self.pos += 4;
                Ok(Value::Bool(true))
            }
            'f' if self.rest().starts_with("false") && !self.word_continues(5) => {
                self.pos += 5;
                Ok(Value::Bool(false))
            }
            c if c.is_ascii_digit() || matches!(c, '+' | '-' | 'i' | 'n' | '.') => self.number(),
            c if c.is_alphabetic() => {
                let start = self.pos;
                while self.peek().is_some_and(|c| c.is_alphanumeric() || c == '_') {
                    self.bump();
                }
                let word = &self.src[start..self.pos];
                Err(self.error(format!(
                    "expected value but found {} instead",
                    quote_str(word)
                )))
            }
            c => {
                self.bump();
                Err(self.error_after(
                    Some(c),
                    format!("expected value but found {} instead", quote_rune(c)),
                ))
            }
        }
    }

    fn word_continues(&self, n: usize) -> bool {
        self.peek_at(n)
            .is_some_and(|c| c.is_ascii_alphanumeric() || c == '_')
    }

    fn escape(&mut self, out: &mut String) -> Res<()> {
        let Some(c) = self.bump() else {
            return Err(self.error("unexpected EOF; expected '\"'"));
        };
        let hex = |p: &mut Parser<'a>, n: usize, name: &str| -> Res<char> {
            let digits: String = p.rest().chars().take(n).collect();
            if digits.len() != n || !digits.chars().all(|c| c.is_ascii_hexdigit()) {
                return Err(p.error(format!(
                    "expected {name} hexadecimal digits after '\\{}', but got {} instead",
                    match n {
                        2 => 'x',
                        4 => 'u',
                        _ => 'U',
                    },
                    quote_str(&digits)
                )));
            }
            p.pos += n;
            let v = u32::from_str_radix(&digits, 16).unwrap_or(0xFFFD);
            char::from_u32(v).ok_or_else(|| {
                p.error(format!(
                    "Escaped character '\\u{digits}' is not valid UTF-8."
                ))
            })
        };
        match c {
            'b' => out.push('\u{8}'),
            't' => out.push('\t'),
            'n' => out.push('\n'),
            'f' => out.push('\u{c}'),
            'r' => out.push('\r'),
            'e' => out.push('\u{1b}'),
            '"' => out.push('"'),
            '\\' => out.push('\\'),
            'x' => out.push(hex(self, 2, "two")?),
            'u' => out.push(hex(self, 4, "four")?),
            'U' => out.push(hex(self, 8, "eight")?),
            c => return Err(self.error(format!("invalid escape in string '\\{c}'"))),
        }
        Ok(())
    }

    fn control_check(&self, c: char) -> Res<()> {
        if (c < ' ' && c != '\t') || c == '\u{7f}' {
            return Err(self.error(format!(
                "TOML files cannot contain control characters: '0x{:02x}'",
                c as u32
            )));
        }
        Ok(())
    }

    fn basic_string(&mut self) -> Res<String> {
        let mut out = String::new();
        loop {
            match self.bump() {
                None => return Err(self.error("unexpected EOF; expected '\"'")),
                Some('"') => return Ok(out),
                Some('\\') => self.escape(&mut out)?,
                Some('\n') => {
                    return Err(self.error_after(Some('\n'), "strings cannot contain newlines"));
                }
                Some(c) => {
                    self.control_check(c)?;
                    out.push(c);
                }
            }
        }
    }

    fn literal_string(&mut self) -> Res<String> {
        let mut out = String::new();
        loop {
            match self.bump() {
                None => return Err(self.error("unexpected EOF; expected \"'\"")),
                Some('\'') => return Ok(out),
                Some('\n') => {
                    return Err(self.error_after(Some('\n'), "strings cannot contain newlines"));
                }
                Some(c) => {
                    self.control_check(c)?;
                    out.push(c);
                }
            }
        }
    }

    fn multiline_basic(&mut self) -> Res<String> {
        let mut out = String::new();
        if self.rest().starts_with('\n') {
            self.bump();
        } else if self.rest().starts_with("\r\n") {
            self.bump();
            self.bump();
        }
        loop {
            if self.rest().starts_with("\"\"\"") {
                // Up to two quotes may end the content.
                let extra = self.rest()[3..]
                    .chars()
                    .take_while(|&c| c == '"')
                    .count()
                    .min(2);
                for _ in 0..extra {
                    out.push('"');
                }
                self.pos += 3 + extra;
                return Ok(out);
            }
            match self.bump() {
                None => return Err(self.error("unexpected EOF; expected '\"\"\"'")),
                Some('\\') => {
                    // A line-ending backslash drops the newline and the white space after it.
                    let rest = self.rest();
                    let ws = rest.len() - rest.trim_start_matches([' ', '\t', '\r', '\n']).len();
                    if rest[..ws].contains('\n') {
                        for _ in 0..rest[..ws].chars().count() {
                            self.bump();
                        }
                        continue;
                    }
                    self.escape(&mut out)?;
                }
                Some('\r') if self.peek() == Some('\n') => {}
                Some(c) => {
                    if c != '\n' {
                        self.control_check(c)?;
                    }
                    out.push(c);
                }
            }
        }
    }

    fn multiline_literal(&mut self) -> Res<String> {
        let mut out = String::new();
        if self.rest().starts_with('\n') {
            self.bump();
        } else if self.rest().starts_with("\r\n") {
            self.bump();
            self.bump();
        }
        loop {
            if self.rest().starts_with("'''") {
                let extra = self.rest()[3..]
                    .chars()
                    .take_while(|&c| c == '\'')
                    .count()
                    .min(2);
                for _ in 0..extra {
                    out.push('\'');
                }
                self.pos += 3 + extra;
                return Ok(out);
            }
            match self.bump() {
                None => return Err(self.error("unexpected EOF; expected \"'''\"")),
                Some('\r') if self.peek() == Some('\n') => {}
                Some(c) => {
                    if c != '\n' {
                        self.control_check(c)?;
                    }
                    out.push(c);
                }
            }
        }
    }

    fn array(&mut self, depth: usize) -> Res<Value> {
        let mut items = Vec::new();
        loop {
            self.skip_all();
            match self.peek() {
                Some(']') => {
                    self.bump();
                    return Ok(Value::List(List::new(items)));
                }
                Some(',') => {
                    self.bump();
                    return Err(self.error("unexpected comma"));
                }
                None => return Err(self.error("unexpected EOF; expected value")),
                _ => {}
            }
            items.push(self.value(depth + 1)?);
            self.skip_all();
            match self.peek() {
                Some(',') => {
                    self.bump();
                }
                Some(']') => {}
                c => {
                    self.bump();
                    return Err(self.error(format!(
                        "expected a comma (',') or array terminator (']'), but got {}",
                        rune_or_eof(c)
                    )));
                }
            }
        }
    }

    fn inline_table(&mut self, depth: usize) -> Res<Value> {
        let table = Map::new();
        let mut first = true;
        loop {
            self.skip_all();
            match self.peek() {
                Some('}') => {
                    self.bump();
                    return Ok(Value::Map(table));
                }
                Some(',') if first => {
                    self.bump();
                    return Err(self.error("unexpected comma"));
                }
                None => return Err(self.error("unexpected EOF; expected value")),
                _ => {}
            }
            first = false;
            let key = self.key(false)?;
            let value = self.value(depth + 1)?;
            let Some((last, dotted)) = key.split_last() else {
                continue;
            };
            let mut here = table.clone();
            for part in dotted {
                let next = match here.get(part) {
                    Some(Value::Map(m)) => m,
                    None => {
                        let m = Map::new();
                        here.insert(part.clone(), Value::Map(m.clone()));
                        m
                    }
                    Some(_) => {
                        return Err(self.error(format!("Key '{part}' has already been defined.")));
                    }
                };
                here = next;
            }
            if here.contains_key(last) {
                return Err(self.error(format!("Key '{last}' has already been defined.")));
            }
            here.insert(last.clone(), value);
            self.skip_all();
            match self.peek() {
                Some(',') => {
                    self.bump();
                }
                Some('}') => {}
                c => {
                    self.bump();
                    return Err(self.error(format!(
                        "expected a comma or an inline table terminator '}}', but got {} instead",
                        rune_or_eof(c)
                    )));
                }
            }
        }
    }

    /// Integers, floats, and dates and times (which also start with digits).
    fn number(&mut self) -> Res<Value> {
        let start = self.pos;
        while self
            .peek()
            .is_some_and(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '+' | '-' | '.' | ':'))
            || (self.peek() == Some(' ')
                && self.src[start..self.pos].len() == 10
                && self.peek_at(1).is_some_and(|c| c.is_ascii_digit()))
        {
            self.bump();
        }
        let text = &self.src[start..self.pos];
        if text.contains(':') || (text.len() >= 10 && text.as_bytes().get(4) == Some(&b'-')) {
            return parse_datetime(text)
                .map(|t| Value::Object(Rc::new(t)))
                .ok_or_else(|| self.error(format!("invalid datetime: {}", quote_str(text))));
        }
        match text {
            "inf" | "+inf" => return Ok(Value::Float(f64::INFINITY)),
            "-inf" => return Ok(Value::Float(f64::NEG_INFINITY)),
            "nan" | "+nan" => return Ok(Value::Float(f64::NAN)),
            "-nan" => return Ok(Value::Float(-f64::NAN)),
            _ => {}
        }
        let body = text.strip_prefix(['+', '-']).unwrap_or(text);
        let underscores_ok = |s: &str| {
            let b = s.as_bytes();
            b.iter().enumerate().all(|(i, &c)| {
                c != b'_'
                    || (i > 0
                        && b[i - 1].is_ascii_hexdigit()
                        && b.get(i + 1).is_some_and(u8::is_ascii_hexdigit))
            })
        };
        if let Some((base, digits)) = [("0x", 16), ("0o", 8), ("0b", 2)]
            .iter()
            .find_map(|(p, b)| body.strip_prefix(p).map(|d| (*b, d)))
        {
            if body.len() != text.len() {
                return Err(self.error(format!(
                    "cannot use sign with non-decimal numbers: '{text}'"
                )));
            }
            let clean = digits.replace('_', "");
            return i64::from_str_radix(&clean, base)
                .map(Value::Int64)
                .map_err(|_| self.error(format!("{text} is out of range for int64")));
        }
        let is_float = body.contains(['.', 'e', 'E']);
        if !underscores_ok(body) {
            let what = if is_float { "float" } else { "integer" };
            return Err(self.error(format!(
                "Invalid {what} {}: underscores must be surrounded by digits",
                quote_str(text)
            )));
        }
        let leading = body.split(['.', 'e', 'E']).next().unwrap_or("");
        if leading.len() > 1 && leading.starts_with('0') {
            let what = if is_float { "float" } else { "integer" };
            return Err(self.error(format!(
                "Invalid {what} {}: cannot have leading zeroes",
                quote_str(text)
            )));
        }
        let clean = text.replace('_', "");
        if is_float {
            let b = clean.as_bytes();
            let periods_ok = b
                .iter()
                .enumerate()
                .all(|(i, &c)| c != b'.' || b.get(i + 1).is_some_and(u8::is_ascii_digit));
            if !periods_ok {
                return Err(self.error(format!(
                    "Invalid float {}: '.' must be followed by one or more digits",
                    quote_str(text)
                )));
            }
            return match clean.parse::<f64>() {
                Ok(f) if f.is_finite() => Ok(Value::Float(f)),
                Ok(_) => Err(self.error(format!("{text} is out of range for float64"))),
                Err(_) => Err(self.error(format!("invalid float: '{text}'"))),
            };
        }
        if clean.is_empty()
            || !clean
                .trim_start_matches(['+', '-'])
                .bytes()
                .all(|c| c.is_ascii_digit())
        {
            return Err(self.error(format!(
                "expected value but found {} instead",
                quote_str(text)
            )));
        }
        clean
            .parse::<i64>()
            .map(Value::Int64)
            .map_err(|_| self.error(format!("{text} is out of range for int64")))
    }
}

fn digits(s: &str, n: usize) -> Option<u32> {
    (s.len() == n && s.bytes().all(|b| b.is_ascii_digit())).then(|| s.parse().ok())?
}

/// TOML's date-time forms, as BurntSushi's `valueDatetime` accepts them (`t`, `z` and a
/// space as the separator; seconds optional, TOML 1.1).
fn parse_datetime(text: &str) -> Option<Time> {
    let norm = text.replace(['t', ' '], "T").replace('z', "Z");
    let (date, rest) = match norm.split_once('T') {
        Some((d, r)) => (Some(d), Some(r)),
        None if norm.contains(':') => (None, Some(norm.as_str())),
        None => (Some(norm.as_str()), None),
    };
    let mut t = Time {
        kind: TimeKind::LocalDate,
        date: (0, 1, 1, 0, 0, 0),
        nanos: 0,
        offset: 0,
    };
    if let Some(d) = date {
        let mut parts = d.split('-');
        let y = digits(parts.next()?, 4)?;
        let mo = digits(parts.next()?, 2)?;
        let day = digits(parts.next()?, 2)?;
        if parts.next().is_some() || !(1..=12).contains(&mo) {
            return None;
        }
        let leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
        let max = match mo {
            2 if leap => 29,
            2 => 28,
            4 | 6 | 9 | 11 => 30,
            _ => 31,
        };
        if !(1..=max).contains(&day) {
            return None;
        }
        t.date = (i32::try_from(y).ok()?, mo, day, 0, 0, 0);
    }
    let Some(clock) = rest else {
        return Some(t);
    };
    let (clock, zone) = match clock.find(['Z', '+', '-']) {
        Some(i) => (&clock[..i], Some(&clock[i..])),
        None => (clock, None),
    };
    let (hms, frac) = match clock.split_once('.') {
        Some((h, f)) => (h, Some(f)),
        None => (clock, None),
    };
    let mut parts = hms.split(':');
    let h = digits(parts.next()?, 2)?;
    let mi = digits(parts.next()?, 2)?;
    let s = match parts.next() {
        Some(s) => digits(s, 2)?,
        None if frac.is_none() => 0,
        None => return None,
    };
    if parts.next().is_some() || h > 23 || mi > 59 || s > 60 {
        return None;
    }
    if let Some(f) = frac {
        if f.is_empty() || !f.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        let nine: String = f.chars().chain(std::iter::repeat('0')).take(9).collect();
        t.nanos = nine.parse().ok()?;
    }
    t.date.3 = h;
    t.date.4 = mi;
    t.date.5 = s;
    t.kind = match (date.is_some(), zone) {
        (false, None) => TimeKind::LocalTime,
        (true, None) => TimeKind::LocalDatetime,
        (false, Some(_)) => return None,
        (true, Some(z)) => {
            if z != "Z" {
                let sign = if z.starts_with('-') { -1 } else { 1 };
                let (zh, zm) = z[1..].split_once(':')?;
                let (zh, zm) = (digits(zh, 2)?, digits(zm, 2)?);
                t.offset = sign * i32::try_from(zh * 3600 + zm * 60).ok()?;
            }
            TimeKind::Offset
        }
    };
    Some(t)
}

/// `toml.Unmarshal` of `text` into a `map[string]interface{}`.
pub fn decode(text: &str) -> Result<Map, DecodeError> {
    let mut p = Parser {
        src: text,
        pos: 0,
        line: 1,
        root: Map::new(),
        context: Vec::new(),
        current_key: String::new(),
        implicit: std::collections::HashSet::new(),
        table_arrays: std::collections::HashSet::new(),
        arrays: std::collections::HashSet::new(),
    };
    p.parse()?;
    Ok(p.root)
}

/// Helm's `fromToml`: the map, with the error under `Error`.
pub fn from_toml(text: &str) -> Map {
    match decode(text) {
        Ok(m) => m,
        Err(e) => Map::from_entries([("Error", Value::from(e.0))]),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn map(entries: Vec<(&str, Value)>) -> Value {
        Value::Map(Map::from_entries(entries))
    }

    fn list(items: Vec<Value>) -> Value {
        Value::List(List::new(items))
    }

    fn enc(v: &Value) -> String {
        match encode(v) {
            Ok(s) => s,
            Err(e) => format!("error: {e}"),
        }
    }

    fn json(v: &Value) -> String {
        gotemplate::sprig::json::marshal(v).unwrap_or_else(|e| e.0)
    }

    #[test]
    fn direct_keys_first_then_tables() {
        let v = map(vec![
            ("z", Value::Float(1.0)),
            (
                "t",
                map(vec![
                    ("k", Value::from("v")),
                    ("sub", map(vec![("x", Value::Int(1))])),
                ]),
            ),
            ("a", Value::from("x")),
            (
                "arr",
                list(vec![
                    map(vec![("n", Value::Int(1))]),
                    map(vec![("n", Value::Int(2))]),
                ]),
            ),
        ]);
        assert_eq!(
            enc(&v),
            "a = \"x\"\nz = 1.0\n\n[[arr]]\n  n = 1\n\n[[arr]]\n  n = 2\n\n[t]\n  k = \"v\"\n  [t.sub]\n    x = 1\n"
        );
    }

    #[test]
    fn scalars_and_inline_values() {
        let v = map(vec![
            (
                "f",
                list(vec![
                    Value::Float(1e6),
                    Value::Float(1.5),
                    Value::Float(-0.0),
                    Value::Float(f64::NAN),
                ]),
            ),
            (
                "mixed",
                list(vec![
                    Value::Int(1),
                    Value::from("x"),
                    map(vec![("b", Value::Int(1))]),
                ]),
            ),
            ("s", Value::from("q\"\\\t\u{1}\u{7f}é")),
            ("a b", Value::Bool(true)),
            ("", Value::Int(3)),
            ("gone", Value::Nil),
        ]);
        assert_eq!(
            enc(&v),
            "\"\" = 3\n\"a b\" = true\nf = [1e+06, 1.5, -0.0, nan]\nmixed = [1, \"x\", {b = 1}]\ns = \"q\\\"\\\\\\t\\u0001\\u007fé\"\n"
        );
    }

    #[test]
    fn go_encoder_errors() {
        assert_eq!(
            enc(&map(vec![("a", list(vec![Value::Int(1), Value::Nil]))])),
            "error: toml: cannot encode array with nil element"
        );
        assert_eq!(
            enc(&list(vec![map(vec![])])),
            "error: toml: top-level values must be Go maps or structs"
        );
        assert!(matches!(encode(&Value::Nil), Err(e) if e.is_panic()));
        assert_eq!(enc(&Value::from("x")), "\"x\"");
        assert_eq!(enc(&list(vec![Value::Int(1), Value::Int(2)])), "[1, 2]");
    }

    #[test]
    fn deep_values_are_refused() {
        let mut v = Value::Int(1);
        for _ in 0..(MAX_DEPTH + 5) {
            v = map(vec![("a", v)]);
        }
        assert!(enc(&v).starts_with("error: toml: value nesting exceeds"));
        let deep = format!(
            "a = {}1{}",
            "[".repeat(MAX_DEPTH + 5),
            "]".repeat(MAX_DEPTH + 5)
        );
        assert!(matches!(decode(&deep), Err(e) if e.message().contains("nesting exceeds")));
    }

    #[test]
    fn decodes_as_burntsushi_into_interface() {
        let m = match decode(
            "a = 1\nb = 1.5\nc = \"x\\ty\"\nd = 1979-05-27\n[t.u]\nv = [1, 2]\n[[p]]\nn = 1\n[[p]]\nn = 2\n",
        ) {
            Ok(m) => m,
            Err(e) => panic!("{e}"),
        };
        assert!(matches!(m.get("a"), Some(Value::Int64(1))));
        assert_eq!(
            json(&Value::Map(m)),
            r#"{"a":1,"b":1.5,"c":"x\ty","d":"1979-05-27T00:00:00Z","p":[{"n":1},{"n":2}],"t":{"u":{"v":[1,2]}}}"#
        );
    }

    #[test]
    fn times_print_as_go_prints_them() {
        let m = from_toml("a = 1979-05-27T07:32:00.5-07:00\nb = 07:32:00\n");
        let text = |k: &str| match m.get(k) {
            Some(Value::Object(o)) => o.string().unwrap_or_default(),
            other => format!("{other:?}"),
        };
        assert_eq!(text("a"), "1979-05-27 07:32:00.5 -0700 -0700");
        assert_eq!(text("b"), "0000-01-01 07:32:00 +0000 time-local");
        assert_eq!(
            enc(&Value::Map(m)),
            "a = 1979-05-27T07:32:00.5-07:00\nb = 07:32:00\n"
        );
    }

    #[test]
    fn errors_are_worded_as_burntsushi() {
        let cases = [
            (
                "a = 1\na = 2\n",
                "toml: line 2 (last key \"a\"): Key 'a' has already been defined.",
            ),
            (
                "a = \n",
                "toml: line 1 (last key \"a\"): expected value but found '\\n' instead",
            ),
            (
                "a = b\n",
                "toml: line 1 (last key \"a\"): expected value but found \"b\" instead",
            ),
            (
                "[a\nb = 1\n",
                "toml: line 2: expected '.' or ']' to end table name, but got '\\n' instead",
            ),
            (
                "a = \"x\n",
                "toml: line 1 (last key \"a\"): strings cannot contain newlines",
            ),
            (
                "a = 9223372036854775808\n",
                "toml: line 1 (last key \"a\"): 9223372036854775808 is out of range for int64",
            ),
        ];
        for (text, want) in cases {
            let got = match from_toml(text).get("Error") {
                Some(Value::String(s)) => s.to_string(),
                other => format!("{other:?}"),
            };
            assert_eq!(got, want, "{text:?}");
        }
    }

    #[test]
    fn random_text_never_panics() {
        const ALPHABET: &[&str] = &[
            "a",
            "1",
            " ",
            "\n",
            "=",
            "[",
            "]",
            "[[",
            "{",
            "}",
            ",",
            ".",
            "\"",
            "'",
            "\"\"\"",
            "'''",
            "\\",
            "#",
            "1979-05-27",
            "T",
            ":",
            "-",
            "+",
            "_",
            "0x",
            "e",
            "inf",
            "é",
        ];
        let mut seed: u64 = 0x2545_F491_4F6C_DD1D;
        let mut next = || {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            seed
        };
        for _ in 0..4000 {
            let len = next() % 20;
            let text: String = (0..len)
                .map(|_| ALPHABET[(next() % ALPHABET.len() as u64) as usize])
                .collect();
            if let Ok(m) = decode(&text) {
                let _ = encode(&Value::Map(m));
            }
        }
    }

    #[test]
    fn hostile_text_never_panics() {
        for s in [
            "[",
            "[[",
            "a = [",
            "a = {",
            "a.b.c",
            "\"",
            "'''",
            "a = \"\\u",
            "[a]\n[a]",
            "a = 1979-13-99",
            "=",
            "a = 0x",
            "a = +",
        ] {
            let _ = decode(s);
        }
    }
}
