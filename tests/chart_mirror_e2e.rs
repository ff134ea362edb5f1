//! `imgsift mirror --charts` end to end: charts packaged and pushed to a real registry by
//! Helm's own code (the Helm SDK the renderer's tests use), named by the inputs the way
//! operators name them (a kustomization's `helmCharts:`, a K3s `HelmChart`, deployKF-style
//! `charts:` values), copied to a second registry by the script imgsift writes (run by real
//! skopeo), and pulled back from the mirror by Helm's code at the version each source names.
//!
//! The `v` pitfall is part of it: a chart versioned `v1.2.0` is pushed as tag `v1.2.0`, which
//! Helm finds by that exact tag but never for a range (Helm lists only tags without a `v`);
//! the mirror also holds it as `1.2.0`, so `1.x` finds it there.

mod common;
#[path = "common/helm.rs"]
mod helm;
// The registry harness serves the image tests too; this file uses part of it.
#[allow(dead_code)]
#[path = "common/registry.rs"]
mod registry;

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use common::imgsift_in;
use helm::{python, write_chart};
use registry::{Registry, registries_conf, require_tools, skopeo_env};

/// Packages and pushes charts, or pulls one, with Helm's SDK.
const HELM_TOOL: &str = r#"
import json, os, sys
import helm_python.chart as chart
import helm_python.registry as registry

command = sys.argv[1]
if command == "push":
    remote, out = sys.argv[2], sys.argv[3]
    for folder in sys.argv[4:]:
        archive = chart.package(folder, destination=out)
        registry.push(archive, remote, plain_http=True)
        print(archive)
elif command == "pull":
    ref, version, out = sys.argv[2], sys.argv[3], sys.argv[4]
    os.makedirs(out, exist_ok=True)
    try:
        registry.pull(ref, version=version, plain_http=True, destination=out)
        print(json.dumps({"ok": True, "files": sorted(os.listdir(out))}))
    except Exception as error:
        print(json.dumps({"ok": False, "error": str(error)}))
"#;

struct Setup {
    upstream: Registry,
    mirror: Registry,
    dir: tempfile::TempDir,
    conf: PathBuf,
    tool: PathBuf,
}

impl Setup {
    fn new() -> Setup {
        require_tools();
        let upstream = Registry::start();
        let mirror = Registry::start();
        let dir = tempfile::Builder::new()
            .prefix("imgsift-chart-mirror-")
            .tempdir()
            .unwrap_or_else(|e| panic!("{e}"));
        let conf = registries_conf(dir.path(), &[&upstream, &mirror]);
        let tool = dir.path().join("helm_tool.py");
        std::fs::write(&tool, HELM_TOOL).unwrap_or_else(|e| panic!("{e}"));
        Setup {
            upstream,
            mirror,
            dir,
            conf,
            tool,
        }
    }

    fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    fn write(&self, name: &str, text: &str) -> PathBuf {
        let path = self.path(name);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).unwrap_or_else(|e| panic!("{e}"));
        }
        std::fs::write(&path, text).unwrap_or_else(|e| panic!("{e}"));
        path
    }

    fn helm(&self, args: &[&str]) -> String {
        let output = Command::new(python())
            .arg(&self.tool)
            .args(args)
            .stdin(Stdio::null())
            .output()
            .unwrap_or_else(|e| panic!("cannot run the Helm SDK: {e}"));
        assert!(
            output.status.success(),
            "the Helm SDK failed: {}\nupstream log:\n{}",
            String::from_utf8_lossy(&output.stderr),
            self.upstream.log()
        );
        String::from_utf8_lossy(&output.stdout).into_owned()
    }

    /// Pulls `oci://<registry>/<path>/<name>` at `version` with Helm; the archive's bytes, or
    /// Helm's error.
    fn pull(
        &self,
        registry: &Registry,
        path: &str,
        name: &str,
        version: &str,
    ) -> Result<Vec<u8>, String> {
        let out = self.path(&format!(
            "pulled/{}-{name}-{version}",
            registry.host().replace(':', "_")
        ));
        let reference = format!("oci://{}/{path}/{name}", registry.host());
        let answer = self.helm(&["pull", &reference, version, &out.to_string_lossy()]);
        let json: serde_json::Value =
            serde_json::from_str(answer.trim()).unwrap_or_else(|e| panic!("{e}: {answer}"));
        if json["ok"] != true {
            return Err(json["error"].as_str().unwrap_or_default().to_owned());
        }
        let files = json["files"].as_array().cloned().unwrap_or_default();
        assert_eq!(files.len(), 1, "{json}");
        let file = files[0].as_str().unwrap_or_default();
        Ok(std::fs::read(out.join(file)).unwrap_or_else(|e| panic!("{e}")))
    }
}

