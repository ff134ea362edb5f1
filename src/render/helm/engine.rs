//! Helm's engine: every template of a chart and its subcharts in one namespace, executed with
//! the objects Helm gives them, and Helm's own functions.
//!
//! As Helm does: templates are named `chart/templates/x.yaml` (`chart/charts/sub/templates/...`
//! for a subchart, its alias when it has one); they are parsed deepest path first, then in
//! reverse byte order, so that a later `define` (the top chart's) wins; they are executed in
//! the same order, `_` files only parsed; each chart's templates see `.Values` (the subchart's
//! table of its parent's values, shared, so that `set` in one template is seen by later ones),
//! `.Release`, `.Chart`, `.Capabilities`, `.Files`, `.Subcharts` and `.Template`; every literal
//! `<no value>` is erased from the output. Unlike Helm, a template that fails does not stop the
//! others: its problem is recorded and the render goes on, so that a scan still lists what the
//! rest of the chart pulls.

use std::cell::RefCell;
use std::collections::{BTreeMap, HashMap};
use std::rc::Rc;

use gotemplate::{ExecOptions, FuncError, FuncMap, Map, Namespace, Signature, Type, Value};

use super::chart::Chart;
use super::objects::{Capabilities, Files};
use crate::documents::path::{KeyPathBuf, Seg};

/// How deep `include` may call the same template, as Helm bounds it.
const MAX_INCLUDE_RECURSION: usize = 1000;

/// The Go type of `.Values`, whose methods templates call (`.Values.AsMap`).
const VALUES_TYPE: &str = "common.Values";

/// What `fail` and `required` wrap their message in, so that Helm can tell it apart.
const WARN_START: &str = "HELM_ERR_START";
const WARN_END: &str = "HELM_ERR_END";

/// The release a render is for.
#[derive(Debug, Clone)]
pub struct Release {
    /// `.Release.Name`
    pub name: String,
    /// `.Release.Namespace`
    pub namespace: String,
    /// `.Release.IsUpgrade` (and not `.Release.IsInstall`).
    pub is_upgrade: bool,
}

impl Release {
    fn as_map(&self) -> Map {
        Map::from_entries([
            ("IsInstall", Value::Bool(!self.is_upgrade)),
            ("IsUpgrade", Value::Bool(self.is_upgrade)),
            ("Name", Value::str(&self.name)),
            ("Namespace", Value::str(&self.namespace)),
            ("Revision", Value::Int(1)),
            ("Service", Value::str("Helm")),
        ])
    }
}

/// A template that could not be parsed or executed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    /// The template's name (`chart/templates/x.yaml`).
    pub template: String,
    /// Where the failing action is: the template (or `define`) it is in, 1-based line and
    /// column, when known.
    pub at: Option<(String, u64, u64)>,
    /// The reason, in one sentence (a `fail` or `required` message as the chart wrote it).
    pub message: String,
    /// The error as `helm template` prints it.
    pub helm: String,
}

/// The output of every template that rendered, by template name, and the problems of those
/// that did not.
#[derive(Debug, Default)]
pub struct Output {
    /// Template name -> rendered text (`<no value>` erased).
    pub files: BTreeMap<String, String>,
    /// Templates that failed.
    pub problems: Vec<Problem>,
    /// Where each rendered template's output was written from: the output before `<no value>`
    /// was erased, its source map, and the offsets of the erased occurrences.
    pub maps: BTreeMap<String, Mapped>,
    /// Template name -> the file it is, as displayed.
    pub displays: BTreeMap<String, String>,
    /// What each trace mark stands for (indexed by mark), when the render was traced.
    pub marks: Vec<Mark>,
}

/// What a traced string was: a values key, or a field of a chart's `Chart.yaml`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Mark {
    /// A key of the top chart's values (a subchart's under its name or alias), and the
    /// length of its string.
    Values(KeyPathBuf, usize),
    /// A `Chart.yaml` field (`appVersion`, `version`) of the chart at this template path
    /// (`top/charts/sub`).
    Metadata {
        /// The chart's template path.
        chart: String,
        /// The field, as `Chart.yaml` spells it.
        field: &'static str,
        /// The length of its string.
        len: usize,
    },
}

