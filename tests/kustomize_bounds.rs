//! Bounded kustomize builds: transforms that copy are counted against the build's node
//! budget before they copy, aliases a build expands are bounded, and kustomize's load
//! restrictor decides which files a kustomization may read.
//!
//! Every case runs under an address-space limit (so a buffer without bound fails the test
//! instead of passing on a big machine), with a good file beside the hostile root whose image
//! must still be reported, and checks the diagnostic's code and position and the exit code.
//! Where kubectl is installed, the restrictor's accept/refuse decision on each fixture is
//! compared with `kubectl kustomize`'s.

mod common;

use std::path::Path;
use std::process::{Command, Stdio};

use common::{Run, Scratch, assert_good_still_reported};

const OUTSIDE: &str = "apiVersion: v1\nkind: Pod\nmetadata: {name: out}\nspec: {containers: [{name: c, image: \"example.com/outside:1\"}]}\n";

const BASE_POD: &str = "apiVersion: v1\nkind: Pod\nmetadata: {name: base}\nspec: {containers: [{name: c, image: \"example.com/base:1\"}]}\n";

/// A [`Scratch`] that also holds `outside/file.yaml` and a kustomize base `base/`;
/// kustomization roots are made in it.
fn scratch() -> Scratch {
    let scratch = Scratch::new();
    scratch.write("outside/file.yaml", OUTSIDE);
    scratch.write("base/kustomization.yaml", "resources:\n- pod.yaml\n");
    scratch.write("base/pod.yaml", BASE_POD);
    scratch
}

/// Makes `name` a symbolic link to `target`, its folders created.
fn symlink(scratch: &Scratch, target: &str, name: &str) {
    let path = scratch.path(name);
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent).unwrap_or_else(|e| panic!("{e}"));
    }
    std::os::unix::fs::symlink(target, &path).unwrap_or_else(|e| panic!("{e}"));
}

/// The diagnostic lines of `stderr` with `code` at `file:line:column`.
fn diagnostic<'r>(run: &'r Run, at: &str, code: &str) -> &'r str {
    let prefix = format!("{at}: error[{code}]");
    run.stderr
        .lines()
        .find(|line| line.starts_with(&prefix))
        .unwrap_or_else(|| panic!("no {prefix} in:\n{}", run.stderr))
}

fn kubectl_present() -> bool {
    Command::new("kubectl")
        .args(["version", "--client"])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success())
}

/// Whether `kubectl kustomize` builds `root` (with `--load-restrictor none` when `none`);
/// `None` where kubectl is not installed.
fn kubectl_builds(dir: &Path, root: &str, none: bool) -> Option<bool> {
    if !kubectl_present() {
        return None;
    }
    let mut args = vec!["kustomize", root];
    if none {
        args.extend(["--load-restrictor", "LoadRestrictionsNone"]);
    }
    let status = Command::new("kubectl")
        .args(&args)
        .current_dir(dir)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .unwrap_or_else(|e| panic!("{e}"));
    Some(status.success())
}

/// imgsift refuses what kubectl kustomize refuses, and builds what it builds.
fn assert_kubectl_agrees(scratch: &Scratch, root: &str, none: bool, refused: bool) {
    if let Some(builds) = kubectl_builds(scratch.dir(), root, none) {
        assert_eq!(
            builds, !refused,
            "kubectl kustomize {root} (none: {none}) builds: {builds}; imgsift refused: {refused}"
        );
    }
}

/// `count` copies of a resource of kind Bomb, named b0, b1, …
fn bombs(count: usize) -> String {
    (0..count)
        .map(|i| format!("apiVersion: example.com/v1\nkind: Bomb\nmetadata: {{name: b{i}}}\nspec:\n  l: [{{image: \"example.com/bomb:1\"}}]\n"))
        .collect::<Vec<_>>()
        .join("---\n")
}

