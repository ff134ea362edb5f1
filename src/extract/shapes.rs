//! Image shapes of values-like trees: the ways charts and controllers spell an image.
//!
//! Helm values files, and the YAML or JSON that controllers keep in ConfigMaps, rarely hold an
//! image as one string. They split it into parts and inherit parts from elsewhere. This module
//! recognises, at any depth:
//!
//! - a string under a key naming an image: `image: "repo:tag"`, `proxyImage: ...`,
//!   `queue-sidecar-image`, `TENSORBOARD_IMAGE` ([`key_names_image`]);
//! - an image map under such a key: `{repository, tag, digest}`, Bitnami's
//!   `{registry, repository, tag, digest}`, kube-prometheus-stack's `sha`, ingress-nginx's
//!   `{registry, image, tag, digest}`, cert-manager's `image.name` with `imageRegistry` and
//!   `imageNamespace`, Argo CD's empty `repository` inheriting `global.image.repository`;
//! - Istio's `hub` + `image` + `tag` (+ `variant`), each inherited from `global` when empty;
//! - KServe's `image` + `defaultImageVersion`;
//! - deployKF's `images.<name>: {repository, tag}` and `images.<name>: "ref"`;
//! - Jupyter's spawner choices `image: {value, options: [...]}` (also `imageGroupOne`, ...);
//! - lists of any of these, and lists of reference strings under an image key.
//!
//! "Global" parts come from the `global` mapping of the nearest enclosing mapping that has one
//! (Istio nests its defaults under `_internal_defaults_do_not_set`), and from top-level
//! `imageRegistry` / `imageNamespace` (cert-manager). What becomes of a composed reference
//! (its class, what to do when it has no tag) is the caller's decision, through [`Sink`].

use super::{Extractor, KeyPath, key_names_image, name_mentions_image};
use crate::document::{NodeId, Value};

/// A reference put together from the parts of a values tree.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Composed {
    /// The reference as composed (`gcr.io/istio-release/proxyv2:1.29.1`).
    pub text: String,
    /// The node whose position is reported: the repository (or image name) value.
    pub node: NodeId,
    /// Whether no tag and no digest was found anywhere.
    pub untagged: bool,
    /// What a chart appends to its default tag (Jenkins' `tagLabel`: `jdk21`), for when the
    /// tag is taken from the chart's `appVersion`.
    pub default_tag_suffix: Option<String>,
}

