"""Presentation: charts, prose with computed values, and what the notebooks display."""
