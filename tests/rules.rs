//! The rule file (`.imgsift.yaml`, `--config FILE`; docs/config.md): one test per rule kind,
//! each with what it must find or leave out and decoys it must not touch; a rule that matches
//! nothing is a warning; bad rules are errors at their line and column while the good rules
//! still apply; and how the file is found.
//!
//! The fixtures are testdata/rules: `manifests.yaml` and `values/values.yaml` hold one case
//! per rule kind with its decoys, `all/.imgsift.yaml` one rule of each kind, `unmatched/` rules
//! that match nothing, `bad/` malformed rules beside two good ones.

mod common;

use common::{Scratch, image_sources, imgsift, imgsift_in, text};

const MANIFESTS: &str = "testdata/rules/manifests.yaml";
const VALUES: &str = "testdata/rules/values/values.yaml";
const ALL: &str = "testdata/rules/all/.imgsift.yaml";

/// The images of a run, one per line.
fn images(run: &common::Run) -> Vec<&str> {
    run.lines()
}

/// `scan` of the fixtures with the rule file `config` (`None`: `--no-config`).
fn scan(config: Option<&str>, extra: &[&str]) -> common::Run {
    let mut args = vec!["scan"];
    match config {
        Some(config) => args.extend(["--config", config]),
        None => args.push("--no-config"),
    }
    args.extend(extra);
    args.extend([MANIFESTS, "--values", VALUES]);
    imgsift(&args)
}

#[test]
fn extra_images_are_listed_with_their_rule_and_reason_and_survive_strict() {
    let without = scan(None, &[]);
    assert!(
        !without.stdout.contains("quay.io/acme/agent"),
        "{without:?}"
    );
    let run = scan(Some(ALL), &["-o", "json"]);
    assert_eq!(run.code, 0, "{run:?}");
    let json = run.json();
    let sources: Vec<_> = image_sources(&json)
        .into_iter()
        .filter(|(r, _)| *r == "quay.io/acme/agent:1.2.0")
        .collect();
    assert_eq!(sources.len(), 1, "{json:#}");
    let (_, source) = sources[0];
    assert_eq!(text(source, "class"), "config");
    assert_eq!(text(source, "file"), ALL);
    assert_eq!(source["line"], 3);
    assert_eq!(source["column"], 10);
    assert_eq!(text(source, "path"), "images[0]");
    assert_eq!(text(&source["rule"], "rule"), "images[0]");
    assert_eq!(
        text(&source["rule"], "reason"),
        "pulled by the agent at runtime, named in no manifest"
    );
    // The user named it: --strict, which keeps only pod specs and custom resources, keeps it.
    let strict = scan(Some(ALL), &["--strict"]);
    assert!(
        images(&strict).contains(&"quay.io/acme/agent:1.2.0"),
        "{strict:?}"
    );
    let why = scan(Some(ALL), &["--why", "quay.io/acme/agent"]);
    assert!(
        why.stdout.contains("by rule images[0] at testdata/rules/all/.imgsift.yaml:3:10: pulled by the agent at runtime"),
        "{why:?}"
    );
}

#[test]
fn exclusions_by_reference_leave_out_what_the_glob_matches_and_nothing_else() {
    let without = scan(None, &[]);
    assert!(
        images(&without).contains(&"docker.io/library/busybox:1.36"),
        "{without:?}"
    );
    let run = scan(Some(ALL), &[]);
    let listed = images(&run);
    assert!(
        !listed.contains(&"docker.io/library/busybox:1.36"),
        "{run:?}"
    );
    // The same Deployment's other container is still listed.
    assert!(
        listed.contains(&"docker.io/library/nginx:1.25.3"),
        "{run:?}"
    );
    // A glob is over the normalized reference: `busybox:*` written bare would match nothing.
    let scratch = Scratch::new();
    scratch.write(
        ".imgsift.yaml",
        "exclude:\n  - ref: 'busybox:*'\n  - ref: docker.io/library/nginx\n",
    );
    scratch.write("pods.yaml", "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  containers:\n    - {name: a, image: busybox:1.36}\n    - {name: b, image: nginx:1.25}\n    - {name: c, image: nginx@sha256:0123456789012345678901234567890123456789012345678901234567890123}\n    - {name: d, image: nginx-decoy:1}\n");
    let run = imgsift_in(scratch.dir(), &["scan", "pods.yaml"]);
    assert_eq!(
        images(&run),
        vec![
            "docker.io/library/busybox:1.36",
            "docker.io/library/nginx-decoy:1"
        ],
        "{run:?}"
    );
    assert!(
        run.stderr.contains(
            ".imgsift.yaml:2:10: warning[C007]: exclude[0]: the glob \"busybox:*\" matched no image"
        ),
        "{run:?}"
    );
}

