"""Template snippets exercising Sprig's general functions, rendered by real Helm.

Each case is (name, template[, values YAML]); cases without their own values share VALUES.
Numbers in values are float64 in Helm, numbers written in templates are int: many cases
come in both forms. A case that changes .Values must have its own values (it is then
rendered alone, so that it cannot leak into the other templates of a batch).
"""

VALUES = r"""
int: 3
neg: -7
zero: 0
float: 1.5
negf: -2.5
whole: 3.0
big: 1234567
million: 1000000
huge: 1e21
tiny: 0.0000001
str: hello
empty: ""
numstr: "42"
hex: "0x1F"
fstr: "3.7"
zstr: "3.00"
spaces: "  a b  "
special: "a<b>&'\"c"
unicode: "héllo wörld ☺"
multi: "line1\nline2\nline3"
words: "the quick brown fox jumps over the lazy dog"
t: true
f: false
nul: null
list: [a, b, c]
dups: [a, b, a, c, b]
nums: [1, 2, 3, 2, 1]
mixed: [1, "two", 3.5, true, null, [x], {k: v}, ""]
emptylist: []
emptymap: {}
map: {b: 2, a: 1, c: [1, 2]}
nested: {a: {b: {c: deep}}, list: [{name: x}]}
dict1: {a: 1, b: {x: 1, y: 2}, l: [1], s: "s", e: "", z: 0}
dict2: {a: 2, b: {y: 3, z: 4}, l: [2, 3], s: "", e: "filled", n: null, z: 5}
url: "https://user:pa%20ss@example.com:8080/a/b%2Fc?x=1&y=2#frag"
"""

CASES = []


def case(name, template, values=None):
    CASES.append((name, template, values))


def each(prefix, fn, inputs):
    for i, x in enumerate(inputs):
        case(f"{prefix}/{i:02d}", fn(x))


# --- strings ---------------------------------------------------------------------------------
STRS = ['"hello"', '""', ".Values.str", ".Values.unicode", ".Values.spaces", ".Values.special",
        '"Hello World"', '"hello world-foo_bar"', '"ÀÉÎ õü ß ǆ"', '"  x  "', ".Values.multi"]
for fn in ["upper", "lower", "title", "untitle", "trim", "nospace", "initials", "swapcase",
           "snakecase", "camelcase", "kebabcase", "b64enc", "b32enc", "quote", "squote", "toString"]:
    each(f"s1/{fn}", lambda s, fn=fn: "[{{ " + fn + " " + s + " }}]", STRS)
CASE_WORDS = ['"FirstName"', '"HTTPServer"', '"NoHTTPS"', '"GO_PATH"', '"GO PATH"', '"GO-PATH"',
              '"http2xx"', '"HTTP20xOK"', '"Duration2m3s"', '"Bld4Floor3rd"', '"some_words"',
              '"_complex__case_"', '"GOLANG_IS_GREAT"', '"a"', '"_"', '"x.y.z"', '"foo--bar  baz"',
              '"ŁódźCity"', '"AbcDEF123ghi"', '"a$b+c"', '"日本語Text"', '"already_snake_case"']
for fn in ["snakecase", "camelcase", "kebabcase", "swapcase"]:
    each(f"case/{fn}", lambda s, fn=fn: "[{{ " + fn + " " + s + " }}]", CASE_WORDS)
each("str/trunc", lambda a: "[{{ trunc " + a + " }}]",
     ['5 "hello world"', '-5 "hello world"', '0 "abc"', '20 "abc"', '-20 "abc"', '2 "héllo"', '-3 "abc"',
      '.Values.int "abcdef"', '3 .Values.int', '3 nil'])
each("str/abbrev", lambda a: "[{{ abbrev " + a + " }}]",
     ['5 "hello world"', '3 "hello world"', '4 "hello world"', '20 "hello"', '6 ""', '7 "héllo wörld"'])
each("str/abbrevboth", lambda a: "[{{ abbrevboth " + a + " }}]",
     ['5 10 "1234 5678 9123"', '0 5 "abcdefghij"', '3 6 "abcdefghijklmno"', '10 10 "abcdefghijklmno"',
      '12 10 "abcdefghijklmno"', '20 10 "abcdefghijklmno"', '-1 8 "abcdefghijklmno"', '1 3 "abcdefgh"'])
each("str/substr", lambda a: "[{{ substr " + a + " }}]",
     ['0 3 "hello"', '1 3 "hello"', '-1 3 "hello"', '2 -1 "hello"', '2 99 "hello"', '3 2 "hello"',
      '9 -1 "hello"', '-1 9 "hello"', '-1 -1 "hello"', '0 0 ""', '1 2 "héllo"', '5 5 "hello"'])
each("str/repeat", lambda a: "[{{ repeat " + a + " }}]",
     ['3 "ab"', '0 "ab"', '1 "ab"', '-1 "ab"', '5 ""', '-1 ""', '2 .Values.unicode', '.Values.int "x"'])
each("str/trimAll", lambda a: "[{{ " + a + " }}]",
     ['trimAll "$" "$$5.00$"', 'trimall "ab" "abcba"', 'trimAll "" "xx"', 'trimSuffix "-" "hello-"',
      'trimSuffix "x" "hello"', 'trimPrefix "-" "-hello"', 'trimPrefix "" "a"', 'trimAll " " .Values.spaces',
      'trimAll "hé" "héllo"', '"--x--" | trimAll "-"'])
each("str/wrap", lambda a: "[{{ " + a + " }}]",
     ['wrap 5 "Hello Sprig World"', 'wrap 10 .Values.words', 'wrap 3 "abcdefgh ij"', 'wrap 0 "a b c"',
      'wrap -1 "ab cd"', 'wrap 20 "short"', 'wrapWith 5 "\\t" "Hello World"', 'wrapWith 3 "-" "abcdefghij"',
      'wrapWith 4 "" "abcdefghij"', 'wrapWith 2 "|" "héllo"', 'wrap 4 "  lead  spaces  here"',
      'wrapWith 10 "<br>" .Values.words'])
each("str/contains", lambda a: "{{ " + a + " }}",
     ['contains "ell" "hello"', 'contains "" "x"', 'contains "z" "hello"', 'hasPrefix "he" "hello"',
      'hasPrefix "" ""', 'hasSuffix "lo" "hello"', 'hasSuffix "x" "hello"', '"foobar" | contains "foo"',
      'contains "é" .Values.unicode'])
