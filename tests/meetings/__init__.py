"""Tests of one-to-one meetings and free slots."""
