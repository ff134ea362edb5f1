//! `imgsift overlay CHART --registry R` proven on the render: rendered with the overlay, a
//! chart pulls exactly the images it pulls without it, each at its name in R; an image the
//! overlay cannot move is named (O004, with its template and line), never left silently. The
//! proof completes the values-shape overlay where the render shows it falls short: a
//! chart-wide registry key the templates read first (Longhorn's `coalesce
//! .Values.global.imageRegistry ...`), Bitnami's `global.security.allowInsecureImages`, tags
//! the chart fills itself. Checked with imgsift's renderer and with real Helm's.

mod common;
#[path = "common/helm.rs"]
mod helm;

use std::collections::BTreeSet;
use std::path::Path;

use common::{Scratch, imgsift, imgsift_stdin};
use helm::{corpus, helm_batch, write_chart};

/// The images the mirror plan gives for `chart`'s render: where each must be pulled from.
fn expected(chart: &str, registry: &str, keep: bool) -> BTreeSet<String> {
    let mut args = vec!["mirror", "--registry", registry, "-o", "list"];
    if keep {
        args.push("--keep-registry-path");
    }
    args.push(chart);
    let run = imgsift(&args);
    assert_eq!(run.code, 0, "{chart}: {}", run.stderr);
    run.stdout
        .lines()
        .filter_map(|l| l.split('\t').nth(1))
        .map(str::to_owned)
        .collect()
}

/// The images of imgsift's render of `chart` with `overlay` as a values file.
fn rendered_with(chart: &str, overlay: &Path) -> BTreeSet<String> {
    let run = imgsift(&["scan", chart, "-f", &overlay.to_string_lossy()]);
    run.stdout.lines().map(str::to_owned).collect()
}

/// The images of real Helm's render of `chart` with `overlay` as a values file.
fn helm_rendered_with(chart: &str, overlay: &Path) -> BTreeSet<String> {
    let answers = helm_batch(&[serde_json::json!({
        "chart": chart,
        "values": [overlay.to_string_lossy()],
    })]);
    let text = match &answers[0].result {
        Ok(text) => text.clone(),
        Err(err) => panic!("Helm cannot render {chart} with the overlay: {err}"),
    };
    let run = imgsift_stdin(&["scan", "-"], text.as_bytes());
    run.stdout.lines().map(str::to_owned).collect()
}

/// `imgsift check` of `chart`'s render with the values `files`; floating tags are accepted
/// (whether a tag floats is not what the overlay changes).
fn check_with(chart: &str, registry: &str, files: &[&str]) -> common::Run {
    let mut args = vec!["check", "--allow-floating", "--registry", registry, chart];
    for file in files {
        args.extend(["-f", file]);
    }
    imgsift(&args)
}

/// Writes the overlay of `chart` and returns it with imgsift's standard error.
fn overlay(
    scratch: &Scratch,
    chart: &str,
    registry: &str,
    keep: bool,
) -> (std::path::PathBuf, String) {
    let mut args = vec!["overlay", "--registry", registry];
    if keep {
        args.push("--keep-registry-path");
    }
    args.push(chart);
    let run = imgsift(&args);
    assert_ne!(run.code, 101, "{}", run.stderr);
    let name = format!(
        "overlay-{}-{}.yaml",
        chart.rsplit('/').next().unwrap_or("chart"),
        registry.replace([':', '/'], "_")
    );
    (scratch.write(&name, &run.stdout), run.stderr)
}

