"""Customs: declarations of cross-border e-commerce parcels, checked and reported."""
