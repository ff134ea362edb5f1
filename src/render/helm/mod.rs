//! Helm charts, rendered natively as `helm template` renders them.
//!
//! Built on the Go-template engine of `crates/gotemplate` (the language and Sprig); this
//! module adds what Helm adds, one concern a file:
//! - `chart.rs`: a chart as Helm loads it (metadata, values, templates, files, subcharts);
//! - `values.rs`: user values coalesced with the charts', dependencies enabled and imported;
//! - `objects.rs`: `.Capabilities` and `.Files`;
//! - `engine.rs`: the template namespace, the data each template runs with, Helm's functions;
//! - `manifests.rs`: the split, hook and kind sort, and printing of `helm template`;
//! - `glob.rs`: `.Files.Glob` patterns.
//!
//! [`render`] is the whole of `helm template` for a local chart folder or archive.

pub mod chart;
pub mod data_funcs;
pub mod engine;
mod glob;
pub mod manifests;
pub mod objects;
pub(crate) mod renderer;
pub mod semver;

pub mod strvals;
pub mod toml;
pub mod values;
pub mod yaml;

use std::path::{Path, PathBuf};

use gotemplate::{ExecOptions, Map, Value};

use crate::inputs::chart::{read_archive_named, read_dir};
use chart::Chart;
use engine::{Problem, Release};
use manifests::{PrintOptions, Sorted};
use objects::{Capabilities, KubeVersion};
pub use renderer::Helm;

/// `helm template`'s flags, as Helm spells them.
#[derive(Debug, Clone, Default)]
pub struct Options {
    /// The release name (`release-name` when not given).
    pub name: Option<String>,
    /// `-n/--namespace` (`default` when not given).
    pub namespace: Option<String>,
    /// `-f/--values`, merged left to right.
    pub values_files: Vec<PathBuf>,
    /// `--set`, `--set-string`, `--set-json`, `--set-file`, `--set-literal`, in order of
    /// kind as Helm applies them (files first, then JSON, set, string, file, literal).
    pub sets: Vec<(SetKind, String)>,
    /// `--kube-version`
    pub kube_version: Option<String>,
    /// `-a/--api-versions` (comma lists split).
    pub api_versions: Vec<String>,
    /// `--include-crds`
    pub include_crds: bool,
    /// `--skip-tests`
    pub skip_tests: bool,
    /// `--no-hooks`
    pub no_hooks: bool,
    /// `--is-upgrade`
    pub is_upgrade: bool,
    /// `-s/--show-only`
    pub show_only: Vec<String>,
    /// Draw `randAlphaNum`, `genCA` and the other random functions from the OS, as Helm does
    /// (the `render` command). Otherwise they draw from a fixed-seed stream, so that what
    /// imgsift derives from a render (object names in JSON, overlays) is the same every run.
    pub os_random: bool,
    /// Do not trace which values each piece of the output was printed from (the `render`
    /// command prints the render and needs no trace).
    pub untraced: bool,
}

/// The seed of the stream random functions draw from when [`Options::os_random`] is off.
const RANDOM_SEED: u64 = 0x696d_6773_6966_7421;

/// Which `--set` flag a value came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum SetKind {
    /// `--set-json`
    Json,
    /// `--set`
    Set,
    /// `--set-string`
    String,
    /// `--set-file`
    File,
    /// `--set-literal`
    Literal,
}

/// A rendered chart.
pub struct Rendered {
    /// The chart as loaded, dependencies processed.
    pub chart: Chart,
    /// The values the templates saw (`.Values` of the top chart).
    pub values: Map,
    /// The manifests and hooks, sorted.
    pub sorted: Sorted,
    /// CRDs of `crds/` folders (source, text), the top chart's first.
    pub crds: Vec<(String, String)>,
    /// Templates that failed.
    pub problems: Vec<Problem>,
    /// Where each template's output was written from.
    pub maps: std::collections::BTreeMap<String, engine::Mapped>,
    /// Template name -> the file it is, as displayed.
    pub displays: std::collections::BTreeMap<String, String>,
    /// What each trace mark of the maps stands for.
    pub marks: Vec<engine::Mark>,
    /// The user's values files (as displayed, and their text), last given last, so that a
    /// traced key is placed where the user set it; the caller fills it.
    pub value_files: Vec<(std::sync::Arc<str>, String)>,
}

/// Why a chart could not be rendered at all.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Failure(pub String);

