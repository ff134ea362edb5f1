//! imgsift's YAML loader against go-yaml, through `kubectl kustomize` as the oracle.
//!
//! Kubernetes-shaped documents are generated from a small grammar of variations (indentation
//! widths, sequences indented or not under their key, flow collections on one line or many
//! with the closing bracket at various columns, trailing commas, comments, anchors, aliases
//! and merge keys, document markers and directives, scalar styles and escapes, block scalars
//! with their indicators, tags, odd keys, CRLF, tabs, byte order marks). For every case:
//!
//! - kubectl accepts it exactly when imgsift loads it (no `D00x` error);
//! - when accepted, the tree is the same: kubectl's output, parsed back with imgsift's loader,
//!   and imgsift's load of the case agree key for key, scalars compared as their text (YAML
//!   1.1 and 1.2 type scalars differently, and imgsift reads images as text) and nulls as null;
//! - `imgsift scan` finds the same images in the case as in the oracle's tree.
//!
//! The oracle's verdicts are recorded in `tests/golden/yaml-differential.jsonl`, so the test
//! runs without kubectl; with kubectl installed the live verdicts must match the recording too.
//! `IMGSIFT_UPDATE_YAML_ORACLE=1` rewrites the recording from kubectl.

mod common;
#[path = "common/fast_path.rs"]
mod fast_path;

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;
use std::process::{Command, Stdio};
use std::sync::Arc;

use common::{Scratch, imgsift};
use imgsift::documents::read::each_document;
use imgsift::documents::{Doc, Limits, NodeId, ScalarKind, Value};
use serde_json::{Value as Json, json};

const GOLDEN: &str = "tests/golden/yaml-differential.jsonl";

/// Differences from kubectl, each harmless and explained, matched by a part of the case id.
/// The test fails when one of them stops being a difference, so the list stays true.
const KNOWN: &[(&str, &str)] = &[
    // imgsift is more lenient: it loads these, kubectl refuses them.
    (
        "stream/yaml-1.1/",
        "kustomize cuts streams at `---` itself, so the `%YAML` line before the marker is a \
         document of its own, which go-yaml refuses; imgsift cuts before directives",
    ),
    (
        "stream/tag-directive/",
        "the same for a `%TAG` directive before the marker",
    ),
    (
        "stream/yaml-1.2/",
        "go-yaml refuses `%YAML 1.2` (it reads YAML 1.1); the document is valid YAML 1.2",
    ),
    (
        "stream/two-yaml-directives/",
        "YAML forbids a repeated `%YAML` directive and saphyr does not check it; the content is \
         well-formed",
    ),
    (
        "value=double-slash",
        "`\\/` is a YAML 1.2 escape (JSON's); go-yaml does not know it",
    ),
    (
        "value=inf",
        "kustomize converts objects to JSON, which cannot hold `.inf`; the YAML is valid",
    ),
    (
        "/tab-after-dash",
        "go-yaml refuses a tab after a block sequence's `-` (`-\\t--x`); YAML allows it as \
         separation, and so does saphyr",
    ),
    // imgsift reads more than kubectl.
    (
        "stream/two-end-only/",
        "a document after `...` without `---` (YAML allows it): kustomize's reader silently \
         drops it, imgsift reads it (never fewer images)",
    ),
    // kubectl's output misprints what go-yaml parsed: kustomize's own dump of the parsed
    // object (`map[string]interface {}{…}` in its errors) holds imgsift's value.
    (
        "value=folded-more",
        "go-yaml's emitter prints `one\\n  more\\ntwo\\n` as a literal block with an extra \
         blank line",
    ),
    (
        "value=folded-keep",
        "go-yaml's emitter prints `one\\n\\n` as a `|+` block with an extra blank line",
    ),
];

/// One generated document stream.
struct Case {
    id: String,
    text: String,
}

// ---------------------------------------------------------------------------------------------
// The grammar of variations.

fn pad(n: usize) -> String {
    " ".repeat(n)
}

/// How the `args` of a container are written.
#[derive(Clone, Copy)]
enum Args {
    Block,
    Inline {
        trailing: bool,
    },
    Multi {
        content: Col,
        close: Col,
        trailing: bool,
        comments: bool,
    },
}

/// A column relative to the key holding a flow collection.
#[derive(Clone, Copy)]
enum Col {
    Zero,
    Less,
    Key,
    More,
    Content,
}

impl Col {
    fn name(self) -> &'static str {
        match self {
            Col::Zero => "zero",
            Col::Less => "less",
            Col::Key => "key",
            Col::More => "more",
            Col::Content => "content",
        }
    }

    fn at(self, key: usize, content: usize) -> usize {
        match self {
            Col::Zero => 0,
            Col::Less => key.saturating_sub(1),
            Col::Key => key,
            Col::More => key + 1,
            Col::Content => content,
        }
    }
}

fn quote(style: usize, text: &str) -> String {
    match style % 3 {
        0 => text.to_owned(),
        1 => format!("'{text}'"),
        _ => format!("\"{text}\""),
    }
}

/// `args` written in a style, the key at column `key`, block items at `item`.
fn args_text(args: Args, key: usize, w: usize, item: usize, style: usize) -> String {
    let values = [
        "--queue-image=reg.io/q/queue:1.0",
        "--helper-image",
        "reg.io/h:2",
    ];
    match args {
        Args::Block => {
            let mut out = "args:\n".to_owned();
            for v in values {
                out += &format!("{}- {}\n", pad(item), quote(style, v));
            }
            out
        }
        Args::Inline { trailing } => {
            let items: Vec<String> = values.iter().map(|v| quote(style, v)).collect();
            format!(
                "args: [{}{}]\n",
                items.join(", "),
                if trailing { "," } else { "" }
            )
        }
        Args::Multi {
            content,
            close,
            trailing,
            comments,
        } => {
            let c = content.at(key, key + w);
            let mut out = "args: [\n".to_owned();
            if comments {
                out += &format!("{}# built elsewhere, then replaced\n", pad(c));
            }
            out += &format!("{}{},\n", pad(c), quote(style, values[0]));
            if comments {
                out += "\n";
                out += &format!("{}# the helper:\n", pad(c));
            }
            out += &format!(
                "{}{}, {}{}",
                pad(c),
                quote(style, values[1]),
                quote(style, values[2]),
                if trailing { "," } else { "" }
            );
            if comments {
                out += " # last";
            }
            out += "\n";
            out += &format!("{}]\n", pad(close.at(key, c)));
            out
        }
    }
}

