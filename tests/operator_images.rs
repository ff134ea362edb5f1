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

use common::imgsift;
use serde_json::Value;

/// (ref, class, path, line) of every source of a scan.
fn sources(json: &Value) -> BTreeSet<(String, String, String, u64)> {
    let mut rows = BTreeSet::new();
    for image in json["images"].as_array().into_iter().flatten() {
        for source in image["sources"].as_array().into_iter().flatten() {
            rows.insert((
                image["ref"].as_str().unwrap_or_default().to_owned(),
                source["class"].as_str().unwrap_or_default().to_owned(),
                source["path"].as_str().unwrap_or_default().to_owned(),
                source["line"].as_u64().unwrap_or_default(),
            ));
        }
    }
    rows
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
