//! kustomize, built natively, as far as images are concerned.
//!
//! A folder holding `kustomization.yaml` (`.yml`, `Kustomization`) is built the way
//! `kustomize build` builds it, in kustomize's order:
//!
//! 1. `resources` then `bases`: files (every document; `List` kinds unpacked) and folders, each
//!    folder a kustomization built on its own first;
//! 2. `configMapGenerator` (literals, files, env files; `behavior` create, merge, replace),
//!    then `helmCharts`: local charts rendered with imgsift's Helm renderer (`charts.rs`);
//! 3. `components`: each component's resources are added, then its generators and transforms
//!    run over everything gathered so far;
//! 4. the transforms: `patchesStrategicMerge`, `patches`, `namespace`, `namePrefix` and
//!    `nameSuffix`, `commonLabels` and `labels`, `commonAnnotations`, `patchesJson6902`,
//!    `images`, `replacements`.
//!
//! What cannot be built offline (remote resources, charts not in the chart home) or natively
//! (plugins given as `generators` / `transformers` / `validators`) is an error diagnostic
//! naming the field and the file, and the rest is still built. Generated names get no hash suffix: a suffix changes
//! no image, and leaving it out keeps names readable in reports.
//!
//! Every node of the output keeps the file and position its text came from and the transforms
//! that changed it (`documents/tree.rs`), so an image is reported where it is written and with
//! how it got there.

mod charts;
mod generate;
pub mod images;
pub mod patch;
mod replace;
pub mod select;

use std::collections::BTreeSet;
use std::path::{Component, Path, PathBuf};
use std::sync::Arc;

use crate::diag::{Code, Diagnostic, describe_io_error};
use crate::documents::Limits;
use crate::documents::read::each_document;
use crate::documents::{At, Node, Tree};
use crate::kube;
use select::{Resource, Selector};

/// The names a kustomization file may have, in the order kustomize looks for them.
pub const FILE_NAMES: [&str; 3] = ["kustomization.yaml", "kustomization.yml", "Kustomization"];

/// How deep kustomizations may include each other.
const MAX_DEPTH: usize = 64;

/// How many resources one build may hold, and how many YAML nodes in all (its output and the
/// folders it keeps built): a tree that includes the same folders over and over could
/// otherwise grow without bound. Two million nodes are a few hundred MB; a whole Kubeflow
/// platform is well under a million.
const MAX_RESOURCES: usize = 100_000;
const MAX_NODES: usize = 2_000_000;

/// Which files a kustomization may read: kustomize's `--load-restrictor`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
pub enum LoadRestrictor {
    /// `LoadRestrictionsRootOnly`, kustomize's default: a file (a resource, a patch, a
    /// generator's input, a replacement) must be in or below the folder of the kustomization
    /// that names it, symbolic links resolved. Kustomization folders may be anywhere.
    #[default]
    RootOnly,
    /// `LoadRestrictionsNone`: files may be anywhere. They are still read only when they are
    /// regular files, and within the build's byte budget.
    None,
}

/// The result of building one kustomization.
#[derive(Debug, Default)]
pub struct Built {
    /// The output resources, in kustomize's order before its final sort.
    pub resources: Vec<Resource>,
    /// Problems; the build went on past each of them.
    pub diagnostics: Vec<Diagnostic>,
    /// Every file the build read (canonical paths): these are not scanned again on their own.
    pub consumed: BTreeSet<PathBuf>,
    /// Files to read as they are: the values of a chart that could not be rendered, or the
    /// inline values of one that is not at hand.
    pub sources: Vec<super::Source>,
    /// The charts of `helmCharts` entries (`imgsift charts`).
    pub charts: Vec<crate::render::uses::ChartUse>,
}

/// kustomize, as a [`Renderer`](super::Renderer): a folder holding a kustomization file is a
/// root.
pub struct Kustomize;

impl super::Renderer for Kustomize {
    fn root_of(&self, file: &Path) -> Option<PathBuf> {
        is_kustomization_name(file).then(|| crate::render::folder_of(file))
    }

    fn root_file(&self, root: &Path) -> Option<PathBuf> {
        kustomization_file(root)
    }

    fn render(&self, dir: &Path, context: &super::Context) -> super::Rendered {
        let built = build(dir, &context.limits, context.load_restrictor);
        super::Rendered {
            documents: built
                .resources
                .into_iter()
                .map(|resource| super::Document {
                    tree: resource.tree,
                    file: resource.file,
                    index: resource.document,
                })
                .collect(),
            consumed: built.consumed,
            diagnostics: built.diagnostics,
            sources: built.sources,
            values: Vec::new(),
            charts: built.charts,
        }
    }
}

/// The kustomization file of folder `dir`, when it has one.
pub fn kustomization_file(dir: &Path) -> Option<PathBuf> {
    FILE_NAMES.iter().map(|n| dir.join(n)).find(|p| p.is_file())
}

/// Whether `path` is named like a kustomization file.
pub fn is_kustomization_name(path: &Path) -> bool {
    path.file_name()
        .and_then(|n| n.to_str())
        .is_some_and(|n| FILE_NAMES.contains(&n))
}

/// Builds the kustomization in folder `dir` (a path as the user gave it; output paths are
/// written relative to it the same way).
pub fn build(dir: &Path, limits: &Limits, restrictor: LoadRestrictor) -> Built {
    let mut builder = Builder {
        limits,
        restrictor,
        built: Built::default(),
        stack: Vec::new(),
        bytes_read: 0,
        nodes: 0,
        exhausted: false,
        folders: std::collections::HashMap::new(),
    };
    let dir = normalize(dir);
    let resources = builder.folder(&dir, None);
    builder.built.resources = resources;
    builder.built.diagnostics.sort();
    builder.built.diagnostics.dedup();
    builder.built
}

/// `dir` joined with `relative` and cleaned lexically (`a/b/../c` is `a/c`), as kustomize
/// joins paths.
pub fn join(dir: &Path, relative: &str) -> PathBuf {
    normalize(&dir.join(relative))
}

