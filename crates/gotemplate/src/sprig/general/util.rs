//! What the families share: Go's reflection view of a value (its `Kind`), Sprig's `strval`
//! and `empty`, `spf13/cast` conversions as Sprig calls them (errors become zero), the texts
//! of the Go runtime panics Sprig's functions can hit, and the small subset of Go's `unicode`
//! package the string functions need.

use std::rc::Rc;

use crate::{FuncError, Signature, Type, Value};

/// Go's message for a nil interface reaching `reflect.TypeOf(x).Kind()`, which many of
/// Sprig's list functions do before looking at their argument.
pub(super) const NIL_DEREF: &str =
    "runtime error: invalid memory address or nil pointer dereference";

/// Go's message for an integer division or remainder by zero.
pub(super) const DIV_ZERO: &str = "runtime error: integer divide by zero";

/// The most elements a generated list (`until`, `seq`, ...) may have. Go would build any
/// size until memory runs out; a render must not, and no chart needs more.
pub(super) const MAX_GENERATED: i128 = 1_000_000;

/// The argument at `i`, nil when absent (the engine has checked the count already).
pub(super) fn arg(args: &[Value], i: usize) -> &Value {
    args.get(i).unwrap_or(&Value::Nil)
}

/// A `string` parameter.
pub(super) fn str_arg(args: &[Value], i: usize) -> &str {
    arg(args, i).as_str().unwrap_or("")
}

/// An `int` parameter.
pub(super) fn int_arg(args: &[Value], i: usize) -> i64 {
    match arg(args, i) {
        Value::Int(n) | Value::Int64(n) => *n,
        _ => 0,
    }
}

/// A `bool` parameter.
pub(super) fn bool_arg(args: &[Value], i: usize) -> bool {
    matches!(arg(args, i), Value::Bool(true))
}

pub(super) fn sig(params: Vec<Type>, result: Type) -> Signature {
    Signature::new(params, result)
}

pub(super) fn sigv(params: Vec<Type>, variadic: Type, result: Type) -> Signature {
    Signature::variadic(params, variadic, result)
}

/// A Go result type the engine's [`Type`] has no variant for; only its spelling matters.
pub(super) fn named(name: &str) -> Type {
    Type::Named(Rc::from(name))
}

/// Bytes sliced the way Go slices strings (at byte offsets) made into a Rust string: a Go
/// string may hold a split UTF-8 sequence, a Rust string cannot, so each invalid byte becomes
/// U+FFFD, as Go itself decodes such bytes (and as Helm's JSON-encoded output shows them).
pub(super) fn lossy(bytes: &[u8]) -> Value {
    let mut out = String::with_capacity(bytes.len());
    for chunk in bytes.utf8_chunks() {
        out.push_str(chunk.valid());
        for _ in chunk.invalid() {
            out.push('\u{FFFD}');
        }
    }
    Value::from(out)
}

/// `reflect.ValueOf(v).Kind().String()`.
pub(super) fn kind(v: &Value) -> &'static str {
    match v {
        Value::Nil => "invalid",
        Value::Bool(_) => "bool",
        Value::Int(_) => "int",
        Value::Int64(_) => "int64",
        Value::Uint8(_) => "uint8",
        Value::Float(_) => "float64",
        Value::String(_) => "string",
        Value::List(_) => "slice",
        Value::Map(_) => "map",
        Value::Func(_) => "func",
        Value::Object(o) => match o.underlying() {
            Some(u @ (Value::List(_) | Value::Map(_) | Value::String(_))) => kind(&u),
            _ if o.is_pointer() => "ptr",
            _ => "struct",
        },
    }
}

/// The elements, if `v` is a slice or array (what Sprig's reflection-based list functions
/// accept).
pub(super) fn slice_items(v: &Value) -> Option<Vec<Value>> {
    v.as_list().map(|l| l.as_slice().to_vec())
}

/// The check that opens most of Sprig's list functions: `reflect.TypeOf(list).Kind()` panics
/// on nil; anything but a slice gets the function's own error, `PREFIX KIND`.
pub(super) fn list_or_error(v: &Value, prefix: &str) -> Result<Vec<Value>, FuncError> {
    if v.is_nil() {
        return Err(FuncError::new(NIL_DEREF));
    }
    slice_items(v).ok_or_else(|| FuncError::new(format!("{prefix} {}", kind(v))))
}

