//! `imgsift mirror --charts`: copying every chart the inputs pull into an OCI registry, as
//! `helm pull` and `helm push` (or an OCI copy tool, for charts already in a registry) do.
//!
//! A chart copied into `oci://HOST/PREFIX` lands at `HOST/PREFIX/<name>:<tag>`, where the tag
//! is its version with `+` written `_` (Helm's rule: OCI tags cannot hold a `+`).
//!
//! The `v` pitfall: Helm looks OCI charts up by the literal tag for an exact version, and
//! lists only tags without a leading `v` for a range. A chart whose version is `v1.2.0` is
//! pushed as tag `v1.2.0`, so a source that says `1.2.0`, or `1.x`, finds nothing in the
//! mirror. Every chart whose tag starts with `v` and a digit is therefore also copied to the
//! tag without the `v`; for a chart pulled from an https repository (whose index resolves
//! `1.2.0` to a chart versioned `v1.2.0`), the script reads the version from the archive Helm
//! pulled and adds the second tag when it has a `v`.

use minijinja::{Value, context};
use serde::Serialize;

use super::{Tool, render};
use crate::emit::files::{Emitted, OutputFile};
use crate::escape::Printable;
use crate::registry::Registry;
use crate::render::uses::ChartEntry;

/// What a chart mirror writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// A POSIX sh script: `helm pull` and `helm push`, or an OCI copy tool for charts that are
    /// in a registry already.
    Script(ChartTool),
    /// `source<TAB>target` lines.
    List,
}

/// The tool a chart script copies OCI charts with (charts of https repositories always go
/// through `helm pull` and `helm push`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ChartTool {
    /// helm pull / helm push.
    Helm,
    /// An image tool that copies OCI artifacts as they are.
    Oci(Tool),
}

/// One chart to copy.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct ChartCopy {
    /// The chart's name.
    pub name: String,
    /// The version the inputs ask for.
    pub version: String,
    /// Its repository, as written.
    pub repository: String,
    /// Whether the repository is an OCI registry (`oci://`).
    pub oci: bool,
    /// For an OCI chart: `host/path/name` (no scheme).
    pub source: String,
    /// For an OCI chart: the tag to copy (the version, `+` as `_`).
    pub tag: String,
    /// `HOST/PREFIX/name` (no scheme).
    pub target: String,
    /// Extra tags at the target: the tag without its leading `v`, when it has one.
    pub aliases: Vec<String>,
    /// The script's comment on it: chart, version, repository and what asks for it, escaped
    /// so that it stays one line.
    pub comment: String,
}

/// The charts copied, and a sentence for each chart left out.
pub fn plan(entries: &[ChartEntry], registry: &Registry) -> (Vec<ChartCopy>, Vec<String>) {
    let mut copies = Vec::new();
    let mut left = Vec::new();
    for entry in entries {
        let chart = &entry.chart;
        let repository = chart.repository.trim().trim_end_matches('/');
        let by = entry
            .uses
            .first()
            .map(|(by, at)| format!("{} ({}:{})", Printable(by), Printable(&at.file), at.line))
            .unwrap_or_default();
        let what = format!(
            "chart {:?} {}",
            Printable(&chart.name).to_string(),
            Printable(&chart.version)
        );
        let oci = repository.starts_with("oci://");
        let https = repository.starts_with("https://") || repository.starts_with("http://");
        if !(oci || https) {
            left.push(if repository.is_empty() {
                format!("{what} left out: no repository is named for it")
            } else {
                format!(
                    "{what} left out: {:?} is not a Helm repository (a local or Git source is mirrored with its repository)",
                    Printable(repository).to_string()
                )
            });
            continue;
        }
        // The name becomes a path segment and a shell pattern in the script: only the
        // characters of chart names Helm accepts pass.
        let name_ok = !chart.name.is_empty()
            && !chart.name.starts_with(['.', '-'])
            && chart
                .name
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'));
        if !name_ok {
            left.push(format!("{what} left out: not a chart name"));
            continue;
        }
        let exact = !chart.version.is_empty()
            && !chart
                .version
                .contains(['*', '^', '~', '>', '<', '=', ' ', ',', '|', 'x', 'X']);
        if oci && !exact {
            left.push(format!(
                "{what} left out: an OCI chart is copied by an exact version, and {:?} is not one",
                chart.version
            ));
            continue;
        }
        let tag = chart.version.replace('+', "_");
        let aliases = match tag.strip_prefix('v') {
            Some(rest) if oci && rest.starts_with(|c: char| c.is_ascii_digit()) => {
                vec![rest.to_owned()]
            }
            _ => Vec::new(),
        };
        copies.push(ChartCopy {
            name: chart.name.clone(),
            version: chart.version.clone(),
            repository: repository.to_owned(),
            oci,
            source: if oci {
                format!("{}/{}", repository.trim_start_matches("oci://"), chart.name)
            } else {
                String::new()
            },
            tag,
            target: format!("{}/{}", registry.base(), chart.name),
            aliases,
            comment: format!(
                "{} {} from {}, for {by}",
                chart.name,
                Printable(&chart.version),
                Printable(repository)
            ),
        });
    }
    (copies, left)
}

