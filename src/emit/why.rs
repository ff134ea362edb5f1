//! `--why REF`: every source of one image, one per line, `file:line:col: class ...`, followed
//! by the transforms that built it, if any, and for a rendered image the values keys it was
//! printed from (or that the template wrote its name).

use std::io::{self, Write};

use crate::escape::Printable;
use crate::inventory::{Finished, Image};
use crate::reference::{RefError, Reference};

/// Which images `--why` asks about. A reference with a tag or digest selects exactly that;
/// a bare name (`nginx`, `ghcr.io/acme/ui`) selects every tag and digest of the repository.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WhyQuery {
    reference: Reference,
}

impl WhyQuery {
    /// Parses the user's reference with the same normalization as the images.
    pub fn parse(text: &str) -> Result<WhyQuery, RefError> {
        Ok(WhyQuery {
            reference: Reference::parse_normalized_named(text)?,
        })
    }

    fn matches(&self, image: &Image) -> bool {
        let (want, have) = (&self.reference, &image.reference);
        want.domain() == have.domain()
            && want.path() == have.path()
            && want.tag().is_none_or(|tag| have.tag() == Some(tag))
            && want
                .digest()
                .is_none_or(|digest| have.digest() == Some(digest))
    }
}

/// Writes the sources of every matching image; returns how many images matched.
pub fn write_why(out: &mut dyn Write, inventory: &Finished, query: &WhyQuery) -> io::Result<usize> {
    let mut matched = 0;
    for image in inventory.images.iter().filter(|image| query.matches(image)) {
        matched += 1;
        writeln!(out, "{}", image.reference)?;
        for source in &image.sources {
            write!(
                out,
                "  {}:{}:{}: {}",
                Printable(&source.file),
                source.line,
                source.column,
                source.class
            )?;
            if let Some(object) = source.object.as_deref() {
                write!(
                    out,
                    " {}/{}",
                    Printable(&object.kind),
                    Printable(object.name.as_deref().unwrap_or("-"))
                )?;
                if let Some(namespace) = object.namespace.as_deref() {
                    write!(out, " -n {}", Printable(namespace))?;
                }
            }
            write!(
                out,
                " {} = {:?}",
                Printable(&source.path.to_string()),
                source.raw
            )?;
            if source.is_test_hook() {
                write!(out, " [helm test hook]")?;
            }
            writeln!(out)?;
            // What a kustomize build did to the text, one step per line.
            for (i, step) in source.steps.iter().enumerate() {
                let word = if i == 0 { "via" } else { "then" };
                writeln!(out, "    {word} {}", Printable(step))?;
            }
            // The values keys a render printed it from, one per line.
            for key in source.values.keys() {
                let parts = crate::reference::parts_of(&source.raw, &key.text);
                let what = if key.metadata { "Chart.yaml" } else { "values" };
                write!(
                    out,
                    "    {} from {what} {} = {:?}",
                    if parts.is_empty() {
                        "part".to_owned()
                    } else {
                        parts.join("+")
                    },
                    Printable(&key.key.to_string()),
                    key.text
                )?;
                if let Some((file, line, column)) = &key.at {
                    write!(out, " at {}:{line}:{column}", Printable(file))?;
                }
                writeln!(out)?;
            }
            // The rule of the rule file behind it, with its reason.
            if let Some(note) = source.rule.as_deref() {
                write!(
                    out,
                    "    by rule {} at {}:{}:{}",
                    Printable(&note.rule),
                    Printable(&note.file),
                    note.line,
                    note.column
                )?;
                if let Some(reason) = note.reason.as_deref() {
                    write!(out, ": {}", Printable(reason))?;
                }
                writeln!(out)?;
            }
            if source.template_only() {
                writeln!(out, "    written in the template: no values key printed it")?;
            } else if source.name_from_template() {
                writeln!(
                    out,
                    "    the template writes the start of its name: no values key printed its registry"
                )?;
            }
        }
    }
    Ok(matched)
}
