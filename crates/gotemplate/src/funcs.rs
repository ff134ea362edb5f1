//! The function registry: Rust functions callable from templates, with Go
//! signatures so that argument counts and types are checked as Go checks
//! them (`wrong number of args for X: want 2 got 1`, `wrong type for value;
//! expected int; got int64`), plus the names and signatures of Go's builtin
//! functions (their bodies live in `exec`, as they see values before Go's
//! interface unwrapping) and the escapers they use (`html`, `js`,
//! `urlquery`).
//!
//! Sprig and Helm functions are plain [`Function`]s registered in a
//! [`FuncMap`] handed to the [`Namespace`](crate::Namespace).

use std::collections::HashMap;
use std::fmt::Write as _;
use std::rc::Rc;

use crate::error::FuncError;
use crate::exec::Context;
use crate::strconv::is_print;
use crate::value::{ElemType, Value};

/// The Go type of a parameter (or result), as far as argument checking needs.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Type {
    /// `interface{}`: any value; nil arrives as [`Value::Nil`].
    Any,
    /// `string`
    String,
    /// `bool`
    Bool,
    /// `int` (template integer literals and `len` results qualify; `int64` does not).
    Int,
    /// `int64`
    Int64,
    /// `float64` (number literals qualify).
    Float64,
    /// `map[string]interface{}` (also named map types with that underlying type).
    Map,
    /// `[]interface{}`
    List,
    /// `[]string`
    StringList,
    /// Any other Go type, by name: a value whose
    /// [`go_type_name`](crate::Value::go_type_name) is this (an object's
    /// type, a named map type, `[]int`, `map[string]string`, ...).
    Named(Rc<str>),
    /// Go's `reflect.Value`: the argument exactly as evaluated, nil included
    /// (the builtins use this).
    Reflect,
}

impl Type {
    /// The Go spelling, used in error messages.
    pub fn go_name(&self) -> String {
        match self {
            Type::Any => "interface {}".to_string(),
            Type::String => "string".to_string(),
            Type::Bool => "bool".to_string(),
            Type::Int => "int".to_string(),
            Type::Int64 => "int64".to_string(),
            Type::Float64 => "float64".to_string(),
            Type::Map => "map[string]interface {}".to_string(),
            Type::List => "[]interface {}".to_string(),
            Type::StringList => "[]string".to_string(),
            Type::Named(n) => n.to_string(),
            Type::Reflect => "reflect.Value".to_string(),
        }
    }

    /// Whether Go's untyped nil converts to this type.
    pub(crate) fn can_be_nil(&self) -> bool {
        !matches!(
            self,
            Type::String | Type::Bool | Type::Int | Type::Int64 | Type::Float64
        )
    }

    /// Whether a concrete (non-interface) value has this type or one
    /// assignable to it, and the value to pass (named slice and map types
    /// pass their underlying value).
    pub(crate) fn accept(&self, v: &Value) -> Option<Value> {
        let ok = match (self, v) {
            (Type::Any | Type::Reflect, _) => true,
            (Type::String, Value::String(_)) => true,
            (Type::Bool, Value::Bool(_)) => true,
            (Type::Int, Value::Int(_)) => true,
            (Type::Int64, Value::Int64(_)) => true,
            (Type::Float64, Value::Float(_)) => true,
            (Type::Map, Value::Map(m)) => m.elem_type() == ElemType::Interface,
            (Type::List, Value::List(l)) => l.elem_type() == ElemType::Interface,
            (Type::StringList, Value::List(l)) => l.elem_type() == ElemType::String,
            (Type::Named(n), v) => v.go_type_name() == **n,
            (Type::Map | Type::List | Type::StringList, Value::Object(o)) => {
                return o.underlying().and_then(|u| self.accept(&u));
            }
            _ => false,
        };
        ok.then(|| v.clone())
    }
}

/// A Go function signature: fixed parameters, an optional variadic
/// parameter (`...T`), and the result type (for `%T` and messages).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Signature {
    /// Fixed parameters.
    pub params: Vec<Type>,
    /// The element type of a final `...T` parameter.
    pub variadic: Option<Type>,
    /// The result type.
    pub result: Type,
}

