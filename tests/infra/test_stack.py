"""The synthesized stack: what it must contain, cdk-nag's AwsSolutions pack, and cfn-lint."""

from __future__ import annotations

import json

import pytest
from aws_cdk.assertions import Match, Template

from infra_cdk import check
from services import catalog
from services.common.data import tables


def _resources(template: Template, kind: str) -> dict:
    return template.find_resources(kind)


def test_tables_match_the_shared_definitions(template):
    found = _resources(template, "AWS::DynamoDB::GlobalTable")
    assert len(found) == len(tables.ALL)
    for definition in tables.ALL:
        key_schema = [{"AttributeName": definition.partition_key, "KeyType": "HASH"}]
        if definition.sort_key:
            key_schema.append({"AttributeName": definition.sort_key, "KeyType": "RANGE"})
        template.has_resource_properties(
            "AWS::DynamoDB::GlobalTable",
            {
                "KeySchema": key_schema,
                "BillingMode": "PAY_PER_REQUEST",
                "SSESpecification": {"SSEEnabled": True},
                "Replicas": [
                    Match.object_like({"PointInTimeRecoverySpecification": {"PointInTimeRecoveryEnabled": True}})
                ],
                "TimeToLiveSpecification": {"AttributeName": definition.ttl_attribute, "Enabled": True},
            },
        )
    records = next(r for r in found.values() if len(r["Properties"].get("GlobalSecondaryIndexes", [])) > 0)
    assert {i["IndexName"] for i in records["Properties"]["GlobalSecondaryIndexes"]} == {
        i.name for i in tables.RECORDS.indexes
    }


def _canger_functions(template: Template) -> dict:
    """Our functions, not CDK's own deploy-time helpers (the dashboard's BucketDeployment copier)."""
    handlers = {spec.handler for spec in catalog.FUNCTIONS}
    return {
        name: f
        for name, f in _resources(template, "AWS::Lambda::Function").items()
        if f["Properties"]["Handler"] in handlers
    }


def test_every_function_is_python313_arm64_json_logs_traced(template):
    functions = _canger_functions(template)
    assert len(functions) == len(catalog.FUNCTIONS)
    for spec in catalog.FUNCTIONS:
        template.has_resource_properties(
            "AWS::Lambda::Function",
            {
                "Handler": spec.handler,
                "Runtime": "python3.13",
                "Architectures": ["arm64"],
                "TracingConfig": {"Mode": "Active"},
                "LoggingConfig": Match.object_like({"LogFormat": "JSON"}),
                "Layers": Match.any_value(),
            },
        )
    for group in _resources(template, "AWS::Logs::LogGroup").values():
        assert group["Properties"]["RetentionInDays"] > 0


def test_every_route_of_the_catalog_is_deployed_with_the_right_authorizer(template):
    routes = {
        r["Properties"]["RouteKey"]: r["Properties"] for r in _resources(template, "AWS::ApiGatewayV2::Route").values()
    }
    for spec in catalog.http_functions():
        for route in spec.routes:
            deployed = routes[route.route_key]
            assert deployed["AuthorizationType"] == ("NONE" if route.public else "JWT"), route.route_key
    assert "$default" in routes
    template.has_resource_properties("AWS::ApiGatewayV2::Authorizer", {"AuthorizerType": "JWT"})


def test_stage_has_access_logs_and_throttling(template):
    template.has_resource_properties(
        "AWS::ApiGatewayV2::Stage",
        {
            "StageName": "$default",
            "AccessLogSettings": Match.object_like({"DestinationArn": Match.any_value()}),
            "DefaultRouteSettings": Match.object_like({"ThrottlingRateLimit": 200, "ThrottlingBurstLimit": 400}),
        },
    )


def test_all_canger_events_go_to_a_queue_with_a_dlq(template):
    template.has_resource_properties(
        "AWS::Events::Rule", {"EventPattern": {"source": [{"prefix": catalog.EVENT_SOURCE_PREFIX}]}}
    )
    template.has_resource_properties("AWS::Events::Archive", Match.object_like({"RetentionDays": 400}))
    template.has_resource_properties(
        "AWS::SQS::Queue",
        {
            "RedrivePolicy": Match.object_like({"maxReceiveCount": catalog.EVENTS_MAX_RECEIVES}),
            "SqsManagedSseEnabled": True,
            "VisibilityTimeout": catalog.EVENTS_VISIBILITY_SECONDS,
        },
    )


def test_cognito_has_a_group_per_role_and_custom_attributes(template):
    groups = {g["Properties"]["GroupName"] for g in _resources(template, "AWS::Cognito::UserPoolGroup").values()}
    assert groups == {"resident", "grid_worker", "community_staff", "street_officer", "city_admin"}
    pool = next(iter(_resources(template, "AWS::Cognito::UserPool").values()))["Properties"]
    assert {a["Name"] for a in pool["Schema"]} >= {"community_id", "street_id"}


