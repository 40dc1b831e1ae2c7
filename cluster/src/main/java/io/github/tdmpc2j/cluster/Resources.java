package io.github.tdmpc2j.cluster;

import static io.github.tdmpc2j.spi.Messages.plural;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.spark.SparkConf;
import org.apache.spark.SparkContext;
import org.apache.spark.deploy.DeployMessages;
import org.apache.spark.deploy.master.MasterMessages;
import org.apache.spark.deploy.master.WorkerInfo;
import org.apache.spark.rpc.RpcAddress;
import org.apache.spark.rpc.RpcEndpointRef;
import org.apache.spark.rpc.RpcTimeout;
import scala.concurrent.Await;
import scala.concurrent.duration.FiniteDuration;
import scala.reflect.ClassTag$;

/**
 * What an executor of a job asks a worker for, what the workers offer, and the job's refusal when none offers
 * that much: Spark's standalone master then launches no executor, and Spark waits for ever ("Initial job has not
 * accepted any resources", every 15 s). The offers are known for {@code local-cluster[N,C,MB]} (its URL) and for a
 * {@code spark://} master (its web UI's JSON, else Spark's RPC); {@code local[K]} has no workers.
 */
final class Resources {
    private static final Pattern LOCAL_CLUSTER = Pattern.compile("local-cluster\\[(\\d+),(\\d+),(\\d+)\\]");
    private static final long ASK_MASTER_SECONDS = 10;

    private Resources() {
    }

    /** An executor's ask: memory in MB, cores (at least one task's {@code spark.task.cpus}), whole GPUs. */
    record Ask(long memoryMb, int cores, int gpus, String how) {
        static Ask of(SparkConf conf) {
            long memory = conf.getSizeAsMb("spark.executor.memory", "1g");
            int taskCpus = conf.getInt("spark.task.cpus", 1);
            int executorCores = conf.contains("spark.executor.cores") ? conf.getInt("spark.executor.cores", 1) : 1;
            int cores = Math.max(executorCores, taskCpus);
            int gpus = (int) Math.ceil(conf.getDouble("spark.executor.resource.gpu.amount", 0));
            String how = memory + " MB (spark.executor.memory" + (conf.contains("spark.executor.memory")
                    ? "=" + conf.get("spark.executor.memory") : ", 1g unless set") + ") and " + plural(cores, "core")
                    + (cores == 1 ? "" : executorCores >= taskCpus ? " (spark.executor.cores=" + executorCores + ")"
                            : " (spark.task.cpus=" + taskCpus + ": one unit's cores)")
                    + (gpus == 0 ? "" : " and " + plural(gpus, "GPU") + " (--gpus-per-task)");
            return new Ask(memory, cores, gpus, how);
        }
    }

    /** A worker's offer: all it has, and what other executors leave free of it (-1: not known). */
    record Offer(String worker, int cores, int coresFree, long memoryMb, long memoryFree, int gpus) {
        boolean fits(Ask a) {
            return cores >= a.cores() && memoryMb >= a.memoryMb() && gpus >= a.gpus();
        }

        @Override
        public String toString() {
            return worker + ": " + plural(cores, "core") + (coresFree < 0 ? "" : " (" + coresFree + " free)") + ", "
                    + memoryMb + " MB" + (memoryFree < 0 ? "" : " (" + memoryFree + " free)")
                    + (gpus == 0 ? "" : ", " + plural(gpus, "GPU"));
        }
    }

    /**
     * The workers of {@code master} (alive ones), or null where they are not known: {@code local[K]}, or a master
     * that does not answer Spark's RPC.
     */
    static List<Offer> offers(SparkContext sc, String master) {
        SparkConf conf = sc.getConf();
        Matcher local = LOCAL_CLUSTER.matcher(master);
        if (local.matches()) {
            int n = Integer.parseInt(local.group(1));
            int cores = Integer.parseInt(local.group(2));
            int memory = Integer.parseInt(local.group(3));
            int gpus = conf.getInt("spark.worker.resource.gpu.amount", 0);
            List<Offer> offers = new ArrayList<>();
            for (int i = 1; i <= n; i++) {
                offers.add(new Offer("worker " + i + " of " + master, cores, cores, memory, memory, gpus));
            }
            return offers;
        }
        if (!master.startsWith("spark://")) {
            return null;
        }
        for (String hostPort : master.substring("spark://".length()).split(",")) {
            try {
                // asked with a limit of its own: Spark's lookup waits 120 s at a port that never answers its protocol
                RpcAddress address = RpcAddress.fromSparkURL("spark://" + hostPort);
                FiniteDuration limit = new FiniteDuration(ASK_MASTER_SECONDS, TimeUnit.SECONDS);
                RpcEndpointRef ref = Await.result(sc.env().rpcEnv().asyncSetupEndpointRefByURI(
                        "spark://Master@" + address.hostPort()), limit);
                DeployMessages.MasterStateResponse state = ref.askSync(
                        DeployMessages.RequestMasterState$.MODULE$,
                        new RpcTimeout(limit, "tdmpc2j"),
                        ClassTag$.MODULE$.apply(DeployMessages.MasterStateResponse.class));
                if (!state.status().toString().equals("ALIVE")) {
                    continue; // a standby master of several: the active one has the workers
                }
                List<Offer> seen = webUiOffers(ref, address.host(), limit);
                if (seen != null) {
                    return seen;
                }
                // the master's state as its RPC answers it: a worker's state and use are transient fields, which
                // arrive as a new worker's (alive, all free), so a lost worker is listed and use is not known
                List<Offer> offers = new ArrayList<>();
                for (WorkerInfo w : state.workers()) {
                    if (w.isAlive()) {
                        int gpus = w.resources().get("gpu").isDefined() ? w.resources().get("gpu").get().addresses()
                                .size() : 0;
                        offers.add(new Offer(w.id() + " at " + w.host(), w.cores(), -1, w.memory(), -1, gpus));
                    }
                }
                return offers;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return null;
            } catch (Exception e) { // not Spark's master, or gone (Spark's own exceptions are checked, undeclared)
                continue; // its offers unknown
            }
        }
        return null;
    }

