"""How the operator's commands and entry points word a Temporal they cannot reach, and which
command-line values they refuse."""

from __future__ import annotations

import socket

import pytest

from lexflow.cli.main import _parser
from lexflow.config import Settings
from lexflow.errors import ConfigError, TemporalUnavailableError, short_error
from lexflow.temporal import connect

# Exactly what temporalio 1.x raises for these addresses (str of the RuntimeError).
DNS_FAILURE = (
    "Failed client connect: Server connection error: tonic::transport::Error(Transport, "
    'ConnectError(ConnectError("dns error", Custom { kind: Uncategorized, error: "failed to '
    'lookup address information: Name or service not known" })))'
)
REFUSED = (
    "Failed client connect: Server connection error: tonic::transport::Error(Transport, "
    'ConnectError(ConnectError("tcp connect error", 127.0.0.1:1, Os { code: 111, kind: '
    'ConnectionRefused, message: "Connection refused" })))'
)


def closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_short_error_reads_the_dns_failure_out_of_the_sdks_transport_error() -> None:
    assert short_error(RuntimeError(DNS_FAILURE)) == (
        "dns error: failed to lookup address information: Name or service not known"
    )


def test_short_error_keeps_only_the_os_message_of_a_refused_connection() -> None:
    assert short_error(RuntimeError(REFUSED)) == "Connection refused"


async def test_connect_names_the_unreachable_address_and_keeps_the_sdks_error() -> None:
    address = f"127.0.0.1:{closed_port()}"
    settings = Settings(temporal_address=address, _env_file=None)  # type: ignore[call-arg]

    with pytest.raises(TemporalUnavailableError) as raised:
        await connect(settings)

    assert str(raised.value) == f"Temporal unreachable at {address} (Connection refused)"
    assert isinstance(raised.value.__cause__, RuntimeError)


async def test_connect_without_an_address_is_a_configuration_error() -> None:
    settings = Settings(temporal_address=None, _env_file=None)  # type: ignore[call-arg]

    with pytest.raises(ConfigError, match="no Temporal address: set TEMPORAL_ADDRESS"):
        await connect(settings)


@pytest.mark.parametrize("limit", ["0", "-3", "many"])
def test_monitor_refuses_a_row_limit_below_one(
    limit: str, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as exited:
        _parser().parse_args(["monitor", "live", "--once", "--limit", limit])

    assert exited.value.code == 2
    assert "argument --limit: must be a whole number, at least 1" in capsys.readouterr().err


def test_monitor_accepts_a_row_limit_of_one() -> None:
    args = _parser().parse_args(["monitor", "live", "--once", "--limit", "1"])

    assert args.limit == 1
