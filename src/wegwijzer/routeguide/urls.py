from django.urls import path

from . import views, views_content

app_name = "routeguide"
urlpatterns = [
    path("", views.start, name="start"),
    path("stap/<slug:slug>/", views.step, name="step"),
    path("samenvatting/", views.summary, name="summary"),
    path("advies/", views.advice, name="advice"),
    path("redactie/", views_content.content_home, name="content-home"),
    path("redactie/bestand/<path:path>", views_content.content_file, name="content-file"),
    path("redactie/concept/<int:draft_id>/", views_content.content_draft, name="content-draft"),
    path("redactie/regel/<str:rule_id>/", views_content.content_rule, name="content-rule"),
    path("redactie/concept/<int:draft_id>/vignet/", views_content.content_vignette_add, name="content-vignette-add"),
    path("redactie/concept/<int:draft_id>/<slug:action>/", views_content.content_draft_action,
         name="content-draft-action"),
    path("redactie/release/<str:version>/terugzetten/", views_content.content_rollback, name="content-rollback"),
]
