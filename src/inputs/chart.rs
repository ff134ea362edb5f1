//! Helm charts as inputs: the one place that decides what a chart is.
//!
//! A chart is a folder holding `Chart.yaml` (or a `.tgz` of one). Its `values.yaml` is a values
//! file whatever it holds; its `templates/` are Go templates, not YAML; its `values.schema.json`
//! describes values and holds no image; its dependencies are vendored under `charts/`, as
//! folders or as archives. A `Chart.yaml` is also recognised by its content, wherever it is
//! found (an archive member, a file named on its own): `apiVersion` `v1` or `v2`, a `name`, a
//! `version` and no `kind`. Everything that asks one of these questions asks it here.

use std::path::Path;

use crate::documents::{Doc, Limits, NodeId, yaml};

/// The file that makes a folder a chart.
pub const METADATA_FILE: &str = "Chart.yaml";

/// A chart's default values.
pub const VALUES_FILE: &str = "values.yaml";

/// Whether `dir` is a chart folder.
pub fn is_chart_dir(dir: &Path) -> bool {
    dir.join(METADATA_FILE).is_file()
}

/// Whether a file sits in a chart folder (beside a `Chart.yaml`).
fn in_chart(path: &Path) -> bool {
    path.parent().is_some_and(is_chart_dir)
}

/// Whether `path` is a chart's `values.yaml`.
pub fn is_values_file(path: &Path) -> bool {
    path.file_name().is_some_and(|n| n == VALUES_FILE) && in_chart(path)
}

/// Whether `path` is a chart's values schema.
pub fn is_values_schema(path: &Path) -> bool {
    path.file_name().is_some_and(|n| n == "values.schema.json") && in_chart(path)
}

/// Whether `dir` is the `templates/` folder of a chart.
pub fn is_templates_dir(dir: &Path) -> bool {
    dir.file_name().is_some_and(|n| n == "templates") && in_chart(dir)
}

/// Whether a file is named like a packaged chart.
pub fn is_archive_name(path: &Path) -> bool {
    path.file_name()
        .and_then(|n| n.to_str())
        .is_some_and(is_archive_file_name)
}

fn is_archive_file_name(name: &str) -> bool {
    name.ends_with(".tgz") || name.ends_with(".tar.gz")
}

/// A packaged subchart: an archive in the `charts/` folder of a chart.
pub fn is_subchart_archive(path: &Path) -> bool {
    is_archive_name(path)
        && path.parent().is_some_and(|charts| {
            charts.file_name().is_some_and(|n| n == "charts")
                && charts.parent().is_some_and(is_chart_dir)
        })
}

/// Whether a path inside a chart archive is under a `templates/` folder.
fn in_templates(member: &str) -> bool {
    member.split('/').any(|c| c == "templates")
}

/// Whether an archive member is one imgsift reads as a document: a `Chart.yaml` or a
/// `values.yaml`, at any depth, outside `templates/`.
pub fn is_document_member(member: &str) -> bool {
    let name = member.rsplit('/').next().unwrap_or(member);
    !in_templates(member) && matches!(name, METADATA_FILE | VALUES_FILE)
}

/// Whether an archive member is a values file.
pub fn is_values_member(member: &str) -> bool {
    member.ends_with("/values.yaml")
}

/// Whether an archive member is a packaged subchart: an archive in a `charts/` folder,
/// outside `templates/`.
pub fn is_subchart_member(member: &str) -> bool {
    let mut parts = member.rsplit('/');
    let name = parts.next().unwrap_or(member);
    parts.next() == Some("charts") && !in_templates(member) && is_archive_file_name(name)
}

/// What imgsift reads from a chart's `Chart.yaml`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChartMeta {
    /// `appVersion`, as written (trimmed; `None` when absent or empty).
    pub app_version: Option<String>,
}

impl ChartMeta {
    /// The metadata of the document at `root`, when it is a `Chart.yaml` (by its content).
    pub fn from_doc(doc: &Doc<'_>, root: NodeId) -> Option<ChartMeta> {
        let is_chart = doc.is_map(root)
            && doc.get(root, "kind").is_none()
            && matches!(doc.str_at(root, &["apiVersion"]), Some("v1" | "v2"))
            && doc.str_at(root, &["name"]).is_some()
            && doc.get(root, "version").is_some();
        is_chart.then(|| ChartMeta {
            app_version: app_version(doc, root),
        })
    }

    /// The metadata in the `Chart.yaml` of folder `dir` on disk, when there is a readable one
    /// within the document bound. Unlike [`ChartMeta::from_doc`], any mapping counts: the file
    /// is named as a chart's, and only its `appVersion` is read.
    pub fn read_dir(dir: &Path, limits: &Limits) -> Option<ChartMeta> {
        let path = dir.join(METADATA_FILE);
        let meta = std::fs::metadata(&path).ok()?;
        if !meta.is_file() || meta.len() > limits.max_document_bytes as u64 {
            return None;
        }
        let text = std::fs::read_to_string(&path).ok()?;
        let docs = yaml::load(&text, 1, limits).ok()?;
        let doc = docs.first()?;
        let root = doc.root()?;
        Some(ChartMeta {
            app_version: app_version(doc, root),
        })
    }
}

fn app_version(doc: &Doc<'_>, root: NodeId) -> Option<String> {
    doc.get(root, "appVersion")
        .and_then(|v| doc.text(v))
        .map(|v| v.trim().to_owned())
        .filter(|v| !v.is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chart_files_are_read_from_archives_and_templates_are_not() {
        assert!(is_document_member("redis/Chart.yaml"));
        assert!(is_document_member("redis/values.yaml"));
        assert!(is_document_member("redis/charts/common/Chart.yaml"));
        assert!(!is_document_member("redis/templates/values.yaml"));
        assert!(!is_document_member("redis/README.md"));
        assert!(is_subchart_member("redis/charts/common-2.0.0.tgz"));
        assert!(!is_subchart_member("redis/files/thing.tgz"));
        assert!(!is_subchart_member("redis/templates/charts/x.tgz"));
    }

    #[test]
    fn chart_metadata_is_recognised_by_content() {
        fn load(text: &str) -> Doc<'_> {
            match yaml::load(text, 1, &Limits::default()) {
                Ok(mut docs) => docs.remove(0),
                Err(err) => panic!("{err:?}"),
            }
        }
        let doc = load("apiVersion: v2\nname: x\nversion: 1.0.0\nappVersion: \" 2.10 \"\n");
        let root = doc.root().unwrap_or(0);
        assert_eq!(
            ChartMeta::from_doc(&doc, root),
            Some(ChartMeta {
                app_version: Some("2.10".to_owned())
            })
        );
        let doc = load("apiVersion: v1\nkind: Pod\nname: x\nversion: 1\n");
        assert_eq!(ChartMeta::from_doc(&doc, doc.root().unwrap_or(0)), None);
    }
}
