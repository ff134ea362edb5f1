//! The lexer: template text into items (text, delimiters, and the tokens of
//! actions), with byte positions and line numbers as Go's `parse/lex.go`
//! computes them, trim markers (`{{- ` and ` -}}`) and comments.
//!
//! Like Go's lexer it is pulled one item at a time by the parser, and stops
//! at the first error, which it reports as an error item.

use crate::strconv::{is_print, quote};

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) enum ItemType {
    Error,
    Bool,
    Char,
    CharConstant,
    Comment,
    Complex,
    Assign,
    Declare,
    Eof,
    Field,
    Identifier,
    LeftDelim,
    LeftParen,
    Number,
    Pipe,
    RawString,
    RightDelim,
    RightParen,
    Space,
    String,
    Text,
    Variable,
    // Keywords follow; `Keyword` only delimits them.
    Keyword,
    Block,
    Break,
    Continue,
    Dot,
    Define,
    Else,
    End,
    If,
    Nil,
    Range,
    Template,
    With,
}

#[derive(Clone, Debug)]
pub(crate) struct Item {
    pub(crate) typ: ItemType,
    pub(crate) pos: usize,
    pub(crate) val: String,
    pub(crate) line: usize,
}

impl Item {
    /// Go's `item.String()`, used in "unexpected X" messages.
    pub(crate) fn describe(&self) -> String {
        match self.typ {
            ItemType::Eof => "EOF".to_string(),
            ItemType::Error => self.val.clone(),
            t if t > ItemType::Keyword => format!("<{}>", self.val),
            _ if self.val.len() > 10 => {
                let head: String = self.val.chars().take(10).collect();
                format!("{}...", quote(&head, false))
            }
            _ => quote(&self.val, false),
        }
    }
}

fn keyword(word: &str) -> Option<ItemType> {
    Some(match word {
        "." => ItemType::Dot,
        "block" => ItemType::Block,
        "break" => ItemType::Break,
        "continue" => ItemType::Continue,
        "define" => ItemType::Define,
        "else" => ItemType::Else,
        "end" => ItemType::End,
        "if" => ItemType::If,
        "range" => ItemType::Range,
        "nil" => ItemType::Nil,
        "template" => ItemType::Template,
        "with" => ItemType::With,
        _ => return None,
    })
}

const LEFT_COMMENT: &str = "/*";
const RIGHT_COMMENT: &str = "*/";
/// The trim marker plus the space next to it.
const TRIM_MARKER_LEN: usize = 2;

pub(crate) fn is_space(c: char) -> bool {
    matches!(c, ' ' | '\t' | '\r' | '\n')
}

fn is_space_byte(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | b'\r' | b'\n')
}

/// Go's `unicode.IsLetter(r) || unicode.IsDigit(r) || r == '_'`.
/// Rust's alphabetic/numeric properties stand in for Go's categories.
pub(crate) fn is_alphanumeric(c: char) -> bool {
    c == '_' || c.is_alphabetic() || c.is_numeric()
}

fn has_left_trim_marker(s: &str) -> bool {
    let b = s.as_bytes();
    b.len() >= 2 && b[0] == b'-' && is_space_byte(b[1])
}

fn has_right_trim_marker(s: &str) -> bool {
    let b = s.as_bytes();
    b.len() >= 2 && is_space_byte(b[0]) && b[1] == b'-'
}

fn right_trim_length(s: &str) -> usize {
    s.len() - s.trim_end_matches(is_space).len()
}

fn left_trim_length(s: &str) -> usize {
    s.len() - s.trim_start_matches(is_space).len()
}

/// Go's `%#U`.
fn sharp_u(c: char) -> String {
    let mut s = format!("U+{:04X}", c as u32);
    if is_print(c) {
        s.push_str(&format!(" '{c}'"));
    }
    s
}

#[derive(Clone, Copy)]
enum State {
    Text,
    LeftDelim,
    Comment,
    RightDelim,
    InsideAction,
    Space,
    Identifier,
    Field,
    Variable,
    Char,
    Number,
    Quote,
    RawQuote,
}

