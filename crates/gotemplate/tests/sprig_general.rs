//! Replays the Sprig cases recorded from real Helm (tests/sprig-general-cases.json, made by
//! tests/sprig-oracle/record.py) through the engine with this crate's Sprig functions.
//!
//! Cases run as Helm runs a chart template: `missingkey=zero`, the namespace named `gotpl`,
//! `.Values` decoded with every number a float64, and Helm's own `fromJson` (which replaces
//! Sprig's), built here on `gotemplate::sprig::json` as the Helm layer builds it. Helm's
//! erasure of `<no value>` is applied to the engine's output, and errors are compared part by
//! part (location, template, context, message) as in tests/helm_parity.rs.

use std::rc::Rc;

use gotemplate::sprig::json::{Target, unmarshal_into};
use gotemplate::{
    ElemType, Error, ErrorKind, ExecOptions, Function, List, Map, Namespace, Object, Signature,
    Type, Value,
};

const TEMPLATE: &str = "c/templates/t.yaml";

/// Cases where the crate knowingly differs from Helm, with the reason. They must still
/// differ, so that the list stays accurate.
const NIL_SLICE: &str = "the value model has no nil slice: Sprig's nil []interface {} (rest of an empty list, \
     concat of nothing) is an empty list here, which JSON encodes as [] where Go writes null";

const KNOWN_DIFFERENCES: &[(&str, &str)] = &[
    (
        "refl/typeOf/36",
        "the value model has no [][]interface {}: chunk's chunks are in a []interface {}",
    ),
    (
        "list/chunk/12",
        "the value model has no [][]interface {}: chunk's chunks are in a []interface {}",
    ),
    ("more/nilslice/00", NIL_SLICE),
    ("more/nilslice/01", NIL_SLICE),
    ("more/nilslice/02", NIL_SLICE),
    ("more/nilslice/03", NIL_SLICE),
    (
        "sig/32",
        "Helm rewrites the error of `fail` (execution error at (...)); that is the Helm layer's job",
    ),
];

fn from_json(v: &serde_json::Value) -> Value {
    match v {
        serde_json::Value::Null => Value::Nil,
        serde_json::Value::Bool(b) => Value::Bool(*b),
        serde_json::Value::Number(n) => Value::Float(n.as_f64().unwrap_or(0.0)),
        serde_json::Value::String(s) => Value::from(s.as_str()),
        serde_json::Value::Array(a) => Value::List(List::new(a.iter().map(from_json).collect())),
        serde_json::Value::Object(o) => {
            let m = Map::new();
            for (k, x) in o {
                m.insert(k.clone(), from_json(x));
            }
            Value::Map(m)
        }
    }
}

struct VersionSet(List);

impl Object for VersionSet {
    fn type_name(&self) -> String {
        "common.VersionSet".to_string()
    }

    fn method(&self, name: &str) -> Option<Function> {
        if name != "Has" {
            return None;
        }
        let list = self.0.clone();
        Some(Function::new(
            Signature::new(vec![Type::String], Type::Bool),
            move |_, args| {
                let want = args.first().and_then(Value::as_str).unwrap_or("");
                Ok(Value::Bool(list.iter().any(|v| v.as_str() == Some(want))))
            },
        ))
    }

    fn underlying(&self) -> Option<Value> {
        Some(Value::List(self.0.clone()))
    }

    fn as_any(&self) -> &dyn std::any::Any {
        self
    }
}

struct KubeVersion;

impl Object for KubeVersion {
    fn type_name(&self) -> String {
        "common.KubeVersion".to_string()
    }

    fn field(&self, name: &str) -> Option<Value> {
        Some(Value::from(match name {
            "Version" => "v1.36.0",
            "Major" => "1",
            "Minor" => "36",
            _ => return None,
        }))
    }

    fn fields(&self) -> Vec<(String, Value)> {
        vec![
            ("Version".to_string(), Value::from("v1.36.0")),
            ("Major".to_string(), Value::from("1")),
            ("Minor".to_string(), Value::from("36")),
        ]
    }

    fn as_any(&self) -> &dyn std::any::Any {
        self
    }
}

struct Capabilities {
    api: Rc<VersionSet>,
}

impl Object for Capabilities {
    fn type_name(&self) -> String {
        "*common.Capabilities".to_string()
    }

