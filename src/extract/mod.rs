//! Extractors: from one parsed document to the image references it holds, with provenance.
//!
//! Each source class of the contract has its own file; this module dispatches a document to
//! them and owns the one rule every class shares: when a string found somewhere counts as an
//! image ([`Extractor::candidate`]): never a template placeholder or an empty string, only
//! qualified references for classes that guess (`configmap`, `env`, `arg`, `annotation`), and
//! only what the reference grammar accepts. A structural class (`podspec`, `crd`, `chart`) that
//! meets an `image` string the grammar rejects says so in a warning; a guessing class stays
//! silent, since most of what it looks at was never meant to be an image.
//!
//! Documents can hold documents: a ConfigMap value holding JSON, a Chart.yaml annotation holding
//! a YAML list. Those are parsed on their own and walked by an [`Extractor`] whose [`Origin`]
//! maps their positions back into the file and whose key path continues the outer one.

mod annotation;
mod chart;
mod configmap;
mod container;
mod crd;
mod podspec;
pub mod shapes;
mod values;

use std::fmt::{self, Write as _};
use std::sync::Arc;

use serde::Serialize;

use crate::diag::Diagnostic;
use crate::document::{Doc, Limits, NodeId, Scalar};
use crate::kube::{self, Object};
use crate::reference::Reference;
use crate::resolve::TagFrom;

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

/// Where one image was found: everything the JSON output says about a source.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Source {
    /// Input path as given (`-` for standard input).
    pub file: Arc<str>,
    /// 1-based line of the text the reference was read from.
    pub line: u64,
    /// 1-based column, in characters.
    pub column: u64,
    /// 1-based document index in the file.
    pub document: u32,
    /// The object holding it, for manifests.
    pub object: Option<Arc<Object>>,
    /// Dotted key path from the document root.
    pub path: String,
    /// Source class.
    pub class: Class,
    /// The text as written (for references composed from parts, the composed text).
    pub raw: String,
    /// For a values entry without a tag, where its tag was found.
    pub tag_from: Option<TagFrom>,
    /// What built the text the image was read from, when it was built (a kustomize `images`
    /// entry, a patch, a generator).
    pub transform: Option<Arc<str>>,
}

/// Where a reference is in the input: file, 1-based line and column, and what built the text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Loc {
    /// The file.
    pub file: Arc<str>,
    /// 1-based line.
    pub line: u64,
    /// 1-based column.
    pub column: u64,
    /// The transform that built it, if any.
    pub transform: Option<Arc<str>>,
}

impl Source {
    /// Whether the source is inside a Helm test hook.
    pub fn is_test_hook(&self) -> bool {
        self.object.as_ref().is_some_and(|o| o.is_test_hook())
    }
}

/// One image found: its normalized reference and where it was.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding {
    /// The normalized reference.
    pub reference: Reference,
    /// Where it was found.
    pub source: Source,
}

/// A Helm values entry found by its shape, waiting for the whole run to be scanned: an
/// entry without a tag takes it from the manifests of the same run, or from its chart.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ValuesEntry {
    /// Where it is (class `values`; `raw` is the reference as composed from its parts).
    pub source: Source,
    /// Whether it has neither tag nor digest.
    pub untagged: bool,
    /// What the chart appends to its default tag (Jenkins' `-jdk21`).
    pub default_tag_suffix: Option<String>,
}

/// A chart's metadata: where its Chart.yaml is and its `appVersion`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChartInfo {
    /// The folder holding the Chart.yaml, as displayed (`charts/redis`, `x.tgz!/redis`).
    pub dir: String,
    /// `appVersion`, as written.
    pub app_version: Option<String>,
}

/// The text of a values document, kept for the overlay.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ValuesDoc {
    /// The values file, as displayed.
    pub file: Arc<str>,
    /// 1-based document index in the file.
    pub document: u32,
    /// Absolute line of the document's first line.
    pub first_line: u64,
    /// The document's text.
    pub text: String,
}

