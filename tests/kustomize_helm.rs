//! `helmCharts` in kustomizations: local charts rendered inside the build, with the rest of the
//! kustomization applied to their output, as `kustomize build --enable-helm` does.
//!
//! kustomize needs a helm binary to inflate a chart, and the machines have none; so the peer
//! is real Helm's render of the chart (the oracle of tests/helm-oracle/, with the values,
//! release and namespace kustomize would hand it) passed through `kubectl kustomize` as a
//! plain resource with the same transforms. The images must be the same, and so must every
//! document of the build. Real charts come from ../shared/corpus/charts/, copied into a
//! temporary chart home at test time; the fixtures of testdata/kustomize/helm-charts/ hold a
//! chart written for these tests.

mod common;

#[path = "common/helm.rs"]
mod helm;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

use common::{image_sources, imgsift, imgsift_stdin, root, text};
use helm::{corpus, helm_batch};
use imgsift::documents::Limits;
use imgsift::render::kustomize::{LoadRestrictor, build};
use serde_json::Value;

const T: &str = "testdata/kustomize/helm-charts";

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap_or_else(|e| panic!("{}: {e}", to.display()));
    let entries = std::fs::read_dir(from).unwrap_or_else(|e| panic!("{}: {e}", from.display()));
    for entry in entries.flatten() {
        let path = entry.path();
        let target = to.join(entry.file_name());
        let kind = entry.file_type().unwrap_or_else(|e| panic!("{e}"));
        if kind.is_dir() {
            copy_dir(&path, &target);
        } else if kind.is_file() {
            std::fs::copy(&path, &target).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        }
    }
}

fn write(path: &Path, text: &str) {
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent).unwrap_or_else(|e| panic!("{e}"));
    }
    std::fs::write(path, text).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
}

fn indent(text: &str, by: usize) -> String {
    text.lines()
        .map(|l| format!("{}{l}\n", " ".repeat(by)))
        .collect()
}

