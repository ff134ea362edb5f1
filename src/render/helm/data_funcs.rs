//! Helm's data functions (`pkg/engine/funcs.go`): `toYaml` and its kin, `toToml`/`fromToml`,
//! `toJson`/`fromJson`, and the duration helpers, registered with their Go signatures by
//! [`register`] (after Sprig's, whose `toJson` and `fromJson` Helm replaces).
//!
//! YAML and TOML are `yaml.rs`'s and `toml.rs`'s; JSON is the engine crate's port of Go's
//! `encoding/json` (`gotemplate::sprig::json`): Helm's `toJson` is plain `json.Marshal` (HTML
//! escaping on, no indentation), `fromJson` is `json.Unmarshal` into a map. Errors fail a
//! template only where they fail Helm's: `fromYaml` and `fromJson` put the message under the
//! key `Error`, `fromYamlArray` and `fromJsonArray` return it as the only element, `toYaml`
//! and `toJson` print nothing, `toToml` prints it; the `must` forms fail with Go's message,
//! and so does `toToml` where BurntSushi's encoder panics (`toToml nil`).
//!
//! The duration helpers come from Helm after v4.2 (the oracle's v4.2.3 lacks them, so they
//! are held to Go's `time` package by unit tests): they take durations, Go duration text,
//! and seconds as numbers or text, and return [`Duration`], a Go `time.Duration`.

use std::any::Any;
use std::rc::Rc;

use gotemplate::{FuncError, FuncMap, List, Map, Object, Signature, Type, Value};

use gotemplate::sprig::json;

use super::toml;
use super::yaml;

// ---------------------------------------------------------------------------------------------
// JSON, through the engine crate's Go `encoding/json`

/// Helm's `toJson`/`mustToJson`: `json.Marshal(v)`, compact, HTML characters escaped.
pub fn json_marshal(v: &Value) -> Result<String, json::JsonError> {
    json::marshal(v)
}

/// Helm's `fromJson`: `json.Unmarshal` into an empty map, the error put under `Error`. JSON
/// `null` makes Go's map nil, which is nil here too (printed by `toJson` as `null`).
pub fn from_json(text: &str) -> Value {
    match json::unmarshal_into(text, json::Target::Map) {
        (value, None) => value,
        (value, Some(err)) => {
            let map = value.as_map().unwrap_or_default();
            map.insert("Error", Value::from(err.0));
            Value::Map(map)
        }
    }
}

/// Helm's `fromJsonArray`: the list, or the error as its only element (nil for `null`).
pub fn from_json_array(text: &str) -> Value {
    match json::unmarshal_into(text, json::Target::Slice) {
        (value, None) => value,
        (_, Some(err)) => Value::List(List::new(vec![Value::from(err.0)])),
    }
}

// ---------------------------------------------------------------------------------------------
// YAML, as the template functions see it

/// Helm's `fromYaml`: the map, with the error under `Error`.
pub fn from_yaml(text: &str) -> Map {
    match yaml::decode_map(text) {
        Ok(m) => m,
        Err(e) => Map::from_entries([("Error", Value::from(e.message()))]),
    }
}

/// Helm's `fromYamlArray`: the list, or the error as its only element.
pub fn from_yaml_array(text: &str) -> List {
    match yaml::decode_array(text) {
        Ok(l) => l,
        Err(e) => List::new(vec![Value::from(e.message())]),
    }
}

// ---------------------------------------------------------------------------------------------
// time.Duration

const SECOND: i64 = 1_000_000_000;
const MAX_DURATION_SECONDS: i64 = i64::MAX / SECOND;
const MIN_DURATION_SECONDS: i64 = i64::MIN / SECOND;

/// A Go `time.Duration`: an int64 of nanoseconds, printed by its `String` method.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Duration(pub i64);

impl Object for Duration {
    fn type_name(&self) -> String {
        "time.Duration".to_owned()
    }

    fn string(&self) -> Option<String> {
        Some(duration_string(self.0))
    }

    fn underlying(&self) -> Option<Value> {
        Some(Value::Int64(self.0))
    }

    fn as_any(&self) -> &dyn Any {
        self
    }
}

