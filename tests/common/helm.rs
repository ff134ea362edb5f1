//! Real Helm for the tests: the oracle of `tests/helm-oracle/` (Helm v4's Go SDK through
//! helm-python-sdk), and the comparison of two renders document by document.
//!
//! `scripts/test.sh` installs the SDK (`scripts/install-helm-sdk.sh`); without it these tests
//! fail, never skip: a renderer is judged by parity with the real tool.

#![allow(dead_code)]

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use crate::common::root;

/// The corpus of real charts, beside the checkout (or `IMGSIFT_CORPUS`).
pub fn corpus() -> PathBuf {
    match std::env::var_os("IMGSIFT_CORPUS") {
        Some(dir) => PathBuf::from(dir),
        None => root().join("../shared/corpus"),
    }
}

/// The Python that has the Helm SDK.
pub fn python() -> PathBuf {
    let python = root().join("target/helm-sdk-venv/bin/python");
    assert!(
        python.is_file(),
        "{} is missing: run scripts/install-helm-sdk.sh (scripts/test.sh does)",
        python.display()
    );
    python
}

/// The corpus charts and the namespaces their stored renders used.
pub fn corpus_charts() -> Vec<(String, String)> {
    let table = std::fs::read_to_string(corpus().join("charts/PROVENANCE.tsv"))
        .unwrap_or_else(|e| panic!("the corpus charts: {e}"));
    table
        .lines()
        .skip(1)
        .filter_map(|line| {
            let cells: Vec<&str> = line.split('\t').collect();
            Some((cells.first()?.to_string(), cells.get(5)?.to_string()))
        })
        .collect()
}

/// What real Helm answered to one request.
#[derive(Debug, Clone)]
pub struct Answer {
    /// `helm template`'s output, or Helm's error.
    pub result: Result<String, String>,
    /// Helm's in-process seconds.
    pub seconds: f64,
}

/// Renders every request (a JSON object of `oracle.py --batch`) with real Helm, in one
/// process.
pub fn helm_batch(requests: &[serde_json::Value]) -> Vec<Answer> {
    let mut child = Command::new(python())
        .arg(root().join("tests/helm-oracle/oracle.py"))
        .arg("--batch")
        .current_dir(root())
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| panic!("cannot run the Helm oracle: {e}"));
    let mut input = String::new();
    for request in requests {
        input.push_str(&request.to_string());
        input.push('\n');
    }
    if let Some(mut stdin) = child.stdin.take() {
        let _ = stdin.write_all(input.as_bytes());
    }
    let output = child
        .wait_with_output()
        .unwrap_or_else(|e| panic!("the Helm oracle did not finish: {e}"));
    let stdout = String::from_utf8_lossy(&output.stdout);
    let answers: Vec<Answer> = stdout
        .lines()
        .map(|line| {
            let json: serde_json::Value = serde_json::from_str(line)
                .unwrap_or_else(|e| panic!("oracle answer is not JSON ({e}): {line}"));
            assert!(
                json["oracle_error"].as_bool() != Some(true),
                "the oracle failed: {}",
                json["error"]
            );
            let result = if json["ok"].as_bool() == Some(true) {
                Ok(json["output"].as_str().unwrap_or_default().to_owned())
            } else {
                Err(json["error"].as_str().unwrap_or_default().to_owned())
            };
            Answer {
                result,
                seconds: json["seconds"].as_f64().unwrap_or_default(),
            }
        })
        .collect();
    assert_eq!(
        answers.len(),
        requests.len(),
        "the oracle answered {} of {} requests; stderr:\n{}",
        answers.len(),
        requests.len(),
        String::from_utf8_lossy(&output.stderr)
    );
    answers
}

/// Compares two renders with `compare.py` (documents in order, parsed YAML equal, only the
/// output of random and crypto functions tolerated). `Err` holds its report.
pub fn compare(expected: &str, actual: &str) -> Result<(), String> {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let (e, a) = (
        dir.path().join("helm.yaml"),
        dir.path().join("imgsift.yaml"),
    );
    std::fs::write(&e, expected).unwrap_or_else(|err| panic!("{err}"));
    std::fs::write(&a, actual).unwrap_or_else(|err| panic!("{err}"));
    let output = Command::new(python())
        .arg(root().join("tests/helm-oracle/compare.py"))
        .arg(&e)
        .arg(&a)
        .output()
        .unwrap_or_else(|err| panic!("cannot run compare.py: {err}"));
    if output.status.success() {
        Ok(())
    } else {
        Err(format!(
            "{}{}",
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        ))
    }
}

/// A chart of the tests, written from `(path, text)` pairs into a fresh folder.
pub fn write_chart(dir: &Path, files: &[(&str, &str)]) {
    for (name, text) in files {
        let path = dir.join(name);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).unwrap_or_else(|e| panic!("{e}"));
        }
        std::fs::write(&path, text).unwrap_or_else(|e| panic!("{e}"));
    }
}
