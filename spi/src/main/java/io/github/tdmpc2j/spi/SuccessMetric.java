package io.github.tdmpc2j.spi;

/** How a task is scored in benchmark reports. */
public enum SuccessMetric {
    /** Episode return (DMControl: 0 to 1000). */
    RETURN,
    /** The domain's own success flag, reported in step info under {@code "success"}. */
    SUCCESS
}
