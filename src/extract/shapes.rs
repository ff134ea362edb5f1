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
//!   and named image maps under one image key (`upgradeJob.image.busybox`);
//! - Istio's `hub` + `image` + `tag` (+ `variant`), each inherited from `global` when empty;
//! - NVIDIA's `repository` + `image` + `version` (a `sha256:` version is a digest), Kyverno's
//!   empty `registry` beside `defaultRegistry`;
//! - `image` with its tag beside it: `tag` (Argo CD's redis-ha exporter), `imageTag` (older
//!   charts), KServe's `defaultImageVersion`;
//! - deployKF's `images.<name>: {repository, tag}` and `images.<name>: "ref"`;
//! - Jupyter's spawner choices `image: {value, options: [...]}` (also `imageGroupOne`, ...);
//! - lists of any of these, and lists of reference strings under an image key.
//!
//! "Global" parts come from the `global` mapping of the nearest enclosing mapping that has one
//! (Istio nests its defaults under `_internal_defaults_do_not_set`), from top-level
//! `imageRegistry` / `imageNamespace` (cert-manager), and from `images.tag` (Argo Workflows).
//! Each reference says which keys it was composed from ([`Parts`]), so that an overlay can
//! rewrite the right one. What becomes of a reference (its class, what to do when it has no
//! tag) is the caller's decision, through [`Sink`].

pub use super::model::{PartAt, Parts};
use super::rules::{key_names_image, name_mentions_image, names_a_part};
use super::{Extractor, KeyPath, KeyPathBuf};
use crate::documents::{NodeId, Value};

/// A reference put together from the parts of a values tree.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Composed {
    /// The reference as composed (`gcr.io/istio-release/proxyv2:1.29.1`).
    pub text: String,
    /// The node whose position is reported: the repository (or image name) value.
    pub node: NodeId,
    /// Whether no tag and no digest was found anywhere.
    pub untagged: bool,
    /// What a chart appends to its default tag (Jenkins' `tagLabel`: `-jdk21`), for when the
    /// tag is taken from the chart's `appVersion`.
    pub default_tag_suffix: Option<String>,
    /// Which keys it was composed from.
    pub parts: Parts,
}

