//! Helm charts as a renderer of the pipeline: a folder holding `Chart.yaml`, or a packaged
//! chart named on its own, is rendered as `helm template` renders it, and its manifests (hooks
//! included) are handed to the extractors, each node placed at the template line that wrote
//! it. The chart's `Chart.yaml` files and values files go along as sources whose images count
//! only when the render pulls them, so that what the values name but the render does not pull
//! (a disabled component) is listed apart. When a template fails, the other templates still
//! render, and the values are read as values, so a failed template never costs an image.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use super::chart::Chart;
use super::engine::Problem;
use super::manifests::Manifest;
use super::{Rendered as HelmRendered, load, render_chart, user_values};
use crate::diag::{Code, Diagnostic};
use crate::documents::{At, Limits, Tree, yaml};
use crate::inputs::Role;
use crate::inputs::chart::{METADATA_FILE, is_archive_name};
use crate::render::{Context, Document, Rendered, Renderer, Source};

/// Helm, as a [`Renderer`].
pub struct Helm;

impl Renderer for Helm {
    fn root_of(&self, file: &Path) -> Option<PathBuf> {
        if file.file_name().is_some_and(|n| n == METADATA_FILE) {
            return Some(crate::render::folder_of(file));
        }
        (is_archive_name(file) && file.is_file()).then(|| file.to_path_buf())
    }

    fn root_file(&self, root: &Path) -> Option<PathBuf> {
        if root.is_dir() {
            let file = root.join(METADATA_FILE);
            return file.is_file().then_some(file);
        }
        root.is_file().then(|| root.to_path_buf())
    }

    fn render(&self, root: &Path, context: &Context) -> Rendered {
        let options = context.helm.clone().unwrap_or_default();
        let mut out = Rendered {
            consumed: consumed(root),
            ..Rendered::default()
        };
        let display = root.to_string_lossy().into_owned();
        let at_chart = if root.is_dir() {
            format!("{display}/{METADATA_FILE}")
        } else {
            display.clone()
        };
        let chart = match load(root) {
            Ok(chart) => chart,
            Err(failure) if root.is_file() => {
                // A packaged chart that cannot be read is a damaged input, as any archive.
                out.diagnostics.push(Diagnostic::error(
                    Code::Archive,
                    &at_chart,
                    1,
                    1,
                    format!("{failure}; the chart was not read, as Helm refuses it"),
                ));
                return out;
            }
            Err(failure) => {
                out.diagnostics.push(Diagnostic::error(
                    Code::ChartUnloadable,
                    &at_chart,
                    1,
                    1,
                    format!("the chart cannot be loaded: {failure}; its values are read as values"),
                ));
                out.sources = fallback_sources(root);
                return out;
            }
        };
        let user = match user_values(&options) {
            Ok(user) => user,
            Err(failure) => {
                out.diagnostics.push(Diagnostic::error(
                    Code::ChartUnloadable,
                    &at_chart,
                    1,
                    1,
                    format!("the render values cannot be read: {failure}"),
                ));
                gotemplate::Map::new()
            }
        };
        // The user's files, read once: sources of their own, and where a traced key is set.
        let user_files: Vec<(Arc<str>, String)> = options
            .values_files
            .iter()
            .filter_map(|file| {
                let text = std::fs::read_to_string(file).ok()?;
                Some((Arc::from(file.to_string_lossy().as_ref()), text))
            })
            .collect();
        let sources_of = |chart: &Chart, unrendered_only: bool| {
            let mut sources = Vec::new();
            collect_sources(chart, unrendered_only, &mut sources);
            for (file, text) in &user_files {
                sources.push(Source {
                    file: Arc::clone(file),
                    text: text.clone(),
                    first_line: 1,
                    role: Role::Values,
                    unrendered_only,
                });
            }
            sources
        };
        let loaded = chart.clone();
        dependency_uses(&loaded, &mut out.charts);
        let mut rendered = match render_chart(chart, &user, &options) {
            Ok(rendered) => rendered,
            Err(failure) => {
                out.diagnostics.push(Diagnostic::error(
                    Code::ChartUnrenderable,
                    &at_chart,
                    1,
                    1,
                    format!(
                        "the chart cannot be rendered: {failure}; its values are read as values"
                    ),
                ));
                out.sources = sources_of(&loaded, false);
                return out;
            }
        };
        rendered.value_files = user_files.clone();
        let failed = !rendered.problems.is_empty();
        for problem in &rendered.problems {
            out.diagnostics.push(problem_diagnostic(problem, &rendered));
        }
        out.documents = documents(&rendered, &context.limits, &mut |_, _, _| true);
        // A failed template may have held images: the values stand in for it.
        out.sources = sources_of(&loaded, !failed);
        out
    }
}