/// Everything extraction produces for one document.
#[derive(Debug, Default)]
pub struct Output {
    /// Images found.
    pub findings: Vec<Finding>,
    /// Problems.
    pub diagnostics: Vec<Diagnostic>,
    /// Values entries to resolve once the run is scanned.
    pub values: Vec<ValuesEntry>,
    /// Charts seen.
    pub charts: Vec<ChartInfo>,
    /// Values documents, when their text is kept.
    pub values_docs: Vec<ValuesDoc>,
}

/// What a document turned out to be.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DocKind {
    /// A Kubernetes manifest (or a list of them).
    Manifest,
    /// A chart's Chart.yaml.
    Chart,
    /// A Helm values file.
    Values,
    /// Nothing imgsift reads (a scalar, a kustomization).
    Other,
}

/// How a file is to be read, from what the user said or its name.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Role {
    /// Decided by content: manifests, Chart.yaml, else values.
    #[default]
    Auto,
    /// Given with `--values`: a values file whatever it holds.
    Values,
    /// Manifests only, never a values file: a kustomization file (its `images:` are
    /// transforms, not images) and the resources of a kustomize build.
    Manifest,
}

/// What extraction is asked to keep.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ExtractOptions {
    /// Keep only `podspec` and `crd` sources.
    pub strict: bool,
    /// Drop objects that are Helm test hooks.
    pub skip_test_hooks: bool,
    /// Bounds for documents found inside documents.
    pub limits: Limits,
}

/// A key path being walked: `spec.template.spec.containers[0].image`. A path inside a nested
/// document starts with the outer path, kept as text.
#[derive(Debug, Clone, Default)]
pub struct KeyPath<'s> {
    prefix: String,
    segments: Vec<Segment<'s>>,
}

#[derive(Debug, Clone, Copy)]
enum Segment<'s> {
    Key(&'s str),
    Index(usize),
}

/// One step of an owned key path: a mapping key or a sequence index.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Seg {
    /// A mapping key.
    Key(String),
    /// A sequence index.
    Index(usize),
}

impl From<Segment<'_>> for Seg {
    fn from(segment: Segment<'_>) -> Seg {
        match segment {
            Segment::Key(key) => Seg::Key(key.to_owned()),
            Segment::Index(index) => Seg::Index(index),
        }
    }
}

impl<'s> KeyPath<'s> {
    /// A path that continues `prefix` (the rendered path of the string holding a document).
    pub fn under(prefix: String) -> Self {
        KeyPath {
            prefix,
            segments: Vec::new(),
        }
    }

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

    /// Number of segments (the prefix not counted).
    pub fn len(&self) -> usize {
        self.segments.len()
    }

    /// Whether the path has no segments and no prefix.
    pub fn is_empty(&self) -> bool {
        self.segments.is_empty() && self.prefix.is_empty()
    }

    /// The first `depth` segments, owned (the prefix of a nested document is not included).
    pub fn owned(&self, depth: usize) -> Vec<Seg> {
        self.segments
            .iter()
            .take(depth)
            .map(|&segment| Seg::from(segment))
            .collect()
    }

    /// All segments, owned.
    pub fn to_segs(&self) -> Vec<Seg> {
        self.owned(self.segments.len())
    }

    /// The last key, if the path ends with one.
    pub fn last_key(&self) -> Option<&'s str> {
        match self.segments.last() {
            Some(Segment::Key(key)) => Some(key),
            _ => None,
        }
    }
}

