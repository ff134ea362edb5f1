//! The pipeline: inputs -> documents -> renderers -> extractors -> inventory.
//!
//! Each input is resolved to streams (`inputs/`). A folder that a renderer claims (a
//! kustomization root) is rendered and its documents extracted; the files a render consumed
//! are not scanned again on their own. Every other stream is cut into documents
//! (`documents/`) in batches; the documents of a batch are parsed and extracted in parallel
//! (rayon keeps their results in order), so one large stream uses every core. A directory's
//! files are scanned in parallel too, each into an inventory of its own, merged afterwards.
//! Memory is a batch plus the largest document, plus what the inventory keeps. Every problem
//! is a diagnostic tied to a file and position; nothing stops the scan of the other documents
//! and files.

use std::collections::{BTreeMap, BTreeSet};
use std::io::Read;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use rayon::prelude::*;

use crate::diag::{Code, Diagnostic};
use crate::documents::read::{self, Verb};
use crate::documents::split::{Batch, ParSplitter, Piece};
use crate::extract::{self, ChartInfo, ExtractOptions, Output};
use crate::inputs::chart::ChartMeta;
use crate::inputs::{self, Input, Resolved, Role, SourceFile};
use crate::inventory::Inventory;
use crate::render::{self, Context, Renderer};

/// Reports progress of long walks; the binary draws it, the library only counts.
pub trait Progress: Sync {
    /// `total` files are about to be scanned.
    fn start(&self, total: u64);
    /// One more file is done.
    fn advance(&self);
    /// The walk is over.
    fn finish(&self);
}

/// A [`Progress`] that shows nothing.
pub struct NoProgress;

impl Progress for NoProgress {
    fn start(&self, _total: u64) {}
    fn advance(&self) {}
    fn finish(&self) {}
}

/// Scans every input into an inventory (values entries not resolved yet: that needs the
/// whole run). `helm` holds the render flags of a chart named on the command line.
pub fn scan(
    inputs: &[Input],
    options: &ExtractOptions,
    helm: Option<&crate::render::helm::Options>,
    charts: &ChartOptions,
    progress: &dyn Progress,
) -> Inventory {
    let mut inventory = Inventory::new(options.keep_sources);
    let named = Context {
        limits: options.limits,
        load_restrictor: options.load_restrictor,
        helm: helm.cloned(),
    };
    for input in inputs {
        let first_object = inventory.object_count();
        let mut diagnostics = Vec::new();
        let resolved = inputs::resolve(input, &mut diagnostics);
        for diagnostic in diagnostics {
            inventory.diagnose(diagnostic);
        }
        match resolved {
            None => {}
            Some(Resolved::Single(file)) => match root_of(&file) {
                Some((root, renderer)) => {
                    let rendered = renderer.render(&root, &named);
                    extract_rendered(rendered, options, &mut inventory);
                }
                None => scan_file(&file, options, &mut inventory),
            },
            Some(Resolved::Directory(files)) => {
                let dir = match input {
                    Input::Path(path) => Some(path.as_path()),
                    _ => None,
                };
                scan_directory(files, options, dir, &named, progress, &mut inventory);
                if let Some(dir) = dir {
                    inventory.root_objects(first_object, &Arc::new(dir.to_path_buf()));
                }
            }
        }
    }
    // K3s HelmCharts are rendered once every input is scanned: a HelmChartConfig may be in
    // any file of the run. A HelmChart that a rendered chart writes is not rendered again
    // (helm-controller would, in a cluster): one round keeps the run bounded.
    let found = inventory.take_helm_charts();
    if options.keep_shapes {
        inventory.keep_chart_sources(found.iter().filter(|f| !f.config).map(|f| {
            render::objects::Found {
                kind: render::objects::Kind::K3sHelmChart,
                tree: f.tree.clone(),
                document: f.document,
                root: None,
            }
        }));
    }
    if !found.is_empty() {
        let rendered = render::k3s::render_all(found, &options.limits, &charts.store);
        extract_rendered(rendered, options, &mut inventory);
        for diagnostic in render::k3s::not_rendered(&inventory.take_helm_charts()) {
            inventory.diagnose(diagnostic);
        }
    }
    let claimed = releases(options, charts, &mut inventory);
    inventory.merge_deferred(&claimed);
    if charts.allow_missing {
        inventory.downgrade(&Code::CHART_NOT_AT_HAND);
    }
    for dir in inventory.values_dirs_without_chart() {
        if let Some(chart) = chart_beside(&dir, options) {
            inventory.add_chart(chart);
        }
    }
    inventory
}

