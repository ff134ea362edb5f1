//! The inventory: every image found, once, with all its sources, in a stable order.
//!
//! Findings arrive from many threads in whatever order the work finished; the inventory is the
//! point where order is restored. Images are keyed by their normalized reference in a
//! `BTreeMap`, which iterates in byte order; sources and diagnostics are sorted by file, line,
//! column and path when the inventory is finished. Nothing here depends on thread count or on
//! the order a directory listed its files.
//!
//! When the caller only needs the list of references (`-o text`), sources are not kept, so a
//! stream of any length costs memory in proportion to the number of distinct images.

use std::collections::BTreeMap;

use crate::diag::{Diagnostic, Severity};
pub use crate::extract::Source;
use crate::extract::{ChartInfo, Class, Finding, Output, ValuesDoc, ValuesEntry};
use crate::reference::Reference;
use crate::resolve::{Resolution, Resolver, Unresolved, dir_of};

/// Sorting key of a source: file, document, line, column, path, class.
fn source_order(source: &Source) -> (&str, u32, u64, u64, &str, Class) {
    (
        &source.file,
        source.document,
        source.line,
        source.column,
        &source.path,
        source.class,
    )
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

/// Whether a class is read from manifests, as opposed to values files and chart metadata.
fn is_manifest_class(class: Class) -> bool {
    !matches!(class, Class::Values | Class::Chart)
}

/// Images and diagnostics gathered from any number of inputs.
#[derive(Debug, Clone, Default)]
pub struct Inventory {
    keep_sources: bool,
    images: BTreeMap<String, Image>,
    diagnostics: Vec<Diagnostic>,
    /// Values entries, resolved when the inventory is finished.
    values: Vec<ValuesEntry>,
    charts: Vec<ChartInfo>,
    values_docs: Vec<ValuesDoc>,
    /// Files read (on disk), so that outputs never replace one.
    files: Vec<std::path::PathBuf>,
}

impl Inventory {
    /// An empty inventory; `keep_sources` says whether provenance is recorded.
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
        image.in_manifests |= is_manifest_class(finding.source.class);
        if self.keep_sources {
            image.sources.push(finding.source);
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
    }

    /// The values documents kept for the overlay, sorted by file and document.
    pub fn take_values_docs(&mut self) -> Vec<ValuesDoc> {
        let mut docs = std::mem::take(&mut self.values_docs);
        docs.sort_by(|a, b| (&a.file, a.document).cmp(&(&b.file, b.document)));
        docs.dedup();
        docs
    }

    /// Notes a file that was read.
    pub fn read_file(&mut self, path: &std::path::Path) {
        self.files.push(path.to_path_buf());
    }

    /// The files read.
    pub fn files(&self) -> &[std::path::PathBuf] {
        &self.files
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
    }

    /// What values entries can take their tags from: the images of manifests, and charts.
    pub fn resolver(&self) -> Resolver {
        let mut resolver = Resolver::default();
        for image in self.images.values().filter(|i| i.in_manifests) {
            resolver.manifest_image(&image.reference);
        }
        let mut charts: Vec<&ChartInfo> = self.charts.iter().collect();
        // The first Chart.yaml of a folder wins, whatever order files were scanned in.
        charts.sort_by(|a, b| a.dir.cmp(&b.dir).then(a.app_version.cmp(&b.app_version)));
        for chart in charts {
            resolver.chart(&chart.dir, chart.app_version.clone());
        }
        resolver
    }

    /// Resolves the values entries into images, unresolved entries and diagnostics.
    fn resolve_values(&mut self) -> Vec<Unresolved> {
        let resolver = self.resolver();
        let mut unresolved = Vec::new();
        let mut values = std::mem::take(&mut self.values);
        values.sort_by(|a, b| source_order(&a.source).cmp(&source_order(&b.source)));
        values.dedup();
        for entry in values {
            let source = &entry.source;
            match resolver.resolve(&entry) {
                Resolution::Image(reference, tag_from) => {
                    if resolver.has_manifests() && !resolver.in_manifests(&reference) {
                        self.diagnostics.push(Diagnostic::warning(
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
                    self.add(Finding { reference, source });
                }
                Resolution::Unresolved { repository, reason } => {
                    self.diagnostics.push(Diagnostic::warning(
                        &source.file,
                        source.line,
                        source.column,
                        format!(
                            "{}: {repository} has {reason}: no manifest scanned with it and no chart appVersion gives one, so it is listed as unresolved",
                            source.path
                        ),
                    ));
                    unresolved.push(Unresolved {
                        repository,
                        file: source.file.to_string(),
                        line: source.line,
                        column: source.column,
                        path: source.path.clone(),
                        reason,
                    });
                }
                Resolution::Invalid(err) => {
                    self.diagnostics.push(Diagnostic::warning(
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
        unresolved
    }

    /// Resolves values entries, sorts sources and diagnostics and drops exact repeats (the
    /// same file given twice).
    pub fn finish(mut self) -> Finished {
        let mut unresolved = self.resolve_values();
        unresolved.sort();
        unresolved.dedup();
        for image in self.images.values_mut() {
            image
                .sources
                .sort_by(|a, b| source_order(a).cmp(&source_order(b)));
            image.sources.dedup();
        }
        self.diagnostics.sort();
        self.diagnostics.dedup();
        Finished {
            images: self.images.into_values().collect(),
            unresolved,
            diagnostics: self.diagnostics,
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
}

impl Finished {
    /// Whether any input could not be read or parsed.
    pub fn has_errors(&self) -> bool {
        self.diagnostics
            .iter()
            .any(|d| d.severity == Severity::Error)
    }
}
