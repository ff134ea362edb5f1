//! YAML text to template values and back, exactly as Helm's `sigs.k8s.io/yaml` (v1.6) does it.
//!
//! Helm reads values files and `fromYaml` text with `sigs.k8s.io/yaml.Unmarshal`: go-yaml v2
//! decodes the first document into Go values (YAML 1.1 resolution), the non-string mapping
//! keys are turned into strings, `encoding/json` marshals the result and unmarshals it again.
//! So every number comes out a float64, `.inf` is an error, and a key `1.5` becomes `"1.5"`.
//! [`decode`], [`decode_map`], [`decode_array`] and [`decode_values`] reproduce that on top of
//! imgsift's bounded parser (`documents::yaml::load`). What that parser keeps of a scalar (its
//! text, whether it was plain) is resolved again here by go-yaml v2's rules; the tags that
//! change a value (`!!binary`, `!!int "1"`) are read from a second pass of the same event
//! parser, made only for texts with a `!`. Where saphyr and libyaml disagree on tabs, libyaml's
//! verdict is reproduced (see [`decode`]).
//!
//! `toYaml` is `sigs.k8s.io/yaml.Marshal`: `encoding/json` first, the JSON read back by go-yaml
//! v2, then written by go-yaml v2's emitter (libyaml's, ported to Go). [`marshal`] follows the
//! same path without producing the JSON text: values become the events the emitter would
//! receive ([`Tok`]), numbers spelled and re-resolved as the JSON text would make them, keys in
//! go-yaml's "natural" order; the emitter's scalar analysis, style choice, folding at 80
//! columns and indentation are ported from `emitterc.go`. [`marshal_pretty`] is
//! `toYamlPretty`: go-yaml v3's encoder (indent 2) on the values themselves, through the same
//! emitter with v3's differences.
//!
//! Walks over template values are iterative, so a deeply nested value cannot overflow the
//! stack; nesting beyond [`MAX_VALUE_DEPTH`] is an error. Decoding recurses over the parsed
//! document, whose nesting `documents::yaml` bounds. JSON text is the engine crate's
//! (`gotemplate::sprig::json`); the Go number spelling here is shared with `toml.rs`.

use std::collections::HashMap;
use std::fmt;
use std::rc::Rc;

use gotemplate::{List, MAX_VALUE_DEPTH, Map, Value};
use saphyr_parser::{Event, Parser};

use crate::documents::{Doc, Limits, NodeId, Value as Node, yaml as doc_yaml};

// ---------------------------------------------------------------------------------------------
// Errors

/// Why YAML text could not be decoded, worded as Helm shows it (the text `fromYaml` puts under
/// the key `Error`, and what follows `cannot load values.yaml: ` for a chart).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DecodeError(String);

impl DecodeError {
    /// The message.
    pub fn message(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for DecodeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for DecodeError {}

/// Why a value could not be written as YAML, JSON or TOML, worded as Go's encoders word it
/// (`mustToYaml` and `mustToJson` fail with it; `toYaml` and `toJson` print nothing).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EncodeError {
    message: String,
    panic: bool,
}

impl EncodeError {
    /// The message.
    pub fn message(&self) -> &str {
        &self.message
    }

    /// Whether Go's encoder panicked rather than returned the error: then even the
    /// functions that swallow errors (`toToml`) fail the template.
    pub fn is_panic(&self) -> bool {
        self.panic
    }

    pub(super) fn new(message: impl Into<String>) -> EncodeError {
        EncodeError {
            message: message.into(),
            panic: false,
        }
    }

    pub(super) fn panic(message: impl Into<String>) -> EncodeError {
        EncodeError {
            message: message.into(),
            panic: true,
        }
    }
}

impl fmt::Display for EncodeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for EncodeError {}

// ---------------------------------------------------------------------------------------------
// Go's number spelling (strconv), shared with the JSON and TOML writers

/// The shortest decimal digits of `|f|` (finite, non-zero) and the position of the decimal
/// point, as Go's shortest formatting computes them. Rust's `{:e}` gives the same shortest
/// round-trip digits.
fn shortest_digits(f: f64, bits32: bool) -> (String, i32) {
    #[allow(clippy::cast_possible_truncation)]
    let text = if bits32 {
        format!("{:e}", (f as f32).abs())
    } else {
        format!("{:e}", f.abs())
    };
    let (mantissa, exponent) = text.split_once('e').unwrap_or((text.as_str(), "0"));
    let digits: String = mantissa.chars().filter(char::is_ascii_digit).collect();
    let exp: i32 = exponent.parse().unwrap_or(0);
    (digits, exp + 1)
}

/// Go's `strconv.FormatFloat(f, fmt, -1, 64 or 32)` for `fmt` `e`, `f` or `g`.
pub(super) fn format_float(f: f64, fmt: u8, bits32: bool) -> String {
    if f.is_nan() {
        return "NaN".to_owned();
    }
    if f.is_infinite() {
        return if f > 0.0 { "+Inf" } else { "-Inf" }.to_owned();
    }
    let mut out = String::new();
    if f.is_sign_negative() {
        out.push('-');
    }
    let (digits, dp) = if f == 0.0 {
        (String::from("0"), 1)
    } else {
        shortest_digits(f, bits32)
    };
    let use_e = match fmt {
        b'e' => true,
        b'f' => false,
        // Shortest %g uses an exponent below 1e-4 and from 1e6 up (Go fixes the precision
        // the decision is made with at 6 when the digits are the shortest).
        _ => {
            let exp = if f == 0.0 { 0 } else { dp - 1 };
            !(-4..6).contains(&exp)
        }
    };
    if use_e {
        let mut chars = digits.chars();
        if let Some(first) = chars.next() {
            out.push(first);
        }
        let rest: String = chars.collect();
        if !rest.is_empty() {
            out.push('.');
            out.push_str(&rest);
        }
        let exp = if f == 0.0 { 0 } else { dp - 1 };
        out.push('e');
        out.push(if exp < 0 { '-' } else { '+' });
        let abs = exp.unsigned_abs();
        if abs < 10 {
            out.push('0');
        }
        out.push_str(&abs.to_string());
    } else if dp <= 0 {
        out.push_str("0.");
        for _ in 0..(-dp) {
            out.push('0');
        }
        out.push_str(&digits);
    } else {
        let dp = dp as usize;
        if digits.len() <= dp {
            out.push_str(&digits);
            for _ in digits.len()..dp {
                out.push('0');
            }
        } else {
            out.push_str(&digits[..dp]);
            out.push('.');
            out.push_str(&digits[dp..]);
        }
    }
    out
}

/// A finite float as Go's `encoding/json` writes it: plain digits from 1e-6 up to 1e21, an
/// exponent (`1e+21`, `1e-7`) outside.
pub(super) fn json_float(f: f64) -> String {
    let abs = f.abs();
    if abs != 0.0 && !(1e-6..1e21).contains(&abs) {
        let mut s = format_float(f, b'e', false);
        // Go trims `e-07` to `e-7` (but keeps `e+21`).
        let n = s.len();
        if n >= 4 && s.as_bytes().get(n - 4..n - 1) == Some(b"e-0".as_slice()) {
            s.remove(n - 2);
        }
        s
    } else {
        format_float(f, b'f', false)
    }
}

/// Go's `strconv.ParseUint(s, 0, 64)` on text without underscores: `0x`, `0o`, `0b` and a
/// leading `0` (octal) select the base.
fn parse_uint_base0(s: &str) -> Option<u64> {
    if s.is_empty() {
        return None;
    }
    let bytes = s.as_bytes();
    let (base, digits) = if bytes.first() == Some(&b'0') {
        let prefix = bytes.get(1).map(u8::to_ascii_lowercase);
        match prefix {
            Some(b'b') if s.len() >= 3 => (2, &s[2..]),
            Some(b'o') if s.len() >= 3 => (8, &s[2..]),
            Some(b'x') if s.len() >= 3 => (16, &s[2..]),
            _ => (8, &s[1..]),
        }
    } else {
        (10, s)
    };
    let mut n: u64 = 0;
    for c in digits.chars() {
        let d = c.to_digit(base)?;
        n = n.checked_mul(u64::from(base))?.checked_add(u64::from(d))?;
    }
    Some(n)
}

/// Go's `strconv.ParseInt(s, 0, 64)` on text without underscores.
fn parse_int_base0(s: &str) -> Option<i64> {
    let (negative, rest) = match s.as_bytes().first() {
        Some(b'+') => (false, &s[1..]),
        Some(b'-') => (true, &s[1..]),
        _ => (false, s),
    };
    let n = parse_uint_base0(rest)?;
    if negative {
        if n > 1 << 63 {
            None
        } else {
            Some(0i64.wrapping_sub_unsigned(n))
        }
    } else {
        i64::try_from(n).ok()
    }
}

/// Go's `strconv.ParseUint(s, 2, 64)`.
fn parse_binary(s: &str) -> Option<u64> {
    if s.is_empty() {
        return None;
    }
    let mut n: u64 = 0;
    for c in s.chars() {
        let d = c.to_digit(2)?;
        n = n.checked_mul(2)?.checked_add(u64::from(d))?;
    }
    Some(n)
}

fn all_digits(s: &str) -> bool {
    !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit())
}

/// An optional exponent `[eE][-+]?[0-9]+` (or nothing).
fn exponent_ok(s: &str) -> bool {
    if s.is_empty() {
        return true;
    }
    let Some(rest) = s.strip_prefix(['e', 'E']) else {
        return false;
    };
    all_digits(rest.strip_prefix(['+', '-']).unwrap_or(rest))
}

/// go-yaml v2's `yamlStyleFloat`: `^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$`.
fn yaml_style_float(s: &str) -> bool {
    let body = s.strip_prefix(['+', '-']).unwrap_or(s);
    let end = body.find(['e', 'E']).unwrap_or(body.len());
    let (mantissa, exponent) = body.split_at(end);
    let mantissa_ok = match mantissa.split_once('.') {
        None => all_digits(mantissa),
        Some(("", frac)) => all_digits(frac),
        Some((int, frac)) => all_digits(int) && frac.bytes().all(|b| b.is_ascii_digit()),
    };
    mantissa_ok && exponent_ok(exponent)
}

/// Go's `strconv.ParseFloat(s, 64)`: decimal and hexadecimal (`0x1.8p3`) forms, `inf`,
/// `infinity` and `nan` in any case, underscores between digits only after a base prefix.
/// Out of range is an error, as in Go.
pub(super) fn go_parse_float(s: &str) -> Option<f64> {
    let (neg, body) = match s.as_bytes().first() {
        Some(b'-') => (true, &s[1..]),
        Some(b'+') => (false, &s[1..]),
        _ => (false, s),
    };
    let sign = if neg { -1.0 } else { 1.0 };
    let lower = body.to_ascii_lowercase();
    match lower.as_str() {
        "inf" | "infinity" => return Some(sign * f64::INFINITY),
        "nan" => return Some(f64::NAN),
        _ => {}
    }
    if let Some(hex) = lower.strip_prefix("0x") {
        let hex = hex.replace('_', "");
        let (mantissa, exp) = hex.split_once('p')?;
        let exp: i32 = exp.parse().ok()?;
        let (int, frac) = mantissa.split_once('.').unwrap_or((mantissa, ""));
        if int.is_empty() && frac.is_empty() {
            return None;
        }
        let mut v = 0.0f64;
        for c in int.chars() {
            v = v * 16.0 + f64::from(c.to_digit(16)?);
        }
        let mut scale = 1.0 / 16.0;
        for c in frac.chars() {
            v += f64::from(c.to_digit(16)?) * scale;
            scale /= 16.0;
        }
        let v = sign * v * 2f64.powi(exp);
        return v.is_finite().then_some(v);
    }
    let end = body.find(['e', 'E']).unwrap_or(body.len());
    let (mantissa, exponent) = body.split_at(end);
    let (int, frac) = mantissa.split_once('.').unwrap_or((mantissa, ""));
    let digits_ok = |d: &str| d.bytes().all(|b| b.is_ascii_digit());
    if (int.is_empty() && frac.is_empty())
        || !digits_ok(int)
        || !digits_ok(frac)
        || !exponent_ok(exponent)
    {
        return None;
    }
    parse_float_finite(s)
}

/// Go's `strconv.ParseFloat(s, 64)` for the decimal forms YAML lets through; out of range is
/// an error, as in Go.
fn parse_float_finite(s: &str) -> Option<f64> {
    s.parse::<f64>().ok().filter(|f| f.is_finite())
}

// ---------------------------------------------------------------------------------------------
// go-yaml v2's resolution of scalars (resolve.go)

const TAG_PREFIX: &str = "tag:yaml.org,2002:";

/// What go-yaml v2 resolves a scalar to.
#[derive(Debug, Clone, PartialEq)]
enum Resolved {
    Null,
    Bool(bool),
    Int(i64),
    Uint(u64),
    Float(f64),
    /// A string: the text as written.
    Str,
    /// Looks like a timestamp: decoded as the text, but never written plain.
    Timestamp,
}

