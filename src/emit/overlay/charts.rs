//! `imgsift overlay --charts-registry oci://HOST/PREFIX`: what points every chart source of the
//! inputs at the OCI registry that `mirror --charts` filled, in the form each source takes.
//!
//! - deployKF-style values (`…charts.<name>.repository`): a values override per values file,
//!   as `overlay` writes for images (merged by Helm's rules onto the file);
//! - Flux `HelmRepository`: a patch setting `spec.type: oci` and `spec.url: oci://HOST/PREFIX`
//!   (the charts are at `HOST/PREFIX/<name>`); Flux `OCIRepository`: `spec.url` to
//!   `oci://HOST/PREFIX/<chart>`;
//! - Argo CD `Application` and `ApplicationSet` templates: `repoURL: HOST/PREFIX` on every chart
//!   source (Argo CD names OCI Helm repositories without a scheme; its repository Secret needs
//!   `enableOCI: "true"`); `sources` is written whole, as a merge patch replaces lists;
//! - K3s `HelmChart`: `spec.chart: oci://HOST/PREFIX/<name>` and `spec.repo: null` (an embedded
//!   chart is left alone).
//!
//! Patches are for kustomize's `patches:` (a merge patch for these kinds). A kustomization's
//! own `helmCharts:` and a chart's `Chart.yaml` dependencies cannot be patched from outside:
//! a note says where to set the repository by hand.

use std::collections::BTreeMap;

use crate::documents::{Node, ScalarKind, Tree};
use crate::emit::files::{Emitted, OutputFile};
use crate::emit::yaml::{self, Comments};
use crate::escape::Printable;
use crate::inventory::Finished;
use crate::registry::Registry;
use crate::render::objects::{Found, Kind};

use super::written_at as here;

/// What the chart overlay of a run is.
#[derive(Debug, Clone)]
pub struct ChartOverlay {
    /// The documents (one file each under `--out-dir`).
    pub files: Vec<OutputFile>,
    /// Sources that must be changed by hand, one sentence each.
    pub notes: Vec<String>,
}

impl ChartOverlay {
    /// The documents, printed one after the other.
    pub fn emitted(&self) -> Emitted {
        Emitted::as_documents(self.files.clone())
    }
}

fn string(text: &str) -> Tree {
    Tree::string(text, here())
}

fn null() -> Tree {
    Tree {
        node: Node::Scalar {
            text: "null".to_owned(),
            kind: ScalarKind::Null,
            literal: false,
        },
        at: here(),
    }
}

fn map(entries: Vec<(&str, Tree)>) -> Tree {
    Tree {
        node: Node::Map(
            entries
                .into_iter()
                .map(|(k, v)| (k.to_owned(), v))
                .collect(),
        ),
        at: here(),
    }
}

/// A file name part from a name of the inputs: only what is safe in a path.
fn slug(text: &str) -> String {
    text.chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || matches!(c, '-' | '.' | '_') {
                c.to_ascii_lowercase()
            } else {
                '_'
            }
        })
        .collect()
}

/// The patch skeleton of an object: its apiVersion, kind, name and namespace.
fn patch_of(object: &Found, spec: Tree) -> Tree {
    let text = |path: &[&str]| {
        object
            .tree
            .get_path(path)
            .and_then(Tree::text)
            .unwrap_or("")
            .to_owned()
    };
    let mut metadata = map(vec![("name", string(&object.name()))]);
    let namespace = object.meta("namespace");
    if !namespace.is_empty() {
        metadata.set("namespace", string(&namespace));
    }
    map(vec![
        ("apiVersion", string(&text(&["apiVersion"]))),
        ("kind", string(&text(&["kind"]))),
        ("metadata", metadata),
        ("spec", spec),
    ])
}

/// The Argo CD sources of a spec (`source` or `sources`), each chart source pointed at the
/// mirror; `None` when no chart source changes.
fn argo_spec(spec: &Tree, repo: &str) -> Option<Tree> {
    let point = |source: &Tree| -> Option<Tree> {
        let chart = source.get("chart").and_then(Tree::text).unwrap_or("");
        let url = source.get("repoURL").and_then(Tree::text).unwrap_or("");
        // A templated field is the generator's, and an unchanged one needs no patch.
        if chart.is_empty() || chart.contains("{{") || url.contains("{{") || url == repo {
            return None;
        }
        let mut changed = source.clone();
        changed.set("repoURL", string(repo));
        Some(changed)
    };
    if let Some(source) = spec.get("source") {
        let changed = point(source)?;
        return Some(map(vec![(
            "source",
            map(vec![("repoURL", changed.get("repoURL")?.clone())]),
        )]));
    }
    let sources = spec.get("sources")?;
    let mut any = false;
    let items: Vec<Tree> = sources
        .items()
        .iter()
        .map(|source| match point(source) {
            Some(changed) => {
                any = true;
                changed
            }
            None => source.clone(),
        })
        .collect();
    any.then(|| {
        map(vec![(
            "sources",
            Tree {
                node: Node::Seq(items),
                at: here(),
            },
        )])
    })
}

