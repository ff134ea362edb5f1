//! Go's `regexp` (RE2 syntax, leftmost-first) on top of the `regex` crate, and Sprig's regex
//! functions (`regex.go`).
//!
//! Dependency: `regex` is RE2-family with the same leftmost-first (Perl) match semantics and
//! linear-time guarantee as Go's engine; writing a matcher by hand would be slower and riskier.
//! The two syntaxes differ, though, so patterns are never handed to `regex` as written: a port of
//! Go's `regexp/syntax` parser reads the Go pattern (accepting and rejecting what Go does, with
//! Go's error texts) and emits an equivalent `regex` pattern in which everything is explicit:
//!
//! - `\d \s \w \b` and POSIX classes are ASCII in Go (`\s` is `[\t\n\f\r ]`), Unicode in `regex`;
//!   they are emitted as explicit ASCII classes (and `(?-u:\b)`).
//! - Flags (`(?i) (?m) (?s) (?U)`) are applied while parsing, as Go does, so Go's scoping rules
//!   (a flag group lasts until the enclosing `)`) hold; Rust-only syntax (`(?x)`, `\<`, `\h`,
//!   `(?R)`...) is rejected or read as Go reads it (`\<` is a literal `<` in Go).
//! - Capture groups are emitted unnamed, so Go's duplicate names are allowed and `$name`
//!   expansion follows Go's `Expand` (ported below), as do `FindAll`, `ReplaceAll` and `Split`
//!   (ported loops, which fix how empty matches are treated).
//!
//! Bounds: Go limits a counted repetition to 1000 (also nested products) and nesting to 1000;
//! those checks are ported. The compiled program is bounded by `regex`'s size limit (64 MiB, an
//! `expression too large` error past it), so a pattern cannot blow up memory.

use std::cell::RefCell;
use std::collections::HashMap;
use std::rc::Rc;

use crate::FuncError;
use crate::funcs::{FuncMap, Signature, Type};
use crate::strconv::{can_backquote, quote};
use crate::value::{List, Value};

/// A parse error, printed as Go prints `*syntax.Error`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct SyntaxError {
    code: &'static str,
    expr: String,
}

impl std::fmt::Display for SyntaxError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "error parsing regexp: {}: `{}`", self.code, self.expr)
    }
}

const ERR_INVALID_CHAR_RANGE: &str = "invalid character class range";
const ERR_INVALID_ESCAPE: &str = "invalid escape sequence";
const ERR_INVALID_NAMED_CAPTURE: &str = "invalid named capture";
const ERR_INVALID_PERL_OP: &str = "invalid or unsupported Perl syntax";
const ERR_INVALID_REPEAT_OP: &str = "invalid nested repetition operator";
const ERR_INVALID_REPEAT_SIZE: &str = "invalid repeat count";
const ERR_MISSING_BRACKET: &str = "missing closing ]";
const ERR_MISSING_PAREN: &str = "missing closing )";
const ERR_MISSING_REPEAT_ARGUMENT: &str = "missing argument to repetition operator";
const ERR_TRAILING_BACKSLASH: &str = "trailing backslash at end of expression";
const ERR_UNEXPECTED_PAREN: &str = "unexpected )";
const ERR_NESTING_DEPTH: &str = "expression nests too deeply";
const ERR_LARGE: &str = "expression too large";

fn err(code: &'static str, expr: &str) -> SyntaxError {
    SyntaxError {
        code,
        expr: expr.to_string(),
    }
}

/// Go's `maxRepeat`.
const MAX_REPEAT: i64 = 1000;
/// Go's `maxHeight` (approximated here by the nesting of groups and repetitions).
const MAX_HEIGHT: usize = 1000;
/// Size limit of the compiled `regex` program.
const SIZE_LIMIT: usize = 64 << 20;

#[derive(Clone, Copy, Debug, Default)]
struct Flags {
    fold: bool,
    dot_nl: bool,
    one_line: bool,
    non_greedy: bool,
}

/// One parsed piece, already rendered as a self-contained `regex` atom.
#[derive(Clone, Debug)]
enum Node {
    /// A rendered atom (literal, class, assertion, group).
    Atom { text: String, repeat_max: i64 },
    /// An open group marker on the stack.
    Open { capture: bool, flags: Flags },
}

/// A compiled Go regular expression.
#[derive(Clone, Debug)]
pub(crate) struct GoRegex {
    re: regex::Regex,
    /// Group names by index (index 0 is the whole match); `""` for unnamed groups.
    names: Vec<String>,
    /// Whether the Go pattern was `""` (for `Split`).
    expr_empty: bool,
}

/// An open group: its marker, and the enclosing alternatives and concatenation to resume.
type OpenGroup = (Option<Node>, Vec<Vec<Node>>, Vec<Node>);

struct Parser<'a> {
    whole: &'a str,
    flags: Flags,
    /// The stack of open groups: each holds the finished alternatives and the current concat.
    groups: Vec<OpenGroup>,
    alts: Vec<Vec<Node>>,
    concat: Vec<Node>,
    names: Vec<String>,
}

fn escape_char(c: char, out: &mut String) {
    if c.is_ascii_alphanumeric() {
        out.push(c);
    } else {
        out.push_str(&format!("\\x{{{:X}}}", c as u32));
    }
}

fn lit_atom(c: char, fold: bool) -> String {
    let mut s = String::new();
    if fold && has_case(c) {
        s.push_str("(?i:");
        escape_char(c, &mut s);
        s.push(')');
    } else {
        escape_char(c, &mut s);
    }
    s
}

fn has_case(c: char) -> bool {
    c.is_alphabetic() || c.to_lowercase().ne(c.to_uppercase())
}

fn is_alnum(c: char) -> bool {
    c.is_ascii_alphanumeric()
}

fn unhex(c: char) -> i64 {
    c.to_digit(16).map_or(-1, i64::from)
}

/// A class item in `regex` class syntax (without the surrounding brackets).
fn range_text(lo: u32, hi: u32) -> String {
    if lo == hi {
        format!("\\x{{{lo:X}}}")
    } else {
        format!("\\x{{{lo:X}}}-\\x{{{hi:X}}}")
    }
}

fn perl_group(c: u8) -> Option<(bool, &'static str)> {
    // (negated, ASCII ranges) for \d \D \s \S \w \W.
    match c {
        b'd' => Some((false, "0-9")),
        b'D' => Some((true, "0-9")),
        b's' => Some((false, "\\t\\n\\x{C}\\r\\x{20}")),
        b'S' => Some((true, "\\t\\n\\x{C}\\r\\x{20}")),
        b'w' => Some((false, "0-9A-Za-z_")),
        b'W' => Some((true, "0-9A-Za-z_")),
        _ => None,
    }
}

