//! `imgsift mirror` and `imgsift hosts`: every format against a small platform
//! (`testdata/mirror/fleet.yaml`), as golden files, and read back with real parsers (YAML by
//! imgsift's own loader, TOML by the `toml` crate) so that what the next tool reads is checked,
//! not only what is printed. The real skopeo and registries are driven in `mirror_e2e.rs`.

mod common;

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;
use std::process::Command;

use common::{imgsift, imgsift_in, rehome, root, yaml_to_json};
use serde_json::Value;

const FLEET: &str = "testdata/mirror/fleet.yaml";
const REGISTRY: &str = "r.example.com/mirror";

/// The images of the fleet that are not yet in the registry, normalized, as `scan` lists them.
fn fleet_sources() -> BTreeSet<String> {
    let run = imgsift(&["scan", FLEET]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let all: BTreeSet<String> = run.lines().into_iter().map(str::to_owned).collect();
    assert_eq!(all.len(), 7, "the fleet changed: {all:?}");
    all.into_iter()
        .filter(|r| !r.starts_with("r.example.com/mirror/"))
        .collect()
}

/// `name:tag@digest` -> (`name`, tag, digest).
fn parts(reference: &str) -> (&str, Option<&str>, Option<&str>) {
    let (rest, digest) = match reference.split_once('@') {
        Some((rest, digest)) => (rest, Some(digest)),
        None => (reference, None),
    };
    match rest.rfind(':') {
        Some(colon) if !rest[colon..].contains('/') => {
            (&rest[..colon], Some(&rest[colon + 1..]), digest)
        }
        _ => (rest, None, digest),
    }
}

fn mirror(args: &[&str]) -> String {
    let mut all = vec!["mirror", "--registry", REGISTRY];
    all.extend_from_slice(args);
    all.push(FLEET);
    let run = imgsift(&all);
    assert_eq!(run.code, 0, "imgsift {all:?}:\n{}", run.stderr);
    run.stdout
}

fn strings(value: &Value) -> Vec<String> {
    value
        .as_array()
        .unwrap_or_else(|| panic!("not a list: {value}"))
        .iter()
        .map(|v| {
            v.as_str()
                .unwrap_or_else(|| panic!("not a string: {v}"))
                .to_owned()
        })
        .collect()
}

#[test]
fn every_format_matches_its_golden_file() {
    let cases: [(&str, &[&str]); 12] = [
        ("regsync", &["-o", "regsync"]),
        ("regsync_keep", &["-o", "regsync", "--keep-registry-path"]),
        ("skopeo", &["-o", "skopeo"]),
        ("skopeo_keep", &["-o", "skopeo", "--keep-registry-path"]),
        ("hauler", &["-o", "hauler"]),
        ("zarf", &["-o", "zarf"]),
        ("list", &["-o", "list"]),
        ("images", &["-o", "images"]),
        ("script_docker", &["-o", "script", "--tool", "docker"]),
        ("script_crane", &["-o", "script", "--tool", "crane"]),
        ("script_regctl", &["-o", "script", "--tool", "regctl"]),
        ("script_skopeo", &["-o", "script", "--tool", "skopeo"]),
    ];
    for (name, args) in cases {
        insta::assert_snapshot!(format!("mirror_{name}"), mirror(args));
    }
}

/// `mirror -o FORMAT`, with `--keep-registry-path` when `keep`.
fn mirror_mapped(format: &str, keep: bool) -> String {
    let mut args = vec!["-o", format];
    if keep {
        args.push("--keep-registry-path");
    }
    mirror(&args)
}

#[test]
fn list_pairs_each_source_with_its_mapped_target() {
    let sources = fleet_sources();
    for keep in [false, true] {
        let out = mirror_mapped("list", keep);
        let pairs: BTreeMap<String, String> = out
            .lines()
            .map(|line| {
                let (source, target) = line
                    .split_once('\t')
                    .unwrap_or_else(|| panic!("no tab in {line:?}"));
                (source.to_owned(), target.to_owned())
            })
            .collect();
        assert_eq!(
            pairs.keys().cloned().collect::<BTreeSet<_>>(),
            sources,
            "keep={keep}"
        );
        for (source, target) in &pairs {
            assert_eq!(*target, rehome(source, REGISTRY, keep), "keep={keep}");
        }
    }
    // The plain list is the sources alone, one per line, as hauler and RKE2 read it.
    let images: BTreeSet<String> = mirror(&["-o", "images"])
        .lines()
        .map(str::to_owned)
        .collect();
    assert_eq!(images, sources);
}

#[test]
fn regsync_config_parses_and_copies_every_image_to_its_target() {
    let sources = fleet_sources();
    for keep in [false, true] {
        let config = yaml_to_json(&mirror_mapped("regsync", keep));
        assert_eq!(config["version"], 1);
        let entries = config["sync"]
            .as_array()
            .unwrap_or_else(|| panic!("sync is a list"));
        assert_eq!(entries.len(), sources.len());
        let mut seen = BTreeSet::new();
        for entry in entries {
            assert_eq!(entry["type"], "image", "{entry}");
            let source = entry["source"].as_str().unwrap_or_else(|| panic!("source"));
            let target = entry["target"].as_str().unwrap_or_else(|| panic!("target"));
            // The image the cluster pulls: a digest-pinned image is copied by digest.
            let (source_name, _, source_digest) = parts(source);
            let full = sources
                .iter()
                .find(|s| {
                    let (name, _, digest) = parts(s);
                    name == source_name && (source_digest.is_none() || digest == source_digest)
                })
                .unwrap_or_else(|| panic!("{source} is not an image of the fleet"));
            let (name, tag, digest) = parts(full);
            assert_eq!(
                source_digest, digest,
                "{source} is not pulled by its digest"
            );
            // Pushed by tag when there is one, else by digest.
            let expected = rehome(full, REGISTRY, keep);
            let (target_name, target_tag, target_digest) = parts(target);
            assert_eq!(target_name, parts(&expected).0);
            assert_eq!(target_tag, tag, "{target}");
            if tag.is_none() {
                assert_eq!(target_digest, digest, "{target}");
            }
            seen.insert(name.to_owned());
        }
        assert_eq!(seen.len(), sources.len(), "an image is listed twice");
    }
}

/// Where `skopeo sync --src yaml --dest docker [--scoped] FILE DEST` puts `registry/repo`:
/// under DEST by its last path component, or by its full name with `--scoped` (skopeo's
/// documented naming, checked against the real skopeo in `mirror_e2e.rs`).
fn skopeo_destination(dest: &str, scoped: bool, registry: &str, repository: &str) -> String {
    if scoped {
        format!("{dest}/{registry}/{repository}")
    } else {
        let last = repository.rsplit('/').next().unwrap_or(repository);
        format!("{dest}/{last}")
    }
}

#[test]
fn skopeo_documents_parse_and_land_every_image_at_its_mapped_name() {
    let sources = fleet_sources();
    for keep in [false, true] {
        let out = mirror_mapped("skopeo", keep);
        let mut landed = BTreeSet::new();
        for document in out.split("\n---\n") {
            let command = document
                .lines()
                .find_map(|l| l.strip_prefix("# skopeo sync "))
                .unwrap_or_else(|| panic!("a document without its command:\n{document}"));
            let words: Vec<&str> = command.split_whitespace().collect();
            let scoped = words.contains(&"--scoped");
            assert_eq!(scoped, keep, "{command}");
            let dest = *words.last().unwrap_or_else(|| panic!("a destination"));
            let yaml = yaml_to_json(document);
            let registries = yaml
                .as_object()
                .unwrap_or_else(|| panic!("a map of registries"));
            assert!(!registries.is_empty());
            for (registry, body) in registries {
                let images = body["images"]
                    .as_object()
                    .unwrap_or_else(|| panic!("images: a map"));
                for (repository, references) in images {
                    for reference in strings(references) {
                        let at = skopeo_destination(dest, scoped, registry, repository);
                        let joined = if reference.starts_with("sha256:") {
                            format!("{at}@{reference}")
                        } else {
                            format!("{at}:{reference}")
                        };
                        landed.insert(joined);
                    }
                }
            }
        }
        // What the cluster pulls after the overlay: the mapped name, by digest when pinned.
        let expected: BTreeSet<String> = sources
            .iter()
            .map(|s| {
                let mapped = rehome(s, REGISTRY, keep);
                let (name, tag, digest) = parts(&mapped);
                match (tag, digest) {
                    (_, Some(digest)) => format!("{name}@{digest}"),
                    (Some(tag), None) => format!("{name}:{tag}"),
                    (None, None) => format!("{name}:latest"),
                }
            })
            .collect();
        assert_eq!(landed, expected, "keep={keep}");
    }
}

#[test]
fn hauler_and_zarf_manifests_parse_and_list_every_image() {
    let sources: Vec<String> = fleet_sources().into_iter().collect();
    let hauler = yaml_to_json(&mirror(&["-o", "hauler"]));
    assert_eq!(hauler["apiVersion"], "content.hauler.cattle.io/v1");
    assert_eq!(hauler["kind"], "Images");
    assert!(hauler["metadata"]["name"].is_string());
    let names: Vec<String> = hauler["spec"]["images"]
        .as_array()
        .unwrap_or_else(|| panic!("spec.images"))
        .iter()
        .map(|i| {
            i["name"]
                .as_str()
                .unwrap_or_else(|| panic!("name"))
                .to_owned()
        })
        .collect();
    assert_eq!(names, sources);

    let zarf = yaml_to_json(&mirror(&["-o", "zarf"]));
    assert_eq!(zarf["kind"], "ZarfPackageConfig");
    assert!(zarf["metadata"]["name"].is_string());
    let components = zarf["components"]
        .as_array()
        .unwrap_or_else(|| panic!("components"));
    assert_eq!(components.len(), 1);
    assert_eq!(components[0]["required"], true);
    assert_eq!(strings(&components[0]["images"]), sources);
}

/// A stand-in for a copy tool: records its arguments, one call per line, and fails on the
/// call named in `FAIL_AT` (counting from 1).
fn fake_tool(dir: &Path) -> std::path::PathBuf {
    let path = dir.join("tool");
    std::fs::write(
        &path,
        "#!/bin/sh\n\
         n=$(($(wc -l < \"$LOG\") + 1))\n\
         printf '%s|' \"$@\" >> \"$LOG\"\n\
         echo >> \"$LOG\"\n\
         [ \"$n\" != \"${FAIL_AT:-0}\" ]\n",
    )
    .unwrap_or_else(|e| panic!("write the fake tool: {e}"));
    let made = Command::new("chmod")
        .arg("+x")
        .arg(&path)
        .status()
        .unwrap_or_else(|e| panic!("chmod: {e}"));
    assert!(made.success());
    path
}

#[test]
fn scripts_run_one_copy_per_image_with_every_word_intact_and_stop_at_the_first_failure() {
    let sources = fleet_sources();
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("tempdir: {e}"));
    let tool = fake_tool(dir.path());
    let cases = [
        ("docker", "DOCKER", 3),
        ("crane", "CRANE", 1),
        ("skopeo", "SKOPEO", 1),
        ("regctl", "REGCTL", 1),
    ];
    for (name, variable, calls_per_image) in cases {
        let script = dir.path().join(format!("{name}.sh"));
        std::fs::write(&script, mirror(&["-o", "script", "--tool", name]))
            .unwrap_or_else(|e| panic!("write: {e}"));
        let log = dir.path().join(format!("{name}.log"));
        let run = |fail_at: usize| {
            std::fs::write(&log, "").unwrap_or_else(|e| panic!("reset the log: {e}"));
            let status = Command::new("sh")
                .arg(&script)
                .env(variable, &tool)
                .env("LOG", &log)
                .env("FAIL_AT", fail_at.to_string())
                .status()
                .unwrap_or_else(|e| panic!("run sh: {e}"));
            let calls: Vec<Vec<String>> = std::fs::read_to_string(&log)
                .unwrap_or_else(|e| panic!("read the log: {e}"))
                .lines()
                .map(|l| {
                    l.trim_end_matches('|')
                        .split('|')
                        .map(str::to_owned)
                        .collect()
                })
                .collect();
            (status.success(), calls)
        };
        let (ok, calls) = run(0);
        assert!(ok, "{name}: the script failed");
        assert_eq!(
            calls.len(),
            sources.len() * calls_per_image,
            "{name}: {calls:?}"
        );
        // Every image is the first reference of one copy (or pull), with its digest when
        // pinned, and lands at its mapped name.
        let mut copied = BTreeSet::new();
        for call in calls.chunks(calls_per_image) {
            let (from, to) = match name {
                "docker" => {
                    assert_eq!(call[0][0], "pull");
                    assert_eq!(call[1][0], "tag");
                    assert_eq!(call[2][0], "push");
                    assert_eq!(call[1][1], call[0][1]);
                    assert_eq!(call[1][2], call[2][1]);
                    (call[0][1].clone(), call[2][1].clone())
                }
                "crane" => {
                    assert_eq!(call[0][0], "copy");
                    (call[0][1].clone(), call[0][2].clone())
                }
                "skopeo" => {
                    assert_eq!(&call[0][..3], ["copy", "--all", "--preserve-digests"]);
                    let strip = |s: &str| {
                        s.strip_prefix("docker://")
                            .unwrap_or_else(|| panic!("{s} is not docker://"))
                            .to_owned()
                    };
                    (strip(&call[0][3]), strip(&call[0][4]))
                }
                _ => {
                    assert_eq!(&call[0][..2], ["image", "copy"]);
                    (call[0][2].clone(), call[0][3].clone())
                }
            };
            let full = sources
                .iter()
                .find(|s| {
                    let (n, _, d) = parts(s);
                    let (fname, _, fdigest) = parts(&from);
                    n == fname && d == fdigest
                })
                .unwrap_or_else(|| panic!("{name}: {from} is not an image of the fleet"));
            let expected = rehome(full, REGISTRY, false);
            assert_eq!(parts(&to).0, parts(&expected).0, "{name}: {from} -> {to}");
            copied.insert(full.clone());
        }
        assert_eq!(copied, sources, "{name}");
        // `set -e`: the second call fails, and nothing runs after it.
        let (ok, calls) = run(2);
        assert!(!ok, "{name}: a failed copy did not fail the script");
        assert_eq!(calls.len(), 2, "{name}: the script went on after a failure");
    }
}