/// YAML for a value whose aliases expand 4^`levels`-fold, under `indent` spaces, with its
/// anchors named `{name}0`, `{name}1`, …: the last anchor is `{name}{levels}`.
fn alias_tower(name: &str, levels: usize, indent: usize) -> String {
    let pad = " ".repeat(indent);
    let mut text = format!("{pad}{name}0: &{name}0 x\n");
    for i in 1..=levels {
        let prev = format!("*{name}{}", i - 1);
        text.push_str(&format!(
            "{pad}{name}{i}: &{name}{i} [{prev}, {prev}, {prev}, {prev}]\n"
        ));
    }
    text
}

#[test]
fn a_json6902_copy_that_doubles_a_list_forty_times_stops_at_the_node_budget() {
    let scratch = scratch();
    scratch.write(
        "bomb/res.yaml",
        format!(
            "{}---\napiVersion: v1\nkind: Pod\nmetadata: {{name: also}}\nspec: {{containers: [{{name: c, image: \"example.com/also:1\"}}]}}\n",
            bombs(1)
        ),
    );
    let mut k =
        String::from("resources:\n- res.yaml\npatches:\n- target: {kind: Bomb}\n  patch: |\n");
    for _ in 0..40 {
        k.push_str("    - {op: copy, from: /spec/l, path: /spec/l/-}\n");
    }
    // A transform after the patch still runs.
    k.push_str("images:\n- {name: example.com/also, newTag: \"2\"}\n");
    assert!(k.len() < 8 << 10, "an 8 KB kustomization: {}", k.len());
    scratch.write("bomb/kustomization.yaml", &k);
    let run = scratch.run_limited(&["scan", "bomb", "good.yaml"]);
    assert_good_still_reported(&run);
    assert_eq!(run.code, 2, "{}", run.stderr);
    let lines = run.lines();
    assert!(lines.contains(&"example.com/also:2"), "{}", run.stdout);
    assert!(lines.contains(&"example.com/bomb:1"), "{}", run.stdout);
    // The list holds 3·2^k nodes after k copies: the copy that would pass two million is the
    // 20th (3·2^19 = 1572864 nodes more on top of 1572864), written on line 5 + 20.
    let line = diagnostic(&run, "bomb/kustomization.yaml:25:7", "K006");
    assert!(
        line.contains("JSON 6902 `copy`")
            && line.contains("1572864 YAML nodes")
            && line.contains("budget of 2000000 nodes"),
        "{line}"
    );
}

#[test]
fn an_add_of_a_big_value_repeated_over_ops_and_resources_stops_at_the_node_budget() {
    let scratch = scratch();
    scratch.write("add/res.yaml", bombs(10));
    // One value of 4^7 = 16384 leaves, added forty times to each of ten resources: 6.5
    // million nodes, past the budget in the fourth resource.
    let mut k = String::from(
        "resources:\n- res.yaml\npatches:\n- target: {kind: Bomb}\n  patch: |\n    - op: add\n      path: /spec/v0\n      value:\n",
    );
    k.push_str(&alias_tower("a", 7, 8));
    for i in 1..40 {
        k.push_str(&format!(
            "    - {{op: add, path: /spec/v{i}, value: *a7}}\n"
        ));
    }
    scratch.write("add/kustomization.yaml", &k);
    let run = scratch.run_limited(&["scan", "add", "good.yaml"]);
    assert_good_still_reported(&run);
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(
        run.lines().contains(&"example.com/bomb:1"),
        "{}",
        run.stdout
    );
    let k006: Vec<&str> = run
        .stderr
        .lines()
        .filter(|l| l.contains("error[K006]"))
        .collect();
    assert_eq!(
        k006.len(),
        1,
        "one diagnostic, then the patch stops: {k006:?}"
    );
    assert!(
        k006[0].starts_with("add/kustomization.yaml:")
            && k006[0].contains("JSON 6902 `add`")
            && k006[0].contains("budget of 2000000 nodes"),
        "{}",
        k006[0]
    );
}

