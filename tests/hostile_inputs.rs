//! Hostile and careless inputs, round two: duplicate keys, names that are output, Secrets named
//! as values, colliding overlay outputs, archive hygiene and bounds, oversized documents.
//!
//! Each case runs with a good file beside it and checks that the good file's image is still
//! reported, the diagnostic's code and position, and the exit code.

mod common;

use std::path::Path;

use common::{GOOD, Run, Scratch, assert_good_still_reported, command_in};

#[test]
fn a_key_given_twice_is_an_error_naming_both_lines_and_the_last_value_is_the_one_read() {
    let scratch = Scratch::new();
    scratch.write(
        "pod.yaml",
        b"apiVersion: v1\nkind: Pod\nmetadata:\n  name: twice\nspec:\n  containers:\n  - name: a\n    image: example.com/first:1\n    image: example.com/last:2\n  - name: b\n    image: example.com/other:3\n",
    );
    // Decoys: the same key in sibling mappings, and a repeated merge key.
    scratch.write(
        "siblings.yaml",
        b"apiVersion: v1\nkind: Pod\nmetadata: {name: s}\nx: &x {a: 1}\ny: &y {b: 2}\nz: {<<: *x, <<: *y}\nspec:\n  containers:\n  - {name: a, image: example.com/sib:1}\n  - {name: b, image: example.com/sib:2}\n",
    );
    let run = scratch.run_limited(&["scan", "good.yaml", "pod.yaml", "siblings.yaml"]);
    assert_good_still_reported(&run);
    assert_eq!(run.code, 2, "{}", run.stderr);
    let lines = run.lines();
    assert!(lines.contains(&"example.com/last:2"), "{}", run.stdout);
    assert!(lines.contains(&"example.com/other:3"));
    assert!(
        !lines.contains(&"example.com/first:1"),
        "the value Kubernetes and Helm drop is not an image: {}",
        run.stdout
    );
    assert!(lines.contains(&"example.com/sib:1") && lines.contains(&"example.com/sib:2"));
    let errors: Vec<&str> = run
        .stderr
        .lines()
        .filter(|l| l.contains("[D009]"))
        .collect();
    assert_eq!(errors.len(), 1, "{}", run.stderr);
    assert!(
        errors[0].starts_with(
            "pod.yaml:9:5: error[D009]: mapping key \"image\" is given twice (first at line 8)"
        ),
        "{}",
        errors[0]
    );
}

#[test]
fn a_values_file_giving_a_key_twice_reads_the_last_as_helm_does() {
    let scratch = Scratch::new();
    scratch.write(
        "values.yaml",
        b"image:\n  repository: example.com/app\n  tag: \"1.0\"\n  tag: \"2.0\"\n",
    );
    let run = scratch.run_limited(&["scan", "good.yaml", "--values", "values.yaml"]);
    assert_good_still_reported(&run);
    assert_eq!(run.code, 2);
    assert!(
        run.lines().contains(&"example.com/app:2.0"),
        "{}",
        run.stdout
    );
    assert!(!run.lines().contains(&"example.com/app:1.0"));
    assert!(
        run.stderr.contains("values.yaml:4:3: error[D009]"),
        "{}",
        run.stderr
    );
}

