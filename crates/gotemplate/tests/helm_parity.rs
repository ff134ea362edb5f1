//! Replays the cases recorded from real Helm (tests/helm-cases.json, made
//! by tests/helm-oracle/oracle.py) through the engine and compares.
//!
//! Each case is one chart template `c/templates/t.yaml` executed the way
//! Helm executes it: `missingkey=zero`, the root namespace named `gotpl`,
//! and data shaped like Helm's (`.Values` decoded from YAML with every
//! number a float64, `.Release`, `.Template`, `.Capabilities`, ...).
//!
//! What Helm adds is undone before comparing:
//! - Helm erases every `<no value>` from a template's output (its
//!   post-processing, not Go's); the engine prints `<no value>` where Go
//!   does, so the erasure is applied to the engine's output here.
//! - Helm rewrites error texts: parse errors become
//!   `parse error at (FILE:LINE): LAST-PART`, execution errors either keep
//!   Go's form or become `FILE:LINE:COL\n  executing "NAME" at <CTX>:\n    MSG`.
//!   Both are split into location, template, context and message and
//!   compared part by part with the engine's error.

use std::rc::Rc;

use gotemplate::{
    ElemType, Error, ErrorKind, ExecOptions, FuncMap, Function, List, Map, Namespace, Object,
    Signature, Type, Value,
};

const TEMPLATE: &str = "c/templates/t.yaml";

/// Cases where the engine knowingly differs from Helm, with the reason.
/// They are run and must still differ (so the list stays accurate).
const KNOWN_DIFFERENCES: &[(&str, &str)] =
    &[("literal/complex", "complex constants are not supported")];

fn from_json(v: &serde_json::Value) -> Value {
    match v {
        serde_json::Value::Null => Value::Nil,
        serde_json::Value::Bool(b) => Value::Bool(*b),
        // Helm decodes every YAML number to float64.
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

/// Helm's `chartutil.Capabilities.APIVersions` (`type VersionSet []string` with `Has`).
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

/// An error split the way it is compared.
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
        if let Some(p) = split_go_exec(rest) {
            return p;
        }
    }
    // FILE:LINE:COL\n  executing "NAME" at <CTX>:\n    MSG
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

/// `LOC: executing "NAME" at <CTX>: MSG` (after `template: `).
fn split_go_exec(rest: &str) -> Option<Parts> {
    let (loc, rest) = rest.split_once(": executing \"")?;
    let (name, rest) = rest.split_once("\" at <")?;
    let (ctx, msg) = rest.split_once(">: ")?;
    Some(Parts::Exec {
        location: loc.to_string(),
        template: name.to_string(),
        context: ctx.to_string(),
        message: msg.to_string(),
    })
}

fn split_engine_error(e: &Error) -> Parts {
    match e.kind() {
        ErrorKind::Parse => {
            // Helm keeps the location and the last ": "-separated part.
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

fn run_case(template: &str, values: &serde_json::Value) -> Result<String, Error> {
    let mut ns = Namespace::with_name("gotpl", FuncMap::new());
    ns.add(TEMPLATE, template)?;
    ns.execute(TEMPLATE, helm_data(values), &ExecOptions::helm())
}

#[test]
fn helm_parity() {
    let text = match std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/helm-cases.json"
    )) {
        Ok(t) => t,
        Err(e) => panic!("reading helm-cases.json: {e}"),
    };
    let doc: serde_json::Value = match serde_json::from_str(&text) {
        Ok(d) => d,
        Err(e) => panic!("parsing helm-cases.json: {e}"),
    };
    let cases = doc["cases"].as_array().cloned().unwrap_or_default();
    assert!(cases.len() > 100, "too few cases");
    let mut failures = Vec::new();
    for c in &cases {
        let name = c["name"].as_str().unwrap_or("?");
        let template = c["template"].as_str().unwrap_or("");
        let got = run_case(template, &c["values"]);
        let verdict = match (got, c.get("output"), c.get("error")) {
            (Ok(out), Some(want), _) => {
                let out = out.replace("<no value>", "");
                let want = want.as_str().unwrap_or("");
                (out != want).then(|| format!("output {out:?}, Helm {want:?}"))
            }
            (Err(e), _, Some(want)) => {
                let want = split_helm_error(want.as_str().unwrap_or(""));
                let got = split_engine_error(&e);
                (got != want).then(|| format!("error {got:?}\n      Helm {want:?}"))
            }
            (Ok(out), None, Some(want)) => Some(format!("output {out:?}, Helm error {want}")),
            (Err(e), Some(want), _) => Some(format!("error {e}, Helm output {want}")),
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
