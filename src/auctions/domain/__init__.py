"""Auction rules: the bidding engine (increments, proxy, soft close, the lot), rights and terms.

Pure: no I/O, no ORM, no clock reads; time is passed in (epoch milliseconds).
"""
