//! The parser: items from the lexer into [`Tree`]s, one for the text itself
//! and one per `define`/`block`, following Go's `parse/parse.go` closely —
//! including its three-token lookahead, which decides the line that parse
//! errors report, and the positions it gives nodes (a field chain `.a.b`
//! sits at its second field).
//!
//! Functions are checked at parse time, as in Go: an unknown identifier is
//! `function "x" not defined`.

use std::collections::HashMap;
use std::rc::Rc;

use crate::error::Error;
use crate::lex::{Item, ItemType, Lexer};
use crate::node::{
    ActionNode, Arg, Branch, ChainNode, CommandNode, FieldNode, ListNode, Node, NumberNode,
    PipeNode, TemplateNode, Tree, VariableNode,
};
use crate::strconv::{parse_float, parse_int_base0, parse_uint_base0, unquote, unquote_char};

/// Go's limit on nested parenthesized expressions.
const MAX_PAREN_DEPTH: usize = 10_000;
/// Nesting of control structures; Go has no limit, this keeps the tree
/// walkable.
const MAX_CONTROL_DEPTH: usize = 10_000;

type PResult<T> = Result<T, Error>;

/// What `action` returns besides nodes: `{{end}}` and `{{else}}` markers.
enum Parsed {
    Node(Node),
    End,
    Else { pos: usize },
}

impl Parsed {
    fn describe(&self) -> String {
        match self {
            Parsed::Node(n) => {
                let mut s = String::new();
                n.write_to(&mut s);
                s
            }
            Parsed::End => "{{end}}".to_string(),
            Parsed::Else { .. } => "{{else}}".to_string(),
        }
    }
}

fn eof_item() -> Item {
    Item {
        typ: ItemType::Eof,
        pos: 0,
        val: String::new(),
        line: 0,
    }
}

/// Per-tree parse state (Go keeps it in each `Tree`; a `define` parses into a
/// fresh one sharing the lexer).
struct TreeState {
    name: String,
    token: [Item; 3],
    peek_count: usize,
    vars: Vec<String>,
    action_line: usize,
    range_depth: usize,
    paren_depth: usize,
    control_depth: usize,
}

impl TreeState {
    fn new(name: String) -> TreeState {
        TreeState {
            name,
            token: [eof_item(), eof_item(), eof_item()],
            peek_count: 0,
            vars: vec!["$".to_string()],
            action_line: 0,
            range_depth: 0,
            paren_depth: 0,
            control_depth: 0,
        }
    }
}

struct Parser<'a, 'f> {
    lex: Lexer<'a>,
    text: Rc<str>,
    parse_name: Rc<str>,
    has_func: &'f dyn Fn(&str) -> bool,
    trees: HashMap<String, Tree>,
    order: Vec<String>,
    t: TreeState,
}

/// Parses `text` as template `name`: the trees for the text and for every
/// `define` and `block` in it, the text's own tree first.
pub(crate) fn parse(name: &str, text: &str, has_func: &dyn Fn(&str) -> bool) -> PResult<Vec<Tree>> {
    let shared: Rc<str> = Rc::from(text);
    let mut lex = Lexer::new(text, "{{", "}}");
    lex.break_ok = !has_func("break");
    lex.continue_ok = !has_func("continue");
    let mut p = Parser {
        lex,
        text: shared.clone(),
        parse_name: Rc::from(name),
        has_func,
        trees: HashMap::new(),
        order: Vec::new(),
        t: TreeState::new(name.to_string()),
    };
    let root = p.parse_top()?;
    p.add(root)?;
    let mut out = Vec::new();
    let mut order = std::mem::take(&mut p.order);
    // The text's own tree first, then definitions in source order.
    if let Some(i) = order.iter().position(|n| n == name) {
        let n = order.remove(i);
        order.insert(0, n);
    }
    for n in order {
        if let Some(t) = p.trees.remove(&n) {
            out.push(t);
        }
    }
    Ok(out)
}

impl Parser<'_, '_> {
    // --- token buffer (Go's next/backup/peek with three-token lookahead) ---

    fn next(&mut self) -> Item {
        if self.t.peek_count > 0 {
            self.t.peek_count -= 1;
        } else {
            self.t.token[0] = self.lex.next_item();
        }
        self.t.token[self.t.peek_count].clone()
    }

    fn backup(&mut self) {
        self.t.peek_count += 1;
    }

    fn backup2(&mut self, t1: Item) {
        self.t.token[1] = t1;
        self.t.peek_count = 2;
    }

    fn backup3(&mut self, t2: Item, t1: Item) {
        self.t.token[1] = t1;
        self.t.token[2] = t2;
        self.t.peek_count = 3;
    }

