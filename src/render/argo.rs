//! Argo CD `Application`s and the templates of `ApplicationSet`s (`argoproj.io`): the charts
//! and folders each source installs, with their Helm values and image overrides.
//!
//! Each source of an `Application` (`spec.source`, or every entry of `spec.sources`) becomes a
//! [`Release`], as Argo CD's repo-server turns it into manifests
//! (`reposerver/repository/repository.go`):
//!
//! - a *chart source* (`chart` set) names a chart of a Helm repository or OCI registry, looked
//!   up among the `--charts` folders;
//! - a *path source* names a folder of a Git repository. imgsift fetches no repository: the
//!   folder is looked up in the tree the user named (the folder the object was found under),
//!   whatever the `repoURL` says. A chart folder is rendered with the source's Helm options, a
//!   kustomization is built with its `kustomize.images`; a folder of plain manifests is what
//!   the scan already reads on its own;
//! - a source with only `ref` supplies values files to the others and installs nothing.
//!
//! An `ApplicationSet` is a template of Applications: its `list` generators are expanded, one
//! Application per element, with Argo CD's two template languages; the Applications of other
//! generators depend on clusters, Git contents or pull requests that imgsift does not have.

use std::path::{Component, Path, PathBuf};

use gotemplate::{ExecOptions, FuncMap, Map, MissingKey, Namespace, Value};

use super::helm::{self as helm_render, Options, SetKind, strvals};
use super::kustomize::images::ImageEntry;
use super::objects::{Found, Kind, Objects};
use super::release::{ChartRef, Location, Release, ValuesFile, quoted, tree_values};
use crate::diag::{Code, Diagnostic};
use crate::documents::{At, Limits, Node, ScalarKind, Tree};
use crate::escape::Printable;

/// Nodes of Applications an ApplicationSet expansion may make in one run: a list of a
/// thousand elements times a large template is within it, a document crafted to multiply
/// is stopped.
const GENERATED_NODES: usize = 2_000_000;

/// Template strings an expansion may execute in one run, each within [`TEMPLATE_STEPS`] and
/// [`TEMPLATE_OUTPUT`]: a real template is a few dozen strings of a few steps each.
const TEMPLATED_STRINGS: usize = 20_000;

/// Evaluation steps of one template string.
const TEMPLATE_STEPS: u64 = 5_000;

/// Bytes one template string may write.
const TEMPLATE_OUTPUT: usize = 1 << 20;

/// Bytes every template string of a run may write together: what the expansion keeps stays
/// within the bound of one document.
const TEMPLATED_BYTES: usize = 64 << 20;

/// Bytes a file read for a source may have (`.argocd-source.yaml`, values files): Helm's bound
/// on one file of a chart.
const MAX_FILE_BYTES: u64 = crate::inputs::chart::MAX_FILE_BYTES;

/// The releases of the run's `Application`s and `ApplicationSet`s, in namespace and name order.
pub fn releases(objects: &Objects, diagnostics: &mut Vec<Diagnostic>) -> Vec<Release> {
    let mut out = Vec::new();
    for found in objects.of(Kind::Application) {
        let root = Root::of(found);
        let app = App {
            tree: &found.tree,
            name: found.name(),
            by: found.id(),
            label: found.label(),
            root: root.as_ref(),
        };
        application(&app, diagnostics, &mut out);
    }
    let mut budget = Budget {
        nodes: GENERATED_NODES,
        strings: TEMPLATED_STRINGS,
        bytes: TEMPLATED_BYTES,
        reported: false,
    };
    for found in objects.of(Kind::ApplicationSet) {
        application_set(found, &mut budget, diagnostics, &mut out);
    }
    out
}

/// The folder an object was found under, as given (for paths shown to the user) and resolved
/// (to check that what a source names stays inside it).
struct Root {
    given: PathBuf,
    canonical: Option<PathBuf>,
}

impl Root {
    fn of(found: &Found) -> Option<Root> {
        let given = found.root.as_deref()?.clone();
        let canonical = std::fs::canonicalize(&given).ok();
        Some(Root { given, canonical })
    }
}

/// An Application to turn into releases: an object of the scan, or one an ApplicationSet
/// generates.
struct App<'a> {
    /// The Application (`metadata`, `spec`).
    tree: &'a Tree,
    /// Its name: the default release name and `$ARGOCD_APP_NAME`.
    name: String,
    /// What provenance names: `Application/argocd/web`, `ApplicationSet/argocd/envs`.
    by: String,
    /// How messages name it, with where it is written.
    label: String,
    /// The scanned tree its path sources are looked up in.
    root: Option<&'a Root>,
}

/// What an ApplicationSet expansion may still make in this run.
struct Budget {
    nodes: usize,
    strings: usize,
    bytes: usize,
    reported: bool,
}

fn warning(code: Code, at: &At, message: String) -> Diagnostic {
    Diagnostic::warning(code, &at.file, at.line, at.column, message)
}

fn error(code: Code, at: &At, message: String) -> Diagnostic {
    Diagnostic::error(code, &at.file, at.line, at.column, message)
}

/// The text of scalar `key` of a mapping, empty when absent or not a scalar.
fn text(tree: &Tree, key: &str) -> String {
    tree.get(key)
        .and_then(Tree::text)
        .unwrap_or("")
        .trim()
        .to_owned()
}

/// Whether a field holds `true` (YAML 1.1 spellings, as the API server reads a manifest).
fn truthy(tree: Option<&Tree>) -> bool {
    match tree.map(|t| &t.node) {
        Some(Node::Scalar {
            text,
            kind: ScalarKind::Bool,
            ..
        }) => matches!(
            text.to_ascii_lowercase().as_str(),
            "true" | "yes" | "on" | "y"
        ),
        _ => false,
    }
}

/// A field that is set (present and not null).
fn set<'t>(tree: &'t Tree, key: &str) -> Option<&'t Tree> {
    tree.get(key).filter(|t| !t.is_null())
}

/// The releases of one Application's sources.
fn application(app: &App<'_>, diagnostics: &mut Vec<Diagnostic>, out: &mut Vec<Release>) {
    let Some(spec) = app.tree.get("spec") else {
        return;
    };
    let listed = spec.get("sources").map(Tree::items).unwrap_or(&[]);
    let single = spec.get("source").filter(|s| s.is_map());
    let sources: Vec<&Tree> = if listed.is_empty() {
        single.into_iter().collect()
    } else {
        if let Some(source) = single {
            diagnostics.push(warning(
                Code::ArgoNotApplied,
                &source.at,
                format!(
                    "{} has both `source` and `sources`; Argo CD uses `sources` only, and so does imgsift",
                    app.label
                ),
            ));
        }
        listed.iter().collect()
    };
    if sources.is_empty() {
        if let Some(hydrator) = set(spec, "sourceHydrator") {
            diagnostics.push(warning(
                Code::ArgoNotApplied,
                &hydrator.at,
                format!(
                    "{} is deployed through a `sourceHydrator`, which imgsift does not follow; scan the hydrated manifests",
                    app.label
                ),
            ));
        }
        return;
    }
    let refs: Vec<(String, &Tree)> = sources
        .iter()
        .filter_map(|s| {
            let name = text(s, "ref");
            (!name.is_empty()).then_some((name, *s))
        })
        .collect();
    let context = Context {
        app,
        refs: &refs,
        destination: spec
            .get_path(&["destination", "namespace"])
            .and_then(Tree::text)
            .unwrap_or("")
            .trim()
            .to_owned(),
        project: text(spec, "project"),
        multi: !listed.is_empty(),
    };
    for source in sources {
        if source.is_map() {
            one_source(&context, source, diagnostics, out);
        }
    }
}

/// What every source of one Application shares.
struct Context<'a> {
    app: &'a App<'a>,
    /// The sources with a `ref`, by name (`$values/...` value files name them).
    refs: &'a [(String, &'a Tree)],
    /// `spec.destination.namespace`.
    destination: String,
    /// `spec.project`.
    project: String,
    /// The Application lists `sources` (not one `source`).
    multi: bool,
}

/// The kinds of source a source states outright (Argo CD's `ExplicitType`).
fn explicit_types(source: &Tree) -> Vec<&'static str> {
    ["helm", "kustomize", "directory", "plugin"]
        .into_iter()
        .filter(|key| set(source, key).is_some())
        .collect()
}

