//! `imgsift overlay` output: Helm values overrides that point every image of a values file at
//! the private registry, or the same mapping as a kustomization `images:` list.
//!
//! The overlay is written from what the scan recorded: each values document as read, and each
//! values entry with the keys it was composed from and how its tag resolved. Each image is
//! mapped into the registry by the one rule of `registry/`. The overlay holds only the keys
//! that change, in the shape the source used:
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
//! Lists are written whole, because Helm replaces lists (`values.rs`). Merged onto the values
//! with Helm's rules (maps merge, lists and scalars replace), every image of the values points
//! at the registry. An image already in the registry is left alone, so an overlay of an
//! overlaid file is empty.

pub mod charts;
mod values;

use std::collections::BTreeMap;
use std::sync::Arc;

use super::files::{Emitted, OutputFile};
use super::yaml::{self, Comments};
use crate::diag::{Code, Diagnostic};
use crate::documents::{At, Node, ScalarKind, Tree};
use crate::escape::Printable;
use crate::extract::shapes::{PartAt, Parts};
use crate::extract::{Class, KeyPathBuf, Seg, Shape, Source, ValuesDoc, ValuesEntry};
use crate::inventory::resolve::Resolution;
use crate::inventory::{Finished, Image};
use crate::reference::Reference;
use crate::reference::written::{split_as_written, strip_tag_and_digest};
use crate::registry::mapping::Mapping;

/// What `overlay` writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// Helm values overrides, one document per values document.
    Values,
    /// A kustomization `images:` list.
    Kustomize,
}

/// What the overlay of a run is.
#[derive(Debug, Clone)]
pub struct Overlay {
    /// The files, and the text printed without `--out-dir`.
    pub emitted: Emitted,
    /// The run's diagnostics with the overlay's own, sorted.
    pub diagnostics: Vec<Diagnostic>,
    /// Whether the inputs held nothing to overlay (no values document, no manifest image for
    /// the kustomize list).
    pub nothing: bool,
    /// The overlay of each values document that changes (file, document, overlay), for the
    /// render proof.
    pub trees: Vec<(Arc<str>, u32, Tree)>,
}

/// One key to set.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Edit {
    /// Where, from the document root.
    path: KeyPathBuf,
    /// The new string value.
    value: String,
}

/// One image's mapping, for the kustomize list.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
struct Renamed {
    /// The name as the chart renders it (no tag or digest).
    name: String,
    /// The name in the private registry.
    new_name: String,
    /// The tag, when known.
    tag: Option<String>,
    /// The digest, when known.
    digest: Option<String>,
}

/// The overlay of one values document.
#[derive(Debug, Clone)]
struct DocOverlay {
    /// The values file.
    file: Arc<str>,
    /// The document index in it.
    document: u32,
    /// The overlay as a tree, ready to print (empty when nothing changes).
    tree: Tree,
    /// What each changed scalar was.
    comments: Comments,
    /// Images and their new names.
    renamed: Vec<Renamed>,
    /// Problems (a key that would need two values, a name that cannot be mapped).
    diagnostics: Vec<Diagnostic>,
}

impl DocOverlay {
    fn is_empty(&self) -> bool {
        self.tree.entries().is_empty()
    }
}

/// Where a key the overlay writes stands: in the overlay itself, not in any input.
pub fn written_at() -> At {
    At::new(&Arc::from("overlay"), 1, 1)
}

/// A key the render proof adds to a values document's overlay (a chart-wide registry key the
/// chart's templates read before any per-image one, Bitnami's image-verification switch).
#[derive(Debug, Clone)]
pub struct Extra {
    /// The values file and document the key is set in.
    pub file: Arc<str>,
    /// Its document index.
    pub document: u32,
    /// The key path from the document root.
    pub path: Vec<String>,
    /// The value.
    pub value: Tree,
    /// Why it is set, written beside it.
    pub comment: String,
}

/// The overlay of a finished scan that recorded its values documents and entries.
pub fn overlay(finished: &Finished, mapping: &Mapping, format: Format) -> Overlay {
    overlay_with(finished, mapping, format, &[], true)
}

