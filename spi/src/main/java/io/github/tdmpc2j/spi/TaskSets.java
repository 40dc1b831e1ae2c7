package io.github.tdmpc2j.spi;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * The named task sets of the TD-MPC2 reference, in the reference's order (a task's index in its set is its
 * task-embedding index in a multitask agent, so the order is part of the contract). Ids are listed whether or
 * not their plug-ins are installed.
 */
public final class TaskSets {
    private static final List<String> DMC_ORIGINAL = List.of(
            "walker-stand", "walker-walk", "walker-run", "cheetah-run", "reacher-easy",
            "reacher-hard", "acrobot-swingup", "pendulum-swingup", "cartpole-balance", "cartpole-balance-sparse",
            "cartpole-swingup", "cartpole-swingup-sparse", "cup-catch", "finger-spin", "finger-turn-easy",
            "finger-turn-hard", "fish-swim", "hopper-stand", "hopper-hop");

    private static final List<String> DMC_CUSTOM = List.of(
            "walker-walk-backwards", "walker-run-backwards", "cheetah-run-backwards", "cheetah-run-front",
            "cheetah-run-back", "cheetah-jump", "hopper-hop-backwards", "reacher-three-easy", "reacher-three-hard",
            "cup-spin", "pendulum-spin");

    private static final List<String> METAWORLD_MT50 = List.of(
            "assembly", "basketball", "button-press-topdown", "button-press-topdown-wall", "button-press",
            "button-press-wall", "coffee-button", "coffee-pull", "coffee-push", "dial-turn",
            "disassemble", "door-open", "door-close", "drawer-close", "drawer-open",
            "faucet-open", "faucet-close", "hammer", "handle-press-side", "handle-press",
            "handle-pull-side", "handle-pull", "lever-pull", "peg-insert-side", "peg-unplug-side",
            "pick-out-of-hole", "pick-place", "pick-place-wall", "plate-slide", "plate-slide-side",
            "plate-slide-back", "plate-slide-back-side", "push-back", "push", "push-wall",
            "reach", "reach-wall", "shelf-place", "soccer", "stick-push",
            "stick-pull", "sweep-into", "sweep", "window-open", "window-close",
            "bin-picking", "box-close", "door-lock", "door-unlock", "hand-insert");

    /** The reference's 10 MyoSuite hand tasks: five tasks, each Fixed and, as {@code -hard}, Random. */
    private static final List<String> MYOSUITE_10 = List.of(
            "reach", "reach-hard", "pose", "pose-hard", "obj-hold",
            "obj-hold-hard", "key-turn", "key-turn-hard", "pen-twirl", "pen-twirl-hard");

    /** The 30 DMControl tasks: 19 from the suite and 11 added by the TD-MPC2 authors. */
    public static final List<String> MT30 = Stream.concat(DMC_ORIGINAL.stream(), DMC_CUSTOM.stream())
            .map(t -> "dmc/" + t).toList();

    /** MT30 followed by Meta-World's MT50. */
    public static final List<String> MT80 = Stream.concat(MT30.stream(),
            METAWORLD_MT50.stream().map(t -> "metaworld/" + t)).toList();

    /**
     * The humanoid's, the quadruped's and the dog's 9 tasks: in the 104-task benchmark, outside MT30, native like
     * MT30 (the dog last, where it was while dm_control ran it, so the benchmark's order stays).
     */
    private static final List<String> DMC_NATIVE_9 = List.of("humanoid-run", "humanoid-stand", "humanoid-walk",
            "quadruped-run", "quadruped-walk", "dog-run", "dog-stand", "dog-trot", "dog-walk");

    /** The reference's 5 ManiSkill tasks. */
    private static final List<String> MANISKILL_5 = List.of(
            "lift-cube", "pick-cube", "stack-cube", "pick-ycb", "turn-faucet");

    /** The 39 DMControl tasks of the benchmark, all native: MT30, then humanoid, quadruped and dog. */
    public static final List<String> DMC39 = Stream.concat(MT30.stream(), DMC_NATIVE_9.stream().map(t -> "dmc/" + t))
            .toList();

