"""Used-vehicle export orders (二手车出口): the exporter's desk from purchase to deregistration and VAT refund."""
