//! `imgsift mirror` end to end: its output is run by real skopeo against real registries.
//!
//! Every test starts its own `upstream` and `mirror` registries (Docker distribution on
//! loopback ports), pushes small images into upstream, runs imgsift on manifests naming them,
//! runs what imgsift printed, and reads the mirror back. Unit tests can only compare text with
//! what we believe the tools accept; these prove that the tools accept it and put every image
//! at the name `--registry` maps it to. They need `skopeo` and `docker-registry`, and fail
//! without them (scripts/test.sh installs them).

mod common;
#[path = "common/registry.rs"]
mod registry;

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use common::{Run, imgsift_in};
use registry::{Containerd, Registry, push_image, registries_conf, require_tools, skopeo_env};
use tempfile::TempDir;

/// Two registries, a scratch directory, and a registries.conf that lets skopeo talk plain
/// HTTP to both.
struct Setup {
    upstream: Registry,
    mirror: Registry,
    dir: TempDir,
    conf: PathBuf,
}

impl Setup {
    fn new() -> Setup {
        require_tools();
        Setup::with_upstream(Registry::start())
    }

    /// The mirror on a free port, and `upstream` as given.
    fn with_upstream(upstream: Registry) -> Setup {
        let mirror = Registry::start();
        let dir = tempfile::Builder::new()
            .prefix("imgsift-mirror-e2e-")
            .tempdir()
            .unwrap_or_else(|e| panic!("cannot create a temporary directory: {e}"));
        let conf = registries_conf(dir.path(), &[&upstream, &mirror]);
        Setup {
            upstream,
            mirror,
            dir,
            conf,
        }
    }

    fn push(&self, repo: &str, tag: &str) -> String {
        // The name is distinct per image, so no two images share a digest and a copy that
        // picked the wrong source would show.
        push_image(
            &self.upstream,
            &self.conf,
            repo,
            tag,
            &format!("{repo}:{tag}"),
        )
    }

    /// `--registry` for imgsift: the mirror, under a prefix so the mapping's path handling
    /// is exercised too.
    fn mirror_registry(&self) -> String {
        format!("{}/mirror", self.mirror.host())
    }

    fn write(&self, name: &str, text: &str) -> PathBuf {
        let path = self.dir.path().join(name);
        std::fs::write(&path, text)
            .unwrap_or_else(|e| panic!("cannot write {}: {e}", path.display()));
        path
    }

    /// Runs imgsift in the scratch directory and requires success.
    fn imgsift(&self, args: &[&str]) -> Run {
        let run = imgsift_in(self.dir.path(), args);
        assert_eq!(
            run.code, 0,
            "imgsift {args:?} failed:\nstderr:\n{}\nstdout:\n{}",
            run.stderr, run.stdout
        );
        run
    }

    /// Runs `sh SCRIPT` in the scratch directory with `SKOPEO` pointing skopeo at the
    /// registries.conf, and requires success.
    fn run_script(&self, script: &Path) {
        let mut command = Command::new("sh");
        command
            .arg(script)
            .env("SKOPEO", skopeo_env(&self.conf))
            .current_dir(self.dir.path());
        self.run(command, &format!("sh {}", script.display()));
    }

    /// Runs a command to completion and requires success; the failure message carries its
    /// output and both registries' logs.
    fn run(&self, mut command: Command, what: &str) {
        let output = command
            .stdin(Stdio::null())
            .output()
            .unwrap_or_else(|e| panic!("cannot run {what}: {e}"));
        assert!(
            output.status.success(),
            "{what} failed ({}):\nstderr:\n{}\nstdout:\n{}\nupstream log:\n{}\nmirror log:\n{}",
            output.status,
            String::from_utf8_lossy(&output.stderr),
            String::from_utf8_lossy(&output.stdout),
            self.upstream.log(),
            self.mirror.log()
        );
    }
}

/// The images of tests 1 and 3: a Docker Hub style `library/` path, a deep path, a
/// single-component path, a sibling of the deep one's parent, and a digest-pinned image.
/// Pushes them and writes `manifest.yaml` naming them (containers, initContainers, a Pod).
/// Returns the pinned image's digest.
fn push_fleet(setup: &Setup) -> String {
    setup.push("library/nginx", "1.25");
    setup.push("acme/team/tool", "2.0");
    setup.push("pause", "3.9");
    setup.push("acme/api", "1.0");
    let pinned = setup.push("acme/pinned", "7");
    let up = setup.upstream.host();
    setup.write(
        "manifest.yaml",
        &format!(
            "apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  selector:
    matchLabels:
      app: web
  template:
    metadata:
      labels:
        app: web
    spec:
      initContainers:
        - name: tool
          image: {up}/acme/team/tool:2.0
      containers:
        - name: nginx
          image: {up}/library/nginx:1.25
        - name: api
          image: {up}/acme/api:1.0
---
apiVersion: v1
kind: Pod
metadata:
  name: sandbox
spec:
  containers:
    - name: pause
      image: {up}/pause:3.9
    - name: pinned
      image: {up}/acme/pinned@{pinned}
"
        ),
    );
    pinned
}

