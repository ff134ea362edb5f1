//! The walking state of one document: where its nodes are in the file, which object holds
//! them, and the one rule every class shares for offering a string as an image.
//!
//! [`Extractor::candidate`] decides when a string found somewhere counts as an image: never a
//! template placeholder or an empty string, only qualified references for classes that guess
//! (`configmap`, `env`, `arg`, `annotation`), and only what the reference grammar accepts. A
//! structural class (`podspec`, `crd`, `chart`) that meets an `image` string the grammar
//! rejects says so in a warning; a guessing class stays silent, since most of what it looks at
//! was never meant to be an image.
//!
//! Documents can hold documents: a ConfigMap value holding JSON, a Chart.yaml annotation
//! holding a YAML list. Those are parsed on their own and walked by an [`Extractor`] whose
//! [`Origin`] maps their positions back into the file and whose key path continues the outer
//! one ([`Extractor::nested`]).

use std::sync::Arc;

use super::model::{Class, ExtractOptions, Finding, Output, Source};
use super::path::KeyPath;
use super::rules::{is_placeholder, is_qualified};
use crate::diag::{Code, Diagnostic};
use crate::documents::{At, Doc, NodeId, Scalar, Steps, yaml};
use crate::kube::Object;
use crate::reference::Reference;

/// Maps positions of a nested document onto the file.
///
/// A document read from a literal block scalar (`key: |`) keeps its lines: its line `l`, column
/// `c` is the file's line `line + l - 1`, column `c + indent`. A document read from any other
/// scalar (quoted, folded, plain) has its lines folded or escaped, so every position inside it
/// is reported at the scalar's own position.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Origin {
    line: u64,
    column: u64,
    indent: u64,
    exact: bool,
}

impl Origin {
    /// The identity: positions are already file positions.
    pub const FILE: Origin = Origin {
        line: 1,
        column: 1,
        indent: 0,
        exact: true,
    };

    /// Maps a position of the nested document.
    pub fn map(&self, line: u64, column: u64) -> (u64, u64) {
        if self.exact {
            (self.line + line.saturating_sub(1), column + self.indent)
        } else {
            (self.line, self.column)
        }
    }

    /// The origin of a document held in `scalar` written at `(line, column)` of the document
    /// this origin maps.
    pub fn nested(&self, scalar: &Scalar<'_>, line: u64, column: u64) -> Origin {
        let (line, column) = self.map(line, column);
        Origin {
            line,
            column,
            indent: column.saturating_sub(1),
            exact: self.exact && scalar.literal,
        }
    }
}

/// Per-document extraction state.
pub struct Extractor<'e, 'a> {
    doc: &'e Doc<'a>,
    /// The file of the document's own nodes (built documents say per node).
    file: Arc<str>,
    /// The transforms of the document's own nodes (a document held in a built one inherits
    /// them).
    steps: Steps,
    document: u32,
    pub(super) options: ExtractOptions,
    pub(super) object: Option<Arc<Object>>,
    pub(super) origin: Origin,
    /// How many documents deep this one is held (0 for the file's own documents).
    depth: u8,
    /// For a document held in a rendered string, the values keys that string was printed
    /// from: each reference found in it takes those whose text it holds.
    held: crate::documents::Traced,
    /// The line of that string (its document's lines follow it).
    held_line: u64,
    pub(super) out: &'e mut Output,
    /// Values entries recorded so far in this document, for their walk order.
    seq: u32,
}