fn chart(dir: &Path, name: &str, version: &str) {
    write_chart(
        dir,
        &[
            (
                "Chart.yaml",
                &format!("apiVersion: v2\nname: {name}\nversion: {version}\nappVersion: \"1.0\"\n"),
            ),
            (
                "templates/pod.yaml",
                &format!(
                    "apiVersion: v1\nkind: Pod\nmetadata:\n  name: {name}\nspec:\n  containers:\n  - name: main\n    image: ghcr.io/example/{name}:1.0\n"
                ),
            ),
        ],
    );
}

#[test]
fn charts_copied_by_the_script_imgsift_writes_pull_back_from_the_mirror_at_their_versions() {
    let setup = Setup::new();
    let up = setup.upstream.host();
    // Three charts: a v-prefixed version, a version with build metadata (a `+`, which OCI
    // tags write `_`), a plain one.
    let charts = [
        ("demo", "v1.2.0"),
        ("tool", "0.3.0+build.7"),
        ("web", "2.0.0"),
    ];
    for (name, version) in charts {
        chart(&setup.path(&format!("src/{name}")), name, version);
    }
    let pushed = setup.helm(&[
        "push",
        &format!("oci://{up}/charts"),
        &setup.path("packaged").to_string_lossy(),
        &setup.path("src/demo").to_string_lossy(),
        &setup.path("src/tool").to_string_lossy(),
        &setup.path("src/web").to_string_lossy(),
    ]);
    let archives: Vec<Vec<u8>> = pushed
        .lines()
        .map(|p| std::fs::read(p).unwrap_or_else(|e| panic!("{p}: {e}")))
        .collect();
    assert_eq!(archives.len(), 3, "{pushed}");

    // The inputs an operator's repository holds.
    setup.write(
        "repo/platform/kustomization.yaml",
        &format!(
            "apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nhelmCharts:\n  - name: demo\n    repo: oci://{up}/charts\n    version: v1.2.0\n    releaseName: demo\n"
        ),
    );
    setup.write(
        "repo/values/tools.yaml",
        &format!(
            "tools:\n  charts:\n    tool:\n      name: tool\n      version: 0.3.0+build.7\n      repository: oci://{up}/charts\n"
        ),
    );
    setup.write(
        "repo/k3s/web.yaml",
        &format!(
            "apiVersion: helm.cattle.io/v1\nkind: HelmChart\nmetadata:\n  name: web\n  namespace: kube-system\nspec:\n  chart: oci://{up}/charts/web\n  version: 2.0.0\n"
        ),
    );
    let listed = imgsift_in(setup.dir.path(), &["charts", "repo"]);
    assert_eq!(
        listed.stdout,
        format!(
            "demo\tv1.2.0\toci://{up}/charts\ntool\t0.3.0+build.7\toci://{up}/charts\nweb\t2.0.0\toci://{up}/charts\n"
        ),
        "{}",
        listed.stderr
    );

    let mirror = format!("oci://{}/mirror", setup.mirror.host());
    let run = imgsift_in(
        setup.dir.path(),
        &[
            "mirror",
            "--charts",
            "--registry",
            &mirror,
            "-o",
            "script",
            "--tool",
            "skopeo",
            "repo",
        ],
    );
    // The charts are not at hand (a chart missing from the chart home is what the copy is
    // for): no error.
    assert_eq!(run.code, 0, "{}", run.stderr);
    let script = setup.write("mirror-charts.sh", &run.stdout);
    let output = Command::new("sh")
        .arg(&script)
        .env("SKOPEO", skopeo_env(&setup.conf))
        .current_dir(setup.dir.path())
        .stdin(Stdio::null())
        .output()
        .unwrap_or_else(|e| panic!("{e}"));
    assert!(
        output.status.success(),
        "the script failed:\n{}\n{}\nscript:\n{}\nmirror log:\n{}",
        String::from_utf8_lossy(&output.stderr),
        String::from_utf8_lossy(&output.stdout),
        run.stdout,
        setup.mirror.log()
    );

    // Helm pulls every chart back from the mirror at the version its source names, byte for
    // byte the archive that was pushed upstream.
    for ((name, version), archive) in charts.iter().zip(&archives) {
        let pulled = setup
            .pull(&setup.mirror, "mirror", name, version)
            .unwrap_or_else(|e| panic!("{name} {version} from the mirror: {e}"));
        assert!(
            pulled == *archive,
            "{name} {version}: not the archive pushed upstream"
        );
    }
    // The pitfall, upstream: `1.2.0` and `1.x` find nothing where only `v1.2.0` is a tag...
    assert!(
        setup
            .pull(&setup.upstream, "charts", "demo", "1.2.0")
            .is_err()
    );
    assert!(
        setup
            .pull(&setup.upstream, "charts", "demo", "1.x")
            .is_err()
    );
    // ...and the mirror answers both.
    for version in ["1.2.0", "1.x"] {
        let pulled = setup
            .pull(&setup.mirror, "mirror", "demo", version)
            .unwrap_or_else(|e| panic!("demo {version} from the mirror: {e}"));
        assert!(pulled == archives[0], "demo {version}");
    }
    // The mirror holds these charts and nothing else.
    let mut tags = setup.mirror.tags("mirror/demo");
    tags.sort();
    assert_eq!(tags, vec!["1.2.0", "v1.2.0"]);
    assert_eq!(setup.mirror.tags("mirror/tool"), vec!["0.3.0_build.7"]);
    assert_eq!(setup.mirror.tags("mirror/web"), vec!["2.0.0"]);
}

