//! Parity of the Helm renderer's data conversions with real Helm.
//!
//! `tests/helm-data/cases.json` holds what Helm v4 (its Go SDK, through
//! `tests/helm-oracle/oracle.py`) printed for `toJson`, `toYaml`, `toYamlPretty`, `toToml`,
//! `fromYaml`, `fromYamlArray`, `fromJson`, `fromJsonArray` and `fromToml` over hundreds of
//! values files, texts and values; `tests/helm-data/generate.py` records it. Each test here
//! runs imgsift's functions on the same inputs and requires byte-identical text. The values
//! files of the corpus charts are read from `../shared/corpus` and compared by digest, so
//! that no corpus file is copied into the repository.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use gotemplate::{ExecOptions, FuncMap, Namespace, Value};
use imgsift::render::helm::{data_funcs, toml, yaml};
use serde_json::Value as Json;
use sha2::{Digest, Sha256};

fn cases() -> Vec<Json> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/helm-data/cases.json");
    let text = std::fs::read_to_string(&path).unwrap_or_default();
    let doc: Json = serde_json::from_str(&text).unwrap_or(Json::Null);
    doc.get("cases")
        .and_then(Json::as_array)
        .cloned()
        .unwrap_or_default()
}

fn field<'a>(case: &'a Json, key: &str) -> &'a str {
    case.get(key).and_then(Json::as_str).unwrap_or_default()
}

fn to_json(v: &Value) -> String {
    data_funcs::json_marshal(v).unwrap_or_default()
}

fn pretty(v: &Value) -> String {
    let text = yaml::marshal_pretty(v).unwrap_or_default();
    text.strip_suffix('\n').map(str::to_owned).unwrap_or(text)
}

fn toml_text(v: &Value) -> String {
    match toml::encode(v) {
        Ok(t) => t,
        Err(e) => e.message().to_owned(),
    }
}

/// The template functions Helm has that these cases use: Sprig's, then Helm's data functions
/// over them (Helm replaces Sprig's `toJson` and `fromJson`).
fn funcs() -> FuncMap {
    let mut map = gotemplate::sprig::funcs();
    data_funcs::register(&mut map);
    map
}

/// A template case run by the engine: its output, or its error.
fn run_template(text: &str) -> Result<String, String> {
    let mut ns = Namespace::new(funcs());
    let name = "c/templates/t.yaml";
    ns.add(name, text).map_err(|e| e.to_string())?;
    ns.execute(
        name,
        Value::Map(gotemplate::Map::new()),
        &ExecOptions::helm(),
    )
    .map_err(|e| e.to_string())
}

/// The message at the heart of a template error: Helm 4 lays errors out on several lines, Go
/// on one, and which is the engine's business, not these functions'.
fn error_core(text: &str) -> &str {
    let text = text.trim_end();
    let after_call = text.rsplit(": error calling ").next().unwrap_or(text);
    match after_call.split_once(": ") {
        Some((name, rest)) if !name.contains(' ') && text.contains(": error calling ") => rest,
        _ => text
            .rsplit("\n    ")
            .next()
            .unwrap_or(text)
            .rsplit(">: ")
            .next()
            .unwrap_or(text),
    }
}

fn decode_b64(text: &str) -> Option<String> {
    let line = text
        .trim_end()
        .rsplit('\n')
        .next()?
        .strip_prefix('#')?
        .trim_start();
    let bytes = data_funcs_b64(line)?;
    String::from_utf8(bytes).ok()
}

fn data_funcs_b64(text: &str) -> Option<Vec<u8>> {
    let alphabet = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = Vec::new();
    let mut acc: u32 = 0;
    let mut bits = 0;
    for c in text.bytes() {
        if c == b'=' {
            break;
        }
        let v = alphabet.iter().position(|&a| a == c)? as u32;
        acc = (acc << 6) | v;
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push((acc >> bits) as u8);
            acc &= (1 << bits) - 1;
        }
    }
    Some(out)
}

