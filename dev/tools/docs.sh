#!/usr/bin/env bash
# `make docs`: the collection's HTML documentation with antsibull-docs and Sphinx, in .build/docs/build/html.
# Every module, filter, role (its argument specs) and the playbooks page (docs/docsite) are rendered. Any warning
# fails, except the references that only the published Ansible docsite resolves (intersphinx inventories of
# docs.ansible.com, docs.python.org and Jinja, unreachable from a machine without internet): links to amazon.aws,
# community.aws and ansible.builtin plugins, "common_return_values" and "ansible_configuration_settings".
# Expects the venv from `make install` on PATH and the collection link in .collections (the Makefile does both).
set -euo pipefail
cd "$(dirname "$0")/../.."
export ANSIBLE_COLLECTIONS_PATH="$PWD/.collections"
dest=.build/docs
rm -rf "$dest"
mkdir -m 700 -p "$dest"

echo "=== antsibull-docs lint-collection-docs ==="
# References to every collection it sees are checked: only this one and its dependencies, amazon.aws and
# community.aws, linked into a collections path of their own (the `ansible` package's hundred collections would take
# two minutes, its thirty community.* ones 39 s instead of about 25; with `--validate-collection-refs self` the linter copies them elsewhere and misses amazon.aws's doc
# fragments).
lint_collections="$PWD/.build/docs-collections/ansible_collections"
rm -rf "$lint_collections" && mkdir -p "$lint_collections/storytime"
bundled=$(python -c 'import ansible_collections.amazon.aws as m, os; print(os.path.dirname(os.path.dirname(m.__path__[0])))')
mkdir -p "$lint_collections/amazon" "$lint_collections/community"
ln -s "$bundled/amazon/aws" "$lint_collections/amazon/aws"
ln -s "$bundled/community/aws" "$lint_collections/community/aws"
ln -s "$PWD" "$lint_collections/storytime/video_infra"
env -u ANSIBLE_CONFIG ANSIBLE_COLLECTIONS_PATH="$(dirname "$lint_collections")" ANSIBLE_COLLECTIONS_SCAN_SYS_PATH=false \
  antsibull-docs lint-collection-docs --plugin-docs --validate-collection-refs all .

echo "=== antsibull-docs sphinx-init + collection ==="
antsibull-docs sphinx-init --use-current --dest-dir "$dest" storytime.video_infra >/dev/null
mkdir -m 700 -p "$dest/rst"
antsibull-docs --config-file "$dest/antsibull-docs.cfg" collection --cleanup everything --use-current \
  --dest-dir "$dest/rst" storytime.video_infra

echo "=== sphinx-build ==="
warnings="$dest/warnings.log"
sphinx-build -q -b html -c "$dest" -w "$warnings" "$dest/rst" "$dest/build/html" 2>/dev/null || { cat "$warnings" >&2; exit 1; }
offline='failed to reach any of the inventories|intersphinx inventory|undefined label: .(common_return_values|ansible_configuration_settings|action_plugins|ansible_collections\.(amazon\.aws|community\.aws|ansible\.builtin)\.[a-z0-9_]+_(module|lookup|filter|test|inventory)).'
unexpected=$(grep -E 'WARNING|ERROR' "$warnings" | grep -Ev "$offline" || true)
if [ -n "$unexpected" ]; then
  echo "Sphinx warnings:" >&2
  echo "$unexpected" >&2
  exit 1
fi
echo "$(grep -cE "$offline" "$warnings" || true) warnings about links only the published docsite resolves (no internet here)"
echo "HTML: $dest/build/html/index.html ($(find "$dest/build/html/collections/storytime/video_infra" -name '*.html' | wc -l) pages of the collection)"