def test_outbox_relay_runs_every_minute(template):
    template.has_resource_properties(
        "AWS::Scheduler::Schedule", Match.object_like({"ScheduleExpression": "rate(1 minute)"})
    )


def test_relay_role_is_limited_to_outbox_items(template):
    policies = _resources(template, "AWS::IAM::Policy")
    relay = [p for name, p in policies.items() if name.startswith("Functionsoutboxrelay")]
    statements = [s for p in relay for s in p["Properties"]["PolicyDocument"]["Statement"]]
    dynamo = [s for s in statements if any(str(a).startswith("dynamodb:") for a in s["Action"])]
    assert dynamo and all(
        s["Condition"]["ForAllValues:StringLike"]["dynamodb:LeadingKeys"] == ["OUTBOX#*"] for s in dynamo
    )
    directory = [p for name, p in policies.items() if name.startswith("Functionsdirectoryapi")]
    assert not any("dynamodb" in json.dumps(p) for p in directory)


def test_cdk_nag_reports_no_unsuppressed_finding(assembly):
    assert check.nag_findings(assembly) == []


def test_cfn_lint_finds_no_error(assembly):
    result = check.cfn_lint(assembly.get_stack_by_name("Canger").template_full_path)
    assert result.returncode == 0, result.stdout + result.stderr


def test_functions_run_without_the_xray_sdk_by_default(template):
    for function in _canger_functions(template).values():
        assert function["Properties"]["Environment"]["Variables"]["POWERTOOLS_TRACE_DISABLED"] == "true"


def _statements_of(template: Template, function_name: str) -> list[dict]:
    prefix = "Functions" + function_name.replace("-", "")
    policies = [p for name, p in _resources(template, "AWS::IAM::Policy").items() if name.startswith(prefix)]
    return [s for p in policies for s in p["Properties"]["PolicyDocument"]["Statement"]]


@pytest.mark.parametrize("spec", [f for f in catalog.FUNCTIONS if f.access.records_prefixes], ids=lambda f: f.name)
def test_each_function_touches_only_its_own_records(template, spec):
    statements = [
        s
        for s in _statements_of(template, spec.name)
        if "dynamodb:Query" in s["Action"] and "LeadingKeys" in json.dumps(s.get("Condition", {}))
    ]
    by_keys = {tuple(s["Condition"]["ForAllValues:StringLike"]["dynamodb:LeadingKeys"]): s for s in statements}
    own = tuple(f"{prefix}*" for prefix in spec.access.records_prefixes)
    references = tuple(f"{prefix}*" for prefix in spec.access.references)
    assert set(by_keys) == {own} | ({references} if references else set())
    assert ("dynamodb:PutItem" in by_keys[own]["Action"]) is spec.access.records_write


@pytest.mark.parametrize("spec", [f for f in catalog.FUNCTIONS if f.access.references], ids=lambda f: f.name)
def test_references_to_other_services_items_are_read_and_checked_never_written(template, spec):
    # Appeals, activities and projects check a member unit inside their own transactions (ConditionCheck).
    statement = next(
        s
        for s in _statements_of(template, spec.name)
        if "LeadingKeys" in json.dumps(s.get("Condition", {}))
        and s["Condition"]["ForAllValues:StringLike"]["dynamodb:LeadingKeys"]
        == [f"{prefix}*" for prefix in spec.access.references]
    )
    assert "dynamodb:ConditionCheckItem" in statement["Action"]
    assert not {"dynamodb:PutItem", "dynamodb:UpdateItem", "dynamodb:DeleteItem"} & set(statement["Action"])


@pytest.mark.parametrize("spec", [f for f in catalog.FUNCTIONS if f.access.publishes_events], ids=lambda f: f.name)
def test_publishers_may_put_events_on_the_canger_bus_only(template, spec):
    puts = [s for s in _statements_of(template, spec.name) if s["Action"] == "events:PutEvents"]
    assert len(puts) == 1 and puts[0]["Resource"] != "*"


def test_stats_consumer_reads_the_events_queue_in_batches_and_reports_partial_failures(template):
    template.has_resource_properties(
        "AWS::Lambda::EventSourceMapping",
        Match.object_like(
            {
                "BatchSize": 100,
                "FunctionResponseTypes": ["ReportBatchItemFailures"],
                "ScalingConfig": {"MaximumConcurrency": 2},
            }
        ),
    )


def test_yearly_metrics_runs_daily_at_one_in_the_morning_beijing_time(template):
    template.has_resource_properties(
        "AWS::Scheduler::Schedule",
        Match.object_like({"ScheduleExpression": "cron(0 1 * * ? *)", "ScheduleExpressionTimezone": "Asia/Shanghai"}),
    )


