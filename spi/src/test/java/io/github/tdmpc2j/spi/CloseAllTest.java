package io.github.tdmpc2j.spi;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@link CloseAll}: every one closed, whatever the others' closes throw, and no failure lost. */
class CloseAllTest {
    private final List<String> closed = new ArrayList<>();

    private AutoCloseable closing(String name, Exception failure) {
        return () -> {
            closed.add(name);
            if (failure != null) {
                throw failure;
            }
        };
    }

    @Test
    void everyOneIsClosedAndTheFirstFailureCarriesTheLaterOnes() {
        IllegalStateException second = new IllegalStateException("b failed");
        TdmpcException third = new TdmpcException("c failed");
        RuntimeException first = CloseAll.closeAll(List.of(closing("a", null), closing("b", second),
                closing("c", third), closing("d", null)), null);
        assertThat(closed).containsExactly("a", "b", "c", "d");
        assertThat(first).isSameAs(second);
        assertThat(first.getSuppressed()).containsExactly(third);
    }

    @Test
    void withACauseEveryFailureIsSuppressedInIt() {
        RuntimeException cause = new TdmpcException("the make failed");
        IllegalStateException b = new IllegalStateException("b failed");
        RuntimeException returned = CloseAll.closeAll(List.of(closing("a", b)), List.of(closing("c", null),
                closing("d", new IOException("d's file"))), cause);
        assertThat(returned).isNull();
        assertThat(closed).containsExactly("a", "c", "d");
        assertThat(cause.getSuppressed()).hasSize(2);
        assertThat(cause.getSuppressed()[0]).isSameAs(b);
        assertThat(cause.getSuppressed()[1]).isInstanceOf(TdmpcException.class)
                .hasMessageContaining("d's file").hasCauseInstanceOf(IOException.class);
    }

    @Test
    void nothingFailedIsNull() {
        assertThat(CloseAll.closeAll(List.of(closing("a", null), closing("b", null)), null)).isNull();
        assertThat(closed).containsExactly("a", "b");
    }
}
