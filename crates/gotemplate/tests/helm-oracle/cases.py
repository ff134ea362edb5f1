"""Engine test cases for the Helm oracle: (name, template, values YAML).

Only Go's builtin functions are used (the engine has no Sprig); every
construct of the language is covered: text and trimming, literals and
printing of every value kind, printf verbs, comparisons, variables and
scope, control structures, templates, break/continue, and errors.
"""

VALUES = """
int: 3
neg: -7
zero: 0
float: 1.10
whole: 3.0
million: 1000000
big: 1234567
six: 123456
small: 0.0001
tiny: 0.00001
huge: 1e21
bigint: 12345678901234567890
half: 2.5
str: hello
empty: ""
numstr: "42"
spaces: "  a b  "
special: "a<b>&'\\"c"
unicode: "héllo wörld ☺"
tab: "a\\tb\\nc"
t: true
f: false
nul: null
list: [a, b, c]
nums: [1, 2, 3]
mixed: [1, "two", 3.5, true, null, [x], {k: v}]
emptylist: []
emptymap: {}
map:
  b: 2
  a: 1
  c: [1, 2]
nested:
  inner:
    deep: value
    n: 5
  list:
    - name: first
      port: 80
    - name: second
      port: 443
keys:
  "B": upper
  "a": lower
  "_": under
  "10": ten
  "9": nine
"""

CASES = []


def case(name, template, values=VALUES):
    CASES.append((name, template, values))


# --- text and trimming -------------------------------------------------------
case("text/plain", "hello world\n")
case("text/empty", "")
case("text/only-space", "  \n\t\n")
case("text/unicode", "héllo ☺ 日本\n")
case("trim/left", "a  \n\t {{- 1 }}")
case("trim/right", "{{ 1 -}} \n\n  b")
case("trim/both", "a \n {{- 1 -}} \n b")
case("trim/crlf", "a\r\n\r\n{{- 1 -}}\r\n\r\nb")
case("trim/comment", "a  {{- /* c */ -}}  b")
case("trim/comment-left", "a  {{- /* c */}}  b")
case("trim/comment-right", "a  {{/* c */ -}}  b")
case("trim/multiline-comment", "a\n{{- /* line1\nline2 */ -}}\nb")
case("trim/negative-number", "a {{-3}} b")
case("trim/minus-space", "a {{- -3}} b")
case("trim/in-range", "{{- range .Values.list }}\n  - {{ . }}\n{{- end }}\n")
case("trim/if-lines", "x:\n  {{- if true }}\n  y: 1\n  {{- end }}\nz: 2\n")
case("trim/tabs-only", "a\t\t{{- 1 -}}\t\tb")
case("trim/no-space-after-dash", "{{-1}}")
case("trim/define", '{{- define "x" -}}\n  X\n{{- end -}}\n[{{ template "x" }}]')
case("comment/plain", "a{{/* comment */}}b")
case("comment/multiline", "a{{/*\nline\n*/}}b")
case("comment/with-delims", "a{{/* {{ .x }} */}}b")

# --- literals -----------------------------------------------------------------
for i, lit in enumerate([
    "1", "-1", "0", "+5", "007", "0x1F", "0X1f", "0o17", "0O17", "017", "0b101", "0B11",
    "1_000", "0x_1F", "1.5", "-1.5", ".5", "5.", "1e3", "1E3", "1e-3", "1.5e+10", "1e21",
    "1e20", "123456789.0", "0x1p4", "0x1.8p1", "'a'", "'\\n'", "'\\x41'", "'\\u00e9'", "'é'",
    "'\\''", "9223372036854775807", "-9223372036854775808", "1000000.0", "0.000001",
    "3.0", "2.50", "100.0", "1e6", "1e5", "1234567.0", "0.0", "-0.0",
]):
    case(f"literal/num-{i:02d}", "{{ " + lit + " }}|{{ printf \"%T\" " + lit + " }}")
case("literal/true", "{{ true }} {{ false }}")
case("literal/string", '{{ "a\\tb\\n\\"q\\" \\u00e9 \\x41 \\101 \\\\" }}')
case("literal/raw-string", "{{ `a\\tb \"q\"` }}")
case("literal/raw-multiline", "{{ `line1\nline2` }}")
case("literal/empty-string", '[{{ "" }}]')
case("literal/nil-command", "{{ nil }}")
case("literal/uint-overflow", "{{ 18446744073709551615 }}")
case("literal/int-overflow", "{{ 99999999999999999999 }}")
case("literal/bad-octal", "{{ 08 }}")
case("literal/bad-hex", "{{ 0x }}")
case("literal/bad-number", "{{ 3k }}")
case("literal/bad-underscore", "{{ 1__0 }}")
case("literal/bad-rune", "{{ 'ab' }}")
case("literal/empty-rune", "{{ '' }}")
case("literal/bad-escape", '{{ "\\z" }}')
case("literal/hex-float-no-exp", "{{ 0x1.8 }}")
case("literal/float-overflow", "{{ 1e400 }}")
case("literal/complex", "{{ 1i }}")
case("literal/dot-number", "{{ .5 }}")
case("literal/bool-field", "{{ true.x }}")

# --- printing values from YAML ------------------------------------------------
for key in ["int", "neg", "zero", "float", "whole", "million", "big", "six", "small", "tiny",
            "huge", "bigint", "half", "str", "empty", "numstr", "spaces", "special", "unicode",
            "tab", "t", "f", "nul", "list", "nums", "mixed", "emptylist", "emptymap", "map",
            "nested", "keys", "missing"]:
    case(f"print/{key}", "[{{ .Values." + key + " }}]")
    case(f"print-fn/{key}", "[{{ print .Values." + key + " }}]")
    case(f"type/{key}", "{{ printf \"%T\" .Values." + key + " }}")
case("print/values-type", '{{ printf "%T" .Values }}')
case("print/release-name", "{{ .Release.Name }} {{ .Release.Namespace }} {{ .Release.IsInstall }} {{ .Release.Revision }}")
case("print/release-types", '{{ printf "%T %T" .Release.Revision .Release.IsInstall }}')
case("print/template-name", "{{ .Template.Name }} {{ .Template.BasePath }}")
case("print/nested-list-field", "{{ (index .Values.nested.list 1).name }}")
case("print/deep", "{{ .Values.nested.inner.deep }} {{ .Values.nested.inner.n }}")
case("print/fields-on-map-keys", "{{ .Values.keys.B }} {{ .Values.keys._ }}")
case("print/multiple-actions", "{{ 1 }}{{ 2 }} {{ .Values.str }}{{ .Values.int }}")

