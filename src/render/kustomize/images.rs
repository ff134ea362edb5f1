//! The `images:` transformer, as kustomize applies it.
//!
//! kustomize rewrites the `image` of every item of every `containers` and `initContainers`
//! sequence, wherever it is in a resource (its "legacy" filter): pod specs, pod templates, and
//! the pod templates of custom resources. It never touches `ephemeralContainers` or other
//! `image` fields (a custom resource's `spec.image` stays as written). An entry matches an
//! image when its `name` is the image's name as written, followed by an optional tag and/or
//! digest; names are not normalized (`nginx` does not match `docker.io/library/nginx`), and the
//! name is used as a regular expression, unescaped, as kustomize does. Entries are applied in
//! order, each to the result of the previous one.

use regex::Regex;

use crate::documents::{Node, Tree};
use crate::reference::written::split_as_written;

/// One entry of `images:`.
#[derive(Debug, Clone)]
pub struct ImageEntry {
    /// The name to match, as written.
    pub name: String,
    /// A new name, or empty.
    pub new_name: String,
    /// A new tag, or empty.
    pub new_tag: String,
    /// A digest, or empty.
    pub digest: String,
    /// Describes the entry for provenance (`images "nginx" (kustomization.yaml:12)`).
    pub label: String,
    /// kustomize's match pattern; `None` when the name is not a valid pattern.
    pattern: Option<Regex>,
}

impl ImageEntry {
    /// An entry; `label` says where it is written.
    pub fn new(name: &str, new_name: &str, new_tag: &str, digest: &str, label: String) -> Self {
        // kustomize: "^" + name + "(@[^@]+)?(:[\w][\w.-]{0,127})?(@[^@]+)?$", with Go's ASCII \w.
        let pattern = Regex::new(&format!(
            "^{name}(@[^@]+)?(:[0-9A-Za-z_][0-9A-Za-z_.-]{{0,127}})?(@[^@]+)?$"
        ))
        .ok();
        ImageEntry {
            name: name.to_owned(),
            new_name: new_name.to_owned(),
            new_tag: new_tag.to_owned(),
            digest: digest.to_owned(),
            label,
            pattern,
        }
    }

    /// Whether the name is a pattern kustomize can match at all.
    pub fn is_valid(&self) -> bool {
        self.pattern.is_some()
    }

    /// Whether the entry applies to `image` (kustomize's `IsImageMatched`).
    pub fn matches(&self, image: &str) -> bool {
        self.pattern.as_ref().is_some_and(|p| p.is_match(image))
    }

    /// The image after this entry (kustomize's `SetImageValue`).
    pub fn apply(&self, image: &str) -> String {
        let (mut name, mut tag, mut digest) = split_as_written(image);
        if !self.new_name.is_empty() {
            name = self.new_name.clone();
        }
        // A new tag or digest replaces both the tag and the digest written.
        match (self.new_tag.is_empty(), self.digest.is_empty()) {
            (false, false) => {
                tag = self.new_tag.clone();
                digest = self.digest.clone();
            }
            (false, true) => {
                tag = self.new_tag.clone();
                digest = String::new();
            }
            (true, false) => {
                tag = String::new();
                digest = self.digest.clone();
            }
            (true, true) => {}
        }
        if !tag.is_empty() {
            name.push(':');
            name.push_str(&tag);
        }
        if !digest.is_empty() {
            name.push('@');
            name.push_str(&digest);
        }
        name
    }
}

/// Applies `entries` to every container image of `tree`.
pub fn transform(tree: &mut Tree, entries: &[ImageEntry]) {
    if entries.is_empty() {
        return;
    }
    match &mut tree.node {
        Node::Map(items) => {
            for (key, value) in items.iter_mut() {
                transform(value, entries);
                if key == "containers" || key == "initContainers" {
                    for container in value.items_mut() {
                        if let Some(image) = container.get_mut("image") {
                            rewrite(image, entries);
                        }
                    }
                }
            }
        }
        Node::Seq(items) => items.iter_mut().for_each(|item| transform(item, entries)),
        Node::Scalar { .. } => {}
    }
}

fn rewrite(image: &mut Tree, entries: &[ImageEntry]) {
    for entry in entries {
        let Some(current) = image.str().map(str::to_owned) else {
            return;
        };
        if entry.matches(&current) {
            let new = entry.apply(&current);
            if new != current {
                let at = image
                    .at
                    .through(&format!("{} made {current:?} {new:?}", entry.label));
                *image = Tree::string(&new, at);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(name: &str, new_name: &str, new_tag: &str, digest: &str) -> ImageEntry {
        ImageEntry::new(name, new_name, new_tag, digest, "images".to_owned())
    }

    #[test]
    fn names_match_as_written_with_an_optional_tag_or_digest() {
        let nginx = entry("nginx", "", "", "");
        assert!(nginx.matches("nginx"));
        assert!(nginx.matches("nginx:1.25"));
        assert!(nginx.matches("nginx@sha256:ab"));
        assert!(!nginx.matches("docker.io/library/nginx:1.25"));
        assert!(!nginx.matches("nginx-exporter:1"));
    }

    #[test]
    fn new_name_tag_and_digest_replace_as_kustomize_does() {
        assert_eq!(
            entry("a", "r.io/a", "", "").apply("a:1@sha256:x"),
            "r.io/a:1@sha256:x"
        );
        assert_eq!(entry("a", "", "2", "").apply("a:1@sha256:x"), "a:2");
        assert_eq!(entry("a", "", "", "sha256:y").apply("a:1"), "a@sha256:y");
        assert_eq!(entry("a", "", "2", "sha256:y").apply("a"), "a:2@sha256:y");
        assert_eq!(entry("a", "", "", "").apply("a:1"), "a:1");
    }
}