/// Every image of [`push_fleet`] is in the mirror at its mapped name, and none at the name a
/// flattening sync would have used.
fn assert_fleet_mirrored(mirror: &Registry, pinned: &str) {
    let expected = [
        ("mirror/library/nginx", "1.25"),
        ("mirror/acme/team/tool", "2.0"),
        ("mirror/pause", "3.9"),
        ("mirror/acme/api", "1.0"),
    ];
    for (repo, tag) in expected {
        let tags = mirror.tags(repo);
        assert!(
            tags.iter().any(|t| t == tag),
            "{repo} in the mirror has tags {tags:?}, not {tag:?}\nmirror log:\n{}",
            mirror.log()
        );
    }
    assert!(
        mirror.has_manifest("mirror/acme/pinned", pinned),
        "mirror/acme/pinned@{pinned} is not in the mirror\nmirror log:\n{}",
        mirror.log()
    );
    // What a sync flattened to the last path component, or scoped under another prefix,
    // would have written instead.
    for wrong in [
        "mirror/nginx",
        "mirror/tool",
        "mirror/team/tool",
        "mirror/api",
        "mirror/acme/tool",
        "mirror/pinned",
        "library/nginx",
        "acme/api",
    ] {
        assert_eq!(
            mirror.tags(wrong),
            Vec::<String>::new(),
            "something landed at {wrong}"
        );
    }
    assert!(
        !mirror.has_manifest("mirror/pinned", pinned),
        "the pinned image landed at mirror/pinned"
    );
}

/// One `skopeo sync` document of `imgsift mirror -o skopeo` output: the command of its
/// `# skopeo sync ...` comment, split into words, and the document text.
struct SyncDocument {
    command: Vec<String>,
    text: String,
}

/// Splits `-o skopeo` output into documents on `---` lines; every document that carries a
/// `# skopeo sync` comment is returned. The comment's form is checked: the flags skopeo
/// needs to keep every image (`--all`) and its digest (`--preserve-digests`), then the
/// `FILE` placeholder and the destination.
fn sync_documents(stdout: &str) -> Vec<SyncDocument> {
    let mut chunks = vec![String::new()];
    for line in stdout.lines() {
        if line.trim_end() == "---" {
            chunks.push(String::new());
        } else if let Some(chunk) = chunks.last_mut() {
            chunk.push_str(line);
            chunk.push('\n');
        }
    }
    let mut documents = Vec::new();
    for chunk in chunks {
        let comments: Vec<&str> = chunk
            .lines()
            .filter_map(|line| line.strip_prefix("# skopeo sync "))
            .collect();
        let args = match comments.as_slice() {
            [] => continue,
            [args] => *args,
            _ => panic!("a document has more than one sync command:\n{chunk}"),
        };
        let command: Vec<String> = ["skopeo", "sync"]
            .into_iter()
            .chain(args.split_whitespace())
            .map(str::to_owned)
            .collect();
        let flags: Vec<&str> = command[..command.len().saturating_sub(2)]
            .iter()
            .map(String::as_str)
            .filter(|word| *word != "--scoped")
            .collect();
        assert_eq!(
            flags,
            [
                "skopeo",
                "sync",
                "--src",
                "yaml",
                "--dest",
                "docker",
                "--all",
                "--preserve-digests"
            ],
            "unexpected sync command in:\n{chunk}"
        );
        assert_eq!(
            command
                .get(command.len().saturating_sub(2))
                .map(String::as_str),
            Some("FILE"),
            "the sync command does not end with FILE DEST:\n{chunk}"
        );
        documents.push(SyncDocument {
            command,
            text: chunk,
        });
    }
    documents
}