/// Go's `Duration.String`: `1h2m3.5s`, `1.5ms`, `0s`.
pub fn duration_string(d: i64) -> String {
    fn frac(buf: &mut Vec<u8>, mut v: u64, prec: u32) -> u64 {
        let mut printed = false;
        let mut digits = Vec::new();
        for _ in 0..prec {
            let digit = (v % 10) as u8;
            printed = printed || digit != 0;
            if printed {
                digits.push(b'0' + digit);
            }
            v /= 10;
        }
        if printed {
            digits.push(b'.');
        }
        digits.reverse();
        buf.extend_from_slice(&digits);
        v
    }
    if d == 0 {
        return "0s".to_owned();
    }
    let neg = d < 0;
    let mut u = d.unsigned_abs();
    let mut out = String::new();
    if u < SECOND as u64 {
        let (prec, unit) = if u < 1_000 {
            (0, "ns")
        } else if u < 1_000_000 {
            (3, "µs")
        } else {
            (6, "ms")
        };
        let mut buf = Vec::new();
        let whole = frac(&mut buf, u, prec);
        out.push_str(&whole.to_string());
        out.push_str(&String::from_utf8_lossy(&buf));
        out.push_str(unit);
    } else {
        let mut buf = Vec::new();
        u = frac(&mut buf, u, 9);
        let secs = u % 60;
        u /= 60;
        let mut text = format!("{secs}{}s", String::from_utf8_lossy(&buf));
        if u > 0 {
            let mins = u % 60;
            u /= 60;
            text = format!("{mins}m{text}");
            if u > 0 {
                text = format!("{u}h{text}");
            }
        }
        out = text;
    }
    if neg { format!("-{out}") } else { out }
}

/// Go's `time.ParseDuration`.
fn parse_duration(s: &str) -> Option<i64> {
    let (neg, mut rest) = match s.as_bytes().first() {
        Some(b'-') => (true, &s[1..]),
        Some(b'+') => (false, &s[1..]),
        _ => (false, s),
    };
    if rest == "0" {
        return Some(0);
    }
    if rest.is_empty() {
        return None;
    }
    let mut total: u64 = 0;
    while !rest.is_empty() {
        let int_len = rest.bytes().take_while(u8::is_ascii_digit).count();
        let int_part = &rest[..int_len];
        rest = &rest[int_len..];
        let mut frac_part = "";
        if let Some(after) = rest.strip_prefix('.') {
            let n = after.bytes().take_while(u8::is_ascii_digit).count();
            frac_part = &after[..n];
            rest = &after[n..];
        }
        if int_part.is_empty() && frac_part.is_empty() {
            return None;
        }
        let unit_len = rest
            .char_indices()
            .find(|(_, c)| *c == '.' || c.is_ascii_digit())
            .map_or(rest.len(), |(i, _)| i);
        let unit = match &rest[..unit_len] {
            "ns" => 1u64,
            "us" | "µs" | "μs" => 1_000,
            "ms" => 1_000_000,
            "s" => 1_000_000_000,
            "m" => 60_000_000_000,
            "h" => 3_600_000_000_000,
            _ => return None,
        };
        rest = &rest[unit_len..];
        let whole: u64 = if int_part.is_empty() {
            0
        } else {
            int_part.parse().ok()?
        };
        let mut v = whole.checked_mul(unit)?;
        if !frac_part.is_empty() {
            // Go scales the fraction digit by digit in float64.
            let mut scale = 1.0f64;
            let mut f: u64 = 0;
            for b in frac_part.bytes() {
                if f > (1u64 << 63) / 10 {
                    continue;
                }
                f = f * 10 + u64::from(b - b'0');
                scale *= 10.0;
            }
            v = v.checked_add((f as f64 * (unit as f64 / scale)) as u64)?;
        }
        total = total.checked_add(v)?;
        if total > 1u64 << 63 {
            return None;
        }
    }
    if neg {
        Some(0i64.wrapping_sub_unsigned(total))
    } else {
        i64::try_from(total).ok()
    }
}

fn duration_from_seconds_float(seconds: f64) -> Result<i64, String> {
    if seconds.is_nan() || seconds.is_infinite() {
        return Err(format!(
            "invalid duration seconds: {}",
            yaml::format_float(seconds, b'g', false)
        ));
    }
    let max = i64::MAX as f64 / SECOND as f64;
    let min = i64::MIN as f64 / SECOND as f64;
    if seconds > max || seconds < min {
        return Err(format!(
            "duration seconds overflow: {}",
            yaml::format_float(seconds, b'g', false)
        ));
    }
    let nanos = seconds * SECOND as f64;
    if nanos > i64::MAX as f64 || nanos < i64::MIN as f64 {
        return Err(format!(
            "duration nanoseconds overflow: {}",
            yaml::format_float(nanos, b'g', false)
        ));
    }
    Ok(nanos as i64)
}

