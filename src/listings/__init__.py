"""Used-vehicle records, dealer listings and inventory, buyer search."""
