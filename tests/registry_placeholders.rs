//! Registry placeholders filled at deploy time: K3s's and RKE2's packaged manifests write
//! `%{SYSTEM_DEFAULT_REGISTRY}%` before an image's name, which a default install fills with
//! nothing. The image a default install pulls is reported, the source says what was left out,
//! and nothing else changes: comments and descriptions stay silent, an unknown placeholder is
//! still no reference, the placeholder alone is no image.

mod common;

use common::imgsift;

const DIR: &str = "testdata/k3s-placeholders";

#[test]
fn a_default_install_pulls_the_name_after_the_placeholder() {
    let run = imgsift(&["scan", DIR]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(
        run.lines(),
        [
            "docker.io/rancher/klipper-helm:v0.9.3",
            "docker.io/rancher/mirrored-coredns-coredns:1.12.0",
            "docker.io/rancher/mirrored-library-busybox:1.36.1",
        ]
    );
    // The unknown placeholder is still a reference the grammar refuses, named as before.
    assert!(
        run.stderr.contains(
            "coredns.yaml:23:18: warning[R001]: spec.template.spec.containers[1].image: \"%{OTHER_REGISTRY}%rancher/not-known:1.0\" is not an image reference"
        ),
        "{}",
        run.stderr
    );
    assert!(!run.stdout.contains("commented-out") && !run.stdout.contains("described"));
}

#[test]
fn the_source_keeps_the_text_as_written_and_says_what_was_left_out() {
    let run = imgsift(&["scan", DIR, "-o", "json"]);
    let json = run.json();
    let images = json["images"].as_array().cloned().unwrap_or_default();
    let coredns = images
        .iter()
        .find(|i| i["ref"] == "docker.io/rancher/mirrored-coredns-coredns:1.12.0")
        .unwrap_or_else(|| panic!("{json:#}"));
    let source = &coredns["sources"][0];
    assert_eq!(
        source["raw"],
        "%{SYSTEM_DEFAULT_REGISTRY}%rancher/mirrored-coredns-coredns:1.12.0"
    );
    assert_eq!(source["class"], "podspec");
    assert!(
        source["transform"]
            .as_str()
            .is_some_and(|t| t.starts_with("%{SYSTEM_DEFAULT_REGISTRY}% left out: K3s and RKE2 fill it with nothing on a default install")),
        "{source:#}"
    );
    // The env var and the ConfigMap's helper pod are inferred classes, qualified after it.
    let classes: Vec<&str> = images
        .iter()
        .filter_map(|i| i["sources"][0]["class"].as_str())
        .collect();
    assert_eq!(classes, ["env", "podspec", "configmap"]);
}

#[test]
fn strict_keeps_only_the_container_image_and_mirror_plans_the_default_name() {
    let run = imgsift(&["scan", "--strict", DIR]);
    assert_eq!(
        run.lines(),
        ["docker.io/rancher/mirrored-coredns-coredns:1.12.0"]
    );
    let run = imgsift(&["mirror", "--registry", "reg.local:5000", "-o", "list", DIR]);
    assert!(
        run.stdout.contains(
            "docker.io/rancher/mirrored-coredns-coredns:1.12.0\treg.local:5000/rancher/mirrored-coredns-coredns:1.12.0\n"
        ),
        "{}",
        run.stdout
    );
}

#[test]
fn a_helper_pod_whose_bare_placeholder_breaks_its_yaml_is_still_read_line_by_line() {
    let run = imgsift(&[
        "scan",
        "-o",
        "json",
        "testdata/k3s-helper-pod/local-storage.yaml",
    ]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let json = run.json();
    let images: Vec<(&str, &str, &str, u64)> = common::image_sources(&json)
        .into_iter()
        .map(|(reference, s)| {
            (
                reference,
                s["class"].as_str().unwrap_or_default(),
                s["path"].as_str().unwrap_or_default(),
                s["line"].as_u64().unwrap_or_default(),
            )
        })
        .collect();
    // The commented-out line of the helper pod is not read.
    assert_eq!(
        images,
        [
            (
                "docker.io/rancher/local-path-provisioner:v0.0.30",
                "podspec",
                "spec.template.spec.containers[0].image",
                19
            ),
            (
                "docker.io/rancher/mirrored-library-busybox:1.36.1",
                "configmap",
                "data[\"helperPod.yaml\"].spec.containers[0].image",
                36
            ),
        ]
    );
}
