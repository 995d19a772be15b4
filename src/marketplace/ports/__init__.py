"""Ports (small protocols) with two adapters each; `bootstrap.py` is the one place that picks them."""