# --- fields, missing keys, errors on access -------------------------------------
case("field/missing-chain", "{{ .Values.missing.x }}")
case("field/missing-chain-deep", "{{ .Values.missing.x.y }}")
case("field/null-chain", "{{ .Values.nul.x }}")
case("field/on-string", "{{ .Values.str.x }}")
case("field/on-int", "{{ .Values.int.x }}")
case("field/on-list", "{{ .Values.list.x }}")
case("field/on-bool", "{{ .Values.t.x }}")
case("field/on-var-string", "{{ $x := .Values.str }}{{ $x.y }}")
case("field/on-var-int", "{{ $x := 1 }}{{ $x.y }}")
case("field/on-var-nil", "{{ $x := .Values.missing }}[{{ $x.y }}]")
case("field/on-var-null", "{{ $x := .Values.nul }}[{{ $x.y }}]")
case("field/on-paren-string", "{{ (.Values.str).x }}")
case("field/on-paren-missing", "[{{ (.Values.missing).x }}]")
case("field/on-paren-map", "{{ (.Values.map).b }}")
case("field/on-with-string", "{{ with .Values.str }}{{ .x }}{{ end }}")
case("field/on-range-elem", "{{ range .Values.list }}{{ .x }}{{ end }}")
case("field/on-range-null", "{{ range .Values.mixed }}{{ .x }}{{ end }}")
case("field/with-args", '{{ .Values.str "a" }}')
case("field/map-key-with-args", '{{ .Values.map.b 1 }}')
case("field/pipe-into-field", '{{ 1 | .Values.map.b }}')
case("field/dollar", "{{ $.Values.str }}")
case("field/dollar-in-range", "{{ range .Values.list }}{{ $.Values.int }}{{ end }}")
case("field/var-field", "{{ $m := .Values.map }}{{ $m.a }}-{{ $m.missing }}")
case("field/var-field-chain", "{{ $n := .Values.nested }}{{ $n.inner.deep }}")
case("field/paren-chain", "{{ (.Values.nested).inner.deep }}")
case("field/dot-in-with", "{{ with .Values.nested }}{{ .inner.n }}{{ end }}")
case("field/missing-in-with", "{{ with .Values.nested }}[{{ .nothere }}]{{ end }}")
case("field/chain-on-nil-literal-paren", "{{ (nil).x }}")
case("field/number-key", "{{ .Values.keys.10 }}")

# --- variables and scope --------------------------------------------------------
case("var/declare", "{{ $x := 1 }}{{ $x }}")
case("var/declare-no-output", "a{{ $x := 1 }}b")
case("var/assign", "{{ $x := 1 }}{{ $x = 2 }}{{ $x }}")
case("var/assign-in-if", "{{ $x := 1 }}{{ if true }}{{ $x = 2 }}{{ end }}{{ $x }}")
case("var/declare-in-if", "{{ $x := 1 }}{{ if true }}{{ $x := 2 }}{{ $x }}{{ end }}{{ $x }}")
case("var/assign-in-range", "{{ $s := 0 }}{{ range .Values.nums }}{{ $s = . }}{{ end }}{{ $s }}")
case("var/assign-in-with", "{{ $x := \"a\" }}{{ with .Values.str }}{{ $x = . }}{{ end }}{{ $x }}")
case("var/if-decl", "{{ if $x := .Values.str }}{{ $x }}{{ end }}")
case("var/with-decl", "{{ with $x := .Values.map }}{{ $x.a }}{{ end }}")
case("var/scope-end", "{{ if true }}{{ $y := 1 }}{{ end }}{{ $y }}")
case("var/undefined", "{{ $nope }}")
case("var/assign-undefined", "{{ $nope = 1 }}")
case("var/dollar", "{{ $ | printf \"%T\" }}")
case("var/pipe-decl", "{{ $x := .Values.str | printf \"%s!\" }}{{ $x }}")
case("var/multiple", "{{ $a := 1 }}{{ $b := 2 }}{{ $a }}{{ $b }}")
case("var/shadow-in-range", "{{ $x := 0 }}{{ range $x := .Values.list }}{{ $x }}{{ end }}{{ $x }}")
case("var/no-args", "{{ $x := 1 }}{{ $x 2 }}")
case("var/pipe-to-var", "{{ $x := 1 }}{{ 2 | $x }}")
case("var/dollar-reassign", "{{ $ = 1 }}{{ $ }}")
case("var/range-assign-form", "{{ $i := 0 }}{{ $v := 0 }}{{ range $i, $v = .Values.list }}{{ end }}{{ $i }}{{ $v }}")
case("var/range-assign-one", "{{ $v := 0 }}{{ range $v = .Values.list }}{{ end }}{{ $v }}")
case("var/too-many-decl", "{{ $a, $b := 1 }}")

# --- if / with / else ----------------------------------------------------------
for v in ["int", "zero", "str", "empty", "t", "f", "nul", "missing", "list", "emptylist",
          "map", "emptymap", "float", "whole"]:
    case(f"if/{v}", "{{ if .Values." + v + " }}yes{{ else }}no{{ end }}")
    case(f"with/{v}", "{{ with .Values." + v + " }}[{{ . }}]{{ else }}none{{ end }}")
case("if/else-if", "{{ if .Values.f }}a{{ else if .Values.zero }}b{{ else if .Values.str }}c{{ else }}d{{ end }}")
case("if/else-if-none", "{{ if false }}a{{ else if false }}b{{ end }}.")
case("if/nested", "{{ if true }}{{ if false }}x{{ else }}y{{ end }}{{ end }}")
case("with/else-with", "{{ with .Values.missing }}a{{ else with .Values.str }}{{ . }}{{ else }}c{{ end }}")
case("with/else-with-none", "{{ with .Values.missing }}a{{ else with .Values.empty }}b{{ else }}c{{ end }}")
case("if/literal-zero-float", "{{ if 0.0 }}y{{ else }}n{{ end }}")
case("if/missing-value", "{{ if }}x{{ end }}")
case("if/unclosed", "{{ if true }}x")
case("if/else-twice", "{{ if true }}a{{ else }}b{{ else }}c{{ end }}")
case("if/else-with-in-if", "{{ if false }}a{{ else with 1 }}b{{ end }}")
case("if/pipeline", '{{ if .Values.str | printf "%s" }}y{{ end }}')
case("if/not", "{{ if not .Values.missing }}missing{{ end }}")

