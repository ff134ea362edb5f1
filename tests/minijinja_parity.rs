//! How close minijinja gets to Helm on the recorded Helm cases
//! (crates/gotemplate/tests/helm-cases.json, the file the gotemplate crate's
//! helm_parity test replays), used the best way it could serve as Helm's
//! engine: each Go template is translated mechanically to Jinja syntax and
//! rendered by minijinja over minijinja values made from the case's values.
//!
//! The translation is what an engineer would write if minijinja were the
//! engine, and no more:
//! - `.Values.a.b` -> `Values.a.b`; `.x` -> the expression dot currently
//!   stands for (a loop or `with` variable, a macro argument); `$` -> the
//!   root (or the macro argument); `$x` -> `v_x`;
//! - `x | f a` -> `f(a, x)`; `and`/`or`/`not` -> Jinja's own operators (they
//!   short-circuit and return an operand, as Go's do); `eq ne lt le gt ge len
//!   index print printf println` -> functions registered below, written on
//!   minijinja's `Value` (its `==`, its ordering, its `len`, its `get_item`,
//!   its `Display`); `html` -> minijinja's `escape` filter, `urlquery` ->
//!   its `urlencode` filter; `js`, `call`, `slice` have no counterpart;
//! - trim markers -> `{%-`/`-%}`/`{{-`/`-}}`/`{#-`/`-#}`;
//! - `if`/`else if`/`else` -> `if`/`elif`/`else`; `with` -> `{% with w = p
//!   %}{% if w %}`; `range` -> `{% for k, v in pairs(p) %}` (`pairs` is the one
//!   helper: Go ranges over map values and list elements, Jinja over map keys)
//!   with its `else`; `$x := p` / `$x = p` -> `{% set v_x = p %}`;
//!   `break`/`continue` -> `{% break %}`/`{% continue %}`;
//! - `define "n"` -> `{% macro tpl_n(dot) %}` (hoisted, as Go's are),
//!   `template "n" p` -> `{{ tpl_n(p) }}`, `block` -> both.
//!
//! The environment is configured as an engineer would for Helm: no auto
//! escaping (minijinja would JSON-escape every `{{ }}` of a `.yaml` template),
//! the template's final newline kept, the default (lenient) undefined, and
//! minijinja's features as imgsift builds it (no `loop_controls`, no
//! `urlencode`). Values are the JSON converted with `Value::from(Serde(..))`;
//! the rest of Helm's data (`.Release`, `.Capabilities` with an
//! `APIVersions.Has` method, ...) is built from minijinja values. Helm's
//! `<no value>` erasure is applied to the output, as Helm applies it to any
//! engine's.
//!
//! Every case is measured twice: with values printing as minijinja prints
//! them (`3.0`, `True`, `None`, `{'a': 1.0}`), which is what minijinja's value
//! model gives, and with a formatter and `print`/`printf` printing them as
//! Go's `%v` does (`3`, `true`, `map[a:1]`), the most favourable setup, which
//! separates printing from semantics. `printf` is the same in both (flags,
//! width, precision, `*`, `[n]`, the common verbs, Go type names for `%T` from
//! minijinja's kinds); where Go prints a diagnostic into the output
//! (`%!d(string=x)`) it fails.
//!
//! Helm's error texts are not compared: minijinja's messages are its own, so
//! "both failed" counts as agreement here (the gotemplate crate's parity test
//! compares the messages too); the table says how many of those the
//! translator, not minijinja, rejected. A case the translator cannot express
//! counts against the approach. The figures are asserted exactly, so that a
//! change of minijinja, of the translator or of the cases is noticed.
//!
//! With `loop_controls` enabled (measured outside this repository) the break
//! and continue cases agree, except that minijinja 3.0.5 panics (vm/mod.rs,
//! `PopLoopFrame` unwrap) on `{% continue %}` inside a `{% with %}` in a loop.
//!
//! Run with `--nocapture` to see the table; `MJ_PARITY_VERBOSE=1` lists every
//! case that does not agree in both measurements.

// The measurement table is this test's output; the crate denies print_stdout
// for the binary and library, not for a report printed by a test.
#![allow(clippy::print_stdout)]

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::sync::Arc;

use minijinja::value::{Enumerator, Object, ObjectRepr, Rest, Serde, Value, ValueKind};
use minijinja::{AutoEscape, Environment, Error, ErrorKind, State};

const TEMPLATE: &str = "c/templates/t.yaml";

// ---------------------------------------------------------------------------
// Go template lexing
// ---------------------------------------------------------------------------

