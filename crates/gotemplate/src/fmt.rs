//! Go's `fmt` printing of [`Value`]s: `Sprint` (what `{{ . }}` and `print`
//! produce), `Sprintln` and `Sprintf` with verbs, flags, width, precision,
//! `*` arguments, explicit argument indexes, and Go's in-band error forms
//! (`%!d(string=x)`, `%!v(MISSING)`, `%!(EXTRA int=1)`, ...).
//!
//! The structure follows `fmt/print.go` and `fmt/format.go` so that corner
//! cases (padding of bad verbs, zero padding after the sign, `%x` on
//! strings) come out the same; floats go through [`crate::strconv`].

use crate::strconv::{can_backquote, format_float, is_print, quote, quote_rune};
use crate::value::{MAX_VALUE_DEPTH, Value, ValueError, depth_error};

/// `fmt.Sprint`: operands in their default format, with a space between two
/// operands when neither is a string.
pub fn sprint(args: &[Value]) -> Result<String, ValueError> {
    let mut p = Printer::default();
    let mut prev_string = false;
    for (i, arg) in args.iter().enumerate() {
        let is_string = is_string_kind(arg);
        if i > 0 && !is_string && !prev_string {
            p.buf.push(' ');
        }
        p.print_arg(arg, 'v');
        prev_string = is_string;
    }
    p.finish()
}

/// `fmt.Sprintln`: operands separated by spaces, then a newline.
pub fn sprintln(args: &[Value]) -> Result<String, ValueError> {
    let mut p = Printer::default();
    for (i, arg) in args.iter().enumerate() {
        if i > 0 {
            p.buf.push(' ');
        }
        p.print_arg(arg, 'v');
    }
    p.buf.push('\n');
    p.finish()
}

/// `fmt.Sprintf`.
pub fn sprintf(format: &str, args: &[Value]) -> Result<String, ValueError> {
    let mut p = Printer::default();
    p.do_printf(format, args);
    p.finish()
}

/// What an action `{{ x }}` prints: `Sprint` of the value, with a pointer
/// to a struct printed as the struct (Go's `printableValue` dereferences).
pub(crate) fn sprint_action(v: &Value) -> Result<String, ValueError> {
    sprint_deref(std::slice::from_ref(v))
}

/// `Sprint` with top-level pointers dereferenced, as the escaper builtins
/// print their arguments.
pub(crate) fn sprint_deref(args: &[Value]) -> Result<String, ValueError> {
    let mut p = Printer {
        deref_top: true,
        ..Printer::default()
    };
    let mut prev_string = false;
    for (i, arg) in args.iter().enumerate() {
        let is_string = is_string_kind(arg);
        if i > 0 && !is_string && !prev_string {
            p.buf.push(' ');
        }
        p.print_arg(arg, 'v');
        prev_string = is_string;
    }
    p.finish()
}

fn is_string_kind(v: &Value) -> bool {
    match v {
        Value::String(_) => true,
        Value::Object(o) => matches!(o.underlying(), Some(Value::String(_))),
        _ => false,
    }
}

const LDIGITS: &[u8; 17] = b"0123456789abcdefx";
const UDIGITS: &[u8; 17] = b"0123456789ABCDEFX";

/// Width and precision above this are treated as absent (Go's `tooLarge`).
const MAX_WIDTH: i64 = 1_000_000;

#[derive(Default, Clone, Copy)]
struct Flags {
    wid_present: bool,
    prec_present: bool,
    minus: bool,
    plus: bool,
    sharp: bool,
    space: bool,
    zero: bool,
    plus_v: bool,
    sharp_v: bool,
}

#[derive(Default)]
struct Printer {
    buf: String,
    f: Flags,
    wid: usize,
    prec: usize,
    erroring: bool,
    too_deep: bool,
    /// An operand whose shared parts expand past [`crate::MAX_EXPANDED_VALUES`]: printing it
    /// would never end, so nothing is printed.
    too_large: Option<ValueError>,
    reordered: bool,
    good_arg_num: bool,
    deref_top: bool,
}

impl Printer {
    fn finish(self) -> Result<String, ValueError> {
        if let Some(err) = self.too_large {
            Err(err)
        } else if self.too_deep {
            Err(depth_error())
        } else {
            Ok(self.buf)
        }
    }

    fn clear_flags(&mut self) {
        self.f = Flags::default();
        self.wid = 0;
        self.prec = 0;
    }

    fn write_padding(&mut self, n: usize) {
        let c = if self.f.zero && !self.f.minus {
            '0'
        } else {
            ' '
        };
        self.buf.extend(std::iter::repeat_n(c, n));
    }

