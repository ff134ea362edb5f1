//! YAML documents with positions: a small, bounded tree built from saphyr-parser events.
//!
//! imgsift needs three things a generic YAML loader does not give together: the 1-based line
//! and column of every node, scalars exactly as written (`tag: 1.10` stays `"1.10"`), and hard
//! bounds on hostile input. So the tree is built here, from the event parser, into an arena:
//!
//! - aliases are not copied: an alias node points at its anchor's node, so a "billion laughs"
//!   document costs memory in proportion to its text; its *expanded* size is computed while
//!   building and the document is refused past [`Limits::max_expanded_nodes`];
//! - nesting deeper than [`Limits::max_depth`] and more than [`Limits::max_nodes`] nodes are
//!   refused with a diagnostic, before any walk can recurse or allocate out of proportion;
//! - an alias to a node that is still open (a recursive alias) is refused, so walks never loop.
//!
//! YAML 1.1 merge keys (`<<: *base`), which Kubernetes' and Helm's parsers honour, are applied
//! by [`Doc::get`] and [`Doc::entries`]. Splitting a stream into documents is `split.rs`'s job;
//! deciding what a document means is the extractors'.

use std::borrow::Cow;
use std::collections::HashMap;

use saphyr_parser::{Event, Parser, ScalarStyle, Span, Tag};

use crate::diag::Code;

mod fast;

/// Index of a node in a [`Doc`]'s arena.
pub type NodeId = u32;

/// Bounds applied to every document, each with a diagnostic when hit.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Largest document, in bytes, that is parsed at all.
    pub max_document_bytes: usize,
    /// Most nodes (scalars, sequences, mappings, aliases) in one document.
    pub max_nodes: usize,
    /// Most nodes one document may expand to when every alias is followed.
    pub max_expanded_nodes: u64,
    /// Deepest nesting of sequences and mappings.
    pub max_depth: usize,
}

impl Default for Limits {
    fn default() -> Limits {
        Limits {
            // Kubernetes stores objects of at most ~1.5 MiB; the largest real CRDs are a few MiB.
            max_document_bytes: 64 << 20,
            max_nodes: 4_000_000,
            max_expanded_nodes: 16_000_000,
            // Real manifests nest a few dozen levels; Helm values rarely pass 20.
            max_depth: 512,
        }
    }
}

/// How a scalar resolves under the YAML core schema (with YAML 1.1 booleans, which the Go
/// parsers behind kubectl and Helm accept).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ScalarKind {
    /// `~`, `null`, empty, or tagged `!!null`.
    Null,
    /// `true`, `false`, `yes`, `no`, `on`, `off` in their usual spellings.
    Bool,
    /// An integer or float literal.
    Number,
    /// Anything else, and every quoted or block scalar.
    Str,
}

/// A scalar as written: its text after YAML unescaping, and how it resolves.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Scalar<'a> {
    /// The scalar's value text (quotes removed, escapes applied, never reinterpreted).
    pub text: Cow<'a, str>,
    /// What the scalar resolves to.
    pub kind: ScalarKind,
    /// Whether it was written plain (no quotes, not a block scalar).
    pub plain: bool,
    /// Whether it is a literal block scalar (`|`): its lines are the source's lines.
    pub literal: bool,
}

/// What a node holds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Value<'a> {
    /// A scalar.
    Scalar(Scalar<'a>),
    /// A sequence of nodes.
    Seq(Vec<NodeId>),
    /// A mapping, entries in source order.
    Map(Vec<(NodeId, NodeId)>),
    /// An alias (`*name`) to a complete node.
    Alias(NodeId),
}

/// A node and where it starts in the source.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Node<'a> {
    /// The node's content.
    pub value: Value<'a>,
    /// Line relative to the document's text, counting from 0.
    line: u32,
    /// Column counting from 1, in characters.
    column: u32,
    /// 0 for a node of the document's own text; `k` for `origins[k - 1]` in a document built
    /// from pieces of several files (a kustomize build).
    origin: u32,
}

/// Where a node of a built document comes from: its file, and the transform that made it.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct NodeOrigin {
    /// The file the node's text is in.
    pub file: std::sync::Arc<str>,
    /// What changed it, when something did (`images` of a kustomization, a patch).
    pub steps: super::Steps,
    /// The values keys a rendered scalar was printed from.
    pub traced: super::Traced,
}

/// One YAML document as a position-carrying tree.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Doc<'a> {
    nodes: Vec<Node<'a>>,
    root: Option<NodeId>,
    /// Absolute line (1-based) of the first line of the text the document was loaded from.
    base_line: u64,
    has_merge_keys: bool,
    /// Files and transforms of the nodes of a built document; empty for a loaded one.
    origins: Vec<NodeOrigin>,
    /// Keys given twice in one mapping; the mapping keeps the last.
    duplicates: Vec<DuplicateKey>,
}

/// A key given twice in one mapping. Kubernetes' strict decoding and kustomize refuse such a
/// document; Helm, and Kubernetes' decoding when not strict, keep the last value, and so does
/// the loaded tree (the earlier entry is dropped), so that no value is read that nothing uses.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DuplicateKey {
    /// The key, as written.
    pub key: String,
    /// Absolute 1-based line and column of the earlier key.
    pub first: (u64, u64),
    /// Absolute 1-based line and column of the later key, the one kept.
    pub kept: (u64, u64),
}

/// Why a document could not be loaded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LoadError {
    /// Which bound or rule the document broke.
    pub code: Code,
    /// 1-based absolute line.
    pub line: u64,
    /// 1-based column.
    pub column: u64,
    /// One sentence.
    pub message: String,
}

