"""Storage: models, engine and data functions."""
