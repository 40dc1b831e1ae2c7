package io.github.tdmpc2j.agent.gpu;

import ai.djl.util.Utils;
import io.github.tdmpc2j.agent.ConfigException;
import io.github.tdmpc2j.spi.io.AtomicWrites;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.TimeUnit;

/**
 * The GPU runtime: which PyTorch install DJL runs on, and tdmpc2j's native extension built against it.
 *
 * <p>{@code tdmpc2j setup gpu} calls {@link #install}: it builds the extension (g++, the JDK's JNI headers, the
 * torch headers and pip's CUDA headers), links the CUDA runtime where DJL's GPU count looks for it, and writes
 * {@code torch.properties} last. Every command then calls {@link #configureDjl()} before DJL loads: DJL is pointed
 * at that torch (its {@code PYTORCH_*} settings) unless the user set {@code PYTORCH_LIBRARY_PATH} themselves.
 * {@code TDMPC2J_TORCH} (or {@code -Dtdmpc2j.torch}) overrides the choice: a {@code torch} folder, or
 * {@code bundled} for DJL's own CPU natives from the class path (the tests use this).
 */
public final class GpuSetup {
    static final String CONFIG = "torch.properties";
    static final String SOURCE = "tdmpc2j_torch.cc";

    private GpuSetup() {
    }

    /**
     * The first 16 hex digits of the SHA-256 of the native extension's source in this version of tdmpc2j: the
     * build records it, and {@link TorchNative} loads only a library built from this source.
     */
    public static String sourceHash() {
        try (InputStream in = GpuSetup.class.getResourceAsStream(SOURCE)) {
            if (in == null) {
                throw new IllegalStateException("the native extension's source " + SOURCE + " is not in the jar");
            }
            byte[] digest = java.security.MessageDigest.getInstance("SHA-256").digest(in.readAllBytes());
            return java.util.HexFormat.of().formatHex(digest, 0, 8);
        } catch (IOException | java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException("cannot read the native extension's source " + SOURCE, e);
        }
    }

    /** {@code $TDMPC2J_GPU_HOME} (or {@code -Dtdmpc2j.gpu.home}), default {@code ~/.cache/tdmpc2j/gpu}. */
    public static Path home() {
        String explicit = System.getProperty("tdmpc2j.gpu.home", System.getenv("TDMPC2J_GPU_HOME"));
        return explicit != null && !explicit.isBlank() ? Path.of(explicit)
                : Path.of(System.getProperty("user.home"), ".cache", "tdmpc2j", "gpu");
    }

    /** The native extension built for a torch version. */
    public static Path nativeLibrary(String torchVersion) {
        return home().resolve("libtdmpc2j_torch-" + torchVersion.replaceFirst("\\+.*", "") + ".so");
    }

    /** The torch install chosen for this process, if any (else DJL's bundled CPU natives). */
    public static Optional<TorchInstall> selected() {
        String choice = System.getProperty("tdmpc2j.torch", System.getenv("TDMPC2J_TORCH"));
        if (choice != null && !choice.isBlank()) {
            if (choice.equals("bundled")) {
                return Optional.empty();
            }
            try {
                return Optional.of(TorchInstall.inspect(Path.of(choice)));
            } catch (ConfigException e) { // say where that folder was named, and the other choices
                throw new ConfigException("TDMPC2J_TORCH=" + choice + " names the torch DJL runs on: " + e.getMessage()
                        + "; or unset it (the torch of `tdmpc2j setup gpu`, else DJL's CPU natives), or give "
                        + "TDMPC2J_TORCH=bundled (DJL's CPU natives)", e);
            }
        }
        Path config = home().resolve(CONFIG);
        if (!Files.isRegularFile(config)) {
            return Optional.empty();
        }
        Properties p = new Properties();
        try (InputStream in = Files.newInputStream(config)) {
            p.load(in);
        } catch (IOException e) {
            throw new ConfigException("cannot read " + config + " (" + e.getMessage() + "); run `tdmpc2j setup gpu` "
                    + "again or delete it");
        }
        String dir = p.getProperty("torch_dir");
        if (dir == null || !Files.isDirectory(Path.of(dir))) {
            throw new ConfigException(config + " names the torch install " + dir + ", which is gone; run `tdmpc2j "
                    + "setup gpu` again, or delete " + config + " to use DJL's bundled CPU natives");
        }
        return Optional.of(TorchInstall.inspect(Path.of(dir)));
    }

