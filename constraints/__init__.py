"""The constraint catalog, one module per group (see CATALOG.md)."""
