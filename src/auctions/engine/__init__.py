"""The bidding engine: pure rules, no I/O, time passed in (epoch milliseconds)."""
