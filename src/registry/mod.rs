//! The private registry, and the one rule that maps an upstream image into it.
//!
//! `overlay`, `mirror`, `hosts` and `check` all agree on where an image lives in the private
//! registry: with `--registry HOST[:PORT][/PREFIX]`, `docker.io/library/nginx:1.25` becomes
//! `HOST[:PORT][/PREFIX]/library/nginx:1.25` (the repository path is kept, the source registry
//! dropped). With `--keep-registry-path` it becomes
//! `HOST[:PORT][/PREFIX]/docker.io/library/nginx:1.25`, the layout of a mirror that nests each
//! upstream under its name (containerd's `override_path`). Tags and digests are kept.

pub mod mapping;
pub mod readiness;

use std::fmt;

use crate::reference::Reference;

/// A private registry: host with optional port, and an optional path prefix.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Registry {
    host: String,
    prefix: String,
}

/// Why a `--registry` value or a mapping is refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MappingError(pub String);

impl fmt::Display for MappingError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for MappingError {}

impl Registry {
    /// Parses `HOST[:PORT][/PREFIX]`. A scheme (`https://`) is refused: images are named
    /// without one. The host must be something runtimes take for a registry (it has a `.` or a
    /// port, or is `localhost`), so the result is never read as a Docker Hub path.
    pub fn parse(text: &str) -> Result<Registry, MappingError> {
        let text = text.trim().trim_end_matches('/');
        if text.contains("://") {
            return Err(MappingError(format!(
                "--registry {text:?}: give HOST[:PORT][/PREFIX] without a scheme"
            )));
        }
        let (host, prefix) = match text.split_once('/') {
            Some((host, prefix)) => (host, prefix),
            None => (text, ""),
        };
        if host.is_empty() {
            return Err(MappingError("--registry needs a host".to_owned()));
        }
        if !(host.contains(['.', ':']) || host == "localhost") {
            return Err(MappingError(format!(
                "--registry {text:?}: {host:?} would be read as a Docker Hub namespace; a registry host has a dot or a port, or is localhost"
            )));
        }
        // The grammar is the judge: a name under the registry must parse with it as domain.
        let probe = if prefix.is_empty() {
            format!("{host}/x")
        } else {
            format!("{host}/{prefix}/x")
        };
        match Reference::parse(&probe) {
            Ok(parsed) if parsed.domain() == host => Ok(Registry {
                host: host.to_owned(),
                prefix: prefix.to_owned(),
            }),
            _ => Err(MappingError(format!(
                "--registry {text:?} is not a registry host with an optional path (HOST[:PORT][/PREFIX], lowercase path)"
            ))),
        }
    }

    /// The host with port.
    pub fn host(&self) -> &str {
        &self.host
    }

    /// The path prefix (may be empty).
    pub fn prefix(&self) -> &str {
        &self.prefix
    }

    /// `HOST[:PORT][/PREFIX]`.
    pub fn base(&self) -> String {
        if self.prefix.is_empty() {
            self.host.clone()
        } else {
            format!("{}/{}", self.host, self.prefix)
        }
    }

    /// Where the images of `source_domain` live: `HOST/PREFIX`, or `HOST/PREFIX/<domain>`
    /// with `keep_registry_path`.
    pub fn registry_for(
        &self,
        source_domain: &str,
        keep_registry_path: bool,
    ) -> Result<String, MappingError> {
        if !keep_registry_path {
            return Ok(self.base());
        }
        let nested = source_domain.to_ascii_lowercase();
        // A path component cannot hold a port or brackets: such a registry cannot be nested
        // under its name, and a mirror tool would fail on the result.
        if nested.is_empty() || nested.contains([':', '[', ']']) {
            return Err(MappingError(format!(
                "{source_domain:?} cannot be nested as a path under the registry (a port or IPv6 address is not a path component); map it without --keep-registry-path"
            )));
        }
        Ok(format!("{}/{nested}", self.base()))
    }

    /// Maps an upstream image into this registry; tag and digest are kept.
    pub fn map(
        &self,
        image: &Reference,
        keep_registry_path: bool,
    ) -> Result<Reference, MappingError> {
        let registry = self.registry_for(image.domain(), keep_registry_path)?;
        let mut text = format!("{registry}/{}", image.path());
        if let Some(tag) = image.tag() {
            text.push(':');
            text.push_str(tag);
        }
        if let Some(digest) = image.digest() {
            text.push('@');
            text.push_str(digest);
        }
        Reference::parse(&text)
            .map_err(|err| MappingError(format!("{image} cannot be mapped to {text}: {err}")))
    }

    /// Whether `image` is already served by this registry (its name starts with the base).
    pub fn holds(&self, image: &Reference) -> bool {
        let name = image.name();
        let base = self.base();
        name.strip_prefix(&base)
            .is_some_and(|rest| rest.starts_with('/'))
    }
}

impl fmt::Display for Registry {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.base())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn reference(text: &str) -> Reference {
        match Reference::parse_normalized(text) {
            Ok(r) => r,
            Err(e) => panic!("{text}: {e}"),
        }
    }

    fn registry(text: &str) -> Registry {
        match Registry::parse(text) {
            Ok(r) => r,
            Err(e) => panic!("{text}: {e}"),
        }
    }

    #[test]
    fn the_source_registry_is_dropped_and_the_path_kept() {
        let r = registry("registry.local:5000/mirror");
        let mapped = r
            .map(&reference("nginx:1.25"), false)
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(
            mapped.to_string(),
            "registry.local:5000/mirror/library/nginx:1.25"
        );
        let digest = format!("quay.io/a/b:1@sha256:{}", "a".repeat(64));
        let mapped = r
            .map(&reference(&digest), false)
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(
            mapped.to_string(),
            format!("registry.local:5000/mirror/a/b:1@sha256:{}", "a".repeat(64))
        );
    }

    #[test]
    fn keep_registry_path_nests_each_upstream_under_its_name() {
        let r = registry("harbor.example.com");
        let mapped = r
            .map(&reference("nginx:1.25"), true)
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(
            mapped.to_string(),
            "harbor.example.com/docker.io/library/nginx:1.25"
        );
        assert!(r.map(&reference("localhost:5000/x:1"), true).is_err());
    }

    #[test]
    fn registries_that_are_not_hosts_are_refused() {
        for bad in [
            "https://r.example.com",
            "",
            "myregistry",
            "r.example.com/Upper",
            "r.example.com/a//b",
        ] {
            assert!(Registry::parse(bad).is_err(), "{bad:?}");
        }
        for good in [
            "r.example.com",
            "localhost:5000",
            "10.0.0.1:5000/a/b",
            "[::1]:5000",
        ] {
            assert!(Registry::parse(good).is_ok(), "{good:?}");
        }
    }

    #[test]
    fn holds_means_under_the_base() {
        let r = registry("r.example.com/mirror");
        assert!(r.holds(&reference("r.example.com/mirror/library/nginx:1")));
        assert!(!r.holds(&reference("r.example.com/mirrored/x:1")));
        assert!(!r.holds(&reference("nginx:1")));
    }
}