fn normalize(path: &Path) -> PathBuf {
    let mut out: Vec<Component<'_>> = Vec::new();
    for component in path.components() {
        match component {
            Component::CurDir => {}
            Component::ParentDir => match out.last() {
                Some(Component::Normal(_)) => {
                    out.pop();
                }
                Some(Component::RootDir | Component::Prefix(_)) => {}
                _ => out.push(component),
            },
            other => out.push(other),
        }
    }
    if out.is_empty() {
        return PathBuf::from(".");
    }
    out.iter().collect()
}

fn display(path: &Path) -> Arc<str> {
    Arc::from(path.to_string_lossy().as_ref())
}

/// The sentence of a file the load restrictor refuses (without its end).
fn outside_root(field: &str, path: &Path, canonical: &Path, root: &Path) -> String {
    let resolved = if canonical == path {
        String::new()
    } else {
        format!(" (with symbolic links resolved, {})", display(canonical))
    };
    format!(
        "`{field}` names {}{resolved}, which is not in or below {}, the folder of the kustomization naming it; kustomize's default load restrictor (LoadRestrictionsRootOnly) refuses it",
        display(path),
        display(root)
    )
}

/// Whether a `resources` entry names something to fetch rather than a local path.
fn is_remote(entry: &str) -> bool {
    let lower = entry.to_ascii_lowercase();
    [
        "http://", "https://", "git::", "git@", "ssh://", "file://", "oci://",
    ]
    .iter()
    .any(|p| lower.starts_with(p))
        || ["github.com/", "gitlab.com/", "bitbucket.org/"]
            .iter()
            .any(|host| lower.starts_with(host))
        || lower.contains("?ref=")
        || lower.contains(".git//")
}

/// Fields of a kustomization that change no image, read or not.
const QUIET_FIELDS: [&str; 12] = [
    "apiVersion",
    "kind",
    "metadata",
    "secretGenerator",
    "generatorOptions",
    "replicas",
    "crds",
    "openapi",
    "buildMetadata",
    "sortOptions",
    "helmGlobals",
    "namePrefix",
];

/// Fields the build reads.
const READ_FIELDS: [&str; 17] = [
    "resources",
    "bases",
    "components",
    "configMapGenerator",
    "patchesStrategicMerge",
    "patches",
    "patchesJson6902",
    "namespace",
    "nameSuffix",
    "commonLabels",
    "labels",
    "commonAnnotations",
    "images",
    "replacements",
    "helmCharts",
    "helmChartInflationGenerator",
    "vars",
];

pub(crate) struct Builder<'l> {
    limits: &'l Limits,
    restrictor: LoadRestrictor,
    built: Built,
    /// Canonical folders of the kustomizations being built, innermost last.
    stack: Vec<PathBuf>,
    /// Bytes of files read so far: a build holds its resources in memory, so it is bounded.
    bytes_read: usize,
    /// Nodes held in resources and in `folders`.
    nodes: usize,
    /// The resource, node or byte bound was reached; the build stops adding.
    exhausted: bool,
    /// Folders already built, by canonical path: a folder builds to the same resources
    /// wherever it is included, so a base that several overlays share is built once.
    folders: std::collections::HashMap<PathBuf, Vec<Resource>>,
}

