//! Go's `encoding/json` for template values, as Sprig's and Helm's JSON functions call it:
//! [`marshal`] (`json.Marshal`), [`marshal_indent`] (`json.MarshalIndent`), [`encode`] (an
//! `Encoder` with or without HTML escaping, without its trailing newline) and [`unmarshal`] /
//! [`unmarshal_into`] (`json.Unmarshal` into `interface{}`, `map[string]interface{}` or
//! `[]interface{}`).
//!
//! Output matches Go byte for byte: map keys sorted, `<`, `>`, `&` escaped as `\u003c`...
//! unless HTML escaping is off, U+2028 and U+2029 always escaped, floats formatted as Go's
//! `floatEncoder` does (`'f'` unless the exponent is below -6 or at least 21, then `'e'` with
//! a one-digit negative exponent written `e-7`). Decoding checks the whole text with a port of
//! Go's scanner first, so syntax errors carry Go's messages (`invalid character 'x' looking
//! for beginning of value`, `unexpected end of JSON input`); numbers become float64.

use std::fmt;

use crate::{List, MAX_VALUE_DEPTH, Map, Value};

/// An error worded as Go's `encoding/json` words it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct JsonError(pub String);

impl fmt::Display for JsonError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for JsonError {}

impl From<JsonError> for crate::FuncError {
    fn from(e: JsonError) -> Self {
        crate::FuncError::new(e.0)
    }
}

/// `json.Marshal(v)`.
pub fn marshal(v: &Value) -> Result<String, JsonError> {
    encode(v, true)
}

/// `json.MarshalIndent(v, prefix, indent)`.
pub fn marshal_indent(v: &Value, prefix: &str, indent: &str) -> Result<String, JsonError> {
    let mut e = Encoder {
        out: String::new(),
        escape_html: true,
        indent: Some((prefix, indent)),
        path: Vec::new(),
    };
    e.value(v, 0)?;
    Ok(e.out)
}

/// What `json.NewEncoder(w)` with `SetEscapeHTML(escape_html)` writes for `v`, without the
/// newline `Encode` appends.
pub fn encode(v: &Value, escape_html: bool) -> Result<String, JsonError> {
    let mut e = Encoder {
        out: String::new(),
        escape_html,
        indent: None,
        path: Vec::new(),
    };
    e.value(v, 0)?;
    Ok(e.out)
}

/// The most JSON one call writes. Maps and lists can share parts, so a small value can stand
/// for an exponentially large document, which Go would write until memory ran out.
pub const MAX_OUTPUT: usize = 64 << 20;

struct Encoder<'a> {
    out: String,
    escape_html: bool,
    indent: Option<(&'a str, &'a str)>,
    /// The maps being encoded, outermost first: a map met again is a cycle, which Go reports.
    path: Vec<Map>,
}

