"""FIT primitives shared by the FIT backend and the FIT importer.

The FIT protocol (Garmin's "Flexible and Interoperable Data Transfer") is a
binary, little-endian-by-default stream: a 12- or 14-byte header, records,
and a CRC-16.  A *definition* record says, for one local message type (0-15),
which global message follows and the number, size and base type of each of
its fields; *data* records then carry values in that layout.  This module
knows the framing and the base types, and the handful of profile numbers a
workout file needs; it knows nothing of nmdsl's model.

Two halves:

- :class:`RecordWriter` / :func:`encode_file` write records with strict range
  checks: a value that does not fit its base type, or that equals the type's
  "invalid" marker, raises :class:`FitEncodeError` instead of being wrapped
  or silently read back as "no value".
- :func:`decode_file` reads any FIT file defensively: every length is checked
  against the bytes that are really there, so a truncated, corrupt or hostile
  file raises :class:`FitDecodeError` (with a kind and a byte offset) in time
  linear in its size, and never reads past its end.

Facts come from the FIT SDK's profile (``garmin/fit-python-sdk``,
``garmin_fit_sdk/profile.py``, 21.218) and the protocol description; nothing
here is copied from an SDK: it is written from those facts.
"""

from __future__ import annotations

import struct
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import ClassVar, Literal, NamedTuple

#: FIT ``date_time`` counts seconds from 1989-12-31T00:00:00Z (Unix 631065600).
FIT_EPOCH_UNIX = 631_065_600
#: ``date_time`` values below this are relative ("system time"), not dates.
DATE_TIME_MIN = 0x10000000

#: Protocol 1.0.  nmdsl writes no 2.0 feature (no developer fields, no 64-bit
#: types), and the C SDK's decoder (``fit_convert.c``) refuses a file whose
#: major protocol version is above the one it was built with: declaring 1.0
#: keeps the oldest firmware able to read the file.  Garmin's own sample
#: workout files (../shared/corpus/fit) declare 1.0 too.
PROTOCOL_VERSION = 0x10
#: The profile our field numbers were checked against (21.218, written as the
#: SDK's encoder writes it: major * 1000 + minor).
PROFILE_VERSION = 21_218

HEADER_SIZE = 14
_HEADER = struct.Struct("<BBHI4sH")
_SIGNATURE = b".FIT"


# -- CRC ---------------------------------------------------------------------


def _crc_table() -> tuple[int, ...]:
    # CRC-16/ARC: reflected polynomial 0xA001, initial value 0.  Garmin's code
    # walks it a nibble at a time; a byte table gives the same values.
    table = []
    for byte in range(256):
        crc = byte
        for _ in range(8):
            crc = (crc >> 1) ^ 0xA001 if crc & 1 else crc >> 1
        table.append(crc)
    return tuple(table)


_CRC_TABLE = _crc_table()


def _crc_bytewise(data: bytes, crc: int) -> int:
    table = _CRC_TABLE
    for byte in data:
        crc = (crc >> 8) ^ table[(crc ^ byte) & 0xFF]
    return crc


# The CRC a block at a time.  With initial value 0 this CRC is linear (XOR
# of inputs gives XOR of CRCs), so the CRC after a block of _BLOCK bytes is
#
#     carry(crc before the block) ^ own(block)
#
# where carry() is the state run through _BLOCK zero bytes and own() the
# block's CRC from 0, the XOR of one table entry per byte position.  own()
# of every block does not depend on the state: it is computed for all blocks
# at once, one position at a time, with bytes.translate (a table per position,
# low and high byte apart) and XOR on big integers, all in C.  Only carry()
# is left to a Python loop, once per block instead of once per byte: about
# three times faster on a 1 KiB workout file.
_BLOCK = 16

#: The block tables, built (in about a millisecond) once a process has
#: checksummed this many bytes: a library pays it, one small file does not.
_BLOCK_TABLES_AFTER_BYTES = 64 * 1024
_crc_bytes_seen = 0
_CRC_BLOCK_TABLES: tuple[list[bytes], list[bytes], list[int], list[int]] | None = None


def _block_tables() -> tuple[list[bytes], list[bytes], list[int], list[int]]:
    table = _CRC_TABLE

    def zero_byte(c: int) -> int:
        return (c >> 8) ^ table[c & 0xFF]

    # own_low[j][b], own_high[j][b]: the two bytes of the CRC (from 0) of a
    # block whose only non-zero byte is b, at position j.  The last position
    # is the byte table itself; each earlier one is followed by one more
    # zero byte.
    own = list(table)
    own_low: list[bytes] = [b""] * _BLOCK
    own_high: list[bytes] = [b""] * _BLOCK
    for j in reversed(range(_BLOCK)):
        own_low[j] = bytes(v & 0xFF for v in own)
        own_high[j] = bytes(v >> 8 for v in own)
        own = [zero_byte(v) for v in own]

    def carry(c: int) -> int:
        for _ in range(_BLOCK):
            c = zero_byte(c)
        return c

    # carry() is linear too: its low and high input bytes apart.
    carry_low = [carry(v) for v in range(256)]
    carry_high = [carry(v << 8) for v in range(256)]
    return own_low, own_high, carry_low, carry_high