fn args_variants() -> Vec<(String, Args)> {
    let mut out = vec![
        ("block".to_owned(), Args::Block),
        ("inline".to_owned(), Args::Inline { trailing: false }),
        (
            "inline-trailing".to_owned(),
            Args::Inline { trailing: true },
        ),
    ];
    for content in [Col::Content, Col::Key, Col::Zero, Col::More] {
        for close in [Col::Zero, Col::Less, Col::Key, Col::More, Col::Content] {
            for trailing in [false, true] {
                for comments in [false, true] {
                    out.push((
                        format!(
                            "multi/content={}/close={}{}{}",
                            content.name(),
                            close.name(),
                            if trailing { "/trailing" } else { "" },
                            if comments { "/comments" } else { "" }
                        ),
                        Args::Multi {
                            content,
                            close,
                            trailing,
                            comments,
                        },
                    ));
                }
            }
        }
    }
    out
}

/// A Deployment; `w` spaces per level, sequences indented under their key or not.
fn deployment(name: &str, w: usize, seq_in: bool, args: Args, style: usize) -> String {
    let s = 3 * w + if seq_in { w } else { 0 };
    let k = s + 2;
    let item = k + if seq_in { w } else { 0 };
    let mut out = format!(
        "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n{}name: {name}\nspec:\n{}template:\n{}spec:\n{}containers:\n",
        pad(w),
        pad(w),
        pad(2 * w),
        pad(3 * w)
    );
    out += &format!("{}- name: app\n", pad(s));
    out += &format!("{}image: {}\n", pad(k), quote(style, "reg.io/team/app:1.2"));
    out += &pad(k);
    out += &args_text(args, k, w, item, style);
    out += &format!("{}env:\n", pad(k));
    out += &format!("{}- name: SIDECAR_IMAGE\n", pad(item));
    out += &format!(
        "{}value: {}\n",
        pad(item + 2),
        quote(style + 1, "reg.io/side/car:3")
    );
    out
}

fn deployments(cases: &mut Vec<Case>) {
    let variants = args_variants();
    let mut n = 0;
    for w in 1..=4 {
        for seq_in in [false, true] {
            for (label, args) in &variants {
                let id = format!(
                    "deploy/w{w}/{}/args={label}/q{}",
                    if seq_in { "seq-in" } else { "seq-flat" },
                    n % 3
                );
                let text = deployment("NAME", w, seq_in, *args, n);
                cases.push(Case { id, text });
                n += 1;
            }
        }
    }
}

/// Whole-stream transforms applied to some deployments: CRLF, a byte order mark, trailing
/// tabs and spaces, tabs before comments.
fn transformed(cases: &mut Vec<Case>) {
    let variants = args_variants();
    let mut extra = Vec::new();
    for (i, (label, args)) in variants.iter().enumerate().filter(|(i, _)| i % 3 == 0) {
        let w = 1 + i % 4;
        let base = deployment("NAME", w, i % 2 == 0, *args, i);
        let with = |f: &dyn Fn(&str) -> String| f(&base);
        for (t, text) in [
            ("crlf", with(&|s| s.replace('\n', "\r\n"))),
            ("bom", with(&|s| format!("\u{feff}{s}"))),
            (
                "bom-crlf",
                with(&|s| format!("\u{feff}{}", s.replace('\n', "\r\n"))),
            ),
            ("trailing-tab", with(&|s| s.replace('\n', "\t\n"))),
            ("trailing-space", with(&|s| s.replace('\n', "  \n"))),
            ("tab-comment", with(&|s| s.replace(" # ", "\t# "))),
        ] {
            extra.push(Case {
                id: format!("transform/{t}/w{w}/args={label}"),
                text,
            });
        }
    }
    cases.extend(extra);
}