/// A template's output as executed, with its source map.
#[derive(Debug, Clone)]
pub struct Mapped {
    /// The line breaks of the output before `<no value>` was erased.
    pub lines: gotemplate::OutputLines,
    /// Where it was written from.
    pub map: gotemplate::SourceMap,
    /// Offsets (in `original`) of the erased `<no value>`s.
    pub erased: Vec<usize>,
}

impl Mapped {
    /// The offset in the output as executed of byte `offset` of the erased output.
    pub fn original(&self, offset: usize) -> usize {
        original_offset(offset, &self.erased)
    }

    /// The offset in the erased output of byte `original` of the output as executed (an
    /// offset inside an erased `<no value>` goes to where it was).
    pub fn clean(&self, original: usize) -> usize {
        let mut shift = 0;
        for &at in &self.erased {
            if at >= original {
                break;
            }
            shift += "<no value>".len().min(original - at);
        }
        original - shift
    }

    /// The template file and 1-based line that wrote byte `offset` of the erased output.
    pub fn line_at(&self, offset: usize) -> Option<(&str, usize)> {
        self.map
            .line_at(&self.lines, original_offset(offset, &self.erased))
    }
}

/// One template with the data it runs with.
struct Renderable {
    display: String,
    text: String,
    data: Map,
    base_path: String,
}

/// Renders every template of `chart` (dependencies already processed) with `values` (already
/// coalesced) for `release`. When `trace` is set, each string of the values and each chart's
/// `appVersion` and `version` is marked, and every template's source map says which pieces of
/// its output were printed from them ([`Output::marks`]).
pub fn render(
    chart: &Chart,
    values: &Map,
    release: &Release,
    capabilities: Capabilities,
    limits: &ExecOptions,
    trace: bool,
) -> Output {
    let session = trace.then(gotemplate::trace::Session::start);
    let mut marks = Vec::new();
    if let Some(session) = &session {
        mark_values(session, values, &mut KeyPathBuf::default(), &mut marks);
    }
    let top = Map::from_entries([
        ("Capabilities", Value::Object(Rc::new(capabilities))),
        ("Release", Value::Map(release.as_map())),
        ("Values", Value::Map(values.named_view(VALUES_TYPE))),
    ]);
    let mut templates: BTreeMap<String, Renderable> = BTreeMap::new();
    collect(chart, &top, "", true, &mut templates);
    if let Some(session) = &session {
        for renderable in templates.values() {
            mark_metadata(session, renderable, &mut marks);
        }
    }
    let mut names: Vec<String> = templates.keys().cloned().collect();
    // Helm's `sortTemplates`: deepest paths first, then reverse byte order.
    names.sort_by(|a, b| {
        let depth = |s: &str| s.matches('/').count();
        depth(b).cmp(&depth(a)).then_with(|| b.cmp(a))
    });
    let mut namespace = Namespace::with_name("gotpl", funcs());
    let mut output = Output::default();
    for (name, renderable) in &templates {
        output
            .displays
            .insert(name.clone(), renderable.display.clone());
    }
    let mut parsed = Vec::new();
    for name in &names {
        let Some(renderable) = templates.get(name) else {
            continue;
        };
        match namespace.add(name, &renderable.text) {
            Ok(()) => parsed.push(name.clone()),
            Err(err) => output.problems.push(parse_problem(name, &err)),
        }
    }
    for name in parsed {
        let base = name.rsplit('/').next().unwrap_or(&name);
        if base.starts_with('_') {
            continue;
        }
        let Some(renderable) = templates.get(&name) else {
            continue;
        };
        renderable.data.insert(
            "Template",
            Value::Map(Map::from_entries([
                ("BasePath", Value::str(&renderable.base_path)),
                ("Name", Value::str(&name)),
            ])),
        );
        match namespace.execute_mapped(&name, Value::Map(renderable.data.clone()), limits) {
            Ok((text, map)) => {
                let (clean, erased) = erase_no_value(&text);
                output.files.insert(name.clone(), clean);
                output.maps.insert(
                    name,
                    Mapped {
                        lines: gotemplate::OutputLines::new(&text),
                        map,
                        erased,
                    },
                );
            }
            Err(err) => output.problems.push(exec_problem(&name, &err)),
        }
    }
    output.marks = marks;
    output
}

/// How deep values are walked for marks: deeper strings are seldom image parts, and the walk
/// must stay bounded whatever the values.
const MAX_MARK_DEPTH: usize = 32;