/// Every file under the chart (or the archive itself): none is scanned again on its own, as
/// the render is what the chart deploys (files `.helmignore` leaves out are not the chart's).
pub(crate) fn consumed(root: &Path) -> BTreeSet<PathBuf> {
    let mut files = BTreeSet::new();
    if root.is_file() {
        if let Ok(path) = std::fs::canonicalize(root) {
            files.insert(path);
        }
        return files;
    }
    for entry in walkdir::WalkDir::new(root)
        .follow_links(false)
        .into_iter()
        .flatten()
    {
        if entry.file_type().is_file() {
            if let Ok(path) = std::fs::canonicalize(entry.path()) {
                files.insert(path);
            }
        }
    }
    files
}

/// `Chart.yaml` and `values.yaml` of the chart and of every subchart it loaded.
pub(crate) fn collect_sources(chart: &Chart, unrendered_only: bool, sources: &mut Vec<Source>) {
    for raw in &chart.raw {
        sources.push(Source {
            file: Arc::from(chart.file_display(&raw.name).as_str()),
            text: String::from_utf8_lossy(&raw.data).into_owned(),
            first_line: 1,
            role: if raw.name == METADATA_FILE {
                Role::Auto
            } else {
                Role::Values
            },
            unrendered_only,
        });
    }
    for sub in &chart.dependencies {
        collect_sources(sub, unrendered_only, sources);
    }
}

/// A chart that cannot be loaded: its top `Chart.yaml` and `values.yaml`, read as before.
fn fallback_sources(root: &Path) -> Vec<Source> {
    let mut sources = Vec::new();
    if !root.is_dir() {
        return sources;
    }
    for (name, role) in [(METADATA_FILE, Role::Auto), ("values.yaml", Role::Values)] {
        let path = root.join(name);
        if let Ok(text) = std::fs::read_to_string(&path) {
            sources.push(Source {
                file: Arc::from(path.to_string_lossy().as_ref()),
                text,
                first_line: 1,
                role,
                unrendered_only: false,
            });
        }
    }
    sources
}

pub(crate) fn problem_diagnostic(problem: &Problem, rendered: &HelmRendered) -> Diagnostic {
    let (file, line, column) = match &problem.at {
        Some((template, line, column)) => (
            rendered
                .displays
                .get(template)
                .cloned()
                .unwrap_or_else(|| template.clone()),
            *line,
            *column,
        ),
        None => (
            rendered
                .displays
                .get(&problem.template)
                .cloned()
                .unwrap_or_else(|| problem.template.clone()),
            1,
            1,
        ),
    };
    Diagnostic::error(
        Code::TemplateFailed,
        &file,
        line,
        column,
        format!(
            "{} cannot be rendered: {}; the chart's values are read as values",
            problem.template, problem.message
        ),
    )
}