impl Signature {
    /// `func(params...) result`.
    pub fn new(params: Vec<Type>, result: Type) -> Signature {
        Signature {
            params,
            variadic: None,
            result,
        }
    }

    /// `func(params..., ...variadic) result`.
    pub fn variadic(params: Vec<Type>, variadic: Type, result: Type) -> Signature {
        Signature {
            params,
            variadic: Some(variadic),
            result,
        }
    }

    /// Go's spelling, e.g. `func(string, ...interface {}) string`.
    pub fn go_name(&self) -> String {
        let mut s = String::from("func(");
        for (i, p) in self.params.iter().enumerate() {
            if i > 0 {
                s.push_str(", ");
            }
            s.push_str(&p.go_name());
        }
        if let Some(v) = &self.variadic {
            if !self.params.is_empty() {
                s.push_str(", ");
            }
            let _ = write!(s, "...{}", v.go_name());
        }
        let _ = write!(s, ") {}", self.result.go_name());
        s
    }
}

/// The body of a native function: the evaluated arguments, already checked
/// against the signature, and a [`Context`] to execute templates through.
pub type NativeFn = dyn Fn(&mut Context<'_>, &[Value]) -> Result<Value, FuncError>;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Builtin {
    And,
    Or,
    Not,
    Len,
    Index,
    Slice,
    Eq,
    Ne,
    Lt,
    Le,
    Gt,
    Ge,
    Print,
    Printf,
    Println,
    Html,
    Js,
    Urlquery,
    Call,
}

pub(crate) enum Imp {
    Native(Box<NativeFn>),
    Builtin(Builtin),
}

struct FuncInner {
    sig: Signature,
    imp: Imp,
}

/// A function callable from templates. Cloning is cheap.
#[derive(Clone)]
pub struct Function(Rc<FuncInner>);

impl Function {
    /// A function with the given Go signature.
    ///
    /// ```
    /// use gotemplate::{Function, Signature, Type, Value};
    /// let upper = Function::new(Signature::new(vec![Type::String], Type::String), |_ctx, args| {
    ///     Ok(Value::from(args[0].as_str().unwrap_or("").to_uppercase()))
    /// });
    /// # let _ = upper;
    /// ```
    pub fn new<F>(sig: Signature, f: F) -> Function
    where
        F: Fn(&mut Context<'_>, &[Value]) -> Result<Value, FuncError> + 'static,
    {
        Function(Rc::new(FuncInner {
            sig,
            imp: Imp::Native(Box::new(f)),
        }))
    }

    pub(crate) fn builtin(b: Builtin, sig: Signature) -> Function {
        Function(Rc::new(FuncInner {
            sig,
            imp: Imp::Builtin(b),
        }))
    }

    /// The signature.
    pub fn signature(&self) -> &Signature {
        &self.0.sig
    }

    pub(crate) fn imp(&self) -> &Imp {
        &self.0.imp
    }

    /// The Go type, e.g. `func(string) string`.
    pub fn go_type_name(&self) -> String {
        self.0.sig.go_name()
    }

    /// Whether both handles are the same function.
    pub fn ptr_eq(&self, other: &Function) -> bool {
        Rc::ptr_eq(&self.0, &other.0)
    }

    /// A method bound to its receiver: this function without its first parameter, called
    /// with `receiver` as its first argument (Go's method value `m.Method`).
    pub(crate) fn bind(&self, receiver: Value) -> Option<Function> {
        let Imp::Native(_) = &self.0.imp else {
            return None;
        };
        let mut sig = self.0.sig.clone();
        if sig.params.is_empty() {
            return None;
        }
        sig.params.remove(0);
        let inner = self.clone();
        Some(Function::new(sig, move |ctx, args| {
            let mut all = Vec::with_capacity(args.len() + 1);
            all.push(receiver.clone());
            all.extend_from_slice(args);
            match inner.imp() {
                Imp::Native(f) => f(ctx, &all),
                Imp::Builtin(_) => Err(FuncError::new("a builtin is not a method")),
            }
        }))
    }
}

/// Named functions for templates (Go's `FuncMap`). Names here take
/// precedence over Go's builtins, as in Go.
#[derive(Clone, Default)]
pub struct FuncMap {
    map: HashMap<String, Function>,
    /// Methods of named map types (Helm's `common.Values` has `AsMap`, `Table`, ...), by
    /// type name then method name; each takes the receiver as its first argument.
    methods: HashMap<String, HashMap<String, Function>>,
}

impl FuncMap {
    /// An empty map (templates still see Go's builtins).
    pub fn new() -> FuncMap {
        FuncMap::default()
    }

