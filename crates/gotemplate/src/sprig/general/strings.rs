//! Sprig's string functions (`strings.go` and the string entries of `functions.go`), with the
//! helpers they borrow from Go's `strings`, Masterminds/goutils (`abbrev`, `initials`, `wrap`,
//! `swapcase`, `nospace`, `untitle`) and huandu/xstrings v1.5.0 (`snakecase`, `kebabcase`,
//! `camelcase`). goutils works on bytes in several places and so turns non-ASCII text into
//! Latin-1 mojibake; that is kept, since charts see exactly that from Helm.

use crate::{Context, FuncError, FuncMap, List, Map, Type as T, Value};

use super::util::{
    arg, int_arg, is_letter, is_lower, is_number, is_punct, is_space, is_space_byte, is_title,
    is_upper, lossy, push_byte_as_rune, sig, sigv, slice_items, str_arg, strval, to_lower,
    to_title, to_upper,
};

pub(super) fn register(m: &mut FuncMap) {
    let s1 = || sig(vec![T::String], T::String);
    let s2 = || sig(vec![T::String, T::String], T::String);
    m.add("abbrev", sig(vec![T::Int, T::String], T::String), |_, a| {
        Ok(abbrev(int_arg(a, 0), str_arg(a, 1)))
    });
    m.add(
        "abbrevboth",
        sig(vec![T::Int, T::Int, T::String], T::String),
        |_, a| Ok(abbrevboth(int_arg(a, 0), int_arg(a, 1), str_arg(a, 2))),
    );
    m.add("trunc", sig(vec![T::Int, T::String], T::String), |_, a| {
        Ok(trunc(int_arg(a, 0), str_arg(a, 1)))
    });
    m.add("trim", s1(), |_, a| {
        Ok(Value::from(str_arg(a, 0).trim_matches(is_space)))
    });
    m.add("upper", s1(), |_, a| {
        Ok(Value::from(
            str_arg(a, 0).chars().map(to_upper).collect::<String>(),
        ))
    });
    m.add("lower", s1(), |_, a| {
        Ok(Value::from(
            str_arg(a, 0).chars().map(to_lower).collect::<String>(),
        ))
    });
    m.add("title", s1(), |_, a| Ok(Value::from(title(str_arg(a, 0)))));
    m.add("untitle", s1(), |_, a| {
        Ok(Value::from(untitle(str_arg(a, 0))))
    });
    m.add(
        "substr",
        sig(vec![T::Int, T::Int, T::String], T::String),
        |_, a| substr(int_arg(a, 0), int_arg(a, 1), str_arg(a, 2)),
    );
    m.add(
        "repeat",
        sig(vec![T::Int, T::String], T::String),
        |ctx, a| repeat(ctx, str_arg(a, 1), int_arg(a, 0)).map(Value::from),
    );
    for name in ["trimall", "trimAll"] {
        m.add(name, s2(), |_, a| {
            let cut = str_arg(a, 0);
            Ok(Value::from(str_arg(a, 1).trim_matches(|c| cut.contains(c))))
        });
    }
    m.add("trimSuffix", s2(), |_, a| {
        let (suf, s) = (str_arg(a, 0), str_arg(a, 1));
        Ok(Value::from(s.strip_suffix(suf).unwrap_or(s)))
    });
    m.add("trimPrefix", s2(), |_, a| {
        let (pre, s) = (str_arg(a, 0), str_arg(a, 1));
        Ok(Value::from(s.strip_prefix(pre).unwrap_or(s)))
    });
    m.add("nospace", s1(), |_, a| {
        Ok(Value::from(delete_white_space(str_arg(a, 0))))
    });
    m.add("initials", s1(), |_, a| {
        Ok(Value::from(initials(str_arg(a, 0))))
    });
    m.add("swapcase", s1(), |_, a| {
        Ok(Value::from(swapcase(str_arg(a, 0))))
    });
    m.add("snakecase", s1(), |_, a| {
        Ok(Value::from(camel_to_lower(str_arg(a, 0), '_')))
    });
    m.add("kebabcase", s1(), |_, a| {
        Ok(Value::from(camel_to_lower(str_arg(a, 0), '-')))
    });
    m.add("camelcase", s1(), |_, a| {
        Ok(Value::from(pascal_case(str_arg(a, 0))))
    });
    m.add("wrap", sig(vec![T::Int, T::String], T::String), |_, a| {
        Ok(wrap_custom(str_arg(a, 1), int_arg(a, 0), "", false))
    });
    m.add(
        "wrapWith",
        sig(vec![T::Int, T::String, T::String], T::String),
        |ctx, a| {
            let (width, sep, s) = (int_arg(a, 0), str_arg(a, 1), str_arg(a, 2));
            // A separator per `width` bytes at most: refuse what would pass the output limit.
            let breaks = s.len() / usize::try_from(width.max(1)).unwrap_or(usize::MAX) + 1;
            ctx.check_size(s.len().saturating_add(breaks.saturating_mul(sep.len())))?;
            Ok(wrap_custom(s, width, sep, true))
        },
    );
    let b2 = || sig(vec![T::String, T::String], T::Bool);
    m.add("contains", b2(), |_, a| {
        Ok(Value::Bool(str_arg(a, 1).contains(str_arg(a, 0))))
    });
    m.add("hasPrefix", b2(), |_, a| {
        Ok(Value::Bool(str_arg(a, 1).starts_with(str_arg(a, 0))))
    });
    m.add("hasSuffix", b2(), |_, a| {
        Ok(Value::Bool(str_arg(a, 1).ends_with(str_arg(a, 0))))
    });
    m.add("quote", sigv(vec![], T::Any, T::String), |_, a| {
        let mut out = Vec::new();
        for v in a.iter().filter(|v| !v.is_nil()) {
            out.push(crate::strconv::quote(&strval(v)?, false));
        }
        Ok(Value::from(out.join(" ")))
    });
    m.add("squote", sigv(vec![], T::Any, T::String), |_, a| {
        let mut out = Vec::new();
        for v in a.iter().filter(|v| !v.is_nil()) {
            out.push(crate::fmt::sprintf("'%v'", std::slice::from_ref(v))?);
        }
        Ok(Value::from(out.join(" ")))
    });
    m.add("cat", sigv(vec![], T::Any, T::String), |_, a| {
        let v: Vec<Value> = a.iter().filter(|v| !v.is_nil()).cloned().collect();
        let format = vec!["%v"; v.len()].join(" ");
        Ok(Value::from(crate::fmt::sprintf(&format, &v)?))
    });
    m.add(
        "indent",
        sig(vec![T::Int, T::String], T::String),
        |ctx, a| indent(ctx, int_arg(a, 0), str_arg(a, 1)).map(Value::from),
    );
    m.add(
        "nindent",
        sig(vec![T::Int, T::String], T::String),
        |ctx, a| indent(ctx, int_arg(a, 0), str_arg(a, 1)).map(|s| Value::from(format!("\n{s}"))),
    );
    m.add(
        "replace",
        sig(vec![T::String, T::String, T::String], T::String),
        |ctx, a| {
            let (old, new, src) = (str_arg(a, 0), str_arg(a, 1), str_arg(a, 2));
            let count = if old.is_empty() {
                src.chars().count() + 1
            } else {
                src.matches(old).count()
            };
            ctx.check_size(src.len().saturating_add(count.saturating_mul(new.len())))?;
            Ok(Value::from(src.replace(old, new)))
        },
    );
    m.add(
        "plural",
        sig(vec![T::String, T::String, T::Int], T::String),
        |_, a| Ok(arg(a, if int_arg(a, 2) == 1 { 0 } else { 1 }).clone()),
    );
    m.add("toString", sig(vec![T::Any], T::String), |_, a| {
        Ok(Value::from(strval(arg(a, 0))?))
    });
    m.add(
        "split",
        sig(
            vec![T::String, T::String],
            super::util::named("map[string]string"),
        ),
        |_, a| Ok(parts_map(split(str_arg(a, 1), str_arg(a, 0), -1)?)),
    );
    m.add(
        "splitList",
        sig(vec![T::String, T::String], T::StringList),
        |_, a| {
            Ok(Value::List(List::strings(split(
                str_arg(a, 1),
                str_arg(a, 0),
                -1,
            )?)))
        },
    );
    m.add(
        "splitn",
        sig(
            vec![T::String, T::Int, T::String],
            super::util::named("map[string]string"),
        ),
        |_, a| {
            Ok(parts_map(split(
                str_arg(a, 2),
                str_arg(a, 0),
                int_arg(a, 1),
            )?))
        },
    );
    m.add("toStrings", sig(vec![T::Any], T::StringList), |_, a| {
        Ok(Value::List(List::strings(strslice(arg(a, 0))?)))
    });
    m.add("join", sig(vec![T::String, T::Any], T::String), |ctx, a| {
        let (sep, parts) = (str_arg(a, 0), strslice(arg(a, 1))?);
        let total = parts.iter().map(String::len).sum::<usize>();
        ctx.check_size(total.saturating_add(sep.len().saturating_mul(parts.len())))?;
        Ok(Value::from(parts.join(sep)))
    });
    m.add("sortAlpha", sig(vec![T::Any], T::StringList), |_, a| {
        let v = arg(a, 0);
        let mut out = if slice_items(v).is_some() {
            strslice(v)?
        } else {
            vec![strval(v)?]
        };
        out.sort();
        Ok(Value::List(List::strings(out)))
    });
}

