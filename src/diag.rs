//! Diagnostics: what went wrong with an input, where, in one sentence.
//!
//! Lower layers collect diagnostics instead of stopping; the top decides how to print them and
//! which exit code they mean. An `Error` means an input (or part of one) could not be read or
//! parsed, so what imgsift reports may be incomplete; a `Warning` means everything was read but
//! something deserves a look (an `image:` value the reference grammar rejects, say).

use std::fmt;

use serde::Serialize;

/// How serious a diagnostic is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// Input could not be read or parsed; the result may be missing images.
    Error,
    /// Everything was read, but something looks wrong.
    Warning,
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
        })
    }
}

/// One diagnostic. `line` and `column` count from 1; a problem with a whole file (it cannot be
/// opened, say) is placed at 1:1.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub struct Diagnostic {
    /// Path of the input as given (`-` for standard input).
    pub file: String,
    /// 1-based line.
    pub line: u64,
    /// 1-based column, in characters.
    pub column: u64,
    /// Error or warning.
    pub severity: Severity,
    /// One sentence saying what is wrong.
    pub message: String,
}

impl Diagnostic {
    /// An error at a position.
    pub fn error(file: &str, line: u64, column: u64, message: impl Into<String>) -> Diagnostic {
        Diagnostic {
            file: file.to_owned(),
            line: line.max(1),
            column: column.max(1),
            severity: Severity::Error,
            message: message.into(),
        }
    }

    /// A warning at a position.
    pub fn warning(file: &str, line: u64, column: u64, message: impl Into<String>) -> Diagnostic {
        Diagnostic {
            severity: Severity::Warning,
            ..Diagnostic::error(file, line, column, message)
        }
    }
}

impl fmt::Display for Diagnostic {
    /// `path:line:col: severity: message`, the shape compilers and linters use, so editors
    /// and CI annotators can jump to the place.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}:{}:{}: {}: {}",
            self.file, self.line, self.column, self.severity, self.message
        )
    }
}
