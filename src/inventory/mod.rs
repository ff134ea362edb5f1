//! The inventory: every image found, once, with all its sources, in a stable order.
//!
//! Findings arrive from many threads in whatever order the work finished; the inventory is the
//! point where order is restored. Images are keyed by their normalized reference in a
//! `BTreeMap`, which iterates in byte order; sources and diagnostics are sorted by file, line,
//! column and path when the inventory is finished. Nothing here depends on thread count or on
//! the order a directory listed its files.
//!
//! When the caller only needs the list of references (`-o text`), findings carry no source,
//! so a stream of any length costs memory in proportion to the number of distinct images.
//!
//! Values entries wait here until the whole run is scanned, then take their tags
//! (`resolve.rs`); when the overlay asked, each entry's resolution is handed on with the
//! values documents, so that the overlay works from what the scan found.

pub mod resolve;
pub mod rules;

use std::collections::BTreeMap;
use std::path::PathBuf;

use crate::diag::{Code, Diagnostic, Severity};
pub use crate::extract::Source;
use crate::extract::{ChartInfo, Finding, Output, ValuesDoc, ValuesEntry};
use crate::reference::Reference;
use resolve::{Resolution, Resolver, Unresolved, dir_of};

/// Sorting key of a source: file, document, line, column, path (as printed), class.
fn source_key(
    source: &Source,
) -> (
    std::sync::Arc<str>,
    u32,
    u64,
    u64,
    String,
    crate::extract::Class,
) {
    (
        std::sync::Arc::clone(&source.file),
        source.document,
        source.line,
        source.column,
        source.path.to_string(),
        source.class,
    )
}

/// Whether two sources are one place found twice (they may differ in the rule naming it).
fn same_but_rule(a: &Source, b: &Source) -> bool {
    a.file == b.file
        && a.line == b.line
        && a.column == b.column
        && a.document == b.document
        && a.object == b.object
        && a.path == b.path
        && a.class == b.class
        && a.raw == b.raw
        && a.tag_from == b.tag_from
        && a.steps == b.steps
        && a.values == b.values
}

/// One distinct image and its sources.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Image {
    /// The normalized reference.
    pub reference: Reference,
    /// Every place it was found, sorted (empty when sources are not kept).
    pub sources: Vec<Source>,
    /// Whether a manifest (not a values file or a Chart.yaml) holds it.
    pub in_manifests: bool,
}

/// Images and diagnostics gathered from any number of inputs.
#[derive(Debug, Clone, Default)]
pub struct Inventory {
    /// Whether values images keep their sources (findings say for themselves).
    keep_sources: bool,
    images: BTreeMap<String, Image>,
    diagnostics: Vec<Diagnostic>,
    /// Values entries, resolved when the inventory is finished.
    values: Vec<ValuesEntry>,
    charts: Vec<ChartInfo>,
    values_docs: Vec<ValuesDoc>,
    /// Files read (on disk), so that outputs never replace one.
    files: Vec<PathBuf>,
    /// Images a rendered chart declares (Chart.yaml annotations) that count only if the
    /// render pulls them.
    unrendered: Vec<Finding>,
    /// K3s `HelmChart`s and `HelmChartConfig`s, rendered once the whole run is scanned.
    helm_charts: Vec<crate::render::k3s::Found>,
    /// Flux and Argo CD objects and ConfigMaps, for the releases rendered once the run is
    /// scanned.
    objects: Vec<crate::render::objects::Found>,
    /// Bytes of ConfigMaps kept in `objects`, and whether one was dropped past the budget.
    config_map_bytes: u64,
    config_maps_dropped: bool,
    /// Namespace and name of each ConfigMap kept: a release reads the first of a name (a
    /// cluster keeps one), so a later one of the same name is not kept, and a stream that
    /// repeats its objects holds each once.
    config_map_names: std::collections::HashSet<(String, String)>,
    /// The charts that the inputs pull (`imgsift charts`).
    chart_uses: Vec<crate::render::uses::ChartUse>,
    /// The objects that name chart repositories, for `overlay --charts-registry`.
    chart_sources: Vec<crate::render::objects::Found>,
    /// What the roots of walked folders render on their own, by their root file (canonical),
    /// merged once the run's releases are known.
    deferred: Vec<(PathBuf, Inventory)>,
}

