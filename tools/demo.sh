#!/usr/bin/env bash
# `make demo`: start a private local AWS, converge site.yml on inventories/local, run the validation checklist
# (validate.yml: presigned upload, transcode, HLS through the CloudFront edge with signed cookies), print the
# outputs for Rails and the checklist, and stop the local AWS again (also on failure or Ctrl-C).
set -euo pipefail
cd "$(dirname "$0")/.."
export ANSIBLE_CONFIG="$PWD/ansible.cfg"
# A state directory of its own, so a server started with `make local-aws-up` is left alone.
export LOCAL_AWS_STATE_DIR="$PWD/.local-aws/demo"

stop() { python -m local_aws down >/dev/null 2>&1 || true; }
trap stop EXIT

# `up` prints AWS_ENDPOINT_URL=... and AWS_CA_BUNDLE=... (the local AWS speaks HTTPS with a private CA).
while IFS='=' read -r name value; do
  case "$name" in AWS_ENDPOINT_URL | AWS_CA_BUNDLE) export "$name=$value" ;; esac
done < <(python -m local_aws up)
echo "Local AWS at $AWS_ENDPOINT_URL"

ansible-playbook playbooks/site.yml -i inventories/local
ansible-playbook playbooks/validate.yml -i inventories/local | tee .local-aws/demo/validate.log

printf '\nOutputs for Rails (outputs/local.json, outputs/local.env):\n'
cat outputs/local.env
printf '\n'
sed -n '/^ *Validation checklist/,/^ *6 |/p' .local-aws/demo/validate.log