impl Resolved {
    fn tag(&self) -> &'static str {
        match self {
            Resolved::Null => "null",
            Resolved::Bool(_) => "bool",
            Resolved::Int(_) | Resolved::Uint(_) => "int",
            Resolved::Float(_) => "float",
            Resolved::Str => "str",
            Resolved::Timestamp => "timestamp",
        }
    }
}

fn resolve_map(s: &str) -> Option<Resolved> {
    Some(match s {
        "y" | "Y" | "yes" | "Yes" | "YES" | "true" | "True" | "TRUE" | "on" | "On" | "ON" => {
            Resolved::Bool(true)
        }
        "n" | "N" | "no" | "No" | "NO" | "false" | "False" | "FALSE" | "off" | "Off" | "OFF" => {
            Resolved::Bool(false)
        }
        "" | "~" | "null" | "Null" | "NULL" => Resolved::Null,
        ".nan" | ".NaN" | ".NAN" => Resolved::Float(f64::NAN),
        ".inf" | ".Inf" | ".INF" | "+.inf" | "+.Inf" | "+.INF" => Resolved::Float(f64::INFINITY),
        "-.inf" | "-.Inf" | "-.INF" => Resolved::Float(f64::NEG_INFINITY),
        // go-yaml's table also maps `<<` (to its merge tag), but `<` has no hint, so the
        // table is never consulted for it: `<<` resolves as a string, and is written plain.
        _ => return None,
    })
}

/// go-yaml v2's `resolve("", s)`, and with `tag` = `!!timestamp` semantics when `timestamps`.
/// `numbers_only` skips the timestamp rule (an explicit `!!int` or `!!float` tag).
fn resolve_plain(s: &str, timestamps: bool) -> Resolved {
    let hint = match s.as_bytes().first() {
        None => b'N',
        Some(b'+' | b'-') => b'S',
        Some(b'0'..=b'9') => b'D',
        Some(b'y' | b'Y' | b'n' | b'N' | b't' | b'T' | b'f' | b'F' | b'o' | b'O' | b'~') => b'M',
        Some(b'.') => b'.',
        Some(_) => return Resolved::Str,
    };
    if let Some(r) = resolve_map(s) {
        return r;
    }
    match hint {
        b'.' => {
            // Go's ParseFloat on the text as written: `.5`, `.5e3`.
            let rest = &s[1..];
            let end = rest.find(['e', 'E']).unwrap_or(rest.len());
            if all_digits(&rest[..end]) && exponent_ok(&rest[end..]) {
                if let Some(f) = parse_float_finite(s) {
                    return Resolved::Float(f);
                }
            }
            Resolved::Str
        }
        b'D' | b'S' => {
            if timestamps && is_timestamp(s) {
                return Resolved::Timestamp;
            }
            let plain = s.replace('_', "");
            if let Some(i) = parse_int_base0(&plain) {
                return Resolved::Int(i);
            }
            if let Some(u) = parse_uint_base0(&plain) {
                return Resolved::Uint(u);
            }
            if yaml_style_float(&plain) {
                if let Some(f) = parse_float_finite(&plain) {
                    return Resolved::Float(f);
                }
            }
            if let Some(bin) = plain.strip_prefix("0b") {
                if let Some(u) = parse_binary(bin) {
                    return i64::try_from(u).map_or(Resolved::Uint(u), Resolved::Int);
                }
            } else if let Some(bin) = plain.strip_prefix("-0b") {
                // go-yaml parses "-" + digits in base 2 as an int64.
                if let Some(u) = parse_binary(bin) {
                    if u <= 1 << 63 {
                        return Resolved::Int(0i64.wrapping_sub_unsigned(u));
                    }
                }
            }
            Resolved::Str
        }
        _ => Resolved::Str,
    }
}

/// Takes one or two ASCII digits (Go's `getnum` with `fixed` false).
fn take_num(s: &str) -> Option<(u32, &str)> {
    let b = s.as_bytes();
    let first = b.first().filter(|c| c.is_ascii_digit())?;
    match b.get(1).filter(|c| c.is_ascii_digit()) {
        Some(second) => Some((
            u32::from(first - b'0') * 10 + u32::from(second - b'0'),
            &s[2..],
        )),
        None => Some((u32::from(first - b'0'), &s[1..])),
    }
}

