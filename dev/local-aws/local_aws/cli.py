"""Command line interface: ``python -m local_aws {serve,up,down,status,env}``.

Machine-readable output goes to stdout (``up`` prints exactly ``AWS_ENDPOINT_URL=<url>`` and
``AWS_CA_BUNDLE=<path>``, ``env`` prints ``export`` lines); progress and errors go to stderr.
"""

from __future__ import annotations

import argparse
import shlex
import sys
from collections.abc import Sequence
from pathlib import Path

from local_aws import lifecycle
from local_aws.constants import DEFAULT_STATE_DIR
from local_aws.constants import LOOPBACK
from local_aws.constants import STATE_DIR_ENV


def _add_state_dir(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--state-dir",
        metavar="DIR",
        help=f"where pid, endpoint and server.log live (default: ${STATE_DIR_ENV} or ./{DEFAULT_STATE_DIR})",
    )


def build_parser() -> argparse.ArgumentParser:
    """Return the argument parser of ``python -m local_aws``."""
    parser = argparse.ArgumentParser(prog="python -m local_aws", description="Local AWS (moto server) for tests.")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    serve = commands.add_parser("serve", help="run the server in the foreground")
    serve.add_argument("--host", default=LOOPBACK, help=f"address to bind (default {LOOPBACK})")
    serve.add_argument("--port", type=int, default=0, help="port to bind (default 0: a free port)")
    serve.add_argument("--verbose", action="store_true", help="log every request")
    serve.add_argument("--port-file", type=Path, help=argparse.SUPPRESS)
    serve.add_argument(
        "--tls-dir", type=Path, default=None, help="directory of ca.pem/server.pem (generated if missing; default: .)"
    )

    up = commands.add_parser("up", help="start a background server (or reuse the running one)")
    _add_state_dir(up)
    up.add_argument("--port", type=int, default=None, help="port to bind (default: a free port)")
    up.add_argument("--timeout", type=float, default=lifecycle.STARTUP_TIMEOUT, help="seconds to wait for health")
    up.add_argument("--verbose", action="store_true", help="log every request to server.log")

    down = commands.add_parser("down", help="stop the background server")
    _add_state_dir(down)

    status = commands.add_parser("status", help="show the endpoint; exit 0 if healthy, 1 if not")
    _add_state_dir(status)

    env = commands.add_parser("env", help="print export lines for the running server")
    _add_state_dir(env)
    return parser


def cmd_serve(args: argparse.Namespace) -> int:
    """Run the server in the foreground."""
    from local_aws.server import serve  # noqa: PLC0415  (imports moto: only this command needs it)

    serve(args.host, args.port, verbose=args.verbose, port_file=args.port_file, tls_dir=args.tls_dir)
    return 0


def cmd_up(args: argparse.Namespace) -> int:
    """Start (or reuse) a background server and print its endpoint."""
    state = lifecycle.resolve_state_dir(args.state_dir)
    try:
        endpoint, started = lifecycle.up(state, args.port, timeout=args.timeout, verbose=args.verbose)
    except lifecycle.StartError as error:
        print(f"local AWS: {error}", file=sys.stderr)
        return 1
    if not started:
        print(f"local AWS: already running (state dir {state.path})", file=sys.stderr)
    elif args.port and not endpoint.endswith(f":{args.port}"):
        print(f"local AWS: note: requested port {args.port} but server runs on {endpoint}", file=sys.stderr)
    print(f"AWS_ENDPOINT_URL={endpoint}")
    print(f"AWS_CA_BUNDLE={state.tls.ca_file}")
    return 0


def cmd_down(args: argparse.Namespace) -> int:
    """Stop the background server."""
    print(lifecycle.down(lifecycle.resolve_state_dir(args.state_dir)))
    return 0


def cmd_status(args: argparse.Namespace) -> int:
    """Report endpoint and health."""
    state = lifecycle.resolve_state_dir(args.state_dir)
    pid = state.read_pid()
    endpoint = state.read_endpoint()
    health = lifecycle.check_health(endpoint, ca_file=state.tls.ca_file) if endpoint else None
    alive = lifecycle.recorded_server_alive(state)
    print(f"state dir: {state.path}")
    print(f"endpoint:  {endpoint or '-'}")
    print(f"CA bundle: {state.tls.ca_file if state.tls.ca_file.is_file() else '-'}")
    print(f"pid:       {pid if pid is not None else '-'}{'' if alive or pid is None else ' (not running)'}")
    print(f"healthy:   {'yes (moto ' + str(health.get('moto')) + ')' if health else 'no'}")
    return 0 if health else 1


def cmd_env(args: argparse.Namespace) -> int:
    """Print ``export`` lines for ``eval "$(python -m local_aws env)"``."""
    state = lifecycle.resolve_state_dir(args.state_dir)
    endpoint = lifecycle.running_endpoint(state)
    if endpoint is None:
        print(f"local AWS: no healthy server in {state.path}; run 'python -m local_aws up' first", file=sys.stderr)
        return 1
    for name, value in lifecycle.client_env(endpoint, ca_file=state.tls.ca_file).items():
        print(f"export {name}={shlex.quote(value)}")
    return 0


COMMANDS = {"serve": cmd_serve, "up": cmd_up, "down": cmd_down, "status": cmd_status, "env": cmd_env}


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point; return the process exit code."""
    args = build_parser().parse_args(argv)
    return COMMANDS[args.command](args)
