//! Air-gap readiness: proof that nothing will be pulled from outside the private registry.
//!
//! Every source of every image is checked: the image must be under `--registry` (the same
//! rule as the mapping: host, then the prefix as whole path components), must not float
//! (`latest`, or no tag at all, which pulls `latest`) unless `--allow-floating`, and must
//! carry a digest under `--require-digest`. An image pinned by digest does not float,
//! whatever its tag says. Values entries whose tag could not be found are violations too:
//! the chart will pick a tag imgsift cannot see. Each violation is one line
//! `file:line: ref: reason`, in file and line order.

use super::Registry;
use crate::inventory::Finished;
use crate::reference::Reference;

/// One violation.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Violation {
    /// Where the image is written.
    pub file: String,
    /// 1-based line.
    pub line: u64,
    /// The normalized reference (the repository for an unresolved values entry).
    pub reference: String,
    /// Why it fails.
    pub reason: String,
}

impl std::fmt::Display for Violation {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        use crate::escape::Printable;
        write!(
            f,
            "{}:{}: {}: {}",
            Printable(&self.file),
            self.line,
            self.reference,
            Printable(&self.reason)
        )
    }
}

/// What `check` demands.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CheckOptions {
    /// The one registry images may come from.
    pub registry: Registry,
    /// Accept `latest` and missing tags.
    pub allow_floating: bool,
    /// Demand a digest on every image.
    pub require_digest: bool,
}

/// The values keys a rendered image was printed from: `key (parts, file:line)`, joined.
fn keys_behind(source: &crate::inventory::Source) -> String {
    source
        .values
        .keys()
        .iter()
        .map(|key| {
            let mut text = if key.metadata {
                format!("Chart.yaml {}", key.key)
            } else {
                format!("values key {}", key.key)
            };
            let parts = crate::reference::parts_of(&source.raw, &key.text);
            let mut detail: Vec<String> = Vec::new();
            if !parts.is_empty() {
                detail.push(parts.join("+"));
            }
            if let Some((file, line, _)) = &key.at {
                detail.push(format!("{file}:{line}"));
            }
            if !detail.is_empty() {
                text.push_str(&format!(" ({})", detail.join(", ")));
            }
            text
        })
        .collect::<Vec<_>>()
        .join(", ")
}

/// Whether the text as written names no tag and no digest.
fn written_without_tag(raw: &str) -> bool {
    Reference::parse_normalized_named(raw).is_ok_and(|r| r.tag().is_none() && r.digest().is_none())
}

/// Every violation of the run, sorted.
pub fn check(finished: &Finished, options: &CheckOptions) -> Vec<Violation> {
    let mut violations = Vec::new();
    let base = options.registry.base();
    for image in &finished.images {
        let reference = &image.reference;
        let mut reasons = Vec::new();
        if !options.registry.holds(reference) {
            reasons.push(format!(
                "pulled from {}, not from {base}",
                registry_of(reference)
            ));
        }
        let floating = reference.digest().is_none() && reference.tag() == Some("latest");
        if options.require_digest && reference.digest().is_none() {
            reasons.push("no digest (--require-digest)".to_owned());
        }
        for source in &image.sources {
            let mut source_reasons = reasons.clone();
            // For a rendered image, the keys behind its name: what to change, or that no
            // value can.
            if let Some(reason) = source_reasons
                .first_mut()
                .filter(|_| !options.registry.holds(reference))
            {
                if source.template_only() {
                    reason.push_str(
                        "; the template writes it, no values key prints it (a node mirror or a post-render kustomization covers it)",
                    );
                } else if source.name_from_template() {
                    reason.push_str(
                        "; the template writes the start of its name (a chart-wide key the template tests may replace it); the rest is printed from ",
                    );
                    reason.push_str(&keys_behind(source));
                } else if source.values.is_traced() {
                    reason.push_str("; printed from ");
                    reason.push_str(&keys_behind(source));
                }
            }
            if floating && !options.allow_floating {
                source_reasons.push(
                    if source.tag_from.is_none() && written_without_tag(&source.raw) {
                        "no tag, so latest is pulled: a floating tag (--allow-floating accepts it)"
                            .to_owned()
                    } else {
                        "floating tag latest (--allow-floating accepts it)".to_owned()
                    },
                );
            }
            for reason in source_reasons {
                violations.push(Violation {
                    file: source.file.to_string(),
                    line: source.line,
                    reference: reference.to_string(),
                    reason,
                });
            }
        }
    }
    for entry in &finished.unresolved {
        let parsed = Reference::parse_normalized_named(&entry.repository);
        let holds = parsed.as_ref().is_ok_and(|r| options.registry.holds(r));
        if !holds {
            let from = match &parsed {
                Ok(reference) => registry_of(reference).to_owned(),
                Err(_) => "a registry imgsift cannot name".to_owned(),
            };
            violations.push(Violation {
                file: entry.file.clone(),
                line: entry.line,
                reference: entry.repository.clone(),
                reason: format!("pulled from {from}, not from {base}"),
            });
        }
        if !options.allow_floating {
            // The reason starts with "no tag" and says why none could be found.
            violations.push(Violation {
                file: entry.file.clone(),
                line: entry.line,
                reference: entry.repository.clone(),
                reason: format!(
                    "{}: the chart picks one at install, which imgsift cannot see (--allow-floating accepts it)",
                    entry.reason
                ),
            });
        }
    }
    violations.sort();
    violations.dedup();
    violations
}

fn registry_of(reference: &Reference) -> &str {
    match reference.domain() {
        "" => "an unnamed registry",
        domain => domain,
    }
}