/// goutils' `AbbreviateFull`, bytes and all; `abbrev` is it with offset 0.
fn abbreviate_full(s: &[u8], offset: i64, max_width: i64) -> Vec<u8> {
    let len = s.len() as i64;
    if s.is_empty() || max_width < 4 {
        return Vec::new();
    }
    if len <= max_width {
        return s.to_vec();
    }
    let mut offset = offset.min(len);
    if len - offset < max_width - 3 {
        offset = len - (max_width - 3);
    }
    let mut out = Vec::new();
    if offset <= 4 {
        out.extend_from_slice(&s[..(max_width - 3) as usize]);
        out.extend_from_slice(b"...");
        return out;
    }
    if max_width < 7 {
        return Vec::new();
    }
    out.extend_from_slice(b"...");
    if offset + max_width - 3 < len {
        out.extend(abbreviate_full(&s[offset as usize..], 0, max_width - 3));
    } else {
        out.extend_from_slice(&s[(len - (max_width - 3)) as usize..]);
    }
    out
}

fn abbrev(width: i64, s: &str) -> Value {
    if width < 4 {
        return Value::from(s);
    }
    lossy(&abbreviate_full(s.as_bytes(), 0, width))
}

fn abbrevboth(left: i64, right: i64, s: &str) -> Value {
    if right < 4 || left > 0 && right < 7 {
        return Value::from(s);
    }
    lossy(&abbreviate_full(s.as_bytes(), left, right))
}