def _crc_blocks(
    data: bytes, count: int, crc: int, tables: tuple[list[bytes], list[bytes], list[int], list[int]]
) -> int:
    """The CRC after the first ``count`` blocks of ``data``, from ``crc``."""
    own_low, own_high, carry_low, carry_high = tables
    end = count * _BLOCK
    low = high = 0
    for j in range(_BLOCK):
        column = data[j:end:_BLOCK]  # byte j of every block
        low ^= int.from_bytes(column.translate(own_low[j]), "little")
        high ^= int.from_bytes(column.translate(own_high[j]), "little")
    # Each block's own() as one little-endian 16-bit word.
    words = bytearray(2 * count)
    words[0::2] = low.to_bytes(count, "little")
    words[1::2] = high.to_bytes(count, "little")
    for own in struct.unpack(f"<{count}H", words):
        crc = carry_low[crc & 0xFF] ^ carry_high[crc >> 8] ^ own
    return crc


def crc16(data: bytes | bytearray | memoryview, crc: int = 0) -> int:
    """The FIT CRC of ``data``, continuing from ``crc`` (check: b"123456789" -> 0xBB3D)."""
    global _crc_bytes_seen, _CRC_BLOCK_TABLES
    data = bytes(data)
    tables = _CRC_BLOCK_TABLES
    if tables is None:
        _crc_bytes_seen += len(data)
        if _crc_bytes_seen < _BLOCK_TABLES_AFTER_BYTES:
            return _crc_bytewise(data, crc)
        tables = _CRC_BLOCK_TABLES = _block_tables()
    count = len(data) // _BLOCK
    if count < 12:  # below ~200 bytes (a header) the setup costs more than it saves
        return _crc_bytewise(data, crc)
    crc = _crc_blocks(data, count, crc, tables)
    return _crc_bytewise(data[count * _BLOCK :], crc)


# -- base types ------------------------------------------------------------


@dataclass(frozen=True)
class BaseType:
    """One FIT base type: its definition byte, size, struct code and invalid value."""

    name: str
    #: The byte written in definitions (bit 7 set for multi-byte types).
    number: int
    size: int
    #: ``struct`` code without the byte-order prefix; "" for strings and bytes.
    code: str
    #: The raw value meaning "no value" (as an unsigned bit pattern).
    invalid: int
    low: int = 0
    high: int = 0

    @property
    def is_integer(self) -> bool:
        return self.code in ("B", "b", "H", "h", "I", "i", "Q", "q")


def _int_type(name: str, number: int, size: int, code: str, invalid: int, signed: bool) -> BaseType:
    bits = size * 8
    if signed:
        low, high = -(1 << (bits - 1)), (1 << (bits - 1)) - 1
    else:
        low, high = 0, (1 << bits) - 1
    return BaseType(name, number, size, code, invalid, low, high)


ENUM = _int_type("enum", 0x00, 1, "B", 0xFF, False)
SINT8 = _int_type("sint8", 0x01, 1, "b", 0x7F, True)
UINT8 = _int_type("uint8", 0x02, 1, "B", 0xFF, False)
SINT16 = _int_type("sint16", 0x83, 2, "h", 0x7FFF, True)
UINT16 = _int_type("uint16", 0x84, 2, "H", 0xFFFF, False)
SINT32 = _int_type("sint32", 0x85, 4, "i", 0x7FFFFFFF, True)
UINT32 = _int_type("uint32", 0x86, 4, "I", 0xFFFFFFFF, False)
STRING = BaseType("string", 0x07, 1, "", 0x00)
FLOAT32 = BaseType("float32", 0x88, 4, "f", 0xFFFFFFFF)
FLOAT64 = BaseType("float64", 0x89, 8, "d", 0xFFFFFFFFFFFFFFFF)
UINT8Z = _int_type("uint8z", 0x0A, 1, "B", 0x00, False)
UINT16Z = _int_type("uint16z", 0x8B, 2, "H", 0x0000, False)
UINT32Z = _int_type("uint32z", 0x8C, 4, "I", 0x00000000, False)
BYTE = BaseType("byte", 0x0D, 1, "", 0xFF)
SINT64 = _int_type("sint64", 0x8E, 8, "q", 0x7FFFFFFFFFFFFFFF, True)
UINT64 = _int_type("uint64", 0x8F, 8, "Q", 0xFFFFFFFFFFFFFFFF, False)
UINT64Z = _int_type("uint64z", 0x90, 8, "Q", 0x0000000000000000, False)

