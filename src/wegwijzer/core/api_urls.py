"""The /api/v1/ views not yet on the one API (wegwijzer.conf.api); core's own are on its router now."""

urlpatterns: list = []