/// Containers written in many block and flow shapes: `{s}` the `-` column of a container,
/// `{k}` its keys' column, `{i}` the `-` column of a list under one of its keys, `{c}` a
/// column further in, `{l}` one column left of the keys.
const CONTAINERS: &[(&str, &str)] = &[
    (
        "comment-col0",
        "{s}- name: a\n# at column 0\n{k}image: reg.io/c/a:1\n",
    ),
    (
        "comment-left",
        "{s}- name: a\n{l}# left of the keys\n{k}image: reg.io/c/a:1\n",
    ),
    (
        "comment-after-key",
        "{s}- name: a\n{k}image: # the image\n{c}reg.io/c/a:1\n",
    ),
    (
        "comment-after-value",
        "{s}- name: a # name\n{k}image: reg.io/c/a:1 # pinned\n",
    ),
    (
        "comment-no-space",
        "{s}- name: a\n{k}image: reg.io/c/a:1#not-a-comment\n",
    ),
    (
        "comment-between-items",
        "{s}- name: a\n{k}image: reg.io/c/a:1\n  # between\n{s}- name: b\n{k}image: reg.io/c/b:2\n",
    ),
    (
        "value-next-line",
        "{s}- name: a\n{k}image:\n{c}reg.io/c/a:1\n",
    ),
    (
        "value-next-line-at-key",
        "{s}- name: a\n{k}image:\n{k}reg.io/c/a:1\n",
    ),
    (
        "dash-extra-spaces",
        "{s}-   name: a\n{s}    image: reg.io/c/a:1\n",
    ),
    ("dash-alone", "{s}-\n{k}name: a\n{k}image: reg.io/c/a:1\n"),
    (
        "dash-alone-at-dash",
        "{s}-\n{s}name: a\n{s}image: reg.io/c/a:1\n",
    ),
    (
        "explicit-key",
        "{s}- name: a\n{k}? image\n{k}: reg.io/c/a:1\n",
    ),
    (
        "explicit-key-flow",
        "{s}- {? image : reg.io/c/a:1, name: a}\n",
    ),
    (
        "quoted-keys",
        "{s}- \"name\": a\n{k}'image': \"reg.io/c/a:1\"\n",
    ),
    (
        "space-before-colon",
        "{s}- name : a\n{k}image   :   reg.io/c/a:1\n",
    ),
    ("flow-item", "{s}- {name: a, image: reg.io/c/a:1}\n"),
    (
        "flow-item-multi",
        "{s}- {name: a,\n{k}image: reg.io/c/a:1}\n",
    ),
    (
        "flow-item-multi-left",
        "{s}- {name: a,\n{l}image: reg.io/c/a:1\n{s}}\n",
    ),
    (
        "flow-item-multi-zero",
        "{s}- {name: a,\nimage: reg.io/c/a:1\n}\n",
    ),
    (
        "flow-item-json",
        "{s}- {\"name\":\"a\",\"image\":\"reg.io/c/a:1\"}\n",
    ),
    (
        "flow-item-comment",
        "{s}- {name: a, # name\n{c}image: reg.io/c/a:1 # image\n{k}}\n",
    ),
    (
        "env-flow",
        "{s}- name: a\n{k}image: reg.io/c/a:1\n{k}env: [{name: B_IMAGE, value: reg.io/c/b:2}]\n",
    ),
    (
        "env-flow-multi-key",
        "{s}- name: a\n{k}image: reg.io/c/a:1\n{k}env: [\n{c}{name: B_IMAGE,\n{c} value: reg.io/c/b:2},\n{k}]\n",
    ),
    (
        "env-flow-multi-zero",
        "{s}- name: a\n{k}image: reg.io/c/a:1\n{k}env: [\n{name: B_IMAGE, value: reg.io/c/b:2}\n]\n",
    ),
    (
        "env-flow-map-multi",
        "{s}- name: a\n{k}image: reg.io/c/a:1\n{k}env:\n{i}- {\n{i}name: B_IMAGE,\n{i}value: reg.io/c/b:2\n{i}}\n",
    ),
    (
        "env-block",
        "{s}- name: a\n{k}image: reg.io/c/a:1\n{k}env:\n{i}- name: B_IMAGE\n{i}  value: reg.io/c/b:2\n",
    ),
    (
        "env-empty-flow",
        "{s}- name: a\n{k}image: reg.io/c/a:1\n{k}env: []\n{k}ports: {}\n",
    ),
    (
        "env-null",
        "{s}- name: a\n{k}image: reg.io/c/a:1\n{k}env:\n{k}args: ~\n",
    ),
    (
        "args-plain-multi-flow",
        "{s}- name: a\n{k}image: reg.io/c/a:1\n{k}args: [--x-image=reg.io/c/x:1,\n{c}--y]\n",
    ),
    (
        "args-plain-continued-flow",
        "{s}- name: a\n{k}image: reg.io/c/a:1\n{k}args: [--note=one\n{c}two, --x]\n",
    ),
    (
        "args-plain-continued-zero",
        "{s}- name: a\n{k}image: reg.io/c/a:1\n{k}args: [--note=one\ntwo, --x]\n",
    ),
    (
        "args-quoted-continued",
        "{s}- name: a\n{k}image: reg.io/c/a:1\n{k}args: [\"--note=one\n{c}two\", --x]\n",
    ),
    (
        "args-nested-seq",
        "{s}- name: a\n{k}image: reg.io/c/a:1\n{k}args:\n{i}- - --x\n{i}  - --y\n",
    ),
    (
        "command-literal",
        "{s}- name: a\n{k}image: reg.io/c/a:1\n{k}command:\n{i}- sh\n{i}- -c\n{i}- |\n{i}  echo one\n{i}  echo two\n",
    ),
    (
        "command-folded-strip",
        "{s}- name: a\n{k}image: reg.io/c/a:1\n{k}command: [sh, -c, \"echo\"]\n{k}args:\n{i}- >-\n{i}  one\n{i}  two\n",
    ),
    (
        "ports-compact",
        "{s}- name: a\n{k}image: reg.io/c/a:1\n{k}ports:\n{i}- containerPort: 80\n{i}  protocol: TCP\n{i}- {containerPort: 81}\n",
    ),
    (
        "image-single-quoted-escape",
        "{s}- name: a\n{k}image: 'reg.io/c/a:1'\n{k}args: ['it''s', '--x']\n",
    ),
    (
        "image-double-escape",
        "{s}- name: a\n{k}image: \"reg.io/c/\\x61:1\"\n",
    ),
    (
        "image-tag-str",
        "{s}- name: a\n{k}image: !!str reg.io/c/a:1\n",
    ),
    (
        "image-anchor-alias",
        "{s}- name: a\n{k}image: &i reg.io/c/a:1\n{s}- name: b\n{k}image: *i\n",
    ),
    (
        "image-literal",
        "{s}- name: a\n{k}image: |-\n{c}reg.io/c/a:1\n",
    ),
    (
        "image-folded",
        "{s}- name: a\n{k}image: >-\n{c}reg.io/c/a:1\n",
    ),
    (
        "image-plain-continued",
        "{s}- name: a\n{k}image: reg.io/c/a:1\n{c}more\n",
    ),
    (
        "image-tab-after",
        "{s}- name: a\n{k}image: reg.io/c/a:1\t\n",
    ),
    (
        "image-tab-before-value",
        "{s}- name: a\n{k}image:\treg.io/c/a:1\n",
    ),
    ("tab-indent", "{s}- name: a\n\timage: reg.io/c/a:1\n"),
    (
        "tab-after-colon-flow",
        "{s}- name: a\n{k}image:\treg.io/c/a:1\n{k}args:\t[--x, -y]\n",
    ),
    (
        "tab-after-colon-dash-plain",
        "{s}- name: a\n{k}image: reg.io/c/a:1\n{k}workingDir:\t-dir\n",
    ),
    (
        "tab-after-colon-tabs",
        "{s}- name: a\n{k}image:\t\t\"reg.io/c/a:1\"\n",
    ),
    (
        "tab-after-colon-entry",
        "{s}- name: a\n{k}image: reg.io/c/a:1\n{k}args:\t- --x\n",
    ),
    (
        "tab-after-dash",
        "{s}- name: a\n{k}image: reg.io/c/a:1\n{k}args:\n{i}-\t--x\n",
    ),
    (
        "wrong-indent-more",
        "{s}- name: a\n{c}image: reg.io/c/a:1\n",
    ),
    (
        "wrong-indent-less",
        "{s}- name: a\n{l}image: reg.io/c/a:1\n",
    ),
    (
        "unclosed-flow",
        "{s}- name: a\n{k}image: reg.io/c/a:1\n{k}args: [--x\n",
    ),
    ("unclosed-quote", "{s}- name: a\n{k}image: \"reg.io/c/a:1\n"),
];

fn containers(cases: &mut Vec<Case>) {
    for w in 1..=4 {
        for seq_in in [false, true] {
            for (label, shape) in CONTAINERS {
                let s = w + if seq_in { w } else { 0 };
                let k = s + 2;
                let i = k + if seq_in { w } else { 0 };
                let body = shape
                    .replace("{s}", &pad(s))
                    .replace("{k}", &pad(k))
                    .replace("{i}", &pad(i))
                    .replace("{c}", &pad(k + w))
                    .replace("{l}", &pad(k - 1));
                let text = format!(
                    "apiVersion: v1\nkind: Pod\nmetadata:\n{}name: NAME\nspec:\n{}containers:\n{body}",
                    pad(w),
                    pad(w)
                );
                cases.push(Case {
                    id: format!(
                        "containers/w{w}/{}/{label}",
                        if seq_in { "seq-in" } else { "seq-flat" }
                    ),
                    text,
                });
            }
        }
    }
}

