"""Export use cases: the only layer of the package that opens transactions."""
