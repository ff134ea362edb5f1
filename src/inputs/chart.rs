//! Helm charts as inputs: the one place that decides what a chart is.
//!
//! A chart is a folder holding `Chart.yaml` (or a `.tgz` of one). Its `values.yaml` is a values
//! file whatever it holds; its `templates/` are Go templates, not YAML; its `values.schema.json`
//! describes values and holds no image; its dependencies are vendored under `charts/`, as
//! folders or as archives. A `Chart.yaml` is also recognised by its content, wherever it is
//! found (an archive member, a file named on its own): `apiVersion` `v1` or `v2`, a `name`, a
//! `version` and no `kind`. Everything that asks one of these questions asks it here.

use std::io::Read;
use std::path::{Path, PathBuf};

use flate2::read::GzDecoder;

use super::glob;
use crate::documents::{Doc, Limits, NodeId, yaml};

/// The file that makes a folder a chart.
pub const METADATA_FILE: &str = "Chart.yaml";

/// A chart's default values.
pub const VALUES_FILE: &str = "values.yaml";

/// Whether `dir` is a chart folder.
pub fn is_chart_dir(dir: &Path) -> bool {
    dir.join(METADATA_FILE).is_file()
}

/// Whether a file sits in a chart folder (beside a `Chart.yaml`).
fn in_chart(path: &Path) -> bool {
    path.parent().is_some_and(is_chart_dir)
}

/// Whether `path` is a chart's `values.yaml`.
pub fn is_values_file(path: &Path) -> bool {
    path.file_name().is_some_and(|n| n == VALUES_FILE) && in_chart(path)
}

/// Whether `path` is a chart's values schema.
pub fn is_values_schema(path: &Path) -> bool {
    path.file_name().is_some_and(|n| n == "values.schema.json") && in_chart(path)
}

/// Whether `dir` is the `templates/` folder of a chart.
pub fn is_templates_dir(dir: &Path) -> bool {
    dir.file_name().is_some_and(|n| n == "templates") && in_chart(dir)
}

/// Whether a file is named like a packaged chart.
pub fn is_archive_name(path: &Path) -> bool {
    path.file_name()
        .and_then(|n| n.to_str())
        .is_some_and(is_archive_file_name)
}

fn is_archive_file_name(name: &str) -> bool {
    name.ends_with(".tgz") || name.ends_with(".tar.gz")
}

/// A packaged subchart: an archive in the `charts/` folder of a chart.
pub fn is_subchart_archive(path: &Path) -> bool {
    is_archive_name(path)
        && path.parent().is_some_and(|charts| {
            charts.file_name().is_some_and(|n| n == "charts")
                && charts.parent().is_some_and(is_chart_dir)
        })
}

/// What imgsift reads from a chart's `Chart.yaml`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChartMeta {
    /// `appVersion`, as written (trimmed; `None` when absent or empty).
    pub app_version: Option<String>,
}

impl ChartMeta {
    /// The metadata of the document at `root`, when it is a `Chart.yaml` (by its content).
    pub fn from_doc(doc: &Doc<'_>, root: NodeId) -> Option<ChartMeta> {
        let is_chart = doc.is_map(root)
            && doc.get(root, "kind").is_none()
            && matches!(doc.str_at(root, &["apiVersion"]), Some("v1" | "v2"))
            && doc.str_at(root, &["name"]).is_some()
            && doc.get(root, "version").is_some();
        is_chart.then(|| ChartMeta {
            app_version: app_version(doc, root),
        })
    }

    /// The metadata in the `Chart.yaml` of folder `dir` on disk, when there is a readable one
    /// within the document bound. Unlike [`ChartMeta::from_doc`], any mapping counts: the file
    /// is named as a chart's, and only its `appVersion` is read.
    pub fn read_dir(dir: &Path, limits: &Limits) -> Option<ChartMeta> {
        let path = dir.join(METADATA_FILE);
        let meta = std::fs::metadata(&path).ok()?;
        if !meta.is_file() || meta.len() > limits.max_document_bytes as u64 {
            return None;
        }
        let text = std::fs::read_to_string(&path).ok()?;
        let docs = yaml::load(&text, 1, limits).ok()?;
        let doc = docs.first()?;
        let root = doc.root()?;
        Some(ChartMeta {
            app_version: app_version(doc, root),
        })
    }
}

