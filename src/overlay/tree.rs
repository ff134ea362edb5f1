//! The overlay as an ordered tree, and its YAML text.
//!
//! Keys keep the order of the source: a key that exists in the values is placed at its index
//! there, a new key (a resolved `tag`) after the keys the source had. When a change is inside a
//! list, the whole list is copied from the source with the change applied, because Helm replaces
//! lists instead of merging them. Strings are written double-quoted (JSON escapes are valid
//! YAML), so `"1.10"` stays a string; numbers, booleans and nulls copied from the source are
//! written as they were. A changed scalar carries a comment with what it was.

use crate::document::{Doc, NodeId, ScalarKind, Value};
use crate::extract::Seg;

/// A node of the overlay.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Out {
    /// A mapping; each entry has the key's index in the source mapping, when it has one.
    Map(Vec<(String, Out, usize)>),
    /// A sequence.
    Seq(Vec<Out>),
    /// A scalar: its text, whether it is a string (written quoted), and what it replaced.
    Scalar {
        /// The value.
        text: String,
        /// Written double-quoted.
        quoted: bool,
        /// The previous value, for the comment.
        was: Option<String>,
    },
}

impl Out {
    /// An empty mapping.
    pub fn map() -> Out {
        Out::Map(Vec::new())
    }

    /// A string scalar.
    pub fn string(text: &str) -> Out {
        Out::Scalar {
            text: text.to_owned(),
            quoted: true,
            was: None,
        }
    }

    /// Appends an entry to a mapping (after every entry it has).
    pub fn push(&mut self, key: &str, value: Out) {
        if let Out::Map(entries) = self {
            entries.push((key.to_owned(), value, usize::MAX));
        }
    }

    /// Whether it is an empty mapping or sequence.
    pub fn is_empty(&self) -> bool {
        match self {
            Out::Map(entries) => entries.is_empty(),
            Out::Seq(items) => items.is_empty(),
            Out::Scalar { .. } => false,
        }
    }
}

/// A deep copy of the source node, for lists written whole.
fn copy(doc: &Doc<'_>, id: NodeId, depth: usize) -> Out {
    let Some(node) = doc.node(id) else {
        return scalar_null();
    };
    // The loader bounds nesting, so this recursion is bounded too.
    if depth > 1024 {
        return scalar_null();
    }
    match &node.value {
        Value::Map(_) => Out::Map(
            doc.entries(id)
                .into_iter()
                .enumerate()
                .map(|(i, (key, _, value))| (key.to_owned(), copy(doc, value, depth + 1), i))
                .collect(),
        ),
        Value::Seq(items) => Out::Seq(items.iter().map(|&i| copy(doc, i, depth + 1)).collect()),
        Value::Scalar(s) => match s.kind {
            ScalarKind::Null => scalar_null(),
            ScalarKind::Str => Out::Scalar {
                text: s.text.to_string(),
                quoted: true,
                was: None,
            },
            ScalarKind::Bool | ScalarKind::Number => Out::Scalar {
                text: s.text.to_string(),
                quoted: false,
                was: None,
            },
        },
        Value::Alias(_) => scalar_null(),
    }
}

fn scalar_null() -> Out {
    Out::Scalar {
        text: "null".to_owned(),
        quoted: false,
        was: None,
    }
}

/// The index of `key` among the entries of the source mapping `map`.
fn source_index(doc: &Doc<'_>, map: Option<NodeId>, key: &str) -> Option<(usize, NodeId)> {
    let map = map?;
    doc.entries(map)
        .into_iter()
        .enumerate()
        .find(|(_, (k, _, _))| *k == key)
        .map(|(i, (_, _, value))| (i, value))
}

/// Sets the string at `path` in the overlay `out`, whose source is `doc`.
pub fn set(out: &mut Out, doc: &Doc<'_>, path: &[Seg], value: &str) {
    set_at(out, doc, doc.root(), path, value);
}

fn set_at(out: &mut Out, doc: &Doc<'_>, source: Option<NodeId>, path: &[Seg], value: &str) {
    let Some((first, rest)) = path.split_first() else {
        return;
    };
    // The overlay node the first segment names (made when missing), and its source node.
    let (child, child_source) = match (first, out) {
        (Seg::Key(key), Out::Map(entries)) => {
            let found = source_index(doc, source, key);
            let child_source = found.map(|(_, node)| node);
            let position = match entries.iter().position(|(k, _, _)| k == key) {
                Some(position) => position,
                None => {
                    let child = if rest.is_empty() {
                        scalar_null()
                    } else if matches!(rest.first(), Some(Seg::Index(_))) {
                        // A change inside a list: the whole list, as in the source.
                        child_source.map_or(Out::Seq(Vec::new()), |node| copy(doc, node, 0))
                    } else {
                        Out::map()
                    };
                    let index = found.map_or(usize::MAX, |(i, _)| i);
                    entries.push((key.clone(), child, index));
                    entries.len() - 1
                }
            };
            let Some((_, child, _)) = entries.get_mut(position) else {
                return;
            };
            (child, child_source)
        }
        (Seg::Index(index), Out::Seq(items)) => {
            let child_source = source.and_then(|s| doc.items(s).get(*index).copied());
            let Some(child) = items.get_mut(*index) else {
                return;
            };
            (child, child_source)
        }
        // The path goes through a scalar of the source (a malformed values file): nothing to
        // set that Helm could merge.
        _ => return,
    };
    if rest.is_empty() {
        let was = child_source
            .and_then(|node| doc.text(node))
            .map(str::to_owned);
        *child = Out::Scalar {
            text: value.to_owned(),
            quoted: true,
            was: was.filter(|w| w != value),
        };
    } else {
        set_at(child, doc, child_source, rest, value);
    }
}

