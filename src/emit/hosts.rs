//! `imgsift hosts` output: the configuration that tells the nodes' container runtime to pull
//! every source registry found from the mirror.
//!
//! containerd reads `hosts.d/<registry>/hosts.toml` (its `config_path`): `server` is the
//! upstream, and a `[host."URL"]` table is tried first. containerd appends `/v2/<repository>`
//! to a host URL, so a mirror that serves the images under a path (a `/PREFIX`, or each
//! upstream nested under its name with `--keep-registry-path`) is written with the full API
//! path and `override_path = true`, the form containerd documents for such mirrors. K3s and
//! RKE2 read one `registries.yaml`: `mirrors.<registry>.endpoint`, with a `rewrite` of the
//! repository when the mirror serves it under a path, and `configs.<mirror host>.tls`.

use super::files::OutputFile;
use crate::registry::Registry;

/// What `hosts` writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// containerd `hosts.d/<registry>/hosts.toml`.
    Containerd,
    /// One K3s / RKE2 `registries.yaml`.
    K3s,
}

/// The mirror the nodes pull from: `scheme://HOST[:PORT][/PREFIX]`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Mirror {
    scheme: String,
    /// `HOST[:PORT][/PREFIX]`, by the grammar and rules of `--registry`.
    registry: Registry,
}

impl Mirror {
    /// Parses `--mirror`: a URL with `https://` or `http://`, or `HOST[:PORT][/PREFIX]`
    /// (HTTPS then).
    pub fn parse(text: &str) -> Result<Mirror, String> {
        let text = text.trim().trim_end_matches('/');
        let (scheme, rest) = match text.split_once("://") {
            Some((scheme, rest)) => (scheme.to_ascii_lowercase(), rest),
            None => ("https".to_owned(), text),
        };
        if scheme != "https" && scheme != "http" {
            return Err(format!(
                "--mirror {text:?}: the scheme must be https or http"
            ));
        }
        let (host, prefix) = match rest.split_once('/') {
            Some((host, prefix)) => (host, prefix.trim_matches('/')),
            None => (rest, ""),
        };
        // The same grammar as --registry: the host and prefix must name images.
        let registry = Registry::parse(&if prefix.is_empty() {
            host.to_owned()
        } else {
            format!("{host}/{prefix}")
        })
        .map_err(|e| e.to_string().replace("--registry", "--mirror"))?;
        Ok(Mirror { scheme, registry })
    }

    /// `HOST[:PORT][/PREFIX]`.
    pub fn registry(&self) -> &Registry {
        &self.registry
    }

    /// `scheme://host`.
    fn origin(&self) -> String {
        format!("{}://{}", self.scheme, self.registry.host())
    }
}

/// What `hosts` writes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HostsOptions {
    /// The mirror.
    pub mirror: Mirror,
    /// The mirror nests each upstream under its name.
    pub keep_registry_path: bool,
    /// A CA certificate file on the nodes, for the mirror's TLS.
    pub ca: Option<String>,
    /// Skip TLS verification of the mirror.
    pub skip_verify: bool,
}

impl HostsOptions {
    /// The path under the mirror where `registry`'s repositories are, without slashes at the
    /// ends (empty when they are at the root).
    fn path_for(&self, registry: &str) -> String {
        let mut parts = Vec::new();
        if !self.mirror.registry.prefix().is_empty() {
            parts.push(self.mirror.registry.prefix());
        }
        if self.keep_registry_path {
            parts.push(registry);
        }
        parts.join("/")
    }
}

