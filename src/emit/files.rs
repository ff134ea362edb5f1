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
/// `emitted.printed` to `out` when there is no `out_dir`. Files are refused as a whole, before
/// any is written, when two would land on one path, when one would replace an input or a file
/// imgsift did not write there, or when the way to one passes a symbolic link planted inside
/// `out_dir`. `Ok(false)` when something was refused or failed (said on `err`).
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
    let mut record = Record::read(dir);
    let checked = refuse_collisions(dir, &emitted.files, &paths)
        .and_then(|()| refuse_inputs(&paths, inputs))
        .and_then(|()| refuse_links(dir, &paths))
        .and_then(|()| refuse_foreign(dir, &paths, &record));
    if let Err(error) = checked {
        writeln!(err, "imgsift: {error:#}; nothing was written")?;
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
        record.wrote(dir, path, file.text.as_bytes());
        writeln!(
            err,
            "imgsift: wrote {}",
            Printable(&path.display().to_string())
        )?;
    }
    if let Err(error) = record.write(dir) {
        writeln!(err, "imgsift: {error:#}")?;
        return Ok(false);
    }
    Ok(true)
}

/// The name of the file, in an output folder, that lists what imgsift wrote there.
pub const RECORD: &str = ".imgsift-written.json";

/// What imgsift wrote in one output folder: each file's path under it and a hash of the
/// contents written, so that a later run replaces only its own files, unchanged since.
#[derive(Debug, Default)]
struct Record {
    files: std::collections::BTreeMap<String, String>,
}

impl Record {
    /// The record of `dir`; none (or an unreadable one) records nothing.
    fn read(dir: &Path) -> Record {
        let path = dir.join(RECORD);
        let small = std::fs::symlink_metadata(&path)
            .is_ok_and(|meta| meta.is_file() && meta.len() <= MAX_RECORD_BYTES);
        let files = small
            .then(|| std::fs::read(&path).ok())
            .flatten()
            .and_then(|bytes| serde_json::from_slice::<serde_json::Value>(&bytes).ok())
            .and_then(|value| value.get("files").cloned())
            .and_then(|files| serde_json::from_value(files).ok())
            .unwrap_or_default();
        Record { files }
    }

    fn key(dir: &Path, path: &Path) -> String {
        path.strip_prefix(dir)
            .unwrap_or(path)
            .to_string_lossy()
            .into_owned()
    }

    /// Whether `path` holds what imgsift last wrote there.
    fn is_own(&self, dir: &Path, path: &Path) -> bool {
        let Some(recorded) = self.files.get(&Record::key(dir, path)) else {
            return false;
        };
        let small =
            std::fs::symlink_metadata(path).is_ok_and(|m| m.is_file() && m.len() <= MAX_OWN_BYTES);
        small && std::fs::read(path).is_ok_and(|bytes| &fingerprint(&bytes) == recorded)
    }

    fn wrote(&mut self, dir: &Path, path: &Path, contents: &[u8]) {
        self.files
            .insert(Record::key(dir, path), fingerprint(contents));
    }

    fn write(&self, dir: &Path) -> anyhow::Result<()> {
        let value = serde_json::json!({
            "comment": "the files imgsift wrote in this folder; it replaces only these, unchanged",
            "files": self.files,
        });
        let mut text = serde_json::to_string_pretty(&value)?;
        text.push('\n');
        atomically(&dir.join(RECORD), text.as_bytes())
    }
}

/// Bounds on what is read back from an output folder: a record, and a file imgsift may have
/// written (anything larger is not its own).
const MAX_RECORD_BYTES: u64 = 16 << 20;
const MAX_OWN_BYTES: u64 = 256 << 20;

/// FNV-1a, 64 bits, in hex: enough to tell a file changed since imgsift wrote it (this guards
/// against mistakes, not attackers: the folder's owner can rewrite the record anyway).
fn fingerprint(bytes: &[u8]) -> String {
    let hash = bytes.iter().fold(0xcbf2_9ce4_8422_2325_u64, |hash, &b| {
        (hash ^ u64::from(b)).wrapping_mul(0x0000_0100_0000_01b3)
    });
    format!("{hash:016x}")
}

/// Fails when two files would be written to one path (two inputs that clean to one name).
fn refuse_collisions(dir: &Path, files: &[OutputFile], paths: &[PathBuf]) -> anyhow::Result<()> {
    let mut seen: std::collections::BTreeMap<&Path, &str> = std::collections::BTreeMap::new();
    let record = dir.join(RECORD);
    for (file, path) in files.iter().zip(paths) {
        if *path == record {
            bail!(
                "{} would be written to {}, where imgsift keeps the list of what it wrote",
                Printable(&file.name),
                Printable(&path.display().to_string())
            );
        }
        if let Some(first) = seen.insert(path.as_path(), &file.name) {
            bail!(
                "{} and {} would both be written to {}; name the inputs so that their outputs differ",
                Printable(first),
                Printable(&file.name),
                Printable(&path.display().to_string())
            );
        }
    }
    Ok(())
}

/// Fails when the way from `dir` to a target passes a symbolic link (or the target is one):
/// a link planted inside the output folder would send a write elsewhere. `dir` itself may be a
/// link: the user named it.
fn refuse_links(dir: &Path, paths: &[PathBuf]) -> anyhow::Result<()> {
    for path in paths {
        let Ok(relative) = path.strip_prefix(dir) else {
            continue;
        };
        let mut at = dir.to_path_buf();
        for part in relative.components() {
            at.push(part);
            match std::fs::symlink_metadata(&at) {
                Ok(meta) if meta.file_type().is_symlink() => bail!(
                    "{} is a symbolic link inside the output folder; imgsift does not write through links",
                    Printable(&at.display().to_string())
                ),
                Ok(meta) if meta.is_dir() && at == *path => bail!(
                    "{} is a folder; imgsift would write a file there",
                    Printable(&at.display().to_string())
                ),
                Ok(_) => {}
                // Nothing further exists: the rest is created.
                Err(_) => break,
            }
        }
    }
    Ok(())
}

/// Fails when a target exists and is not a file imgsift wrote there, unchanged since.
fn refuse_foreign(dir: &Path, paths: &[PathBuf], record: &Record) -> anyhow::Result<()> {
    for path in paths {
        if std::fs::symlink_metadata(path).is_ok() && !record.is_own(dir, path) {
            bail!(
                "{} exists and is not a file imgsift wrote there (or it changed since); imgsift replaces only its own files: move it away or choose another --out-dir",
                Printable(&path.display().to_string())
            );
        }
    }
    Ok(())
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
