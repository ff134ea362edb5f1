//! Flux `HelmRelease`s (`helm.toolkit.fluxcd.io` v2, v2beta2, v2beta1): the releases that
//! helm-controller installs, with the chart their source names and the values it merges.
//!
//! A `HelmRelease` names its chart in one of two ways: `spec.chart.spec` (a chart name, a
//! version and a `sourceRef` to a `HelmRepository`, or a path inside a `GitRepository` or
//! `Bucket`), or `spec.chartRef` (an `OCIRepository` whose URL is the chart, or a Flux
//! `HelmChart`). The values are helm-controller's (`chartutil.ChartValuesFromReferences` of
//! fluxcd/pkg): every `spec.valuesFrom` entry in order, merged with Helm's `MergeMaps` or set
//! at a `targetPath` as `--set` sets it, then `spec.values` on top. Secrets are never read.
//!
//! Every object a release names may sit in another file than the release: the objects of the
//! whole run are collected first ([`Objects`]), and each `HelmRelease` becomes one [`Release`]
//! here, which the pipeline renders when the chart is at hand. Nothing here reads the network
//! or a file outside the folder the user named.

use std::path::{Component, Path, PathBuf};

use gotemplate::Map;
use sha2::{Digest, Sha256};

use super::helm::{self as helm_render, Options, strvals, yaml as helm_yaml};
use super::kustomize::images::ImageEntry;
use super::objects::{Found, Kind, Objects};
use super::release::{ChartRef, Location, Release, tree_values};
use crate::diag::{Code, Diagnostic};
use crate::documents::{At, Node, Tree};
use crate::escape::Printable;

/// helm-controller's bound on a release name (Helm's own): longer names are shortened.
const MAX_RELEASE_NAME: usize = 53;

/// The ConfigMap key `valuesFrom` reads when it names none.
const DEFAULT_VALUES_KEY: &str = "values.yaml";

/// The releases of the run's `HelmRelease`s, in namespace and name order.
pub fn releases(objects: &Objects, diagnostics: &mut Vec<Diagnostic>) -> Vec<Release> {
    objects
        .of(Kind::HelmRelease)
        .map(|release| one(objects, release, diagnostics))
        .collect()
}

/// The release of one `HelmRelease`. Every problem is a diagnostic; a release is always made,
/// so that its values are at least read as values.
fn one(objects: &Objects, hr: &Found, diagnostics: &mut Vec<Diagnostic>) -> Release {
    let (chart, location, at) = chart(objects, hr, diagnostics);
    let target = hr.spec_text(&["targetNamespace"]);
    let options = Options {
        name: Some(release_name(hr)),
        namespace: Some(if target.is_empty() {
            hr.namespace()
        } else {
            target
        }),
        ..Options::default()
    };
    let values_docs = hr
        .spec(&["values"])
        .filter(|v| v.is_map())
        .cloned()
        .into_iter()
        .collect();
    Release {
        by: hr.id(),
        at,
        chart,
        location,
        // `valuesFiles` would replace the chart's own values.yaml: not applied (H008 says so).
        values_files: Vec::new(),
        values: values(objects, hr, diagnostics),
        options,
        images: post_renderers(hr, diagnostics),
        values_docs,
    }
}

/// helm-controller's `GetReleaseName`, shortened by `release.ShortenName`.
fn release_name(hr: &Found) -> String {
    let given = hr.spec_text(&["releaseName"]);
    let target = hr.spec_text(&["targetNamespace"]);
    let name = if !given.is_empty() {
        given
    } else if !target.is_empty() {
        format!("{target}-{}", hr.name())
    } else {
        hr.name()
    };
    shorten_name(&name)
}

/// helm-controller's `ShortenName`: a name over 53 bytes becomes its first 40 bytes, a dash
/// and the first 12 hex digits of its SHA-256, so that two long names stay apart.
fn shorten_name(name: &str) -> String {
    if name.len() <= MAX_RELEASE_NAME {
        return name.to_owned();
    }
    let digest = Sha256::digest(name.as_bytes());
    let hex: String = digest.iter().map(|b| format!("{b:02x}")).collect();
    // Go slices bytes; Kubernetes names are ASCII, and a name that is not is cut at the last
    // character boundary before byte 40 rather than inside a character.
    let mut cut = MAX_RELEASE_NAME - 13;
    while !name.is_char_boundary(cut) {
        cut -= 1;
    }
    format!(
        "{}-{}",
        name.get(..cut).unwrap_or(""),
        hex.get(..12).unwrap_or("")
    )
}

/// The chart of a `HelmRelease`, where to find it, and where the object names it.
fn chart(
    objects: &Objects,
    hr: &Found,
    diagnostics: &mut Vec<Diagnostic>,
) -> (ChartRef, Location, At) {
    if let Some(template) = hr.spec(&["chart", "spec"]).filter(|t| t.is_map()) {
        let at = template
            .get("chart")
            .map_or_else(|| template.at.clone(), |c| c.at.clone());
        let (chart, location) = from_template(
            objects,
            hr,
            template,
            &hr.namespace(),
            "spec.chart.spec",
            diagnostics,
        );
        return (chart, location, at);
    }
    if let Some(reference) = hr.spec(&["chartRef"]).filter(|t| t.is_map()) {
        let (chart, location) = from_chart_ref(objects, hr, reference, diagnostics);
        return (chart, location, reference.at.clone());
    }
    let at = hr.spec(&["chart"]).map_or_else(
        || {
            hr.spec(&[])
                .map_or_else(|| hr.tree.at.clone(), |s| s.at.clone())
        },
        |c| c.at.clone(),
    );
    diagnostics.push(Diagnostic::error(
        Code::FluxNotApplied,
        &at.file,
        at.line,
        at.column,
        format!(
            "{} names no chart (neither `spec.chart.spec` nor `spec.chartRef`), which the API server refuses; its values are read as values",
            hr.id()
        ),
    ));
    (ChartRef::default(), Location::Lookup, at)
}

