"""The emulated state: the store and its data file, fixtures and snapshots, ids and the
clock, and the world that holds them.

May import contract, settings and version, and nothing else of the package."""
