//! Go's `text/template` execution tests (exec_test.go's `execTests` table),
//! ported where they apply: Go's test struct `T` becomes an [`Object`] with
//! the same fields and methods, and the test functions are registered
//! natives. Cases that need Go-only types (channels, iterators, complex
//! numbers, pointers to arrays, unsigned map keys) are left out.
//!
//! Also: engine behaviour that Helm cannot show (the default `missingkey`
//! mode, `missingkey=error`, limits, deep nesting, namespaces).

use std::rc::Rc;

use gotemplate::{
    Context, ElemType, ErrorKind, ExecOptions, FuncError, FuncMap, Function, List, Map, MissingKey,
    Namespace, Object, Signature, Type, Value,
};

fn ints(v: &[i64]) -> Value {
    Value::List(List::typed(
        ElemType::Int,
        v.iter().map(|&i| Value::Int(i)).collect(),
    ))
}

fn map_si(entries: &[(&str, i64)]) -> Value {
    let m = Map::with_type(ElemType::Int, None);
    for (k, v) in entries {
        m.insert(*k, Value::Int(*v));
    }
    Value::Map(m)
}

struct U {
    v: &'static str,
}

impl Object for U {
    fn type_name(&self) -> String {
        "*template.U".to_string()
    }
    fn field(&self, name: &str) -> Option<Value> {
        (name == "V").then(|| Value::from(self.v))
    }
    fn method(&self, name: &str) -> Option<Function> {
        (name == "TrueFalse").then(|| {
            Function::new(Signature::new(vec![Type::Bool], Type::String), |_, a| {
                Ok(Value::from(
                    if matches!(a.first(), Some(Value::Bool(true))) {
                        "true"
                    } else {
                        ""
                    },
                ))
            })
        })
    }
    fn fields(&self) -> Vec<(String, Value)> {
        vec![("V".to_string(), Value::from(self.v))]
    }
    fn is_pointer(&self) -> bool {
        true
    }
    fn as_any(&self) -> &dyn std::any::Any {
        self
    }
}

/// Go's test value `tVal`.
struct T {
    fields: Map,
}

fn t_val() -> Value {
    let f = Map::new();
    f.insert("True", Value::Bool(true));
    f.insert("I", Value::Int(17));
    f.insert("U16", Value::Int(16));
    f.insert("X", Value::from("x"));
    f.insert("S", Value::from("xyz"));
    f.insert("U", Value::Object(Rc::new(U { v: "v" })));
    f.insert("FloatZero", Value::Float(0.0));
    f.insert("SI", ints(&[3, 4, 5]));
    f.insert("SICap", ints(&[0, 0, 0, 0, 0, 0, 0, 0, 0, 0]));
    f.insert("AI", ints(&[3, 4, 5]));
    f.insert("PSI", ints(&[21, 22, 23]));
    f.insert("SIEmpty", ints(&[]));
    f.insert(
        "SB",
        Value::List(List::typed(
            ElemType::Bool,
            vec![Value::Bool(true), Value::Bool(false)],
        )),
    );
    f.insert("MSI", map_si(&[("one", 1), ("two", 2), ("three", 3)]));
    f.insert("MSIone", map_si(&[("one", 1)]));
    f.insert("MSIEmpty", map_si(&[]));
    let mxi = Map::new();
    mxi.insert("one", Value::Int(1));
    f.insert("MXI", Value::Map(mxi));
    f.insert(
        "SMSI",
        Value::List(List::new(vec![
            map_si(&[("one", 1), ("two", 2)]),
            map_si(&[("eleven", 11), ("twelve", 12)]),
        ])),
    );
    f.insert("Empty0", Value::Nil);
    f.insert("Empty1", Value::Int(3));
    f.insert("Empty2", Value::from("empty2"));
    f.insert("Empty3", ints(&[7, 8]));
    f.insert("Empty4", Value::Object(Rc::new(U { v: "UinEmpty" })));
    f.insert("Str", Value::from("foozle"));
    f.insert("PS", Value::from("a string"));
    Value::Object(Rc::new(T { fields: f }))
}

impl Object for T {
    fn type_name(&self) -> String {
        "*template.T".to_string()
    }
    fn field(&self, name: &str) -> Option<Value> {
        let v = self.fields.get(name)?;
        // Go's interface{} fields hold nil as nil.
        Some(v)
    }
    fn method(&self, name: &str) -> Option<Function> {
        let s = |params: Vec<Type>, result: Type| Signature::new(params, result);
        Some(match name {
            "Method0" => Function::new(s(vec![], Type::String), |_, _| Ok(Value::from("M0"))),
            "Method1" => Function::new(s(vec![Type::Int], Type::Int), |_, a| Ok(a[0].clone())),
            "Method2" => Function::new(s(vec![Type::Int, Type::String], Type::String), |_, a| {
                Ok(Value::from(format!(
                    "Method2: {} {}",
                    a[0].to_go_string()?,
                    a[1].to_go_string()?
                )))
            }),
            "Method3" => Function::new(s(vec![Type::Any], Type::String), |_, a| {
                Ok(Value::from(format!("Method3: {}", a[0].to_go_string()?)))
            }),
            "MAdd" => Function::new(
                s(vec![Type::Int, Type::Named(Rc::from("[]int"))], Type::Any),
                |_, a| {
                    let n = a[0].cast_i64()?;
                    let l = a[1].as_list().unwrap_or_else(|| List::new(vec![]));
                    Ok(Value::List(List::typed(
                        ElemType::Int,
                        l.iter()
                            .map(|x| Value::Int(x.cast_i64().unwrap_or(0) + n))
                            .collect(),
                    )))
                },
            ),
            "GetU" => Function::new(s(vec![], Type::Named(Rc::from("*template.U"))), |_, _| {
                Ok(Value::Object(Rc::new(U { v: "v" })))
            }),
            "MyError" => Function::new(s(vec![Type::Bool], Type::Bool), |_, a| match a[0] {
                Value::Bool(true) => Err(FuncError::new("my error")),
                _ => Ok(Value::Bool(false)),
            }),
            "Copy" => {
                let fields = self.fields.clone();
                Function::new(s(vec![], Type::Any), move |_, _| {
                    Ok(Value::Object(Rc::new(T {
                        fields: fields.shallow_copy(),
                    })))
                })
            }
            _ => return None,
        })
    }
    fn is_pointer(&self) -> bool {
        true
    }
    fn as_any(&self) -> &dyn std::any::Any {
        self
    }
}