impl<'a> Doc<'a> {
    /// The top node, or `None` for a document with no content.
    pub fn root(&self) -> Option<NodeId> {
        self.root
    }

    /// Keys given twice in one mapping (each mapping keeps the last).
    pub fn duplicates(&self) -> &[DuplicateKey] {
        &self.duplicates
    }

    /// Number of nodes in the arena (aliases counted once).
    pub fn len(&self) -> usize {
        self.nodes.len()
    }

    /// Whether the document has no nodes.
    pub fn is_empty(&self) -> bool {
        self.nodes.is_empty()
    }

    /// Whether any node is an alias: then copying the document (a kustomize build does)
    /// costs more than its own nodes.
    pub fn has_aliases(&self) -> bool {
        self.nodes
            .iter()
            .any(|node| matches!(node.value, Value::Alias(_)))
    }

    /// The node behind `id`, following an alias to its anchor.
    pub fn node(&self, id: NodeId) -> Option<&Node<'a>> {
        let node = self.nodes.get(id as usize)?;
        match node.value {
            // Alias targets are complete nodes that are never aliases themselves.
            Value::Alias(target) => self.nodes.get(target as usize),
            _ => Some(node),
        }
    }

    /// `id` with an alias replaced by its target.
    pub fn resolve(&self, id: NodeId) -> NodeId {
        match self.nodes.get(id as usize).map(|n| &n.value) {
            Some(Value::Alias(target)) => *target,
            _ => id,
        }
    }

    /// Absolute 1-based line and column where `id` is written. For an alias, that is where the
    /// alias itself is written, which is the place a user would look at first.
    pub fn position(&self, id: NodeId) -> (u64, u64) {
        match self.nodes.get(id as usize) {
            Some(node) => (
                self.base_line + u64::from(node.line),
                u64::from(node.column),
            ),
            None => (self.base_line, 1),
        }
    }

    /// The file and transform of a node of a built document; `None` for a node of the
    /// document's own text.
    pub fn origin(&self, id: NodeId) -> Option<&NodeOrigin> {
        let node = self.nodes.get(id as usize)?;
        let index = node.origin.checked_sub(1)?;
        self.origins.get(index as usize)
    }

    /// A document from nodes made elsewhere (`tree.rs`): `nodes` hold absolute lines (minus
    /// one) and origin indices into `origins`.
    pub fn built(
        nodes: Vec<(Value<'a>, u64, u64, u32)>,
        root: Option<NodeId>,
        origins: Vec<NodeOrigin>,
    ) -> Doc<'a> {
        let has_merge_keys = false;
        let nodes = nodes
            .into_iter()
            .map(|(value, line, column, origin)| Node {
                value,
                line: u32::try_from(line.saturating_sub(1)).unwrap_or(u32::MAX),
                column: u32::try_from(column).unwrap_or(u32::MAX),
                origin,
            })
            .collect();
        Doc {
            nodes,
            root,
            base_line: 1,
            has_merge_keys,
            origins,
            duplicates: Vec::new(),
        }
    }

    /// The scalar behind `id`, if it is one.
    pub fn scalar(&self, id: NodeId) -> Option<&Scalar<'a>> {
        match &self.node(id)?.value {
            Value::Scalar(s) => Some(s),
            _ => None,
        }
    }

    /// The text of a scalar that resolves to a string (not null, bool or number).
    pub fn str(&self, id: NodeId) -> Option<&str> {
        self.scalar(id)
            .filter(|s| s.kind == ScalarKind::Str)
            .map(|s| s.text.as_ref())
    }

    /// The text of any non-null scalar, as written: `1.10` is `"1.10"`, `true` is `"true"`.
    pub fn text(&self, id: NodeId) -> Option<&str> {
        self.scalar(id)
            .filter(|s| s.kind != ScalarKind::Null)
            .map(|s| s.text.as_ref())
    }

    /// Whether `id` is null (or absent content).
    pub fn is_null(&self, id: NodeId) -> bool {
        self.scalar(id).is_some_and(|s| s.kind == ScalarKind::Null)
    }

    /// The items of a sequence (empty for anything else).
    pub fn items(&self, id: NodeId) -> &[NodeId] {
        match self.node(id).map(|n| &n.value) {
            Some(Value::Seq(items)) => items,
            _ => &[],
        }
    }

    /// Whether `id` is a mapping.
    pub fn is_map(&self, id: NodeId) -> bool {
        matches!(self.node(id).map(|n| &n.value), Some(Value::Map(_)))
    }

    /// Whether `id` is a sequence.
    pub fn is_seq(&self, id: NodeId) -> bool {
        matches!(self.node(id).map(|n| &n.value), Some(Value::Seq(_)))
    }

    fn raw_entries(&self, id: NodeId) -> &[(NodeId, NodeId)] {
        match self.node(id).map(|n| &n.value) {
            Some(Value::Map(entries)) => entries,
            _ => &[],
        }
    }

    fn is_merge_key(&self, key: NodeId) -> bool {
        self.scalar(key).is_some_and(|s| s.plain && s.text == "<<")
    }

    /// The value of `key` in mapping `map`, honouring merge keys: a key written in the mapping
    /// wins over merged ones, and earlier merged mappings win over later ones.
    pub fn get(&self, map: NodeId, key: &str) -> Option<NodeId> {
        self.get_depth(map, key, 0)
    }

    fn get_depth(&self, map: NodeId, key: &str, depth: usize) -> Option<NodeId> {
        let entries = self.raw_entries(map);
        let mut merges = false;
        for &(k, v) in entries {
            match self.scalar(k) {
                Some(s) if s.plain && s.text == "<<" => merges = true,
                Some(s) if s.text == key => return Some(v),
                _ => {}
            }
        }
        // Merge chains are bounded by construction (no recursive aliases), but the depth
        // guard keeps a pathological chain from recursing deeply.
        if !merges || !self.has_merge_keys || depth > 64 {
            return None;
        }
        for source in self.merge_sources(entries) {
            if let Some(found) = self.get_depth(source, key, depth + 1) {
                return Some(found);
            }
        }
        None
    }

    fn merge_sources(&self, entries: &[(NodeId, NodeId)]) -> Vec<NodeId> {
        let mut sources = Vec::new();
        for &(k, v) in entries {
            if !self.is_merge_key(k) {
                continue;
            }
            if self.is_map(v) {
                sources.push(self.resolve(v));
            } else {
                sources.extend(
                    self.items(v)
                        .iter()
                        .map(|&i| self.resolve(i))
                        .filter(|&i| self.is_map(i)),
                );
            }
        }
        sources
    }

    /// The entries of mapping `id` with their key text, merge keys applied, in source order
    /// (written keys first, then merged ones not overridden). Non-scalar keys are skipped: no
    /// image lives under a mapping used as a key.
    pub fn entries(&self, id: NodeId) -> Vec<(&str, NodeId, NodeId)> {
        let entries = self.raw_entries(id);
        let mut out: Vec<(&str, NodeId, NodeId)> = Vec::with_capacity(entries.len());
        let mut merges = false;
        for &(k, v) in entries {
            match self.scalar(k) {
                Some(s) if s.plain && s.text == "<<" => merges = true,
                Some(s) => out.push((s.text.as_ref(), k, v)),
                None => {}
            }
        }
        if merges && self.has_merge_keys {
            self.append_merged(entries, &mut out, 0);
        }
        out
    }

    fn append_merged<'s>(
        &'s self,
        entries: &[(NodeId, NodeId)],
        out: &mut Vec<(&'s str, NodeId, NodeId)>,
        depth: usize,
    ) {
        if depth > 64 {
            return;
        }
        for source in self.merge_sources(entries) {
            let source_entries = self.raw_entries(source);
            let mut nested = false;
            for &(k, v) in source_entries {
                match self.scalar(k) {
                    Some(s) if s.plain && s.text == "<<" => nested = true,
                    Some(s) if !out.iter().any(|(name, _, _)| *name == s.text) => {
                        out.push((s.text.as_ref(), k, v));
                    }
                    _ => {}
                }
            }
            if nested {
                self.append_merged(source_entries, out, depth + 1);
            }
        }
    }

    /// Follows a path of mapping keys from `id`.
    pub fn get_path(&self, id: NodeId, path: &[&str]) -> Option<NodeId> {
        path.iter().try_fold(id, |at, key| self.get(at, key))
    }

    /// The string at a path of keys, if there is one.
    pub fn str_at(&self, id: NodeId, path: &[&str]) -> Option<&str> {
        self.get_path(id, path).and_then(|v| self.str(v))
    }
}

