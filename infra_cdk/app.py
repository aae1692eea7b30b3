"""CDK entry point (``cdk.json``): ``npx aws-cdk@2 synth`` / ``deploy``.

Context: ``allowed_origins`` (comma-separated front-end origins), ``canger:skip-layer-build``
(package the layer folder as is; tests use it to synthesize without pip downloads),
``open_data_grant_prefix`` / ``open_data_recipient_prefix`` / ``open_data_funder_prefix`` (360Giving
identifiers; README, "Open data").
"""

from __future__ import annotations

import aws_cdk as cdk
from cdk_nag import AwsSolutionsChecks

from infra_cdk.constructs.lambda_defaults import SKIP_LAYER_CONTEXT
from infra_cdk.stack import CangerStack
from services.common.config import OPEN_DATA_PREFIXES


def build_app(app: cdk.App | None = None) -> cdk.App:
    app = app or cdk.App()
    # Feature flags the constructs rely on, set here so that `cdk synth` and the tests agree:
    # S3 access logs delivered through a bucket policy, not the legacy LogDeliveryWrite ACL.
    app.node.set_context("@aws-cdk/aws-s3:serverAccessLogsUseBucketPolicy", True)
    origins = str(app.node.try_get_context("allowed_origins") or "https://canger.example.org")
    CangerStack(
        app,
        "Canger",
        allowed_origins=[o.strip() for o in origins.split(",") if o.strip()],
        skip_layer_build=str(app.node.try_get_context(SKIP_LAYER_CONTEXT)).lower() == "true",
        open_data_prefixes={
            key: str(value)
            for key in OPEN_DATA_PREFIXES
            if (value := app.node.try_get_context(f"open_data_{key}_prefix"))
        },
        description="Canger: community service complex back end (appeals, volunteers, projects, statistics)",
    )
    cdk.Aspects.of(app).add(AwsSolutionsChecks(verbose=True))
    return app


if __name__ == "__main__":
    build_app().synth()