/// Receives what the walk finds.
pub trait Sink {
    /// A reference composed at `path` (the key of the image or image map).
    fn composed(&mut self, ex: &mut Extractor<'_, '_>, found: Composed, path: &KeyPath<'_>);

    /// A string that is neither an image nor structure, but may hold a document (a template or
    /// embedded YAML); called for multi-line strings only.
    fn text(&mut self, _ex: &mut Extractor<'_, '_>, _node: NodeId, _path: &KeyPath<'_>) {}
}

/// A part found in an enclosing mapping: the node, and where it is: the keys below the
/// mapping that sits at `depth` segments of the key path.
#[derive(Debug, Clone, Copy)]
struct Inherited {
    node: NodeId,
    depth: usize,
    keys: &'static [&'static str],
}

impl Inherited {
    fn path(&self, path: &KeyPath<'_>) -> KeyPathBuf {
        path.owned(self.depth).join(self.keys)
    }
}

/// Parts inherited from enclosing mappings.
#[derive(Debug, Clone, Copy, Default)]
struct Scope {
    /// Istio `global.hub`, `global.tag`, `global.variant`.
    hub: Option<Inherited>,
    tag: Option<Inherited>,
    variant: Option<Inherited>,
    /// Bitnami / kube-prometheus-stack `global.imageRegistry`: replaces every image's registry.
    registry_override: Option<Inherited>,
    /// ingress-nginx `global.image.registry`, cert-manager `imageRegistry`: used when an image
    /// has no registry of its own.
    registry_default: Option<Inherited>,
    /// cert-manager `imageNamespace`.
    namespace: Option<Inherited>,
    /// Argo CD `global.image.repository`; Argo CD `global.image.tag` and Argo Workflows
    /// `images.tag`.
    repository_default: Option<Inherited>,
    tag_default: Option<Inherited>,
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

/// Walks a values tree whose Istio `hub` and `tag` sit outside it: an `IstioOperator`'s
/// `spec.hub` and `spec.tag` beside its `spec.values`. `holder` is the mapping holding them,
/// at `depth` segments of the key path; a `global.hub` inside the tree still wins.
pub fn walk_with_hub<'e>(
    ex: &mut Extractor<'e, '_>,
    root: NodeId,
    path: &mut KeyPath<'e>,
    holder: NodeId,
    depth: usize,
    sink: &mut dyn Sink,
) {
    let scope = Scope {
        hub: inherited(ex, holder, &["hub"], depth),
        tag: inherited(ex, holder, &["tag"], depth),
        ..Scope::default()
    };
    visit(ex, root, path, scope, sink);
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

fn inherited(
    ex: &Extractor<'_, '_>,
    map: NodeId,
    keys: &'static [&'static str],
    depth: usize,
) -> Option<Inherited> {
    let (last, parents) = keys.split_last()?;
    let holder = ex.doc().get_path(map, parents)?;
    part(ex, holder, last).map(|node| Inherited { node, depth, keys })
}

fn enter(ex: &Extractor<'_, '_>, map: NodeId, depth: usize, parent: Scope) -> Scope {
    let mut scope = parent;
    let take = |slot: &mut Option<Inherited>, keys: &'static [&'static str]| {
        if let Some(found) = inherited(ex, map, keys, depth) {
            *slot = Some(found);
        }
    };
    take(&mut scope.hub, &["global", "hub"]);
    take(&mut scope.tag, &["global", "tag"]);
    take(&mut scope.variant, &["global", "variant"]);
    take(&mut scope.registry_override, &["global", "imageRegistry"]);
    take(
        &mut scope.registry_default,
        &["global", "image", "registry"],
    );
    take(
        &mut scope.repository_default,
        &["global", "image", "repository"],
    );
    take(&mut scope.tag_default, &["global", "image", "tag"]);
    take(&mut scope.tag_default, &["images", "tag"]);
    take(&mut scope.registry_default, &["imageRegistry"]);
    take(&mut scope.namespace, &["imageNamespace"]);
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
            let scope = enter(ex, id, path.len(), scope);
            // The rule file's shapes first; the keys they used are not read again.
            let used = user_shape(ex, id, path, sink);
            for (key, _, value) in doc.entries(id) {
                if used.contains(&key) {
                    continue;
                }
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
                    match istio(ex, map, value, scope, path) {
                        Some(found) => Some(found),
                        // NVIDIA's shape with an empty `repository` names no image (a
                        // component to be configured, disabled by default).
                        None => match repository_and_version(ex, map, value) {
                            Some(found) => found,
                            None => Some(
                                sibling_tag(ex, map, value).unwrap_or_else(|| plain(ex, value)),
                            ),
                        },
                    }
                } else {
                    Some(plain(ex, value))
                };
                if let Some(found) = found {
                    sink.composed(ex, found, path);
                }
            }
            return;
        }
        if doc.is_map(value) {
            image_key_map(ex, value, path, scope, sink, 0);
            return;
        }
        if doc.is_seq(value) {
            list(ex, value, path, scope, sink);
            return;
        }
    } else if key == "images" {
        if doc.is_map(value) {
            let scope = enter(ex, value, path.len(), scope);
            for (name, _, item) in doc.entries(value) {
                // `images: {tag, pullPolicy, pullSecrets}` holds settings shared by the
                // chart's images, not images.
                if names_a_part(name) {
                    continue;
                }
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

/// How deep named image maps nest under one image key (`image.longhorn.engine` is 2).
const NAMED_IMAGE_DEPTH: usize = 4;

/// A mapping under an image key: an image map, Jupyter's choices, or named image maps, at
/// any of a few levels (kube-prometheus-stack's `upgradeJob.image.busybox`, Longhorn's
/// `image.longhorn.engine`, `image.csi.attacher`); other members are walked as usual.
fn image_key_map<'e>(
    ex: &mut Extractor<'e, '_>,
    map: NodeId,
    path: &mut KeyPath<'e>,
    scope: Scope,
    sink: &mut dyn Sink,
    depth: usize,
) {
    let doc = ex.doc();
    if let Some(found) = image_map(ex, map, scope, path) {
        sink.composed(ex, found, path);
        return;
    }
    if !user_shape(ex, map, path, sink).is_empty() {
        return;
    }
    if choices(ex, map, path, sink) {
        return;
    }
    let scope = enter(ex, map, path.len(), scope);
    for (name, _, member) in doc.entries(map) {
        path.key(name);
        if doc.is_map(member) && depth < NAMED_IMAGE_DEPTH {
            image_key_map(ex, member, path, scope, sink, depth + 1);
        } else {
            visit(ex, member, path, scope, sink);
        }
        path.pop(1);
    }
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
        .then(|| image_map(ex, item, scope, path))
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
        parts: Parts::Whole,
    }
}

/// Istio: `image: proxyv2` with a `hub` here or in `global` is `hub/proxyv2:tag[-variant]`.
/// An image with a `/` is a full reference, as in Istio's templates; so is one with a tag or a
/// digest (`nginx:1.25` beside an Istio `global.hub` is not an Istio component name).
fn istio(
    ex: &Extractor<'_, '_>,
    map: NodeId,
    image: NodeId,
    scope: Scope,
    path: &KeyPath<'_>,
) -> Option<Composed> {
    let name = ex.doc().str(image)?.trim();
    if !super::rules::is_bare_name(name) {
        return None;
    }
    let (hub_node, hub_at) = match part(ex, map, "hub") {
        Some(own) => (own, PartAt::Own("hub")),
        // A tag under another name than Istio's `tag` says the image is not an Istio component,
        // whatever hub the file has elsewhere.
        None if ["imageTag", "defaultImageVersion"]
            .iter()
            .any(|key| ex.doc().get(map, key).is_some()) =>
        {
            return None;
        }
        None => {
            let global = scope.hub?;
            (global.node, PartAt::Inherited(global.path(path)))
        }
    };
    let hub = text_of(ex, Some(hub_node))?;
    let tag = text_of(ex, part(ex, map, "tag").or(scope.tag.map(|t| t.node)));
    let variant = text_of(
        ex,
        part(ex, map, "variant").or(scope.variant.map(|v| v.node)),
    );
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
        parts: Parts::Hub {
            hub: hub_at,
            name: name.to_owned(),
        },
    })
}

