//! The overlay of one values document, built key by key from the document as read.
//!
//! Keys keep the order of the source: a key that exists in the values is placed at its index
//! there, a new key (a resolved `tag`) after the keys the source had, in the order the changes
//! were found. When a change is inside a list, the whole list is copied from the source with
//! the change applied, because Helm replaces lists instead of merging them. A changed scalar
//! carries a comment with what it was.

use super::yaml::{Comments, quote};
use super::{string, tree};
use crate::documents::{Node, ScalarKind, Tree};
use crate::extract::{KeyPathBuf, Seg};

/// Sets the string at `path` in the overlay `out`, whose source is the values document
/// `source`; what the key held is noted in `comments`.
pub(super) fn set(
    out: &mut Tree,
    comments: &mut Comments,
    source: &Tree,
    path: &KeyPathBuf,
    value: &str,
) {
    if let Some(was) = set_at(out, Some(source), path.segs(), value) {
        comments.insert(path.clone(), format!("was {}", quote(&was)));
    }
}

/// Where `key` is among the entries of the source mapping, and its value there.
fn source_entry<'s>(source: Option<&'s Tree>, key: &str) -> Option<(usize, &'s Tree)> {
    source?
        .entries()
        .iter()
        .enumerate()
        .find(|(_, (k, _))| k == key)
        .map(|(i, (_, value))| (i, value))
}

fn null() -> Tree {
    tree(Node::Scalar {
        text: String::new(),
        kind: ScalarKind::Null,
        literal: false,
    })
}

/// Sets the string; returns what the source held there when it differs.
fn set_at(out: &mut Tree, source: Option<&Tree>, path: &[Seg], value: &str) -> Option<String> {
    let (first, rest) = path.split_first()?;
    // The overlay node the first step names (made when missing), and its source node.
    let (child, child_source) = match (first, &mut out.node) {
        (Seg::Key(key), Node::Map(entries)) => {
            let found = source_entry(source, key);
            let child_source = found.map(|(_, node)| node);
            let position = match entries.iter().position(|(k, _)| **k == **key) {
                Some(position) => position,
                None => {
                    let child = if rest.is_empty() {
                        null()
                    } else if matches!(rest.first(), Some(Seg::Index(_))) {
                        // A change inside a list: the whole list, as in the source.
                        child_source.map_or_else(|| tree(Node::Seq(Vec::new())), Tree::clone)
                    } else {
                        tree(Node::Map(Vec::new()))
                    };
                    // Before the first entry that comes later in the source; new keys after
                    // every key of the source, in the order they were set.
                    let index = found.map_or(usize::MAX, |(i, _)| i);
                    let at = entries
                        .iter()
                        .position(|(k, _)| {
                            source_entry(source, k).map_or(usize::MAX, |(i, _)| i) > index
                        })
                        .unwrap_or(entries.len());
                    entries.insert(at, (key.to_string(), child));
                    at
                }
            };
            let (_, child) = entries.get_mut(position)?;
            (child, child_source)
        }
        (Seg::Index(index), Node::Seq(items)) => {
            let child_source = source.and_then(|s| s.items().get(*index));
            (items.get_mut(*index)?, child_source)
        }
        // The path goes through a scalar of the source (a malformed values file): nothing to
        // set that Helm could merge.
        _ => return None,
    };
    if rest.is_empty() {
        let was = child_source.and_then(Tree::text).map(str::to_owned);
        *child = string(value);
        was.filter(|w| w != value)
    } else {
        set_at(child, child_source, rest, value)
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use super::*;
    use crate::documents::yaml::{Limits, load};

    fn render(source: &str, edits: &[(&[&str], &str)]) -> String {
        let docs = match load(source, 1, &Limits::default()) {
            Ok(docs) => docs,
            Err(e) => panic!("{e:?}"),
        };
        let file: Arc<str> = Arc::from("values.yaml");
        let snapshot = Tree::from_doc(&docs[0], docs[0].root().unwrap_or(0), &file);
        let mut out = tree(Node::Map(Vec::new()));
        let mut comments = Comments::new();
        for (path, value) in edits {
            let path = KeyPathBuf(
                path.iter()
                    .map(|step| match step.parse::<usize>() {
                        Ok(index) => Seg::Index(index),
                        Err(_) => Seg::key(step),
                    })
                    .collect(),
            );
            set(&mut out, &mut comments, &snapshot, &path, value);
        }
        crate::emit::yaml::document(&out, &comments)
    }

    #[test]
    fn only_changed_keys_are_written_in_source_order() {
        let source =
            "a:\n  registry: docker.io\n  repository: x\n  tag: 1.10\nb: {registry: quay.io}\n";
        let text = render(
            source,
            &[
                (&["b", "registry"], "r.local"),
                (&["a", "tag"], "1.10"),
                (&["a", "registry"], "r.local"),
            ],
        );
        assert_eq!(
            text,
            "a:\n  registry: \"r.local\"  # was \"docker.io\"\n  tag: \"1.10\"\nb:\n  registry: \"r.local\"  # was \"quay.io\"\n"
        );
    }

    #[test]
    fn a_change_inside_a_list_writes_the_whole_list() {
        let source =
            "images:\n  - name: a\n    image: x:1\n    replicas: 2\n  - name: b\n    image: y:2\n";
        let text = render(source, &[(&["images", "1", "image"], "r.local/y:2")]);
        assert_eq!(
            text,
            "images:\n  - name: \"a\"\n    image: \"x:1\"\n    replicas: 2\n  - name: \"b\"\n    image: \"r.local/y:2\"  # was \"y:2\"\n"
        );
    }

    #[test]
    fn new_keys_come_after_the_source_keys() {
        let text = render(
            "image:\n  repository: x\n  pullPolicy: Always\n",
            &[
                (&["image", "tag"], "2.0"),
                (&["image", "repository"], "r.local/x"),
            ],
        );
        assert_eq!(
            text,
            "image:\n  repository: \"r.local/x\"  # was \"x\"\n  tag: \"2.0\"\n"
        );
    }
}
