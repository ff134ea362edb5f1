//! Class `configmap`: images that controllers read from ConfigMaps.
//!
//! Istio injects its sidecar from `istio-sidecar-injector`; Knative's queue-proxy, KServe's
//! agents and storage initializer, Katib's collectors and Argo's executor are all configured in
//! ConfigMaps, so `grep image:` never sees them. Three ways an image sits in `data`:
//!
//! 1. a key naming an image with a reference as its value (`queue-sidecar-image`,
//!    `TENSORBOARD_IMAGE`, `cacheImage`);
//! 2. YAML or JSON held in a value, walked with the values shapes of `shapes.rs` (Istio's
//!    `global.hub` + `proxy.image` + `global.tag`, KServe's `image` + `defaultImageVersion`,
//!    Katib's `katib-config.yaml`, Jupyter's spawner config, job templates), following
//!    documents held in strings of those documents too (Istio's injection templates);
//! 3. a text that is YAML-like but does not parse (Istio's injection templates, a helper pod with a
//!    bare `%{SYSTEM_DEFAULT_REGISTRY}%` placeholder):
//!    its `image:` lines with a literal value are read line by line.
//!
//! `_example` keys are documentation by Knative's and KServe's convention and never read.
//! Everything found is a guess from names, so only qualified references count.

use super::rules::{is_fully_qualified, key_names_image, names_a_part};
use super::shapes::{self, Composed, Sink};
use super::{Class, Extractor, KeyPath};
use crate::documents::At;
use crate::documents::NodeId;

/// Reads a ConfigMap's `data`.
pub fn config_map<'e>(ex: &mut Extractor<'e, '_>, id: NodeId, path: &mut KeyPath<'e>) {
    let doc = ex.doc();
    let Some(data) = doc.get(id, "data").filter(|&d| doc.is_map(d)) else {
        return;
    };
    path.key("data");
    for (key, _, value) in doc.entries(data) {
        if key.starts_with("_example") {
            continue;
        }
        let Some(text) = doc.text(value) else {
            continue;
        };
        path.key(key);
        let one_line = !text.trim().contains('\n');
        if key_names_image(key) && one_line {
            ex.candidate(value, path, Class::Configmap);
        } else if mentions_image(text) {
            embedded(ex, value, path);
        } else if one_line && is_fully_qualified(text.trim()) && !names_a_part(key) {
            // Rook's image set: `provisioner: "registry.k8s.io/sig-storage/csi-provisioner:v6.2.0"`,
            // components named by their role, read by the operator a custom resource points at.
            ex.candidate(value, path, Class::Configmap);
        }
        path.pop(1);
    }
    path.pop(1);
}

/// Whether a text could hold an image in a shape imgsift reads: every shape has a key that
/// contains "image" (`image:`, `"image" :`, `proxyImage:`, `images:`, `imageGroupOne:`).
/// A text that only mentions the word (PromQL's `image!=""` in a Grafana dashboard) is not
/// worth parsing.
pub(super) fn mentions_image(text: &str) -> bool {
    let bytes = text.as_bytes();
    // `image`, `Image` and `IMAGE` all contain `mage` or `MAGE`: two vectorized searches.
    let hits =
        memchr::memmem::find_iter(bytes, b"mage").chain(memchr::memmem::find_iter(bytes, b"MAGE"));
    for found in hits {
        if found == 0 || !matches!(bytes.get(found - 1), Some(b'i' | b'I')) {
            continue;
        }
        let mut end = found + 4;
        // The rest of the key: letters, digits, `_`, `-`, a closing quote, blanks, then `:`.
        while bytes
            .get(end)
            .is_some_and(|b| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'-'))
        {
            end += 1;
        }
        if matches!(bytes.get(end), Some(b'"' | b'\'')) {
            end += 1;
        }
        while matches!(bytes.get(end), Some(b' ' | b'\t')) {
            end += 1;
        }
        if bytes.get(end) == Some(&b':') {
            return true;
        }
    }
    false
}