/// [`overlay`], with keys added to the values documents they name; `resolved_tags` says
/// whether tags found by resolution are written in (a render proof may show that the chart
/// fills them itself, and that writing one in changes it: a suffix appended twice).
pub fn overlay_with(
    finished: &Finished,
    mapping: &Mapping,
    format: Format,
    extras: &[Extra],
    resolved_tags: bool,
) -> Overlay {
    let manifest_renames = match format {
        Format::Kustomize => manifest_renames(&finished.images, mapping),
        Format::Values => Vec::new(),
    };
    let mut diagnostics = finished.diagnostics.clone();
    if format == Format::Kustomize {
        diagnostics.extend(kustomize_unreachable(&finished.images, mapping));
    }
    let mut by_doc: BTreeMap<(&str, u32), Vec<Planned<'_>>> = BTreeMap::new();
    for (entry, resolution) in &finished.values.entries {
        if let Some(shape) = &entry.shape {
            by_doc
                .entry((&entry.source.file, entry.source.document))
                .or_default()
                .push((entry, shape, resolution));
        }
    }
    let overlays: Vec<DocOverlay> = finished
        .values
        .docs
        .iter()
        .map(|doc| {
            let mut entries = by_doc
                .get(&(&*doc.file, doc.document))
                .cloned()
                .unwrap_or_default();
            entries.sort_by_key(|(_, shape, _)| shape.seq);
            entries.dedup_by_key(|(_, shape, _)| shape.seq);
            let mut planned = plan_doc(doc, &entries, mapping, resolved_tags);
            for extra in extras
                .iter()
                .filter(|e| *e.file == *doc.file && e.document == doc.document)
            {
                add_extra(&mut planned, extra);
            }
            planned
        })
        .collect();
    let overlays = nest_subcharts(overlays);
    for doc in &overlays {
        diagnostics.extend(doc.diagnostics.iter().cloned());
    }
    diagnostics.sort();
    diagnostics.dedup();
    Overlay {
        emitted: documents(format, mapping, &overlays, &manifest_renames),
        diagnostics,
        nothing: finished.values.docs.is_empty() && manifest_renames.is_empty(),
        trees: overlays
            .iter()
            .filter(|o| !o.is_empty())
            .map(|o| (Arc::clone(&o.file), o.document, o.tree.clone()))
            .collect(),
    }
}

/// A vendored subchart's values (`<chart>/charts/<sub>/values.yaml`) are set through its
/// parent's: the subchart's overlay moves under the key `<sub>` of the parent's overlay (its
/// `global` to the parent's `global`, which Helm hands down), so that the one file given with
/// `-f` to the parent's install reaches it. Without the parent among the documents, it stays.
fn nest_subcharts(overlays: Vec<DocOverlay>) -> Vec<DocOverlay> {
    let parent_of = |file: &str| -> Option<(String, String)> {
        let folder = file.strip_suffix("/values.yaml")?;
        let (charts, sub) = folder.rsplit_once('/')?;
        let parent = charts.strip_suffix("/charts")?;
        (!sub.is_empty() && !parent.contains("!/") && !sub.contains("!/"))
            .then(|| (format!("{parent}/values.yaml"), sub.to_owned()))
    };
    let mut out: Vec<DocOverlay> = Vec::new();
    let mut nested: Vec<(String, String, DocOverlay)> = Vec::new();
    // Only a subchart whose parent's values are among the documents moves (a chart that
    // itself sits in a folder named `charts` is no subchart).
    let files: std::collections::BTreeSet<String> =
        overlays.iter().map(|o| o.file.to_string()).collect();
    for overlay in overlays {
        match parent_of(&overlay.file) {
            Some((parent, sub)) if overlay.document == 1 && files.contains(&parent) => {
                nested.push((parent, sub, overlay));
            }
            _ => out.push(overlay),
        }
    }
    for (parent, sub, child) in nested {
        let Some(target) = out
            .iter_mut()
            .find(|o| *o.file == *parent && o.document == 1)
        else {
            out.push(child);
            continue;
        };
        for (key, value) in child.tree.entries().iter().cloned() {
            let holder = if key == "global" {
                &mut target.tree
            } else {
                let at = value.at.clone();
                match target.tree.map_at(&sub, &at) {
                    Some(holder) => holder,
                    None => continue,
                }
            };
            merge_into(holder, &key, value);
        }
        for (path, comment) in child.comments {
            let segs = path.segs();
            let moved = if segs.first() == Some(&Seg::key("global")) {
                path.clone()
            } else {
                KeyPathBuf(
                    std::iter::once(Seg::key(sub.as_str()))
                        .chain(segs.iter().cloned())
                        .collect(),
                )
            };
            target.comments.insert(moved, comment);
        }
        target.renamed.extend(child.renamed);
        target.diagnostics.extend(child.diagnostics);
    }
    out
}

