//! The source map of an execution: each output line traced to the template line that wrote it.

use gotemplate::{ExecOptions, FuncMap, Namespace, OutputLines, Value};

#[test]
fn output_lines_map_to_the_text_and_actions_that_wrote_them() {
    let mut ns = Namespace::new(FuncMap::new());
    let added = ns.add(
        "helpers.tpl",
        "{{ define \"img\" }}repo/app:{{ . }}{{ end }}",
    );
    assert!(added.is_ok());
    let text = "a: 1\nb: 2\n{{- range . }}\nc{{ . }}: x\n{{- end }}\nimage: {{ template \"img\" \"1.0\" }}\nlast: {{ 3 }}\n";
    assert!(ns.add("t.yaml", text).is_ok());
    let (out, map) = match ns.execute_mapped(
        "t.yaml",
        Value::from(vec![Value::from(1i64), Value::from(2i64)]),
        &ExecOptions::helm(),
    ) {
        Ok(result) => result,
        Err(e) => panic!("{e}"),
    };
    assert_eq!(
        out,
        "a: 1\nb: 2\nc1: x\nc2: x\nimage: repo/app:1.0\nlast: 3\n"
    );
    let lines = OutputLines::new(&out);
    let line_of = |needle: &str| {
        let offset = out.find(needle).unwrap_or(usize::MAX);
        map.line_at(&lines, offset).map(|(f, l)| (f.to_owned(), l))
    };
    assert_eq!(line_of("b: 2"), Some(("t.yaml".to_owned(), 2)));
    assert_eq!(line_of("c2"), Some(("t.yaml".to_owned(), 4)));
    assert_eq!(line_of("repo/app"), Some(("helpers.tpl".to_owned(), 1)));
    assert_eq!(line_of("3\n"), Some(("t.yaml".to_owned(), 7)));
}
