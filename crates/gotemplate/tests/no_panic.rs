//! Random templates from a vocabulary of template fragments: parsing and
//! executing any input yields output or an error, never a panic or a hang.

use gotemplate::{ExecOptions, FuncMap, List, Map, Namespace, Value};

const PIECES: &[&str] = &[
    "{{",
    "}}",
    "{{-",
    "-}}",
    " ",
    "\n",
    "\t",
    "é",
    "日",
    "😀",
    ".",
    ".a",
    ".b",
    ".a.b",
    "$",
    "$x",
    "$x.a",
    ":=",
    "=",
    "|",
    "(",
    ")",
    ",",
    "\"",
    "\"s\"",
    "`r`",
    "'c'",
    "'",
    "1",
    "-2",
    "0x1F",
    "1.5",
    "1e3",
    "0b1",
    "1_0",
    "nil",
    "true",
    "if",
    "else",
    "end",
    "range",
    "with",
    "define",
    "template",
    "block",
    "break",
    "continue",
    "\"x\"",
    "and",
    "or",
    "not",
    "len",
    "index",
    "slice",
    "eq",
    "ne",
    "lt",
    "le",
    "gt",
    "ge",
    "print",
    "printf",
    "println",
    "html",
    "js",
    "urlquery",
    "call",
    "\"%d %s %v %q %x %5.2f %*d %[2]v %!\"",
    "/*",
    "*/",
    "{{/*",
    "*/}}",
    "text",
    "{{ range $i, $v := . }}",
    "{{ end }}",
    "{{ if . }}",
    "{{ else }}",
    "{{ define \"x\" }}",
    "{{ template \"x\" . }}",
    "\\",
    "%",
    "{{ $x := 1 }}",
    "}",
    "{",
];

struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        // xorshift64*
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
}

fn data() -> Value {
    let m = Map::new();
    m.insert(
        "a",
        Value::Map(Map::from_entries([("b", Value::Float(1.5))])),
    );
    m.insert(
        "b",
        Value::List(List::new(vec![
            Value::from("x"),
            Value::Nil,
            Value::Float(2.0),
        ])),
    );
    Value::Map(m)
}

#[test]
fn random_templates_never_panic() {
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
    let opts = ExecOptions {
        max_steps: 20_000,
        max_output_bytes: 1 << 16,
        ..ExecOptions::helm()
    };
    let mut parsed = 0;
    for _ in 0..20_000 {
        let n = 1 + (rng.next() % 24) as usize;
        let mut text = String::new();
        for _ in 0..n {
            text.push_str(PIECES[(rng.next() % PIECES.len() as u64) as usize]);
        }
        let mut ns = Namespace::new(FuncMap::new());
        if ns.add("t", &text).is_ok() {
            parsed += 1;
            let _ = ns.execute("t", data(), &opts);
            let _ = ns.execute("x", data(), &opts);
        }
    }
    assert!(parsed > 100, "only {parsed} random templates parsed");
}

const ALPHA: &[u8] = b"{}$.-|()'\"`\\/*a1 \n";

#[test]
fn random_bytes_never_panic() {
    let mut rng = Rng(42);
    for _ in 0..5_000 {
        let n = (rng.next() % 40) as usize;
        let bytes: Vec<u8> = (0..n)
            .map(|_| ALPHA[(rng.next() % ALPHA.len() as u64) as usize])
            .collect();
        let text = String::from_utf8_lossy(&bytes).into_owned();
        let mut ns = Namespace::new(FuncMap::new());
        if ns.add("t", &text).is_ok() {
            let _ = ns.execute("t", data(), &ExecOptions::default());
        }
    }
}