#[test]
fn replacements_that_create_fields_stop_at_the_node_and_depth_budgets() {
    let scratch = scratch();
    // A ConfigMap whose `data.big` expands to 4^8 = 65536 leaves, copied into forty created
    // fields of twenty resources: fifty million nodes.
    let mut res = format!(
        "{}---\napiVersion: v1\nkind: ConfigMap\nmetadata: {{name: src}}\ndata:\n  image: \"example.com/replaced:1\"\n  big:\n    tower:\n",
        bombs(20)
    );
    res.push_str(&alias_tower("t", 8, 6));
    res.push_str("---\napiVersion: v1\nkind: Pod\nmetadata: {name: target}\nspec: {containers: [{name: c, image: \"example.com/before:1\"}]}\n");
    scratch.write("repl/res.yaml", &res);
    let paths: Vec<String> = (0..40).map(|i| format!("spec.a{i}")).collect();
    let deep = vec!["a"; 1000].join(".");
    let k = format!(
        "resources:\n- res.yaml\nreplacements:\n\
         - source: {{kind: ConfigMap, name: src, fieldPath: data.big}}\n  targets:\n  - select: {{kind: Bomb}}\n    fieldPaths: [{}]\n    options: {{create: true}}\n\
         - source: {{kind: ConfigMap, name: src, fieldPath: data.image}}\n  targets:\n  - select: {{kind: Bomb}}\n    fieldPaths: [{deep}]\n    options: {{create: true}}\n\
         - source: {{kind: ConfigMap, name: src, fieldPath: data.image}}\n  targets:\n  - select: {{kind: Pod}}\n    fieldPaths: [spec.containers.0.image]\n",
        paths.join(", ")
    );
    scratch.write("repl/kustomization.yaml", &k);
    let run = scratch.run_limited(&["scan", "repl", "good.yaml"]);
    assert_good_still_reported(&run);
    assert_eq!(run.code, 2, "{}", run.stderr);
    // The replacement after the two that stopped still ran.
    let lines = run.lines();
    assert!(lines.contains(&"example.com/replaced:1"), "{}", run.stdout);
    assert!(!lines.contains(&"example.com/before:1"), "{}", run.stdout);
    let nodes = diagnostic(&run, "repl/kustomization.yaml:4:3", "K006");
    assert!(
        nodes.contains("replacement") && nodes.contains("budget of 2000000 nodes"),
        "{nodes}"
    );
    let depth = diagnostic(&run, "repl/kustomization.yaml:9:3", "K006");
    assert!(depth.contains("depth bound of 512"), "{depth}");
}

#[test]
fn an_alias_bomb_inside_a_resource_is_bounded_in_a_build_as_in_a_scan() {
    let scratch = scratch();
    // 4^11 = 4 million leaves: under the scan's expansion bound (16 million, and free in a
    // scan, which never copies), over what a build, which copies every one, can hold.
    let mut res =
        String::from("apiVersion: example.com/v1\nkind: Bomb\nmetadata: {name: laughs}\nspec:\n");
    res.push_str(&alias_tower("a", 11, 2));
    res.push_str("---\napiVersion: v1\nkind: Pod\nmetadata: {name: next}\nspec: {containers: [{name: c, image: \"example.com/next:1\"}]}\n");
    scratch.write("laughs/res.yaml", &res);
    scratch.write("laughs/kustomization.yaml", "resources:\n- res.yaml\n");
    let run = scratch.run_limited(&["scan", "laughs", "good.yaml"]);
    assert_good_still_reported(&run);
    assert_eq!(run.code, 2, "{}", run.stderr);
    // The document after the bomb is still built.
    assert!(
        run.lines().contains(&"example.com/next:1"),
        "{}",
        run.stdout
    );
    let line = diagnostic(&run, "laughs/res.yaml:1:1", "D007");
    assert!(
        line.contains("aliases expand this document") && line.contains("budget of 2000000 nodes"),
        "{line}"
    );
    // A plain scan of the same file reads it: its aliases are never copied.
    let run = scratch.run_limited(&["scan", "laughs/res.yaml", "good.yaml"]);
    assert_good_still_reported(&run);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        run.lines().contains(&"example.com/next:1"),
        "{}",
        run.stdout
    );
    // Past the scan's own bound, a build gives the scan's diagnostic.
    let mut res =
        String::from("apiVersion: example.com/v1\nkind: Bomb\nmetadata: {name: more}\nspec:\n");
    res.push_str(&alias_tower("a", 13, 2));
    scratch.write("more/res.yaml", &res);
    scratch.write("more/kustomization.yaml", "resources:\n- res.yaml\n");
    let run = scratch.run_limited(&["scan", "more", "good.yaml"]);
    assert_good_still_reported(&run);
    assert_eq!(run.code, 2, "{}", run.stderr);
    let line = diagnostic(&run, "more/res.yaml:17:26", "D007");
    assert!(line.contains("more than 16000000 nodes"), "{line}");
}