impl Builder<'_> {
    fn error(&mut self, code: Code, at: &At, message: impl Into<String>) {
        self.built.diagnostics.push(Diagnostic::error(
            code, &at.file, at.line, at.column, message,
        ));
    }

    fn warning(&mut self, code: Code, at: &At, message: impl Into<String>) {
        self.built.diagnostics.push(Diagnostic::warning(
            code, &at.file, at.line, at.column, message,
        ));
    }

    /// The most bytes one build reads in all: twice the document bound.
    fn byte_budget(&self) -> usize {
        self.limits.max_document_bytes.saturating_mul(2)
    }

    /// Reads a file the build pulls in: `at` is the entry that names it, `root` the folder
    /// of the kustomization that holds the entry. The file is read only when the load
    /// restrictor allows it, when it is a regular file (a pipe, a device or a kernel file is
    /// never opened for reading: it could block, or never end), and through what is left of
    /// the byte budget, so a file larger than the budget is never read whole.
    fn read(
        &mut self,
        path: &Path,
        root: &Path,
        at: &At,
        field: &str,
    ) -> Option<(Arc<str>, String)> {
        let shown = display(path);
        // kustomize resolves symbolic links (its file system's realpath) before it applies
        // the restrictor, so a link inside the root to a file outside is outside.
        let canonical = match std::fs::canonicalize(path) {
            Ok(canonical) => canonical,
            Err(err) => {
                self.error(
                    Code::Missing,
                    at,
                    format!(
                        "`{field}` names {shown}, which cannot be read: {}",
                        describe_io_error(&err)
                    ),
                );
                return None;
            }
        };
        if self.restrictor == LoadRestrictor::RootOnly {
            let inside = std::fs::canonicalize(root).is_ok_and(|root| canonical.starts_with(&root));
            if !inside {
                let message = outside_root(field, path, &canonical, root);
                self.error(
                    Code::OutsideRoot,
                    at,
                    format!(
                        "{message}, and it was not read (--load-restrictor LoadRestrictionsNone reads it)"
                    ),
                );
                return None;
            }
        }
        let bytes = self.read_regular(&canonical, &shown, at, field)?;
        self.built.consumed.insert(canonical);
        match String::from_utf8(bytes) {
            Ok(text) => Some((shown, text)),
            Err(_) => {
                self.error(
                    Code::NotUtf8,
                    &At::new(&shown, 1, 1),
                    format!("not UTF-8 text; `{field}` of {} cannot use it", at.file),
                );
                None
            }
        }
    }

    /// The bytes of `canonical` (a resolved path), when it is a regular file that fits what
    /// is left of the byte budget.
    fn read_regular(
        &mut self,
        canonical: &Path,
        shown: &Arc<str>,
        at: &At,
        field: &str,
    ) -> Option<Vec<u8>> {
        use std::io::Read;
        let not_regular = |builder: &mut Self| {
            builder.error(Code::Missing,
                at,
                format!(
                    "`{field}` names {shown}, which is not a regular file (a pipe, a device or a kernel file); it was not opened"
                ),
            );
        };
        // /proc and /sys files say they are regular files but are made up as they are read.
        if canonical.starts_with("/proc") || canonical.starts_with("/sys") {
            not_regular(self);
            return None;
        }
        let cannot_read = |builder: &mut Self, err: &std::io::Error| {
            builder.error(
                Code::Missing,
                at,
                format!(
                    "`{field}` names {shown}, which cannot be read: {}",
                    describe_io_error(err)
                ),
            );
        };
        match std::fs::metadata(canonical) {
            Ok(meta) if meta.is_file() => {}
            Ok(_) => {
                not_regular(self);
                return None;
            }
            Err(err) => {
                cannot_read(self, &err);
                return None;
            }
        }
        let mut options = std::fs::OpenOptions::new();
        options.read(true);
        // The file may have been replaced by a pipe since it was looked at: opened without
        // blocking, a pipe with no writer cannot hang the build, and the type of what was
        // opened is checked again below.
        #[cfg(unix)]
        {
            use std::os::unix::fs::OpenOptionsExt;
            options.custom_flags(libc::O_NONBLOCK);
        }
        let file = match options.open(canonical) {
            Ok(file) => file,
            Err(err) => {
                cannot_read(self, &err);
                return None;
            }
        };
        let length = match file.metadata() {
            Ok(meta) if meta.is_file() => meta.len(),
            Ok(_) => {
                not_regular(self);
                return None;
            }
            Err(err) => {
                cannot_read(self, &err);
                return None;
            }
        };
        let remaining = self.byte_budget().saturating_sub(self.bytes_read);
        // A file that says it is larger than the budget is not read at all; one that grows
        // while it is read is cut at one byte past the budget, which is enough to know.
        let mut bytes = Vec::new();
        if length <= remaining as u64 {
            let limit = (remaining as u64).saturating_add(1);
            if let Err(err) = file.take(limit).read_to_end(&mut bytes) {
                cannot_read(self, &err);
                return None;
            }
        }
        let size = if length > remaining as u64 {
            usize::try_from(length).unwrap_or(usize::MAX)
        } else {
            bytes.len()
        };
        self.bytes_read = self.bytes_read.saturating_add(size);
        if size > remaining {
            if !self.exhausted {
                self.error(Code::Budget,
                    at,
                    format!(
                        "this kustomization reads more than {} MiB of files (the build's byte budget, twice the document bound); the build stopped adding at {shown}",
                        self.byte_budget() >> 20
                    ),
                );
            }
            self.exhausted = true;
            return None;
        }
        Some(bytes)
    }

    /// Nodes the build may still add before its node budget is spent.
    fn nodes_left(&self) -> usize {
        MAX_NODES.saturating_sub(self.nodes)
    }

    /// What transforms may still add to the build's trees.
    fn allowance(&self) -> patch::Allowance {
        patch::Allowance {
            nodes: self.nodes_left(),
            depth: self.limits.max_depth,
        }
    }

    /// Counts what a transform added (the allowance it was given, less what is left of it).
    fn spend(&mut self, given: patch::Allowance, left: patch::Allowance) {
        self.nodes = self
            .nodes
            .saturating_add(given.nodes.saturating_sub(left.nodes));
    }

    /// The diagnostic of a transform that would have gone over the build's node or depth
    /// budget: it stopped there, and the rest of the build goes on.
    fn over_budget(&mut self, at: &At, what: &str, why: &str) {
        self.error(
            Code::Budget,
            at,
            format!("{what} was not applied further: {why}"),
        );
    }

    /// Every document of a file, as trees (null documents left out). Each is counted against
    /// the node budget before it is copied into a tree: aliases cost nothing in a parsed
    /// document but every expanded node in a tree, so the expansion is bounded by what is
    /// left of the budget, with the diagnostic a plain scan gives past its expansion bound.
    fn documents(&mut self, file: &Arc<str>, text: &str) -> Vec<(u32, Tree)> {
        let mut trees = Vec::new();
        let mut left = self.nodes_left();
        let mut refused = Vec::new();
        let mut full = false;
        let problems = each_document(text.as_bytes(), file, self.limits, &mut |index, doc| {
            let Some(root) = doc.root() else {
                return;
            };
            let cost = usize::try_from(Tree::copy_cost(doc, root)).unwrap_or(usize::MAX);
            if cost > left {
                let (line, column) = doc.position(root);
                refused.push(if doc.has_aliases() {
                    Diagnostic::error(Code::AliasExpansion,
                        file,
                        line,
                        column,
                        format!(
                            "aliases expand this document to {cost} nodes; a kustomize build copies every one, and only {left} of the build's budget of {MAX_NODES} nodes are left; document {index} was not read"
                        ),
                    )
                } else {
                    full = true;
                    Diagnostic::error(Code::Budget,
                        file,
                        line,
                        column,
                        format!(
                            "document {index} has {cost} nodes, more than the {left} left of the build's budget of {MAX_NODES} nodes; the build stopped adding"
                        ),
                    )
                });
                return;
            }
            left -= cost;
            let tree = Tree::from_doc(doc, root, file);
            if !tree.is_null() {
                trees.push((index, tree));
            }
        });
        self.nodes = MAX_NODES.saturating_sub(left).max(self.nodes);
        self.built.diagnostics.extend(problems);
        self.built.diagnostics.extend(refused);
        self.exhausted |= full;
        trees
    }

    /// Builds the kustomization of folder `dir`; `at` is the entry that names it.
    fn folder(&mut self, dir: &Path, at: Option<&At>) -> Vec<Resource> {
        let here = At::new(&display(dir), 1, 1);
        let at = at.unwrap_or(&here).clone();
        let Some(file) = kustomization_file(dir) else {
            self.error(
                Code::NotAKustomization,
                &at,
                format!(
                    "{} is a folder without a kustomization.yaml; kustomize cannot build it",
                    display(dir)
                ),
            );
            return Vec::new();
        };
        let canonical = std::fs::canonicalize(dir).unwrap_or_else(|_| dir.to_path_buf());
        let cached = self
            .folders
            .get(&canonical)
            .map(|built| built.iter().map(|r| r.tree.count()).sum::<usize>());
        if let Some(nodes) = cached {
            // Counted before copying, so a copy over the bound is never made.
            if !self.hold(nodes, &at) {
                return Vec::new();
            }
            return self.folders.get(&canonical).cloned().unwrap_or_default();
        }
        let mut list = Vec::new();
        if self.enter(dir, &at) {
            self.kustomization(dir, &file, &at, &mut list);
            self.stack.pop();
            // The copy kept for a later include is counted like any other copy, but only kept
            // when it fits: the cache saves work, and the build must not stop for it.
            // The folder the build started at is never included again (that would be a
            // cycle), so it keeps no copy.
            let nodes: usize = list.iter().map(|r| r.tree.count()).sum();
            if !self.stack.is_empty() && nodes <= self.nodes_left() {
                self.nodes += nodes;
                self.folders.insert(canonical, list.clone());
            }
        }
        list
    }

    /// Accounts for `nodes` more nodes held in memory; false (and the build stops adding)
    /// when that goes over the bound. Moving resources from a folder's list to its
    /// includer's holds nothing more; reading and copying do.
    fn hold(&mut self, nodes: usize, at: &At) -> bool {
        self.nodes = self.nodes.saturating_add(nodes);
        if self.nodes <= MAX_NODES {
            return true;
        }
        self.stop(at);
        false
    }

    fn stop(&mut self, at: &At) {
        if !self.exhausted {
            self.error(Code::Budget,
                at,
                format!(
                    "this kustomization holds more than {MAX_RESOURCES} resources or {MAX_NODES} YAML nodes (does it include the same folders over and over?); the build stopped adding"
                ),
            );
        }
        self.exhausted = true;
    }

    /// Pushes `dir` on the stack of kustomizations being built, unless that makes a cycle or
    /// goes too deep.
    fn enter(&mut self, dir: &Path, at: &At) -> bool {
        let canonical = std::fs::canonicalize(dir).unwrap_or_else(|_| dir.to_path_buf());
        if self.stack.contains(&canonical) {
            self.error(Code::Cycle,
                at,
                format!(
                    "{} is included again from inside its own build (a cycle of kustomizations); this entry was skipped",
                    display(dir)
                ),
            );
            return false;
        }
        if self.stack.len() >= MAX_DEPTH {
            self.error(
                Code::NestedTooDeep,
                at,
                format!(
                    "kustomizations nest more than {MAX_DEPTH} deep; {} was not built",
                    display(dir)
                ),
            );
            return false;
        }
        self.stack.push(canonical);
        true
    }

    /// Reads the kustomization file `file` of folder `dir` and applies it to `list`: its
    /// resources are added, then its generators and transforms run over the whole list (for a
    /// kustomization the list starts empty; for a component it holds what the includer has
    /// gathered).
    fn kustomization(&mut self, dir: &Path, file: &Path, at: &At, list: &mut Vec<Resource>) {
        let Some((shown, text)) = self.read(file, dir, at, "resources") else {
            return;
        };
        let mut documents = self.documents(&shown, &text);
        if documents.len() > 1 {
            self.warning(
                Code::ExtraDocuments,
                &documents[1].1.at,
                "a kustomization file holds one document; the others were ignored",
            );
        }
        let Some((_, k)) = documents.drain(..).next() else {
            return;
        };
        if !k.is_map() {
            self.error(Code::Malformed, &k.at, "a kustomization must be a mapping");
            return;
        }
        self.check_fields(&k);
        self.check_unread(dir, &k);
        for field in ["resources", "bases"] {
            for entry in k.get(field).map(Tree::items).unwrap_or_default() {
                self.resource(dir, entry, field, list);
            }
        }
        // Generators run before components (kustomize 5.1 on), so a component's transforms
        // reach generated ConfigMaps too; Helm charts are the last generator.
        generate::config_maps(self, dir, &k, list);
        charts::inflate(self, dir, &k, &text, list);
        for entry in k.get("components").map(Tree::items).unwrap_or_default() {
            self.component(dir, entry, list);
        }
        self.transform(dir, &k, list);
    }

    /// Diagnostics for fields that are not built.
    fn check_fields(&mut self, k: &Tree) {
        for (key, value) in k.entries() {
            let at = &value.at;
            match key.as_str() {
                "generators" | "transformers" | "validators" => {
                    if !value.items().is_empty() {
                        self.error(Code::NotBuilt,
                            at,
                            format!(
                                "`{key}` runs plugins, which imgsift does not run; images they would add or change are not seen"
                            ),
                        )
                    }
                }
                "vars" => self.warning(Code::Ignored,
                    at,
                    "`vars` are not substituted; an image written with $(VAR) is reported as written",
                ),
                "configurations" => self.warning(Code::Ignored,
                    at,
                    "`configurations` are not applied; only containers and initContainers get the `images` transform",
                ),
                key if READ_FIELDS.contains(&key) || QUIET_FIELDS.contains(&key) => {}
                other => self.warning(Code::Ignored,
                    at,
                    format!("`{other}` is not a kustomization field kustomize knows; it was ignored"),
                ),
            }
        }
    }

    /// `crds` and `configurations` name files that change no image, so they are not read;
    /// but kustomize refuses a build whose entries its load restrictor refuses, so the
    /// restrictor is applied to them too.
    fn check_unread(&mut self, dir: &Path, k: &Tree) {
        if self.restrictor != LoadRestrictor::RootOnly {
            return;
        }
        let root = std::fs::canonicalize(dir).ok();
        for field in ["crds", "configurations"] {
            for entry in k.get(field).map(Tree::items).unwrap_or_default() {
                let Some(text) = entry.text() else {
                    continue;
                };
                let path = join(dir, text);
                let Ok(canonical) = std::fs::canonicalize(&path) else {
                    continue;
                };
                if root
                    .as_ref()
                    .is_some_and(|root| canonical.starts_with(root))
                {
                    continue;
                }
                let message = outside_root(field, &path, &canonical, dir);
                self.error(
                    Code::OutsideRoot,
                    &entry.at,
                    format!("{message} (imgsift does not read it either way)"),
                );
            }
        }
    }

    /// Adds the resources one `resources` (or `bases`) entry names.
    fn resource(&mut self, dir: &Path, entry: &Tree, field: &str, list: &mut Vec<Resource>) {
        if self.exhausted {
            return;
        }
        let Some(text) = entry.text() else {
            self.error(
                Code::Malformed,
                &entry.at,
                format!("a `{field}` entry must be a path"),
            );
            return;
        };
        let path = join(dir, text);
        match std::fs::metadata(&path) {
            Ok(meta) if meta.is_dir() => {
                let resources = self.folder(&path, Some(&entry.at));
                self.add(list, resources, &entry.at);
            }
            Ok(_) => {
                let resources = self.file_resources(&path, dir, &entry.at, field);
                self.add(list, resources, &entry.at);
            }
            Err(_) if is_remote(text) => self.error(Code::Remote,
                &entry.at,
                format!(
                    "`{field}` entry {text:?} is remote; imgsift builds offline and did not fetch it (vendor it into the tree, or scan `kustomize build` output)"
                ),
            ),
            Err(err) => self.error(Code::Missing,
                &entry.at,
                format!(
                    "`{field}` names {}, which cannot be read: {}",
                    display(&path),
                    describe_io_error(&err)
                ),
            ),
        }
    }

    fn add(&mut self, list: &mut Vec<Resource>, resources: Vec<Resource>, at: &At) {
        for resource in resources {
            if list.len() >= MAX_RESOURCES {
                self.stop(at);
                return;
            }
            list.push(resource);
        }
    }

    /// The objects of a resource file.
    fn file_resources(&mut self, path: &Path, dir: &Path, at: &At, field: &str) -> Vec<Resource> {
        let Some((shown, text)) = self.read(path, dir, at, field) else {
            return Vec::new();
        };
        let mut resources = Vec::new();
        // Counted against the node budget as they are copied into trees.
        let documents = self.documents(&shown, &text);
        for (document, tree) in documents {
            let kind = tree.get("kind").and_then(Tree::text).unwrap_or("");
            if !tree.is_map() || kind.is_empty() {
                self.error(Code::NotAnObject,
                    &tree.at,
                    format!("document {document} is not a Kubernetes object (it has no `kind`); kustomize cannot use it as a resource"),
                );
                continue;
            }
            for object in unpack(tree) {
                if object.get("kind").and_then(Tree::text).is_none() {
                    self.error(
                        Code::NotAnObject,
                        &object.at,
                        "a list item is not a Kubernetes object (it has no `kind`)",
                    );
                    continue;
                }
                resources.push(Resource::new(stub(object), Arc::clone(&shown), document));
            }
        }
        resources
    }

    /// Applies one `components` entry to `list`.
    fn component(&mut self, dir: &Path, entry: &Tree, list: &mut Vec<Resource>) {
        let Some(text) = entry.text() else {
            self.error(
                Code::Malformed,
                &entry.at,
                "a `components` entry must be a path",
            );
            return;
        };
        let path = join(dir, text);
        if !path.is_dir() {
            let message = if is_remote(text) {
                format!(
                    "`components` entry {text:?} is remote; imgsift builds offline and did not fetch it"
                )
            } else {
                format!(
                    "`components` names {}, which is not a folder",
                    display(&path)
                )
            };
            self.error(Code::Missing, &entry.at, message);
            return;
        }
        let Some(file) = kustomization_file(&path) else {
            self.error(
                Code::NotAKustomization,
                &entry.at,
                format!(
                    "{} is a folder without a kustomization.yaml",
                    display(&path)
                ),
            );
            return;
        };
        if self.enter(&path, &entry.at) {
            self.kustomization(&path, &file, &entry.at, list);
            self.stack.pop();
        }
    }

    /// The patches an entry of `patchesStrategicMerge` or `patches` gives: from its file, or
    /// written inline. Each with a label for provenance.
    fn patch_documents(&mut self, dir: &Path, value: &Tree, field: &str) -> Vec<(Tree, String)> {
        let Some(text) = value.text() else {
            self.error(
                Code::Malformed,
                &value.at,
                format!("a `{field}` entry must be a path or a patch"),
            );
            return Vec::new();
        };
        // patchesStrategicMerge takes a path or a patch written as a string.
        if text.contains('\n') || text.trim_start().starts_with(['{', '[']) {
            let label = format!("patch ({}:{})", value.at.file, value.at.line);
            return self
                .inline(value)
                .into_iter()
                .map(|tree| (tree, label.clone()))
                .collect();
        }
        let path = join(dir, text);
        let Some((shown, content)) = self.read(&path, dir, &value.at, field) else {
            return Vec::new();
        };
        let label = format!("patch {shown}");
        self.documents(&shown, &content)
            .into_iter()
            .map(|(_, tree)| (tree, label.clone()))
            .collect()
    }

    /// The documents written inside a string scalar (an inline patch), placed in the file: a
    /// literal block keeps its lines, other scalars put everything at the scalar.
    fn inline(&mut self, value: &Tree) -> Vec<Tree> {
        let Some(text) = value.text() else {
            return Vec::new();
        };
        let (literal, at) = match &value.node {
            Node::Scalar { literal, .. } => (*literal, value.at.clone()),
            _ => return Vec::new(),
        };
        let mut trees = Vec::new();
        let mut problems = Vec::new();
        let mut left = self.nodes_left();
        let mut refused = Vec::new();
        problems.extend(each_document(
            text.as_bytes(),
            &at.file,
            self.limits,
            &mut |index, doc| {
                let Some(root) = doc.root() else {
                    return;
                };
                // Counted before the copy, as for a file's documents (`documents`).
                let cost = usize::try_from(Tree::copy_cost(doc, root)).unwrap_or(usize::MAX);
                if cost > left {
                    let (line, column) = doc.position(root);
                    let code = if doc.has_aliases() {
                        Code::AliasExpansion
                    } else {
                        Code::Budget
                    };
                    refused.push(Diagnostic::error(code,
                        &at.file,
                        line,
                        column,
                        format!(
                            "the patch's document {index} expands to {cost} nodes; a kustomize build copies every one, and only {left} of the build's budget of {MAX_NODES} nodes are left; it was not read"
                        ),
                    ));
                    return;
                }
                left -= cost;
                let mut tree = Tree::from_doc(doc, root, &at.file);
                place(&mut tree, &at, literal);
                if !tree.is_null() {
                    trees.push(tree);
                }
            },
        ));
        self.nodes = MAX_NODES.saturating_sub(left).max(self.nodes);
        // Its positions are the string's, like the loader's.
        problems.extend(refused);
        // Positions inside a non-literal scalar are not file positions: report at the scalar.
        for mut problem in problems {
            if !literal {
                problem.line = at.line;
                problem.column = at.column;
            } else {
                problem.line += at.line.saturating_sub(1);
                problem.column += at.column.saturating_sub(1);
            }
            self.built.diagnostics.push(problem);
        }
        trees
    }

    /// Runs the transforms of kustomization `k` over `list`, in kustomize's order.
    fn transform(&mut self, dir: &Path, k: &Tree, list: &mut Vec<Resource>) {
        for entry in k
            .get("patchesStrategicMerge")
            .map(Tree::items)
            .unwrap_or_default()
        {
            for (patch, label) in self.patch_documents(dir, entry, "patchesStrategicMerge") {
                self.strategic(list, &patch, None, &label);
            }
        }
        for entry in k.get("patches").map(Tree::items).unwrap_or_default() {
            self.patch_entry(dir, entry, list);
        }
        self.namespace(k, list);
        self.rename(k, list);
        self.labels(k, list);
        self.annotations(k, list);
        for entry in k
            .get("patchesJson6902")
            .map(Tree::items)
            .unwrap_or_default()
        {
            self.json6902_entry(dir, entry, list);
        }
        let entries = self.image_entries(k);
        for resource in list.iter_mut() {
            images::transform(&mut resource.tree, &entries);
        }
        replace::replacements(self, dir, k, list);
    }

    /// The patches of an entry of `patches` or `patchesJson6902`: from `path`, or written
    /// inline under `patch`. `None` (and a diagnostic) when it has neither.
    fn entry_patches(
        &mut self,
        dir: &Path,
        entry: &Tree,
        field: &str,
    ) -> Option<Vec<(Tree, String)>> {
        match (entry.get("path"), entry.get("patch")) {
            (Some(path), _) => Some(self.patch_documents(dir, path, field)),
            (None, Some(inline)) => {
                let label = format!("patch ({}:{})", inline.at.file, inline.at.line);
                Some(
                    self.inline(inline)
                        .into_iter()
                        .map(|tree| (tree, label.clone()))
                        .collect(),
                )
            }
            (None, None) => {
                self.error(
                    Code::Malformed,
                    &entry.at,
                    format!("a `{field}` entry needs `path` or `patch`"),
                );
                None
            }
        }
    }

    /// One entry of `patches`: a path or an inline patch, strategic-merge or JSON 6902, with
    /// an optional target.
    fn patch_entry(&mut self, dir: &Path, entry: &Tree, list: &mut Vec<Resource>) {
        let target = entry.get("target").map(Selector::from_target);
        let Some(patches) = self.entry_patches(dir, entry, "patches") else {
            return;
        };
        for (patch, label) in patches {
            if patch.is_seq() {
                match &target {
                    Some(selector) => self.json6902(list, &patch, selector, &label),
                    None => self.error(
                        Code::Malformed,
                        &patch.at,
                        "a JSON 6902 patch needs a `target`; it was not applied",
                    ),
                }
            } else {
                self.strategic(list, &patch, target.as_ref(), &label);
            }
        }
    }

    /// One entry of `patchesJson6902`.
    fn json6902_entry(&mut self, dir: &Path, entry: &Tree, list: &mut [Resource]) {
        let Some(target) = entry.get("target") else {
            self.error(
                Code::Malformed,
                &entry.at,
                "a `patchesJson6902` entry needs a `target`",
            );
            return;
        };
        let selector = Selector::from_target(target);
        let Some(patches) = self.entry_patches(dir, entry, "patchesJson6902") else {
            return;
        };
        for (patch, label) in patches {
            if patch.is_seq() {
                self.json6902(list, &patch, &selector, &label);
            } else {
                self.error(
                    Code::Malformed,
                    &patch.at,
                    "a JSON 6902 patch must be a list of operations",
                );
            }
        }
    }

    fn json6902(&mut self, list: &mut [Resource], ops: &Tree, selector: &Selector, label: &str) {
        let mut problems = Vec::new();
        for resource in list.iter_mut().filter(|r| selector.matches(r)) {
            let given = self.allowance();
            let mut left = given;
            let unapplied = patch::json6902(&mut resource.tree, ops, label, &mut left);
            self.spend(given, left);
            for problem in unapplied.problems {
                problems.push(format!(
                    "{label}: {problem} in {} {}; that operation was not applied",
                    resource.kind(),
                    resource.name()
                ));
            }
            if let Some((at, why)) = unapplied.over {
                // The patch stops here: the operation that would go over, the ones after
                // it and the resources after this one are left as they are.
                let what = format!("{label} (in {} {})", resource.kind(), resource.name());
                self.over_budget(&at, &what, &why);
                break;
            }
        }
        for problem in problems {
            self.error(Code::NotApplied, &ops.at, problem);
        }
    }

    /// Applies a strategic-merge patch to the resources it names (or its target selects).
    fn strategic(
        &mut self,
        list: &mut Vec<Resource>,
        patch: &Tree,
        target: Option<&Selector>,
        label: &str,
    ) {
        if !patch.is_map() {
            self.error(
                Code::Malformed,
                &patch.at,
                "a strategic-merge patch must be a mapping",
            );
            return;
        }
        let identity;
        let selector = match target {
            Some(selector) => selector,
            None => {
                identity = Selector::identity_of(patch);
                &identity
            }
        };
        let mut marked = patch.clone();
        marked.mark(label);
        let delete = marked.get("$patch").and_then(Tree::text) == Some("delete");
        let mut hit = false;
        // A merge copies at most the patch's nodes into each resource it patches; they are
        // counted before the merge, and past the budget the patch is applied no further.
        let cost = marked.count();
        let mut left = self.nodes_left();
        let mut over: Option<String> = None;
        list.retain_mut(|resource| {
            if !selector.matches(resource) {
                return true;
            }
            hit = true;
            if delete {
                return false;
            }
            if over.is_some() {
                return true;
            }
            if cost > left {
                over = Some(format!(
                    "it would add up to {cost} YAML nodes to {} {}, more than the {left} left of the build's budget of {MAX_NODES} nodes",
                    resource.kind(),
                    resource.name()
                ));
                return true;
            }
            left -= cost;
            let builtin = kube::is_builtin(kube::group_of(resource.api_version()), resource.kind());
            // The patch names its target; it never renames it.
            let kept: Vec<(&[&str], Option<Tree>)> = vec![
                (&["apiVersion"], resource.tree.get("apiVersion").cloned()),
                (&["kind"], resource.tree.get("kind").cloned()),
                (
                    &["metadata", "name"],
                    resource.tree.get_path(&["metadata", "name"]).cloned(),
                ),
                (
                    &["metadata", "namespace"],
                    resource.tree.get_path(&["metadata", "namespace"]).cloned(),
                ),
            ];
            patch::merge(&mut resource.tree, &marked, builtin);
            for (path, value) in kept {
                restore(&mut resource.tree, path, value);
            }
            true
        });
        self.nodes = MAX_NODES.saturating_sub(left).max(self.nodes);
        if let Some(why) = over {
            self.over_budget(&patch.at, label, &why);
        }
        if !hit && target.is_none() {
            let kind = patch.get("kind").and_then(Tree::text).unwrap_or("?");
            let name = patch
                .get_path(&["metadata", "name"])
                .and_then(Tree::text)
                .unwrap_or("?");
            self.error(Code::NotApplied,
                &patch.at,
                format!("{label} names {kind} {name}, which is not among the resources; it was not applied"),
            );
        }
    }

    fn namespace(&mut self, k: &Tree, list: &mut [Resource]) {
        let Some(value) = k.get("namespace") else {
            return;
        };
        let Some(namespace) = value.text().filter(|n| !n.is_empty()) else {
            return;
        };
        let at = value
            .at
            .through(&format!("namespace ({}:{})", value.at.file, value.at.line));
        for resource in list.iter_mut() {
            let group = kube::group_of(resource.api_version()).to_owned();
            if kube::is_cluster_scoped(&group, resource.kind()) {
                continue;
            }
            resource.remember_id();
            if let Some(metadata) = resource.tree.map_at("metadata", &at) {
                metadata.set("namespace", Tree::string(namespace, at.clone()));
            }
        }
    }

    fn rename(&mut self, k: &Tree, list: &mut [Resource]) {
        let prefix = k.get("namePrefix").and_then(Tree::text).unwrap_or("");
        let suffix = k.get("nameSuffix").and_then(Tree::text).unwrap_or("");
        if prefix.is_empty() && suffix.is_empty() {
            return;
        }
        for resource in list.iter_mut() {
            // kustomize leaves the names of CRDs and namespaces alone: they are API names.
            if matches!(resource.kind(), "CustomResourceDefinition" | "Namespace") {
                continue;
            }
            let name = resource.name().to_owned();
            resource.remember_id();
            if let Some(slot) = resource
                .tree
                .get_mut("metadata")
                .and_then(|m| m.get_mut("name"))
            {
                let at = slot.at.clone();
                *slot = Tree::string(&format!("{prefix}{name}{suffix}"), at);
            }
        }
    }

    fn labels(&mut self, k: &Tree, list: &mut [Resource]) {
        let mut pairs: Vec<(String, Tree)> = k
            .get("commonLabels")
            .map(|m| m.entries().to_vec())
            .unwrap_or_default();
        for entry in k.get("labels").map(Tree::items).unwrap_or_default() {
            pairs.extend(
                entry
                    .get("pairs")
                    .map(|m| m.entries().to_vec())
                    .unwrap_or_default(),
            );
        }
        if pairs.is_empty() {
            return;
        }
        // Every resource gets a copy of every pair: counted before it is made.
        let cost = pairs.iter().map(|(_, v)| v.count()).sum::<usize>() + 2;
        let field = k
            .get("commonLabels")
            .or_else(|| k.get("labels"))
            .map_or_else(|| k.at.clone(), |v| v.at.clone());
        for resource in list.iter_mut() {
            if cost > self.nodes_left() {
                let why = format!(
                    "copying them into {} {} would add {cost} YAML nodes, more than the {} left of the build's budget of {MAX_NODES} nodes",
                    resource.kind(),
                    resource.name(),
                    self.nodes_left()
                );
                self.over_budget(&field, "the labels", &why);
                return;
            }
            self.nodes += cost;
            let at = resource.tree.at.clone();
            let Some(labels) = resource
                .tree
                .map_at("metadata", &at)
                .and_then(|m| m.map_at("labels", &at))
            else {
                continue;
            };
            for (key, value) in &pairs {
                labels.set(key, value.clone());
            }
        }
    }

    fn annotations(&mut self, k: &Tree, list: &mut [Resource]) {
        let Some(map) = k.get("commonAnnotations") else {
            return;
        };
        let label = format!("commonAnnotations ({}:{})", map.at.file, map.at.line);
        let pairs: Vec<(String, Tree)> = map
            .entries()
            .iter()
            .map(|(key, value)| {
                let mut value = value.clone();
                value.mark(&label);
                (key.clone(), value)
            })
            .collect();
        if pairs.is_empty() {
            return;
        }
        let cost = pairs.iter().map(|(_, v)| v.count()).sum::<usize>() + 2;
        for resource in list.iter_mut() {
            // A copy of every pair in each place: counted before it is made.
            if cost.saturating_mul(3) > self.nodes_left() {
                let why = format!(
                    "copying them into {} {} would add up to {} YAML nodes, more than the {} left of the build's budget of {MAX_NODES} nodes",
                    resource.kind(),
                    resource.name(),
                    cost.saturating_mul(3),
                    self.nodes_left()
                );
                self.over_budget(&map.at, "commonAnnotations", &why);
                return;
            }
            self.nodes += cost.saturating_mul(3);
            let places: &[&[&str]] = match resource.kind() {
                "Deployment"
                | "ReplicaSet"
                | "DaemonSet"
                | "StatefulSet"
                | "Job"
                | "ReplicationController" => &[&["metadata"], &["spec", "template", "metadata"]],
                "CronJob" => &[
                    &["metadata"],
                    &["spec", "jobTemplate", "metadata"],
                    &["spec", "jobTemplate", "spec", "template", "metadata"],
                ],
                _ => &[&["metadata"]],
            };
            for place in places {
                let at = resource.tree.at.clone();
                let mut node = Some(&mut resource.tree);
                for key in place.iter().copied().chain(["annotations"]) {
                    node = node.and_then(|n| n.map_at(key, &at));
                }
                if let Some(annotations) = node {
                    for (key, value) in &pairs {
                        annotations.set(key, value.clone());
                    }
                }
            }
        }
    }

    fn image_entries(&mut self, k: &Tree) -> Vec<images::ImageEntry> {
        let mut entries = Vec::new();
        for item in k.get("images").map(Tree::items).unwrap_or_default() {
            let field = |key: &str| item.get(key).and_then(Tree::text).unwrap_or("").to_owned();
            let name = field("name");
            if name.is_empty() {
                self.error(
                    Code::Malformed,
                    &item.at,
                    "an `images` entry needs a `name`",
                );
                continue;
            }
            let label = format!("images {name:?} ({}:{})", item.at.file, item.at.line);
            let entry = images::ImageEntry::new(
                &name,
                &field("newName"),
                &field("newTag"),
                &field("digest"),
                label,
            );
            if !entry.is_valid() {
                self.warning(Code::Pattern,
                    &item.at,
                    format!("`images` name {name:?} is not a pattern kustomize can match; the entry changes nothing"),
                );
            }
            entries.push(entry);
        }
        entries
    }
}