/// A string that may hold a document: parsed as YAML and walked, or scanned as a template.
fn embedded(ex: &mut Extractor<'_, '_>, node: NodeId, path: &KeyPath<'_>) {
    let parsed = ex.nested(node, path, |inner, root, inner_path| {
        shapes::walk(inner, root, inner_path, &mut ConfigMapSink);
    });
    if !parsed {
        template_lines(ex, node, path);
    }
}

struct ConfigMapSink;

impl Sink for ConfigMapSink {
    fn composed(&mut self, ex: &mut Extractor<'_, '_>, found: Composed, path: &KeyPath<'_>) {
        // A controller uses the value as written: an untagged one is pulled as `latest`.
        let at = ex.locate(found.node);
        ex.candidate_text(&found.text, at, path, Class::Configmap);
    }

    fn text(&mut self, ex: &mut Extractor<'_, '_>, node: NodeId, path: &KeyPath<'_>) {
        if ex.doc().text(node).is_some_and(mentions_image) {
            embedded(ex, node, path);
        }
    }
}

/// Reads `image: value` lines of a YAML-like template that does not parse as YAML (a Go
/// template: `{{- if ... }}` lines break the YAML structure, values hold `{{ .Values.x }}`).
/// Only lines whose key names an image and whose value is literal count; the text must look
/// like YAML (its first line that is not a comment or a template action is `key:` or `- `),
/// so a script that mentions `image:` in a docstring is not read. The key path inside the
/// template is followed from indentation, as YAML would nest it; block scalars (`|`, `>`) are
/// text and skipped.
fn template_lines(ex: &mut Extractor<'_, '_>, node: NodeId, path: &KeyPath<'_>) {
    let doc = ex.doc();
    let Some(scalar) = doc.scalar(node) else {
        return;
    };
    let text: &str = &scalar.text;
    // Go templates break the YAML structure; so does a placeholder a deployer fills before
    // applying (K3s's `image: %{SYSTEM_DEFAULT_REGISTRY}%rancher/...` in a helper pod).
    if !looks_like_yaml(text) {
        return;
    }
    let (line, column) = doc.position(node);
    let origin = ex.origin.nested(scalar, line, column);
    let held_in = ex.locate(node);
    for found in template_images(text) {
        let mut inner = KeyPath::under(path.to_buf());
        for frame in &found.frames {
            match *frame {
                Frame::Key(key) => inner.key(key),
                Frame::Item(i) => inner.index(i),
            };
        }
        inner.key(found.key);
        let (line, column) = origin.map(found.line as u64 + 1, found.column as u64);
        // The keys of the whole string that this line's reference was printed from.
        let traced = super::extractor::held_keys(
            &held_in.traced,
            found.value,
            line.saturating_sub(held_in.line),
            &inner.to_buf(),
        );
        let at = At {
            line,
            column,
            traced,
            ..held_in.clone()
        };
        ex.candidate_text(found.value, at, &inner, Class::Configmap);
    }
}

/// An `image:` line of a template with a literal value.
#[derive(Debug, Clone, PartialEq, Eq)]
struct TemplateImage<'t> {
    /// 0-based line in the template.
    line: usize,
    /// Keys and items leading to the line's key.
    frames: Vec<Frame<'t>>,
    key: &'t str,
    value: &'t str,
    /// 1-based column of the value in its line.
    column: usize,
}

fn template_images(text: &str) -> Vec<TemplateImage<'_>> {
    let mut found = Vec::new();
    let mut nesting = Nesting::default();
    let mut block: Option<usize> = None;
    for (index, raw_line) in text.lines().enumerate() {
        let content = raw_line.trim_start();
        let indent = raw_line.len() - content.len();
        if content.is_empty() || content.starts_with('#') || is_template_action(content.trim_end())
        {
            continue;
        }
        if let Some(block_indent) = block {
            if indent > block_indent {
                continue;
            }
            block = None;
        }
        let Some(line_key) = nesting.line(indent, content) else {
            continue;
        };
        if line_key.opens_block {
            block = Some(line_key.indent);
        }
        if !line_key.leaf || !key_names_image(line_key.key) {
            continue;
        }
        if let Some((_, value, column)) = image_line(raw_line) {
            found.push(TemplateImage {
                line: index,
                frames: nesting.frames.iter().map(|open| open.segment).collect(),
                key: line_key.key,
                value,
                column,
            });
        }
    }
    found
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Frame<'t> {
    Key(&'t str),
    Item(usize),
}

