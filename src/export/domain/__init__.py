"""Export rules (二手车出口): HS headings, the legal clocks, the per-vehicle steps and their gates, destination
rules. Pure: no I/O, no ORM, no clock reads (dates are passed in)."""
