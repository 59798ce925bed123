from typing import Any

from django.conf import settings
from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from .navigation import items_for


def site(request: HttpRequest) -> dict:
    return {"THEME_CSS": settings.THEME_CSS, "THEME_CLASS": settings.THEME_CLASS}


def main_nav(request: HttpRequest) -> dict[str, Any]:
    """The role-based menu items (core.navigation); lazy: pages that do not render the menu ask nothing."""
    return {"main_nav": SimpleLazyObject(lambda: items_for(getattr(request, "user", None)))}
