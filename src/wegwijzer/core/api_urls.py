"""Everything under /api/v1/: each app contributes its own routes; the OpenAPI document joins them."""

from django.urls import include, path

from . import api_views

urlpatterns = [
    path("health", api_views.health_live, name="api-health"),
    path("health/ready", api_views.health_ready, name="api-health-ready"),
    path("", include("wegwijzer.socialmap.api_urls")),
    path("", include("wegwijzer.plans.api_urls")),
]