/// Why a template was not translated.
#[derive(Debug)]
enum Untranslatable {
    /// Go rejects it too (a syntax error, or an execution error the Jinja
    /// form cannot carry, such as giving arguments to a non-function).
    GoRejects(String),
    /// Valid Go the translation has no Jinja form for.
    NoJinjaForm(&'static str),
}

fn go(msg: impl Into<String>) -> Untranslatable {
    Untranslatable::GoRejects(msg.into())
}

#[derive(Debug, Clone, PartialEq)]
enum Tok {
    Space,
    Field(String),
    Dot,
    Var(String),
    Ident(String),
    Str(String),
    Num(String),
    Char(i64),
    LParen,
    RParen,
    Pipe,
    Comma,
    Declare,
    Assign,
}

enum Item {
    Text(String),
    Comment {
        ltrim: bool,
        rtrim: bool,
    },
    Action {
        ltrim: bool,
        rtrim: bool,
        toks: Vec<Tok>,
    },
}

fn is_space(c: char) -> bool {
    matches!(c, ' ' | '\t' | '\r' | '\n')
}

fn is_alnum(c: char) -> bool {
    c == '_' || c.is_alphanumeric()
}

fn ident_len(s: &str) -> usize {
    s.find(|c: char| !is_alnum(c)).unwrap_or(s.len())
}

/// A right trim marker (one space, `-`, then `}}`): the text after it.
fn after_right_trim(s: &str) -> Option<&str> {
    let mut chars = s.chars();
    let first = chars.next()?;
    if !is_space(first) {
        return None;
    }
    chars.as_str().strip_prefix("-}}")
}

fn lex(src: &str) -> Result<Vec<Item>, Untranslatable> {
    let mut items = Vec::new();
    let mut rest = src;
    while let Some(open) = rest.find("{{") {
        if open > 0 {
            items.push(Item::Text(rest[..open].to_string()));
        }
        let mut s = &rest[open + 2..];
        let mut ltrim = false;
        if let Some(after) = s.strip_prefix('-') {
            if after.starts_with(is_space) {
                ltrim = true;
                s = &after[1..];
            }
        }
        if let Some(body) = s.strip_prefix("/*") {
            let end = body.find("*/").ok_or_else(|| go("unclosed comment"))?;
            let after = &body[end + 2..];
            let (rtrim, after) = if let Some(a) = after_right_trim(after) {
                (true, a)
            } else if let Some(a) = after.strip_prefix("}}") {
                (false, a)
            } else {
                return Err(go("comment ends before closing delimiter"));
            };
            items.push(Item::Comment { ltrim, rtrim });
            rest = after;
            continue;
        }
        let (toks, rtrim, after) = lex_action(s)?;
        items.push(Item::Action { ltrim, rtrim, toks });
        rest = after;
    }
    if !rest.is_empty() {
        items.push(Item::Text(rest.to_string()));
    }
    Ok(items)
}

fn lex_action(s: &str) -> Result<(Vec<Tok>, bool, &str), Untranslatable> {
    let mut toks = Vec::new();
    let mut i = 0;
    loop {
        let rest = &s[i..];
        let Some(c) = rest.chars().next() else {
            return Err(go("unclosed action"));
        };
        if let Some(after) = rest.strip_prefix("}}") {
            return Ok((toks, false, after));
        }
        if is_space(c) {
            let n = rest.find(|ch| !is_space(ch)).unwrap_or(rest.len());
            if let Some(after) = rest[n..].strip_prefix("-}}") {
                return Ok((toks, true, after));
            }
            toks.push(Tok::Space);
            i += n;
            continue;
        }
        let (tok, n) = match c {
            '"' => {
                let (v, n) = lex_quoted(rest)?;
                (Tok::Str(v), n)
            }
            '`' => {
                let end = rest[1..]
                    .find('`')
                    .ok_or_else(|| go("unterminated raw quoted string"))?;
                (Tok::Str(rest[1..1 + end].to_string()), end + 2)
            }
            '\'' => {
                let (v, n) = lex_char(rest)?;
                (Tok::Char(v), n)
            }
            '(' => (Tok::LParen, 1),
            ')' => (Tok::RParen, 1),
            '|' => (Tok::Pipe, 1),
            ',' => (Tok::Comma, 1),
            ':' if rest.starts_with(":=") => (Tok::Declare, 2),
            '=' => (Tok::Assign, 1),
            '$' => {
                let n = ident_len(&rest[1..]);
                (Tok::Var(rest[1..1 + n].to_string()), 1 + n)
            }
            '.' => {
                let r = &rest[1..];
                if r.starts_with(|ch: char| ch.is_ascii_digit()) {
                    let n = number_len(rest);
                    (Tok::Num(rest[..n].to_string()), n)
                } else if r.starts_with(is_alnum) {
                    let n = ident_len(r);
                    (Tok::Field(r[..n].to_string()), 1 + n)
                } else {
                    (Tok::Dot, 1)
                }
            }
            '0'..='9' | '+' | '-' => {
                let n = number_len(rest);
                (Tok::Num(rest[..n].to_string()), n)
            }
            c if is_alnum(c) => {
                let n = ident_len(rest);
                (Tok::Ident(rest[..n].to_string()), n)
            }
            c => return Err(go(format!("unrecognized character in action: {c:?}"))),
        };
        toks.push(tok);
        i += n;
    }
}

/// The extent of a number: a sign, then letters, digits, `_`, `.`, and a
/// sign after an exponent letter.
fn number_len(s: &str) -> usize {
    let mut n = 0;
    let mut prev = ' ';
    for (i, c) in s.char_indices() {
        let ok = (i == 0 && (c == '+' || c == '-'))
            || c.is_ascii_alphanumeric()
            || c == '_'
            || c == '.'
            || ((c == '+' || c == '-') && matches!(prev, 'e' | 'E' | 'p' | 'P'));
        if !ok {
            break;
        }
        n = i + c.len_utf8();
        prev = c;
    }
    n
}

fn hex_digits(chars: &mut std::str::Chars<'_>, n: usize) -> Result<u32, Untranslatable> {
    let mut v = 0u32;
    for _ in 0..n {
        let d = chars
            .next()
            .and_then(|c| c.to_digit(16))
            .ok_or_else(|| go("invalid syntax"))?;
        v = v * 16 + d;
    }
    Ok(v)
}

/// One escape after a backslash, as Go's strconv.Unquote decodes it.
fn go_escape(chars: &mut std::str::Chars<'_>, quote: char) -> Result<char, Untranslatable> {
    let c = chars.next().ok_or_else(|| go("invalid syntax"))?;
    let byte = |v: u32| -> Result<char, Untranslatable> {
        if v < 0x80 {
            char::from_u32(v).ok_or_else(|| go("invalid syntax"))
        } else {
            Err(Untranslatable::NoJinjaForm("a non-UTF-8 byte escape"))
        }
    };
    Ok(match c {
        'a' => '\x07',
        'b' => '\x08',
        'f' => '\x0c',
        'n' => '\n',
        'r' => '\r',
        't' => '\t',
        'v' => '\x0b',
        '\\' => '\\',
        c if c == quote => c,
        'x' => byte(hex_digits(chars, 2)?)?,
        'u' => char::from_u32(hex_digits(chars, 4)?).ok_or_else(|| go("invalid syntax"))?,
        'U' => char::from_u32(hex_digits(chars, 8)?).ok_or_else(|| go("invalid syntax"))?,
        '0'..='7' => {
            let mut v = c.to_digit(8).unwrap_or(0);
            for _ in 0..2 {
                let d = chars
                    .next()
                    .and_then(|c| c.to_digit(8))
                    .ok_or_else(|| go("invalid syntax"))?;
                v = v * 8 + d;
            }
            byte(v)?
        }
        _ => return Err(go("invalid syntax")),
    })
}

fn lex_quoted(rest: &str) -> Result<(String, usize), Untranslatable> {
    let mut out = String::new();
    let mut chars = rest[1..].chars();
    loop {
        let before = chars.as_str().len();
        let Some(c) = chars.next() else {
            return Err(go("unterminated quoted string"));
        };
        match c {
            '"' => return Ok((out, rest.len() - before + 1)),
            '\n' => return Err(go("unterminated quoted string")),
            '\\' => out.push(go_escape(&mut chars, '"')?),
            c => out.push(c),
        }
    }
}

fn lex_char(rest: &str) -> Result<(i64, usize), Untranslatable> {
    let end = rest[1..]
        .char_indices()
        .find(|&(i, c)| c == '\'' && !rest[1..1 + i].ends_with('\\') || c == '\n')
        .map(|(i, _)| i)
        .ok_or_else(|| go("unterminated character constant"))?;
    let body = &rest[1..1 + end];
    let mut chars = body.chars();
    let c = match chars.next() {
        None => return Err(go("invalid syntax")),
        Some('\\') => go_escape(&mut chars, '\'')?,
        Some(c) => c,
    };
    if !chars.as_str().is_empty() {
        return Err(go(format!("bad character constant '{body}'")));
    }
    Ok((i64::from(u32::from(c)), end + 2))
}

#[derive(Debug, Clone, Copy)]
enum Num {
    Int(i64),
    Float(f64),
}

/// A Go number literal's value.
fn parse_number(text: &str) -> Result<Num, Untranslatable> {
    let bad = || go(format!("bad number syntax: {text:?}"));
    if text.ends_with('i') {
        return Err(Untranslatable::NoJinjaForm("a complex constant"));
    }
    let (neg, body) = match text.as_bytes().first() {
        Some(b'-') => (true, &text[1..]),
        Some(b'+') => (false, &text[1..]),
        _ => (false, text),
    };
    if body.contains("__") || body.starts_with('_') || body.ends_with('_') {
        return Err(bad());
    }
    let lower = body.to_ascii_lowercase();
    let (radix, digits) = if let Some(d) = lower.strip_prefix("0x") {
        if d.contains('p') || d.contains('.') {
            return Err(Untranslatable::NoJinjaForm("a hexadecimal float constant"));
        }
        (16, d)
    } else if let Some(d) = lower.strip_prefix("0o") {
        (8, d)
    } else if let Some(d) = lower.strip_prefix("0b") {
        (2, d)
    } else if lower.contains('.') || lower.contains('e') {
        let f: f64 = lower.replace('_', "").parse().map_err(|_| bad())?;
        if f.is_infinite() {
            return Err(bad());
        }
        return Ok(Num::Float(if neg { -f } else { f }));
    } else if lower.len() > 1 && lower.starts_with('0') {
        (8, &lower[1..])
    } else {
        (10, lower.as_str())
    };
    let digits = digits.trim_start_matches('_').replace('_', "");
    if digits.is_empty() {
        return Err(bad());
    }
    let v = i128::from_str_radix(&digits, radix).map_err(|_| bad())?;
    let v = if neg { -v } else { v };
    i64::try_from(v).map(Num::Int).map_err(|_| bad())
}

// ---------------------------------------------------------------------------
// Go template parsing (pipelines)
// ---------------------------------------------------------------------------

const GO_FUNCS: &[&str] = &[
    "and", "or", "not", "eq", "ne", "lt", "le", "gt", "ge", "len", "index", "print", "printf",
    "println", "html", "js", "urlquery", "call", "slice",
];

const KEYWORDS: &[&str] = &[
    "if", "else", "end", "range", "with", "define", "template", "block", "break", "continue",
];

#[derive(Debug, Clone)]
enum Term {
    Dot,
    Field(Vec<String>),
    Var(String, Vec<String>),
    Str(String),
    Num(Num),
    Bool(bool),
    Nil,
    Func(String),
    Paren(Box<Pipe>, Vec<String>),
}

#[derive(Debug, Clone)]
struct Pipe {
    decl: Vec<String>,
    cmds: Vec<Vec<Term>>,
}

struct Parser<'a> {
    toks: &'a [Tok],
    i: usize,
}

