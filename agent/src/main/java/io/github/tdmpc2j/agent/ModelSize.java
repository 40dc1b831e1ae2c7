package io.github.tdmpc2j.agent;

import io.github.tdmpc2j.spi.agent.ModelChoice;
import java.util.Arrays;

/** The reference's named model sizes (millions of parameters, {@link ModelChoice#MODEL_SIZES}) and the architecture each one sets. */
public enum ModelSize {
    M1(1, 256, 384, 128, 2, 2),
    M5(5, 256, 512, 512, 2, 5),
    M19(19, 1024, 1024, 768, 3, 5),
    M48(48, 1792, 1792, 768, 4, 5),
    M317(317, 4096, 4096, 1376, 5, 8);

    public final int millions;
    public final int encDim;
    public final int mlpDim;
    public final int latentDim;
    public final int numEncLayers;
    public final int numQ;

    ModelSize(int millions, int encDim, int mlpDim, int latentDim, int numEncLayers, int numQ) {
        this.millions = millions;
        this.encDim = encDim;
        this.mlpDim = mlpDim;
        this.latentDim = latentDim;
        this.numEncLayers = numEncLayers;
        this.numQ = numQ;
    }

    public static ModelSize of(int millions) {
        return Arrays.stream(values()).filter(s -> s.millions == millions).findFirst()
                .orElseThrow(() -> new ConfigException(ModelChoice.modelSizeProblem(Integer.toString(millions))));
    }
}