#[derive(Debug, Clone, Copy)]
struct Open<'t> {
    indent: usize,
    segment: Frame<'t>,
    /// Items seen so far in the sequence under this key.
    items: usize,
}

/// The key path of a line, followed from indentation.
#[derive(Debug, Default)]
struct Nesting<'t> {
    frames: Vec<Open<'t>>,
}

/// What one line of a template says.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct LineKey<'t> {
    key: &'t str,
    indent: usize,
    /// `key: value` on one line (not `key:` opening a nested block).
    leaf: bool,
    /// `key: |` or `key: >`: the more indented lines after it are text.
    opens_block: bool,
}

impl<'t> Nesting<'t> {
    /// Takes one significant line; returns its key, if it has one.
    fn line(&mut self, indent: usize, content: &'t str) -> Option<LineKey<'t>> {
        let mut indent = indent;
        let mut content = content;
        while let Some(rest) = content
            .strip_prefix("- ")
            .or_else(|| (content == "-").then_some(""))
        {
            // A sequence item: siblings of earlier items, children of the nearest key above.
            while let Some(top) = self.frames.last() {
                let sibling_item = top.indent == indent && matches!(top.segment, Frame::Item(_));
                if top.indent > indent || sibling_item {
                    self.frames.pop();
                } else {
                    break;
                }
            }
            let item = match self.frames.last_mut() {
                Some(parent) => {
                    parent.items += 1;
                    parent.items - 1
                }
                None => 0,
            };
            self.frames.push(Open {
                indent,
                segment: Frame::Item(item),
                items: 0,
            });
            let trimmed = rest.trim_start();
            indent += 2 + (rest.len() - trimmed.len());
            content = trimmed;
            if content.is_empty() {
                return None;
            }
        }
        let (key, rest) = content.split_once(':')?;
        if !(rest.is_empty() || rest.starts_with(' ')) {
            return None;
        }
        let key = key.trim().trim_matches(['"', '\'']);
        if key.is_empty() || key.contains("{{") {
            return None;
        }
        while self.frames.last().is_some_and(|top| top.indent >= indent) {
            self.frames.pop();
        }
        let value = rest.trim();
        let value = match value.find(" #") {
            Some(i) => value[..i].trim_end(),
            None => value,
        };
        let opens_block = value.starts_with('|') || value.starts_with('>');
        let leaf = !value.is_empty() && !opens_block;
        if value.is_empty() {
            self.frames.push(Open {
                indent,
                segment: Frame::Key(key),
                items: 0,
            });
        }
        Some(LineKey {
            key,
            indent,
            leaf,
            opens_block,
        })
    }
}

fn is_template_action(line: &str) -> bool {
    line.starts_with("{{") && line.ends_with("}}")
}

fn looks_like_yaml(text: &str) -> bool {
    let first = text
        .lines()
        .map(str::trim)
        .find(|l| !l.is_empty() && !l.starts_with('#') && !is_template_action(l));
    let Some(first) = first else {
        return false;
    };
    if first.starts_with("- ") {
        return true;
    }
    match first.split_once(':') {
        Some((key, rest)) => {
            let key = key.trim_matches(['"', '\'']);
            (rest.is_empty() || rest.starts_with(' '))
                && !key.is_empty()
                && key
                    .chars()
                    .all(|c| c.is_alphanumeric() || matches!(c, '_' | '-' | '.' | '/'))
        }
        None => false,
    }
}

/// Splits `  - image: "ref" # comment` into the key, the literal value and the value's
/// 1-based column in the line.
fn image_line(line: &str) -> Option<(&str, &str, usize)> {
    let trimmed = line.trim_start();
    let mut offset = line.len() - trimmed.len();
    let body = match trimmed.strip_prefix("- ") {
        Some(rest) => {
            let rest_trimmed = rest.trim_start();
            offset += trimmed.len() - rest_trimmed.len();
            rest_trimmed
        }
        None => trimmed,
    };
    let (key, rest) = body.split_once(':')?;
    if !rest.starts_with(' ') {
        return None;
    }
    let key = key.trim().trim_matches(['"', '\'']);
    let value_start = rest.len() - rest.trim_start().len();
    let mut value = rest.trim();
    if let Some(i) = value.find(" #") {
        value = value[..i].trim_end();
    }
    let column_in_body = key.len() + 1 + value_start;
    let quoted = value.len() >= 2
        && ((value.starts_with('"') && value.ends_with('"'))
            || (value.starts_with('\'') && value.ends_with('\'')));
    let (value, quote) = if quoted {
        (&value[1..value.len() - 1], 1)
    } else {
        (value, 0)
    };
    if value.is_empty() || value.contains(char::is_whitespace) {
        return None;
    }
    let column = line[..offset].chars().count()
        + body[..column_in_body.min(body.len())].chars().count()
        + quote
        + 1;
    Some((key, value, column))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn image_lines_give_key_literal_value_and_column() {
        assert_eq!(
            image_line("      image: busybox:1.28"),
            Some(("image", "busybox:1.28", 14))
        );
        assert_eq!(
            image_line("    - image: \"quay.io/x:1\" # pinned"),
            Some(("image", "quay.io/x:1", 15))
        );
        assert_eq!(image_line("image:"), None);
        assert_eq!(image_line("image: {{ .Values.x }}"), None);
        assert_eq!(image_line("url: http://x"), Some(("url", "http://x", 6)));
    }

    #[test]
    fn template_key_paths_follow_indentation_and_skip_block_scalars() {
        let template = "{{- $x := 1 }}\nmetadata:\n  annotations:\n    a: b\nspec:\n  initContainers:\n    - name: init\n      image: busybox:1.28\n      command:\n        - sh\n  containers:\n  - name: one\n    image: \"{{ .ProxyImage }}\"\n  - name: two\n    image: x:1 # pinned\n    args: |\n      image: in-a-script:1\n  volumes: []\n";
        let found: Vec<(String, &str, usize, usize)> = template_images(template)
            .into_iter()
            .map(|f| {
                let mut path = KeyPath::default();
                for frame in &f.frames {
                    match *frame {
                        Frame::Key(k) => path.key(k),
                        Frame::Item(i) => path.index(i),
                    };
                }
                path.key(f.key);
                (path.to_string(), f.value, f.line, f.column)
            })
            .collect();
        assert_eq!(
            found,
            [
                (
                    "spec.initContainers[0].image".to_owned(),
                    "busybox:1.28",
                    7,
                    14
                ),
                ("spec.containers[1].image".to_owned(), "x:1", 14, 12),
            ]
        );
    }

    #[test]
    fn only_texts_with_an_image_key_are_worth_parsing() {
        for text in [
            "image: x",
            "{\"image\" : \"kserve/agent\"}",
            "cacheImage: a/b",
            "spec:\n  images:\n",
            "'queue-sidecar-image': x",
            "imageGroupOne:\n  value: x",
        ] {
            assert!(mentions_image(text), "{text}");
        }
        for text in [
            "sum(container_memory{image!=\"\"})",
            "the image is built nightly",
            "no mention",
        ] {
            assert!(!mentions_image(text), "{text}");
        }
    }

    #[test]
    fn only_yaml_like_templates_are_scanned() {
        assert!(looks_like_yaml("{{- $x := 1 }}\nmetadata:\n  a: b\n"));
        assert!(looks_like_yaml("# c\n- name: x\n"));
        assert!(!looks_like_yaml("import json\nimage: x\n"));
        assert!(!looks_like_yaml("def main():\n  pass\n"));
    }
}