impl Parser<'_> {
    fn peek(&self) -> Option<&Tok> {
        self.toks.get(self.i)
    }

    fn skip_space(&mut self) {
        while self.peek() == Some(&Tok::Space) {
            self.i += 1;
        }
    }

    fn at_end(&mut self) -> bool {
        self.skip_space();
        self.peek().is_none()
    }

    fn fields(&mut self) -> Vec<String> {
        let mut chain = Vec::new();
        while let Some(Tok::Field(f)) = self.peek() {
            chain.push(f.clone());
            self.i += 1;
        }
        chain
    }

    /// `$a :=`, `$a, $b :=` or `=` at the start of a pipeline.
    fn decl(&mut self) -> Vec<String> {
        let start = self.i;
        let mut vars = Vec::new();
        loop {
            self.skip_space();
            let Some(Tok::Var(v)) = self.peek().cloned() else {
                break;
            };
            self.i += 1;
            if matches!(self.peek(), Some(Tok::Field(_))) {
                break;
            }
            vars.push(v);
            self.skip_space();
            match self.peek() {
                Some(Tok::Declare | Tok::Assign) => {
                    self.i += 1;
                    return vars;
                }
                Some(Tok::Comma) => self.i += 1,
                _ => break,
            }
        }
        self.i = start;
        Vec::new()
    }

    fn pipe(&mut self, in_paren: bool) -> Result<Pipe, Untranslatable> {
        let decl = self.decl();
        let mut cmds = Vec::new();
        loop {
            let cmd = self.command()?;
            cmds.push(cmd);
            self.skip_space();
            match self.peek() {
                Some(Tok::Pipe) => self.i += 1,
                Some(Tok::RParen) if in_paren => break,
                None if !in_paren => break,
                None => return Err(go("unclosed left paren")),
                Some(t) => return Err(go(format!("unexpected {t:?} in pipeline"))),
            }
        }
        Ok(Pipe { decl, cmds })
    }

    fn command(&mut self) -> Result<Vec<Term>, Untranslatable> {
        let mut ops = Vec::new();
        loop {
            self.skip_space();
            match self.peek() {
                None | Some(Tok::Pipe | Tok::RParen) => break,
                _ => ops.push(self.operand()?),
            }
        }
        if ops.is_empty() {
            return Err(go("missing value for command"));
        }
        Ok(ops)
    }

    fn operand(&mut self) -> Result<Term, Untranslatable> {
        let Some(tok) = self.peek().cloned() else {
            return Err(go("missing operand"));
        };
        self.i += 1;
        let term = match tok {
            Tok::Dot => {
                if matches!(self.peek(), Some(Tok::Field(_) | Tok::Dot)) {
                    return Err(go("unexpected <.> in operand"));
                }
                return Ok(Term::Dot);
            }
            Tok::Field(f) => {
                let mut chain = vec![f];
                chain.extend(self.fields());
                return Ok(Term::Field(chain));
            }
            Tok::Var(v) => return Ok(Term::Var(v, self.fields())),
            Tok::LParen => {
                let inner = self.pipe(true)?;
                self.i += 1; // the right paren
                return Ok(Term::Paren(Box::new(inner), self.fields()));
            }
            Tok::Str(s) => Term::Str(s),
            Tok::Char(c) => Term::Num(Num::Int(c)),
            Tok::Num(n) => Term::Num(parse_number(&n)?),
            Tok::Ident(id) => match id.as_str() {
                "true" => Term::Bool(true),
                "false" => Term::Bool(false),
                "nil" => Term::Nil,
                k if KEYWORDS.contains(&k) => return Err(go(format!("unexpected <{k}>"))),
                f if GO_FUNCS.contains(&f) => Term::Func(id),
                f => return Err(go(format!("function {f:?} not defined"))),
            },
            t => return Err(go(format!("unexpected {t:?} in operand"))),
        };
        if matches!(self.peek(), Some(Tok::Field(_) | Tok::Dot)) {
            return Err(go("unexpected . after term"));
        }
        Ok(term)
    }
}

enum Action {
    Pipe(Pipe),
    If(Pipe),
    ElseIf(Pipe),
    ElseWith(Pipe),
    Else,
    End,
    Range(Pipe),
    With(Pipe),
    Define(String),
    Template(String, Option<Pipe>),
    Block(String, Pipe),
    Break,
    Continue,
}

fn parse_action(toks: &[Tok]) -> Result<Action, Untranslatable> {
    let mut p = Parser { toks, i: 0 };
    p.skip_space();
    let keyword = match p.peek() {
        Some(Tok::Ident(k)) if KEYWORDS.contains(&k.as_str()) => k.clone(),
        _ => return Ok(Action::Pipe(p.pipe(false)?)),
    };
    p.i += 1;
    let pipe_for = |p: &mut Parser<'_>, what: &str| {
        if p.at_end() {
            Err(go(format!("missing value for {what}")))
        } else {
            p.pipe(false)
        }
    };
    let name = |p: &mut Parser<'_>, what: &str| -> Result<String, Untranslatable> {
        p.skip_space();
        match p.peek().cloned() {
            Some(Tok::Str(s)) => {
                p.i += 1;
                Ok(s)
            }
            _ => Err(go(format!("unexpected token in {what} clause"))),
        }
    };
    let action = match keyword.as_str() {
        "if" => Action::If(pipe_for(&mut p, "if")?),
        "range" => Action::Range(pipe_for(&mut p, "range")?),
        "with" => Action::With(pipe_for(&mut p, "with")?),
        "else" => {
            p.skip_space();
            match p.peek().cloned() {
                None => Action::Else,
                Some(Tok::Ident(k)) if k == "if" => {
                    p.i += 1;
                    Action::ElseIf(pipe_for(&mut p, "if")?)
                }
                Some(Tok::Ident(k)) if k == "with" => {
                    p.i += 1;
                    Action::ElseWith(pipe_for(&mut p, "with")?)
                }
                Some(t) => return Err(go(format!("unexpected {t:?} in else"))),
            }
        }
        "end" => Action::End,
        "break" => Action::Break,
        "continue" => Action::Continue,
        "define" => Action::Define(name(&mut p, "define")?),
        "template" => {
            let n = name(&mut p, "template")?;
            let pipe = if p.at_end() {
                None
            } else {
                Some(p.pipe(false)?)
            };
            return Ok(Action::Template(n, pipe));
        }
        "block" => {
            let n = name(&mut p, "block")?;
            Action::Block(n, pipe_for(&mut p, "block clause")?)
        }
        _ => return Err(go(format!("unexpected <{keyword}>"))),
    };
    if !p.at_end() {
        return Err(go(format!("unexpected token after {keyword}")));
    }
    Ok(action)
}

// ---------------------------------------------------------------------------
// Jinja emission
// ---------------------------------------------------------------------------

/// The root data at the top level (also a context variable, for `.`/`$`).
const ROOT: &str = "_root";

const JINJA_RESERVED: &[&str] = &[
    "true", "false", "none", "True", "False", "None", "and", "or", "not", "in", "is", "if", "else",
    "loop", "self",
];

fn mangle(name: &str) -> String {
    let mut out = String::new();
    for c in name.chars() {
        if c.is_ascii_alphanumeric() || c == '_' {
            out.push(c);
        } else {
            let _ = write!(out, "_u{:x}", u32::from(c));
        }
    }
    out
}

