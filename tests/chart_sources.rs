//! Charts that objects and values name: `imgsift charts` lists each once, with where it is
//! named and whether it was found; `--charts DIR` is where a chart not embedded is looked up
//! (by name and version, as `helm pull` leaves charts), and a chart that is at hand there
//! renders as real Helm renders it. A chart that is not at hand fails the run unless
//! `--allow-missing-charts`.
//!
//! The fixture `testdata/chart-sources/` holds one source of each kind: a chart whose
//! `Chart.yaml` depends on two charts (pinned by `Chart.lock`), a kustomization with
//! `helmCharts:`, a K3s `HelmChart` naming a repository, and deployKF-style `charts:` values.

mod common;
#[path = "common/helm.rs"]
mod helm;

use std::path::Path;

use common::{Scratch, imgsift, imgsift_stdin};
use helm::{corpus, helm_batch, write_chart};

const FIXTURE: &str = "testdata/chart-sources";

fn corpus_charts() -> String {
    corpus().join("charts").to_string_lossy().into_owned()
}

/// Images of real Helm's render of `chart` with these values, release and namespace.
fn helm_images(chart: &Path, release: &str, namespace: &str, values: &str) -> Vec<String> {
    let scratch = Scratch::new();
    let file = scratch.write("values.yaml", values);
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

#[test]
fn charts_lists_each_chart_once_sorted_with_locked_versions() {
    let run = imgsift(&["charts", FIXTURE]);
    assert_eq!(
        run.stdout,
        "cache\t1.2.0\thttps://charts.example.com/stable\n\
         cert-manager\t1.16.2\thttps://charts.jetstack.io\n\
         ingress-nginx\t4.11.3\thttps://kubernetes.github.io/ingress-nginx\n\
         metrics-server\t3.13.1\thttps://kubernetes-sigs.github.io/metrics-server/\n\
         podinfo\t6.7.1\thttps://stefanprodan.github.io/podinfo\n\
         postgresql\t16.4.5\toci://registry-1.docker.io/bitnamicharts\n",
        "{}",
        run.stderr
    );
    // The chart whose dependencies are not vendored cannot render (Helm refuses it too): that
    // is the run's only error. A chart not at hand is what the list is for, not an error.
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(run.stderr.contains("error[H002]"), "{}", run.stderr);
    for code in ["H004", "H006", "K015", "V001"] {
        assert!(!run.stderr.contains(code), "{code}: {}", run.stderr);
    }
    // The values entry without a repository is not a chart.
    assert!(!run.stdout.contains("a note"));
}

#[test]
fn charts_json_names_every_reference_and_the_chart_found_locally() {
    let charts = corpus_charts();
    let run = imgsift(&["charts", "-o", "json", "--charts", &charts, FIXTURE]);
    let json = run.json();
    let list = json["charts"].as_array().cloned().unwrap_or_default();
    let find = |name: &str| {
        list.iter()
            .find(|c| c["name"] == name)
            .cloned()
            .unwrap_or_else(|| panic!("{name} not listed: {json}"))
    };
    let nginx = find("ingress-nginx");
    let references: Vec<(String, u64)> = nginx["references"]
        .as_array()
        .cloned()
        .unwrap_or_default()
        .iter()
        .map(|r| {
            (
                r["file"].as_str().unwrap_or_default().to_owned(),
                r["line"].as_u64().unwrap_or_default(),
            )
        })
        .collect();
    assert_eq!(
        references,
        vec![
            (format!("{FIXTURE}/gitops/argo-apps.yaml"), 32),
            (format!("{FIXTURE}/kustomize/kustomization.yaml"), 4),
            (format!("{FIXTURE}/values/platform-values.yaml"), 14),
        ]
    );
    assert!(nginx["local"].is_null(), "{nginx}");
    // The HelmChart's chart is in the corpus folder named with --charts.
    let metrics = find("metrics-server");
    assert_eq!(
        metrics["local"].as_str(),
        Some(format!("{charts}/metrics-server").as_str()),
        "{metrics}"
    );
    assert_eq!(
        metrics["references"][0]["by"].as_str(),
        Some("HelmChart/kube-system/metrics-server")
    );
    // A Chart.lock pin is the version listed; the dependency is not vendored.
    let postgresql = find("postgresql");
    assert_eq!(postgresql["version"], "16.4.5");
    assert!(postgresql["local"].is_null());
}

#[test]
fn a_helm_chart_from_a_repository_renders_from_the_charts_folder_as_helm_renders_it() {
    let charts = corpus_charts();
    let run = imgsift(&["scan", "--charts", &charts, &format!("{FIXTURE}/k3s")]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let native: Vec<String> = run.stdout.lines().map(str::to_owned).collect();
    let values =
        "image:\n  repository: registry.k8s.io/metrics-server/metrics-server\n  tag: v0.8.0\n";
    let peer = helm_images(
        &corpus().join("charts/metrics-server"),
        "metrics-server",
        "kube-system",
        values,
    );
    assert!(!peer.is_empty());
    assert_eq!(native, peer);
    assert!(
        native.contains(&"registry.k8s.io/metrics-server/metrics-server:v0.8.0".to_owned()),
        "{native:?}"
    );
    // Provenance names the object that asked for the chart.
    let json = imgsift(&[
        "scan",
        "-o",
        "json",
        "--charts",
        &charts,
        &format!("{FIXTURE}/k3s"),
    ])
    .json();
    assert!(
        json.to_string()
            .contains("HelmChart kube-system/metrics-server"),
        "{json}"
    );
}

#[test]
fn a_missing_chart_fails_the_run_unless_allowed_and_its_values_are_still_read() {
    let input = format!("{FIXTURE}/k3s");
    let run = imgsift(&["scan", &input]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(run.stderr.contains("error[H004]"), "{}", run.stderr);
    assert!(run.stderr.contains("metrics-server"), "{}", run.stderr);
    assert_eq!(
        run.stdout,
        "registry.k8s.io/metrics-server/metrics-server:v0.8.0\n"
    );
    let allowed = imgsift(&["scan", "--allow-missing-charts", &input]);
    assert_eq!(allowed.code, 0, "{}", allowed.stderr);
    assert!(
        allowed.stderr.contains("warning[H004]"),
        "{}",
        allowed.stderr
    );
    assert_eq!(allowed.stdout, run.stdout);
    // Another chart folder without the chart changes nothing.
    let scratch = Scratch::new();
    let empty = scratch.path("empty");
    std::fs::create_dir_all(&empty).unwrap_or_else(|e| panic!("{e}"));
    let elsewhere = imgsift(&["scan", "--charts", &empty.to_string_lossy(), &input]);
    assert_eq!(elsewhere.code, 2, "{}", elsewhere.stderr);
}

/// A chart of the tests whose appVersion is its image tag.
fn versioned_chart(dir: &Path, version: &str) {
    write_chart(
        dir,
        &[
            (
                "Chart.yaml",
                &format!(
                    "apiVersion: v2\nname: app\nversion: {version}\nappVersion: \"{version}\"\n"
                ),
            ),
            (
                "templates/pod.yaml",
                "apiVersion: v1\nkind: Pod\nmetadata:\n  name: app\nspec:\n  containers:\n  - name: app\n    image: ghcr.io/example/app:{{ .Chart.AppVersion }}\n",
            ),
        ],
    );
}

#[test]
fn a_version_range_picks_the_newest_matching_chart_of_the_folder() {
    let scratch = Scratch::new();
    // As `helm pull --untar` and kustomize's chart home leave them.
    versioned_chart(&scratch.path("charts/app"), "1.2.0");
    versioned_chart(&scratch.path("charts/app-1.4.0/app"), "1.4.0");
    versioned_chart(&scratch.path("charts/app-2.0.0/app"), "2.0.0");
    let object = |version: &str| {
        format!(
            "apiVersion: helm.cattle.io/v1\nkind: HelmChart\nmetadata:\n  name: app\nspec:\n  chart: app\n  repo: https://charts.example.com\n  version: \"{version}\"\n"
        )
    };
    let charts = scratch.path("charts").to_string_lossy().into_owned();
    for (version, tag) in [
        ("1.x", "1.4.0"),
        ("1.2.0", "1.2.0"),
        ("", "2.0.0"),
        ("<1.3", "1.2.0"),
    ] {
        let file = scratch.write("app.yaml", object(version));
        let run = imgsift(&["scan", "--charts", &charts, &file.to_string_lossy()]);
        assert_eq!(run.code, 0, "{version}: {}", run.stderr);
        assert_eq!(
            run.stdout,
            format!("ghcr.io/example/app:{tag}\n"),
            "{version}"
        );
    }
    // No version of the folder satisfies the range: the chart is missing.
    let file = scratch.write("app.yaml", object("3.x"));
    let run = imgsift(&["scan", "--charts", &charts, &file.to_string_lossy()]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(run.stderr.contains("error[H004]"), "{}", run.stderr);
}

#[test]
fn a_charts_folder_that_cannot_be_read_is_an_error_and_the_inputs_are_still_read() {
    let scratch = Scratch::new();
    let missing = scratch.path("no-such-folder");
    let run = imgsift(&[
        "scan",
        "--charts",
        &missing.to_string_lossy(),
        "testdata/scan/workloads.yaml",
    ]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(run.stderr.contains("error[I001]"), "{}", run.stderr);
    assert!(run.stderr.contains("--charts"), "{}", run.stderr);
    assert!(!run.stdout.is_empty());
}

/// Copies a fixture file into `dir` (a kustomization reads only files below its root).
fn copy_into(dir: &Path, fixture: &str) -> String {
    let name = fixture.replace('/', "-");
    let text = std::fs::read_to_string(format!("{FIXTURE}/{fixture}"))
        .unwrap_or_else(|e| panic!("{fixture}: {e}"));
    std::fs::write(dir.join(&name), text).unwrap_or_else(|e| panic!("{e}"));
    name
}

#[test]
fn the_charts_overlay_points_every_patched_source_at_the_charts_registry() {
    let scratch = Scratch::new();
    let registry = "oci://mirror.local:5000/charts";
    let out = scratch.path("out");
    let inputs = [
        format!("{FIXTURE}/gitops"),
        format!("{FIXTURE}/k3s"),
        format!("{FIXTURE}/values"),
    ];
    let mut args = vec![
        "overlay",
        "--charts-registry",
        registry,
        "--out-dir",
        out.to_str().unwrap_or_default(),
    ];
    args.extend(inputs.iter().map(String::as_str));
    let run = imgsift(&args);
    assert_eq!(run.code, 0, "{}", run.stderr);
    // A kustomization's own helmCharts cannot be patched: a note says where to change it.
    let printed = imgsift(&[
        "overlay",
        "--charts-registry",
        registry,
        &format!("{FIXTURE}/kustomize"),
    ]);
    assert!(
        printed
            .stderr
            .contains("kustomization.yaml:4: set `repo: oci://mirror.local:5000/charts`"),
        "{}",
        printed.stderr
    );

    // The patches, applied by a kustomize build over the sources as written...
    let mut patches: Vec<String> = std::fs::read_dir(out.join("patches"))
        .unwrap_or_else(|e| panic!("{e}"))
        .filter_map(|e| e.ok())
        .map(|e| format!("out/patches/{}", e.file_name().to_string_lossy()))
        .collect();
    patches.sort();
    assert_eq!(patches.len(), 5, "{patches:?}");
    let build = scratch.path("build");
    std::fs::create_dir_all(&build).unwrap_or_else(|e| panic!("{e}"));
    std::fs::rename(&out, build.join("out")).unwrap_or_else(|e| panic!("{e}"));
    let resources: Vec<String> = [
        "gitops/flux-sources.yaml",
        "gitops/argo-apps.yaml",
        "k3s/metrics-server.yaml",
    ]
    .iter()
    .map(|f| copy_into(&build, f))
    .collect();
    let kustomization = format!(
        "resources:\n{}patches:\n{}",
        resources
            .iter()
            .map(|r| format!("  - {r}\n"))
            .collect::<String>(),
        patches
            .iter()
            .map(|p| format!("  - path: {p}\n"))
            .collect::<String>()
    );
    std::fs::write(build.join("kustomization.yaml"), kustomization)
        .unwrap_or_else(|e| panic!("{e}"));
    let built = imgsift(&["charts", "-o", "json", &build.to_string_lossy()]).json();
    let charts = built["charts"].as_array().cloned().unwrap_or_default();
    // ...leave no chart of those sources outside the mirror.
    assert!(!charts.is_empty(), "{built}");
    for chart in &charts {
        assert_eq!(chart["repository"], registry, "{chart}");
    }
    assert!(
        charts.iter().any(|c| c["name"] == "metrics-server"),
        "{built}"
    );

    // The values override, merged onto its file as Helm merges `-f` files, does the same.
    let original = std::fs::read_to_string(format!("{FIXTURE}/values/platform-values.yaml"))
        .unwrap_or_else(|e| panic!("{e}"));
    let override_file = build
        .join("out/values")
        .join(format!("{FIXTURE}/values/platform-values.yaml"));
    let overlay = std::fs::read_to_string(&override_file)
        .unwrap_or_else(|e| panic!("{}: {e}", override_file.display()));
    let merged = common::helm_merge(
        common::yaml_to_json(&original),
        common::yaml_to_json(&overlay),
    );
    let merged_file = scratch.write("merged.yaml", merged.to_string());
    let listed = imgsift(&["charts", "-o", "json", &merged_file.to_string_lossy()]).json();
    let listed = listed["charts"].as_array().cloned().unwrap_or_default();
    assert_eq!(listed.len(), 2, "{listed:?}");
    for chart in &listed {
        assert_eq!(chart["repository"], registry, "{chart}");
    }
}