impl Encoder<'_> {
    fn newline(&mut self, depth: usize) {
        if let Some((prefix, indent)) = self.indent {
            self.out.push('\n');
            self.out.push_str(prefix);
            for _ in 0..depth {
                self.out.push_str(indent);
            }
        }
    }

    fn value(&mut self, v: &Value, depth: usize) -> Result<(), JsonError> {
        if self.out.len() > MAX_OUTPUT {
            return Err(JsonError(format!(
                "json: output exceeds {MAX_OUTPUT} bytes"
            )));
        }
        if depth > MAX_VALUE_DEPTH {
            return Err(JsonError(format!(
                "json: unsupported value: nesting deeper than {MAX_VALUE_DEPTH} levels"
            )));
        }
        stacker::maybe_grow(64 * 1024, 1024 * 1024, || self.value_inner(v, depth))
    }

    fn value_inner(&mut self, v: &Value, depth: usize) -> Result<(), JsonError> {
        match v {
            Value::Nil => self.out.push_str("null"),
            Value::Bool(b) => self.out.push_str(if *b { "true" } else { "false" }),
            Value::Int(i) | Value::Int64(i) => self.out.push_str(&i.to_string()),
            Value::Uint8(u) => self.out.push_str(&u.to_string()),
            Value::Float(f) => self.out.push_str(&format_float(*f)?),
            Value::String(s) => append_string(&mut self.out, s, self.escape_html),
            Value::List(l) => {
                self.out.push('[');
                for (i, x) in l.iter().enumerate() {
                    if i > 0 {
                        self.out.push(',');
                    }
                    self.newline(depth + 1);
                    self.value(x, depth + 1)?;
                }
                if !l.is_empty() {
                    self.newline(depth);
                }
                self.out.push(']');
            }
            Value::Map(m) => {
                if self.path.iter().any(|p| p.ptr_eq(m)) {
                    return Err(JsonError(format!(
                        "json: unsupported value: encountered a cycle via {}",
                        m.go_type_name()
                    )));
                }
                self.path.push(m.clone());
                let entries = m.entries();
                self.out.push('{');
                for (i, (k, x)) in entries.iter().enumerate() {
                    if i > 0 {
                        self.out.push(',');
                    }
                    self.newline(depth + 1);
                    append_string(&mut self.out, k, self.escape_html);
                    self.out.push(':');
                    if self.indent.is_some() {
                        self.out.push(' ');
                    }
                    self.value(x, depth + 1)?;
                }
                if !entries.is_empty() {
                    self.newline(depth);
                }
                self.out.push('}');
                self.path.pop();
            }
            Value::Object(o) => match o.underlying() {
                Some(u) => self.value(&u, depth)?,
                None => {
                    // A Go struct: its fields in declaration order (json tags are unknown here).
                    let fields = o.fields();
                    self.out.push('{');
                    for (i, (k, x)) in fields.iter().enumerate() {
                        if i > 0 {
                            self.out.push(',');
                        }
                        self.newline(depth + 1);
                        append_string(&mut self.out, k, self.escape_html);
                        self.out.push(':');
                        if self.indent.is_some() {
                            self.out.push(' ');
                        }
                        self.value(x, depth + 1)?;
                    }
                    if !fields.is_empty() {
                        self.newline(depth);
                    }
                    self.out.push('}');
                }
            },
            Value::Func(f) => {
                return Err(JsonError(format!(
                    "json: unsupported type: {}",
                    f.go_type_name()
                )));
            }
        }
        Ok(())
    }
}

/// Go's `floatEncoder` for float64.
fn format_float(f: f64) -> Result<String, JsonError> {
    if !f.is_finite() {
        return Err(JsonError(format!(
            "json: unsupported value: {}",
            crate::strconv::format_float(f, b'g', -1)
        )));
    }
    let abs = f.abs();
    let fmt = if abs != 0.0 && !(1e-6..1e21).contains(&abs) {
        b'e'
    } else {
        b'f'
    };
    let mut s = crate::strconv::format_float(f, fmt, -1);
    if fmt == b'e' {
        // Go writes e-07 as e-7.
        let n = s.len();
        let b = s.as_bytes();
        if n >= 4 && b[n - 4] == b'e' && b[n - 3] == b'-' && b[n - 2] == b'0' {
            s.remove(n - 2);
        }
    }
    Ok(s)
}

/// Go's `appendString`.
fn append_string(out: &mut String, s: &str, escape_html: bool) {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    out.push('"');
    for c in s.chars() {
        match c {
            '\\' | '"' => {
                out.push('\\');
                out.push(c);
            }
            '\u{8}' => out.push_str("\\b"),
            '\u{c}' => out.push_str("\\f"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '<' | '>' | '&' if escape_html => {
                let b = c as u8;
                out.push_str("\\u00");
                out.push(char::from(HEX[usize::from(b >> 4)]));
                out.push(char::from(HEX[usize::from(b & 0xF)]));
            }
            c if (c as u32) < 0x20 => {
                let b = c as u8;
                out.push_str("\\u00");
                out.push(char::from(HEX[usize::from(b >> 4)]));
                out.push(char::from(HEX[usize::from(b & 0xF)]));
            }
            '\u{2028}' => out.push_str("\\u2028"),
            '\u{2029}' => out.push_str("\\u2029"),
            c => out.push(c),
        }
    }
    out.push('"');
}

/// What `json.Unmarshal` decodes into.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Target {
    /// `interface{}`
    Interface,
    /// `map[string]interface{}` (as Helm's `fromJson` uses)
    Map,
    /// `[]interface{}` (as Helm's `fromJsonArray` uses)
    Slice,
}