/// A chart template (`spec.chart.spec` of a `HelmRelease`, or the `spec` of a Flux
/// `HelmChart`): `chart`, `version` and `sourceRef`, its namespace defaulting to
/// `namespace`.
fn from_template(
    objects: &Objects,
    hr: &Found,
    template: &Tree,
    namespace: &str,
    field: &str,
    diagnostics: &mut Vec<Diagnostic>,
) -> (ChartRef, Location) {
    let text = |tree: &Tree, key: &str| tree.get(key).and_then(Tree::text).unwrap_or("").to_owned();
    let name = text(template, "chart");
    let version = text(template, "version");
    let source = template.get("sourceRef");
    let kind = source.map(|s| text(s, "kind")).unwrap_or_default();
    let source_name = source.map(|s| text(s, "name")).unwrap_or_default();
    let source_namespace = source
        .map(|s| text(s, "namespace"))
        .filter(|n| !n.is_empty())
        .unwrap_or_else(|| namespace.to_owned());
    values_files(hr, template, field, diagnostics);
    if name.is_empty() {
        let at = template.at.clone();
        diagnostics.push(error_at(
            Code::FluxNotApplied,
            &at,
            format!(
                "`{field}` of {} names no `chart`, which the API server refuses; its values are read as values",
                hr.id()
            ),
        ));
        return (ChartRef::default(), Location::Lookup);
    }
    match kind.as_str() {
        "GitRepository" | "Bucket" => {
            // The chart is a path inside the source's artifact; the version is ignored, as
            // source-controller ignores it for these sources.
            let url = if kind == "GitRepository" {
                objects
                    .get(Kind::GitRepository, &source_namespace, &source_name)
                    .map(|g| g.spec_text(&["url"]))
                    .unwrap_or_default()
            } else {
                String::new()
            };
            let at = template
                .get("chart")
                .map_or_else(|| template.at.clone(), |c| c.at.clone());
            path_chart(hr, &name, url, &kind, &source_name, &at, diagnostics)
        }
        _ => {
            // A `HelmRepository` (the only other kind the API allows): its URL, `https://` or
            // `oci://` (`type: oci`), as written. A source not in the scan leaves the
            // repository empty; the missing chart's error names the chart and version.
            let repository = objects
                .get(Kind::HelmRepository, &source_namespace, &source_name)
                .map(|r| r.spec_text(&["url"]))
                .unwrap_or_default();
            (
                ChartRef {
                    name,
                    version,
                    repository,
                },
                Location::Lookup,
            )
        }
    }
}

/// `spec.chartRef`: an `OCIRepository` (its URL is the chart) or a Flux `HelmChart` (a chart
/// template of its own), in the `HelmRelease`'s namespace unless it names one.
fn from_chart_ref(
    objects: &Objects,
    hr: &Found,
    reference: &Tree,
    diagnostics: &mut Vec<Diagnostic>,
) -> (ChartRef, Location) {
    let text = |key: &str| {
        reference
            .get(key)
            .and_then(Tree::text)
            .unwrap_or("")
            .to_owned()
    };
    let kind = text("kind");
    let name = text("name");
    let namespace = Some(text("namespace"))
        .filter(|n| !n.is_empty())
        .unwrap_or_else(|| hr.namespace());
    let found = match kind.as_str() {
        "OCIRepository" => objects.get(Kind::OciRepository, &namespace, &name),
        "HelmChart" => objects.get(Kind::FluxHelmChart, &namespace, &name),
        _ => {
            diagnostics.push(error_at(
                Code::FluxNotApplied,
                &reference.at,
                format!(
                    "`spec.chartRef` of {} names a {:?}, which is neither an OCIRepository nor a HelmChart (the API server refuses it); its chart is unknown and its values are read as values",
                    hr.id(),
                    Printable(&kind).to_string()
                ),
            ));
            return (ChartRef::default(), Location::Lookup);
        }
    };
    let Some(source) = found else {
        // The chart's name is in the source's URL or spec: without it, nothing names the
        // chart, and the missing chart's error cannot say which one to fetch.
        diagnostics.push(warning_at(
            Code::FluxObjectMissing,
            &reference.at,
            format!(
                "`spec.chartRef` of {} names {kind}/{}/{}, which is not in the scan, so the chart it serves is unknown; scan it with the HelmRelease",
                hr.id(),
                Printable(&namespace),
                Printable(&name)
            ),
        ));
        return (ChartRef::default(), Location::Lookup);
    };
    if source.kind == Kind::FluxHelmChart {
        let Some(template) = source.spec(&[]).filter(|t| t.is_map()) else {
            return (ChartRef::default(), Location::Lookup);
        };
        // A HelmChart's `sourceRef` has no namespace: its source is in its own namespace.
        return from_template(
            objects,
            hr,
            template,
            &source.namespace(),
            &format!("spec of {}", source.id()),
            diagnostics,
        );
    }
    let chart = oci_chart(source);
    if chart.name.is_empty() {
        let at = source
            .spec(&["url"])
            .map_or_else(|| source.tree.at.clone(), |u| u.at.clone());
        diagnostics.push(warning_at(
            Code::FluxNotApplied,
            &at,
            format!(
                "{}, which {} installs its chart from, has no `spec.url` of the form oci://HOST/PATH/CHART, so the chart is unknown",
                source.id(),
                hr.id()
            ),
        ));
    }
    (chart, Location::Lookup)
}

/// The chart of an `OCIRepository`: its URL is `oci://host/path/<chart>`, and its ref the
/// version (source-controller prefers `semver` to `tag`; a digest alone gives no version).
fn oci_chart(source: &Found) -> ChartRef {
    let url = source.spec_text(&["url"]);
    let trimmed = url.trim_end_matches('/');
    let after_scheme = trimmed.strip_prefix("oci://").unwrap_or(trimmed);
    let (repository, name) = match trimmed.rsplit_once('/') {
        // `oci://host` alone names a registry, not a chart.
        Some((repository, name)) if after_scheme.contains('/') => {
            (repository.to_owned(), name.to_owned())
        }
        _ => (trimmed.to_owned(), String::new()),
    };
    let semver = source.spec_text(&["ref", "semver"]);
    let version = if semver.is_empty() {
        source.spec_text(&["ref", "tag"])
    } else {
        semver
    };
    ChartRef {
        name,
        version,
        repository,
    }
}

