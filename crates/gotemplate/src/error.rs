//! Errors of parsing and execution, carrying what Go puts in its messages
//! (template name, line, column, the node being executed) as separate parts,
//! and formatting them exactly as Go does.

use std::borrow::Cow;
use std::fmt;

/// What went wrong, broadly.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ErrorKind {
    /// The template text does not parse.
    Parse,
    /// Execution failed (Go's `ExecError`).
    Exec,
    /// An execution limit was reached (output size, depth, steps).
    Limit,
}

/// Where an error happened: the name the template was parsed under (a file
/// in Helm), the 1-based line and the column. Columns are Go's: the 0-based
/// byte offset in the line. Parse errors have no column in Go's message;
/// `col` is still filled in when known.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Location {
    /// Name of the template the source text was added under.
    pub name: String,
    /// 1-based line.
    pub line: usize,
    /// 0-based byte column, as Go reports it.
    pub col: Option<usize>,
}

/// An error from a function called by a template: the message, and the
/// template error inside it when the function executed a template itself
/// (Helm's `include` and `tpl`).
#[derive(Clone, Debug, PartialEq)]
pub struct FuncError {
    message: String,
    source: Option<Box<Error>>,
}

impl FuncError {
    /// An error with this message; the engine reports it as
    /// `error calling NAME: MESSAGE`.
    pub fn new(message: impl Into<String>) -> FuncError {
        FuncError {
            message: message.into(),
            source: None,
        }
    }

    /// The message (for a wrapped template error, that error's full text).
    pub fn message(&self) -> Cow<'_, str> {
        match &self.source {
            Some(e) => Cow::Owned(e.to_string()),
            None => Cow::Borrowed(&self.message),
        }
    }

    /// The template error this one wraps, if any.
    pub fn template_error(&self) -> Option<&Error> {
        self.source.as_deref()
    }
}

impl From<Error> for FuncError {
    fn from(e: Error) -> Self {
        // The text is formatted on demand: errors of nested templates nest as
        // deep as the templates, and storing each level's full text would
        // take memory quadratic in the depth.
        FuncError {
            message: String::new(),
            source: Some(Box::new(e)),
        }
    }
}

impl Drop for FuncError {
    fn drop(&mut self) {
        if let Some(e) = self.source.take() {
            stacker::maybe_grow(64 * 1024, 1024 * 1024, move || drop(e));
        }
    }
}

impl From<crate::value::ValueError> for FuncError {
    fn from(e: crate::value::ValueError) -> Self {
        FuncError::new(e.0)
    }
}

impl From<String> for FuncError {
    fn from(s: String) -> Self {
        FuncError::new(s)
    }
}

impl From<&str> for FuncError {
    fn from(s: &str) -> Self {
        FuncError::new(s)
    }
}

impl fmt::Display for FuncError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.source {
            Some(e) => stacker::maybe_grow(64 * 1024, 1024 * 1024, || fmt::Display::fmt(e, f)),
            None => f.write_str(&self.message),
        }
    }
}

impl std::error::Error for FuncError {}

/// A parse or execution error. `Display` gives Go's text, e.g.
/// `template: t.yaml:3:12: executing "t.yaml" at <.Values.x.y>: nil pointer evaluating interface {}.y`;
/// [`message`](Error::message) gives the part after the context.
#[derive(Clone, Debug, PartialEq)]
pub struct Error(Box<Inner>);

#[derive(Clone, Debug, PartialEq)]
pub(crate) struct Inner {
    pub(crate) kind: ErrorKind,
    pub(crate) template: String,
    pub(crate) location: Option<Location>,
    pub(crate) context: Option<String>,
    pub(crate) message: String,
    pub(crate) func: Option<(String, FuncError)>,
    /// Displayed as the bare message (Go errors without the usual prefix).
    pub(crate) bare: bool,
}