each("str/quote", lambda a: "[{{ " + a + " }}]",
     ['quote "a" "b"', 'quote 1 2.5 true', 'quote nil', 'quote "a" nil "b"', 'quote', 'squote "a" 1 nil',
      'quote .Values.list', 'quote .Values.map', 'quote .Values.float', 'quote .Values.big',
      'squote .Values.mixed', 'quote "tab\\there" "nl\\n" "\\u00e9\\u263a"', 'quote .Values.nul',
      'quote .Values.missing', 'squote .Values.huge', 'quote (list 1 "a")'])
each("str/cat", lambda a: "[{{ " + a + " }}]",
     ['cat "a" "b" "c"', 'cat 1 2 3', 'cat "a" nil "b"', 'cat', 'cat nil', 'cat .Values.list .Values.int',
      'cat .Values.map', 'cat "x" 1.5 true', 'cat .Values.float .Values.big .Values.huge'])
each("str/indent", lambda a: "[{{ " + a + " }}]",
     ['indent 2 "a\\nb"', 'indent 0 "a\\nb"', 'nindent 4 "a\\nb"', 'indent 2 ""', 'indent -1 "x"',
      'nindent 2 .Values.multi', 'indent 3 "\\n"', '.Values.multi | indent 2', '"x" | nindent 1'])
each("str/replace", lambda a: "[{{ " + a + " }}]",
     ['replace "a" "b" "banana"', 'replace "" "-" "abc"', 'replace "an" "" "banana"', 'replace "x" "y" ""',
      '"a.b.c" | replace "." "/"', 'replace "é" "e" .Values.unicode', 'replace "" "" "ab"'])
each("str/plural", lambda a: "[{{ " + a + " }}]",
     ['plural "one" "many" 1', 'plural "one" "many" 0', 'plural "one" "many" 2', 'plural "one" "many" -1',
      'len .Values.list | plural "item" "items"', 'plural "a" "b" .Values.int'])
each("str/toString", lambda a: "[{{ toString " + a + " }}]",
     ['1', '1.5', 'true', 'nil', '.Values.float', '.Values.big', '.Values.million', '.Values.huge',
      '.Values.tiny', '.Values.list', '.Values.map', '.Values.mixed', '.Values.nul', '.Values.emptymap',
      '(list)', '(dict "a" 1)', '.Values.whole', '.Values.neg'])
each("str/split", lambda a: "[{{ " + a + " }}]",
     ['split "," "a,b,c"', 'split "," ""', 'split "" "abc"', '(split "," "a,b,c")._1', 'split "," "a,,b"',
      'splitList "," "a,b,c"', 'splitList "" "abc"', 'splitList "," ""', 'splitList "," "a,b" | len',
      'splitn "," 2 "a,b,c"', 'splitn "," 0 "a,b,c"', 'splitn "," -1 "a,b,c"', 'splitn "" 2 "abc"',
      'splitn "," 10 "a,b"', 'printf "%T" (split "," "a")', 'printf "%T" (splitList "," "a")',
      'splitList "/" "a/b" | join "-"', '(splitn "=" 2 "k=v=w")._1', 'split "é" .Values.unicode'])
each("str/join", lambda a: "[{{ " + a + " }}]",
     ['join "," .Values.list', 'join "-" .Values.nums', 'join "," .Values.mixed', 'join "," nil',
      'join "," "abc"', 'join "," 5', 'join "" (list 1 2)', 'join ", " (splitList "," "a,b")',
      'join "," .Values.emptylist', 'join "," .Values.map', 'join "," (list nil "x" nil)'])
each("str/toStrings", lambda a: "[{{ " + a + " }}]",
     ['toStrings .Values.nums', 'toStrings .Values.mixed', 'toStrings "abc"', 'toStrings nil', 'toStrings 1',
      'toStrings .Values.map', 'printf "%T" (toStrings .Values.nums)', 'toStrings (list 1 nil 2.5)',
      'toStrings (until 3)'])
each("str/sortAlpha", lambda a: "[{{ " + a + " }}]",
     ['sortAlpha .Values.dups', 'sortAlpha .Values.nums', 'sortAlpha .Values.mixed', 'sortAlpha "x"',
      'sortAlpha nil', 'sortAlpha (list "b" "B" "a" "_" "10" "9")', 'sortAlpha .Values.map',
      'printf "%T" (sortAlpha .Values.list)', 'sortAlpha 3'])

# --- conversion and math -------------------------------------------------------------------------
NUMS = ["1", "-1", "0", "1.5", "-2.7", ".Values.int", ".Values.float", ".Values.negf", ".Values.big",
        ".Values.huge", ".Values.numstr", ".Values.hex", ".Values.fstr", ".Values.zstr", '"0b101"', '"017"',
        '"0o17"', '"1_000"', '"1e3"', '"abc"', '""', "true", "false", "nil", ".Values.list", ".Values.nul",
        '" 5"', '"-0x10"', '"9223372036854775808"', '"inf"', '"NaN"', "1e20", "-1e20"]
for fn in ["int", "int64", "float64", "toDecimal", "add1", "ceil", "floor"]:
    each(f"conv/{fn}", lambda n, fn=fn: "{{ " + fn + " " + n + " }}|{{ printf \"%T\" (" + fn + " " + n + ") }}",
         NUMS)
each("conv/atoi", lambda s: "{{ atoi " + s + " }}",
     ['"42"', '"-42"', '"+5"', '"4.2"', '"0x10"', '"abc"', '""', '"99999999999999999999"',
      '"-99999999999999999999"', '"1_000"', '" 1"', '.Values.numstr'])
each("math/int", lambda a: "{{ " + a + " }}",
     ['add 1 2 3', 'add', 'add 1.9 1.9', 'add .Values.int .Values.float', 'add "3" "4"', 'add 1 nil',
      'sub 10 3', 'sub 3 10', 'sub .Values.int 1', 'mul 2 3 4', 'mul 5', 'mul .Values.float 4',
      'div 10 3', 'div -7 2', 'div 7 -2', 'div 1 0', 'div 1 0.5', 'div .Values.big 1000', 'mod 10 3',
      'mod -7 3', 'mod 1 0', 'add1 .Values.int', 'max 1 5 3', 'max -1', 'biggest 2 9 "10"',
      'min 4 2 8', 'min .Values.float 1', 'max .Values.huge 1', 'add 9223372036854775807 1',
      'mul 9223372036854775807 2', 'div -9223372036854775808 -1', 'mod -9223372036854775808 -1',
      'printf "%T" (add 1 2)', 'add 1 2 | printf "%d"', 'sub 1', 'max', 'min .Values.list 3'])