#[test]
fn exclusions_by_reference_leave_out_untagged_values_entries_of_the_repository() {
    let scratch = Scratch::new();
    scratch.write(
        ".imgsift.yaml",
        "exclude:\n  - ref: ghcr.io/acme/ui\n  - ref: 'ghcr.io/other/*'\n",
    );
    scratch.write(
        "values.yaml",
        "ui: {image: {repository: ghcr.io/acme/ui}}\nworker: {image: {repository: ghcr.io/other/worker}}\napi: {image: {repository: ghcr.io/acme/api}}\n",
    );
    let run = imgsift_in(
        scratch.dir(),
        &["scan", "-o", "json", "--values", "values.yaml"],
    );
    let json = run.json();
    let unresolved: Vec<String> = json["unresolved"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|u| text(u, "repository"))
        .collect();
    assert_eq!(unresolved, vec!["ghcr.io/acme/api"], "{json:#}");
    assert_eq!(run.stderr.matches("[V001]").count(), 1, "{run:?}");
    assert!(
        run.stderr.contains("ghcr.io/acme/api has no tag"),
        "{run:?}"
    );
    assert!(!run.stderr.contains("C007"), "{run:?}");
}

#[test]
fn exclusions_by_object_leave_out_that_object_only() {
    let without = scan(None, &[]);
    assert!(
        images(&without).contains(&"ghcr.io/acme/debug-tools:0.9"),
        "{without:?}"
    );
    let run = scan(Some(ALL), &[]);
    let listed = images(&run);
    assert!(!listed.contains(&"ghcr.io/acme/debug-tools:0.9"), "{run:?}");
    // Decoys: the same name in another namespace, another kind of the same name.
    assert!(
        listed.contains(&"ghcr.io/acme/debug-tools-shop:0.9"),
        "{run:?}"
    );
    assert!(listed.contains(&"ghcr.io/acme/node-agent:2.0"), "{run:?}");
    // `Kind/name` is any namespace; `-` is an object that writes none.
    let scratch = Scratch::new();
    scratch.write(
        ".imgsift.yaml",
        "exclude:\n  - object: Pod/debug-*\n  - object: Pod/-/plain\n",
    );
    scratch.write("pods.yaml", "apiVersion: v1\nkind: Pod\nmetadata: {name: debug-a, namespace: x}\nspec: {containers: [{name: a, image: example.com/a:1}]}\n---\napiVersion: v1\nkind: Pod\nmetadata: {name: plain}\nspec: {containers: [{name: b, image: example.com/b:1}]}\n---\napiVersion: v1\nkind: Pod\nmetadata: {name: plain, namespace: kept}\nspec: {containers: [{name: c, image: example.com/c:1}]}\n");
    let run = imgsift_in(scratch.dir(), &["scan", "pods.yaml"]);
    assert_eq!(images(&run), vec!["example.com/c:1"], "{run:?}");
    assert_eq!(run.stderr, "", "{run:?}");
}

