from django.urls import path

from licenses.api import views

urlpatterns = [
    path("api/v1/licenses/acquire", views.AcquireView.as_view(), name="seat-acquire"),
    path("api/v1/licenses/heartbeat", views.HeartbeatView.as_view(), name="seat-heartbeat"),
    path("api/v1/licenses/release", views.ReleaseView.as_view(), name="seat-release"),
    path(".well-known/jwks.json", views.JwksView.as_view(), name="jwks"),
]
