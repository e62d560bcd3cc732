"""Handlers, one module per feature."""
