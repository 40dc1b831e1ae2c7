package io.github.tdmpc2j.bench;

import ai.djl.pytorch.jni.JniUtils;
import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.github.tdmpc2j.agent.TdmpcAgent;
import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * What one act and one update issue, counted with PyTorch's profiler (through DJL) on the CPU: operator calls,
 * the compute ops among them (ops that are not views or metadata and do not hand their work to a child op: on a
 * GPU each launches about one kernel, which is what a CUDA graph replays; a proxy, as CUDA fuses a few, such as
 * addmm's bias copy), and the ops that read a value back to the host (on a GPU each is a synchronisation). Counts depend on the code and the configuration, not on the machine, so they
 * can be taken here for the GPU's configuration and compared before and after a change.
 *
 * <p>Usage: {@code OpCount [preset=paper] [sizes=1,5] [rows=1] [top=12] [key=value ...]}; the other keys are agent
 * settings. Runs on the CPU (the GPU path replays the same ops, minus what the native extension fuses: Mish).
 */
public final class OpCount {
    /** Ops that make views or read metadata: no kernel of their own. */
    private static final Set<String> NO_KERNEL = Set.of("aten::view", "aten::reshape", "aten::_unsafe_view",
            "aten::as_strided", "aten::slice", "aten::narrow", "aten::select", "aten::t", "aten::transpose",
            "aten::permute", "aten::expand", "aten::unsqueeze", "aten::squeeze", "aten::detach", "aten::alias",
            "aten::empty", "aten::empty_strided", "aten::resolve_conj", "aten::resolve_neg", "aten::split",
            "aten::chunk", "aten::unbind", "aten::lift_fresh", "aten::_reshape_alias", "aten::result_type",
            "aten::expand_as", "aten::view_as", "aten::contiguous", "aten::to", "aten::split_with_sizes",
            "aten::flatten", "aten::unfold", "aten::detach_", "aten::set_", "aten::_has_compatible_shallow_copy_type",
            "detach");
    /** Ops that run a kernel of their own after a child op that also does (addmm copies the bias in first). */
    private static final Set<String> OWN_WORK_AFTER_CHILD = Set.of("aten::addmm", "aten::addmm_", "aten::baddbmm",
            "aten::sum", "aten::mean");
    /** Ops that read a value back to the host. */
    private static final Set<String> HOST_READS = Set.of("aten::item", "aten::_local_scalar_dense",
            "aten::nonzero", "aten::masked_select", "aten::unique", "aten::_unique2", "aten::is_nonzero");

    private OpCount() {
    }

    /** Counts of one profiled call. */
    record Counts(int ops, int kernels, int hostReads, Map<String, Integer> byName) {
    }

    public static void main(String[] args) throws IOException {
        Map<String, String> opts = Args.parse(Map.of("preset", "paper", "sizes", "1,5", "rows", "1", "top", "12"),
                args);
        int rows = Integer.parseInt(opts.get("rows"));
        int top = Integer.parseInt(opts.get("top"));
        System.out.printf("| size | preset | rows | call | operator calls | compute ops (kernels on a GPU) "
                + "| host reads |%n|---|---|---|---|---|---|---|%n");
        List<String> details = new ArrayList<>();
        for (String size : opts.get("sizes").split(",")) {
            Map<String, String> params = new HashMap<>(Map.of("preset", opts.get("preset"), "model_size", size,
                    "seed_steps", "1000000000", "device", "cpu"));
            opts.forEach((k, v) -> {
                if (!List.of("preset", "sizes", "rows", "top").contains(k)) {
                    params.put(k, v);
                }
            });
            try (TdmpcAgent agent = AgentBench.filledAgent(params)) {
                float[][] obs = new float[rows][24];
                int[] tasks = new int[rows];
                // warm: the first calls make cached constants, which later calls do not repeat
                for (int i = 0; i < 2; i++) {
                    agent.update();
                    agent.act(obs, tasks, true);
                }
                Counts act = profile(() -> agent.act(obs, tasks, true));
                Counts update = profile(agent::update);
                for (Object[] row : new Object[][] {{"act", act}, {"update", update}}) {
                    Counts c = (Counts) row[1];
                    System.out.printf("| %sM | %s | %d | %s | %d | %d | %d |%n", size, opts.get("preset"), rows, row[0],
                            c.ops(), c.kernels(), c.hostReads());
                    StringBuilder d = new StringBuilder(size + "M " + row[0] + ", compute ops by name:");
                    c.byName().entrySet().stream()
                            .sorted(Map.Entry.<String, Integer>comparingByValue(Comparator.reverseOrder()))
                            .limit(top).forEach(e -> d.append(' ').append(e.getKey().replace("aten::", ""))
                                    .append(' ').append(e.getValue()));
                    details.add(d.toString());
                }
            }
        }
        details.forEach(System.out::println);
    }

    /** Profiles one call and counts what it issued. */
    static Counts profile(Runnable call) throws IOException {
        Path trace = Files.createTempFile("tdmpc2j-ops", ".json");
        try {
            JniUtils.startProfile(false, false, false);
            call.run();
            JniUtils.stopProfile(trace.toString());
            return count(trace);
        } finally {
            Files.deleteIfExists(trace);
        }
    }

    /** The complete events ({@code "ph": "X"}, with a duration) of a Chrome trace that PyTorch's profiler wrote. */
    static List<JsonObject> spans(Path trace) throws IOException {
        JsonElement root;
        try (Reader in = Files.newBufferedReader(trace)) {
            root = JsonParser.parseReader(in);
        }
        JsonArray events = root.isJsonArray() ? root.getAsJsonArray() : root.getAsJsonObject()
                .getAsJsonArray("traceEvents");
        List<JsonObject> out = new ArrayList<>();
        for (JsonElement e : events) {
            JsonObject o = e.getAsJsonObject();
            if (o.has("ph") && "X".equals(o.get("ph").getAsString()) && o.has("dur")) {
                out.add(o);
            }
        }
        return out;
    }

    /** Counts from a Chrome trace that PyTorch's profiler wrote: every op event, leaves and host reads apart. */
    static Counts count(Path trace) throws IOException {
        // per thread, ops by start time (longer first on ties), so that an op's children follow it
        Map<String, List<double[]>> byThread = new TreeMap<>();
        List<String> names = new ArrayList<>();
        for (JsonObject o : spans(trace)) {
            names.add(o.get("name").getAsString());
            byThread.computeIfAbsent(String.valueOf(o.get("tid")), t -> new ArrayList<>())
                    .add(new double[] {o.get("ts").getAsDouble(), o.get("dur").getAsDouble(), names.size() - 1});
        }
        int ops = 0;
        int kernels = 0;
        int reads = 0;
        Map<String, Integer> byName = new TreeMap<>();
        for (List<double[]> list : byThread.values()) {
            list.sort(Comparator.<double[]>comparingDouble(x -> x[0]).thenComparingDouble(x -> -x[1]));
            // an op's kernel is its own unless a child op does the work (matmul -> mm, softmax -> _softmax)
            boolean[] computeChild = new boolean[list.size()];
            java.util.ArrayDeque<Integer> open = new java.util.ArrayDeque<>();
            for (int i = 0; i < list.size(); i++) {
                double[] op = list.get(i);
                while (!open.isEmpty() && list.get(open.peek())[0] + list.get(open.peek())[1] <= op[0]) {
                    open.pop();
                }
                if (!open.isEmpty() && !NO_KERNEL.contains(names.get((int) op[2]))) {
                    computeChild[open.peek()] = true;
                }
                open.push(i);
            }
            for (int i = 0; i < list.size(); i++) {
                String name = names.get((int) list.get(i)[2]);
                ops++;
                if (HOST_READS.contains(name)) {
                    reads++;
                }
                if (!NO_KERNEL.contains(name) && (!computeChild[i] || OWN_WORK_AFTER_CHILD.contains(name))) {
                    kernels++;
                    byName.merge(name, 1, Integer::sum);
                }
            }
        }
        return new Counts(ops, kernels, reads, byName);
    }
}
