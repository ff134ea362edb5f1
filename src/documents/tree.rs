//! Owned YAML trees with provenance: documents that imgsift builds rather than reads.
//!
//! A kustomize build takes resources from several files, patches them with others, rewrites
//! image fields and generates ConfigMaps. Its output is made of these trees: every node keeps
//! the file and position its text came from, and the transform that changed it, so an image
//! found in the output is reported where a user can find it (the resource's line, or the
//! patch's) and says how it got there. [`Tree::into_doc`] turns a tree into a [`Doc`] that the
//! extractors read like any other.

use std::sync::Arc;

use super::yaml::{Doc, NodeId, NodeOrigin, Scalar, ScalarKind, Value};
use super::{At, Steps};

/// What a node holds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Node {
    /// A scalar: its text, how it resolves, and whether it is a literal block.
    Scalar {
        /// The text.
        text: String,
        /// What it resolves to.
        kind: ScalarKind,
        /// Written as a literal block (`|`): its lines are its file's lines.
        literal: bool,
    },
    /// A sequence.
    Seq(Vec<Tree>),
    /// A mapping with string keys, in order.
    Map(Vec<(String, Tree)>),
}

/// The origins of a built document, each once, found by a map rather than a search: a
/// document of a million nodes from a few dozen origins would otherwise take a search per
/// node.
#[derive(Default)]
struct Origins {
    list: Vec<NodeOrigin>,
    index: std::collections::HashMap<NodeOrigin, usize>,
    /// The last origin looked up: neighbouring nodes mostly share one.
    last: Option<(Arc<str>, Steps, crate::documents::Traced, usize)>,
}

impl Origins {
    fn index(&mut self, at: &At) -> usize {
        if let Some((file, steps, traced, index)) = &self.last {
            if Arc::ptr_eq(file, &at.file) && steps.same(&at.steps) && traced.same(&at.traced) {
                return *index;
            }
        }
        let origin = NodeOrigin {
            file: Arc::clone(&at.file),
            steps: at.steps.clone(),
            traced: at.traced.clone(),
        };
        let next = self.list.len();
        let index = *self.index.entry(origin.clone()).or_insert(next);
        if index == next {
            self.list.push(origin);
        }
        self.last = Some((
            Arc::clone(&at.file),
            at.steps.clone(),
            at.traced.clone(),
            index,
        ));
        index
    }
}

/// A node and where it is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Tree {
    /// The content.
    pub node: Node,
    /// Where its text is.
    pub at: At,
}

impl Tree {
    /// A string scalar.
    pub fn string(text: &str, at: At) -> Tree {
        Tree {
            node: Node::Scalar {
                text: text.to_owned(),
                kind: ScalarKind::Str,
                literal: false,
            },
            at,
        }
    }

    /// An empty mapping.
    pub fn map(at: At) -> Tree {
        Tree {
            node: Node::Map(Vec::new()),
            at,
        }
    }

    /// A copy of node `id` of `doc`, aliases followed and merge keys applied. `file` names the
    /// document's own nodes.
    pub fn from_doc(doc: &Doc<'_>, id: NodeId, file: &Arc<str>) -> Tree {
        Tree::copy(doc, id, file, 0)
    }

    /// How many nodes [`Tree::from_doc`] would make of node `id` of `doc` (aliases counted at
    /// their target's size, merge keys applied, mapping keys not counted: they are not nodes
    /// of a tree), without making them. A document whose aliases expand a thousandfold costs
    /// its text in a `Doc` but every expanded node in a `Tree`, so a build asks this first.
    pub fn copy_cost(doc: &Doc<'_>, id: NodeId) -> u64 {
        let mut memo = vec![u64::MAX; doc.len()];
        Tree::cost(doc, id, &mut memo, 0)
    }

    fn cost(doc: &Doc<'_>, id: NodeId, memo: &mut [u64], depth: usize) -> u64 {
        let id = doc.resolve(id);
        if let Some(&known) = memo.get(id as usize).filter(|&&c| c != u64::MAX) {
            return known;
        }
        // The same guard as `copy`: past it, a node is copied as a null scalar.
        let cost = match doc.node(id).map(|n| &n.value) {
            _ if depth > 1024 => 1,
            Some(Value::Map(_)) => doc
                .entries(id)
                .into_iter()
                .fold(1u64, |sum, (_, _, value)| {
                    sum.saturating_add(Tree::cost(doc, value, memo, depth + 1))
                }),
            Some(Value::Seq(items)) => items.iter().fold(1u64, |sum, &item| {
                sum.saturating_add(Tree::cost(doc, item, memo, depth + 1))
            }),
            _ => 1,
        };
        if let Some(slot) = memo.get_mut(id as usize) {
            *slot = cost;
        }
        cost
    }

    /// How deep the tree nests: 1 for a scalar or an empty collection. Trees are built from
    /// documents the loader bounded and grown only by transforms that check the result, so
    /// the recursion is bounded.
    pub fn height(&self) -> usize {
        1 + match &self.node {
            Node::Seq(items) => items.iter().map(Tree::height).max().unwrap_or(0),
            Node::Map(entries) => entries.iter().map(|(_, v)| v.height()).max().unwrap_or(0),
            Node::Scalar { .. } => 0,
        }
    }