/// Values for a ConfigMap key: `{i}` is the continuation indentation (more than the key),
/// `{k}` the key's own column, `{l}` less than the key's column.
const SCALARS: &[(&str, &str)] = &[
    ("plain", "reg.io/a/b:1"),
    ("single", "'it''s reg.io/a:1'"),
    (
        "double-escapes",
        r#""tab\tquote\" back\\ \u00e9 \x41 nl\nend""#,
    ),
    ("double-slash", r#""a\/b""#),
    ("double-line-escape", "\"one \\\n{i}two\""),
    ("plain-multi", "first\n{i}second"),
    ("plain-multi-at-key", "first\n{k}second"),
    ("plain-multi-blank", "first\n\n{i}second"),
    ("single-multi", "'first\n{i}second'"),
    ("single-multi-at-key", "'first\n{k}second'"),
    ("single-multi-less", "'first\n{l}second'"),
    ("double-multi", "\"first\n{i}second\""),
    ("double-multi-at-key", "\"first\n{k}second\""),
    ("double-multi-zero", "\"first\nsecond\""),
    ("double-multi-blank", "\"first\n\n{i}second\""),
    ("literal", "|\n{i}line one\n{i}line two"),
    ("literal-strip", "|-\n{i}line one\n{i}line two"),
    ("literal-keep", "|+\n{i}line one\n\n"),
    ("literal-more", "|\n{i}a\n{i}  b\n{i}c"),
    ("literal-indicator", "|2\n{i}  a\n{i}   b"),
    ("literal-indicator-strip", "|2-\n{i}  a"),
    ("literal-leading-blank", "|\n\n{i}a"),
    ("literal-comment", "| # why\n{i}a # kept"),
    ("literal-less", "|\n{i}  a\n{i}b"),
    ("folded", ">\n{i}one\n{i}two\n\n{i}three"),
    ("folded-strip", ">-\n{i}one\n{i}two"),
    ("folded-keep", ">+\n{i}one\n"),
    ("folded-more", ">\n{i}one\n{i}  more\n{i}two"),
    ("literal-at-key", "|\n{k}a"),
    ("tag-str", "!!str 123"),
    ("tag-str-empty", "!!str"),
    ("tag-int", "!!int \"42\""),
    ("local-tag", "!thing reg.io/t:1"),
    ("null-tilde", "~"),
    ("null-word", "null"),
    ("empty", ""),
    ("bool-yes", "yes"),
    ("bool-true", "true"),
    ("hex", "0x1F"),
    ("octal-11", "012"),
    ("float", "1.10"),
    ("exp", "1e3"),
    ("inf", ".inf"),
    ("hash-in-plain", "a#b"),
    ("hash-in-quotes", "\"a # b\""),
    ("colon-in-plain", "a:b"),
    ("url", "http://reg.io/x"),
    ("flow-empty-seq", "[]"),
    ("flow-empty-map", "{}"),
    ("flow-nested", "{a: [1, {b: c}], 'd': \"e\"}"),
    ("flow-implicit-pair", "[a: b, c]"),
    ("flow-map-no-value", "{a, b: c}"),
    ("flow-multi-map", "{\n{i}a: b,\n{i}c: d\n{k}}"),
    ("flow-multi-map-zero", "{\na: b,\nc: d\n}"),
    ("flow-multi-comment", "[ # open\n{i}a, # one\n{i}b\n{l}]"),
    ("flow-empty-entry", "[a, , b]"),
    ("flow-double-comma", "{a: b,, c: d}"),
    ("flow-unclosed", "[a, b"),
    ("anchor", "&x reg.io/anchored:1"),
    ("anchor-flow", "&x [a, b]"),
    ("alias-undefined", "*nowhere"),
    ("unicode", "héllo wörld ☃"),
    ("backtick", "`tick`"),
    ("at-sign", "@at"),
    ("percent", "%p"),
    ("dash-plain", "-dash"),
    ("question-plain", "?q"),
    ("tab-inside", "a\tb"),
    ("bad-escape", r#""\q""#),
    ("unterminated", "\"open"),
];

/// Keys with odd characters; `V` is replaced by the value.
const KEYS: &[(&str, &str)] = &[
    ("plain", "key"),
    ("dotted", "a.b/c-d_e"),
    ("quoted-space", "\"a b\""),
    ("single-colon", "'k:1'"),
    ("explicit", "? explicit"),
    ("numeric", "\"123\""),
];

fn configmap(name: &str, w: usize, key: &str, value: &str, suffix: &str) -> String {
    let i = pad(2 * w);
    let k = pad(w);
    let l = pad(w.saturating_sub(1));
    let value = value
        .replace("{i}", &i)
        .replace("{k}", &k)
        .replace("{l}", &l);
    let entry = if let Some(explicit) = key.strip_prefix("? ") {
        format!(
            "{k}? {explicit}\n{k}:{}{value}{suffix}\n",
            if value.is_empty() { "" } else { " " }
        )
    } else if value.is_empty() {
        format!("{k}{key}:{suffix}\n")
    } else {
        format!("{k}{key}: {value}{suffix}\n")
    };
    format!(
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n{k}name: {name}\ndata:\n{entry}{k}last: end\n"
    )
}

fn configmaps(cases: &mut Vec<Case>) {
    for w in [1, 2, 4] {
        for (label, value) in SCALARS {
            let one_line = !value.contains('\n');
            let suffixes: &[(&str, &str)] = if one_line {
                &[
                    ("", ""),
                    ("comment", " # after"),
                    ("tab", "\t"),
                    ("tab-comment", "\t# after"),
                ]
            } else {
                &[("", "")]
            };
            for (s, suffix) in suffixes {
                let id = format!(
                    "configmap/w{w}/value={label}{}{s}",
                    if s.is_empty() { "" } else { "/" }
                );
                cases.push(Case {
                    id,
                    text: configmap("NAME", w, "key", value, suffix),
                });
            }
        }
        for (label, key) in KEYS {
            for value in ["reg.io/k:1", "", "[a, b]"] {
                let id = format!("configmap/w{w}/key={label}/value={value}");
                cases.push(Case {
                    id,
                    text: configmap("NAME", w, key, value, ""),
                });
            }
        }
    }
}

/// Anchors, aliases and merge keys in a pod spec.
fn anchors(cases: &mut Vec<Case>) {
    // `{s}` the container items' column, `{k}` their keys'.
    let shapes: &[(&str, &str)] = &[
        ("merge-map", "{s}- <<: *base\n{k}name: one\n"),
        (
            "merge-override",
            "{s}- <<: *base\n{k}image: reg.io/override:2\n",
        ),
        ("merge-list", "{s}- <<: [*base, *extra]\n{k}name: both\n"),
        (
            "merge-inline",
            "{s}- <<: {image: reg.io/inline:4, name: inl}\n",
        ),
        ("alias-item", "{s}- *whole\n"),
        ("alias-scalar", "{s}- name: scal\n{k}image: *img\n"),
        (
            "anchor-in-place",
            "{s}- &here\n{k}name: here\n{k}image: reg.io/here:5\n{s}- *here\n",
        ),
        (
            "anchor-flow",
            "{s}- &fl {name: fl, image: reg.io/fl:6}\n{s}- <<: *fl\n{k}name: fl2\n",
        ),
        ("merge-then-key-first", "{s}- name: first\n{k}<<: *base\n"),
        (
            "alias-as-key",
            "{s}- name: k\n{k}*img : value\n{k}image: reg.io/k:7\n",
        ),
        ("merge-nested", "{s}- <<: *nested\n"),
        (
            "alias-env",
            "{s}- name: e\n{k}image: reg.io/e:8\n{k}env: *envs\n",
        ),
    ];
    for w in [2, 4] {
        for seq_in in [false, true] {
            for (label, shape) in shapes {
                let s = w + if seq_in { w } else { 0 };
                let body = shape.replace("{s}", &pad(s)).replace("{k}", &pad(s + 2));
                let text = format!(
                    "apiVersion: v1\nkind: Pod\nmetadata:\n{w1}name: NAME\nx-anchors:\n{w2}base: &base {{name: base, image: 'reg.io/base:1'}}\n{w2}extra: &extra {{image: reg.io/extra:2, pull: x}}\n{w2}nested: &nested {{<<: *base, name: nest}}\n{w2}img: &img reg.io/aliased:3\n{w2}whole: &whole\n{w3}name: whole\n{w3}image: reg.io/whole:9\n{w2}envs: &envs\n{w3}- name: SIDE_IMAGE\n{w3}  value: reg.io/env:10\nspec:\n{w1}containers:\n{body}",
                    w1 = pad(w),
                    w2 = pad(2 * w),
                    w3 = pad(3 * w),
                );
                cases.push(Case {
                    id: format!(
                        "anchors/w{w}/{}/{label}",
                        if seq_in { "seq-in" } else { "seq-flat" }
                    ),
                    text,
                });
            }
        }
    }
}

/// Streams of documents: markers, directives, comments, empty documents.
fn streams(cases: &mut Vec<Case>) {
    let d = |n: &str| {
        format!(
            "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {n}\ndata:\n  image: reg.io/{n}:1\n"
        )
    };
    let (a, b) = (d("NAME-1"), d("NAME-2"));
    let flow = "{apiVersion: v1, kind: ConfigMap, metadata: {name: NAME-1}, data: {a: b}}\n";
    let indented: String = a.lines().map(|l| format!("  {l}\n")).collect();
    let shapes: Vec<(&str, String)> = vec![
        ("one", a.clone()),
        ("start", format!("---\n{a}")),
        ("start-comment", format!("--- # why\n{a}")),
        ("end", format!("{a}...\n")),
        ("end-comment", format!("{a}... # done\n")),
        ("two", format!("{a}---\n{b}")),
        ("two-end-start", format!("{a}...\n---\n{b}")),
        ("two-end-only", format!("{a}...\n{b}")),
        (
            "comment-docs",
            format!("# head\n---\n{a}---\n# only a comment\n---\n{b}"),
        ),
        ("empty-docs", format!("---\n---\n{a}---\n---\n")),
        ("yaml-1.1", format!("%YAML 1.1\n---\n{a}")),
        ("yaml-1.2", format!("%YAML 1.2\n---\n{a}")),
        (
            "tag-directive",
            format!("%TAG !e! tag:example.com,2000:\n---\n{a}"),
        ),
        ("marker-space", format!("{a}--- \n{b}")),
        ("marker-tab", format!("{a}---\t\n{b}")),
        ("flow-on-marker", format!("--- {flow}")),
        ("flow-doc", flow.to_owned()),
        ("indented-doc", indented.clone()),
        ("indented-after-marker", format!("---\n{indented}")),
        ("end-then-comment", format!("{a}...\n# trailing\n")),
        ("tag-map", format!("--- !!map\n{a}")),
        ("no-newline", a.trim_end().to_owned()),
        ("blank-lines", format!("\n\n{a}\n\n---\n\n{b}\n\n")),
        ("dashes-in-value", format!("{a}  note: ---\n")),
        (
            "dots-in-block",
            format!("{a}  text: |\n    ...not an end\n"),
        ),
        ("marker-in-block", format!("{a}  text: |\n    ---\n")),
        ("marker-col0-in-block", format!("{a}  text: |\n---\n{b}")),
        ("directive-no-marker", format!("%YAML 1.1\n{a}")),
        (
            "two-yaml-directives",
            format!("%YAML 1.1\n%YAML 1.1\n---\n{a}"),
        ),
    ];
    for (label, text) in shapes {
        for (le, crlf) in [("lf", false), ("crlf", true)] {
            for (bom_label, bom) in [("", false), ("/bom", true)] {
                let mut text = text.clone();
                if crlf {
                    text = text.replace('\n', "\r\n");
                }
                if bom {
                    text.insert(0, '\u{feff}');
                }
                cases.push(Case {
                    id: format!("stream/{label}/{le}{bom_label}"),
                    text,
                });
            }
        }
    }
}

/// Flow mappings and JSON for whole objects.
fn flows(cases: &mut Vec<Case>) {
    let shapes: &[(&str, &str)] = &[
        (
            "metadata-inline",
            "metadata: {name: NAME, labels: {app: x}}\n",
        ),
        (
            "metadata-multi-key",
            "metadata: {\n  name: NAME,\n  labels: {app: x}\n}\n",
        ),
        (
            "metadata-multi-zero",
            "metadata: {\nname: NAME,\nlabels: {app: x}\n}\n",
        ),
        (
            "metadata-multi-trailing",
            "metadata: {\n    name: NAME,\n  }\n",
        ),
        (
            "metadata-multi-comment",
            "metadata: { # m\n  name: NAME, # n\n  # c\n}\n",
        ),
        (
            "metadata-quoted-keys",
            "metadata: {\"name\": \"NAME\", 'labels': {'a': 'b'}}\n",
        ),
        ("metadata-adjacent-value", "metadata: {\"name\":NAME}\n"),
        ("metadata-json-multi", "metadata: {\"name\":\n\"NAME\"}\n"),
        (
            "metadata-plain-multi",
            "metadata: {name: NAME, note: a\nb}\n",
        ),
        (
            "metadata-plain-multi-indented",
            "metadata: {name: NAME, note: a\n   b}\n",
        ),
    ];
    let spec_flow: &[(&str, &str)] = &[
        (
            "containers-one-line",
            "spec: {containers: [{name: c, image: reg.io/f:1}]}\n",
        ),
        (
            "containers-multi",
            "spec: {containers: [\n  {name: c,\n   image: reg.io/f:1},\n  {name: d, image: \"reg.io/g:2\"}\n]}\n",
        ),
        (
            "containers-multi-zero",
            "spec: {containers: [\n{name: c,\nimage: reg.io/f:1}\n]}\n",
        ),
        (
            "containers-block-in-flow-key",
            "spec:\n  containers: [\n  {name: c, image: reg.io/f:1}\n  ]\n",
        ),
        (
            "containers-seq-of-flow",
            "spec:\n  containers:\n  - {name: c,\n    image: reg.io/f:1\n    }\n",
        ),
        (
            "containers-seq-of-flow-close-dash",
            "spec:\n  containers:\n  - {name: c,\n  image: reg.io/f:1\n  }\n",
        ),
        (
            "containers-seq-of-flow-close-zero",
            "spec:\n  containers:\n  - {name: c,\nimage: reg.io/f:1\n}\n",
        ),
    ];
    for (m, meta) in shapes {
        for (s, spec) in spec_flow {
            cases.push(Case {
                id: format!("flow/{m}/{s}"),
                text: format!("apiVersion: v1\nkind: Pod\n{meta}{spec}"),
            });
        }
    }
    let json_docs: &[(&str, &str)] = &[
        (
            "compact",
            r#"{"apiVersion":"v1","kind":"Pod","metadata":{"name":"NAME"},"spec":{"containers":[{"name":"c","image":"reg.io/j:1"}]}}"#,
        ),
        (
            "pretty",
            "{\n  \"apiVersion\": \"v1\",\n  \"kind\": \"Pod\",\n  \"metadata\": {\n    \"name\": \"NAME\"\n  },\n  \"spec\": {\n    \"containers\": [\n      {\n        \"name\": \"c\",\n        \"image\": \"reg.io/j:1\"\n      }\n    ]\n  }\n}\n",
        ),
        (
            "pretty-tabs",
            "{\n\t\"apiVersion\": \"v1\",\n\t\"kind\": \"Pod\",\n\t\"metadata\": {\"name\": \"NAME\"},\n\t\"spec\": {\"containers\": [\n\t\t{\"name\": \"c\", \"image\": \"reg.io/j:1\"}\n\t]}\n}\n",
        ),
        (
            "trailing-commas",
            "{\"apiVersion\": \"v1\", \"kind\": \"Pod\", \"metadata\": {\"name\": \"NAME\",}, \"spec\": {\"containers\": [{\"name\": \"c\", \"image\": \"reg.io/j:1\"},]},}\n",
        ),
        (
            "comments",
            "{ # a comment\n\"apiVersion\": \"v1\", \"kind\": \"Pod\", # kind\n\"metadata\": {\"name\": \"NAME\"},\n\"spec\": {\"containers\": [{\"name\": \"c\", \"image\": \"reg.io/j:1\"}]}}\n",
        ),
        (
            "unicode-escape",
            r#"{"apiVersion":"v1","kind":"Pod","metadata":{"name":"NAME","annotations":{"a":"\u00e9\ud83d\ude00"}},"spec":{"containers":[{"name":"c","image":"reg.io/j:1"}]}}"#,
        ),
    ];
    for (label, text) in json_docs {
        cases.push(Case {
            id: format!("json/{label}"),
            text: (*text).to_owned(),
        });
    }
}

/// Every case, names made unique (`NAME` → the case's own name, for kustomize's resource IDs).
fn generate() -> Vec<Case> {
    let mut cases = Vec::new();
    deployments(&mut cases);
    containers(&mut cases);
    transformed(&mut cases);
    configmaps(&mut cases);
    anchors(&mut cases);
    streams(&mut cases);
    flows(&mut cases);
    for (i, case) in cases.iter_mut().enumerate() {
        case.text = case.text.replace("NAME", &format!("c{i:04}"));
    }
    let ids: BTreeSet<&str> = cases.iter().map(|c| c.id.as_str()).collect();
    assert_eq!(ids.len(), cases.len(), "case ids are unique");
    cases
}

// ---------------------------------------------------------------------------------------------
// Trees compared by their text.

/// A node as JSON: scalars as their text (null as null), mappings with merge keys applied and
/// keys sorted, aliases followed.
fn canon(doc: &Doc<'_>, id: NodeId, depth: usize) -> Json {
    if depth > 64 {
        return Json::String("<too deep>".to_owned());
    }
    let Some(node) = doc.node(id) else {
        return Json::Null;
    };
    match &node.value {
        // kustomize prints an implicit null in a flow mapping (`{a, b: c}`) as `""`; neither is
        // ever an image.
        Value::Scalar(s) if s.kind == ScalarKind::Null || s.text.is_empty() => Json::Null,
        // kustomize reprints numbers from their value (`1.10` as `1.1`, `0x1F` as `31`), so
        // numbers compare by value; imgsift keeps the text, as the contract says.
        Value::Scalar(s) if s.kind == ScalarKind::Number => {
            Json::String(number(&s.text).unwrap_or_else(|| s.text.to_string()))
        }
        Value::Scalar(s) => Json::String(s.text.to_string()),
        Value::Seq(items) => Json::Array(items.iter().map(|&i| canon(doc, i, depth + 1)).collect()),
        Value::Map(_) => {
            let sorted: BTreeMap<String, Json> = doc
                .entries(id)
                .into_iter()
                .map(|(k, _, v)| (k.to_owned(), canon(doc, v, depth + 1)))
                .collect();
            Json::Object(sorted.into_iter().collect())
        }
        Value::Alias(_) => Json::Null,
    }
}

/// A number's value as kustomize prints it: integers (hex, octal, YAML 1.1's leading-zero
/// octal) in decimal, floats in their shortest form.
fn number(text: &str) -> Option<String> {
    let (negative, body) = match text.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, text.strip_prefix('+').unwrap_or(text)),
    };
    let sign = if negative { "-" } else { "" };
    let int = if let Some(hex) = body.strip_prefix("0x") {
        i64::from_str_radix(hex, 16).ok()
    } else if let Some(oct) = body.strip_prefix("0o") {
        i64::from_str_radix(oct, 8).ok()
    } else if body.len() > 1 && body.starts_with('0') && body.bytes().all(|b| b.is_ascii_digit()) {
        i64::from_str_radix(body, 8).ok()
    } else if body.bytes().all(|b| b.is_ascii_digit()) {
        body.parse().ok()
    } else {
        None
    };
    if let Some(int) = int {
        return Some(format!("{sign}{int}"));
    }
    let float: f64 = body.parse().ok()?;
    if float.fract() == 0.0 && float.abs() < 1e15 {
        return Some(format!("{sign}{}", float as i64));
    }
    Some(format!("{sign}{float}"))
}