fn days_in(month: u32, year: u32) -> u32 {
    match month {
        2 if (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// go-yaml v2's `parseTimestamp`: `time.Parse` with `2006-1-2T15:4:5.999999999Z07:00` (or a
/// lowercase `t`), `2006-1-2 15:4:5.999999999`, `2006-1-2`.
fn is_timestamp(s: &str) -> bool {
    let b = s.as_bytes();
    if b.len() < 5 || !b[..4].iter().all(u8::is_ascii_digit) || b[4] != b'-' {
        return false;
    }
    let year: u32 = s[..4].parse().unwrap_or(0);
    let Some((month, rest)) = take_num(&s[5..]) else {
        return false;
    };
    let Some(rest) = rest.strip_prefix('-') else {
        return false;
    };
    let Some((day, rest)) = take_num(rest) else {
        return false;
    };
    if !(1..=12).contains(&month) || day < 1 || day > days_in(month, year) {
        return false;
    }
    if rest.is_empty() {
        return true;
    }
    let (zoned, rest) = match rest.as_bytes().first() {
        Some(b'T' | b't') => (true, &rest[1..]),
        Some(b' ') => (false, &rest[1..]),
        _ => return false,
    };
    let Some((hour, rest)) = take_num(rest) else {
        return false;
    };
    let Some(rest) = rest.strip_prefix(':') else {
        return false;
    };
    let Some((minute, rest)) = take_num(rest) else {
        return false;
    };
    let Some(rest) = rest.strip_prefix(':') else {
        return false;
    };
    let Some((second, mut rest)) = take_num(rest) else {
        return false;
    };
    if hour > 23 || minute > 59 || second > 59 {
        return false;
    }
    let rb = rest.as_bytes();
    if rb.len() >= 2 && matches!(rb[0], b'.' | b',') && rb[1].is_ascii_digit() {
        let n = 1 + rb[1..].iter().take_while(|c| c.is_ascii_digit()).count();
        rest = &rest[n..];
    }
    if !zoned {
        return rest.is_empty();
    }
    if rest == "Z" {
        return true;
    }
    let z = rest.as_bytes();
    z.len() == 6
        && matches!(z[0], b'+' | b'-')
        && z[1..3].iter().all(u8::is_ascii_digit)
        && z[3] == b':'
        && z[4..6].iter().all(u8::is_ascii_digit)
        && rest[1..3].parse::<u32>().is_ok_and(|h| h <= 24)
        && rest[4..6].parse::<u32>().is_ok_and(|m| m <= 60)
}

/// go-yaml v2's `isBase60Float`: `^[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+(?:\.[0-9_]*)?$`.
/// Such strings are quoted on output for YAML 1.1 parsers that read them as numbers.
fn is_base60_float(s: &str) -> bool {
    let body = s.strip_prefix(['+', '-']).unwrap_or(s);
    let b = body.as_bytes();
    if !b.first().is_some_and(u8::is_ascii_digit) || !body.contains(':') {
        return false;
    }
    let (main, frac) = match body.split_once('.') {
        Some((m, f)) => (m, Some(f)),
        None => (body, None),
    };
    if let Some(f) = frac {
        if !f.bytes().all(|c| c.is_ascii_digit() || c == b'_') {
            return false;
        }
    }
    let mut parts = main.split(':');
    let head = parts.next().unwrap_or("");
    if !head.bytes().all(|c| c.is_ascii_digit() || c == b'_') {
        return false;
    }
    let mut any = false;
    for part in parts {
        any = true;
        let p = part.as_bytes();
        let ok = match p {
            [d] => d.is_ascii_digit(),
            [a, d] => (b'0'..=b'5').contains(a) && d.is_ascii_digit(),
            _ => false,
        };
        if !ok {
            return false;
        }
    }
    any
}

// ---------------------------------------------------------------------------------------------
// Decoding: YAML text -> values, as `sigs.k8s.io/yaml.Unmarshal` into `interface{}`

const STR_TAG: &str = "tag:yaml.org,2002:str";
const BINARY_TAG: &str = "tag:yaml.org,2002:binary";
const MERGE_TAG: &str = "tag:yaml.org,2002:merge";
const TIMESTAMP_TAG: &str = "tag:yaml.org,2002:timestamp";
const FLOAT_TAG: &str = "tag:yaml.org,2002:float";

/// `!!x` for a tag of the YAML namespace, as go-yaml's messages spell tags.
fn short_tag(tag: &str) -> String {
    match tag.strip_prefix(TAG_PREFIX) {
        Some(rest) => format!("!!{rest}"),
        None => tag.to_owned(),
    }
}

/// A scalar as go-yaml v2 decodes it into `interface{}`, before the JSON round trip.
#[derive(Debug, Clone, PartialEq)]
enum Raw {
    Null,
    Bool(bool),
    Int(i64),
    Uint(u64),
    Float(f64),
    Str(String),
    /// `!!binary` data, which need not be UTF-8.
    Bytes(Vec<u8>),
}

/// Bytes as Go's `encoding/json` writes a string holding them: each byte that is not part of a
/// valid UTF-8 sequence becomes U+FFFD.
fn go_lossy(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len());
    for chunk in bytes.utf8_chunks() {
        out.push_str(chunk.valid());
        for _ in chunk.invalid() {
            out.push('\u{FFFD}');
        }
    }
    out
}

/// Go's `base64.StdEncoding.DecodeString`: padding required, line breaks ignored.
pub(crate) fn base64_decode(text: &str) -> Option<Vec<u8>> {
    gotemplate::sprig::base64_decode(text.as_bytes()).ok()
}

/// Whether libyaml's reader accepts the character (others fail with "control characters are
/// not allowed").
fn yaml_readable(c: char) -> bool {
    matches!(c as u32, 0x9 | 0xA | 0xD | 0x20..=0x7E | 0x85 | 0xA0..=0xD7FF | 0xE000..=0xFFFD)
        || (c as u32) >= 0x10000
}

/// The Go `%#v` spelling of a decoded value, for the messages that quote one.
fn go_syntax(v: &Value) -> String {
    match v {
        Value::Map(m) => {
            let inner: Vec<String> = m
                .entries()
                .iter()
                .map(|(k, v)| format!("{}:{}", gotemplate::strconv::quote(k, false), go_syntax(v)))
                .collect();
            format!("map[interface {{}}]interface {{}}{{{}}}", inner.join(", "))
        }
        Value::List(l) => {
            let inner: Vec<String> = l.iter().map(go_syntax).collect();
            format!("[]interface {{}}{{{}}}", inner.join(", "))
        }
        Value::Nil => "interface {}(nil)".to_owned(),
        other => gotemplate::fmt::sprintf("%#v", std::slice::from_ref(other))
            .unwrap_or_else(|_| "?".to_owned()),
    }
}

/// go-yaml v2's limit on alias expansion (`allowedAliasRatio`).
fn allowed_alias_ratio(decodes: u64) -> f64 {
    const LOW: u64 = 400_000;
    const HIGH: u64 = 4_000_000;
    if decodes <= LOW {
        0.99
    } else if decodes >= HIGH {
        0.10
    } else {
        0.99 - 0.89 * ((decodes - LOW) as f64 / (HIGH - LOW) as f64)
    }
}

struct Decoder<'d, 'a> {
    doc: &'d Doc<'a>,
    /// Tags of the scalars that have one, by position.
    tags: HashMap<(u64, u64), String>,
    decodes: u64,
    aliased: u64,
    alias_depth: u32,
    /// The first key `sigs.k8s.io/yaml` cannot turn into a string.
    key_error: Option<String>,
    /// The first value `encoding/json` refuses (NaN, infinities).
    json_error: Option<String>,
}

type Step<T> = Result<T, String>;

impl<'d, 'a> Decoder<'d, 'a> {
    /// One of go-yaml's `unmarshal` calls, counted as go-yaml counts them to refuse documents
    /// that are mostly alias expansion.
    fn count(&mut self) -> Step<()> {
        self.decodes += 1;
        if self.alias_depth > 0 {
            self.aliased += 1;
        }
        if self.aliased > 100
            && self.decodes > 1000
            && self.aliased as f64 / self.decodes as f64 > allowed_alias_ratio(self.decodes)
        {
            return Err("yaml: document contains excessive aliasing".to_owned());
        }
        Ok(())
    }

    fn depth_check(depth: usize) -> Step<()> {
        if depth > MAX_VALUE_DEPTH {
            return Err(format!("yaml: exceeded max depth of {MAX_VALUE_DEPTH}"));
        }
        Ok(())
    }

    /// Follows an alias (counted as go-yaml counts it) to the node it names.
    fn follow(&mut self, id: NodeId) -> Step<(NodeId, bool)> {
        let target = self.doc.resolve(id);
        if target == id {
            return Ok((id, false));
        }
        self.alias_depth += 1;
        self.count()?;
        Ok((target, true))
    }

    fn unfollow(&mut self, aliased: bool) {
        if aliased {
            self.alias_depth = self.alias_depth.saturating_sub(1);
        }
    }

    fn unmarshal(&mut self, id: NodeId, depth: usize) -> Step<Value> {
        Self::depth_check(depth)?;
        self.count()?;
        let (id, aliased) = self.follow(id)?;
        let doc = self.doc;
        let out = match doc.node(id).map(|n| &n.value) {
            Some(Node::Scalar(s)) => {
                let raw = self.scalar(id, &s.text, s.plain)?;
                self.json_value(raw)
            }
            Some(Node::Seq(items)) => {
                let mut out = Vec::with_capacity(items.len());
                for &item in items {
                    out.push(self.unmarshal(item, depth + 1)?);
                }
                Value::List(List::new(out))
            }
            Some(Node::Map(_)) => {
                let map = Map::new();
                self.mapping_into(id, &map, depth)?;
                Value::Map(map)
            }
            Some(Node::Alias(_)) | None => Value::Nil,
        };
        self.unfollow(aliased);
        Ok(out)
    }

    /// Decodes mapping `id` into `out`, in document order: a later key replaces an earlier
    /// one, and a merge (`<<`) sets its keys where it stands, over keys written before it.
    fn mapping_into(&mut self, id: NodeId, out: &Map, depth: usize) -> Step<()> {
        let doc = self.doc;
        let Some(Node::Map(entries)) = doc.node(id).map(|n| &n.value) else {
            return Ok(());
        };
        for &(k, v) in entries {
            if self.is_merge(k) {
                self.merge(v, out, depth)?;
                continue;
            }
            let key = self.key(k, depth)?;
            let value = self.unmarshal(v, depth + 1)?;
            match key {
                Ok(key) => {
                    out.insert(key, value);
                }
                Err((type_name, shown)) => {
                    if self.key_error.is_none() {
                        self.key_error = Some(format!(
                            "unsupported map key of type: {type_name}, key: {shown}, value: {}",
                            go_syntax(&value)
                        ));
                    }
                }
            }
        }
        Ok(())
    }

    fn tag_of(&self, id: NodeId) -> Option<&str> {
        if self.tags.is_empty() {
            return None;
        }
        self.tags.get(&self.doc.position(id)).map(String::as_str)
    }

    fn is_merge(&self, k: NodeId) -> bool {
        if self.doc.resolve(k) != k {
            return false;
        }
        let Some(s) = self.doc.scalar(k) else {
            return false;
        };
        if s.text != "<<" {
            return false;
        }
        match self.tag_of(k) {
            None => s.plain,
            Some(tag) => tag == "!" || tag == MERGE_TAG,
        }
    }

    /// A merge's value: a mapping, an alias to one, or a sequence of those (earlier ones win,
    /// so go-yaml applies them from the last).
    fn merge(&mut self, v: NodeId, out: &Map, depth: usize) -> Step<()> {
        const WANT_MAP: &str = "yaml: map merge requires map or sequence of maps as the value";
        let doc = self.doc;
        match doc.node(v).map(|n| &n.value) {
            Some(Node::Map(_)) => self.merge_one(v, out, depth),
            Some(Node::Seq(items)) if doc.resolve(v) == v => {
                for &item in items.iter().rev() {
                    if !doc.is_map(item) {
                        return Err(WANT_MAP.to_owned());
                    }
                    self.merge_one(item, out, depth)?;
                }
                Ok(())
            }
            _ => Err(WANT_MAP.to_owned()),
        }
    }

    fn merge_one(&mut self, id: NodeId, out: &Map, depth: usize) -> Step<()> {
        Self::depth_check(depth)?;
        self.count()?;
        let (id, aliased) = self.follow(id)?;
        self.mapping_into(id, out, depth + 1)?;
        self.unfollow(aliased);
        Ok(())
    }

    /// A mapping key, as the string `sigs.k8s.io/yaml` makes of it, or the Go type and spelling
    /// of a key it cannot convert (reported after the decoding, where it meets it).
    fn key(&mut self, k: NodeId, depth: usize) -> Step<Result<String, (&'static str, String)>> {
        self.count()?;
        let (id, aliased) = self.follow(k)?;
        let doc = self.doc;
        let raw = match doc.node(id).map(|n| &n.value) {
            Some(Node::Scalar(s)) if s.plain && s.text.is_empty() && !aliased => {
                // An empty implicit key (`: v`): go-yaml's parser wants a key there.
                let (line, _) = doc.position(id);
                return Err(if line > 1 {
                    format!("yaml: line {}: did not find expected key", line - 1)
                } else {
                    "yaml: did not find expected key".to_owned()
                });
            }
            Some(Node::Scalar(s)) => self.scalar(id, &s.text, s.plain)?,
            _ => {
                // go-yaml refuses a mapping or sequence as a key once it has decoded it.
                let value = self.unmarshal(id, depth + 1)?;
                return Err(format!("yaml: invalid map key: {}", go_syntax(&value)));
            }
        };
        self.unfollow(aliased);
        Ok(match raw {
            Raw::Str(s) => Ok(s),
            Raw::Bytes(b) => Ok(go_lossy(&b)),
            Raw::Int(i) => Ok(i.to_string()),
            Raw::Bool(b) => Ok(b.to_string()),
            // sigs.k8s.io/yaml spells float keys with float32 precision.
            Raw::Float(f) => Ok(match format_float(f, b'g', true).as_str() {
                "+Inf" => ".inf".to_owned(),
                "-Inf" => "-.inf".to_owned(),
                "NaN" => ".nan".to_owned(),
                s => s.to_owned(),
            }),
            Raw::Uint(u) => Err(("uint64", format!("{u:#x}"))),
            Raw::Null => Err(("%!s(<nil>)", "<nil>".to_owned())),
        })
    }

    /// go-yaml v2's `decoder.scalar` into `interface{}`.
    fn scalar(&mut self, id: NodeId, text: &str, plain: bool) -> Step<Raw> {
        let tag = self.tag_of(id).map(str::to_owned);
        let implicit = match tag.as_deref() {
            None => plain,
            Some(t) => t == "!",
        };
        let tag = match tag {
            None if !implicit => return Ok(Raw::Str(text.to_owned())),
            None => String::new(),
            Some(t) => t,
        };
        let resolvable = tag.is_empty()
            || tag.strip_prefix(TAG_PREFIX).is_some_and(|s| {
                matches!(s, "str" | "bool" | "int" | "float" | "null" | "timestamp")
            });
        if !resolvable {
            if tag == BINARY_TAG {
                return base64_decode(text)
                    .map(Raw::Bytes)
                    .ok_or_else(|| "yaml: !!binary value contains invalid base64 data".to_owned());
            }
            return Ok(Raw::Str(text.to_owned()));
        }
        if tag == STR_TAG {
            return Ok(Raw::Str(text.to_owned()));
        }
        let resolved = resolve_plain(text, tag.is_empty() || tag == TIMESTAMP_TAG);
        let want = tag.strip_prefix(TAG_PREFIX).unwrap_or("");
        let resolved = if tag.is_empty() || resolved.tag() == want {
            resolved
        } else if tag == FLOAT_TAG {
            match resolved {
                Resolved::Int(i) => Resolved::Float(i as f64),
                other => return Err(cannot_decode(&other, text, &tag)),
            }
        } else {
            return Err(cannot_decode(&resolved, text, &tag));
        };
        Ok(match resolved {
            Resolved::Null => Raw::Null,
            Resolved::Bool(b) => Raw::Bool(b),
            Resolved::Int(i) => Raw::Int(i),
            Resolved::Uint(u) => Raw::Uint(u),
            Resolved::Float(f) => Raw::Float(f),
            Resolved::Str | Resolved::Timestamp => Raw::Str(text.to_owned()),
        })
    }

    /// A scalar after the JSON round trip: every number a float64.
    fn json_value(&mut self, raw: Raw) -> Value {
        match raw {
            Raw::Null => Value::Nil,
            Raw::Bool(b) => Value::Bool(b),
            Raw::Int(i) => Value::Float(i as f64),
            Raw::Uint(u) => Value::Float(u as f64),
            Raw::Float(f) if f.is_finite() => Value::Float(f),
            Raw::Float(f) => {
                if self.json_error.is_none() {
                    self.json_error = Some(format!(
                        "json: unsupported value: {}",
                        format_float(f, b'g', false)
                    ));
                }
                Value::Nil
            }
            Raw::Str(s) => Value::from(s),
            Raw::Bytes(b) => Value::from(go_lossy(&b)),
        }
    }
}

fn cannot_decode(resolved: &Resolved, text: &str, tag: &str) -> String {
    format!(
        "yaml: cannot decode !!{} `{text}` as a {}",
        resolved.tag(),
        short_tag(tag)
    )
}

/// The tags written on scalars of the first document, by the position `Doc::position` gives
/// the scalar. Only texts with a `!` can have tags, so only those pay for this second pass.
fn scalar_tags(text: &str) -> HashMap<(u64, u64), String> {
    let mut tags = HashMap::new();
    if !text.contains('!') {
        return tags;
    }
    let mut parser = Parser::new_from_str(text);
    while let Some(Ok((event, span))) = parser.next_event() {
        match event {
            Event::Scalar(_, _, _, Some(tag)) => {
                let position = (span.start.line() as u64, span.start.col() as u64 + 1);
                tags.insert(position, format!("{}{}", tag.handle, tag.suffix));
            }
            Event::DocumentEnd => break,
            _ => {}
        }
    }
    tags
}

/// The first document of `text`, parsed. A syntax error after the first document does not
/// count: go-yaml stops reading there.
fn first_document(text: &str) -> Result<Option<Doc<'_>>, doc_yaml::LoadError> {
    let limits = Limits::default();
    match doc_yaml::load(text, 1, &limits) {
        Ok(docs) => Ok(docs.into_iter().next()),
        Err(err) => {
            let mut parser = Parser::new_from_str(text);
            let mut end_line = None;
            while let Some(Ok((event, span))) = parser.next_event() {
                if matches!(event, Event::DocumentEnd) {
                    end_line = Some(span.start.line());
                    break;
                }
            }
            if let Some(line) = end_line {
                let offset: usize = text
                    .split_inclusive('\n')
                    .take(line.saturating_sub(1))
                    .map(str::len)
                    .sum();
                if offset > 0 && offset < text.len() {
                    if let Ok(docs) = doc_yaml::load(&text[..offset], 1, &limits) {
                        return Ok(docs.into_iter().next());
                    }
                }
            }
            Err(err)
        }
    }
}

/// Where saphyr refuses a tab that libyaml accepts, the text with that tab made a space
/// (which reads the same): after a `:` indicator (`a:\tb`), and leading a continuation line
/// of a quoted scalar, whose leading white space is dropped anyway. `None` for other errors.
fn tab_patched(text: &str, err: &doc_yaml::LoadError) -> Option<String> {
    let info = err
        .message
        .strip_prefix("invalid YAML: ")
        .unwrap_or(&err.message);
    let line_start: usize = text
        .split_inclusive('\n')
        .take(err.line.saturating_sub(1) as usize)
        .map(str::len)
        .sum();
    let line = text.get(line_start..)?.split('\n').next()?;
    let column: usize = line
        .char_indices()
        .nth(err.column.saturating_sub(1) as usize)
        .map_or(line.len(), |(i, _)| i);
    let (from, to) = match info {
        "':' must be followed by a valid YAML whitespace" => {
            let colon = line.get(..column)?.rfind(':')?;
            (colon + 1, column)
        }
        "tab cannot be used as indentation" => {
            let blank = line.len() - line.trim_start_matches([' ', '\t']).len();
            (0, blank)
        }
        _ => return None,
    };
    let span = line.get(from..to)?;
    if !span.contains('\t') || !span.bytes().all(|b| b == b' ' || b == b'\t') {
        return None;
    }
    let mut out = String::with_capacity(text.len());
    out.push_str(&text[..line_start + from]);
    out.push_str(&" ".repeat(to - from));
    out.push_str(&text[line_start + to..]);
    Some(out)
}

/// The name of the alias written at 1-based `line` and `column` of `text` (`*name`).
fn alias_name_at(text: &str, line: u64, column: u64) -> String {
    let Some(row) = text.split('\n').nth(line.saturating_sub(1) as usize) else {
        return String::new();
    };
    let rest: String = row
        .chars()
        .skip(column.saturating_sub(1) as usize)
        .collect();
    let rest = rest.strip_prefix('*').unwrap_or(&rest);
    rest.chars()
        .take_while(|c| !c.is_whitespace() && !matches!(c, ',' | '[' | ']' | '{' | '}'))
        .collect()
}

/// The message go-yaml gives for the syntax error saphyr found.
///
/// Both parsers follow libyaml's design, so most problems have a counterpart; go-yaml prints
/// the problem without its context ("while parsing a block mapping") and names a line by
/// libyaml's marks: a scanner error's problem line counted from 1, a parser error's counted
/// from 0 (libyaml's quirk), and no line at all when that number is 0.
fn syntax_message(text: &str, err: &doc_yaml::LoadError) -> String {
    use crate::diag::Code;
    let info = err
        .message
        .strip_prefix("invalid YAML: ")
        .unwrap_or(&err.message);
    if err.code == Code::RecursiveAlias {
        let name = alias_name_at(text, err.line, err.column);
        return format!("yaml: anchor '{name}' value contains itself");
    }
    if err.code != Code::InvalidYaml {
        return format!("yaml: {info}");
    }
    // "while parsing a block mapping, did not find expected key" -> the problem only.
    let problem = match info.split_once(", ") {
        Some((context, problem)) if context.starts_with("while ") => problem,
        _ => info,
    };
    enum Class {
        Scanner,
        Parser,
    }
    let (problem, class) = match problem {
        "found unknown anchor" => {
            let name = alias_name_at(text, err.line, err.column);
            return format!("yaml: unknown anchor '{name}' referenced");
        }
        "found unexpected end of stream" => {
            // libyaml marks the end of the stream, saphyr the start of the scalar.
            let lines = text.matches('\n').count() as u64;
            return if lines == 0 {
                format!("yaml: {problem}")
            } else {
                format!("yaml: line {}: {problem}", lines + 1)
            };
        }
        "expected ',' or ']'" => ("did not find expected ',' or ']'", Class::Parser),
        // saphyr marks the scalar these start in; libyaml the tab, on the next line.
        "a block scalar content cannot start with a tab" => {
            return format!(
                "yaml: line {}: found a tab character where an indentation space is expected",
                err.line + 1
            );
        }
        "found a tab" => {
            return format!(
                "yaml: line {}: found a tab character that violates indentation",
                err.line + 1
            );
        }
        "misplaced bracket" | "invalid trailing content after double-quoted scalar" => {
            ("did not find expected key", Class::Parser)
        }
        p if p.starts_with("did not find expected") && !p.contains("alphabetic") => {
            (p, Class::Parser)
        }
        p if p.starts_with("unexpected character")
            || p.starts_with("tabs disallowed")
            || p.starts_with("tab cannot be used") =>
        {
            (
                "found character that cannot start any token",
                Class::Scanner,
            )
        }
        p => (p, Class::Scanner),
    };
    let line = match class {
        Class::Scanner => err.line,
        Class::Parser => err.line.saturating_sub(1),
    };
    if line == 0 || (matches!(class, Class::Scanner) && err.line <= 1) {
        format!("yaml: {problem}")
    } else {
        format!("yaml: line {line}: {problem}")
    }
}

/// `sigs.k8s.io/yaml.Unmarshal` of `text` into an `interface{}`: the first document, YAML 1.1
/// resolution, keys made strings, then the JSON round trip (every number a float64). An empty
/// text (or one of comments only) is nil.
///
/// Tabs are judged as libyaml judges them, not as saphyr does: a tab after `:` (`a:\tb`) or
/// starting a quoted scalar's continuation line is accepted, a line indented with a tab in
/// block context is an error. Errors carry go-yaml's messages: the problem without its
/// context and, for a syntax error, libyaml's line (counted from 0 for parser errors, from 1
/// for scanner errors, left out when that number is 0).
pub fn decode(text: &str) -> Result<Value, DecodeError> {
    decode_inner(text).map_err(|m| DecodeError(format!("error converting YAML to JSON: {m}")))
}

fn decode_inner(text: &str) -> Result<Value, String> {
    if text.chars().any(|c| !yaml_readable(c)) {
        return Err("yaml: control characters are not allowed".to_owned());
    }
    let mut patched: Option<String> = None;
    // Each round removes one tab saphyr refuses and libyaml does not; bounded all the same.
    for _ in 0..256 {
        let current = patched.as_deref().unwrap_or(text);
        let next = match first_document(current) {
            Ok(doc) => return decode_document(current, doc),
            Err(err) => {
                // Flow collections at any column need no patch: the vendored saphyr-parser
                // checks no indentation inside them, as libyaml does.
                match tab_patched(current, &err) {
                    Some(next) => next,
                    None => return Err(syntax_message(current, &err)),
                }
            }
        };
        patched = Some(next);
    }
    Err("yaml: too many tabs after indicators or flow lines to indent".to_owned())
}

/// The error libyaml gives for a tab saphyr lets through: in block context, a line whose
/// indentation reaches a tab (or a `-` followed by one) where a token may start. After a plain
/// scalar, libyaml's scalar scanner meets the tab first and words it differently. Lines inside
/// flow collections and multi-line scalars are not looked at; only the first document is.
fn libyaml_tab_error(text: &str) -> Option<String> {
    fn tab_line(line: &str) -> bool {
        let rest = line.trim_start_matches(' ');
        rest.starts_with('\t')
            || rest
                .strip_prefix('-')
                .is_some_and(|r| r.trim_start_matches(' ').starts_with('\t'))
    }
    let lines: Vec<&str> = text.split('\n').collect();
    let candidates: Vec<usize> = lines
        .iter()
        .enumerate()
        .filter(|(_, l)| tab_line(l))
        .map(|(i, _)| i + 1)
        .collect();
    if candidates.is_empty() {
        return None;
    }
    // (start line, end line, plain non-key scalar) of every node start, and flow ranges.
    let mut marks: Vec<(usize, usize, bool)> = Vec::new();
    let mut exempt: Vec<(usize, usize)> = Vec::new();
    // Open collections: (is a flow collection, start line, is a mapping, items so far).
    let mut open: Vec<(bool, usize, bool, usize)> = Vec::new();
    let mut last_line = usize::MAX;
    let mut parser = Parser::new_from_str(text);
    while let Some(Ok((event, span))) = parser.next_event() {
        let (start, end) = (span.start.line(), span.end.line());
        let is_key = matches!(open.last(), Some((_, _, true, n)) if n % 2 == 0);
        match event {
            Event::Scalar(_, style, _, _) => {
                let plain = style == saphyr_parser::ScalarStyle::Plain;
                marks.push((start, end, plain && !is_key));
                if end > start {
                    exempt.push((start, end));
                }
                if let Some(top) = open.last_mut() {
                    top.3 += 1;
                }
            }
            Event::Alias(_) => {
                marks.push((start, end, false));
                if let Some(top) = open.last_mut() {
                    top.3 += 1;
                }
            }
            Event::SequenceStart(..) | Event::MappingStart(..) => {
                // Markers count characters; the line and column find the indicator.
                let flow = lines
                    .get(start.saturating_sub(1))
                    .and_then(|l| l.chars().nth(span.start.col()))
                    .is_some_and(|c| c == '[' || c == '{');
                marks.push((start, start, false));
                open.push((flow, start, matches!(event, Event::MappingStart(..)), 0));
            }
            Event::SequenceEnd | Event::MappingEnd => {
                if let Some((flow, from, _, _)) = open.pop() {
                    if flow {
                        exempt.push((from, end));
                    }
                }
                if let Some(top) = open.last_mut() {
                    top.3 += 1;
                }
            }
            Event::DocumentEnd => {
                last_line = start;
                break;
            }
            _ => {}
        }
    }
    for line in candidates {
        if line > last_line {
            break;
        }
        if exempt.iter().any(|&(from, to)| from < line && line <= to) {
            continue;
        }
        let after_plain = marks.iter().rev().find(|m| m.0 < line).is_some_and(|m| m.2);
        return Some(if after_plain {
            format!("yaml: line {line}: found a tab character that violates indentation")
        } else if line > 1 {
            format!("yaml: line {line}: found character that cannot start any token")
        } else {
            "yaml: found character that cannot start any token".to_owned()
        });
    }
    None
}

fn decode_document(text: &str, doc: Option<Doc<'_>>) -> Result<Value, String> {
    if let Some(err) = libyaml_tab_error(text) {
        return Err(err);
    }
    let Some(doc) = doc else {
        return Ok(Value::Nil);
    };
    let Some(root) = doc.root() else {
        return Ok(Value::Nil);
    };
    let mut decoder = Decoder {
        doc: &doc,
        tags: scalar_tags(text),
        // The document node is go-yaml's first decode.
        decodes: 1,
        aliased: 0,
        alias_depth: 0,
        key_error: None,
        json_error: None,
    };
    let value = decoder.unmarshal(root, 0)?;
    if let Some(err) = decoder.key_error {
        return Err(err);
    }
    if let Some(err) = decoder.json_error {
        return Err(err);
    }
    Ok(value)
}

/// The word `encoding/json` uses for the JSON kind of a decoded value.
fn json_kind(v: &Value) -> &'static str {
    match v {
        Value::String(_) => "string",
        Value::Bool(_) => "bool",
        Value::List(_) => "array",
        Value::Map(_) => "object",
        _ => "number",
    }
}

