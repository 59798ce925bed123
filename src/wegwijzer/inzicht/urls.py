"""Insight pages, mounted at /inzicht/ (namespace "inzicht")."""

from django.urls import path

from . import views

app_name = "inzicht"

urlpatterns = [
    path("", views.overview, name="overview"),
    path("afdrukken/", views.print_view, name="print"),
    path("<slug:slug>.csv", views.figure_csv, name="figure-csv"),
]