/// The keys of a rendered string holding a document that a reference found in it (on line
/// `line_in` of the string) was printed from: those whose text is a whole part of the
/// reference (it starts there or after a `/`, `:` or `@`, and ends at its end or before one)
/// and that are printed on the reference's line, or, for a reference composed of values on
/// other lines (Istio's `hub`, `image`, `tag`), that begin or end it. A value that only
/// happens to read like a part of the name elsewhere in the config is not taken for it.
///
/// Keys that gave the same text (`proxy.image` and `proxy_init.image`, both `proxyv2`) are
/// told apart by the reference's own key path: those whose path ends most like it are kept.
pub(super) fn held_keys(
    held: &crate::documents::Traced,
    text: &str,
    line_in: u64,
    path: &crate::documents::path::KeyPathBuf,
) -> crate::documents::Traced {
    let boundary = |c: char| matches!(c, '/' | ':' | '@');
    let alike = |key: &crate::documents::ValuesKey| {
        key.key
            .segs()
            .iter()
            .rev()
            .zip(path.segs().iter().rev())
            .take_while(|(a, b)| a == b)
            .count()
    };
    let mut keys: Vec<crate::documents::ValuesKey> = held
        .keys()
        .iter()
        .filter(|key| {
            let part = key.text.as_str();
            let near = key.line_in == line_in || key.line_in + 1 == line_in;
            !part.is_empty()
                && text.match_indices(part).any(|(i, _)| {
                    let before = text[..i].chars().next_back();
                    let after = text[i + part.len()..].chars().next();
                    let whole = before.is_none_or(boundary) && after.is_none_or(boundary);
                    whole && (near || before.is_none() || after.is_none())
                })
        })
        .cloned()
        .collect();
    let best: std::collections::HashMap<String, usize> =
        keys.iter().fold(Default::default(), |mut best, key| {
            let score = alike(key);
            let entry = best.entry(key.text.clone()).or_insert(score);
            *entry = (*entry).max(score);
            best
        });
    keys.retain(|key| best.get(&key.text).is_none_or(|&b| alike(key) == b));
    crate::documents::Traced(Some(keys.into()))
}

/// The registry placeholder of K3s's and RKE2's packaged manifests.
const SYSTEM_DEFAULT_REGISTRY: &str = "%{SYSTEM_DEFAULT_REGISTRY}%";

/// What a source read past the placeholder says about it.
const PLACEHOLDER_STEP: &str = "%{SYSTEM_DEFAULT_REGISTRY}% left out: K3s and RKE2 fill it with nothing on a default install, with the registry given to --system-default-registry otherwise";

/// How deep documents inside strings are followed (a template in a config in a ConfigMap is 2).
const MAX_NESTING: u8 = 3;

impl<'e, 'a> Extractor<'e, 'a> {
    /// An extractor for the file's own document `doc`, the `document`-th of `file`.
    pub fn new(
        doc: &'e Doc<'a>,
        file: &Arc<str>,
        document: u32,
        options: ExtractOptions,
        out: &'e mut Output,
    ) -> Self {
        Extractor {
            doc,
            file: Arc::clone(file),
            steps: Steps::default(),
            document,
            options,
            object: None,
            origin: Origin::FILE,
            depth: 0,
            held: Default::default(),
            held_line: 0,
            out,
            seq: 0,
        }
    }

    /// The document being read.
    pub fn doc(&self) -> &'e Doc<'a> {
        self.doc
    }

    /// The file position of a node.
    pub fn position(&self, node: NodeId) -> (u64, u64) {
        let (line, column) = self.doc.position(node);
        self.origin.map(line, column)
    }

    /// How many documents deep this one is held (0 for the file's own documents).
    pub fn depth(&self) -> u8 {
        self.depth
    }

    /// The document's 1-based index in its file.
    pub fn document(&self) -> u32 {
        self.document
    }

    /// The file of the document's own nodes.
    pub fn file(&self) -> &Arc<str> {
        &self.file
    }

    /// Where a node is: its file, position and transforms.
    pub fn locate(&self, node: NodeId) -> At {
        let (line, column) = self.position(node);
        match self.doc.origin(node) {
            Some(origin) => At {
                file: Arc::clone(&origin.file),
                line,
                column,
                steps: origin.steps.clone(),
                traced: origin.traced.clone(),
            },
            None => At {
                file: Arc::clone(&self.file),
                line,
                column,
                steps: self.steps.clone(),
                traced: Default::default(),
            },
        }
    }

