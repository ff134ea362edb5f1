//! The values trace: every image of a rendered chart names the values keys (file, line, key
//! path) its registry, repository and tag were printed from, through `include`, `dict`,
//! variables, `printf`, `default`, `coalesce`, `tpl`, `toYaml` and subcharts; an image no value
//! reaches is called template-only. The overlay uses the trace where no values shape is known,
//! `check` names the keys behind each image it rejects, and every corpus chart's rendered
//! images are either traced to a key or called template-only.

mod common;
#[path = "common/helm.rs"]
mod helm;

use std::collections::BTreeSet;

use common::{Scratch, imgsift, imgsift_stdin};
use helm::{corpus, helm_batch};

const SHOP: &str = "testdata/trace/shop";
const OVERRIDE: &str = "testdata/trace/override.yaml";

/// For each rendered source (not the values or `Chart.yaml` ones): image, template file name,
/// line, and its keys as `key parts file:line`, or `template-only`.
fn traced(json: &serde_json::Value) -> BTreeSet<(String, String, u64, Vec<String>)> {
    let mut out = BTreeSet::new();
    for image in json["images"].as_array().into_iter().flatten() {
        for source in image["sources"].as_array().into_iter().flatten() {
            let class = source["class"].as_str().unwrap_or_default();
            if class == "values" || class == "chart" {
                continue;
            }
            let file = source["file"].as_str().unwrap_or_default();
            let keys: Vec<String> = if source["template_only"] == true {
                vec!["template-only".to_owned()]
            } else {
                source["values"]
                    .as_array()
                    .into_iter()
                    .flatten()
                    .map(|k| {
                        let parts: Vec<&str> = k["parts"]
                            .as_array()
                            .into_iter()
                            .flatten()
                            .filter_map(|p| p.as_str())
                            .collect();
                        format!(
                            "{} {} {}:{}",
                            k["key"].as_str().unwrap_or_default(),
                            parts.join("+"),
                            k["file"]
                                .as_str()
                                .unwrap_or_default()
                                .trim_start_matches("testdata/trace/"),
                            k["line"]
                        )
                    })
                    .collect()
            };
            out.insert((
                image["ref"].as_str().unwrap_or_default().to_owned(),
                file.rsplit('/').next().unwrap_or_default().to_owned(),
                source["line"].as_u64().unwrap_or_default(),
                keys,
            ));
        }
    }
    out
}

fn row(image: &str, file: &str, line: u64, keys: &[&str]) -> (String, String, u64, Vec<String>) {
    (
        image.to_owned(),
        file.to_owned(),
        line,
        keys.iter().map(|k| (*k).to_owned()).collect(),
    )
}