/// A CRD or Secret keeps only what selects it (kind, names, labels, annotations): it never
/// holds an image, and CRDs are most of the bytes of a platform's kustomizations.
fn stub(tree: Tree) -> Tree {
    let api_version = tree.get("apiVersion").and_then(Tree::text).unwrap_or("");
    let kind = tree.get("kind").and_then(Tree::text).unwrap_or("");
    if !kube::never_holds_images(kube::group_of(api_version), kind) {
        return tree;
    }
    let Node::Map(entries) = tree.node else {
        return tree;
    };
    let kept = entries
        .into_iter()
        .filter(|(key, _)| key == "apiVersion" || key == "kind" || key == "metadata")
        .map(|(key, mut value)| {
            if let Node::Map(meta) = &mut value.node {
                meta.retain(|(k, _)| {
                    matches!(k.as_str(), "name" | "namespace" | "labels" | "annotations")
                });
            }
            (key, value)
        })
        .collect();
    Tree {
        node: Node::Map(kept),
        at: tree.at,
    }
}

/// kustomize unpacks lists (`List`, `DeploymentList`, lists in lists) into their items.
fn unpack(tree: Tree) -> Vec<Tree> {
    let kind = tree.get("kind").and_then(Tree::text).unwrap_or("");
    if !(kube::is_list_kind(kind) && tree.get("items").is_some_and(Tree::is_seq)) {
        return vec![tree];
    }
    let Node::Map(entries) = tree.node else {
        return Vec::new();
    };
    entries
        .into_iter()
        .filter(|(key, _)| key == "items")
        .flat_map(|(_, items)| match items.node {
            Node::Seq(items) => items,
            _ => Vec::new(),
        })
        .flat_map(unpack)
        .collect()
}

