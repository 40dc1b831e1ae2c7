package io.github.tdmpc2j.spi;

/**
 * The one way a message here puts a count into words and quotes another failure: {@code plural(3, "task")} reads
 * {@code 3 tasks} and {@code plural(1, "task")} {@code 1 task} (never {@code 1 tasks} or {@code task(s)});
 * {@link #firstLine} keeps the line a user reads of a message that goes on with a stack trace or a hint.
 */
public final class Messages {
    private Messages() {
    }

    /** {@code n} and {@code noun}, plural unless {@code n} is 1: {@code 1 task}, {@code 0 tasks}, {@code 3 tasks}. */
    public static String plural(long n, String noun) {
        return n + " " + word(n, noun);
    }

    /** {@code n} and {@code one} when {@code n} is 1, else {@code many}: {@code 1 entry}, {@code 2 entries}. */
    public static String plural(long n, String one, String many) {
        return n + " " + word(n, one, many);
    }

    /** {@code noun} when {@code n} is 1, else its plural ({@code noun + "s"}), for a count written apart. */
    public static String word(long n, String noun) {
        return word(n, noun, noun + "s");
    }

    /** {@code one} when {@code n} is 1, else {@code many}: a verb that agrees with a count ("is" or "are"). */
    public static String word(long n, String one, String many) {
        return n == 1 ? one : many;
    }

    /** The first line of {@code text}, stripped; empty for an empty text. */
    public static String firstLine(String text) {
        return text.lines().findFirst().orElse("").strip();
    }

    /**
     * The first line of {@code e}'s message, or its class's simple name when it has none (a bare
     * {@code NullPointerException}), for a message that says what failed in one line.
     */
    public static String firstLine(Throwable e) {
        String message = e.getMessage() == null ? "" : firstLine(e.getMessage());
        return message.isEmpty() ? e.getClass().getSimpleName() : message;
    }
}
