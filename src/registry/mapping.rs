//! The one mapping rule applied to a run: which images go where in the private registry.
//!
//! `overlay`, `mirror`, `hosts` and `check` share the rule of `registry/mod.rs`; this module
//! applies it to the inventory. The mirror plan is every image found, its source and its
//! target. It is refused as a whole when two sources would land on one target
//! (`docker.io/acme/app:1` and `ghcr.io/acme/app:1` both become `HOST/acme/app:1` without
//! `--keep-registry-path`), or when an image cannot be mapped, because a mirror job that
//! silently overwrites or drops an image breaks the install it prepares. Images already in the
//! private registry are left out.

use std::collections::{BTreeMap, BTreeSet};

use serde::Serialize;

use super::Registry;
use crate::inventory::Image;
use crate::reference::Reference;

/// How images are mapped.
#[derive(Debug, Clone)]
pub struct Mapping {
    /// The private registry.
    pub registry: Registry,
    /// Nest each upstream under its registry's name.
    pub keep_registry_path: bool,
}

/// One image to copy.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Pair {
    /// The normalized source reference.
    pub source: String,
    /// Where it goes in the private registry (tag and digest kept).
    pub target: String,
    /// The source registry (`docker.io`).
    pub registry: String,
    /// The source repository path (`library/nginx`).
    pub repository: String,
    /// The tag, if any.
    pub tag: Option<String>,
    /// The digest, if any.
    pub digest: Option<String>,
    /// The target's registry host (with port).
    pub target_registry: String,
    /// The target's repository path (`mirror/library/nginx`).
    pub target_repository: String,
    /// What to pull: by digest when there is one, else by tag.
    pub pull: String,
    /// What to push: by tag when there is one, else by digest.
    pub push: String,
    /// `push` for tools that push only by tag (docker): a digest alone becomes the tag
    /// `sha256-<hex>`.
    pub push_tagged: String,
}

/// The images to copy, or why the copy is refused.
pub fn plan(images: &[Image], mapping: &Mapping) -> Result<Vec<Pair>, Vec<String>> {
    let mut pairs = Vec::new();
    let mut problems = Vec::new();
    for image in images {
        let source = &image.reference;
        if mapping.registry.holds(source) {
            continue;
        }
        match mapping.registry.map(source, mapping.keep_registry_path) {
            Ok(target) => pairs.push(pair(source, &target)),
            Err(err) => problems.push(err.to_string()),
        }
    }
    let mut by_target: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
    for pair in &pairs {
        by_target
            .entry(&pair.target)
            .or_default()
            .push(&pair.source);
    }
    for (target, sources) in by_target.iter().filter(|(_, s)| s.len() > 1) {
        problems.push(format!(
            "{} would all land on {target}; mirror them with --keep-registry-path, which keeps each source registry in the path",
            sources.join(" and ")
        ));
    }
    if problems.is_empty() {
        Ok(pairs)
    } else {
        Err(problems)
    }
}

fn pair(source: &Reference, target: &Reference) -> Pair {
    let name = |r: &Reference| r.name();
    let pull = match source.digest() {
        Some(digest) => format!("{}@{digest}", name(source)),
        None => source.to_string(),
    };
    let push = match (target.tag(), target.digest()) {
        (Some(tag), _) => format!("{}:{tag}", name(target)),
        (None, Some(digest)) => format!("{}@{digest}", name(target)),
        (None, None) => target.to_string(),
    };
    let push_tagged = match (target.tag(), target.digest()) {
        (None, Some(digest)) => format!("{}:{}", name(target), digest.replace(':', "-")),
        _ => push.clone(),
    };
    Pair {
        source: source.to_string(),
        target: target.to_string(),
        registry: source.domain().to_owned(),
        repository: source.path().to_owned(),
        tag: source.tag().map(str::to_owned),
        digest: source.digest().map(str::to_owned),
        target_registry: target.domain().to_owned(),
        target_repository: target.path().to_owned(),
        pull,
        push,
        push_tagged,
    }
}

/// Every source registry of `images` but `mirror` itself (the host the nodes pull from),
/// sorted: the registries a node needs a mirror configuration for.
pub fn source_registries(images: &[Image], mirror: &Registry) -> Vec<String> {
    images
        .iter()
        .map(|image| image.reference.domain().to_owned())
        .filter(|domain| !domain.is_empty() && domain != mirror.host())
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect()
}

/// Why `registries` cannot be nested under `mirror` with `--keep-registry-path` (a port or an
/// IPv6 address is not a path component), by the rule `mirror` and `overlay` use: the node
/// configuration must not send pulls to names no image can be mirrored to.
pub fn nesting_problems(registries: &[String], mirror: &Registry, keep: bool) -> Vec<String> {
    if !keep {
        return Vec::new();
    }
    registries
        .iter()
        .filter_map(|registry| mirror.registry_for(registry, true).err())
        .map(|err| err.to_string())
        .collect()
}

/// Images and mappings for the tests of every module that plans with this one.
#[cfg(test)]
pub(crate) mod test_support {
    use super::*;

    pub fn image(text: &str) -> Image {
        Image {
            reference: Reference::parse_normalized(text).unwrap_or_else(|e| panic!("{e}")),
            sources: Vec::new(),
            in_manifests: true,
        }
    }

    pub fn mapping(registry: &str, keep: bool) -> Mapping {
        Mapping {
            registry: Registry::parse(registry).unwrap_or_else(|e| panic!("{e}")),
            keep_registry_path: keep,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::test_support::{image, mapping};
    use super::*;

    #[test]
    fn collisions_are_refused_and_keep_registry_path_resolves_them() {
        let images = [image("docker.io/acme/app:1"), image("ghcr.io/acme/app:1")];
        let refused = plan(&images, &mapping("r.example.com", false));
        assert!(
            matches!(&refused, Err(p) if p.len() == 1 && p[0].contains("docker.io/acme/app:1 and ghcr.io/acme/app:1")),
            "{refused:?}"
        );
        assert!(plan(&images, &mapping("r.example.com", true)).is_ok());
    }

    #[test]
    fn images_already_in_the_registry_are_left_out() {
        let images = [image("r.example.com/m/library/nginx:1"), image("nginx:1")];
        let pairs = plan(&images, &mapping("r.example.com/m", false)).unwrap_or_default();
        assert_eq!(pairs.len(), 1);
        assert_eq!(pairs[0].target, "r.example.com/m/library/nginx:1");
    }

    #[test]
    fn pinned_images_are_pulled_by_digest_and_pushed_by_tag() {
        let digest = format!("sha256:{}", "a".repeat(64));
        let pairs = plan(
            &[
                image(&format!("quay.io/a/b:1@{digest}")),
                image(&format!("quay.io/a/c@{digest}")),
            ],
            &mapping("r.example.com", false),
        )
        .unwrap_or_default();
        assert_eq!(pairs[0].pull, format!("quay.io/a/b@{digest}"));
        assert_eq!(pairs[0].push, "r.example.com/a/b:1");
        assert_eq!(pairs[1].push, format!("r.example.com/a/c@{digest}"));
        assert_eq!(
            pairs[1].push_tagged,
            format!("r.example.com/a/c:sha256-{}", "a".repeat(64))
        );
    }
}
