/* thread.h -- threading (A2) and near-duplicate links (A1); see thread.c. */
#ifndef COMMHUB_THREAD_H
#define COMMHUB_THREAD_H
#include "postgres.h"
#include <jansson.h>

/* What threading needs of one record of a chunk (pointers stay valid for
 * the chunk); thread_id/parent/callback are the results. */
typedef struct ThreadIn
{
	const char *record_id;
	const char *type;
	const char *customer_id;
	const char *message_id;
	const char *in_reply_to;
	json_t	   *references;
	const char *subject;
	const char *subject_key;
	const char *chat_key;
	const char *call_number;
	const char *opportunity_id;
	const char *project_id;
	Datum		identity_keys;	/* text[]; emails only, else 0 */
	int64		time_us;
	bool		missed;
	bool		outbound;		/* our call (a missed one is an attempt) */
	/* After the insert: false when the stored record cannot be a near-
	 * duplicate by any rule (no simhash bands or content under 20
	 * characters, no attachments, no call number, not a meeting); such
	 * records are not sent to the near-duplicate query. */
	bool		may_duplicate;
	int32		row_id;			/* after the insert: the record's id */
	char		thread_id[65];
	char		parent[65];
	bool		callback;
} ThreadIn;

/* Before the insert: thread_id and parent of every record (inside SPI). */
extern void commhub_thread_assign(ThreadIn *in, int n, const char *tenant);
/* After the insert: adopt early replies, close answered missed calls, link
 * near-duplicates (inside SPI). */
extern void commhub_thread_after_insert(ThreadIn *in, int n, const char *tenant);
/* After add_identity attached the records attached (int4[] of ids) to
 * customer_id: link their near-duplicates (inside SPI). */
extern void commhub_link_attached(Datum attached, const char *customer_id, const char *tenant);
#endif