/// Sprig's `strval`: strings as they are, `fmt.Stringer`s through `String()`, everything else
/// as `fmt.Sprintf("%v")`.
pub(super) fn strval(v: &Value) -> Result<String, FuncError> {
    Ok(v.to_go_string()?)
}

/// Sprig's `empty`: the zero value of its type (nil, 0, "", false, empty list or map);
/// structs are never empty, pointers only when nil.
pub(super) fn empty(v: &Value) -> bool {
    match v {
        Value::Nil => true,
        Value::Bool(b) => !b,
        Value::Int(i) | Value::Int64(i) => *i == 0,
        Value::Uint8(u) => *u == 0,
        Value::Float(f) => *f == 0.0,
        Value::String(s) => s.is_empty(),
        Value::List(l) => l.is_empty(),
        Value::Map(m) => m.is_empty(),
        Value::Func(_) => false,
        Value::Object(o) => match o.underlying() {
            Some(u @ (Value::List(_) | Value::Map(_) | Value::String(_))) => empty(&u),
            _ => false,
        },
    }
}

/// Go's `int64(f)` on amd64 (`CVTTSD2SQ`): truncation, and the "integer indefinite"
/// `math.MinInt64` for NaN and out-of-range values (Rust would saturate instead).
pub(super) fn go_f64_to_i64(f: f64) -> i64 {
    if f.is_nan() || !(-9_223_372_036_854_775_808.0..9_223_372_036_854_775_808.0).contains(&f) {
        i64::MIN
    } else {
        f as i64
    }
}

/// cast's `trimZeroDecimal`: `"3.00"` → `"3"`, anything else unchanged.
fn trim_zero_decimal(s: &str) -> &str {
    let b = s.as_bytes();
    let mut found_zero = false;
    for i in (1..=b.len()).rev() {
        match b[i - 1] {
            b'.' => {
                if found_zero {
                    return &s[..i - 1];
                }
            }
            b'0' => found_zero = true,
            _ => return s,
        }
    }
    s
}

/// `cast.ToInt64E` (and `cast.ToIntE`, the same on 64-bit Go).
pub(super) fn cast_i64(v: &Value) -> Option<i64> {
    match v {
        Value::Nil => Some(0),
        Value::Bool(b) => Some(i64::from(*b)),
        Value::Int(i) | Value::Int64(i) => Some(*i),
        Value::Uint8(u) => Some(i64::from(*u)),
        Value::Float(f) => Some(go_f64_to_i64(*f)),
        Value::String(s) => crate::strconv::parse_int_base0(trim_zero_decimal(s)),
        _ => None,
    }
}

/// `cast.ToInt64`: unconvertible values are 0.
pub(super) fn to_i64(v: &Value) -> i64 {
    cast_i64(v).unwrap_or(0)
}

/// `cast.ToFloat64`: unconvertible values (and out-of-range strings) are 0.
pub(super) fn to_f64(v: &Value) -> f64 {
    match v {
        Value::Bool(true) => 1.0,
        Value::Int(i) | Value::Int64(i) => *i as f64,
        Value::Uint8(u) => f64::from(*u),
        Value::Float(f) => *f,
        Value::String(s) => crate::strconv::parse_float(s).unwrap_or(0.0),
        _ => 0.0,
    }
}

// --- Go's unicode package, as far as Sprig's string functions use it ---
//
// Rust's character properties are close to Go's category tables but not identical (Rust's
// `is_uppercase` is the Uppercase property, Go's `IsUpper` the Lu category); the differences
// are confined to rare code points, and Latin-1 is handled exactly.

/// `unicode.IsSpace` (Rust's White_Space set is Go's).
pub(super) fn is_space(c: char) -> bool {
    c.is_whitespace()
}

/// `unicode.IsUpper` (category Lu).
pub(super) fn is_upper(c: char) -> bool {
    if c.is_ascii() {
        return c.is_ascii_uppercase();
    }
    c.is_uppercase()
        && !is_title(c)
        && !matches!(c as u32, 0x2160..=0x216F | 0x24B6..=0x24CF | 0x1F130..=0x1F189)
}

