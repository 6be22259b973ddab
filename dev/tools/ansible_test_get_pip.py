"""Offline stand-in for the pip bootstrap script that ansible-test downloads.

ansible-test creates each sanity-test virtual environment without pip and then runs a "get-pip" script
fetched from ci-files.testing.ansible.com, which this machine cannot reach. ansible-test runs that
script with the pip arguments it wants (for example ``pip==24.2``); this stand-in installs the pip
wheel bundled with CPython (``ensurepip``, no network) and then lets that pip install what was asked
for from the configured package index. dev/tools/test.sh copies it to ~/.ansible/test/cache/ under the
name ansible-test looks for.
"""

import ensurepip
import os
import subprocess
import sys

# Options of get-pip.py itself, not of `pip install`.
GET_PIP_OPTIONS = {"--no-setuptools", "--no-wheel"}


def main() -> int:
    args = [arg for arg in sys.argv[1:] if arg not in GET_PIP_OPTIONS]
    # ensurepip points PIP_CONFIG_FILE at /dev/null in this process; the pip run afterwards must see the
    # machine's pip configuration (index, certificates) again.
    env = dict(os.environ)
    ensurepip.bootstrap(upgrade=True, default_pip=True)
    status = subprocess.call([sys.executable, "-m", "pip", "install", *args], env=env)
    if status == 0 and "--no-setuptools" in sys.argv[1:]:
        # ensurepip brings setuptools along on this Python; get-pip.py would not have installed it.
        status = subprocess.call([sys.executable, "-m", "pip", "uninstall", "--yes", "--quiet", "setuptools"], env=env)
    return status


if __name__ == "__main__":
    sys.exit(main())
