//! Extractors: from one parsed document to the image references it holds, with provenance.
//!
//! The parts, by concern:
//! - `model.rs`: what extraction produces (findings, sources, values entries, charts);
//! - `path`: key paths, walked and owned (defined in `documents::path`, where renderers use
//!   them too);
//! - `rules.rs`: what names and text can be an image (the heuristics every guessing class
//!   shares);
//! - `extractor.rs`: the walking state of a document and the one rule for offering a string
//!   as an image;
//! - `shapes.rs`: the image shapes of values-like trees (registry, repository, tag, digest
//!   and their inherited defaults);
//! - `custom.rs`: the rule file's exclusions by object, image paths and values shapes;
//! - one file per source class of the contract (`podspec.rs`, `container.rs` for env and
//!   args, `crd.rs`, `configmap.rs`, `annotation.rs`, `values.rs`, `chart.rs`, and `text.rs`
//!   for the lines of a document that is not valid YAML);
//! - this file: the dispatch of a document to the classes, by what the document is.

mod annotation;
mod chart;
mod configmap;
mod container;
mod crd;
mod custom;
mod extractor;
pub mod model;
pub use crate::documents::path;
mod podspec;
pub mod rules;
pub mod shapes;
pub mod text;
mod values;

use std::sync::Arc;

pub use extractor::{Extractor, Origin};
pub use model::{
    ChartInfo, Class, DocKind, ExtractOptions, Finding, Output, Shape, Source, TagFrom, ValuesDoc,
    ValuesEntry,
};
pub use path::{KeyPath, KeyPathBuf, Seg};

use crate::documents::{Doc, NodeId, Tree};
use crate::inputs::Role;
use crate::kube::{self, Object};

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
    let mut extractor = Extractor::new(doc, file, document, options, out);
    let mut path = KeyPath::default();
    let object = match role {
        Role::Values => {
            // A Secret keeps its kind whatever flag names it: its data is never read, so
            // nothing of it can be listed or echoed in a later warning.
            if let Some(secret) = kube::object(doc, root)
                .filter(|object| object.group().is_empty() && object.kind == "Secret")
            {
                let (line, column) = doc.position(root);
                extractor.out.diagnostics.push(crate::diag::Diagnostic::warning(
                    crate::diag::Code::SecretNotRead,
                    file,
                    line,
                    column,
                    format!(
                        "Secret {:?} was named as a values file; a Secret is never read, so none of its values were used",
                        secret.name.as_deref().unwrap_or("")
                    ),
                ));
                return DocKind::Other;
            }
            None
        }
        Role::Auto | Role::Manifest => kube::object(doc, root),
    };
    if let Some(object) = object {
        extract_object(&mut extractor, root, object, &mut path);
        return DocKind::Manifest;
    }
    let chart = match role {
        Role::Values => None,
        Role::Auto | Role::Manifest => crate::inputs::chart::ChartMeta::from_doc(doc, root),
    };
    if let Some(meta) = chart {
        chart::chart_yaml(&mut extractor, root, meta, &mut path);
        return DocKind::Chart;
    }
    if role == Role::Values || (role == Role::Auto && doc.is_map(root)) {
        values::values_file(&mut extractor, root, &mut path);
        values_charts(
            doc,
            root,
            file,
            &mut Vec::new(),
            &mut extractor.out.chart_uses,
        );
        if options.keep_shapes {
            extractor.out.values_docs.push(ValuesDoc {
                file: Arc::clone(file),
                document,
                tree: Arc::new(Tree::from_doc(doc, root, file)),
            });
        }
        return DocKind::Values;
    }
    DocKind::Other
}

/// Charts that a values file names, as deployKF's do: a `charts` mapping whose entries give
/// a chart `name` and `repository` (and a `version`), at any depth.
fn values_charts(
    doc: &Doc<'_>,
    id: NodeId,
    file: &Arc<str>,
    at_path: &mut Vec<String>,
    out: &mut Vec<crate::render::uses::ChartUse>,
) {
    // Values nest a few levels; the bound keeps a hostile document from costing more.
    if at_path.len() > 32 || !doc.is_map(id) {
        return;
    }
    for (key, _, value) in doc.entries(id) {
        at_path.push(key.to_owned());
        let path = at_path.join(".");
        let value = doc.resolve(value);
        if key == "charts" && doc.is_map(value) {
            for (name, key_id, entry) in doc.entries(value) {
                let entry = doc.resolve(entry);
                let text = |k: &str| doc.get(entry, k).and_then(|v| doc.str(v)).map(str::trim);
                let (Some(chart), Some(repository)) = (text("name"), text("repository")) else {
                    continue;
                };
                if chart.is_empty() || repository.is_empty() {
                    continue;
                }
                let (line, column) = doc.position(key_id);
                out.push(crate::render::uses::ChartUse {
                    chart: crate::render::uses::ChartRef {
                        name: chart.to_owned(),
                        version: doc
                            .get(entry, "version")
                            .and_then(|v| doc.text(v))
                            .unwrap_or("")
                            .trim()
                            .to_owned(),
                        repository: repository.to_owned(),
                    },
                    by: format!("values {path}.{name}"),
                    at: crate::documents::At::new(file, line, column),
                    local: None,
                    values_path: at_path.iter().cloned().chain([name.to_owned()]).collect(),
                });
            }
            at_path.pop();
            continue;
        }
        values_charts(doc, value, file, at_path, out);
        at_path.pop();
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
    if custom::excluded(ex, &object) {
        return;
    }
    let group = object.group().to_owned();
    let kind = object.kind.clone();
    // A K3s HelmChart needs its HelmChartConfig, which may be in another file: it is kept
    // whole and rendered once the run is scanned. Only the scan's own documents count, not
    // documents held in strings.
    if ex.depth() == 0 {
        if let Some(config) = crate::render::k3s::Found::is_kind(&object.api_version, &kind) {
            ex.out.helm_charts.push(crate::render::k3s::Found {
                config,
                tree: Tree::from_doc(doc, id, ex.file()),
                document: ex.document(),
            });
        }
    }
    let kept = if ex.depth() == 0 {
        crate::render::objects::Kind::of(&object.api_version, &kind)
    } else {
        None
    };
    if let Some(kept) = kept {
        // A ConfigMap is kept for `valuesFrom`; one too large to be a values file (a
        // dashboard) is not copied, and a release that names it is told so.
        if kept == crate::render::objects::Kind::ConfigMap
            && crate::render::objects::data_bytes(doc, id) > crate::render::objects::CONFIG_MAP_MAX
        {
            ex.out.config_maps_dropped = true;
        } else {
            ex.out.objects.push(crate::render::objects::Found {
                kind: kept,
                tree: Tree::from_doc(doc, id, ex.file()),
                document: ex.document(),
                root: None,
            });
        }
    }
    // A HelmRelease kept for rendering: its `spec.values` are read by its release.
    let release = kept == Some(crate::render::objects::Kind::HelmRelease);
    let previous = ex.object.replace(Arc::new(object));
    custom::image_paths(ex, id, path);
    if kube::is_builtin(&group, &kind) {
        builtin_object(ex, id, &group, &kind, path);
    } else if release {
        crd::helm_release(ex, id, path);
    } else if group == "install.istio.io" && kind == "IstioOperator" {
        crd::istio_operator(ex, id, path);
    } else if crd::is_crossplane_package(&group, &kind) {
        crd::crossplane_package(ex, id, path);
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
