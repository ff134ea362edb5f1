//! A chart as Helm loads it: metadata, default values, templates, other files, and the
//! subcharts vendored under `charts/`, as folders or archives.
//!
//! The files come from the chart loader of `inputs/chart.rs` (a folder with its
//! `.helmignore`, or an archive within Helm's bounds); this module partitions them as Helm's
//! `LoadFiles` does: `Chart.yaml` is the metadata, `values.yaml` the default values (every
//! document of it, merged), `templates/` the templates, `charts/<name>/...` and
//! `charts/<name>.tgz` the subcharts, and every other file a file of `.Files` (`crds/`
//! included, where Helm finds CRDs).

use std::collections::BTreeMap;

use gotemplate::{Map, Value};

use crate::documents::{Doc, Limits, NodeId, ScalarKind, yaml as doc_yaml};
use crate::inputs::chart::{ChartFile, TreeBudget, read_archive_within};

use super::yaml;

/// How deep subcharts may nest inside subcharts (archives within archives included).
const MAX_SUBCHART_DEPTH: usize = 16;

/// A chart's maintainer.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Maintainer {
    /// `name`
    pub name: String,
    /// `email`
    pub email: String,
    /// `url`
    pub url: String,
}

/// A dependency declared in `Chart.yaml`.
#[derive(Clone, Default)]
pub struct Dependency {
    /// `name` (replaced by the alias once dependencies are processed, as Helm does).
    pub name: String,
    /// `version`: a semver range.
    pub version: String,
    /// `repository`
    pub repository: String,
    /// `condition`: comma-separated values paths.
    pub condition: String,
    /// `tags`
    pub tags: Vec<String>,
    /// `enabled`
    pub enabled: bool,
    /// `import-values`: strings or `{child, parent}` maps.
    pub import_values: Vec<Value>,
    /// `alias`
    pub alias: String,
}

/// `Chart.yaml`.
#[derive(Clone, Default)]
pub struct Metadata {
    /// `name`
    pub name: String,
    /// `home`
    pub home: String,
    /// `sources`
    pub sources: Vec<String>,
    /// `version`
    pub version: String,
    /// `description`
    pub description: String,
    /// `keywords`
    pub keywords: Vec<String>,
    /// `maintainers`
    pub maintainers: Vec<Maintainer>,
    /// `icon`
    pub icon: String,
    /// `apiVersion` (`v1` when absent, as Helm defaults it).
    pub api_version: String,
    /// `condition`
    pub condition: String,
    /// `tags`
    pub tags: String,
    /// `appVersion`
    pub app_version: String,
    /// `deprecated`
    pub deprecated: bool,
    /// `annotations`
    pub annotations: BTreeMap<String, String>,
    /// `kubeVersion`: a semver range the cluster must satisfy.
    pub kube_version: String,
    /// `dependencies`
    pub dependencies: Vec<Dependency>,
    /// `type`: `application`, `library` or empty.
    pub chart_type: String,
}

impl Metadata {
    /// Whether the chart is a library chart (its only templates are its `_` helpers).
    pub fn is_library(&self) -> bool {
        self.chart_type == "library"
    }

    /// The metadata as templates see it (`.Chart`): a map keyed by the Go field names of
    /// Helm's `Metadata` struct, as Helm's `MetadataAsMap` gives it.
    pub fn as_map(&self) -> Map {
        let strings = |items: &[String]| {
            Value::List(gotemplate::List::new(
                items.iter().map(|s| Value::str(s)).collect(),
            ))
        };
        let map = Map::new();
        map.insert("Name", Value::str(&self.name));
        map.insert("Home", Value::str(&self.home));
        map.insert("Sources", strings(&self.sources));
        map.insert("Version", Value::str(&self.version));
        map.insert("Description", Value::str(&self.description));
        map.insert("Keywords", strings(&self.keywords));
        map.insert(
            "Maintainers",
            Value::List(gotemplate::List::new(
                self.maintainers
                    .iter()
                    .map(|m| {
                        Value::Map(Map::from_entries([
                            ("Name", Value::str(&m.name)),
                            ("Email", Value::str(&m.email)),
                            ("URL", Value::str(&m.url)),
                        ]))
                    })
                    .collect(),
            )),
        );
        map.insert("Icon", Value::str(&self.icon));
        map.insert("APIVersion", Value::str(&self.api_version));
        map.insert("Condition", Value::str(&self.condition));
        map.insert("Tags", Value::str(&self.tags));
        map.insert("AppVersion", Value::str(&self.app_version));
        map.insert("Deprecated", Value::Bool(self.deprecated));
        let annotations = Map::with_type(gotemplate::ElemType::String, None);
        for (key, value) in &self.annotations {
            annotations.insert(key.clone(), Value::str(value));
        }
        // A nil Go map when Chart.yaml has none: printed `map[]`, empty, ranged over as nothing.
        map.insert("Annotations", Value::Map(annotations));
        map.insert("KubeVersion", Value::str(&self.kube_version));
        map.insert(
            "Dependencies",
            Value::List(gotemplate::List::new(
                self.dependencies
                    .iter()
                    .map(|d| {
                        Value::Map(Map::from_entries([
                            ("Name", Value::str(&d.name)),
                            ("Version", Value::str(&d.version)),
                            ("Repository", Value::str(&d.repository)),
                            ("Condition", Value::str(&d.condition)),
                            ("Tags", strings(&d.tags)),
                            ("Enabled", Value::Bool(d.enabled)),
                            (
                                "ImportValues",
                                Value::List(gotemplate::List::new(d.import_values.clone())),
                            ),
                            ("Alias", Value::str(&d.alias)),
                        ]))
                    })
                    .collect(),
            )),
        );
        map.insert("Type", Value::str(&self.chart_type));
        map
    }
}

