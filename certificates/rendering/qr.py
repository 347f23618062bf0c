"""QR code for the verification URL: the `qrcode` package's encoder with a fast mask choice.

The QR standard has the encoder try all eight mask patterns and keep the one with the lowest
penalty score (fewest long runs, 2×2 blocks and finder-like patterns), because that code scans
most reliably. `qrcode` does this by building and scoring eight full matrices in pure Python:
about 4 ms, half the time of a whole certificate. Here the eight candidates are derived from one
matrix by XOR on row bitmasks and scored with bit operations and regular expressions, giving the
same choice (``tests/certificates/test_rendering_qr.py`` compares it with `qrcode`'s) in well under
a millisecond.
"""

from __future__ import annotations

import functools
import re

import qrcode
from qrcode.constants import ERROR_CORRECT_M
from qrcode.util import mask_func

_RUN = re.compile(r"0{5,}|1{5,}")
_FINDER_LIKE = re.compile(r"(?=10111010000|00001011101)")


def qr_matrix(data: str) -> list[list[bool]]:
    """The QR modules for ``data``, without quiet zone (the page margin provides it).

    Error correction M (15 %) survives a crease or a stamp on a printed certificate while
    keeping a typical verification URL at version 3-4, i.e. large modules that scan from paper.
    """
    code = qrcode.QRCode(error_correction=ERROR_CORRECT_M, border=0)
    code.add_data(data)
    code.best_fit()
    pattern = best_mask_pattern(code)  # leaves the mask-0 scoring matrix in ``code.modules``
    # The final matrix is that one with the chosen mask's flips applied and the format (and
    # version) information written: the same modules `qrcode` would place in a second pass.
    flips_rows, _columns = _mask_flips(code.version)
    size = code.modules_count
    for row, flips in zip(code.modules, flips_rows[pattern], strict=True):
        if flips:
            for column in range(size):
                if flips >> column & 1:
                    row[column] = not row[column]
    code.setup_type_info(False, pattern)
    if code.version >= 7:
        code.setup_type_number(False)
    return code.get_matrix()


def best_mask_pattern(code: qrcode.QRCode) -> int:
    """The mask `qrcode`'s ``best_mask_pattern()`` would pick, computed without its eight passes.

    Like `qrcode`, candidates are scored with the format information left light (its "test"
    matrices), and the lowest score wins, the first on a tie.
    """
    size = code.version * 4 + 17
    code.makeImpl(True, 0)
    rows = [_bits(row) for row in code.modules]
    columns = [_bits(column) for column in zip(*code.modules, strict=True)]
    flips_rows, flips_columns = _mask_flips(code.version)
    best_pattern, best_score = 0, None
    for pattern in range(8):
        candidate_rows = [r ^ f for r, f in zip(rows, flips_rows[pattern], strict=True)]
        candidate_columns = [c ^ f for c, f in zip(columns, flips_columns[pattern], strict=True)]
        score = penalty_score(candidate_rows, candidate_columns, size)
        if best_score is None or score < best_score:
            best_pattern, best_score = pattern, score
    return best_pattern


def penalty_score(rows: list[int], columns: list[int], size: int) -> int:
    """The penalty of a matrix given as row and column bitmasks, scored as `qrcode` scores it.

    N1: 3 + (run - 5) per run of five or more same-coloured modules in a row or column;
    N2: 3 per 2×2 block of one colour; N3: 40 per 1:1:3:1:1 finder-like pattern with four light
    modules on one side; N4: 10 per full 5 % that the dark share departs from 50 %.
    """
    width = f"0{size}b"
    full = (1 << size) - 1
    pair = (1 << (size - 1)) - 1
    # All lines in one string: "|" stops runs and patterns from spanning two lines.
    text = "|".join([format(line, width) for line in rows + columns])
    runs = _RUN.findall(text)
    score = sum(map(len, runs)) - 2 * len(runs) + 40 * len(_FINDER_LIKE.findall(text))
    for upper, lower in zip(rows, rows[1:], strict=False):
        same_vertically = ~(upper ^ lower) & full
        same_horizontally = ~(upper ^ (upper >> 1)) & pair
        score += 3 * (same_vertically & (same_vertically >> 1) & same_horizontally).bit_count()
    dark = sum(row.bit_count() for row in rows)
    score += 10 * int(abs(dark * 100 / size**2 - 50) / 5)
    return score


def _bits(line) -> int:
    """A row or column of modules as an int, the first module in the lowest bit."""
    value = 0
    for index, dark in enumerate(line):
        if dark:
            value |= 1 << index
    return value


@functools.cache
def _mask_flips(version: int) -> tuple[list[list[int]], list[list[int]]]:
    """Per mask pattern, which modules differ from mask 0, restricted to the data region.

    XOR-ing a mask-0 matrix with these gives the matrix for any other mask: outside the data
    region (finder, timing and alignment patterns, format and version information, which stays
    light in scoring matrices) masks change nothing.
    """
    layout = qrcode.QRCode(version=version, error_correction=ERROR_CORRECT_M)
    size = version * 4 + 17
    layout.modules_count = size
    layout.modules = [[None] * size for _ in range(size)]
    layout.setup_position_probe_pattern(0, 0)
    layout.setup_position_probe_pattern(size - 7, 0)
    layout.setup_position_probe_pattern(0, size - 7)
    layout.setup_position_adjust_pattern()
    layout.setup_timing_pattern()
    layout.setup_type_info(True, 0)
    if version >= 7:
        layout.setup_type_number(True)
    data_region = [[module is None for module in row] for row in layout.modules]

    base = mask_func(0)
    flips_rows, flips_columns = [], []
    for pattern in range(8):
        func = mask_func(pattern)
        flip = [
            [data_region[r][c] and (func(r, c) != base(r, c)) for c in range(size)]
            for r in range(size)
        ]
        flips_rows.append([_bits(row) for row in flip])
        flips_columns.append([_bits(column) for column in zip(*flip, strict=True)])
    return flips_rows, flips_columns
