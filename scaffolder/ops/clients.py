"""The one seam to AWS: an injected client provider, and the translation of
AWS and botocore errors into scaffold errors.

Operations receive a `ClientProvider`; tests pass one built on moto or on a
botocore Stubber. Nothing else in the package calls boto3.client directly.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any, Protocol

from scaffolder.errors import CloudError, CredentialsError

THROTTLING_CODES = frozenset(
    {
        "Throttling",
        "ThrottlingException",
        "TooManyRequestsException",
        "RequestLimitExceeded",
        "SlowDown",
        "ProvisionedThroughputExceededException",
    }
)
ACCESS_CODES = frozenset(
    {"AccessDenied", "AccessDeniedException", "UnauthorizedOperation", "AuthorizationError"}
)
EXPIRED_CODES = frozenset(
    {
        "ExpiredToken",
        "ExpiredTokenException",
        "RequestExpired",
        "InvalidClientTokenId",
        "UnrecognizedClientException",
        "InvalidSignatureException",
    }
)


class ClientProvider(Protocol):
    region: str

    def client(self, service: str) -> Any:
        """A boto3 client for `service` in this provider's region."""


# Every call has a deadline, so an AWS that stops answering ends in a CloudError
# instead of a hang. A read timeout bounds one wait for bytes, not a whole transfer,
# so large S3 downloads are not cut short. Retries (timeouts included) multiply it.
CONNECT_TIMEOUT_S = 10.0
READ_TIMEOUT_S = 60.0
MAX_ATTEMPTS = 8


class Boto3ClientProvider:
    """Real AWS: one boto3 session, clients cached per service, adaptive retries, timeouts.

    The only place a boto3 session is made, so an unknown AWS_PROFILE (or
    `profile`) becomes a CredentialsError here, for every command.
    """

    def __init__(
        self,
        region: str,
        profile: str | None = None,
        endpoint_url: str | None = None,
        *,
        connect_timeout_s: float = CONNECT_TIMEOUT_S,
        read_timeout_s: float = READ_TIMEOUT_S,
        max_attempts: int = MAX_ATTEMPTS,
    ) -> None:
        import boto3
        from botocore.config import Config

        self.region = region
        with aws_errors("start an AWS session"):
            self._session = boto3.session.Session(profile_name=profile, region_name=region)
        # Adaptive mode backs off on throttling with client-side rate limiting.
        self._config = Config(
            connect_timeout=connect_timeout_s,
            read_timeout=read_timeout_s,
            # total_max_attempts counts the first call; botocore's max_attempts does not.
            retries={"total_max_attempts": max_attempts, "mode": "adaptive"},
        )
        self._endpoint_url = endpoint_url
        self._clients: dict[str, Any] = {}

    def client(self, service: str) -> Any:
        if service not in self._clients:
            with aws_errors(f"create an AWS {service} client"):
                self._clients[service] = self._session.client(
                    service,
                    config=self._config,
                    endpoint_url=self._endpoint_url,  # type: ignore[call-overload]
                )
        return self._clients[service]


@contextmanager
def aws_errors(action: str) -> Iterator[None]:
    """Turn AWS errors raised while doing `action` into one clear sentence."""
    from botocore.exceptions import (
        BotoCoreError,
        ClientError,
        ConnectTimeoutError,
        NoCredentialsError,
        NoRegionError,
        PartialCredentialsError,
        ProfileNotFound,
        ReadTimeoutError,
    )

    try:
        yield
    except (NoCredentialsError, PartialCredentialsError) as exc:
        raise CredentialsError(f"No AWS credentials were found while trying to {action}.") from exc
    except ProfileNotFound as exc:
        raise CredentialsError(
            f"The AWS profile {exc.kwargs.get('profile', '')!r} does not exist, so scaffold "
            f"cannot {action}.",
            hint="Check AWS_PROFILE against `aws configure list-profiles`, or unset it to use "
            "the default credentials.",
        ) from exc
    except (ConnectTimeoutError, ReadTimeoutError) as exc:
        raise CloudError(
            f"AWS did not answer while scaffold tried to {action} ({exc}).",
            hint="Check the network (proxy, firewall, VPN) and the AWS region, then run the "
            "command again.",
        ) from exc
    except NoRegionError as exc:
        raise CredentialsError(
            f"No AWS region is set, so scaffold cannot {action}.",
            hint="Set AWS_REGION, or the region in infra/Pulumi.<env>.yaml.",
        ) from exc
    except ClientError as exc:
        code = exc.response.get("Error", {}).get("Code", "")
        if code in EXPIRED_CODES:
            raise CredentialsError(
                f"Your AWS credentials are expired or invalid ({code}); could not {action}."
            ) from exc
        if code in ACCESS_CODES:
            raise CredentialsError(
                f"AWS denied permission to {action} ({code}).",
                hint="Use credentials whose role allows this action.",
            ) from exc
        if code in THROTTLING_CODES:
            raise CloudError(
                f"AWS kept throttling requests while trying to {action}.",
                hint="Wait a minute and run the command again; nothing was left half-done.",
            ) from exc
        message = exc.response.get("Error", {}).get("Message", str(exc))
        raise CloudError(
            f"AWS refused to {action}: {code}: {message}",
            hint="Fix what AWS names, then run the command again.",
        ) from exc
    except BotoCoreError as exc:
        raise CloudError(
            f"Could not reach AWS to {action}: {exc}",
            hint="Check the network and the AWS region, then run the command again.",
        ) from exc
