//! Diagnostics: what went wrong with an input, where, in one sentence, with a stable code.
//!
//! Lower layers collect diagnostics instead of stopping; the top decides how to print them and
//! which exit code they mean. An `Error` means an input (or part of one) could not be read or
//! parsed, so what imgsift reports may be incomplete; a `Warning` means everything was read but
//! something deserves a look (an `image:` value the reference grammar rejects, say).
//!
//! Every diagnostic has a [`Code`]: a letter for the layer that found it and a number, stable
//! across releases so that users can grep for one and scripts can filter on it. The list, with
//! a sentence on each, is docs/diagnostics.md; a test keeps the two in step.

use std::fmt;

use crate::escape::Printable;

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

macro_rules! codes {
    ($($(#[doc = $doc:literal])* $name:ident = $code:literal,)*) => {
        /// The stable code of a diagnostic: `I` inputs, `D` documents, `R` image references,
        /// `V` values files, `K` kustomize builds, `H` Helm charts, `A` Argo CD objects, `O` outputs,
        /// `C` the rule file.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub enum Code {
            $($(#[doc = $doc])* $name,)*
        }

        impl Code {
            /// Every code, in order.
            pub const ALL: &'static [Code] = &[$(Code::$name,)*];

            /// The code as printed (`D001`).
            pub fn as_str(self) -> &'static str {
                match self {
                    $(Code::$name => $code,)*
                }
            }

            /// What the code means, in one sentence (the first line of its documentation).
            pub fn summary(self) -> &'static str {
                match self {
                    $(Code::$name => first_doc_line(&[$($doc),*]),)*
                }
            }
        }
    };
}

const fn first_doc_line(lines: &[&'static str]) -> &'static str {
    match lines.first() {
        Some(line) => line.trim_ascii_start(),
        None => "",
    }
}

codes! {
    /// An input named on the command line, or a file found in a walk, cannot be opened or read.
    Unreadable = "I001",
    /// A file found in a walk is a pipe or a device, which is never opened.
    NotRegularFile = "I002",
    /// A symbolic link found in a walk points at nothing.
    BrokenLink = "I003",
    /// A directory entry cannot be listed.
    WalkFailed = "I004",
    /// Reading a stream failed after part of it was read.
    ReadStopped = "I005",
    /// A chart archive (`.tgz`) is damaged, or one of its members is over a bound.
    Archive = "I006",
    /// A document is not valid YAML.
    InvalidYaml = "D001",
    /// A document is larger than the size bound and was skipped.
    DocumentTooLarge = "D002",
    /// A document is not UTF-8 text.
    NotUtf8 = "D003",
    /// A document holds a NUL byte: binary data.
    Binary = "D004",
    /// A document has more nodes than the node bound.
    TooManyNodes = "D005",
    /// A document nests deeper than the depth bound, aliases included.
    TooDeep = "D006",
    /// A document's aliases expand beyond the expansion bound.
    AliasExpansion = "D007",
    /// An alias refers to an anchor that is not complete (a recursive alias).
    RecursiveAlias = "D008",
    /// A mapping gives one key twice.
    DuplicateKey = "D009",
    /// A document that is not valid YAML was read line by line for image references.
    ReadAsText = "D010",
    /// A field that holds an image has a value the reference grammar rejects.
    NotAReference = "R001",
    /// An image reference has leading or trailing white space, which Kubernetes refuses.
    WhiteSpace = "R002",
    /// A field that holds an image holds something other than a string.
    NotAString = "R003",
    /// A values entry has no tag, and neither the manifests nor the chart give one.
    Unresolved = "V001",
    /// A values entry names an image that no manifest scanned with it uses.
    Unused = "V002",
    /// A Secret was named as a values file; a Secret is never read, whatever flag names it.
    SecretNotRead = "V003",
    /// A kustomization names a remote resource, which is not fetched.
    Remote = "K001",
    /// A kustomization field that imgsift does not build (plugins).
    NotBuilt = "K002",
    /// A kustomization field that is read but not applied, or not known.
    Ignored = "K003",
    /// Kustomizations include each other in a cycle.
    Cycle = "K004",
    /// Kustomizations nest deeper than the nesting bound.
    NestedTooDeep = "K005",
    /// A build reads more bytes, resources or nodes than its budget.
    Budget = "K006",
    /// A file or folder a kustomization names cannot be read.
    Missing = "K007",
    /// A folder a kustomization names has no kustomization file.
    NotAKustomization = "K008",
    /// A kustomization entry is malformed (a missing `name`, a patch without a target).
    Malformed = "K009",
    /// A resource is not a Kubernetes object (it has no `kind`).
    NotAnObject = "K010",
    /// A patch, replacement or generator matches nothing and was not applied.
    NotApplied = "K011",
    /// A kustomization file holds more than one document.
    ExtraDocuments = "K012",
    /// An `images` entry's name is not a pattern kustomize can match.
    Pattern = "K013",
    /// A file is outside the kustomization's root (load restrictor).
    OutsideRoot = "K014",
    /// A `helmCharts` entry's chart is not in the chart home; imgsift pulls no chart.
    ChartMissing = "K015",
    /// A Helm chart cannot be loaded (a bad `Chart.yaml`, an archive out of bounds).
    ChartUnloadable = "H001",
    /// A Helm chart cannot be rendered at all (a missing dependency, a `kubeVersion` refused).
    ChartUnrenderable = "H002",
    /// A template of a Helm chart fails to parse or execute (`fail`, `required`, an error).
    TemplateFailed = "H003",
    /// A K3s `HelmChart`'s chart is not embedded in it (`chartContent`); imgsift pulls no chart.
    ChartNotEmbedded = "H004",
    /// A K3s `HelmChartConfig` without its `HelmChart`, two objects of one name, or a nested one.
    ///
    /// A nested `HelmChart` is one that an embedded chart's render writes: it is not rendered
    /// in turn.
    HelmChartUnpaired = "H005",
    /// A chart an object installs is in neither the scanned tree nor a `--charts` folder.
    ///
    /// An Argo CD path source whose folder is not in the scanned tree is one too.
    ChartNotFound = "H006",
    /// A ConfigMap of values or a chart source that a Flux `HelmRelease` names is not in the scan.
    FluxObjectMissing = "H007",
    /// A Flux `HelmRelease` field that imgsift does not apply, or a chart it cannot name.
    ///
    /// Post-renderer patches that touch images, `valuesFiles`, a chart path outside the
    /// scanned folder, an object naming no chart (an error: the API server refuses it).
    FluxNotApplied = "H008",
    /// An Argo CD source names a folder or values file outside the repository, which is not read.
    ///
    /// An absolute `path`, or one that `..` or a symbolic link leads out of the scanned tree:
    /// Argo CD refuses both.
    ArgoOutside = "A001",
    /// A values file an Argo CD source names is missing or is not a values file; it is left out.
    ArgoValuesFile = "A002",
    /// A field of an Argo CD `Application` or `ApplicationSet` that imgsift does not apply.
    ///
    /// `fileParameters`, a plugin, a remote or glob values file, `kustomize.patches`, a
    /// generator whose Applications depend on data imgsift does not have.
    ArgoNotApplied = "A003",
    /// Argo CD would refuse an `Application` source or an `ApplicationSet` template.
    ///
    /// Several source types at once, a type that does not fit the folder, a template or
    /// element that cannot be rendered.
    ArgoRefused = "A004",
    /// An overlay key would need two different values; the first is written.
    Conflict = "O001",
    /// An image cannot be pointed at the private registry in the shape its values use.
    Unmappable = "O002",
    /// A manifest image that a kustomization's `images:` list cannot reach.
    OutOfReach = "O003",
    /// An image of a chart's render that no value of the overlay points at the registry.
    NotReached = "O004",
    /// The rule file cannot be read, or is not one YAML document.
    ///
    /// `--config FILE` naming a file that is not there is this error; a `.imgsift.yaml` that
    /// the upward search does not find is nothing.
    RuleFileUnreadable = "C001",
    /// A rule file key that imgsift does not know; the rule holding it is left out.
    RuleUnknownKey = "C002",
    /// A rule file value of the wrong type, or a rule missing a required field.
    RuleWrongType = "C003",
    /// An exclusion's reference glob or object pattern is malformed.
    RuleBadPattern = "C004",
    /// An `imageExtractors` entry or a values shape is malformed, or uses `jmesPath`.
    RuleBadExtractor = "C005",
    /// An image reference of the rule file is rejected by the reference grammar.
    RuleBadReference = "C006",
    /// A rule matched nothing in the whole run.
    RuleUnmatched = "C007",
}

impl Code {
    /// The codes of a chart that is not at hand (the list is known to be incomplete):
    /// `--allow-missing-charts` makes them warnings, and the commands that fetch or point at
    /// charts (`charts`, `mirror --charts`, `overlay --charts-registry`) leave them out.
    pub const CHART_NOT_AT_HAND: [Code; 3] = [
        Code::ChartMissing,
        Code::ChartNotEmbedded,
        Code::ChartNotFound,
    ];
}

impl fmt::Display for Code {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Serialize for Code {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.as_str())
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
    /// The stable code.
    pub code: Code,
}

impl Diagnostic {
    /// An error at a position.
    pub fn error(
        code: Code,
        file: &str,
        line: u64,
        column: u64,
        message: impl Into<String>,
    ) -> Diagnostic {
        Diagnostic {
            file: file.to_owned(),
            line: line.max(1),
            column: column.max(1),
            severity: Severity::Error,
            message: message.into(),
            code,
        }
    }

    /// A warning at a position.
    pub fn warning(
        code: Code,
        file: &str,
        line: u64,
        column: u64,
        message: impl Into<String>,
    ) -> Diagnostic {
        Diagnostic {
            severity: Severity::Warning,
            ..Diagnostic::error(code, file, line, column, message)
        }
    }

    /// Whether it is an error.
    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }
}

impl fmt::Display for Diagnostic {
    /// `path:line:col: severity[code]: message`, the shape compilers and linters use, so
    /// editors and CI annotators can jump to the place and scripts can filter on the code.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // File names and messages quote inputs: escaped, so that one diagnostic is one line.
        write!(
            f,
            "{}:{}:{}: {}[{}]: {}",
            Printable(&self.file),
            self.line,
            self.column,
            self.severity,
            self.code,
            Printable(&self.message)
        )
    }
}

/// A sentence for an I/O error, without Rust's `(os error N)` suffix.
pub fn describe_io_error(err: &std::io::Error) -> String {
    match err.kind() {
        std::io::ErrorKind::NotFound => "no such file or directory".to_owned(),
        std::io::ErrorKind::PermissionDenied => "permission denied".to_owned(),
        _ => {
            let text = err.to_string();
            match text.find(" (os error") {
                Some(i) => text[..i].to_lowercase(),
                None => text,
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_unique_and_documented() {
        let mut seen = std::collections::BTreeSet::new();
        for code in Code::ALL {
            assert!(seen.insert(code.as_str()), "{code} twice");
            assert!(!code.summary().is_empty(), "{code} has no summary");
        }
    }

    #[test]
    fn docs_list_every_code_with_its_meaning() {
        let docs = include_str!("../docs/diagnostics.md");
        let listed: Vec<(&str, &str)> = docs
            .lines()
            .filter_map(|line| {
                let mut cells = line.strip_prefix("| `")?.split(" | ");
                let code = cells.next()?.strip_suffix('`')?;
                let _severity = cells.next()?;
                Some((code, cells.next()?))
            })
            .collect();
        let expected: Vec<(&str, &str)> = Code::ALL
            .iter()
            .map(|c| (c.as_str(), c.summary()))
            .collect();
        assert_eq!(
            listed, expected,
            "docs/diagnostics.md and diag::Code disagree"
        );
    }
}
