"""The emulated PostHog: who is calling (keys, scopes, access levels), its records and
their activity, DRF's parsing and paging, the offline upstream, and `api/`, one module per
resource.

May import world, contract, settings and version; never http or anything above it."""