fn funcs() -> FuncMap {
    let mut f = FuncMap::new();
    let s = |params: Vec<Type>, result: Type| Signature::new(params, result);
    f.add("add", s(vec![Type::Int, Type::Int], Type::Int), |_, a| {
        Ok(Value::Int(a[0].cast_i64()? + a[1].cast_i64()?))
    });
    f.add(
        "dddArg",
        Signature::variadic(vec![Type::Int], Type::String, Type::String),
        |_, _| Ok(Value::from("")),
    );
    f.add("die", s(vec![], Type::Bool), |_, _| {
        Err(FuncError::new("die"))
    });
    f.add("echo", s(vec![Type::Any], Type::Any), |_, a| {
        Ok(a[0].clone())
    });
    f.add(
        "makemap",
        Signature::variadic(vec![], Type::String, Type::Any),
        |_, a| {
            let m = Map::with_type(ElemType::String, None);
            for pair in a.chunks(2) {
                if let [k, v] = pair {
                    m.insert(k.as_str().unwrap_or(""), v.clone());
                }
            }
            Ok(Value::Map(m))
        },
    );
    f.add("mapOfThree", s(vec![], Type::Any), |_, _| {
        Ok(Value::Map(Map::from_entries([("three", Value::Int(3))])))
    });
    f.add("oneArg", s(vec![Type::String], Type::String), |_, a| {
        Ok(Value::from(format!(
            "oneArg={}",
            a[0].as_str().unwrap_or("")
        )))
    });
    f.add(
        "twoArgs",
        s(vec![Type::String, Type::String], Type::String),
        |_, a| {
            Ok(Value::from(format!(
                "twoArgs={}{}",
                a[0].as_str().unwrap_or(""),
                a[1].as_str().unwrap_or("")
            )))
        },
    );
    f.add("returnInt", s(vec![], Type::Int), |_, _| Ok(Value::Int(7)));
    f.add("typeOf", s(vec![Type::Any], Type::String), |_, a| {
        Ok(Value::from(a[0].go_type_name()))
    });
    f.add(
        "valueString",
        s(vec![Type::String], Type::String),
        |_, _| Ok(Value::from("value is ignored")),
    );
    f.add("zeroArgs", s(vec![], Type::String), |_, _| {
        Ok(Value::from("zeroArgs"))
    });
    f.insert(
        "binaryFunc",
        Function::new(Signature::new(vec![], Type::Any), |_, _| {
            let sig = Signature::new(vec![Type::String, Type::String], Type::String);
            Ok(Value::Func(Function::new(sig, |_, a| {
                Ok(Value::from(format!(
                    "[{}={}]",
                    a[0].as_str().unwrap_or(""),
                    a[1].as_str().unwrap_or("")
                )))
            })))
        }),
    );
    f
}

fn exec_with(text: &str, data: Value, opts: &ExecOptions) -> Result<String, String> {
    let mut ns = Namespace::new(funcs());
    ns.add("test", text).map_err(|e| e.to_string())?;
    ns.execute("test", data, opts).map_err(|e| e.to_string())
}

fn exec(text: &str, data: Value) -> Result<String, String> {
    exec_with(text, data, &ExecOptions::default())
}

