//! Inputs: turning what the user named into a list of byte streams to read.
//!
//! A file given by name is always read, whatever its extension (it may be a pipe, as with
//! `<(helm template .)`). A directory is walked (`walk.rs`). What a Helm chart is — its
//! `Chart.yaml`, values, templates and packaged subcharts — is decided in `chart.rs` alone;
//! packaged charts are read, in bounded memory, by `archive.rs`.

pub mod chart;
pub mod glob;
mod walk;

use std::fs::File;
use std::io::{self, Read};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use crate::diag::{Code, Diagnostic};

/// How a file is to be read, from what the user said or its name.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Role {
    /// Decided by content: manifests, Chart.yaml, else values.
    #[default]
    Auto,
    /// Given with `--values`: a values file whatever it holds.
    Values,
    /// Manifests only, never a values file: a kustomization file (its `images:` are
    /// transforms, not images) and the resources of a kustomize build.
    Manifest,
}

/// One input named on the command line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Input {
    /// Standard input (`-`, or implicit when it is piped).
    Stdin,
    /// A file or directory.
    Path(PathBuf),
    /// A file given with `--values`: a Helm values file whatever it holds.
    Values(PathBuf),
}

/// One stream to read: a file found by name or by walking, or standard input.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SourceFile {
    /// The path as the user will see it in output (`-` for standard input).
    pub display: Arc<str>,
    /// Where to read it from; `None` for standard input.
    pub path: Option<PathBuf>,
    /// Whether it is a packaged chart (`.tgz`) rather than YAML.
    pub archive: bool,
    /// How its documents are read.
    pub role: Role,
}

impl SourceFile {
    /// Opens the stream.
    pub fn open(&self) -> io::Result<Box<dyn Read + Send>> {
        match &self.path {
            Some(path) => Ok(Box::new(File::open(path)?)),
            None => Ok(Box::new(io::stdin())),
        }
    }
}

/// An input resolved to the streams it stands for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Resolved {
    /// A single stream: standard input or a named file.
    Single(SourceFile),
    /// The files found in a directory, sorted.
    Directory(Vec<SourceFile>),
}

pub(crate) fn display(path: &Path) -> Arc<str> {
    Arc::from(path.to_string_lossy().as_ref())
}

/// A chart's `values.yaml` is values whatever it holds. (Files that configure a renderer,
/// such as kustomization files, are told apart by the pipeline, which knows the renderers.)
pub(super) fn role_by_name(path: &Path) -> Role {
    if chart::is_values_file(path) {
        Role::Values
    } else {
        Role::Auto
    }
}

/// Resolves one input. Problems (a missing path, an unreadable directory entry) become
/// diagnostics; whatever could be listed is still returned.
pub fn resolve(input: &Input, diagnostics: &mut Vec<Diagnostic>) -> Option<Resolved> {
    let path = match input {
        Input::Stdin => {
            return Some(Resolved::Single(SourceFile {
                display: Arc::from("-"),
                path: None,
                archive: false,
                role: Role::Auto,
            }));
        }
        Input::Path(path) => path,
        Input::Values(path) => {
            return Some(Resolved::Single(SourceFile {
                display: display(path),
                path: Some(path.clone()),
                archive: false,
                role: Role::Values,
            }));
        }
    };
    // `metadata` follows symbolic links: a link named on the command line is what the user
    // asked for.
    match std::fs::metadata(path) {
        Ok(meta) if meta.is_dir() => Some(Resolved::Directory(walk::walk(path, diagnostics))),
        Ok(_) => Some(Resolved::Single(SourceFile {
            display: display(path),
            path: Some(path.clone()),
            archive: chart::is_archive_name(path),
            role: role_by_name(path),
        })),
        Err(err) => {
            diagnostics.push(Diagnostic::error(
                Code::Unreadable,
                &display(path),
                1,
                1,
                format!("cannot read this input: {}", describe_io_error(&err)),
            ));
            None
        }
    }
}

pub use crate::diag::describe_io_error;
