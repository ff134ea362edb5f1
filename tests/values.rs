//! Helm values files: every image shape, tags as written, tags resolved from the run.

mod common;

use common::{image_sources, imgsift, read, text};
use serde_json::Value;

/// `image REF CLASS PATH [tag_from=...]` and `unresolved REPO PATH` lines, as in the goldens.
fn summary(json: &Value) -> String {
    let mut lines = Vec::new();
    for (reference, source) in image_sources(json) {
        let mut line = format!(
            "image {reference} {} {}",
            text(source, "class"),
            text(source, "path")
        );
        if let Some(from) = source["tag_from"].as_str() {
            line.push_str(&format!(" tag_from={from}"));
        }
        lines.push(line);
    }
    for entry in json["unresolved"].as_array().into_iter().flatten() {
        lines.push(format!(
            "unresolved {} {}",
            entry["repository"].as_str().unwrap_or_default(),
            entry["path"].as_str().unwrap_or_default()
        ));
    }
    lines.join("\n") + "\n"
}

#[test]
fn every_chart_values_file_yields_its_reviewed_images_and_unresolved_entries() {
    let files = [
        "argo-cd-values",
        "argo-workflows-values",
        "cert-manager-values",
        "ingress-nginx-values",
        "istio-cni-values",
        "istio-gateway-values",
        "istiod-values",
        "jenkins-values",
        "kube-prometheus-stack-values",
        "postgresql-values",
        "redis-values",
        "ztunnel-values",
    ];
    for name in files {
        let input = format!("../shared/corpus/charts-values/{name}.yaml");
        let run = imgsift(&["scan", "-o", "json", "--values", &input]);
        assert_eq!(run.code, 0, "{name}: {}", run.stderr);
        assert_eq!(
            summary(&run.json()),
            read(&format!("tests/golden/values/{name}.txt")),
            "{name}"
        );
    }
}

/// The summary lines of one values file of a run (`file` as displayed).
fn summary_of(json: &Value, file: &str) -> String {
    let mut lines = Vec::new();
    for (reference, source) in image_sources(json) {
        if text(source, "file") != file {
            continue;
        }
        let mut line = format!(
            "image {reference} {} {}",
            text(source, "class"),
            text(source, "path")
        );
        if let Some(from) = source["tag_from"].as_str() {
            line.push_str(&format!(" tag_from={from}"));
        }
        lines.push(line);
    }
    for entry in json["unresolved"].as_array().into_iter().flatten() {
        if text(entry, "file") == file {
            lines.push(format!(
                "unresolved {} {}",
                text(entry, "repository"),
                text(entry, "path")
            ));
        }
    }
    lines.join("\n") + "\n"
}

