package io.github.tdmpc2j.agent.nn;

/** What follows a layer's LayerNorm. */
public enum Activation {
    /** x * tanh(softplus(x)). */
    MISH,
    /** Softmax over consecutive groups of {@code simnorm_dim} entries. */
    SIMNORM
}
