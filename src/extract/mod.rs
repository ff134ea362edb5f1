//! Extractors: from one parsed document to the image references it holds, with provenance.
//!
//! Each source class of the contract has its own file; this module dispatches a document to
//! them and owns the one rule every class shares: when a string found somewhere counts as an
//! image ([`Extractor::candidate`]): never a template placeholder or an empty string, only
//! qualified references for classes that guess (`configmap`, `env`, `arg`, `annotation`), and
//! only what the reference grammar accepts. A structural class (`podspec`, `crd`) that meets a
//! string the grammar rejects says so in a warning; a guessing class stays silent, since most
//! of what it looks at was never meant to be an image.

mod crd;
mod podspec;

use std::fmt::{self, Write as _};
use std::sync::Arc;

use serde::Serialize;

use crate::diag::Diagnostic;
use crate::document::{Doc, NodeId};
use crate::kube::{self, Object};
use crate::reference::Reference;

/// Where an image was found: the `class` of a source in the contract.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Class {
    /// A container of a pod spec (or a pod template's spec, or an image volume).
    Podspec,
    /// An image field of a custom resource outside any pod spec.
    Crd,
    /// A ConfigMap's data.
    Configmap,
    /// A container env var.
    Env,
    /// A container command or argument.
    Arg,
    /// An annotation.
    Annotation,
    /// A Helm values file.
    Values,
    /// A Chart.yaml image annotation.
    Chart,
}

impl Class {
    /// Whether the class guesses from names and so only accepts qualified references.
    pub fn is_inferred(self) -> bool {
        matches!(
            self,
            Class::Configmap | Class::Env | Class::Arg | Class::Annotation
        )
    }

    /// Whether `--strict` keeps the class.
    pub fn is_strict(self) -> bool {
        matches!(self, Class::Podspec | Class::Crd)
    }

    /// The class's name in output.
    pub fn as_str(self) -> &'static str {
        match self {
            Class::Podspec => "podspec",
            Class::Crd => "crd",
            Class::Configmap => "configmap",
            Class::Env => "env",
            Class::Arg => "arg",
            Class::Annotation => "annotation",
            Class::Values => "values",
            Class::Chart => "chart",
        }
    }
}

impl fmt::Display for Class {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One image found, with everything the JSON output says about its source.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding {
    /// The normalized reference.
    pub reference: Reference,
    /// Input path as given.
    pub file: Arc<str>,
    /// 1-based line of the text the reference was read from.
    pub line: u64,
    /// 1-based column.
    pub column: u64,
    /// 1-based document index in the file.
    pub document: u32,
    /// The object holding it, for manifests.
    pub object: Option<Arc<Object>>,
    /// Dotted key path from the document root.
    pub path: String,
    /// Source class.
    pub class: Class,
    /// The text as written.
    pub raw: String,
}

/// What extraction is asked to keep.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ExtractOptions {
    /// Keep only `podspec` and `crd` sources.
    pub strict: bool,
    /// Drop objects that are Helm test hooks.
    pub skip_test_hooks: bool,
}

/// A key path being walked: `spec.template.spec.containers[0].image`.
#[derive(Debug, Clone, Default)]
pub struct KeyPath<'s> {
    segments: Vec<Segment<'s>>,
}

#[derive(Debug, Clone, Copy)]
enum Segment<'s> {
    Key(&'s str),
    Index(usize),
}

impl<'s> KeyPath<'s> {
    /// Appends a mapping key.
    pub fn key(&mut self, key: &'s str) -> &mut Self {
        self.segments.push(Segment::Key(key));
        self
    }

    /// Appends a sequence index.
    pub fn index(&mut self, index: usize) -> &mut Self {
        self.segments.push(Segment::Index(index));
        self
    }

    /// Removes the last `n` segments.
    pub fn pop(&mut self, n: usize) {
        let keep = self.segments.len().saturating_sub(n);
        self.segments.truncate(keep);
    }

    /// Number of segments.
    pub fn len(&self) -> usize {
        self.segments.len()
    }

    /// Whether the path is empty.
    pub fn is_empty(&self) -> bool {
        self.segments.is_empty()
    }
}

