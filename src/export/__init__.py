"""Used-vehicle export orders (二手车出口): a later issue."""
