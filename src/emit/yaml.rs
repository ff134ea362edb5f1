//! The YAML text of the trees imgsift writes (values overlays, kustomization lists).
//!
//! Block style throughout. Strings are written double-quoted (JSON escapes are valid YAML),
//! so `"1.10"` stays a string; numbers and booleans copied from a source are written as they
//! were, nulls as `null`. A scalar may carry a trailing comment (what an overlay replaced).

use std::collections::BTreeMap;

use crate::documents::{Node, ScalarKind, Tree};
use crate::extract::{KeyPathBuf, Seg};

/// A string as a YAML double-quoted scalar.
pub fn quote(text: &str) -> String {
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

/// A mapping key as written.
pub fn key_text(key: &str) -> String {
    if plain_key(key) {
        key.to_owned()
    } else {
        quote(key)
    }
}

/// Comments to write after scalars, by key path.
pub type Comments = BTreeMap<KeyPathBuf, String>;

/// The YAML text of one document (without `---`).
pub fn document(tree: &Tree, comments: &Comments) -> String {
    let mut writer = Writer {
        out: String::new(),
        path: Vec::new(),
        comments,
    };
    match &tree.node {
        Node::Map(entries) if !entries.is_empty() => writer.map(entries, 0),
        Node::Map(_) => writer.out.push_str("{}\n"),
        _ => writer.value(tree, 0),
    }
    writer.out
}

struct Writer<'c> {
    out: String,
    path: Vec<Seg>,
    comments: &'c Comments,
}

impl Writer<'_> {
    fn indent(&mut self, indent: usize) {
        self.out.extend(std::iter::repeat_n(' ', indent));
    }

    fn map(&mut self, entries: &[(String, Tree)], indent: usize) {
        for (key, value) in entries {
            self.indent(indent);
            self.entry(key, value, indent);
        }
    }

    /// `key: value`, the indentation already written.
    fn entry(&mut self, key: &str, value: &Tree, indent: usize) {
        self.out.push_str(&key_text(key));
        self.out.push(':');
        self.path.push(Seg::key(key));
        self.value(value, indent);
        self.path.pop();
    }

    /// Writes what follows `key:` (or `- `).
    fn value(&mut self, value: &Tree, indent: usize) {
        match &value.node {
            Node::Scalar { text, kind, .. } => {
                self.out.push(' ');
                match kind {
                    ScalarKind::Str => self.out.push_str(&quote(text)),
                    ScalarKind::Null => self.out.push_str("null"),
                    ScalarKind::Bool | ScalarKind::Number => self.out.push_str(text),
                }
                if let Some(comment) = self.comments.get(&KeyPathBuf(self.path.clone())) {
                    self.out.push_str("  # ");
                    self.out.push_str(comment);
                }
                self.out.push('\n');
            }
            Node::Map(entries) if entries.is_empty() => self.out.push_str(" {}\n"),
            Node::Seq(items) if items.is_empty() => self.out.push_str(" []\n"),
            Node::Map(entries) => {
                self.out.push('\n');
                self.map(entries, indent + 2);
            }
            Node::Seq(items) => {
                self.out.push('\n');
                self.seq(items, indent + 2);
            }
        }
    }

    fn seq(&mut self, items: &[Tree], indent: usize) {
        for (i, item) in items.iter().enumerate() {
            self.indent(indent);
            self.out.push('-');
            self.path.push(Seg::Index(i));
            match &item.node {
                Node::Map(entries) if !entries.is_empty() => {
                    // The first entry on the dash's line, the others aligned under it.
                    for (n, (key, value)) in entries.iter().enumerate() {
                        if n == 0 {
                            self.out.push(' ');
                        } else {
                            self.indent(indent + 2);
                        }
                        self.entry(key, value, indent + 2);
                    }
                }
                _ => self.value(item, indent),
            }
            self.path.pop();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
