package io.github.tdmpc2j.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Evidence that TD-MPC2 learns, in CI: the README's main job, {@code tdmpc2j train --task dmc/cartpole-balance
 * --preset cpu --steps 5000 --eval-every 2500}, run through the command line's own {@code train} for seeds 1 and 2,
 * each in a child JVM with one intra-op thread, two at a time. Each run's last evaluation (3 episodes, from its
 * {@code eval.csv}) is compared with the random policy's return on the same evaluation episodes, which the command
 * measures and prints at the start of every run. Asserted: the mean over the seeds of the last evaluation is at least
 * {@link #MEAN_MARGIN} above the random policy's mean, and every seed's best evaluation after step 0 (at 2500 or 5000
 * steps) is at least {@link #SEED_MARGIN} above its own random policy.
 *
 * <p>Why seeds and a margin, not one run and a target: PyTorch picks its CPU kernels by instruction set
 * ({@code ATEN_CPU_CAPABILITY}: {@code default}, {@code avx2}, {@code avx512}) and they round differently, so "the
 * same seed gives the same run" holds on one kind of CPU only, and training amplifies the difference. Measured
 * (bench/RESULTS.md, "The main job across CPU kernels and seeds"; random policy 308.1 for seed 1, 322.9 for seed 2):
 * <ul>
 *   <li>AMD EPYC, 2 cores, AVX2 (the project's machine), this test, 2026-11-30: {@code default} seed 1 619.4,
 *       seed 2 967.1 (mean 793.2); {@code avx2} seed 1 682.2, seed 2 866.1 (mean 774.1).</li>
 *   <li>The same machine, the main job through the launcher with default threads, {@code avx2}: seed 1 612.4.</li>
 *   <li>An AVX-512 machine (issue 16), the same: seed 1 543.0 (its 2500-step evaluation 449.8 against 177.7 here).</li>
 * </ul>
 * Those were the numbers of earlier code; every numerical change to the agent moves a run as a new CPU does.
 * On the code of 2026-12-01 (Adam through PyTorch's fused kernel) the AVX-512 machine gives seed 1 585.0 at 2500
 * steps and 322.6 at 5000 against its random policy's 290.6, the smallest lead of any seed measured so far (32);
 * its final checkpoint evaluated over 20 episodes gives 319.5, so that is a weak policy at that step, not
 * evaluation noise. Seed 2 gives 704.4 (random 341.5); the mean leads by 197. A single seed's last evaluation is
 * therefore not a reliable witness on every CPU (until then the test asked each seed to end above its random policy,
 * which this seed passed by 32 only); its best evaluation after the seed phase is: its lead over the random policy
 * was at least 244 in every run recorded on this code (585.0 - 290.6 here; 554.4 - 290.6 with AVX2 kernels, 534.7 -
 * 290.6 with the portable ones; seed 2 at least 262), and 100 is asked. The mean of the last evaluations keeps the
 * run's end honest: it must lead by 100 (its lead: 197.4 here, 294.6 and 253.1 under the other kernels). An agent that
 * does not learn fails both: the untrained agent's evaluations (step 0) average 299.1 against 315.5.
 *
 * <p>Seeds run in separate JVMs, each with one intra-op thread, as a user's runs do (one JVM per {@code train}); the
 * children inherit the environment, so
 * {@code ATEN_CPU_CAPABILITY=default mvn -B -pl cli -am test -Dtest=CartpoleLearningTest
 * -Dsurefire.failIfNoSpecifiedTests=false} runs them on the portable kernels (the test prints the value its
 * children got). Other knobs: {@code -Dlearning.seeds=1,2,3}, {@code -Dlearning.parallel=N}. Time: 876 s
 * ({@code avx2}) on the 2-core machine with other builds running (load average 4-5), 2077 s ({@code default}) under
 * load 8-9.
 */
class CartpoleLearningTest {
    static final String TASK = "dmc/cartpole-balance";
    static final long STEPS = 5000;
    static final long EVAL_EVERY = 2500;
    static final List<Long> SEEDS = seeds(System.getProperty("learning.seeds", "1,2"));
    static final int PARALLEL = Integer.getInteger("learning.parallel", 2);
    /** How far the seeds' mean last evaluation must beat the random policy's mean (see the class comment). */
    static final double MEAN_MARGIN = 100;
    /** How far each seed's best evaluation after step 0 must beat its random policy (see the class comment). */
    static final double SEED_MARGIN = 100;
    /** A child that runs longer than this has hung (35 minutes were measured on a 2-core machine under load 8). */
    static final long CHILD_TIMEOUT_MINUTES = 60;

    private static final Pattern RANDOM = Pattern.compile("random policy: mean return (-?[0-9.]+) over");

    record Outcome(long seed, double random, List<Double> evaluations, List<Long> evalSteps, double seconds) {
        double last() {
            return evaluations.get(evaluations.size() - 1);
        }
    }

    @Test
    void theMainJobBeatsTheRandomPolicyOverSeeds(@TempDir Path dir) throws Exception {
        String capability = System.getenv("ATEN_CPU_CAPABILITY");
        System.out.printf("%s, %d steps, seeds %s, %d at a time, ATEN_CPU_CAPABILITY=%s%n", TASK, STEPS, SEEDS,
                PARALLEL, capability == null ? "(unset: the CPU's best)" : capability);
        ExecutorService pool = Executors.newFixedThreadPool(PARALLEL);
        List<Outcome> outcomes = new ArrayList<>();
        try {
            List<Future<Outcome>> runs = new ArrayList<>();
            for (long seed : SEEDS) {
                runs.add(pool.submit(() -> train(dir, seed)));
            }
            for (Future<Outcome> run : runs) {
                outcomes.add(run.get());
            }
        } finally {
            pool.shutdownNow();
        }

        double meanLast = outcomes.stream().mapToDouble(Outcome::last).average().orElseThrow();
        double meanRandom = outcomes.stream().mapToDouble(Outcome::random).average().orElseThrow();
        for (Outcome o : outcomes) {
            System.out.printf(Locale.ROOT, "seed %d: evaluations %s at steps %s, random policy %.1f (%.0f s)%n",
                    o.seed(), o.evaluations(), o.evalSteps(), o.random(), o.seconds());
        }
        System.out.printf(Locale.ROOT, "mean over seeds %s: last evaluation %.1f, random policy %.1f, "
                + "required %.1f%n", SEEDS, meanLast, meanRandom, meanRandom + MEAN_MARGIN);

        for (Outcome o : outcomes) {
            assertThat(o.evalSteps()).as("seed %d evaluates at 0, %d and %d", o.seed(), EVAL_EVERY, STEPS)
                    .containsExactly(0L, EVAL_EVERY, STEPS);
            double best = o.evaluations().subList(1, o.evaluations().size()).stream().mapToDouble(Double::doubleValue)
                    .max().orElseThrow();
            assertThat(best).as("seed %d: best evaluation after step 0 vs its random policy's %.1f + %.0f", o.seed(),
                    o.random(), SEED_MARGIN).isGreaterThanOrEqualTo(o.random() + SEED_MARGIN);
        }
        assertThat(meanLast).as("mean last evaluation over seeds %s vs the random policy's mean %.1f + %.0f",
                SEEDS, meanRandom, MEAN_MARGIN).isGreaterThanOrEqualTo(meanRandom + MEAN_MARGIN);
    }

    static List<Long> seeds(String text) {
        try {
            return Arrays.stream(text.split(",")).map(String::strip).map(Long::valueOf).toList();
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("-Dlearning.seeds takes seeds separated by commas, e.g. 1,2,3; got '"
                    + text + "'", e);
        }
    }

    /** Runs the command line's {@code train} for one seed in a child JVM and reads what it wrote. */
    private static Outcome train(Path dir, long seed) throws IOException, InterruptedException {
        Path out = dir.resolve("seed-" + seed);
        Path log = dir.resolve("seed-" + seed + ".log");
        List<String> command = List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx2g", "-Dai.djl.offline=true", "-Dai.djl.pytorch.num_threads=1",
                "-Dai.djl.pytorch.num_interop_threads=1", "-cp", System.getProperty("java.class.path"),
                Main.class.getName(), "train", "--task", TASK, "--preset", "cpu", "--steps", Long.toString(STEPS),
                "--eval-every", Long.toString(EVAL_EVERY), "--seed", Long.toString(seed), "--out", out.toString(),
                "--progress", "log");
        long start = System.nanoTime();
        Process p = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        try {
            if (!p.waitFor(CHILD_TIMEOUT_MINUTES, TimeUnit.MINUTES)) {
                throw new AssertionError("seed " + seed + " did not finish in " + CHILD_TIMEOUT_MINUTES
                        + " minutes; its output so far:\n" + tail(log));
            }
        } finally {
            p.destroyForcibly();
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        String printed = Files.readString(log, StandardCharsets.UTF_8);
        assertThat(p.exitValue()).as("seed %d's train exit status; its output:%n%s", seed, tail(log)).isZero();
        Matcher m = RANDOM.matcher(printed);
        assertThat(m.find()).as("seed %d printed the random policy's return; its output:%n%s", seed, tail(log))
                .isTrue();
        List<Double> evaluations = new ArrayList<>();
        List<Long> steps = new ArrayList<>();
        for (CsvLog.Row row : CsvLog.read(out.resolve("eval.csv"))) {
            steps.add(Long.parseLong(row.cell(0)));
            evaluations.add(Double.parseDouble(row.cell(1)));
        }
        return new Outcome(seed, Double.parseDouble(m.group(1)), evaluations, steps, seconds);
    }

    private static String tail(Path log) throws IOException {
        List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
        return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
    }
}
