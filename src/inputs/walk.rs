//! Walking a directory: the files imgsift reads from it, sorted.
//!
//! Hidden entries are skipped, symbolic links to directories are not followed, only regular
//! files ending `.yaml`, `.yml` or `.json` are read (and `Kustomization`, and packaged
//! subcharts), and the `templates/` folder of a Helm chart is left out, because templates are
//! not YAML until Helm renders them. The walk is sorted by file name, so the list does not
//! depend on the order the file system returns entries. A pipe or device found by walking is
//! never opened: it would block until something writes to it.

use std::path::Path;

use walkdir::WalkDir;

use super::{SourceFile, chart, describe_io_error, display, role_by_name};
use crate::diag::{Code, Diagnostic};

fn has_yaml_extension(path: &Path) -> bool {
    path.extension().and_then(|e| e.to_str()).is_some_and(|e| {
        e.eq_ignore_ascii_case("yaml")
            || e.eq_ignore_ascii_case("yml")
            || e.eq_ignore_ascii_case("json")
    })
}

fn is_hidden(name: &std::ffi::OsStr) -> bool {
    name.to_str()
        .is_some_and(|n| n.starts_with('.') && n != "." && n != "..")
}

pub(super) fn walk(root: &Path, diagnostics: &mut Vec<Diagnostic>) -> Vec<SourceFile> {
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
            !(entry.file_type().is_dir() && chart::is_templates_dir(entry.path()))
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
                diagnostics.push(Diagnostic::error(Code::WalkFailed, &at, 1, 1, message));
                continue;
            }
        };
        let path = entry.path();
        let archive = chart::is_subchart_archive(path);
        // `Kustomization` has no extension; the folder is a kustomize root all the same.
        let kustomization = entry.file_name() == "Kustomization";
        if entry.file_type().is_dir() || !(has_yaml_extension(path) || archive || kustomization) {
            continue;
        }
        // A chart's values schema describes values; its defaults and examples are not images.
        if chart::is_values_schema(path) {
            continue;
        }
        if entry.file_type().is_symlink() {
            match std::fs::metadata(path) {
                // Links to directories are not followed; links to files are read.
                Ok(meta) if meta.is_dir() => continue,
                Ok(meta) if meta.is_file() => {}
                Ok(_) => {
                    diagnostics.push(Diagnostic::warning(
                        Code::NotRegularFile,
                        &display(path),
                        1,
                        1,
                        "not a regular file (a pipe or device); skipped",
                    ));
                    continue;
                }
                Err(err) => {
                    diagnostics.push(Diagnostic::error(
                        Code::BrokenLink,
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
                Code::NotRegularFile,
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