# --- range -------------------------------------------------------------------------
case("range/list", "{{ range .Values.list }}[{{ . }}]{{ end }}")
case("range/list-index", "{{ range $i, $v := .Values.list }}{{ $i }}={{ $v }} {{ end }}")
case("range/list-one-var", "{{ range $v := .Values.list }}{{ $v }}{{ end }}")
case("range/map", "{{ range $k, $v := .Values.map }}{{ $k }}={{ $v }};{{ end }}")
case("range/map-values", "{{ range .Values.map }}{{ . }};{{ end }}")
case("range/map-key-order", "{{ range $k, $v := .Values.keys }}{{ $k }} {{ end }}")
case("range/int", "{{ range 5 }}{{ . }}{{ end }}")
case("range/int-var", "{{ range $i := 3 }}{{ $i }}{{ end }}")
case("range/int-two-vars", "{{ range $i, $v := 3 }}{{ $i }}{{ end }}")
case("range/int-zero", "{{ range 0 }}x{{ else }}empty{{ end }}")
case("range/int-negative", "{{ range -2 }}x{{ else }}empty{{ end }}")
case("range/float", "{{ range .Values.int }}x{{ end }}")
case("range/float-literal", "{{ range 2.5 }}x{{ end }}")
case("range/string", "{{ range .Values.str }}x{{ end }}")
case("range/bool", "{{ range true }}x{{ end }}")
case("range/nil", "{{ range .Values.nul }}x{{ else }}none{{ end }}")
case("range/missing", "{{ range .Values.missing }}x{{ else }}none{{ end }}")
case("range/empty-list", "{{ range .Values.emptylist }}x{{ else }}none{{ end }}")
case("range/empty-map", "{{ range .Values.emptymap }}x{{ else }}none{{ end }}")
case("range/break", "{{ range .Values.nums }}{{ if eq . 2.0 }}{{ break }}{{ end }}{{ . }}{{ end }}")
case("range/continue", "{{ range .Values.nums }}{{ if eq . 2.0 }}{{ continue }}{{ end }}{{ . }}{{ end }}")
case("range/break-nested", "{{ range .Values.list }}{{ range $.Values.nums }}{{ break }}{{ end }}{{ . }}{{ end }}")
case("range/continue-in-with", "{{ range .Values.list }}{{ with . }}{{ continue }}{{ end }}x{{ end }}done")
case("range/break-outside", "{{ break }}")
case("range/continue-outside", "{{ if true }}{{ continue }}{{ end }}")
case("range/break-in-else", "{{ range .Values.list }}{{ else }}{{ break }}{{ end }}")
case("range/nested", "{{ range .Values.nested.list }}{{ .name }}:{{ range $.Values.list }}{{ . }}{{ end }} {{ end }}")
case("range/dot-restored", "{{ range .Values.list }}{{ end }}{{ .Values.str }}")
case("range/mixed", "{{ range .Values.mixed }}<{{ . }}>{{ end }}")
case("range/vars-scope", "{{ range $i, $v := .Values.list }}{{ end }}{{ $i }}")
case("range/decl-value", "{{ range $x := .Values.list }}{{ end }}")
case("range/three-vars", "{{ range $a, $b, $c := .Values.list }}{{ end }}")
case("range/non-var-second", "{{ range $a, 1 }}{{ end }}")
case("range/int-type", '{{ range $i, $v := .Values.list }}{{ printf "%T" $i }}{{ end }}')
case("range/int-elem-type", '{{ range 2 }}{{ printf "%T" . }}{{ end }}')
case("range/pipeline", '{{ range $k, $v := .Values.map | printf "%v" | print }}{{ end }}')
case("range/list-of-lists", "{{ range .Values.mixed }}{{ if eq (printf \"%T\" .) \"[]interface {}\" }}{{ index . 0 }}{{ end }}{{ end }}")

# --- define / template / block -------------------------------------------------------
case("tmpl/define-call", '{{ define "x" }}X{{ . }}{{ end }}[{{ template "x" 1 }}]')
case("tmpl/no-pipeline", '{{ define "x" }}[{{ . }}]{{ end }}{{ template "x" }}')
case("tmpl/dollar", '{{ define "x" }}{{ $ }}{{ end }}{{ template "x" "arg" }}')
case("tmpl/dollar-field", '{{ define "x" }}{{ $.a }}{{ end }}{{ template "x" .Values.map }}')
case("tmpl/no-vars-inherited", '{{ define "x" }}{{ $y }}{{ end }}{{ $y := 1 }}{{ template "x" }}')
case("tmpl/not-defined", '{{ template "nope" }}')
case("tmpl/redefine-later-wins", '{{ define "x" }}1{{ end }}{{ template "x" }}')
case("tmpl/multiple-definition", '{{ define "x" }}1{{ end }}{{ define "x" }}2{{ end }}')
case("tmpl/empty-redefine", '{{ define "x" }}1{{ end }}{{ define "x" }} {{ end }}{{ template "x" }}')
case("tmpl/block", '{{ block "b" .Values.str }}[{{ . }}]{{ end }}')
case("tmpl/block-then-define", '{{ block "b" . }}default{{ end }}')
case("tmpl/nested-define", '{{ define "a" }}A{{ template "b" . }}{{ end }}{{ define "b" }}B{{ . }}{{ end }}{{ template "a" 7 }}')
case("tmpl/recursion", '{{ define "r" }}{{ .n }}{{ with .next }}{{ template "r" . }}{{ end }}{{ end }}{{ template "r" .Values.chain }}',
     "chain: {n: 1, next: {n: 2, next: {n: 3, next: {n: 4}}}}")
case("tmpl/error-inside", '{{ define "e" }}\n  {{ .x.y }}{{ end }}{{ template "e" .Values }}')
case("tmpl/define-not-top", '{{ if true }}{{ define "x" }}{{ end }}{{ end }}')
case("tmpl/define-bad-name", '{{ define x }}{{ end }}')
case("tmpl/template-bad-name", '{{ template x }}')
case("tmpl/define-unclosed", '{{ define "x" }}abc')
case("tmpl/define-else", '{{ define "x" }}a{{ else }}b{{ end }}')
case("tmpl/template-pipe-vars-persist", '{{ define "x" }}{{ . }}{{ end }}{{ template "x" $v := 5 }}{{ $v }}')
case("tmpl/raw-name", '{{ define `x y` }}sp{{ end }}{{ template `x y` }}')
case("tmpl/block-else", '{{ block "b" . }}x{{ else }}y{{ end }}')
case("tmpl/break-in-define", '{{ define "x" }}{{ break }}{{ end }}')
case("tmpl/template-in-range-break", '{{ define "x" }}{{ . }}{{ end }}{{ range .Values.list }}{{ template "x" . }}{{ end }}')

