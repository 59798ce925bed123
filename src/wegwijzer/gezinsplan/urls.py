"""Web pages of the gezinsplan, mounted at /gezinsplan/ (namespace "gezinsplan").

Path parameter names match the API's (gezinsplan_id, step, agreement_id, consent_id, meeting_id, verwijzing_id) plus membership_id,
so the authorization matrix test can fill every route from the URL list.
"""

from django.urls import path

from . import views

app_name = "gezinsplan"
C = "<uuid:gezinsplan_id>"

urlpatterns = [
    path("", views.my_gezinsplannen, name="my-gezinsplannen"),
    path("nieuw/", views.new, name="new"),
    path(f"{C}/", views.detail, name="detail"),
    path(f"{C}/stap/<int:step>/", views.step, name="step"),
    path(f"{C}/stap/<int:step>/delen/", views.step_share, name="step-share"),
    path(f"{C}/team/", views.team, name="team"),
    path(f"{C}/team/uitnodigen/", views.team_invite, name="team-invite"),
    path(f"{C}/team/<uuid:membership_id>/verwijderen/", views.team_remove, name="team-remove"),
    path(f"{C}/regie/", views.regie, name="regie"),
    path(f"{C}/afspraken/", views.agreements, name="agreements"),
    path(f"{C}/afspraken/<uuid:agreement_id>/", views.agreement_update, name="agreement-update"),
    path(f"{C}/toestemming/", views.consent, name="consent"),
    path(f"{C}/toestemming/<uuid:consent_id>/intrekken/", views.consent_withdraw, name="consent-withdraw"),
    path(f"{C}/mdo/", views.meetings, name="meetings"),
    path(f"{C}/mdo/<uuid:meeting_id>/", views.meeting, name="meeting"),
    path(f"{C}/mdo/<uuid:meeting_id>/uitnodiging.ics", views.meeting_ics, name="meeting-ics"),
    path(f"{C}/verwijzingen/", views.verwijzingen, name="verwijzingen"),
    path(f"{C}/verwijzingen/<uuid:verwijzing_id>/status/", views.verwijzing_status, name="verwijzing-status"),
    path(f"{C}/overdracht/", views.handover, name="handover"),
    path(f"{C}/terugkoppeling/", views.feedback, name="feedback"),
    path(f"{C}/tijdlijn/", views.timeline, name="timeline"),
    path(f"{C}/logboek/", views.audit, name="audit"),
    path(f"{C}/afdrukken/", views.print_plan, name="print"),
    path(f"{C}/export/fhir/", views.export_fhir, name="export-fhir"),
    path(f"{C}/sluiten/", views.close, name="close"),
]
