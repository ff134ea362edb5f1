//! Classes `env` and `arg`: images a container passes on to the program it runs.
//!
//! Controllers are told which images to launch through their own flags and environment:
//! cert-manager's `--acme-http01-solver-image=REF`, Argo's `--executor-image REF`, Kubeflow
//! Pipelines' `V2_DRIVER_IMAGE`. A flag or variable counts when its name mentions an image and
//! is not about a part of one ([`name_mentions_image`]: `IMAGE_PULL_POLICY` and
//! `--image-registry` are not images). `command` and `args` are read as the one argument vector
//! the runtime builds from them, so a flag at the end of `command` takes its value from the start
//! of `args`; an entry holding a shell line is split at white space.
//!
//! An env var about images may hold several: one per line, a list, or a table of `KEY=REF`
//! pairs (Strimzi's `STRIMZI_KAFKA_IMAGES`). A variable or flag whose name does not say image
//! counts only when its value is a whole reference ([`is_fully_qualified`]): the shape has to
//! vouch for what the name does not.

use super::rules::{is_fully_qualified, name_mentions_image, name_mentions_images, names_a_part};
use super::{Class, Extractor, KeyPath};
use crate::documents::NodeId;

/// Reads the env vars, command and args of the container at `container`.
pub fn container<'e>(ex: &mut Extractor<'e, '_>, container: NodeId, path: &mut KeyPath<'e>) {
    env(ex, container, path);
    arguments(ex, container, path);
}

fn env<'e>(ex: &mut Extractor<'e, '_>, container: NodeId, path: &mut KeyPath<'e>) {
    let doc = ex.doc();
    let Some(vars) = doc.get(container, "env") else {
        return;
    };
    path.key("env");
    for (i, &var) in doc.items(vars).iter().enumerate() {
        let name = doc.str_at(var, &["name"]).unwrap_or_default();
        // `valueFrom` has no literal value; the ConfigMap it points to is read on its own.
        let Some(value) = doc.get(var, "value") else {
            continue;
        };
        path.index(i).key("value");
        if name_mentions_images(name) {
            match doc.str(value).filter(|text| holds_several(text)) {
                Some(text) => several(ex, value, text, path),
                None => ex.candidate(value, path, Class::Env),
            }
        } else if doc.str(value).is_some_and(is_fully_qualified) && !names_a_part(name) {
            // `..._BUILDER=quay.io/strimzi/maven-builder:1.2.0`: the name does not say image,
            // the value is a whole reference with a registry, a path and a version.
            ex.candidate(value, path, Class::Env);
        }
        path.pop(2);
    }
    path.pop(1);
}

/// Whether an env value holds more than one word: a list of references, one per line or
/// separated by commas, or a table of `KEY=REF` pairs (Strimzi's `STRIMZI_KAFKA_IMAGES`).
fn holds_several(text: &str) -> bool {
    text.trim()
        .contains(|c: char| c.is_whitespace() || matches!(c, ',' | ';' | '='))
}

/// Offers each reference of a value holding several, at its own line when the value is a
/// literal block.
fn several(ex: &mut Extractor<'_, '_>, node: NodeId, text: &str, path: &KeyPath<'_>) {
    for (line_in, line) in text.lines().enumerate() {
        let mut rest = line;
        while !rest.is_empty() {
            let start = rest
                .find(|c: char| !(c.is_whitespace() || matches!(c, ',' | ';')))
                .unwrap_or(rest.len());
            rest = &rest[start..];
            let end = rest
                .find(|c: char| c.is_whitespace() || matches!(c, ',' | ';'))
                .unwrap_or(rest.len());
            let word = &rest[..end];
            // `4.2.0=quay.io/strimzi/kafka:1.2.0-kafka-4.2.0`: the reference is the value.
            let reference = word.rsplit_once('=').map_or(word, |(_, value)| value);
            if !reference.is_empty() {
                let column = line.len() - rest.len() + (word.len() - reference.len());
                let at = ex.locate_in(node, line_in, column);
                ex.candidate_text(reference, at, path, Class::Env);
            }
            rest = &rest[end..];
        }
    }
}

/// One word of the argument vector: its text and the entry it came from.
struct Word<'t> {
    text: &'t str,
    node: NodeId,
    list: &'static str,
    index: usize,
}

fn arguments<'e>(ex: &mut Extractor<'e, '_>, container: NodeId, path: &mut KeyPath<'e>) {
    let doc = ex.doc();
    let mut argv: Vec<Word<'_>> = Vec::new();
    for list in ["command", "args"] {
        let Some(entries) = doc.get(container, list) else {
            continue;
        };
        for (index, &node) in doc.items(entries).iter().enumerate() {
            let Some(text) = doc.str(node) else { continue };
            argv.extend(text.split_whitespace().map(|text| Word {
                text,
                node,
                list,
                index,
            }));
        }
    }
    let mut words = argv.iter().peekable();
    while let Some(word) = words.next() {
        let Some(flag) = word.text.strip_prefix('-') else {
            continue;
        };
        let flag = flag.strip_prefix('-').unwrap_or(flag);
        let (name, inline) = match flag.split_once('=') {
            Some((name, value)) => (name, Some(value)),
            None => (flag, None),
        };
        let named = name_mentions_image(name);
        if !named && name.is_empty() {
            continue;
        }
        let (value, at) = match inline {
            Some(value) => (value, word),
            None => match words.peek() {
                Some(next) if !next.text.starts_with('-') => {
                    let next = words.next().unwrap_or(word);
                    (next.text, next)
                }
                _ => continue,
            },
        };
        let value = value.trim_matches(['"', '\'']);
        // A flag whose name does not say image counts when its value is a whole reference
        // (`--prometheus-config-reloader=quay.io/prometheus-operator/...:v0.81.0`).
        if !named && (!is_fully_qualified(value) || names_a_part(name)) {
            continue;
        }
        path.key(at.list).index(at.index);
        let position = ex.locate(at.node);
        ex.candidate_text(value, position, path, Class::Arg);
        path.pop(2);
    }
}
