//! Releases that objects of the inputs ask for: a chart (by name, version and repository, or
//! by a folder of the scanned tree), values and release flags, rendered by imgsift's Helm
//! renderer when the chart is at hand.
//!
//! The chart of a Flux `HelmRelease` or an Argo CD `Application` lives in a repository that
//! imgsift never contacts. It is at hand when it is inside the tree the user named (an Argo
//! `path` source, a Flux `GitRepository` chart path) or in a folder of charts named with
//! `--charts DIR` ([`Store`]), as `helm pull` leaves them: a folder with `Chart.yaml` or a
//! `<name>-<version>.tgz`. When it is not, the release's inline values are read as values
//! and an error names the chart to put there (a warning with `--allow-missing-charts`).

use std::path::{Path, PathBuf};
use std::sync::Arc;

use gotemplate::{Map, Value};

use super::helm::{self as helm_render, Options, renderer};
use super::kustomize::images::{self as kimages, ImageEntry};
pub use super::uses::{ChartEntry, ChartRef, ChartUse, chart_entries};
use super::{Document, Rendered};
use crate::diag::{Code, Diagnostic};
use crate::documents::{At, Limits, Node, ScalarKind, Tree};
use crate::escape::Printable;

/// Where a release's chart is.
#[derive(Debug, Clone)]
pub enum Location {
    /// Looked up by name and version among the `--charts` folders.
    Lookup,
    /// A chart folder or archive inside the scanned tree (an Argo `path` source). A folder that
    /// is a kustomize root instead is built, with the release's image overrides.
    Path(PathBuf),
    /// A folder that is not at hand (an Argo `path` source whose object was not found under a
    /// folder named on the command line, or whose folder is not in it): what it is, for the
    /// error, after "installs". Nothing is rendered; the values are read as values.
    Unavailable(String),
}

/// A Helm values file merged before [`Release::values`] (Helm's `-f`, in order: Argo CD's
/// `valueFiles`).
#[derive(Clone)]
pub enum ValuesFile {
    /// A file already read (one of the scanned tree).
    Read(Map),
    /// A file inside the chart (Argo CD resolves a chart source's relative `valueFiles` in
    /// the chart it pulled), read once the chart is found.
    InChart {
        /// Its path inside the chart, cleaned (`values-prod.yaml`, `env/prod.yaml`).
        path: String,
        /// A missing file is skipped silently (`ignoreMissingValueFiles`).
        optional: bool,
        /// Where it is named.
        at: At,
    },
}

/// A release one object asks for.
#[derive(Clone)]
pub struct Release {
    /// The object, as provenance names it: `HelmRelease/flux-system/podinfo`.
    pub by: String,
    /// Where the object (or the part naming the chart) is written.
    pub at: At,
    /// The chart.
    pub chart: ChartRef,
    /// Where to find it.
    pub location: Location,
    /// Values files merged first, in order, before `values` (empty for most sources).
    pub values_files: Vec<ValuesFile>,
    /// The user values, merged as the controller merges them (after `values_files`; then
    /// `options.sets` apply over both, as Helm applies `--set` after every `-f`).
    pub values: Map,
    /// Release name, namespace, capabilities, CRDs.
    pub options: Options,
    /// Image overrides applied to the output (Argo CD `kustomize.images`, Flux post-renderers).
    pub images: Vec<ImageEntry>,
    /// The values as written in the object, read as values when the chart is not rendered.
    pub values_docs: Vec<Tree>,
}

impl Release {
    /// The chart this release pulls, for `imgsift charts`.
    pub fn chart_use(&self, store: &Store) -> ChartUse {
        let local = match &self.location {
            Location::Path(path) => Some(path.clone()),
            Location::Lookup => store.find(&self.chart).map(Path::to_path_buf),
            Location::Unavailable(_) => None,
        };
        ChartUse {
            chart: self.chart.clone(),
            by: self.by.clone(),
            at: self.at.clone(),
            local: local.map(|p| p.to_string_lossy().into_owned()),
            values_path: Vec::new(),
        }
    }
}

/// The folders of charts named with `--charts`, indexed by chart name.
#[derive(Debug, Default, Clone)]
pub struct Store {
    /// `(name, version, path)`, sorted.
    charts: Vec<(String, String, PathBuf)>,
    /// The folders, as given, for messages.
    dirs: Vec<PathBuf>,
}

