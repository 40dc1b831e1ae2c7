"""Java's seeds are any 64-bit long, negative ones too; the suites take narrower ones."""

_U64 = (1 << 64) - 1


def unsigned64(seed):
    """The long's 64 bits as a non-negative int, what numpy's and Gymnasium's generators take."""
    return int(seed) & _U64


def fold32(seed):
    """The 64 bits folded into 32, for numpy's legacy RandomState; a seed below 2**32 is itself."""
    seed = unsigned64(seed)
    return (seed ^ (seed >> 32)) & 0xFFFFFFFF