/// Loads every document in `text` (normally exactly one: `split.rs` cuts streams at document
/// markers). `first_line` is the absolute 1-based line of `text`'s first line, so positions
/// refer to the original input.
///
/// The block YAML that helm, kustomize and kubectl print is read by [`fast`] first; a document
/// it does not take whole (flow collections over several lines, anchors, tags, errors, …) is
/// read again by the full parser, which gives the same tree for what both read.
pub fn load<'a>(
    text: &'a str,
    first_line: u64,
    limits: &Limits,
) -> Result<Vec<Doc<'a>>, LoadError> {
    if fast::enabled() {
        if let Some(docs) = load_fast(text, first_line, limits) {
            return Ok(docs);
        }
    }
    load_full(text, first_line, limits)
}

/// The document of `text` as the fast path reads it, or `None` where it leaves the document to
/// the full parser. Public for the differential tests, which compare it with [`load_full`].
#[doc(hidden)]
pub fn load_fast<'a>(text: &'a str, first_line: u64, limits: &Limits) -> Option<Vec<Doc<'a>>> {
    let mut builder = Builder::new(first_line, limits);
    builder.expands = false;
    // About one node per dozen bytes in printed manifests; bounded, so a huge document does
    // not reserve before it is read.
    builder.nodes.reserve((text.len() / 12).min(1 << 16));
    fast::parse(text, &mut builder).ok()?;
    Some(builder.finish())
}

/// The absolute line where the fast path leaves the document of `text` to the full parser, or
/// `None` when it takes it: for the tests' reports of what the fast path leaves.
#[doc(hidden)]
pub fn fast_path_leaves_at(text: &str, first_line: u64) -> Option<u64> {
    let limits = Limits::default();
    let mut builder = Builder::new(first_line, &limits);
    let line = fast::parse(text, &mut builder).err()?;
    Some(first_line + line as u64 - 1)
}

/// Every document of `text` as the full parser reads it.
#[doc(hidden)]
pub fn load_full<'a>(
    text: &'a str,
    first_line: u64,
    limits: &Limits,
) -> Result<Vec<Doc<'a>>, LoadError> {
    let mut builder = Builder::new(first_line, limits);
    let mut parser = Parser::new_from_str(text);
    while let Some(event) = parser.next_event() {
        match event {
            Ok((event, span)) => builder.on_event(event, span)?,
            Err(err) => {
                let mark = err.marker();
                return Err(LoadError {
                    code: Code::InvalidYaml,
                    line: first_line + mark.line().saturating_sub(1) as u64,
                    column: mark.col() as u64 + 1,
                    message: format!("invalid YAML: {}", err.info()),
                });
            }
        }
    }
    Ok(builder.finish())
}

