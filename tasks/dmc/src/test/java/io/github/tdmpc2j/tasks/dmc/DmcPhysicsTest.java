package io.github.tdmpc2j.tasks.dmc;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.tdmpc2j.mujoco.MujocoException;
import org.junit.jupiter.api.Test;

class DmcPhysicsTest {
    /** A model resource MuJoCo refuses is named in the error, where it said "the given XML text". */
    @Test
    void aModelResourceThatFailsToLoadIsNamed() {
        assertThatThrownBy(() -> DmcPhysics.fromResource("test-zero-timestep.xml"))
                .isInstanceOf(MujocoException.class)
                .hasMessageContaining("MuJoCo could not load the model resource "
                        + "/io/github/tdmpc2j/tasks/dmc/models/test-zero-timestep.xml: its timestep 0.0")
                .hasMessageNotContaining("the given XML text");
    }

    /** A model file missing from the jar is the typed error of a broken build, naming the file and what to do. */
    @Test
    void aMissingModelResourceIsATypedErrorNamingIt() {
        assertThatThrownBy(() -> DmcPhysics.fromResource("no-such-model.xml"))
                .isInstanceOf(MujocoException.class)
                .hasMessageContaining("the model resource /io/github/tdmpc2j/tasks/dmc/models/no-such-model.xml is not in")
                .hasMessageContaining("build it again");
    }
}
