package org.example.agent;

import io.github.tdmpc2j.spi.agent.Agent;
import io.github.tdmpc2j.spi.agent.AgentContext;
import io.github.tdmpc2j.spi.agent.AgentProvider;
import io.github.tdmpc2j.spi.agent.Transition;
import java.nio.file.Path;
import java.util.Map;

/** Broken agent plug-ins for AgentPluginJarTest, each named after its flaw. */
public final class BadAgents {
    private BadAgents() {
    }

    /** An agent whose {@code flaw} call goes wrong; its name is the flaw. */
    public abstract static class Bad implements AgentProvider {
        private final String flaw;

        Bad(String flaw) {
            this.flaw = flaw;
        }

        public String name() {
            return flaw;
        }

        public Agent create(AgentContext context) {
            if (flaw.equals("create-throws")) {
                throw new IllegalStateException("no licence for this agent");
            }
            if (flaw.equals("create-null")) {
                return null;
            }
            return new Agent() {
                public void beginEpisode(int row, int task, boolean eval, long seed) {
                    if (flaw.equals("begin-throws")) {
                        throw new IllegalArgumentException("row " + row + " unexpected");
                    }
                }

                public float[][] act(float[][] observations, int[] tasks, boolean eval) {
                    int n = context.actionSize();
                    return switch (flaw) {
                        case "act-throws" -> throw new ArrayIndexOutOfBoundsException("Index 3 out of bounds");
                        case "act-asserts" -> throw new AssertionError("policy invariant broken");
                        case "act-null" -> null;
                        case "act-extra-row" -> new float[observations.length + 1][n];
                        case "act-missing-row" -> new float[observations.length][];
                        case "act-short" -> new float[][] {new float[n - 1]};
                        case "act-nan" -> new float[][] {new float[] {Float.NaN}};
                        default -> new float[][] {new float[n]};
                    };
                }

                public Map<String, Double> observe(Transition[] transitions) {
                    if (flaw.equals("observe-throws")) {
                        throw new IllegalStateException("replay buffer full");
                    }
                    if (flaw.equals("observe-null-metric")) {
                        java.util.Map<String, Double> metrics = new java.util.HashMap<>();
                        metrics.put("loss", null);
                        return metrics;
                    }
                    return flaw.equals("observe-null") ? null : Map.of();
                }

                public long steps() {
                    return 0;
                }

                public void writeState(Path dir) {
                }

                public void readState(Path dir) {
                }

                public void close() {
                }
            };
        }
    }

    public static final class CreateThrows extends Bad {
        public CreateThrows() {
            super("create-throws");
        }
    }

    public static final class CreateNull extends Bad {
        public CreateNull() {
            super("create-null");
        }
    }

    public static final class BeginThrows extends Bad {
        public BeginThrows() {
            super("begin-throws");
        }
    }

    public static final class ActThrows extends Bad {
        public ActThrows() {
            super("act-throws");
        }
    }

    /** Fails an assertion of its own in act: an error, not an exception. */
    public static final class ActAsserts extends Bad {
        public ActAsserts() {
            super("act-asserts");
        }
    }

    public static final class ActNull extends Bad {
        public ActNull() {
            super("act-null");
        }
    }

    public static final class ActExtraRow extends Bad {
        public ActExtraRow() {
            super("act-extra-row");
        }
    }

    public static final class ActMissingRow extends Bad {
        public ActMissingRow() {
            super("act-missing-row");
        }
    }

    public static final class ActShort extends Bad {
        public ActShort() {
            super("act-short");
        }
    }

    public static final class ActNaN extends Bad {
        public ActNaN() {
            super("act-nan");
        }
    }

    public static final class ObserveThrows extends Bad {
        public ObserveThrows() {
            super("observe-throws");
        }
    }

    public static final class ObserveNull extends Bad {
        public ObserveNull() {
            super("observe-null");
        }
    }

    public static final class ObserveNullMetric extends Bad {
        public ObserveNullMetric() {
            super("observe-null-metric");
        }
    }
}