fn duration_from_seconds_int(seconds: i64) -> Result<i64, String> {
    if !(MIN_DURATION_SECONDS..=MAX_DURATION_SECONDS).contains(&seconds) {
        return Err(format!("duration seconds overflow: {seconds}"));
    }
    Ok(seconds * SECOND)
}

/// Helm's `asDuration`: a duration, a Go duration string, a number of seconds (also as text).
fn as_duration(v: &Value) -> Result<i64, String> {
    match v {
        Value::Object(o) => match o.as_any().downcast_ref::<Duration>() {
            Some(d) => Ok(d.0),
            None => Err(format!("unsupported duration type {}", o.type_name())),
        },
        Value::String(s) => {
            let t = s.trim();
            if t.is_empty() {
                return Err("empty duration".to_owned());
            }
            if let Some(d) = parse_duration(t) {
                return Ok(d);
            }
            match yaml::go_parse_float(t) {
                Some(f) => duration_from_seconds_float(f),
                None => Err(format!(
                    "could not parse duration {}",
                    gotemplate::strconv::quote(s, false)
                )),
            }
        }
        Value::Nil => Err("invalid duration".to_owned()),
        Value::Int(i) | Value::Int64(i) => duration_from_seconds_int(*i),
        Value::Uint8(u) => duration_from_seconds_int(i64::from(*u)),
        Value::Float(f) => duration_from_seconds_float(*f),
        other => Err(format!(
            "unsupported duration type {}",
            other.go_type_name()
        )),
    }
}

/// Go's `Duration.Round`: halves away from zero; saturating where the result overflows
/// (Go computes with wrapping arithmetic and checks the direction).
fn duration_round(d: i64, m: i64) -> i64 {
    if m <= 0 {
        return d;
    }
    let less_than_half = |x: i64, y: i64| (x as u64).wrapping_add(x as u64) < y as u64;
    let mut r = d % m;
    if d < 0 {
        r = -r;
        if less_than_half(r, m) {
            return d + r;
        }
        let d1 = d.wrapping_sub(m).wrapping_add(r);
        return if d1 < d { d1 } else { i64::MIN };
    }
    if less_than_half(r, m) {
        return d - r;
    }
    let d1 = d.wrapping_add(m).wrapping_sub(r);
    if d1 > d { d1 } else { i64::MAX }
}

/// Go's `Duration.Truncate`.
fn duration_truncate(d: i64, m: i64) -> i64 {
    if m <= 0 { d } else { d - d % m }
}

fn duration_value(d: i64) -> Value {
    Value::Object(Rc::new(Duration(d)))
}

// ---------------------------------------------------------------------------------------------
// Registration

fn arg(args: &[Value], i: usize) -> Value {
    args.get(i).cloned().unwrap_or(Value::Nil)
}

fn str_arg(args: &[Value], i: usize) -> String {
    args.get(i)
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_owned()
}

