from django.urls import path

from webhooks.api import views

ENDPOINT = "orgs/<str:org>/webhooks/<uuid:endpoint_id>"

urlpatterns = [
    path("orgs/<str:org>/webhooks", views.EndpointListView.as_view(), name="webhooks"),
    path(
        "orgs/<str:org>/webhook-event-types",
        views.EventTypeListView.as_view(),
        name="webhook-event-types",
    ),
    path(ENDPOINT, views.EndpointDetailView.as_view(), name="webhook-detail"),
    path(
        f"{ENDPOINT}/rotate-secret",
        views.EndpointRotateSecretView.as_view(),
        name="webhook-rotate-secret",
    ),
    path(f"{ENDPOINT}/test", views.EndpointTestView.as_view(), name="webhook-test"),
    path(f"{ENDPOINT}/deliveries", views.DeliveryListView.as_view(), name="webhook-deliveries"),
    path(
        f"{ENDPOINT}/deliveries/<uuid:delivery_id>/redeliver",
        views.DeliveryRedeliverView.as_view(),
        name="webhook-redeliver",
    ),
    path(
        "orgs/<str:org>/licenses/<uuid:license_id>/utilization-thresholds",
        views.UtilizationThresholdsView.as_view(),
        name="license-utilization-thresholds",
    ),
    path(
        "orgs/<str:org>/notification-preferences",
        views.NotificationPreferenceView.as_view(),
        name="notification-preferences",
    ),
]
