#!/usr/bin/env bash
# Reproduce src/ketamine_kg/visualize/vendor/ from npm: sigma.js and graphology at pinned versions,
# checked against the registry's published integrity, with their licences. Needs npm; run by hand when
# bumping a version (the vendored files are committed, so neither the build nor CI needs npm).
set -euo pipefail
cd "$(dirname "$0")/.."
dest=src/ketamine_kg/visualize/vendor
# name version integrity file-in-tarball vendored-name
pins=(
  "sigma 3.0.2 sha512-/BUbeOwPGruiBOm0YQQ6ZMcLIZ6tf/W+Jcm7dxZyAX0tK3WP9/sq7/NAWBxPIxVahdGjCJoGwej0Gdrv0DxlQQ== package/dist/sigma.min.js sigma.min.js"
  "graphology 0.26.0 sha512-8SSImzgUUYC89Z042s+0r/vMibY7GX/Emz4LDO5e7jYXhuoWfHISPFJYjpRLUSJGq6UQ6xlenvX1p/hJdfXuXg== package/dist/graphology.umd.min.js graphology.umd.min.js"
)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
for pin in "${pins[@]}"; do
  read -r name version integrity file vendored <<<"$pin"
  tarball=$(cd "$work" && npm pack --silent "$name@$version")
  got="sha512-$(openssl dgst -sha512 -binary "$work/$tarball" | base64 -w0)"
  if [ "$got" != "$integrity" ]; then
    echo "vendor: $name@$version integrity mismatch: $got" >&2
    exit 1
  fi
  mkdir -p "$work/$name"
  tar xzf "$work/$tarball" -C "$work/$name"
  cp "$work/$name/$file" "$dest/$vendored"
  cp "$work/$name/package/LICENSE.txt" "$dest/$name.LICENSE.txt"
  echo "vendor: $name@$version -> $dest/$vendored"
done
