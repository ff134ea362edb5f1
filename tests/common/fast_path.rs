//! The fast YAML path against the full parser, document by document.

use imgsift::documents::split::{Piece, Splitter};
use imgsift::documents::yaml::{fast_path_leaves_at, load_fast, load_full};
use imgsift::documents::{Doc, Limits, Value};

/// One line per node: position and content, and the duplicate-key notes, for a readable diff.
fn dump(docs: &[Doc<'_>]) -> Vec<String> {
    let mut lines = Vec::new();
    for doc in docs {
        lines.push(format!("document root {:?}", doc.root()));
        for id in 0..doc.len() as u32 {
            let (line, column) = doc.position(id);
            let value = match doc.node(id).map(|n| &n.value) {
                Some(Value::Scalar(s)) => format!(
                    "scalar {:?} {:?} plain={} literal={}",
                    s.text, s.kind, s.plain, s.literal
                ),
                Some(other) => format!("{other:?}"),
                None => "none".to_owned(),
            };
            lines.push(format!("{id} {line}:{column} {value}"));
        }
        for dup in doc.duplicates() {
            lines.push(format!("duplicate {dup:?}"));
        }
    }
    lines
}

/// How a stream's documents went: how many the fast path took, how many it left to the full
/// parser, and every document where the two disagree (a description each).
#[derive(Debug, Default)]
pub struct Comparison {
    pub taken: usize,
    pub left: usize,
    pub disagreements: Vec<String>,
    /// The line the fast path stopped at, for each document it left.
    pub left_at: Vec<String>,
}

impl Comparison {
    pub fn add(&mut self, other: Comparison) {
        self.taken += other.taken;
        self.left += other.left;
        self.disagreements.extend(other.disagreements);
        self.left_at.extend(other.left_at);
    }
}

/// Cuts `bytes` into documents as a scan does and loads each both ways. The fast path may leave
/// a document (`None`); when it takes one, the full parser must load the same tree.
pub fn compare(name: &str, bytes: &[u8]) -> Comparison {
    let limits = Limits::default();
    let mut out = Comparison::default();
    let mut splitter = Splitter::new(bytes, limits.max_document_bytes);
    while let Ok(Some(batch)) = splitter.next_batch(usize::MAX) {
        for piece in &batch.pieces {
            let Piece::Doc(piece) = piece else { continue };
            let Ok(text) = std::str::from_utf8(batch.bytes(piece)) else {
                continue;
            };
            let fast = load_fast(text, piece.first_line, &limits);
            let full = load_full(text, piece.first_line, &limits);
            match (fast, full) {
                (None, _) => {
                    out.left += 1;
                    if let Some(line) = fast_path_leaves_at(text, piece.first_line) {
                        let number = (line - piece.first_line) as usize;
                        let shown = text.lines().nth(number).unwrap_or("");
                        out.left_at
                            .push(format!("{name}:{line}: {}", shown.escape_debug()));
                    }
                }
                (Some(fast), Ok(full)) if fast == full => out.taken += 1,
                (Some(fast), full) => {
                    out.taken += 1;
                    let fast = dump(&fast);
                    let full = match full {
                        Ok(docs) => dump(&docs),
                        Err(err) => vec![format!("error {err:?}")],
                    };
                    let first = fast
                        .iter()
                        .zip(&full)
                        .position(|(a, b)| a != b)
                        .unwrap_or(fast.len().min(full.len()));
                    let around = |lines: &[String]| {
                        lines[first.saturating_sub(2)..(first + 3).min(lines.len())].join("\n")
                    };
                    out.disagreements.push(format!(
                        "{name}: document {} at line {}:\n--- text\n{}\n--- fast, from node {first}\n{}\n--- full\n{}",
                        piece.index,
                        piece.first_line,
                        text.chars().take(3000).collect::<String>(),
                        around(&fast),
                        around(&full),
                    ));
                }
            }
        }
        if splitter.finished() {
            break;
        }
    }
    out
}
