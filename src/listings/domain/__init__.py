"""Pure rules of the listings domain: no await, no ORM, no clock reads (time is passed in)."""