fn jinja_str(s: &str) -> String {
    let mut out = String::from("\"");
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if (c as u32) < 0x20 || c == '\x7f' => {
                let _ = write!(out, "\\u{:04x}", u32::from(c));
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

fn jinja_float(f: f64) -> String {
    let s = format!("{f:?}");
    match s.split_once('e') {
        Some((m, e)) if !m.contains('.') => format!("{m}.0e{e}"),
        _ => s,
    }
}

fn access(base: &str, chain: &[String]) -> String {
    let mut out = String::new();
    for (i, f) in chain.iter().enumerate() {
        let simple = f.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
            && !f.starts_with(|c: char| c.is_ascii_digit())
            && !JINJA_RESERVED.contains(&f.as_str());
        if i == 0 && base == ROOT && simple {
            out.push_str(f);
            continue;
        }
        if i == 0 {
            out.push_str(base);
        }
        if simple {
            let _ = write!(out, ".{f}");
        } else {
            let _ = write!(out, "[{}]", jinja_str(f));
        }
    }
    if chain.is_empty() {
        out.push_str(base);
    }
    out
}

enum Frame {
    If,
    Range {
        outer: String,
    },
    With {
        outer: String,
        extra: usize,
    },
    Define {
        ltrim: bool,
        outer: (String, String),
    },
    Block {
        outer: (String, String),
    },
}

struct Emitter {
    main: String,
    macros: String,
    in_macro: bool,
    stack: Vec<Frame>,
    /// What `.` is.
    dot: String,
    /// What `$` is.
    root: String,
    n: usize,
}

fn tag(kind: char, l: bool, r: bool, body: &str) -> String {
    let (open, close) = match kind {
        '%' => ("{%", "%}"),
        '#' => ("{#", "#}"),
        _ => ("{{", "}}"),
    };
    format!(
        "{open}{} {body} {}{close}",
        if l { "-" } else { "" },
        if r { "-" } else { "" }
    )
}

impl Emitter {
    fn out(&mut self) -> &mut String {
        if self.in_macro {
            &mut self.macros
        } else {
            &mut self.main
        }
    }

    fn fresh(&mut self, prefix: &str) -> String {
        self.n += 1;
        format!("_{prefix}{}", self.n)
    }

    /// Several Jinja tags standing for one Go action: the left trim goes on
    /// the first, the right trim on the last.
    fn tags(&mut self, l: bool, r: bool, parts: &[(char, String)]) {
        let last = parts.len().saturating_sub(1);
        let mut s = String::new();
        for (i, (kind, body)) in parts.iter().enumerate() {
            s.push_str(&tag(*kind, l && i == 0, r && i == last, body));
        }
        self.out().push_str(&s);
    }

    fn var(&self, name: &str) -> String {
        if name.is_empty() {
            self.root.clone()
        } else {
            format!("v_{}", mangle(name))
        }
    }

    fn term(&self, t: &Term) -> Result<String, Untranslatable> {
        Ok(match t {
            Term::Dot => self.dot.clone(),
            Term::Field(chain) => access(&self.dot, chain),
            Term::Var(v, chain) => access(&self.var(v), chain),
            Term::Str(s) => jinja_str(s),
            Term::Num(Num::Int(i)) => i.to_string(),
            Term::Num(Num::Float(f)) => jinja_float(*f),
            Term::Bool(b) => b.to_string(),
            Term::Nil => "none".to_string(),
            Term::Func(f) => self.call(f, &[], None)?,
            Term::Paren(pipe, chain) => {
                if !pipe.decl.is_empty() {
                    return Err(Untranslatable::NoJinjaForm(
                        "a variable declared inside parentheses",
                    ));
                }
                let inner = format!("({})", self.pipe_expr(pipe)?);
                if chain.is_empty() {
                    inner
                } else {
                    access(&inner, chain)
                }
            }
        })
    }

    fn call(
        &self,
        f: &str,
        args: &[Term],
        piped: Option<String>,
    ) -> Result<String, Untranslatable> {
        let mut a = args
            .iter()
            .map(|t| self.term(t))
            .collect::<Result<Vec<_>, _>>()?;
        a.extend(piped);
        Ok(match f {
            "and" | "or" => {
                if a.is_empty() {
                    return Err(go(format!("wrong number of args for {f}")));
                }
                format!("({})", a.join(&format!(" {f} ")))
            }
            "not" => {
                if a.len() != 1 {
                    return Err(go("wrong number of args for not"));
                }
                format!("(not {})", a[0])
            }
            "html" | "urlquery" => {
                let filter = if f == "html" { "escape" } else { "urlencode" };
                if a.len() == 1 {
                    format!("({})|{filter}", a[0])
                } else {
                    format!("(print({}))|{filter}", a.join(", "))
                }
            }
            "js" | "call" | "slice" => {
                return Err(Untranslatable::NoJinjaForm(
                    "a Go builtin with no minijinja counterpart (js, call, slice)",
                ));
            }
            _ => format!("{f}({})", a.join(", ")),
        })
    }

    fn command(&self, ops: &[Term], piped: Option<String>) -> Result<String, Untranslatable> {
        Ok(match &ops[0] {
            Term::Func(f) => self.call(f, &ops[1..], piped)?,
            // A field chain given arguments is a method call.
            Term::Field(chain) | Term::Var(_, chain)
                if (ops.len() > 1 || piped.is_some()) && !chain.is_empty() =>
            {
                let base = match &ops[0] {
                    Term::Var(v, _) => self.var(v),
                    _ => self.dot.clone(),
                };
                let (method, recv) = chain.split_last().unwrap_or((&chain[0], &[]));
                let mut a = ops[1..]
                    .iter()
                    .map(|t| self.term(t))
                    .collect::<Result<Vec<_>, _>>()?;
                a.extend(piped);
                let recv = if recv.is_empty() && base == ROOT {
                    return Err(Untranslatable::NoJinjaForm("a method on the root"));
                } else {
                    access(&base, recv)
                };
                format!("{recv}.{method}({})", a.join(", "))
            }
            t if ops.len() == 1 && piped.is_none() => self.term(t)?,
            _ => return Err(go("can't give argument to non-function")),
        })
    }

    fn pipe_expr(&self, pipe: &Pipe) -> Result<String, Untranslatable> {
        let mut piped = None;
        for cmd in &pipe.cmds {
            piped = Some(self.command(cmd, piped)?);
        }
        piped.ok_or_else(|| go("missing value for command"))
    }

    fn single_decl(&self, pipe: &Pipe) -> Result<Option<String>, Untranslatable> {
        match pipe.decl.as_slice() {
            [] => Ok(None),
            [v] => Ok(Some(self.var(v))),
            _ => Err(go("too many declarations in command")),
        }
    }

    fn action(&mut self, l: bool, r: bool, action: Action) -> Result<(), Untranslatable> {
        match action {
            Action::Pipe(pipe) => {
                let e = self.pipe_expr(&pipe)?;
                match self.single_decl(&pipe)? {
                    Some(v) => self.tags(l, r, &[('%', format!("set {v} = {e}"))]),
                    None => self.tags(l, r, &[('{', e)]),
                }
            }
            Action::If(pipe) => {
                let e = self.pipe_expr(&pipe)?;
                match self.single_decl(&pipe)? {
                    Some(v) => self.tags(
                        l,
                        r,
                        &[('%', format!("set {v} = {e}")), ('%', format!("if {v}"))],
                    ),
                    None => self.tags(l, r, &[('%', format!("if {e}"))]),
                }
                self.stack.push(Frame::If);
            }
            Action::ElseIf(pipe) => {
                if !matches!(self.stack.last(), Some(Frame::If)) {
                    return Err(go("unexpected {{else if}}"));
                }
                if !pipe.decl.is_empty() {
                    return Err(Untranslatable::NoJinjaForm("a declaration in else if"));
                }
                let e = self.pipe_expr(&pipe)?;
                self.tags(l, r, &[('%', format!("elif {e}"))]);
            }
            Action::ElseWith(pipe) => {
                let Some(Frame::With { outer, extra }) = self.stack.last_mut() else {
                    return Err(go("unexpected {{else with}}"));
                };
                *extra += 1;
                let outer = outer.clone();
                self.dot = outer;
                let e = self.pipe_expr(&pipe)?;
                let w = match self.single_decl(&pipe)? {
                    Some(v) => v,
                    None => self.fresh("w"),
                };
                self.tags(
                    l,
                    r,
                    &[
                        ('%', "else".to_string()),
                        ('%', format!("with {w} = {e}")),
                        ('%', format!("if {w}")),
                    ],
                );
                self.dot = w;
            }
            Action::Else => {
                match self.stack.last() {
                    Some(Frame::If) => {}
                    Some(Frame::Range { outer } | Frame::With { outer, .. }) => {
                        self.dot = outer.clone();
                    }
                    _ => return Err(go("unexpected {{else}}")),
                }
                self.tags(l, r, &[('%', "else".to_string())]);
            }
            Action::End => match self.stack.pop() {
                None => return Err(go("unexpected {{end}}")),
                Some(Frame::If) => self.tags(l, r, &[('%', "endif".to_string())]),
                Some(Frame::Range { outer }) => {
                    self.dot = outer;
                    self.tags(l, r, &[('%', "endfor".to_string())]);
                }
                Some(Frame::With { outer, extra }) => {
                    self.dot = outer;
                    let mut parts = Vec::new();
                    for _ in 0..=extra {
                        parts.push(('%', "endif".to_string()));
                        parts.push(('%', "endwith".to_string()));
                    }
                    self.tags(l, r, &parts);
                }
                Some(Frame::Define { ltrim, outer }) => {
                    self.tags(l, false, &[('%', "endmacro".to_string())]);
                    self.in_macro = false;
                    (self.dot, self.root) = outer;
                    self.tags(ltrim, r, &[('#', String::new())]);
                }
                Some(Frame::Block { outer }) => {
                    self.tags(l, false, &[('%', "endmacro".to_string())]);
                    self.in_macro = false;
                    (self.dot, self.root) = outer;
                    self.tags(false, r, &[('#', String::new())]);
                }
            },
            Action::Range(pipe) => {
                let e = self.pipe_expr(&pipe)?;
                let (k, v) = match pipe.decl.as_slice() {
                    [] => (self.fresh("k"), self.fresh("v")),
                    [v] => (self.fresh("k"), self.var(v)),
                    [k, v] => (self.var(k), self.var(v)),
                    _ => return Err(go("too many declarations in range")),
                };
                self.tags(l, r, &[('%', format!("for {k}, {v} in pairs({e})"))]);
                let outer = std::mem::replace(&mut self.dot, v);
                self.stack.push(Frame::Range { outer });
            }
            Action::With(pipe) => {
                let e = self.pipe_expr(&pipe)?;
                let w = match self.single_decl(&pipe)? {
                    Some(v) => v,
                    None => self.fresh("w"),
                };
                self.tags(
                    l,
                    r,
                    &[('%', format!("with {w} = {e}")), ('%', format!("if {w}"))],
                );
                let outer = std::mem::replace(&mut self.dot, w);
                self.stack.push(Frame::With { outer, extra: 0 });
            }
            Action::Define(name) => {
                if !self.stack.is_empty() {
                    return Err(go("unexpected <define> in command"));
                }
                let outer = (self.dot.clone(), self.root.clone());
                self.in_macro = true;
                self.tags(
                    false,
                    r,
                    &[('%', format!("macro tpl_{}(dot)", mangle(&name)))],
                );
                self.dot = "dot".to_string();
                self.root = "dot".to_string();
                self.stack.push(Frame::Define { ltrim: l, outer });
            }
            Action::Block(name, pipe) => {
                if self.in_macro {
                    return Err(Untranslatable::NoJinjaForm("a block inside a define"));
                }
                let e = self.pipe_expr(&pipe)?;
                let mangled = mangle(&name);
                self.tags(l, false, &[('{', format!("tpl_{mangled}({e})"))]);
                let outer = (self.dot.clone(), self.root.clone());
                self.in_macro = true;
                self.tags(false, r, &[('%', format!("macro tpl_{mangled}(dot)"))]);
                self.dot = "dot".to_string();
                self.root = "dot".to_string();
                self.stack.push(Frame::Block { outer });
            }
            Action::Template(name, pipe) => {
                let arg = match &pipe {
                    Some(p) => {
                        if !p.decl.is_empty() {
                            return Err(Untranslatable::NoJinjaForm(
                                "a variable declared in a template call",
                            ));
                        }
                        self.pipe_expr(p)?
                    }
                    None => "none".to_string(),
                };
                self.tags(l, r, &[('{', format!("tpl_{}({arg})", mangle(&name)))]);
            }
            Action::Break => self.tags(l, r, &[('%', "break".to_string())]),
            Action::Continue => self.tags(l, r, &[('%', "continue".to_string())]),
        }
        Ok(())
    }
}

fn translate(src: &str) -> Result<String, Untranslatable> {
    let mut e = Emitter {
        main: String::new(),
        macros: String::new(),
        in_macro: false,
        stack: Vec::new(),
        dot: ROOT.to_string(),
        root: ROOT.to_string(),
        n: 0,
    };
    for item in lex(src)? {
        match item {
            Item::Text(t) => {
                if t.contains("{{") || t.contains("{%") || t.contains("{#") {
                    let raw = format!("{{% raw %}}{t}{{% endraw %}}");
                    e.out().push_str(&raw);
                } else {
                    e.out().push_str(&t);
                }
            }
            Item::Comment { ltrim, rtrim } => e.tags(ltrim, rtrim, &[('#', String::new())]),
            Item::Action { ltrim, rtrim, toks } => {
                let action = parse_action(&toks)?;
                e.action(ltrim, rtrim, action)?;
            }
        }
    }
    if !e.stack.is_empty() {
        return Err(go("unexpected EOF"));
    }
    Ok(format!("{}{}", e.macros, e.main))
}

// ---------------------------------------------------------------------------
// The Go builtins, written on minijinja's Value
// ---------------------------------------------------------------------------

fn op_err(msg: impl Into<String>) -> Error {
    Error::new(ErrorKind::InvalidOperation, msg.into())
}

/// Go's range over a value as (key, element) pairs: map entries (in
/// minijinja's key order), list indexes and elements, 0..n for an integer;
/// nothing for none/undefined.
fn pairs(v: Value) -> Result<Value, Error> {
    let mut out = Vec::new();
    match v.kind() {
        ValueKind::Undefined | ValueKind::None => {}
        ValueKind::Map => {
            for k in v.try_iter()? {
                let x = v.get_item(&k)?;
                out.push(Value::from(vec![k, x]));
            }
        }
        ValueKind::Seq => {
            for (i, x) in v.try_iter()?.enumerate() {
                out.push(Value::from(vec![Value::from(i), x]));
            }
        }
        ValueKind::Number if v.is_integer() => {
            for i in 0..v.as_i64().unwrap_or(0).max(0) {
                out.push(Value::from(vec![Value::from(i), Value::from(i)]));
            }
        }
        k => return Err(op_err(format!("cannot range over {k}"))),
    }
    Ok(Value::from(out))
}

/// How values print: as minijinja displays them (`3.0`, `True`, `None`,
/// `['a', 'b']`, `{'a': 1.0}`), or as Go's `%v` does (`3`, `true`,
/// `<nil>`, `[a b]`, `map[a:1]`) for the second, Go-printing, measurement.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Printing {
    Minijinja,
    Go,
}

/// Go's `%v` of a minijinja value.
fn go_value(v: &Value) -> String {
    match v.kind() {
        ValueKind::Undefined | ValueKind::None => "<nil>".to_string(),
        ValueKind::Bool => v.is_true().to_string(),
        ValueKind::Number if v.is_integer() => v.to_string(),
        ValueKind::Number => {
            let f = f64::try_from(v.clone()).unwrap_or(f64::NAN);
            let body = fmt_g(f.abs(), None);
            format!("{}{body}", if f.is_sign_negative() { "-" } else { "" })
        }
        ValueKind::Seq | ValueKind::Iterable => {
            let items: Vec<String> = v
                .try_iter()
                .map(|it| it.map(|x| go_value(&x)).collect())
                .unwrap_or_default();
            format!("[{}]", items.join(" "))
        }
        ValueKind::Map => {
            let mut items = Vec::new();
            for k in v.try_iter().into_iter().flatten() {
                let x = v.get_item(&k).unwrap_or_default();
                items.push(format!("{}:{}", go_value(&k), go_value(&x)));
            }
            format!("map[{}]", items.join(" "))
        }
        _ => v.to_string(),
    }
}

fn show(v: &Value, printing: Printing) -> String {
    match printing {
        Printing::Minijinja => v.to_string(),
        Printing::Go => go_value(v),
    }
}

/// Go's type name for a minijinja value, as far as its kinds tell.
fn go_type(v: &Value) -> &'static str {
    match v.kind() {
        ValueKind::Undefined | ValueKind::None => "<nil>",
        ValueKind::Bool => "bool",
        ValueKind::Number if v.is_integer() => "int",
        ValueKind::Number => "float64",
        ValueKind::String => "string",
        ValueKind::Seq => "[]interface {}",
        ValueKind::Map => "map[string]interface {}",
        _ => "?",
    }
}