# --- and / or / not -------------------------------------------------------------------
for expr in ["and 1 0", "and 1 2", "and 0 1", "and .Values.str .Values.int", "and .Values.empty .Values.int",
             "or 0 1", "or 0 \"\"", "or .Values.missing .Values.str", "or .Values.missing .Values.nul",
             "and .Values.missing 1", "or 1 .Values.missing.x", "and 0 .Values.missing.x",
             "and 1 .Values.missing.x", "not 0", "not 1", "not .Values.missing", "not .Values.list",
             "not .Values.emptymap", "and", "not", "not 1 2", "and 1", "or nil 2", "and 1 nil",
             "or .Values.list .Values.map", "1 | and 2", "0 | and 2", "0 | or 2", "0 | or 0"]:
    case("logic/" + expr.replace(" ", "_").replace('"', "q"), "[{{ " + expr + " }}]")
case("logic/and-type", '{{ printf "%T" (and 1 2.5) }}')
case("logic/or-returns-list", "{{ or .Values.emptylist .Values.list }}")

# --- len / index / slice -----------------------------------------------------------------
for expr in ["len .Values.str", "len .Values.list", "len .Values.map", "len .Values.emptylist",
             "len .Values.unicode", "len \"\"", "len .Values.int", "len 3", "len nil",
             "len .Values.missing", "len .Values.nul", "len .Values.t", "len", "len 1 2",
             "index .Values.list 0", "index .Values.list 2", "index .Values.list 3",
             "index .Values.list 4", "index .Values.list -1", "index .Values.map \"a\"",
             "index .Values.map \"zz\"", "index .Values.map 1", "index .Values.map nil",
             "index .Values.nested \"list\" 1 \"name\"", "index .Values.str 1", "index .Values.str 5",
             "index .Values.str 9", "index .Values.missing 0", "index .Values.nul \"a\"",
             "index .Values.int 0", "index .Values.list 1.0", "index .Values.list .Values.int",
             "index .Values.list nil", "index .Values.list \"0\"", "index .Values.list",
             "index .Values.nested.list 0 \"port\"", "index .Values.mixed 4", "index .Values.mixed 4 0",
             "index .Values.map.c 1", "index nil 1", "index .Values.list 0 0",
             ]:
    case("builtin/" + expr.replace(" ", "_").replace('"', "q"), "[{{ " + expr + " }}]")
case("builtin/index-type", '{{ printf "%T" (index .Values.str 0) }}')
case("builtin/len-type", '{{ printf "%T" (len .Values.list) }}')
case("builtin/index-missing-field", "[{{ (index .Values.map \"zz\").x }}]")

# --- comparisons ---------------------------------------------------------------------------
for expr in ["eq 1 1", "eq 1 2", "eq 1 2 3 1", "eq .Values.int 3", "eq .Values.int 3.0",
             "eq .Values.str \"hello\"", "eq .Values.str \"x\" \"hello\"", "eq .Values.t true",
             "eq nil nil", "eq .Values.nul nil", "eq .Values.missing nil", "eq nil 1", "eq 1 nil",
             "eq .Values.list .Values.list", "eq .Values.map .Values.map", "eq .Values.list 1",
             "eq .Values.list nil", "eq .Values.map .Values.list", "eq 1", "eq", "eq \"a\" 1",
             "eq 1.5 1.5", "eq 'a' 97", "eq .Values.missing .Values.nul", "eq .Values.int 1 2 3.0",
             "eq .Values.str 1", "ne 1 2", "ne 1 1", "ne .Values.int 3.0", "ne .Values.int 3",
             "ne 1", "ne 1 2 3", "ne nil nil", "ne .Values.list .Values.list",
             "lt 1 2", "lt 2 1", "lt 1.5 2.5", "lt \"a\" \"b\"", "lt \"b\" \"a\"", "lt .Values.int 4.0",
             "lt .Values.int 4", "lt true false", "lt nil 1", "lt 1 nil", "lt .Values.list .Values.list",
             "lt \"B\" \"a\"", "le 1 1", "le 2 1", "le \"a\" \"a\"", "le .Values.int 3", "gt 2 1",
             "gt 1 2", "gt 1 1", "gt \"b\" \"a\"", "gt .Values.int 3.0", "ge 1 1", "ge 0 1",
             "ge .Values.float 1.1", "ge 1 .Values.float", "lt 1", "lt 1 2 3", "gt nil nil",
             "le .Values.missing 1", "eq .Values.float 1.1", "eq .Values.whole 3.0", "eq .Values.huge 1e21",
             "eq \"\" .Values.empty", "eq (len .Values.list) 3", "lt (len .Values.list) 4",
             "eq .Values.t 1", "eq .Values.mixed .Values.mixed"]:
    case("cmp/" + expr.replace(" ", "_").replace('"', "q"), "[{{ " + expr + " }}]")

# --- print / println / html / js / urlquery -------------------------------------------------
for expr in ["print", "print 1 2", "print \"a\" \"b\"", "print 1 \"b\" 2", "print \"a\" 1 2 \"b\"",
             "print nil", "print nil nil", "print .Values.missing", "print .Values.nul 1",
             "print .Values.list .Values.map", "print .Values.float .Values.str .Values.int",
             "print true false", "print 1.5 2", "println", "println 1 2", "println \"a\" \"b\"",
             "println nil", "html \"<a href='x'>&</a>\"", "html .Values.special", "html 1 2",
             "html nil", "html .Values.missing", "html \"a\" nil", "html .Values.list",
             "js \"a'b\\\"c\\\\d<e>f&g=h\"", "js .Values.special", "js .Values.unicode", "js .Values.tab",
             "js 1 \"x\"", "js nil", "urlquery \"a b&c=d/é?\"", "urlquery .Values.special",
             "urlquery 1 2", "urlquery nil", "urlquery .Values.unicode", "call 1", "call nil",
             "call .Values.str", "call"]:
    case("fn/" + expr.replace(" ", "_").replace('"', "q").replace("\\", "bs"), "[{{ " + expr + " }}]")

