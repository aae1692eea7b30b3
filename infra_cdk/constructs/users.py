"""Cognito: the user pool that issues Canger's tokens, a group per role, and the web client."""

from __future__ import annotations

from aws_cdk import Duration, RemovalPolicy
from aws_cdk import aws_cognito as cognito
from cdk_nag import NagSuppressions
from constructs import Construct

from services.common.domain.auth import Role


class UserDirectory(Construct):
    def __init__(self, scope: Construct, construct_id: str, *, removal_policy: RemovalPolicy) -> None:
        super().__init__(scope, construct_id)
        self.pool = cognito.UserPool(
            self,
            "Users",
            # Accounts are created by the city's administrators (residents through the front desk or
            # the front end's sign-up flow, which assigns the resident group): no anonymous sign-up.
            self_sign_up_enabled=False,
            sign_in_aliases=cognito.SignInAliases(phone=True, username=True),
            custom_attributes={
                "community_id": cognito.StringAttribute(min_len=1, max_len=64, mutable=True),
                "street_id": cognito.StringAttribute(min_len=1, max_len=64, mutable=True),
            },
            password_policy=cognito.PasswordPolicy(
                min_length=12,
                require_digits=True,
                require_lowercase=True,
                require_uppercase=True,
                require_symbols=True,
                temp_password_validity=Duration.days(3),
            ),
            mfa=cognito.Mfa.OPTIONAL,
            mfa_second_factor=cognito.MfaSecondFactor(otp=True, sms=False),
            feature_plan=cognito.FeaturePlan.PLUS,
            standard_threat_protection_mode=cognito.StandardThreatProtectionMode.FULL_FUNCTION,
            account_recovery=cognito.AccountRecovery.PHONE_WITHOUT_MFA_AND_EMAIL,
            deletion_protection=removal_policy == RemovalPolicy.RETAIN,
            removal_policy=removal_policy,
        )
        NagSuppressions.add_resource_suppressions(
            self.pool,
            [
                {
                    "id": "AwsSolutions-COG2",
                    "reason": "MFA is optional (TOTP) because residents sign in too and cannot all be required "
                    "to run an authenticator; staff accounts enable it at enrolment.",
                },
                {
                    "id": "AwsSolutions-IAM5",
                    "reason": "Cognito's SMS role sends verification codes to any phone number: sns:Publish "
                    "has no narrower resource for direct SMS.",
                    "appliesTo": ["Resource::*"],
                },
            ],
            apply_to_children=True,
        )
        for role in Role:
            cognito.CfnUserPoolGroup(
                self, f"Group-{role.value}", user_pool_id=self.pool.user_pool_id, group_name=role.value
            )
        self.client = self.pool.add_client(
            "WebClient",
            auth_flows=cognito.AuthFlow(user_srp=True),
            generate_secret=False,
            prevent_user_existence_errors=True,
            id_token_validity=Duration.hours(1),
            access_token_validity=Duration.hours(1),
            refresh_token_validity=Duration.days(30),
            # The ID token carries the custom attributes the API reads (community, street).
            read_attributes=cognito.ClientAttributes()
            .with_standard_attributes(phone_number=True)
            .with_custom_attributes("community_id", "street_id"),
            write_attributes=cognito.ClientAttributes().with_standard_attributes(phone_number=True),
        )
