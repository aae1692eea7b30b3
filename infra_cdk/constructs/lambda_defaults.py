"""Lambda defaults in one place: runtime, architecture, logging, tracing, the code and the layer.

Every function runs ``services/`` (one asset) on python3.13/arm64 with JSON logs, X-Ray tracing and
a log group of its own with a retention; third-party packages come from one layer built with pip for
arm64 on this machine, so synth needs no Docker.
"""

from __future__ import annotations

import hashlib
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path
from typing import cast

import jsii
from aws_cdk import AssetHashType, BundlingOptions, DockerImage, Duration, ILocalBundling, RemovalPolicy
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_logs as logs
from constructs import Construct
from packaging.requirements import Requirement

ROOT = Path(__file__).resolve().parents[2]
RUNTIME = lambda_.Runtime.PYTHON_3_13
ARCHITECTURE = lambda_.Architecture.ARM_64
SKIP_LAYER_CONTEXT = "canger:skip-layer-build"
_BUNDLING_RECIPE = "pip-manylinux2014_aarch64-cp313-without-runtime-distributions-v2"
# boto3 is part of the Lambda runtime; shipping our own copy would add 80 MB for nothing.
_PROVIDED_BY_RUNTIME = {"boto3", "botocore"}
# What the runtime's boto3 brings: removed from the layer after pip (aws-xray-sdk pulls botocore in),
# so the layer can never shadow the runtime's botocore with a mismatched version.
_RUNTIME_DISTRIBUTIONS = (
    "boto3",
    "botocore",
    "s3transfer",
    "jmespath",
    "urllib3",
    "dateutil",
    "python_dateutil",
    "six",
)


def runtime_requirements() -> list[str]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    return [req for req in project["dependencies"] if Requirement(req).name not in _PROVIDED_BY_RUNTIME]


@jsii.implements(ILocalBundling)
class PipArm64Bundling:
    """Installs the runtime requirements as arm64/CPython 3.13 wheels into ``python/`` of the layer."""

    def __init__(self, requirements: list[str]) -> None:
        self.requirements = requirements

    def try_bundle(self, output_dir: str, options: object) -> bool:
        subprocess.run(  # noqa: S603 - fixed arguments, requirements come from our pyproject
            [
                sys.executable,
                "-m",
                "pip",
                "install",
                "--quiet",
                "--no-compile",
                "--platform",
                "manylinux2014_aarch64",
                "--implementation",
                "cp",
                "--python-version",
                "3.13",
                "--only-binary=:all:",
                "--target",
                f"{output_dir}/python",
                *self.requirements,
            ],
            check=True,
        )
        site = Path(output_dir) / "python"
        for name in _RUNTIME_DISTRIBUTIONS:
            for path in [*site.glob(name), *site.glob(f"{name}-*.dist-info"), *site.glob(f"{name}.py")]:
                shutil.rmtree(path) if path.is_dir() else path.unlink()
        return True


def dependency_layer(scope: Construct, *, skip_build: bool) -> lambda_.LayerVersion:
    requirements = runtime_requirements()
    source = str(ROOT / "infra_cdk" / "layer")
    if skip_build:
        code = lambda_.Code.from_asset(source)
    else:
        code = lambda_.Code.from_asset(
            source,
            asset_hash_type=AssetHashType.CUSTOM,
            # The requirements and the bundling recipe decide the content; bump the recipe on any change.
            asset_hash=hashlib.sha256("\n".join([_BUNDLING_RECIPE, *requirements]).encode()).hexdigest(),
            bundling=BundlingOptions(
                # Never pulled: local bundling succeeds first. CDK requires an image to be named.
                image=DockerImage.from_registry("public.ecr.aws/sam/build-python3.13"),
                # jsii passes the options as one struct; @jsii.implements is invisible to type checkers.
                local=cast(ILocalBundling, PipArm64Bundling(requirements)),
            ),
        )
    return lambda_.LayerVersion(
        scope,
        "Dependencies",
        code=code,
        compatible_runtimes=[RUNTIME],
        compatible_architectures=[ARCHITECTURE],
        description="Canger runtime dependencies: " + ", ".join(requirements),
    )


def service_code() -> lambda_.Code:
    """``services/`` as one asset, keeping the ``services.`` package path the handlers import."""
    return lambda_.Code.from_asset(
        str(ROOT),
        exclude=["*", "!services", "!services/**", "**/__pycache__", "**/*.pyc", "**/tests"],
    )


def log_group(scope: Construct, name: str, *, retention: logs.RetentionDays, removal: RemovalPolicy) -> logs.LogGroup:
    return logs.LogGroup(scope, f"{name}Logs", retention=retention, removal_policy=removal)


def function_settings(*, timeout_seconds: int, memory_mb: int) -> dict:
    """Keyword arguments every ``lambda_.Function`` of Canger shares."""
    return {
        "runtime": RUNTIME,
        "architecture": ARCHITECTURE,
        "timeout": Duration.seconds(timeout_seconds),
        "memory_size": memory_mb,
        "tracing": lambda_.Tracing.ACTIVE,
        "logging_format": lambda_.LoggingFormat.JSON,
        "application_log_level_v2": lambda_.ApplicationLogLevel.INFO,
        "system_log_level_v2": lambda_.SystemLogLevel.WARN,
    }