#[test]
fn a_resource_file_outside_the_root_is_refused_as_kustomize_refuses_it() {
    let scratch = scratch();
    scratch.write(
        "app/kustomization.yaml",
        "resources:\n- ../outside/file.yaml\n",
    );
    let run = scratch.run_limited(&["scan", "app", "good.yaml"]);
    assert_good_still_reported(&run);
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(!run.stdout.contains("outside:1"), "{}", run.stdout);
    let line = diagnostic(&run, "app/kustomization.yaml:2:3", "K014");
    assert!(
        line.contains("outside/file.yaml") && line.contains("LoadRestrictionsRootOnly"),
        "{line}"
    );
    assert_kubectl_agrees(&scratch, "app", false, true);
}

#[test]
fn absolute_paths_devices_and_standard_input_are_refused_as_outside_the_root() {
    let scratch = scratch();
    let outside = scratch.path("outside/file.yaml");
    for (name, entry) in [
        ("absolute", outside.to_string_lossy().into_owned()),
        ("passwd", "/etc/passwd".to_owned()),
        ("zero", "/dev/zero".to_owned()),
        ("stdin", "/dev/stdin".to_owned()),
    ] {
        scratch.write(
            &format!("{name}/kustomization.yaml"),
            format!("resources:\n- {entry}\n"),
        );
        let run = scratch.run_limited(&["scan", name, "good.yaml"]);
        assert_good_still_reported(&run);
        assert_eq!(run.code, 2, "{name}: {}", run.stderr);
        assert!(!run.stdout.contains("outside:1"), "{}", run.stdout);
        diagnostic(&run, &format!("{name}/kustomization.yaml:2:3"), "K014");
        assert_kubectl_agrees(&scratch, name, false, true);
    }
}

#[test]
fn a_symlink_inside_the_root_to_a_file_outside_is_refused_and_one_to_a_file_inside_is_read() {
    let scratch = scratch();
    symlink(&scratch, "../outside/file.yaml", "link/pod.yaml");
    scratch.write("link/kustomization.yaml", "resources:\n- pod.yaml\n");
    // The kustomization file given, not its folder: a walk of the folder would scan the
    // link as a file of its own, which is not what is tested here.
    let run = scratch.run_limited(&["scan", "link/kustomization.yaml", "good.yaml"]);
    assert_good_still_reported(&run);
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(!run.stdout.contains("outside:1"), "{}", run.stdout);
    let line = diagnostic(&run, "link/kustomization.yaml:2:3", "K014");
    assert!(line.contains("with symbolic links resolved"), "{line}");
    assert_kubectl_agrees(&scratch, "link", false, true);

    // A folder inside the root that is a link to one outside is outside too.
    symlink(&scratch, "../outside", "linkdir/sub");
    scratch.write(
        "linkdir/kustomization.yaml",
        "resources:\n- sub/file.yaml\n",
    );
    let run = scratch.run_limited(&["scan", "linkdir/kustomization.yaml", "good.yaml"]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    diagnostic(&run, "linkdir/kustomization.yaml:2:3", "K014");
    assert_kubectl_agrees(&scratch, "linkdir", false, true);

    // A kustomization file that is a link to one outside is refused as kustomize refuses it.
    scratch.write("outside/kustomization.yaml", "resources:\n- file.yaml\n");
    symlink(
        &scratch,
        "../outside/kustomization.yaml",
        "linkk/kustomization.yaml",
    );
    let run = scratch.run_limited(&["scan", "linkk", "good.yaml"]);
    assert_good_still_reported(&run);
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(!run.stdout.contains("outside:1"), "{}", run.stdout);
    diagnostic(&run, "linkk:1:1", "K014");
    assert_kubectl_agrees(&scratch, "linkk", false, true);

    scratch.write("inside/real.yaml", OUTSIDE);
    symlink(&scratch, "real.yaml", "inside/pod.yaml");
    scratch.write("inside/kustomization.yaml", "resources:\n- pod.yaml\n");
    let run = scratch.run_limited(&["scan", "inside/kustomization.yaml", "good.yaml"]);
    assert_good_still_reported(&run);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        run.lines().contains(&"example.com/outside:1"),
        "{}",
        run.stdout
    );
    assert_kubectl_agrees(&scratch, "inside", false, false);
}

