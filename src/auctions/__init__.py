"""Live and timed vehicle auctions: sessions, lots, deposits, the bidding engine, the live protocol."""