fn trunc(c: i64, s: &str) -> Value {
    let len = s.len() as i64;
    if c < 0 && len + c > 0 {
        return lossy(&s.as_bytes()[(len + c) as usize..]);
    }
    if c >= 0 && len > c {
        return lossy(&s.as_bytes()[..c as usize]);
    }
    Value::from(s)
}

/// Sprig's `substring` with Go's slice-bounds panics.
fn substr(start: i64, end: i64, s: &str) -> Result<Value, FuncError> {
    let len = s.len() as i64;
    let b = s.as_bytes();
    let oob = |m: String| {
        Err(FuncError::new(format!(
            "runtime error: slice bounds out of range {m}"
        )))
    };
    if start < 0 {
        if end < 0 {
            return oob(format!("[:{end}]"));
        }
        if end > len {
            return oob(format!("[:{end}] with length {len}"));
        }
        return Ok(lossy(&b[..end as usize]));
    }
    if end < 0 || end > len {
        if start > len {
            return oob(format!("[{start}:{len}]"));
        }
        return Ok(lossy(&b[start as usize..]));
    }
    if start > end {
        return oob(format!("[{start}:{end}]"));
    }
    Ok(lossy(&b[start as usize..end as usize]))
}

/// `strings.Repeat` with its panics, and the engine's output limit so that `repeat 1e9`
/// fails instead of exhausting memory.
fn repeat(ctx: &Context<'_>, s: &str, count: i64) -> Result<String, FuncError> {
    match count {
        0 => return Ok(String::new()),
        1 => return Ok(s.to_string()),
        _ => {}
    }
    if count < 0 {
        return Err(FuncError::new("strings: negative Repeat count"));
    }
    let total = (s.len() as u128) * (count as u128);
    if total > i64::MAX as u128 {
        return Err(FuncError::new("strings: Repeat output length overflow"));
    }
    ctx.check_size(usize::try_from(total).unwrap_or(usize::MAX))?;
    Ok(s.repeat(count as usize))
}

