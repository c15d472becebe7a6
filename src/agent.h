/* agent.h -- agent job queue (agent_queue.c) and workers (agent_worker.c). */
#ifndef COMMHUB_AGENT_H
#define COMMHUB_AGENT_H
#include "postgres.h"
#include "storage/latch.h"
#include "storage/spin.h"

#define AGENT_MAX_WORKERS 8

typedef struct AgentShmemStruct
{
	slock_t		lock;
	Latch	   *latch[AGENT_MAX_WORKERS];	/* NULL = slot free */
	uint64		wakeups;
} AgentShmemStruct;

extern AgentShmemStruct *AgentShmem;

extern void commhub_agent_shmem_init(void);
extern void commhub_agent_worker_init(void);
extern void commhub_wake_workers(void);
extern void commhub_wake_at_commit(void);
extern void commhub_enqueue_after_ingest(Datum *record_ids, int n, Datum *urgent_ids, int nurgent);

extern PGDLLEXPORT void commhub_agent_worker_main(Datum arg);

#endif
