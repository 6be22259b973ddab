# shellcheck shell=bash
# Sourced by dev/tools/demo.sh and dev/tools/audit.sh: start a private local AWS for this script and stop it on exit.
#
#   start_local_aws <name>   state in .local-aws/<name> (a server started with `make local-aws-up` is left alone);
#                            exports AWS_ENDPOINT_URL and AWS_CA_BUNDLE (HTTPS with a private CA) and stops the
#                            server when the script exits, also on failure or Ctrl-C.

stop_local_aws() { python -m local_aws down >/dev/null 2>&1 || true; }

start_local_aws() {
  export LOCAL_AWS_STATE_DIR="$PWD/.local-aws/$1"
  trap stop_local_aws EXIT
  # `up` prints AWS_ENDPOINT_URL=... and AWS_CA_BUNDLE=...
  local name value
  while IFS='=' read -r name value; do
    case "$name" in AWS_ENDPOINT_URL | AWS_CA_BUNDLE) export "$name=$value" ;; esac
  done < <(python -m local_aws up)
  echo "Local AWS at $AWS_ENDPOINT_URL"
}
