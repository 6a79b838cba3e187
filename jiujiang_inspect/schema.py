"""OpenAPI description of the bearer-token authentication (drf-spectacular)."""
from drf_spectacular.extensions import OpenApiAuthenticationExtension


class BearerTokenScheme(OpenApiAuthenticationExtension):
    target_class = "jiujiang_inspect.tokens.BearerTokenAuthentication"
    name = "bearerAuth"

    def get_security_definition(self, auto_schema):
        return {"type": "http", "scheme": "bearer", "description": "工作人员令牌（/api/v1/auth/token/）或平台令牌"}