/// An image that a rendered chart's values or metadata name but its render does not pull
/// (a disabled component): what switching it on would add.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unrendered {
    /// The normalized reference.
    pub reference: Reference,
    /// Where it is named.
    pub source: Source,
}

impl Inventory {
    /// An empty inventory; `keep_sources` says whether the images that values entries
    /// resolve to keep their sources (as findings do when extraction keeps them).
    pub fn new(keep_sources: bool) -> Inventory {
        Inventory {
            keep_sources,
            ..Inventory::default()
        }
    }

    /// Adds one finding.
    pub fn add(&mut self, finding: Finding) {
        let key = finding.reference.to_string();
        let image = self.images.entry(key).or_insert_with(|| Image {
            reference: finding.reference.clone(),
            sources: Vec::new(),
            in_manifests: false,
        });
        image.in_manifests |= finding.class.is_manifest();
        if let Some(source) = finding.source {
            image.sources.push(source);
        }
    }

    /// Adds everything extraction produced for one document.
    pub fn absorb(&mut self, output: Output) {
        for finding in output.findings {
            self.add(finding);
        }
        self.diagnostics.extend(output.diagnostics);
        self.values.extend(output.values);
        self.charts.extend(output.charts);
        self.values_docs.extend(output.values_docs);
        self.helm_charts.extend(output.helm_charts);
        self.config_maps_dropped |= output.config_maps_dropped;
        self.keep_objects(output.objects);
        self.chart_uses.extend(output.chart_uses);
    }

    /// Keeps chart-source objects, ConfigMaps within the run's budget.
    fn keep_objects(&mut self, objects: Vec<crate::render::objects::Found>) {
        use crate::render::objects::{CONFIG_MAP_BUDGET, Kind, text_size};
        for object in objects {
            if object.kind == Kind::ConfigMap {
                if !self
                    .config_map_names
                    .insert((object.namespace(), object.name()))
                {
                    continue;
                }
                let size = text_size(&object.tree);
                if self.config_map_bytes.saturating_add(size) > CONFIG_MAP_BUDGET {
                    self.config_maps_dropped = true;
                    continue;
                }
                self.config_map_bytes += size;
            }
            self.objects.push(object);
        }
    }

    /// Takes the Flux and Argo CD objects and ConfigMaps collected so far, and whether a
    /// ConfigMap was left out past the budget.
    pub fn take_objects(&mut self) -> (Vec<crate::render::objects::Found>, bool) {
        self.config_map_bytes = 0;
        self.config_map_names.clear();
        (
            std::mem::take(&mut self.objects),
            std::mem::take(&mut self.config_maps_dropped),
        )
    }

    /// Gives the objects collected since `from` the folder the user named.
    pub fn root_objects(&mut self, from: usize, root: &std::sync::Arc<std::path::PathBuf>) {
        for object in self.objects.iter_mut().skip(from) {
            object.root = Some(std::sync::Arc::clone(root));
        }
    }

    /// How many objects are kept.
    pub fn object_count(&self) -> usize {
        self.objects.len()
    }

    /// Notes the charts a render or a release pulls.
    pub fn add_chart_uses(&mut self, uses: Vec<crate::render::uses::ChartUse>) {
        self.chart_uses.extend(uses);
    }

    /// Keeps what a root of a walked folder rendered, apart until the releases of the run are
    /// known; its chart-source objects join the run at once.
    pub fn defer_root(&mut self, root_file: PathBuf, mut part: Inventory) {
        let (objects, dropped) = part.take_objects();
        self.config_maps_dropped |= dropped;
        self.keep_objects(objects);
        self.helm_charts.append(&mut part.helm_charts);
        self.deferred.push((root_file, part));
    }

