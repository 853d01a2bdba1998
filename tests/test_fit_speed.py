"""Guards for the FIT encoder's fast paths (not timed).

The fast paths must give the reference paths' bytes, and their errors:

- workout steps: ``_write_step`` (one precompiled layout per shape) against
  ``RecordWriter.write(_step_message(...))``, the checked reference;
- ``fitcodec.Layout.pack`` against ``RecordWriter.write`` for every integer
  base type, in range, at the ends, on the "invalid" marker and past it;
- the CRC against a plain bit-by-bit CRC-16/ARC.
"""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from nmdsl.formats.fit import codec as fc
from nmdsl.formats.fit import write as fit_backend
from nmdsl.formats.fit.write import _Slot, _step_message, _StepMsg, _write_step

# Mostly in range, with the edges of uint32/enum and the values just past them.
_U32 = st.one_of(
    st.integers(0, 3000),
    st.sampled_from([0, 1, 0xFFFFFFFE, 0xFFFFFFFF, 0x100000000, -1]),
)
_ENUM = st.one_of(st.integers(0, 6), st.sampled_from([0xFE, 0xFF, 0x100, -1]))
_ODD = st.sampled_from([True, False, 1.0, None])
_TEXT = st.one_of(
    st.none(),
    st.just(""),
    st.text(max_size=20),
    st.text(alphabet="ab\x00é\n", max_size=300),
    st.sampled_from(["strides ramp 5/5", "a" * 254, "a" * 255, "\udcff"]),
)


@st.composite
def _slots(draw: st.DrawFn) -> _Slot | None:
    if draw(st.booleans()):
        return None
    # zone None: a custom range; else target_value is the zone (odd values too).
    return _Slot(draw(_ENUM), draw(st.one_of(_U32, _ODD)), draw(_U32), draw(st.one_of(st.none(), _U32, _ODD)))


@st.composite
def _step_msgs(draw: st.DrawFn) -> _StepMsg:
    return _StepMsg(
        name=draw(_TEXT),
        notes=draw(_TEXT),
        duration_type=draw(_ENUM),
        duration_value=draw(st.one_of(_U32, _ODD)),
        primary=draw(_slots()),
        secondary=draw(_slots()),
        intensity=draw(st.one_of(st.none(), _ENUM)),
        repeat_count=draw(st.one_of(st.none(), _U32)),
    )


def _outcome(write: object, steps: list[_StepMsg], locals_: tuple[int, ...]) -> tuple[bytes, object]:
    """The bytes written until the first error, and that error (type and text)."""
    writer = fc.RecordWriter(local_types=locals_)
    try:
        for index, m in enumerate(steps):
            write(writer, index, m)  # type: ignore[operator]
    except (fc.FitEncodeError, UnicodeEncodeError) as exc:
        return bytes(writer.out), (type(exc), str(exc))
    return bytes(writer.out), None


def _reference(writer: fc.RecordWriter, index: int, m: _StepMsg) -> None:
    writer.write(_step_message(index, m))


@given(st.lists(_step_msgs(), min_size=1, max_size=8), st.sampled_from([(1,), (1, 2), tuple(range(1, 16))]))
def test_fast_steps_match_the_checked_path(steps: list[_StepMsg], locals_: tuple[int, ...]) -> None:
    # Few local types: layouts are redefined, and both paths must agree on when.
    assert _outcome(_write_step, steps, locals_) == _outcome(_reference, steps, locals_)


def test_fast_steps_share_local_types_with_the_checked_path() -> None:
    m = _StepMsg(
        name="ramp 1/2", duration_value=60_000, primary=_Slot(fc.Target.POWER, 100, 120), intensity=0
    )
    writer = fc.RecordWriter(local_types=(1, 2))
    writer.write(_step_message(0, m))
    end = len(writer.out)
    _write_step(writer, 1, m)
    assert writer.out[end] == 0x01, "a data record of local type 1: the checked path's definition is reused"
    reference = fc.RecordWriter(local_types=(1, 2))
    reference.write(_step_message(0, m))
    reference.write(_step_message(1, m))
    assert bytes(writer.out) == bytes(reference.out)


