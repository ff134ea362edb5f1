//! `imgsift check`: each rule on a fixture written for it, and the operator's proof on real
//! streams: a rendered stream fails the check, the overlay imgsift writes for it is applied
//! (a kustomization `images:` list over the stream, or a values overlay merged by Helm's
//! rules), and the check then passes, or names exactly what the overlay cannot reach.

mod common;

use std::collections::BTreeSet;
use std::path::Path;
use std::process::{Command, Stdio};

use common::{Run, helm_merge, imgsift, imgsift_in, read, root, yaml_to_json};

const REGISTRY: &str = "r.example.com/mirror";

/// The references named by `check` output lines (`file:line: ref: reason`), with the reasons.
fn violations(run: &Run) -> Vec<(String, String)> {
    run.lines()
        .into_iter()
        .map(|line| {
            // The file may hold colons only before `:line:`; the reference holds `: ` never.
            let (_, rest) = line
                .split_once(": ")
                .unwrap_or_else(|| panic!("not file:line: ref: reason: {line:?}"));
            let (reference, reason) = rest
                .split_once(": ")
                .unwrap_or_else(|| panic!("no reason in {line:?}"));
            (reference.to_owned(), reason.to_owned())
        })
        .collect()
}

fn check_rules(extra: &[&str]) -> Run {
    let mut args = vec!["check", "--registry", REGISTRY];
    args.extend_from_slice(extra);
    args.push("testdata/check/rules.yaml");
    imgsift(&args)
}

#[test]
fn each_rule_reports_its_own_violation_with_file_and_line() {
    let run = check_rules(&[]);
    assert_eq!(run.code, 1, "{run:?}");
    assert_eq!(
        run.lines(),
        [
            "testdata/check/rules.yaml:11: r.example.com/mirrorx/acme/app:1.0: pulled from r.example.com, not from r.example.com/mirror",
            "testdata/check/rules.yaml:13: r.example.com:5000/mirror/acme/app:1.0: pulled from r.example.com:5000, not from r.example.com/mirror",
            "testdata/check/rules.yaml:15: docker.io/library/nginx:1.25.3: pulled from docker.io, not from r.example.com/mirror",
            "testdata/check/rules.yaml:17: r.example.com/mirror/acme/tool:latest: no tag, so latest is pulled: a floating tag (--allow-floating accepts it)",
            "testdata/check/rules.yaml:19: r.example.com/mirror/acme/tool:latest: floating tag latest (--allow-floating accepts it)",
        ]
    );
    assert!(
        run.stderr.contains("5 violations in 4 of 7 images"),
        "{}",
        run.stderr
    );
}

#[test]
fn allow_floating_accepts_latest_and_untagged_images_only() {
    let run = check_rules(&["--allow-floating"]);
    assert_eq!(run.code, 1, "{run:?}");
    let found: BTreeSet<String> = violations(&run).into_iter().map(|(r, _)| r).collect();
    assert_eq!(
        found,
        BTreeSet::from(
            [
                "r.example.com/mirrorx/acme/app:1.0",
                "r.example.com:5000/mirror/acme/app:1.0",
                "docker.io/library/nginx:1.25.3",
            ]
            .map(str::to_owned)
        )
    );
}

#[test]
fn require_digest_fails_every_image_without_one() {
    let run = check_rules(&["--require-digest", "--allow-floating"]);
    assert_eq!(run.code, 1, "{run:?}");
    let undigested: BTreeSet<String> = violations(&run)
        .into_iter()
        .filter(|(_, reason)| reason == "no digest (--require-digest)")
        .map(|(r, _)| r)
        .collect();
    // Every container but the two pinned ones.
    assert_eq!(undigested.len(), 5, "{undigested:?}");
    assert!(
        undigested.iter().all(|r| !r.contains('@')),
        "{undigested:?}"
    );
    // The image with a digest and `latest` does not float: the digest is what is pulled.
    assert!(!run.stdout.contains("acme/pinned"), "{}", run.stdout);
}

#[test]
fn an_image_set_pulled_from_the_registry_passes() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("tempdir: {e}"));
    let manifest = dir.path().join("ok.yaml");
    std::fs::write(
        &manifest,
        "apiVersion: v1\nkind: Pod\nmetadata:\n  name: ok\nspec:\n  containers:\n    - name: a\n      image: r.example.com/mirror/acme/app:1.0\n    - name: b\n      image: r.example.com/mirror/library/nginx@sha256:0b1c2d3e4f5a6b7c8d9e0f1a2b3c4d5e6f7a8b9c0d1e2f3a4b5c6d7e8f9a0b1c\n",
    )
    .unwrap_or_else(|e| panic!("write: {e}"));
    let run = imgsift_in(dir.path(), &["check", "--registry", REGISTRY, "ok.yaml"]);
    assert_eq!(run.code, 0, "{run:?}");
    assert_eq!(run.stdout, "");
    assert!(
        run.stderr
            .contains("2 images checked, every one pulled from r.example.com/mirror"),
        "{}",
        run.stderr
    );
}