    /// Where the text at byte `column` (0-based) of line `line_in` (0-based) of the string at
    /// `node` is: on its own line of the file when the string is a literal block (`|`), whose
    /// lines are the file's, else at the string's position.
    pub fn locate_in(&self, node: NodeId, line_in: usize, column: usize) -> At {
        let mut at = self.locate(node);
        if let Some(scalar) = self.doc.scalar(node) {
            let (line, col) = self.doc.position(node);
            let origin = self.origin.nested(scalar, line, col);
            (at.line, at.column) = origin.map(line_in as u64 + 1, column as u64 + 1);
        }
        at
    }

    /// Where a reference joined from several nodes is (`repository` + `image` + `version`):
    /// at `node`, with the values keys of all of them, so that a rendered reference keeps
    /// the key of each part.
    pub fn locate_joined(&self, node: NodeId, others: &[NodeId]) -> At {
        let mut at = self.locate(node);
        if !at.traced.is_traced() {
            return at;
        }
        let mut keys: Vec<crate::documents::ValuesKey> = at.traced.keys().to_vec();
        for &other in others {
            for key in self.locate(other).traced.keys() {
                if !keys.contains(key) {
                    keys.push(key.clone());
                }
            }
        }
        at.traced = crate::documents::Traced(Some(keys.into()));
        at
    }

    /// Offers the string at `node` as an image of `class`; see the module documentation.
    pub fn candidate(&mut self, node: NodeId, path: &KeyPath<'_>, class: Class) {
        self.offer_node(node, path, class, !class.is_inferred());
    }

    /// Like [`Extractor::candidate`], but a string the grammar rejects is passed over in
    /// silence: for keys that only suggest an image by their name (`thumbnailImage` may hold
    /// a URL), a warning would be noise.
    pub fn candidate_by_name(&mut self, node: NodeId, path: &KeyPath<'_>, class: Class) {
        self.offer_node(node, path, class, false);
    }

    fn offer_node(&mut self, node: NodeId, path: &KeyPath<'_>, class: Class, warn: bool) {
        let doc = self.doc;
        let at = self.locate(node);
        match doc.str(node) {
            Some(text) => self.offer(text, at, path, class, warn),
            None => {
                if warn && !doc.is_null(node) {
                    self.warn(
                        Code::NotAString,
                        &at,
                        format!("{path} is not a string, so it is not an image reference"),
                    );
                }
            }
        }
    }

    /// Offers a reference that is not one scalar (composed from parts, or cut out of a text),
    /// reported at `at`.
    pub fn candidate_text(&mut self, text: &str, at: At, path: &KeyPath<'_>, class: Class) {
        self.offer(text, at, path, class, !class.is_inferred());
    }

    fn offer(&mut self, text: &str, at: At, path: &KeyPath<'_>, class: Class, warn: bool) {
        if self.options.strict && !class.is_strict() {
            return;
        }
        let text = if class.is_inferred() {
            text.trim()
        } else {
            text
        };
        if text.is_empty() || is_placeholder(text) {
            return;
        }
        // K3s and RKE2 fill `%{SYSTEM_DEFAULT_REGISTRY}%` when they deploy a packaged manifest:
        // empty on a default install, `REGISTRY/` with `--system-default-registry`. What a
        // default install pulls is the rest; the source says so.
        let written = text;
        let (text, at) = match text.strip_prefix(SYSTEM_DEFAULT_REGISTRY) {
            Some(rest) => (rest, at.through(PLACEHOLDER_STEP)),
            None => (text, at),
        };
        if text.is_empty() {
            return;
        }
        if class.is_inferred() && !is_qualified(text) {
            return;
        }
        if !class.is_inferred() && text.trim() != text {
            // The API server refuses such an object, so nothing would be pulled.
            if warn {
                self.warn(
                    Code::WhiteSpace,
                    &at,
                    format!(
                        "{path}: {text:?} has leading or trailing white space, which Kubernetes refuses"
                    ),
                );
            }
            return;
        }
        let mut at = at;
        if !at.traced.is_traced() && self.held.is_traced() {
            let line_in = at.line.saturating_sub(self.held_line);
            at.traced = held_keys(&self.held, text, line_in, &path.to_buf());
        }
        match Reference::parse_normalized(text) {
            Ok(reference) => {
                let source = self
                    .options
                    .keep_sources
                    .then(|| self.source(at, path, class, written));
                self.out.findings.push(Finding {
                    reference,
                    class,
                    source,
                });
            }
            Err(err) => {
                if warn {
                    // ko's build references are replaced by `ko resolve` with the image it
                    // builds and pushes: a manifest from a source tree, not a release.
                    let why = if text.starts_with("ko://") {
                        "a ko build reference, which `ko resolve` replaces with the image it builds"
                            .to_owned()
                    } else {
                        err.to_string()
                    };
                    self.warn(
                        Code::NotAReference,
                        &at,
                        format!("{path}: {text:?} is not an image reference ({why})"),
                    );
                }
            }
        }
    }