    fn peek(&mut self) -> Item {
        if self.t.peek_count > 0 {
            return self.t.token[self.t.peek_count - 1].clone();
        }
        self.t.peek_count = 1;
        self.t.token[0] = self.lex.next_item();
        self.t.token[0].clone()
    }

    fn next_non_space(&mut self) -> Item {
        loop {
            let t = self.next();
            if t.typ != ItemType::Space {
                return t;
            }
        }
    }

    fn peek_non_space(&mut self) -> Item {
        let t = self.next_non_space();
        self.backup();
        t
    }

    // --- errors ---

    fn errorf(&self, msg: String) -> Error {
        let tok = &self.t.token[0];
        let (line, col) = {
            let before = self.text.get(..tok.pos).unwrap_or("");
            let col = match before.rfind('\n') {
                Some(nl) => tok.pos - (nl + 1),
                None => tok.pos,
            };
            (tok.line, col)
        };
        Error::parse(&self.parse_name, line, Some(col), msg)
    }

    fn unexpected(&self, token: &Item, context: &str) -> Error {
        if token.typ == ItemType::Error {
            let mut extra = String::new();
            if self.t.action_line != 0 && self.t.action_line != token.line {
                extra = format!(
                    " in action started at {}:{}",
                    self.parse_name, self.t.action_line
                );
                if token.val.ends_with(" action") {
                    extra = extra[" in action".len()..].to_string();
                }
            }
            return self.errorf(format!("{}{}", token.describe(), extra));
        }
        self.errorf(format!("unexpected {} in {}", token.describe(), context))
    }

    fn expect(&mut self, expected: ItemType, context: &str) -> PResult<Item> {
        let token = self.next_non_space();
        if token.typ != expected {
            return Err(self.unexpected(&token, context));
        }
        Ok(token)
    }

    fn expect_one_of(&mut self, e1: ItemType, e2: ItemType, context: &str) -> PResult<Item> {
        let token = self.next_non_space();
        if token.typ != e1 && token.typ != e2 {
            return Err(self.unexpected(&token, context));
        }
        Ok(token)
    }

    // --- trees ---

    /// Go's `Tree.add`: a definition replaces an empty one; two non-empty
    /// definitions in one text are an error.
    fn add(&mut self, root: ListNode) -> PResult<()> {
        let name = self.t.name.clone();
        if let Some(existing) = self.trees.get(&name) {
            if !existing.root.is_empty_tree() {
                if !root.is_empty_tree() {
                    return Err(self.errorf(format!(
                        "template: multiple definition of template {}",
                        crate::strconv::quote(&name, false)
                    )));
                }
                return Ok(());
            }
        } else {
            self.order.push(name.clone());
        }
        self.trees.insert(
            name.clone(),
            Tree {
                name,
                parse_name: self.parse_name.clone(),
                root,
                text: self.text.clone(),
            },
        );
        Ok(())
    }

    /// Runs `f` with a fresh tree state for a nested definition.
    fn with_tree<T>(
        &mut self,
        name: String,
        f: impl FnOnce(&mut Self) -> PResult<T>,
    ) -> PResult<T> {
        let saved = std::mem::replace(&mut self.t, TreeState::new(name));
        let r = f(self);
        self.t = saved;
        r
    }

    fn parse_top(&mut self) -> PResult<ListNode> {
        let mut root = ListNode {
            pos: self.peek().pos,
            nodes: Vec::new(),
        };
        while self.peek().typ != ItemType::Eof {
            if self.peek().typ == ItemType::LeftDelim {
                let delim = self.next();
                if self.next_non_space().typ == ItemType::Define {
                    self.with_tree("definition".to_string(), |p| p.parse_definition())?;
                    continue;
                }
                self.backup2(delim);
            }
            match self.text_or_action()? {
                Parsed::Node(n) => root.nodes.push(n),
                other => return Err(self.errorf(format!("unexpected {}", other.describe()))),
            }
        }
        Ok(root)
    }

    fn parse_definition(&mut self) -> PResult<()> {
        const CONTEXT: &str = "define clause";
        let name = self.expect_one_of(ItemType::String, ItemType::RawString, CONTEXT)?;
        self.t.name = unquote(&name.val).map_err(|e| self.errorf(e.to_string()))?;
        self.expect(ItemType::RightDelim, CONTEXT)?;
        let (root, end) = self.item_list()?;
        if !matches!(end, Parsed::End) {
            return Err(self.errorf(format!("unexpected {} in {}", end.describe(), CONTEXT)));
        }
        self.add(root)
    }

