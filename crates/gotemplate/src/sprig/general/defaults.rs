//! Sprig's `defaults.go` and `reflect.go`: `default`, `empty`, `coalesce`, `all`, `any`,
//! `ternary`, the JSON functions (Sprig's versions; Helm replaces `toJson`, `fromJson` and
//! `mustToJson` with its own, built on the same [`super::json`]), `deepCopy`, and the type
//! inspection functions (`typeOf`, `kindOf`, `deepEqual`, ...).

use crate::{FuncError, FuncMap, Type as T, Value};

use super::json;
use super::util::{arg, bool_arg, empty, kind, named, sig, sigv, str_arg};

pub(super) fn register(m: &mut FuncMap) {
    m.add("default", sigv(vec![T::Any], T::Any, T::Any), |_, a| {
        Ok(match a.get(1) {
            Some(g) if !empty(g) => g.clone(),
            _ => arg(a, 0).clone(),
        })
    });
    m.add("empty", sig(vec![T::Any], T::Bool), |_, a| {
        Ok(Value::Bool(empty(arg(a, 0))))
    });
    m.add("coalesce", sigv(vec![], T::Any, T::Any), |_, a| {
        Ok(a.iter().find(|v| !empty(v)).cloned().unwrap_or(Value::Nil))
    });
    m.add("all", sigv(vec![], T::Any, T::Bool), |_, a| {
        Ok(Value::Bool(a.iter().all(|v| !empty(v))))
    });
    m.add("any", sigv(vec![], T::Any, T::Bool), |_, a| {
        Ok(Value::Bool(a.iter().any(|v| !empty(v))))
    });
    m.add(
        "ternary",
        sig(vec![T::Any, T::Any, T::Bool], T::Any),
        |_, a| Ok(arg(a, if bool_arg(a, 2) { 0 } else { 1 }).clone()),
    );

    m.add("fromJson", sig(vec![T::String], T::Any), |_, a| {
        Ok(json::unmarshal_into(str_arg(a, 0), json::Target::Interface).0)
    });
    m.add(
        "mustFromJson",
        sig(vec![T::String], named("(interface {}, error)")),
        |_, a| Ok(json::unmarshal(str_arg(a, 0))?),
    );
    m.add("toJson", sig(vec![T::Any], T::String), |_, a| {
        Ok(Value::from(json::marshal(arg(a, 0)).unwrap_or_default()))
    });
    m.add(
        "mustToJson",
        sig(vec![T::Any], named("(string, error)")),
        |_, a| Ok(Value::from(json::marshal(arg(a, 0))?)),
    );
    m.add("toPrettyJson", sig(vec![T::Any], T::String), |_, a| {
        Ok(Value::from(
            json::marshal_indent(arg(a, 0), "", "  ").unwrap_or_default(),
        ))
    });
    m.add(
        "mustToPrettyJson",
        sig(vec![T::Any], named("(string, error)")),
        |_, a| Ok(Value::from(json::marshal_indent(arg(a, 0), "", "  ")?)),
    );
    // toRawJson panics on a marshalling error, where its must variant returns it.
    for (name, result) in [
        ("toRawJson", T::String),
        ("mustToRawJson", named("(string, error)")),
    ] {
        m.add(name, sig(vec![T::Any], result), |_, a| {
            Ok(Value::from(json::encode(arg(a, 0), false)?))
        });
    }

    // Sprig prefixes "deepCopy error: " to errors copystructure returns; the one a template
    // can provoke (nil) is a panic inside copystructure, which comes out bare.
    m.add("deepCopy", sig(vec![T::Any], T::Any), |_, a| {
        deep_copy(arg(a, 0)).map_err(FuncError::new)
    });
    m.add(
        "mustDeepCopy",
        sig(vec![T::Any], named("(interface {}, error)")),
        |_, a| deep_copy(arg(a, 0)).map_err(FuncError::new),
    );

    m.add("typeOf", sig(vec![T::Any], T::String), |_, a| {
        Ok(Value::from(arg(a, 0).go_type_name()))
    });
    m.add("typeIs", sig(vec![T::String, T::Any], T::Bool), |_, a| {
        Ok(Value::Bool(str_arg(a, 0) == arg(a, 1).go_type_name()))
    });
    m.add(
        "typeIsLike",
        sig(vec![T::String, T::Any], T::Bool),
        |_, a| {
            let (target, t) = (str_arg(a, 0), arg(a, 1).go_type_name());
            Ok(Value::Bool(target == t || format!("*{target}") == t))
        },
    );
    m.add("kindOf", sig(vec![T::Any], T::String), |_, a| {
        Ok(Value::from(kind(arg(a, 0))))
    });
    m.add("kindIs", sig(vec![T::String, T::Any], T::Bool), |_, a| {
        Ok(Value::Bool(str_arg(a, 0) == kind(arg(a, 1))))
    });
    m.add("deepEqual", sig(vec![T::Any, T::Any], T::Bool), |_, a| {
        Ok(Value::Bool(arg(a, 0).deep_equal(arg(a, 1))?))
    });
}

/// mitchellh/copystructure's `Copy`: fresh maps and lists all the way down. For nil it asks
/// `reflect` for the type of nothing, and panics.
fn deep_copy(v: &Value) -> Result<Value, String> {
    if v.is_nil() {
        return Err("reflect: call of reflect.Value.Type on zero Value".to_string());
    }
    v.deep_copy().map_err(|e| e.0)
}