#[test]
fn skopeo_sync_from_imgsift_output_puts_every_image_at_its_mapped_name() {
    let setup = Setup::new();
    let pinned = push_fleet(&setup);
    let out_dir = setup.dir.path().join("sync");
    let out = out_dir.display().to_string();
    setup.imgsift(&[
        "mirror",
        "--registry",
        &setup.mirror_registry(),
        "-o",
        "skopeo",
        "--out-dir",
        &out,
        "manifest.yaml",
    ]);
    // The script is run from elsewhere on purpose: it must find its YAML files by itself.
    setup.run_script(&out_dir.join("skopeo-sync.sh"));
    assert_fleet_mirrored(&setup.mirror, &pinned);
}

#[test]
fn skopeo_sync_of_a_single_group_runs_from_the_printed_command() {
    let setup = Setup::new();
    setup.push("acme/a", "1");
    setup.push("acme/b", "2");
    let up = setup.upstream.host();
    setup.write(
        "manifest.yaml",
        &format!(
            "apiVersion: v1
kind: Pod
metadata:
  name: pair
spec:
  containers:
    - name: a
      image: {up}/acme/a:1
    - name: b
      image: {up}/acme/b:2
"
        ),
    );
    let run = setup.imgsift(&[
        "mirror",
        "--registry",
        &setup.mirror_registry(),
        "-o",
        "skopeo",
        "manifest.yaml",
    ]);
    let documents = sync_documents(&run.stdout);
    assert_eq!(
        documents.len(),
        1,
        "images under one parent path need one sync:\n{}",
        run.stdout
    );
    let document = &documents[0];
    let file = setup.write("sync.yaml", &document.text);
    // The printed command, as a user would paste it: FILE is the saved document, and the
    // registries.conf goes in as a global flag right after `skopeo`.
    let mut command = Command::new(&document.command[0]);
    command.arg("--registries-conf").arg(&setup.conf);
    for word in &document.command[1..] {
        if word == "FILE" {
            command.arg(&file);
        } else {
            command.arg(word);
        }
    }
    command.current_dir(setup.dir.path());
    setup.run(command, &document.command.join(" "));
    assert_eq!(setup.mirror.tags("mirror/acme/a"), ["1"]);
    assert_eq!(setup.mirror.tags("mirror/acme/b"), ["2"]);
    assert_eq!(setup.mirror.tags("mirror/a"), Vec::<String>::new());
    assert_eq!(setup.mirror.tags("mirror/b"), Vec::<String>::new());
}

#[test]
fn a_copy_script_from_imgsift_mirrors_every_image() {
    let setup = Setup::new();
    let pinned = push_fleet(&setup);
    let run = setup.imgsift(&[
        "mirror",
        "--registry",
        &setup.mirror_registry(),
        "-o",
        "script",
        "--tool",
        "skopeo",
        "manifest.yaml",
    ]);
    assert!(
        run.stdout.lines().any(|line| line.trim() == "set -eu"),
        "the script does not stop at the first failed copy (no `set -eu`):\n{}",
        run.stdout
    );
    let script = setup.write("mirror.sh", &run.stdout);
    setup.run_script(&script);
    assert_fleet_mirrored(&setup.mirror, &pinned);
}

#[test]
fn two_sources_that_would_land_on_one_destination_are_refused() {
    let dir = tempfile::Builder::new()
        .prefix("imgsift-mirror-e2e-")
        .tempdir()
        .unwrap_or_else(|e| panic!("cannot create a temporary directory: {e}"));
    let manifest = dir.path().join("manifest.yaml");
    std::fs::write(
        &manifest,
        "apiVersion: v1
kind: Pod
metadata:
  name: clash
spec:
  containers:
    - name: hub
      image: docker.io/acme/app:1
    - name: ghcr
      image: ghcr.io/acme/app:1
",
    )
    .unwrap_or_else(|e| panic!("cannot write {}: {e}", manifest.display()));
    let args = [
        "mirror",
        "--registry",
        "r.example.com",
        "-o",
        "skopeo",
        "manifest.yaml",
    ];
    let run = imgsift_in(dir.path(), &args);
    assert_eq!(run.code, 2, "{run:?}");
    assert_eq!(
        run.stdout, "",
        "nothing may be printed for a refused mapping"
    );
    for source in ["docker.io/acme/app", "ghcr.io/acme/app"] {
        assert!(
            run.stderr.contains(source),
            "stderr does not name {source}:\n{}",
            run.stderr
        );
    }
    let kept = imgsift_in(dir.path(), &[&args[..], &["--keep-registry-path"]].concat());
    assert_eq!(kept.code, 0, "{kept:?}");
    for source in ["docker.io", "ghcr.io"] {
        assert!(
            kept.stdout.contains(source),
            "{source} is not synced:\n{}",
            kept.stdout
        );
    }
}