/// Receives what the walk finds.
pub trait Sink {
    /// A reference composed at `path` (the key of the image or image map).
    fn composed(&mut self, ex: &mut Extractor<'_, '_>, found: Composed, path: &KeyPath<'_>);

    /// A string that is neither an image nor structure, but may hold a document (a template or
    /// embedded YAML); called for multi-line strings only.
    fn text(&mut self, _ex: &mut Extractor<'_, '_>, _node: NodeId, _path: &KeyPath<'_>) {}
}

/// Parts inherited from enclosing mappings.
#[derive(Debug, Clone, Copy, Default)]
struct Scope {
    /// Istio `global.hub`, `global.tag`, `global.variant`.
    hub: Option<NodeId>,
    tag: Option<NodeId>,
    variant: Option<NodeId>,
    /// Bitnami / kube-prometheus-stack `global.imageRegistry`: replaces every image's registry.
    registry_override: Option<NodeId>,
    /// ingress-nginx `global.image.registry`, cert-manager `imageRegistry`: used when an image
    /// has no registry of its own.
    registry_default: Option<NodeId>,
    /// cert-manager `imageNamespace`.
    namespace: Option<NodeId>,
    /// Argo CD `global.image.repository` and `global.image.tag`.
    repository_default: Option<NodeId>,
    tag_default: Option<NodeId>,
}

/// Walks the values tree at `root`, reporting every image shape to `sink`.
pub fn walk<'e>(
    ex: &mut Extractor<'e, '_>,
    root: NodeId,
    path: &mut KeyPath<'e>,
    sink: &mut dyn Sink,
) {
    visit(ex, root, path, Scope::default(), sink);
}

/// The text of a non-empty scalar (numbers as written: `tag: 1.10` is `1.10`).
fn text_of<'e>(ex: &Extractor<'e, '_>, node: Option<NodeId>) -> Option<&'e str> {
    let doc = ex.doc();
    node.and_then(|n| doc.text(n))
        .map(str::trim)
        .filter(|t| !t.is_empty())
}

/// A non-empty scalar child of a mapping, as a node.
fn part(ex: &Extractor<'_, '_>, map: NodeId, key: &str) -> Option<NodeId> {
    let doc = ex.doc();
    doc.get(map, key)
        .filter(|&n| doc.text(n).is_some_and(|t| !t.trim().is_empty()))
}

fn enter(ex: &Extractor<'_, '_>, map: NodeId, parent: Scope) -> Scope {
    let doc = ex.doc();
    let mut scope = parent;
    if let Some(global) = doc.get(map, "global").filter(|&g| doc.is_map(g)) {
        scope.hub = part(ex, global, "hub").or(scope.hub);
        scope.tag = part(ex, global, "tag").or(scope.tag);
        scope.variant = part(ex, global, "variant").or(scope.variant);
        scope.registry_override = part(ex, global, "imageRegistry").or(scope.registry_override);
        if let Some(image) = doc.get(global, "image").filter(|&i| doc.is_map(i)) {
            scope.registry_default = part(ex, image, "registry").or(scope.registry_default);
            scope.repository_default = part(ex, image, "repository").or(scope.repository_default);
            scope.tag_default = part(ex, image, "tag").or(scope.tag_default);
        }
    }
    if let Some(registry) = part(ex, map, "imageRegistry") {
        scope.registry_default = Some(registry);
    }
    if let Some(namespace) = part(ex, map, "imageNamespace") {
        scope.namespace = Some(namespace);
    }
    scope
}

fn visit<'e>(
    ex: &mut Extractor<'e, '_>,
    id: NodeId,
    path: &mut KeyPath<'e>,
    scope: Scope,
    sink: &mut dyn Sink,
) {
    let doc = ex.doc();
    let Some(node) = doc.node(id) else { return };
    match &node.value {
        Value::Map(_) => {
            let scope = enter(ex, id, scope);
            for (key, _, value) in doc.entries(id) {
                path.key(key);
                entry(ex, id, key, value, path, scope, sink);
                path.pop(1);
            }
        }
        Value::Seq(items) => {
            for (i, &item) in items.iter().enumerate() {
                path.index(i);
                visit(ex, item, path, scope, sink);
                path.pop(1);
            }
        }
        Value::Scalar(scalar) => {
            if scalar.text.contains('\n') {
                sink.text(ex, id, path);
            }
        }
        Value::Alias(_) => {}
    }
}

/// One entry `key: value` of mapping `map`; `path` already ends with `key`.
fn entry<'e>(
    ex: &mut Extractor<'e, '_>,
    map: NodeId,
    key: &'e str,
    value: NodeId,
    path: &mut KeyPath<'e>,
    scope: Scope,
    sink: &mut dyn Sink,
) {
    let doc = ex.doc();
    if key_names_image(key) {
        if doc.scalar(value).is_some() {
            if doc.str(value).is_some() {
                let found = if key == "image" {
                    istio(ex, map, value, scope)
                        .or_else(|| kserve(ex, map, value))
                        .unwrap_or_else(|| plain(ex, value))
                } else {
                    plain(ex, value)
                };
                sink.composed(ex, found, path);
            }
            return;
        }
        if doc.is_map(value) {
            if let Some(found) = image_map(ex, value, scope) {
                sink.composed(ex, found, path);
                return;
            }
            if choices(ex, value, path, sink) {
                return;
            }
        }
        if doc.is_seq(value) {
            list(ex, value, path, scope, sink);
            return;
        }
    } else if key == "images" {
        if doc.is_map(value) {
            for (name, _, item) in doc.entries(value) {
                path.key(name);
                image_item(ex, item, path, scope, sink);
                path.pop(1);
            }
            return;
        }
        if doc.is_seq(value) {
            list(ex, value, path, scope, sink);
            return;
        }
    } else if doc.is_map(value)
        && key.to_ascii_lowercase().starts_with("image")
        && name_mentions_image(key)
        && choices(ex, value, path, sink)
    {
        return;
    }
    visit(ex, value, path, scope, sink);
}