    fn item_list(&mut self) -> PResult<(ListNode, Parsed)> {
        stacker::maybe_grow(64 * 1024, 1024 * 1024, || {
            let mut list = ListNode {
                pos: self.peek_non_space().pos,
                nodes: Vec::new(),
            };
            while self.peek_non_space().typ != ItemType::Eof {
                match self.text_or_action()? {
                    Parsed::Node(n) => list.nodes.push(n),
                    other => return Ok((list, other)),
                }
            }
            Err(self.errorf("unexpected EOF".to_string()))
        })
    }

    fn text_or_action(&mut self) -> PResult<Parsed> {
        let token = self.next_non_space();
        match token.typ {
            ItemType::Text => Ok(Parsed::Node(Node::Text {
                pos: token.pos,
                text: Rc::from(token.val.as_str()),
            })),
            ItemType::LeftDelim => {
                self.t.action_line = token.line;
                let r = self.action();
                self.t.action_line = 0;
                r
            }
            ItemType::Comment => Ok(Parsed::Node(Node::Comment {
                pos: token.pos,
                text: token.val,
            })),
            _ => Err(self.unexpected(&token, "input")),
        }
    }

    fn action(&mut self) -> PResult<Parsed> {
        let token = self.next_non_space();
        match token.typ {
            ItemType::Block => return self.block_control(),
            ItemType::Break => return self.break_control(token.pos, "{{break}}", "break"),
            ItemType::Continue => return self.break_control(token.pos, "{{continue}}", "continue"),
            ItemType::Else => return self.else_control(),
            ItemType::End => return self.end_control(),
            ItemType::If => return self.branch_control("if"),
            ItemType::Range => return self.branch_control("range"),
            ItemType::Template => return self.template_control(),
            ItemType::With => return self.branch_control("with"),
            _ => {}
        }
        self.backup();
        let token = self.peek();
        let pipe = self.pipeline("command", ItemType::RightDelim)?;
        Ok(Parsed::Node(Node::Action(ActionNode {
            pos: token.pos,
            pipe,
        })))
    }

    fn break_control(&mut self, pos: usize, context: &str, word: &str) -> PResult<Parsed> {
        let token = self.next_non_space();
        if token.typ != ItemType::RightDelim {
            return Err(self.unexpected(&token, context));
        }
        if self.t.range_depth == 0 {
            return Err(self.errorf(format!("{{{{{word}}}}} outside {{{{range}}}}")));
        }
        Ok(Parsed::Node(if word == "break" {
            Node::Break { pos }
        } else {
            Node::Continue { pos }
        }))
    }