/// `imgsift mirror --registry R --template copy.txt.j2 [extra] FLEET`, run in `dir`.
fn mirror_template(dir: &Path, extra: &[&str]) -> common::Run {
    let fleet = root().join(FLEET);
    let fleet = fleet
        .to_str()
        .unwrap_or_else(|| panic!("{} is not UTF-8", fleet.display()));
    let mut args = vec![
        "mirror",
        "--registry",
        REGISTRY,
        "--template",
        "copy.txt.j2",
    ];
    args.extend_from_slice(extra);
    args.push(fleet);
    imgsift_in(dir, &args)
}

#[test]
fn a_user_template_gets_every_image_and_the_registry() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("tempdir: {e}"));
    let template = dir.path().join("copy.txt.j2");
    std::fs::write(
        &template,
        "to {{ registry }}\n\
         {% for i in images %}\
         {{ i.registry }} {{ i.repository }} {{ i.tag or '-' }} {{ i.digest or '-' }} {{ i.source }} => {{ i.target }}\n\
         {% endfor %}",
    )
    .unwrap_or_else(|e| panic!("write: {e}"));
    let run = mirror_template(dir.path(), &[]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    insta::assert_snapshot!("mirror_user_template", run.stdout);

    // --out-dir names the file after the template, without `.j2`.
    let run = mirror_template(dir.path(), &["--out-dir", "out"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let written = std::fs::read_to_string(dir.path().join("out/copy.txt"))
        .unwrap_or_else(|e| panic!("out/copy.txt: {e}"));
    assert_eq!(written, run_text(&mirror_template(dir.path(), &[])));

    // A template that does not parse is a usage error naming the problem; nothing printed.
    std::fs::write(&template, "{% for i in images %}{{ i.source }}")
        .unwrap_or_else(|e| panic!("write: {e}"));
    let run = mirror_template(dir.path(), &[]);
    assert_eq!(run.code, 2, "{run:?}");
    assert_eq!(run.stdout, "");
    assert!(
        run.stderr.contains("the template does not parse"),
        "{}",
        run.stderr
    );
}

fn run_text(run: &common::Run) -> String {
    assert_eq!(run.code, 0, "{}", run.stderr);
    run.stdout.clone()
}

#[test]
fn out_dir_writes_the_skopeo_runs_and_an_executable_script() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("tempdir: {e}"));
    let fleet = root().join(FLEET);
    let run = imgsift_in(
        dir.path(),
        &[
            "mirror",
            "--registry",
            REGISTRY,
            "-o",
            "skopeo",
            "--out-dir",
            "sync",
            fleet.to_str().unwrap_or_else(|| panic!("utf-8 path")),
        ],
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    let mut names: Vec<String> = std::fs::read_dir(dir.path().join("sync"))
        .unwrap_or_else(|e| panic!("sync/: {e}"))
        .map(|e| {
            e.unwrap_or_else(|e| panic!("entry: {e}"))
                .file_name()
                .to_string_lossy()
                .into_owned()
        })
        .collect();
    names.sort();
    // One run per destination (the parent path of each image under the prefix): the prefix
    // itself (pause), acme (sidecar), acme/team (api), library (busybox, nginx) and
    // ml-pipeline (kfp-launcher).
    // Beside the outputs, the list of what imgsift wrote (what a later run may replace).
    assert_eq!(
        names,
        [
            ".imgsift-written.json",
            "skopeo-1.yaml",
            "skopeo-2.yaml",
            "skopeo-3.yaml",
            "skopeo-4.yaml",
            "skopeo-5.yaml",
            "skopeo-sync.sh"
        ]
    );
    let script = dir.path().join("sync/skopeo-sync.sh");
    let mode = std::fs::metadata(&script)
        .unwrap_or_else(|e| panic!("stat: {e}"))
        .permissions()
        .mode();
    assert_eq!(mode & 0o777, 0o755, "{mode:o}");
    let yaml = std::fs::metadata(dir.path().join("sync/skopeo-1.yaml"))
        .unwrap_or_else(|e| panic!("stat: {e}"))
        .permissions()
        .mode();
    assert_eq!(yaml & 0o777, 0o644, "{yaml:o}");
    let text = std::fs::read_to_string(&script).unwrap_or_else(|e| panic!("read: {e}"));
    for i in 1..=5 {
        assert!(
            text.contains(&format!("'skopeo-{i}.yaml'")),
            "skopeo-{i}.yaml is not run:\n{text}"
        );
    }
    let syntax = Command::new("sh")
        .arg("-n")
        .arg(&script)
        .status()
        .unwrap_or_else(|e| panic!("sh: {e}"));
    assert!(syntax.success());
}

#[test]
fn output_is_the_same_whatever_the_thread_count() {
    let one = imgsift(&[
        "-j",
        "1",
        "mirror",
        "--registry",
        REGISTRY,
        "-o",
        "skopeo",
        "testdata",
    ]);
    let two = imgsift(&[
        "-j",
        "2",
        "mirror",
        "--registry",
        REGISTRY,
        "-o",
        "skopeo",
        "testdata",
    ]);
    assert_eq!(one.stdout, two.stdout);
    assert!(one.stdout.lines().count() > 50, "{}", one.stdout);
}

#[test]
fn unmappable_sources_are_refused_as_a_whole() {
    let run = imgsift(&[
        "mirror",
        "--registry",
        REGISTRY,
        "--keep-registry-path",
        "-o",
        "list",
        "testdata/scan/workloads.yaml",
    ]);
    assert_eq!(run.code, 2, "{run:?}");
    assert_eq!(run.stdout, "");
    assert!(
        run.stderr.contains("\"localhost:5000\" cannot be nested"),
        "{}",
        run.stderr
    );
    assert!(run.stderr.contains("nothing was written"), "{}", run.stderr);
}

// ---- hosts ----

fn hosts(args: &[&str]) -> common::Run {
    let mut all = vec!["hosts"];
    all.extend_from_slice(args);
    all.push(FLEET);
    imgsift(&all)
}

/// The registries of the fleet that need a mirror entry for a mirror on `mirror_host`: every
/// registry an image comes from but the mirror's own host (and port).
fn fleet_registries(mirror_host: &str) -> BTreeSet<String> {
    let run = imgsift(&["scan", FLEET]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    run.lines()
        .into_iter()
        .map(|s| {
            s.split('/')
                .next()
                .unwrap_or_else(|| panic!("a domain"))
                .to_owned()
        })
        .filter(|domain| domain != mirror_host)
        .collect()
}

#[test]
fn containerd_hosts_files_parse_as_toml_with_the_mirror_first() {
    assert_eq!(fleet_registries("r.example.com").len(), 5);
    let cases: [(&[&str], &str, bool); 3] = [
        (
            &["--mirror", "https://r.example.com"],
            "https://r.example.com",
            false,
        ),
        (
            &[
                "--mirror",
                "r.example.com/mirror",
                "--ca",
                "/etc/certs/mirror.crt",
            ],
            "https://r.example.com/v2/mirror",
            true,
        ),
        (
            &[
                "--mirror",
                "http://r.example.com:5000/m",
                "--keep-registry-path",
                "--skip-verify",
            ],
            "http://r.example.com:5000/v2/m/{registry}",
            true,
        ),
    ];
    for (args, url, override_path) in cases {
        // `r.example.com:5000` is not `r.example.com`: the image already under the latter
        // needs an entry when the mirror is the former.
        let mirror_host = url.split('/').nth(2).unwrap_or_else(|| panic!("a host"));
        let registries = fleet_registries(mirror_host);
        let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("tempdir: {e}"));
        let mut all = args.to_vec();
        let out = dir
            .path()
            .to_str()
            .unwrap_or_else(|| panic!("utf-8"))
            .to_owned();
        all.extend_from_slice(&["-o", "containerd", "--out-dir", &out]);
        let run = hosts(&all);
        assert_eq!(run.code, 0, "{args:?}: {}", run.stderr);
        let written: BTreeSet<String> = std::fs::read_dir(dir.path().join("hosts.d"))
            .unwrap_or_else(|e| panic!("hosts.d/: {e}"))
            .map(|e| {
                e.unwrap_or_else(|e| panic!("entry: {e}"))
                    .file_name()
                    .to_string_lossy()
                    .into_owned()
            })
            .collect();
        assert_eq!(written, registries, "{args:?}");
        for registry in &registries {
            let path = dir.path().join("hosts.d").join(registry).join("hosts.toml");
            let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("hosts.toml: {e}"));
            let parsed: toml::Table = toml::from_str(&text)
                .unwrap_or_else(|e| panic!("{} is not TOML: {e}\n{text}", path.display()));
            let server = if registry == "docker.io" {
                "https://registry-1.docker.io".to_owned()
            } else {
                format!("https://{registry}")
            };
            assert_eq!(parsed["server"].as_str(), Some(server.as_str()), "{text}");
            let hosts = parsed["host"]
                .as_table()
                .unwrap_or_else(|| panic!("[host]"));
            assert_eq!(hosts.len(), 1, "{text}");
            let expected_url = url.replace("{registry}", registry);
            let host = hosts[&expected_url]
                .as_table()
                .unwrap_or_else(|| panic!("{text}"));
            let capabilities: Vec<&str> = host["capabilities"]
                .as_array()
                .unwrap_or_else(|| panic!("capabilities"))
                .iter()
                .filter_map(|c| c.as_str())
                .collect();
            assert_eq!(capabilities, ["pull", "resolve"]);
            assert_eq!(
                host.get("override_path").and_then(|v| v.as_bool()),
                override_path.then_some(true),
                "{text}"
            );
            let ca = args.contains(&"--ca").then_some("/etc/certs/mirror.crt");
            assert_eq!(host.get("ca").and_then(|v| v.as_str()), ca, "{text}");
            let skip = args.contains(&"--skip-verify").then_some(true);
            assert_eq!(host.get("skip_verify").and_then(|v| v.as_bool()), skip);
        }
    }
}

