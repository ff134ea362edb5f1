//! The fast YAML path gives the full parser's tree, on every document it takes.
//!
//! `imgsift::documents::yaml::load` reads a document with the fast path first and leaves what
//! it does not take whole to the full parser. Taking a document is right only when the two
//! trees are equal node for node: values, scalar styles and kinds, positions, duplicate-key
//! notes. These tests compare them on every document of the corpus and of `testdata/`, and on
//! generated documents full of the shapes where a line reader goes wrong; they also check that
//! the fast path takes the documents tools print (else it would be no faster), and that a scan
//! prints the same bytes with it and without it.

mod common;
#[path = "common/fast_path.rs"]
mod fast_path;

use std::path::{Path, PathBuf};

use common::root;
use fast_path::{Comparison, compare};

const CORPUS: &str = "../shared/corpus";

fn yaml_files(dir: &Path) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = walkdir::WalkDir::new(dir)
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file())
        .map(|e| e.into_path())
        .filter(|p| {
            p.extension()
                .and_then(|e| e.to_str())
                .is_some_and(|e| matches!(e, "yaml" | "yml" | "json"))
        })
        .collect();
    files.sort();
    files
}

fn compare_files(dir: &Path) -> Comparison {
    let mut all = Comparison::default();
    for file in yaml_files(dir) {
        let bytes = std::fs::read(&file).unwrap_or_else(|e| panic!("{}: {e}", file.display()));
        all.add(compare(&file.display().to_string(), &bytes));
    }
    all
}

fn assert_agree(what: &str, comparison: &Comparison) {
    assert!(
        comparison.disagreements.is_empty(),
        "{what}: the fast path and the full parser disagree on {} documents; the first:\n{}",
        comparison.disagreements.len(),
        comparison.disagreements[0]
    );
}

// The share taken is this test's report; the crate denies print_stderr elsewhere.
#[allow(clippy::print_stderr)]
#[test]
fn every_corpus_document_the_fast_path_takes_loads_as_the_full_parser_loads_it() {
    let corpus = root().join(CORPUS);
    let mut all = Comparison::default();
    for part in [
        "rendered",
        "charts-rendered",
        "kubeflow",
        "realworld",
        "charts-values",
        "deploykf",
        "charts",
    ] {
        let comparison = compare_files(&corpus.join(part));
        eprintln!(
            "{part}: fast path took {} documents, left {}",
            comparison.taken, comparison.left
        );
        if std::env::var_os("IMGSIFT_FAST_PATH_REPORT").is_some() {
            for at in &comparison.left_at {
                eprintln!("  left {at}");
            }
        }
        all.add(comparison);
    }
    assert_agree("corpus", &all);
    assert!(all.taken > 1500, "{} taken, {} left", all.taken, all.left);
}

#[allow(clippy::print_stderr)]
#[test]
fn every_fixture_document_the_fast_path_takes_loads_as_the_full_parser_loads_it() {
    let all = compare_files(&root().join("testdata"));
    eprintln!("testdata: fast path took {}, left {}", all.taken, all.left);
    assert_agree("testdata", &all);
    assert!(all.taken > 200, "{} taken, {} left", all.taken, all.left);
}

/// What tools print is what the fast path is for: rendered streams are taken nearly whole.
#[test]
fn the_fast_path_takes_nearly_every_rendered_document() {
    let corpus = root().join(CORPUS);
    for part in ["rendered", "charts-rendered"] {
        let c = compare_files(&corpus.join(part));
        let share = c.taken as f64 / (c.taken + c.left) as f64;
        assert!(
            share > 0.95,
            "{part}: the fast path took only {share:.3}: {c:?}"
        );
    }
}

// ---------------------------------------------------------------------------------------------
// Generated documents.

/// A small deterministic generator (xorshift), so a failure names a seed that reproduces it.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
    fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[self.below(items.len())]
    }
}

const KEYS: &[&str] = &[
    "image",
    "name",
    "a b",
    "x-y_z.w",
    "\"quoted key\"",
    "'single key'",
    "true",
    "1",
    "null",
    "~",
    "k:v",
    "a#b",
    "é",
    "<<",
    "-dash",
    "?q",
    "key ",
    "\"a\" ",
    "[k]",
    "k,j",
    "\"esc\\\"key\"",
];