/// Go's Sprint: operands joined, with a space between two non-strings.
fn go_print(args: &[Value], printing: Printing) -> String {
    let mut out = String::new();
    for (i, a) in args.iter().enumerate() {
        if i > 0 && args[i - 1].kind() != ValueKind::String && a.kind() != ValueKind::String {
            out.push(' ');
        }
        out.push_str(&show(a, printing));
    }
    out
}

#[derive(Default)]
struct Spec {
    minus: bool,
    plus: bool,
    sharp: bool,
    space: bool,
    zero: bool,
    width: Option<usize>,
    prec: Option<usize>,
}

fn pad(spec: &Spec, sign: &str, body: &str, zero_ok: bool) -> String {
    let len = sign.chars().count() + body.chars().count();
    let width = spec.width.unwrap_or(0);
    if len >= width {
        return format!("{sign}{body}");
    }
    let fill = width - len;
    if spec.minus {
        format!("{sign}{body}{}", " ".repeat(fill))
    } else if spec.zero && zero_ok {
        format!("{sign}{}{body}", "0".repeat(fill))
    } else {
        format!("{}{sign}{body}", " ".repeat(fill))
    }
}

fn sign_of(spec: &Spec, neg: bool) -> &'static str {
    if neg {
        "-"
    } else if spec.plus {
        "+"
    } else if spec.space {
        " "
    } else {
        ""
    }
}

fn fmt_int(spec: &Spec, v: i64, verb: char) -> String {
    let u = v.unsigned_abs();
    let mut digits = match verb {
        'x' => format!("{u:x}"),
        'X' => format!("{u:X}"),
        'o' | 'O' => format!("{u:o}"),
        'b' => format!("{u:b}"),
        _ => u.to_string(),
    };
    if spec.prec == Some(0) && v == 0 {
        digits.clear();
    }
    if let Some(p) = spec.prec {
        while digits.len() < p {
            digits.insert(0, '0');
        }
    }
    let prefix = match verb {
        'x' if spec.sharp => "0x",
        'X' if spec.sharp => "0X",
        'o' if spec.sharp && !digits.starts_with('0') => "0",
        'b' if spec.sharp => "0b",
        'O' => "0o",
        _ => "",
    };
    let sign = format!("{}{prefix}", sign_of(spec, v < 0));
    pad(spec, &sign, &digits, spec.prec.is_none())
}

/// Digits and decimal exponent of Rust's `{:e}` rendering.
fn sci(s: &str) -> (Vec<u8>, i32) {
    let (m, e) = s.split_once('e').unwrap_or((s, "0"));
    let digits = m.bytes().filter(u8::is_ascii_digit).collect();
    (digits, e.parse().unwrap_or(0))
}

fn go_exp(exp: i32) -> String {
    format!(
        "{}{:02}",
        if exp < 0 { '-' } else { '+' },
        exp.unsigned_abs()
    )
}

fn e_form(digits: &[u8], exp: i32, frac: usize, sharp: bool) -> String {
    let mut s = String::new();
    s.push(char::from(digits.first().copied().unwrap_or(b'0')));
    if frac > 0 || sharp {
        s.push('.');
    }
    for i in 0..frac {
        s.push(char::from(digits.get(i + 1).copied().unwrap_or(b'0')));
    }
    format!("{s}e{}", go_exp(exp))
}

fn f_form(digits: &[u8], dp: i32, frac: usize) -> String {
    let digit = |i: i32| -> char {
        usize::try_from(i)
            .ok()
            .and_then(|i| digits.get(i).copied())
            .map_or('0', char::from)
    };
    let mut s = String::new();
    if dp <= 0 {
        s.push('0');
    } else {
        for i in 0..dp {
            s.push(digit(i));
        }
    }
    if frac > 0 {
        s.push('.');
        for i in 0..frac {
            s.push(digit(dp + i32::try_from(i).unwrap_or(0)));
        }
    }
    s
}