impl Store {
    /// Indexes the charts of `dirs`: every folder holding a `Chart.yaml`, at the top or one
    /// level down (`<name>-<version>/<name>`, as kustomize keeps them), and every `.tgz`.
    pub fn open(dirs: &[PathBuf], diagnostics: &mut Vec<Diagnostic>) -> Store {
        let mut store = Store {
            charts: Vec::new(),
            dirs: dirs.to_vec(),
        };
        for dir in dirs {
            let display = dir.to_string_lossy().into_owned();
            let entries = match std::fs::read_dir(dir) {
                Ok(entries) => entries,
                Err(err) => {
                    diagnostics.push(Diagnostic::error(
                        Code::Unreadable,
                        &display,
                        1,
                        1,
                        format!(
                            "this folder of charts (--charts) cannot be read: {}",
                            crate::diag::describe_io_error(&err)
                        ),
                    ));
                    continue;
                }
            };
            let mut paths: Vec<PathBuf> =
                entries.filter_map(|e| e.ok().map(|e| e.path())).collect();
            paths.sort();
            for path in paths {
                store.add(&path, 1);
            }
        }
        store.charts.sort();
        store.charts.dedup();
        store
    }

    fn add(&mut self, path: &Path, depth: usize) {
        let Ok(meta) = std::fs::symlink_metadata(path) else {
            return;
        };
        if meta.is_dir() {
            if let Some((name, version)) =
                chart_yaml(&path.join(crate::inputs::chart::METADATA_FILE))
            {
                self.charts.push((name, version, path.to_path_buf()));
            } else if depth < 2 {
                let Ok(entries) = std::fs::read_dir(path) else {
                    return;
                };
                let mut inner: Vec<PathBuf> =
                    entries.filter_map(|e| e.ok().map(|e| e.path())).collect();
                inner.sort();
                for entry in inner {
                    if entry.is_dir() {
                        self.add(&entry, depth + 1);
                    }
                }
            }
        } else if meta.is_file() && crate::inputs::chart::is_archive_name(path) {
            // `helm pull` names an archive `<name>-<version>.tgz`; the name is matched when a
            // release asks for it (a name may hold dashes, a version too).
            let stem = path
                .file_name()
                .and_then(|n| n.to_str())
                .map(|n| n.trim_end_matches(".tgz").trim_end_matches(".tar.gz"))
                .unwrap_or("");
            self.charts
                .push((String::new(), stem.to_owned(), path.to_path_buf()));
        }
    }

    /// The chart archive of this file name (a K3s `HelmChart` that names a chart by URL).
    pub fn find_file(&self, file: &str) -> Option<&Path> {
        if file.is_empty() {
            return None;
        }
        self.charts
            .iter()
            .map(|(_, _, path)| path.as_path())
            .find(|path| path.file_name().and_then(|n| n.to_str()) == Some(file))
    }

    /// The folders searched, for messages.
    pub fn dirs(&self) -> &[PathBuf] {
        &self.dirs
    }

    /// The chart of `wanted`: the exact version, else the newest that satisfies the range (or
    /// the newest of all when no version is asked for), as Helm picks from a repository index.
    pub fn find(&self, wanted: &ChartRef) -> Option<&Path> {
        // A release that names no chart matches none, not an archive named `-1.0.tgz`.
        if wanted.name.is_empty() {
            return None;
        }
        let mut candidates: Vec<(&str, &Path)> = Vec::new();
        for (name, version, path) in &self.charts {
            if name.is_empty() {
                // An archive: `<wanted>-<version>`.
                if let Some(rest) = version.strip_prefix(&format!("{}-", wanted.name)) {
                    if rest.starts_with(|c: char| c.is_ascii_digit() || c == 'v') {
                        candidates.push((rest, path));
                    }
                }
            } else if *name == wanted.name {
                candidates.push((version, path));
            }
        }
        let exact = |v: &str| {
            v == wanted.version
                || v.trim_start_matches('v') == wanted.version.trim_start_matches('v')
        };
        if let Some((_, path)) = candidates.iter().find(|(v, _)| exact(v)) {
            return Some(path);
        }
        let range = wanted.version.trim();
        let fits =
            |v: &str| range.is_empty() || range == "*" || helm_render::semver::compatible(range, v);
        candidates
            .into_iter()
            .filter(|(v, _)| fits(v))
            .filter_map(|(v, p)| Some((gotemplate::sprig::semver::Version::parse(v).ok()?, p)))
            .max_by(|a, b| a.0.compare(&b.0))
            .map(|(_, p)| p)
    }
}

