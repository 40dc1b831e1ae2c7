package io.github.tdmpc2j.agent;

import io.github.tdmpc2j.spi.agent.DeviceSetting;
import io.github.tdmpc2j.spi.agent.ModelChoice;
import io.github.tdmpc2j.spi.agent.UnknownParameterException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * Every TD-MPC2 hyperparameter, under the reference's names ({@code config.yaml}). Built from
 * {@code key=value} strings: a preset ({@code paper}, the default, or {@code cpu}) first, then the model size's
 * architecture, then whatever the caller sets explicitly.
 *
 * @param seedSteps   random steps before learning; -1 means the reference's max(1000, 5 x episode length)
 * @param updateEvery env steps per gradient update after the seed phase (the reference does 1). Every row of a
 *                    vector env counts: N envs stepping together get N / update_every updates per vector step, so
 *                    this is the setting for fewer updates per env step (update_every=N: one per vector step)
 */
public record TdmpcConfig(
        String preset, int modelSize, int numEncLayers, int encDim, int mlpDim, int latentDim, int taskDim,
        int numQ, float dropout, int simnormDim, int numBins, float vmin, float vmax,
        float lr, float encLrScale, float gradClipNorm, float tau, float rho,
        float consistencyCoef, float rewardCoef, float valueCoef, float terminationCoef, float entropyCoef,
        float logStdMin, float logStdMax,
        int batchSize, int horizon, boolean mpc, int iterations, int numSamples, int numElites, int numPiTrajs,
        float minStd, float maxStd, float temperature,
        float discountDenom, float discountMin, float discountMax, int seedSteps, int updateEvery, int bufferSize,
        String device, Map<String, String> values) {

    /** The reference's defaults. */
    static final Map<String, String> PAPER = ordered(
            "model_size", "5", "task_dim", "96", "dropout", "0.01", "simnorm_dim", "8",
            "num_bins", "101", "vmin", "-10", "vmax", "10",
            "lr", "3e-4", "enc_lr_scale", "0.3", "grad_clip_norm", "20", "tau", "0.01", "rho", "0.5",
            "consistency_coef", "20", "reward_coef", "0.1", "value_coef", "0.1", "termination_coef", "1",
            "entropy_coef", "1e-4", "log_std_min", "-10", "log_std_max", "2",
            "batch_size", "256", "horizon", "3", "mpc", "true", "iterations", "6", "num_samples", "512",
            "num_elites", "64", "num_pi_trajs", "24", "min_std", "0.05", "max_std", "2", "temperature", "0.5",
            "discount_denom", "5", "discount_min", "0.95", "discount_max", "0.995", "seed_steps", "-1",
            "update_every", "1", "buffer_size", "1000000", "device", "auto",
            "cuda_graphs", "true", "tf32", "true");

    /** What the {@code cpu} preset changes; agent/README.md gives the measurements behind it. */
    static final Map<String, String> CPU = ordered(
            "model_size", "1", "batch_size", "32", "lr", "1e-3", "iterations", "2", "num_samples", "64",
            "num_elites", "8", "num_pi_trajs", "4", "seed_steps", "500", "device", "cpu");

    /** What each preset of {@link ModelChoice#PRESETS} changes from {@link #PAPER}. */
    private static final Map<String, Map<String, String>> PRESETS = Map.of("paper", Map.of(), "cpu", CPU);

    private static final String[] ARCHITECTURE = {"num_enc_layers", "enc_dim", "mlp_dim", "latent_dim", "num_q"};

    public TdmpcConfig {
        values = Map.copyOf(values);
    }

    public static TdmpcConfig defaults() {
        return from(Map.of());
    }

    /**
     * Resolves {@code params}: an unknown key fails with an {@link UnknownParameterException}, a bad value with a
     * {@link ConfigException}.
     */
    public static TdmpcConfig from(Map<String, String> params) {
        if (params == null) {
            throw new ConfigException("the TD-MPC2 parameters are null: pass Map.of() for the paper's settings, or "
                    + "Map.of(\"preset\", \"cpu\") for the CPU preset");
        }
        for (Map.Entry<String, String> p : params.entrySet()) {
            if (p.getKey() == null || p.getValue() == null) {
                throw new ConfigException("the TD-MPC2 parameters hold " + (p.getKey() == null ? "a null key"
                        : "no value for '" + p.getKey() + "' (null)") + ": give each a name and a value, or leave it "
                        + "out");
            }
        }
        String preset = params.getOrDefault("preset", "paper");
        if (ModelChoice.presetProblem(preset) != null) {
            throw new ConfigException(ModelChoice.presetProblem(preset));
        }
        Map<String, String> v = new LinkedHashMap<>(PAPER);
        v.putAll(PRESETS.get(preset));
        for (String key : params.keySet()) {
            if (!key.equals("preset") && !PAPER.containsKey(key) && !java.util.List.of(ARCHITECTURE).contains(key)) {
                java.util.List<String> known = new java.util.ArrayList<>(new TreeMap<>(PAPER).keySet());
                known.add(0, "preset");
                known.addAll(java.util.List.of(ARCHITECTURE));
                java.util.List<String> near = io.github.tdmpc2j.spi.EnvRegistry.closest(key, known, 3);
                throw new UnknownParameterException(key, "unknown TD-MPC2 parameter '" + key + "'"
                        + (near.isEmpty() ? "" : " (did you mean " + String.join(", ", near) + "?)") + "; known: "
                        + String.join(", ", known));
            }
        }
        if (params.containsKey("model_size")) {
            v.put("model_size", params.get("model_size"));
        }
        ModelSize size = ModelSize.of(parseInt(v, "model_size"));
        v.put("num_enc_layers", Integer.toString(size.numEncLayers));
        v.put("enc_dim", Integer.toString(size.encDim));
        v.put("mlp_dim", Integer.toString(size.mlpDim));
        v.put("latent_dim", Integer.toString(size.latentDim));
        v.put("num_q", Integer.toString(size.numQ));
        params.forEach((k, val) -> {
            if (!k.equals("preset")) {
                v.put(k, val);
            }
        });
        v.put("preset", preset);
        TdmpcConfig c = new TdmpcConfig(preset, size.millions, parseInt(v, "num_enc_layers"), parseInt(v, "enc_dim"),
                parseInt(v, "mlp_dim"), parseInt(v, "latent_dim"), parseInt(v, "task_dim"), parseInt(v, "num_q"),
                parseFloat(v, "dropout"), parseInt(v, "simnorm_dim"), parseInt(v, "num_bins"), parseFloat(v, "vmin"),
                parseFloat(v, "vmax"), parseFloat(v, "lr"), parseFloat(v, "enc_lr_scale"),
                parseFloat(v, "grad_clip_norm"), parseFloat(v, "tau"), parseFloat(v, "rho"),
                parseFloat(v, "consistency_coef"), parseFloat(v, "reward_coef"), parseFloat(v, "value_coef"),
                parseFloat(v, "termination_coef"), parseFloat(v, "entropy_coef"), parseFloat(v, "log_std_min"),
                parseFloat(v, "log_std_max"), parseInt(v, "batch_size"), parseInt(v, "horizon"), parseBool(v, "mpc"),
                parseInt(v, "iterations"), parseInt(v, "num_samples"), parseInt(v, "num_elites"),
                parseInt(v, "num_pi_trajs"), parseFloat(v, "min_std"), parseFloat(v, "max_std"),
                parseFloat(v, "temperature"), parseFloat(v, "discount_denom"), parseFloat(v, "discount_min"),
                parseFloat(v, "discount_max"), parseInt(v, "seed_steps"), parseInt(v, "update_every"),
                parseInt(v, "buffer_size"), v.get("device"), v);
        c.validate();
        return c;
    }

    /** Every numeric setting in its range; a message names the setting, its value and the range. */
    private void validate() {
        positive("lr", lr);
        atLeast("enc_lr_scale", encLrScale, 0);
        positive("grad_clip_norm", gradClipNorm);
        unitInterval("tau", tau);
        unitInterval("rho", rho);
        atLeast("consistency_coef", consistencyCoef, 0);
        atLeast("reward_coef", rewardCoef, 0);
        atLeast("value_coef", valueCoef, 0);
        atLeast("termination_coef", terminationCoef, 0);
        atLeast("entropy_coef", entropyCoef, 0);
        require(logStdMin < logStdMax, "log_std_min (" + logStdMin + ") must be below log_std_max (" + logStdMax + ")");
        require(dropout >= 0 && dropout < 1, "dropout=" + dropout + " must be in [0, 1)");
        require(numEncLayers >= 1 && encDim > 0 && mlpDim > 0 && latentDim > 0, "layer sizes must be positive");
        atLeast("task_dim", taskDim, 0);
        positive("simnorm_dim", simnormDim);
        require(latentDim % simnormDim == 0, "latent_dim (" + latentDim + ") must be a multiple of simnorm_dim ("
                + simnormDim + ")");
        require(numQ >= 2, "num_q must be at least 2 (targets take the min of two random Q heads)");
        atLeast("num_bins", numBins, 2);
        require(vmax > vmin, "vmax (" + vmax + ") must be above vmin (" + vmin + ")");
        positive("batch_size", batchSize);
        positive("horizon", horizon);
        positive("iterations", iterations);
        positive("num_samples", numSamples);
        atLeast("num_pi_trajs", numPiTrajs, 0);
        require(numPiTrajs < numSamples, "num_pi_trajs (" + numPiTrajs + ") must be below num_samples ("
                + numSamples + ")");
        require(numElites > 0 && numElites <= numSamples, "num_elites=" + numElites
                + " must be in [1, num_samples (" + numSamples + ")]");
        positive("min_std", minStd);
        require(maxStd >= minStd, "max_std (" + maxStd + ") must be at least min_std (" + minStd + ")");
        positive("temperature", temperature);
        positive("discount_denom", discountDenom);
        unitInterval("discount_min", discountMin);
        unitInterval("discount_max", discountMax);
        require(discountMin <= discountMax, "discount_min (" + discountMin + ") must be at most discount_max ("
                + discountMax + ")");
        atLeast("seed_steps", seedSteps, -1);
        positive("update_every", updateEvery);
        require(bufferSize > horizon, "buffer_size=" + bufferSize + " must be above horizon (" + horizon + ")");
        for (String flag : new String[] {"cuda_graphs", "tf32"}) {
            String b = values.get(flag);
            require("true".equals(b) || "false".equals(b), flag + " must be true or false, not '" + b + "'");
        }
        require(DeviceSetting.valid(device), DeviceSetting.problem(device));
    }

    /** The most elements one Java array holds (the JDK's margin below {@link Integer#MAX_VALUE}). */
    static final long MAX_ARRAY = Integer.MAX_VALUE - 8;

    /**
     * Refuses, before anything is allocated, settings that an agent of these sizes cannot make: a weight matrix
     * (the Q heads' stacked) or a sampled batch beyond one Java array ({@link #MAX_ARRAY} floats; the replay
     * buffer's columns are segmented, its limit is the heap: {@link ReplayBuffer#checkHeap}), or more than {@code memoryBytes} (the machine's memory) at the least: for the
     * model's parameters with their gradients and the optimiser's two moments, for one row's planning (the
     * samples' latents and hidden activations over the horizon), or for one update's activations. Each message
     * names the setting to lower; the counts are lower bounds, so what passes may still not fit, never the reverse.
     */
    public void checkSizes(int obsDim, int actionDim, int numTasks, long memoryBytes) {
        double t = numTasks > 1 ? taskDim : 0;
        double z = latentDim;
        double in = z + t + actionDim;
        double mlp = mlpDim;
        fitsArray("task_dim", (double) numTasks * taskDim, "the task embeddings");
        fitsArray("enc_dim", (obsDim + t) * encDim, "the encoder's first weight matrix");
        fitsArray("enc_dim", (double) encDim * encDim, "an encoder weight matrix");
        fitsArray("latent_dim", encDim * z, "the encoder's last weight matrix");
        fitsArray("latent_dim", in * mlp, "a first weight matrix of the dynamics, reward and Q heads");
        fitsArray("mlp_dim", mlp * mlp, "a hidden weight matrix");
        fitsArray("latent_dim", mlp * z, "the dynamics' last weight matrix");
        fitsArray("num_bins", mlp * numBins, "a last weight matrix of the reward and Q heads");
        fitsArray("num_q", numQ * mlp * Math.max(Math.max(in, mlp), numBins), "the Q heads' stacked weight matrices");
        fitsArray("batch_size", (horizon + 1.0) * batchSize * obsDim, "a sampled batch's observations (batch_size x "
                + "(horizon + 1) x the observation's size)");
        // counted from the shapes where the encoder's layers are few enough to list (WorldModel lists them)
        double parameters = numEncLayers <= 1000 ? WorldModel.parameterCount(this, obsDim, actionDim, numTasks, true)
                : numEncLayers * ((double) encDim * encDim + 3.0 * encDim);
        fitsMemory("model_size (or num_enc_layers, enc_dim, mlp_dim, latent_dim, num_q, num_bins)",
                4.0 * 4 * parameters, String.format(java.util.Locale.ROOT, "the model's %.3g parameters with their "
                        + "gradients and the optimiser's two moments", parameters), memoryBytes);
        fitsMemory("num_samples (or horizon)", 4.0 * numSamples * (horizon + 1.0) * (z + (double) mlpDim),
                "planning one row: num_samples x (horizon + 1) x (latent_dim + mlp_dim) floats", memoryBytes);
        fitsMemory("batch_size (or horizon)", 4.0 * batchSize * (horizon + 1.0) * ((double) mlpDim * (numQ + 3) + z),
                "one update: batch_size x (horizon + 1) x (mlp_dim x (num_q + 3) + latent_dim) floats", memoryBytes);
    }

    private void fitsArray(String key, double elements, String what) {
        require(elements <= MAX_ARRAY, String.format(java.util.Locale.ROOT, "%s=%s makes %s %.3g floats, more than "
                + "one array holds (%d); lower %s", key, values.get(key), what, elements, MAX_ARRAY, key));
    }

    private static void fitsMemory(String key, double bytes, String what, long memoryBytes) {
        require(bytes <= memoryBytes, String.format(java.util.Locale.ROOT, "%s needs at least %s, more than this "
                + "machine's %s of memory; lower %s", what, bytes(bytes), bytes(memoryBytes), key));
    }

    /** A size in bytes for a message: 1.5 GiB. */
    static String bytes(double n) {
        String[] units = {"bytes", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB"};
        int u = 0;
        while (n >= 1024 && u < units.length - 1) {
            n /= 1024;
            u++;
        }
        return String.format(java.util.Locale.ROOT, u == 0 ? "%.0f %s" : "%.1f %s", n, units[u]);
    }

    /** On a GPU, capture planning in a CUDA graph and replay it (needs the native extension; see agent/README.md). */
    public boolean cudaGraphs() {
        return Boolean.parseBoolean(values.get("cuda_graphs"));
    }

    /** On a GPU, float32 matrix products on TF32 tensor cores, as the reference sets. */
    public boolean tf32() {
        return Boolean.parseBoolean(values.get("tf32"));
    }

    private static void positive(String key, double value) {
        require(value > 0, key + "=" + format(value) + " must be positive");
    }

    private static void atLeast(String key, double value, double min) {
        require(value >= min, key + "=" + format(value) + " must be at least " + format(min));
    }

    private static void unitInterval(String key, double value) {
        require(value > 0 && value <= 1, key + "=" + format(value) + " must be in (0, 1]");
    }

    private static String format(double value) {
        return value == Math.rint(value) && Math.abs(value) < 1e9 ? Long.toString((long) value) : Float.toString((float) value);
    }

    /** The reference's heuristic: longer episodes get a discount closer to 1. */
    public float discount(int episodeLength) {
        float frac = episodeLength / discountDenom;
        return Math.min(Math.max((frac - 1) / frac, discountMin), discountMax);
    }

    /** Random steps before learning for tasks of this episode length. */
    public int seedSteps(int episodeLength) {
        return seedSteps >= 0 ? seedSteps : Math.max(1000, 5 * episodeLength);
    }

    /** Planner iterations: the reference adds two for large action spaces. */
    public int planIterations(int actionDim) {
        return iterations + (actionDim >= 20 ? 2 : 0);
    }

    private static void require(boolean ok, String message) {
        if (!ok) {
            throw new ConfigException("bad TD-MPC2 configuration: " + message);
        }
    }

    private static int parseInt(Map<String, String> v, String key) {
        String s = v.get(key).trim();
        try {
            return Integer.parseInt(s);
        } catch (NumberFormatException e) {
            boolean whole = s.matches("[+-]?\\d+");
            throw new ConfigException(key + "=" + v.get(key) + (whole ? " is beyond the range of whole numbers "
                    + "this setting holds (" + Integer.MIN_VALUE + " to " + Integer.MAX_VALUE + ")"
                    : " is not a whole number"));
        }
    }

    private static float parseFloat(Map<String, String> v, String key) {
        try {
            float f = Float.parseFloat(v.get(key).trim());
            if (!Float.isFinite(f)) {
                throw new NumberFormatException();
            }
            return f;
        } catch (NumberFormatException e) {
            throw new ConfigException(key + "=" + v.get(key) + " is not a finite number");
        }
    }

    private static boolean parseBool(Map<String, String> v, String key) {
        String s = v.get(key).trim().toLowerCase(java.util.Locale.ROOT);
        if (!s.equals("true") && !s.equals("false")) {
            throw new ConfigException(key + "=" + v.get(key) + " must be true or false");
        }
        return Boolean.parseBoolean(s);
    }

    private static Map<String, String> ordered(String... kv) {
        Map<String, String> m = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            m.put(kv[i], kv[i + 1]);
        }
        return m;
    }
}
