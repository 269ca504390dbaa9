"""Benchmarks (not tests): each script prints its figures. A package only so module names stay unique for mypy."""
