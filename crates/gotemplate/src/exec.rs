//! Execution: walking a parsed template over data, as Go's `exec.go` does.
//!
//! Go evaluates with `reflect.Value`s, and two of their distinctions show in
//! output and errors: an *invalid* value (a missing map key under the
//! default `missingkey` mode, no value at all) versus a nil *interface*
//! (a `null`, or a missing key under `missingkey=zero`), and values whose
//! static type is `interface {}` (map entries, elements of `[]interface{}`)
//! versus concrete ones (pipeline results, which Go unwraps). [`Val`] keeps
//! both, so `.a.b` on a missing `a` and `nil pointer evaluating
//! interface {}.b` come out exactly as in Go. The node recorded for error
//! messages is updated at the same points as Go's `state.at`.
//!
//! Recursion (nested templates, deep pipelines, nested control structures)
//! runs on a stack that grows on demand, and is bounded by
//! [`ExecOptions::max_depth`]; output size and evaluation steps are bounded
//! too, so no input hangs or overflows the stack.

use std::rc::Rc;

use crate::error::{Error, ErrorKind, FuncError, Location};
use crate::fmt::{sprint, sprintf, sprintln};
use crate::funcs::{
    Builtin, Function, Imp, Type, builtin, html_escape, js_escape, url_query_escape,
};
use crate::node::{
    Arg, At, Branch, ChainNode, CommandNode, FieldNode, ListNode, Node, NumberNode, PipeNode,
    TemplateNode, Tree, VariableNode,
};
use crate::strconv::quote;
use crate::template::Namespace;
use crate::trace::{self, Piece};
use crate::value::{ElemType, Value};

/// What a field access on a map yields when the key is missing (Go's
/// `missingkey` option).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum MissingKey {
    /// `missingkey=default`: no value (prints `<no value>`; a further field
    /// access on it yields no value again).
    #[default]
    Default,
    /// `missingkey=zero`: the zero value of the map's element type (nil for
    /// `interface{}`), as Helm runs templates.
    Zero,
    /// `missingkey=error`: execution fails.
    Error,
}

/// Options and limits for one execution.
#[derive(Clone, Debug)]
pub struct ExecOptions {
    /// Go's `missingkey` option.
    pub missing_key: MissingKey,
    /// Maximum size of the output (and of any nested `include` output).
    pub max_output_bytes: usize,
    /// Maximum nesting of `template` calls and nested executions through
    /// [`Context::execute`] (Go allows 100000 `template` levels).
    pub max_depth: usize,
    /// Maximum number of evaluation steps (nodes, commands and range
    /// iterations), so runaway loops end.
    pub max_steps: u64,
    /// When set, random functions and key generators draw from a stream keyed by this seed
    /// and the template's name instead of the OS generator, so the output is reproducible.
    pub seed: Option<u64>,
}

impl Default for ExecOptions {
    fn default() -> Self {
        ExecOptions {
            missing_key: MissingKey::Default,
            max_output_bytes: 64 << 20,
            max_depth: 10_000,
            max_steps: 20_000_000,
            seed: None,
        }
    }
}

impl ExecOptions {
    /// The options Helm uses: `missingkey=zero`, default limits.
    pub fn helm() -> ExecOptions {
        ExecOptions {
            missing_key: MissingKey::Zero,
            ..ExecOptions::default()
        }
    }
}

/// A value during evaluation: the value, and whether its static type is
/// `interface {}`. `Nil` without `iface` is Go's invalid `reflect.Value`.
#[derive(Clone)]
pub(crate) struct Val {
    v: Value,
    iface: bool,
}

const INVALID: Val = Val {
    v: Value::Nil,
    iface: false,
};

impl Val {
    fn concrete(v: Value) -> Val {
        Val { v, iface: false }
    }

    fn elem(v: Value, elem: ElemType) -> Val {
        Val {
            v,
            iface: elem == ElemType::Interface,
        }
    }

    fn is_invalid(&self) -> bool {
        !self.iface && self.v.is_nil()
    }

    /// Go's `indirectInterface`: the concrete value inside an interface.
    fn unwrap(self) -> Val {
        Val {
            v: self.v,
            iface: false,
        }
    }

    /// The static type, as `reflect.Value.Type()` names it.
    fn type_name(&self) -> String {
        if self.iface {
            "interface {}".to_string()
        } else {
            self.v.go_type_name()
        }
    }
}

/// Budgets and the namespace shared by an execution and everything nested in it.
pub(crate) struct ExecState {
    ns: Namespace,
    opts: ExecOptions,
    steps: u64,
    depth: usize,
}

/// The handle a function gets to the running execution: it can execute
/// other templates (Helm's `include`, `tpl`) with the same options and
/// budgets.
pub struct Context<'a> {
    st: &'a mut ExecState,
    template: &'a str,
}

impl Context<'_> {
    /// The namespace being executed (for `tpl`: clone it, add the text, run it).
    pub fn namespace(&self) -> &Namespace {
        &self.st.ns
    }

    /// The name of the template whose action called the function.
    pub fn template_name(&self) -> &str {
        self.template
    }

    /// The options of this execution.
    pub fn options(&self) -> &ExecOptions {
        &self.st.opts
    }

    /// Executes template `name` of the current namespace with `data` as dot
    /// and `$`, returning its output (Go's `ExecuteTemplate`).
    pub fn execute(&mut self, name: &str, data: Value) -> Result<String, Error> {
        let ns = self.st.ns.clone();
        self.execute_in(&ns, name, data)
    }

    /// Executes template `name` of `ns` (typically a clone of
    /// [`namespace`](Context::namespace) with more templates added); while it
    /// runs, `ns` is the current namespace.
    pub fn execute_in(&mut self, ns: &Namespace, name: &str, data: Value) -> Result<String, Error> {
        self.execute_in_traced(ns, name, data).map(|(out, _)| out)
    }

    /// As [`execute`](Context::execute), returning the output as a string value that keeps
    /// what it was printed from while a [`trace::Session`](crate::trace::Session) runs.
    pub fn execute_value(&mut self, name: &str, data: Value) -> Result<Value, Error> {
        let ns = self.st.ns.clone();
        let (out, pieces) = self.execute_in_traced(&ns, name, data)?;
        Ok(traced_value(out, pieces))
    }

    /// As [`parse_and_execute`](Context::parse_and_execute), returning the output as a string
    /// value that keeps what it was printed from while a trace session runs.
    pub fn parse_and_execute_value(
        &mut self,
        name: &str,
        text: &str,
        data: Value,
    ) -> Result<Value, Error> {
        let mut ns = self.st.ns.clone();
        ns.add_main(name, text)?;
        let (out, pieces) = self.execute_in_traced(&ns, name, data)?;
        Ok(traced_value(out, pieces))
    }

    fn execute_in_traced(
        &mut self,
        ns: &Namespace,
        name: &str,
        data: Value,
    ) -> Result<(String, Vec<Piece>), Error> {
        if self.st.depth >= self.st.opts.max_depth {
            return Err(Error::plain(
                ErrorKind::Limit,
                name,
                format!(
                    "exceeded maximum template depth ({})",
                    self.st.opts.max_depth
                ),
            ));
        }
        let saved = std::mem::replace(&mut self.st.ns, ns.clone());
        self.st.depth += 1;
        let r = self.st.execute_named_traced(name, data);
        self.st.depth -= 1;
        self.st.ns = saved;
        r
    }

    /// Parses `text` as template `name` in a copy of the current namespace
    /// and executes it (Helm's `tpl`): the text's `define`s are visible to
    /// it and to what it includes, and do not leak into the namespace.
    pub fn parse_and_execute(
        &mut self,
        name: &str,
        text: &str,
        data: Value,
    ) -> Result<String, Error> {
        let value = self.parse_and_execute_value(name, text, data)?;
        Ok(value.as_str().unwrap_or_default().to_owned())
    }

    /// Fails if a string of `len` bytes would exceed the output limit; for
    /// functions that build large strings.
    pub fn check_size(&self, len: usize) -> Result<(), FuncError> {
        if len > self.st.opts.max_output_bytes {
            return Err(FuncError::new(format!(
                "result exceeds the maximum output size of {} bytes",
                self.st.opts.max_output_bytes
            )));
        }
        Ok(())
    }
}

