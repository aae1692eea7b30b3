"""``make synth``: synthesize the stack to ``cdk.out/`` (no Docker), then cdk-nag and cfn-lint.

Exits non-zero on any unsuppressed AwsSolutions finding or cfn-lint error. The tests use the same
two checks on their own synthesis.

    .venv/bin/python -m infra_cdk.check [--skip-layer-build]
"""

from __future__ import annotations

import argparse
import subprocess
import sys
from pathlib import Path

import aws_cdk as cdk
from aws_cdk import cx_api

from infra_cdk.app import build_app
from infra_cdk.constructs.lambda_defaults import ROOT, SKIP_LAYER_CONTEXT

STACK = "Canger"


def nag_findings(assembly: cx_api.CloudAssembly) -> list[str]:
    """Unsuppressed cdk-nag findings (errors and warnings) of the stack."""
    return [
        f"{message.id}: {message.entry.data}"
        for message in assembly.get_stack_by_name(STACK).messages
        if message.entry.type in ("aws:cdk:error", "aws:cdk:warning") and "AwsSolutions" in str(message.entry.data)
    ]


def cfn_lint(template_path: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(  # noqa: S603 - our own template, our own tool
        [
            str(Path(sys.executable).with_name("cfn-lint")),
            "--config-file",
            str(ROOT / ".cfnlintrc"),
            template_path,
        ],
        capture_output=True,
        text=True,
        cwd=ROOT,
    )


def synth(outdir: str, *, skip_layer_build: bool) -> cx_api.CloudAssembly:
    app = cdk.App(context={SKIP_LAYER_CONTEXT: str(skip_layer_build).lower()}, outdir=outdir)
    build_app(app)
    return app.synth()


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--skip-layer-build", action="store_true")
    parser.add_argument("--outdir", default=str(ROOT / "cdk.out"))
    args = parser.parse_args()
    assembly = synth(args.outdir, skip_layer_build=args.skip_layer_build)
    template = assembly.get_stack_by_name(STACK).template_full_path
    findings = nag_findings(assembly)
    lint = cfn_lint(template)
    for finding in findings:
        print(f"cdk-nag: {finding}")
    if lint.returncode != 0:
        print(lint.stdout + lint.stderr)
    print(f"synthesized {template}; cdk-nag findings: {len(findings)}; cfn-lint exit code: {lint.returncode}")
    return 1 if findings or lint.returncode != 0 else 0


if __name__ == "__main__":
    sys.exit(main())
