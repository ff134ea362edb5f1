#!/usr/bin/env bash
# Regenerates the kustomize goldens in this folder with the REAL kustomize
# (`kubectl kustomize`, kustomize v5.5.0 when they were written) and the
# released imgsift scanner. Run from anywhere; paths are relative to the repo root.
#
#   <name>.rendered.yaml  exact stdout of `kubectl kustomize <entry>`
#   <name>.txt            that output piped into `imgsift scan -`
#
# kustomize's deprecation warnings go to stderr and are not recorded.
set -euo pipefail

repo=$(cd "$(dirname "$0")/../../.." && pwd)
cd "$repo"
out=tests/golden/kustomize
imgsift=${IMGSIFT:-target/release/imgsift}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
kz() { kubectl kustomize "$@" 2>"$tmp/stderr" || { cat "$tmp/stderr" >&2; return 1; }; }

golden() { # name entry-dir
  local name=$1 entry=$2
  kz "$entry" >"$out/$name.rendered.yaml"
  "$imgsift" scan - <"$out/$name.rendered.yaml" >"$out/$name.txt"
  printf '%-55s %3d images  <- %s\n' "$name" "$(wc -l <"$out/$name.txt")" "$entry"
}

# ---- test cases -------------------------------------------------------------
t=testdata/kustomize
golden overlay-on-base        $t/overlay-on-base/overlays/prod
golden overlay-on-base-base   $t/overlay-on-base/base
golden components             $t/components/root
golden patches-smp            $t/patches-smp/root
golden patches-json6902       $t/patches-json6902/root
golden generators             $t/generators/root
golden generators-base        $t/generators/base
golden namespace-and-crs      $t/namespace-and-crs/root
golden nested-lists           $t/nested-lists/root
golden replacements-and-names $t/replacements-and-names/root

# remote: kustomize cannot fetch offline. Render a copy with the remote
# resources and the helmCharts block removed (see README.md).
cp -r $t/remote/root "$tmp/remote"
python3 - "$tmp/remote/kustomization.yaml" <<'EOF'
import re, sys
p = sys.argv[1]
out, skip = [], False
for line in open(p):
    if re.match(r'^helmCharts:', line):
        skip = True
        continue
    if skip and re.match(r'^[A-Za-z_]', line):
        skip = False
    if skip:
        continue
    if re.match(r'^- (https?://|git@|git::|ssh://|github\.com/)', line):
        continue
    out.append(line)
open(p, 'w').write(''.join(out))
EOF
golden remote "$tmp/remote"

# ---- corpus entry points ----------------------------------------------------
src=../shared/corpus/kubeflow/kustomize-src
for k in $(cd $src && find . -name kustomization.yaml | sort); do
  dir=${k#./}; dir=${dir%/kustomization.yaml}
  name=corpus-${dir//\//-}
  if grep -q '^kind: Component' "$src/$dir/kustomization.yaml"; then
    # A Component is rendered through a wrapper that lists it under components:.
    mkdir -p "$tmp/wrap-$name"
    rel=$(realpath --relative-to="$tmp/wrap-$name" "$src/$dir")
    printf 'apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\ncomponents:\n- %s\n' \
      "$rel" >"$tmp/wrap-$name/kustomization.yaml"
    golden "$name" "$tmp/wrap-$name"
  else
    golden "$name" "$src/$dir"
  fi
done
