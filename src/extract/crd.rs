//! Class `crd`: image fields of custom resources, and the pod specs nested in them.
//!
//! A custom resource has no schema imgsift can rely on, so it is walked whole. A mapping shaped
//! like a pod spec (a container list of mappings with `image`) is read as one, class `podspec`:
//! Knative Services, Argo Rollouts, KServe runtimes and Trainer runtimes carry pod templates.
//! Elsewhere, a string under an image-naming key ([`key_names_image`]) is class `crd`: Argo
//! Workflow `container`/`script` templates, Tekton steps, Prometheus Operator `spec.image`.
//! A mapping with an `image` is container-like, so its env and arguments are read too, and
//! `metadata.annotations` anywhere in the resource are read as annotations. A string of the
//! resource that holds YAML naming an image (a job pod template kept as text) is parsed and
//! walked the same way.

use super::annotation::annotations_map;
use super::container::container;
use super::podspec::{is_pod_spec_shaped, pod_spec};
use super::rules::key_names_image;
use super::{Class, Extractor, KeyPath};
use crate::documents::{NodeId, Value};
use crate::kube::CONTAINER_LISTS;

/// Walks a custom resource from its root.
pub fn custom_resource<'e>(ex: &mut Extractor<'e, '_>, id: NodeId, path: &mut KeyPath<'e>) {
    walk(ex, id, path);
}

/// Walks a Flux `HelmRelease` but for its `spec.values`: those are Helm values of the release
/// that `render::flux` renders (or reads as a values file when the chart is not at hand), where
/// the values rules apply (`image: nginx` without a tag is unresolved, never `latest`), and
/// an image they name counts only when the chart renders it.
pub fn helm_release<'e>(ex: &mut Extractor<'e, '_>, id: NodeId, path: &mut KeyPath<'e>) {
    walk_but_spec_values(ex, id, path);
}

/// Walks a resource but for its `spec.values`, which its caller reads by other rules; returns
/// the `spec` mapping.
fn walk_but_spec_values<'e>(
    ex: &mut Extractor<'e, '_>,
    id: NodeId,
    path: &mut KeyPath<'e>,
) -> Option<NodeId> {
    let doc = ex.doc();
    let mut spec = None;
    for (key, _, value) in doc.entries(id) {
        path.key(key);
        if key == "spec" && doc.is_map(value) {
            walk_map(ex, value, path, Some("values"));
            spec = Some(value);
        } else {
            walk(ex, value, path);
        }
        path.pop(1);
    }
    spec
}

/// Walks an `IstioOperator` (`install.istio.io`): `spec.values` are the Helm values of Istio's
/// charts, where components are named bare (`pilot.image: pilot`, `global.proxy.image:
/// proxyv2`) and joined with `spec.hub` and `spec.tag` by the operator (or `istioctl`), as
/// Istio's templates join them with `global.hub` and `global.tag`. A bare name alone is no
/// reference (never `docker.io/library/pilot`), and one without a tag is left out: the tag
/// would be the operator's own default, which the resource does not say.
pub fn istio_operator<'e>(ex: &mut Extractor<'e, '_>, id: NodeId, path: &mut KeyPath<'e>) {
    let doc = ex.doc();
    let Some(spec) = walk_but_spec_values(ex, id, path) else {
        return;
    };
    if let Some(values) = doc.get(spec, "values").filter(|&v| doc.is_map(v)) {
        // `spec.hub` and `spec.tag` sit one segment below the resource's root.
        let depth = path.len() + 1;
        path.key("spec").key("values");
        super::shapes::walk_with_hub(ex, values, path, spec, depth, &mut OperatorValues);
        path.pop(2);
    }
}

/// The images of an operator's values: whole references, as the operator uses them.
struct OperatorValues;

impl super::shapes::Sink for OperatorValues {
    fn composed(
        &mut self,
        ex: &mut Extractor<'_, '_>,
        found: super::shapes::Composed,
        path: &KeyPath<'_>,
    ) {
        let text = found.text.trim();
        if found.untagged || !super::rules::is_qualified(text) {
            return;
        }
        let at = ex.locate(found.node);
        ex.candidate_text(text, at, path, Class::Crd);
    }
}

/// Whether a custom resource is a Crossplane package (`pkg.crossplane.io` `Provider`,
/// `Function`, `Configuration`): its `spec.package` is an OCI image Crossplane pulls, and
/// whose controller it runs for providers and functions.
pub fn is_crossplane_package(group: &str, kind: &str) -> bool {
    group == "pkg.crossplane.io" && matches!(kind, "Provider" | "Function" | "Configuration")
}

