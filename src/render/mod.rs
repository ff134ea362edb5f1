//! Renderers: tools whose output imgsift computes itself instead of running them.
//!
//! Every renderer keeps one contract ([`Renderer`]): it is pointed at a root (a folder), it
//! reads what it needs from there, and it returns documents with provenance, the files it
//! consumed and its diagnostics ([`Rendered`]). It knows nothing of the pipeline that called
//! it, and the pipeline knows nothing of which renderer ran: it finds roots by asking every
//! renderer in [`RENDERERS`], leaves out of the scan the files a render consumed, and hands the
//! documents to the extractors like documents read from a file.
//!
//! A new renderer is a module here, an implementation of [`Renderer`], and one line in
//! [`RENDERERS`].

pub mod kustomize;

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use crate::diag::Diagnostic;
use crate::documents::{Limits, Tree};

/// One document a renderer produced.
#[derive(Debug, Clone)]
pub struct Document {
    /// The document; each node keeps the file, position and transforms its text came from.
    pub tree: Tree,
    /// The file the document is reported under (the file its text was read from, or the
    /// file that generated it).
    pub file: Arc<str>,
    /// Its 1-based document index in that file.
    pub index: u32,
}

/// What a renderer returns for one root.
#[derive(Debug, Default)]
pub struct Rendered {
    /// The output documents, in the renderer's order.
    pub documents: Vec<Document>,
    /// Every file the render read (canonical paths): these are not scanned again on their own.
    pub consumed: BTreeSet<PathBuf>,
    /// Problems; the render went on past each of them.
    pub diagnostics: Vec<Diagnostic>,
}

/// A tool whose output imgsift computes natively.
pub trait Renderer: Sync {
    /// The file in folder `dir` that makes it a root of this renderer, when there is one.
    fn root_file(&self, dir: &Path) -> Option<PathBuf>;

    /// Whether `file` is named like a file that makes its folder a root. Such a file is the
    /// renderer's configuration: named on its own, its folder is rendered; it is never read as
    /// a Helm values file.
    fn is_root_file(&self, file: &Path) -> bool;

    /// Renders the root folder `dir` (a path as the user gave it; provenance is written
    /// relative to it the same way).
    fn render(&self, dir: &Path, limits: &Limits) -> Rendered;
}

/// Every renderer, in the order their roots are rendered.
pub static RENDERERS: &[&dyn Renderer] = &[&kustomize::Kustomize];

/// A root found among the inputs: a folder and the renderer that builds it.
#[derive(Clone, Copy)]
pub struct Root<'p> {
    /// The folder.
    pub dir: &'p Path,
    /// Its renderer.
    pub renderer: &'static dyn Renderer,
}

/// The renderer whose root file `file` is named like, if any.
pub fn claiming(file: &Path) -> Option<&'static dyn Renderer> {
    RENDERERS.iter().copied().find(|r| r.is_root_file(file))
}