/// A chart that is a path inside a `GitRepository` or `Bucket`: looked up in the folder the
/// user named, which is taken to be the repository (the usual layout of a Flux repository,
/// whose charts sit beside the releases). A path that leaves that folder is not read; a path
/// that is not there is looked up by its last component among the `--charts` folders.
fn path_chart(
    hr: &Found,
    path: &str,
    url: String,
    kind: &str,
    source_name: &str,
    at: &At,
    diagnostics: &mut Vec<Diagnostic>,
) -> (ChartRef, Location) {
    let relative = Path::new(path);
    let mut clean = PathBuf::new();
    let mut escapes = false;
    for component in relative.components() {
        match component {
            Component::Normal(part) => clean.push(part),
            Component::CurDir => {}
            Component::ParentDir | Component::RootDir | Component::Prefix(_) => escapes = true,
        }
    }
    // Helm names a chart folder after the chart, so the folder's name is the best name to
    // look the chart up by when the path is not at hand.
    let guess = clean
        .file_name()
        .and_then(|n| n.to_str())
        .map(|n| {
            n.trim_end_matches(".tgz")
                .trim_end_matches(".tar.gz")
                .to_owned()
        })
        .unwrap_or_default();
    let lookup = ChartRef {
        name: guess,
        version: String::new(),
        repository: url,
    };
    let source = format!("{kind} {:?}", Printable(source_name).to_string());
    let why = if escapes {
        "is not relative to the repository's root (`..` or an absolute path); imgsift reads nothing outside the folder it was given, so it was not read".to_owned()
    } else {
        match hr.root.as_deref() {
            None => "cannot be looked up: the HelmRelease was read from a file named on its own, not from a folder taken as the repository".to_owned(),
            Some(root) => match locate(root, &hr.tree.at.file, &clean) {
                Err(why) => why,
                Ok(found) => return (lookup, Location::Path(found)),
            },
        }
    };
    diagnostics.push(warning_at(
        Code::FluxNotApplied,
        at,
        format!(
            "{} installs the chart at {:?} of {source}, which {why}; the chart is looked up by the name {:?} among the --charts folders instead",
            hr.id(),
            Printable(path).to_string(),
            Printable(&lookup.name).to_string()
        ),
    ));
    (lookup, Location::Lookup)
}

/// The chart at `path` of the repository the `HelmRelease` (written in `file`) is in, looked
/// up inside the folder the user named (`root`), never above it. The repository's root is
/// where Flux resolves the path: the nearest folder holding `.git` above the release's file,
/// else the folder named (the usual case: the user names the clone), else each folder between
/// the two, nearest first (a folder named above several repositories).
fn locate(root: &Path, file: &str, path: &Path) -> Result<PathBuf, String> {
    let not_found = || {
        format!(
            "is neither under {} nor under a folder of it holding the release (scan the repository's root folder)",
            Printable(&root.to_string_lossy())
        )
    };
    let Ok(real_root) = std::fs::canonicalize(root) else {
        return Err(not_found());
    };
    // The folders between the release's file and the root, relative to the root.
    let between: Vec<PathBuf> = std::fs::canonicalize(Path::new(file))
        .ok()
        .and_then(|f| f.parent().map(Path::to_path_buf))
        .map(|dir| {
            dir.ancestors()
                .filter_map(|a| a.strip_prefix(&real_root).ok())
                .map(Path::to_path_buf)
                .collect()
        })
        .unwrap_or_default();
    let mut bases: Vec<PathBuf> = between
        .iter()
        .find(|rel| real_root.join(rel).join(".git").exists())
        .cloned()
        .into_iter()
        .collect();
    bases.push(PathBuf::new());
    bases.extend(between);
    let mut refused = None;
    let mut seen: Vec<PathBuf> = Vec::new();
    for base in bases {
        if seen.contains(&base) {
            continue;
        }
        let candidate = root.join(&base).join(path);
        match inside(root, &candidate) {
            Ok(()) => return Ok(candidate),
            // A path that is there but cannot be used says why, rather than "not found".
            Err(why) if refused.is_none() && std::fs::symlink_metadata(&candidate).is_ok() => {
                refused = Some(why);
            }
            Err(_) => {}
        }
        seen.push(base);
    }
    Err(refused.unwrap_or_else(not_found))
}

/// Whether `path` is a chart (a folder with `Chart.yaml`, or a packaged chart) inside `root`,
/// symbolic links resolved; otherwise why not.
fn inside(root: &Path, path: &Path) -> Result<(), String> {
    let (Ok(root), Ok(real)) = (std::fs::canonicalize(root), std::fs::canonicalize(path)) else {
        return Err(format!(
            "is not in the scanned folder {}",
            Printable(&root.to_string_lossy())
        ));
    };
    if !real.starts_with(&root) {
        return Err(
            "leads outside the scanned folder through a symbolic link; imgsift reads nothing outside the folder it was given, so it was not read"
                .to_owned(),
        );
    }
    let chart = if real.is_dir() {
        crate::inputs::chart::is_chart_dir(&real)
    } else {
        real.is_file() && crate::inputs::chart::is_archive_name(&real)
    };
    if chart {
        Ok(())
    } else {
        Err("is neither a chart folder (with Chart.yaml) nor a packaged chart".to_owned())
    }
}