#[test]
fn the_chart_list_names_every_copy_and_the_helm_script_pulls_and_pushes() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let values = dir.path().join("values.yaml");
    std::fs::write(
        &values,
        "charts:\n  a:\n    name: demo\n    version: v1.2.0\n    repository: oci://ghcr.io/acme/charts\n  b:\n    name: cert-manager\n    version: 1.16.2\n    repository: https://charts.jetstack.io\n  c:\n    name: web\n    version: 1.x\n    repository: oci://ghcr.io/acme/charts\n",
    )
    .unwrap_or_else(|e| panic!("{e}"));
    let values = values.to_string_lossy().into_owned();
    let list = imgsift_in(
        dir.path(),
        &[
            "mirror",
            "--charts",
            "--registry",
            "oci://mirror.local:5000/m",
            "-o",
            "list",
            &values,
        ],
    );
    assert_eq!(list.code, 0, "{}", list.stderr);
    assert_eq!(
        list.stdout,
        "https://charts.jetstack.io cert-manager 1.16.2\toci://mirror.local:5000/m/cert-manager:1.16.2\n\
         oci://ghcr.io/acme/charts/demo:v1.2.0\toci://mirror.local:5000/m/demo:v1.2.0\n\
         oci://ghcr.io/acme/charts/demo:v1.2.0\toci://mirror.local:5000/m/demo:1.2.0\n"
    );
    // The OCI chart asked for by a range has no tag to copy: said, and left out.
    assert!(
        list.stderr.contains("\"web\" 1.x left out"),
        "{}",
        list.stderr
    );
    let script = imgsift_in(
        dir.path(),
        &[
            "mirror",
            "--charts",
            "--registry",
            "oci://mirror.local:5000/m",
            "-o",
            "script",
            &values,
        ],
    );
    assert_eq!(script.code, 0, "{}", script.stderr);
    for line in [
        "$HELM pull 'cert-manager' --repo 'https://charts.jetstack.io' --version '1.16.2' --destination \"$dir\"",
        "$HELM pull 'oci://ghcr.io/acme/charts/demo' --version 'v1.2.0' --destination \"$dir\"",
        "$HELM push \"$1\" 'oci://mirror.local:5000/m'",
        "set -eu",
    ] {
        assert!(
            script.stdout.lines().any(|l| l == line),
            "{line}\n{}",
            script.stdout
        );
    }
    // A registry that is not one is refused before anything is read.
    let bad = imgsift_in(
        dir.path(),
        &[
            "mirror",
            "--charts",
            "--registry",
            "https://mirror.local",
            "-o",
            "script",
            &values,
        ],
    );
    assert_eq!(bad.code, 2, "{}", bad.stderr);
}

/// A `helm` command for the script, on Helm's own code (the SDK): the subcommands and flags
/// the chart script uses, over plain HTTP (loopback registries).
const HELM_SHIM: &str = r#"
import sys
import helm_python.chart as chart
import helm_python.registry as registry

args = sys.argv[1:]
command, rest = args[0], args[1:]
flags, words = {}, []
i = 0
while i < len(rest):
    if rest[i].startswith("--"):
        flags[rest[i]] = rest[i + 1]
        i += 2
    else:
        words.append(rest[i])
        i += 1
if command == "pull":
    registry.pull(words[0], version=flags.get("--version"), repo_url=flags.get("--repo"),
                  destination=flags.get("--destination"), plain_http=True)
elif command == "push":
    registry.push(words[0], words[1], plain_http=True)
elif command == "package":
    chart.package(words[0], version=flags.get("--version"), destination=flags.get("--destination"))
else:
    sys.exit("unsupported: " + " ".join(args))
"#;

/// A chart repository served over HTTP on loopback (an index and archives), stopped on drop.
struct ChartRepository {
    child: std::process::Child,
    port: u16,
}

