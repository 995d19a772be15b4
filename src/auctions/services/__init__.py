"""Auction use cases: the only layer that opens transactions; entry points (routes, the socket, jobs) call these."""