/// Where the charts that objects of the inputs install are looked for.
#[derive(Debug, Default, Clone)]
pub struct ChartOptions {
    /// The folders of charts named with `--charts`.
    pub store: render::release::Store,
    /// A chart that is not at hand is a warning, not an error (`--allow-missing-charts`).
    pub allow_missing: bool,
}

/// Renders the releases that the Flux and Argo CD objects of the run ask for. Objects that
/// these renders write are not rendered in turn: one round keeps a run bounded.
/// Returns the folders (canonical) that releases install from the scanned tree.
fn releases(
    options: &ExtractOptions,
    charts: &ChartOptions,
    inventory: &mut Inventory,
) -> BTreeSet<PathBuf> {
    let mut claimed = BTreeSet::new();
    let (list, dropped) = inventory.take_objects();
    if list.is_empty() {
        return claimed;
    }
    if options.keep_shapes {
        use render::objects::Kind;
        inventory.keep_chart_sources(
            list.iter()
                .filter(|f| {
                    matches!(
                        f.kind,
                        Kind::HelmRepository
                            | Kind::OciRepository
                            | Kind::Application
                            | Kind::ApplicationSet
                    )
                })
                .cloned(),
        );
    }
    let mut objects = render::objects::Objects::new(list);
    objects.config_maps_dropped = dropped;
    let mut diagnostics = Vec::new();
    let mut releases = render::flux::releases(&objects, &mut diagnostics);
    releases.extend(render::argo::releases(&objects, &mut diagnostics));
    for diagnostic in diagnostics {
        inventory.diagnose(diagnostic);
    }
    for release in &releases {
        if let render::release::Location::Path(path) = &release.location {
            if let Ok(path) = std::fs::canonicalize(path) {
                claimed.insert(path);
            }
        }
    }
    // Values are reference-counted maps, bound to one thread: releases render one by one.
    for release in &releases {
        let mut out = render::Rendered::default();
        render::release::render(release, &charts.store, &options.limits, &mut out);
        inventory.add_chart_uses(vec![release.chart_use(&charts.store)]);
        extract_rendered(out, options, inventory);
    }
    let (nested, _) = inventory.take_objects();
    for object in nested {
        use render::objects::Kind;
        if matches!(
            object.kind,
            Kind::HelmRelease | Kind::Application | Kind::ApplicationSet
        ) {
            inventory.diagnose(Diagnostic::warning(
                Code::HelmChartUnpaired,
                &object.tree.at.file,
                object.tree.at.line,
                object.tree.at.column,
                format!(
                    "{} is written by a chart that another object installs; imgsift renders the objects of the scan only, so what it installs was not rendered",
                    object.label()
                ),
            ));
        }
    }
    claimed
}

/// The root to render when a file is a renderer's (a kustomization file or `Chart.yaml`: its
/// folder; a packaged chart: itself).
fn root_of(file: &SourceFile) -> Option<(PathBuf, &'static dyn Renderer)> {
    let (root, index) = render::claiming(file.path.as_ref()?)?;
    Some((root, *render::RENDERERS.get(index)?))
}

/// A root found in a walk, rendered.
struct Built {
    /// The canonical path of the file that made the folder a root.
    root_file: PathBuf,
    rendered: render::Rendered,
}

