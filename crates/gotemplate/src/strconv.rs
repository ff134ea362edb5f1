//! Go's `strconv` as far as templates need it: number literals (`ParseInt`,
//! `ParseUint`, `ParseFloat` with base prefixes and underscores), float
//! formatting (`FormatFloat` with the `e E f g G b x X` formats, shortest or
//! with a precision), quoting (`Quote`, `QuoteToASCII`, `QuoteRune`,
//! `CanBackquote`) and unquoting (`Unquote`, `UnquoteChar`), and `IsPrint`.
//!
//! Digits come from Rust's own float formatting, which like Go's is exact
//! (shortest round-trip digits, or correctly rounded with ties to even); the
//! layout around the digits follows Go's `ftoa.go`.

/// Go's `strconv.ErrSyntax` text.
pub(crate) const ERR_SYNTAX: &str = "invalid syntax";

fn lower(c: u8) -> u8 {
    c | 0x20
}

/// Go's rule for where `_` may appear in a number literal with base prefix 0.
fn underscore_ok(s: &str) -> bool {
    let b = s.as_bytes();
    let mut saw = b'^';
    let mut i = 0;
    let b = if !b.is_empty() && (b[0] == b'-' || b[0] == b'+') {
        &b[1..]
    } else {
        b
    };
    let mut hex = false;
    if b.len() >= 2 && b[0] == b'0' && matches!(lower(b[1]), b'b' | b'o' | b'x') {
        i = 2;
        saw = b'0';
        hex = lower(b[1]) == b'x';
    }
    while i < b.len() {
        let c = b[i];
        if c.is_ascii_digit() || (hex && (b'a'..=b'f').contains(&lower(c))) {
            saw = b'0';
        } else if c == b'_' {
            if saw != b'0' {
                return false;
            }
            saw = b'_';
        } else {
            if saw == b'_' {
                return false;
            }
            saw = b'!';
        }
        i += 1;
    }
    saw != b'_'
}

/// `strconv.ParseUint(s, 0, 64)`: `None` on syntax or range errors.
pub(crate) fn parse_uint_base0(s0: &str) -> Option<u64> {
    let mut s = s0.as_bytes();
    if s.is_empty() {
        return None;
    }
    let mut base: u64 = 10;
    if s[0] == b'0' {
        if s.len() >= 3 && lower(s[1]) == b'b' {
            base = 2;
            s = &s[2..];
        } else if s.len() >= 3 && lower(s[1]) == b'o' {
            base = 8;
            s = &s[2..];
        } else if s.len() >= 3 && lower(s[1]) == b'x' {
            base = 16;
            s = &s[2..];
        } else {
            base = 8;
            s = &s[1..];
        }
    }
    let mut n: u64 = 0;
    let mut underscores = false;
    for &c in s {
        let d = if c == b'_' {
            underscores = true;
            continue;
        } else if c.is_ascii_digit() {
            u64::from(c - b'0')
        } else if lower(c).is_ascii_lowercase() {
            u64::from(lower(c) - b'a') + 10
        } else {
            return None;
        };
        if d >= base {
            return None;
        }
        n = n.checked_mul(base)?.checked_add(d)?;
    }
    if underscores && !underscore_ok(s0) {
        return None;
    }
    Some(n)
}

/// `strconv.ParseInt(s, 0, 64)`.
pub(crate) fn parse_int_base0(s: &str) -> Option<i64> {
    let (neg, body) = match s.as_bytes().first() {
        Some(b'+') => (false, &s[1..]),
        Some(b'-') => (true, &s[1..]),
        _ => (false, s),
    };
    let u = parse_uint_base0(body)?;
    if neg {
        if u <= (i64::MAX as u64) + 1 {
            Some((u as i64).wrapping_neg())
        } else {
            None
        }
    } else if u <= i64::MAX as u64 {
        Some(u as i64)
    } else {
        None
    }
}

