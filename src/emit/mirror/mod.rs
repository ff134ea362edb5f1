//! `imgsift mirror` output: the input a mirroring tool needs to copy every image of the plan
//! (`registry/mapping.rs`) into the private registry.
//!
//! The formats are minijinja templates shipped in the binary (`templates/`); `--template FILE`
//! renders a user's template over the same data. An image is pulled by digest when it has one
//! (`pull`), and pushed by tag when it has one (`push`): copying by digest keeps the pinned
//! content, pushing by tag keeps the name people read, and the tools used here (crane,
//! skopeo with `--preserve-digests`, regctl, regsync) keep the manifest's digest either way.

pub mod charts;

use std::collections::BTreeMap;

use minijinja::{Environment, Value, context};
use serde::Serialize;

use super::files::{Emitted, OutputFile};
use crate::registry::mapping::{Mapping, Pair};

/// Output formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// regclient's regsync configuration.
    Regsync,
    /// `skopeo sync --src yaml` input, one document per destination.
    Skopeo,
    /// A hauler `Images` manifest.
    Hauler,
    /// A Zarf package with one component listing the images.
    Zarf,
    /// A shell script of copy commands for a tool.
    Script(Tool),
    /// `source<TAB>target` lines.
    List,
    /// The source references, one per line (`images.txt` for hauler and RKE2).
    Images,
}

/// The tool a script drives.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tool {
    /// docker pull / tag / push.
    Docker,
    /// crane copy.
    Crane,
    /// skopeo copy.
    Skopeo,
    /// regctl image copy.
    Regctl,
}

impl Tool {
    fn name(self) -> &'static str {
        match self {
            Tool::Docker => "docker",
            Tool::Crane => "crane",
            Tool::Skopeo => "skopeo",
            Tool::Regctl => "regctl",
        }
    }

    /// The environment variable a script reads the command from.
    fn variable(self) -> &'static str {
        match self {
            Tool::Docker => "DOCKER",
            Tool::Crane => "CRANE",
            Tool::Skopeo => "SKOPEO",
            Tool::Regctl => "REGCTL",
        }
    }

    /// An example of extra flags, for the script's header.
    fn example(self) -> &'static str {
        match self {
            Tool::Docker => "--config /path/to/docker-config",
            Tool::Crane => "--insecure",
            Tool::Skopeo => "--registries-conf /path/to/registries.conf",
            Tool::Regctl => "--verbosity info",
        }
    }
}

/// Single-quotes a word for POSIX sh.
fn sh_quote(value: &str) -> String {
    format!("'{}'", value.replace('\'', r"'\''"))
}

fn environment() -> Environment<'static> {
    let mut env = Environment::new();
    // Block tags on lines of their own leave no blank lines (as Ansible renders Jinja), and
    // the file keeps its final newline.
    if let Ok(syntax) = minijinja::syntax::SyntaxConfig::builder()
        .trim_blocks(true)
        .lstrip_blocks(true)
        .keep_trailing_newline(true)
        .build()
    {
        env.set_syntax(syntax);
    }
    env.add_filter("sh", |value: String| sh_quote(&value));
    env
}

fn render(template: &str, data: Value) -> Result<String, String> {
    let env = environment();
    let template = env
        .template_from_str(template)
        .map_err(|e| format!("the template does not parse: {e:#}"))?;
    template
        .render(data)
        .map_err(|e| format!("the template failed: {e:#}"))
}

/// What every template gets: the images, the registry and the mapping mode, and for scripts
/// the tool.
fn data(pairs: &[Pair], mapping: &Mapping, tool: Option<Tool>) -> Value {
    context! {
        images => Value::from(minijinja::value::Serde(pairs)),
        registry => mapping.registry.base(),
        keep_registry_path => mapping.keep_registry_path,
        tool => tool.map(Tool::name),
        variable => tool.map(Tool::variable),
        example => tool.map(Tool::example),
    }
}

