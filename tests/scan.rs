//! `imgsift scan` end to end: the real binary on the fixtures in testdata/scan.

mod common;

use common::{image_sources, imgsift, imgsift_in, imgsift_stdin, read, root, text};
use serde_json::Value;

const DIGEST: &str = "sha256:4f1d5a9c0b8e7d6c5b4a39281706f5e4d3c2b1a0f9e8d7c6b5a4938271605f4e";

/// The sources of one image in `-o json` output.
fn sources<'v>(json: &'v Value, reference: &str) -> &'v Vec<Value> {
    let images = json["images"].as_array().map(Vec::as_slice).unwrap_or(&[]);
    match images.iter().find(|i| i["ref"] == reference) {
        Some(image) => match image["sources"].as_array() {
            Some(sources) => sources,
            None => panic!("{reference} has no sources array"),
        },
        None => panic!("{reference} not in output: {json}"),
    }
}

fn refs(json: &Value) -> Vec<String> {
    json["images"]
        .as_array()
        .map(|images| {
            images
                .iter()
                .filter_map(|i| i["ref"].as_str().map(str::to_owned))
                .collect()
        })
        .unwrap_or_default()
}

#[test]
fn every_workload_kind_yields_its_images_normalized_sorted_and_unique() {
    let run = imgsift(&["scan", "testdata/scan/workloads.yaml"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(run.stderr, "");
    let expected = vec![
        "[2001:db8::1]:5000/agent:0.9".to_owned(),
        "docker.io/library/alpine:3.19".to_owned(),
        "docker.io/library/busybox:latest".to_owned(),
        "docker.io/library/nginx:1.25.3".to_owned(),
        "docker.io/library/postgres:16.2-alpine".to_owned(),
        format!("ghcr.io/acme/job:v3@{DIGEST}"),
        "ghcr.io/acme/migrate:2.0.1".to_owned(),
        "localhost:5000/rc:1".to_owned(),
        "quay.io/acme/models:v1".to_owned(),
        format!("quay.io/acme/sidecar@{DIGEST}"),
        "quay.io/acme/template:0.1.0".to_owned(),
        "registry.example.com:5000/tools/backup:1.10".to_owned(),
        "registry.k8s.io/pause:3.9".to_owned(),
    ];
    assert_eq!(run.lines(), expected);
}

#[test]
fn json_of_workloads_matches_the_reviewed_snapshot() {
    let run = imgsift(&["scan", "-o", "json", "testdata/scan/workloads.yaml"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    insta::assert_snapshot!("workloads_json", run.stdout);
}

#[test]
fn json_sources_carry_file_line_column_document_object_path_class_and_raw() {
    let json = imgsift(&["scan", "-o", "json", "testdata/scan/workloads.yaml"]).json();
    assert_eq!(json["version"], 1);
    assert!(json["unresolved"].is_array());
    assert!(json["diagnostics"].is_array());
    let nginx = &sources(&json, "docker.io/library/nginx:1.25.3")[0];
    assert_eq!(nginx["file"], "testdata/scan/workloads.yaml");
    assert_eq!(nginx["line"], 19);
    assert_eq!(nginx["column"], 18);
    assert_eq!(nginx["document"], 1);
    assert_eq!(nginx["kind"], "Deployment");
    assert_eq!(nginx["name"], "web");
    assert_eq!(nginx["namespace"], "shop");
    assert_eq!(nginx["path"], "spec.template.spec.containers[0].image");
    assert_eq!(nginx["class"], "podspec");
    assert_eq!(nginx["raw"], "nginx:1.25.3");
    assert_eq!(nginx["hook"], Value::Null);
    let image = json["images"].as_array().and_then(|images| {
        images
            .iter()
            .find(|i| i["ref"] == "docker.io/library/nginx:1.25.3")
    });
    let image = image.cloned().unwrap_or_default();
    assert_eq!(image["registry"], "docker.io");
    assert_eq!(image["repository"], "library/nginx");
    assert_eq!(image["tag"], "1.25.3");
    assert_eq!(image["digest"], Value::Null);
}

#[test]
fn cronjob_init_ephemeral_and_image_volume_paths_are_reported() {
    let json = imgsift(&["scan", "-o", "json", "testdata/scan/workloads.yaml"]).json();
    let path = |reference: &str| sources(&json, reference)[0]["path"].clone();
    assert_eq!(
        path("registry.example.com:5000/tools/backup:1.10"),
        "spec.jobTemplate.spec.template.spec.containers[0].image"
    );
    assert_eq!(
        path("ghcr.io/acme/migrate:2.0.1"),
        "spec.template.spec.initContainers[0].image"
    );
    assert_eq!(
        path("docker.io/library/alpine:3.19"),
        "spec.ephemeralContainers[0].image"
    );
    assert_eq!(
        path("quay.io/acme/models:v1"),
        "spec.volumes[0].image.reference"
    );
    assert_eq!(
        path("quay.io/acme/template:0.1.0"),
        "template.spec.containers[0].image"
    );
}

#[test]
fn tag_and_digest_are_both_kept() {
    let json = imgsift(&["scan", "-o", "json", "testdata/scan/workloads.yaml"]).json();
    let reference = format!("ghcr.io/acme/job:v3@{DIGEST}");
    let image = json["images"]
        .as_array()
        .and_then(|images| images.iter().find(|i| i["ref"] == reference.as_str()))
        .cloned()
        .unwrap_or_default();
    assert_eq!(image["tag"], "v3");
    assert_eq!(image["digest"], DIGEST);
}

#[test]
fn list_items_are_unpacked_and_secrets_inside_lists_ignored() {
    let json = imgsift(&["scan", "-o", "json", "testdata/scan/tricks.yaml"]).json();
    let listed = &sources(&json, "ghcr.io/acme/listed:1.0")[0];
    assert_eq!(
        listed["path"],
        "items[0].spec.template.spec.containers[0].image"
    );
    assert_eq!(listed["kind"], "Deployment");
    assert_eq!(listed["name"], "listed");
    assert_eq!(listed["namespace"], "tricks");
    assert_eq!(listed["line"], 8);
    assert!(!refs(&json).iter().any(|r| r.contains("secret-in-list")));
}

#[test]
fn aliases_and_merge_keys_report_every_use_at_the_line_where_the_text_is() {
    let json = imgsift(&["scan", "-o", "json", "testdata/scan/tricks.yaml"]).json();
    let found: Vec<(String, u64)> = sources(&json, "ghcr.io/acme/anchored:3.2")
        .iter()
        .map(|s| {
            (
                s["path"].as_str().unwrap_or_default().to_owned(),
                s["line"].as_u64().unwrap_or_default(),
            )
        })
        .collect();
    assert_eq!(
        found,
        vec![
            ("spec.template.spec.containers[0].image".to_owned(), 24),
            ("spec.template.spec.containers[1].image".to_owned(), 24),
            ("spec.template.spec.initContainers[0].image".to_owned(), 29),
        ]
    );
}

#[test]
fn crd_schemas_secrets_comments_and_prose_are_never_sources() {
    let run = imgsift(&[
        "scan",
        "testdata/scan/tricks.yaml",
        "testdata/scan/custom-resources.yaml",
    ]);
    for decoy in [
        "in-comment",
        "in-description",
        "schema-default",
        "schema-example",
        "in-secret",
        "secret-in-list",
        "in-script-source",
        "in-prose",
        "plural-list",
        "thumb",
        "Upper",
    ] {
        assert!(
            !run.stdout.contains(decoy),
            "{decoy} must not be reported:\n{}",
            run.stdout
        );
    }
}

#[test]
fn flow_style_json_documents_and_numeric_looking_tags_keep_their_text() {
    let json = imgsift(&["scan", "-o", "json", "testdata/scan/tricks.yaml"]).json();
    let flow = &sources(&json, "example.com/flow:1.10")[0];
    assert_eq!(flow["raw"], "example.com/flow:1.10");
    assert_eq!(flow["kind"], "DaemonSet");
    assert_eq!(flow["line"], 32);
}

#[test]
fn block_quoted_and_escaped_scalars_are_read_as_yaml_reads_them() {
    let run = imgsift(&["scan", "testdata/scan/tricks.yaml"]);
    for reference in [
        "example.com/folded:2.0",
        "example.com/single-quoted:2.1",
        "example.com/escaped:2.2",
    ] {
        assert!(
            run.lines().contains(&reference),
            "{reference} missing:\n{}",
            run.stdout
        );
    }
}

#[test]
fn helm_test_hooks_are_kept_and_marked_and_dropped_on_request() {
    let json = imgsift(&["scan", "-o", "json", "testdata/scan/tricks.yaml"]).json();
    let hook = &sources(&json, "docker.io/library/busybox:1.36")[0];
    assert_eq!(hook["hook"], "test");
    let skipped = imgsift(&["scan", "--skip-test-hooks", "testdata/scan/tricks.yaml"]);
    assert!(!skipped.stdout.contains("busybox"), "{}", skipped.stdout);
    assert!(skipped.stdout.contains("ghcr.io/acme/listed:1.0"));
}

#[test]
fn references_the_grammar_rejects_are_warnings_with_positions_not_images() {
    let run = imgsift(&["scan", "testdata/scan/tricks.yaml"]);
    assert_eq!(run.code, 0, "warnings do not fail the run");
    assert!(
        run.stderr.contains(
            "testdata/scan/tricks.yaml:101:12: warning[R001]: spec.containers[0].image: \"example.com/Upper/Case:1\" is not an image reference"
        ),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr.contains(
            "testdata/scan/tricks.yaml:107:12: warning[R003]: spec.containers[3].image is not a string"
        ),
        "{}",
        run.stderr
    );
    assert_eq!(run.stderr.lines().count(), 2, "{}", run.stderr);
}

#[test]
fn custom_resources_give_crd_sources_and_their_pod_templates_podspec_ones() {
    let json = imgsift(&["scan", "-o", "json", "testdata/scan/custom-resources.yaml"]).json();
    let class_and_path = |reference: &str| {
        let source = &sources(&json, reference)[0];
        (
            source["class"].as_str().unwrap_or_default().to_owned(),
            source["path"].as_str().unwrap_or_default().to_owned(),
        )
    };
    let expect = |reference: &str, class: &str, path: &str| {
        assert_eq!(
            class_and_path(reference),
            (class.to_owned(), path.to_owned()),
            "{reference}"
        );
    };
    expect(
        "docker.io/docker/whalesay:latest",
        "crd",
        "spec.templates[0].container.image",
    );
    expect(
        "docker.io/library/python:3.12-alpine",
        "crd",
        "spec.templates[1].script.image",
    );
    expect("docker.io/alpine/git:2.43.0", "crd", "spec.steps[0].image");
    expect(
        "docker.io/library/ubuntu:latest",
        "crd",
        "spec.steps[1].image",
    );
    expect("quay.io/prometheus/prometheus:v2.54.1", "crd", "spec.image");
    expect(
        "ghcr.io/knative/helloworld-go:latest",
        "podspec",
        "spec.template.spec.containers[0].image",
    );
    expect(
        &format!("gcr.io/knative-releases/knative.dev/serving/cmd/queue@{DIGEST}"),
        "crd",
        "spec.image",
    );
    expect(
        "registry.example.com/base/python:3.12",
        "crd",
        "spec.baseImage",
    );
    expect("example.com/sidecar:0.1", "crd", "spec.sidecar_image");
    assert_eq!(refs(&json).len(), 9, "{:?}", refs(&json));
}

#[test]
fn placeholders_are_not_images_and_not_warnings() {
    let run = imgsift(&["scan", "testdata/scan/custom-resources.yaml"]);
    assert_eq!(run.stderr, "", "placeholders are silently passed over");
    assert!(!run.stdout.contains("params"));
    assert!(!run.stdout.contains("inputs"));
}

#[test]
fn strict_keeps_podspec_and_crd_sources() {
    let all = imgsift(&["scan", "testdata/scan/custom-resources.yaml"]);
    let strict = imgsift(&["scan", "--strict", "testdata/scan/custom-resources.yaml"]);
    assert_eq!(strict.code, 0);
    assert_eq!(strict.stdout, all.stdout);
}

#[test]
fn piped_standard_input_is_read_without_arguments_and_with_dash() {
    let input = read("testdata/scan/workloads.yaml");
    let implicit = imgsift_stdin(&["scan"], input.as_bytes());
    let dash = imgsift_stdin(&["scan", "-"], input.as_bytes());
    let file = imgsift(&["scan", "testdata/scan/workloads.yaml"]);
    assert_eq!(implicit.code, 0, "{}", implicit.stderr);
    assert_eq!(implicit.stdout, file.stdout);
    assert_eq!(dash.stdout, file.stdout);
    let json = imgsift_stdin(&["scan", "-o", "json", "-"], input.as_bytes()).json();
    assert_eq!(
        sources(&json, "docker.io/library/nginx:1.25.3")[0]["file"],
        "-"
    );
}

#[test]
fn a_directory_walk_reads_yaml_yml_and_json_and_skips_hidden_text_and_renders_charts() {
    let run = imgsift(&["scan", "-o", "json", "testdata/scan/tree"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(
        run.stderr, "",
        "chart templates are rendered, never parsed as YAML"
    );
    let json = run.json();
    assert_eq!(
        refs(&json),
        [
            "example.com/tree/a:1",
            "example.com/tree/b:1",
            "example.com/tree/c:1",
            "example.com/tree/chart:1.0.0",
            "example.com/tree/d:1",
            "example.com/tree/sub:2",
        ]
    );
    let files: Vec<String> = image_sources(&json)
        .into_iter()
        .map(|(_, s)| text(s, "file"))
        .collect();
    assert_eq!(
        files,
        [
            "testdata/scan/tree/a.yaml",
            "testdata/scan/tree/link-to-a.yaml",
            "testdata/scan/tree/sub/b.yml",
            "testdata/scan/tree/sub/c.json",
            "testdata/scan/tree/chart/templates/deployment.yaml",
            "testdata/scan/tree/chart/values.yaml",
            "testdata/scan/tree/sub/D.YAML",
            "testdata/scan/tree/chart/charts/sub/templates/deployment.yaml",
            "testdata/scan/tree/chart/values.yaml",
        ],
        "a linked file is read; a linked directory is not followed; a chart's images are \
         placed at the template that wrote them and the values that named them"
    );
}

#[test]
fn bad_documents_and_files_are_diagnosed_and_everything_else_is_scanned() {
    let run = imgsift(&["scan", "testdata/scan/bad"]);
    assert_eq!(run.code, 2, "an unreadable input makes the exit code 2");
    assert_eq!(
        run.lines(),
        [
            "example.com/bad/after-latin1:1",
            "example.com/bad/bom:1",
            "example.com/bad/crlf:1",
            "example.com/bad/first:1",
            // Read line by line from the document that does not parse (class `text`).
            "example.com/bad/in-broken:1",
            "example.com/bad/last:1",
        ]
    );
    let expected = [
        "testdata/scan/bad/broken.yaml:10:2: error[D001]: invalid YAML: ",
        "testdata/scan/bad/broken.yaml:10:2: warning[D010]: document 2 is not valid YAML",
        "testdata/scan/bad/dangling.yaml:1:1: error[I003]: broken symbolic link",
        "testdata/scan/bad/latin1.yaml:4:6: error[D003]: invalid UTF-8",
        "testdata/scan/bad/nul.yaml:4:60: error[D004]: NUL byte",
        "testdata/scan/bad/tabs.yaml:5:2: error[D001]: invalid YAML: tabs",
        "testdata/scan/bad/truncated.yaml:7:12: error[D001]: invalid YAML: ",
    ];
    let lines: Vec<&str> = run.stderr.lines().collect();
    assert_eq!(lines.len(), expected.len(), "{}", run.stderr);
    for (line, prefix) in lines.iter().zip(expected) {
        assert!(
            line.starts_with(prefix),
            "{line:?} should start with {prefix:?}"
        );
    }
}

#[test]
fn a_missing_input_is_a_diagnostic_and_the_other_inputs_are_still_reported() {
    let run = imgsift(&[
        "scan",
        "testdata/scan/no-such-file.yaml",
        "testdata/scan/tree/a.yaml",
    ]);
    assert_eq!(run.code, 2);
    assert_eq!(run.lines(), ["example.com/tree/a:1"]);
    assert_eq!(
        run.stderr,
        "testdata/scan/no-such-file.yaml:1:1: error[I001]: cannot read this input: no such file or directory\n"
    );
}

#[test]
fn json_lists_diagnostics_with_file_line_column_and_severity() {
    let json = imgsift(&["scan", "-o", "json", "testdata/scan/bad/broken.yaml"]).json();
    let diagnostic = &json["diagnostics"][0];
    assert_eq!(diagnostic["file"], "testdata/scan/bad/broken.yaml");
    assert_eq!(diagnostic["line"], 10);
    assert_eq!(diagnostic["column"], 2);
    assert_eq!(diagnostic["severity"], "error");
}

#[test]
fn why_prints_every_source_and_a_bare_name_matches_every_tag() {
    let run = imgsift(&[
        "scan",
        "--why",
        "busybox",
        "testdata/scan/tricks.yaml",
        "testdata/scan/workloads.yaml",
    ]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(
        run.lines(),
        [
            "docker.io/library/busybox:1.36",
            "  testdata/scan/tricks.yaml:78:12: podspec Pod/web-test-connection spec.containers[0].image = \"busybox:1.36\" [helm test hook]",
            "docker.io/library/busybox:latest",
            "  testdata/scan/workloads.yaml:45:12: podspec Pod/debug spec.containers[0].image = \"busybox\"",
        ]
    );
    let exact = imgsift(&[
        "scan",
        "--why",
        "busybox:1.36",
        "testdata/scan/tricks.yaml",
        "testdata/scan/workloads.yaml",
    ]);
    assert_eq!(exact.lines().len(), 2);
}

#[test]
fn why_exits_1_when_no_image_matches() {
    let run = imgsift(&[
        "scan",
        "--why",
        "example.com/nothing:1",
        "testdata/scan/workloads.yaml",
    ]);
    assert_eq!(run.code, 1);
    assert_eq!(run.stdout, "");
    assert!(run.stderr.contains("no image found matches"));
}

#[test]
fn usage_errors_exit_2() {
    assert_eq!(
        imgsift(&["scan", "--why", "Not A Reference", "x.yaml"]).code,
        2
    );
    assert_eq!(imgsift(&["scan", "-o", "yaml", "x.yaml"]).code, 2);
    assert_eq!(imgsift(&["scan", "--threads", "0", "x.yaml"]).code, 2);
    assert_eq!(imgsift(&["frobnicate"]).code, 2);
}

#[test]
fn table_output_has_a_row_per_image_with_classes_and_first_source() {
    let run = imgsift(&["scan", "-o", "table", "testdata/scan/tricks.yaml"]);
    assert_eq!(run.code, 0);
    let lines = run.lines();
    assert!(lines[0].starts_with("IMAGE"), "{}", run.stdout);
    assert!(
        lines
            .iter()
            .any(|l| l.starts_with("ghcr.io/acme/anchored:3.2")
                && l.contains("podspec")
                && l.contains("tricks.yaml:24 Deployment/anchored (+2 more)"))
    );
    assert!(
        lines
            .iter()
            .any(|l| l.contains("busybox:1.36") && l.ends_with("[helm test hook]"))
    );
    assert_eq!(lines.last().copied(), Some("7 images"));
}

#[test]
fn output_is_byte_identical_whatever_the_thread_count() {
    let one = imgsift(&[
        "scan",
        "-j",
        "1",
        "-o",
        "json",
        "testdata/scan",
        "../shared/corpus",
    ]);
    let many = imgsift(&[
        "scan",
        "-j",
        "8",
        "-o",
        "json",
        "testdata/scan",
        "../shared/corpus",
    ]);
    assert!(!one.stdout.is_empty());
    assert_eq!(one.stdout, many.stdout);
    assert_eq!(one.stderr, many.stderr);
}

#[test]
fn output_does_not_depend_on_the_order_files_were_created_in() {
    let texts: Vec<(String, String)> = (0..40)
        .map(|i| {
            (
                format!("f{i:02}.yaml"),
                format!(
                    "apiVersion: v1\nkind: Pod\nmetadata: {{name: p{i}}}\nspec: {{containers: [{{name: c, image: \"example.com/order/{i}:1\"}}]}}\n"
                ),
            )
        })
        .collect();
    let forward = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let backward = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    for (name, text) in &texts {
        std::fs::write(forward.path().join(name), text).unwrap_or_else(|e| panic!("{e}"));
    }
    for (name, text) in texts.iter().rev() {
        std::fs::write(backward.path().join(name), text).unwrap_or_else(|e| panic!("{e}"));
    }
    let a = imgsift_in(forward.path(), &["scan", "-o", "json", "."]);
    let b = imgsift_in(backward.path(), &["scan", "-o", "json", "."]);
    assert_eq!(a.code, 0);
    assert_eq!(a.stdout, b.stdout);
}

#[test]
fn no_progress_is_drawn_when_standard_error_is_not_a_terminal() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    for i in 0..300 {
        let text = format!(
            "apiVersion: v1\nkind: Pod\nmetadata: {{name: p{i}}}\nspec: {{containers: [{{name: c, image: \"example.com/many/{i}:1\"}}]}}\n"
        );
        std::fs::write(dir.path().join(format!("{i}.yaml")), text)
            .unwrap_or_else(|e| panic!("{e}"));
    }
    let run = imgsift_in(dir.path(), &["scan", "."]);
    assert_eq!(run.code, 0);
    assert_eq!(run.lines().len(), 300);
    assert_eq!(run.stderr, "", "stderr is a pipe here, so no progress bar");
}

#[test]
fn a_closed_output_pipe_ends_the_run_quietly() {
    use std::io::{BufRead, BufReader};
    use std::process::Stdio;
    let mut child = common::command_in(&root(), &["scan", "-o", "json", "../shared/corpus"])
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| panic!("{e}"));
    let stdout = child.stdout.take().unwrap_or_else(|| panic!("no stdout"));
    let mut first = String::new();
    BufReader::new(stdout)
        .read_line(&mut first)
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(first, "{\n");
    // The reader is dropped here, closing the pipe while imgsift still has output to write.
    let output = child.wait_with_output().unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(output.status.code(), Some(0));
    assert!(
        !String::from_utf8_lossy(&output.stderr).contains("Broken pipe"),
        "no error is printed for a closed pipe"
    );
}

#[test]
fn directives_tagged_markers_nested_lists_and_byte_order_marks_inside_a_stream_are_read() {
    let run = imgsift(&["scan", "-o", "json", "testdata/scan/stream-edges.yaml"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(run.stderr, "");
    let json = run.json();
    assert_eq!(
        refs(&json),
        [
            "docker.io/library/1.10:latest",
            "example.com/bom-mid:1",
            "example.com/commented:1.0",
            "example.com/directive:1",
            "example.com/nested-list:1",
        ]
    );
    let nested = &sources(&json, "example.com/nested-list:1")[0];
    assert_eq!(
        nested["path"],
        "items[0].items[0].spec.template.spec.containers[0].image"
    );
    assert_eq!(
        nested["kind"], "Deployment",
        "extensions/v1beta1 is a built-in group"
    );
    let bom = &sources(&json, "example.com/bom-mid:1")[0];
    assert_eq!(
        (bom["line"].as_u64(), bom["column"].as_u64()),
        (Some(11), Some(38))
    );
    let tagged = &sources(&json, "docker.io/library/1.10:latest")[0];
    assert_eq!(
        tagged["raw"], "1.10",
        "!!str keeps 1.10 a string, as written"
    );
}

#[test]
fn progress_is_drawn_on_a_terminal_and_the_run_finishes() {
    // `script` (util-linux) runs imgsift on a pseudo-terminal; `timeout` turns a hang into a
    // failure instead of a stuck test.
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let walk = dir.path().join("walk");
    std::fs::create_dir(&walk).unwrap_or_else(|e| panic!("{e}"));
    for i in 0..300 {
        let text = format!(
            "apiVersion: v1\nkind: Pod\nmetadata: {{name: p{i}}}\nspec: {{containers: [{{name: c, image: \"example.com/tty/{i}:1\"}}]}}\n"
        );
        std::fs::write(walk.join(format!("{i}.yaml")), text).unwrap_or_else(|e| panic!("{e}"));
    }
    let typescript = dir.path().join("typescript");
    let inner = format!(
        "{} scan {} > /dev/null",
        env!("CARGO_BIN_EXE_imgsift"),
        walk.display()
    );
    let status = std::process::Command::new("timeout")
        .arg("60")
        .arg("script")
        .arg("-qec")
        .arg(&inner)
        .arg(&typescript)
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::null())
        .status()
        .unwrap_or_else(|e| panic!("cannot run script(1): {e}"));
    assert_eq!(
        status.code(),
        Some(0),
        "imgsift on a terminal must finish and succeed"
    );
    let shown =
        String::from_utf8_lossy(&std::fs::read(&typescript).unwrap_or_default()).into_owned();
    assert!(
        shown.contains("scanning") && shown.contains("/300 files"),
        "{shown}"
    );
}
