package io.github.tdmpc2j.spi;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class MessagesTest {
    @Test
    void aCountTakesTheSingularOnlyForOne() {
        assertThat(Messages.plural(1, "task")).isEqualTo("1 task");
        assertThat(Messages.plural(0, "task")).isEqualTo("0 tasks");
        assertThat(Messages.plural(30, "task")).isEqualTo("30 tasks");
        assertThat(Messages.plural(1, "entry", "entries")).isEqualTo("1 entry");
        assertThat(Messages.plural(2, "entry", "entries")).isEqualTo("2 entries");
        assertThat(Messages.word(1, "task")).isEqualTo("task");
        assertThat(Messages.word(2, "task")).isEqualTo("tasks");
        assertThat(Messages.word(1, "is", "are")).isEqualTo("is");
        assertThat(Messages.word(0, "is", "are")).isEqualTo("are");
    }

    @Test
    void theFirstLineLeavesTracesAndHintsOut() {
        assertThat(Messages.firstLine("failed\n\tat somewhere\n")).isEqualTo("failed");
        assertThat(Messages.firstLine("failed \r\nrun it again")).isEqualTo("failed");
        assertThat(Messages.firstLine("")).isEmpty();
        assertThat(Messages.firstLine(new TdmpcException("step failed").addHint("resume with --resume")))
                .isEqualTo("step failed");
        // an exception without a message is named by its class
        assertThat(Messages.firstLine(new NullPointerException())).isEqualTo("NullPointerException");
        assertThat(Messages.firstLine(new IllegalStateException("\nonly a trace"))).isEqualTo("IllegalStateException");
    }
}
