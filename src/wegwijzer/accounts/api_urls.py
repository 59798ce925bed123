"""JSON API routes of this app, mounted under /api/v1/ by wegwijzer.core.api_urls."""

from django.urls import path

from . import api

urlpatterns: list = [
    path("me", api.me, name="api-me"),
]