    fn copy(doc: &Doc<'_>, id: NodeId, file: &Arc<str>, depth: usize) -> Tree {
        let (line, column) = doc.position(id);
        let at = match doc.origin(id) {
            Some(origin) => At {
                file: Arc::clone(&origin.file),
                line,
                column,
                steps: origin.steps.clone(),
                traced: origin.traced.clone(),
            },
            None => At::new(file, line, column),
        };
        // The loader bounds depth, aliases included; this guard keeps a bug from recursing.
        let node = match doc.node(id).map(|n| &n.value) {
            _ if depth > 1024 => Node::Scalar {
                text: String::new(),
                kind: ScalarKind::Null,
                literal: false,
            },
            Some(Value::Map(_)) => Node::Map(
                doc.entries(id)
                    .into_iter()
                    .map(|(key, _, value)| {
                        (key.to_owned(), Tree::copy(doc, value, file, depth + 1))
                    })
                    .collect(),
            ),
            Some(Value::Seq(items)) => Node::Seq(
                items
                    .iter()
                    .map(|&item| Tree::copy(doc, item, file, depth + 1))
                    .collect(),
            ),
            Some(Value::Scalar(s)) => Node::Scalar {
                text: s.text.to_string(),
                kind: s.kind,
                literal: s.literal,
            },
            Some(Value::Alias(_)) | None => Node::Scalar {
                text: String::new(),
                kind: ScalarKind::Null,
                literal: false,
            },
        };
        Tree { node, at }
    }

    /// The tree as a document for the extractors: each node keeps its file, position and
    /// transform.
    pub fn into_doc(&self) -> Doc<'static> {
        let mut nodes: Vec<(Value<'static>, u64, u64, u32)> = Vec::new();
        let mut origins = Origins::default();
        let root = self.push_into(&mut nodes, &mut origins);
        Doc::built(nodes, Some(root), origins.list)
    }

