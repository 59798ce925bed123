"""Wegwijzer: social map, route guide and shared family plan for the first 1000 days in Utrecht."""

__version__ = "0.1.0"