fn type_error(v: &Value, go_type: &str) -> DecodeError {
    DecodeError(format!(
        "error unmarshaling JSON: while decoding JSON: json: cannot unmarshal {} into Go value of type {go_type}",
        json_kind(v)
    ))
}

/// `sigs.k8s.io/yaml.Unmarshal` into a `map[string]interface{}` (Helm's `fromYaml`, one
/// values document): nil gives an empty map, a root that is not a mapping is an error.
pub fn decode_map(text: &str) -> Result<Map, DecodeError> {
    match decode(text)? {
        Value::Nil => Ok(Map::new()),
        Value::Map(m) => Ok(m),
        other => Err(type_error(&other, "map[string]interface {}")),
    }
}

/// `sigs.k8s.io/yaml.Unmarshal` into a `[]interface{}` (Helm's `fromYamlArray`).
pub fn decode_array(text: &str) -> Result<List, DecodeError> {
    match decode(text)? {
        Value::Nil => Ok(List::new(Vec::new())),
        Value::List(l) => Ok(l),
        other => Err(type_error(&other, "[]interface {}")),
    }
}

/// apimachinery's `YAMLReader`: the documents of a values file. Lines end with `\n` (a `\r\n`
/// becomes `\n`, a last line without one gets one); a line starting with `---` ends a
/// non-empty document, and only spaces or a comment may follow the dashes.
fn split_values_documents(text: &str) -> Result<Vec<String>, DecodeError> {
    let mut docs = Vec::new();
    let mut buffer = String::new();
    let mut lines = text.split('\n').peekable();
    while let Some(raw) = lines.next() {
        let last = lines.peek().is_none();
        if last && raw.is_empty() {
            break;
        }
        let line = if !last {
            raw.strip_suffix('\r').unwrap_or(raw)
        } else {
            raw
        };
        if let Some(rest) = line.strip_prefix("---") {
            let trimmed = rest.trim();
            if !trimmed.is_empty() && !trimmed.starts_with('#') {
                return Err(DecodeError(format!(
                    "error reading yaml document: invalid Yaml document separator: {trimmed}"
                )));
            }
            if !buffer.is_empty() {
                docs.push(std::mem::take(&mut buffer));
                continue;
            }
        }
        buffer.push_str(line);
        buffer.push('\n');
    }
    if !buffer.is_empty() {
        docs.push(buffer);
    }
    Ok(docs)
}

/// Helm's `MergeMaps`: a new map with `b`'s keys over `a`'s, maps merged key by key.
fn merge_maps(a: &Map, b: &Map) -> Map {
    let out = a.shallow_copy();
    for (key, value) in b.entries() {
        if let (Value::Map(over), Some(Value::Map(under))) = (&value, out.get(&key)) {
            out.insert(key, Value::Map(merge_maps(&under, over)));
            continue;
        }
        out.insert(key, value);
    }
    out
}

/// Helm's `loader.LoadValues`: every document of a values file decoded as a map and merged
/// into the ones before it (Helm 4 reads them all, not only the first).
pub fn decode_values(text: &str) -> Result<Map, DecodeError> {
    let mut values = Map::new();
    for doc in split_values_documents(text)? {
        let map = decode_map(&doc)
            .map_err(|e| DecodeError(format!("cannot unmarshal yaml document: {e}")))?;
        values = merge_maps(&values, &map);
    }
    Ok(values)
}

// ---------------------------------------------------------------------------------------------
// Values as `encoding/json` sees them

/// One step of a value as Go's `encoding/json` marshals it; the JSON, YAML and TOML writers
/// all start from these.
#[derive(Debug, Clone, PartialEq)]
pub(super) enum Tok {
    Null,
    Bool(bool),
    Int(i64),
    /// Finite except in a go-yaml v3 walk.
    Float(f64),
    Str(Rc<str>),
    /// A string written plain whatever it looks like (go-yaml v3's times).
    Plain(Rc<str>),
    /// A mapping key; the value follows.
    Key(Rc<str>),
    SeqStart,
    SeqEnd,
    MapStart,
    MapEnd,
}

