//! Sprig's dict functions (`dict.go`): `dict`, `get`, `set`, `unset`, `hasKey`, `pluck`,
//! `keys`, `pick`, `omit`, `values`, `dig`, and `merge`/`mergeOverwrite` with the rules of
//! dario.cat/mergo v1.0.1 as Sprig calls it (`mergo.Merge(&dst, src)`, with `WithOverride`
//! for the overwrite variants).
//!
//! Go iterates maps in random order, so Sprig's `keys` and `values` come out shuffled; a
//! renderer whose output must not change from run to run returns them in key order instead.

use crate::{ElemType, FuncError, FuncMap, List, MAX_VALUE_DEPTH, Map, Type as T, Value};

use super::util::{arg, empty, named, sig, sigv, str_arg, strval};

/// A `map[string]interface{}` parameter: the map, or `None` for a nil map.
fn map_arg(args: &[Value], i: usize) -> Option<Map> {
    arg(args, i).as_map()
}

pub(super) fn register(m: &mut FuncMap) {
    m.add("dict", sigv(vec![], T::Any, T::Map), |_, a| {
        let d = Map::new();
        for pair in a.chunks(2) {
            let key = strval(&pair[0])?;
            d.insert(key, pair.get(1).cloned().unwrap_or_else(|| Value::from("")));
        }
        Ok(Value::Map(d))
    });
    m.add("get", sig(vec![T::Map, T::String], T::Any), |_, a| {
        Ok(map_arg(a, 0)
            .and_then(|d| d.get(str_arg(a, 1)))
            .unwrap_or_else(|| Value::from("")))
    });
    m.add(
        "set",
        sig(vec![T::Map, T::String, T::Any], T::Map),
        |_, a| {
            let d =
                map_arg(a, 0).ok_or_else(|| FuncError::new("assignment to entry in nil map"))?;
            d.insert(str_arg(a, 1), arg(a, 2).clone());
            Ok(Value::Map(d))
        },
    );
    m.add("unset", sig(vec![T::Map, T::String], T::Map), |_, a| {
        let d = map_arg(a, 0).unwrap_or_default();
        d.remove(str_arg(a, 1));
        Ok(Value::Map(d))
    });
    m.add("hasKey", sig(vec![T::Map, T::String], T::Bool), |_, a| {
        Ok(Value::Bool(
            map_arg(a, 0).is_some_and(|d| d.contains_key(str_arg(a, 1))),
        ))
    });
    m.add("pluck", sigv(vec![T::String], T::Map, T::List), |_, a| {
        let key = str_arg(a, 0);
        let out = (1..a.len())
            .filter_map(|i| map_arg(a, i).and_then(|d| d.get(key)))
            .collect();
        Ok(Value::List(List::new(out)))
    });
    m.add("keys", sigv(vec![], T::Map, T::StringList), |_, a| {
        let mut k: Vec<String> = (0..a.len())
            .filter_map(|i| map_arg(a, i))
            .flat_map(|d| d.keys())
            .collect();
        // Go's map order is random; sorted keys keep renders reproducible.
        k.sort();
        Ok(Value::List(List::strings(k)))
    });
    m.add("pick", sigv(vec![T::Map], T::String, T::Map), |_, a| {
        let out = Map::new();
        if let Some(d) = map_arg(a, 0) {
            for i in 1..a.len() {
                let k = str_arg(a, i);
                if let Some(v) = d.get(k) {
                    out.insert(k, v);
                }
            }
        }
        Ok(Value::Map(out))
    });
    m.add("omit", sigv(vec![T::Map], T::String, T::Map), |_, a| {
        let out = Map::new();
        if let Some(d) = map_arg(a, 0) {
            let omit: Vec<&str> = (1..a.len()).map(|i| str_arg(a, i)).collect();
            for (k, v) in d.entries() {
                if !omit.contains(&k.as_str()) {
                    out.insert(k, v);
                }
            }
        }
        Ok(Value::Map(out))
    });
    m.add("values", sig(vec![T::Map], T::List), |_, a| {
        // In key order, for the same reason as `keys`.
        let v = map_arg(a, 0)
            .map(|d| d.entries().into_iter().map(|(_, v)| v).collect())
            .unwrap_or_default();
        Ok(Value::List(List::new(v)))
    });
    for (name, overwrite, must) in [
        ("merge", false, false),
        ("mergeOverwrite", true, false),
        ("mustMerge", false, true),
        ("mustMergeOverwrite", true, true),
    ] {
        let result = if must {
            named("(interface {}, error)")
        } else {
            T::Any
        };
        m.add(name, sigv(vec![T::Map], T::Map, result), move |_, a| {
            // A nil dst is replaced by a new map, which Sprig then returns.
            let dst = map_arg(a, 0).unwrap_or_default();
            let mut budget = MERGE_BUDGET;
            for i in 1..a.len() {
                if let Some(src) = map_arg(a, i) {
                    merge_maps(&dst, &src, overwrite, 0, &mut budget)?;
                }
            }
            Ok(Value::Map(dst))
        });
    }
    m.add(
        "dig",
        sigv(vec![], T::Any, named("(interface {}, error)")),
        |_, a| dig(a),
    );
}