/// Sets `<path>.repository` in a values override, creating the mappings on the way.
fn set_path(tree: &mut Tree, path: &[String], value: Tree) {
    match path.split_first() {
        None => tree.set("repository", value),
        Some((key, rest)) => {
            if let Some(next) = tree.map_at(key, &here()) {
                set_path(next, rest, value);
            }
        }
    }
}

/// The chart overlay of a run.
pub fn overlay(finished: &Finished, registry: &Registry) -> ChartOverlay {
    let base = registry.base();
    let oci = format!("oci://{base}");
    let mut files = Vec::new();
    let mut notes = Vec::new();

    // Values files: one override document each, in file order.
    let mut by_file: BTreeMap<&str, Tree> = BTreeMap::new();
    for one in &finished.chart_uses {
        if one.values_path.is_empty() {
            continue;
        }
        if one.chart.repository == oci {
            continue;
        }
        let tree = by_file
            .entry(one.at.file.as_ref())
            .or_insert_with(|| Tree::map(here()));
        set_path(tree, &one.values_path, string(&oci));
    }
    for (file, tree) in by_file {
        let text = format!(
            "# {}: values overrides (helm -f) pointing its charts at {oci}\n{}",
            Printable(file),
            yaml::document(&tree, &Comments::new())
        );
        files.push(OutputFile::new(
            format!("values/{}", file.trim_start_matches('/')),
            text,
        ));
    }

    for object in &finished.chart_sources {
        let spec = object.tree.get("spec");
        let patch = match object.kind {
            Kind::HelmRepository => {
                let url = object.spec_text(&["url"]);
                (url != oci).then(|| map(vec![("type", string("oci")), ("url", string(&oci))]))
            }
            Kind::OciRepository => {
                let url = object.spec_text(&["url"]);
                let chart = url.trim_end_matches('/').rsplit('/').next().unwrap_or("");
                let target = format!("{oci}/{chart}");
                (!chart.is_empty() && url != target).then(|| map(vec![("url", string(&target))]))
            }
            Kind::Application => spec.and_then(|s| argo_spec(s, &base)),
            Kind::ApplicationSet => spec
                .and_then(|s| s.get_path(&["template", "spec"]))
                .and_then(|s| argo_spec(s, &base))
                .map(|inner| map(vec![("template", map(vec![("spec", inner)]))])),
            Kind::K3sHelmChart => {
                let chart = object.spec_text(&["chart"]);
                let embedded = !object.spec_text(&["chartContent"]).trim().is_empty();
                let name = chart.rsplit('/').next().unwrap_or("");
                let target = format!("{oci}/{name}");
                let by_url = chart.contains("://") && !chart.starts_with("oci://");
                if by_url && !embedded {
                    notes.push(format!(
                        "{} names its chart by the URL of an archive ({}); push that archive to {oci} and set `chart: {oci}/<name>` by hand",
                        object.label(),
                        Printable(&chart)
                    ));
                }
                (!embedded && !by_url && !name.is_empty() && chart != target)
                    .then(|| map(vec![("chart", string(&target)), ("repo", null())]))
            }
            _ => None,
        };
        let Some(spec) = patch else {
            continue;
        };
        let text = format!(
            "# {}: a patch (kustomize `patches:`) pointing it at {oci}\n{}",
            object.label(),
            yaml::document(&patch_of(object, spec), &Comments::new())
        );
        files.push(OutputFile::new(
            format!(
                "patches/{}-{}-{}.yaml",
                slug(object.kind.name()),
                slug(&object.namespace()),
                slug(&object.name())
            ),
            text,
        ));
    }

    // What no patch reaches.
    for one in &finished.chart_uses {
        if one.chart.repository == oci || one.chart.repository.starts_with("file://") {
            continue;
        }
        if one.by.starts_with("helmCharts") || one.by.starts_with("helmChartInflationGenerator") {
            notes.push(format!(
                "{}:{}: set `repo: {oci}` on the {} entry of chart {:?} by hand (a kustomization cannot be patched from outside)",
                Printable(&one.at.file),
                one.at.line,
                one.by.split(' ').next().unwrap_or("helmCharts"),
                Printable(&one.chart.name).to_string()
            ));
        } else if one.by.starts_with("Chart/") && one.local.is_none() {
            notes.push(format!(
                "{}: set `repository: {oci}` on dependency {:?} and run `helm dependency update`",
                Printable(&one.at.file),
                Printable(&one.chart.name).to_string()
            ));
        }
    }
    notes.sort();
    notes.dedup();
    ChartOverlay { files, notes }
}