#: Base types by their number with the endian bit (0x80) masked off: readers
#: must accept a type byte whether or not a writer set that bit.
BASE_TYPES: dict[int, BaseType] = {
    t.number & 0x1F: t
    for t in (ENUM, SINT8, UINT8, SINT16, UINT16, SINT32, UINT32, STRING, FLOAT32, FLOAT64,
              UINT8Z, UINT16Z, UINT32Z, BYTE, SINT64, UINT64, UINT64Z)
}


# -- profile: the numbers a workout file uses --------------------------------


class Mesg:
    """Global message numbers (profile ``mesg_num``)."""

    FILE_ID = 0
    WORKOUT = 26
    WORKOUT_STEP = 27
    # Used by tests to build files that are not workouts.
    RECORD = 20
    EVENT = 21
    SESSION = 18
    ACTIVITY = 34


class FileType:
    """``file`` enum: file_id.type."""

    ACTIVITY = 4
    WORKOUT = 5
    NAMES: ClassVar[dict[int, str]] = {
        1: "device",
        2: "settings",
        3: "sport",
        4: "activity",
        5: "workout",
        6: "course",
        7: "schedules",
        9: "weight",
        10: "totals",
        11: "goals",
        14: "blood_pressure",
        15: "monitoring_a",
        20: "activity_summary",
        28: "monitoring_daily",
        32: "monitoring_b",
        34: "segment",
        35: "segment_list",
        40: "exd_configuration",
    }


class Sport:
    GENERIC = 0
    RUNNING = 1
    CYCLING = 2


class SubSport:
    GENERIC = 0


class Intensity:
    """``intensity`` enum; 4-6 were added later and older readers may not know them."""

    ACTIVE = 0
    REST = 1
    WARMUP = 2
    COOLDOWN = 3
    RECOVERY = 4
    INTERVAL = 5
    OTHER = 6


class Duration:
    """``wkt_step_duration`` enum: how a step (or a repeat) ends."""

    TIME = 0  # duration_value in ms
    DISTANCE = 1  # in cm
    HR_LESS_THAN = 2
    HR_GREATER_THAN = 3
    CALORIES = 4
    OPEN = 5  # until the lap button
    REPEAT_UNTIL_STEPS_CMPLT = 6  # duration_value: first step's message_index; target_value: count
    REPEAT_UNTIL_TIME = 7
    REPEAT_UNTIL_DISTANCE = 8
    REPEAT_UNTIL_CALORIES = 9
    REPEAT_UNTIL_HR_LESS_THAN = 10
    REPEAT_UNTIL_HR_GREATER_THAN = 11
    REPEAT_UNTIL_POWER_LESS_THAN = 12
    REPEAT_UNTIL_POWER_GREATER_THAN = 13
    POWER_LESS_THAN = 14
    POWER_GREATER_THAN = 15
    TRAINING_PEAKS_TSS = 16
    REPEAT_UNTIL_POWER_LAST_LAP_LESS_THAN = 17
    REPEAT_UNTIL_MAX_POWER_LAST_LAP_LESS_THAN = 18
    REPEAT_UNTIL_TRAINING_PEAKS_TSS = 27
    REPETITION_TIME = 28
    REPS = 29
    TIME_ONLY = 31
    #: Every repeat kind: the step's duration_value names the first repeated step.
    REPEATS: ClassVar[frozenset[int]] = frozenset({6, 7, 8, 9, 10, 11, 12, 13, 17, 18, 27})
    NAMES: ClassVar[dict[int, str]] = {
        0: "time",
        1: "distance",
        2: "hr_less_than",
        3: "hr_greater_than",
        4: "calories",
        5: "open",
        6: "repeat_until_steps_cmplt",
        7: "repeat_until_time",
        8: "repeat_until_distance",
        9: "repeat_until_calories",
        10: "repeat_until_hr_less_than",
        11: "repeat_until_hr_greater_than",
        12: "repeat_until_power_less_than",
        13: "repeat_until_power_greater_than",
        14: "power_less_than",
        15: "power_greater_than",
        16: "training_peaks_tss",
        17: "repeat_until_power_last_lap_less_than",
        18: "repeat_until_max_power_last_lap_less_than",
        19: "power_3s_less_than",
        20: "power_10s_less_than",
        21: "power_30s_less_than",
        22: "power_3s_greater_than",
        23: "power_10s_greater_than",
        24: "power_30s_greater_than",
        25: "power_lap_less_than",
        26: "power_lap_greater_than",
        27: "repeat_until_training_peaks_tss",
        28: "repetition_time",
        29: "reps",
        31: "time_only",
    }


