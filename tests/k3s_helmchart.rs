//! K3s/RKE2 `HelmChart` and `HelmChartConfig` (helm.cattle.io/v1): a chart embedded in the
//! object (`chartContent`) is rendered with the object's values, and its images equal those
//! of real Helm's render of the same chart, values, namespace and release name; a chart that
//! is not embedded is an error naming it, with the values still read at their lines.
//!
//! Fixtures are built at test time: a small chart of the tests (or a corpus chart copied to a
//! temporary folder) packaged into a `.tgz` and base64-encoded into the object.

mod common;
#[path = "common/helm.rs"]
mod helm;

use std::path::{Path, PathBuf};

use common::{imgsift_in, imgsift_stdin};
use helm::{corpus, helm_batch, write_chart};

/// A small chart: a Deployment whose tag defaults to the appVersion, an optional sidecar, and
/// a hook Job (helm-controller's `helm install` runs hooks, so their images are pulled).
const WEB: &[(&str, &str)] = &[
    (
        "Chart.yaml",
        "apiVersion: v2\nname: web\nversion: 0.1.0\nappVersion: \"1.2.3\"\n",
    ),
    (
        "values.yaml",
        "image:\n  repository: docker.io/library/nginx\n  tag: \"\"\nsidecar:\n  enabled: false\n  image: docker.io/library/busybox:1.36\nreplicaCount: 1\nmigrate:\n  image: ghcr.io/example/migrate\n",
    ),
    (
        "templates/deployment.yaml",
        r#"apiVersion: apps/v1
kind: Deployment
metadata:
  name: {{ .Release.Name }}
  namespace: {{ .Release.Namespace }}
spec:
  replicas: {{ .Values.replicaCount }}
  template:
    spec:
      containers:
      - name: main
        image: "{{ .Values.image.repository }}:{{ .Values.image.tag | default .Chart.AppVersion }}"
      {{- if .Values.sidecar.enabled }}
      - name: side
        image: {{ .Values.sidecar.image }}
      {{- end }}
"#,
    ),
    (
        "templates/hook.yaml",
        r#"apiVersion: batch/v1
kind: Job
metadata:
  name: {{ .Release.Name }}-migrate
  annotations:
    helm.sh/hook: pre-install
spec:
  template:
    spec:
      containers:
      - name: migrate
        image: "{{ .Values.migrate.image }}:{{ .Release.Namespace }}"
"#,
    ),
];

/// Standard base64 with padding, as `base64 -w0` writes it.
use gotemplate::sprig::base64_encode as base64;

/// Packages chart folder `dir` as `helm package` does: a gzip tar with the chart's name as
/// its top folder.
fn package(dir: &Path, name: &str) -> Vec<u8> {
    let encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    let mut builder = tar::Builder::new(encoder);
    builder
        .append_dir_all(name, dir)
        .unwrap_or_else(|e| panic!("packaging {}: {e}", dir.display()));
    let encoder = builder
        .into_inner()
        .unwrap_or_else(|e| panic!("packaging: {e}"));
    encoder
        .finish()
        .unwrap_or_else(|e| panic!("packaging: {e}"))
}

/// Writes the test chart into `root/NAME` and returns (its folder, its packaged archive on
/// disk, the archive's base64).
fn web_chart(root: &Path) -> (PathBuf, PathBuf, String) {
    let dir = root.join("chart-src/web");
    write_chart(&dir, WEB);
    let bytes = package(&dir, "web");
    let tgz = root.join("web-0.1.0.tgz");
    std::fs::write(&tgz, &bytes).unwrap_or_else(|e| panic!("{e}"));
    (dir, tgz, base64(&bytes))
}

fn write(path: &Path, text: &str) {
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent).unwrap_or_else(|e| panic!("{e}"));
    }
    std::fs::write(path, text).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
}

/// A block scalar's text indented under a key at two spaces.
fn block(text: &str) -> String {
    text.lines().map(|l| format!("    {l}\n")).collect()
}

