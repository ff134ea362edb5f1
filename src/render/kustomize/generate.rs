//! `configMapGenerator`: ConfigMaps from literals, files and env files.
//!
//! A ConfigMap may configure images (Istio's sidecar injector, operators' `*_IMAGE` settings),
//! so generated ones are built and scanned like any other. Each value keeps where it is
//! written: a literal at its line of the kustomization, an env-file entry at its line of the
//! env file, a file's content line for line in that file. Parsing follows kustomize: a literal
//! is `KEY=VALUE` with one pair of surrounding quotes removed; an env file has `KEY=VALUE`
//! lines, leading blanks trimmed, `#` comments and blank lines skipped, and a bare `KEY` read
//! from the environment (empty here, since a build must not depend on the machine); a file's
//! key is its base name unless written `KEY=PATH`. Secrets are never read (they hold no images).

use std::path::Path;
use std::sync::Arc;

use super::Builder;
use super::select::Resource;
use crate::diag::Code;
use crate::documents::ScalarKind;
use crate::documents::{At, Node, Tree};

/// kustomize's removal of one pair of matching surrounding quotes from a literal's value.
fn remove_quotes(value: &str) -> &str {
    let bytes = value.as_bytes();
    if bytes.len() >= 2
        && (bytes[0] == b'"' || bytes[0] == b'\'')
        && bytes[bytes.len() - 1] == bytes[0]
    {
        &value[1..value.len() - 1]
    } else {
        value
    }
}

/// Runs the `configMapGenerator` entries of kustomization `k` (in folder `dir`) over `list`.
pub(super) fn config_maps(
    builder: &mut Builder<'_>,
    dir: &Path,
    k: &Tree,
    list: &mut Vec<Resource>,
) {
    for entry in k
        .get("configMapGenerator")
        .map(Tree::items)
        .unwrap_or_default()
    {
        generate(builder, dir, entry, list);
    }
}