class Target:
    """``wkt_step_target`` enum."""

    SPEED = 0  # custom values in mm/s
    HEART_RATE = 1  # 0-100 % of max HR, above 100: bpm + 100
    OPEN = 2
    CADENCE = 3  # rpm
    POWER = 4  # 0-1000 % of FTP, above 1000: watts + 1000
    GRADE = 5
    RESISTANCE = 6
    POWER_3S = 7
    POWER_10S = 8
    POWER_30S = 9
    POWER_LAP = 10
    SWIM_STROKE = 11
    SPEED_LAP = 12
    HEART_RATE_LAP = 13
    NAMES: ClassVar[dict[int, str]] = {
        0: "speed",
        1: "heart_rate",
        2: "open",
        3: "cadence",
        4: "power",
        5: "grade",
        6: "resistance",
        7: "power_3s",
        8: "power_10s",
        9: "power_30s",
        10: "power_lap",
        11: "swim_stroke",
        12: "speed_lap",
        13: "heart_rate_lap",
    }


#: ``workout_hr`` / ``workout_power``: values above these offsets are absolute.
HR_BPM_OFFSET = 100
POWER_WATTS_OFFSET = 1000

#: Field numbers and names of the messages a workout file uses, for readable
#: dumps (goldens, error messages).  Profile 21.218.
FIELD_NAMES: dict[int, dict[int, str]] = {
    Mesg.FILE_ID: {0: "type", 1: "manufacturer", 2: "product", 3: "serial_number", 4: "time_created",
                   5: "number", 8: "product_name"},
    Mesg.WORKOUT: {254: "message_index", 4: "sport", 5: "capabilities", 6: "num_valid_steps",
                   8: "wkt_name", 11: "sub_sport", 14: "pool_length", 15: "pool_length_unit",
                   17: "wkt_description"},
    Mesg.WORKOUT_STEP: {254: "message_index", 0: "wkt_step_name", 1: "duration_type", 2: "duration_value",
                        3: "target_type", 4: "target_value", 5: "custom_target_value_low",
                        6: "custom_target_value_high", 7: "intensity", 8: "notes", 9: "equipment",
                        10: "exercise_category", 11: "exercise_name", 12: "exercise_weight",
                        13: "weight_display_unit", 19: "secondary_target_type",
                        20: "secondary_target_value", 21: "secondary_custom_target_value_low",
                        22: "secondary_custom_target_value_high"},
}
MESG_NAMES = {Mesg.FILE_ID: "file_id", Mesg.WORKOUT: "workout", Mesg.WORKOUT_STEP: "workout_step",
              Mesg.RECORD: "record", Mesg.EVENT: "event", Mesg.SESSION: "session", Mesg.ACTIVITY: "activity"}


# -- encoding ------------------------------------------------------------------


class FitEncodeError(ValueError):
    """A value does not fit its FIT field (never wrapped, never written as invalid)."""

    def __init__(self, field_name: str, value: object, reason: str):
        super().__init__(f"{field_name} = {value!r}: {reason}")
        self.field_name = field_name
        self.value = value
        self.reason = reason


class Field(NamedTuple):
    """One field to write: its number, base type and value.

    ``size`` is the declared size in bytes; for strings it defaults to the
    UTF-8 length plus the terminating NUL.  (A named tuple: a workout file
    makes thousands of them, and a frozen dataclass costs several times more
    to build.)
    """

    number: int
    base: BaseType
    value: int | str
    name: str = ""
    size: int | None = None

    def declared_size(self) -> int:
        if self.size is not None:
            return self.size
        if isinstance(self.value, str):
            return len(self.value.encode("utf-8")) + 1
        return self.base.size


@dataclass(frozen=True)
class Message:
    """One message to write: a global message number and its fields."""

    number: int
    fields: tuple[Field, ...]


def _pack_value(f: Field, size: int) -> bytes:
    label = f.name or f"field {f.number}"
    base = f.base
    if base is STRING:
        if not isinstance(f.value, str):
            raise FitEncodeError(label, f.value, "a string field needs text")
        raw = f.value.encode("utf-8")
        if b"\x00" in raw:
            raise FitEncodeError(label, f.value, "text may not contain NUL (it ends a FIT string)")
        if not raw:
            raise FitEncodeError(
                label, f.value, "an empty string reads back as 'no value'; leave the field out"
            )
        if len(raw) + 1 > size:
            raise FitEncodeError(label, f.value, f"{len(raw)} bytes + NUL do not fit {size} bytes")
        return raw + b"\x00" * (size - len(raw))
    if not base.is_integer:
        raise FitEncodeError(label, f.value, f"writing {base.name} is not supported")
    value = f.value
    if isinstance(value, bool) or not isinstance(value, int):
        raise FitEncodeError(label, value, f"{base.name} needs an integer")
    if size != base.size:
        raise FitEncodeError(label, value, f"arrays of {base.name} are not supported")
    if not base.low <= value <= base.high:
        raise FitEncodeError(label, value, f"outside {base.name}'s range {base.low}..{base.high}")
    if (value & ((1 << (8 * base.size)) - 1)) == base.invalid:
        raise FitEncodeError(
            label, value, f"{value} is {base.name}'s 'invalid' marker and would read back as no value"
        )
    return struct.pack("<" + base.code, value)