/// Renders `pairs` in `format`: one file for every format but skopeo, which needs one
/// document per destination and a script that runs them.
pub fn write(format: Format, pairs: &[Pair], mapping: &Mapping) -> Result<Emitted, String> {
    let (name, template, tool) = match format {
        Format::Skopeo => return skopeo(pairs, mapping),
        Format::Script(tool) => (
            "mirror.sh",
            include_str!("templates/script.sh.j2"),
            Some(tool),
        ),
        Format::Regsync => (
            "regsync.yaml",
            include_str!("templates/regsync.yaml.j2"),
            None,
        ),
        Format::Hauler => (
            "hauler.yaml",
            include_str!("templates/hauler.yaml.j2"),
            None,
        ),
        Format::Zarf => ("zarf.yaml", include_str!("templates/zarf.yaml.j2"), None),
        Format::List => ("list.tsv", include_str!("templates/list.j2"), None),
        Format::Images => ("images.txt", include_str!("templates/images.j2"), None),
    };
    let text = render(template, data(pairs, mapping, tool))?;
    let file = match tool {
        Some(_) => OutputFile::script(name, text),
        None => OutputFile::new(name, text),
    };
    Ok(Emitted::concatenated(vec![file]))
}

/// Renders a user's template; the output file is named after it (without `.j2` / `.jinja`).
pub fn write_template(
    name: &str,
    template: &str,
    pairs: &[Pair],
    mapping: &Mapping,
) -> Result<Emitted, String> {
    let stem = name
        .strip_suffix(".j2")
        .or_else(|| name.strip_suffix(".jinja"))
        .unwrap_or(name);
    let text = render(template, data(pairs, mapping, None))?;
    // A template for a shell script gives a script, as `-o script` does.
    let file = if stem.ends_with(".sh") {
        OutputFile::script(stem, text)
    } else {
        OutputFile::new(stem, text)
    };
    Ok(Emitted::concatenated(vec![file]))
}

/// One `skopeo sync` run: a destination and the images it copies there.
#[derive(Debug, Serialize)]
struct Group {
    dest: String,
    scoped: bool,
    registries: Vec<GroupRegistry>,
}

#[derive(Debug, Serialize)]
struct GroupRegistry {
    name: String,
    repositories: Vec<GroupRepository>,
}

#[derive(Debug, Serialize)]
struct GroupRepository {
    name: String,
    /// Tags, and digests for images pinned by digest.
    references: Vec<String>,
}

/// `skopeo sync` without `--scoped` puts an image at `DEST/<last path component>`; with it,
/// at `DEST/<registry>/<path>`. With `--keep-registry-path` the mapping is the scoped layout
/// under the registry's base, so one run copies everything. Without, the path under the base
/// is the source's path, so images are grouped by their parent path and each group is
/// synced to `BASE/<parent>`.
fn groups(pairs: &[Pair], mapping: &Mapping) -> Vec<Group> {
    let base = mapping.registry.base();
    // dest -> registry -> repository -> references
    let mut tree: BTreeMap<String, BTreeMap<String, BTreeMap<String, Vec<String>>>> =
        BTreeMap::new();
    for pair in pairs {
        let dest = if mapping.keep_registry_path {
            base.clone()
        } else {
            match pair.repository.rsplit_once('/') {
                Some((parent, _)) => format!("{base}/{parent}"),
                None => base.clone(),
            }
        };
        // A pinned image is copied by digest: that is the content the cluster pulls.
        let reference = match (&pair.digest, &pair.tag) {
            (Some(digest), _) => digest.clone(),
            (None, Some(tag)) => tag.clone(),
            (None, None) => "latest".to_owned(),
        };
        let references = tree
            .entry(dest)
            .or_default()
            .entry(pair.registry.clone())
            .or_default()
            .entry(pair.repository.clone())
            .or_default();
        if !references.contains(&reference) {
            references.push(reference);
        }
    }
    tree.into_iter()
        .map(|(dest, registries)| Group {
            dest,
            scoped: mapping.keep_registry_path,
            registries: registries
                .into_iter()
                .map(|(name, repositories)| GroupRegistry {
                    name,
                    repositories: repositories
                        .into_iter()
                        .map(|(name, mut references)| {
                            references.sort();
                            GroupRepository { name, references }
                        })
                        .collect(),
                })
                .collect(),
        })
        .collect()
}