/// Where an event starts: 1-based line within the loaded text, 0-based column in characters
/// (saphyr's marker convention, which both readers follow).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Pos {
    line: usize,
    col: usize,
}

impl From<&Span> for Pos {
    fn from(span: &Span) -> Pos {
        Pos {
            line: span.start.line(),
            col: span.start.col(),
        }
    }
}

enum Open {
    Seq {
        id: NodeId,
        anchor: usize,
    },
    Map {
        id: NodeId,
        anchor: usize,
        key: Option<NodeId>,
    },
}

struct Builder<'a, 'l> {
    limits: &'l Limits,
    base_line: u64,
    docs: Vec<Doc<'a>>,
    nodes: Vec<Node<'a>>,
    /// Expanded size of each node, aliases counted at their target's size.
    weights: Vec<u64>,
    /// Expanded height of each node: aliases to deep nodes placed deep add up, and walks
    /// recurse by height, so it is bounded like nesting.
    heights: Vec<u32>,
    /// Whether `weights` and `heights` are kept: only aliases make a document expand past
    /// its own nodes or nest deeper than its text, so a reader that never gives one (the fast
    /// path) leaves them off.
    expands: bool,
    stack: Vec<Open>,
    anchors: HashMap<usize, NodeId>,
    root: Option<NodeId>,
    has_merge_keys: bool,
    duplicates: Vec<DuplicateKey>,
}

impl<'a, 'l> Builder<'a, 'l> {
    fn new(base_line: u64, limits: &'l Limits) -> Self {
        Builder {
            limits,
            base_line,
            docs: Vec::new(),
            nodes: Vec::new(),
            weights: Vec::new(),
            heights: Vec::new(),
            expands: true,
            stack: Vec::new(),
            anchors: HashMap::new(),
            root: None,
            has_merge_keys: false,
            duplicates: Vec::new(),
        }
    }

    fn error(&self, code: Code, at: Pos, message: String) -> LoadError {
        LoadError {
            code,
            line: self.base_line + at.line.saturating_sub(1) as u64,
            column: at.col as u64 + 1,
            message,
        }
    }

    fn push(
        &mut self,
        value: Value<'a>,
        at: Pos,
        weight: u64,
        height: u32,
    ) -> Result<NodeId, LoadError> {
        if self.nodes.len() >= self.limits.max_nodes {
            return Err(self.error(
                Code::TooManyNodes,
                at,
                format!("document has more than {} nodes", self.limits.max_nodes),
            ));
        }
        let id = self.nodes.len() as NodeId;
        self.nodes.push(Node {
            value,
            line: at.line.saturating_sub(1) as u32,
            column: at.col as u32 + 1,
            origin: 0,
        });
        if self.expands {
            self.weights.push(weight);
            self.heights.push(height);
        }
        Ok(id)
    }

    fn on_event(&mut self, event: Event<'a>, span: Span) -> Result<(), LoadError> {
        let at = Pos::from(&span);
        match event {
            Event::StreamStart | Event::StreamEnd | Event::Nothing => Ok(()),
            Event::DocumentStart(_) => {
                self.document_start();
                Ok(())
            }
            Event::DocumentEnd => {
                self.document_end();
                Ok(())
            }
            Event::Scalar(text, style, anchor, tag) => {
                let plain = style == ScalarStyle::Plain;
                let literal = style == ScalarStyle::Literal;
                let kind = resolve_scalar(&text, plain, tag.as_deref());
                self.scalar(text, kind, plain, literal, anchor, at)
            }
            Event::Alias(anchor) => self.alias(anchor, at),
            Event::SequenceStart(anchor, _) => self.start(Value::Seq(Vec::new()), anchor, at),
            Event::MappingStart(anchor, _) => self.start(Value::Map(Vec::new()), anchor, at),
            Event::SequenceEnd | Event::MappingEnd => self.end(at),
        }
    }

    fn document_start(&mut self) {
        self.nodes.clear();
        self.weights.clear();
        self.heights.clear();
        self.anchors.clear();
        self.root = None;
        self.has_merge_keys = false;
        self.duplicates.clear();
    }

    fn document_end(&mut self) {
        let doc = Doc {
            nodes: std::mem::take(&mut self.nodes),
            root: self.root.take(),
            base_line: self.base_line,
            has_merge_keys: self.has_merge_keys,
            origins: Vec::new(),
            duplicates: std::mem::take(&mut self.duplicates),
        };
        self.weights.clear();
        self.heights.clear();
        self.docs.push(doc);
    }

    /// A scalar whose kind the caller resolved ([`resolve_plain`] for untagged text).
    fn scalar(
        &mut self,
        text: Cow<'a, str>,
        kind: ScalarKind,
        plain: bool,
        literal: bool,
        anchor: usize,
        at: Pos,
    ) -> Result<(), LoadError> {
        if plain && text == "<<" {
            self.has_merge_keys = true;
        }
        let scalar = Scalar {
            text,
            kind,
            plain,
            literal,
        };
        let id = self.push(Value::Scalar(scalar), at, 1, 1)?;
        self.complete(id, anchor, at)
    }

    fn alias(&mut self, anchor: usize, at: Pos) -> Result<(), LoadError> {
        let Some(&target) = self.anchors.get(&anchor) else {
            return Err(self.error(
                Code::RecursiveAlias,
                at,
                "alias refers to an anchor that is not complete here (a recursive alias)"
                    .to_owned(),
            ));
        };
        let weight = self.weights.get(target as usize).copied().unwrap_or(1);
        let height = self.heights.get(target as usize).copied().unwrap_or(1);
        let id = self.push(Value::Alias(target), at, weight, height)?;
        self.complete(id, 0, at)
    }