/// Go's %g (shortest, or with a precision).
fn fmt_g(f: f64, prec: Option<usize>) -> String {
    let (digits, exp, shortest, p) = match prec {
        None => {
            let (d, e) = sci(&format!("{f:e}"));
            let n = d.len();
            (d, e, true, n)
        }
        Some(p) => {
            let p = p.max(1);
            let (mut d, e) = sci(&format!("{:.*e}", p - 1, f));
            while d.len() > 1 && d.last() == Some(&b'0') {
                d.pop();
            }
            (d, e, false, p)
        }
    };
    let nd = i32::try_from(digits.len()).unwrap_or(0);
    let dp = exp + 1;
    let p = i32::try_from(p).unwrap_or(0);
    let mut eprec = p;
    if eprec > nd && nd >= dp {
        eprec = nd;
    }
    if shortest {
        eprec = 6;
    }
    if exp < -4 || exp >= eprec {
        let pp = p.min(nd);
        e_form(&digits, exp, usize::try_from(pp - 1).unwrap_or(0), false)
    } else {
        let pp = if p > dp { nd } else { p };
        f_form(&digits, dp, usize::try_from((pp - dp).max(0)).unwrap_or(0))
    }
}

fn fmt_float(spec: &Spec, f: f64, verb: char) -> String {
    let a = f.abs();
    let body = match verb {
        'f' | 'F' => {
            let s = format!("{:.*}", spec.prec.unwrap_or(6), a);
            if spec.sharp && !s.contains('.') {
                format!("{s}.")
            } else {
                s
            }
        }
        'e' | 'E' => {
            let p = spec.prec.unwrap_or(6);
            let (d, e) = sci(&format!("{a:.p$e}"));
            e_form(&d, e, p, spec.sharp)
        }
        _ => fmt_g(a, spec.prec),
    };
    let body = if verb.is_ascii_uppercase() {
        body.to_uppercase()
    } else {
        body
    };
    pad(spec, sign_of(spec, f.is_sign_negative()), &body, true)
}

fn as_int(v: &Value) -> Option<i64> {
    if v.is_number() { v.as_i64() } else { None }
}

fn format_one(spec: &Spec, verb: char, v: &Value, printing: Printing) -> Result<String, Error> {
    let bad = || op_err(format!("printf: %{verb} cannot format {}", v.kind()));
    Ok(match verb {
        'v' | 's' => {
            let s = show(v, printing);
            let s = match spec.prec {
                Some(p) if v.kind() == ValueKind::String => s.chars().take(p).collect(),
                _ => s,
            };
            pad(spec, "", &s, true)
        }
        'd' | 'x' | 'X' | 'o' | 'O' | 'b' if as_int(v).is_some() => {
            fmt_int(spec, as_int(v).unwrap_or(0), verb)
        }
        'x' | 'X' if v.kind() == ValueKind::String => {
            let bytes = v.as_str().unwrap_or("").as_bytes();
            let bytes = &bytes[..spec.prec.unwrap_or(bytes.len()).min(bytes.len())];
            let hex: Vec<String> = bytes
                .iter()
                .map(|b| {
                    if verb == 'x' {
                        format!("{b:02x}")
                    } else {
                        format!("{b:02X}")
                    }
                })
                .collect();
            let pre = match (spec.sharp, verb) {
                (false, _) => "",
                (true, 'x') => "0x",
                (true, _) => "0X",
            };
            let s = if spec.space {
                hex.iter()
                    .map(|h| format!("{pre}{h}"))
                    .collect::<Vec<_>>()
                    .join(" ")
            } else {
                format!("{pre}{}", hex.concat())
            };
            pad(spec, "", &s, true)
        }
        'e' | 'E' | 'f' | 'F' | 'g' | 'G' if v.is_number() => {
            fmt_float(spec, f64::try_from(v.clone()).map_err(|_| bad())?, verb)
        }
        'c' | 'q' | 'U' if as_int(v).is_some() => {
            let i = as_int(v).unwrap_or(0);
            let c = u32::try_from(i)
                .ok()
                .and_then(char::from_u32)
                .unwrap_or('\u{fffd}');
            let s = match verb {
                'c' => c.to_string(),
                'q' => format!("{c:?}"),
                _ if spec.sharp && !c.is_control() && !c.is_whitespace() => {
                    format!("U+{i:04X} '{c}'")
                }
                _ => format!("U+{i:04X}"),
            };
            pad(spec, "", &s, false)
        }
        'q' if v.kind() == ValueKind::String => {
            pad(spec, "", &format!("{:?}", v.as_str().unwrap_or("")), false)
        }
        't' if v.kind() == ValueKind::Bool => pad(spec, "", &v.is_true().to_string(), false),
        'T' => pad(spec, "", go_type(v), false),
        _ => return Err(bad()),
    })
}

/// Go's Sprintf over minijinja values: flags, width and precision (also
/// `*`), argument indexes `[n]`, the common verbs. `%v`/`%s` print a value
/// the way the measurement prints values. Where Go would print a
/// diagnostic into the output (`%!d(string=x)`, `%!s(MISSING)`,
/// `%!(EXTRA ...)`) this printf fails, except that extra arguments are
/// ignored.
fn go_printf(format: &str, args: &[Value], printing: Printing) -> Result<String, Error> {
    type Chars<'a> = std::iter::Peekable<std::str::Chars<'a>>;
    fn digits(chars: &mut Chars<'_>) -> Option<usize> {
        let mut n: Option<usize> = None;
        while let Some(d) = chars.peek().and_then(|c| c.to_digit(10)) {
            n = Some(n.unwrap_or(0) * 10 + d as usize);
            chars.next();
        }
        n
    }
    let index = |chars: &mut Chars<'_>, next: &mut usize| -> Result<(), Error> {
        if chars.peek() == Some(&'[') {
            chars.next();
            let n = digits(chars);
            if chars.next() != Some(']') {
                return Err(op_err("printf: bad argument index"));
            }
            match n {
                Some(n) if n >= 1 && n <= args.len() => *next = n - 1,
                _ => return Err(op_err("printf: bad argument index")),
            }
        }
        Ok(())
    };
    let star = |next: &mut usize| -> Result<i64, Error> {
        let v = args
            .get(*next)
            .and_then(as_int)
            .filter(|_| args.get(*next).is_some_and(Value::is_integer));
        *next += 1;
        v.ok_or_else(|| op_err("printf: bad width or precision"))
    };
    let mut out = String::new();
    let mut chars = format.chars().peekable();
    let mut next = 0;
    while let Some(c) = chars.next() {
        if c != '%' {
            out.push(c);
            continue;
        }
        let mut spec = Spec::default();
        while let Some(&f) = chars.peek() {
            match f {
                '-' => spec.minus = true,
                '+' => spec.plus = true,
                '#' => spec.sharp = true,
                ' ' => spec.space = true,
                '0' => spec.zero = true,
                _ => break,
            }
            chars.next();
        }
        index(&mut chars, &mut next)?;
        if chars.peek() == Some(&'*') {
            chars.next();
            let w = star(&mut next)?;
            if w < 0 {
                spec.minus = true;
            }
            spec.width = Some(usize::try_from(w.unsigned_abs()).unwrap_or(0));
        } else {
            spec.width = digits(&mut chars);
        }
        if chars.peek() == Some(&'.') {
            chars.next();
            index(&mut chars, &mut next)?;
            if chars.peek() == Some(&'*') {
                chars.next();
                let p = star(&mut next)?;
                spec.prec = usize::try_from(p).ok();
                if p < 0 {
                    return Err(op_err("printf: negative precision"));
                }
            } else {
                spec.prec = Some(digits(&mut chars).unwrap_or(0));
            }
        }
        index(&mut chars, &mut next)?;
        let Some(verb) = chars.next() else {
            return Err(op_err("printf: the format ends inside a verb"));
        };
        if verb == '%' {
            out.push('%');
            continue;
        }
        let arg = args
            .get(next)
            .ok_or_else(|| op_err(format!("printf: no argument for %{verb}")))?;
        next += 1;
        out.push_str(&format_one(&spec, verb, arg, printing)?);
    }
    Ok(out)
}