/// `unicode.IsLower` (category Ll).
pub(super) fn is_lower(c: char) -> bool {
    if c.is_ascii() {
        return c.is_ascii_lowercase();
    }
    c.is_lowercase()
        && !matches!(c as u32, 0xAA | 0xBA | 0x2B0..=0x2B8 | 0x2C0..=0x2C1 | 0x2E0..=0x2E4 | 0x345 | 0x37A
            | 0x1D2C..=0x1D6A | 0x1D78 | 0x1D9B..=0x1DBF | 0x2071 | 0x207F | 0x2090..=0x209C
            | 0x2170..=0x217F | 0x24D0..=0x24E9 | 0x2C7C..=0x2C7D | 0xA69C..=0xA69D | 0xA770 | 0xA7F8..=0xA7F9
            | 0xAB5C..=0xAB5F)
}

/// `unicode.IsTitle` (category Lt).
pub(super) fn is_title(c: char) -> bool {
    matches!(c as u32, 0x1C5 | 0x1C8 | 0x1CB | 0x1F2 | 0x1F88..=0x1F8F | 0x1F98..=0x1F9F | 0x1FA8..=0x1FAF
        | 0x1FBC | 0x1FCC | 0x1FFC)
}

/// `unicode.IsLetter` (category L).
pub(super) fn is_letter(c: char) -> bool {
    if c.is_ascii() {
        return c.is_ascii_alphabetic();
    }
    c.is_alphabetic()
        && !c.is_numeric()
        && !matches!(c as u32, 0x345 | 0x5B0..=0x5C7 | 0x610..=0x61A | 0x64B..=0x657
        | 0x900..=0x903 | 0x93A..=0x94F | 0x24B6..=0x24E9)
}

/// `unicode.IsNumber` (category N).
pub(super) fn is_number(c: char) -> bool {
    c.is_numeric()
}

/// `unicode.IsPunct` (category P). Exact for ASCII and Latin-1 (Go, unlike Rust's
/// `is_ascii_punctuation`, counts `$+<=>^`|~` as symbols), and for the common punctuation
/// blocks beyond.
pub(super) fn is_punct(c: char) -> bool {
    let r = c as u32;
    if r < 0x80 {
        return matches!(
            c,
            '!' | '"'
                | '#'
                | '%'
                | '&'
                | '\''
                | '('
                | ')'
                | '*'
                | ','
                | '-'
                | '.'
                | '/'
                | ':'
                | ';'
                | '?'
                | '@'
                | '['
                | '\\'
                | ']'
                | '_'
                | '{'
                | '}'
        );
    }
    matches!(r, 0xA1 | 0xA7 | 0xAB | 0xB6 | 0xB7 | 0xBB | 0xBF | 0x37E | 0x387 | 0x55A..=0x55F | 0x589..=0x58A
        | 0x5BE | 0x5C0 | 0x5C3 | 0x5C6 | 0x5F3..=0x5F4 | 0x609..=0x60A | 0x60C..=0x60D | 0x61B | 0x61D..=0x61F
        | 0x66A..=0x66D | 0x6D4 | 0x964..=0x965 | 0x970 | 0xE4F | 0xE5A..=0xE5B | 0x2010..=0x2027
        | 0x2030..=0x2043 | 0x2045..=0x2051 | 0x2053..=0x205E | 0x207D..=0x207E | 0x208D..=0x208E
        | 0x2308..=0x230B | 0x2329..=0x232A | 0x2768..=0x2775 | 0x27C5..=0x27C6 | 0x27E6..=0x27EF
        | 0x2983..=0x2998 | 0x29D8..=0x29DB | 0x29FC..=0x29FD | 0x2CF9..=0x2CFC | 0x2CFE..=0x2CFF
        | 0x2E00..=0x2E2E | 0x2E30..=0x2E4F | 0x2E52..=0x2E5D | 0x3001..=0x3003 | 0x3008..=0x3011
        | 0x3014..=0x301F | 0x3030 | 0x303D | 0x30A0 | 0x30FB | 0xFE10..=0xFE19 | 0xFE30..=0xFE52
        | 0xFE54..=0xFE61 | 0xFE63 | 0xFE68 | 0xFE6A..=0xFE6B | 0xFF01..=0xFF03 | 0xFF05..=0xFF0A
        | 0xFF0C..=0xFF0F | 0xFF1A..=0xFF1B | 0xFF1F..=0xFF20 | 0xFF3B..=0xFF3D | 0xFF3F | 0xFF5B | 0xFF5D
        | 0xFF5F..=0xFF65)
}

