"""Deliberately empty: the Django admin shows NO case content (need-to-know).

Administrators are not members of any care team, so no plans model is registered here; operators see
aggregates only through the insight pages. tests/gezinsplan/test_admin.py keeps it that way.
"""