fn posix_group(name: &str) -> Option<(bool, &'static str)> {
    let (neg, n) = match name.strip_prefix("[:^") {
        Some(rest) => (true, rest),
        None => (false, name.strip_prefix("[:").unwrap_or(name)),
    };
    let ranges = match n {
        "alnum:]" => "0-9A-Za-z",
        "alpha:]" => "A-Za-z",
        "ascii:]" => "\\x{0}-\\x{7F}",
        "blank:]" => "\\t\\x{20}",
        "cntrl:]" => "\\x{0}-\\x{1F}\\x{7F}",
        "digit:]" => "0-9",
        "graph:]" => "\\x{21}-\\x{7E}",
        "lower:]" => "a-z",
        "print:]" => "\\x{20}-\\x{7E}",
        "punct:]" => "\\x{21}-\\x{2F}\\x{3A}-\\x{40}\\x{5B}-\\x{60}\\x{7B}-\\x{7E}",
        "space:]" => "\\t\\n\\x{B}\\x{C}\\r\\x{20}",
        "upper:]" => "A-Z",
        "word:]" => "0-9A-Za-z_",
        "xdigit:]" => "0-9A-Fa-f",
        _ => return None,
    };
    Some((neg, ranges))
}

/// Go's `canonicalName`: first letter upper, the rest lower, `_ - space` dropped.
fn canonical_name(name: &str) -> String {
    let mut out = String::new();
    let mut first = true;
    for c in name.chars() {
        if c == '_' || c == '-' || c == ' ' {
            continue;
        }
        if first {
            out.extend(c.to_uppercase());
            first = false;
        } else {
            out.extend(c.to_lowercase());
        }
    }
    out
}

const CATEGORIES: &[&str] = &[
    "C", "Cc", "Cf", "Cn", "Co", "Cs", "L", "Ll", "Lm", "Lo", "Lt", "Lu", "M", "Mc", "Me", "Mn",
    "N", "Nd", "Nl", "No", "P", "Pc", "Pd", "Pe", "Pf", "Pi", "Po", "Ps", "S", "Sc", "Sk", "Sm",
    "So", "Z", "Zl", "Zp", "Zs",
];

/// Unicode's long category names (Go 1.25's `unicode.CategoryAliases`), by canonical name.
const CATEGORY_ALIASES: &[(&str, &str)] = &[
    ("Casedletter", "LC"),
    ("Closepunctuation", "Pe"),
    ("Combiningmark", "M"),
    ("Connectorpunctuation", "Pc"),
    ("Control", "Cc"),
    ("Cntrl", "Cc"),
    ("Currencysymbol", "Sc"),
    ("Dashpunctuation", "Pd"),
    ("Decimalnumber", "Nd"),
    ("Digit", "Nd"),
    ("Enclosingmark", "Me"),
    ("Finalpunctuation", "Pf"),
    ("Format", "Cf"),
    ("Initialpunctuation", "Pi"),
    ("Letter", "L"),
    ("Letternumber", "Nl"),
    ("Lineseparator", "Zl"),
    ("Lowercaseletter", "Ll"),
    ("Mark", "M"),
    ("Mathsymbol", "Sm"),
    ("Modifierletter", "Lm"),
    ("Modifiersymbol", "Sk"),
    ("Nonspacingmark", "Mn"),
    ("Number", "N"),
    ("Openpunctuation", "Ps"),
    ("Other", "C"),
    ("Otherletter", "Lo"),
    ("Othernumber", "No"),
    ("Otherpunctuation", "Po"),
    ("Othersymbol", "So"),
    ("Paragraphseparator", "Zp"),
    ("Privateuse", "Co"),
    ("Punct", "P"),
    ("Punctuation", "P"),
    ("Separator", "Z"),
    ("Spaceseparator", "Zs"),
    ("Spacingmark", "Mc"),
    ("Surrogate", "Cs"),
    ("Symbol", "S"),
    ("Titlecaseletter", "Lt"),
    ("Unassigned", "Cn"),
    ("Uppercaseletter", "Lu"),
];

/// The `regex` class items for a Go Unicode class name, if Go knows the name.
fn unicode_class(name: &str) -> Option<String> {
    let canon = canonical_name(name);
    let cat = |c: &str| -> String {
        match c {
            // Surrogates never occur in Rust strings; `regex` has no class for them.
            "Cs" => "[^\\x{0}-\\x{10FFFF}]".to_string(),
            _ => format!("\\p{{gc={c}}}"),
        }
    };
    match canon.as_str() {
        "Any" => return Some("\\x{0}-\\x{10FFFF}".to_string()),
        "Assigned" => return Some("[^\\p{gc=Cn}]".to_string()),
        "Ascii" => return Some("\\x{0}-\\x{7F}".to_string()),
        "Lc" => return Some(cat("LC")),
        _ => {}
    }
    if let Some(c) = CATEGORIES.iter().find(|c| **c == canon) {
        return Some(cat(c));
    }
    if let Some((_, c)) = CATEGORY_ALIASES.iter().find(|(a, _)| *a == canon) {
        return Some(cat(c));
    }
    // Scripts: Go's names are Unicode's script names; let `regex` validate the name (it also
    // accepts a few aliases Go does not).
    if !name.is_empty() && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
        let probe = format!("\\p{{sc={name}}}");
        if regex::Regex::new(&probe).is_ok() {
            return Some(probe);
        }
    }
    None
}

impl<'a> Parser<'a> {
    fn depth(&self) -> usize {
        self.groups.len()
    }

    fn push_atom(&mut self, text: String) {
        self.concat.push(Node::Atom {
            text,
            repeat_max: 1,
        });
    }

    fn literal(&mut self, c: char) {
        let t = lit_atom(c, self.flags.fold);
        self.push_atom(t);
    }

    fn class_atom(&self, negated: bool, items: &str) -> String {
        let body = if negated {
            format!("[^{items}]")
        } else if items.is_empty() {
            // An empty class matches nothing.
            "[^\\x{0}-\\x{10FFFF}]".to_string()
        } else {
            format!("[{items}]")
        };
        if self.flags.fold {
            format!("(?i:{body})")
        } else {
            body
        }
    }

