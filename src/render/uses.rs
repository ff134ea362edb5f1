//! The charts a run pulls, as `imgsift charts` lists them: each chart once, with every place
//! that names it. Every source (the Helm and kustomize renderers, K3s, Flux, Argo CD, values
//! files) notes its charts here; nothing here depends on them.

use crate::documents::At;
use crate::escape::Printable;

/// A chart as a source object names it.
#[derive(Debug, Clone, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct ChartRef {
    /// The chart's name.
    pub name: String,
    /// The version asked for: exact, a semver range, or empty for the newest.
    pub version: String,
    /// The repository: an `https://` chart repository, an `oci://` registry path (the chart
    /// is `<repository>/<name>`), a Git URL, or empty.
    pub repository: String,
}

impl ChartRef {
    /// `chart "podinfo" version 6.5.0 from https://…`, for messages.
    pub fn describe(&self) -> String {
        if self.name.is_empty() {
            // A source that is not in the scan (a Flux `chartRef`) or a malformed object:
            // nothing names the chart; the object's own diagnostic says why.
            return "a chart it does not name".to_owned();
        }
        let mut what = format!("chart {:?}", Printable(&self.name).to_string());
        if self.version.is_empty() {
            what.push_str(" (no version)");
        } else {
            what.push_str(&format!(" version {}", Printable(&self.version)));
        }
        if !self.repository.is_empty() {
            what.push_str(&format!(" from {}", Printable(&self.repository)));
        }
        what
    }

    /// The `helm pull` that puts the chart into `dir`.
    pub fn pull_command(&self, dir: &str) -> Option<String> {
        if self.repository.is_empty() || self.name.is_empty() {
            return None;
        }
        let source = if self.repository.starts_with("oci://") {
            format!("{}/{}", self.repository.trim_end_matches('/'), self.name)
        } else {
            format!("--repo {} {}", self.repository, self.name)
        };
        let version = if self.version.is_empty() {
            String::new()
        } else {
            format!(" --version '{}'", self.version)
        };
        Some(format!("helm pull {source}{version} -d {dir}"))
    }
}

/// A chart that an input pulls, and where it is named (`imgsift charts`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChartUse {
    /// The chart.
    pub chart: ChartRef,
    /// What asks for it: `HelmRelease/flux-system/podinfo`, `Chart.yaml dependency`, ….
    pub by: String,
    /// Where it is named.
    pub at: At,
    /// Where the chart was found on disk, when it was.
    pub local: Option<String>,
    /// For a chart named in a values file: the key path of its entry (deployKF's
    /// `…charts.<name>`), where an overlay points its `repository`.
    pub values_path: Vec<String>,
}

/// A chart of the run, once, with every place that names it (`imgsift charts`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChartEntry {
    /// The chart.
    pub chart: ChartRef,
    /// What names it and where, sorted by file and line.
    pub uses: Vec<(String, At)>,
    /// Where it was found on disk, when any use found it.
    pub local: Option<String>,
}

/// The charts of a run, each once, sorted by name, version and repository.
pub fn chart_entries(uses: &[ChartUse]) -> Vec<ChartEntry> {
    let mut by_chart: std::collections::BTreeMap<&ChartRef, ChartEntry> = Default::default();
    for one in uses {
        let entry = by_chart.entry(&one.chart).or_insert_with(|| ChartEntry {
            chart: one.chart.clone(),
            uses: Vec::new(),
            local: None,
        });
        entry.uses.push((one.by.clone(), one.at.clone()));
        if let Some(local) = &one.local {
            // The first in byte order, so that the output does not depend on scan order.
            if entry.local.as_ref().is_none_or(|l| local < l) {
                entry.local = Some(local.clone());
            }
        }
    }
    let mut entries: Vec<ChartEntry> = by_chart.into_values().collect();
    for entry in &mut entries {
        entry.uses.sort_by(|a, b| {
            (&a.1.file, a.1.line, a.1.column, &a.0).cmp(&(&b.1.file, b.1.line, b.1.column, &b.0))
        });
        entry.uses.dedup();
    }
    entries
}