fn app_version(doc: &Doc<'_>, root: NodeId) -> Option<String> {
    doc.get(root, "appVersion")
        .and_then(|v| doc.text(v))
        .map(|v| v.trim().to_owned())
        .filter(|v| !v.is_empty())
}

/// Helm's bound on a whole chart, decompressed (`MaxDecompressedChartSize`).
pub const MAX_CHART_BYTES: u64 = 100 << 20;

/// Helm's bound on one file of a chart (`MaxDecompressedFileSize`).
pub const MAX_FILE_BYTES: u64 = 5 << 20;

/// imgsift's bound on one chart with every archive nested in it, decompressed. Helm bounds each
/// archive at [`MAX_CHART_BYTES`] but not their sum, so that a small subchart archive at each
/// level could multiply what one chart costs; no real chart tree comes near this.
pub const MAX_TREE_BYTES: u64 = 256 << 20;

/// What one chart tree (a chart and the archives nested in it, at every level) may still
/// decompress into memory: one budget shared by all levels, so nesting cannot multiply it.
#[derive(Debug, Clone)]
pub struct TreeBudget {
    remaining: u64,
}

impl Default for TreeBudget {
    fn default() -> TreeBudget {
        TreeBudget {
            remaining: MAX_TREE_BYTES,
        }
    }
}

impl TreeBudget {
    /// Bytes still allowed.
    pub fn remaining(&self) -> u64 {
        self.remaining
    }

    /// Spends `bytes`, or says which bound they would pass.
    pub fn spend(&mut self, bytes: u64) -> Result<(), String> {
        match self.remaining.checked_sub(bytes) {
            Some(left) => {
                self.remaining = left;
                Ok(())
            }
            None => Err(format!(
                "the chart and the archives nested in it decompress to more than {} MiB, \
                 imgsift's bound on one chart with its subcharts",
                MAX_TREE_BYTES >> 20
            )),
        }
    }
}

/// How many files one chart may hold, subcharts' archives counted as one: a bound on memory
/// and time that no real chart comes near (the largest in the corpus has a few hundred).
const MAX_FILES: usize = 20_000;

/// How deep folders of a chart may nest.
const MAX_DIR_DEPTH: usize = 64;

/// One file of a chart, named by its path inside the chart with `/` separators
/// (`templates/deployment.yaml`, `charts/redis-17.1.0.tgz`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChartFile {
    /// The path inside the chart.
    pub name: String,
    /// The contents, a leading UTF-8 byte order mark removed (as Helm's loader does).
    pub data: Vec<u8>,
}

fn without_bom(mut data: Vec<u8>) -> Vec<u8> {
    if data.starts_with(b"\xEF\xBB\xBF") {
        data.drain(..3);
    }
    data
}

/// The files of the chart folder `dir`, as Helm's directory loader reads them: every file
/// below it in name order, minus what `.helmignore` (at the chart's top only) and Helm's
/// default rule `templates/.?*` leave out. A file over [`MAX_FILE_BYTES`], or a pipe or
/// device, is an error, as in Helm. Symbolic links are followed only when they lead to a place
/// inside the chart folder, so that rendering a chart reads nothing outside what the user
/// named (Helm follows every link).
pub fn read_dir(dir: &Path) -> Result<Vec<ChartFile>, String> {
    let ignore = match std::fs::read(dir.join(".helmignore")) {
        Ok(text) => IgnoreRules::parse(&String::from_utf8_lossy(&without_bom(text)))?,
        Err(_) => IgnoreRules::default(),
    };
    let root = std::fs::canonicalize(dir)
        .map_err(|e| format!("{}: {}", dir.display(), crate::diag::describe_io_error(&e)))?;
    let mut walk = DirWalk {
        root,
        ignore,
        files: Vec::new(),
        bytes: 0,
        visited: Vec::new(),
    };
    walk.dir(dir, "", 0)?;
    Ok(walk.files)
}

