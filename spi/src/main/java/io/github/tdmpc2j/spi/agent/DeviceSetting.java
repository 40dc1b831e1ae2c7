package io.github.tdmpc2j.spi.agent;

import io.github.tdmpc2j.spi.TdmpcException;

/**
 * The {@code device} parameter ({@code --device}) every agent takes, spelled one way: {@code cpu}, {@code gpu},
 * {@code gpu:N} (GPU number N, as a Spark task is given) or {@code auto}. Whether the device named is there is
 * the agent's to find out.
 */
public final class DeviceSetting {
    private DeviceSetting() {
    }

    public static boolean valid(String device) {
        return device != null && device.matches("cpu|gpu|auto|gpu:\\d{1,4}");
    }

    /** What is wrong with a {@code device} that is not {@link #valid}. */
    public static String problem(String device) {
        return "device must be cpu, gpu, gpu:N (GPU number N, as a Spark task is given) or auto, not '" + device + "'";
    }

    /** The {@code device} of an agent's parameters, when they have one, checked; {@code agent} names the agent. */
    static void check(AgentContext context, String agent) {
        String device = context.params().get("device");
        if (device != null && !valid(device)) {
            throw new TdmpcException("bad " + agent + " configuration: " + problem(device));
        }
    }
}
