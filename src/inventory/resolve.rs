//! Tags for Helm values entries that do not write one.
//!
//! Helm fills a missing tag at render time, usually from the chart's `appVersion`, so "the only
//! way to determine the correct tag is to render the manifests". imgsift does what an operator
//! would: when manifests rendered from the values are scanned in the same run and show exactly
//! one tag for the entry's repository, that tag is the one; otherwise the `appVersion` of the
//! chart owning the values file (plus any default suffix the chart appends, Jenkins' `-jdk21`);
//! otherwise the entry is unresolved and reported as such, never guessed as `latest`.
//!
//! The chart owning a values file is one in the same folder, paired by name: `redis-values.yaml`
//! with `redis-Chart.yaml` (operators keep charts' files side by side under such names), else the
//! folder's own `Chart.yaml`, else the folder's only chart when the values file names no chart
//! (`values.yaml`, `values-prod.yaml`). A folder holding several charts' metadata never lends one
//! chart's `appVersion` to another chart's values: a wrong tag is a false image.

use std::collections::{BTreeMap, BTreeSet};

use serde::Serialize;

pub use crate::extract::TagFrom;
use crate::extract::ValuesEntry;
use crate::reference::{RefError, Reference};

/// A values entry whose tag stays unknown.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct Unresolved {
    /// The normalized repository (`ghcr.io/acme/ui`).
    pub repository: String,
    /// The values file.
    pub file: String,
    /// 1-based line.
    pub line: u64,
    /// 1-based column.
    pub column: u64,
    /// Key path of the entry.
    pub path: String,
    /// Why it is unresolved.
    pub reason: String,
}

/// What became of one values entry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Resolution {
    /// The entry names an image: with its own tag (`None`) or one found elsewhere.
    Image(Reference, Option<TagFrom>),
    /// The entry has no tag and none was found.
    Unresolved {
        /// The normalized repository.
        repository: String,
        /// Why.
        reason: String,
    },
    /// The entry is not an image reference.
    Invalid(RefError),
}

/// What the run knows that values entries can take their tags from.
#[derive(Debug, Default)]
pub struct Resolver {
    /// Repository name -> the references manifests use for it.
    manifests: BTreeMap<String, BTreeSet<Reference>>,
    /// Chart folder (as displayed) -> chart file name (lowercase) -> its `appVersion`.
    charts: BTreeMap<String, BTreeMap<String, Option<String>>>,
}

/// The folder of a displayed path (`charts/x/values.yaml` -> `charts/x`).
pub fn dir_of(display: &str) -> &str {
    match display.rfind('/') {
        Some(i) => &display[..i],
        None => "",
    }
}

/// The file name of a displayed path (`charts/x/values.yaml` -> `values.yaml`).
fn name_of(display: &str) -> &str {
    match display.rfind('/') {
        Some(i) => &display[i + 1..],
        None => display,
    }
}

/// The part of a file name that names its chart: what comes before `word` (`values`, `chart`),
/// without separators, in lowercase (`redis-values.yaml` -> `redis`, `values.yaml` -> ``).
/// A name without the word is its own stem, minus the extension.
fn stem(name: &str, word: &str) -> String {
    let lower = name.to_ascii_lowercase();
    let base = lower
        .strip_suffix(".yaml")
        .or_else(|| lower.strip_suffix(".yml"))
        .or_else(|| lower.strip_suffix(".json"))
        .unwrap_or(&lower);
    let before = match base.find(word) {
        Some(i) => &base[..i],
        None => base,
    };
    before.trim_end_matches(['-', '_', '.']).to_owned()
}

impl Resolver {
    /// Notes an image found in a manifest.
    pub fn manifest_image(&mut self, reference: &Reference) {
        self.manifests
            .entry(reference.name())
            .or_default()
            .insert(reference.clone());
    }

    /// Notes the `appVersion` of the chart whose metadata is file `name` of folder `dir`.
    pub fn chart(&mut self, dir: &str, name: &str, app_version: Option<String>) {
        self.charts
            .entry(dir.to_owned())
            .or_default()
            .entry(name.to_ascii_lowercase())
            .or_insert(app_version);
    }

