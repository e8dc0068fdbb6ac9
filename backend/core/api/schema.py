"""OpenAPI security schemes for our own authentication classes.

simplejwt's ``JWTAuthentication`` is described by drf-spectacular's bundled
extension (scheme ``jwtAuth``); this module adds ``apiToken`` for organization API
tokens. Extensions register themselves when this module is imported (an
``AppConfig.ready``).
"""

from drf_spectacular.extensions import OpenApiAuthenticationExtension


class ApiTokenScheme(OpenApiAuthenticationExtension):
    target_class = "core.authentication.ApiTokenAuthentication"
    name = "apiToken"

    def get_security_definition(self, auto_schema) -> dict:
        return {
            "type": "http",
            "scheme": "bearer",
            "bearerFormat": "cot_…",
            "description": (
                "An organization API token: `Authorization: Bearer cot_…`. It works only "
                "under its own organization's `/api/v1/orgs/{org}/…` paths, with its role."
            ),
        }