    fn pad(&mut self, s: &str) {
        if !self.f.wid_present || self.wid == 0 {
            self.buf.push_str(s);
            return;
        }
        let width = self.wid.saturating_sub(s.chars().count());
        if !self.f.minus {
            self.write_padding(width);
            self.buf.push_str(s);
        } else {
            self.buf.push_str(s);
            self.write_padding(width);
        }
    }

    fn truncate<'s>(&self, s: &'s str) -> &'s str {
        if self.f.prec_present {
            if let Some((i, _)) = s.char_indices().nth(self.prec) {
                return &s[..i];
            }
        }
        s
    }

    fn fmt_s(&mut self, s: &str) {
        let s = self.truncate(s).to_string();
        self.pad(&s);
    }

    fn fmt_boolean(&mut self, b: bool) {
        self.pad(if b { "true" } else { "false" });
    }

    fn fmt_sx(&mut self, s: &str, digits: &[u8; 17]) {
        let b = s.as_bytes();
        let mut length = b.len();
        if self.f.prec_present && self.prec < length {
            length = self.prec;
        }
        let mut width = 2 * length;
        if width > 0 {
            if self.f.space {
                if self.f.sharp {
                    width *= 2;
                }
                width += length - 1;
            } else if self.f.sharp {
                width += 2;
            }
        } else {
            if self.f.wid_present {
                self.write_padding(self.wid);
            }
            return;
        }
        if self.f.wid_present && self.wid > width && !self.f.minus {
            self.write_padding(self.wid - width);
        }
        if self.f.sharp {
            self.buf.push('0');
            self.buf.push(char::from(digits[16]));
        }
        for (i, &c) in b.iter().take(length).enumerate() {
            if self.f.space && i > 0 {
                self.buf.push(' ');
                if self.f.sharp {
                    self.buf.push('0');
                    self.buf.push(char::from(digits[16]));
                }
            }
            self.buf.push(char::from(digits[usize::from(c >> 4)]));
            self.buf.push(char::from(digits[usize::from(c & 0xF)]));
        }
        if self.f.wid_present && self.wid > width && self.f.minus {
            self.write_padding(self.wid - width);
        }
    }

    fn fmt_q(&mut self, s: &str) {
        let s = self.truncate(s).to_string();
        if self.f.sharp && can_backquote(&s) {
            self.pad(&format!("`{s}`"));
            return;
        }
        let q = quote(&s, self.f.plus);
        self.pad(&q);
    }

    fn fmt_c(&mut self, c: u64) {
        let ch = u32::try_from(c)
            .ok()
            .and_then(char::from_u32)
            .unwrap_or('\u{FFFD}');
        let mut b = [0u8; 4];
        let s = ch.encode_utf8(&mut b).to_string();
        self.pad(&s);
    }

    fn fmt_qc(&mut self, c: u64) {
        let r = u32::try_from(c).unwrap_or(0xFFFD);
        let q = quote_rune(if r > 0x10FFFF { 0xFFFD } else { r }, self.f.plus);
        self.pad(&q);
    }

    fn fmt_unicode(&mut self, u: u64) {
        let mut prec = 4usize;
        if self.f.prec_present && self.prec > 4 {
            prec = self.prec;
        }
        let mut tail = String::new();
        if self.f.sharp {
            if let Some(c) = u32::try_from(u).ok().and_then(char::from_u32) {
                if is_print(c) {
                    tail.push_str(" '");
                    tail.push(c);
                    tail.push('\'');
                }
            }
        }
        let mut digits = Vec::new();
        let mut v = u;
        loop {
            digits.push(UDIGITS[(v & 0xF) as usize]);
            v >>= 4;
            if v == 0 {
                break;
            }
        }
        while digits.len() < prec {
            digits.push(b'0');
        }
        let mut s = String::from("U+");
        s.extend(digits.iter().rev().map(|&d| char::from(d)));
        s.push_str(&tail);
        let old_zero = self.f.zero;
        self.f.zero = false;
        self.pad(&s);
        self.f.zero = old_zero;
    }

    fn fmt_integer(&mut self, u: u64, base: u64, signed: bool, verb: char, digits: &[u8; 17]) {
        let negative = signed && (u as i64) < 0;
        let mut u = if negative {
            (u as i64).unsigned_abs()
        } else {
            u
        };
        let mut prec = 0usize;
        if self.f.prec_present {
            prec = self.prec;
            if prec == 0 && u == 0 {
                let old_zero = self.f.zero;
                self.f.zero = false;
                self.write_padding(self.wid);
                self.f.zero = old_zero;
                return;
            }
        } else if self.f.zero && !self.f.minus && self.f.wid_present {
            prec = self.wid;
            if negative || self.f.plus || self.f.space {
                prec = prec.saturating_sub(1);
            }
        }
        let mut buf: Vec<u8> = Vec::with_capacity(prec.max(24) + 8);
        loop {
            buf.push(digits[(u % base) as usize]);
            u /= base;
            if u == 0 {
                break;
            }
        }
        while buf.len() < prec {
            buf.push(b'0');
        }
        if self.f.sharp {
            match base {
                2 => buf.extend_from_slice(b"b0"),
                8 if buf.last() != Some(&b'0') => buf.push(b'0'),
                16 => {
                    buf.push(digits[16]);
                    buf.push(b'0');
                }
                _ => {}
            }
        }
        if verb == 'O' {
            buf.extend_from_slice(b"o0");
        }
        if negative {
            buf.push(b'-');
        } else if self.f.plus {
            buf.push(b'+');
        } else if self.f.space {
            buf.push(b' ');
        }
        buf.reverse();
        let s: String = buf.iter().map(|&b| char::from(b)).collect();
        let old_zero = self.f.zero;
        self.f.zero = false;
        self.pad(&s);
        self.f.zero = old_zero;
    }

    fn fmt_float(&mut self, v: f64, verb: u8, prec: i32) {
        let prec = if self.f.prec_present {
            i32::try_from(self.prec).unwrap_or(i32::MAX)
        } else {
            prec
        };
        let s = format_float(v, verb, prec);
        let mut num: Vec<u8> = if s.starts_with('-') || s.starts_with('+') {
            s.into_bytes()
        } else {
            let mut n = vec![b'+'];
            n.extend_from_slice(s.as_bytes());
            n
        };
        if self.f.space && num[0] == b'+' && !self.f.plus {
            num[0] = b' ';
        }
        if num.get(1) == Some(&b'I') || num.get(1) == Some(&b'N') {
            let old_zero = self.f.zero;
            self.f.zero = false;
            if num[1] == b'N' && !self.f.space && !self.f.plus {
                num.remove(0);
            }
            self.pad(&String::from_utf8_lossy(&num));
            self.f.zero = old_zero;
            return;
        }
        if self.f.sharp && verb != b'b' {
            let mut digits: i32 = 0;
            if matches!(verb, b'v' | b'g' | b'G' | b'x') {
                digits = prec;
                if digits == -1 {
                    digits = 6;
                }
            }
            let mut tail: Vec<u8> = Vec::new();
            let mut has_dot = false;
            let mut saw_nonzero = false;
            let mut i = 1;
            while i < num.len() {
                let c = num[i];
                match c {
                    b'.' => has_dot = true,
                    b'p' | b'P' => {
                        tail.extend_from_slice(&num[i..]);
                        num.truncate(i);
                        break;
                    }
                    b'e' | b'E' if verb != b'x' && verb != b'X' => {
                        tail.extend_from_slice(&num[i..]);
                        num.truncate(i);
                        break;
                    }
                    _ => {
                        if c != b'0' {
                            saw_nonzero = true;
                        }
                        if saw_nonzero {
                            digits -= 1;
                        }
                    }
                }
                i += 1;
            }
            if !has_dot {
                if num.len() == 2 && num[1] == b'0' {
                    digits -= 1;
                }
                num.push(b'.');
            }
            while digits > 0 {
                num.push(b'0');
                digits -= 1;
            }
            num.extend_from_slice(&tail);
        }
        let text = String::from_utf8_lossy(&num).into_owned();
        if self.f.plus || !text.starts_with('+') {
            if self.f.zero && !self.f.minus && self.f.wid_present && self.wid > text.len() {
                self.buf.push_str(&text[..1]);
                self.write_padding(self.wid - text.len());
                self.buf.push_str(&text[1..]);
                return;
            }
            self.pad(&text);
            return;
        }
        self.pad(&text[1..]);
    }

    fn bad_verb(&mut self, verb: char, v: Option<&Value>) {
        self.erroring = true;
        self.buf.push_str("%!");
        self.buf.push(verb);
        self.buf.push('(');
        match v {
            Some(v) if !v.is_nil() => {
                self.buf.push_str(&v.go_type_name());
                self.buf.push('=');
                self.print_value(v, 'v', 0);
            }
            _ => self.buf.push_str("<nil>"),
        }
        self.buf.push(')');
        self.erroring = false;
    }

    fn fmt_bool(&mut self, b: bool, verb: char, v: &Value) {
        match verb {
            't' | 'v' => self.fmt_boolean(b),
            _ => self.bad_verb(verb, Some(v)),
        }
    }

    fn fmt_int(&mut self, u: u64, signed: bool, verb: char, v: &Value) {
        match verb {
            'v' => {
                if self.f.sharp_v && !signed {
                    let sharp = self.f.sharp;
                    self.f.sharp = true;
                    self.fmt_integer(u, 16, false, 'v', LDIGITS);
                    self.f.sharp = sharp;
                } else {
                    self.fmt_integer(u, 10, signed, verb, LDIGITS);
                }
            }
            'd' => self.fmt_integer(u, 10, signed, verb, LDIGITS),
            'b' => self.fmt_integer(u, 2, signed, verb, LDIGITS),
            'o' | 'O' => self.fmt_integer(u, 8, signed, verb, LDIGITS),
            'x' => self.fmt_integer(u, 16, signed, verb, LDIGITS),
            'X' => self.fmt_integer(u, 16, signed, verb, UDIGITS),
            'c' => self.fmt_c(u),
            'q' => self.fmt_qc(u),
            'U' => self.fmt_unicode(u),
            _ => self.bad_verb(verb, Some(v)),
        }
    }

    fn fmt_float64(&mut self, f: f64, verb: char, v: &Value) {
        match verb {
            'v' => self.fmt_float(f, b'g', -1),
            'b' | 'g' | 'G' | 'x' | 'X' => self.fmt_float(f, verb as u8, -1),
            'f' | 'e' | 'E' => self.fmt_float(f, verb as u8, 6),
            'F' => self.fmt_float(f, b'f', 6),
            _ => self.bad_verb(verb, Some(v)),
        }
    }

    fn fmt_string(&mut self, s: &str, verb: char, v: &Value) {
        match verb {
            'v' => {
                if self.f.sharp_v {
                    self.fmt_q(s);
                } else {
                    self.fmt_s(s);
                }
            }
            's' => self.fmt_s(s),
            'x' => self.fmt_sx(s, LDIGITS),
            'X' => self.fmt_sx(s, UDIGITS),
            'q' => self.fmt_q(s),
            _ => self.bad_verb(verb, Some(v)),
        }
    }

    /// Go's `handleMethods`: a `String()` method wins for string verbs.
    fn handle_methods(&mut self, verb: char, v: &Value) -> bool {
        if self.erroring || self.f.sharp_v {
            return false;
        }
        if let Value::Object(o) = v {
            if matches!(verb, 'v' | 's' | 'x' | 'X' | 'q') {
                if let Some(s) = o.string() {
                    self.fmt_string(&s, verb, &Value::from(s.as_str()));
                    return true;
                }
            }
        }
        false
    }

    fn print_arg(&mut self, arg: &Value, verb: char) {
        if let Err(err) = arg.check_expanded() {
            self.too_large = Some(err);
            return;
        }
        if arg.is_nil() {
            match verb {
                'T' | 'v' => self.pad("<nil>"),
                _ => self.bad_verb(verb, None),
            }
            return;
        }
        match verb {
            'T' => {
                let t = arg.go_type_name();
                self.fmt_s(&t);
                return;
            }
            'p' => {
                self.fmt_pointer(arg, verb);
                return;
            }
            _ => {}
        }
        match arg {
            Value::Object(_) => {
                if !self.handle_methods(verb, arg) {
                    self.print_value(arg, verb, 0);
                }
            }
            _ => self.print_value(arg, verb, 0),
        }
    }

    fn fmt_pointer(&mut self, v: &Value, verb: char) {
        match v {
            Value::Map(_) | Value::List(_) | Value::Func(_) => self.pad("0xc000000000"),
            Value::Object(o) if o.is_pointer() => self.pad("0xc000000000"),
            _ => self.bad_verb(verb, Some(v)),
        }
    }

    fn print_value(&mut self, v: &Value, verb: char, depth: usize) {
        if depth > MAX_VALUE_DEPTH {
            self.too_deep = true;
            return;
        }
        if self.too_deep {
            return;
        }
        stacker::maybe_grow(64 * 1024, 1024 * 1024, || {
            self.print_value_inner(v, verb, depth)
        });
    }

    fn print_value_inner(&mut self, v: &Value, verb: char, depth: usize) {
        if depth > 0 && self.handle_methods(verb, v) {
            return;
        }
        match v {
            Value::Nil => {
                if self.f.sharp_v {
                    self.buf.push_str("interface {}(nil)");
                } else {
                    self.buf.push_str("<nil>");
                }
            }
            Value::Bool(b) => self.fmt_bool(*b, verb, v),
            Value::Int(i) | Value::Int64(i) => self.fmt_int(*i as u64, true, verb, v),
            Value::Uint8(u) => self.fmt_int(u64::from(*u), false, verb, v),
            Value::Float(f) => self.fmt_float64(*f, verb, v),
            Value::String(s) => self.fmt_string(s, verb, v),
            Value::Map(m) => {
                if self.f.sharp_v {
                    self.buf.push_str(&m.go_type_name());
                    self.buf.push('{');
                } else {
                    self.buf.push_str("map[");
                }
                for (i, (k, x)) in m.entries().iter().enumerate() {
                    if i > 0 {
                        if self.f.sharp_v {
                            self.buf.push_str(", ");
                        } else {
                            self.buf.push(' ');
                        }
                    }
                    self.print_value(&Value::from(k.as_str()), verb, depth + 1);
                    self.buf.push(':');
                    self.print_value(x, verb, depth + 1);
                }
                self.buf.push(if self.f.sharp_v { '}' } else { ']' });
            }
            Value::List(l) => {
                if self.f.sharp_v {
                    self.buf.push_str(&l.go_type_name());
                    self.buf.push('{');
                    for (i, x) in l.iter().enumerate() {
                        if i > 0 {
                            self.buf.push_str(", ");
                        }
                        self.print_value(x, verb, depth + 1);
                    }
                    self.buf.push('}');
                } else {
                    self.buf.push('[');
                    for (i, x) in l.iter().enumerate() {
                        if i > 0 {
                            self.buf.push(' ');
                        }
                        self.print_value(x, verb, depth + 1);
                    }
                    self.buf.push(']');
                }
            }
            Value::Object(o) => {
                if let Some(u) = o.underlying() {
                    self.print_value(&u, verb, depth + 1);
                    return;
                }
                if depth == 0 && o.is_pointer() && !self.deref_top {
                    self.buf.push('&');
                }
                if self.f.sharp_v {
                    self.buf.push_str(o.type_name().trim_start_matches('*'));
                }
                self.buf.push('{');
                for (i, (name, x)) in o.fields().iter().enumerate() {
                    if i > 0 {
                        if self.f.sharp_v {
                            self.buf.push_str(", ");
                        } else {
                            self.buf.push(' ');
                        }
                    }
                    if self.f.plus_v || self.f.sharp_v {
                        self.buf.push_str(name);
                        self.buf.push(':');
                    }
                    self.print_value(x, verb, depth + 1);
                }
                self.buf.push('}');
            }
            Value::Func(_) => self.fmt_pointer(v, verb),
        }
    }

    fn arg_number(
        &mut self,
        arg_num: usize,
        format: &[u8],
        i: usize,
        num_args: usize,
    ) -> (usize, usize, bool) {
        if format.len() <= i || format[i] != b'[' {
            return (arg_num, i, false);
        }
        self.reordered = true;
        let (index, wid, ok) = parse_arg_number(&format[i..]);
        if ok && index < num_args {
            return (index, i + wid, true);
        }
        self.good_arg_num = false;
        (arg_num, i + wid, ok)
    }

    fn do_printf(&mut self, format: &str, args: &[Value]) {
        let fb = format.as_bytes();
        let end = fb.len();
        let mut arg_num = 0usize;
        let mut after_index;
        self.reordered = false;
        let mut i = 0usize;
        while i < end {
            self.good_arg_num = true;
            let lasti = i;
            while i < end && fb[i] != b'%' {
                i += 1;
            }
            if i > lasti {
                self.buf.push_str(&format[lasti..i]);
            }
            if i >= end {
                break;
            }
            i += 1;
            self.clear_flags();
            while i < end {
                match fb[i] {
                    b'#' => self.f.sharp = true,
                    b'0' => self.f.zero = true,
                    b'+' => self.f.plus = true,
                    b'-' => self.f.minus = true,
                    b' ' => self.f.space = true,
                    _ => break,
                }
                i += 1;
            }
            (arg_num, i, after_index) = self.arg_number(arg_num, fb, i, args.len());
            if i < end && fb[i] == b'*' {
                i += 1;
                let (n, ok, next) = int_from_arg(args, arg_num);
                arg_num = next;
                self.f.wid_present = ok;
                if !ok {
                    self.buf.push_str("%!(BADWIDTH)");
                }
                if n < 0 {
                    self.f.minus = true;
                    self.f.zero = false;
                }
                self.wid = n.unsigned_abs() as usize;
                after_index = false;
            } else {
                let (n, ok, next) = parse_num(fb, i, end);
                self.wid = n;
                self.f.wid_present = ok;
                i = next;
                if after_index && self.f.wid_present {
                    self.good_arg_num = false;
                }
            }
            if i + 1 < end && fb[i] == b'.' {
                i += 1;
                if after_index {
                    self.good_arg_num = false;
                }
                (arg_num, i, after_index) = self.arg_number(arg_num, fb, i, args.len());
                if i < end && fb[i] == b'*' {
                    i += 1;
                    let (n, ok, next) = int_from_arg(args, arg_num);
                    arg_num = next;
                    let (mut n, mut ok) = (n, ok);
                    if n < 0 {
                        n = 0;
                        ok = false;
                    }
                    self.prec = n as usize;
                    self.f.prec_present = ok;
                    if !ok {
                        self.buf.push_str("%!(BADPREC)");
                    }
                    after_index = false;
                } else {
                    let (n, ok, next) = parse_num(fb, i, end);
                    i = next;
                    self.prec = if ok { n } else { 0 };
                    self.f.prec_present = true;
                }
            }
            if !after_index {
                (arg_num, i, after_index) = self.arg_number(arg_num, fb, i, args.len());
            }
            let _ = after_index;
            if i >= end {
                self.buf.push_str("%!(NOVERB)");
                break;
            }
            let verb = format[i..].chars().next().unwrap_or('?');
            i += verb.len_utf8();
            if verb == '%' {
                self.buf.push('%');
            } else if !self.good_arg_num {
                self.buf.push_str("%!");
                self.buf.push(verb);
                self.buf.push_str("(BADINDEX)");
            } else if arg_num >= args.len() {
                self.buf.push_str("%!");
                self.buf.push(verb);
                self.buf.push_str("(MISSING)");
            } else {
                if verb == 'v' {
                    self.f.sharp_v = self.f.sharp;
                    self.f.sharp = false;
                    self.f.plus_v = self.f.plus;
                    self.f.plus = false;
                }
                self.print_arg(&args[arg_num], verb);
                arg_num += 1;
            }
        }
        if !self.reordered && arg_num < args.len() {
            self.clear_flags();
            self.buf.push_str("%!(EXTRA ");
            for (k, arg) in args[arg_num..].iter().enumerate() {
                if k > 0 {
                    self.buf.push_str(", ");
                }
                if arg.is_nil() {
                    self.buf.push_str("<nil>");
                } else {
                    self.buf.push_str(&arg.go_type_name());
                    self.buf.push('=');
                    self.print_arg(arg, 'v');
                }
            }
            self.buf.push(')');
        }
    }
}

