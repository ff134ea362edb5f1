//! Delivering output: printed, or written as files atomically and never over an input.
//!
//! A file is written to a temporary file in its own folder and renamed into place, so a reader
//! (or a crash) never sees half of it. Before anything is written, every target is checked
//! against the files imgsift read: a command that would replace one of its own inputs is
//! refused as a whole, so a mistyped `--out-dir .` cannot clobber a values file.

use std::io::{self, Write};

use crate::escape::Printable;
use std::path::{Component, Path, PathBuf};

use anyhow::{Context, bail};

/// One file of output: its path under `--out-dir`, and its text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutputFile {
    /// The path under `--out-dir` (cleaned by [`under`]).
    pub name: String,
    /// The contents.
    pub text: String,
    /// Whether it is a script to make executable.
    pub executable: bool,
}

impl OutputFile {
    /// A file (0644).
    pub fn new(name: impl Into<String>, text: String) -> OutputFile {
        OutputFile {
            name: name.into(),
            text,
            executable: false,
        }
    }

    /// A shell script (0755).
    pub fn script(name: impl Into<String>, text: String) -> OutputFile {
        OutputFile {
            executable: true,
            ..OutputFile::new(name, text)
        }
    }
}

/// What a command produces: the files written with `--out-dir`, and the text printed
/// without it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Emitted {
    /// The files, for `--out-dir`.
    pub files: Vec<OutputFile>,
    /// Standard output when there is no `--out-dir`.
    pub printed: String,
}

impl Emitted {
    /// Files printed one after the other.
    pub fn concatenated(files: Vec<OutputFile>) -> Emitted {
        let printed = files.iter().map(|f| f.text.as_str()).collect();
        Emitted { files, printed }
    }

    /// Files printed as YAML documents, `---` between them.
    pub fn as_documents(files: Vec<OutputFile>) -> Emitted {
        let printed = files
            .iter()
            .map(|f| f.text.as_str())
            .collect::<Vec<_>>()
            .join("---\n");
        Emitted { files, printed }
    }

    /// Files printed each under a `# ==> NAME <==` line when there are several, as `head`
    /// prints files, so that they can be told apart.
    pub fn with_headers(files: Vec<OutputFile>) -> Emitted {
        let mut printed = String::new();
        for (i, file) in files.iter().enumerate() {
            if files.len() > 1 {
                if i > 0 {
                    printed.push('\n');
                }
                printed.push_str(&format!("# ==> {} <==\n", Printable(&file.name)));
            }
            printed.push_str(&file.text);
        }
        Emitted { files, printed }
    }
}

/// Writes the files of `emitted` under `out_dir` (each at [`under`] its name), or prints
/// `emitted.printed` to `out` when there is no `out_dir`. Files are refused as a whole when
/// one would replace an input. `Ok(false)` when something was refused or failed (said on
/// `err`).
pub fn deliver(
    out: &mut dyn Write,
    err: &mut dyn Write,
    out_dir: Option<&Path>,
    inputs: &[PathBuf],
    emitted: &Emitted,
) -> io::Result<bool> {
    let Some(dir) = out_dir else {
        out.write_all(emitted.printed.as_bytes())?;
        out.flush()?;
        return Ok(true);
    };
    let paths: Vec<PathBuf> = emitted.files.iter().map(|f| under(dir, &f.name)).collect();
    if let Err(error) = refuse_inputs(&paths, inputs) {
        writeln!(err, "imgsift: {error:#}")?;
        return Ok(false);
    }
    for (path, file) in paths.iter().zip(&emitted.files) {
        let written = if file.executable {
            atomically_executable(path, file.text.as_bytes())
        } else {
            atomically(path, file.text.as_bytes())
        };
        if let Err(error) = written {
            writeln!(err, "imgsift: {error:#}")?;
            return Ok(false);
        }
        writeln!(
            err,
            "imgsift: wrote {}",
            Printable(&path.display().to_string())
        )?;
    }
    Ok(true)
}

