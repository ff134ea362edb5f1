//! Parity with real Helm on the 21 real charts of the corpus: `imgsift render` prints what
//! `helm template` prints (document for document, parsed YAML equal, same order; only random
//! values differ), and `imgsift scan CHART` lists exactly the images of `imgsift scan` over
//! Helm's render; both again with values files and `--set` flags of the kinds operators write
//! for an air gap (`testdata/helm/corpus-values/`: registries moved, components switched on
//! and off, digests, subcharts disabled by their conditions).

mod common;

#[path = "common/helm.rs"]
mod helm;

use std::collections::BTreeSet;

use common::{imgsift, imgsift_stdin};
use helm::{compare, corpus, corpus_charts, helm_batch};

fn chart_dir(name: &str) -> String {
    corpus()
        .join("charts")
        .join(name)
        .to_string_lossy()
        .into_owned()
}

/// Helm's render of every corpus chart with default values (release = chart name).
fn helm_renders() -> Vec<(String, String, Result<String, String>)> {
    let charts = corpus_charts();
    assert_eq!(charts.len(), 21, "the corpus has 21 charts");
    let requests: Vec<serde_json::Value> = charts
        .iter()
        .map(|(name, namespace)| {
            serde_json::json!({"chart": chart_dir(name), "name": name, "namespace": namespace})
        })
        .collect();
    let answers = helm_batch(&requests);
    charts
        .into_iter()
        .zip(answers)
        .map(|((name, namespace), answer)| (name, namespace, answer.result))
        .collect()
}

#[test]
fn every_corpus_chart_renders_as_helm_renders_it() {
    let mut failures = Vec::new();
    for (name, namespace, expected) in helm_renders() {
        let expected = expected.unwrap_or_else(|e| panic!("Helm cannot render {name}: {e}"));
        let dir = chart_dir(&name);
        let run = imgsift(&["render", &name, &dir, "-n", &namespace]);
        if run.code != 0 {
            failures.push(format!("{name}: exit {}: {}", run.code, run.stderr));
            continue;
        }
        if let Err(report) = compare(&expected, &run.stdout) {
            failures.push(format!("{name}:\n{report}"));
        }
    }
    assert!(
        failures.is_empty(),
        "{} of 21 charts differ from Helm:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

fn images(stdout: &str) -> BTreeSet<String> {
    stdout.lines().map(str::to_owned).collect()
}

#[test]
fn scanning_a_chart_lists_the_images_of_its_helm_render() {
    let mut failures = Vec::new();
    for (name, namespace, expected) in helm_renders() {
        let expected = expected.unwrap_or_else(|e| panic!("Helm cannot render {name}: {e}"));
        let from_helm = imgsift_stdin(&["scan", "-"], expected.as_bytes());
        let dir = chart_dir(&name);
        let native = imgsift(&["scan", &dir, "--name", &name, "-n", &namespace]);
        let (want, got) = (images(&from_helm.stdout), images(&native.stdout));
        if want != got || native.code != 0 {
            failures.push(format!(
                "{name} (exit {}): missing {:?}, extra {:?}\n{}",
                native.code,
                want.difference(&got).collect::<Vec<_>>(),
                got.difference(&want).collect::<Vec<_>>(),
                native.stderr
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// The corpus chart a values variant is for: the longest chart name its file name starts with.
fn chart_of_variant(file: &str, charts: &[(String, String)]) -> Option<(String, String)> {
    charts
        .iter()
        .filter(|(name, _)| file.starts_with(&format!("{name}-")))
        .max_by_key(|(name, _)| name.len())
        .cloned()
}

/// (chart, namespace, flags) for each values variant, and the `--set` cases.
fn variants() -> Vec<(String, String, Vec<String>)> {
    let charts = corpus_charts();
    let mut files: Vec<String> = std::fs::read_dir("testdata/helm/corpus-values")
        .unwrap_or_else(|e| panic!("testdata/helm/corpus-values: {e}"))
        .filter_map(|entry| Some(entry.ok()?.file_name().to_string_lossy().into_owned()))
        .filter(|name| name.ends_with(".yaml"))
        .collect();
    files.sort();
    let mut out: Vec<(String, String, Vec<String>)> = files
        .iter()
        .map(|file| {
            let (chart, namespace) = chart_of_variant(file, &charts)
                .unwrap_or_else(|| panic!("{file} names no corpus chart"));
            let flags = vec![
                "-f".to_owned(),
                format!("testdata/helm/corpus-values/{file}"),
            ];
            (chart, namespace, flags)
        })
        .collect();
    assert!(out.len() >= 8, "the variants are there: {files:?}");
    let sets: [(&str, &[&str]); 3] = [
        (
            "redis",
            &[
                "--set",
                "architecture=standalone,image.registry=registry.local,global.security.allowInsecureImages=true",
                "--set-string",
                "image.tag=8.2.2",
            ],
        ),
        (
            "ingress-nginx",
            &[
                "--set",
                "controller.image.digest=,controller.admissionWebhooks.enabled=false",
                "--set",
                "defaultBackend.enabled=true",
            ],
        ),
        (
            "argo-cd",
            &[
                "--set-json",
                r#"global.image={"repository":"registry.local/argocd","tag":"v3.1.0"}"#,
                "--set",
                "redis-ha.enabled=true",
            ],
        ),
    ];
    for (chart, flags) in sets {
        let namespace = charts
            .iter()
            .find(|(name, _)| name == chart)
            .map(|(_, ns)| ns.clone())
            .unwrap_or_else(|| panic!("{chart} is a corpus chart"));
        out.push((
            chart.to_owned(),
            namespace,
            flags.iter().map(|f| f.to_string()).collect(),
        ));
    }
    out
}

#[test]
fn corpus_charts_with_air_gap_values_and_set_flags_render_and_scan_as_with_helm() {
    let cases = variants();
    let requests: Vec<serde_json::Value> = cases
        .iter()
        .map(|(chart, namespace, flags)| {
            let mut args = vec![
                chart.clone(),
                chart_dir(chart),
                "-n".to_owned(),
                namespace.clone(),
            ];
            args.extend(flags.iter().cloned());
            serde_json::json!({ "args": args })
        })
        .collect();
    let answers = helm_batch(&requests);
    let mut failures = Vec::new();
    for ((chart, namespace, flags), answer) in cases.iter().zip(answers) {
        let label = format!("{chart} {}", flags.join(" "));
        let expected = match answer.result {
            Ok(expected) => expected,
            Err(e) => {
                failures.push(format!("{label}: Helm cannot render it: {e}"));
                continue;
            }
        };
        let dir = chart_dir(chart);
        let mut args: Vec<&str> = vec!["render", chart, &dir, "-n", namespace];
        args.extend(flags.iter().map(String::as_str));
        let run = imgsift(&args);
        if run.code != 0 {
            failures.push(format!("{label}: exit {}: {}", run.code, run.stderr));
            continue;
        }
        if let Err(report) = compare(&expected, &run.stdout) {
            failures.push(format!("{label}:\n{report}"));
        }
        let from_helm = imgsift_stdin(&["scan", "-"], expected.as_bytes());
        let mut args: Vec<&str> = vec!["scan", &dir, "--name", chart, "-n", namespace];
        args.extend(flags.iter().map(String::as_str));
        let native = imgsift(&args);
        let (want, got) = (images(&from_helm.stdout), images(&native.stdout));
        if want != got {
            failures.push(format!(
                "{label}: scan: missing {:?}, extra {:?}",
                want.difference(&got).collect::<Vec<_>>(),
                got.difference(&want).collect::<Vec<_>>()
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
