//! Kustomize roots built natively: the image set equals what real kustomize renders, files a
//! build reads are not scanned again, provenance names the file, line and transforms, and
//! what cannot be built offline is a diagnostic while the rest is built.
//!
//! The goldens in tests/golden/kustomize/ are `kubectl kustomize DIR | imgsift scan -`, made
//! with real kustomize (see its README.md); where kubectl is installed, the comparison is also
//! made live over every kustomization of the test trees and the corpus.

mod common;

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use common::{image_sources, imgsift, imgsift_stdin, root, text};
use serde_json::Value;

/// (golden name, kustomization folder) from ENTRIES.tsv.
fn entries() -> Vec<(String, String)> {
    let path = root().join("tests/golden/kustomize/ENTRIES.tsv");
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{e}"));
    text.lines()
        .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
        .filter_map(|l| l.split_once('\t'))
        .map(|(name, dir)| (name.to_owned(), dir.to_owned()))
        .collect()
}

fn golden(name: &str) -> String {
    let path = root().join(format!("tests/golden/kustomize/{name}.txt"));
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

#[test]
fn every_kustomization_builds_to_the_images_real_kustomize_renders() {
    let entries = entries();
    assert!(
        entries.len() >= 30,
        "ENTRIES.tsv lists the test trees and the corpus"
    );
    let mut failures = Vec::new();
    for (name, dir) in &entries {
        let file = format!("{dir}/kustomization.yaml");
        let run = imgsift(&["scan", &file]);
        if run.stdout != golden(name) {
            failures.push(format!(
                "{name} ({dir}):\n--- imgsift\n{}--- kustomize\n{}{}",
                run.stdout,
                golden(name),
                run.stderr
            ));
        }
        // Only the tree with remote resources and a chart is an input error.
        let expected = if name == "remote" { 2 } else { 0 };
        if run.code != expected || (expected == 0 && !run.stderr.is_empty()) {
            failures.push(format!("{name}: exit {} with\n{}", run.code, run.stderr));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

fn kubectl_present() -> bool {
    Command::new("kubectl")
        .args(["version", "--client"])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success())
}

/// Every folder under `dir` with a kustomization file.
fn roots_under(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    let mut entries: Vec<PathBuf> = entries.flatten().map(|e| e.path()).collect();
    entries.sort();
    if entries.iter().any(|p| {
        p.file_name().is_some_and(|n| {
            n == "kustomization.yaml" || n == "kustomization.yml" || n == "Kustomization"
        })
    }) {
        out.push(dir.to_path_buf());
    }
    for entry in entries.iter().filter(|p| p.is_dir()) {
        roots_under(entry, out);
    }
}

#[test]
// Saying in the test log that the live comparison did not run is the point of the message.
#[allow(clippy::print_stderr)]
fn where_kubectl_is_installed_the_native_build_agrees_with_kubectl_kustomize() {
    if !kubectl_present() {
        eprintln!("kubectl is not installed: the comparison rests on the committed goldens");
        return;
    }
    let mut roots = Vec::new();
    roots_under(
        &root().join("../shared/corpus/kubeflow/kustomize-src"),
        &mut roots,
    );
    roots_under(&root().join("testdata/kustomize"), &mut roots);
    assert!(roots.len() >= 30, "found {} roots", roots.len());
    let mut failures = Vec::new();
    let mut compared = 0;
    for dir in roots {
        let shown = dir
            .strip_prefix(root())
            .unwrap_or(&dir)
            .display()
            .to_string();
        if shown.ends_with("remote/root") {
            continue; // kustomize cannot build it offline; its golden covers it.
        }
        if shown.contains("testdata/kustomize/helm-charts") {
            // kustomize inflates charts only with --enable-helm and a helm binary; these
            // are compared with Helm's render passed through kustomize in kustomize_helm.rs.
            continue;
        }
        let rendered = match Command::new("kubectl")
            .args(["kustomize", &shown])
            .current_dir(root())
            .output()
        {
            Ok(out) if out.status.success() => out.stdout,
            Ok(out) => {
                failures.push(format!(
                    "kubectl kustomize {shown} failed: {}",
                    String::from_utf8_lossy(&out.stderr)
                ));
                continue;
            }
            Err(e) => panic!("{e}"),
        };
        let expected = imgsift_stdin(&["scan", "-"], &rendered);
        let native = imgsift(&["scan", &format!("{shown}/kustomization.yaml")]);
        compared += 1;
        if expected.stdout != native.stdout {
            failures.push(format!(
                "{shown}:\n--- imgsift build\n{}--- kubectl kustomize | imgsift scan -\n{}",
                native.stdout, expected.stdout
            ));
        }
    }
    assert!(compared >= 29, "compared {compared} roots");
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn a_directory_scan_reports_top_roots_once_and_no_file_a_build_read() {
    // Each test tree holds its root and the bases, components and patches it pulls in. Built
    // as a directory, only the top root is reported: a base's own images (retagged by the
    // overlay) and the images written in patch files before `images:` renamed them must not
    // appear.
    for (case, top) in [
        ("overlay-on-base", "overlay-on-base"),
        ("components", "components"),
        ("patches-smp", "patches-smp"),
        ("patches-json6902", "patches-json6902"),
        ("generators", "generators"),
        ("namespace-and-crs", "namespace-and-crs"),
        ("nested-lists", "nested-lists"),
        ("replacements-and-names", "replacements-and-names"),
    ] {
        let run = imgsift(&["scan", &format!("testdata/kustomize/{case}")]);
        assert_eq!(run.code, 0, "{case}: {}", run.stderr);
        assert_eq!(run.stdout, golden(top), "{case}");
    }
    // The whole corpus folder: the katib components are built into katib-standalone, which
    // retags them; their `:latest` tags are what a naive scan would add.
    let run = imgsift(&["scan", "../shared/corpus/kubeflow/kustomize-src"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        run.lines()
            .contains(&"ghcr.io/kubeflow/katib/katib-controller:v0.19.0")
    );
    for naive in [
        "ghcr.io/kubeflow/katib/katib-controller:latest",
        "ghcr.io/kubeflow/katib/katib-db-manager:latest",
        "ghcr.io/kubeflow/katib/katib-ui:latest",
    ] {
        assert!(!run.lines().contains(&naive), "{naive} in\n{}", run.stdout);
    }
}

/// (reference, file, line, column, transform) of every source.
fn sources(json: &Value) -> Vec<(String, String, u64, u64, String)> {
    image_sources(json)
        .into_iter()
        .map(|(reference, source)| {
            (
                reference.to_owned(),
                text(source, "file"),
                source["line"].as_u64().unwrap_or_default(),
                source["column"].as_u64().unwrap_or_default(),
                text(source, "transform"),
            )
        })
        .collect()
}

fn source_of<'s>(
    all: &'s [(String, String, u64, u64, String)],
    reference: &str,
) -> &'s (String, String, u64, u64, String) {
    all.iter()
        .find(|s| s.0 == reference)
        .unwrap_or_else(|| panic!("{reference} not found in {all:#?}"))
}

#[test]
fn provenance_names_the_file_and_line_written_and_every_transform() {
    let t = "testdata/kustomize";
    let run = imgsift(&["scan", "-o", "json", &format!("{t}/overlay-on-base")]);
    let all = sources(&run.json());
    // Written as nginx:1.25.3 in the base; retagged by the base, pinned by the overlay.
    let nginx = source_of(
        &all,
        "docker.io/library/nginx@sha256:a9d77d2ecf45ee9763647a5f6302be0cd1643d9fb34971b0745cbbec83478e6d",
    );
    assert_eq!(
        (nginx.1.as_str(), nginx.2, nginx.3),
        (
            "testdata/kustomize/overlay-on-base/base/deployment.yaml",
            26,
            16
        )
    );
    assert!(
        nginx.4.starts_with(&format!(
            "images \"nginx\" ({t}/overlay-on-base/base/kustomization.yaml:18) made \"nginx:1.25.3\" \"nginx:1.27.2\"; then images \"nginx\" ({t}/overlay-on-base/overlays/prod/kustomization.yaml:18)"
        )),
        "{}",
        nginx.4
    );
    // `--why` prints the steps under the source.
    let why = imgsift(&[
        "scan",
        "--why",
        "docker.io/library/nginx@sha256:a9d77d2ecf45ee9763647a5f6302be0cd1643d9fb34971b0745cbbec83478e6d",
        &format!("{t}/overlay-on-base"),
    ]);
    let steps: Vec<&str> = why
        .lines()
        .into_iter()
        .filter(|l| l.starts_with("    "))
        .collect();
    assert_eq!(steps.len(), 2, "{}", why.stdout);
    assert!(
        steps[0].starts_with("    via images \"nginx\" ("),
        "{}",
        why.stdout
    );
    assert!(
        steps[1].starts_with("    then images \"nginx\" ("),
        "{}",
        why.stdout
    );
    // An untouched image has no transform.
    let exporter = source_of(&all, "docker.io/library/nginx-exporter:1.3.0");
    assert_eq!(exporter.4, "");

    let run = imgsift(&["scan", "-o", "json", &format!("{t}/patches-smp")]);
    let all = sources(&run.json());
    // Set by a patch file: reported in the patch, where the text is.
    let backend = source_of(&all, "ghcr.io/acme/backend:1.8.1");
    assert_eq!(
        (backend.1.as_str(), backend.2, backend.4.as_str()),
        (
            "testdata/kustomize/patches-smp/root/patches/backend-hotfix.yaml",
            10,
            "patch testdata/kustomize/patches-smp/root/patches/backend-hotfix.yaml"
        )
    );
    // Set by an inline patch: the line and column inside the kustomization file.
    let worker = source_of(&all, "ghcr.io/acme/worker:1.8.0");
    assert_eq!(
        (worker.1.as_str(), worker.2, worker.3),
        (
            "testdata/kustomize/patches-smp/root/kustomization.yaml",
            27,
            20
        )
    );

    let run = imgsift(&["scan", "-o", "json", &format!("{t}/generators")]);
    let all = sources(&run.json());
    // From an env file, at its line; from a file, at its line in that file.
    let dind = source_of(&all, "docker.io/library/docker:27.3.1-dind");
    assert_eq!(
        (dind.1.as_str(), dind.2),
        ("testdata/kustomize/generators/base/runner.env", 3)
    );
    assert!(
        dind.4.starts_with("configMapGenerator \"runner-config\""),
        "{}",
        dind.4
    );
    let medianstop = source_of(
        &all,
        "ghcr.io/kubeflow/katib/earlystopping-medianstop:v0.19.0",
    );
    assert_eq!(
        (medianstop.1.as_str(), medianstop.2, medianstop.3),
        (
            "testdata/kustomize/generators/root/katib-config.yaml",
            29,
            14
        )
    );

    let run = imgsift(&["scan", "-o", "json", &format!("{t}/replacements-and-names")]);
    let all = sources(&run.json());
    // Copied by a replacement: reported where the value is written, marked with it. (The
    // ConfigMap of pins is a source of its own: its value is a whole reference.)
    let api = all
        .iter()
        .find(|s| s.0 == "ghcr.io/acme/api:1.2.0" && !s.4.is_empty())
        .unwrap_or_else(|| panic!("no replaced source of the api image in {all:#?}"));
    assert_eq!(
        (api.1.as_str(), api.2, api.4.as_str()),
        (
            "testdata/kustomize/replacements-and-names/base/images-configmap.yaml",
            7,
            "replacement (testdata/kustomize/replacements-and-names/root/kustomization.yaml:21)"
        )
    );
}

#[test]
fn remote_resources_and_helm_charts_are_diagnostics_and_the_rest_is_built() {
    let run = imgsift(&["scan", "testdata/kustomize/remote"]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert_eq!(run.stdout, golden("remote"));
    let file = "testdata/kustomize/remote/root/kustomization.yaml";
    let lines: Vec<&str> = run.stderr.lines().collect();
    assert_eq!(lines.len(), 3, "{}", run.stderr);
    assert!(lines[0].starts_with(&format!(
        "{file}:8:3: error[K001]: `resources` entry \"https://github.com/"
    )));
    assert!(lines[1].starts_with(&format!(
        "{file}:10:3: error[K001]: `resources` entry \"git@github.com:"
    )));
    // The chart is neither in the chart home nor pulled: named, with where to put it.
    assert!(lines[2].starts_with(&format!(
        "{file}:17:3: error[K015]: `helmCharts` chart \"redis\" version 20.2.1 from https://charts.bitnami.com/bitnami is not at testdata/kustomize/remote/root/charts/redis-20.2.1/redis;"
    )), "{}", lines[2]);
    assert!(
        lines[2].contains("`helm pull --repo https://charts.bitnami.com/bitnami redis --version 20.2.1 --untar --untardir testdata/kustomize/remote/root/charts/redis-20.2.1`"),
        "{}",
        lines[2]
    );
}

/// A scratch tree of kustomizations.
struct Tree {
    dir: tempfile::TempDir,
}

impl Tree {
    fn new(files: &[(&str, &str)]) -> Tree {
        let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        for (name, text) in files {
            let path = dir.path().join(name);
            if let Some(parent) = path.parent() {
                std::fs::create_dir_all(parent).unwrap_or_else(|e| panic!("{e}"));
            }
            std::fs::write(&path, text).unwrap_or_else(|e| panic!("{e}"));
        }
        Tree { dir }
    }

    fn scan(&self, args: &[&str]) -> common::Run {
        let mut all = vec!["scan"];
        all.extend_from_slice(args);
        common::imgsift_in(self.dir.path(), &all)
    }
}

const POD: &str = "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  containers:\n  - {name: c, image: \"example.com/app:1\"}\n";

#[test]
fn cycles_missing_files_and_bad_yaml_are_diagnostics_with_positions() {
    let tree = Tree::new(&[
        ("a/kustomization.yaml", "resources:\n- pod.yaml\n- ../b\n"),
        ("a/pod.yaml", POD),
        ("b/kustomization.yaml", "resources:\n- ../a\n"),
        (
            "c/kustomization.yaml",
            "resources:\n- missing.yaml\n- .\n- pod.yaml\n",
        ),
        ("c/pod.yaml", &POD.replace("app:1", "other:2")),
        ("d/kustomization.yaml", "resources: [pod.yaml\n"),
        (
            "e/kustomization.yaml",
            "resources:\n- pod.yaml\nimages:\n- {name: example.com/app, newTag: \"3\"}\npatches:\n- patch: |-\n    kind: Pod\n    metadata: {name: nothere}\n",
        ),
        ("e/pod.yaml", POD),
        ("good.yaml", &POD.replace("app:1", "good:1")),
    ]);
    let run = tree.scan(&["."]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert_ne!(run.code, 101);
    // a and b include each other: the cycle is reported and a's pod is still found; c's
    // missing file and self-inclusion are reported and its pod found; d does not parse; e's
    // patch names nothing, and e is still built with its images transform.
    assert_eq!(
        run.lines(),
        [
            "example.com/app:1",
            "example.com/app:3",
            "example.com/good:1",
            "example.com/other:2"
        ],
        "{}",
        run.stderr
    );
    let stderr = &run.stderr;
    assert!(stderr.contains("a/kustomization.yaml:3:3: error[K004]: b is included again from inside its own build (a cycle of kustomizations)"), "{stderr}");
    assert!(stderr.contains("c/kustomization.yaml:2:3: error[K007]: `resources` names c/missing.yaml, which cannot be read: no such file or directory"), "{stderr}");
    assert!(
        stderr.contains("c/kustomization.yaml:3:3: error[K004]: c is included again"),
        "{stderr}"
    );
    assert!(
        stderr.contains("d/kustomization.yaml:2:1: error[D001]: invalid YAML"),
        "{stderr}"
    );
    assert!(stderr.contains("e/kustomization.yaml:7:5: error[K011]: patch (e/kustomization.yaml:7) names Pod nothere, which is not among the resources"), "{stderr}");
}

#[test]
fn a_tree_that_includes_the_same_folder_over_and_over_is_bounded() {
    // Each level lists the next one twice: 2^24 copies of one pod if nothing stopped it.
    let mut files: Vec<(String, String)> = Vec::new();
    for level in 0..24 {
        files.push((
            format!("l{level}/kustomization.yaml"),
            format!("resources:\n- ../l{}\n- ../l{}\n", level + 1, level + 1),
        ));
    }
    files.push((
        "l24/kustomization.yaml".to_owned(),
        "resources: [pod.yaml]\n".to_owned(),
    ));
    files.push(("l24/pod.yaml".to_owned(), POD.to_owned()));
    let refs: Vec<(&str, &str)> = files
        .iter()
        .map(|(a, b)| (a.as_str(), b.as_str()))
        .collect();
    let tree = Tree::new(&refs);
    let run = tree.scan(&["l0/kustomization.yaml"]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert_eq!(run.lines(), ["example.com/app:1"]);
    assert!(
        run.stderr.contains("the build stopped adding"),
        "{}",
        run.stderr
    );
}

#[test]
fn every_kustomization_file_name_is_a_root_and_bases_are_resources() {
    let tree = Tree::new(&[
        // `Kustomization` has no extension; a walk finds it all the same.
        (
            "app/Kustomization",
            "bases:\n- ../base\nimagez:\n- name: x\nimages:\n- {name: example.com/app, newTag: \"2\"}\n",
        ),
        ("base/kustomization.yml", "resources: [pod.yaml]\n"),
        ("base/pod.yaml", POD),
    ]);
    let run = tree.scan(&["."]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    // The base is pulled in by the app: only the app's retagged image is reported.
    assert_eq!(run.lines(), ["example.com/app:2"]);
    assert_eq!(
        run.stderr,
        "app/Kustomization:4:3: warning[K003]: `imagez` is not a kustomization field kustomize knows; it was ignored\n"
    );
}
