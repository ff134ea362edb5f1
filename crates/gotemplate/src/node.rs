//! The parse tree: nodes with the byte position Go assigns them, and their
//! Go `String()` forms, which appear in execution errors as the context
//! (`executing "t" at <.Values.x>: ...`).

use std::fmt::Write as _;
use std::rc::Rc;

use crate::strconv::quote;

/// A parsed template: its name, the top-level name it was parsed under
/// (a file, for errors), the node list, and the full source text (positions
/// index into it).
pub(crate) struct Tree {
    pub(crate) name: String,
    pub(crate) parse_name: Rc<str>,
    pub(crate) root: ListNode,
    pub(crate) text: Rc<str>,
}

impl Tree {
    /// Go's `ErrorContext` location: `NAME:LINE:COL`, with the 0-based byte
    /// column Go reports.
    pub(crate) fn location(&self, pos: usize) -> (usize, usize) {
        let before = self.text.get(..pos).unwrap_or(&self.text);
        let line = 1 + before.bytes().filter(|&b| b == b'\n').count();
        let col = match before.rfind('\n') {
            Some(nl) => pos - (nl + 1),
            None => pos,
        };
        (line, col)
    }
}

pub(crate) struct ListNode {
    pub(crate) pos: usize,
    pub(crate) nodes: Vec<Node>,
}

pub(crate) enum Node {
    Text { pos: usize, text: Rc<str> },
    Action(ActionNode),
    If(Branch),
    Range(Branch),
    With(Branch),
    Template(TemplateNode),
    Break { pos: usize },
    Continue { pos: usize },
    Comment { pos: usize, text: String },
}

pub(crate) struct ActionNode {
    pub(crate) pos: usize,
    pub(crate) pipe: PipeNode,
}

pub(crate) struct Branch {
    pub(crate) pos: usize,
    pub(crate) pipe: PipeNode,
    pub(crate) list: ListNode,
    pub(crate) else_list: Option<ListNode>,
}

pub(crate) struct TemplateNode {
    pub(crate) pos: usize,
    pub(crate) name: String,
    pub(crate) pipe: Option<PipeNode>,
}

pub(crate) struct PipeNode {
    pub(crate) pos: usize,
    pub(crate) is_assign: bool,
    pub(crate) decl: Vec<VariableNode>,
    pub(crate) cmds: Vec<CommandNode>,
}

pub(crate) struct CommandNode {
    pub(crate) pos: usize,
    pub(crate) args: Vec<Arg>,
}

/// An operand of a command.
pub(crate) enum Arg {
    Field(FieldNode),
    Chain(ChainNode),
    Identifier {
        pos: usize,
        name: String,
    },
    Pipe(Box<PipeNode>),
    Variable(VariableNode),
    Bool {
        pos: usize,
        val: bool,
    },
    Dot {
        pos: usize,
    },
    Nil {
        pos: usize,
    },
    Number(NumberNode),
    String {
        pos: usize,
        quoted: String,
        text: Rc<str>,
    },
}

pub(crate) struct FieldNode {
    pub(crate) pos: usize,
    pub(crate) ident: Vec<String>,
}

pub(crate) struct VariableNode {
    pub(crate) pos: usize,
    pub(crate) ident: Vec<String>,
}

pub(crate) struct ChainNode {
    pub(crate) pos: usize,
    pub(crate) node: Box<Arg>,
    pub(crate) field: Vec<String>,
}

pub(crate) struct NumberNode {
    pub(crate) pos: usize,
    pub(crate) is_int: bool,
    pub(crate) is_uint: bool,
    pub(crate) is_float: bool,
    pub(crate) is_complex: bool,
    pub(crate) int64: i64,
    pub(crate) float64: f64,
    pub(crate) text: String,
}

// Trees nest as deep as the template does; dropping and printing them
// recursively must not overflow the stack, so both run on a growable stack.
fn grow<R>(f: impl FnOnce() -> R) -> R {
    stacker::maybe_grow(64 * 1024, 1024 * 1024, f)
}

impl Drop for ListNode {
    fn drop(&mut self) {
        let nodes = std::mem::take(&mut self.nodes);
        grow(move || drop(nodes));
    }
}

impl Drop for PipeNode {
    fn drop(&mut self) {
        let cmds = std::mem::take(&mut self.cmds);
        grow(move || drop(cmds));
    }
}

impl Node {
    pub(crate) fn pos(&self) -> usize {
        match self {
            Node::Text { pos, .. }
            | Node::Break { pos }
            | Node::Continue { pos }
            | Node::Comment { pos, .. } => *pos,
            Node::Action(a) => a.pos,
            Node::If(b) | Node::Range(b) | Node::With(b) => b.pos,
            Node::Template(t) => t.pos,
        }
    }

    pub(crate) fn write_to(&self, sb: &mut String) {
        match self {
            Node::Text { text, .. } => sb.push_str(text),
            Node::Action(a) => {
                sb.push_str("{{");
                a.pipe.write_to(sb);
                sb.push_str("}}");
            }
            Node::If(b) => b.write_to(sb, "if"),
            Node::Range(b) => b.write_to(sb, "range"),
            Node::With(b) => b.write_to(sb, "with"),
            Node::Template(t) => {
                sb.push_str("{{template ");
                sb.push_str(&quote(&t.name, false));
                if let Some(p) = &t.pipe {
                    sb.push(' ');
                    p.write_to(sb);
                }
                sb.push_str("}}");
            }
            Node::Break { .. } => sb.push_str("{{break}}"),
            Node::Continue { .. } => sb.push_str("{{continue}}"),
            Node::Comment { text, .. } => {
                sb.push_str("{{");
                sb.push_str(text);
                sb.push_str("}}");
            }
        }
    }
}

