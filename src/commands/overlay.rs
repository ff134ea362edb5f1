//! `imgsift overlay`: values overrides (or a kustomization) that point every image at the
//! private registry.

use std::io;

use super::{Io, Outcome};
use crate::config::{Config, OverlayConfig};
use crate::diag::Code;
use crate::diag::Diagnostic;
use crate::documents::Tree;
use crate::emit::files::Emitted;
use crate::emit::overlay;
use crate::escape::Printable;
use crate::inputs::Input;
use crate::inventory::Finished;
use crate::registry::mapping::Mapping;
use crate::render::helm::{self as helm_render, renderer};

pub(super) fn run(
    config: &OverlayConfig,
    run: &Config,
    finished: &Finished,
    io: &mut Io<'_>,
) -> io::Result<Outcome> {
    let mut emitted = Emitted::concatenated(Vec::new());
    let mut diagnostics = finished.diagnostics.clone();
    if let Some(mapping) = &config.mapping {
        // A chart among the inputs: the overlay is proven on its render, and completed where
        // the render shows that a chart-wide key wins over the keys the values shapes name.
        let (extras, resolved_tags) = if config.format == overlay::Format::Values {
            let proof = prove(run, mapping, finished);
            for note in &proof.notes {
                io.note(note)?;
            }
            diagnostics.extend(proof.diagnostics);
            (proof.extras, proof.resolved_tags)
        } else {
            (Vec::new(), true)
        };
        let overlay =
            overlay::overlay_with(finished, mapping, config.format, &extras, resolved_tags);
        if overlay.nothing {
            io.note(
                "no Helm values file among the inputs (name one with --values, or a chart folder); nothing to overlay",
            )?;
        }
        emitted = overlay.emitted;
        let proof_diagnostics: Vec<_> = diagnostics
            .iter()
            .filter(|d| d.code == Code::NotReached)
            .cloned()
            .collect();
        diagnostics = overlay.diagnostics;
        diagnostics.extend(proof_diagnostics);
        diagnostics.sort();
    }
    if let Some(registry) = &config.charts_registry {
        let charts = overlay::charts::overlay(finished, registry);
        for note in &charts.notes {
            io.note(note)?;
        }
        if charts.files.is_empty() {
            io.note("no chart source to point at the charts registry was found")?;
        }
        let mut files = emitted.files;
        files.extend(charts.files.iter().cloned());
        let printed = if emitted.printed.is_empty() {
            charts.emitted().printed
        } else if charts.files.is_empty() {
            emitted.printed
        } else {
            format!("{}---\n{}", emitted.printed, charts.emitted().printed)
        };
        emitted = Emitted { files, printed };
        // Where a chart is has no bearing on pointing its source at the mirror.
        diagnostics.retain(|d| !Code::CHART_NOT_AT_HAND.contains(&d.code));
    }
    io.deliver(
        config.out_dir.as_deref(),
        &finished.files,
        &emitted,
        &diagnostics,
    )
}

/// Keys set in the chart's `values.yaml` overlay, in the order tried: chart-wide registry keys
/// that templates read before (or instead of) each image's own.
const CHART_WIDE: &[&[&str]] = &[
    &["global", "imageRegistry"],
    &["global", "image", "registry"],
    &["global", "registry"],
    &["global", "cattle", "systemDefaultRegistry"],
    &["global", "systemDefaultRegistry"],
    &["imageRegistry"],
];

/// How many renders one chart's proof may take.
const MAX_ROUNDS: usize = 16;

/// Keys to set in one round: path, value, why.
type Candidate = Vec<(Vec<String>, String, String)>;

/// Whether a candidate was tried already.
fn tried_before(candidate: &Candidate, tried: &[Vec<String>]) -> bool {
    let key: Vec<String> = candidate.iter().map(|(p, _, _)| p.join(".")).collect();
    tried.contains(&key)
}

/// Where a rendered image is written (template, line, key path, object): the same place in
/// renders with and without the overlay.
type Position = (String, u64, String, Option<String>);

fn position(source: &crate::inventory::Source) -> Position {
    (
        source.file.to_string(),
        source.line,
        source.path.to_string(),
        source
            .object
            .as_deref()
            .map(|o| format!("{}/{}", o.kind, o.name.as_deref().unwrap_or_default())),
    )
}

/// The name each rendered place must print with the overlay: the name in the registry of
/// what it prints without it.
type Wanted = std::collections::BTreeMap<Position, String>;

