//! Helm's `--set` family of flags: `pkg/strvals` (helm/helm v4.2.3, `parser.go` and
//! `literal_parser.go`) over [`gotemplate::Value`].
//!
//! A line is `name1=value1,name2=value2`. Keys nest with `.` (at most
//! [`MAX_NESTED_NAME_LEVEL`] of them after key names; a `.` after `]` is not counted) and
//! index lists with `[N]` (`a[1].b[0][2]=x`); a list grows to the index, filled with nil, and
//! an index above [`MAX_INDEX`] is refused when the element is stored, after its value is
//! read (`a[70000]` alone is no error). Outside `--set-literal`, `\` makes the next character
//! plain (`a\.b=1\,2`). Nothing else bounds the input: Helm's own bound is the length of a
//! command-line argument. Values:
//! - `--set` ([`Kind::Set`]): `true`/`false`/`null` in any letter case are bool and nil, `0`
//!   and decimal integers that fit in an `int64` and do not start with `0` are
//!   `Value::Int64` (`+5`, `-01`; not `00`, `0x1F`, `1e3`, `1.5`), all else strings;
//!   `{x,y}` is a list, `=` followed by the end of the line an empty string;
//! - `--set-string` ([`Kind::String`]): the same, every scalar a string;
//! - `--set-file` ([`parse_file_into`]): every scalar is a path whose contents the caller's
//!   reader gives;
//! - `--set-json` ([`Kind::Json`]): one JSON value read with Go's streaming decoder
//!   (`json.Decoder`: the value ends where its grammar ends, so `a=1b=2` sets two keys),
//!   numbers float64, nothing or blanks before `,` nil;
//! - `--set-literal` ([`Kind::Literal`]): the rest of the line, verbatim, after the first `=`.
//!
//! The parse goes *into* an existing map, as `helm template` does it flag after flag: maps
//! found on the way are updated in place, lists are edited at their indices, and a key whose
//! value is not a map or `[]interface {}` fails as Go's type assertion does (`unable to
//! parse key: interface conversion: ...`). Errors are worded as Helm's; the flag prefix
//! (`failed parsing --set data: `) and `--set-json`'s whole-object form (`{"a":1}`, merged
//! with `MergeMaps`) belong to the caller, as in Helm's `values.Options.MergeValues`.
//!
//! Helm's quirks are kept, among them: the line ends quietly wherever the text runs out in
//! the middle of a key path (`a.`, `a[1`, `a[0]` and `a[0][0]` set `a` to an empty list or
//! nothing), `a[0].b=` at the very end leaves `a` an empty list, `a={}` is `[""]`, a nil
//! value cannot be indexed (`a=null,a[0]=1` fails), `--set-file a=,b=f` reads the path `""`.
//! The parse is iterative (no recursion on the key path or in JSON), so no input can
//! overflow the stack.

use gotemplate::strconv::{quote, quote_rune};
use gotemplate::{ElemType, List, Map, Value};

/// The largest list index Helm accepts (`strvals.MaxIndex`).
pub const MAX_INDEX: i64 = 65_536;

/// How many `.` after key names one path may have (`strvals.MaxNestedNameLevel`); a `.`
/// after `]` does not count.
pub const MAX_NESTED_NAME_LEVEL: usize = 30;

/// Go's `encoding/json` nesting limit (`maxNestingDepth`).
const MAX_JSON_DEPTH: usize = 10_000;

/// Which flag a line comes from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    /// `--set`: typed scalars (`strvals.ParseInto`).
    Set,
    /// `--set-string`: string scalars (`strvals.ParseIntoString`).
    String,
    /// `--set-json`: JSON values (`strvals.ParseJSON`).
    Json,
    /// `--set-literal`: the rest of the line as one string (`strvals.ParseLiteralInto`).
    Literal,
}

/// Parses one flag's line into `base`, as Helm's `strvals` does. After an error `base` is
/// left partly updated (Helm gives up on the whole command then).
pub fn parse_into(text: &str, base: &Map, kind: Kind) -> Result<(), String> {
    let mode = match kind {
        Kind::Set => Mode::Typed,
        Kind::String => Mode::Strings,
        Kind::Json => Mode::Json,
        Kind::Literal => Mode::Literal,
    };
    Parser {
        sc: Scanner::new(text),
        mode,
    }
    .run(base)
}

/// Parses a `--set-file` line into `base` (`strvals.ParseIntoFile`): each scalar value is a
/// path, replaced by what `read` returns for it; `read`'s error is returned as it is.
pub fn parse_file_into(
    text: &str,
    base: &Map,
    read: &mut dyn FnMut(&str) -> Result<String, String>,
) -> Result<(), String> {
    Parser {
        sc: Scanner::new(text),
        mode: Mode::File(read),
    }
    .run(base)
}

enum Mode<'r> {
    Typed,
    Strings,
    Json,
    Literal,
    File(&'r mut dyn FnMut(&str) -> Result<String, String>),
}

/// A `bytes.Buffer` read rune by rune, with one rune of unread.
struct Scanner<'a> {
    text: &'a str,
    pos: usize,
    last: usize,
}

impl<'a> Scanner<'a> {
    fn new(text: &'a str) -> Self {
        Scanner {
            text,
            pos: 0,
            last: 0,
        }
    }

    fn rest(&self) -> &'a str {
        self.text.get(self.pos..).unwrap_or("")
    }

    fn read(&mut self) -> Option<char> {
        let c = self.rest().chars().next()?;
        self.pos += c.len_utf8();
        self.last = c.len_utf8();
        Some(c)
    }

    fn unread(&mut self) {
        self.pos -= self.last;
        self.last = 0;
    }

    fn skip(&mut self, bytes: usize) {
        self.pos = (self.pos + bytes).min(self.text.len());
        self.last = 0;
    }

    fn take_rest(&mut self) -> String {
        let rest = self.rest().to_string();
        self.skip(rest.len());
        rest
    }

    /// `runesUntil` (with `escapes`) or `runesUntilLiteral`: the text up to a stop rune, and
    /// that rune, or `None` at the end of the line (also right after a trailing `\`).
    fn until(&mut self, stops: &[char], escapes: bool) -> (String, Option<char>) {
        let mut out = String::new();
        loop {
            let Some(c) = self.read() else {
                return (out, None);
            };
            if stops.contains(&c) {
                return (out, Some(c));
            }
            if escapes && c == '\\' {
                match self.read() {
                    Some(next) => out.push(next),
                    None => return (out, None),
                }
            } else {
                out.push(c);
            }
        }
    }
}

/// How a step of the key path ended: Go's nil error, or `io.EOF` (which ends the whole
/// line without an error once it reaches the top).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Flow {
    Next,
    Eof,
}

/// What to parse next: a key into a map (`parser.key`) or what follows `[N]`
/// (`parser.listItem`).
enum Task {
    Key {
        data: Map,
        level: usize,
    },
    Item {
        list: Vec<Value>,
        index: i64,
        level: usize,
    },
}

/// The result of a `Task`.
enum Done {
    Key(Flow),
    Item(Vec<Value>, Flow),
}

enum Step {
    Descend(Task),
    Done(Done),
}