/// The name and version of a `Chart.yaml`, when it is a readable one.
fn chart_yaml(path: &Path) -> Option<(String, String)> {
    let meta = std::fs::metadata(path).ok()?;
    if !meta.is_file() || meta.len() > crate::inputs::chart::MAX_FILE_BYTES {
        return None;
    }
    let text = std::fs::read_to_string(path).ok()?;
    let map = helm_render::yaml::decode_values(&text).ok()?;
    let field = |key: &str| match map.get(key) {
        Some(Value::String(s)) => Some(s.to_string()),
        _ => None,
    };
    Some((field("name")?, field("version").unwrap_or_default()))
}

/// A subtree of a manifest as Helm values: what the controller hands Helm after the API server
/// stored the object as JSON (numbers, booleans and nulls typed by YAML 1.1, as the API
/// server's YAML reader types them).
pub fn tree_values(tree: &Tree) -> Result<Map, String> {
    let mut text = String::new();
    flow(tree, &mut text);
    match helm_render::yaml::decode_values(&text) {
        Ok(map) => Ok(map),
        Err(err) => Err(err.to_string()),
    }
}

/// A tree written as flow YAML: strings quoted as JSON, other scalars as written.
fn flow(tree: &Tree, out: &mut String) {
    match &tree.node {
        Node::Scalar { text, kind, .. } => match kind {
            ScalarKind::Str => out.push_str(&serde_json::Value::String(text.clone()).to_string()),
            ScalarKind::Null => out.push_str("null"),
            ScalarKind::Bool | ScalarKind::Number => out.push_str(text),
        },
        Node::Seq(items) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push_str(", ");
                }
                flow(item, out);
            }
            out.push(']');
        }
        Node::Map(entries) => {
            out.push('{');
            for (i, (key, value)) in entries.iter().enumerate() {
                if i > 0 {
                    out.push_str(", ");
                }
                out.push_str(&serde_json::Value::String(key.clone()).to_string());
                out.push_str(": ");
                flow(value, out);
            }
            out.push('}');
        }
    }
}

/// Renders a release into `out`: its chart's documents marked with the object that asked for
/// them, or, when the chart is not at hand or cannot be rendered, its values read as values
/// and an error saying why.
pub fn render(release: &Release, store: &Store, limits: &Limits, out: &mut Rendered) {
    let path = match &release.location {
        Location::Path(path) => Some(path.clone()),
        Location::Lookup => store.find(&release.chart).map(Path::to_path_buf),
        Location::Unavailable(what) => {
            unavailable(release, what, out);
            return;
        }
    };
    let Some(path) = path else {
        missing(release, store, out);
        return;
    };
    if path.is_dir() && !crate::inputs::chart::is_chart_dir(&path) {
        kustomize_path(release, &path, limits, out);
        return;
    }
    let display = path.to_string_lossy().into_owned();
    let chart = match helm_render::load(&path) {
        Ok(chart) => chart,
        Err(failure) => {
            out.diagnostics.push(error(
                Code::ChartUnloadable,
                &release.at,
                format!(
                    "the {} that {} installs, at {}, cannot be loaded: {failure}; it was not rendered, and its values are read as values",
                    release.chart.describe(),
                    release.by,
                    Printable(&display)
                ),
            ));
            values_fallback(release, out);
            return;
        }
    };
    let user = user_values(release, &chart, out);
    let kept = chart.clone();
    let rendered = match helm_render::render_chart(chart, &user, &release.options) {
        Ok(rendered) => rendered,
        Err(failure) => {
            out.diagnostics.push(error(
                Code::ChartUnrenderable,
                &release.at,
                format!(
                    "the chart that {} installs ({}) cannot be rendered: {failure}; its values are read as values",
                    release.by,
                    Printable(&display)
                ),
            ));
            renderer::collect_sources(&kept, false, &mut out.sources);
            values_fallback(release, out);
            return;
        }
    };
    for problem in &rendered.problems {
        out.diagnostics
            .push(renderer::problem_diagnostic(problem, &rendered));
    }
    if !rendered.problems.is_empty() {
        // A failed template may have held images: the values stand in for it.
        renderer::collect_sources(&kept, false, &mut out.sources);
        values_fallback(release, out);
    }
    // The controllers install: hooks run too, and are kept, unless the release skips them.
    let options = &release.options;
    let mut admit = |manifest: &helm_render::manifests::Manifest,
                     _: &crate::documents::Doc<'_>,
                     _: crate::documents::NodeId| {
        manifest
            .hook
            .is_none_or(|hook| !(options.no_hooks || options.skip_tests && hook.test))
    };
    for mut document in renderer::documents(&rendered, limits, &mut admit) {
        if !release.images.is_empty() {
            kimages::transform(&mut document.tree, &release.images);
        }
        document.tree.mark(&release.by);
        out.documents.push(document);
    }
}