/// imgsift's reading of a stream: its documents with content, or the first error.
fn load(text: &[u8]) -> Result<Vec<Json>, String> {
    let mut docs = Vec::new();
    let file: Arc<str> = Arc::from("case.yaml");
    let diagnostics = each_document(text, &file, &Limits::default(), &mut |_, doc| {
        if let Some(root) = doc.root() {
            if !doc.is_null(root) {
                docs.push(canon(doc, root, 0));
            }
        }
    });
    match diagnostics.first() {
        Some(d) => Err(format!("{}:{}: {}", d.line, d.column, d.message)),
        None => Ok(docs),
    }
}

// ---------------------------------------------------------------------------------------------
// The oracle.

#[derive(Debug, Clone, PartialEq)]
struct Verdict {
    accepted: bool,
    /// The documents kubectl printed for the case, in the case's order.
    tree: Vec<Json>,
    /// kubectl's error, for a refused case.
    error: String,
}

fn kubectl_present() -> bool {
    Command::new("kubectl")
        .args(["version", "--client"])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success())
}

fn file_name(i: usize) -> String {
    format!("case-{i:04}.yaml")
}

/// `kubectl kustomize` over the cases `indices` (written in `dir`): their printed documents
/// by case, or kubectl's error.
fn kustomize(dir: &Path, indices: &[usize]) -> Result<String, String> {
    let build = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let mut kustomization = "resources:\n".to_owned();
    for &i in indices {
        let name = file_name(i);
        std::fs::copy(dir.join(&name), build.path().join(&name)).unwrap_or_else(|e| panic!("{e}"));
        kustomization += &format!("- {name}\n");
    }
    std::fs::write(build.path().join("kustomization.yaml"), kustomization)
        .unwrap_or_else(|e| panic!("{e}"));
    let out = Command::new("kubectl")
        .arg("kustomize")
        .arg(build.path())
        .stdin(Stdio::null())
        .output()
        .unwrap_or_else(|e| panic!("run kubectl: {e}"));
    if out.status.success() {
        Ok(String::from_utf8_lossy(&out.stdout).into_owned())
    } else {
        Err(String::from_utf8_lossy(&out.stderr).into_owned())
    }
}

