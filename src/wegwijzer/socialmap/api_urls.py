"""JSON API routes of this app, mounted under /api/v1/ by wegwijzer.core.api_urls."""

from django.urls import path

from wegwijzer.socialmap import api
from wegwijzer.socialmap.search import api as search_api

urlpatterns: list = [
    path("search", search_api.search_view, name="api-search"),
    path("services", api.service_list, name="api-services"),
    path("services/<str:key>", api.service_detail, name="api-service"),
    path("organizations", api.organization_list, name="api-organizations"),
    path("organizations/<str:key>", api.organization_detail, name="api-organization"),
    path("roles", api.role_list, name="api-roles"),
    path("roles/<str:key>", api.role_detail, name="api-role"),
    path("wijken", api.wijk_list, name="api-wijken"),
    path("wijken/<str:key>", api.wijk_detail, name="api-wijk"),
    path("taxonomy_terms", api.taxonomy_term_list, name="api-taxonomy-terms"),
]
