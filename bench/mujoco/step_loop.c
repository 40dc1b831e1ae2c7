// The C reference for MujocoStepBench: the same loop on the same libmujoco.
// usage: step_loop MODEL.xml STEPS REPEATS SEED   -> one line per repeat: steps_per_wall_second checksum_bits_hex steps_per_cpu_second
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <mujoco/mujoco.h>

static uint64_t rng_state;

// splitmix64, uniform in [0, 1); MujocoStepBench uses the same generator
static double next_uniform(void) {
  uint64_t z = (rng_state += 0x9E3779B97F4A7C15ULL);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
  z ^= z >> 31;
  return (double)(z >> 11) * 0x1.0p-53;
}

static double seconds(clockid_t clock) {
  struct timespec ts;
  clock_gettime(clock, &ts);
  return ts.tv_sec + ts.tv_nsec * 1e-9;
}

int main(int argc, char** argv) {
  if (argc != 5) {
    fprintf(stderr, "usage: %s MODEL.xml STEPS REPEATS SEED\n", argv[0]);
    return 2;
  }
  char error[1000] = "";
  mjModel* m = mj_loadXML(argv[1], NULL, error, sizeof(error));
  if (!m) {
    fprintf(stderr, "could not load %s: %s\n", argv[1], error);
    return 1;
  }
  mjData* d = mj_makeData(m);
  long steps = atol(argv[2]);
  int repeats = atoi(argv[3]);
  uint64_t seed = strtoull(argv[4], NULL, 10);

  for (int r = 0; r < repeats; r++) {
    rng_state = seed;
    double checksum = 0;
    double start = seconds(CLOCK_MONOTONIC);
    double start_cpu = seconds(CLOCK_THREAD_CPUTIME_ID);
    for (long i = 0; i < steps; i++) {
      if (i % 1000 == 0) {
        mj_resetData(m, d);
      }
      for (int a = 0; a < m->nu; a++) {
        d->ctrl[a] = 2 * next_uniform() - 1;
      }
      mj_step(m, d);
      for (int j = 0; j < m->nq; j++) checksum += d->qpos[j];
      for (int j = 0; j < m->nv; j++) checksum += d->qvel[j];
    }
    double elapsed = seconds(CLOCK_MONOTONIC) - start;
    double elapsed_cpu = seconds(CLOCK_THREAD_CPUTIME_ID) - start_cpu;
    uint64_t bits;
    memcpy(&bits, &checksum, sizeof(bits));
    printf("%.1f %016llx %.1f\n", steps / elapsed, (unsigned long long)bits, steps / elapsed_cpu);
    fflush(stdout);
  }
  mj_deleteData(d);
  mj_deleteModel(m);
  return 0;
}
