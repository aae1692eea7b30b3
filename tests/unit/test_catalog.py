"""The route table (services/catalog.py) and the handlers' route decorators say the same thing."""

import importlib

import pytest

from services import catalog


def _decorated(function: catalog.HttpFunction) -> set[str]:
    app = importlib.import_module(function.handler.rpartition(".")[0]).app
    return {f"{route.method} {route.openapi_path}" for route in [*app._static_routes, *app._dynamic_routes]}


@pytest.mark.parametrize("function", catalog.http_functions(), ids=lambda f: f.name)
def test_catalog_routes_are_the_handler_routes(function):
    declared = {route.route_key for route in function.routes}
    assert declared == _decorated(function)


def test_each_function_kind_is_its_own_type():
    kinds = {f.name: type(f) for f in catalog.FUNCTIONS}
    assert kinds["appeals-api"] is catalog.HttpFunction
    assert kinds["stats-consumer"] is catalog.QueueFunction
    assert kinds["outbox-relay"] is catalog.ScheduledFunction
    assert catalog.default_function().name == "directory-api"


def test_shared_jobs_live_in_the_platform_package():
    assert catalog.by_name("outbox-relay").handler == "services.platform.relay.lambda_handler"
