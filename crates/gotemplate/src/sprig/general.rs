//! Sprig's general-purpose families: strings, lists, dicts, math and conversion, defaults and
//! flow, reflection, paths, encodings, URLs and JSON. Each submodule registers its functions
//! under Sprig's names with the Go signatures of Sprig's `functions.go`, so that the engine
//! checks argument counts and types as Go does; where Sprig's Go code panics, the function
//! returns the panic's text as an error, which is what Go's template engine reports.

use crate::{FuncError, FuncMap, Type, Value};

mod defaults;
mod dicts;
mod encoding;
pub mod json;
mod lists;
mod math;
mod paths;

pub use encoding::{b64_decode as base64_decode, b64_encode as base64_encode};
pub use paths::clean as path_clean;
mod strings;
mod url;
mod util;

/// Adds this family's functions.
pub(super) fn register(map: &mut FuncMap) {
    strings::register(map);
    math::register(map);
    defaults::register(map);
    lists::register(map);
    dicts::register(map);
    paths::register(map);
    encoding::register(map);
    url::register(map);
    // Sprig's two remaining generic entries, which belong to no other family.
    map.add("hello", util::sig(vec![], Type::String), |_, _| {
        Ok(Value::from("Hello!"))
    });
    map.add(
        "fail",
        util::sig(vec![Type::String], util::named("(string, error)")),
        |_, a| Err(FuncError::new(util::str_arg(a, 0))),
    );
}

#[cfg(test)]
mod tests {
    use crate::{ExecOptions, Namespace, Value};

    fn render(template: &str) -> String {
        let mut ns = Namespace::new(super::super::funcs());
        if let Err(e) = ns.add("t", template) {
            return format!("parse error: {e}");
        }
        match ns.execute("t", Value::Nil, &ExecOptions::helm()) {
            Ok(s) => s,
            Err(e) => format!("error: {}", e.message()),
        }
    }

