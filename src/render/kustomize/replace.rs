//! `replacements`: copy a field of one resource into fields of others.
//!
//! A replacement can carry an image from a ConfigMap into a container, so it is applied like
//! kustomize applies it: the `source` selects one resource and a `fieldPath` (default
//! `metadata.name`), optionally one part of it (`options.delimiter` and `index`); each target
//! selects resources (`select`, minus `reject`) and field paths, optionally a part of the
//! field, optionally creating missing fields (`options.create`). Field paths are kustomize's:
//! keys separated by dots, `[name=value]` picks a list item, `[a.b/c]` is a key that holds
//! dots, a number is a list index and `*` every item. The value copied keeps the position it
//! has in the source, marked with the replacement.

use std::path::Path;

use super::Builder;
use super::patch::Allowance;
use super::select::{Resource, Selector};
use crate::diag::Code;
use crate::documents::{Node, Tree};

/// One step of a field path.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Step {
    Key(String),
    /// `[name=value]`: the list item whose `name` is `value`.
    Item(String, String),
    Index(usize),
    All,
}

/// Splits a kustomize field path.
fn field_path(text: &str) -> Vec<Step> {
    let mut parts = Vec::new();
    let mut current = String::new();
    let mut depth = 0usize;
    for c in text.chars() {
        match c {
            '[' => {
                depth += 1;
                current.push(c);
            }
            ']' => {
                depth = depth.saturating_sub(1);
                current.push(c);
            }
            '.' if depth == 0 => parts.push(std::mem::take(&mut current)),
            c => current.push(c),
        }
    }
    parts.push(current);
    parts
        .into_iter()
        .filter(|p| !p.is_empty())
        .map(|part| {
            if let Some(inner) = part.strip_prefix('[').and_then(|p| p.strip_suffix(']')) {
                match inner.split_once('=') {
                    Some((key, value)) => Step::Item(key.to_owned(), value.to_owned()),
                    None => Step::Key(inner.to_owned()),
                }
            } else if part == "*" {
                Step::All
            } else if let Ok(index) = part.parse::<usize>() {
                Step::Index(index)
            } else {
                Step::Key(part)
            }
        })
        .collect()
}

/// The node at `steps` (the first match).
fn get<'t>(tree: &'t Tree, steps: &[Step]) -> Option<&'t Tree> {
    let Some((step, rest)) = steps.split_first() else {
        return Some(tree);
    };
    match (step, &tree.node) {
        (Step::Key(key), Node::Map(_)) => get(tree.get(key)?, rest),
        (Step::Index(index), Node::Seq(items)) => get(items.get(*index)?, rest),
        (Step::Key(key), Node::Seq(items)) => {
            let index: usize = key.parse().ok()?;
            get(items.get(index)?, rest)
        }
        (Step::Item(key, value), Node::Seq(items)) => items
            .iter()
            .find(|item| item.get(key).and_then(Tree::text) == Some(value.as_str()))
            .and_then(|item| get(item, rest)),
        (Step::All, Node::Seq(items)) => items.iter().find_map(|item| get(item, rest)),
        _ => None,
    }
}

/// What a visit may still add, and why it stopped when it went over.
struct Room {
    allowance: Allowance,
    over: Option<String>,
}

