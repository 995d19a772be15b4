"""Pure settlement rules: money arithmetic, fees, the working-day calendar, the chart of accounts and
postings, invoices and payment allocation. No I/O, no ORM, no clock reads (dates are passed in)."""
