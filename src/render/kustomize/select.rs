//! Which resources a patch or a replacement applies to.
//!
//! A patch without a target applies to the resource with its kind, name and group (and its
//! namespace, when it names one). A `target:` selector picks by group, version, kind, name and
//! namespace (regular expressions, anchored, as kustomize does) and by label and annotation
//! selectors (`key=value`, `key!=value`, `key`, `!key`, comma-separated).

use regex::Regex;

use crate::documents::Tree;
use crate::kube::group_of;

/// A resource of a build: its tree, and where it was read.
#[derive(Debug, Clone)]
pub struct Resource {
    /// The object.
    pub tree: Tree,
    /// The file it was read from (or the kustomization that generated it).
    pub file: std::sync::Arc<str>,
    /// Its document index in that file.
    pub document: u32,
    /// Names and namespaces it had before `namespace`, `namePrefix` or `nameSuffix` changed
    /// them: kustomize lets patches and selectors name a resource by any of them.
    previous: Vec<(String, String)>,
}

impl Resource {
    /// A resource read from `file`.
    pub fn new(tree: Tree, file: std::sync::Arc<str>, document: u32) -> Resource {
        Resource {
            tree,
            file,
            document,
            previous: Vec::new(),
        }
    }

    /// Records the current name and namespace before a transform changes them.
    pub fn remember_id(&mut self) {
        let id = (self.name().to_owned(), self.namespace().to_owned());
        if !self.previous.contains(&id) {
            self.previous.push(id);
        }
    }

    /// The current name and namespace, then the earlier ones.
    fn ids(&self) -> impl Iterator<Item = (&str, &str)> {
        std::iter::once((self.name(), self.namespace())).chain(
            self.previous
                .iter()
                .map(|(n, ns)| (n.as_str(), ns.as_str())),
        )
    }

    fn text(&self, path: &[&str]) -> &str {
        self.tree.get_path(path).and_then(Tree::text).unwrap_or("")
    }

    /// `kind`.
    pub fn kind(&self) -> &str {
        self.text(&["kind"])
    }

    /// `apiVersion`.
    pub fn api_version(&self) -> &str {
        self.text(&["apiVersion"])
    }

    /// `metadata.name`.
    pub fn name(&self) -> &str {
        self.text(&["metadata", "name"])
    }

    /// `metadata.namespace`.
    pub fn namespace(&self) -> &str {
        self.text(&["metadata", "namespace"])
    }
}

/// A `target:` selector, or the identity of a patch without one.
#[derive(Debug, Clone, Default)]
pub struct Selector {
    group: Option<String>,
    version: Option<String>,
    kind: Option<String>,
    name: Option<Regex>,
    namespace: Option<Regex>,
    labels: Vec<Requirement>,
    annotations: Vec<Requirement>,
}

#[derive(Debug, Clone)]
enum Requirement {
    Equals(String, String),
    NotEquals(String, String),
    Exists(String),
    Missing(String),
}

fn anchored(pattern: &str) -> Option<Regex> {
    Regex::new(&format!("^(?:{pattern})$")).ok()
}

fn requirements(text: &str) -> Vec<Requirement> {
    text.split(',')
        .map(str::trim)
        .filter(|r| !r.is_empty())
        .map(|r| {
            if let Some((key, value)) = r.split_once("!=") {
                Requirement::NotEquals(key.trim().to_owned(), value.trim().to_owned())
            } else if let Some((key, value)) = r.split_once("==").or_else(|| r.split_once('=')) {
                Requirement::Equals(key.trim().to_owned(), value.trim().to_owned())
            } else if let Some(key) = r.strip_prefix('!') {
                Requirement::Missing(key.trim().to_owned())
            } else {
                Requirement::Exists(r.to_owned())
            }
        })
        .collect()
}

fn satisfies(map: Option<&Tree>, requirements: &[Requirement]) -> bool {
    let value = |key: &str| map.and_then(|m| m.get(key)).and_then(Tree::text);
    requirements.iter().all(|r| match r {
        Requirement::Equals(key, expected) => value(key) == Some(expected.as_str()),
        Requirement::NotEquals(key, unwanted) => value(key) != Some(unwanted.as_str()),
        Requirement::Exists(key) => value(key).is_some(),
        Requirement::Missing(key) => value(key).is_none(),
    })
}

impl Selector {
    /// A `target:` mapping.
    pub fn from_target(target: &Tree) -> Selector {
        let field = |key: &str| target.get(key).and_then(Tree::text).map(str::to_owned);
        Selector {
            group: field("group"),
            version: field("version"),
            kind: field("kind"),
            name: field("name").and_then(|n| anchored(&n)),
            namespace: field("namespace").and_then(|n| anchored(&n)),
            labels: field("labelSelector")
                .map(|s| requirements(&s))
                .unwrap_or_default(),
            annotations: field("annotationSelector")
                .map(|s| requirements(&s))
                .unwrap_or_default(),
        }
    }

    /// The identity of a strategic-merge patch: its kind, name, group and namespace.
    pub fn identity_of(patch: &Tree) -> Selector {
        let text = |path: &[&str]| patch.get_path(path).and_then(Tree::text).map(str::to_owned);
        let api_version = text(&["apiVersion"]).unwrap_or_default();
        Selector {
            group: Some(group_of(&api_version).to_owned()),
            kind: text(&["kind"]),
            name: text(&["metadata", "name"]).and_then(|n| anchored(&regex::escape(&n))),
            namespace: text(&["metadata", "namespace"]).and_then(|n| anchored(&regex::escape(&n))),
            ..Selector::default()
        }
    }

    /// Whether the selector picks `resource`.
    pub fn matches(&self, resource: &Resource) -> bool {
        let api_version = resource.api_version();
        let (group, version) = match api_version.rsplit_once('/') {
            Some((group, version)) => (group, version),
            None => ("", api_version),
        };
        self.group.as_deref().is_none_or(|g| g == group)
            && self.version.as_deref().is_none_or(|v| v == version)
            && self.kind.as_deref().is_none_or(|k| k == resource.kind())
            && resource.ids().any(|(name, namespace)| {
                self.name.as_ref().is_none_or(|n| n.is_match(name))
                    && self
                        .namespace
                        .as_ref()
                        .is_none_or(|n| n.is_match(namespace))
            })
            && satisfies(
                resource.tree.get_path(&["metadata", "labels"]),
                &self.labels,
            )
            && satisfies(
                resource.tree.get_path(&["metadata", "annotations"]),
                &self.annotations,
            )
    }
}
