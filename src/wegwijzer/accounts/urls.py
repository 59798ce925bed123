from django.urls import path

from . import views

app_name = "accounts"
urlpatterns = [
    path("", views.account_overview, name="overview"),
    path("inloggen/", views.login_view, name="login"),
    path("tweestapsverificatie/instellen/", views.otp_setup, name="otp-setup"),
    path("tweestapsverificatie/reservecodes/", views.backup_codes, name="backup-codes"),
    path("tweestapsverificatie/", views.otp_verify, name="otp-verify"),
    path("uitloggen/", views.logout_view, name="logout"),
]