#[test]
fn names_with_control_characters_are_escaped_wherever_they_are_printed() {
    let scratch = Scratch::new();
    // A values file whose name carries a new line and YAML, and one with a terminal escape.
    let injected = "v\nsecurityContext: {privileged: true}\n.yaml";
    scratch.write(
        injected,
        b"image:\n  repository: example.com/app\n  tag: \"1.0\"\n",
    );
    let run = scratch.run_limited(&[
        "overlay",
        "--registry",
        "mirror.local",
        "--values",
        injected,
    ]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let overlay: serde_json::Value = common::yaml_to_json(&run.stdout);
    assert!(
        overlay.get("securityContext").is_none(),
        "a file name must not add keys to the overlay:\n{}",
        run.stdout
    );
    assert!(run.stdout.contains("v\\nsecurityContext"), "{}", run.stdout);
    assert_eq!(
        overlay["image"]["repository"],
        serde_json::json!("mirror.local/app"),
        "{}",
        run.stdout
    );

    let escape = "e\u{1b}[2J\u{202e}.yaml";
    scratch.write(escape, b"apiVersion: v1\nkind: Pod\nmetadata: {name: \"p\\e[31m\"}\nspec: {containers: [{name: c, image: \"bad image\"}, {name: d, image: example.com/esc:1}]}\n");
    let run = scratch.run_limited(&["scan", "good.yaml", escape]);
    assert_good_still_reported(&run);
    assert!(
        !run.stderr.contains('\u{1b}') && !run.stderr.contains('\u{202e}'),
        "{:?}",
        run.stderr
    );
    assert!(
        run.stderr.contains("e\\u{1b}[2J\\u{202e}.yaml:4:"),
        "{}",
        run.stderr
    );
    for args in [
        vec!["scan", "-o", "table", escape, "good.yaml"],
        vec!["scan", "--why", "example.com/esc:1", escape],
    ] {
        let run = scratch.run_limited(&args);
        assert!(
            run.stdout.contains("e\\u{1b}[2J\\u{202e}.yaml"),
            "{args:?}: {}",
            run.stdout
        );
        assert!(
            !run.stdout.contains('\u{1b}') && !run.stderr.contains('\u{1b}'),
            "{args:?}: {:?} {:?}",
            run.stdout,
            run.stderr
        );
    }
}

#[test]
fn a_secret_named_as_values_is_never_read_or_echoed() {
    let scratch = Scratch::new();
    scratch.write(
        "secret.yaml",
        b"apiVersion: v1\nkind: Secret\nmetadata:\n  name: creds\nstringData:\n  image: example.com/secret:1\n  imageTag: \"hunter2 not a tag\"\n  password: hunter2\ndata:\n  image: ZXhhbXBsZS5jb20vYjY0OjE=\n",
    );
    // Decoy: a values file whose keys look like a Secret's but has no kind is read.
    scratch.write(
        "values.yaml",
        b"stringData:\n  image:\n    repository: example.com/values\n    tag: \"1.0\"\n",
    );
    for command in ["scan", "overlay"] {
        let mut args = vec![
            command,
            "--values",
            "secret.yaml",
            "--values",
            "values.yaml",
        ];
        if command == "overlay" {
            args.extend(["--registry", "mirror.local"]);
        } else {
            args.push("good.yaml");
        }
        let run = scratch.run_limited(&args);
        assert_eq!(run.code, 0, "{command}: {}", run.stderr);
        if command == "scan" {
            assert_good_still_reported(&run);
            assert!(
                run.lines().contains(&"example.com/values:1.0"),
                "{}",
                run.stdout
            );
        } else {
            assert!(run.stdout.contains("mirror.local/values"), "{}", run.stdout);
        }
        for secret in ["secret:1", "hunter2", "b64", "ZXhhbXBsZS5jb20vYjY0OjE"] {
            assert!(
                !run.stdout.contains(secret) && !run.stderr.contains(secret),
                "{command}: a Secret's data must never be printed ({secret}):\n{}\n{}",
                run.stdout,
                run.stderr
            );
        }
        assert!(
            run.stderr
                .contains("secret.yaml:1:1: warning[V003]: Secret \"creds\""),
            "{command}: {}",
            run.stderr
        );
    }
}

/// Packs `names` under `dir` into the gzip-compressed tar `out` with GNU tar, which reads
/// sparse files as zeros: gigabyte-sized members cost no disk and little time.
fn tar_gz(dir: &Path, out: &Path, names: &[&str]) {
    let status = std::process::Command::new("tar")
        .args(["-I", "gzip -1", "-cf"])
        .arg(out)
        .arg("-C")
        .arg(dir)
        .args(names)
        .status()
        .unwrap_or_else(|e| panic!("cannot run tar: {e}"));
    assert!(status.success(), "tar failed");
}

/// A file of `bytes` zeros that takes no disk.
fn sparse(path: &Path, bytes: u64) {
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent).unwrap_or_else(|e| panic!("{e}"));
    }
    let file = std::fs::File::create(path).unwrap_or_else(|e| panic!("{e}"));
    file.set_len(bytes).unwrap_or_else(|e| panic!("{e}"));
}

