//! `helmCharts`: Helm charts inflated inside a build, as `kustomize build --enable-helm` does
//! with its HelmChartInflationGenerator, rendered by imgsift's own Helm renderer and never
//! pulled.
//!
//! kustomize looks for the chart at `<chartHome>/<name>`, or at
//! `<chartHome>/<name>-<version>/<name>` when the entry gives both `version` and `repo` (and
//! then only there: it pulls into that folder when it is missing). `chartHome`
//! (`helmGlobals.chartHome`, default `charts`) is relative to the kustomization's folder.
//! The chart's output is appended after the resources and the generated ConfigMaps, so every
//! transform of the kustomization (images, patches, namespace, labels, replacements) applies
//! to it.
//!
//! Values are what kustomize hands Helm: one values file, then `additionalValuesFiles` in
//! order (Helm merges them; the chart's own `values.yaml` stays the defaults). With
//! `valuesInline`, that one file is `valuesInline` merged with `valuesFile` (default: the
//! chart's `values.yaml`) by kyaml's merge: `override` (the default) lets the inline values
//! win, `merge` lets the file win, `replace` drops the file. kyaml's merge replaces lists,
//! merges maps and drops the keys the winning side sets to `null`.
//!
//! A chart that is not there is an error naming it, its version and repository and the folder
//! searched, with the `helm pull` that puts it there; its inline values are still read as
//! values, and the rest of the build goes on.

use std::path::Path;
use std::sync::Arc;

use gotemplate::{ExecOptions, Map, Value};

use super::select::Resource;
use super::{Builder, MAX_NODES, display, join, stub, unpack};
use crate::diag::{Code, Diagnostic};
use crate::documents::{At, Tree};
use crate::inputs::Role;
use crate::render::Source;
use crate::render::helm::{self as helm_render, Options, renderer, yaml as helm_yaml};

/// kustomize's default chart home (`types.HelmDefaultHome`).
const DEFAULT_HOME: &str = "charts";

/// The seed of random functions in a `nameTemplate`: a scan must give the same names every
/// run (Helm draws them from the OS).
const NAME_SEED: u64 = 0x6b75_7374_6f6d_697a;

/// The fields of a `helmCharts` entry kustomize knows.
const FIELDS: [&str; 18] = [
    "name",
    "version",
    "digest",
    "repo",
    "releaseName",
    "namespace",
    "additionalValuesFiles",
    "valuesFile",
    "valuesInline",
    "valuesMerge",
    "includeCRDs",
    "skipHooks",
    "apiVersions",
    "kubeVersion",
    "nameTemplate",
    "skipTests",
    "debug",
    "devel",
];

/// The fields of a deprecated `helmChartInflationGenerator` entry, and the `helmCharts` field
/// kustomize turns each into (`types.SplitHelmParameters`); the others it drops.
const OLD_FIELDS: [(&str, Option<&str>); 13] = [
    ("chartName", Some("name")),
    ("chartVersion", Some("version")),
    ("chartRepoUrl", Some("repo")),
    ("values", Some("valuesFile")),
    ("valuesLocal", Some("valuesInline")),
    ("valuesMerge", Some("valuesMerge")),
    ("releaseName", Some("releaseName")),
    ("chartHome", None),
    ("chartRepoName", None),
    ("helmBin", None),
    ("helmHome", None),
    ("releaseNamespace", None),
    ("extraArgs", None),
];

/// How `valuesInline` meets the values file (`valuesMerge`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum MergeMode {
    /// The inline values win (kustomize's default).
    Override,
    /// The values file wins.
    Merge,
    /// The inline values alone; the values file is not read.
    Replace,
}

/// One chart to inflate.
struct Entry<'t> {
    /// The entry as written, for positions.
    tree: &'t Tree,
    /// `helmCharts`, or the deprecated `helmChartInflationGenerator`.
    field: &'static str,
    /// Its index in that list.
    index: usize,
    /// How the entry spells a `helmCharts` field, if it has it.
    spell: fn(&str) -> Option<&'static str>,
}

