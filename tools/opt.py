"""cimc-opt: xDSL's opt driver with the cimc dialects and passes registered."""

from __future__ import annotations

import sys
import argparse
from collections.abc import Sequence

from xdsl.utils.exceptions import ArgSpecParseError, DiagnosticException, ParseError
from xdsl.xdsl_opt_main import xDSLOptMain

from cimc.context import CimcContext
from cimc.errors import CimcError
from cimc.dialects import get_all_dialects
from cimc.passes import get_all_passes
from cimc.weights import WeightStore


class CimcOptMain(xDSLOptMain):
    """xdsl-opt with the cimc dialects and passes; cimc's canonicalize (which also folds
    constants into the weight store) stands in for xDSL's. `--weights` loads the weight store
    the passes read, `--weights-out` saves it after them (with any weights they made)."""

    version_format = "cimc-opt (xdsl {xdsl_version})"
    ctx: CimcContext

    def register_all_dialects(self) -> None:
        self.ctx = CimcContext()  # the base class made a plain Context just before
        super().register_all_dialects()
        for name, dialect in get_all_dialects().items():
            self.ctx.register_dialect(name, dialect)

    def register_all_passes(self) -> None:
        super().register_all_passes()
        for name, pass_type in get_all_passes().items():
            self.available_passes.pop(name, None)
            self.register_pass(name, pass_type)

    def register_all_arguments(self, arg_parser: argparse.ArgumentParser) -> None:
        super().register_all_arguments(arg_parser)
        arg_parser.add_argument("--weights", help="the .npz weight store the IR's graph.weight ops name")
        arg_parser.add_argument("--weights-out", help="write the weight store here after the passes")

    def run(self) -> None:
        if self.args.weights:
            self.ctx.weights = WeightStore.load(self.args.weights)
        elif self.args.weights_out:
            raise CimcError("--weights-out needs --weights: the weight store to update")
        super().run()
        if self.args.weights_out:
            self.ctx.weights.save(self.args.weights_out)


def main(args: Sequence[str] | None = None) -> None:
    try:
        CimcOptMain(description="cimc optimizer driver", args=args).run()
    except (DiagnosticException, ParseError, ArgSpecParseError, OSError, ValueError) as e:
        # without --verify-diagnostics / --parsing-diagnostics: the message, not a traceback.
        # ValueError: xDSL's word for an unknown pass, pass option or file extension
        message = f"{e.strerror}: '{e.filename}'" if isinstance(e, OSError) and e.filename else e
        print(f"cimc-opt: error: {message}", file=sys.stderr)
        sys.exit(1)