/// `valuesFiles` (and v2beta1's `valuesFile`) replace the chart's `values.yaml` with other
/// files of the chart, which source-controller merges into the chart it packages. imgsift
/// renders the chart with its own `values.yaml`: a warning says so, unless the list is that
/// file alone.
fn values_files(hr: &Found, template: &Tree, field: &str, diagnostics: &mut Vec<Diagnostic>) {
    let mut files: Vec<(&str, &At)> = template
        .get("valuesFiles")
        .map(Tree::items)
        .unwrap_or_default()
        .iter()
        .filter_map(|f| Some((f.text()?, &f.at)))
        .collect();
    if let Some(single) = template.get("valuesFile") {
        if let Some(text) = single.text() {
            files.push((text, &single.at));
        }
    }
    // source-controller compares the cleaned path: `./values.yaml` is the chart's own.
    let own = |name: &str| {
        Path::new(name)
            .components()
            .filter(|c| !matches!(c, Component::CurDir))
            .collect::<PathBuf>()
            == Path::new("values.yaml")
    };
    if files.iter().all(|(name, _)| own(name)) {
        return;
    }
    let Some((_, at)) = files.first() else {
        return;
    };
    let names: Vec<String> = files
        .iter()
        .map(|(name, _)| format!("{:?}", Printable(name).to_string()))
        .collect();
    diagnostics.push(warning_at(
        Code::FluxNotApplied,
        at,
        format!(
            "`valuesFiles` of `{field}` of {} ({}) were not applied: imgsift renders the chart with its own values.yaml, so images only these files set are not listed",
            hr.id(),
            names.join(", ")
        ),
    ));
}

/// The user values as helm-controller computes them: each `valuesFrom` entry in order, then
/// `spec.values`.
fn values(objects: &Objects, hr: &Found, diagnostics: &mut Vec<Diagnostic>) -> Map {
    let inline = match hr.spec(&["values"]) {
        Some(tree) if tree.is_map() => match tree_values(tree) {
            Ok(map) => map,
            Err(err) => {
                diagnostics.push(error_at(
                    Code::ChartUnrenderable,
                    &tree.at,
                    format!(
                        "`spec.values` of {} cannot be read as Helm values ({}); they were not used",
                        hr.id(),
                        Printable(&err)
                    ),
                ));
                Map::new()
            }
        },
        _ => Map::new(),
    };
    let result = Map::new();
    let entries = hr
        .spec(&["valuesFrom"])
        .map(Tree::items)
        .unwrap_or_default();
    for (index, entry) in entries.iter().enumerate() {
        value_reference(objects, hr, entry, index, &inline, &result, diagnostics);
    }
    helm_render::merge_maps(&result, &inline);
    result
}

/// One `valuesFrom` entry merged into `result` (fluxcd/pkg `ChartValuesFromReferences`).
fn value_reference(
    objects: &Objects,
    hr: &Found,
    entry: &Tree,
    index: usize,
    inline: &Map,
    result: &Map,
    diagnostics: &mut Vec<Diagnostic>,
) {
    let text = |key: &str| entry.get(key).and_then(Tree::text).unwrap_or("").to_owned();
    let kind = text("kind");
    let name = text("name");
    let key = Some(text("valuesKey"))
        .filter(|k| !k.is_empty())
        .unwrap_or_else(|| DEFAULT_VALUES_KEY.to_owned());
    let target = text("targetPath");
    let optional = entry.get("optional").is_some_and(is_true);
    let literal = entry.get("literal").is_some_and(is_true);
    let what = format!("`valuesFrom[{index}]` of {}", hr.id());
    let namespace = hr.namespace();
    match kind.as_str() {
        "ConfigMap" => {}
        "Secret" => {
            diagnostics.push(warning_at(
                Code::SecretNotRead,
                &entry.at,
                format!(
                    "{what} names Secret {:?}; a Secret is never read, so none of its values were used",
                    Printable(&name).to_string()
                ),
            ));
            return;
        }
        _ => {
            diagnostics.push(error_at(
                Code::FluxNotApplied,
                &entry.at,
                format!(
                    "{what} names a {:?}, which is neither a ConfigMap nor a Secret (the API server refuses it); it was not used",
                    Printable(&kind).to_string()
                ),
            ));
            return;
        }
    }
    let Some(config_map) = objects.get(Kind::ConfigMap, &namespace, &name) else {
        if !optional {
            let budget = if objects.config_maps_dropped {
                format!(
                    " (this run kept ConfigMaps up to {} MiB in all and {} MiB each, and left the rest out: it may be one of them)",
                    super::objects::CONFIG_MAP_BUDGET >> 20,
                    super::objects::CONFIG_MAP_MAX >> 20
                )
            } else {
                String::new()
            };
            diagnostics.push(warning_at(
                Code::FluxObjectMissing,
                &entry.at,
                format!(
                    "{what} names ConfigMap {}/{}, which is not in the scan{budget}; its values were not used",
                    Printable(&namespace),
                    Printable(&name)
                ),
            ));
        }
        return;
    };
    let Some(data) = config_map
        .tree
        .get_path(&["data", &key])
        .and_then(Tree::text)
    else {
        // helm-controller fails the release, unless the entry is optional; imgsift renders
        // it without these values, and says so.
        if !optional {
            diagnostics.push(warning_at(
                Code::FluxObjectMissing,
                &entry.at,
                format!(
                    "{what} names key {:?} of {}, which has no such key in `data`; its values were not used",
                    Printable(&key).to_string(),
                    config_map.label()
                ),
            ));
        }
        return;
    };
    let refused = |diagnostics: &mut Vec<Diagnostic>, err: String| {
        diagnostics.push(error_at(
            Code::ChartUnrenderable,
            &entry.at,
            format!(
                "{what}: key {:?} of {} {err}, so helm-controller refuses the release; it was rendered without these values",
                Printable(&key).to_string(),
                config_map.label()
            ),
        ));
    };
    if !target.is_empty() {
        // As the controller does: the inline values first, so that a value set at a target
        // path wins over them.
        helm_render::merge_maps(result, inline);
        if let Err(err) = replace_path(result, &target, data, literal) {
            refused(
                diagnostics,
                format!(
                    "cannot be set at `targetPath` {:?} as Helm's --set would set it ({})",
                    Printable(&target).to_string(),
                    Printable(&err)
                ),
            );
        }
        return;
    }
    // Helm's `ReadValues` (sigs.k8s.io/yaml): the first document, a mapping.
    match helm_yaml::decode_map(data) {
        Ok(map) => helm_render::merge_maps(result, &map),
        Err(err) => refused(
            diagnostics,
            format!(
                "cannot be read as Helm values ({})",
                Printable(&err.to_string())
            ),
        ),
    }
}