pub(crate) fn execute_mapped(
    ns: &Namespace,
    name: &str,
    data: Value,
    opts: &ExecOptions,
) -> Result<(String, SourceMap), Error> {
    let mut st = ExecState {
        ns: ns.clone(),
        opts: opts.clone(),
        steps: 0,
        depth: 0,
    };
    let _stream = crate::random::install(opts.seed, name);
    st.execute_named_mapped(name, data)
}

pub(crate) fn execute(
    ns: &Namespace,
    name: &str,
    data: Value,
    opts: &ExecOptions,
) -> Result<String, Error> {
    let mut st = ExecState {
        ns: ns.clone(),
        opts: opts.clone(),
        steps: 0,
        depth: 0,
    };
    let _stream = crate::random::install(opts.seed, name);
    st.execute_named(name, data)
}

/// A nested execution's output as a value, its pieces recorded.
fn traced_value(out: String, pieces: Vec<Piece>) -> Value {
    let s: Rc<str> = Rc::from(out);
    trace::record(&s, pieces, false);
    Value::String(s)
}

impl ExecState {
    fn execute_named(&mut self, name: &str, data: Value) -> Result<String, Error> {
        self.execute_named_traced(name, data).map(|(out, _)| out)
    }

    fn execute_named_traced(
        &mut self,
        name: &str,
        data: Value,
    ) -> Result<(String, Vec<Piece>), Error> {
        let Some(tree) = self.ns.tree(name) else {
            return Err(Error::bare(
                ErrorKind::Exec,
                name,
                format!(
                    "template: no template {} associated with template {}",
                    quote(name, false),
                    quote(self.ns.name(), false)
                ),
            ));
        };
        let dot = Val::concrete(data);
        let mut fr = Frame::new(&tree, dot.clone());
        let mut run = Run {
            st: self,
            out: String::new(),
            spans: None,
            pieces: Vec::new(),
        };
        run.walk_list(&mut fr, &dot, &tree.root)?;
        Ok((run.out, run.pieces))
    }

    /// As [`execute_named`](ExecState::execute_named), recording where each piece of the
    /// output was written from.
    fn execute_named_mapped(
        &mut self,
        name: &str,
        data: Value,
    ) -> Result<(String, SourceMap), Error> {
        let Some(tree) = self.ns.tree(name) else {
            return self
                .execute_named(name, data)
                .map(|out| (out, SourceMap::default()));
        };
        let dot = Val::concrete(data);
        let mut fr = Frame::new(&tree, dot.clone());
        let mut run = Run {
            st: self,
            out: String::new(),
            spans: Some(Vec::new()),
            pieces: Vec::new(),
        };
        run.walk_list(&mut fr, &dot, &tree.root)?;
        let spans = run.spans.take().unwrap_or_default();
        let mut map = SourceMap::resolve(spans);
        map.pieces = run.pieces;
        Ok((run.out, map))
    }
}

/// Where the output of an execution was written from: for each piece of output, the file
/// (the name its template was added under) and the 1-based line of the text or action that
/// wrote it. Output of an `include` is attributed to the action that printed it.
#[derive(Clone, Debug, Default)]
pub struct SourceMap {
    spans: Vec<Span>,
    /// While a trace session runs: the pieces of the output printed from marked strings.
    pieces: Vec<Piece>,
}

#[derive(Clone, Debug)]
struct Span {
    offset: usize,
    file: Rc<str>,
    line: usize,
    /// Written by a text node: its later lines are the template's later lines.
    text: bool,
}

struct RawSpan {
    offset: usize,
    file: Rc<str>,
    source: Rc<str>,
    pos: usize,
    text: bool,
}

impl SourceMap {
    fn resolve(raw: Vec<RawSpan>) -> SourceMap {
        // Line starts of each source text, computed once per text.
        let mut starts: Vec<(Rc<str>, Vec<usize>)> = Vec::new();
        let mut spans = Vec::with_capacity(raw.len());
        for span in raw {
            let index = match starts.iter().position(|(t, _)| Rc::ptr_eq(t, &span.source)) {
                Some(i) => i,
                None => {
                    let lines: Vec<usize> = std::iter::once(0)
                        .chain(span.source.match_indices('\n').map(|(i, _)| i + 1))
                        .collect();
                    starts.push((span.source.clone(), lines));
                    starts.len() - 1
                }
            };
            let line = starts
                .get(index)
                .map_or(1, |(_, lines)| lines.partition_point(|&s| s <= span.pos));
            spans.push(Span {
                offset: span.offset,
                file: span.file,
                line: line.max(1),
                text: span.text,
            });
        }
        SourceMap {
            spans,
            pieces: Vec::new(),
        }
    }

    /// The pieces of the output printed from marked strings (offsets into the output), in
    /// output order; empty unless a [`trace::Session`](crate::trace::Session) ran.
    pub fn pieces(&self) -> &[Piece] {
        &self.pieces
    }

    /// The file and 1-based line that wrote the output byte at `offset` of the output whose
    /// line breaks are `lines`.
    pub fn line_at(&self, lines: &OutputLines, offset: usize) -> Option<(&str, usize)> {
        let index = self
            .spans
            .partition_point(|s| s.offset <= offset)
            .checked_sub(1)?;
        let span = self.spans.get(index)?;
        let mut line = span.line;
        if span.text {
            // Line breaks of the output between the span's start and `offset`: a text span can
            // be a whole static file (a chart's CRD), so this is a search, not a count.
            line += lines.between(span.offset, offset);
        }
        Some((&span.file, line))
    }
}

/// The offsets of an output's line breaks, computed once so that each lookup in its
/// [`SourceMap`] costs a binary search.
#[derive(Debug, Clone, Default)]
pub struct OutputLines {
    breaks: Vec<usize>,
}

impl OutputLines {
    /// Indexes `out`.
    pub fn new(out: &str) -> OutputLines {
        OutputLines {
            breaks: out.match_indices('\n').map(|(i, _)| i).collect(),
        }
    }

    /// How many line breaks lie at offsets `from..to`.
    fn between(&self, from: usize, to: usize) -> usize {
        if to <= from {
            return 0;
        }
        self.breaks.partition_point(|&b| b < to) - self.breaks.partition_point(|&b| b < from)
    }
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Flow {
    Normal,
    Break,
    Continue,
}

struct Frame<'t> {
    tree: &'t Tree,
    vars: Vec<(Rc<str>, Val)>,
    node: Option<At<'t>>,
}

impl<'t> Frame<'t> {
    fn new(tree: &'t Tree, dot: Val) -> Frame<'t> {
        Frame {
            tree,
            vars: vec![(Rc::from("$"), dot)],
            node: None,
        }
    }

    fn at(&mut self, at: At<'t>) {
        self.node = Some(at);
    }
}

struct Run<'s> {
    st: &'s mut ExecState,
    out: String,
    /// Where each write came from, when a source map is asked for.
    spans: Option<Vec<RawSpan>>,
    /// The pieces of `out` printed from marked strings, while a trace session runs.
    pieces: Vec<Piece>,
}