fn indent(ctx: &Context<'_>, spaces: i64, v: &str) -> Result<String, FuncError> {
    let pad = repeat(ctx, " ", spaces)?;
    let lines = v.matches('\n').count() + 1;
    ctx.check_size(v.len().saturating_add(lines.saturating_mul(pad.len())))?;
    Ok(format!("{pad}{}", v.replace('\n', &format!("\n{pad}"))))
}

/// `strings.Title`: the first letter of each word in title case, words being separated by
/// anything but ASCII alphanumerics, `_`, and non-ASCII letters and digits.
fn title(s: &str) -> String {
    let mut prev = ' ';
    s.chars()
        .map(|c| {
            let sep = if (prev as u32) <= 0x7F {
                !(prev.is_ascii_alphanumeric() || prev == '_')
            } else {
                is_space(prev)
            };
            prev = c;
            if sep { to_title(c) } else { c }
        })
        .collect()
}

/// goutils' `Uncapitalize`: the first letter of each space-separated word in lower case.
fn untitle(s: &str) -> String {
    let mut next = true;
    s.chars()
        .map(|c| {
            if is_space(c) {
                next = true;
                c
            } else if next {
                next = false;
                to_lower(c)
            } else {
                c
            }
        })
        .collect()
}

/// goutils' `DeleteWhiteSpace`, which tests and copies byte by byte: with no whitespace byte
/// the string is returned as is, otherwise every non-ASCII byte becomes a Latin-1 character
/// (and the bytes 0x85 and 0xA0 inside UTF-8 sequences count as whitespace).
fn delete_white_space(s: &str) -> String {
    if !s.bytes().any(is_space_byte) {
        return s.to_string();
    }
    let mut out = String::new();
    for b in s.bytes().filter(|b| !is_space_byte(*b)) {
        push_byte_as_rune(&mut out, b);
    }
    out
}

/// goutils' `Initials`, byte by byte like `DeleteWhiteSpace`.
fn initials(s: &str) -> String {
    let mut out = String::new();
    let mut gap = true;
    for b in s.bytes() {
        if is_space_byte(b) {
            gap = true;
        } else if gap {
            push_byte_as_rune(&mut out, b);
            gap = false;
        }
    }
    out
}

/// goutils' `SwapCase`: a lower-case letter after whitespace becomes title case.
fn swapcase(s: &str) -> String {
    let mut whitespace = true;
    s.chars()
        .map(|c| {
            if is_upper(c) || is_title(c) {
                whitespace = false;
                to_lower(c)
            } else if is_lower(c) {
                if whitespace {
                    whitespace = false;
                    to_title(c)
                } else {
                    to_upper(c)
                }
            } else {
                whitespace = is_space(c);
                c
            }
        })
        .collect()
}

/// goutils' `WrapCustom`, on bytes as goutils slices them.
fn wrap_custom(s: &str, wrap_length: i64, newline: &str, wrap_long_words: bool) -> Value {
    if s.is_empty() {
        return Value::from("");
    }
    let nl = if newline.is_empty() { "\n" } else { newline }.as_bytes();
    let wrap_length = wrap_length.max(1) as usize;
    let b = s.as_bytes();
    let len = b.len();
    let mut offset = 0usize;
    let mut out: Vec<u8> = Vec::new();
    while len - offset > wrap_length {
        if b[offset] == b' ' {
            offset += 1;
            continue;
        }
        let end = wrap_length + offset + 1;
        let space = b[offset..end].iter().rposition(|&c| c == b' ');
        if let Some(i) = space {
            out.extend_from_slice(&b[offset..offset + i]);
            out.extend_from_slice(nl);
            offset += i + 1;
        } else if wrap_long_words {
            out.extend_from_slice(&b[offset..wrap_length + offset]);
            out.extend_from_slice(nl);
            offset += wrap_length;
        } else {
            let end = wrap_length + offset;
            match b[end..].iter().position(|&c| c == b' ') {
                None => {
                    out.extend_from_slice(&b[offset..]);
                    offset = len;
                }
                Some(i) => {
                    out.extend_from_slice(&b[offset..end + i]);
                    out.extend_from_slice(nl);
                    offset = end + i + 1;
                }
            }
        }
    }
    out.extend_from_slice(&b[offset..]);
    lossy(&out)
}