# --- printf --------------------------------------------------------------------------------
PRINTF = [
    ('"%d" 42', None), ('"%5d|%-5d|%05d" 42 42 42', None), ('"%+d % d" 42 42', None),
    ('"%x %X %o %O %b" 255 255 8 8 5', None), ('"%#x %#X %#o %#b" 255 255 8 5', None),
    ('"%c%c" 72 105', None), ('"%q" 65', None), ('"%U %#U" 9731 9731', None),
    ('"%d" -0x10', None), ('"%08.3d" 7', None), ('"%.0d|" 0', None), ('"%3.0d|" 0', None),
    ('"%d" .Values.int', None), ('"%d" .Values.str', None), ('"%s" .Values.int', None),
    ('"%v" .Values.int', None), ('"%f" .Values.int', None), ('"%.2f" .Values.float', None),
    ('"%e" .Values.big', None), ('"%E" .Values.tiny', None), ('"%g" .Values.million', None),
    ('"%G" .Values.tiny', None), ('"%.3g" .Values.big', None), ('"%10.3f|" .Values.half', None),
    ('"%-10.3f|" .Values.half', None), ('"%+.1f" .Values.half', None), ('"%08.2f" -3.14159', None),
    ('"%.0f %.0f %.0f" 0.5 1.5 2.5', None), ('"%.1f" 0.05', None), ('"%.2f" 1.005', None),
    ('"%F" 1.5', None), ('"%#g %#.3g" 1.0 2.0', None), ('"%x" 1.5', None), ('"%X" -0.125', None),
    ('"%b" 1.0', None), ('"%.3e" 123456.789', None), ('"%g" 1e-7', None), ('"%g" 100000.0', None),
    ('"%v %v %v" 1e20 1e21 1e-5', None), ('"%6.2f%%" 99.5', None), ('"% .2f" 1.0', None),
    ('"%s" "x"', None), ('"%10s|%-10s|" "ab" "cd"', None), ('"%.2s" "abc"', None),
    ('"%.1s" .Values.unicode', None), ('"%5.1s|" "xyz"', None), ('"%05s" "ab"', None),
    ('"%-05s|" "ab"', None), ('"%q" "a\\"b"', None), ('"%q" .Values.unicode', None),
    ('"%+q" .Values.unicode', None), ('"%#q" "ab"', None), ('"%#q" "a`b"', None), ('"%q" .Values.tab', None),
    ('"%x" "hi"', None), ('"%X" .Values.unicode', None), ('"% x" "abc"', None), ('"%# x" "abc"', None),
    ('"%#x" "abc"', None), ('"%8x|" "ab"', None), ('"%.1x" "abc"', None),
    ('"%t %t" true false', None), ('"%t" 1', None), ('"%v" true', None), ('"%5t|" true', None),
    ('"%v" .Values.list', None), ('"%v" .Values.map', None), ('"%+v" .Values.map', None),
    ('"%#v" .Values.map', None), ('"%#v" .Values.list', None), ('"%#v" .Values.mixed', None),
    ('"%#v" .Values.str', None), ('"%#v" .Values.float', None), ('"%#v" 42', None),
    ('"%#v" .Values.nul', None), ('"%d" .Values.nums', None), ('"%s" .Values.list', None),
    ('"%q" .Values.list', None), ('"%x" .Values.list', None), ('"%d" .Values.map', None),
    ('"%s" .Values.mixed', None), ('"%v" .Values.nested', None), ('"%T" .Values.nested.list', None),
    ('"%v" nil', None), ('"%d" nil', None), ('"%s" nil', None), ('"%T" nil', None), ('"%v" .Values.missing', None),
    ('"%s" .Values.missing', None), ('"%s" .Values.nul', None),
    ('"%d %d" 1', None), ('"%d" 1 2', None), ('"%d" 1 "a" nil', None), ('"%s"', None),
    ('"%!"', None), ('"%"', None), ('"%-"', None), ('"%z" 1', None), ('"%z" "s"', None),
    ('"%[2]d %[1]d" 1 2', None), ('"%[3]d" 1 2', None), ('"%[0]d" 1', None), ('"%[x]d" 1', None),
    ('"%[1]d %d" 1 2', None), ('"%[2]*[1]d|" 3 6', None), ('"%*d|" 5 3', None), ('"%-*d|" 5 3', None),
    ('"%*d|" -5 3', None), ('"%.*f" 2 3.14159', None), ('"%*d" "x" 3', None), ('"%.*d" -1 3', None),
    ('"%*d" .Values.int 3', None), ('"%[1]d %[1]x %[1]o" 64', None), ('"%5.2v|" 3.14159', None),
    ('"%v" .Values.huge', None), ('"%d" .Values.bigint', None), ('"%v" .Values.bigint', None),
    ('"%.0f" .Values.bigint', None), ('"%e" 0.0', None), ('"%g" 0.0', None), ('"%v" -0.0', None),
    ('"%s %s" "a"', None), ('"%%d %d" 1', None), ('"%3c|" 65', None), ('"%-3c|" 65', None),
    ('"%c" -1', None), ('"%c" 1114112', None), ('"%q" -1', None), ('"%U" -1', None),
    ('"%.5d" -42', None), ('"%+.3d" 7', None), ('"% 05d" 42', None), ('"%+05d" -42', None),
    ('"%010.4f|" 3.14159', None), ('"%+010.4f|" 3.14159', None), ('"%-+10.2f|" 3.14159', None),
    ('"%6.3v|" "abcdef"', None), ('"%5v|%-5v|" 1 2', None), ('"%05v" 42', None), ('"%05v" "ab"', None),
    ('"%v %v" .Values.t .Values.f', None), ('"%s" .Values.t', None), ('"%d" .Values.t', None),
    ('"%q" .Values.map', None), ('"%x" .Values.nums', None), ('"%5d|" .Values.nums', None),
    ('"%T %T %T" 1 "a" 1.5', None), ('"%T" .Values.list', None), ('"%T" .Values.emptymap', None),
    ('"%10T|" 1', None), ('"%-10T|" "x"', None), ('"%p" 1', None), ('"%d" (len .Values.list)', None),
    ('"%s" (print 1 2)', None),
    ('"%d" 9223372036854775807', None), ('"%x" -1', None), ('"%o" -8', None), ('"%b" -5', None),
    ('"%.3x" 5', None), ('"%#.3x" 5', None), ('"%#o" 0', None), ('"%#x" 0', None),
    ('"%e" 1e100', None), ('"%.10g" 0.1', None), ('"%.20f" 0.1', None), ('"%.17g" 0.1', None),
    ('"%g" 5e-324', None), ('"%v" 1.7976931348623157e308', None), ('"%.3e" 9.9995', None),
    ('"%.2e" 1.235', None), ('"%G" 1e-10', None), ('"%.0e" 5.5', None), ('"%#.0e" 5.5', None),
    ('"%#.0f" 5.5', None), ('"%#v" 1.0', None), ('"%#v" 1e21', None), ('"%+v" 1', None),
    ('"%+v" .Values.list', None), ('"% v" 1', None), ('"%#d" 1', None),
    ('3', None), ('.Values.int', None), ('.Values.missing', None), ('nil', None),
]
for i, (args, _) in enumerate(PRINTF):
    case(f"printf/{i:03d}", "[{{ printf " + args + " }}]")