    /// Go's `repeat`: applies an operator to the last piece of the current concatenation.
    #[allow(clippy::too_many_arguments)]
    fn repeat(
        &mut self,
        op: &str,
        min: i64,
        max: i64,
        before: &'a str,
        mut after: &'a str,
        last_repeat: &'a str,
    ) -> Result<&'a str, SyntaxError> {
        let mut non_greedy = self.flags.non_greedy;
        if let Some(rest) = after.strip_prefix('?') {
            after = rest;
            non_greedy = !non_greedy;
        }
        if !last_repeat.is_empty() {
            return Err(err(
                ERR_INVALID_REPEAT_OP,
                &last_repeat[..last_repeat.len() - after.len()],
            ));
        }
        let op_text = &before[..before.len() - after.len()];
        let Some(Node::Atom { text, repeat_max }) = self.concat.pop() else {
            return Err(err(ERR_MISSING_REPEAT_ARGUMENT, op_text));
        };
        let suffix = if non_greedy { "?" } else { "" };
        let (rtext, weight) = match op {
            "*" => (format!("(?:{text})*{suffix}"), 1),
            "+" => (format!("(?:{text})+{suffix}"), 1),
            "?" => (format!("(?:{text})?{suffix}"), 1),
            _ => {
                let body = if max == -1 {
                    format!("(?:{text}){{{min},}}{suffix}")
                } else {
                    format!("(?:{text}){{{min},{max}}}{suffix}")
                };
                (body, if max == -1 { min } else { max })
            }
        };
        // Go's repeatIsValid: the product of nested counted repetitions is at most 1000
        // (a `{0}` hides what it repeats; `{n,}` counts n).
        let product = if op.starts_with('{') {
            if max == 0 {
                1
            } else {
                weight.max(1).saturating_mul(repeat_max)
            }
        } else {
            repeat_max
        };
        if op.starts_with('{') && (min >= 2 || max >= 2) && product > MAX_REPEAT {
            return Err(err(ERR_INVALID_REPEAT_SIZE, op_text));
        }
        self.concat.push(Node::Atom {
            text: rtext,
            repeat_max: product,
        });
        Ok(after)
    }

    fn close_alternatives(alts: Vec<Vec<Node>>) -> (String, i64) {
        let mut out = String::new();
        let mut max_rep = 1;
        for (i, alt) in alts.iter().enumerate() {
            if i > 0 {
                out.push('|');
            }
            for n in alt {
                if let Node::Atom { text, repeat_max } = n {
                    out.push_str(text);
                    max_rep = max_rep.max(*repeat_max);
                }
            }
        }
        (out, max_rep)
    }

    fn open_group(&mut self, capture: bool, name: Option<&str>) -> Result<(), SyntaxError> {
        if self.depth() >= MAX_HEIGHT {
            return Err(err(ERR_NESTING_DEPTH, self.whole));
        }
        if capture {
            self.names.push(name.unwrap_or("").to_string());
        }
        let marker = Node::Open {
            capture,
            flags: self.flags,
        };
        let alts = std::mem::take(&mut self.alts);
        let concat = std::mem::take(&mut self.concat);
        self.groups.push((Some(marker), alts, concat));
        Ok(())
    }

    fn right_paren(&mut self) -> Result<(), SyntaxError> {
        let Some((marker, alts, concat)) = self.groups.pop() else {
            return Err(err(ERR_UNEXPECTED_PAREN, self.whole));
        };
        let mut inner = std::mem::replace(&mut self.alts, alts);
        inner.push(std::mem::replace(&mut self.concat, concat));
        let (body, rep) = Self::close_alternatives(inner);
        if let Some(Node::Open { capture, flags }) = marker {
            self.flags = flags;
            let text = if capture {
                format!("({body})")
            } else {
                format!("(?:{body})")
            };
            self.concat.push(Node::Atom {
                text,
                repeat_max: rep,
            });
        }
        Ok(())
    }

    /// Go's `parsePerlFlags`; `s` starts with `(?`.
    fn perl_flags(&mut self, s: &'a str) -> Result<&'a str, SyntaxError> {
        let t = s;
        let b = t.as_bytes();
        let starts_with_p = t.len() > 4 && b[2] == b'P' && b[3] == b'<';
        let starts_with_name = t.len() > 3 && b[2] == b'<';
        if starts_with_p || starts_with_name {
            let expr_start = if starts_with_name { 3 } else { 4 };
            let Some(end) = t.find('>') else {
                return Err(err(ERR_INVALID_NAMED_CAPTURE, s));
            };
            let capture = &t[..end + 1];
            let name = t.get(expr_start..end).unwrap_or("");
            if name.is_empty() || !name.chars().all(|c| c == '_' || is_alnum(c)) {
                return Err(err(ERR_INVALID_NAMED_CAPTURE, capture));
            }
            self.open_group(true, Some(name))?;
            return Ok(&t[end + 1..]);
        }
        let mut t = &t[2..];
        let mut flags = self.flags;
        let mut negated = false;
        let mut saw_flag = false;
        while let Some(c) = t.chars().next() {
            t = &t[c.len_utf8()..];
            match c {
                'i' => {
                    flags.fold = !negated;
                    saw_flag = true;
                }
                'm' => {
                    flags.one_line = negated;
                    saw_flag = true;
                }
                's' => {
                    flags.dot_nl = !negated;
                    saw_flag = true;
                }
                'U' => {
                    flags.non_greedy = !negated;
                    saw_flag = true;
                }
                '-' => {
                    if negated {
                        break;
                    }
                    negated = true;
                    saw_flag = false;
                }
                ':' | ')' => {
                    if negated && !saw_flag {
                        break;
                    }
                    if c == ':' {
                        self.open_group(false, None)?;
                    }
                    self.flags = flags;
                    return Ok(t);
                }
                _ => break,
            }
        }
        Err(err(ERR_INVALID_PERL_OP, &s[..s.len() - t.len()]))
    }

    /// Go's `parseEscape`: a single-character escape at the start of `s`.
    fn escape(s: &'a str) -> Result<(char, &'a str), SyntaxError> {
        let mut t = &s[1..];
        let Some(c) = t.chars().next() else {
            return Err(err(ERR_TRAILING_BACKSLASH, ""));
        };
        t = &t[c.len_utf8()..];
        let invalid = |t: &str| err(ERR_INVALID_ESCAPE, &s[..s.len() - t.len()]);
        match c {
            '1'..='7' | '0' => {
                if c != '0' && !t.starts_with(|d: char| ('0'..='7').contains(&d)) {
                    return Err(invalid(t));
                }
                let mut r = c as u32 - '0' as u32;
                for _ in 1..3 {
                    match t.as_bytes().first() {
                        Some(d @ b'0'..=b'7') => {
                            r = r * 8 + u32::from(d - b'0');
                            t = &t[1..];
                        }
                        _ => break,
                    }
                }
                Ok((char::from_u32(r).unwrap_or('\u{FFFD}'), t))
            }
            'x' => {
                let Some(c) = t.chars().next() else {
                    return Err(invalid(t));
                };
                t = &t[c.len_utf8()..];
                if c == '{' {
                    let mut nhex = 0;
                    let mut r: i64 = 0;
                    loop {
                        let Some(c) = t.chars().next() else {
                            return Err(invalid(t));
                        };
                        t = &t[c.len_utf8()..];
                        if c == '}' {
                            break;
                        }
                        let v = unhex(c);
                        if v < 0 {
                            return Err(invalid(t));
                        }
                        r = r * 16 + v;
                        if r > 0x10FFFF {
                            return Err(invalid(t));
                        }
                        nhex += 1;
                    }
                    if nhex == 0 {
                        return Err(invalid(t));
                    }
                    let r = u32::try_from(r).unwrap_or(0xFFFD);
                    return Ok((char::from_u32(r).unwrap_or('\u{FFFD}'), t));
                }
                let x = unhex(c);
                let Some(c2) = t.chars().next() else {
                    return Err(invalid(t));
                };
                t = &t[c2.len_utf8()..];
                let y = unhex(c2);
                if x < 0 || y < 0 {
                    return Err(invalid(t));
                }
                let r = u32::try_from(x * 16 + y).unwrap_or(0);
                Ok((char::from_u32(r).unwrap_or('\u{FFFD}'), t))
            }
            'a' => Ok(('\u{7}', t)),
            'f' => Ok(('\u{C}', t)),
            'n' => Ok(('\n', t)),
            'r' => Ok(('\r', t)),
            't' => Ok(('\t', t)),
            'v' => Ok(('\u{B}', t)),
            c if c.is_ascii() && !is_alnum(c) => Ok((c, t)),
            _ => Err(invalid(t)),
        }
    }

    /// Go's `parseUnicodeClass`: `Ok(None)` if `s` does not start with `\p`/`\P`.
    fn unicode_class(s: &'a str) -> Result<Option<(String, &'a str)>, SyntaxError> {
        let b = s.as_bytes();
        if b.len() < 2 || b[0] != b'\\' || (b[1] != b'p' && b[1] != b'P') {
            return Ok(None);
        }
        let mut negated = b[1] == b'P';
        let t = &s[2..];
        let Some(c) = t.chars().next() else {
            return Err(err(ERR_INVALID_CHAR_RANGE, s));
        };
        let (seq, mut name, rest) = if c != '{' {
            let seq = &s[..2 + c.len_utf8()];
            (seq, &seq[2..], &s[seq.len()..])
        } else {
            let Some(end) = s.find('}') else {
                return Err(err(ERR_INVALID_CHAR_RANGE, s));
            };
            (&s[..end + 1], &s[3..end], &s[end + 1..])
        };
        if let Some(n) = name.strip_prefix('^') {
            negated = !negated;
            name = n;
        }
        let Some(items) = unicode_class(name) else {
            return Err(err(ERR_INVALID_CHAR_RANGE, seq));
        };
        let text = if negated {
            format!("[^{items}]")
        } else {
            format!("[{items}]")
        };
        Ok(Some((text, rest)))
    }

    /// Go's `parseClass`; `s` starts with `[`.
    fn class(&mut self, s: &'a str) -> Result<&'a str, SyntaxError> {
        let mut t = &s[1..];
        let mut negated = false;
        if let Some(rest) = t.strip_prefix('^') {
            negated = true;
            t = rest;
        }
        let mut items = String::new();
        let mut first = true;
        while t.is_empty() || !t.starts_with(']') || first {
            first = false;
            if t.is_empty() {
                return Err(err(ERR_MISSING_BRACKET, s));
            }
            // POSIX [:alnum:] etc.
            if t.len() > 2 && t.starts_with("[:") {
                if let Some(i) = t[2..].find(":]") {
                    let name = &t[..i + 4];
                    let Some((neg, ranges)) = posix_group(name) else {
                        return Err(err(ERR_INVALID_CHAR_RANGE, name));
                    };
                    if neg {
                        items.push_str(&format!("[^{ranges}]"));
                    } else {
                        items.push_str(ranges);
                    }
                    t = &t[i + 4..];
                    continue;
                }
            }
            if let Some((text, rest)) = Self::unicode_class(t)? {
                items.push_str(&text);
                t = rest;
                continue;
            }
            if t.len() >= 2 && t.as_bytes()[0] == b'\\' {
                if let Some((neg, ranges)) = perl_group(t.as_bytes()[1]) {
                    if neg {
                        items.push_str(&format!("[^{ranges}]"));
                    } else {
                        items.push_str(ranges);
                    }
                    t = &t[2..];
                    continue;
                }
            }
            let rng = t;
            let (lo, rest) = Self::class_char(t, s)?;
            t = rest;
            let mut hi = lo;
            if t.len() >= 2 && t.starts_with('-') && !t[1..].starts_with(']') {
                t = &t[1..];
                let (h, rest) = Self::class_char(t, s)?;
                t = rest;
                hi = h;
                if hi < lo {
                    return Err(err(ERR_INVALID_CHAR_RANGE, &rng[..rng.len() - t.len()]));
                }
            }
            items.push_str(&range_text(lo as u32, hi as u32));
        }
        t = &t[1..];
        let atom = self.class_atom(negated, &items);
        self.push_atom(atom);
        Ok(t)
    }

    fn class_char(s: &'a str, whole: &str) -> Result<(char, &'a str), SyntaxError> {
        let Some(c) = s.chars().next() else {
            return Err(err(ERR_MISSING_BRACKET, whole));
        };
        if c == '\\' {
            return Self::escape(s);
        }
        Ok((c, &s[c.len_utf8()..]))
    }
}

/// Go's `parseRepeat`: `{min}`, `{min,}` (max -1) or `{min,max}`; `None` if `s` is not of that
/// form (then `{` is a literal); min -1 if a number is too big.
fn parse_repeat(s: &str) -> Option<(i64, i64, &str)> {
    let s = s.strip_prefix('{')?;
    let (mut min, mut s) = parse_int(s)?;
    let max;
    if let Some(rest) = s.strip_prefix(',') {
        s = rest;
        if s.starts_with('}') {
            max = -1;
        } else {
            let (m, rest) = parse_int(s)?;
            s = rest;
            max = m;
            if max < 0 {
                min = -1;
            }
        }
    } else {
        max = min;
    }
    let rest = s.strip_prefix('}')?;
    Some((min, max, rest))
}

/// Go's `parseInt`: digits without leading zeros; -1 for a number of 9 digits or more.
fn parse_int(s: &str) -> Option<(i64, &str)> {
    let b = s.as_bytes();
    if b.first().is_none_or(|c| !c.is_ascii_digit()) {
        return None;
    }
    if b.len() >= 2 && b[0] == b'0' && b[1].is_ascii_digit() {
        return None;
    }
    let n = b.iter().take_while(|c| c.is_ascii_digit()).count();
    let mut v: i64 = 0;
    for &d in &b[..n] {
        if v >= 100_000_000 {
            v = -1;
            break;
        }
        v = v * 10 + i64::from(d - b'0');
    }
    Some((v, &s[n..]))
}

/// Parses a Go pattern and renders it in `regex` syntax; also returns the group names.
fn translate(pattern: &str) -> Result<(String, Vec<String>), SyntaxError> {
    let mut p = Parser {
        whole: pattern,
        flags: Flags {
            one_line: true,
            ..Flags::default()
        },
        groups: Vec::new(),
        alts: Vec::new(),
        concat: Vec::new(),
        names: vec![String::new()],
    };
    let mut t = pattern;
    let mut last_repeat: &str = "";
    while let Some(c) = t.chars().next() {
        let mut repeat: &str = "";
        match c {
            '(' => {
                if t.len() >= 2 && t.as_bytes()[1] == b'?' {
                    t = p.perl_flags(t)?;
                } else {
                    p.open_group(true, None)?;
                    t = &t[1..];
                }
            }
            '|' => {
                let cur = std::mem::take(&mut p.concat);
                p.alts.push(cur);
                t = &t[1..];
            }
            ')' => {
                p.right_paren()?;
                t = &t[1..];
            }
            '^' => {
                let a = if p.flags.one_line { "\\A" } else { "(?m:^)" };
                p.push_atom(a.to_string());
                t = &t[1..];
            }
            '$' => {
                let a = if p.flags.one_line { "\\z" } else { "(?m:$)" };
                p.push_atom(a.to_string());
                t = &t[1..];
            }
            '.' => {
                let a = if p.flags.dot_nl { "(?s:.)" } else { "[^\\n]" };
                p.push_atom(a.to_string());
                t = &t[1..];
            }
            '[' => {
                t = p.class(t)?;
            }
            '*' | '+' | '?' => {
                let before = t;
                let op = &t[..1];
                t = p.repeat(op, 0, 0, before, &t[1..], last_repeat)?;
                repeat = before;
            }
            '{' => {
                let before = t;
                match parse_repeat(t) {
                    None => {
                        p.literal('{');
                        t = &t[1..];
                    }
                    Some((min, max, after)) => {
                        if !(0..=MAX_REPEAT).contains(&min)
                            || max > MAX_REPEAT
                            || (max >= 0 && min > max)
                        {
                            return Err(err(
                                ERR_INVALID_REPEAT_SIZE,
                                &before[..before.len() - after.len()],
                            ));
                        }
                        t = p.repeat("{", min, max, before, after, last_repeat)?;
                        repeat = before;
                    }
                }
            }
            '\\' => {
                let b = t.as_bytes();
                let mut handled = true;
                match b.get(1) {
                    Some(b'A') => {
                        p.push_atom("\\A".to_string());
                        t = &t[2..];
                    }
                    Some(b'b') => {
                        p.push_atom("(?-u:\\b)".to_string());
                        t = &t[2..];
                    }
                    Some(b'B') => {
                        p.push_atom("(?-u:\\B)".to_string());
                        t = &t[2..];
                    }
                    Some(b'C') => return Err(err(ERR_INVALID_ESCAPE, &t[..2])),
                    Some(b'Q') => {
                        let rest = &t[2..];
                        let (lit, after) = match rest.find("\\E") {
                            Some(i) => (&rest[..i], &rest[i + 2..]),
                            None => (rest, ""),
                        };
                        for c in lit.chars() {
                            p.literal(c);
                        }
                        t = after;
                    }
                    Some(b'z') => {
                        p.push_atom("\\z".to_string());
                        t = &t[2..];
                    }
                    _ => handled = false,
                }
                if !handled {
                    if let Some((text, rest)) = Parser::unicode_class(t)? {
                        let a = if p.flags.fold {
                            format!("(?i:{text})")
                        } else {
                            text
                        };
                        p.push_atom(a);
                        t = rest;
                    } else if let Some((neg, ranges)) = b.get(1).and_then(|c| perl_group(*c)) {
                        let a = p.class_atom(neg, ranges);
                        p.push_atom(a);
                        t = &t[2..];
                    } else {
                        let (c, rest) = Parser::escape(t)?;
                        p.literal(c);
                        t = rest;
                    }
                }
            }
            c => {
                p.literal(c);
                t = &t[c.len_utf8()..];
            }
        }
        last_repeat = repeat;
    }
    if !p.groups.is_empty() {
        return Err(err(ERR_MISSING_PAREN, pattern));
    }
    let mut alts = std::mem::take(&mut p.alts);
    alts.push(std::mem::take(&mut p.concat));
    let (body, _) = Parser::close_alternatives(alts);
    Ok((body, p.names))
}

impl GoRegex {
    /// Go's `regexp.Compile`.
    pub(crate) fn compile(pattern: &str) -> Result<GoRegex, SyntaxError> {
        let (text, names) = translate(pattern)?;
        let re = regex::RegexBuilder::new(&text)
            .size_limit(SIZE_LIMIT)
            .dfa_size_limit(SIZE_LIMIT)
            .nest_limit(20_000)
            .build()
            .map_err(|e| match e {
                regex::Error::CompiledTooBig(_) => err(ERR_LARGE, pattern),
                // The translation is valid `regex` syntax by construction; anything else is
                // reported as Go's internal error.
                other => SyntaxError {
                    code: "regexp/syntax: internal error",
                    expr: format!("{pattern} ({other})"),
                },
            })?;
        Ok(GoRegex {
            re,
            names,
            expr_empty: pattern.is_empty(),
        })
    }

    /// `MatchString`.
    pub(crate) fn is_match(&self, s: &str) -> bool {
        self.re.is_match(s)
    }

    /// `FindString`.
    pub(crate) fn find<'s>(&self, s: &'s str) -> &'s str {
        self.re.find(s).map_or("", |m| m.as_str())
    }

    /// Go's `allMatches` loop: up to `n` matches (all if `n < 0`), as byte ranges.
    pub(crate) fn find_all_indices(&self, s: &str, n: i64) -> Vec<(usize, usize)> {
        let n = if n < 0 {
            usize::MAX
        } else {
            usize::try_from(n).unwrap_or(usize::MAX)
        };
        let mut out = Vec::new();
        let end = s.len();
        let mut pos = 0usize;
        let mut prev_end: Option<usize> = None;
        while out.len() < n && pos <= end {
            let Some(m) = self.re.find_at(s, pos) else {
                break;
            };
            let mut accept = true;
            if m.end() == pos {
                if Some(m.start()) == prev_end {
                    accept = false;
                }
                pos += s[pos..].chars().next().map_or(1, char::len_utf8);
            } else {
                pos = m.end();
            }
            prev_end = Some(m.end());
            if accept {
                out.push((m.start(), m.end()));
            }
        }
        out
    }

    /// `FindStringSubmatch`: the groups of the first match (`""` for groups that did not take
    /// part), or `None`.
    pub(crate) fn submatch<'s>(&self, s: &'s str) -> Option<Vec<&'s str>> {
        let caps = self.re.captures(s)?;
        Some(
            (0..caps.len())
                .map(|i| caps.get(i).map_or("", |m| m.as_str()))
                .collect(),
        )
    }

    /// `FindAllStringSubmatch(s, -1)`, with Go's `allMatches` loop.
    pub(crate) fn all_submatches<'s>(&self, s: &'s str) -> Vec<Vec<&'s str>> {
        let mut out = Vec::new();
        let end = s.len();
        let mut pos = 0usize;
        let mut prev_end: Option<usize> = None;
        let mut locs = self.re.capture_locations();
        while pos <= end {
            let Some(m) = self.re.captures_read_at(&mut locs, s, pos) else {
                break;
            };
            let mut accept = true;
            if m.end() == pos {
                if Some(m.start()) == prev_end {
                    accept = false;
                }
                pos += s[pos..].chars().next().map_or(1, char::len_utf8);
            } else {
                pos = m.end();
            }
            prev_end = Some(m.end());
            if accept {
                out.push(
                    (0..locs.len())
                        .map(|i| locs.get(i).map_or("", |(a, b)| &s[a..b]))
                        .collect(),
                );
            }
        }
        out
    }

    /// `FindAllString(s, n)`.
    pub(crate) fn find_all<'s>(&self, s: &'s str, n: i64) -> Vec<&'s str> {
        if n == 0 {
            return Vec::new();
        }
        self.find_all_indices(s, n)
            .into_iter()
            .map(|(a, b)| &s[a..b])
            .collect()
    }

    /// Go's `replaceAll` loop; `expand` says whether `$` references are expanded.
    #[cfg(test)]
    pub(crate) fn replace_all(&self, src: &str, repl: &str, expand: bool) -> String {
        self.replace_all_bounded(src, repl, expand, usize::MAX)
            .unwrap_or_default()
    }

    /// [`replace_all`](GoRegex::replace_all) that gives up (`None`) once the result exceeds
    /// `limit` bytes: every empty match of a long input with a long replacement would
    /// otherwise build a string of their product.
    pub(crate) fn replace_all_bounded(
        &self,
        src: &str,
        repl: &str,
        expand: bool,
        limit: usize,
    ) -> Option<String> {
        let mut buf = String::new();
        let mut last_match_end = 0usize;
        let mut search_pos = 0usize;
        let end = src.len();
        let mut locs = self.re.capture_locations();
        while search_pos <= end {
            let Some(m) = self.re.captures_read_at(&mut locs, src, search_pos) else {
                break;
            };
            let (a0, a1) = (m.start(), m.end());
            if buf.len() > limit {
                return None;
            }
            buf.push_str(&src[last_match_end..a0]);
            if a1 > last_match_end || a0 == 0 {
                if expand {
                    self.expand(&mut buf, repl, src, &locs, limit);
                } else {
                    buf.push_str(repl);
                }
            }
            last_match_end = a1;
            let width = src[search_pos..].chars().next().map_or(0, char::len_utf8);
            if search_pos + width > a1 {
                search_pos += width;
            } else if search_pos + 1 > a1 {
                search_pos += 1;
            } else {
                search_pos = a1;
            }
        }
        buf.push_str(&src[last_match_end..]);
        (buf.len() <= limit).then_some(buf)
    }

    /// Go's `Regexp.expand`.
    fn expand(
        &self,
        dst: &mut String,
        mut template: &str,
        src: &str,
        locs: &regex::CaptureLocations,
        limit: usize,
    ) {
        let group = |i: usize| locs.get(i).map(|(a, b)| &src[a..b]);
        while let Some(i) = template.find('$') {
            if dst.len() > limit {
                return;
            }
            dst.push_str(&template[..i]);
            template = &template[i + 1..];
            if let Some(rest) = template.strip_prefix('$') {
                dst.push('$');
                template = rest;
                continue;
            }
            let Some((name, num, rest)) = extract(template) else {
                dst.push('$');
                continue;
            };
            template = rest;
            if let Some(num) = num {
                if let Some(g) = group(num) {
                    dst.push_str(g);
                }
            } else {
                for (i, n) in self.names.iter().enumerate() {
                    if n == name {
                        if let Some(g) = group(i) {
                            dst.push_str(g);
                            break;
                        }
                    }
                }
            }
        }
        dst.push_str(template);
    }

    /// `Split(s, n)`.
    pub(crate) fn split<'s>(&self, s: &'s str, n: i64) -> Vec<&'s str> {
        if n == 0 {
            return Vec::new();
        }
        if !self.expr_empty && s.is_empty() {
            return vec![""];
        }
        let matches = self.find_all_indices(s, n);
        let mut out = Vec::new();
        let mut beg = 0;
        let mut end = 0;
        for (a, b) in matches {
            if n > 0 && out.len() as i64 == n - 1 {
                break;
            }
            end = a;
            if b != 0 {
                out.push(&s[beg..end]);
            }
            beg = b;
        }
        if end != s.len() {
            out.push(&s[beg..]);
        }
        out
    }
}

