//! `imgsift overlay`: Helm values overrides that point every image of a values file at the
//! private registry.
//!
//! For each values document, the image shapes are walked again (the same walk the scan does)
//! and each image is mapped into the registry by the one rule of `registry.rs`. The overlay
//! holds only the keys that change, in the shape the source used:
//!
//! - a `registry` key is rewritten where there is one, including a shared one (Bitnami's
//!   `global.imageRegistry`, ingress-nginx's `global.image.registry`, cert-manager's
//!   `imageRegistry`); the repository is rewritten too only when the registry alone cannot
//!   give the mapped name (`nginx` is `library/nginx` on Docker Hub);
//! - else the `repository` (or an inherited one: Argo CD's `global.image.repository`);
//! - else the image string;
//! - else Istio's `hub` (the component's own, or `global.hub`).
//!
//! A tag found by resolution (manifests of the run, or the chart's `appVersion`) is written in.
//! Lists are written whole, because Helm replaces lists. Merged onto the values with Helm's
//! rules (maps merge, lists and scalars replace), every image of the values points at the
//! registry. An image already in the registry is left alone, so an overlay of an overlaid file
//! is empty.

mod tree;

use std::collections::BTreeMap;
use std::sync::Arc;

use crate::diag::Diagnostic;
use crate::document::{self, Doc, Limits};
use crate::extract::shapes::{Composed, PartAt, Parts};
use crate::extract::{self, Class, KeyPath, Seg, Source, ValuesDoc, ValuesEntry};
use crate::reference::Reference;
use crate::registry::Registry;
use crate::resolve::{Resolution, Resolver};

pub use tree::{Out, render_document};

/// How images are mapped.
#[derive(Debug, Clone)]
pub struct Mapping {
    /// The private registry.
    pub registry: Registry,
    /// Nest each upstream under its registry's name.
    pub keep_registry_path: bool,
}

/// One key to set.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Edit {
    /// Where, from the document root.
    pub path: Vec<Seg>,
    /// The new string value.
    pub value: String,
}

/// One image's mapping, for the kustomize list.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Renamed {
    /// The name as the chart renders it (no tag or digest).
    pub name: String,
    /// The name in the private registry.
    pub new_name: String,
    /// The tag, when known.
    pub tag: Option<String>,
    /// The digest, when known.
    pub digest: Option<String>,
}

/// The overlay of one values document.
#[derive(Debug, Clone)]
pub struct DocOverlay {
    /// The values file.
    pub file: Arc<str>,
    /// The document index in it.
    pub document: u32,
    /// The overlay as a tree, ready to print (empty when nothing changes).
    pub tree: Out,
    /// Images and their new names.
    pub renamed: Vec<Renamed>,
    /// Problems (a key that would need two values, a name that cannot be mapped).
    pub diagnostics: Vec<Diagnostic>,
}

/// Plans the overlay of one values document.
pub fn overlay_doc(
    values: &ValuesDoc,
    resolver: &Resolver,
    mapping: &Mapping,
    limits: &Limits,
) -> DocOverlay {
    let mut overlay = DocOverlay {
        file: Arc::clone(&values.file),
        document: values.document,
        tree: Out::map(),
        renamed: Vec::new(),
        diagnostics: Vec::new(),
    };
    let docs = match document::load(&values.text, values.first_line, limits) {
        Ok(docs) => docs,
        // The scan already reported why the document cannot be read.
        Err(_) => return overlay,
    };
    let Some(doc) = docs.first() else {
        return overlay;
    };
    let mut edits: BTreeMap<Vec<Seg>, (String, (u64, u64))> = BTreeMap::new();
    let mut order: Vec<Vec<Seg>> = Vec::new();
    extract::values_shapes(
        doc,
        &values.file,
        values.document,
        &mut |doc, found, path, at| {
            let planned = plan_entry(doc, &values.file, &found, path, at, resolver, mapping);
            match planned {
                Ok(Some((new_edits, renamed))) => {
                    overlay.renamed.push(renamed);
                    for edit in new_edits {
                        match edits.get(&edit.path) {
                            Some((existing, _)) if *existing != edit.value => {
                                overlay.diagnostics.push(Diagnostic::warning(
                                &values.file,
                                at.0,
                                at.1,
                                format!(
                                    "{}: would need both {existing:?} and {:?}; the first is written",
                                    render_path(&edit.path),
                                    edit.value
                                ),
                            ));
                            }
                            Some(_) => {}
                            None => {
                                order.push(edit.path.clone());
                                edits.insert(edit.path, (edit.value, at));
                            }
                        }
                    }
                }
                Ok(None) => {}
                Err(message) => {
                    overlay
                        .diagnostics
                        .push(Diagnostic::error(&values.file, at.0, at.1, message))
                }
            }
        },
    );
    for path in order {
        if let Some((value, _)) = edits.get(&path) {
            tree::set(&mut overlay.tree, doc, &path, value);
        }
    }
    overlay
}