struct DirWalk {
    root: PathBuf,
    ignore: IgnoreRules,
    files: Vec<ChartFile>,
    bytes: u64,
    /// Canonical folders being walked, so that a link back up cannot loop.
    visited: Vec<PathBuf>,
}

impl DirWalk {
    fn dir(&mut self, dir: &Path, prefix: &str, depth: usize) -> Result<(), String> {
        if depth > MAX_DIR_DEPTH {
            return Err(format!(
                "{}: folders nest more than {MAX_DIR_DEPTH} deep",
                dir.display()
            ));
        }
        let canonical = std::fs::canonicalize(dir)
            .map_err(|e| format!("{}: {}", dir.display(), crate::diag::describe_io_error(&e)))?;
        if self.visited.contains(&canonical) {
            return Ok(());
        }
        self.visited.push(canonical);
        let mut entries: Vec<(String, PathBuf)> = std::fs::read_dir(dir)
            .map_err(|e| format!("{}: {}", dir.display(), crate::diag::describe_io_error(&e)))?
            .filter_map(Result::ok)
            .map(|e| (e.file_name().to_string_lossy().into_owned(), e.path()))
            .collect();
        // Go's walk visits names in byte order.
        entries.sort();
        for (name, path) in entries {
            let relative = if prefix.is_empty() {
                name.clone()
            } else {
                format!("{prefix}/{name}")
            };
            let Ok(link_meta) = std::fs::symlink_metadata(&path) else {
                continue;
            };
            let meta = if link_meta.file_type().is_symlink() {
                match std::fs::canonicalize(&path) {
                    Ok(target) if target.starts_with(&self.root) => {
                        match std::fs::metadata(&target) {
                            Ok(meta) => meta,
                            Err(_) => continue,
                        }
                    }
                    // A link out of the chart, or to nothing: not read.
                    _ => continue,
                }
            } else {
                link_meta
            };
            if meta.is_dir() {
                if self.ignore.ignores(&relative, true) {
                    continue;
                }
                self.dir(&path, &relative, depth + 1)?;
                continue;
            }
            if self.ignore.ignores(&relative, false) {
                continue;
            }
            if !meta.is_file() {
                return Err(format!(
                    "cannot load irregular file {} as it has file mode type bits set",
                    path.display()
                ));
            }
            if meta.len() > MAX_FILE_BYTES {
                return Err(format!(
                    "chart file {name:?} is larger than the maximum file size {MAX_FILE_BYTES}"
                ));
            }
            self.bytes += meta.len();
            if self.bytes > MAX_CHART_BYTES || self.files.len() >= MAX_FILES {
                return Err(format!(
                    "the chart is larger than {} MiB or {MAX_FILES} files",
                    MAX_CHART_BYTES >> 20
                ));
            }
            let mut data = Vec::new();
            std::fs::File::open(&path)
                .and_then(|f| f.take(MAX_FILE_BYTES + 1).read_to_end(&mut data))
                .map_err(|e| {
                    format!(
                        "error reading {relative}: {}",
                        crate::diag::describe_io_error(&e)
                    )
                })?;
            self.files.push(ChartFile {
                name: relative,
                data: without_bom(data),
            });
        }
        Ok(())
    }
}

/// The files of a packaged chart (a gzip-compressed tar), as Helm's archive loader reads
/// them: the top folder of every entry stripped, within Helm's bounds ([`MAX_CHART_BYTES`] in
/// all, [`MAX_FILE_BYTES`] a file), and refused, as Helm refuses it, when an entry's path is
/// absolute or leaves the chart.
pub fn read_archive(reader: impl Read) -> Result<Vec<ChartFile>, String> {
    read_archive_named(reader).map(|(_, files)| files)
}

