"""Search over the social map in Dutch as people type it (tantivy, one index on disk per host; see docs/search.md)."""

from .service import rebuild, search, search_outcome

__all__ = ["rebuild", "search", "search_outcome"]