/// `json.Unmarshal(text, &v)` with `v` an `interface{}`: the value, or the first error.
pub fn unmarshal(text: &str) -> Result<Value, JsonError> {
    match unmarshal_into(text, Target::Interface) {
        (v, None) => Ok(v),
        (_, Some(e)) => Err(e),
    }
}

/// `json.Unmarshal` into the given target, returning what the target holds afterwards and
/// the error, as Go leaves both: a syntax error leaves the target at its zero value (nil), a
/// type mismatch (`json: cannot unmarshal array into Go value of type map[string]interface
/// {}`, or a number out of float64's range) is reported after decoding the rest. For a map
/// target the map starts empty, as with `m := map[string]interface{}{}`; JSON `null` sets it
/// to nil.
pub fn unmarshal_into(text: &str, target: Target) -> (Value, Option<JsonError>) {
    let zero = match target {
        Target::Interface => Value::Nil,
        Target::Map => Value::Map(Map::new()),
        Target::Slice => Value::Nil,
    };
    if let Err(e) = check_valid(text.as_bytes()) {
        return (zero, Some(e));
    }
    let mut d = Decoder {
        s: text.as_bytes(),
        i: 0,
        err: None,
    };
    d.skip_space();
    let kind = d.s.get(d.i).copied().unwrap_or(b'n');
    let mismatch = |what: &str, ty: &str| {
        Some(JsonError(format!(
            "json: cannot unmarshal {what} into Go value of type {ty}"
        )))
    };
    let v = d.value(0);
    let (out, type_err) = match (target, kind) {
        (Target::Interface, _) => (v, None),
        (_, b'n') => (Value::Nil, None),
        (Target::Map, b'{') | (Target::Slice, b'[') => (v, None),
        (Target::Map, k) => (zero, mismatch(json_kind(k), "map[string]interface {}")),
        (Target::Slice, k) => (zero, mismatch(json_kind(k), "[]interface {}")),
    };
    let err = type_err.or(d.err);
    (out, err)
}

fn json_kind(first: u8) -> &'static str {
    match first {
        b'{' => "object",
        b'[' => "array",
        b'"' => "string",
        b't' | b'f' => "bool",
        _ => "number",
    }
}

/// A decoder over text that [`check_valid`] accepted.
struct Decoder<'a> {
    s: &'a [u8],
    i: usize,
    err: Option<JsonError>,
}

