"""Web pages of leren, mounted at /leren/ (namespace "leren")."""

from django.urls import path

from . import views

app_name = "leren"

urlpatterns = [
    path("netwerk/<uuid:network_id>/", views.network, name="network"),
    path("netwerk/<uuid:network_id>/leden/", views.member_add, name="member-add"),
    path("netwerk/<uuid:network_id>/leden/<int:user_id>/verwijderen/", views.member_remove, name="member-remove"),
    path("netwerk/<uuid:network_id>/reflectie/", views.reflection, name="reflection"),
    path("bijeenkomst/<uuid:meeting_id>/", views.meeting, name="meeting"),
    path("bijeenkomst/<uuid:meeting_id>/uitnodiging.ics", views.meeting_ics, name="meeting-ics"),
    path("casus/<uuid:discussion_id>/stap/<int:step>/", views.discussion, name="discussion"),
    path("afspraak/<uuid:improvement_id>/status/", views.improvement_status, name="improvement-status"),
]
