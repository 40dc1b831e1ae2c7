package io.github.tdmpc2j.agent;

import java.util.Arrays;
import java.util.function.IntFunction;

/**
 * One column of the {@link ReplayBuffer}: rows of {@code width} values, in segments of a power of two rows, each
 * segment one Java array ({@code A}: {@code float[]}, {@code int[]} or {@code long[]}), so that a column holds
 * more values than one array can (2^31 - 9). A row never straddles two segments: it is copied in or out with one
 * {@link System#arraycopy}, and a row's segment and offset are a shift and a mask. The last segment holds only the
 * rows grown to; growing copies that one segment, not the column.
 */
final class Column<A> {
    /** The values of one segment by default: 2^24 (64 MiB of floats). */
    static final int SEGMENT_VALUES = 1 << 24;

    private final IntFunction<A> make;
    private final int width;
    private final int shift;
    private final int mask;
    /** Typed ({@code float[][]}, ...), so that a segment taken from {@link #segments} needs no cast per row. */
    private A[] segments;

    /**
     * A column of rows of {@code width} values, {@code segmentRows} (a power of two) rows a segment; {@code make}
     * makes a segment, {@code makeSegments} the array of them ({@code float[]::new}, {@code float[][]::new}).
     */
    Column(IntFunction<A> make, IntFunction<A[]> makeSegments, int width, int segmentRows) {
        if (width < 0 || segmentRows <= 0 || Integer.bitCount(segmentRows) != 1
                || (long) segmentRows * width > TdmpcConfig.MAX_ARRAY) {
            throw new IllegalArgumentException("rows of " + width + " values, " + segmentRows + " rows a segment: "
                    + "the rows a segment must be a power of two, and a segment one Java array");
        }
        this.make = make;
        this.width = width;
        this.shift = Integer.numberOfTrailingZeros(segmentRows);
        this.mask = segmentRows - 1;
        this.segments = makeSegments.apply(0);
    }

    /** The rows a segment holds for rows of {@code width} values: a power of two, {@link #SEGMENT_VALUES} values. */
    static int segmentRows(int width) {
        return Integer.highestOneBit(Math.max(1, SEGMENT_VALUES / Math.max(1, width)));
    }

    int width() {
        return width;
    }

    /** The segment that holds {@code row} (its values from {@link #offset}). */
    A segment(int row) {
        return segments[row >>> shift];
    }

    /** Where {@code row}'s first value is in its {@link #segment}. */
    int offset(int row) {
        return (row & mask) * width;
    }

    /** Copies {@code width} values of {@code from}, from {@code at} on, into {@code row}. */
    void put(int row, A from, int at) {
        System.arraycopy(from, at, segments[row >>> shift], (row & mask) * width, width);
    }

    /**
     * Copies {@code length} values from value {@code column} of {@code row} on, which must lie in {@code row}'s
     * segment ({@link #rowsToSegmentEnd}), into {@code into} at {@code at}.
     */
    void get(int row, int column, A into, int at, int length) {
        System.arraycopy(segments[row >>> shift], (row & mask) * width + column, into, at, length);
    }

    /** The rows from {@code row} to the end of its segment, {@code row} among them. */
    int rowsToSegmentEnd(int row) {
        return mask + 1 - (row & mask);
    }

    /** How many segments hold rows. */
    int segmentCount() {
        return segments.length;
    }

    /** The rows a (full) segment holds. */
    int segmentRows() {
        return mask + 1;
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
     * The segments of this column grown to {@code rows} rows: its own full ones, its last one copied to its new
     * length, and new ones. The column is not changed: {@link #use} takes them once every column's are made, so a
     * heap too small for them ({@link OutOfMemoryError}) leaves the buffer as it was.
     */
    A[] grown(int rows) {
        int count = (int) (((long) rows + mask) >>> shift);
        A[] next = Arrays.copyOf(segments, Math.max(count, segments.length));
        for (int k = 0; k < count; k++) {
            int want = (int) Math.min(mask + 1L, rows - ((long) k << shift)) * width;
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