const CHART: &str = "apiVersion: v2\nname: NAME\nversion: 1.0.0\n";

#[test]
fn subchart_archives_share_one_budget_across_levels() {
    let scratch = Scratch::new();
    // A subchart within Helm's bounds (18 files of almost 5 MiB, 90 MiB in all) packed
    // small, and a chart vendoring it twenty times: each archive passes Helm's per-archive
    // bound; together they decompress to 1.8 GB.
    let sub = scratch.path("build/sub");
    scratch.write(
        "build/sub/Chart.yaml",
        CHART.replace("NAME", "sub").as_bytes(),
    );
    for i in 0..18 {
        sparse(
            &sub.join(format!("files/zero-{i:02}.bin")),
            (5 << 20) - 1024,
        );
    }
    tar_gz(&scratch.path("build"), &scratch.path("sub.tgz"), &["sub"]);
    let top = scratch.path("build/top");
    scratch.write(
        "build/top/Chart.yaml",
        CHART.replace("NAME", "top").as_bytes(),
    );
    for i in 0..20 {
        std::fs::copy(
            scratch.path("sub.tgz"),
            top.join(format!("charts/sub-{i:02}.tgz")),
        )
        .or_else(|_| {
            std::fs::create_dir_all(top.join("charts"))?;
            std::fs::copy(
                scratch.path("sub.tgz"),
                top.join(format!("charts/sub-{i:02}.tgz")),
            )
        })
        .unwrap_or_else(|e| panic!("{e}"));
    }
    tar_gz(&scratch.path("build"), &scratch.path("top.tgz"), &["top"]);
    for input in ["top.tgz", "build/top"] {
        let run = scratch.run_limited(&["scan", "good.yaml", input]);
        assert_good_still_reported(&run);
        assert_eq!(run.code, 2, "{input}: {}", run.stderr);
        assert!(
            run.stderr.contains(
                "decompress to more than 256 MiB, imgsift's bound on one chart with its subcharts"
            ),
            "{input}: {}",
            run.stderr
        );
    }
}

#[test]
fn archive_bounds_are_named_and_refuse_the_chart_as_helm_does() {
    let scratch = Scratch::new();
    scratch.write(
        "build/loose/Chart.yaml",
        CHART.replace("NAME", "loose").as_bytes(),
    );
    scratch.write(
        "build/loose/values.yaml",
        b"image:\n  repository: example.com/after\n  tag: \"1.0\"\n",
    );
    // A vendored "archive" of 50 MB of zeros: over Helm's 5 MiB bound on a file, under its
    // 100 MiB bound on a chart. Then 1.2 GB: over the bound on the whole stream.
    let cases = [
        (
            50u64 << 20,
            "decompressed chart file \"loose/charts/inner.tgz\" is larger than the maximum file size 5242880; the chart was not read, as Helm refuses it",
        ),
        (
            1200 << 20,
            "decompressed chart is larger than the maximum size 104857600; the chart was not read, as Helm refuses it",
        ),
    ];
    for (size, message) in cases {
        sparse(&scratch.path("build/loose/charts/inner.tgz"), size);
        tar_gz(
            &scratch.path("build"),
            &scratch.path("loose.tgz"),
            &[
                "loose/Chart.yaml",
                "loose/charts/inner.tgz",
                "loose/values.yaml",
            ],
        );
        let run = scratch.run_limited(&["scan", "good.yaml", "loose.tgz"]);
        assert_good_still_reported(&run);
        assert_eq!(run.code, 2, "{}", run.stderr);
        assert!(
            run.stderr
                .contains(&format!("loose.tgz:1:1: error[I006]: {message}")),
            "{size}: {}",
            run.stderr
        );
        assert!(!run.stdout.contains("example.com/after"), "{}", run.stdout);
    }
}