/// What imgsift prints for expectation `kind` of a case.
fn actual(kind: &str, case_kind: &str, input: &str) -> Option<String> {
    let s = input;
    Some(match (case_kind, kind) {
        ("string", "FY") => to_json(&Value::Map(data_funcs::from_yaml(s))),
        ("string", "FYA") => to_json(&Value::List(data_funcs::from_yaml_array(s))),
        ("string", "FYY") => yaml::to_yaml(&Value::Map(data_funcs::from_yaml(s))),
        ("string", "FJ") => to_json(&data_funcs::from_json(s)),
        ("string", "FJA") => to_json(&data_funcs::from_json_array(s)),
        ("string", "FT") => to_json(&Value::Map(toml::from_toml(s))),
        ("data", k) => {
            let v = yaml::decode(s).unwrap_or(Value::Nil);
            match k {
                "J" => to_json(&v),
                "Y" => yaml::to_yaml(&v),
                "P" => pretty(&v),
                "T" => toml_text(&v),
                _ => return None,
            }
        }
        ("values", k) => {
            let v = Value::Map(coalesced(&yaml::decode_values(s).ok()?));
            match k {
                "J" => to_json(&v),
                "Y" => yaml::to_yaml(&v),
                "P" => pretty(&v),
                _ => return None,
            }
        }
        _ => return None,
    })
}

/// A chart's own values as templates see them: Helm's coalescing drops keys whose value is
/// null, in nested maps too (not inside lists). That is `values.rs`'s rule, mirrored here so
/// that `.Values` can be compared with the decoding.
fn coalesced(map: &gotemplate::Map) -> gotemplate::Map {
    let out = gotemplate::Map::new();
    for (k, v) in map.entries() {
        match v {
            Value::Nil => {}
            Value::Map(m) => {
                out.insert(k, Value::Map(coalesced(&m)));
            }
            other => {
                out.insert(k, other);
            }
        }
    }
    out
}

/// Cases where imgsift knowingly differs from Helm, with the reason. A known case that
/// starts to match fails the test, so that the list stays true.
const KNOWN: &[(&str, &str)] = &[(
    "tab-block-line",
    "a tab indenting a block scalar's line less than its content: both refuse the text, \
     saphyr (ending the scalar first) with another message",
)];

struct Tally {
    checked: usize,
    failures: Vec<String>,
}

impl Tally {
    fn new() -> Tally {
        Tally {
            checked: 0,
            failures: Vec::new(),
        }
    }

    fn check(&mut self, what: String, expected: &str, actual: Option<String>) {
        self.checked += 1;
        let known = KNOWN
            .iter()
            .any(|(name, _)| what.split(' ').nth(1) == Some(name));
        if known {
            if actual.as_deref() == Some(expected) {
                self.failures
                    .push(format!("{what}: listed in KNOWN but matches Helm now"));
            }
            return;
        }
        if actual.as_deref() != Some(expected) {
            self.failures.push(format!(
                "{what}\n  helm:     {expected:?}\n  imgsift:  {actual:?}"
            ));
        }
    }

    fn finish(self, name: &str) {
        let mut report = String::new();
        let _ = writeln!(
            report,
            "{name}: {} of {} checks differ from Helm",
            self.failures.len(),
            self.checked
        );
        for f in self.failures.iter().take(60) {
            let _ = writeln!(report, "{f}");
        }
        assert!(self.failures.is_empty(), "{report}");
        assert!(self.checked > 0, "{name}: no cases were read");
    }
}