impl fmt::Display for KeyPath<'_> {
    /// Keys joined with `.`, indices as `[i]`; a key that is not a plain identifier (an
    /// annotation such as `sidecar.istio.io/proxyImage`) is written `["..."]` so the path
    /// stays unambiguous.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.prefix)?;
        let mut first = self.prefix.is_empty();
        for segment in &self.segments {
            match *segment {
                Segment::Index(index) => write!(f, "[{index}]")?,
                Segment::Key(key) if is_plain_key(key) => {
                    if !first {
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
            first = false;
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

/// The words of a name, upper-cased: split at anything not alphanumeric and where a lower-case
/// letter or digit meets an upper-case one (`proxyImage` -> PROXY, IMAGE;
/// `TENSORBOARD_IMAGE` -> TENSORBOARD, IMAGE; `queue-sidecar-image` -> QUEUE, SIDECAR, IMAGE).
fn words(name: &str) -> Vec<String> {
    let mut words = Vec::new();
    let mut current = String::new();
    let mut previous_lower = false;
    for c in name.chars() {
        if !c.is_ascii_alphanumeric() {
            if !current.is_empty() {
                words.push(std::mem::take(&mut current));
            }
            previous_lower = false;
            continue;
        }
        if c.is_ascii_uppercase() && previous_lower && !current.is_empty() {
            words.push(std::mem::take(&mut current));
        }
        previous_lower = c.is_ascii_lowercase() || c.is_ascii_digit();
        current.push(c.to_ascii_uppercase());
    }
    if !current.is_empty() {
        words.push(current);
    }
    words
}

/// Whether a key names an image: its last word is IMAGE (`image`, `proxyImage`,
/// `queue-sidecar-image`, `TENSORBOARD_IMAGE`). `images`, `imagePullPolicy`, `imageTag` do not.
pub fn key_names_image(key: &str) -> bool {
    contains_image(key) && words(key).last().is_some_and(|w| w.ends_with("IMAGE"))
}

/// Whether a name contains "image" in any case: the cheap test before splitting it into words.
fn contains_image(name: &str) -> bool {
    name.len() >= 5
        && name
            .as_bytes()
            .windows(5)
            .any(|w| w.eq_ignore_ascii_case(b"image"))
}

/// Words that make a name about a part of an image, or about pulling it, rather than an image:
/// `IMAGE_PULL_POLICY`, `IMAGE_REGISTRY=gcr.io/acme`, `--image-repository`, `IMAGE_TAG`.
const NOT_AN_IMAGE_WORDS: &[&str] = &[
    "PULL",
    "POLICY",
    "SECRET",
    "SECRETS",
    "REGISTRY",
    "REGISTRIES",
    "REPO",
    "REPOS",
    "REPOSITORY",
    "PREFIX",
    "SUFFIX",
    "TAG",
    "TAGS",
    "VERSION",
    "DIGEST",
    "NAMESPACE",
    "ORG",
    "HUB",
    "PATH",
    "DIR",
    "FILE",
    "URL",
    "SIZE",
    "FORMAT",
    "TYPE",
    "ID",
    "HASH",
    "CHECKSUM",
];

/// Whether a name (env var, flag, annotation key) is about an image: one of its words is IMAGE
/// and none says it is only a part of one (see [`NOT_AN_IMAGE_WORDS`]).
pub fn name_mentions_image(name: &str) -> bool {
    contains_image(name) && words(name).iter().any(|w| w.ends_with("IMAGE")) && !names_a_part(name)
}

/// Whether a name is about a part of an image or about pulling it (`tag`, `pullPolicy`,
/// `pullSecrets`, `registry`).
pub fn names_a_part(name: &str) -> bool {
    words(name)
        .iter()
        .any(|w| NOT_AN_IMAGE_WORDS.contains(&w.as_str()))
}

/// Whether a string is a template placeholder rather than a value: Helm/Go templates
/// (`{{ .ProxyImage }}`), shell and Kubernetes variable references (`${IMAGE}`, `$(IMAGE)`,
/// `$IMAGE`).
pub fn is_placeholder(text: &str) -> bool {
    if text.contains("{{") || text.contains("}}") {
        return true;
    }
    let bytes = text.as_bytes();
    bytes.windows(2).any(|pair| {
        pair[0] == b'$'
            && (pair[1] == b'{'
                || pair[1] == b'('
                || pair[1] == b'_'
                || pair[1].is_ascii_alphabetic())
    })
}

/// Whether a guessed string is qualified enough to be an image: it has a `/`, a tag or a
/// digest. A bare word (`nginx`, `true`, `Always`) is never taken for an image by a guess.
pub fn is_qualified(text: &str) -> bool {
    text.contains(['/', ':', '@'])
}

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
    /// The transform of the document's own nodes (a document held in a built one inherits it).
    transform: Option<Arc<str>>,
    document: u32,
    options: ExtractOptions,
    object: Option<Arc<Object>>,
    origin: Origin,
    /// How many documents deep this one is held (0 for the file's own documents).
    depth: u8,
    out: &'e mut Output,
}

/// How deep documents inside strings are followed (a template in a config in a ConfigMap is 2).
const MAX_NESTING: u8 = 3;

impl<'e, 'a> Extractor<'e, 'a> {
    /// The document being read.
    pub fn doc(&self) -> &'e Doc<'a> {
        self.doc
    }

    /// The file position of a node.
    pub fn position(&self, node: NodeId) -> (u64, u64) {
        let (line, column) = self.doc.position(node);
        self.origin.map(line, column)
    }

    /// Where a node is: its file, position and transform.
    pub fn locate(&self, node: NodeId) -> Loc {
        let (line, column) = self.position(node);
        match self.doc.origin(node) {
            Some(origin) => Loc {
                file: Arc::clone(&origin.file),
                line,
                column,
                transform: origin.transform.clone(),
            },
            None => Loc {
                file: Arc::clone(&self.file),
                line,
                column,
                transform: self.transform.clone(),
            },
        }
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
                        &at,
                        format!("{path} is not a string, so it is not an image reference"),
                    );
                }
            }
        }
    }

    /// Offers a reference that is not one scalar (composed from parts, or cut out of a text),
    /// reported at `at`.
    pub fn candidate_text(&mut self, text: &str, at: Loc, path: &KeyPath<'_>, class: Class) {
        self.offer(text, at, path, class, !class.is_inferred());
    }

    fn offer(&mut self, text: &str, at: Loc, path: &KeyPath<'_>, class: Class, warn: bool) {
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
        if class.is_inferred() && !is_qualified(text) {
            return;
        }
        if !class.is_inferred() && text.trim() != text {
            // The API server refuses such an object, so nothing would be pulled.
            if warn {
                self.warn(
                    &at,
                    format!(
                        "{path}: {text:?} has leading or trailing white space, which Kubernetes refuses"
                    ),
                );
            }
            return;
        }
        match Reference::parse_normalized(text) {
            Ok(reference) => {
                let source = self.source(at, path, class, text);
                self.out.findings.push(Finding { reference, source });
            }
            Err(err) => {
                if warn {
                    self.warn(
                        &at,
                        format!("{path}: {text:?} is not an image reference ({err})"),
                    );
                }
            }
        }
    }

    fn warn(&mut self, at: &Loc, message: String) {
        self.out
            .diagnostics
            .push(Diagnostic::warning(&at.file, at.line, at.column, message));
    }

    /// A source at `at`, for the current object.
    fn source(&self, at: Loc, path: &KeyPath<'_>, class: Class, raw: &str) -> Source {
        Source {
            file: at.file,
            line: at.line,
            column: at.column,
            document: self.document,
            object: self.object.clone(),
            path: path.to_string(),
            class,
            raw: raw.to_owned(),
            tag_from: None,
            transform: at.transform,
        }
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
        let Ok(docs) = crate::document::load(&scalar.text, 1, &self.options.limits) else {
            return false;
        };
        let prefix = path.to_string();
        for inner in &docs {
            let Some(root) = inner.root() else { continue };
            if !inner.is_map(root) && !inner.is_seq(root) {
                continue;
            }
            let mut child = Extractor {
                doc: inner,
                file: Arc::clone(&held_in.file),
                transform: held_in.transform.clone(),
                document: self.document,
                options: self.options,
                object: self.object.clone(),
                origin,
                depth: self.depth + 1,
                out: &mut *self.out,
            };
            let mut inner_path = KeyPath::under(prefix.clone());
            walk(&mut child, root, &mut inner_path);
        }
        true
    }
}