/// Items of a list under an image key: reference strings or image maps.
fn list<'e>(
    ex: &mut Extractor<'e, '_>,
    seq: NodeId,
    path: &mut KeyPath<'e>,
    scope: Scope,
    sink: &mut dyn Sink,
) {
    let doc = ex.doc();
    for (i, &item) in doc.items(seq).iter().enumerate() {
        path.index(i);
        image_item(ex, item, path, scope, sink);
        path.pop(1);
    }
}

/// One member of an image list or an `images` map: a reference string, an image map, or
/// anything else, which is walked.
fn image_item<'e>(
    ex: &mut Extractor<'e, '_>,
    item: NodeId,
    path: &mut KeyPath<'e>,
    scope: Scope,
    sink: &mut dyn Sink,
) {
    let doc = ex.doc();
    if doc.str(item).is_some() {
        sink.composed(ex, plain(ex, item), path);
    } else if let Some(found) = doc
        .is_map(item)
        .then(|| image_map(ex, item, scope))
        .flatten()
    {
        sink.composed(ex, found, path);
    } else {
        visit(ex, item, path, scope, sink);
    }
}

fn has_tag_or_digest(reference: &str) -> bool {
    let last = reference.rsplit('/').next().unwrap_or(reference);
    last.contains(':') || last.contains('@')
}

/// A reference string as written.
fn plain(ex: &Extractor<'_, '_>, node: NodeId) -> Composed {
    let text = ex.doc().str(node).unwrap_or_default().to_owned();
    Composed {
        untagged: !has_tag_or_digest(&text),
        text,
        node,
        default_tag_suffix: None,
    }
}

/// Istio: `image: proxyv2` with a `hub` here or in `global` is `hub/proxyv2:tag[-variant]`.
/// An image with a `/` is a full reference, as in Istio's templates.
fn istio(ex: &Extractor<'_, '_>, map: NodeId, image: NodeId, scope: Scope) -> Option<Composed> {
    let name = ex.doc().str(image)?.trim();
    if name.is_empty() || name.contains('/') {
        return None;
    }
    let hub = text_of(ex, part(ex, map, "hub").or(scope.hub))?;
    let tag = text_of(ex, part(ex, map, "tag").or(scope.tag));
    let variant = text_of(ex, part(ex, map, "variant").or(scope.variant));
    let mut text = format!("{}/{name}", hub.trim_end_matches('/'));
    if let Some(tag) = tag {
        text.push(':');
        text.push_str(tag);
        if let Some(variant) = variant {
            text.push('-');
            text.push_str(variant);
        }
    }
    Some(Composed {
        untagged: tag.is_none(),
        text,
        node: image,
        default_tag_suffix: None,
    })
}

/// KServe: `"image": "kserve/art-explainer"` with `"defaultImageVersion": "latest"`.
fn kserve(ex: &Extractor<'_, '_>, map: NodeId, image: NodeId) -> Option<Composed> {
    let name = ex.doc().str(image)?.trim();
    let version = text_of(ex, ex.doc().get(map, "defaultImageVersion"))?;
    if has_tag_or_digest(name) {
        return None;
    }
    Some(Composed {
        text: format!("{name}:{version}"),
        node: image,
        untagged: false,
        default_tag_suffix: None,
    })
}