/// Whether a rendered document is taken: given the manifest, its parsed document and root.
/// A kustomize build drops hooks it was told to skip and counts each document against its
/// node budget before the document becomes a tree.
pub(crate) type Admit<'a> =
    dyn FnMut(&Manifest, &crate::documents::Doc<'_>, crate::documents::NodeId) -> bool + 'a;

/// The rendered manifests and hooks as documents, each node at the template file and line
/// that wrote it (those `admit` takes).
pub(crate) fn documents(
    rendered: &HelmRendered,
    limits: &Limits,
    admit: &mut Admit<'_>,
) -> Vec<Document> {
    let mut out = Vec::new();
    let mut index_of: std::collections::BTreeMap<&str, u32> = Default::default();
    let keys = Keys::new(rendered, limits);
    // What every scalar no value printed shares.
    let none: crate::documents::Traced = crate::documents::Traced(Some(Arc::from(Vec::new())));
    for manifest in rendered
        .sorted
        .manifests
        .iter()
        .chain(&rendered.sorted.hooks)
    {
        let display = rendered
            .displays
            .get(&manifest.source)
            .cloned()
            .unwrap_or_else(|| manifest.source.clone());
        let file: Arc<str> = Arc::from(display.as_str());
        let index = index_of.entry(&manifest.source).or_insert(0);
        *index += 1;
        let Ok(docs) = yaml::load(&manifest.content, 1, limits) else {
            continue;
        };
        let Some(doc) = docs.first() else { continue };
        let Some(root) = doc.root() else { continue };
        if !admit(manifest, doc, root) {
            continue;
        }
        let mut tree = Tree::from_doc(doc, root, &file);
        let line_starts: Vec<usize> = std::iter::once(0)
            .chain(manifest.content.match_indices('\n').map(|(i, _)| i + 1))
            .collect();
        let mapped = rendered.maps.get(&manifest.source);
        if let Some(mapped) = mapped.filter(|_| !rendered.marks.is_empty()) {
            let printed = Printed {
                content: &manifest.content,
                offset: manifest.offset,
                line_starts: &line_starts,
                mapped,
                none: &none,
            };
            trace_scalars(&mut tree, &printed, &keys);
        }
        let files: std::cell::RefCell<std::collections::HashMap<String, Arc<str>>> =
            Default::default();
        place(&mut tree, &|at: &At| {
            let start = line_starts
                .get((at.line as usize).saturating_sub(1))
                .copied()?;
            let (template, line) = mapped?.line_at(manifest.offset + start)?;
            let mut files = files.borrow_mut();
            let file = files
                .entry(template.to_owned())
                .or_insert_with(|| {
                    let display = rendered
                        .displays
                        .get(template)
                        .map_or(template, |d| d.as_str());
                    Arc::from(display)
                })
                .clone();
            Some((file, line as u64))
        });
        out.push(Document {
            tree,
            file: file.clone(),
            index: *index,
        });
    }
    out
}

/// A rendered manifest as its template printed it: its text, where it starts in the
/// template's output, and the output's source map.
struct Printed<'p> {
    content: &'p str,
    offset: usize,
    line_starts: &'p [usize],
    mapped: &'p super::engine::Mapped,
    /// The trace of text no value printed.
    none: &'p crate::documents::Traced,
}

/// Gives every scalar of `tree` the values keys its text was printed from: the trace pieces
/// that start on its line at or after its column and whose text is in it.
fn trace_scalars(tree: &mut Tree, printed: &Printed<'_>, keys: &Keys<'_>) {
    match &mut tree.node {
        crate::documents::Node::Map(entries) => {
            for (_, value) in entries {
                trace_scalars(value, printed, keys);
            }
        }
        crate::documents::Node::Seq(items) => {
            for item in items {
                trace_scalars(item, printed, keys);
            }
        }
        crate::documents::Node::Scalar { text, .. } => {
            let found = traced_in(text, &tree.at, printed, keys);
            tree.at.traced = if found.is_empty() {
                printed.none.clone()
            } else {
                crate::documents::Traced(Some(found.into()))
            };
        }
    }
}

