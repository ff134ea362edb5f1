//! Sprig's list functions (`list.go`). They take any slice through reflection and return
//! `[]interface{}`; on anything else they fail with Sprig's error (`Cannot push on type
//! string`), and on nil with the nil-pointer panic of `reflect.TypeOf(nil).Kind()`. The
//! non-`must` variants panic where the `must` ones return the error; the template sees the
//! same message either way.

use crate::{ElemType, FuncError, FuncMap, List, Type as T, Value};

use super::util::{
    NIL_DEREF, arg, empty, int_arg, kind, list_or_error, named, sig, sigv, slice_items, to_i64,
};

fn ilist(items: Vec<Value>) -> Value {
    Value::List(List::new(items))
}

fn deep_eq(a: &Value, b: &Value) -> Result<bool, FuncError> {
    Ok(a.deep_equal(b)?)
}

fn contains(haystack: &[Value], needle: &Value) -> Result<bool, FuncError> {
    for h in haystack {
        if deep_eq(needle, h)? {
            return Ok(true);
        }
    }
    Ok(false)
}

/// The identity of a scalar under `reflect.DeepEqual`: `None` for lists, maps and objects,
/// `Some(None)` for NaN, which equals nothing.
fn scalar_key(v: &Value) -> Option<Option<(u8, Vec<u8>)>> {
    Some(Some(match v {
        Value::Nil => (0, Vec::new()),
        Value::Bool(b) => (1, vec![u8::from(*b)]),
        Value::Int(i) => (2, i.to_le_bytes().to_vec()),
        Value::Int64(i) => (3, i.to_le_bytes().to_vec()),
        Value::Uint8(u) => (4, vec![*u]),
        Value::Float(f) if f.is_nan() => return Some(None),
        Value::Float(f) => (
            5,
            (if *f == 0.0 { 0.0f64 } else { *f })
                .to_bits()
                .to_le_bytes()
                .to_vec(),
        ),
        Value::String(s) => (6, s.as_bytes().to_vec()),
        _ => return None,
    }))
}

