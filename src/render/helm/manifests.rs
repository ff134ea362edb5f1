//! From rendered templates to what `helm template` prints.
//!
//! As Helm does: `NOTES.txt` is dropped; each template's output is split into documents at
//! lines starting `---`; empty ones are dropped; a document whose `helm.sh/hook` annotation
//! names hook events is a hook (an unknown event drops it); manifests and hooks are each
//! sorted by Helm's install order of kinds (stably, unknown kinds after known ones, by name);
//! CRDs from `crds/` come first with `--include-crds`; hooks are printed after the manifests,
//! `---` and a `# Source:` line before each document.

use std::collections::BTreeMap;

use crate::documents::{Limits, yaml};

/// Helm's `InstallOrder` of kinds.
const INSTALL_ORDER: &[&str] = &[
    "PriorityClass",
    "Namespace",
    "NetworkPolicy",
    "ResourceQuota",
    "LimitRange",
    "PodSecurityPolicy",
    "PodDisruptionBudget",
    "ServiceAccount",
    "Secret",
    "SecretList",
    "ConfigMap",
    "StorageClass",
    "PersistentVolume",
    "PersistentVolumeClaim",
    "CustomResourceDefinition",
    "ClusterRole",
    "ClusterRoleList",
    "ClusterRoleBinding",
    "ClusterRoleBindingList",
    "Role",
    "RoleList",
    "RoleBinding",
    "RoleBindingList",
    "Service",
    "DaemonSet",
    "Pod",
    "ReplicationController",
    "ReplicaSet",
    "Deployment",
    "HorizontalPodAutoscaler",
    "StatefulSet",
    "Job",
    "CronJob",
    "IngressClass",
    "Ingress",
    "APIService",
    "MutatingWebhookConfiguration",
    "ValidatingWebhookConfiguration",
];

/// The hook events Helm knows.
const HOOK_EVENTS: &[&str] = &[
    "pre-install",
    "post-install",
    "pre-delete",
    "post-delete",
    "pre-upgrade",
    "post-upgrade",
    "pre-rollback",
    "post-rollback",
    "test",
    "test-success",
];

/// One document of the output.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Manifest {
    /// The template it came from (`chart/templates/x.yaml`), the `# Source:` line.
    pub source: String,
    /// Its text.
    pub content: String,
    /// Where its text starts in the template's output.
    pub offset: usize,
    /// `kind`
    pub kind: String,
    /// Whether it is a hook, and whether a test hook.
    pub hook: Option<Hook>,
}

/// What kind of hook a document is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Hook {
    /// Among its events is `test`.
    pub test: bool,
}

/// Rendered manifests, sorted as Helm sorts them.
#[derive(Debug, Default)]
pub struct Sorted {
    /// The manifests, in install order.
    pub manifests: Vec<Manifest>,
    /// The hooks, in install order.
    pub hooks: Vec<Manifest>,
    /// Documents that are not YAML: Helm refuses the whole render for one; the renderer
    /// reports them and goes on.
    pub invalid: Vec<(String, String)>,
}

/// Helm's `SplitManifests`: documents at lines starting `---`, empty ones dropped, leading
/// white space trimmed.
pub fn split(text: &str) -> Vec<String> {
    split_at(text).into_iter().map(|(_, d)| d).collect()
}

/// As [`split`], with the offset in `text` where each document starts.
pub fn split_at(text: &str) -> Vec<(usize, String)> {
    let mut docs: Vec<(usize, String)> = Vec::new();
    let mut start = text.len() - text.trim_start().len();
    let mut current = String::new();
    let mut offset = start;
    for line in text[start..].split_inclusive('\n') {
        if let Some(after) = line.strip_prefix("---") {
            let rest = after.trim_start_matches([' ', '\t']);
            docs.push((start, std::mem::take(&mut current)));
            start = offset + (line.len() - rest.len());
            current.push_str(rest);
        } else {
            current.push_str(line);
        }
        offset += line.len();
    }
    docs.push((start, current));
    docs.into_iter()
        .filter(|(_, d)| !d.trim().is_empty())
        .map(|(at, d)| {
            let trimmed = d.trim_start();
            (at + d.len() - trimmed.len(), trimmed.to_owned())
        })
        .collect()
}

/// Reads a document's `kind` and `helm.sh/hook` as Helm's `SimpleHead` does.
fn head(content: &str) -> Result<(String, Option<String>), String> {
    let docs = yaml::load(content, 1, &Limits::default())
        .map_err(|e| format!("yaml: line {}: {}", e.line, e.message))?;
    let Some(doc) = docs.first() else {
        return Ok((String::new(), None));
    };
    let Some(root) = doc.root() else {
        return Ok((String::new(), None));
    };
    let kind = doc
        .get(root, "kind")
        .and_then(|k| doc.text(k))
        .unwrap_or_default()
        .to_owned();
    let hook = doc
        .get_path(root, &["metadata", "annotations", "helm.sh/hook"])
        .and_then(|h| doc.text(h))
        .map(str::to_owned);
    Ok((kind, hook))
}

