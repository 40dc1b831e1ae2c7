package io.github.tdmpc2j.tasks.dmc;

import io.github.tdmpc2j.tasks.dmc.domains.Acrobot;
import io.github.tdmpc2j.tasks.dmc.domains.BallInCup;
import io.github.tdmpc2j.tasks.dmc.domains.Cartpole;
import io.github.tdmpc2j.tasks.dmc.domains.Cheetah;
import io.github.tdmpc2j.tasks.dmc.domains.Dog;
import io.github.tdmpc2j.tasks.dmc.domains.Finger;
import io.github.tdmpc2j.tasks.dmc.domains.Fish;
import io.github.tdmpc2j.tasks.dmc.domains.Hopper;
import io.github.tdmpc2j.tasks.dmc.domains.Humanoid;
import io.github.tdmpc2j.tasks.dmc.domains.Pendulum;
import io.github.tdmpc2j.tasks.dmc.domains.Quadruped;
import io.github.tdmpc2j.tasks.dmc.domains.Reacher;
import io.github.tdmpc2j.tasks.dmc.domains.Walker;
import java.util.List;

/** Every domain this plug-in offers. A new domain is one more entry here. */
final class DmcDomains {
    static final List<DmcDomain> ALL = List.of(
            new Cartpole(),
            new Pendulum(),
            new Acrobot(),
            new Reacher(),
            new BallInCup(),
            new Finger(),
            new Walker(),
            new Humanoid(),
            new Quadruped(),
            new Dog(),
            new Cheetah(),
            new Hopper(),
            new Fish());

    private DmcDomains() {
    }
}