pub(crate) struct Lexer<'a> {
    input: &'a str,
    left: &'a str,
    right: &'a str,
    pos: usize,
    start: usize,
    at_eof: bool,
    paren_depth: i64,
    line: usize,
    start_line: usize,
    item: Option<Item>,
    inside_action: bool,
    pub(crate) emit_comment: bool,
    pub(crate) break_ok: bool,
    pub(crate) continue_ok: bool,
}

const EOF: Option<char> = None;

impl<'a> Lexer<'a> {
    pub(crate) fn new(input: &'a str, left: &'a str, right: &'a str) -> Self {
        Lexer {
            input,
            left,
            right,
            pos: 0,
            start: 0,
            at_eof: false,
            paren_depth: 0,
            line: 1,
            start_line: 1,
            item: None,
            inside_action: false,
            emit_comment: false,
            break_ok: true,
            continue_ok: true,
        }
    }

    fn rest(&self) -> &'a str {
        self.input.get(self.pos..).unwrap_or("")
    }

    fn from(&self, at: usize) -> &'a str {
        self.input.get(at..).unwrap_or("")
    }

    fn next(&mut self) -> Option<char> {
        match self.rest().chars().next() {
            None => {
                self.at_eof = true;
                EOF
            }
            Some(c) => {
                self.pos += c.len_utf8();
                if c == '\n' {
                    self.line += 1;
                }
                Some(c)
            }
        }
    }

    fn peek(&mut self) -> Option<char> {
        let r = self.next();
        self.backup();
        r
    }

    fn backup(&mut self) {
        if !self.at_eof && self.pos > 0 {
            if let Some(c) = self
                .input
                .get(..self.pos)
                .and_then(|s| s.chars().next_back())
            {
                self.pos -= c.len_utf8();
                if c == '\n' {
                    self.line -= 1;
                }
            }
        }
    }

    fn count_newlines(&self, from: usize, to: usize) -> usize {
        self.input
            .get(from..to)
            .map_or(0, |s| s.bytes().filter(|&b| b == b'\n').count())
    }

    fn this_item(&mut self, typ: ItemType) -> Item {
        let i = Item {
            typ,
            pos: self.start,
            val: self
                .input
                .get(self.start..self.pos)
                .unwrap_or("")
                .to_string(),
            line: self.start_line,
        };
        self.start = self.pos;
        self.start_line = self.line;
        i
    }

    fn emit(&mut self, typ: ItemType) -> Option<State> {
        let i = self.this_item(typ);
        self.emit_item(i)
    }

    fn emit_item(&mut self, i: Item) -> Option<State> {
        self.item = Some(i);
        None
    }

    fn ignore(&mut self) {
        self.line += self.count_newlines(self.start, self.pos);
        self.start = self.pos;
        self.start_line = self.line;
    }

    fn accept(&mut self, valid: &str) -> bool {
        match self.next() {
            Some(c) if valid.contains(c) => true,
            _ => {
                self.backup();
                false
            }
        }
    }

    fn accept_run(&mut self, valid: &str) {
        while let Some(c) = self.next() {
            if !valid.contains(c) {
                break;
            }
        }
        self.backup();
    }

    fn errorf(&mut self, msg: String) -> Option<State> {
        self.item = Some(Item {
            typ: ItemType::Error,
            pos: self.start,
            val: msg,
            line: self.start_line,
        });
        self.start = 0;
        self.pos = 0;
        self.input = "";
        None
    }

    /// The next item.
    pub(crate) fn next_item(&mut self) -> Item {
        self.item = None;
        let mut state = if self.inside_action {
            State::InsideAction
        } else {
            State::Text
        };
        loop {
            let next = match state {
                State::Text => self.lex_text(),
                State::LeftDelim => self.lex_left_delim(),
                State::Comment => self.lex_comment(),
                State::RightDelim => self.lex_right_delim(),
                State::InsideAction => self.lex_inside_action(),
                State::Space => self.lex_space(),
                State::Identifier => self.lex_identifier(),
                State::Field => self.lex_field_or_variable(ItemType::Field),
                State::Variable => self.lex_variable(),
                State::Char => self.lex_char(),
                State::Number => self.lex_number(),
                State::Quote => self.lex_quote(),
                State::RawQuote => self.lex_raw_quote(),
            };
            match next {
                Some(s) => state = s,
                None => {
                    return self.item.take().unwrap_or(Item {
                        typ: ItemType::Eof,
                        pos: self.pos,
                        val: "EOF".to_string(),
                        line: self.start_line,
                    });
                }
            }
        }
    }

    fn lex_text(&mut self) -> Option<State> {
        if let Some(x) = self.rest().find(self.left) {
            if x > 0 {
                self.pos += x;
                let mut trim_len = 0;
                let delim_end = self.pos + self.left.len();
                if has_left_trim_marker(self.from(delim_end)) {
                    trim_len =
                        right_trim_length(self.input.get(self.start..self.pos).unwrap_or(""));
                }
                self.pos -= trim_len;
                self.line += self.count_newlines(self.start, self.pos);
                let i = self.this_item(ItemType::Text);
                self.pos += trim_len;
                self.ignore();
                if !i.val.is_empty() {
                    return self.emit_item(i);
                }
            }
            return Some(State::LeftDelim);
        }
        self.pos = self.input.len();
        if self.pos > self.start {
            self.line += self.count_newlines(self.start, self.pos);
            return self.emit(ItemType::Text);
        }
        self.emit(ItemType::Eof)
    }

    fn at_right_delim(&self) -> (bool, bool) {
        let rest = self.rest();
        if has_right_trim_marker(rest)
            && self
                .from(self.pos + TRIM_MARKER_LEN)
                .starts_with(self.right)
        {
            return (true, true);
        }
        if rest.starts_with(self.right) {
            return (true, false);
        }
        (false, false)
    }

    fn lex_left_delim(&mut self) -> Option<State> {
        self.pos += self.left.len();
        let trim_space = has_left_trim_marker(self.rest());
        let after_marker = if trim_space { TRIM_MARKER_LEN } else { 0 };
        if self.from(self.pos + after_marker).starts_with(LEFT_COMMENT) {
            self.pos += after_marker;
            self.ignore();
            return Some(State::Comment);
        }
        let i = self.this_item(ItemType::LeftDelim);
        self.inside_action = true;
        self.pos += after_marker;
        self.ignore();
        self.paren_depth = 0;
        self.emit_item(i)
    }

    fn lex_comment(&mut self) -> Option<State> {
        self.pos += LEFT_COMMENT.len();
        let Some(x) = self.rest().find(RIGHT_COMMENT) else {
            return self.errorf("unclosed comment".to_string());
        };
        self.pos += x + RIGHT_COMMENT.len();
        let (delim, trim_space) = self.at_right_delim();
        if !delim {
            return self.errorf("comment ends before closing delimiter".to_string());
        }
        self.line += self.count_newlines(self.start, self.pos);
        let i = self.this_item(ItemType::Comment);
        if trim_space {
            self.pos += TRIM_MARKER_LEN;
        }
        self.pos += self.right.len();
        if trim_space {
            self.pos += left_trim_length(self.rest());
        }
        self.ignore();
        if self.emit_comment {
            return self.emit_item(i);
        }
        Some(State::Text)
    }

    fn lex_right_delim(&mut self) -> Option<State> {
        let (_, trim_space) = self.at_right_delim();
        if trim_space {
            self.pos += TRIM_MARKER_LEN;
            self.ignore();
        }
        self.pos += self.right.len();
        let i = self.this_item(ItemType::RightDelim);
        if trim_space {
            self.pos += left_trim_length(self.rest());
            self.ignore();
        }
        self.inside_action = false;
        self.emit_item(i)
    }

    fn lex_inside_action(&mut self) -> Option<State> {
        let (delim, _) = self.at_right_delim();
        if delim {
            if self.paren_depth == 0 {
                return Some(State::RightDelim);
            }
            return self.errorf("unclosed left paren".to_string());
        }
        let r = self.next();
        match r {
            None => self.errorf("unclosed action".to_string()),
            Some(c) if is_space(c) => {
                self.backup();
                Some(State::Space)
            }
            Some('=') => self.emit(ItemType::Assign),
            Some(':') => {
                if self.next() != Some('=') {
                    return self.errorf("expected :=".to_string());
                }
                self.emit(ItemType::Declare)
            }
            Some('|') => self.emit(ItemType::Pipe),
            Some('"') => Some(State::Quote),
            Some('`') => Some(State::RawQuote),
            Some('$') => Some(State::Variable),
            Some('\'') => Some(State::Char),
            Some('.') => {
                if let Some(&b) = self.input.as_bytes().get(self.pos) {
                    if !b.is_ascii_digit() {
                        return Some(State::Field);
                    }
                }
                self.backup();
                Some(State::Number)
            }
            Some(c) if c == '+' || c == '-' || c.is_ascii_digit() => {
                self.backup();
                Some(State::Number)
            }
            Some(c) if is_alphanumeric(c) => {
                self.backup();
                Some(State::Identifier)
            }
            Some('(') => {
                self.paren_depth += 1;
                self.emit(ItemType::LeftParen)
            }
            Some(')') => {
                self.paren_depth -= 1;
                if self.paren_depth < 0 {
                    return self.errorf("unexpected right paren".to_string());
                }
                self.emit(ItemType::RightParen)
            }
            Some(c) if c.is_ascii() && is_print(c) => self.emit(ItemType::Char),
            Some(c) => self.errorf(format!("unrecognized character in action: {}", sharp_u(c))),
        }
    }

    fn lex_space(&mut self) -> Option<State> {
        let mut num_spaces = 0;
        while let Some(c) = self.peek() {
            if !is_space(c) {
                break;
            }
            self.next();
            num_spaces += 1;
        }
        let before = self.pos.saturating_sub(1);
        if has_right_trim_marker(self.from(before))
            && self.from(before + TRIM_MARKER_LEN).starts_with(self.right)
        {
            self.backup();
            if num_spaces == 1 {
                return Some(State::RightDelim);
            }
        }
        self.emit(ItemType::Space)
    }

    fn lex_identifier(&mut self) -> Option<State> {
        loop {
            let r = self.next();
            match r {
                Some(c) if is_alphanumeric(c) => {}
                _ => {
                    self.backup();
                    let word = self
                        .input
                        .get(self.start..self.pos)
                        .unwrap_or("")
                        .to_string();
                    if !self.at_terminator() {
                        return self.errorf(format!("bad character {}", sharp_u_opt(r)));
                    }
                    if let Some(kw) = keyword(&word) {
                        if kw > ItemType::Keyword {
                            if (kw == ItemType::Break && !self.break_ok)
                                || (kw == ItemType::Continue && !self.continue_ok)
                            {
                                return self.emit(ItemType::Identifier);
                            }
                            return self.emit(kw);
                        }
                    }
                    if word.starts_with('.') {
                        return self.emit(ItemType::Field);
                    }
                    if word == "true" || word == "false" {
                        return self.emit(ItemType::Bool);
                    }
                    return self.emit(ItemType::Identifier);
                }
            }
        }
    }

    fn lex_variable(&mut self) -> Option<State> {
        if self.at_terminator() {
            return self.emit(ItemType::Variable);
        }
        self.lex_field_or_variable(ItemType::Variable)
    }

    fn lex_field_or_variable(&mut self, typ: ItemType) -> Option<State> {
        if self.at_terminator() {
            if typ == ItemType::Variable {
                return self.emit(ItemType::Variable);
            }
            return self.emit(ItemType::Dot);
        }
        let mut r;
        loop {
            r = self.next();
            match r {
                Some(c) if is_alphanumeric(c) => {}
                _ => {
                    self.backup();
                    break;
                }
            }
        }
        if !self.at_terminator() {
            return self.errorf(format!("bad character {}", sharp_u_opt(r)));
        }
        self.emit(typ)
    }

    fn at_terminator(&mut self) -> bool {
        match self.peek() {
            None => true,
            Some(c) if is_space(c) => true,
            Some('.' | ',' | '|' | ':' | ')' | '(') => true,
            _ => self.rest().starts_with(self.right),
        }
    }

    fn lex_char(&mut self) -> Option<State> {
        loop {
            match self.next() {
                Some('\\') => {
                    let r = self.next();
                    if r.is_some() && r != Some('\n') {
                        continue;
                    }
                    return self.errorf("unterminated character constant".to_string());
                }
                None | Some('\n') => {
                    return self.errorf("unterminated character constant".to_string());
                }
                Some('\'') => break,
                _ => {}
            }
        }
        self.emit(ItemType::CharConstant)
    }

    fn lex_number(&mut self) -> Option<State> {
        if !self.scan_number() {
            let text = quote(self.input.get(self.start..self.pos).unwrap_or(""), false);
            return self.errorf(format!("bad number syntax: {text}"));
        }
        if let Some(sign @ ('+' | '-')) = self.peek() {
            let _ = sign;
            if !self.scan_number()
                || self.input.as_bytes().get(self.pos.wrapping_sub(1)) != Some(&b'i')
            {
                let text = quote(self.input.get(self.start..self.pos).unwrap_or(""), false);
                return self.errorf(format!("bad number syntax: {text}"));
            }
            return self.emit(ItemType::Complex);
        }
        self.emit(ItemType::Number)
    }

    fn scan_number(&mut self) -> bool {
        self.accept("+-");
        let mut digits = "0123456789_";
        if self.accept("0") {
            if self.accept("xX") {
                digits = "0123456789abcdefABCDEF_";
            } else if self.accept("oO") {
                digits = "01234567_";
            } else if self.accept("bB") {
                digits = "01_";
            }
        }
        self.accept_run(digits);
        if self.accept(".") {
            self.accept_run(digits);
        }
        if digits.len() == 10 + 1 && self.accept("eE") {
            self.accept("+-");
            self.accept_run("0123456789_");
        }
        if digits.len() == 16 + 6 + 1 && self.accept("pP") {
            self.accept("+-");
            self.accept_run("0123456789_");
        }
        self.accept("i");
        if let Some(c) = self.peek() {
            if is_alphanumeric(c) {
                self.next();
                return false;
            }
        }
        true
    }

    fn lex_quote(&mut self) -> Option<State> {
        loop {
            match self.next() {
                Some('\\') => {
                    let r = self.next();
                    if r.is_some() && r != Some('\n') {
                        continue;
                    }
                    return self.errorf("unterminated quoted string".to_string());
                }
                None | Some('\n') => return self.errorf("unterminated quoted string".to_string()),
                Some('"') => break,
                _ => {}
            }
        }
        self.emit(ItemType::String)
    }

    fn lex_raw_quote(&mut self) -> Option<State> {
        loop {
            match self.next() {
                None => return self.errorf("unterminated raw quoted string".to_string()),
                Some('`') => break,
                _ => {}
            }
        }
        self.emit(ItemType::RawString)
    }
}