/// The harness itself, independent of `imgsift mirror`: pushed images read back with their
/// tags and digests, and skopeo copies between two registries (by tag and by digest, as the
/// mirror tests need).
#[test]
fn harness_pushes_images_and_reads_them_back() {
    let setup = Setup::new();
    let one = setup.push("acme/one", "1");
    let two = setup.push("acme/team/two", "2");
    assert_ne!(one, two, "distinct images must have distinct digests");
    for digest in [&one, &two] {
        assert!(
            digest.starts_with("sha256:") && digest.len() == 71,
            "{digest} is not a sha256 digest"
        );
    }
    let up = &setup.upstream;
    assert_eq!(up.tags("acme/one"), ["1"]);
    assert_eq!(up.tags("acme/team/two"), ["2"]);
    assert_eq!(up.tags("acme/none"), Vec::<String>::new());
    assert_eq!(up.digest_of("acme/one", "1"), Some(one.clone()));
    assert_eq!(up.digest_of("acme/one", "9"), None);
    assert!(up.has_manifest("acme/one", &one));
    assert!(!up.has_manifest("acme/one", &two));
    assert!(!up.has_manifest("acme/none", &one));

    // A second tag of the same repository is listed sorted with the first.
    let again = setup.push("acme/one", "0");
    assert_ne!(again, one);
    assert_eq!(up.tags("acme/one"), ["0", "1"]);

    let mirror = &setup.mirror;
    let copy = |source: String, destination: String| {
        let mut command = Command::new("skopeo");
        command
            .arg("--registries-conf")
            .arg(&setup.conf)
            .args(["copy", "--all", "--preserve-digests"])
            .arg(format!("docker://{source}"))
            .arg(format!("docker://{destination}"));
        setup.run(command, &format!("skopeo copy {source} {destination}"));
    };
    copy(
        format!("{}/acme/one:1", up.host()),
        format!("{}/m/acme/one:1", mirror.host()),
    );
    copy(
        format!("{}/acme/team/two@{two}", up.host()),
        format!("{}/m/acme/team/two@{two}", mirror.host()),
    );
    assert_eq!(mirror.tags("m/acme/one"), ["1"]);
    assert_eq!(mirror.digest_of("m/acme/one", "1"), Some(one));
    // Copied by digest: present by digest, with no tag.
    assert!(mirror.has_manifest("m/acme/team/two", &two));
    assert_eq!(mirror.tags("m/acme/team/two"), Vec::<String>::new());
}

/// containerd itself, reading the `hosts.toml` files of `imgsift hosts`, fetches each image
/// from the mirror at its mapped name: under a prefix (containerd's `override_path`), nested
/// under the registry's name with `--keep-registry-path`, and at the mirror's root. The
/// upstreams cannot answer (`.invalid` never resolves; Docker Hub is out of reach, or would
/// serve other content than the image pushed here), so a fetch that returns the pushed
/// digest came from the mirror.
#[test]
fn containerd_pulls_through_the_mirror_with_the_hosts_files_of_imgsift() {
    let setup = Setup::new();
    let containerd = Containerd::start();
    setup.write(
        "manifest.yaml",
        "apiVersion: v1
kind: Pod
metadata:
  name: p
spec:
  containers:
    - name: app
      image: upstream.invalid/acme/app:1
    - name: web
      image: nginx:1.25
",
    );
    let images = [
        (
            "upstream.invalid/acme/app:1",
            "upstream.invalid",
            "acme/app",
            "1",
        ),
        (
            "docker.io/library/nginx:1.25",
            "docker.io",
            "library/nginx",
            "1.25",
        ),
    ];
    let modes: [(&str, bool); 3] = [("/mirror", false), ("/mirror", true), ("", false)];
    for (prefix, keep) in modes {
        let mirror_url = format!("http://{}{prefix}", setup.mirror.host());
        let mut pushed = Vec::new();
        for (reference, registry, repository, tag) in images {
            let mut path = prefix.trim_start_matches('/').to_owned();
            if keep {
                path = format!("{path}/{registry}");
            }
            let mapped = format!("{path}/{repository}")
                .trim_start_matches('/')
                .to_owned();
            // The label differs per mode, so each mode's images have their own digests.
            let digest = push_image(
                &setup.mirror,
                &setup.conf,
                &mapped,
                tag,
                &format!("{mapped}:{tag} keep={keep}"),
            );
            pushed.push((reference, digest));
        }
        let out = setup
            .dir
            .path()
            .join(format!("hosts{prefix}-{keep}").replace('/', "_"));
        let out_arg = out.display().to_string();
        let mut args = vec!["hosts", "--mirror", &mirror_url, "--out-dir", &out_arg];
        if keep {
            args.push("--keep-registry-path");
        }
        args.push("manifest.yaml");
        setup.imgsift(&args);
        let hosts_dir = out.join("hosts.d");
        for (reference, digest) in &pushed {
            match containerd.fetch(&hosts_dir, reference) {
                Ok(fetched) => assert_eq!(
                    &fetched, digest,
                    "{reference} (mirror {mirror_url}, keep={keep}) came from elsewhere"
                ),
                Err(output) => panic!(
                    "containerd could not fetch {reference} through {} (mirror {mirror_url}, keep={keep}):\n{output}\nmirror log:\n{}",
                    hosts_dir.display(),
                    setup.mirror.log()
                ),
            }
        }
    }
    // The control: without the hosts files the upstream is asked, and cannot answer.
    let empty = setup.dir.path().join("no-hosts");
    std::fs::create_dir_all(&empty).unwrap_or_else(|e| panic!("mkdir: {e}"));
    assert!(
        containerd
            .fetch(&empty, "upstream.invalid/acme/app:1")
            .is_err(),
        "upstream.invalid answered without the mirror configuration"
    );
}