    fn field(&self, name: &str) -> Option<Value> {
        match name {
            "APIVersions" => Some(Value::Object(self.api.clone())),
            "KubeVersion" => Some(Value::Object(Rc::new(KubeVersion))),
            _ => None,
        }
    }

    fn is_pointer(&self) -> bool {
        true
    }

    fn as_any(&self) -> &dyn std::any::Any {
        self
    }
}

fn helm_data(values: &serde_json::Value) -> Value {
    let vals = Map::with_type(ElemType::Interface, Some("common.Values"));
    if let Value::Map(m) = from_json(values) {
        for (k, v) in m.entries() {
            vals.insert(k, v);
        }
    }
    let release = Map::from_entries([
        ("Name", Value::from("r")),
        ("Namespace", Value::from("default")),
        ("IsInstall", Value::Bool(true)),
        ("IsUpgrade", Value::Bool(false)),
        ("Revision", Value::Int(1)),
        ("Service", Value::from("Helm")),
    ]);
    let template = Map::with_type(ElemType::Interface, Some("common.Values"));
    template.insert("Name", Value::from(TEMPLATE));
    template.insert("BasePath", Value::from("c/templates"));
    let api = Rc::new(VersionSet(List::strings(["v1", "apps/v1", "batch/v1"])));
    let top = Map::with_type(ElemType::Interface, Some("common.Values"));
    top.insert("Values", Value::Map(vals));
    top.insert("Release", Value::Map(release));
    top.insert("Template", Value::Map(template));
    top.insert("Capabilities", Value::Object(Rc::new(Capabilities { api })));
    top.insert("Subcharts", Value::Map(Map::new()));
    Value::Map(top)
}

#[derive(Debug, PartialEq)]
enum Parts {
    Parse {
        location: String,
        message: String,
    },
    Exec {
        location: String,
        template: String,
        context: String,
        message: String,
    },
    Other(String),
}

fn split_helm_error(e: &str) -> Parts {
    if let Some(rest) = e.strip_prefix("parse error at (") {
        if let Some((loc, msg)) = rest.split_once("): ") {
            return Parts::Parse {
                location: loc.to_string(),
                message: msg.to_string(),
            };
        }
    }
    if let Some(rest) = e.strip_prefix("template: ") {
        if let Some((loc, rest)) = rest.split_once(": executing \"") {
            if let Some((name, rest)) = rest.split_once("\" at <") {
                if let Some((ctx, msg)) = rest.split_once(">: ") {
                    return Parts::Exec {
                        location: loc.to_string(),
                        template: name.to_string(),
                        context: ctx.to_string(),
                        message: msg.to_string(),
                    };
                }
            }
        }
    }
    if let Some((loc, rest)) = e.split_once("\n  executing \"") {
        if let Some((name, rest)) = rest.split_once("\" at <") {
            if let Some((ctx, msg)) = rest.split_once(">:\n    ") {
                return Parts::Exec {
                    location: loc.to_string(),
                    template: name.to_string(),
                    context: ctx.to_string(),
                    message: msg.to_string(),
                };
            }
        }
    }
    Parts::Other(e.to_string())
}

fn split_engine_error(e: &Error) -> Parts {
    match e.kind() {
        ErrorKind::Parse => {
            let text = e.to_string();
            let tokens: Vec<&str> = text.split(": ").collect();
            Parts::Parse {
                location: tokens.get(1).copied().unwrap_or("").to_string(),
                message: tokens.last().copied().unwrap_or("").to_string(),
            }
        }
        _ => match (e.location(), e.context()) {
            (Some(loc), Some(ctx)) => Parts::Exec {
                location: format!("{}:{}:{}", loc.name, loc.line, loc.col.unwrap_or(0)),
                template: e.template().to_string(),
                context: ctx.to_string(),
                message: e.message().to_string(),
            },
            _ => Parts::Other(e.to_string()),
        },
    }
}

/// Sprig plus Helm's `fromJson`, which returns a map and puts a decoding error in its
/// `Error` key.
fn funcs() -> gotemplate::FuncMap {
    let mut m = gotemplate::sprig::funcs();
    m.add(
        "fromJson",
        Signature::new(vec![Type::String], Type::Map),
        |_, a| {
            let text = a.first().and_then(Value::as_str).unwrap_or("");
            let (v, err) = unmarshal_into(text, Target::Map);
            let m = v.as_map().unwrap_or_default();
            if let Some(e) = err {
                m.insert("Error", Value::from(e.0));
            }
            Ok(Value::Map(m))
        },
    );
    m
}

