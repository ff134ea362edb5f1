//! Flux `HelmRelease` (helm.toolkit.fluxcd.io v2, v2beta2, v2beta1): the chart its source
//! names is rendered with the values helm-controller merges (`valuesFrom` in order, then
//! `values`), the release name and namespace it installs with, and its post-renderers'
//! image overrides; the images equal those of real Helm's render of the same chart, values,
//! name and namespace. A chart that is not at hand is an error naming it, and the values are
//! still read.
//!
//! The fixture `testdata/flux/fleet` is a Flux repository: sources, releases of a
//! `HelmRepository` chart (the corpus's metrics-server), an `OCIRepository` chart (the corpus's
//! ingress-nginx) and a chart kept in the repository itself (`charts/web`), with decoys: a
//! ConfigMap of a release's name in other namespaces, an unrelated `HelmRepository`, a
//! Secret of values.

mod common;
#[path = "common/helm.rs"]
mod helm;

use std::collections::BTreeSet;
use std::path::Path;

use common::{imgsift, imgsift_stdin, root};
use helm::{corpus, helm_batch};

const FLEET: &str = "testdata/flux/fleet";

/// `--charts` pointed at the corpus's charts, relative to the repository root.
fn charts_dir() -> String {
    let dir = corpus().join("charts");
    assert!(dir.is_dir(), "{} is missing", dir.display());
    dir.to_string_lossy().into_owned()
}

/// Helm's render of `chart` with one values file, through `imgsift scan -`.
fn oracle_images(chart: &Path, release: &str, namespace: &str, values: &str) -> BTreeSet<String> {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let file = dir.path().join("values.yaml");
    std::fs::write(&file, values).unwrap_or_else(|e| panic!("{e}"));
    let answers = helm_batch(&[serde_json::json!({
        "chart": chart.to_string_lossy(),
        "name": release,
        "namespace": namespace,
        "values": [file.to_string_lossy()],
    })]);
    let rendered = match &answers[0].result {
        Ok(text) => text.clone(),
        Err(err) => panic!("Helm cannot render {}: {err}", chart.display()),
    };
    let peer = imgsift_stdin(&["scan", "-"], rendered.as_bytes());
    assert_eq!(peer.code, 0, "{}", peer.stderr);
    peer.stdout.lines().map(str::to_owned).collect()
}

/// The images whose sources went through the release `by` (the step the render marks).
fn images_by(json: &serde_json::Value, by: &str) -> BTreeSet<String> {
    common::image_sources(json)
        .into_iter()
        .filter(|(_, source)| {
            source["transform"]
                .as_str()
                .is_some_and(|t| t.split("; then ").any(|step| step == by))
        })
        .map(|(reference, _)| reference.to_owned())
        .collect()
}

fn scan_fleet(extra: &[&str]) -> common::Run {
    let charts = charts_dir();
    let mut args = vec!["scan", "--charts", charts.as_str()];
    args.extend_from_slice(extra);
    args.push(FLEET);
    imgsift(&args)
}

/// The values helm-controller hands Helm for the metrics-server release: the ConfigMap's
/// `values.yaml`, then `image.tag` from the `targetPath` entry (no earlier entry has an
/// `image` map, so the set value is shared with `spec.values` and wins over it), then
/// `spec.values`. The Secret is not read; the optional ConfigMap is absent.
const METRICS_VALUES: &str = "replicas: 2\naddonResizer:\n  enabled: true\n  image:\n    tag: 1.8.22\nimage:\n  repository: registry.k8s.io/metrics-server/metrics-server\n  tag: v0.8.0\nargs:\n  - --kubelet-insecure-tls\n";