/// An image map: the value of an image key holding a repository (or an image name) and parts.
fn image_map(ex: &Extractor<'_, '_>, map: NodeId, scope: Scope) -> Option<Composed> {
    let doc = ex.doc();
    let repository = part(ex, map, "repository");
    let image = part(ex, map, "image").filter(|&n| doc.str(n).is_some());
    let name = part(ex, map, "name").filter(|&n| doc.str(n).is_some());
    let registry_override = text_of(ex, scope.registry_override);
    let registry = registry_override.or_else(|| text_of(ex, part(ex, map, "registry")));
    let (base, node) = if let Some(repository) = repository {
        let repo = text_of(ex, Some(repository))?;
        // Bitnami and kube-prometheus-stack prefix their registry; ingress-nginx and
        // cert-manager use a repository on its own.
        let registry = registry.filter(|_| doc.get(map, "image").is_none());
        (join(&[registry, Some(repo)]), repository)
    } else if let Some(image) = image {
        let registry = registry.or_else(|| text_of(ex, scope.registry_default));
        (join(&[registry, text_of(ex, Some(image))]), image)
    } else if let Some(name) = name {
        // cert-manager: [registry/]imageRegistry/imageNamespace/name.
        let prefix = text_of(ex, part(ex, map, "registry"));
        let repo = join(&[
            prefix,
            registry_override.or_else(|| text_of(ex, scope.registry_default)),
            text_of(ex, scope.namespace),
            text_of(ex, Some(name)),
        ]);
        (repo, name)
    } else if doc.get(map, "repository").is_some() {
        // Argo CD: an empty repository inherits `global.image.repository`.
        let inherited = scope.repository_default?;
        (join(&[registry, text_of(ex, Some(inherited))]), inherited)
    } else {
        return None;
    };
    let mut tag = text_of(ex, part(ex, map, "tag").or(scope.tag_default)).map(str::to_owned);
    // Jenkins: `tag` overrides the whole tag; `tagLabel` only suffixes the appVersion default.
    let default_tag_suffix = text_of(ex, part(ex, map, "tagLabel")).map(|l| format!("-{l}"));
    let digest = text_of(ex, part(ex, map, "digest"))
        .map(str::to_owned)
        .or_else(|| text_of(ex, part(ex, map, "sha")).map(|sha| format!("sha256:{sha}")))
        .map(|d| {
            if d.contains(':') {
                d
            } else {
                format!("sha256:{d}")
            }
        });
    let mut text = base;
    if has_tag_or_digest(&text) {
        tag = None;
    }
    if let Some(tag) = &tag {
        text.push(':');
        text.push_str(tag);
    }
    if let Some(digest) = &digest {
        if !text.contains('@') {
            text.push('@');
            text.push_str(digest);
        }
    }
    Some(Composed {
        untagged: !has_tag_or_digest(&text),
        text,
        node,
        default_tag_suffix,
    })
}

fn join(parts: &[Option<&str>]) -> String {
    parts
        .iter()
        .flatten()
        .map(|p| p.trim_matches('/'))
        .filter(|p| !p.is_empty())
        .collect::<Vec<_>>()
        .join("/")
}

/// Jupyter's spawner choices: `{value: ref, options: [ref, ...]}`. Returns whether the map had
/// that shape.
fn choices<'e>(
    ex: &mut Extractor<'e, '_>,
    map: NodeId,
    path: &mut KeyPath<'e>,
    sink: &mut dyn Sink,
) -> bool {
    let doc = ex.doc();
    let value = doc.get(map, "value").filter(|&v| doc.str(v).is_some());
    let options = doc.get(map, "options").filter(|&o| doc.is_seq(o));
    if value.is_none() && options.is_none() {
        return false;
    }
    if let Some(value) = value {
        path.key("value");
        sink.composed(ex, plain(ex, value), path);
        path.pop(1);
    }
    if let Some(options) = options {
        path.key("options");
        for (i, &option) in doc.items(options).iter().enumerate() {
            if doc.str(option).is_some() {
                path.index(i);
                sink.composed(ex, plain(ex, option), path);
                path.pop(1);
            }
        }
        path.pop(1);
    }
    true
}
