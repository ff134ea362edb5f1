//! Patches: strategic merge and JSON 6902, as far as they can set or replace images.
//!
//! A strategic-merge patch merges mappings key by key; a `null` removes a key. Lists of a
//! built-in kind merge by their Kubernetes merge key (containers, init and ephemeral containers,
//! volumes, env and image pull secrets by `name`, volume mounts by `mountPath`, ports by
//! `containerPort`); any other list, and every list of a custom resource (kustomize has no
//! schema for it), is replaced. `$patch: delete` removes a list item or a mapping,
//! `$patch: replace` replaces instead of merging. A JSON 6902 patch is a list of operations
//! (`add`, `replace`, `remove`, `copy`, `move`, `test`) on JSON pointers.
//!
//! Every node a patch brings keeps the patch file's position and is marked with the patch, so
//! an image set by a patch is reported where the patch writes it.

use crate::documents::{Node, Tree};

/// The merge key of a list of a built-in kind, by the list's field name.
fn merge_key(field: &str) -> Option<&'static str> {
    match field {
        "containers"
        | "initContainers"
        | "ephemeralContainers"
        | "volumes"
        | "env"
        | "imagePullSecrets" => Some("name"),
        "volumeMounts" => Some("mountPath"),
        "ports" => Some("containerPort"),
        _ => None,
    }
}

fn directive(tree: &Tree) -> Option<&str> {
    tree.get("$patch").and_then(Tree::text)
}

fn without_directives(patch: &Tree) -> Tree {
    let mut clean = patch.clone();
    if let Node::Map(entries) = &mut clean.node {
        entries.retain(|(key, _)| !key.starts_with('$'));
    }
    clean
}

/// Merges the strategic-merge `patch` into `target`. `builtin` says whether the resource is a
/// built-in kind (whose lists have merge keys).
pub fn merge(target: &mut Tree, patch: &Tree, builtin: bool) {
    merge_at(target, patch, builtin, None);
}

fn merge_at(target: &mut Tree, patch: &Tree, builtin: bool, field: Option<&str>) {
    if directive(patch) == Some("replace") {
        *target = without_directives(patch);
        return;
    }
    match (&mut target.node, &patch.node) {
        (Node::Map(_), Node::Map(entries)) => {
            for (key, value) in entries {
                if key.starts_with('$') {
                    continue;
                }
                if value.is_null() || directive(value) == Some("delete") {
                    target.remove(key);
                    continue;
                }
                match target.get_mut(key) {
                    Some(existing) => merge_at(existing, value, builtin, Some(key)),
                    None => target.set(key, without_directives(value)),
                }
            }
        }
        (Node::Seq(items), Node::Seq(patch_items)) => {
            match field.and_then(merge_key).filter(|_| builtin) {
                Some(key) => merge_list(items, patch_items, key, builtin),
                None => *target = patch.clone(),
            }
        }
        _ => *target = without_directives(patch),
    }
}

/// Merges a list by its merge key the way kustomize does: the patch's items come first, in
/// the patch's order (merged into the item they name, or new), then the items the patch does
/// not name, in their order. An item with `$patch: delete` is dropped.
fn merge_list(items: &mut Vec<Tree>, patch_items: &[Tree], key: &str, builtin: bool) {
    let id_of = |item: &Tree| item.get(key).and_then(Tree::text).map(str::to_owned);
    let mut rest: Vec<Option<Tree>> = std::mem::take(items).into_iter().map(Some).collect();
    let mut merged = Vec::with_capacity(rest.len() + patch_items.len());
    for patch_item in patch_items {
        let id = id_of(patch_item);
        let existing = id.as_deref().and_then(|id| {
            rest.iter_mut()
                .find(|slot| slot.as_ref().and_then(id_of).as_deref() == Some(id))
                .and_then(Option::take)
        });
        match (existing, directive(patch_item)) {
            (_, Some("delete")) => {}
            (Some(mut item), _) => {
                merge_at(&mut item, patch_item, builtin, None);
                merged.push(item);
            }
            (None, _) => merged.push(without_directives(patch_item)),
        }
    }
    merged.extend(rest.into_iter().flatten());
    *items = merged;
}

/// One step of a JSON pointer.
fn pointer(path: &str) -> Vec<String> {
    path.split('/')
        .skip(1)
        .map(|part| part.replace("~1", "/").replace("~0", "~"))
        .collect()
}

fn locate<'t>(tree: &'t mut Tree, steps: &[String]) -> Option<&'t mut Tree> {
    let mut at = tree;
    for step in steps {
        at = if at.is_map() {
            at.get_mut(step)?
        } else {
            at.items_mut().get_mut(step.parse::<usize>().ok()?)?
        };
    }
    Some(at)
}

fn get<'t>(tree: &'t Tree, steps: &[String]) -> Option<&'t Tree> {
    let mut at = tree;
    for step in steps {
        at = match &at.node {
            Node::Map(_) => at.get(step)?,
            Node::Seq(items) => items.get(step.parse::<usize>().ok()?)?,
            Node::Scalar { .. } => return None,
        };
    }
    Some(at)
}

fn add(tree: &mut Tree, steps: &[String], value: Tree) -> Result<(), String> {
    let Some((last, parents)) = steps.split_last() else {
        *tree = value;
        return Ok(());
    };
    let parent = locate(tree, parents).ok_or("the path's parent does not exist")?;
    match &mut parent.node {
        Node::Map(_) => {
            parent.set(last, value);
            Ok(())
        }
        Node::Seq(items) => {
            if last == "-" {
                items.push(value);
                return Ok(());
            }
            let index: usize = last.parse().map_err(|_| "not a list index")?;
            if index > items.len() {
                return Err("the list index is past the end".to_owned());
            }
            items.insert(index, value);
            Ok(())
        }
        Node::Scalar { .. } => Err("the path goes through a scalar".to_owned()),
    }
}