/// Which Go encoder a walk over a value stands for: it decides the key order and what
/// becomes of the values JSON cannot hold.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum KeyOrder {
    /// `encoding/json` as read back by go-yaml v2: keys in go-yaml's "natural" order
    /// (digit runs compared as numbers, letters after other runes).
    GoYaml,
    /// go-yaml v3 encoding the values directly: its own natural order, NaN and infinities
    /// allowed, a duration as its text, a time as its RFC 3339 text.
    GoYaml3,
}

/// go-yaml's `unicode.IsLetter`: approximated by Rust's alphabetic property, which agrees on
/// every letter charts use as keys.
fn go_is_letter(c: char) -> bool {
    c.is_alphabetic()
}

fn go_is_digit(c: char) -> bool {
    c.is_ascii_digit() || (!c.is_ascii() && c.is_numeric())
}

/// go-yaml's `keyList.Less` for two string keys. v3 differs in one rule: after equal
/// digits, a letter sorts before a non-letter.
fn goyaml_key_less(a: &str, b: &str, v3: bool) -> bool {
    let ar: Vec<char> = a.chars().collect();
    let br: Vec<char> = b.chars().collect();
    let mut i = 0;
    let mut digits = false;
    while i < ar.len() && i < br.len() {
        let (ac, bc) = (ar[i], br[i]);
        if ac == bc {
            digits = go_is_digit(ac);
            i += 1;
            continue;
        }
        let al = go_is_letter(ac);
        let bl = go_is_letter(bc);
        if al && bl {
            return ac < bc;
        }
        if al || bl {
            return if v3 && digits { al } else { bl };
        }
        let (mut an, mut bn): (i64, i64) = (0, 0);
        if ac == '0' || bc == '0' {
            let mut j = i;
            while j > 0 && go_is_digit(ar[j - 1]) {
                j -= 1;
                if ar[j] != '0' {
                    an = 1;
                    bn = 1;
                    break;
                }
            }
        }
        let mut ai = i;
        while ai < ar.len() && go_is_digit(ar[ai]) {
            an = an
                .wrapping_mul(10)
                .wrapping_add(i64::from(ar[ai] as u32) - i64::from('0' as u32));
            ai += 1;
        }
        let mut bi = i;
        while bi < br.len() && go_is_digit(br[bi]) {
            bn = bn
                .wrapping_mul(10)
                .wrapping_add(i64::from(br[bi] as u32) - i64::from('0' as u32));
            bi += 1;
        }
        if an != bn {
            return an < bn;
        }
        if ai != bi {
            return ai < bi;
        }
        return ac < bc;
    }
    ar.len() < br.len()
}

/// A stable merge sort with a `less` that need not be a total order (go-yaml's is not quite),
/// so that sorting can never panic.
pub(super) fn sort_by_less<T: Clone>(items: &mut [T], less: &dyn Fn(&T, &T) -> bool) {
    let n = items.len();
    if n < 2 {
        return;
    }
    let mut buf: Vec<T> = items.to_vec();
    let mut width = 1;
    while width < n {
        let mut start = 0;
        while start < n {
            let mid = (start + width).min(n);
            let end = (start + 2 * width).min(n);
            let (mut i, mut j, mut k) = (start, mid, start);
            while i < mid && j < end {
                if less(&items[j], &items[i]) {
                    buf[k] = items[j].clone();
                    j += 1;
                } else {
                    buf[k] = items[i].clone();
                    i += 1;
                }
                k += 1;
            }
            while i < mid {
                buf[k] = items[i].clone();
                i += 1;
                k += 1;
            }
            while j < end {
                buf[k] = items[j].clone();
                j += 1;
                k += 1;
            }
            start = end;
        }
        items.clone_from_slice(&buf);
        width *= 2;
    }
}

/// The message of a value nested too deep: Go detects the cycle that causes it in practice.
fn nesting_error(v: &Value) -> EncodeError {
    EncodeError::new(format!(
        "json: unsupported value: encountered a cycle via {}",
        v.go_type_name()
    ))
}

/// `v` as the steps `encoding/json` marshals it in: nil, bools, every Go number, strings,
/// slices and maps (keys in `order`); named types through the value they wrap (a
/// `time.Duration` is its nanoseconds), other structs by their fields. NaN, infinities and
/// functions are refused with Go's messages; nesting beyond [`MAX_VALUE_DEPTH`] too.
pub(super) fn tokens(v: &Value, order: KeyOrder) -> Result<Vec<Tok>, EncodeError> {
    enum Work {
        Val(Value, usize),
        Key(Rc<str>),
        End(Tok),
    }
    let mut out = Vec::new();
    let mut stack = vec![Work::Val(v.clone(), 0)];
    while let Some(work) = stack.pop() {
        let (value, depth) = match work {
            Work::Key(k) => {
                out.push(Tok::Key(k));
                continue;
            }
            Work::End(t) => {
                out.push(t);
                continue;
            }
            Work::Val(value, depth) => (value, depth),
        };
        if depth > MAX_VALUE_DEPTH {
            return Err(nesting_error(&value));
        }
        // A value whose shared parts expand without bound (a dict holding itself twice,
        // forty times over) would make tokens forever; a cycle is found by depth first.
        if out.len() > gotemplate::MAX_EXPANDED_VALUES {
            return Err(EncodeError::new(format!(
                "value too large: more than {} values once shared parts are counted each time",
                gotemplate::MAX_EXPANDED_VALUES
            )));
        }
        let entries = match &value {
            Value::Nil => {
                out.push(Tok::Null);
                continue;
            }
            Value::Bool(b) => {
                out.push(Tok::Bool(*b));
                continue;
            }
            Value::Int(i) | Value::Int64(i) => {
                out.push(Tok::Int(*i));
                continue;
            }
            Value::Uint8(u) => {
                out.push(Tok::Int(i64::from(*u)));
                continue;
            }
            Value::Float(f) => {
                if !f.is_finite() && order != KeyOrder::GoYaml3 {
                    return Err(EncodeError::new(format!(
                        "json: unsupported value: {}",
                        format_float(*f, b'g', false)
                    )));
                }
                out.push(Tok::Float(*f));
                continue;
            }
            Value::String(s) => {
                out.push(Tok::Str(s.clone()));
                continue;
            }
            Value::Func(f) => {
                return Err(EncodeError::new(format!(
                    "json: unsupported type: {}",
                    f.go_type_name()
                )));
            }
            Value::List(list) => {
                out.push(Tok::SeqStart);
                stack.push(Work::End(Tok::SeqEnd));
                for item in list.iter().rev() {
                    stack.push(Work::Val(item.clone(), depth + 1));
                }
                continue;
            }
            Value::Map(map) => map.entries(),
            Value::Object(o) if order == KeyOrder::GoYaml3 && o.type_name() == "time.Duration" => {
                out.push(Tok::Str(Rc::from(o.string().unwrap_or_default())));
                continue;
            }
            Value::Object(o) if order == KeyOrder::GoYaml3 && o.type_name() == "time.Time" => {
                if let Some(Value::String(s)) = o.underlying() {
                    out.push(Tok::Plain(s));
                }
                continue;
            }
            Value::Object(o) => {
                if let Some(u) = o.underlying() {
                    stack.push(Work::Val(u, depth + 1));
                    continue;
                }
                o.fields()
            }
        };
        let mut entries = entries;
        match order {
            KeyOrder::GoYaml => {
                sort_by_less(&mut entries, &|a, b| goyaml_key_less(&a.0, &b.0, false))
            }
            KeyOrder::GoYaml3 => {
                sort_by_less(&mut entries, &|a, b| goyaml_key_less(&a.0, &b.0, true))
            }
        }
        out.push(Tok::MapStart);
        stack.push(Work::End(Tok::MapEnd));
        for (k, v) in entries.into_iter().rev() {
            stack.push(Work::Val(v, depth + 1));
            stack.push(Work::Key(Rc::from(k)));
        }
    }
    Ok(out)
}

// ---------------------------------------------------------------------------------------------
// go-yaml v2's emitter (emitterc.go), for the events its encoder produces from JSON data

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Style {
    Plain,
    Single,
    Double,
    Literal,
}

#[derive(Debug, Clone, PartialEq)]
enum Ev {
    Scalar(Rc<str>, Style),
    SeqStart,
    SeqEnd,
    MapStart,
    MapEnd,
}

/// go-yaml v2's `stringv`: a literal block for text with a newline, plain when the text would
/// read back as the same string, double-quoted otherwise.
fn v2_string_style(s: &str) -> Style {
    if s.contains('\n') {
        Style::Literal
    } else if resolve_plain(s, true) == Resolved::Str && !is_base60_float(s) {
        Style::Plain
    } else {
        Style::Double
    }
}

/// A string after `encoding/json` wrote it and go-yaml v2 read it back: a raw NEL (which JSON
/// does not escape) is a line break inside a double-quoted YAML scalar, folded with the
/// spaces around it; characters libyaml's reader refuses fail the whole conversion.
fn json_yaml_string(s: &str) -> Result<Rc<str>, EncodeError> {
    if s.chars().any(|c| !yaml_readable(c) && (c as u32) >= 0x20) {
        return Err(EncodeError::new("yaml: control characters are not allowed"));
    }
    if !s.contains('\u{85}') {
        return Ok(Rc::from(s));
    }
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(at) = rest.find('\u{85}') {
        // The spaces before the first break and after each one go; one break folds to a
        // space, n breaks to n - 1 newlines.
        out.push_str(rest[..at].trim_end_matches(' '));
        let run = &rest[at..];
        let after = run.trim_start_matches([' ', '\u{85}']);
        let breaks = run[..run.len() - after.len()].matches('\u{85}').count();
        if breaks == 1 {
            out.push(' ');
        } else {
            out.push_str(&"\n".repeat(breaks - 1));
        }
        rest = after;
    }
    out.push_str(rest);
    Ok(Rc::from(out))
}

/// The events go-yaml v2's encoder emits for the data it read back from the JSON text.
fn v2_events(toks: &[Tok]) -> Result<Vec<Ev>, EncodeError> {
    let mut out = Vec::with_capacity(toks.len());
    for tok in toks {
        out.push(match tok {
            Tok::Null => Ev::Scalar(Rc::from("null"), Style::Plain),
            Tok::Bool(b) => Ev::Scalar(Rc::from(if *b { "true" } else { "false" }), Style::Plain),
            Tok::Int(i) => Ev::Scalar(Rc::from(i.to_string()), Style::Plain),
            Tok::Float(f) => {
                // The JSON spelling, resolved again by go-yaml: 1e+06 is the int 1000000,
                // 1e20 overflows int64 and uint64 and is written back as the float 1e+20.
                let text = json_float(*f);
                let spelled = match resolve_plain(&text, true) {
                    Resolved::Int(i) => i.to_string(),
                    Resolved::Uint(u) => u.to_string(),
                    Resolved::Float(x) => format_float(x, b'g', false),
                    _ => text,
                };
                Ev::Scalar(Rc::from(spelled), Style::Plain)
            }
            Tok::Str(s) | Tok::Key(s) | Tok::Plain(s) => {
                let s = json_yaml_string(s)?;
                let style = v2_string_style(&s);
                Ev::Scalar(s, style)
            }
            Tok::SeqStart => Ev::SeqStart,
            Tok::SeqEnd => Ev::SeqEnd,
            Tok::MapStart => Ev::MapStart,
            Tok::MapEnd => Ev::MapEnd,
        });
    }
    Ok(out)
}

/// What libyaml's `yaml_emitter_analyze_scalar` finds out about a scalar.
#[derive(Debug, Clone, Copy, Default)]
struct Analysis {
    multiline: bool,
    flow_plain_allowed: bool,
    block_plain_allowed: bool,
    single_quoted_allowed: bool,
    block_allowed: bool,
}

fn is_break_char(c: char) -> bool {
    matches!(c, '\r' | '\n' | '\u{85}' | '\u{2028}' | '\u{2029}')
}

fn is_blank_char(c: char) -> bool {
    matches!(c, ' ' | '\t')
}

/// libyaml's `is_printable` (the emitter's: no characters outside the BMP).
fn is_printable_char(c: char) -> bool {
    let u = c as u32;
    u == 0x0A
        || (0x20..=0x7E).contains(&u)
        || (0xA0..=0xD7FF).contains(&u)
        || ((0xE000..=0xFFFD).contains(&u) && u != 0xFEFF)
}