impl std::fmt::Display for Failure {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// Loads a chart folder or packaged chart.
pub fn load(path: &Path) -> Result<Chart, Failure> {
    let display = path.to_string_lossy().into_owned();
    let loaded = if path.is_dir() {
        read_dir(path).map(|files| (display, files))
    } else {
        std::fs::File::open(path)
            .map_err(|e| format!("{}: {}", path.display(), crate::diag::describe_io_error(&e)))
            .and_then(read_archive_named)
            .map(|(top, files)| (format!("{display}!/{top}"), files))
    };
    loaded
        .and_then(|(display, files)| Chart::from_files_at(files, &display))
        .map_err(Failure)
}

/// The user values of `-f` and `--set*`, merged as Helm merges them.
pub fn user_values(options: &Options) -> Result<Map, Failure> {
    let base = Map::new();
    for file in &options.values_files {
        let text = std::fs::read_to_string(file).map_err(|e| {
            Failure(format!(
                "open {}: {}",
                file.display(),
                crate::diag::describe_io_error(&e)
            ))
        })?;
        let map = yaml::decode_values(&text)
            .map_err(|e| Failure(format!("failed to parse {}: {e}", file.display())))?;
        merge_maps(&base, &map);
    }
    let mut sets = options.sets.clone();
    // Helm applies the kinds in this order, whatever order the flags were given in.
    sets.sort_by_key(|(kind, _)| *kind);
    for (kind, text) in &sets {
        let (flag, parsed) = match kind {
            SetKind::Json => {
                let trimmed = text.trim();
                if trimmed.starts_with('{') {
                    match serde_json::from_str::<serde_json::Value>(trimmed) {
                        Ok(serde_json::Value::Object(_)) => {
                            let map = json_map(trimmed);
                            merge_maps(&base, &map);
                            continue;
                        }
                        _ => {
                            return Err(Failure(format!(
                                "failed parsing --set-json data JSON: {text}"
                            )));
                        }
                    }
                }
                (
                    "--set-json",
                    strvals::parse_into(text, &base, strvals::Kind::Json)
                        .map_err(|_| format!("failed parsing --set-json data {text}")),
                )
            }
            SetKind::Set => (
                "--set",
                strvals::parse_into(text, &base, strvals::Kind::Set),
            ),
            SetKind::String => (
                "--set-string",
                strvals::parse_into(text, &base, strvals::Kind::String),
            ),
            SetKind::Literal => (
                "--set-literal",
                strvals::parse_into(text, &base, strvals::Kind::Literal),
            ),
            SetKind::File => (
                "--set-file",
                strvals::parse_file_into(text, &base, &mut |path| {
                    std::fs::read_to_string(path)
                        .map_err(|e| format!("open {path}: {}", crate::diag::describe_io_error(&e)))
                }),
            ),
        };
        parsed.map_err(|e| {
            if e.starts_with("failed parsing") {
                Failure(e)
            } else {
                Failure(format!("failed parsing {flag} data: {e}"))
            }
        })?;
    }
    Ok(base)
}

/// A JSON object as template values (numbers float64, as Go's `encoding/json` decodes them).
fn json_map(text: &str) -> Map {
    fn value(json: &serde_json::Value) -> Value {
        match json {
            serde_json::Value::Null => Value::Nil,
            serde_json::Value::Bool(b) => Value::Bool(*b),
            serde_json::Value::Number(n) => Value::Float(n.as_f64().unwrap_or_default()),
            serde_json::Value::String(s) => Value::str(s),
            serde_json::Value::Array(items) => {
                Value::List(gotemplate::List::new(items.iter().map(value).collect()))
            }
            serde_json::Value::Object(entries) => {
                let map = Map::new();
                for (k, v) in entries {
                    map.insert(k.clone(), value(v));
                }
                Value::Map(map)
            }
        }
    }
    match serde_json::from_str::<serde_json::Value>(text) {
        Ok(json) => match value(&json) {
            Value::Map(map) => map,
            _ => Map::new(),
        },
        Err(_) => Map::new(),
    }
}

/// Helm's `MergeMaps`: maps merge key by key, anything else replaces.
pub(crate) fn merge_maps(base: &Map, over: &Map) {
    for (key, value) in over.entries() {
        if let (Value::Map(over_map), Some(Value::Map(base_map))) = (&value, base.get(&key)) {
            let merged = base_map.shallow_copy();
            merge_maps(&merged, over_map);
            base.insert(key, Value::Map(merged));
            continue;
        }
        base.insert(key, value);
    }
}

/// Renders a loaded chart with user values, as `helm template` does up to printing.
pub fn render_chart(mut chart: Chart, user: &Map, options: &Options) -> Result<Rendered, Failure> {
    match chart.metadata.chart_type.as_str() {
        "" | "application" => {}
        other => return Err(Failure(format!("{other} charts are not installable"))),
    }
    let missing: Vec<&str> = chart
        .metadata
        .dependencies
        .iter()
        .filter(|d| !chart.dependencies.iter().any(|c| c.name() == d.name))
        .map(|d| d.name.as_str())
        .collect();
    if !missing.is_empty() {
        return Err(Failure(format!(
            "an error occurred while checking for chart dependencies. You may need to run 'helm dependency build' to fetch missing dependencies: found in Chart.yaml, but missing in charts/ directory: {}",
            missing.join(", ")
        )));
    }
    let kube = match &options.kube_version {
        Some(text) => KubeVersion::parse(text)
            .map_err(|e| Failure(format!("invalid kube version '{text}': {e}")))?,
        None => KubeVersion::default(),
    };
    values::process_dependencies(&mut chart, user);
    if !chart.metadata.kube_version.is_empty()
        && !semver::compatible(&chart.metadata.kube_version, &kube.normalized)
    {
        return Err(Failure(format!(
            "chart requires kubeVersion: {} which is incompatible with Kubernetes {}",
            chart.metadata.kube_version, kube.version
        )));
    }
    let release = Release {
        name: options
            .name
            .clone()
            .unwrap_or_else(|| "release-name".to_owned()),
        namespace: options
            .namespace
            .clone()
            .unwrap_or_else(|| "default".to_owned()),
        is_upgrade: options.is_upgrade,
    };
    let api_versions: Vec<String> = options
        .api_versions
        .iter()
        .flat_map(|a| a.split(',').map(str::to_owned).collect::<Vec<_>>())
        .collect();
    let capabilities = Capabilities::new(kube, &api_versions);
    let values = values::coalesce_values(&chart, user);
    let output = engine::render(
        &chart,
        &values,
        &release,
        capabilities,
        &ExecOptions {
            seed: (!options.os_random).then_some(RANDOM_SEED),
            ..ExecOptions::helm()
        },
        !options.untraced,
    );
    let sorted = manifests::sort(&output.files);
    let mut problems = output.problems;
    for (template, message) in &sorted.invalid {
        problems.push(Problem {
            template: template.clone(),
            at: None,
            message: message.clone(),
            helm: message.clone(),
        });
    }
    let crds = if options.include_crds {
        crds(&chart, "")
    } else {
        Vec::new()
    };
    Ok(Rendered {
        chart,
        values,
        sorted,
        crds,
        problems,
        maps: output.maps,
        displays: output.displays,
        marks: output.marks,
        value_files: Vec::new(),
    })
}

/// The CRDs of `crds/` of a chart and its (enabled) subcharts, as Helm's `CRDObjects`.
fn crds(chart: &Chart, parent: &str) -> Vec<(String, String)> {
    let path = if parent.is_empty() {
        chart.name().to_owned()
    } else {
        format!("{parent}/charts/{}", chart.name())
    };
    let mut out: Vec<(String, String)> = chart
        .files
        .iter()
        .filter(|f| {
            f.name.starts_with("crds/")
                && [".yaml", ".yml", ".json"]
                    .iter()
                    .any(|e| f.name.ends_with(e))
        })
        .map(|f| {
            (
                format!("{path}/{}", f.name),
                String::from_utf8_lossy(&f.data).into_owned(),
            )
        })
        .collect();
    for sub in &chart.dependencies {
        out.extend(crds(sub, &path));
    }
    out
}

/// `helm template` for a local chart: its printed output, or Helm's error.
pub fn template(path: &Path, options: &Options) -> Result<(String, Rendered), Failure> {
    let chart = load(path)?;
    let user = user_values(options)?;
    let rendered = render_chart(chart, &user, options)?;
    if let Some(problem) = rendered.problems.first() {
        return Err(Failure(problem.helm.clone()));
    }
    let print = PrintOptions {
        no_hooks: options.no_hooks,
        skip_tests: options.skip_tests,
        show_only: options.show_only.clone(),
    };
    let text = manifests::print(&rendered.crds, &rendered.sorted, &print).map_err(Failure)?;
    Ok((text, rendered))
}