/// What a step does once the step below it has its result.
enum Frame {
    /// `key[`: store the list at `key`. `existing` is the length of the list found there.
    KeyList {
        data: Map,
        key: String,
        existing: Option<usize>,
    },
    /// `key.`: store `inner` at `key` unless it stayed empty.
    KeyMap { data: Map, key: String, inner: Map },
    /// `[i][`: store the inner list at `index`; `had_list` when it was found there.
    ItemList {
        list: Vec<Value>,
        index: i64,
        had_list: bool,
    },
    /// `[i].`: store `inner` at `index`.
    ItemMap {
        list: Vec<Value>,
        index: i64,
        inner: Map,
    },
}

struct Parser<'a, 'r> {
    sc: Scanner<'a>,
    mode: Mode<'r>,
}

impl Parser<'_, '_> {
    fn literal(&self) -> bool {
        matches!(self.mode, Mode::Literal)
    }

    fn run(&mut self, base: &Map) -> Result<(), String> {
        loop {
            if self.key_path(base)? == Flow::Eof {
                return Ok(());
            }
        }
    }

    /// One top-level `parser.key` call: the path is walked down, then the frames are
    /// finished from the innermost out (each Go call returns right after its callee).
    fn key_path(&mut self, base: &Map) -> Result<Flow, String> {
        let mut stack = Vec::new();
        let mut task = Task::Key {
            data: base.clone(),
            level: 0,
        };
        let mut done = loop {
            let step = match task {
                Task::Key { data, level } => self.key(data, level, &mut stack)?,
                Task::Item { list, index, level } => self.item(list, index, level, &mut stack)?,
            };
            match step {
                Step::Descend(next) => task = next,
                Step::Done(done) => break done,
            }
        };
        while let Some(frame) = stack.pop() {
            done = finish(frame, done)?;
        }
        match done {
            Done::Key(flow) => Ok(flow),
            Done::Item(..) => Err(INTERNAL.to_string()),
        }
    }

    fn key(&mut self, data: Map, level: usize, stack: &mut Vec<Frame>) -> Result<Step, String> {
        let literal = self.literal();
        let stops: &[char] = if literal {
            &['=', '[', '.']
        } else {
            &['=', '[', ',', '.']
        };
        let (key, last) = self.sc.until(stops, !literal);
        match last {
            None if key.is_empty() => Ok(Step::Done(Done::Key(Flow::Eof))),
            None => Err(format!("key {} has no value", quote(&key, false))),
            Some('[') => {
                let Some(index) = self.key_index()? else {
                    return Ok(Step::Done(Done::Key(Flow::Eof)));
                };
                let (list, existing) = match data.get(&key) {
                    Some(v) => {
                        check_list(&v)?;
                        drop(v);
                        // Taken out (put back when the path is done) so that it is not
                        // copied; under the empty key Go edits it only in place, if at all.
                        let v = if key.is_empty() {
                            data.get(&key)
                        } else {
                            data.remove(&key)
                        };
                        let list = take_list(v);
                        let len = list.len();
                        (list, Some(len))
                    }
                    None => (Vec::new(), None),
                };
                stack.push(Frame::KeyList {
                    data,
                    key,
                    existing,
                });
                Ok(Step::Descend(Task::Item { list, index, level }))
            }
            Some('.') => {
                let level = level + 1;
                if level > MAX_NESTED_NAME_LEVEL {
                    return Err(format!(
                        "value name nested level is greater than maximum supported nested level of {MAX_NESTED_NAME_LEVEL}"
                    ));
                }
                let inner = match data.get(&key) {
                    Some(v) => interface_map(&v)
                        .ok_or_else(|| conversion_error(&v, "map[string]interface {}"))?,
                    None => Map::new(),
                };
                stack.push(Frame::KeyMap {
                    data,
                    key,
                    inner: inner.clone(),
                });
                Ok(Step::Descend(Task::Key { data: inner, level }))
            }
            Some(',') => {
                set(&data, &key, Value::str(""));
                Err(format!(
                    "key {} has no value (cannot end with ,)",
                    quote(&key, false)
                ))
            }
            Some(_) => {
                let (value, at_end) = self.value()?;
                set(&data, &key, value);
                Ok(Step::Done(Done::Key(if at_end {
                    Flow::Eof
                } else {
                    Flow::Next
                })))
            }
        }
    }

    fn item(
        &mut self,
        mut list: Vec<Value>,
        index: i64,
        level: usize,
        stack: &mut Vec<Frame>,
    ) -> Result<Step, String> {
        if index < 0 {
            return Err(format!("negative {index} index not allowed"));
        }
        let (text, last) = self.sc.until(&['[', '.', '='], !self.literal());
        if !text.is_empty() {
            return Err(format!(
                "unexpected data at end of array index: {}",
                quote_runes(&text)
            ));
        }
        let slot = usize::try_from(index).ok().filter(|&i| i < list.len());
        match last {
            None => Ok(Step::Done(Done::Item(list, Flow::Eof))),
            Some('[') => {
                let Some(next) = self.key_index()? else {
                    return Ok(Step::Done(Done::Item(list, Flow::Eof)));
                };
                let current = match slot.and_then(|i| list.get_mut(i)) {
                    None | Some(Value::Nil) => None,
                    Some(v) => {
                        check_list(v)?;
                        // Taken out, put back when the path is done.
                        Some(take_list(Some(std::mem::replace(v, Value::Nil))))
                    }
                };
                let had_list = current.is_some();
                stack.push(Frame::ItemList {
                    list,
                    index,
                    had_list,
                });
                Ok(Step::Descend(Task::Item {
                    list: current.unwrap_or_default(),
                    index: next,
                    level,
                }))
            }
            Some('.') => {
                let inner = match slot.and_then(|i| list.get_mut(i)) {
                    Some(v) => match interface_map(v) {
                        Some(m) => m,
                        None => {
                            // Indices out of order: Go replaces the element in place.
                            let m = Map::new();
                            *v = Value::Map(m.clone());
                            m
                        }
                    },
                    None => Map::new(),
                };
                stack.push(Frame::ItemMap {
                    list,
                    index,
                    inner: inner.clone(),
                });
                Ok(Step::Descend(Task::Key { data: inner, level }))
            }
            Some(_) => {
                let (value, _) = self.value()?;
                Ok(Step::Done(Done::Item(
                    set_index(list, index, value)?,
                    Flow::Next,
                )))
            }
        }
    }

    /// `parser.keyIndex`: the `N]` of `[N]`; `None` when the line ends first (Go's wrapped
    /// `io.EOF`, which still counts as the end of the line).
    fn key_index(&mut self) -> Result<Option<i64>, String> {
        let (text, last) = self.sc.until(&[']'], !self.literal());
        if last.is_none() {
            return Ok(None);
        }
        parse_int(&text).map(Some).map_err(|why| {
            format!(
                "error parsing index: strconv.Atoi: parsing {}: {why}",
                quote(&text, false)
            )
        })
    }

    /// The value after `=`, and whether the line ended right after the `=` (which ends the
    /// line for a key, not for a list element).
    fn value(&mut self) -> Result<(Value, bool), String> {
        match self.mode {
            Mode::Literal => Ok((Value::from(self.sc.take_rest()), false)),
            Mode::Json => {
                if self.empty_val() {
                    return Ok((Value::Nil, false));
                }
                let (value, used) = decode_json(self.sc.rest())?;
                self.sc.skip(used);
                self.empty_val();
                Ok((value, false))
            }
            _ => match self.sc.read() {
                None => Ok((Value::str(""), true)),
                Some('{') => Ok((self.braced_list()?, false)),
                Some(_) => {
                    self.sc.unread();
                    let (text, _) = self.sc.until(&[','], true);
                    Ok((self.scalar(text)?, false))
                }
            },
        }
    }