fn analyze_scalar(value: &str, v3: bool) -> Analysis {
    if value.is_empty() {
        return Analysis {
            multiline: false,
            flow_plain_allowed: false,
            block_plain_allowed: true,
            single_quoted_allowed: true,
            block_allowed: false,
        };
    }
    let mut block_indicators = false;
    let mut flow_indicators = false;
    let mut line_breaks = false;
    let mut special_characters = false;
    let mut leading_space = false;
    let mut leading_break = false;
    let mut trailing_space = false;
    let mut trailing_break = false;
    let mut break_space = false;
    let mut space_break = false;
    let mut tab_characters = false;
    let mut previous_space = false;
    let mut previous_break = false;

    if value.starts_with("---") || value.starts_with("...") {
        block_indicators = true;
        flow_indicators = true;
    }
    let chars: Vec<char> = value.chars().collect();
    let mut preceded_by_whitespace = true;
    for (i, &c) in chars.iter().enumerate() {
        let next = chars.get(i + 1).copied();
        let followed_by_whitespace = next.is_none_or(is_blank_char);
        let last = i + 1 == chars.len();
        if i == 0 {
            match c {
                '#' | ',' | '[' | ']' | '{' | '}' | '&' | '*' | '!' | '|' | '>' | '\'' | '"'
                | '%' | '@' | '`' => {
                    flow_indicators = true;
                    block_indicators = true;
                }
                '?' | ':' => {
                    flow_indicators = true;
                    if followed_by_whitespace {
                        block_indicators = true;
                    }
                }
                '-' if followed_by_whitespace => {
                    flow_indicators = true;
                    block_indicators = true;
                }
                _ => {}
            }
        } else {
            match c {
                ',' | '?' | '[' | ']' | '{' | '}' => flow_indicators = true,
                ':' => {
                    flow_indicators = true;
                    if followed_by_whitespace {
                        block_indicators = true;
                    }
                }
                '#' if preceded_by_whitespace => {
                    flow_indicators = true;
                    block_indicators = true;
                }
                _ => {}
            }
        }
        if v3 && c == '\t' {
            tab_characters = true;
        } else if !is_printable_char(c) {
            special_characters = true;
        }
        if c == ' ' {
            if i == 0 {
                leading_space = true;
            }
            if last {
                trailing_space = true;
            }
            if previous_break {
                break_space = true;
            }
            previous_space = true;
            previous_break = false;
        } else if is_break_char(c) {
            line_breaks = true;
            if i == 0 {
                leading_break = true;
            }
            if last {
                trailing_break = true;
            }
            if previous_space {
                space_break = true;
            }
            previous_space = false;
            previous_break = true;
        } else {
            previous_space = false;
            previous_break = false;
        }
        preceded_by_whitespace = is_blank_char(c) || is_break_char(c) || c == '\0';
    }
    let mut a = Analysis {
        multiline: line_breaks,
        flow_plain_allowed: true,
        block_plain_allowed: true,
        single_quoted_allowed: true,
        block_allowed: true,
    };
    if leading_space || leading_break || trailing_space || trailing_break {
        a.flow_plain_allowed = false;
        a.block_plain_allowed = false;
    }
    if trailing_space {
        a.block_allowed = false;
    }
    if break_space {
        a.flow_plain_allowed = false;
        a.block_plain_allowed = false;
        a.single_quoted_allowed = false;
    }
    if space_break || tab_characters || special_characters {
        a.flow_plain_allowed = false;
        a.block_plain_allowed = false;
        a.single_quoted_allowed = false;
    }
    if space_break || special_characters {
        a.block_allowed = false;
    }
    if line_breaks {
        a.flow_plain_allowed = false;
        a.block_plain_allowed = false;
    }
    if flow_indicators {
        a.flow_plain_allowed = false;
    }
    if block_indicators {
        a.block_plain_allowed = false;
    }
    a
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum St {
    DocContent,
    DocEnd,
    FlowSeqFirst,
    FlowMapFirst,
    BlockSeqFirst,
    BlockSeqItem,
    BlockMapFirstKey,
    BlockMapKey,
    BlockMapSimpleValue,
    BlockMapValue,
}

/// What differs between the emitters of go-yaml v2 (`toYaml`) and v3 (`toYamlPretty`):
/// v3 indents a sequence under a mapping key (`key:\n  - a`), aligns indentation to the
/// indent step (items of a sequence to their `- `), never folds long lines, lets tabs into
/// literal blocks, and keeps `indention` as it was when an indent needs no line break.
#[derive(Debug, Clone, Copy)]
struct Flavor {
    v3: bool,
}

struct Emitter<'e> {
    events: &'e [Ev],
    flavor: Flavor,
    out: String,
    state: St,
    states: Vec<St>,
    indent: i64,
    indents: Vec<i64>,
    flow_level: i64,
    column: i64,
    whitespace: bool,
    indention: bool,
    simple_key_context: bool,
    mapping_context: bool,
    analysis: Analysis,
    best_indent: i64,
    best_width: i64,
}

impl<'e> Emitter<'e> {
    fn new(events: &'e [Ev], flavor: Flavor) -> Emitter<'e> {
        Emitter {
            events,
            flavor,
            out: String::new(),
            state: St::DocContent,
            states: Vec::new(),
            indent: -1,
            indents: Vec::new(),
            flow_level: 0,
            column: 0,
            whitespace: true,
            indention: true,
            simple_key_context: false,
            mapping_context: false,
            analysis: Analysis::default(),
            best_indent: 2,
            best_width: if flavor.v3 { i64::MAX } else { 80 },
        }
    }

    fn run(mut self) -> Result<String, EncodeError> {
        for i in 0..self.events.len() {
            if let Some(Ev::Scalar(value, _)) = self.events.get(i) {
                self.analysis = analyze_scalar(value, self.flavor.v3);
            }
            self.dispatch(i)?;
        }
        if self.state != St::DocEnd {
            return Err(EncodeError::new("expected DOCUMENT-END"));
        }
        self.write_indent();
        Ok(self.out)
    }

    fn event(&self, i: usize) -> Option<&'e Ev> {
        self.events.get(i)
    }

    fn pop_state(&mut self) {
        self.state = self.states.pop().unwrap_or(St::DocEnd);
    }

    fn pop_indent(&mut self) {
        self.indent = self.indents.pop().unwrap_or(-1);
    }

    fn increase_indent(&mut self, flow: bool, indentless: bool) {
        self.indents.push(self.indent);
        if self.indent < 0 {
            self.indent = if flow { self.best_indent } else { 0 };
        } else if !indentless {
            if !self.flavor.v3 {
                self.indent += self.best_indent;
            } else if self.states.last() == Some(&St::BlockSeqItem) {
                // Inside a sequence item, the first indent only skips the `- `.
                self.indent += 2;
            } else {
                self.indent =
                    self.best_indent * ((self.indent + self.best_indent) / self.best_indent);
            }
        }
    }

    fn put(&mut self, c: char) {
        self.out.push(c);
        self.column += 1;
    }

    fn put_break(&mut self) {
        self.out.push('\n');
        self.column = 0;
        // v3 sets this here; v2 sets it after every line break it writes, to the same effect.
        self.indention = true;
    }

    fn write_break(&mut self, c: char) {
        if c == '\n' {
            self.put_break();
        } else {
            self.out.push(c);
            self.column = 0;
            self.indention = true;
        }
    }

    fn write_indent(&mut self) {
        let indent = self.indent.max(0);
        if !self.indention || self.column > indent || (self.column == indent && !self.whitespace) {
            self.put_break();
        }
        while self.column < indent {
            self.put(' ');
        }
        self.whitespace = true;
        if !self.flavor.v3 {
            self.indention = true;
        }
    }

    fn write_indicator(&mut self, indicator: &str, need_ws: bool, is_ws: bool, is_indention: bool) {
        if need_ws && !self.whitespace {
            self.put(' ');
        }
        for c in indicator.chars() {
            self.put(c);
        }
        self.whitespace = is_ws;
        self.indention = self.indention && is_indention;
    }

    fn dispatch(&mut self, i: usize) -> Result<(), EncodeError> {
        let ev = self.event(i);
        match self.state {
            St::DocContent => {
                self.states.push(St::DocEnd);
                self.emit_node(i, false, false)
            }
            St::DocEnd => Err(EncodeError::new("expected nothing after the document")),
            St::FlowSeqFirst | St::FlowMapFirst => {
                let (open, close, end) = if self.state == St::FlowSeqFirst {
                    ("[", "]", Ev::SeqEnd)
                } else {
                    ("{", "}", Ev::MapEnd)
                };
                self.write_indicator(open, true, true, false);
                self.increase_indent(true, false);
                if ev != Some(&end) {
                    // go-yaml writes only empty collections in flow style.
                    return Err(EncodeError::new("unexpected event in a flow collection"));
                }
                self.pop_indent();
                self.write_indicator(close, false, false, false);
                self.pop_state();
                Ok(())
            }
            St::BlockSeqFirst | St::BlockSeqItem => {
                if self.state == St::BlockSeqFirst {
                    let indentless = self.mapping_context && !self.indention && !self.flavor.v3;
                    self.increase_indent(false, indentless);
                }
                if ev == Some(&Ev::SeqEnd) {
                    self.pop_indent();
                    self.pop_state();
                    return Ok(());
                }
                self.write_indent();
                self.write_indicator("-", true, false, true);
                self.states.push(St::BlockSeqItem);
                self.emit_node(i, false, false)
            }
            St::BlockMapFirstKey | St::BlockMapKey => {
                if self.state == St::BlockMapFirstKey {
                    self.increase_indent(false, false);
                }
                if ev == Some(&Ev::MapEnd) {
                    self.pop_indent();
                    self.pop_state();
                    return Ok(());
                }
                self.write_indent();
                if self.check_simple_key(i) {
                    self.states.push(St::BlockMapSimpleValue);
                    self.emit_node(i, true, true)
                } else {
                    self.write_indicator("?", true, false, true);
                    self.states.push(St::BlockMapValue);
                    self.emit_node(i, true, false)
                }
            }
            St::BlockMapSimpleValue | St::BlockMapValue => {
                if self.state == St::BlockMapSimpleValue {
                    self.write_indicator(":", false, false, false);
                } else {
                    self.write_indent();
                    self.write_indicator(":", true, false, true);
                }
                self.states.push(St::BlockMapKey);
                self.emit_node(i, true, false)
            }
        }
    }

    fn check_empty(&self, i: usize, end: &Ev) -> bool {
        self.event(i + 1) == Some(end)
    }

    fn check_simple_key(&self, i: usize) -> bool {
        match self.event(i) {
            Some(Ev::Scalar(value, _)) => !self.analysis.multiline && value.len() <= 128,
            Some(Ev::SeqStart) => self.check_empty(i, &Ev::SeqEnd),
            Some(Ev::MapStart) => self.check_empty(i, &Ev::MapEnd),
            _ => false,
        }
    }

    fn emit_node(&mut self, i: usize, mapping: bool, simple_key: bool) -> Result<(), EncodeError> {
        self.mapping_context = mapping;
        self.simple_key_context = simple_key;
        match self.event(i) {
            Some(Ev::Scalar(value, style)) => {
                let style = self.select_style(value, *style);
                self.increase_indent(true, false);
                match style {
                    Style::Plain => self.write_plain(value, !simple_key),
                    Style::Single => self.write_single(value, !simple_key),
                    Style::Double => self.write_double(value, !simple_key),
                    Style::Literal => self.write_literal(value),
                }
                self.pop_indent();
                self.pop_state();
                Ok(())
            }
            Some(Ev::SeqStart) => {
                self.state = if self.flow_level > 0 || self.check_empty(i, &Ev::SeqEnd) {
                    St::FlowSeqFirst
                } else {
                    St::BlockSeqFirst
                };
                Ok(())
            }
            Some(Ev::MapStart) => {
                self.state = if self.flow_level > 0 || self.check_empty(i, &Ev::MapEnd) {
                    St::FlowMapFirst
                } else {
                    St::BlockMapFirstKey
                };
                Ok(())
            }
            _ => Err(EncodeError::new(
                "expected SCALAR, SEQUENCE-START, MAPPING-START, or ALIAS",
            )),
        }
    }

    fn select_style(&self, value: &str, requested: Style) -> Style {
        let a = self.analysis;
        let mut style = requested;
        if self.simple_key_context && a.multiline {
            style = Style::Double;
        }
        if style == Style::Plain {
            if (self.flow_level > 0 && !a.flow_plain_allowed)
                || (self.flow_level == 0 && !a.block_plain_allowed)
            {
                style = Style::Single;
            }
            if value.is_empty() && (self.flow_level > 0 || self.simple_key_context) {
                style = Style::Single;
            }
        }
        if style == Style::Single && !a.single_quoted_allowed {
            style = Style::Double;
        }
        if style == Style::Literal
            && (!a.block_allowed || self.flow_level > 0 || self.simple_key_context)
        {
            style = Style::Double;
        }
        style
    }

    fn write_plain(&mut self, value: &str, allow_breaks: bool) {
        if !(self.whitespace || self.flavor.v3 && value.is_empty()) {
            self.put(' ');
        }
        let chars: Vec<char> = value.chars().collect();
        let mut spaces = false;
        let mut breaks = false;
        for (i, &c) in chars.iter().enumerate() {
            if c == ' ' {
                let next_space = chars.get(i + 1) == Some(&' ');
                if allow_breaks && !spaces && self.column > self.best_width && !next_space {
                    self.write_indent();
                } else {
                    self.put(c);
                }
                spaces = true;
            } else if is_break_char(c) {
                if !breaks && c == '\n' {
                    self.put_break();
                }
                self.write_break(c);
                self.indention = true;
                breaks = true;
            } else {
                if breaks {
                    self.write_indent();
                }
                self.put(c);
                self.indention = false;
                spaces = false;
                breaks = false;
            }
        }
        if !(self.flavor.v3 && value.is_empty()) {
            self.whitespace = false;
        }
        self.indention = false;
    }

