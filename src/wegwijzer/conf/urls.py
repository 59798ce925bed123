from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.urls import URLPattern, URLResolver, include, path

from wegwijzer.accounts.admin_site import require_two_factor
from wegwijzer.conf import api
from wegwijzer.socialmap import views as socialmap_views

require_two_factor(admin.site)

urlpatterns: list[URLPattern | URLResolver] = [
    path("i18n/", include("django.conf.urls.i18n")),
    path("api/v1/", api.urls()),
    path("beheer/", admin.site.urls),
]
urlpatterns += i18n_patterns(
    path("", include(([path("", socialmap_views.home, name="home")], "core"))),  # the map is the home page
    path("kaart/", include("wegwijzer.socialmap.urls")),
    path("route/", include("wegwijzer.routeguide.urls")),
    path("gezinsplan/", include("wegwijzer.gezinsplan.urls")),
    path("leren/", include("wegwijzer.leren.urls")),
    path("inzicht/", include("wegwijzer.inzicht.urls")),
    path("account/", include("wegwijzer.accounts.urls")),
    path("aanbieder/", include("wegwijzer.providers.urls")),
    path("ouders/", include("wegwijzer.ouders.urls")),
    path("uitnodiging/", include("wegwijzer.gezinsplan.invite_urls")),
    prefix_default_language=False,
)

handler400 = "wegwijzer.core.views.bad_request"
handler404 = "wegwijzer.core.views.not_found"
handler500 = "wegwijzer.core.views.server_error"
