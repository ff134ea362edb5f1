//! `imgsift overlay`: values overrides pointing every image at a private registry.
//!
//! The law: the overlay merged onto the values with Helm's rules (maps merge, lists and
//! scalars replace), then scanned, gives exactly the images of the values re-homed under the
//! registry: nothing left pointing upstream, nothing lost. It is checked on every values file
//! of the corpus and on generated ones.

mod common;

use std::collections::BTreeSet;
use std::path::Path;

use common::{helm_merge, imgsift, imgsift_in, read, rehome, root, yaml_to_json};
use serde_json::Value;

/// Images and unresolved repositories of a values file, as scanned in `dir`.
fn scan_values(dir: &Path, values: &str) -> (BTreeSet<String>, BTreeSet<String>) {
    let run = imgsift_in(dir, &["scan", "-o", "json", "--values", values]);
    assert_ne!(run.code, 2, "{values}: {}", run.stderr);
    let json = run.json();
    let images = json["images"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|i| i["ref"].as_str().map(str::to_owned))
        .collect();
    let unresolved = json["unresolved"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|u| u["repository"].as_str().map(str::to_owned))
        .collect();
    (images, unresolved)
}

/// Checks the law for one values file (relative to `dir`), returning the overlay text.
fn check_law(dir: &Path, values: &str, registry: &str, keep: bool) -> String {
    let mut args = vec!["overlay", "--registry", registry, "--values", values];
    if keep {
        args.push("--keep-registry-path");
    }
    let overlay = imgsift_in(dir, &args);
    assert_eq!(overlay.code, 0, "{values}: {}", overlay.stderr);
    let (before, before_unresolved) = scan_values(dir, values);
    let base = yaml_to_json(&std::fs::read_to_string(dir.join(values)).unwrap_or_default());
    let over = yaml_to_json(&overlay.stdout);
    let merged = helm_merge(
        base,
        if over.is_null() {
            Value::Object(Default::default())
        } else {
            over
        },
    );
    let scratch = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let merged_path = scratch.path().join("merged.json");
    std::fs::write(&merged_path, merged.to_string()).unwrap_or_else(|e| panic!("{e}"));
    let (after, after_unresolved) = scan_values(scratch.path(), "merged.json");
    let expected: BTreeSet<String> = before.iter().map(|r| rehome(r, registry, keep)).collect();
    let expected_unresolved: BTreeSet<String> = before_unresolved
        .iter()
        .map(|r| rehome(r, registry, keep))
        .collect();
    assert_eq!(
        after, expected,
        "{values} ({registry}, keep {keep}): merged values must hold exactly the images re-homed\noverlay:\n{}",
        overlay.stdout
    );
    assert_eq!(
        after_unresolved, expected_unresolved,
        "{values}: unresolved entries must be re-homed too"
    );
    overlay.stdout
}

const CORPUS_VALUES: [&str; 13] = [
    "../shared/corpus/charts-values/argo-cd-values.yaml",
    "../shared/corpus/charts-values/argo-workflows-values.yaml",
    "../shared/corpus/charts-values/cert-manager-values.yaml",
    "../shared/corpus/charts-values/ingress-nginx-values.yaml",
    "../shared/corpus/charts-values/istio-cni-values.yaml",
    "../shared/corpus/charts-values/istio-gateway-values.yaml",
    "../shared/corpus/charts-values/istiod-values.yaml",
    "../shared/corpus/charts-values/jenkins-values.yaml",
    "../shared/corpus/charts-values/kube-prometheus-stack-values.yaml",
    "../shared/corpus/charts-values/postgresql-values.yaml",
    "../shared/corpus/charts-values/redis-values.yaml",
    "../shared/corpus/charts-values/ztunnel-values.yaml",
    "../shared/corpus/deploykf/default_values.yaml",
];

#[test]
fn the_law_holds_for_every_corpus_values_file_in_both_mapping_modes() {
    for values in CORPUS_VALUES {
        check_law(&root(), values, "registry.local:5000/mirror", false);
        check_law(&root(), values, "harbor.example.com", true);
    }
}

#[test]
fn the_law_holds_with_tags_resolved_from_the_charts_app_version() {
    for values in [
        "testdata/values/shapes/values.yaml",
        "testdata/values/cert-manager-style/values.yaml",
    ] {
        let overlay = check_law(&root(), values, "registry.local:5000/mirror", false);
        check_law(&root(), values, "harbor.example.com/base", true);
        assert!(
            overlay.contains("tag: \""),
            "resolved tags are written in:\n{overlay}"
        );
    }
}