impl ChartRepository {
    fn serve(dir: &Path) -> ChartRepository {
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .map(|a| a.port())
            .unwrap_or_else(|e| panic!("no free port: {e}"));
        let mut child = Command::new(python())
            .args([
                "-m",
                "http.server",
                &port.to_string(),
                "--bind",
                "127.0.0.1",
                "--directory",
            ])
            .arg(dir)
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap_or_else(|e| panic!("cannot serve the chart repository: {e}"));
        for _ in 0..100 {
            if std::net::TcpStream::connect(("127.0.0.1", port)).is_ok() {
                return ChartRepository { child, port };
            }
            std::thread::sleep(std::time::Duration::from_millis(50));
        }
        let _ = child.kill();
        let _ = child.wait();
        panic!("the chart repository did not start on port {port}");
    }

    fn url(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }
}

impl Drop for ChartRepository {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

#[test]
fn the_helm_script_moves_charts_of_an_index_and_of_a_registry_into_the_mirror() {
    let setup = Setup::new();
    let up = setup.upstream.host();
    // `gauge` is in an https-style repository at version v2.1.0, and its source asks for
    // 2.1.0 (the index resolves it); `box` is in the upstream registry.
    chart(&setup.path("src/gauge"), "gauge", "v2.1.0");
    chart(&setup.path("src/box"), "box", "1.0.0");
    let served = setup.path("served");
    std::fs::create_dir_all(&served).unwrap_or_else(|e| panic!("{e}"));
    let index = format!(
        "import helm_python.chart as c, helm_python.registry as r\nc.package({:?}, destination={:?})\nr.repo_index_generate({:?})\n",
        setup.path("src/gauge").to_string_lossy(),
        served.to_string_lossy(),
        served.to_string_lossy()
    );
    let indexer = setup.write("index.py", &index);
    let status = Command::new(python())
        .arg(&indexer)
        .status()
        .unwrap_or_else(|e| panic!("{e}"));
    assert!(status.success());
    let repository = ChartRepository::serve(&served);
    let pushed = setup.helm(&[
        "push",
        &format!("oci://{up}/charts"),
        &setup.path("packaged").to_string_lossy(),
        &setup.path("src/box").to_string_lossy(),
    ]);
    let box_archive = std::fs::read(pushed.trim()).unwrap_or_else(|e| panic!("{e}"));
    let gauge_archive =
        std::fs::read(served.join("gauge-v2.1.0.tgz")).unwrap_or_else(|e| panic!("{e}"));

    setup.write(
        "repo/values.yaml",
        &format!(
            "charts:\n  gauge:\n    name: gauge\n    version: 2.1.0\n    repository: {}\n  box:\n    name: box\n    version: 1.0.0\n    repository: oci://{up}/charts\n",
            repository.url()
        ),
    );
    let mirror = format!("oci://{}/mirror", setup.mirror.host());
    let run = imgsift_in(
        setup.dir.path(),
        &[
            "mirror",
            "--charts",
            "--registry",
            &mirror,
            "-o",
            "script",
            "repo",
        ],
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    let script = setup.write("mirror-charts.sh", &run.stdout);
    let shim = setup.write("helm_shim.py", HELM_SHIM);
    let output = Command::new("sh")
        .arg(&script)
        .env("HELM", format!("{} {}", python().display(), shim.display()))
        .current_dir(setup.dir.path())
        .stdin(Stdio::null())
        .output()
        .unwrap_or_else(|e| panic!("{e}"));
    assert!(
        output.status.success(),
        "the script failed:\n{}\nscript:\n{}\nmirror log:\n{}",
        String::from_utf8_lossy(&output.stderr),
        run.stdout,
        setup.mirror.log()
    );
    let pulled = setup
        .pull(&setup.mirror, "mirror", "box", "1.0.0")
        .unwrap_or_else(|e| panic!("box: {e}"));
    assert!(
        pulled == box_archive,
        "box: not the archive pushed upstream"
    );
    let pulled = setup
        .pull(&setup.mirror, "mirror", "gauge", "v2.1.0")
        .unwrap_or_else(|e| panic!("gauge v2.1.0: {e}"));
    assert!(
        pulled == gauge_archive,
        "gauge v2.1.0: not the archive served"
    );
    // The version the source names, and a range, find the chart in the mirror too.
    for version in ["2.1.0", "2.x"] {
        assert!(
            setup
                .pull(&setup.mirror, "mirror", "gauge", version)
                .is_ok(),
            "gauge {version}"
        );
    }
    let mut tags = setup.mirror.tags("mirror/gauge");
    tags.sort();
    assert_eq!(tags, vec!["2.1.0", "v2.1.0"]);
}