#[test]
fn image_extractors_read_the_paths_of_custom_resources() {
    let without = scan(None, &[]);
    for image in [
        "ghcr.io/acme/runtime:3.1",
        "ghcr.io/acme/main:1.0",
        "ghcr.io/acme/helper:1.0",
    ] {
        assert!(!images(&without).contains(&image), "{image}: {without:?}");
    }
    let run = scan(Some(ALL), &["-o", "json"]);
    let json = run.json();
    let sources = image_sources(&json);
    let of = |reference: &str| -> Vec<&serde_json::Value> {
        sources
            .iter()
            .filter(|(r, _)| *r == reference)
            .map(|(_, s)| *s)
            .collect()
    };
    // `path` alone: its last segment is the field.
    let runtime = of("ghcr.io/acme/runtime:3.1");
    assert_eq!(runtime.len(), 1, "{json:#}");
    assert_eq!(text(runtime[0], "class"), "crd");
    assert_eq!(text(runtime[0], "kind"), "Runner");
    assert_eq!(text(runtime[0], "path"), "spec.runtime.ref");
    assert_eq!(
        text(&runtime[0]["rule"], "rule"),
        "imageExtractors.Runner[0]"
    );
    // Map-shaped entries under `*`, with `value` (and a `name`), for an apiVersion/Kind key.
    for (image, i) in [("ghcr.io/acme/main:1.0", 0), ("ghcr.io/acme/helper:1.0", 1)] {
        let found = of(image);
        assert_eq!(found.len(), 1, "{image}: {json:#}");
        assert_eq!(text(found[0], "path"), format!("spec.images[{i}].value"));
        assert_eq!(text(&found[0]["rule"], "name"), "bundled");
    }
    // Decoys: the same field off the path, the same path in another kind.
    for decoy in [
        "ghcr.io/acme/not-on-the-path:1",
        "ghcr.io/acme/decoy-runtime:1",
        "ghcr.io/acme/not-an-image-path:1",
    ] {
        assert!(of(decoy).is_empty(), "{decoy}: {json:#}");
    }
    // A path the crd class reads already gives one source, the one naming the rule.
    let golang = of("docker.io/library/golang:1.22");
    assert_eq!(golang.len(), 1, "{json:#}");
    assert_eq!(text(&golang[0]["rule"], "rule"), "imageExtractors.Task[0]");
    let why = scan(Some(ALL), &["--why", "ghcr.io/acme/runtime"]);
    assert!(
        why.stdout.contains("crd Runner/build spec.runtime.ref = \"ghcr.io/acme/runtime:3.1\"\n    by rule imageExtractors.Runner[0] at testdata/rules/all/.imgsift.yaml:11:13\n"),
        "{why:?}"
    );
    // The custom path is structural: --strict keeps it.
    let strict = scan(Some(ALL), &["--strict"]);
    assert!(
        images(&strict).contains(&"ghcr.io/acme/runtime:3.1"),
        "{strict:?}"
    );
}

#[test]
fn values_shapes_compose_images_from_the_users_key_names() {
    let without = scan(None, &[]);
    assert!(!without.stdout.contains("acme/controller"), "{without:?}");
    let run = scan(Some(ALL), &["-o", "json"]);
    let json = run.json();
    let found: Vec<_> = image_sources(&json)
        .into_iter()
        .filter(|(r, _)| r.contains("acme/controller"))
        .collect();
    assert_eq!(found.len(), 1, "{json:#}");
    let (reference, source) = found[0];
    // The tag is the text written: "1.10", never 1.1.
    assert_eq!(reference, "quay.io/acme/controller:1.10");
    assert_eq!(text(source, "class"), "values");
    assert_eq!(text(source, "path"), "controller");
    assert_eq!(source["line"], 4);
    // A mapping with the repository key alone is not the shape.
    assert!(!run.stdout.contains("acme/sidecar"), "{json:#}");
    assert!(!run.stderr.contains("acme/sidecar"), "{run:?}");
}

