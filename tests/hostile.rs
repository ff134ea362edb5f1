//! Hostile input: every case gives a clear diagnostic or is handled, never a panic, a hang or a
//! memory blow-up, and the other inputs of the run are still reported.
//!
//! Each test scans the hostile input together with a good file and checks that the good file's
//! image is listed. A panic would exit 101; a hang would never return (the whole test binary is
//! bounded by CI's timeout). Memory is measured by scripts/bench.sh, not here.

mod common;

use std::io::Write;
use std::path::Path;

use common::{GOOD, Run, Scratch, assert_good_still_reported, command_in};

/// The whole scan of `args` in the scratch folder, with no standard input.
fn scan(scratch: &Scratch, args: &[&str]) -> Run {
    let mut all = vec!["scan"];
    all.extend_from_slice(args);
    match command_in(scratch.dir(), &all)
        .stdin(std::process::Stdio::null())
        .output()
    {
        Ok(output) => output.into(),
        Err(err) => panic!("cannot run imgsift: {err}"),
    }
}

#[test]
fn an_alias_bomb_is_refused_and_the_rest_of_the_stream_scanned() {
    let scratch = Scratch::new();
    let mut bomb = String::from(
        "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: lol}\ndata:\n  a: &a [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]\n",
    );
    let names = ["a", "b", "c", "d", "e", "f", "g", "h", "i"];
    for pair in names.windows(2) {
        let refs = vec![format!("*{}", pair[0]); 9].join(",");
        bomb.push_str(&format!("  {}: &{} [{refs}]\n", pair[1], pair[1]));
    }
    bomb.push_str("---\n");
    bomb.push_str(GOOD);
    scratch.write("bomb.yaml", bomb.as_bytes());
    let run = scan(&scratch, &["bomb.yaml"]);
    assert_eq!(run.code, 2);
    assert_good_still_reported(&run);
    assert!(run.stderr.contains("bomb.yaml:"), "{}", run.stderr);
    assert!(
        run.stderr
            .contains("aliases expand this document to more than"),
        "{}",
        run.stderr
    );
}

#[test]
fn nesting_a_hundred_thousand_deep_is_refused_in_block_and_flow_style() {
    let scratch = Scratch::new();
    // Block style 100,000 deep: compact nested sequences (`- - - x`) on one line; a nested
    // mapping that deep would need gigabytes of indentation.
    let block = "- ".repeat(100_000) + "x\n";
    scratch.write("deep-block.yaml", block.as_bytes());
    let flow = "[".repeat(100_000) + &"]".repeat(100_000);
    scratch.write("deep-flow.yaml", flow.as_bytes());
    let run = scan(
        &scratch,
        &["deep-block.yaml", "deep-flow.yaml", "good.yaml"],
    );
    assert_eq!(run.code, 2);
    assert_good_still_reported(&run);
    assert!(run.stderr.contains("deep-block.yaml:1:"), "{}", run.stderr);
    assert!(
        run.stderr.contains("nests deeper than 512 levels"),
        "{}",
        run.stderr
    );
    assert!(run.stderr.contains("deep-flow.yaml:1:"), "{}", run.stderr);
}

#[test]
fn a_hundred_megabyte_line_is_skipped_with_a_diagnostic() {
    let scratch = Scratch::new();
    let path = scratch.path("long.yaml");
    {
        let mut file = std::fs::File::create(&path).unwrap_or_else(|e| panic!("{e}"));
        file.write_all(b"key: \"").unwrap_or_else(|e| panic!("{e}"));
        let chunk = vec![b'x'; 1 << 20];
        for _ in 0..100 {
            file.write_all(&chunk).unwrap_or_else(|e| panic!("{e}"));
        }
        file.write_all(b"\"\n---\n")
            .unwrap_or_else(|e| panic!("{e}"));
        file.write_all(GOOD.as_bytes())
            .unwrap_or_else(|e| panic!("{e}"));
    }
    let run = scan(&scratch, &["long.yaml"]);
    assert_eq!(run.code, 2);
    assert_good_still_reported(&run);
    assert!(
        run.stderr
            .contains("long.yaml:1:1: error[D002]: document 1 is larger than 64 MiB"),
        "{}",
        run.stderr
    );
}

