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
