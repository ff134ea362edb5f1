//! What extraction produces: findings with their sources, values entries waiting for a tag,
//! charts seen, and the problems met. These types are the vocabulary shared by the extractors,
//! the inventory and the emitters; they hold data and no rules.

use std::fmt;
use std::sync::Arc;

use serde::Serialize;

use super::path::KeyPathBuf;
use crate::diag::Diagnostic;
use crate::documents::{Limits, Steps, Tree};
use crate::kube::Object;
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
    /// An `images:` entry of the rule file: named by the user, in no input.
    Config,
    /// A line of a document that is not valid YAML, read as `image: REF`.
    Text,
}

impl Class {
    /// Whether the class guesses from names and so only accepts qualified references.
    pub fn is_inferred(self) -> bool {
        matches!(
            self,
            Class::Configmap | Class::Env | Class::Arg | Class::Annotation | Class::Text
        )
    }

    /// Whether `--strict` keeps the class: an image the rule file names was asked for by
    /// name, which is as sure as a pod spec.
    pub fn is_strict(self) -> bool {
        matches!(self, Class::Podspec | Class::Crd | Class::Config)
    }

    /// Whether the class is read from manifests, as opposed to values files and chart
    /// metadata.
    pub fn is_manifest(self) -> bool {
        !matches!(self, Class::Values | Class::Chart | Class::Config)
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
            Class::Config => "config",
            Class::Text => "text",
        }
    }
}

impl fmt::Display for Class {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Where the tag of a values image came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub enum TagFrom {
    /// The manifests scanned in the same run use exactly one tag for the repository.
    #[serde(rename = "manifests")]
    Manifests,
    /// The chart's `appVersion`.
    #[serde(rename = "appVersion")]
    AppVersion,
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
    /// Key path from the document root.
    pub path: KeyPathBuf,
    /// Source class.
    pub class: Class,
    /// The text as written (for references composed from parts, the composed text).
    pub raw: String,
    /// For a values entry without a tag, where its tag was found.
    pub tag_from: Option<TagFrom>,
    /// What built the text the image was read from, when it was built (a kustomize `images`
    /// entry, a patch, a generator).
    pub steps: Steps,
    /// For a rendered image, the values keys its text was printed from (none: the template
    /// wrote it, or the render was not traced).
    pub values: crate::documents::Traced,
    /// The rule of the rule file that named the image, or the path it was found at.
    pub rule: Option<Arc<crate::rules::RuleNote>>,
}

impl Source {
    /// For a rendered image, the values key its name starts with (the key that holds its
    /// registry, or the start of its repository when it names no registry): the key an
    /// overlay changes to move it. None when the template wrote the start of the name, or
    /// the render was not traced.
    pub fn name_key(&self) -> Option<&crate::documents::ValuesKey> {
        self.values
            .keys()
            .iter()
            .find(|key| !key.metadata && self.raw.starts_with(key.text.as_str()))
    }

    /// Whether a traced render wrote the start of this image's name from no value (a
    /// registry the template hard-codes, or a default it falls back to): no values key
    /// printed it, though a chart-wide key the template tests may still replace it.
    pub fn name_from_template(&self) -> bool {
        self.values.is_traced() && self.name_key().is_none()
    }

    /// Whether a traced render wrote this image with no value at all (a `Chart.yaml` field
    /// at most): the template's own image.
    pub fn template_only(&self) -> bool {
        self.values.is_traced() && self.values.keys().iter().all(|key| key.metadata)
    }

    /// Whether the source is inside a Helm test hook.
    pub fn is_test_hook(&self) -> bool {
        self.object.as_ref().is_some_and(|o| o.is_test_hook())
    }
}

/// One image found: its normalized reference, its class, and where it was (when sources
/// are kept: the plain list needs none, and a long stream then costs memory in proportion
/// to its distinct images only).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding {
    /// The normalized reference.
    pub reference: Reference,
    /// Source class.
    pub class: Class,
    /// Where it was found.
    pub source: Option<Source>,
}

/// Where one part of a composed reference comes from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PartAt {
    /// A key of the image's own mapping.
    Own(&'static str),
    /// A key elsewhere (a `global` default), by its path from the document root.
    Inherited(KeyPathBuf),
}

