"""``python -m local_aws``: see :mod:`local_aws.cli`."""

import sys

from local_aws.cli import main

if __name__ == "__main__":
    sys.exit(main())