#[test]
fn a_pipe_inside_the_root_is_never_opened() {
    let scratch = scratch();
    std::fs::create_dir_all(scratch.path("pipe")).unwrap_or_else(|e| panic!("{e}"));
    let status = Command::new("mkfifo")
        .arg(scratch.path("pipe/pod.yaml"))
        .status()
        .unwrap_or_else(|e| panic!("mkfifo: {e}"));
    assert!(status.success());
    scratch.write(
        "pipe/kustomization.yaml",
        "resources:\n- pod.yaml\n- ../base\n",
    );
    // kubectl kustomize blocks on such a pipe, so it is not asked here.
    for extra in [&[][..], &["--load-restrictor", "LoadRestrictionsNone"][..]] {
        let mut args = vec!["scan", "pipe", "good.yaml"];
        args.extend(extra);
        let run = scratch.run_limited(&args);
        assert_good_still_reported(&run);
        assert_eq!(run.code, 2, "{}", run.stderr);
        assert!(
            run.lines().contains(&"example.com/base:1"),
            "{}",
            run.stdout
        );
        let line = diagnostic(&run, "pipe/kustomization.yaml:2:3", "K007");
        assert!(line.contains("not a regular file"), "{line}");
    }
}

#[test]
fn a_sparse_file_larger_than_the_byte_budget_is_never_read_whole() {
    let scratch = scratch();
    // Holes cost no disk. 2 GB read whole would pass the address-space limit, so the limit
    // proves the file is not read before the budget (128 MiB) is checked.
    for (name, size) in [("big", 200_000_000u64), ("huge", 2_000_000_000)] {
        std::fs::create_dir_all(scratch.path(name)).unwrap_or_else(|e| panic!("{e}"));
        let file = std::fs::File::create(scratch.path(&format!("{name}/big.yaml")))
            .unwrap_or_else(|e| panic!("{e}"));
        file.set_len(size).unwrap_or_else(|e| panic!("{e}"));
        scratch.write(
            &format!("{name}/kustomization.yaml"),
            "resources:\n- ../base\n- big.yaml\n",
        );
        let run =
            scratch.run_limited(&["scan", &format!("{name}/kustomization.yaml"), "good.yaml"]);
        assert_good_still_reported(&run);
        assert_eq!(run.code, 2, "{}", run.stderr);
        assert!(
            run.lines().contains(&"example.com/base:1"),
            "{}",
            run.stdout
        );
        let line = diagnostic(&run, &format!("{name}/kustomization.yaml:3:3"), "K006");
        assert!(line.contains("128 MiB"), "{line}");
    }
}

#[test]
fn kustomization_folders_outside_the_root_are_built_as_kustomize_builds_them() {
    let scratch = scratch();
    scratch.write(
        "comp/kustomization.yaml",
        "apiVersion: kustomize.config.k8s.io/v1alpha1\nkind: Component\nimages:\n- {name: example.com/base, newTag: \"2\"}\n",
    );
    scratch.write(
        "overlay/kustomization.yaml",
        "resources:\n- ../base\ncomponents:\n- ../comp\n",
    );
    let run = scratch.run_limited(&["scan", "overlay", "good.yaml"]);
    assert_good_still_reported(&run);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        run.lines().contains(&"example.com/base:2"),
        "{}",
        run.stdout
    );
    assert_kubectl_agrees(&scratch, "overlay", false, false);
}

