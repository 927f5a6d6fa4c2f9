#ifndef CKERNELS_POOL_H
#define CKERNELS_POOL_H

#ifdef __cplusplus
extern "C" {
#endif

/// A fixed set of threads that run one task together and can meet at a barrier inside it.
///
/// Unlike a work queue, every index of a run is guaranteed its own thread, all running at the
/// same time, which is what makes a barrier inside the task safe. Between runs the workers spin
/// briefly (a training step follows the previous one within microseconds), then sleep.
typedef struct ck_pool ck_pool;

/// The task: called once per thread index in [0, threadCount).
typedef void (*ck_pool_task)(void *context, int thread);

/// A pool of `threadCount` threads (the caller's thread counts as index 0). NULL on failure.
ck_pool *ck_pool_create(int threadCount);

/// Runs task(context, t) for every t on its own thread; returns when all have returned.
/// Not reentrant: one run at a time per pool.
void ck_pool_run(ck_pool *pool, ck_pool_task task, void *context);

/// Called by every thread of a run: returns once all of them have reached it.
void ck_pool_barrier(ck_pool *pool);

/// Stops the workers and frees the pool.
void ck_pool_destroy(ck_pool *pool);

#ifdef __cplusplus
}
#endif

#endif