/// How many entries one merge may visit. Maps that share sub-maps can make a merge visit
/// exponentially many entries; past this it fails instead of hanging the render.
const MERGE_BUDGET: u64 = 10_000_000;

/// `reflect.Value.SetMapIndex` into `dst`: a typed map (`map[string]string` from `split`)
/// refuses the `interface {}` elements of an untyped source map, as Go panics.
fn set_index(dst: &Map, src: &Map, key: &str, v: Value) -> Result<(), FuncError> {
    if dst.elem_type() != ElemType::Interface && dst.elem_type() != src.elem_type() {
        return Err(FuncError::new(format!(
            "reflect.Value.SetMapIndex: value of type {} is not assignable to type {}",
            src.elem_type().go_name(),
            dst.elem_type().go_name()
        )));
    }
    dst.insert(key, v);
    Ok(())
}

/// mergo's `deepMerge` for two maps, as it plays out for template values: a key missing or
/// empty (mergo's `isEmptyValue`) in `dst` takes the source value; nested maps merge
/// recursively; with `overwrite` every source value wins except that maps still merge into
/// non-empty maps, and nil source values overwrite only with `overwrite`. Values are shared,
/// not copied, as in Go. An empty destination map is first merged into (mutating it) and
/// then replaced by the source map, exactly as mergo does.
fn merge_maps(
    dst: &Map,
    src: &Map,
    overwrite: bool,
    depth: usize,
    budget: &mut u64,
) -> Result<(), FuncError> {
    if *budget == 0 {
        return Err(FuncError::new(format!(
            "merge: more than {MERGE_BUDGET} entries to merge"
        )));
    }
    if depth > MAX_VALUE_DEPTH {
        // Go recurses until its stack overflows on a map that contains itself.
        return Err(FuncError::new(format!(
            "merge: maps nested deeper than {MAX_VALUE_DEPTH} levels"
        )));
    }
    stacker::maybe_grow(64 * 1024, 1024 * 1024, || {
        for (key, s) in src.entries() {
            *budget = budget.saturating_sub(1);
            let d = dst.get(&key);
            if s.is_nil() {
                if overwrite {
                    set_index(dst, src, &key, s)?;
                }
                continue;
            }
            let s_map = s.as_map();
            if let (Some(sm), Some(Some(dm))) = (&s_map, d.as_ref().map(Value::as_map)) {
                merge_maps(&dm, sm, overwrite, depth + 1, budget)?;
            }
            if let Some(dv) = &d {
                // (mergo also skips slices here, but only after it has already stored the
                // source slice when overwriting, so slices follow the general rule below.)
                if !empty(dv) && s_map.is_some() && dv.as_map().is_some() {
                    continue;
                }
            }
            if overwrite || d.as_ref().is_none_or(empty) {
                set_index(dst, src, &key, s)?;
            }
        }
        Ok(())
    })
}

