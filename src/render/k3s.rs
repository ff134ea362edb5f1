//! K3s and RKE2 `HelmChart`s (`helm.cattle.io/v1`): charts that the distribution's
//! helm-controller installs from an object in the cluster, rendered offline as that
//! controller's `helm install` would render them.
//!
//! A `HelmChart` names a chart (`spec.chart`: a name with `spec.repo`, or a URL), a version,
//! values (`spec.valuesContent`, a YAML string, and `spec.set`) and the release namespace
//! (`spec.targetNamespace`, else the object's own namespace); the release is named after the
//! object. A `HelmChartConfig` of the same name and namespace adds a second values file,
//! applied over the first. `spec.chartContent` embeds the chart itself: a base64 `.tgz`.
//!
//! Objects are found anywhere in a scan, and a `HelmChartConfig` may sit in another file than
//! its `HelmChart`, so extraction only collects them ([`Found`]); once every input is scanned,
//! [`render_all`] pairs them and renders each chart, in namespace and name order, so the output
//! does not depend on the order files were scanned in. Only embedded charts are rendered
//! (imgsift never pulls): for any other, an error names the chart, version and repository,
//! and the values are read as values, at their lines inside the manifest.

use std::collections::BTreeMap;
use std::path::Path;
use std::sync::Arc;

use gotemplate::Map;

use super::helm::{self as helm_render, Options, renderer, strvals, yaml as helm_yaml};
use super::{Document, Rendered, Source};
use crate::diag::{Code, Diagnostic};
use crate::documents::{At, Limits, Node, ScalarKind, Tree};
use crate::escape::Printable;
use crate::inputs::Role;
use crate::inputs::chart::{MAX_CHART_BYTES, TreeBudget, read_archive_within};

/// The API group of both kinds.
pub const GROUP: &str = "helm.cattle.io";

/// The namespace of an object that names none, as `kubectl apply` places it.
const DEFAULT_NAMESPACE: &str = "default";

/// A `HelmChart` or `HelmChartConfig` seen during the scan.
#[derive(Debug, Clone)]
pub struct Found {
    /// A `HelmChartConfig` (else a `HelmChart`).
    pub config: bool,
    /// The object as written, with its positions.
    pub tree: Tree,
    /// Its document index in its file.
    pub document: u32,
}

impl Found {
    /// Whether an object of this kind and API version is one.
    pub fn is_kind(api_version: &str, kind: &str) -> Option<bool> {
        if api_version.split('/').next() != Some(GROUP) {
            return None;
        }
        match kind {
            "HelmChart" => Some(false),
            "HelmChartConfig" => Some(true),
            _ => None,
        }
    }

    fn meta(&self, key: &str) -> String {
        self.tree
            .get_path(&["metadata", key])
            .and_then(Tree::text)
            .unwrap_or("")
            .to_owned()
    }

    fn namespace(&self) -> String {
        let namespace = self.meta("namespace");
        if namespace.is_empty() {
            DEFAULT_NAMESPACE.to_owned()
        } else {
            namespace
        }
    }

    fn spec(&self, key: &str) -> Option<&Tree> {
        self.tree.get_path(&["spec", key])
    }

    fn spec_text(&self, key: &str) -> String {
        self.spec(key).and_then(Tree::text).unwrap_or("").to_owned()
    }

    /// How the object is named in steps and messages: `HelmChart kube-system/traefik
    /// (file.yaml:12)`.
    fn label(&self) -> String {
        format!(
            "{} {}/{} ({}:{})",
            if self.config {
                "HelmChartConfig"
            } else {
                "HelmChart"
            },
            Printable(&self.namespace()),
            Printable(&self.meta("name")),
            self.tree.at.file,
            self.tree.at.line
        )
    }

    /// Sorting key: namespace, name, then where it is written.
    fn key(&self) -> (String, String, Arc<str>, u32, u64) {
        (
            self.namespace(),
            self.meta("name"),
            Arc::clone(&self.tree.at.file),
            self.document,
            self.tree.at.line,
        )
    }
}