/// The most pieces a split may produce: each piece is a value of its own (tens of bytes), so
/// splitting a large text into characters must fail rather than take gigabytes.
const MAX_PARTS: usize = 4_000_000;

/// `strings.Split` (n < 0) and `strings.SplitN`; an empty separator splits into characters.
fn split(s: &str, sep: &str, n: i64) -> Result<Vec<String>, FuncError> {
    if n == 0 {
        return Ok(Vec::new());
    }
    let pieces = if sep.is_empty() {
        s.chars().count()
    } else {
        s.matches(sep).count() + 1
    };
    let pieces = if n > 0 {
        pieces.min(usize::try_from(n).unwrap_or(usize::MAX))
    } else {
        pieces
    };
    if pieces > MAX_PARTS {
        return Err(FuncError::new(format!(
            "splitting into {pieces} pieces exceeds the limit of {MAX_PARTS}"
        )));
    }
    if sep.is_empty() {
        let chars: Vec<char> = s.chars().collect();
        let count = pieces;
        let mut out: Vec<String> = chars
            .iter()
            .take(count.saturating_sub(1))
            .map(|c| c.to_string())
            .collect();
        if count > 0 {
            out.push(chars[count - 1..].iter().collect());
        }
        return Ok(out);
    }
    Ok(if n < 0 {
        s.split(sep).map(str::to_string).collect()
    } else {
        s.splitn(n as usize, sep).map(str::to_string).collect()
    })
}

/// `split`'s `map[string]string` with keys `_0`, `_1`, ...
fn parts_map(parts: Vec<String>) -> Value {
    let m = Map::with_type(crate::ElemType::String, None);
    for (i, p) in parts.into_iter().enumerate() {
        m.insert(format!("_{i}"), Value::from(p));
    }
    Value::Map(m)
}

/// Sprig's `strslice`: a `[]string` as is, other slices with nil elements dropped and the
/// rest `strval`ed, nil as an empty list, anything else as a one-element list.
pub(super) fn strslice(v: &Value) -> Result<Vec<String>, FuncError> {
    match slice_items(v) {
        Some(items) => items.iter().filter(|x| !x.is_nil()).map(strval).collect(),
        None if v.is_nil() => Ok(Vec::new()),
        None => Ok(vec![strval(v)?]),
    }
}

// --- huandu/xstrings v1.5.0 ---

fn is_connector(c: char) -> bool {
    c == '-' || c == '_' || is_space(c)
}

/// xstrings' `isAlphabet`: letters, except CJK ideographs.
fn is_alphabet(c: char) -> bool {
    if !is_letter(c) {
        return false;
    }
    let r = c as u32;
    !(r >= 0x3400
        && (matches!(r, 0x4E00..=0x9FCC)
            || matches!(r, 0x3400..=0x4D85)
            || matches!(r, 0x20000..=0x2B81D)))
}

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Word {
    Invalid,
    Number,
    Upper,
    Alphabet,
    Connector,
    Punct,
    Other,
}