/// fluxcd/pkg's `ReplacePathValue` (`path=value` through `--set`, or through `--set-string`
/// when the value is quoted, its quotes trimmed) and, with `literal`, `ReplacePathLiteralValue`
/// (`--set-string` with strvals' syntax characters escaped, so the value is kept verbatim).
fn replace_path(values: &Map, path: &str, value: &str, literal: bool) -> Result<(), String> {
    if literal {
        let mut escaped = String::with_capacity(value.len());
        for c in value.chars() {
            if matches!(c, '\\' | ',' | '[' | ']' | '{' | '}') {
                escaped.push('\\');
            }
            escaped.push(c);
        }
        return strvals::parse_into(&format!("{path}={escaped}"), values, strvals::Kind::String);
    }
    let quoted = |q: char| value.starts_with(q) && value.ends_with(q);
    if quoted('\'') || quoted('"') {
        // Go's `strings.Trim` with both quotes as the cut set: every leading and trailing
        // quote of either kind goes.
        let trimmed = value.trim_matches(|c| c == '\'' || c == '"');
        return strvals::parse_into(&format!("{path}={trimmed}"), values, strvals::Kind::String);
    }
    strvals::parse_into(&format!("{path}={value}"), values, strvals::Kind::Set)
}

/// The image overrides of `spec.postRenderers[].kustomize.images`, applied to the render in
/// order as each post-renderer's kustomize build applies them. Patches are not applied: a
/// warning names each one that could change an image.
fn post_renderers(hr: &Found, diagnostics: &mut Vec<Diagnostic>) -> Vec<ImageEntry> {
    let mut images = Vec::new();
    let renderers = hr
        .spec(&["postRenderers"])
        .map(Tree::items)
        .unwrap_or_default();
    for (index, renderer) in renderers.iter().enumerate() {
        let Some(kustomize) = renderer.get("kustomize") else {
            continue;
        };
        for item in kustomize.get("images").map(Tree::items).unwrap_or_default() {
            let field = |key: &str| item.get(key).and_then(Tree::text).unwrap_or("").to_owned();
            let name = field("name");
            if name.is_empty() {
                diagnostics.push(error_at(
                    Code::FluxNotApplied,
                    &item.at,
                    format!(
                        "an `images` entry of `postRenderers[{index}]` of {} has no `name`, which the API server refuses; it changes nothing",
                        hr.id()
                    ),
                ));
                continue;
            }
            let label = format!(
                "postRenderers[{index}] images {:?} ({}:{})",
                Printable(&name).to_string(),
                item.at.file,
                item.at.line
            );
            let entry = ImageEntry::new(
                &name,
                &field("newName"),
                &field("newTag"),
                &field("digest"),
                label,
            );
            if !entry.is_valid() {
                diagnostics.push(warning_at(
                    Code::Pattern,
                    &item.at,
                    format!(
                        "`images` name {:?} of `postRenderers[{index}]` of {} is not a pattern kustomize can match; the entry changes nothing",
                        Printable(&name).to_string(),
                        hr.id()
                    ),
                ));
            }
            images.push(entry);
        }
        // `patches` (v2), and v2beta1's `patchesStrategicMerge` and `patchesJson6902`.
        for key in ["patches", "patchesStrategicMerge", "patchesJson6902"] {
            for patch in kustomize.get(key).map(Tree::items).unwrap_or_default() {
                if mentions_images(patch) {
                    diagnostics.push(warning_at(
                        Code::FluxNotApplied,
                        &patch.at,
                        format!(
                            "a `{key}` entry of `postRenderers[{index}]` of {} was not applied: imgsift applies only the `images` of a post-renderer, so an image this patch sets or removes is listed as the chart renders it",
                            hr.id()
                        ),
                    ));
                }
            }
        }
    }
    images
}

/// Whether a patch could change what is pulled: it names an image or a container (a key, a
/// JSON patch path, or text inside a patch written as a string). A patch of labels or
/// resources changes no image and is left without a warning.
fn mentions_images(tree: &Tree) -> bool {
    let names = |text: &str| {
        let lower = text.to_ascii_lowercase();
        lower.contains("image") || lower.contains("container")
    };
    match &tree.node {
        Node::Scalar { text, .. } => names(text),
        Node::Seq(items) => items.iter().any(mentions_images),
        Node::Map(entries) => entries
            .iter()
            .any(|(key, value)| names(key) || mentions_images(value)),
    }
}

/// A boolean field that is true as kubectl's YAML reader (YAML 1.1) types it: `true`, `yes`,
/// `on`, `y`, in any of their cases.
fn is_true(tree: &Tree) -> bool {
    match &tree.node {
        Node::Scalar {
            text,
            kind: crate::documents::ScalarKind::Bool,
            ..
        } => matches!(
            text.to_ascii_lowercase().as_str(),
            "true" | "yes" | "on" | "y"
        ),
        _ => false,
    }
}

fn warning_at(code: Code, at: &At, message: String) -> Diagnostic {
    Diagnostic::warning(code, &at.file, at.line, at.column, message)
}