    /// Merges the deferred roots, but for those whose folder a release installs (`claimed`:
    /// canonical folders): the release's render stands for them. The files they read are
    /// still noted, so that no output replaces one.
    pub fn merge_deferred(&mut self, claimed: &std::collections::BTreeSet<PathBuf>) {
        for (root_file, part) in std::mem::take(&mut self.deferred) {
            // A packaged chart is its own root; a folder's root file names the folder.
            let root = if crate::inputs::chart::is_archive_name(&root_file) {
                Some(root_file.clone())
            } else {
                root_file.parent().map(std::path::Path::to_path_buf)
            };
            if root.is_some_and(|f| claimed.contains(&f)) {
                self.files.extend(part.files);
                continue;
            }
            self.merge(part);
        }
    }

    /// Marks every values entry as standing in for a render that did not happen.
    pub fn stand_in(&mut self) {
        for entry in &mut self.values {
            entry.stands_in = true;
        }
    }

    /// Keeps objects that name chart repositories, for `overlay --charts-registry`.
    pub fn keep_chart_sources(
        &mut self,
        objects: impl IntoIterator<Item = crate::render::objects::Found>,
    ) {
        self.chart_sources.extend(objects);
    }

    /// The charts the inputs pull, as noted.
    pub fn chart_uses(&self) -> &[crate::render::uses::ChartUse] {
        &self.chart_uses
    }

    /// Takes the images and values entries of a rendered chart's own files (values,
    /// `Chart.yaml`): they are images only when the render pulls them, else listed apart.
    pub fn absorb_unrendered(&mut self, other: Inventory) {
        for image in other.images.into_values() {
            for source in image.sources {
                self.unrendered.push(Finding {
                    reference: image.reference.clone(),
                    class: source.class,
                    source: Some(source),
                });
            }
        }
        self.diagnostics.extend(other.diagnostics);
        self.values
            .extend(other.values.into_iter().map(|mut entry| {
                entry.unrendered = true;
                entry
            }));
        self.charts.extend(other.charts);
        self.values_docs.extend(other.values_docs);
        self.unrendered.extend(other.unrendered);
        self.helm_charts.extend(other.helm_charts);
        self.config_maps_dropped |= other.config_maps_dropped;
        self.keep_objects(other.objects);
        self.chart_uses.extend(other.chart_uses);
    }

    /// Takes the K3s `HelmChart`s and `HelmChartConfig`s collected so far.
    pub fn take_helm_charts(&mut self) -> Vec<crate::render::k3s::Found> {
        std::mem::take(&mut self.helm_charts)
    }

    /// Notes a file that was read.
    pub fn read_file(&mut self, path: &std::path::Path) {
        self.files.push(path.to_path_buf());
    }

    /// Notes a chart found outside the scanned inputs (the Chart.yaml beside a values file).
    pub fn add_chart(&mut self, chart: ChartInfo) {
        self.charts.push(chart);
    }

    /// Folders of values files whose chart metadata was not scanned.
    pub fn values_dirs_without_chart(&self) -> Vec<String> {
        let known: std::collections::BTreeSet<&str> =
            self.charts.iter().map(|c| c.dir.as_str()).collect();
        let mut dirs: Vec<String> = self
            .values
            .iter()
            .map(|v| dir_of(&v.source.file))
            .filter(|dir| !known.contains(dir))
            .map(str::to_owned)
            .collect();
        dirs.sort();
        dirs.dedup();
        dirs
    }

    /// Adds one diagnostic.
    pub fn diagnose(&mut self, diagnostic: Diagnostic) {
        self.diagnostics.push(diagnostic);
    }

    /// Makes the errors of these codes warnings (a missing chart with
    /// `--allow-missing-charts`).
    pub fn downgrade(&mut self, codes: &[crate::diag::Code]) {
        for diagnostic in &mut self.diagnostics {
            if codes.contains(&diagnostic.code) {
                diagnostic.severity = crate::diag::Severity::Warning;
            }
        }
    }

