"""Shared test helpers: fixture prototypes (see tests/fixtures/prototypes/README.md)."""
