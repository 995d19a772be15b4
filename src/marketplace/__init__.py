"""The platform core: app, settings, accounts and organisations, shared infrastructure."""
