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
use crate::extract::{Class, Finding};
use crate::reference::Reference;

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
}

/// Images and diagnostics gathered from any number of inputs.
#[derive(Debug, Clone, Default)]
pub struct Inventory {
    keep_sources: bool,
    images: BTreeMap<String, Image>,
    diagnostics: Vec<Diagnostic>,
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
        });
        if self.keep_sources {
            image.sources.push(finding.source);
        }
    }

    /// Adds one diagnostic.
    pub fn diagnose(&mut self, diagnostic: Diagnostic) {
        self.diagnostics.push(diagnostic);
    }

    /// Moves everything from `other` into this inventory.
    pub fn merge(&mut self, other: Inventory) {
        for (key, image) in other.images {
            match self.images.get_mut(&key) {
                Some(existing) => existing.sources.extend(image.sources),
                None => {
                    self.images.insert(key, image);
                }
            }
        }
        self.diagnostics.extend(other.diagnostics);
    }

    /// Sorts sources and diagnostics and drops exact repeats (the same file given twice).
    pub fn finish(mut self) -> Finished {
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
            diagnostics: self.diagnostics,
        }
    }
}

/// A finished inventory: images in byte order of their reference, sorted provenance.
#[derive(Debug, Clone, Default)]
pub struct Finished {
    /// Distinct images, sorted by normalized reference.
    pub images: Vec<Image>,
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
