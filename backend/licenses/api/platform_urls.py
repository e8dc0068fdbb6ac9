from django.urls import path

from licenses.api import platform_views as views

urlpatterns = [
    path("platform/signing-roots", views.SigningRootListView.as_view(), name="signing-roots"),
    path(
        "platform/signing-roots/<str:kid>/activate",
        views.SigningRootActivateView.as_view(),
        name="signing-root-activate",
    ),
]
