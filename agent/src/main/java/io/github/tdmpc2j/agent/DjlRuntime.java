package io.github.tdmpc2j.agent;

import ai.djl.Device;
import ai.djl.engine.Engine;
import io.github.tdmpc2j.agent.gpu.GpuSetup;
import io.github.tdmpc2j.spi.Messages;
import io.github.tdmpc2j.spi.TdmpcException;
import io.github.tdmpc2j.spi.agent.DeviceSetting;

/** Loads DJL's PyTorch engine from the natives on the class path (never downloading) and picks the device. */
public final class DjlRuntime {
    private DjlRuntime() {
    }

    public static Engine engine() {
        if (System.getProperty("ai.djl.offline") == null) {
            System.setProperty("ai.djl.offline", "true");
        }
        GpuSetup.configureDjl();
        try {
            return Engine.getEngine("PyTorch");
        } catch (RuntimeException | LinkageError e) {
            String torch = System.getProperty("PYTORCH_LIBRARY_PATH");
            throw new TdmpcException("could not load DJL's PyTorch engine (" + e.getMessage() + "); " + (torch != null
                    ? "it was pointed at " + torch + " (`tdmpc2j setup gpu`); run TDMPC2J_TORCH=bundled to use DJL's "
                            + "CPU natives, or run `tdmpc2j setup gpu` again"
                    : "the agent needs ai.djl.pytorch:pytorch-native-cpu:2.7.1:linux-x86_64 and pytorch-jni on the "
                            + "class path"), e);
        }
    }

    /**
     * What device=gpu is told where DJL's engine ({@code version}, on the torch at {@code torch}, null for DJL's
     * bundled CPU natives) sees no GPU: on a torch of `tdmpc2j setup gpu` without an NVIDIA driver ({@code driver}),
     * that the driver is missing (to run setup again, as it said, changes nothing).
     */
    static String noGpu(String version, String torch, boolean driver) {
        String engine = "device=gpu but DJL's PyTorch engine (" + version + ", " + (torch != null ? "from " + torch
                : "DJL's bundled CPU natives") + ") sees no GPU; use device=cpu or device=auto, or ";
        if (torch != null && !driver) {
            return engine + "run on a machine with an NVIDIA GPU: this one has no NVIDIA driver (libcuda.so.1 does not "
                    + "load), so the torch of `tdmpc2j setup gpu` runs on its CPU (agent/README.md, GPUs)";
        }
        return engine + "on a machine with an NVIDIA GPU and driver run `tdmpc2j setup gpu` (agent/README.md, GPUs)";
    }

    /**
     * {@code cpu}, {@code gpu} (fails when DJL sees none), {@code gpu:N} (GPU number N, as Spark assigns a unit's
     * GPU; fails when DJL sees fewer) or {@code auto} (a GPU when there is one).
     */
    public static Device device(String choice) {
        // spelled as every agent takes it (the bench programs come here without TdmpcConfig's check)
        if (!DeviceSetting.valid(choice)) {
            throw new ConfigException(DeviceSetting.problem(choice));
        }
        Engine engine = engine();
        if (choice.startsWith("gpu:")) {
            int n = Integer.parseInt(choice.substring(4));
            if (n >= engine.getGpuCount()) {
                throw new ConfigException("device=" + choice + " but DJL's PyTorch engine sees "
                        + Messages.plural(engine.getGpuCount(), "GPU") + "; use a GPU number below that, device=cpu, "
                        + "or run `tdmpc2j setup gpu` on this node");
            }
            return Device.gpu(n);
        }
        return switch (choice) {
            case "cpu" -> Device.cpu();
            case "gpu" -> {
                if (engine.getGpuCount() == 0) {
                    throw new ConfigException(noGpu(engine.getVersion(), System.getProperty("PYTORCH_LIBRARY_PATH"),
                            GpuSetup.driverPresent()));
                }
                yield Device.gpu();
            }
            case "auto" -> engine.getGpuCount() > 0 ? Device.gpu() : Device.cpu();
            default -> throw new IllegalStateException("DeviceSetting took device=" + choice);
        };
    }
}