fn kubectl_kustomize(dir: &Path) -> String {
    let out = Command::new("kubectl")
        .arg("kustomize")
        .arg(dir)
        .output()
        .unwrap_or_else(|e| panic!("kubectl is needed for the parity tests: {e}"));
    assert!(
        out.status.success(),
        "kubectl kustomize {} failed: {}",
        dir.display(),
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// The identity of a resource: apiVersion, kind, namespace, name.
fn id(doc: &Value) -> String {
    format!(
        "{} {} {}/{}",
        text(doc, "apiVersion"),
        text(doc, "kind"),
        text(&doc["metadata"], "namespace"),
        text(&doc["metadata"], "name")
    )
}

/// CRDs and Secrets keep only their identity in a build (they never hold images).
fn stubbed(doc: &Value) -> bool {
    matches!(
        text(doc, "kind").as_str(),
        "CustomResourceDefinition" | "Secret"
    )
}

/// The documents of a YAML stream, by identity.
fn stream_documents(stream: &str) -> BTreeMap<String, Value> {
    let docs = imgsift::documents::yaml::load(stream, 1, &Limits::default())
        .unwrap_or_else(|e| panic!("kubectl's output is not YAML: {}", e.message));
    docs.iter()
        .filter_map(|d| d.root().map(|root| common::to_json(d, root, 0)))
        .filter(|v| !v.is_null())
        .map(|v| (id(&v), v))
        .collect()
}

/// The resources imgsift's build of `dir` holds, by identity.
fn built_documents(dir: &Path) -> BTreeMap<String, Value> {
    let built = build(dir, &Limits::default(), LoadRestrictor::RootOnly);
    built
        .resources
        .iter()
        .filter_map(|r| {
            let doc = r.tree.into_doc();
            doc.root().map(|root| common::to_json(&doc, root, 0))
        })
        .map(|v| (id(&v), v))
        .collect()
}

/// The paths where two documents differ, with both values.
fn diff(expected: &Value, actual: &Value, path: &str, out: &mut Vec<String>) {
    match (expected, actual) {
        (Value::Object(e), Value::Object(a)) => {
            let keys: std::collections::BTreeSet<&String> = e.keys().chain(a.keys()).collect();
            for key in keys {
                diff(
                    e.get(key).unwrap_or(&Value::Null),
                    a.get(key).unwrap_or(&Value::Null),
                    &format!("{path}.{key}"),
                    out,
                );
            }
        }
        (Value::Array(e), Value::Array(a)) if e.len() == a.len() => {
            for (i, (e, a)) in e.iter().zip(a).enumerate() {
                diff(e, a, &format!("{path}[{i}]"), out);
            }
        }
        (e, a) if e == a => {}
        // kustomize writes an octal file mode (`0755`) as the number it is.
        (Value::Number(n), Value::String(s)) | (Value::String(s), Value::Number(n))
            if s.len() > 1
                && s.starts_with('0')
                && i64::from_str_radix(s, 8).ok() == n.as_i64() => {}
        // kustomize drops a null or empty `annotations`/`labels` map (it writes its own
        // internal annotations there while it builds, and removes them at the end).
        (Value::Null, Value::Object(m)) | (Value::Object(m), Value::Null)
            if m.is_empty() && (path.ends_with(".annotations") || path.ends_with(".labels")) => {}
        // The namespace transformer of kustomize also sets the namespace of a RoleBinding's
        // ServiceAccount subjects; imgsift's build does not (it changes no image).
        (_, Value::Null) if path.contains(".subjects[") && path.ends_with(".namespace") => {}
        (e, a) => out.push(format!("{path}: kustomize {e}, imgsift {a}")),
    }
}

/// One parity case: a corpus chart in a chart home, inflated by a `helmCharts` entry.
struct Case {
    chart: &'static str,
    version: Option<&'static str>,
    repo: Option<&'static str>,
    release: &'static str,
    namespace: &'static str,
    inline: &'static str,
    include_crds: bool,
    skip_tests: bool,
    /// The rest of the kustomization, the same in both builds.
    transforms: &'static str,
}

/// What the case gave: imgsift's image list of the helmCharts build and of kubectl's build
/// of Helm's render, and the documents of each.
struct Outcome {
    native: common::Run,
    peer: String,
    native_documents: BTreeMap<String, Value>,
    peer_documents: BTreeMap<String, Value>,
    app: PathBuf,
    _dir: tempfile::TempDir,
}

fn run(case: &Case) -> Outcome {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let app = dir.path().join("app");
    let chart_dir = match case.version.filter(|_| case.repo.is_some()) {
        Some(version) => app
            .join("charts")
            .join(format!("{}-{version}", case.chart))
            .join(case.chart),
        None => app.join("charts").join(case.chart),
    };
    copy_dir(&corpus().join("charts").join(case.chart), &chart_dir);
    let mut entry = format!(
        "helmCharts:\n- name: {}\n  releaseName: {}\n  namespace: {}\n",
        case.chart, case.release, case.namespace
    );
    if let Some(version) = case.version {
        entry.push_str(&format!("  version: {version}\n"));
    }
    if let Some(repo) = case.repo {
        entry.push_str(&format!("  repo: {repo}\n"));
    }
    entry.push_str(&format!(
        "  includeCRDs: {}\n  skipTests: {}\n  valuesInline:\n{}",
        case.include_crds,
        case.skip_tests,
        indent(case.inline, 4)
    ));
    write(
        &app.join("kustomization.yaml"),
        &format!("{entry}{}", case.transforms),
    );
    // What kustomize hands Helm: the chart's values.yaml with valuesInline merged over it
    // (no nulls and no lists in these values, so `-f values.yaml -f inline.yaml` is the same
    // file to Helm).
    let inline = dir.path().join("inline.yaml");
    write(&inline, case.inline);
    let answers = helm_batch(&[serde_json::json!({
        "chart": chart_dir.to_string_lossy(),
        "name": case.release,
        "namespace": case.namespace,
        "values": [chart_dir.join("values.yaml").to_string_lossy(), inline.to_string_lossy()],
        "include_crds": case.include_crds,
        "skip_tests": case.skip_tests,
    })]);
    let rendered = match &answers[0].result {
        Ok(text) => text.clone(),
        Err(err) => panic!("Helm cannot render {}: {err}", case.chart),
    };
    let plain = dir.path().join("plain");
    write(&plain.join("rendered.yaml"), &rendered);
    write(
        &plain.join("kustomization.yaml"),
        &format!("resources:\n- rendered.yaml\n{}", case.transforms),
    );
    let through_kustomize = kubectl_kustomize(&plain);
    let peer = imgsift_stdin(&["scan", "-"], through_kustomize.as_bytes());
    assert_eq!(peer.code, 0, "{}", peer.stderr);
    let native = imgsift(&["scan", &app.join("kustomization.yaml").to_string_lossy()]);
    Outcome {
        native,
        peer: peer.stdout,
        native_documents: built_documents(&app),
        peer_documents: stream_documents(&through_kustomize),
        app,
        _dir: dir,
    }
}

/// Asserts the images and the documents agree; returns how many documents were compared.
fn assert_parity(case: &Case, outcome: &Outcome) -> usize {
    assert_eq!(
        outcome.native.code, 0,
        "{}: {}",
        case.chart, outcome.native.stderr
    );
    assert!(
        !outcome.peer.is_empty(),
        "{}: Helm's render has no images",
        case.chart
    );
    assert_eq!(
        outcome.native.stdout, outcome.peer,
        "{}: imgsift's helmCharts build, then kubectl kustomize over Helm's render",
        case.chart
    );
    let native: Vec<&String> = outcome.native_documents.keys().collect();
    let peer: Vec<&String> = outcome.peer_documents.keys().collect();
    assert_eq!(
        native, peer,
        "{}: the resources of the two builds",
        case.chart
    );
    let mut differ = Vec::new();
    for (key, expected) in &outcome.peer_documents {
        if stubbed(expected) {
            continue;
        }
        let mut paths = Vec::new();
        diff(
            expected,
            outcome.native_documents.get(key).unwrap_or(&Value::Null),
            "",
            &mut paths,
        );
        if !paths.is_empty() {
            differ.push(format!("{key}: {}", paths.join("; ")));
        }
    }
    assert!(differ.is_empty(), "{}: {}", case.chart, differ.join("\n"));
    outcome.peer_documents.len()
}

#[test]
fn a_chart_with_a_library_subchart_builds_as_helm_then_kustomize() {
    // redis depends on Bitnami's `common` library chart; the images: transform retags what
    // the chart renders, namespace moves every object.
    let case = Case {
        chart: "redis",
        version: None,
        repo: None,
        release: "cache",
        namespace: "data",
        inline: "architecture: standalone\nauth:\n  enabled: false\nmetrics:\n  enabled: true\n",
        include_crds: false,
        skip_tests: false,
        transforms: "namespace: data\nimages:\n- name: docker.io/bitnami/redis\n  newName: registry.example.com/bitnami/redis\n  newTag: 8.2.1-debian-12-r1\nlabels:\n- pairs:\n    team: storage\n",
    };
    let outcome = run(&case);
    let compared = assert_parity(&case, &outcome);
    assert!(compared >= 5, "{compared} documents");
    assert!(
        outcome
            .native
            .stdout
            .contains("registry.example.com/bitnami/redis:8.2.1-debian-12-r1\n"),
        "{}",
        outcome.native.stdout
    );
}

#[test]
fn a_chart_with_a_subchart_in_the_versioned_layout_builds_as_helm_then_kustomize() {
    // With version and repo, the chart is at charts/argo-cd-10.1.1/argo-cd; redis-ha is a
    // subchart switched on by the inline values.
    let case = Case {
        chart: "argo-cd",
        version: Some("10.1.1"),
        repo: Some("https://argoproj.github.io/argo-helm"),
        release: "argocd",
        namespace: "argocd",
        inline: "redis-ha:\n  enabled: true\ndex:\n  enabled: false\n",
        include_crds: false,
        skip_tests: true,
        transforms: "namespace: argocd\nimages:\n- name: quay.io/argoproj/argocd\n  newTag: v3.4.5\npatches:\n- target:\n    kind: Deployment\n    name: argocd-server\n  patch: |-\n    - op: add\n      path: /spec/template/spec/containers/-\n      value:\n        name: audit\n        image: ghcr.io/acme/audit:1.0.0\n",
    };
    let outcome = run(&case);
    let compared = assert_parity(&case, &outcome);
    assert!(compared >= 20, "{compared} documents");
    for image in [
        "quay.io/argoproj/argocd:v3.4.5\n",
        "ghcr.io/acme/audit:1.0.0\n",
    ] {
        assert!(
            outcome.native.stdout.contains(image),
            "{image}{}",
            outcome.native.stdout
        );
    }
    // The redis-ha subchart rendered (its HAProxy), and the provenance of an image is the
    // subchart's template line with the transforms of the build.
    let json = imgsift(&[
        "scan",
        "-o",
        "json",
        &outcome.app.join("kustomization.yaml").to_string_lossy(),
    ])
    .json();
    let sources = image_sources(&json);
    let haproxy = sources
        .iter()
        .find(|(r, s)| r.contains("haproxy") && text(s, "kind") == "Deployment")
        .unwrap_or_else(|| panic!("no haproxy image: {json}"));
    let file = text(haproxy.1, "file");
    assert!(
        file.ends_with(
            "charts/argo-cd-10.1.1/argo-cd/charts/redis-ha/templates/redis-haproxy-deployment.yaml"
        ),
        "{file}"
    );
    assert_eq!(text(haproxy.1, "namespace"), "argocd");
    let argocd = sources
        .iter()
        .find(|(r, _)| *r == "quay.io/argoproj/argocd:v3.4.5")
        .unwrap_or_else(|| panic!("no argocd image: {json}"));
    let transform = text(argocd.1, "transform");
    assert!(
        transform.starts_with("helmCharts \"argo-cd\" (")
            && transform.contains("images \"quay.io/argoproj/argocd\""),
        "{transform}"
    );
    assert!(text(argocd.1, "file").contains("/argo-cd/templates/"));
}

#[test]
fn a_chart_with_crds_builds_as_helm_then_kustomize_with_and_without_include_crds() {
    let mut case = Case {
        chart: "external-dns",
        version: Some("1.21.1"),
        repo: None,
        release: "dns",
        namespace: "dns",
        inline: "provider:\n  name: aws\nsources:\n- service\n- ingress\n",
        include_crds: true,
        skip_tests: false,
        transforms: "namespace: dns\npatchesStrategicMerge:\n- |-\n  apiVersion: apps/v1\n  kind: Deployment\n  metadata:\n    name: dns-external-dns\n    namespace: dns\n  spec:\n    template:\n      spec:\n        containers:\n        - name: proxy\n          image: ghcr.io/acme/egress-proxy:2.3.0\n",
    };
    let crd = "apiextensions.k8s.io/v1 CustomResourceDefinition /dnsendpoints.externaldns.k8s.io";
    let with = run(&case);
    assert_parity(&case, &with);
    assert!(
        with.native_documents.contains_key(crd),
        "{:?}",
        with.native_documents.keys()
    );
    case.include_crds = false;
    let without = run(&case);
    assert_parity(&case, &without);
    assert!(!without.native_documents.contains_key(crd));
    assert_eq!(with.native.stdout, without.native.stdout);
    assert!(
        with.native
            .stdout
            .contains("ghcr.io/acme/egress-proxy:2.3.0\n")
    );
}

#[test]
fn the_chart_home_renders_inside_the_build_and_is_not_scanned_again() {
    let run = imgsift(&["scan", &format!("{T}/overlay")]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    // valuesInline's tag beats values-prod.yaml's; the sidecar it enables is retagged by
    // images:; the patch adds an init container to the rendered Deployment; skipTests drops
    // the chart's test Pod. Neither the chart's values.yaml (nginx with no tag) nor
    // values-prod.yaml (nginx:1.26.0) is read again as a values file.
    assert_eq!(
        run.stdout,
        "docker.io/library/nginx:1.27.0\nghcr.io/acme/agent:1.4.2\nghcr.io/acme/init:0.3.1\nregistry.example.com/mirror/busybox:1.36\n"
    );
    assert!(run.stderr.is_empty(), "{}", run.stderr);
    let json = imgsift(&["scan", "-o", "json", &format!("{T}/overlay")]).json();
    assert_eq!(json["unrendered"], serde_json::json!([]));
    let sources = image_sources(&json);
    let of = |reference: &str| {
        sources
            .iter()
            .find(|(r, _)| *r == reference)
            .map(|(_, s)| *s)
            .unwrap_or_else(|| panic!("{reference} is not in {json}"))
    };
    let nginx = of("docker.io/library/nginx:1.27.0");
    assert_eq!(
        (
            text(nginx, "file"),
            nginx["line"].as_u64(),
            text(nginx, "kind"),
            text(nginx, "name"),
            text(nginx, "namespace"),
            text(nginx, "transform"),
        ),
        (
            format!("{T}/overlay/charts/web/templates/deployment.yaml"),
            Some(20),
            "Deployment".to_owned(),
            "storefront-web".to_owned(),
            "shop".to_owned(),
            format!("helmCharts \"web\" ({T}/overlay/kustomization.yaml:12)"),
        )
    );
    let busybox = of("registry.example.com/mirror/busybox:1.36");
    assert_eq!(busybox["line"].as_u64(), Some(23));
    assert!(
        text(busybox, "transform").contains(&format!(
            "then images \"docker.io/library/busybox\" ({T}/overlay/kustomization.yaml:26)"
        )),
        "{busybox}"
    );
    // includeCRDs: the chart's CRD is a resource of the build.
    let built = built_documents(&root().join(T).join("overlay"));
    assert!(
        built.contains_key("apiextensions.k8s.io/v1 CustomResourceDefinition /widgets.example.com"),
        "{:?}",
        built.keys()
    );
    assert!(
        !built.keys().any(|k| k.contains("Pod")),
        "{:?}",
        built.keys()
    );
}

#[test]
fn with_version_and_repo_only_the_versioned_folder_is_used() {
    let run = imgsift(&["scan", &format!("{T}/versioned/kustomization.yaml")]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    // vendor/web-1.2.0/web renders (its test hook kept, as helm template prints it); the
    // unversioned vendor/web beside it is a decoy kustomize does not read.
    assert_eq!(
        run.stdout,
        "docker.io/curlimages/curl:8.5.0\ndocker.io/library/nginx:1.25.4\n"
    );
    // Without the versioned folder, the chart is missing, and the message says the other one
    // is not used.
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    copy_dir(&root().join(T).join("versioned"), dir.path());
    std::fs::remove_dir_all(dir.path().join("vendor/web-1.2.0")).unwrap_or_else(|e| panic!("{e}"));
    let run = common::imgsift_in(dir.path(), &["scan", "kustomization.yaml"]);
    assert_eq!(run.code, 2);
    assert_eq!(run.stdout, "");
    assert!(
        run.stderr.contains("error[K015]: `helmCharts` chart \"web\" version 1.2.0 from https://charts.example.com/stable is not at vendor/web-1.2.0/web;")
            && run.stderr.contains("`helm pull --repo https://charts.example.com/stable web --version 1.2.0 --untar --untardir vendor/web-1.2.0`")
            && run.stderr.contains("vendor/web exists, but with both `version` and `repo` kustomize uses only vendor/web-1.2.0/web"),
        "{}",
        run.stderr
    );
}

#[test]
fn a_missing_chart_is_an_error_and_everything_else_is_reported() {
    let run = imgsift(&["scan", &format!("{T}/missing")]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    // The plain resource is built; the inline values are read as values.
    assert_eq!(
        run.stdout,
        "ghcr.io/acme/api:2.1.0\nghcr.io/stefanprodan/podinfo:6.5.0\n"
    );
    let file = format!("{T}/missing/kustomization.yaml");
    assert!(
        run.stderr.starts_with(&format!(
            "{file}:9:3: error[K015]: `helmCharts` chart \"podinfo\" version 6.5.0 from https://stefanprodan.github.io/podinfo is not at {T}/missing/charts/podinfo-6.5.0/podinfo; imgsift renders charts offline and pulls none, so its images are missing: put it there with `helm pull --repo https://stefanprodan.github.io/podinfo podinfo --version 6.5.0 --untar --untardir {T}/missing/charts/podinfo-6.5.0`"
        )),
        "{}",
        run.stderr
    );
    let json = imgsift(&["scan", "-o", "json", &format!("{T}/missing")]).json();
    let podinfo = image_sources(&json)
        .into_iter()
        .find(|(r, _)| *r == "ghcr.io/stefanprodan/podinfo:6.5.0")
        .map(|(_, s)| s.clone())
        .unwrap_or_else(|| panic!("{json}"));
    assert_eq!(
        (
            text(&podinfo, "file"),
            podinfo["line"].as_u64(),
            text(&podinfo, "class")
        ),
        (file, Some(15), "values".to_owned())
    );
}

/// A scratch kustomization over the tiny chart of the fixtures.
fn scratch(kustomization: &str, files: &[(&str, &str)]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    copy_dir(
        &root().join(T).join("overlay/charts/web"),
        &dir.path().join("app/charts/web"),
    );
    write(&dir.path().join("app/kustomization.yaml"), kustomization);
    for (name, text) in files {
        write(&dir.path().join(name), text);
    }
    dir
}

#[test]
fn values_merge_override_merge_and_replace_follow_kustomize() {
    let values = ("app/prod.yaml", "image:\n  tag: 1.26.0\nreplicas: 3\n");
    let kustomization = |mode: &str| {
        format!(
            "helmCharts:\n- name: web\n  releaseName: r\n  skipTests: true\n  valuesFile: prod.yaml\n  valuesMerge: {mode}\n  valuesInline:\n    image:\n      tag: 1.27.0\n      repository: ghcr.io/acme/nginx\n"
        )
    };
    let scan = |mode: &str| {
        let dir = scratch(&kustomization(mode), &[values]);
        let run = common::imgsift_in(dir.path(), &["scan", "app/kustomization.yaml"]);
        assert_eq!(run.code, 0, "{mode}: {}", run.stderr);
        run.stdout
    };
    // override: the inline values win.
    assert_eq!(scan("override"), "ghcr.io/acme/nginx:1.27.0\n");
    // merge: the values file wins where both set a key; the inline values fill the rest.
    assert_eq!(scan("merge"), "ghcr.io/acme/nginx:1.26.0\n");
    // replace: the values file is not used at all (the chart's defaults still are).
    assert_eq!(scan("replace"), "ghcr.io/acme/nginx:1.27.0\n");
    let dir = scratch(
        "helmCharts:\n- name: web\n  skipTests: true\n  valuesFile: prod.yaml\n  valuesMerge: replace\n  valuesInline:\n    replicas: 2\n",
        &[values],
    );
    let run = common::imgsift_in(dir.path(), &["scan", "app/kustomization.yaml"]);
    assert_eq!(run.stdout, "docker.io/library/nginx:1.25.3\n");
    // additionalValuesFiles come after the merged file, so they beat valuesInline.
    let dir = scratch(
        "helmCharts:\n- name: web\n  skipTests: true\n  additionalValuesFiles: [more.yaml]\n  valuesInline:\n    image:\n      tag: 1.27.0\n",
        &[("app/more.yaml", "image:\n  tag: 1.28.0\n")],
    );
    let run = common::imgsift_in(dir.path(), &["scan", "app/kustomization.yaml"]);
    assert_eq!(
        run.stdout, "docker.io/library/nginx:1.28.0\n",
        "{}",
        run.stderr
    );
    let dir = scratch(
        "helmCharts:\n- name: web\n  valuesMerge: deep\n  skipTests: true\n",
        &[],
    );
    let run = common::imgsift_in(dir.path(), &["scan", "app/kustomization.yaml"]);
    assert_eq!(run.code, 2);
    assert!(
        run.stderr
            .contains("error[K009]: `valuesMerge` is \"deep\""),
        "{}",
        run.stderr
    );
    assert_eq!(run.stdout, "docker.io/library/nginx:1.25.3\n");
}

#[test]
fn release_name_namespace_hooks_and_capabilities_reach_the_render() {
    let dir = scratch(
        "helmCharts:\n- name: web\n  nameTemplate: \"{{ print \\\"gen\\\" \\\"erated\\\" }}\"\n  namespace: edge\n  skipHooks: true\n  kubeVersion: 1.29.0\n  apiVersions: [example.com/v1]\n",
        &[],
    );
    let built = built_documents(&dir.path().join("app"));
    assert_eq!(
        built.keys().collect::<Vec<_>>(),
        vec!["apps/v1 Deployment edge/generated-web"],
        "skipHooks drops the test Pod; nameTemplate names the release"
    );
    let dir = scratch(
        "helmCharts:\n- name: web\n  kubeVersion: not-a-version\n",
        &[],
    );
    let run = common::imgsift_in(dir.path(), &["scan", "app/kustomization.yaml"]);
    assert_eq!(run.code, 2);
    assert!(
        run.stderr
            .contains("error[H002]: the chart of helmCharts \"web\""),
        "{}",
        run.stderr
    );
    // Without releaseName, Helm's `release-name` (kustomize's --generate-name changes nothing
    // in `helm template`).
    let dir = scratch("helmCharts:\n- name: web\n", &[]);
    let built = built_documents(&dir.path().join("app"));
    assert!(
        built.contains_key("apps/v1 Deployment default/release-name-web"),
        "{:?}",
        built.keys()
    );
}

#[test]
fn the_load_restrictor_applies_to_values_files_as_kustomize_applies_it() {
    // A valuesFile outside the kustomization's folder is refused; the chart still renders.
    let dir = scratch(
        "helmCharts:\n- name: web\n  skipTests: true\n  valuesFile: ../outside.yaml\n",
        &[("outside.yaml", "image:\n  tag: 9.9.9\n")],
    );
    let run = common::imgsift_in(dir.path(), &["scan", "app/kustomization.yaml"]);
    assert_eq!(run.code, 2);
    assert!(
        run.stderr
            .contains("error[K014]: `valuesFile` names outside.yaml"),
        "{}",
        run.stderr
    );
    assert_eq!(run.stdout, "docker.io/library/nginx:1.25.3\n");
    let run = common::imgsift_in(
        dir.path(),
        &[
            "scan",
            "--load-restrictor",
            "LoadRestrictionsNone",
            "app/kustomization.yaml",
        ],
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(run.stdout, "docker.io/library/nginx:9.9.9\n");
    // A chart home outside the folder: kustomize reads the chart's values.yaml itself, so its
    // restrictor refuses it, unless a valuesFile inside is given.
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    copy_dir(
        &root().join(T).join("overlay/charts/web"),
        &dir.path().join("shared/web"),
    );
    write(
        &dir.path().join("app/kustomization.yaml"),
        "helmGlobals:\n  chartHome: ../shared\nhelmCharts:\n- name: web\n  skipTests: true\n",
    );
    let run = common::imgsift_in(dir.path(), &["scan", "app/kustomization.yaml"]);
    assert_eq!(run.code, 2);
    assert!(
        run.stderr
            .contains("error[K014]: `helmCharts` names shared/web/values.yaml"),
        "{}",
        run.stderr
    );
    assert_eq!(run.stdout, "docker.io/library/nginx:1.25.3\n");
    write(&dir.path().join("app/v.yaml"), "replicas: 2\n");
    write(
        &dir.path().join("app/kustomization.yaml"),
        "helmGlobals:\n  chartHome: ../shared\nhelmCharts:\n- name: web\n  skipTests: true\n  valuesFile: v.yaml\n",
    );
    let run = common::imgsift_in(dir.path(), &["scan", "app/kustomization.yaml"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    // A scan of the whole tree renders the chart once, inside the build.
    let run = common::imgsift_in(dir.path(), &["scan", "-o", "json", "."]);
    let json = run.json();
    let sources = image_sources(&json);
    assert_eq!(sources.len(), 1, "{json}");
    assert_eq!(text(sources[0].1, "name"), "release-name-web");
}

#[test]
fn a_chart_render_stays_within_the_build_node_budget() {
    let dir = scratch(
        "resources:\n- pod.yaml\nhelmCharts:\n- name: web\n  skipTests: true\n",
        &[(
            "app/pod.yaml",
            "apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nspec:\n  containers:\n  - name: c\n    image: ghcr.io/acme/p:1\n",
        )],
    );
    write(
        &dir.path().join("app/charts/web/templates/big.yaml"),
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: big\ndata:\n  a: {{ until 700000 | toJson }}\n  b: {{ until 700000 | toJson }}\n  c: {{ until 700000 | toJson }}\n",
    );
    let run = common::imgsift_in(dir.path(), &["scan", "app/kustomization.yaml"]);
    assert_eq!(run.code, 2);
    assert!(
        run.stderr
            .contains("error[K006]: a document helmCharts \"web\""),
        "{}",
        run.stderr
    );
    // What came before the over-budget document is still reported.
    assert!(run.stdout.contains("ghcr.io/acme/p:1\n"), "{}", run.stdout);
}
