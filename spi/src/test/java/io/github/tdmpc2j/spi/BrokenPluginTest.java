package io.github.tdmpc2j.spi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.tdmpc2j.spi.agent.Agent;
import io.github.tdmpc2j.spi.agent.AgentContext;
import io.github.tdmpc2j.spi.agent.AgentProvider;
import io.github.tdmpc2j.spi.agent.Agents;
import io.github.tdmpc2j.spi.rollout.Evaluation;
import io.github.tdmpc2j.spi.vector.VectorEnv;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * A broken plug-in jar beside a good one: discovery leaves the broken one out with its jar's name and the reason,
 * and the good one still works. The plug-ins are compiled against the spi alone and packed as real jars.
 */
class BrokenPluginTest {
    @TempDir
    static Path dir;
    static Path classes;
    static Path coinJar;

    @BeforeAll
    static void compile() throws Exception {
        classes = PluginJarTest.compileFixtures(dir, "CoinProvider.java", "BadProviders.java");
        coinJar = PluginJarTest.packJar(dir.resolve("coin-plugin.jar"), classes, "org/example/coin",
                "org.example.coin.CoinProvider\n");
    }

    /** A class loader over the coin plug-in and a jar {@code bad-KIND.jar} whose service file is {@code services}. */
    private URLClassLoader withCoinAnd(String kind, String services) throws Exception {
        Path badJar = PluginJarTest.packJar(dir.resolve("bad-" + kind + ".jar"), classes, "org/example/bad", services);
        return new URLClassLoader(new URL[] {coinJar.toUri().toURL(), badJar.toUri().toURL()},
                BrokenPluginTest.class.getClassLoader());
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "Missing              | org.example.bad.Gone                 | | the class is missing: the service file names org.example.bad.Gone",
        "NoDefaultConstructor | org.example.bad.BadProviders$NoDefaultConstructor | | no public no-argument constructor",
        "ConstructorThrows    | org.example.bad.BadProviders$ConstructorThrows | | its constructor threw IllegalStateException: no licence file (at org.example.bad.BadProviders$ConstructorThrows.<init>(BadProviders.java:",
        "DomainThrows         | org.example.bad.BadProviders$DomainThrows | | domain() threw IllegalStateException: domain exploded",
        "DomainNull           | org.example.bad.BadProviders$DomainNull | | domain() returned null",
        "TasksThrow           | org.example.bad.BadProviders$TasksThrow | bad | tasks() threw IllegalStateException: tasks exploded (at org.example.bad.BadProviders$TasksThrow.tasks(BadProviders.java:",
        "TasksNull            | org.example.bad.BadProviders$TasksNull | bad | tasks() returned null",
        "TasksTwice           | org.example.bad.BadProviders$TasksTwice | bad | lists task bad/thing twice: list each task once",
        "NanBounds            | org.example.bad.BadProviders$NanBounds | bad | tasks() threw PluginException: a Box's bounds at index 0 are [NaN, 1.0]: a bound is a number",
        "InvertedBounds       | org.example.bad.BadProviders$InvertedBounds | bad | tasks() threw PluginException: a Box's bounds at index 0 are [1.0, -1.0]: a bound is a number (no NaN; an unbounded entry is infinite) and a low is at most its high (at org.example.bad.BadProviders$InvertedBounds.tasks(BadProviders.java:115))",
        "NullObservationSpace | org.example.bad.BadProviders$NullObservationSpace | bad | tasks() threw PluginException: task bad/thing is missing its observationSpace: give every part of its TaskSpec",
        "NegativeDimension    | org.example.bad.BadProviders$NegativeDimension | bad | tasks() threw PluginException: a Box's shape [-1, -1] has the negative dimension -1: give dimensions of 0 or more",
        "ShapeOverflows       | org.example.bad.BadProviders$ShapeOverflows | bad | tasks() threw PluginException: a Box's shape [65536, 65536] holds more values than an array can",
        "NoActions            | org.example.bad.BadProviders$NoActions | bad | lists task bad/thing with an empty action space; an agent needs at least one observation and one action entry",
        "NoObservations       | org.example.bad.BadProviders$NoObservations | bad | lists task bad/thing with an empty observation space",
        "NoEpisodeSteps       | org.example.bad.BadProviders$NoEpisodeSteps | bad | tasks() threw PluginException: task bad/thing has episodes of 0 agent steps (maxEpisodeSteps); give it 1 or more",
        "NotEnvProvider       | java.lang.String                     | | does not implement io.github.tdmpc2j.spi.EnvProvider",
        "SameDomain           | org.example.bad.BadProviders$CoinAgain | coin | the domain 'coin' is already claimed by org.example.coin.CoinProvider in coin-plugin.jar",
    })
    void aBrokenPluginIsLeftOutWithItsJarAndReason(String kind, String providerClass, String domain, String reason)
            throws Exception {
        try (URLClassLoader loader = withCoinAnd(kind, "# a broken plug-in\n" + providerClass + "\n");
                EnvRegistry registry = EnvRegistry.discover(loader)) {
            assertThat(registry.loadFailures()).singleElement().satisfies(f -> {
                assertThat(f.source()).isEqualTo("bad-" + kind + ".jar");
                assertThat(f.provider()).isEqualTo(providerClass);
                assertThat(f.domain()).isEqualTo(domain);
                assertThat(f.reason()).contains(reason);
                assertThat(f.toString()).contains("bad-" + kind + ".jar").contains(reason);
            });
            assertThat(registry.provider("bad")).isEmpty();
            assertCoinWorks(registry);
            if (domain != null && domain.equals("bad")) {
                assertThatThrownBy(() -> registry.make("bad/thing")).isInstanceOf(UnknownTaskException.class)
                        .hasMessageContaining("left out").hasMessageContaining(reason);
                assertThatThrownBy(() -> registry.list("bad")).isInstanceOf(UnknownTaskException.class)
                        .hasMessageContaining("bad-" + kind + ".jar");
            } else if (domain == null) {
                // left out before it said its domain: a command asking for that domain still hears of it
                assertThatThrownBy(() -> registry.list("bad")).isInstanceOf(UnknownTaskException.class)
                        .hasMessageContaining("no installed plug-in has the domain 'bad'")
                        .hasMessageContaining("Left out before naming its domain: plug-in " + providerClass + " in bad-"
                                + kind + ".jar").hasMessageContaining(reason);
                assertThatThrownBy(() -> registry.make("bad/thing")).isInstanceOf(UnknownTaskException.class)
                        .hasMessageContaining("TDMPC2J_PLUGINS").hasMessageContaining("bad-" + kind + ".jar");
            }
        }
    }

    /** A plug-in compiled for a newer Java than the one running: the reason says which release to compile for. */
    @Test
    void aPluginCompiledForANewerJavaSaysWhichReleaseToCompileFor() throws Exception {
        Path future = dir.resolve("future-classes");
        Path coinClass = Path.of("org/example/coin/CoinProvider.class");
        java.nio.file.Files.createDirectories(future.resolve(coinClass).getParent());
        byte[] bytes = java.nio.file.Files.readAllBytes(classes.resolve(coinClass));
        bytes[6] = 0; // the class file's major version (bytes 6 and 7): 99, a Java of years to come
        bytes[7] = 99;
        java.nio.file.Files.write(future.resolve(coinClass), bytes);
        Path jar = PluginJarTest.packJar(dir.resolve("future.jar"), future, "org/example/coin",
                "org.example.coin.CoinProvider\n");
        try (URLClassLoader loader = new URLClassLoader(new URL[] {jar.toUri().toURL()}, BrokenPluginTest.class
                .getClassLoader()); EnvRegistry registry = EnvRegistry.discover(loader)) {
            int java = Runtime.version().feature();
            assertThat(registry.loadFailures()).singleElement().satisfies(f -> assertThat(f.toString())
                    .contains("plug-in org.example.coin.CoinProvider in future.jar: the class cannot be loaded: "
                            + "UnsupportedClassVersionError")
                    .endsWith("; compile the plug-in for the Java " + java + " that runs tdmpc2j (javac --release "
                            + java + ")"));
        }
    }

    /**
     * A plug-in whose provider class loads but whose env class is of a newer Java (compiled apart, or a library's):
     * making the env says which release to compile for, as a provider class of a newer Java does.
     */
    @Test
    void aPluginWhoseEnvClassIsOfANewerJavaSaysWhichReleaseToCompileForWhenTheEnvIsMade() throws Exception {
        Path future = dir.resolve("future-env-classes");
        Path folder = java.nio.file.Files.createDirectories(future.resolve("org/example/coin"));
        try (java.util.stream.Stream<Path> files = java.nio.file.Files.list(classes.resolve("org/example/coin"))) {
            for (Path f : files.toList()) {
                byte[] bytes = java.nio.file.Files.readAllBytes(f);
                if (f.getFileName().toString().equals("CoinProvider$1.class")) { // its env, an anonymous class
                    bytes[6] = 0;
                    bytes[7] = 99;
                }
                java.nio.file.Files.write(folder.resolve(f.getFileName()), bytes);
            }
        }
        Path jar = PluginJarTest.packJar(dir.resolve("future-env.jar"), future, "org/example/coin",
                "org.example.coin.CoinProvider\n");
        try (URLClassLoader loader = new URLClassLoader(new URL[] {jar.toUri().toURL()}, BrokenPluginTest.class
                .getClassLoader()); EnvRegistry registry = EnvRegistry.discover(loader)) {
            assertThat(registry.loadFailures()).isEmpty();
            int java = Runtime.version().feature();
            assertThatThrownBy(() -> registry.make("coin/guess")).isInstanceOf(PluginException.class)
                    .hasMessageContaining("plug-in org.example.coin.CoinProvider in future-env.jar (domain 'coin'): "
                            + "create(coin/guess) threw UnsupportedClassVersionError")
                    .hasMessageEndingWith("; compile the plug-in for the Java " + java + " that runs tdmpc2j (javac "
                            + "--release " + java + ")");
        }
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "AvailabilityThrows | availability() threw IllegalStateException: availability exploded",
        "AvailabilityNull   | availability() returned null",
        "UnavailableWithoutReason | availability() threw PluginException: Availability.unavailable needs a reason: say why the plug-in is not ready",
    })
    void aPluginWhoseAvailabilityFailsHasUnavailableTasks(String kind, String reason) throws Exception {
        try (URLClassLoader loader = withCoinAnd(kind, "org.example.bad.BadProviders$" + kind + "\n");
                EnvRegistry registry = EnvRegistry.discover(loader)) {
            assertThat(registry.loadFailures()).isEmpty();
            Availability a = registry.availability("bad/thing");
            assertThat(a.ready()).isFalse();
            assertThat(a.reason()).contains(reason).contains("bad-" + kind + ".jar");
            assertThatThrownBy(() -> registry.make("bad/thing")).isInstanceOf(EnvUnavailableException.class)
                    .hasMessageContaining(reason);
            assertCoinWorks(registry);
        }
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "CreateThrows     | create(bad/thing) threw IllegalStateException: simulator licence expired",
        "CreateNull       | create(bad/thing) returned null",
        "OtherSizes       | bad/thing is listed with observations of 1 value and actions in Box(-1.0, 1.0, [1]), "
                + "but create() made an env whose spec() says bad/thing with observations of 1 value and actions in "
                + "Box(-1.0, 1.0, [3])",
        "UnboundedActions | bad/thing has the unbounded action space Box(-Infinity, Infinity, [1]): action entry 0 lies in [-Infinity, Infinity]",
        "HalfBoundedActions | bad/thing has the unbounded action space Box([-1.0, -1.0], [1.0, Infinity], [2]): action entry 1 lies in [-1.0, Infinity]",
    })
    void aPluginWhoseEnvCannotBeMadeIsATypedErrorNamingItsJar(String kind, String reason) throws Exception {
        try (URLClassLoader loader = withCoinAnd(kind, "org.example.bad.BadProviders$" + kind + "\n");
                EnvRegistry registry = EnvRegistry.discover(loader)) {
            assertThat(registry.loadFailures()).isEmpty();
            assertThatThrownBy(() -> registry.make("bad/thing")).isInstanceOf(PluginException.class)
                    .hasMessageContaining("BadProviders$" + kind + " in bad-" + kind + ".jar")
                    .hasMessageContaining(reason);
            assertThatThrownBy(() -> registry.makeVector(List.of("coin/guess", "bad/thing"),
                    List.of(EnvOptions.defaults(), EnvOptions.defaults()), 1))
                    .isInstanceOf(PluginException.class).hasMessageContaining(reason);
            assertCoinWorks(registry);
        }
    }

    /** The action box is in the task's listing: its lack of bounds shows without making the env. */
    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "UnboundedActions   | action entry 0 lies in [-Infinity, Infinity]",
        "HalfBoundedActions | action entry 1 lies in [-1.0, Infinity]",
    })
    void aTaskWithoutActionBoundsIsUnavailableWithTheReasonBeforeItIsMade(String kind, String reason)
            throws Exception {
        try (URLClassLoader loader = withCoinAnd(kind, "org.example.bad.BadProviders$" + kind + "\n");
                EnvRegistry registry = EnvRegistry.discover(loader)) {
            Availability a = registry.availability("bad/thing");
            assertThat(a.ready()).isFalse();
            assertThat(a.fixCommand()).isNull();
            assertThat(a.reason()).contains("BadProviders$" + kind + " in bad-" + kind + ".jar")
                    .contains("bad/thing has the unbounded action space").contains(reason)
                    .contains("the plug-in must give finite ones");
            // a caller that checks before it writes gets the plug-in's defect, as make does
            assertThatThrownBy(() -> registry.requireAvailable(registry.resolve("bad/thing")))
                    .isInstanceOf(PluginException.class).hasMessageContaining(reason);
            assertThat(registry.availability("coin/guess").ready()).isTrue();
            assertCoinWorks(registry);
        }
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "StepThrows             | the env of bad/thing threw from step(): ArrayIndexOutOfBoundsException: Index 7 out of bounds for length 1 (at org.example.bad.BadProviders$StepThrows$1.step(BadProviders.java:",
        "StepAsserts            | the env of bad/thing threw from step(): AssertionError: invariant broken",
        "StepOverflows          | the env of bad/thing threw from step(): StackOverflowError",
        "StepThrowsChecked      | the env of bad/thing threw from step(): IOException: pipe to the simulator closed",
        "ResetNull              | the env of bad/thing returned null from reset()",
        "ResetThrows            | the env of bad/thing threw from reset(): IllegalStateException: model file vanished",
        "StepObservationTooLong | the env of bad/thing returned an observation of 2 values from step(), but the task is listed with observations of 1 value;",
        "ResetObservationEmpty  | the env of bad/thing returned an observation of 0 values from reset(), but the task is listed with observations of 1 value;",
        "StepInfoNullValue      | the env of bad/thing threw from step(): PluginException: a StepResult's info has no value for 'distance' (null): leave the entry out or give it a value (at org.example.bad.BadProviders$StepInfoNullValue$1.step(BadProviders.java:",
        "ResetInfoNull          | the env of bad/thing threw from reset(): PluginException: a ResetResult's info is null: give Map.of() for no info (at org.example.bad.BadProviders$ResetInfoNull$1.reset(BadProviders.java:",
        "ObservationArrayReused | the env of bad/thing returned from step() the observation array it returned before: the caller keeps every observation it is given (a replay buffer, a dataset), so an array written again changes the ones kept; return a new array from every reset() and step()",
    })
    void anEnvThatFailsUntypedIsATypedErrorNamingItsJar(String kind, String reason) throws Exception {
        try (URLClassLoader loader = withCoinAnd(kind, "org.example.bad.BadProviders$" + kind + "\n");
                EnvRegistry registry = EnvRegistry.discover(loader);
                Env env = registry.make("bad/thing")) {
            assertThatThrownBy(() -> {
                env.reset(1);
                env.step(new float[] {0.5f});
            }).isInstanceOf(PluginException.class)
                    .hasMessageContaining("BadProviders$" + kind + " in bad-" + kind + ".jar")
                    .hasMessageContaining(reason)
                    .hasMessageEndingWith("; a defect of the plug-in, not of tdmpc2j: report it to the plug-in's "
                            + "authors with the task and seed, or leave the task out");
            assertCoinWorks(registry);
        }
    }

    /**
     * A NaN reaches no agent: the rollout that every command runs stops with the task, step and episode, and the
     * plug-in and its jar (the one to fix), as for the env's other faults.
     */
    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "NanObservation           | bad/thing failed at step 3 of episode 0 (seed 1, row 0): plug-in org.example.bad.BadProviders$NanObservation in bad-NanObservation.jar (domain 'bad'): bad/thing returned observation[0] = NaN at step()",
        "NanReward                | bad/thing failed at step 4 of episode 0 (seed 1, row 0): plug-in org.example.bad.BadProviders$NanReward in bad-NanReward.jar (domain 'bad'): bad/thing returned reward = NaN at step()",
        "InfiniteResetObservation | bad/thing failed at the reset of episode 0 (seed 1, row 0): plug-in org.example.bad.BadProviders$InfiniteResetObservation in bad-InfiniteResetObservation.jar (domain 'bad'): bad/thing returned observation[0] = -Infinity at reset()",
    })
    void anEnvReturningNanStopsTheRolloutWithATypedErrorNamingItsJarAndTheOthersWork(String kind, String reason)
            throws Exception {
        try (URLClassLoader loader = withCoinAnd(kind, "org.example.bad.BadProviders$" + kind + "\n");
                EnvRegistry registry = EnvRegistry.discover(loader)) {
            TaskSpace space = TaskSpace.of(List.of(registry.resolve("bad/thing")));
            try (MultitaskEnv rows = MultitaskEnv.make(registry, space, List.of("bad/thing"), 1, 1);
                    Agent agent = Agents.find("random").create(AgentContext.of(space, Map.of(), 1))) {
                assertThatThrownBy(() -> Evaluation.run(rows, agent, 1, 1))
                        .isInstanceOf(InvalidEnvOutputException.class)
                        .hasMessageContaining(reason)
                        .hasMessageContaining("a defect of the suite or its plug-in")
                        // what train's resume hint is given for: a state the resumed run's other draws may not reach
                        .satisfies(e -> assertThat(((InvalidEnvOutputException) e).nonFinite()).isTrue());
            }
            assertCoinWorks(registry);
        }
    }

    /**
     * A NaN from a plug-in's batched env (createVector: a Python worker stepping its rows in one call) names the
     * plug-in, its jar and the batched env's row, as one env's does; it named the task alone (the rollout's check).
     */
    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "VectorNanObservation           | bad/thing failed at step 3 of episode 1 (seed 2, row 1): plug-in org.example.bad.BadProviders$VectorNanObservation in bad-VectorNanObservation.jar (domain 'bad'): bad/thing returned observation[0] = NaN at step() for its batched env's row 1",
        "VectorNanReward                | bad/thing failed at step 4 of episode 1 (seed 2, row 1): plug-in org.example.bad.BadProviders$VectorNanReward in bad-VectorNanReward.jar (domain 'bad'): bad/thing returned reward = NaN at step() for its batched env's row 1",
        "VectorInfiniteResetObservation | bad/thing failed at the reset of episode 1 (seed 2, row 1): plug-in org.example.bad.BadProviders$VectorInfiniteResetObservation in bad-VectorInfiniteResetObservation.jar (domain 'bad'): bad/thing returned observation[0] = -Infinity at reset() for its batched env's row 1",
    })
    void aBatchedEnvReturningNanStopsTheRolloutNamingItsJarAndRow(String kind, String reason) throws Exception {
        try (URLClassLoader loader = withCoinAnd(kind, "org.example.bad.BadProviders$" + kind + "\n");
                EnvRegistry registry = EnvRegistry.discover(loader)) {
            TaskSpace space = TaskSpace.of(List.of(registry.resolve("bad/thing")));
            try (MultitaskEnv rows = MultitaskEnv.make(registry, space, List.of("bad/thing", "bad/thing"), 1, 1);
                    Agent agent = Agents.find("random").create(AgentContext.of(space, Map.of(), 1))) {
                assertThatThrownBy(() -> Evaluation.run(rows, agent, 2, 1))
                        .isInstanceOf(InvalidEnvOutputException.class)
                        .hasMessageContaining(reason)
                        .hasMessageContaining("a defect of the suite or its plug-in")
                        .satisfies(e -> assertThat(((InvalidEnvOutputException) e).nonFinite()).isTrue());
            }
            assertCoinWorks(registry);
        }
    }

    @Test
    void anEnvWhoseCloseThrowsIsATypedErrorNamingItsJarAndTheRegistryStillCloses() throws Exception {
        try (URLClassLoader loader = withCoinAnd("CloseThrows", "org.example.bad.BadProviders$CloseThrows\n");
                EnvRegistry registry = EnvRegistry.discover(loader)) {
            Env env = registry.make("bad/thing");
            env.reset(1);
            env.step(new float[] {0.5f});
            assertThatThrownBy(env::close).isInstanceOf(PluginException.class)
                    .hasMessageContaining("BadProviders$CloseThrows in bad-CloseThrows.jar")
                    .hasMessageContaining("the env of bad/thing threw from close(): IllegalStateException: double free");
            assertThatThrownBy(() -> env.step(new float[] {0.5f})).isInstanceOf(EnvStateException.class);
            env.close(); // closed once is closed: the checker does not call the plug-in again
            assertCoinWorks(registry);
        }
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "CreateVectorThrows | createVector() threw IllegalStateException: no worker today",
        "CreateVectorNull   | createVector() returned null; a plug-in without a batched form returns Optional.empty()",
    })
    void aBatchedFormThatFailsIsATypedErrorNamingItsJar(String kind, String reason) throws Exception {
        try (URLClassLoader loader = withCoinAnd(kind, "org.example.bad.BadProviders$" + kind + "\n");
                EnvRegistry registry = EnvRegistry.discover(loader)) {
            assertThatThrownBy(() -> registry.makeVector(List.of("coin/guess", "bad/thing"),
                    List.of(EnvOptions.defaults(), EnvOptions.defaults()), 1))
                    .isInstanceOf(PluginException.class)
                    .hasMessageContaining("BadProviders$" + kind + " in bad-" + kind + ".jar")
                    .hasMessageContaining(reason);
            assertCoinWorks(registry);
        }
    }

    @Test
    void aSuccessThatIsNoFlagIsRefusedNamingTheTaskAndANumericOneIsTheFlag() throws Exception {
        try (URLClassLoader loader = withCoinAnd("SuccessHalf", "org.example.bad.BadProviders$SuccessHalf\n");
                EnvRegistry registry = EnvRegistry.discover(loader);
                Env env = registry.make("bad/thing")) {
            env.reset(1);
            assertThatThrownBy(() -> env.step(new float[] {0.5f})).isInstanceOf(InvalidEnvOutputException.class)
                    .hasMessageContaining("bad/thing returned 0.5 (Double) as \"success\" in a step's info: give a"
                            + " boolean, or the number 0 or 1");
        }
        try (URLClassLoader loader = withCoinAnd("SuccessAsNumber", "org.example.bad.BadProviders$SuccessAsNumber\n");
                EnvRegistry registry = EnvRegistry.discover(loader)) {
            try (Env env = registry.make("bad/thing")) {
                env.reset(1);
                assertThat(env.step(new float[] {0.5f}).success()).contains(false);
                assertThat(env.step(new float[] {0.5f}).success()).contains(true);
            }
            TaskSpace space = TaskSpace.of(List.of(registry.resolve("bad/thing")));
            try (MultitaskEnv rows = MultitaskEnv.make(registry, space, List.of("bad/thing"), 1, 1);
                    Agent agent = Agents.find("random").create(AgentContext.of(space, Map.of(), 1))) {
                assertThat(Evaluation.run(rows, agent, 2, 1).get(0).successRate()).isEqualTo(1.0);
            }
        }
    }

    /** The wrappers ask an env for its spec every step: a plug-in's env is asked once, when it is made. */
    @Test
    void anEnvsSpecIsReadWhenItIsMadeNotEachStep() throws Exception {
        try (URLClassLoader loader = withCoinAnd("SpecThrowsOnceRunning",
                "org.example.bad.BadProviders$SpecThrowsOnceRunning\n");
                EnvRegistry registry = EnvRegistry.discover(loader);
                Env env = registry.make("bad/thing")) {
            env.reset(1);
            for (int t = 0; t < 3; t++) {
                assertThat(env.step(new float[] {0.5f}).observation()).containsExactly(0f);
            }
            assertThat(env.spec().id()).isEqualTo("bad/thing");
        }
    }

    @Test
    void aCloseThatFailsWhileAFailedMakeCleansUpKeepsTheFirstFailure() throws Exception {
        try (URLClassLoader loader = withCoinAnd("OtherSizesCloseThrows",
                "org.example.bad.BadProviders$OtherSizesCloseThrows\n");
                EnvRegistry registry = EnvRegistry.discover(loader)) {
            for (org.assertj.core.api.ThrowableAssert.ThrowingCallable make : List.<org.assertj.core.api
                    .ThrowableAssert.ThrowingCallable>of(() -> registry.make("bad/thing"),
                    () -> registry.makeRaw("bad/thing", EnvOptions.defaults()),
                    () -> registry.makeVector(List.of("coin/guess", "bad/thing"),
                            List.of(EnvOptions.defaults(), EnvOptions.defaults()), 1))) {
                assertThatThrownBy(make).isInstanceOf(PluginException.class)
                        .hasMessageContaining("but create() made an env whose spec() says bad/thing")
                        .satisfies(e -> assertThat(e.getSuppressed()).singleElement()
                                .satisfies(s -> assertThat(s).hasMessageContaining("double free")));
            }
            assertCoinWorks(registry);
        }
    }

    @Test
    void aBatchedEnvWhoseStepThrowsIsATypedErrorNamingItsJar() throws Exception {
        try (URLClassLoader loader = withCoinAnd("VectorStepThrows", "org.example.bad.BadProviders$VectorStepThrows\n");
                EnvRegistry registry = EnvRegistry.discover(loader);
                VectorEnv rows = registry.makeVector(List.of("coin/guess", "bad/thing"),
                        List.of(EnvOptions.defaults(), EnvOptions.defaults()), 1)) {
            rows.reset(1);
            assertThatThrownBy(() -> rows.step(new float[][] {{0.5f}, {0.5f}})).isInstanceOf(PluginException.class)
                    .hasMessageContaining("BadProviders$VectorStepThrows in bad-VectorStepThrows.jar")
                    .hasMessageContaining("the batched env of bad threw from step(): IllegalStateException: worker"
                            + " pipe broke");
            assertCoinWorks(registry);
        }
    }

    @Test
    void aBatchedEnvReturningARowsObservationArrayAgainIsATypedErrorNamingItsJar() throws Exception {
        try (URLClassLoader loader = withCoinAnd("VectorObservationReused",
                "org.example.bad.BadProviders$VectorObservationReused\n");
                EnvRegistry registry = EnvRegistry.discover(loader);
                VectorEnv rows = registry.makeVector(List.of("coin/guess", "bad/thing"),
                        List.of(EnvOptions.defaults(), EnvOptions.defaults()), 1)) {
            rows.reset(1);
            rows.step(new float[][] {{0.5f}, {0.5f}}); // a new array for the row's first step
            assertThatThrownBy(() -> rows.step(new float[][] {{0.5f}, {0.5f}})).isInstanceOf(PluginException.class)
                    .hasMessageContaining("BadProviders$VectorObservationReused in bad-VectorObservationReused.jar")
                    .hasMessageContaining("the batched env of bad returned from step() for row 0 the observation "
                            + "array it returned before: the caller keeps every observation it is given (a replay "
                            + "buffer, a dataset), so an array written again changes the ones kept; return a new array "
                            + "for every row of every reset() and step()");
            assertCoinWorks(registry);
        }
    }

    @Test
    void aBatchedEnvWhoseEpisodeOrCloseThrowsIsATypedErrorNamingItsJar() throws Exception {
        try (URLClassLoader loader = withCoinAnd("VectorEpisodeAndCloseThrow",
                "org.example.bad.BadProviders$VectorEpisodeAndCloseThrow\n");
                EnvRegistry registry = EnvRegistry.discover(loader)) {
            VectorEnv rows = registry.makeVector(List.of("coin/guess", "bad/thing"),
                    List.of(EnvOptions.defaults(), EnvOptions.defaults()), 1);
            rows.reset(1);
            assertThatThrownBy(() -> rows.episode(1)).isInstanceOf(PluginException.class)
                    .hasMessageContaining("BadProviders$VectorEpisodeAndCloseThrow in bad-VectorEpisodeAndCloseThrow"
                            + ".jar")
                    .hasMessageContaining("the batched env of bad threw from episode(): IllegalStateException: no "
                            + "ticket");
            assertThatThrownBy(rows::close).isInstanceOf(PluginException.class)
                    .hasMessageContaining("the batched env of bad threw from close(): IllegalStateException: double "
                            + "free");
            assertCoinWorks(registry);
        }
    }

    @Test
    void anAliasAnotherPluginHasIsRefusedWithBothIdsAndEachTaskWorksByItsId() throws Exception {
        try (URLClassLoader loader = withCoinAnd("AliasOfCoin", "org.example.bad.BadProviders$AliasOfCoin\n");
                EnvRegistry registry = EnvRegistry.discover(loader)) {
            assertThat(registry.loadFailures()).isEmpty();
            assertThatThrownBy(() -> registry.resolve("coin-guess")).isInstanceOf(UnknownTaskException.class)
                    .hasMessageContaining("coin/guess").hasMessageContaining("bad/thing")
                    .hasMessageContaining("use the full id");
            assertThat(registry.resolve("bad-thing").id()).isEqualTo("bad/thing");
            try (Env env = registry.make("bad/thing")) {
                env.reset(1);
            }
            try (Env env = registry.make("coin/guess")) {
                env.reset(2);
                assertThat(env.step(new float[] {0.5f}).reward()).isEqualTo(1.0);
            }
        }
    }

    @Test
    void anAddedPluginCannotTakeAnAliasOfAPluginThatComesWithTdmpc2jAndIsWarnedWithItsJar() throws Exception {
        // a plug-in of tdmpc2j's own packages, found through a service file as the command line's are
        Path lineJar = PluginJarTest.packJar(dir.resolve("line-plugin.jar"), classes, null,
                LineEnv.Provider.class.getName() + "\n");
        Path badJar = PluginJarTest.packJar(dir.resolve("bad-AliasOfBuiltIn.jar"), classes, "org/example/bad",
                "org.example.bad.BadProviders$AliasOfBuiltIn\n");
        for (List<Path> classPath : List.of(List.of(lineJar, badJar), List.of(badJar, lineJar))) {
            try (URLClassLoader loader = new URLClassLoader(new URL[] {classPath.get(0).toUri().toURL(),
                    classPath.get(1).toUri().toURL()}, BrokenPluginTest.class.getClassLoader());
                    EnvRegistry registry = EnvRegistry.discover(loader)) {
                assertThat(registry.loadFailures()).isEmpty();
                // the user's command that named line-go before the jar was added means the same task after
                assertThat(registry.resolve("line-go").id()).as("line-go with %s", classPath).isEqualTo("line/go");
                assertThat(registry.resolve("line/go").id()).isEqualTo("line/go");
                assertThat(registry.resolve("bad-thing").id()).isEqualTo("bad/thing");
                String plugin = "plug-in org.example.bad.BadProviders$AliasOfBuiltIn in bad-AliasOfBuiltIn.jar "
                        + "(domain 'bad'): its task bad/thing claims the alias ";
                assertThat(registry.warnings()).containsExactly(
                        plugin + "'line-go' of line/go, which comes with tdmpc2j: the alias keeps naming line/go; "
                                + "give bad/thing in full or by another alias",
                        plugin + "'line/go', which already names line/go (an id or a reference-style name comes "
                                + "before aliases): the alias keeps naming line/go; give bad/thing in full or by "
                                + "another alias");
                try (Env env = registry.make("line-go")) {
                    env.reset(0);
                    assertThat(env.step(new float[] {0.5f}).reward()).isEqualTo(0.5);
                }
                try (Env env = registry.make("bad/thing")) {
                    env.reset(1);
                }
            }
        }
    }

    /** Two builds of one plug-in on the path: one is used, and the other is named with what to do, not ignored. */
    @Test
    void aSecondJarOfTheSameProviderClassIsLeftOutWithBothJarsNamed() throws Exception {
        Path old = PluginJarTest.packJar(dir.resolve("coin-plugin-0.1.jar"), classes, "org/example/coin",
                "org.example.coin.CoinProvider\n");
        try (URLClassLoader loader = new URLClassLoader(new URL[] {coinJar.toUri().toURL(), old.toUri().toURL()},
                BrokenPluginTest.class.getClassLoader());
                EnvRegistry registry = EnvRegistry.discover(loader)) {
            assertThat(registry.loadFailures()).singleElement().satisfies(f -> assertThat(f.toString()).isEqualTo(
                    "plug-in org.example.coin.CoinProvider in coin-plugin-0.1.jar: the service file of coin-plugin.jar "
                            + "names the same class, and a class is loaded once, from the first jar on the path that "
                            + "has it: remove one of the two jars (an old build beside a new one?)"));
            assertThat(registry.source("coin")).contains("coin-plugin.jar");
            assertCoinWorks(registry);
        }
    }

    @Test
    void aServiceFileCanNameSeveralProvidersAndOnlyTheBrokenOnesAreLeftOut() throws Exception {
        Path both = PluginJarTest.packJar(dir.resolve("both.jar"), classes, "org/example",
                "org.example.bad.BadProviders$TasksThrow\norg.example.coin.CoinProvider  # the good one\n");
        try (URLClassLoader loader = new URLClassLoader(new URL[] {both.toUri().toURL()},
                BrokenPluginTest.class.getClassLoader());
                EnvRegistry registry = EnvRegistry.discover(loader)) {
            assertThat(registry.loadFailures()).extracting(PluginFailure::provider)
                    .containsExactly("org.example.bad.BadProviders$TasksThrow");
            assertThat(registry.source("coin")).contains("both.jar");
            assertCoinWorks(registry);
        }
    }

    @Test
    void aBrokenAgentPluginIsLeftOutAndTheOthersWork() throws Exception {
        Path agents = PluginJarTest.packJar(dir.resolve("bad-agents.jar"), classes, "org/example/bad",
                AgentProvider.class, "org.example.bad.BadProviders$NamelessAgent\norg.example.bad.GoneAgent\n");
        ClassLoader before = Thread.currentThread().getContextClassLoader();
        try (URLClassLoader loader = new URLClassLoader(new URL[] {agents.toUri().toURL()},
                BrokenPluginTest.class.getClassLoader())) {
            Thread.currentThread().setContextClassLoader(loader);
            Agents.Installed installed = Agents.discover();
            assertThat(installed.providers()).extracting(AgentProvider::name).containsExactly("random");
            assertThat(installed.failures()).extracting(PluginFailure::toString).hasSize(2)
                    .anySatisfy(f -> assertThat(f).contains("NamelessAgent in bad-agents.jar")
                            .contains("no name today"))
                    .anySatisfy(f -> assertThat(f).contains("org.example.bad.GoneAgent in bad-agents.jar")
                            .contains("the class is missing"));
            assertThat(Agents.find("random").name()).isEqualTo("random");
            assertThatThrownBy(() -> Agents.find("nameless")).isInstanceOf(TdmpcException.class)
                    .hasMessageContaining("left out").hasMessageContaining("no name today");
        } finally {
            Thread.currentThread().setContextClassLoader(before);
        }
    }

    @Test
    void makeWithoutANameIsATypedError() throws Exception {
        try (URLClassLoader loader = new URLClassLoader(new URL[] {coinJar.toUri().toURL()},
                BrokenPluginTest.class.getClassLoader());
                EnvRegistry registry = EnvRegistry.discover(loader)) {
            assertThatThrownBy(() -> registry.make(null)).isInstanceOf(UnknownTaskException.class)
                    .hasMessageContaining("tdmpc2j tasks list");
            assertThatThrownBy(() -> registry.make(" ")).isInstanceOf(UnknownTaskException.class);
            assertThatThrownBy(() -> registry.make("coin/guess", null)).isInstanceOf(TdmpcException.class)
                    .hasMessageContaining("EnvOptions.defaults()");
        }
    }

    private static void assertCoinWorks(EnvRegistry registry) {
        assertThat(registry.provider("coin")).isPresent();
        assertThat(registry.availability("coin/guess").ready()).isTrue();
        try (Env env = registry.make("coin-guess")) {
            env.reset(2);
            assertThat(env.step(new float[] {0.5f}).reward()).isEqualTo(1.0);
        }
    }
}
