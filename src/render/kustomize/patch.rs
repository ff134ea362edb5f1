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

use crate::documents::{At, Node, Tree};

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

/// What a transform may still add to a build. Every copy of a subtree costs its nodes (an
/// 8 KB patch that copies a list into itself forty times would hold 2^40 of them), and no
/// tree may nest deeper than the documents the loader accepts, since every later walk of it
/// recurses.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Allowance {
    /// Nodes that may still be added.
    pub nodes: usize,
    /// The deepest a tree may nest.
    pub depth: usize,
}

impl Allowance {
    /// Takes the nodes of `value`, about to be put at `depth` steps below a resource's top:
    /// the sentence saying which bound it breaks when it does not fit (and nothing is taken).
    pub fn take(&mut self, value: &Tree, depth: usize) -> Result<(), String> {
        let nodes = value.count();
        if nodes > self.nodes {
            return Err(format!(
                "it would add {nodes} YAML nodes, more than the {} left of the build's budget of {} nodes",
                self.nodes,
                super::MAX_NODES
            ));
        }
        let height = depth.saturating_add(value.height());
        if height > self.depth {
            return Err(format!(
                "it would nest the resource {height} levels deep, deeper than the depth bound of {}",
                self.depth
            ));
        }
        self.nodes -= nodes;
        Ok(())
    }
}

/// What applying a JSON 6902 operation list did not do.
#[derive(Debug, Default)]
pub struct Unapplied {
    /// A sentence for each operation that could not be applied (the others were).
    pub problems: Vec<String>,
    /// The operation that would have gone over the [`Allowance`], and why: it and the
    /// operations after it were not applied.
    pub over: Option<(At, String)>,
}

/// Applies a JSON 6902 operation list to `target`, adding no more than `allowance` allows:
/// the nodes an operation would copy are counted before the copy is made.
pub fn json6902(
    target: &mut Tree,
    ops: &Tree,
    transform: &str,
    allowance: &mut Allowance,
) -> Unapplied {
    let mut unapplied = Unapplied::default();
    for op in ops.items() {
        let name = op.get("op").and_then(Tree::text).unwrap_or("");
        let written = op.get("path").and_then(Tree::text).unwrap_or("");
        let path = pointer(written);
        // The value an operation puts in place, checked against the allowance before it is
        // copied out of the patch or the target.
        let value: Result<Option<Tree>, String> = match name {
            "add" | "replace" => match op.get("value") {
                Some(value) => allowance.take(value, path.len()).map(|()| {
                    let mut value = value.clone();
                    value.mark(transform);
                    Some(value)
                }),
                None => Ok(None),
            },
            "copy" => {
                let from = pointer(op.get("from").and_then(Tree::text).unwrap_or(""));
                match get(target, &from) {
                    Some(found) => allowance.take(found, path.len()).map(|()| {
                        let mut value = found.clone();
                        value.mark(transform);
                        Some(value)
                    }),
                    None => Ok(None),
                }
            }
            "move" => {
                // A move adds no node, but it may put a subtree deeper than it was.
                let from = pointer(op.get("from").and_then(Tree::text).unwrap_or(""));
                match get(target, &from) {
                    Some(found) => {
                        let mut free = Allowance {
                            nodes: usize::MAX,
                            ..*allowance
                        };
                        free.take(found, path.len()).map(|()| None)
                    }
                    None => Ok(None),
                }
            }
            _ => Ok(None),
        };
        let value = match value {
            Ok(value) => value,
            Err(why) => {
                unapplied.over = Some((
                    op.at.clone(),
                    format!("JSON 6902 `{name}` to {written}: {why}"),
                ));
                break;
            }
        };
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
            ("copy", Some(value)) => add(target, &path, value),
            ("copy", None) => Err("nothing at `from`".to_owned()),
            ("move", _) => {
                let from = pointer(op.get("from").and_then(Tree::text).unwrap_or(""));
                remove(target, &from).and_then(|mut value| {
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
            unapplied
                .problems
                .push(format!("{name} {written}: {problem}"));
        }
    }
    unapplied
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
        let mut allowance = Allowance {
            nodes: 1000,
            depth: 64,
        };
        let unapplied = json6902(&mut target, &ops, "patch", &mut allowance);
        assert_eq!(images(&target), ["a:9", "b:1", "d:1"]);
        assert_eq!(unapplied.problems.len(), 1, "{:?}", unapplied.problems);
        assert!(unapplied.over.is_none());
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

    #[test]
    fn json6902_copies_are_counted_before_they_are_made() {
        let mut target = tree("kind: Bomb\nspec:\n  l: [a]\n");
        let ops = tree(&"- {op: copy, from: /spec/l, path: /spec/l/-}\n".repeat(40));
        let mut allowance = Allowance {
            nodes: 10_000,
            depth: 512,
        };
        let unapplied = json6902(&mut target, &ops, "patch", &mut allowance);
        let over = unapplied.over.map(|(_, why)| why).unwrap_or_default();
        assert!(over.contains("budget"), "{over}");
        assert!(target.count() <= 10_000 + 5, "{}", target.count());
        // Each copy nests one level deeper: a depth bound of 8 stops it sooner.
        let mut target = tree("kind: Bomb\nspec:\n  l: [a]\n");
        let mut allowance = Allowance {
            nodes: 10_000,
            depth: 8,
        };
        let unapplied = json6902(&mut target, &ops, "patch", &mut allowance);
        let over = unapplied.over.map(|(_, why)| why).unwrap_or_default();
        assert!(over.contains("depth bound of 8"), "{over}");
    }
}
