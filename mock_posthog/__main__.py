"""`python -m mock_posthog` is the `mock-posthog` command."""

import sys

from .cli import main

sys.exit(main())