    /// Opens a sequence or a mapping (`value` is the empty collection).
    fn start(&mut self, value: Value<'a>, anchor: usize, at: Pos) -> Result<(), LoadError> {
        self.check_depth(at)?;
        let map = matches!(value, Value::Map(_));
        let id = self.push(value, at, 1, 1)?;
        self.stack.push(if map {
            Open::Map {
                id,
                anchor,
                key: None,
            }
        } else {
            Open::Seq { id, anchor }
        });
        Ok(())
    }

    /// Closes the innermost open collection.
    fn end(&mut self, at: Pos) -> Result<(), LoadError> {
        let (id, anchor) = match self.stack.pop() {
            Some(Open::Seq { id, anchor }) => (id, anchor),
            Some(Open::Map { id, anchor, .. }) => {
                self.drop_duplicate_keys(id);
                (id, anchor)
            }
            None => return Ok(()),
        };
        self.complete(id, anchor, at)
    }

    /// Drops the earlier entry of each scalar key given twice in mapping `id` and notes it.
    /// Keys compare by their text whatever the quoting (`a` and `"a"` are one JSON key); merge
    /// keys (`<<`) may repeat.
    fn drop_duplicate_keys(&mut self, id: NodeId) {
        let Some(Node {
            value: Value::Map(entries),
            ..
        }) = self.nodes.get(id as usize)
        else {
            return;
        };
        let key_text = |k: NodeId| match self.nodes.get(k as usize).map(|n| &n.value) {
            Some(Value::Scalar(s)) if !(s.plain && s.text == "<<") => Some(s.text.as_ref()),
            _ => None,
        };
        // Last occurrence of each key; small mappings (most) are compared pairwise.
        let mut dropped: Vec<usize> = Vec::new();
        if entries.len() <= 16 {
            for (i, &(k, _)) in entries.iter().enumerate() {
                let Some(text) = key_text(k) else { continue };
                if entries[i + 1..]
                    .iter()
                    .any(|&(later, _)| key_text(later) == Some(text))
                {
                    dropped.push(i);
                }
            }
        } else {
            let mut last: HashMap<&str, usize> = HashMap::new();
            for (i, &(k, _)) in entries.iter().enumerate() {
                if let Some(text) = key_text(k) {
                    last.insert(text, i);
                }
            }
            for (i, &(k, _)) in entries.iter().enumerate() {
                if key_text(k).is_some_and(|text| last.get(text) != Some(&i)) {
                    dropped.push(i);
                }
            }
        }
        if dropped.is_empty() {
            return;
        }
        let position = |k: NodeId| {
            self.nodes.get(k as usize).map_or((0, 0), |n| {
                (self.base_line + u64::from(n.line), u64::from(n.column))
            })
        };
        let mut found = Vec::new();
        for &i in &dropped {
            let (k, _) = entries[i];
            let Some(text) = key_text(k) else { continue };
            let kept = entries[i + 1..]
                .iter()
                .find(|&&(later, _)| key_text(later) == Some(text))
                .map_or((0, 0), |&(later, _)| position(later));
            found.push(DuplicateKey {
                key: text.to_owned(),
                first: position(k),
                kept,
            });
        }
        self.duplicates.extend(found);
        if let Some(Node {
            value: Value::Map(entries),
            ..
        }) = self.nodes.get_mut(id as usize)
        {
            let mut index = 0;
            entries.retain(|_| {
                let keep = !dropped.contains(&index);
                index += 1;
                keep
            });
        }
    }

    fn check_depth(&self, at: Pos) -> Result<(), LoadError> {
        if self.stack.len() >= self.limits.max_depth {
            return Err(self.error(
                Code::TooDeep,
                at,
                format!(
                    "document nests deeper than {} levels",
                    self.limits.max_depth
                ),
            ));
        }
        Ok(())
    }

    /// A node is complete: register its anchor and attach it to its parent.
    fn complete(&mut self, id: NodeId, anchor: usize, at: Pos) -> Result<(), LoadError> {
        if anchor != 0 {
            self.anchors.insert(anchor, id);
        }
        let Some(parent_id) = self.attach(id) else {
            return Ok(());
        };
        if !self.expands {
            return Ok(());
        }
        let weight = self.weights.get(id as usize).copied().unwrap_or(1);
        let height = self.heights.get(id as usize).copied().unwrap_or(1);
        if let Some(h) = self.heights.get_mut(parent_id as usize) {
            *h = (*h).max(height.saturating_add(1));
            if *h as usize > self.limits.max_depth {
                return Err(self.error(
                    Code::TooDeep,
                    at,
                    format!(
                        "aliases nest this document deeper than {} levels",
                        self.limits.max_depth
                    ),
                ));
            }
        }
        if let Some(w) = self.weights.get_mut(parent_id as usize) {
            *w = w.saturating_add(weight);
            if *w > self.limits.max_expanded_nodes {
                return Err(self.error(
                    Code::AliasExpansion,
                    at,
                    format!(
                        "aliases expand this document to more than {} nodes",
                        self.limits.max_expanded_nodes
                    ),
                ));
            }
        }
        Ok(())
    }

    /// Attaches a complete node to the open collection (whose id is returned), or makes it
    /// the root.
    fn attach(&mut self, id: NodeId) -> Option<NodeId> {
        let parent = match self.stack.last_mut() {
            None => {
                self.root = Some(id);
                return None;
            }
            Some(Open::Seq { id: parent, .. }) => {
                if let Some(Node {
                    value: Value::Seq(items),
                    ..
                }) = self.nodes.get_mut(*parent as usize)
                {
                    items.push(id);
                }
                *parent
            }
            Some(Open::Map {
                id: parent, key, ..
            }) => {
                match key.take() {
                    None => *key = Some(id),
                    Some(k) => {
                        if let Some(Node {
                            value: Value::Map(entries),
                            ..
                        }) = self.nodes.get_mut(*parent as usize)
                        {
                            entries.push((k, id));
                        }
                    }
                }
                *parent
            }
        };
        Some(parent)
    }