/// The case a kubectl error names (`… from 'case-0042.yaml': …`).
fn named_case(error: &str) -> Option<usize> {
    let at = error.find("case-")?;
    let digits: String = error[at + 5..]
        .chars()
        .take_while(char::is_ascii_digit)
        .collect();
    digits.parse().ok()
}

/// The short reason in a kubectl error (the YAML parser's sentence).
fn reason(error: &str) -> String {
    let text = error.trim();
    let text = text.rsplit("err=\"").next().unwrap_or(text);
    let text = text.split(" in File: ").next().unwrap_or(text);
    let text = text.rsplit("': ").next().unwrap_or(text);
    text.trim_end_matches('"').to_owned()
}

/// Verdicts for `indices`: built together, a refused case removed and the rest built again;
/// an error naming no case is split in halves.
fn oracle_into(dir: &Path, mut indices: Vec<usize>, out: &mut BTreeMap<usize, Verdict>) {
    while !indices.is_empty() {
        match kustomize(dir, &indices) {
            Ok(printed) => {
                let mut by_case: BTreeMap<usize, BTreeMap<usize, Json>> = BTreeMap::new();
                let file: Arc<str> = Arc::from("kubectl-output.yaml");
                let diagnostics = each_document(
                    printed.as_bytes(),
                    &file,
                    &Limits::default(),
                    &mut |_, doc| {
                        let Some(root) = doc.root() else { return };
                        let tree = canon(doc, root, 0);
                        let name = tree["metadata"]["name"].as_str().unwrap_or("").to_owned();
                        let (case, part) =
                            match name.strip_prefix('c').and_then(|n| n.split_once('-')) {
                                Some((c, p)) => {
                                    (c.parse().unwrap_or(usize::MAX), p.parse().unwrap_or(0))
                                }
                                None => (
                                    name.trim_start_matches('c').parse().unwrap_or(usize::MAX),
                                    0,
                                ),
                            };
                        by_case.entry(case).or_default().insert(part, tree);
                    },
                );
                assert!(
                    diagnostics.is_empty(),
                    "imgsift reads kubectl's output: {diagnostics:?}"
                );
                for i in indices {
                    let tree = by_case
                        .remove(&i)
                        .map(|m| m.into_values().collect())
                        .unwrap_or_default();
                    out.insert(
                        i,
                        Verdict {
                            accepted: true,
                            tree,
                            error: String::new(),
                        },
                    );
                }
                return;
            }
            Err(error) => {
                let refused = named_case(&error).filter(|i| indices.contains(i));
                let refused = match refused {
                    Some(i) => i,
                    None if indices.len() == 1 => indices[0],
                    None => {
                        let rest = indices.split_off(indices.len() / 2);
                        oracle_into(dir, indices, out);
                        oracle_into(dir, rest, out);
                        return;
                    }
                };
                out.insert(
                    refused,
                    Verdict {
                        accepted: false,
                        tree: Vec::new(),
                        error: reason(&error),
                    },
                );
                indices.retain(|&i| i != refused);
            }
        }
    }
}

