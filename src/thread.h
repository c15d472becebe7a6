/* thread.h -- threading (A2) and near-duplicate links (A1); see thread.c. */
#ifndef COMMHUB_THREAD_H
#define COMMHUB_THREAD_H
/* Thread and dedupe-link one freshly written record (inside SPI). */
extern void commhub_link_record(const char *record_id, const char *tenant);
#endif