each("math/float", lambda a: "{{ " + a + " }}",
     ['addf 0.1 0.2', 'addf 1 2 3', 'addf', 'addf .Values.float .Values.int', 'add1f 1.5', 'add1f .Values.negf',
      'subf 0.3 0.1', 'subf 10 1 2 3', 'subf 1', 'mulf 1.1 3', 'mulf 0.1 0.1', 'mulf 2 2.5 "2"',
      'divf 1 3', 'divf 2 3', 'divf 10 4', 'divf -2 3', 'divf 1 0', 'divf 1e300 1e-10', 'divf 0 5',
      'divf 22 7', 'divf 1 3 3', 'mulf 1e200 1e200', 'addf 1e308 1e308', 'addf "inf" 1',
      'maxf 1 2.5 -1', 'minf 1 2.5 -1', 'maxf "3.5" 2', 'minf .Values.negf 0', 'maxf nil -1', 'minf -0.0 0',
      'maxf "NaN" 1', 'printf "%T" (addf 1 2)', 'addf 0.1 0.7', 'mulf 3 0.1', 'subf 1.1 0.9',
      'divf 100 7', 'divf 5 0.3', 'addf 123456789.123 0.000001', 'mulf 1.5 1.5 1.5 1.5'])
each("math/round", lambda a: "{{ " + a + " }}",
     ['round 123.555555 3', 'round 123.55555 3 0.6', 'round 1.5 0', 'round 2.5 0', 'round -1.5 0',
      'round -2.4 0', 'round .Values.float 0', 'round "3.14159" 2', 'round 1234.5678 -2', 'round 0.1 20',
      'round 5 0 0.0', 'round 1.005 2', 'ceil 1.1', 'ceil -1.1', 'floor -0.5', 'ceil -0.5', 'floor "2.9"',
      'ceil .Values.huge', 'round 1e300 10', 'round 2.675 2'])
each("math/seq", lambda a: "[{{ " + a + " }}]",
     ['seq 5', 'seq 0', 'seq -3', 'seq 2 5', 'seq 5 2', 'seq 0 2 10', 'seq 10 -3 1', 'seq 1 -1 5',
      'seq 5 1 1', 'seq', 'seq 1 2 3 4', 'seq 3 3', 'seq 1 0 5'])
each("math/until", lambda a: "[{{ " + a + " }}]",
     ['until 5', 'until 0', 'until -3', 'untilStep 0 10 3', 'untilStep 10 0 -4', 'untilStep 0 10 -1',
      'untilStep 10 0 1', 'untilStep 0 10 0', 'untilStep 5 5 1', 'printf "%T" (until 2)',
      'range $i := until 3 }}{{ $i }},{{ end', 'len (until 100)', 'until .Values.int'])

# --- defaults, flow, reflection --------------------------------------------------------------------
VALS = ["nil", '""', '"x"', "0", "1", "0.0", "true", "false", ".Values.zero", ".Values.float", ".Values.empty",
        ".Values.emptylist", ".Values.emptymap", ".Values.list", ".Values.map", ".Values.nul", ".Values.missing",
        "(list)", "(dict)", ".Values.f", ".Values.t", '" "', "(.Capabilities.APIVersions.Has \"v1\")", ".Release", "(list nil)"]
each("dflt/default", lambda v: "[{{ default \"DEF\" " + v + " }}]", VALS)
each("dflt/empty", lambda v: "{{ empty " + v + " }}", VALS)
each("dflt/piped", lambda v: "[{{ " + v + " | default \"D\" }}]", VALS[:17])
each("dflt/misc", lambda a: "[{{ " + a + " }}]",
     ['default "a"', 'default "a" "b" "c"', 'default 5 0', 'coalesce 0 "" "x" "y"', 'coalesce nil 0', 'coalesce',
      'coalesce .Values.missing .Values.str', 'coalesce .Values.emptylist .Values.list', 'all 1 "a" true', 'all 1 0',
      'all', 'any 0 "" nil', 'any 0 1', 'any', 'ternary "y" "n" true', 'ternary "y" "n" false',
      'ternary "y" "n" .Values.t', 'true | ternary 1 2', 'ternary "y" "n" 1', 'ternary "y" "n" .Values.nul',
      'compact .Values.mixed', 'compact (list 0 1 "" "a" nil false true)', 'mustCompact .Values.dups', 'compact "abc"',
      'compact nil', 'printf "%T" (default 1 2)', 'empty .Values.nested.a.b', 'default .Values.list .Values.nul',
      'coalesce .Values.nul .Values.zero .Values.float'])
each("refl/typeOf", lambda v: "{{ typeOf " + v + " }}|{{ kindOf " + v + " }}",
     VALS + ["1.5", ".Values.int", "(until 3)", "(splitList \",\" \"a\")", "(split \",\" \"a\")", "(add 1 2)",
             "(int 1)", ".Values.str", "(index .Values.str 0)", ".Values", ".Capabilities.APIVersions",
             "(chunk 2 .Values.list)", "(first .Values.list)", "(keys .Values.map)"])
each("refl/is", lambda a: "{{ " + a + " }}",
     ['typeIs "string" "x"', 'typeIs "int" 1', 'typeIs "float64" .Values.int', 'typeIs "int" .Values.int',
      'typeIsLike "string" "x"', 'typeIsLike "common.Capabilities" .Capabilities', 'typeIs "<nil>" nil',
      'kindIs "map" .Values.map', 'kindIs "slice" .Values.list', 'kindIs "invalid" nil', 'kindIs "ptr" .Capabilities',
      'kindIs "struct" .Capabilities.KubeVersion', 'kindIs "int" 1', 'kindIs "float64" .Values.int',
      'typeIs "[]interface {}" .Values.list', 'typeIs "map[string]interface {}" .Values.map'])
each("refl/deepEqual", lambda a: "{{ deepEqual " + a + " }}",
     ['1 1', '1 1.0', '.Values.int 3.0', '.Values.list (list "a" "b" "c")', '.Values.map .Values.map',
      '(dict "a" 1) (dict "a" 1)', '(dict "a" 1) (dict "a" 2)', 'nil nil', '"a" "a"', '.Values.list (splitList "," "a,b,c")',
      '(list 1 2) (list 1 2)', '.Values.emptylist (list)', '.Values.nul .Values.missing', '.Values .Values'])
