"""cimc-opt: xDSL's opt driver with the cimc dialects and passes registered."""

from __future__ import annotations

import sys
from collections.abc import Sequence

from xdsl.utils.exceptions import ArgSpecParseError, DiagnosticException, ParseError
from xdsl.xdsl_opt_main import xDSLOptMain

from cimc.dialects import get_all_dialects
from cimc.passes import get_all_passes


class CimcOptMain(xDSLOptMain):
    version_format = "cimc-opt (xdsl {xdsl_version})"

    def register_all_dialects(self) -> None:
        super().register_all_dialects()
        for name, dialect in get_all_dialects().items():
            self.ctx.register_dialect(name, dialect)

    def register_all_passes(self) -> None:
        super().register_all_passes()
        for name, pass_type in get_all_passes().items():
            self.register_pass(name, pass_type)


def main(args: Sequence[str] | None = None) -> None:
    try:
        CimcOptMain(description="cimc optimizer driver", args=args).run()
    except (DiagnosticException, ParseError, ArgSpecParseError, OSError, ValueError) as e:
        # without --verify-diagnostics / --parsing-diagnostics: the message, not a traceback.
        # ValueError: xDSL's word for an unknown pass, pass option or file extension
        message = f"{e.strerror}: '{e.filename}'" if isinstance(e, OSError) and e.filename else e
        print(f"cimc-opt: error: {message}", file=sys.stderr)
        sys.exit(1)