/// The next keys to try for the images still wrong: a chart-wide registry key the values
/// have (one value for every image: with --keep-registry-path, only when they come from one
/// registry); else the values keys the trace of the render without the overlay names at the
/// start of each image's name still not rendered, set so that the name becomes the one in the
/// registry; else, for the first image still wrong, an image map of the values whose
/// `registry` and `repository` are left empty for the templates to default (traefik's
/// `image: {registry: null, repository: null}`), set to that image's name in the registry.
fn next_candidate(
    defaults: &gotemplate::Map,
    outside: &[&crate::inventory::Image],
    domains: &std::collections::BTreeSet<&str>,
    mapping: &Mapping,
    wanted: &Wanted,
    tried: &[Vec<String>],
) -> Option<Candidate> {
    let seen = |c: &Candidate| tried_before(c, tried);
    if let Some(domain) = domains.iter().next() {
        if !(mapping.keep_registry_path && domains.len() > 1) {
            if let Ok(value) = mapping
                .registry
                .registry_for(domain, mapping.keep_registry_path)
            {
                for keys in CHART_WIDE {
                    if !has_path(defaults, keys) {
                        continue;
                    }
                    let candidate: Candidate = vec![(
                        keys.iter().map(|s| (*s).to_owned()).collect(),
                        value.clone(),
                        "the chart's templates read this key before each image's own".to_owned(),
                    )];
                    if !seen(&candidate) {
                        return Some(candidate);
                    }
                }
            }
        }
    }
    if let Some(candidate) = traced_candidate(wanted, outside).filter(|c| !seen(c)) {
        return Some(candidate);
    }
    let image = outside.first()?;
    let reference = &image.reference;
    let registry = mapping
        .registry
        .registry_for(reference.domain(), mapping.keep_registry_path)
        .ok()?;
    let mut maps = Vec::new();
    empty_image_maps(defaults, &mut Vec::new(), &mut maps);
    for path in maps {
        let with = |key: &str| {
            let mut p = path.clone();
            p.push(key.to_owned());
            p
        };
        let candidate: Candidate = vec![
            (
                with("registry"),
                registry.clone(),
                "left empty for the chart's default registry".to_owned(),
            ),
            (
                with("repository"),
                reference.path().to_owned(),
                "left empty for the chart's default repository".to_owned(),
            ),
        ];
        if !seen(&candidate) {
            return Some(candidate);
        }
    }
    None
}

/// For every image rendered outside the registry with the overlay so far, the values key its
/// name starts with in that render, and the value that makes the render print the name its
/// place must have: that name less the text that follows the key's (so `docker.io` of
/// `docker.io/acme/web:1` becomes the registry, `nginx` of `nginx:1.25` becomes
/// `REGISTRY/library/nginx`). The trace of the render with the overlay is the one that counts:
/// a key the overlay set that the templates prefer (`registry` over `defaultRegistry`) is the
/// one to correct. A key that holds one name for several images gets the first image's; the
/// proof shows whether the others follow.
fn traced_candidate(wanted: &Wanted, outside: &[&crate::inventory::Image]) -> Option<Candidate> {
    let mut candidate: Candidate = Vec::new();
    for image in outside {
        let fix = image.sources.iter().find_map(|s| {
            let name = wanted.get(&position(s))?;
            traced_fix(s, name)
        });
        if let Some(fix) = fix {
            if !candidate.iter().any(|(path, _, _)| *path == fix.0) {
                candidate.push(fix);
            }
        }
    }
    (!candidate.is_empty()).then_some(candidate)
}

/// The key and value that make `source`'s rendered text the image `name`.
fn traced_fix(
    source: &crate::inventory::Source,
    name: &str,
) -> Option<(Vec<String>, String, String)> {
    let key = source.name_key()?;
    if !key.whole {
        return None;
    }
    // Lists are replaced whole by Helm: a key inside one is not set on its own.
    let path: Vec<String> = key
        .key
        .segs()
        .iter()
        .map(|s| s.as_key().map(str::to_owned))
        .collect::<Option<_>>()?;
    let raw = &source.raw;
    let rest = raw.get(key.text.len()..)?;
    let (_, tag, digest) = crate::reference::written::split_as_written(raw);
    // A name written without tag pulls `latest`: the text after the key has none either.
    let name = if tag.is_empty() && digest.is_empty() {
        name.strip_suffix(":latest").unwrap_or(name)
    } else {
        name
    };
    let value = name.strip_suffix(rest).filter(|v| !v.is_empty())?;
    Some((
        path,
        value.to_owned(),
        format!(
            "the chart's templates start the name {} with this key",
            Printable(raw)
        ),
    ))
}

