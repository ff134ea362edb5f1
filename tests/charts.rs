//! Helm chart folders and packaged charts: Chart.yaml image annotations, subcharts, templates.

mod common;

use common::{image_sources, imgsift, text};
use serde_json::Value;

fn sources(json: &Value) -> Vec<(String, String, String, u64)> {
    image_sources(json)
        .into_iter()
        .map(|(reference, source)| {
            (
                reference.to_owned(),
                text(source, "file"),
                text(source, "path"),
                source["line"].as_u64().unwrap_or_default(),
            )
        })
        .collect()
}

#[test]
fn a_chart_whose_template_fails_is_read_through_its_annotations_and_values_at_any_depth() {
    // The umbrella's template needs `image.repository`, which its values do not have: Helm
    // cannot render it either. The failure is a diagnostic, and the metadata and values of the
    // chart and of its packaged subcharts stand in for the render.
    let run = imgsift(&["scan", "-o", "json", "testdata/charts/umbrella"]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert_eq!(
        run.stderr,
        "testdata/charts/umbrella/templates/deployment.yaml:10:29: error[H003]: umbrella/templates/deployment.yaml cannot be rendered: nil pointer evaluating interface {}.repository; the chart's values are read as values\n"
    );
    let archive = "testdata/charts/umbrella/charts/cache-0.3.0.tgz";
    let nested = format!("{archive}!/cache/charts/metrics-0.1.0.tgz!/metrics");
    let row = |image: &str, file: String, path: &str, line: u64| {
        (image.to_owned(), file, path.to_owned(), line)
    };
    assert_eq!(
        sources(&run.json()),
        [
            row(
                "docker.io/bitnami/redis:7.2.4-debian-12-r9",
                format!("{archive}!/cache/Chart.yaml"),
                "annotations.images[0].image",
                7
            ),
            row(
                "docker.io/bitnami/redis:7.2.4-debian-12-r9",
                format!("{archive}!/cache/values.yaml"),
                "image",
                3
            ),
            row(
                "ghcr.io/acme/umbrella-api:2.4.0",
                "testdata/charts/umbrella/Chart.yaml".to_owned(),
                "annotations[\"artifacthub.io/images\"][0].image",
                8
            ),
            row(
                "quay.io/acme/metrics-exporter:0.9.1",
                format!("{nested}/Chart.yaml"),
                "annotations[\"helm.sh/images\"][0].image",
                8
            ),
            row(
                "quay.io/acme/metrics-exporter:0.9.1",
                format!("{nested}/values.yaml"),
                "image",
                1
            ),
        ]
    );
    let json = run.json();
    let classes: Vec<String> = image_sources(&json)
        .into_iter()
        .map(|(_, s)| text(s, "class"))
        .collect();
    assert_eq!(classes, ["chart", "values", "chart", "chart", "values"]);
    let resolved = &json["images"][2]["sources"][1];
    assert_eq!(
        resolved["tag_from"], "appVersion",
        "the nested chart's appVersion gives the tag"
    );
}

#[test]
fn a_packaged_chart_named_on_the_command_line_is_rendered() {
    // Its template renders no container (as with Helm), so the images its annotations and
    // values name are listed apart, as what the chart does not pull.
    let archive = "testdata/charts/umbrella/charts/cache-0.3.0.tgz";
    let run = imgsift(&["scan", archive]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(run.stdout, "");
    let json = imgsift(&["scan", "-o", "json", archive]).json();
    let unrendered: Vec<(String, String)> = json["unrendered"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|u| (text(u, "ref"), text(u, "path")))
        .collect();
    assert_eq!(
        unrendered,
        [
            (
                "docker.io/bitnami/redis:7.2.4-debian-12-r9".to_owned(),
                "annotations.images[0].image".to_owned()
            ),
            (
                "docker.io/bitnami/redis:7.2.4-debian-12-r9".to_owned(),
                "image".to_owned()
            ),
            (
                "quay.io/acme/metrics-exporter:0.9.1".to_owned(),
                "annotations[\"helm.sh/images\"][0].image".to_owned()
            ),
            (
                "quay.io/acme/metrics-exporter:0.9.1".to_owned(),
                "image".to_owned()
            ),
        ]
    );
}

#[test]
fn a_corrupt_archive_is_a_diagnostic_and_other_inputs_are_still_read() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let bad = dir.path().join("broken-1.0.0.tgz");
    std::fs::write(&bad, b"this is not gzip").unwrap_or_else(|e| panic!("{e}"));
    let bad = bad.to_string_lossy().into_owned();
    // A Chart.yaml named on its own stands for its chart (whose template fails: its values
    // and metadata stand in).
    let run = imgsift(&["scan", &bad, "testdata/charts/umbrella/Chart.yaml"]);
    assert_eq!(run.code, 2);
    assert_eq!(
        run.lines(),
        [
            "docker.io/bitnami/redis:7.2.4-debian-12-r9",
            "ghcr.io/acme/umbrella-api:2.4.0",
            "quay.io/acme/metrics-exporter:0.9.1"
        ]
    );
    assert!(
        run.stderr.starts_with(&format!(
            "{bad}:1:1: error[I006]: not a readable chart archive"
        )),
        "{}",
        run.stderr
    );
}

#[test]
fn chart_metadata_is_recognised_by_content_whatever_the_file_name() {
    let run = imgsift(&[
        "scan",
        "../shared/corpus/charts-values/jenkins-Chart.yaml",
        "../shared/corpus/charts-values/redis-Chart.yaml",
    ]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(
        run.lines(),
        [
            "docker.io/bitnami/kubectl:1.33.4-debian-12-r0",
            "docker.io/bitnami/os-shell:12-debian-12-r51",
            "docker.io/bitnami/redis-exporter:1.76.0-debian-12-r0",
            "docker.io/bitnami/redis-sentinel:8.2.1-debian-12-r0",
            "docker.io/bitnami/redis:8.2.1-debian-12-r0",
            "docker.io/jenkins/inbound-agent:3385.vf1123fb_515da_-1",
            "docker.io/jenkins/jenkins:2.568.2-jdk21",
            "docker.io/kiwigrid/k8s-sidecar:2.10.1",
        ]
    );
}

#[test]
fn strict_leaves_chart_annotations_and_values_out() {
    let run = imgsift(&["scan", "--strict", "testdata/charts/umbrella"]);
    assert_eq!(run.code, 2, "the template fails: {}", run.stderr);
    assert_eq!(run.stdout, "");
}