_STRUCTS: dict[str, struct.Struct] = {}
#: For each integer base type (by identity): struct code, size, range,
#: "invalid" value, mask of its bits and definition byte.
_INTEGERS: dict[int, tuple[str, int, int, int, int, int, int]] = {
    id(t): (t.code, t.size, t.low, t.high, t.invalid, (1 << (8 * t.size)) - 1, t.number)
    for t in BASE_TYPES.values()
    if t.is_integer
}


def _fast_payload(fields: Sequence[Field]) -> tuple[bytes, tuple[tuple[int, int, int], ...]] | None:
    """The data record's payload and layout, packed at once; None if any field needs a closer look.

    The common case (integers in range, short non-empty strings) in one
    ``struct`` call; anything else goes through :func:`_pack_value`, which
    raises the precise error, so the bytes and the errors are the same.
    """
    if len(fields) > 255:
        return None
    fmt = ["<"]
    values: list[object] = []
    shape = []
    integers = _INTEGERS
    for f in fields:
        base = f.base
        v = f.value
        size = f.size
        info = integers.get(id(base))
        if info is not None:
            code, base_size, low, high, invalid, mask, number = info
            if (
                type(v) is not int
                or (size is not None and size != base_size)
                or not low <= v <= high
                or (v & mask) == invalid
            ):
                return None
            fmt.append(code)
            values.append(v)
            shape.append((f.number, base_size, number))
        elif base is STRING:
            if type(v) is not str:
                return None
            raw = v.encode("utf-8")
            if size is None:
                size = len(raw) + 1
            if not raw or len(raw) + 1 > size or b"\x00" in raw:
                return None
            fmt.append(f"{size}s")  # NUL-padded to the declared size
            values.append(raw)
            shape.append((f.number, size, STRING.number))
        else:
            return None
    key = "".join(fmt)
    packer = _STRUCTS.get(key)
    if packer is None:
        if len(_STRUCTS) >= 4096:
            _STRUCTS.clear()
        packer = _STRUCTS[key] = struct.Struct(key)
    return packer.pack(*values), tuple(shape)


def _valid_range(base: BaseType) -> tuple[int, int] | None:
    """The values an integer type can hold, its "invalid" marker excluded.

    Every integer type's marker sits at one end of its range (the top for
    plain and signed types, 0 for the ``z`` types), so the values it may
    carry are one interval and a check is two comparisons.
    """
    if base.invalid == base.high:
        return base.low, base.high - 1
    if base.invalid == base.low:
        return base.low + 1, base.high
    return None


class Layout:
    """A data message layout known before its values, packed by one precompiled struct.

    For messages written by the thousand with a handful of shapes (workout
    steps): the layout key, the definition record and the ``struct`` are made
    once, and :meth:`pack` only checks and packs the values.  ``fields`` are
    ``(field number, base type, size)``; strings are passed to :meth:`pack`
    as their UTF-8 bytes, NUL-padded to ``size``.

    :meth:`pack` returns None whenever a value is not plainly in range; the
    caller then writes the message through :meth:`RecordWriter.write`, whose
    checked path raises the precise :class:`FitEncodeError`.  So the fast
    path never accepts what the checked path refuses, and gives its bytes.
    """

    __slots__ = ("_ints", "_strings", "_struct", "definition", "key", "number")

    def __init__(self, number: int, fields: Sequence[tuple[int, BaseType, int]]):
        self.number = number
        shape = tuple((num, size, base.number) for num, base, size in fields)
        #: The same key :meth:`RecordWriter.write` makes for these fields, so
        #: both paths share local message types.
        self.key: tuple[object, ...] = (number, shape)
        codes = ["<"]
        ints: list[tuple[int, int, int]] = []
        strings: list[tuple[int, int]] = []
        usable = 0 <= number <= 0xFFFF and len(fields) <= 255
        for i, (num, base, size) in enumerate(fields):
            usable = usable and 0 <= num <= 255 and 1 <= size <= 255
            bounds = _valid_range(base) if base.is_integer and size == base.size else None
            if bounds is not None:
                codes.append(base.code)
                ints.append((i, *bounds))
            elif base is STRING:
                codes.append(f"{size}s")
                strings.append((i, size))
            else:
                usable = False  # arrays, floats, bytes: only the checked path writes them
        self._ints = tuple(ints)
        self._strings = tuple(strings)
        # None: every message of this layout goes through the checked path.
        self._struct = struct.Struct("".join(codes)) if usable else None
        # The definition record after its header byte (which holds the local
        # type): reserved, little endian, global number, field count, fields.
        self.definition = struct.pack("<BBHB", 0, 0, number & 0xFFFF, len(fields) & 0xFF) + bytes(
            b & 0xFF for triple in shape for b in triple
        )

    def pack(self, values: Sequence[int | bytes]) -> bytes | None:
        """The data record's payload, or None if a value needs the checked path."""
        packer = self._struct
        if packer is None:
            return None
        for i, low, high in self._ints:
            v = values[i]
            # type(): bool is an int the checked path refuses.
            if type(v) is not int or not low <= v <= high:
                return None
        for i, size in self._strings:
            raw = values[i]
            if type(raw) is not bytes or not raw or len(raw) >= size or b"\x00" in raw:
                return None
        return packer.pack(*values)


