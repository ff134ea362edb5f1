//! `imgsift scan` reports the same whatever `-j`: the stream is cut and read on however many
//! threads there are, and the output must not depend on how the work was shared.

mod common;

use common::{imgsift_stdin, root};

/// The corpus's rendered manifests joined into one stream, as `cat` makes it: long enough to
/// be read in several batches, with CRDs, workloads and byte order marks of joined files.
fn corpus_stream() -> Option<Vec<u8>> {
    let mut files = Vec::new();
    for dir in ["rendered", "kubeflow", "realworld"] {
        let Ok(entries) = std::fs::read_dir(root().join("../shared/corpus").join(dir)) else {
            continue;
        };
        files.extend(
            entries
                .flatten()
                .map(|e| e.path())
                .filter(|p| p.extension().is_some_and(|e| e == "yaml")),
        );
    }
    files.sort();
    let mut stream = Vec::new();
    for path in files {
        match std::fs::read(&path) {
            Ok(bytes) => stream.extend_from_slice(&bytes),
            Err(err) => panic!("{}: {err}", path.display()),
        }
        if !stream.ends_with(b"\n") {
            stream.push(b'\n');
        }
        if stream.len() > 12 << 20 {
            break;
        }
    }
    (!stream.is_empty()).then_some(stream)
}

#[test]
fn one_thread_and_two_threads_report_the_same_bytes() {
    let Some(stream) = corpus_stream() else {
        panic!("no corpus in ../shared/corpus");
    };
    assert!(stream.len() > 4 << 20, "the stream spans several batches");
    for format in [&["-o", "json"][..], &[][..]] {
        let run = |threads: &str| {
            let mut args = vec!["scan", "-j", threads];
            args.extend_from_slice(format);
            args.push("-");
            imgsift_stdin(&args, &stream)
        };
        let one = run("1");
        assert!(!one.stdout.is_empty(), "{}", one.stderr);
        for threads in ["2", "3"] {
            let many = run(threads);
            assert_eq!(one.code, many.code, "-j {threads} {format:?}");
            assert!(
                one.stdout == many.stdout,
                "-j 1 and -j {threads} {format:?} differ on stdout"
            );
            assert_eq!(one.stderr, many.stderr, "-j {threads} {format:?}");
        }
    }
}
