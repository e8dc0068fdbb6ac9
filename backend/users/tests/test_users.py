import pytest

from users.models import ExternalIdentity, User


def test_users_sign_in_by_lowercased_email_with_argon2(db):
    user = User.objects.create_user("Alice@Example.com", "correct horse battery")
    assert user.email == "alice@example.com" and str(user) == "alice@example.com"
    assert user.password.startswith("argon2")
    assert user.check_password("correct horse battery")


def test_a_user_needs_an_email(db):
    with pytest.raises(ValueError, match="email"):
        User.objects.create_user("", "pw")


def test_superusers_are_staff(db):
    admin = User.objects.create_superuser("root@example.com", "pw-123456789")
    assert admin.is_staff and admin.is_superuser


def test_external_identities_link_to_a_user(db):
    user = User.objects.create_user("bob@example.com", "pw-123456789")
    identity = ExternalIdentity.objects.create(user=user, provider="github", subject="42")
    assert str(identity) == "github:42"