    /**
     * Points DJL at the selected torch (before its engine loads). No effect when the user configured DJL
     * ({@code PYTORCH_LIBRARY_PATH}) or nothing is selected. Fails when DJL would find no JNI for that torch.
     */
    public static void configureDjl() {
        if (Utils.getEnvOrSystemProperty("PYTORCH_LIBRARY_PATH") != null) {
            return;
        }
        Optional<TorchInstall> selected = selected();
        if (selected.isEmpty()) {
            return;
        }
        TorchInstall torch = selected.get();
        torch.missingJni(Utils.getEngineCacheDir()).ifPresent(why -> {
            throw new ConfigException(why);
        });
        djlSettings(torch, driverPresent(), System.getProperty("jna.library.path")).forEach(System::setProperty);
    }

    /**
     * The system properties that point DJL at {@code torch}, on a machine with an NVIDIA driver ({@code driver}) or
     * without; {@code jnaPath} is the {@code jna.library.path} set so far (null if none).
     */
    static Map<String, String> djlSettings(TorchInstall torch, boolean driver, String jnaPath) {
        Map<String, String> settings = new LinkedHashMap<>();
        settings.put("PYTORCH_LIBRARY_PATH", torch.dir().resolve("lib").toString());
        settings.put("PYTORCH_VERSION", torch.baseVersion());
        // without an NVIDIA driver (libcuda.so.1) DJL's CUDA flavor fails (it loads torch's NVRTC library, which
        // needs the driver): the CPU flavor runs the same torch on the CPU, and there is no GPU to miss
        boolean gpu = torch.cuda().isPresent() && driver;
        settings.put("PYTORCH_FLAVOR", gpu ? torch.flavor() : "cpu");
        // DJL counts GPUs through JNA's cudart; without a driver that count can only fail, and DJL warns so ("CUDA
        // driver version is insufficient") on every command: there cudart is left unfound, and DJL counts 0 quietly
        Path links = home().resolve("lib");
        if (gpu && Files.isRegularFile(links.resolve("libcudart.so"))) {
            settings.put("jna.library.path", jnaPath == null ? links.toString() : jnaPath + ":" + links);
        }
        return settings;
    }

    /** Whether this machine has an NVIDIA driver: its {@code libcuda.so.1} loads. */
    public static boolean driverPresent() {
        try {
            com.sun.jna.NativeLibrary.getInstance("libcuda.so.1");
            return true;
        } catch (UnsatisfiedLinkError e) {
            return false;
        }
    }