/// `strconv.ParseFloat(s, 64)`: decimal and hexadecimal (`0x1.8p3`) forms,
/// `inf`/`nan` words, underscores under Go's rules. Out-of-range values are
/// errors, as in Go.
pub(crate) fn parse_float(s: &str) -> Option<f64> {
    let b = s.as_bytes();
    let mut i = 0;
    let mut neg = false;
    if let Some(&c) = b.first() {
        if c == b'+' || c == b'-' {
            neg = c == b'-';
            i = 1;
        }
    }
    let rest = &s[i..];
    let lr = rest.to_ascii_lowercase();
    if lr == "inf" || lr == "infinity" {
        return Some(if neg {
            f64::NEG_INFINITY
        } else {
            f64::INFINITY
        });
    }
    if lr == "nan" {
        return Some(f64::NAN);
    }
    let underscores = rest.contains('_');
    if underscores && !underscore_ok(s) {
        return None;
    }
    let clean: String = rest.chars().filter(|&c| c != '_').collect();
    let v = if clean.len() >= 2 && clean.as_bytes()[0] == b'0' && lower(clean.as_bytes()[1]) == b'x'
    {
        parse_hex_float(&clean[2..])?
    } else {
        let cb = clean.as_bytes();
        // Validate the decimal grammar ourselves: Rust accepts words like
        // "inf" that Go only accepts above.
        let mut j = 0;
        let mut digits = 0;
        while j < cb.len() && cb[j].is_ascii_digit() {
            j += 1;
            digits += 1;
        }
        if j < cb.len() && cb[j] == b'.' {
            j += 1;
            while j < cb.len() && cb[j].is_ascii_digit() {
                j += 1;
                digits += 1;
            }
        }
        if digits == 0 {
            return None;
        }
        if j < cb.len() && lower(cb[j]) == b'e' {
            j += 1;
            if j < cb.len() && (cb[j] == b'+' || cb[j] == b'-') {
                j += 1;
            }
            let start = j;
            while j < cb.len() && cb[j].is_ascii_digit() {
                j += 1;
            }
            if j == start {
                return None;
            }
        }
        if j != cb.len() {
            return None;
        }
        clean.parse::<f64>().ok()?
    };
    if v.is_infinite() {
        return None;
    }
    Some(if neg { -v } else { v })
}

/// Hexadecimal mantissa with a mandatory binary exponent, after the `0x`.
fn parse_hex_float(s: &str) -> Option<f64> {
    let b = s.as_bytes();
    let mut i = 0;
    let mut mant: u64 = 0;
    let mut exp: i64 = 0;
    let mut digits = 0;
    let mut seen_dot = false;
    let mut truncated = false;
    while i < b.len() {
        let c = b[i];
        if c == b'.' {
            if seen_dot {
                return None;
            }
            seen_dot = true;
            i += 1;
            continue;
        }
        let d = match c {
            b'0'..=b'9' => u64::from(c - b'0'),
            b'a'..=b'f' => u64::from(c - b'a') + 10,
            b'A'..=b'F' => u64::from(c - b'A') + 10,
            _ => break,
        };
        digits += 1;
        if mant >> 58 == 0 {
            mant = mant * 16 + d;
            if seen_dot {
                exp -= 4;
            }
        } else {
            if d != 0 {
                truncated = true;
            }
            if !seen_dot {
                exp += 4;
            }
        }
        i += 1;
    }
    if digits == 0 || i >= b.len() || lower(b[i]) != b'p' {
        return None;
    }
    i += 1;
    let mut eneg = false;
    if i < b.len() && (b[i] == b'+' || b[i] == b'-') {
        eneg = b[i] == b'-';
        i += 1;
    }
    let start = i;
    let mut e: i64 = 0;
    while i < b.len() && b[i].is_ascii_digit() {
        if e < 100_000 {
            e = e * 10 + i64::from(b[i] - b'0');
        }
        i += 1;
    }
    if i == start || i != b.len() {
        return None;
    }
    exp += if eneg { -e } else { e };
    if truncated {
        mant |= 1;
    }
    // mant * 2^exp, rounded to nearest even by scaling in two exact steps.
    let v = mant as f64;
    let v = if (mant >> 53) != 0 {
        // Round the 54..62-bit mantissa to 53 bits by hand so that the
        // float conversion above is exact.
        let shift = 64 - mant.leading_zeros() - 53;
        let half = 1u64 << (shift - 1);
        let rem = mant & ((1u64 << shift) - 1);
        let mut m = mant >> shift;
        if rem > half || (rem == half && (m & 1) == 1) {
            m += 1;
        }
        exp += i64::from(shift);
        m as f64
    } else {
        v
    };
    Some(scale_pow2(v, exp))
}

