//! Go's `text/template` language as Helm (v4, Go 1.26) runs it: lexer and
//! parser with Go's positions and messages, the evaluator with Go's
//! semantics (truth, comparisons, field access, `missingkey` modes,
//! `break`/`continue`, `define`/`template`/`block`, `range` over integers),
//! Go's builtin functions, and Go's `fmt` printing of values.
//!
//! The crate owns the language only. Sprig's and Helm's functions are
//! registered from outside as [`Function`]s in a [`FuncMap`]; functions that
//! need the engine (Helm's `include` and `tpl`) get a [`Context`] through
//! which they execute templates.
//!
//! ```
//! use gotemplate::{ExecOptions, FuncMap, Map, Namespace, Value};
//!
//! let mut ns = Namespace::new(FuncMap::new());
//! ns.add("t", "{{ range $k, $v := . }}{{ $k }}={{ $v }} {{ end }}").unwrap();
//! let data = Map::from_entries([("b", Value::from(2.5)), ("a", Value::from("x"))]);
//! let out = ns.execute("t", Value::Map(data), &ExecOptions::helm()).unwrap();
//! assert_eq!(out, "a=x b=2.5 ");
//! ```
//!
//! Registering functions, including one that executes templates (Helm's
//! `include`); the engine checks argument counts and types against the
//! signature before calling:
//!
//! ```
//! use gotemplate::{ExecOptions, FuncError, FuncMap, Namespace, Signature, Type, Value};
//!
//! let mut funcs = FuncMap::new();
//! funcs.add("upper", Signature::new(vec![Type::String], Type::String), |_ctx, args| {
//!     Ok(Value::from(args[0].as_str().unwrap_or("").to_uppercase()))
//! });
//! funcs.add("include", Signature::new(vec![Type::String, Type::Any], Type::String), |ctx, args| {
//!     let name = args[0].as_str().unwrap_or("");
//!     Ok(Value::from(ctx.execute(name, args[1].clone())?))
//! });
//! funcs.add("fail", Signature::new(vec![Type::String], Type::String), |_ctx, args| {
//!     Err(FuncError::new(args[0].as_str().unwrap_or("")))
//! });
//! let mut ns = Namespace::with_name("gotpl", funcs);
//! ns.add("t.yaml", r#"{{ define "n" }}<{{ . }}>{{ end }}{{ include "n" "x" | upper }}"#).unwrap();
//! assert_eq!(ns.execute("t.yaml", Value::Nil, &ExecOptions::helm()).unwrap(), "<X>");
//! ```

mod error;
mod exec;
pub mod fmt;
mod funcs;
mod lex;
mod node;
mod parse;
mod random;
pub mod sprig;
pub mod strconv;
mod template;
pub mod trace;
mod value;

pub use error::{Error, ErrorKind, FuncError, Location};
pub use exec::{Context, ExecOptions, MissingKey, OutputLines, SourceMap};
pub use funcs::{
    FuncMap, Function, NativeFn, Signature, Type, html_escape, js_escape, url_query_escape,
};
pub use template::Namespace;
pub use value::{
    ElemType, List, MAX_EXPANDED_VALUES, MAX_VALUE_DEPTH, Map, Object, Value, ValueError,
};