pub(super) fn register(m: &mut FuncMap) {
    for name in ["list", "tuple"] {
        m.add(name, sigv(vec![], T::Any, T::List), |_, a| {
            Ok(ilist(a.to_vec()))
        });
    }
    let one = || sig(vec![T::Any], T::List);
    let one_err = || sig(vec![T::Any], named("([]interface {}, error)"));
    for (name, s) in [
        ("append", sig(vec![T::Any, T::Any], T::List)),
        ("push", sig(vec![T::Any, T::Any], T::List)),
        (
            "mustAppend",
            sig(vec![T::Any, T::Any], named("([]interface {}, error)")),
        ),
        (
            "mustPush",
            sig(vec![T::Any, T::Any], named("([]interface {}, error)")),
        ),
    ] {
        m.add(name, s, |_, a| {
            let mut l = list_or_error(arg(a, 0), "Cannot push on type")?;
            l.push(arg(a, 1).clone());
            Ok(ilist(l))
        });
    }
    for (name, s) in [
        ("prepend", sig(vec![T::Any, T::Any], T::List)),
        (
            "mustPrepend",
            sig(vec![T::Any, T::Any], named("([]interface {}, error)")),
        ),
    ] {
        m.add(name, s, |_, a| {
            let mut l = list_or_error(arg(a, 0), "Cannot prepend on type")?;
            l.insert(0, arg(a, 1).clone());
            Ok(ilist(l))
        });
    }
    for (name, s) in [
        ("first", sig(vec![T::Any], T::Any)),
        (
            "mustFirst",
            sig(vec![T::Any], named("(interface {}, error)")),
        ),
    ] {
        m.add(name, s, |_, a| {
            Ok(list_or_error(arg(a, 0), "Cannot find first on type")?
                .into_iter()
                .next()
                .unwrap_or(Value::Nil))
        });
    }
    for (name, s) in [
        ("last", sig(vec![T::Any], T::Any)),
        (
            "mustLast",
            sig(vec![T::Any], named("(interface {}, error)")),
        ),
    ] {
        m.add(name, s, |_, a| {
            Ok(list_or_error(arg(a, 0), "Cannot find last on type")?
                .pop()
                .unwrap_or(Value::Nil))
        });
    }
    for (name, s) in [("rest", one()), ("mustRest", one_err())] {
        m.add(name, s, |_, a| {
            let l = list_or_error(arg(a, 0), "Cannot find rest on type")?;
            Ok(ilist(l.into_iter().skip(1).collect()))
        });
    }
    for (name, s) in [("initial", one()), ("mustInitial", one_err())] {
        m.add(name, s, |_, a| {
            let mut l = list_or_error(arg(a, 0), "Cannot find initial on type")?;
            l.pop();
            Ok(ilist(l))
        });
    }
    for (name, s) in [("reverse", one()), ("mustReverse", one_err())] {
        m.add(name, s, |_, a| {
            let mut l = list_or_error(arg(a, 0), "Cannot find reverse on type")?;
            l.reverse();
            Ok(ilist(l))
        });
    }
    for (name, s) in [("compact", one()), ("mustCompact", one_err())] {
        m.add(name, s, |_, a| {
            let l = list_or_error(arg(a, 0), "Cannot compact on type")?;
            Ok(ilist(l.into_iter().filter(|v| !empty(v)).collect()))
        });
    }
    for (name, s) in [("uniq", one()), ("mustUniq", one_err())] {
        m.add(name, s, |_, a| {
            let l = list_or_error(arg(a, 0), "Cannot find uniq on type")?;
            // Sprig compares each element with every kept one (quadratic); scalars are looked
            // up in a set instead, with reflect.DeepEqual's equality (same type, ==, so 0 and
            // -0 match and NaN never does), so that a list of a million numbers stays fast.
            let mut seen: std::collections::HashSet<(u8, Vec<u8>)> =
                std::collections::HashSet::new();
            let mut composite: Vec<Value> = Vec::new();
            let mut out: Vec<Value> = Vec::new();
            for v in l {
                let fresh = match scalar_key(&v) {
                    Some(Some(k)) => seen.insert(k),
                    Some(None) => true,
                    None => {
                        let new = !contains(&composite, &v)?;
                        if new {
                            composite.push(v.clone());
                        }
                        new
                    }
                };
                if fresh {
                    out.push(v);
                }
            }
            Ok(ilist(out))
        });
    }
    for (name, s) in [
        ("without", sigv(vec![T::Any], T::Any, T::List)),
        (
            "mustWithout",
            sigv(vec![T::Any], T::Any, named("([]interface {}, error)")),
        ),
    ] {
        m.add(name, s, |_, a| {
            let l = list_or_error(arg(a, 0), "Cannot find without on type")?;
            let omit = a.get(1..).unwrap_or(&[]);
            let mut out = Vec::new();
            for v in l {
                if !contains(omit, &v)? {
                    out.push(v);
                }
            }
            Ok(ilist(out))
        });
    }
    for (name, s) in [
        ("has", sig(vec![T::Any, T::Any], T::Bool)),
        ("mustHas", sig(vec![T::Any, T::Any], named("(bool, error)"))),
    ] {
        m.add(name, s, |_, a| {
            let haystack = arg(a, 1);
            if haystack.is_nil() {
                return Ok(Value::Bool(false));
            }
            let l = list_or_error(haystack, "Cannot find has on type")?;
            Ok(Value::Bool(contains(&l, arg(a, 0))?))
        });
    }
    for (name, s) in [
        ("slice", sigv(vec![T::Any], T::Any, T::Any)),
        (
            "mustSlice",
            sigv(vec![T::Any], T::Any, named("(interface {}, error)")),
        ),
    ] {
        m.add(name, s, |_, a| slice(arg(a, 0), a.get(1..).unwrap_or(&[])));
    }
    m.add("concat", sigv(vec![], T::Any, T::Any), |_, a| {
        let mut out = Vec::new();
        for v in a {
            if v.is_nil() {
                return Err(FuncError::new(NIL_DEREF));
            }
            match slice_items(v) {
                Some(items) => out.extend(items),
                None => {
                    return Err(FuncError::new(format!(
                        "Cannot concat type {} as list",
                        kind(v)
                    )));
                }
            }
        }
        Ok(ilist(out))
    });
    for (name, s) in [
        (
            "chunk",
            sig(vec![T::Int, T::Any], named("[][]interface {}")),
        ),
        (
            "mustChunk",
            sig(vec![T::Int, T::Any], named("([][]interface {}, error)")),
        ),
    ] {
        m.add(name, s, |_, a| chunk(int_arg(a, 0), arg(a, 1)));
    }
}

