"""Search over the social map in Dutch as people type it (tantivy, in memory; see docs/search.md)."""

from .service import rebuild, search

__all__ = ["rebuild", "search"]