const SCALARS: &[&str] = &[
    "nginx:1.25",
    "docker.io/library/nginx@sha256:abc",
    "1.10",
    "010",
    "0x1F",
    "-1.5e3",
    ".inf",
    "true",
    "no",
    "null",
    "~",
    "",
    "a b  c",
    "a#b",
    "a #b",
    "trailing   ",
    "http://x:80/y",
    "-x",
    ":x",
    "?x",
    "a: b",
    "a:",
    "a, b [c] {d}",
    "\"double\"",
    "\"esc \\\" \\\\ \\n \\t \\u00e9 \\x41 \\/ \\U0001F600\"",
    "\"bad \\q\"",
    "\"surrogate \\ud800\"",
    "\"open",
    "'single'",
    "'it''s'",
    "'open",
    "\"a\" b",
    "'a' # c",
    "\"a\"#c",
    "[]",
    "{}",
    "[ ]",
    "[a, b]",
    "{a: b}",
    "&anchor x",
    "*alias",
    "!tag x",
    "!!str 1",
    "@at",
    "`tick",
    "%pct",
    "|",
    "|-",
    "|+",
    "|2",
    ">+",
    ">1-",
    ">",
    ">-",
    "| # comment",
    "|#x",
    "é ü",
    "tab\there",
    "x # comment",
    "x #",
    "#comment only",
    "- item",
    "? key",
    ": value",
    "---",
    "...",
    ",",
    "[a, \"b\", 'c']",
    "{a: 1, b: [x, y], \"c\": {}}",
    "[a: b]",
    "{a}",
    "{a: }",
    "[a, ]",
    "[a,, b]",
    "{\"k\":v}",
    "{k:v}",
    "[\"x\" , y ]",
    "[ 1.10, true, ~, '' ]",
    "[a #c]",
    "[http://x:1/y, a:b]",
    "[-1, -x, - x]",
    "[open",
    "[a] b",
    "{a: [b}",
    "\"multi\n  line\"",
    "'multi\n\n  line'  # c",
    "\"multi \n   \n  line  \"",
    "\"esc \\\n  line\"",
    "'it''s\n  ''here'''",
    "\"\n  lead\"",
    "\"tail\n\"",
    "plain\n  continued\n\n  again",
    "plain\n  - dash",
    "plain\n  # comment\n  after",
];

const BLOCK_LINES: &[&str] = &[
    "line",
    "  more indented",
    "",
    " ",
    "      ",
    "\t tab",
    "# not a comment",
    "key: value",
    "é",
    "- dash",
    "   ",
];

/// Keys and scalars inside the fast path's subset, for documents it should take whole.
const CLEAN_KEYS: &[&str] = &[
    "image",
    "name",
    "a b",
    "x-y_z.w",
    "\"quoted key\"",
    "'single key'",
    "true",
    "1",
    "null",
    "k:v",
    "a#b",
    "é",
    "-dash",
    "?q",
    "\"esc\\\"key\"",
    "<<x",
];

const CLEAN_SCALARS: &[&str] = &[
    "nginx:1.25",
    "docker.io/library/nginx@sha256:abc",
    "1.10",
    "010",
    "0x1F",
    "true",
    "null",
    "~",
    "",
    "a b  c",
    "a#b",
    "a #b",
    "trailing   ",
    "http://x:80/y",
    "-x",
    ":x",
    "\"double\"",
    "\"esc \\\" \\\\ \\n \\t \\u00e9 \\x41 \\/ \\U0001F600\"",
    "'it''s'",
    "'a' # c",
    "[]",
    "{}",
    "[a, \"b\", 'c']",
    "{a: 1, b: [x, y], \"c\": {}}",
    "[ 1.10, true, ~, '' ]",
    "[http://x:1/y, a:b]",
    "|",
    "|-",
    "|+",
    "| # comment",
    ">",
    ">-",
    ">+",
    "é ü",
    "x # comment",
    "#comment only",
    "plain\n  continued\n\n  again",
];

struct Gen {
    rng: Rng,
    out: String,
    /// Only what the fast path should take (no decoys).
    clean: bool,
}

impl Gen {
    fn pad(&mut self, n: usize) {
        for _ in 0..n {
            self.out.push(' ');
        }
    }