    /// `parser.valList` after its `{`.
    fn braced_list(&mut self) -> Result<Value, String> {
        let mut items = Vec::new();
        loop {
            let (text, last) = self.sc.until(&[',', '}'], true);
            match last {
                None => return Err("list must terminate with '}'".to_string()),
                Some('}') => {
                    if let Some(c) = self.sc.read() {
                        if c != ',' {
                            self.sc.unread();
                        }
                    }
                    items.push(self.scalar(text)?);
                    return Ok(Value::List(List::new(items)));
                }
                Some(_) => items.push(self.scalar(text)?),
            }
        }
    }

    /// The parser's `reader`: `typedVal`, a string, or the file's contents.
    fn scalar(&mut self, text: String) -> Result<Value, String> {
        match &mut self.mode {
            Mode::Typed => Ok(typed_val(text)),
            Mode::File(read) => read(&text).map(Value::from),
            _ => Ok(Value::from(text)),
        }
    }

    /// `parser.emptyVal`: skips blanks (Go's `unicode.IsSpace`); true at a `,` (consumed)
    /// or the end of the line.
    fn empty_val(&mut self) -> bool {
        loop {
            match self.sc.read() {
                None | Some(',') => return true,
                Some(c) if c.is_whitespace() => {}
                Some(_) => {
                    self.sc.unread();
                    return false;
                }
            }
        }
    }
}

const INTERNAL: &str = "unable to parse key: internal error";

fn finish(frame: Frame, done: Done) -> Result<Done, String> {
    Ok(match (frame, done) {
        (
            Frame::KeyList {
                data,
                key,
                existing,
            },
            Done::Item(list, flow),
        ) => {
            // Go stores the slice under the key; with the empty key `set` does nothing, but
            // edits made in place in a list already there (not grown) still show.
            if !key.is_empty() || existing == Some(list.len()) {
                data.insert(key, Value::List(List::new(list)));
            }
            Done::Key(flow)
        }
        (Frame::KeyMap { data, key, inner }, Done::Key(flow)) => {
            if flow == Flow::Next && inner.is_empty() {
                return Err(format!("key map {} has no value", quote(&key, false)));
            }
            if !inner.is_empty() {
                set(&data, &key, Value::Map(inner));
            }
            Done::Key(flow)
        }
        (
            Frame::ItemList {
                mut list,
                index,
                had_list,
            },
            Done::Item(inner, flow),
        ) => {
            let inner = Value::List(List::new(inner));
            if flow == Flow::Next {
                Done::Item(set_index(list, index, inner)?, Flow::Next)
            } else {
                // Go returns the outer list untouched, but an inner list that was already
                // there shares its elements with it, so edits made in place show.
                if had_list {
                    if let Some(slot) = usize::try_from(index).ok().and_then(|i| list.get_mut(i)) {
                        *slot = inner;
                    }
                }
                Done::Item(list, flow)
            }
        }
        (Frame::ItemMap { list, index, inner }, Done::Key(flow)) => {
            if flow == Flow::Next {
                Done::Item(set_index(list, index, Value::Map(inner))?, Flow::Next)
            } else {
                Done::Item(list, flow)
            }
        }
        _ => return Err(INTERNAL.to_string()),
    })
}

/// `set`: an empty key is not stored.
fn set(data: &Map, key: &str, value: Value) {
    if !key.is_empty() {
        data.insert(key, value);
    }
}

/// How many list elements one process may create through `--set` indices: Helm bounds each
/// index (at [`MAX_INDEX`]) but not their product, so nested indices could otherwise take
/// gigabytes.
const MAX_LIST_ELEMENTS: usize = 4_000_000;

thread_local! {
    static LIST_ELEMENTS: std::cell::Cell<usize> = const { std::cell::Cell::new(0) };
}

/// `setIndex`: grows the list to `index` with nil.
fn set_index(mut list: Vec<Value>, index: i64, value: Value) -> Result<Vec<Value>, String> {
    if index < 0 {
        return Err(format!("negative {index} index not allowed"));
    }
    if index > MAX_INDEX {
        return Err(format!(
            "index of {index} is greater than maximum supported index of {MAX_INDEX}"
        ));
    }
    let i = usize::try_from(index).map_err(|_| INTERNAL.to_string())?;
    if list.len() <= i {
        let grown = LIST_ELEMENTS.with(|n| {
            let total = n.get().saturating_add(i + 1 - list.len());
            n.set(total);
            total
        });
        if grown > MAX_LIST_ELEMENTS {
            return Err(format!(
                "the --set values would hold more than {MAX_LIST_ELEMENTS} list elements"
            ));
        }
        list.resize(i + 1, Value::Nil);
    }
    if let Some(slot) = list.get_mut(i) {
        *slot = value;
    }
    Ok(list)
}

/// Go's `v.([]interface{})`: fails as the recovered panic reads.
fn check_list(v: &Value) -> Result<(), String> {
    match v {
        Value::List(l) if l.elem_type() == ElemType::Interface => Ok(()),
        _ => Err(conversion_error(v, "[]interface {}")),
    }
}

/// The elements of a list (checked by [`check_list`]), not copied when nothing else holds it.
fn take_list(v: Option<Value>) -> Vec<Value> {
    match v {
        Some(Value::List(l)) => l.into_vec(),
        _ => Vec::new(),
    }
}

/// `v.(map[string]interface{})`, if it holds.
fn interface_map(v: &Value) -> Option<Map> {
    match v {
        Value::Map(m) if m.elem_type() == ElemType::Interface && m.type_name().is_none() => {
            Some(m.clone())
        }
        _ => None,
    }
}

fn conversion_error(v: &Value, want: &str) -> String {
    let have = match v {
        Value::Nil => "nil".to_string(),
        other => other.go_type_name(),
    };
    format!("unable to parse key: interface conversion: interface {{}} is {have}, not {want}")
}

/// `%q` of a `[]rune`: `['a' 'b']`.
fn quote_runes(s: &str) -> String {
    let runes: Vec<String> = s.chars().map(|c| quote_rune(u32::from(c), false)).collect();
    format!("[{}]", runes.join(" "))
}

/// `strconv.ParseInt(s, 10, 64)` (and `strconv.Atoi`): Go's reason on failure.
fn parse_int(s: &str) -> Result<i64, &'static str> {
    const SYNTAX: &str = "invalid syntax";
    const RANGE: &str = "value out of range";
    let (negative, digits) = match s.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, s.strip_prefix('+').unwrap_or(s)),
    };
    if digits.is_empty() {
        return Err(SYNTAX);
    }
    let mut n: u64 = 0;
    for b in digits.bytes() {
        if !b.is_ascii_digit() {
            return Err(SYNTAX);
        }
        n = n
            .checked_mul(10)
            .and_then(|n| n.checked_add(u64::from(b - b'0')))
            .ok_or(RANGE)?;
    }
    if negative {
        0i64.checked_sub_unsigned(n).ok_or(RANGE)
    } else {
        i64::try_from(n).map_err(|_| RANGE)
    }
}