    fn finish(self) -> Vec<Doc<'a>> {
        self.docs
    }
}

/// Resolves a scalar under the YAML 1.2 core schema, plus YAML 1.1's booleans. Only plain
/// scalars are resolved; quoted and block scalars are always strings, unless tagged.
fn resolve_scalar(text: &str, plain: bool, tag: Option<&Tag>) -> ScalarKind {
    if let Some(tag) = tag {
        if tag.is_yaml_core_schema() {
            return match tag.suffix.as_str() {
                "null" => ScalarKind::Null,
                "bool" => ScalarKind::Bool,
                "int" | "float" => ScalarKind::Number,
                _ => ScalarKind::Str,
            };
        }
        // `!` and local tags: the text is what matters, as a string.
        return ScalarKind::Str;
    }
    if !plain {
        return ScalarKind::Str;
    }
    resolve_plain(text)
}

/// How an untagged plain scalar resolves.
fn resolve_plain(text: &str) -> ScalarKind {
    // Most scalars are names: a letter then more than the longest null or boolean word can
    // hold, which no number starts with either.
    let bytes = text.as_bytes();
    if bytes.len() > 5 && bytes[0].is_ascii_alphabetic() {
        return ScalarKind::Str;
    }
    match text {
        "" | "~" | "null" | "Null" | "NULL" => ScalarKind::Null,
        "true" | "True" | "TRUE" | "false" | "False" | "FALSE" | "yes" | "Yes" | "YES" | "no"
        | "No" | "NO" | "on" | "On" | "ON" | "off" | "Off" | "OFF" | "y" | "Y" | "n" | "N" => {
            ScalarKind::Bool
        }
        _ if is_number(text) => ScalarKind::Number,
        _ => ScalarKind::Str,
    }
}