#[test]
fn values_entries_without_a_tag_are_violations() {
    let run = imgsift(&[
        "check",
        "--registry",
        REGISTRY,
        "--values",
        "testdata/check/values.yaml",
    ]);
    assert_eq!(run.code, 1, "{run:?}");
    let lines = run.lines();
    assert_eq!(lines.len(), 3, "{}", run.stdout);
    assert!(
        lines[0].starts_with("testdata/check/values.yaml:4: r.example.com/mirror/acme/ui: no tag")
    );
    assert!(lines[1].starts_with("testdata/check/values.yaml:7: ghcr.io/acme/api: no tag"));
    assert_eq!(
        lines[2],
        "testdata/check/values.yaml:7: ghcr.io/acme/api: pulled from ghcr.io, not from r.example.com/mirror"
    );
    // The tagged worker passes; --allow-floating leaves only the upstream repository.
    assert!(!run.stdout.contains("worker"));
    let floating = imgsift(&[
        "check",
        "--registry",
        REGISTRY,
        "--allow-floating",
        "--values",
        "testdata/check/values.yaml",
    ]);
    assert_eq!(floating.code, 1);
    assert_eq!(floating.lines().len(), 1, "{}", floating.stdout);
}

#[test]
fn input_errors_win_over_violations_and_the_rest_is_still_checked() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("tempdir: {e}"));
    std::fs::write(dir.path().join("bad.yaml"), "kind: Pod\n  image: [\n")
        .unwrap_or_else(|e| panic!("write: {e}"));
    std::fs::write(
        dir.path().join("good.yaml"),
        "apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nspec:\n  containers:\n    - name: a\n      image: nginx:1.25\n",
    )
    .unwrap_or_else(|e| panic!("write: {e}"));
    let run = imgsift_in(
        dir.path(),
        &["check", "--registry", REGISTRY, "bad.yaml", "good.yaml"],
    );
    assert_eq!(
        run.code, 2,
        "an unread input cannot be proven clean: {run:?}"
    );
    assert_eq!(
        run.stdout,
        "good.yaml:8: docker.io/library/nginx:1.25: pulled from docker.io, not from r.example.com/mirror\n"
    );
    assert!(run.stderr.contains("bad.yaml:"), "{}", run.stderr);
}

/// Scans `path` and returns, for every image not in the registry, its reference and whether
/// kustomize's `images:` transformer reaches every place it is set (a container's or init
/// container's `image`).
fn images_and_reach(path: &Path) -> Vec<(String, bool)> {
    let run = imgsift_in(
        &root(),
        &[
            "scan",
            "-o",
            "json",
            path.to_str().unwrap_or_else(|| panic!("utf-8 path")),
        ],
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    let json = run.json();
    json["images"]
        .as_array()
        .unwrap_or_else(|| panic!("images"))
        .iter()
        .filter(|image| {
            !image["ref"]
                .as_str()
                .unwrap_or_else(|| panic!("ref"))
                .starts_with("r.example.com/mirror/")
        })
        .map(|image| {
            let reached = image["sources"]
                .as_array()
                .unwrap_or_else(|| panic!("sources"))
                .iter()
                .all(|source| {
                    let path = source["path"].as_str().unwrap_or_else(|| panic!("path"));
                    let list = path.rsplit('.').nth(1).unwrap_or_default();
                    source["class"] == "podspec"
                        && path.ends_with(".image")
                        && (list.starts_with("containers[") || list.starts_with("initContainers["))
                });
            (
                image["ref"]
                    .as_str()
                    .unwrap_or_else(|| panic!("ref"))
                    .to_owned(),
                reached,
            )
        })
        .collect()
}

fn kubectl_present() -> bool {
    Command::new("kubectl")
        .args(["version", "--client"])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success())
}

/// `kubectl kustomize DIR | imgsift check --registry R --allow-floating -`.
fn check_kubectl_build(dir: &Path) -> Run {
    let built = Command::new("kubectl")
        .arg("kustomize")
        .arg(dir)
        .output()
        .unwrap_or_else(|e| panic!("run kubectl: {e}"));
    assert!(
        built.status.success(),
        "kubectl kustomize {}: {}",
        dir.display(),
        String::from_utf8_lossy(&built.stderr)
    );
    common::imgsift_stdin(
        &["check", "--registry", REGISTRY, "--allow-floating", "-"],
        &built.stdout,
    )
}