/// Pairs the objects found in a run and renders every `HelmChart`, in a fixed order.
pub fn render_all(
    mut found: Vec<Found>,
    limits: &Limits,
    store: &crate::render::release::Store,
) -> Rendered {
    found.sort_by_key(Found::key);
    let mut out = Rendered::default();
    let mut configs: BTreeMap<(String, String), Vec<&Found>> = BTreeMap::new();
    for object in found.iter().filter(|f| f.config) {
        configs
            .entry((object.namespace(), object.meta("name")))
            .or_default()
            .push(object);
    }
    let charts: Vec<&Found> = found.iter().filter(|f| !f.config).collect();
    for (key, list) in &configs {
        // The cluster holds one object per namespace and name: the first here is used.
        for extra in list.iter().skip(1) {
            out.diagnostics.push(at_warning(
                Code::HelmChartUnpaired,
                &extra.tree.at,
                format!(
                    "{} has the namespace and name of {}; a cluster keeps one of them, and imgsift used the first",
                    extra.label(),
                    list.first().map(|f| f.label()).unwrap_or_default()
                ),
            ));
        }
        let paired = charts
            .iter()
            .any(|c| c.namespace() == key.0 && c.meta("name") == key.1);
        if !paired {
            if let Some(config) = list.first() {
                out.diagnostics.push(at_warning(
                    Code::HelmChartUnpaired,
                    &config.tree.at,
                    format!(
                        "{} configures a HelmChart that is not in the scan (K3s deploys its packaged charts from its own manifests folder); its `valuesContent` was read as values",
                        config.label()
                    ),
                ));
                values_source(config, &mut out);
            }
        }
    }
    let mut seen: Vec<(String, String)> = Vec::new();
    for chart in charts {
        let key = (chart.namespace(), chart.meta("name"));
        if seen.contains(&key) {
            out.diagnostics.push(at_warning(
                Code::HelmChartUnpaired,
                &chart.tree.at,
                format!(
                    "{} has the namespace and name of another HelmChart of the scan; a cluster keeps one object, but imgsift rendered both",
                    chart.label()
                ),
            ));
        } else {
            seen.push(key.clone());
        }
        let config = configs.get(&key).and_then(|l| l.first().copied());
        one(chart, config, limits, store, &mut out);
    }
    out
}

/// The warnings for `HelmChart`s that an embedded chart's render wrote: they are not
/// rendered in turn (one round keeps a run bounded).
pub fn not_rendered(found: &[Found]) -> Vec<Diagnostic> {
    found
        .iter()
        .filter(|f| !f.config)
        .map(|f| {
            at_warning(
                Code::HelmChartUnpaired,
                &f.tree.at,
                format!(
                    "{} is written by a chart that a HelmChart embeds; imgsift renders the HelmCharts of the scan only, so its chart was not rendered",
                    f.label()
                ),
            )
        })
        .collect()
}

/// A warning at a position.
fn at_warning(code: Code, at: &At, message: String) -> Diagnostic {
    Diagnostic::warning(code, &at.file, at.line, at.column, message)
}

/// An error at a position.
fn at_error(code: Code, at: &At, message: String) -> Diagnostic {
    Diagnostic::error(code, &at.file, at.line, at.column, message)
}