/// Helm's `SortManifests` over the rendered templates (`NOTES.txt` and `_` files left out).
pub fn sort(files: &BTreeMap<String, String>) -> Sorted {
    let mut sorted = Sorted::default();
    for (path, content) in files {
        let base = path.rsplit('/').next().unwrap_or(path);
        if base.starts_with('_') || base == "NOTES.txt" || content.trim().is_empty() {
            continue;
        }
        for (offset, doc) in split_at(content) {
            let (kind, hook) = match head(&doc) {
                Ok(head) => head,
                Err(err) => {
                    sorted
                        .invalid
                        .push((path.clone(), format!("YAML parse error on {path}: {err}")));
                    continue;
                }
            };
            let manifest = |hook| Manifest {
                source: path.clone(),
                content: doc.clone(),
                offset,
                kind: kind.clone(),
                hook,
            };
            match hook {
                None => sorted.manifests.push(manifest(None)),
                Some(events) => {
                    let events: Vec<String> = events
                        .split(',')
                        .map(|e| e.trim().to_ascii_lowercase())
                        .collect();
                    if events.iter().any(|e| !HOOK_EVENTS.contains(&e.as_str())) {
                        // Helm skips a document with an unknown hook.
                        continue;
                    }
                    let test = events.iter().any(|e| e == "test" || e == "test-success");
                    sorted.hooks.push(manifest(Some(Hook { test })));
                }
            }
        }
    }
    sort_by_kind(&mut sorted.manifests);
    sort_by_kind(&mut sorted.hooks);
    sorted
}

/// Helm's `lessByKind`, stable.
fn sort_by_kind(manifests: &mut [Manifest]) {
    let rank = |kind: &str| INSTALL_ORDER.iter().position(|k| *k == kind);
    manifests.sort_by(|a, b| match (rank(&a.kind), rank(&b.kind)) {
        (Some(x), Some(y)) => x.cmp(&y),
        (Some(_), None) => std::cmp::Ordering::Less,
        (None, Some(_)) => std::cmp::Ordering::Greater,
        (None, None) => a.kind.cmp(&b.kind),
    });
}

/// What to print.
#[derive(Debug, Clone, Default)]
pub struct PrintOptions {
    /// `--no-hooks`
    pub no_hooks: bool,
    /// `--skip-tests`
    pub skip_tests: bool,
    /// `--show-only` patterns (relative to the chart: `templates/x.yaml`).
    pub show_only: Vec<String>,
}

/// The text of `helm template`: CRDs (when given), the manifests, then the hooks. With
/// `--show-only`, only the documents of matching templates, or the name of a pattern that
/// matched nothing.
pub fn print(
    crds: &[(String, String)],
    sorted: &Sorted,
    options: &PrintOptions,
) -> Result<String, String> {
    let mut manifests = String::new();
    for (source, content) in crds {
        manifests.push_str(&format!("---\n# Source: {source}\n{content}\n"));
    }
    for m in &sorted.manifests {
        manifests.push_str(&format!("---\n# Source: {}\n{}\n", m.source, m.content));
    }
    // `helm template` prints the release's manifest trimmed, then each hook.
    let mut out = format!("{}\n", manifests.trim());
    if !options.no_hooks {
        for hook in &sorted.hooks {
            if options.skip_tests && hook.hook.is_some_and(|h| h.test) {
                continue;
            }
            out.push_str(&format!(
                "---\n# Source: {}\n{}\n",
                hook.source, hook.content
            ));
        }
    }
    if options.show_only.is_empty() {
        return Ok(out);
    }
    let documents = split(&out);
    let mut shown = String::new();
    for pattern in &options.show_only {
        let mut found = false;
        for doc in &documents {
            let Some(source) = doc
                .lines()
                .find_map(|l| l.strip_prefix("# Source: "))
                .and_then(|s| s.split_once('/').map(|(_, rest)| rest))
            else {
                continue;
            };
            if crate::inputs::glob::matches(pattern, source).unwrap_or(false) {
                // `helm template -s` splits its own output again with `SplitManifests`,
                // which trims each document at both ends.
                shown.push_str(&format!("---\n{}\n", doc.trim_end()));
                found = true;
            }
        }
        if !found {
            return Err(format!("could not find template {pattern} in chart"));
        }
    }
    Ok(shown)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn documents_split_at_dashes_and_sort_by_kind() {
        let mut files = BTreeMap::new();
        files.insert(
            "c/templates/a.yaml".to_owned(),
            "\n---\nkind: Deployment\n---\n\n---\nkind: ServiceAccount\n".to_owned(),
        );
        files.insert(
            "c/templates/b.yaml".to_owned(),
            "kind: Zeta\n---\nkind: Job\nmetadata:\n  annotations:\n    helm.sh/hook: test\n---\nkind: Pod\nmetadata:\n  annotations:\n    helm.sh/hook: nonsense\n".to_owned(),
        );
        files.insert("c/templates/NOTES.txt".to_owned(), "hello".to_owned());
        let sorted = sort(&files);
        let kinds: Vec<&str> = sorted.manifests.iter().map(|m| m.kind.as_str()).collect();
        assert_eq!(kinds, ["ServiceAccount", "Deployment", "Zeta"]);
        assert_eq!(sorted.hooks.len(), 1, "an unknown hook is dropped");
        let all = print(&[], &sorted, &PrintOptions::default()).unwrap_or_default();
        assert!(all.starts_with("---\n# Source: c/templates/a.yaml\nkind: ServiceAccount\n"));
        assert!(all.contains("# Source: c/templates/b.yaml\nkind: Job"));
        let no_tests = PrintOptions {
            skip_tests: true,
            ..PrintOptions::default()
        };
        assert!(
            !print(&[], &sorted, &no_tests)
                .unwrap_or_default()
                .contains("kind: Job")
        );
        let only = PrintOptions {
            show_only: vec!["templates/b.yaml".to_owned()],
            ..PrintOptions::default()
        };
        let shown = print(&[], &sorted, &only).unwrap_or_default();
        assert!(shown.contains("Zeta") && !shown.contains("Deployment"));
    }

    #[test]
    fn split_documents_know_where_they_start() {
        let text = "\n---\na: 1\n--- b: 2\n---\n\n  c: 3\n";
        let docs = split_at(text);
        assert_eq!(docs.len(), 3);
        for (offset, doc) in &docs {
            assert!(
                text[*offset..].starts_with(doc.as_str()),
                "{offset} {doc:?}"
            );
        }
    }
}