impl ListNode {
    pub(crate) fn write_to(&self, sb: &mut String) {
        grow(|| {
            for n in &self.nodes {
                n.write_to(sb);
            }
        });
    }

    /// Go's `parse.IsEmptyTree`: only space and comments.
    pub(crate) fn is_empty_tree(&self) -> bool {
        self.nodes.iter().all(|n| match n {
            Node::Comment { .. } => true,
            Node::Text { text, .. } => text.trim().is_empty(),
            _ => false,
        })
    }
}

impl Branch {
    fn write_to(&self, sb: &mut String, name: &str) {
        sb.push_str("{{");
        sb.push_str(name);
        sb.push(' ');
        self.pipe.write_to(sb);
        sb.push_str("}}");
        self.list.write_to(sb);
        if let Some(e) = &self.else_list {
            sb.push_str("{{else}}");
            e.write_to(sb);
        }
        sb.push_str("{{end}}");
    }
}

impl PipeNode {
    pub(crate) fn write_to(&self, sb: &mut String) {
        grow(|| self.write_inner(sb));
    }

    fn write_inner(&self, sb: &mut String) {
        if !self.decl.is_empty() {
            for (i, v) in self.decl.iter().enumerate() {
                if i > 0 {
                    sb.push_str(", ");
                }
                v.write_to(sb);
            }
            sb.push_str(if self.is_assign { " = " } else { " := " });
        }
        for (i, c) in self.cmds.iter().enumerate() {
            if i > 0 {
                sb.push_str(" | ");
            }
            c.write_to(sb);
        }
    }
}

impl CommandNode {
    pub(crate) fn write_to(&self, sb: &mut String) {
        for (i, a) in self.args.iter().enumerate() {
            if i > 0 {
                sb.push(' ');
            }
            if let Arg::Pipe(p) = a {
                sb.push('(');
                p.write_to(sb);
                sb.push(')');
                continue;
            }
            a.write_to(sb);
        }
    }
}

impl VariableNode {
    pub(crate) fn write_to(&self, sb: &mut String) {
        sb.push_str(&self.ident.join("."));
    }
}

impl Arg {
    pub(crate) fn pos(&self) -> usize {
        match self {
            Arg::Field(f) => f.pos,
            Arg::Chain(c) => c.pos,
            Arg::Identifier { pos, .. }
            | Arg::Bool { pos, .. }
            | Arg::Dot { pos }
            | Arg::Nil { pos }
            | Arg::String { pos, .. } => *pos,
            Arg::Pipe(p) => p.pos,
            Arg::Variable(v) => v.pos,
            Arg::Number(n) => n.pos,
        }
    }

    pub(crate) fn write_to(&self, sb: &mut String) {
        match self {
            Arg::Field(f) => {
                for id in &f.ident {
                    sb.push('.');
                    sb.push_str(id);
                }
            }
            Arg::Chain(c) => {
                if let Arg::Pipe(p) = c.node.as_ref() {
                    sb.push('(');
                    p.write_to(sb);
                    sb.push(')');
                } else {
                    c.node.write_to(sb);
                }
                for f in &c.field {
                    sb.push('.');
                    sb.push_str(f);
                }
            }
            Arg::Identifier { name, .. } => sb.push_str(name),
            Arg::Pipe(p) => p.write_to(sb),
            Arg::Variable(v) => v.write_to(sb),
            Arg::Bool { val, .. } => sb.push_str(if *val { "true" } else { "false" }),
            Arg::Dot { .. } => sb.push('.'),
            Arg::Nil { .. } => sb.push_str("nil"),
            Arg::Number(n) => sb.push_str(&n.text),
            Arg::String { quoted, .. } => sb.push_str(quoted),
        }
    }

    pub(crate) fn to_go_string(&self) -> String {
        let mut s = String::new();
        self.write_to(&mut s);
        s
    }
}

/// The node execution is at, for error messages (Go's `state.node`).
#[derive(Clone, Copy)]
pub(crate) enum At<'t> {
    Node(&'t Node),
    List(&'t ListNode),
    Pipe(&'t PipeNode),
    Cmd(&'t CommandNode),
    Arg(&'t Arg),
    Var(&'t VariableNode),
    Field(&'t FieldNode),
    Chain(&'t ChainNode),
    Number(&'t NumberNode),
}

impl At<'_> {
    pub(crate) fn pos(&self) -> usize {
        match self {
            At::Node(n) => n.pos(),
            At::List(l) => l.pos,
            At::Pipe(p) => p.pos,
            At::Cmd(c) => c.pos,
            At::Arg(a) => a.pos(),
            At::Var(v) => v.pos,
            At::Field(f) => f.pos,
            At::Chain(c) => c.pos,
            At::Number(n) => n.pos,
        }
    }

    pub(crate) fn context(&self) -> String {
        let mut s = String::new();
        match self {
            At::Node(n) => n.write_to(&mut s),
            At::List(l) => l.write_to(&mut s),
            At::Pipe(p) => p.write_to(&mut s),
            At::Cmd(c) => c.write_to(&mut s),
            At::Arg(a) => a.write_to(&mut s),
            At::Var(v) => v.write_to(&mut s),
            At::Field(f) => {
                for id in &f.ident {
                    let _ = write!(s, ".{id}");
                }
            }
            At::Chain(c) => {
                // Same text as the Arg form.
                if let Arg::Pipe(p) = c.node.as_ref() {
                    s.push('(');
                    p.write_to(&mut s);
                    s.push(')');
                } else {
                    c.node.write_to(&mut s);
                }
                for f in &c.field {
                    let _ = write!(s, ".{f}");
                }
            }
            At::Number(n) => s.push_str(&n.text),
        }
        s
    }
}
