"""Redis adapters for a fleet: the Cache and the shared, adaptive RateLimiters."""