    /**
     * The alive workers of the master at {@code ref} as its web UI's JSON says them ({@code http://HOST:UIPORT/json/},
     * its port asked over RPC), with what executors use of each; null where it does not answer in time. Its RPC
     * answer ({@code MasterStateResponse}) cannot tell: a worker's state and use are transient fields, which arrive as
     * a new worker's, so a worker lost mid-job was listed as alive with all its cores free.
     */
    private static List<Offer> webUiOffers(RpcEndpointRef ref, String host, FiniteDuration limit) {
        try {
            MasterMessages.BoundPortsResponse ports = ref.askSync(MasterMessages.BoundPortsRequest$.MODULE$,
                    new RpcTimeout(limit, "tdmpc2j"), ClassTag$.MODULE$.apply(MasterMessages.BoundPortsResponse.class));
            java.net.HttpURLConnection http = (java.net.HttpURLConnection) new java.net.URI("http", null,
                    host, ports.webUIPort(), "/json/", null, null).toURL().openConnection();
            int ms = (int) Math.min(limit.toMillis(), 5000);
            http.setConnectTimeout(ms);
            http.setReadTimeout(ms);
            JsonNode state;
            try (var in = http.getInputStream()) {
                state = new ObjectMapper().readTree(in);
            } finally {
                http.disconnect();
            }
            if (!state.path("workers").isArray()) {
                return null;
            }
            List<Offer> offers = new ArrayList<>();
            for (JsonNode w : state.path("workers")) {
                if (w.path("state").asText().equals("ALIVE")) {
                    offers.add(new Offer(w.path("id").asText() + " at " + w.path("host").asText(),
                            w.path("cores").asInt(), w.path("coresfree").asInt(), w.path("memory").asLong(),
                            w.path("memoryfree").asLong(), w.path("resources").path("gpu").path("addresses").size()));
                }
            }
            return offers;
        } catch (Exception e) { // no web UI, or one this process cannot reach: the RPC answer stands in
            return null;
        }
    }

    /**
     * Refuses the job where workers are known and none offers what one executor asks: no executor would ever start.
     * Without workers yet (a master whose workers are still starting) the job goes on, under the {@code
     * spark.tdmpc2j.executorWaitTimeout} limit.
     */
    static void requireAWorkerThatFits(SparkContext sc, String master, String job) {
        List<Offer> offers = offers(sc, master);
        if (offers == null || offers.isEmpty()) {
            return;
        }
        Ask ask = Ask.of(sc.getConf());
        if (offers.stream().anyMatch(o -> o.fits(ask))) {
            return;
        }
        long memory = offers.stream().mapToLong(Offer::memoryMb).max().orElse(0);
        int cores = offers.stream().mapToInt(Offer::cores).max().orElse(0);
        int gpus = offers.stream().mapToInt(Offer::gpus).max().orElse(0);
        List<String> less = new ArrayList<>();
        if (ask.memoryMb() > memory) {
            less.add("--spark-conf spark.executor.memory=" + memory + "m or less");
        }
        if (ask.cores() > cores) {
            less.add("spark.executor.cores and spark.task.cpus of " + cores + " or less");
        }
        if (ask.gpus() > gpus) {
            less.add(gpus == 0 ? "no --gpus-per-task" : "--gpus-per-task of " + gpus + " or less");
        }
        String change = less.isEmpty() ? "no one worker offers all of it: ask for less, or give one worker more"
                : "ask for less (" + String.join(", ", less) + ")";
        String more = master.startsWith("local-cluster")
                ? "or give local-cluster[N,C,MB] workers of more cores (C) and megabytes (MB)"
                : "or start workers that offer more (`tdmpc2j cluster worker " + master
                        + " --cores N --memory MB [--gpus G]` on each node)";
        throw new ClusterException(job + " cannot run on " + master + ": each executor asks a worker for " + ask.how()
                + ", and no worker offers that much, so Spark would start no executor and wait for ever. The "
                + plural(offers.size(), "worker") + ": " + offers.stream().map(Offer::toString).toList() + ". To run, "
                + change + ", " + more + ". Nothing was run.");
    }

    /** Why a job whose units waited {@code waited} with none running was cancelled, and what to do. */
    static String starved(SparkContext sc, String master, String job, java.time.Duration waited) {
        Ask ask = Ask.of(sc.getConf());
        List<Offer> offers;
        try {
            offers = offers(sc, master);
        } catch (RuntimeException e) {
            offers = null;
        }
        String workers = offers == null ? ""
                : offers.isEmpty() ? " The master " + master + " has no worker alive (none registered, or those "
                        + "it had were lost): start one on each node with `tdmpc2j cluster worker " + master + "`."
                        : " The workers, and what other applications leave free of them (the master's web UI "
                                + "lists those): " + offers.stream().map(Offer::toString).toList() + ".";
        return String.format(Locale.ROOT, "%s: no unit could start for %d s: the cluster %s gave this application no "
                + "executor to run one (Spark's \"Initial job has not accepted any resources\"). Each executor asks a "
                + "worker for %s.%s Start or free workers, or ask for less with --spark-conf; to wait longer for "
                + "executors, --spark-conf %s=10min. Finished units are kept: run the same command again.", job,
                waited.toSeconds(), master, ask.how(), workers, ClusterSettings.EXECUTOR_WAIT);
    }
}
