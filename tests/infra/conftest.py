"""The stack synthesized once for every infrastructure test (synthesis takes ~15 s)."""

from __future__ import annotations

import pytest
from aws_cdk.assertions import Template

from infra_cdk import check


@pytest.fixture(scope="session")
def assembly(tmp_path_factory):
    return check.synth(str(tmp_path_factory.mktemp("cdk.out")), skip_layer_build=True)


@pytest.fixture(scope="session")
def template(assembly) -> Template:
    return Template.from_json(assembly.get_stack_by_name("Canger").template)
