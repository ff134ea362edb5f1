//! The real manifests of ../shared/corpus: every image they make a cluster pull.
//!
//! Two golden lists per file in tests/golden/corpus. `*.strict.txt` (`--strict`: pod specs and
//! custom-resource image fields) was checked against an independent reading: every `image` /
//! `*Image` string outside CRDs, Secrets and ConfigMaps, collected with a different YAML
//! parser. `*.txt` (every class) adds what only inference finds; each of those images was
//! reviewed against the ConfigMap, env var or argument it comes from, and every line of a
//! ConfigMap that mentions an image but is not reported was checked to be a placeholder, a pull
//! policy, a comment or code.

mod common;

use common::{imgsift, read};
use serde_json::Value;

fn check(file: &str, golden: &str) {
    let strict = golden.replace(".txt", ".strict.txt");
    for (flags, golden) in [(&["--strict"][..], strict.as_str()), (&[][..], golden)] {
        let mut args = vec!["scan"];
        args.extend_from_slice(flags);
        args.push(file);
        let run = imgsift(&args);
        assert_eq!(run.code, 0, "{file}: {}", run.stderr);
        assert_eq!(run.stderr, "", "{file} is valid and fully readable");
        let expected = read(golden);
        assert_eq!(
            run.stdout, expected,
            "{file} {flags:?} differs from {golden}"
        );
    }
}

#[test]
fn kubeflow_platform_render() {
    check(
        "../shared/corpus/kubeflow/rendered.yaml",
        "tests/golden/corpus/kubeflow-rendered.txt",
    );
}

#[test]
fn argo_cd_install() {
    check(
        "../shared/corpus/rendered/argo-cd-install.yaml",
        "tests/golden/corpus/rendered-argo-cd-install.txt",
    );
}

#[test]
fn argo_workflows_quick_start() {
    check(
        "../shared/corpus/rendered/argo-workflows-quick-start-postgres.yaml",
        "tests/golden/corpus/rendered-argo-workflows-quick-start-postgres.txt",
    );
}

#[test]
fn ingress_nginx_static_deploy() {
    check(
        "../shared/corpus/rendered/ingress-nginx-cloud-deploy.yaml",
        "tests/golden/corpus/rendered-ingress-nginx-cloud-deploy.txt",
    );
}

#[test]
fn istio_pilot_golden() {
    check(
        "../shared/corpus/rendered/istio-pilot-default.golden.yaml",
        "tests/golden/corpus/rendered-istio-pilot-default.golden.txt",
    );
}

#[test]
fn kube_prometheus_manifests() {
    check(
        "../shared/corpus/rendered/kube-prometheus-manifests.yaml",
        "tests/golden/corpus/rendered-kube-prometheus-manifests.txt",
    );
}

#[test]
fn metallb_native() {
    check(
        "../shared/corpus/rendered/metallb-native.yaml",
        "tests/golden/corpus/rendered-metallb-native.txt",
    );
}

/// (class, path, line) of the first source of `reference`.
fn first_source(json: &Value, reference: &str) -> (String, String, u64) {
    let image = json["images"]
        .as_array()
        .and_then(|images| images.iter().find(|i| i["ref"] == reference))
        .unwrap_or_else(|| panic!("{reference} not found"));
    let source = &image["sources"][0];
    (
        source["class"].as_str().unwrap_or_default().to_owned(),
        source["path"].as_str().unwrap_or_default().to_owned(),
        source["line"].as_u64().unwrap_or_default(),
    )
}

#[test]
fn kubeflow_images_outside_pod_specs_come_from_their_configmap_env_or_argument() {
    let json = imgsift(&[
        "scan",
        "-o",
        "json",
        "../shared/corpus/kubeflow/rendered.yaml",
    ])
    .json();
    let expect = |reference: &str, class: &str, path: &str, line: u64| {
        assert_eq!(
            first_source(&json, reference),
            (class.to_owned(), path.to_owned(), line),
            "{reference}"
        );
    };
    expect(
        "docker.io/library/busybox:1.28",
        "configmap",
        "data.config.templates.grpc-simple.spec.initContainers[0].image",
        202665,
    );
    expect(
        "gcr.io/knative-releases/knative.dev/serving/cmd/queue@sha256:40957d3ced3b185b7a78bbd771be69b0a13137dcbee5ff7f82ae738b56037d9c",
        "configmap",
        "data.queue-sidecar-image",
        205121,
    );
    expect(
        "docker.io/kserve/art-explainer:latest",
        "configmap",
        "data.explainers.art.image",
        206737,
    );
    expect(
        "ghcr.io/kubeflow/katib/tfevent-metrics-collector:v0.19.0",
        "configmap",
        "data[\"katib-config.yaml\"].runtime.metricsCollectors[2].image",
        207389,
    );
    expect(
        "ghcr.io/kubeflow/kfp-driver:2.16.0",
        "env",
        "spec.template.spec.containers[0].env[26].value",
        212717,
    );
    expect(
        "quay.io/argoproj/argoexec:v3.7.3",
        "arg",
        "spec.template.spec.containers[0].args[3]",
        214122,
    );
    expect(
        "quay.io/jetstack/cert-manager-acmesolver:v1.19.4",
        "arg",
        "spec.template.spec.containers[0].args[3]",
        209838,
    );
    expect(
        "docker.io/tensorflow/tensorflow:2.5.1",
        "configmap",
        "data.TENSORBOARD_IMAGE",
        208185,
    );
    // The sidecar comes from the injector's values: global.hub + global.proxy.image + global.tag.
    let proxy = json["images"]
        .as_array()
        .and_then(|images| {
            images
                .iter()
                .find(|i| i["ref"] == "gcr.io/istio-release/proxyv2:1.29.1")
        })
        .unwrap_or_else(|| panic!("istio proxy missing"));
    let paths: Vec<&str> = proxy["sources"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|s| s["path"].as_str())
        .collect();
    assert!(
        paths.contains(&"data.values.global.proxy.image"),
        "{paths:?}"
    );
    assert!(
        paths.contains(&"data.values.global.proxy_init.image"),
        "{paths:?}"
    );
}

