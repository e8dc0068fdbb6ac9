"""Mounted at /api/v1/auth/."""

from django.urls import path

from users.api import views

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
]