    /// Moves everything from `other` into this inventory.
    pub fn merge(&mut self, other: Inventory) {
        for (key, image) in other.images {
            match self.images.get_mut(&key) {
                Some(existing) => {
                    existing.sources.extend(image.sources);
                    existing.in_manifests |= image.in_manifests;
                }
                None => {
                    self.images.insert(key, image);
                }
            }
        }
        self.diagnostics.extend(other.diagnostics);
        self.values.extend(other.values);
        self.charts.extend(other.charts);
        self.values_docs.extend(other.values_docs);
        self.files.extend(other.files);
        self.unrendered.extend(other.unrendered);
        self.helm_charts.extend(other.helm_charts);
        self.config_maps_dropped |= other.config_maps_dropped;
        self.keep_objects(other.objects);
        self.chart_uses.extend(other.chart_uses);
    }

    /// What values entries can take their tags from: the images of manifests, and charts.
    pub fn resolver(&self) -> Resolver {
        let mut resolver = Resolver::default();
        for image in self.images.values().filter(|i| i.in_manifests) {
            resolver.manifest_image(&image.reference);
        }
        let mut charts: Vec<&ChartInfo> = self.charts.iter().collect();
        // The first Chart.yaml of a folder wins, whatever order files were scanned in.
        charts.sort_by(|a, b| {
            (&a.dir, &a.name, &a.app_version).cmp(&(&b.dir, &b.name, &b.app_version))
        });
        for chart in charts {
            resolver.chart(&chart.dir, &chart.name, chart.app_version.clone());
        }
        resolver
    }

    /// Resolves the values entries into images, unresolved entries and diagnostics; the
    /// entries that carry a shape (for the overlay) are returned with their resolution.
    fn resolve_values(&mut self) -> (Vec<Unresolved>, Vec<(ValuesEntry, Resolution)>) {
        let resolver = self.resolver();
        let mut unresolved = Vec::new();
        let mut shaped = Vec::new();
        let mut values = std::mem::take(&mut self.values);
        values.sort_by_cached_key(|entry| source_key(&entry.source));
        values.dedup();
        for entry in values {
            let resolution = resolver.resolve(&entry);
            if entry.shape.is_some() {
                shaped.push((entry.clone(), resolution.clone()));
            }
            if entry.unrendered {
                // Resolved against what the render pulls; listed apart when it does not.
                if let Resolution::Image(reference, tag_from) = resolution {
                    let mut source = entry.source;
                    source.tag_from = tag_from;
                    self.unrendered.push(Finding {
                        reference,
                        class: source.class,
                        source: Some(source),
                    });
                }
                continue;
            }
            if !entry.counted {
                continue;
            }
            let source = &entry.source;
            match resolution {
                Resolution::Image(reference, tag_from) => {
                    if resolver.has_manifests()
                        && !entry.stands_in
                        && !resolver.in_manifests(&reference)
                    {
                        self.diagnostics.push(Diagnostic::warning(
                            Code::Unused,
                            &source.file,
                            source.line,
                            source.column,
                            format!(
                                "{}: {reference} is set here but no manifest scanned with it uses it (a disabled component, or a key the chart ignores?)",
                                source.path
                            ),
                        ));
                    }
                    let mut source = entry.source;
                    source.tag_from = tag_from;
                    self.add(Finding {
                        reference,
                        class: source.class,
                        source: self.keep_sources.then_some(source),
                    });
                }
                Resolution::Unresolved { repository, reason } => {
                    self.diagnostics.push(Diagnostic::warning(
                        Code::Unresolved,
                        &source.file,
                        source.line,
                        source.column,
                        format!(
                            "{}: {repository} has {reason}; neither one tag from the manifests scanned with it nor its chart's appVersion settles it, so it is listed as unresolved",
                            source.path
                        ),
                    ));
                    unresolved.push(Unresolved {
                        repository,
                        file: source.file.to_string(),
                        line: source.line,
                        column: source.column,
                        path: source.path.to_string(),
                        reason,
                    });
                }
                Resolution::Invalid(err) => {
                    self.diagnostics.push(Diagnostic::warning(
                        Code::NotAReference,
                        &source.file,
                        source.line,
                        source.column,
                        format!(
                            "{}: {:?} is not an image reference ({err})",
                            source.path, source.raw
                        ),
                    ));
                }
            }
        }
        (unresolved, shaped)
    }