    fn write_single(&mut self, value: &str, allow_breaks: bool) {
        self.write_indicator("'", true, false, false);
        let chars: Vec<char> = value.chars().collect();
        let mut spaces = false;
        let mut breaks = false;
        for (i, &c) in chars.iter().enumerate() {
            if c == ' ' {
                let next_space = chars.get(i + 1) == Some(&' ');
                if allow_breaks
                    && !spaces
                    && self.column > self.best_width
                    && i > 0
                    && i + 1 < chars.len()
                    && !next_space
                {
                    self.write_indent();
                } else {
                    self.put(c);
                }
                spaces = true;
            } else if is_break_char(c) {
                if !breaks && c == '\n' {
                    self.put_break();
                }
                self.write_break(c);
                self.indention = true;
                breaks = true;
            } else {
                if breaks {
                    self.write_indent();
                }
                if c == '\'' {
                    self.put('\'');
                }
                self.put(c);
                self.indention = false;
                spaces = false;
                breaks = false;
            }
        }
        self.write_indicator("'", false, false, false);
        self.whitespace = false;
        self.indention = false;
    }

    fn write_double(&mut self, value: &str, allow_breaks: bool) {
        const HEX: &[u8; 16] = b"0123456789ABCDEF";
        self.write_indicator("\"", true, false, false);
        // libyaml tests for a byte order mark at the start of the value for every character.
        let bom = value.starts_with('\u{FEFF}');
        let chars: Vec<char> = value.chars().collect();
        let mut spaces = false;
        for (i, &c) in chars.iter().enumerate() {
            if !is_printable_char(c) || bom || is_break_char(c) || c == '"' || c == '\\' {
                self.put('\\');
                let short = match c {
                    '\0' => Some('0'),
                    '\u{7}' => Some('a'),
                    '\u{8}' => Some('b'),
                    '\t' => Some('t'),
                    '\n' => Some('n'),
                    '\u{b}' => Some('v'),
                    '\u{c}' => Some('f'),
                    '\r' => Some('r'),
                    '\u{1b}' => Some('e'),
                    '"' => Some('"'),
                    '\\' => Some('\\'),
                    '\u{85}' => Some('N'),
                    '\u{a0}' => Some('_'),
                    '\u{2028}' => Some('L'),
                    '\u{2029}' => Some('P'),
                    _ => None,
                };
                if let Some(s) = short {
                    self.put(s);
                } else {
                    let v = c as u32;
                    let (letter, width) = if v <= 0xFF {
                        ('x', 2)
                    } else if v <= 0xFFFF {
                        ('u', 4)
                    } else {
                        ('U', 8)
                    };
                    self.put(letter);
                    for k in (0..width).rev() {
                        self.put(char::from(HEX[((v >> (4 * k)) & 0xF) as usize]));
                    }
                }
                spaces = false;
            } else if c == ' ' {
                if allow_breaks
                    && !spaces
                    && self.column > self.best_width
                    && i > 0
                    && i + 1 < chars.len()
                {
                    self.write_indent();
                    if chars.get(i + 1) == Some(&' ') {
                        self.put('\\');
                    }
                } else {
                    self.put(c);
                }
                spaces = true;
            } else {
                self.put(c);
                spaces = false;
            }
        }
        self.write_indicator("\"", false, false, false);
        self.whitespace = false;
        self.indention = false;
    }

    fn write_literal(&mut self, value: &str) {
        self.write_indicator("|", true, false, false);
        let chars: Vec<char> = value.chars().collect();
        if chars.first().is_some_and(|&c| c == ' ' || is_break_char(c)) {
            let hint = char::from(b'0' + self.best_indent as u8);
            self.write_indicator(&hint.to_string(), false, false, false);
        }
        let chomp = match chars.as_slice() {
            [] => Some('-'),
            [.., last] if !is_break_char(*last) => Some('-'),
            [_] => Some('+'),
            [.., before, _] if is_break_char(*before) => Some('+'),
            _ => None,
        };
        if let Some(ch) = chomp {
            self.write_indicator(&ch.to_string(), false, false, false);
        }
        self.put_break();
        self.indention = true;
        self.whitespace = true;
        let mut breaks = true;
        for &c in &chars {
            if is_break_char(c) {
                self.write_break(c);
                self.indention = true;
                breaks = true;
            } else {
                if breaks {
                    self.write_indent();
                }
                self.put(c);
                self.indention = false;
                breaks = false;
            }
        }
    }
}

const V2: Flavor = Flavor { v3: false };
const V3: Flavor = Flavor { v3: true };

/// `sigs.k8s.io/yaml.Marshal`: the whole text, with its final newline.
pub fn marshal(value: &Value) -> Result<String, EncodeError> {
    let toks = tokens(value, KeyOrder::GoYaml)
        .map_err(|e| EncodeError::new(format!("error marshaling into JSON: {e}")))?;
    let events = v2_events(&toks)?;
    Emitter::new(&events, V2).run()
}

/// Helm's `toYaml`: [`marshal`] without the final newline, and empty on an error.
pub fn to_yaml(value: &Value) -> String {
    match marshal(value) {
        Ok(text) => text.strip_suffix('\n').map(str::to_owned).unwrap_or(text),
        Err(_) => String::new(),
    }
}

/// The events go-yaml v3's encoder emits for values it encodes directly (no JSON step):
/// floats in Go's shortest `%g` (`1e+06`), NaN and infinities as `.nan` and `.inf`.
fn v3_events(toks: &[Tok]) -> Vec<Ev> {
    toks.iter()
        .map(|tok| match tok {
            Tok::Null => Ev::Scalar(Rc::from("null"), Style::Plain),
            Tok::Bool(b) => Ev::Scalar(Rc::from(if *b { "true" } else { "false" }), Style::Plain),
            Tok::Int(i) => Ev::Scalar(Rc::from(i.to_string()), Style::Plain),
            Tok::Float(f) => {
                let s = match format_float(*f, b'g', false).as_str() {
                    "+Inf" => ".inf".to_owned(),
                    "-Inf" => "-.inf".to_owned(),
                    "NaN" => ".nan".to_owned(),
                    s => s.to_owned(),
                };
                Ev::Scalar(Rc::from(s), Style::Plain)
            }
            // v3 quotes the strings v2 quotes: its YAML 1.2 resolver misses `yes` and `on`,
            // and it adds them back as "old booleans".
            Tok::Str(s) | Tok::Key(s) => Ev::Scalar(s.clone(), v2_string_style(s)),
            Tok::Plain(s) => Ev::Scalar(s.clone(), Style::Plain),
            Tok::SeqStart => Ev::SeqStart,
            Tok::SeqEnd => Ev::SeqEnd,
            Tok::MapStart => Ev::MapStart,
            Tok::MapEnd => Ev::MapEnd,
        })
        .collect()
}

