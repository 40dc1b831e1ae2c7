package io.github.tdmpc2j.tasks.dmc;

import java.util.List;

/** One DMControl domain (cartpole, walker...): the tasks it offers. See README.md, "How to add a domain". */
public interface DmcDomain {
    List<DmcTaskDefinition> tasks();
}
