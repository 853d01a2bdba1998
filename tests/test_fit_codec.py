"""nmdsl.formats.fit.codec: FIT framing, CRC and base types, written and read.

The writer is checked against Garmin's SDK (it must accept every layout the
writer makes); the reader against files the SDK's own example wrote (the
corpus) and against hand-made records for the protocol corners a workout
never uses (big-endian definitions, compressed timestamp headers, developer
fields, arrays) but a hostile or foreign file may.
"""

from __future__ import annotations

import struct
from pathlib import Path

import pytest
from garmin_fit_sdk import Decoder, Stream  # type: ignore[import-untyped,unused-ignore]
from hypothesis import given
from hypothesis import strategies as st

from nmdsl.formats.fit import codec as fc

CORPUS = Path(__file__).resolve().parents[1].parent / "shared" / "corpus" / "fit"


def test_crc_check_values() -> None:
    assert fc.crc16(b"123456789") == 0xBB3D
    assert fc.crc16(b"") == 0
    assert fc.crc16(b"6789", fc.crc16(b"12345")) == 0xBB3D, "the CRC continues across calls"
    data = fc.encode_file([fc.Message(0, (fc.Field(0, fc.ENUM, 5),))])
    assert fc.crc16(data) == 0, "a whole file with its CRC checks to 0"


def test_header() -> None:
    data = fc.wrap(b"")
    assert len(data) == 16
    size, protocol, profile, data_size, sig, crc = struct.unpack("<BBHI4sH", data[:14])
    assert (size, protocol, profile, data_size, sig) == (14, 0x10, 21218, 0, b".FIT")
    assert crc == fc.crc16(data[:12]) and crc != 0


@pytest.mark.parametrize(
    ("base", "value", "why"),
    [
        (fc.UINT8, 256, "range"),
        (fc.UINT8, -1, "range"),
        (fc.UINT8, 255, "invalid"),
        (fc.ENUM, 255, "invalid"),
        (fc.UINT16, 65535, "invalid"),
        (fc.UINT16, 65536, "range"),
        (fc.UINT32, 0xFFFFFFFF, "invalid"),
        (fc.UINT32, 2**32, "range"),
        (fc.UINT32Z, 0, "invalid"),
        (fc.SINT8, 127, "invalid"),
        (fc.SINT8, -129, "range"),
        (fc.SINT16, 0x7FFF, "invalid"),
        (fc.UINT16, 1.5, "integer"),
        (fc.UINT16, True, "integer"),
        (fc.UINT16, "7", "integer"),
        (fc.STRING, "a\x00b", "NUL"),
        (fc.STRING, "", "empty"),
        (fc.STRING, 5, "text"),
        (fc.FLOAT32, 1, "not supported"),
    ],
)
def test_values_that_do_not_fit_raise(base: fc.BaseType, value: object, why: str) -> None:
    with pytest.raises(fc.FitEncodeError) as exc:
        fc.encode_file([fc.Message(0, (fc.Field(1, base, value, "f"),))])  # type: ignore[arg-type]
    assert why in str(exc.value)


def test_strings_must_fit_their_declared_size() -> None:
    with pytest.raises(fc.FitEncodeError, match="do not fit"):
        fc.encode_file([fc.Message(0, (fc.Field(1, fc.STRING, "abcd", size=4),))])
    data = fc.encode_file([fc.Message(0, (fc.Field(1, fc.STRING, "abc", size=8),))])
    assert fc.decode_file(data).messages[0].fields == {1: "abc"}
    with pytest.raises(fc.FitEncodeError, match="arrays"):
        fc.encode_file([fc.Message(0, (fc.Field(1, fc.UINT16, 3, size=4),))])


def test_record_writer_reuses_and_evicts_local_types() -> None:
    layouts = [fc.Message(27, (fc.Field(n, fc.UINT8, 1),)) for n in range(20)]
    writer = fc.RecordWriter(local_types=(1, 2))
    writer.write_all(layouts[:2] + layouts[:2] + layouts[2:3] + layouts[:1])
    data = bytes(writer.out)
    definitions = [data[i] for i in range(len(data)) if data[i] & 0x40 and i in _record_starts(data)]
    assert len(definitions) == 4, "two layouts defined once, a third evicts the first, which comes back"
    decoded = fc.decode_file(fc.wrap(data))
    assert [sorted(m.fields) for m in decoded.messages] == [[0], [1], [0], [1], [2], [0]]
    with pytest.raises(ValueError):
        fc.RecordWriter(local_types=(16,))


