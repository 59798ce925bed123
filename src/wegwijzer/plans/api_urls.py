"""JSON API routes of the gezinsplan, mounted under /api/v1/ by wegwijzer.core.api_urls.

Path parameter names are fixed (the authorization matrix test fills them): case_id, step, agreement_id,
consent_id, meeting_id, username.
"""

from django.urls import path

from wegwijzer.plans import api

C = "cases/<uuid:case_id>"

urlpatterns: list = [
    path("cases", api.cases, name="api-cases"),
    path(C, api.case, name="api-case"),
    path(f"{C}/close", api.case_close, name="api-case-close"),
    path(f"{C}/members", api.members, name="api-case-members"),
    path(f"{C}/members/<str:username>", api.member, name="api-case-member"),
    path(f"{C}/regie", api.regie, name="api-case-regie"),
    path(f"{C}/plan", api.plan, name="api-case-plan"),
    path(f"{C}/plan/<int:step>", api.plan_step, name="api-case-plan-step"),
    path(f"{C}/agreements", api.agreements, name="api-case-agreements"),
    path(f"{C}/agreements/<uuid:agreement_id>", api.agreement, name="api-case-agreement"),
    path(f"{C}/consents", api.consents, name="api-case-consents"),
    path(f"{C}/consents/<uuid:consent_id>/withdraw", api.consent_withdraw, name="api-case-consent-withdraw"),
    path(f"{C}/meetings", api.meetings, name="api-case-meetings"),
    path(f"{C}/meetings/<uuid:meeting_id>", api.meeting, name="api-case-meeting"),
    path(f"{C}/meetings/<uuid:meeting_id>.ics", api.meeting_ics, name="api-case-meeting-ics"),
    path(
        f"{C}/meetings/<uuid:meeting_id>/agreements",
        api.meeting_agreements,
        name="api-case-meeting-agreements",
    ),
    path(f"{C}/handovers", api.handovers, name="api-case-handovers"),
    path(f"{C}/feedback", api.feedback, name="api-case-feedback"),
    path(f"{C}/timeline", api.timeline, name="api-case-timeline"),
    path(f"{C}/audit", api.audit, name="api-case-audit"),
    path(f"{C}/export/fhir", api.export_fhir, name="api-case-export-fhir"),
]