each("refl/deepCopy", lambda a: "[{{ " + a + " }}]",
     ['deepCopy .Values.map', 'deepCopy .Values.list', 'deepCopy "x"', 'deepCopy 1', 'deepCopy nil',
      'mustDeepCopy nil', 'mustDeepCopy .Values.nested', '$d := dict "a" (dict "b" 1) }}{{ $c := deepCopy $d }}'
      '{{ $_ := set $c.a "b" 2 }}{{ $d }} {{ $c', 'printf "%T" (deepCopy .Values)', 'deepCopy .Values.mixed',
      'printf "%T" (deepCopy (splitList "," "a"))'])

# --- JSON ------------------------------------------------------------------------------------------
JSONVALS = [".Values.map", ".Values.list", ".Values.mixed", ".Values.special", ".Values.unicode", ".Values.float",
            ".Values.big", ".Values.huge", ".Values.tiny", ".Values.million", ".Values.nested", "nil", "1", "1.5",
            '"a\\u2028b\\u2029c<>&\\t\\u0001"', "(list)", "(dict)", ".Values.emptymap", "(until 3)",
            '(split "," "a,b")', "(float64 \"1e-7\")", "(float64 \"123456789012345678901234\")", "(float64 \"0.000001\")",
            "(float64 \"-0\")", "(float64 \"NaN\")", "(float64 \"inf\")", "(dict \"<k>\" \"&v\")", ".Values.multi",
            "(list 1e20 1e21 1.0e-6 1.0e-7)", ".Values.neg", "true"]
for fn in ["toJson", "toPrettyJson", "toRawJson", "mustToJson", "mustToPrettyJson", "mustToRawJson"]:
    each(f"json/{fn}", lambda v, fn=fn: "[{{ " + fn + " " + v + " }}]", JSONVALS)
JSONTEXTS = ['"{\\"a\\": 1, \\"b\\": [true, null, \\"x\\"]}"', '"[1, 2.5, -3e2]"', '"\\"str\\""', '"null"', '"12"',
             '""', '"{"', '"[1,]"', '"{\\"a\\" 1}"', '"tru"', '"1 2"', '"x"', '"-"', '"1."', '"\\"a\\\\qb\\""',
             '"{\\"k\\":\\"\\\\u00e9\\\\ud83d\\\\ude00\\\\ud800x\\"}"', '"1e400"', '"[1e400, 2]"', '"  {}  "',
             '"{\\"b\\":1,\\"a\\":2,\\"b\\":3}"', '"0.1"', '"01"', '"\\"\\t\\""', '"[[[]]]"', '"{\\"a\\":{\\"b\\":{}}}"',
             '"1E+2"', '"-0"', '"123456789012345678901234567890"']
for fn in ["fromJson", "mustFromJson"]:
    each(f"json/{fn}", lambda t, fn=fn: "[{{ " + fn + " " + t + " }}]|{{ printf \"%T\" (" + fn + " " + t + ") }}", JSONTEXTS)
each("json/roundtrip", lambda a: "[{{ " + a + " }}]",
     ['fromJson "{\\"a\\":{\\"b\\":[1,2]}}" | toJson', '(fromJson "{\\"a\\":{\\"b\\":[1,2]}}").a.b',
      'mustFromJson "[1,2,3]" | len', 'toJson (fromJson (toJson .Values.nested))', 'toPrettyJson (dict "a" (list))',
      'toPrettyJson (list (dict) (list 1 (dict "x" nil)))', '(fromJson "{\\"n\\": 5}").n | add 1'])

# --- paths and encodings ---------------------------------------------------------------------------
PATHS = ['""', '"."', '".."', '"/"', '"//"', '"a/b/c"', '"/a/b/c/"', '"a//b/./c/.."', '"../../x"', '"/../x"',
         '"file.tar.gz"', '"a.b/c"', '"a/b."', '".hidden"', '"a/b/"', '"///a"', '"C:\\\\x\\\\y"', '"a\\\\b.txt"']
for fn in ["base", "dir", "clean", "ext", "isAbs", "osBase", "osDir", "osClean", "osExt", "osIsAbs"]:
    each(f"path/{fn}", lambda p, fn=fn: "[{{ " + fn + " " + p + " }}]", PATHS)
B64 = ['"aGVsbG8="', '"aGVsbG8"', '"aGVsbA=="', '"aGVs bG8="', '"aGV\\nsbG8="', '"!!!!"', '""', '"YQ=="', '"YQ="',
       '"YQ"', '"Y"', '"YQ==YQ=="', '"YWJj"', '"YWJjZA=="', '"w6k="', '"/w=="', '"YQ==\\n"', '"YR=="', '"Zm9vYmFy"']
each("enc/b64dec", lambda s: "[{{ b64dec " + s + " }}]", B64)
B32 = ['"NBSWY3DP"', '"NBSWY3DPEE======"', '"NBSWY3D"', '"MZXW6==="', '"MZXW6YQ="', '"MZXW6YTB"', '"MY======"',
       '"MY"', '"M1======"', '"mzxw6==="', '""', '"MZXW6===X"', '"MZXW6===MZXW6==="', '"MZ\\nXW6==="', '"MZXW6=="',
       '"M======="', '"MZX====="']
each("enc/b32dec", lambda s: "[{{ b32dec " + s + " }}]", B32)
each("enc/roundtrip", lambda a: "[{{ " + a + " }}]",
     ['b64enc "hello" | b64dec', 'b32enc .Values.unicode | b32dec', 'b64enc ""', 'b32enc ""', 'b64enc "a"',
      'b64enc "ab"', 'b32enc "a"', 'b32enc "abcd"', 'b64enc .Values.special'])

# --- lists -----------------------------------------------------------------------------------------
LISTS = [".Values.list", ".Values.nums", ".Values.dups", ".Values.mixed", ".Values.emptylist", "(list)",
         '(splitList "," "x,y")', "(until 4)", "nil", '"abc"', "1", ".Values.map", ".Values.missing", "(list 1)"]
for fn in ["first", "last", "rest", "initial", "reverse", "uniq", "compact",
           "mustFirst", "mustLast", "mustRest", "mustInitial", "mustReverse", "mustUniq"]:
    each(f"list/{fn}", lambda l, fn=fn: "[{{ " + fn + " " + l + " }}]|{{ printf \"%T\" (" + fn + " " + l + ") }}", LISTS)