#[test]
fn hosts_output_matches_its_golden_files() {
    for (name, args) in [
        (
            "containerd",
            &[
                "--mirror",
                "https://r.example.com/mirror",
                "-o",
                "containerd",
            ][..],
        ),
        (
            "containerd_keep",
            &[
                "--mirror",
                "r.example.com",
                "--keep-registry-path",
                "--ca",
                "/etc/ca.crt",
            ][..],
        ),
        (
            "k3s",
            &[
                "--mirror",
                "https://r.example.com/mirror",
                "-o",
                "k3s",
                "--skip-verify",
            ][..],
        ),
    ] {
        let run = hosts(args);
        assert_eq!(run.code, 0, "{}", run.stderr);
        insta::assert_snapshot!(format!("hosts_{name}"), run.stdout);
    }
}

#[test]
fn k3s_registries_yaml_parses_and_rewrites_into_the_prefix() {
    let registries = fleet_registries("r.example.com");
    for (args, rewrite) in [
        (&["--mirror", "https://r.example.com"][..], None),
        (
            &["--mirror", "https://r.example.com/mirror"][..],
            Some("mirror/$1"),
        ),
        (
            &[
                "--mirror",
                "https://r.example.com/mirror",
                "--keep-registry-path",
            ][..],
            Some("mirror/{registry}/$1"),
        ),
    ] {
        let mut all = args.to_vec();
        all.extend_from_slice(&["-o", "k3s", "--ca", "/etc/ca.crt"]);
        let run = hosts(&all);
        assert_eq!(run.code, 0, "{}", run.stderr);
        let yaml = yaml_to_json(&run.stdout);
        let mirrors = yaml["mirrors"]
            .as_object()
            .unwrap_or_else(|| panic!("mirrors"));
        assert_eq!(
            mirrors.keys().cloned().collect::<BTreeSet<_>>(),
            registries,
            "{args:?}"
        );
        for (registry, entry) in mirrors {
            assert_eq!(strings(&entry["endpoint"]), ["https://r.example.com"]);
            match rewrite {
                None => assert!(entry.get("rewrite").is_none(), "{entry}"),
                Some(rule) => {
                    let rules = entry["rewrite"]
                        .as_object()
                        .unwrap_or_else(|| panic!("rewrite"));
                    assert_eq!(rules.len(), 1);
                    assert_eq!(
                        rules["^(.*)$"].as_str(),
                        Some(rule.replace("{registry}", registry).as_str())
                    );
                }
            }
        }
        assert_eq!(
            yaml["configs"]["r.example.com"]["tls"]["ca_file"],
            "/etc/ca.crt"
        );
    }
}

