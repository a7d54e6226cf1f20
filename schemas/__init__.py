"""The JSON Schemas, shipped inside the package as `mock_posthog.schema_files`."""