type R<T> = Result<T, Error>;

/// How many trace pieces one output keeps: a loop printing a string of many pieces must not
/// grow the list past what any image needs (the rest of the output is left untraced).
const MAX_OUTPUT_PIECES: usize = 1 << 20;

fn sv(v: &Value) -> String {
    match sprintf("%v", std::slice::from_ref(v)) {
        Ok(s) => s,
        Err(e) => e.0,
    }
}

fn ss(v: &Value) -> String {
    match sprintf("%s", std::slice::from_ref(v)) {
        Ok(s) => s,
        Err(e) => e.0,
    }
}

impl Run<'_> {
    // --- errors ---

    fn error(&self, fr: &Frame<'_>, kind: ErrorKind, message: String) -> Error {
        let name = fr.tree.name.as_str();
        match fr.node {
            None => Error::plain(kind, name, message),
            Some(at) => {
                let (line, col) = fr.tree.location(at.pos());
                let location = Location {
                    name: fr.tree.parse_name.to_string(),
                    line,
                    col: Some(col),
                };
                Error::at(kind, name, location, at.context(), message)
            }
        }
    }

    fn errorf(&self, fr: &Frame<'_>, message: String) -> Error {
        self.error(fr, ErrorKind::Exec, message)
    }

    fn step(&mut self, fr: &Frame<'_>) -> R<()> {
        self.st.steps += 1;
        if self.st.steps > self.st.opts.max_steps {
            return Err(self.error(
                fr,
                ErrorKind::Limit,
                format!(
                    "exceeded the maximum of {} evaluation steps",
                    self.st.opts.max_steps
                ),
            ));
        }
        Ok(())
    }

    fn write(&mut self, fr: &Frame<'_>, s: &str) -> R<()> {
        if self.out.len() + s.len() > self.st.opts.max_output_bytes {
            return Err(self.error(
                fr,
                ErrorKind::Limit,
                format!(
                    "output exceeds the maximum size of {} bytes",
                    self.st.opts.max_output_bytes
                ),
            ));
        }
        if let (Some(spans), Some(at)) = (&mut self.spans, fr.node) {
            if !s.is_empty() {
                spans.push(RawSpan {
                    offset: self.out.len(),
                    file: fr.tree.parse_name.clone(),
                    source: fr.tree.text.clone(),
                    pos: at.pos(),
                    text: matches!(at, At::Node(Node::Text { .. })),
                });
            }
        }
        self.out.push_str(s);
        Ok(())
    }

    // --- variables ---

    fn var_value(&self, fr: &Frame<'_>, name: &str) -> R<Val> {
        match fr.vars.iter().rev().find(|(n, _)| &**n == name) {
            Some((_, v)) => Ok(v.clone()),
            None => Err(self.errorf(fr, format!("undefined variable: {name}"))),
        }
    }

    fn set_var(&self, fr: &mut Frame<'_>, name: &str, value: Val) -> R<()> {
        match fr.vars.iter_mut().rev().find(|(n, _)| &**n == name) {
            Some((_, v)) => {
                *v = value;
                Ok(())
            }
            None => Err(self.errorf(fr, format!("undefined variable: {name}"))),
        }
    }

    fn set_top_var(fr: &mut Frame<'_>, n: usize, value: Val) {
        let len = fr.vars.len();
        if let Some(slot) = len.checked_sub(n).and_then(|i| fr.vars.get_mut(i)) {
            slot.1 = value;
        }
    }

    // --- walking ---

    fn walk_list<'t>(&mut self, fr: &mut Frame<'t>, dot: &Val, list: &'t ListNode) -> R<Flow> {
        stacker::maybe_grow(128 * 1024, 2 * 1024 * 1024, || {
            fr.at(At::List(list));
            for n in &list.nodes {
                let flow = self.walk(fr, dot, n)?;
                if flow != Flow::Normal {
                    return Ok(flow);
                }
            }
            Ok(Flow::Normal)
        })
    }

    fn walk<'t>(&mut self, fr: &mut Frame<'t>, dot: &Val, node: &'t Node) -> R<Flow> {
        fr.at(At::Node(node));
        self.step(fr)?;
        match node {
            Node::Action(a) => {
                let val = self.eval_pipeline(fr, dot, &a.pipe)?;
                if a.pipe.decl.is_empty() {
                    self.print_value(fr, node, val)?;
                }
            }
            Node::Break { .. } => return Ok(Flow::Break),
            Node::Continue { .. } => return Ok(Flow::Continue),
            Node::Comment { .. } => {}
            Node::If(b) => return self.walk_if_or_with(fr, false, dot, b),
            Node::With(b) => return self.walk_if_or_with(fr, true, dot, b),
            Node::Range(b) => return self.walk_range(fr, dot, node, b),
            Node::Template(t) => self.walk_template(fr, dot, node, t)?,
            Node::Text { text, .. } => self.write(fr, text)?,
        }
        Ok(Flow::Normal)
    }

    fn walk_if_or_with<'t>(
        &mut self,
        fr: &mut Frame<'t>,
        with: bool,
        dot: &Val,
        b: &'t Branch,
    ) -> R<Flow> {
        let mark = fr.vars.len();
        let val = self.eval_pipeline(fr, dot, &b.pipe)?;
        let r = if val.v.truthy() {
            if with {
                self.walk_list(fr, &val, &b.list)
            } else {
                self.walk_list(fr, dot, &b.list)
            }
        } else if let Some(e) = &b.else_list {
            self.walk_list(fr, dot, e)
        } else {
            Ok(Flow::Normal)
        };
        fr.vars.truncate(mark);
        r
    }

    fn walk_range<'t>(
        &mut self,
        fr: &mut Frame<'t>,
        dot: &Val,
        node: &'t Node,
        r: &'t Branch,
    ) -> R<Flow> {
        fr.at(At::Node(node));
        let mark0 = fr.vars.len();
        let result = self.walk_range_inner(fr, dot, r);
        fr.vars.truncate(mark0);
        result.map(|_| Flow::Normal)
    }

    fn walk_range_inner<'t>(&mut self, fr: &mut Frame<'t>, dot: &Val, r: &'t Branch) -> R<()> {
        let val = self.eval_pipeline(fr, dot, &r.pipe)?.unwrap();
        let mark = fr.vars.len();
        let resolved = val.v.resolved();
        let mut ran = false;
        match &resolved {
            Value::Int(_) | Value::Int64(_) | Value::Uint8(_) => {
                if r.pipe.decl.len() > 1 {
                    return Err(self.errorf(
                        fr,
                        format!(
                            "can't use {} to iterate over more than one variable",
                            sv(&val.v)
                        ),
                    ));
                }
                let n = match &resolved {
                    Value::Int(n) | Value::Int64(n) => *n,
                    Value::Uint8(n) => i64::from(*n),
                    _ => 0,
                };
                let mut i = 0;
                while i < n {
                    ran = true;
                    let elem = Val::concrete(match &resolved {
                        Value::Int64(_) => Value::Int64(i),
                        Value::Uint8(_) => Value::Uint8(i as u8),
                        _ => Value::Int(i),
                    });
                    if self.one_iteration(fr, r, mark, INVALID, elem)? == Flow::Break {
                        break;
                    }
                    i += 1;
                }
            }
            Value::List(l) => {
                for (i, e) in l.iter().enumerate() {
                    ran = true;
                    let elem = Val::elem(e.clone(), l.elem_type());
                    if self.one_iteration(fr, r, mark, Val::concrete(Value::from(i)), elem)?
                        == Flow::Break
                    {
                        break;
                    }
                }
            }
            Value::Map(m) => {
                let elem_type = m.elem_type();
                for (k, e) in m.entries() {
                    ran = true;
                    let elem = Val::elem(e, elem_type);
                    if self.one_iteration(fr, r, mark, Val::concrete(Value::from(k)), elem)?
                        == Flow::Break
                    {
                        break;
                    }
                }
            }
            Value::Nil => {}
            _ => return Err(self.errorf(fr, format!("range can't iterate over {}", sv(&val.v)))),
        }
        if !ran {
            if let Some(e) = &r.else_list {
                self.walk_list(fr, dot, e)?;
            }
        }
        Ok(())
    }

    fn one_iteration<'t>(
        &mut self,
        fr: &mut Frame<'t>,
        r: &'t Branch,
        mark: usize,
        index: Val,
        elem: Val,
    ) -> R<Flow> {
        self.step(fr)?;
        let decl = &r.pipe.decl;
        if let Some(first) = decl.first() {
            if r.pipe.is_assign {
                let name = first.ident.first().map_or("", String::as_str);
                if decl.len() > 1 {
                    self.set_var(fr, name, index.clone())?;
                } else {
                    self.set_var(fr, name, elem.clone())?;
                }
            } else {
                Self::set_top_var(fr, 1, elem.clone());
            }
        }
        if let Some(second) = decl.get(1) {
            if r.pipe.is_assign {
                let name = second.ident.first().map_or("", String::as_str);
                self.set_var(fr, name, elem.clone())?;
            } else {
                Self::set_top_var(fr, 2, index);
            }
        }
        let flow = self.walk_list(fr, &elem, &r.list);
        fr.vars.truncate(mark);
        flow
    }

    fn walk_template<'t>(
        &mut self,
        fr: &mut Frame<'t>,
        dot: &Val,
        node: &'t Node,
        t: &'t TemplateNode,
    ) -> R<()> {
        fr.at(At::Node(node));
        let Some(tree) = self.st.ns.tree(&t.name) else {
            return Err(self.errorf(
                fr,
                format!("template {} not defined", quote(&t.name, false)),
            ));
        };
        if self.st.depth >= self.st.opts.max_depth {
            return Err(self.error(
                fr,
                ErrorKind::Limit,
                format!(
                    "exceeded maximum template depth ({})",
                    self.st.opts.max_depth
                ),
            ));
        }
        let new_dot = match &t.pipe {
            Some(p) => self.eval_pipeline(fr, dot, p)?,
            None => INVALID,
        };
        self.st.depth += 1;
        let mut nf = Frame::new(&tree, new_dot.clone());
        let r = self.walk_list(&mut nf, &new_dot, &tree.root);
        self.st.depth -= 1;
        r.map(|_| ())
    }

    // --- evaluation ---

    fn eval_pipeline<'t>(&mut self, fr: &mut Frame<'t>, dot: &Val, pipe: &'t PipeNode) -> R<Val> {
        stacker::maybe_grow(128 * 1024, 2 * 1024 * 1024, || {
            fr.at(At::Pipe(pipe));
            let mut value: Option<Val> = None;
            for cmd in &pipe.cmds {
                let v = self.eval_command(fr, dot, cmd, value.take())?;
                // Go digs into interface{} results here.
                value = Some(v.unwrap());
            }
            let value = value.unwrap_or(INVALID);
            for var in &pipe.decl {
                let name = var.ident.first().map_or("", String::as_str);
                if pipe.is_assign {
                    self.set_var(fr, name, value.clone())?;
                } else {
                    fr.vars.push((Rc::from(name), value.clone()));
                }
            }
            Ok(value)
        })
    }

    fn not_a_function(&self, fr: &Frame<'_>, args: &[Arg], final_: &Option<Val>) -> R<()> {
        if args.len() > 1 || final_.is_some() {
            let first = args.first().map(Arg::to_go_string).unwrap_or_default();
            return Err(self.errorf(fr, format!("can't give argument to non-function {first}")));
        }
        Ok(())
    }

    fn eval_command<'t>(
        &mut self,
        fr: &mut Frame<'t>,
        dot: &Val,
        cmd: &'t CommandNode,
        final_: Option<Val>,
    ) -> R<Val> {
        self.step(fr)?;
        let Some(first) = cmd.args.first() else {
            return Err(self.errorf(fr, "empty command".to_string()));
        };
        match first {
            Arg::Field(f) => return self.eval_field_node(fr, dot, f, &cmd.args, final_),
            Arg::Chain(c) => return self.eval_chain_node(fr, dot, c, &cmd.args, final_),
            Arg::Identifier { name, .. } => {
                return self.eval_function(fr, dot, first, name, At::Cmd(cmd), &cmd.args, final_);
            }
            Arg::Pipe(p) => {
                self.not_a_function(fr, &cmd.args, &final_)?;
                return self.eval_pipeline(fr, dot, p);
            }
            Arg::Variable(v) => return self.eval_variable_node(fr, dot, v, &cmd.args, final_),
            _ => {}
        }
        fr.at(At::Arg(first));
        self.not_a_function(fr, &cmd.args, &final_)?;
        match first {
            Arg::Bool { val, .. } => Ok(Val::concrete(Value::Bool(*val))),
            Arg::Dot { .. } => Ok(dot.clone()),
            Arg::Nil { .. } => Err(self.errorf(fr, "nil is not a command".to_string())),
            Arg::Number(n) => self.ideal_constant(fr, n),
            Arg::String { text, .. } => Ok(Val::concrete(Value::String(text.clone()))),
            _ => Err(self.errorf(
                fr,
                format!(
                    "can't evaluate command {}",
                    quote(&first.to_go_string(), false)
                ),
            )),
        }
    }

    fn ideal_constant<'t>(&mut self, fr: &mut Frame<'t>, n: &'t NumberNode) -> R<Val> {
        fr.at(At::Number(n));
        let text = n.text.as_str();
        if n.is_complex {
            return Err(self.errorf(fr, format!("complex constant {text} is not supported")));
        }
        let is_hex_int = text.len() > 2
            && text.starts_with('0')
            && matches!(text.as_bytes().get(1), Some(b'x' | b'X'))
            && !text.contains(['p', 'P']);
        let is_rune = text.starts_with('\'');
        if n.is_float && !is_hex_int && !is_rune && text.contains(['.', 'e', 'E', 'p', 'P']) {
            return Ok(Val::concrete(Value::Float(n.float64)));
        }
        if n.is_int {
            return Ok(Val::concrete(Value::Int(n.int64)));
        }
        if n.is_uint {
            return Err(self.errorf(fr, format!("{text} overflows int")));
        }
        Ok(INVALID)
    }

    fn eval_field_node<'t>(
        &mut self,
        fr: &mut Frame<'t>,
        dot: &Val,
        field: &'t FieldNode,
        args: &'t [Arg],
        final_: Option<Val>,
    ) -> R<Val> {
        fr.at(At::Field(field));
        self.eval_field_chain(
            fr,
            dot,
            dot.clone(),
            At::Field(field),
            &field.ident,
            args,
            final_,
        )
    }

    fn eval_chain_node<'t>(
        &mut self,
        fr: &mut Frame<'t>,
        dot: &Val,
        chain: &'t ChainNode,
        args: &'t [Arg],
        final_: Option<Val>,
    ) -> R<Val> {
        fr.at(At::Chain(chain));
        if chain.field.is_empty() {
            return Err(self.errorf(fr, "internal error: no fields in evalChainNode".to_string()));
        }
        if let Arg::Nil { .. } = chain.node.as_ref() {
            let text = At::Chain(chain).context();
            return Err(self.errorf(fr, format!("indirection through explicit nil in {text}")));
        }
        let pipe = self.eval_arg(fr, dot, None, &chain.node)?;
        self.eval_field_chain(fr, dot, pipe, At::Chain(chain), &chain.field, args, final_)
    }

    fn eval_variable_node<'t>(
        &mut self,
        fr: &mut Frame<'t>,
        dot: &Val,
        var: &'t VariableNode,
        args: &'t [Arg],
        final_: Option<Val>,
    ) -> R<Val> {
        fr.at(At::Var(var));
        let name = var.ident.first().map_or("", String::as_str);
        let value = self.var_value(fr, name)?;
        if var.ident.len() == 1 {
            self.not_a_function(fr, args, &final_)?;
            return Ok(value);
        }
        self.eval_field_chain(fr, dot, value, At::Var(var), &var.ident[1..], args, final_)
    }

    #[allow(clippy::too_many_arguments)]
    fn eval_field_chain<'t>(
        &mut self,
        fr: &mut Frame<'t>,
        dot: &Val,
        receiver: Val,
        node: At<'t>,
        ident: &'t [String],
        args: &'t [Arg],
        final_: Option<Val>,
    ) -> R<Val> {
        let Some((last, init)) = ident.split_last() else {
            return Ok(receiver);
        };
        let mut r = receiver;
        for name in init {
            r = self.eval_field(fr, dot, name, node, &[], None, r)?;
        }
        self.eval_field(fr, dot, last, node, args, final_, r)
    }

    #[allow(clippy::too_many_arguments)]
    fn eval_function<'t>(
        &mut self,
        fr: &mut Frame<'t>,
        dot: &Val,
        ident: &'t Arg,
        name: &str,
        node: At<'t>,
        args: &'t [Arg],
        final_: Option<Val>,
    ) -> R<Val> {
        fr.at(At::Arg(ident));
        let (function, is_builtin) = match self.st.ns.funcs().get(name) {
            Some(f) => (f.clone(), false),
            None => match builtin(name) {
                Some(f) => (f, true),
                None => {
                    return Err(self.errorf(
                        fr,
                        format!("{} is not a defined function", quote(name, false)),
                    ));
                }
            },
        };
        self.eval_call(fr, dot, &function, is_builtin, node, name, args, final_)
    }

    #[allow(clippy::too_many_arguments)]
    fn eval_field<'t>(
        &mut self,
        fr: &mut Frame<'t>,
        dot: &Val,
        field_name: &str,
        node: At<'t>,
        args: &'t [Arg],
        final_: Option<Val>,
        receiver: Val,
    ) -> R<Val> {
        if receiver.is_invalid() {
            if self.st.opts.missing_key == MissingKey::Error {
                return Err(self.errorf(
                    fr,
                    format!("nil data; no entry for key {}", quote(field_name, false)),
                ));
            }
            return Ok(INVALID);
        }
        let typ = receiver.type_name();
        if receiver.iface && receiver.v.is_nil() {
            return Err(self.errorf(fr, format!("nil pointer evaluating {typ}.{field_name}")));
        }
        let recv = receiver.unwrap();
        if let Value::Object(o) = &recv.v {
            if let Some(m) = o.method(field_name) {
                return self.eval_call(fr, dot, &m, false, node, field_name, args, final_);
            }
        }
        if let Value::Map(m) = &recv.v {
            let method = m
                .type_name()
                .and_then(|t| self.st.ns.funcs().method(t, field_name))
                .and_then(|f| f.bind(recv.v.clone()));
            if let Some(bound) = method {
                return self.eval_call(fr, dot, &bound, false, node, field_name, args, final_);
            }
        }
        let has_args = args.len() > 1 || final_.is_some();
        let map = match &recv.v {
            Value::Object(o) => {
                if let Some(v) = o.field(field_name) {
                    if has_args {
                        return Err(self.errorf(
                            fr,
                            format!("{field_name} has arguments but cannot be invoked as function"),
                        ));
                    }
                    return Ok(Val::concrete(v));
                }
                match o.underlying() {
                    Some(Value::Map(m)) => Some(m),
                    _ => None,
                }
            }
            Value::Map(m) => Some(m.clone()),
            _ => None,
        };
        if let Some(m) = map {
            if has_args {
                return Err(self.errorf(
                    fr,
                    format!("{field_name} is not a method but has arguments"),
                ));
            }
            let elem = m.elem_type();
            return match m.get(field_name) {
                Some(v) => Ok(Val::elem(v, elem)),
                None => match self.st.opts.missing_key {
                    MissingKey::Default => Ok(INVALID),
                    MissingKey::Zero => Ok(Val::elem(elem.zero(), elem)),
                    MissingKey::Error => Err(self.errorf(
                        fr,
                        format!("map has no entry for key {}", quote(field_name, false)),
                    )),
                },
            };
        }
        Err(self.errorf(
            fr,
            format!("can't evaluate field {field_name} in type {typ}"),
        ))
    }

    #[allow(clippy::too_many_arguments)]
    fn eval_call<'t>(
        &mut self,
        fr: &mut Frame<'t>,
        dot: &Val,
        fun: &Function,
        is_builtin: bool,
        node: At<'t>,
        name: &str,
        args: &'t [Arg],
        final_: Option<Val>,
    ) -> R<Val> {
        let args: &'t [Arg] = args.get(1..).unwrap_or(&[]);
        let sig = fun.signature();
        let num_in = args.len() + usize::from(final_.is_some());
        let num_fixed;
        if sig.variadic.is_some() {
            num_fixed = sig.params.len();
            if num_in < num_fixed {
                return Err(self.errorf(
                    fr,
                    format!(
                        "wrong number of args for {name}: want at least {} got {}",
                        sig.params.len(),
                        args.len()
                    ),
                ));
            }
        } else {
            num_fixed = args.len();
            if num_in != sig.params.len() {
                return Err(self.errorf(
                    fr,
                    format!(
                        "wrong number of args for {name}: want {} got {num_in}",
                        sig.params.len()
                    ),
                ));
            }
        }
        let builtin_kind = match fun.imp() {
            Imp::Builtin(b) if is_builtin => Some(*b),
            _ => None,
        };
        if let Some(b @ (Builtin::And | Builtin::Or)) = builtin_kind {
            let want = b == Builtin::Or;
            let mut v = INVALID;
            for arg in args {
                v = self.eval_arg(fr, dot, Some(&Type::Reflect), arg)?;
                if v.v.truthy() == want {
                    return Ok(v);
                }
            }
            if let Some(f) = final_ {
                v = self.validate_type(fr, f, Some(&Type::Reflect))?;
            }
            return Ok(v);
        }
        let mut argv: Vec<Val> = Vec::with_capacity(num_in);
        let fixed = num_fixed.min(args.len());
        for (i, arg) in args.iter().take(fixed).enumerate() {
            let t = sig.params.get(i).unwrap_or(&Type::Any);
            argv.push(self.eval_arg(fr, dot, Some(t), arg)?);
        }
        if let Some(vt) = &sig.variadic {
            for arg in &args[fixed..] {
                argv.push(self.eval_arg(fr, dot, Some(vt), arg)?);
            }
        }
        if let Some(f) = final_ {
            let t = match &sig.variadic {
                Some(vt) => {
                    if num_in - 1 < num_fixed {
                        sig.params.get(num_in - 1).unwrap_or(vt)
                    } else {
                        vt
                    }
                }
                None => sig.params.last().unwrap_or(&Type::Any),
            };
            argv.push(self.validate_type(fr, f, Some(t))?);
        }
        // A string built from marked arguments keeps their pieces.
        let traced_args: Option<Vec<Value>> =
            trace::active().then(|| argv.iter().map(|a| a.v.clone()).collect());
        let result: Result<Val, FuncError> = match (builtin_kind, fun.imp()) {
            (Some(b), _) => self.call_builtin(b, argv, args).map_err(FuncError::new),
            (None, Imp::Native(f)) => {
                let values: Vec<Value> = argv.into_iter().map(|v| v.v).collect();
                let mut ctx = Context {
                    st: &mut *self.st,
                    template: &fr.tree.name,
                };
                f(&mut ctx, &values).map(Val::concrete)
            }
            (None, Imp::Builtin(_)) => Err(FuncError::new("builtin used as a value")),
        };
        match result {
            Ok(v) => {
                if let Some(args) = &traced_args {
                    trace::derive(&v.v, args);
                }
                Ok(v)
            }
            Err(e) => {
                fr.at(node);
                Err(self.errorf(fr, String::new()).with_func(name, e))
            }
        }
    }

    fn eval_arg<'t>(
        &mut self,
        fr: &mut Frame<'t>,
        dot: &Val,
        typ: Option<&Type>,
        n: &'t Arg,
    ) -> R<Val> {
        fr.at(At::Arg(n));
        match n {
            Arg::Dot { .. } => return self.validate_type(fr, dot.clone(), typ),
            Arg::Nil { .. } => {
                return match typ {
                    None => Ok(INVALID),
                    Some(t) if t.can_be_nil() => Ok(zero_of(t)),
                    Some(t) => {
                        Err(self.errorf(fr, format!("cannot assign nil to {}", t.go_name())))
                    }
                };
            }
            Arg::Field(f) => {
                let v = self.eval_field_node(fr, dot, f, std::slice::from_ref(n), None)?;
                return self.validate_type(fr, v, typ);
            }
            Arg::Variable(v) => {
                let v = self.eval_variable_node(fr, dot, v, &[], None)?;
                return self.validate_type(fr, v, typ);
            }
            Arg::Pipe(p) => {
                let v = self.eval_pipeline(fr, dot, p)?;
                return self.validate_type(fr, v, typ);
            }
            Arg::Identifier { name, .. } => {
                let v = self.eval_function(fr, dot, n, name, At::Arg(n), &[], None)?;
                return self.validate_type(fr, v, typ);
            }
            Arg::Chain(c) => {
                let v = self.eval_chain_node(fr, dot, c, &[], None)?;
                return self.validate_type(fr, v, typ);
            }
            _ => {}
        }
        let t = typ.unwrap_or(&Type::Any);
        match t {
            Type::Bool => match n {
                Arg::Bool { val, .. } => Ok(Val::concrete(Value::Bool(*val))),
                _ => Err(self.errorf(fr, format!("expected bool; found {}", n.to_go_string()))),
            },
            Type::String => match n {
                Arg::String { text, .. } => Ok(Val::concrete(Value::String(text.clone()))),
                _ => Err(self.errorf(fr, format!("expected string; found {}", n.to_go_string()))),
            },
            Type::Int | Type::Int64 => match n {
                Arg::Number(num) if num.is_int => Ok(Val::concrete(if *t == Type::Int {
                    Value::Int(num.int64)
                } else {
                    Value::Int64(num.int64)
                })),
                _ => Err(self.errorf(fr, format!("expected integer; found {}", n.to_go_string()))),
            },
            Type::Float64 => match n {
                Arg::Number(num) if num.is_float => Ok(Val::concrete(Value::Float(num.float64))),
                _ => Err(self.errorf(fr, format!("expected float; found {}", n.to_go_string()))),
            },
            Type::Any | Type::Reflect => self.eval_empty_interface(fr, dot, n),
            _ => Err(self.errorf(
                fr,
                format!(
                    "can't handle {} for arg of type {}",
                    n.to_go_string(),
                    t.go_name()
                ),
            )),
        }
    }

    fn eval_empty_interface<'t>(&mut self, fr: &mut Frame<'t>, dot: &Val, n: &'t Arg) -> R<Val> {
        fr.at(At::Arg(n));
        match n {
            Arg::Bool { val, .. } => Ok(Val::concrete(Value::Bool(*val))),
            Arg::Dot { .. } => Ok(dot.clone()),
            Arg::Field(f) => self.eval_field_node(fr, dot, f, &[], None),
            Arg::Identifier { name, .. } => {
                self.eval_function(fr, dot, n, name, At::Arg(n), &[], None)
            }
            Arg::Nil { .. } => {
                Err(self.errorf(fr, "evalEmptyInterface: nil (can't happen)".to_string()))
            }
            Arg::Number(num) => self.ideal_constant(fr, num),
            Arg::String { text, .. } => Ok(Val::concrete(Value::String(text.clone()))),
            Arg::Variable(v) => self.eval_variable_node(fr, dot, v, &[], None),
            Arg::Pipe(p) => self.eval_pipeline(fr, dot, p),
            Arg::Chain(_) => Err(self.errorf(
                fr,
                format!(
                    "can't handle assignment of {} to empty interface argument",
                    n.to_go_string()
                ),
            )),
        }
    }

    /// Go's `validateType`: converts or rejects a value for a parameter.
    fn validate_type(&self, fr: &Frame<'_>, value: Val, typ: Option<&Type>) -> R<Val> {
        let Some(t) = typ else {
            return Ok(value);
        };
        if value.is_invalid() {
            if t.can_be_nil() {
                return Ok(zero_of(t));
            }
            return Err(self.errorf(fr, format!("invalid value; expected {}", t.go_name())));
        }
        if matches!(t, Type::Reflect | Type::Any) {
            return Ok(value);
        }
        let value = if value.iface {
            if value.v.is_nil() {
                return Err(self.errorf(
                    fr,
                    format!(
                        "wrong type for value; expected {}; got interface {{}}",
                        t.go_name()
                    ),
                ));
            }
            value.unwrap()
        } else {
            value
        };
        match t.accept(&value.v) {
            Some(v) => Ok(Val::concrete(match (t, v) {
                (Type::Map | Type::List | Type::StringList, Value::Object(o)) => {
                    o.underlying().unwrap_or(Value::Nil)
                }
                (_, v) => v,
            })),
            None => Err(self.errorf(
                fr,
                format!(
                    "wrong type for value; expected {}; got {}",
                    t.go_name(),
                    value.type_name()
                ),
            )),
        }
    }

    fn print_value<'t>(&mut self, fr: &mut Frame<'t>, node: &'t Node, v: Val) -> R<()> {
        fr.at(At::Node(node));
        if v.is_invalid() {
            return self.write(fr, "<no value>");
        }
        if let Value::Func(f) = &v.v {
            let mut s = String::new();
            node.write_to(&mut s);
            return Err(self.errorf(fr, format!("can't print {s} of type {}", f.go_type_name())));
        }
        let s = match crate::fmt::sprint_action(&v.v) {
            Ok(s) => s,
            Err(e) => return Err(self.errorf(fr, e.0)),
        };
        if let Some(pieces) = trace::pieces(&v.v).filter(|_| self.pieces.len() < MAX_OUTPUT_PIECES)
        {
            let base = self.out.len();
            self.pieces.extend(pieces.iter().map(|p| Piece {
                start: base + p.start,
                end: base + p.end,
                mark: p.mark,
            }));
        }
        self.write(fr, &s)
    }

    // --- builtins ---

    fn call_builtin(&mut self, b: Builtin, argv: Vec<Val>, args: &[Arg]) -> Result<Val, String> {
        let values = |argv: Vec<Val>| -> Vec<Value> { argv.into_iter().map(|v| v.v).collect() };
        match b {
            Builtin::Print => return string_val(sprint(&values(argv))),
            Builtin::Println => return string_val(sprintln(&values(argv))),
            Builtin::Html => {
                return eval_args(&values(argv))
                    .map(|s| Val::concrete(Value::from(html_escape(&s))));
            }
            Builtin::Js => {
                return eval_args(&values(argv)).map(|s| Val::concrete(Value::from(js_escape(&s))));
            }
            Builtin::Urlquery => {
                return eval_args(&values(argv))
                    .map(|s| Val::concrete(Value::from(url_query_escape(&s))));
            }
            _ => {}
        }
        let mut it = argv.into_iter();
        let first = it.next().unwrap_or(INVALID);
        let rest: Vec<Val> = it.collect();
        match b {
            Builtin::Not => Ok(Val::concrete(Value::Bool(!first.v.truthy()))),
            Builtin::Len => length(first),
            Builtin::Index => index(first, rest),
            Builtin::Slice => slice(first, rest),
            Builtin::Eq => eq(first, &rest).map(bool_val),
            Builtin::Ne => {
                let second = rest.into_iter().next().unwrap_or(INVALID);
                eq(first, std::slice::from_ref(&second)).map(|b| bool_val(!b))
            }
            Builtin::Lt | Builtin::Le | Builtin::Gt | Builtin::Ge => {
                let second = rest.into_iter().next().unwrap_or(INVALID);
                let r = match b {
                    Builtin::Lt => lt(&first, &second),
                    Builtin::Le => le(&first, &second),
                    Builtin::Gt => le(&first, &second).map(|x| !x),
                    _ => lt(&first, &second).map(|x| !x),
                };
                r.map(bool_val)
            }
            Builtin::Printf => {
                let format = match &first.v {
                    Value::String(s) => s.clone(),
                    _ => Rc::from(""),
                };
                string_val(sprintf(&format, &values(rest)))
            }
            Builtin::Call => {
                let callee = match args.first() {
                    Some(a) => a.to_go_string(),
                    None => sv(&first.v),
                };
                self.call(&callee, first, rest)
            }
            _ => Ok(first),
        }
    }

    /// Go's `call` builtin.
    fn call(&mut self, name: &str, f: Val, args: Vec<Val>) -> Result<Val, String> {
        let f = f.unwrap();
        let Value::Func(fun) = &f.v else {
            if f.v.is_nil() {
                return Err("call of nil".to_string());
            }
            return Err(format!("non-function {name} of type {}", f.type_name()));
        };
        let sig = fun.signature();
        let num_in = sig.params.len() + usize::from(sig.variadic.is_some());
        if sig.variadic.is_some() {
            if args.len() < num_in - 1 {
                return Err(format!(
                    "wrong number of args for {name}: got {} want at least {}",
                    args.len(),
                    num_in - 1
                ));
            }
        } else if args.len() != num_in {
            return Err(format!(
                "wrong number of args for {name}: got {} want {num_in}",
                args.len()
            ));
        }
        let mut argv = Vec::with_capacity(args.len());
        for (i, a) in args.into_iter().enumerate() {
            let a = a.unwrap();
            let t = sig
                .params
                .get(i)
                .or(sig.variadic.as_ref())
                .unwrap_or(&Type::Any);
            argv.push(prepare_arg(a.v, t).map_err(|e| format!("arg {i}: {e}"))?);
        }
        match fun.imp() {
            Imp::Native(body) => {
                let mut ctx = Context {
                    st: &mut *self.st,
                    template: "",
                };
                body(&mut ctx, &argv)
                    .map(Val::concrete)
                    .map_err(|e| e.to_string())
            }
            Imp::Builtin(_) => Err(format!("can't call builtin {name}")),
        }
    }
}