/// The tag a source wrote: `repo:TAG`, `repo:TAG@digest`, or a tag field's own text.
fn wrote_tag(raw: &str, tag: &str) -> bool {
    let raw = raw.trim().trim_matches(['"', '\'']);
    if raw == tag {
        return true;
    }
    let name_end = raw.find('@').unwrap_or(raw.len());
    let name = &raw[..name_end];
    let last = name.rsplit('/').next().unwrap_or(name);
    match last.rsplit_once(':') {
        Some((_, written)) => written == tag,
        // Kubernetes pulls an untagged, undigested reference as `latest`.
        None => tag == "latest" && name_end == raw.len(),
    }
}

/// The `appVersion` of the `Chart.yaml` beside `values`, as written (quotes removed).
fn app_version_beside(values: &str) -> Option<String> {
    let chart = std::path::Path::new(values).with_file_name("Chart.yaml");
    let text = std::fs::read_to_string(common::root().join(chart)).ok()?;
    text.lines()
        .find_map(|line| line.strip_prefix("appVersion:"))
        .map(|v| v.trim().trim_matches(['"', '\'']).to_owned())
}

#[test]
fn the_corpus_scanned_as_one_folder_reports_no_tag_that_no_source_wrote_or_resolved() {
    let run = imgsift(&["scan", "-o", "json", "../shared/corpus"]);
    assert_ne!(run.code, 101, "{}", run.stderr);
    let json = run.json();
    let images = json["images"].as_array().cloned().unwrap_or_default();
    assert!(
        images.len() > 250,
        "the whole corpus is scanned: {}",
        images.len()
    );
    let mut from_chart = 0;
    let mut false_tags = Vec::new();
    for image in &images {
        let Some(tag) = image["tag"].as_str() else {
            continue;
        };
        let sources = image["sources"].as_array().cloned().unwrap_or_default();
        let written = sources
            .iter()
            .any(|s| wrote_tag(s["raw"].as_str().unwrap_or(""), tag));
        // A values entry without a tag takes one only from its own chart's appVersion, or
        // from the manifests scanned with it (then a manifest source wrote the tag).
        let mut resolved = false;
        for source in sources.iter().filter(|s| s["tag_from"] == "appVersion") {
            let file = source["file"].as_str().unwrap_or("");
            if app_version_beside(file).as_deref() == Some(tag) {
                resolved = true;
                from_chart += 1;
            } else {
                false_tags.push(format!(
                    "{} from the appVersion of another chart: {file}",
                    image["ref"]
                ));
            }
        }
        if !written && !resolved {
            false_tags.push(format!("{} {:?}", image["ref"], sources));
        }
    }
    assert!(
        false_tags.is_empty(),
        "tags no source gave:\n{}",
        false_tags.join("\n")
    );
    // The decoys are there: charts' values files beside each other, one with a Chart.yaml
    // shape, and charts whose values take their tag from appVersion.
    assert!(
        from_chart > 0,
        "some tags come from a chart's own appVersion"
    );
    assert!(
        !run.stdout.contains("quay.io/argoproj/argocd:17.6.0"),
        "an appVersion is its own chart's only"
    );
}

#[test]
fn tags_written_are_told_from_tags_not_written() {
    assert!(wrote_tag("quay.io/a/b:v1.2", "v1.2"));
    assert!(wrote_tag("\"1.0\"", "1.0"));
    assert!(!wrote_tag("localhost:5000/a@sha256:abc", "latest"));
    assert!(wrote_tag("localhost:5000/a", "latest"));
    assert!(wrote_tag("a/b:1@sha256:abc", "1"));
    assert!(wrote_tag("nginx", "latest"));
    assert!(!wrote_tag("localhost:5000/a", "5000/a"));
    assert!(!wrote_tag("a/b:10", "1"));
    assert!(!wrote_tag("quay.io/argoproj/argocd", "17.6.0"));
}

#[test]
fn tektons_controller_loads_with_its_flow_args_closing_at_the_keys_column() {
    // `args: [` … `]` with comments inside and the `]` back at the column of `args`: go-yaml
    // (kubectl) loads it, and so must imgsift. Its `image:` fields are `ko://` build
    // references, which load as strings and are no images (R001), never a YAML error.
    let file = "../shared/corpus/realworld/tekton-controller.yaml";
    let run = imgsift(&["scan", "-o", "json", file]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(!run.stderr.contains("D001"), "{}", run.stderr);
    let json = run.json();
    let warnings: Vec<(u64, String)> = json["diagnostics"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|d| {
            (
                d["line"].as_u64().unwrap_or(0),
                d["code"].as_str().unwrap_or("").to_owned(),
            )
        })
        .collect();
    assert!(
        warnings.iter().any(|(_, code)| code == "R001"),
        "the container's ko:// image was read from the parsed pod spec: {warnings:?}"
    );
    assert!(
        warnings.iter().all(|(_, code)| code == "R001"),
        "{warnings:?}"
    );
}