/// A loaded chart.
#[derive(Clone, Default)]
pub struct Chart {
    /// `Chart.yaml`.
    pub metadata: Metadata,
    /// `values.yaml`, every document merged.
    pub values: Map,
    /// The templates, by their path in the chart (`templates/x.yaml`), in load order.
    pub templates: Vec<ChartFile>,
    /// Every other file (`.Files`), by its path in the chart.
    pub files: Vec<ChartFile>,
    /// `Chart.yaml` and `values.yaml` as written, for reading them as sources.
    pub raw: Vec<ChartFile>,
    /// The subcharts under `charts/`.
    pub dependencies: Vec<Chart>,
    /// The versions `Chart.lock` (or a v1 chart's `requirements.lock`) pins, by dependency
    /// name: what `helm dependency build` fetches.
    pub locked: Vec<(String, String)>,
    /// Where the chart is, as displayed (`charts/app`, `charts/app/charts/redis`,
    /// `app.tgz!/charts/redis-1.0.tgz!`): its files are reported under it.
    pub display: String,
}

/// The `(name, version)` of each dependency a lock file pins; nothing when it cannot be read
/// (the lock only says which version a dependency resolved to).
fn locked_versions(data: &[u8]) -> Vec<(String, String)> {
    let Ok(map) = yaml::decode_values(&String::from_utf8_lossy(data)) else {
        return Vec::new();
    };
    let Some(Value::List(items)) = map.get("dependencies") else {
        return Vec::new();
    };
    items
        .iter()
        .filter_map(|item| {
            let entry = item.as_map()?;
            let text = |key: &str| match entry.get(key) {
                Some(Value::String(s)) => Some(s.to_string()),
                _ => None,
            };
            Some((text("name")?, text("version")?))
        })
        .collect()
}

impl Chart {
    /// The chart's name (its alias once dependencies are processed).
    pub fn name(&self) -> &str {
        &self.metadata.name
    }

    /// Partitions the files of one chart as Helm's loader does, loading its subcharts.
    pub fn from_files(files: Vec<ChartFile>) -> Result<Chart, String> {
        Chart::from_files_at(files, "")
    }

    /// As [`Chart::from_files`], for a chart displayed as `display`.
    pub fn from_files_at(files: Vec<ChartFile>, display: &str) -> Result<Chart, String> {
        let mut budget = TreeBudget::default();
        let loaded: u64 = files.iter().map(|f| f.data.len() as u64).sum();
        budget.spend(loaded)?;
        Chart::load(files, display.to_owned(), 0, &mut budget)
    }

    /// The display path of a file of this chart.
    pub fn file_display(&self, name: &str) -> String {
        if self.display.is_empty() {
            name.to_owned()
        } else {
            // `app.tgz!` + `/values.yaml`: the archive separator of every display path.
            format!("{}/{name}", self.display)
        }
    }

