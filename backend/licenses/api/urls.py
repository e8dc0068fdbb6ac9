from django.urls import path

from licenses.api import views

urlpatterns = [
    path("api/v1/licenses/acquire", views.AcquireView.as_view(), name="seat-acquire"),
    path("api/v1/licenses/heartbeat", views.HeartbeatView.as_view(), name="seat-heartbeat"),
    path("api/v1/licenses/release", views.ReleaseView.as_view(), name="seat-release"),
    path("api/v1/licenses/queue/cancel", views.QueueCancelView.as_view(), name="seat-queue-cancel"),
    path("api/v1/licenses/borrow", views.BorrowView.as_view(), name="seat-borrow"),
    path("api/v1/licenses/return", views.ReturnView.as_view(), name="seat-return"),
    path(".well-known/jwks.json", views.JwksView.as_view(), name="jwks"),
]