fn one_source(
    context: &Context<'_>,
    source: &Tree,
    diagnostics: &mut Vec<Diagnostic>,
    out: &mut Vec<Release>,
) {
    let app = context.app;
    let chart = text(source, "chart");
    let path = text(source, "path");
    if context.multi && chart.is_empty() && path.is_empty() && !text(source, "ref").is_empty() {
        // A values-only source: its files serve the others' `$ref/...` value files (a single
        // `source` has no others, and Argo CD renders its repository's top folder).
        return;
    }
    let types = explicit_types(source);
    if types.contains(&"plugin") {
        diagnostics.push(warning(
            Code::ArgoNotApplied,
            &source.at,
            format!(
                "a source of {} is rendered by a config management plugin, which imgsift cannot run; what it installs is not listed (the folder's own files are scanned as they are)",
                app.label
            ),
        ));
        return;
    }
    if types.len() > 1 {
        diagnostics.push(error(
            Code::ArgoRefused,
            &source.at,
            format!(
                "a source of {} sets {} at once; Argo CD refuses it (multiple application sources defined), and imgsift renders it as what its chart or folder is",
                app.label,
                types
                    .iter()
                    .map(|t| format!("`{t}`"))
                    .collect::<Vec<_>>()
                    .join(" and ")
            ),
        ));
    }
    if chart.is_empty() {
        path_source(context, source, &path, &types, diagnostics, out);
    } else {
        chart_source(context, source, chart, &types, diagnostics, out);
    }
}

/// A chart repository as Helm names it: Argo CD writes an OCI registry without a scheme
/// (`registry-1.docker.io/bitnamicharts`), or with `oci://`.
fn helm_repository(repo: &str) -> String {
    if repo.is_empty() || repo.contains("://") {
        repo.to_owned()
    } else {
        format!("oci://{repo}")
    }
}

fn chart_source(
    context: &Context<'_>,
    source: &Tree,
    chart: String,
    types: &[&str],
    diagnostics: &mut Vec<Diagnostic>,
    out: &mut Vec<Release>,
) {
    let app = context.app;
    if types == ["kustomize"] {
        diagnostics.push(error(
            Code::ArgoRefused,
            &source.at,
            format!(
                "a chart source of {} has `kustomize` options: Argo CD then builds the chart's folder with kustomize, which fails (a chart has no kustomization); imgsift renders the chart with Helm, without its `kustomize.images`",
                app.label
            ),
        ));
    }
    let chart_ref = ChartRef {
        name: chart,
        version: text(source, "targetRevision"),
        repository: helm_repository(&text(source, "repoURL")),
    };
    let env = Env::new(context, source, &chart_ref.version);
    let parts = helm_parts(context, source, &Base::Chart, &env, diagnostics);
    out.push(Release {
        by: app.by.clone(),
        at: source.at.clone(),
        chart: chart_ref,
        location: Location::Lookup,
        values_files: parts.values_files,
        values: parts.values,
        options: parts.options,
        images: Vec::new(),
        values_docs: parts.values_docs,
    });
}

/// What a path source's folder holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Folder {
    Kustomize,
    Chart,
    /// A kustomization and a `Chart.yaml`: Argo CD's discovery builds the kustomization unless
    /// the source says `helm`; imgsift's release renders such a folder as a chart.
    Both,
    Plain,
}

fn folder_kind(folder: &Path) -> Folder {
    let kustomize = super::Renderer::root_file(&super::kustomize::Kustomize, folder).is_some();
    match (kustomize, crate::inputs::chart::is_chart_dir(folder)) {
        (true, true) => Folder::Both,
        (true, false) => Folder::Kustomize,
        (false, true) => Folder::Chart,
        (false, false) => Folder::Plain,
    }
}

/// A relative path cleaned as Go's `filepath.Join` cleans it; `None` when it is absolute or
/// `..` leads above its start.
fn clean_relative(path: &str) -> Option<PathBuf> {
    let mut parts: Vec<&std::ffi::OsStr> = Vec::new();
    for component in Path::new(path).components() {
        match component {
            Component::Normal(part) => parts.push(part),
            Component::CurDir => {}
            Component::ParentDir => {
                parts.pop()?;
            }
            Component::RootDir | Component::Prefix(_) => return None,
        }
    }
    Some(parts.iter().collect())
}

/// Why a folder or file a source names is not used.
enum Unusable {
    /// Absolute, or outside the scanned tree: refused (Argo CD refuses it too).
    Outside(String),
    /// Not at hand: what it is, for the error.
    Unavailable(String),
}

fn path_source(
    context: &Context<'_>,
    source: &Tree,
    path: &str,
    types: &[&str],
    diagnostics: &mut Vec<Diagnostic>,
    out: &mut Vec<Release>,
) {
    let app = context.app;
    let repo = text(source, "repoURL");
    let revision = text(source, "targetRevision");
    let shown = if path.is_empty() { "." } else { path };
    let chart_ref = ChartRef {
        name: shown.to_owned(),
        version: revision.clone(),
        repository: repo.clone(),
    };
    let resolved = if repo.starts_with("oci://") {
        Err(Unusable::Unavailable(format!(
            "the folder {} of the OCI artifact {}, which imgsift does not pull",
            quoted(shown),
            Printable(&repo)
        )))
    } else {
        resolve_folder(app.root, shown, &repo)
    };
    let folder = match resolved {
        Ok(folder) => folder,
        Err(Unusable::Outside(why)) => {
            diagnostics.push(error(
                Code::ArgoOutside,
                source.get("path").map_or(&source.at, |p| &p.at),
                format!(
                    "a source of {} names the folder {}, which {why}; Argo CD refuses it, and imgsift reads nothing there",
                    app.label,
                    quoted(shown)
                ),
            ));
            return;
        }
        Err(Unusable::Unavailable(what)) => {
            // Nothing to render, but the values written in the object still name images.
            let env = Env::new(context, source, &revision);
            let parts = helm_parts(context, source, &Base::Unknown, &env, diagnostics);
            out.push(Release {
                by: app.by.clone(),
                at: source.at.clone(),
                chart: chart_ref,
                location: Location::Unavailable(what),
                values_files: Vec::new(),
                values: Map::new(),
                options: Options::default(),
                images: Vec::new(),
                values_docs: parts.values_docs,
            });
            return;
        }
    };
    let source = with_overrides(app, source, &folder, diagnostics);
    let source = &source;
    let kind = folder_kind(&folder);
    let refused = |what: &str| {
        error(
            Code::ArgoRefused,
            &source.at,
            format!(
                "a source of {} sets `{what}` for the folder {}, which is {}; Argo CD fails to render it",
                app.label,
                quoted(shown),
                match kind {
                    Folder::Kustomize => "a kustomization, not a chart",
                    Folder::Chart => "a chart, not a kustomization",
                    Folder::Both => "both a chart and a kustomization",
                    Folder::Plain => "neither a chart nor a kustomization",
                }
            ),
        )
    };
    if types == ["directory"] {
        // Argo CD applies the folder's files as they are: the scan reads them on its own.
        return;
    }
    match kind {
        Folder::Plain => {
            for what in ["helm", "kustomize"] {
                if types == [what] {
                    diagnostics.push(refused(what));
                }
            }
        }
        Folder::Chart | Folder::Both => {
            if kind == Folder::Chart && types == ["kustomize"] {
                diagnostics.push(refused("kustomize"));
            }
            let env = Env::new(context, source, &revision);
            let images = if kind == Folder::Both {
                kustomize_images(app, source, &env, diagnostics)
            } else {
                Vec::new()
            };
            let root = app.root.map_or(folder.as_path(), |r| r.given.as_path());
            let base = Base::Folder {
                folder: &folder,
                root,
            };
            let parts = helm_parts(context, source, &base, &env, diagnostics);
            out.push(Release {
                by: app.by.clone(),
                at: source.at.clone(),
                chart: chart_ref,
                location: Location::Path(folder.clone()),
                values_files: parts.values_files,
                values: parts.values,
                options: parts.options,
                images,
                values_docs: parts.values_docs,
            });
        }
        Folder::Kustomize => {
            if types == ["helm"] {
                diagnostics.push(refused("helm"));
            }
            let env = Env::new(context, source, &revision);
            let images = kustomize_images(app, source, &env, diagnostics);
            if let Some(patches) = source
                .get("kustomize")
                .and_then(|k| set(k, "patches").or_else(|| set(k, "components")))
            {
                diagnostics.push(warning(
                    Code::ArgoNotApplied,
                    &patches.at,
                    format!(
                        "the `kustomize.patches` and `kustomize.components` of {} are not applied; images they would set are not listed",
                        app.label
                    ),
                ));
            }
            out.push(Release {
                by: app.by.clone(),
                at: source.at.clone(),
                chart: chart_ref,
                location: Location::Path(folder),
                values_files: Vec::new(),
                values: Map::new(),
                options: Options::default(),
                images,
                values_docs: Vec::new(),
            });
        }
    }
}

