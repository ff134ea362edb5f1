//! Classes `env` and `arg`: images a container passes on to the program it runs.
//!
//! Controllers are told which images to launch through their own flags and environment:
//! cert-manager's `--acme-http01-solver-image=REF`, Argo's `--executor-image REF`, Kubeflow
//! Pipelines' `V2_DRIVER_IMAGE`. A flag or variable counts when its name mentions an image and
//! is not about a part of one ([`name_mentions_image`]: `IMAGE_PULL_POLICY` and
//! `--image-registry` are not images). `command` and `args` are read as the one argument vector
//! the runtime builds from them, so a flag at the end of `command` takes its value from the start
//! of `args`; an entry holding a shell line is split at white space.

use super::rules::name_mentions_image;
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
        let named_image = doc.str_at(var, &["name"]).is_some_and(name_mentions_image);
        // `valueFrom` has no literal value; the ConfigMap it points to is read on its own.
        if let Some(value) = doc.get(var, "value").filter(|_| named_image) {
            path.index(i).key("value");
            ex.candidate(value, path, Class::Env);
            path.pop(2);
        }
    }
    path.pop(1);
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
        if !name_mentions_image(name) {
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
        path.key(at.list).index(at.index);
        let position = ex.locate(at.node);
        ex.candidate_text(value, position, path, Class::Arg);
        path.pop(2);
    }
}
