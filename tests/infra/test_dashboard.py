"""The dashboard in the synthesized stack: private bucket, CloudFront with OAC, deployed files, config.json."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from aws_cdk import App, RemovalPolicy, Stack
from aws_cdk.assertions import Match, Template

from infra_cdk.constructs.dashboard import Dashboard, DashboardNotBuilt


def test_the_site_bucket_is_private_encrypted_and_ssl_only(template):
    template.has_resource_properties(
        "AWS::S3::Bucket",
        {
            "PublicAccessBlockConfiguration": {
                "BlockPublicAcls": True,
                "BlockPublicPolicy": True,
                "IgnorePublicAcls": True,
                "RestrictPublicBuckets": True,
            },
            "BucketEncryption": Match.any_value(),
            "LoggingConfiguration": {"DestinationBucketName": Match.any_value(), "LogFilePrefix": "site/"},
        },
    )


def test_cloudfront_reads_the_bucket_through_origin_access_control_only(template):
    [oac] = template.find_resources("AWS::CloudFront::OriginAccessControl").values()
    assert oac["Properties"]["OriginAccessControlConfig"]["OriginAccessControlOriginType"] == "s3"
    [distribution] = template.find_resources("AWS::CloudFront::Distribution").values()
    config = distribution["Properties"]["DistributionConfig"]
    assert config["DefaultRootObject"] == "index.html"
    assert config["DefaultCacheBehavior"]["ViewerProtocolPolicy"] == "redirect-to-https"
    [origin] = config["Origins"]
    assert "OriginAccessControlId" in origin and origin["S3OriginConfig"]["OriginAccessIdentity"] == ""
    assert config["Logging"]["Prefix"] == "cloudfront/"
    # The bucket policy lets the CloudFront service read, for this distribution only.
    policies = json.dumps(template.find_resources("AWS::S3::BucketPolicy"))
    assert "cloudfront.amazonaws.com" in policies and "AWS:SourceArn" in policies


def test_the_built_files_and_a_config_json_with_the_api_url_are_deployed(template):
    deployments = template.find_resources("Custom::CDKBucketDeployment")
    assert len(deployments) == 2
    page = next(d for d in deployments.values() if "DistributionId" in d["Properties"])
    assert page["Properties"]["DistributionPaths"] == ["/", "/index.html", "/config.json"]
    assert page["Properties"]["SystemMetadata"] == {"cache-control": "no-cache"}
    assets = next(d for d in deployments.values() if "DistributionId" not in d["Properties"])
    assert assets["Properties"]["SystemMetadata"] == {"cache-control": "public, max-age=31536000, immutable"}
    # config.json (Source.json_data) carries the HTTP API's URL, filled in at deploy time.
    [api_id] = template.find_resources("AWS::ApiGatewayV2::Api")
    [url] = page["Properties"]["SourceMarkers"][1].values()
    assert {"Ref": api_id} in url["Fn::Join"][1]


def test_the_stack_outputs_the_dashboard_url_and_the_api_allows_its_origin(template):
    outputs = template.find_outputs("DashboardUrl")
    assert outputs["DashboardUrl"]["Value"]["Fn::Join"][1][0] == "https://"
    [api] = template.find_resources("AWS::ApiGatewayV2::Api").values()
    origins = json.dumps(api["Properties"]["CorsConfiguration"]["AllowOrigins"])
    assert "DashboardDistribution" in origins


def test_without_a_built_dashboard_synth_stops_with_a_clear_message(tmp_path: Path):
    stack = Stack(App(), "Bare")
    with pytest.raises(DashboardNotBuilt, match="make web"):
        Dashboard(stack, "Dashboard", removal_policy=RemovalPolicy.RETAIN, dist=tmp_path)


def test_a_disposable_stage_deletes_the_site_files_with_the_stack(tmp_path: Path):
    (tmp_path / "index.html").write_text("<!doctype html>")
    stack = Stack(App(), "Stage")
    dashboard = Dashboard(stack, "Dashboard", removal_policy=RemovalPolicy.DESTROY, dist=tmp_path)
    dashboard.publish(api_url="https://api.example.org/")
    Template.from_stack(stack).has_resource("AWS::S3::Bucket", {"DeletionPolicy": "Delete"})
