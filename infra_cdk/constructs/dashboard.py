"""The public dashboard (``web/dist``): a private S3 bucket behind CloudFront with origin access control.

    reader ──► CloudFront (HTTPS only, security headers) ──OAC──► private bucket
                   index.html, config.json     no-cache (a deploy is seen at once)
                   assets/<hash>.js|css        cached a year (names change with content)

``config.json`` is written by the deployment next to the page: ``{"api_url": <the HTTP API's URL>}``,
so one build of ``web/`` serves any stack. The built files must exist at synth time: ``make synth``
and ``make test`` build them (``make web``); a bare ``cdk synth`` on a fresh clone stops with a
message saying so rather than deploying an empty site.

Two steps, because the API's CORS needs the dashboard's origin and the page needs the API's URL::

    dashboard = Dashboard(self, "Dashboard", removal_policy=...)      # bucket, distribution
    api = HttpApi(..., allowed_origins=[..., dashboard.origin])
    dashboard.publish(api_url=api.url)                                 # the files and config.json
"""

from __future__ import annotations

from pathlib import Path

from aws_cdk import Duration, RemovalPolicy
from aws_cdk import aws_cloudfront as cloudfront
from aws_cdk import aws_cloudfront_origins as origins
from aws_cdk import aws_s3 as s3
from aws_cdk import aws_s3_deployment as s3deploy
from cdk_nag import NagSuppressions
from constructs import Construct

from infra_cdk.constructs.lambda_defaults import ROOT

WEB_DIST = ROOT / "web" / "dist"


class DashboardNotBuilt(RuntimeError):
    """``web/dist`` is missing: the stack would deploy a dashboard without a page."""