fn scale_pow2(mut v: f64, mut exp: i64) -> f64 {
    while exp > 0 {
        let step = exp.min(1000);
        v *= 2f64.powi(step as i32);
        exp -= step;
    }
    while exp < 0 {
        let step = (-exp).min(1000);
        v /= 2f64.powi(step as i32);
        exp += step;
    }
    v
}

/// Decimal digits of a float: `0.d1d2...dn × 10^dp`, trailing zeros removed
/// (Go's `decimalSlice`). Zero has no digits and `dp == 0`.
struct Digits {
    d: Vec<u8>,
    dp: i32,
}

fn split_exp(s: &str) -> (String, i32) {
    let (m, e) = match s.split_once('e') {
        Some((m, e)) => (m, e.parse::<i32>().unwrap_or(0)),
        None => (s, 0),
    };
    let digits: String = m.chars().filter(|c| c.is_ascii_digit()).collect();
    (digits, e)
}

fn make_digits(digits: String, exp: i32) -> Digits {
    let mut d = digits.into_bytes();
    while d.last() == Some(&b'0') {
        d.pop();
    }
    if d.is_empty() {
        return Digits { d, dp: 0 };
    }
    Digits { d, dp: exp + 1 }
}

/// Shortest digits that round-trip.
fn shortest_digits(v: f64) -> Digits {
    let (digits, exp) = split_exp(&format!("{:e}", v.abs()));
    make_digits(digits, exp)
}

/// `n` significant digits, correctly rounded (n >= 1).
fn precision_digits(v: f64, n: usize) -> Digits {
    let (digits, exp) = split_exp(&format!("{:.*e}", n.saturating_sub(1), v.abs()));
    make_digits(digits, exp)
}

fn digit_at(d: &Digits, i: i32) -> u8 {
    if i >= 0 {
        d.d.get(i as usize).copied().unwrap_or(b'0')
    } else {
        b'0'
    }
}

fn fmt_e(out: &mut String, d: &Digits, prec: i32, fmt: u8) {
    out.push(char::from(if d.d.is_empty() { b'0' } else { d.d[0] }));
    if prec > 0 {
        out.push('.');
        let mut i = 1;
        let m = (d.d.len() as i32).min(prec + 1);
        while i < m {
            out.push(char::from(d.d[i as usize]));
            i += 1;
        }
        while i <= prec {
            out.push('0');
            i += 1;
        }
    }
    out.push(char::from(fmt));
    let mut exp = if d.d.is_empty() { 0 } else { d.dp - 1 };
    if exp < 0 {
        out.push('-');
        exp = -exp;
    } else {
        out.push('+');
    }
    if exp < 10 {
        out.push('0');
    }
    out.push_str(&exp.to_string());
}

fn fmt_f(out: &mut String, d: &Digits, prec: i32) {
    if d.dp > 0 {
        let m = (d.d.len() as i32).min(d.dp);
        for i in 0..m {
            out.push(char::from(d.d[i as usize]));
        }
        for _ in m..d.dp {
            out.push('0');
        }
    } else {
        out.push('0');
    }
    if prec > 0 {
        out.push('.');
        for i in 1..=prec {
            out.push(char::from(digit_at(d, d.dp + i - 1)));
        }
    }
}