/// As [`read_archive`], with the name of the archive's top folder (the chart's name, as
/// `helm package` writes it), which display paths keep: `x.tgz!/chart/values.yaml`.
pub fn read_archive_named(reader: impl Read) -> Result<(String, Vec<ChartFile>), String> {
    read_archive_within(reader, &mut TreeBudget::default())
}

/// As [`read_archive_named`], spending what it decompresses from `budget`: the budget of the
/// whole chart tree the archive is nested in.
pub fn read_archive_within(
    reader: impl Read,
    budget: &mut TreeBudget,
) -> Result<(String, Vec<ChartFile>), String> {
    // The compressed stream is bounded by what it may decompress to, plus tar's headers; a
    // stream cut at that bound is refused, never read as a shorter chart.
    let bound = MAX_CHART_BYTES + (MAX_FILES as u64) * 1024;
    let mut counted = Counted {
        inner: GzDecoder::new(reader),
        count: 0,
    };
    let read = read_entries((&mut counted).take(bound), budget);
    if counted.count >= bound {
        return Err(format!(
            "the archive decompresses to more than {bound} bytes (Helm's bound on a chart, \
             {MAX_CHART_BYTES}, and tar's headers)"
        ));
    }
    read
}

/// Counts what a reader has given.
struct Counted<R> {
    inner: R,
    count: u64,
}

impl<R: Read> Read for Counted<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.count += n as u64;
        Ok(n)
    }
}

fn read_entries(
    limited: impl Read,
    budget: &mut TreeBudget,
) -> Result<(String, Vec<ChartFile>), String> {
    let mut archive = tar::Archive::new(limited);
    let entries = archive
        .entries()
        .map_err(|e| format!("not a readable chart archive: {e}"))?;
    let mut files = Vec::new();
    let mut top = String::new();
    let mut remaining = MAX_CHART_BYTES;
    for entry in entries {
        let mut entry = entry.map_err(|e| format!("not a readable chart archive: {e}"))?;
        let kind = entry.header().entry_type();
        if kind.is_dir() || kind.is_pax_global_extensions() || kind.is_pax_local_extensions() {
            continue;
        }
        if !kind.is_file() {
            continue;
        }
        let raw = String::from_utf8_lossy(&entry.path_bytes()).into_owned();
        let name = archive_member_name(&raw)?;
        if top.is_empty() {
            top = raw.split(['/', '\\']).next().unwrap_or_default().to_owned();
        }
        let size = entry.header().size().unwrap_or(u64::MAX);
        if size > remaining {
            return Err(format!(
                "decompressed chart is larger than the maximum size {MAX_CHART_BYTES}"
            ));
        }
        if size > MAX_FILE_BYTES {
            return Err(format!(
                "decompressed chart file {raw:?} is larger than the maximum file size {MAX_FILE_BYTES}"
            ));
        }
        if files.len() >= MAX_FILES {
            return Err(format!(
                "the chart archive holds more than {MAX_FILES} files"
            ));
        }
        budget.spend(size)?;
        let mut data = Vec::new();
        (&mut entry)
            .take(size)
            .read_to_end(&mut data)
            .map_err(|e| format!("not a readable chart archive: {e}"))?;
        remaining -= data.len() as u64;
        files.push(ChartFile {
            name,
            data: without_bom(data),
        });
    }
    if files.is_empty() {
        return Err("no files in chart archive".to_owned());
    }
    Ok((top, files))
}