/// Helm's `toYamlPretty` encoder: go-yaml v3's `Encoder` with `SetIndent(2)`, the whole
/// text with its final newline.
pub fn marshal_pretty(value: &Value) -> Result<String, EncodeError> {
    let toks = tokens(value, KeyOrder::GoYaml3)?;
    let events = v3_events(&toks);
    Emitter::new(&events, V3).run()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn json(v: &Value) -> String {
        match gotemplate::sprig::json::marshal(v) {
            Ok(s) => s,
            Err(e) => panic!("{e}"),
        }
    }

    /// `fromYaml` of `text`, as JSON.
    fn read(text: &str) -> String {
        match decode(text) {
            Ok(v) => json(&v),
            Err(e) => format!("error: {e}"),
        }
    }

    fn err(text: &str) -> String {
        match decode(text) {
            Ok(v) => panic!("{text:?} decoded to {}", json(&v)),
            Err(e) => e.message().to_owned(),
        }
    }

    fn yaml_of(text: &str) -> String {
        match decode(text) {
            Ok(v) => to_yaml(&v),
            Err(e) => panic!("{e}"),
        }
    }

    fn pretty_of(text: &str) -> String {
        match decode(text).map(|v| marshal_pretty(&v)) {
            Ok(Ok(s)) => s,
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn go_float_formatting() {
        let cases = [
            (1e6, b'g', "1e+06"),
            (123456.0, b'g', "123456"),
            (1234567.0, b'g', "1.234567e+06"),
            (0.0001, b'g', "0.0001"),
            (0.00001, b'g', "1e-05"),
            (-0.0, b'g', "-0"),
            (1.5, b'e', "1.5e+00"),
            (1e21, b'f', "1000000000000000000000"),
        ];
        for (f, fmt, want) in cases {
            assert_eq!(format_float(f, fmt, false), want, "{f} {}", fmt as char);
        }
        assert_eq!(format_float(1.234_567_891_23, b'g', true), "1.2345679");
        assert_eq!(json_float(1e21), "1e+21");
        assert_eq!(json_float(1e-7), "1e-7");
        assert_eq!(json_float(1e20), "100000000000000000000");
        assert_eq!(json_float(0.000001), "0.000001");
    }

    #[test]
    fn yaml_1_1_resolution() {
        use Resolved::*;
        let cases: &[(&str, Resolved)] = &[
            ("y", Bool(true)),
            ("NO", Bool(false)),
            ("On", Bool(true)),
            ("oN", Str),
            ("~", Null),
            ("", Null),
            ("0x1F", Int(31)),
            ("010", Int(8)),
            ("0o17", Int(15)),
            ("08", Float(8.0)),
            ("0b101", Int(5)),
            ("-0b101", Int(-5)),
            ("1_000", Int(1000)),
            ("_1", Str),
            ("1e3", Float(1000.0)),
            (".5", Float(0.5)),
            ("1.", Float(1.0)),
            ("+.inf", Float(f64::INFINITY)),
            ("1e400", Str),
            ("18446744073709551615", Uint(u64::MAX)),
            ("2001-12-14", Timestamp),
            ("2001-02-30", Str),
            ("2001-12-14t21:59:43.10-05:00", Timestamp),
            ("<<", Str),
            ("1.2.3", Str),
        ];
        for (text, want) in cases {
            let got = resolve_plain(text, true);
            let same = match (&got, want) {
                (Float(a), Float(b)) => a == b,
                _ => &got == want,
            };
            assert!(same, "{text:?}: {got:?}, want {want:?}");
        }
        assert!(is_base60_float("190:20:30.15"));
        assert!(!is_base60_float("12:60"));
    }

    #[test]
    fn every_number_is_a_float64() {
        assert_eq!(
            read("a: 1\nb: 0x10\nc: 010\nd: 1e3\ne: 9007199254740993"),
            r#"{"a":1,"b":16,"c":8,"d":1000,"e":9007199254740992}"#
        );
        assert!(
            matches!(decode("a: 1"), Ok(Value::Map(m)) if matches!(m.get("a"), Some(Value::Float(_))))
        );
    }

    #[test]
    fn timestamps_stay_text() {
        assert_eq!(
            read("a: 2001-12-14\nb: 2001-12-14 21:59:43.10"),
            r#"{"a":"2001-12-14","b":"2001-12-14 21:59:43.10"}"#
        );
    }

    #[test]
    fn keys_become_strings() {
        assert_eq!(
            read("true: a\n1: b\n1.5: c\nyes: d\n0x10: e\n3.14159265358979: f\n1e7: g"),
            r#"{"1":"b","1.5":"c","16":"e","1e+07":"g","3.1415927":"f","true":"d"}"#
        );
        assert!(err("~: a").starts_with(
            "error converting YAML to JSON: unsupported map key of type: %!s(<nil>), key: <nil>, value: \"a\""
        ));
        assert!(
            err("18446744073709551615: a").contains("key of type: uint64, key: 0xffffffffffffffff")
        );
        assert!(err("[1, 2]: a").ends_with("yaml: invalid map key: []interface {}{1, 2}"));
    }

    #[test]
    fn merge_keys_apply_where_they_stand() {
        // A key written before the merge is overwritten by it; one written after wins.
        assert_eq!(
            read("b: &b {x: 1, z: 2}\nc:\n  z: 3\n  <<: *b\n"),
            r#"{"b":{"x":1,"z":2},"c":{"x":1,"z":2}}"#
        );
        assert_eq!(
            read("b: &b {x: 1, z: 2}\nc:\n  <<: *b\n  z: 3\n"),
            r#"{"b":{"x":1,"z":2},"c":{"x":1,"z":3}}"#
        );
        // In a list of merges, the earlier ones win.
        assert_eq!(
            read("a: &a {x: 1}\nb: &b {x: 2}\nc: {<<: [*a, *b]}"),
            r#"{"a":{"x":1},"b":{"x":2},"c":{"x":1}}"#
        );
        assert!(
            err("c:\n  <<: 1").ends_with("map merge requires map or sequence of maps as the value")
        );
        // A quoted << is a plain key.
        assert_eq!(
            read("c: {'<<': {x: 1}}"),
            r#"{"c":{"\u003c\u003c":{"x":1}}}"#
        );
    }

    #[test]
    fn later_duplicates_win() {
        assert_eq!(read("a: 1\na: 2"), r#"{"a":2}"#);
    }

    #[test]
    fn tags_change_values() {
        assert_eq!(
            read("a: !!str 1\nb: !!int \"12\"\nc: !!binary aGVsbG8=\nd: !foo 12\ne: !!float 1"),
            r#"{"a":"1","b":12,"c":"hello","d":"12","e":1}"#
        );
        assert_eq!(read("a: !!binary /w=="), "{\"a\":\"\u{FFFD}\"}");
        assert!(err("a: !!int 1.5").ends_with("yaml: cannot decode !!float `1.5` as a !!int"));
        assert!(err("a: !!binary '###'").ends_with("!!binary value contains invalid base64 data"));
    }

    #[test]
    fn only_the_first_document_counts() {
        assert_eq!(read("a: 1\n---\nb: 2"), r#"{"a":1}"#);
        assert_eq!(read("a: 1\n---\n["), r#"{"a":1}"#);
        assert_eq!(read(""), "null");
        assert_eq!(read("# comment"), "null");
    }

    #[test]
    fn syntax_errors_are_worded_as_go_yaml() {
        // A scanner error on the first line names no line; on the second, its number.
        assert_eq!(
            err("a: b: c"),
            "error converting YAML to JSON: yaml: mapping values are not allowed in this context"
        );
        assert_eq!(
            err("x: 1\na: b: c"),
            "error converting YAML to JSON: yaml: line 2: mapping values are not allowed in this context"
        );
        // A parser error's line counts from 0 (libyaml's quirk).
        assert_eq!(
            err("a:\n  - b\n c: 1\n"),
            "error converting YAML to JSON: yaml: line 2: did not find expected key"
        );
        assert_eq!(
            err("a: 'x\n"),
            "error converting YAML to JSON: yaml: line 2: found unexpected end of stream"
        );
        assert_eq!(
            err("a: *nope"),
            "error converting YAML to JSON: yaml: unknown anchor 'nope' referenced"
        );
        assert_eq!(
            err("a: &a [*a]"),
            "error converting YAML to JSON: yaml: anchor 'a' value contains itself"
        );
        assert_eq!(
            err(": v"),
            "error converting YAML to JSON: yaml: did not find expected key"
        );
        assert_eq!(
            err("a: \u{7f}"),
            "error converting YAML to JSON: yaml: control characters are not allowed"
        );
        assert_eq!(
            err("a: .inf"),
            "error converting YAML to JSON: json: unsupported value: +Inf"
        );
    }

    #[test]
    fn tabs_as_libyaml_reads_them() {
        assert_eq!(read("a:\tb"), r#"{"a":"b"}"#);
        assert_eq!(read("a: \"x\n\ty\""), r#"{"a":"x y"}"#);
        assert_eq!(
            err("\ta: 1"),
            "error converting YAML to JSON: yaml: found character that cannot start any token"
        );
        assert_eq!(
            err("a: 1\n\t# c\n"),
            "error converting YAML to JSON: yaml: line 2: found a tab character that violates indentation"
        );
        assert_eq!(
            read("a: [1,\t2]\nb: |\n  x\n  \ty\n"),
            r#"{"a":[1,2],"b":"x\n\ty\n"}"#
        );
    }

    #[test]
    fn excessive_aliasing_is_refused_as_go_yaml_does() {
        let mut text = String::from("a: &a [x, x, x, x, x, x, x, x, x, x]\n");
        for (prev, name) in [("a", "b"), ("b", "c"), ("c", "d"), ("d", "e")] {
            text.push_str(&format!(
                "{name}: &{name} [{}]\n",
                vec![format!("*{prev}"); 10].join(", ")
            ));
        }
        assert!(err(&text).ends_with("yaml: document contains excessive aliasing"));
    }

    #[test]
    fn roots_and_targets() {
        assert!(matches!(decode_map(""), Ok(m) if m.is_empty()));
        let e = match decode_map("- a") {
            Err(e) => e.message().to_owned(),
            Ok(_) => String::new(),
        };
        assert_eq!(
            e,
            "error unmarshaling JSON: while decoding JSON: json: cannot unmarshal array into Go value of type map[string]interface {}"
        );
        assert!(matches!(decode_array("- a"), Ok(l) if l.len() == 1));
        assert!(
            matches!(decode_array("a: 1"), Err(e) if e.message().ends_with("cannot unmarshal object into Go value of type []interface {}"))
        );
    }

    #[test]
    fn values_files_merge_every_document() {
        let m = match decode_values("a: {x: 1, w: [1]}\r\n---\r\na: {w: [2]}\nb: 2\n") {
            Ok(m) => m,
            Err(e) => panic!("{e}"),
        };
        assert_eq!(json(&Value::Map(m)), r#"{"a":{"w":[2],"x":1},"b":2}"#);
        // `y` is a boolean, also as a key.
        assert_eq!(read("y: 1"), r#"{"true":1}"#);
        assert!(
            matches!(decode_values("a: 1\n---x\n"), Err(e) if e.message() == "error reading yaml document: invalid Yaml document separator: x")
        );
        assert!(
            matches!(decode_values("a: 1\n---\n- x\n"), Err(e) if e.message().starts_with("cannot unmarshal yaml document: error unmarshaling JSON"))
        );
        assert!(matches!(decode_values("--- # c\n---\n"), Ok(m) if m.is_empty()));
    }

    #[test]
    fn strings_are_quoted_as_go_yaml_v2_quotes_them() {
        let cases = [
            ("yes", "\"yes\""),
            ("n", "\"n\""),
            ("1.10", "\"1.10\""),
            ("null", "\"null\""),
            ("", "\"\""),
            ("2001-12-14", "\"2001-12-14\""),
            ("12:30", "\"12:30\""),
            ("<<", "<<"),
            ("a: b", "'a: b'"),
            ("*a", "'*a'"),
            ("- a", "'- a'"),
            ("-a", "-a"),
            (" a", "' a'"),
            ("it's", "it's"),
            ("'q", "'''q'"),
            ("tab\tx", "\"tab\\tx\""),
            ("😀", "\"\\U0001F600\""),
            ("\u{feff}ab", "\"\\uFEFF\\x61\\x62\""),
            ("é", "é"),
        ];
        for (s, want) in cases {
            assert_eq!(to_yaml(&Value::from(s)), want, "{s:?}");
        }
        assert_eq!(
            to_yaml(&Value::from("\u{7f}")),
            "",
            "libyaml refuses DEL: toYaml prints nothing"
        );
        assert_eq!(
            to_yaml(&Value::from("a \u{85} b")),
            "a b",
            "a raw NEL folds in the JSON round trip"
        );
    }

    #[test]
    fn multi_line_strings_are_literal_blocks_when_they_can_be() {
        let cases = [
            ("a\nb", "|-\n  a\n  b"),
            ("a\nb\n", "|\n  a\n  b"),
            ("a\nb\n\n", "|+\n  a\n  b\n"),
            (" a\nb", "|2-\n   a\n  b"),
            ("a \nb", "\"a \\nb\""),
            ("a\tb\nc", "\"a\\tb\\nc\""),
            ("x\n\ny", "|-\n  x\n\n  y"),
        ];
        for (s, want) in cases {
            assert_eq!(to_yaml(&Value::from(s)), want, "{s:?}");
        }
        assert_eq!(yaml_of("k: \"a\\nb\""), "k: |-\n  a\n  b");
    }

    #[test]
    fn layout_follows_go_yaml_v2() {
        assert_eq!(
            yaml_of("b: [1, {c: []}]\na: {}\nd: [[x]]"),
            "a: {}\nb:\n- 1\n- c: []\nd:\n- - x"
        );
        assert_eq!(
            yaml_of("v: [1e6, 1e20, -0.0, 1.5, 0.00001]"),
            "v:\n- 1000000\n- 1e+20\n- 0\n- 1.5\n- 1e-05"
        );
        assert_eq!(to_yaml(&Value::Nil), "null");
        // go-yaml's key order: numbers inside keys compare as numbers, letters after others.
        assert_eq!(
            yaml_of("a10: 1\na2: 2\nB: 3\n_: 4"),
            "_: 4\nB: 3\na2: 2\na10: 1"
        );
        let long = "k".repeat(129);
        assert_eq!(
            to_yaml(&Value::Map(Map::from_entries([(long.clone(), Value::Nil)]))),
            format!("? {long}\n: null")
        );
    }

    #[test]
    fn long_lines_fold_at_80_columns() {
        let words = "word ".repeat(20);
        let text = to_yaml(&Value::Map(Map::from_entries([(
            "k",
            Value::from(words.trim()),
        )])));
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines.len(), 2);
        assert!(
            lines[0].len() <= 84 && lines[1].starts_with("  word"),
            "{text}"
        );
        // v3 (toYamlPretty) never folds.
        assert_eq!(
            pretty_of(&format!("k: {}", words.trim())).lines().count(),
            1
        );
    }

    #[test]
    fn pretty_is_go_yaml_v3_with_indent_2() {
        assert_eq!(
            pretty_of("k: [1, {a: [2]}]\nnum: 1e6\nt: \"a\\tb\\nc\""),
            "k:\n  - 1\n  - a:\n      - 2\nnum: 1e+06\nt: |-\n  a\tb\n  c\n"
        );
        // No JSON step: NaN is fine.
        assert!(matches!(marshal_pretty(&Value::Float(f64::NAN)), Ok(t) if t == ".nan\n"));
    }

    #[test]
    fn cycles_and_depth_are_errors_not_crashes() {
        let m = Map::new();
        m.insert("self", Value::Map(m.clone()));
        assert!(
            matches!(marshal(&Value::Map(m.clone())), Err(e) if e.message().contains("encountered a cycle via map[string]interface {}"))
        );
        assert_eq!(to_yaml(&Value::Map(m.clone())), "");
        assert!(marshal_pretty(&Value::Map(m.clone())).is_err());
        m.clear();
        let mut deep = Value::Nil;
        for _ in 0..(MAX_VALUE_DEPTH + 10) {
            deep = Value::List(List::new(vec![deep]));
        }
        assert!(marshal(&deep).is_err());
        let mut nested = Value::from("x");
        for _ in 0..3000 {
            nested = Value::List(List::new(vec![nested]));
        }
        assert!(matches!(marshal(&nested), Ok(t) if t.starts_with("- - - ")));
    }

    #[test]
    fn hostile_text_never_panics() {
        let samples = [
            "[[[[[[[[[[",
            "{a: [b, {c: ",
            "&a *a",
            "? ? ? ?",
            "- - - -\n\t- x",
            "a: |\n\t\t",
            "\u{feff}\u{feff}a",
            "!!binary",
            "<<: *x",
            "%TAG ! !\n---\n!x y",
            ":\n:\n:",
            "a: !!binary ====",
            "'''",
            "\"\\",
            "a:\n  <<: [*b]\nb: &b {}",
        ];
        for s in samples {
            let _ = decode(s);
            let _ = decode_values(s);
        }
        let deep = format!("a: {}{}", "[".repeat(600), "]".repeat(600));
        assert!(decode(&deep).is_err());
    }

    /// Random texts over YAML's significant characters: decoding and re-encoding must never
    /// panic, whatever they are.
    #[test]
    fn random_text_never_panics() {
        const ALPHABET: &[&str] = &[
            "a",
            "1",
            "-",
            " ",
            "  ",
            "\n",
            "\t",
            ":",
            ": ",
            "- ",
            "[",
            "]",
            "{",
            "}",
            ",",
            "#",
            "&a ",
            "*a",
            "!!str ",
            "!!binary ",
            "<<: ",
            "'",
            "\"",
            "|",
            ">",
            "?",
            "\u{85}",
            "é",
            "0x",
            ".",
            "~",
            "---\n",
            "...\n",
            "%",
            "\\",
            "\r\n",
            "\u{feff}",
        ];
        let mut seed: u64 = 0x9E37_79B9_7F4A_7C15;
        let mut next = || {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            seed
        };
        for _ in 0..4000 {
            let len = next() % 24;
            let text: String = (0..len)
                .map(|_| ALPHABET[(next() % ALPHABET.len() as u64) as usize])
                .collect();
            if let Ok(v) = decode(&text) {
                let _ = to_yaml(&v);
                let _ = marshal_pretty(&v);
            }
            let _ = decode_values(&text);
        }
    }

    #[test]
    fn key_order_of_v3_differs_after_digits() {
        assert!(!goyaml_key_less("1a", "1_", false));
        assert!(goyaml_key_less("1a", "1_", true));
        assert!(goyaml_key_less("a2", "a10", false));
    }
}