fn zero_of(t: &Type) -> Val {
    match t {
        Type::Any => Val {
            v: Value::Nil,
            iface: true,
        },
        _ => INVALID,
    }
}

fn bool_val(b: bool) -> Val {
    Val::concrete(Value::Bool(b))
}

fn string_val(r: Result<String, crate::value::ValueError>) -> Result<Val, String> {
    r.map(|s| Val::concrete(Value::from(s))).map_err(|e| e.0)
}

/// Go's `evalArgs` for the escapers: one string passes as is; otherwise the
/// `Sprint` of the arguments, with nil shown as `<no value>`.
fn eval_args(args: &[Value]) -> Result<String, String> {
    if let [Value::String(s)] = args {
        return Ok(s.to_string());
    }
    let shown: Vec<Value> = args
        .iter()
        .map(|a| {
            if a.is_nil() {
                Value::from("<no value>")
            } else {
                a.clone()
            }
        })
        .collect();
    crate::fmt::sprint_deref(&shown).map_err(|e| e.0)
}

/// Go's `prepareArg` (used by `call`).
fn prepare_arg(v: Value, t: &Type) -> Result<Value, String> {
    if v.is_nil() {
        if !t.can_be_nil() {
            return Err(format!("value is nil; should be of type {}", t.go_name()));
        }
        return Ok(Value::Nil);
    }
    if let Some(x) = t.accept(&v) {
        return Ok(x);
    }
    let int = match v {
        Value::Int(i) | Value::Int64(i) => Some(i),
        Value::Uint8(u) => Some(i64::from(u)),
        _ => None,
    };
    match (t, int) {
        (Type::Int, Some(i)) => Ok(Value::Int(i)),
        (Type::Int64, Some(i)) => Ok(Value::Int64(i)),
        _ => Err(format!(
            "value has type {}; should be {}",
            v.go_type_name(),
            t.go_name()
        )),
    }
}