/// The name of an archive member inside its chart: the first path component stripped,
/// cleaned, and refused when it is absolute or leaves the chart (Helm's rules).
pub fn archive_member_name(raw: &str) -> Result<String, String> {
    let delimiter = if raw.contains('\\') { '\\' } else { '/' };
    let parts: Vec<&str> = raw.split(delimiter).collect();
    if parts.first() == Some(&METADATA_FILE) {
        return Err("chart yaml not in base directory".to_owned());
    }
    let joined = parts.get(1..).unwrap_or(&[]).join("/");
    if joined.starts_with('/') {
        return Err("chart illegally contains absolute paths".to_owned());
    }
    let cleaned = clean(&joined);
    if cleaned == "." {
        return Err(format!(
            "chart illegally contains content outside the base directory: {raw:?}"
        ));
    }
    if cleaned.starts_with("..") {
        return Err("chart illegally references parent directory".to_owned());
    }
    let bytes = cleaned.as_bytes();
    if bytes.len() >= 3 && bytes[0].is_ascii_alphabetic() && bytes[1] == b':' && bytes[2] == b'/' {
        return Err("chart contains illegally named files".to_owned());
    }
    Ok(cleaned)
}

/// Go's `path.Clean`, as the template functions use it.
pub use gotemplate::sprig::path_clean as clean;

/// The rules of a `.helmignore`, with Helm's default rule `templates/.?*` (hidden files of
/// `templates/` are never templates).
#[derive(Debug, Clone)]
pub struct IgnoreRules {
    patterns: Vec<IgnorePattern>,
}

#[derive(Debug, Clone)]
struct IgnorePattern {
    rule: String,
    negate: bool,
    must_dir: bool,
    /// Matched against the base name only (a rule without `/`).
    base_only: bool,
}

impl Default for IgnoreRules {
    fn default() -> Self {
        let mut rules = IgnoreRules {
            patterns: Vec::new(),
        };
        rules.add("templates/.?*");
        rules
    }
}

impl IgnoreRules {
    /// Parses a `.helmignore`: one rule a line, `#` comments, `!` to negate, a trailing `/`
    /// for folders only, a leading `/` anchored at the chart's top; `**` is refused, as Helm
    /// refuses it.
    pub fn parse(text: &str) -> Result<IgnoreRules, String> {
        let mut rules = IgnoreRules {
            patterns: Vec::new(),
        };
        for line in text.lines() {
            let rule = line.trim();
            if rule.is_empty() || rule.starts_with('#') {
                continue;
            }
            if rule.contains("**") {
                return Err("double-star (**) syntax is not supported".to_owned());
            }
            if glob::matches(rule, "abc").is_err() {
                return Err(format!("syntax error in pattern {rule:?} of .helmignore"));
            }
            rules.add(rule);
        }
        rules.add("templates/.?*");
        Ok(rules)
    }

    fn add(&mut self, rule: &str) {
        let mut rule = rule;
        let negate = rule.starts_with('!');
        if negate {
            rule = &rule[1..];
        }
        let must_dir = rule.ends_with('/');
        if must_dir {
            rule = &rule[..rule.len() - 1];
        }
        let base_only = !rule.contains('/');
        let rule = rule.strip_prefix('/').unwrap_or(rule);
        self.patterns.push(IgnorePattern {
            rule: rule.to_owned(),
            negate,
            must_dir,
            base_only,
        });
    }