/// A gzip-compressed tar whose entry names are written as given, `../` and `/` included (tar
/// builders refuse to write them, as an attacker's tool would not).
fn raw_tgz(entries: &[(&str, &[u8])]) -> Vec<u8> {
    let mut builder = tar::Builder::new(flate2::write::GzEncoder::new(
        Vec::new(),
        flate2::Compression::fast(),
    ));
    for (name, data) in entries {
        let mut header = tar::Header::new_gnu();
        let field = &mut header.as_old_mut().name;
        field[..name.len()].copy_from_slice(name.as_bytes());
        header.set_size(data.len() as u64);
        header.set_mode(0o644);
        header.set_entry_type(tar::EntryType::Regular);
        header.set_cksum();
        builder
            .append(&header, *data)
            .unwrap_or_else(|e| panic!("{e}"));
    }
    builder
        .into_inner()
        .and_then(|gz| gz.finish())
        .unwrap_or_else(|e| panic!("{e}"))
}

#[test]
fn archive_entries_leaving_the_chart_are_refused_as_helm_refuses_them() {
    let scratch = Scratch::new();
    let chart = CHART.replace("NAME", "evil");
    let values: &[u8] = b"image:\n  repository: example.com/evil\n  tag: \"1.0\"\n";
    let cases = [
        (
            "parent.tgz",
            "evil/../../values.yaml",
            "chart illegally references parent directory",
        ),
        (
            "absolute.tgz",
            "evil//etc/values.yaml",
            "chart illegally contains absolute paths",
        ),
    ];
    for (name, entry, message) in cases {
        scratch.write(
            name,
            raw_tgz(&[("evil/Chart.yaml", chart.as_bytes()), (entry, values)]),
        );
        // Named on its own, the archive is a chart that Helm refuses to load.
        let run = scratch.run_limited(&["scan", "good.yaml", name]);
        assert_good_still_reported(&run);
        assert_eq!(run.code, 2, "{name}: {}", run.stderr);
        assert!(
            run.stderr
                .contains(&format!("{name}:1:1: error[I006]: {message}")),
            "{name}: {}",
            run.stderr
        );
        assert!(!run.stdout.contains("example.com/evil"), "{}", run.stdout);

        // Vendored in a chart folder, it makes the chart unloadable, as in Helm; the
        // folder's own values stand in.
        scratch.write("app/Chart.yaml", CHART.replace("NAME", "app").as_bytes());
        scratch.write(
            "app/values.yaml",
            b"image:\n  repository: example.com/app\n  tag: \"2.0\"\n",
        );
        std::fs::create_dir_all(scratch.path("app/charts")).unwrap_or_else(|e| panic!("{e}"));
        std::fs::copy(scratch.path(name), scratch.path("app/charts/evil.tgz"))
            .unwrap_or_else(|e| panic!("{e}"));
        let run = scratch.run_limited(&["scan", "good.yaml", "app"]);
        assert_good_still_reported(&run);
        assert!(
            run.lines().contains(&"example.com/app:2.0"),
            "{}",
            run.stdout
        );
        assert!(
            run.stderr.contains(&format!(
                "app/Chart.yaml:1:1: error[H001]: the chart cannot be loaded: error unpacking subchart evil.tgz in app: {message}"
            )),
            "{name}: {}",
            run.stderr
        );
        assert!(!run.stdout.contains("example.com/evil"), "{}", run.stdout);
    }
}

