//! Real container registries for end-to-end tests.
//!
//! Each [`Registry`] is a Docker distribution registry (`docker-registry serve`) on a loopback
//! port with its own temporary storage, stopped when dropped. Images are pushed into it by
//! real skopeo from OCI layouts written here, and read back over the registry HTTP API with a
//! tiny HTTP/1.1 client, so the tests depend on no crate beyond the dev-dependencies and on no
//! tool beyond `skopeo`, `docker-registry` and (for node mirror configs) `containerd` with
//! its client `ctr`.
//!
//! Declared by the test file as `#[path = "common/registry.rs"] mod registry;` so that only
//! the test binaries that need registries compile it.

use std::io::{Read, Write};
use std::net::{Ipv4Addr, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::OnceLock;
use std::time::{Duration, Instant};

use sha2::{Digest, Sha256};
use tempfile::TempDir;

/// The tools these tests drive (openssl makes the certificate of the HTTPS registry).
const TOOLS: [&str; 5] = ["skopeo", "docker-registry", "containerd", "ctr", "openssl"];

/// How long a registry may take to answer `GET /v2/` after it is started.
const START_TIMEOUT: Duration = Duration::from_secs(15);

/// How long one HTTP exchange with a local registry may take before the test fails.
const HTTP_TIMEOUT: Duration = Duration::from_secs(10);

/// Media types a manifest may be served as. A registry answers 404 for a manifest whose type
/// is not accepted, so asking for every type makes presence checks independent of the format
/// skopeo chose to push.
const MANIFEST_TYPES: &str = "application/vnd.oci.image.manifest.v1+json, \
     application/vnd.oci.image.index.v1+json, \
     application/vnd.docker.distribution.manifest.v2+json, \
     application/vnd.docker.distribution.manifest.list.v2+json";

/// Panics unless every tool of [`TOOLS`] can be run. The end-to-end tests fail (they
/// never skip) without them: a skipped test would pass silently on a machine that proves
/// nothing.
pub fn require_tools() {
    static MISSING: OnceLock<Vec<String>> = OnceLock::new();
    let missing = MISSING.get_or_init(|| {
        TOOLS
            .iter()
            .filter(|tool| {
                // Running the tool, rather than looking for a file on PATH, also catches an
                // installation that is present but broken.
                // openssl has `version` where the others have `--version`.
                let flag = if **tool == "openssl" {
                    "version"
                } else {
                    "--version"
                };
                !Command::new(tool)
                    .arg(flag)
                    .stdin(Stdio::null())
                    .stdout(Stdio::null())
                    .stderr(Stdio::null())
                    .status()
                    .is_ok_and(|status| status.success())
            })
            .map(|tool| (*tool).to_owned())
            .collect()
    });
    if !missing.is_empty() {
        panic!(
            "skopeo, docker-registry, containerd and openssl are needed: run scripts/test.sh, \
             which installs them (cannot run: {})",
            missing.join(", ")
        );
    }
}

/// A running registry on 127.0.0.1, with its storage in a temporary directory. Dropping it
/// stops the process and removes the storage.
pub struct Registry {
    child: Child,
    port: u16,
    /// Served over HTTPS with a self-signed certificate (and read by skopeo only).
    tls: bool,
    dir: TempDir,
}

impl Registry {
    /// Starts a registry on a free loopback port and waits until it answers.
    pub fn start() -> Registry {
        require_tools();
        // The free port is found by binding port 0 and releasing it, so another process may
        // take it before the registry binds it; a registry that exits at once is retried on a
        // new port rather than failing the test.
        let mut failures = Vec::new();
        for _ in 0..3 {
            match Registry::try_start(free_port(), false) {
                Ok(registry) => return registry,
                Err(failure) => failures.push(failure),
            }
        }
        panic!(
            "docker-registry did not start:\n{}",
            failures.join("\n---\n")
        );
    }

    /// Starts a registry on 127.0.0.1:443 over HTTPS, so that its images are named
    /// `127.0.0.1/<path>`: a registry name without a port, which `--keep-registry-path` can
    /// nest as a path component (a name with a port cannot be). Binding port 443 needs root,
    /// as the package installs of scripts/test.sh do.
    pub fn start_https_on_443() -> Registry {
        require_tools();
        match Registry::try_start(443, true) {
            Ok(registry) => registry,
            Err(failure) => panic!(
                "docker-registry could not serve HTTPS on 127.0.0.1:443 (is the port taken, \
                 or are the tests not run as root?):\n{failure}"
            ),
        }
    }

    /// One attempt: `Err` when the registry exited (a lost race for the port, or a broken
    /// installation), with its log.
    fn try_start(port: u16, tls: bool) -> Result<Registry, String> {
        let dir = tempfile::Builder::new()
            .prefix("imgsift-registry-")
            .tempdir()
            .unwrap_or_else(|e| panic!("cannot create a temporary directory: {e}"));
        let tls_config = if tls {
            let (cert, key) = (dir.path().join("cert.pem"), dir.path().join("key.pem"));
            let made = Command::new("openssl")
                .args([
                    "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
                ])
                .args([
                    "-subj",
                    "/CN=127.0.0.1",
                    "-addext",
                    "subjectAltName=IP:127.0.0.1",
                ])
                .arg("-keyout")
                .arg(&key)
                .arg("-out")
                .arg(&cert)
                .stdin(Stdio::null())
                .output()
                .unwrap_or_else(|e| panic!("cannot run openssl: {e}"));
            assert!(
                made.status.success(),
                "openssl could not make a certificate: {}",
                String::from_utf8_lossy(&made.stderr)
            );
            format!(
                "  tls:\n    certificate: {}\n    key: {}\n",
                cert.display(),
                key.display()
            )
        } else {
            String::new()
        };
        let config = dir.path().join("config.yml");
        write(
            &config,
            &format!(
                "version: 0.1\n\
                 storage:\n  filesystem:\n    rootdirectory: {}\n  delete:\n    enabled: true\n\
                 http:\n  addr: 127.0.0.1:{port}\n{tls_config}\
                 log:\n  level: error\n",
                dir.path().join("data").display()
            ),
        );
        let log_path = dir.path().join("registry.log");
        let log = std::fs::File::create(&log_path)
            .unwrap_or_else(|e| panic!("cannot create {}: {e}", log_path.display()));
        let log_err = log
            .try_clone()
            .unwrap_or_else(|e| panic!("cannot share {}: {e}", log_path.display()));
        let child = Command::new("docker-registry")
            .arg("serve")
            .arg(&config)
            .stdin(Stdio::null())
            .stdout(log)
            .stderr(log_err)
            .spawn()
            .unwrap_or_else(|e| panic!("cannot run docker-registry: {e}"));
        // From here on the registry is owned, so every early return stops the process.
        let mut registry = Registry {
            child,
            port,
            tls,
            dir,
        };
        let deadline = Instant::now() + START_TIMEOUT;
        loop {
            if let Ok(Some(status)) = registry.child.try_wait() {
                return Err(format!(
                    "docker-registry on port {port} exited with {status}:\n{}",
                    registry.log()
                ));
            }
            // The HTTP client here speaks no TLS: an HTTPS registry is ready when it accepts
            // connections (skopeo, which pushes to it, says more if it is not).
            let ready = if registry.tls {
                TcpStream::connect((Ipv4Addr::LOCALHOST, port)).is_ok()
            } else {
                request(&registry.host(), "GET", "/v2/", None).is_some_and(|r| r.status == 200)
            };
            if ready {
                return Ok(registry);
            }
            // A registry that runs but does not answer is not a port race: no retry.
            if Instant::now() > deadline {
                panic!(
                    "docker-registry on port {port} did not answer GET /v2/ within {START_TIMEOUT:?}:\n{}",
                    registry.log()
                );
            }
            std::thread::sleep(Duration::from_millis(25));
        }
    }

    /// `127.0.0.1:PORT`, the registry part of image names in this registry (`127.0.0.1` on
    /// HTTPS's default port).
    pub fn host(&self) -> String {
        if self.tls && self.port == 443 {
            "127.0.0.1".to_owned()
        } else {
            format!("127.0.0.1:{}", self.port)
        }
    }

    /// What the registry logged so far (errors only, and its access log), for failure
    /// messages.
    pub fn log(&self) -> String {
        std::fs::read_to_string(self.dir.path().join("registry.log")).unwrap_or_default()
    }

    /// The tags of `repo`, sorted; empty when the repository does not exist (or holds images
    /// by digest only).
    pub fn tags(&self, repo: &str) -> Vec<String> {
        let path = format!("/v2/{repo}/tags/list");
        let response = self.call("GET", &path, None);
        match response.status {
            404 => Vec::new(),
            200 => {
                let json: serde_json::Value = serde_json::from_slice(&response.body)
                    .unwrap_or_else(|e| {
                        panic!(
                            "GET {path} is not JSON ({e}): {}",
                            String::from_utf8_lossy(&response.body)
                        )
                    });
                // `tags` is null for a repository whose manifests are all untagged.
                let mut tags: Vec<String> = json["tags"]
                    .as_array()
                    .map(|tags| {
                        tags.iter()
                            .filter_map(|t| t.as_str().map(str::to_owned))
                            .collect()
                    })
                    .unwrap_or_default();
                tags.sort();
                tags
            }
            status => panic!("{}", self.unexpected("GET", &path, status, &response.body)),
        }
    }

    /// Whether `repo` holds the manifest `digest` (`sha256:...`).
    pub fn has_manifest(&self, repo: &str, digest: &str) -> bool {
        self.manifest_digest(repo, digest).is_some()
    }

    /// The digest of the manifest `repo:tag`, or `None` when there is none.
    pub fn digest_of(&self, repo: &str, tag: &str) -> Option<String> {
        self.manifest_digest(repo, tag)
    }

    /// `HEAD /v2/<repo>/manifests/<reference>`: the `Docker-Content-Digest` when found.
    fn manifest_digest(&self, repo: &str, reference: &str) -> Option<String> {
        let path = format!("/v2/{repo}/manifests/{reference}");
        let response = self.call("HEAD", &path, Some(MANIFEST_TYPES));
        match response.status {
            404 => None,
            200 => match response.header("docker-content-digest") {
                Some(digest) => Some(digest.to_owned()),
                None => panic!(
                    "HEAD {path} on {} has no Docker-Content-Digest",
                    self.host()
                ),
            },
            status => panic!("{}", self.unexpected("HEAD", &path, status, &response.body)),
        }
    }

    /// One request that must get an answer.
    fn call(&self, method: &str, path: &str, accept: Option<&str>) -> Response {
        assert!(
            !self.tls,
            "the test client speaks plain HTTP; read HTTPS registries with skopeo"
        );
        match request(&self.host(), method, path, accept) {
            Some(response) => response,
            None => panic!(
                "{method} {path}: no answer from the registry on {}:\n{}",
                self.host(),
                self.log()
            ),
        }
    }

    fn unexpected(&self, method: &str, path: &str, status: u16, body: &[u8]) -> String {
        format!(
            "{method} {path} on {}: status {status}: {}\nregistry log:\n{}",
            self.host(),
            String::from_utf8_lossy(body),
            self.log()
        )
    }
}

impl Drop for Registry {
    fn drop(&mut self) {
        // Errors are ignored: the process may have exited already, and a panic in drop would
        // hide the test's own failure.
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A private containerd daemon (content store only, no CRI) on a socket in a temporary
/// directory, for proving that node mirror configurations send pulls to the mirror. Dropping
/// it stops the daemon and removes its state.
pub struct Containerd {
    child: Child,
    dir: TempDir,
}

impl Containerd {
    /// Starts the daemon and waits until `ctr version` reaches it.
    pub fn start() -> Containerd {
        require_tools();
        let dir = tempfile::Builder::new()
            .prefix("imgsift-ctd-")
            .tempdir()
            .unwrap_or_else(|e| panic!("cannot create a temporary directory: {e}"));
        let root = dir.path();
        let config = root.join("config.toml");
        // Only the content store and image service are used: the CRI plugin would want a
        // network setup that a test machine need not have.
        write(
            &config,
            &format!(
                "version = 2\nroot = \"{root}/root\"\nstate = \"{root}/state\"\n\
                 disabled_plugins = [\"io.containerd.grpc.v1.cri\"]\n\
                 [grpc]\n  address = \"{root}/ctd.sock\"\n",
                root = root.display()
            ),
        );
        let log_path = root.join("containerd.log");
        let log = std::fs::File::create(&log_path)
            .unwrap_or_else(|e| panic!("cannot create {}: {e}", log_path.display()));
        let log_err = log
            .try_clone()
            .unwrap_or_else(|e| panic!("cannot share {}: {e}", log_path.display()));
        let child = Command::new("containerd")
            .arg("--config")
            .arg(&config)
            .stdin(Stdio::null())
            .stdout(log)
            .stderr(log_err)
            .spawn()
            .unwrap_or_else(|e| panic!("cannot run containerd: {e}"));
        let mut daemon = Containerd { child, dir };
        let deadline = Instant::now() + START_TIMEOUT;
        loop {
            if let Ok(Some(status)) = daemon.child.try_wait() {
                panic!("containerd exited with {status}:\n{}", daemon.log());
            }
            let reached = daemon
                .ctr()
                .arg("version")
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .status()
                .is_ok_and(|s| s.success());
            if reached {
                return daemon;
            }
            if Instant::now() > deadline {
                panic!(
                    "containerd did not answer within {START_TIMEOUT:?}:\n{}",
                    daemon.log()
                );
            }
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    /// `ctr` talking to this daemon.
    fn ctr(&self) -> Command {
        let mut command = Command::new("ctr");
        command
            .arg("--address")
            .arg(self.dir.path().join("ctd.sock"))
            .stdin(Stdio::null());
        command
    }

    /// `ctr content fetch --hosts-dir HOSTS_DIR REFERENCE`: fetches the image's manifest,
    /// config and layers as containerd resolves them through the hosts directory. `Ok` with
    /// the digest of the manifest fetched, `Err` with ctr's output.
    pub fn fetch(&self, hosts_dir: &Path, reference: &str) -> Result<String, String> {
        let output = self
            .ctr()
            .args(["content", "fetch", "--hosts-dir"])
            .arg(hosts_dir)
            .arg(reference)
            .output()
            .unwrap_or_else(|e| panic!("cannot run ctr: {e}"));
        let stderr = String::from_utf8_lossy(&output.stderr).into_owned();
        if !output.status.success() {
            return Err(stderr);
        }
        // The digest is read from the image record the fetch made or updated.
        let info = self
            .ctr()
            .args(["images", "list"])
            .output()
            .unwrap_or_else(|e| panic!("cannot run ctr: {e}"));
        let table = String::from_utf8_lossy(&info.stdout).into_owned();
        table
            .lines()
            .find(|line| line.split_whitespace().next() == Some(reference))
            .and_then(|line| {
                line.split_whitespace()
                    .find(|word| word.starts_with("sha256:"))
                    .map(str::to_owned)
            })
            .ok_or_else(|| format!("{reference} is not among the images:\n{table}\n{stderr}"))
    }

    /// What the daemon logged, for failure messages.
    pub fn log(&self) -> String {
        std::fs::read_to_string(self.dir.path().join("containerd.log")).unwrap_or_default()
    }
}

impl Drop for Containerd {
    fn drop(&mut self) {
        // As for registries: errors are ignored so that a test's own failure shows.
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Writes `DIR/registries.conf`, marking every registry insecure (plain HTTP) for skopeo, and
/// returns its path. Pass it as the global flag `skopeo --registries-conf FILE`: this skopeo
/// ignores the `CONTAINERS_REGISTRIES_CONF` environment variable.
pub fn registries_conf(dir: &Path, registries: &[&Registry]) -> PathBuf {
    let mut text = String::new();
    for registry in registries {
        text.push_str(&format!(
            "[[registry]]\nlocation = \"{}\"\ninsecure = true\n\n",
            registry.host()
        ));
    }
    let path = dir.join("registries.conf");
    write(&path, &text);
    path
}

/// The value of `SKOPEO` for scripts that run `${SKOPEO:-skopeo}` unquoted: skopeo with the
/// registries configuration as a global flag.
pub fn skopeo_env(conf: &Path) -> String {
    let conf = conf.display().to_string();
    // The shell splits the unquoted variable on blanks and expands globs in it.
    assert!(
        !conf.contains(|c: char| c.is_whitespace() || "*?[]$`\"'\\".contains(c)),
        "{conf:?} cannot be passed through an unquoted SKOPEO variable; set TMPDIR to a plain path"
    );
    format!("skopeo --registries-conf {conf}")
}

/// Pushes a small single-layer image to `upstream` as `repo:tag` and returns the digest of its
/// manifest as the registry stores it. `distinct` goes into the image config, so images built
/// with different values have different digests.
pub fn push_image(
    upstream: &Registry,
    conf: &Path,
    repo: &str,
    tag: &str,
    distinct: &str,
) -> String {
    let dir = tempfile::Builder::new()
        .prefix("imgsift-image-")
        .tempdir()
        .unwrap_or_else(|e| panic!("cannot create a temporary directory: {e}"));
    let layout = dir.path().join("layout");
    write_layout(&layout, "image", distinct);
    let digest_file = dir.path().join("digest");
    let destination = format!("docker://{}/{repo}:{tag}", upstream.host());
    let output = Command::new("skopeo")
        .arg("--registries-conf")
        .arg(conf)
        .arg("copy")
        .arg("--digestfile")
        .arg(&digest_file)
        .arg(format!("oci:{}:image", layout.display()))
        .arg(&destination)
        .stdin(Stdio::null())
        .output()
        .unwrap_or_else(|e| panic!("cannot run skopeo: {e}"));
    if !output.status.success() {
        panic!(
            "skopeo copy to {destination} failed ({}):\n{}\nregistry log:\n{}",
            output.status,
            String::from_utf8_lossy(&output.stderr),
            upstream.log()
        );
    }
    // skopeo compresses the layer on the way, so the pushed manifest is not the one written
    // in the layout: its digest is what skopeo reports, checked against the registry.
    let digest = std::fs::read_to_string(&digest_file)
        .unwrap_or_else(|e| panic!("skopeo wrote no digest file: {e}"))
        .trim()
        .to_owned();
    if !upstream.tls {
        let stored = upstream.digest_of(repo, tag);
        assert_eq!(
            stored.as_deref(),
            Some(digest.as_str()),
            "{destination}: the registry does not serve the digest skopeo reported"
        );
    }
    digest
}

/// Writes an OCI image layout at `dir` holding one image, named `ref_name` in its index: an
/// empty uncompressed layer and a config labelled with `distinct`.
fn write_layout(dir: &Path, ref_name: &str, distinct: &str) {
    let blobs = dir.join("blobs").join("sha256");
    std::fs::create_dir_all(&blobs)
        .unwrap_or_else(|e| panic!("cannot create {}: {e}", blobs.display()));
    let put = |bytes: &[u8]| -> String {
        let hex = hex(&Sha256::digest(bytes));
        let path = blobs.join(&hex);
        std::fs::write(&path, bytes)
            .unwrap_or_else(|e| panic!("cannot write {}: {e}", path.display()));
        format!("sha256:{hex}")
    };
    // An empty tar archive is two 512-byte zero blocks.
    let layer = [0u8; 1024];
    let layer_digest = put(&layer);
    let config = serde_json::json!({
        "architecture": "amd64",
        "os": "linux",
        "rootfs": {"type": "layers", "diff_ids": [layer_digest]},
        "config": {"Labels": {"n": distinct}},
    })
    .to_string();
    let config_digest = put(config.as_bytes());
    let manifest = serde_json::json!({
        "schemaVersion": 2,
        "mediaType": "application/vnd.oci.image.manifest.v1+json",
        "config": {
            "mediaType": "application/vnd.oci.image.config.v1+json",
            "digest": config_digest,
            "size": config.len(),
        },
        "layers": [{
            "mediaType": "application/vnd.oci.image.layer.v1.tar",
            "digest": layer_digest,
            "size": layer.len(),
        }],
    })
    .to_string();
    let manifest_digest = put(manifest.as_bytes());
    let index = serde_json::json!({
        "schemaVersion": 2,
        "manifests": [{
            "mediaType": "application/vnd.oci.image.manifest.v1+json",
            "digest": manifest_digest,
            "size": manifest.len(),
            "annotations": {"org.opencontainers.image.ref.name": ref_name},
        }],
    })
    .to_string();
    write(&dir.join("oci-layout"), r#"{"imageLayoutVersion":"1.0.0"}"#);
    write(&dir.join("index.json"), &index);
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn write(path: &Path, text: &str) {
    std::fs::write(path, text).unwrap_or_else(|e| panic!("cannot write {}: {e}", path.display()));
}

/// A port nothing listens on right now.
fn free_port() -> u16 {
    let listener = TcpListener::bind((Ipv4Addr::LOCALHOST, 0))
        .unwrap_or_else(|e| panic!("cannot bind a loopback port: {e}"));
    listener
        .local_addr()
        .unwrap_or_else(|e| panic!("cannot read the bound port: {e}"))
        .port()
}

/// An HTTP response: status, headers with lowercase names, and the (de-chunked) body.
struct Response {
    status: u16,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
}

impl Response {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }
}

/// One HTTP/1.1 exchange with `host` (`127.0.0.1:PORT`). `Connection: close` makes the end of
/// the response the end of the stream, so no keep-alive handling is needed. `None` when the
/// connection fails or the answer is not HTTP: while a registry starts, that means "not yet".
fn request(host: &str, method: &str, path: &str, accept: Option<&str>) -> Option<Response> {
    let mut stream = TcpStream::connect(host).ok()?;
    stream.set_read_timeout(Some(HTTP_TIMEOUT)).ok()?;
    stream.set_write_timeout(Some(HTTP_TIMEOUT)).ok()?;
    let mut head = format!("{method} {path} HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n");
    if let Some(accept) = accept {
        head.push_str(&format!("Accept: {accept}\r\n"));
    }
    head.push_str("\r\n");
    stream.write_all(head.as_bytes()).ok()?;
    let mut raw = Vec::new();
    stream.read_to_end(&mut raw).ok()?;
    parse_response(&raw, method == "HEAD")
}

fn parse_response(raw: &[u8], head_only: bool) -> Option<Response> {
    let end = raw.windows(4).position(|w| w == b"\r\n\r\n")?;
    let head = std::str::from_utf8(&raw[..end]).ok()?;
    let mut lines = head.split("\r\n");
    // `HTTP/1.1 200 OK`
    let status = lines.next()?.split(' ').nth(1)?.parse().ok()?;
    let headers: Vec<(String, String)> = lines
        .filter_map(|line| line.split_once(':'))
        .map(|(name, value)| (name.trim().to_ascii_lowercase(), value.trim().to_owned()))
        .collect();
    let rest = &raw[end + 4..];
    let chunked = headers
        .iter()
        .any(|(n, v)| n == "transfer-encoding" && v.eq_ignore_ascii_case("chunked"));
    let body = if head_only {
        Vec::new()
    } else if chunked {
        dechunk(rest)?
    } else {
        rest.to_vec()
    };
    Some(Response {
        status,
        headers,
        body,
    })
}

/// Decodes a chunked body: the registry's Go server chunks responses it did not size.
fn dechunk(mut rest: &[u8]) -> Option<Vec<u8>> {
    let mut body = Vec::new();
    loop {
        let line_end = rest.windows(2).position(|w| w == b"\r\n")?;
        let size_text = std::str::from_utf8(&rest[..line_end]).ok()?;
        // A chunk size may carry `;extensions`.
        let size_text = size_text.split(';').next()?.trim();
        let size = usize::from_str_radix(size_text, 16).ok()?;
        rest = &rest[line_end + 2..];
        if size == 0 {
            return Some(body);
        }
        body.extend_from_slice(rest.get(..size)?);
        rest = rest.get(size + 2..)?;
    }
}
