"""JSON API routes of this app, mounted under /api/v1/ by wegwijzer.core.api_urls."""

from django.urls import path  # noqa: F401

urlpatterns: list = []