#[test]
fn rendered_streams_fail_before_and_pass_after_a_kustomize_overlay() {
    let streams = [
        "../shared/corpus/rendered/argo-cd-install.yaml",
        "../shared/corpus/rendered/argo-workflows-quick-start-postgres.yaml",
        "../shared/corpus/rendered/ingress-nginx-cloud-deploy.yaml",
        "../shared/corpus/rendered/metallb-native.yaml",
        "../shared/corpus/rendered/kube-prometheus-manifests.yaml",
        "../shared/corpus/rendered/istio-pilot-default.golden.yaml",
        "testdata/mirror/fleet.yaml",
    ];
    let kubectl = kubectl_present();
    let mut clean = 0;
    for stream in streams {
        let before = images_and_reach(&root().join(stream));
        assert!(!before.is_empty(), "{stream}");

        // Before: every image is reported as pulled from outside.
        let run = imgsift(&["check", "--registry", REGISTRY, "--allow-floating", stream]);
        assert_eq!(run.code, 1, "{stream}: {run:?}");
        let outside: BTreeSet<String> = violations(&run)
            .into_iter()
            .filter(|(_, reason)| reason.starts_with("pulled from "))
            .map(|(r, _)| r)
            .collect();
        let all: BTreeSet<String> = before.iter().map(|(r, _)| r.clone()).collect();
        assert_eq!(outside, all, "{stream}");

        // The overlay: a kustomization over the stream with imgsift's images: list.
        let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("tempdir: {e}"));
        std::fs::copy(root().join(stream), dir.path().join("stream.yaml"))
            .unwrap_or_else(|e| panic!("copy: {e}"));
        let overlay = imgsift_in(
            dir.path(),
            &[
                "overlay",
                "-o",
                "kustomize",
                "--registry",
                REGISTRY,
                "stream.yaml",
            ],
        );
        assert_eq!(overlay.code, 0, "{stream}: {}", overlay.stderr);
        std::fs::write(
            dir.path().join("kustomization.yaml"),
            format!("resources:\n  - stream.yaml\n{}", overlay.stdout),
        )
        .unwrap_or_else(|e| panic!("write: {e}"));

        // After: only what the images: list cannot reach is left, and the overlay warned
        // about each such image.
        let unreachable: BTreeSet<String> = before
            .iter()
            .filter(|(_, reached)| !reached)
            .map(|(r, _)| r.clone())
            .collect();
        for reference in &unreachable {
            assert!(
                overlay
                    .stderr
                    .contains(&format!("warning[O003]: {reference} at ")),
                "{stream}: no warning for {reference}:\n{}",
                overlay.stderr
            );
        }
        let after = imgsift_in(
            dir.path(),
            &["check", "--registry", REGISTRY, "--allow-floating", "."],
        );
        let left: BTreeSet<String> = violations(&after).into_iter().map(|(r, _)| r).collect();
        assert_eq!(left, unreachable, "{stream}:\n{}", after.stdout);
        assert_eq!(
            after.code,
            if unreachable.is_empty() { 0 } else { 1 },
            "{stream}: {after:?}"
        );
        if unreachable.is_empty() {
            clean += 1;
        }
        if kubectl {
            let real = check_kubectl_build(dir.path());
            let left: BTreeSet<String> = violations(&real).into_iter().map(|(r, _)| r).collect();
            assert_eq!(left, unreachable, "{stream} through kubectl kustomize");
        }
    }
    // Most of these streams are pure pod specs: the proof must come out clean for them.
    assert!(clean >= 4, "only {clean} streams passed after the overlay");
}

#[test]
fn values_fail_before_and_pass_after_the_overlay_is_merged() {
    let files = [
        "../shared/corpus/charts-values/ingress-nginx-values.yaml",
        "../shared/corpus/charts-values/cert-manager-values.yaml",
        "../shared/corpus/charts-values/redis-values.yaml",
        "../shared/corpus/charts-values/istiod-values.yaml",
        "testdata/values/shapes/values.yaml",
    ];
    for file in files {
        let before = imgsift(&[
            "check",
            "--registry",
            REGISTRY,
            "--allow-floating",
            "--values",
            file,
        ]);
        assert_eq!(before.code, 1, "{file}: {before:?}");
        let overlay = imgsift(&["overlay", "--registry", REGISTRY, "--values", file]);
        assert_eq!(overlay.code, 0, "{file}: {}", overlay.stderr);
        let merged = helm_merge(yaml_to_json(&read(file)), yaml_to_json(&overlay.stdout));
        let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("tempdir: {e}"));
        // JSON is YAML: the merged values are written as JSON and read back as values.
        let path = dir.path().join("merged.yaml");
        std::fs::write(&path, merged.to_string()).unwrap_or_else(|e| panic!("write: {e}"));
        let after = imgsift_in(
            dir.path(),
            &[
                "check",
                "--registry",
                REGISTRY,
                "--allow-floating",
                "--values",
                "merged.yaml",
            ],
        );
        assert_eq!(after.code, 0, "{file}: {after:?}");
        assert_eq!(after.stdout, "", "{file}");
    }
}
