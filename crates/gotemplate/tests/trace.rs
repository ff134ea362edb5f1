//! Tracing: the pieces of an output printed from marked strings, through variables, builtins,
//! functions registered from outside, `template`, and nested executions.

use std::rc::Rc;

use gotemplate::trace::{Piece, Session};
use gotemplate::{ExecOptions, FuncMap, Map, Namespace, Signature, Type, Value};

/// `default`, `include` (a nested execution that keeps its pieces), `upper` (a function that
/// changes its argument), `trimPrefix`.
fn funcs() -> FuncMap {
    let mut funcs = FuncMap::new();
    funcs.add(
        "default",
        Signature::new(vec![Type::Any, Type::Any], Type::Any),
        |_, args| {
            let given = args.get(1).cloned().unwrap_or(Value::Nil);
            Ok(if given.truthy() {
                given
            } else {
                args[0].clone()
            })
        },
    );
    funcs.add(
        "include",
        Signature::new(vec![Type::String, Type::Any], Type::String),
        |ctx, args| {
            let name = args[0].as_str().unwrap_or_default().to_owned();
            Ok(ctx.execute_value(&name, args[1].clone())?)
        },
    );
    funcs.add(
        "quote",
        Signature::new(vec![Type::String], Type::String),
        |_, args| Ok(Value::from(format!("{:?}", args[0].as_str().unwrap_or("")))),
    );
    funcs.add(
        "upper",
        Signature::new(vec![Type::String], Type::String),
        |_, args| Ok(Value::from(args[0].as_str().unwrap_or("").to_uppercase())),
    );
    funcs.add(
        "trimPrefix",
        Signature::new(vec![Type::String, Type::String], Type::String),
        |_, args| {
            let prefix = args[0].as_str().unwrap_or("");
            let s = args[1].as_str().unwrap_or("");
            Ok(Value::from(s.strip_prefix(prefix).unwrap_or(s)))
        },
    );
    funcs
}

/// Values with marked strings: registry (1), repository (2), tag (3), empty tag (4).
fn values(session: &Session) -> Value {
    let strings: Vec<Rc<str>> = ["docker.io", "acme/web", "v1.2.3", ""]
        .iter()
        .map(|s| Rc::from(*s))
        .collect();
    for (i, s) in strings.iter().enumerate() {
        session.mark(s, i as u32 + 1);
    }
    let image = Map::from_entries([
        ("registry", Value::String(strings[0].clone())),
        ("repository", Value::String(strings[1].clone())),
        ("tag", Value::String(strings[2].clone())),
        ("empty", Value::String(strings[3].clone())),
    ]);
    Value::Map(Map::from_entries([("image", Value::Map(image))]))
}

/// The output and, for each piece, its text and mark.
fn run(text: &str, data: Value) -> (String, Vec<(String, u32)>) {
    let mut ns = Namespace::new(funcs());
    ns.add("t", text).unwrap_or_else(|e| panic!("{e}"));
    let (out, map) = ns
        .execute_mapped("t", data, &ExecOptions::helm())
        .unwrap_or_else(|e| panic!("{e}"));
    let pieces = map
        .pieces()
        .iter()
        .map(|p: &Piece| (out[p.start..p.end].to_owned(), p.mark))
        .collect();
    (out, pieces)
}

fn owned(pieces: &[(&str, u32)]) -> Vec<(String, u32)> {
    pieces.iter().map(|(s, m)| ((*s).to_owned(), *m)).collect()
}

#[test]
fn concatenated_actions_give_each_their_key() {
    let session = Session::start();
    let (out, pieces) = run(
        "image: {{ .image.registry }}/{{ .image.repository }}:{{ .image.tag }}",
        values(&session),
    );
    assert_eq!(out, "image: docker.io/acme/web:v1.2.3");
    assert_eq!(
        pieces,
        owned(&[("docker.io", 1), ("acme/web", 2), ("v1.2.3", 3)])
    );
}

#[test]
fn variables_printf_default_and_cut_strings_keep_their_keys() {
    let session = Session::start();
    let text = r#"{{- $img := .image -}}
{{- $tag := .image.empty | default $img.tag | trimPrefix "v" -}}
{{ printf "%s/%s:%s" (index $img "registry") $img.repository $tag | print }}"#;
    let (out, pieces) = run(text, values(&session));
    assert_eq!(out, "docker.io/acme/web:1.2.3");
    assert_eq!(
        pieces,
        owned(&[("docker.io", 1), ("acme/web", 2), ("1.2.3", 3)])
    );
}

#[test]
fn template_actions_and_nested_executions_keep_their_pieces() {
    let session = Session::start();
    let text = r#"{{- define "name" }}{{ .registry }}/{{ .repository }}{{ end -}}
a: {{ template "name" .image }}
b: {{ include "name" .image | quote }}"#;
    let (out, pieces) = run(text, values(&session));
    assert_eq!(out, "a: docker.io/acme/web\nb: \"docker.io/acme/web\"");
    assert_eq!(
        pieces,
        owned(&[
            ("docker.io", 1),
            ("acme/web", 2),
            ("docker.io", 1),
            ("acme/web", 2)
        ])
    );
}

#[test]
fn text_the_template_writes_or_a_function_changes_has_no_key() {
    let session = Session::start();
    let (out, pieces) = run(
        "busybox:1.36 {{ upper .image.repository }} {{ .image.empty }}",
        values(&session),
    );
    assert_eq!(out, "busybox:1.36 ACME/WEB ");
    assert!(pieces.is_empty(), "{pieces:?}");
}

#[test]
fn without_a_session_nothing_is_traced() {
    let data = {
        let session = Session::start();
        values(&session)
    };
    let (out, pieces) = run("{{ .image.registry }}", data);
    assert_eq!(out, "docker.io");
    assert!(pieces.is_empty());
}