class RecordWriter:
    """Writes definition and data records, defining each layout once.

    A data message's *layout* (global number, field numbers, sizes, types) is
    mapped to a local message type from ``local_types``; a new layout takes
    the next one round-robin, redefining it.  The order is fixed, so the same
    messages always give the same bytes.
    """

    def __init__(self, local_types: Sequence[int] = tuple(range(16))):
        if not local_types or any(not 0 <= t <= 15 for t in local_types):
            raise ValueError("local message types are 0-15")
        self._free = list(local_types)
        self._next = 0
        self._layouts: dict[tuple[object, ...], int] = {}
        self._owner: dict[int, tuple[object, ...]] = {}
        self.out = bytearray()

    def write(self, message: Message) -> None:
        fast = _fast_payload(message.fields)
        if fast is None:
            # Something is out of range (or unusual): the checked path says what.
            self._write_checked(message)
            return
        payload, shape = fast
        self._emit(message, (message.number, shape), payload)

    def _write_checked(self, message: Message) -> None:
        sizes = [f.declared_size() for f in message.fields]
        if len(message.fields) > 255:
            raise FitEncodeError(f"message {message.number}", len(message.fields), "more than 255 fields")
        layout: tuple[object, ...] = (
            message.number,
            tuple((f.number, size, f.base.number) for f, size in zip(message.fields, sizes, strict=True)),
        )
        payload = b"".join(_pack_value(f, size) for f, size in zip(message.fields, sizes, strict=True))
        self._emit(message, layout, payload)

    def write_packed(self, layout: Layout, payload: bytes) -> None:
        """Write a payload from ``layout.pack`` (defining the layout if it is new)."""
        out = self.out
        local = self._layouts.get(layout.key)
        if local is None:
            local = self._take_local(layout.key)
            out.append(0x40 | local)
            out += layout.definition
        out.append(local)
        out += payload

    def _take_local(self, layout: tuple[object, ...]) -> int:
        # The next local type round-robin; its old layout must be redefined.
        local = self._free[self._next % len(self._free)]
        self._next += 1
        old = self._owner.get(local)
        if old is not None:
            del self._layouts[old]
        self._layouts[layout] = local
        self._owner[local] = layout
        return local

    def _emit(self, message: Message, layout: tuple[object, ...], payload: bytes) -> None:
        local = self._layouts.get(layout)
        if local is None:
            local = self._take_local(layout)
            shape: tuple[tuple[int, int, int], ...] = layout[1]  # type: ignore[assignment]
            for f, (_, size, _) in zip(message.fields, shape, strict=True):
                if not 0 <= f.number <= 255 or not 1 <= size <= 255:
                    raise FitEncodeError(
                        f.name or f"field {f.number}", size, "field number and size are one byte"
                    )
            # Definition: header (bit 6 set), reserved, architecture 0 = little
            # endian, global message number, field count, then per field:
            # number, size in bytes, base type byte.
            self.out += struct.pack("<BBBHB", 0x40 | local, 0, 0, message.number, len(message.fields))
            for number, size, base_number in shape:
                self.out += struct.pack("<BBB", number, size, base_number)
        self.out.append(local)
        self.out += payload

    def write_all(self, messages: Iterable[Message]) -> bytes:
        for m in messages:
            self.write(m)
        return bytes(self.out)


