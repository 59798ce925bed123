"""The providers' tests run on the social map's small fixture content."""

from socialmap.conftest import _no_static_scan, content_dir, loaded_map  # noqa: F401  (fixtures)
