"""Rewrite the README's generated sections (the routes table, the default world, the
differences from PostHog's docs) from the code: `python tools/update_readme.py [README.md]`."""

from __future__ import annotations

import sys
from pathlib import Path

from mock_posthog.contract import docs
from mock_posthog.posthog.api import ROUTES
from mock_posthog.world.fixtures import default_world


def main(argv: list[str]) -> int:
    readme = Path(argv[0] if argv else Path(__file__).parents[1] / "README.md")
    text = readme.read_text("utf-8")
    readme.write_text(docs.rewrite(text, docs.generated_sections(ROUTES, default_world())), "utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
