"""OpenID Connect sign-in beside local accounts (mozilla-django-oidc), with the role taken from a claim."""

from __future__ import annotations

import logging

from django.conf import settings
from mozilla_django_oidc.auth import OIDCAuthenticationBackend

from org.choices import Role

logger = logging.getLogger("fallmanagement.audit")


def role_from_claims(claims: dict) -> str | None:
    """The first value of the role claim that maps to a role (OIDC_ROLE_MAP, or a role code itself)."""
    values = claims.get(settings.OIDC_ROLE_CLAIM) or []
    if isinstance(values, str):
        values = [values]
    mapping = settings.OIDC_ROLE_MAP
    for value in values:
        role = mapping.get(value, value)
        if role in Role.values:
            return role
    return None


class RoleMappingOIDCBackend(OIDCAuthenticationBackend):
    """Matches the directory account to a Staff row by username (`preferred_username`) or e-mail and
    sets the role from the claim on every sign-in. Without a mappable role there is no sign-in."""

    def verify_claims(self, claims) -> bool:
        return super().verify_claims(claims) and role_from_claims(claims) is not None

    def filter_users_by_claims(self, claims):
        username = claims.get("preferred_username")
        if username:
            users = self.UserModel.objects.filter(username__iexact=username, is_active=True)
            if users.exists():
                return users
        email = claims.get("email")
        if not email:
            return self.UserModel.objects.none()
        return self.UserModel.objects.filter(email__iexact=email, is_active=True)

    def create_user(self, claims):
        user = self.UserModel.objects.create_user(
            username=claims.get("preferred_username") or claims["email"],
            email=claims.get("email", ""),
            first_name=claims.get("given_name", "")[:150],
            last_name=claims.get("family_name", "")[:150],
            role=role_from_claims(claims),
        )
        user.set_unusable_password()
        user.save(update_fields=["password"])
        return user

    def update_user(self, user, claims):
        role = role_from_claims(claims)
        if role and role != user.role:
            logger.info("OIDC: role of %s changed from %s to %s", user.pk, user.role, role)
            user.role = role
            user.save(update_fields=["role"])
        return user