/// Go's `strconv.FormatFloat(v, fmt, prec, 64)`; `prec < 0` means shortest.
pub(crate) fn format_float(v: f64, fmt: u8, prec: i32) -> String {
    let mut out = String::new();
    if v.is_nan() {
        return "NaN".to_string();
    }
    if v.is_infinite() {
        return if v > 0.0 { "+Inf" } else { "-Inf" }.to_string();
    }
    let neg = v.is_sign_negative();
    match fmt {
        b'b' => {
            let bits = v.to_bits();
            let mut exp = ((bits >> 52) & 0x7ff) as i32;
            let mut mant = bits & ((1u64 << 52) - 1);
            if exp == 0 {
                exp += 1;
            } else {
                mant |= 1u64 << 52;
            }
            exp += -1023 - 52;
            if neg {
                out.push('-');
            }
            out.push_str(&mant.to_string());
            out.push('p');
            if exp >= 0 {
                out.push('+');
            }
            out.push_str(&exp.to_string());
            return out;
        }
        b'x' | b'X' => return fmt_x(v, prec, fmt),
        _ => {}
    }
    if neg {
        out.push('-');
    }
    let shortest = prec < 0;
    match fmt {
        b'e' | b'E' => {
            let d = if shortest {
                shortest_digits(v)
            } else {
                precision_digits(v, (prec as usize).saturating_add(1))
            };
            let p = if shortest {
                (d.d.len() as i32 - 1).max(0)
            } else {
                prec
            };
            fmt_e(&mut out, &d, p, fmt);
        }
        b'f' => {
            if shortest {
                let d = shortest_digits(v);
                fmt_f(&mut out, &d, (d.d.len() as i32 - d.dp).max(0));
            } else {
                out.push_str(&format!("{:.*}", prec as usize, v.abs()));
            }
        }
        b'g' | b'G' => {
            let (d, mut p) = if shortest {
                let d = shortest_digits(v);
                let n = d.d.len() as i32;
                (d, n)
            } else {
                let p = if prec == 0 { 1 } else { prec };
                (precision_digits(v, p as usize), p)
            };
            let nd = d.d.len() as i32;
            let mut eprec = p;
            if eprec > nd && nd >= d.dp {
                eprec = nd;
            }
            if shortest {
                eprec = 6;
            }
            let exp = d.dp - 1;
            if exp < -4 || exp >= eprec {
                if p > nd {
                    p = nd;
                }
                fmt_e(&mut out, &d, p - 1, fmt + b'e' - b'g');
            } else {
                if p > d.dp {
                    p = nd;
                }
                fmt_f(&mut out, &d, (p - d.dp).max(0));
            }
        }
        _ => {
            out.push('%');
            out.push(char::from(fmt));
        }
    }
    out
}

/// `%x` floats: `-0x1.yyyyp±dd`.
fn fmt_x(v: f64, prec: i32, fmt: u8) -> String {
    let bits = v.to_bits();
    let neg = (bits >> 63) != 0;
    let mut exp = ((bits >> 52) & 0x7ff) as i32;
    let mut mant = bits & ((1u64 << 52) - 1);
    if exp == 0 {
        exp += 1;
    } else {
        mant |= 1u64 << 52;
    }
    exp -= 1023;
    if mant == 0 {
        exp = 0;
    }
    mant <<= 60 - 52;
    while mant != 0 && mant & (1u64 << 60) == 0 {
        mant <<= 1;
        exp -= 1;
    }
    if (0..15).contains(&prec) {
        let shift = (prec * 4) as u32;
        let extra = (mant << shift) & ((1u64 << 60) - 1);
        mant >>= 60 - shift;
        if extra | (mant & 1) > 1u64 << 59 {
            mant += 1;
        }
        mant <<= 60 - shift;
        if mant & (1u64 << 61) != 0 {
            mant >>= 1;
            exp += 1;
        }
    }
    let hex: &[u8; 16] = if fmt == b'X' {
        b"0123456789ABCDEF"
    } else {
        b"0123456789abcdef"
    };
    let mut out = String::new();
    if neg {
        out.push('-');
    }
    out.push('0');
    out.push(char::from(fmt));
    out.push(char::from(b'0' + ((mant >> 60) & 1) as u8));
    mant <<= 4;
    if prec < 0 && mant != 0 {
        out.push('.');
        while mant != 0 {
            out.push(char::from(hex[((mant >> 60) & 15) as usize]));
            mant <<= 4;
        }
    } else if prec > 0 {
        out.push('.');
        for _ in 0..prec {
            out.push(char::from(hex[((mant >> 60) & 15) as usize]));
            mant <<= 4;
        }
    }
    out.push(if fmt == b'X' { 'P' } else { 'p' });
    if exp < 0 {
        out.push('-');
        exp = -exp;
    } else {
        out.push('+');
    }
    if exp < 10 {
        out.push('0');
    }
    out.push_str(&exp.to_string());
    out
}