fn traced_in(
    text: &str,
    at: &At,
    printed: &Printed<'_>,
    keys: &Keys<'_>,
) -> Vec<crate::documents::ValuesKey> {
    let mut found = Vec::new();
    if text.is_empty() || printed.mapped.map.pieces().is_empty() {
        return found;
    }
    let Some(&line_start) = printed
        .line_starts
        .get((at.line as usize).saturating_sub(1))
    else {
        return found;
    };
    let line = printed.content.get(line_start..).unwrap_or_default();
    let line = line.split('\n').next().unwrap_or_default();
    let column = line
        .char_indices()
        .nth((at.column as usize).saturating_sub(1))
        .map_or(line.len(), |(i, _)| i);
    // A scalar of several lines (a block scalar holding a config) spans as many lines of the
    // output, its indicator's line included.
    let lines = text.matches('\n').count();
    let end = match lines {
        0 => line_start + line.len(),
        n => printed
            .line_starts
            .get(at.line as usize + n)
            .copied()
            .unwrap_or(printed.content.len()),
    };
    let mapped = printed.mapped;
    let from = mapped.original(printed.offset + line_start + column);
    let to = mapped.original(printed.offset + end);
    let pieces = mapped.map.pieces();
    let first = pieces.partition_point(|p| p.start < from);
    for piece in pieces.get(first..).unwrap_or_default() {
        if piece.start >= to {
            break;
        }
        let (Some(start), Some(end)) = (
            mapped.clean(piece.start).checked_sub(printed.offset),
            mapped.clean(piece.end).checked_sub(printed.offset),
        ) else {
            continue;
        };
        let Some(part) = printed.content.get(start..end) else {
            continue;
        };
        if part.is_empty() || !text.contains(part) {
            continue;
        }
        if found.len() >= MAX_KEYS_PER_SCALAR {
            break;
        }
        let line_in = printed
            .line_starts
            .partition_point(|&s| s <= start)
            .saturating_sub(at.line as usize) as u64;
        if let Some(mut key) = keys.key(piece.mark, part) {
            key.line_in = line_in;
            if !found.contains(&key) {
                found.push(key);
            }
        }
    }
    found
}

/// How many values keys one scalar keeps (a config printed whole from the values can hold
/// thousands; the images in it need a few each).
const MAX_KEYS_PER_SCALAR: usize = 4096;

/// The marks of a traced render as values keys, each placed where it is set: the user's
/// values files (last first, as the last given wins), then the chart's `values.yaml`, then a
/// subchart's for keys under its name (a parent's value for a subchart wins over the
/// subchart's own), then `Chart.yaml` for its fields.
struct Keys<'r> {
    rendered: &'r HelmRendered,
    limits: &'r Limits,
    placed: std::cell::RefCell<std::collections::HashMap<u32, Option<Placed>>>,
    docs: std::cell::RefCell<std::collections::HashMap<String, Option<yaml::Doc<'r>>>>,
}

/// Where a mark's key is set, found once per mark.
#[derive(Clone)]
struct Placed {
    key: crate::documents::path::KeyPathBuf,
    metadata: bool,
    at: Option<(Arc<str>, u64, u64)>,
    /// The length of the marked string.
    len: usize,
}

impl<'r> Keys<'r> {
    fn new(rendered: &'r HelmRendered, limits: &'r Limits) -> Keys<'r> {
        Keys {
            rendered,
            limits,
            placed: Default::default(),
            docs: Default::default(),
        }
    }

    fn key(&self, mark: u32, text: &str) -> Option<crate::documents::ValuesKey> {
        let placed = self
            .placed
            .borrow_mut()
            .entry(mark)
            .or_insert_with(|| self.place(mark))
            .clone()?;
        Some(crate::documents::ValuesKey {
            key: placed.key,
            metadata: placed.metadata,
            at: placed.at,
            text: text.to_owned(),
            whole: text.len() == placed.len,
            line_in: 0,
        })
    }

    fn place(&self, mark: u32) -> Option<Placed> {
        use super::engine::Mark;
        use crate::documents::path::{KeyPathBuf, Seg};
        match self.rendered.marks.get(mark as usize)? {
            Mark::Values(key, len) => {
                let mut at = None;
                for (file, text) in self.rendered.value_files.iter().rev() {
                    at = self.find(file, text, key.segs());
                    if at.is_some() {
                        break;
                    }
                }
                if at.is_none() {
                    at = self.in_chart(&self.rendered.chart, key.segs());
                }
                Some(Placed {
                    key: key.clone(),
                    metadata: false,
                    at,
                    len: *len,
                })
            }
            Mark::Metadata { chart, field, len } => {
                let mut found = &self.rendered.chart;
                for name in chart.split("/charts/").skip(1) {
                    found = found.dependencies.iter().find(|c| c.name() == name)?;
                }
                let segs = [Seg::key(field)];
                let at = found
                    .raw
                    .iter()
                    .find(|f| f.name == METADATA_FILE)
                    .and_then(|raw| {
                        let file = found.file_display(&raw.name);
                        let text = std::str::from_utf8(&raw.data).ok()?;
                        self.find(&file, text, &segs)
                    });
                Some(Placed {
                    key: KeyPathBuf(segs.to_vec()),
                    metadata: true,
                    at,
                    len: *len,
                })
            }
        }
    }

    /// Where `segs` is set in `chart`'s values, or a subchart's (globals too).
    fn in_chart(
        &self,
        chart: &'r Chart,
        segs: &[crate::documents::path::Seg],
    ) -> Option<(Arc<str>, u64, u64)> {
        let own = chart
            .raw
            .iter()
            .filter(|f| f.name == "values.yaml")
            .find_map(|raw| {
                let file = chart.file_display(&raw.name);
                let text = std::str::from_utf8(&raw.data).ok()?;
                self.find(&file, text, segs)
            });
        if own.is_some() {
            return own;
        }
        let first = segs.first()?.as_key()?;
        if first == "global" {
            return chart
                .dependencies
                .iter()
                .find_map(|sub| self.in_chart(sub, segs));
        }
        let sub = chart.dependencies.iter().find(|c| c.name() == first)?;
        self.in_chart(sub, segs.get(1..)?)
    }

    /// Where `segs` is in the YAML `text` of `file`: the value's line and column.
    fn find(
        &self,
        file: &str,
        text: &'r str,
        segs: &[crate::documents::path::Seg],
    ) -> Option<(Arc<str>, u64, u64)> {
        use crate::documents::path::Seg;
        let mut docs = self.docs.borrow_mut();
        let doc = docs
            .entry(file.to_owned())
            .or_insert_with(|| {
                yaml::load(text, 1, self.limits)
                    .ok()
                    .and_then(|mut docs| (!docs.is_empty()).then(|| docs.swap_remove(0)))
            })
            .as_ref()?;
        let mut node = doc.root()?;
        for seg in segs {
            node = match seg {
                Seg::Key(key) => doc.get(node, key)?,
                Seg::Index(i) => *doc.items(node).get(*i)?,
            };
        }
        let (line, column) = doc.position(node);
        Some((Arc::from(file), line, column))
    }
}