    fn pipeline(&mut self, context: &str, end: ItemType) -> PResult<PipeNode> {
        let token = self.peek_non_space();
        let mut pipe = PipeNode {
            pos: token.pos,
            is_assign: false,
            decl: Vec::new(),
            cmds: Vec::new(),
        };
        'decls: loop {
            let v = self.peek_non_space();
            if v.typ != ItemType::Variable {
                break;
            }
            self.next();
            let token_after_variable = self.peek();
            let next = self.peek_non_space();
            if next.typ == ItemType::Assign || next.typ == ItemType::Declare {
                pipe.is_assign = next.typ == ItemType::Assign;
                self.next_non_space();
                pipe.decl.push(new_variable(v.pos, &v.val));
                self.t.vars.push(v.val.clone());
            } else if next.typ == ItemType::Char && next.val == "," {
                self.next_non_space();
                pipe.decl.push(new_variable(v.pos, &v.val));
                self.t.vars.push(v.val.clone());
                if context == "range" && pipe.decl.len() < 2 {
                    match self.peek_non_space().typ {
                        ItemType::Variable | ItemType::RightDelim | ItemType::RightParen => {
                            continue 'decls;
                        }
                        _ => {
                            return Err(
                                self.errorf("range can only initialize variables".to_string())
                            );
                        }
                    }
                }
                return Err(self.errorf(format!("too many declarations in {context}")));
            } else if token_after_variable.typ == ItemType::Space {
                self.backup3(v, token_after_variable);
            } else {
                self.backup2(v);
            }
            break;
        }
        loop {
            let token = self.next_non_space();
            if token.typ == end {
                self.check_pipeline(&pipe, context)?;
                return Ok(pipe);
            }
            match token.typ {
                ItemType::Bool
                | ItemType::CharConstant
                | ItemType::Complex
                | ItemType::Dot
                | ItemType::Field
                | ItemType::Identifier
                | ItemType::Number
                | ItemType::Nil
                | ItemType::RawString
                | ItemType::String
                | ItemType::Variable
                | ItemType::LeftParen => {
                    self.backup();
                    let cmd = self.command()?;
                    pipe.cmds.push(cmd);
                }
                _ => return Err(self.unexpected(&token, context)),
            }
        }
    }

    fn check_pipeline(&self, pipe: &PipeNode, context: &str) -> PResult<()> {
        if pipe.cmds.is_empty() {
            return Err(self.errorf(format!("missing value for {context}")));
        }
        for (i, c) in pipe.cmds.iter().enumerate().skip(1) {
            if let Some(
                Arg::Bool { .. }
                | Arg::Dot { .. }
                | Arg::Nil { .. }
                | Arg::Number(_)
                | Arg::String { .. },
            ) = c.args.first()
            {
                return Err(self.errorf(format!(
                    "non executable command in pipeline stage {}",
                    i + 1
                )));
            }
        }
        Ok(())
    }

    fn branch_control(&mut self, context: &str) -> PResult<Parsed> {
        if self.t.control_depth >= MAX_CONTROL_DEPTH {
            return Err(self.errorf("max control nesting depth exceeded".to_string()));
        }
        self.t.control_depth += 1;
        let saved_vars = self.t.vars.len();
        let r = self.parse_control(context);
        self.t.vars.truncate(saved_vars);
        self.t.control_depth -= 1;
        let b = r?;
        Ok(Parsed::Node(match context {
            "if" => Node::If(b),
            "range" => Node::Range(b),
            _ => Node::With(b),
        }))
    }

    fn parse_control(&mut self, context: &str) -> PResult<Branch> {
        let pipe = self.pipeline(context, ItemType::RightDelim)?;
        if context == "range" {
            self.t.range_depth += 1;
        }
        let r = self.item_list();
        if context == "range" {
            self.t.range_depth -= 1;
        }
        let (list, next) = r?;
        let mut else_list = None;
        match next {
            Parsed::End => {}
            Parsed::Else { pos } => {
                let peek = self.peek().typ;
                if (context == "if" && peek == ItemType::If)
                    || (context == "with" && peek == ItemType::With)
                {
                    self.next();
                    let node = match self.branch_control(context)? {
                        Parsed::Node(n) => n,
                        other => {
                            return Err(self.errorf(format!("unexpected {}", other.describe())));
                        }
                    };
                    else_list = Some(ListNode {
                        pos,
                        nodes: vec![node],
                    });
                } else {
                    let (l, next) = self.item_list()?;
                    if !matches!(next, Parsed::End) {
                        return Err(self.errorf(format!("expected end; found {}", next.describe())));
                    }
                    else_list = Some(l);
                }
            }
            Parsed::Node(_) => {}
        }
        Ok(Branch {
            pos: pipe.pos,
            pipe,
            list,
            else_list,
        })
    }

    fn end_control(&mut self) -> PResult<Parsed> {
        self.expect(ItemType::RightDelim, "end")?;
        Ok(Parsed::End)
    }

    fn else_control(&mut self) -> PResult<Parsed> {
        let peek = self.peek_non_space();
        if peek.typ == ItemType::If || peek.typ == ItemType::With {
            return Ok(Parsed::Else { pos: peek.pos });
        }
        let token = self.expect(ItemType::RightDelim, "else")?;
        Ok(Parsed::Else { pos: token.pos })
    }

    fn block_control(&mut self) -> PResult<Parsed> {
        const CONTEXT: &str = "block clause";
        let token = self.next_non_space();
        let name = self.parse_template_name(&token, CONTEXT)?;
        let pipe = self.pipeline(CONTEXT, ItemType::RightDelim)?;
        let end = self.with_tree(name.clone(), |p| {
            let (root, end) = p.item_list()?;
            if matches!(end, Parsed::End) {
                p.add(root)?;
            }
            Ok(end)
        })?;
        if !matches!(end, Parsed::End) {
            return Err(self.errorf(format!("unexpected {} in {}", end.describe(), CONTEXT)));
        }
        Ok(Parsed::Node(Node::Template(TemplateNode {
            pos: token.pos,
            name,
            pipe: Some(pipe),
        })))
    }

    fn template_control(&mut self) -> PResult<Parsed> {
        const CONTEXT: &str = "template clause";
        let token = self.next_non_space();
        let name = self.parse_template_name(&token, CONTEXT)?;
        let mut pipe = None;
        if self.next_non_space().typ != ItemType::RightDelim {
            self.backup();
            pipe = Some(self.pipeline(CONTEXT, ItemType::RightDelim)?);
        }
        Ok(Parsed::Node(Node::Template(TemplateNode {
            pos: token.pos,
            name,
            pipe,
        })))
    }

    fn parse_template_name(&self, token: &Item, context: &str) -> PResult<String> {
        match token.typ {
            ItemType::String | ItemType::RawString => {
                unquote(&token.val).map_err(|e| self.errorf(e.to_string()))
            }
            _ => Err(self.unexpected(token, context)),
        }
    }

    fn command(&mut self) -> PResult<CommandNode> {
        let mut cmd = CommandNode {
            pos: self.peek_non_space().pos,
            args: Vec::new(),
        };
        loop {
            self.peek_non_space();
            if let Some(operand) = self.operand()? {
                cmd.args.push(operand);
            }
            let token = self.next();
            match token.typ {
                ItemType::Space => continue,
                ItemType::RightDelim | ItemType::RightParen => self.backup(),
                ItemType::Pipe => {}
                _ => return Err(self.unexpected(&token, "operand")),
            }
            break;
        }
        if cmd.args.is_empty() {
            return Err(self.errorf("empty command".to_string()));
        }
        Ok(cmd)
    }

    fn operand(&mut self) -> PResult<Option<Arg>> {
        let Some(node) = self.term()? else {
            return Ok(None);
        };
        if self.peek().typ != ItemType::Field {
            return Ok(Some(node));
        }
        let pos = self.peek().pos;
        let mut fields = Vec::new();
        while self.peek().typ == ItemType::Field {
            let f = self.next().val;
            fields.push(f.trim_start_matches('.').to_string());
        }
        Ok(Some(match node {
            Arg::Field(f) => {
                let mut ident = f.ident;
                ident.extend(fields);
                Arg::Field(FieldNode { pos, ident })
            }
            Arg::Variable(v) => {
                let mut ident = v.ident;
                ident.extend(fields);
                Arg::Variable(VariableNode { pos, ident })
            }
            Arg::Bool { .. }
            | Arg::String { .. }
            | Arg::Number(_)
            | Arg::Nil { .. }
            | Arg::Dot { .. } => {
                return Err(self.errorf(format!(
                    "unexpected . after term {}",
                    crate::strconv::quote(&node.to_go_string(), false)
                )));
            }
            other => Arg::Chain(ChainNode {
                pos,
                node: Box::new(other),
                field: fields,
            }),
        }))
    }

    fn term(&mut self) -> PResult<Option<Arg>> {
        let token = self.next_non_space();
        Ok(Some(match token.typ {
            ItemType::Identifier => {
                if !(self.has_func)(&token.val) {
                    return Err(self.errorf(format!(
                        "function {} not defined",
                        crate::strconv::quote(&token.val, false)
                    )));
                }
                Arg::Identifier {
                    pos: token.pos,
                    name: token.val,
                }
            }
            ItemType::Dot => Arg::Dot { pos: token.pos },
            ItemType::Nil => Arg::Nil { pos: token.pos },
            ItemType::Variable => {
                let v = new_variable(token.pos, &token.val);
                let first = v.ident.first().cloned().unwrap_or_default();
                if !self.t.vars.contains(&first) {
                    return Err(self.errorf(format!(
                        "undefined variable {}",
                        crate::strconv::quote(&first, false)
                    )));
                }
                Arg::Variable(v)
            }
            ItemType::Field => Arg::Field(FieldNode {
                pos: token.pos,
                ident: token.val.split('.').skip(1).map(str::to_string).collect(),
            }),
            ItemType::Bool => Arg::Bool {
                pos: token.pos,
                val: token.val == "true",
            },
            ItemType::CharConstant | ItemType::Complex | ItemType::Number => {
                let n = new_number(token.pos, &token.val, token.typ).map_err(|e| self.errorf(e))?;
                Arg::Number(n)
            }
            ItemType::LeftParen => {
                if self.t.paren_depth >= MAX_PAREN_DEPTH {
                    return Err(self.errorf("max expression depth exceeded".to_string()));
                }
                self.t.paren_depth += 1;
                let r = stacker::maybe_grow(64 * 1024, 1024 * 1024, || {
                    self.pipeline("parenthesized pipeline", ItemType::RightParen)
                });
                self.t.paren_depth -= 1;
                Arg::Pipe(Box::new(r?))
            }
            ItemType::String | ItemType::RawString => {
                let s = unquote(&token.val).map_err(|e| self.errorf(e.to_string()))?;
                Arg::String {
                    pos: token.pos,
                    quoted: token.val,
                    text: Rc::from(s),
                }
            }
            _ => {
                self.backup();
                return Ok(None);
            }
        }))
    }
}