fn quote(text: &str) -> String {
    serde_json::to_string(text).unwrap_or_else(|_| format!("{text:?}"))
}

/// Whether a key can be written without quotes.
fn plain_key(key: &str) -> bool {
    let reserved = matches!(
        key.to_ascii_lowercase().as_str(),
        "true" | "false" | "null" | "yes" | "no" | "on" | "off" | "y" | "n" | "~" | ""
    );
    !reserved
        && key
            .chars()
            .next()
            .is_some_and(|c| c.is_ascii_alphanumeric() || c == '_')
        && key
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.' | '/'))
}

fn key_text(key: &str) -> String {
    if plain_key(key) {
        key.to_owned()
    } else {
        quote(key)
    }
}

fn scalar_text(text: &str, quoted: bool, was: &Option<String>) -> String {
    let value = if quoted { quote(text) } else { text.to_owned() };
    match was {
        Some(was) => format!("{value}  # was {}", quote(was)),
        None => value,
    }
}

fn sorted(entries: &[(String, Out, usize)]) -> Vec<&(String, Out, usize)> {
    let mut sorted: Vec<&(String, Out, usize)> = entries.iter().collect();
    // Stable: new keys keep the order they were added in, after the source's keys.
    sorted.sort_by_key(|(_, _, index)| *index);
    sorted
}

fn write_map(entries: &[(String, Out, usize)], indent: usize, out: &mut String) {
    for (key, value, _) in sorted(entries) {
        out.push_str(&" ".repeat(indent));
        out.push_str(&key_text(key));
        out.push(':');
        write_value(value, indent, out);
    }
}

/// Writes what follows `key:` (or `- `).
fn write_value(value: &Out, indent: usize, out: &mut String) {
    match value {
        Out::Scalar { text, quoted, was } => {
            out.push(' ');
            out.push_str(&scalar_text(text, *quoted, was));
            out.push('\n');
        }
        Out::Map(entries) if entries.is_empty() => out.push_str(" {}\n"),
        Out::Seq(items) if items.is_empty() => out.push_str(" []\n"),
        Out::Map(entries) => {
            out.push('\n');
            write_map(entries, indent + 2, out);
        }
        Out::Seq(items) => {
            out.push('\n');
            write_seq(items, indent + 2, out);
        }
    }
}

fn write_seq(items: &[Out], indent: usize, out: &mut String) {
    for item in items {
        out.push_str(&" ".repeat(indent));
        out.push('-');
        match item {
            Out::Map(entries) if !entries.is_empty() => {
                // The first entry on the dash's line, the others aligned under it.
                let mut first = true;
                for (key, value, _) in sorted(entries) {
                    if first {
                        out.push(' ');
                        first = false;
                    } else {
                        out.push_str(&" ".repeat(indent + 2));
                    }
                    out.push_str(&key_text(key));
                    out.push(':');
                    write_value(value, indent + 2, out);
                }
            }
            other => write_value(other, indent, out),
        }
    }
}

/// The YAML text of one overlay document (without `---`).
pub fn render_document(out: &Out) -> String {
    let mut text = String::new();
    match out {
        Out::Map(entries) if !entries.is_empty() => write_map(entries, 0, &mut text),
        Out::Map(_) => text.push_str("{}\n"),
        other => write_value(other, 0, &mut text),
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::document::{Limits, load};

    fn render(source: &str, edits: &[(&[Seg], &str)]) -> String {
        let docs = match load(source, 1, &Limits::default()) {
            Ok(docs) => docs,
            Err(e) => panic!("{e:?}"),
        };
        let doc = &docs[0];
        let mut out = Out::map();
        for (path, value) in edits {
            set(&mut out, doc, path, value);
        }
        render_document(&out)
    }

    fn key(k: &str) -> Seg {
        Seg::Key(k.to_owned())
    }

    #[test]
    fn only_changed_keys_are_written_in_source_order() {
        let source =
            "a:\n  registry: docker.io\n  repository: x\n  tag: 1.10\nb: {registry: quay.io}\n";
        let text = render(
            source,
            &[
                (&[key("b"), key("registry")], "r.local"),
                (&[key("a"), key("tag")], "1.10"),
                (&[key("a"), key("registry")], "r.local"),
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
        let text = render(
            source,
            &[(&[key("images"), Seg::Index(1), key("image")], "r.local/y:2")],
        );
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
                (&[key("image"), key("tag")], "2.0"),
                (&[key("image"), key("repository")], "r.local/x"),
            ],
        );
        assert_eq!(
            text,
            "image:\n  repository: \"r.local/x\"  # was \"x\"\n  tag: \"2.0\"\n"
        );
    }

    #[test]
    fn keys_that_need_quotes_get_them() {
        assert_eq!(key_text("on"), "\"on\"");
        assert_eq!(key_text("a b"), "\"a b\"");
        assert_eq!(key_text("kfpV2"), "kfpV2");
        assert_eq!(
            key_text("sidecar.istio.io/proxyImage"),
            "sidecar.istio.io/proxyImage"
        );
    }
}
