"""File storage port and its adapters."""
