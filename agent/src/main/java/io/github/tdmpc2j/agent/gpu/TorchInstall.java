package io.github.tdmpc2j.agent.gpu;

import io.github.tdmpc2j.agent.ConfigException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * A PyTorch installation DJL can run on instead of its bundled CPU natives: the {@code torch} package folder of a
 * pip install (with {@code lib/libtorch.so} and {@code version.py}), its version and CUDA version, and where DJL's
 * JNI for it comes from. DJL 0.36's {@code pytorch-jni} jar carries JNIs for torch {@link #JAR_JNI_VERSION} only
 * (CPU and CUDA 12.8); any other version needs a JNI built for it, at {@link #jniPath(Path)}.
 */
public record TorchInstall(Path dir, String version, Optional<String> cuda) {
    public static final String JAR_JNI_VERSION = "2.7.1";
    public static final String DJL_VERSION = "0.36.0";
    private static final Pattern VERSION = Pattern.compile("(?m)^__version__\\s*=\\s*['\"]([^'\"]+)['\"]");
    private static final Pattern CUDA = Pattern.compile("(?m)^cuda\\s*(?::\\s*[^=]+)?=\\s*['\"]([0-9.]+)['\"]");

    /** Reads a torch package folder; fails with what is missing. */
    public static TorchInstall inspect(Path dir) {
        Path libtorch = dir.resolve("lib").resolve("libtorch.so");
        Path versionFile = dir.resolve("version.py");
        if (!Files.isRegularFile(libtorch) || !Files.isRegularFile(versionFile)) {
            throw new ConfigException(dir + " is not a PyTorch package folder (it needs lib/libtorch.so and "
                    + "version.py); name the `torch` folder inside site-packages, for example "
                    + "`python -c 'import torch, os; print(os.path.dirname(torch.__file__))'`");
        }
        try {
            String text = Files.readString(versionFile);
            Matcher v = VERSION.matcher(text);
            if (!v.find()) {
                throw new ConfigException(versionFile + " names no __version__; is this a PyTorch install?");
            }
            Matcher c = CUDA.matcher(text);
            Optional<String> cuda = c.find() && Files.isRegularFile(dir.resolve("lib").resolve("libtorch_cuda.so"))
                    ? Optional.of(c.group(1)) : Optional.empty();
            return new TorchInstall(dir.toAbsolutePath().normalize(), v.group(1), cuda);
        } catch (IOException e) {
            throw new ConfigException("cannot read " + versionFile + ": " + e.getMessage());
        }
    }

    /** The version without a local part ({@code 2.11.0+cu130} -> {@code 2.11.0}). */
    public String baseVersion() {
        return version.replaceFirst("\\+.*", "");
    }

    /** DJL's flavor name: {@code cu128}-style for a CUDA build (the jar's JNI is cu128), else {@code cpu}. */
    public String flavor() {
        if (cuda.isEmpty()) {
            return "cpu";
        }
        return baseVersion().equals(JAR_JNI_VERSION) ? "cu128" : "cu" + cuda.get().replace(".", "");
    }

    /** Where DJL looks for a JNI it cannot take from its jar (under the engine cache folder). */
    public Path jniPath(Path engineCache) {
        return engineCache.resolve("pytorch").resolve(baseVersion() + "-" + flavor() + "-linux-x86_64")
                .resolve(DJL_VERSION + "-libdjl_torch.so");
    }

    /**
     * Empty when DJL can load a JNI for this torch (the jar's, one in {@code lib/}, or one at {@link #jniPath}),
     * else what to do.
     */
    public Optional<String> missingJni(Path engineCache) {
        if (baseVersion().equals(JAR_JNI_VERSION)) {
            return Optional.empty();
        }
        List<Path> places = List.of(dir.resolve("lib").resolve(DJL_VERSION + "-libdjl_torch.so"),
                dir.resolve("lib").resolve("libdjl_torch.so"), jniPath(engineCache));
        if (places.stream().anyMatch(Files::isRegularFile)) {
            return Optional.empty();
        }
        return Optional.of("torch " + version + " at " + dir + " needs DJL " + DJL_VERSION + "'s PyTorch JNI built "
                + "for torch " + baseVersion() + " (" + flavor() + "), and DJL's pytorch-jni jar carries one for torch "
                + JAR_JNI_VERSION + " only; put a libdjl_torch.so built from DJL " + DJL_VERSION + "'s "
                + "engines/pytorch/pytorch-native sources against this torch at " + jniPath(engineCache)
                + ", or use torch " + JAR_JNI_VERSION + " (`tdmpc2j setup gpu` installs it)");
    }

    /** The CUDA runtime library of a pip install (for DJL's GPU count through JNA), if there is one. */
    public Optional<Path> cudaRuntime() {
        return findUnderNvidia(p -> p.getFileName().toString().matches("libcudart\\.so\\.[0-9]+"));
    }

    /**
     * The include folders of pip's nvidia packages that hold {@code cuda_runtime_api.h} and {@code crt/host_config.h}
     * (what the native extension's CUDA headers need); empty when either is missing.
     */
    public List<Path> cudaIncludes() {
        Optional<Path> runtime = findUnderNvidia(p -> p.getFileName().toString().equals("cuda_runtime_api.h"))
                .map(Path::getParent);
        Optional<Path> crt = findUnderNvidia(p -> p.getFileName().toString().equals("host_config.h")
                && p.getParent().getFileName().toString().equals("crt")).map(p -> p.getParent().getParent());
        if (runtime.isEmpty() || crt.isEmpty()) {
            return List.of();
        }
        return runtime.get().equals(crt.get()) ? List.of(runtime.get()) : List.of(runtime.get(), crt.get());
    }

    private Optional<Path> findUnderNvidia(java.util.function.Predicate<Path> match) {
        Path nvidia = dir.getParent().resolve("nvidia");
        if (!Files.isDirectory(nvidia)) {
            return Optional.empty();
        }
        try (Stream<Path> files = Files.walk(nvidia, 5)) {
            return files.filter(Files::isRegularFile).filter(match).sorted().findFirst();
        } catch (IOException e) {
            return Optional.empty();
        }
    }
}