    fn void_lines(&mut self, indent: usize) {
        match self.rng.below(12) {
            0 => self.out.push('\n'),
            1 => {
                let n = self.rng.below(indent + 3);
                self.pad(n);
                self.out.push_str("# a comment: with - things\n");
            }
            2 => self.out.push_str("   \n"),
            _ => {}
        }
    }

    fn block(&mut self, indent: usize) {
        let lines = 1 + self.rng.below(4);
        let extra = self.rng.below(3);
        for _ in 0..lines {
            let line = self.rng.pick(BLOCK_LINES);
            if self.clean && (line.starts_with('\t') || line.trim().is_empty() && line.len() > 1) {
                continue;
            }
            if !line.trim().is_empty() {
                self.pad(indent + extra);
            }
            self.out.push_str(line);
            self.out.push('\n');
        }
    }

    /// A value after `key:` or `- `, for a node whose entries sit at `indent`.
    fn value(&mut self, indent: usize, depth: usize) {
        let choice = self.rng.below(10);
        if depth < 5 && choice < 3 {
            // Nested block on the next lines.
            if self.rng.below(8) == 0 {
                self.out.push_str(" # c");
            }
            self.out.push('\n');
            self.void_lines(indent);
            let width = 1 + self.rng.below(4);
            if self.rng.below(2) == 0 {
                self.mapping(indent + width, depth + 1);
            } else {
                let at = if self.rng.below(2) == 0 {
                    indent
                } else {
                    indent + width
                };
                self.sequence(at, depth + 1);
            }
            return;
        }
        if self.rng.below(8) == 0 {
            self.out.push(' ');
            self.quoted_over_lines(indent);
            self.out.push('\n');
            self.void_lines(indent);
            return;
        }
        let scalar = self
            .rng
            .pick(if self.clean { CLEAN_SCALARS } else { SCALARS });
        if !scalar.is_empty() {
            self.out.push(' ');
        }
        self.out.push_str(scalar);
        if self.rng.below(10) == 0 {
            self.out.push_str(" # trailing");
        }
        self.out.push('\n');
        if scalar.starts_with('|') || scalar.starts_with('>') {
            let n = indent + 1 + self.rng.below(3);
            self.block(n);
        }
        if !self.clean && self.rng.below(15) == 0 {
            // A continuation line, more indented.
            self.pad(indent + 2);
            self.out.push_str("continued\n");
        }
        self.void_lines(indent);
    }

    /// A quoted scalar over several lines, as kubectl prints long strings: escapes, escaped
    /// spaces at line starts, `\\` joining lines, blank lines, spaces around breaks.
    fn quoted_over_lines(&mut self, indent: usize) {
        const PIECES: &[&str] = &[
            "word", " ", "  ", "\\n", "\\ ", "\\t", "\\\"", "\\\\", "''", "#", "é", "\\x41",
            "\\u00e9", "-", ": ", "\"", "'", "\t",
        ];
        let pieces = if self.clean { &PIECES[..17] } else { PIECES };
        let double = self.rng.below(3) != 0;
        let quote = if double { '"' } else { '\'' };
        self.out.push(quote);
        for _ in 0..2 + self.rng.below(10) {
            let piece = self.rng.pick(pieces);
            let usable = match piece {
                "\"" => !double,
                "'" => double,
                "''" => !double,
                p if p.starts_with('\\') => double || self.rng.below(4) == 0,
                _ => true,
            };
            if usable {
                self.out.push_str(piece);
            }
            match self.rng.below(6) {
                0 => {
                    let join = double && self.rng.below(3) == 0;
                    if join {
                        self.out.push('\\');
                    }
                    self.out.push('\n');
                    if self.rng.below(4) == 0 && !(self.clean && join) {
                        let n = self.rng.below(indent + 4);
                        self.pad(n);
                        self.out.push('\n');
                    }
                    let n = indent + self.rng.below(4);
                    self.pad(n);
                }
                1 => self.out.push(' '),
                _ => {}
            }
        }
        self.out.push(quote);
    }

    fn mapping(&mut self, indent: usize, depth: usize) {
        for _ in 0..1 + self.rng.below(4) {
            self.pad(indent);
            self.entry(indent, depth);
        }
    }