/// Integer and float literals of the YAML 1.2 core schema (`0x1F`, `0o17`, `-1.5e3`, `.inf`).
fn is_number(text: &str) -> bool {
    let body = text.strip_prefix(['+', '-']).unwrap_or(text);
    if matches!(body, ".inf" | ".Inf" | ".INF") || matches!(text, ".nan" | ".NaN" | ".NAN") {
        return true;
    }
    if let Some(hex) = body.strip_prefix("0x") {
        return !hex.is_empty() && hex.bytes().all(|b| b.is_ascii_hexdigit());
    }
    if let Some(oct) = body.strip_prefix("0o") {
        return !oct.is_empty() && oct.bytes().all(|b| (b'0'..=b'7').contains(&b));
    }
    // [0-9]+ | [0-9]* . [0-9]* with at least one digit, then an optional exponent.
    let (mantissa, exponent) = match body.find(['e', 'E']) {
        Some(i) => (&body[..i], Some(&body[i + 1..])),
        None => (body, None),
    };
    let mut digits = 0;
    let mut dots = 0;
    for b in mantissa.bytes() {
        match b {
            b'0'..=b'9' => digits += 1,
            b'.' => dots += 1,
            _ => return false,
        }
    }
    if digits == 0 || dots > 1 {
        return false;
    }
    match exponent {
        None => true,
        Some(exp) => {
            let exp = exp.strip_prefix(['+', '-']).unwrap_or(exp);
            !exp.is_empty() && exp.bytes().all(|b| b.is_ascii_digit())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn one(text: &str) -> Doc<'_> {
        match load(text, 1, &Limits::default()) {
            Ok(mut docs) if docs.len() == 1 => docs.remove(0),
            other => panic!("expected one document from {text:?}, got {other:?}"),
        }
    }

    #[test]
    fn positions_are_one_based_and_absolute() {
        let text = "a: 1\nb:\n  c: \"x\"\n";
        let mut docs = match load(text, 10, &Limits::default()) {
            Ok(docs) => docs,
            Err(err) => panic!("{err:?}"),
        };
        let doc = docs.remove(0);
        let root = doc.root().unwrap_or(0);
        let c = doc.get_path(root, &["b", "c"]).unwrap_or(0);
        assert_eq!(doc.position(c), (12, 6));
        assert_eq!(doc.str(c), Some("x"));
    }

    #[test]
    fn scalars_keep_their_written_text() {
        let doc = one("tag: 1.10\nother: 010\nq: '1.10'\n");
        let root = doc.root().unwrap_or(0);
        let tag = doc.get(root, "tag").unwrap_or(0);
        assert_eq!(doc.text(tag), Some("1.10"));
        assert_eq!(doc.str(tag), None, "a plain 1.10 is a number, not a string");
        assert_eq!(doc.text(doc.get(root, "other").unwrap_or(0)), Some("010"));
        assert_eq!(doc.str(doc.get(root, "q").unwrap_or(0)), Some("1.10"));
    }

    #[test]
    fn scalar_kinds_follow_the_core_schema() {
        let cases = [
            ("~", ScalarKind::Null),
            ("null", ScalarKind::Null),
            ("", ScalarKind::Null),
            ("true", ScalarKind::Bool),
            ("off", ScalarKind::Bool),
            ("12", ScalarKind::Number),
            ("-1.5e3", ScalarKind::Number),
            ("0x1F", ScalarKind::Number),
            (".inf", ScalarKind::Number),
            ("1.2.3", ScalarKind::Str),
            ("nginx", ScalarKind::Str),
            ("1e", ScalarKind::Str),
            ("v1.0", ScalarKind::Str),
        ];
        for (text, kind) in cases {
            assert_eq!(resolve_scalar(text, true, None), kind, "{text:?}");
        }
        assert_eq!(resolve_scalar("12", false, None), ScalarKind::Str);
    }

    #[test]
    fn aliases_point_at_their_anchor_without_copying() {
        let doc = one("base: &b {image: nginx}\nuse: *b\n");
        let root = doc.root().unwrap_or(0);
        let used = doc.get(root, "use").unwrap_or(0);
        assert_eq!(doc.str_at(used, &["image"]), Some("nginx"));
        assert_eq!(doc.position(used), (2, 6));
    }

    #[test]
    fn merge_keys_apply_with_written_keys_winning() {
        let doc = one("base: &b {image: a, name: x}\nc:\n  <<: *b\n  name: z\n");
        let root = doc.root().unwrap_or(0);
        let c = doc.get(root, "c").unwrap_or(0);
        assert_eq!(doc.str_at(c, &["image"]), Some("a"));
        assert_eq!(doc.str_at(c, &["name"]), Some("z"));
        let keys: Vec<&str> = doc.entries(c).iter().map(|e| e.0).collect();
        assert_eq!(keys, ["name", "image"]);
    }

    #[test]
    fn a_key_given_twice_keeps_the_last_value_and_is_noted_with_both_positions() {
        let text = "a: 1\nb:\n  image: x:1\n  \"image\": x:2\n  other: {image: y}\na: 3\n";
        let doc = one(text);
        let root = doc.root().unwrap_or(0);
        let b = doc.get(root, "b").unwrap_or(0);
        assert_eq!(doc.str_at(root, &["b", "image"]), Some("x:2"));
        assert_eq!(
            doc.entries(b).len(),
            2,
            "the earlier image entry is dropped"
        );
        assert_eq!(doc.get(root, "a").and_then(|a| doc.text(a)), Some("3"));
        type Position = (u64, u64);
        let dups: Vec<(&str, Position, Position)> = doc
            .duplicates()
            .iter()
            .map(|d| (d.key.as_str(), d.first, d.kept))
            .collect();
        assert_eq!(
            dups,
            vec![("image", (3, 3), (4, 3)), ("a", (1, 1), (6, 1))],
            "inner mappings end first"
        );
    }

    #[test]
    fn the_same_key_in_other_mappings_and_repeated_merge_keys_are_not_duplicates() {
        let text = "x: &x {a: 1}\ny: &y {b: 2}\nz:\n  <<: *x\n  <<: *y\n  a: 9\nw: {a: 1}\nv: [{a: 1}, {a: 2}]\n";
        assert!(one(text).duplicates().is_empty());
        let many: String =
            (0..40).map(|i| format!("k{i}: {i}\n")).collect::<String>() + "k7: again\n";
        let doc = one(&many);
        assert_eq!(doc.duplicates().len(), 1);
        assert_eq!(doc.str_at(doc.root().unwrap_or(0), &["k7"]), Some("again"));
    }

    #[test]
    fn billion_laughs_is_refused() {
        let mut text = String::from("a: &a [x, x, x, x, x, x, x, x, x, x]\n");
        let names = ["a", "b", "c", "d", "e", "f", "g", "h", "i"];
        for pair in names.windows(2) {
            let refs = vec![format!("*{}", pair[0]); 10].join(", ");
            text.push_str(&format!("{}: &{} [{refs}]\n", pair[1], pair[1]));
        }
        let err = match load(&text, 1, &Limits::default()) {
            Err(err) => err,
            Ok(_) => panic!("billion laughs must be refused"),
        };
        assert!(err.message.contains("aliases expand"), "{}", err.message);
    }

    #[test]
    fn recursive_alias_is_refused() {
        let err = match load("a: &a [*a]\n", 1, &Limits::default()) {
            Err(err) => err,
            Ok(_) => panic!("recursive alias must be refused"),
        };
        assert!(err.message.contains("recursive alias"), "{}", err.message);
    }

    #[test]
    fn deep_block_nesting_is_refused() {
        let mut text = String::new();
        for depth in 0..2000 {
            text.push_str(&" ".repeat(depth));
            text.push_str("a:\n");
        }
        let err = match load(&text, 1, &Limits::default()) {
            Err(err) => err,
            Ok(_) => panic!("nesting beyond the limit must be refused"),
        };
        assert!(err.message.contains("nests deeper"), "{}", err.message);
        assert_eq!(err.line, 513);
    }

    #[test]
    fn aliases_compounding_depth_are_refused() {
        // Each anchor is 300 levels deep and holds an alias to the previous one, so the
        // expanded height grows by 300 per anchor while raw nesting stays at 300.
        let mut text = String::new();
        for i in 0..4 {
            text.push_str(&format!("a{i}: &a{i} "));
            text.push_str(&"[".repeat(150));
            if i > 0 {
                text.push_str(&format!("*a{}", i - 1));
            }
            text.push_str(&"]".repeat(150));
            text.push('\n');
        }
        let limits = Limits {
            max_depth: 400,
            ..Limits::default()
        };
        let err = match load(&text, 1, &limits) {
            Err(err) => err,
            Ok(_) => panic!("compounded alias depth must be refused"),
        };
        assert!(err.message.contains("aliases nest"), "{}", err.message);
    }

    #[test]
    fn node_limit_is_enforced() {
        let limits = Limits {
            max_nodes: 10,
            ..Limits::default()
        };
        let err = match load("[1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]", 1, &limits) {
            Err(err) => err,
            Ok(_) => panic!("node limit must be enforced"),
        };
        assert!(
            err.message.contains("more than 10 nodes"),
            "{}",
            err.message
        );
    }

    #[test]
    fn syntax_errors_carry_absolute_positions() {
        let err = match load("a:\n  - b\n c: 1\n", 5, &Limits::default()) {
            Err(err) => err,
            Ok(_) => panic!("invalid YAML must fail"),
        };
        assert_eq!((err.line, err.column), (7, 2));
        assert!(err.message.starts_with("invalid YAML"));
    }

    #[test]
    fn json_loads_as_yaml() {
        let doc = one("{\"kind\":\"Pod\",\n\t\"spec\": {\"containers\": [{\"image\": \"a:1\"}]}}");
        let root = doc.root().unwrap_or(0);
        assert_eq!(doc.str_at(root, &["kind"]), Some("Pod"));
        let containers = doc.get_path(root, &["spec", "containers"]).unwrap_or(0);
        let first = doc.items(containers).first().copied().unwrap_or(0);
        assert_eq!(doc.str_at(first, &["image"]), Some("a:1"));
        assert_eq!(doc.position(doc.get(first, "image").unwrap_or(0)).0, 2);
    }

    #[test]
    fn a_flow_sequence_may_close_at_its_keys_column_with_comments_inside() {
        // The shape of Tekton's controller: go-yaml (kubectl, Helm) loads it; YAML 1.2
        // would want the `]` indented past `args`.
        let text = "spec:\n  containers:\n  - name: c\n    image: r.io/c:1\n    args: [\n      # built elsewhere\n      \"-a\", \"x\",\n\n      # another\n      \"-b\", \"y\",\n    ]\n    env: []\n";
        let doc = one(text);
        let root = doc.root().unwrap_or(0);
        let containers = doc.get_path(root, &["spec", "containers"]).unwrap_or(0);
        let first = doc.items(containers).first().copied().unwrap_or(0);
        let args: Vec<&str> = doc
            .items(doc.get(first, "args").unwrap_or(0))
            .iter()
            .filter_map(|&a| doc.str(a))
            .collect();
        assert_eq!(args, ["-a", "x", "-b", "y"]);
        assert_eq!(doc.str_at(first, &["image"]), Some("r.io/c:1"));
        assert!(doc.get(first, "env").is_some_and(|e| doc.is_seq(e)));
    }

    #[test]
    fn flow_content_and_quoted_continuations_load_at_any_column() {
        for text in [
            "a:\n  x: [\nb, c\n]\n",
            "a:\n  x: {k: [\nb], c: d\n}\n",
            "a:\n  x: [\n\tb\n  ]\n",
            "a:\n  x: \"foo\nb\"\n",
        ] {
            let doc = one(text);
            assert!(
                doc.get_path(doc.root().unwrap_or(0), &["a", "x"]).is_some(),
                "{text:?}"
            );
        }
        let doc = one("a:\n  x: \"foo\nbar\"\n");
        assert_eq!(
            doc.str_at(doc.root().unwrap_or(0), &["a", "x"]),
            Some("foo bar")
        );
    }

    #[test]
    fn a_tab_after_a_colon_separates_like_a_space() {
        let doc = one("a:\tr.io/x:1\nb:\t-v\nc:\t\t\"q\"\n");
        let root = doc.root().unwrap_or(0);
        assert_eq!(doc.str_at(root, &["a"]), Some("r.io/x:1"));
        assert_eq!(doc.str_at(root, &["b"]), Some("-v"));
        assert_eq!(doc.str_at(root, &["c"]), Some("q"));
        // go-yaml refuses a block sequence entry after the tab, and so does imgsift.
        assert!(load("a:\t- b\n", 1, &Limits::default()).is_err());
    }

    /// Shapes the fast path takes, each compared with the full parser's tree: a mistake in
    /// folding, chomping or positions shows as a difference here.
    #[test]
    fn the_fast_path_takes_printed_shapes_and_reads_them_as_the_full_parser_does() {
        let cases = [
            "a: >\n  one\n  two\n\n  three\n    more\n  four\n\n\nb: 1\n",
            "a: >-\n  one\n\n    indented\n\n  two\n",
            "a: >+\n  one\n  two\n\n\nb: 1\n",
            "a: |\n\n  after blank\n    deeper\n\n\n  last\nb: |-\n  x\nc: |+\n  y\n\n",
            "a:\n  q: |\n\n  r: x\n  s: |+\n\n\n  t: y\n  u: |-\n  # c\n  v: 1\n",
            "k: \"one \\\n  two\\n\\\n  \\ three  \n\n  four\"\nj: 'a\n  b''c\n\n  d'\n",
            "list:\n- a\n- b: 1\n  c: [x, \"y\", {z: 1}]\n-\n  - z\n- - n\n  - m\n- []\nempty:\n",
            "resources:\n  {}\nname: plain\n  continued\n\n  again\nimage: é:1 # c\n",
        ];
        for text in cases {
            let fast = load_fast(text, 3, &Limits::default());
            let full = load_full(text, 3, &Limits::default());
            assert!(fast.is_some(), "the fast path leaves {text:?}");
            assert_eq!(fast, full.ok(), "{text:?}");
        }
    }

    #[test]
    fn block_content_is_still_checked() {
        // go-yaml refuses these too: a plain scalar's continuation less indented than its
        // key's block, and a document marker inside a flow collection.
        for text in ["a:\n  x: foo\n bar\n", "a: [\n---\n]\n"] {
            assert!(load(text, 1, &Limits::default()).is_err(), "{text:?}");
        }
    }
}