/// The paths of image maps (`image: {registry, repository}`) whose registry and repository
/// are both empty or null, a few levels deep.
fn empty_image_maps(map: &gotemplate::Map, path: &mut Vec<String>, out: &mut Vec<Vec<String>>) {
    if path.len() > 6 {
        return;
    }
    let empty = |v: Option<gotemplate::Value>| match v {
        None | Some(gotemplate::Value::Nil) => true,
        Some(gotemplate::Value::String(s)) => s.trim().is_empty(),
        _ => false,
    };
    for (key, value) in map.entries() {
        let gotemplate::Value::Map(inner) = value else {
            continue;
        };
        path.push(key.to_string());
        let keyed = inner.get("registry").is_some() && inner.get("repository").is_some();
        if key.to_ascii_lowercase().ends_with("image")
            && keyed
            && empty(inner.get("registry"))
            && empty(inner.get("repository"))
        {
            out.push(path.clone());
        } else {
            empty_image_maps(&inner, path, out);
        }
        path.pop();
    }
}

/// What rendering with the overlay showed.
struct Proof {
    extras: Vec<overlay::Extra>,
    notes: Vec<String>,
    diagnostics: Vec<Diagnostic>,
    /// Whether resolved tags are written in.
    resolved_tags: bool,
    /// How many charts were rendered for it.
    charts: usize,
}

/// The better proof: without resolved tags when the charts render at least as well without
/// them (the overlay is smaller, and a chart that appends to a tag it is given keeps its
/// tags), else with them; with them when no chart was rendered (values files alone).
fn prove(run: &Config, mapping: &Mapping, finished: &Finished) -> Proof {
    let with = prove_with(run, mapping, finished, true);
    if with.charts == 0 {
        return with;
    }
    let without = prove_with(run, mapping, finished, false);
    if without.diagnostics.len() <= with.diagnostics.len() {
        without
    } else {
        with
    }
}

/// An image of a render, as O004 names it, and where its first source is.
#[derive(Clone)]
struct Placed {
    what: String,
    file: std::sync::Arc<str>,
    line: u64,
    /// What covers it when no value moves it.
    cover: String,
}

impl Placed {
    fn of(image: &crate::inventory::Image, what: String) -> Placed {
        let (file, line) = image
            .sources
            .first()
            .map_or((std::sync::Arc::from(""), 1), |s| {
                (std::sync::Arc::from(s.file.as_ref()), s.line)
            });
        Placed {
            what,
            file,
            line,
            cover: String::new(),
        }
    }

    /// The O004 warning: the image, then `why`.
    fn not_reached(&self, why: &str) -> Diagnostic {
        Diagnostic::warning(
            Code::NotReached,
            &self.file,
            self.line,
            1,
            format!("{} {why}", Printable(&self.what)),
        )
    }
}