/// Renders one `HelmChart`, its `HelmChartConfig` (if any) applied.
fn one(
    chart: &Found,
    config: Option<&Found>,
    limits: &Limits,
    store: &crate::render::release::Store,
    out: &mut Rendered,
) {
    let label = chart.label();
    for object in std::iter::once(chart).chain(config) {
        if let Some(secrets) = object.spec("valuesSecrets") {
            out.diagnostics.push(at_warning(
                Code::SecretNotRead,
                &secrets.at,
                format!(
                    "`valuesSecrets` of {} names Secrets; a Secret is never read, so none of their values were used",
                    object.label()
                ),
            ));
        }
    }
    let name = chart.meta("name");
    let content = chart.spec_text("chartContent");
    let wanted = chart_ref(chart);
    let embedded = !content.trim().is_empty();
    // A chart not embedded may be in a `--charts` folder: by name and version, or, for a URL,
    // by the archive's file name.
    let stored = if embedded {
        None
    } else if wanted.name.starts_with("oci://") {
        store.find(&listed(wanted.clone())).map(Path::to_path_buf)
    } else if wanted.name.contains("://") {
        let file = wanted.name.rsplit('/').next().unwrap_or("");
        store.find_file(file).map(Path::to_path_buf)
    } else {
        store.find(&wanted).map(Path::to_path_buf)
    };
    out.charts.push(crate::render::uses::ChartUse {
        chart: listed(wanted),
        by: format!(
            "HelmChart/{}/{}",
            Printable(&chart.namespace()),
            Printable(&name)
        ),
        at: chart
            .spec("chart")
            .map_or_else(|| chart.tree.at.clone(), |c| c.at.clone()),
        local: if embedded {
            Some(format!(
                "{}:{} (chartContent)",
                chart.tree.at.file, chart.tree.at.line
            ))
        } else {
            stored.as_ref().map(|p| p.to_string_lossy().into_owned())
        },
        values_path: Vec::new(),
    });
    let at = chart
        .spec("chartContent")
        .map_or_else(|| chart.tree.at.clone(), |c| c.at.clone());
    let loaded = if let Some(path) = &stored {
        helm_render::load(path).map_err(|f| f.to_string())
    } else if embedded {
        load(&content, &at)
    } else {
        not_embedded(chart, config, out);
        return;
    };
    let loaded = match loaded {
        Ok(loaded) => loaded,
        Err(message) => {
            out.diagnostics.push(at_error(
                Code::ChartUnloadable,
                &at,
                format!(
                    "the chart {} {label} cannot be loaded: {message}; it was not rendered, and its values are read as values",
                    if embedded { "embedded in (`chartContent`)" } else { "found in a --charts folder for" }
                ),
            ));
            values_source(chart, out);
            if let Some(config) = config {
                values_source(config, out);
            }
            return;
        }
    };
    let Some(user) = values(chart, config, out) else {
        return;
    };
    let target = chart.spec_text("targetNamespace");
    let options = Options {
        name: Some(name).filter(|n| !n.is_empty()),
        namespace: Some(if target.is_empty() {
            chart.namespace()
        } else {
            target
        }),
        ..Options::default()
    };
    let kept = loaded.clone();
    let rendered = match helm_render::render_chart(loaded, &user, &options) {
        Ok(rendered) => rendered,
        Err(failure) => {
            out.diagnostics.push(at_error(
                Code::ChartUnrenderable,
                &at,
                format!(
                    "the chart embedded in {label} cannot be rendered: {failure}; its values are read as values"
                ),
            ));
            renderer::collect_sources(&kept, false, &mut out.sources);
            return;
        }
    };
    for problem in &rendered.problems {
        out.diagnostics
            .push(renderer::problem_diagnostic(problem, &rendered));
    }
    if !rendered.problems.is_empty() {
        // A failed template may have held images: the values stand in for it.
        renderer::collect_sources(&kept, false, &mut out.sources);
    }
    // The step names the objects whose values made the render.
    let step = match config {
        Some(config) => format!(
            "{label} with HelmChartConfig ({}:{})",
            config.tree.at.file, config.tree.at.line
        ),
        None => label,
    };
    // helm-controller runs `helm install`, which runs the hooks too: they are kept.
    let documents = renderer::documents(&rendered, limits, &mut |_, _, _| true);
    for mut document in documents {
        document.tree.mark(&step);
        out.documents.push(Document {
            tree: document.tree,
            file: document.file,
            index: document.index,
        });
    }
}

/// The chart of `chartContent`: base64 of a `.tgz`, as klipper-helm decodes it (line breaks
/// ignored), loaded with Helm's archive bounds.
fn load(content: &str, at: &At) -> Result<helm_render::chart::Chart, String> {
    // Base64 is 4 characters for 3 bytes: refuse before decoding what cannot be a chart.
    let decoded_len = (content.len() as u64 / 4).saturating_mul(3);
    if decoded_len > MAX_CHART_BYTES {
        return Err(format!(
            "it decodes to more than {MAX_CHART_BYTES} bytes, Helm's bound on a chart"
        ));
    }
    let bytes = helm_yaml::base64_decode(content.trim())
        .ok_or_else(|| "it is not base64 text".to_owned())?;
    let (top, files) = read_archive_within(bytes.as_slice(), &mut TreeBudget::default())
        .map_err(|e| format!("not a readable chart archive: {e}"))?;
    // Its files are shown inside the manifest, as members of an archive are.
    let display = format!("{}!/{}", at.file, top);
    helm_render::chart::Chart::from_files_at(files, &display)
}

