"""Use cases of the listings package; the only layer that opens transactions."""
