//! The shape of the code, checked: modules depend on each other in one direction only.
//!
//! Every `crate::` and `super::` path in `src/` is read (comments left out) and turned into an
//! edge between two sibling modules: `emit/overlay/values.rs` naming `crate::inventory` is an
//! edge `emit -> inventory` among the top-level modules; naming `super::super::yaml` is an
//! edge `overlay -> yaml` inside `emit`. A module naming one of its ancestors (a parent's
//! re-export) is no edge. The graph of siblings under every parent must have no cycle, so
//! that each folder can be read from its leaves up and no stage calls back into one before it.
//! The Go-template engine is a crate of its own (`crates/gotemplate`), so its independence is
//! the compiler's to check.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

type Module = Vec<String>;

fn src() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("src")
}

/// Every source file of the library and the module path it defines.
fn modules() -> Vec<(Module, PathBuf)> {
    let mut out = Vec::new();
    let mut stack = vec![src()];
    while let Some(dir) = stack.pop() {
        let entries = std::fs::read_dir(&dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display()));
        for entry in entries.flatten() {
            let path = entry.path();
            if path.is_dir() {
                stack.push(path);
                continue;
            }
            if path.extension().is_none_or(|e| e != "rs") {
                continue;
            }
            let relative = path.strip_prefix(src()).unwrap_or(&path);
            let mut module: Module = relative
                .components()
                .map(|c| {
                    c.as_os_str()
                        .to_string_lossy()
                        .trim_end_matches(".rs")
                        .to_owned()
                })
                .collect();
            if module.last().is_some_and(|m| m == "mod" || m == "lib") {
                module.pop();
            }
            // The binary's own modules are not part of the library's graph.
            if module
                .first()
                .is_some_and(|m| m == "main" || m == "progress")
            {
                continue;
            }
            out.push((module, path));
        }
    }
    out.sort();
    out
}

/// The paths a file names, as lists of identifiers after `crate::` or `super::` (each `super`
/// kept as a step), with `{a, b::c}` groups expanded.
fn named_paths(text: &str) -> Vec<Vec<String>> {
    let code: String = text
        .lines()
        .filter(|line| !line.trim_start().starts_with("//"))
        .collect::<Vec<_>>()
        .join("\n");
    let bytes = code.as_bytes();
    let mut paths = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        if !code.is_char_boundary(i) {
            i += 1;
            continue;
        }
        let rest = &code[i..];
        let starts_word = i == 0 || !(bytes[i - 1].is_ascii_alphanumeric() || bytes[i - 1] == b'_');
        if starts_word && (rest.starts_with("crate::") || rest.starts_with("super::")) {
            let (path, used) = read_path(rest);
            paths.extend(path);
            i += used.max(1);
        } else {
            i += 1;
        }
    }
    paths
}

/// Reads one path at the start of `text`; returns the paths it names and the bytes used.
fn read_path(text: &str) -> (Vec<Vec<String>>, usize) {
    let mut steps = Vec::new();
    let mut at = 0;
    loop {
        let ident: String = text[at..]
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
            .collect();
        if ident.is_empty() {
            break;
        }
        at += ident.len();
        steps.push(ident);
        if text[at..].starts_with("::{") {
            at += 3;
            let mut depth = 1;
            let start = at;
            for (offset, c) in text[start..].char_indices() {
                match c {
                    '{' => depth += 1,
                    '}' => depth -= 1,
                    _ => {}
                }
                if depth == 0 {
                    at = start + offset + 1;
                    break;
                }
            }
            let inner = &text[start..at.saturating_sub(1).max(start)];
            let mut out = Vec::new();
            for item in split_top(inner) {
                let (sub, _) = read_path(item.trim());
                for path in sub {
                    let mut full = steps.clone();
                    full.extend(path);
                    out.push(full);
                }
                if sub_is_empty(item) {
                    out.push(steps.clone());
                }
            }
            return (out, at);
        }
        if text[at..].starts_with("::") {
            at += 2;
        } else {
            break;
        }
    }
    (vec![steps], at)
}

fn sub_is_empty(item: &str) -> bool {
    item.trim() == "self"
}

fn split_top(text: &str) -> Vec<&str> {
    let mut parts = Vec::new();
    let mut depth = 0;
    let mut start = 0;
    for (i, c) in text.char_indices() {
        match c {
            '{' => depth += 1,
            '}' => depth -= 1,
            ',' if depth == 0 => {
                parts.push(&text[start..i]);
                start = i + 1;
            }
            _ => {}
        }
    }
    parts.push(&text[start..]);
    parts
}