/// Renders each chart of the inputs with the overlay (after its `-f` files and `--set`s, as
/// `helm ... -f values.yaml -f overlay.yaml` does) and keeps adding what the render shows is
/// missing: Bitnami's `global.security.allowInsecureImages` when the chart refuses the changed
/// images, then a chart-wide registry key the chart's values have, one at a time, kept only
/// when fewer images are left outside the registry. An image no value reaches is an O004
/// warning naming its template and line.
fn prove_with(run: &Config, mapping: &Mapping, finished: &Finished, resolved_tags: bool) -> Proof {
    let mut proof = Proof {
        extras: Vec::new(),
        notes: Vec::new(),
        diagnostics: Vec::new(),
        resolved_tags,
        charts: 0,
    };
    let options = run.helm.clone().unwrap_or_default();
    let base = mapping.registry.base();
    for input in &run.inputs {
        let Input::Path(path) = input else { continue };
        let is_chart = path.join(crate::inputs::chart::METADATA_FILE).is_file()
            || (path.is_file() && crate::inputs::chart::is_archive_name(path));
        if !is_chart || !path.is_dir() {
            // A packaged chart's values cannot take extra keys in a file of its own here.
            continue;
        }
        let display = path.to_string_lossy();
        let values_file = format!("{}/values.yaml", display.trim_end_matches('/'));
        let Some(doc) = finished
            .values
            .docs
            .iter()
            .find(|d| *d.file == *values_file)
        else {
            continue;
        };
        let Ok(chart) = helm_render::load(path) else {
            continue;
        };
        let defaults = chart.values.clone();
        // The law: rendered with the overlay, the chart pulls exactly its images, each at its
        // name in the registry.
        let Ok(user) = helm_render::user_values(&options) else {
            continue;
        };
        let Ok(baseline) = helm_render::render_chart(chart.clone(), &user, &options) else {
            continue;
        };
        let documents = renderer::documents(&baseline, &run.options.limits, &mut |_, _, _| true);
        let baseline = crate::pipeline::images_of(documents, &run.options);
        // Each image of the render and the name it must have with the overlay (its own, when
        // it is in the registry already).
        let wanted: Option<Vec<(String, Placed)>> = baseline
            .images
            .iter()
            .map(|i| {
                let name = if mapping.registry.holds(&i.reference) {
                    i.reference.to_string()
                } else {
                    mapping
                        .registry
                        .map(&i.reference, mapping.keep_registry_path)
                        .ok()?
                        .to_string()
                };
                Some((
                    name.clone(),
                    Placed::of(i, format!("{} (to be {name})", i.reference)),
                ))
            })
            .collect();
        let Some(wanted) = wanted else {
            continue;
        };
        let traced: Wanted = baseline
            .images
            .iter()
            .zip(&wanted)
            .flat_map(|(image, (name, _))| {
                image
                    .sources
                    .iter()
                    .filter(|s| s.values.is_traced())
                    .map(move |s| (position(s), name.clone()))
            })
            .collect();
        proof.charts += 1;
        let expected: std::collections::BTreeSet<&str> =
            wanted.iter().map(|(name, _)| name.as_str()).collect();
        // The overlays that apply to this render: the chart's own values (its subcharts'
        // nested in it) and the `-f` files of the render.
        let applies = |file: &str| {
            file == values_file
                || options
                    .values_files
                    .iter()
                    .any(|f| f.to_string_lossy() == file)
        };
        let mut tried: Vec<Vec<String>> = Vec::new();
        // The keys added in the last round, and how many images were wrong before.
        let mut pending: Option<(Vec<Vec<String>>, usize)> = None;
        let mut last_left: Vec<Placed> = Vec::new();
        let mut missing: Vec<Placed> = Vec::new();
        for _ in 0..MAX_ROUNDS {
            let overlay = overlay::overlay_with(
                finished,
                mapping,
                overlay::Format::Values,
                &proof.extras,
                resolved_tags,
            );
            // The run's values, then the overlay over them (merging copies what it changes,
            // so `user` stays as read).
            let with_overlay = gotemplate::Map::new();
            helm_render::merge_maps(&with_overlay, &user);
            for (_, _, tree) in overlay.trees.iter().filter(|(f, _, _)| applies(f)) {
                if let Ok(map) = crate::render::release::tree_values(tree) {
                    helm_render::merge_maps(&with_overlay, &map);
                }
            }
            let Ok(rendered) = helm_render::render_chart(chart.clone(), &with_overlay, &options)
            else {
                break;
            };
            let refused = rendered
                .problems
                .iter()
                .any(|p| p.message.contains("allowInsecureImages"));
            let switch = ["global", "security", "allowInsecureImages"];
            if refused && !proof.extras.iter().any(|e| e.path == switch) {
                proof.extras.push(overlay::Extra {
                    file: std::sync::Arc::clone(&doc.file),
                    document: doc.document,
                    path: switch.iter().map(|s| (*s).to_owned()).collect(),
                    value: Tree {
                        node: crate::documents::Node::Scalar {
                            text: "true".to_owned(),
                            kind: crate::documents::ScalarKind::Bool,
                            literal: false,
                        },
                        at: overlay::written_at(),
                    },
                    comment:
                        "the chart refuses images it does not know, and this overlay changes them"
                            .to_owned(),
                });
                continue;
            }
            let documents =
                renderer::documents(&rendered, &run.options.limits, &mut |_, _, _| true);
            let images = crate::pipeline::images_of(documents, &run.options);
            let outside: Vec<&crate::inventory::Image> = images
                .images
                .iter()
                .filter(|i| !expected.contains(i.reference.to_string().as_str()))
                .collect();
            let rendered_now: std::collections::BTreeSet<String> = images
                .images
                .iter()
                .map(|i| i.reference.to_string())
                .collect();
            let missing_now: Vec<Placed> = wanted
                .iter()
                .filter(|(name, _)| !rendered_now.contains(name))
                .map(|(_, placed)| placed.clone())
                .collect();
            // A chart-wide key that did not lower the count is taken back, and the render
            // without it stands.
            if let Some((paths, before)) = pending.take() {
                if outside.len() + missing_now.len() >= before {
                    proof.extras.retain(|e| !paths.contains(&e.path));
                    continue;
                }
            }
            missing = missing_now;
            last_left = outside
                .iter()
                .map(|i| {
                    // The name its place must have, when the place was rendered without the
                    // overlay too.
                    let what = match i.sources.iter().find_map(|s| traced.get(&position(s))) {
                        Some(name) if *name != i.reference.to_string() => {
                            format!("{} (to be {name})", i.reference)
                        }
                        _ => i.reference.to_string(),
                    };
                    let mut placed = Placed::of(i, what);
                    placed.cover = cover_of(i);
                    placed
                })
                .collect();
            if outside.is_empty() && missing.is_empty() {
                break;
            }
            let domains: std::collections::BTreeSet<&str> =
                outside.iter().map(|i| i.reference.domain()).collect();
            let Some(candidate) =
                next_candidate(&defaults, &outside, &domains, mapping, &traced, &tried)
            else {
                break;
            };
            tried.push(candidate.iter().map(|(p, _, _)| p.join(".")).collect());
            pending = Some((
                candidate.iter().map(|(p, _, _)| p.clone()).collect(),
                outside.len() + missing.len(),
            ));
            for (path, value, comment) in candidate {
                proof.extras.push(overlay::Extra {
                    file: std::sync::Arc::clone(&doc.file),
                    document: doc.document,
                    path,
                    value: Tree::string(&value, overlay::written_at()),
                    comment,
                });
            }
        }
        // Keys added in the last round the rounds could not check are not kept.
        if let Some((paths, _)) = pending {
            proof.extras.retain(|e| !paths.contains(&e.path));
        }
        for placed in missing {
            // The same template line still renders an image outside the registry: the
            // warning below says why.
            if last_left
                .iter()
                .any(|l| l.file == placed.file && l.line == placed.line)
            {
                continue;
            }
            proof.diagnostics.push(placed.not_reached(
                "is pulled without the overlay, and with it the chart does not render that name: the overlay changes a value this image is built from into something else; check the values keys of this image",
            ));
        }
        for placed in last_left {
            let why = format!(
                "is rendered here and no value of the overlay points it at {base}: {}",
                placed.cover
            );
            proof.diagnostics.push(placed.not_reached(&why));
        }
    }
    proof
}