impl Error {
    /// An error whose whole text is `message` (Go's "template: no template
    /// ... associated with template ...").
    pub(crate) fn bare(kind: ErrorKind, template: &str, message: String) -> Error {
        let mut e = Error::plain(kind, template, message);
        e.0.bare = true;
        e
    }

    /// An execution error at a node.
    pub(crate) fn at(
        kind: ErrorKind,
        template: &str,
        location: Location,
        context: String,
        message: String,
    ) -> Error {
        Error(Box::new(Inner {
            kind,
            template: template.to_string(),
            location: Some(location),
            context: Some(context),
            message,
            func: None,
            bare: false,
        }))
    }

    /// Marks this as `error calling NAME: ...` around a function's error.
    pub(crate) fn with_func(mut self, name: &str, e: FuncError) -> Error {
        self.0.func = Some((name.to_string(), e));
        self
    }

    pub(crate) fn parse(
        parse_name: &str,
        line: usize,
        col: Option<usize>,
        message: String,
    ) -> Error {
        Error(Box::new(Inner {
            kind: ErrorKind::Parse,
            template: parse_name.to_string(),
            location: Some(Location {
                name: parse_name.to_string(),
                line,
                col,
            }),
            context: None,
            message,
            func: None,
            bare: false,
        }))
    }

    /// An error with only a message, as Go's `template: NAME: MESSAGE`.
    pub(crate) fn plain(kind: ErrorKind, template: &str, message: String) -> Error {
        Error(Box::new(Inner {
            kind,
            template: template.to_string(),
            location: None,
            context: None,
            message,
            func: None,
            bare: false,
        }))
    }

    /// Parse, execution, or limit.
    pub fn kind(&self) -> ErrorKind {
        self.0.kind
    }

    /// The template that was executing (for parse errors: being parsed).
    pub fn template(&self) -> &str {
        &self.0.template
    }

    /// Where it happened.
    pub fn location(&self) -> Option<&Location> {
        self.0.location.as_ref()
    }

    /// The text of the node being executed (Go's `<...>` part).
    pub fn context(&self) -> Option<&str> {
        self.0.context.as_deref()
    }

    /// The message proper, without location and context, e.g.
    /// `nil pointer evaluating interface {}.y` or
    /// `error calling include: template: ...`.
    pub fn message(&self) -> Cow<'_, str> {
        match &self.0.func {
            Some((name, fe)) => Cow::Owned(format!("error calling {name}: {fe}")),
            None => Cow::Borrowed(&self.0.message),
        }
    }

    fn write_message(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.0.func {
            Some((name, fe)) => write!(f, "error calling {name}: {fe}"),
            None => f.write_str(&self.0.message),
        }
    }

    /// For `error calling NAME: ...`: the function's name and its error.
    pub fn func_error(&self) -> Option<(&str, &FuncError)> {
        self.0.func.as_ref().map(|(n, e)| (n.as_str(), e))
    }

    /// The innermost error: following function errors that wrap template
    /// errors (an `include` inside an `include` ...), the last template error.
    pub fn innermost(&self) -> &Error {
        let mut e = self;
        while let Some((_, fe)) = &e.0.func {
            match fe.template_error() {
                Some(inner) => e = inner,
                None => break,
            }
        }
        e
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.0.bare {
            return self.write_message(f);
        }
        match (&self.0.kind, &self.0.location, &self.0.context) {
            (ErrorKind::Parse, Some(loc), _) => write!(f, "template: {}:{}: ", loc.name, loc.line)?,
            (_, Some(loc), Some(ctx)) => write!(
                f,
                "template: {}:{}:{}: executing {} at <{}>: ",
                loc.name,
                loc.line,
                loc.col.unwrap_or(0),
                crate::strconv::quote(&self.0.template, false),
                ctx,
            )?,
            _ => write!(f, "template: {}: ", self.0.template)?,
        }
        self.write_message(f)
    }
}

impl std::error::Error for Error {}