    /// Registers `f` as method `name` of the named map type `type_name`: it is called with
    /// the map as its first argument, so its signature starts with the receiver's type.
    pub fn add_method(&mut self, type_name: &str, name: &str, f: Function) -> &mut FuncMap {
        self.methods
            .entry(type_name.to_owned())
            .or_default()
            .insert(name.to_owned(), f);
        self
    }

    /// The method `name` of the named map type `type_name`.
    pub fn method(&self, type_name: &str, name: &str) -> Option<&Function> {
        self.methods.get(type_name)?.get(name)
    }

    /// Registers `f` as `name`, replacing an earlier function of that name.
    pub fn insert(&mut self, name: impl Into<String>, f: Function) -> &mut FuncMap {
        self.map.insert(name.into(), f);
        self
    }

    /// Registers a native function; shorthand for `insert(name, Function::new(sig, f))`.
    pub fn add<F>(&mut self, name: impl Into<String>, sig: Signature, f: F) -> &mut FuncMap
    where
        F: Fn(&mut Context<'_>, &[Value]) -> Result<Value, FuncError> + 'static,
    {
        self.insert(name, Function::new(sig, f))
    }

    /// The function registered as `name`.
    pub fn get(&self, name: &str) -> Option<&Function> {
        self.map.get(name)
    }

    /// Whether `name` is registered (builtins are not counted).
    pub fn contains(&self, name: &str) -> bool {
        self.map.contains_key(name)
    }

    /// Adds every function of `other`, replacing same-named ones.
    pub fn extend(&mut self, other: &FuncMap) {
        for (k, v) in &other.map {
            self.map.insert(k.clone(), v.clone());
        }
        for (t, methods) in &other.methods {
            let own = self.methods.entry(t.clone()).or_default();
            for (k, v) in methods {
                own.insert(k.clone(), v.clone());
            }
        }
    }

    /// Registered names, sorted.
    pub fn names(&self) -> Vec<String> {
        let mut v: Vec<String> = self.map.keys().cloned().collect();
        v.sort();
        v
    }
}

/// Go's builtin function of that name, if any.
pub(crate) fn builtin(name: &str) -> Option<Function> {
    use Type::{Any, Bool, Int, Reflect, String};
    let (b, sig) = match name {
        "and" => (
            Builtin::And,
            Signature::variadic(vec![Reflect], Reflect, Reflect),
        ),
        "or" => (
            Builtin::Or,
            Signature::variadic(vec![Reflect], Reflect, Reflect),
        ),
        "not" => (Builtin::Not, Signature::new(vec![Reflect], Bool)),
        "len" => (Builtin::Len, Signature::new(vec![Reflect], Int)),
        "index" => (
            Builtin::Index,
            Signature::variadic(vec![Reflect], Reflect, Reflect),
        ),
        "slice" => (
            Builtin::Slice,
            Signature::variadic(vec![Reflect], Reflect, Reflect),
        ),
        "eq" => (
            Builtin::Eq,
            Signature::variadic(vec![Reflect], Reflect, Bool),
        ),
        "ne" => (Builtin::Ne, Signature::new(vec![Reflect, Reflect], Bool)),
        "lt" => (Builtin::Lt, Signature::new(vec![Reflect, Reflect], Bool)),
        "le" => (Builtin::Le, Signature::new(vec![Reflect, Reflect], Bool)),
        "gt" => (Builtin::Gt, Signature::new(vec![Reflect, Reflect], Bool)),
        "ge" => (Builtin::Ge, Signature::new(vec![Reflect, Reflect], Bool)),
        "print" => (Builtin::Print, Signature::variadic(vec![], Any, String)),
        "printf" => (
            Builtin::Printf,
            Signature::variadic(vec![String], Any, String),
        ),
        "println" => (Builtin::Println, Signature::variadic(vec![], Any, String)),
        "html" => (Builtin::Html, Signature::variadic(vec![], Any, String)),
        "js" => (Builtin::Js, Signature::variadic(vec![], Any, String)),
        "urlquery" => (Builtin::Urlquery, Signature::variadic(vec![], Any, String)),
        "call" => (
            Builtin::Call,
            Signature::variadic(vec![Reflect], Reflect, Reflect),
        ),
        _ => return None,
    };
    Some(Function::builtin(b, sig))
}

/// Whether `name` is one of Go's builtin functions.
pub(crate) fn is_builtin(name: &str) -> bool {
    matches!(
        name,
        "and"
            | "or"
            | "not"
            | "len"
            | "index"
            | "slice"
            | "eq"
            | "ne"
            | "lt"
            | "le"
            | "gt"
            | "ge"
            | "print"
            | "printf"
            | "println"
            | "html"
            | "js"
            | "urlquery"
            | "call"
    )
}

/// Go's `template.HTMLEscapeString`.
pub fn html_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '\0' => out.push('\u{FFFD}'),
            '"' => out.push_str("&#34;"),
            '\'' => out.push_str("&#39;"),
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            _ => out.push(c),
        }
    }
    out
}

