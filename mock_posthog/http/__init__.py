"""The request pipeline: the route table's matching and dispatch, request bodies, answers,
error envelopes, the journal and faults (where requests are observed and injected into), the
rate limit, the instance that bundles them with a world, and the WSGI server.

May import posthog, world, contract, settings and version; never app, control or harness."""