/// A TOML basic string.
fn toml_string(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    out.push('"');
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c if c.is_control() => out.push_str(&format!("\\u{:04X}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// The upstream containerd falls back to: Docker Hub's API host for `docker.io`.
fn server_of(registry: &str) -> String {
    if registry == "docker.io" {
        "https://registry-1.docker.io".to_owned()
    } else {
        format!("https://{registry}")
    }
}

/// containerd's `hosts.d/<registry>/hosts.toml`, one per registry.
pub fn containerd(registries: &[String], options: &HostsOptions) -> Vec<OutputFile> {
    registries
        .iter()
        .map(|registry| {
            let path = options.path_for(registry);
            let (url, override_path) = if path.is_empty() {
                (options.mirror.origin(), false)
            } else {
                (format!("{}/v2/{path}", options.mirror.origin()), true)
            };
            let mut text = format!(
                "# imgsift hosts: pulls of {registry} images go to the mirror {} first.\nserver = {}\n\n[host.{}]\n  capabilities = [\"pull\", \"resolve\"]\n",
                if path.is_empty() { options.mirror.registry.host().to_owned() } else { format!("{}/{path}", options.mirror.registry.host()) },
                toml_string(&server_of(registry)),
                toml_string(&url)
            );
            if override_path {
                text.push_str("  override_path = true\n");
            }
            if let Some(ca) = &options.ca {
                text.push_str(&format!("  ca = {}\n", toml_string(ca)));
            }
            if options.skip_verify {
                text.push_str("  skip_verify = true\n");
            }
            OutputFile::new(format!("hosts.d/{registry}/hosts.toml"), text)
        })
        .collect()
}

/// A YAML double-quoted string (JSON's escapes are YAML's).
fn yaml_string(text: &str) -> String {
    serde_json::Value::String(text.to_owned()).to_string()
}

/// K3s / RKE2 `registries.yaml`.
pub fn k3s(registries: &[String], options: &HostsOptions) -> OutputFile {
    let mut text = String::from(
        "# imgsift hosts: K3s / RKE2 registries.yaml (/etc/rancher/k3s/registries.yaml, /etc/rancher/rke2/registries.yaml)\n",
    );
    if registries.is_empty() {
        text.push_str("mirrors: {}\n");
    } else {
        text.push_str("mirrors:\n");
    }
    for registry in registries {
        text.push_str(&format!(
            "  {}:\n    endpoint:\n      - {}\n",
            yaml_string(registry),
            yaml_string(&options.mirror.origin())
        ));
        let path = options.path_for(registry);
        if !path.is_empty() {
            text.push_str(&format!(
                "    rewrite:\n      \"^(.*)$\": {}\n",
                yaml_string(&format!("{path}/$1"))
            ));
        }
    }
    if options.ca.is_some() || options.skip_verify {
        text.push_str(&format!(
            "configs:\n  {}:\n    tls:\n",
            yaml_string(options.mirror.registry.host())
        ));
        if let Some(ca) = &options.ca {
            text.push_str(&format!("      ca_file: {}\n", yaml_string(ca)));
        }
        if options.skip_verify {
            text.push_str("      insecure_skip_verify: true\n");
        }
    }
    OutputFile::new("registries.yaml", text)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn options(mirror: &str, keep: bool) -> HostsOptions {
        HostsOptions {
            mirror: Mirror::parse(mirror).unwrap_or_else(|e| panic!("{e}")),
            keep_registry_path: keep,
            ca: None,
            skip_verify: false,
        }
    }

    #[test]
    fn mirrors_parse_with_or_without_a_scheme() {
        assert_eq!(
            options("mirror.local:5000", false).mirror.origin(),
            "https://mirror.local:5000"
        );
        assert_eq!(
            options("http://10.0.0.1:5000/m/", false).path_for("docker.io"),
            "m"
        );
        assert_eq!(
            options("https://r.example.com/m", true).path_for("quay.io"),
            "m/quay.io"
        );
        assert!(Mirror::parse("ftp://r.example.com").is_err());
        assert!(Mirror::parse("https://myregistry").is_err());
    }

    #[test]
    fn a_mirror_under_a_path_overrides_containerds_path() {
        let files = containerd(
            &["docker.io".to_owned()],
            &options("https://r.example.com/m", true),
        );
        assert_eq!(files[0].name, "hosts.d/docker.io/hosts.toml");
        assert!(
            files[0]
                .text
                .contains("server = \"https://registry-1.docker.io\"")
        );
        assert!(
            files[0]
                .text
                .contains("[host.\"https://r.example.com/v2/m/docker.io\"]")
        );
        assert!(files[0].text.contains("override_path = true"));
        let plain = containerd(&["quay.io".to_owned()], &options("r.example.com", false));
        assert!(plain[0].text.contains("[host.\"https://r.example.com\"]"));
        assert!(!plain[0].text.contains("override_path"));
    }
}
