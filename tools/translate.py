"""cimc-translate: between the cim dialect (.mlir + .npz weights) and the .cimb binary.

    cimc-translate prog.mlir -o prog.cimb [--weights prog.npz]
    cimc-translate prog.cimb -o prog.mlir          (also writes prog.npz beside it)

The direction follows the input's extension. A .cimb decoded to .mlir and encoded again gives
the same bytes (crossbar contents come back as weights named xbar.<id>).
"""

from __future__ import annotations

import argparse
import io
import sys
from pathlib import Path

from xdsl.parser import Parser
from xdsl.printer import Printer
from xdsl.utils.exceptions import DiagnosticException, ParseError

from cimc.binary import BinaryImage, decode, encode
from cimc.driver import context
from cimc.files import write_atomically
from cimc.errors import CimcError
from cimc.weights import WeightStore


def to_binary(source: Path, output: Path, weights_path: Path | None) -> None:
    try:
        text = source.read_text()
    except OSError as e:
        raise CimcError(f"cannot read '{source}': {e.strerror}") from None
    try:
        module = Parser(context(), text, str(source)).parse_module()
    except ParseError as e:
        raise CimcError(f"'{source}' does not parse: {str(e).splitlines()[-1].strip()}") from None
    except DiagnosticException as e:  # an attribute that fails its own verifier while parsing
        raise CimcError(f"'{source}' does not verify: {str(e).splitlines()[0]}") from None
    weights = WeightStore.load(weights_path or source.with_suffix(".npz"))
    try:
        image = encode(module, weights)
    except DiagnosticException as e:
        if isinstance(e, CimcError):
            raise
        raise CimcError(f"'{source}' does not verify: {str(e).splitlines()[0]}") from None
    write_atomically(output, image.to_bytes())


def to_mlir(source: Path, output: Path) -> None:
    try:
        raw = source.read_bytes()
    except OSError as e:
        raise CimcError(f"cannot read '{source}': {e.strerror}") from None
    module, weights = decode(BinaryImage.from_bytes(raw, str(source)))
    text = io.StringIO()
    Printer(stream=text).print_op(module)
    weights.save(output.with_suffix(".npz"))
    write_atomically(output, (text.getvalue() + "\n").encode())


def main(argv: list[str] | None = None) -> None:
    p = argparse.ArgumentParser(prog="cimc-translate", description=__doc__.split("\n\n")[0])
    p.add_argument("input", type=Path, help="a .mlir (cim dialect, planned) or a .cimb file")
    p.add_argument("-o", "--output", type=Path, required=True)
    p.add_argument("--weights", type=Path, help="weights of a .mlir input; default: the input's name with .npz")
    args = p.parse_args(argv)
    try:
        directions = {".cimb": ".mlir", ".mlir": ".cimb"}
        if args.input.suffix not in directions:
            raise CimcError(f"'{args.input}': expected a .mlir or .cimb file")
        if args.output.suffix != directions[args.input.suffix]:
            raise CimcError(f"'{args.input}' translates to a {directions[args.input.suffix]} file, "
                            f"not '{args.output}'")
        if args.input.suffix == ".cimb":
            to_mlir(args.input, args.output)
        else:
            to_binary(args.input, args.output, args.weights)
    except CimcError as e:
        print(f"cimc-translate: error: {e}", file=sys.stderr)
        sys.exit(1)