each("list/misc", lambda a: "[{{ " + a + " }}]",
     ['list 1 "a" nil 2.5', 'list', 'tuple 1 2', 'printf "%T" (list)', 'append .Values.list "d"', 'push .Values.nums 9',
      'append nil 1', 'append "x" 1', 'mustAppend .Values.map 1', 'prepend .Values.list "z"', 'mustPrepend (list) 1',
      'prepend 5 1', 'append (splitList "," "a,b") 3', 'printf "%T" (append (until 2) 5)', 'append .Values.list nil',
      'without .Values.dups "a"', 'without .Values.nums 1 2', 'without .Values.nums 1.0', 'without .Values.list',
      'mustWithout "x" 1', 'without (list 1 (list 2) (dict "a" 1)) (list 2) (dict "a" 1)', 'has "a" .Values.list',
      'has "z" .Values.list', 'has 1 .Values.nums', 'has 1.0 .Values.nums', 'has .Values.int .Values.nums',
      'has nil .Values.mixed', 'has "a" nil', 'has "a" "abc"', 'mustHas "a" .Values.map', 'has 1 (until 3)',
      '.Values.list | has "b"', 'concat .Values.list .Values.nums', 'concat', 'concat (list) (list)',
      'concat .Values.list "x"', 'concat .Values.list nil', 'concat (until 2) (splitList "," "a")',
      'printf "%T" (concat)', 'uniq (list 1 1.0 "1" 1)', 'uniq (list (list 1) (list 1) (dict) (dict))'])
each("list/slice", lambda a: "[{{ " + a + " }}]|{{ printf \"%T\" (" + a + ") }}",
     ['slice .Values.nums', 'slice .Values.nums 1', 'slice .Values.nums 1 3', 'slice .Values.nums 3 1',
      'slice .Values.nums 0 9', 'slice .Values.nums -1', 'slice .Values.nums "1" "2.0"', 'slice .Values.nums 1.9 3.9',
      'slice (list)', 'slice (splitList "," "a,b,c") 1', 'slice "abc" 1', 'mustSlice .Values.nums 5',
      'slice .Values.nums nil 2', 'slice nil', 'slice (until 5) 2 4', 'mustSlice .Values.list 1 2'])
each("list/chunk", lambda a: "[{{ " + a + " }}]",
     ['chunk 2 .Values.nums', 'chunk 5 .Values.nums', 'chunk 1 .Values.list', 'chunk 10 .Values.list',
      'chunk 2 (list)', 'chunk 0 .Values.list', 'chunk -1 .Values.list', 'chunk -1 (list 1 2)', 'chunk -2 (list 1 2 3)',
      'chunk 2 "abc"', 'chunk 2 nil', 'mustChunk 3 (until 7)', 'printf "%T" (chunk 2 .Values.list)',
      'chunk 0 (list)', 'chunk -1 (list)', 'chunk 0 (list 1)', 'chunk -2 (list)', 'len (chunk 3 (until 10))'])

# --- dicts -----------------------------------------------------------------------------------------
each("dict/basic", lambda a: "[{{ " + a + " }}]",
     ['dict "a" 1 "b" "x"', 'dict', 'dict "a"', 'dict "a" 1 "b"', 'dict 1 2 true 3 nil 4 1.5 5', 'dict "a" 1 "a" 2',
      'dict .Values.list 1', 'printf "%T" (dict)', 'get .Values.map "a"', 'get .Values.map "zz"', 'get nil "a"',
      'get .Values.dict2 "n"', 'printf "%T" (get .Values.map "zz")', 'hasKey .Values.map "a"', 'hasKey .Values.map "z"',
      'hasKey .Values.dict2 "n"', 'hasKey nil "a"', 'set (dict "a" 1) "b" 2', 'set nil "a" 1', 'unset (dict "a" 1 "b" 2) "a"',
      'unset nil "a"', 'unset (dict) "x"', '$d := dict }}{{ $_ := set $d "k" "v" }}{{ $d',
      '$d := dict "a" 1 }}{{ $e := $d }}{{ $_ := set $e "b" 2 }}{{ $d', 'pluck "a" .Values.dict1 .Values.dict2',
      'pluck "n" .Values.dict1 .Values.dict2', 'pluck "zz" .Values.dict1', 'pluck "a"', 'keys (dict "only" 1)',
      'keys .Values.dict1 .Values.dict2 | sortAlpha', 'keys', 'keys (dict)', 'keys .Values.map | sortAlpha | join ","',
      'printf "%T" (keys .Values.map)', 'pick .Values.dict1 "a" "s" "zz"', 'pick .Values.dict1', 'pick nil "a"',
      'omit .Values.dict1 "a" "b"', 'omit .Values.dict1', 'omit nil "a"', 'values .Values.map | len',
      'values (dict "a" 1) ', 'values nil', 'printf "%T" (values .Values.map)', 'get .Values "str"',
      'keys .Values.emptymap', 'dict "x" .Values.nul', 'get (dict "a" nil) "a"', 'set .Values.map',
      'dict "k" (list 1 2) | toJson'])
each("dict/dig", lambda a: "[{{ " + a + " }}]",
     ['dig "a" "b" "c" "none" .Values.nested', 'dig "a" "x" "none" .Values.nested', 'dig "a" "b" "none" .Values.nested',
      'dig "a" "b" "c" "d" "none" .Values.nested', 'dig "list" "none" .Values.nested', 'dig "a" "none"',
      'dig "a" "b" "none" "notadict"', 'dig "a" "none" nil', 'dig 1 "none" .Values.nested', 'dig "str" "none" .Values',
      'dig "a" "none" (dict "a" nil)', 'dig "a" "b" "none" (dict "a" nil)', 'dig "a" "b" "none" (dict "a" (split "," "x"))',
      'dig "a" nil (dict)', 'dig "zz" .Values.list .Values.map', '.Values.nested | dig "a" "b" "c" "d"',
      'dig "a" "b" "none" (dict "a" (dict "b" 0))'])