/// Go's `unicode.IsPrint` / `strconv.IsPrint`: letters, marks, numbers,
/// punctuation, symbols and the ASCII space.
///
/// Go consults Unicode tables; this is the same rule computed from the
/// categories that are not printable (controls, format characters, spaces
/// other than U+0020, line and paragraph separators, private use,
/// noncharacters), so code points that are unassigned count as printable.
pub fn is_print(c: char) -> bool {
    let r = c as u32;
    if r <= 0xFF {
        return (0x20..=0x7E).contains(&r) || ((0xA1..=0xFF).contains(&r) && r != 0xAD);
    }
    // Format characters (Cf), spaces and separators (Zs, Zl, Zp), private
    // use (Co) and noncharacters.
    let not_print = matches!(r,
        0x0600..=0x0605 | 0x061C | 0x06DD | 0x070F | 0x0890..=0x0891 | 0x08E2 | 0x1680 | 0x180E
        | 0x2000..=0x200F | 0x2028..=0x202F | 0x205F..=0x206F | 0x3000
        | 0xE000..=0xF8FF | 0xFDD0..=0xFDEF | 0xFEFF | 0xFFF9..=0xFFFB
        | 0x110BD | 0x110CD | 0x13430..=0x1343F | 0x1BCA0..=0x1BCA3 | 0x1D173..=0x1D17A
        | 0xE0001 | 0xE0020..=0xE007F | 0xF0000..=0x10FFFF)
        || (r & 0xFFFE) == 0xFFFE;
    !not_print
}

const LOWER_HEX: &[u8; 16] = b"0123456789abcdef";

fn push_escaped_rune(out: &mut String, r: char, quote: char, ascii_only: bool) {
    if r == quote || r == '\\' {
        out.push('\\');
        out.push(r);
        return;
    }
    if ascii_only {
        if r.is_ascii() && is_print(r) {
            out.push(r);
            return;
        }
    } else if is_print(r) {
        out.push(r);
        return;
    }
    match r {
        '\u{7}' => out.push_str("\\a"),
        '\u{8}' => out.push_str("\\b"),
        '\u{c}' => out.push_str("\\f"),
        '\n' => out.push_str("\\n"),
        '\r' => out.push_str("\\r"),
        '\t' => out.push_str("\\t"),
        '\u{b}' => out.push_str("\\v"),
        _ => {
            let n = r as u32;
            if n < 0x20 || n == 0x7f {
                out.push_str("\\x");
                out.push(char::from(LOWER_HEX[(n >> 4) as usize & 0xF]));
                out.push(char::from(LOWER_HEX[n as usize & 0xF]));
            } else if n < 0x10000 {
                out.push_str("\\u");
                for s in [12, 8, 4, 0] {
                    out.push(char::from(LOWER_HEX[(n >> s) as usize & 0xF]));
                }
            } else {
                out.push_str("\\U");
                for s in [28, 24, 20, 16, 12, 8, 4, 0] {
                    out.push(char::from(LOWER_HEX[(n >> s) as usize & 0xF]));
                }
            }
        }
    }
}

/// `strconv.Quote` (or `QuoteToASCII` when `ascii_only`).
pub fn quote(s: &str, ascii_only: bool) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        push_escaped_rune(&mut out, c, '"', ascii_only);
    }
    out.push('"');
    out
}

