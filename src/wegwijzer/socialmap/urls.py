from django.urls import path

from . import views

app_name = "socialmap"
urlpatterns = [
    path("", views.search, name="index"),
    path("zoeken/", views.search, name="search"),
    path("wijken/", views.wijken, name="wijken"),
    path("wijk/<slug:slug>/", views.wijk, name="wijk"),
    path("wie-doet-wat/", views.wie_doet_wat, name="wie-doet-wat"),
    path("<slug:slug>/", views.detail, name="detail"),
]