def _record_starts(data: bytes) -> set[int]:
    starts, pos, sizes = set(), 0, {}
    while pos < len(data):
        starts.add(pos)
        head = data[pos]
        if head & 0x40:
            n = data[pos + 5]
            sizes[head & 0x0F] = sum(data[pos + 6 + 3 * i + 1] for i in range(n))
            pos += 6 + 3 * n
        else:
            pos += 1 + sizes[head & 0x0F]
    return starts


def test_the_sdk_reads_every_writer_layout() -> None:
    messages = [fc.Message(0, (fc.Field(0, fc.ENUM, 5), fc.Field(3, fc.UINT32Z, 7)))]
    messages += [fc.Message(27, (fc.Field(254, fc.UINT16, i), fc.Field(0, fc.STRING, "x" * (i + 1)),
                                 fc.Field(2, fc.UINT32, i * 1000))) for i in range(40)]
    data = fc.encode_file(messages)
    stream = Stream.from_byte_array(bytearray(data))
    decoder = Decoder(stream)
    assert decoder.is_fit() and decoder.check_integrity()
    stream.reset()
    read, errors = decoder.read()
    assert errors == [] and [m["wkt_step_name"] for m in read["workout_step_mesgs"]] == [
        "x" * (i + 1) for i in range(40)
    ]


INT_TYPES = [fc.ENUM, fc.SINT8, fc.UINT8, fc.SINT16, fc.UINT16, fc.SINT32, fc.UINT32, fc.UINT8Z, fc.UINT16Z,
             fc.UINT32Z, fc.SINT64, fc.UINT64, fc.UINT64Z]


@given(
    st.lists(st.tuples(st.sampled_from(INT_TYPES), st.data()), min_size=1, max_size=12), st.text(max_size=30)
)
def test_encode_then_decode_gives_the_values_back(
    fields: list[tuple[fc.BaseType, st.DataObject]], text: str
) -> None:
    values: list[fc.Field] = []
    for number, (base, data) in enumerate(fields):
        value = data.draw(st.integers(base.low, base.high).filter(
            lambda v, b=base: (v & ((1 << (8 * b.size)) - 1)) != b.invalid))
        values.append(fc.Field(number, base, value))
    text = text.replace("\x00", "")
    if text:
        values.append(fc.Field(200, fc.STRING, text))
    decoded = fc.decode_file(fc.encode_file([fc.Message(1234, tuple(values))]))
    (m,) = decoded.messages
    assert m.number == 1234
    assert m.fields == {f.number: f.value for f in values}


def _definition(local: int, number: int, fields: list[tuple[int, int, int]], *, big: bool = False,
                dev: list[tuple[int, int, int]] | None = None) -> bytes:
    head = 0x40 | local | (0x20 if dev is not None else 0)
    out = struct.pack("<BBB", head, 0, 1 if big else 0) + struct.pack(">H" if big else "<H", number)
    out += bytes([len(fields)]) + b"".join(bytes(f) for f in fields)
    if dev is not None:
        out += bytes([len(dev)]) + b"".join(bytes(f) for f in dev)
    return out


def test_big_endian_developer_fields_arrays_floats_and_unknown_types() -> None:
    records = _definition(0, 27, [(2, 4, 0x86), (5, 4, 0x84), (6, 4, 0x88), (7, 3, 0x55), (8, 4, 0x07)],
                          big=True, dev=[(0, 3, 0)])
    records += b"\x00" + struct.pack(">I", 70000) + struct.pack(">HH", 1, 0xFFFF) + struct.pack(">f", 1.5)
    records += b"\x01\x02\x03" + b"ab\x00\x00" + b"DEV"
    (m,) = fc.decode_file(fc.wrap(records)).messages
    assert m.fields == {2: 70000, 5: (1, None), 6: 1.5, 7: b"\x01\x02\x03", 8: "ab"}


def test_invalid_values_are_left_out() -> None:
    records = _definition(
        0,
        27,
        [(1, 1, 0x00), (2, 4, 0x86), (3, 4, 0x8C), (4, 2, 0x84), (8, 3, 0x07), (9, 2, 0x0D), (10, 3, 0x84)],
    )
    records += (
        b"\x00"
        + b"\xff"
        + b"\xff" * 4
        + b"\x00" * 4
        + b"\xff\xff"
        + b"\x00\x00\x00"
        + b"\xff\xff"
        + b"\x00\x00\x00"
    )
    (m,) = fc.decode_file(fc.wrap(records)).messages
    assert m.fields == {}, "every field holds its invalid value; a size that is not whole elements is skipped"