    /// A key and its value, the key already indented.
    fn entry(&mut self, indent: usize, depth: usize) {
        let key = self.rng.pick(if self.clean { CLEAN_KEYS } else { KEYS });
        self.out.push_str(key);
        self.out.push(':');
        self.value(indent, depth);
    }

    fn sequence(&mut self, indent: usize, depth: usize) {
        for _ in 0..1 + self.rng.below(4) {
            self.pad(indent);
            self.out.push('-');
            match self.rng.below(6) {
                0 if depth < 5 => {
                    // A compact mapping after the dash.
                    let gap = 1 + self.rng.below(3);
                    self.pad(gap);
                    let at = indent + 1 + gap;
                    self.entry(at, depth + 1);
                    for _ in 0..self.rng.below(3) {
                        self.pad(at);
                        self.entry(at, depth + 1);
                    }
                }
                1 if depth < 5 => {
                    // A nested sequence after the dash.
                    self.out.push(' ');
                    self.out.push_str("- a\n");
                    self.pad(indent + 2);
                    self.out.push_str("- b\n");
                }
                2 => {
                    self.out.push('\n');
                    if self.rng.below(2) == 0 {
                        self.pad(indent + 2);
                        self.out.push_str("k: v\n");
                    }
                }
                _ => self.value(indent, depth + 1),
            }
        }
    }

    fn document(&mut self) {
        match self.rng.below(5) {
            0 => self.out.push_str("---\n"),
            1 => self.out.push_str("# head\n---  # marker comment\n"),
            _ => {}
        }
        if self.rng.below(6) == 0 {
            self.sequence(0, 0);
        } else {
            let n = self.rng.below(2);
            self.mapping(n, 0);
        }
        if self.rng.below(10) == 0 {
            self.out.push_str("...\n");
        }
    }
}

#[allow(clippy::print_stderr)]
#[test]
fn generated_documents_load_the_same_both_ways() {
    let mut all = Comparison::default();
    for seed in 1..8000u64 {
        let mut g = Gen {
            rng: Rng(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1),
            out: String::new(),
            clean: seed % 2 == 0,
        };
        g.document();
        let result = compare(&format!("seed {seed}"), g.out.as_bytes());
        all.add(result);
    }
    eprintln!("generated: fast path took {}, left {}", all.taken, all.left);
    if std::env::var_os("IMGSIFT_FAST_PATH_REPORT").is_some() {
        for at in &all.left_at {
            eprintln!("  left {at}");
        }
    }
    assert_agree("generated", &all);
    // The generator is built to stay mostly inside the fast path's subset, with decoys: if the
    // fast path took almost nothing, this test would compare nothing.
    assert!(all.taken > 400, "{} taken, {} left", all.taken, all.left);
}

// ---------------------------------------------------------------------------------------------
// The whole tool, with and without the fast path.

fn run(args: &[&str], full_parser_only: bool) -> common::Run {
    let mut command = common::command_in(&root(), args);
    if full_parser_only {
        command.env("IMGSIFT_NO_FAST_PATH", "1");
    }
    match command.stdin(std::process::Stdio::null()).output() {
        Ok(output) => output.into(),
        Err(err) => panic!("cannot run imgsift: {err}"),
    }
}

#[test]
fn scans_print_the_same_bytes_with_the_fast_path_and_without_it() {
    let commands: &[&[&str]] = &[
        &["scan", "-o", "json", CORPUS],
        &["scan", "-o", "json", "testdata"],
        &[
            "scan",
            "--why",
            "docker.io/library/nginx:1.25.3",
            "testdata",
        ],
        &[
            "overlay",
            "--registry",
            "mirror.example.com",
            "testdata/values",
        ],
        &[
            "mirror",
            "--registry",
            "mirror.example.com",
            "-o",
            "list",
            "testdata/mirror",
            "testdata/scan",
        ],
    ];
    for args in commands {
        let fast = run(args, false);
        let full = run(args, true);
        assert!(
            !fast.stdout.is_empty(),
            "{args:?} printed nothing: {}",
            fast.stderr
        );
        assert_eq!(fast.code, full.code, "{args:?}: exit codes differ");
        assert!(
            fast.stdout == full.stdout,
            "{args:?}: standard output differs"
        );
        assert!(
            fast.stderr == full.stderr,
            "{args:?}: standard error differs"
        );
    }
}
