"""`gridwork serve` keeps Open311 API keys out of the access log."""

from __future__ import annotations

import logging

from uvicorn.logging import AccessFormatter

from gridwork.cli.serve import RedactApiKey, log_config, redact


def access_record(path: str) -> logging.LogRecord:
    """A record as uvicorn's access logger makes it."""
    return logging.LogRecord(
        "uvicorn.access",
        logging.INFO,
        __file__,
        1,
        '%s - "%s %s HTTP/%s" %d',
        ("127.0.0.1:5000", "POST", path, "1.1", 201),
        None,
    )


def test_the_api_key_in_a_query_string_is_redacted_in_the_access_log() -> None:
    record = access_record("/open311/v2/requests.json?api_key=gw_SECRETKEY123&lat=26.6")
    assert RedactApiKey().filter(record)
    line = AccessFormatter(fmt='%(client_addr)s - "%(request_line)s" %(status_code)s').format(
        record
    )
    assert "gw_SECRETKEY123" not in line
    assert "/open311/v2/requests.json?api_key=***&lat=26.6" in line


def test_every_spelling_of_the_key_parameter_is_redacted() -> None:
    assert redact("/x?a=1&API_KEY=abc#top") == "/x?a=1&API_KEY=***#top"
    assert redact("/x?api%5Fkey=abc&b=2") == "/x?api%5Fkey=***&b=2"
    assert redact("/x?not_api_key=abc") == "/x?not_api_key=abc"


def test_the_served_log_configuration_installs_the_filter_on_the_access_log() -> None:
    config = log_config()
    assert config["loggers"]["uvicorn.access"]["filters"] == ["redact_api_key"]
    assert config["filters"]["redact_api_key"]["()"] is RedactApiKey
