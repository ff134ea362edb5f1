//! The template namespace (Go's set of associated templates): named parse
//! trees sharing one function registry, to which texts are added one by
//! one, and from which any named template is executed.

use std::collections::HashMap;
use std::rc::Rc;

use crate::error::Error;
use crate::exec::{ExecOptions, SourceMap, execute, execute_mapped};
use crate::funcs::{FuncMap, is_builtin};
use crate::node::Tree;
use crate::parse::parse;
use crate::value::Value;

/// A set of named templates and the functions they may call.
///
/// Cloning is cheap (trees are shared) and gives an independent namespace:
/// templates added to the clone are not seen by the original, as Helm's
/// `tpl` needs.
#[derive(Clone)]
pub struct Namespace {
    name: Rc<str>,
    templates: HashMap<String, Rc<Tree>>,
    funcs: Rc<FuncMap>,
}

impl Namespace {
    /// An empty namespace whose templates may call `funcs` and Go's builtins.
    pub fn new(funcs: FuncMap) -> Namespace {
        Namespace::with_name("", funcs)
    }

    /// Like [`new`](Namespace::new), naming the namespace as Go names the
    /// root template (Helm's is `gotpl`); the name appears in "no template
    /// X associated with template NAME" errors.
    pub fn with_name(name: &str, funcs: FuncMap) -> Namespace {
        Namespace {
            name: Rc::from(name),
            templates: HashMap::new(),
            funcs: Rc::new(funcs),
        }
    }

    /// The namespace's name.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The functions templates may call (besides Go's builtins).
    pub fn funcs(&self) -> &FuncMap {
        &self.funcs
    }

    /// Parses `text` as the template `name` and adds it, with every
    /// `define`d and `block` template in it. As in Go, a definition replaces
    /// an earlier template of the same name, except that an empty one (only
    /// space and comments) does not replace an existing one. On a parse
    /// error nothing is added.
    pub fn add(&mut self, name: &str, text: &str) -> Result<(), Error> {
        let funcs = self.funcs.clone();
        let has_func = move |f: &str| funcs.contains(f) || is_builtin(f);
        let trees = parse(name, text, &has_func)?;
        for tree in trees {
            if self.templates.contains_key(&tree.name) && tree.root.is_empty_tree() {
                continue;
            }
            self.templates.insert(tree.name.clone(), Rc::new(tree));
        }
        Ok(())
    }

    /// As [`Namespace::add`], but the text's own body becomes template `name` even when it is
    /// empty. Go's `t.New(name).Parse(text)` followed by `t.Execute` runs the new template's own
    /// tree, whatever the namespace kept under that name: Helm's `tpl` of `""` inside another
    /// `tpl` prints nothing, where executing the kept body would run the outer text again.
    pub fn add_main(&mut self, name: &str, text: &str) -> Result<(), Error> {
        let funcs = self.funcs.clone();
        let has_func = move |f: &str| funcs.contains(f) || is_builtin(f);
        let trees = parse(name, text, &has_func)?;
        for tree in trees {
            let main = tree.name == name;
            if !main && self.templates.contains_key(&tree.name) && tree.root.is_empty_tree() {
                continue;
            }
            self.templates.insert(tree.name.clone(), Rc::new(tree));
        }
        Ok(())
    }

    /// Whether a template `name` is defined.
    pub fn contains(&self, name: &str) -> bool {
        self.templates.contains_key(name)
    }

    /// The names of all templates, sorted.
    pub fn names(&self) -> Vec<String> {
        let mut v: Vec<String> = self.templates.keys().cloned().collect();
        v.sort();
        v
    }

    /// The name of the text that defined template `name` (the `add` call it
    /// came from: a file, in Helm).
    pub fn defined_in(&self, name: &str) -> Option<&str> {
        self.templates.get(name).map(|t| &*t.parse_name)
    }

    /// Removes template `name`.
    pub fn remove(&mut self, name: &str) -> bool {
        self.templates.remove(name).is_some()
    }

    pub(crate) fn tree(&self, name: &str) -> Option<Rc<Tree>> {
        self.templates.get(name).cloned()
    }

    /// Executes template `name` with `data` as dot and `$`.
    pub fn execute(&self, name: &str, data: Value, opts: &ExecOptions) -> Result<String, Error> {
        execute(self, name, data, opts)
    }

    /// Like [`execute`](Namespace::execute), also returning where each piece of the output
    /// was written from.
    pub fn execute_mapped(
        &self,
        name: &str,
        data: Value,
        opts: &ExecOptions,
    ) -> Result<(String, SourceMap), Error> {
        execute_mapped(self, name, data, opts)
    }
}