    fn push_into(
        &self,
        nodes: &mut Vec<(Value<'static>, u64, u64, u32)>,
        origins: &mut Origins,
    ) -> NodeId {
        let index = origins.index(&self.at);
        let id = nodes.len() as NodeId;
        nodes.push((
            Value::Seq(Vec::new()),
            self.at.line,
            self.at.column,
            index as u32 + 1,
        ));
        let value = match &self.node {
            Node::Scalar {
                text,
                kind,
                literal,
            } => Value::Scalar(Scalar {
                text: text.clone().into(),
                kind: *kind,
                plain: false,
                literal: *literal,
            }),
            Node::Seq(items) => {
                Value::Seq(items.iter().map(|i| i.push_into(nodes, origins)).collect())
            }
            Node::Map(entries) => {
                let mut pairs = Vec::with_capacity(entries.len());
                for (key, value) in entries {
                    let key_id = nodes.len() as NodeId;
                    nodes.push((
                        Value::Scalar(Scalar {
                            text: key.clone().into(),
                            kind: ScalarKind::Str,
                            plain: false,
                            literal: false,
                        }),
                        value.at.line,
                        value.at.column,
                        index as u32 + 1,
                    ));
                    let value_id = value.push_into(nodes, origins);
                    pairs.push((key_id, value_id));
                }
                Value::Map(pairs)
            }
        };
        if let Some(slot) = nodes.get_mut(id as usize) {
            slot.0 = value;
        }
        id
    }

    /// The value of `key`, in a mapping.
    pub fn get(&self, key: &str) -> Option<&Tree> {
        match &self.node {
            Node::Map(entries) => entries.iter().find(|(k, _)| k == key).map(|(_, v)| v),
            _ => None,
        }
    }

    /// The value of `key`, in a mapping, to change it.
    pub fn get_mut(&mut self, key: &str) -> Option<&mut Tree> {
        match &mut self.node {
            Node::Map(entries) => entries.iter_mut().find(|(k, _)| k == key).map(|(_, v)| v),
            _ => None,
        }
    }

    /// Follows a path of keys.
    pub fn get_path(&self, path: &[&str]) -> Option<&Tree> {
        path.iter().try_fold(self, |at, key| at.get(key))
    }

    /// Sets `key` in a mapping (replacing its value, or adding it at the end).
    pub fn set(&mut self, key: &str, value: Tree) {
        if let Node::Map(entries) = &mut self.node {
            match entries.iter_mut().find(|(k, _)| k == key) {
                Some((_, slot)) => *slot = value,
                None => entries.push((key.to_owned(), value)),
            }
        }
    }

    /// Removes `key` from a mapping.
    pub fn remove(&mut self, key: &str) -> Option<Tree> {
        match &mut self.node {
            Node::Map(entries) => {
                let index = entries.iter().position(|(k, _)| k == key)?;
                Some(entries.remove(index).1)
            }
            _ => None,
        }
    }

    /// The mapping value at `key`, created empty (at `at`) when missing or not a mapping.
    pub fn map_at(&mut self, key: &str, at: &At) -> Option<&mut Tree> {
        let is_map = matches!(self.get(key).map(|t| &t.node), Some(Node::Map(_)));
        if !is_map {
            self.set(key, Tree::map(at.clone()));
        }
        self.get_mut(key)
    }

    /// The text of a scalar that resolves to a string.
    pub fn str(&self) -> Option<&str> {
        match &self.node {
            Node::Scalar {
                text,
                kind: ScalarKind::Str,
                ..
            } => Some(text),
            _ => None,
        }
    }

    /// The text of any non-null scalar, as written.
    pub fn text(&self) -> Option<&str> {
        match &self.node {
            Node::Scalar { kind, .. } if *kind == ScalarKind::Null => None,
            Node::Scalar { text, .. } => Some(text),
            _ => None,
        }
    }

    /// The items of a sequence (empty for anything else).
    pub fn items(&self) -> &[Tree] {
        match &self.node {
            Node::Seq(items) => items,
            _ => &[],
        }
    }

    /// The items of a sequence, to change them.
    pub fn items_mut(&mut self) -> &mut [Tree] {
        match &mut self.node {
            Node::Seq(items) => items,
            _ => &mut [],
        }
    }

    /// The entries of a mapping (empty for anything else).
    pub fn entries(&self) -> &[(String, Tree)] {
        match &self.node {
            Node::Map(entries) => entries,
            _ => &[],
        }
    }

    /// Whether it is a mapping.
    pub fn is_map(&self) -> bool {
        matches!(self.node, Node::Map(_))
    }

    /// Whether it is a sequence.
    pub fn is_seq(&self) -> bool {
        matches!(self.node, Node::Seq(_))
    }

    /// Whether it is null.
    pub fn is_null(&self) -> bool {
        matches!(
            self.node,
            Node::Scalar {
                kind: ScalarKind::Null,
                ..
            }
        )
    }

    /// How many nodes the tree has, this one included.
    pub fn count(&self) -> usize {
        1 + match &self.node {
            Node::Seq(items) => items.iter().map(Tree::count).sum(),
            Node::Map(entries) => entries.iter().map(|(_, v)| v.count()).sum(),
            Node::Scalar { .. } => 0,
        }
    }

    /// Marks this node and everything under it as changed by `step`. The nodes of a subtree
    /// mostly share one list of steps, and keep sharing one after the mark: a list per node
    /// would make every copied node cost its history again.
    pub fn mark(&mut self, step: &str) {
        let step: Arc<str> = Arc::from(step);
        let mut shared: Vec<(Steps, Steps)> = Vec::new();
        self.mark_shared(&step, &mut shared);
    }

    fn mark_shared(&mut self, step: &Arc<str>, shared: &mut Vec<(Steps, Steps)>) {
        let old = &self.at.steps;
        let new = match shared.iter().find(|(before, _)| before.same(old)) {
            Some((_, after)) => after.clone(),
            None => {
                let after = old.then_once(step);
                // A few lists are remembered; a subtree with more is still marked right.
                if shared.len() < 16 {
                    shared.push((old.clone(), after.clone()));
                }
                after
            }
        };
        self.at.steps = new;
        match &mut self.node {
            Node::Seq(items) => items.iter_mut().for_each(|i| i.mark_shared(step, shared)),
            Node::Map(entries) => entries
                .iter_mut()
                .for_each(|(_, v)| v.mark_shared(step, shared)),
            Node::Scalar { .. } => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::documents::yaml::{Limits, load};

    #[test]
    fn a_tree_keeps_positions_and_reads_back_as_a_document() {
        let text = "a:\n  b: [x, \"y\"]\n  c: &k {d: 1}\n  e: *k\n";
        let docs = match load(text, 3, &Limits::default()) {
            Ok(docs) => docs,
            Err(e) => panic!("{e:?}"),
        };
        let file: Arc<str> = Arc::from("f.yaml");
        let root = docs[0].root().unwrap_or(0);
        let mut tree = Tree::from_doc(&docs[0], root, &file);
        assert_eq!(tree.get_path(&["a", "b"]).map(|b| b.items().len()), Some(2));
        assert_eq!(
            tree.get_path(&["a", "e", "d"]).and_then(Tree::text),
            Some("1")
        );
        if let Some(a) = tree.get_mut("a") {
            let at = a.at.through("a test");
            a.set("new", Tree::string("z", at));
        }
        let doc = tree.into_doc();
        let root = doc.root().unwrap_or(0);
        let y = doc
            .get_path(root, &["a", "b"])
            .map(|b| doc.items(b)[1])
            .unwrap_or(0);
        assert_eq!(doc.str(y), Some("y"));
        assert_eq!(doc.position(y), (4, 10));
        assert_eq!(doc.origin(y).map(|o| &*o.file), Some("f.yaml"));
        let new = doc.get_path(root, &["a", "new"]).unwrap_or(0);
        assert_eq!(
            doc.origin(new).and_then(|o| o.steps.joined()).as_deref(),
            Some("a test")
        );
    }
}