/// Sprig's `dig`: keys, then a default, then the dict; type assertions that fail are Go's
/// interface-conversion panics.
fn dig(ps: &[Value]) -> Result<Value, FuncError> {
    if ps.len() < 3 {
        return Err(FuncError::new("dig needs at least three arguments"));
    }
    let conversion = |v: &Value, want: &str| {
        let got = if v.is_nil() {
            "nil".to_string()
        } else {
            v.go_type_name()
        };
        FuncError::new(format!(
            "interface conversion: interface {{}} is {got}, not {want}"
        ))
    };
    let as_plain_map = |v: &Value| match v {
        Value::Map(m) if m.elem_type() == ElemType::Interface && m.type_name().is_none() => {
            Some(m.clone())
        }
        _ => None,
    };
    let last = &ps[ps.len() - 1];
    let mut dict = as_plain_map(last).ok_or_else(|| conversion(last, "map[string]interface {}"))?;
    let default = &ps[ps.len() - 2];
    let mut keys = Vec::new();
    for k in &ps[..ps.len() - 2] {
        keys.push(
            k.as_str()
                .ok_or_else(|| conversion(k, "string"))?
                .to_string(),
        );
    }
    for (i, k) in keys.iter().enumerate() {
        let Some(step) = dict.get(k) else {
            return Ok(default.clone());
        };
        if i + 1 == keys.len() {
            return Ok(step);
        }
        dict = as_plain_map(&step).ok_or_else(|| conversion(&step, "map[string]interface {}"))?;
    }
    Ok(default.clone())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(entries: Vec<(&str, Value)>) -> Map {
        Map::from_entries(entries)
    }

    fn show(m: &Map) -> String {
        format!("{:?}", Value::Map(m.clone()))
    }

    #[test]
    fn merge_rules() {
        let dst = d(vec![
            ("a", Value::from(1.0)),
            ("e", Value::from("")),
            ("n", Value::Nil),
            ("m", Value::Map(d(vec![("x", Value::from(1.0))]))),
        ]);
        let src = d(vec![
            ("a", Value::from(2.0)),
            ("b", Value::from(3.0)),
            ("e", Value::from("s")),
            ("n", Value::from("filled")),
            (
                "m",
                Value::Map(d(vec![("x", Value::from(2.0)), ("y", Value::from(3.0))])),
            ),
            ("z", Value::Nil),
        ]);
        let plain = dst.shallow_copy();
        assert!(merge_maps(&plain, &src, false, 0, &mut 1000).is_ok());
        assert_eq!(
            show(&plain),
            r#"map[string]interface {}{"a":1, "b":3, "e":"s", "m":map[string]interface {}{"x":1, "y":3}, "n":"filled"}"#
        );
        let dst2 = d(vec![
            ("a", Value::from(1.0)),
            ("m", Value::Map(d(vec![("x", Value::from(1.0))]))),
        ]);
        assert!(merge_maps(&dst2, &src, true, 0, &mut 1000).is_ok());
        assert_eq!(
            show(&dst2),
            r#"map[string]interface {}{"a":2, "b":3, "e":"s", "m":map[string]interface {}{"x":2, "y":3}, "n":"filled", "z":interface {}(nil)}"#
        );
    }

    #[test]
    fn dig_paths() {
        let inner = d(vec![("b", Value::from("x"))]);
        let top = Value::Map(d(vec![("a", Value::Map(inner))]));
        let get = |keys: &[&str]| {
            let mut args: Vec<Value> = keys.iter().map(|k| Value::from(*k)).collect();
            args.push(Value::from("def"));
            args.push(top.clone());
            dig(&args)
                .map(|v| format!("{v:?}"))
                .unwrap_or_else(|e| e.to_string())
        };
        assert_eq!(get(&["a", "b"]), "\"x\"");
        assert_eq!(get(&["a", "c"]), "\"def\"");
        assert_eq!(
            get(&["a", "b", "c"]),
            "interface conversion: interface {} is string, not map[string]interface {}"
        );
    }
}
