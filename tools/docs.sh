#!/usr/bin/env bash
# `make docs`: the collection's HTML documentation with antsibull-docs and Sphinx, in .build/docs/build/html.
# Every module, filter, role (its argument specs) and the playbooks page (docs/docsite) are rendered. Any warning
# fails, except the references that only the published Ansible docsite resolves (intersphinx inventories of
# docs.ansible.com, docs.python.org and Jinja, unreachable from a machine without internet): links to amazon.aws,
# community.aws and ansible.builtin plugins, "common_return_values" and "ansible_configuration_settings".
# Expects the venv from `make install` on PATH and the collection link in .collections (the Makefile does both).
set -euo pipefail
cd "$(dirname "$0")/.."
export ANSIBLE_COLLECTIONS_PATH="$PWD/.collections"
dest=.build/docs
rm -rf "$dest"
mkdir -m 700 -p "$dest"

echo "=== antsibull-docs lint-collection-docs ==="
# Without the repository's ansible.cfg (its collections_path would hide amazon.aws's doc fragments from the linter,
# which runs ansible-doc on its own copy of the collection).
env -u ANSIBLE_CONFIG antsibull-docs lint-collection-docs --plugin-docs --validate-collection-refs self .

echo "=== antsibull-docs sphinx-init + collection ==="
antsibull-docs sphinx-init --use-current --dest-dir "$dest" storytime.video_infra >/dev/null
mkdir -m 700 -p "$dest/rst"
antsibull-docs --config-file "$dest/antsibull-docs.cfg" collection --cleanup everything --use-current \
  --dest-dir "$dest/rst" storytime.video_infra

echo "=== sphinx-build ==="
warnings="$dest/warnings.log"
sphinx-build -q -b html -c "$dest" -w "$warnings" "$dest/rst" "$dest/build/html" 2>/dev/null || { cat "$warnings" >&2; exit 1; }
offline='failed to reach any of the inventories|intersphinx inventory|undefined label: .(common_return_values|ansible_configuration_settings|ansible_collections\.(amazon\.aws|community\.aws|ansible\.builtin)\.[a-z0-9_]+_(module|lookup|filter|test|inventory)).'
unexpected=$(grep -E 'WARNING|ERROR' "$warnings" | grep -Ev "$offline" || true)
if [ -n "$unexpected" ]; then
  echo "Sphinx warnings:" >&2
  echo "$unexpected" >&2
  exit 1
fi
echo "$(grep -cE "$offline" "$warnings" || true) warnings about links only the published docsite resolves (no internet here)"
echo "HTML: $dest/build/html/index.html ($(find "$dest/build/html/collections/storytime/video_infra" -name '*.html' | wc -l) pages of the collection)"