def wrap(records: bytes, *, protocol: int = PROTOCOL_VERSION, profile: int = PROFILE_VERSION) -> bytes:
    """A complete FIT file: 14-byte header (with its CRC), ``records``, file CRC."""
    if len(records) > 0xFFFFFFFF:
        raise FitEncodeError("data_size", len(records), "more than 4 GiB of records")
    head = _HEADER.pack(HEADER_SIZE, protocol, profile, len(records), _SIGNATURE, 0)[:12]
    # Garmin's Python SDK rejects a header CRC of 0 (the protocol allows 0 to
    # mean "not computed"): always compute it.
    head += struct.pack("<H", crc16(head))
    body = head + records
    return body + struct.pack("<H", crc16(body))


def encode_file(messages: Iterable[Message]) -> bytes:
    """Header, definition + data records for ``messages`` in order, file CRC."""
    return wrap(RecordWriter().write_all(messages))


# -- decoding ------------------------------------------------------------------

DecodeErrorKind = Literal["not_fit", "truncated", "crc", "malformed"]


class FitDecodeError(Exception):
    """The bytes are not a readable FIT file; ``kind`` says why, ``offset`` where."""

    def __init__(self, kind: DecodeErrorKind, message: str, offset: int | None = None):
        super().__init__(message if offset is None else f"{message} (at byte {offset})")
        self.kind: DecodeErrorKind = kind
        self.message = message
        self.offset = offset


@dataclass(frozen=True)
class Header:
    size: int
    protocol: int
    profile: int
    data_size: int
    crc: int | None


Value = int | float | str | bytes | tuple[int | float | None, ...]


@dataclass(frozen=True)
class DecodedMessage:
    """A data message: global number and the fields that hold a valid value."""

    number: int
    fields: dict[int, Value]
    #: Byte offset of the record in the file (for error messages).
    offset: int

    def get_int(self, number: int) -> int | None:
        v = self.fields.get(number)
        return v if isinstance(v, int) else None

    def get_str(self, number: int) -> str | None:
        v = self.fields.get(number)
        return v if isinstance(v, str) else None

    def named(self) -> dict[str, Value]:
        names = FIELD_NAMES.get(self.number, {})
        return {names.get(k, f"field_{k}"): v for k, v in sorted(self.fields.items())}


@dataclass
class DecodedFile:
    header: Header
    messages: list[DecodedMessage] = field(default_factory=list)
    #: Bytes after this file's CRC (a chained FIT file, or garbage).
    trailing: int = 0


@dataclass(frozen=True)
class _FieldDef:
    number: int
    size: int
    base: BaseType | None  # None: unknown base type, read as bytes


@dataclass(frozen=True)
class _Definition:
    number: int
    big_endian: bool
    fields: tuple[_FieldDef, ...]
    dev_size: int
    size: int


def read_header(data: bytes) -> Header:
    """Check and return the header; raises :class:`FitDecodeError`."""
    if len(data) < 12:
        # A FIT header starts with its size (12 or 14) and has ".FIT" at 8-11.
        if data[:1] in (b"\x0c", b"\x0e") and data[8:12] == _SIGNATURE[: max(len(data) - 8, 0)]:
            raise FitDecodeError("truncated", "the file ends inside its header")
        raise FitDecodeError("not_fit", f"{len(data)} bytes is too short to be a FIT file")
    size = data[0]
    if data[8:12] != _SIGNATURE or size < 12:
        raise FitDecodeError("not_fit", "no '.FIT' signature in the header: not a FIT file")
    if len(data) < size:
        raise FitDecodeError("truncated", "the file ends inside its header")
    protocol, profile, data_size = data[1], *struct.unpack_from("<HI", data, 2)
    if protocol >> 4 > 2:
        raise FitDecodeError(
            "not_fit", f"FIT protocol version {protocol >> 4}.{protocol & 15} is not supported"
        )
    crc: int | None = None
    if size >= 14:
        crc = struct.unpack_from("<H", data, 12)[0]
        # 0 means "not computed" (the protocol allows it; older devices write it).
        if crc != 0 and crc != crc16(data[:12]):
            raise FitDecodeError(
                "crc", f"the header CRC is {crc:#06x}, but the header's bytes give {crc16(data[:12]):#06x}"
            )
    return Header(size, protocol, profile, data_size, crc)


def check_file(data: bytes) -> tuple[Header, int]:
    """Check the header, the sizes and the file CRC: (header, trailing bytes).

    Raises :class:`FitDecodeError`.  After this, :func:`iter_messages` reads
    the records.
    """
    header = read_header(data)
    end = header.size + header.data_size
    if end + 2 > len(data):
        raise FitDecodeError(
            "truncated",
            f"the header announces {header.data_size:,} bytes of records, but the file has "
            f"only {max(len(data) - header.size - 2, 0):,} after its header (the file is cut short, "
            "or its size field is wrong)",
        )
    stored = struct.unpack_from("<H", data, end)[0]
    computed = crc16(memoryview(data)[:end])
    if stored != computed:
        raise FitDecodeError(
            "crc",
            f"the file CRC is {stored:#06x}, but the file's bytes give {computed:#06x}: the file is corrupt",
        )
    return header, len(data) - end - 2