/// `strconv.QuoteRune` (or `QuoteRuneToASCII`); invalid code points print as U+FFFD.
pub fn quote_rune(r: u32, ascii_only: bool) -> String {
    let c = char::from_u32(r).unwrap_or('\u{FFFD}');
    let mut out = String::new();
    out.push('\'');
    push_escaped_rune(&mut out, c, '\'', ascii_only);
    out.push('\'');
    out
}

/// `strconv.CanBackquote`.
pub(crate) fn can_backquote(s: &str) -> bool {
    s.chars().all(|c| {
        if c.len_utf8() > 1 {
            return c != '\u{feff}' && c != '\u{FFFD}';
        }
        !((c < ' ' && c != '\t') || c == '`' || c == '\u{7f}')
    })
}

/// One step of `strconv.UnquoteChar`: the decoded value, whether it is a
/// code point (`true`) or a raw byte (`false`), and the rest of the input.
pub(crate) fn unquote_char(s: &str, quote: u8) -> Result<(u32, bool, &str), &'static str> {
    let b = s.as_bytes();
    let Some(&c) = b.first() else {
        return Err(ERR_SYNTAX);
    };
    if c == quote && (quote == b'\'' || quote == b'"') {
        return Err(ERR_SYNTAX);
    }
    if c >= 0x80 {
        let ch = s.chars().next().ok_or(ERR_SYNTAX)?;
        return Ok((ch as u32, true, &s[ch.len_utf8()..]));
    }
    if c != b'\\' {
        return Ok((u32::from(c), false, &s[1..]));
    }
    if b.len() <= 1 {
        return Err(ERR_SYNTAX);
    }
    let e = b[1];
    // Go switches on the byte after the backslash; no escape letter is beyond ASCII, and
    // slicing past a multi-byte character would split it.
    if !e.is_ascii() {
        return Err(ERR_SYNTAX);
    }
    let rest = &s[2..];
    let simple = match e {
        b'a' => Some(7),
        b'b' => Some(8),
        b'f' => Some(12),
        b'n' => Some(10),
        b'r' => Some(13),
        b't' => Some(9),
        b'v' => Some(11),
        b'\\' => Some(u32::from(b'\\')),
        _ => None,
    };
    if let Some(v) = simple {
        return Ok((v, false, rest));
    }
    match e {
        b'x' | b'u' | b'U' => {
            let n = match e {
                b'x' => 2,
                b'u' => 4,
                _ => 8,
            };
            let rb = rest.as_bytes();
            if rb.len() < n {
                return Err(ERR_SYNTAX);
            }
            let mut v: u32 = 0;
            for &h in &rb[..n] {
                let d = (h as char).to_digit(16).ok_or(ERR_SYNTAX)?;
                v = (v << 4) | d;
            }
            let rest = &rest[n..];
            if e == b'x' {
                return Ok((v, false, rest));
            }
            if char::from_u32(v).is_none() {
                return Err(ERR_SYNTAX);
            }
            Ok((v, true, rest))
        }
        b'0'..=b'7' => {
            let rb = rest.as_bytes();
            if rb.len() < 2 {
                return Err(ERR_SYNTAX);
            }
            let mut v = u32::from(e - b'0');
            for &o in &rb[..2] {
                if !(b'0'..=b'7').contains(&o) {
                    return Err(ERR_SYNTAX);
                }
                v = (v << 3) | u32::from(o - b'0');
            }
            if v > 255 {
                return Err(ERR_SYNTAX);
            }
            Ok((v, false, &rest[2..]))
        }
        b'\'' | b'"' => {
            if e != quote {
                return Err(ERR_SYNTAX);
            }
            Ok((u32::from(e), false, rest))
        }
        _ => Err(ERR_SYNTAX),
    }
}

