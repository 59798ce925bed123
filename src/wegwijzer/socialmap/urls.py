from django.urls import path

from . import views, views_editorial

app_name = "socialmap"
urlpatterns = [
    path("", views.search, name="index"),
    path("zoeken/", views.search, name="search"),
    path("wijken/", views.wijken, name="wijken"),
    path("wijk/<slug:slug>/", views.wijk, name="wijk"),
    path("wie-doet-wat/", views.wie_doet_wat, name="wie-doet-wat"),
    path("redactie/", views_editorial.editorial_home, name="editorial"),
    path("redactie/volledigheid/", views_editorial.editorial_completeness, name="editorial-completeness"),
    path("redactie/correcties/<uuid:correction_id>/", views_editorial.editorial_correction,
         name="editorial-correction"),
    path("redactie/voorstellen/", views_editorial.editorial_proposals, name="editorial-proposals"),
    path("redactie/voorstellen/<uuid:proposal_id>/", views_editorial.editorial_proposal, name="editorial-proposal"),
    path("<slug:slug>/klopt-er-iets-niet/", views_editorial.correction_new, name="correction"),
    path("<slug:slug>/klopt-er-iets-niet/bedankt/", views_editorial.correction_thanks, name="correction-thanks"),
    path("<slug:slug>/", views.detail, name="detail"),
]