case("printf/pipe", '{{ .Values.str | printf "%s-%s" "x" }}')
case("printf/pipe-format", '{{ "%d!" | printf }}')
case("printf/non-string-format", "{{ printf 1 }}")

# --- pipelines -----------------------------------------------------------------------------
case("pipe/chain", '{{ .Values.str | printf "%s!" | printf "<%s>" }}')
case("pipe/final-arg", '{{ 3 | printf "%d-%d" 1 2 }}')
case("pipe/into-paren", '{{ (1 | printf "%d") }}')
case("pipe/paren-args", '{{ printf "%d %s" (len .Values.list) (print "x") }}')
# Helm replaces Go's `slice` builtin with Sprig's, so `slice` is tested in
# the engine's unit tests only.
case("pipe/nested-paren", '{{ ((("x"))) }}')
case("pipe/non-executable", '{{ 1 | 2 }}')
case("pipe/non-executable-string", '{{ .Values.str | "x" }}')
case("pipe/dot-stage", '{{ 1 | . }}')
case("pipe/into-var", '{{ $x := 1 }}{{ 1 | $x }}')
case("pipe/into-paren-arg", '{{ 1 | (printf "%d") }}')
case("pipe/into-literal-cmd", '{{ 1 | printf "%d" | len }}')
case("pipe/paren-chain-field", "{{ (index .Values.nested.list 0).port }}")
case("pipe/empty-paren", "{{ () }}")
case("pipe/paren-with-decl", "{{ ($x := 1) }}{{ $x }}")
case("pipe/deep-parens", "{{ " + "(" * 50 + "1" + ")" * 50 + " }}")

# --- lexing and parse errors ------------------------------------------------------------------
for i, text in enumerate([
    "{{", "{{ .x", "a\n{{ .x\nb", "{{ .x }", "{{ }}", "{{ | }}", "{{ end }}", "{{ else }}",
    "{{ if true }}", "{{ range }}{{ end }}", "{{ with }}{{ end }}", "{{ nope }}", "{{ nope 1 }}",
    "{{ .x | nope }}", "{{ \"unterminated }}", "{{ `unterminated }}", "{{ 'x }}", "{{ (1 }}",
    "{{ 1) }}", "{{ .x. }}", "{{ .x€ }}", "{{ € }}", "{{ $x€ }}", "{{ \x01 }}", "{{ printf 1, 2 }}",
    "{{ @ }}", "{{ .x := 1 }}", "{{ 1 := 2 }}", "{{ $x := }}", "{{ $x :== 1 }}", "{{ $x : 1 }}",
    "{{/* unclosed comment }}", "{{/* c */ x }}", "line1\nline2\n{{ end }}", "{{ if true }}\n\n{{ else }}\n{{ else }}{{ end }}",
    "{{ range $i, $v := . }}\n{{ end }}\n{{ $i }}", "{{ template }}", "{{ template \"x\" 1 2 | }}",
    "{{ define \"a\" }}{{ define \"b\" }}{{ end }}{{ end }}", "{{ block }}", "{{ block \"b\" }}{{ end }}",
    "{{ .x | 1 }}", "{{ break 1 }}", "{{ range . }}{{ continue 2 }}{{ end }}", "{{ else if }}",
    "{{ if true }}{{ else if }}{{ end }}", "{{ with $x, $y := . }}{{ end }}", "{{ (nil).x }}",
    "{{ 1.x }}", "{{ \"s\".x }}", "{{ $.x.y }}", "{{ .x.y z }}", "{{- -}}", "{{ -}}", "{{ - }}",
    "{{ if true }}x{{ end }}{{ end }}", "{{ $ := 1 }}", "a\n\n{{ $x := 1\n}}\n{{ $y }}",
    "{{ ( }}", "{{ ) }}", "{{ .x (1 }}", "{{ 0x1.8 }}", "{{ \"\\q\" }}", "{{ 1 2 3 }}x{{ .y.z", 
]):
    case(f"parse/{i:03d}", text)

# --- execution errors and their positions -------------------------------------------------
case("err/position-line2", "line1\n  {{ .Values.missing.x }}")
case("err/position-in-define", '{{ define "d" }}\n\n   {{ .x.y }}{{ end }}{{ template "d" .Values }}')
case("err/context-long", '{{ printf "%s %s %s" .Values.str .Values.str .Values.missing.deep.er }}')
case("err/nil-is-not-a-command", "{{ nil }}")
case("err/non-function", "{{ 1 2 }}")
case("err/non-function-string", '{{ "a" "b" }}')
case("err/non-function-dot", "{{ . 1 }}")
case("err/non-function-paren", "{{ (1) 2 }}")
case("err/non-function-bool", "{{ true 1 }}")
case("err/wrong-args-len", "{{ len 1 2 }}")
case("err/wrong-args-not", "{{ not }}")
case("err/wrong-args-ne", "{{ ne 1 }}")
case("err/wrong-args-printf", "{{ printf }}")
case("err/wrong-type-printf", "{{ printf .Values.int }}")
case("err/wrong-type-printf-nil", "{{ printf .Values.missing }}")
case("err/wrong-type-printf-null", "{{ printf nil }}")
case("err/wrong-type-printf-list", "{{ printf .Values.list }}")
case("err/int-vs-float", "{{ eq .Values.int 3 }}")
case("err/in-if", "{{ if eq .Values.int 3 }}x{{ end }}")
case("err/in-range-pipe", "{{ range .Values.missing.x }}{{ end }}")
case("err/in-with", "{{ with .Values.str.x }}{{ end }}")
case("err/in-template-pipe", '{{ define "t" }}{{ end }}{{ template "t" .Values.str.x }}')
case("err/after-output", "partial output {{ .Values.nul.x }}")
case("err/undefined-var-exec", "{{ $x := 1 }}{{ $x }}")
case("err/chain-error-middle", "{{ .Values.nested.missing.deep }}")
case("err/method-on-map", '{{ .Values.map.b "arg" }}')
case("err/len-in-arg", "{{ printf \"%d\" (len 3) }}")
case("err/index-error-in-pipe", "{{ index .Values.list 10 | print }}")