    fn load(
        files: Vec<ChartFile>,
        display: String,
        depth: usize,
        budget: &mut TreeBudget,
    ) -> Result<Chart, String> {
        if depth > MAX_SUBCHART_DEPTH {
            return Err(format!(
                "subcharts nest more than {MAX_SUBCHART_DEPTH} deep"
            ));
        }
        let metadata_file = files.iter().find(|f| f.name == "Chart.yaml");
        let Some(metadata_file) = metadata_file else {
            return Err("Chart.yaml file is missing".to_owned());
        };
        let mut metadata = parse_metadata(&metadata_file.data)
            .map_err(|e| format!("cannot load Chart.yaml: {e}"))?;
        let mut chart = Chart {
            display,
            ..Chart::default()
        };
        let mut subcharts: BTreeMap<String, Vec<ChartFile>> = BTreeMap::new();
        for file in files {
            if matches!(file.name.as_str(), "Chart.yaml" | "values.yaml") {
                chart.raw.push(file.clone());
            }
            match file.name.as_str() {
                "Chart.yaml" | "Chart.lock" | "values.schema.json" | "requirements.lock" => {
                    if file.name != "Chart.yaml" && file.name != "values.schema.json" {
                        chart.locked = locked_versions(&file.data);
                    }
                    if file.name == "requirements.lock" && metadata.api_version == "v1" {
                        chart.files.push(file);
                    }
                }
                "values.yaml" => {
                    let text = String::from_utf8_lossy(&file.data);
                    chart.values = yaml::decode_values(&text)
                        .map_err(|e| format!("cannot load values.yaml: {e}"))?;
                }
                "requirements.yaml" => {
                    // apiVersion v1 charts declare dependencies here.
                    if let Ok(extra) = parse_metadata(&file.data) {
                        metadata.dependencies = extra.dependencies;
                    }
                    if metadata.api_version == "v1" {
                        chart.files.push(file);
                    }
                }
                name if name.starts_with("templates/") => chart.templates.push(file),
                name if name.starts_with("charts/") => {
                    if name.ends_with(".prov") {
                        chart.files.push(file);
                        continue;
                    }
                    let rest = &name["charts/".len()..];
                    let chart_name = rest.split('/').next().unwrap_or(rest).to_owned();
                    let inner = rest.get(chart_name.len() + 1..).unwrap_or("").to_owned();
                    subcharts.entry(chart_name).or_default().push(ChartFile {
                        name: inner,
                        data: file.data,
                    });
                }
                _ => chart.files.push(file),
            }
        }
        validate(&metadata)?;
        chart.metadata = metadata;
        for (name, files) in subcharts {
            if name.starts_with('_') || name.starts_with('.') {
                continue;
            }
            let sub_display = chart.file_display(&format!("charts/{name}"));
            let sub = if name.ends_with(".tgz") {
                // An archive is one file under `charts/`; its `inner` name is empty.
                let Some(archive) = files.into_iter().find(|f| f.name.is_empty()) else {
                    continue;
                };
                if depth + 1 > MAX_SUBCHART_DEPTH {
                    // Said before decompressing: a deep nest costs nothing to refuse.
                    Err(format!(
                        "subcharts nest more than {MAX_SUBCHART_DEPTH} deep"
                    ))
                } else {
                    read_archive_within(archive.data.as_slice(), budget).and_then(|(top, files)| {
                        Chart::load(files, format!("{sub_display}!/{top}"), depth + 1, budget)
                    })
                }
            } else {
                let files: Vec<ChartFile> =
                    files.into_iter().filter(|f| !f.name.is_empty()).collect();
                Chart::load(files, sub_display, depth + 1, budget)
            };
            let sub = sub.map_err(|e| {
                format!(
                    "error unpacking subchart {name} in {}: {e}",
                    chart.metadata.name
                )
            })?;
            chart.dependencies.push(sub);
        }
        Ok(chart)
    }
}

/// Helm's checks of `Chart.yaml`, with its messages.
fn validate(metadata: &Metadata) -> Result<(), String> {
    if metadata.api_version.is_empty() {
        return Err("validation: chart.metadata.apiVersion is required".to_owned());
    }
    if metadata.name.is_empty() {
        return Err("validation: chart.metadata.name is required".to_owned());
    }
    if metadata.name == "." || metadata.name == ".." || metadata.name.contains('/') {
        return Err(format!(
            "validation: chart.metadata.name {:?} is invalid",
            metadata.name
        ));
    }
    if metadata.version.is_empty() {
        return Err("validation: chart.metadata.version is required".to_owned());
    }
    if !matches!(metadata.chart_type.as_str(), "" | "application" | "library") {
        return Err("validation: chart.metadata.type must be application or library".to_owned());
    }
    let mut seen = std::collections::BTreeSet::new();
    for dependency in &metadata.dependencies {
        let key = if dependency.alias.is_empty() {
            &dependency.name
        } else {
            &dependency.alias
        };
        if !seen.insert(key.clone()) {
            return Err(format!(
                "validation: more than one dependency with name or alias {key:?}"
            ));
        }
    }
    Ok(())
}

