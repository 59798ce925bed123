from django.urls import path

from . import views

app_name = "routeguide"
urlpatterns = [
    path("", views.start, name="start"),
    path("stap/<slug:slug>/", views.step, name="step"),
    path("samenvatting/", views.summary, name="summary"),
    path("advies/", views.advice, name="advice"),
]