/// Puts `value` back at `path` (or removes what a patch added there when there was nothing).
fn restore(tree: &mut Tree, path: &[&str], value: Option<Tree>) {
    let Some((last, parents)) = path.split_last() else {
        return;
    };
    let mut node = Some(tree);
    for key in parents {
        node = node.and_then(|n| n.get_mut(key));
    }
    if let Some(parent) = node.filter(|n| n.is_map()) {
        match value {
            Some(value) => parent.set(last, value),
            None => {
                parent.remove(last);
            }
        }
    }
}

/// Moves the positions of a tree parsed from a string to the file: a literal block's lines
/// are the file's lines, shifted by the block's indentation; anything else is placed at the
/// scalar.
fn place(tree: &mut Tree, at: &At, literal: bool) {
    if literal {
        tree.at.line += at.line.saturating_sub(1);
        tree.at.column += at.column.saturating_sub(1);
    } else {
        tree.at.line = at.line;
        tree.at.column = at.column;
    }
    tree.at.steps = at.steps.clone();
    match &mut tree.node {
        Node::Seq(items) => items.iter_mut().for_each(|i| place(i, at, literal)),
        Node::Map(entries) => entries.iter_mut().for_each(|(_, v)| place(v, at, literal)),
        Node::Scalar { .. } => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn joins_clean_paths_lexically() {
        assert_eq!(
            join(Path::new("a/b"), "../c/d.yaml"),
            PathBuf::from("a/c/d.yaml")
        );
        assert_eq!(join(Path::new("a"), "./x"), PathBuf::from("a/x"));
        assert_eq!(join(Path::new("../a"), "../../b"), PathBuf::from("../../b"));
        assert_eq!(join(Path::new("/r/a"), "../../../b"), PathBuf::from("/b"));
    }

    #[test]
    fn remote_entries_are_recognised() {
        assert!(is_remote("https://github.com/kubeflow/manifests/x?ref=v1"));
        assert!(is_remote("github.com/org/repo//deploy?ref=main"));
        assert!(is_remote("git@github.com:org/repo.git"));
        assert!(!is_remote("../base"));
        assert!(!is_remote("deployment.yaml"));
    }
}