/// `typedVal` for `--set`.
fn typed_val(text: String) -> Value {
    if fold_eq(&text, "true") {
        return Value::Bool(true);
    }
    if fold_eq(&text, "false") {
        return Value::Bool(false);
    }
    if fold_eq(&text, "null") {
        return Value::Nil;
    }
    if text == "0" {
        return Value::Int64(0);
    }
    if !text.is_empty() && !text.starts_with('0') {
        if let Ok(n) = parse_int(&text) {
            return Value::Int64(n);
        }
    }
    Value::from(text)
}

/// `strings.EqualFold(s, word)` for a lowercase ASCII `word`: the only non-ASCII letter
/// folding to one of `true false null` is `ſ` (U+017F) to `s`.
fn fold_eq(s: &str, word: &str) -> bool {
    let mut chars = s.chars();
    for w in word.chars() {
        match chars.next() {
            Some(c) if c.to_ascii_lowercase() == w || (w == 's' && c == '\u{17F}') => {}
            _ => return false,
        }
    }
    chars.next().is_none()
}

// --- JSON, as `json.NewDecoder(rest).Decode(&v)` reads one value off the line ---

/// A container being filled: a list, or a map and the key whose value comes next.
enum Open {
    List(Vec<Value>),
    Map(Map, String),
}

/// Reads the first JSON value of `text` as Go's `json.Decoder` does (numbers float64) and
/// returns it with the number of bytes it took (`InputOffset`). Like the decoder, a value
/// ends where its grammar ends: after `}`, `]`, a closing quote or a literal, or before the
/// first byte that cannot continue a number; what follows is left to the caller. Errors read
/// as Go's: `invalid character 'x' looking for beginning of value`, `unexpected EOF`,
/// `json: cannot unmarshal number 1e400 into Go value of type float64`.
fn decode_json(text: &str) -> Result<(Value, usize), String> {
    let mut d = JsonReader {
        b: text.as_bytes(),
        i: 0,
        number_error: None,
    };
    let mut open: Vec<Open> = Vec::new();
    'value: loop {
        d.skip_space();
        let Some(c) = d.peek() else {
            return Err(UNEXPECTED_EOF.to_string());
        };
        let mut value = match c {
            b'{' | b'[' => {
                if open.len() + 1 > MAX_JSON_DEPTH {
                    return Err(json_error(c, "exceeded max depth"));
                }
                d.i += 1;
                d.skip_space();
                if c == b'[' {
                    if d.peek() == Some(b']') {
                        d.i += 1;
                        Value::List(List::new(Vec::new()))
                    } else {
                        open.push(Open::List(Vec::new()));
                        continue 'value;
                    }
                } else if d.peek() == Some(b'}') {
                    d.i += 1;
                    Value::Map(Map::new())
                } else {
                    let key = d.object_key()?;
                    open.push(Open::Map(Map::new(), key));
                    continue 'value;
                }
            }
            b'"' => Value::from(d.string()?),
            b'-' | b'0'..=b'9' => d.number()?,
            b't' => d.literal("true", Value::Bool(true))?,
            b'f' => d.literal("false", Value::Bool(false))?,
            b'n' => d.literal("null", Value::Nil)?,
            _ => return Err(json_error(c, "looking for beginning of value")),
        };
        // A value is complete: put it in its container, closing those that end with it.
        loop {
            let Some(top) = open.last_mut() else {
                return match d.number_error {
                    Some(e) => Err(e),
                    None => Ok((value, d.i)),
                };
            };
            d.skip_space();
            let next = d.peek();
            match top {
                Open::List(items) => {
                    items.push(value);
                    match next {
                        Some(b',') => {
                            d.i += 1;
                            continue 'value;
                        }
                        Some(b']') => d.i += 1,
                        Some(c) => return Err(json_error(c, "after array element")),
                        None => return Err(UNEXPECTED_EOF.to_string()),
                    }
                }
                Open::Map(map, key) => {
                    map.insert(std::mem::take(key), value);
                    match next {
                        Some(b',') => {
                            d.i += 1;
                            d.skip_space();
                            *key = d.object_key()?;
                            continue 'value;
                        }
                        Some(b'}') => d.i += 1,
                        Some(c) => return Err(json_error(c, "after object key:value pair")),
                        None => return Err(UNEXPECTED_EOF.to_string()),
                    }
                }
            }
            value = match open.pop() {
                Some(Open::List(items)) => Value::List(List::new(items)),
                Some(Open::Map(map, _)) => Value::Map(map),
                None => return Err(INTERNAL.to_string()),
            };
        }
    }
}

const UNEXPECTED_EOF: &str = "unexpected EOF";

/// Go's `SyntaxError` text: `invalid character 'c' <context>`, the byte quoted as
/// `quoteChar` does.
fn json_error(c: u8, context: &str) -> String {
    let shown = match c {
        b'\'' => "'\\''".to_string(),
        b'"' => "'\"'".to_string(),
        _ => {
            let q = quote(&char::from(c).to_string(), false);
            let inner = q
                .strip_prefix('"')
                .and_then(|q| q.strip_suffix('"'))
                .unwrap_or(&q);
            format!("'{inner}'")
        }
    };
    format!("invalid character {shown} {context}")
}

struct JsonReader<'a> {
    b: &'a [u8],
    i: usize,
    /// The first number out of float64's range: Go reports it after the whole value
    /// scanned without a syntax error.
    number_error: Option<String>,
}

