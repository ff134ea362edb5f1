#!/usr/bin/env bash
# Installs real Helm for the tests: helm-python-sdk (Helm v4.2.3's Go SDK behind a C ABI, with
# its native library in the wheel, no helm binary or Go toolchain needed) and PyYAML (used by
# tests/helm-oracle/compare.py), pinned, into target/helm-sdk-venv of this checkout.
#
# Idempotent: when the venv already imports both at the pinned versions it only prints the path.
# Prints the venv's python on stdout (everything else goes to stderr), so callers can do
#   py="$(scripts/install-helm-sdk.sh)"
# Needs python3 (>= 3.10) with the venv module and PyPI; set PYTHON to choose the interpreter.
set -euo pipefail

HELM_SDK_VERSION=0.2.2
PYYAML_VERSION=6.0.3

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
venv="$root/target/helm-sdk-venv"
py="$venv/bin/python"

log() { printf 'install-helm-sdk: %s\n' "$*" >&2; }

installed() {
  [ -x "$py" ] || return 1
  "$py" - "$HELM_SDK_VERSION" "$PYYAML_VERSION" >/dev/null 2>&1 <<'EOF'
import sys
import helm_python, yaml  # importing helm_python loads and checks the native library
assert helm_python.__version__ == sys.argv[1], helm_python.__version__
assert yaml.__version__ == sys.argv[2], yaml.__version__
EOF
}

if installed; then
  printf '%s\n' "$py"
  exit 0
fi

pick_python() {
  local candidate
  for candidate in "${PYTHON:-}" python3.11 python3.12 python3.13 python3.10 python3; do
    [ -n "$candidate" ] || continue
    command -v "$candidate" >/dev/null 2>&1 || continue
    if "$candidate" -c 'import sys, venv; sys.exit(sys.version_info < (3, 10))' 2>/dev/null; then
      printf '%s\n' "$candidate"
      return 0
    fi
  done
  return 1
}

# A venv whose interpreter no longer runs (moved checkout, removed python) is rebuilt.
if [ -e "$venv" ] && ! "$py" -c 'import sys' >/dev/null 2>&1; then
  log "removing broken venv $venv"
  rm -rf "$venv"
fi

if [ ! -x "$py" ]; then
  base="$(pick_python)" || {
    log "no python3 >= 3.10 with the venv module found (on Debian: apt-get install python3-venv)"
    exit 1
  }
  log "creating $venv with $base"
  mkdir -p "$root/target"
  "$base" -m venv "$venv"
fi

log "installing helm-python-sdk==$HELM_SDK_VERSION PyYAML==$PYYAML_VERSION"
# --only-binary: the wheel carries the native library; the sdist would need Go to build it.
"$py" -m pip install --disable-pip-version-check --no-input --quiet \
  --only-binary=helm-python-sdk,PyYAML \
  "helm-python-sdk==$HELM_SDK_VERSION" "PyYAML==$PYYAML_VERSION" >&2

if ! installed; then
  log "installed, but $py cannot import helm_python $HELM_SDK_VERSION and yaml $PYYAML_VERSION"
  "$py" -c 'import helm_python, yaml' >&2 || true
  exit 1
fi
printf '%s\n' "$py"