/// Sprig's `mustSlice`: `list[start:end]` keeping the slice's type; an empty list gives nil;
/// bounds outside the list are reflect's panic.
fn slice(list: &Value, indices: &[Value]) -> Result<Value, FuncError> {
    let items = list_or_error(list, "list should be type of slice or array but")?;
    if items.is_empty() {
        return Ok(Value::Nil);
    }
    let len = items.len() as i64;
    let start = indices.first().map_or(0, to_i64);
    let end = if indices.len() < 2 {
        len
    } else {
        to_i64(&indices[1])
    };
    if start < 0 || end < start || end > len {
        return Err(FuncError::new(
            "reflect.Value.Slice: slice index out of bounds",
        ));
    }
    let elem = list
        .as_list()
        .map_or(ElemType::Interface, |l| l.elem_type());
    Ok(Value::List(List::typed(
        elem,
        items[start as usize..end as usize].to_vec(),
    )))
}

/// Sprig's `mustChunk`, including its float arithmetic for the number of chunks (which makes
/// sizes below 1 panic in `make`, or give no chunks at all).
fn chunk(size: i64, list: &Value) -> Result<Value, FuncError> {
    let items = list_or_error(list, "Cannot chunk type")?;
    let l = items.len() as i64;
    let makeslice = || FuncError::new("runtime error: makeslice: len out of range");
    let cs = super::util::go_f64_to_i64(((l - 1) as f64 / size as f64).floor()).wrapping_add(1);
    if cs < 0 {
        return Err(makeslice());
    }
    let mut out = Vec::new();
    for i in 0..cs {
        let mut clen = size;
        if i == cs - 1 {
            clen = super::util::go_f64_to_i64(go_mod(l as f64, size as f64).floor());
            if clen == 0 {
                clen = size;
            }
        }
        if clen < 0 {
            return Err(makeslice());
        }
        let mut c = Vec::new();
        for j in 0..clen {
            let ix = i
                .checked_mul(size)
                .and_then(|x| x.checked_add(j))
                .unwrap_or(-1);
            match usize::try_from(ix).ok().and_then(|ix| items.get(ix)) {
                Some(v) => c.push(v.clone()),
                None => {
                    return Err(FuncError::new(format!(
                        "runtime error: index out of range [{ix}] with length {l}"
                    )));
                }
            }
        }
        out.push(ilist(c));
    }
    Ok(ilist(out))
}

/// Go's `math.Mod` (the sign of the dividend, NaN for a zero divisor).
fn go_mod(x: f64, y: f64) -> f64 {
    if y == 0.0 || x.is_infinite() || x.is_nan() || y.is_nan() {
        return f64::NAN;
    }
    x % y
}

#[cfg(test)]
mod tests {
    use super::*;

    fn nums(n: i64) -> Value {
        ilist((1..=n).map(Value::Int).collect())
    }

    fn shape(v: &Value) -> Vec<usize> {
        v.as_list()
            .map(|l| {
                l.iter()
                    .map(|c| c.as_list().map_or(0, |c| c.len()))
                    .collect()
            })
            .unwrap_or_default()
    }

    #[test]
    fn chunks() {
        assert_eq!(
            chunk(2, &nums(5)).map(|v| shape(&v)).ok(),
            Some(vec![2, 2, 1])
        );
        assert_eq!(chunk(5, &nums(5)).map(|v| shape(&v)).ok(), Some(vec![5]));
        assert_eq!(chunk(2, &nums(0)).map(|v| shape(&v)).ok(), Some(vec![]));
        assert_eq!(chunk(-1, &nums(2)).map(|v| shape(&v)).ok(), Some(vec![]));
        assert!(chunk(0, &nums(3)).is_err());
        assert!(chunk(-1, &nums(3)).is_err());
    }

    #[test]
    fn slices() {
        let s = |a: &[i64]| {
            let idx: Vec<Value> = a.iter().map(|i| Value::Int(*i)).collect();
            slice(&nums(5), &idx)
                .ok()
                .and_then(|v| v.as_list())
                .map(|l| l.len())
        };
        assert_eq!(s(&[]), Some(5));
        assert_eq!(s(&[1, 3]), Some(2));
        assert_eq!(s(&[3]), Some(2));
        assert_eq!(s(&[4, 2]), None);
    }
}