fn spell_new(field: &str) -> Option<&'static str> {
    FIELDS.iter().copied().find(|f| *f == field)
}

fn spell_old(field: &str) -> Option<&'static str> {
    OLD_FIELDS
        .iter()
        .find(|(_, new)| *new == Some(field))
        .map(|(old, _)| *old)
}

impl<'t> Entry<'t> {
    fn get(&self, field: &str) -> Option<&'t Tree> {
        (self.spell)(field).and_then(|key| self.tree.get(key))
    }

    fn text(&self, field: &str) -> String {
        self.get(field)
            .and_then(Tree::text)
            .unwrap_or("")
            .to_owned()
    }

    /// A boolean field, read as kustomize's YAML 1.1 reader reads one.
    fn flag(&self, field: &str) -> bool {
        self.get(field).and_then(Tree::text).is_some_and(|t| {
            matches!(
                t,
                "true" | "True" | "TRUE" | "yes" | "Yes" | "YES" | "on" | "On" | "ON" | "y" | "Y"
            )
        })
    }

    /// Where the entry is named: its `name`, or the entry itself.
    fn at(&self) -> &'t At {
        self.get("name").map_or(&self.tree.at, |n| &n.at)
    }
}

/// Inflates the `helmCharts` (and `helmChartInflationGenerator`) entries of kustomization `k`,
/// in folder `dir`, whose text is `text`, appending their output to `list`.
pub(super) fn inflate(
    builder: &mut Builder<'_>,
    dir: &Path,
    k: &Tree,
    text: &str,
    list: &mut Vec<Resource>,
) {
    let mut entries = Vec::new();
    // kustomize appends the deprecated entries after `helmCharts` (`FixKustomization`).
    for (field, spell) in [
        ("helmCharts", spell_new as fn(&str) -> Option<&'static str>),
        ("helmChartInflationGenerator", spell_old),
    ] {
        for (index, tree) in k
            .get(field)
            .map(Tree::items)
            .unwrap_or_default()
            .iter()
            .enumerate()
        {
            entries.push(Entry {
                tree,
                field,
                index,
                spell,
            });
        }
    }
    if entries.is_empty() {
        return;
    }
    let home = chart_home(k);
    // `valuesInline` is read as kustomize reads it (sigs.k8s.io/yaml: YAML 1.1, numbers as
    // float64), which is how Helm reads the values file kustomize writes of it.
    let decoded = if entries.iter().any(|e| e.get("valuesInline").is_some()) {
        match helm_yaml::decode(text) {
            Ok(value) => Some(value),
            Err(err) => {
                if let Some(at) = entries
                    .iter()
                    .find_map(|e| e.get("valuesInline").map(|v| &v.at))
                {
                    builder.error(
                        Code::Malformed,
                        at,
                        format!(
                            "the kustomization cannot be read as kustomize reads it ({err}), so `valuesInline` was not used"
                        ),
                    );
                }
                None
            }
        }
    } else {
        None
    };
    for entry in &entries {
        if builder.exhausted {
            return;
        }
        check_fields(builder, entry);
        let inline = inline_values(builder, entry, decoded.as_ref());
        one(builder, dir, entry, &home, inline, text, list);
    }
}

/// The chart home as written (`helmGlobals.chartHome`; for the deprecated form, the last
/// `chartHome` of its entries when there is no `helmGlobals`, as kustomize takes it).
fn chart_home(k: &Tree) -> String {
    if let Some(globals) = k.get("helmGlobals") {
        return globals
            .get("chartHome")
            .and_then(Tree::text)
            .filter(|h| !h.is_empty())
            .unwrap_or(DEFAULT_HOME)
            .to_owned();
    }
    k.get("helmChartInflationGenerator")
        .map(Tree::items)
        .unwrap_or_default()
        .iter()
        .filter_map(|e| e.get("chartHome").and_then(Tree::text))
        .rfind(|h| !h.is_empty())
        .unwrap_or(DEFAULT_HOME)
        .to_owned()
}

/// Warnings for fields kustomize does not know, and for those imgsift does not use.
fn check_fields(builder: &mut Builder<'_>, entry: &Entry<'_>) {
    for (key, value) in entry.tree.entries() {
        let known = if entry.field == "helmCharts" {
            FIELDS.contains(&key.as_str())
        } else {
            OLD_FIELDS.iter().any(|(old, _)| old == key)
        };
        if !known {
            builder.warning(
                Code::Ignored,
                &value.at,
                format!(
                    "`{key}` is not a field of a `{}` entry that kustomize knows; it was ignored",
                    entry.field
                ),
            );
        }
    }
    if !entry.tree.is_map() {
        builder.error(
            Code::Malformed,
            &entry.tree.at,
            format!("a `{}` entry must be a mapping", entry.field),
        );
    }
}

/// The entry's `valuesInline`, as a map (`None` when it has none).
fn inline_values(
    builder: &mut Builder<'_>,
    entry: &Entry<'_>,
    decoded: Option<&Value>,
) -> Option<Map> {
    let tree = entry.get("valuesInline")?;
    let key = (entry.spell)("valuesInline")?;
    let value = decoded
        .and_then(Value::as_map)
        .and_then(|k| k.get(entry.field))
        .and_then(|list| match list {
            Value::List(items) => items.get(entry.index).cloned(),
            _ => None,
        })
        .and_then(|e| e.as_map())
        .and_then(|e| e.get(key));
    match value {
        Some(Value::Map(map)) => Some(map),
        Some(Value::Nil) | None => None,
        Some(_) => {
            builder.error(
                Code::Malformed,
                &tree.at,
                format!("`{key}` must be a mapping of values; it was not used"),
            );
            None
        }
    }
}

/// Inflates one entry.
fn one(
    builder: &mut Builder<'_>,
    dir: &Path,
    entry: &Entry<'_>,
    home: &str,
    inline: Option<Map>,
    text: &str,
    list: &mut Vec<Resource>,
) {
    let name = entry.text("name");
    if name.is_empty() {
        builder.error(
            Code::Malformed,
            &entry.tree.at,
            format!(
                "a `{}` entry needs a chart `name`; kustomize refuses it",
                entry.field
            ),
        );
        return;
    }
    let version = entry.text("version");
    let repo = entry.text("repo");
    let home_dir = join(dir, home);
    // kustomize's `absChartHome`: a version is a folder of its own only with a repository.
    let base = if !version.is_empty() && !repo.is_empty() {
        home_dir.join(format!("{name}-{version}"))
    } else {
        home_dir.clone()
    };
    let chart_dir = join(&base, &name);
    let label = format!(
        "{} {name:?} ({}:{})",
        entry.field, entry.tree.at.file, entry.tree.at.line
    );
    builder.built.charts.push(crate::render::uses::ChartUse {
        chart: crate::render::uses::ChartRef {
            name: name.clone(),
            version: version.clone(),
            repository: repo.clone(),
        },
        by: format!("{} of {}", entry.field, entry.tree.at.file),
        at: entry.tree.at.clone(),
        local: chart_dir.is_dir().then(|| display(&chart_dir).to_string()),
        values_path: Vec::new(),
    });
    if !chart_dir.is_dir() {
        missing(
            builder, entry, &name, &version, &repo, &home_dir, &base, &chart_dir,
        );
        if let Some(source) = entry
            .get("valuesInline")
            .and_then(|v| inline_source(text, entry.tree, v))
        {
            builder.built.sources.push(source);
        }
        return;
    }
    // Every file of the chart is the chart's: none is scanned again alone, and the chart is
    // not rendered again as a root of its own with its defaults.
    builder
        .built
        .consumed
        .extend(renderer::consumed(&chart_dir));
    let user = values(builder, dir, entry, &chart_dir, inline);
    let chart_file = display(&chart_dir.join(crate::inputs::chart::METADATA_FILE));
    let chart = match helm_render::load(&chart_dir) {
        Ok(chart) => chart,
        Err(failure) => {
            builder.error(
                Code::ChartUnloadable,
                &At::new(&chart_file, 1, 1),
                format!("the chart of {label} cannot be loaded: {failure}; it was not rendered"),
            );
            return;
        }
    };
    let options = Options {
        name: release_name(builder, entry),
        namespace: Some(entry.text("namespace")).filter(|n| !n.is_empty()),
        kube_version: Some(entry.text("kubeVersion")).filter(|v| !v.is_empty()),
        api_versions: entry
            .get("apiVersions")
            .map(Tree::items)
            .unwrap_or_default()
            .iter()
            .filter_map(Tree::text)
            .map(str::to_owned)
            .collect(),
        include_crds: entry.flag("includeCRDs"),
        skip_tests: entry.flag("skipTests"),
        no_hooks: entry.flag("skipHooks"),
        ..Options::default()
    };
    let loaded = chart.clone();
    let rendered = match helm_render::render_chart(chart, &user, &options) {
        Ok(rendered) => rendered,
        Err(failure) => {
            builder.error(
                Code::ChartUnrenderable,
                &At::new(&chart_file, 1, 1),
                format!(
                    "the chart of {label} cannot be rendered: {failure}; its values are read as values"
                ),
            );
            renderer::collect_sources(&loaded, false, &mut builder.built.sources);
            return;
        }
    };
    for problem in &rendered.problems {
        let diagnostic = renderer::problem_diagnostic(problem, &rendered);
        builder.built.diagnostics.push(diagnostic);
    }
    if !rendered.problems.is_empty() {
        // A failed template may have held images: the values stand in for it.
        renderer::collect_sources(&loaded, false, &mut builder.built.sources);
    }
    let mut resources = Vec::new();
    // `helm template --include-crds` prints the CRDs of `crds/` first.
    for (source, content) in &rendered.crds {
        let shown = match source.split_once('/') {
            Some((_, rest)) => display(&chart_dir.join(rest)),
            None => display(&chart_dir),
        };
        for (index, tree) in builder.documents(&shown, content) {
            resources.push(Resource::new(tree, Arc::clone(&shown), index));
        }
    }
    let documents = rendered_documents(builder, &rendered, &options, &label);
    for document in documents {
        resources.push(Resource::new(document.tree, document.file, document.index));
    }
    let mut objects = Vec::new();
    for resource in resources {
        let kind = resource.kind().to_owned();
        if !resource.tree.is_map() || kind.is_empty() {
            builder.error(
                Code::NotAnObject,
                &resource.tree.at,
                format!(
                    "document {} rendered by {label} is not a Kubernetes object (it has no `kind`); kustomize cannot use it as a resource",
                    resource.document
                ),
            );
            continue;
        }
        for mut object in unpack(resource.tree) {
            if object.get("kind").and_then(Tree::text).is_none() {
                continue;
            }
            object.mark(&label);
            objects.push(Resource::new(
                stub(object),
                Arc::clone(&resource.file),
                resource.document,
            ));
        }
    }
    let at = entry.tree.at.clone();
    builder.add(list, objects, &at);
}

/// The rendered manifests and hooks (less those the entry skips), each counted against the
/// build's node budget before it becomes a tree.
fn rendered_documents(
    builder: &mut Builder<'_>,
    rendered: &helm_render::Rendered,
    options: &Options,
    label: &str,
) -> Vec<crate::render::Document> {
    let limits = builder.limits;
    let mut left = builder.nodes_left();
    let mut refused: Option<Diagnostic> = None;
    let documents = renderer::documents(rendered, limits, &mut |manifest, doc, root| {
        if let Some(hook) = manifest.hook {
            if options.no_hooks || (options.skip_tests && hook.test) {
                return false;
            }
        }
        if refused.is_some() {
            return false;
        }
        let cost = usize::try_from(Tree::copy_cost(doc, root)).unwrap_or(usize::MAX);
        if cost > left {
            let (line, column) = doc.position(root);
            let file = rendered
                .displays
                .get(&manifest.source)
                .cloned()
                .unwrap_or_else(|| manifest.source.clone());
            refused = Some(Diagnostic::error(
                Code::Budget,
                &file,
                line,
                column,
                format!(
                    "a document {label} renders has {cost} nodes, more than the {left} left of the build's budget of {MAX_NODES} nodes; the build stopped adding"
                ),
            ));
            return false;
        }
        left -= cost;
        true
    });
    builder.nodes = MAX_NODES.saturating_sub(left).max(builder.nodes);
    if let Some(diagnostic) = refused {
        builder.built.diagnostics.push(diagnostic);
        builder.exhausted = true;
    }
    documents
}

/// The release name: `releaseName`, else what `nameTemplate` makes, else Helm's
/// `release-name` (kustomize passes `--generate-name`, which `helm template` ignores).
fn release_name(builder: &mut Builder<'_>, entry: &Entry<'_>) -> Option<String> {
    let release = entry.text("releaseName");
    let template = entry.text("nameTemplate");
    if !release.is_empty() {
        if !template.is_empty() {
            if let Some(at) = entry.get("nameTemplate").map(|t| t.at.clone()) {
                builder.error(
                    Code::Malformed,
                    &at,
                    "Helm refuses a `nameTemplate` together with a `releaseName` (cannot set --name-template and also specify a name); the release name was used",
                );
            }
        }
        return Some(release);
    }
    if template.is_empty() {
        return None;
    }
    let mut namespace = gotemplate::Namespace::new(gotemplate::sprig::funcs());
    let made = namespace.add("name-template", &template).and_then(|()| {
        namespace.execute(
            "name-template",
            Value::Nil,
            &ExecOptions {
                seed: Some(NAME_SEED),
                ..ExecOptions::helm()
            },
        )
    });
    match made {
        Ok(name) => Some(name),
        Err(err) => {
            if let Some(at) = entry.get("nameTemplate").map(|t| t.at.clone()) {
                builder.error(
                    Code::Malformed,
                    &at,
                    format!(
                        "`nameTemplate` cannot be executed: {err}; the release name is release-name"
                    ),
                );
            }
            None
        }
    }
}

/// The values kustomize hands Helm for the entry: the (merged) values file, then the
/// additional values files, merged as Helm merges `-f` files.
fn values(
    builder: &mut Builder<'_>,
    dir: &Path,
    entry: &Entry<'_>,
    chart_dir: &Path,
    inline: Option<Map>,
) -> Map {
    let mode = match entry.text("valuesMerge").as_str() {
        "" | "override" => MergeMode::Override,
        "merge" => MergeMode::Merge,
        "replace" => MergeMode::Replace,
        other => {
            if let Some(at) = entry.get("valuesMerge").map(|v| v.at.clone()) {
                builder.error(
                    Code::Malformed,
                    &at,
                    format!("`valuesMerge` is {other:?}, but must be one of merge, override, replace; kustomize refuses it, and imgsift merged as `override` does"),
                );
            }
            MergeMode::Override
        }
    };
    // kustomize writes the values file only from a non-empty `valuesInline`.
    let inline = inline.filter(|m| !m.is_empty());
    let first = match (inline, mode) {
        (Some(inline), MergeMode::Replace) => inline,
        (inline, mode) => {
            let file = match entry.get("valuesFile").filter(|v| v.text().is_some()) {
                Some(value) => {
                    let path = join(dir, value.text().unwrap_or(""));
                    read_values(builder, &path, dir, &value.at, "valuesFile")
                }
                None => {
                    // The chart's own values.yaml, read by kustomize (and so by its load
                    // restrictor) unless `valuesFile` names another.
                    let at = entry.at().clone();
                    read_values(
                        builder,
                        &chart_dir.join("values.yaml"),
                        dir,
                        &at,
                        entry.field,
                    )
                }
            }
            .unwrap_or_default();
            match (inline, mode) {
                (Some(inline), MergeMode::Merge) => kyaml_merge(&file, &inline),
                (Some(inline), _) => kyaml_merge(&inline, &file),
                (None, _) => file,
            }
        }
    };
    let user = Map::new();
    helm_render::merge_maps(&user, &first);
    for item in entry
        .get("additionalValuesFiles")
        .map(Tree::items)
        .unwrap_or_default()
    {
        let Some(text) = item.text() else {
            continue;
        };
        let path = join(dir, text);
        if let Some(more) = read_values(builder, &path, dir, &item.at, "additionalValuesFiles") {
            helm_render::merge_maps(&user, &more);
        }
    }
    user
}

/// A values file the build reads (through the load restrictor and the byte budget), decoded
/// as Helm decodes `-f` files.
fn read_values(
    builder: &mut Builder<'_>,
    path: &Path,
    dir: &Path,
    at: &At,
    field: &str,
) -> Option<Map> {
    let (shown, text) = builder.read(path, dir, at, field)?;
    match helm_yaml::decode_values(&text) {
        Ok(map) => Some(map),
        Err(err) => {
            builder.error(
                Code::ChartUnloadable,
                &At::new(&shown, 1, 1),
                format!(
                    "the values file of `{field}` cannot be read as Helm reads it: {err}; the chart was rendered without it"
                ),
            );
            None
        }
    }
}

/// kyaml's `merge2.Merge(src, dest)` on values: maps merge key by key, anything else in `src`
/// replaces (lists too), and a key `src` sets to `null` is removed; `dest`'s own `null`s stay.
fn kyaml_merge(src: &Map, dest: &Map) -> Map {
    let out = dest.shallow_copy();
    for (key, value) in src.entries() {
        match (&value, out.get(&key)) {
            (Value::Nil, _) => {
                out.remove(&key);
            }
            (Value::Map(over), Some(Value::Map(under))) => {
                out.insert(key, Value::Map(kyaml_merge(over, &under)));
            }
            (Value::Map(over), _) => {
                out.insert(key, Value::Map(kyaml_merge(over, &Map::new())));
            }
            _ => {
                out.insert(key, value);
            }
        }
    }
    out
}

/// The error of a chart that is not in the chart home.
#[allow(clippy::too_many_arguments)]
fn missing(
    builder: &mut Builder<'_>,
    entry: &Entry<'_>,
    name: &str,
    version: &str,
    repo: &str,
    home_dir: &Path,
    base: &Path,
    chart_dir: &Path,
) {
    let what = match (version.is_empty(), repo.is_empty()) {
        (false, false) => format!("{name:?} version {version} from {repo}"),
        (false, true) => format!("{name:?} version {version} (no `repo`)"),
        (true, false) => format!("{name:?} (no `version`) from {repo}"),
        (true, true) => format!("{name:?} (no `version`, no `repo`)"),
    };
    let pull = if repo.is_empty() {
        format!(
            "with no `repo`, kustomize cannot pull it either: put the chart's folder at {}",
            display(chart_dir)
        )
    } else {
        let source = if repo.starts_with("oci://") {
            format!("{}/{name}", repo.trim_end_matches('/'))
        } else {
            format!("--repo {repo} {name}")
        };
        let version = if version.is_empty() {
            String::new()
        } else {
            format!(" --version {version}")
        };
        format!(
            "put it there with `helm pull {source}{version} --untar --untardir {}` (what `kustomize build --enable-helm` would pull)",
            display(base)
        )
    };
    let mut also = String::new();
    let unversioned = join(home_dir, name);
    if base != home_dir && unversioned.is_dir() {
        also = format!(
            "; {} exists, but with both `version` and `repo` kustomize uses only {}",
            display(&unversioned),
            display(chart_dir)
        );
    }
    builder.error(
        Code::ChartMissing,
        &entry.tree.at,
        format!(
            "`{}` chart {what} is not at {}; imgsift renders charts offline and pulls none, so its images are missing: {pull}{also}",
            entry.field,
            display(chart_dir)
        ),
    );
}

/// The text of a `valuesInline` mapping as a values file of its own, its lines where they are
/// in the kustomization (everything else blanked), so that its images are reported at their
/// lines when the chart is not at hand.
fn inline_source(text: &str, entry: &Tree, value: &Tree) -> Option<Source> {
    let start = usize::try_from(value.at.line).ok()?.checked_sub(1)?;
    let column = usize::try_from(value.at.column).ok()?.saturating_sub(1);
    // The entry's keys are at its column: the block of the value is the lines indented
    // deeper (and blank or comment lines among them).
    let key_indent = usize::try_from(entry.at.column).ok()?.saturating_sub(1);
    let mut out = String::new();
    for (number, line) in text.split('\n').enumerate().skip(start) {
        if number == start {
            let head: String = line.chars().take(column).map(|_| ' ').collect();
            let rest: String = line.chars().skip(column).collect();
            out.push_str(&head);
            out.push_str(&rest);
            out.push('\n');
            continue;
        }
        let trimmed = line.trim_start_matches(' ');
        let indent = line.len() - trimmed.len();
        if trimmed.is_empty() || trimmed.starts_with('#') || indent > key_indent {
            out.push_str(line);
            out.push('\n');
        } else {
            break;
        }
    }
    Some(Source {
        file: Arc::clone(&value.at.file),
        text: out,
        first_line: start as u64 + 1,
        role: Role::Values,
        unrendered_only: false,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn map(text: &str) -> Map {
        helm_yaml::decode_values(text).unwrap_or_default()
    }

    #[test]
    fn kyaml_merge_replaces_lists_merges_maps_and_drops_nulls_of_the_winner() {
        let file = map("a: 1\nb: 2\nlist: [a, b]\nm: {a: 4, b: 5}\nkeep: null\n");
        let inline = map("a: 4\nc: 3\nlist: [c]\nm: {a: 7, c: 6}\nb: null\n");
        let out = helm_yaml::to_yaml(&Value::Map(kyaml_merge(&inline, &file)));
        assert_eq!(
            out,
            "a: 4\nc: 3\nkeep: null\nlist:\n- c\nm:\n  a: 7\n  b: 5\n  c: 6"
        );
        let out = helm_yaml::to_yaml(&Value::Map(kyaml_merge(&file, &inline)));
        assert_eq!(
            out,
            "a: 1\nb: 2\nc: 3\nlist:\n- a\n- b\nm:\n  a: 4\n  b: 5\n  c: 6"
        );
    }

    #[test]
    fn inline_values_keep_their_lines() {
        let text = "helmCharts:\n- name: x\n  valuesInline:\n    image: nginx:1\n    # c\n    tag: 2\n  releaseName: r\n";
        let (doc, _) = (text, ());
        let docs = crate::documents::yaml::load(doc, 1, &crate::documents::Limits::default())
            .unwrap_or_default();
        let Some(d) = docs.first() else {
            panic!("no document");
        };
        let Some(root) = d.root() else {
            panic!("no root");
        };
        let file: Arc<str> = Arc::from("k.yaml");
        let tree = Tree::from_doc(d, root, &file);
        let entry = &tree.get("helmCharts").map(Tree::items).unwrap_or_default()[0];
        let value = entry
            .get("valuesInline")
            .cloned()
            .unwrap_or_else(|| Tree::map(At::new(&file, 1, 1)));
        let source = inline_source(text, entry, &value);
        assert_eq!(
            source.map(|s| (s.first_line, s.text)),
            Some((4, "    image: nginx:1\n    # c\n    tag: 2\n".to_owned()))
        );
    }
}