impl Decoder<'_> {
    fn skip_space(&mut self) {
        while let Some(b' ' | b'\t' | b'\r' | b'\n') = self.s.get(self.i) {
            self.i += 1;
        }
    }

    fn value(&mut self, depth: usize) -> Value {
        stacker::maybe_grow(64 * 1024, 1024 * 1024, || self.value_inner(depth))
    }

    fn value_inner(&mut self, depth: usize) -> Value {
        self.skip_space();
        match self.s.get(self.i) {
            Some(b'{') => {
                self.i += 1;
                let m = Map::new();
                loop {
                    self.skip_space();
                    if self.s.get(self.i) == Some(&b'}') {
                        self.i += 1;
                        break;
                    }
                    let k = self.string();
                    self.skip_space();
                    self.i += 1; // ':'
                    let v = self.value(depth + 1);
                    m.insert(k, v);
                    self.skip_space();
                    if self.s.get(self.i) == Some(&b',') {
                        self.i += 1;
                    }
                }
                Value::Map(m)
            }
            Some(b'[') => {
                self.i += 1;
                let mut items = Vec::new();
                loop {
                    self.skip_space();
                    if self.s.get(self.i) == Some(&b']') {
                        self.i += 1;
                        break;
                    }
                    items.push(self.value(depth + 1));
                    self.skip_space();
                    if self.s.get(self.i) == Some(&b',') {
                        self.i += 1;
                    }
                }
                Value::List(List::new(items))
            }
            Some(b'"') => Value::from(self.string()),
            Some(b't') => {
                self.i += 4;
                Value::Bool(true)
            }
            Some(b'f') => {
                self.i += 5;
                Value::Bool(false)
            }
            Some(b'n') => {
                self.i += 4;
                Value::Nil
            }
            _ => {
                let start = self.i;
                while let Some(b'0'..=b'9' | b'-' | b'+' | b'.' | b'e' | b'E') = self.s.get(self.i)
                {
                    self.i += 1;
                }
                let text = String::from_utf8_lossy(&self.s[start..self.i]).into_owned();
                match crate::strconv::parse_float(&text) {
                    Some(f) => Value::Float(f),
                    None => {
                        if self.err.is_none() {
                            self.err = Some(JsonError(format!(
                                "json: cannot unmarshal number {text} into Go value of type float64"
                            )));
                        }
                        Value::Nil
                    }
                }
            }
        }
    }

    /// A string literal at `self.i`, unquoted as Go's `unquote` does (bad surrogates become
    /// U+FFFD).
    fn string(&mut self) -> String {
        self.i += 1;
        let mut out: Vec<u8> = Vec::new();
        while let Some(&c) = self.s.get(self.i) {
            match c {
                b'"' => {
                    self.i += 1;
                    break;
                }
                b'\\' => {
                    let e = self.s.get(self.i + 1).copied().unwrap_or(b'\\');
                    self.i += 2;
                    let simple = match e {
                        b'b' => Some(b'\x08'),
                        b'f' => Some(b'\x0c'),
                        b'n' => Some(b'\n'),
                        b'r' => Some(b'\r'),
                        b't' => Some(b'\t'),
                        b'u' => None,
                        other => Some(other),
                    };
                    if let Some(b) = simple {
                        out.push(b);
                        continue;
                    }
                    let r = self.hex4(self.i);
                    self.i += 4;
                    let mut ch = char::from_u32(r);
                    if (0xD800..0xE000).contains(&r) {
                        ch = None;
                        if self.s.get(self.i) == Some(&b'\\')
                            && self.s.get(self.i + 1) == Some(&b'u')
                        {
                            let r2 = self.hex4(self.i + 2);
                            if (0xD800..0xDC00).contains(&r) && (0xDC00..0xE000).contains(&r2) {
                                ch = char::from_u32(0x10000 + ((r - 0xD800) << 10) + (r2 - 0xDC00));
                                self.i += 6;
                            }
                        }
                    }
                    let mut buf = [0u8; 4];
                    out.extend_from_slice(
                        ch.unwrap_or('\u{FFFD}').encode_utf8(&mut buf).as_bytes(),
                    );
                }
                _ => {
                    out.push(c);
                    self.i += 1;
                }
            }
        }
        String::from_utf8_lossy(&out).into_owned()
    }

    fn hex4(&self, at: usize) -> u32 {
        let mut r = 0u32;
        for k in 0..4 {
            let c = self.s.get(at + k).copied().unwrap_or(b'0');
            let d = match c {
                b'0'..=b'9' => c - b'0',
                b'a'..=b'f' => c - b'a' + 10,
                b'A'..=b'F' => c - b'A' + 10,
                _ => return 0xFFFD_FFFF,
            };
            r = r * 16 + u32::from(d);
        }
        r
    }
}

// --- Go's JSON scanner (scanner.go), for its syntax errors ---

