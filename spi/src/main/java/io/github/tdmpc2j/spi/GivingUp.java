package io.github.tdmpc2j.spi;

import java.util.Objects;
import java.util.Optional;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * A stop that long work heeds between its pieces, without a parameter through every layer: what a command does while
 * it gets ready (an agent's model made, a checkpoint checked and read: tens of seconds for a large model on a CPU)
 * runs in {@link #unless}, and that work calls {@link #check} between pieces short enough to wait for (a megabyte of
 * weights drawn, read or hashed; one tensor handed to the engine). Once the stop is asked, {@code check} throws
 * {@link GivenUp}, which {@code unless} catches: the work is given up whole, its try-with-resources and catch blocks
 * having released what it made on the way, as for any failure. The engine's native code is never cut mid-call: a check
 * sits between calls. Outside {@code unless} (or on another thread) {@code check} does nothing, so the same code runs
 * unchanged where nothing can stop it. An agent plug-in may call {@code check} in its own long making or reading.
 */
public final class GivingUp {
    private static final ThreadLocal<BooleanSupplier> STOP = new ThreadLocal<>();

    private GivingUp() {
    }

    /**
     * Runs {@code work} on this thread, its {@link #check}s asking {@code stop} (and the stop of an enclosing
     * {@code unless}); empty where the stop gave it up, or was asked before it began. {@code work} returns non-null.
     */
    public static <T> Optional<T> unless(BooleanSupplier stop, Supplier<T> work) {
        Objects.requireNonNull(stop, "stop");
        BooleanSupplier outer = STOP.get();
        STOP.set(outer == null ? stop : () -> outer.getAsBoolean() || stop.getAsBoolean());
        try {
            if (stop.getAsBoolean()) {
                return Optional.empty();
            }
            return Optional.of(Objects.requireNonNull(work.get(), "the work's result"));
        } catch (GivenUp e) {
            return Optional.empty();
        } finally {
            if (outer == null) {
                STOP.remove();
            } else {
                STOP.set(outer);
            }
        }
    }

    /** {@link #unless} of work that returns nothing: whether it ran to its end. */
    public static boolean unless(BooleanSupplier stop, Runnable work) {
        return unless(stop, () -> {
            work.run();
            return Boolean.TRUE;
        }).isPresent();
    }

    /** Gives the work up ({@link GivenUp}) where the stop of the {@link #unless} it runs in was asked. */
    public static void check() {
        BooleanSupplier stop = STOP.get();
        if (stop != null && stop.getAsBoolean()) {
            throw new GivenUp();
        }
    }

    /**
     * The work was given up for a stop ({@link #check}); {@link #unless} turns it into an empty answer. Code between
     * the two that turns failures into others (a damaged file's message) lets it pass as it is.
     */
    public static final class GivenUp extends TdmpcException {
        private static final long serialVersionUID = 1L;

        GivenUp() {
            super("given up: a stop was asked while the work got ready (GivingUp.unless answers empty for it)");
        }
    }
}