/// Reads `Chart.yaml` as Helm does: `sigs.k8s.io/yaml` into Helm's struct, where a field that
/// holds a string takes a number or boolean as text (`appVersion: 2.10` is `2.1`).
fn parse_metadata(data: &[u8]) -> Result<Metadata, String> {
    let text = String::from_utf8_lossy(data);
    let docs = doc_yaml::load(&text, 1, &Limits::default()).map_err(|e| {
        format!(
            "error converting YAML to JSON: yaml: line {}: {}",
            e.line, e.message
        )
    })?;
    let mut metadata = Metadata {
        api_version: String::new(),
        ..Metadata::default()
    };
    let Some(doc) = docs.first() else {
        metadata.api_version = "v1".to_owned();
        return Ok(metadata);
    };
    let Some(root) = doc.root().filter(|&r| doc.is_map(r)) else {
        metadata.api_version = "v1".to_owned();
        return Ok(metadata);
    };
    let field = |key: &str| {
        doc.get(root, key)
            .map(|n| text_of(doc, n))
            .unwrap_or_default()
    };
    metadata.name = field("name");
    metadata.home = field("home");
    metadata.version = field("version");
    metadata.description = field("description");
    metadata.icon = field("icon");
    metadata.api_version = field("apiVersion");
    metadata.condition = field("condition");
    metadata.tags = field("tags");
    metadata.app_version = field("appVersion");
    metadata.kube_version = field("kubeVersion");
    metadata.chart_type = field("type");
    metadata.deprecated = doc
        .get(root, "deprecated")
        .and_then(|n| doc.scalar(n))
        .is_some_and(|s| {
            s.kind == ScalarKind::Bool
                && matches!(
                    &*s.text,
                    "true"
                        | "True"
                        | "TRUE"
                        | "yes"
                        | "Yes"
                        | "YES"
                        | "on"
                        | "On"
                        | "ON"
                        | "y"
                        | "Y"
                )
        });
    metadata.sources = strings(doc, doc.get(root, "sources"));
    metadata.keywords = strings(doc, doc.get(root, "keywords"));
    if let Some(list) = doc.get(root, "maintainers") {
        for &item in doc.items(list) {
            let get = |key: &str| {
                doc.get(item, key)
                    .map(|n| text_of(doc, n))
                    .unwrap_or_default()
            };
            metadata.maintainers.push(Maintainer {
                name: get("name"),
                email: get("email"),
                url: get("url"),
            });
        }
    }
    if let Some(map) = doc.get(root, "annotations") {
        for (key, _, value) in doc.entries(map) {
            metadata
                .annotations
                .insert(key.to_owned(), text_of(doc, value));
        }
    }
    if let Some(list) = doc.get(root, "dependencies") {
        for &item in doc.items(list) {
            let get = |key: &str| {
                doc.get(item, key)
                    .map(|n| text_of(doc, n))
                    .unwrap_or_default()
            };
            let import_values = doc
                .get(item, "import-values")
                .map(|n| doc.items(n).iter().map(|&v| node_value(doc, v)).collect())
                .unwrap_or_default();
            metadata.dependencies.push(Dependency {
                name: get("name"),
                version: get("version"),
                repository: get("repository"),
                condition: get("condition"),
                tags: strings(doc, doc.get(item, "tags")),
                enabled: get("enabled") == "true",
                import_values,
                alias: get("alias"),
            });
        }
    }
    if metadata.api_version.is_empty() {
        metadata.api_version = "v1".to_owned();
    }
    Ok(metadata)
}

fn strings(doc: &Doc<'_>, node: Option<NodeId>) -> Vec<String> {
    node.map(|n| doc.items(n).iter().map(|&i| text_of(doc, i)).collect())
        .unwrap_or_default()
}

