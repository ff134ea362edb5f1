//! Helpers shared by the integration tests: run the real binary from the repository root.

#![allow(dead_code)]

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

/// The repository root, where `testdata/` lives; tests run the binary from there so paths
/// in output are the short relative ones a user would type.
pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// What a run printed and how it exited.
#[derive(Debug)]
pub struct Run {
    pub stdout: String,
    pub stderr: String,
    pub code: i32,
}

impl From<Output> for Run {
    fn from(output: Output) -> Run {
        Run {
            stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
            code: output.status.code().unwrap_or(-1),
        }
    }
}

impl Run {
    /// Stdout lines.
    pub fn lines(&self) -> Vec<&str> {
        self.stdout.lines().collect()
    }

    /// Stdout parsed as JSON.
    pub fn json(&self) -> serde_json::Value {
        match serde_json::from_str(&self.stdout) {
            Ok(value) => value,
            Err(err) => panic!("stdout is not JSON ({err}):\n{}", self.stdout),
        }
    }
}

/// A command for the binary, run in `dir`.
pub fn command_in(dir: &Path, args: &[&str]) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_imgsift"));
    command.args(args).current_dir(dir);
    command
}

/// Runs imgsift from the repository root with no standard input (a closed, empty one).
pub fn imgsift(args: &[&str]) -> Run {
    imgsift_in(&root(), args)
}

/// Runs imgsift in `dir` with an empty standard input.
pub fn imgsift_in(dir: &Path, args: &[&str]) -> Run {
    match command_in(dir, args).stdin(Stdio::null()).output() {
        Ok(output) => output.into(),
        Err(err) => panic!("cannot run imgsift: {err}"),
    }
}