/// A key path as text, for messages.
fn render_path(path: &[Seg]) -> String {
    let mut text = String::new();
    for seg in path {
        match seg {
            Seg::Key(key) => {
                if !text.is_empty() {
                    text.push('.');
                }
                text.push_str(key);
            }
            Seg::Index(i) => text.push_str(&format!("[{i}]")),
        }
    }
    text
}

fn child(path: &[Seg], key: &str) -> Vec<Seg> {
    let mut path = path.to_vec();
    path.push(Seg::Key(key.to_owned()));
    path
}

fn sibling(path: &[Seg], key: &str) -> Vec<Seg> {
    let mut path = path.to_vec();
    path.pop();
    path.push(Seg::Key(key.to_owned()));
    path
}

fn at(part: &PartAt, entry: &[Seg], beside: bool) -> Vec<Seg> {
    match part {
        PartAt::Own(key) if beside => sibling(entry, key),
        PartAt::Own(key) => child(entry, key),
        PartAt::Inherited(path) => path.clone(),
    }
}

type Planned = Option<(Vec<Edit>, Renamed)>;

/// The edits for one image of a values document.
fn plan_entry(
    doc: &Doc<'_>,
    file: &Arc<str>,
    found: &Composed,
    path: &KeyPath<'_>,
    position: (u64, u64),
    resolver: &Resolver,
    mapping: &Mapping,
) -> Result<Planned, String> {
    let entry_path = path.to_segs();
    let entry = ValuesEntry {
        source: Source {
            file: Arc::clone(file),
            line: position.0,
            column: position.1,
            document: 0,
            object: None,
            path: path.to_string(),
            class: Class::Values,
            raw: found.text.trim().to_owned(),
            tag_from: None,
            transform: None,
        },
        untagged: found.untagged,
        default_tag_suffix: found.default_tag_suffix.clone(),
    };
    let (source, resolved) = match resolver.resolve(&entry) {
        Resolution::Image(reference, tag_from) => (reference, tag_from.is_some()),
        Resolution::Unresolved { .. } => match Reference::parse_normalized_named(&entry.source.raw)
        {
            Ok(named) => (named, false),
            Err(_) => return Ok(None),
        },
        Resolution::Invalid(_) => return Ok(None),
    };
    if mapping.registry.holds(&source) {
        return Ok(None);
    }
    let target = mapping
        .registry
        .map(&source, mapping.keep_registry_path)
        .map_err(|e| format!("{}: {e}", entry.source.path))?;
    let new_name = target.name();
    let target_registry = mapping
        .registry
        .registry_for(source.domain(), mapping.keep_registry_path)
        .map_err(|e| format!("{}: {e}", entry.source.path))?;
    let raw_name = strip_tag_and_digest(&entry.source.raw);
    let renamed = Renamed {
        name: raw_name.to_owned(),
        new_name: new_name.clone(),
        tag: source.tag().map(str::to_owned),
        digest: source.digest().map(str::to_owned),
    };
    let tag_edit = |edits: &mut Vec<Edit>, at: Vec<Seg>| {
        if resolved {
            if let Some(tag) = source.tag() {
                edits.push(Edit {
                    path: at,
                    value: tag.to_owned(),
                });
            }
        }
    };
    let mut edits = Vec::new();
    match &found.parts {
        Parts::Whole => edits.push(Edit {
            path: entry_path.clone(),
            value: target.to_string(),
        }),
        Parts::Sibling { tag_key } => {
            edits.push(Edit {
                path: entry_path.clone(),
                value: new_name.clone(),
            });
            tag_edit(&mut edits, sibling(&entry_path, tag_key));
        }
        Parts::Hub { hub, name } => {
            let Some(new_hub) = new_name.strip_suffix(&format!("/{name}")) else {
                return Err(format!(
                    "{}: {new_name} does not end with the image name {name:?}, so no hub gives it",
                    entry.source.path
                ));
            };
            edits.push(Edit {
                path: at(hub, &entry_path, true),
                value: new_hub.to_owned(),
            });
            tag_edit(&mut edits, sibling(&entry_path, "tag"));
        }
        Parts::Map {
            registry,
            repository,
            namespace,
        } => {
            let name_shape = matches!(repository, PartAt::Own("name"));
            // cert-manager's `repository`, when set, is used alone, and replaces
            // registry/namespace/name.
            let repository_at = if name_shape {
                PartAt::Own("repository")
            } else {
                repository.clone()
            };
            let written = written_repository(doc, found.node, namespace.as_deref());
            match registry {
                Some(PartAt::Own("registry")) if name_shape => {
                    // A deprecated per-image prefix: cleared, and the repository given whole.
                    edits.push(Edit {
                        path: child(&entry_path, "registry"),
                        value: String::new(),
                    });
                    edits.push(Edit {
                        path: at(&repository_at, &entry_path, false),
                        value: new_name.clone(),
                    });
                }
                Some(registry_at) => {
                    edits.push(Edit {
                        path: at(registry_at, &entry_path, false),
                        value: target_registry.clone(),
                    });
                    if new_name != format!("{target_registry}/{written}") {
                        // `nginx` under Docker Hub is `library/nginx`: the registry alone
                        // cannot give the mapped name, so the repository is written too.
                        let value = if name_shape {
                            new_name.clone()
                        } else {
                            source.path().to_owned()
                        };
                        edits.push(Edit {
                            path: at(&repository_at, &entry_path, false),
                            value,
                        });
                    }
                }
                None => {
                    // No registry key anywhere: the repository holds the registry.
                    edits.push(Edit {
                        path: at(&repository_at, &entry_path, false),
                        value: new_name.clone(),
                    });
                }
            }
            tag_edit(&mut edits, child(&entry_path, "tag"));
        }
    }
    Ok(Some((edits, renamed)))
}