/// Scans the files of a walked directory. Its roots are rendered first; a root that another
/// root pulls in is not reported on its own (its documents are in the includer's output,
/// transformed), and no file a render read is scanned again alone.
fn scan_directory(
    files: Vec<SourceFile>,
    options: &ExtractOptions,
    named: Option<&Path>,
    context: &Context,
    progress: &dyn Progress,
    inventory: &mut Inventory,
) {
    // The folder the user named renders with the render flags; roots found below it render
    // with their defaults.
    let deeper = Context {
        limits: context.limits,
        load_restrictor: context.load_restrictor,
        helm: None,
    };
    let is_named = |root: &Path| {
        named.is_some_and(|n| std::fs::canonicalize(n).ok() == std::fs::canonicalize(root).ok())
    };
    // A folder with two root files is one root (kustomize refuses it; the first name in
    // kustomize's order is built).
    let roots: Vec<(PathBuf, usize)> = files
        .iter()
        .filter_map(|file| render::claiming(file.path.as_ref()?))
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect();
    progress.start((files.len() + roots.len()) as u64);
    let render_one = |(dir, index): &(PathBuf, usize)| {
        let renderer = render::RENDERERS.get(*index)?;
        let context = if is_named(dir) { context } else { &deeper };
        let rendered = renderer.render(dir, context);
        progress.advance();
        let root_file = renderer
            .root_file(dir)
            .and_then(|f| std::fs::canonicalize(f).ok())
            .unwrap_or_default();
        Some(Built {
            root_file,
            rendered,
        })
    };
    // Roots render outermost first, in waves by how many roots enclose them: a root whose root
    // file an enclosing render already read (a chart's vendored subcharts, a kustomize base
    // kept inside its overlay's folder) is left out without rendering it on its own, which
    // would be thrown away below and, for an umbrella chart, costs more than the chart.
    let dirs: BTreeSet<&Path> = roots.iter().map(|(dir, _)| dir.as_path()).collect();
    let depth = |dir: &Path| dir.ancestors().skip(1).filter(|a| dirs.contains(a)).count();
    let mut waves: BTreeMap<usize, Vec<&(PathBuf, usize)>> = BTreeMap::new();
    for root in &roots {
        waves.entry(depth(&root.0)).or_default().push(root);
    }
    let mut builds: Vec<Built> = Vec::new();
    for wave in waves.into_values() {
        let read: BTreeSet<&PathBuf> = builds.iter().flat_map(|b| &b.rendered.consumed).collect();
        let pending: Vec<&(PathBuf, usize)> = wave
            .into_iter()
            .filter(|(dir, index)| {
                let skip = render::RENDERERS
                    .get(*index)
                    .and_then(|r| r.root_file(dir))
                    .and_then(|f| std::fs::canonicalize(f).ok())
                    .is_some_and(|f| read.contains(&f));
                if skip {
                    progress.advance();
                }
                !skip
            })
            .collect();
        let done: Vec<Built> = pending.par_iter().filter_map(|r| render_one(r)).collect();
        builds.extend(done);
    }
    // Root A is left out when another root B read A's root file and A did not read B's (two
    // roots that include each other are a cycle, reported by both renders).
    let consumed_by = |file: &PathBuf, other: &Built| other.rendered.consumed.contains(file);
    let kept: Vec<bool> = builds
        .iter()
        .enumerate()
        .map(|(i, built)| {
            !builds.iter().enumerate().any(|(j, other)| {
                i != j
                    && consumed_by(&built.root_file, other)
                    && !consumed_by(&other.root_file, built)
            })
        })
        .collect();
    let consumed: BTreeSet<&PathBuf> = builds.iter().flat_map(|b| &b.rendered.consumed).collect();
    let remaining: Vec<SourceFile> = if consumed.is_empty() {
        files
    } else {
        files
            .into_iter()
            .filter(|file| {
                let read = file
                    .path
                    .as_ref()
                    .and_then(|p| std::fs::canonicalize(p).ok())
                    .is_some_and(|p| consumed.contains(&p));
                if read {
                    progress.advance();
                }
                !read
            })
            .collect()
    };
    let parts: Vec<Inventory> = remaining
        .par_iter()
        .map(|file| {
            let mut part = Inventory::new(options.keep_sources);
            scan_file(file, options, &mut part);
            progress.advance();
            part
        })
        .collect();
    progress.finish();
    for (built, keep) in builds.into_iter().zip(kept) {
        if keep {
            // A root's images wait until the releases of the run are known: a chart or
            // kustomization that a HelmRelease or Application installs is what it renders,
            // with its values, not the root rendered on its own. The objects the root
            // holds are needed to know the releases, and are taken at once.
            let mut part = Inventory::new(options.keep_sources);
            extract_rendered(built.rendered, options, &mut part);
            inventory.defer_root(built.root_file, part);
        }
    }
    for part in parts {
        inventory.merge(part);
    }
}