/// The user values: the HelmChart's `valuesContent`, the HelmChartConfig's over it (the
/// controller's `values-01_HelmChart.yaml` and `values-10_HelmChartConfig.yaml`), then `set`.
/// `None` when a values file cannot be read: Helm refuses the install.
fn values(chart: &Found, config: Option<&Found>, out: &mut Rendered) -> Option<Map> {
    let user = Map::new();
    for object in std::iter::once(chart).chain(config) {
        let Some(tree) = object.spec("valuesContent") else {
            continue;
        };
        let text = tree.text().unwrap_or("");
        if text.trim().is_empty() {
            continue;
        }
        match helm_yaml::decode_values(text) {
            Ok(map) => helm_render::merge_maps(&user, &map),
            Err(err) => {
                out.diagnostics.push(at_error(
                    Code::ChartUnrenderable,
                    &tree.at,
                    format!(
                        "`valuesContent` of {} cannot be read as Helm reads a values file ({err}), so Helm refuses the install; the chart was not rendered",
                        object.label()
                    ),
                ));
                return None;
            }
        }
    }
    // helm-controller passes every `set` entry, in key order, as `--set` when it is an
    // integer, a boolean or null, else as `--set-string` (commas escaped); Helm applies all
    // `--set` before all `--set-string`.
    let mut sets: Vec<(strvals::Kind, String)> = Vec::new();
    if let Some(set) = chart.spec("set") {
        let mut entries: Vec<&(String, Tree)> = set.entries().iter().collect();
        entries.sort_by(|a, b| a.0.cmp(&b.0));
        for (key, value) in entries {
            let (kind, text) = match &value.node {
                Node::Scalar { text, kind, .. } => (kind, text.as_str()),
                _ => continue,
            };
            let typed = *kind == ScalarKind::Number
                || matches!(
                    text.to_ascii_lowercase().as_str(),
                    "true" | "false" | "null"
                );
            if typed {
                sets.push((strvals::Kind::Set, format!("{key}={text}")));
            } else {
                sets.push((
                    strvals::Kind::String,
                    format!("{key}={}", escape_commas(text)),
                ));
            }
        }
    }
    sets.sort_by_key(|(kind, _)| matches!(kind, strvals::Kind::String));
    for (kind, text) in sets {
        if let Err(err) = strvals::parse_into(&text, &user, kind) {
            let at = chart
                .spec("set")
                .map_or_else(|| chart.tree.at.clone(), |s| s.at.clone());
            out.diagnostics.push(at_error(
                Code::ChartUnrenderable,
                &at,
                format!(
                    "`set` of {} cannot be parsed as Helm parses `--set` ({err}), so Helm refuses the install; the chart was not rendered",
                    chart.label()
                ),
            ));
            return None;
        }
    }
    Some(user)
}

/// helm-controller's `escapeComma`: a comma not already escaped gets a backslash, so that a
/// `--set-string` value keeps its commas.
fn escape_commas(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut backslashes = 0usize;
    for c in text.chars() {
        if c == ',' && backslashes % 2 == 0 {
            out.push('\\');
        }
        if c == '\\' {
            backslashes += 1;
        } else {
            backslashes = 0;
        }
        out.push(c);
    }
    out
}

/// The chart a `HelmChart` names: `spec.chart` (a name, or a URL of an archive), `version`,
/// `repo`.
fn chart_ref(chart: &Found) -> crate::render::uses::ChartRef {
    crate::render::uses::ChartRef {
        name: chart.spec_text("chart"),
        version: chart.spec_text("version"),
        repository: chart.spec_text("repo"),
    }
}

/// The chart as `imgsift charts` lists it: `oci://host/path/name` is chart `name` of
/// repository `oci://host/path`; a chart named by the URL of its archive is that
/// archive's name and version (`traefik-crd-27.0.201+up27.0.2.tgz`: the name ends before the
/// first dash that a digit follows, as `helm package` names archives) in the URL's folder.
fn listed(chart: crate::render::uses::ChartRef) -> crate::render::uses::ChartRef {
    let Some((folder, file)) = chart
        .name
        .rsplit_once('/')
        .filter(|_| chart.name.contains("://"))
    else {
        return chart;
    };
    // An OCI reference names the chart itself; its version is `spec.version`.
    if chart.name.starts_with("oci://") {
        return crate::render::uses::ChartRef {
            name: file.to_owned(),
            version: chart.version.clone(),
            repository: folder.to_owned(),
        };
    }
    let stem = file.trim_end_matches(".tgz").trim_end_matches(".tar.gz");
    let split = stem
        .char_indices()
        .find(|&(i, c)| c == '-' && stem[i + 1..].starts_with(|d: char| d.is_ascii_digit()))
        .map(|(i, _)| i);
    match split {
        Some(i) => crate::render::uses::ChartRef {
            name: stem[..i].to_owned(),
            version: stem[i + 1..].to_owned(),
            repository: folder.to_owned(),
        },
        None => chart,
    }
}