/// Go's `parsenum`: a run of digits at `start`, or none.
fn parse_num(s: &[u8], start: usize, end: usize) -> (usize, bool, usize) {
    if start >= end {
        return (0, false, end);
    }
    let mut num: i64 = 0;
    let mut isnum = false;
    let mut i = start;
    while i < end && s[i].is_ascii_digit() {
        if num > MAX_WIDTH {
            return (0, false, end);
        }
        num = num * 10 + i64::from(s[i] - b'0');
        isnum = true;
        i += 1;
    }
    (num as usize, isnum, i)
}

/// `[n]` at the start of `format`: the zero-based index, bytes consumed, ok.
fn parse_arg_number(format: &[u8]) -> (usize, usize, bool) {
    if format.len() < 3 {
        return (0, 1, false);
    }
    for i in 1..format.len() {
        if format[i] == b']' {
            let (width, ok, newi) = parse_num(format, 1, i);
            if !ok || newi != i {
                return (0, i + 1, false);
            }
            return match width.checked_sub(1) {
                Some(w) => (w, i + 1, true),
                // "[0]" is a valid index form but names no argument.
                None => (usize::MAX, i + 1, true),
            };
        }
    }
    (0, 1, false)
}

/// A `*` width or precision operand: its value, whether it is an int, and
/// the next argument number.
fn int_from_arg(args: &[Value], arg_num: usize) -> (i64, bool, usize) {
    let Some(a) = args.get(arg_num) else {
        return (0, false, arg_num);
    };
    let (mut num, mut is_int) = match a {
        Value::Int(n) | Value::Int64(n) => (*n, true),
        Value::Uint8(n) => (i64::from(*n), true),
        _ => (0, false),
    };
    if !(-MAX_WIDTH..=MAX_WIDTH).contains(&num) {
        num = 0;
        is_int = false;
    }
    (num, is_int, arg_num + 1)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::value::{List, Map};

    fn f(format: &str, args: &[Value]) -> String {
        sprintf(format, args).unwrap_or_else(|e| e.0)
    }

    // Rows from Go's fmt/fmt_test.go for the verbs templates use.
    #[test]
    fn fmt_table() {
        let i = |n: i64| Value::Int(n);
        let s = |x: &str| Value::from(x);
        let fl = Value::Float;
        let cases: Vec<(&str, Value, &str)> = vec![
            ("%d", i(12345), "12345"),
            ("%v", i(12345), "12345"),
            ("%t", Value::Bool(true), "true"),
            ("%s", s("abc"), "abc"),
            ("%q", s("abc"), "\"abc\""),
            ("%x", s("abc"), "616263"),
            ("%x", s("\u{ff}\u{f0}\u{f}\u{ff}"), "c3bfc3b00fc3bf"),
            ("%X", s("xyz"), "78797A"),
            ("% x", s("xyz"), "78 79 7a"),
            ("%# x", s("xyz"), "0x78 0x79 0x7a"),
            ("%#x", s("xyz"), "0x78797a"),
            ("%5s", s("abc"), "  abc"),
            ("%-5s", s("abc"), "abc  "),
            ("%05s", s("abc"), "00abc"),
            ("%.5s", s("abcdefghijklmnopqrstuvwxyz"), "abcde"),
            ("%.0s", s("日本語日本語"), ""),
            ("%.5s", s("日本語日本語"), "日本語日本"),
            ("%q", s("\x07\x08\x0c\r\n\t\x0b"), r#""\a\b\f\r\n\t\v""#),
            ("%q", s("\\"), r#""\\""#),
            ("%+q", s("日本語"), r#""\u65e5\u672c\u8a9e""#),
            ("%#q", s("abc"), "`abc`"),
            ("%#+q", s("日本語"), "`日本語`"),
            ("%c", i('x' as i64), "x"),
            ("%c", i(0xe4), "ä"),
            ("%.0c", i('⌘' as i64), "⌘"),
            ("%3c", i('⌘' as i64), "  ⌘"),
            ("%-3c", i('⌘' as i64), "⌘  "),
            ("%c", i(-1), "\u{FFFD}"),
            ("%q", i('x' as i64), "'x'"),
            ("%q", i(0x10FFFF + 1), "'\u{FFFD}'"),
            ("%U", i(0), "U+0000"),
            ("%U", i(-1), "U+FFFFFFFFFFFFFFFF"),
            ("%U", i('⌘' as i64), "U+2318"),
            ("%#U", i('⌘' as i64), "U+2318 '⌘'"),
            ("%#U", i('\n' as i64), "U+000A"),
            ("%+.3U", i('⌘' as i64), "U+2318"),
            ("%#.7U", i('⌘' as i64), "U+0002318 '⌘'"),
            ("%d", i(-12345), "-12345"),
            ("%+d", i(12345), "+12345"),
            ("% d", i(12345), " 12345"),
            ("%b", i(7), "111"),
            ("%#b", i(7), "0b111"),
            ("%o", i(8), "10"),
            ("%#o", i(8), "010"),
            ("%O", i(8), "0o10"),
            ("%x", i(-1), "-1"),
            ("%#X", i(255), "0XFF"),
            ("%08d", i(-12345), "-0012345"),
            ("%+08d", i(12345), "+0012345"),
            ("%-08d", i(12345), "12345   "),
            ("%.3d", i(7), "007"),
            ("%6.3d", i(7), "   007"),
            ("%06.3d", i(7), "   007"),
            ("%.0d", i(0), ""),
            ("%5.0d", i(0), "     "),
            ("%e", fl(1.0), "1.000000e+00"),
            ("%e", fl(1234.5678e3), "1.234568e+06"),
            ("%E", fl(1234.5678e-8), "1.234568E-05"),
            ("%f", fl(1234.5678e3), "1234567.800000"),
            ("%g", fl(1234.5678e3), "1.2345678e+06"),
            ("%G", fl(1234.5678e-8), "1.2345678E-05"),
            ("%.2f", fl(1.0), "1.00"),
            ("%.3g", fl(1.0), "1"),
            ("%.3g", fl(1234.0), "1.23e+03"),
            ("%v", fl(1e6), "1e+06"),
            ("%v", fl(123456.0), "123456"),
            ("%v", fl(1.1), "1.1"),
            ("%v", fl(3.0), "3"),
            ("%+.3e", fl(0.0), "+0.000e+00"),
            ("%+.3F", fl(1.0), "+1.000"),
            ("%08.3f", fl(-1.0), "-001.000"),
            ("%-8.3f", fl(-1.0), "-1.000  "),
            ("% .3f", fl(1.0), " 1.000"),
            ("%#g", fl(1.0), "1.00000"),
            ("%#g", fl(123456.0), "123456."),
            ("%#.4g", fl(1.0), "1.000"),
            ("%#e", fl(1.0), "1.000000e+00"),
            ("%#.0f", fl(1.0), "1."),
            ("%#.0e", fl(1.0), "1.e+00"),
            ("%+10.2f", fl(f64::INFINITY), "      +Inf"),
            ("%010.2f", fl(f64::NEG_INFINITY), "      -Inf"),
            ("%f", fl(f64::NAN), "NaN"),
            ("%+f", fl(f64::NAN), "+NaN"),
            ("%x", fl(1.0), "0x1p+00"),
            ("%d", s("x"), "%!d(string=x)"),
            ("%s", fl(1.1), "%!s(float64=1.1)"),
            ("%t", i(1), "%!t(int=1)"),
            ("%z", i(1), "%!z(int=1)"),
            ("%5d", s("ab"), "%!d(string=   ab)"),
            ("%d", Value::Nil, "%!d(<nil>)"),
            ("%v", Value::Nil, "<nil>"),
            ("%T", Value::Nil, "<nil>"),
            ("%T", i(1), "int"),
            ("%T", fl(1.0), "float64"),
            ("%10T", s("x"), "    string"),
            ("%T", Value::from(vec![]), "[]interface {}"),
            ("%T", Value::Map(Map::new()), "map[string]interface {}"),
            (
                "%v",
                Value::from(vec![i(1), s("a"), Value::Nil]),
                "[1 a <nil>]",
            ),
            ("%d", Value::from(vec![i(1), s("a")]), "[1 %!d(string=a)]"),
            ("%q", Value::List(List::strings(["a", "b"])), r#"["a" "b"]"#),
            (
                "%#v",
                Value::from(vec![i(1), s("a"), Value::Nil]),
                r#"[]interface {}{1, "a", interface {}(nil)}"#,
            ),
            ("%#v", s("x"), r#""x""#),
            ("%#v", fl(1.0), "1"),
            (
                "%#v",
                Value::Map(Map::from_entries([("a", i(1))])),
                r#"map[string]interface {}{"a":1}"#,
            ),
            ("%+v", i(1), "1"),
            (
                "%v",
                Value::Map(Map::from_entries([("b", i(2)), ("a", fl(1.5))])),
                "map[a:1.5 b:2]",
            ),
            (
                "%d",
                Value::Map(Map::from_entries([("a", i(1))])),
                "map[%!d(string=a):1]",
            ),
        ];
        for (format, arg, want) in cases {
            assert_eq!(
                f(format, std::slice::from_ref(&arg)),
                want,
                "Sprintf({format:?}, {arg:?})"
            );
        }
    }

    #[test]
    fn printf_args() {
        let i = |n: i64| Value::Int(n);
        assert_eq!(f("%*d", &[i(5), i(3)]), "    3");
        assert_eq!(f("%-*d", &[i(5), i(3)]), "3    ");
        assert_eq!(f("%*d", &[i(-5), i(3)]), "3    ");
        assert_eq!(f("%.*d", &[i(3), i(7)]), "007");
        assert_eq!(f("%*d", &[Value::from("x"), i(3)]), "%!(BADWIDTH)3");
        assert_eq!(f("%.*d", &[i(-1), i(3)]), "%!(BADPREC)3");
        assert_eq!(f("%[2]d %[1]d", &[i(1), i(2)]), "2 1");
        assert_eq!(f("%[3]d", &[i(1), i(2)]), "%!d(BADINDEX)");
        assert_eq!(f("%[0]d", &[i(1)]), "%!d(BADINDEX)");
        assert_eq!(f("%[x]d", &[i(1)]), "%!d(BADINDEX)");
        assert_eq!(f("%[1]*d", &[i(2), i(5)]), " 5");
        assert_eq!(f("%[2]*[1]d", &[i(2), i(5)]), "    2");
        assert_eq!(f("%d %d", &[i(1)]), "1 %!d(MISSING)");
        assert_eq!(
            f("%d", &[i(1), Value::from("x"), Value::Nil]),
            "1%!(EXTRA string=x, <nil>)"
        );
        assert_eq!(f("%", &[]), "%!(NOVERB)");
        assert_eq!(f("%-", &[]), "%!(NOVERB)");
        assert_eq!(f("%%", &[]), "%");
        assert_eq!(f("100%% %s", &[Value::from("x")]), "100% x");
        assert_eq!(f("%!", &[]), "%!!(MISSING)");
    }

    #[test]
    fn sprint_spacing() {
        let p = |args: &[Value]| sprint(args).unwrap_or_default();
        assert_eq!(p(&[Value::Int(1), Value::Int(2)]), "1 2");
        assert_eq!(p(&[Value::from("a"), Value::Int(2)]), "a2");
        assert_eq!(p(&[Value::Int(1), Value::from("b"), Value::Int(2)]), "1b2");
        assert_eq!(p(&[Value::Nil, Value::Nil]), "<nil> <nil>");
        assert_eq!(
            sprintln(&[Value::from("a"), Value::from("b")]).unwrap_or_default(),
            "a b\n"
        );
    }
}