#[test]
fn overlays_keep_each_charts_shape() {
    for (name, values) in [
        ("redis", "../shared/corpus/charts-values/redis-values.yaml"),
        (
            "istiod",
            "../shared/corpus/charts-values/istiod-values.yaml",
        ),
        (
            "cert_manager",
            "../shared/corpus/charts-values/cert-manager-values.yaml",
        ),
        (
            "ingress_nginx",
            "../shared/corpus/charts-values/ingress-nginx-values.yaml",
        ),
        (
            "argo_cd",
            "../shared/corpus/charts-values/argo-cd-values.yaml",
        ),
        ("deploykf", "../shared/corpus/deploykf/default_values.yaml"),
        ("shapes", "testdata/values/shapes/values.yaml"),
    ] {
        let run = imgsift(&[
            "overlay",
            "--registry",
            "registry.local:5000/mirror",
            "--values",
            values,
        ]);
        assert_eq!(run.code, 0, "{name}: {}", run.stderr);
        insta::assert_snapshot!(format!("overlay_{name}"), run.stdout);
    }
}

#[test]
fn shared_registry_keys_are_rewritten_once() {
    let run = imgsift(&[
        "overlay",
        "--registry",
        "r.example.com",
        "--values",
        "../shared/corpus/charts-values/cert-manager-values.yaml",
    ]);
    assert_eq!(
        run.lines()
            .iter()
            .filter(|l| l.starts_with("imageRegistry:"))
            .count(),
        1
    );
    assert!(
        run.stdout
            .contains("imageRegistry: \"r.example.com\"  # was \"quay.io\"")
    );
    let istio = imgsift(&[
        "overlay",
        "--registry",
        "r.example.com",
        "--values",
        "../shared/corpus/charts-values/istiod-values.yaml",
    ]);
    assert!(
        istio
            .stdout
            .contains("hub: \"r.example.com/testing\"  # was \"registry.istio.io/testing\""),
        "{}",
        istio.stdout
    );
}

#[test]
fn an_overlay_of_an_overlaid_values_file_is_empty() {
    let values = "testdata/values/shapes/values.yaml";
    let overlay = imgsift(&["overlay", "--registry", "r.example.com", "--values", values]).stdout;
    let merged = helm_merge(yaml_to_json(&read(values)), yaml_to_json(&overlay));
    let scratch = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    std::fs::write(scratch.path().join("merged.json"), merged.to_string())
        .unwrap_or_else(|e| panic!("{e}"));
    let again = imgsift_in(
        scratch.path(),
        &[
            "overlay",
            "--registry",
            "r.example.com",
            "--values",
            "merged.json",
        ],
    );
    assert_eq!(again.code, 0, "{}", again.stderr);
    assert_eq!(
        again.stdout, "",
        "every image already points at the registry"
    );
}

#[test]
fn kustomize_output_lists_each_image_with_its_new_name_tag_and_digest() {
    let run = imgsift(&[
        "overlay",
        "-o",
        "kustomize",
        "--registry",
        "r.example.com",
        "testdata/values/shapes",
    ]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    insta::assert_snapshot!("overlay_kustomize_shapes", run.stdout);
    let json = yaml_to_json(&run.stdout);
    let images = json["images"].as_array().cloned().unwrap_or_default();
    assert!(images.iter().any(|i| i["name"] == "ghcr.io/acme/api"
        && i["newName"] == "r.example.com/acme/api"
        && i["newTag"] == "3.1.4"));
}

#[test]
fn out_dir_writes_one_file_per_values_file_and_never_an_input() {
    let scratch = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let out = scratch.path().join("overlays");
    let out_text = out.to_string_lossy().into_owned();
    let run = imgsift(&[
        "overlay",
        "--registry",
        "r.example.com",
        "--out-dir",
        &out_text,
        "testdata/values",
    ]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let written = out.join("testdata/values/shapes/values.yaml");
    let printed = imgsift(&[
        "overlay",
        "--registry",
        "r.example.com",
        "--values",
        "testdata/values/shapes/values.yaml",
    ]);
    assert_eq!(
        std::fs::read_to_string(&written).unwrap_or_default(),
        printed.stdout
    );
    assert!(
        out.join("testdata/values/cert-manager-style/values.yaml")
            .is_file()
    );

    // A copy of the chart, overlaid into its own parent: the target is the input itself.
    let chart = scratch.path().join("values.yaml");
    std::fs::copy(root().join("testdata/values/shapes/values.yaml"), &chart)
        .unwrap_or_else(|e| panic!("{e}"));
    let before = std::fs::read(&chart).unwrap_or_default();
    let refused = imgsift_in(
        scratch.path(),
        &[
            "overlay",
            "--registry",
            "r.example.com",
            "--out-dir",
            ".",
            "values.yaml",
        ],
    );
    assert_eq!(refused.code, 2);
    assert!(
        refused.stderr.contains("never overwrites an input"),
        "{}",
        refused.stderr
    );
    assert_eq!(
        std::fs::read(&chart).unwrap_or_default(),
        before,
        "the input is untouched"
    );
}

#[test]
fn a_registry_that_is_not_a_host_is_a_usage_error() {
    for bad in ["https://r.example.com", "myregistry", "r.example.com/UPPER"] {
        let run = imgsift(&["overlay", "--registry", bad, "testdata/values/shapes"]);
        assert_eq!(run.code, 2, "{bad}");
        assert!(run.stderr.contains("--registry"), "{}", run.stderr);
    }
}

/// A small deterministic generator (xorshift), so the property test needs no extra crate and
/// a failure names the seed that reproduces it.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[(self.next() % items.len() as u64) as usize]
    }

    fn chance(&mut self, percent: u64) -> bool {
        self.next() % 100 < percent
    }
}