/// The repository as the image map writes it (the part that follows the registry): the text of
/// the repository (or image, or name) node, after cert-manager's namespace.
fn written_repository(
    doc: &Doc<'_>,
    node: crate::document::NodeId,
    namespace: Option<&str>,
) -> String {
    let written = doc.text(node).unwrap_or_default().trim().trim_matches('/');
    let written = strip_tag_and_digest(written);
    match namespace {
        Some(ns) => format!("{}/{written}", ns.trim_matches('/')),
        None => written.to_owned(),
    }
}

/// `repo:tag@digest` -> `repo`.
fn strip_tag_and_digest(text: &str) -> &str {
    let without_digest = text.split('@').next().unwrap_or(text);
    match without_digest.rfind(':') {
        Some(colon) if !without_digest[colon..].contains('/') => &without_digest[..colon],
        _ => without_digest,
    }
}

/// Renders the overlays as the kustomize `images:` list: one entry per name.
pub fn kustomize_images(overlays: &[DocOverlay], manifests: &[Renamed]) -> String {
    let mut by_name: BTreeMap<&str, Vec<&Renamed>> = BTreeMap::new();
    for renamed in overlays
        .iter()
        .flat_map(|o| o.renamed.iter())
        .chain(manifests)
    {
        by_name
            .entry(renamed.name.as_str())
            .or_default()
            .push(renamed);
    }
    let mut out = Out::map();
    let mut list = Vec::new();
    for (name, all) in by_name {
        let Some(first) = all.first() else { continue };
        let mut item = Out::map();
        item.push("name", Out::string(name));
        item.push("newName", Out::string(&first.new_name));
        // A name used with several tags keeps each manifest's own tag.
        let same = |f: fn(&Renamed) -> &Option<String>| {
            let value = f(first);
            all.iter()
                .all(|r| f(r) == value)
                .then_some(value.clone())
                .flatten()
        };
        if let Some(tag) = same(|r| &r.tag) {
            item.push("newTag", Out::string(&tag));
        }
        if let Some(digest) = same(|r| &r.digest) {
            item.push("digest", Out::string(&digest));
        }
        list.push(item);
    }
    out.push("images", Out::Seq(list));
    render_document(&out)
}

