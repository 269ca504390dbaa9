"""Benchmarks (not tests): each prints its figures. A package so module names stay unique."""