/// Moves every node of `tree` to the template position `locate` gives for its output line.
/// Where a node's output line was written from: the template file and line.
type Locate<'a> = dyn Fn(&At) -> Option<(Arc<str>, u64)> + 'a;

fn place(tree: &mut Tree, locate: &Locate<'_>) {
    if let Some((file, line)) = locate(&tree.at) {
        tree.at.file = file;
        tree.at.line = line;
    }
    match &mut tree.node {
        crate::documents::Node::Map(entries) => {
            for (_, value) in entries {
                place(value, locate);
            }
        }
        crate::documents::Node::Seq(items) => {
            for item in items {
                place(item, locate);
            }
        }
        crate::documents::Node::Scalar { .. } => {}
    }
}

/// The charts a chart's `Chart.yaml` depends on, at every level of its vendored subcharts:
/// the version `Chart.lock` pins where it pins one (what `helm dependency build` fetches), else
/// the range; found locally when the subchart is vendored under `charts/`.
pub(crate) fn dependency_uses(chart: &Chart, out: &mut Vec<crate::render::uses::ChartUse>) {
    let file = if chart.display.is_empty() {
        crate::inputs::chart::METADATA_FILE.to_owned()
    } else {
        format!(
            "{}/{}",
            chart.display.trim_end_matches('/'),
            crate::inputs::chart::METADATA_FILE
        )
    };
    for dependency in &chart.metadata.dependencies {
        let version = chart
            .locked
            .iter()
            .find(|(name, _)| *name == dependency.name)
            .map_or_else(|| dependency.version.clone(), |(_, v)| v.clone());
        let vendored = chart
            .dependencies
            .iter()
            .find(|sub| sub.metadata.name == dependency.name);
        out.push(crate::render::uses::ChartUse {
            chart: crate::render::uses::ChartRef {
                name: dependency.name.clone(),
                version,
                repository: dependency.repository.clone(),
            },
            by: format!("Chart/{}", crate::escape::Printable(&chart.metadata.name)),
            at: At::new(&Arc::from(file.as_str()), 1, 1),
            local: vendored.map(|sub| sub.display.clone()),
            values_path: Vec::new(),
        });
    }
    for sub in &chart.dependencies {
        dependency_uses(sub, out);
    }
}