/// Adds Helm's data functions to `map`, replacing same-named ones.
pub fn register(map: &mut FuncMap) {
    use Type::{Any, Float64, Int64, String as Str};
    let duration = || Type::Named(Rc::from("time.Duration"));
    let one = |t: Type, r: Type| Signature::new(vec![t], r);

    map.add("toYaml", one(Any, Str), |_, a| {
        Ok(Value::from(yaml::to_yaml(&arg(a, 0))))
    });
    map.add("mustToYaml", one(Any, Str), |_, a| {
        yaml::marshal(&arg(a, 0))
            .map(|t| Value::from(t.strip_suffix('\n').unwrap_or(&t)))
            .map_err(|e| FuncError::new(e.message()))
    });
    map.add("toYamlPretty", one(Any, Str), |_, a| {
        let text = yaml::marshal_pretty(&arg(a, 0)).unwrap_or_default();
        Ok(Value::from(text.strip_suffix('\n').unwrap_or(&text)))
    });
    map.add("fromYaml", one(Str, Type::Map), |_, a| {
        Ok(Value::Map(from_yaml(&str_arg(a, 0))))
    });
    map.add("fromYamlArray", one(Str, Type::List), |_, a| {
        Ok(Value::List(from_yaml_array(&str_arg(a, 0))))
    });
    map.add("toToml", one(Any, Str), |_, a| {
        match toml::encode(&arg(a, 0)) {
            Ok(text) => Ok(Value::from(text)),
            Err(e) if e.is_panic() => Err(FuncError::new(e.message())),
            Err(e) => Ok(Value::from(e.message())),
        }
    });
    map.add("mustToToml", one(Any, Str), |_, a| {
        toml::encode(&arg(a, 0))
            .map(Value::from)
            .map_err(|e| FuncError::new(e.message()))
    });
    map.add("fromToml", one(Str, Type::Map), |_, a| {
        Ok(Value::Map(toml::from_toml(&str_arg(a, 0))))
    });
    map.add("toJson", one(Any, Str), |_, a| {
        Ok(Value::from(json_marshal(&arg(a, 0)).unwrap_or_default()))
    });
    map.add("mustToJson", one(Any, Str), |_, a| {
        json_marshal(&arg(a, 0))
            .map(Value::from)
            .map_err(|e| FuncError::new(e.0))
    });
    map.add("fromJson", one(Str, Type::Map), |_, a| {
        Ok(from_json(&str_arg(a, 0)))
    });
    map.add("fromJsonArray", one(Str, Type::List), |_, a| {
        Ok(from_json_array(&str_arg(a, 0)))
    });

    map.add("mustToDuration", one(Any, duration()), |_, a| {
        as_duration(&arg(a, 0))
            .map(duration_value)
            .map_err(FuncError::new)
    });
    let seconds = |d: i64| (d / SECOND) as f64 + (d % SECOND) as f64 / 1e9;
    let per = |unit: i64| move |d: i64| (d / unit) as f64 + (d % unit) as f64 / unit as f64;
    type ToFloat = Box<dyn Fn(i64) -> f64>;
    let floats: [(&str, ToFloat); 5] = [
        ("durationSeconds", Box::new(seconds)),
        ("durationMinutes", Box::new(per(60 * SECOND))),
        ("durationHours", Box::new(per(3600 * SECOND))),
        (
            "durationDays",
            Box::new(move |d| per(3600 * SECOND)(d) / 24.0),
        ),
        (
            "durationWeeks",
            Box::new(move |d| per(3600 * SECOND)(d) / 24.0 / 7.0),
        ),
    ];
    for (name, f) in floats {
        map.add(name, one(Any, Float64), move |_, a| {
            Ok(Value::Float(as_duration(&arg(a, 0)).map_or(0.0, &f)))
        });
    }
    let ints: [(&str, i64); 3] = [
        ("durationMilliseconds", 1_000_000),
        ("durationMicroseconds", 1_000),
        ("durationNanoseconds", 1),
    ];
    for (name, unit) in ints {
        map.add(name, one(Any, Int64), move |_, a| {
            Ok(Value::Int64(
                as_duration(&arg(a, 0)).map_or(0, |d| d / unit),
            ))
        });
    }
    let two = || Signature::new(vec![Any, Any], Type::Named(Rc::from("time.Duration")));
    map.add("durationRoundTo", two(), |_, a| {
        Ok(duration_value(match as_duration(&arg(a, 0)) {
            Err(_) => 0,
            Ok(d) => as_duration(&arg(a, 1)).map_or(d, |m| duration_round(d, m)),
        }))
    });
    map.add("durationTruncateTo", two(), |_, a| {
        Ok(duration_value(match as_duration(&arg(a, 0)) {
            Err(_) => 0,
            Ok(d) => as_duration(&arg(a, 1)).map_or(d, |m| duration_truncate(d, m)),
        }))
    });
}

#[cfg(test)]
mod tests {
    use super::*;
    use gotemplate::{ExecOptions, Namespace};

    fn render(text: &str) -> String {
        let mut funcs = gotemplate::sprig::funcs();
        register(&mut funcs);
        let mut ns = Namespace::new(funcs);
        if let Err(e) = ns.add("t", text) {
            return format!("parse error: {e}");
        }
        match ns.execute("t", Value::Map(Map::new()), &ExecOptions::helm()) {
            Ok(s) => s,
            Err(e) => format!("error: {e}"),
        }
    }