#[test]
fn encodings_and_control_bytes_get_diagnostics_at_their_position() {
    let scratch = Scratch::new();
    scratch.write("latin1.yaml", b"a: caf\xe9\n");
    scratch.write("nul.yaml", b"a: b\x00c\n");
    scratch.write("utf16.yaml", b"\xff\xfea\x00:\x00 \x001\x00\n\x00");
    scratch.write(
        "bom.yaml",
        format!("\u{feff}{}", GOOD.replace("good", "bom")).as_bytes(),
    );
    scratch.write(
        "crlf.yaml",
        GOOD.replace("good", "crlf")
            .replace('\n', "\r\n")
            .as_bytes(),
    );
    let run = scan(
        &scratch,
        &[
            "latin1.yaml",
            "nul.yaml",
            "utf16.yaml",
            "bom.yaml",
            "crlf.yaml",
            "good.yaml",
        ],
    );
    assert_eq!(run.code, 2);
    assert_good_still_reported(&run);
    assert!(run.lines().contains(&"example.com/bom:1"));
    assert!(run.lines().contains(&"example.com/crlf:1"));
    assert!(
        run.stderr
            .contains("latin1.yaml:1:7: error[D003]: invalid UTF-8"),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr.contains("nul.yaml:1:5: error[D004]: NUL byte"),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr
            .contains("utf16.yaml:1:1: error[D003]: the file is UTF-16"),
        "{}",
        run.stderr
    );
}

#[test]
fn tabs_truncation_and_empty_inputs_are_handled() {
    let scratch = Scratch::new();
    scratch.write("tabs.yaml", b"a:\n\tb: 1\n");
    scratch.write(
        "truncated.yaml",
        b"apiVersion: v1\nkind: Pod\nspec:\n  containers:\n  - image: \"example.com/cut",
    );
    scratch.write("empty.yaml", b"");
    scratch.write("comments.yaml", b"# nothing\n# at all\n");
    scratch.write("dashes.yaml", b"---\n---\n---\n");
    let run = scan(
        &scratch,
        &[
            "tabs.yaml",
            "truncated.yaml",
            "empty.yaml",
            "comments.yaml",
            "dashes.yaml",
            "good.yaml",
        ],
    );
    assert_eq!(run.code, 2);
    assert_good_still_reported(&run);
    let errors: Vec<&str> = run.stderr.lines().collect();
    assert_eq!(errors.len(), 2, "{}", run.stderr);
    assert!(
        errors[0].starts_with("tabs.yaml:2:2: error[D001]: invalid YAML: tabs"),
        "{}",
        errors[0]
    );
    assert!(
        errors[1].starts_with("truncated.yaml:5:12: error[D001]: invalid YAML"),
        "{}",
        errors[1]
    );
}

#[cfg(unix)]
#[test]
fn symlink_loops_fifos_and_devices_in_a_walk_do_not_hang() {
    let scratch = Scratch::new();
    let walk = scratch.path("walk");
    std::fs::create_dir(&walk).unwrap_or_else(|e| panic!("{e}"));
    std::fs::copy(scratch.path("good.yaml"), walk.join("good.yaml"))
        .unwrap_or_else(|e| panic!("{e}"));
    std::os::unix::fs::symlink("self.yaml", walk.join("self.yaml"))
        .unwrap_or_else(|e| panic!("{e}"));
    std::os::unix::fs::symlink("..", walk.join("up")).unwrap_or_else(|e| panic!("{e}"));
    std::os::unix::fs::symlink("/dev/zero", walk.join("zero.yaml"))
        .unwrap_or_else(|e| panic!("{e}"));
    let fifo = walk.join("pipe.yaml");
    let made = std::process::Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .unwrap_or_else(|e| panic!("mkfifo: {e}"));
    assert!(made.success());
    let run = scan(&scratch, &["walk"]);
    assert_good_still_reported(&run);
    assert!(
        run.stderr
            .contains("walk/self.yaml:1:1: error[I003]: broken symbolic link"),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr
            .contains("walk/pipe.yaml:1:1: warning[I002]: not a regular file"),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr
            .contains("walk/zero.yaml:1:1: warning[I002]: not a regular file"),
        "{}",
        run.stderr
    );
    assert_eq!(
        run.lines(),
        ["example.com/good:1"],
        "the linked directory `up` is not followed"
    );
}

