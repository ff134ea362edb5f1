//! Images outside pod specs (classes configmap, env, arg, annotation, chart), per product.
//!
//! The fixtures in testdata/inferred copy the real shapes of Istio, Knative, KServe, Argo,
//! Katib, cert-manager, Kubeflow Pipelines and Helm charts, with decoys. Their expected output
//! was written from the contract, independently of the implementation:
//! tests/golden/inferred/<name>.txt is the exact text output, and
//! tests/golden/inferred/EXPECTED.md lists every source (image, class, object, key path) with
//! the reason for it. These tests hold imgsift to both.

mod common;

use std::collections::BTreeSet;

use common::{image_sources, imgsift, read, text};

const FIXTURES: [&str; 10] = [
    "istio",
    "knative",
    "kserve",
    "argo",
    "katib",
    "cert-manager",
    "kfp",
    "decoys",
    "chart",
    "chart-hip",
];

fn input(name: &str) -> String {
    if name.starts_with("chart") {
        format!("testdata/inferred/{name}")
    } else {
        format!("testdata/inferred/{name}.yaml")
    }
}

#[test]
fn every_product_fixture_prints_exactly_its_expected_images() {
    for name in FIXTURES {
        let run = imgsift(&["scan", &input(name)]);
        if name == "chart-hip" {
            // The chart declares a dependency that is not vendored: Helm cannot render it, and
            // its metadata stands in for the render.
            assert_eq!(run.code, 2, "{name}: {}", run.stderr);
            assert!(run.stderr.contains("error[H002]"), "{name}: {}", run.stderr);
        } else {
            assert_eq!(run.code, 0, "{name}: {}", run.stderr);
            assert_eq!(run.stderr, "", "{name}: no diagnostics expected");
        }
        assert_eq!(
            run.stdout,
            read(&format!("tests/golden/inferred/{name}.txt")),
            "{name}"
        );
    }
}

/// Key paths as imgsift writes them: a bracketed key that is a plain identifier
/// (letters, digits, `_`, `-`) is written with a dot instead.
fn normalize_path(path: &str) -> String {
    let mut out = String::new();
    let mut rest = path;
    while let Some(start) = rest.find("[\"") {
        out.push_str(&rest[..start]);
        let after = &rest[start + 2..];
        let Some(end) = after.find("\"]") else {
            out.push_str(&rest[start..]);
            return out;
        };
        let key = &after[..end];
        if !key.is_empty()
            && key
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-')
        {
            out.push('.');
            out.push_str(key);
        } else {
            out.push_str(&rest[start..start + 2 + end + 2]);
        }
        rest = &after[end + 2..];
    }
    out.push_str(rest);
    out
}

/// One source: (image, class, key path).
type SourceRow = (String, String, String);

/// The (image, class, path) rows of each fixture's source tables in EXPECTED.md.
fn expected_sources() -> Vec<(String, BTreeSet<SourceRow>)> {
    let text = read("tests/golden/inferred/EXPECTED.md");
    let mut fixtures = Vec::new();
    for section in text.split("\n## ").skip(1) {
        let title = section.lines().next().unwrap_or_default();
        let name = title
            .split_whitespace()
            .next()
            .unwrap_or_default()
            .trim_end_matches('/')
            .trim_end_matches(".yaml")
            .to_owned();
        let mut rows = BTreeSet::new();
        let mut in_sources = false;
        let mut previous = String::new();
        for line in section.lines() {
            if line.starts_with("| image | class |") {
                in_sources = true;
                continue;
            }
            if !line.starts_with('|') {
                in_sources = false;
                continue;
            }
            if !in_sources || line.starts_with("|---") {
                continue;
            }
            let cells: Vec<&str> = line.trim_matches('|').split('|').map(str::trim).collect();
            let [image, class, _object, path, ..] = cells[..] else {
                continue;
            };
            let image = if image == "same" {
                previous.clone()
            } else {
                image.trim_matches('`').to_owned()
            };
            previous = image.clone();
            let path = path
                .split(" (with")
                .next()
                .unwrap_or(path)
                .trim_matches('`');
            rows.insert((image, class.to_owned(), normalize_path(path)));
        }
        if !rows.is_empty() {
            fixtures.push((name, rows));
        }
    }
    fixtures
}