/// Receives each image shape of a values document: the document, the composed reference, its
/// key path and its file position.
pub type ShapeVisitor<'v> = dyn FnMut(&Doc<'_>, shapes::Composed, &KeyPath<'_>, (u64, u64)) + 'v;

/// Walks the image shapes of a values document, handing each composed reference, its key
/// path and its file position to `found`. This is how the overlay finds what to rewrite: the
/// same walk the scan does, with the document still at hand.
pub fn values_shapes(doc: &Doc<'_>, file: &Arc<str>, document: u32, found: &mut ShapeVisitor<'_>) {
    struct Forward<'f, 'v> {
        found: &'f mut ShapeVisitor<'v>,
    }
    impl shapes::Sink for Forward<'_, '_> {
        fn composed(
            &mut self,
            ex: &mut Extractor<'_, '_>,
            found: shapes::Composed,
            path: &KeyPath<'_>,
        ) {
            let text = found.text.trim();
            if text.is_empty() || is_placeholder(text) {
                return;
            }
            let at = ex.position(found.node);
            (self.found)(ex.doc(), found, path, at);
        }
    }
    let Some(root) = doc.root() else {
        return;
    };
    let mut out = Output::default();
    let mut extractor = Extractor {
        doc,
        file: Arc::clone(file),
        transform: None,
        document,
        options: ExtractOptions::default(),
        object: None,
        origin: Origin::FILE,
        depth: 0,
        out: &mut out,
    };
    let mut path = KeyPath::default();
    let mut sink = Forward { found };
    shapes::walk(&mut extractor, root, &mut path, &mut sink);
}