#[test]
fn exec_table() {
    let none = || Value::Nil;
    let t = t_val;
    // (name, template, want (None: an error), data)
    let cases: Vec<(&str, &str, Option<&str>, Value)> = vec![
        ("empty", "", Some(""), none()),
        ("text", "some text", Some("some text"), none()),
        ("nil action", "{{nil}}", None, none()),
        ("ideal int", "{{typeOf 3}}", Some("int"), Value::Int(0)),
        (
            "ideal float",
            "{{typeOf 1.0}}",
            Some("float64"),
            Value::Int(0),
        ),
        (
            "ideal exp float",
            "{{typeOf 1e1}}",
            Some("float64"),
            Value::Int(0),
        ),
        (
            "ideal int big",
            "{{typeOf 1234567890123456789}}",
            Some("int"),
            Value::Int(0),
        ),
        (
            "ideal too big",
            "{{typeOf 18446744073709551615}}",
            None,
            Value::Int(0),
        ),
        (".X", "-{{.X}}-", Some("-x-"), t()),
        (".U.V", "-{{.U.V}}-", Some("-v-"), t()),
        ("map .one", "{{.MSI.one}}", Some("1"), t()),
        ("map .two", "{{.MSI.two}}", Some("2"), t()),
        ("map .NO", "{{.MSI.NO}}", Some("<no value>"), t()),
        ("map .one interface", "{{.MXI.one}}", Some("1"), t()),
        ("map .WRONG args", "{{.MSI.one 1}}", None, t()),
        ("dot int", "<{{.}}>", Some("<13>"), Value::Int(13)),
        ("dot float", "<{{.}}>", Some("<15.1>"), Value::Float(15.1)),
        ("dot bool", "<{{.}}>", Some("<true>"), Value::Bool(true)),
        (
            "dot string",
            "<{{.}}>",
            Some("<hello>"),
            Value::from("hello"),
        ),
        (
            "dot slice",
            "<{{.}}>",
            Some("<[-1 -2 -3]>"),
            ints(&[-1, -2, -3]),
        ),
        (
            "dot map",
            "<{{.}}>",
            Some("<map[two:22]>"),
            map_si(&[("two", 22)]),
        ),
        ("$ int", "{{$}}", Some("123"), Value::Int(123)),
        ("$.I", "{{$.I}}", Some("17"), t()),
        ("$.U.V", "{{$.U.V}}", Some("v"), t()),
        ("declare in action", "{{$x := $.U.V}}{{$x}}", Some("v"), t()),
        (
            "simple assignment",
            "{{$x := 2}}{{$x = 3}}{{$x}}",
            Some("3"),
            t(),
        ),
        (
            "nested assignment",
            "{{$x := 2}}{{if true}}{{$x = 3}}{{end}}{{$x}}",
            Some("3"),
            t(),
        ),
        (
            "nested assignment changes the last declaration",
            "{{$x := 1}}{{if true}}{{$x := 2}}{{if true}}{{$x = 3}}{{end}}{{end}}{{$x}}",
            Some("1"),
            t(),
        ),
        ("empty nil", "{{.Empty0}}", Some("<no value>"), t()),
        ("empty with int", "{{.Empty1}}", Some("3"), t()),
        ("empty with string", "{{.Empty2}}", Some("empty2"), t()),
        ("empty with slice", "{{.Empty3}}", Some("[7 8]"), t()),
        ("empty with struct", "{{.Empty4}}", Some("{UinEmpty}"), t()),
        (
            "empty with struct, field",
            "{{.Empty4.V}}",
            Some("UinEmpty"),
            t(),
        ),
        ("field on interface", "{{.foo}}", Some("<no value>"), none()),
        (
            "field on parenthesized interface",
            "{{(.).foo}}",
            Some("<no value>"),
            none(),
        ),
        ("unparenthesized non-function", "{{1 2}}", None, none()),
        ("parenthesized non-function", "{{(1) 2}}", None, none()),
        (
            "parenthesized non-function with no args",
            "{{(1)}}",
            Some("1"),
            none(),
        ),
        (".Method0", "-{{.Method0}}-", Some("-M0-"), t()),
        (".Method1(1234)", "-{{.Method1 1234}}-", Some("-1234-"), t()),
        (".Method1(.I)", "-{{.Method1 .I}}-", Some("-17-"), t()),
        (
            ".Method2(3, .X)",
            "-{{.Method2 3 .X}}-",
            Some("-Method2: 3 x-"),
            t(),
        ),
        (
            ".Method2(.U16, `str`)",
            "-{{.Method2 .U16 `str`}}-",
            Some("-Method2: 16 str-"),
            t(),
        ),
        (
            ".Method2(.U16, $x)",
            "{{if $x := .X}}-{{.Method2 .U16 $x}}{{end}}-",
            Some("-Method2: 16 x-"),
            t(),
        ),
        (
            ".Method3(nil constant)",
            "-{{.Method3 nil}}-",
            Some("-Method3: <nil>-"),
            t(),
        ),
        (
            ".Method3(nil value)",
            "-{{.Method3 .MXI.unset}}-",
            Some("-Method3: <nil>-"),
            t(),
        ),
        (
            "method on var",
            "{{if $x := .}}-{{$x.Method2 .U16 $x.X}}{{end}}-",
            Some("-Method2: 16 x-"),
            t(),
        ),
        (
            "method on chained var",
            "{{range .MSIone}}{{if $.U.TrueFalse $.True}}{{$.U.TrueFalse $.True}}{{else}}WRONG{{end}}{{end}}",
            Some("true"),
            t(),
        ),
        (
            "chained method",
            "{{range .MSIone}}{{if $.GetU.TrueFalse $.True}}{{$.U.TrueFalse $.True}}{{else}}WRONG{{end}}{{end}}",
            Some("true"),
            t(),
        ),
        (
            "chained method on variable",
            "{{with $x := .}}{{with .SI}}{{$.GetU.TrueFalse $.True}}{{end}}{{end}}",
            Some("true"),
            t(),
        ),
        (
            "call binaryFunc",
            "{{call binaryFunc `1` `2`}}",
            Some("[1=2]"),
            t(),
        ),
        ("call nil", "{{call nil}}", None, t()),
        ("empty call", "{{call}}", None, t()),
        ("empty call after pipe invalid", "{{1 | call}}", None, t()),
        ("binaryFuncTooFew", "{{call binaryFunc `1`}}", None, t()),
        (
            "binaryFuncTooMany",
            "{{call binaryFunc `1` `2` `3`}}",
            None,
            t(),
        ),
        ("binaryFuncBad0", "{{call binaryFunc 1 3}}", None, t()),
        (
            "pipeline",
            "-{{.Method0 | .Method2 .U16}}-",
            Some("-Method2: 16 M0-"),
            t(),
        ),
        (
            "parens in pipeline",
            "{{printf `%d %d %d` (1) (2 | add 3) (add 4 (add 5 6))}}",
            Some("1 5 15"),
            t(),
        ),
        ("parens: $ in paren", "{{($).X}}", Some("x"), t()),
        ("parens: $.GetU in paren", "{{($.GetU).V}}", Some("v"), t()),
        (
            "parens: $ in paren in pipe",
            "{{($ | echo).X}}",
            Some("x"),
            t(),
        ),
        (
            "parens: spaces and args",
            r#"{{(makemap "up" "down" "left" "right").left}}"#,
            Some("right"),
            t(),
        ),
        ("if true", "{{if true}}TRUE{{end}}", Some("TRUE"), t()),
        (
            "if false",
            "{{if false}}TRUE{{else}}FALSE{{end}}",
            Some("FALSE"),
            t(),
        ),
        ("if nil", "{{if nil}}TRUE{{end}}", None, t()),
        (
            "if 1",
            "{{if 1}}NON-ZERO{{else}}ZERO{{end}}",
            Some("NON-ZERO"),
            t(),
        ),
        (
            "if 0",
            "{{if 0}}NON-ZERO{{else}}ZERO{{end}}",
            Some("ZERO"),
            t(),
        ),
        (
            "if 1.5",
            "{{if 1.5}}NON-ZERO{{else}}ZERO{{end}}",
            Some("NON-ZERO"),
            t(),
        ),
        (
            "if 0.0",
            "{{if .FloatZero}}NON-ZERO{{else}}ZERO{{end}}",
            Some("ZERO"),
            t(),
        ),
        (
            "if emptystring",
            "{{if ``}}NON-EMPTY{{else}}EMPTY{{end}}",
            Some("EMPTY"),
            t(),
        ),
        (
            "if string",
            "{{if `notempty`}}NON-EMPTY{{else}}EMPTY{{end}}",
            Some("NON-EMPTY"),
            t(),
        ),
        (
            "if emptyslice",
            "{{if .SIEmpty}}NON-EMPTY{{else}}EMPTY{{end}}",
            Some("EMPTY"),
            t(),
        ),
        (
            "if slice",
            "{{if .SI}}NON-EMPTY{{else}}EMPTY{{end}}",
            Some("NON-EMPTY"),
            t(),
        ),
        (
            "if emptymap",
            "{{if .MSIEmpty}}NON-EMPTY{{else}}EMPTY{{end}}",
            Some("EMPTY"),
            t(),
        ),
        (
            "if map",
            "{{if .MSI}}NON-EMPTY{{else}}EMPTY{{end}}",
            Some("NON-EMPTY"),
            t(),
        ),
        (
            "if map unset",
            "{{if .MXI.none}}NON-ZERO{{else}}ZERO{{end}}",
            Some("ZERO"),
            t(),
        ),
        (
            "if map not unset",
            "{{if not .MXI.none}}ZERO{{else}}NON-ZERO{{end}}",
            Some("ZERO"),
            t(),
        ),
        (
            "if $x with $y int",
            "{{if $x := true}}{{with $y := .I}}{{$x}},{{$y}}{{end}}{{end}}",
            Some("true,17"),
            t(),
        ),
        (
            "if $x with $x int",
            "{{if $x := true}}{{with $x := .I}}{{$x}},{{end}}{{$x}}{{end}}",
            Some("17,true"),
            t(),
        ),
        (
            "if else if",
            "{{if false}}FALSE{{else if true}}TRUE{{end}}",
            Some("TRUE"),
            t(),
        ),
        (
            "if else chain",
            "{{if eq 1 3}}1{{else if eq 2 3}}2{{else if eq 3 3}}3{{end}}",
            Some("3"),
            t(),
        ),
        (
            "print",
            r#"{{print "hello, print"}}"#,
            Some("hello, print"),
            t(),
        ),
        ("print 123", "{{print 1 2 3}}", Some("1 2 3"), t()),
        ("print nil", "{{print nil}}", Some("<nil>"), t()),
        ("println", "{{println 1 2 3}}", Some("1 2 3\n"), t()),
        ("printf int", r#"{{printf "%04x" 127}}"#, Some("007f"), t()),
        ("printf float", r#"{{printf "%g" 3.5}}"#, Some("3.5"), t()),
        (
            "printf string",
            r#"{{printf "%s" "hello"}}"#,
            Some("hello"),
            t(),
        ),
        (
            "printf function",
            r#"{{printf "%#q" zeroArgs}}"#,
            Some("`zeroArgs`"),
            t(),
        ),
        ("printf field", r#"{{printf "%s" .U.V}}"#, Some("v"), t()),
        (
            "printf method",
            r#"{{printf "%s" .Method0}}"#,
            Some("M0"),
            t(),
        ),
        (
            "printf dot",
            r#"{{with .I}}{{printf "%d" .}}{{end}}"#,
            Some("17"),
            t(),
        ),
        (
            "printf var",
            r#"{{with $x := .I}}{{printf "%d" $x}}{{end}}"#,
            Some("17"),
            t(),
        ),
        (
            "html",
            r#"{{html "<script>alert(\"XSS\");</script>"}}"#,
            Some("&lt;script&gt;alert(&#34;XSS&#34;);&lt;/script&gt;"),
            none(),
        ),
        (
            "html pipeline",
            r#"{{printf "<script>alert(\"XSS\");</script>" | html}}"#,
            Some("&lt;script&gt;alert(&#34;XSS&#34;);&lt;/script&gt;"),
            none(),
        ),
        ("html field", "{{html .PS}}", Some("a string"), t()),
        (
            "html untyped nil",
            "{{html .Empty0}}",
            Some("&lt;no value&gt;"),
            t(),
        ),
        (
            "js",
            "{{js .}}",
            Some(r"It\'d be nice."),
            Value::from("It'd be nice."),
        ),
        (
            "urlquery",
            r#"{{"http://www.example.org/"|urlquery}}"#,
            Some("http%3A%2F%2Fwww.example.org%2F"),
            none(),
        ),
        (
            "not",
            "{{not true}} {{not false}}",
            Some("false true"),
            none(),
        ),
        (
            "and",
            "{{and false 0}} {{and 1 0}} {{and 0 true}} {{and 1 1}}",
            Some("false 0 0 1"),
            none(),
        ),
        (
            "or",
            "{{or 0 0}} {{or 1 0}} {{or 0 true}} {{or 1 1}}",
            Some("0 1 true 1"),
            none(),
        ),
        ("or short-circuit", "{{or 0 1 (die)}}", Some("1"), none()),
        ("and short-circuit", "{{and 1 0 (die)}}", Some("0"), none()),
        ("or short-circuit2", "{{or 0 0 (die)}}", None, none()),
        ("and short-circuit2", "{{and 1 1 (die)}}", None, none()),
        ("and pipe-true", "{{1 | and 1}}", Some("1"), none()),
        ("and pipe-false", "{{0 | and 1}}", Some("0"), none()),
        ("or pipe-true", "{{1 | or 0}}", Some("1"), none()),
        ("or pipe-false", "{{0 | or 0}}", Some("0"), none()),
        (
            "and undef",
            "{{and 1 .Unknown}}",
            Some("<no value>"),
            none(),
        ),
        ("or undef", "{{or 0 .Unknown}}", Some("<no value>"), none()),
        (
            "boolean if",
            "{{if and true 1 `hi`}}TRUE{{else}}FALSE{{end}}",
            Some("TRUE"),
            t(),
        ),
        (
            "boolean if not",
            "{{if and true 1 `hi` | not}}TRUE{{else}}FALSE{{end}}",
            Some("FALSE"),
            none(),
        ),
        (
            "boolean if pipe",
            "{{if true | not | and 1}}TRUE{{else}}FALSE{{end}}",
            Some("FALSE"),
            none(),
        ),
        ("slice[0]", "{{index .SI 0}}", Some("3"), t()),
        ("slice[1]", "{{index .SI 1}}", Some("4"), t()),
        ("slice[HUGE]", "{{index .SI 10}}", None, t()),
        ("slice[WRONG]", "{{index .SI `hello`}}", None, t()),
        ("slice[nil]", "{{index .SI nil}}", None, t()),
        ("map[one]", "{{index .MSI `one`}}", Some("1"), t()),
        ("map[two]", "{{index .MSI `two`}}", Some("2"), t()),
        ("map[NO]", "{{index .MSI `XXX`}}", Some("0"), t()),
        ("map[nil]", "{{index .MSI nil}}", None, t()),
        ("map[``]", "{{index .MSI ``}}", Some("0"), t()),
        ("map[WRONG]", "{{index .MSI 10}}", None, t()),
        (
            "double index",
            "{{index .SMSI 1 `eleven`}}",
            Some("11"),
            t(),
        ),
        ("nil[1]", "{{index nil 1}}", None, t()),
        (
            "index of an interface field",
            "{{index .Empty3 0}}",
            Some("7"),
            t(),
        ),
        ("slice[:]", "{{slice .SI}}", Some("[3 4 5]"), t()),
        ("slice[1:]", "{{slice .SI 1}}", Some("[4 5]"), t()),
        ("slice[1:2]", "{{slice .SI 1 2}}", Some("[4]"), t()),
        ("slice[-1:]", "{{slice .SI -1}}", None, t()),
        ("slice[1:-2]", "{{slice .SI 1 -2}}", None, t()),
        ("slice[1:2:-1]", "{{slice .SI 1 2 -1}}", None, t()),
        ("slice[2:1]", "{{slice .SI 2 1}}", None, t()),
        ("slice[2:2:1]", "{{slice .SI 2 2 1}}", None, t()),
        ("out of range", "{{slice .SI 4 5}}", None, t()),
        ("out of range 3", "{{slice .SI 2 2 5}}", None, t()),
        ("array[:]", "{{slice .AI}}", Some("[3 4 5]"), t()),
        ("array[1:]", "{{slice .AI 1}}", Some("[4 5]"), t()),
        ("array[1:2]", "{{slice .AI 1 2}}", Some("[4]"), t()),
        ("string[:]", "{{slice .S}}", Some("xyz"), t()),
        ("string[0:1]", "{{slice .S 0 1}}", Some("x"), t()),
        ("string[1:]", "{{slice .S 1}}", Some("yz"), t()),
        ("string[1:2]", "{{slice .S 1 2}}", Some("y"), t()),
        ("string out of range", "{{slice .S 1 5}}", None, t()),
        ("3-index slice of string", "{{slice .S 1 2 2}}", None, t()),
        (
            "slice of an interface field",
            "{{slice .Empty3 0 1}}",
            Some("[7]"),
            t(),
        ),
        ("len slice", "{{len .SI}}", Some("3"), t()),
        ("len map", "{{len .MSI }}", Some("3"), t()),
        ("len of int", "{{len 3}}", None, t()),
        ("len of nothing", "{{len .Empty0}}", None, t()),
        (
            "len of an interface field",
            "{{len .Empty3}}",
            Some("2"),
            t(),
        ),
        ("with true", "{{with true}}{{.}}{{end}}", Some("true"), t()),
        (
            "with false",
            "{{with false}}{{.}}{{else}}FALSE{{end}}",
            Some("FALSE"),
            t(),
        ),
        (
            "with 1",
            "{{with 1}}{{.}}{{else}}ZERO{{end}}",
            Some("1"),
            t(),
        ),
        (
            "with 0",
            "{{with 0}}{{.}}{{else}}ZERO{{end}}",
            Some("ZERO"),
            t(),
        ),
        (
            "with 1.5",
            "{{with 1.5}}{{.}}{{else}}ZERO{{end}}",
            Some("1.5"),
            t(),
        ),
        (
            "with 0.0",
            "{{with .FloatZero}}{{.}}{{else}}ZERO{{end}}",
            Some("ZERO"),
            t(),
        ),
        (
            "with emptystring",
            "{{with ``}}{{.}}{{else}}EMPTY{{end}}",
            Some("EMPTY"),
            t(),
        ),
        (
            "with string",
            "{{with `notempty`}}{{.}}{{else}}EMPTY{{end}}",
            Some("notempty"),
            t(),
        ),
        (
            "with emptyslice",
            "{{with .SIEmpty}}{{.}}{{else}}EMPTY{{end}}",
            Some("EMPTY"),
            t(),
        ),
        (
            "with slice",
            "{{with .SI}}{{.}}{{else}}EMPTY{{end}}",
            Some("[3 4 5]"),
            t(),
        ),
        (
            "with emptymap",
            "{{with .MSIEmpty}}{{.}}{{else}}EMPTY{{end}}",
            Some("EMPTY"),
            t(),
        ),
        (
            "with map",
            "{{with .MSIone}}{{.}}{{else}}EMPTY{{end}}",
            Some("map[one:1]"),
            t(),
        ),
        (
            "with empty interface, struct field",
            "{{with .Empty4}}{{.V}}{{end}}",
            Some("UinEmpty"),
            t(),
        ),
        (
            "with $x int",
            "{{with $x := .I}}{{$x}}{{end}}",
            Some("17"),
            t(),
        ),
        (
            "with $x struct.U.V",
            "{{with $x := $}}{{$x.U.V}}{{end}}",
            Some("v"),
            t(),
        ),
        (
            "with variable and action",
            "{{with $x := $}}{{$y := $.U.V}}{{$y}}{{end}}",
            Some("v"),
            t(),
        ),
        (
            "with else with",
            "{{with 0}}{{.}}{{else with true}}{{.}}{{end}}",
            Some("true"),
            t(),
        ),
        (
            "with else with chain",
            "{{with 0}}{{.}}{{else with false}}{{.}}{{else with `notempty`}}{{.}}{{end}}",
            Some("notempty"),
            t(),
        ),
        (
            "range []int",
            "{{range .SI}}-{{.}}-{{end}}",
            Some("-3--4--5-"),
            t(),
        ),
        (
            "range empty no else",
            "{{range .SIEmpty}}-{{.}}-{{end}}",
            Some(""),
            t(),
        ),
        (
            "range []int else",
            "{{range .SI}}-{{.}}-{{else}}EMPTY{{end}}",
            Some("-3--4--5-"),
            t(),
        ),
        (
            "range empty else",
            "{{range .SIEmpty}}-{{.}}-{{else}}EMPTY{{end}}",
            Some("EMPTY"),
            t(),
        ),
        (
            "range []int break else",
            "{{range .SI}}-{{.}}-{{break}}NOTREACHED{{else}}EMPTY{{end}}",
            Some("-3-"),
            t(),
        ),
        (
            "range []int continue else",
            "{{range .SI}}-{{.}}-{{continue}}NOTREACHED{{else}}EMPTY{{end}}",
            Some("-3--4--5-"),
            t(),
        ),
        (
            "range []bool",
            "{{range .SB}}-{{.}}-{{end}}",
            Some("-true--false-"),
            t(),
        ),
        (
            "range []int method",
            "{{range .SI | .MAdd .I}}-{{.}}-{{end}}",
            Some("-20--21--22-"),
            t(),
        ),
        (
            "range map",
            "{{range .MSI}}-{{.}}-{{end}}",
            Some("-1--3--2-"),
            t(),
        ),
        (
            "range empty map no else",
            "{{range .MSIEmpty}}-{{.}}-{{end}}",
            Some(""),
            t(),
        ),
        (
            "range map else",
            "{{range .MSI}}-{{.}}-{{else}}EMPTY{{end}}",
            Some("-1--3--2-"),
            t(),
        ),
        (
            "range empty map else",
            "{{range .MSIEmpty}}-{{.}}-{{else}}EMPTY{{end}}",
            Some("EMPTY"),
            t(),
        ),
        (
            "range empty interface",
            "{{range .Empty3}}-{{.}}-{{else}}EMPTY{{end}}",
            Some("-7--8-"),
            t(),
        ),
        (
            "range empty nil",
            "{{range .Empty0}}-{{.}}-{{end}}",
            Some(""),
            t(),
        ),
        (
            "range $x SI",
            "{{range $x := .SI}}<{{$x}}>{{end}}",
            Some("<3><4><5>"),
            t(),
        ),
        (
            "range $x $y SI",
            "{{range $x, $y := .SI}}<{{$x}}={{$y}}>{{end}}",
            Some("<0=3><1=4><2=5>"),
            t(),
        ),
        (
            "range $x MSIone",
            "{{range $x := .MSIone}}<{{$x}}>{{end}}",
            Some("<1>"),
            t(),
        ),
        (
            "range $x $y MSIone",
            "{{range $x, $y := .MSIone}}<{{$x}}={{$y}}>{{end}}",
            Some("<one=1>"),
            t(),
        ),
        (
            "range $x PSI",
            "{{range $x := .PSI}}<{{$x}}>{{end}}",
            Some("<21><22><23>"),
            t(),
        ),
        (
            "declare in range",
            "{{range $x := .PSI}}<{{$foo:=$x}}{{$x}}>{{end}}",
            Some("<21><22><23>"),
            t(),
        ),
        (
            "range int",
            "{{range $v := .}}{{$v}}{{end}}",
            Some("01234"),
            Value::Int(5),
        ),
        (
            "range int64",
            "{{range $v := .}}{{printf \"%T\" $v}}{{end}}",
            Some("int64int64"),
            Value::Int64(2),
        ),
        (
            "range 5",
            r#"{{range $v := 5}}{{printf "%T%d" $v $v}}{{end}}"#,
            Some("int0int1int2int3int4"),
            none(),
        ),
        (
            "or as if true",
            r#"{{or .SI "slice is empty"}}"#,
            Some("[3 4 5]"),
            t(),
        ),
        (
            "or as if false",
            r#"{{or .SIEmpty "slice is empty"}}"#,
            Some("slice is empty"),
            t(),
        ),
        ("error method, error", "{{.MyError true}}", None, t()),
        (
            "error method, no error",
            "{{.MyError false}}",
            Some("false"),
            t(),
        ),
        ("decimal", "{{print 1234}}", Some("1234"), t()),
        ("decimal _", "{{print 12_34}}", Some("1234"), t()),
        ("binary", "{{print 0b101}}", Some("5"), t()),
        ("binary _", "{{print 0b_1_0_1}}", Some("5"), t()),
        ("BINARY", "{{print 0B101}}", Some("5"), t()),
        ("octal0", "{{print 0377}}", Some("255"), t()),
        ("octal", "{{print 0o377}}", Some("255"), t()),
        ("octal _", "{{print 0o_3_7_7}}", Some("255"), t()),
        ("OCTAL", "{{print 0O377}}", Some("255"), t()),
        ("hex", "{{print 0x123}}", Some("291"), t()),
        ("hex _", "{{print 0x1_23}}", Some("291"), t()),
        ("HEX", "{{print 0X123ABC}}", Some("1194684"), t()),
        ("float", "{{print 123.4}}", Some("123.4"), t()),
        ("float _", "{{print 0_0_1_2_3.4}}", Some("123.4"), t()),
        ("hex float", "{{print +0x1.ep+2}}", Some("7.5"), t()),
        ("hex float _", "{{print +0x_1.e_0p+0_2}}", Some("7.5"), t()),
        ("HEX float", "{{print +0X1.EP+2}}", Some("7.5"), t()),
        (
            "print multi",
            "{{print 1_2_3_4 7.5_00_00_00}}",
            Some("1234 7.5"),
            t(),
        ),
        (
            "print multi2",
            "{{print 1234 0x0_1.e_0p+02}}",
            Some("1234 7.5"),
            t(),
        ),
        (
            "bug0",
            "{{range .MSIone}}{{if $.Method1 .}}X{{end}}{{end}}",
            Some("X"),
            t(),
        ),
        ("bug3", "{{with $}}{{.Method0}}{{end}}", Some("M0"), t()),
        (
            "bug4",
            "{{if .Empty0}}non-nil{{else}}nil{{end}}",
            Some("nil"),
            t(),
        ),
        ("bug5", "{{.Str}}", Some("foozle"), t()),
        ("bug7a", "{{3 2}}", None, t()),
        ("bug7b", "{{$x := 1}}{{$x 2}}", None, t()),
        ("bug7c", "{{$x := 1}}{{3 | $x}}", None, t()),
        ("bug8a", "{{3|oneArg}}", None, t()),
        ("bug8b", "{{4|dddArg 3}}", None, t()),
        (
            "bug9",
            "{{.cause}}",
            Some("neglect"),
            Value::Map(Map::from_entries([("cause", Value::from("neglect"))])),
        ),
        (
            "bug10",
            "{{mapOfThree.three}}-{{(mapOfThree).three}}",
            Some("3-3"),
            Value::Int(0),
        ),
        (
            "bug11",
            "{{valueString .PS}}",
            Some("value is ignored"),
            t(),
        ),
        ("bug12xe", "{{printf `%T` 0xef}}", Some("int"), none()),
        ("bug12XE", "{{printf `%T` 0XEE}}", Some("int"), none()),
        ("bug13", "{{print (.Copy).I}}", Some("17"), t()),
        ("bug14a", "{{(nil).True}}", None, t()),
        ("bug14b", "{{$x := nil}}{{$x.anything}}", None, t()),
        (
            "bug14c",
            r#"{{$x := (1.0)}}{{$y := ("hello")}}{{$x.anything}}{{$y.true}}"#,
            None,
            t(),
        ),
        ("bug15", "{{valueString returnInt}}", None, t()),
        ("bug16a", "{{true|printf}}", None, t()),
        ("bug16b", "{{1|printf}}", None, t()),
        ("bug16c", "{{1.1|printf}}", None, t()),
        ("bug16d", "{{'x'|printf}}", None, t()),
        ("bug16f", r#"{{true|twoArgs "xxx"}}"#, None, t()),
        (
            "bug16g",
            r#"{{"aaa" |twoArgs "bbb"}}"#,
            Some("twoArgs=bbbaaa"),
            t(),
        ),
        ("bug16h", "{{1|oneArg}}", None, t()),
        ("bug16i", r#"{{"aaa"|oneArg}}"#, Some("oneArg=aaa"), t()),
        ("bug16k", r#"{{"aaa"|printf }}"#, Some("aaa"), t()),
        (
            "bug18a",
            "{{eq . '.'}}",
            Some("true"),
            Value::Int('.' as i64),
        ),
        (
            "bug18b",
            "{{eq . 'e'}}",
            Some("true"),
            Value::Int('e' as i64),
        ),
        (
            "issue56490",
            "{{$i := 0}}{{$x := 0}}{{range $i = .AI}}{{end}}{{$i}}",
            Some("5"),
            t(),
        ),
        (
            "issue60801",
            "{{$k := 0}}{{$v := 0}}{{range $k, $v = .AI}}{{$k}}={{$v}} {{end}}",
            Some("0=3 1=4 2=5 "),
            t(),
        ),
    ];
    let mut failures = Vec::new();
    for (name, text, want, data) in cases {
        let got = exec(text, data);
        let ok = match (&got, want) {
            (Ok(out), Some(w)) => out == w,
            (Err(_), None) => true,
            _ => false,
        };
        if !ok {
            failures.push(format!("{name}: {text:?} gave {got:?}, want {want:?}"));
        }
    }
    assert!(
        failures.is_empty(),
        "{} failures:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

// Go's TestMissingMapKey.
#[test]
fn missing_key_modes() {
    let data = || Value::Map(map_si(&[("x", 99)]).as_map().unwrap_or_default());
    let text = "{{.x}} {{.y}}";
    assert_eq!(exec(text, data()).as_deref(), Ok("99 <no value>"));
    let zero = ExecOptions {
        missing_key: MissingKey::Zero,
        ..ExecOptions::default()
    };
    assert_eq!(exec_with(text, data(), &zero).as_deref(), Ok("99 0"));
    let err = ExecOptions {
        missing_key: MissingKey::Error,
        ..ExecOptions::default()
    };
    assert_eq!(
        exec_with(text, data(), &err),
        Err(
            "template: test:1:9: executing \"test\" at <.y>: map has no entry for key \"y\""
                .to_string()
        )
    );
    assert_eq!(
        exec_with("{{.a.b}}", Value::Nil, &err),
        Err(
            "template: test:1:4: executing \"test\" at <.a.b>: nil data; no entry for key \"a\""
                .to_string()
        )
    );
    // Default mode: a field of no value is no value; zero mode: nil pointer.
    let iface = || Value::Map(Map::new());
    assert_eq!(exec("{{.a.b}}", iface()).as_deref(), Ok("<no value>"));
    assert_eq!(
        exec_with("{{.a.b}}", iface(), &zero),
        Err("template: test:1:4: executing \"test\" at <.a.b>: nil pointer evaluating interface {}.b".to_string())
    );
}

#[test]
fn redefinition_and_namespaces() {
    let mut ns = Namespace::with_name("gotpl", FuncMap::new());
    let add = |ns: &mut Namespace, n: &str, t: &str| ns.add(n, t).map_err(|e| e.to_string());
    assert_eq!(
        add(&mut ns, "a.yaml", r#"{{define "x"}}first{{end}}"#),
        Ok(())
    );
    assert_eq!(
        add(
            &mut ns,
            "b.yaml",
            r#"{{define "x"}}second{{end}}{{template "x"}}"#
        ),
        Ok(())
    );
    // An empty redefinition does not replace.
    assert_eq!(add(&mut ns, "c.yaml", r#"{{define "x"}}  {{end}}"#), Ok(()));
    let run = |ns: &Namespace, n: &str| {
        ns.execute(n, Value::Nil, &ExecOptions::helm())
            .map_err(|e| e.to_string())
    };
    assert_eq!(run(&ns, "b.yaml").as_deref(), Ok("second"));
    assert_eq!(ns.defined_in("x"), Some("b.yaml"));
    assert_eq!(ns.names(), vec!["a.yaml", "b.yaml", "c.yaml", "x"]);
    // A clone is independent (Helm's tpl).
    let mut clone = ns.clone();
    assert_eq!(
        add(
            &mut clone,
            "gotpl",
            r#"{{define "x"}}third{{end}}{{template "x"}}"#
        ),
        Ok(())
    );
    assert_eq!(run(&clone, "gotpl").as_deref(), Ok("third"));
    assert_eq!(run(&ns, "b.yaml").as_deref(), Ok("second"));
    assert_eq!(
        run(&ns, "nope"),
        Err("template: no template \"nope\" associated with template \"gotpl\"".to_string())
    );
    // A parse error adds nothing.
    assert!(add(&mut ns, "d.yaml", r#"{{define "y"}}y{{end}}{{"#).is_err());
    assert!(!ns.contains("y"));
}

/// Helm's `include` and `tpl`, as the Helm layer will register them.
fn helm_like_funcs() -> FuncMap {
    let mut f = FuncMap::new();
    f.add(
        "include",
        Signature::new(vec![Type::String, Type::Any], Type::String),
        |ctx: &mut Context<'_>, a| {
            let name = a[0].as_str().unwrap_or("");
            Ok(Value::from(ctx.execute(name, a[1].clone())?))
        },
    );
    f.add(
        "tpl",
        Signature::new(vec![Type::String, Type::Any], Type::String),
        |ctx: &mut Context<'_>, a| {
            let mut ns = ctx.namespace().clone();
            ns.add("gotpl", a[0].as_str().unwrap_or(""))?;
            Ok(Value::from(
                ctx.execute_in(&ns, "gotpl", a[1].clone())?
                    .replace("<no value>", ""),
            ))
        },
    );
    f
}

#[test]
fn include_and_tpl() {
    let mut ns = Namespace::with_name("gotpl", helm_like_funcs());
    let r = ns.add(
        "t",
        r#"{{define "name"}}<{{.}}>{{end}}{{include "name" "x"}}|{{tpl "{{define \"inner\"}}I{{end}}{{include \"inner\" .}}{{include \"name\" .}}" 5}}"#,
    );
    assert!(r.is_ok(), "{r:?}");
    let out = ns.execute("t", Value::Nil, &ExecOptions::helm());
    assert_eq!(out.as_deref().map_err(|e| e.to_string()), Ok("<x>|I<5>"));
    // The tpl's define did not leak.
    assert!(!ns.contains("inner"));
    // Errors from included templates are wrapped as Go wraps them.
    let mut ns = Namespace::with_name("gotpl", helm_like_funcs());
    let r = ns.add("t", "{{define \"d\"}}{{.x.y}}{{end}}{{include \"d\" .}}");
    assert!(r.is_ok());
    let data = Value::Map(Map::new());
    let Err(e) = ns.execute("t", data, &ExecOptions::helm()) else {
        panic!("expected an error")
    };
    assert_eq!(
        e.to_string(),
        "template: t:1:31: executing \"t\" at <include \"d\" .>: error calling include: \
         template: t:1:18: executing \"d\" at <.x.y>: nil pointer evaluating interface {}.y"
    );
    assert_eq!(
        e.innermost().message(),
        "nil pointer evaluating interface {}.y"
    );
    assert_eq!(e.func_error().map(|(n, _)| n), Some("include"));
}

#[test]
fn limits_end_runaway_templates() {
    let opts = ExecOptions {
        max_steps: 10_000,
        ..ExecOptions::default()
    };
    let Err(e) = exec_with("{{range 1000000000}}{{end}}", Value::Nil, &opts) else {
        panic!("expected a limit error")
    };
    assert!(e.contains("evaluation steps"), "{e}");

    let opts = ExecOptions {
        max_output_bytes: 100,
        ..ExecOptions::default()
    };
    let Err(e) = exec_with("{{range 1000}}xxxxxxxxxx{{end}}", Value::Nil, &opts) else {
        panic!("expected a limit error")
    };
    assert!(e.contains("maximum size"), "{e}");

    // Infinite recursion ends with a depth error, not a stack overflow.
    let mut ns = Namespace::new(FuncMap::new());
    let r = ns.add(
        "t",
        r#"{{define "r"}}{{template "r" .}}{{end}}{{template "r" .}}"#,
    );
    assert!(r.is_ok());
    let Err(e) = ns.execute("t", Value::Nil, &ExecOptions::default()) else {
        panic!("expected a depth error")
    };
    assert_eq!(e.kind(), ErrorKind::Limit);
    assert_eq!(e.message(), "exceeded maximum template depth (10000)");

    // Recursion through a function (include) is bounded too.
    let mut ns = Namespace::new(helm_like_funcs());
    let r = ns.add(
        "t",
        r#"{{define "r"}}{{include "r" .}}{{end}}{{include "r" .}}"#,
    );
    assert!(r.is_ok());
    let Err(e) = ns.execute("t", Value::Nil, &ExecOptions::default()) else {
        panic!("expected a depth error")
    };
    assert!(
        e.innermost().message().contains("maximum template depth"),
        "{e}"
    );
}

#[test]
fn deep_nesting_is_safe() {
    // Deeply nested parentheses, control structures and values.
    let deep = format!("{{{{ {}1{} }}}}", "(".repeat(5000), ")".repeat(5000));
    assert_eq!(exec(&deep, Value::Nil).as_deref(), Ok("1"));
    let deep_if = format!("{}x{}", "{{if true}}".repeat(3000), "{{end}}".repeat(3000));
    assert_eq!(exec(&deep_if, Value::Nil).as_deref(), Ok("x"));
    let too_deep = format!("{{{{ {}1{} }}}}", "(".repeat(20000), ")".repeat(20000));
    assert!(exec(&too_deep, Value::Nil).is_err());
    let mut v = Value::Nil;
    for _ in 0..5000 {
        v = Value::List(List::new(vec![v]));
    }
    let out = exec("{{.}}", v);
    assert!(
        out.as_ref()
            .is_ok_and(|s| s.starts_with("[[[[") && s.contains("<nil>")),
        "{out:?}"
    );
    // A map containing itself: an error, not a hang.
    let m = Map::new();
    m.insert("self", Value::Map(m.clone()));
    let out = exec("{{.}}", Value::Map(m.clone()));
    assert!(out.is_err());
    m.clear();
}

#[test]
fn shared_maps_see_mutation() {
    // Sprig's `set` mutates a dict in place; later reads see it.
    let mut f = FuncMap::new();
    f.add(
        "set",
        Signature::new(vec![Type::Map, Type::String, Type::Any], Type::Map),
        |_, a| {
            let Value::Map(m) = &a[0] else {
                return Err(FuncError::new("assignment to entry in nil map"));
            };
            m.insert(a[1].as_str().unwrap_or(""), a[2].clone());
            Ok(a[0].clone())
        },
    );
    let mut ns = Namespace::new(f);
    let r = ns.add("t", r#"{{$_ := set .Values "added" 1}}{{define "d"}}{{.Values.added}}{{end}}{{template "d" .}}"#);
    assert!(r.is_ok(), "{r:?}");
    let top = Map::from_entries([("Values", Value::Map(Map::new()))]);
    assert_eq!(
        ns.execute("t", Value::Map(top), &ExecOptions::helm())
            .map_err(|e| e.to_string()),
        Ok("1".to_string())
    );
}