/// The arguments of `skopeo` for one group: `sync ... FILE DEST`, the words quoted for sh
/// when `quote`.
fn skopeo_arguments(group: &Group, file: &str, quote: bool) -> String {
    let word = |w: &str| if quote { sh_quote(w) } else { w.to_owned() };
    format!(
        "sync --src yaml --dest docker --all --preserve-digests{} {} {}",
        if group.scoped { " --scoped" } else { "" },
        word(file),
        word(&group.dest)
    )
}

/// The skopeo output, every group rendered once: `skopeo-N.yaml` per destination (each
/// headed by the command that runs it) and `skopeo-sync.sh` running them all; printed, the
/// documents follow each other with `FILE` for the saved document in each command.
fn skopeo(pairs: &[Pair], mapping: &Mapping) -> Result<Emitted, String> {
    let groups = groups(pairs, mapping);
    let template = include_str!("templates/skopeo.yaml.j2");
    let mut files = Vec::new();
    let mut script = format!(
        "#!/bin/sh\n# imgsift mirror: copies {} images to {} with skopeo sync, one run per destination.\n# Extra global flags for skopeo go in SKOPEO (for example SKOPEO=\"skopeo --registries-conf /path/to/registries.conf\").\nset -eu\ncd \"$(dirname \"$0\")\"\nSKOPEO=${{SKOPEO:-skopeo}}\n",
        pairs.len(),
        mapping.registry.base()
    );
    let mut printed = format!(
        "# imgsift mirror: {} images to {} in {} skopeo sync run{}; save each document as FILE and run the command above it.\n",
        pairs.len(),
        mapping.registry.base(),
        groups.len(),
        if groups.len() == 1 { "" } else { "s" }
    );
    for (i, group) in groups.iter().enumerate() {
        let name = format!("skopeo-{}.yaml", i + 1);
        let body = render(
            template,
            context! { group => Value::from(minijinja::value::Serde(group)) },
        )?;
        files.push(OutputFile::new(
            name.clone(),
            format!("# skopeo {}\n{body}", skopeo_arguments(group, &name, false)),
        ));
        script.push_str(&format!(
            "$SKOPEO {}\n",
            skopeo_arguments(group, &name, true)
        ));
        if i > 0 {
            printed.push_str("---\n");
        }
        printed.push_str(&format!(
            "# skopeo {}\n{body}",
            skopeo_arguments(group, "FILE", false)
        ));
    }
    files.push(OutputFile::script("skopeo-sync.sh", script));
    Ok(Emitted { files, printed })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::registry::mapping::plan;
    use crate::registry::mapping::test_support::{image, mapping};

    #[test]
    fn skopeo_groups_by_parent_path_unless_the_registry_path_is_kept() {
        let images = [
            image("nginx:1"),
            image("quay.io/a/b:2"),
            image("registry.k8s.io/pause:3.9"),
            image("ghcr.io/a/c:1"),
        ];
        let flat = mapping("r.example.com/m", false);
        let pairs = plan(&images, &flat).unwrap_or_default();
        let dests: Vec<String> = groups(&pairs, &flat).into_iter().map(|g| g.dest).collect();
        assert_eq!(
            dests,
            [
                "r.example.com/m",
                "r.example.com/m/a",
                "r.example.com/m/library"
            ]
        );
        let kept = mapping("r.example.com/m", true);
        let pairs = plan(&images, &kept).unwrap_or_default();
        let groups = groups(&pairs, &kept);
        assert_eq!(groups.len(), 1);
        assert!(groups[0].scoped);
    }

    #[test]
    fn shell_words_are_quoted() {
        assert_eq!(sh_quote("a'b"), r"'a'\''b'");
    }
}