impl fmt::Display for KeyPath<'_> {
    /// Keys joined with `.`, indices as `[i]`; a key that is not a plain identifier (an
    /// annotation such as `sidecar.istio.io/proxyImage`) is written `["..."]` so the path
    /// stays unambiguous.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, segment) in self.segments.iter().enumerate() {
            match *segment {
                Segment::Index(index) => write!(f, "[{index}]")?,
                Segment::Key(key) if is_plain_key(key) => {
                    if i > 0 {
                        f.write_char('.')?;
                    }
                    f.write_str(key)?;
                }
                Segment::Key(key) => {
                    f.write_char('[')?;
                    // JSON string syntax: quotes and control characters escaped.
                    f.write_str(&serde_json::to_string(key).map_err(|_| fmt::Error)?)?;
                    f.write_char(']')?;
                }
            }
        }
        Ok(())
    }
}

fn is_plain_key(key: &str) -> bool {
    !key.is_empty()
        && key
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-')
}

/// Whether a key names an image in a custom resource: `image`, or a `*Image`, `*_image` or
/// `*-image` key. `images` (plural) and `imagePullPolicy` do not.
pub fn is_image_key(key: &str) -> bool {
    key == "image"
        || key == "Image"
        || (key.len() > "Image".len() && key.ends_with("Image"))
        || (key.len() > "_image".len() && (key.ends_with("_image") || key.ends_with("-image")))
}

/// Whether a string is a template placeholder rather than a value: Helm/Go templates
/// (`{{ .ProxyImage }}`), shell and Kubernetes variable references (`${IMAGE}`, `$(IMAGE)`).
pub fn is_placeholder(text: &str) -> bool {
    text.contains("{{") || text.contains("}}") || text.contains("${") || text.contains("$(")
}

/// Whether a guessed string is qualified enough to be an image: it has a `/`, a tag or a
/// digest. A bare word (`nginx`, `true`, `Always`) is never taken for an image by a guess.
pub fn is_qualified(text: &str) -> bool {
    text.contains(['/', ':', '@'])
}

/// Per-document extraction state.
pub struct Extractor<'e, 'a> {
    doc: &'e Doc<'a>,
    file: &'e Arc<str>,
    document: u32,
    options: ExtractOptions,
    object: Option<Arc<Object>>,
    findings: &'e mut Vec<Finding>,
    diagnostics: &'e mut Vec<Diagnostic>,
}

impl<'e, 'a> Extractor<'e, 'a> {
    /// The document being read.
    pub fn doc(&self) -> &'e Doc<'a> {
        self.doc
    }

    /// Offers the string at `node` as an image of `class`; see the module documentation.
    pub fn candidate(&mut self, node: NodeId, path: &KeyPath<'_>, class: Class) {
        self.offer(node, path, class, !class.is_inferred());
    }

    /// Like [`Extractor::candidate`], but a string the grammar rejects is passed over in
    /// silence: for keys that only suggest an image by their name (`thumbnailImage` may hold
    /// a URL), a warning would be noise.
    pub fn candidate_by_name(&mut self, node: NodeId, path: &KeyPath<'_>, class: Class) {
        self.offer(node, path, class, false);
    }

    fn offer(&mut self, node: NodeId, path: &KeyPath<'_>, class: Class, warn: bool) {
        if self.options.strict && !class.is_strict() {
            return;
        }
        let doc = self.doc;
        let (line, column) = doc.position(node);
        let Some(text) = doc.str(node) else {
            if warn && !doc.is_null(node) {
                self.warn(
                    line,
                    column,
                    format!("{path} is not a string, so it is not an image reference"),
                );
            }
            return;
        };
        let text = if class.is_inferred() {
            text.trim()
        } else {
            text
        };
        if text.is_empty() || is_placeholder(text) {
            return;
        }
        if class.is_inferred() && !is_qualified(text) {
            return;
        }
        if !class.is_inferred() && text.trim() != text {
            // The API server refuses such an object, so nothing would be pulled.
            self.warn(
                line,
                column,
                format!(
                    "{path}: {text:?} has leading or trailing white space, which Kubernetes refuses"
                ),
            );
            return;
        }
        match Reference::parse_normalized(text) {
            Ok(reference) => self.findings.push(Finding {
                reference,
                file: Arc::clone(self.file),
                line,
                column,
                document: self.document,
                object: self.object.clone(),
                path: path.to_string(),
                class,
                raw: text.to_owned(),
            }),
            Err(err) => {
                if warn {
                    self.warn(
                        line,
                        column,
                        format!("{path}: {text:?} is not an image reference ({err})"),
                    );
                }
            }
        }
    }