/// A path source that is a kustomize root: built as Argo CD builds it, with its image
/// overrides applied after.
fn kustomize_path(release: &Release, path: &Path, limits: &Limits, out: &mut Rendered) {
    let context = super::Context {
        limits: *limits,
        ..super::Context::default()
    };
    let is_root = super::Renderer::root_file(&super::kustomize::Kustomize, path).is_some();
    if !is_root {
        // A folder of plain manifests: the scan reads it on its own (Argo CD applies it as
        // it is); only image overrides, which Argo applies to kustomize sources, would differ.
        return;
    }
    let built = <super::kustomize::Kustomize as super::Renderer>::render(
        &super::kustomize::Kustomize,
        path,
        &context,
    );
    out.diagnostics.extend(built.diagnostics);
    out.sources.extend(built.sources);
    for mut document in built.documents {
        if !release.images.is_empty() {
            kimages::transform(&mut document.tree, &release.images);
        }
        document.tree.mark(&release.by);
        out.documents.push(Document {
            tree: document.tree,
            file: document.file,
            index: document.index,
        });
    }
}

/// The user values of a release: its values files in order, then `values`, then the `--set`
/// flags of its options in Helm's order of kinds. A values file that cannot be used is an error
/// (Helm would refuse the render) and is left out, so the rest still renders.
fn user_values(release: &Release, chart: &helm_render::chart::Chart, out: &mut Rendered) -> Map {
    if release.values_files.is_empty() && release.options.sets.is_empty() {
        return release.values.clone();
    }
    let base = Map::new();
    for file in &release.values_files {
        match file {
            ValuesFile::Read(map) => helm_render::merge_maps(&base, map),
            ValuesFile::InChart { path, optional, at } => {
                let found = chart
                    .files
                    .iter()
                    .chain(&chart.raw)
                    .find(|f| f.name == *path);
                let Some(found) = found else {
                    if !optional {
                        out.diagnostics.push(error(
                            Code::ArgoValuesFile,
                            at,
                            format!(
                                "{} names the values file {}, which the chart ({}) does not hold; it was left out (Argo CD refuses the render unless `ignoreMissingValueFiles` is set)",
                                release.by,
                                quoted(path),
                                release.chart.describe()
                            ),
                        ));
                    }
                    continue;
                };
                let text = String::from_utf8_lossy(&found.data);
                match helm_render::yaml::decode_values(&text) {
                    Ok(map) => helm_render::merge_maps(&base, &map),
                    Err(err) => out.diagnostics.push(error(
                        Code::ArgoValuesFile,
                        at,
                        format!(
                            "the values file {} of the chart that {} installs cannot be read as Helm reads a values file ({err}); it was left out",
                            quoted(path),
                            release.by
                        ),
                    )),
                }
            }
        }
    }
    helm_render::merge_maps(&base, &release.values);
    let mut sets = release.options.sets.clone();
    // Helm applies the kinds in this order, whatever order the flags were given in.
    sets.sort_by_key(|(kind, _)| *kind);
    for (kind, text) in &sets {
        let kind = match kind {
            helm_render::SetKind::Set => helm_render::strvals::Kind::Set,
            helm_render::SetKind::String => helm_render::strvals::Kind::String,
            helm_render::SetKind::Json => helm_render::strvals::Kind::Json,
            helm_render::SetKind::Literal => helm_render::strvals::Kind::Literal,
            // No object hands a release `--set-file`: its file would be read where it is named.
            helm_render::SetKind::File => continue,
        };
        if let Err(err) = helm_render::strvals::parse_into(text, &base, kind) {
            out.diagnostics.push(error(
                Code::ChartUnrenderable,
                &release.at,
                format!(
                    "the parameter {} of {} cannot be applied to its values as Helm applies `--set` ({err}); it was left out",
                    quoted(text),
                    release.by
                ),
            ));
        }
    }
    base
}