fn sharp_u_opt(r: Option<char>) -> String {
    match r {
        Some(c) => sharp_u(c),
        // Go prints %#U of eof (-1) this way.
        None => "U+FFFFFFFFFFFFFFFF".to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn collect(input: &str) -> Vec<(ItemType, String)> {
        let mut l = Lexer::new(input, "{{", "}}");
        let mut out = Vec::new();
        loop {
            let i = l.next_item();
            let t = i.typ;
            out.push((t, i.val));
            if t == ItemType::Eof || t == ItemType::Error {
                break;
            }
        }
        out
    }

    fn kinds(input: &str) -> String {
        collect(input)
            .iter()
            .map(|(t, v)| format!("{t:?}:{v}"))
            .collect::<Vec<_>>()
            .join(" ")
    }

    // Cases from Go's parse/lex_test.go (lexTests), in a compact form.
    #[test]
    fn lex_table() {
        use ItemType as T;
        let cases: Vec<(&str, Vec<(ItemType, &str)>)> = vec![
            ("", vec![(T::Eof, "")]),
            (" \t\n", vec![(T::Text, " \t\n"), (T::Eof, "")]),
            (
                "now is the time",
                vec![(T::Text, "now is the time"), (T::Eof, "")],
            ),
            (
                "hello-{{/* this is a comment */}}-world",
                vec![(T::Text, "hello-"), (T::Text, "-world"), (T::Eof, "")],
            ),
            (
                "{{,@% }}",
                vec![
                    (T::LeftDelim, "{{"),
                    (T::Char, ","),
                    (T::Char, "@"),
                    (T::Char, "%"),
                    (T::Space, " "),
                    (T::RightDelim, "}}"),
                    (T::Eof, ""),
                ],
            ),
            (
                "{{((3))}}",
                vec![
                    (T::LeftDelim, "{{"),
                    (T::LeftParen, "("),
                    (T::LeftParen, "("),
                    (T::Number, "3"),
                    (T::RightParen, ")"),
                    (T::RightParen, ")"),
                    (T::RightDelim, "}}"),
                    (T::Eof, ""),
                ],
            ),
            (
                "{{}}",
                vec![(T::LeftDelim, "{{"), (T::RightDelim, "}}"), (T::Eof, "")],
            ),
            (
                "{{for}}",
                vec![
                    (T::LeftDelim, "{{"),
                    (T::Identifier, "for"),
                    (T::RightDelim, "}}"),
                    (T::Eof, ""),
                ],
            ),
            (
                "{{block \"foo\" .}}",
                vec![
                    (T::LeftDelim, "{{"),
                    (T::Block, "block"),
                    (T::Space, " "),
                    (T::String, "\"foo\""),
                    (T::Space, " "),
                    (T::Dot, "."),
                    (T::RightDelim, "}}"),
                    (T::Eof, ""),
                ],
            ),
            (
                "{{\"abc \\n\\t\\\" \"}}",
                vec![
                    (T::LeftDelim, "{{"),
                    (T::String, "\"abc \\n\\t\\\" \""),
                    (T::RightDelim, "}}"),
                    (T::Eof, ""),
                ],
            ),
            (
                "{{`abc\n\\n`}}",
                vec![
                    (T::LeftDelim, "{{"),
                    (T::RawString, "`abc\n\\n`"),
                    (T::RightDelim, "}}"),
                    (T::Eof, ""),
                ],
            ),
            (
                "{{1 02 0x14 0X14 -7.2i 1e3 1E3 +1.2e-4 4.2i 1+2i 1_2 0x1.e_fp4 0X1.E_FP4}}",
                vec![
                    (T::LeftDelim, "{{"),
                    (T::Number, "1"),
                    (T::Space, " "),
                    (T::Number, "02"),
                    (T::Space, " "),
                    (T::Number, "0x14"),
                    (T::Space, " "),
                    (T::Number, "0X14"),
                    (T::Space, " "),
                    (T::Number, "-7.2i"),
                    (T::Space, " "),
                    (T::Number, "1e3"),
                    (T::Space, " "),
                    (T::Number, "1E3"),
                    (T::Space, " "),
                    (T::Number, "+1.2e-4"),
                    (T::Space, " "),
                    (T::Number, "4.2i"),
                    (T::Space, " "),
                    (T::Complex, "1+2i"),
                    (T::Space, " "),
                    (T::Number, "1_2"),
                    (T::Space, " "),
                    (T::Number, "0x1.e_fp4"),
                    (T::Space, " "),
                    (T::Number, "0X1.E_FP4"),
                    (T::RightDelim, "}}"),
                    (T::Eof, ""),
                ],
            ),
            (
                "{{'a' '\\n' '\\'' '\\\\' '\\u00FF' '\\xFF' '本'}}",
                vec![
                    (T::LeftDelim, "{{"),
                    (T::CharConstant, "'a'"),
                    (T::Space, " "),
                    (T::CharConstant, "'\\n'"),
                    (T::Space, " "),
                    (T::CharConstant, "'\\''"),
                    (T::Space, " "),
                    (T::CharConstant, "'\\\\'"),
                    (T::Space, " "),
                    (T::CharConstant, "'\\u00FF'"),
                    (T::Space, " "),
                    (T::CharConstant, "'\\xFF'"),
                    (T::Space, " "),
                    (T::CharConstant, "'本'"),
                    (T::RightDelim, "}}"),
                    (T::Eof, ""),
                ],
            ),
            (
                "{{true false}}",
                vec![
                    (T::LeftDelim, "{{"),
                    (T::Bool, "true"),
                    (T::Space, " "),
                    (T::Bool, "false"),
                    (T::RightDelim, "}}"),
                    (T::Eof, ""),
                ],
            ),
            (
                "{{.}}",
                vec![
                    (T::LeftDelim, "{{"),
                    (T::Dot, "."),
                    (T::RightDelim, "}}"),
                    (T::Eof, ""),
                ],
            ),
            (
                "{{nil}}",
                vec![
                    (T::LeftDelim, "{{"),
                    (T::Nil, "nil"),
                    (T::RightDelim, "}}"),
                    (T::Eof, ""),
                ],
            ),
            (
                "{{.x . .2 .x.y.z}}",
                vec![
                    (T::LeftDelim, "{{"),
                    (T::Field, ".x"),
                    (T::Space, " "),
                    (T::Dot, "."),
                    (T::Space, " "),
                    (T::Number, ".2"),
                    (T::Space, " "),
                    (T::Field, ".x"),
                    (T::Field, ".y"),
                    (T::Field, ".z"),
                    (T::RightDelim, "}}"),
                    (T::Eof, ""),
                ],
            ),
            (
                "{{range if else end with}}",
                vec![
                    (T::LeftDelim, "{{"),
                    (T::Range, "range"),
                    (T::Space, " "),
                    (T::If, "if"),
                    (T::Space, " "),
                    (T::Else, "else"),
                    (T::Space, " "),
                    (T::End, "end"),
                    (T::Space, " "),
                    (T::With, "with"),
                    (T::RightDelim, "}}"),
                    (T::Eof, ""),
                ],
            ),
            (
                "{{$c := printf $ $hello $23 $ $var.Field .Method}}",
                vec![
                    (T::LeftDelim, "{{"),
                    (T::Variable, "$c"),
                    (T::Space, " "),
                    (T::Declare, ":="),
                    (T::Space, " "),
                    (T::Identifier, "printf"),
                    (T::Space, " "),
                    (T::Variable, "$"),
                    (T::Space, " "),
                    (T::Variable, "$hello"),
                    (T::Space, " "),
                    (T::Variable, "$23"),
                    (T::Space, " "),
                    (T::Variable, "$"),
                    (T::Space, " "),
                    (T::Variable, "$var"),
                    (T::Field, ".Field"),
                    (T::Space, " "),
                    (T::Field, ".Method"),
                    (T::RightDelim, "}}"),
                    (T::Eof, ""),
                ],
            ),
            (
                "{{$x = 1}}",
                vec![
                    (T::LeftDelim, "{{"),
                    (T::Variable, "$x"),
                    (T::Space, " "),
                    (T::Assign, "="),
                    (T::Space, " "),
                    (T::Number, "1"),
                    (T::RightDelim, "}}"),
                    (T::Eof, ""),
                ],
            ),
            (
                "{{$x.y.z}}",
                vec![
                    (T::LeftDelim, "{{"),
                    (T::Variable, "$x"),
                    (T::Field, ".y"),
                    (T::Field, ".z"),
                    (T::RightDelim, "}}"),
                    (T::Eof, ""),
                ],
            ),
            (
                "intro {{echo hi 1.2 |noargs|args 1 \"hi\"}} outro",
                vec![
                    (T::Text, "intro "),
                    (T::LeftDelim, "{{"),
                    (T::Identifier, "echo"),
                    (T::Space, " "),
                    (T::Identifier, "hi"),
                    (T::Space, " "),
                    (T::Number, "1.2"),
                    (T::Space, " "),
                    (T::Pipe, "|"),
                    (T::Identifier, "noargs"),
                    (T::Pipe, "|"),
                    (T::Identifier, "args"),
                    (T::Space, " "),
                    (T::Number, "1"),
                    (T::Space, " "),
                    (T::String, "\"hi\""),
                    (T::RightDelim, "}}"),
                    (T::Text, " outro"),
                    (T::Eof, ""),
                ],
            ),
            (
                "{{$v := 3}}",
                vec![
                    (T::LeftDelim, "{{"),
                    (T::Variable, "$v"),
                    (T::Space, " "),
                    (T::Declare, ":="),
                    (T::Space, " "),
                    (T::Number, "3"),
                    (T::RightDelim, "}}"),
                    (T::Eof, ""),
                ],
            ),
            (
                "{{(.X).Y}}",
                vec![
                    (T::LeftDelim, "{{"),
                    (T::LeftParen, "("),
                    (T::Field, ".X"),
                    (T::RightParen, ")"),
                    (T::Field, ".Y"),
                    (T::RightDelim, "}}"),
                    (T::Eof, ""),
                ],
            ),
            (
                "hello- {{- 3 -}} -world",
                vec![
                    (T::Text, "hello-"),
                    (T::LeftDelim, "{{"),
                    (T::Number, "3"),
                    (T::RightDelim, "}}"),
                    (T::Text, "-world"),
                    (T::Eof, ""),
                ],
            ),
            (
                "hello- {{- /* hello */ -}} -world",
                vec![(T::Text, "hello-"), (T::Text, "-world"), (T::Eof, "")],
            ),
            (
                "{{-3}}",
                vec![
                    (T::LeftDelim, "{{"),
                    (T::Number, "-3"),
                    (T::RightDelim, "}}"),
                    (T::Eof, ""),
                ],
            ),
            (
                "{{3-}}",
                vec![
                    (T::LeftDelim, "{{"),
                    (T::Error, "bad number syntax: \"3-\""),
                ],
            ),
            (
                "{{break continue}}",
                vec![
                    (T::LeftDelim, "{{"),
                    (T::Break, "break"),
                    (T::Space, " "),
                    (T::Continue, "continue"),
                    (T::RightDelim, "}}"),
                    (T::Eof, ""),
                ],
            ),
            // Errors.
            (
                "#{{\u{1}}}",
                vec![
                    (T::Text, "#"),
                    (T::LeftDelim, "{{"),
                    (T::Error, "unrecognized character in action: U+0001"),
                ],
            ),
            (
                "{{",
                vec![(T::LeftDelim, "{{"), (T::Error, "unclosed action")],
            ),
            (
                "{{range",
                vec![
                    (T::LeftDelim, "{{"),
                    (T::Range, "range"),
                    (T::Error, "unclosed action"),
                ],
            ),
            (
                "{{\"\n\"}}",
                vec![
                    (T::LeftDelim, "{{"),
                    (T::Error, "unterminated quoted string"),
                ],
            ),
            (
                "{{`xx}}",
                vec![
                    (T::LeftDelim, "{{"),
                    (T::Error, "unterminated raw quoted string"),
                ],
            ),
            (
                "{{'\n}}",
                vec![
                    (T::LeftDelim, "{{"),
                    (T::Error, "unterminated character constant"),
                ],
            ),
            (
                "{{3k}}",
                vec![
                    (T::LeftDelim, "{{"),
                    (T::Error, "bad number syntax: \"3k\""),
                ],
            ),
            (
                "{{(3}}",
                vec![
                    (T::LeftDelim, "{{"),
                    (T::LeftParen, "("),
                    (T::Number, "3"),
                    (T::Error, "unclosed left paren"),
                ],
            ),
            (
                "{{3)}}",
                vec![
                    (T::LeftDelim, "{{"),
                    (T::Number, "3"),
                    (T::Error, "unexpected right paren"),
                ],
            ),
            (
                "hello-{{/*/}}-world",
                vec![(T::Text, "hello-"), (T::Error, "unclosed comment")],
            ),
            (
                "hello-{{/* */ }}-world",
                vec![
                    (T::Text, "hello-"),
                    (T::Error, "comment ends before closing delimiter"),
                ],
            ),
            (
                "{{.x€}}",
                vec![(T::LeftDelim, "{{"), (T::Error, "bad character U+20AC '€'")],
            ),
            (
                "{{€}}",
                vec![
                    (T::LeftDelim, "{{"),
                    (T::Error, "unrecognized character in action: U+20AC '€'"),
                ],
            ),
        ];
        for (input, want) in cases {
            let got = collect(input);
            let want: Vec<(ItemType, String)> =
                want.into_iter().map(|(t, v)| (t, v.to_string())).collect();
            assert_eq!(got, want, "lexing {input:?}: {}", kinds(input));
        }
    }

    #[test]
    fn positions_and_lines() {
        let mut l = Lexer::new("a\n{{ x\n}}\nb", "{{", "}}");
        let items: Vec<(usize, usize)> = (0..6)
            .map(|_| {
                let i = l.next_item();
                (i.pos, i.line)
            })
            .collect();
        assert_eq!(items, vec![(0, 1), (2, 2), (4, 2), (5, 2), (6, 2), (7, 3)]);
    }
}