    fn warn(&mut self, line: u64, column: u64, message: String) {
        self.diagnostics
            .push(Diagnostic::warning(self.file, line, column, message));
    }
}

/// Extracts every image of one document into `findings`, with problems in `diagnostics`.
pub fn extract_document(
    doc: &Doc<'_>,
    file: &Arc<str>,
    document: u32,
    options: ExtractOptions,
    findings: &mut Vec<Finding>,
    diagnostics: &mut Vec<Diagnostic>,
) {
    let Some(root) = doc.root() else {
        return;
    };
    let mut extractor = Extractor {
        doc,
        file,
        document,
        options,
        object: None,
        findings,
        diagnostics,
    };
    if let Some(object) = kube::object(doc, root) {
        let mut path = KeyPath::default();
        extract_object(&mut extractor, root, object, &mut path);
    }
    // A mapping without apiVersion and kind is a Helm values file; its shapes are read by
    // the values extractor, which is not part of this build yet.
}

fn extract_object<'e>(
    ex: &mut Extractor<'e, '_>,
    id: NodeId,
    object: Object,
    path: &mut KeyPath<'e>,
) {
    let doc = ex.doc();
    if kube::is_list_kind(&object.kind) {
        if let Some(items) = doc.get(id, "items").filter(|&i| doc.is_seq(i)) {
            path.key("items");
            for (i, &item) in doc.items(items).iter().enumerate() {
                if let Some(inner) = kube::object(doc, item) {
                    path.index(i);
                    extract_object(ex, doc.resolve(item), inner, path);
                    path.pop(1);
                }
            }
            path.pop(1);
            return;
        }
    }
    if ex.options.skip_test_hooks && object.is_test_hook() {
        return;
    }
    let group = object.group().to_owned();
    let kind = object.kind.clone();
    let previous = ex.object.replace(Arc::new(object));
    if kube::is_builtin(&group, &kind) {
        // Built-in kinds hold images only in their pod spec; Secrets and CRD schemas never do.
        if let Some(spec_path) = kube::pod_spec_path(&group, &kind) {
            let depth = path.len();
            let mut at = Some(id);
            for key in spec_path {
                path.key(key);
                at = at.and_then(|node| doc.get(node, key));
            }
            if let Some(spec) = at {
                podspec::pod_spec(ex, spec, path);
            }
            path.pop(path.len() - depth);
        }
    } else {
        crd::custom_resource(ex, id, path);
    }
    ex.object = previous;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn key_paths_quote_keys_that_are_not_identifiers() {
        let mut path = KeyPath::default();
        path.key("metadata")
            .key("annotations")
            .key("sidecar.istio.io/proxyImage");
        assert_eq!(
            path.to_string(),
            r#"metadata.annotations["sidecar.istio.io/proxyImage"]"#
        );
        let mut path = KeyPath::default();
        path.key("spec").key("containers").index(0).key("image");
        assert_eq!(path.to_string(), "spec.containers[0].image");
    }

    #[test]
    fn image_keys_are_recognised_by_name() {
        for key in [
            "image",
            "Image",
            "proxyImage",
            "queue_image",
            "queue-sidecar-image",
        ] {
            assert!(is_image_key(key), "{key}");
        }
        for key in [
            "images",
            "imagePullPolicy",
            "imagePullSecrets",
            "_image",
            "Images",
            "imageTag",
        ] {
            assert!(!is_image_key(key), "{key}");
        }
    }

    #[test]
    fn placeholders_are_recognised() {
        for text in [
            "{{ .ProxyImage }}",
            "$(IMAGE)",
            "${IMAGE}",
            "repo/x:{{.Tag}}",
        ] {
            assert!(is_placeholder(text), "{text}");
        }
        assert!(!is_placeholder("nginx:1.25"));
    }

    #[test]
    fn qualified_means_a_slash_tag_or_digest() {
        assert!(is_qualified("repo/x"));
        assert!(is_qualified("x:1"));
        assert!(is_qualified("x@sha256:abc"));
        assert!(!is_qualified("nginx"));
    }
}