    /**
     * Makes {@code torch} the GPU runtime: the native extension (when it is a CUDA build and g++ works), the CUDA
     * runtime link, then {@code torch.properties}. Prints what it does; fails only when DJL could not run on it.
     */
    public static void install(TorchInstall torch, PrintWriter out) {
        torch.missingJni(Utils.getEngineCacheDir()).ifPresent(why -> {
            throw new ConfigException(why);
        });
        out.printf("torch %s (%s) at %s; DJL's JNI: %s%n", torch.version(),
                torch.cuda().map(c -> "CUDA " + c).orElse("CPU only"), torch.dir(),
                torch.baseVersion().equals(TorchInstall.JAR_JNI_VERSION) ? "pytorch-jni jar, " + torch.flavor()
                        : "found for " + torch.baseVersion());
        try {
            Files.createDirectories(home().resolve("lib"));
            Optional<Path> cudart = torch.cudaRuntime();
            Path link = home().resolve("lib").resolve("libcudart.so");
            Files.deleteIfExists(link);
            if (cudart.isPresent()) {
                Files.createSymbolicLink(link, cudart.get());
                out.println("CUDA runtime for DJL's GPU count: " + link + " -> " + cudart.get());
            }
            if (torch.cuda().isPresent()) {
                out.println(buildNative(torch));
            } else {
                out.println("a CPU-only torch: no native extension (CUDA graphs need a CUDA build)");
            }
            Path config = home().resolve(CONFIG);
            // whole or not at all, and on the disk (a power loss leaves the old config, never an empty one)
            AtomicWrites.writeString(config, "# written by `tdmpc2j setup gpu`: the PyTorch install DJL runs on\n"
                    + "torch_dir=" + torch.dir() + "\n");
            out.println("DJL now runs on this torch: " + config + " (TDMPC2J_TORCH=bundled uses DJL's CPU natives)");
        } catch (IOException e) {
            throw new ConfigException("cannot write the GPU runtime under " + home() + ": " + e.getMessage());
        }
    }

    /**
     * Builds the native extension for a torch that is not this machine's runtime, for example for a GPU machine
     * that has no compiler: {@code GpuSetup TORCH_DIR OUT.so [CUDA_INCLUDE_DIR...]} (CUDA headers found under the
     * torch's nvidia packages when not given). Exit 1 when it was not built.
     */
    public static void main(String[] args) throws IOException {
        if (args.length < 2) {
            System.err.println("usage: GpuSetup TORCH_DIR OUT.so [CUDA_INCLUDE_DIR...]");
            System.exit(2);
        }
        TorchInstall torch = TorchInstall.inspect(Path.of(args[0]));
        List<Path> includes = args.length > 2
                ? java.util.Arrays.stream(args, 2, args.length).map(Path::of).toList() : torch.cudaIncludes();
        String result = buildNative(torch, includes, Path.of(args[1]));
        System.out.println(result);
        System.exit(result.contains("NOT built") ? 1 : 0);
    }

    static String buildNative(TorchInstall torch) throws IOException {
        return buildNative(torch, torch.cudaIncludes(), nativeLibrary(torch.version()));
    }

    /**
     * Puts the library built at {@code built} (in a temporary folder, maybe on another file system) at {@code out}
     * with {@link AtomicWrites}: whole or not at all, and on the disk (a power loss or a kill leaves the old library
     * or the new one, never a torn one under its name), as a new file (a process that loaded the old one keeps it).
     */
    static void place(Path built, Path out) throws IOException {
        Files.createDirectories(out.toAbsolutePath().getParent());
        AtomicWrites.replace(out, file -> {
            try (OutputStream to = Files.newOutputStream(file)) {
                Files.copy(built, to);
            }
        });
    }

    /** The file beside a built library that says what it was built from ({@link #buildRecord}). */
    static Path buildRecordOf(Path library) {
        return library.resolveSibling(library.getFileName() + ".built");
    }

    /**
     * What a build of the native extension is made from: this tdmpc2j's source, the torch (its folder and version)
     * and the headers it is compiled with. A library whose record says the same is not built again.
     */
    static String buildRecord(TorchInstall torch, List<Path> cuda, Path jni) {
        return "# written by `tdmpc2j setup gpu`: what the library beside it was built from\n"
                + "source=" + sourceHash() + "\ntorch_dir=" + torch.dir().toAbsolutePath().normalize() + "\ntorch="
                + torch.version() + "\ncuda_includes=" + cuda.stream().map(Path::toString)
                        .collect(java.util.stream.Collectors.joining(java.io.File.pathSeparator))
                + "\njni=" + jni + "\n";
    }

    /** The JDK's JNI headers: this runtime's, else {@code JAVA_HOME}'s (a JRE has none). */
    private static Path jniHeaders() {
        Path jni = Path.of(System.getProperty("java.home")).resolve("include");
        if (!Files.isRegularFile(jni.resolve("jni.h")) && System.getenv("JAVA_HOME") != null) {
            jni = Path.of(System.getenv("JAVA_HOME")).resolve("include");
        }
        return jni;
    }

