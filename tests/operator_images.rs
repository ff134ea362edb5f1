//! Images that operators hide: tables of versions to images in env vars, flags and env vars
//! whose names do not say "image" but whose values are whole references, and ConfigMaps that
//! name images by their role.
//!
//! The fixtures in testdata/operators are product-shaped (a streaming operator, a storage
//! operator) with a decoy beside every positive: URLs, label keys with values, endpoints,
//! directories, floating tags, prose, `ko://` build references, placeholders, a CRD schema
//! default and a Secret. The real release manifests of ../shared/corpus/realworld are checked
//! for the images their operators pull.

mod common;

use std::collections::BTreeSet;

use common::{image_sources, imgsift, text};
use serde_json::Value;

/// (ref, class, path, line) of every source of a scan.
fn sources(json: &Value) -> BTreeSet<(String, String, String, u64)> {
    image_sources(json)
        .into_iter()
        .map(|(reference, source)| {
            (
                reference.to_owned(),
                text(source, "class"),
                text(source, "path"),
                source["line"].as_u64().unwrap_or_default(),
            )
        })
        .collect()
}

fn rows(expected: &[(&str, &str, &str, u64)]) -> BTreeSet<(String, String, String, u64)> {
    expected
        .iter()
        .map(|&(r, c, p, l)| (r.to_owned(), c.to_owned(), p.to_owned(), l))
        .collect()
}