#[test]
fn hosts_refuse_registries_that_cannot_be_nested() {
    let run = imgsift(&[
        "hosts",
        "--mirror",
        "https://r.example.com",
        "--keep-registry-path",
        "--out-dir",
        "/nonexistent/never-written",
        "testdata/scan/workloads.yaml",
    ]);
    assert_eq!(run.code, 2, "{run:?}");
    assert!(
        run.stderr.contains("\"localhost:5000\" cannot be nested"),
        "{}",
        run.stderr
    );
    assert!(!Path::new("/nonexistent/never-written").exists());
}

#[test]
fn values_entries_without_a_tag_are_left_out_and_said_to_be() {
    let run = imgsift(&[
        "mirror",
        "--registry",
        "r2.example.com",
        "-o",
        "list",
        "--values",
        "testdata/check/values.yaml",
    ]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    // Only the tagged entry can be copied; the two untagged ones are named on stderr.
    assert_eq!(
        run.stdout,
        "r.example.com/mirror/acme/worker:2.1\tr2.example.com/mirror/acme/worker:2.1\n"
    );
    assert!(
        run.stderr
            .contains("2 values entries without a tag left out"),
        "{}",
        run.stderr
    );
    for repository in ["r.example.com/mirror/acme/ui", "ghcr.io/acme/api"] {
        assert!(
            run.stderr.contains(&format!("{repository} has no tag")),
            "{}",
            run.stderr
        );
    }
}
