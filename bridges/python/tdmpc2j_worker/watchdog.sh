# The worker's watchdog, which the worker starts in a session of its own:
#
#   sh watchdog.sh JVM_PID JVM_START WORKER_PID
#
# Once a second it checks that the JVM and the worker live; once the JVM is gone it kills the worker, and once
# either is gone it kills every process left in the worker's session (the worker leads one: what its envs started
# stays in it even after being re-parented away from the worker), then ends. It runs while the worker's own threads
# cannot (a suite stuck in a call that holds Python's GIL).
#
# The JVM is known by its pid and its start time (field 22 of /proc/PID/stat, clock ticks after boot): a pid reused
# by another process after the JVM died is not taken for the JVM, nor is a JVM that died but was not yet reaped. JVM_START empty: the start time is read here, at
# once. Without /proc (not Linux) only the pid is checked.
#
#   sh watchdog.sh --start-time PID    prints PID's start time as the watchdog reads it

# sets $started to the start time of process $1 and $state to its state (Z: it died, its parent has not reaped it),
# or both to nothing when it is gone or there is no /proc
start_time() {
    started=
    state=
    read -r stat 2>/dev/null <"/proc/$1/stat" || return 0
    # the command name, field 2, may hold spaces and parentheses: count the fields after its closing one
    set -- ${stat##*")"}
    state=$1
    started=${20}
}

# kills every process of session $1 but this one
kill_session() {
    for f in /proc/[0-9]*/stat; do
        read -r stat 2>/dev/null <"$f" || continue
        set -- ${stat##*")"}
        pid=${f#/proc/}
        pid=${pid%/stat}
        [ "$4" = "$session" ] && [ "$pid" != "$$" ] && kill -9 "$pid" 2>/dev/null
    done
}

jvm_lives() {
    kill -0 "$jvm" 2>/dev/null || return 1
    start_time "$jvm"
    [ "$started" = "$jvm_start" ] && [ "$state" != Z ] && [ "$state" != X ]
}

if [ "$1" = "--start-time" ]; then
    start_time "$2"
    echo "$started"
    exit 0
fi

jvm=$1
jvm_start=$2
worker=$3
session=$3
if [ -z "$jvm_start" ]; then
    start_time "$jvm"
    jvm_start=$started
fi
while jvm_lives && kill -0 "$worker" 2>/dev/null; do
    sleep 1
done
jvm_lives || kill -9 "$worker" 2>/dev/null
kill_session