/// `DIR/<display path>`, with `..`, `.`, a leading `/` and archive separators (`!/`) removed,
/// so every output lands inside `dir`. Standard input (`-`) becomes `stdin.yaml`.
pub fn under(dir: &Path, display: &str) -> PathBuf {
    if display == "-" {
        return dir.join("stdin.yaml");
    }
    let cleaned = display.replace("!/", "/");
    let mut path = dir.to_path_buf();
    for component in Path::new(&cleaned).components() {
        if let Component::Normal(part) = component {
            path.push(part);
        }
    }
    path
}

fn canonical(path: &Path) -> Option<PathBuf> {
    if let Ok(found) = path.canonicalize() {
        return Some(found);
    }
    // A file that does not exist yet: its folder's canonical path and its name.
    let parent = path.parent()?;
    let parent = if parent.as_os_str().is_empty() {
        Path::new(".")
    } else {
        parent
    };
    Some(parent.canonicalize().ok()?.join(path.file_name()?))
}

/// Fails when any target is one of the inputs.
pub fn refuse_inputs(targets: &[PathBuf], inputs: &[PathBuf]) -> anyhow::Result<()> {
    let inputs: Vec<PathBuf> = inputs.iter().filter_map(|p| canonical(p)).collect();
    for target in targets {
        if let Some(found) = canonical(target) {
            if inputs.contains(&found) {
                bail!(
                    "{} is one of the inputs; imgsift never overwrites an input (choose another --out-dir)",
                    target.display()
                );
            }
        }
    }
    Ok(())
}

/// Writes `contents` to `path` atomically, creating its folders. The file is readable by all
/// (0644), like a file a shell redirect creates, not private like a temporary file.
pub fn atomically(path: &Path, contents: &[u8]) -> anyhow::Result<()> {
    write_with_mode(path, contents, 0o644)
}

/// Like [`atomically`], for a script: executable (0755).
pub fn atomically_executable(path: &Path, contents: &[u8]) -> anyhow::Result<()> {
    write_with_mode(path, contents, 0o755)
}

fn write_with_mode(path: &Path, contents: &[u8], mode: u32) -> anyhow::Result<()> {
    let parent = match path.parent() {
        Some(parent) if !parent.as_os_str().is_empty() => parent,
        _ => Path::new("."),
    };
    std::fs::create_dir_all(parent)
        .with_context(|| format!("cannot create {}", parent.display()))?;
    let mut file = tempfile::NamedTempFile::new_in(parent)
        .with_context(|| format!("cannot write in {}", parent.display()))?;
    file.write_all(contents)
        .with_context(|| format!("cannot write {}", path.display()))?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        file.as_file()
            .set_permissions(std::fs::Permissions::from_mode(mode))
            .with_context(|| format!("cannot write {}", path.display()))?;
    }
    #[cfg(not(unix))]
    let _ = mode;
    file.as_file()
        .sync_all()
        .with_context(|| format!("cannot write {}", path.display()))?;
    file.persist(path)
        .with_context(|| format!("cannot write {}", path.display()))?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn outputs_stay_under_the_directory() {
        let dir = Path::new("out");
        assert_eq!(
            under(dir, "charts/a/values.yaml"),
            Path::new("out/charts/a/values.yaml")
        );
        assert_eq!(
            under(dir, "/abs/values.yaml"),
            Path::new("out/abs/values.yaml")
        );
        assert_eq!(under(dir, "../../etc/passwd"), Path::new("out/etc/passwd"));
        assert_eq!(
            under(dir, "c.tgz!/c/values.yaml"),
            Path::new("out/c.tgz/c/values.yaml")
        );
        assert_eq!(under(dir, "-"), Path::new("out/stdin.yaml"));
    }

    #[test]
    fn an_input_is_never_a_target() {
        let dir = match tempfile::tempdir() {
            Ok(dir) => dir,
            Err(e) => panic!("{e}"),
        };
        let input = dir.path().join("values.yaml");
        if let Err(e) = std::fs::write(&input, "a: 1\n") {
            panic!("{e}");
        }
        assert!(refuse_inputs(std::slice::from_ref(&input), std::slice::from_ref(&input)).is_err());
        let other = dir.path().join("out/values.yaml");
        assert!(refuse_inputs(&[other], &[input]).is_ok());
    }
}
