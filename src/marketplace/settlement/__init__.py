"""Settlement: fees, invoices and the per-house double-entry ledger, from the hammer to a paid sale.

It sits in the platform core below the domain packages: it learns of sales only from their outbox
events (which carry every figure it needs) and never imports listings or auctions.
"""
