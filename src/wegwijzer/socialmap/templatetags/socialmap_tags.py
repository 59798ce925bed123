"""Template helpers for the social map pages."""

from __future__ import annotations

from typing import Any

from django import template
from django.conf import settings
from django.urls import NoReverseMatch, reverse
from django.utils.html import format_html
from django.utils.translation import get_language
from django.utils.translation import gettext as _

register = template.Library()


@register.filter
def or_unknown(value: Any) -> str:
    """The value, or an explicit "onbekend" (class ww-unknown) when it is empty: never a blank."""
    if value is None or (isinstance(value, str) and not value.strip()) or value == []:
        return format_html('<span class="ww-unknown">{}</span>', _("onbekend"))
    return format_html("{}", value)


@register.simple_tag
def unknown() -> str:
    return format_html('<span class="ww-unknown">{}</span>', _("onbekend"))


@register.simple_tag
def route_guide_url() -> str:
    """The route guide's start page: by URL name when the routes app has one, else by path."""
    for name in ("routes:start", "routes:index", "routes:home"):
        try:
            return reverse(name)
        except NoReverseMatch:
            continue
    lang = get_language() or settings.LANGUAGE_CODE
    prefix = "" if lang == settings.LANGUAGE_CODE else f"/{lang}"
    return f"{prefix}/route/"


@register.inclusion_tag("socialmap/_kind_badge.html")
def kind_badge(kind: str, label: Any) -> dict[str, Any]:
    return {"kind": kind, "label": label}