/// The error of a folder that is not at hand, and the values read as values.
fn unavailable(release: &Release, what: &str, out: &mut Rendered) {
    out.diagnostics.push(error(
        Code::ChartNotFound,
        &release.at,
        format!(
            "{} installs {what}: imgsift renders offline and fetches nothing, so the images of what it installs are not listed (its values are read as values)",
            release.by
        ),
    ));
    values_fallback(release, out);
}

/// The error of a chart that is not at hand, and the values read as values.
fn missing(release: &Release, store: &Store, out: &mut Rendered) {
    let searched = if store.dirs().is_empty() {
        "no folder of charts was named (--charts DIR)".to_owned()
    } else {
        format!(
            "it is not in {}",
            store
                .dirs()
                .iter()
                .map(|d| Printable(&d.to_string_lossy()).to_string())
                .collect::<Vec<_>>()
                .join(", ")
        )
    };
    let dir = store
        .dirs()
        .first()
        .map_or_else(|| "DIR".to_owned(), |d| d.to_string_lossy().into_owned());
    let pull = release
        .chart
        .pull_command(&dir)
        .map(|c| format!("; `{}` puts it there", Printable(&c)))
        .unwrap_or_default();
    out.diagnostics.push(error(
        Code::ChartNotFound,
        &release.at,
        format!(
            "{} installs {}, and {searched}: imgsift renders charts offline and pulls none, so the images of its templates are not listed (its values are read as values){pull}",
            release.by,
            release.chart.describe(),
        ),
    ));
    values_fallback(release, out);
}

/// The release's values, as written in the object, read as values files.
fn values_fallback(release: &Release, out: &mut Rendered) {
    for tree in &release.values_docs {
        out.values.push(Document {
            tree: tree.clone(),
            file: Arc::clone(&tree.at.file),
            index: 1,
        });
    }
}

fn error(code: Code, at: &At, message: String) -> Diagnostic {
    Diagnostic::error(code, &at.file, at.line, at.column, message)
}

/// A name from an input in quotes, its unsafe characters escaped once (a `{:?}` of the escaped
/// text would escape its backslashes again).
pub(crate) fn quoted(text: &str) -> String {
    format!("\"{}\"", Printable(text))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tree(text: &str) -> Tree {
        let file: Arc<str> = Arc::from("m.yaml");
        let docs = crate::documents::yaml::load(text, 1, &Limits::default()).unwrap_or_default();
        let Some(doc) = docs.first() else {
            panic!("no document");
        };
        let Some(root) = doc.root() else {
            panic!("no root");
        };
        Tree::from_doc(doc, root, &file)
    }

    #[test]
    fn manifest_values_are_typed_as_the_api_server_types_them() {
        let values = tree_values(&tree(
            "a: 1\nb: \"2\"\nc: true\nd: ~\ne: [x, 1.5]\nf: {g: 'h: i'}\n",
        ))
        .unwrap_or_default();
        assert_eq!(
            helm_render::yaml::to_yaml(&Value::Map(values)),
            "a: 1\nb: \"2\"\nc: true\nd: null\ne:\n- x\n- 1.5\nf:\n  g: 'h: i'"
        );
    }

    #[test]
    fn a_version_is_matched_exactly_then_by_range_then_newest() {
        let store = Store {
            charts: vec![
                ("redis".into(), "17.0.0".into(), PathBuf::from("a")),
                ("redis".into(), "18.1.0".into(), PathBuf::from("b")),
                (String::new(), "redis-18.2.0".into(), PathBuf::from("c.tgz")),
                (
                    String::new(),
                    "redis-cluster-9.0.0".into(),
                    PathBuf::from("d.tgz"),
                ),
            ],
            dirs: Vec::new(),
        };
        let find = |version: &str| {
            store
                .find(&ChartRef {
                    name: "redis".into(),
                    version: version.into(),
                    repository: String::new(),
                })
                .map(|p| p.to_string_lossy().into_owned())
        };
        assert_eq!(find("17.0.0").as_deref(), Some("a"));
        assert_eq!(find("v17.0.0").as_deref(), Some("a"));
        assert_eq!(find("18.x").as_deref(), Some("c.tgz"));
        assert_eq!(find(">=17 <18.2").as_deref(), Some("b"));
        assert_eq!(find("").as_deref(), Some("c.tgz"));
        assert_eq!(find("19.0.0"), None);
    }
}