    /**
     * Compiles the native extension against {@code torch}, unless {@code out} was built from the same source against
     * the same torch and headers (its {@link #buildRecordOf record} says so; a second `setup gpu` compiled it again,
     * 10 s); returns what happened (a failure is reported, not thrown).
     */
    static String buildNative(TorchInstall torch, List<Path> cuda, Path out) throws IOException {
        List<String> problems = new ArrayList<>();
        Path jni = jniHeaders();
        if (!Files.isRegularFile(jni.resolve("jni.h"))) {
            problems.add("no jni.h under " + jni + " (run with a JDK, or set JAVA_HOME to one)");
        }
        if (cuda.isEmpty()) {
            problems.add("no CUDA headers (cuda_runtime_api.h, crt/host_config.h) under " + torch.dir().getParent()
                    .resolve("nvidia") + " (pip install the nvidia-cuda-runtime and nvidia-cuda-nvcc packages of "
                    + "this torch's CUDA version)");
        }
        if (!problems.isEmpty()) {
            return "native extension NOT built: " + String.join("; ", problems) + ". The agent runs eagerly on the "
                    + "GPU (no CUDA graphs): several times slower.";
        }
        String record = buildRecord(torch, cuda, jni);
        Path recorded = buildRecordOf(out);
        if (Files.isRegularFile(out) && Files.isRegularFile(recorded) && Files.readString(recorded).equals(record)) {
            return "native extension (CUDA graphs, fused Adam, fused planning kernels, TF32): " + out + " (built "
                    + "before from this source against this torch; kept)";
        }
        Path work = Files.createTempDirectory("tdmpc2j-native");
        try {
            Path source = work.resolve(SOURCE);
            try (InputStream in = GpuSetup.class.getResourceAsStream(SOURCE)) {
                Files.copy(in, source);
            }
            Path tmp = work.resolve("out.so");
            List<String> cmd = new ArrayList<>(List.of("g++", "-std=c++17", "-O2", "-fPIC", "-shared",
                    "-D_GLIBCXX_USE_CXX11_ABI=1", "-DTDMPC2J_SOURCE_HASH=\"" + sourceHash() + "\"", "-w",
                    "-I" + jni, "-I" + jni.resolve("linux"),
                    "-I" + torch.dir().resolve("include"),
                    "-I" + torch.dir().resolve("include").resolve("torch/csrc/api/include")));
            cuda.forEach(dir -> cmd.add("-I" + dir));
            cmd.addAll(List.of(source.toString(), "-o", tmp.toString(), "-L" + torch.dir().resolve("lib"),
                    "-Wl,--no-as-needed", "-ltorch_cuda", "-lc10_cuda", "-ltorch_cpu", "-lc10",
                    "-Wl,--allow-shlib-undefined"));
            Path log = work.resolve("g++.log");
            Process p;
            try {
                p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
            } catch (IOException e) {
                return "native extension NOT built: g++ did not start (" + e.getMessage() + "; on Debian: apt-get "
                        + "install g++). The agent runs eagerly on the GPU (no CUDA graphs): several times slower.";
            }
            if (!p.waitFor(10, TimeUnit.MINUTES) || p.exitValue() != 0) {
                p.destroyForcibly();
                String tail = String.join("\n", Files.readAllLines(log).stream().limit(30).toList());
                return "native extension NOT built: g++ failed:\n" + tail + "\nThe agent runs eagerly on the GPU.";
            }
            Files.deleteIfExists(recorded); // no record of an older build survives beside the new library
            place(tmp, out);
            AtomicWrites.writeString(recorded, record);
            return "native extension (CUDA graphs, fused Adam, fused planning kernels, TF32): " + out;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "native extension NOT built: interrupted";
        } finally {
            try (var files = Files.walk(work)) {
                files.sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
            }
        }
    }
}
