#!/usr/bin/env bash
# Every check CI runs, in the order a failure is cheapest to see: formatting, lints, tests.
# Installs what the tests need first, so a clean machine gets the same result as a dev one.
set -euo pipefail
cd "$(dirname "$0")/.."

log() { printf '\n== %s\n' "$*" >&2; }

# Toolchain components used below.
for component in rustfmt clippy; do
  if ! cargo "${component/rustfmt/fmt}" --version >/dev/null 2>&1; then
    log "installing $component"
    rustup component add "$component"
  fi
done

# The mirror end-to-end tests start two real registries (Debian's docker-registry), copy
# images between them with the real skopeo, and have a private containerd daemon pull through
# the hosts.toml files imgsift writes; they fail, never skip, without these tools.
need_packages=()
command -v skopeo >/dev/null 2>&1 || need_packages+=(skopeo)
command -v docker-registry >/dev/null 2>&1 || need_packages+=(docker-registry)
{ command -v containerd && command -v ctr; } >/dev/null 2>&1 || need_packages+=(containerd)
# openssl makes the certificate of a registry served on 127.0.0.1:443 (binding it needs root,
# as these installs do), whose portless name --keep-registry-path can nest.
command -v openssl >/dev/null 2>&1 || need_packages+=(openssl)
if ((${#need_packages[@]})); then
  log "installing ${need_packages[*]}"
  sudo_cmd=()
  if [ "$(id -u)" != 0 ]; then sudo_cmd=(sudo); fi
  "${sudo_cmd[@]}" apt-get update -q
  "${sudo_cmd[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -q "${need_packages[@]}"
fi
# The Debian packages start a registry and a containerd service where an init system runs; the
# tests start their own (free ports, private sockets) and need neither.

# The Helm renderer is tested against real Helm: Helm v4's Go SDK as the Python package
# helm-python-sdk, pinned, in a virtual environment under target/ (no helm binary needed).
log "Helm SDK (the renderer's oracle)"
scripts/install-helm-sdk.sh >/dev/null

# Snapshot tests compare against the reviewed snapshots in tests/snapshots and never
# write new ones here: a missing or changed snapshot is a failure.
export INSTA_UPDATE=no
# The crypto cases of the Sprig parity tests run in full (the dev profile optimizes crypto).
export SPRIG_SPECIAL_SLOW=1

log "cargo fmt --check"
cargo fmt --all -- --check

log "cargo clippy -D warnings"
cargo clippy --locked --workspace --all-targets -- -D warnings

# The kustomize tests also compare with real kustomize where kubectl is installed; say which.
if command -v kubectl >/dev/null 2>&1; then
  log "kubectl found: kustomize builds are compared live with kubectl kustomize and with goldens"
else
  log "kubectl not found: kustomize builds are compared with the committed goldens only"
fi

log "cargo test"
cargo test --locked --workspace --all-targets

log "all checks passed"