# --- whitespace / output shape ---------------------------------------------------------------------
case("shape/yaml-doc", "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {{ .Release.Name }}-cm\ndata:\n{{- range $k, $v := .Values.map }}\n  {{ $k }}: {{ $v | print | printf \"%q\" }}\n{{- end }}\n")
case("shape/no-value-erased", "a: {{ .Values.missing }}\nb: {{ .Values.nul }}\nc: <no value>\n")
case("shape/list-items", "items:\n{{- range .Values.nested.list }}\n- name: {{ .name }}\n  port: {{ .port }}\n{{- end }}\n")
case("shape/nested-control", "{{ range $i, $e := .Values.nested.list }}{{ if $i }},{{ end }}{{ with $e }}{{ .name }}{{ end }}{{ end }}")

# --- objects (Go structs with methods): .Capabilities ---------------------------------------
case("obj/has", '{{ .Capabilities.APIVersions.Has "apps/v1" }} {{ .Capabilities.APIVersions.Has "nope/v9" }}')
case("obj/has-in-if", '{{ if .Capabilities.APIVersions.Has "batch/v1" }}batch{{ end }}')
case("obj/has-no-args", "{{ .Capabilities.APIVersions.Has }}")
case("obj/has-two-args", '{{ .Capabilities.APIVersions.Has "a" "b" }}')
case("obj/has-int-arg", "{{ .Capabilities.APIVersions.Has 1 }}")
case("obj/has-float-arg", "{{ .Capabilities.APIVersions.Has .Values.int }}")
case("obj/has-nil-arg", "{{ .Capabilities.APIVersions.Has nil }}")
case("obj/has-missing-arg", "{{ .Capabilities.APIVersions.Has .Values.missing }}")
case("obj/has-piped", '{{ "v1" | .Capabilities.APIVersions.Has }}')
case("obj/has-chain-after", '{{ .Capabilities.APIVersions.Has.x }}')
case("obj/struct-field", "{{ .Capabilities.KubeVersion.Version }} {{ .Capabilities.KubeVersion.Major }}.{{ .Capabilities.KubeVersion.Minor }}")
case("obj/missing-field", "{{ .Capabilities.Nope }}")
case("obj/missing-field-nested", "{{ .Capabilities.KubeVersion.Nope }}")
case("obj/field-with-args", "{{ .Capabilities.KubeVersion.Version 1 }}")
case("obj/type", '{{ printf "%T %T" .Capabilities .Capabilities.KubeVersion }}')
case("obj/with", "{{ with .Capabilities.KubeVersion }}{{ .Major }}{{ end }}")
case("obj/truth", "{{ if .Capabilities }}yes{{ end }}")
case("obj/eq-string", '{{ eq .Capabilities.KubeVersion.Major "1" }}')
case("obj/field-of-release-string", "{{ .Release.Name.x }}")

# --- realistic chart fragments (builtins only) ------------------------------------------------
case("chart/labels", '{{- define "labels" -}}\napp: {{ .Release.Name }}\n{{- range $k, $v := .Values.map }}\n{{ $k }}: {{ $v | print | printf "%q" }}\n{{- end }}\n{{- end -}}\nmetadata:\n  labels:\n    {{- template "labels" . }}\n')
case("chart/ports", 'ports:\n{{- range .Values.nested.list }}\n  - name: {{ .name }}\n    containerPort: {{ .port }}\n    {{- if eq .name "second" }}\n    protocol: TCP\n    {{- end }}\n{{- end }}\n')
case("chart/conditional-block", '{{- if and .Values.t (not .Values.f) }}\nenabled: true\n{{- else }}\nenabled: false\n{{- end }}\n')
case("chart/image-noprint", 'image: "{{ .Values.repo }}:{{ .Values.tag }}"', "repo: nginx\ntag: 1.25\n")
case("chart/image-float-tag", 'image: {{ .Values.image.repository }}:{{ .Values.image.tag }}', "image:\n  repository: busybox\n  tag: 1.30\n")
case("chart/image-int-tag", 'image: {{ .Values.image.repository }}:{{ .Values.image.tag }}', "image:\n  repository: busybox\n  tag: 20240101\n")
case("chart/image-bigint-tag", 'image: {{ .Values.image.repository }}:{{ .Values.image.tag }}', "image:\n  repository: busybox\n  tag: 202401011230\n")
case("chart/env-list", 'env:\n{{- range $name, $value := .Values.env }}\n  - name: {{ $name }}\n    value: {{ printf "%v" $value | printf "%q" }}\n{{- end }}', "env:\n  B: 2\n  A: yes\n  C: 1.5e3\n  D: null\n")
case("chart/nested-with-dollar", '{{ with .Values.nested }}{{ with .inner }}{{ .deep }}-{{ $.Release.Name }}{{ end }}{{ end }}')
case("chart/index-hyphen-key", '{{ index .Values "my-key" }}', "my-key: dashed\n")
case("chart/dig-missing-index", '[{{ index .Values.a "b" }}]', "a: {}\n")
case("chart/replica-compare", '{{ if gt .Values.replicas 1.0 }}ha{{ else }}single{{ end }}', "replicas: 3\n")
case("chart/replica-compare-int", '{{ if gt .Values.replicas 1 }}ha{{ end }}', "replicas: 3\n")
case("chart/range-break-first", '{{ range $i, $v := .Values.list }}{{ if $i }}{{ break }}{{ end }}{{ $v }}{{ end }}')
case("chart/comment-header", '{{/*\nCopyright notice\n*/}}\napiVersion: v1\n')
case("chart/empty-output-if", '{{- if .Values.missing }}\nkind: X\n{{- end }}')
case("chart/yaml-anchors", '{{ .Values.b.x }} {{ .Values.c }}', "a: &anchor {x: 1}\nb: *anchor\nc: !!str 123\n")
case("chart/multiline-string", '{{ .Values.s }}', "s: |\n  line1\n  line2\n")
case("chart/folded-string", '[{{ .Values.s }}]', "s: >-\n  folded\n  text\n")
case("chart/octal-yaml", '{{ .Values.a }} {{ .Values.b }} {{ .Values.c }}', "a: 0755\nb: 0x1F\nc: 1_000\n")
case("chart/yaml-bools", '{{ .Values.a }} {{ .Values.b }} {{ .Values.c }}', "a: yes\nb: off\nc: 'yes'\n")
case("chart/yaml-special-floats", '{{ .Values.a }} {{ .Values.b }}', "a: 1e3\nb: -0.0\n")
case("chart/unicode-keys", '{{ index .Values "ключ" }} {{ .Values.ключ }}', "ключ: значение\n")