def test_step_layouts_stay_bounded() -> None:
    fit_backend._STEP_LAYOUTS.clear()
    writer = fc.RecordWriter()
    for n in range(fit_backend._MAX_STEP_LAYOUTS + 10):
        _write_step(writer, 0, _StepMsg(notes="x" * (n % 199 + 1), name="y" * (n // 199 % 15 + 1)))
    assert len(fit_backend._STEP_LAYOUTS) <= fit_backend._MAX_STEP_LAYOUTS


_INTEGER_TYPES = [t for t in fc.BASE_TYPES.values() if t.is_integer]


@st.composite
def _typed_values(draw: st.DrawFn) -> tuple[fc.BaseType, object]:
    base = draw(st.sampled_from(_INTEGER_TYPES))
    edges = [
        base.low,
        base.low + 1,
        base.high - 1,
        base.high,
        base.low - 1,
        base.high + 1,
        base.invalid,
        0,
        1,
    ]
    value = draw(st.one_of(st.sampled_from(edges), st.integers(base.low, base.high), _ODD))
    return base, value


@given(st.lists(_typed_values(), min_size=1, max_size=6), st.one_of(st.none(), st.text(max_size=5)))
def test_layout_pack_matches_the_checked_path(
    typed: list[tuple[fc.BaseType, object]], text: str | None
) -> None:
    fields = [fc.Field(n, base, value) for n, (base, value) in enumerate(typed)]
    spec = [(n, base, base.size) for n, (base, _) in enumerate(typed)]
    values: list[object] = [value for _, value in typed]
    if text is not None:
        raw = text.encode("utf-8", errors="surrogatepass")
        fields.append(fc.Field(200, fc.STRING, text))
        spec.append((200, fc.STRING, len(raw) + 1))
        values.append(raw)
    message = fc.Message(300, tuple(fields))
    layout = fc.Layout(300, spec)
    payload = layout.pack(values)  # type: ignore[arg-type]
    reference = fc.RecordWriter()
    try:
        reference.write(message)
    except (fc.FitEncodeError, UnicodeEncodeError):
        assert payload is None, "the fast path accepts only what the checked path accepts"
        return
    if payload is None:
        return  # unusual but valid values (none here) may take the checked path
    fast = fc.RecordWriter()
    fast.write_packed(layout, payload)
    assert bytes(fast.out) == bytes(reference.out)


def test_layout_pack_edges_of_every_integer_type() -> None:
    for base in _INTEGER_TYPES:
        layout = fc.Layout(300, [(0, base, base.size)])
        marker = base.invalid if base.invalid <= base.high else base.invalid - (1 << (8 * base.size))
        for value in (base.low - 1, base.high + 1, marker, True, 1.0):
            assert layout.pack([value]) is None, (base.name, value)  # type: ignore[list-item]
        for value in {base.low, base.high} - {marker}:
            assert layout.pack([value]) is not None, (base.name, value)


def _crc_bitwise(data: bytes, crc: int = 0) -> int:
    for byte in data:
        crc ^= byte
        for _ in range(8):
            crc = (crc >> 1) ^ 0xA001 if crc & 1 else crc >> 1
    return crc


_BLOCK_TABLES = fc._block_tables()


@given(st.one_of(st.binary(max_size=64), st.binary(min_size=190, max_size=3000)), st.integers(0, 0xFFFF))
def test_crc_matches_a_bitwise_crc(data: bytes, start: int) -> None:
    expected = _crc_bitwise(data, start)
    assert fc._crc_bytewise(data, start) == expected
    saved = fc._CRC_BLOCK_TABLES
    fc._CRC_BLOCK_TABLES = _BLOCK_TABLES  # the block path, whatever this process checksummed before
    try:
        assert fc.crc16(data, start) == expected
        assert fc.crc16(memoryview(data), start) == expected
    finally:
        fc._CRC_BLOCK_TABLES = saved


def test_crc_block_edges() -> None:
    for n in (0, 1, 15, 16, 17, 12 * 16 - 1, 12 * 16, 12 * 16 + 1, 1024, 4099):
        data = bytes((i * 37 + 11) & 0xFF for i in range(n))
        for start in (0, 1, 0x8000, 0xFFFF):
            assert fc._crc_blocks(data, n // 16, start, _BLOCK_TABLES) == _crc_bitwise(
                data[: n // 16 * 16], start
            )