#[test]
fn helm_repository_release_renders_its_merged_values_as_helm_does() {
    let run = scan_fleet(&["-o", "json"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let json = run.json();
    let native = images_by(&json, "HelmRelease/flux-system/metrics-server");
    // The post-renderer's `images` entry moves the addon resizer to the mirror.
    let peer: BTreeSet<String> = oracle_images(
        &corpus().join("charts/metrics-server"),
        "kube-system-metrics-server",
        "kube-system",
        METRICS_VALUES,
    )
    .into_iter()
    .map(|image| {
        image.replace(
            "registry.k8s.io/autoscaling/addon-resizer",
            "mirror.example.com/autoscaling/addon-resizer",
        )
    })
    .collect();
    assert_eq!(native, peer);
    assert!(
        native.contains("registry.k8s.io/metrics-server/metrics-server:v0.8.0")
            && native.contains("mirror.example.com/autoscaling/addon-resizer:1.8.22"),
        "{native:?}"
    );
    // Decoys and the Secret change nothing.
    assert!(
        !run.stdout.contains("9.9.9") && !run.stdout.contains("6.6.6"),
        "{}",
        run.stdout
    );
    // Provenance: the chart's template, in the target namespace, through the release.
    let sources = common::image_sources(&json);
    let (_, source) = sources
        .iter()
        .find(|(r, _)| r.ends_with("metrics-server:v0.8.0"))
        .unwrap_or_else(|| panic!("no metrics-server source: {json}"));
    assert!(
        source["file"]
            .as_str()
            .is_some_and(|f| f.ends_with("charts/metrics-server/templates/deployment.yaml")),
        "{source}"
    );
    assert_eq!(source["namespace"], "kube-system", "{source}");
    assert_eq!(
        source["transform"], "HelmRelease/flux-system/metrics-server",
        "{source}"
    );
    let (_, resizer) = sources
        .iter()
        .find(|(r, _)| r.contains("addon-resizer"))
        .unwrap_or_else(|| panic!("no addon-resizer source: {json}"));
    assert!(
        resizer["transform"].as_str().is_some_and(|t| t.contains(
            "postRenderers[0] images \"registry.k8s.io/autoscaling/addon-resizer\" (testdata/flux/fleet/apps/metrics-server/release.yaml:37)"
        ) && t.ends_with("HelmRelease/flux-system/metrics-server")),
        "{resizer}"
    );
}

#[test]
fn secrets_are_never_read_and_image_patches_are_said_to_be_unapplied() {
    let run = scan_fleet(&[]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let secret: Vec<&str> = run
        .stderr
        .lines()
        .filter(|l| l.contains("warning[V003]"))
        .collect();
    assert_eq!(secret.len(), 1, "{}", run.stderr);
    assert!(
        secret[0].starts_with("testdata/flux/fleet/apps/metrics-server/release.yaml:19:7:")
            && secret[0].contains("Secret \"metrics-server-secret-values\"")
            && secret[0].contains("never read"),
        "{}",
        run.stderr
    );
    // The Secret's text is never echoed.
    assert!(
        !run.stderr.contains("6.6.6") && !run.stdout.contains("6.6.6"),
        "{}",
        run.stderr
    );
    // Of the two patches, the one that sets an image is named; the label patch is not.
    let patches: Vec<&str> = run
        .stderr
        .lines()
        .filter(|l| l.contains("warning[H008]"))
        .collect();
    assert_eq!(patches.len(), 1, "{}", run.stderr);
    assert!(
        patches[0].starts_with("testdata/flux/fleet/apps/metrics-server/release.yaml:46:13:")
            && patches[0].contains("was not applied"),
        "{}",
        run.stderr
    );
    // The optional ConfigMap that is absent is silent; every present one was found.
    assert!(!run.stderr.contains("H007"), "{}", run.stderr);
}

#[test]
fn oci_repository_chart_ref_renders_the_chart_its_url_names() {
    let run = scan_fleet(&["-o", "json"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let json = run.json();
    let native = images_by(&json, "HelmRelease/ingress-nginx/ingress-nginx");
    // The kustomization put the release in `ingress-nginx`; the chart's version is the
    // OCIRepository's semver range, met by the corpus's 4.15.1.
    let peer = oracle_images(
        &corpus().join("charts/ingress-nginx"),
        "ingress-nginx",
        "ingress-nginx",
        "defaultBackend:\n  enabled: true\n",
    );
    assert_eq!(native, peer);
    assert!(
        native.iter().any(|i| i.contains("defaultbackend")),
        "{native:?}"
    );
}

#[test]
fn git_repository_chart_path_renders_the_chart_of_the_scanned_tree() {
    // The chart is in the fleet: no --charts is needed for it.
    let run = imgsift(&["scan", "-o", "json", FLEET]);
    let json = run.json();
    let native = images_by(&json, "HelmRelease/apps/web");
    let peer = oracle_images(
        &root().join(FLEET).join("charts/web"),
        "web",
        "apps",
        "image:\n  tag: \"1.25\"\nsidecar:\n  enabled: true\n",
    );
    assert_eq!(native, peer);
    assert_eq!(
        native.into_iter().collect::<Vec<_>>(),
        [
            "docker.io/library/busybox:1.36",
            "docker.io/library/nginx:1.25",
            "ghcr.io/example/migrate:apps",
        ]
    );
    let sources = common::image_sources(&json);
    let (_, source) = sources
        .iter()
        .find(|(r, s)| r.ends_with("nginx:1.25") && s["transform"] == "HelmRelease/apps/web")
        .unwrap_or_else(|| panic!("no nginx source: {json}"));
    assert_eq!(
        source["file"], "testdata/flux/fleet/charts/web/templates/deployment.yaml",
        "{source}"
    );
    assert_eq!(source["line"], 11, "{source}");
    // Named from a folder above the repository, the chart is found from the release's folder.
    let above = imgsift(&["scan", "-o", "json", "testdata/flux"]).json();
    assert_eq!(images_by(&above, "HelmRelease/apps/web"), peer);
    // Named below the chart's folder, the path cannot be reached: a warning says where to
    // scan from, and the chart is looked up by name.
    let below = imgsift(&["scan", "testdata/flux/fleet/apps/web"]);
    assert!(
        below.stderr.contains("warning[H008]: HelmRelease/apps/web installs the chart at \"./charts/web\" of GitRepository \"flux-system\"")
            && below.stderr.contains("scan the repository's root folder")
            && below.stderr.contains("error[H006]: HelmRelease/apps/web installs chart \"web\" (no version)"),
        "{}",
        below.stderr
    );
}

#[test]
fn a_missing_chart_is_an_error_naming_it_and_values_are_still_read() {
    let run = imgsift(&["scan", "-o", "json", FLEET]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(
        run.stderr.contains(
            "testdata/flux/fleet/apps/metrics-server/release.yaml:11:14: error[H006]: HelmRelease/flux-system/metrics-server installs chart \"metrics-server\" version 3.13.x from https://kubernetes-sigs.github.io/metrics-server/"
        ) && run.stderr.contains(
            "HelmRelease/ingress-nginx/ingress-nginx installs chart \"ingress-nginx\" version >=4.15.0 <4.16.0 from oci://ghcr.io/example/charts"
        ),
        "{}",
        run.stderr
    );
    // `spec.values` read as a values file, at its line in the manifest.
    let json = run.json();
    let sources = common::image_sources(&json);
    let (_, source) = sources
        .iter()
        .find(|(r, _)| *r == "registry.k8s.io/metrics-server/metrics-server:v0.7.2")
        .unwrap_or_else(|| panic!("the values image is missing: {json}"));
    assert_eq!(source["class"], "values", "{source}");
    assert_eq!(
        source["file"], "testdata/flux/fleet/apps/metrics-server/release.yaml",
        "{source}"
    );
    assert_eq!(source["line"], 30, "{source}");
    // The release found in the tree still renders.
    assert!(run.stdout.contains("nginx:1.25"), "{}", run.stdout);

    let allowed = imgsift(&["scan", "--allow-missing-charts", FLEET]);
    assert_eq!(allowed.code, 0, "{}", allowed.stderr);
    assert!(
        allowed.stderr.contains("warning[H006]") && !allowed.stderr.contains("error["),
        "{}",
        allowed.stderr
    );
    assert!(
        allowed
            .stdout
            .contains("registry.k8s.io/metrics-server/metrics-server:v0.7.2"),
        "{}",
        allowed.stdout
    );
}

#[test]
fn values_are_not_read_as_custom_resource_fields() {
    // A tag-less `image:` in `spec.values` is a values entry (unresolved), never `latest`.
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let manifest = "apiVersion: helm.toolkit.fluxcd.io/v2beta1\nkind: HelmRelease\nmetadata:\n  name: app\n  namespace: apps\nspec:\n  chart:\n    spec:\n      chart: app\n      sourceRef: {kind: HelmRepository, name: nowhere}\n  values:\n    image: ghcr.io/example/app\n    sidecar:\n      image: ghcr.io/example/sidecar:2.0\n";
    std::fs::write(dir.path().join("hr.yaml"), manifest).unwrap_or_else(|e| panic!("{e}"));
    let run = common::imgsift_in(
        dir.path(),
        &["scan", "-o", "json", "--allow-missing-charts", "hr.yaml"],
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    let json = run.json();
    let refs: Vec<&str> = common::image_sources(&json)
        .into_iter()
        .map(|(r, s)| {
            assert_eq!(s["class"], "values", "{s}");
            r
        })
        .collect();
    assert_eq!(refs, ["ghcr.io/example/sidecar:2.0"]);
    assert_eq!(json["unresolved"][0]["repository"], "ghcr.io/example/app");
}

#[test]
fn a_config_map_not_in_the_scan_is_a_warning() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let manifest = "apiVersion: helm.toolkit.fluxcd.io/v2\nkind: HelmRelease\nmetadata:\n  name: app\n  namespace: apps\nspec:\n  chart:\n    spec:\n      chart: app\n      sourceRef: {kind: HelmRepository, name: nowhere}\n  valuesFrom:\n  - kind: ConfigMap\n    name: app-values\n  - kind: ConfigMap\n    name: app-values\n    valuesKey: other.yaml\n---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: app-values\n  namespace: elsewhere\ndata:\n  values.yaml: 'a: 1'\n";
    std::fs::write(dir.path().join("hr.yaml"), manifest).unwrap_or_else(|e| panic!("{e}"));
    let run = common::imgsift_in(dir.path(), &["scan", "--allow-missing-charts", "hr.yaml"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let missing: Vec<&str> = run
        .stderr
        .lines()
        .filter(|l| l.contains("warning[H007]"))
        .collect();
    assert_eq!(missing.len(), 2, "{}", run.stderr);
    assert!(
        missing[0].starts_with("hr.yaml:12:5:")
            && missing[0].contains("ConfigMap apps/app-values, which is not in the scan"),
        "{}",
        run.stderr
    );
}

/// Real HelmReleases (bjw-s's app-template style): the OCIRepository that serves the chart is
/// not in the file, so the chart is unknown; the images the values name are what a cluster
/// pulls for them, and they are listed.
#[test]
fn corpus_realworld_releases_report_their_values_images() {
    let karakeep = corpus().join("realworld/flux-karakeep.yaml");
    let run = imgsift(&["scan", &karakeep.to_string_lossy()]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert_eq!(
        run.lines(),
        [
            "docker.io/getmeili/meilisearch:v1.53.1@sha256:8d6643d86d71fad6ad3cba92cde7ccfce9e4d6c384bda67598eb553571c32431",
            "docker.io/zenika/alpine-chrome:124@sha256:e3048875b6f75d0332085b093d55a82009fb8e688a1394106800397b534b9b23",
            "ghcr.io/karakeep-app/karakeep:0.33.2@sha256:b069e4307dec06ea06d16989c6861c30a1ff208568be44ed5fb5d422cd3e950c",
        ]
    );
    assert!(
        run.stderr.contains("error[H006]: HelmRelease/default/karakeep")
            && run
                .stderr
                .contains("warning[H007]: `spec.chartRef` of HelmRelease/default/karakeep names OCIRepository/default/karakeep, which is not in the scan"),
        "{}",
        run.stderr
    );

    let runner = corpus().join("realworld/flux-forgejo-runner.yaml");
    let run = imgsift(&["scan", "-o", "json", &runner.to_string_lossy()]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    let json = run.json();
    let refs: Vec<&str> = json["images"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|i| i["ref"].as_str())
        .collect();
    // The runner's image, and the images of the pod specs it hands its jobs (held as YAML
    // in `podSpecs` strings: a cluster pulls them for every job).
    assert_eq!(
        refs,
        [
            "docker.io/library/docker:29-dind",
            "ghcr.io/bjw-s-labs/forgejo-runner:ubuntu-24.04@sha256:fea96a5b525857bee41cc132cf95df67191b73cdd681569ada3000111420397e",
            "registry.erwanleboucher.dev/eleboucher/runner:12.13.0",
        ]
    );
    // The plugin's image has no tag in the values: the chart picks it, unknown here.
    assert_eq!(
        json["unresolved"][0]["repository"],
        "registry.erwanleboucher.dev/eleboucher/runner-k8s-plugin"
    );
}

#[test]
fn output_is_the_same_whatever_the_thread_count() {
    let charts = charts_dir();
    let one = imgsift(&["scan", "-o", "json", "-j", "1", "--charts", &charts, FLEET]);
    let two = imgsift(&["scan", "-o", "json", "-j", "2", "--charts", &charts, FLEET]);
    assert_eq!(one.code, 0, "{}", one.stderr);
    assert_eq!(one.stdout, two.stdout);
    assert_eq!(one.stderr, two.stderr);
}

#[test]
fn a_chart_of_the_tree_that_a_release_installs_is_listed_as_the_release_renders_it_only() {
    // On its own, the fleet's web chart renders its defaults (nginx 1.2.3, the migrate hook
    // tagged `default`); the HelmRelease installs it with other values, and a cluster pulls
    // only what that render pulls.
    let alone = common::imgsift(&["scan", "testdata/flux/fleet/charts/web"]);
    assert_eq!(
        alone.stdout, "docker.io/library/nginx:1.2.3\nghcr.io/example/migrate:default\n",
        "{}",
        alone.stderr
    );
    let fleet = common::imgsift(&["scan", "testdata/flux/fleet"]);
    let images: Vec<&str> = fleet.stdout.lines().collect();
    for image in [
        "docker.io/library/nginx:1.25",
        "docker.io/library/busybox:1.36",
        "ghcr.io/example/migrate:apps",
    ] {
        assert!(images.contains(&image), "{image} missing: {images:?}");
    }
    for image in [
        "docker.io/library/nginx:1.2.3",
        "ghcr.io/example/migrate:default",
    ] {
        assert!(!images.contains(&image), "{image} listed: {images:?}");
    }
}

#[test]
fn values_of_a_release_whose_chart_is_missing_are_not_called_unused() {
    // Without --charts the fleet's metrics-server release is not rendered: its values stand
    // in for the render, so that no manifest uses its image is no news (V002 would say the
    // value is a key the chart ignores).
    let run = common::imgsift(&["scan", FLEET]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(run.stderr.contains("error[H006]"), "{}", run.stderr);
    assert!(
        run.stdout
            .lines()
            .any(|l| l == "registry.k8s.io/metrics-server/metrics-server:v0.7.2"),
        "{}",
        run.stdout
    );
    assert!(!run.stderr.contains("V002"), "{}", run.stderr);
}

#[test]
fn a_config_map_too_large_to_be_values_is_not_kept_and_the_release_says_so() {
    let scratch = common::Scratch::new();
    // A dashboard-sized ConfigMap (over a mebibyte of data) of the name a release reads.
    let big = "x".repeat((1 << 20) + 1);
    scratch.write(
        "cm.yaml",
        format!("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: dash\n  namespace: apps\ndata:\n  values.yaml: {big}\n"),
    );
    scratch.write(
        "release.yaml",
        "apiVersion: helm.toolkit.fluxcd.io/v2\nkind: HelmRelease\nmetadata:\n  name: web\n  namespace: apps\nspec:\n  chart:\n    spec:\n      chart: web\n  valuesFrom:\n  - kind: ConfigMap\n    name: dash\n",
    );
    let run = scratch.run_limited(&["scan", "--allow-missing-charts", "."]);
    common::assert_good_still_reported(&run);
    assert!(
        run.stderr.contains("warning[H007]") && run.stderr.contains("1 MiB each"),
        "{}",
        run.stderr
    );
}
