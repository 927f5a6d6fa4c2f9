#include "CKernelsPool.h"

#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdlib.h>

// How many polls a waiting thread spins before it yields the processor, and how many yields
// before it sleeps on the condition variable. Spinning covers the gap between two training
// steps; sleeping keeps an idle pool from burning a core.
enum { SPIN_POLLS = 2000, YIELD_POLLS = 200 };

struct ck_pool {
    int threadCount;
    pthread_t *threads;

    // A run is published by bumping `generation`; workers wait for it to change.
    _Atomic unsigned long generation;
    _Atomic int stopping;
    ck_pool_task task;
    void *context;
    _Atomic int unfinished;  // workers still running the current task

    // The barrier: a count of arrivals and a phase that flips when all have arrived.
    _Atomic int arrived;
    _Atomic unsigned long barrierPhase;

    pthread_mutex_t mutex;
    pthread_cond_t wake;
};

typedef struct {
    ck_pool *pool;
    int index;
} worker_start;

/// Waits until `*value != seen`, spinning, then yielding, then sleeping on the pool's condition.
static void wait_for_change(ck_pool *pool, _Atomic unsigned long *value, unsigned long seen) {
    for (int i = 0; i < SPIN_POLLS; i++) {
        if (atomic_load_explicit(value, memory_order_acquire) != seen) return;
#if defined(__x86_64__)
        __builtin_ia32_pause();
#endif
    }
    for (int i = 0; i < YIELD_POLLS; i++) {
        if (atomic_load_explicit(value, memory_order_acquire) != seen) return;
        sched_yield();
    }
    pthread_mutex_lock(&pool->mutex);
    while (atomic_load_explicit(value, memory_order_acquire) == seen) {
        pthread_cond_wait(&pool->wake, &pool->mutex);
    }
    pthread_mutex_unlock(&pool->mutex);
}

/// Moves `*value` on and wakes every sleeper.
static void publish(ck_pool *pool, _Atomic unsigned long *value) {
    pthread_mutex_lock(&pool->mutex);
    atomic_fetch_add_explicit(value, 1, memory_order_acq_rel);
    pthread_cond_broadcast(&pool->wake);
    pthread_mutex_unlock(&pool->mutex);
}

static void *worker_main(void *argument) {
    worker_start start = *(worker_start *)argument;
    free(argument);
    ck_pool *pool = start.pool;
    unsigned long seen = 0;
    for (;;) {
        wait_for_change(pool, &pool->generation, seen);
        seen = atomic_load_explicit(&pool->generation, memory_order_acquire);
        if (atomic_load_explicit(&pool->stopping, memory_order_acquire)) return NULL;
        pool->task(pool->context, start.index);
        atomic_fetch_sub_explicit(&pool->unfinished, 1, memory_order_acq_rel);
    }
}

ck_pool *ck_pool_create(int threadCount) {
    if (threadCount < 1) threadCount = 1;
    ck_pool *pool = calloc(1, sizeof(ck_pool));
    if (!pool) return NULL;
    pool->threadCount = threadCount;
    pthread_mutex_init(&pool->mutex, NULL);
    pthread_cond_init(&pool->wake, NULL);
    pool->threads = calloc((size_t)threadCount, sizeof(pthread_t));
    if (!pool->threads) {
        free(pool);
        return NULL;
    }
    for (int t = 1; t < threadCount; t++) {
        worker_start *start = malloc(sizeof(worker_start));
        if (start) *start = (worker_start){.pool = pool, .index = t};
        if (!start || pthread_create(&pool->threads[t], NULL, worker_main, start) != 0) {
            free(start);
            pool->threadCount = t;  // keep the workers that did start, so destroy can stop them
            ck_pool_destroy(pool);
            return NULL;
        }
    }
    return pool;
}

void ck_pool_run(ck_pool *pool, ck_pool_task task, void *context) {
    if (pool->threadCount == 1) {
        task(context, 0);
        return;
    }
    pool->task = task;
    pool->context = context;
    atomic_store_explicit(&pool->unfinished, pool->threadCount - 1, memory_order_release);
    publish(pool, &pool->generation);
    task(context, 0);
    // Wait for the workers; they finish within the same step, so spinning is the right wait.
    unsigned long polls = 0;
    while (atomic_load_explicit(&pool->unfinished, memory_order_acquire) != 0) {
        if (++polls > SPIN_POLLS) sched_yield();
#if defined(__x86_64__)
        else __builtin_ia32_pause();
#endif
    }
}

void ck_pool_barrier(ck_pool *pool) {
    if (pool->threadCount == 1) return;
    unsigned long phase = atomic_load_explicit(&pool->barrierPhase, memory_order_acquire);
    if (atomic_fetch_add_explicit(&pool->arrived, 1, memory_order_acq_rel) == pool->threadCount - 1) {
        atomic_store_explicit(&pool->arrived, 0, memory_order_relaxed);
        publish(pool, &pool->barrierPhase);
    } else {
        wait_for_change(pool, &pool->barrierPhase, phase);
    }
}

void ck_pool_destroy(ck_pool *pool) {
    if (!pool) return;
    atomic_store_explicit(&pool->stopping, 1, memory_order_release);
    publish(pool, &pool->generation);
    for (int t = 1; t < pool->threadCount; t++) pthread_join(pool->threads[t], NULL);
    pthread_mutex_destroy(&pool->mutex);
    pthread_cond_destroy(&pool->wake);
    free(pool->threads);
    free(pool);
}
