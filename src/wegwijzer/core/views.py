from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render


def home(request: HttpRequest) -> HttpResponse:
    # The home page is the social map's search entry; socialmap.views.home renders it.
    from wegwijzer.socialmap.views import home as socialmap_home

    return socialmap_home(request)


def _wants_json(request: HttpRequest) -> bool:
    return request.path.startswith("/api/")


def not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    if _wants_json(request):
        return JsonResponse({"detail": "Niet gevonden."}, status=404)
    return render(request, "core/404.html", status=404)


def server_error(request: HttpRequest) -> HttpResponse:
    if _wants_json(request):
        return JsonResponse({"detail": "Er ging iets mis aan onze kant. Probeer het later opnieuw."}, status=500)
    return render(request, "core/500.html", status=500)


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """A refused form post: a Dutch page in the browser, a JSON body on the API."""
    if _wants_json(request):
        return JsonResponse(
            {"detail": "Verzoek geweigerd: de beveiligingscontrole (CSRF) ontbreekt of is verlopen."}, status=403
        )
    return render(request, "403_csrf.html", status=403)