/// The images of manifests that kustomize's `images:` transformer can rewrite (those of
/// `containers` and `initContainers`), each under the name as written there: kustomize
/// matches names as written, so `nginx:1.25` needs the entry `nginx`, not
/// `docker.io/library/nginx`. The list is for a kustomization that takes the scanned inputs
/// as its `resources:`, so an image that came out of a kustomize root is named as that root
/// builds it (its transforms applied). Images already in the registry are left out.
pub fn manifest_renames(images: &[crate::inventory::Image], mapping: &Mapping) -> Vec<Renamed> {
    let mut renames = Vec::new();
    for image in images {
        if mapping.registry.holds(&image.reference) {
            continue;
        }
        let Ok(target) = mapping
            .registry
            .map(&image.reference, mapping.keep_registry_path)
        else {
            continue;
        };
        for source in &image.sources {
            if !kustomize_rewrites(source) {
                continue;
            }
            let (name, _, _) = crate::render::kustomize::images::split(&source.raw);
            let renamed = Renamed {
                name,
                new_name: target.name(),
                tag: image.reference.tag().map(str::to_owned),
                digest: image.reference.digest().map(str::to_owned),
            };
            if !renames.contains(&renamed) {
                renames.push(renamed);
            }
        }
    }
    renames
}

/// Whether kustomize's `images:` transformer rewrites the image at `source`: the `image` of
/// an entry of `containers` or `initContainers`. It does not reach ephemeral containers,
/// image volumes, custom-resource fields, ConfigMaps, env vars, arguments or annotations.
fn kustomize_rewrites(source: &crate::extract::Source) -> bool {
    if source.class != crate::extract::Class::Podspec {
        return false;
    }
    let mut segments = source.path.rsplit('.');
    let last = segments.next();
    let list = segments.next().unwrap_or_default();
    last == Some("image")
        && (list.starts_with("containers[") || list.starts_with("initContainers["))
}

/// Warnings for the manifest images a kustomization `images:` list cannot point at the
/// registry: one per source, so the user can change each by hand (or through the chart's
/// values). Values and Chart.yaml sources are not manifests and are left out; so are images
/// already in the registry.
pub fn kustomize_unreachable(
    images: &[crate::inventory::Image],
    mapping: &Mapping,
) -> Vec<crate::diag::Diagnostic> {
    use crate::extract::Class;
    let mut warnings = Vec::new();
    for image in images {
        if mapping.registry.holds(&image.reference) {
            continue;
        }
        for source in &image.sources {
            if matches!(source.class, Class::Values | Class::Chart) || kustomize_rewrites(source) {
                continue;
            }
            warnings.push(crate::diag::Diagnostic::warning(
                &source.file,
                source.line,
                source.column,
                format!(
                    "{} at {} ({}) is out of reach of a kustomization's images: list; point it at {} by hand",
                    image.reference,
                    source.path,
                    source.class.as_str(),
                    mapping.registry.base()
                ),
            ));
        }
    }
    warnings
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tags_and_digests_are_stripped_from_names() {
        assert_eq!(strip_tag_and_digest("nginx:1.25"), "nginx");
        assert_eq!(strip_tag_and_digest("r.local:5000/x"), "r.local:5000/x");
        assert_eq!(
            strip_tag_and_digest("r.local:5000/x:1@sha256:ab"),
            "r.local:5000/x"
        );
        assert_eq!(strip_tag_and_digest("quay.io/a/b@sha256:ab"), "quay.io/a/b");
    }
}