impl JsonReader<'_> {
    fn peek(&self) -> Option<u8> {
        self.b.get(self.i).copied()
    }

    fn skip_space(&mut self) {
        while let Some(b' ' | b'\t' | b'\r' | b'\n') = self.peek() {
            self.i += 1;
        }
    }

    /// At the start of an object key (blanks skipped): the key and its `:`.
    fn object_key(&mut self) -> Result<String, String> {
        match self.peek() {
            Some(b'"') => {}
            Some(c) => return Err(json_error(c, "looking for beginning of object key string")),
            None => return Err(UNEXPECTED_EOF.to_string()),
        }
        let key = self.string()?;
        self.skip_space();
        match self.peek() {
            Some(b':') => {
                self.i += 1;
                Ok(key)
            }
            Some(c) => Err(json_error(c, "after object key")),
            None => Err(UNEXPECTED_EOF.to_string()),
        }
    }

    fn next_byte(&mut self) -> Result<u8, String> {
        let c = self.peek().ok_or_else(|| UNEXPECTED_EOF.to_string())?;
        self.i += 1;
        Ok(c)
    }

    /// A string at its opening quote, unquoted as Go does (a surrogate not in a valid pair
    /// becomes U+FFFD).
    fn string(&mut self) -> Result<String, String> {
        self.i += 1;
        let mut out: Vec<u8> = Vec::new();
        loop {
            let c = self.next_byte()?;
            match c {
                b'"' => return Ok(String::from_utf8_lossy(&out).into_owned()),
                b'\\' => {
                    let e = self.next_byte()?;
                    let plain = match e {
                        b'b' => 0x08,
                        b'f' => 0x0C,
                        b'n' => b'\n',
                        b'r' => b'\r',
                        b't' => b'\t',
                        b'"' | b'\\' | b'/' => e,
                        b'u' => {
                            let r = self.hex4()?;
                            let ch = if (0xD800..0xE000).contains(&r) {
                                self.low_surrogate(r)
                            } else {
                                char::from_u32(r)
                            };
                            let mut buf = [0u8; 4];
                            let ch = ch.unwrap_or('\u{FFFD}');
                            out.extend_from_slice(ch.encode_utf8(&mut buf).as_bytes());
                            continue;
                        }
                        _ => return Err(json_error(e, "in string escape code")),
                    };
                    out.push(plain);
                }
                c if c < 0x20 => return Err(json_error(c, "in string literal")),
                c => out.push(c),
            }
        }
    }

    /// The four hex digits of `\uXXXX`.
    fn hex4(&mut self) -> Result<u32, String> {
        let mut r = 0u32;
        for _ in 0..4 {
            let c = self.next_byte()?;
            let d = char::from(c)
                .to_digit(16)
                .ok_or_else(|| json_error(c, "in \\u hexadecimal character escape"))?;
            r = r * 16 + d;
        }
        Ok(r)
    }

    /// After the surrogate `high`: the pair's character when a valid `\uDC00`-`\uDFFF`
    /// follows (consumed), else `None` (U+FFFD) and the text after it is read normally.
    fn low_surrogate(&mut self, high: u32) -> Option<char> {
        if !(0xD800..0xDC00).contains(&high) {
            return None;
        }
        let tail = self.b.get(self.i..self.i + 6)?;
        if tail.get(..2) != Some(b"\\u".as_slice()) {
            return None;
        }
        let hex = std::str::from_utf8(tail.get(2..)?).ok()?;
        let low = u32::from_str_radix(hex, 16).ok()?;
        if !hex.bytes().all(|b| b.is_ascii_hexdigit()) || !(0xDC00..0xE000).contains(&low) {
            return None;
        }
        self.i += 6;
        char::from_u32(0x10000 + ((high - 0xD800) << 10) + (low - 0xDC00))
    }

    fn digits(&mut self) {
        while let Some(b'0'..=b'9') = self.peek() {
            self.i += 1;
        }
    }

    /// A number with JSON's grammar; it ends before the first byte that cannot continue it.
    fn number(&mut self) -> Result<Value, String> {
        let start = self.i;
        if self.peek() == Some(b'-') {
            self.i += 1;
        }
        match self.peek() {
            Some(b'0') => self.i += 1,
            Some(b'1'..=b'9') => self.digits(),
            Some(c) => return Err(json_error(c, "in numeric literal")),
            None => return Err(UNEXPECTED_EOF.to_string()),
        }
        if self.peek() == Some(b'.') {
            self.i += 1;
            match self.peek() {
                Some(b'0'..=b'9') => self.digits(),
                Some(c) => return Err(json_error(c, "after decimal point in numeric literal")),
                None => return Err(UNEXPECTED_EOF.to_string()),
            }
        }
        if let Some(b'e' | b'E') = self.peek() {
            self.i += 1;
            if let Some(b'+' | b'-') = self.peek() {
                self.i += 1;
            }
            match self.peek() {
                Some(b'0'..=b'9') => self.digits(),
                Some(c) => return Err(json_error(c, "in exponent of numeric literal")),
                None => return Err(UNEXPECTED_EOF.to_string()),
            }
        }
        let text = std::str::from_utf8(self.b.get(start..self.i).unwrap_or_default()).unwrap_or("");
        match text.parse::<f64>() {
            Ok(f) if f.is_finite() => Ok(Value::Float(f)),
            _ => {
                if self.number_error.is_none() {
                    self.number_error = Some(format!(
                        "json: cannot unmarshal number {text} into Go value of type float64"
                    ));
                }
                Ok(Value::Nil)
            }
        }
    }

    /// `true`, `false` or `null` at its first letter.
    fn literal(&mut self, word: &str, value: Value) -> Result<Value, String> {
        self.i += 1;
        for want in word.bytes().skip(1) {
            let c = self.next_byte()?;
            if c != want {
                return Err(json_error(
                    c,
                    &format!("in literal {word} (expecting {})", json_char(want)),
                ));
            }
        }
        Ok(value)
    }
}