fn remove(tree: &mut Tree, steps: &[String]) -> Result<Tree, String> {
    let (last, parents) = steps
        .split_last()
        .ok_or("cannot remove the whole document")?;
    let parent = locate(tree, parents).ok_or("the path's parent does not exist")?;
    match &mut parent.node {
        Node::Map(_) => parent.remove(last).ok_or_else(|| "no such key".to_owned()),
        Node::Seq(items) => {
            let index: usize = last.parse().map_err(|_| "not a list index")?;
            if index >= items.len() {
                return Err("the list index is past the end".to_owned());
            }
            Ok(items.remove(index))
        }
        Node::Scalar { .. } => Err("the path goes through a scalar".to_owned()),
    }
}

/// Applies a JSON 6902 operation list to `target`. Returns a sentence for each operation that
/// could not be applied (the others are).
pub fn json6902(target: &mut Tree, ops: &Tree, transform: &str) -> Vec<String> {
    let mut problems = Vec::new();
    for op in ops.items() {
        let name = op.get("op").and_then(Tree::text).unwrap_or("");
        let path = pointer(op.get("path").and_then(Tree::text).unwrap_or(""));
        let mut value = op.get("value").cloned();
        if let Some(value) = &mut value {
            value.mark(transform);
        }
        let result = match (name, value) {
            ("add", Some(value)) => add(target, &path, value),
            ("replace", Some(value)) => match locate(target, &path) {
                Some(slot) => {
                    *slot = value;
                    Ok(())
                }
                None => Err("nothing to replace at the path".to_owned()),
            },
            ("remove", _) => remove(target, &path).map(|_| ()),
            ("copy" | "move", _) => {
                let from = pointer(op.get("from").and_then(Tree::text).unwrap_or(""));
                let taken = if name == "move" {
                    remove(target, &from)
                } else {
                    get(target, &from)
                        .cloned()
                        .ok_or_else(|| "nothing at `from`".to_owned())
                };
                taken.and_then(|mut value| {
                    value.mark(transform);
                    add(target, &path, value)
                })
            }
            ("test", _) => Ok(()),
            _ => Err(format!(
                "operation {name:?} is not supported or has no value"
            )),
        };
        if let Err(problem) = result {
            problems.push(format!(
                "{name} {}: {problem}",
                op.get("path").and_then(Tree::text).unwrap_or("")
            ));
        }
    }
    problems
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use super::*;
    use crate::documents::yaml::{Limits, load};

    fn tree(text: &str) -> Tree {
        let docs = match load(text, 1, &Limits::default()) {
            Ok(docs) => docs,
            Err(e) => panic!("{e:?}"),
        };
        let file: Arc<str> = Arc::from("t.yaml");
        Tree::from_doc(&docs[0], docs[0].root().unwrap_or(0), &file)
    }

    fn images(t: &Tree) -> Vec<String> {
        t.get_path(&["spec", "template", "spec", "containers"])
            .map(|c| {
                c.items()
                    .iter()
                    .map(|i| i.get("image").and_then(Tree::text).unwrap_or("").to_owned())
                    .collect()
            })
            .unwrap_or_default()
    }

    const DEPLOY: &str = "kind: Deployment\nspec:\n  template:\n    spec:\n      containers:\n      - {name: a, image: a:1}\n      - {name: b, image: b:1}\n";

    #[test]
    fn containers_merge_by_name_in_built_in_kinds() {
        let mut target = tree(DEPLOY);
        let patch = tree(
            "spec:\n  template:\n    spec:\n      containers:\n      - {name: b, image: b:2}\n      - {name: c, image: c:1}\n",
        );
        merge(&mut target, &patch, true);
        // kustomize puts the patch's items first, in its order, then the others.
        assert_eq!(images(&target), ["b:2", "c:1", "a:1"]);
    }

    #[test]
    fn lists_of_custom_resources_are_replaced() {
        let mut target = tree(DEPLOY);
        let patch = tree(
            "spec:\n  template:\n    spec:\n      containers:\n      - {name: b, image: b:2}\n",
        );
        merge(&mut target, &patch, false);
        assert_eq!(images(&target), ["b:2"]);
    }

    #[test]
    fn delete_directives_and_nulls_remove() {
        let mut target = tree(DEPLOY);
        let patch = tree(
            "spec:\n  template:\n    spec:\n      containers:\n      - {name: a, $patch: delete}\n",
        );
        merge(&mut target, &patch, true);
        assert_eq!(images(&target), ["b:1"]);
        let patch = tree("spec:\n  template: null\n");
        merge(&mut target, &patch, true);
        assert!(target.get_path(&["spec", "template"]).is_none());
    }

    #[test]
    fn json6902_replaces_adds_and_reports_what_it_cannot_do() {
        let mut target = tree(DEPLOY);
        let ops = tree(
            "- {op: replace, path: /spec/template/spec/containers/0/image, value: a:9}\n- {op: add, path: /spec/template/spec/containers/-, value: {name: d, image: d:1}}\n- {op: replace, path: /spec/nothing/here, value: x}\n",
        );
        let problems = json6902(&mut target, &ops, "patch");
        assert_eq!(images(&target), ["a:9", "b:1", "d:1"]);
        assert_eq!(problems.len(), 1, "{problems:?}");
        let image = target
            .get_path(&["spec", "template", "spec", "containers"])
            .map(|c| c.items()[0].clone());
        assert_eq!(
            image
                .and_then(|i| i.get("image").and_then(|v| v.at.steps.joined()))
                .as_deref(),
            Some("patch")
        );
    }
}