/// Runs imgsift from the repository root with `input` piped to standard input.
pub fn imgsift_stdin(args: &[&str], input: &[u8]) -> Run {
    let mut child = match command_in(&root(), args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
    {
        Ok(child) => child,
        Err(err) => panic!("cannot run imgsift: {err}"),
    };
    if let Some(mut stdin) = child.stdin.take() {
        // A write error means the binary stopped reading early; its output tells why.
        let _ = stdin.write_all(input);
    }
    match child.wait_with_output() {
        Ok(output) => output.into(),
        Err(err) => panic!("imgsift did not finish: {err}"),
    }
}

/// Reads a file of the repository.
pub fn read(path: &str) -> String {
    match std::fs::read_to_string(root().join(path)) {
        Ok(text) => text,
        Err(err) => panic!("cannot read {path}: {err}"),
    }
}

/// A YAML node as JSON, with scalars typed as YAML resolves them.
pub fn to_json(
    doc: &imgsift::documents::yaml::Doc<'_>,
    id: imgsift::documents::yaml::NodeId,
    depth: usize,
) -> serde_json::Value {
    use imgsift::documents::yaml::{ScalarKind, Value as Node};
    use serde_json::Value;
    assert!(depth < 200, "test documents are not this deep");
    match doc.node(id).map(|n| &n.value) {
        Some(Node::Map(_)) => Value::Object(
            doc.entries(id)
                .into_iter()
                .map(|(key, _, value)| (key.to_owned(), to_json(doc, value, depth + 1)))
                .collect(),
        ),
        Some(Node::Seq(items)) => {
            Value::Array(items.iter().map(|&i| to_json(doc, i, depth + 1)).collect())
        }
        Some(Node::Scalar(s)) => match s.kind {
            ScalarKind::Null => Value::Null,
            ScalarKind::Bool => Value::Bool(matches!(s.text.as_ref(), "true" | "True" | "TRUE")),
            // Numbers keep their text: `tag: 1.10` must stay 1.10 through a round trip.
            ScalarKind::Number => serde_json::from_str(&s.text)
                .ok()
                .filter(|n: &Value| {
                    let rendered = n.to_string();
                    rendered == s.text
                })
                .unwrap_or_else(|| Value::String(s.text.to_string())),
            ScalarKind::Str => Value::String(s.text.to_string()),
        },
        Some(Node::Alias(_)) | None => Value::Null,
    }
}

/// Parses a YAML text (one document) into JSON.
pub fn yaml_to_json(text: &str) -> serde_json::Value {
    let docs =
        match imgsift::documents::yaml::load(text, 1, &imgsift::documents::yaml::Limits::default())
        {
            Ok(docs) => docs,
            Err(err) => panic!("not YAML ({}:{}): {}", err.line, err.column, err.message),
        };
    match docs.first().and_then(|d| d.root().map(|root| (d, root))) {
        Some((doc, root)) => to_json(doc, root, 0),
        None => serde_json::Value::Null,
    }
}

/// Helm's merge of user values onto chart values: maps merge key by key, anything else
/// (lists included) is replaced.
pub fn helm_merge(base: serde_json::Value, over: serde_json::Value) -> serde_json::Value {
    match (base, over) {
        (serde_json::Value::Object(mut base), serde_json::Value::Object(over)) => {
            for (key, value) in over {
                let merged = match base.remove(&key) {
                    Some(existing) => helm_merge(existing, value),
                    None => value,
                };
                base.insert(key, merged);
            }
            serde_json::Value::Object(base)
        }
        (_, over) => over,
    }
}

/// The mapping rule of SPEC.md, written out independently of imgsift: the registry replaces
/// the source registry of a normalized reference, or nests it with `keep`.
pub fn rehome(reference: &str, registry: &str, keep: bool) -> String {
    let (domain, rest) = reference.split_once('/').unwrap_or(("", reference));
    if keep {
        format!("{registry}/{domain}/{rest}")
    } else {
        format!("{registry}/{rest}")
    }
}

/// Every (reference, source) pair of `scan -o json` output, in output order.
pub fn image_sources(json: &serde_json::Value) -> Vec<(&str, &serde_json::Value)> {
    json["images"]
        .as_array()
        .into_iter()
        .flatten()
        .flat_map(|image| {
            let reference = image["ref"].as_str().unwrap_or_default();
            image["sources"]
                .as_array()
                .into_iter()
                .flatten()
                .map(move |source| (reference, source))
        })
        .collect()
}

/// A string field of a JSON object, empty when absent.
pub fn text(value: &serde_json::Value, key: &str) -> String {
    value[key].as_str().unwrap_or_default().to_owned()
}

/// A pod whose image every hostile-input test expects to still be listed beside the hostile
/// input: proof that one bad input never costs the others.
pub const GOOD: &str = "apiVersion: v1\nkind: Pod\nmetadata: {name: good}\nspec: {containers: [{name: c, image: \"example.com/good:1\"}]}\n";

/// The address-space limit of [`Scratch::run_limited`]: the binary, two threads and the
/// bounds' worth of buffers fit; a gigabyte-sized buffer does not.
pub const LIMIT_KIB: u64 = 1 << 20;

/// A throwaway folder holding `good.yaml` ([`GOOD`]); imgsift runs inside it.
pub struct Scratch {
    dir: tempfile::TempDir,
}

impl Scratch {
    pub fn new() -> Scratch {
        let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        let scratch = Scratch { dir };
        scratch.write("good.yaml", GOOD);
        scratch
    }

    pub fn dir(&self) -> &Path {
        self.dir.path()
    }

    pub fn path(&self, name: &str) -> PathBuf {
        self.dir().join(name)
    }

    /// Writes `name` (its folders created) and returns its path.
    pub fn write(&self, name: &str, contents: impl AsRef<[u8]>) -> PathBuf {
        let path = self.path(name);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).unwrap_or_else(|e| panic!("{e}"));
        }
        std::fs::write(&path, contents).unwrap_or_else(|e| panic!("{e}"));
        path
    }

    /// Runs imgsift in the folder under an address-space limit of [`LIMIT_KIB`], so that a
    /// case that would buffer without bound fails (allocation refused) instead of passing on
    /// a big machine. Two worker threads whatever the machine (each thread may reserve an
    /// allocator arena, and the limit is meant to measure buffers); killed past a minute, so
    /// a case that blocks (a pipe opened for reading) fails instead of hanging the suite.
    pub fn run_limited(&self, args: &[&str]) -> Run {
        let mut child = Command::new("sh")
            .arg("-c")
            .arg(format!("ulimit -v {LIMIT_KIB}; exec \"$0\" -j 2 \"$@\""))
            .arg(env!("CARGO_BIN_EXE_imgsift"))
            .args(args)
            .current_dir(self.dir())
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap_or_else(|e| panic!("cannot run imgsift: {e}"));
        let start = std::time::Instant::now();
        loop {
            match child.try_wait() {
                Ok(Some(_)) => break,
                Ok(None) if start.elapsed() > std::time::Duration::from_secs(60) => {
                    let _ = child.kill();
                    panic!("imgsift {args:?} did not finish within a minute (blocked?)");
                }
                Ok(None) => std::thread::sleep(std::time::Duration::from_millis(20)),
                Err(e) => panic!("{e}"),
            }
        }
        match child.wait_with_output() {
            Ok(output) => output.into(),
            Err(e) => panic!("{e}"),
        }
    }
}

/// Fails unless `run` finished by itself (no panic, not killed) and still listed [`GOOD`]'s
/// image.
pub fn assert_good_still_reported(run: &Run) {
    assert_ne!(run.code, 101, "imgsift panicked: {}", run.stderr);
    assert_ne!(run.code, -1, "imgsift was killed: {}", run.stderr);
    assert!(
        run.lines().contains(&"example.com/good:1"),
        "the good input must still be reported:\n{}\n{}",
        run.stdout,
        run.stderr
    );
}