#[test]
fn every_rendered_image_names_the_values_keys_it_was_printed_from() {
    let run = imgsift(&["scan", SHOP, "-o", "json"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let want: BTreeSet<_> = [
        row(
            "docker.io/acme/migrate:3.1.0",
            "deployment.yaml",
            10,
            &[
                "image.registry registry shop/values.yaml:4",
                "appVersion tag shop/Chart.yaml:4",
            ],
        ),
        row(
            "docker.io/acme/web:3.1.0",
            "deployment.yaml",
            13,
            &[
                "image.registry registry shop/values.yaml:4",
                "image.repository repository shop/values.yaml:5",
                "appVersion tag shop/Chart.yaml:4",
            ],
        ),
        row(
            "ghcr.io/acme/worker:2.0.1",
            "deployment.yaml",
            15,
            &[
                "worker.repository registry+repository shop/values.yaml:8",
                "worker.version tag shop/values.yaml:9",
            ],
        ),
        row(
            "quay.io/acme/proxy:1.9",
            "deployment.yaml",
            17,
            &[
                "proxy.image.defaultRegistry registry shop/values.yaml:13",
                "proxy.image.repository repository shop/values.yaml:14",
                "proxy.image.tag tag shop/values.yaml:15",
            ],
        ),
        row(
            "registry.k8s.io/pause:3.9",
            "deployment.yaml",
            19,
            &["template-only"],
        ),
        row(
            "docker.io/fluent/fluent-bit:3.0.4",
            "deployment.yaml",
            20,
            &["sidecars[0].image registry+repository+tag shop/values.yaml:18"],
        ),
        // In a config held in a ConfigMap; the decoy `team: acme` beside it is not taken.
        row(
            "registry.k8s.io/acme/agent:0.7",
            "configmap.yaml",
            8,
            &["agent.image registry+repository+tag shop/values.yaml:22"],
        ),
        // A subchart's keys are under its name, placed in its own values.yaml.
        row(
            "docker.io/library/redis:7.2.4",
            "statefulset.yaml",
            10,
            &[
                "cache.image.registry registry shop/charts/cache/values.yaml:4",
                "cache.image.repository repository shop/charts/cache/values.yaml:5",
                "cache.image.tag tag shop/charts/cache/values.yaml:6",
            ],
        ),
    ]
    .into_iter()
    .collect();
    assert_eq!(traced(&run.json()), want);
}

#[test]
fn a_key_the_user_sets_is_placed_in_the_users_file_and_a_global_in_the_parents() {
    let scratch = Scratch::new();
    let global = scratch.write("global.yaml", "global:\n  imageRegistry: mirror.example\n");
    let run = imgsift(&[
        "scan",
        SHOP,
        "-f",
        OVERRIDE,
        "-f",
        &global.to_string_lossy(),
        "-o",
        "json",
    ]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let rows = traced(&run.json());
    let web = rows
        .iter()
        .find(|r| r.0 == "mirror.example/acme/web:3.1.2")
        .unwrap_or_else(|| panic!("{rows:#?}"));
    let global_at = format!("{}:2", global.to_string_lossy());
    assert_eq!(
        web.3,
        [
            format!("global.imageRegistry registry {global_at}"),
            "image.repository repository shop/values.yaml:5".to_owned(),
            "image.tag tag override.yaml:3".to_owned(),
        ]
    );
    // The subchart reads the parent's global: the key is the one the user set.
    let redis = rows
        .iter()
        .find(|r| r.0 == "mirror.example/library/redis:7.2.4")
        .unwrap_or_else(|| panic!("{rows:#?}"));
    assert_eq!(
        redis.3.first().map(String::as_str),
        Some(format!("global.imageRegistry registry {global_at}").as_str())
    );
}

#[test]
fn why_lists_the_keys_of_each_part_and_says_when_the_template_wrote_the_name() {
    let run = imgsift(&["scan", SHOP, "--why", "ghcr.io/acme/worker"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        run.stdout.contains(
            "    registry+repository from values worker.repository = \"ghcr.io/acme/worker\" at testdata/trace/shop/values.yaml:8:15\n    tag from values worker.version = \"2.0.1\" at testdata/trace/shop/values.yaml:9:12\n"
        ),
        "{}",
        run.stdout
    );
    let run = imgsift(&["scan", SHOP, "--why", "registry.k8s.io/pause"]);
    assert!(
        run.stdout
            .contains("    written in the template: no values key printed it\n"),
        "{}",
        run.stdout
    );
    // A values source (not rendered) says neither.
    let run = imgsift(&["scan", "--values", OVERRIDE, "--why", "acme/web"]);
    assert!(!run.stdout.contains(" from values "), "{}", run.stdout);
}

/// The overlay of the shop chart for `registry`, written to scratch.
fn shop_overlay(scratch: &Scratch, registry: &str, keep: bool) -> (std::path::PathBuf, String) {
    let mut args = vec!["overlay", "--registry", registry, SHOP];
    if keep {
        args.push("--keep-registry-path");
    }
    let run = imgsift(&args);
    assert_eq!(run.code, 0, "{}", run.stderr);
    (
        scratch.write(&format!("overlay-{keep}.yaml"), &run.stdout),
        format!("{}\n{}", run.stdout, run.stderr),
    )
}

#[test]
fn the_overlay_sets_the_keys_the_trace_names_where_no_values_shape_is_known() {
    let scratch = Scratch::new();
    let (_, text) = shop_overlay(&scratch, "reg.local:5000/m", false);
    // `{repository, version}` is no shape the values rules know; the trace names the key.
    assert!(
        text.contains(
            "worker:\n  repository: \"reg.local:5000/m/acme/worker\"  # the chart's templates start the name ghcr.io/acme/worker:2.0.1 with this key\n"
        ),
        "{text}"
    );
    // `registry` (null) wins over `defaultRegistry` in the template.
    assert!(
        text.contains("proxy:\n  image:\n    registry: \"reg.local:5000/m\"\n"),
        "{text}"
    );
    // The image the template writes is named with its template and line, and what covers it.
    assert!(
        text.contains(
            "testdata/trace/shop/templates/deployment.yaml:19:1: warning[O004]: registry.k8s.io/pause:3.9 (to be reg.local:5000/m/pause:3.9) is rendered here and no value of the overlay points it at reg.local:5000/m: the template writes it (no values key prints any of it); cover it with a post-render kustomization"
        ),
        "{text}"
    );
    assert_eq!(text.matches("warning[O004]").count(), 1, "{text}");
    // No key that does not change what is pulled: the tags and `defaultRegistry` stay.
    assert!(!text.contains("tag:"), "{text}");
    assert!(!text.contains("defaultRegistry"), "{text}");
    assert!(!text.contains("version:"), "{text}");
}

/// The images of Helm's own render of the shop chart with `overlay`.
fn helm_images(overlay: &std::path::Path) -> BTreeSet<String> {
    let answers = helm_batch(&[serde_json::json!({
        "chart": SHOP,
        "values": [overlay.to_string_lossy()],
    })]);
    let text = answers[0]
        .result
        .clone()
        .unwrap_or_else(|e| panic!("Helm cannot render the shop chart: {e}"));
    imgsift_stdin(&["scan", "-"], text.as_bytes())
        .stdout
        .lines()
        .map(str::to_owned)
        .collect()
}

#[test]
fn check_proves_the_overlay_on_the_render_and_names_the_keys_behind_what_it_rejects() {
    let scratch = Scratch::new();
    for (registry, keep) in [("reg.local:5000/m", false), ("reg.local:5000/m", true)] {
        let (overlay, _) = shop_overlay(&scratch, registry, keep);
        let overlay_arg = overlay.to_string_lossy().into_owned();
        let run = imgsift(&["check", "--registry", registry, SHOP, "-f", &overlay_arg]);
        assert_eq!(run.code, 1, "{}", run.stderr);
        // Only the template-only image is left, named with template, line and why.
        assert_eq!(
            run.lines(),
            [
                "testdata/trace/shop/templates/deployment.yaml:19: registry.k8s.io/pause:3.9: pulled from registry.k8s.io, not from reg.local:5000/m; the template writes it, no values key prints it (a node mirror or a post-render kustomization covers it)"
            ],
            "keep {keep}"
        );
        // Helm renders the same images with the overlay: every one re-homed but the pause.
        let mirror = imgsift(&{
            let mut args = vec!["mirror", "--registry", registry, "-o", "list", SHOP];
            if keep {
                args.push("--keep-registry-path");
            }
            args
        });
        let mut want: BTreeSet<String> = mirror
            .stdout
            .lines()
            .filter_map(|l| l.split('\t').nth(1))
            .filter(|t| !t.contains("/pause:"))
            .map(str::to_owned)
            .collect();
        want.insert("registry.k8s.io/pause:3.9".to_owned());
        assert_eq!(want.len(), 8);
        assert_eq!(helm_images(&overlay), want, "keep {keep}");
    }
    // Without the overlay, each rejected image says which keys print it.
    let run = imgsift(&["check", "--registry", "reg.local:5000/m", SHOP]);
    assert_eq!(run.code, 1);
    assert!(
        run.stdout.contains(
            "testdata/trace/shop/templates/deployment.yaml:15: ghcr.io/acme/worker:2.0.1: pulled from ghcr.io, not from reg.local:5000/m; printed from values key worker.repository (registry+repository, testdata/trace/shop/values.yaml:8), values key worker.version (tag, testdata/trace/shop/values.yaml:9)\n"
        ),
        "{}",
        run.stdout
    );
}

#[test]
fn every_corpus_chart_image_is_traced_to_a_key_or_called_template_only() {
    let charts = corpus().join("charts");
    let mut template_only = BTreeSet::new();
    let mut traced_images = 0;
    for entry in std::fs::read_dir(&charts).unwrap_or_else(|e| panic!("{e}")) {
        let path = entry.unwrap_or_else(|e| panic!("{e}")).path();
        if !path.join("Chart.yaml").is_file() {
            continue;
        }
        let chart = path.to_string_lossy().into_owned();
        let run = imgsift(&["scan", &chart, "-o", "json"]);
        assert_ne!(run.code, 101, "{chart}: {}", run.stderr);
        let json = run.json();
        for image in json["images"].as_array().into_iter().flatten() {
            for source in image["sources"].as_array().into_iter().flatten() {
                let class = source["class"].as_str().unwrap_or_default();
                if class == "values" || class == "chart" {
                    continue;
                }
                let keyed = source["values"].as_array().is_some_and(|v| !v.is_empty());
                let only = source["template_only"] == true;
                assert!(
                    keyed || only,
                    "{chart}: {} at {}:{} has no key and is not template-only",
                    image["ref"],
                    source["file"],
                    source["line"]
                );
                if only {
                    template_only.insert(image["ref"].as_str().unwrap_or_default().to_owned());
                } else {
                    traced_images += 1;
                }
            }
        }
    }
    // What the templates write themselves: Istio's gRPC injection template, and Traefik's
    // default image (its registry and repository are null in the values, the tag is the
    // chart's appVersion).
    assert_eq!(
        template_only,
        [
            "docker.io/library/busybox:1.28",
            "docker.io/library/traefik:v3.7.11"
        ]
        .into_iter()
        .map(str::to_owned)
        .collect::<BTreeSet<_>>()
    );
    assert!(traced_images > 80, "{traced_images}");
}
