from django.conf import settings
from django.http import HttpRequest


def site(request: HttpRequest) -> dict:
    return {"THEME_CSS": settings.THEME_CSS, "THEME_CLASS": settings.THEME_CLASS}