/// NVIDIA's operators: `repository: nvcr.io/nvidia/cloud-native` + `image: gpu-operator` +
/// `version: v26.7.0` is `nvcr.io/nvidia/cloud-native/gpu-operator:v26.7.0`, as their
/// templates join them (`{{ .repository }}/{{ .image }}:{{ .version }}`). The image is a bare
/// name beside a `repository` and no `tag` (a missing `version` is the chart's appVersion);
/// the overlay rewrites the `repository`, as it rewrites Istio's `hub`.
fn repository_and_version(
    ex: &Extractor<'_, '_>,
    map: NodeId,
    image: NodeId,
) -> Option<Option<Composed>> {
    let doc = ex.doc();
    let name = doc.str(image)?.trim();
    if !super::rules::is_bare_name(name) || doc.get(map, "tag").is_some() {
        return None;
    }
    let repository_node = doc
        .get(map, "repository")
        .filter(|&r| doc.scalar(r).is_some())?;
    let Some(repository) = text_of(ex, Some(repository_node)) else {
        return Some(None);
    };
    let version = text_of(ex, part(ex, map, "version"));
    Some(Some(Composed {
        untagged: version.is_none(),
        text: super::rules::join_repository(repository, name, version),
        node: image,
        default_tag_suffix: None,
        parts: Parts::Hub {
            hub: PartAt::Own("repository"),
            name: name.to_owned(),
        },
    }))
}

/// Keys that hold the tag of an `image` beside them.
const SIBLING_TAG_KEYS: [&str; 3] = ["tag", "imageTag", "defaultImageVersion"];

/// `image: ghcr.io/oliver006/redis_exporter` with `tag: v1.75.0` beside it (or `imageTag`,
/// KServe's `"defaultImageVersion": "latest"`). An image that has its own tag is left whole.
fn sibling_tag(ex: &Extractor<'_, '_>, map: NodeId, image: NodeId) -> Option<Composed> {
    let doc = ex.doc();
    let name = doc.str(image)?.trim();
    if has_tag_or_digest(name) {
        return None;
    }
    let tag_key = SIBLING_TAG_KEYS
        .into_iter()
        .find(|key| doc.get(map, key).is_some_and(|n| doc.scalar(n).is_some()))?;
    let tag = text_of(ex, doc.get(map, tag_key));
    let text = match tag {
        Some(tag) => format!("{name}:{tag}"),
        None => name.to_owned(),
    };
    Some(Composed {
        untagged: tag.is_none(),
        text,
        node: image,
        default_tag_suffix: None,
        parts: Parts::Sibling { tag_key },
    })
}