/// The module a named path lands in: the longest prefix that is a module.
fn target(from: &Module, path: &[String], known: &BTreeSet<Module>) -> Option<Module> {
    let mut base: Module = Vec::new();
    let mut steps = path;
    match steps.first().map(String::as_str) {
        Some("crate") => steps = &steps[1..],
        Some("super") => {
            base = from.clone();
            while steps.first().is_some_and(|s| s == "super") {
                base.pop()?;
                steps = &steps[1..];
            }
        }
        _ => return None,
    }
    let mut found = base.clone();
    for step in steps {
        let mut next = found.clone();
        next.push(step.clone());
        if known.contains(&next) {
            found = next;
        } else {
            break;
        }
    }
    Some(found)
}

#[test]
fn modules_depend_on_each_other_in_one_direction() {
    let modules = modules();
    let known: BTreeSet<Module> = modules.iter().map(|(m, _)| m.clone()).collect();
    // Sibling edges, by parent.
    let mut edges: BTreeMap<Module, BTreeMap<String, BTreeSet<String>>> = BTreeMap::new();
    for (module, path) in &modules {
        let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{e}"));
        for named in named_paths(&text) {
            let Some(to) = target(module, &named, &known) else {
                continue;
            };
            let common = module.iter().zip(&to).take_while(|(a, b)| a == b).count();
            if common == to.len() || common == module.len() {
                continue; // an ancestor (a re-export), or the module itself or its child
            }
            edges
                .entry(module[..common].to_vec())
                .or_default()
                .entry(module[common].clone())
                .or_default()
                .insert(to[common].clone());
        }
    }
    assert!(
        edges
            .get(&Vec::new())
            .is_some_and(|top| top.contains_key("emit")),
        "the scan of src/ found no edges: {edges:?}"
    );
    let mut cycles = Vec::new();
    for (parent, graph) in &edges {
        if let Some(cycle) = find_cycle(graph) {
            cycles.push(format!(
                "in crate::{}: {}",
                parent.join("::"),
                cycle.join(" -> ")
            ));
        }
    }
    assert!(cycles.is_empty(), "import cycles:\n{}", cycles.join("\n"));
}

/// A cycle of the graph, if it has one.
fn find_cycle(graph: &BTreeMap<String, BTreeSet<String>>) -> Option<Vec<String>> {
    fn visit(
        node: &str,
        graph: &BTreeMap<String, BTreeSet<String>>,
        state: &mut BTreeMap<String, u8>,
        stack: &mut Vec<String>,
    ) -> Option<Vec<String>> {
        state.insert(node.to_owned(), 1);
        stack.push(node.to_owned());
        for next in graph.get(node).into_iter().flatten() {
            match state.get(next.as_str()).copied().unwrap_or(0) {
                1 => {
                    let from = stack.iter().position(|n| n == next).unwrap_or(0);
                    let mut cycle = stack[from..].to_vec();
                    cycle.push(next.clone());
                    return Some(cycle);
                }
                0 => {
                    if let Some(cycle) = visit(next, graph, state, stack) {
                        return Some(cycle);
                    }
                }
                _ => {}
            }
        }
        stack.pop();
        state.insert(node.to_owned(), 2);
        None
    }
    let mut state = BTreeMap::new();
    for node in graph.keys() {
        if state.get(node.as_str()).copied().unwrap_or(0) == 0 {
            let mut stack = Vec::new();
            if let Some(cycle) = visit(node, graph, &mut state, &mut stack) {
                return Some(cycle);
            }
        }
    }
    None
}

#[test]
fn the_cycle_finder_finds_cycles() {
    let mut graph: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    graph.entry("a".into()).or_default().insert("b".into());
    graph.entry("b".into()).or_default().insert("c".into());
    assert_eq!(find_cycle(&graph), None);
    graph.entry("c".into()).or_default().insert("a".into());
    assert_eq!(
        find_cycle(&graph),
        Some(vec!["a".into(), "b".into(), "c".into(), "a".into()])
    );
    let paths = named_paths(
        "use crate::{diag::Code, documents::{At, yaml}};\nlet x = super::shapes::walk();\n// crate::ignored\n",
    );
    assert_eq!(
        paths,
        [
            ["crate", "diag", "Code"],
            ["crate", "documents", "At"],
            ["crate", "documents", "yaml"],
            ["super", "shapes", "walk"],
        ]
        .map(|p| p.map(str::to_owned).to_vec())
    );
}

#[test]
fn main_and_lib_are_thin() {
    for (file, most) in [("main.rs", 60), ("lib.rs", 40)] {
        let text = std::fs::read_to_string(src().join(file)).unwrap_or_else(|e| panic!("{e}"));
        let lines = text.lines().filter(|l| !l.trim().is_empty()).count();
        assert!(
            lines <= most,
            "{file} has {lines} lines; it should only wire the library"
        );
    }
}