/// Calls `apply` on every node at `steps` (with its depth below the resource's top),
/// creating missing keys when `create`. Every node created and every copy `apply` makes is
/// taken from `room` first; past it, the visit stops and says why.
fn visit(
    tree: &mut Tree,
    steps: &[Step],
    create: bool,
    depth: usize,
    room: &mut Room,
    apply: &mut dyn FnMut(&mut Tree, usize, &mut Allowance) -> Result<(), String>,
) {
    if room.over.is_some() {
        return;
    }
    let Some((step, rest)) = steps.split_first() else {
        if let Err(why) = apply(tree, depth, &mut room.allowance) {
            room.over = Some(why);
        }
        return;
    };
    let at = tree.at.clone();
    match step {
        Step::Key(key) if tree.is_map() => {
            if tree.get(key).is_none() {
                if !create {
                    return;
                }
                let empty = if rest.is_empty() {
                    Tree::string("", at.clone())
                } else {
                    Tree::map(at.clone())
                };
                // A field path as long as the text allows, created under every selected
                // resource, is a copy like any other: counted, and kept within the depth bound.
                if let Err(why) = room.allowance.take(&empty, depth + 1) {
                    room.over = Some(why);
                    return;
                }
                tree.set(key, empty);
            }
            if let Some(next) = tree.get_mut(key) {
                visit(next, rest, create, depth + 1, room, apply);
            }
        }
        Step::Index(index) => {
            if let Some(next) = tree.items_mut().get_mut(*index) {
                visit(next, rest, create, depth + 1, room, apply);
            }
        }
        Step::Item(key, value) => {
            for item in tree.items_mut() {
                if item.get(key).and_then(Tree::text) == Some(value.as_str()) {
                    visit(item, rest, create, depth + 1, room, apply);
                }
            }
        }
        Step::All => {
            for item in tree.items_mut() {
                visit(item, rest, create, depth + 1, room, apply);
            }
        }
        Step::Key(_) => {}
    }
}

/// Runs the `replacements` of kustomization `k` over `list`.
pub(super) fn replacements(builder: &mut Builder<'_>, dir: &Path, k: &Tree, list: &mut [Resource]) {
    for entry in k.get("replacements").map(Tree::items).unwrap_or_default() {
        match entry.get("path").and_then(Tree::text) {
            Some(relative) => {
                let path = super::join(dir, relative);
                let Some((shown, text)) = builder.read(&path, dir, &entry.at, "replacements")
                else {
                    continue;
                };
                for (_, tree) in builder.documents(&shown, &text) {
                    let items: Vec<Tree> = if tree.is_seq() {
                        tree.items().to_vec()
                    } else {
                        vec![tree]
                    };
                    for item in &items {
                        replace(builder, item, list);
                    }
                }
            }
            None => replace(builder, entry, list),
        }
    }
}

fn part(text: &str, options: Option<&Tree>) -> Result<String, String> {
    let delimiter = options
        .and_then(|o| o.get("delimiter"))
        .and_then(Tree::text)
        .unwrap_or("");
    if delimiter.is_empty() {
        return Ok(text.to_owned());
    }
    let index = options
        .and_then(|o| o.get("index"))
        .and_then(Tree::text)
        .and_then(|i| i.parse::<usize>().ok())
        .unwrap_or(0);
    text.split(delimiter)
        .nth(index)
        .map(str::to_owned)
        .ok_or_else(|| format!("options.index {index} is out of bounds for {text:?}"))
}