#[test]
fn patches_generators_and_replacements_outside_the_root_are_refused() {
    let scratch = scratch();
    scratch.write(
        "outside/patch.yaml",
        "apiVersion: v1\nkind: Pod\nmetadata: {name: base}\nspec: {containers: [{name: c, image: \"example.com/patched:1\"}]}\n",
    );
    scratch.write("outside/app.env", "IMAGE=example.com/env:1\n");
    let cases = [
        (
            "patches",
            "resources:\n- ../base\npatches:\n- path: ../outside/patch.yaml\n",
            "patches/kustomization.yaml:4:9",
        ),
        (
            "psm",
            "resources:\n- ../base\npatchesStrategicMerge:\n- ../outside/patch.yaml\n",
            "psm/kustomization.yaml:4:3",
        ),
        (
            "json6902",
            "resources:\n- ../base\npatchesJson6902:\n- target: {kind: Pod, name: base}\n  path: ../outside/patch.yaml\n",
            "json6902/kustomization.yaml:5:9",
        ),
        (
            "files",
            "resources:\n- ../base\nconfigMapGenerator:\n- name: c\n  files:\n  - ../outside/patch.yaml\n",
            "files/kustomization.yaml:6:5",
        ),
        (
            "envs",
            "resources:\n- ../base\nconfigMapGenerator:\n- name: c\n  envs:\n  - ../outside/app.env\n",
            "envs/kustomization.yaml:6:5",
        ),
        (
            "env",
            "resources:\n- ../base\nconfigMapGenerator:\n- name: c\n  env: ../outside/app.env\n",
            "env/kustomization.yaml:5:8",
        ),
        (
            "replacements",
            "resources:\n- ../base\nreplacements:\n- path: ../outside/patch.yaml\n",
            "replacements/kustomization.yaml:4:3",
        ),
        (
            "crds",
            "resources:\n- ../base\ncrds:\n- ../outside/patch.yaml\n",
            "crds/kustomization.yaml:4:3",
        ),
    ];
    for (name, kustomization, at) in cases {
        scratch.write(&format!("{name}/kustomization.yaml"), kustomization);
        let run = scratch.run_limited(&["scan", name, "good.yaml"]);
        assert_good_still_reported(&run);
        assert_eq!(run.code, 2, "{name}: {}", run.stderr);
        // The build goes on without the file: the base's image, unpatched.
        let lines = run.lines();
        assert!(
            lines.contains(&"example.com/base:1"),
            "{name}: {}",
            run.stdout
        );
        assert!(!run.stdout.contains("patched") && !run.stdout.contains("env:1"));
        diagnostic(&run, at, "K014");
        assert_kubectl_agrees(&scratch, name, false, true);
    }
}

#[test]
fn with_load_restrictions_none_files_outside_the_root_are_read() {
    let scratch = scratch();
    scratch.write(
        "app/kustomization.yaml",
        "resources:\n- ../outside/file.yaml\n",
    );
    for spelling in ["LoadRestrictionsNone", "none"] {
        let run = scratch.run_limited(&["scan", "--load-restrictor", spelling, "app", "good.yaml"]);
        assert_good_still_reported(&run);
        assert_eq!(run.code, 0, "{}", run.stderr);
        assert!(
            run.lines().contains(&"example.com/outside:1"),
            "{}",
            run.stdout
        );
    }
    assert_kubectl_agrees(&scratch, "app", true, false);
    // Spelled the default way, the file is refused again; and devices are never opened.
    let run = scratch.run_limited(&["scan", "--load-restrictor", "rootOnly", "app", "good.yaml"]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    diagnostic(&run, "app/kustomization.yaml:2:3", "K014");
    scratch.write("zero/kustomization.yaml", "resources:\n- /dev/zero\n");
    let run = scratch.run_limited(&[
        "scan",
        "--load-restrictor",
        "LoadRestrictionsNone",
        "zero",
        "good.yaml",
    ]);
    assert_good_still_reported(&run);
    assert_eq!(run.code, 2, "{}", run.stderr);
    let line = diagnostic(&run, "zero/kustomization.yaml:2:3", "K007");
    assert!(line.contains("not a regular file"), "{line}");
    // Every command that builds kustomizations takes the flag.
    let run = scratch.run_limited(&[
        "check",
        "--registry",
        "example.com",
        "--load-restrictor",
        "LoadRestrictionsNone",
        "app",
    ]);
    assert_eq!(run.code, 0, "{}", run.stderr);
}