/// The images of rendered documents, with their sources (the overlay's render proof).
pub fn images_of(
    documents: Vec<render::Document>,
    options: &ExtractOptions,
) -> crate::inventory::Finished {
    let mut inventory = Inventory::new(true);
    let options = ExtractOptions {
        keep_sources: true,
        keep_shapes: false,
        ..*options
    };
    extract_rendered(
        render::Rendered {
            documents,
            ..render::Rendered::default()
        },
        &options,
        &mut inventory,
    );
    inventory.finish()
}

/// Extracts the images of a render's documents.
fn extract_rendered(
    rendered: render::Rendered,
    options: &ExtractOptions,
    inventory: &mut Inventory,
) {
    for path in &rendered.consumed {
        inventory.read_file(path);
    }
    inventory.add_chart_uses(rendered.charts);
    for diagnostic in rendered.diagnostics {
        inventory.diagnose(diagnostic);
    }
    let values: Vec<Output> = rendered
        .values
        .par_iter()
        .map(|document| {
            let doc = document.tree.into_doc();
            let mut out = Output::default();
            extract::extract_document(
                &doc,
                &document.file,
                document.index,
                *options,
                Role::Values,
                &mut out,
            );
            out
        })
        .collect();
    // The values of an object whose chart was not rendered stand in for that render.
    let mut part = Inventory::new(options.keep_sources);
    absorb(values, &mut part);
    part.stand_in();
    inventory.merge(part);
    for source in &rendered.sources {
        let mut part = Inventory::new(true);
        scan_stream_at(
            source.text.as_bytes(),
            &source.file,
            source.first_line,
            source.role,
            options,
            &mut part,
        );
        if source.unrendered_only {
            inventory.absorb_unrendered(part);
        } else {
            // Values read as they are, beside no render of them (a chart that failed, a
            // chart not at hand): they stand in for the render.
            if source.role == Role::Values {
                part.stand_in();
            }
            inventory.merge(part);
        }
    }
    let results: Vec<Output> = rendered
        .documents
        .par_iter()
        .map(|document| {
            let doc = document.tree.into_doc();
            let mut out = Output::default();
            extract::extract_document(
                &doc,
                &document.file,
                document.index,
                *options,
                Role::Manifest,
                &mut out,
            );
            out
        })
        .collect();
    absorb(results, inventory);
}

/// The chart metadata in folder `dir` on disk, when a values file was scanned without it: its
/// `appVersion` gives the values their default tags.
fn chart_beside(dir: &str, options: &ExtractOptions) -> Option<ChartInfo> {
    if dir.contains("!/") || dir == "-" {
        return None;
    }
    let folder = Path::new(if dir.is_empty() { "." } else { dir });
    let meta = ChartMeta::read_dir(folder, &options.limits)?;
    Some(ChartInfo {
        dir: dir.to_owned(),
        name: crate::inputs::chart::METADATA_FILE.to_owned(),
        app_version: meta.app_version,
    })
}

fn scan_file(file: &SourceFile, options: &ExtractOptions, inventory: &mut Inventory) {
    if let Some(path) = &file.path {
        inventory.read_file(path);
    }
    // A renderer's root file that no render consumed is still not a values file.
    let role = match &file.path {
        Some(path) if render::claiming(path).is_some() && !file.archive => Role::Manifest,
        _ => file.role,
    };
    if file.archive {
        // A packaged chart is only ever read as Helm loads it: rendered, with one loader's
        // bounds and path rules (a chart's vendored archives are read by its own render).
        if let Some((root, renderer)) = root_of(file) {
            let context = Context {
                limits: options.limits,
                helm: None,
                load_restrictor: options.load_restrictor,
            };
            extract_rendered(renderer.render(&root, &context), options, inventory);
        }
        return;
    }
    match file.open() {
        Ok(reader) => scan_stream(reader, &file.display, role, options, inventory),
        Err(err) => inventory.diagnose(Diagnostic::error(
            Code::Unreadable,
            &file.display,
            1,
            1,
            format!("cannot read this file: {}", inputs::describe_io_error(&err)),
        )),
    }
}

/// Scans one stream of YAML documents.
pub fn scan_stream(
    reader: impl Read + Send,
    file: &Arc<str>,
    role: Role,
    options: &ExtractOptions,
    inventory: &mut Inventory,
) {
    scan_stream_at(reader, file, 1, role, options, inventory);
}