MERGES = [
    ('(dict "a" 1) (dict "a" 2 "b" 3)'),
    ('(dict "a" 0) (dict "a" 2)'),
    ('(dict "a" "") (dict "a" "x")'),
    ('(dict "a" false) (dict "a" true)'),
    ('(dict "a" true) (dict "a" false)'),
    ('(dict "a" nil) (dict "a" 1)'),
    ('(dict "a" 1) (dict "a" nil)'),
    ('(dict "a" 1) (dict "a" "")'),
    ('(dict "a" 1) (dict "a" 0)'),
    ('(dict "a" (dict "x" 1)) (dict "a" (dict "x" 2 "y" 3))'),
    ('(dict "a" (dict)) (dict "a" (dict "x" 2))'),
    ('(dict "a" "s") (dict "a" (dict "x" 2))'),
    ('(dict "a" (dict "x" 1)) (dict "a" "s")'),
    ('(dict "a" (list 1)) (dict "a" (list 2 3))'),
    ('(dict "a" (list)) (dict "a" (list 2 3))'),
    ('(dict "a" "s") (dict "a" (list 2))'),
    ('(dict "a" (list 1)) (dict "a" "s")'),
    ('(dict) (dict "a" (list 1) "b" (dict "c" 1))'),
    ('(dict "a" 1) (dict "b" 2) (dict "a" 3 "c" 4)'),
    ('(dict "a" 1)'),
    ('.Values.dict1 .Values.dict2'),
    ('(deepCopy .Values.dict1) (deepCopy .Values.dict2)'),
    ('(dict "a" (dict "b" (dict "c" 1))) (dict "a" (dict "b" (dict "d" 2)))'),
    ('(dict "a" (split "," "x,y")) (dict "a" (dict "_0" "z" "_5" "w"))'),
    ('(dict "a" (split "," "x,y")) (dict "a" (split "," "p,q,r"))'),
    ('(dict "a" (dict "x" nil)) (dict "a" (dict "x" (dict "y" 1)))'),
    ('(dict "a" 1.5) (dict "a" 2)'),
    ('nil (dict "a" 1)'),
    ('(dict "a" (dict "k" "v")) (dict "a" (dict))'),
    ('(dict "a" (dict "k" "v")) (dict "a" nil)'),
]
for fn in ["merge", "mergeOverwrite", "mustMerge", "mustMergeOverwrite"]:
    for i, a in enumerate(MERGES):
        # A merge into .Values changes it for every later template of a batch.
        case(f"dict/{fn}/{i:02d}", "[{{ " + fn + " " + a + " | toJson }}]",
             VALUES if a.startswith(".Values") else None)
each("dict/merge-mut", lambda a: "[{{ " + a + " }}]",
     ['$d := dict "a" 1 }}{{ $_ := merge $d (dict "b" 2) }}{{ $d',
      '$e := dict }}{{ $d := dict "a" $e }}{{ $_ := merge $d (dict "a" (dict "x" 1)) }}{{ $e }} {{ $d',
      '$s := dict "x" 1 }}{{ $d := merge (dict) (dict "a" $s) }}{{ $_ := set $s "y" 2 }}{{ $d',
      '$d := dict "a" 1 }}{{ $r := mergeOverwrite $d (dict "a" 2) }}{{ $d }} {{ $r',
      'printf "%T" (merge (dict) (dict))'])
case("dict/merge-values", '{{ $_ := merge .Values (dict "str" "x" "newkey" "v") }}{{ .Values.str }} {{ .Values.newkey }}',
     "str: hello\n")
case("dict/mergeOverwrite-values", '{{ $_ := mergeOverwrite .Values (dict "str" "x") }}{{ .Values.str }}', "str: hello\n")
case("dict/set-values", '{{ $_ := set .Values "k" "v" }}{{ .Values.k }} {{ toJson .Values }}', "a: 1\n")
case("dict/unset-values", '{{ $_ := unset .Values "a" }}{{ toJson .Values }}', "a: 1\nb: 2\n")
case("dict/merge-values-src", '{{ toJson (merge (dict "a" 1) .Values) }}', "a: 2\nb: {c: 3}\n")

# --- URLs ------------------------------------------------------------------------------------------
URLS = ['.Values.url', '"http://example.com"', '"example.com/path"', '"/just/a/path?q=1"', '"mailto:user@example.com"',
        '"http://[::1]:8080/x"', '"http://[fe80::1%25en0]/"', '"::"', '"http://a b/"', '"http://x:y/"', '"%zz"',
        '"http://host/%zz"', '"https://u@h/p#f%20g"', '"http://h/p?"', '"//h/p"', '"a:b:c"', '"http://[::1/"',
        '"http://1.2.3.4:80/"', '"HTTP://Example.COM/A"', '"http://a:1:2/"', '"postgres://a:1,b:2/db"',
        '"http://[1.2.3.4]/"', '"http://h/a b"', '"http://h:/"', '"*"', '""', '"http://user:p@ss@host/"',
        '"http://ex%41mple.com/"', '"http://h/?q=a b#x y"', '"file:///etc/hosts"']
each("url/parse", lambda u: "{{ urlParse " + u + " | toJson }}", URLS)
each("url/join", lambda d: "[{{ urlJoin " + d + " }}]",
     ['(dict "scheme" "https" "host" "h:8443" "path" "/a b" "query" "x=1" "fragment" "f g" "userinfo" "u:p")',
      '(dict "host" "h")', '(dict "path" "rel/path")', '(dict "path" "a:b")', '(dict "scheme" "mailto" "opaque" "x@y")',
      '(dict)', '(dict "scheme" "http" "host" "h" "path" "p")', '(dict "host" 1)', '(dict "host" nil)',
      '(dict "userinfo" "u:p@x")', '(dict "scheme" "http" "host" "h" "userinfo" "bad user")',
      '(urlParse .Values.url)', '(dict "scheme" "http" "host" "hé" "path" "/é")', '(dict "scheme" "s" "path" "")',
      '(dict "query" "a=1" "fragment" "x")', '(dict "host" "[::1]:80" "scheme" "http")'])

# --- argument checks (Go signatures) ---------------------------------------------------------------
each("sig", lambda a: "[{{ " + a + " }}]",
     ['trunc .Values.float "abc"', 'trunc "3" "abc"', 'upper 1', 'upper nil', 'upper .Values.nul', 'upper .Values.list',
      'repeat 2', 'repeat 1 2 3', 'substr 1 "x"', 'indent .Values.int "x"', 'plural "a" "b" 1.0', 'get .Values.list "a"',
      'set (list) "a" 1', 'merge (dict) (list)', 'merge (dict) (split "," "a")', 'pick (dict "a" 1) 1',
      'keys .Values.list', 'round 1.5 1.0', 'round 1.5 1 1', 'ternary 1 2 "true"', 'ternary 1 2 nil', 'seq 1.5',
      'seq "1"', 'until "3"', 'splitList 1 "a"', 'b64enc 1', 'base nil', 'urlJoin .Values.list', 'dig',
      'typeIs 1 2', 'join 1 .Values.list', 'wrap "3" "abc"', 'fail "boom"', 'hello', 'fail .Values.int',
      'get .Values.missing "a"', 'get .Values.nul "a"', 'set .Values.missing "a" 1'])