/// Extracts every image of one document into `out` and says what the document was.
pub fn extract_document(
    doc: &Doc<'_>,
    file: &Arc<str>,
    document: u32,
    options: ExtractOptions,
    role: Role,
    out: &mut Output,
) -> DocKind {
    let Some(root) = doc.root() else {
        return DocKind::Other;
    };
    let mut extractor = Extractor {
        doc,
        file: Arc::clone(file),
        transform: None,
        document,
        options,
        object: None,
        origin: Origin::FILE,
        depth: 0,
        out,
    };
    let mut path = KeyPath::default();
    if role == Role::Values {
        values::values_file(&mut extractor, root, &mut path);
        return DocKind::Values;
    }
    if let Some(object) = kube::object(doc, root) {
        extract_object(&mut extractor, root, object, &mut path);
        DocKind::Manifest
    } else if chart::is_chart_metadata(doc, root) {
        chart::chart_yaml(&mut extractor, root, &mut path);
        DocKind::Chart
    } else if role == Role::Auto && doc.is_map(root) {
        values::values_file(&mut extractor, root, &mut path);
        DocKind::Values
    } else {
        DocKind::Other
    }
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
        builtin_object(ex, id, &group, &kind, path);
    } else {
        crd::custom_resource(ex, id, path);
    }
    ex.object = previous;
}

