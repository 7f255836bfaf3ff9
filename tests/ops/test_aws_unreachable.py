"""AWS that stops answering, or a profile that does not exist: a clear error with its
documented exit code, never a hang or a traceback. The silent AWS is a local TCP
server on 127.0.0.1 that accepts connections and never says a word."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from scaffolder.cli.app import main
from scaffolder.errors import CloudError
from scaffolder.models import StackOutputs
from scaffolder.ops.backup import BackupContext, verify_backup
from scaffolder.ops.clients import Boto3ClientProvider

REGION = "us-east-1"


@pytest.fixture
def silent_endpoint() -> Iterator[str]:
    """http://127.0.0.1:<port> of a server that accepts every connection and never answers."""
    server = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    server.bind(("127.0.0.1", 0))
    server.listen(64)
    server.settimeout(0.1)
    held: list[socket.socket] = []
    stop = threading.Event()

    def accept() -> None:
        while not stop.is_set():
            try:
                held.append(server.accept()[0])
            except OSError:
                continue

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.getsockname()[1]}"
    finally:
        stop.set()
        thread.join(timeout=5)
        for conn in held:
            conn.close()
        server.close()


@pytest.fixture
def credentials(monkeypatch: pytest.MonkeyPatch) -> None:
    for name, value in {"AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing"}.items():
        monkeypatch.setenv(name, value)
    monkeypatch.delenv("AWS_PROFILE", raising=False)


def _outputs(**extra: str) -> StackOutputs:
    return StackOutputs(
        project="demo",
        environment="staging",
        region=REGION,
        backup_bucket_name="demo-staging-backups",
        artifacts_bucket_name="demo-staging-artifacts",
        kms_key_arn=f"arn:aws:kms:{REGION}:123456789012:key/k",
        app_secret_arn=f"arn:aws:secretsmanager:{REGION}:123456789012:secret:demo",
        alarm_topic_arn=f"arn:aws:sns:{REGION}:123456789012:demo-staging-alarms",
        **extra,
    )


@pytest.mark.usefixtures("credentials")
@pytest.mark.parametrize(
    "outputs",
    [
        _outputs(),
        _outputs(
            db_instance_identifier="demo-staging",
            db_secret_arn=f"arn:aws:secretsmanager:{REGION}:123456789012:secret:db",
        ),
    ],
    ids=["dump", "rds"],
)
def test_backup_verify_against_a_silent_aws_exits_7_in_bounded_time(
    silent_endpoint: str, outputs: StackOutputs
) -> None:
    clients = Boto3ClientProvider(
        REGION,
        endpoint_url=silent_endpoint,
        connect_timeout_s=0.5,
        read_timeout_s=0.5,
        max_attempts=2,
    )
    started = time.monotonic()
    with pytest.raises(CloudError) as raised:
        verify_backup(BackupContext(outputs=outputs, clients=clients, sleep=lambda _: None))
    assert raised.value.exit_code == 7
    assert raised.value.message.startswith("AWS did not answer while scaffold tried to")
    assert time.monotonic() - started < 60  # bounded: without timeouts this never returns


def test_the_client_factory_sets_timeouts_on_every_client() -> None:
    provider = Boto3ClientProvider(REGION, connect_timeout_s=3, read_timeout_s=4, max_attempts=5)
    config = provider.client("s3").meta.config
    assert (config.connect_timeout, config.read_timeout) == (3, 4)
    assert config.retries["total_max_attempts"] == 5


OPS_COMMANDS = [
    ["status", "staging"],
    ["rollback", "staging", "--yes"],
    ["secrets", "list", "staging"],
    ["secrets", "set", "staging", "STRIPE_KEY"],
    ["secrets", "push", "staging"],
    ["backup", "run", "staging"],
    ["backup", "verify", "staging"],
    ["backup", "verify", "staging", "--sweep-only"],
]


@pytest.fixture
def unknown_profile(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A project with an outputs file and a .env, and AWS_PROFILE naming no profile."""
    (tmp_path / "outputs.json").write_text(_outputs().model_dump_json())
    (tmp_path / ".env").write_text("STRIPE_KEY=sk_test_value\n")
    (tmp_path / "aws-config").write_text("[default]\nregion = us-east-1\n")
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "aws-config"))
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "aws-config"))
    monkeypatch.setenv("AWS_PROFILE", "no-such-profile")
    monkeypatch.chdir(tmp_path)
    return tmp_path


@pytest.mark.parametrize("words", [*OPS_COMMANDS, ["bootstrap"]], ids=" ".join)
def test_an_unknown_aws_profile_exits_6_in_every_ops_command(
    unknown_profile: Path, words: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    extra = [] if words == ["bootstrap"] else ["--outputs", str(unknown_profile / "outputs.json")]
    with pytest.raises(SystemExit) as exited:
        main([*words, *extra])
    err = capsys.readouterr().err
    assert exited.value.code == 6, err
    assert "AWS profile 'no-such-profile' does not exist" in err and "Traceback" not in err
