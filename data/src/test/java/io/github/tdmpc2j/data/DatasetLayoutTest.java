package io.github.tdmpc2j.data;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.Locale;
import org.junit.jupiter.api.Test;

class DatasetLayoutTest {
    /**
     * An episode's file name is the same in every locale: formatted in the JVM's default locale, an Arabic or
     * Persian one wrote its number in that script's digits ("episode-٠٠٠٠٤٢.npz"), which {@link
     * DatasetLayout#episodeNumber} (ASCII digits) did not read as an episode, nor would a machine in another locale.
     */
    @Test
    void anEpisodesFileNameHasAsciiDigitsWhateverTheLocale() {
        Locale own = Locale.getDefault();
        try {
            for (String tag : new String[] {"ar-EG", "fa-IR", "en-US"}) {
                Locale.setDefault(Locale.forLanguageTag(tag));
                Path file = DatasetLayout.episode(Path.of("data"), "point/reach", 42);
                assertThat(file.getFileName().toString()).as(tag).isEqualTo("episode-000042.npz");
                assertThat(DatasetLayout.episodeNumber(file)).as(tag).isEqualTo(42);
            }
        } finally {
            Locale.setDefault(own);
        }
    }
}
