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
        let sources_of = |chart: &Chart, unrendered_only: bool| {
            let mut sources = Vec::new();
            collect_sources(chart, unrendered_only, &mut sources);
            for file in &options.values_files {
                if let Ok(text) = std::fs::read_to_string(file) {
                    sources.push(Source {
                        file: Arc::from(file.to_string_lossy().as_ref()),
                        text,
                        role: Role::Values,
                        unrendered_only,
                    });
                }
            }
            sources
        };
        let loaded = chart.clone();
        dependency_uses(&loaded, &mut out.charts);
        let rendered = match render_chart(chart, &user, &options) {
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
