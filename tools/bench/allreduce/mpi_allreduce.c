/*
 * Baseline for `npm run bench -- allreduce`: times MPI_Allreduce (float, sum, in place)
 * exactly as our ranks time themselves. Arguments: pairs "bytes:iterations:warmup".
 * 1. For each size: warm up, then per iteration MPI_Barrier, time MPI_Allreduce.
 * 2. MPI_Reduce(MAX) the per-iteration times to rank 0 (time = slowest rank).
 * 3. Rank 0 prints one JSON line per size with every iteration's time in microseconds.
 */
#include <mpi.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int main(int argc, char **argv) {
  MPI_Init(&argc, &argv);
  int rank, size;
  MPI_Comm_rank(MPI_COMM_WORLD, &rank);
  MPI_Comm_size(MPI_COMM_WORLD, &size);
  for (int a = 1; a < argc; a++) {
    long bytes = 0; int iters = 0, warmup = 0;
    if (sscanf(argv[a], "%ld:%d:%d", &bytes, &iters, &warmup) != 3) { fprintf(stderr, "bad argument %s\n", argv[a]); MPI_Abort(MPI_COMM_WORLD, 2); }
    long n = bytes / 4;
    float *buf = malloc(n * sizeof(float));
    double *t = malloc(iters * sizeof(double)), *tmax = malloc(iters * sizeof(double));
    for (long i = 0; i < n; i++) buf[i] = 1.0f;
    for (int i = 0; i < warmup; i++) MPI_Allreduce(MPI_IN_PLACE, buf, (int)n, MPI_FLOAT, MPI_SUM, MPI_COMM_WORLD);
    for (int i = 0; i < iters; i++) {
      MPI_Barrier(MPI_COMM_WORLD);
      double t0 = MPI_Wtime();
      MPI_Allreduce(MPI_IN_PLACE, buf, (int)n, MPI_FLOAT, MPI_SUM, MPI_COMM_WORLD);
      t[i] = (MPI_Wtime() - t0) * 1e6;
    }
    MPI_Reduce(t, tmax, iters, MPI_DOUBLE, MPI_MAX, 0, MPI_COMM_WORLD);
    if (rank == 0) {
      printf("{\"bytes\":%ld,\"n\":%d,\"times_us\":[", bytes, size);
      for (int i = 0; i < iters; i++) printf("%s%.3f", i ? "," : "", tmax[i]);
      printf("]}\n");
      fflush(stdout);
    }
    free(buf); free(t); free(tmax);
  }
  MPI_Finalize();
  return 0;
}