#[test]
fn every_corpus_chart_pulls_its_images_from_the_registry_or_names_those_it_cannot_move() {
    let scratch = Scratch::new();
    let charts = corpus().join("charts");
    let mut exact = BTreeSet::new();
    for entry in std::fs::read_dir(&charts).unwrap_or_else(|e| panic!("{e}")) {
        let path = entry.unwrap_or_else(|e| panic!("{e}")).path();
        if !path.join("Chart.yaml").is_file() {
            continue;
        }
        let chart = path.to_string_lossy().into_owned();
        for (registry, keep) in [
            ("reg.local:5000/mirror", false),
            ("reg.local:5000/mirror", true),
        ] {
            let want = expected(&chart, registry, keep);
            let (file, stderr) = overlay(&scratch, &chart, registry, keep);
            let got = rendered_with(&chart, &file);
            if got == want {
                // `check` proves it on the render too (floating tags are another question).
                let check = check_with(&chart, registry, &[&file.to_string_lossy()]);
                assert_eq!(check.code, 0, "{chart} (keep {keep}): {}", check.stdout);
                exact.insert((
                    path.file_name().map(|n| n.to_string_lossy().into_owned()),
                    registry,
                    keep,
                ));
                continue;
            }
            // Every image that is not where the plan puts it is named by the overlay.
            for image in got.symmetric_difference(&want) {
                let named = stderr
                    .lines()
                    .any(|l| l.contains("warning[O004]") && l.contains(image.as_str()));
                assert!(
                    named,
                    "{chart} ({registry}, keep {keep}): {image} differs and is not named:\n{stderr}"
                );
            }
        }
    }
    // Every chart is exact but istiod, whose gRPC injection template writes `busybox:1.28`
    // itself (named above): those whose templates read a chart-wide key first, refuse changed
    // images, append to the tag they are given, or prefer a key the values shapes do not
    // name (kyverno's `registry` over `defaultRegistry`, found by the trace) included.
    let names: Vec<String> = std::fs::read_dir(&charts)
        .unwrap_or_else(|e| panic!("{e}"))
        .filter_map(|e| e.ok())
        .filter(|e| e.path().join("Chart.yaml").is_file())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    assert!(names.len() >= 21, "{names:?}");
    for name in names.iter().filter(|n| *n != "istiod") {
        for (registry, keep) in [
            ("reg.local:5000/mirror", false),
            ("reg.local:5000/mirror", true),
        ] {
            assert!(
                exact.contains(&(Some(name.clone()), registry, keep)),
                "{name} ({registry}, keep {keep}): the overlay is not exact"
            );
        }
    }
}

#[test]
fn real_helm_renders_the_proven_overlays_as_imgsift_does() {
    let scratch = Scratch::new();
    // Kyverno with --keep-registry-path: the keys that the trace corrects.
    for (name, keep) in [
        ("longhorn", false),
        ("redis", false),
        ("kube-prometheus-stack", false),
        ("traefik", false),
        ("kyverno", true),
    ] {
        let chart = corpus()
            .join("charts")
            .join(name)
            .to_string_lossy()
            .into_owned();
        let registry = "reg.local:5000/mirror";
        let (file, stderr) = overlay(&scratch, &chart, registry, keep);
        assert!(!stderr.contains("O004"), "{name}: {stderr}");
        let want = expected(&chart, registry, keep);
        assert!(!want.is_empty());
        assert_eq!(helm_rendered_with(&chart, &file), want, "{name}");
    }
}