/// The folder of a path source in the scanned tree.
fn resolve_folder(root: Option<&Root>, path: &str, repo: &str) -> Result<PathBuf, Unusable> {
    let what = || {
        let mut what = format!("the folder {}", quoted(path));
        if !repo.is_empty() {
            what.push_str(&format!(" of {}", Printable(repo)));
        }
        what
    };
    if Path::new(path).is_absolute() {
        return Err(Unusable::Outside("is absolute".to_owned()));
    }
    let Some(relative) = clean_relative(path) else {
        return Err(Unusable::Outside(
            "leads out of the repository through `..`".to_owned(),
        ));
    };
    let Some(root) = root else {
        return Err(Unusable::Unavailable(format!(
            "{}, but the object was not found under a folder named on the command line, so the folder cannot be looked up (scan the repository's folder to include it)",
            what()
        )));
    };
    let folder = root.given.join(&relative);
    match std::fs::canonicalize(&folder) {
        Ok(canonical) if canonical.is_dir() => {
            if root
                .canonical
                .as_ref()
                .is_some_and(|r| canonical.starts_with(r))
            {
                Ok(folder)
            } else {
                Err(Unusable::Outside(format!(
                    "is a symbolic link to {}, outside the scanned folder {}",
                    Printable(&canonical.to_string_lossy()),
                    Printable(&root.given.to_string_lossy())
                )))
            }
        }
        _ => Err(Unusable::Unavailable(format!(
            "{}, which is not a folder of the scanned tree {} (the path is looked up there: scan the repository's folder to include it)",
            what(),
            Printable(&root.given.to_string_lossy())
        ))),
    }
}

/// Reads a file of the scanned tree: a regular file inside `root` once symbolic links are
/// resolved, at most [`MAX_FILE_BYTES`], opened without blocking (a pipe put in its place
/// cannot hang the run).
fn read_in_root(path: &Path, root: &Root) -> Result<String, Unread> {
    use std::io::Read;
    let canonical = match std::fs::canonicalize(path) {
        Ok(canonical) => canonical,
        Err(err) if err.kind() == std::io::ErrorKind::NotFound => return Err(Unread::Missing),
        Err(err) => return Err(Unread::Failed(crate::diag::describe_io_error(&err))),
    };
    if !root
        .canonical
        .as_ref()
        .is_some_and(|r| canonical.starts_with(r))
    {
        return Err(Unread::Outside(canonical));
    }
    let regular = |meta: &std::fs::Metadata| {
        if !meta.is_file() {
            Err(Unread::Failed(
                "it is not a regular file (a folder, a pipe or a device)".to_owned(),
            ))
        } else if meta.len() > MAX_FILE_BYTES {
            Err(Unread::Failed(format!(
                "it is larger than {MAX_FILE_BYTES} bytes"
            )))
        } else {
            Ok(())
        }
    };
    let meta = std::fs::metadata(&canonical)
        .map_err(|e| Unread::Failed(crate::diag::describe_io_error(&e)))?;
    regular(&meta)?;
    let mut options = std::fs::OpenOptions::new();
    options.read(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.custom_flags(libc::O_NONBLOCK);
    }
    let file = options
        .open(&canonical)
        .map_err(|e| Unread::Failed(crate::diag::describe_io_error(&e)))?;
    let meta = file
        .metadata()
        .map_err(|e| Unread::Failed(crate::diag::describe_io_error(&e)))?;
    regular(&meta)?;
    let mut bytes = Vec::new();
    file.take(MAX_FILE_BYTES + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| Unread::Failed(crate::diag::describe_io_error(&e)))?;
    if bytes.len() as u64 > MAX_FILE_BYTES {
        return Err(Unread::Failed(format!(
            "it is larger than {MAX_FILE_BYTES} bytes"
        )));
    }
    String::from_utf8(bytes).map_err(|_| Unread::Failed("it is not UTF-8 text".to_owned()))
}

enum Unread {
    Missing,
    Outside(PathBuf),
    Failed(String),
}

/// The source with the overrides Argo CD reads from its folder before rendering it:
/// `.argocd-source.yaml`, then `.argocd-source-<application>.yaml` (what Argo CD Image Updater
/// writes back), each merged as a JSON merge patch.
fn with_overrides(
    app: &App<'_>,
    source: &Tree,
    folder: &Path,
    diagnostics: &mut Vec<Diagnostic>,
) -> Tree {
    let mut merged = source.clone();
    let Some(root) = app.root else {
        return merged;
    };
    let mut names = vec![".argocd-source.yaml".to_owned()];
    // A name with a separator would name another folder; Kubernetes names have none.
    if !app.name.is_empty() && !app.name.contains(['/', '\\', '\0']) {
        names.push(format!(".argocd-source-{}.yaml", app.name));
    }
    for name in names {
        let file = folder.join(&name);
        let shown = file.to_string_lossy().into_owned();
        let text = match read_in_root(&file, root) {
            Ok(text) => text,
            Err(Unread::Missing) => continue,
            Err(Unread::Outside(target)) => {
                diagnostics.push(Diagnostic::error(
                    Code::ArgoOutside,
                    &shown,
                    1,
                    1,
                    format!(
                        "the overrides of {} lead outside the scanned folder (to {}); they were not read",
                        app.label,
                        Printable(&target.to_string_lossy())
                    ),
                ));
                continue;
            }
            Err(Unread::Failed(why)) => {
                diagnostics.push(Diagnostic::error(
                    Code::ArgoValuesFile,
                    &shown,
                    1,
                    1,
                    format!(
                        "the overrides of {} cannot be read: {why}; they were not applied",
                        app.label
                    ),
                ));
                continue;
            }
        };
        let file_name: std::sync::Arc<str> = std::sync::Arc::from(shown.as_str());
        match crate::documents::yaml::load(&text, 1, &Limits::default()) {
            Ok(docs) => {
                let patch = docs
                    .first()
                    .and_then(|doc| Some(Tree::from_doc(doc, doc.root()?, &file_name)));
                if let Some(patch) = patch {
                    merge_patch(&mut merged, &patch);
                }
            }
            Err(err) => diagnostics.push(Diagnostic::error(
                err.code,
                &shown,
                err.line,
                err.column,
                format!(
                    "{}; the overrides of {} were not applied",
                    err.message, app.label
                ),
            )),
        }
    }
    merged
}

/// RFC 7386 JSON merge patch: mappings merge, `null` removes, anything else replaces.
fn merge_patch(target: &mut Tree, patch: &Tree) {
    if !patch.is_map() {
        *target = patch.clone();
        return;
    }
    if !target.is_map() {
        *target = Tree::map(patch.at.clone());
    }
    for (key, value) in patch.entries() {
        if value.is_null() {
            target.remove(key);
        } else if let Some(slot) = target.get_mut(key) {
            merge_patch(slot, value);
        } else {
            let mut fresh = Tree::map(value.at.clone());
            merge_patch(&mut fresh, value);
            target.set(key, fresh);
        }
    }
}