/// Reads a Crossplane package's `spec.package`, then the rest as any custom resource.
pub fn crossplane_package<'e>(ex: &mut Extractor<'e, '_>, id: NodeId, path: &mut KeyPath<'e>) {
    let doc = ex.doc();
    if let Some(package) = doc.get_path(id, &["spec", "package"]) {
        path.key("spec").key("package");
        ex.candidate(package, path, Class::Crd);
        path.pop(2);
    }
    walk(ex, id, path);
}

fn walk<'e>(ex: &mut Extractor<'e, '_>, id: NodeId, path: &mut KeyPath<'e>) {
    let doc = ex.doc();
    let Some(node) = doc.node(id) else {
        return;
    };
    match &node.value {
        Value::Map(_) => walk_map(ex, id, path, None),
        Value::Seq(items) => {
            for (i, &item) in items.iter().enumerate() {
                path.index(i);
                walk(ex, item, path);
                path.pop(1);
            }
        }
        Value::Scalar(scalar) => {
            // A pod template or a whole object kept in a string of the resource (a CI runner's
            // job pod, a helper pod): parsed and walked as part of it, at its own lines.
            // A `patch` (Flux's post-renderers, Argo CD's kustomize patches) changes objects
            // that a renderer builds and applies it to; it is no object of its own.
            if scalar.text.contains('\n')
                && path.last_key() != Some("patch")
                && super::configmap::mentions_image(&scalar.text)
            {
                ex.nested(id, path, |inner, root, inner_path| {
                    walk(inner, root, inner_path);
                });
            }
        }
        Value::Alias(_) => {}
    }
}

/// The entries of a mapping, but for the key `skip`.
fn walk_map<'e>(
    ex: &mut Extractor<'e, '_>,
    id: NodeId,
    path: &mut KeyPath<'e>,
    skip: Option<&str>,
) {
    let doc = ex.doc();
    let pod_spec_shaped = is_pod_spec_shaped(ex, id);
    if pod_spec_shaped {
        pod_spec(ex, id, path);
    }
    let container_like = !pod_spec_shaped && doc.get(id, "image").is_some();
    if container_like {
        container(ex, id, path);
    }
    let in_metadata = path.last_key() == Some("metadata");
    for (key, _, value) in doc.entries(id) {
        if skip == Some(key) {
            continue;
        }
        if pod_spec_shaped && (CONTAINER_LISTS.contains(&key) || key == "volumes") {
            // Already read as a pod spec; the containers' other fields are not
            // image fields of the resource.
            continue;
        }
        if container_like && matches!(key, "env" | "command" | "args") {
            continue;
        }
        path.key(key);
        if in_metadata && key == "annotations" {
            annotations_map(ex, value, path);
        } else if key == "image" && doc.scalar(value).is_some() {
            match repository_beside(ex, id, value) {
                // NVIDIA's ClusterPolicy: `repository` + `image` + `version`, joined by the
                // operator; an empty `repository` names no image yet.
                Some(Some(text)) => {
                    let parts: Vec<NodeId> = ["repository", "version"]
                        .iter()
                        .filter_map(|k| doc.get(id, k))
                        .collect();
                    let at = ex.locate_joined(value, &parts);
                    ex.candidate_text(&text, at, path, Class::Crd);
                }
                Some(None) => {}
                None => ex.candidate(value, path, Class::Crd),
            }
        } else if key_names_image(key) && doc.scalar(value).is_some() {
            ex.candidate_by_name(value, path, Class::Crd);
        } else {
            walk(ex, value, path);
        }
        path.pop(1);
    }
}

/// The reference an operator joins from `repository` + `image` + `version` (NVIDIA's GPU and
/// network operators): `Some(None)` when the map has that shape but an empty `repository`,
/// `None` when it is not that shape (the image is not a bare name, or a `tag` is beside it).
fn repository_beside(ex: &Extractor<'_, '_>, map: NodeId, image: NodeId) -> Option<Option<String>> {
    let doc = ex.doc();
    let name = doc.str(image)?.trim();
    if !super::rules::is_bare_name(name) || doc.get(map, "tag").is_some() {
        return None;
    }
    // A component switched off whose template left the repository out (NVIDIA's
    // `vgpuManager: {enabled: false, image: vgpu-manager}`): its bare name is no reference.
    let disabled = doc
        .get(map, "enabled")
        .and_then(|e| doc.text(e))
        .is_some_and(|e| e.trim() == "false");
    let Some(repository) = doc.get(map, "repository").and_then(|r| doc.str(r)) else {
        return disabled.then_some(None);
    };
    let repository = repository.trim();
    if repository.is_empty() {
        return Some(None);
    }
    let version = doc
        .get(map, "version")
        .and_then(|v| doc.text(v))
        .map(str::trim)
        .filter(|v| !v.is_empty());
    Some(Some(super::rules::join_repository(
        repository, name, version,
    )))
}