fn json_char(c: u8) -> String {
    format!("'{}'", char::from(c))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::Value as Json;

    /// A JSON value as Go-typed values: integers int64, other numbers float64.
    fn from_json(j: &Json) -> Value {
        match j {
            Json::Null => Value::Nil,
            Json::Bool(b) => Value::Bool(*b),
            Json::Number(n) => match n.as_i64() {
                Some(i) if !n.is_f64() => Value::Int64(i),
                _ => Value::Float(n.as_f64().unwrap_or(f64::NAN)),
            },
            Json::String(s) => Value::str(s),
            Json::Array(items) => Value::List(List::new(items.iter().map(from_json).collect())),
            Json::Object(entries) => Value::Map(Map::from_entries(
                entries.iter().map(|(k, v)| (k.clone(), from_json(v))),
            )),
        }
    }

    /// Whether `v` is `j` with Go types: JSON integers must be int64, other numbers float64.
    fn same(v: &Value, j: &Json) -> bool {
        match (v, j) {
            (Value::Nil, Json::Null) => true,
            (Value::Bool(a), Json::Bool(b)) => a == b,
            (Value::Int64(a), Json::Number(n)) => !n.is_f64() && n.as_i64() == Some(*a),
            (Value::Float(a), Json::Number(n)) => {
                let b = n.as_f64().unwrap_or(f64::NAN);
                n.is_f64() && (*a == b || (a - b).abs() <= f64::EPSILON * a.abs().max(b.abs()))
            }
            (Value::String(a), Json::String(b)) => **a == **b,
            (Value::List(l), Json::Array(items)) => {
                l.elem_type() == ElemType::Interface
                    && l.len() == items.len()
                    && l.iter().zip(items).all(|(a, b)| same(a, b))
            }
            (Value::Map(m), Json::Object(entries)) => {
                m.len() == entries.len()
                    && entries
                        .iter()
                        .all(|(k, b)| m.get(k).is_some_and(|a| same(&a, b)))
            }
            _ => false,
        }
    }

    fn show(v: &Value) -> String {
        match v {
            Value::Nil => "null".into(),
            Value::Bool(b) => b.to_string(),
            Value::Int64(i) => i.to_string(),
            Value::Float(f) => format!("{f:?}"),
            Value::String(s) => format!("{:?}", &**s),
            Value::List(l) => format!("[{}]", l.iter().map(show).collect::<Vec<_>>().join(",")),
            Value::Map(m) => format!(
                "{{{}}}",
                m.entries()
                    .iter()
                    .map(|(k, v)| format!("{k:?}:{}", show(v)))
                    .collect::<Vec<_>>()
                    .join(",")
            ),
            other => other.go_type_name(),
        }
    }

    fn reader(path: &str) -> Result<String, String> {
        match path {
            "path1" => Ok("value1".into()),
            "f1.txt" => Ok("one".into()),
            _ => Err(format!("open {path}: no such file or directory")),
        }
    }

    /// Parses `input` into `base` (JSON) and returns the result.
    fn run(kind: Kind, base: &str, input: &str) -> Result<Value, String> {
        let base = match serde_json::from_str::<Json>(base).map(|j| from_json(&j)) {
            Ok(Value::Map(m)) => m,
            _ => return Err(format!("bad base {base}")),
        };
        parse_into(input, &base, kind)?;
        Ok(Value::Map(base))
    }

    /// Checks a table: `Some(json)` expects that result, `None` an error.
    fn check(kind: Kind, base: &str, table: &[(&str, Option<&str>)]) {
        let mut problems = Vec::new();
        for (input, want) in table {
            let got = run(kind, base, input);
            let ok = match (want, &got) {
                (Some(w), Ok(v)) => serde_json::from_str::<Json>(w).is_ok_and(|w| same(v, &w)),
                (None, Err(_)) => true,
                _ => false,
            };
            if !ok {
                let got = got.map(|v| show(&v));
                problems.push(format!("{kind:?} {input:?}: want {want:?}, got {got:?}"));
            }
        }
        assert!(problems.is_empty(), "{}", problems.join("\n"));
    }

    fn nested_names(n: usize) -> String {
        let names: Vec<String> = (1..=n).map(|i| format!("name{i}")).collect();
        format!("{}=value", names.join("."))
    }

    // parser_test.go TestParseSet (and TestParseSetNestedLevels).
    #[test]
    fn go_parse_set() {
        let deep = nested_names(MAX_NESTED_NAME_LEVEL + 2);
        let table: Vec<(&str, Option<&str>)> = vec![
            (
                "name1=null,f=false,t=true",
                Some(r#"{"name1":null,"f":false,"t":true}"#),
            ),
            ("name1=value1", Some(r#"{"name1":"value1"}"#)),
            (
                "name1=value1,name2=value2",
                Some(r#"{"name1":"value1","name2":"value2"}"#),
            ),
            (
                "name1=value1,name2=value2,",
                Some(r#"{"name1":"value1","name2":"value2"}"#),
            ),
            ("name1=value1,,,,name2=value2,", None),
            (
                "name1=,name2=value2",
                Some(r#"{"name1":"","name2":"value2"}"#),
            ),
            ("leading_zeros=00009", Some(r#"{"leading_zeros":"00009"}"#)),
            ("zero_int=0", Some(r#"{"zero_int":0}"#)),
            ("long_int=1234567890", Some(r#"{"long_int":1234567890}"#)),
            ("boolean=true", Some(r#"{"boolean":true}"#)),
            ("is_null=null", Some(r#"{"is_null":null}"#)),
            ("name1,name2=", None),
            ("name1,name2=value2", None),
            ("name1,name2=value2\\", None),
            ("name1,name2", None),
            (
                "name1=one\\,two,name2=three\\,four",
                Some(r#"{"name1":"one,two","name2":"three,four"}"#),
            ),
            (
                "name1=one\\=two,name2=three\\=four",
                Some(r#"{"name1":"one=two","name2":"three=four"}"#),
            ),
            (
                "name1=one two three,name2=three two one",
                Some(r#"{"name1":"one two three","name2":"three two one"}"#),
            ),
            ("outer.inner=value", Some(r#"{"outer":{"inner":"value"}}"#)),
            (
                "outer.middle.inner=value",
                Some(r#"{"outer":{"middle":{"inner":"value"}}}"#),
            ),
            (
                "outer.inner1=value,outer.inner2=value2",
                Some(r#"{"outer":{"inner1":"value","inner2":"value2"}}"#),
            ),
            (
                "outer.inner1=value,outer.middle.inner=value",
                Some(r#"{"outer":{"inner1":"value","middle":{"inner":"value"}}}"#),
            ),
            ("name1.name2", None),
            ("name1.name2,name1.name3", None),
            ("name1.name2=", Some(r#"{"name1":{"name2":""}}"#)),
            ("name1.=name2", None),
            ("name1.,name2", None),
            (
                "name1={value1,value2}",
                Some(r#"{"name1":["value1","value2"]}"#),
            ),
            (
                "name1={value1,value2},name2={value1,value2}",
                Some(r#"{"name1":["value1","value2"],"name2":["value1","value2"]}"#),
            ),
            ("name1={1021,902}", Some(r#"{"name1":[1021,902]}"#)),
            (
                "name1.name2={value1,value2}",
                Some(r#"{"name1":{"name2":["value1","value2"]}}"#),
            ),
            ("name1={1021,902", None),
            ("list[0]=foo", Some(r#"{"list":["foo"]}"#)),
            ("list[0].foo=bar", Some(r#"{"list":[{"foo":"bar"}]}"#)),
            (
                "list[0].foo=bar,list[0].hello=world",
                Some(r#"{"list":[{"foo":"bar","hello":"world"}]}"#),
            ),
            ("list[0].foo=bar,list[-30].hello=world", None),
            ("list[0]=foo,list[1]=bar", Some(r#"{"list":["foo","bar"]}"#)),
            (
                "list[0]=foo,list[1]=bar,",
                Some(r#"{"list":["foo","bar"]}"#),
            ),
            (
                "list[0]=foo,list[3]=bar",
                Some(r#"{"list":["foo",null,null,"bar"]}"#),
            ),
            ("list[0]=foo,list[-20]=bar", None),
            ("illegal[0]name.foo=bar", None),
            ("noval[0]", Some(r#"{"noval":[]}"#)),
            ("noval[0]=", Some(r#"{"noval":[""]}"#)),
            ("nested[0][0]=1", Some(r#"{"nested":[[1]]}"#)),
            ("nested[1][1]=1", Some(r#"{"nested":[null,[null,1]]}"#)),
            (
                "name1.name2[0].foo=bar,name1.name2[1].foo=bar",
                Some(r#"{"name1":{"name2":[{"foo":"bar"},{"foo":"bar"}]}}"#),
            ),
            (
                "name1.name2[1].foo=bar,name1.name2[0].foo=bar",
                Some(r#"{"name1":{"name2":[{"foo":"bar"},{"foo":"bar"}]}}"#),
            ),
            (
                "name1.name2[1].foo=bar",
                Some(r#"{"name1":{"name2":[null,{"foo":"bar"}]}}"#),
            ),
            ("]={}].", None),
            (deep.as_str(), None),
        ];
        check(Kind::Set, "{}", &table);
        assert_eq!(
            run(Kind::Set, "{}", &deep).err().as_deref(),
            Some("value name nested level is greater than maximum supported nested level of 30")
        );
        check(
            Kind::String,
            "{}",
            &[
                (
                    "long_int_string=1234567890",
                    Some(r#"{"long_int_string":"1234567890"}"#),
                ),
                ("boolean=true", Some(r#"{"boolean":"true"}"#)),
                ("is_null=null", Some(r#"{"is_null":"null"}"#)),
                ("zero=0", Some(r#"{"zero":"0"}"#)),
            ],
        );
    }

    // parser_test.go TestParseInto and TestParseIntoString; literal_parser_test.go
    // TestParseLiteralInto.
    #[test]
    fn go_parse_into() {
        for kind in [Kind::Set, Kind::Literal] {
            let (v1, v4) = if kind == Kind::Set {
                (r#""value1""#, "4")
            } else {
                ("", "")
            };
            let outer = r#"{"outer":{"inner1":"overwrite","inner2":"value2"}}"#;
            let want = if kind == Kind::Set {
                format!(
                    r#"{{"outer":{{"inner1":{v1},"inner2":"value2","inner3":"value3","inner4":{v4}}}}}"#
                )
            } else {
                r#"{"outer":{"inner1":"value1,outer.inner3=value3,outer.inner4=4","inner2":"value2"}}"#.to_string()
            };
            check(
                kind,
                outer,
                &[(
                    "outer.inner1=value1,outer.inner3=value3,outer.inner4=4",
                    Some(&want),
                )],
            );
            let pairs = [
                (
                    "listOuter[0][0].type=listValue",
                    "listOuter[0][0].status=alive",
                    r#"{"listOuter":[[{"type":"listValue","status":"alive"}]]}"#,
                ),
                (
                    "listOuter[0][0].type=listValue",
                    "listOuter[1][0].status=alive",
                    r#"{"listOuter":[[{"type":"listValue"}],[{"status":"alive"}]]}"#,
                ),
            ];
            for (first, second, want) in pairs {
                let base = Map::new();
                assert_eq!(parse_into(first, &base, kind), Ok(()));
                assert_eq!(parse_into(second, &base, kind), Ok(()));
                let want: Json = serde_json::from_str(want).unwrap_or(Json::Null);
                assert!(same(&Value::Map(base), &want), "{kind:?} {first} {second}");
            }
            check(
                kind,
                r#"{"listOuter":[[[{"exited":"old"}]]]}"#,
                &[(
                    "listOuter[0][1][0].type=listValue",
                    Some(r#"{"listOuter":[[[{"exited":"old"}],[{"type":"listValue"}]]]}"#),
                )],
            );
            check(
                kind,
                r#"{"listOuter":[[[{"exited":"old"}],[{"type":"listValue"}]]]}"#,
                &[(
                    "listOuter[0][0][1].status=alive",
                    Some(
                        r#"{"listOuter":[[[{"exited":"old"},{"status":"alive"}],[{"type":"listValue"}]]]}"#,
                    ),
                )],
            );
        }
        check(
            Kind::String,
            r#"{"outer":{"inner1":"overwrite","inner2":"value2"}}"#,
            &[(
                "outer.inner1=1,outer.inner3=3",
                Some(r#"{"outer":{"inner1":"1","inner2":"value2","inner3":"3"}}"#),
            )],
        );
    }

    // parser_test.go TestParseJSON.
    #[test]
    fn go_parse_json() {
        check(
            Kind::Json,
            r#"{"outer":{"inner1":"overwrite","inner2":"value2"}}"#,
            &[(
                r#"outer.inner1="1",outer.inner3=3,outer.inner4=true,outer.inner5="true""#,
                Some(
                    r#"{"outer":{"inner1":"1","inner2":"value2","inner3":3.0,"inner4":true,"inner5":"true"}}"#,
                ),
            )],
        );
        check(
            Kind::Json,
            r#"{"outer":{"inner1":{"x":"overwrite"},"inner2":"value2","inner3":["overwrite"]}}"#,
            &[(
                r#"outer.inner1={"a":"1","b":2,"c":[1,2,3]},outer.inner3=["new value 1","new value 2"],outer.inner4={"aa":"1","bb":2,"cc":[1,2,3]},outer.inner5=[{"A":"1","B":2,"C":[1,2,3]}]"#,
                Some(
                    r#"{"outer":{"inner1":{"a":"1","b":2.0,"c":[1.0,2.0,3.0]},"inner2":"value2","inner3":["new value 1","new value 2"],"inner4":{"aa":"1","bb":2.0,"cc":[1.0,2.0,3.0]},"inner5":[{"A":"1","B":2.0,"C":[1.0,2.0,3.0]}]}}"#,
                ),
            )],
        );
        check(
            Kind::Json,
            r#"{"outer":{"inner1":{"x":"overwrite"},"inner2":"value2"}}"#,
            &[(
                r#"outer.inner1=,outer.inner3={"aa":"1","bb":2,"cc":[1,2,3]},outer.inner3.cc[1]=null"#,
                Some(
                    r#"{"outer":{"inner1":null,"inner2":"value2","inner3":{"aa":"1","bb":2.0,"cc":[1.0,null,3.0]}}}"#,
                ),
            )],
        );
        check(
            Kind::Json,
            "{}",
            &[(
                r#"outer.inner1={"a":"1","b":2,"c":[1,2,3]},outer.inner3=["new value 1","new value 2"],outer.inner4={"aa":"1","bb":2,"cc":[1,2,3]},outer.inner5={"A":"1","B":2,"C":[1,2,3]}]"#,
                None,
            )],
        );
    }

    // parser_test.go TestParseFile and TestParseIntoFile.
    #[test]
    fn go_parse_file() {
        let base = Map::new();
        let mut read = reader;
        assert_eq!(parse_file_into("name1=path1", &base, &mut read), Ok(()));
        assert!(same(
            &Value::Map(base),
            &serde_json::json!({"name1": "value1"})
        ));
        let base = Map::from_entries([("keep", Value::Bool(true))]);
        assert_eq!(
            parse_file_into("a={path1,nope}", &base, &mut read),
            Err("open nope: no such file or directory".to_string())
        );
    }

    // parser_test.go TestSetIndex.
    #[test]
    fn go_set_index() {
        let ints = |v: &[i64]| v.iter().map(|&i| Value::Int64(i)).collect::<Vec<_>>();
        type Case<'a> = (&'a [i64], i64, i64, Option<&'a [i64]>);
        let cases: [Case; 5] = [
            (&[0, 1], 2, 2, Some(&[0, 1, 2])),
            (&[0, 1], 1, 2, Some(&[0, 2])),
            (&[0, 1, 2, 3, 4, 5], 3, 4, Some(&[0, 1, 2, 4, 4, 5])),
            (&[0, 1, 2, 3, 4, 5], -1, 4, None),
            (&[0, 1, 2, 3, 4, 5], MAX_INDEX + 1, 4, None),
        ];
        for (initial, add, val, want) in cases {
            let got = set_index(ints(initial), add, Value::Int64(val));
            match want {
                Some(w) => {
                    let got = got.map(|l| show(&Value::List(List::new(l))));
                    assert_eq!(got, Ok(show(&Value::List(List::new(ints(w))))));
                }
                None => assert!(got.is_err()),
            }
        }
        let Ok(Value::Map(m)) = run(Kind::Set, "{}", "a[65536]=1") else {
            panic!("a[65536]=1 must parse");
        };
        let list = m.get("a").and_then(|v| v.as_list());
        assert_eq!(list.as_ref().map(List::len), Some(65537));
        assert!(matches!(
            list.and_then(|l| l.get(65536).cloned()),
            Some(Value::Int64(1))
        ));
    }

    // literal_parser_test.go TestParseLiteral and TestParseLiteralNestedLevels.
    #[test]
    fn go_parse_literal() {
        let deep = nested_names(MAX_NESTED_NAME_LEVEL + 2);
        let table: Vec<(&str, Option<&str>)> = vec![
            ("name", None),
            ("name=", Some(r#"{"name":""}"#)),
            ("name=value", Some(r#"{"name":"value"}"#)),
            (
                "long_int_string=1234567890",
                Some(r#"{"long_int_string":"1234567890"}"#),
            ),
            ("boolean=true", Some(r#"{"boolean":"true"}"#)),
            ("is_null=null", Some(r#"{"is_null":"null"}"#)),
            ("zero=0", Some(r#"{"zero":"0"}"#)),
            (
                "name1=null,name2=value2",
                Some(r#"{"name1":"null,name2=value2"}"#),
            ),
            ("name1=value,,,tail", Some(r#"{"name1":"value,,,tail"}"#)),
            ("leading_zeros=00009", Some(r#"{"leading_zeros":"00009"}"#)),
            ("name=one two three", Some(r#"{"name":"one two three"}"#)),
            ("outer.inner=value", Some(r#"{"outer":{"inner":"value"}}"#)),
            (
                "outer.middle.inner=value",
                Some(r#"{"outer":{"middle":{"inner":"value"}}}"#),
            ),
            ("name1.name2", None),
            ("name1.name2=", Some(r#"{"name1":{"name2":""}}"#)),
            ("name1.=name2", None),
            ("name1.,name2", None),
            (
                "name1={value1,value2}",
                Some(r#"{"name1":"{value1,value2}"}"#),
            ),
            ("list[0]=foo", Some(r#"{"list":["foo"]}"#)),
            ("list[0].foo=bar", Some(r#"{"list":[{"foo":"bar"}]}"#)),
            ("list[-30].hello=world", None),
            ("list[3]=bar", Some(r#"{"list":[null,null,null,"bar"]}"#)),
            ("illegal[0]name.foo=bar", None),
            ("noval[0]", Some(r#"{"noval":[]}"#)),
            ("noval[0]=", Some(r#"{"noval":[""]}"#)),
            ("nested[0][0]=1", Some(r#"{"nested":[["1"]]}"#)),
            ("nested[1][1]=1", Some(r#"{"nested":[null,[null,"1"]]}"#)),
            (
                "name1.name2[0].foo=bar",
                Some(r#"{"name1":{"name2":[{"foo":"bar"}]}}"#),
            ),
            (
                "name1.name2[1].foo=bar",
                Some(r#"{"name1":{"name2":[null,{"foo":"bar"}]}}"#),
            ),
            ("]={}].", Some(r#"{"]":"{}]."}"#)),
            ("name=val,val", Some(r#"{"name":"val,val"}"#)),
            ("name=val.val", Some(r#"{"name":"val.val"}"#)),
            ("name=val=val", Some(r#"{"name":"val=val"}"#)),
            ("name=val$val", Some(r#"{"name":"val$val"}"#)),
            ("name=(value", Some(r#"{"name":"(value"}"#)),
            ("name=value)", Some(r#"{"name":"value)"}"#)),
            ("name=(value)", Some(r#"{"name":"(value)"}"#)),
            ("name={value", Some(r#"{"name":"{value"}"#)),
            ("name=value}", Some(r#"{"name":"value}"}"#)),
            ("name={value}", Some(r#"{"name":"{value}"}"#)),
            (
                "name={value1,value2}",
                Some(r#"{"name":"{value1,value2}"}"#),
            ),
            (r"name=val\val", Some(r#"{"name":"val\\val"}"#)),
            (r"name=val\\val", Some(r#"{"name":"val\\\\val"}"#)),
            (r"name=val\\\val", Some(r#"{"name":"val\\\\\\val"}"#)),
            (
                r"name={val,.?*v\0a!l)some",
                Some(r#"{"name":"{val,.?*v\\0a!l)some"}"#),
            ),
            (
                r"name=em%GT)tqUDqz,i-\h+Mbqs-!:.m\\rE=mkbM#rR}@{-k@",
                Some(r#"{"name":"em%GT)tqUDqz,i-\\h+Mbqs-!:.m\\\\rE=mkbM#rR}@{-k@"}"#),
            ),
            (deep.as_str(), None),
        ];
        check(Kind::Literal, "{}", &table);
        assert_eq!(
            run(Kind::Literal, "{}", &deep).err().as_deref(),
            Some("value name nested level is greater than maximum supported nested level of 30")
        );
    }

    /// No input makes the parser panic or overflow the stack, however deep it nests.
    #[test]
    fn deep_and_odd_inputs() {
        let lists = format!("a{}=1", "[0]".repeat(50_000));
        let mixed = format!("a{}=1", "[0].b".repeat(30_000));
        let json = format!("a={}", "[".repeat(10_000));
        for (kind, input) in [
            (Kind::Set, lists.as_str()),
            (Kind::Set, mixed.as_str()),
            (Kind::Literal, lists.as_str()),
            (Kind::Json, json.as_str()),
        ] {
            let _ = run(kind, "{}", input);
        }
        assert_eq!(
            run(Kind::Json, "{}", &format!("a={}", "[".repeat(10_001)))
                .err()
                .as_deref(),
            Some("invalid character '[' exceeded max depth")
        );
        for input in [
            "\\",
            "[",
            "]",
            "a[",
            "a[]",
            "{",
            "a={",
            "a=\\",
            "=",
            ".",
            "\u{FFFD}[",
            "é[é]",
        ] {
            for kind in [Kind::Set, Kind::String, Kind::Json, Kind::Literal] {
                let _ = run(kind, "{}", input);
            }
        }
    }

    /// tests/helm-strvals/cases.json: Helm's answers (real Helm, or gohelm.py for lines
    /// parsed into given values).
    #[test]
    fn helm_fixture() {
        let text = include_str!("../../../tests/helm-strvals/cases.json");
        let fixture: Json = serde_json::from_str(text).unwrap_or(Json::Null);
        let files = fixture.get("files").cloned().unwrap_or(Json::Null);
        let cases = fixture
            .get("cases")
            .and_then(Json::as_array)
            .cloned()
            .unwrap_or_default();
        assert!(cases.len() >= 150, "fixture has {} cases", cases.len());
        let mut failures = Vec::new();
        for case in &cases {
            let field = |k: &str| case.get(k).and_then(Json::as_str).unwrap_or_default();
            let (kind, input) = (field("kind"), field("input"));
            let base = match case.get("base").map(from_json) {
                Some(Value::Map(m)) => m,
                _ => Map::new(),
            };
            let got = match kind {
                "set" => parse_into(input, &base, Kind::Set),
                "string" => parse_into(input, &base, Kind::String),
                "json" => parse_into(input, &base, Kind::Json),
                "literal" => parse_into(input, &base, Kind::Literal),
                _ => {
                    let mut read = |path: &str| match files.get(path).and_then(Json::as_str) {
                        Some(s) => Ok(s.to_string()),
                        None => Err(format!("open {path}: no such file or directory")),
                    };
                    parse_file_into(input, &base, &mut read)
                }
            };
            let ok = match (&got, case.get("expect"), case.get("error")) {
                (Ok(()), Some(want), _) => same(&Value::Map(base.clone()), want),
                (Err(e), _, Some(want)) => want.as_str() == Some(e.as_str()),
                _ => false,
            };
            if !ok {
                let got = got.map(|()| show(&Value::Map(base)));
                let want = case.get("expect").or(case.get("error"));
                failures.push(format!("{kind} {input:?}: want {want:?}\n    got {got:?}"));
            }
        }
        assert!(
            failures.is_empty(),
            "{} of {} cases differ:\n{}",
            failures.len(),
            cases.len(),
            failures.join("\n")
        );
    }
}