/// The variables Argo CD substitutes in parameters, values file paths and kustomize images
/// (`newEnv`). The revision is the commit a Git source resolves to, which imgsift cannot know
/// offline: the source's `targetRevision` stands in for it.
struct Env(Vec<(&'static str, String)>);

impl Env {
    fn new(context: &Context<'_>, source: &Tree, revision: &str) -> Env {
        let short = |n: usize| revision.chars().take(n).collect::<String>();
        Env(vec![
            ("ARGOCD_APP_NAME", context.app.name.clone()),
            ("ARGOCD_APP_NAMESPACE", context.destination.clone()),
            ("ARGOCD_APP_PROJECT_NAME", context.project.clone()),
            ("ARGOCD_APP_REVISION", revision.to_owned()),
            ("ARGOCD_APP_REVISION_SHORT", short(7)),
            ("ARGOCD_APP_REVISION_SHORT_8", short(8)),
            ("ARGOCD_APP_SOURCE_REPO_URL", text(source, "repoURL")),
            ("ARGOCD_APP_SOURCE_PATH", text(source, "path")),
            (
                "ARGOCD_APP_SOURCE_TARGET_REVISION",
                text(source, "targetRevision"),
            ),
        ])
    }

    /// Go's `os.Expand` with Argo CD's mapping: `$NAME` and `${NAME}` become the variable (an
    /// unknown one is empty), `$$` is `$`.
    fn subst(&self, text: &str) -> String {
        if !text.contains('$') {
            return text.to_owned();
        }
        let bytes = text.as_bytes();
        let mut out = String::with_capacity(text.len());
        let mut start = 0;
        let mut j = 0;
        while j < bytes.len() {
            if bytes.get(j) == Some(&b'$') && j + 1 < bytes.len() {
                out.push_str(text.get(start..j).unwrap_or(""));
                let rest = text.get(j + 1..).unwrap_or("");
                let (name, width) = shell_name(rest);
                match name {
                    None if width > 0 => {}
                    None => out.push('$'),
                    Some("$") => out.push('$'),
                    Some(name) => {
                        if let Some((_, value)) = self.0.iter().find(|(n, _)| *n == name) {
                            out.push_str(value);
                        }
                    }
                }
                j += width;
                start = j + 1;
            }
            j += 1;
        }
        out.push_str(text.get(start..).unwrap_or(""));
        out
    }
}

/// Go's `getShellName`: the variable name after a `$` and how many bytes it spans; no name
/// with a width is bad syntax that is eaten, no name and no width leaves the `$`.
fn shell_name(s: &str) -> (Option<&str>, usize) {
    let bytes = s.as_bytes();
    let special = |c: u8| b"*#$@!?-0123456789".contains(&c);
    match bytes.first() {
        Some(b'{') => {
            if bytes.len() > 2
                && bytes.get(1).is_some_and(|&c| special(c))
                && bytes.get(2) == Some(&b'}')
            {
                return (s.get(1..2), 3);
            }
            match bytes.iter().skip(1).position(|&c| c == b'}') {
                Some(0) => (None, 2),
                Some(n) => (s.get(1..=n), n + 2),
                None => (None, 1),
            }
        }
        Some(&c) if special(c) => (s.get(0..1), 1),
        _ => {
            let n = bytes
                .iter()
                .take_while(|&&c| c == b'_' || c.is_ascii_alphanumeric())
                .count();
            (if n == 0 { None } else { s.get(..n) }, n)
        }
    }
}

/// Where a source's relative values files are.
enum Base<'a> {
    /// In the chart pulled from a repository (read once the chart is found).
    Chart,
    /// In a chart folder of the scanned tree (`root` is the repository's top).
    Folder { folder: &'a Path, root: &'a Path },
    /// Nowhere at hand: only the values written in the object are read.
    Unknown,
}

/// What a source's Helm options make of a release.
struct HelmParts {
    values_files: Vec<ValuesFile>,
    values: Map,
    values_docs: Vec<Tree>,
    options: Options,
}

/// The Helm inputs of a source, as `helmTemplate` passes them to `helm template`: `valueFiles`
/// as `--values` in order, then `values`/`valuesObject` as one more `--values` file, then
/// `parameters` as `--set` or `--set-string`; release name, namespace, Kubernetes version and
/// API versions, CRDs and tests.
fn helm_parts(
    context: &Context<'_>,
    source: &Tree,
    base: &Base<'_>,
    env: &Env,
    diagnostics: &mut Vec<Diagnostic>,
) -> HelmParts {
    let app = context.app;
    let empty = Tree::map(source.at.clone());
    let helm = set(source, "helm").unwrap_or(&empty);
    let kustomize = set(source, "kustomize").unwrap_or(&empty);
    // `GetNamespaceOrDefault` and its siblings: the Helm option, else the kustomize one, else
    // the destination (for the version and API versions, the cluster's: imgsift's defaults).
    let either = |key: &str| {
        let own = text(helm, key);
        if own.is_empty() {
            text(kustomize, key)
        } else {
            own
        }
    };
    let namespace = Some(either("namespace"))
        .filter(|n| !n.is_empty())
        .or_else(|| Some(context.destination.clone()).filter(|n| !n.is_empty()));
    let release_name = text(helm, "releaseName");
    let api_versions: Vec<String> = [helm, kustomize]
        .iter()
        .map(|t| {
            t.get("apiVersions")
                .map(Tree::items)
                .unwrap_or(&[])
                .iter()
                .filter_map(Tree::text)
                .map(str::to_owned)
                .collect::<Vec<_>>()
        })
        .find(|list| !list.is_empty())
        .unwrap_or_default();
    let mut options = Options {
        name: Some(if release_name.is_empty() {
            app.name.clone()
        } else {
            release_name
        })
        .filter(|n| !n.is_empty()),
        namespace,
        kube_version: Some(either("kubeVersion")).filter(|v| !v.is_empty()),
        api_versions,
        include_crds: !truthy(helm.get("skipCrds")),
        skip_tests: truthy(helm.get("skipTests")),
        ..Options::default()
    };
    let values_files = match base {
        Base::Unknown => Vec::new(),
        _ => values_files(context, helm, base, env, diagnostics),
    };
    let (values, values_docs) = inline_values(app, helm, diagnostics);
    options.sets = parameters(app, helm, env, diagnostics);
    if let Some(files) = set(helm, "fileParameters") {
        diagnostics.push(warning(
            Code::ArgoNotApplied,
            &files.at,
            format!(
                "the `fileParameters` of {} are not read (`--set-file`); values they would set are missing from the render",
                app.label
            ),
        ));
    }
    HelmParts {
        values_files,
        values,
        values_docs,
        options,
    }
}

/// `valuesObject` (a mapping, which wins) or `values` (a YAML string), and the same as
/// positioned trees to read as values when the chart is not rendered.
fn inline_values(
    app: &App<'_>,
    helm: &Tree,
    diagnostics: &mut Vec<Diagnostic>,
) -> (Map, Vec<Tree>) {
    if let Some(object) = set(helm, "valuesObject") {
        if !object.is_map() {
            diagnostics.push(error(
                Code::ChartUnrenderable,
                &object.at,
                format!(
                    "`helm.valuesObject` of {} is not a mapping, so Helm cannot read it as values; it was left out",
                    app.label
                ),
            ));
            return (Map::new(), Vec::new());
        }
        return match tree_values(object) {
            Ok(map) => (map, vec![object.clone()]),
            Err(err) => {
                diagnostics.push(error(
                    Code::ChartUnrenderable,
                    &object.at,
                    format!(
                        "`helm.valuesObject` of {} cannot be read as Helm values ({err}); it was left out",
                        app.label
                    ),
                ));
                (Map::new(), vec![object.clone()])
            }
        };
    }
    let Some(values) = set(helm, "values") else {
        return (Map::new(), Vec::new());
    };
    let Some(text) = values.str() else {
        diagnostics.push(error(
            Code::ArgoRefused,
            &values.at,
            format!(
                "`helm.values` of {} is not a string (Argo CD's `values` is YAML text; a mapping belongs in `valuesObject`); it was left out",
                app.label
            ),
        ));
        return (Map::new(), Vec::new());
    };
    if text.trim().is_empty() {
        return (Map::new(), Vec::new());
    }
    let docs = positioned(values);
    match helm_render::yaml::decode_values(text) {
        Ok(map) => (map, docs),
        Err(err) => {
            diagnostics.push(error(
                Code::ChartUnrenderable,
                &values.at,
                format!(
                    "`helm.values` of {} cannot be read as Helm reads a values file ({err}); it was left out (Argo CD refuses the render)",
                    app.label
                ),
            ));
            (Map::new(), docs)
        }
    }
}

/// The mappings of a YAML string of a manifest, at their lines there ([`positioned_any`]).
fn positioned(tree: &Tree) -> Vec<Tree> {
    positioned_any(tree)
        .into_iter()
        .filter(Tree::is_map)
        .collect()
}

/// `parameters` as Helm flags: `forceString` ones as `--set-string`, the others as `--set`,
/// one per name (the last wins, as in Argo CD's maps), each value substituted and its commas
/// escaped as Argo CD escapes them (`cleanSetParameters`).
fn parameters(
    app: &App<'_>,
    helm: &Tree,
    env: &Env,
    diagnostics: &mut Vec<Diagnostic>,
) -> Vec<(SetKind, String)> {
    let mut flags: Vec<(SetKind, String, String, At)> = Vec::new();
    for parameter in helm.get("parameters").map(Tree::items).unwrap_or(&[]) {
        let name = text(parameter, "name");
        if name.is_empty() {
            continue;
        }
        let value = parameter
            .get("value")
            .and_then(Tree::text)
            .unwrap_or("")
            .to_owned();
        let kind = if truthy(parameter.get("forceString")) {
            SetKind::String
        } else {
            SetKind::Set
        };
        let flag = format!("{name}={}", clean_set_parameter(&env.subst(&value)));
        match flags
            .iter_mut()
            .find(|(k, n, _, _)| *k == kind && *n == name)
        {
            Some(slot) => slot.2 = flag,
            None => flags.push((kind, name, flag, parameter.at.clone())),
        }
    }
    let mut out = Vec::new();
    for (kind, _, flag, at) in flags {
        let mode = match kind {
            SetKind::String => strvals::Kind::String,
            _ => strvals::Kind::Set,
        };
        // Checked on its own: Helm refuses a render whose flags do not parse.
        if let Err(err) = strvals::parse_into(&flag, &Map::new(), mode) {
            diagnostics.push(error(
                Code::ChartUnrenderable,
                &at,
                format!(
                    "the parameter {} of {} cannot be parsed as Helm parses `--set` ({err}); it was left out (Argo CD refuses the render)",
                    quoted(&flag),
                    app.label
                ),
            ));
            continue;
        }
        out.push((kind, flag));
    }
    out
}

/// Argo CD's `cleanSetParameters`: a comma not after a backslash is escaped, so that a value
/// stays one value, unless the value is a `{...}` list.
fn clean_set_parameter(value: &str) -> String {
    if value.starts_with('{') && value.ends_with('}') {
        return value.to_owned();
    }
    let mut out = String::with_capacity(value.len());
    let mut previous = '\0';
    for c in value.chars() {
        if c == ',' && previous != '\\' {
            out.push_str("\\,");
        } else {
            out.push(c);
        }
        previous = c;
    }
    out
}

/// Whether a values file entry is a URL (Go's `url.Parse` finds a scheme): its scheme.
fn url_scheme(entry: &str) -> Option<&str> {
    let (scheme, _) = entry.split_once(':')?;
    let mut chars = scheme.chars();
    let first = chars.next()?;
    (first.is_ascii_alphabetic()
        && chars.all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.')))
    .then_some(scheme)
}

/// `valueFiles`, resolved as `getResolvedValueFiles` resolves them: `$<ref>/file` in the
/// repository of the source with that `ref`, `/file` from the top of the source's own
/// repository, anything else from the chart's folder; each file once, in order.
fn values_files(
    context: &Context<'_>,
    helm: &Tree,
    base: &Base<'_>,
    env: &Env,
    diagnostics: &mut Vec<Diagnostic>,
) -> Vec<ValuesFile> {
    let app = context.app;
    let optional = truthy(helm.get("ignoreMissingValueFiles"));
    let mut files = Vec::new();
    let mut seen_paths: Vec<PathBuf> = Vec::new();
    let mut seen_names: Vec<String> = Vec::new();
    for entry in helm.get("valueFiles").map(Tree::items).unwrap_or(&[]) {
        let Some(raw) = entry.text() else {
            continue;
        };
        let at = &entry.at;
        let shown = quoted(raw);
        if url_scheme(raw).is_none() && raw.contains(['*', '?', '[']) {
            diagnostics.push(warning(
                Code::ArgoNotApplied,
                at,
                format!(
                    "the values file {shown} of {} is a glob pattern, which imgsift does not expand; values its files would set are missing from the render",
                    app.label
                ),
            ));
            continue;
        }
        // A `$name/...` entry names the source with `ref: name`; without one, Argo CD reads it
        // as an ordinary path (its `$name` substituted like any variable).
        let referenced = raw.strip_prefix('$').and_then(|rest| {
            let (name, tail) = rest.split_once('/').unwrap_or((rest, ""));
            context
                .refs
                .iter()
                .find(|(r, _)| r == name)
                .map(|(_, source)| (*source, tail))
        });
        let resolved = match referenced {
            Some((source, tail)) => {
                // The file is in the ref source's repository, looked up in the scanned tree as
                // every path source is.
                let tail = env.subst(tail);
                match app.root {
                    Some(root) => in_repository(&root.given, &tail).map(Some),
                    None => {
                        diagnostics.push(error(
                            Code::ArgoValuesFile,
                            at,
                            format!(
                                "the values file {shown} of {} is in the repository {}, but the object was not found under a folder named on the command line, so it cannot be looked up (scan the repository's folder to include it); it was left out",
                                app.label,
                                Printable(&text(source, "repoURL"))
                            ),
                        ));
                        continue;
                    }
                }
            }
            None => {
                let entry_text = env.subst(raw);
                if let Some(scheme) = url_scheme(&entry_text) {
                    let (code, what) =
                        if matches!(scheme.to_ascii_lowercase().as_str(), "http" | "https") {
                            (
                                Code::ArgoNotApplied,
                                "a remote file, which imgsift does not fetch",
                            )
                        } else {
                            (Code::ArgoRefused, "a URL of a scheme Argo CD refuses")
                        };
                    let message = format!(
                        "the values file {shown} of {} is {what}; values it would set are missing from the render",
                        app.label
                    );
                    diagnostics.push(if code == Code::ArgoRefused {
                        error(code, at, message)
                    } else {
                        warning(code, at, message)
                    });
                    continue;
                }
                match base {
                    Base::Folder { folder, root } => {
                        if entry_text.starts_with('/') {
                            in_repository(root, &entry_text).map(Some)
                        } else {
                            let relative = folder
                                .strip_prefix(root)
                                .unwrap_or(Path::new(""))
                                .join(&entry_text);
                            in_repository(root, &relative.to_string_lossy()).map(Some)
                        }
                    }
                    Base::Chart => match clean_relative(entry_text.trim_start_matches('/')) {
                        Some(inside) => {
                            let name = inside.to_string_lossy().into_owned();
                            if !seen_names.contains(&name) {
                                seen_names.push(name.clone());
                                files.push(ValuesFile::InChart {
                                    path: name,
                                    optional,
                                    at: at.clone(),
                                });
                            }
                            Ok(None)
                        }
                        None => Err(Unusable::Outside(
                            "leads out of the chart through `..`".to_owned(),
                        )),
                    },
                    Base::Unknown => Ok(None),
                }
            }
        };
        let path = match resolved {
            Ok(Some(path)) => path,
            Ok(None) => continue,
            Err(Unusable::Outside(why)) | Err(Unusable::Unavailable(why)) => {
                diagnostics.push(error(
                    Code::ArgoOutside,
                    at,
                    format!(
                        "the values file {shown} of {} {why}; Argo CD refuses it, and it was not read",
                        app.label
                    ),
                ));
                continue;
            }
        };
        if seen_paths.contains(&path) {
            continue;
        }
        seen_paths.push(path.clone());
        let Some(root) = app.root else {
            continue;
        };
        let display = path.to_string_lossy().into_owned();
        match read_in_root(&path, root) {
            Ok(text) => match helm_render::yaml::decode_values(&text) {
                Ok(map) => files.push(ValuesFile::Read(map)),
                Err(err) => diagnostics.push(error(
                    Code::ArgoValuesFile,
                    at,
                    format!(
                        "the values file {shown} of {} ({}) cannot be read as Helm reads a values file ({err}); it was left out",
                        app.label,
                        Printable(&display)
                    ),
                )),
            },
            Err(Unread::Missing) => {
                if !optional {
                    diagnostics.push(error(
                        Code::ArgoValuesFile,
                        at,
                        format!(
                            "the values file {shown} of {} is not in the scanned tree (looked for at {}); it was left out (Argo CD refuses the render unless `ignoreMissingValueFiles` is set)",
                            app.label,
                            Printable(&display)
                        ),
                    ));
                }
            }
            Err(Unread::Outside(target)) => diagnostics.push(error(
                Code::ArgoOutside,
                at,
                format!(
                    "the values file {shown} of {} is a symbolic link to {}, outside the scanned folder; Argo CD refuses it, and it was not read",
                    app.label,
                    Printable(&target.to_string_lossy())
                ),
            )),
            Err(Unread::Failed(why)) => diagnostics.push(error(
                Code::ArgoValuesFile,
                at,
                format!(
                    "the values file {shown} of {} ({}) cannot be read: {why}; it was left out",
                    app.label,
                    Printable(&display)
                ),
            )),
        }
    }
    files
}

/// A path of the repository whose top is `root` (a leading `/` is the top, as Argo CD reads
/// it), refused when `..` leads out of it.
fn in_repository(root: &Path, path: &str) -> Result<PathBuf, Unusable> {
    match clean_relative(path.trim_start_matches('/')) {
        Some(relative) => Ok(root.join(relative)),
        None => Err(Unusable::Outside(
            "leads out of the repository through `..`".to_owned(),
        )),
    }
}

/// `kustomize.images` as kustomize entries: what `kustomize edit set image` writes for each
/// (`[old=]new[:tag][@digest]`, `*` keeping what the kustomization says), one per name, the
/// last winning, in name order as the edit writes them.
fn kustomize_images(
    app: &App<'_>,
    source: &Tree,
    env: &Env,
    diagnostics: &mut Vec<Diagnostic>,
) -> Vec<ImageEntry> {
    let mut parsed: Vec<(String, String, String, String, String)> = Vec::new();
    let list = source
        .get_path(&["kustomize", "images"])
        .map(Tree::items)
        .unwrap_or(&[]);
    for item in list {
        let Some(written) = item.text() else {
            continue;
        };
        let substituted = env.subst(written);
        let Some((name, new_name, tag, digest)) = parse_set_image(&substituted) else {
            diagnostics.push(error(
                Code::ArgoRefused,
                &item.at,
                format!(
                    "the kustomize image {} of {} is not in a form `kustomize edit set image` takes ([old=]new[:tag][@digest], with a tag or digest when there is no `=`); Argo CD fails to build the source, and imgsift leaves it out",
                    quoted(written),
                    app.label
                ),
            ));
            continue;
        };
        // The step after it names the Application.
        let label = format!(
            "kustomize.images {} ({}:{})",
            quoted(&substituted),
            item.at.file,
            item.at.line
        );
        parsed.retain(|p| p.0 != name);
        parsed.push((name, new_name, tag, digest, label));
    }
    parsed.sort_by(|a, b| a.0.cmp(&b.0));
    let mut entries = Vec::new();
    for (name, new_name, tag, digest, label) in parsed {
        let entry = ImageEntry::new(&name, &new_name, &tag, &digest, label);
        if !entry.is_valid() {
            diagnostics.push(warning(
                Code::Pattern,
                &source.at,
                format!(
                    "the kustomize image name {} of {} is not a pattern kustomize can match; it changes nothing",
                    quoted(&name),
                    app.label
                ),
            ));
            continue;
        }
        entries.push(entry);
    }
    entries
}

/// kustomize's `edit set image` argument: (name, new name, new tag, digest).
fn parse_set_image(arg: &str) -> Option<(String, String, String, String)> {
    let (key, value) = match arg.split_once('=') {
        Some((key, value)) => (key, value),
        None => ("", arg),
    };
    let (name, tag, digest) = split_image(value);
    if name == arg {
        return None;
    }
    // `*` keeps what the kustomization says: applied after the build, that is no change.
    let keep = |s: &str| {
        if s == "*" {
            String::new()
        } else {
            s.to_owned()
        }
    };
    if key.is_empty() {
        Some((name.to_owned(), String::new(), keep(tag), keep(digest)))
    } else {
        Some((key.to_owned(), keep(name), keep(tag), keep(digest)))
    }
}

/// kustomize's `image.Split`: name, tag and digest, a registry's port not taken for a tag.
fn split_image(image: &str) -> (&str, &str, &str) {
    let offset = match image.find('/') {
        Some(slash) if slash > 0 => slash,
        _ => 0,
    };
    let search = image.get(offset..).unwrap_or("");
    let at = search.find('@').map(|i| i + offset);
    let colon = search.find(':').map(|i| i + offset);
    let part = |from: usize, to: usize| image.get(from..to).unwrap_or("");
    match (colon, at) {
        (None, None) => (image, "", ""),
        (Some(colon), Some(at)) if colon < at => (
            part(0, colon),
            part(colon + 1, at),
            part(at + 1, image.len()),
        ),
        (_, Some(at)) => (part(0, at), "", part(at + 1, image.len())),
        (Some(colon), None) => (part(0, colon), part(colon + 1, image.len()), ""),
    }
}

// ---------------------------------------------------------------------------------------------
// ApplicationSets

/// The generators an ApplicationSet may hold, and what their Applications depend on.
const GENERATORS: &[(&str, &str)] = &[
    ("list", ""),
    ("clusters", "the clusters registered in Argo CD"),
    (
        "git",
        "the files or folders of a Git repository at sync time",
    ),
    ("scmProvider", "the repositories of an SCM organisation"),
    ("pullRequest", "the open pull requests of a repository"),
    ("clusterDecisionResource", "a cluster-decision resource"),
    (
        "matrix",
        "combinations of other generators, which imgsift does not expand",
    ),
    (
        "merge",
        "merges of other generators, which imgsift does not expand",
    ),
    ("plugin", "a generator plugin"),
];

fn application_set(
    found: &Found,
    budget: &mut Budget,
    diagnostics: &mut Vec<Diagnostic>,
    out: &mut Vec<Release>,
) {
    let Some(spec) = found.tree.get("spec") else {
        return;
    };
    let label = found.label();
    let root = Root::of(found);
    if let Some(patch) = set(spec, "templatePatch") {
        diagnostics.push(warning(
            Code::ArgoNotApplied,
            &patch.at,
            format!(
                "the `templatePatch` of {label} is not applied; what it changes in the generated Applications is missing"
            ),
        ));
    }
    let go = truthy(spec.get("goTemplate"));
    let missing_key = spec
        .get("goTemplateOptions")
        .map(Tree::items)
        .unwrap_or(&[])
        .iter()
        .filter_map(Tree::text)
        .filter_map(|o| o.strip_prefix("missingkey="))
        .next_back()
        .map_or(MissingKey::Default, |mode| match mode {
            "error" => MissingKey::Error,
            "zero" => MissingKey::Zero,
            _ => MissingKey::Default,
        });
    let templater = Templater::new(go, missing_key);
    let mut rendered_once = false;
    for (index, generator) in spec
        .get("generators")
        .map(Tree::items)
        .unwrap_or(&[])
        .iter()
        .enumerate()
    {
        let Some((kind, body)) = generator
            .entries()
            .iter()
            .find(|(key, value)| key != "selector" && !value.is_null())
        else {
            continue;
        };
        let where_ = format!("`{kind}` generator (spec.generators[{index}])");
        let mut template = spec
            .get("template")
            .cloned()
            .unwrap_or_else(|| Tree::map(generator.at.clone()));
        if let Some(own) = set(body, "template") {
            // A generator's own template overrides the ApplicationSet's, field by field.
            merge_patch(&mut template, own);
        }
        if kind == "list" {
            if let Some(selector) = set(generator, "selector") {
                diagnostics.push(warning(
                    Code::ArgoNotApplied,
                    &selector.at,
                    format!(
                        "the `selector` of the {where_} of {label} is not applied: every element was rendered"
                    ),
                ));
            }
            let mut elements: Vec<Tree> = body
                .get("elements")
                .map(Tree::items)
                .unwrap_or(&[])
                .to_vec();
            if let Some(yaml) = set(body, "elementsYaml") {
                for doc in positioned_any(yaml) {
                    elements.extend(doc.items().iter().cloned());
                }
            }
            for (number, element) in elements.iter().enumerate() {
                if !spend(budget, &template, &label, &element.at, diagnostics) {
                    return;
                }
                let params = match Params::of(element, go) {
                    Ok(params) => params,
                    Err(why) => {
                        diagnostics.push(error(
                            Code::ArgoRefused,
                            &element.at,
                            format!(
                                "element {number} of the {where_} of {label} {why}; Argo CD refuses it, and no Application was made of it"
                            ),
                        ));
                        continue;
                    }
                };
                let made = templater.render(&template, &params, budget);
                let generated = match made {
                    Ok(generated) => generated,
                    Err(_) if budget.strings == 0 || budget.bytes == 0 => {
                        // Spent part way: said once, as for any Application past the budget.
                        spend(budget, &template, &label, &element.at, diagnostics);
                        return;
                    }
                    Err(why) => {
                        diagnostics.push(error(
                            Code::ArgoRefused,
                            &element.at,
                            format!(
                                "the template of {label} cannot be rendered with element {number} of its {where_}: {why}; no Application was made of it"
                            ),
                        ));
                        continue;
                    }
                };
                let name = generated
                    .get_path(&["metadata", "name"])
                    .and_then(Tree::text)
                    .unwrap_or("")
                    .to_owned();
                let app = App {
                    tree: &generated,
                    label: format!("Application {} of {label}", quoted(&name)),
                    name,
                    by: found.id(),
                    root: root.as_ref(),
                };
                application(&app, diagnostics, out);
            }
        } else {
            if rendered_once {
                continue;
            }
            let what = GENERATORS
                .iter()
                .find(|(k, _)| k == kind)
                .map_or("data of a generator imgsift does not know", |(_, w)| *w);
            let sources = template.get("spec").map(|spec| {
                [spec.get("source"), spec.get("sources")]
                    .into_iter()
                    .flatten()
                    .any(has_placeholder)
            });
            if sources != Some(false) {
                diagnostics.push(warning(
                    Code::ArgoNotApplied,
                    &generator.at,
                    format!(
                        "the {where_} of {label} makes its Applications from {what}, which imgsift does not have offline, and the template's sources hold placeholders; none was rendered (a `list` generator is expanded)"
                    ),
                ));
                continue;
            }
            // The sources are the same whatever the generator makes: rendered once, with the
            // ApplicationSet's name where the name is a placeholder.
            if !spend(budget, &template, &label, &generator.at, diagnostics) {
                return;
            }
            rendered_once = true;
            let mut generated = template;
            settle(&mut generated, &found.name());
            let name = generated
                .get_path(&["metadata", "name"])
                .and_then(Tree::text)
                .unwrap_or("")
                .to_owned();
            let app = App {
                tree: &generated,
                label: format!("the template of {label}"),
                name,
                by: found.id(),
                root: root.as_ref(),
            };
            application(&app, diagnostics, out);
        }
    }
}

/// Takes one generated Application from the run's budget; `false` (once reported) when the
/// budget is spent.
fn spend(
    budget: &mut Budget,
    template: &Tree,
    label: &str,
    at: &At,
    diagnostics: &mut Vec<Diagnostic>,
) -> bool {
    let cost = template.count();
    if cost > budget.nodes || budget.strings == 0 || budget.bytes == 0 {
        if !budget.reported {
            budget.reported = true;
            diagnostics.push(error(
                Code::ArgoRefused,
                at,
                format!(
                    "{label} makes more Applications than imgsift expands in one run ({GENERATED_NODES} nodes of Applications, {TEMPLATED_STRINGS} template strings, {TEMPLATED_BYTES} bytes written by templates); the rest were not made"
                ),
            ));
        }
        return false;
    }
    budget.nodes -= cost;
    true
}

/// Whether a string of a tree (a value or a key) still holds a template placeholder.
fn has_placeholder(tree: &Tree) -> bool {
    match &tree.node {
        Node::Scalar { text, .. } => text.contains("{{"),
        Node::Seq(items) => items.iter().any(has_placeholder),
        Node::Map(entries) => entries
            .iter()
            .any(|(key, value)| key.contains("{{") || has_placeholder(value)),
    }
}

/// A template rendered without parameters: a name that is a placeholder becomes the
/// ApplicationSet's, a destination namespace that is one is left to Helm's default.
fn settle(template: &mut Tree, set_name: &str) {
    if let Some(name) = template.get_mut("metadata").and_then(|m| m.get_mut("name")) {
        if name.text().is_some_and(|n| n.contains("{{")) {
            *name = Tree::string(set_name, name.at.clone());
        }
    }
    if let Some(namespace) = template
        .get_mut("spec")
        .and_then(|s| s.get_mut("destination"))
        .and_then(|d| d.get_mut("namespace"))
    {
        if namespace.text().is_some_and(|n| n.contains("{{")) {
            *namespace = Tree::string("", namespace.at.clone());
        }
    }
}

/// A YAML string of a manifest as documents at their lines there, whatever their shape: a
/// literal block (`|`) keeps its lines and columns; any other scalar is placed from its own
/// line.
fn positioned_any(tree: &Tree) -> Vec<Tree> {
    let Some(text) = tree.str() else {
        return Vec::new();
    };
    let indent = if matches!(tree.node, Node::Scalar { literal: true, .. }) {
        usize::try_from(tree.at.column.saturating_sub(1)).unwrap_or(0)
    } else {
        0
    };
    let mut shifted = String::with_capacity(text.len() + 64);
    for part in text.split('\n') {
        if !part.is_empty() {
            shifted.push_str(&" ".repeat(indent));
        }
        shifted.push_str(part);
        shifted.push('\n');
    }
    let Ok(docs) = crate::documents::yaml::load(&shifted, tree.at.line.max(1), &Limits::default())
    else {
        return Vec::new();
    };
    docs.iter()
        .filter_map(|doc| Some(Tree::from_doc(doc, doc.root()?, &tree.at.file)))
        .collect()
}

/// The parameters of one list element.
enum Params {
    /// fasttemplate (`goTemplate: false`): strings by name, `values.<key>` for the element's
    /// `values` mapping.
    Flat(Vec<(String, String)>),
    /// Go templates: the element as template data.
    Go(Value),
}

impl Params {
    fn of(element: &Tree, go: bool) -> Result<Params, String> {
        if !element.is_map() {
            return Err("is not a mapping".to_owned());
        }
        if go {
            return tree_values(element)
                .map(|map| Params::Go(Value::Map(map)))
                .map_err(|e| format!("cannot be read ({e})"));
        }
        let string = |tree: &Tree, key: &str| match &tree.node {
            Node::Scalar {
                text,
                kind: ScalarKind::Str,
                ..
            } => Ok(text.clone()),
            _ => Err(format!(
                "has {}, which is not a string (without `goTemplate`, every value must be one)",
                quoted(key)
            )),
        };
        let mut flat = Vec::new();
        for (key, value) in element.entries() {
            if key == "values" {
                if !value.is_map() {
                    return Err("has `values` that is not a mapping".to_owned());
                }
                for (inner, v) in value.entries() {
                    flat.push((format!("values.{inner}"), string(v, inner)?));
                }
            } else {
                flat.push((key.clone(), string(value, key)?));
            }
        }
        Ok(Params::Flat(flat))
    }
}

/// Renders Application templates as the ApplicationSet controller does: every string (and
/// mapping key) of the template, each on its own.
struct Templater {
    go: bool,
    funcs: FuncMap,
    options: ExecOptions,
}

impl Templater {
    fn new(go: bool, missing_key: MissingKey) -> Templater {
        let mut funcs = FuncMap::new();
        if go {
            // Sprig, as the controller registers it, with its own YAML functions (Helm's
            // are the same code) and `normalize`.
            funcs = gotemplate::sprig::funcs();
            let mut helm = FuncMap::new();
            helm_render::data_funcs::register(&mut helm);
            for name in ["toYaml", "fromYaml", "fromYamlArray"] {
                if let Some(f) = helm.get(name) {
                    funcs.insert(name, f.clone());
                }
            }
            funcs.add(
                "normalize",
                gotemplate::Signature::new(
                    vec![gotemplate::Type::String],
                    gotemplate::Type::String,
                ),
                |_, args| {
                    let name = args.first().and_then(Value::as_str).unwrap_or("");
                    Ok(Value::from(normalize(name)))
                },
            );
        }
        Templater {
            go,
            funcs,
            options: ExecOptions {
                missing_key,
                max_output_bytes: TEMPLATE_OUTPUT,
                max_depth: 100,
                max_steps: TEMPLATE_STEPS,
                seed: Some(0x6172_676f_6364),
            },
        }
    }

    fn render(
        &self,
        template: &Tree,
        params: &Params,
        budget: &mut Budget,
    ) -> Result<Tree, String> {
        let node = match &template.node {
            Node::Scalar {
                text,
                kind: ScalarKind::Str,
                literal,
            } if text.contains("{{") => Node::Scalar {
                text: self.replace(text, params, budget)?,
                kind: ScalarKind::Str,
                literal: *literal,
            },
            Node::Scalar { .. } => template.node.clone(),
            Node::Seq(items) => Node::Seq(
                items
                    .iter()
                    .map(|item| self.render(item, params, budget))
                    .collect::<Result<_, _>>()?,
            ),
            Node::Map(entries) => {
                let mut out = Vec::with_capacity(entries.len());
                for (key, value) in entries {
                    let key = if key.contains("{{") {
                        self.replace(key, params, budget)?
                    } else {
                        key.clone()
                    };
                    out.push((key, self.render(value, params, budget)?));
                }
                Node::Map(out)
            }
        };
        Ok(Tree {
            node,
            at: template.at.clone(),
        })
    }

    fn replace(&self, text: &str, params: &Params, budget: &mut Budget) -> Result<String, String> {
        if budget.strings == 0 || budget.bytes == 0 {
            return Err("the run's budget of template strings is spent".to_owned());
        }
        budget.strings -= 1;
        let made = match params {
            Params::Go(data) if self.go => {
                let mut namespace = Namespace::new(self.funcs.clone());
                namespace
                    .add_main("template", text)
                    .map_err(|e| format!("{} does not parse: {e}", quoted(text)))?;
                namespace
                    .execute("template", data.clone(), &self.options)
                    .map_err(|e| format!("{} fails: {e}", quoted(text)))?
            }
            Params::Go(_) => text.to_owned(),
            Params::Flat(flat) => fasttemplate(text, flat)?,
        };
        budget.bytes = budget.bytes.saturating_sub(made.len());
        Ok(made)
    }
}

/// fasttemplate with Argo CD's tag function: `{{ name }}` (spaces trimmed) becomes the
/// parameter; an unknown one is left as written. Strings with no `{{...}}` on one line are
/// left alone, as the controller's `.*{{.*}}.*` test leaves them.
fn fasttemplate(text: &str, params: &[(String, String)]) -> Result<String, String> {
    let templated = text.lines().any(|line| {
        line.find("{{")
            .is_some_and(|start| line.get(start + 2..).is_some_and(|r| r.contains("}}")))
    });
    if !templated {
        return Ok(text.to_owned());
    }
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(start) = rest.find("{{") {
        out.push_str(rest.get(..start).unwrap_or(""));
        let after = rest.get(start + 2..).unwrap_or("");
        let Some(end) = after.find("}}") else {
            return Err(format!("{} has a `{{{{` without its `}}}}`", quoted(text)));
        };
        let tag = after.get(..end).unwrap_or("");
        let trimmed = tag.trim();
        match params.iter().find(|(name, _)| name == trimmed) {
            Some((_, value)) if !trimmed.is_empty() => out.push_str(value),
            _ => {
                out.push_str("{{");
                out.push_str(tag);
                out.push_str("}}");
            }
        }
        rest = after.get(end + 2..).unwrap_or("");
    }
    out.push_str(rest);
    Ok(out)
}

/// The controller's `normalize` (`SanitizeName`): lower case, anything but `[-a-z0-9.]` a
/// dash, at most 253 bytes, no leading or trailing dash or dot.
fn normalize(name: &str) -> String {
    let lowered: String = name
        .to_lowercase()
        .chars()
        .map(|c| {
            if c == '-' || c == '.' || c.is_ascii_lowercase() || c.is_ascii_digit() {
                c
            } else {
                '-'
            }
        })
        .collect();
    let cut: String = lowered.chars().take(253).collect();
    cut.trim_matches(|c| c == '-' || c == '.').to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn variables_are_substituted_as_go_expands_them() {
        let env = Env(vec![("ARGOCD_APP_NAME", "web".to_owned())]);
        assert_eq!(env.subst("$ARGOCD_APP_NAME-x"), "web-x");
        assert_eq!(env.subst("${ARGOCD_APP_NAME}x"), "webx");
        assert_eq!(env.subst("pa$$word"), "pa$word");
        assert_eq!(env.subst("a$UNKNOWN/b"), "a/b");
        assert_eq!(env.subst("cost$"), "cost$");
        assert_eq!(env.subst("a${}b"), "ab");
        assert_eq!(env.subst("a$ b"), "a$ b");
        assert_eq!(env.subst("ü$ARGOCD_APP_NAME"), "üweb");
    }

    #[test]
    fn set_parameters_keep_their_commas() {
        assert_eq!(clean_set_parameter("a,b"), "a\\,b");
        assert_eq!(clean_set_parameter("a\\,b"), "a\\,b");
        assert_eq!(clean_set_parameter("{a,b}"), "{a,b}");
    }

    #[test]
    fn kustomize_images_are_parsed_as_edit_set_image_parses_them() {
        let parse = |s: &str| parse_set_image(s);
        assert_eq!(
            parse("nginx:1.25"),
            Some(("nginx".into(), "".into(), "1.25".into(), "".into()))
        );
        assert_eq!(
            parse("nginx=r.example/nginx:1.25"),
            Some((
                "nginx".into(),
                "r.example/nginx".into(),
                "1.25".into(),
                "".into()
            ))
        );
        assert_eq!(
            parse("localhost:5000/app@sha256:abc"),
            Some((
                "localhost:5000/app".into(),
                "".into(),
                "".into(),
                "sha256:abc".into()
            ))
        );
        assert_eq!(
            parse("a=b:*"),
            Some(("a".into(), "b".into(), "".into(), "".into()))
        );
        assert_eq!(parse("nginx"), None);
        assert_eq!(
            parse("old=new"),
            Some(("old".into(), "new".into(), "".into(), "".into()))
        );
    }

    #[test]
    fn images_split_as_kustomize_splits_them() {
        assert_eq!(split_image("a:1@sha256:x"), ("a", "1", "sha256:x"));
        assert_eq!(split_image("r:5000/a"), ("r:5000/a", "", ""));
        assert_eq!(split_image("r:5000/a:2"), ("r:5000/a", "2", ""));
        assert_eq!(split_image("a@sha256:x"), ("a", "", "sha256:x"));
    }

    #[test]
    fn oci_repositories_get_their_scheme() {
        assert_eq!(
            helm_repository("registry-1.docker.io/bitnamicharts"),
            "oci://registry-1.docker.io/bitnamicharts"
        );
        assert_eq!(helm_repository("oci://ghcr.io/x"), "oci://ghcr.io/x");
        assert_eq!(
            helm_repository("https://charts.x.io"),
            "https://charts.x.io"
        );
    }

    #[test]
    fn paths_are_cleaned_and_escapes_refused() {
        assert_eq!(clean_relative("a/./b/../c"), Some(PathBuf::from("a/c")));
        assert_eq!(clean_relative(""), Some(PathBuf::new()));
        assert_eq!(clean_relative("../x"), None);
        assert_eq!(clean_relative("a/../../x"), None);
        assert_eq!(clean_relative("/etc"), None);
    }

    #[test]
    fn fasttemplate_replaces_known_tags_and_keeps_the_others() {
        let params = vec![
            ("cluster".to_owned(), "dev".to_owned()),
            ("values.tag".to_owned(), "1.2".to_owned()),
        ];
        assert_eq!(
            fasttemplate("{{cluster}}-{{ values.tag }}-{{other}}", &params),
            Ok("dev-1.2-{{other}}".to_owned())
        );
        assert_eq!(
            fasttemplate("{{\ncluster}}", &params),
            Ok("{{\ncluster}}".to_owned())
        );
        assert!(fasttemplate("{{cluster}} {{x", &params).is_err());
    }

    #[test]
    fn go_templates_run_with_sprig_and_normalize() {
        let templater = Templater::new(true, MissingKey::Error);
        let data = Map::new();
        data.insert("name", Value::from("Web_App"));
        let params = Params::Go(Value::Map(data));
        let mut budget = Budget {
            nodes: 10,
            strings: 10,
            bytes: 100,
            reported: false,
        };
        assert_eq!(
            templater.replace(
                "{{ .name | normalize }}-{{ upper \"x\" }}",
                &params,
                &mut budget
            ),
            Ok("web-app-X".to_owned())
        );
        assert!(
            templater
                .replace("{{ .missing }}", &params, &mut budget)
                .is_err()
        );
        assert_eq!((budget.strings, budget.bytes), (8, 91));
    }

    #[test]
    fn merge_patch_merges_maps_and_removes_nulls() {
        let file: std::sync::Arc<str> = std::sync::Arc::from("m.yaml");
        let tree = |text: &str| {
            let docs =
                crate::documents::yaml::load(text, 1, &Limits::default()).unwrap_or_default();
            match docs
                .first()
                .and_then(|d| Some(Tree::from_doc(d, d.root()?, &file)))
            {
                Some(tree) => tree,
                None => panic!("no tree"),
            }
        };
        let mut target = tree("a: {b: 1, c: 2}\nd: [1]\n");
        merge_patch(
            &mut target,
            &tree("a: {b: null, e: 3}\nd: [2]\nf: {g: null, h: x}\n"),
        );
        let values = tree_values(&target).unwrap_or_default();
        assert_eq!(
            helm_render::yaml::to_yaml(&Value::Map(values)),
            "a:\n  c: 2\n  e: 3\nd:\n- 2\nf:\n  h: x"
        );
    }
}