fn replace(builder: &mut Builder<'_>, replacement: &Tree, list: &mut [Resource]) {
    let label = format!(
        "replacement ({}:{})",
        replacement.at.file, replacement.at.line
    );
    let Some(source) = replacement.get("source") else {
        builder.error(
            Code::Malformed,
            &replacement.at,
            "a replacement needs a `source`",
        );
        return;
    };
    let selector = Selector::from_target(source);
    let path = field_path(
        source
            .get("fieldPath")
            .and_then(Tree::text)
            .unwrap_or("metadata.name"),
    );
    let found: Vec<&Resource> = list.iter().filter(|r| selector.matches(r)).collect();
    let value = match found.as_slice() {
        [one] => get(&one.tree, &path).cloned(),
        [] => {
            builder.error(
                Code::NotApplied,
                &source.at,
                "the replacement's source selects no resource; it was not applied",
            );
            return;
        }
        _ => {
            builder.error(
                Code::NotApplied,
                &source.at,
                "the replacement's source selects more than one resource; it was not applied",
            );
            return;
        }
    };
    let Some(mut value) = value else {
        builder.error(
            Code::NotApplied,
            &source.at,
            "the replacement's source has no such field; it was not applied",
        );
        return;
    };
    value.mark(&label);
    let source_options = source.get("options");
    let source_part = match value.text() {
        Some(text) if source_options.is_some() => match part(text, source_options) {
            Ok(part) => Some(part),
            Err(problem) => {
                builder.error(Code::NotApplied, &source.at, problem);
                return;
            }
        },
        _ => None,
    };
    if let Some(text) = &source_part {
        value = Tree::string(text, value.at.clone());
    }
    for target in replacement
        .get("targets")
        .map(Tree::items)
        .unwrap_or_default()
    {
        let select = target.get("select").map(Selector::from_target);
        let rejects: Vec<Selector> = target
            .get("reject")
            .map(Tree::items)
            .unwrap_or_default()
            .iter()
            .map(Selector::from_target)
            .collect();
        let options = target.get("options");
        let create = options.and_then(|o| o.get("create")).and_then(Tree::text) == Some("true");
        let delimiter = options
            .and_then(|o| o.get("delimiter"))
            .and_then(Tree::text)
            .unwrap_or("")
            .to_owned();
        let index = options
            .and_then(|o| o.get("index"))
            .and_then(Tree::text)
            .and_then(|i| i.parse::<usize>().ok())
            .unwrap_or(0);
        let paths: Vec<Vec<Step>> = target
            .get("fieldPaths")
            .map(Tree::items)
            .unwrap_or_default()
            .iter()
            .filter_map(Tree::text)
            .map(field_path)
            .collect();
        let mut problems = Vec::new();
        let given = builder.allowance();
        let mut room = Room {
            allowance: given,
            over: None,
        };
        for resource in list.iter_mut() {
            if !select.as_ref().is_some_and(|s| s.matches(resource))
                || rejects.iter().any(|r| r.matches(resource))
            {
                continue;
            }
            for steps in &paths {
                visit(
                    &mut resource.tree,
                    steps,
                    create,
                    1,
                    &mut room,
                    &mut |node, depth, allowance| {
                        if delimiter.is_empty() {
                            // The value is copied into every field selected: counted first.
                            allowance.take(&value, depth)?;
                            *node = value.clone();
                            return Ok(());
                        }
                        let current = node.text().unwrap_or("").to_owned();
                        let mut parts: Vec<&str> = current.split(delimiter.as_str()).collect();
                        let text = value.text().unwrap_or("");
                        match parts.get_mut(index) {
                            Some(slot) => *slot = text,
                            None => {
                                problems.push(format!(
                                    "options.index {index} is out of bounds for {current:?}"
                                ));
                                return Ok(());
                            }
                        }
                        let joined = parts.join(&delimiter);
                        let at = node.at.through(&label);
                        *node = Tree::string(&joined, at);
                        Ok(())
                    },
                );
            }
            if room.over.is_some() {
                break;
            }
        }
        builder.spend(given, room.allowance);
        for problem in problems {
            builder.error(Code::NotApplied, &target.at, problem);
        }
        if let Some(why) = room.over {
            // This replacement stops here; the next replacement, and the rest of the build,
            // still run.
            builder.over_budget(&replacement.at, &label, &why);
            return;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn field_paths_follow_kustomize() {
        assert_eq!(
            field_path("spec.template.spec.containers.[name=web].image"),
            [
                Step::Key("spec".into()),
                Step::Key("template".into()),
                Step::Key("spec".into()),
                Step::Key("containers".into()),
                Step::Item("name".into(), "web".into()),
                Step::Key("image".into()),
            ]
        );
        assert_eq!(
            field_path("metadata.annotations.[traffic.sidecar.istio.io/x]"),
            [
                Step::Key("metadata".into()),
                Step::Key("annotations".into()),
                Step::Key("traffic.sidecar.istio.io/x".into()),
            ]
        );
        assert_eq!(
            field_path("a.0.*"),
            [Step::Key("a".into()), Step::Index(0), Step::All]
        );
    }
}