    #[test]
    fn every_helm_data_function_is_registered_with_its_go_signature() {
        let mut map = FuncMap::new();
        register(&mut map);
        let sigs = [
            ("toYaml", "func(interface {}) string"),
            ("mustToYaml", "func(interface {}) string"),
            ("toYamlPretty", "func(interface {}) string"),
            ("fromYaml", "func(string) map[string]interface {}"),
            ("fromYamlArray", "func(string) []interface {}"),
            ("toToml", "func(interface {}) string"),
            ("mustToToml", "func(interface {}) string"),
            ("fromToml", "func(string) map[string]interface {}"),
            ("toJson", "func(interface {}) string"),
            ("mustToJson", "func(interface {}) string"),
            ("fromJson", "func(string) map[string]interface {}"),
            ("fromJsonArray", "func(string) []interface {}"),
            ("mustToDuration", "func(interface {}) time.Duration"),
            ("durationSeconds", "func(interface {}) float64"),
            ("durationMilliseconds", "func(interface {}) int64"),
            ("durationMicroseconds", "func(interface {}) int64"),
            ("durationNanoseconds", "func(interface {}) int64"),
            ("durationMinutes", "func(interface {}) float64"),
            ("durationHours", "func(interface {}) float64"),
            ("durationDays", "func(interface {}) float64"),
            ("durationWeeks", "func(interface {}) float64"),
            (
                "durationRoundTo",
                "func(interface {}, interface {}) time.Duration",
            ),
            (
                "durationTruncateTo",
                "func(interface {}, interface {}) time.Duration",
            ),
        ];
        for (name, sig) in sigs {
            match map.get(name) {
                Some(f) => assert_eq!(f.go_type_name(), sig, "{name}"),
                None => panic!("{name} is not registered"),
            }
        }
        assert_eq!(map.names().len(), sigs.len());
    }

