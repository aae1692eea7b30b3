"""The HTTP API: a JWT authorizer on every non-public route, access logs, throttling, CORS.

Routes come from ``services.catalog``: the same table the local server routes with.
"""

from __future__ import annotations

import jsii
from aws_cdk import Stack
from aws_cdk import aws_apigateway as apigateway
from aws_cdk import aws_apigatewayv2 as apigw
from aws_cdk import aws_apigatewayv2_authorizers as authorizers
from aws_cdk import aws_apigatewayv2_integrations as integrations
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_logs as logs
from cdk_nag import NagSuppressions
from constructs import Construct

from infra_cdk.constructs.users import UserDirectory
from services import catalog

# One JSON line per request; no query string and no body, which may carry personal data.
ACCESS_LOG_FORMAT = (
    '{"requestId":"$context.requestId","ip":"$context.identity.sourceIp","time":"$context.requestTime",'
    '"method":"$context.httpMethod","routeKey":"$context.routeKey","status":"$context.status",'
    '"latencyMs":"$context.responseLatency","integrationError":"$context.integrationErrorMessage",'
    '"authorizerError":"$context.authorizer.error","sub":"$context.authorizer.claims.sub"}'
)


@jsii.implements(apigw.IAccessLogSettings)
class _AccessLogs:
    def __init__(self, group: logs.LogGroup) -> None:
        self._destination = apigw.LogGroupLogDestination(group)

    @property
    def destination(self) -> apigw.IAccessLogDestination:
        return self._destination

    @property
    def format(self) -> apigateway.AccessLogFormat:
        return apigateway.AccessLogFormat.custom(ACCESS_LOG_FORMAT)


class HttpApi(Construct):
    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        functions: dict[str, lambda_.Function],
        users: UserDirectory,
        allowed_origins: list[str],
        rate_limit: int,
        burst_limit: int,
        log_retention: logs.RetentionDays,
    ) -> None:
        super().__init__(scope, construct_id)
        region = Stack.of(self).region
        default = catalog.default_function()
        self.api = apigw.HttpApi(
            self,
            "Api",
            description="Canger HTTP API v1",
            create_default_stage=False,
            cors_preflight=apigw.CorsPreflightOptions(
                allow_origins=allowed_origins,
                allow_methods=[
                    apigw.CorsHttpMethod.GET,
                    apigw.CorsHttpMethod.POST,
                    apigw.CorsHttpMethod.PATCH,
                    apigw.CorsHttpMethod.PUT,  # the calendar and the appeal policy
                ],
                allow_headers=["authorization", "content-type", "idempotency-key"],
                expose_headers=["location", "idempotent-replayed"],
            ),
        )
        access_logs = logs.LogGroup(self, "AccessLogs", retention=log_retention)
        self.stage = apigw.HttpStage(
            self,
            "DefaultStage",
            http_api=self.api,
            stage_name="$default",
            auto_deploy=True,
            throttle=apigw.ThrottleSettings(rate_limit=rate_limit, burst_limit=burst_limit),
            access_log_settings=_AccessLogs(access_logs),
        )
        jwt = authorizers.HttpJwtAuthorizer(
            "Cognito",
            f"https://cognito-idp.{region}.amazonaws.com/{users.pool.user_pool_id}",
            jwt_audience=[users.client.user_pool_client_id],
        )
        # Unmatched routes reach the directory function, which answers with a problem+json 404.
        fallback = apigw.HttpRoute(
            self,
            "Fallback",
            http_api=self.api,
            route_key=apigw.HttpRouteKey.DEFAULT,
            integration=integrations.HttpLambdaIntegration("FallbackIntegration", functions[default.name]),
        )
        public_routes: list[str] = [fallback.node.path]
        for spec in catalog.http_functions():
            integration = integrations.HttpLambdaIntegration(f"{spec.name}Integration", functions[spec.name])
            for route in spec.routes:
                added = self.api.add_routes(
                    path=route.path,
                    methods=[apigw.HttpMethod(route.method)],
                    integration=integration,
                    authorizer=apigw.HttpNoneAuthorizer() if route.public else jwt,
                )
                if route.public:
                    public_routes.extend(r.node.path for r in added)
        self._suppress_public(public_routes)

    def _suppress_public(self, paths: list[str]) -> None:
        for path in paths:
            NagSuppressions.add_resource_suppressions_by_path(
                Stack.of(self),
                path,
                [
                    {
                        "id": "AwsSolutions-APIG4",
                        "reason": "Public by contract (API.md, 'Callers and roles'): reference data, "
                        "published figures and the OpenAPI document need no token.",
                    }
                ],
                apply_to_children=True,
            )

    @property
    def url(self) -> str:
        return self.stage.url
