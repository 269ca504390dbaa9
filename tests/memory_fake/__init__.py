"""Unit tests of the in-memory fake: backend semantics, demo organisation, persistence."""