# --- more corners ----------------------------------------------------------------------------------
each("more/typed", lambda a: "[{{ " + a + " }}]",
     ['has "a" (splitList "," "a,b")', 'uniq (splitList "," "b,a,b")', 'without (until 5) 2 3', 'first (until 3)',
      'printf "%T" (first (until 3))', 'printf "%T" (first (splitList "," "a"))', 'last (splitList "," "a,b")',
      'reverse (until 3)', 'rest (splitList "," "a,b,c")', 'initial (until 4)', 'compact (splitList "," "a,,b")',
      'has 1 (list 1.0)', 'deepEqual (until 2) (list 0 1)', 'deepEqual (splitList "," "a") (list "a")',
      'deepEqual (splitList "," "a") (toStrings (list "a"))', 'toStrings (splitList "," "a,b")', 'sortAlpha (until 12)',
      'join "," (until 3)', 'concat (splitList "," "a") (until 2) | toJson', 'chunk 2 (splitList "," "a,b,c") | toJson',
      'mustChunk 2 (until 3) | toJson', 'slice (until 5) 1 | toJson', 'until 3 | toJson', 'split "," "a,b" | toJson',
      'len (split "," "a,b,c")', 'index (split "," "a,b") "_0"', 'uniq (list (float64 "NaN") (float64 "NaN") 0.0 (float64 "-0") 0)',
      'uniq (list nil nil "" 0 false (list) (list) (dict) (dict "a" 1) (dict "a" 1))', 'uniq (list (int64 1) 1 (int 1))',
      'uniq .Values.mixed', 'uniq (concat .Values.nums .Values.nums (list 1.0))', 'set (dict) "a" (until 2) | toJson'])
each("more/strings", lambda a: "[{{ " + a + " }}]",
     ['upper "ß straße"', 'lower "İSTANBUL ΣΑΣ"', 'title "ǆemal ǉubljana"', 'title "o\'neil mc-donald 1st"',
      'title "hello\u00a0world"', 'title "x_y z.w"', 'untitle "ÀB ÉC"', 'swapcase "ǅ ǆ Ǆ"', 'swapcase "hello WORLD 123 aBc"',
      'swapcase "ﬀ ß"', 'nospace "à b"', 'nospace "à"', 'initials "élan vital"', 'initials "  a  b  "', 'initials "a\u00a0b"',
      'abbrev 5 "日本語テキスト"', 'trunc 4 "日本語"', 'substr 0 4 "日本語"', 'wrap 2 "日本 語テ キスト"', 'snakecase "日本語"',
      'camelcase "日本_語"', 'kebabcase "ÀÉÎ-Ok"', 'snakecase "a1b2C3"', 'snakecase "ABC"', 'snakecase "A"', 'snakecase ""',
      'kebabcase "--x--"', 'snakecase "x__y"', 'camelcase "__x__y__"', 'camelcase "x  y"', 'camelcase "HTTP_SERVER"',
      'snakecase "HelloWorld!Again"', 'snakecase "iPhone11Pro"', 'snakecase "v1.2.3"', 'camelcase "1abc_def"',
      'snakecase "ID"', 'snakecase "userID"', 'snakecase "userIDs"', 'kebabcase "JSONData"', 'camelcase "json_data"',
      'trim "\u00a0x\u2003"', 'trim "\u0085y"', 'trimAll "☺" "☺x☺"', 'repeat 3 "☺"', 'replace "o" "0" .Values.words',
      'quote "\u00ff\u2028\x7f"', 'quote "\u200b"', 'squote "it\'s"', 'cat "a" "" "b"', 'toString (float64 "1e6")',
      'toString (float64 "123456789")', 'toString 1e21', 'indent 2 "a\r\nb"', 'contains "" ""', 'plural "a" "b" (len .Values.list)'])
each("more/numbers", lambda a: "{{ " + a + " }}",
     ['int "0x1F"', 'int "0X1f"', 'int "0b11"', 'int "0o7"', 'int "08"', 'int "1_0"', 'int "_10"', 'int "+0x10"',
      'int "9223372036854775807"', 'int "-9223372036854775808"', 'int64 "1.0"', 'int64 "1.5"', 'int64 "-0.00"',
      'float64 "0x1p-2"', 'float64 "1_000.5"', 'float64 "1e308"', 'float64 "1e309"', 'float64 ".5"', 'float64 "5."',
      'float64 "+Inf"', 'float64 "infinity"', 'float64 " 1"', 'float64 (int64 3)', 'int (float64 "2.9")',
      'toDecimal "0755"', 'toDecimal 755', 'toDecimal "-17"', 'toDecimal "+17"', 'toDecimal .Values.big',
      'toDecimal "8"', 'toDecimal 1.5', 'toDecimal "0o17"', 'toDecimal true', 'toDecimal nil',
      'add1 "x"', 'add1 9223372036854775807', 'sub 0 -9223372036854775808', 'add .Values.nums', 'add (list 1)',
      'mul 0 "x"', 'max "a" "b"', 'min 3 "-5" 1.9', 'maxf 1 "x"', 'minf', 'maxf 1', 'round -0.4 0', 'round 0.5 0 0.6',
      'ceil "x"', 'floor true', 'round nil 2', 'add1f "x"', 'subf 0.1 0.2', 'mulf 0.1 3', 'mulf -0.0 1', 'divf 1 -3',
      'divf 9007199254740993 1', 'addf 9007199254740992 1', 'mulf 123456789.987654321 1000', 'divf 1 7 7 7 7',
      'divf 0.000001 3', 'divf 1e-300 3', 'addf 1e-320 1e-320', 'subf 5', 'mulf', 'divf .Values.int .Values.float'])