/// How a reference was put together.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Parts {
    /// One string, at the entry's path.
    Whole,
    /// An image map at the entry's path.
    Map {
        /// The key that gave the registry, if any did (an own key may be empty).
        registry: Option<PartAt>,
        /// The key that gave the repository: `repository`, ingress-nginx's `image`,
        /// cert-manager's `name`, or an inherited default.
        repository: PartAt,
        /// cert-manager's `imageNamespace`, between registry and name.
        namespace: Option<String>,
    },
    /// Istio: `image` at the entry's path, its hub from the key `hub` beside it or inherited.
    Hub {
        /// Where the hub comes from.
        hub: PartAt,
        /// The image name (`proxyv2`).
        name: String,
    },
    /// The string at the entry's path is the name, and the tag sits beside it under
    /// `tag_key` (`tag`, `imageTag`, KServe's `defaultImageVersion`), possibly empty.
    Sibling {
        /// The key of the tag beside the image.
        tag_key: &'static str,
    },
}

/// How a values entry was composed, as the overlay needs it to point the entry elsewhere:
/// recorded only when an overlay is asked for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Shape {
    /// The entry's place among the entries of its document, in walk order: the order the
    /// overlay writes new keys in.
    pub seq: u32,
    /// Which keys gave which part.
    pub parts: Parts,
    /// The repository as the image map writes it (what follows the registry).
    pub written: String,
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
    /// Whether the entry is an image of the scan; `--strict` keeps values entries for the
    /// overlay only.
    pub counted: bool,
    /// How it was composed, when the overlay asked.
    pub shape: Option<Box<Shape>>,
    /// The entry belongs to a chart that rendered: it is an image only if the render pulls
    /// it, and is listed apart (`unrendered`) when the render does not.
    pub unrendered: bool,
    /// The entry stands in for a render that did not happen (a chart not at hand, or one that
    /// failed): no manifest is expected to use it, so none is looked for.
    pub stands_in: bool,
}

/// A chart's metadata: where its Chart.yaml is and its `appVersion`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChartInfo {
    /// The folder holding the Chart.yaml, as displayed (`charts/redis`, `x.tgz!/redis`).
    pub dir: String,
    /// The file name of the metadata (`Chart.yaml`, or a kept copy such as `redis-Chart.yaml`).
    pub name: String,
    /// `appVersion`, as written.
    pub app_version: Option<String>,
}

/// A values document as read, kept for the overlay, which writes its changes in the
/// document's own key order and copies its lists whole.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ValuesDoc {
    /// The values file, as displayed.
    pub file: Arc<str>,
    /// 1-based document index in the file.
    pub document: u32,
    /// The document.
    pub tree: Arc<Tree>,
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
    /// Values documents, when the overlay asked.
    pub values_docs: Vec<ValuesDoc>,
    /// K3s `HelmChart`s and `HelmChartConfig`s, rendered once the run is scanned.
    pub helm_charts: Vec<crate::render::k3s::Found>,
    /// Flux and Argo CD objects and ConfigMaps, for the releases rendered once the run is
    /// scanned.
    pub objects: Vec<crate::render::objects::Found>,
    /// A ConfigMap of the document was too large to keep for `valuesFrom`.
    pub config_maps_dropped: bool,
    /// Charts that values name (deployKF's `charts.<name>.{name, version, repository}`).
    pub chart_uses: Vec<crate::render::uses::ChartUse>,
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

/// What extraction is asked to keep.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ExtractOptions {
    /// Keep only `podspec` and `crd` sources.
    pub strict: bool,
    /// Drop objects that are Helm test hooks.
    pub skip_test_hooks: bool,
    /// Record where each image was found (every output but the plain list needs it).
    pub keep_sources: bool,
    /// Record values documents and how each values entry was composed, for the overlay.
    pub keep_shapes: bool,
    /// Bounds on documents, those found inside documents included.
    pub limits: Limits,
    /// Which files a kustomization may read (kustomize's `--load-restrictor`).
    pub load_restrictor: crate::render::kustomize::LoadRestrictor,
    /// The rule file's rules. A reference, so that the options stay `Copy` (they are copied
    /// into every document's extractor); the rules are read once and live for the process.
    pub rules: Option<&'static crate::rules::Rules>,
}