fn error_at(code: Code, at: &At, message: String) -> Diagnostic {
    Diagnostic::error(code, &at.file, at.line, at.column, message)
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use super::*;
    use crate::documents::Limits;

    fn objects(text: &str, root: Option<&Path>) -> Objects {
        objects_in(text, root, "m.yaml")
    }

    fn objects_in(text: &str, root: Option<&Path>, file: &str) -> Objects {
        let file: Arc<str> = Arc::from(file);
        let docs = crate::documents::yaml::load(text, 1, &Limits::default()).unwrap_or_default();
        let list = docs
            .iter()
            .enumerate()
            .filter_map(|(i, doc)| {
                let id = doc.root()?;
                let tree = Tree::from_doc(doc, id, &file);
                let kind = Kind::of(
                    tree.get("apiVersion").and_then(Tree::text).unwrap_or(""),
                    tree.get("kind").and_then(Tree::text).unwrap_or(""),
                )?;
                Some(Found {
                    kind,
                    tree,
                    document: u32::try_from(i + 1).unwrap_or(0),
                    root: root.map(|r| Arc::new(r.to_path_buf())),
                })
            })
            .collect();
        Objects::new(list)
    }

    fn yaml(values: &Map) -> String {
        helm_yaml::to_yaml(&gotemplate::Value::Map(values.clone()))
    }

    const HR: &str = "apiVersion: helm.toolkit.fluxcd.io/v2\nkind: HelmRelease\nmetadata:\n  name: web\n  namespace: apps\n";

    fn config_map(name: &str, namespace: &str, key: &str, text: &str) -> String {
        let body: String = text.lines().map(|l| format!("    {l}\n")).collect();
        format!(
            "---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {name}\n  namespace: {namespace}\ndata:\n  {key}: |\n{body}"
        )
    }

    /// A ConfigMap holding one flat value, as `kubectl create configmap --from-literal` writes it.
    fn config_value(name: &str, namespace: &str, key: &str, value: &str) -> String {
        format!(
            "---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {name}\n  namespace: {namespace}\ndata:\n  {key}: \"{value}\"\n"
        )
    }

    fn release_of(text: &str) -> (Release, Vec<Diagnostic>) {
        let objects = objects(text, None);
        let mut diagnostics = Vec::new();
        let mut releases = releases(&objects, &mut diagnostics);
        assert_eq!(releases.len(), 1, "{diagnostics:?}");
        (releases.remove(0), diagnostics)
    }

    #[test]
    fn flux_names_are_shortened_as_helm_controller_shortens_them() {
        // helm-controller's own cases (internal/release/name_test.go).
        assert_eq!(shorten_name("release-name"), "release-name");
        assert_eq!(
            shorten_name("release-name-with-very-long-name-which-is-longer-than-53-characters"),
            "release-name-with-very-long-name-which-i-788ca0d0d7b0"
        );
        assert_eq!(
            shorten_name(
                "another-release-name-with-very-long-name-which-is-longer-than-53-characters"
            ),
            "another-release-name-with-very-long-name-7e72150d5a36"
        );
        assert_eq!(shorten_name(""), "");
        // A name that is not ASCII is cut at a character boundary, never inside one.
        let wide = "é".repeat(40);
        assert!(shorten_name(&wide).len() <= MAX_RELEASE_NAME);
    }

    #[test]
    fn flux_release_name_and_namespace_follow_target_namespace() {
        let (release, _) = release_of(&format!(
            "{HR}spec:\n  targetNamespace: prod\n  chart:\n    spec:\n      chart: web\n"
        ));
        assert_eq!(release.options.name.as_deref(), Some("prod-web"));
        assert_eq!(release.options.namespace.as_deref(), Some("prod"));
        let (release, _) = release_of(&format!(
            "{HR}spec:\n  releaseName: site\n  chart:\n    spec:\n      chart: web\n"
        ));
        assert_eq!(release.options.name.as_deref(), Some("site"));
        assert_eq!(release.options.namespace.as_deref(), Some("apps"));
        assert_eq!(release.by, "HelmRelease/apps/web");
    }

    #[test]
    fn flux_values_from_merge_in_order_then_inline_values() {
        let text = format!(
            "{HR}spec:\n  chart:\n    spec:\n      chart: web\n  valuesFrom:\n  - kind: ConfigMap\n    name: a\n  - kind: ConfigMap\n    name: b\n    valuesKey: extra.yaml\n  values:\n    image:\n      tag: inline\n{}{}{}",
            config_map(
                "a",
                "apps",
                "values.yaml",
                "image:\n  repository: r/a\n  tag: a\nkeep: 1\n"
            ),
            config_map(
                "b",
                "apps",
                "extra.yaml",
                "image:\n  repository: r/b\n  tag: b\n"
            ),
            config_map("b", "other", "extra.yaml", "image:\n  repository: decoy\n")
        );
        let (release, diagnostics) = release_of(&text);
        assert!(diagnostics.is_empty(), "{diagnostics:?}");
        assert_eq!(
            yaml(&release.values),
            "image:\n  repository: r/b\n  tag: inline\nkeep: 1"
        );
    }

    #[test]
    fn flux_target_path_overrides_inline_values_as_the_controller_merges_them() {
        // No earlier map at the path: the value set there is shared with the inline values
        // (Go's maps are references), so it wins over them.
        let text = format!(
            "{HR}spec:\n  chart:\n    spec:\n      chart: web\n  valuesFrom:\n  - kind: ConfigMap\n    name: t\n    valuesKey: tag\n    targetPath: image.tag\n  values:\n    image:\n      tag: inline\n{}",
            config_value("t", "apps", "tag", "1.10")
        );
        let (release, _) = release_of(&text);
        // `--set` types integers and booleans only: `1.10` stays the string it is.
        assert_eq!(yaml(&release.values), "image:\n  tag: \"1.10\"");
        // A map at the path from an earlier entry: the inline value is merged over it last.
        let text = format!(
            "{HR}spec:\n  chart:\n    spec:\n      chart: web\n  valuesFrom:\n  - kind: ConfigMap\n    name: a\n  - kind: ConfigMap\n    name: t\n    valuesKey: tag\n    targetPath: image.tag\n  values:\n    image:\n      tag: inline\n{}{}",
            config_map("a", "apps", "values.yaml", "image:\n  tag: a\n"),
            config_value("t", "apps", "tag", "1.10")
        );
        let (release, _) = release_of(&text);
        assert_eq!(yaml(&release.values), "image:\n  tag: inline");
    }

    #[test]
    fn flux_quoted_and_literal_target_values_stay_strings() {
        let values = Map::new();
        assert!(replace_path(&values, "a", "\"1.10\"", false).is_ok());
        assert!(replace_path(&values, "b", "'x'", false).is_ok());
        assert!(replace_path(&values, "c", "true", false).is_ok());
        assert!(replace_path(&values, "d", "x,y=[1]", true).is_ok());
        assert_eq!(yaml(&values), "a: \"1.10\"\nb: x\nc: true\nd: x,y=[1]");
        // Unquoted, `--set` splits on commas, as the controller's would.
        let values = Map::new();
        assert!(replace_path(&values, "a", "x,b=z", false).is_ok());
        assert_eq!(yaml(&values), "a: x\nb: z");
    }

    #[test]
    fn flux_secrets_are_never_read_and_missing_config_maps_are_said() {
        let text = format!(
            "{HR}spec:\n  chart:\n    spec:\n      chart: web\n  valuesFrom:\n  - kind: Secret\n    name: creds\n  - kind: ConfigMap\n    name: gone\n  - kind: ConfigMap\n    name: maybe\n    optional: true\n  - kind: ConfigMap\n    name: perhaps\n    optional: yes\n  - kind: ConfigMap\n    name: quoted\n    optional: \"true\"\n"
        );
        let (release, diagnostics) = release_of(&text);
        assert_eq!(yaml(&release.values), "{}");
        let codes: Vec<&str> = diagnostics.iter().map(|d| d.code.as_str()).collect();
        // A quoted "true" is a string, which the API server refuses for a boolean: not optional.
        assert_eq!(codes, ["V003", "H007", "H007"], "{diagnostics:?}");
    }

    #[test]
    fn flux_a_missing_config_map_may_be_one_past_the_budget() {
        let text = format!(
            "{HR}spec:\n  chart:\n    spec:\n      chart: web\n  valuesFrom:\n  - kind: ConfigMap\n    name: gone\n"
        );
        let mut objects = objects(&text, None);
        objects.config_maps_dropped = true;
        let mut diagnostics = Vec::new();
        let _ = releases(&objects, &mut diagnostics);
        assert!(
            diagnostics
                .iter()
                .any(|d| d.code == Code::FluxObjectMissing && d.message.contains("64 MiB")),
            "{diagnostics:?}"
        );
    }

    #[test]
    fn flux_oci_repository_url_names_the_chart() {
        let text = format!(
            "{HR}spec:\n  chartRef:\n    kind: OCIRepository\n    name: podinfo\n---\napiVersion: source.toolkit.fluxcd.io/v1\nkind: OCIRepository\nmetadata:\n  name: podinfo\n  namespace: apps\nspec:\n  url: oci://ghcr.io/stefanprodan/charts/podinfo\n  ref:\n    tag: 6.5.0\n"
        );
        let (release, _) = release_of(&text);
        assert_eq!(
            release.chart,
            ChartRef {
                name: "podinfo".into(),
                version: "6.5.0".into(),
                repository: "oci://ghcr.io/stefanprodan/charts".into(),
            }
        );
    }

    #[test]
    fn flux_helm_chart_ref_uses_the_source_of_its_own_namespace() {
        let text = format!(
            "{HR}spec:\n  chartRef:\n    kind: HelmChart\n    name: web\n    namespace: flux-system\n---\napiVersion: source.toolkit.fluxcd.io/v1\nkind: HelmChart\nmetadata:\n  name: web\n  namespace: flux-system\nspec:\n  chart: web\n  version: 1.x\n  sourceRef:\n    kind: HelmRepository\n    name: charts\n---\napiVersion: source.toolkit.fluxcd.io/v1\nkind: HelmRepository\nmetadata:\n  name: charts\n  namespace: flux-system\nspec:\n  url: https://charts.example.com\n---\napiVersion: source.toolkit.fluxcd.io/v1\nkind: HelmRepository\nmetadata:\n  name: charts\n  namespace: apps\nspec:\n  url: https://decoy.example.com\n"
        );
        let (release, diagnostics) = release_of(&text);
        assert!(diagnostics.is_empty(), "{diagnostics:?}");
        assert_eq!(
            release.chart,
            ChartRef {
                name: "web".into(),
                version: "1.x".into(),
                repository: "https://charts.example.com".into(),
            }
        );
    }

    #[test]
    fn flux_git_paths_stay_inside_the_scanned_folder() {
        let Ok(dir) = tempfile::tempdir() else {
            panic!("no temporary folder");
        };
        let chart = dir.path().join("charts/web");
        assert!(std::fs::create_dir_all(&chart).is_ok());
        assert!(std::fs::write(chart.join("Chart.yaml"), "name: web\nversion: 1.0.0\n").is_ok());
        assert!(std::fs::create_dir_all(dir.path().join("plain")).is_ok());
        let release = |path: &str| {
            let text = format!(
                "{HR}spec:\n  chart:\n    spec:\n      chart: {path}\n      version: 9.9.9\n      sourceRef: {{kind: GitRepository, name: repo}}\n---\napiVersion: source.toolkit.fluxcd.io/v1\nkind: GitRepository\nmetadata:\n  name: repo\n  namespace: apps\nspec:\n  url: https://git.example.com/fleet\n"
            );
            let objects = objects(&text, Some(dir.path()));
            let mut diagnostics = Vec::new();
            let mut list = releases(&objects, &mut diagnostics);
            (list.remove(0), diagnostics)
        };
        let (found, diagnostics) = release("./charts/web");
        assert!(diagnostics.is_empty(), "{diagnostics:?}");
        assert!(
            matches!(&found.location, Location::Path(p) if *p == dir.path().join("charts/web")),
            "{:?}",
            found.location
        );
        // The version does not apply to a Git source; the URL is the repository.
        assert_eq!(found.chart.version, "");
        assert_eq!(found.chart.repository, "https://git.example.com/fleet");
        // A link out of the folder is not followed.
        #[cfg(unix)]
        {
            let Ok(outside) = tempfile::tempdir() else {
                panic!("no temporary folder");
            };
            assert!(
                std::fs::write(
                    outside.path().join("Chart.yaml"),
                    "name: web\nversion: 1.0.0\n"
                )
                .is_ok()
            );
            assert!(std::os::unix::fs::symlink(outside.path(), dir.path().join("link")).is_ok());
        }
        for path in [
            "../charts/web",
            "/charts/web",
            "charts/gone",
            "plain",
            "link",
        ] {
            let (lookup, diagnostics) = release(path);
            assert!(matches!(lookup.location, Location::Lookup), "{path}");
            assert_eq!(
                diagnostics
                    .iter()
                    .map(|d| d.code.as_str())
                    .collect::<Vec<_>>(),
                ["H008"],
                "{path}"
            );
        }
        // A file named on its own has no folder to look the path up in.
        let text = format!(
            "{HR}spec:\n  chart:\n    spec:\n      chart: ./charts/web\n      sourceRef: {{kind: GitRepository, name: repo}}\n"
        );
        let (lookup, diagnostics) = release_of(&text);
        assert!(matches!(lookup.location, Location::Lookup));
        assert_eq!(lookup.chart.name, "web");
        assert_eq!(diagnostics.len(), 1, "{diagnostics:?}");
    }

    #[test]
    fn flux_git_paths_are_relative_to_the_repository_root() {
        let Ok(dir) = tempfile::tempdir() else {
            panic!("no temporary folder");
        };
        let repo = dir.path().join("repo");
        for chart in ["charts/web", "apps/charts/web"] {
            assert!(std::fs::create_dir_all(repo.join(chart)).is_ok());
            assert!(
                std::fs::write(
                    repo.join(chart).join("Chart.yaml"),
                    "name: web\nversion: 1.0.0\n"
                )
                .is_ok()
            );
        }
        let file = repo.join("apps/hr.yaml");
        assert!(std::fs::write(&file, "").is_ok());
        let text = format!(
            "{HR}spec:\n  chart:\n    spec:\n      chart: charts/web\n      sourceRef: {{kind: GitRepository, name: repo}}\n"
        );
        let locate = || {
            let objects = objects_in(&text, Some(dir.path()), &file.to_string_lossy());
            let mut diagnostics = Vec::new();
            let list = releases(&objects, &mut diagnostics);
            assert!(diagnostics.is_empty(), "{diagnostics:?}");
            match list.first().map(|r| &r.location) {
                Some(Location::Path(p)) => p.clone(),
                other => panic!("{other:?}"),
            }
        };
        // Without `.git`, the nearest folder of the release that holds the path.
        assert_eq!(locate(), dir.path().join("repo/apps/charts/web"));
        // With `.git`, the repository's root, as Flux resolves it.
        assert!(std::fs::create_dir_all(repo.join(".git")).is_ok());
        assert_eq!(locate(), dir.path().join("repo/charts/web"));
    }

    #[test]
    fn flux_values_files_other_than_the_charts_own_are_said_to_be_unapplied() {
        let (_, diagnostics) = release_of(&format!(
            "{HR}spec:\n  chart:\n    spec:\n      chart: web\n      valuesFiles: [./values.yaml]\n"
        ));
        assert!(diagnostics.is_empty(), "{diagnostics:?}");
        let (_, diagnostics) = release_of(&format!(
            "{HR}spec:\n  chart:\n    spec:\n      chart: web\n      valuesFiles: [values.yaml, values-prod.yaml]\n"
        ));
        assert_eq!(diagnostics.len(), 1, "{diagnostics:?}");
        assert!(
            diagnostics
                .iter()
                .all(|d| d.message.contains("values-prod.yaml"))
        );
    }

    #[test]
    fn flux_post_renderer_images_are_kept_in_order() {
        let (release, diagnostics) = release_of(&format!(
            "{HR}spec:\n  chart:\n    spec:\n      chart: web\n  postRenderers:\n  - kustomize:\n      images:\n      - name: nginx\n        newTag: '1.26'\n  - kustomize:\n      images:\n      - name: nginx\n        newName: mirror.example.com/nginx\n      patches:\n      - patch: '[{{op: add, path: /metadata/labels/a, value: b}}]'\n"
        ));
        assert!(diagnostics.is_empty(), "{diagnostics:?}");
        let mut image = "nginx:1.25".to_owned();
        for entry in &release.images {
            if entry.matches(&image) {
                image = entry.apply(&image);
            }
        }
        assert_eq!(image, "mirror.example.com/nginx:1.26");
    }

    #[test]
    fn flux_malformed_objects_are_diagnostics() {
        for spec in [
            "spec: 3\n",
            "spec:\n  chart: x\n",
            "spec:\n  chart:\n    spec: {}\n",
            "spec:\n  chartRef: {kind: Nope}\n",
            "spec:\n  chartRef: {kind: OCIRepository, name: o}\n---\napiVersion: source.toolkit.fluxcd.io/v1beta2\nkind: OCIRepository\nmetadata: {name: o, namespace: apps}\nspec: {url: 'oci://ghcr.io'}\n",
            "spec:\n  chart:\n    spec:\n      chart: ../../x\n      sourceRef: {kind: GitRepository, name: g}\n",
            "spec:\n  chart: {spec: {chart: w}}\n  valuesFrom: [3, {kind: ConfigMap}]\n  postRenderers: [{kustomize: {images: [{}], patches: [{patch: image}]}}]\n",
        ] {
            let (_, diagnostics) = release_of(&format!("{HR}{spec}"));
            assert!(!diagnostics.is_empty(), "{spec}");
        }
    }
}
