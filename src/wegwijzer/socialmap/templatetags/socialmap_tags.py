"""Template helpers for the social map pages."""

from __future__ import annotations

from typing import Any

from django import template
from django.urls import reverse
from django.utils.html import format_html
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
    """The route guide's start page (reverse() adds the language prefix of the active language)."""
    return reverse("routeguide:start")


@register.inclusion_tag("socialmap/_kind_badge.html")
def kind_badge(kind: str, label: Any) -> dict[str, Any]:
    return {"kind": kind, "label": label}