#[test]
fn a_rule_that_matches_nothing_is_a_warning() {
    let run = scan(Some("testdata/rules/unmatched/.imgsift.yaml"), &[]);
    assert_eq!(run.code, 0, "{run:?}");
    let file = "testdata/rules/unmatched/.imgsift.yaml";
    for (at, rule) in [
        ("3:10", "exclude[0]"),
        ("4:13", "exclude[1]"),
        ("7:13", "imageExtractors.CronTab[0]"),
        ("9:13", "imageExtractors.Runner[0]"),
        ("12:7", "values.shapes[0]"),
    ] {
        let line = format!("{file}:{at}: warning[C007]: {rule}: ");
        assert!(run.stderr.contains(&line), "{line}\n{run:?}");
    }
    assert_eq!(run.stderr.matches("[C007]").count(), 5, "{run:?}");
    // Nothing was excluded.
    assert_eq!(images(&run), images(&scan(None, &[])));
    // The rules that match give no such warning.
    let all = scan(Some(ALL), &[]);
    assert!(!all.stderr.contains("C007"), "{all:?}");
}

#[test]
fn bad_rules_are_errors_where_they_are_and_the_other_rules_still_apply() {
    let file = "testdata/rules/bad/.imgsift.yaml";
    let run = scan(Some(file), &[]);
    assert_eq!(run.code, 2, "{run:?}");
    for (at, code) in [
        (
            "4:10",
            "error[C006]: images[1]: \"Quay.io/Acme:1\" is not an image reference",
        ),
        (
            "6:10",
            "error[C004]: exclude[0]: \"busybox:[0-9]*\" is not a reference glob",
        ),
        (
            "7:13",
            "error[C004]: exclude[1]: \"nginx\" is not an object pattern",
        ),
        (
            "11:13",
            "error[C005]: imageExtractors.Runner[0]: path \"/spec/runtime/*\" ends in `*`",
        ),
        (
            "12:7",
            "error[C002]: \"pth\" is not a key of imageExtractors.Runner[1]",
        ),
        (
            "14:13",
            "error[C003]: imageExtractors.Task[0]: `path` is a string",
        ),
        ("16:11", "error[C003]: `values.shapes` is a list"),
    ] {
        let line = format!("{file}:{at}: {code}");
        assert!(run.stderr.contains(&line), "{line}\n{run:?}");
    }
    assert_eq!(run.stderr.lines().count(), 7, "{run:?}");
    // The good rules beside them apply, and the inputs are all listed.
    let listed = images(&run);
    assert!(listed.contains(&"quay.io/acme/agent:1.2.0"), "{run:?}");
    assert!(
        !listed.contains(&"docker.io/library/busybox:1.36"),
        "{run:?}"
    );
    assert!(
        listed.contains(&"docker.io/library/nginx:1.25.3"),
        "{run:?}"
    );
}

#[test]
fn a_rule_file_that_is_not_yaml_or_not_there_is_an_error_and_the_scan_goes_on() {
    let scratch = Scratch::new();
    scratch.write("broken.yaml", "images: [\n");
    let run = imgsift_in(
        scratch.dir(),
        &["scan", "--config", "broken.yaml", "good.yaml"],
    );
    assert_eq!(run.code, 2, "{run:?}");
    assert!(run.stderr.starts_with("broken.yaml:"), "{run:?}");
    assert!(
        run.stderr
            .contains("error[C001]: the rule file is not valid YAML"),
        "{run:?}"
    );
    assert_eq!(images(&run), vec!["example.com/good:1"]);
    let run = imgsift_in(
        scratch.dir(),
        &["scan", "--config", "missing.yaml", "good.yaml"],
    );
    assert_eq!(run.code, 2, "{run:?}");
    assert!(
        run.stderr.contains(
            "missing.yaml:1:1: error[C001]: cannot read the rule file: no such file or directory"
        ),
        "{run:?}"
    );
    assert_eq!(images(&run), vec!["example.com/good:1"]);
    // A rule file is never an input of its own.
    let hostile = "images: [\"\\e[2Jevil:1\"]\nexclude: [{object: \"\\u202eDeployment/x\"}]\n";
    scratch.write("hostile.yaml", hostile);
    let run = imgsift_in(
        scratch.dir(),
        &["scan", "--config", "hostile.yaml", "good.yaml"],
    );
    assert_eq!(run.code, 2, "{run:?}");
    assert!(
        !run.stderr.contains('\u{1b}') && !run.stderr.contains('\u{202e}'),
        "{run:?}"
    );
}

