//! Documents: byte streams cut into YAML documents, and the trees that hold them.
//!
//! - `split.rs` cuts a stream into document pieces without parsing it;
//! - `read.rs` turns a piece into text (UTF-8, byte order marks) and parsed documents, with
//!   the diagnostics every reader of documents gives in the same words;
//! - `path.rs`: key paths, walked and owned (extractors and renderers name keys with them);
//! - `yaml.rs` is the parsed form: a bounded arena of nodes with positions ([`Doc`]);
//! - `tree.rs` is the owned form that renderers build and change, every node keeping where
//!   its text came from ([`Tree`]).
//!
//! Deciding what a document means is the extractors' job; where a document comes from, the
//! inputs' and renderers'.

pub mod path;
pub mod read;
pub mod split;
pub mod tree;
pub mod yaml;

use std::sync::Arc;

pub use tree::{Node, Tree};
pub use yaml::{Doc, Limits, NodeId, NodeOrigin, Scalar, ScalarKind, Value};

/// Whether two shared lists are the same one in memory (or both absent).
fn same_list<T>(a: &Option<Arc<[T]>>, b: &Option<Arc<[T]>>) -> bool {
    match (a, b) {
        (None, None) => true,
        (Some(a), Some(b)) => Arc::ptr_eq(a, b),
        _ => false,
    }
}

/// The transforms that changed a piece of text, in the order they ran (a kustomize `images`
/// entry, then a patch). Cheap to clone: built documents share one list per origin.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash)]
pub struct Steps(Option<Arc<[Arc<str>]>>);

impl Steps {
    /// These steps, then `step`.
    pub fn then(&self, step: &str) -> Steps {
        let mut steps: Vec<Arc<str>> = self.iter().map(Arc::from).collect();
        steps.push(Arc::from(step));
        Steps(Some(steps.into()))
    }

    /// These steps, then `step`, unless `step` is already the last of them: a subtree that a
    /// patch copies again and again (a copy of a copy) was still changed by that one patch.
    pub fn then_once(&self, step: &Arc<str>) -> Steps {
        if self.iter().last() == Some(&**step) {
            return self.clone();
        }
        let mut steps: Vec<Arc<str>> = self.0.iter().flat_map(|s| s.iter().cloned()).collect();
        steps.push(Arc::clone(step));
        Steps(Some(steps.into()))
    }

    /// Whether both are the same list in memory (not only equal): a cheap test for sharing.
    pub fn same(&self, other: &Steps) -> bool {
        same_list(&self.0, &other.0)
    }

    /// Whether nothing changed the text.
    pub fn is_empty(&self) -> bool {
        self.0.is_none()
    }

    /// Each step, in order.
    pub fn iter(&self) -> impl Iterator<Item = &str> {
        self.0.iter().flat_map(|steps| steps.iter().map(|s| &**s))
    }

    /// The steps as one sentence (`a; then b`), as the JSON output gives them.
    pub fn joined(&self) -> Option<String> {
        self.0.as_ref().map(|steps| {
            steps
                .iter()
                .map(|s| &**s)
                .collect::<Vec<&str>>()
                .join("; then ")
        })
    }
}

/// A values key that a rendered text was printed from, found by tracing the render: the key
/// in the release's values (a subchart's under its name), where it is set, and the text it
/// gave. A `Chart.yaml` field a template defaults to (`appVersion`) is one too.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct ValuesKey {
    /// The key path (`image.registry`, `redis.image.tag`), or the `Chart.yaml` field.
    pub key: path::KeyPathBuf,
    /// Whether the key is a `Chart.yaml` field rather than a value.
    pub metadata: bool,
    /// Where it is set (a values file, the chart's `values.yaml`, `Chart.yaml`), when known.
    pub at: Option<(Arc<str>, u64, u64)>,
    /// The text it gave to the rendered string.
    pub text: String,
    /// Whether that text is the key's whole value (not cut by a function: `trimPrefix`).
    pub whole: bool,
    /// Which line of the rendered scalar the text is on, counted from its first line (0): a
    /// scalar holding a config (a ConfigMap's file) has keys on many lines.
    pub line_in: u64,
}

/// The values keys a rendered string was printed from, in the order they appear in it: `None`
/// for text that no render traced, an empty list for rendered text that no value printed.
/// Cheap to clone.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash)]
pub struct Traced(pub Option<Arc<[ValuesKey]>>);

impl Traced {
    /// Whether a traced render printed the text.
    pub fn is_traced(&self) -> bool {
        self.0.is_some()
    }

    /// Whether both are the same list in memory (or both untraced): a cheap test for sharing.
    pub fn same(&self, other: &Traced) -> bool {
        same_list(&self.0, &other.0)
    }

    /// The keys.
    pub fn keys(&self) -> &[ValuesKey] {
        self.0.as_deref().unwrap_or(&[])
    }

    /// Whether no key is known.
    pub fn is_empty(&self) -> bool {
        self.keys().is_empty()
    }
}

/// Where a piece of text is: its file (as displayed), 1-based line and column, and the
/// transforms that made it. Every position imgsift reports is one of these.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct At {
    /// The file, as displayed (`-` for standard input, `x.tgz!/chart/values.yaml` inside an
    /// archive).
    pub file: Arc<str>,
    /// 1-based line.
    pub line: u64,
    /// 1-based column, in characters.
    pub column: u64,
    /// The transforms that changed it.
    pub steps: Steps,
    /// For rendered text, the values keys it was printed from.
    pub traced: Traced,
}

impl At {
    /// A position in `file`.
    pub fn new(file: &Arc<str>, line: u64, column: u64) -> At {
        At {
            file: Arc::clone(file),
            line,
            column,
            steps: Steps::default(),
            traced: Traced::default(),
        }
    }

    /// The same position, changed by `step` too.
    pub fn through(&self, step: &str) -> At {
        At {
            steps: self.steps.then(step),
            ..self.clone()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn steps_keep_their_order_and_join_as_one_sentence() {
        let steps = Steps::default();
        assert!(steps.is_empty());
        assert_eq!(steps.joined(), None);
        let steps = steps.then("images").then("a patch; with a semicolon");
        assert_eq!(
            steps.iter().collect::<Vec<_>>(),
            ["images", "a patch; with a semicolon"]
        );
        assert_eq!(
            steps.joined().as_deref(),
            Some("images; then a patch; with a semicolon")
        );
    }
}
