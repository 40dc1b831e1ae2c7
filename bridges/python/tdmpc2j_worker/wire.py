"""Packing of what crosses to Java: little-endian float32 arrays, scalars and small info maps.

One env result is: the number of values of observation, reward, terminated and truncated (i32 each, as the
env returned them: Java checks them against the task's spec), then the observation (float32 each), reward
(float64 each), terminated and truncated (u8 each), then an info map: count (u16), and per entry a key (u16 length + UTF-8) and a tagged value
(b'b' bool u8, b'i' int64, b'f' float64, b's' u16 length + UTF-8). Info values of any other type
(arrays, dicts, None) are left out, except under "success": a value there other than None goes as its type and
repr, for Java to refuse.
"""

import binascii
import struct

import numpy as np

_F32 = np.dtype("<f4")
_STEP_SIZES = struct.Struct("<iiii")
_ONE_STEP = struct.Struct("<dBB")
_U16 = struct.Struct("<H")
_I32 = struct.Struct("<i")
_I64 = struct.Struct("<q")
_F64 = struct.Struct("<d")
_EMPTY_INFO = _U16.pack(0)


def floats(values) -> bytes:
    """Any array-like of numbers, flattened, as little-endian float32 bytes."""
    if type(values) is not np.ndarray or values.dtype != _F32:
        values = np.asarray(values, dtype=_F32)
    return values.tobytes()  # C order, flattened


def decode(data: str) -> bytes:
    """Bytes from Java arrive base64-encoded as text: Py4J's own byte[] decoding goes element by element."""
    return binascii.a2b_base64(data)


def text(s: str) -> bytes:
    raw = s.encode("utf-8")[:65535]
    return _U16.pack(len(raw)) + raw


def int32(v: int) -> bytes:
    return _I32.pack(v)


def info_map(info) -> bytes:
    if not info:
        return _EMPTY_INFO
    entries = []
    for key, value in info.items():
        tagged = _tagged(value)
        if tagged is None and key == "success" and value is not None:
            # not left out, which would read as "no success flag": Java refuses it, naming the task and what came
            # (None is no flag, as a null is in Java)
            tagged = b"s" + text(f"{type(value).__name__} {value!r}"[:200])
        if tagged is not None:
            name = _KEYS.get(key)
            if name is None:
                name = text(str(key))
                if len(_KEYS) < 1024:  # info keys are few and fixed; the bound guards against odd envs
                    _KEYS[key] = name
            entries.append(name + tagged)
    return _U16.pack(len(entries)) + b"".join(entries)


_KEYS = {}
_TRUE = b"b\x01"
_FALSE = b"b\x00"


def _tagged(value):
    kind = type(value)
    if kind is bool or kind is np.bool_:
        return _TRUE if value else _FALSE
    if kind is float or isinstance(value, np.floating):
        return b"f" + _F64.pack(float(value))
    if kind is int or isinstance(value, np.integer):
        return b"i" + _I64.pack(int(value))
    if kind is str:
        return b"s" + text(value)
    if kind is np.ndarray and value.size == 1 and value.dtype.kind in "biuf":
        return _tagged(value.reshape(-1)[0].item())
    return None


def step_result(obs, reward, terminated, truncated, info) -> bytes:
    obs = floats(obs)
    if _scalar(reward) and _scalar(terminated) and _scalar(truncated):
        return (_STEP_SIZES.pack(len(obs) // 4, 1, 1, 1) + obs
                + _ONE_STEP.pack(float(reward), 1 if terminated else 0, 1 if truncated else 0) + info_map(info))
    # an env that breaks the contract: its values go as they are, for Java to refuse with the sizes it names
    reward = np.asarray(reward, dtype="<f8").reshape(-1)
    terminated = np.asarray(terminated, dtype=np.uint8).reshape(-1)
    truncated = np.asarray(truncated, dtype=np.uint8).reshape(-1)
    return (_STEP_SIZES.pack(len(obs) // 4, reward.size, terminated.size, truncated.size) + obs + reward.tobytes()
            + terminated.tobytes() + truncated.tobytes() + info_map(info))


def _scalar(value) -> bool:
    kind = type(value)
    return kind is float or kind is bool or kind is int or (isinstance(value, np.generic) and kind is not np.str_)


def reset_result(obs, info) -> bytes:
    """The observation's number of values (i32), the observation, the info map."""
    obs = floats(obs)
    return int32(len(obs) // 4) + obs + info_map(info)


def box(low, high) -> bytes:
    """A flat box: size (i32), then low and high as float32."""
    low = np.asarray(low, dtype=np.float64).reshape(-1)
    high = np.asarray(high, dtype=np.float64).reshape(-1)
    return int32(low.size) + floats(low) + floats(high)