fn length(item: Val) -> Result<Val, String> {
    if item.iface && item.v.is_nil() {
        return Err("len of nil pointer".to_string());
    }
    match item.v.resolved() {
        Value::Nil => Err("reflect: call of reflect.Value.Type on zero Value".to_string()),
        Value::String(s) => Ok(Val::concrete(Value::from(s.len()))),
        Value::List(l) => Ok(Val::concrete(Value::from(l.len()))),
        Value::Map(m) => Ok(Val::concrete(Value::from(m.len()))),
        other => Err(format!("len of type {}", other.go_type_name())),
    }
}

fn index_arg(index: &Val, cap: usize) -> Result<usize, String> {
    let x = match &index.v {
        Value::Int(i) | Value::Int64(i) if !index.iface => *i,
        Value::Uint8(u) if !index.iface => i64::from(*u),
        Value::Nil if !index.iface => return Err("cannot index slice/array with nil".to_string()),
        _ => {
            return Err(format!(
                "cannot index slice/array with type {}",
                index.type_name()
            ));
        }
    };
    if x < 0 || x as u64 > cap as u64 {
        return Err(format!("index out of range: {x}"));
    }
    Ok(x as usize)
}

fn index(item: Val, indexes: Vec<Val>) -> Result<Val, String> {
    let mut item = item.unwrap();
    if item.is_invalid() {
        return Err("index of untyped nil".to_string());
    }
    for index in indexes {
        let index = index.unwrap();
        if item.iface && item.v.is_nil() {
            return Err("index of nil pointer".to_string());
        }
        let cur = item.unwrap();
        item = match cur.v.resolved() {
            Value::List(l) => {
                let x = index_arg(&index, l.len())?;
                match l.get(x) {
                    Some(e) => Val::elem(e.clone(), l.elem_type()),
                    None => return Err("reflect: slice index out of range".to_string()),
                }
            }
            Value::String(s) => {
                let x = index_arg(&index, s.len())?;
                match s.as_bytes().get(x) {
                    Some(b) => Val::concrete(Value::Uint8(*b)),
                    None => return Err("reflect: string index out of range".to_string()),
                }
            }
            Value::Map(m) => {
                let key = match &index.v {
                    Value::String(k) => k.clone(),
                    Value::Nil => return Err("value is nil; should be of type string".to_string()),
                    other => {
                        return Err(format!(
                            "value has type {}; should be string",
                            other.go_type_name()
                        ));
                    }
                };
                let elem = m.elem_type();
                match m.get(&key) {
                    Some(v) => Val::elem(v, elem),
                    None => Val::elem(elem.zero(), elem),
                }
            }
            _ => return Err(format!("can't index item of type {}", cur.type_name())),
        };
    }
    Ok(item)
}