/// Go's `extract`: a `$name`/`${name}` reference; the number if the name is all digits.
fn extract(s: &str) -> Option<(&str, Option<usize>, &str)> {
    let (brace, body) = match s.strip_prefix('{') {
        Some(b) => (true, b),
        None => (false, s),
    };
    let len: usize = body
        .chars()
        .take_while(|c| c.is_alphabetic() || c.is_numeric() || *c == '_')
        .map(char::len_utf8)
        .sum();
    if len == 0 {
        return None;
    }
    let name = &body[..len];
    let mut rest = &body[len..];
    if brace {
        rest = rest.strip_prefix('}')?;
    }
    let mut num: Option<usize> = Some(0);
    for b in name.bytes() {
        match num {
            Some(v) if b.is_ascii_digit() && v < 100_000_000 => {
                num = Some(v * 10 + usize::from(b - b'0'));
            }
            _ => {
                num = None;
                break;
            }
        }
    }
    if name.len() > 1 && name.starts_with('0') {
        num = None;
    }
    Some((name, num, rest))
}

/// Go's `regexp.QuoteMeta`.
pub(crate) fn quote_meta(s: &str) -> String {
    let mut out = String::with_capacity(s.len() * 2);
    for c in s.chars() {
        if "\\.+*?()|[]{}^$".contains(c) {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

thread_local! {
    /// Compiled patterns: charts call the regex functions in loops with the same pattern.
    static CACHE: RefCell<HashMap<String, Rc<Result<GoRegex, SyntaxError>>>> =
        RefCell::new(HashMap::new());
}

const CACHE_MAX: usize = 256;
/// Patterns longer than this are compiled each time rather than cached.
const CACHE_MAX_PATTERN: usize = 4096;

pub(crate) fn compile_cached(pattern: &str) -> Rc<Result<GoRegex, SyntaxError>> {
    if pattern.len() > CACHE_MAX_PATTERN {
        return Rc::new(GoRegex::compile(pattern));
    }
    if let Some(hit) = CACHE.with(|c| c.borrow().get(pattern).cloned()) {
        return hit;
    }
    let compiled = Rc::new(GoRegex::compile(pattern));
    CACHE.with(|c| {
        let mut c = c.borrow_mut();
        if c.len() >= CACHE_MAX {
            c.clear();
        }
        c.insert(pattern.to_string(), compiled.clone());
    });
    compiled
}

/// `regexp.MustCompile`'s panic text, which text/template reports as the call's error.
fn must_compile(pattern: &str) -> Result<Rc<Result<GoRegex, SyntaxError>>, FuncError> {
    let c = compile_cached(pattern);
    if let Err(e) = c.as_ref() {
        let q = if can_backquote(pattern) {
            format!("`{pattern}`")
        } else {
            quote(pattern, false)
        };
        return Err(FuncError::new(format!("regexp: Compile({q}): {e}")));
    }
    Ok(c)
}

fn compiled(pattern: &str) -> Result<Rc<Result<GoRegex, SyntaxError>>, FuncError> {
    let c = compile_cached(pattern);
    if let Err(e) = c.as_ref() {
        return Err(FuncError::new(e.to_string()));
    }
    Ok(c)
}

fn strs(args: &[Value], i: usize) -> &str {
    args.get(i).and_then(Value::as_str).unwrap_or("")
}

fn int_arg(args: &[Value], i: usize) -> i64 {
    match args.get(i) {
        Some(Value::Int(n)) => *n,
        _ => 0,
    }
}

fn string_list(items: Vec<&str>) -> Value {
    Value::List(List::strings(items))
}

/// Applies `f` to the compiled pattern, failing as `mustCompile` or `Compile` fails.
fn with_re<T>(pattern: &str, must: bool, f: impl FnOnce(&GoRegex) -> T) -> Result<T, FuncError> {
    let c = if must {
        must_compile(pattern)?
    } else {
        compiled(pattern)?
    };
    match c.as_ref() {
        Ok(re) => Ok(f(re)),
        Err(e) => Err(FuncError::new(e.to_string())),
    }
}

pub(crate) fn register(map: &mut FuncMap) {
    use Type::{Bool, Int, String as S, StringList};
    let s2b = || Signature::new(vec![S, S], Bool);
    map.add("regexMatch", s2b(), |_, a| {
        let c = compile_cached(strs(a, 0));
        Ok(Value::Bool(match c.as_ref() {
            Ok(re) => re.is_match(strs(a, 1)),
            Err(_) => false,
        }))
    });
    map.add("mustRegexMatch", s2b(), |_, a| {
        with_re(strs(a, 0), false, |re| Value::Bool(re.is_match(strs(a, 1))))
    });
    for (name, must) in [("regexFindAll", true), ("mustRegexFindAll", false)] {
        map.add(
            name,
            Signature::new(vec![S, S, Int], StringList),
            move |_, a| {
                with_re(strs(a, 0), must, |re| {
                    string_list(re.find_all(strs(a, 1), int_arg(a, 2)))
                })
            },
        );
    }
    for (name, must) in [("regexFind", true), ("mustRegexFind", false)] {
        map.add(name, Signature::new(vec![S, S], S), move |_, a| {
            with_re(strs(a, 0), must, |re| Value::from(re.find(strs(a, 1))))
        });
    }
    for (name, must, expand) in [
        ("regexReplaceAll", true, true),
        ("mustRegexReplaceAll", false, true),
        ("regexReplaceAllLiteral", true, false),
        ("mustRegexReplaceAllLiteral", false, false),
    ] {
        map.add(name, Signature::new(vec![S, S, S], S), move |ctx, a| {
            let limit = ctx.options().max_output_bytes;
            let out = with_re(strs(a, 0), must, |re| {
                re.replace_all_bounded(strs(a, 1), strs(a, 2), expand, limit)
            })?;
            match out {
                Some(out) => Ok(Value::from(out)),
                None => {
                    ctx.check_size(limit.saturating_add(1))?;
                    Ok(Value::from(""))
                }
            }
        });
    }
    for (name, must) in [("regexSplit", true), ("mustRegexSplit", false)] {
        map.add(
            name,
            Signature::new(vec![S, S, Int], StringList),
            move |_, a| {
                with_re(strs(a, 0), must, |re| {
                    string_list(re.split(strs(a, 1), int_arg(a, 2)))
                })
            },
        );
    }
    map.add("regexQuoteMeta", Signature::new(vec![S], S), |_, a| {
        Ok(Value::from(quote_meta(strs(a, 0))))
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    fn re(p: &str) -> GoRegex {
        match GoRegex::compile(p) {
            Ok(r) => r,
            Err(e) => panic!("{p}: {e}"),
        }
    }

    fn compile_err(p: &str) -> String {
        match GoRegex::compile(p) {
            Ok(_) => format!("compiled: {p}"),
            Err(e) => e.to_string(),
        }
    }

    #[test]
    fn go_syntax_errors() {
        let cases = [
            ("[", "missing closing ]: `[`"),
            ("a[b-a]", "invalid character class range: `b-a`"),
            ("(", "missing closing ): `(`"),
            ("a)", "unexpected ): `a)`"),
            ("*", "missing argument to repetition operator: `*`"),
            ("a**", "invalid nested repetition operator: `**`"),
            ("a*?+", "invalid nested repetition operator: `*?+`"),
            ("(|*)", "missing argument to repetition operator: `*`"),
            ("a{1001}", "invalid repeat count: `{1001}`"),
            ("a{2,1}", "invalid repeat count: `{2,1}`"),
            ("(a{100}){100}", "invalid repeat count: `{100}`"),
            ("\\", "trailing backslash at end of expression: ``"),
            ("\\q", "invalid escape sequence: `\\q`"),
            ("\\Z", "invalid escape sequence: `\\Z`"),
            ("\\1", "invalid escape sequence: `\\1`"),
            ("\\8", "invalid escape sequence: `\\8`"),
            ("\\C", "invalid escape sequence: `\\C`"),
            ("\\x{zz}", "invalid escape sequence: `\\x{z`"),
            ("(?x)a", "invalid or unsupported Perl syntax: `(?x`"),
            ("(?i", "invalid or unsupported Perl syntax: `(?i`"),
            ("(?P=a)", "invalid or unsupported Perl syntax: `(?P`"),
            ("(?<=a)b", "invalid named capture: `(?<=a)b`"),
            ("(?P<a-b>x)", "invalid named capture: `(?P<a-b>`"),
            ("[[:foo:]]", "invalid character class range: `[:foo:]`"),
            ("\\p{Foo}", "invalid character class range: `\\p{Foo}`"),
            ("\\pX", "invalid character class range: `\\pX`"),
        ];
        for (p, want) in cases {
            assert_eq!(
                compile_err(p),
                format!("error parsing regexp: {want}"),
                "{p}"
            );
        }
    }

    #[test]
    fn go_semantics() {
        // Perl classes and \b are ASCII in Go.
        assert!(!re("^\\d$").is_match("٣"));
        assert!(!re("^\\w$").is_match("é"));
        assert!(!re("^\\s$").is_match("\u{85}"));
        assert!(!re("^\\s$").is_match("\u{b}"));
        assert!(re("^[[:space:]]$").is_match("\u{b}"));
        assert!(re("\\bé").is_match("aé") == re("\\bé").is_match("aé"));
        assert!(re("(?i)\\w").is_match("\u{212A}"));
        // `\<` is a literal in Go.
        assert!(re("\\<a\\>").is_match("<a>"));
        // Literal braces that are not repetitions.
        assert!(re("a{,3}").is_match("a{,3}"));
        assert!(re("x{").is_match("x{"));
        // `$` is end of text without (?m).
        assert!(!re("a$").is_match("a\n"));
        assert!(re("(?m)a$").is_match("a\nb"));
        // Flags end with the group.
        assert!(!re("(a(?i)b)c").is_match("aBC"));
        assert!(re("(a(?i)b)c").is_match("aBc"));
        // (?U) swaps greediness.
        assert_eq!(re("(?U)a+").find("aaa"), "a");
        assert_eq!(re("(?U)a+?").find("aaa"), "aaa");
        // Duplicate names are allowed in Go.
        assert!(GoRegex::compile("(?P<a>x)(?P<a>y)").is_ok());
        // Repetition of an empty-width assertion and of a flag group.
        assert!(GoRegex::compile("^*").is_ok());
        assert!(GoRegex::compile("a*(?i)*").is_ok());
        assert!(re("\\Qa.b\\E").is_match("a.b"));
        assert!(!re("\\Qa.b\\E").is_match("axb"));
        assert!(re("[^a]").is_match("\n"));
        assert!(!re("(?i)[^a]").is_match("A"));
        assert!(re("\\x41\\101\\x{42}").is_match("AAB"));
    }

    #[test]
    fn find_replace_split() {
        let r = re("a*");
        assert_eq!(r.find_all("baaab", -1), vec!["", "aaa", ""]);
        assert_eq!(r.replace_all("baaab", "-", true), "-b-b-");
        let r = re("a(x*)b");
        assert_eq!(r.replace_all("-ab-axxb-", "${1}W", true), "-W-xxW-");
        assert_eq!(r.replace_all("-ab-axxb-", "$1W", true), "---");
        assert_eq!(r.replace_all("-ab-axxb-", "$1W", false), "-$1W-$1W-");
        assert_eq!(r.replace_all("-ab-axxb-", "$$1", true), "-$1-$1-");
        let r = re("(?P<n>x+)");
        assert_eq!(r.replace_all("axxb", "<$n>", true), "a<xx>b");
        assert_eq!(r.replace_all("axxb", "<${n}>", true), "a<xx>b");
        assert_eq!(r.replace_all("axxb", "<$>", true), "a<$>b");
        let r = re("a");
        assert_eq!(r.split("banana", -1), vec!["b", "n", "n", ""]);
        assert_eq!(r.split("banana", 2), vec!["b", "nana"]);
        assert!(r.split("banana", 0).is_empty());
        assert_eq!(re("").split("abc", -1), vec!["a", "b", "c"]);
        assert_eq!(re("x*").split("axbxc", -1), vec!["a", "b", "c"]);
        assert_eq!(re("z").split("", -1), vec![""]);
        assert_eq!(r.find_all("banana", 2), vec!["a", "a"]);
        assert_eq!(quote_meta("1.5-2.0?[x]"), "1\\.5-2\\.0\\?\\[x\\]");
        // Every empty match of a long input times a long replacement: bounded.
        let big = "a".repeat(10_000);
        assert!(
            re("")
                .replace_all_bounded(&big, &big, false, 1 << 20)
                .is_none()
        );
        assert!(
            re("x*")
                .replace_all_bounded(&big, "$0$0$0$0", true, 1 << 20)
                .is_some()
        );
    }
}
