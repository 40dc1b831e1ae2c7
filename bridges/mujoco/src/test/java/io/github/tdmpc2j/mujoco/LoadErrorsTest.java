package io.github.tdmpc2j.mujoco;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LoadErrorsTest {

    @Test
    void malformedXmlReportsTheParserErrorAndLine() {
        String xml = "<mujoco>\n<worldbody>\n<body>\n</mujoco>";
        assertThatThrownBy(() -> MjModel.fromXml(xml))
                .isInstanceOf(MujocoException.class)
                .hasMessageContaining("XML_ERROR_MISMATCHED_ELEMENT")
                .hasMessageContaining("Line number=3")
                .hasMessageNotContaining("\0");
    }

    @Test
    void unknownAttributeNamesTheAttributeElementAndLine() {
        String xml = "<mujoco>\n<worldbody>\n<geom type='sphere' size='0.1' bogus='1'/>\n</worldbody>\n</mujoco>";
        assertThatThrownBy(() -> MjModel.fromXml(xml))
                .isInstanceOf(MujocoException.class)
                .hasMessageContaining("unrecognized attribute: 'bogus'")
                .hasMessageContaining("Element 'geom', line 3");
    }

    @Test
    void missingMeshFileIsNamed(@TempDir Path dir) throws IOException {
        Path model = dir.resolve("robot.xml");
        Files.writeString(model, """
                <mujoco>
                  <asset><mesh name="hull" file="no_such_mesh.stl"/></asset>
                  <worldbody><geom type="mesh" mesh="hull"/></worldbody>
                </mujoco>
                """);
        assertThatThrownBy(() -> MjModel.fromFile(model))
                .isInstanceOf(MujocoException.class)
                .hasMessageContaining("no_such_mesh.stl")
                .hasMessageContaining(model.toString());
    }

    @Test
    void missingModelFileAndEmptyTextAreRejectedBeforeMuJoCo(@TempDir Path dir) {
        assertThatThrownBy(() -> MjModel.fromFile(dir.resolve("absent.xml")))
                .isInstanceOf(MujocoException.class).hasMessageContaining("absent.xml");
        // refused by the binding, with what to pass: MuJoCo's own parser error is a MujocoException too
        for (String empty : new String[] {"  ", null}) {
            assertThatThrownBy(() -> MjModel.fromXml(empty)).isInstanceOf(MujocoException.class)
                    .hasMessage("the model XML (the given XML text) is empty; pass MJCF text such as "
                            + "<mujoco>...</mujoco>");
        }
    }

    @Test
    void aFolderIsNamedAsAFolderNotAMissingFile(@TempDir Path dir) {
        assertThatThrownBy(() -> MjModel.fromFile(dir))
                .isInstanceOf(MujocoException.class)
                .hasMessageContaining(dir + " is a directory")
                .hasMessageContaining("the path of an MJCF .xml file")
                .hasMessageNotContaining("no model file");
    }

    @Test
    void aTimestepThatIsNotPositiveAndFiniteIsRefusedNamingTheFileAndTheValue(@TempDir Path dir) throws IOException {
        for (String timestep : new String[] {"-0.01", "0", "NaN", "Infinity"}) {
            String xml = "<mujoco><option timestep='" + timestep + "'/><worldbody><body><freejoint/>"
                    + "<geom size='0.1'/></body></worldbody></mujoco>";
            assertThatThrownBy(() -> MjModel.fromXml(xml)).as(timestep)
                    .isInstanceOf(MujocoException.class)
                    .hasMessageContaining("the given XML text")
                    .hasMessageContaining("timestep " + Double.parseDouble(timestep))
                    .hasMessageContaining("<option timestep=");
            Path file = Files.writeString(dir.resolve("step" + timestep + ".xml"), xml);
            assertThatThrownBy(() -> MjModel.fromFile(file)).as(timestep)
                    .isInstanceOf(MujocoException.class)
                    .hasMessageContaining(file.toAbsolutePath().toString())
                    .hasMessageContaining("timestep " + Double.parseDouble(timestep));
        }
        try (MjModel ok = MjModel.fromXml("<mujoco><option timestep='0.005'/></mujoco>")) {
            assertThat(ok.timestep()).isEqualTo(0.005);
        }
    }

    @Test
    void fromFileResolvesIncludesNextToTheFile(@TempDir Path dir) throws IOException {
        Files.writeString(dir.resolve("body.xml"), """
                <mujoco><worldbody><body name="b"><freejoint/><geom size="0.1"/></body></worldbody></mujoco>
                """);
        Path main = dir.resolve("main.xml");
        Files.writeString(main, "<mujoco><include file=\"body.xml\"/></mujoco>");
        try (MjModel model = MjModel.fromFile(main)) {
            assertThat(model.nq()).isEqualTo(7);
            assertThat(model.bodyId("b")).isEqualTo(1);
        }
    }

    @Test
    void anErrorInsideMujocoDuringAStepBecomesAnException() {
        // 8 KB of arena is enough to compile this scene but not for the contacts of a step:
        // mj_stackAlloc calls mju_error, which would exit() the process without the guard.
        String xml = "<mujoco><size memory='8K'/><worldbody>"
                + "<geom type='plane' size='5 5 .1'/>"
                + "<body pos='0 0 1'><freejoint/><geom type='box' size='.1 .1 .1'/></body>"
                + "<body pos='0 0 1.3'><freejoint/><geom type='box' size='.1 .1 .1'/></body>"
                + "</worldbody></mujoco>";
        try (MjModel model = MjModel.fromXml(xml); MjData data = model.makeData()) {
            assertThatThrownBy(() -> data.step(2000))
                    .isInstanceOf(MujocoException.class)
                    .isNotInstanceOf(MujocoSimulationException.class)
                    .hasMessageContaining("mj_stackAlloc")
                    .hasMessageContaining("increase <size memory");
            assertThat(data.time()).as("reset after the error").isZero();
            data.forward();
        }
    }
}