const REGISTRIES: [&str; 5] = [
    "docker.io",
    "quay.io",
    "ghcr.io",
    "registry.example.com",
    "gcr.io",
];
const REPOSITORIES: [&str; 6] = [
    "nginx",
    "acme/api",
    "acme/team/worker",
    "bitnami/redis",
    "library/busybox",
    "org/x-y_z",
];
const TAGS: [&str; 6] = [
    "1.10",
    "v2.3.4",
    "latest",
    "7",
    "1.2.3-debian-12-r4",
    "2024.05.01",
];

/// Generates a values file mixing every shape at random places.
fn generate(rng: &mut Rng) -> String {
    let mut text = String::from(
        "global:\n  hub: gcr.io/istio-release\n  tag: \"1.29.1\"\n  image:\n    registry: registry.k8s.io\n",
    );
    for component in 0..(2 + rng.next() % 8) {
        let registry = rng.pick(&REGISTRIES);
        let repository = rng.pick(&REPOSITORIES);
        let tag = rng.pick(&TAGS);
        let tagged = rng.chance(75);
        let tag_text = if tagged {
            format!("\"{tag}\"")
        } else {
            "\"\"".to_owned()
        };
        let digest = if rng.chance(20) {
            format!("sha256:{}", "ab".repeat(32))
        } else {
            String::new()
        };
        text.push_str(&format!("c{component}:\n"));
        match rng.next() % 9 {
            0 => {
                let mut reference = format!("{registry}/{repository}");
                if tagged {
                    reference.push(':');
                    reference.push_str(tag);
                }
                text.push_str(&format!("  image: \"{reference}\"\n"));
            }
            1 => text.push_str(&format!("  image:\n    repository: {registry}/{repository}\n    tag: {tag_text}\n")),
            2 => text.push_str(&format!(
                "  image:\n    registry: {registry}\n    repository: {repository}\n    tag: {tag_text}\n    digest: \"{digest}\"\n"
            )),
            3 => text.push_str(&format!("  image:\n    image: {repository}\n    tag: {tag_text}\n")),
            4 => text.push_str(&format!("  hub: {registry}/{}\n  image: proxyv{component}\n  tag: {tag_text}\n", repository.split('/').next().unwrap_or("x"))),
            5 => text.push_str(&format!("  image: {registry}/{repository}\n  tag: {tag_text}\n")),
            6 => text.push_str(&format!("  sidecarImage: {registry}/{repository}:{tag}\n")),
            7 => text.push_str(&format!(
                "  images:\n    main:\n      repository: {registry}/{repository}\n      tag: {tag_text}\n    extra: {registry}/{repository}:{tag}\n"
            )),
            _ => text.push_str(&format!(
                "  image:\n    value: {registry}/{repository}:{tag}\n    options:\n      - {registry}/{repository}:{tag}\n      - {registry}/other:{tag}\n"
            )),
        }
        if rng.chance(30) {
            text.push_str("  imagePullPolicy: IfNotPresent\n  enabled: false\n");
        }
    }
    text
}

#[test]
fn the_law_holds_for_generated_values_files() {
    for seed in 1..=40u64 {
        let mut rng = Rng(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1);
        let values = generate(&mut rng);
        let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        std::fs::write(dir.path().join("values.yaml"), &values).unwrap_or_else(|e| panic!("{e}"));
        if rng.chance(50) {
            std::fs::write(
                dir.path().join("Chart.yaml"),
                "apiVersion: v2\nname: generated\nversion: 0.1.0\nappVersion: \"9.8.7\"\n",
            )
            .unwrap_or_else(|e| panic!("{e}"));
        }
        let keep = rng.chance(50);
        let registry = if keep {
            "harbor.example.com/proxy"
        } else {
            "registry.local:5000"
        };
        let result =
            std::panic::catch_unwind(|| check_law(dir.path(), "values.yaml", registry, keep));
        if result.is_err() {
            panic!("the law fails for seed {seed} (keep {keep}); values:\n{values}");
        }
    }
}
