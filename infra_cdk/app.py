"""CDK entry point (``cdk.json``): ``npx aws-cdk@2 synth`` / ``deploy``.

Context: ``allowed_origins`` (comma-separated front-end origins), ``canger:skip-layer-build``
(package the layer folder as is; tests use it to synthesize without pip downloads).
"""

from __future__ import annotations

import aws_cdk as cdk
from cdk_nag import AwsSolutionsChecks

from infra_cdk.constructs.lambda_defaults import SKIP_LAYER_CONTEXT
from infra_cdk.stack import CangerStack


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
        description="Canger: community service complex back end (appeals, volunteers, projects, statistics)",
    )
    cdk.Aspects.of(app).add(AwsSolutionsChecks(verbose=True))
    return app


if __name__ == "__main__":
    build_app().synth()