#[cfg(unix)]
#[test]
fn a_fifo_named_on_the_command_line_is_read_like_a_pipe() {
    let scratch = Scratch::new();
    let fifo = scratch.path("rendered.yaml");
    let made = std::process::Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .unwrap_or_else(|e| panic!("mkfifo: {e}"));
    assert!(made.success());
    let writer_path = fifo.clone();
    let writer = std::thread::spawn(move || {
        let mut pipe = std::fs::OpenOptions::new()
            .write(true)
            .open(writer_path)
            .unwrap_or_else(|e| panic!("{e}"));
        pipe.write_all(GOOD.replace("good", "piped").as_bytes())
            .unwrap_or_else(|e| panic!("{e}"));
    });
    let run = scan(&scratch, &["rendered.yaml", "good.yaml"]);
    writer.join().unwrap_or_else(|_| panic!("writer"));
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(run.lines(), ["example.com/good:1", "example.com/piped:1"]);
}

/// Runs imgsift as an unprivileged user, so that file permissions apply even when the tests run
/// as root. Returns `None` where that cannot be arranged.
fn scan_as_nobody(dir: &Path, args: &[&str]) -> Option<Run> {
    let is_root = std::process::Command::new("id")
        .arg("-u")
        .output()
        .ok()
        .is_some_and(|o| String::from_utf8_lossy(&o.stdout).trim() == "0");
    let binary = env!("CARGO_BIN_EXE_imgsift");
    let mut command = if is_root {
        let mut command = std::process::Command::new("setpriv");
        command.args(["--reuid=65534", "--regid=65534", "--clear-groups", binary]);
        command
    } else {
        std::process::Command::new(binary)
    };
    command
        .args(args)
        .current_dir(dir)
        .stdin(std::process::Stdio::null());
    command.output().ok().map(Run::from)
}

#[cfg(unix)]
#[test]
fn an_unreadable_file_is_a_diagnostic_and_the_others_are_scanned() {
    use std::os::unix::fs::PermissionsExt;
    let scratch = Scratch::new();
    let locked = scratch.write("locked.yaml", GOOD.replace("good", "locked").as_bytes());
    std::fs::set_permissions(&locked, std::fs::Permissions::from_mode(0o000))
        .unwrap_or_else(|e| panic!("{e}"));
    for path in [scratch.dir().to_path_buf(), scratch.path("good.yaml")] {
        let mode = if path.is_dir() { 0o755 } else { 0o644 };
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(mode))
            .unwrap_or_else(|e| panic!("{e}"));
    }
    let Some(run) = scan_as_nobody(scratch.dir(), &["scan", "locked.yaml", "good.yaml"]) else {
        panic!("cannot run imgsift as an unprivileged user (setpriv)");
    };
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert_good_still_reported(&run);
    assert!(
        run.stderr
            .contains("locked.yaml:1:1: error[I001]: cannot read this file: permission denied"),
        "{}",
        run.stderr
    );
}

#[test]
fn a_directory_of_a_hundred_thousand_files_is_scanned() {
    let scratch = Scratch::new();
    let many = scratch.path("many");
    for d in 0..100 {
        let dir = many.join(format!("d{d:02}"));
        std::fs::create_dir_all(&dir).unwrap_or_else(|e| panic!("{e}"));
        for f in 0..1000 {
            let text = format!(
                "apiVersion: v1\nkind: Pod\nmetadata: {{name: p{f}}}\nspec: {{containers: [{{name: c, image: \"example.com/many/{}:1\"}}]}}\n",
                f % 7
            );
            std::fs::write(dir.join(format!("f{f:04}.yaml")), text)
                .unwrap_or_else(|e| panic!("{e}"));
        }
    }
    let run = scan(&scratch, &["many", "good.yaml"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_good_still_reported(&run);
    assert_eq!(
        run.lines().len(),
        8,
        "7 distinct images in the directory and the good one"
    );
}
