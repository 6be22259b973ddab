#!/usr/bin/env bash
# `make demo`: start a private local AWS, converge site.yml on inventories/local, run the validation checklist
# (validate.yml: presigned upload, transcode, HLS through the CloudFront edge with signed cookies), print the
# outputs for Rails and the checklist, and stop the local AWS again (also on failure or Ctrl-C).
set -euo pipefail
cd "$(dirname "$0")/../.."
export ANSIBLE_CONFIG="$PWD/ansible.cfg"
# shellcheck source=dev/tools/local_aws.sh
source dev/tools/local_aws.sh
start_local_aws demo

ansible-playbook playbooks/site.yml -i inventories/local
ansible-playbook playbooks/validate.yml -i inventories/local | tee .local-aws/demo/validate.log

printf '\nOutputs for Rails (outputs/local.json, outputs/local.env):\n'
cat outputs/local.env
printf '\n'
sed -n '/^ *Validation checklist/,/^ *6 |/p' .local-aws/demo/validate.log
