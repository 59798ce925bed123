"""The parents' view, mounted at /ouders/ (namespace "ouders")."""

from django.urls import path

from . import views

app_name = "ouders"

urlpatterns = [
    path("beheer/<uuid:gezinsplan_id>/", views.manage, name="manage"),
    path("beheer/<uuid:gezinsplan_id>/<uuid:access_id>/intrekken/", views.revoke, name="revoke"),
    path("uitnodiging/<str:token>/", views.invite, name="invite"),
    path("inloggen/", views.login, name="login"),
    path("code/", views.code, name="code"),
    path("plan/", views.plan, name="plan"),
    path("uitloggen/", views.logout, name="logout"),
]