/// xstrings' `nextWord`: the type and text of the next word, and the rest.
fn next_word(s: &str) -> (Word, &str, &str) {
    let mut it = s.char_indices().peekable();
    let Some((_, r)) = it.next() else {
        return (Word::Invalid, "", "");
    };
    let mut offset = r.len_utf8();
    let take_while = |offset: &mut usize, pred: &dyn Fn(char) -> bool| {
        for c in s[*offset..].chars() {
            if !pred(c) {
                break;
            }
            *offset += c.len_utf8();
        }
    };
    let wt = if is_connector(r) {
        take_while(&mut offset, &is_connector);
        Word::Connector
    } else if is_punct(r) {
        take_while(&mut offset, &is_punct);
        Word::Punct
    } else if is_upper(r) {
        if let Some(r2) = s[offset..].chars().next() {
            if is_upper(r2) {
                let mut prev_size = r2.len_utf8();
                offset += prev_size;
                let mut stop = None;
                for c in s[offset..].chars() {
                    if !is_upper(c) {
                        stop = Some(c);
                        break;
                    }
                    prev_size = c.len_utf8();
                    offset += prev_size;
                }
                // "HTTPStatus" is "HTTP" and "Status": the last capital starts the next word.
                if let Some(c) = stop {
                    if is_alphabet(c) {
                        offset -= prev_size;
                    }
                }
            } else if is_alphabet(r2) {
                offset += r2.len_utf8();
                take_while(&mut offset, &|c| is_alphabet(c) && !is_upper(c));
            }
        }
        Word::Upper
    } else if is_alphabet(r) {
        take_while(&mut offset, &|c| is_alphabet(c) && !is_upper(c));
        Word::Alphabet
    } else if is_number(r) {
        take_while(&mut offset, &is_number);
        Word::Number
    } else {
        take_while(&mut offset, &|c| {
            !(is_connector(c) || is_alphabet(c) || is_number(c) || is_punct(c))
        });
        Word::Other
    };
    (wt, &s[..offset], &s[offset..])
}

fn to_lower_word(buf: &mut String, wt: Word, s: &str, connector: char) {
    if wt != Word::Upper && wt != Word::Connector {
        buf.push_str(s);
        return;
    }
    for c in s.chars() {
        if is_connector(c) {
            buf.push(connector);
        } else if is_upper(c) {
            buf.push(to_lower(c));
        } else {
            buf.push(c);
        }
    }
}

/// xstrings' `camelCaseToLowerCase` (`ToSnakeCase`, `ToKebabCase`).
fn camel_to_lower(s: &str, connector: char) -> String {
    if s.is_empty() {
        return String::new();
    }
    let mut buf = String::new();
    let (mut wt, mut word, mut remaining) = next_word(s);
    while !remaining.is_empty() {
        if wt != Word::Connector {
            to_lower_word(&mut buf, wt, word, connector);
        }
        let prev = wt;
        let last = word;
        (wt, word, remaining) = next_word(remaining);
        match prev {
            Word::Number => {
                while wt == Word::Alphabet || wt == Word::Number {
                    to_lower_word(&mut buf, wt, word, connector);
                    (wt, word, remaining) = next_word(remaining);
                }
                if wt != Word::Invalid && wt != Word::Punct && wt != Word::Connector {
                    buf.push(connector);
                }
            }
            Word::Connector => to_lower_word(&mut buf, prev, last, connector),
            Word::Punct => {}
            _ => {
                if wt != Word::Number {
                    if wt != Word::Connector && wt != Word::Punct {
                        buf.push(connector);
                    }
                    continue;
                }
                if remaining.is_empty() {
                    continue;
                }
                let last = word;
                (wt, word, remaining) = next_word(remaining);
                // "Bld4Floor" is "bld4_floor": a number belongs to the word before it...
                if wt != Word::Alphabet {
                    to_lower_word(&mut buf, Word::Number, last, connector);
                    if wt != Word::Connector && wt != Word::Punct {
                        buf.push(connector);
                    }
                    continue;
                }
                // ...unless lower-case letters follow it: "HTTP2xx" is "http_2xx".
                buf.push(connector);
                to_lower_word(&mut buf, Word::Number, last, connector);
                while wt == Word::Alphabet || wt == Word::Number {
                    to_lower_word(&mut buf, wt, word, connector);
                    (wt, word, remaining) = next_word(remaining);
                }
                if wt != Word::Invalid && wt != Word::Connector && wt != Word::Punct {
                    buf.push(connector);
                }
            }
        }
    }
    to_lower_word(&mut buf, wt, word, connector);
    buf
}

