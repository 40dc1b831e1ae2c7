package org.example.slide;

import io.github.tdmpc2j.mujoco.MjModel;
import io.github.tdmpc2j.spi.Availability;
import io.github.tdmpc2j.spi.Box;
import io.github.tdmpc2j.spi.Env;
import io.github.tdmpc2j.spi.EnvOptions;
import io.github.tdmpc2j.spi.EnvProvider;
import io.github.tdmpc2j.spi.SuccessMetric;
import io.github.tdmpc2j.spi.TaskSpec;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * A third-party task plug-in on native MuJoCo, laid out as the README's "How to add a task plug-in" says: a block
 * on a rail, pushed by a motor whose control range is [-2, 2], to be brought to the rail's middle.
 */
public final class SlideProvider implements EnvProvider {
    static final TaskSpec CENTER = new TaskSpec("slide/center", List.of("slide-center"), Box.unbounded(2),
            Box.of(1, -2f, 2f), 50, 2, SuccessMetric.RETURN, false);

    private MjModel model;

    @Override
    public String domain() {
        return "slide";
    }

    @Override
    public String description() {
        return "a block on a rail (native MuJoCo, a third-party example)";
    }

    @Override
    public List<TaskSpec> tasks() {
        return List.of(CENTER);
    }

    @Override
    public Availability availability() {
        return Availability.ok();
    }

    @Override
    public Env create(TaskSpec task, EnvOptions options) {
        return new SlideEnv(task, model());
    }

    /** One model, compiled from the MJCF in the jar on first use, serves every env. */
    private synchronized MjModel model() {
        if (model == null) {
            try (InputStream in = SlideProvider.class.getResourceAsStream("slide.xml")) {
                model = MjModel.fromXml(new String(in.readAllBytes(), StandardCharsets.UTF_8), "slide.xml");
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return model;
    }

    @Override
    public synchronized void close() {
        if (model != null) {
            model.close();
        }
    }
}
