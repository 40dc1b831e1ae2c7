package io.github.tdmpc2j.agent;

import java.util.Arrays;
import java.util.function.IntFunction;

/**
 * One column of the {@link ReplayBuffer}: rows of {@code width} values, in segments of {@code segmentRows} rows
 * each (the same for every column of a buffer), each segment one Java array ({@code A}: {@code float[]},
 * {@code int[]} or {@code long[]}), so that a column holds more values than one array can (2^31 - 9). A row never
 * straddles two segments: it is copied in or out with one {@link System#arraycopy}; a row's segment is a division
 * by the segment's rows, done as a multiplication ({@link #divisionMultiplier}). The last segment holds only the
 * rows grown to; growing copies that one segment, not the column.
 */
final class Column<A> {
    /**
     * The bytes of one segment of the widest column by default, its header included: 32 MiB, a whole number of
     * G1's regions (1 to 32 MiB, powers of two; G1 gives an array of more than half a region whole regions of its
     * own). Segments of a power of two rows took up to twice their values there (2^18 rows of mt80's 39 values,
     * 39 MiB, in two 32 MiB regions); and a smaller segment is a smaller copy while the first one grows.
     */
    static final long SEGMENT_BYTES = 1L << 25;
    /**
     * What a segment of the widest column leaves of {@link #SEGMENT_BYTES}: its header (16 bytes) and some more, so
     * that a column of half or a quarter its width (mt30's action, 6 values to 24) stays under half a region, where
     * G1 places it among other objects, not alone in a region.
     */
    static final int HEADER_ROOM = 1024;

    private final IntFunction<A> make;
    private final int width;
    private final int rows;
    /** Row {@code i} is in segment {@code (i * multiplier) >>> shift}: i / rows ({@link #divisionMultiplier}). */
    private final long multiplier;
    private final int shift;
    /** Typed ({@code float[][]}, ...), so that a segment taken from {@link #segments} needs no cast per row. */
    private A[] segments;

    /**
     * A column of rows of {@code width} values, {@code segmentRows} rows a segment; {@code make} makes a segment,
     * {@code makeSegments} the array of them ({@code float[]::new}, {@code float[][]::new}).
     */
    Column(IntFunction<A> make, IntFunction<A[]> makeSegments, int width, int segmentRows) {
        if (width < 0 || segmentRows <= 0 || (long) segmentRows * width > TdmpcConfig.MAX_ARRAY) {
            throw new IllegalArgumentException("rows of " + width + " values, " + segmentRows + " rows a segment: "
                    + "a segment must hold a row or more, and be one Java array");
        }
        this.make = make;
        this.width = width;
        this.rows = segmentRows;
        this.multiplier = divisionMultiplier(segmentRows);
        this.shift = divisionShift(segmentRows);
        this.segments = makeSegments.apply(0);
    }

    /**
     * The rows a segment holds for rows of {@code width} floats: as many as {@link #SEGMENT_BYTES} holds beside
     * {@link #HEADER_ROOM} (any number, not a power of two: 215,085 of mt80's 39 values), one row at the least.
     */
    static int segmentRows(int width) {
        return (int) Math.max(1, (SEGMENT_BYTES - HEADER_ROOM) / (4L * Math.max(1, width)));
    }

    /**
     * The multiplier m for which {@code (i * m) >>> divisionShift(rows)} is {@code i / rows} for every int i >= 0,
     * exactly: Granlund and Montgomery's division by an invariant integer (1994, theorem 4.2, for 31-bit i: m, below
     * 2^32, is 2^(31 + l) / rows + 1 with 2^l >= rows, and i * m stays below 2^63). The segment of a row drawn is
     * then a multiplication where a division (tens of cycles, twice a sub-trajectory) made sampling 5% slower.
     */
    static long divisionMultiplier(int rows) {
        return (1L << divisionShift(rows)) / rows + 1;
    }

    /** The shift of {@link #divisionMultiplier}: 31 + l, 2^l the least power of two of {@code rows} or more. */
    static int divisionShift(int rows) {
        return 31 + 32 - Integer.numberOfLeadingZeros(rows - 1);
    }

    /** The segment that holds {@code row} ({@code row / segmentRows()}). */
    int segmentOf(int row) {
        return (int) ((row * multiplier) >>> shift);
    }

    int width() {
        return width;
    }

    /** The segment that holds {@code row} (its values from {@link #offset}). */
    A segment(int row) {
        return segments[segmentOf(row)];
    }

    /** Where {@code row}'s first value is in its {@link #segment}. */
    int offset(int row) {
        return (row - segmentOf(row) * rows) * width;
    }

    /** Copies {@code width} values of {@code from}, from {@code at} on, into {@code row}. */
    void put(int row, A from, int at) {
        int k = segmentOf(row);
        System.arraycopy(from, at, segments[k], (row - k * rows) * width, width);
    }

    /**
     * Copies {@code length} values from value {@code column} of {@code row} on, which must lie in {@code row}'s
     * segment ({@link #rowsToSegmentEnd}), into {@code into} at {@code at}.
     */
    void get(int row, int column, A into, int at, int length) {
        int k = segmentOf(row);
        System.arraycopy(segments[k], (row - k * rows) * width + column, into, at, length);
    }

    /** The rows from {@code row} to the end of its segment, {@code row} among them. */
    int rowsToSegmentEnd(int row) {
        return rows - (row - segmentOf(row) * rows);
    }

    /** How many segments hold rows. */
    int segmentCount() {
        return segments.length;
    }

    /** The rows a (full) segment holds. */
    int segmentRows() {
        return rows;
    }

    /** Segment {@code k} (rows from {@code k * segmentRows()} on). */
    A segmentAt(int k) {
        return segments[k];
    }

    /**
     * The segments, segment {@code k} holding the rows from {@code k * segmentRows()} on, as the typed array they
     * are ({@code float[][]}, ...): for a loop over many rows, which then takes a segment with one array load, where
     * what {@link #segmentAt} returns is cast to the segment's type at each call (a generic method's result), a
     * load of the segment's header. Valid until the column grows.
     */
    A[] segments() {
        return segments;
    }

    /**
     * The segments of this column grown to {@code to} rows: its own full ones, its last one copied to its new
     * length, and new ones. The column is not changed: {@link #use} takes them once every column's are made, so a
     * heap too small for them ({@link OutOfMemoryError}) leaves the buffer as it was.
     */
    A[] grown(int to) {
        int count = (int) (((long) to + rows - 1) / rows);
        A[] next = Arrays.copyOf(segments, Math.max(count, segments.length));
        for (int k = 0; k < count; k++) {
            int want = (int) Math.min(rows, to - (long) k * rows) * width;
            A old = next[k];
            int have = old == null ? 0 : java.lang.reflect.Array.getLength(old);
            if (have < want) {
                A segment = make.apply(want);
                if (old != null) {
                    System.arraycopy(old, 0, segment, 0, have);
                }
                next[k] = segment;
            }
        }
        return next;
    }

    /** Takes the segments {@link #grown} made (as {@link #grown} returned them: {@code A[]}). */
    @SuppressWarnings("unchecked")
    void use(Object[] grown) {
        segments = (A[]) grown;
    }
}