/// Marks every string of `values`, `global` first at each level, so that a global copied into
/// a subchart's table keeps the key a user sets (`global.imageRegistry`).
fn mark_values(
    session: &gotemplate::trace::Session,
    values: &Map,
    path: &mut KeyPathBuf,
    marks: &mut Vec<Mark>,
) {
    let mut entries = values.entries();
    entries.sort_by_key(|(key, _)| key != "global");
    for (key, value) in entries {
        path.0.push(Seg::key(&key));
        mark_value(session, &value, path, marks);
        path.0.pop();
    }
}

fn mark_value(
    session: &gotemplate::trace::Session,
    value: &Value,
    path: &mut KeyPathBuf,
    marks: &mut Vec<Mark>,
) {
    if path.0.len() > MAX_MARK_DEPTH {
        return;
    }
    match value {
        Value::String(s) => {
            let Ok(mark) = u32::try_from(marks.len()) else {
                return;
            };
            marks.push(Mark::Values(path.clone(), s.len()));
            session.mark(s, mark);
        }
        Value::Map(map) => mark_values(session, map, path, marks),
        Value::List(items) => {
            for (i, item) in items.iter().enumerate() {
                path.0.push(Seg::Index(i));
                mark_value(session, item, path, marks);
                path.0.pop();
            }
        }
        _ => {}
    }
}

/// Marks the `.Chart.AppVersion` and `.Chart.Version` a template sees (tags that charts
/// default to), once per chart.
fn mark_metadata(
    session: &gotemplate::trace::Session,
    renderable: &Renderable,
    marks: &mut Vec<Mark>,
) {
    let Some(Value::Map(chart)) = renderable.data.get("Chart") else {
        return;
    };
    let path = renderable
        .base_path
        .strip_suffix("/templates")
        .unwrap_or(&renderable.base_path);
    for (name, field) in [("AppVersion", "appVersion"), ("Version", "version")] {
        if let Some(Value::String(s)) = chart.get(name) {
            if session.is_marked(&s) {
                continue;
            }
            let Ok(mark) = u32::try_from(marks.len()) else {
                return;
            };
            marks.push(Mark::Metadata {
                chart: path.to_owned(),
                field,
                len: s.len(),
            });
            session.mark(&s, mark);
        }
    }
}

/// Helm's `recAllTpls`: the templates of `chart` and its subcharts, each with its chart's data.
fn collect(
    chart: &Chart,
    parent: &Map,
    parent_path: &str,
    is_root: bool,
    templates: &mut BTreeMap<String, Renderable>,
) -> Map {
    let chart_map = chart.metadata.as_map();
    chart_map.insert("IsRoot", Value::Bool(is_root));
    let subcharts = Map::new();
    let values = if is_root {
        parent.get("Values").unwrap_or(Value::Map(Map::new()))
    } else {
        match parent
            .get("Values")
            .and_then(|v| v.as_map())
            .and_then(|v| v.get(chart.name()))
        {
            // Helm's `Table` converts the sub-table to `common.Values`, sharing it.
            Some(Value::Map(table)) => Value::Map(table.named_view(VALUES_TYPE)),
            _ => Value::Map(Map::new().named_view(VALUES_TYPE)),
        }
    };
    let data = Map::from_entries([
        ("Chart", Value::Map(chart_map)),
        ("Files", Value::Object(Rc::new(Files::new(&chart.files)))),
        ("Release", parent.get("Release").unwrap_or(Value::Nil)),
        (
            "Capabilities",
            parent.get("Capabilities").unwrap_or(Value::Nil),
        ),
        ("Values", values),
        ("Subcharts", Value::Map(subcharts.clone())),
    ]);
    let full_path = if is_root {
        chart.name().to_owned()
    } else {
        format!("{parent_path}/charts/{}", chart.name())
    };
    for sub in &chart.dependencies {
        let sub_data = collect(sub, &data, &full_path, false, templates);
        subcharts.insert(sub.name(), Value::Map(sub_data));
    }
    for template in &chart.templates {
        let base = template.name.rsplit('/').next().unwrap_or(&template.name);
        if chart.metadata.is_library() && !base.starts_with('_') {
            continue;
        }
        templates.insert(
            format!("{full_path}/{}", template.name),
            Renderable {
                display: chart.file_display(&template.name),
                text: String::from_utf8_lossy(&template.data).into_owned(),
                data: data.clone(),
                base_path: format!("{full_path}/templates"),
            },
        );
    }
    data
}