/// The error of a chart that is not embedded, and its values read as values.
fn not_embedded(chart: &Found, config: Option<&Found>, out: &mut Rendered) {
    let name = chart.spec_text("chart");
    let version = chart.spec_text("version");
    let repo = chart.spec_text("repo");
    let what = if name.is_empty() {
        "no chart (neither `chart` nor `chartContent`)".to_owned()
    } else if name.contains("://") {
        // A URL names the archive itself (K3s serves its packaged charts from its own
        // `static/charts` folder): version and repository do not apply.
        format!("the chart archive at {}", Printable(&name))
    } else {
        let mut what = format!("chart {:?}", Printable(&name).to_string());
        what.push_str(&if version.is_empty() {
            " (no `version`)".to_owned()
        } else {
            format!(" version {}", Printable(&version))
        });
        what.push_str(&if repo.is_empty() {
            " (no `repo`)".to_owned()
        } else {
            format!(" from {}", Printable(&repo))
        });
        what
    };
    let at = chart
        .spec("chart")
        .map_or_else(|| chart.tree.at.clone(), |c| c.at.clone());
    out.diagnostics.push(at_error(
        Code::ChartNotEmbedded,
        &at,
        format!(
            "{} installs {what}, which is not embedded in it (`chartContent`) nor in a --charts folder; imgsift renders charts offline and pulls none, so the images of its templates are not listed (its values are read as values)",
            chart.label()
        ),
    ));
    values_source(chart, out);
    if let Some(config) = config {
        values_source(config, out);
    }
}

/// An object's `valuesContent` as a values file of its own, its lines where they are in the
/// manifest: a literal block (`|`) keeps its lines and indentation; any other scalar is
/// placed at its own line.
fn values_source(object: &Found, out: &mut Rendered) {
    let Some(tree) = object.spec("valuesContent") else {
        return;
    };
    let (text, literal) = match &tree.node {
        Node::Scalar { text, literal, .. } => (text, *literal),
        _ => return,
    };
    if text.trim().is_empty() {
        return;
    }
    let indent = if literal {
        usize::try_from(tree.at.column.saturating_sub(1)).unwrap_or(0)
    } else {
        0
    };
    let mut shifted = String::with_capacity(text.len() + 64);
    for part in text.split('\n') {
        if !part.is_empty() {
            shifted.push_str(&" ".repeat(indent));
        }
        shifted.push_str(part);
        shifted.push('\n');
    }
    out.sources.push(Source {
        file: Arc::clone(&tree.at.file),
        text: shifted,
        first_line: tree.at.line.max(1),
        role: Role::Values,
        unrendered_only: false,
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    fn found(text: &str) -> Vec<Found> {
        let file: Arc<str> = Arc::from("m.yaml");
        crate::documents::yaml::load(text, 1, &Limits::default())
            .unwrap_or_default()
            .iter()
            .enumerate()
            .filter_map(|(i, d)| {
                let root = d.root()?;
                let tree = Tree::from_doc(d, root, &file);
                let config = Found::is_kind(
                    tree.get("apiVersion").and_then(Tree::text).unwrap_or(""),
                    tree.get("kind").and_then(Tree::text).unwrap_or(""),
                )?;
                Some(Found {
                    config,
                    tree,
                    document: u32::try_from(i + 1).unwrap_or(0),
                })
            })
            .collect()
    }

    #[test]
    fn commas_are_escaped_as_helm_controller_escapes_them() {
        assert_eq!(escape_commas("a,b"), "a\\,b");
        assert_eq!(escape_commas("a\\,b"), "a\\,b");
        assert_eq!(escape_commas("a\\\\,b"), "a\\\\\\,b");
    }

    #[test]
    fn values_of_a_literal_block_keep_their_lines_and_columns() {
        let text = "apiVersion: helm.cattle.io/v1\nkind: HelmChart\nmetadata:\n  name: x\nspec:\n  chart: x\n  valuesContent: |-\n    image:\n      repository: nginx\n";
        let objects = found(text);
        let mut out = Rendered::default();
        let Some(object) = objects.first() else {
            panic!("no object");
        };
        values_source(object, &mut out);
        assert_eq!(
            out.sources.first().map(|s| (s.first_line, s.text.as_str())),
            Some((8, "    image:\n      repository: nginx\n"))
        );
    }

    #[test]
    fn set_entries_are_typed_as_helm_controller_passes_them() {
        let text = "apiVersion: helm.cattle.io/v1\nkind: HelmChart\nmetadata:\n  name: x\nspec:\n  valuesContent: 'a: {b: 1}'\n  set:\n    a.c: \"x,y\"\n    a.num: 3\n    a.t: \"true\"\n";
        let objects = found(text);
        let mut out = Rendered::default();
        let Some(chart) = objects.first() else {
            panic!("no object");
        };
        let values = values(chart, None, &mut out).unwrap_or_default();
        assert_eq!(
            helm_yaml::to_yaml(&gotemplate::Value::Map(values)),
            "a:\n  b: 1\n  c: x,y\n  num: 3\n  t: true"
        );
    }
}
