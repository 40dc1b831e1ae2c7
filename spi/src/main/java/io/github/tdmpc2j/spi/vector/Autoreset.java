package io.github.tdmpc2j.spi.vector;

import io.github.tdmpc2j.spi.EnvStateException;
import io.github.tdmpc2j.spi.InvalidActionException;
import io.github.tdmpc2j.spi.Messages;
import io.github.tdmpc2j.spi.TaskSpec;
import io.github.tdmpc2j.spi.TdmpcException;
import io.github.tdmpc2j.spi.wrappers.EnvChecker;
import java.util.Arrays;
import java.util.function.IntFunction;

/**
 * The bookkeeping of {@link VectorEnv}'s next-step autoreset, shared by every vector env: which rows reset on the
 * next step (and with which episode of the schedule), which step, and which stay as they are (idle rows, and
 * rows whose action is null).
 */
public final class Autoreset {
    /** What a row does on a step. */
    public enum Move {
        /** take its action */
        STEP,
        /** start its next episode (the action is ignored) */
        RESET,
        /** nothing: the row is idle or its action is null */
        SKIP
    }

    private final int rows;
    private final EpisodeSchedule.Ticket[] tickets;
    private final int[] finished;
    private final boolean[] needsReset;
    private EpisodeSchedule schedule;

    public Autoreset(int rows) {
        this.rows = rows;
        this.tickets = new EpisodeSchedule.Ticket[rows];
        this.finished = new int[rows];
        this.needsReset = new boolean[rows];
    }

    /** Starts over with {@code schedule}; returns each row's first episode (null: idle). */
    public EpisodeSchedule.Ticket[] start(EpisodeSchedule schedule) {
        this.schedule = checkSchedule(rows, schedule);
        Arrays.fill(finished, 0);
        Arrays.fill(needsReset, false);
        for (int i = 0; i < rows; i++) {
            tickets[i] = schedule.next(i, 0);
        }
        return tickets.clone();
    }

    /**
     * Decides every row's move for {@code actions}; a row that resets gets its next episode from the schedule
     * (read it with {@link #ticket}). Checks the actions first as {@link #check} does, so that refused actions
     * change nothing.
     */
    public Move[] plan(float[][] actions, IntFunction<TaskSpec> specs) {
        check(actions, specs);
        Move[] moves = new Move[rows];
        for (int i = 0; i < rows; i++) {
            if (tickets[i] == null) {
                moves[i] = Move.SKIP;
            } else if (needsReset[i]) {
                finished[i]++;
                needsReset[i] = false;
                tickets[i] = schedule.next(i, finished[i]);
                moves[i] = tickets[i] == null ? Move.SKIP : Move.RESET;
            } else {
                moves[i] = actions[i] == null ? Move.SKIP : Move.STEP;
            }
        }
        return moves;
    }

    /**
     * Refuses, changing nothing, the actions {@link #plan} would not step with: not one entry (or null) per row,
     * or a row that steps with an action its task ({@code specs.apply(row)}) refuses as {@link EnvChecker#check}
     * does (a wrong size, an entry that is not finite). The actions of rows that reset or are idle are ignored,
     * as a step ignores them.
     */
    public void check(float[][] actions, IntFunction<TaskSpec> specs) {
        if (schedule == null) {
            throw new EnvStateException("step() called before reset on a vector env of " + Messages.plural(rows, "env")
                    + ": call reset(seed) (row i starts with seed + i) or reset(schedule) first");
        }
        checkCount(rows, actions);
        for (int i = 0; i < rows; i++) {
            if (tickets[i] != null && !needsReset[i] && actions[i] != null) {
                EnvChecker.check(specs.apply(i), actions[i]);
            }
        }
    }

    /** Records the end of a stepped row's episode: it resets on its next step. */
    public void stepped(int row, boolean done) {
        needsReset[row] = done;
    }

    /** Refuses an action array that does not have one entry (or null) per row of a vector env of {@code rows}. */
    public static void checkCount(int rows, float[][] actions) {
        if (actions == null || actions.length != rows) {
            throw new InvalidActionException("a vector env of " + Messages.plural(rows, "env") + " needs "
                    + Messages.plural(rows, "action") + " (null for a row to leave as it is), got "
                    + (actions == null ? "null" : actions.length));
        }
    }

    /**
     * Refuses a null schedule for a vector env of {@code rows}, saying what to pass; returns {@code schedule}.
     */
    public static EpisodeSchedule checkSchedule(int rows, EpisodeSchedule schedule) {
        if (schedule == null) {
            throw new TdmpcException("the episode schedule is null: pass EpisodeSchedule.sequential(seed, " + rows
                    + ") for endless episodes on every row, or reset(seed), which does that");
        }
        return schedule;
    }

    /** Refuses a row index outside a vector env of {@code rows} (0 to rows - 1), naming them; returns {@code row}. */
    public static int checkRow(int rows, int row) {
        if (row < 0 || row >= rows) {
            throw new TdmpcException("row " + row + " is not one of this vector env's " + Messages.plural(rows, "row")
                    + ": rows are 0" + (rows > 1 ? " to " + (rows - 1) : "") + " (numEnvs() counts them)");
        }
        return row;
    }

    /** The episode row {@code row} is in (or resets into this step); null when idle. */
    public EpisodeSchedule.Ticket ticket(int row) {
        return tickets[checkRow(rows, row)];
    }

    /** True when every row is idle. */
    public boolean allIdle() {
        for (EpisodeSchedule.Ticket t : tickets) {
            if (t != null) {
                return false;
            }
        }
        return true;
    }
}
