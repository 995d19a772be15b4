"""Statistics use cases: the only layer that opens transactions."""