    /// Whether the chart path `path` (a folder when `is_dir`) is left out. Helm's logic is
    /// kept as it is, including that a negated rule that does not match leaves a path out.
    pub fn ignores(&self, path: &str, is_dir: bool) -> bool {
        if path.is_empty() || path == "." || path == "./" {
            return false;
        }
        for pattern in &self.patterns {
            let subject = if pattern.base_only {
                path.rsplit('/').next().unwrap_or(path)
            } else {
                path
            };
            let matched = glob::matches(&pattern.rule, subject).unwrap_or(false);
            if pattern.negate {
                if pattern.must_dir && !is_dir {
                    return true;
                }
                if !matched {
                    return true;
                }
                continue;
            }
            if pattern.must_dir && !is_dir {
                continue;
            }
            if matched {
                return true;
            }
        }
        false
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tgz(entries: &[(&str, &[u8])]) -> Vec<u8> {
        let mut builder = tar::Builder::new(flate2::write::GzEncoder::new(
            Vec::new(),
            flate2::Compression::fast(),
        ));
        for (name, data) in entries {
            let mut header = tar::Header::new_gnu();
            header.set_size(data.len() as u64);
            header.set_mode(0o644);
            if let Err(e) = builder.append_data(&mut header, name, *data) {
                panic!("{e}");
            }
        }
        match builder.into_inner().and_then(|gz| gz.finish()) {
            Ok(bytes) => bytes,
            Err(e) => panic!("{e}"),
        }
    }

    #[test]
    fn one_budget_is_spent_by_every_archive_of_a_tree() {
        let big = vec![b'x'; 1 << 20];
        let archive = tgz(&[
            (
                "app/Chart.yaml",
                b"apiVersion: v2\nname: app\nversion: 1.0.0\n",
            ),
            ("app/files/big", &big),
        ]);
        let mut budget = TreeBudget::default();
        let mut reads = 0;
        let error = loop {
            match read_archive_within(archive.as_slice(), &mut budget) {
                Ok((top, files)) => {
                    assert_eq!(top, "app");
                    assert_eq!(files.len(), 2);
                    reads += 1;
                }
                Err(error) => break error,
            }
        };
        // Each read spends what it decompressed: the 257th MiB is refused.
        assert_eq!(reads, 255);
        assert!(error.contains("more than 256 MiB"), "{error}");
        assert!(budget.remaining() < 1 << 20);
        // A fresh tree has the whole budget again.
        assert!(read_archive_named(archive.as_slice()).is_ok());
    }

    #[test]
    fn helmignore_rules_follow_helm() {
        let rules = match IgnoreRules::parse("# comment\n*.md\nci/\n/top.txt\nfiles/*.bak\n") {
            Ok(rules) => rules,
            Err(e) => panic!("{e}"),
        };
        assert!(rules.ignores("README.md", false));
        assert!(rules.ignores("charts/sub/README.md", false));
        assert!(rules.ignores("ci", true));
        assert!(
            !rules.ignores("ci", false),
            "a folder rule leaves files of that name"
        );
        assert!(rules.ignores("top.txt", false));
        assert!(rules.ignores("files/a.bak", false));
        assert!(!rules.ignores("files/a.txt", false));
        assert!(
            rules.ignores("templates/.hidden", false),
            "Helm's default rule"
        );
        assert!(!rules.ignores("templates/deployment.yaml", false));
        assert!(IgnoreRules::parse("a/**/b\n").is_err());
    }

    #[test]
    fn archive_member_names_are_cleaned_and_kept_inside() {
        assert_eq!(
            archive_member_name("redis/templates/x.yaml").as_deref(),
            Ok("templates/x.yaml")
        );
        assert_eq!(archive_member_name("redis/a/../b").as_deref(), Ok("b"));
        assert!(archive_member_name("redis/../../etc/passwd").is_err());
        assert!(archive_member_name("redis//etc/passwd").is_err());
        assert!(archive_member_name("Chart.yaml").is_err());
        assert!(archive_member_name("redis").is_err());
        assert_eq!(clean("a//b/./c/.."), "a/b");
        assert_eq!(clean("../a"), "../a");
        assert_eq!(clean("/../a"), "/a");
    }

    #[test]
    fn chart_metadata_is_recognised_by_content() {
        fn load(text: &str) -> Doc<'_> {
            match yaml::load(text, 1, &Limits::default()) {
                Ok(mut docs) => docs.remove(0),
                Err(err) => panic!("{err:?}"),
            }
        }
        let doc = load("apiVersion: v2\nname: x\nversion: 1.0.0\nappVersion: \" 2.10 \"\n");
        let root = doc.root().unwrap_or(0);
        assert_eq!(
            ChartMeta::from_doc(&doc, root),
            Some(ChartMeta {
                app_version: Some("2.10".to_owned())
            })
        );
        let doc = load("apiVersion: v1\nkind: Pod\nname: x\nversion: 1\n");
        assert_eq!(ChartMeta::from_doc(&doc, doc.root().unwrap_or(0)), None);
    }
}