#[test]
fn side_by_side_values_files_take_tags_only_from_their_own_charts_metadata() {
    // The folder keeps `jenkins-Chart.yaml`, `postgresql-Chart.yaml` and `redis-Chart.yaml`
    // beside eleven charts' values: only jenkins' untagged controller image may take an
    // appVersion (its own); argo-cd's or cert-manager's must not take postgresql's.
    let dir = "../shared/corpus/charts-values";
    let run = imgsift(&["scan", "-o", "json", dir]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let json = run.json();
    let jenkins = summary_of(&json, &format!("{dir}/jenkins-values.yaml"));
    assert!(
        jenkins.contains(
            "image docker.io/jenkins/jenkins:2.568.2-jdk21 values controller.image tag_from=appVersion"
        ),
        "{jenkins}"
    );
    for name in [
        "argo-cd-values",
        "argo-workflows-values",
        "cert-manager-values",
        "ingress-nginx-values",
        "istio-cni-values",
        "istiod-values",
        "kube-prometheus-stack-values",
        "postgresql-values",
        "redis-values",
        "ztunnel-values",
    ] {
        assert_eq!(
            summary_of(&json, &format!("{dir}/{name}.yaml")),
            read(&format!("tests/golden/values/{name}.txt")),
            "{name}: scanned with the folder, it must read as it does alone"
        );
    }
}

#[test]
fn deploykf_images_are_found_where_its_air_gap_guide_says_they_are() {
    let run = imgsift(&[
        "scan",
        "-o",
        "json",
        "../shared/corpus/deploykf/default_values.yaml",
    ]);
    let json = run.json();
    let text = summary(&json);
    assert_eq!(text, read("tests/golden/values/default_values.txt"));
    for expected in [
        "image ghcr.io/deploykf/kubeflow-pipelines/api-server:2.1.0-deploykf.0 values kubeflow_tools.pipelines.images.kfpApiServer",
        "image ghcr.io/deploykf/kubeflow-pipelines/kfp-driver:2.1.0-deploykf.0 values kubeflow_tools.pipelines.kfpV2.driverImage",
        "image ghcr.io/deploykf/kubeflow-pipelines/kfp-launcher:2.1.0-deploykf.0 values kubeflow_tools.pipelines.kfpV2.launcherImage",
        "image ghcr.io/deploykf/kubeflow-pipelines/kfp-launcher:1.8.22-deploykf.0 values kubeflow_tools.pipelines.kfpV2.v2CompatibleLauncherImage",
        "image gcr.io/google-containers/busybox:1.27 values kubeflow_tools.pipelines.cache.image",
        "unresolved quay.io/jetstack/cert-manager-controller deploykf_dependencies.cert_manager.images.certManagerController",
        "unresolved docker.io/istio/proxyv2 deploykf_dependencies.istio.images.istioProxy",
    ] {
        assert!(text.lines().any(|l| l == expected), "missing: {expected}");
    }
    // `tag: ~` is never guessed: none of those repositories is listed with `latest`.
    let listed = imgsift(&["scan", "../shared/corpus/deploykf/default_values.yaml"]);
    assert!(
        !listed.stdout.contains("cert-manager-controller"),
        "{}",
        listed.stdout
    );
    assert!(!listed.stdout.contains(":latest"), "{}", listed.stdout);
}

#[test]
fn every_values_shape_is_read_with_tags_as_written_and_decoys_ignored() {
    let run = imgsift(&["scan", "-o", "json", "testdata/values/shapes/values.yaml"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(run.stderr, "", "decoys give neither images nor warnings");
    let text = summary(&run.json());
    assert_eq!(text, read("tests/golden/values/shapes.txt"));
    for line in [
        "image ghcr.io/acme/app:1.10 values app.image",
        "image docker.io/library/redis:7.2 values cache.image",
        "image ghcr.io/acme/queue:2.0 values queue.image",
        "image docker.io/library/mysql:5.7.44 values legacy.image",
        "image gcr.io/istio-release/proxyv2:1.29.1 values proxy.image",
        "image docker.io/istio/pilot:1.28.0 values pilot.image",
        "image quay.io/acme/optional:0.1.0 values optional.image",
    ] {
        assert!(text.lines().any(|l| l == line), "missing: {line}");
    }
    for decoy in ["in-prose", "regcred", "IfNotPresent", "Values.image"] {
        assert!(!text.contains(decoy), "{decoy} must not be an image");
    }
}

#[test]
fn a_missing_tag_comes_from_the_charts_app_version() {
    let run = imgsift(&[
        "scan",
        "-o",
        "json",
        "testdata/values/shapes/values.yaml",
        "testdata/values/cert-manager-style/values.yaml",
    ]);
    let text = summary(&run.json());
    assert!(text.contains("image ghcr.io/acme/api:3.1.4 values api.image tag_from=appVersion"));
    assert!(text.contains(
        "image quay.io/jetstack/cert-manager-controller:v1.19.4 values image tag_from=appVersion"
    ));
    // A values file named on its own still finds the Chart.yaml beside it.
    let alone = imgsift(&["scan", "testdata/values/shapes/values.yaml"]);
    assert!(alone.lines().contains(&"ghcr.io/acme/api:3.1.4"));
}

#[test]
fn jenkins_appends_its_tag_label_to_the_app_version() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let chart = dir.path().join("jenkins");
    std::fs::create_dir(&chart).unwrap_or_else(|e| panic!("{e}"));
    for (from, to) in [
        ("jenkins-Chart.yaml", "Chart.yaml"),
        ("jenkins-values.yaml", "values.yaml"),
    ] {
        std::fs::copy(
            common::root()
                .join("../shared/corpus/charts-values")
                .join(from),
            chart.join(to),
        )
        .unwrap_or_else(|e| panic!("{e}"));
    }
    // The values file named on its own: a chart folder would be rendered, and this one has
    // no templates.
    let run = common::imgsift_in(dir.path(), &["scan", "-o", "json", "jenkins/values.yaml"]);
    let text = summary(&run.json());
    assert!(
        text.contains("image docker.io/jenkins/jenkins:2.568.2-jdk21 values controller.image tag_from=appVersion"),
        "{text}"
    );
}

#[test]
fn a_missing_tag_comes_from_the_manifests_of_the_same_run() {
    let run = imgsift(&[
        "scan",
        "-o",
        "json",
        "../shared/corpus/kubeflow/rendered.yaml",
        "--values",
        "../shared/corpus/charts-values/cert-manager-values.yaml",
    ]);
    let text = summary(&run.json());
    for line in [
        "image quay.io/jetstack/cert-manager-controller:v1.19.4 values image tag_from=manifests",
        "image quay.io/jetstack/cert-manager-webhook:v1.19.4 values webhook.image tag_from=manifests",
        "image quay.io/jetstack/cert-manager-cainjector:v1.19.4 values cainjector.image tag_from=manifests",
        // The acmesolver's tag is only in the controller's --acme-http01-solver-image flag.
        "image quay.io/jetstack/cert-manager-acmesolver:v1.19.4 values acmesolver.image tag_from=manifests",
        // A Helm hook the static manifest does not carry: no tag anywhere, so unresolved.
        "unresolved quay.io/jetstack/cert-manager-startupapicheck startupapicheck.image",
    ] {
        assert!(text.lines().any(|l| l == line), "missing: {line}\n{text}");
    }
    assert!(run.stderr.contains(
        "cert-manager-values.yaml:1676:11: warning[V001]: startupapicheck.image: quay.io/jetstack/cert-manager-startupapicheck has no tag"
    ), "{}", run.stderr);
    let json = run.json();
    let unresolved = &json["unresolved"][0];
    assert_eq!(
        unresolved["file"],
        "../shared/corpus/charts-values/cert-manager-values.yaml"
    );
    assert_eq!(unresolved["line"], 1676);
    assert_eq!(unresolved["reason"], "no tag");
}

#[test]
fn values_images_that_no_scanned_manifest_uses_are_warned_about() {
    let run = imgsift(&[
        "scan",
        "testdata/scan/workloads.yaml",
        "testdata/values/shapes/values.yaml",
    ]);
    assert_eq!(run.code, 0);
    assert!(run.stderr.contains(
        "testdata/values/shapes/values.yaml:12:10: warning[V002]: app.image: ghcr.io/acme/app:1.10 is set here but no manifest scanned with it uses it"
    ), "{}", run.stderr);
    // Without manifests in the run there is nothing to compare with, and no such warning.
    let alone = imgsift(&["scan", "testdata/values/shapes/values.yaml"]);
    assert!(!alone.stderr.contains("no manifest scanned with it uses it"));
}

#[test]
fn a_file_given_with_values_is_read_as_values_whatever_it_holds() {
    let run = imgsift(&[
        "scan",
        "-o",
        "json",
        "--values",
        "testdata/scan/workloads.yaml",
    ]);
    let json = run.json();
    let classes: Vec<String> = image_sources(&json)
        .into_iter()
        .map(|(_, s)| text(s, "class"))
        .collect();
    assert!(!classes.is_empty());
    assert!(classes.iter().all(|c| *c == "values"), "{classes:?}");
}

#[test]
fn kustomization_files_are_not_values_files() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    std::fs::write(
        dir.path().join("kustomization.yaml"),
        "images:\n  - name: nginx\n    newName: ghcr.io/acme/nginx\n    newTag: 1.25.3\nresources: []\n",
    )
    .unwrap_or_else(|e| panic!("{e}"));
    let run = common::imgsift_in(dir.path(), &["scan", "."]);
    assert_eq!(run.stdout, "");
    assert_eq!(run.stderr, "");
}

#[test]
fn strict_leaves_values_out() {
    let run = imgsift(&["scan", "--strict", "testdata/values/shapes/values.yaml"]);
    assert_eq!(run.stdout, "");
}

#[test]
fn documents_held_in_values_strings_give_their_whole_references_only() {
    // A CI runner's values: pod specs for its jobs, as YAML strings the chart writes into a
    // ConfigMap. Their images are pulled as written.
    let values = r#"runner:
  image:
    repository: ghcr.io/example/runner
    tag: 1.0.0
podSpecs:
  default.yaml: |-
    containers:
      - name: main
        image: ghcr.io/example/job:ubuntu-24.04
      - name: bare
        image: busybox
  dind.yaml: |
    initContainers:
      - name: dind
        image: docker:29-dind
  templated.yaml: |
    containers:
      - image: "{{ .Values.jobImage }}"
notes: |
  The runner image: set it with --set runner.image.tag
"#;
    let run = common::imgsift_stdin(&["scan", "-o", "json", "-"], values.as_bytes());
    assert_eq!(run.code, 0, "{}", run.stderr);
    let json = run.json();
    let refs: Vec<&str> = json["images"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|i| i["ref"].as_str())
        .collect();
    // A bare name in a string has no tag to resolve it with and may be a word: left out.
    assert_eq!(
        refs,
        [
            "docker.io/library/docker:29-dind",
            "ghcr.io/example/job:ubuntu-24.04",
            "ghcr.io/example/runner:1.0.0",
        ]
    );
    // Each is reported at its line inside the string.
    let job = &json["images"][1]["sources"][0];
    assert_eq!(job["line"], 9, "{job}");
    assert_eq!(job["class"], "values");
}

#[test]
fn nvidia_repository_image_and_version_are_joined_as_its_operator_joins_them() {
    let values = r#"operator:
  repository: nvcr.io/nvidia
  image: gpu-operator
  # version: defaults to the appVersion
dcgm:
  repository: nvcr.io/nvidia/cloud-native
  image: dcgm
  version: 4.6.0-1-ubuntu24.04
vgpuManager:
  enabled: false
  repository: ""
  image: vgpu-manager
  version: ""
exporter:
  image: ghcr.io/example/exporter:1.0
  repository: unused
sidecar:
  image: busybox
  tag: "1.36"
"#;
    let run = common::imgsift_stdin(&["scan", "-o", "json", "-"], values.as_bytes());
    let json = run.json();
    let refs: Vec<&str> = json["images"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|i| i["ref"].as_str())
        .collect();
    assert_eq!(
        refs,
        [
            "docker.io/library/busybox:1.36",
            "ghcr.io/example/exporter:1.0",
            "nvcr.io/nvidia/cloud-native/dcgm:4.6.0-1-ubuntu24.04",
        ],
        "{}",
        run.stderr
    );
    // The operator's tag is its chart's appVersion, unknown here; the unconfigured vGPU
    // manager names no image at all (never docker.io/library/vgpu-manager).
    let unresolved: Vec<&str> = json["unresolved"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|u| u["repository"].as_str())
        .collect();
    assert_eq!(unresolved, ["nvcr.io/nvidia/gpu-operator"]);
    assert!(!run.stdout.contains("vgpu-manager"));
}

#[test]
fn operator_shapes_digest_versions_default_registries_and_null_parts() {
    let run = imgsift(&[
        "scan",
        "-o",
        "json",
        "--values",
        "testdata/values/operator-shapes.yaml",
    ]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(
        summary(&run.json()),
        "image docker.io/webco/web:3.1.0 values web.image\n\
         image nvcr.example.com/gpu/driver@sha256:e243d778bd83de47668e7629d78f673317a130fedc99941be12aad7fc6bdfa85 values driver.image\n\
         image nvcr.example.com/gpu/k8s/container-toolkit:v1.20.0 values toolkit.image\n\
         image quay.io/streamco/broker:3.4.0 values image.stream.broker\n\
         image quay.io/streamco/exporter:2.10 values image.stream.exporter\n\
         image reg.policy.example/policyco/admission:v1.16.4 values policy.image\n\
         unresolved docker.io/policyco/reporter reporter.image\n"
    );
    // The overlay sets the empty `registry`, which the template prefers to the default.
    let overlay = imgsift(&[
        "overlay",
        "--registry",
        "reg.local:5000",
        "--values",
        "testdata/values/operator-shapes.yaml",
    ]);
    assert_eq!(overlay.code, 0, "{}", overlay.stderr);
    assert!(
        overlay
            .stdout
            .contains("policy:\n  image:\n    registry: \"reg.local:5000\"\n"),
        "{}",
        overlay.stdout
    );
    assert!(
        !overlay.stdout.contains("defaultRegistry"),
        "{}",
        overlay.stdout
    );
}

#[test]
fn a_global_registry_beats_the_default_registry_beside_an_empty_one() {
    let scratch = common::Scratch::new();
    let file = scratch.write(
        "values.yaml",
        "global:\n  image:\n    registry: mirror.example.com\n\
         policy:\n  image:\n    registry: ~\n    defaultRegistry: reg.policy.example\n    repository: policyco/admission\n    tag: v1\n\
         own:\n  image:\n    registry: own.example.com\n    defaultRegistry: reg.policy.example\n    repository: policyco/own\n    tag: v1\n",
    );
    let file = file.to_string_lossy().into_owned();
    let run = imgsift(&["scan", "--values", &file]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(
        run.stdout,
        "mirror.example.com/policyco/admission:v1\nown.example.com/policyco/own:v1\n"
    );
}