fn generate(builder: &mut Builder<'_>, dir: &Path, entry: &Tree, list: &mut Vec<Resource>) {
    let Some(name) = entry
        .get("name")
        .and_then(Tree::text)
        .filter(|n| !n.is_empty())
    else {
        builder.error(
            Code::Malformed,
            &entry.at,
            "a `configMapGenerator` entry needs a `name`",
        );
        return;
    };
    let namespace = entry.get("namespace").and_then(Tree::text).unwrap_or("");
    let label = format!(
        "configMapGenerator {name:?} ({}:{})",
        entry.at.file, entry.at.line
    );
    let mut data: Vec<(String, Tree)> = Vec::new();
    for literal in entry.get("literals").map(Tree::items).unwrap_or_default() {
        let Some(text) = literal.text() else {
            continue;
        };
        match text.split_once('=') {
            Some((key, value)) if !key.is_empty() => {
                data.push((
                    key.to_owned(),
                    Tree::string(remove_quotes(value), literal.at.through(&label)),
                ));
            }
            _ => builder.error(
                Code::Malformed,
                &literal.at,
                format!("literal {text:?} of `configMapGenerator` {name:?} is not KEY=VALUE"),
            ),
        }
    }
    let mut env_files: Vec<&Tree> = entry
        .get("envs")
        .map(|e| e.items().iter().collect())
        .unwrap_or_default();
    env_files.extend(entry.get("env"));
    for env in env_files {
        let Some(relative) = env.text() else {
            continue;
        };
        let path = super::join(dir, relative);
        let Some((shown, text)) = builder.read(&path, dir, &env.at, "configMapGenerator") else {
            continue;
        };
        // A short line is a node: an env file within the byte budget could still hold tens
        // of millions of them, so they are counted against the node budget.
        let count = text
            .lines()
            .filter(|line| {
                let trimmed = line.trim_start();
                !trimmed.is_empty() && !trimmed.starts_with('#')
            })
            .count();
        if count > builder.nodes_left() {
            let why = format!(
                "{shown} has {count} entries, more than the {} left of the build's budget of {} nodes",
                builder.nodes_left(),
                super::MAX_NODES
            );
            builder.over_budget(&env.at, &label, &why);
            return;
        }
        builder.nodes += count;
        data.extend(env_entries(&shown, &text, &label));
    }
    for file in entry.get("files").map(Tree::items).unwrap_or_default() {
        let Some(spec) = file.text() else {
            continue;
        };
        let (key, relative) = match spec.split_once('=') {
            Some((key, relative)) => (key.to_owned(), relative),
            None => (
                Path::new(spec)
                    .file_name()
                    .map(|n| n.to_string_lossy().into_owned())
                    .unwrap_or_default(),
                spec,
            ),
        };
        let path = super::join(dir, relative);
        let Some((shown, text)) = builder.read(&path, dir, &file.at, "configMapGenerator") else {
            continue;
        };
        // The content's lines are the file's lines: a literal block at the file's start.
        let at = At::new(&shown, 1, 1).through(&label);
        data.push((
            key,
            Tree {
                node: Node::Scalar {
                    text,
                    kind: ScalarKind::Str,
                    literal: true,
                },
                at,
            },
        ));
    }
    let at = entry.at.through(&label);
    let behavior = entry
        .get("behavior")
        .and_then(Tree::text)
        .unwrap_or("create");
    match behavior {
        "merge" | "replace" => {
            let target = list.iter_mut().find(|r| {
                r.kind() == "ConfigMap"
                    && r.name() == name
                    && (namespace.is_empty() || r.namespace() == namespace)
            });
            let Some(target) = target else {
                builder.error(Code::NotApplied,
                    &entry.at,
                    format!("`configMapGenerator` {name:?} has behavior {behavior}, but there is no ConfigMap {name:?} to {behavior}"),
                );
                return;
            };
            if behavior == "replace" || target.tree.get("data").is_none() {
                target.tree.set("data", Tree::map(at.clone()));
            }
            if let Some(existing) = target.tree.map_at("data", &at) {
                for (key, value) in data {
                    existing.set(&key, value);
                }
            }
        }
        "create" | "" => {
            let mut tree = Tree::map(at.clone());
            tree.set("apiVersion", Tree::string("v1", at.clone()));
            tree.set("kind", Tree::string("ConfigMap", at.clone()));
            let mut metadata = Tree::map(at.clone());
            metadata.set("name", Tree::string(name, at.clone()));
            if !namespace.is_empty() {
                metadata.set("namespace", Tree::string(namespace, at.clone()));
            }
            tree.set("metadata", metadata);
            let mut map = Tree::map(at.clone());
            for (key, value) in data {
                map.set(&key, value);
            }
            tree.set("data", map);
            list.push(Resource::new(tree, Arc::clone(&entry.at.file), 1));
        }
        other => builder.error(Code::Malformed,
            &entry.at,
            format!("`configMapGenerator` {name:?} has behavior {other:?}; kustomize knows create, merge and replace"),
        ),
    }
}

/// The entries of an env file, each at its line and column.
fn env_entries(file: &Arc<str>, text: &str, label: &str) -> Vec<(String, Tree)> {
    let mut entries = Vec::new();
    for (number, line) in text.lines().enumerate() {
        let trimmed = line.trim_start();
        if trimmed.is_empty() || trimmed.starts_with('#') {
            continue;
        }
        let indent = line.len() - trimmed.len();
        // The value's byte offset in the line, for its column.
        let (key, value, offset) = match trimmed.split_once('=') {
            Some((key, value)) => (key, value, indent + key.len() + 1),
            None => (trimmed, "", indent),
        };
        let column = line
            .get(..offset)
            .map_or(1, |before| before.chars().count() as u64 + 1);
        let at = At::new(file, number as u64 + 1, column.max(1)).through(label);
        entries.push((key.to_owned(), Tree::string(value, at)));
    }
    entries
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn literals_lose_one_pair_of_quotes() {
        assert_eq!(remove_quotes("\"x:1\""), "x:1");
        assert_eq!(remove_quotes("'y:2'"), "y:2");
        assert_eq!(remove_quotes("\"q\" r"), "\"q\" r");
        assert_eq!(remove_quotes("\""), "\"");
    }

    #[test]
    fn env_files_keep_quotes_and_positions() {
        let file: Arc<str> = Arc::from("p.env");
        let entries = env_entries(&file, "# c\nA=\"x:1\"\n  B = z \nC\n", "gen");
        let got: Vec<(&str, &str, u64, u64)> = entries
            .iter()
            .map(|(k, v)| (k.as_str(), v.text().unwrap_or(""), v.at.line, v.at.column))
            .collect();
        assert_eq!(
            got,
            [("A", "\"x:1\"", 2, 3), ("B ", " z ", 3, 6), ("C", "", 4, 1)]
        );
    }
}