def test_compressed_timestamp_headers_use_their_local_type() -> None:
    records = _definition(1, 20, [(3, 1, 0x02)]) + b"\x01\x50" + bytes([0x80 | (1 << 5) | 7]) + b"\x51"
    decoded = fc.decode_file(fc.wrap(records))
    assert [m.fields for m in decoded.messages] == [{3: 0x50}, {3: 0x51}]


@pytest.mark.parametrize(
    ("records", "words"),
    [
        (b"\x40\x00\x00\x1b", "past the end"),
        (_definition(0, 27, [(1, 1, 0)])[:-2], "past the end"),
        (b"\x40\x00\x07\x1b\x00\x00", "architecture"),
        (_definition(0, 27, [(1, 0, 0)]), "size 0"),
        (_definition(0, 27, [], dev=[(0, 1, 0)])[:-2], "past the end"),
        (b"\x60\x00\x00\x1b\x00\x00", "past the end"),
        (b"\x03", "before defining"),
        (_definition(0, 27, [(1, 4, 0x86)]) + b"\x00\x01", "past the end"),
    ],
)
def test_malformed_records(records: bytes, words: str) -> None:
    with pytest.raises(fc.FitDecodeError) as exc:
        fc.decode_file(fc.wrap(records))
    assert exc.value.kind == "malformed" and words in str(exc.value) and exc.value.offset is not None


@pytest.mark.parametrize(
    ("data", "kind"),
    [
        (b"", "not_fit"),
        (b"\x0e\x10", "truncated"),
        (b"\x0e\x10\x00\x00\x00\x00\x00\x00.FI", "truncated"),
        (b"\x0e\x10\x00\x00\x00\x00\x00\x00.FOO", "not_fit"),
        (b"hello world, this is text", "not_fit"),
        (b"\x08" + b"\x00" * 7 + b".FIT" + b"\x00" * 4, "not_fit"),
        (b"\x20" + b"\x00" * 7 + b".FIT" + b"\x00" * 4, "truncated"),
        (fc.wrap(b"", protocol=0x30), "not_fit"),
    ],
)
def test_bad_headers(data: bytes, kind: str) -> None:
    with pytest.raises(fc.FitDecodeError) as exc:
        fc.decode_file(data)
    assert exc.value.kind == kind


def test_legacy_12_byte_header() -> None:
    records = _definition(0, 0, [(0, 1, 0)]) + b"\x00\x05"
    head = struct.pack("<BBHI4s", 12, 0x10, 100, len(records), b".FIT")
    data = head + records
    data += struct.pack("<H", fc.crc16(data))
    decoded = fc.decode_file(data)
    assert decoded.header.crc is None and decoded.messages[0].fields == {0: 5}


def test_max_messages() -> None:
    records = _definition(0, 20, [(3, 1, 2)]) + b"\x00\x01" * 5
    with pytest.raises(fc.FitDecodeError, match="more than 3"):
        fc.decode_file(fc.wrap(records), max_messages=3)


@pytest.mark.parametrize("name", ["WorkoutIndividualSteps.fit", "WorkoutCustomTargetValues.fit",
                                  "WorkoutRepeatSteps.fit", "WorkoutRepeatGreaterThanStep.fit"])
def test_corpus_files_decode_as_the_sdk_decodes_them(name: str) -> None:
    path = CORPUS / name
    if not path.exists():
        pytest.skip(f"{path} is absent (../shared is not available here)")
    data = path.read_bytes()
    ours = fc.decode_file(data)
    stream = Stream.from_byte_array(bytearray(data))
    decoder = Decoder(stream)
    assert decoder.is_fit() and decoder.check_integrity()
    stream.reset()
    sdk, errors = decoder.read(
        apply_scale_and_offset=False,
        convert_types_to_strings=False,
        expand_sub_fields=False,
        expand_components=False,
        convert_datetimes_to_dates=False,
        merge_heart_rates=False,
    )
    assert errors == []
    steps = [m.named() for m in ours.messages if m.number == fc.Mesg.WORKOUT_STEP]
    assert steps == sdk["workout_step_mesgs"]
    workout = next(m for m in ours.messages if m.number == fc.Mesg.WORKOUT)
    assert workout.named()["wkt_name"] == sdk["workout_mesgs"][0]["wkt_name"]