#[test]
fn a_document_over_the_size_bound_of_short_lines_is_skipped_and_the_next_one_read() {
    let scratch = Scratch::new();
    // 200 MB of six-byte lines: skipping it must not move the buffer once per line.
    let mut text = b"apiVersion: v1\nkind: ConfigMap\nmetadata: {name: big}\ndata:\n".to_vec();
    let lines = b"  k: v\n".repeat(1 << 20);
    for _ in 0..28 {
        text.extend_from_slice(&lines);
    }
    text.extend_from_slice(b"- marker-like line inside the big document\n");
    text.extend_from_slice(b"---\n");
    text.extend_from_slice(GOOD.replace("good", "after").as_bytes());
    scratch.write("big.yaml", &text);
    drop(text);
    let run = scratch.run_limited(&["scan", "good.yaml", "big.yaml"]);
    assert_good_still_reported(&run);
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(
        run.lines().contains(&"example.com/after:1"),
        "{}",
        run.stdout
    );
    assert!(
        run.stderr.contains(
            "big.yaml:1:1: error[D002]: document 1 is larger than 64 MiB; it was not scanned"
        ),
        "{}",
        run.stderr
    );
}

const VALUES: &[u8] = b"image:\n  repository: example.com/app\n  tag: \"1.0\"\n";

#[test]
fn overlay_outputs_that_would_land_on_one_path_are_refused() {
    let scratch = Scratch::new();
    scratch.write("w/d/values.yaml", VALUES);
    scratch.write("d/values.yaml", VALUES);
    let run = command_in(
        &scratch.path("w"),
        &[
            "overlay",
            "--registry",
            "mirror.local",
            "--out-dir",
            "out",
            "--values",
            "d/values.yaml",
            "--values",
            "../d/values.yaml",
        ],
    )
    .output()
    .map(Run::from)
    .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(
        run.stderr.contains(
            "imgsift: ../d/values.yaml and d/values.yaml would both be written to out/d/values.yaml"
        ),
        "{}",
        run.stderr
    );
    assert!(run.stderr.contains("nothing was written"), "{}", run.stderr);
    assert!(
        !scratch.path("w/out").exists(),
        "nothing is written when one output collides"
    );
}

#[test]
fn an_out_dir_file_imgsift_did_not_write_is_never_replaced() {
    let scratch = Scratch::new();
    scratch.write("app.yaml", GOOD.as_bytes());
    let foreign = b"resources: [../app.yaml]\n# the user's own kustomization\n";
    scratch.write("out/kustomization.yaml", foreign);
    let args = [
        "overlay",
        "-o",
        "kustomize",
        "--registry",
        "mirror.local",
        "--out-dir",
        "out",
        "app.yaml",
    ];
    let run = scratch.run_limited(&args);
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(
        run.stderr
            .contains("out/kustomization.yaml exists and is not a file imgsift wrote there"),
        "{}",
        run.stderr
    );
    let kept = std::fs::read(scratch.path("out/kustomization.yaml")).unwrap_or_default();
    assert_eq!(kept, foreign, "the user's file is untouched");

    // In a fresh folder imgsift writes it, and replaces its own file on the next run.
    std::fs::remove_file(scratch.path("out/kustomization.yaml")).unwrap_or_else(|e| panic!("{e}"));
    for _ in 0..2 {
        let run = scratch.run_limited(&args);
        assert_eq!(run.code, 0, "{}", run.stderr);
        assert!(
            run.stderr.contains("imgsift: wrote out/kustomization.yaml"),
            "{}",
            run.stderr
        );
    }
    let written =
        std::fs::read_to_string(scratch.path("out/kustomization.yaml")).unwrap_or_default();
    assert!(
        written.contains("newName: \"mirror.local/good\""),
        "{written}"
    );

    // Once the user edits it, it is theirs again.
    scratch.write(
        "out/kustomization.yaml",
        format!("{written}# edited\n").as_bytes(),
    );
    let run = scratch.run_limited(&args);
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(
        std::fs::read_to_string(scratch.path("out/kustomization.yaml"))
            .unwrap_or_default()
            .ends_with("# edited\n")
    );
}

