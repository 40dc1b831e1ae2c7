package io.github.tdmpc2j.bridge.py4j;

import java.util.Arrays;
import java.util.List;

/** An exception raised by Python code inside a worker, with the Python type, message and traceback. */
public class PythonException extends BridgeException {
    private static final long serialVersionUID = 1L;

    private static final int TRACEBACK_LINES_IN_MESSAGE = 8;

    private final String domain;
    private final String pythonType;
    private final String pythonMessage;
    private final String traceback;
    /** The row of the batched request ({@code stepMany}) whose env raised it, or -1. */
    private final int requestRow;

    public PythonException(String domain, String operation, String pythonType, String pythonMessage, String traceback) {
        this(domain, operation, pythonType, pythonMessage, traceback, -1);
    }

    PythonException(String domain, String operation, String pythonType, String pythonMessage, String traceback,
            int requestRow) {
        super("[" + domain + "] Python raised " + pythonType + " in " + operation + ": " + pythonMessage
                + whatToDo(domain, pythonType) + "\n" + lastLines(traceback, TRACEBACK_LINES_IN_MESSAGE));
        this.domain = domain;
        this.pythonType = pythonType;
        this.pythonMessage = pythonMessage;
        this.traceback = traceback;
        this.requestRow = requestRow;
    }

    /**
     * The row of the batched request whose env raised it (its index among the envs the request moved, not among a
     * vector env's rows: {@link RemoteVectorEnv} marks that with {@link #atRow}), or -1 when none is known.
     */
    int requestRow() {
        return requestRow;
    }

    public String domain() {
        return domain;
    }

    /** The exception's class, module-qualified unless it is a builtin ({@code ValueError}). */
    public String pythonType() {
        return pythonType;
    }

    public String pythonMessage() {
        return pythonMessage;
    }

    /** The whole Python traceback, as {@code traceback.format_exception} wrote it. */
    public String traceback() {
        return traceback;
    }

    /**
     * An import that fails inside a worker means its venv lacks a package, or holds a broken one: a venv damaged
     * after setup, whose marker still says ready, so only a forced setup makes it again.
     */
    private static String whatToDo(String domain, String pythonType) {
        if (!pythonType.equals("ModuleNotFoundError") && !pythonType.equals("ImportError")) {
            return "";
        }
        return " (the Python environment '" + domain + "' lacks a package the suite needs, or holds a broken one: "
                + PythonWorker.remakeAdvice(domain) + ")";
    }

    static String lastLines(String text, int n) {
        List<String> lines = Arrays.asList(text.strip().split("\n"));
        return String.join("\n", lines.subList(Math.max(0, lines.size() - n), lines.size()));
    }
}