fn environment(printing: Printing) -> Environment<'static> {
    let mut env = Environment::new();
    // Helm does not escape; minijinja would JSON-escape a `.yaml` template.
    env.set_auto_escape_callback(|_| AutoEscape::None);
    if let Ok(syntax) = minijinja::syntax::SyntaxConfig::builder()
        .keep_trailing_newline(true)
        .build()
    {
        env.set_syntax(syntax);
    }
    if printing == Printing::Go {
        // `{{ x }}` prints Go's %v; a nil prints Helm's (erased) `<no value>`.
        env.set_formatter(|out, _state, v| {
            let s = match v.kind() {
                ValueKind::Undefined | ValueKind::None => String::new(),
                ValueKind::String => v.to_string(),
                _ => go_value(v),
            };
            out.write_str(&s).map_err(Error::from)
        });
    }
    env.add_function("pairs", pairs);
    env.add_function("eq", |a: Value, rest: Rest<Value>| -> Result<bool, Error> {
        if rest.is_empty() {
            return Err(Error::new(
                ErrorKind::MissingArgument,
                "eq needs two operands",
            ));
        }
        Ok(rest.contains(&a))
    });
    env.add_function("ne", |a: Value, b: Value| a != b);
    env.add_function("lt", |a: Value, b: Value| a < b);
    env.add_function("le", |a: Value, b: Value| a <= b);
    env.add_function("gt", |a: Value, b: Value| a > b);
    env.add_function("ge", |a: Value, b: Value| a >= b);
    env.add_function("len", |v: Value| -> Result<usize, Error> {
        v.len()
            .ok_or_else(|| op_err(format!("len of {}", v.kind())))
    });
    env.add_function(
        "index",
        |v: Value, keys: Rest<Value>| -> Result<Value, Error> {
            let mut cur = v;
            for k in keys.iter() {
                cur = cur.get_item(k)?;
            }
            Ok(cur)
        },
    );
    env.add_function("print", move |args: Rest<Value>| go_print(&args, printing));
    env.add_function("println", move |args: Rest<Value>| {
        let parts: Vec<String> = args.iter().map(|a| show(a, printing)).collect();
        format!("{}\n", parts.join(" "))
    });
    env.add_function(
        "printf",
        move |format: Value, args: Rest<Value>| -> Result<String, Error> {
            let Some(format) = format.as_str() else {
                return Err(op_err(format!("printf: the format is a {}", format.kind())));
            };
            go_printf(format, &args, printing)
        },
    );
    env
}

// ---------------------------------------------------------------------------
// Helm's data as minijinja values
// ---------------------------------------------------------------------------