#[test]
fn the_proof_adds_the_keys_the_templates_read_and_names_what_no_value_reaches() {
    let scratch = Scratch::new();
    let chart = scratch.path("shop");
    write_chart(
        &chart,
        &[
            (
                "Chart.yaml",
                "apiVersion: v2\nname: shop\nversion: 1.0.0\nappVersion: \"2.0.0\"\n",
            ),
            (
                "values.yaml",
                "global:\n  imageRegistry: \"\"\nimage:\n  registry: \"\"\n  repository: acme/shop\n  tag: 2.0.0\n",
            ),
            (
                // As Longhorn writes it: the chart-wide key, then a default, before the image's own.
                "templates/_helpers.tpl",
                "{{- define \"shop.registry\" -}}\n{{- coalesce .Values.global.imageRegistry \"docker.io\" .Values.image.registry -}}\n{{- end -}}\n",
            ),
            (
                "templates/deployment.yaml",
                "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: shop\nspec:\n  template:\n    spec:\n      containers:\n      - name: shop\n        image: {{ include \"shop.registry\" . }}/{{ .Values.image.repository }}:{{ .Values.image.tag }}\n      - name: pinned\n        image: docker.io/library/busybox:1.36\n",
            ),
        ],
    );
    let chart = chart.to_string_lossy().into_owned();
    let run = imgsift(&["overlay", "--registry", "reg.local:5000/mirror", &chart]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    // The per-image key, which the template never reaches, and the chart-wide key, which it
    // reads first, with why.
    assert!(
        run.stdout.contains("  imageRegistry: \"reg.local:5000/mirror\"  # the chart's templates read this key before each image's own"),
        "{}",
        run.stdout
    );
    // The hard-coded image is named with its template and line.
    let line = run
        .stderr
        .lines()
        .find(|l| l.contains("warning[O004]") && l.contains("docker.io/library/busybox:1.36"))
        .unwrap_or_else(|| panic!("busybox is not named:\n{}", run.stderr));
    assert!(line.contains("templates/deployment.yaml:12:"), "{line}");
    let file = scratch.write("overlay.yaml", &run.stdout);
    let got = rendered_with(&chart, &file);
    assert!(
        got.contains("reg.local:5000/mirror/acme/shop:2.0.0"),
        "{got:?}"
    );
    assert!(got.contains("docker.io/library/busybox:1.36"), "{got:?}");
    assert_eq!(got.len(), 2, "{got:?}");
}

#[test]
fn overlays_of_values_variants_are_proven_by_check_and_by_real_helm() {
    let scratch = Scratch::new();
    // Components the default values leave off, switched on, and an image given by the user.
    let variants = [
        (
            "redis",
            "sentinel:\n  enabled: true\nmetrics:\n  enabled: true\nvolumePermissions:\n  enabled: true\nsysctl:\n  enabled: true\n",
        ),
        (
            "kube-prometheus-stack",
            "thanosRuler:\n  enabled: true\nprometheus:\n  prometheusSpec:\n    thanos:\n      image: quay.io/thanos/thanos:v0.37.2\n",
        ),
    ];
    for (name, text) in variants {
        let chart = corpus()
            .join("charts")
            .join(name)
            .to_string_lossy()
            .into_owned();
        let variant = scratch.write(&format!("{name}-variant.yaml"), text);
        let variant = variant.to_string_lossy().into_owned();
        for keep in [false, true] {
            let registry = "reg.local:5000/mirror";
            let mut args = vec!["overlay", "--registry", registry, &chart, "-f", &variant];
            if keep {
                args.push("--keep-registry-path");
            }
            let run = imgsift(&args);
            assert_eq!(run.code, 0, "{name}: {}", run.stderr);
            assert!(!run.stderr.contains("O004"), "{name}: {}", run.stderr);
            let overlay = scratch.write(&format!("{name}-{keep}-overlay.yaml"), &run.stdout);
            let overlay = overlay.to_string_lossy().into_owned();
            let mut args = vec![
                "mirror",
                "--registry",
                registry,
                "-o",
                "list",
                &chart,
                "-f",
                &variant,
            ];
            if keep {
                args.push("--keep-registry-path");
            }
            let want: BTreeSet<String> = imgsift(&args)
                .stdout
                .lines()
                .filter_map(|l| l.split('\t').nth(1))
                .map(str::to_owned)
                .collect();
            assert!(want.len() > 3, "{name}: {want:?}");
            let check = check_with(&chart, registry, &[&variant, &overlay]);
            assert_eq!(check.code, 0, "{name} (keep {keep}): {}", check.stdout);
            let answers = helm_batch(&[serde_json::json!({
                "chart": chart,
                "values": [variant, overlay],
            })]);
            let text = answers[0]
                .result
                .clone()
                .unwrap_or_else(|e| panic!("Helm cannot render {name} with the overlay: {e}"));
            let got: BTreeSet<String> = imgsift_stdin(&["scan", "-"], text.as_bytes())
                .stdout
                .lines()
                .map(str::to_owned)
                .collect();
            assert_eq!(got, want, "{name} (keep {keep})");
        }
    }
}
