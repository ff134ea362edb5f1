//! Charts written to hit one corner of Helm each (`testdata/helm/`), rendered with values and
//! flags of their own, compared with real Helm document for document: scope of dot and `$`,
//! variable re-assignment in `range`, `break`/`continue`, float tags, `tpl` of values that
//! reference values, `include` with `nindent`, library charts, aliases, conditions, tags,
//! `import-values` in both forms, `global`, packaged subcharts, `null` deleting defaults,
//! multi-document values, `.Files.Glob`/`AsConfig`/`AsSecrets`/`Lines`, capabilities,
//! `kubeVersion`, hooks, tests, CRDs, `--show-only`, random names, secrets and certificates.

mod common;

#[path = "common/helm.rs"]
mod helm;

use common::imgsift;
use helm::{compare, helm_batch};

/// (release name, chart folder, extra flags) rendered by both.
const CASES: &[(&str, &str, &[&str])] = &[
    ("release-name", "testdata/helm/scope", &[]),
    (
        "release-name",
        "testdata/helm/scope",
        &["-f", "testdata/helm/values/scope-digest.yaml"],
    ),
    ("release-name", "testdata/helm/tpl", &[]),
    (
        "release-name",
        "testdata/helm/tpl",
        &["-n", "apps", "-f", "testdata/helm/values/tpl-registry.yaml"],
    ),
    (
        "release-name",
        "testdata/helm/tpl",
        &["-f", "testdata/helm/values/tpl-flow.yaml"],
    ),
    (
        "release-name",
        "testdata/helm/tpl",
        &["-s", "templates/nested.yaml"],
    ),
    ("release-name", "testdata/helm/umbrella", &[]),
    (
        "release-name",
        "testdata/helm/umbrella",
        &["-f", "testdata/helm/values/umbrella-switch.yaml"],
    ),
    (
        "release-name",
        "testdata/helm/umbrella",
        &["-f", "testdata/helm/values/umbrella-null.yaml"],
    ),
    (
        "release-name",
        "testdata/helm/umbrella",
        &["--include-crds", "--is-upgrade"],
    ),
    ("release-name", "testdata/helm/files", &[]),
    (
        "release-name",
        "testdata/helm/files",
        &["--kube-version", "1.29.3"],
    ),
    (
        "release-name",
        "testdata/helm/files",
        &["-a", "monitoring.coreos.com/v1,example.com/v2"],
    ),
    (
        "release-name",
        "testdata/helm/files",
        &["--include-crds", "--skip-tests"],
    ),
    ("release-name", "testdata/helm/files", &["--no-hooks"]),
    (
        "release-name",
        "testdata/helm/files",
        &["-s", "templates/secret.yaml", "-s", "templates/hook.yaml"],
    ),
    ("release-name", "testdata/helm/random", &[]),
    ("release-name", "testdata/example/chart/shop", &[]),
    (
        "shop",
        "testdata/example/chart/shop",
        &["-f", "testdata/example/values/prod-values.yaml"],
    ),
];

#[test]
fn charts_of_corners_render_as_helm_renders_them() {
    let requests: Vec<serde_json::Value> = CASES
        .iter()
        .map(|(name, chart, flags)| {
            let mut args = vec![*name, *chart];
            args.extend(flags.iter().copied());
            serde_json::json!({ "args": args })
        })
        .collect();
    let answers = helm_batch(&requests);
    let mut failures = Vec::new();
    for ((name, chart, flags), answer) in CASES.iter().zip(answers) {
        let mut args = vec!["render", *name, *chart];
        args.extend(flags.iter().copied());
        let run = imgsift(&args);
        let label = format!("{chart} {}", flags.join(" "));
        match answer.result {
            Ok(expected) => {
                if run.code != 0 {
                    failures.push(format!("{label}: exit {}: {}", run.code, run.stderr));
                } else if let Err(report) = compare(&expected, &run.stdout) {
                    failures.push(format!("{label}:\n{report}"));
                }
            }
            Err(error) => {
                if run.code == 0 {
                    failures.push(format!(
                        "{label}: Helm fails ({error}) but imgsift rendered"
                    ));
                }
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn a_chart_whose_kube_version_the_cluster_does_not_meet_fails_as_in_helm() {
    let answers = helm_batch(&[serde_json::json!({
        "chart": "testdata/helm/files", "kube_version": "1.20.0"
    })]);
    // Helm's CLI adds a hint about --debug on a line of its own; the reason is the first line.
    let error = match &answers[0].result {
        Err(error) => error.lines().next().unwrap_or_default().to_owned(),
        Ok(_) => panic!("Helm renders a chart whose kubeVersion is not met"),
    };
    let run = imgsift(&["render", "testdata/helm/files", "--kube-version", "1.20.0"]);
    assert_eq!(run.code, 2);
    assert!(
        run.stderr.contains(&error),
        "Helm: {error}\nimgsift: {}",
        run.stderr
    );
}

#[test]
fn random_functions_draw_fresh_values_in_render_and_fixed_ones_everywhere_else() {
    // `render` prints what may be applied: two renders differ, as two `helm template` runs do.
    let first = imgsift(&["render", "testdata/helm/random"]);
    let second = imgsift(&["render", "testdata/helm/random"]);
    assert_eq!(first.code, 0, "{}", first.stderr);
    assert_ne!(first.stdout, second.stdout);
    // A scan reports the test Pod by its name: the same name on every run and thread count.
    let scans: Vec<String> = [["-j", "1"], ["-j", "2"], ["-j", "1"]]
        .iter()
        .map(|threads| {
            let run = imgsift(&[
                "scan",
                threads[0],
                threads[1],
                "-o",
                "json",
                "testdata/helm/random",
            ]);
            assert_eq!(run.code, 0, "{}", run.stderr);
            run.stdout
        })
        .collect();
    assert_eq!(scans[0], scans[1]);
    assert_eq!(scans[0], scans[2]);
    assert!(
        scans[0].contains("release-name-ui-test-"),
        "the test Pod is reported by name: {}",
        scans[0]
    );
    for image in ["ghcr.io/acme/ui:2.1.0", "docker.io/library/busybox:1.36"] {
        assert!(scans[0].contains(image), "{image}: {}", scans[0]);
    }
}
