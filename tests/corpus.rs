//! The real manifests of testdata/corpus: every pod-spec and custom-resource image listed.
//!
//! The golden lists in tests/golden/corpus were reviewed image by image against the files, and
//! checked against an independent reading (every `image` / `*Image` string outside CRDs,
//! Secrets and ConfigMaps, collected with a different YAML parser).

mod common;

use common::{imgsift, read};

fn check(file: &str, golden: &str) {
    let run = imgsift(&["scan", "--strict", file]);
    assert_eq!(run.code, 0, "{file}: {}", run.stderr);
    assert_eq!(run.stderr, "", "{file} is valid and fully readable");
    let expected = read(golden);
    assert_eq!(run.stdout, expected, "{file} differs from {golden}");
}

#[test]
fn kubeflow_platform_render() {
    check(
        "testdata/corpus/kubeflow/rendered.yaml",
        "tests/golden/corpus/kubeflow-rendered.strict.txt",
    );
}

#[test]
fn argo_cd_install() {
    check(
        "testdata/corpus/rendered/argo-cd-install.yaml",
        "tests/golden/corpus/rendered-argo-cd-install.strict.txt",
    );
}

#[test]
fn argo_workflows_quick_start() {
    check(
        "testdata/corpus/rendered/argo-workflows-quick-start-postgres.yaml",
        "tests/golden/corpus/rendered-argo-workflows-quick-start-postgres.strict.txt",
    );
}

#[test]
fn ingress_nginx_static_deploy() {
    check(
        "testdata/corpus/rendered/ingress-nginx-cloud-deploy.yaml",
        "tests/golden/corpus/rendered-ingress-nginx-cloud-deploy.strict.txt",
    );
}

#[test]
fn istio_pilot_golden() {
    check(
        "testdata/corpus/rendered/istio-pilot-default.golden.yaml",
        "tests/golden/corpus/rendered-istio-pilot-default.golden.strict.txt",
    );
}

#[test]
fn kube_prometheus_manifests() {
    check(
        "testdata/corpus/rendered/kube-prometheus-manifests.yaml",
        "tests/golden/corpus/rendered-kube-prometheus-manifests.strict.txt",
    );
}

#[test]
fn metallb_native() {
    check(
        "testdata/corpus/rendered/metallb-native.yaml",
        "tests/golden/corpus/rendered-metallb-native.strict.txt",
    );
}