    /// Resolves values entries, sorts sources and diagnostics and drops exact repeats (the
    /// same file given twice).
    pub fn finish(mut self) -> Finished {
        let (mut unresolved, entries) = self.resolve_values();
        unresolved.sort();
        unresolved.dedup();
        // A chart's own mention of an image its render pulls is one more source of that
        // image; a mention of one it does not pull is listed apart.
        let mut unrendered: Vec<Unrendered> = Vec::new();
        for finding in std::mem::take(&mut self.unrendered) {
            let Some(source) = finding.source else {
                continue;
            };
            match self.images.get_mut(&finding.reference.to_string()) {
                Some(image) => {
                    if self.keep_sources {
                        image.sources.push(source);
                    }
                }
                None => unrendered.push(Unrendered {
                    reference: finding.reference,
                    source,
                }),
            }
        }

        for image in self.images.values_mut() {
            image.sources.sort_by_cached_key(source_key);
            // A field both a built-in class and a rule file path found is one source, the
            // one that names the rule.
            image.sources.dedup_by(|later, kept| {
                let same = same_but_rule(later, kept);
                if same && kept.rule.is_none() {
                    kept.rule = later.rule.take();
                }
                same
            });
        }
        self.diagnostics.sort();
        self.diagnostics.dedup();
        unrendered.sort_by_cached_key(|u| (u.reference.to_string(), source_key(&u.source)));
        unrendered.dedup();
        let mut docs = std::mem::take(&mut self.values_docs);
        docs.sort_by(|a, b| (&a.file, a.document).cmp(&(&b.file, b.document)));
        docs.dedup();
        Finished {
            images: self.images.into_values().collect(),
            unresolved,
            diagnostics: self.diagnostics,
            values: ValuesRecord { docs, entries },
            files: self.files,
            unrendered,
            charts: crate::render::uses::chart_entries(&self.chart_uses),
            chart_uses: self.chart_uses,
            chart_sources: {
                let mut sources = self.chart_sources;
                sources.sort_by_key(crate::render::objects::Found::key);
                sources
            },
        }
    }
}

/// A finished inventory: images in byte order of their reference, sorted provenance.
#[derive(Debug, Clone, Default)]
pub struct Finished {
    /// Distinct images, sorted by normalized reference.
    pub images: Vec<Image>,
    /// Values entries whose tag could not be determined.
    pub unresolved: Vec<Unresolved>,
    /// Diagnostics sorted by file, line and column.
    pub diagnostics: Vec<Diagnostic>,
    /// The values documents and their entries, when the overlay asked.
    pub values: ValuesRecord,
    /// Files read (on disk), so that outputs never replace one.
    pub files: Vec<PathBuf>,
    /// Images rendered charts name but do not pull, sorted.
    pub unrendered: Vec<Unrendered>,
    /// The charts the inputs pull, each once, sorted.
    pub charts: Vec<crate::render::uses::ChartEntry>,
    /// Every note of a chart pulled, in scan order (`overlay --charts-registry`).
    pub chart_uses: Vec<crate::render::uses::ChartUse>,
    /// The objects that name chart repositories (kept by `overlay`), sorted.
    pub chart_sources: Vec<crate::render::objects::Found>,
}

/// What the scan recorded of values files for the overlay: each document as read, and each
/// entry with how it resolved, entries in source order.
#[derive(Debug, Clone, Default)]
pub struct ValuesRecord {
    /// Values documents, sorted by file and document.
    pub docs: Vec<ValuesDoc>,
    /// Entries that carry a shape, with their resolution.
    pub entries: Vec<(ValuesEntry, Resolution)>,
}

impl Finished {
    /// Whether any input could not be read or parsed.
    pub fn has_errors(&self) -> bool {
        self.diagnostics
            .iter()
            .any(|d| d.severity == Severity::Error)
    }
}