/// A scalar as the text a Go string field receives: strings as written, numbers as Go
/// prints them (a float64 is shortest `%g`), booleans as `true` or `false`, null as empty.
fn text_of(doc: &Doc<'_>, node: NodeId) -> String {
    let Some(scalar) = doc.scalar(node) else {
        return String::new();
    };
    match scalar.kind {
        ScalarKind::Null => String::new(),
        ScalarKind::Str => scalar.text.to_string(),
        ScalarKind::Bool => {
            let truthy = matches!(
                &*scalar.text,
                "true" | "True" | "TRUE" | "yes" | "Yes" | "YES" | "on" | "On" | "ON" | "y" | "Y"
            );
            truthy.to_string()
        }
        ScalarKind::Number => match yaml_number(&scalar.text) {
            Some(number) => gotemplate::fmt::sprint(&[Value::Float(number)]).unwrap_or_default(),
            None => scalar.text.to_string(),
        },
    }
}

/// A YAML 1.1 number as go-yaml reads it (underscores dropped, Go's base prefixes and
/// leading-zero octal for integers), as the float64 JSON makes of it.
fn yaml_number(text: &str) -> Option<f64> {
    let plain: String = text.chars().filter(|&c| c != '_').collect();
    let (negative, digits) = match plain.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, plain.strip_prefix('+').unwrap_or(&plain)),
    };
    let integer = if let Some(hex) = digits.strip_prefix("0x") {
        u64::from_str_radix(hex, 16).ok()
    } else if let Some(bin) = digits.strip_prefix("0b") {
        u64::from_str_radix(bin, 2).ok()
    } else if let Some(oct) = digits.strip_prefix("0o") {
        u64::from_str_radix(oct, 8).ok()
    } else if digits.len() > 1
        && digits.starts_with('0')
        && digits.bytes().all(|b| b.is_ascii_digit())
    {
        u64::from_str_radix(&digits[1..], 8).ok()
    } else if !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit()) {
        digits.parse::<u64>().ok()
    } else {
        None
    };
    if let Some(value) = integer {
        let value = value as f64;
        return Some(if negative { -value } else { value });
    }
    match digits {
        ".inf" | ".Inf" | ".INF" => Some(if negative {
            f64::NEG_INFINITY
        } else {
            f64::INFINITY
        }),
        ".nan" | ".NaN" | ".NAN" => Some(f64::NAN),
        _ => plain.parse::<f64>().ok(),
    }
}

/// An `import-values` entry: a string, or a `{child, parent}` map of strings.
fn node_value(doc: &Doc<'_>, node: NodeId) -> Value {
    if doc.is_map(node) {
        let map = Map::new();
        for (key, _, value) in doc.entries(node) {
            map.insert(key, Value::str(&text_of(doc, value)));
        }
        return Value::Map(map);
    }
    Value::str(&text_of(doc, node))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn file(name: &str, text: &str) -> ChartFile {
        ChartFile {
            name: name.to_owned(),
            data: text.as_bytes().to_vec(),
        }
    }

    #[test]
    fn files_are_partitioned_as_helm_does() {
        let chart = Chart::from_files(vec![
            file(
                "Chart.yaml",
                "apiVersion: v2\nname: top\nversion: 1.0.0\nappVersion: 2.10\n",
            ),
            file("values.yaml", "a: 1\n"),
            file("templates/a.yaml", "x"),
            file("crds/c.yaml", "y"),
            file("README.md", "z"),
            file(
                "charts/sub/Chart.yaml",
                "apiVersion: v2\nname: sub\nversion: 0.1.0\n",
            ),
            file("charts/sub/templates/b.yaml", "b"),
            file(
                "charts/_skip/Chart.yaml",
                "apiVersion: v2\nname: skip\nversion: 0.1.0\n",
            ),
        ]);
        let chart = match chart {
            Ok(chart) => chart,
            Err(e) => panic!("{e}"),
        };
        assert_eq!(
            chart.metadata.app_version, "2.1",
            "a number reads as Go prints it"
        );
        assert_eq!(chart.templates.len(), 1);
        let files: Vec<&str> = chart.files.iter().map(|f| f.name.as_str()).collect();
        assert_eq!(files, ["crds/c.yaml", "README.md"]);
        assert_eq!(chart.dependencies.len(), 1);
        assert_eq!(chart.dependencies[0].name(), "sub");
        assert_eq!(chart.dependencies[0].templates[0].name, "templates/b.yaml");
    }

    #[test]
    fn metadata_problems_are_helms_messages() {
        let err = Chart::from_files(vec![file("values.yaml", "a: 1\n")]).err();
        assert_eq!(err.as_deref(), Some("Chart.yaml file is missing"));
        let err = Chart::from_files(vec![file("Chart.yaml", "apiVersion: v2\nname: x\n")]).err();
        assert_eq!(
            err.as_deref(),
            Some("validation: chart.metadata.version is required")
        );
    }
}
