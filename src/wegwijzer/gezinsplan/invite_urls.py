"""The invitation link for a colleague not yet registered, mounted at /uitnodiging/ (namespace "uitnodiging").

Apart from the case pages: the link is used before its holder has an account or a case membership."""

from django.urls import path

from . import views

app_name = "uitnodiging"

urlpatterns = [
    path("<str:token>/", views.invitation_accept, name="accept"),
]
