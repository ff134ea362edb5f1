//! Objects that ask for a chart, and the objects they name, collected during a scan.
//!
//! A Flux `HelmRelease` names a `HelmRepository` and ConfigMaps of values; an Argo CD
//! `Application` names folders of the repository it is in; a K3s `HelmChartConfig` configures
//! a `HelmChart`. Any of these may be in another file than the object naming it, so extraction
//! only keeps them ([`Found`]), and once every input is scanned the chart sources are turned
//! into releases and rendered, in an order that does not depend on the order files were
//! scanned in.

use std::path::PathBuf;
use std::sync::Arc;

use crate::documents::Tree;
use crate::escape::Printable;

/// The namespace of an object that names none, as `kubectl apply` places it.
pub const DEFAULT_NAMESPACE: &str = "default";

/// Bytes of ConfigMap text a run keeps for `valuesFrom` (ConfigMaps are kept whole, and a
/// scan holds many that no release names: dashboards, scripts).
pub const CONFIG_MAP_BUDGET: u64 = 64 << 20;

/// Bytes of `data` past which one ConfigMap is not kept: far more than a values file, and what
/// a dashboard or a script bundle holds.
pub const CONFIG_MAP_MAX: u64 = 1 << 20;

/// The bytes of a ConfigMap's `data` values, counted without copying them.
pub fn data_bytes(doc: &crate::documents::Doc<'_>, id: crate::documents::NodeId) -> u64 {
    doc.get(id, "data").map_or(0, |data| {
        doc.entries(data)
            .iter()
            .map(|(key, _, value)| {
                key.len() as u64 + doc.text(*value).map_or(0, |t| t.len() as u64)
            })
            .sum()
    })
}

/// What a kept object is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Kind {
    /// Flux `HelmRelease` (`helm.toolkit.fluxcd.io`).
    HelmRelease,
    /// Flux `HelmRepository` (`source.toolkit.fluxcd.io`).
    HelmRepository,
    /// Flux `GitRepository`.
    GitRepository,
    /// Flux `OCIRepository`.
    OciRepository,
    /// Flux `HelmChart` (`source.toolkit.fluxcd.io`), what `spec.chartRef` may name.
    FluxHelmChart,
    /// Argo CD `Application` (`argoproj.io`).
    Application,
    /// Argo CD `ApplicationSet`.
    ApplicationSet,
    /// A ConfigMap (values for `valuesFrom`).
    ConfigMap,
    /// A K3s/RKE2 `HelmChart` (`helm.cattle.io`), kept for `overlay --charts-registry` (the
    /// K3s sources are collected by `k3s.rs`).
    K3sHelmChart,
}

impl Kind {
    /// The kind of an object of this API version and kind, when imgsift keeps it.
    pub fn of(api_version: &str, kind: &str) -> Option<Kind> {
        let group = api_version.rsplit_once('/').map_or("", |(g, _)| g);
        Some(match (group, kind) {
            ("helm.toolkit.fluxcd.io", "HelmRelease") => Kind::HelmRelease,
            ("source.toolkit.fluxcd.io", "HelmRepository") => Kind::HelmRepository,
            ("source.toolkit.fluxcd.io", "GitRepository") => Kind::GitRepository,
            ("source.toolkit.fluxcd.io", "OCIRepository") => Kind::OciRepository,
            ("source.toolkit.fluxcd.io", "HelmChart") => Kind::FluxHelmChart,
            ("argoproj.io", "Application") => Kind::Application,
            ("argoproj.io", "ApplicationSet") => Kind::ApplicationSet,
            ("", "ConfigMap") => Kind::ConfigMap,
            _ => return None,
        })
    }

    /// The kind as Kubernetes spells it.
    pub fn name(self) -> &'static str {
        match self {
            Kind::HelmRelease => "HelmRelease",
            Kind::HelmRepository => "HelmRepository",
            Kind::GitRepository => "GitRepository",
            Kind::OciRepository => "OCIRepository",
            Kind::FluxHelmChart => "HelmChart",
            Kind::Application => "Application",
            Kind::ApplicationSet => "ApplicationSet",
            Kind::ConfigMap => "ConfigMap",
            Kind::K3sHelmChart => "HelmChart",
        }
    }
}