    /// The `appVersion` of the chart owning values file `file` (see the module comment).
    fn app_version_for(&self, file: &str) -> Option<&str> {
        let charts = self.charts.get(dir_of(file))?;
        let wanted = stem(name_of(file), "values");
        let paired = charts
            .iter()
            .filter(|(name, _)| !wanted.is_empty() && stem(name, "chart") == wanted)
            .map(|(_, version)| version)
            .next();
        let chosen = match paired {
            Some(version) => version,
            None => match charts.get("chart.yaml") {
                Some(version) => version,
                None if wanted.is_empty() && charts.len() == 1 => charts.values().next()?,
                None => return None,
            },
        };
        chosen.as_deref()
    }

    /// Whether any manifest image was seen.
    pub fn has_manifests(&self) -> bool {
        !self.manifests.is_empty()
    }

    /// Whether a manifest uses exactly this image.
    pub fn in_manifests(&self, reference: &Reference) -> bool {
        self.manifests
            .get(&reference.name())
            .is_some_and(|refs| refs.contains(reference))
    }

    /// Resolves one entry.
    pub fn resolve(&self, entry: &ValuesEntry) -> Resolution {
        let text = entry.source.raw.as_str();
        if !entry.untagged {
            return match Reference::parse_normalized(text) {
                Ok(reference) => Resolution::Image(reference, None),
                Err(err) => Resolution::Invalid(err),
            };
        }
        let named = match Reference::parse_normalized_named(text) {
            Ok(named) => named,
            Err(err) => return Resolution::Invalid(err),
        };
        let repository = named.name();
        let used = self.manifests.get(&repository);
        if let Some(refs) = used {
            if refs.len() == 1 {
                if let Some(only) = refs.iter().next() {
                    return Resolution::Image(only.clone(), Some(TagFrom::Manifests));
                }
            }
        }
        if let Some(version) = self.app_version_for(&entry.source.file) {
            let suffix = entry.default_tag_suffix.as_deref().unwrap_or("");
            if let Ok(reference) = Reference::parse_normalized(&format!("{text}:{version}{suffix}"))
            {
                return Resolution::Image(reference, Some(TagFrom::AppVersion));
            }
        }
        let reason = match used {
            Some(refs) => format!(
                "no tag, and the manifests use {} different ones ({})",
                refs.len(),
                refs.iter()
                    .map(|r| r.to_string())
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
            None => "no tag".to_owned(),
        };
        Resolution::Unresolved { repository, reason }
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use super::*;
    use crate::extract::{Class, KeyPathBuf, Seg, Source};

    fn entry(file: &str, raw: &str, untagged: bool) -> ValuesEntry {
        ValuesEntry {
            source: Source {
                file: Arc::from(file),
                line: 1,
                column: 1,
                document: 1,
                object: None,
                path: KeyPathBuf(vec![Seg::key("image")]),
                class: Class::Values,
                raw: raw.to_owned(),
                tag_from: None,
                steps: Default::default(),
                values: Default::default(),
                rule: None,
            },
            untagged,
            default_tag_suffix: None,
            counted: true,
            shape: None,
            unrendered: false,
            stands_in: false,
        }
    }

    fn reference(text: &str) -> Reference {
        match Reference::parse_normalized(text) {
            Ok(r) => r,
            Err(e) => panic!("{text}: {e}"),
        }
    }

    #[test]
    fn a_tag_written_in_values_is_kept() {
        let resolver = Resolver::default();
        assert_eq!(
            resolver.resolve(&entry("v.yaml", "nginx:1.10", false)),
            Resolution::Image(reference("nginx:1.10"), None)
        );
    }

    #[test]
    fn one_manifest_tag_for_the_repository_wins_over_app_version() {
        let mut resolver = Resolver::default();
        resolver.manifest_image(&reference("ghcr.io/acme/ui:2.0.1"));
        resolver.chart("chart", "Chart.yaml", Some("9.9.9".to_owned()));
        assert_eq!(
            resolver.resolve(&entry("chart/values.yaml", "ghcr.io/acme/ui", true)),
            Resolution::Image(reference("ghcr.io/acme/ui:2.0.1"), Some(TagFrom::Manifests))
        );
    }

    #[test]
    fn several_manifest_tags_fall_back_to_app_version_then_to_unresolved() {
        let mut resolver = Resolver::default();
        resolver.manifest_image(&reference("ghcr.io/acme/ui:1"));
        resolver.manifest_image(&reference("ghcr.io/acme/ui:2"));
        match resolver.resolve(&entry("values.yaml", "ghcr.io/acme/ui", true)) {
            Resolution::Unresolved { repository, reason } => {
                assert_eq!(repository, "ghcr.io/acme/ui");
                assert!(reason.contains("2 different ones"), "{reason}");
            }
            other => panic!("{other:?}"),
        }
        resolver.chart("", "Chart.yaml", Some("3".to_owned()));
        assert_eq!(
            resolver.resolve(&entry("values.yaml", "ghcr.io/acme/ui", true)),
            Resolution::Image(reference("ghcr.io/acme/ui:3"), Some(TagFrom::AppVersion))
        );
    }

    #[test]
    fn app_version_takes_the_default_suffix() {
        let mut resolver = Resolver::default();
        resolver.chart("jenkins", "Chart.yaml", Some("2.568.2".to_owned()));
        let mut with_label = entry("jenkins/values.yaml", "docker.io/jenkins/jenkins", true);
        with_label.default_tag_suffix = Some("-jdk21".to_owned());
        assert_eq!(
            resolver.resolve(&with_label),
            Resolution::Image(
                reference("docker.io/jenkins/jenkins:2.568.2-jdk21"),
                Some(TagFrom::AppVersion)
            )
        );
    }

    #[test]
    fn without_manifests_or_chart_the_entry_is_unresolved_never_latest() {
        let resolver = Resolver::default();
        assert_eq!(
            resolver.resolve(&entry(
                "values.yaml",
                "quay.io/jetstack/cert-manager-controller",
                true
            )),
            Resolution::Unresolved {
                repository: "quay.io/jetstack/cert-manager-controller".to_owned(),
                reason: "no tag".to_owned()
            }
        );
    }

    #[test]
    fn side_by_side_charts_pair_with_their_own_values_files_only() {
        let mut resolver = Resolver::default();
        resolver.chart("kept", "postgresql-Chart.yaml", Some("17.6.0".to_owned()));
        resolver.chart("kept", "jenkins-Chart.yaml", Some("2.528.1".to_owned()));
        assert_eq!(
            resolver.resolve(&entry(
                "kept/postgresql-values.yaml",
                "docker.io/bitnami/postgresql",
                true
            )),
            Resolution::Image(
                reference("docker.io/bitnami/postgresql:17.6.0"),
                Some(TagFrom::AppVersion)
            )
        );
        assert_eq!(
            resolver.resolve(&entry("kept/jenkins-values.yaml", "jenkins/jenkins", true)),
            Resolution::Image(
                reference("docker.io/jenkins/jenkins:2.528.1"),
                Some(TagFrom::AppVersion)
            )
        );
        // The decoy: a values file of a chart whose metadata is not in the folder.
        assert!(matches!(
            resolver.resolve(&entry(
                "kept/argo-cd-values.yaml",
                "quay.io/argoproj/argocd",
                true
            )),
            Resolution::Unresolved { .. }
        ));
        // Two charts and a values file naming neither: no guess.
        assert!(matches!(
            resolver.resolve(&entry("kept/values.yaml", "quay.io/argoproj/argocd", true)),
            Resolution::Unresolved { .. }
        ));
    }

    #[test]
    fn a_folders_chart_yaml_owns_its_values_files_and_a_lone_chart_its_plain_values() {
        let mut resolver = Resolver::default();
        resolver.chart("app", "Chart.yaml", Some("1.2.3".to_owned()));
        resolver.chart("app", "other-Chart.yaml", Some("9".to_owned()));
        for file in ["app/values.yaml", "app/values-prod.yaml", "app/prod.yaml"] {
            assert_eq!(
                resolver.resolve(&entry(file, "acme/ui", true)),
                Resolution::Image(reference("acme/ui:1.2.3"), Some(TagFrom::AppVersion)),
                "{file}"
            );
        }
        resolver.chart("lone", "redis.chart.yml", Some("8.2.1".to_owned()));
        assert_eq!(
            resolver.resolve(&entry("lone/values.yaml", "bitnami/redis", true)),
            Resolution::Image(reference("bitnami/redis:8.2.1"), Some(TagFrom::AppVersion))
        );
        assert!(matches!(
            resolver.resolve(&entry("lone/argo-values.yaml", "argoproj/argocd", true)),
            Resolution::Unresolved { .. }
        ));
    }
}
