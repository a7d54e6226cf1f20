"""What the emulated API promises: the operations of the route table, PostHog's error types,
the JSON Schemas, the OpenAPI document, differences.json and the README's generated sections.

The bottom layer: imports only settings and version of the package."""
