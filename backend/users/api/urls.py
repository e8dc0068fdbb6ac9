"""Mounted at /api/v1/auth/."""

from django.urls import path

from users.api import device_views, sign_in_views, two_factor_views, views

urlpatterns = [
    path("register", views.RegisterView.as_view(), name="auth-register"),
    path("login", views.LoginView.as_view(), name="auth-login"),
    path("refresh", views.RefreshView.as_view(), name="auth-refresh"),
    path("logout", views.LogoutView.as_view(), name="auth-logout"),
    path("me", views.MeView.as_view(), name="auth-me"),
    path("password/change", views.PasswordChangeView.as_view(), name="auth-password-change"),
    path("password/reset", views.PasswordResetView.as_view(), name="auth-password-reset"),
    path(
        "password/reset/confirm",
        views.PasswordResetConfirmView.as_view(),
        name="auth-password-reset-confirm",
    ),
    path(
        "login/two-factor",
        two_factor_views.TwoFactorSignInView.as_view(),
        name="auth-login-two-factor",
    ),
    path("two-factor", two_factor_views.TwoFactorStatusView.as_view(), name="auth-two-factor"),
    path(
        "two-factor/totp",
        two_factor_views.TotpSetupView.as_view(),
        name="auth-two-factor-totp",
    ),
    path(
        "two-factor/totp/confirm",
        two_factor_views.TotpConfirmView.as_view(),
        name="auth-two-factor-totp-confirm",
    ),
    path(
        "two-factor/disable",
        two_factor_views.TwoFactorDisableView.as_view(),
        name="auth-two-factor-disable",
    ),
    path(
        "two-factor/recovery-codes",
        two_factor_views.RecoveryCodesView.as_view(),
        name="auth-two-factor-recovery-codes",
    ),
    path("providers", sign_in_views.SignInProvidersView.as_view(), name="auth-providers"),
    path(
        "providers/<str:provider>/start",
        sign_in_views.SignInStartView.as_view(),
        name="auth-provider-start",
    ),
    path(
        "providers/<str:provider>/callback",
        sign_in_views.SignInCallbackView.as_view(),
        name="auth-provider-callback",
    ),
    path("device/code", device_views.DeviceAuthorizationView.as_view(), name="auth-device-code"),
    path("device/token", device_views.DeviceTokenView.as_view(), name="auth-device-token"),
    path("device/lookup", device_views.DeviceLookupView.as_view(), name="auth-device-lookup"),
    path("device/decide", device_views.DeviceDecideView.as_view(), name="auth-device-decide"),
    path("devices", device_views.DeviceSignInListView.as_view(), name="auth-devices"),
    path(
        "devices/<uuid:family_id>",
        device_views.DeviceSignInDetailView.as_view(),
        name="auth-device",
    ),
    path("id-token", sign_in_views.IdTokenSignInView.as_view(), name="auth-id-token"),
    path("identities", sign_in_views.IdentityListView.as_view(), name="auth-identities"),
    path(
        "identities/<int:identity_id>",
        sign_in_views.IdentityDetailView.as_view(),
        name="auth-identity",
    ),
]
