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

pub mod argo;
pub mod flux;
pub mod helm;
pub mod k3s;
pub mod kustomize;
pub mod objects;
pub mod release;
pub mod uses;

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
    /// Files to read as they are, beside the output (a chart's `Chart.yaml` and values).
    pub sources: Vec<Source>,
    /// Documents to read as values files: the values an object holds for a chart that was
    /// not rendered, at their lines in the object.
    pub values: Vec<Document>,
    /// The charts the render pulls or names (`imgsift charts`).
    pub charts: Vec<uses::ChartUse>,
}

/// A file a renderer hands on to be read as written.
#[derive(Debug, Clone)]
pub struct Source {
    /// The file, as displayed.
    pub file: Arc<str>,
    /// Its text.
    pub text: String,
    /// The 1-based line of the file where the text starts: a block taken out of a long
    /// stream keeps its lines without a newline for every line before it.
    pub first_line: u64,
    /// How it is read.
    pub role: crate::inputs::Role,
    /// Its images are not pulled unless the output pulls them: the values of a chart that
    /// rendered, whose images that the render does not pull are listed apart (`unrendered`).
    pub unrendered_only: bool,
}

/// A tool whose output imgsift computes natively.
pub trait Renderer: Sync {
    /// The root a file stands for, when it is this renderer's: the folder of a file that
    /// makes its folder a root (a kustomization file, a `Chart.yaml`), or the file itself when
    /// it is a root on its own (a packaged chart).
    fn root_of(&self, file: &Path) -> Option<PathBuf>;

    /// The file that makes `root` a root (`root` itself for a root that is a file), when
    /// there is one.
    fn root_file(&self, root: &Path) -> Option<PathBuf>;

    /// Renders `root` (a path as the user gave it; provenance is written relative to it the
    /// same way).
    fn render(&self, root: &Path, context: &Context) -> Rendered;
}

/// What a render is given besides its root.
#[derive(Debug, Clone, Default)]
pub struct Context {
    /// Bounds on every document read.
    pub limits: Limits,
    /// Which files a kustomization may read.
    pub load_restrictor: kustomize::LoadRestrictor,
    /// Helm's render flags (`-f`, `--set`, release name, ...), for a chart named on the command
    /// line; charts found deeper in a walk render with their defaults.
    pub helm: Option<helm::Options>,
}

/// Every renderer, in the order their roots are rendered.
pub static RENDERERS: &[&dyn Renderer] = &[&kustomize::Kustomize, &helm::Helm];

/// The renderer that claims `file` (its index in [`RENDERERS`]) and the root it stands for,
/// if any.
pub fn claiming(file: &Path) -> Option<(PathBuf, usize)> {
    RENDERERS
        .iter()
        .enumerate()
        .find_map(|(i, r)| r.root_of(file).map(|root| (root, i)))
}

/// The folder of a file, `.` for a bare file name.
pub fn folder_of(file: &Path) -> PathBuf {
    match file.parent() {
        Some(dir) if !dir.as_os_str().is_empty() => dir.to_path_buf(),
        _ => PathBuf::from("."),
    }
}