#[derive(Clone, Copy, PartialEq, Eq)]
enum St {
    BeginValueOrEmpty,
    BeginValue,
    BeginStringOrEmpty,
    BeginString,
    EndValue,
    EndTop,
    InString,
    InStringEsc,
    InStringEscU(u8),
    Neg,
    One,
    Zero,
    Dot,
    Dot0,
    E,
    ESign,
    E0,
    Lit(&'static [u8], usize),
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Parse {
    ObjectKey,
    ObjectValue,
    ArrayValue,
}

const MAX_NESTING: usize = 10_000;

struct Scanner {
    step: St,
    end_top: bool,
    stack: Vec<Parse>,
    err: Option<String>,
}

fn quote_char(c: u8) -> String {
    match c {
        b'\'' => "'\\''".to_string(),
        b'"' => "'\"'".to_string(),
        _ => {
            let q = crate::strconv::quote(&char::from(c).to_string(), false);
            format!("'{}'", &q[1..q.len() - 1])
        }
    }
}

fn is_space(c: u8) -> bool {
    matches!(c, b' ' | b'\t' | b'\r' | b'\n')
}

impl Scanner {
    fn error(&mut self, c: u8, context: &str) -> bool {
        self.err = Some(format!("invalid character {} {context}", quote_char(c)));
        false
    }

    fn push(&mut self, c: u8, p: Parse) -> bool {
        self.stack.push(p);
        if self.stack.len() <= MAX_NESTING {
            return true;
        }
        self.error(c, "exceeded max depth")
    }

    fn pop(&mut self) {
        self.stack.pop();
        if self.stack.is_empty() {
            self.step = St::EndTop;
            self.end_top = true;
        } else {
            self.step = St::EndValue;
        }
    }

    /// One byte; false on an error (then `err` is set).
    fn step(&mut self, c: u8) -> bool {
        match self.step {
            St::BeginValueOrEmpty => {
                if is_space(c) {
                    return true;
                }
                if c == b']' {
                    return self.end_value(c);
                }
                self.begin_value(c)
            }
            St::BeginValue => self.begin_value(c),
            St::BeginStringOrEmpty => {
                if is_space(c) {
                    return true;
                }
                if c == b'}' {
                    if let Some(last) = self.stack.last_mut() {
                        *last = Parse::ObjectValue;
                    }
                    return self.end_value(c);
                }
                self.begin_string(c)
            }
            St::BeginString => self.begin_string(c),
            St::EndValue => self.end_value(c),
            St::EndTop => {
                if !is_space(c) {
                    self.error(c, "after top-level value");
                    return false;
                }
                true
            }
            St::InString => {
                match c {
                    b'"' => self.step = St::EndValue,
                    b'\\' => self.step = St::InStringEsc,
                    c if c < 0x20 => return self.error(c, "in string literal"),
                    _ => {}
                }
                true
            }
            St::InStringEsc => match c {
                b'b' | b'f' | b'n' | b'r' | b't' | b'\\' | b'/' | b'"' => {
                    self.step = St::InString;
                    true
                }
                b'u' => {
                    self.step = St::InStringEscU(0);
                    true
                }
                _ => self.error(c, "in string escape code"),
            },
            St::InStringEscU(n) => {
                if c.is_ascii_hexdigit() {
                    self.step = if n == 3 {
                        St::InString
                    } else {
                        St::InStringEscU(n + 1)
                    };
                    return true;
                }
                self.error(c, "in \\u hexadecimal character escape")
            }
            St::Neg => match c {
                b'0' => {
                    self.step = St::Zero;
                    true
                }
                b'1'..=b'9' => {
                    self.step = St::One;
                    true
                }
                _ => self.error(c, "in numeric literal"),
            },
            St::One => {
                if c.is_ascii_digit() {
                    return true;
                }
                self.zero(c)
            }
            St::Zero => self.zero(c),
            St::Dot => {
                if c.is_ascii_digit() {
                    self.step = St::Dot0;
                    return true;
                }
                self.error(c, "after decimal point in numeric literal")
            }
            St::Dot0 => {
                if c.is_ascii_digit() {
                    return true;
                }
                if c == b'e' || c == b'E' {
                    self.step = St::E;
                    return true;
                }
                self.end_value(c)
            }
            St::E => {
                if c == b'+' || c == b'-' {
                    self.step = St::ESign;
                    return true;
                }
                self.e_sign(c)
            }
            St::ESign => self.e_sign(c),
            St::E0 => {
                if c.is_ascii_digit() {
                    return true;
                }
                self.end_value(c)
            }
            St::Lit(word, i) => {
                if c == word[i] {
                    self.step = if i + 1 == word.len() {
                        St::EndValue
                    } else {
                        St::Lit(word, i + 1)
                    };
                    return true;
                }
                let name = match word[0] {
                    b't' => "true",
                    b'f' => "false",
                    _ => "null",
                };
                self.error(
                    c,
                    &format!("in literal {name} (expecting '{}')", char::from(word[i])),
                )
            }
        }
    }

    fn e_sign(&mut self, c: u8) -> bool {
        if c.is_ascii_digit() {
            self.step = St::E0;
            return true;
        }
        self.error(c, "in exponent of numeric literal")
    }

    fn zero(&mut self, c: u8) -> bool {
        match c {
            b'.' => {
                self.step = St::Dot;
                true
            }
            b'e' | b'E' => {
                self.step = St::E;
                true
            }
            _ => self.end_value(c),
        }
    }

    fn begin_value(&mut self, c: u8) -> bool {
        if is_space(c) {
            return true;
        }
        match c {
            b'{' => {
                self.step = St::BeginStringOrEmpty;
                self.push(c, Parse::ObjectKey)
            }
            b'[' => {
                self.step = St::BeginValueOrEmpty;
                self.push(c, Parse::ArrayValue)
            }
            b'"' => {
                self.step = St::InString;
                true
            }
            b'-' => {
                self.step = St::Neg;
                true
            }
            b'0' => {
                self.step = St::Zero;
                true
            }
            b't' => {
                self.step = St::Lit(b"true", 1);
                true
            }
            b'f' => {
                self.step = St::Lit(b"false", 1);
                true
            }
            b'n' => {
                self.step = St::Lit(b"null", 1);
                true
            }
            b'1'..=b'9' => {
                self.step = St::One;
                true
            }
            _ => self.error(c, "looking for beginning of value"),
        }
    }

    fn begin_string(&mut self, c: u8) -> bool {
        if is_space(c) {
            return true;
        }
        if c == b'"' {
            self.step = St::InString;
            return true;
        }
        self.error(c, "looking for beginning of object key string")
    }

    fn end_value(&mut self, c: u8) -> bool {
        let Some(&ps) = self.stack.last() else {
            self.step = St::EndTop;
            self.end_top = true;
            return self.step(c);
        };
        if is_space(c) {
            self.step = St::EndValue;
            return true;
        }
        match ps {
            Parse::ObjectKey => {
                if c == b':' {
                    if let Some(last) = self.stack.last_mut() {
                        *last = Parse::ObjectValue;
                    }
                    self.step = St::BeginValue;
                    return true;
                }
                self.error(c, "after object key")
            }
            Parse::ObjectValue => match c {
                b',' => {
                    if let Some(last) = self.stack.last_mut() {
                        *last = Parse::ObjectKey;
                    }
                    self.step = St::BeginString;
                    true
                }
                b'}' => {
                    self.pop();
                    true
                }
                _ => self.error(c, "after object key:value pair"),
            },
            Parse::ArrayValue => match c {
                b',' => {
                    self.step = St::BeginValue;
                    true
                }
                b']' => {
                    self.pop();
                    true
                }
                _ => self.error(c, "after array element"),
            },
        }
    }
}

/// Go's `checkValid`.
fn check_valid(data: &[u8]) -> Result<(), JsonError> {
    let mut s = Scanner {
        step: St::BeginValue,
        end_top: false,
        stack: Vec::new(),
        err: None,
    };
    for &c in data {
        if !s.step(c) {
            return Err(JsonError(s.err.unwrap_or_default()));
        }
    }
    // eof: a space ends a pending number or literal.
    if s.err.is_none() && !s.end_top {
        s.step(b' ');
    }
    if let Some(e) = s.err {
        return Err(JsonError(e));
    }
    if s.end_top {
        return Ok(());
    }
    Err(JsonError("unexpected end of JSON input".to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rt(text: &str) -> String {
        match unmarshal(text) {
            Ok(v) => marshal(&v).unwrap_or_else(|e| format!("marshal error: {e}")),
            Err(e) => format!("error: {e}"),
        }
    }

    #[test]
    fn encoding() {
        let m = Map::new();
        m.insert(
            "b",
            Value::from(vec![Value::from(1.0), Value::from(1e21), Value::from(1e-7)]),
        );
        m.insert("a", Value::from("<&>\u{2028}\"\\\n\u{1}é"));
        m.insert("c", Value::Map(Map::new()));
        let v = Value::Map(m);
        assert_eq!(
            marshal(&v).ok().as_deref(),
            Some(r#"{"a":"\u003c\u0026\u003e\u2028\"\\\n\u0001é","b":[1,1e+21,1e-7],"c":{}}"#)
        );
        assert_eq!(
            encode(&v, false).ok().as_deref(),
            Some(r#"{"a":"<&>\u2028\"\\\n\u0001é","b":[1,1e+21,1e-7],"c":{}}"#)
        );
        assert_eq!(
            marshal_indent(&v, "", "  ").ok().as_deref(),
            Some(
                "{\n  \"a\": \"\\u003c\\u0026\\u003e\\u2028\\\"\\\\\\n\\u0001é\",\n  \"b\": [\n    1,\n    1e+21,\n    1e-7\n  ],\n  \"c\": {}\n}"
            )
        );
        assert_eq!(
            marshal(&Value::from(f64::NAN)).err().map(|e| e.0),
            Some("json: unsupported value: NaN".into())
        );
        assert_eq!(
            marshal(&Value::from(123456789.0)).ok().as_deref(),
            Some("123456789")
        );
        assert_eq!(
            marshal(&Value::from(0.000001)).ok().as_deref(),
            Some("0.000001")
        );
    }

    #[test]
    fn decoding() {
        assert_eq!(
            rt(r#" {"b": [1, 2.5e3, true, null], "a": "\u00e9\ud83d\ude00\ud800x"} "#),
            r#"{"a":"é😀�x","b":[1,2500,true,null]}"#
        );
        assert_eq!(rt("{"), "error: unexpected end of JSON input");
        assert_eq!(rt(""), "error: unexpected end of JSON input");
        assert_eq!(
            rt("x"),
            "error: invalid character 'x' looking for beginning of value"
        );
        assert_eq!(
            rt("[1,]"),
            "error: invalid character ']' looking for beginning of value"
        );
        assert_eq!(
            rt("{\"a\" 1}"),
            "error: invalid character '1' after object key"
        );
        assert_eq!(
            rt("1 2"),
            "error: invalid character '2' after top-level value"
        );
        assert_eq!(
            rt("tru"),
            "error: invalid character ' ' in literal true (expecting 'e')"
        );
        assert_eq!(
            rt("trux"),
            "error: invalid character 'x' in literal true (expecting 'e')"
        );
        assert_eq!(
            rt("\"a\nb\""),
            "error: invalid character '\\n' in string literal"
        );
        assert_eq!(
            rt("01"),
            "error: invalid character '1' after top-level value"
        );
        assert_eq!(
            rt("1e400"),
            "error: json: cannot unmarshal number 1e400 into Go value of type float64"
        );
        assert_eq!(rt("-"), "error: invalid character ' ' in numeric literal");
        let (v, e) = unmarshal_into("[1]", Target::Map);
        assert!(matches!(v, Value::Map(_)));
        assert_eq!(
            e.map(|e| e.0).as_deref(),
            Some("json: cannot unmarshal array into Go value of type map[string]interface {}")
        );
    }
}