/// What covers a rendered image that no value moves, and why no value does: a post-render
/// kustomization for a container's image (kustomize's `images:` rewrites those fields), a
/// node mirror for an image held elsewhere (an operator's flag, a custom resource, a config),
/// which no post-render rename reaches.
fn cover_of(image: &crate::inventory::Image) -> String {
    let source = image.sources.first();
    let reason = match source.and_then(|s| s.name_key()) {
        Some(key) => format!(
            "its name starts with values key {}, which the overlay cannot set on its own (in a list Helm replaces whole, or cut by a template function)",
            key.key
        ),
        None if source.is_some_and(|s| s.template_only()) => {
            "the template writes it (no values key prints any of it)".to_owned()
        }
        None if source.is_some_and(|s| s.name_from_template()) => {
            "the template writes the start of its name (no values key prints its registry)"
                .to_owned()
        }
        None => "no values key that builds it is known".to_owned(),
    };
    let podspec = image
        .sources
        .iter()
        .all(|s| s.class == crate::extract::Class::Podspec);
    let cover = if podspec {
        "cover it with a post-render kustomization (`imgsift overlay -o kustomize` gives its `images:` entry, for a kustomization over the render)"
    } else {
        "cover it with a node mirror (`imgsift hosts`): it is not a container's image field, so no post-render `images:` entry reaches it"
    };
    format!("{reason}; {cover}")
}

/// Whether the chart's values have this key path (whatever it holds).
fn has_path(values: &gotemplate::Map, path: &[&str]) -> bool {
    let Some((last, parents)) = path.split_last() else {
        return false;
    };
    let mut map = values.clone();
    for key in parents {
        match map.get(key) {
            Some(gotemplate::Value::Map(inner)) => map = inner,
            _ => return false,
        }
    }
    map.get(last).is_some()
}