/// With `--keep-registry-path`, one `skopeo sync --scoped` run nests every image under its
/// registry's name, exactly where the mapping puts it. The upstream is served on HTTPS's
/// default port, so its images are named `127.0.0.1/<path>`: a registry name with a port
/// cannot be a path component, and imgsift refuses to nest one.
#[test]
fn scoped_skopeo_sync_nests_each_image_where_keep_registry_path_maps_it() {
    let setup = Setup::with_upstream(Registry::start_https_on_443());
    setup.push("acme/team/app", "1");
    setup.push("library/nginx", "1.25");
    let pinned = setup.push("acme/pinned", "7");
    assert_eq!(setup.upstream.host(), "127.0.0.1");
    setup.write(
        "manifest.yaml",
        &format!(
            "apiVersion: v1
kind: Pod
metadata:
  name: nested
spec:
  containers:
    - name: app
      image: 127.0.0.1/acme/team/app:1
    - name: web
      image: 127.0.0.1/library/nginx:1.25
    - name: pinned
      image: 127.0.0.1/acme/pinned@{pinned}
"
        ),
    );
    let out_dir = setup.dir.path().join("sync");
    let out = out_dir.display().to_string();
    let registry = setup.mirror_registry();
    setup.imgsift(&[
        "mirror",
        "--registry",
        &registry,
        "--keep-registry-path",
        "-o",
        "skopeo",
        "--out-dir",
        &out,
        "manifest.yaml",
    ]);
    let script = std::fs::read_to_string(out_dir.join("skopeo-sync.sh"))
        .unwrap_or_else(|e| panic!("skopeo-sync.sh: {e}"));
    assert_eq!(
        script.matches("--scoped").count(),
        1,
        "one scoped run was expected:\n{script}"
    );
    setup.run_script(&out_dir.join("skopeo-sync.sh"));
    let mirror = &setup.mirror;
    assert_eq!(mirror.tags("mirror/127.0.0.1/acme/team/app"), ["1"]);
    assert_eq!(mirror.tags("mirror/127.0.0.1/library/nginx"), ["1.25"]);
    assert!(
        mirror.has_manifest("mirror/127.0.0.1/acme/pinned", &pinned),
        "the pinned image is not nested under its registry\nmirror log:\n{}",
        mirror.log()
    );
    for flat in ["mirror/acme/team/app", "mirror/app", "mirror/library/nginx"] {
        assert_eq!(
            mirror.tags(flat),
            Vec::<String>::new(),
            "something landed at {flat}"
        );
    }
    // The same names as the mapping gives, read from `-o list`.
    let list = setup.imgsift(&[
        "mirror",
        "--registry",
        &registry,
        "--keep-registry-path",
        "-o",
        "list",
        "manifest.yaml",
    ]);
    for line in list.stdout.lines() {
        let target = line
            .split('\t')
            .nth(1)
            .unwrap_or_else(|| panic!("no target in {line:?}"));
        let repository = target
            .strip_prefix(&format!("{}/", mirror.host()))
            .unwrap_or_else(|| panic!("{target} is not in the mirror"));
        let name = repository.split([':', '@']).next().unwrap_or(repository);
        assert!(
            !mirror.tags(name).is_empty() || mirror.has_manifest(name, &pinned),
            "{target} is not in the mirror"
        );
    }
}
