from django.urls import path

from . import views

app_name = "providers"
urlpatterns = [
    path("wachttijden/", views.wait_times, name="wait-times"),
    path("wachttijden/<uuid:service_id>/", views.wait_time_new, name="wait-time"),
    path("gegevens/", views.records, name="records"),
    path("gegevens/<slug:kind>/<slug:slug>/", views.record_propose, name="record-propose"),
]