# --- unicode and byte positions ------------------------------------------------------------
case("uni/pad", '[{{ printf "%-7s|%7s|%.2s|%5.1s" .Values.unicode "é" "éèê" "日本" }}]')
case("uni/quote-controls", '{{ printf "%q" .Values.ctl }}', 'ctl: "\\u00a0\\u200b\\u2028\\u00ad\\x7f\\x01😀🫠\\ufeff"\n')
case("uni/ascii-quote", '{{ printf "%+q" .Values.ctl }}', 'ctl: "é😀\\u0001"\n')
case("uni/js", '{{ js .Values.ctl }}', 'ctl: "\\u2028\\u00a0é😀\\u0001\\u007f"\n')
case("uni/html", '{{ html .Values.ctl }}', 'ctl: "é<\\u0000>"\n')
case("uni/urlquery", '{{ urlquery .Values.ctl }}', 'ctl: "é ~*"\n')
case("uni/error-column", "é日本 {{ .Values.missing.x }}")
case("uni/error-column-line2", "x\n\té {{ .Values.missing.x }}")
case("uni/identifier", "{{ $é := 1 }}{{ $é }}")
case("uni/field", "{{ .Values.ключ }}", "ключ: v\n")
case("uni/len-bytes", "{{ len .Values.unicode }} {{ len \"日本\" }}")
case("uni/index-byte", "{{ index \"é\" 0 }} {{ index \"é\" 1 }}")
case("uni/printf-c", '{{ printf "%c%c%c" 26085 26412 0x1F600 }}')
case("uni/printf-U", '{{ printf "%U %#U %#U" 0x1F600 0x1F600 0xA0 }}')
case("uni/printf-x", '{{ printf "%x % X" "日" "日" }}')

# --- error positions in nested structures ------------------------------------------------------
case("pos/in-range", "{{ range .Values.list }}\n{{ .x }}{{ end }}")
case("pos/in-else", "{{ if false }}{{ else }}\n   {{ .Values.nul.x }}{{ end }}")
case("pos/in-nested-template", '{{ define "a" }}{{ template "b" . }}{{ end }}{{ define "b" }}\n\n{{ .Values.nul.x }}{{ end }}{{ template "a" . }}')
case("pos/in-paren", '{{ printf "%v" (printf "%v" .Values.nul.x) }}')
case("pos/in-chain", '{{ (index .Values.nested.list 0).missing.x }}')
case("pos/in-var-chain", '{{ $n := .Values.nested }}{{ $n.inner.missing.x }}')
case("pos/wrong-arg-later", '{{ printf "%s" "a" | printf .Values.int }}')
case("pos/arg-error-2nd", '{{ index .Values.list 0 .Values.nul.x }}')
case("pos/pipe-final-wrong-type", '{{ .Values.int | printf }}')
case("pos/pipe-final-nil", '{{ .Values.missing | printf }}')
case("pos/template-pipe-error", '{{ define "x" }}{{ end }}{{ template "x" (index .Values.list 9) }}')
case("pos/multiline-action", "{{ printf\n  \"%d\"\n  .Values.str.x }}")
case("pos/after-comment", "{{/* a\nb\nc */}}{{ .Values.nul.x }}")
case("pos/after-raw-string", "{{ `a\nb` }}\n{{ .Values.nul.x }}")
case("pos/trimmed", "a\n\n  {{- .Values.nul.x -}}\n")

# --- parse errors with lines -----------------------------------------------------------------
case("perr/line3", "a\nb\n{{ if }}")
case("perr/unclosed-multiline", "{{ if true }}\n\n{{ .x\n\n")
case("perr/raw-string-lines", "{{ `a\nb\nc` }}\n{{ nope }}")
case("perr/comment-lines", "{{/*\n\n*/}}\n{{ end }}")
case("perr/string-newline", '{{ "a\nb" }}')
case("perr/trim-comment-bad", "{{- /* x */x }}")
case("perr/unexpected-in-parens", "{{ (1 | ) }}")
case("perr/if-else-order", "{{ if true }}{{ else }}{{ else if true }}{{ end }}")
case("perr/range-decl-then", "{{ range $x := }}{{ end }}")
case("perr/decl-non-var", "{{ $x := 1 | $y := 2 }}")
case("perr/chained-dots", "{{ .a..b }}")
case("perr/dollar-space", "{{ $ x }}")
case("perr/number-then-field", "{{ 1.5.x }}")
case("perr/assign-undefined", "{{ $z = 1 }}")
case("perr/define-in-define-line", "a\n{{ define \"x\" }}\n{{ define \"y\" }}{{ end }}\n{{ end }}")

# --- more values and printing ------------------------------------------------------------------
case("val/nested-print", "{{ .Values.nested }}")
case("val/list-of-maps", "{{ .Values.nested.list }}")
case("val/map-with-null", "{{ .Values.m }}", "m: {a: null, b: [null, 1]}\n")
case("val/empty-string-key", '{{ index .Values "" }}', '"": empty-key\n')
case("val/bool-keys", "{{ .Values.m }}", "m: {true: 1, false: 2}\n")
case("val/numeric-precision", "{{ .Values.a }} {{ .Values.b }} {{ .Values.c }} {{ .Values.d }} {{ .Values.e }}",
     "a: 0.1\nb: 0.30000000000000004\nc: 1.7976931348623157e308\nd: 5e-324\ne: 123456789012\n")
case("val/int-like-floats", "{{ .Values.a }} {{ .Values.b }} {{ .Values.c }} {{ .Values.d }}",
     "a: 100000\nb: 1000000\nc: 9999999\nd: 12345678\n")
case("val/negative-floats", "{{ .Values.a }} {{ .Values.b }} {{ .Values.c }}", "a: -1.5\nb: -1e-7\nc: -1000000\n")
case("val/printf-v-nested", '{{ printf "%v|%+v|%s" .Values.nested .Values.nested .Values.nested }}')
case("val/print-map-in-list", "{{ print .Values.mixed }}")
case("val/with-list-dot", "{{ with .Values.list }}{{ . }}{{ end }}")
case("val/range-map-of-lists", "{{ range $k, $v := .Values.map }}{{ $k }}:{{ $v }} {{ end }}")
case("val/eq-list-elem", '{{ eq (index .Values.list 0) "a" }}')
case("val/eq-nested-number", "{{ eq (index .Values.nums 0) 1.0 }}")
case("val/lt-strings-bytes", '{{ lt "Z" "a" }} {{ lt "é" "z" }} {{ lt "" "a" }}')
case("val/compare-bools", "{{ eq .Values.t .Values.f }} {{ ne .Values.t .Values.f }}")
