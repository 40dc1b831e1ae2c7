"""The Python side of tdmpc2j's bridge: a worker process that serves task suites to a JVM over Py4J."""