/// `strconv.Unquote` for `"..."`, `` `...` `` and `'.'` literals. Escapes that
/// produce bytes which are not UTF-8 (`"\xff"`) become U+FFFD, since strings
/// here are Rust strings.
pub(crate) fn unquote(s: &str) -> Result<String, &'static str> {
    let b = s.as_bytes();
    let n = b.len();
    if n < 2 {
        return Err(ERR_SYNTAX);
    }
    let q = b[0];
    if q != b[n - 1] {
        return Err(ERR_SYNTAX);
    }
    let body = &s[1..n - 1];
    if q == b'`' {
        if body.contains('`') {
            return Err(ERR_SYNTAX);
        }
        return Ok(body.replace('\r', ""));
    }
    if q != b'"' && q != b'\'' {
        return Err(ERR_SYNTAX);
    }
    if body.contains('\n') {
        return Err(ERR_SYNTAX);
    }
    let mut out: Vec<u8> = Vec::with_capacity(body.len());
    let mut rest = body;
    while !rest.is_empty() {
        let (v, multibyte, r) = unquote_char(rest, q)?;
        rest = r;
        if v < 0x80 || !multibyte {
            out.push(v as u8);
        } else {
            let c = char::from_u32(v).unwrap_or('\u{FFFD}');
            let mut buf = [0u8; 4];
            out.extend_from_slice(c.encode_utf8(&mut buf).as_bytes());
        }
        if q == b'\'' && !rest.is_empty() {
            return Err(ERR_SYNTAX);
        }
    }
    if q == b'\'' && out.is_empty() {
        return Err(ERR_SYNTAX);
    }
    Ok(String::from_utf8_lossy(&out).into_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_backslash_before_a_multibyte_character_is_a_syntax_error() {
        // Found by fuzzing: the escape letter was sliced past as if it were one byte.
        assert_eq!(unquote("\"\\\u{e9}\""), Err(ERR_SYNTAX));
        assert!(unquote_char("\\\u{7ff}x", b'"').is_err());
        assert_eq!(unquote("\"\u{e9}\\n\""), Ok("\u{e9}\n".to_owned()));
    }

    // Rows from Go's strconv/ftoa_test.go (64-bit cases).
    #[test]
    fn ftoa_table() {
        let cases: &[(f64, u8, i32, &str)] = &[
            (1.0, b'e', 5, "1.00000e+00"),
            (1.0, b'f', 5, "1.00000"),
            (1.0, b'g', 5, "1"),
            (1.0, b'g', -1, "1"),
            (20.0, b'g', -1, "20"),
            (1234567.8, b'g', -1, "1.2345678e+06"),
            (200000.0, b'g', -1, "200000"),
            (2000000.0, b'g', -1, "2e+06"),
            (1e10, b'g', -1, "1e+10"),
            (400.0, b'g', 2, "4e+02"),
            (40.0, b'g', 2, "40"),
            (4.0, b'g', 2, "4"),
            (0.4, b'g', 2, "0.4"),
            (0.04, b'g', 2, "0.04"),
            (0.004, b'g', 2, "0.004"),
            (0.0004, b'g', 2, "0.0004"),
            (0.00004, b'g', 2, "4e-05"),
            (0.000004, b'g', 2, "4e-06"),
            (0.0, b'e', 5, "0.00000e+00"),
            (0.0, b'f', 5, "0.00000"),
            (0.0, b'g', 5, "0"),
            (0.0, b'g', -1, "0"),
            (-1.0, b'e', 5, "-1.00000e+00"),
            (-1.0, b'g', -1, "-1"),
            (12.0, b'g', -1, "12"),
            (123456789.0, b'e', 5, "1.23457e+08"),
            (123456789.0, b'f', 5, "123456789.00000"),
            (123456789.0, b'g', 5, "1.2346e+08"),
            (123456789.0, b'g', -1, "1.23456789e+08"),
            (1e23, b'e', 17, "9.99999999999999916e+22"),
            (1e23, b'f', 17, "99999999999999991611392.00000000000000000"),
            (1e23, b'g', 17, "9.9999999999999992e+22"),
            (1e23, b'e', -1, "1e+23"),
            (1e23, b'f', -1, "100000000000000000000000"),
            (1e23, b'g', -1, "1e+23"),
            (100.0, b'x', -1, "0x1.9p+06"),
            (100.0, b'y', -1, "%y"),
            (f64::INFINITY, b'g', -1, "+Inf"),
            (f64::NEG_INFINITY, b'g', -1, "-Inf"),
            (f64::NAN, b'g', -1, "NaN"),
            (32.0, b'g', -1, "32"),
            (32.0, b'g', 0, "3e+01"),
            (100.0, b'x', -1, "0x1.9p+06"),
            (-1.0, b'X', -1, "-0X1P+00"),
            (0.0, b'x', -1, "0x0p+00"),
            (1.0, b'x', 0, "0x1p+00"),
            (1.5, b'x', 0, "0x1p+01"),
            (1.0, b'b', -1, "4503599627370496p-52"),
            (-0.0, b'g', -1, "-0"),
            (0.5, b'f', 0, "0"),
            (1.5, b'f', 0, "2"),
            (2.5, b'f', 0, "2"),
            (1e21, b'g', -1, "1e+21"),
            (123456.0, b'g', -1, "123456"),
            (0.0001, b'g', -1, "0.0001"),
            (0.00001, b'g', -1, "1e-05"),
            (5e-324, b'e', -1, "5e-324"),
            (1.7976931348623157e308, b'g', -1, "1.7976931348623157e+308"),
        ];
        for &(v, f, p, want) in cases {
            assert_eq!(
                format_float(v, f, p),
                want,
                "FormatFloat({v}, {}, {p})",
                f as char
            );
        }
    }

    #[test]
    fn parse_numbers() {
        assert_eq!(parse_int_base0("0x1F"), Some(31));
        assert_eq!(parse_int_base0("017"), Some(15));
        assert_eq!(parse_int_base0("0o17"), Some(15));
        assert_eq!(parse_int_base0("0b101"), Some(5));
        assert_eq!(parse_int_base0("1_000"), Some(1000));
        assert_eq!(parse_int_base0("1__0"), None);
        assert_eq!(parse_int_base0("08"), None);
        assert_eq!(parse_int_base0("-9223372036854775808"), Some(i64::MIN));
        assert_eq!(parse_int_base0("9223372036854775808"), None);
        assert_eq!(parse_uint_base0("-1"), None);
        assert_eq!(parse_float("1e3"), Some(1000.0));
        assert_eq!(parse_float(".5"), Some(0.5));
        assert_eq!(parse_float("0x1p4"), Some(16.0));
        assert_eq!(parse_float("0x1.8p1"), Some(3.0));
        assert_eq!(parse_float("0x1.8"), None);
        assert_eq!(parse_float("1e400"), None);
        assert_eq!(parse_float("1_0.5"), Some(10.5));
        assert_eq!(parse_float("08"), Some(8.0));
        assert_eq!(parse_float("1e"), None);
    }

    #[test]
    fn quoting() {
        assert_eq!(
            quote("a\"b\\c\n\t\u{1}\u{7f}é☺\u{a0}", false),
            r#""a\"b\\c\n\t\x01\x7fé☺\u00a0""#
        );
        assert_eq!(quote("é☺\u{1F600}", true), r#""\u00e9\u263a\U0001f600""#);
        assert_eq!(quote_rune('x' as u32, false), "'x'");
        assert_eq!(quote_rune('\'' as u32, false), r"'\''");
        assert_eq!(quote_rune(0x110000, false), "'�'");
        assert!(can_backquote("abc\tdef"));
        assert!(!can_backquote("a`b"));
        assert!(!can_backquote("a\nb"));
    }

    #[test]
    fn unquoting() {
        assert_eq!(
            unquote(r#""a\tb\x41\101\u00e9\U0001F600""#).as_deref(),
            Ok("a\tbAAé😀")
        );
        assert_eq!(unquote("`a\\n\r`").as_deref(), Ok("a\\n"));
        assert_eq!(unquote(r"'a'").as_deref(), Ok("a"));
        assert_eq!(unquote(r#""\'""#), Err(ERR_SYNTAX));
        assert_eq!(unquote(r"'ab'"), Err(ERR_SYNTAX));
        assert_eq!(unquote("\"a"), Err(ERR_SYNTAX));
        assert_eq!(unquote(r#""\400""#), Err(ERR_SYNTAX));
    }
}
