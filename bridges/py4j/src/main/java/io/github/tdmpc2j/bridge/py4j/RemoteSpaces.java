package io.github.tdmpc2j.bridge.py4j;

import io.github.tdmpc2j.spi.Box;

/**
 * The spaces a Python env reported when it was made.
 *
 * @param maxEpisodeSteps the suite's own episode limit in env steps, 0 when it has none
 */
public record RemoteSpaces(Box observation, Box action, int maxEpisodeSteps) {
}