/// Sprig's functions and Helm's, as Helm registers them for `helm template`.
fn funcs() -> FuncMap {
    let sprig = gotemplate::sprig::funcs();
    let mut map = FuncMap::new();
    for name in sprig.names() {
        // Helm removes these: a chart must not read the environment of whoever renders it.
        if name == "env" || name == "expandenv" {
            continue;
        }
        if let Some(f) = sprig.get(&name) {
            map.insert(name, f.clone());
        }
    }
    super::data_funcs::register(&mut map);
    let included: Rc<RefCell<HashMap<String, usize>>> = Rc::default();
    map.add(
        "include",
        Signature::new(vec![Type::String, Type::Any], Type::String),
        move |ctx, args| {
            let name = args.first().and_then(Value::as_str).unwrap_or_default().to_owned();
            let data = args.get(1).cloned().unwrap_or(Value::Nil);
            {
                let mut counts = included.borrow_mut();
                let count = counts.entry(name.clone()).or_insert(0);
                if *count > MAX_INCLUDE_RECURSION {
                    return Err(FuncError::new(format!(
                        "rendering template has a nested reference name: {name}: unable to execute template"
                    )));
                }
                *count += 1;
            }
            let result = ctx.execute_value(&name, data);
            if let Some(count) = included.borrow_mut().get_mut(&name) {
                *count = count.saturating_sub(1);
            }
            Ok(result?)
        },
    );
    map.add(
        "tpl",
        Signature::new(vec![Type::String, Type::Any], Type::String),
        |ctx, args| {
            let text = args
                .first()
                .and_then(Value::as_str)
                .unwrap_or_default()
                .to_owned();
            let data = args.get(1).cloned().unwrap_or(Value::Nil);
            let name = ctx.namespace().name().to_owned();
            match ctx.parse_and_execute_value(&name, &text, data) {
                // The output as is when nothing is erased, so that its trace pieces stay.
                Ok(out) if !out.as_str().is_some_and(|s| s.contains("<no value>")) => Ok(out),
                Ok(out) => Ok(Value::str(
                    &out.as_str().unwrap_or_default().replace("<no value>", ""),
                )),
                Err(err) if err.kind() == gotemplate::ErrorKind::Parse => Err(FuncError::new(
                    format!("cannot parse template {text:?}: {err}"),
                )),
                Err(err) => Err(FuncError::new(format!(
                    "error during tpl function execution for {text:?}: {err}"
                ))),
            }
        },
    );
    map.add(
        "required",
        Signature::new(vec![Type::String, Type::Any], Type::Any),
        |_, args| {
            let warn = args.first().and_then(Value::as_str).unwrap_or_default();
            let value = args.get(1).cloned().unwrap_or(Value::Nil);
            let missing = value.is_nil() || value.as_str() == Some("");
            if missing {
                return Err(FuncError::new(format!("{WARN_START}{warn}{WARN_END}")));
            }
            Ok(value)
        },
    );
    map.add(
        "fail",
        Signature::new(vec![Type::String], Type::String),
        |_, args| {
            let message = args.first().and_then(Value::as_str).unwrap_or_default();
            Err(FuncError::new(format!("{WARN_START}{message}{WARN_END}")))
        },
    );
    // Methods of `common.Values`: the map itself, a sub-table, a value at a path, as YAML.
    let values = Type::Named(Rc::from(VALUES_TYPE));
    map.add_method(
        VALUES_TYPE,
        "AsMap",
        gotemplate::Function::new(
            Signature::new(vec![values.clone()], Type::Map),
            |_, args| match args.first() {
                Some(Value::Map(m)) if !m.is_empty() => Ok(Value::Map(m.view(None))),
                _ => Ok(Value::Map(Map::new())),
            },
        ),
    );
    map.add_method(
        VALUES_TYPE,
        "YAML",
        gotemplate::Function::new(
            Signature::new(vec![values.clone()], Type::String),
            |_, args| {
                let value = args.first().cloned().unwrap_or(Value::Nil);
                Ok(Value::str(&format!("{}\n", super::yaml::to_yaml(&value))))
            },
        ),
    );
    map.add_method(
        VALUES_TYPE,
        "Table",
        gotemplate::Function::new(
            Signature::new(vec![values.clone(), Type::String], values.clone()),
            |_, args| {
                let (Some(Value::Map(m)), Some(name)) =
                    (args.first(), args.get(1).and_then(Value::as_str))
                else {
                    return Ok(Value::Map(Map::new().named_view(VALUES_TYPE)));
                };
                match super::values::table(m, name) {
                    Some(t) => Ok(Value::Map(t.named_view(VALUES_TYPE))),
                    None => Err(FuncError::new(format!("no table named {name:?}"))),
                }
            },
        ),
    );
    map.add_method(
        VALUES_TYPE,
        "PathValue",
        gotemplate::Function::new(
            Signature::new(vec![values, Type::String], Type::Any),
            |_, args| {
                let (Some(Value::Map(m)), Some(path)) =
                    (args.first(), args.get(1).and_then(Value::as_str))
                else {
                    return Ok(Value::Nil);
                };
                match super::values::path_value(m, path) {
                    Some(v) => Ok(v),
                    None => Err(FuncError::new(format!(
                        "{:?} is not a value",
                        path.rsplit('.').next().unwrap_or(path)
                    ))),
                }
            },
        ),
    );
    // `helm template` talks to no cluster: `lookup` finds nothing, DNS answers nothing.
    map.add(
        "lookup",
        Signature::new(
            vec![Type::String, Type::String, Type::String, Type::String],
            Type::Map,
        ),
        |_, _| Ok(Value::Map(Map::new())),
    );
    map.add(
        "getHostByName",
        Signature::new(vec![Type::String], Type::String),
        |_, _| Ok(Value::str("")),
    );
    map
}