class Dashboard(Construct):
    def __init__(
        self, scope: Construct, construct_id: str, *, removal_policy: RemovalPolicy, dist: Path = WEB_DIST
    ) -> None:
        super().__init__(scope, construct_id)
        if not (dist / "index.html").is_file():
            raise DashboardNotBuilt(f"{dist} has no index.html: run `make web` (npm ci and vite build in web/) first")
        self.dist = dist
        destroy = removal_policy == RemovalPolicy.DESTROY
        self.logs = s3.Bucket(
            self,
            "AccessLogs",
            block_public_access=s3.BlockPublicAccess.BLOCK_ALL,
            encryption=s3.BucketEncryption.S3_MANAGED,
            enforce_ssl=True,
            # CloudFront's standard logging writes with an ACL, so this bucket (only) keeps ACLs enabled.
            object_ownership=s3.ObjectOwnership.OBJECT_WRITER,
            lifecycle_rules=[s3.LifecycleRule(expiration=Duration.days(400))],
            removal_policy=removal_policy,
            auto_delete_objects=destroy,
        )
        self.bucket = s3.Bucket(
            self,
            "Site",
            block_public_access=s3.BlockPublicAccess.BLOCK_ALL,  # only CloudFront reads it (OAC)
            encryption=s3.BucketEncryption.S3_MANAGED,
            enforce_ssl=True,
            object_ownership=s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
            server_access_logs_bucket=self.logs,
            server_access_logs_prefix="site/",
            # Nothing here is data: every file is rebuilt from web/ and deployed again.
            removal_policy=RemovalPolicy.DESTROY if destroy else removal_policy,
            auto_delete_objects=destroy,
        )
        self.distribution = cloudfront.Distribution(
            self,
            "Distribution",
            comment="Canger public dashboard",
            default_root_object="index.html",
            default_behavior=cloudfront.BehaviorOptions(
                origin=origins.S3BucketOrigin.with_origin_access_control(self.bucket),
                viewer_protocol_policy=cloudfront.ViewerProtocolPolicy.REDIRECT_TO_HTTPS,
                allowed_methods=cloudfront.AllowedMethods.ALLOW_GET_HEAD,
                cache_policy=cloudfront.CachePolicy.CACHING_OPTIMIZED,
                response_headers_policy=cloudfront.ResponseHeadersPolicy.SECURITY_HEADERS,
                compress=True,
            ),
            price_class=cloudfront.PriceClass.PRICE_CLASS_ALL,  # readers are in China and abroad
            http_version=cloudfront.HttpVersion.HTTP2_AND_3,
            enable_logging=True,
            log_bucket=self.logs,
            log_file_prefix="cloudfront/",
        )
        self.url = f"https://{self.distribution.distribution_domain_name}/"
        self.origin = f"https://{self.distribution.distribution_domain_name}"
        NagSuppressions.add_resource_suppressions(
            self.logs,
            [
                {
                    "id": "AwsSolutions-S1",
                    "reason": "This is the access-log bucket of the dashboard's bucket and distribution; logging "
                    "it into itself would loop. Its objects expire after 400 days.",
                }
            ],
        )
        NagSuppressions.add_resource_suppressions(
            self.distribution,
            [
                {
                    "id": "AwsSolutions-CFR1",
                    "reason": "The dashboard shows public figures meant for anyone, anywhere: no geo restriction.",
                },
                {
                    "id": "AwsSolutions-CFR2",
                    "reason": "Static, read-only public files (GET/HEAD only, cached at the edge); the API it calls "
                    "has its own throttling. A city that wants a WAF web ACL (us-east-1, billed monthly) attaches one.",
                },
                {
                    "id": "AwsSolutions-CFR4",
                    "reason": "The distribution uses the default *.cloudfront.net certificate, for which CloudFront "
                    "fixes the minimum TLS version; a custom domain with its own certificate would set TLSv1.2_2021.",
                },
            ],
        )

    def publish(self, *, api_url: str) -> None:
        """Deploy the built files, and ``config.json`` pointing the page at ``api_url``."""
        # Hashed assets first, cached for a year; old ones stay (prune=False) for pages still open.
        assets = s3deploy.BucketDeployment(
            self,
            "Assets",
            sources=[s3deploy.Source.asset(str(self.dist), exclude=["index.html"])],
            destination_bucket=self.bucket,
            cache_control=[s3deploy.CacheControl.from_string("public, max-age=31536000, immutable")],
            prune=False,
            memory_limit=256,
        )
        page = s3deploy.BucketDeployment(
            self,
            "Page",
            sources=[
                s3deploy.Source.asset(str(self.dist), exclude=["assets", "assets/*"]),
                s3deploy.Source.json_data("config.json", {"api_url": api_url}),
            ],
            destination_bucket=self.bucket,
            cache_control=[s3deploy.CacheControl.from_string("no-cache")],
            prune=False,
            distribution=self.distribution,
            distribution_paths=["/", "/index.html", "/config.json"],
            memory_limit=256,
        )
        page.node.add_dependency(assets)  # the page is never live before the files it loads
        # Both deployments share one CDK-provided copy function and role (a singleton per stack).
        NagSuppressions.add_resource_suppressions(
            assets.handler_role,
            [
                {
                    "id": "AwsSolutions-IAM4",
                    "reason": "CDK's BucketDeployment function logs through AWSLambdaBasicExecutionRole; it only "
                    "writes its own log group and runs at deploy time, never on a reader's request.",
                    "applies_to": [
                        "Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole"
                    ],
                },
                {
                    "id": "AwsSolutions-IAM5",
                    "reason": "CDK's BucketDeployment grants: read the CDK asset bucket's staged zips, write/delete "
                    "objects of the dashboard bucket only (object ARNs end in /*); CloudFront invalidations have "
                    "no resource-level permissions, hence Resource::*.",
                    "applies_to": [
                        "Action::s3:GetObject*",
                        "Action::s3:GetBucket*",
                        "Action::s3:List*",
                        "Action::s3:DeleteObject*",
                        "Action::s3:Abort*",
                        "Resource::arn:<AWS::Partition>:s3:::cdk-hnb659fds-assets-<AWS::AccountId>-<AWS::Region>/*",
                        "Resource::<DashboardSiteAB106610.Arn>/*",
                        "Resource::*",
                    ],
                },
            ],
            apply_to_children=True,
        )