#[test]
fn a_symbolic_link_planted_in_the_out_dir_is_not_followed() {
    let scratch = Scratch::new();
    scratch.write("charts/app/values.yaml", VALUES);
    std::fs::create_dir_all(scratch.path("elsewhere")).unwrap_or_else(|e| panic!("{e}"));
    std::fs::create_dir_all(scratch.path("out")).unwrap_or_else(|e| panic!("{e}"));
    std::os::unix::fs::symlink(scratch.path("elsewhere"), scratch.path("out/charts"))
        .unwrap_or_else(|e| panic!("{e}"));
    let run = scratch.run_limited(&[
        "overlay",
        "--registry",
        "mirror.local",
        "--out-dir",
        "out",
        "--values",
        "charts/app/values.yaml",
    ]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(
        run.stderr
            .contains("out/charts is a symbolic link inside the output folder"),
        "{}",
        run.stderr
    );
    let leaked = std::fs::read_dir(scratch.path("elsewhere"))
        .map(|entries| entries.count())
        .unwrap_or(0);
    assert_eq!(leaked, 0, "nothing is written through the link");

    // The out-dir itself may be a link: the user named it.
    std::fs::remove_file(scratch.path("out/charts")).unwrap_or_else(|e| panic!("{e}"));
    std::os::unix::fs::symlink(scratch.path("elsewhere"), scratch.path("linked"))
        .unwrap_or_else(|e| panic!("{e}"));
    let run = scratch.run_limited(&[
        "overlay",
        "--registry",
        "mirror.local",
        "--out-dir",
        "linked",
        "--values",
        "charts/app/values.yaml",
    ]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(scratch.path("elsewhere/charts/app/values.yaml").is_file());
}

#[test]
fn values_whose_shared_parts_expand_without_bound_are_refused_by_every_walker() {
    let scratch = Scratch::new();
    scratch.write("bomb/Chart.yaml", CHART.replace("NAME", "bomb").as_bytes());
    // Forty levels of a dict holding itself twice: 2^40 values once walked, in a few bytes.
    let bomb = r#"{{ $d := dict }}{{ range until 40 }}{{ $d = dict "a" $d "b" $d }}{{ end }}"#;
    let uses = [
        ("deepcopy", "{{ deepCopy $d | len }}"),
        ("printf", r#"{{ printf "%v" $d | len }}"#),
        ("eq", "{{ eq $d $d }}"),
        ("print", "{{ $d }}"),
        ("toyaml", "{{ toYaml $d | len }}"),
        ("tojson", "{{ toJson $d | len }}"),
        ("totoml", "{{ toToml $d | len }}"),
    ];
    for (name, use_) in uses {
        scratch.write(
            &format!("bomb/templates/{name}.yaml"),
            format!("{bomb}apiVersion: v1\nkind: ConfigMap\nmetadata: {{name: {name}}}\ndata:\n  n: \"{use_}\"\n").as_bytes(),
        );
    }
    scratch.write(
        "bomb/templates/pod.yaml",
        GOOD.replace("good", "chart").as_bytes(),
    );
    let run = scratch.run_limited(&["scan", "good.yaml", "bomb"]);
    assert_good_still_reported(&run);
    assert!(
        run.lines().contains(&"example.com/chart:1"),
        "{}",
        run.stdout
    );
    assert_eq!(run.code, 2, "{}", run.stderr);
    // Walkers that fail the template say why; Helm's error-swallowing encoders print "".
    for name in ["deepcopy", "printf", "eq", "print"] {
        assert!(
            run.stderr
                .lines()
                .any(|l| l.contains(&format!("bomb/templates/{name}.yaml"))
                    && l.contains("error[H003]")
                    && l.contains("value too large")),
            "{name}: {}",
            run.stderr
        );
    }
    for name in ["toyaml", "tojson", "totoml"] {
        assert!(
            !run.stderr.contains(&format!("bomb/templates/{name}.yaml")),
            "{name} prints what Helm prints on an encoding error: {}",
            run.stderr
        );
    }
}