/// Helm's render of the archive (values files in order, `--set`s), through `imgsift scan -`.
fn oracle_images(
    tgz: &Path,
    release: &str,
    namespace: &str,
    values: &[&str],
    set: &[&str],
    set_string: &[&str],
) -> Vec<String> {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let files: Vec<String> = values
        .iter()
        .enumerate()
        .map(|(i, text)| {
            let path = dir.path().join(format!("values-{i}.yaml"));
            write(&path, text);
            path.to_string_lossy().into_owned()
        })
        .collect();
    let answers = helm_batch(&[serde_json::json!({
        "chart": tgz.to_string_lossy(),
        "name": release,
        "namespace": namespace,
        "values": files,
        "set": set,
        "set_string": set_string,
    })]);
    let rendered = match &answers[0].result {
        Ok(text) => text.clone(),
        Err(err) => panic!("Helm cannot render {}: {err}", tgz.display()),
    };
    let peer = imgsift_stdin(&["scan", "-"], rendered.as_bytes());
    assert_eq!(peer.code, 0, "{}", peer.stderr);
    peer.stdout.lines().map(str::to_owned).collect()
}

fn scan_lines(dir: &Path, args: &[&str]) -> (Vec<String>, common::Run) {
    let run = imgsift_in(dir, args);
    (run.stdout.lines().map(str::to_owned).collect(), run)
}

const CHART_VALUES: &str = "image:\n  tag: \"1.25\"\nsidecar:\n  enabled: true\n";