def decode_file(data: bytes, *, max_messages: int = 1_000_000) -> DecodedFile:
    """Read a whole FIT file: check header, sizes and CRC, then decode records.

    Raises :class:`FitDecodeError`.  Time and memory are linear in
    ``len(data)``: every record consumes at least one byte and every length
    is checked against the bytes that remain.
    """
    header, trailing = check_file(data)
    result = DecodedFile(header, trailing=trailing)
    for message in iter_messages(data, header):
        result.messages.append(message)
        if len(result.messages) > max_messages:
            raise FitDecodeError("malformed", f"more than {max_messages:,} messages", message.offset)
    return result


def iter_messages(data: bytes, header: Header) -> Iterator[DecodedMessage]:
    """The data messages of a file that :func:`check_file` accepted, in order."""
    defs: dict[int, _Definition] = {}
    pos, end = header.size, header.size + header.data_size
    while pos < end:
        start = pos
        head = data[pos]
        pos += 1
        if head & 0x80:
            # Compressed timestamp header: local type in bits 5-6, a time
            # offset in bits 0-4; the record is data in that type's layout.
            local = (head >> 5) & 0x03
            is_definition = False
        else:
            local = head & 0x0F
            is_definition = bool(head & 0x40)
        if is_definition:
            defs[local], pos = _read_definition(data, pos, end, start, developer=bool(head & 0x20))
            continue
        d = defs.get(local)
        if d is None:
            raise FitDecodeError(
                "malformed", f"a data record uses local message type {local} before defining it", start
            )
        if pos + d.size > end:
            name = MESG_NAMES.get(d.number, f"message {d.number}")
            raise FitDecodeError("malformed", f"a {name} record runs past the end of the data", start)
        values: dict[int, Value] = {}
        for fd in d.fields:
            v = _read_value(data, pos, fd, d.big_endian)
            pos += fd.size
            if v is not None:
                values[fd.number] = v
        pos += d.dev_size
        yield DecodedMessage(d.number, values, start)


def _read_definition(data: bytes, pos: int, end: int, start: int, developer: bool) -> tuple[_Definition, int]:
    def need(n: int) -> None:
        if pos + n > end:
            raise FitDecodeError("malformed", "a definition record runs past the end of the data", start)

    need(5)
    arch = data[pos + 1]
    if arch > 1:
        raise FitDecodeError("malformed", f"unknown architecture {arch} in a definition", start)
    big = arch == 1
    number = struct.unpack_from(">H" if big else "<H", data, pos + 2)[0]
    count = data[pos + 4]
    pos += 5
    need(3 * count)
    fields = []
    size = 0
    for i in range(count):
        num, fsize, btype = data[pos + 3 * i], data[pos + 3 * i + 1], data[pos + 3 * i + 2]
        if fsize == 0:
            raise FitDecodeError("malformed", f"field {num} of message {number} has size 0", start)
        fields.append(_FieldDef(num, fsize, BASE_TYPES.get(btype & 0x1F)))
        size += fsize
    pos += 3 * count
    dev_size = 0
    if developer:
        # Developer data fields (protocol 2.0): skipped, but sized.
        need(1)
        dev_count = data[pos]
        pos += 1
        need(3 * dev_count)
        dev_size = sum(data[pos + 3 * i + 1] for i in range(dev_count))
        pos += 3 * dev_count
    return _Definition(number, big, tuple(fields), dev_size, size + dev_size), pos


def _read_value(data: bytes, pos: int, fd: _FieldDef, big: bool) -> Value | None:
    raw = data[pos : pos + fd.size]
    base = fd.base
    if base is None or base is BYTE:
        return None if all(b == 0xFF for b in raw) else bytes(raw)
    if base is STRING:
        text = raw.split(b"\x00", 1)[0]
        if not text:
            return None
        return text.decode("utf-8", errors="replace")
    if fd.size % base.size:
        # A size that is not a whole number of elements: unreadable, skip it.
        return None
    n = fd.size // base.size
    order = ">" if big else "<"
    unsigned = {1: "B", 2: "H", 4: "I", 8: "Q"}[base.size]
    bits = struct.unpack(order + unsigned * n, raw)
    items: list[int | float | None] = []
    for b in bits:
        if b == base.invalid:
            items.append(None)
        elif base.code in ("f", "d") or base.code.islower():
            # Floats and signed integers: reinterpret the unsigned bits.
            items.append(struct.unpack(order + base.code, struct.pack(order + unsigned, b))[0])
        else:
            items.append(b)
    if n == 1:
        return items[0]
    if all(i is None for i in items):
        return None
    return tuple(items)