    /**
     * All 104 tasks TD-MPC2 was evaluated on: 39 DMControl, 50 Meta-World, 10 MyoSuite, 5 ManiSkill (for
     * {@code tdmpc2j tasks check --set bench104}; single-task runs, not a multitask embedding order).
     */
    public static final List<String> BENCH104 = Stream.of(DMC39.stream(),
            METAWORLD_MT50.stream().map(t -> "metaworld/" + t), MYOSUITE_10.stream().map(t -> "myosuite/" + t),
            MANISKILL_5.stream().map(t -> "maniskill/" + t)).flatMap(x -> x).toList();

    /** The 19 tasks of the original DMControl suite within MT30. */
    public static final List<String> DMC19 = DMC_ORIGINAL.stream().map(t -> "dmc/" + t).toList();

    private static final Map<String, List<String>> SETS = Map.of(
            "mt30", MT30,
            "mt80", MT80,
            "dmc19", DMC19,
            "mw50", METAWORLD_MT50.stream().map(t -> "metaworld/" + t).toList(),
            "myo10", MYOSUITE_10.stream().map(t -> "myosuite/" + t).toList(),
            "ms5", MANISKILL_5.stream().map(t -> "maniskill/" + t).toList(),
            "dmc39", DMC39,
            "bench104", BENCH104);

    private TaskSets() {
    }

    /** The set of this name (any case); empty for an unknown name or null. */
    public static Optional<List<String>> get(String name) {
        return name == null ? Optional.empty() : Optional.ofNullable(SETS.get(name.toLowerCase(Locale.ROOT)));
    }

    public static List<String> names() {
        return SETS.keySet().stream().sorted().toList();
    }

    /**
     * Maps a name in the reference's style to its canonical id: {@code mw-assembly} to {@code metaworld/assembly},
     * {@code myo-reach} to {@code myosuite/reach}; a DMControl name ({@code walker-walk}) maps to
     * {@code dmc/walker-walk}. Returns empty for names that follow none of these patterns.
     */
    public static Optional<String> canonicalFromReference(String name) {
        if (name.contains("/")) {
            return Optional.empty();
        }
        if (name.startsWith("mw-")) {
            return Optional.of("metaworld/" + name.substring(3));
        }
        if (name.startsWith("myo-")) {
            return Optional.of("myosuite/" + name.substring(4));
        }
        if (DMC_NATIVE_9.contains(name)) {
            return Optional.of("dmc/" + name);
        }
        if (MANISKILL_5.contains(name)) {
            return Optional.of("maniskill/" + name);
        }
        String dmc = "dmc/" + name;
        return MT30.contains(dmc) ? Optional.of(dmc) : Optional.empty();
    }

    /**
     * The names in a comma-separated task list ({@code a,b,c}), each trimmed: the one reading of such a list
     * ({@code --tasks}, a {@code --set} of ids, the {@code tasks} a run's config.yaml records). An empty name (a comma
     * at its start or end, two in a row) is refused, as naming no task: one at the end was dropped, and a command
     * ran on the tasks before it. {@code given} is what the refusal calls the list ({@code --tasks a,}, say).
     */
    public static List<String> split(String list, String given) {
        if (list == null) {
            throw new TdmpcException(given + " names no task (null): give task ids or aliases separated by commas, "
                    + "such as dmc/walker-walk,classic/pendulum");
        }
        String[] parts = list.split(",", -1);
        for (int i = 0; i < parts.length; i++) {
            if (parts[i].isBlank()) {
                String where = parts.length == 1 ? "no name at all" : i == 0 ? "a comma at its start"
                        : i == parts.length - 1 ? "a comma at its end" : "two commas in a row";
                throw new TdmpcException(given + " names an empty task (" + where + "): give task ids or aliases "
                        + "separated by single commas, such as dmc/walker-walk,classic/pendulum (`tdmpc2j tasks list` "
                        + "shows them)");
            }
        }
        return Stream.of(parts).map(String::trim).toList();
    }

    /** Every id named in any set, for suggestions when a task is not installed. */
    static List<String> allKnownIds() {
        return new ArrayList<>(BENCH104);
    }
}
