package io.github.tdmpc2j.agent;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import io.github.tdmpc2j.agent.checkpoint.SafeTensors;
import io.github.tdmpc2j.agent.nn.NoGrad;
import io.github.tdmpc2j.agent.nn.ParamStore;
import io.github.tdmpc2j.agent.reference.ReferenceCheckpoint;
import io.github.tdmpc2j.agent.reference.ReferenceImport;
import io.github.tdmpc2j.spi.Box;
import io.github.tdmpc2j.spi.SuccessMetric;
import io.github.tdmpc2j.spi.TaskSpec;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Same weights, same inputs, same random draws: three planning calls (an episode's first step, a warm-started
 * step, an evaluation step) and one update give the reference's numbers. The fixtures
 * ({@code reference/*-plan-update.safetensors}, README.md there says how they were made) hold every random draw
 * the reference made, in order; {@link Recorded} hands them to the planner and the world model in our layout.
 *
 * <p>Tolerance: as {@link ReferenceParityTest}, |ours - reference| <= 1e-5 * max(1, |reference|) for every
 * element. The plan adds no operation that could amplify the matrix products' rounding (the elites are chosen by
 * value, and the fixtures' values are far apart compared with 1e-6). The update's first Adam step moves a
 * parameter by lr * g / (|g| + eps): by its group's whole lr wherever |g| is well above eps (1e-8), insensitive to
 * g's rounding, but by less where |g| is within a few eps, and there by an amount that g's rounding decides (mt-1M
 * has 18 such weights of _encoder.state.0.weight; one moved by -8.0e-6 in the reference and by -4.6e-7 here with
 * libtorch's kernels without SIMD, ATEN_CPU_CAPABILITY=default: an error of 7.6e-6, 5.6e-6 with its AVX2 kernels,
 * 2.0e-6 with this machine's AVX-512 ones, so another CPU could exceed 1e-5). A weight's bound is therefore 1e-5 *
 * max(1, |reference|) plus twice what its reference step fell short of its tensor's largest step (the group's lr):
 * nothing for a weight whose step is the whole lr, up to a step's worth for one whose gradient is rounding.
 */
class PlannerUpdateParityTest {
    private static final double TOLERANCE = 1e-5;
    private static final Pattern SETTING = Pattern.compile("\"(\\w+)\": ([-0-9.]+)");

    /** The reference's draws, given out in our shapes and order; any other draw fails the test. */
    static final class Recorded implements Draws {
        record Draw(String kind, Shape shape, float[] values) {
        }

        private final Deque<Draw> draws = new ArrayDeque<>();

        void add(String kind, Shape shape, float[] values) {
            draws.add(new Draw(kind, shape, values));
        }

        /**
         * The reference's draws of one call, as our calls ask for them. {@code rows}: our leading batch axis of
         * the planner (1), or none (0) for the update. randn [H, S, A] (the planner's samples) is our [1, S, H,
         * A]; randperm(num_q)'s first two entries are our first head and the offset of the second; the Gumbel
         * draw -log(E) (E exponential) is ours -log(-log(U)) with U = exp(-E).
         */
        void addCall(Map<String, SafeTensors.Tensor> fixture, String prefix, List<String> kinds, int rows) {
            for (int j = 0; j < kinds.size(); j++) {
                String kind = kinds.get(j);
                SafeTensors.Tensor t = fixture.get(String.format(Locale.ROOT, "%s.draw%02d.%s", prefix, j, kind));
                assertThat(t).as(prefix + " draw " + j).isNotNull();
                long[] s = t.shape();
                switch (kind) {
                    case "randn_like" -> add("normal", lead(rows, s), t.data());
                    case "randn" -> {
                        if (s.length == 3) {
                            float[] v = new float[t.data().length];
                            for (int h = 0; h < s[0]; h++) {
                                for (int i = 0; i < s[1]; i++) {
                                    for (int a = 0; a < s[2]; a++) {
                                        v[(int) ((i * s[0] + h) * s[2] + a)] = t.data()[(int) ((h * s[1] + i) * s[2]
                                                + a)];
                                    }
                                }
                            }
                            add("normal", lead(rows, new long[] {s[1], s[0], s[2]}), v);
                        } else {
                            add("normal", lead(rows, s), t.data());
                        }
                    }
                    case "randperm" -> {
                        int n = t.data().length;
                        int first = (int) t.data()[0];
                        add("integer", new Shape(1), new float[] {first});
                        add("integer", new Shape(1), new float[] {Math.floorMod((int) t.data()[1] - first, n)});
                    }
                    case "exponential" -> {
                        float[] u = new float[t.data().length];
                        for (int i = 0; i < u.length; i++) {
                            u[i] = (float) Math.exp(-t.data()[i]);
                        }
                        add("uniform", lead(rows, s), u);
                    }
                    default -> throw new AssertionError("a draw of an unknown kind in the fixture: " + kind);
                }
            }
        }

        private static Shape lead(int rows, long[] shape) {
            return rows == 0 ? new Shape(shape) : new Shape(rows).addAll(new Shape(shape));
        }

        /**
         * The Q head draws moved to the front, as a GPU-form plan draws them: every pair's first head [n], then
         * every second head's offset [n], before any other draw.
         */
        void headsFirst() {
            List<Float> firsts = new ArrayList<>();
            List<Float> offsets = new ArrayList<>();
            Deque<Draw> rest = new ArrayDeque<>();
            for (Draw d : draws) {
                if (d.kind().equals("integer")) {
                    (firsts.size() == offsets.size() ? firsts : offsets).add(d.values()[0]);
                } else {
                    rest.add(d);
                }
            }
            draws.clear();
            float[][] both = new float[2][firsts.size()];
            for (int i = 0; i < firsts.size(); i++) {
                both[0][i] = firsts.get(i);
                both[1][i] = offsets.get(i);
            }
            add("integer", new Shape(firsts.size()), both[0]);
            add("integer", new Shape(firsts.size()), both[1]);
            draws.addAll(rest);
        }

        boolean done() {
            return draws.isEmpty();
        }

        private Draw next(String kind, Shape shape) {
            Draw d = draws.poll();
            assertThat(d).as("a " + kind + " draw " + shape + " beyond the recorded ones").isNotNull();
            assertThat(d.kind() + " " + d.shape()).as("the next recorded draw").isEqualTo(kind + " " + shape);
            return d;
        }

        @Override
        public NDArray normal(NDManager m, Shape shape) {
            return m.create(next("normal", shape).values(), shape);
        }

        @Override
        public NDArray uniform(NDManager m, Shape shape) {
            return m.create(next("uniform", shape).values(), shape);
        }

        @Override
        public NDArray integer(NDManager m, long low, long high, Shape shape) {
            float[] v = next("integer", shape).values();
            long[] out = new long[v.length];
            for (int i = 0; i < v.length; i++) {
                out[i] = (long) v[i];
                assertThat(out[i]).as("recorded integer draw").isBetween(low, high - 1);
            }
            return m.create(out, shape);
        }
    }

    private static TaskSpec spec(String id, int obs, int act) {
        return new TaskSpec(id, List.of(), Box.unbounded(obs), Box.of(act, -1f, 1f), 500, 2, SuccessMetric.RETURN,
                false);
    }

    /** An agent of the fixture's settings holding the imported reference weights. */
    private static TdmpcAgent agent(ReferenceCheckpoint ref, Map<String, String> meta) {
        List<TaskSpec> tasks = new ArrayList<>();
        String[] ids = meta.get("tasks").split(",");
        String[] obs = meta.get("obs_dims").split(",");
        String[] act = meta.get("action_dims").split(",");
        for (int i = 0; i < ids.length; i++) {
            tasks.add(spec("dmc/" + ids[i], Integer.parseInt(obs[i]), Integer.parseInt(act[i])));
        }
        Map<String, String> settings = new LinkedHashMap<>();
        Matcher m = SETTING.matcher(meta.get("settings"));
        while (m.find()) {
            settings.put(m.group(1), m.group(2));
        }
        TdmpcAgent agent = new TdmpcAgent(ReferenceImport.context(ref, tasks, settings, 0));
        ParamStore store = agent.store();
        ref.tensors().forEach((name, t) -> {
            try (NDArray a = store.manager().create(t.data(), new Shape(t.shape()))) {
                ParamStore.copyInto(a, store.get(name));
            }
        });
        return agent;
    }

    private static List<String> kinds(String json) {
        Matcher m = Pattern.compile("\"draws\": \\[([^]]*)]").matcher(json);
        assertThat(m.find()).as("draw kinds in " + json).isTrue();
        return Arrays.stream(m.group(1).split(",")).map(s -> s.trim().replace("\"", "")).toList();
    }

    /** A fixture's reference checkpoint, its recorded planning and update outputs, and their metadata. */
    private record Fixture(ReferenceCheckpoint ref, Map<String, String> meta,
            Map<String, SafeTensors.Tensor> expected) {
        static Fixture load(String fixture) {
            ReferenceCheckpoint ref = ReferenceCheckpoint.read(ReferenceParityTest.resource(fixture + ".pt"));
            Map<String, String> meta = new LinkedHashMap<>();
            Map<String, SafeTensors.Tensor> expected = SafeTensors.read(
                    ReferenceParityTest.resource(fixture + "-plan-update.safetensors"), meta);
            meta.putAll(outputsMeta(fixture));
            return new Fixture(ref, meta, expected);
        }
    }

    /**
     * With {@code gpuForm}, the planner plans as it does on a GPU with the fused LayerNorm ({@link
     * Planner#gpuForm}, here with PyTorch's separate ops): reward and dynamics stacked, every iteration's Q heads
     * drawn at the start (the recorded draws handed out in that order): the same numbers.
     */
    @ParameterizedTest
    @CsvSource({"st-1M, false", "st-1M, true", "mt-1M, false", "mt-1M, true"})
    void onePlanningCallGivesTheReferencesActionAndMean(String fixture, boolean gpuForm) {
        Fixture f = Fixture.load(fixture);
        ReferenceCheckpoint ref = f.ref();
        Map<String, String> meta = f.meta();
        Map<String, SafeTensors.Tensor> expected = f.expected();
        Map<String, double[]> errors = new LinkedHashMap<>();
        try (TdmpcAgent agent = agent(ref, meta); NoGrad off = new NoGrad();
                NDManager m = agent.store().manager().newSubManager()) {
            WorldModel model = agent.model();
            int a = ref.actionSize();
            int h = agent.config().horizon();
            Planner planner = new Planner(agent.config(), model, a);
            planner.gpuForm(gpuForm);
            Planner.Tasks tasks = null;
            if (ref.taskCount() > 1) {
                int task = Integer.parseInt(meta.get("plan_task"));
                int used = Integer.parseInt(meta.get("action_dims").split(",")[task]);
                float[] mask = new float[a];
                Arrays.fill(mask, 0, used, 1f);
                tasks = new Planner.Tasks(model.taskEmbedding(m, new int[] {task}), m.create(mask, new Shape(1, a)),
                        m.create(new float[] {agent.config().discount(500)}, new Shape(1, 1)));
            }
            NDArray obs = ReferenceParityTest.array(m, expected.get("plan.obs"));
            NDArray previous = m.zeros(new Shape(1, h, a));
            for (int i = 0; i < 3; i++) {
                String call = "plan" + i;
                boolean first = meta.get(call).contains("\"t0\": true");
                boolean eval = meta.get(call).contains("\"eval_mode\": true");
                Recorded draws = new Recorded();
                draws.addCall(expected, call, kinds(meta.get(call)), 1);
                if (gpuForm) {
                    draws.headsFirst();
                }
                if (eval) {
                    // the reference draws no exploration noise when evaluating; ours draws it and multiplies by 0
                    draws.add("normal", new Shape(1, a), new float[a]);
                }
                model.useDraws(draws);
                Planner.Plan plan = planner.plan(obs.get(i).expandDims(0), tasks, agent.config().discount(500),
                        previous, m.create(new float[] {first ? 0f : 1f}), m.create(new float[] {eval ? 0f : 1f}));
                assertThat(draws.done()).as(call + ": every recorded draw used").isTrue();
                ReferenceParityTest.compare(errors, call + ".action", plan.action().reshape(a), expected);
                ReferenceParityTest.compare(errors, call + ".mean", plan.mean().reshape(h, a), expected);
                previous = plan.mean();
            }
            model.useDraws(Draws.ENGINE);
        }
        report(fixture + " planning" + (gpuForm ? " in the GPU's form" : ""), errors, Map.of());
    }

    @ParameterizedTest
    @ValueSource(strings = {"st-1M", "mt-1M"})
    void oneUpdateGivesTheReferencesLossesGradNormsAndWeights(String fixture) {
        Fixture f = Fixture.load(fixture);
        ReferenceCheckpoint ref = f.ref();
        Map<String, String> meta = f.meta();
        Map<String, SafeTensors.Tensor> expected = f.expected();
        Map<String, double[]> errors = new LinkedHashMap<>();
        Map<String, double[]> deviations = new LinkedHashMap<>();
        try (TdmpcAgent agent = agent(ref, meta)) {
            int h = agent.config().horizon();
            int n = agent.config().batchSize();
            int[] tasks = new int[n];
            if (expected.containsKey("update.task")) {
                float[] t = expected.get("update.task").data();
                for (int i = 0; i < n; i++) {
                    tasks[i] = (int) t[i];
                }
            }
            Map<String, float[]> before = new LinkedHashMap<>();
            for (String key : expected.keySet()) {
                if (key.startsWith(UPDATED_PARAM)) {
                    String theirs = key.substring(UPDATED_PARAM.length());
                    before.put(theirs, laidOut(agent, theirs, expected.get(key).shape()).toFloatArray());
                }
            }
            Recorded draws = new Recorded();
            draws.addCall(expected, "update", kinds(meta.get("update")), 0);
            agent.model().useDraws(draws);
            Map<String, Double> metrics = agent.update(new ReplayBuffer.Batch(h, n, expected.get("update.obs").data(),
                    expected.get("update.action").data(), expected.get("update.reward").data(),
                    expected.get("update.terminated").data(), tasks));
            agent.model().useDraws(Draws.ENGINE);
            assertThat(draws.done()).as("every recorded draw used").isTrue();
            // the world model's step is the reference's; the policy's is the reference's with our scaled entropy
            // (the run "update_ours_entropy" of the fixture), the reference's own policy loss a known deviation
            for (String k : List.of("consistency_loss", "reward_loss", "value_loss", "total_loss", "grad_norm")) {
                scalar(errors, k, metrics.get(k), expected.get("update." + k));
            }
            for (String k : List.of("pi_loss", "pi_grad_norm", "pi_scale", "pi_scaled_entropy")) {
                scalar(errors, k, metrics.get(k), expected.get("update_ours_entropy." + k));
                scalar(deviations, k, metrics.get(k), expected.get("update." + k));
            }
            for (Map.Entry<String, float[]> b : before.entrySet()) {
                String theirs = b.getKey();
                SafeTensors.Tensor updated = expected.get(UPDATED_PARAM + theirs);
                NDArray after = laidOut(agent, theirs, updated.shape());
                assertThat(after.getShape().getShape()).as(theirs + " shape").containsExactly(updated.shape());
                compareAdamStep(errors, theirs, b.getValue(), after.toFloatArray(), updated.data());
            }
        }
        report(fixture + " update", errors, deviations);
    }

    private static final String UPDATED_PARAM = "update_ours_entropy.param.";

    /** Our parameter the reference calls {@code theirs}, laid out as the reference's (of {@code shape}). */
    private static NDArray laidOut(TdmpcAgent agent, String theirs, long[] shape) {
        NDArray ours = agent.store().get(ourName(theirs));
        assertThat(ours).as("our tensor for " + theirs).isNotNull();
        return ours.getShape().dimension() == 2 && !theirs.startsWith("_task_emb") ? ours.transpose()
                : ours.reshape(new Shape(shape));
    }

    /**
     * A parameter after the first Adam step against the reference's: each weight within 1e-5 * max(1, |ref|) plus
     * twice the shortfall of its reference step from the tensor's largest one (see the class comment); recorded as
     * the largest error over its bound, times 1e-5 (within the bound: at most 1e-5).
     */
    private static void compareAdamStep(Map<String, double[]> errors, String name, float[] before, float[] ours,
            float[] ref) {
        double lr = 0;
        for (int i = 0; i < ref.length; i++) {
            lr = Math.max(lr, Math.abs((double) ref[i] - before[i]));
        }
        double maxAbs = 0;
        double maxOverBound = 0;
        for (int i = 0; i < ref.length; i++) {
            double d = Math.abs((double) ours[i] - ref[i]);
            double shortfall = lr - Math.abs((double) ref[i] - before[i]);
            double bound = TOLERANCE * Math.max(1, Math.abs(ref[i])) + 2 * shortfall;
            maxAbs = Math.max(maxAbs, d);
            maxOverBound = Math.max(maxOverBound, d / bound);
        }
        errors.put(name, new double[] {maxAbs, maxOverBound * TOLERANCE});
    }

    /** The reference's parameter name in ours: _encoder.state.0.weight -> encoder.0.weight and so on. */
    private static String ourName(String theirs) {
        return theirs.replaceFirst("^_encoder\\.state\\.", "encoder.").replaceFirst("^_Qs\\.params\\.", "qs.")
                .replaceFirst("^_target_Qs_params\\.", "target_qs.").replaceFirst("^_", "");
    }

    private static Map<String, String> outputsMeta(String fixture) {
        Map<String, String> meta = new LinkedHashMap<>();
        SafeTensors.read(ReferenceParityTest.resource(fixture + "-outputs.safetensors"), meta);
        meta.keySet().retainAll(List.of("tasks", "obs_dims", "action_dims"));
        return meta;
    }

    private static void scalar(Map<String, double[]> errors, String name, Double ours, SafeTensors.Tensor ref) {
        assertThat(ours).as("our " + name).isNotNull();
        assertThat(ref).as("reference " + name).isNotNull();
        double d = Math.abs(ours - ref.data()[0]);
        errors.put(name, new double[] {d, d / Math.max(1, Math.abs(ref.data()[0]))});
    }

    private static void report(String what, Map<String, double[]> errors, Map<String, double[]> deviations) {
        StringBuilder report = new StringBuilder(what + " parity (max abs error, max error / max(1, |ref|)):\n");
        errors.forEach((k, v) -> report.append(String.format(Locale.ROOT, "  %-28s %.3e %.3e%n", k, v[0], v[1])));
        deviations.forEach((k, v) -> report.append(String.format(Locale.ROOT,
                "  known deviation (reference's own) %-20s %.3e %.3e%n", k, v[0], v[1])));
        System.out.print(report);
        errors.forEach((k, v) -> assertThat(v[1]).as(what + " " + k + "\n" + report).isLessThanOrEqualTo(TOLERANCE));
    }
}