/// Built-in kinds hold images in their pod spec (and its template's annotations), in
/// ConfigMap data, and in annotations; Secrets and CRD schemas never hold any.
fn builtin_object<'e>(
    ex: &mut Extractor<'e, '_>,
    id: NodeId,
    group: &str,
    kind: &str,
    path: &mut KeyPath<'e>,
) {
    if kube::never_holds_images(group, kind) {
        return;
    }
    let doc = ex.doc();
    annotation::object_annotations(ex, id, path);
    if group.is_empty() && kind == "ConfigMap" {
        configmap::config_map(ex, id, path);
        return;
    }
    let Some(spec_path) = kube::pod_spec_path(group, kind) else {
        return;
    };
    let depth = path.len();
    // The pod template's own metadata sits beside its spec.
    let template_path = &spec_path[..spec_path.len() - 1];
    if !template_path.is_empty() {
        if let Some(template) = doc.get_path(id, template_path) {
            for key in template_path {
                path.key(key);
            }
            annotation::object_annotations(ex, template, path);
            path.pop(path.len() - depth);
        }
    }
    if let Some(spec) = doc.get_path(id, spec_path) {
        for key in spec_path {
            path.key(key);
        }
        podspec::pod_spec(ex, spec, path);
        path.pop(path.len() - depth);
    }
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
    fn nested_key_paths_continue_their_prefix() {
        let mut path = KeyPath::under(r#"data["katib-config.yaml"]"#.to_owned());
        path.key("runtime").index(0).key("image");
        assert_eq!(
            path.to_string(),
            r#"data["katib-config.yaml"].runtime[0].image"#
        );
        let mut path = KeyPath::under("data.values".to_owned());
        path.key("global");
        assert_eq!(path.to_string(), "data.values.global");
    }

    #[test]
    fn names_are_split_into_words() {
        assert_eq!(words("proxyImage"), ["PROXY", "IMAGE"]);
        assert_eq!(words("TENSORBOARD_IMAGE"), ["TENSORBOARD", "IMAGE"]);
        assert_eq!(words("queue-sidecar-image"), ["QUEUE", "SIDECAR", "IMAGE"]);
        assert_eq!(
            words("--acme-http01-solver-image"),
            ["ACME", "HTTP01", "SOLVER", "IMAGE"]
        );
        assert_eq!(
            words("sidecar.istio.io/proxyImage"),
            ["SIDECAR", "ISTIO", "IO", "PROXY", "IMAGE"]
        );
    }

    #[test]
    fn keys_naming_an_image_end_with_the_word_image() {
        for key in [
            "image",
            "Image",
            "proxyImage",
            "queue_image",
            "queue-sidecar-image",
            "TENSORBOARD_IMAGE",
            "defaultJobImage",
            "OCIImage",
        ] {
            assert!(key_names_image(key), "{key}");
        }
        for key in [
            "images",
            "imagePullPolicy",
            "imagePullSecrets",
            "Images",
            "imageTag",
            "imageRegistry",
            "damage",
        ] {
            assert!(!key_names_image(key), "{key}");
        }
    }

    #[test]
    fn names_that_mention_an_image_exclude_its_parts() {
        for name in [
            "V2_DRIVER_IMAGE",
            "RELATED_IMAGE_OPERATOR",
            "executor-image",
            "acme-http01-solver-image",
            "sidecar.istio.io/proxyImage",
            "IMAGE",
        ] {
            assert!(name_mentions_image(name), "{name}");
        }
        for name in [
            "IMAGE_PULL_POLICY",
            "IMAGE_REGISTRY",
            "IMAGE_REPO",
            "image-pull-policy",
            "IMAGE_TAG",
            "checksum/image-config",
            "PIPELINE_ROOT",
        ] {
            assert!(!name_mentions_image(name), "{name}");
        }
    }

    #[test]
    fn placeholders_are_recognised() {
        for text in [
            "{{ .ProxyImage }}",
            "$(IMAGE)",
            "${IMAGE}",
            "$VOLUME_VIEWER_IMAGE",
            "repo/x:{{.Tag}}",
            "$(params.builderImage)",
        ] {
            assert!(is_placeholder(text), "{text}");
        }
        assert!(!is_placeholder("nginx:1.25"));
        assert!(!is_placeholder("cost$5"));
    }

    #[test]
    fn qualified_means_a_slash_tag_or_digest() {
        assert!(is_qualified("repo/x"));
        assert!(is_qualified("x:1"));
        assert!(is_qualified("x@sha256:abc"));
        assert!(!is_qualified("nginx"));
    }

    #[test]
    fn origins_map_literal_blocks_line_for_line_and_others_to_the_scalar() {
        let literal = Scalar {
            text: "".into(),
            kind: crate::document::ScalarKind::Str,
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