/// Helm's erasure of every literal `<no value>`, and the offsets of `text` it shifts: for
/// each erased occurrence, its offset in the original text.
pub fn erase_no_value(text: &str) -> (String, Vec<usize>) {
    let mut erased = Vec::new();
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    let mut consumed = 0;
    while let Some(i) = rest.find("<no value>") {
        out.push_str(&rest[..i]);
        erased.push(consumed + i);
        consumed += i + "<no value>".len();
        rest = &rest[i + "<no value>".len()..];
    }
    out.push_str(rest);
    (out, erased)
}

/// The offset in the original text of `offset` in the erased one.
pub fn original_offset(offset: usize, erased: &[usize]) -> usize {
    let mut original = offset;
    for &at in erased {
        if at <= original {
            original += "<no value>".len();
        } else {
            break;
        }
    }
    original
}

/// The text between Helm's markers, if the message holds a `fail` or `required` message.
fn warning(text: &str) -> Option<&str> {
    let start = text.find(WARN_START)? + WARN_START.len();
    let end = text[start..].rfind(WARN_END)? + start;
    Some(&text[start..end])
}

fn location_of(err: &gotemplate::Error) -> Option<(String, u64, u64)> {
    err.location().map(|l| {
        (
            l.name.clone(),
            l.line as u64,
            l.col.map_or(1, |c| c as u64 + 1),
        )
    })
}

fn parse_problem(name: &str, err: &gotemplate::Error) -> Problem {
    let text = err.to_string();
    // Helm: `parse error at (LOCATION): MESSAGE`.
    let tokens: Vec<&str> = text.split(": ").collect();
    let helm = if tokens.len() > 1 {
        format!(
            "parse error at ({}): {}",
            tokens[1],
            tokens.last().unwrap_or(&"")
        )
    } else {
        format!("parse error in ({name}): {text}")
    };
    Problem {
        template: name.to_owned(),
        at: location_of(err),
        message: err.message().into_owned(),
        helm,
    }
}

fn exec_problem(name: &str, err: &gotemplate::Error) -> Problem {
    let text = err.to_string();
    let innermost = err.innermost();
    let at = location_of(innermost).or_else(|| location_of(err));
    if let Some(message) = warning(&text) {
        // Helm names the outermost location: the action of this template that failed.
        let location = text.split(": ").nth(1).unwrap_or(name).to_owned();
        return Problem {
            template: name.to_owned(),
            at,
            message: message.to_owned(),
            helm: format!("execution error at ({location}): {message}"),
        };
    }
    Problem {
        template: name.to_owned(),
        at,
        message: innermost.message().into_owned(),
        helm: text,
    }
}
