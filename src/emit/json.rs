//! `-o json`: the contract's schema, version 1.
//!
//! The field order is the contract's; `column` is added to every source next to `line`, and
//! `tag_from` to values sources whose tag was found elsewhere (`manifests` or `appVersion`).
//! `unresolved` lists values entries whose tag could not be determined; it is always present.
//! `rule` is added to sources that a rule of the rule file named.

use std::io::{self, Write};

use serde::Serialize;

use crate::diag::Diagnostic;
use crate::inventory::resolve::{TagFrom, Unresolved};
use crate::inventory::{Finished, Source};

#[derive(Serialize)]
struct Document<'a> {
    version: u32,
    images: Vec<ImageOut<'a>>,
    unresolved: &'a [Unresolved],
    unrendered: Vec<UnrenderedOut<'a>>,
    diagnostics: &'a [Diagnostic],
}

/// An image a rendered chart names but does not pull, with where it is named.
#[derive(Serialize)]
struct UnrenderedOut<'a> {
    #[serde(rename = "ref")]
    reference: String,
    #[serde(flatten)]
    source: SourceOut<'a>,
}

#[derive(Serialize)]
struct ImageOut<'a> {
    #[serde(rename = "ref")]
    reference: String,
    registry: &'a str,
    repository: &'a str,
    tag: Option<&'a str>,
    digest: Option<&'a str>,
    sources: Vec<SourceOut<'a>>,
}

#[derive(Serialize)]
struct SourceOut<'a> {
    file: &'a str,
    line: u64,
    column: u64,
    document: u32,
    kind: Option<&'a str>,
    name: Option<&'a str>,
    namespace: Option<&'a str>,
    path: String,
    class: &'static str,
    raw: &'a str,
    hook: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    tag_from: Option<TagFrom>,
    #[serde(skip_serializing_if = "Option::is_none")]
    transform: Option<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    values: Vec<ValuesKeyOut<'a>>,
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    template_only: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    rule: Option<RuleOut<'a>>,
}

/// The rule of the rule file that named the image (class `config`) or the path it was found
/// at (an `imageExtractors` entry).
#[derive(Serialize)]
struct RuleOut<'a> {
    file: &'a str,
    line: u64,
    column: u64,
    rule: &'a str,
    reason: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    name: Option<&'a str>,
}

/// A values key a rendered image was printed from, and which parts of the reference it gave.
#[derive(Serialize)]
struct ValuesKeyOut<'a> {
    key: String,
    parts: Vec<&'static str>,
    text: &'a str,
    file: Option<&'a str>,
    line: Option<u64>,
    column: Option<u64>,
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    metadata: bool,
}

impl<'a> SourceOut<'a> {
    fn new(source: &'a Source) -> Self {
        let object = source.object.as_deref();
        SourceOut {
            file: &source.file,
            line: source.line,
            column: source.column,
            document: source.document,
            kind: object.map(|o| o.kind.as_str()),
            name: object.and_then(|o| o.name.as_deref()),
            namespace: object.and_then(|o| o.namespace.as_deref()),
            path: source.path.to_string(),
            class: source.class.as_str(),
            raw: &source.raw,
            hook: object.and_then(|o| o.hook.as_deref()),
            tag_from: source.tag_from,
            transform: source.steps.joined(),
            values: source
                .values
                .keys()
                .iter()
                .map(|key| ValuesKeyOut {
                    key: key.key.to_string(),
                    parts: crate::reference::parts_of(&source.raw, &key.text),
                    text: &key.text,
                    file: key.at.as_ref().map(|(file, _, _)| &**file),
                    line: key.at.as_ref().map(|(_, line, _)| *line),
                    column: key.at.as_ref().map(|(_, _, column)| *column),
                    metadata: key.metadata,
                })
                .collect(),
            template_only: source.template_only(),
            rule: source.rule.as_deref().map(|note| RuleOut {
                file: &note.file,
                line: note.line,
                column: note.column,
                rule: &note.rule,
                reason: note.reason.as_deref(),
                name: note.name.as_deref(),
            }),
        }
    }
}

/// Writes the inventory as one JSON object, pretty-printed, ending with a newline.
pub fn write_json(out: &mut dyn Write, inventory: &Finished) -> io::Result<()> {
    let document = Document {
        version: 1,
        images: inventory
            .images
            .iter()
            .map(|image| ImageOut {
                reference: image.reference.to_string(),
                registry: image.reference.domain(),
                repository: image.reference.path(),
                tag: image.reference.tag(),
                digest: image.reference.digest(),
                sources: image.sources.iter().map(SourceOut::new).collect(),
            })
            .collect(),
        unresolved: &inventory.unresolved,
        unrendered: inventory
            .unrendered
            .iter()
            .map(|u| UnrenderedOut {
                reference: u.reference.to_string(),
                source: SourceOut::new(&u.source),
            })
            .collect(),
        diagnostics: &inventory.diagnostics,
    };
    serde_json::to_writer_pretty(&mut *out, &document)?;
    writeln!(out)
}