fn scan_clean(file: &str) -> Value {
    let run = imgsift(&["scan", "-o", "json", file]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(run.stderr, "", "no decoy gives a warning");
    run.json()
}

const C: &str = "spec.template.spec.containers[0]";

#[test]
fn env_tables_lists_and_unnamed_whole_references_are_images_and_their_decoys_are_not() {
    let json = scan_clean("testdata/operators/streaming-operator.yaml");
    let env = |i: usize| format!("{C}.env[{i}].value");
    let arg = |i: usize| format!("{C}.args[{i}]");
    let expected: Vec<(String, &str, String, u64)> = vec![
        (
            "quay.io/streamco/operator:3.4.0".into(),
            "podspec",
            format!("{C}.image"),
            19,
        ),
        (
            "quay.io/streamco/config-reloader:v0.9.1".into(),
            "arg",
            arg(0),
            21,
        ),
        (
            "cgr.example.dev/base/busybox@sha256:19f02276bf8dbdd62f069b922f10c65262cc34b710eea26ff928129a736be791".into(),
            "arg",
            arg(2),
            23,
        ),
        // A multi-line table: each reference on its own line.
        (
            "quay.io/streamco/broker:3.4.0-engine-3.8.0".into(),
            "env",
            env(0),
            36,
        ),
        (
            "quay.io/streamco/broker:3.4.0-engine-3.9.0".into(),
            "env",
            env(0),
            37,
        ),
        // A one-line table, comma separated.
        (
            "quay.io/streamco/connect:3.4.0-engine-3.9.0".into(),
            "env",
            env(1),
            39,
        ),
        (
            "quay.io/streamco/connect:3.4.0-engine-3.9.1".into(),
            "env",
            env(1),
            39,
        ),
        // A list separated by spaces.
        ("quay.io/streamco/tool-a:1.0".into(), "env", env(2), 41),
        ("quay.io/streamco/tool-b:1.0".into(), "env", env(2), 41),
        // `STREAM_DEFAULT_BUILDER`: the name does not say image, the value is a whole one.
        ("quay.io/streamco/builder:3.4.0".into(), "env", env(3), 43),
    ];
    let expected: BTreeSet<(String, String, String, u64)> = expected
        .into_iter()
        .map(|(r, c, p, l)| (r, c.to_owned(), p, l))
        .collect();
    assert_eq!(sources(&json), expected);
}

#[test]
fn config_maps_naming_images_by_role_are_read_and_their_decoys_are_not() {
    let json = scan_clean("testdata/operators/storage-operator.yaml");
    assert_eq!(
        sources(&json),
        rows(&[
            (
                "registry.k8s.io/sig-storage/csi-provisioner:v6.2.0",
                "configmap",
                "data.provisioner",
                9
            ),
            (
                "registry.k8s.io/sig-storage/csi-attacher:v4.12.0",
                "configmap",
                "data.attacher",
                10
            ),
            (
                "quay.io/storageco/csi-plugin:v3.17.0",
                "configmap",
                "data.plugin",
                11
            ),
            (
                "localhost:5000/storageco/sidecar@sha256:61fe0f5c45f240094667d2e63e770710450fd2fd768745ab899531284d197a65",
                "configmap",
                "data.addons",
                12
            ),
        ])
    );
}

#[test]
fn strict_keeps_only_the_container_images_of_the_operators() {
    let run = imgsift(&[
        "scan",
        "--strict",
        "testdata/operators/streaming-operator.yaml",
        "testdata/operators/storage-operator.yaml",
    ]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(run.stdout, "quay.io/streamco/operator:3.4.0\n");
}

fn images(file: &str) -> Vec<String> {
    let run = imgsift(&["scan", file]);
    assert_eq!(run.code, 0, "{file}: {}", run.stderr);
    run.lines().into_iter().map(str::to_owned).collect()
}

#[test]
fn strimzi_operator_lists_every_image_of_its_version_tables_and_builders() {
    let found = images("../shared/corpus/realworld/strimzi-cluster-operator.yaml");
    let mut expected: Vec<String> = ["4.2.0", "4.2.1", "4.3.0", "4.3.1"]
        .iter()
        .map(|v| format!("quay.io/strimzi/kafka:1.2.0-kafka-{v}"))
        .collect();
    expected.extend(
        [
            "quay.io/strimzi/buildah:1.2.0",
            "quay.io/strimzi/kafka-bridge:1.1.0",
            "quay.io/strimzi/kaniko-executor:1.2.0",
            "quay.io/strimzi/maven-builder:1.2.0",
            "quay.io/strimzi/operator:1.2.0",
        ]
        .map(str::to_owned),
    );
    expected.sort();
    assert_eq!(found, expected);
}

#[test]
fn rook_operator_lists_the_csi_images_of_its_image_set() {
    let found = images("../shared/corpus/realworld/rook-operator.yaml");
    let expected = [
        "docker.io/rook/ceph:master",
        "quay.io/cephcsi/cephcsi:v3.17.0",
        "quay.io/csiaddons/k8s-sidecar:v0.14.0",
        "registry.k8s.io/sig-storage/csi-attacher:v4.12.0",
        "registry.k8s.io/sig-storage/csi-node-driver-registrar:v2.17.0",
        "registry.k8s.io/sig-storage/csi-provisioner:v6.2.0",
        "registry.k8s.io/sig-storage/csi-resizer:v2.1.0",
        "registry.k8s.io/sig-storage/csi-snapshotter:v8.5.0",
    ];
    assert_eq!(found, expected);
}

#[test]
fn istio_operator_joins_its_hub_and_tag_with_the_bare_component_names() {
    let json = scan_clean("testdata/operators/istio-operator.yaml");
    assert_eq!(
        sources(&json),
        rows(&[
            (
                "registry.example.com/istio/proxyv2:1.29.1",
                "crd",
                "spec.values.global.proxy.image",
                20
            ),
            (
                "registry.example.com/istio/proxyv2:1.29.1",
                "crd",
                "spec.values.global.proxy_init.image",
                22
            ),
            (
                "registry.example.com/istio/pilot:1.29.1",
                "crd",
                "spec.values.pilot.image",
                24
            ),
            (
                "quay.io/meshco/ztunnel:1.29.1",
                "crd",
                "spec.values.ztunnel.image",
                27
            ),
            (
                "mirror.example.com/cni/install-cni:1.29.0",
                "crd",
                "spec.values.cni.image",
                32
            ),
        ]),
        "no bare name is read as a Docker Hub library image, and the resource without a hub \
         and tag gives nothing"
    );
}

#[test]
fn crossplane_packages_are_images_and_other_groups_package_fields_are_not() {
    let json = scan_clean("testdata/operators/crossplane.yaml");
    assert_eq!(
        sources(&json),
        rows(&[
            (
                "xpkg.example.io/crossplane-contrib/provider-kubernetes:v0.15.0",
                "crd",
                "spec.package",
                7
            ),
            (
                "xpkg.example.io/crossplane-contrib/function-patch-and-transform:v0.1.4",
                "crd",
                "spec.package",
                16
            ),
            (
                "xpkg.example.io/acme/platform:v1.2.0",
                "crd",
                "spec.package",
                23
            ),
        ])
    );
}

#[test]
fn tekton_controller_loads_and_its_ko_references_are_named_as_build_references() {
    let run = imgsift(&["scan", "../shared/corpus/realworld/tekton-controller.yaml"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(
        run.lines(),
        [
            "cgr.dev/chainguard/busybox@sha256:19f02276bf8dbdd62f069b922f10c65262cc34b710eea26ff928129a736be791",
            "mcr.microsoft.com/powershell:nanoserver@sha256:b6d5ff841b78bdf2dfed7550000fd4f3437385b8fa686ec0f010be24777654d6",
        ]
    );
    assert!(
        run.stderr.contains(
            "\"ko://github.com/tektoncd/pipeline/cmd/controller\" is not an image reference (a ko build reference"
        ),
        "{}",
        run.stderr
    );
}

#[test]
fn pod_templates_kept_as_text_in_a_custom_resource_are_read_and_prose_is_not() {
    let json = scan_clean("testdata/operators/ci-runners.yaml");
    assert_eq!(
        sources(&json),
        rows(&[
            (
                "ghcr.io/cico/job-runner:2.4.1",
                "podspec",
                "spec.jobPodTemplate.containers[0].image",
                13
            ),
            (
                "ghcr.io/cico/cache:1.0.3",
                "env",
                "spec.jobPodTemplate.containers[0].env[0].value",
                16
            ),
            (
                "docker.io/alpine/git:2.45.2",
                "podspec",
                "spec.jobPodTemplate.initContainers[0].image",
                19
            ),
            (
                "registry.example.com/cico/helper@sha256:61fe0f5c45f240094667d2e63e770710450fd2fd768745ab899531284d197a65",
                "podspec",
                "spec.helperPod.spec.containers[0].image",
                28
            ),
        ])
    );
}