#[test]
fn every_source_has_the_class_and_key_path_the_expectations_give() {
    let expected = expected_sources();
    assert_eq!(
        expected
            .iter()
            .map(|(name, _)| name.as_str())
            .collect::<Vec<_>>(),
        [
            "istio",
            "knative",
            "kserve",
            "argo",
            "katib",
            "cert-manager",
            "kfp",
            "chart",
            "chart-hip"
        ],
        "EXPECTED.md has a source table per fixture (decoys has none: it expects no inferred source)"
    );
    for (name, rows) in expected {
        let json = imgsift(&["scan", "-o", "json", &input(&name)]).json();
        let mut actual: BTreeSet<(String, String, String)> = image_sources(&json)
            .into_iter()
            .map(|(reference, source)| {
                (
                    reference.to_owned(),
                    text(source, "class"),
                    text(source, "path"),
                )
            })
            .collect();
        if name.starts_with("chart") {
            // A chart is rendered: its annotations name images whether the render pulls them
            // (then they are images' sources) or not (then they are listed as unrendered).
            for source in json["unrendered"].as_array().into_iter().flatten() {
                actual.insert((
                    text(source, "ref"),
                    text(source, "class"),
                    text(source, "path"),
                ));
            }
            actual.retain(|(_, class, _)| class == "chart");
        }
        let missing: Vec<_> = rows.difference(&actual).collect();
        let extra: Vec<_> = actual.difference(&rows).collect();
        assert!(
            missing.is_empty() && extra.is_empty(),
            "{name}: missing {missing:#?}\nextra {extra:#?}"
        );
    }
}

#[test]
fn decoys_yield_only_the_one_container_image_and_no_warning() {
    let run = imgsift(&["scan", "-o", "json", "testdata/inferred/decoys.yaml"]);
    assert_eq!(run.stderr, "");
    let json = run.json();
    let sources: Vec<(String, String)> = image_sources(&json)
        .into_iter()
        .map(|(reference, s)| (reference.to_owned(), text(s, "class")))
        .collect();
    assert_eq!(
        sources,
        [(
            "ghcr.io/acme/decoy-app:1.0.0".to_owned(),
            "podspec".to_owned()
        )]
    );
}

#[test]
fn strict_drops_every_inferred_source_and_keeps_pod_specs_and_custom_resources() {
    for name in FIXTURES {
        let json = imgsift(&["scan", "--strict", "-o", "json", &input(name)]).json();
        for image in json["images"].as_array().into_iter().flatten() {
            for source in image["sources"].as_array().into_iter().flatten() {
                let class = source["class"].as_str().unwrap_or_default();
                assert!(
                    class == "podspec" || class == "crd",
                    "{name}: --strict kept a {class} source"
                );
            }
        }
    }
    let all = imgsift(&["scan", "testdata/inferred/kfp.yaml"]);
    let strict = imgsift(&["scan", "--strict", "testdata/inferred/kfp.yaml"]);
    assert!(strict.lines().len() < all.lines().len());
    assert!(strict.lines().iter().all(|line| all.lines().contains(line)));
}

#[test]
fn env_arg_and_annotation_sources_point_at_the_value() {
    let json = imgsift(&[
        "scan",
        "-o",
        "json",
        "testdata/inferred/kfp.yaml",
        "testdata/inferred/argo.yaml",
        "testdata/inferred/istio.yaml",
        "testdata/inferred/cert-manager.yaml",
    ])
    .json();
    let mut checked = 0;
    for image in json["images"].as_array().into_iter().flatten() {
        for source in image["sources"].as_array().into_iter().flatten() {
            let file = source["file"].as_str().unwrap_or_default();
            let line = source["line"].as_u64().unwrap_or_default() as usize;
            let column = source["column"].as_u64().unwrap_or_default() as usize;
            let raw = source["raw"].as_str().unwrap_or_default();
            let class = source["class"].as_str().unwrap_or_default();
            if !matches!(class, "env" | "arg" | "annotation" | "podspec") {
                continue;
            }
            let content = read(file);
            let at = content.lines().nth(line - 1).unwrap_or_default();
            let from = at.chars().skip(column - 1).collect::<String>();
            let from = from.trim_start_matches(['"', '\'']);
            // An argument is placed at its entry (`--flag=REF` starts with the flag); every
            // other source at the first character of its value.
            let placed = if class == "arg" {
                from.contains(raw)
            } else {
                from.starts_with(raw)
            };
            assert!(
                placed,
                "{file}:{line}:{column}: {class} {raw:?} not at {at:?}"
            );
            checked += 1;
        }
    }
    assert!(checked >= 10, "only {checked} sources checked");
}