/// An object kept whole for the chart sources.
#[derive(Debug, Clone)]
pub struct Found {
    /// What it is.
    pub kind: Kind,
    /// The object as written, with its positions.
    pub tree: Tree,
    /// Its document index in its file.
    pub document: u32,
    /// The folder the user named that the object was found under (the scanned tree an Argo
    /// `path` or a Flux `GitRepository` chart path is looked up in); `None` for a file or
    /// standard input named on its own.
    pub root: Option<Arc<PathBuf>>,
}

impl Found {
    /// `metadata.<key>`, empty when absent.
    pub fn meta(&self, key: &str) -> String {
        self.tree
            .get_path(&["metadata", key])
            .and_then(Tree::text)
            .unwrap_or("")
            .to_owned()
    }

    /// The object's name.
    pub fn name(&self) -> String {
        self.meta("name")
    }

    /// The object's namespace, `default` when it names none.
    pub fn namespace(&self) -> String {
        let namespace = self.meta("namespace");
        if namespace.is_empty() {
            DEFAULT_NAMESPACE.to_owned()
        } else {
            namespace
        }
    }

    /// `spec.<path>`.
    pub fn spec(&self, path: &[&str]) -> Option<&Tree> {
        let mut tree = self.tree.get("spec")?;
        for key in path {
            tree = tree.get(key)?;
        }
        Some(tree)
    }

    /// The text of `spec.<path>`, empty when absent or not a scalar.
    pub fn spec_text(&self, path: &[&str]) -> String {
        self.spec(path)
            .and_then(Tree::text)
            .unwrap_or("")
            .to_owned()
    }

    /// How the object is named in provenance: `HelmRelease/flux-system/podinfo`.
    pub fn id(&self) -> String {
        format!(
            "{}/{}/{}",
            self.kind.name(),
            Printable(&self.namespace()),
            Printable(&self.name())
        )
    }

    /// How the object is named in messages: `HelmRelease/flux-system/podinfo (file.yaml:12)`.
    pub fn label(&self) -> String {
        format!(
            "{} ({}:{})",
            self.id(),
            self.tree.at.file,
            self.tree.at.line
        )
    }

    /// Sorting key: kind, namespace, name, then where it is written.
    pub fn key(&self) -> (Kind, String, String, Arc<str>, u32, u64) {
        (
            self.kind,
            self.namespace(),
            self.name(),
            Arc::clone(&self.tree.at.file),
            self.document,
            self.tree.at.line,
        )
    }
}

/// The objects of a run, sorted so that every lookup is deterministic.
#[derive(Debug, Default)]
pub struct Objects {
    list: Vec<Found>,
    /// A ConfigMap of the run was left out past [`CONFIG_MAP_BUDGET`] or [`CONFIG_MAP_MAX`]: a
    /// `valuesFrom` that finds none may name it.
    pub config_maps_dropped: bool,
}

impl Objects {
    /// Sorts the objects found.
    pub fn new(mut list: Vec<Found>) -> Objects {
        list.sort_by_key(Found::key);
        Objects {
            list,
            config_maps_dropped: false,
        }
    }

    /// Every object of a kind, in namespace and name order.
    pub fn of(&self, kind: Kind) -> impl Iterator<Item = &Found> {
        self.list.iter().filter(move |f| f.kind == kind)
    }

    /// The first object of a kind, namespace and name (a cluster keeps one).
    pub fn get(&self, kind: Kind, namespace: &str, name: &str) -> Option<&Found> {
        self.of(kind)
            .find(|f| f.namespace() == namespace && f.name() == name)
    }

    /// Whether no object was kept.
    pub fn is_empty(&self) -> bool {
        self.list.is_empty()
    }
}

/// A rough size of a tree's text, to keep the ConfigMaps of a run within a budget.
pub fn text_size(tree: &Tree) -> u64 {
    match &tree.node {
        crate::documents::Node::Scalar { text, .. } => text.len() as u64 + 8,
        crate::documents::Node::Seq(items) => items.iter().map(text_size).sum::<u64>() + 8,
        crate::documents::Node::Map(entries) => entries
            .iter()
            .map(|(k, v)| k.len() as u64 + text_size(v))
            .sum::<u64>()
            .saturating_add(8),
    }
}