def test_reports_bucket_is_private_encrypted_versioned_and_ssl_only(template):
    buckets = [
        b["Properties"]
        for b in _resources(template, "AWS::S3::Bucket").values()
        if "VersioningConfiguration" in b["Properties"]
    ]
    assert len(buckets) == 1
    bucket = buckets[0]
    assert bucket["PublicAccessBlockConfiguration"] == {
        "BlockPublicAcls": True,
        "BlockPublicPolicy": True,
        "IgnorePublicAcls": True,
        "RestrictPublicBuckets": True,
    }
    assert bucket["BucketEncryption"]["ServerSideEncryptionConfiguration"][0]["ServerSideEncryptionByDefault"] == {
        "SSEAlgorithm": "AES256"
    }
    assert "LoggingConfiguration" in bucket
    policies = json.dumps(_resources(template, "AWS::S3::BucketPolicy"))
    assert '"aws:SecureTransport": "false"' in policies


def test_only_the_yearly_job_writes_reports_and_only_the_stats_api_reads_them(template):
    def s3_actions(name: str) -> set[str]:
        return {s["Action"] for s in _statements_of(template, name) if str(s["Action"]).startswith("s3:")}

    assert s3_actions("yearly-metrics") == {"s3:PutObject"}
    assert s3_actions("stats-api") == {"s3:GetObject"}
    for spec in catalog.FUNCTIONS:
        if spec.name not in ("yearly-metrics", "stats-api"):
            assert s3_actions(spec.name) == set(), spec.name


def test_open_data_prefixes_reach_the_functions_and_a_bad_one_fails_the_synth():
    from infra_cdk.constructs.functions import open_data_environment

    # A city's own 360Giving prefixes become the settings' environment variables
    assert open_data_environment({"grant": "360G-dalicity", "recipient": "CN-USC"}) == {
        "OPEN_DATA_GRANT_PREFIX": "360G-dalicity",
        "OPEN_DATA_RECIPIENT_PREFIX": "CN-USC",
    }
    # and one that is not an identifier prefix, or an unknown key, stops the synth
    with pytest.raises(ValueError):
        open_data_environment({"grant": "360G canger"})
    with pytest.raises(ValueError):
        open_data_environment({"donor": "360G-x"})


def test_open_data_and_open311_routes_are_public(template):
    routes = {
        r["Properties"]["RouteKey"]: r["Properties"] for r in _resources(template, "AWS::ApiGatewayV2::Route").values()
    }
    for key in (
        "GET /open311/v2/requests.json",
        "GET /open311/v2/requests/{request}",
        "GET /open311/v2/services/{service}",
        "GET /v1/open-data/360giving/{file}",
    ):
        assert routes[key].get("AuthorizationType", "NONE") == "NONE", key


def test_the_layer_ships_the_holiday_calendar(template):
    # Deadlines count China's working days from chinesecalendar: the functions import it from the layer.
    layers = _resources(template, "AWS::Lambda::LayerVersion")
    assert any("chinesecalendar" in layer["Properties"]["Description"] for layer in layers.values())


def test_the_deadline_job_runs_every_15_minutes_on_appeal_items_only(template):
    template.has_resource_properties(
        "AWS::Scheduler::Schedule", Match.object_like({"ScheduleExpression": "rate(15 minutes)"})
    )
    policies = _resources(template, "AWS::IAM::Policy")
    job = [p for name, p in policies.items() if name.startswith("Functionsappealdeadlines")]
    statements = [s for p in job for s in p["Properties"]["PolicyDocument"]["Statement"]]
    dynamo = [s for s in statements if any(str(a).startswith("dynamodb:") for a in s["Action"])]
    assert dynamo and all(
        s["Condition"]["ForAllValues:StringLike"]["dynamodb:LeadingKeys"] == ["APPEALS#*", "OUTBOX#*"] for s in dynamo
    )


def test_the_complex_writes_its_own_items_and_only_reads_open_demand(template):
    statements = [
        s for s in _statements_of(template, "complex-api") if "LeadingKeys" in json.dumps(s.get("Condition", {}))
    ]
    by_keys = {tuple(s["Condition"]["ForAllValues:StringLike"]["dynamodb:LeadingKeys"]): s for s in statements}
    assert set(by_keys) == {("COMPLEX#*", "OUTBOX#*"), ("APPEALS#DEMAND#*",)}
    # Offers by field are replaced and deleted in the unit's own transactions.
    assert {"dynamodb:PutItem", "dynamodb:DeleteItem"} <= set(by_keys[("COMPLEX#*", "OUTBOX#*")]["Action"])
    demand = set(by_keys[("APPEALS#DEMAND#*",)]["Action"])
    assert "dynamodb:GetItem" in demand
    assert not {"dynamodb:PutItem", "dynamodb:UpdateItem", "dynamodb:DeleteItem"} & demand
