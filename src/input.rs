//! Inputs: turning what the user named into a list of byte streams to read.
//!
//! A file given by name is always read, whatever its extension (it may be a pipe, as with
//! `<(helm template .)`). A directory is walked: hidden entries are skipped, symbolic links to
//! directories are not followed, only regular files ending `.yaml`, `.yml` or `.json` are read,
//! and the `templates/` folder of a Helm chart (a directory holding `Chart.yaml`) is left out,
//! because templates are not YAML until Helm renders them. Packaged subcharts (`.tgz` in a
//! chart's `charts/` folder) are read too, by `archive.rs`. The walk is sorted by file name, so
//! the list does not depend on the order the file system returns entries.

use std::fs::File;
use std::io::{self, Read};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use walkdir::WalkDir;

use crate::diag::Diagnostic;
use crate::extract::Role;

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

fn display(path: &Path) -> Arc<str> {
    Arc::from(path.to_string_lossy().as_ref())
}

fn has_yaml_extension(path: &Path) -> bool {
    path.extension().and_then(|e| e.to_str()).is_some_and(|e| {
        e.eq_ignore_ascii_case("yaml")
            || e.eq_ignore_ascii_case("yml")
            || e.eq_ignore_ascii_case("json")
    })
}

/// Kustomization files are not values files: their `images:` are transforms. A chart's
/// `values.yaml` is values whatever it holds.
fn role_by_name(path: &Path) -> Role {
    match path.file_name().and_then(|n| n.to_str()) {
        Some("kustomization.yaml" | "kustomization.yml" | "Kustomization") => Role::Manifest,
        Some("values.yaml") if in_chart(path) => Role::Values,
        _ => Role::Auto,
    }
}

/// Whether a file sits in a chart folder (beside a Chart.yaml).
fn in_chart(path: &Path) -> bool {
    path.parent()
        .is_some_and(|dir| dir.join("Chart.yaml").is_file())
}

fn is_archive_name(path: &Path) -> bool {
    path.file_name()
        .and_then(|n| n.to_str())
        .is_some_and(|n| n.ends_with(".tgz") || n.ends_with(".tar.gz"))
}

/// A packaged subchart: an archive in the `charts/` folder of a chart.
fn is_subchart_archive(path: &Path) -> bool {
    is_archive_name(path)
        && path.parent().is_some_and(|charts| {
            charts.file_name().is_some_and(|n| n == "charts")
                && charts
                    .parent()
                    .is_some_and(|chart| chart.join("Chart.yaml").is_file())
        })
}

fn is_hidden(name: &std::ffi::OsStr) -> bool {
    name.to_str()
        .is_some_and(|n| n.starts_with('.') && n != "." && n != "..")
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
        Ok(meta) if meta.is_dir() => Some(Resolved::Directory(walk(path, diagnostics))),
        Ok(_) => Some(Resolved::Single(SourceFile {
            display: display(path),
            path: Some(path.clone()),
            archive: is_archive_name(path),
            role: role_by_name(path),
        })),
        Err(err) => {
            diagnostics.push(Diagnostic::error(
                &display(path),
                1,
                1,
                format!("cannot read this input: {}", describe_io_error(&err)),
            ));
            None
        }
    }
}

/// A sentence for an I/O error, without Rust's `(os error N)` suffix.
pub fn describe_io_error(err: &io::Error) -> String {
    match err.kind() {
        io::ErrorKind::NotFound => "no such file or directory".to_owned(),
        io::ErrorKind::PermissionDenied => "permission denied".to_owned(),
        _ => {
            let text = err.to_string();
            match text.find(" (os error") {
                Some(i) => text[..i].to_lowercase(),
                None => text,
            }
        }
    }
}

fn walk(root: &Path, diagnostics: &mut Vec<Diagnostic>) -> Vec<SourceFile> {
    let mut files = Vec::new();
    let entries = WalkDir::new(root)
        .follow_links(false)
        .sort_by_file_name()
        .into_iter()
        .filter_entry(|entry| {
            if entry.depth() == 0 {
                return true;
            }
            if is_hidden(entry.file_name()) {
                return false;
            }
            // Chart templates are Go templates, not YAML; the chart's values and Chart.yaml
            // are what imgsift reads from a chart.
            let is_chart_templates = entry.file_type().is_dir()
                && entry.file_name() == "templates"
                && entry
                    .path()
                    .parent()
                    .is_some_and(|parent| parent.join("Chart.yaml").is_file());
            !is_chart_templates
        });
    for entry in entries {
        let entry = match entry {
            Ok(entry) => entry,
            Err(err) => {
                let at = err.path().map(display).unwrap_or_else(|| display(root));
                let message = match err.io_error() {
                    Some(io) => format!(
                        "cannot read this directory entry: {}",
                        describe_io_error(io)
                    ),
                    None => format!("cannot walk here: {err}"),
                };
                diagnostics.push(Diagnostic::error(&at, 1, 1, message));
                continue;
            }
        };
        let path = entry.path();
        let archive = is_subchart_archive(path);
        // `Kustomization` has no extension; the folder is a kustomize root all the same.
        let kustomization = entry.file_name() == "Kustomization";
        if entry.file_type().is_dir() || !(has_yaml_extension(path) || archive || kustomization) {
            continue;
        }
        // A chart's values schema describes values; its defaults and examples are not images.
        if entry.file_name() == "values.schema.json" && in_chart(path) {
            continue;
        }
        if entry.file_type().is_symlink() {
            match std::fs::metadata(path) {
                // Links to directories are not followed; links to files are read.
                Ok(meta) if meta.is_dir() => continue,
                Ok(meta) if meta.is_file() => {}
                Ok(_) => {
                    diagnostics.push(Diagnostic::warning(
                        &display(path),
                        1,
                        1,
                        "not a regular file (a pipe or device); skipped",
                    ));
                    continue;
                }
                Err(err) => {
                    diagnostics.push(Diagnostic::error(
                        &display(path),
                        1,
                        1,
                        format!("broken symbolic link: {}", describe_io_error(&err)),
                    ));
                    continue;
                }
            }
        } else if !entry.file_type().is_file() {
            // Opening a FIFO found by walking would block until something writes to it.
            diagnostics.push(Diagnostic::warning(
                &display(path),
                1,
                1,
                "not a regular file (a pipe or device); skipped",
            ));
            continue;
        }
        files.push(SourceFile {
            display: display(path),
            path: Some(path.to_path_buf()),
            archive,
            role: role_by_name(path),
        });
    }
    files
}