fn oracle(cases: &[Case]) -> Vec<Verdict> {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    for (i, case) in cases.iter().enumerate() {
        std::fs::write(dir.path().join(file_name(i)), &case.text).unwrap_or_else(|e| panic!("{e}"));
    }
    let mut out = BTreeMap::new();
    let all: Vec<usize> = (0..cases.len()).collect();
    for chunk in all.chunks(100) {
        oracle_into(dir.path(), chunk.to_vec(), &mut out);
    }
    (0..cases.len())
        .map(|i| {
            out.remove(&i)
                .unwrap_or_else(|| panic!("no verdict for case {i}"))
        })
        .collect()
}

fn golden_line(case: &Case, verdict: &Verdict) -> String {
    let mut line = json!({"id": case.id, "accepted": verdict.accepted});
    if verdict.accepted {
        line["tree"] = Json::Array(verdict.tree.clone());
    } else {
        line["error"] = Json::String(verdict.error.clone());
    }
    line.to_string()
}

fn read_golden() -> BTreeMap<String, Verdict> {
    let text = std::fs::read_to_string(common::root().join(GOLDEN)).unwrap_or_else(|e| {
        panic!("{GOLDEN}: {e} (record it with IMGSIFT_UPDATE_YAML_ORACLE=1 and kubectl installed)")
    });
    text.lines()
        .map(|line| {
            let value: Json =
                serde_json::from_str(line).unwrap_or_else(|e| panic!("{GOLDEN}: {e}"));
            let id = value["id"].as_str().unwrap_or("").to_owned();
            let verdict = Verdict {
                accepted: value["accepted"].as_bool().unwrap_or(false),
                tree: value["tree"].as_array().cloned().unwrap_or_default(),
                error: value["error"].as_str().unwrap_or("").to_owned(),
            };
            (id, verdict)
        })
        .collect()
}

// ---------------------------------------------------------------------------------------------
// The comparison.

/// Images `imgsift scan` finds in each file of a folder, by file name.
fn images_by_file(dir: &Path) -> (BTreeMap<String, BTreeSet<String>>, BTreeSet<String>) {
    let run = imgsift(&["scan", "-o", "json", &dir.to_string_lossy()]);
    let json = run.json();
    let mut images: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for image in json["images"].as_array().into_iter().flatten() {
        let reference = image["ref"].as_str().unwrap_or("").to_owned();
        for source in image["sources"].as_array().into_iter().flatten() {
            let file = source["file"].as_str().unwrap_or("");
            let name = Path::new(file)
                .file_name()
                .map(|n| n.to_string_lossy().into_owned());
            images
                .entry(name.unwrap_or_default())
                .or_default()
                .insert(reference.clone());
        }
    }
    let mut unparsed = BTreeSet::new();
    for d in json["diagnostics"].as_array().into_iter().flatten() {
        let code = d["code"].as_str().unwrap_or("");
        if code.starts_with('D') && d["severity"] == "error" {
            let file = d["file"].as_str().unwrap_or("");
            if let Some(name) = Path::new(file).file_name() {
                unparsed.insert(name.to_string_lossy().into_owned());
            }
        }
    }
    (images, unparsed)
}

