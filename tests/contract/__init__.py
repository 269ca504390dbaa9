"""Conformance suites every adapter must pass (see harness.py for how to add one)."""