/// `.Capabilities.APIVersions`: a list of strings with a `Has` method.
#[derive(Debug)]
struct VersionSet(Vec<&'static str>);

impl Object for VersionSet {
    fn repr(self: &Arc<Self>) -> ObjectRepr {
        ObjectRepr::Seq
    }

    fn get_value(self: &Arc<Self>, key: &Value) -> Option<Value> {
        key.as_usize()
            .and_then(|i| self.0.get(i))
            .map(|s| Value::from(*s))
    }

    fn enumerate(self: &Arc<Self>) -> Enumerator {
        Enumerator::Seq(self.0.len())
    }

    fn call_method(
        self: &Arc<Self>,
        _state: &mut State<'_, '_>,
        method: &str,
        args: &[Value],
    ) -> Result<Value, Error> {
        if method != "Has" {
            return Err(Error::from(ErrorKind::UnknownMethod));
        }
        let [arg] = args else {
            return Err(Error::new(
                ErrorKind::InvalidOperation,
                "Has takes one argument",
            ));
        };
        let Some(want) = arg.as_str() else {
            return Err(Error::new(
                ErrorKind::InvalidOperation,
                "Has takes a string",
            ));
        };
        Ok(Value::from(self.0.contains(&want)))
    }
}

fn map(entries: Vec<(&str, Value)>) -> Value {
    Value::from(
        entries
            .into_iter()
            .map(|(k, v)| (k.to_string(), v))
            .collect::<BTreeMap<String, Value>>(),
    )
}

fn helm_context(values: &serde_json::Value) -> Value {
    let release = map(vec![
        ("Name", Value::from("r")),
        ("Namespace", Value::from("default")),
        ("IsInstall", Value::from(true)),
        ("IsUpgrade", Value::from(false)),
        ("Revision", Value::from(1)),
        ("Service", Value::from("Helm")),
    ]);
    let template = map(vec![
        ("Name", Value::from(TEMPLATE)),
        ("BasePath", Value::from("c/templates")),
    ]);
    let kube = map(vec![
        ("Version", Value::from("v1.36.0")),
        ("Major", Value::from("1")),
        ("Minor", Value::from("36")),
    ]);
    let caps = map(vec![
        (
            "APIVersions",
            Value::from_object(VersionSet(vec!["v1", "apps/v1", "batch/v1"])),
        ),
        ("KubeVersion", kube),
    ]);
    let mut root = vec![
        ("Values", Value::from(Serde(values))),
        ("Release", release),
        ("Template", template),
        ("Capabilities", caps),
        ("Subcharts", map(vec![])),
    ];
    let root_value = map(root.clone());
    root.push((ROOT, root_value));
    map(root)
}

// ---------------------------------------------------------------------------
// The measurement
// ---------------------------------------------------------------------------

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Verdict {
    /// Same output as Helm.
    Agreed,
    /// Helm failed and so did the translator or minijinja (texts not compared).
    BothFailed,
    /// Both printed, differently.
    Differed,
    /// Helm printed; the translator has no Jinja form for the template.
    NotExpressible,
    /// One failed where the other printed.
    ErrorMismatch,
}

const VERDICTS: [(Verdict, &str); 5] = [
    (Verdict::Agreed, "agreed: same output"),
    (
        Verdict::BothFailed,
        "agreed: both fail (error texts not compared)",
    ),
    (Verdict::Differed, "differed: wrong output"),
    (
        Verdict::NotExpressible,
        "not expressible by the translation",
    ),
    (
        Verdict::ErrorMismatch,
        "error mismatch: one fails, the other prints",
    ),
];

fn agrees(v: Verdict) -> bool {
    matches!(v, Verdict::Agreed | Verdict::BothFailed)
}

struct Outcome {
    name: String,
    template: String,
    /// Per printing (minijinja's, Go's): the verdict and why.
    results: [(Verdict, &'static str); 2],
    detail: String,
}

fn render(jinja: &str, values: &serde_json::Value, printing: Printing) -> Result<String, String> {
    let mut env = environment(printing);
    let rendered = env
        .add_template_owned(TEMPLATE.to_string(), jinja.to_string())
        .and_then(|()| env.get_template(TEMPLATE)?.render(helm_context(values)));
    match rendered {
        Ok(out) => Ok(out.replace("<no value>", "")),
        Err(e) => Err(format!("{e}")),
    }
}

fn has_word(text: &str, words: &[&str]) -> bool {
    text.split(|c: char| !c.is_ascii_alphanumeric())
        .any(|w| words.contains(&w))
}

/// Which printing difference a case shows (it agrees once values print as
/// Go prints them).
fn printing_reason(want: Result<&str, &str>, got: Result<&str, &str>) -> &'static str {
    let (Ok(want), Ok(got)) = (want, got) else {
        return "printing (nil as <no value> vs None)";
    };
    let list = got.contains("['")
        || got.contains("{'")
        || got.contains("{}")
        || want.contains("map[")
        || got
            .split('[')
            .skip(1)
            .any(|s| s.split(']').next().is_some_and(|s| s.contains(", ")));
    if list {
        "printing: maps and lists print as {'a': 1.0} and ['a', 'b'], Go map[a:1] and [a b]"
    } else if has_word(got, &["True", "False"]) {
        "printing: bools print True/False (minijinja 3), Go true/false"
    } else if has_word(got, &["None"]) || want.contains("<nil>") || want.contains("no value") {
        "printing: nil prints None, a missing value nothing; Go <nil> (or Helm's erased <no value>)"
    } else {
        "printing: floats print 3.0, 1000000.0, 0.00001; Go's %g 3, 1e+06, 1e-05"
    }
}

/// Why a case disagrees other than by how values print.
fn semantic_reason(
    template: &str,
    want: Result<&str, &str>,
    got: Result<&str, &str>,
) -> &'static str {
    match (want, got) {
        (Ok(w), Ok(_)) => {
            // A variable set in a range/with/if clause or inside its body.
            let actions: Vec<&str> = template
                .split("{{")
                .skip(1)
                .map(|a| {
                    a.split("}}")
                        .next()
                        .unwrap_or("")
                        .trim_start_matches('-')
                        .trim_start()
                })
                .collect();
            let block =
                |a: &&str| a.starts_with("range") || a.starts_with("with") || a.starts_with("if");
            let assigns = |a: &&str| a.contains(" = ") || a.contains(":=");
            let assign_in_block = actions.iter().any(|a| block(a) && a.contains(" = "))
                || actions
                    .iter()
                    .skip_while(|a| !block(a))
                    .skip(1)
                    .any(assigns);
            if w.contains("%!") {
                return "printf: Go prints its diagnostics (%!d(float64=3), %!s(<nil>), %!(EXTRA ...)); this printf does not";
            }
            if has_word(template, &["nil"]) && has_word(template, &["eq", "ne"]) {
                return "nil: a missing value is minijinja's undefined, which is not equal to none; in Go both are nil";
            }
            if template.contains("%T") {
                "%T: values know no Go types beyond int/float64/string/bool/list/map (common.Values, uint8, ...)"
            } else if assign_in_block {
                "scoping: a variable set inside range/with does not reach outside (Jinja scopes), one set inside if does"
            } else if template.contains("define") {
                "define: a later Jinja macro (even an empty one) replaces the earlier; Go keeps the non-empty one"
            } else if template.contains("html") {
                "html: minijinja's escape filter writes &#x27; &quot; &#x2f;, Go's html &#39; &#34;"
            } else if template.contains("len") || template.contains("index") {
                "strings: minijinja's len and indexing count characters, Go's bytes"
            } else if template.contains("printf") {
                "printf details (%#g, %b/%x of floats, %+q, %#q, %5.2v, % v, EXTRA arguments, Go's quoting)"
            } else {
                "other output difference"
            }
        }
        (Err(w), Ok(_)) => {
            if w.contains("float64 and int") || w.contains("int and float64") {
                "comparison: Go refuses int against float64 (eq .Values.int 3); minijinja compares 3.0 == 3"
            } else if w.contains("comparison") || w.contains("comparable") {
                "comparison: Go refuses mixed kinds, lists, maps, nil, bool order; minijinja orders anything"
            } else if w.contains("can't evaluate field") || w.contains("nil pointer evaluating") {
                "fields: a field of a string, number, list or nil fails in Go; minijinja gives undefined"
            } else if w.contains("error calling index") {
                "index: out of range or a wrong key type fails in Go; minijinja gives undefined (or counts from the end)"
            } else if w.contains("undefined variable") {
                "variables: Go rejects an undefined variable when parsing; Jinja prints it as empty"
            } else if w.contains("nil is not a command") {
                "{{ nil }}: Go rejects it; minijinja prints None"
            } else if w.contains("multiple definition") {
                "define: Go rejects two non-empty definitions; Jinja keeps the last macro"
            } else {
                "other checks Go makes and minijinja does not (range over an int with two variables, a method without its argument)"
            }
        }
        (Ok(_), Err(g)) => {
            if g.contains("unknown statement break") || g.contains("unknown statement continue") {
                "break/continue: minijinja's loop_controls feature is off in imgsift's build"
            } else if g.contains("urlencode") {
                "urlquery: minijinja's urlencode filter (feature) is off in imgsift's build"
            } else if g.contains("printf") {
                "printf: Go prints its diagnostics (%!d(float64=3), %!s(<nil>), %!(EXTRA ...)); this printf does not"
            } else if g.contains("undefined value") {
                "missing values: a field of a missing value in a variable or parentheses prints nothing in Go; minijinja fails"
            } else {
                "other minijinja failure"
            }
        }
        (Err(_), Err(_)) => "",
    }
}

fn verdict(want: Result<&str, &str>, got: Result<&str, &str>) -> Verdict {
    match (want, got) {
        (Ok(w), Ok(g)) if w == g => Verdict::Agreed,
        (Ok(_), Ok(_)) => Verdict::Differed,
        (Err(_), Err(_)) => Verdict::BothFailed,
        _ => Verdict::ErrorMismatch,
    }
}

fn as_ref(r: &Result<String, String>) -> Result<&str, &str> {
    r.as_ref().map(String::as_str).map_err(String::as_str)
}

fn run_case(c: &serde_json::Value) -> Outcome {
    let name = c["name"].as_str().unwrap_or("?").to_string();
    let template = c["template"].as_str().unwrap_or("").to_string();
    let want: Result<&str, &str> = match (c["output"].as_str(), c["error"].as_str()) {
        (Some(o), _) => Ok(o),
        (None, Some(e)) => Err(e),
        (None, None) => panic!("case {name} has neither output nor error"),
    };
    let jinja = match translate(&template) {
        Ok(j) => j,
        Err(u) => {
            let u_text = match &u {
                Untranslatable::GoRejects(msg) => Some(msg.clone()),
                Untranslatable::NoJinjaForm(_) => None,
            };
            let r = match (want, u) {
                (Err(_), _) => (Verdict::BothFailed, "translator"),
                (Ok(_), Untranslatable::NoJinjaForm(why)) => (Verdict::NotExpressible, why),
                (Ok(_), Untranslatable::GoRejects(_)) => (
                    Verdict::NotExpressible,
                    "a Go parser quirk the translator does not accept ({{ (1 | ) }})",
                ),
            };
            let detail = match u_text {
                Some(t) => format!("translator: {t}"),
                None => String::new(),
            };
            return Outcome {
                name,
                template,
                results: [r, r],
                detail,
            };
        }
    };
    let mj = render(&jinja, &c["values"], Printing::Minijinja);
    let go = render(&jinja, &c["values"], Printing::Go);
    let (vm, vg) = (verdict(want, as_ref(&mj)), verdict(want, as_ref(&go)));
    let reason_go = if agrees(vg) {
        "minijinja"
    } else {
        semantic_reason(&template, want, as_ref(&go))
    };
    let reason_mj = if agrees(vm) {
        "minijinja"
    } else if agrees(vg) {
        printing_reason(want, as_ref(&mj))
    } else {
        semantic_reason(&template, want, as_ref(&mj))
    };
    let detail =
        format!("jinja {jinja:?}\n      helm  {want:?}\n      mj    {mj:?}\n      go    {go:?}");
    Outcome {
        name,
        template,
        results: [(vm, reason_mj), (vg, reason_go)],
        detail,
    }
}

/// Counts per verdict, in VERDICTS order.
fn tally(outcomes: &[Outcome], which: usize) -> [usize; 5] {
    VERDICTS.map(|(v, _)| outcomes.iter().filter(|o| o.results[which].0 == v).count())
}

fn breakdown(outcomes: &[Outcome], which: usize) {
    let mut by_reason: BTreeMap<(&'static str, Verdict), Vec<&Outcome>> = BTreeMap::new();
    for o in outcomes {
        let (v, why) = o.results[which];
        if !agrees(v) {
            by_reason.entry((why, v)).or_default().push(o);
        }
    }
    let mut rows: Vec<_> = by_reason.into_iter().collect();
    rows.sort_by_key(|(k, v)| (std::cmp::Reverse(v.len()), *k));
    for ((why, v), list) in &rows {
        let kind = match v {
            Verdict::Differed => "differed",
            Verdict::NotExpressible => "not expressible",
            _ => "error mismatch",
        };
        println!("  {:4}  [{kind}] {why}", list.len());
        println!("          e.g. {}: {:?}", list[0].name, list[0].template);
    }
}

#[test]
fn minijinja_parity() {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/crates/gotemplate/tests/helm-cases.json"
    );
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("reading {path}: {e}"));
    let doc: serde_json::Value =
        serde_json::from_str(&text).unwrap_or_else(|e| panic!("parsing {path}: {e}"));
    let cases = doc["cases"].as_array().cloned().unwrap_or_default();
    let outcomes: Vec<Outcome> = cases.iter().map(run_case).collect();
    let total = outcomes.len();
    let printing_cases = cases.iter().filter(|c| c["output"].is_string()).count();
    let by_translator = |which: usize| {
        outcomes
            .iter()
            .filter(|o| o.results[which] == (Verdict::BothFailed, "translator"))
            .count()
    };
    let mj = tally(&outcomes, 0);
    let go = tally(&outcomes, 1);

    println!(
        "minijinja 3.0 on {total} Helm {} cases ({printing_cases} print, {} fail), Go templates translated to Jinja",
        doc["helm"].as_str().unwrap_or("?"),
        total - printing_cases
    );
    println!("  {:48} {:>12} {:>12}", "", "mj printing", "Go printing");
    for (i, (_, label)) in VERDICTS.iter().enumerate() {
        println!("  {label:48} {:12} {:12}", mj[i], go[i]);
        if i == 1 {
            println!(
                "  {:48} {:12} {:12}",
                "  of which the translator rejected the template",
                by_translator(0),
                by_translator(1)
            );
        }
    }
    println!(
        "  {:48} {:>12} {:>12}",
        "agreement (both-fail counted as agreeing)",
        format!("{}/{total}", mj[0] + mj[1]),
        format!("{}/{total}", go[0] + go[1])
    );
    println!(
        "  {:48} {:>12} {:>12}",
        "same output, of the cases where Helm prints",
        format!("{}/{printing_cases}", mj[0]),
        format!("{}/{printing_cases}", go[0])
    );
    println!("  (mj printing: values print as minijinja prints them; Go printing: a formatter");
    println!("   and print/printf print them with Go's %v, the most favourable setup)");
    println!("why they do not agree, with minijinja's printing:");
    breakdown(&outcomes, 0);
    println!("why they do not agree, with Go's printing:");
    breakdown(&outcomes, 1);
    if std::env::var_os("MJ_PARITY_VERBOSE").is_some() {
        for o in &outcomes {
            if o.results.iter().any(|r| r.0 != Verdict::Agreed) {
                println!(
                    "{} {:?}\n      mj: {:?} {}\n      go: {:?} {}\n      {}",
                    o.name,
                    o.template,
                    o.results[0].0,
                    o.results[0].1,
                    o.results[1].0,
                    o.results[1].1,
                    o.detail
                );
            }
        }
    }

    assert_eq!(total, 929, "the number of recorded Helm cases changed");
    assert_eq!(
        mj,
        [372, 196, 232, 13, 116],
        "the measured agreement (minijinja printing) changed"
    );
    assert_eq!(
        go,
        [557, 196, 47, 13, 116],
        "the measured agreement (Go printing) changed"
    );
}