each("more/misc", lambda a: "[{{ " + a + " }}]",
     ['default (list 1) (list)', 'default "x" (dict)', 'default "x" .Values.emptymap', 'default 0 .Values.zero',
      'empty (int 0)', 'empty (float64 "0")', 'empty (until 0)', 'empty (splitList "," "")', 'empty (split "," "")',
      'coalesce (list) (dict) "" 0 false nil', 'all (list 1)', 'any (list)', 'ternary (list 1) (dict) true',
      'typeOf (ternary 1 "a" false)', 'kindOf (dict)', 'kindOf (list)', 'kindOf 1.5', 'kindOf (until 1)',
      'typeIs "[]int" (until 1)', 'typeIsLike "int" 1', 'deepEqual .Values.nested.a (dict "b" (dict "c" "deep"))',
      'toJson (dict "a" (dict "b" (list (dict))))', 'toPrettyJson (list 1 (list 2 (list 3)))', 'toRawJson .Values.special',
      'toJson (list "\u00e9" "\u2029")', 'mustFromJson "{\"a\":[{\"b\":null}]}" | toJson', 'toJson 1.0',
      'toJson .Values.whole', 'toJson (float64 "1e-6")', 'toJson (float64 "-1e-7")', 'toJson (float64 "1e20")',
      'toJson (float64 "123456789.125")', 'toJson (float64 "5e-324")', 'toJson (float64 "1.7976931348623157e308")',
      'toJson (int64 5)', 'toJson (add 1 2)', 'toJson (index "abc" 0)', 'toJson (dict "z" 1 "a" 2 "M" 3 "_" 4 "10" 5 "9" 6)'])
each("more/urls", lambda u: "{{ urlParse " + u + " | toJson }}",
     ['"http://h?a=1?b=2"', '"http://h/p?"', '"https://h#"', '"http://u:@h"', '"http://:p@h"', '"http://h:8080"',
      '"http://[::1]"', '"http://[::1]:x"', '"http://h/%2F%2f"', '"http://h/%41"', '"?q"', '"#f"', '"a/b:c"',
      '"http://h/p%"', '"http://h:99999/"', '"custom-scheme+v1.2://x/y"', '"1http://x"', '"http://h/ü"',
      '"http://ü.de/"', '"http://h/a?b=ü"', '"http://h/#ü"', '"http://h/a%20b"', '"sftp://u:p%40x@h:22/~/f"'])
each("more/urljoin", lambda d: "[{{ urlJoin " + d + " }}]",
     ['(dict "scheme" "http" "host" "h" "path" "a")', '(dict "scheme" "http" "path" "//x")', '(dict "path" "/a?b")',
      '(dict "fragment" "a#b" "host" "h")', '(dict "scheme" "http" "host" "h" "query" "a b")', '(dict "userinfo" "u")',
      '(dict "userinfo" "u:p" "host" "h")', '(dict "userinfo" "%zz" "host" "h")', '(dict "opaque" "o" "path" "p")',
      '(dict "scheme" "http" "host" "h" "path" "/a%2Fb")', '(dict "path" "*")', '(dict "scheme" "x" "path" "a:b")'])

each("more/nilslice", lambda a: "[{{ " + a + " }}]",
     ['toJson (rest (list))', 'toJson (initial (list))', 'toJson (concat)', 'toJson (mustRest (list))',
      'toJson (rest (list 1))', 'toJson (compact (list))', 'toJson (chunk 2 (list))', 'toJson (keys (dict))',
      'toJson (until 0)', 'toJson (without (list 1) 1)', 'toJson (splitn "," 0 "a")', 'toJson (pluck "x")'])

each("more/limits", lambda a: "[{{ " + a + " }}]",
     ['$d := dict }}{{ $_ := set $d "a" $d }}{{ mustToJson $d', '$d := dict }}{{ $_ := set $d "a" $d }}{{ toJson $d',
      '$d := dict }}{{ $_ := set $d "a" (list $d) }}{{ mustToPrettyJson $d', 'mustFromJson (repeat 10001 "[")',
      'mustFromJson (printf "%s%s" (repeat 9999 "[") (repeat 9999 "]")) | len',
      'fromJson (printf "%s1%s" (repeat 50 `{"a":`) (repeat 50 "}")) | len'])

# --- realistic chart fragments ----------------------------------------------------------------------
case("chart/labels", '{{- $l := dict "app" "web" "tier" .Values.str -}}\nlabels:\n{{- range $k, $v := $l }}\n  {{ $k }}: {{ $v | quote }}\n{{- end }}\n')
case("chart/image", 'image: {{ printf "%s:%s" "nginx" (toString .Values.float) | quote }}')
case("chart/trunc-name", '{{ printf "%s-%s" "my-very-long-release-name" "chart-name-that-is-long" | trunc 30 | trimSuffix "-" }}')
case("chart/env", 'env:\n{{- range $k := keys .Values.map | sortAlpha }}\n- name: {{ $k | upper }}\n  value: {{ get $.Values.map $k | toJson | quote }}\n{{- end }}')
case("chart/toYaml-ish", 'data:\n{{ toPrettyJson .Values.nested | indent 2 }}')
case("chart/default-port", 'port: {{ .Values.missing | default 8080 }} {{ .Values.int | default 80 | int }}')
case("chart/checksum-ish", '{{ toJson .Values.dict1 | b64enc }}')
case("chart/join-hosts", '{{ join "," (concat .Values.list (list "d")) | upper }}')
case("chart/ternary-tls", '{{ ternary "https" "http" (hasKey .Values "tls") }}://{{ .Values.str }}')
case("chart/merge-defaults", '{{- $d := dict "replicas" 1 "image" (dict "tag" "latest" "pull" "Always") -}}\n'
     '{{- $o := dict "image" (dict "tag" "1.2") -}}\n{{ toJson (mergeOverwrite $d $o) }}')
case("chart/uniq-sort", '{{ .Values.dups | uniq | sortAlpha | join " " }}')
case("chart/nindent-block", 'spec:\n  template:{{- dict "a" 1 "b" (list 1 2) | toPrettyJson | nindent 4 }}')
case("chart/int-math", 'replicas: {{ add (int .Values.int) 1 }} {{ mul .Values.float 2 }} {{ div .Values.big 1000 }}')
case("chart/regex-free-split", '{{ $p := splitList ":" "repo:tag" }}{{ first $p }} {{ last $p }}')
case("chart/until-range", '{{- range $i := until (int .Values.int) }}\n- pod-{{ $i }}\n{{- end }}')
case("chart/url-host", '{{ (urlParse .Values.url).hostname }}:{{ (urlParse .Values.url).host | splitList ":" | last }}')
case("chart/semver-free-compare", '{{ if gt (atoi "10") 5 }}big{{ end }}')
case("chart/coalesce-chain", '{{ coalesce .Values.missing .Values.empty .Values.str "fallback" }}')
case("chart/deep-dig", '{{ dig "a" "b" "c" "n/a" .Values.nested }} {{ dig "a" "q" "n/a" .Values.nested }}')
case("chart/b64-secret", 'password: {{ .Values.str | b64enc | quote }}\nplain: {{ "aGVsbG8=" | b64dec }}')