    /// Expectations of the kind Sprig's own `*_test.go` checks, one or more per function
    /// family, run through the engine end to end.
    #[test]
    fn sprig_expectations() {
        let table: &[(&str, &str)] = &[
            (r#"{{ "foo" | substr 0 2 }}"#, "fo"),
            (r#"{{ substr 2 -1 "abcdef" }}"#, "cdef"),
            (r#"{{ trunc 5 "Hello World" }}"#, "Hello"),
            (r#"{{ trunc -5 "Hello World" }}"#, "World"),
            (r#"{{ quote "a" "b" }}"#, r#""a" "b""#),
            (r#"{{ squote 1 "x" }}"#, "'1' 'x'"),
            (r#"{{ cat "a" 1 nil "b" }}"#, "a 1 b"),
            (r#"{{ "a\nb" | indent 2 }}"#, "  a\n  b"),
            (r#"{{ "a" | nindent 1 }}"#, "\n a"),
            (r#"{{ replace " " "-" "a b c" }}"#, "a-b-c"),
            (r#"{{ plural "one" "many" 2 }}"#, "many"),
            (r#"{{ $v := split "$" "a$b" }}{{ $v._0 }}{{ $v._1 }}"#, "ab"),
            (
                r#"{{ splitn "$" 2 "a$b$c" | toJson }}"#,
                r#"{"_0":"a","_1":"b$c"}"#,
            ),
            (r#"{{ list 3 1 2 | sortAlpha | join "," }}"#, "1,2,3"),
            (
                r#"{{ "hello world" | title }} {{ "Hello World" | untitle }}"#,
                "Hello World hello world",
            ),
            (
                r#"{{ abbrev 8 "hello world" }} {{ abbrevboth 5 10 "1234 5678 9123" }}"#,
                "hello... ...5678...",
            ),
            (
                r#"{{ initials "First Try" }} {{ nospace " a b " }}"#,
                "FT ab",
            ),
            (r#"{{ wrapWith 5 "\t" "Hello World" }}"#, "Hello\tWorld"),
            (
                r#"{{ seq 1 2 5 }}|{{ until 3 }}|{{ untilStep 0 6 2 }}"#,
                "1 3 5|[0 1 2]|[0 2 4]",
            ),
            (
                r#"{{ add 1 2 3 }} {{ sub 5 7 }} {{ mul 2 3 }} {{ div 7 2 }} {{ mod 7 2 }}"#,
                "6 -2 6 3 1",
            ),
            (
                r#"{{ max 1 7 3 }} {{ min 4 2 }} {{ maxf 1.5 2.5 }} {{ minf 1.5 2.5 }}"#,
                "7 2 2.5 1.5",
            ),
            (
                r#"{{ addf 1.5 2 }} {{ subf 3 1.5 }} {{ mulf 1.5 2 }} {{ divf 5 2 }}"#,
                "3.5 1.5 3 2.5",
            ),
            (
                r#"{{ round 3.746 2 }} {{ floor 1.9 }} {{ ceil 1.1 }} {{ toDecimal "777" }}"#,
                "3.75 1 2 511",
            ),
            (
                r#"{{ int64 "12" }} {{ int "0x10" }} {{ float64 "1.25" }} {{ atoi "7" }}"#,
                "12 16 1.25 7",
            ),
            (
                r#"{{ default "foo" "" }} {{ default "foo" "bar" }} {{ empty 0 }} {{ coalesce "" "x" }}"#,
                "foo bar true x",
            ),
            (
                r#"{{ ternary "a" "b" true }} {{ all 1 "" }} {{ any 0 "x" }}"#,
                "a false true",
            ),
            (r#"{{ list 1 nil "" "a" | compact | len }}"#, "2"),
            (
                r#"{{ toJson (dict "b" 1 "a" (list "<x>")) }}"#,
                r#"{"a":["\u003cx\u003e"],"b":1}"#,
            ),
            (
                r#"{{ toRawJson (list "<x>") }} {{ (fromJson "{\"a\":[1]}").a }}"#,
                r#"["<x>"] [1]"#,
            ),
            (
                r#"{{ typeOf 1 }} {{ kindOf (list) }} {{ typeIsLike "int" 1 }} {{ deepEqual (list 1) (list 1) }}"#,
                "int slice true true",
            ),
            (
                r#"{{ base "/a/b.c" }} {{ dir "/a/b.c" }} {{ ext "/a/b.c" }} {{ clean "/a/../b" }} {{ isAbs "a" }}"#,
                "b.c /a .c /b false",
            ),
            (
                r#"{{ b64enc "abc" }} {{ b64dec "YWJj" }} {{ b32enc "abc" }} {{ b32dec "MFRGG===" }}"#,
                "YWJj abc MFRGG=== abc",
            ),
            (
                r#"{{ first (list 1 2) }}{{ last (list 1 2) }}{{ rest (list 1 2) }}{{ initial (list 1 2) }}"#,
                "12[2][1]",
            ),
            (
                r#"{{ reverse (list 1 2) }}{{ uniq (list 1 1 2) }}{{ without (list 1 2) 1 }}{{ has 2 (list 1 2) }}"#,
                "[2 1][1 2][2]true",
            ),
            (
                r#"{{ slice (list 1 2 3) 1 2 }}{{ concat (list 1) (list 2) }}{{ chunk 2 (list 1 2 3) }}"#,
                "[2][1 2][[1 2] [3]]",
            ),
            (
                r#"{{ append (list 1) 2 }}{{ prepend (list 1) 0 }}"#,
                "[1 2][0 1]",
            ),
            (
                r#"{{ $d := dict "a" 1 }}{{ set $d "b" 2 | keys | join "," }} {{ unset $d "a" | len }} {{ hasKey $d "b" }}"#,
                "a,b 1 true",
            ),
            (
                r#"{{ get (dict "a" 1) "a" }} {{ pluck "a" (dict "a" 1) (dict "a" 2) }} {{ values (dict "a" 1 "b" 2) }}"#,
                "1 [1 2] [1 2]",
            ),
            (
                r#"{{ pick (dict "a" 1 "b" 2) "a" }} {{ omit (dict "a" 1 "b" 2) "a" }}"#,
                "map[a:1] map[b:2]",
            ),
            (
                r#"{{ merge (dict "a" 1) (dict "a" 2 "b" 2) }} {{ mergeOverwrite (dict "a" 1) (dict "a" 2) }}"#,
                "map[a:1 b:2] map[a:2]",
            ),
            (
                r#"{{ dig "a" "b" "none" (dict "a" (dict "b" "x")) }} {{ dig "a" "c" "none" (dict "a" (dict)) }}"#,
                "x none",
            ),
            (
                r#"{{ (urlParse "http://h:1/p?q#f").host }} {{ urlJoin (dict "scheme" "http" "host" "h" "path" "p") }}"#,
                "h:1 http://h/p",
            ),
            (
                r#"{{ div 1 0 }}"#,
                "error: error calling div: runtime error: integer divide by zero",
            ),
            (
                r#"{{ first 1 }}"#,
                "error: error calling first: Cannot find first on type int",
            ),
            (
                r#"{{ repeat -1 "x" }}"#,
                "error: error calling repeat: strings: negative Repeat count",
            ),
            (
                r#"{{ until 100000000 }}"#,
                "error: error calling until: a list of 100000000 elements exceeds the limit of 1000000",
            ),
        ];
        // Limits that keep a render from exhausting memory where Go would try.
        for template in [
            r#"{{ wrapWith 1 (repeat 1000000 "y") (repeat 100 "x ") }}"#,
            r#"{{ join (repeat 1000000 "y") (until 100) }}"#,
            r#"{{ splitList "" (repeat 5000000 "x") }}"#,
            r#"{{ repeat 100000000 "x" }}"#,
            r#"{{ seq 0 2000000 }}"#,
            r#"{{ $d := dict }}{{ $_ := set $d "a" $d }}{{ mergeOverwrite $d $d }}"#,
            r#"{{ $d := dict }}{{ $_ := set $d "a" $d }}{{ mustToJson $d }}"#,
        ] {
            assert!(render(template).starts_with("error: "), "{template}");
        }
        for (template, want) in table {
            assert_eq!(render(template), *want, "{template}");
        }
    }
}