/// Go's `template.JSEscapeString`.
pub fn js_escape(s: &str) -> String {
    const HEX: &[u8; 16] = b"0123456789ABCDEF";
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '\'' => out.push_str("\\'"),
            '"' => out.push_str("\\\""),
            '<' => out.push_str("\\u003C"),
            '>' => out.push_str("\\u003E"),
            '&' => out.push_str("\\u0026"),
            '=' => out.push_str("\\u003D"),
            c if (c as u32) < 0x20 => {
                let b = c as u32;
                out.push_str("\\u00");
                out.push(char::from(HEX[(b >> 4) as usize]));
                out.push(char::from(HEX[(b & 0xF) as usize]));
            }
            c if c.is_ascii() => out.push(c),
            c if is_print(c) => out.push(c),
            c => {
                let _ = write!(out, "\\u{:04X}", c as u32);
            }
        }
    }
    out
}

/// Go's `url.QueryEscape`.
pub fn url_query_escape(s: &str) -> String {
    const HEX: &[u8; 16] = b"0123456789ABCDEF";
    let mut out = String::with_capacity(s.len());
    for &b in s.as_bytes() {
        match b {
            b'a'..=b'z' | b'A'..=b'Z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                out.push(char::from(b))
            }
            b' ' => out.push('+'),
            _ => {
                out.push('%');
                out.push(char::from(HEX[usize::from(b >> 4)]));
                out.push(char::from(HEX[usize::from(b & 0xF)]));
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapers() {
        assert_eq!(
            html_escape("<a href=\"x\">'&'</a>\0"),
            "&lt;a href=&#34;x&#34;&gt;&#39;&amp;&#39;&lt;/a&gt;\u{FFFD}"
        );
        assert_eq!(
            js_escape("a'b\"c\\d<e>f&g=h\ni\u{2028}é"),
            "a\\'b\\\"c\\\\d\\u003Ce\\u003Ef\\u0026g\\u003Dh\\u000Ai\\u2028é"
        );
        assert_eq!(url_query_escape("a b&c=d/é~"), "a+b%26c%3Dd%2F%C3%A9~");
    }

    #[test]
    fn signatures() {
        let s = Signature::variadic(vec![Type::String], Type::Any, Type::String);
        assert_eq!(s.go_name(), "func(string, ...interface {}) string");
    }
}
