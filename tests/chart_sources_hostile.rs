//! Chart-source objects written wrong in every field: HelmReleases, Applications,
//! ApplicationSets, HelmCharts and Flux sources whose fields hold the wrong type, names with
//! control characters and shell syntax, paths that climb out of the tree. Every command that
//! reads them (`scan`, `charts`, `mirror --charts`, `overlay --charts-registry`) finishes
//! under the address-space limit, never panics, keeps reporting the good file, and never
//! prints a raw control character or lets a name out of its shell quoting.

mod common;

use common::{Scratch, assert_good_still_reported};

/// Objects with one field to fill (`@`): each is written once per value of [`VALUES`].
const SHAPES: &[&str] = &[
    "apiVersion: helm.toolkit.fluxcd.io/v2\nkind: HelmRelease\nmetadata: {name: r, namespace: n}\nspec:\n  chart:\n    spec:\n      chart: @\n      version: @\n      sourceRef: {kind: HelmRepository, name: @}\n  values: @\n  valuesFrom: @\n  postRenderers: @\n",
    "apiVersion: helm.toolkit.fluxcd.io/v2\nkind: HelmRelease\nmetadata: {name: @}\nspec: {chartRef: @, releaseName: @, targetNamespace: @}\n",
    "apiVersion: helm.toolkit.fluxcd.io/v2\nkind: HelmRelease\nmetadata: {name: g}\nspec:\n  chart: {spec: {chart: @, sourceRef: {kind: GitRepository, name: git}}}\n---\napiVersion: source.toolkit.fluxcd.io/v1\nkind: GitRepository\nmetadata: {name: git}\nspec: {url: @}\n",
    "apiVersion: source.toolkit.fluxcd.io/v1\nkind: HelmRepository\nmetadata: {name: @, namespace: @}\nspec: {url: @, type: @}\n",
    "apiVersion: source.toolkit.fluxcd.io/v1beta2\nkind: OCIRepository\nmetadata: {name: o}\nspec: {url: @, ref: @}\n",
    "apiVersion: argoproj.io/v1alpha1\nkind: Application\nmetadata: {name: a, namespace: argocd}\nspec:\n  destination: @\n  source: {repoURL: @, chart: @, targetRevision: @, helm: @}\n",
    "apiVersion: argoproj.io/v1alpha1\nkind: Application\nmetadata: {name: @}\nspec:\n  sources: @\n",
    "apiVersion: argoproj.io/v1alpha1\nkind: Application\nmetadata: {name: p}\nspec:\n  source: {repoURL: r, path: @, kustomize: {images: @}, helm: {valueFiles: @, parameters: @}}\n",
    "apiVersion: argoproj.io/v1alpha1\nkind: ApplicationSet\nmetadata: {name: s}\nspec:\n  goTemplate: @\n  generators: @\n  template: {metadata: {name: '{{.n}}'}, spec: {source: {repoURL: r, chart: '{{.n}}', targetRevision: @}}}\n",
    "apiVersion: helm.cattle.io/v1\nkind: HelmChart\nmetadata: {name: @, namespace: kube-system}\nspec: {chart: @, repo: @, version: @, valuesContent: @, set: @, chartContent: @}\n",
    "charts:\n  x: {name: @, version: @, repository: @}\n",
];

/// What a field may hold: wrong types, hostile text, escapes.
const VALUES: &[&str] = &[
    "~",
    "[]",
    "{}",
    "[a, {b: c}]",
    "{a: [1, 2]}",
    "12",
    "true",
    "\"\"",
    "\"../../../../etc\"",
    "\"/etc/passwd\"",
    "\"oci://\"",
    "\"a\\nb\\u001b[31m\"",
    "\"$(touch pwned)'; rm -rf / #\"",
    "\"*\"",
    "\">=1 <0\"",
    "\"v\"",
    "\"{{ .x }}\"",
];

fn documents() -> String {
    let mut out = String::new();
    for (i, shape) in SHAPES.iter().enumerate() {
        for (j, value) in VALUES.iter().enumerate() {
            let text = shape.replace('@', value);
            // Distinct names keep every object apart.
            out.push_str(&format!("---\n# shape {i} value {j}\n{text}"));
        }
    }
    out
}