    fn warn(&mut self, code: Code, at: &At, message: String) {
        self.out.diagnostics.push(Diagnostic::warning(
            code, &at.file, at.line, at.column, message,
        ));
    }

    /// A source at `at`, for the current object.
    pub(super) fn source(&self, at: At, path: &KeyPath<'_>, class: Class, raw: &str) -> Source {
        Source {
            file: at.file,
            line: at.line,
            column: at.column,
            document: self.document,
            object: self.object.clone(),
            path: path.to_buf(),
            class,
            raw: raw.to_owned(),
            tag_from: None,
            steps: at.steps,
            values: at.traced,
            rule: None,
        }
    }

    /// The next walk-order number of a values entry of this document.
    pub(super) fn next_seq(&mut self) -> u32 {
        self.seq += 1;
        self.seq
    }

    /// Parses the string at `node` as YAML (JSON included) and hands each document that has
    /// structure to `walk`, with positions and key paths continuing this document's. Returns
    /// whether the text parsed as YAML. Strings that do not parse are left to the caller.
    pub fn nested<F>(&mut self, node: NodeId, path: &KeyPath<'_>, mut walk: F) -> bool
    where
        F: for<'n, 'm> FnMut(&mut Extractor<'n, 'm>, NodeId, &mut KeyPath<'n>),
    {
        if self.depth >= MAX_NESTING {
            return false;
        }
        let doc = self.doc;
        let Some(scalar) = doc.scalar(node) else {
            return false;
        };
        let (line, column) = doc.position(node);
        let origin = self.origin.nested(scalar, line, column);
        let held_in = self.locate(node);
        let Ok(docs) = yaml::load(&scalar.text, 1, &self.options.limits) else {
            return false;
        };
        let prefix = path.to_buf();
        for inner in &docs {
            let Some(root) = inner.root() else { continue };
            if !inner.is_map(root) && !inner.is_seq(root) {
                continue;
            }
            let mut child = Extractor {
                doc: inner,
                file: Arc::clone(&held_in.file),
                steps: held_in.steps.clone(),
                document: self.document,
                options: self.options,
                object: self.object.clone(),
                origin,
                depth: self.depth + 1,
                held: held_in.traced.clone(),
                held_line: held_in.line,
                out: &mut *self.out,
                seq: 0,
            };
            let mut inner_path = KeyPath::under(prefix.clone());
            walk(&mut child, root, &mut inner_path);
        }
        true
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn origins_map_literal_blocks_line_for_line_and_others_to_the_scalar() {
        let literal = Scalar {
            text: "".into(),
            kind: crate::documents::ScalarKind::Str,
            plain: false,
            literal: true,
        };
        let quoted = Scalar {
            literal: false,
            ..literal.clone()
        };
        let origin = Origin::FILE.nested(&literal, 10, 5);
        assert_eq!(origin.map(1, 1), (10, 5));
        assert_eq!(origin.map(3, 7), (12, 11));
        let inner = origin.nested(&literal, 2, 3);
        assert_eq!(inner.map(2, 1), (12, 7));
        let folded = Origin::FILE.nested(&quoted, 10, 5);
        assert_eq!(folded.map(3, 7), (10, 5));
        assert_eq!(origin.nested(&quoted, 2, 3).map(5, 5), (11, 7));
    }
}