fn slice(item: Val, indexes: Vec<Val>) -> Result<Val, String> {
    let item = item.unwrap();
    if item.is_invalid() {
        return Err("slice of untyped nil".to_string());
    }
    if indexes.len() > 3 {
        return Err(format!("too many slice indexes: {}", indexes.len()));
    }
    let resolved = item.v.resolved();
    let len = match &resolved {
        Value::String(s) => {
            if indexes.len() == 3 {
                return Err("cannot 3-index slice a string".to_string());
            }
            s.len()
        }
        Value::List(l) => l.len(),
        _ => return Err(format!("can't slice item of type {}", item.type_name())),
    };
    let mut idx = [0usize, len, len];
    for (i, index) in indexes.iter().enumerate() {
        idx[i] = index_arg(index, len)?;
    }
    if idx[0] > idx[1] {
        return Err(format!("invalid slice index: {} > {}", idx[0], idx[1]));
    }
    if indexes.len() == 3 && idx[1] > idx[2] {
        return Err(format!("invalid slice index: {} > {}", idx[1], idx[2]));
    }
    Ok(Val::concrete(match resolved {
        Value::String(s) => {
            let b = s.as_bytes().get(idx[0]..idx[1]).unwrap_or(&[]);
            Value::from(String::from_utf8_lossy(b).into_owned())
        }
        Value::List(l) => {
            let items = l.as_slice().get(idx[0]..idx[1]).unwrap_or(&[]).to_vec();
            Value::List(crate::value::List::typed(l.elem_type(), items))
        }
        other => other,
    }))
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Kind {
    Invalid,
    Bool,
    Int,
    Uint,
    Float,
    String,
}

fn basic_kind(v: &Value) -> Kind {
    match v {
        Value::Bool(_) => Kind::Bool,
        Value::Int(_) | Value::Int64(_) => Kind::Int,
        Value::Uint8(_) => Kind::Uint,
        Value::Float(_) => Kind::Float,
        Value::String(_) => Kind::String,
        _ => Kind::Invalid,
    }
}

fn as_i64(v: &Value) -> i64 {
    match v {
        Value::Int(i) | Value::Int64(i) => *i,
        Value::Uint8(u) => i64::from(*u),
        _ => 0,
    }
}

/// reflect.Kind for the non-basic values, for `canCompare`.
fn reflect_kind(v: &Value) -> u8 {
    match v {
        Value::Nil => 0,
        Value::List(_) => 1,
        Value::Map(_) => 2,
        Value::Object(o) => {
            if o.is_pointer() {
                3
            } else {
                4
            }
        }
        Value::Func(_) => 5,
        _ => 6,
    }
}

fn eq(arg1: Val, arg2: &[Val]) -> Result<bool, String> {
    let a = arg1.unwrap().v.resolved();
    if arg2.is_empty() {
        return Err("missing argument for comparison".to_string());
    }
    let k1 = basic_kind(&a);
    for arg in arg2 {
        let b = arg.clone().unwrap().v.resolved();
        let k2 = basic_kind(&b);
        let truth = if k1 != k2 {
            match (k1, k2) {
                (Kind::Int, Kind::Uint) => as_i64(&a) >= 0 && as_i64(&a) == as_i64(&b),
                (Kind::Uint, Kind::Int) => as_i64(&b) >= 0 && as_i64(&a) == as_i64(&b),
                _ => {
                    if !a.is_nil() && !b.is_nil() {
                        return Err(format!(
                            "incompatible types for comparison: {} and {}",
                            a.go_type_name(),
                            b.go_type_name()
                        ));
                    }
                    false
                }
            }
        } else {
            match (&a, &b) {
                (Value::Bool(x), Value::Bool(y)) => x == y,
                (Value::Float(x), Value::Float(y)) => x == y,
                (Value::String(x), Value::String(y)) => x == y,
                _ if k1 == Kind::Int || k1 == Kind::Uint => as_i64(&a) == as_i64(&b),
                _ => {
                    let (ka, kb) = (reflect_kind(&a), reflect_kind(&b));
                    if ka != kb && ka != 0 && kb != 0 {
                        return Err(format!(
                            "non-comparable types {}: {}, {}: {}",
                            ss(&a),
                            a.go_type_name(),
                            b.go_type_name(),
                            sv(&b)
                        ));
                    }
                    if a.is_nil() || b.is_nil() {
                        a.is_nil() == b.is_nil()
                    } else {
                        match (&a, &b) {
                            (Value::Object(x), Value::Object(y)) => Rc::ptr_eq(x, y),
                            _ => {
                                return Err(format!(
                                    "non-comparable type {}: {}",
                                    ss(&b),
                                    b.go_type_name()
                                ));
                            }
                        }
                    }
                }
            }
        };
        if truth {
            return Ok(true);
        }
    }
    Ok(false)
}

/// The template `eq` of two values (Go's rules: ints and floats are
/// incompatible, lists and maps are not comparable, nil equals nil).
pub(crate) fn eq_values(a: &Value, b: &Value) -> Result<bool, String> {
    eq(Val::concrete(a.clone()), &[Val::concrete(b.clone())])
}

fn lt(arg1: &Val, arg2: &Val) -> Result<bool, String> {
    let a = arg1.clone().unwrap().v.resolved();
    let k1 = basic_kind(&a);
    if k1 == Kind::Invalid {
        return Err("invalid type for comparison".to_string());
    }
    let b = arg2.clone().unwrap().v.resolved();
    let k2 = basic_kind(&b);
    if k2 == Kind::Invalid {
        return Err("invalid type for comparison".to_string());
    }
    if k1 != k2 {
        return match (k1, k2) {
            (Kind::Int, Kind::Uint) => Ok(as_i64(&a) < 0 || as_i64(&a) < as_i64(&b)),
            (Kind::Uint, Kind::Int) => Ok(as_i64(&b) >= 0 && as_i64(&a) < as_i64(&b)),
            _ => Err(format!(
                "incompatible types for comparison: {} and {}",
                a.go_type_name(),
                b.go_type_name()
            )),
        };
    }
    match (&a, &b) {
        (Value::Bool(_), _) => Err("invalid type for comparison".to_string()),
        (Value::Float(x), Value::Float(y)) => Ok(x < y),
        (Value::String(x), Value::String(y)) => Ok(x.as_bytes() < y.as_bytes()),
        _ => Ok(as_i64(&a) < as_i64(&b)),
    }
}

fn le(arg1: &Val, arg2: &Val) -> Result<bool, String> {
    let less = lt(arg1, arg2)?;
    if less {
        return Ok(true);
    }
    eq(arg1.clone(), std::slice::from_ref(arg2))
}