fn new_variable(pos: usize, ident: &str) -> VariableNode {
    VariableNode {
        pos,
        ident: ident.split('.').map(str::to_string).collect(),
    }
}

/// Go's `newNumber`: which of int, uint, float a literal can be.
fn new_number(pos: usize, text: &str, typ: ItemType) -> Result<NumberNode, String> {
    let mut n = NumberNode {
        pos,
        is_int: false,
        is_uint: false,
        is_float: false,
        is_complex: false,
        int64: 0,
        float64: 0.0,
        text: text.to_string(),
    };
    match typ {
        ItemType::CharConstant => {
            let body = text.get(1..).unwrap_or("");
            let (r, _, tail) = unquote_char(body, b'\'').map_err(str::to_string)?;
            if tail != "'" {
                return Err(format!("malformed character constant: {text}"));
            }
            n.int64 = i64::from(r);
            n.is_int = true;
            n.is_uint = true;
            n.float64 = f64::from(r);
            n.is_float = true;
            return Ok(n);
        }
        ItemType::Complex => {
            // Complex constants parse in Go; the engine has no complex values.
            n.is_complex = true;
            return Ok(n);
        }
        _ => {}
    }
    if let Some(stripped) = text.strip_suffix('i') {
        if parse_float(stripped).is_some() {
            n.is_complex = true;
            return Ok(n);
        }
    }
    let u = parse_uint_base0(text);
    if u.is_some() {
        n.is_uint = true;
    }
    if let Some(i) = parse_int_base0(text) {
        n.is_int = true;
        n.int64 = i;
        if i == 0 {
            n.is_uint = true;
        }
    }
    if n.is_int {
        n.is_float = true;
        n.float64 = n.int64 as f64;
    } else if let Some(u) = u {
        n.is_float = true;
        n.float64 = u as f64;
    } else if let Some(f) = parse_float(text) {
        if !text.contains(['.', 'e', 'E', 'p', 'P']) {
            return Err(format!(
                "integer overflow: {}",
                crate::strconv::quote(text, false)
            ));
        }
        n.is_float = true;
        n.float64 = f;
        if !n.is_int && (f as i64) as f64 == f && f.is_finite() && f.abs() < 9.3e18 {
            n.is_int = true;
            n.int64 = f as i64;
        }
        if !n.is_uint && f >= 0.0 && (f as u64) as f64 == f && f < 1.85e19 {
            n.is_uint = true;
        }
    }
    if !n.is_int && !n.is_uint && !n.is_float {
        return Err(format!(
            "illegal number syntax: {}",
            crate::strconv::quote(text, false)
        ));
    }
    Ok(n)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn funcs(name: &str) -> bool {
        matches!(
            name,
            "printf" | "and" | "or" | "not" | "len" | "index" | "eq" | "print" | "html" | "lt"
        )
    }

    fn dump(text: &str) -> Result<String, String> {
        match parse("test", text, &funcs) {
            Ok(trees) => {
                let mut s = String::new();
                trees
                    .first()
                    .map(|t| t.root.write_to(&mut s))
                    .ok_or_else(|| "no tree".to_string())?;
                Ok(s)
            }
            Err(e) => Err(e.to_string()),
        }
    }

    // Rows from Go's parse/parse_test.go (parseTests); the expected strings
    // are Go's `String()` of the parsed tree.
    #[test]
    fn parse_table() {
        let ok: &[(&str, &str)] = &[
            ("", ""),
            ("{{/*\n\n\n*/}}", ""),
            (" \t\n", " \t\n"),
            ("some text", "some text"),
            ("{{printf `%d` 23}}", "{{printf `%d` 23}}"),
            ("{{.X}}", "{{.X}}"),
            ("{{.X 1}}", "{{.X 1}}"),
            ("{{$}}", "{{$}}"),
            (
                "{{with $x := 3}}{{$x 23}}{{end}}",
                "{{with $x := 3}}{{$x 23}}{{end}}",
            ),
            (
                "{{with $x := 3}}{{$x.Y}}{{end}}",
                "{{with $x := 3}}{{$x.Y}}{{end}}",
            ),
            ("{{$x := .X | .Y}}", "{{$x := .X | .Y}}"),
            ("{{$x := 1}}{{$x = 2}}", "{{$x := 1}}{{$x = 2}}"),
            ("{{.X|.Y}}", "{{.X | .Y}}"),
            ("{{(.X).Y}}", "{{(.X).Y}}"),
            ("{{(.X .Y) .Z}}", "{{(.X .Y) .Z}}"),
            ("{{( .X .Y ) .Z}}", "{{(.X .Y) .Z}}"),
            ("{{(.X).Y.Z}}", "{{(.X).Y.Z}}"),
            ("{{if .X}}hello{{end}}", "{{if .X}}hello{{end}}"),
            (
                "{{if .X}}true{{else}}false{{end}}",
                "{{if .X}}true{{else}}false{{end}}",
            ),
            (
                "{{if .X}}true{{else if .Y}}false{{end}}",
                "{{if .X}}true{{else}}{{if .Y}}false{{end}}{{end}}",
            ),
            (
                "+\n{{if .X}}1{{else if .Y}}2{{else if .Z}}3{{end}}",
                "+\n{{if .X}}1{{else}}{{if .Y}}2{{else}}{{if .Z}}3{{end}}{{end}}{{end}}",
            ),
            ("{{range .X}}hello{{end}}", "{{range .X}}hello{{end}}"),
            (
                "{{range .X.Y.Z}}hello{{end}}",
                "{{range .X.Y.Z}}hello{{end}}",
            ),
            (
                "{{range .X}}hello{{range .Y}}goodbye{{end}}{{end}}",
                "{{range .X}}hello{{range .Y}}goodbye{{end}}{{end}}",
            ),
            (
                "{{range .X}}true{{else}}false{{end}}",
                "{{range .X}}true{{else}}false{{end}}",
            ),
            (
                "{{range .X|.M}}true{{else}}false{{end}}",
                "{{range .X | .M}}true{{else}}false{{end}}",
            ),
            ("{{range .SI}}{{.}}{{end}}", "{{range .SI}}{{.}}{{end}}"),
            (
                "{{range $x := .SI}}{{.}}{{end}}",
                "{{range $x := .SI}}{{.}}{{end}}",
            ),
            (
                "{{range $x, $y := .SI}}{{.}}{{end}}",
                "{{range $x, $y := .SI}}{{.}}{{end}}",
            ),
            (
                "{{range .SI}}{{.}}{{break}}{{end}}",
                "{{range .SI}}{{.}}{{break}}{{end}}",
            ),
            (
                "{{range .SI}}{{.}}{{continue}}{{end}}",
                "{{range .SI}}{{.}}{{continue}}{{end}}",
            ),
            (
                "{{$x := 0}}{{range $x = .SI}}{{.}}{{end}}",
                "{{$x := 0}}{{range $x = .SI}}{{.}}{{end}}",
            ),
            ("{{template `x`}}", "{{template \"x\"}}"),
            ("{{template `x` .Y}}", "{{template \"x\" .Y}}"),
            ("{{with .X}}hello{{end}}", "{{with .X}}hello{{end}}"),
            (
                "{{with .X}}hello{{else}}goodbye{{end}}",
                "{{with .X}}hello{{else}}goodbye{{end}}",
            ),
            (
                "{{with .X}}hello{{else with .Y}}goodbye{{end}}",
                "{{with .X}}hello{{else}}{{with .Y}}goodbye{{end}}{{end}}",
            ),
            ("{{-3}}", "{{-3}}"),
            ("{{- 3}}", "{{3}}"),
            ("{{3 -}}", "{{3}}"),
            ("x \r\n\t{{- 3}}", "x{{3}}"),
            ("{{3 -}}\n\n\ty", "{{3}}y"),
            ("x \r\n\t{{- /* hi */}}", "x"),
            ("{{/* hi */ -}}\n\n\ty", "y"),
            ("{{printf \"%d\" ( 1 ) }}", "{{printf \"%d\" (1)}}"),
            ("{{printf \"%d\" (1) }}", "{{printf \"%d\" (1)}}"),
            ("{{.X | printf \"%s\"}}", "{{.X | printf \"%s\"}}"),
            ("{{$x := .X}}{{$x.Y}}", "{{$x := .X}}{{$x.Y}}"),
            (
                "{{print 'a' 1.5 0x10 1e3 true nil}}",
                "{{print 'a' 1.5 0x10 1e3 true nil}}",
            ),
            ("{{block \"foo\" .}}hello{{end}}", "{{template \"foo\" .}}"),
            ("{{define \"foo\"}}x{{end}}", ""),
        ];
        for (text, want) in ok {
            assert_eq!(dump(text).as_deref(), Ok(*want), "parsing {text:?}");
        }
        let errs: &[(&str, &str)] = &[
            ("{{end}}", "template: test:1: unexpected {{end}}"),
            ("{{else}}", "template: test:1: unexpected {{else}}"),
            ("hello{{range .x}}", "template: test:1: unexpected EOF"),
            (
                "hello{{undefined}}",
                "template: test:1: function \"undefined\" not defined",
            ),
            ("{{$x}}", "template: test:1: undefined variable \"$x\""),
            (
                "{{with $x := 4}}{{end}}{{$x}}",
                "template: test:1: undefined variable \"$x\"",
            ),
            (
                "{{template $v}}",
                "template: test:1: unexpected \"$v\" in template clause",
            ),
            (
                "{{printf 3, 4}}",
                "template: test:1: unexpected \",\" in operand",
            ),
            ("{{range .X | printf \"x\" nil nil}}{{end}}", ""),
            (
                "{{.X | 3}}",
                "template: test:1: non executable command in pipeline stage 2",
            ),
            (
                "{{.X | \"x\"}}",
                "template: test:1: non executable command in pipeline stage 2",
            ),
            ("{{if}}", "template: test:1: missing value for if"),
            (
                "{{range $k,}}{{end}}",
                "template: test:1: missing value for range",
            ),
            (
                "{{range $k, .}}{{end}}",
                "template: test:1: range can only initialize variables",
            ),
            (
                "{{range $k, $v, $w := .}}{{end}}",
                "template: test:1: too many declarations in range",
            ),
            (
                "{{with $k, $v := .}}{{end}}",
                "template: test:1: too many declarations in with",
            ),
            (
                "{{define \"a\"}}a{{end}}{{define \"a\"}}b{{end}}",
                "template: test:1: template: multiple definition of template \"a\"",
            ),
            ("{{(.X)}}x{{.Y}}{{(1 2)}}", ""),
            (
                "{{nil.x}}",
                "template: test:1: unexpected . after term \"nil\"",
            ),
            (
                "{{'x'.y}}",
                "template: test:1: unexpected . after term \"'x'\"",
            ),
            ("{{..x}}", "template: test:1: unexpected . after term \".\""),
            ("{{break}}", "template: test:1: {{break}} outside {{range}}"),
            (
                "{{continue}}",
                "template: test:1: {{continue}} outside {{range}}",
            ),
            (
                "{{range .}}{{else}}{{break}}{{end}}",
                "template: test:1: {{break}} outside {{range}}",
            ),
            (
                "{{range .}}{{break 1}}{{end}}",
                "template: test:1: unexpected \"1\" in {{break}}",
            ),
            (
                "{{define \"x\"}}{{break}}{{end}}",
                "template: test:1: {{break}} outside {{range}}",
            ),
            (
                "{{if .X}}a{{else with .Y}}b{{end}}",
                "template: test:1: unexpected <with> in input",
            ),
            ("{{1 2}", "template: test:1: unexpected \"}\" in operand"),
            ("{{.X}}\n{{.Y", "template: test:2: unclosed action"),
            (
                "{{.X\n}}{{.Y\n",
                "template: test:3: unclosed action started at test:2",
            ),
            (
                "{{\n.X",
                "template: test:2: unclosed action started at test:1",
            ),
            (
                "{{\"a\nb\"}}",
                "template: test:1: unterminated quoted string",
            ),
            ("{{1\n2\n}}", ""),
            (
                "a\n{{printf\n\"%d\" (1\n}}",
                "template: test:4: unclosed left paren in action started at test:2",
            ),
            ("{{08}}", "template: test:1: integer overflow: \"08\""),
            ("{{0x}}", "template: test:1: illegal number syntax: \"0x\""),
            (
                "{{'ab'}}",
                "template: test:1: malformed character constant: 'ab'",
            ),
            ("{{\"\\z\"}}", "template: test:1: invalid syntax"),
            (
                "{{template \"x\" | }}",
                "template: test:1: unexpected \"|\" in template clause",
            ),
            (
                "{{block \"a\" .}}x{{else}}y{{end}}",
                "template: test:1: unexpected {{else}} in block clause",
            ),
            (
                "{{$x := 1}}{{$x, $y := 2}}",
                "template: test:1: too many declarations in command",
            ),
            ("{{(}}", "template: test:1: unclosed left paren"),
            ("{{)}}", "template: test:1: unexpected right paren"),
            ("{{printf \"%s\" (nil)}}", ""),
            ("{{ | }}", "template: test:1: unexpected \"|\" in command"),
            ("{{ }}", "template: test:1: missing value for command"),
        ];
        for (text, want) in errs {
            let got = dump(text);
            if want.is_empty() {
                assert!(got.is_ok(), "parsing {text:?}: {got:?}");
            } else {
                assert_eq!(
                    got.as_ref().err().map(String::as_str),
                    Some(*want),
                    "parsing {text:?}"
                );
            }
        }
    }

    #[test]
    fn positions() {
        let trees =
            parse("t", "x: {{ .Values.a.b }}\n{{ $x := 1 }}{{ $x.y }}", &funcs).unwrap_or_default();
        let Some(t) = trees.first() else {
            panic!("no tree")
        };
        let Some(Node::Action(a)) = t.root.nodes.get(1) else {
            panic!("no action")
        };
        let Some(Arg::Field(f)) = a.pipe.cmds[0].args.first() else {
            panic!("no field")
        };
        assert_eq!(t.location(f.pos), (1, 13));
    }

    #[test]
    fn defines_are_separate_trees() {
        let trees = parse(
            "t",
            "a{{define \"x\"}}X{{end}}b{{block \"y\" .}}Y{{end}}",
            &funcs,
        )
        .unwrap_or_default();
        let names: Vec<&str> = trees.iter().map(|t| t.name.as_str()).collect();
        assert_eq!(names, vec!["t", "x", "y"]);
    }
}