// The number of cases run is this test's report; the crate denies print_stderr elsewhere.
#[allow(clippy::print_stderr)]
#[test]
fn imgsift_loads_what_kubectl_loads_and_reads_the_same_tree() {
    let cases = generate();
    let update = std::env::var_os("IMGSIFT_UPDATE_YAML_ORACLE").is_some_and(|v| v == "1");
    let golden = if update {
        assert!(
            kubectl_present(),
            "IMGSIFT_UPDATE_YAML_ORACLE=1 needs kubectl"
        );
        let verdicts = oracle(&cases);
        let text: String = cases
            .iter()
            .zip(&verdicts)
            .map(|(case, verdict)| golden_line(case, verdict) + "\n")
            .collect();
        std::fs::write(common::root().join(GOLDEN), text).unwrap_or_else(|e| panic!("{e}"));
        read_golden()
    } else {
        let golden = read_golden();
        if kubectl_present() {
            let live = oracle(&cases);
            let mut differ = Vec::new();
            for (case, verdict) in cases.iter().zip(&live) {
                match golden.get(&case.id) {
                    Some(g) if g.accepted == verdict.accepted && g.tree == verdict.tree => {}
                    _ => differ.push(case.id.as_str()),
                }
            }
            assert!(
                differ.is_empty(),
                "kubectl now says otherwise than {GOLDEN} for {} cases (record again with \
                 IMGSIFT_UPDATE_YAML_ORACLE=1): {differ:?}",
                differ.len()
            );
        }
        golden
    };
    let ids: BTreeSet<&str> = cases.iter().map(|c| c.id.as_str()).collect();
    let recorded: BTreeSet<&str> = golden.keys().map(String::as_str).collect();
    assert_eq!(
        ids, recorded,
        "{GOLDEN} records other cases: record again with IMGSIFT_UPDATE_YAML_ORACLE=1"
    );

    // The loader, case by case.
    let known = |id: &str| {
        KNOWN
            .iter()
            .map(|(part, _)| *part)
            .find(|part| id.contains(part))
    };
    let mut disagreements = Vec::new();
    let mut known_seen: BTreeSet<&str> = BTreeSet::new();
    let mut known_cases = 0;
    let mut accepted = 0;
    for case in &cases {
        let oracle = &golden[&case.id];
        accepted += usize::from(oracle.accepted);
        let ours = load(case.text.as_bytes());
        let problem = match (&ours, oracle.accepted) {
            (Ok(tree), true) if *tree == oracle.tree => None,
            (Ok(tree), true) => Some(format!(
                "trees differ:\n    imgsift {}\n    kubectl {}",
                Json::Array(tree.clone()),
                Json::Array(oracle.tree.clone())
            )),
            (Err(_), false) => None,
            (Ok(_), false) => Some(format!(
                "imgsift loads it, kubectl refuses: {}",
                oracle.error
            )),
            (Err(e), true) => Some(format!("kubectl loads it, imgsift refuses: {e}")),
        };
        if let Some(problem) = problem {
            if let Some(part) = known(&case.id) {
                known_seen.insert(part);
                known_cases += 1;
                continue;
            }
            disagreements.push(format!(
                "{}: {problem}\n{}",
                case.id,
                case.text.escape_debug()
            ));
        }
    }

    // The binary, on every case at once: the same documents unparsed, the same images found in
    // the case as in the oracle's tree.
    let cases_dir = Scratch::new();
    let trees_dir = Scratch::new();
    for (i, case) in cases.iter().enumerate() {
        cases_dir.write(&file_name(i), &case.text);
        for (k, doc) in golden[&case.id].tree.iter().enumerate() {
            trees_dir.write(&format!("case-{i:04}-{k}.json"), doc.to_string());
        }
    }
    let (case_images, unparsed) = images_by_file(cases_dir.dir());
    let (tree_images, tree_unparsed) = images_by_file(trees_dir.dir());
    assert!(
        tree_unparsed.is_empty(),
        "the oracle's trees load: {tree_unparsed:?}"
    );
    for (i, case) in cases.iter().enumerate() {
        let name = file_name(i);
        let oracle = &golden[&case.id];
        if let Some(part) = known(&case.id) {
            known_seen.insert(part);
            continue;
        }
        if unparsed.contains(&name) == oracle.accepted {
            disagreements.push(format!(
                "{}: imgsift scan {} it, kubectl {} it",
                case.id,
                if oracle.accepted { "refuses" } else { "reads" },
                if oracle.accepted { "loads" } else { "refuses" }
            ));
            continue;
        }
        if !oracle.accepted {
            continue;
        }
        let ours = case_images.get(&name).cloned().unwrap_or_default();
        let theirs: BTreeSet<String> = (0..oracle.tree.len())
            .flat_map(|k| {
                tree_images
                    .get(&format!("case-{i:04}-{k}.json"))
                    .cloned()
                    .unwrap_or_default()
            })
            .collect();
        if ours != theirs {
            disagreements.push(format!(
                "{}: images differ: imgsift {ours:?}, on kubectl's tree {theirs:?}",
                case.id
            ));
        }
    }

    let stale: Vec<&str> = KNOWN
        .iter()
        .map(|(part, _)| *part)
        .filter(|part| !known_seen.contains(part))
        .collect();
    assert!(
        stale.is_empty(),
        "no longer a difference, drop from KNOWN: {stale:?}"
    );

    eprintln!(
        "yaml differential: {} cases ({accepted} accepted by kubectl, {} refused), {known_cases} \
         known and explained differences, {} disagreements",
        cases.len(),
        cases.len() - accepted,
        disagreements.len()
    );
    assert!(
        disagreements.is_empty(),
        "{} disagreements with kubectl:\n{}",
        disagreements.len(),
        disagreements.join("\n")
    );
}

/// The fast YAML path, on the same cases: every document it takes loads as the full parser
/// loads it (the cases are full of what it must leave: CRLF, tabs, anchors, flow collections
/// over lines, directives, block indicators).
#[test]
fn the_fast_path_agrees_with_the_full_parser_on_every_case() {
    let mut all = fast_path::Comparison::default();
    for case in generate() {
        all.add(fast_path::compare(&case.id, case.text.as_bytes()));
    }
    assert!(
        all.disagreements.is_empty(),
        "{} disagreements; the first:\n{}",
        all.disagreements.len(),
        all.disagreements[0]
    );
    assert!(
        all.taken > 500 && all.left > 100,
        "{} taken, {} left",
        all.taken,
        all.left
    );
}
