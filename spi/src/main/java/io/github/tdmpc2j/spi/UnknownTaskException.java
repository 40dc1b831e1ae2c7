package io.github.tdmpc2j.spi;

import java.util.List;

/** A task id, alias or task-set name that no installed plug-in knows. Carries the closest known ids. */
public class UnknownTaskException extends TdmpcException {
    private static final long serialVersionUID = 1L;

    private final List<String> suggestions;

    public UnknownTaskException(String message, List<String> suggestions) {
        super(message);
        this.suggestions = List.copyOf(suggestions);
    }

    public List<String> suggestions() {
        return suggestions;
    }
}
