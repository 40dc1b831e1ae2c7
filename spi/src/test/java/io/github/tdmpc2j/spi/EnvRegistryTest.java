package io.github.tdmpc2j.spi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class EnvRegistryTest {
    private final TestProvider dmc = new TestProvider("dmc", Availability.ok(),
            TestProvider.task("dmc/walker-walk", "walker-walk"), TestProvider.task("dmc/cheetah-run", "cheetah-run"));
    private final TestProvider mw = new TestProvider("metaworld", Availability.ok(),
            TestProvider.task("metaworld/assembly", "mw-assembly"));
    private final TestProvider py = new TestProvider("dmc-python",
            Availability.unavailable("its Python environment is missing", "tdmpc2j setup dmc"),
            TestProvider.task("dmc-python/walker-walk", "walker-walk"), TestProvider.task("dmc-python/dog-run", "dog-run"));

    @Test
    void resolvesIdsReferenceNamesAndAliases() {
        try (EnvRegistry r = EnvRegistry.of(List.of(dmc, mw, py))) {
            assertThat(r.resolve("dmc/walker-walk").id()).isEqualTo("dmc/walker-walk");
            // walker-walk is claimed by two plug-ins: the reference mapping picks the native dmc one
            assertThat(r.resolve("walker-walk").id()).isEqualTo("dmc/walker-walk");
            assertThat(r.resolve("mw-assembly").id()).isEqualTo("metaworld/assembly");
            assertThat(r.resolve("dog-run").id()).isEqualTo("dmc-python/dog-run");
            assertThat(r.list()).extracting(TaskSpec::id).containsExactly("dmc-python/dog-run",
                    "dmc-python/walker-walk", "dmc/cheetah-run", "dmc/walker-walk", "metaworld/assembly");
            assertThat(r.list("metaworld")).hasSize(1);
        }
    }

    @Test
    void unknownIdsSuggestTheClosest() {
        try (EnvRegistry r = EnvRegistry.of(List.of(dmc, mw))) {
            assertThatThrownBy(() -> r.make("dmc/walker-wlak"))
                    .isInstanceOf(UnknownTaskException.class)
                    .hasMessageContaining("did you mean dmc/walker-walk")
                    .satisfies(e -> assertThat(((UnknownTaskException) e).suggestions()).contains("dmc/walker-walk"));
            assertThatThrownBy(() -> r.make("cheeta-run")).isInstanceOf(UnknownTaskException.class)
                    .hasMessageContaining("cheetah-run");
            // the start of a name: the tasks it begins (not also as their aliases)
            assertThatThrownBy(() -> r.make("walker")).isInstanceOf(UnknownTaskException.class)
                    .satisfies(e -> assertThat(((UnknownTaskException) e).suggestions())
                            .containsExactly("dmc/walker-walk"));
            assertThatThrownBy(() -> r.make("dmc/walk")).isInstanceOf(UnknownTaskException.class)
                    .satisfies(e -> assertThat(((UnknownTaskException) e).suggestions())
                            .containsExactly("dmc/walker-walk"));
            assertThatThrownBy(() -> r.make("zzzzzzzzzzzzzzz")).isInstanceOf(UnknownTaskException.class)
                    .hasMessageContaining("tdmpc2j tasks list");
        }
        try (EnvRegistry r = EnvRegistry.of(List.of(dmc, mw, py))) {
            // shorter ids first
            assertThatThrownBy(() -> r.make("walker")).isInstanceOf(UnknownTaskException.class)
                    .hasMessageContaining("did you mean dmc/walker-walk, dmc-python/walker-walk?");
        }
    }

    @Test
    void aTaskOfAMissingPluginSaysWhichDomainToInstall() {
        try (EnvRegistry r = EnvRegistry.of(List.of(dmc))) {
            assertThatThrownBy(() -> r.make("mw-basketball")).isInstanceOf(UnknownTaskException.class)
                    .hasMessageContaining("metaworld/basketball").hasMessageContaining("not installed");
        }
    }

    @Test
    void anUnavailablePluginGivesTheFixCommand() {
        try (EnvRegistry r = EnvRegistry.of(List.of(dmc, py))) {
            assertThatThrownBy(() -> r.make("dog-run")).isInstanceOf(EnvUnavailableException.class)
                    .hasMessageContaining("tdmpc2j setup dmc");
            assertThat(py.made).isEmpty();
        }
    }

    /**
     * Rows of several suites that are not set up are refused naming each fix at once: the first unavailable task's
     * message, then one line per other fix (a suite's tasks together); before, only the first was named, and each
     * suite set up brought the next refusal. Nothing is made.
     */
    @Test
    void rowsOfSeveralUnavailableSuitesNameEveryFix() {
        TestProvider myo = new TestProvider("myo", Availability.unavailable("its Python environment is missing",
                "tdmpc2j setup myosuite"), TestProvider.task("myo/reach"), TestProvider.task("myo/pose"));
        try (EnvRegistry r = EnvRegistry.of(List.of(dmc, py, myo))) {
            List<String> rows = List.of("dmc/walker-walk", "dmc-python/walker-walk", "myo/reach", "dmc-python/dog-run",
                    "myo/pose", "myo/reach");
            List<EnvOptions> options = rows.stream().map(x -> EnvOptions.seeded(1)).toList();
            assertThatThrownBy(() -> r.makeVector(rows, options, 1)).isInstanceOf(EnvUnavailableException.class)
                    .hasMessageStartingWith("task dmc-python/walker-walk is unavailable: its Python environment is "
                            + "missing; run `tdmpc2j setup dmc` to fix it" + System.lineSeparator()
                            + "other tasks are unavailable too:" + System.lineSeparator()
                            + "  myo/reach and 1 more task: run `tdmpc2j setup myosuite`")
                    .hasMessageNotContaining("dog-run");
            assertThat(dmc.made).isEmpty();
        }
    }

    @Test
    void oneTaskOfAReadyPluginCanBeUnavailable() {
        TaskSpec needsObjects = TestProvider.task("shop/pick-ycb", "pick-ycb");
        TestProvider shop = new TestProvider("shop", Availability.ok(), TestProvider.task("shop/pick-cube"),
                needsObjects) {
            @Override
            public Availability availability(TaskSpec task) {
                return task.equals(needsObjects)
                        ? Availability.unavailable("its objects are not downloaded", "shop download ycb")
                        : availability();
            }
        };
        try (EnvRegistry r = EnvRegistry.of(List.of(shop, dmc))) {
            assertThat(r.availability("shop/pick-cube").ready()).isTrue();
            assertThat(r.availability("pick-ycb").ready()).isFalse();
            // plug-ins that do not override it answer for all their tasks
            assertThat(r.availability("walker-walk").ready()).isTrue();
            assertThatThrownBy(() -> r.make("pick-ycb")).isInstanceOf(EnvUnavailableException.class)
                    .hasMessageContaining("shop download ycb");
            try (Env env = r.make("shop/pick-cube")) {
                assertThat(env.spec().id()).isEqualTo("shop/pick-cube");
            }
            assertThat(shop.made).hasSize(1);
        }
    }

    @Test
    void duplicateDomainsAreRejected() {
        TestProvider other = new TestProvider("dmc", Availability.ok(), TestProvider.task("dmc/x"));
        assertThatThrownBy(() -> EnvRegistry.of(List.of(dmc, other))).isInstanceOf(PluginException.class)
                .hasMessageContaining("two plug-ins claim the domain 'dmc'");
    }

    @Test
    void aProviderListingAnotherDomainsTaskIsRejected() {
        TestProvider bad = new TestProvider("mine", Availability.ok(), TestProvider.task("yours/x"));
        assertThatThrownBy(() -> EnvRegistry.of(List.of(bad))).isInstanceOf(PluginException.class)
                .hasMessageContaining("lists task yours/x of another domain: give each of its tasks an id of the form "
                        + "mine/NAME");
    }

    @Test
    void ambiguousAliasesAskForTheFullId() {
        TestProvider a = new TestProvider("a", Availability.ok(), TestProvider.task("a/x", "thing"));
        TestProvider b = new TestProvider("b", Availability.ok(), TestProvider.task("b/x", "thing"));
        try (EnvRegistry r = EnvRegistry.of(List.of(a, b))) {
            assertThatThrownBy(() -> r.resolve("thing")).isInstanceOf(UnknownTaskException.class)
                    .hasMessageContaining("a/x").hasMessageContaining("b/x");
        }
    }

    @Test
    void makeWrapsTheRawEnvAndCloseClosesProviders() {
        EnvRegistry r = EnvRegistry.of(List.of(dmc));
        Env env = r.make("cheetah-run");
        env.reset(0);
        int steps = 0;
        StepResult s = null;
        while (s == null || !s.done()) {
            s = env.step(new float[] {0.1f, 0.2f});
            steps++;
        }
        assertThat(steps).isEqualTo(10);
        assertThat(dmc.made.get(0).received).hasSize(20);
        env.close();
        assertThat(dmc.made.get(0).closed).isTrue();
        r.close();
        assertThat(dmc.closed).isTrue();
    }

    /**
     * A closed registry makes no env: its plug-ins' workers are stopped, and one started again would outlive the
     * close that the caller relied on (a Python worker left running). Looking names up still works; closing again
     * does nothing.
     */
    @Test
    void aClosedRegistryRefusesToMakeEnvsAndSaysToDiscoverAnother() {
        EnvRegistry r = EnvRegistry.of(List.of(dmc));
        r.close();
        String what = "this EnvRegistry was closed (its plug-ins with it, their workers stopped): make a new one with "
                + "EnvRegistry.discover() to make envs";
        assertThatThrownBy(() -> r.make("walker-walk")).isInstanceOf(EnvStateException.class).hasMessage(what);
        assertThatThrownBy(() -> r.makeRaw("walker-walk", EnvOptions.defaults()))
                .isInstanceOf(EnvStateException.class).hasMessage(what);
        assertThatThrownBy(() -> r.makeVector(List.of("walker-walk"), List.of(EnvOptions.defaults()), 1))
                .isInstanceOf(EnvStateException.class).hasMessage(what);
        assertThat(dmc.made).isEmpty();
        assertThat(r.resolve("walker-walk").id()).isEqualTo("dmc/walker-walk");
        dmc.closed = false;
        r.close();
        assertThat(dmc.closed).as("a second close closes no plug-in again").isFalse();
    }

    @Test
    void aNullSetOrDomainIsTheTypedErrorOfAnUnknownOneListingWhatIsKnown() {
        try (EnvRegistry r = EnvRegistry.of(List.of(dmc))) {
            assertThatThrownBy(() -> r.taskSet(null)).isInstanceOf(UnknownTaskException.class)
                    .hasMessageContaining("no task set named").hasMessageContaining("known sets: ")
                    .hasMessageContaining("mt30").hasMessageContaining("bench104");
            assertThatThrownBy(() -> r.list(null)).isInstanceOf(UnknownTaskException.class)
                    .hasMessageContaining("no domain named").hasMessageContaining("Installed domains: dmc");
        }
        assertThat(TaskSets.get(null)).isEmpty();
    }

    @Test
    void taskSetsFollowTheReference() {
        try (EnvRegistry r = EnvRegistry.of(List.of(dmc))) {
            List<String> mt30 = r.taskSet("mt30");
            List<String> mt80 = r.taskSet("MT80");
            assertThat(mt30).hasSize(30).doesNotHaveDuplicates();
            assertThat(mt80).hasSize(80).doesNotHaveDuplicates().startsWith(mt30.toArray(String[]::new));
            assertThat(mt30.get(0)).isEqualTo("dmc/walker-stand");
            assertThat(mt30.get(29)).isEqualTo("dmc/pendulum-spin");
            assertThat(mt80.get(30)).isEqualTo("metaworld/assembly");
            assertThat(mt80.get(79)).isEqualTo("metaworld/hand-insert");
            assertThatThrownBy(() -> r.taskSet("mt31")).isInstanceOf(UnknownTaskException.class)
                    .hasMessageContaining("mt30");
            // an ad-hoc set: ids or aliases separated by commas, in the given order
            assertThat(r.taskSet("cheetah-run, dmc/walker-walk")).containsExactly("dmc/cheetah-run", "dmc/walker-walk");
            // an empty name (a comma at the end was dropped: a list of the tasks before it) is refused
            assertThatThrownBy(() -> r.taskSet("cheetah-run,")).isInstanceOf(TdmpcException.class)
                    .hasMessageStartingWith("the task list 'cheetah-run,' names an empty task (a comma at its end)");
            // a known task named twice: refused, but not as an unknown task
            assertThatThrownBy(() -> r.taskSet("cheetah-run,dmc/cheetah-run")).isInstanceOf(TdmpcException.class)
                    .isNotInstanceOf(UnknownTaskException.class).hasMessageContaining("twice");
            assertThatThrownBy(() -> r.taskSet("cheetah-run,dmc/nope")).isInstanceOf(UnknownTaskException.class)
                    .hasMessageStartingWith("unknown task 'dmc/nope': ");
            // one id is a list of one (eval --set dmc/walker-walk was refused as an unknown task set, its message
            // offering "task ids separated by commas"); a name without a slash stays a set's name
            assertThat(r.taskSet("dmc/walker-walk")).containsExactly("dmc/walker-walk");
            assertThatThrownBy(() -> r.taskSet("dmc/walker-wlak")).isInstanceOf(UnknownTaskException.class)
                    .hasMessageContaining("did you mean dmc/walker-walk");
            assertThatThrownBy(() -> r.taskSet("cheetah-run")).isInstanceOf(UnknownTaskException.class)
                    .hasMessageContaining("unknown task set 'cheetah-run'");
        }
    }

    @Test
    void aPluginCanMakeTasksItDoesNotList() {
        TestProvider open = new TestProvider("open", Availability.ok(), TestProvider.task("open/listed")) {
            @Override
            public java.util.Optional<TaskSpec> describeTask(String name) {
                return name.startsWith("any-") ? java.util.Optional.of(TestProvider.task("open/" + name))
                        : java.util.Optional.empty();
            }
        };
        try (EnvRegistry r = EnvRegistry.of(List.of(open))) {
            try (Env env = r.make("open/any-thing")) {
                assertThat(env.spec().id()).isEqualTo("open/any-thing");
                env.reset(0);
                env.step(new float[] {0, 0});
            }
            assertThat(r.resolve("open/any-thing")).isSameAs(r.resolve("open/any-thing"));
            assertThat(r.list()).extracting(TaskSpec::id).containsExactly("open/listed");
            // a name the plug-in does not describe is an unknown task of its domain, not a plug-in's failure
            assertThatThrownBy(() -> r.make("open/other")).isInstanceOf(UnknownTaskException.class)
                    .hasMessageStartingWith("unknown task 'open/other': ").hasMessageNotContaining("No installed");
        }
    }

    /**
     * A task a plug-in describes on demand is held to what a listed task is: boxes of one entry or more, a positive
     * episode length; its failure is the plug-in's, named, never an untyped exception.
     */
    @Test
    void aTaskDescribedOnDemandIsCheckedAsAListedOneIs() {
        TestProvider open = new TestProvider("open", Availability.ok(), TestProvider.task("open/listed")) {
            @Override
            public java.util.Optional<TaskSpec> describeTask(String name) {
                TaskSpec good = TestProvider.task("open/" + name);
                return switch (name) {
                    case "no-actions" -> java.util.Optional.of(good.withActionSpace(Box.of(0, -1, 1)));
                    case "no-observations" -> java.util.Optional.of(good.withObservationSpace(Box.unbounded(0)));
                    case "no-steps" -> java.util.Optional.of(new TaskSpec(good.id(), List.of(),
                            good.observationSpace(), good.actionSpace(), 0, 1, SuccessMetric.RETURN, false));
                    case "other-domain" -> java.util.Optional.of(TestProvider.task("elsewhere/other-domain"));
                    case "null" -> null;
                    case "unavailable" -> throw new EnvUnavailableException("open/unavailable",
                            Availability.unavailable("its suite is not set up", "tdmpc2j setup open"));
                    default -> java.util.Optional.empty();
                };
            }
        };
        try (EnvRegistry r = EnvRegistry.of(List.of(open))) {
            assertThatThrownBy(() -> r.resolve("open/no-actions")).isInstanceOf(PluginException.class)
                    .hasMessageContaining("describeTask(no-actions) describes open/no-actions with an empty action "
                            + "space").hasMessageContaining("give the task's boxes a size of 1 or more");
            assertThatThrownBy(() -> r.make("open/no-observations")).isInstanceOf(PluginException.class)
                    .hasMessageContaining("an empty observation space");
            assertThatThrownBy(() -> r.resolve("open/no-steps")).isInstanceOf(PluginException.class)
                    .hasMessageContaining("describeTask(no-steps) threw PluginException: task open/no-steps "
                            + "has episodes of 0 agent steps (maxEpisodeSteps); give it 1 or more");
            assertThatThrownBy(() -> r.resolve("open/other-domain")).isInstanceOf(PluginException.class)
                    .hasMessageContaining("described 'open/other-domain' as elsewhere/other-domain");
            assertThatThrownBy(() -> r.resolve("open/null")).isInstanceOf(PluginException.class)
                    .hasMessageContaining("describeTask(null) returned null");
            assertThatThrownBy(() -> r.resolve("open/unavailable")).isInstanceOf(EnvUnavailableException.class)
                    .hasMessageContaining("tdmpc2j setup open");
            assertThat(r.resolve("open/listed").id()).isEqualTo("open/listed");
            assertThatThrownBy(() -> r.resolve("open/none")).isInstanceOf(UnknownTaskException.class);
        }
    }

    @Test
    void aListedTaskOfNoEpisodeStepsOrActionRepeatSaysWhatToGive() {
        TaskSpec good = TestProvider.task("line/x");
        assertThatThrownBy(() -> new TaskSpec("line/x", List.of(), good.observationSpace(), good.actionSpace(), 0, 1,
                SuccessMetric.RETURN, false)).isInstanceOf(PluginException.class)
                .hasMessage("task line/x has episodes of 0 agent steps (maxEpisodeSteps); give it 1 or more");
        assertThatThrownBy(() -> new TaskSpec("line/x", List.of(), good.observationSpace(), good.actionSpace(), 5, 0,
                SuccessMetric.RETURN, false)).isInstanceOf(PluginException.class)
                .hasMessage("task line/x has an action repeat of 0 (actionRepeat); give it 1 or more");
        assertThatThrownBy(() -> good.withRevision(0)).isInstanceOf(PluginException.class)
                .hasMessageStartingWith("task line/x is at revision 0; revisions start at 1");
        assertThat(good.revision()).as("a spec made without one").isEqualTo(1);
        assertThat(good.withRevision(3).withActionSpace(Box.of(2, -1f, 1f)).revision()).isEqualTo(3);
    }

    @Test
    void editDistanceIsLevenshtein() {
        assertThat(EnvRegistry.editDistance("kitten", "sitting")).isEqualTo(3);
        assertThat(EnvRegistry.editDistance("", "abc")).isEqualTo(3);
        assertThat(EnvRegistry.editDistance("same", "same")).isZero();
    }

    /**
     * A step's or reset's result without an observation is refused when it is made, as one without an info is (the
     * registry's envs refused it from a plug-in's env; the records took it, for a later NullPointerException).
     */
    @Test
    void aResultWithoutAnObservationIsAPluginError() {
        assertThatThrownBy(() -> new StepResult(null, 0, false, false, java.util.Map.of()))
                .isInstanceOf(PluginException.class).hasMessage("a StepResult's observation is null: give the "
                        + "observation of the env's task (a float[] of its observation size)");
        assertThatThrownBy(() -> new ResetResult(null)).isInstanceOf(PluginException.class)
                .hasMessageStartingWith("a ResetResult's observation is null: give the observation of the env's task");
        assertThat(new ResetResult(new float[] {1}).observation()).containsExactly(1);
    }

    /** A user's program that passes null gets a typed error saying what to pass, not a bare NullPointerException. */
    @Test
    void nullArgumentsAreTypedErrorsThatSayWhatToPass() {
        try (EnvRegistry r = EnvRegistry.of(List.of(dmc))) {
            assertThatThrownBy(() -> r.make(null)).isInstanceOf(UnknownTaskException.class);
            assertThatThrownBy(() -> r.resolve(null)).isInstanceOf(UnknownTaskException.class);
            assertThatThrownBy(() -> r.makeRaw(null, EnvOptions.defaults())).isInstanceOf(UnknownTaskException.class);
            assertThatThrownBy(() -> r.make("dmc/walker-walk", null)).isInstanceOf(TdmpcException.class)
                    .hasMessageContaining("EnvOptions.defaults()");
            assertThatThrownBy(() -> r.makeVector(null, List.of(EnvOptions.defaults()), 1))
                    .isInstanceOf(TdmpcException.class).hasMessageContaining("null row ids: pass a task id per row");
            assertThatThrownBy(() -> r.makeVector(List.of("dmc/walker-walk"), null, 1))
                    .isInstanceOf(TdmpcException.class).hasMessageContaining("null env options: pass an EnvOptions per row");
            assertThatThrownBy(() -> r.availability((TaskSpec) null)).isInstanceOf(TdmpcException.class)
                    .hasMessageContaining("the task is null");
            assertThatThrownBy(() -> r.requireAvailable((TaskSpec) null)).isInstanceOf(TdmpcException.class)
                    .hasMessageContaining("the task is null");
            assertThatThrownBy(() -> r.requireAvailable((List<TaskSpec>) null)).isInstanceOf(TdmpcException.class)
                    .hasMessageContaining("the task list is null");
        }
        // before: NullPointerException 'Cannot invoke "java.util.Map.entrySet()" because "map" is null', and a null
        // extra's value or name a NullPointerException
        assertThatThrownBy(() -> new EnvOptions(1, null)).isInstanceOf(TdmpcException.class)
                .hasMessageStartingWith("the env options' extras are null: pass Map.of() for none");
        java.util.Map<String, String> unset = new java.util.HashMap<>();
        unset.put("camera", null);
        assertThatThrownBy(() -> new EnvOptions(1, unset)).isInstanceOf(TdmpcException.class)
                .hasMessage("the env options' extras hold no value for 'camera' (null): give each extra a name and a "
                        + "value, or leave it out");
        assertThatThrownBy(() -> EnvOptions.defaults().extra(null)).isInstanceOf(TdmpcException.class)
                .hasMessageStartingWith("the extra's name is null");
        // before: NullPointerExceptions ('raw' is null, 'info' is null, 's' is null)
        assertThatThrownBy(() -> EnvRegistry.wrap(null)).isInstanceOf(TdmpcException.class)
                .hasMessageStartingWith("the env to wrap is null: pass a plug-in's raw env");
        assertThatThrownBy(() -> StepResult.success(null, "dmc/walker-walk")).isInstanceOf(TdmpcException.class)
                .hasMessage("the info of dmc/walker-walk is null: pass a step's info (Map.of() for none)");
        assertThatThrownBy(() -> EnvRegistry.closest(null, List.of("a"), 1)).isInstanceOf(TdmpcException.class)
                .hasMessageStartingWith("the name is null");
        // before: NullPointerException 'Cannot invoke "java.util.Collection.stream()" because "providers" is null'
        assertThatThrownBy(() -> EnvRegistry.of(null)).isInstanceOf(TdmpcException.class)
                .hasMessage("the plug-ins are null: pass the EnvProviders the registry is to hold (List.of() for "
                        + "none), or use EnvRegistry.discover() for the installed ones");
        // before: NullPointerException 'Cannot invoke "Object.getClass()" because "p" is null'
        assertThatThrownBy(() -> EnvRegistry.of(java.util.Arrays.asList(dmc, null)))
                .isInstanceOf(TdmpcException.class).hasMessageStartingWith("plug-in 1 of the plug-ins given is null: "
                        + "pass an EnvProvider");
    }
}