    #[test]
    fn errors_go_where_helm_puts_them() {
        assert_eq!(
            render(r#"{{ fromYaml "a: b: c" }}"#),
            "map[Error:error converting YAML to JSON: yaml: mapping values are not allowed in this context]"
        );
        assert_eq!(render(r#"{{ fromYamlArray "a: 1" | len }}"#), "1");
        assert_eq!(
            render(r#"{{ (fromJson "{").Error }}"#),
            "unexpected end of JSON input"
        );
        assert_eq!(
            render(r#"{{ fromJsonArray "{}" }}"#),
            "[json: cannot unmarshal object into Go value of type []interface {}]"
        );
        assert_eq!(render(r#"{{ fromJson "null" | toJson }}"#), "null");
        assert_eq!(
            render(r#"{{ toYaml (float64 "NaN") }}|{{ toJson (float64 "NaN") }}"#),
            "|"
        );
        assert!(render(r#"{{ mustToYaml (float64 "NaN") }}"#).ends_with(
            "error calling mustToYaml: error marshaling into JSON: json: unsupported value: NaN"
        ));
        assert!(
            render("{{ toToml nil }}")
                .ends_with("reflect: call of reflect.Value.Type on zero Value")
        );
        assert_eq!(
            render(r#"{{ toToml (list (dict)) }}"#),
            "toml: top-level values must be Go maps or structs"
        );
    }

    #[test]
    fn template_values_keep_their_go_types() {
        assert_eq!(
            render(r#"{{ toYaml (dict "a" 1000000 "b" 1e6) }}"#),
            "a: 1000000\nb: 1000000"
        );
        assert_eq!(
            render(r#"{{ toYamlPretty (dict "a" 1000000 "b" 1e6) }}"#),
            "a: 1000000\nb: 1e+06"
        );
        assert_eq!(
            render(r#"{{ toToml (dict "a" 1 "b" 1.0) }}"#),
            "a = 1\nb = 1.0\n"
        );
        assert_eq!(
            render(r#"{{ typeOf (fromToml "a = 1").a }} {{ typeOf (fromYaml "a: 1").a }}"#),
            "int64 float64"
        );
        assert_eq!(
            render(r#"{{ toJson (dict "a" "<&>") }}"#),
            r#"{"a":"\u003c\u0026\u003e"}"#
        );
    }

    #[test]
    fn go_durations() {
        let cases = [
            (0, "0s"),
            (1, "1ns"),
            (1_500, "1.5µs"),
            (1_000_000, "1ms"),
            (1_500_000_000, "1.5s"),
            (90 * SECOND, "1m30s"),
            (3600 * SECOND, "1h0m0s"),
            (-(3723 * SECOND + 500_000_000), "-1h2m3.5s"),
            (i64::MIN, "-2562047h47m16.854775808s"),
        ];
        for (d, want) in cases {
            assert_eq!(duration_string(d), want, "{d}");
        }
        assert_eq!(
            parse_duration("1h2m3.5s"),
            Some(3723 * SECOND + 500_000_000)
        );
        assert_eq!(parse_duration("1.5µs"), Some(1_500));
        assert_eq!(parse_duration("-0"), Some(0));
        assert_eq!(parse_duration(".5h"), Some(1800 * SECOND));
        assert_eq!(parse_duration("1"), None);
        assert_eq!(parse_duration("1x"), None);
        assert_eq!(parse_duration("3000000h"), None);
    }

    #[test]
    fn helm_duration_inputs() {
        assert_eq!(as_duration(&Value::from(" 90s ")), Ok(90 * SECOND));
        assert_eq!(as_duration(&Value::from("2.5")), Ok(2_500_000_000));
        assert_eq!(as_duration(&Value::Int(2)), Ok(2 * SECOND));
        assert_eq!(as_duration(&Value::Float(0.25)), Ok(SECOND / 4));
        assert_eq!(
            as_duration(&Value::from("")),
            Err("empty duration".to_owned())
        );
        assert_eq!(
            as_duration(&Value::from("soon")),
            Err("could not parse duration \"soon\"".to_owned())
        );
        assert_eq!(as_duration(&Value::Nil), Err("invalid duration".to_owned()));
        assert_eq!(
            as_duration(&Value::Bool(true)),
            Err("unsupported duration type bool".to_owned())
        );
        assert_eq!(
            as_duration(&Value::Int(i64::MAX)),
            Err(format!("duration seconds overflow: {}", i64::MAX))
        );
        assert_eq!(
            as_duration(&Value::Float(f64::NAN)),
            Err("invalid duration seconds: NaN".to_owned())
        );
        assert_eq!(
            duration_round(3723 * SECOND + 500_000_000, SECOND),
            3724 * SECOND
        );
        assert_eq!(duration_round(-1_500_000_000, SECOND), -2 * SECOND);
        assert_eq!(
            duration_round(i64::MAX, 2 * SECOND),
            9_223_372_036_000_000_000
        );
        assert_eq!(
            duration_round(i64::MAX, 10 * SECOND),
            i64::MAX,
            "rounding up overflows"
        );
        assert_eq!(duration_truncate(-1_500_000_000, SECOND), -SECOND);
        assert_eq!(
            duration_round(i64::MIN, 10 * SECOND),
            i64::MIN,
            "rounding down overflows"
        );
    }

    #[test]
    fn duration_functions_in_templates() {
        assert_eq!(render(r#"{{ mustToDuration "90s" }}"#), "1m30s");
        assert_eq!(
            render(r#"{{ mustToDuration 90 | durationMinutes }}"#),
            "1.5"
        );
        assert_eq!(
            render(r#"{{ durationMilliseconds "1.5s" }} {{ durationSeconds "x" }}"#),
            "1500 0"
        );
        assert_eq!(
            render(
                r#"{{ durationHours "36h" }} {{ durationDays "36h" }} {{ durationWeeks "84h" }}"#
            ),
            "36 1.5 0.5"
        );
        assert_eq!(
            render(r#"{{ durationRoundTo "1h29m" "1h" }} {{ durationTruncateTo "1h59m" "1h" }}"#),
            "1h0m0s 1h0m0s"
        );
        assert_eq!(
            render(r#"{{ durationRoundTo "1h29m" "soon" }} {{ durationTruncateTo "x" "1h" }}"#),
            "1h29m0s 0s"
        );
        assert_eq!(
            render(r#"{{ mustToDuration "1m" | toJson }} {{ typeOf (mustToDuration "1m") }}"#),
            "60000000000 time.Duration"
        );
        assert!(
            render(r#"{{ mustToDuration "soon" }}"#)
                .ends_with("error calling mustToDuration: could not parse duration \"soon\"")
        );
    }
}