/// xstrings' `ToPascalCase` (`toCamelCase(str, true)`), which Sprig's `camelcase` calls.
fn pascal_case(s: &str) -> String {
    let mut buf = String::new();
    let mut chars = s.chars().peekable();
    let mut first_upper = false;
    let mut r0 = '\0';
    let mut got = false;
    // Leading connectors are kept.
    for c in chars.by_ref() {
        if !is_connector(c) {
            first_upper = is_upper(c);
            r0 = to_upper(c);
            got = true;
            break;
        }
        buf.push(c);
    }
    if !got {
        // xstrings writes the last rune once more when nothing follows it: "_" gives "__".
        if let Some(c) = s.chars().last() {
            buf.push(c);
        }
        return buf;
    }
    for c in chars {
        let r1 = r0;
        r0 = c;
        if is_connector(r0) && is_connector(r1) {
            buf.push(r1);
            continue;
        }
        if is_connector(r1) {
            first_upper = is_upper(r0);
            r0 = to_upper(r0);
        } else {
            if first_upper {
                if is_upper(r0) {
                    r0 = to_lower(r0);
                } else {
                    first_upper = false;
                }
            }
            buf.push(r1);
        }
    }
    buf.push(r0);
    buf
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn xstrings_cases() {
        for (i, snake, kebab) in [
            ("FirstName", "first_name", "first-name"),
            ("HTTPServer", "http_server", "http-server"),
            ("NoHTTPS", "no_https", "no-https"),
            ("GO_PATH", "go_path", "go-path"),
            ("GO PATH", "go_path", "go-path"),
            ("GO-PATH", "go_path", "go-path"),
            ("http2xx", "http_2xx", "http-2xx"),
            ("HTTP20xOK", "http_20x_ok", "http-20x-ok"),
            ("Duration2m3s", "duration_2m3s", "duration-2m3s"),
            ("Bld4Floor3rd", "bld4_floor_3rd", "bld4-floor-3rd"),
        ] {
            assert_eq!(camel_to_lower(i, '_'), snake, "{i}");
            assert_eq!(camel_to_lower(i, '-'), kebab, "{i}");
        }
        for (i, want) in [
            ("some_words", "SomeWords"),
            ("http_server", "HttpServer"),
            ("no_https", "NoHttps"),
            ("_complex__case_", "_Complex_Case_"),
            ("some words", "SomeWords"),
            ("GOLANG_IS_GREAT", "GolangIsGreat"),
            ("a", "A"),
            ("_", "__"),
            ("", ""),
        ] {
            assert_eq!(pascal_case(i), want, "{i}");
        }
    }

    #[test]
    fn goutils_cases() {
        assert_eq!(
            abbreviate_full(b"abcdefghijklmno", 5, 10),
            b"...fghi...".to_vec()
        );
        assert_eq!(
            abbreviate_full(b"abcdefghijklmno", 12, 10),
            b"...ijklmno".to_vec()
        );
        assert_eq!(initials("John Doe"), "JD");
        assert_eq!(swapcase("This Is A.Test"), "tHIS iS a.tEST");
        assert_eq!(delete_white_space(" a b\tc\n"), "abc");
        assert_eq!(untitle("Hello World"), "hello world");
        assert_eq!(title("hello wOrld-x_y"), "Hello WOrld-X_y");
        assert_eq!(
            wrap_custom("Hello Sprig World", 5, "", false).as_str(),
            Some("Hello\nSprig\nWorld")
        );
        assert_eq!(
            wrap_custom("abcdefghij", 3, "-", true).as_str(),
            Some("abc-def-ghi-j")
        );
    }

    #[test]
    fn splits() {
        let sp = |s: &str, sep: &str, n: i64| split(s, sep, n).unwrap_or_default();
        assert_eq!(sp("a,b,,c", ",", -1), vec!["a", "b", "", "c"]);
        assert_eq!(sp("a,b,c", ",", 2), vec!["a", "b,c"]);
        assert_eq!(sp("abc", "", 2), vec!["a", "bc"]);
        assert_eq!(sp("abc", "", -1), vec!["a", "b", "c"]);
        assert!(sp("abc", ",", 0).is_empty());
        assert!(sp("", "", -1).is_empty());
        assert_eq!(sp("", ",", -1), vec![""]);
    }

    #[test]
    fn substr_bounds() {
        assert_eq!(
            substr(1, 3, "hello")
                .ok()
                .and_then(|v| v.as_str().map(String::from)),
            Some("el".into())
        );
        let e = substr(-1, 9, "abc").err().map(|e| e.to_string());
        assert_eq!(
            e.as_deref(),
            Some("runtime error: slice bounds out of range [:9] with length 3")
        );
        let e = substr(3, 2, "abcd").err().map(|e| e.to_string());
        assert_eq!(
            e.as_deref(),
            Some("runtime error: slice bounds out of range [3:2]")
        );
    }
}
