from django.contrib import admin
from django.urls import include, path, re_path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

from core.api import NotFoundApi

api_v1 = [
    path("sectors/", include("sectors.api_urls")),
    path("places/", include("places.api_urls")),
    path("auth/", include("accounts.api_urls")),
    path("opportunities/", include("opportunities.api_urls")),
    path("", include("anchors.api_urls")),
    path("businesses/", include("suppliers.api_urls")),
    path("", include("matching.api_urls")),
    path("", include("events.api_urls")),
    # Last: any other address under /api/v1/ is a 404 in the API's error shape.
    re_path(r"^.*$", NotFoundApi.as_view(), name="api-not-found"),
]

urlpatterns = [
    path("", include("opportunities.urls")),
    path("accounts/", include("accounts.urls")),
    path("sectors/", include("sectors.urls")),
    path("business/", include("suppliers.urls")),
    path("buyer/", include("anchors.urls")),
    path("", include("matching.urls")),
    path("network/", include("network.urls")),
    path("ocds/", include("ocds.urls")),
    path("events/", include("events.urls")),
    path("admin/", admin.site.urls),
    path("api/v1/", include(api_v1)),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("api/docs/", SpectacularSwaggerView.as_view(url_name="api-schema"), name="api-docs"),
]

handler400 = "core.views.bad_request"
handler403 = "core.views.permission_denied"
handler404 = "core.views.page_not_found"
handler500 = "core.views.server_error"