/// `unicode.ToUpper`: Go maps one rune to one rune (`ß` stays `ß`), Rust's full mapping may
/// give several, in which case Go's simple mapping is the rune itself or, for Greek with
/// iota subscript, the titlecase form.
pub(super) fn to_upper(c: char) -> char {
    if c.is_ascii() {
        return c.to_ascii_uppercase();
    }
    let r = c as u32;
    let greek = match r {
        0x1F80..=0x1FAF if r & 0xF < 8 => Some(r + 8),
        0x1FB3 => Some(0x1FBC),
        0x1FC3 => Some(0x1FCC),
        0x1FF3 => Some(0x1FFC),
        _ => None,
    };
    if let Some(g) = greek.and_then(char::from_u32) {
        return g;
    }
    if matches!(r, 0x1C5 | 0x1C8 | 0x1CB | 0x1F2) {
        return char::from_u32(r - 1).unwrap_or(c);
    }
    single(c.to_uppercase()).unwrap_or(c)
}

/// `unicode.ToLower`.
pub(super) fn to_lower(c: char) -> char {
    if c.is_ascii() {
        return c.to_ascii_lowercase();
    }
    if c == '\u{130}' {
        return 'i';
    }
    single(c.to_lowercase()).unwrap_or(c)
}

/// `unicode.ToTitle`: the upper case but for the digraphs, which have their own title forms.
pub(super) fn to_title(c: char) -> char {
    let r = c as u32;
    let t = match r {
        0x1C4..=0x1C6 => 0x1C5,
        0x1C7..=0x1C9 => 0x1C8,
        0x1CA..=0x1CC => 0x1CB,
        0x1F1..=0x1F3 => 0x1F2,
        0x1F80..=0x1FAF => r | 8,
        0x1FB3 | 0x1FBC => 0x1FBC,
        0x1FC3 | 0x1FCC => 0x1FCC,
        0x1FF3 | 0x1FFC => 0x1FFC,
        _ => return to_upper(c),
    };
    char::from_u32(t).unwrap_or(c)
}

fn single(mut it: impl Iterator<Item = char>) -> Option<char> {
    let first = it.next()?;
    match it.next() {
        None => Some(first),
        Some(_) => None,
    }
}

/// `unicode.IsSpace(rune(b))` for a single byte, as goutils applies it byte by byte.
pub(super) fn is_space_byte(b: u8) -> bool {
    matches!(b, b'\t' | b'\n' | 0x0B | 0x0C | b'\r' | b' ' | 0x85 | 0xA0)
}

/// `buf.WriteRune(rune(b))` for a byte: bytes >= 0x80 become the Latin-1 code point.
pub(super) fn push_byte_as_rune(out: &mut String, b: u8) {
    out.push(char::from(b));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn casts() {
        assert_eq!(cast_i64(&Value::from("0x10")), Some(16));
        assert_eq!(cast_i64(&Value::from("3.00")), Some(3));
        assert_eq!(cast_i64(&Value::from("1_000")), Some(1000));
        assert_eq!(cast_i64(&Value::from("3.5")), None);
        assert_eq!(to_i64(&Value::from(1e20)), i64::MIN);
        assert_eq!(to_i64(&Value::from(-3.9)), -3);
        assert_eq!(to_f64(&Value::from("1e400")), 0.0);
        assert_eq!(trim_zero_decimal(".0"), "");
        assert_eq!(trim_zero_decimal("3."), "3.");
    }

    #[test]
    fn unicode() {
        assert_eq!(to_upper('ß'), 'ß');
        assert_eq!(to_upper('ᾀ'), 'ᾈ');
        assert_eq!(to_title('ǆ'), 'ǅ');
        assert_eq!(to_lower('İ'), 'i');
        assert!(!is_lower('ª'));
        assert!(is_punct('-') && !is_punct('$') && !is_punct('+'));
    }
}
