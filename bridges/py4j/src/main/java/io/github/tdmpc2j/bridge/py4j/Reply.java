package io.github.tdmpc2j.bridge.py4j;

import io.github.tdmpc2j.spi.Box;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;

/** Reads a worker's reply; the layout is the one {@code tdmpc2j_worker/wire.py} writes. */
final class Reply {
    private static final byte OK = 0;

    private final ByteBuffer buffer;

    private Reply(ByteBuffer buffer) {
        this.buffer = buffer;
    }

    /**
     * The reply after its status byte, or the Python exception it carries (with the row of a batched request whose
     * env raised it, where the worker knows it).
     */
    static Reply parse(byte[] raw, String domain, String operation) {
        if (raw == null || raw.length == 0) {
            throw new BridgeException("[" + domain + "] the worker sent an empty reply to " + operation);
        }
        Reply reply = new Reply(ByteBuffer.wrap(raw).order(ByteOrder.LITTLE_ENDIAN));
        if (reply.buffer.get() == OK) {
            return reply;
        }
        String type = reply.text();
        String message = reply.text();
        String traceback = reply.text();
        int row = reply.buffer.remaining() >= 4 ? reply.int32() : -1;
        throw new PythonException(domain, operation, type, message, traceback, row);
    }

    int int32() {
        return buffer.getInt();
    }

    double float64() {
        return buffer.getDouble();
    }

    boolean flag() {
        return buffer.get() != 0;
    }

    float[] floats(int n) {
        float[] values = new float[n];
        buffer.asFloatBuffer().get(values);
        buffer.position(buffer.position() + 4 * n);
        return values;
    }

    String text() {
        int length = Short.toUnsignedInt(buffer.getShort());
        String s = new String(buffer.array(), buffer.arrayOffset() + buffer.position(), length, StandardCharsets.UTF_8);
        buffer.position(buffer.position() + length);
        return s;
    }

    Box box() {
        int n = int32();
        float[] low = floats(n);
        float[] high = floats(n);
        return Box.of(low, high);
    }

    /** A tagged info map: booleans, longs, doubles and strings. */
    Map<String, Object> info() {
        int n = Short.toUnsignedInt(buffer.getShort());
        if (n == 0) {
            return Map.of();
        }
        Map<String, Object> info = new HashMap<>(n * 2);
        for (int i = 0; i < n; i++) {
            String key = text();
            byte tag = buffer.get();
            info.put(key, switch (tag) {
                case 'b' -> flag();
                case 'i' -> buffer.getLong();
                case 'f' -> float64();
                case 's' -> text();
                default -> throw new BridgeException("unknown info tag '" + (char) tag + "' for key " + key
                        + ": the Java and Python sides of the bridge are of different versions");
            });
        }
        return info;
    }

    /** Refuses a reply with bytes left after its last value: the worker's layout is not the one read. */
    void checkConsumed(String what, String operation) {
        if (buffer.hasRemaining()) {
            throw new BridgeException(what + ": the worker's reply to " + operation + " has " + buffer.remaining()
                    + " bytes more than its values: the Java and Python sides of the bridge are of different"
                    + " versions");
        }
    }
}