/// An image map: the value of an image key holding a repository (or an image name) and parts.
fn image_map(
    ex: &Extractor<'_, '_>,
    map: NodeId,
    scope: Scope,
    path: &KeyPath<'_>,
) -> Option<Composed> {
    let doc = ex.doc();
    let own_registry = doc
        .get(map, "registry")
        .filter(|&n| doc.scalar(n).is_some());
    // The registry in force: a global override, else the image's own, else a global default.
    let registry_at = |with_default: bool| -> Option<(Option<&str>, PartAt)> {
        if let Some(global) = scope.registry_override {
            return Some((
                text_of(ex, Some(global.node)),
                PartAt::Inherited(global.path(path)),
            ));
        }
        if let Some(own) = own_registry.filter(|&own| text_of(ex, Some(own)).is_some()) {
            return Some((text_of(ex, Some(own)), PartAt::Own("registry")));
        }
        // Kyverno: `registry: ~` beside `defaultRegistry: reg.kyverno.io`; the template takes
        // `global.image.registry`, else the default, when the registry is empty, so an overlay
        // sets `registry`.
        if let Some(default) = part(ex, map, "defaultRegistry") {
            if let Some(global) = scope
                .registry_default
                .filter(|global| text_of(ex, Some(global.node)).is_some())
            {
                return Some((
                    text_of(ex, Some(global.node)),
                    PartAt::Inherited(global.path(path)),
                ));
            }
            return Some((text_of(ex, Some(default)), PartAt::Own("registry")));
        }
        if let Some(own) = own_registry {
            return Some((text_of(ex, Some(own)), PartAt::Own("registry")));
        }
        if with_default {
            if let Some(global) = scope.registry_default {
                return Some((
                    text_of(ex, Some(global.node)),
                    PartAt::Inherited(global.path(path)),
                ));
            }
        }
        None
    };
    let repository = part(ex, map, "repository");
    let image = part(ex, map, "image").filter(|&n| doc.str(n).is_some());
    let name = part(ex, map, "name").filter(|&n| doc.str(n).is_some());
    let mut namespace = None;
    let (base, node, registry, repository_at) = if let Some(repository) = repository {
        let repo = text_of(ex, Some(repository))?;
        // Bitnami and kube-prometheus-stack prefix their registry; ingress-nginx uses a set
        // repository on its own.
        let registry = registry_at(false).filter(|_| doc.get(map, "image").is_none());
        let text = join(&[registry.as_ref().and_then(|r| r.0), Some(repo)]);
        (
            text,
            repository,
            registry.map(|r| r.1),
            PartAt::Own("repository"),
        )
    } else if let Some(image) = image {
        let registry = registry_at(true);
        let text = join(&[
            registry.as_ref().and_then(|r| r.0),
            text_of(ex, Some(image)),
        ]);
        (text, image, registry.map(|r| r.1), PartAt::Own("image"))
    } else if let Some(name) = name {
        // cert-manager: [registry/]imageRegistry/imageNamespace/name. The per-image `registry`
        // is a deprecated prefix; `imageRegistry` is where the images are.
        let prefix = text_of(ex, part(ex, map, "registry"));
        let global = scope.registry_override.or(scope.registry_default);
        namespace = text_of(ex, scope.namespace.map(|n| n.node)).map(str::to_owned);
        let text = join(&[
            prefix,
            text_of(ex, global.map(|g| g.node)),
            namespace.as_deref(),
            text_of(ex, Some(name)),
        ]);
        let registry = match (prefix, global) {
            (Some(_), _) => Some(PartAt::Own("registry")),
            (None, Some(global)) => Some(PartAt::Inherited(global.path(path))),
            (None, None) => None,
        };
        (text, name, registry, PartAt::Own("name"))
    } else if doc.get(map, "repository").is_some() {
        // Argo CD: an empty repository inherits `global.image.repository`.
        let inherited = scope.repository_default?;
        let registry = registry_at(false);
        let text = join(&[
            registry.as_ref().and_then(|r| r.0),
            text_of(ex, Some(inherited.node)),
        ]);
        (
            text,
            inherited.node,
            registry.map(|r| r.1),
            PartAt::Inherited(inherited.path(path)),
        )
    } else {
        return None;
    };
    let mut tag = text_of(
        ex,
        part(ex, map, "tag").or(scope.tag_default.map(|t| t.node)),
    )
    .map(str::to_owned);
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
        parts: Parts::Map {
            registry,
            repository: repository_at,
            namespace,
        },
    })
}

/// The repository as the image map writes it (the part that follows the registry): the text of
/// the repository (or image, or name) node, after cert-manager's namespace.
pub fn written_repository(ex: &Extractor<'_, '_>, found: &Composed) -> String {
    let namespace = match &found.parts {
        Parts::Map { namespace, .. } => namespace.as_deref(),
        _ => None,
    };
    let written = ex
        .doc()
        .text(found.node)
        .unwrap_or_default()
        .trim()
        .trim_matches('/');
    let written = crate::reference::strip_tag_and_digest(written);
    match namespace {
        Some(ns) => format!("{}/{written}", ns.trim_matches('/')),
        None => written.to_owned(),
    }
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

/// The rule file's shapes (`extract/custom.rs`): reports the image of `map` when one fits,
/// and returns the keys it used, which the built-in shapes must not read again.
fn user_shape(
    ex: &mut Extractor<'_, '_>,
    map: NodeId,
    path: &KeyPath<'_>,
    sink: &mut dyn Sink,
) -> Vec<&'static str> {
    let Some(found) = super::custom::user_shape(ex, map) else {
        return Vec::new();
    };
    let composed = Composed {
        text: found.text,
        node: found.node,
        untagged: found.untagged,
        default_tag_suffix: None,
        parts: found.parts,
    };
    sink.composed(ex, composed, path);
    found.used
}