/// Expectations of the `string`, `data` and `values` cases whose kind passes `select`.
fn run(name: &str, select: &dyn Fn(&str, &str) -> bool) {
    let mut tally = Tally::new();
    for case in cases() {
        let kind = field(&case, "kind");
        let input = field(&case, "input");
        let label = format!("{kind} {} {input:?}", field(&case, "name"));
        if kind == "template" {
            if !select(kind, "") {
                continue;
            }
            let got = run_template(input);
            match case.get("error").and_then(Json::as_str) {
                Some(err) => tally.check(
                    format!("{label} [error]"),
                    error_core(err),
                    got.err().as_deref().map(error_core).map(str::to_owned),
                ),
                None => {
                    let want = case["expect"]["R"].as_str().unwrap_or_default();
                    tally.check(
                        format!("{label} [R]"),
                        want,
                        got.ok().and_then(|t| decode_b64(&t)),
                    );
                }
            }
            continue;
        }
        if kind == "values" {
            if let Some(err) = case.get("error").and_then(Json::as_str) {
                if !select(kind, "error") {
                    continue;
                }
                let got = match yaml::decode_values(input) {
                    Ok(_) => None,
                    Err(e) => Some(format!("cannot load values.yaml: {e}")),
                };
                tally.check(format!("{label} [error]"), err, got);
                continue;
            }
        }
        let Some(expect) = case.get("expect").and_then(Json::as_object) else {
            continue;
        };
        for (k, v) in expect {
            if !select(kind, k) {
                continue;
            }
            let expected = v.as_str().unwrap_or_default();
            if k == "T!" {
                // Helm's toToml failed the template (a panic in the Go encoder).
                let v = yaml::decode(input).unwrap_or(Value::Nil);
                let got = toml::encode(&v).err().map(|e| e.message().to_owned());
                let want = expected
                    .rsplit("error calling toToml: ")
                    .next()
                    .unwrap_or_default();
                let want = want.split("\n\n").next().unwrap_or_default();
                tally.check(format!("{label} [{k}]"), want, got);
                continue;
            }
            tally.check(format!("{label} [{k}]"), expected, actual(k, kind, input));
        }
    }
    tally.finish(name);
}

#[test]
fn yaml_decoding_matches_helm() {
    run("fromYaml, fromYamlArray and values files", &|kind, k| {
        matches!(
            (kind, k),
            ("string", "FY" | "FYA") | ("values", "J" | "error")
        )
    });
}

#[test]
fn yaml_encoding_matches_helm() {
    run("toYaml", &|kind, k| {
        matches!((kind, k), ("string", "FYY") | ("data" | "values", "Y"))
    });
}

#[test]
fn json_matches_helm() {
    run("toJson, fromJson and fromJsonArray", &|kind, k| {
        matches!((kind, k), ("string", "FJ" | "FJA") | ("data", "J"))
    });
}

#[test]
fn toml_matches_helm() {
    run("toToml and fromToml", &|kind, k| {
        matches!((kind, k), ("string", "FT") | ("data", "T" | "T!"))
    });
}

#[test]
fn template_functions_match_helm() {
    run("templates calling the data functions", &|kind, _| {
        kind == "template"
    });
}

#[test]
fn yaml_pretty_matches_helm() {
    run("toYamlPretty", &|kind, k| {
        matches!((kind, k), ("data" | "values", "P"))
    });
}

fn corpus_root() -> PathBuf {
    match std::env::var_os("IMGSIFT_CORPUS") {
        Some(dir) => PathBuf::from(dir),
        None => Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/corpus"),
    }
}

fn sha256(text: &str) -> String {
    Sha256::digest(text.as_bytes())
        .iter()
        .fold(String::new(), |mut s, b| {
            let _ = write!(s, "{b:02x}");
            s
        })
}

#[test]
fn corpus_values_match_helm() {
    let root = corpus_root();
    let mut tally = Tally::new();
    for case in cases().iter().filter(|c| field(c, "kind") == "corpus") {
        let name = field(case, "name");
        let Ok(text) = std::fs::read_to_string(root.join(name)) else {
            tally.check(format!("corpus {name}: unreadable"), "", None);
            continue;
        };
        let decoded = yaml::decode_values(&text).map(Value::Map);
        let Some(digests) = case.get("sha256").and_then(Json::as_object) else {
            tally.check(
                format!("corpus {name} [error]"),
                field(case, "error"),
                decoded
                    .err()
                    .map(|e| format!("cannot load values.yaml: {e}")),
            );
            continue;
        };
        let value = decoded.unwrap_or(Value::Nil);
        let values = match &value {
            Value::Map(m) => Value::Map(coalesced(m)),
            other => other.clone(),
        };
        for (k, digest) in digests {
            let text = match k.as_str() {
                "J" => to_json(&values),
                "Y" => yaml::to_yaml(&values),
                _ => to_json(&Value::Map(data_funcs::from_yaml(&text))),
            };
            tally.check(
                format!("corpus {name} [{k}]"),
                digest.as_str().unwrap_or_default(),
                Some(sha256(&text)),
            );
        }
    }
    tally.finish("corpus values");
}
