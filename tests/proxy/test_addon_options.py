"""The addon's mitmproxy options: --on-error's choices come from one list (addon option,
`doppel start --on-error`, StartOptions), and a bad value set through mitmproxy is refused with
OptionsError, which mitmproxy rolls back (any other exception would leave it half applied)."""
from __future__ import annotations

import asyncio

import pytest
from mitmproxy.exceptions import OptionsError
from mitmproxy.test import taddons
from typer.testing import CliRunner

from proxy.cli.app import app
from proxy.cli import start as _start_command  # noqa: F401 - registers `doppel start`
from proxy.mitm.addon import ON_ERROR_CHOICES, DoppelAddon
from proxy.start import StartError, StartOptions, serve


def test_the_option_lists_its_choices_and_refuses_others_with_a_rollback():
    addon = DoppelAddon(object())
    try:
        with taddons.context(addon) as tctx:
            assert tctx.options._options["doppel_on_error"].choices == ON_ERROR_CHOICES
            tctx.configure(addon, doppel_on_error="pass")
            assert addon.on_error == "pass"
            with pytest.raises(OptionsError, match="block, pass"):
                tctx.configure(addon, doppel_on_error="maybe")
            assert tctx.options.doppel_on_error == "pass" and addon.on_error == "pass"
    finally:
        addon.done()


def test_the_constructor_start_and_the_command_line_refuse_the_same_values():
    assert ON_ERROR_CHOICES == ("block", "pass")
    with pytest.raises(ValueError, match="block, pass"):
        DoppelAddon(object(), on_error="maybe")
    with pytest.raises(StartError, match="block, pass"):
        asyncio.run(serve(StartOptions(on_error="maybe"), announce=lambda line: None))
    result = CliRunner().invoke(app, ["start", "--on-error", "maybe"])
    assert result.exit_code == 2 and "'block'" in result.output and "'pass'" in result.output
