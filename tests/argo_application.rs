//! Argo CD `Application` and `ApplicationSet` (argoproj.io) as chart sources: each source
//! renders as Argo CD's repo-server renders it (`helm template` with its value files, values,
//! parameters, release name and namespace; `kustomize build` with its image overrides), and
//! the images equal those of `imgsift scan` over real Helm's render of the same chart and
//! inputs.
//!
//! `testdata/argo/gitops` is a small GitOps repository: Applications with chart sources (the
//! corpus charts, through `--charts`), a chart and a kustomization of the repository, values
//! files in Git, and two ApplicationSets. `testdata/argo/decoys` holds what must not render.

mod common;
#[path = "common/helm.rs"]
mod helm;

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use common::{imgsift, imgsift_in, imgsift_stdin, root};
use helm::{corpus, helm_batch};

const REPO: &str = "testdata/argo/gitops";

/// The corpus charts, as `--charts` names them.
fn charts() -> String {
    corpus().join("charts").to_string_lossy().into_owned()
}

fn chart(name: &str) -> String {
    corpus()
        .join("charts")
        .join(name)
        .to_string_lossy()
        .into_owned()
}

/// `scan -o json` of the repository with the corpus charts.
fn repo_json() -> serde_json::Value {
    let run = imgsift(&["scan", "-o", "json", "--charts", &charts(), REPO]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    run.json()
}

/// The images that the render an object asked for pulls: those with a source whose transform
/// names the object (`Application/argocd/web`).
fn images_by(json: &serde_json::Value, by: &str) -> BTreeSet<String> {
    common::image_sources(json)
        .into_iter()
        .filter(|(_, source)| {
            source["transform"]
                .as_str()
                .is_some_and(|t| t.split("; then ").any(|step| step == by))
        })
        .map(|(reference, _)| reference.to_owned())
        .collect()
}

/// Writes each text to a values file of `dir` and returns their paths.
fn values_files(dir: &Path, texts: &[&str]) -> Vec<String> {
    texts
        .iter()
        .enumerate()
        .map(|(i, text)| {
            let path = dir.join(format!("values-{i}.yaml"));
            std::fs::write(&path, text).unwrap_or_else(|e| panic!("{e}"));
            path.to_string_lossy().into_owned()
        })
        .collect()
}

/// The images of real Helm's renders (oracle requests), through `imgsift scan -`.
fn helm_images(requests: &[serde_json::Value]) -> BTreeSet<String> {
    let mut images = BTreeSet::new();
    for (answer, request) in helm_batch(requests).iter().zip(requests) {
        let rendered = match &answer.result {
            Ok(text) => text.clone(),
            Err(err) => panic!("Helm cannot render {request}: {err}"),
        };
        let peer = imgsift_stdin(&["scan", "-"], rendered.as_bytes());
        assert_eq!(peer.code, 0, "{}", peer.stderr);
        images.extend(peer.stdout.lines().map(str::to_owned));
    }
    assert!(
        !images.is_empty(),
        "Helm rendered no image for {requests:?}"
    );
    images
}

fn repo_file(path: &str) -> String {
    root().join(REPO).join(path).to_string_lossy().into_owned()
}

#[test]
fn chart_source_with_values_and_parameters_matches_helm() {
    let json = repo_json();
    let tmp = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    // Argo CD's order: the `values` text as one values file, then `--set` and `--set-string`.
    let values = values_files(
        tmp.path(),
        &[
            "image:\n  repository: registry.example.com/mirror/metrics-server\n  tag: v0.8.1\naddonResizer:\n  enabled: false\n",
        ],
    );
    let peer = helm_images(&[serde_json::json!({
        "chart": chart("metrics-server"),
        "name": "metrics-server",
        "namespace": "kube-system",
        "values": values,
        "set": ["addonResizer.enabled=true"],
        "set_string": ["image.tag=1.10"],
        "include_crds": true,
    })]);
    let native = images_by(&json, "Application/argocd/metrics-server");
    assert_eq!(native, peer);
    // `forceString` kept "1.10" a string (a typed `--set` makes it the number 1.1), and the
    // parameter enabled what the values disabled.
    assert!(
        native.contains("registry.example.com/mirror/metrics-server:1.10")
            && native.contains("registry.k8s.io/autoscaling/addon-resizer:1.8.23"),
        "{native:?}"
    );
}

#[test]
fn values_object_takes_precedence_over_values() {
    let json = repo_json();
    let tmp = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let values = values_files(
        tmp.path(),
        &[
            "controller:\n  image:\n    registry: registry.example.com/mirror\n    digest: \"\"\n  admissionWebhooks:\n    patch:\n      image:\n        registry: registry.example.com/mirror\n        digest: \"\"\n",
        ],
    );
    let peer = helm_images(&[serde_json::json!({
        "chart": chart("ingress-nginx"),
        "name": "edge",
        "namespace": "ingress-nginx",
        "values": values,
    })]);
    let native = images_by(&json, "Application/argocd/ingress-nginx");
    assert_eq!(native, peer);
    assert!(
        native
            .iter()
            .all(|i| i.starts_with("registry.example.com/mirror/")),
        "{native:?}"
    );
    // The `values` text is not used at all: neither rendered nor read as values.
    assert!(!json.to_string().contains("registry.example.com/stale"));
}

#[test]
fn value_files_of_a_ref_source_in_a_multi_source_application() {
    let json = repo_json();
    let tmp = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let inline = values_files(tmp.path(), &["architecture: standalone\n"]);
    let mut values = vec![repo_file("envs/prod/redis.yaml")];
    values.extend(inline);
    let peer = helm_images(&[serde_json::json!({
        "chart": chart("redis"),
        "name": "redis",
        "namespace": "shop",
        "values": values,
        "include_crds": true,
    })]);
    let native = images_by(&json, "Application/argocd/redis");
    assert_eq!(native, peer);
    assert!(
        native.contains("registry.example.com/mirror/redis:8.2.1"),
        "{native:?}"
    );
}

#[test]
fn chart_folder_of_the_repository_renders_with_the_application_inputs() {
    let json = repo_json();
    let peer = helm_images(&[serde_json::json!({
        "chart": repo_file("charts/web"),
        "name": "shop-web",
        "namespace": "shop",
        // `values-local.yaml` is missing and `ignoreMissingValueFiles` is set.
        "values": [repo_file("charts/web/values-prod.yaml"), repo_file("envs/prod/web.yaml")],
        // `$ARGOCD_APP_PROJECT_NAME` is the Application's project.
        "set": ["migrate.image=ghcr.io/example/shop-migrate-shop"],
        "include_crds": true,
        "skip_tests": true,
    })]);
    let native = images_by(&json, "Application/argocd/storefront");
    assert_eq!(native, peer);
    assert_eq!(
        native,
        BTreeSet::from([
            "docker.io/library/nginx:1.27.3".to_owned(),
            "docker.io/nginx/nginx-prometheus-exporter:1.3.0".to_owned(),
            "ghcr.io/example/shop-migrate-shop:shop-web".to_owned(),
        ])
    );
}

#[test]
fn kustomize_images_override_the_build() {
    let json = repo_json();
    let native = images_by(&json, "Application/argocd/cart");
    assert_eq!(
        native,
        BTreeSet::from([
            "docker.io/library/redis:7.2.6".to_owned(),
            "registry.example.com/shop/cart:1.5.0".to_owned(),
        ])
    );
    // The originals are not pulled: the folder is the Application's, and its own build (the
    // images as written) is not listed beside it.
    let sources = common::image_sources(&json);
    for original in ["ghcr.io/example/cart:1.4.0", "docker.io/library/redis:7.2"] {
        assert!(
            !sources.iter().any(|(r, _)| *r == original),
            "{original} is listed"
        );
    }
    let (_, cart) = sources
        .iter()
        .find(|(r, _)| *r == "registry.example.com/shop/cart:1.5.0")
        .unwrap_or_else(|| panic!("no cart source"));
    assert_eq!(
        cart["transform"],
        format!(
            "kustomize.images \"ghcr.io/example/cart=registry.example.com/shop/cart:1.5.0\" ({REPO}/apps/cart.yaml:19) made \"ghcr.io/example/cart:1.4.0\" \"registry.example.com/shop/cart:1.5.0\"; then Application/argocd/cart"
        )
    );
    assert_eq!(
        cart["file"],
        format!("{REPO}/kustomize/shop/deployment.yaml")
    );
    assert_eq!(cart["namespace"], "shop");
}

#[test]
fn application_set_list_generator_with_go_templates_makes_two_releases() {
    let json = repo_json();
    let tmp = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let staging = values_files(
        &tmp.path().join(""),
        &["provider:\n  name: aws\nimage:\n  tag: v0.20.0\n"],
    );
    let prod_dir = tmp.path().join("prod");
    std::fs::create_dir_all(&prod_dir).unwrap_or_else(|e| panic!("{e}"));
    let prod = values_files(
        &prod_dir,
        &["provider:\n  name: google\nimage:\n  tag: v0.21.0\n"],
    );
    let peer = helm_images(&[
        serde_json::json!({"chart": chart("external-dns"), "name": "external-dns-staging",
            "namespace": "dns-staging", "values": staging, "include_crds": true}),
        serde_json::json!({"chart": chart("external-dns"), "name": "external-dns-prod",
            "namespace": "dns-prod", "values": prod, "include_crds": true}),
    ]);
    let native = images_by(&json, "ApplicationSet/argocd/external-dns");
    assert_eq!(native, peer);
    assert_eq!(native.len(), 2, "{native:?}");
    // Each release in its own namespace.
    let namespaces: BTreeSet<String> = common::image_sources(&json)
        .iter()
        .filter(|(r, _)| r.contains("external-dns"))
        .map(|(_, s)| common::text(s, "namespace"))
        .collect();
    assert_eq!(
        namespaces,
        BTreeSet::from(["dns-prod".to_owned(), "dns-staging".to_owned()])
    );
}

#[test]
fn application_set_list_generator_with_default_templates() {
    let json = repo_json();
    let request = |region: &str, tag: &str| {
        serde_json::json!({"chart": repo_file("charts/web"), "name": format!("storefront-{region}"),
            "namespace": format!("shop-{region}"), "set_string": [format!("image.tag={tag}")],
            "include_crds": true})
    };
    let peer = helm_images(&[request("eu", "1.26.2"), request("us", "1.27.3")]);
    let native = images_by(&json, "ApplicationSet/argocd/storefront-regions");
    assert_eq!(native, peer);
    assert!(
        native.contains("docker.io/library/nginx:1.26.2")
            && native.contains("ghcr.io/example/shop-migrate:storefront-us"),
        "{native:?}"
    );
}

/// The whole repository: every Application's render. The chart folder and the kustomization
/// that Applications install are not listed on their own as well (their defaults, the images
/// before `kustomize.images`): a cluster pulls what the Applications render.
#[test]
fn the_repository_lists_every_image_it_deploys() {
    let run = imgsift(&["scan", "--charts", &charts(), REPO]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(run.stderr, "");
    assert_eq!(
        run.lines(),
        [
            "docker.io/curlimages/curl:8.11.1",
            "docker.io/library/nginx:1.26.2",
            "docker.io/library/nginx:1.27.3",
            "docker.io/library/redis:7.2.6",
            "docker.io/nginx/nginx-prometheus-exporter:1.3.0",
            "ghcr.io/example/shop-migrate-shop:shop-web",
            "ghcr.io/example/shop-migrate:storefront-eu",
            "ghcr.io/example/shop-migrate:storefront-us",
            "registry.example.com/mirror/ingress-nginx/controller:v1.15.1",
            "registry.example.com/mirror/ingress-nginx/kube-webhook-certgen:v1.6.9",
            "registry.example.com/mirror/metrics-server:1.10",
            "registry.example.com/mirror/redis:8.2.1",
            "registry.example.com/shop/cart:1.5.0",
            "registry.k8s.io/autoscaling/addon-resizer:1.8.23",
            "registry.k8s.io/external-dns/external-dns:v0.20.0",
            "registry.k8s.io/external-dns/external-dns:v0.21.0",
        ]
    );
    // The same whatever the thread count.
    let one = imgsift(&["scan", "-o", "json", "-j", "1", "--charts", &charts(), REPO]);
    let two = imgsift(&["scan", "-o", "json", "-j", "2", "--charts", &charts(), REPO]);
    assert_eq!(one.stdout, two.stdout);
    assert_eq!(one.stderr, two.stderr);
}

#[test]
fn provenance_names_the_application_and_the_template() {
    let json = repo_json();
    let sources = common::image_sources(&json);
    let (_, source) = sources
        .iter()
        .find(|(r, _)| *r == "registry.example.com/mirror/metrics-server:1.10")
        .unwrap_or_else(|| panic!("no metrics-server source: {json}"));
    assert_eq!(source["transform"], "Application/argocd/metrics-server");
    assert_eq!(source["namespace"], "kube-system");
    assert_eq!(source["class"], "podspec");
    assert!(
        source["file"]
            .as_str()
            .is_some_and(|f| f.ends_with("charts/metrics-server/templates/deployment.yaml")),
        "{source}"
    );
    let why = imgsift(&[
        "scan",
        "--charts",
        &charts(),
        "--why",
        "registry.k8s.io/external-dns/external-dns:v0.21.0",
        REPO,
    ]);
    assert!(
        why.stdout
            .contains("via ApplicationSet/argocd/external-dns")
            && why.stdout.contains("-n dns-prod"),
        "{}",
        why.stdout
    );
}

#[test]
fn a_missing_chart_is_an_error_and_its_values_are_listed() {
    let file = "testdata/argo/decoys/other-chart.yaml";
    let run = imgsift(&["scan", "-o", "json", "--charts", &charts(), file]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(
        run.stderr.contains(&format!(
            "{file}:12:5: error[H006]: Application/argocd/sessions installs chart \"redis-cluster\" version 11.0.0 from https://charts.bitnami.com/bitnami"
        )),
        "{}",
        run.stderr
    );
    let json = run.json();
    let sources = common::image_sources(&json);
    assert_eq!(sources.len(), 1, "{json}");
    let (reference, source) = &sources[0];
    // Another chart name: the corpus's `redis` is not taken for `redis-cluster`.
    assert_eq!(
        *reference,
        "registry.example.com/mirror/redis-cluster:7.4.1"
    );
    assert_eq!(
        (
            &source["file"],
            &source["line"],
            &source["column"],
            &source["class"]
        ),
        (
            &serde_json::json!(file),
            &serde_json::json!(19),
            &serde_json::json!(23),
            &serde_json::json!("values")
        ),
        "{source}"
    );
    let allowed = imgsift(&[
        "scan",
        "--charts",
        &charts(),
        "--allow-missing-charts",
        file,
    ]);
    assert_eq!(allowed.code, 0, "{}", allowed.stderr);
    assert!(
        allowed.stderr.contains("warning[H006]"),
        "{}",
        allowed.stderr
    );
    assert_eq!(
        allowed.lines(),
        ["registry.example.com/mirror/redis-cluster:7.4.1"]
    );
}

#[test]
fn decoys_are_reported_and_nothing_they_name_is_read() {
    let dir = "testdata/argo/decoys";
    let run = imgsift(&["scan", "--charts", &charts(), dir]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    // Only the missing chart's values: the escaping paths, the values-only source and the
    // git generator render nothing.
    assert_eq!(
        run.lines(),
        ["registry.example.com/mirror/redis-cluster:7.4.1"]
    );
    assert!(
        run.stderr.contains(&format!(
            "{dir}/escape.yaml:13:11: error[A001]: a source of Application/argocd/escape ({dir}/escape.yaml:2) names the folder \"../gitops/charts/web\", which leads out of the repository through `..`"
        )) && run.stderr.contains(&format!(
            "{dir}/escape.yaml:26:11: error[A001]: a source of Application/argocd/absolute ({dir}/escape.yaml:15) names the folder \"/etc\", which is absolute"
        )),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr.contains(&format!(
            "{dir}/git-generator.yaml:9:7: warning[A003]: the `git` generator (spec.generators[0]) of ApplicationSet/argocd/cluster-addons"
        )),
        "{}",
        run.stderr
    );
    assert!(!run.stderr.contains("values-only"), "{}", run.stderr);
    assert_eq!(run.stderr.lines().count(), 4, "{}", run.stderr);
}

#[test]
fn a_path_source_needs_the_repository_folder() {
    let file = format!("{REPO}/apps/storefront.yaml");
    let run = imgsift(&["scan", &file]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(
        run.stderr.contains("error[H006]: Application/argocd/storefront installs the folder \"charts/web\" of https://github.com/example/gitops.git")
            && run.stderr.contains("scan the repository's folder to include it"),
        "{}",
        run.stderr
    );
    assert!(run.stdout.is_empty(), "{}", run.stdout);
    // A folder of the repository that is not there.
    let scratch = common::Scratch::new();
    scratch.write(
        "repo/app.yaml",
        "apiVersion: argoproj.io/v1alpha1\nkind: Application\nmetadata: {name: gone, namespace: argocd}\nspec:\n  source:\n    repoURL: https://github.com/example/gitops.git\n    path: charts/gone\n    helm:\n      valuesObject:\n        image: {repository: ghcr.io/example/gone, tag: \"1.0\"}\n",
    );
    let run = imgsift_in(scratch.dir(), &["scan", "repo"]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(
        run.stderr.contains("installs the folder \"charts/gone\" of https://github.com/example/gitops.git, which is not a folder of the scanned tree repo"),
        "{}",
        run.stderr
    );
    assert_eq!(run.lines(), ["ghcr.io/example/gone:1.0"]);
}

/// A chart source's relative value files are files of the chart it pulls; a missing one is an
/// error unless `ignoreMissingValueFiles`, and the chart still renders.
#[test]
fn value_files_inside_a_pulled_chart() {
    let scratch = common::Scratch::new();
    let app = |name: &str, files: &str, ignore: bool| {
        format!(
            "apiVersion: argoproj.io/v1alpha1\nkind: Application\nmetadata: {{name: {name}, namespace: argocd}}\nspec:\n  destination: {{namespace: web}}\n  source:\n    repoURL: https://charts.example.com\n    chart: web\n    targetRevision: 0.3.0\n    helm:\n      ignoreMissingValueFiles: {ignore}\n      valueFiles: [{files}]\n"
        )
    };
    scratch.write(
        "apps/a.yaml",
        format!(
            "{}---\n{}",
            app("strict", "values-prod.yaml, missing.yaml", false),
            app("lenient", "missing.yaml, ../outside.yaml", true)
        ),
    );
    let store = root().join(REPO).join("charts");
    let run = imgsift_in(
        scratch.dir(),
        &[
            "scan",
            "-o",
            "json",
            "--charts",
            &store.to_string_lossy(),
            "apps",
        ],
    );
    assert_eq!(run.code, 2, "{}", run.stderr);
    let errors: Vec<&str> = run
        .stderr
        .lines()
        .filter(|l| l.contains("error["))
        .collect();
    assert_eq!(errors.len(), 2, "{}", run.stderr);
    assert!(
        errors.iter().any(|e| e.contains("error[A002]: Application/argocd/strict names the values file \"missing.yaml\", which the chart")),
        "{}",
        run.stderr
    );
    assert!(
        errors.iter().any(|e| e.contains(
            "error[A001]: the values file \"../outside.yaml\" of Application/argocd/lenient"
        )),
        "{}",
        run.stderr
    );
    let json = run.json();
    assert_eq!(
        images_by(&json, "Application/argocd/strict"),
        helm_images(&[
            serde_json::json!({"chart": repo_file("charts/web"), "name": "strict",
            "namespace": "web", "values": [repo_file("charts/web/values-prod.yaml")],
            "include_crds": true})
        ])
    );
    assert!(
        !images_by(&json, "Application/argocd/lenient")
            .contains("docker.io/nginx/nginx-prometheus-exporter:1.3.0")
    );
}

/// Argo CD Image Updater writes `.argocd-source-<application>.yaml` into the source's folder;
/// Argo CD merges it into the source before rendering.
#[test]
fn source_overrides_in_the_folder_are_applied() {
    let scratch = common::Scratch::new();
    let kustomize = root().join(REPO).join("kustomize/shop");
    for name in ["kustomization.yaml", "deployment.yaml"] {
        let text = std::fs::read_to_string(kustomize.join(name)).unwrap_or_else(|e| panic!("{e}"));
        scratch.write(&format!("repo/shop/{name}"), text);
    }
    scratch.write(
        "repo/shop/.argocd-source-cart.yaml",
        "kustomize:\n  images:\n  - ghcr.io/example/cart:1.6.1\n",
    );
    scratch.write(
        "repo/apps/cart.yaml",
        "apiVersion: argoproj.io/v1alpha1\nkind: Application\nmetadata: {name: cart, namespace: argocd}\nspec:\n  source:\n    repoURL: https://github.com/example/gitops.git\n    path: shop\n    kustomize:\n      images: [ghcr.io/example/cart:9.9.9]\n",
    );
    let run = imgsift_in(scratch.dir(), &["scan", "-o", "json", "repo"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let json = run.json();
    assert_eq!(
        images_by(&json, "Application/argocd/cart"),
        BTreeSet::from([
            "docker.io/library/redis:7.2".to_owned(),
            "ghcr.io/example/cart:1.6.1".to_owned(),
        ])
    );
    assert!(!run.stdout.contains("9.9.9"));
}

/// Sources that Argo CD refuses or that imgsift cannot render say so; what can be read still
/// is.
#[test]
fn refused_and_unsupported_sources_are_diagnostics() {
    let scratch = common::Scratch::new();
    let web = root().join(REPO).join("charts/web");
    for entry in walk(&web) {
        let relative = entry.strip_prefix(&web).unwrap_or_else(|e| panic!("{e}"));
        let text = std::fs::read_to_string(&entry).unwrap_or_else(|e| panic!("{e}"));
        scratch.write(&format!("repo/web/{}", relative.to_string_lossy()), text);
    }
    scratch.write(
        "repo/apps.yaml",
        "apiVersion: argoproj.io/v1alpha1\nkind: Application\nmetadata: {name: both, namespace: argocd}\nspec:\n  source:\n    path: web\n    helm:\n      fileParameters: [{name: config, path: files/config.json}]\n      valueFiles: [https://example.com/values.yaml, 'envs/*.yaml']\n      parameters: [{name: 'a[b]', value: x}]\n    kustomize: {}\n---\napiVersion: argoproj.io/v1alpha1\nkind: Application\nmetadata: {name: plugin, namespace: argocd}\nspec:\n  source:\n    path: web\n    plugin: {name: tanka}\n---\napiVersion: argoproj.io/v1alpha1\nkind: ApplicationSet\nmetadata: {name: broken, namespace: argocd}\nspec:\n  goTemplate: true\n  goTemplateOptions: [missingkey=error]\n  generators:\n  - list:\n      elements:\n      - {name: a}\n  - clusters: {}\n  template:\n    metadata: {name: '{{ .nope }}'}\n    spec:\n      source: {path: web}\n",
    );
    let run = imgsift_in(scratch.dir(), &["scan", "repo"]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    for expected in [
        "error[A004]: a source of Application/argocd/both (repo/apps.yaml:1) sets `helm` and `kustomize` at once",
        "warning[A003]: the `fileParameters` of Application/argocd/both",
        "warning[A003]: the values file \"https://example.com/values.yaml\" of Application/argocd/both (repo/apps.yaml:1) is a remote file",
        "warning[A003]: the values file \"envs/*.yaml\" of Application/argocd/both (repo/apps.yaml:1) is a glob pattern",
        "error[H002]: the parameter \"a[b]=x\" of Application/argocd/both",
        "warning[A003]: a source of Application/argocd/plugin (repo/apps.yaml:13) is rendered by a config management plugin",
        "error[A004]: the template of ApplicationSet/argocd/broken (repo/apps.yaml:21) cannot be rendered with element 0 of its `list` generator (spec.generators[0])",
    ] {
        assert!(
            run.stderr.contains(expected),
            "missing {expected:?} in:\n{}",
            run.stderr
        );
    }
    // The clusters generator's template has no placeholder in its sources: rendered once,
    // named after the ApplicationSet (its release name).
    assert!(
        run.stdout.contains("ghcr.io/example/shop-migrate:broken"),
        "{}",
        run.stdout
    );
    // Refused types still render what the folder is, with the Helm options.
    assert!(
        run.stdout.contains("ghcr.io/example/shop-migrate:both"),
        "{}",
        run.stdout
    );
}

fn walk(dir: &Path) -> Vec<PathBuf> {
    let mut files = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(next) = stack.pop() {
        for entry in std::fs::read_dir(&next).unwrap_or_else(|e| panic!("{e}")) {
            let path = entry.unwrap_or_else(|e| panic!("{e}")).path();
            if path.is_dir() {
                stack.push(path);
            } else {
                files.push(path);
            }
        }
    }
    files
}

/// Hostile repositories: files that are pipes or links out of the tree, and an ApplicationSet
/// that multiplies its template. Nothing blocks, nothing outside is read, the run stays
/// bounded, and the rest is reported.
#[test]
fn hostile_sources_are_bounded_and_read_nothing_outside() {
    let scratch = common::Scratch::new();
    let web = root().join(REPO).join("charts/web");
    for entry in walk(&web) {
        let relative = entry.strip_prefix(&web).unwrap_or_else(|e| panic!("{e}"));
        let text = std::fs::read_to_string(&entry).unwrap_or_else(|e| panic!("{e}"));
        scratch.write(&format!("web/{}", relative.to_string_lossy()), text);
    }
    let fifo = |name: &str| {
        let status = std::process::Command::new("mkfifo")
            .arg(scratch.path(name))
            .status()
            .unwrap_or_else(|e| panic!("mkfifo: {e}"));
        assert!(status.success());
    };
    fifo("web/pipe.yaml");
    fifo("web/.argocd-source-piped.yaml");
    std::os::unix::fs::symlink("/dev/zero", scratch.path("web/zero.yaml"))
        .unwrap_or_else(|e| panic!("{e}"));
    std::os::unix::fs::symlink("/etc", scratch.path("etc")).unwrap_or_else(|e| panic!("{e}"));
    let mut elements = String::new();
    for i in 0..30_000 {
        elements.push_str(&format!("      - {{n: \"{i}\"}}\n"));
    }
    scratch.write(
        "apps.yaml",
        format!(
            "apiVersion: argoproj.io/v1alpha1\nkind: Application\nmetadata: {{name: piped, namespace: argocd}}\nspec:\n  source:\n    path: web\n    helm:\n      valueFiles: [pipe.yaml, zero.yaml]\n---\napiVersion: argoproj.io/v1alpha1\nkind: Application\nmetadata: {{name: linked, namespace: argocd}}\nspec:\n  source: {{path: etc}}\n---\napiVersion: argoproj.io/v1alpha1\nkind: ApplicationSet\nmetadata: {{name: many, namespace: argocd}}\nspec:\n  generators:\n  - list:\n      elements:\n{elements}  template:\n    metadata: {{name: 'many-{{{{n}}}}'}}\n    spec:\n      info: [{{name: '{{{{n}}}}', value: '{{{{n}}}}'}}]\n      source: {{path: plain, directory: {{recurse: true}}}}\n"
        ),
    );
    // A folder of plain files: every generated Application is made, and renders nothing.
    scratch.write("plain/notes.txt", "not a manifest");
    let run = scratch.run_limited(&["scan", "."]);
    common::assert_good_still_reported(&run);
    assert_eq!(run.code, 2, "{}", run.stderr);
    for expected in [
        "the overrides of Application/argocd/piped (./apps.yaml:1) cannot be read: it is not a regular file",
        "the values file \"pipe.yaml\" of Application/argocd/piped (./apps.yaml:1) (./web/pipe.yaml) cannot be read: it is not a regular file",
        "error[A001]: the values file \"zero.yaml\" of Application/argocd/piped (./apps.yaml:1) is a symbolic link to /dev/zero",
        "error[A001]: a source of Application/argocd/linked (./apps.yaml:10) names the folder \"etc\", which is a symbolic link to /etc",
        "error[A004]: ApplicationSet/argocd/many (./apps.yaml:16) makes more Applications than imgsift expands in one run",
    ] {
        assert!(
            run.stderr.contains(expected),
            "missing {expected:?} in:\n{}",
            run.stderr
        );
    }
    assert_eq!(
        run.stderr.matches("ApplicationSet/argocd/many").count(),
        1,
        "{}",
        run.stderr
    );
}