#[test]
fn the_rule_file_is_found_upward_up_to_the_repository_root_and_no_config_ignores_it() {
    let scratch = Scratch::new();
    scratch.write(".imgsift.yaml", "images: [example.com/extra:1]\n");
    scratch.write("a/b/pod.yaml", common::GOOD);
    // Found from a folder two levels down, and named as the user would reach it.
    let run = imgsift_in(&scratch.path("a/b"), &["scan", "-o", "json", "pod.yaml"]);
    assert_eq!(run.code, 0, "{run:?}");
    let json = run.json();
    let extra: Vec<_> = image_sources(&json)
        .into_iter()
        .filter(|(r, _)| *r == "example.com/extra:1")
        .collect();
    assert_eq!(extra.len(), 1, "{json:#}");
    assert_eq!(text(extra[0].1, "file"), "../../.imgsift.yaml");
    // --no-config reads none.
    let run = imgsift_in(&scratch.path("a/b"), &["scan", "--no-config", "pod.yaml"]);
    assert_eq!(images(&run), vec!["example.com/good:1"], "{run:?}");
    // A repository root between stops the search: the file above belongs to another project.
    std::fs::create_dir_all(scratch.path("a/.git")).unwrap_or_else(|e| panic!("{e}"));
    let run = imgsift_in(&scratch.path("a/b"), &["scan", "pod.yaml"]);
    assert_eq!(images(&run), vec!["example.com/good:1"], "{run:?}");
    // None found (the search reaches the root of the file system): nothing at all.
    let bare = Scratch::new();
    let run = imgsift_in(bare.dir(), &["scan", "good.yaml"]);
    assert_eq!((run.code, run.stderr.as_str()), (0, ""), "{run:?}");
    // The closest file wins, and --config wins over it.
    scratch.write("a/b/.imgsift.yaml", "images: [example.com/near:1]\n");
    scratch.write("other.yaml", "images: [example.com/other:1]\n");
    let run = imgsift_in(&scratch.path("a/b"), &["scan", "pod.yaml"]);
    assert_eq!(
        images(&run),
        vec!["example.com/good:1", "example.com/near:1"],
        "{run:?}"
    );
    let run = imgsift_in(
        &scratch.path("a/b"),
        &["scan", "--config", "../../other.yaml", "pod.yaml"],
    );
    assert_eq!(
        images(&run),
        vec!["example.com/good:1", "example.com/other:1"],
        "{run:?}"
    );
}

#[test]
fn every_command_that_scans_uses_the_rules() {
    let run = imgsift(&[
        "mirror",
        "--registry",
        "reg.local",
        "-o",
        "list",
        "--config",
        ALL,
        MANIFESTS,
    ]);
    assert_eq!(run.code, 0, "{run:?}");
    assert!(
        run.stdout
            .contains("quay.io/acme/agent:1.2.0\treg.local/acme/agent:1.2.0"),
        "{run:?}"
    );
    assert!(!run.stdout.contains("busybox"), "{run:?}");
    let check = imgsift(&[
        "check",
        "--registry",
        "reg.local",
        "--config",
        ALL,
        MANIFESTS,
    ]);
    assert_eq!(check.code, 1, "{check:?}");
    assert!(
        check.stdout.contains("quay.io/acme/agent:1.2.0"),
        "{check:?}"
    );
    assert!(!check.stdout.contains("busybox"), "{check:?}");
}
