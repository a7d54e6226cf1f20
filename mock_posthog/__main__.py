"""`python -m mock_posthog` is the `mock-posthog` command."""

import sys

from mock_posthog.cli import main

sys.exit(main())