/// Writes the plan in `format`.
pub fn write(format: Format, copies: &[ChartCopy], registry: &Registry) -> Result<Emitted, String> {
    let data = |tool: Option<ChartTool>| -> Value {
        let oci_tool = match tool {
            Some(ChartTool::Oci(tool)) => Some(tool),
            _ => None,
        };
        context! {
            charts => Value::from(minijinja::value::Serde(copies)),
            registry => format!("oci://{}", registry.base()),
            tool => oci_tool.map_or("helm", Tool::name),
            variable => oci_tool.map_or("HELM", Tool::variable),
            needs_helm => copies.iter().any(|c| !c.oci || oci_tool.is_none()),
        }
    };
    let file = match format {
        Format::Script(tool) => OutputFile::script(
            "mirror-charts.sh",
            render(include_str!("templates/charts.sh.j2"), data(Some(tool)))?,
        ),
        Format::List => OutputFile::new(
            "charts.tsv",
            render(include_str!("templates/charts.list.j2"), data(None))?,
        ),
    };
    Ok(Emitted::concatenated(vec![file]))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::documents::At;
    use crate::render::uses::ChartRef;

    fn entry(name: &str, version: &str, repository: &str) -> ChartEntry {
        ChartEntry {
            chart: ChartRef {
                name: name.into(),
                version: version.into(),
                repository: repository.into(),
            },
            uses: vec![(
                "values".into(),
                At::new(&std::sync::Arc::from("v.yaml"), 3, 1),
            )],
            local: None,
        }
    }

    #[test]
    fn oci_charts_keep_their_tag_and_gain_one_without_the_v() {
        let registry =
            Registry::parse("mirror.local:5000/charts").unwrap_or_else(|e| panic!("{e}"));
        let (copies, left) = plan(
            &[
                entry("demo", "v1.2.0", "oci://ghcr.io/acme/charts/"),
                entry("tool", "0.3.0+build.7", "oci://ghcr.io/acme/charts"),
                entry("web", "1.x", "oci://ghcr.io/acme/charts"),
                entry("cert-manager", "1.16.2", "https://charts.jetstack.io"),
                entry("forked", "0.9.2", "file://forks/trust-manager"),
                entry("ranged", ">=1.0.0", "https://charts.example.com"),
            ],
            &registry,
        );
        let summary: Vec<(String, String, String, Vec<String>)> = copies
            .iter()
            .map(|c| {
                (
                    c.name.clone(),
                    c.source.clone(),
                    c.tag.clone(),
                    c.aliases.clone(),
                )
            })
            .collect();
        assert_eq!(
            summary,
            vec![
                (
                    "demo".into(),
                    "ghcr.io/acme/charts/demo".into(),
                    "v1.2.0".into(),
                    vec!["1.2.0".into()]
                ),
                (
                    "tool".into(),
                    "ghcr.io/acme/charts/tool".into(),
                    "0.3.0_build.7".into(),
                    vec![]
                ),
                (
                    "cert-manager".into(),
                    String::new(),
                    "1.16.2".into(),
                    vec![]
                ),
                ("ranged".into(), String::new(), ">=1.0.0".into(), vec![]),
            ]
        );
        assert!(
            copies
                .iter()
                .all(|c| c.target == format!("mirror.local:5000/charts/{}", c.name))
        );
        assert_eq!(left.len(), 2, "{left:?}");
        assert!(
            left.iter()
                .any(|l| l.contains("\"web\"") && l.contains("exact version"))
        );
        assert!(
            left.iter()
                .any(|l| l.contains("\"forked\"") && l.contains("not a Helm repository"))
        );
    }
}