/// Scans a stream of YAML documents that starts at line `first_line` of `file`.
pub fn scan_stream_at(
    reader: impl Read + Send,
    file: &Arc<str>,
    first_line: u64,
    role: Role,
    options: &ExtractOptions,
    inventory: &mut Inventory,
) {
    let mut splitter =
        ParSplitter::new(reader, options.limits.max_document_bytes).starting_at_line(first_line);
    let mut next = splitter.next_batch();
    let mut pending = Vec::new();
    loop {
        let batch = match next {
            Ok(Some(batch)) => batch,
            Ok(None) => break,
            Err(err) => {
                absorb(std::mem::take(&mut pending), inventory);
                inventory.diagnose(read::read_stopped(file, &err));
                break;
            }
        };
        if splitter.finished() {
            absorb(std::mem::take(&mut pending), inventory);
            pending = parse_batch(&batch, file, role, options);
            break;
        }
        // The results of the previous batch are merged while this one is parsed and the next
        // one cut, all on the pool's threads: with one thread the three run one after the
        // other on it, and no thread of its own reads or cuts the stream. Two batches in
        // flight bound the memory.
        let (_, (results, after)) = rayon::join(
            || absorb(std::mem::take(&mut pending), inventory),
            || {
                rayon::join(
                    || parse_batch(&batch, file, role, options),
                    || splitter.next_batch(),
                )
            },
        );
        pending = results;
        splitter.recycle(batch.buf);
        next = after;
    }
    absorb(pending, inventory);
}

fn absorb(results: Vec<Output>, inventory: &mut Inventory) {
    for result in results {
        inventory.absorb(result);
    }
}

/// Parses and extracts one batch in parallel.
fn parse_batch(
    batch: &Batch,
    file: &Arc<str>,
    role: Role,
    options: &ExtractOptions,
) -> Vec<Output> {
    batch
        .pieces
        .par_iter()
        .map(|piece| scan_piece(batch, piece, file, role, options))
        .collect()
}

/// A document that is not valid YAML still names its images on `image:` lines: they are read
/// line by line (class `text`, never in `--strict`) with a warning, so that a syntax error
/// loses nothing in silence. The error stays: the document was not parsed.
fn read_as_text(
    text: &str,
    piece: &crate::documents::split::DocPiece,
    file: &Arc<str>,
    options: &ExtractOptions,
    error: &Diagnostic,
    result: &mut Output,
) {
    let found =
        extract::text::read_lines(text, piece.first_line, file, piece.index, *options, result);
    if found == 0 {
        return;
    }
    result.diagnostics.push(Diagnostic::warning(
        Code::ReadAsText,
        file,
        error.line,
        error.column,
        format!(
            "document {} is not valid YAML, so its `image:` lines were read one by one: {found} \
             image {} found there as class `text`; fix the YAML for the rest of it to be read",
            piece.index,
            if found == 1 {
                "reference was"
            } else {
                "references were"
            },
        ),
    ));
}

fn scan_piece(
    batch: &Batch,
    piece: &Piece,
    file: &Arc<str>,
    role: Role,
    options: &ExtractOptions,
) -> Output {
    let mut result = Output::default();
    let piece = match piece {
        Piece::Doc(piece) => piece,
        Piece::TooLarge { first_line, index } => {
            result.diagnostics.push(read::too_large(
                file,
                *first_line,
                *index,
                &options.limits,
                Verb::Scanned,
            ));
            return result;
        }
    };
    let bytes = batch.bytes(piece);
    if role == Role::Auto && crate::kube::sniff_never_holds_images(bytes) {
        return result;
    }
    let parsed = read::text(bytes, piece, file, Verb::Scanned).and_then(|text| {
        let docs = match read::parse(&text, piece, file, &options.limits, Verb::Scanned) {
            Ok(docs) => docs,
            Err(error) => {
                if error.code == Code::InvalidYaml {
                    read_as_text(&text, piece, file, options, &error, &mut result);
                }
                return Err(error);
            }
        };
        for doc in &docs {
            result.diagnostics.extend(read::duplicate_keys(doc, file));
            extract::extract_document(doc, file, piece.index, *options, role, &mut result);
        }
        Ok(())
    });
    if let Err(diagnostic) = parsed {
        result.diagnostics.push(diagnostic);
    }
    result
}