#[test]
fn embedded_chart_renders_as_helm_renders_it() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let (_, tgz, content) = web_chart(dir.path());
    let manifest = format!(
        "apiVersion: helm.cattle.io/v1\nkind: HelmChart\nmetadata:\n  name: web\n  namespace: kube-system\nspec:\n  targetNamespace: apps\n  chartContent: {content}\n  valuesContent: |-\n{}",
        block(CHART_VALUES)
    );
    write(&dir.path().join("manifests/web.yaml"), &manifest);
    let (native, run) = scan_lines(dir.path(), &["scan", "manifests"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let peer = oracle_images(&tgz, "web", "apps", &[CHART_VALUES], &[], &[]);
    assert_eq!(native, peer);
    assert_eq!(
        native,
        [
            "docker.io/library/busybox:1.36",
            "docker.io/library/nginx:1.25",
            "ghcr.io/example/migrate:apps",
        ]
    );
    // Provenance: the template inside the manifest, and the HelmChart that asked for it.
    let json = imgsift_in(dir.path(), &["scan", "-o", "json", "manifests"]).json();
    let sources = common::image_sources(&json);
    let (_, source) = sources
        .iter()
        .find(|(r, _)| r.contains("nginx"))
        .unwrap_or_else(|| panic!("no nginx source: {json}"));
    assert_eq!(
        source["file"], "manifests/web.yaml!/web/templates/deployment.yaml",
        "{source}"
    );
    assert_eq!(source["line"], 12, "{source}");
    assert_eq!(
        source["transform"], "HelmChart kube-system/web (manifests/web.yaml:1)",
        "{source}"
    );
    assert_eq!(source["namespace"], "apps", "{source}");
}

#[test]
fn release_namespace_defaults_to_the_object_namespace() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let (_, tgz, content) = web_chart(dir.path());
    let manifest = format!(
        "apiVersion: helm.cattle.io/v1\nkind: HelmChart\nmetadata:\n  name: edge\n  namespace: kube-system\nspec:\n  chart: web\n  chartContent: {content}\n"
    );
    write(&dir.path().join("m.yaml"), &manifest);
    let (native, run) = scan_lines(dir.path(), &["scan", "m.yaml"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(
        native,
        oracle_images(&tgz, "edge", "kube-system", &[], &[], &[])
    );
    assert!(native.contains(&"ghcr.io/example/migrate:kube-system".to_owned()));
}

#[test]
fn helm_chart_config_of_the_same_name_and_namespace_overrides_values() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let (_, tgz, content) = web_chart(dir.path());
    let chart = format!(
        "apiVersion: helm.cattle.io/v1\nkind: HelmChart\nmetadata:\n  name: web\n  namespace: kube-system\nspec:\n  chartContent: {content}\n  set:\n    sidecar.enabled: \"true\"\n    migrate.image: quay.io/example/migrate,v2\n    replicaCount: 2\n  valuesContent: |-\n{}",
        block("image:\n  tag: \"1.25\"\n")
    );
    let config_values = "image:\n  tag: \"1.27\"\n";
    // The real config is in another file; two decoys differ in namespace or in name.
    let config = format!(
        "apiVersion: helm.cattle.io/v1\nkind: HelmChartConfig\nmetadata:\n  name: web\n  namespace: kube-system\nspec:\n  valuesContent: |-\n{}",
        block(config_values)
    );
    let decoys = format!(
        "apiVersion: helm.cattle.io/v1\nkind: HelmChartConfig\nmetadata:\n  name: web\n  namespace: other\nspec:\n  valuesContent: |-\n{}---\napiVersion: helm.cattle.io/v1\nkind: HelmChartConfig\nmetadata:\n  name: webx\n  namespace: kube-system\nspec:\n  valuesContent: |-\n{}",
        block("image:\n  tag: \"6.6.6\"\n"),
        block("image:\n  tag: \"7.7.7\"\n")
    );
    write(&dir.path().join("m/a-chart.yaml"), &chart);
    write(&dir.path().join("m/b-config.yaml"), &config);
    write(&dir.path().join("m/c-decoys.yaml"), &decoys);
    let (native, run) = scan_lines(dir.path(), &["scan", "m"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let peer = oracle_images(
        &tgz,
        "web",
        "kube-system",
        &["image:\n  tag: \"1.25\"\n", config_values],
        &["replicaCount=2", "sidecar.enabled=true"],
        &["migrate.image=quay.io/example/migrate\\,v2"],
    );
    assert_eq!(native, peer);
    assert!(
        native.contains(&"docker.io/library/nginx:1.27".to_owned()),
        "{native:?}"
    );
    assert!(!run.stdout.contains("6.6.6") && !run.stdout.contains("7.7.7"));
    // The decoys configure no HelmChart of the scan: each is said so.
    assert_eq!(
        run.stderr.matches("warning[H005]").count(),
        2,
        "{}",
        run.stderr
    );
}

#[test]
fn chart_not_embedded_is_an_error_and_its_values_are_read_at_their_lines() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let manifest = "apiVersion: helm.cattle.io/v1\nkind: HelmChart\nmetadata:\n  name: traefik\n  namespace: kube-system\nspec:\n  chart: traefik\n  repo: https://traefik.github.io/charts\n  version: 27.0.0\n  valuesContent: |-\n    image:\n      repository: docker.io/traefik\n      tag: v2.11.0\n---\napiVersion: v1\nkind: Pod\nmetadata:\n  name: good\nspec:\n  containers:\n  - name: a\n    image: redis:7\n";
    write(&dir.path().join("traefik.yaml"), manifest);
    let run = imgsift_in(dir.path(), &["scan", "-o", "json", "traefik.yaml"]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(
        run.stderr.contains("traefik.yaml:7:10: error[H004]")
            && run
                .stderr
                .contains("\"traefik\" version 27.0.0 from https://traefik.github.io/charts")
            && run
                .stderr
                .contains("images of its templates are not listed"),
        "{}",
        run.stderr
    );
    let json = run.json();
    let sources = common::image_sources(&json);
    let (_, traefik) = sources
        .iter()
        .find(|(r, _)| r.contains("traefik:v2.11.0"))
        .unwrap_or_else(|| panic!("the values image is missing: {json}"));
    assert_eq!(traefik["file"], "traefik.yaml");
    assert_eq!(traefik["line"], 12, "{traefik}");
    assert_eq!(traefik["column"], 19, "{traefik}");
    assert_eq!(traefik["class"], "values");
    assert!(
        sources
            .iter()
            .any(|(r, _)| *r == "docker.io/library/redis:7")
    );
}

#[test]
fn corrupt_chart_content_is_an_error_and_the_rest_is_reported() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let not_a_tgz = base64(b"this is not a gzip archive at all");
    let manifest = format!(
        "apiVersion: helm.cattle.io/v1\nkind: HelmChart\nmetadata:\n  name: a\n  namespace: kube-system\nspec:\n  chartContent: '!!!not base64'\n---\napiVersion: helm.cattle.io/v1\nkind: HelmChart\nmetadata:\n  name: b\n  namespace: kube-system\nspec:\n  chartContent: {not_a_tgz}\n  valuesContent: |\n    image: ghcr.io/example/b:1\n---\napiVersion: v1\nkind: Pod\nmetadata:\n  name: good\nspec:\n  containers:\n  - name: a\n    image: redis:7\n"
    );
    write(&dir.path().join("m.yaml"), &manifest);
    let (native, run) = scan_lines(dir.path(), &["scan", "m.yaml"]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(
        run.stderr.contains("m.yaml:7:17: error[H001]")
            && run.stderr.contains("not base64")
            && run.stderr.contains("m.yaml:15:17: error[H001]")
            && run.stderr.contains("not a readable chart archive"),
        "{}",
        run.stderr
    );
    assert_eq!(
        native,
        ["docker.io/library/redis:7", "ghcr.io/example/b:1"],
        "{}",
        run.stderr
    );
}

#[test]
fn value_secrets_are_never_read() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let (_, _, content) = web_chart(dir.path());
    let manifest = format!(
        "apiVersion: helm.cattle.io/v1\nkind: HelmChart\nmetadata:\n  name: web\n  namespace: kube-system\nspec:\n  chartContent: {content}\n  valuesSecrets:\n  - name: web-values\n    keys: [values.yaml]\n"
    );
    write(&dir.path().join("m.yaml"), &manifest);
    let run = imgsift_in(dir.path(), &["scan", "m.yaml"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        run.stderr.contains("warning[V003]") && run.stderr.contains("valuesSecrets"),
        "{}",
        run.stderr
    );
}

#[test]
fn output_is_the_same_whatever_the_thread_count() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let (_, _, content) = web_chart(dir.path());
    for (i, ns) in ["zeta", "alpha", "mid"].iter().enumerate() {
        let manifest = format!(
            "apiVersion: helm.cattle.io/v1\nkind: HelmChart\nmetadata:\n  name: web{i}\n  namespace: {ns}\nspec:\n  chartContent: {content}\n  valuesContent: |-\n{}---\napiVersion: helm.cattle.io/v1\nkind: HelmChartConfig\nmetadata:\n  name: web{}\n  namespace: {ns}\nspec:\n  valuesContent: |-\n{}",
            block(&format!("image:\n  tag: \"1.{i}\"\n")),
            (i + 1) % 3,
            block("sidecar:\n  enabled: true\n")
        );
        write(&dir.path().join(format!("m/{ns}.yaml")), &manifest);
    }
    let one = imgsift_in(dir.path(), &["scan", "-o", "json", "-j", "1", "m"]);
    let two = imgsift_in(dir.path(), &["scan", "-o", "json", "-j", "2", "m"]);
    assert_eq!(one.stdout, two.stdout);
    assert_eq!(one.stderr, two.stderr);
    assert!(one.stdout.contains("nginx:1.2"), "{}", one.stdout);
}

/// A corpus chart, as K3s ships it: traefik in kube-system, packaged into the HelmChart,
/// with the kind of values a K3s install gives it.
#[test]
fn corpus_traefik_embedded_matches_helm() {
    let source = corpus().join("charts/traefik");
    assert!(source.is_dir(), "{} is missing", source.display());
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let bytes = package(&source, "traefik");
    let tgz = dir.path().join("traefik.tgz");
    std::fs::write(&tgz, &bytes).unwrap_or_else(|e| panic!("{e}"));
    let values = "deployment:\n  podAnnotations:\n    prometheus.io/port: \"8082\"\nimage:\n  repository: rancher/mirrored-library-traefik\n  tag: 3.6.2\nproviders:\n  kubernetesIngress:\n    publishedService:\n      enabled: true\nservice:\n  ipFamilyPolicy: PreferDualStack\n";
    let manifest = format!(
        "apiVersion: helm.cattle.io/v1\nkind: HelmChart\nmetadata:\n  name: traefik\n  namespace: kube-system\nspec:\n  chartContent: {}\n  valuesContent: |-\n{}",
        base64(&bytes),
        block(values)
    );
    write(&dir.path().join("manifests/traefik.yaml"), &manifest);
    let (native, run) = scan_lines(dir.path(), &["scan", "manifests"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let peer = oracle_images(&tgz, "traefik", "kube-system", &[values], &[], &[]);
    assert!(!peer.is_empty());
    assert_eq!(native, peer);
    assert!(
        native
            .iter()
            .any(|i| i.contains("rancher/mirrored-library-traefik:3.6.2")),
        "{native:?}"
    );
}

/// The example of `testdata/k3s/`: a traefik-shaped chart of the tests (not traefik's own),
/// embedded as K3s ships its packaged charts, with the HelmChartConfig users write for it.
const EXAMPLE_CHART: &[(&str, &str)] = &[
    (
        "Chart.yaml",
        "apiVersion: v2\nname: traefik\nversion: 27.0.201\nappVersion: v2.11.10\n",
    ),
    (
        "values.yaml",
        "image:\n  registry: docker.io\n  repository: traefik\n  tag: \"\"\nhub:\n  enabled: false\n  image: ghcr.io/traefik/hub-agent:v1.0.0\n",
    ),
    (
        "templates/deployment.yaml",
        r#"apiVersion: apps/v1
kind: Deployment
metadata:
  name: {{ .Release.Name }}
  namespace: {{ .Release.Namespace }}
spec:
  template:
    spec:
      containers:
      - name: traefik
        image: "{{ .Values.image.registry }}/{{ .Values.image.repository }}:{{ .Values.image.tag | default .Chart.AppVersion }}"
      {{- if .Values.hub.enabled }}
      - name: hub-agent
        image: {{ .Values.hub.image }}
      {{- end }}
"#,
    ),
];

/// A chart archive whose bytes depend only on the files (no times, owners or modes of the
/// machine that made it), so the committed example can be checked to be current.
fn package_fixed(files: &[(&str, &str)], name: &str) -> Vec<u8> {
    let encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
    let mut builder = tar::Builder::new(encoder);
    for (path, text) in files {
        let mut header = tar::Header::new_gnu();
        header.set_size(text.len() as u64);
        header.set_mode(0o644);
        header.set_mtime(0);
        header.set_uid(0);
        header.set_gid(0);
        header.set_cksum();
        builder
            .append_data(&mut header, format!("{name}/{path}"), text.as_bytes())
            .unwrap_or_else(|e| panic!("packaging: {e}"));
    }
    let encoder = builder
        .into_inner()
        .unwrap_or_else(|e| panic!("packaging: {e}"));
    encoder
        .finish()
        .unwrap_or_else(|e| panic!("packaging: {e}"))
}

const EXAMPLE_VALUES: &str =
    "image:\n  registry: registry.example.com\n  repository: mirror/traefik\n";
const EXAMPLE_CONFIG_VALUES: &str = "hub:\n  enabled: true\n";

fn example_chart_yaml(archive: &[u8]) -> String {
    // Wrapped at 76 characters, as `base64` prints it; the controller's decoder ignores the
    // line breaks.
    let encoded = base64(archive);
    let wrapped: String = encoded
        .as_bytes()
        .chunks(76)
        .map(|c| format!("    {}\n", String::from_utf8_lossy(c)))
        .collect();
    format!(
        "# A K3s packaged chart as K3s ships it: the chart archive embedded in the HelmChart\n# (a traefik-shaped chart of imgsift's tests, generated by tests/k3s_helmchart.rs;\n# IMGSIFT_REGEN=1 rewrites it).\napiVersion: helm.cattle.io/v1\nkind: HelmChart\nmetadata:\n  name: traefik\n  namespace: kube-system\nspec:\n  targetNamespace: kube-system\n  chartContent: |-\n{wrapped}  valuesContent: |-\n{}",
        block(EXAMPLE_VALUES)
    )
}

fn example_config_yaml() -> String {
    format!(
        "# What a K3s user writes to configure the packaged traefik chart.\napiVersion: helm.cattle.io/v1\nkind: HelmChartConfig\nmetadata:\n  name: traefik\n  namespace: kube-system\nspec:\n  valuesContent: |-\n{}",
        block(EXAMPLE_CONFIG_VALUES)
    )
}

#[test]
fn example_fixture_is_current_and_matches_helm() {
    let archive = package_fixed(EXAMPLE_CHART, "traefik");
    let dir = common::root().join("testdata/k3s");
    let files = [
        ("traefik-helmchart.yaml", example_chart_yaml(&archive)),
        ("traefik-config.yaml", example_config_yaml()),
    ];
    for (name, text) in &files {
        let path = dir.join(name);
        if std::env::var_os("IMGSIFT_REGEN").is_some() {
            write(&path, text);
        }
        let committed = std::fs::read_to_string(&path)
            .unwrap_or_else(|e| panic!("{}: {e} (IMGSIFT_REGEN=1 writes it)", path.display()));
        assert_eq!(
            &committed,
            text,
            "{} is stale (IMGSIFT_REGEN=1)",
            path.display()
        );
    }
    let run = common::imgsift(&["scan", "testdata/k3s"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let tmp = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let tgz = tmp.path().join("traefik.tgz");
    std::fs::write(&tgz, &archive).unwrap_or_else(|e| panic!("{e}"));
    let peer = oracle_images(
        &tgz,
        "traefik",
        "kube-system",
        &[EXAMPLE_VALUES, EXAMPLE_CONFIG_VALUES],
        &[],
        &[],
    );
    assert_eq!(run.lines(), peer);
    let why = common::imgsift(&["scan", "--why", "ghcr.io/traefik/hub-agent", "testdata/k3s"]);
    assert!(
        why.stdout.contains(
            "via HelmChart kube-system/traefik (testdata/k3s/traefik-helmchart.yaml:4) with HelmChartConfig (testdata/k3s/traefik-config.yaml:2)"
        ),
        "{}",
        why.stdout
    );
    assert_eq!(
        run.lines(),
        [
            "ghcr.io/traefik/hub-agent:v1.0.0",
            "registry.example.com/mirror/traefik:v2.11.10"
        ]
    );
}

#[test]
fn a_helm_chart_that_an_embedded_chart_writes_is_not_rendered_in_turn() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let (_, _, inner) = web_chart(dir.path());
    let outer_dir = dir.path().join("chart-src/outer");
    let template = format!(
        "apiVersion: helm.cattle.io/v1\nkind: HelmChart\nmetadata:\n  name: inner\n  namespace: kube-system\nspec:\n  chartContent: {inner}\n"
    );
    write_chart(
        &outer_dir,
        &[
            (
                "Chart.yaml",
                "apiVersion: v2\nname: outer\nversion: 0.1.0\n",
            ),
            ("templates/inner.yaml", &template),
        ],
    );
    let manifest = format!(
        "apiVersion: helm.cattle.io/v1\nkind: HelmChart\nmetadata:\n  name: outer\n  namespace: kube-system\nspec:\n  chartContent: {}\n",
        base64(&package(&outer_dir, "outer"))
    );
    write(&dir.path().join("m.yaml"), &manifest);
    let run = imgsift_in(dir.path(), &["scan", "m.yaml"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(run.stdout.is_empty(), "{}", run.stdout);
    assert!(
        run.stderr
            .contains("warning[H005]: HelmChart kube-system/inner"),
        "{}",
        run.stderr
    );
}

/// K3s's own manifests name their packaged charts by a URL of the server's static files.
#[test]
fn chart_named_by_url_is_an_error_naming_the_url() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let manifest = "apiVersion: helm.cattle.io/v1\nkind: HelmChart\nmetadata:\n  name: traefik\n  namespace: kube-system\nspec:\n  chart: https://%{KUBERNETES_API}%/static/charts/traefik-27.0.201+up27.0.2.tgz\n  set:\n    global.systemDefaultRegistry: \"\"\n  valuesContent: |-\n    image:\n      repository: \"rancher/mirrored-library-traefik\"\n      tag: \"2.11.10\"\n";
    write(&dir.path().join("traefik.yaml"), manifest);
    let run = imgsift_in(dir.path(), &["scan", "traefik.yaml"]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(
        run.stderr.contains(
            "installs the chart archive at https://%{KUBERNETES_API}%/static/charts/traefik-27.0.201+up27.0.2.tgz, which is not embedded"
        ),
        "{}",
        run.stderr
    );
    assert_eq!(
        run.lines(),
        ["docker.io/rancher/mirrored-library-traefik:2.11.10"]
    );
}

#[test]
fn the_k3s_traefik_manifest_reports_its_values_image_and_the_charts_to_fetch() {
    // K3s's own HelmCharts name their charts by a URL on the API server (not embedded): the
    // image written in `valuesContent` is listed, and each chart is an H004 at its `chart:`.
    let file = "../shared/corpus/realworld/k3s-traefik.yaml";
    let run = common::imgsift(&["scan", file]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert_eq!(
        run.lines(),
        ["docker.io/rancher/mirrored-library-traefik:2.11.10"]
    );
    let errors: Vec<&str> = run
        .stderr
        .lines()
        .filter(|l| l.contains("error[H004]"))
        .collect();
    assert_eq!(errors.len(), 2, "{}", run.stderr);
    assert!(errors[0].starts_with(&format!(
        "{file}:8:10: error[H004]: HelmChart kube-system/traefik-crd"
    )));
    assert!(errors[1].starts_with(&format!(
        "{file}:16:10: error[H004]: HelmChart kube-system/traefik "
    )));
    assert!(errors[1].contains("static/charts/traefik-27.0.201+up27.0.2.tgz"));
    let json = common::imgsift(&["scan", "-o", "json", file]).json();
    let source = &json["images"][0]["sources"][0];
    // The values entry sits at its repository, inside the block scalar, at the manifest's lines.
    assert_eq!(
        (
            &source["line"],
            &source["column"],
            &source["path"],
            &source["class"]
        ),
        (
            &serde_json::json!(30),
            &serde_json::json!(19),
            &serde_json::json!("image"),
            &serde_json::json!("values")
        ),
        "{source}"
    );
}
