"""Merging and splitting units, with their meetings' history."""