fn run_case(
    funcs: &gotemplate::FuncMap,
    template: &str,
    values: &serde_json::Value,
) -> Result<String, Error> {
    let mut ns = Namespace::with_name("gotpl", funcs.clone());
    ns.add(TEMPLATE, template)?;
    ns.execute(TEMPLATE, helm_data(values), &ExecOptions::helm())
}

#[test]
fn sprig_general_matches_helm() {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/sprig-general-cases.json"
    );
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("reading {path}: {e}"));
    let doc: serde_json::Value =
        serde_json::from_str(&text).unwrap_or_else(|e| panic!("parsing {path}: {e}"));
    let cases = doc["cases"].as_array().cloned().unwrap_or_default();
    assert!(cases.len() > 500, "too few cases");
    let funcs = funcs();
    let mut failures = Vec::new();
    for c in &cases {
        let name = c["name"].as_str().unwrap_or("?");
        let template = c["template"].as_str().unwrap_or("");
        let values = c.get("values").unwrap_or(&doc["values"]);
        let got = run_case(&funcs, template, values);
        let verdict = match (got, c.get("output"), c.get("error")) {
            (Ok(out), Some(want), _) => {
                let out = out.replace("<no value>", "");
                let want = want.as_str().unwrap_or("");
                (out != want).then(|| format!("output {out:?}\n      Helm   {want:?}"))
            }
            (Err(e), _, Some(want)) => {
                let want = split_helm_error(want.as_str().unwrap_or(""));
                let got = split_engine_error(&e);
                (got != want).then(|| format!("error {got:?}\n      Helm  {want:?}"))
            }
            (Ok(out), None, Some(want)) => Some(format!("output {out:?}\n      Helm error {want}")),
            (Err(e), Some(want), _) => Some(format!("error {e}\n      Helm output {want:?}")),
            (_, None, None) => Some("case has neither output nor error".to_string()),
        };
        let known = KNOWN_DIFFERENCES.iter().any(|(n, _)| *n == name);
        match (verdict, known) {
            (Some(v), false) => failures.push(format!("{name} ({template:?}):\n      {v}")),
            (None, true) => failures.push(format!(
                "{name}: listed as a known difference but matches Helm"
            )),
            _ => {}
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} Helm cases differ:\n  {}",
        failures.len(),
        cases.len(),
        failures.join("\n  ")
    );
}

/// Every function of this family with every combination of awkward arguments (nil, extreme
/// integers, floats, empty and non-ASCII strings, lists, maps, a self-containing map) must
/// return a value or an error, never panic or hang.
#[test]
fn no_argument_combination_panics() {
    const POOL: &[&str] = &[
        "nil",
        "0",
        "-1",
        "3",
        "9223372036854775807",
        "-9223372036854775808",
        "1.5",
        "-1e300",
        "\"\"",
        "\"a,b\"",
        "\"日本\"",
        "(list)",
        "(list 1 \"a\" nil)",
        "(dict \"a\" 1)",
        "$cyc",
        ".Values.x",
    ];
    let funcs = funcs();
    let values = serde_json::json!({"x": 2.5});
    let mut runs = 0usize;
    for name in funcs.names() {
        let Some(f) = funcs.get(&name) else { continue };
        let sig = f.signature();
        let max_args = (sig.params.len() + usize::from(sig.variadic.is_some())).min(3);
        let pool: &[&str] = if max_args >= 3 { &POOL[..9] } else { POOL };
        let mut combos: Vec<Vec<&str>> = vec![vec![]];
        for _ in 0..max_args {
            let next: Vec<Vec<&str>> = combos
                .iter()
                .filter(|c| c.len() == combos.last().map_or(0, Vec::len))
                .flat_map(|c| {
                    pool.iter().map(move |a| {
                        let mut c = c.clone();
                        c.push(a);
                        c
                    })
                })
                .collect();
            combos.extend(next);
        }
        for args in combos {
            let template = format!(
                "{{{{ $cyc := dict }}}}{{{{ $_ := set $cyc \"self\" $cyc }}}}{{{{ {name} {} }}}}",
                args.join(" ")
            );
            let _ = run_case(&funcs, &template, &values);
            runs += 1;
        }
    }
    assert!(runs > 10_000, "only {runs} combinations ran");
}