/// Sets `key` in a mapping, merging a mapping into one already there.
fn merge_into(holder: &mut Tree, key: &str, value: Tree) {
    if let (Node::Map(entries), Some(existing)) = (&value.node, holder.get_mut(key)) {
        if existing.is_map() {
            for (k, v) in entries.iter().cloned() {
                merge_into(existing, &k, v);
            }
            return;
        }
    }
    holder.set(key, value);
}

/// Sets an extra key in a document's overlay, with its comment.
fn add_extra(overlay: &mut DocOverlay, extra: &Extra) {
    let Some((last, parents)) = extra.path.split_last() else {
        return;
    };
    let here = extra.value.at.clone();
    let mut slot = &mut overlay.tree;
    for key in parents {
        let Some(next) = slot.map_at(key, &here) else {
            return;
        };
        slot = next;
    }
    slot.set(last, extra.value.clone());
    let keys: Vec<&str> = extra.path.iter().map(String::as_str).collect();
    overlay
        .comments
        .insert(KeyPathBuf::default().join(&keys), extra.comment.clone());
}

/// A values entry to point at the registry: how it was composed and how it resolved.
type Planned<'f> = (&'f ValuesEntry, &'f Shape, &'f Resolution);

/// Plans the overlay of one values document from its entries, in walk order.
fn plan_doc(
    values: &ValuesDoc,
    entries: &[Planned<'_>],
    mapping: &Mapping,
    resolved_tags: bool,
) -> DocOverlay {
    let mut overlay = DocOverlay {
        file: Arc::clone(&values.file),
        document: values.document,
        tree: tree(Node::Map(Vec::new())),
        comments: Comments::new(),
        renamed: Vec::new(),
        diagnostics: Vec::new(),
    };
    let mut edits: BTreeMap<KeyPathBuf, String> = BTreeMap::new();
    let mut order: Vec<KeyPathBuf> = Vec::new();
    for &(entry, shape, resolution) in entries {
        let (line, column) = (entry.source.line, entry.source.column);
        match plan_entry(entry, shape, resolution, mapping, resolved_tags) {
            Ok(Some((new_edits, renamed))) => {
                overlay.renamed.push(renamed);
                for edit in new_edits {
                    match edits.get(&edit.path) {
                        Some(existing) if *existing != edit.value => {
                            overlay.diagnostics.push(Diagnostic::warning(
                                Code::Conflict,
                                &values.file,
                                line,
                                column,
                                format!(
                                    "{}: would need both {existing:?} and {:?}; the first is written",
                                    edit.path, edit.value
                                ),
                            ));
                        }
                        Some(_) => {}
                        None => {
                            order.push(edit.path.clone());
                            edits.insert(edit.path, edit.value);
                        }
                    }
                }
            }
            Ok(None) => {}
            Err(message) => overlay.diagnostics.push(Diagnostic::error(
                Code::Unmappable,
                &values.file,
                line,
                column,
                message,
            )),
        }
    }
    for path in order {
        if let Some(value) = edits.get(&path) {
            values::set(
                &mut overlay.tree,
                &mut overlay.comments,
                &values.tree,
                &path,
                value,
            );
        }
    }
    overlay
}

/// A node of an output tree (whose positions are never reported).
fn tree(node: Node) -> Tree {
    Tree {
        node,
        at: At::new(&Arc::from(""), 0, 0),
    }
}

/// A string node of an output tree.
fn string(text: &str) -> Tree {
    tree(Node::Scalar {
        text: text.to_owned(),
        kind: ScalarKind::Str,
        literal: false,
    })
}

fn at(part: &PartAt, entry: &KeyPathBuf, beside: bool) -> KeyPathBuf {
    match part {
        PartAt::Own(key) if beside => entry.sibling(key),
        PartAt::Own(key) => entry.child(key),
        PartAt::Inherited(path) => path.clone(),
    }
}

/// The overlay documents: one file per values file (the path as given, under --out-dir),
/// printed as YAML documents one after the other; or the kustomization.
fn documents(
    format: Format,
    mapping: &Mapping,
    overlays: &[DocOverlay],
    manifest_renames: &[Renamed],
) -> Emitted {
    let registry = mapping.registry.base();
    match format {
        Format::Kustomize => {
            let mut files: Vec<&str> = overlays.iter().map(|o| &*o.file).collect();
            if !manifest_renames.is_empty() {
                files.push("the manifests' containers");
            }
            let mut text = format!(
                "# imgsift overlay: the images of {} pointed at {registry}\n",
                if files.is_empty() {
                    "no values file".to_owned()
                } else {
                    files.join(", ")
                }
            );
            text.push_str(&kustomize_images(overlays, manifest_renames));
            Emitted::as_documents(vec![OutputFile::new("kustomization.yaml", text)])
        }
        Format::Values => {
            // One output per values file; a file with several documents keeps them together.
            let mut by_file: Vec<OutputFile> = Vec::new();
            for doc in overlays.iter().filter(|o| !o.is_empty()) {
                let text = format!(
                    "# imgsift overlay for {} (document {}): every image pointed at {registry}\n# helm ... -f {} -f <this file>\n{}",
                    Printable(&doc.file),
                    doc.document,
                    Printable(&doc.file),
                    yaml::document(&doc.tree, &doc.comments)
                );
                match by_file.last_mut() {
                    Some(file) if file.name == *doc.file => {
                        file.text.push_str("---\n");
                        file.text.push_str(&text);
                    }
                    _ => by_file.push(OutputFile::new(doc.file.to_string(), text)),
                }
            }
            Emitted::as_documents(by_file)
        }
    }
}

type Edits = Option<(Vec<Edit>, Renamed)>;

/// The edits for one image of a values document, from how the scan composed and resolved it.
fn plan_entry(
    entry: &ValuesEntry,
    shape: &Shape,
    resolution: &Resolution,
    mapping: &Mapping,
    resolved_tags: bool,
) -> Result<Edits, String> {
    let entry_path = &entry.source.path;
    let (source, resolved) = match resolution {
        Resolution::Image(reference, tag_from) => (reference.clone(), tag_from.is_some()),
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
    let tag_edit = |edits: &mut Vec<Edit>, at: KeyPathBuf| {
        if resolved && resolved_tags {
            if let Some(tag) = source.tag() {
                edits.push(Edit {
                    path: at,
                    value: tag.to_owned(),
                });
            }
        }
    };
    let mut edits = Vec::new();
    match &shape.parts {
        Parts::Whole => edits.push(Edit {
            path: entry_path.clone(),
            value: target.to_string(),
        }),
        Parts::Sibling { tag_key } => {
            edits.push(Edit {
                path: entry_path.clone(),
                value: new_name.clone(),
            });
            tag_edit(&mut edits, entry_path.sibling(tag_key));
        }
        Parts::Hub { hub, name } => {
            let Some(new_hub) = new_name.strip_suffix(&format!("/{name}")) else {
                return Err(format!(
                    "{}: {new_name} does not end with the image name {name:?}, so no hub gives it",
                    entry.source.path
                ));
            };
            edits.push(Edit {
                path: at(hub, entry_path, true),
                value: new_hub.to_owned(),
            });
            tag_edit(&mut edits, entry_path.sibling("tag"));
        }
        Parts::Map {
            registry,
            repository,
            ..
        } => {
            let name_shape = matches!(repository, PartAt::Own("name"));
            // cert-manager's `repository`, when set, is used alone, and replaces
            // registry/namespace/name.
            let repository_at = if name_shape {
                PartAt::Own("repository")
            } else {
                repository.clone()
            };
            let written = &shape.written;
            match registry {
                Some(PartAt::Own("registry")) if name_shape => {
                    // A deprecated per-image prefix: cleared, and the repository given whole.
                    edits.push(Edit {
                        path: entry_path.child("registry"),
                        value: String::new(),
                    });
                    edits.push(Edit {
                        path: at(&repository_at, entry_path, false),
                        value: new_name.clone(),
                    });
                }
                Some(registry_at) => {
                    edits.push(Edit {
                        path: at(registry_at, entry_path, false),
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
                            path: at(&repository_at, entry_path, false),
                            value,
                        });
                    }
                }
                None => {
                    // No registry key anywhere: the repository holds the registry.
                    edits.push(Edit {
                        path: at(&repository_at, entry_path, false),
                        value: new_name.clone(),
                    });
                }
            }
            tag_edit(&mut edits, entry_path.child("tag"));
        }
    }
    Ok(Some((edits, renamed)))
}

/// Renders the overlays as the kustomize `images:` list: one entry per name.
fn kustomize_images(overlays: &[DocOverlay], manifests: &[Renamed]) -> String {
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
    let mut list = Vec::new();
    for (name, all) in by_name {
        let Some(first) = all.first() else { continue };
        let mut item = vec![
            ("name".to_owned(), string(name)),
            ("newName".to_owned(), string(&first.new_name)),
        ];
        // A name used with several tags keeps each manifest's own tag.
        let same = |f: fn(&Renamed) -> &Option<String>| {
            let value = f(first);
            all.iter()
                .all(|r| f(r) == value)
                .then_some(value.clone())
                .flatten()
        };
        if let Some(tag) = same(|r| &r.tag) {
            item.push(("newTag".to_owned(), string(&tag)));
        }
        if let Some(digest) = same(|r| &r.digest) {
            item.push(("digest".to_owned(), string(&digest)));
        }
        list.push(tree(Node::Map(item)));
    }
    let out = tree(Node::Map(vec![(
        "images".to_owned(),
        tree(Node::Seq(list)),
    )]));
    yaml::document(&out, &Comments::new())
}

/// The images of manifests that kustomize's `images:` transformer can rewrite (those of
/// `containers` and `initContainers`), each under the name as written there: kustomize
/// matches names as written, so `nginx:1.25` needs the entry `nginx`, not
/// `docker.io/library/nginx`. The list is for a kustomization that takes the scanned inputs
/// as its `resources:`, so an image that came out of a kustomize root is named as that root
/// builds it (its transforms applied). Images already in the registry are left out.
fn manifest_renames(images: &[Image], mapping: &Mapping) -> Vec<Renamed> {
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
            let (name, _, _) = split_as_written(&source.raw);
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
fn kustomize_rewrites(source: &Source) -> bool {
    if source.class != Class::Podspec {
        return false;
    }
    match source.path.segs() {
        [.., Seg::Key(list), Seg::Index(_), Seg::Key(last)] => {
            &**last == "image" && matches!(&**list, "containers" | "initContainers")
        }
        _ => false,
    }
}

/// Warnings for the manifest images a kustomization `images:` list cannot point at the
/// registry: one per source, so the user can change each by hand (or through the chart's
/// values). Values and Chart.yaml sources are not manifests and are left out; so are images
/// already in the registry.
fn kustomize_unreachable(images: &[Image], mapping: &Mapping) -> Vec<Diagnostic> {
    let mut warnings = Vec::new();
    for image in images {
        if mapping.registry.holds(&image.reference) {
            continue;
        }
        for source in &image.sources {
            if matches!(source.class, Class::Values | Class::Chart) || kustomize_rewrites(source) {
                continue;
            }
            warnings.push(Diagnostic::warning(
                Code::OutOfReach,
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
