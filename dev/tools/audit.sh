#!/usr/bin/env bash
# `make audit`: converge inventories/local on a private local AWS, run Prowler (pinned, in its own virtualenv)
# against it for s3, cloudfront, secretsmanager and iam with the collection's mutelist, and print the figure:
# the number of failing findings that are not muted. Exit status 0 only when that number is 0.
#
# Against a real account (read-only calls; see docs/operations.md, "Security audit"):
#   dev/tools/audit.sh --account    # Prowler with the usual AWS credentials, region AUDIT_REGION (default eu-west-1)
set -euo pipefail
cd "$(dirname "$0")/../.."
ROOT=$PWD
export PATH="$ROOT/.venv/bin:$PATH"
export ANSIBLE_CONFIG="$ROOT/ansible.cfg"
PROWLER_VENV="${PROWLER_VENV:-$ROOT/.build/prowler-venv}"
OUT="$ROOT/.build/audit"
REGION="${AUDIT_REGION:-eu-west-1}"
MUTELIST="$ROOT/dev/audit/prowler_mutelist.yaml"
SERVICES=(s3 cloudfront secretsmanager iam)
MODE=local
[ "${1:-}" = "--account" ] && MODE=account

rm -rf "$OUT" && mkdir -p "$OUT"

if [ "$MODE" = local ]; then
  # shellcheck source=dev/tools/local_aws.sh
  source dev/tools/local_aws.sh
  start_local_aws audit
  ansible-playbook playbooks/site.yml -i inventories/local >"$OUT/site.log" || {
    tail -40 "$OUT/site.log"
    exit 1
  }
  tail -4 "$OUT/site.log"
  # Prowler speaks to the local AWS as the local inventory's operator (dummy credentials of the local AWS).
  eval "$(python -m local_aws env)"
  export AWS_DEFAULT_REGION="$REGION"
  unset AWS_PROFILE AWS_SESSION_TOKEN
fi

echo "Prowler $("$PROWLER_VENV/bin/prowler" --version 2>/dev/null | tail -1) on ${SERVICES[*]}, region $REGION"
set +e
"$PROWLER_VENV/bin/prowler" aws --services "${SERVICES[@]}" --region "$REGION" \
  --mutelist-file "$MUTELIST" --output-formats json-ocsf csv --output-directory "$OUT" \
  --output-filename prowler --no-banner --ignore-exit-code-3 >"$OUT/prowler.log" 2>&1
status=$?
set -e
if [ $status -ne 0 ] || [ ! -s "$OUT/prowler.ocsf.json" ]; then
  tail -40 "$OUT/prowler.log"
  echo "Prowler failed (exit $status); log: $OUT/prowler.log" >&2
  exit 1
fi
python dev/tools/audit_report.py "$OUT/prowler.ocsf.json"