#[test]
fn chart_sources_written_wrong_never_panic_and_the_good_file_is_still_read() {
    let scratch = Scratch::new();
    scratch.write("tree/objects.yaml", documents());
    scratch.write("tree/good.yaml", common::GOOD);
    let charts = scratch.path("charts");
    std::fs::create_dir_all(&charts).unwrap_or_else(|e| panic!("{e}"));
    let charts = charts.to_string_lossy().into_owned();

    let scan = scratch.run_limited(&["scan", "--charts", &charts, "tree"]);
    assert_good_still_reported(&scan);
    let allowed = scratch.run_limited(&["scan", "--allow-missing-charts", "tree"]);
    assert_good_still_reported(&allowed);

    for args in [
        vec!["charts", "tree"],
        vec!["charts", "-o", "json", "tree"],
        vec!["charts", "-o", "table", "tree"],
        vec![
            "mirror",
            "--charts",
            "--registry",
            "oci://m.local:5000/c",
            "-o",
            "script",
            "tree",
        ],
        vec![
            "mirror",
            "--charts",
            "--registry",
            "oci://m.local:5000/c",
            "-o",
            "script",
            "--tool",
            "skopeo",
            "tree",
        ],
        vec![
            "mirror",
            "--charts",
            "--registry",
            "oci://m.local:5000/c",
            "-o",
            "list",
            "tree",
        ],
        vec![
            "overlay",
            "--charts-registry",
            "oci://m.local:5000/c",
            "tree",
        ],
    ] {
        let run = scratch.run_limited(&args);
        assert_ne!(run.code, 101, "{args:?} panicked: {}", run.stderr);
        assert!(
            matches!(run.code, 0 | 2),
            "{args:?}: exit {}: {}",
            run.code,
            run.stderr
        );
        for (stream, text) in [("stdout", &run.stdout), ("stderr", &run.stderr)] {
            assert!(
                !text.contains('\u{1b}'),
                "{args:?}: a raw escape reached {stream}:\n{text}"
            );
        }
        if args.contains(&"script") {
            // No line may run what a name holds: every command line of the script starts
            // with one of its own words.
            for line in run.stdout.lines() {
                let line = line.trim_start();
                let own = line.is_empty()
                    || line.starts_with('#')
                    || line.starts_with('$')
                    || line.starts_with("set ")
                    || line.starts_with("HELM=")
                    || line.starts_with("SKOPEO=")
                    || line.starts_with("work=")
                    || line.starts_with("trap ")
                    || line.starts_with("dir=")
                    || line.starts_with("mkdir ")
                    || line.starts_with("version=")
                    || line.starts_with("case ")
                    || line.starts_with("v[0-9]*)")
                    || line.starts_with("tar ")
                    || line.starts_with("tag=")
                    || line == ";;"
                    || line == "esac";
                assert!(
                    own,
                    "{args:?}: a line of the script is not the script's own: {line:?}"
                );
            }
            assert!(!run.stdout.contains("pwned"), "{}", run.stdout);
        }
    }
    // Nothing the objects name was created or read outside the tree.
    assert!(!scratch.path("pwned").exists());
}

#[test]
fn a_chart_script_keeps_hostile_versions_and_repositories_quoted_when_it_runs() {
    let scratch = Scratch::new();
    scratch.write(
        "values.yaml",
        "charts:\n  a: {name: demo, version: \"1.0.0$(touch pwned-a)\", repository: \"https://e.example/$(touch pwned-b)\"}\n  b: {name: box, version: \"1.0.0'; touch pwned-c; '\", repository: \"oci://e.example/x'y\"}\n  c: {name: gauge, version: \"v1.0.0`touch pwned-d`\", repository: \"https://e.example/r\"}\n",
    );
    for tool in ["helm", "skopeo"] {
        let run = scratch.run_limited(&[
            "mirror",
            "--charts",
            "--registry",
            "oci://m.local:5000/c",
            "-o",
            "script",
            "--tool",
            tool,
            "values.yaml",
        ]);
        assert_eq!(run.code, 0, "{}", run.stderr);
        assert!(
            run.stdout.contains("demo") && run.stdout.contains("gauge"),
            "{}",
            run.stdout
        );
        let script = scratch.write("mirror.sh", &run.stdout);
        // The tools only echo what they are given: whatever the script runs shows.
        let output = std::process::Command::new("sh")
            .arg(&script)
            .env("HELM", "echo")
            .env("SKOPEO", "echo")
            .current_dir(scratch.dir())
            .output()
            .unwrap_or_else(|e| panic!("{e}"));
        assert!(
            output.status.success(),
            "{}",
            String::from_utf8_lossy(&output.stderr)
        );
        for name in ["pwned-a", "pwned-b", "pwned-c", "pwned-d"] {
            assert!(
                !scratch.path(name).exists(),
                "{tool}: {name} was created:\n{}",
                run.stdout
            );
        }
    }
}
